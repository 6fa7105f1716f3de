# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The hook under a real BPF tracer (build/pyxcheck-tap, attached by path to every process):
hook_start/hook_stop values for each delivery, payload sequence numbers, forked children and
grandchildren (which must not crash: see the 1-byte-nop twin sites in user/hook/hook.c), and
CPython's test_audit with every one of its processes traced."""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

import pyxwire
from conftest import (BUILD, LAUNCHER, LIBPYXCHECK, PYTHONS, SYSTEM_PYTHON, needs_root_bpf, run,
                      wait_for)

TAP = BUILD / "pyxcheck-tap"
LINE = re.compile(r"probe=(\w+) (.*)")


class Tap:
    def __init__(self, *binaries):
        if not TAP.exists():
            pytest.fail(f"{TAP} is missing: run `make`")
        args = [str(TAP)]
        for b in binaries or (LIBPYXCHECK,):
            args += ["-b", str(b)]
        # stdout to a file, not a pipe: a pipe nobody drains fills up, and the SIGINT that stops
        # the tap then interrupts its blocked write, and stdio drops the rest of the line.
        self.out = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line or "ready" in line:
                break
        assert line and "ready" in line, "tap did not attach: " + line

    def stop(self):
        """Detach, drain, and return [(probe, {field: value})]."""
        time.sleep(0.5)  # let the ring buffer deliver the last records
        self.proc.send_signal(signal.SIGINT)
        # detaching two binaries' probes beside other workers' detaches took > 60 s (no hang)
        _, err = self.proc.communicate(timeout=300)
        assert self.proc.returncode == 0, err
        recs = self.records()
        self.out.close()
        return recs

    def records(self, start=0):
        """[(probe, {field: value})] of the complete lines written from byte offset start on."""
        # pread: the tap writes through the same open file and its offset must not move
        data = b""
        while True:
            chunk = os.pread(self.out.fileno(), 1 << 20, start + len(data))
            if not chunk:
                break
            data += chunk
        text = data.decode()
        recs = []
        for line in text[:text.rfind("\n") + 1].splitlines():
            m = LINE.match(line)
            if m:
                recs.append((m.group(1), dict(kv.split("=", 1) for kv in m.group(2).split())))
        return recs

    def mark(self):
        """Where the records of what a test starts now begin (see since()): after the last
        complete line (stdio may have flushed part of one)."""
        size = os.fstat(self.out.fileno()).st_size
        return os.pread(self.out.fileno(), size, 0).rfind(b"\n") + 1

    def since(self, start):
        """The records from mark() start on, once every process that has exited by now has been
        delivered: a hooked Python started after them is waited for until its hook_stop is on
        the tap. Records leave the ring buffer in the order they were reserved, so theirs are
        before its own (a barrier, instead of stopping the tap: detaching takes up to a minute
        on a loaded machine)."""
        barrier = subprocess.Popen([SYSTEM_PYTHON, "-c", "pass"],
                                   env=env_with(LD_PRELOAD=str(LIBPYXCHECK)))
        assert barrier.wait(60) == 0
        wait_for(lambda: any(p == "hook_stop" and f.get("arg_pid") == str(barrier.pid)
                             for p, f in self.records(start)),
                 f"the barrier's hook_stop (pid {barrier.pid}) on the tap")
        return [(p, f) for p, f in self.records(start) if f.get("pid") != str(barrier.pid)]


# make test's --dist loadgroup runs them on one worker, so the tap is started once
pytestmark = pytest.mark.xdist_group("hook_lifecycle_tap")


@pytest.fixture(scope="module")
def tap():
    """One tap (on the hook and the launcher) for the module: its tests look only at their own
    processes' records, so they can share it (each tap start and stop attaches and detaches
    every probe site)."""
    t = Tap(LIBPYXCHECK, LAUNCHER)
    yield t
    t.stop()


def decode(f):
    assert f["len"] == f["claimed"], f
    try:
        return pyxwire.decode(bytes.fromhex(f["payload"]))
    except pyxwire.WireError as e:
        raise AssertionError("%s: len=%s claimed=%s payload=%s" % (e, f["len"], f["claimed"],
                                                                  f["payload"][:200]))


def by_pid(recs, pid):
    return [(p, f) for p, f in recs if f.get("pid") == str(pid)]


def hexversion(python):
    return int(run([python, "-c", "import sys; print(sys.hexversion)"]).stdout)


def env_with(**kw):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env.update(kw)
    return env


def lifecycle(recs):
    return [(p, f) for p, f in recs if p in ("hook_start", "hook_stop")]


def check_stream(recs, pid):
    """Payloads decode, seq runs 1..N, hook_stop reports N."""
    payloads = [decode(f) for p, f in recs if p not in ("hook_start", "hook_stop")]
    assert [d.seq for d in payloads] == list(range(1, len(payloads) + 1))
    stops = [f for p, f in recs if p == "hook_stop"]
    assert len(stops) == 1 and stops[0]["arg_pid"] == str(pid)
    assert int(stops[0]["emitted"]) == len(payloads) == int(stops[0]["seen"])
    return payloads


@needs_root_bpf
@pytest.mark.parametrize("python", PYTHONS)
def test_preload_and_import_lifecycle(build, tap, python):
    start = tap.mark()
    pre = subprocess.Popen([python, "-c", "import sys; sys.audit('app.hello', 1)"],
                           env=env_with(LD_PRELOAD=str(LIBPYXCHECK)))
    imp = subprocess.Popen([python, "-c", "import sys; sys.path.insert(0, %r); import pyxcheck; "
                            "sys.audit('app.hello', 2)" % str(BUILD)], env=env_with())
    assert pre.wait(60) == 0 and imp.wait(60) == 0
    recs = tap.since(start)
    hv = str(hexversion(python))
    for proc, delivery in ((pre, "1"), (imp, "2")):
        mine = by_pid(recs, proc.pid)
        starts = [f for p, f in mine if p == "hook_start"]
        assert len(starts) == 1
        assert (starts[0]["arg_pid"], str(int(starts[0]["hexversion"], 16)), starts[0]["delivery"],
                starts[0]["status"]) == (str(proc.pid), hv, delivery, "0")
        payloads = check_stream(mine, proc.pid)
        hello = [d for d in payloads if d.name == "app.hello"]
        assert [(d.args, d.file, d.function, d.line) for d in hello] == \
            [([1 if delivery == "1" else 2], "<string>", "<module>", 1)]
        # Preloaded, the hook predates Py_Initialize and sees the -c command start; imported,
        # it comes later.
        run_cmd = [d.args for d in payloads if d.name == "cpython.run_command"]
        assert len(run_cmd) == (1 if delivery == "1" else 0)


@needs_root_bpf
def test_launcher_lifecycle(build, tap):
    start = tap.mark()
    p = subprocess.Popen([str(LAUNCHER), "-c", "import sys; sys.audit('app.hello', 3)"],
                         env=env_with())
    assert p.wait(60) == 0
    mine = by_pid(tap.since(start), p.pid)
    starts = [f for q, f in mine if q == "hook_start"]
    assert [(f["delivery"], f["status"]) for f in starts] == [("3", "0")]
    assert "app.hello" in [d.name for d in check_stream(mine, p.pid)]


@needs_root_bpf
def test_refused_lifecycle(build, tap):
    start = tap.mark()
    code = ("import sys\n"
            "def veto(ev, args):\n"
            "    if ev == 'sys.addaudithook': raise RuntimeError('no')\n"
            "sys.addaudithook(veto)\n"
            "sys.path.insert(0, %r)\n"
            "import pyxcheck\n" % str(BUILD))
    p = subprocess.Popen([SYSTEM_PYTHON, "-c", code], env=env_with(), stderr=subprocess.PIPE)
    assert p.wait(60) == 0
    mine = by_pid(tap.since(start), p.pid)
    assert [(q, f["delivery"], f["status"]) for q, f in mine] == [("hook_start", "2", "-1")]


@needs_root_bpf
@pytest.mark.parametrize("python", PYTHONS)
def test_forked_children_survive_and_are_traced(build, tap, python):
    code = ("import os, sys\n"
            "for i in range(5): sys.audit('app.parent', i)\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    for i in range(3): sys.audit('app.child', i)\n"
            "    pid2 = os.fork()\n"
            "    if pid2 == 0:\n"
            "        sys.audit('app.grandchild', os.getpid())\n"
            "        os._exit(0)\n"
            "    st = os.waitpid(pid2, 0)[1]\n"
            "    print('grandchild', pid2, st, flush=True)\n"
            "    sys.exit(0)\n"
            "print('child', pid, os.waitpid(pid, 0)[1], flush=True)\n")
    start = tap.mark()
    p = subprocess.Popen([python, "-c", code], env=env_with(LD_PRELOAD=str(LIBPYXCHECK)),
                         stdout=subprocess.PIPE, text=True)
    out, _ = p.communicate(timeout=60)
    recs = tap.since(start)
    lines = dict((l.split()[0], l.split()[1:]) for l in out.splitlines())
    assert p.returncode == 0 and lines["child"][1] == "0" and lines["grandchild"][1] == "0", out
    names = {}
    for who, pid in (("parent", p.pid), ("child", int(lines["child"][0])),
                     ("grandchild", int(lines["grandchild"][0]))):
        names[who] = [d.name for d in (decode(f) for q, f in by_pid(recs, pid) if "payload" in f)
                      if d.name.startswith("app.")]
    assert names == {"parent": ["app.parent"] * 5, "child": ["app.child"] * 3,
                     "grandchild": ["app.grandchild"]}


@needs_root_bpf
def test_cpython_test_audit_traced(build, tap):
    start = tap.mark()
    r = run([os.path.realpath(SYSTEM_PYTHON), "-m", "test", "test_audit"],
            env=env_with(LD_PRELOAD=str(LIBPYXCHECK)), timeout=600)
    recs = tap.since(start)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Tests result: SUCCESS" in r.stdout
    assert sum(1 for p, _ in recs if p == "hook_start") >= 10  # test_audit's subprocesses
