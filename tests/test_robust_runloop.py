# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The run loop and its sink (issue 10): the exit status comes back before the slow detach, and
what the detach leaves behind is only a background process that holds the probes and nothing else
(no output, no pipe a caller waits on); once it is gone, so are the links.
"""
import json
import os
import re
import select
import subprocess
import time

import pytest

from conftest import (LIBPYXCHECK, MONITOR, SYSTEM_PYTHON, needs_root_bpf, run,
                      without_startup_warnings)
from conftest import require_built
from robust_util import json_lines
from test_robust_faults import bpftool_ids

pytestmark = needs_root_bpf

PROBE_FDS = {"anon_inode:bpf_link", "anon_inode:[perf_event]"}


@pytest.fixture(scope="module", autouse=True)
def built():
    require_built()


def wait_gone(pid, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(") ", 1)[1][0] in "ZX":
                    return
        except OSError:
            return
        time.sleep(0.05)
    pytest.fail(f"the detacher {pid} still runs after {timeout} s")


def held(pid):
    """fd targets and link ids of a live process; None when it is gone."""
    targets, links = {}, set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                targets[int(fd)] = os.readlink(f"/proc/{pid}/fd/{fd}")
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    for line in f:
                        if line.startswith("link_id:"):
                            links.add(int(line.split()[1]))
            except OSError:
                pass
    except OSError:
        return None
    return targets, links


def detacher_holds_only_probes(pid, h):
    """h: held(pid) of the background detacher (None: it is gone already). Besides the probes it
    holds /dev/null for stdio and (until it sees the monitor gone) the read end of the pipe that
    tells it so (capture_detach.c); once it has exited, its links are gone."""
    if h is None:
        return
    targets, links = h
    others = {fd: t for fd, t in targets.items()
              if t not in PROBE_FDS and not t.startswith("pipe:")}
    assert others == {0: "/dev/null", 1: "/dev/null", 2: "/dev/null"} or not targets, others
    assert len([t for t in targets.values() if t.startswith("pipe:")]) <= 1, targets
    wait_gone(pid)
    assert not links & bpftool_ids("link")


def test_exit_comes_back_before_the_detach_and_the_detacher_holds_only_probes(tmp_path):
    out = tmp_path / "out.jsonl"
    r = run([str(MONITOR), "-v", "-j", "-o", str(out), "--", "/bin/true"])
    assert r.returncode == 0, r.stderr
    m = re.search(r"probes detach in the background \(pid (\d+)\)", r.stderr)
    assert m, r.stderr
    pid = int(m.group(1))
    # run() returned: nothing it waits on (stdout, stderr) was held open past the exit.
    h = held(pid)
    if h is not None:
        with open(f"/proc/{pid}/comm") as f:
            assert f.read().strip() == "pyxcheck-detach"
    detacher_holds_only_probes(pid, h)
    # the output was complete at exit: the process records of /bin/true are there
    assert '"event":"exit"' in out.read_text()


def at_eof(fd):
    """True when every write end of the pipe whose read end is fd is closed (data is skipped)."""
    os.set_blocking(fd, False)
    try:
        while os.read(fd, 65536):
            pass
    except BlockingIOError:
        return False
    return True


def test_a_reader_of_the_output_sees_eof_when_pyxcheck_exits(tmp_path):
    """`pyxcheck ... | cat` returns when pyxcheck does: by the time its exit status comes back,
    the background detacher holds no copy of its stdout, nor of a pipe its caller handed it
    (capture_detach.c). That pipe comes after 800 other inherited descriptors, which the
    detacher's close loop goes through first, and the monitor runs on one CPU, where it runs on
    after its fork: a monitor that exits before that loop is done fails here every time."""
    err = tmp_path / "err"
    out_r, out_w = os.pipe()
    inh_r, inh_w = os.pipe()
    # within the usual soft limit of 1024 descriptors, with room for the monitor's own
    pad = [os.open("/dev/null", os.O_RDONLY) for _ in range(800)]
    inh = os.dup(inh_w)  # the lowest free descriptor: after every pad
    cpu = min(os.sched_getaffinity(0))
    try:
        with open(err, "w") as ef:
            p = subprocess.Popen([str(MONITOR), "-v", "-o", "/dev/null", "--", "/bin/true"],
                                 stdout=out_w, stderr=ef, pass_fds=pad + [inh],
                                 preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    finally:
        for fd in pad + [inh, inh_w, out_w]:
            os.close(fd)
    try:
        # woken by the exit itself (Popen.wait(timeout) polls, up to 50 ms late)
        pidfd = os.pidfd_open(p.pid)
        try:
            if not select.select([pidfd], [], [], 300)[0]:
                p.kill()
                p.wait()
                pytest.fail("pyxcheck still runs after 300 s")
        finally:
            os.close(pidfd)
        # the status is back: whatever pyxcheck left running must hold neither pipe now
        stdout_eof, inherited_eof = at_eof(out_r), at_eof(inh_r)
        assert p.wait() == 0, err.read_text()
    finally:
        os.close(out_r)
        os.close(inh_r)
    m = re.search(r"probes detach in the background \(pid (\d+)\)", err.read_text())
    assert m, err.read_text()
    pid = int(m.group(1))
    assert (stdout_eof, inherited_eof) == (True, True), "a pipe was still held at the exit"
    detacher_holds_only_probes(pid, held(pid))


def test_wait_detach_detaches_before_exit(tmp_path):
    r = run([str(MONITOR), "-v", "--wait-detach", "-o", "/dev/null", "--", "/bin/true"])
    assert r.returncode == 0, r.stderr
    assert "background" not in r.stderr


# A Python that raises N audit events, then says so in a file (the caller's cue that everything
# was emitted while nobody read the output).
EMITTER = r'''
import sys, time
n, done = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    sys.audit("pyx.rl", i, "x" * 100)
    if i % 200 == 199:
        time.sleep(0.01)  # a steady rate a loaded machine's monitor keeps up with
open(done, "w").close()
'''


def emitter(tmp_path, n):
    script = tmp_path / "emit.py"
    script.write_text(EMITTER)
    done = tmp_path / "emitted"
    return [SYSTEM_PYTHON, str(script), str(n), str(done)], done


def wait_for(pred, what, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def audit_accounting(text):
    """(delivered, lost) of the audit stream, and the hook's emitted count, from JSON lines."""
    delivered, lost, emitted, reasons = 0, 0, None, {}
    seqs = []
    for r in json_lines(text):
        if r["type"] == "audit":
            delivered += 1
            seqs.append(r["seq"])
        elif r["type"] == "lifecycle":
            delivered += 1
            if r["event"] == "hook_stop":
                emitted = r["events_emitted"]
        elif r["type"] == "lost":
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + r["count"]
            if r["stream"] == "audit":
                lost += r["count"]
    assert len(seqs) == len(set(seqs))
    return delivered, lost, emitted, reasons


def paused_run(tmp_path, n, extra):
    """Run the emitter under the monitor with its stdout a pipe nobody reads until the emitter
    has finished (and the monitor is still alive), then read everything."""
    cmd, done = emitter(tmp_path, n)
    mon = subprocess.Popen([str(MONITOR), "-j", "-o", "-", "--summary"] + extra + ["--"] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: done.exists() or mon.poll() is not None, "the emitter")
        time.sleep(2)  # and the reader stays away a little longer
        out, err = mon.communicate(timeout=600)
    finally:
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    return mon.returncode, out.decode("utf-8", "surrogateescape"), err.decode(errors="replace")


def test_paused_pipe_reader_loses_nothing(tmp_path):
    # 100k audit records (~35 MB in the ring, more in JSON) are far more than the pipe (64 KiB)
    # and the ring buffer (16 MiB) hold: a monitor that stopped draining while its write
    # blocked lost more than half of them
    rc, out, err = paused_run(tmp_path, 100000, ["--ringbuf-size", "16M"])
    assert rc == 0, err
    delivered, lost, emitted, reasons = audit_accounting(out)
    assert lost == 0 and reasons == {}
    assert delivered == emitted + 2  # every payload, hook_start and hook_stop
    assert json.loads(out.splitlines()[-1])["lost"] == {"audit": 0, "syscall": 0, "process": 0,
                                                         "unmonitored": 0}
    assert without_startup_warnings(err) == ""


def test_full_output_queue_drops_are_counted_in_band_and_on_stderr(tmp_path):
    # a large ring: this is about the output side (a starved monitor may still overflow it)
    rc, out, err = paused_run(tmp_path, 20000, ["--queue-size", "4096", "--ringbuf-size", "64M"])
    delivered, lost, emitted, reasons = audit_accounting(out)
    # a loaded machine may also make the ring buffer overflow: both are accounted for
    assert reasons.get("output", 0) > 0 and set(reasons) <= {"output", "ringbuf"}
    assert delivered + lost == emitted + 2
    summary = json.loads(out.splitlines()[-1])
    assert summary["type"] == "summary" and summary["lost"]["audit"] == lost
    assert sum(summary["lost"].values()) == sum(reasons.values())
    # incomplete trace: status 3 (COMMAND exited 0), the warning and one line with the totals
    assert rc == 3, err
    lines = [json.loads(x)["error"] for x in err.splitlines() if x.startswith("{")]
    ring, output = reasons.get("ringbuf", 0), reasons["output"]
    assert lines == [f"{ring + output} records lost: {ring} with the ring buffer full "
                     f"(--ringbuf-size), {output} with the output queue full (a slow reader; "
                     f"--queue-size)"], err
    assert "output queue is full" in err


def one_error(err):
    lines = without_startup_warnings(err).splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_enospc_exits_1_in_command_mode():
    r = run([str(MONITOR), "-o", "/dev/full", "--", "/bin/true"], timeout=600)
    assert r.returncode == 1
    assert one_error(r.stderr).startswith("pyxcheck: failed to write output: No space left on device")


def test_enospc_exits_1_in_all_mode():
    # the column header is the first line written
    mon = subprocess.Popen([str(MONITOR), "-a", "-o", "/dev/full"], stderr=subprocess.PIPE,
                           text=True)
    try:
        _, err = mon.communicate(timeout=600)
    finally:
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    assert mon.returncode == 1
    assert one_error(err) == "pyxcheck: failed to write output: No space left on device"


LOOP = ("import os, sys, time\n"
        "while not os.path.exists(sys.argv[1]):\n"
        "    sys.audit('pyx.rl', 0)\n"
        "    time.sleep(0.001)\n")


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


def test_enospc_exits_1_in_pid_mode(tmp_path):
    stop = tmp_path / "stop"
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    py = subprocess.Popen([SYSTEM_PYTHON, str(script), str(stop)],
                          env=dict(os.environ, LD_PRELOAD=str(LIBPYXCHECK)))
    try:
        r = run([str(MONITOR), "-j", "-o", "/dev/full", "-p", str(py.pid)], timeout=600)
        assert r.returncode == 1
        assert one_error(r.stderr) == \
            '{"type":"error","error":"failed to write output: No space left on device"}'
        assert alive(py.pid)
    finally:
        stop.touch()
        py.wait(timeout=60)


def test_epipe_exits_1_and_leaves_command_running(tmp_path):
    stop = tmp_path / "stop"
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    # COMMAND's own stdio elsewhere: it outlives the monitor, and our pipes must reach EOF
    cmd = ["/bin/sh", "-c", f"exec {SYSTEM_PYTHON} {script} {stop} >/dev/null 2>&1"]
    mon = subprocess.Popen([str(MONITOR), "-j", "-o", "-", "--"] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert mon.stdout.readline().startswith("{")
        mon.stdout.close()  # the reader goes away
        assert mon.wait(timeout=600) == 1
        err = mon.stderr.read()
        m = re.fullmatch(r'\{"type":"error","error":"failed to write output: Broken pipe; '
                         r'/bin/sh \(pid (\d+)\) is left running, unmonitored"\}', one_error(err))
        assert m, err
        # COMMAND was left as it was: it runs on, unmonitored, until told to stop
        pid = int(m.group(1))
        assert alive(pid)
    finally:
        stop.touch()
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    wait_for(lambda: not alive(pid), "COMMAND's end")
