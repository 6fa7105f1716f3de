# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Issue 8, item 8: when the kernel's set of monitored processes is full, a fork's child cannot
join it and would be invisible. Every failed insert is counted, reported live as a `lost` record of
stream `unmonitored` right after the child's `fork` record (flagged `unmonitored`), and in the
summary. The set is sized from pid_max, so only PYXCHECK_TEST_MONITORED_MAX can make it small."""
import json
import os
import signal
import subprocess

from conftest import (LIBPYXCHECK, MONITOR, SYSTEM_PYTHON, live_records, needs_root_bpf, run,
                      serial, wait_for)
from correlate_util import CORPUS, built

SCRIPT = CORPUS / "evasion" / "with_args" / "many_children.py"


def monitor(tmp_path, n, env_max=None):
    built()
    env = None
    if env_max is not None:
        env = dict(os.environ, PYXCHECK_TEST_MONITORED_MAX=str(env_max))
    r = run([str(MONITOR), "-j", "-o", "-", "--summary", "--", SYSTEM_PYTHON, str(SCRIPT), str(tmp_path),
             str(n)], timeout=240, env=env)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    children = [int(x) for x in (tmp_path / "children").read_text().split()]
    return recs, children


@needs_root_bpf
def test_full_monitored_set_is_counted_reported_live_and_in_the_summary(tmp_path):
    # the set holds 4: the Python process and its first three children
    recs, children = monitor(tmp_path, 10, env_max=4)
    py = [r for r in recs if r["type"] == "audit"][0]["pid"]
    forks = [r for r in recs if r["type"] == "process" and r["event"] == "fork"
             and r["pid"] == py]
    assert [f["child_pid"] for f in forks] == children
    assert [f.get("unmonitored", False) for f in forks] == [False] * 3 + [True] * 7
    lost = [r for r in recs if r["type"] == "lost"]
    assert {r["stream"] for r in lost} == {"unmonitored"}
    assert sum(r["count"] for r in lost) == 7
    # reported by the thread that forked
    assert {(r["pid"], r["tid"]) for r in lost} == {(py, py)}
    assert recs[-1]["type"] == "summary"
    assert recs[-1]["lost"] == {"audit": 0, "syscall": 0, "process": 0, "unmonitored": 7}
    # the children that joined exited and left room: nothing else was refused
    assert not [r for r in recs if r.get("verdict") in ("unaudited", "mismatch", "indeterminate")]


@needs_root_bpf
def test_default_set_is_sized_from_pid_max(tmp_path):
    recs, children = monitor(tmp_path, 10)
    forks = [r for r in recs if r["type"] == "process" and r["event"] == "fork"]
    assert len(forks) == 10 and not any(f.get("unmonitored") for f in forks)
    assert recs[-1]["lost"]["unmonitored"] == 0
    assert not [r for r in recs if r["type"] == "lost"]
    # while it runs, its map holds pid_max entries, allocated on insert (BPF_F_NO_PREALLOC)
    seen = tmp_path / "maps.json"
    r = run([str(MONITOR), "-j", "--", "/bin/sh", "-c", f"bpftool -j map show > {seen}"],
            timeout=120)
    assert r.returncode == 0, r.stderr
    pid_max = int(open("/proc/sys/kernel/pid_max").read())
    maps = [m for m in json.loads(seen.read_text()) if m.get("name") == "monitored"]
    assert any(m["max_entries"] == pid_max and m["flags"] == 1 for m in maps), maps


@needs_root_bpf
def test_bad_test_size_is_refused(tmp_path):
    built()
    env = dict(os.environ, PYXCHECK_TEST_MONITORED_MAX="0")
    r = run([str(MONITOR), "-j", "--", "/bin/true"], timeout=120, env=env)
    assert r.returncode != 0
    assert "failed to size the monitored set: bad PYXCHECK_TEST_MONITORED_MAX '0'" in r.stderr


FILLER = """
import os, sys, time
while not os.path.exists(sys.argv[1]):
    sys.audit("pyxtest.filler")
    time.sleep(0.05)
"""
OUTSIDER = """
import sys
for i in range(7):
    sys.audit("pyxtest.outside", i)
open("/etc/hostname").close()
"""


@needs_root_bpf
@serial  # -a: every hooked Python on the machine joins (or fails to join) this monitor's set
def test_all_mode_process_that_cannot_join_is_counted_at_every_event(tmp_path):
    """Issue 10: in -a mode a thread's task-storage slot remembers that its process is in the set
    (bpf/pyxcheck.bpf.c, on_audit()), one look-up less per event; a process that could not join
    (the set is full) is never marked, so every one of its events is still sent and counted
    again. The set holds 1: a filler process takes it, then every record of a second hooked
    Python goes out with one `unmonitored` loss each, reported by that process."""
    out, go = tmp_path / "out.jsonl", tmp_path / "go"
    env = dict(os.environ, LD_PRELOAD=str(LIBPYXCHECK))
    mon = subprocess.Popen([str(MONITOR), "-a", "-j", "--summary", "-o", str(out)],
                           env=dict(os.environ, PYXCHECK_TEST_MONITORED_MAX="1"))
    filler = subprocess.Popen([SYSTEM_PYTHON, "-I", "-c", FILLER, str(go)], env=env)
    try:
        wait_for(lambda: any(x.get("pid") == filler.pid for x in live_records(out)),
                 "the filler's events")
        r = run([SYSTEM_PYTHON, "-I", "-c", OUTSIDER], env=env, timeout=60)
        assert r.returncode == 0, r.stderr
        go.write_text("")
        assert filler.wait(timeout=60) == 0
        mon.send_signal(signal.SIGINT)
        assert mon.wait(timeout=60) == 0
    finally:
        go.write_text("")
        for p in (filler, mon):
            if p.poll() is None:
                p.kill()
                p.wait()
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    outside = [x for x in recs if x["type"] == "audit" and x["event"] == "pyxtest.outside"]
    assert [x["args"] for x in outside] == [[{"int": i}] for i in range(7)]
    pid = outside[0]["pid"]
    sent = [x for x in recs if x["type"] in ("audit", "lifecycle") and x["pid"] == pid]
    lost = [x for x in recs if x["type"] == "lost" and x["pid"] == pid]
    assert {x["stream"] for x in lost} == {"unmonitored"}
    assert sum(x["count"] for x in lost) == len(sent) > 7
    # the filler joined: nothing of it was counted
    assert not [x for x in recs if x["type"] == "lost" and x["pid"] == filler.pid]
