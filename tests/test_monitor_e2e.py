# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""build/pyxcheck end to end, as root with BPF.

The capture test runs, in ONE run:
    pyxcheck -j -o out.jsonl -- strace -f -o strace.txt -e trace=... PYTHON monitor_workload.py
so that the monitor, the workload's in-process sys.addaudithook recorder and strace all see the
same processes, paths, ports and file descriptors. The monitor's audit records must equal what the
recorder saw, and its syscall records what strace saw, for the traced syscalls.
"""
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys

import pytest

from conftest import LIBPYXCHECK, MONITOR, PYTHONS, ROOT, needs_root_bpf, run
from conftest import records, wait_for, require_built

from pyxjson import plain
WORKLOAD = ROOT / "tests" / "scripts" / "monitor_workload.py"
DEMO = ROOT / "demo" / "demo.py"
TRACED = ["openat", "open", "creat", "mkdir", "mkdirat", "unlink", "unlinkat", "rmdir", "rename",
          "renameat", "renameat2", "connect", "socket", "execve"]
# Events the hook sees after the interpreter has dropped Python-level hooks at finalisation:
# an in-process recorder cannot see them, the monitor must.
AFTER_PY_HOOKS = {"cpython._PySys_ClearAuditHooks", "cpython.PyInterpreterState_Clear"}

pytestmark = needs_root_bpf


@pytest.fixture(scope="module", autouse=True)
def built():
    require_built()


# ---------------------------------------------------------------------------- audit vs recorder
def matches(p, r, truncated):
    """p (monitor) equals r (recorder), allowing what the payload bounds cut when truncated."""
    if p == r:
        return True
    if truncated and isinstance(p, dict) and set(p) == {"truncated"}:
        return True  # a depth or elided marker
    if isinstance(p, list) and isinstance(r, list):
        return (len(p) == len(r) or (truncated and len(p) < len(r))) and all(
            matches(a, b, truncated) for a, b in zip(p, r))
    if isinstance(p, dict) and isinstance(r, dict):
        if "object" in p and "object" in r:
            # the recorder reads a subset of what the hook reads (socket: fd only)
            return p["object"] == r["object"] and all(
                k in p["attrs"] and matches(p["attrs"][k], v, truncated)
                for k, v in r["attrs"].items())
        return set(p) == set(r) and all(matches(p[k], r[k], truncated) for k in p)
    if truncated and isinstance(p, str) and isinstance(r, str):
        return r.startswith(p)
    return False


def check_audit(out, rec):
    pid = rec[0]["pid"]
    seen = rec[1:]
    assert not [r for r in seen if r[0] == "recorder-error"]
    mine = [r for r in out if r["type"] == "audit" and r["pid"] == pid]
    # the recorder sees what follows its own installation
    start = [i for i, r in enumerate(mine) if r["event"] == "sys.addaudithook"
             and r["frame"] and r["frame"]["file"].endswith("monitor_workload.py")]
    assert len(start) == 1
    mine = mine[start[0] + 1:]
    assert len(mine) >= len(seen) > 20
    for p, r in zip(mine, seen):
        args = list(p["args"].values()) if isinstance(p["args"], dict) else p["args"]
        assert p["event"] == r[0], (p, r)
        assert matches(args, r[1], p.get("truncated", False)), (p, r)
    assert {p["event"] for p in mine[len(seen):]} <= AFTER_PY_HOOKS
    names = {r[0] for r in seen}
    assert {"open", "os.mkdir", "os.listdir", "os.rename", "os.remove", "os.rmdir",
            "socket.connect", "socket.bind", "subprocess.Popen", "os.system", "import",
            "exec"} <= names


# ---------------------------------------------------------------------------- syscalls vs strace
STRACE_LINE = re.compile(r"^(\d+) +(\w+)\((.*)\) += (-?\d+|0x[0-9a-f]+)(?: (E\w+))?")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def strace_calls(path):
    """{pid: [key, ...]} from strace -f output, unfinished/resumed pairs joined."""
    pending, calls = {}, {}
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        line = line.rstrip("\n")
        m = re.match(r"^(\d+) +(.*) <unfinished \.\.\.>$", line)
        if m:
            pending[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^(\d+) +<\.\.\. \w+ resumed>(.*)$", line)
        if m:
            line = m.group(1) + " " + pending.pop(m.group(1)) + m.group(2)
        m = STRACE_LINE.match(line)
        if not m:
            continue
        pid, name, args, ret, err = m.groups()
        strings = QUOTED.findall(args)
        if name == "connect":
            inet = re.search(r'sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)', args)
            target = f"{inet.group(2)}:{inet.group(1)}" if inet else strings[0]
        elif name == "socket":
            target = args.split(",")[0]
        else:
            target = "|".join(strings[:2] if name.startswith("rename") else strings[:1])
        calls.setdefault(int(pid), []).append((name, target, err or int(ret)))
    return calls


def monitor_calls(out):
    calls = {}
    for r in out:
        if r["type"] != "syscall" or r["syscall"] not in TRACED:
            continue
        a, name = r["args"], r["syscall"]
        if name == "connect":
            sa = a["uservaddr"]
            target = f"{sa['addr']}:{sa['port']}" if "addr" in sa else sa.get("path")
        elif name == "socket":
            target = a["family"]
        elif name.startswith("rename"):
            target = a["oldname"] + "|" + a["newname"]
        else:
            target = a.get("filename", a.get("pathname"))
        calls.setdefault(r["pid"], []).append((name, target, r.get("errno") or r["ret"]))
    return calls


def check_syscalls(out, strace_path, work):
    theirs = strace_calls(strace_path)

    def ours_only(key):
        name, target, _ = key
        return name in ("connect", "socket", "execve") or (target and work in target)

    mine = monitor_calls(out)
    assert len(theirs) >= 3  # python, its python child, sh
    for pid, calls in theirs.items():
        want = [c for c in calls if ours_only(c)]
        got = [c for c in mine.get(pid, []) if ours_only(c)]
        assert got == want, f"pid {pid}"
    flat = [c for calls in theirs.values() for c in calls]
    names = {c[0] for c in flat if ours_only(c)}
    assert {"openat", "mkdir", "rename", "unlink", "rmdir", "connect", "socket", "execve"} <= names
    assert any(c[2] == "ENOENT" and c[1].endswith("missing.txt") for c in flat)


@pytest.mark.parametrize("python", PYTHONS)
def test_capture_matches_recorder_and_strace(python, tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    out, rec, st = tmp_path / "out.jsonl", tmp_path / "rec.jsonl", tmp_path / "strace.txt"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", "strace", "-f", "-qq", "-s", "4096",
             "-o", str(st), "-e", "trace=" + ",".join(TRACED), python, str(WORKLOAD), str(work),
             str(rec)], timeout=180)
    assert r.returncode == 0, r.stderr
    out_recs = records(out)
    assert not [x for x in out_recs if x["type"] in ("malformed", "lost")]
    check_audit(out_recs, records(rec))
    check_syscalls(out_recs, st, str(work))
    # the workload's own python is preloaded: its hook says so
    pid = records(rec)[0]["pid"]
    starts = [x for x in out_recs if x["type"] == "lifecycle" and x["pid"] == pid]
    assert [x["event"] for x in starts] == ["hook_start", "hook_stop"]
    assert starts[0]["delivery"] == "preload" and starts[0]["status"] == "installed"


# ---------------------------------------------------------------------------- exit status
@pytest.mark.parametrize("code,want", [("pass", 0), ("raise SystemExit(3)", 3),
                                       ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
                                        137)])
def test_exit_status_is_commands(code, want, tmp_path):
    r = run([str(MONITOR), "-j", "-o", str(tmp_path / "o"), "--", sys.executable, "-c", code])
    assert r.returncode == want, r.stderr
    exits = [x for x in records(tmp_path / "o") if x["type"] == "process" and x["event"] == "exit"]
    assert len(exits) == 1
    if want == 137:
        assert (exits[0]["signal"], exits[0]["wait_status"]) == ("SIGKILL", 9)
        assert "exit_code" not in exits[0]
    else:
        assert (exits[0]["exit_code"], exits[0]["wait_status"]) == (want, want << 8)
        assert "signal" not in exits[0]


def test_command_not_found_is_127(tmp_path):
    r = run([str(MONITOR), "-o", str(tmp_path / "o"), "--", "/nonexistent/cmd"])
    assert r.returncode == 127
    assert "failed to run /nonexistent/cmd" in r.stderr


def test_descendants_that_outlive_command_are_followed(tmp_path):
    # sh exits at once; its background python outlives it and is still recorded to its end
    marker = tmp_path / "late.txt"
    script = f"import time; time.sleep(0.5); open({str(marker)!r}, 'w').close()"
    r = run([str(MONITOR), "-j", "-o", str(tmp_path / "o"), "--", "sh", "-c",
             f"{sys.executable} -c \"{script}\" &"])
    assert r.returncode == 0, r.stderr
    assert marker.exists()
    opens = [x for x in records(tmp_path / "o") if x["type"] == "audit" and x["event"] == "open"
             and x["args"]["path"] == str(marker)]
    assert len(opens) == 1


# ---------------------------------------------------------------------------- -p, -a, signals
def out_has(path, pred):
    def check():
        try:
            data = open(path, "rb").read().decode("utf-8")
        except FileNotFoundError:
            return False
        return any(pred(plain(json.loads(line))) for line in data.split("\n")[:-1])
    return check


TARGET = """
import os, sys, time
go, ping = sys.argv[1], sys.argv[2]
while not os.path.exists(go):
    open(ping).close()          # an audit event the test waits for: the monitor is attached
    time.sleep(0.05)
with open(go + ".done", "w") as f:
    f.write("done")
"""


def start_target(tmp_path, code=TARGET):
    (tmp_path / "ping").write_text("")
    env = dict(os.environ, LD_PRELOAD=str(LIBPYXCHECK))
    return subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "go"),
                             str(tmp_path / "ping")], env=env)


def pid_mode_run(tmp_path, code=TARGET):
    """A hooked Python running code (which waits for tmp_path/go) before `pyxcheck -p PID`
    attaches; released once its events are seen; returns its pid and the records."""
    target = start_target(tmp_path, code)
    out = tmp_path / "out.jsonl"
    mon = subprocess.Popen([str(MONITOR), "-j", "-o", str(out), "-p", str(target.pid)])
    try:
        wait_for(out_has(out, lambda x: x["type"] == "audit" and x["pid"] == target.pid),
                 "the target's events")
        (tmp_path / "go").write_text("")
        assert target.wait(timeout=60) == 0
        assert mon.wait(timeout=60) == 0  # -p ends when every given process has exited
    finally:
        for p in (target, mon):
            if p.poll() is None:
                p.kill()
                p.wait()
    return target, records(out)


def test_pid_mode_follows_a_running_process_until_it_exits(tmp_path):
    target, recs = pid_mode_run(tmp_path)
    done = str(tmp_path / "go") + ".done"
    assert [x["args"]["path"] for x in recs if x["type"] == "audit" and x["event"] == "open"
            and x["pid"] == target.pid][-1] == done
    assert [x for x in recs if x["type"] == "syscall" and x["syscall"] == "openat"
            and x["args"]["filename"] == done and x["ret"] >= 0]
    assert {x["pid"] for x in recs if x["type"] in ("audit", "syscall")} == {target.pid}


def test_all_mode_sigterm_detaches_drains_and_prints_summary(tmp_path):
    target = start_target(tmp_path)
    out = tmp_path / "out.jsonl"
    mon = subprocess.Popen([str(MONITOR), "-a", "-j", "--summary", "-o", str(out)])
    try:
        wait_for(out_has(out, lambda x: x["type"] == "audit" and x["pid"] == target.pid),
                 "the target's events")
        mon.send_signal(signal.SIGTERM)
        assert mon.wait(timeout=60) == 0
    finally:
        (tmp_path / "go").write_text("")
        target.wait(timeout=60)
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    recs = records(out)
    summary = recs[-1]
    assert summary["type"] == "summary"
    # -a without syscall records for unhooked processes; counts agree with what was printed
    opens = sum(1 for x in recs if x["type"] == "audit" and x["event"] == "open")
    assert summary["events"]["open"] == opens > 0
    assert summary["lost"] == {"audit": 0, "syscall": 0, "process": 0, "unmonitored": 0}


def test_summary_counts_what_was_printed(tmp_path):
    out = tmp_path / "o"
    r = run([str(MONITOR), "-j", "--summary", "-o", str(out), "--", sys.executable, "-c",
             "import os; [open(os.devnull).close() for _ in range(5)]; os.mkdir('/nonexistent/x') "
             "if 0 else None"])
    assert r.returncode == 0, r.stderr
    recs = records(out)
    s = recs[-1]
    assert s["type"] == "summary" and s["malformed"] == 0
    body = [x for x in recs[:-1] if x["type"] != "start"]  # start: the monitor's own record
    ev = {}
    for x in body:
        if x["type"] == "audit":
            ev[x["event"]] = ev.get(x["event"], 0) + 1
    assert s["events"] == ev
    sc = {}
    for x in body:
        if x["type"] == "syscall":
            c = sc.setdefault(x["syscall"], {"count": 0, "failed": 0})
            c["count"] += 1
            c["failed"] += "errno" in x
    assert s["syscalls"] == sc
    assert s["records"] == len(body)
    assert ev["open"] >= 5


# ---------------------------------------------------------------------------- -e, plain output
def test_events_file_only_attaches_file_and_shows_nothing_else(tmp_path):
    out = tmp_path / "o"
    r = run([str(MONITOR), "-j", "-e", "file", "-o", str(out), "--", sys.executable, "-c",
             "import socket; socket.socket().close(); open('/dev/null').close()"])
    assert r.returncode == 0, r.stderr
    recs = records(out)
    assert {x["type"] for x in recs} <= {"start", "audit", "lifecycle", "process"}
    assert {x["category"] for x in recs if x["type"] == "audit"} == {"file"}
    assert any(x["event"] == "open" and x["args"]["path"] == "/dev/null" for x in recs
               if x["type"] == "audit")


def test_events_glob_and_syscall_filter(tmp_path):
    out = tmp_path / "o"
    r = run([str(MONITOR), "-j", "-e", "socket.*,syscall:connect", "-o", str(out), "--",
             sys.executable, "-c",
             "import socket; s = socket.socket()\n"
             "try: s.connect(('127.0.0.1', 9))\nexcept OSError: pass\n"
             "s.close(); open('/dev/null').close()"])
    assert r.returncode == 0, r.stderr
    recs = records(out)
    audit = [x["event"] for x in recs if x["type"] == "audit"]
    assert audit == ["socket.__new__", "socket.connect"]
    sc = [x for x in recs if x["type"] == "syscall"]
    assert [x["syscall"] for x in sc] == ["connect"]
    assert sc[0]["args"]["uservaddr"] == {"family": "AF_INET", "addr": "127.0.0.1", "port": 9}
    assert sc[0]["errno"] == "ECONNREFUSED" and sc[0]["ret"] == -111


def test_plain_output_columns_and_escaping(tmp_path):
    r = run([str(MONITOR), "-o", "-", "--", sys.executable, "-c",
             "import sys; sys.audit('app.evil', '\\x1b[2J\\x07', b'\\x9b\\xff')"],
            text=False)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split(b"\n")
    assert lines[0].split() == [b"TIME", b"PID", b"COMM", b"T", b"EVENT", b"/", b"SYSCALL"]
    for line in lines:
        assert not re.search(rb"[\x00-\x1f\x7f]", line), line
        line.decode("utf-8")
    evil = [line for line in lines if b" A app.evil " in line]
    assert len(evil) == 1
    assert b"'\\x1b[2J\\x07', b'\\x9b\\xff'" in evil[0]


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize("argv", [["--bogus"], ["-p"], ["-p", "abc"], ["-p", "0"],
                                  ["-e", "syscall:nomatch*"], ["--ringbuf-size", "1000"],
                                  ["--ringbuf-size", "3M"], ["python3"], ["-a", "-p", "1"],
                                  ["-p", "1", "--", "true"]])
def test_bad_usage_exits_2_with_one_line(argv):
    r = run([str(MONITOR), *argv])
    assert r.returncode == 2
    assert r.stdout == "" and len(r.stderr.strip().split("\n")) == 1
    assert r.stderr.startswith("pyxcheck: ")


def test_help_and_version():
    r = run([str(MONITOR), "--help"])
    assert r.returncode == 0
    assert r.stdout.startswith("Usage: pyxcheck [OPTIONS] [-- COMMAND [ARG...]]")
    tail = r.stdout.rstrip("\n").split("\n")
    assert "EXAMPLES" in tail and tail.index("EXAMPLES") > len(tail) - 12
    r = run([str(MONITOR), "--version"])
    assert r.returncode == 0 and r.stdout.startswith("pyxcheck ")


def test_not_root_exits_1(tmp_path):
    for extra, js in (([], False), (["-j"], True)):
        r = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(MONITOR),
                 *extra, "--", "true"])
        assert r.returncode == 1
        assert len(r.stderr.strip().split("\n")) == 1
        if js:
            err = json.loads(r.stderr)
            assert err["type"] == "error" and "root" in err["error"]
        else:
            assert "root" in r.stderr and "sudo" in r.stderr


def test_missing_hook_library_exits_1(tmp_path):
    lone = tmp_path / "pyxcheck"
    shutil.copy(MONITOR, lone)
    r = run([str(lone), "--", "true"])
    assert r.returncode == 1
    assert "libpyxcheck.so" in r.stderr and "make" in r.stderr
    assert len(r.stderr.strip().split("\n")) == 1


def test_missing_pid_exits_1():
    r = run([str(MONITOR), "-p", "2147483647"])
    assert r.returncode == 1 and "2147483647" in r.stderr


def test_output_file_unwritable_or_symlink_exits_1(tmp_path):
    r = run([str(MONITOR), "-o", str(tmp_path / "no" / "such" / "dir"), "--", "true"])
    assert r.returncode == 1 and "failed to open output file" in r.stderr
    (tmp_path / "target").write_text("keep")
    os.symlink(tmp_path / "target", tmp_path / "link")
    r = run([str(MONITOR), "-o", str(tmp_path / "link"), "--", "true"])
    assert r.returncode == 1
    assert (tmp_path / "target").read_text() == "keep"


def test_output_file_is_created_0600(tmp_path):
    out = tmp_path / "o"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", "true"])
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


# ---------------------------------------------------------------------------- demo
def test_demo_script_runs_under_the_monitor(tmp_path):
    out = tmp_path / "o"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", "/usr/bin/python3", str(DEMO)],
            timeout=120)
    assert r.returncode == 0, r.stderr
    recs = records(out)
    events = {x["event"] for x in recs if x["type"] == "audit"}
    assert {"open", "os.remove", "socket.connect", "subprocess.Popen", "import"} <= events
    syscalls = {x["syscall"] for x in recs if x["type"] == "syscall"}
    assert {"openat", "unlink", "connect", "execve"} <= syscalls


SELF_SIGNAL_TARGET = """
import ctypes, os, signal, sys, time
go, ping = sys.argv[1], sys.argv[2]
signal.signal(signal.SIGUSR1, lambda *a: None)
while not os.path.exists(go):
    open(ping).close()          # an audit event the test waits for: the monitor is attached
    time.sleep(0.05)
signal.raise_signal(signal.SIGUSR1)   # tgkill(own pid, tid): raise(), no audit event
child = os.fork()
if child == 0:
    time.sleep(30)
    os._exit(0)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(234, child, child, signal.SIGKILL)  # tgkill of another process, natively
os.waitpid(child, 0)
"""


def test_pid_mode_knows_the_own_pid_of_a_process_started_before_it(tmp_path):
    """-p: a process running before the monitor has no exec or fork record to give its pid in
    its pid namespace; the correlator asks /proc (NSpid) once, so its raise() is explained (the
    self_signal rule) and a tgkill of another process is not."""
    target, recs = pid_mode_run(tmp_path, SELF_SIGNAL_TARGET)
    kills = [(x["args"]["tgid"] == target.pid, x["args"]["sig"], x.get("verdict"))
             for x in recs if x["type"] == "syscall" and x["syscall"] == "tgkill"]
    assert kills == [(True, "SIGUSR1", None), (False, "SIGKILL", "unaudited")], kills
