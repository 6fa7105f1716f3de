# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A flood by one user must not blind the monitor to the others (issue 8): the kernel side holds
each uid to a fair share of the ring buffer once it is half full, counts the records it holds
back as `throttled` (per uid, in-band), and a root process's `unaudited` syscall comes out as
`unaudited` while a non-root user floods.

The monitor's run loop is stopped (SIGSTOP) while the user floods, so the ring fills exactly as it
would behind a reader that cannot keep up; without the fair share the flood fills it and root's
records are lost. The throwaway user, the private monitor and hook come from
test_evasion_monitor.
"""
import os
import signal
import subprocess
import tempfile

from conftest import SYSTEM_PYTHON, needs_root_bpf, serial
from correlate_util import CORPUS
from test_evasion_monitor import built, marks, raise_mark, records, user, wait_for  # noqa: F401

pytestmark = [needs_root_bpf, serial]

FLOOD_EVENTS = 60000

# The flooder: started and hooked before the stall, it raises exactly FLOOD_EVENTS audit events
# (and nothing else the monitor traces) when told to.
FLOOD = r"""
import sys
print("ready", flush=True)
sys.stdin.readline()
for i in range(%d):
    sys.audit("pyx.flood", i)
print("done", flush=True)
sys.stdin.readline()
""" % FLOOD_EVENTS


def test_flooding_user_is_throttled_and_root_unaudited_stays_unaudited(user):
    out = user["top"] / "out.jsonl"
    mon = subprocess.Popen([str(user["mon"] / "pyxcheck"), "-a", "-j", "--summary",
                            "--ringbuf-size", str(4 << 20), "-o", str(out)],
                           stderr=subprocess.PIPE)
    user["procs"].append(mon)
    # attaching takes long on a loaded machine (other monitors detach and attach meanwhile)
    wait_for(lambda: mon.poll() is not None or (raise_mark(user, "ready"), marks(out, "ready"))[1],
             "the monitor to attach", timeout=300)
    assert mon.poll() is None, mon.stderr.read()

    flooder = subprocess.Popen(
        [SYSTEM_PYTHON, "-c", FLOOD], user=user["uid"], group=user["gid"], extra_groups=[],
        env={"PATH": "/usr/bin:/bin", "LD_PRELOAD": str(user["mon"] / "libpyxcheck.so"),
             "HOME": str(user["home"])},
        cwd=user["home"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    user["procs"].append(flooder)
    assert flooder.stdout.readline() == "ready\n"
    # the flooder's start-up is read before the stall: the ring holds only the flood
    raise_mark(user, "started")
    wait_for(lambda: marks(out, "started"), "the flooder's start-up records", timeout=120)

    work = tempfile.mkdtemp(prefix="pyxcheck-fair-", dir="/tmp")
    try:
        mon.send_signal(signal.SIGSTOP)
        try:
            flooder.stdin.write("go\n")
            flooder.stdin.flush()
            assert flooder.stdout.readline() == "done\n"
            # root evades while the user floods and the ring is over half full
            env = {"PATH": "/usr/bin:/bin", "LD_PRELOAD": str(user["mon"] / "libpyxcheck.so")}
            root = subprocess.run([SYSTEM_PYTHON, str(CORPUS / "evasion" / "ctypes_file.py"),
                                   work], env=env, capture_output=True, text=True, timeout=120)
            assert root.returncode == 0, root.stderr
        finally:
            mon.send_signal(signal.SIGCONT)
        # the flooder exits (its finalisation raises events too) only once the monitor has read
        # the ring up to root's records, so that what it throttled is the flood alone
        dropped = os.path.join(work, "dropped.txt")
        wait_for(lambda: any(r["type"] == "syscall" and r.get("args", {}).get("filename") == dropped
                             for r in records(out)), "root's records", timeout=120)
        flooder.stdin.write("\n")
        flooder.stdin.close()
        assert flooder.wait(timeout=60) == 0
        raise_mark(user, "after")
        wait_for(lambda: marks(out, "after"), "records after the flood", timeout=60)
    finally:
        for name in os.listdir(work):
            os.unlink(os.path.join(work, name))
        os.rmdir(work)
    mon.send_signal(signal.SIGTERM)
    err = mon.stderr.read().decode()
    # records were held back: the status says the trace is incomplete
    assert mon.wait(timeout=60) == 3, err
    recs = records(out)

    # root's evasion: its unaudited open, on its own thread, not made indeterminate by the flood
    opened = [r for r in recs if r["type"] == "syscall" and r["uid"] == 0
              and r.get("args", {}).get("filename") == os.path.join(work, "dropped.txt")
              and r["syscall"] in ("open", "openat")]
    assert len(opened) == 1, opened
    assert opened[0]["verdict"] == "unaudited", opened[0]
    assert [r for r in recs if r["type"] == "lost"] == []

    # the flooder: every event delivered, or counted throttled under its uid, none unaccounted
    delivered = [r for r in recs if r["type"] == "audit" and r["event"] == "pyx.flood"]
    assert all(r["uid"] == user["uid"] and r["pid"] == flooder.pid for r in delivered)
    throttled = [r for r in recs if r["type"] == "throttled"]
    assert throttled and all(r["throttled_uid"] == user["uid"] for r in throttled), throttled
    n_throttled = sum(r["count"] for r in throttled if r["stream"] == "audit")
    assert n_throttled > 0
    summary = [r for r in recs if r["type"] == "summary"]
    assert len(delivered) + n_throttled == FLOOD_EVENTS, \
        (len(delivered), n_throttled, [(r["stream"], r["count"]) for r in throttled], summary, err)
    # delivered in order, held back in between: the first events went in, then a share
    seqs = [r["args"][0] for r in delivered]
    assert seqs == sorted(seqs) and seqs[0] == 0

    # the totals agree with the in-band records
    assert len(summary) == 1
    assert summary[0]["throttled"]["audit"] == n_throttled
    assert summary[0]["lost"]["audit"] == 0 and summary[0]["lost"]["syscall"] == 0
    assert f"{n_throttled} records throttled" in err
