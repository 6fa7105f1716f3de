# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""`make bench` for the hook (issue 2): what one audit event costs, as ratios to one getppid().

Four configurations, interleaved A B C D A B C D ... and reported as medians:
  A  no hook            plain interpreter
  B  hook idle          LD_PRELOAD=libpyxcheck.so, nothing attached
  C  hook traced        B plus pyxcheck-tap -q on the hook's probes (5-byte nop sites)
  D  1-byte site        A plus pyxcheck-tap --nop1 on CPython's own python:audit probe
With --baseline-lib PATH, a fifth configuration E is C with another build of the library (say,
the previous commit's), so that a change is measured before and after in the same run.
Workloads: a tight sys.audit loop, an open/close loop (one "open" event each) and an
import-heavy interpreter start-up. The unit, one getppid() system call, is measured in the same
rounds. Never a test: figures depend on the machine; see docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3.11"  # Debian's: the only one with CPython's own python:audit probe
IMPORTS = ("import json, email.message, http.client, asyncio, decimal, argparse, logging, "
           "unittest, xml.etree.ElementTree, sqlite3, csv, tarfile, zipfile, ssl")
CONFIGS = "ABCD"
NAMES = {"A": "no hook", "B": "hook idle", "C": "hook traced (5-byte sites)",
         "D": "1-byte site (python:audit)", "E": "hook traced, baseline lib"}


class Tap:
    """pyxcheck-tap in the background; started and stopped around the traced rounds."""

    def __init__(self, build, args):
        self.proc = subprocess.Popen([str(build / "pyxcheck-tap"), "-q"] + args,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stderr.readline()
        if line.strip() != "ready":
            self.proc.kill()
            sys.exit("bench: pyxcheck-tap did not start: " + line + self.proc.stderr.read())

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        err = self.proc.communicate(timeout=60)[1]
        if self.proc.returncode:
            sys.exit("bench: pyxcheck-tap failed: " + err)
        if " 0 lost" not in err:
            print("bench: warning: " + err.strip(), file=sys.stderr)


def env_for(config, lib, base_lib=None):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    if config in "BC":
        env["LD_PRELOAD"] = str(lib)
    elif config == "E":
        env["LD_PRELOAD"] = str(base_lib)
    return env


def run_loop(kind, n, env, path):
    out = subprocess.run([PYTHON, "-I", str(ROOT / "bench" / "workload.py"), kind, str(n), path],
                         env=env, capture_output=True, text=True, timeout=600, check=True)
    return float(out.stdout)


def run_startup(k, env):
    t0 = time.perf_counter_ns()
    for _ in range(k):
        subprocess.run([PYTHON, "-I", "-c", IMPORTS], env=env, check=True, timeout=120)
    return (time.perf_counter_ns() - t0) / k


def count_events(build, lib, argv):
    """Probe hits of one run of argv, counted by the tap for that process alone (the machine may
    run other hooked Pythons meanwhile)."""
    tap = subprocess.Popen([str(build / "pyxcheck-tap"), "-b", str(lib)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    if tap.stderr.readline().strip() != "ready":
        tap.kill()
        sys.exit("bench: pyxcheck-tap did not start")
    child = subprocess.Popen(argv, env=env_for("C", lib), stdout=subprocess.DEVNULL)
    child.wait(timeout=600)
    tap.send_signal(signal.SIGINT)
    out = tap.communicate(timeout=60)[0]
    tag = " pid=%d " % child.pid
    return sum(1 for line in out.splitlines()
               if tag in line and not line.startswith("probe=hook_"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--audit-n", type=int, default=200000)
    ap.add_argument("--open-n", type=int, default=40000)
    ap.add_argument("--startups", type=int, default=8)
    ap.add_argument("--json", help="also write the raw figures here")
    ap.add_argument("--baseline-lib", help="another libpyxcheck.so, traced as configuration E")
    opt = ap.parse_args()
    configs = CONFIGS + ("E" if opt.baseline_lib else "")
    base_lib = Path(opt.baseline_lib).resolve() if opt.baseline_lib else None
    build = Path(opt.build).resolve()
    lib = build / "libpyxcheck.so"
    unit_exe = build / "bench" / "getppid"
    if os.geteuid() != 0:
        sys.exit("bench: must run as root (the tap attaches uprobes)")
    for f in (lib, build / "pyxcheck-tap", unit_exe, Path(PYTHON)) + ((base_lib,) if base_lib
                                                                        else ()):
        if not f.exists():
            sys.exit(f"bench: {f} is missing: run `make` (and `make deps`) first")

    tmp = tempfile.NamedTemporaryFile(prefix="pyxbench-")
    path = tmp.name
    # Events per iteration or per start-up, counted once up front.
    ev_open = count_events(build, lib, [PYTHON, "-I", str(ROOT / "bench" / "workload.py"),
                                        "open", "1000", path]) / 1000.0
    ev_start = count_events(build, lib, [PYTHON, "-I", "-c", IMPORTS])

    res = {c: {"audit": [], "open": [], "startup": []} for c in configs}
    unit = []
    for r in range(opt.rounds):
        for c in configs:
            tap = None
            if c == "C":
                tap = Tap(build, ["-b", str(lib)])
            elif c == "E":
                tap = Tap(build, ["-b", str(base_lib)])
            elif c == "D":
                tap = Tap(build, ["-c", "lifecycle", "-b", str(lib),
                                  "--nop1", PYTHON + ":python:audit"])
            env = env_for(c, lib, base_lib)
            try:
                res[c]["audit"].append(run_loop("audit", opt.audit_n, env, path))
                res[c]["open"].append(run_loop("open", opt.open_n, env, path))
                res[c]["startup"].append(run_startup(opt.startups, env))
            finally:
                if tap:
                    tap.stop()
            unit.append(float(subprocess.run([str(unit_exe), "1000000"], capture_output=True,
                                             text=True, check=True, timeout=60).stdout))
        print(f"bench: round {r + 1}/{opt.rounds} done", file=sys.stderr)

    sc = statistics.median(unit)
    med = {c: {w: statistics.median(v) for w, v in res[c].items()} for c in configs}
    events = {"audit": 1.0, "open": ev_open, "startup": ev_start}
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
          f"kernel {platform.release()}, {PYTHON} {platform.python_version()}")
    print(f"unit: one getppid() = {sc:.0f} ns (median of {len(unit)}); rounds: {opt.rounds}")
    print(f"events per iteration: sys.audit loop 1, open/close {ev_open:g}, "
          f"start-up {ev_start:g}")
    if base_lib:
        print(f"E: baseline library {base_lib}")
    print()
    print(f"{'workload':<12} {'config':<28} {'ns/iter':>11} {'vs A':>8} {'syscalls/iter':>14} "
          f"{'added syscalls/event':>21}")
    for w in ("audit", "open", "startup"):
        for c in configs:
            v, a = med[c][w], med["A"][w]
            added = (v - a) / sc / events[w] if events[w] else float("nan")
            print(f"{w:<12} {NAMES[c]:<28} {v:>11.0f} {v / a:>8.3f} {v / sc:>14.2f} "
                  f"{added:>21.2f}")
    if opt.json:
        with open(opt.json, "w") as f:
            json.dump({"unit_ns": unit, "results": res, "events": events,
                       "medians": med}, f, indent=1)


if __name__ == "__main__":
    main()
