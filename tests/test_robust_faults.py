# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Faults: the monitor killed with SIGKILL, restarted, and processes that fork, exec, exit or are
killed in the middle of a traced syscall. Also: the files the monitor creates are 0600, and it has
no means to write into a monitored process.

A killed monitor leaves nothing behind: its BPF programs, maps and links go with its file
descriptors, the hook's semaphores drop back to zero (the hook is then on its idle fast path:
its events_seen and events_emitted counters, which count traced events, stand still), and the
Python computes on, correctly. A new monitor in --all mode picks the running Python up again.
"""
import json
import os
import selectors
import signal
import subprocess

import pytest

from conftest import (BUILD, MONITOR, ROOT, SYSTEM_PYTHON, needs_root_bpf, run,
                      serial)
from conftest import live_records as records, wait_for, require_built
from robust_util import private_monitor

pytestmark = needs_root_bpf

FAULT_WORKER = ROOT / "tests" / "stress" / "fault_worker.py"
FORK_WORKER = ROOT / "tests" / "stress" / "fork_worker.py"


@pytest.fixture(scope="module", autouse=True)
def built():
    require_built()


class Worker:
    def __init__(self, mondir):
        env = dict(os.environ, LD_PRELOAD=str(mondir / "libpyxcheck.so"))
        self.p = subprocess.Popen([SYSTEM_PYTHON, str(FAULT_WORKER), str(mondir)], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.p.stdout, selectors.EVENT_READ)
        self.checksum = 0

    def ask(self, cmd, timeout=60):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        if not self.sel.select(timeout):
            raise AssertionError(f"worker did not answer {cmd!r}")
        return self.p.stdout.readline().split()

    def work(self, n, tag):
        seen, emitted, checksum = map(int, self.ask(f"work {n} {tag}"))
        for i in range(n):
            self.checksum = (self.checksum * 31 + i) % 1000000007
        assert checksum == self.checksum
        return seen, emitted

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(timeout=30)


def fault_events(path, pid, tag):
    return [r["args"][1] for r in records(path) if r["type"] == "audit" and r["pid"] == pid
            and r["event"] == "pyx.fault" and r["args"][0] == tag]


def bpf_objects(pid):
    """The ids of the BPF programs, maps and links that process pid holds, from its fdinfo."""
    ids = {"prog_id": set(), "map_id": set(), "link_id": set()}
    d = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(d):
        try:
            with open(os.path.join(d, fd)) as f:
                for line in f:
                    key, _, val = line.partition(":")
                    if key in ids:
                        ids[key].add(int(val))
        except OSError:
            pass
    return ids


def bpftool_ids(kind):
    r = run(["bpftool", kind, "show", "-j"], timeout=60)
    assert r.returncode == 0, r.stderr
    return {x["id"] for x in json.loads(r.stdout or "[]")}


def start_all_mode(mondir, out):
    return subprocess.Popen([str(mondir / "pyxcheck"), "-a", "-j", "-o", str(out)],
                            stderr=subprocess.PIPE)


def attach(worker, mon, out, tag):
    """Raise events until the monitor shows them: its probes are attached."""
    def shown():
        assert mon.poll() is None, mon.stderr.read().decode(errors="replace")
        worker.work(5, tag)
        return fault_events(out, worker.p.pid, tag)
    wait_for(shown, "the monitor to record the worker's events")


@serial  # lists every BPF program, map and link on the machine
def test_kill9_detaches_everything_and_restart_picks_up_running_process(tmp_path):
    # a private copy of the monitor and the hook: other tests' monitors cannot trace this worker
    mondir = private_monitor(tmp_path)
    worker = Worker(mondir)
    mon = mon2 = None
    try:
        seen0, emitted0 = worker.work(10, "untraced")
        mon = start_all_mode(mondir, tmp_path / "out1.jsonl")
        attach(worker, mon, tmp_path / "out1.jsonl", "probe")
        held = bpf_objects(mon.pid)
        assert held["prog_id"] and held["map_id"] and held["link_id"]
        seen1, emitted1 = worker.work(100, "traced")
        assert emitted1 >= emitted0 + 200  # traced: an open and a pyx.fault per iteration

        mon.kill()
        assert mon.wait(timeout=60) == -signal.SIGKILL
        # everything it held is gone with its file descriptors
        assert not held["prog_id"] & bpftool_ids("prog")
        assert not held["map_id"] & bpftool_ids("map")
        assert not held["link_id"] & bpftool_ids("link")
        # the Python runs on, correctly, and its probes are off: the semaphores are back to
        # zero, so the hook is on its idle fast path again (it counts only traced events)
        assert worker.work(100, "orphaned") == (seen1, emitted1)

        # a new monitor in --all mode picks the running process up
        out2 = tmp_path / "out2.jsonl"
        mon2 = start_all_mode(mondir, out2)
        attach(worker, mon2, out2, "again")
        _, emitted3 = worker.work(50, "counted")
        assert emitted3 >= emitted1 + 100
        wait_for(lambda: len(fault_events(out2, worker.p.pid, "counted")) == 50,
                 "the 50 counted events")
        mon2.send_signal(signal.SIGTERM)
        assert mon2.wait(timeout=60) == 0
        assert fault_events(out2, worker.p.pid, "counted") == list(range(50))
        assert fault_events(out2, worker.p.pid, "orphaned") == []
        assert worker.ask("quit") == ["bye", str(worker.checksum)]
        assert worker.p.wait(timeout=30) == 0
    finally:
        for m in (mon, mon2):
            if m and m.poll() is None:
                m.kill()
                m.wait(timeout=30)
        worker.close()


def map_keys(map_id):
    r = run(["bpftool", "map", "dump", "id", str(map_id), "-j"], timeout=60)
    assert r.returncode == 0, r.stderr
    keys = set()
    for e in json.loads(r.stdout or "[]"):
        if "formatted" in e:
            keys.add(int(e["formatted"]["key"]))
        else:
            keys.add(int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little"))
    return keys


def test_fork_exec_exit_and_kill_mid_syscall_leave_no_state(tmp_path):
    mondir = private_monitor(tmp_path)
    out, made_path, release = tmp_path / "out.jsonl", tmp_path / "made.json", tmp_path / "release"
    work = tmp_path / "w"
    work.mkdir()
    os.mkfifo(release)
    # COMMAND starts once every probe is attached; after the workload it waits on `release`, so
    # the monitor is still running (its maps still there) when they are inspected
    script = f"{SYSTEM_PYTHON} {FORK_WORKER} {work} > {made_path} && read x < {release}"
    mon = subprocess.Popen([str(mondir / "pyxcheck"), "-j", "-o", str(out), "--", "/bin/sh",
                            "-c", script], stderr=subprocess.PIPE)
    try:
        def done():
            assert mon.poll() is None, mon.stderr.read().decode(errors="replace")
            return made_path.exists() and made_path.read_text().endswith("\n")
        wait_for(done, "the fork/exec/exit/kill workload", timeout=120)
        made = json.loads(made_path.read_text())
        pids, tids = set(made["pids"]), set(made["tids"]) | set(made["pids"])
        wait_for(lambda: any(x["type"] == "process" and x["event"] == "exit"
                             and x["pid"] == made["pids"][0] for x in records(out)),
                 "the worker's exit record")
        names = {}
        for mid in bpf_objects(mon.pid)["map_id"]:
            r = run(["bpftool", "map", "show", "id", str(mid), "-j"], timeout=60)
            names[json.loads(r.stdout)["name"]] = mid
        assert {"monitored", "stash", "exec_stash"} <= set(names)
        # the workload was seen: the killed child's FIFO open, the exec
        recs = records(out)
        assert any(x["type"] == "syscall" and x["syscall"] == "openat" and
                   x["args"]["filename"].endswith("/fifo") for x in recs)
        assert any(x["type"] == "process" and x["event"] == "exec" and
                   x["filename"] == "/bin/true" for x in recs)
        # and nothing of it is left in the kernel side's state
        assert not map_keys(names["monitored"]) & pids
        assert not map_keys(names["stash"]) & tids
        assert not map_keys(names["exec_stash"]) & tids
    finally:
        if mon.poll() is None:
            fd = os.open(release, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, b"\n")
            os.close(fd)
    assert mon.wait(timeout=60) == 0


def test_output_file_is_created_0600(tmp_path):
    out = tmp_path / "out.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", "/bin/true"], timeout=120,
            preexec_fn=lambda: os.umask(0))
    assert r.returncode == 0, r.stderr
    assert os.stat(out).st_mode & 0o7777 == 0o600


def test_output_over_an_existing_file_becomes_0600(tmp_path):
    # open() keeps the mode of a file that exists: the monitor makes it 0600 before writing
    out = tmp_path / "out.jsonl"
    out.write_text("old content that is longer than nothing\n" * 100)
    os.chmod(out, 0o644)
    r = run([str(MONITOR), "-j", "-o", str(out), "--", "/bin/true"], timeout=120)
    assert r.returncode == 0, r.stderr
    assert os.stat(out).st_mode & 0o7777 == 0o600
    text = out.read_text()
    assert "old content" not in text
    assert all(json.loads(line) for line in text.splitlines())


def test_monitor_has_no_way_to_write_into_a_monitored_process():
    # user space: no ptrace, no process_vm_writev, no /proc/PID/mem (the only file it opens
    # besides -o is /proc/PID/stat, read-only)
    r = run(["nm", "-D", "--undefined-only", str(MONITOR)], timeout=60)
    assert r.returncode == 0, r.stderr
    imports = {line.split()[-1].split("@")[0] for line in r.stdout.splitlines()}
    assert not imports & {"ptrace", "process_vm_writev", "pwrite", "pwrite64"}
    # kernel side: no bpf_probe_write_user (helper 36) and no bpf_send_signal (109, 117)
    obj = BUILD / "pyxcheck.bpf.o"
    r = run(["llvm-objdump", "-d", str(obj)], timeout=60)
    assert r.returncode == 0, r.stderr
    calls = {int(line.split("call")[1]) for line in r.stdout.splitlines()
             if "\tcall " in line and line.split("call")[1].strip().isdigit()}
    assert calls, "no helper call found: the disassembly format changed"
    assert not calls & {36, 109, 117}
