# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Hardening of the BPF side against preemption, and of the tap against signals.

Scratch guard (bpf/pyxcheck.bpf.c, bpf/tap.bpf.c): records are built in per-CPU scratch slots, each
owned by whoever took its busy word with an atomic exchange; a program that finds every slot of
its kind taken counts its record lost on its stream. A real nesting (a task preempted inside a
program while another enters it on the same CPU) cannot be forced from a test, and this machine's
kernel runs preempt=none, where it does not happen at all. So the tests play the preempted task:
they set every busy word of a kind from user space (bpftool writes a per-CPU value to every CPU),
and then every user of that kind is a nested one. Its losses must be exact and visible through the
loader (pyx_loader_lost, printed by pyx-bpfdrv as "lost: A S P") and through the tap.

The stress tests run many threads on both CPUs that raise audit events whose arguments are
derived from (thread, index), so that a record built from two interleaved writers cannot pass for
a good one; every record delivered must be intact, and for the monitor, delivered + lost must
equal what the hooks emitted.

The tap test: SIGINT while the tap is blocked writing to a full stdout pipe must not cost a line.
"""
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

import pytest

from conftest import (BUILD, LIBPYXCHECK, MONITOR, ROOT, SYSTEM_PYTHON, needs_root_bpf, run,
                      serial)
from conftest import stdout_records as records, wait_for
from pyxjson import plain

sys.path.insert(0, str(ROOT / "tests"))
import pyxwire  # noqa: E402

pytestmark = needs_root_bpf

DRV = BUILD / "tests" / "pyx-bpfdrv"
TAP = BUILD / "pyxcheck-tap"
PY = SYSTEM_PYTHON
SLOTS = 4  # PYX_SCRATCH_SLOTS / SCRATCH_SLOTS
KIND_AUDIT, KIND_SC, KIND_PROC = 0, 1, 2  # enum scratch_kind
NR_CLOCK_NANOSLEEP, NR_WRITE = 230, 1

# Waits (in clock_nanosleep, which nothing traces) until argv[1] exists, then either runs N
# unlink calls and exits (argv[2] == "unlink") or execs the rest of argv with the hook preloaded.
WAITER = r"""
import os, socket, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
if sys.argv[2] == "unlink":
    for i in range(int(sys.argv[3])):
        try:
            os.unlink("/nonexistent/pyx-nest-%d" % i)
        except OSError:
            pass
    os._exit(0)
if sys.argv[2] == "socket":
    for i in range(int(sys.argv[3])):
        socket.socket(socket.AF_UNIX).close()
    os._exit(0)
# Only the hook in the child's environment; under `make test SANITIZE=1` also the ASan runtime
# (first, as conftest arranges for every child) and the sanitizer options, which the driver and
# this waiter inherited.
env = {"LD_PRELOAD": ":".join(p for p in (os.environ.get("PYX_ASAN_RUNTIME"), sys.argv[2]) if p)}
env.update((k, os.environ[k]) for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS") if k in os.environ)
os.execve(sys.argv[3], sys.argv[3:], env)
"""


def need(*paths):
    for p in paths:
        if not p.exists():
            pytest.fail(f"{p} is missing: run `make` first")


def in_syscall(pid, nr):
    """pid is blocked in syscall nr (/proc/PID/syscall starts with its number)."""
    try:
        with open(f"/proc/{pid}/syscall") as f:
            return f.read().split(" ", 1)[0] == str(nr)
    except OSError:
        return False


def guard_map(pid):
    """Id of the scratch_guard map that process pid holds open, or None."""
    try:
        fds = os.listdir(f"/proc/{pid}/fdinfo")
    except OSError:
        return None
    for fd in fds:
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                m = re.search(r"^map_id:\s*(\d+)", f.read(), re.M)
        except OSError:
            continue
        if not m:
            continue
        r = run(["bpftool", "-j", "map", "show", "id", m.group(1)])
        if r.returncode == 0 and json.loads(r.stdout).get("name") == "scratch_guard":
            return int(m.group(1))
    return None


def hold(map_id, words, nwords):
    """Mark busy words `words` (of `nwords` u64) on every CPU, as a preempted holder would."""
    value = []
    for k in range(nwords):
        value += ["1" if k in words else "0"] + ["0"] * 7
    r = run(["bpftool", "map", "update", "id", str(map_id), "key", "0", "0", "0", "0",
             "value"] + value)
    assert r.returncode == 0, r.stderr
    r = run(["bpftool", "-j", "map", "lookup", "id", str(map_id), "key", "0", "0", "0", "0"])
    per_cpu = json.loads(r.stdout)["values"]
    assert len(per_cpu) == os.cpu_count()
    for v in per_cpu:
        assert [int(v["value"][8 * k], 16) for k in range(nwords)] == \
            [1 if k in words else 0 for k in range(nwords)]


def kind_words(*kinds):
    return {kind * SLOTS + s for kind in kinds for s in range(SLOTS)}


def drv_held(tmp, drv_args, words, child_args):
    """Run pyx-bpfdrv on the waiter; once the waiter sleeps, hold `words`, then let it go."""
    need(DRV, LIBPYXCHECK)
    go = os.path.join(tmp, "go")
    p = subprocess.Popen([str(DRV)] + drv_args + ["--", PY, "-I", "-c", WAITER, go] + child_args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = p.stderr.readline()
        assert first.startswith("child: "), first + p.stderr.read()
        child = int(first.split()[1])
        # Asleep in its loop: every traced syscall of its start-up has gone through its program.
        wait_for(lambda: in_syscall(child, NR_CLOCK_NANOSLEEP), "the waiter to sleep")
        hold(wait_for(lambda: guard_map(p.pid), "scratch_guard"), words, 3 * SLOTS)
        open(go, "w").close()
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, first + err
    lost = err.splitlines()[-1].split()
    assert lost[0] == "lost:", err
    return child, records(out), [int(x) for x in lost[1:]]


def test_nested_audit_user_counts_lost(tmp_path):
    code = ("import sys\nfor i in range(100):\n    sys.audit('pyx.nest', i)\n"
            "open('/dev/null').close()")
    child, recs, lost = drv_held(str(tmp_path), ["--hook", str(LIBPYXCHECK)],
                                 kind_words(KIND_AUDIT),
                                 [str(LIBPYXCHECK), PY, "-I", "-c", code])
    ours = [r for r in recs if r["pid"] == child]
    assert [r for r in ours if r["type"] == "audit"] == []
    # lifecycle records are built on the stack: they still arrive and say what was emitted
    stops = [r for r in ours if r["type"] == "lifecycle" and r["kind"] == 2]
    starts = [r for r in ours if r["type"] == "lifecycle" and r["kind"] == 1]
    assert len(starts) == 1 and len(stops) == 1
    emitted = stops[0]["emitted"]
    assert emitted >= 100
    assert lost == [emitted, 0, 0]
    inband = sum(r["count"] for r in recs if r["type"] == "lost" and r["stream"] == 0)
    assert inband <= emitted
    assert not [r for r in recs if r["type"] == "lost" and r["stream"] != 0]
    # the other kinds have their own slots
    assert [r for r in ours if r["type"] == "syscall" and r["syscall"] == "openat"
            and r["args"]["filename"] == "/dev/null"]


def test_nested_syscall_and_process_users_count_lost(tmp_path):
    child, recs, lost = drv_held(str(tmp_path), [], kind_words(KIND_SC, KIND_PROC),
                                 ["socket", "25"])
    ours = [r for r in recs if r["pid"] == child]
    # 25 socket records (built at exit in a scratch slot), then the exit record: every one was
    # a nested user
    assert lost == [0, 25, 1]
    assert not [r for r in ours if r["type"] == "syscall" and r["syscall"] == "socket"]
    assert not [r for r in ours if r["type"] == "process" and r["kind"] == 3]
    # what the waiter did before the hold was delivered
    assert [r for r in ours if r["type"] == "syscall" and r["syscall"] == "openat"]
    assert not [r for r in recs if r["type"] == "malformed"]


def test_rows_read_at_entry_need_no_scratch_slot(tmp_path):
    """A row read at entry builds its record in the thread's own task storage (issue 10): no
    other task can hold that, so with every scratch slot held its records still arrive, sent
    with the entry values (the exit copy to compare with needs a slot)."""
    child, recs, lost = drv_held(str(tmp_path), [], kind_words(KIND_SC, KIND_PROC),
                                 ["unlink", "25"])
    ours = [r for r in recs if r["pid"] == child]
    assert lost == [0, 0, 1]  # the exit record only
    unl = [r for r in ours if r["type"] == "syscall" and r["syscall"] == "unlink"]
    assert [r["args"]["pathname"] for r in unl] == ["/nonexistent/pyx-nest-%d" % i
                                                    for i in range(25)]
    assert all(r["ret"] == -2 for r in unl)
    assert not [r for r in recs if r["type"] == "malformed"]


def start_tap(args, stdout):
    need(TAP, LIBPYXCHECK)
    err = tempfile.TemporaryFile(mode="w+")
    tap = subprocess.Popen([str(TAP)] + args, stdout=stdout, stderr=err)

    def ready():
        err.seek(0)
        text = err.read()
        if tap.poll() is not None:
            pytest.fail("the tap exited: " + text)
        return "ready\n" in text
    wait_for(ready, "the tap to attach")
    return tap, err


def stop_tap(tap, err, read_stdout=False):
    tap.send_signal(signal.SIGINT)
    out = tap.stdout.read() if read_stdout else None
    tap.wait(timeout=60)
    err.seek(0)
    text = err.read()
    assert tap.returncode == 0, text
    m = re.search(r"^pyxcheck-tap: (\d+) records, (\d+) lost, (\d+) unreadable payloads$", text,
                  re.M)
    assert m, text
    return out, int(m.group(1)), int(m.group(2))


def hooked(code):
    return run(["env", "LD_PRELOAD=" + str(LIBPYXCHECK), PY, "-I", "-c", code], timeout=300)


def test_tap_nested_user_counts_lost(tmp_path):
    out = open(tmp_path / "out", "w+")
    tap, err = start_tap(["-c", "other", "-c", "lifecycle"], out)
    try:
        hold(wait_for(lambda: guard_map(tap.pid), "scratch_guard"), kind_words(0), SLOTS)
        r = hooked("import os, sys\nfor i in range(50):\n    sys.audit('pyx.nest', i)\n"
                   "print(os.getpid())")
        assert r.returncode == 0, r.stderr
    finally:
        _, nrecords, lost = stop_tap(tap, err)
    pid = int(r.stdout)
    out.seek(0)
    lines = [line for line in out.read().splitlines() if f" pid={pid} " in line]
    assert [line for line in lines if line.startswith("probe=other ")] == []
    stops = [line for line in lines if line.startswith("probe=hook_stop ")]
    assert len(stops) == 1
    emitted = int(re.search(r" emitted=(\d+)", stops[0]).group(1))
    assert emitted >= 50
    # other hooked processes on the machine may lose theirs too: at least ours
    assert lost >= emitted


# --- Stress: self-checking payloads from many threads on both CPUs ---------------------------

NPROCS, NTHREADS, EVENTS = 4, 4, 1000
# Each producer waits for the others, then exits in turn: a hook_stop that met a full ring would
# leave its process's emitted count unknown.
PRODUCER = r"""
import os, sys, threading, time
t_count, n, index, nprocs, work = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5]

def text(t, i):
    # lengths vary, so that a short record written over a long one leaves the long one's tail
    return (("%d.%d;" % (t, i)) * 400)[: (i * 37 + t * 101) % 1500 + 1]

def blob(t, i):
    return bytes(((t * 7 + i * 13 + k) & 0x5f) + 0x20 for k in range((i * 53 + t) % 1200 + 1))

def run(t):
    audit = sys.audit
    for i in range(n):
        audit("pyx.selfcheck", t, i, text(t, i), blob(t, i))

threads = [threading.Thread(target=run, args=(t,)) for t in range(t_count)]
for th in threads:
    th.start()
for th in threads:
    th.join()
open(os.path.join(work, "done.%d" % index), "w").close()
while sum(f.startswith("done.") for f in os.listdir(work)) < nprocs:
    time.sleep(0.05)
time.sleep(0.5 + 0.3 * index)
"""


def expected(t, i):
    text = (("%d.%d;" % (t, i)) * 400)[: (i * 37 + t * 101) % 1500 + 1]
    blob = bytes(((t * 7 + i * 13 + k) & 0x5F) + 0x20 for k in range((i * 53 + t) % 1200 + 1))
    return text, blob


def producers_cmd(tmp):
    script = os.path.join(tmp, "producer.py")
    with open(script, "w") as f:
        f.write(PRODUCER)
    work = os.path.join(tmp, "work")
    os.mkdir(work)
    return " ".join(f"{PY} -I {script} {NTHREADS} {EVENTS} {i} {NPROCS} {work} &"
                    for i in range(NPROCS)) + " wait"


@serial  # loads both CPUs on purpose, or depends on timing
def test_stress_monitor_records_intact(tmp_path):
    need(MONITOR, LIBPYXCHECK)
    out = tmp_path / "out.jsonl"
    # Every category: another tracer on the machine may enable the others in our producers, and
    # what they emit there counts in events_emitted too.
    r = run([str(MONITOR), "-j", "--summary", "--ringbuf-size", "64M", "-o", str(out), "--",
             "/bin/sh", "-c", producers_cmd(str(tmp_path))], timeout=600)
    seqs, stops, starts, checked, summary = {}, {}, {}, 0, None
    with open(out, encoding="utf-8") as f:
        for line in f:
            rec = plain(json.loads(line))  # typed argument values (schema 2) as bare ones
            t = rec["type"]
            assert t != "malformed", rec
            if t == "audit":
                seqs.setdefault(rec["pid"], []).append(rec["seq"])
                if rec["event"] == "pyx.selfcheck":
                    th, i, text, blob = rec["args"]
                    want_text, want_blob = expected(th, i)
                    assert text == want_text and blob == {"bytes": want_blob.decode()}, rec
                    checked += 1
            elif t == "lifecycle" and rec["event"] == "hook_start":
                starts[rec["pid"]] = starts.get(rec["pid"], 0) + 1
            elif t == "lifecycle":
                assert rec["pid"] not in stops, rec
                stops[rec["pid"]] = rec["events_emitted"]
            elif t == "summary":
                summary = rec
    assert summary is not None
    # status 3 when anything was lost (docs/cli.md, "Losses")
    missing = sum(summary["lost"].values()) + sum(summary["throttled"].values())
    assert r.returncode == (3 if missing else 0), r.stderr[-4000:]
    assert set(seqs) <= set(stops) and starts == {pid: 1 for pid in stops}
    for pid, s in seqs.items():
        assert len(s) == len(set(s)) and max(s) <= stops[pid], pid
    delivered = sum(map(len, seqs.values())) + 2 * len(stops)
    assert delivered + summary["lost"]["audit"] + summary["throttled"]["audit"] == \
        sum(stops.values()) + 2 * len(stops)
    assert checked > 0
    print(f"selfcheck records checked={checked} lost={summary['lost']['audit']}")


@serial  # loads both CPUs on purpose, or depends on timing
def test_stress_tap_records_intact(tmp_path):
    out = open(tmp_path / "out", "w+")
    tap, err = start_tap(["-c", "other"], out)
    try:
        r = run(["env", "LD_PRELOAD=" + str(LIBPYXCHECK), "/bin/sh", "-c",
                 producers_cmd(str(tmp_path))], timeout=600)
        assert r.returncode == 0, r.stderr
    finally:
        _, nrecords, lost = stop_tap(tap, err)
    out.seek(0)
    checked, seqs = 0, {}
    for line in out:
        m = re.fullmatch(r"probe=other pid=(\d+) tid=\d+ id=(\d+) len=(\d+) claimed=(\d+) "
                         r"flags=(\d+) payload=([0-9a-f]*)\n", line)
        assert m, line[:200]
        raw = bytes.fromhex(m.group(6))
        assert len(raw) == int(m.group(3)) == int(m.group(4)) and m.group(5) == "0", line[:200]
        p = pyxwire.decode(raw)
        if p.name != "pyx.selfcheck":
            continue  # another hooked process on the machine
        th, i, text, blob = p.args
        assert (text, blob) == expected(th, i), line[:200]
        seqs.setdefault(int(m.group(1)), []).append(p.seq)
        checked += 1
    for pid, s in seqs.items():
        assert len(s) == len(set(s)), pid
    assert len(seqs) == NPROCS
    assert checked + lost >= NPROCS * NTHREADS * EVENTS
    print(f"tap selfcheck records checked={checked} lost={lost}")


# --- The tap and SIGINT ------------------------------------------------------------------------

@serial  # loads both CPUs on purpose, or depends on timing
def test_tap_sigint_while_stdout_full_keeps_every_line():
    tap, err = start_tap(["-c", "other", "-c", "lifecycle"], subprocess.PIPE)
    try:
        # ~1.3 MB of lines: far more than the pipe holds, so the tap blocks in write
        r = hooked("import os, sys\nfor i in range(2000):\n    sys.audit('pyx.sig', i, 'x' * 300)\n"
                   "print(os.getpid())")
        assert r.returncode == 0, r.stderr
        wait_for(lambda: in_syscall(tap.pid, NR_WRITE), "the tap to block in write")
    except BaseException:
        tap.kill()
        raise
    out, nrecords, lost = stop_tap(tap, err, read_stdout=True)
    text = out.decode()
    assert text.endswith("\n")
    lines = text.splitlines()
    # one whole line per record: nothing dropped, nothing cut or run together
    assert len(lines) == nrecords
    pat = re.compile(r"probe=(other pid=\d+ tid=\d+ id=\d+ len=(\d+) claimed=\d+ flags=\d+ "
                     r"payload=([0-9a-f]*)|hook_start pid=\d+ .*|hook_stop pid=\d+ .*)")
    for line in lines:
        m = pat.fullmatch(line)
        assert m, line[:200]
        if m.group(2):
            assert len(m.group(3)) == 2 * int(m.group(2)), line[:200]
    pid = int(r.stdout)
    ours = [pyxwire.decode(bytes.fromhex(line.rsplit("=", 1)[1])) for line in lines
            if line.startswith(f"probe=other pid={pid} ")]
    if lost == 0:
        assert [p.args[0] for p in ours if p.name == "pyx.sig"] == list(range(2000))


def test_record_padding_before_the_user_stack_is_zero(tmp_path):
    """The bytes between a record's tail and its 8-aligned user stack (up to 7) are zero, not
    what an earlier record left in the buffer: here the thread's own earlier, longer sockaddr
    (connect is built in the thread's slot and always carries a stack)."""
    out = tmp_path / "o.jsonl"
    code = ("import socket\n"
            "for p in ('/nonexistent/' + 'B' * 90, '/nonexistent/x'):\n"
            "    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
            "    try:\n"
            "        s.connect(p)\n"
            "    except OSError:\n"
            "        pass\n"
            "    s.close()\n")
    r = run([str(MONITOR), "-j", "--raw", "-o", str(out), "--", PY, "-c", code], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    [short] = [x for x in recs if x.get("syscall") == "connect"
               and x["args"]["uservaddr"]["sockaddr"]["path"] == "/nonexistent/x"]
    raw = base64.b64decode(short["raw"])
    end = raw.index(b"/nonexistent/x\0") + len("/nonexistent/x\0")
    assert len(raw) > end + 8  # the stack follows
    assert raw[end:(end + 7) & ~7] == bytes((8 - end % 8) % 8)
