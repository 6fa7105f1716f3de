# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Overload: 8 Python processes with 4 threads each raise audit events as fast as they can while
the monitor records them (tests/stress/producer.py). Nothing may vanish silently: for the audit
stream, the records delivered plus the `lost` and `throttled` counts the monitor reports equal what the hooks
emitted (each hook's hook_stop gives its events_emitted, and each also fired hook_start and
hook_stop). Per process, payload seqs are unique and within what was emitted. The monitor does not
crash and its memory stays bounded.

The CI version is short; `make stress` sets PYX_STRESS_EVENTS (per thread) much higher. A small
ring buffer (one page) makes losses certain, so the accounting of losses is exercised too. In the
"open" mode every event has a syscall counterpart: around a loss the correlator must say
`indeterminate`, never a false `unaudited` (every open here goes through Python's open()).
"""
import json
import os
import subprocess
import time

import pytest

from conftest import (ASAN_RUNTIME, LIBPYXCHECK, MONITOR, ROOT, SYSTEM_PYTHON, needs_root_bpf,
                      serial)

from pyxjson import plain
pytestmark = needs_root_bpf

NPROCS, NTHREADS = 8, 4
EVENTS = int(os.environ.get("PYX_STRESS_EVENTS", "2000"))
PRODUCER = ROOT / "tests" / "stress" / "producer.py"
# Peak RSS allowed to the monitor. ASan's shadow memory and quarantine cost far more.
RSS_LIMIT_KB = 1024 * 1024 if ASAN_RUNTIME else 64 * 1024


def vm_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@serial
@pytest.mark.parametrize("mode,ring", [("audit", "default"), ("audit", "4096"), ("open", "default"),
                                       ("open", "4096")])
def test_delivered_plus_lost_equals_emitted(tmp_path, mode, ring):
    for p in (MONITOR, LIBPYXCHECK):
        if not p.exists():
            pytest.fail(f"{p} is missing: run `make` first")
    out, work = tmp_path / "out.jsonl", tmp_path / "w"
    work.mkdir()
    script = " ".join(
        f"{SYSTEM_PYTHON} {PRODUCER} {i} {NPROCS} {NTHREADS} {EVENTS} {work} {mode} &"
        for i in range(NPROCS)) + " wait"
    cmd = [str(MONITOR), "-j", "--summary", "-o", str(out)]
    if ring != "default":
        cmd += ["--ringbuf-size", ring]
    mon = subprocess.Popen(cmd + ["--", "/bin/sh", "-c", script], stderr=subprocess.PIPE)
    peak = 0
    deadline = time.monotonic() + 1800
    while mon.poll() is None:
        if time.monotonic() > deadline:
            mon.kill()
            pytest.fail("the stress run did not finish in 30 minutes")
        peak = max(peak, vm_kb(mon.pid, "VmRSS"))
        time.sleep(0.2)
    _, err = mon.communicate(timeout=60)

    counted = {}
    for i in range(NPROCS):
        pid, n = map(int, (work / f"count.{i}").read_text().split())
        counted[pid] = n
    assert sorted(counted.values()) == [NTHREADS * EVENTS] * NPROCS

    audit, malformed, starts, stops, summary = {}, 0, {}, {}, None
    stress_seen = {pid: 0 for pid in counted}
    verdicts = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            r = plain(json.loads(line))
            t = r["type"]
            # verdicts of the producers' own file opens, and of every syscall of theirs
            if "verdict" in r and r["pid"] in counted and (t == "syscall" or (
                    r.get("event") == "open" and
                    os.path.basename(str(r["args"]["path"])).startswith("f."))):
                key = (t, r["verdict"])
                verdicts[key] = verdicts.get(key, 0) + 1
            if t == "audit":
                audit.setdefault(r["pid"], []).append(r["seq"])
                if (r["event"] == "pyx.stress" if mode == "audit" else
                        r["event"] == "open" and
                        os.path.basename(str(r["args"]["path"])).startswith("f.")):
                    stress_seen[r["pid"]] += 1
            elif t == "malformed":
                malformed += 1
            elif t == "lifecycle":
                (starts if r["event"] == "hook_start" else stops).setdefault(r["pid"], []) \
                    .append(r)
            elif t == "summary":
                summary = r
    assert summary is not None
    # status 3 says the trace is incomplete (docs/cli.md, "Losses")
    # a lone flooding uid is held to its fair share past 3/4 of the ring: throttled, not lost
    missing = sum(summary["lost"].values()) + sum(summary["throttled"].values())
    assert mon.returncode == (3 if missing else 0), \
        err.decode(errors="replace")[-4000:]
    assert malformed == 0
    # every producer finished its interpreter and said how many payloads it emitted
    assert set(counted) <= set(stops)
    assert all(len(v) == 1 for v in stops.values())
    emitted = {pid: v[0]["events_emitted"] for pid, v in stops.items()}
    pythons = set(stops) | set(starts) | set(audit)
    assert pythons == set(stops), "a Python whose hook_stop was lost: cannot account for it"
    for pid, seqs in audit.items():
        assert len(seqs) == len(set(seqs)), pid
        assert max(seqs) <= emitted[pid], pid
    for pid, n in counted.items():
        assert stress_seen[pid] <= n <= emitted[pid], pid
    if mode == "open":
        if not verdicts:
            pytest.skip("skipped: the monitor printed no verdict at all (correlator not wired "
                        "into the CLI yet); the accounting above was checked")
        # the producers' opens were judged, and a loss never turned into a false finding
        assert verdicts.get(("audit", "matched"), 0) > 0, verdicts
        if summary["lost"]["audit"] or summary["throttled"]["audit"]:
            assert verdicts.get(("audit", "indeterminate"), 0) > 0, verdicts
        assert verdicts.get(("syscall", "unaudited"), 0) == 0, verdicts
        # A loss is in the kernel's totals before a LOST record reports it (with the next record
        # any CPU sends): a window closed by time in between must still be in doubt, never
        # no-syscall (mon_correlate.c mon_note_unreported_losses()). Nor may a window close as no-syscall
        # while its thread is still inside the openat, or waiting for a CPU, under this load
        # (issue 10: pyx_corr_tick asks /proc; docs/correlation.md, "Windows"). Nor may the
        # thread's next audit event close it as no-syscall when the LOST or THROTTLED report of
        # its dropped openat comes after that event in the ring (another CPU was sending it):
        # that event's record carries PYX_HDRF_*_BEFORE (bpf/pyxcheck.bpf.c send()).
        assert verdicts.get(("audit", "no-syscall"), 0) == 0, verdicts
        assert {v for t, v in verdicts if t == "audit"} <= {"matched", "indeterminate"}, verdicts

    delivered = sum(map(len, audit.values())) + sum(map(len, starts.values())) + len(stops)
    lost = summary["lost"]["audit"] + summary["throttled"]["audit"]
    assert delivered + lost == sum(emitted.values()) + 2 * len(pythons), \
        (delivered, lost, sum(emitted.values()), len(pythons))
    if ring != "default":
        assert lost > 0, "a one-page ring buffer under this load must lose or throttle records"
    assert peak <= RSS_LIMIT_KB, f"monitor peak RSS {peak} kB"
    print(f"mode={mode} ring={ring} verdicts={verdicts} events={sum(emitted.values())} "
          f"delivered={delivered} lost={lost} monitor_peak_rss_kb={peak}")
