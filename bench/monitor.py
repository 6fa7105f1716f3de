# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""`make bench` for the monitor (issue 3): pyxcheck against bpftrace, strace and an in-process
audit-hook logger, on four workloads, as wall-clock ratios to untraced.

Five configurations, interleaved A B C D E A B C D E ... and reported as medians; each runs
`python3 -I bench/workload.py suite ...` once per round (open/close loop, loopback connect loop,
/bin/true subprocess loop, import-heavy start-ups; every loop timed inside the process, so the
tracers' attach and detach times are not part of these figures):
  A  untraced      /usr/bin/python3
  B  pyxcheck      build/pyxcheck -o /dev/null -- python3 ... (hook preloaded, every probe and
                   syscall tracepoint)
  C  bpftrace      usdt python:audit of /usr/bin/python3.11 plus sys_enter/sys_exit of pyxcheck's
                   syscalls, one printf each to /dev/null, for the workload and its descendants
  D  strace        strace -f -qq -e trace=<pyxcheck's syscalls> -o /dev/null
  E  audit hook    bench/audithook.py: sys.addaudithook writing every event to a file (the
                   start-up children run under it too)
Then: an unrelated, unhooked process (build/bench/getppid: getppid() and open/close loops) with
`pyxcheck -a` running and not, interleaved; time from start until the child of
`pyxcheck -- /bin/date` runs; the monitor's peak RSS and CPU time per 10,000 events.
Never a test: figures depend on the machine; see docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"
PYTHON_REAL = "/usr/bin/python3.11"  # where CPython's python:audit probe lives
WORKLOADS = ("open", "connect", "spawn", "startup")
CONFIGS = "ABCDE"
NAMES = {"A": "untraced", "B": "pyxcheck", "C": "bpftrace", "D": "strace -f",
         "E": "audit hook logger"}


def ensure_tracefs():
    """bpftrace needs tracefs, which a fresh machine of this kind does not mount at boot (the
    monitor mounts it itself, capture_loader.c's ensure_tracefs()); mount it as the monitor would,
    so that the bench's first bpftrace figure does not fail with "tracepoint not found"."""
    if os.path.isdir("/sys/kernel/tracing/events") or os.path.isdir("/sys/kernel/debug/tracing/events"):
        return
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tracefs", "tracefs", "/sys/kernel/tracing"], check=False)


ensure_tracefs()
TRACEFS = next((p for p in ("/sys/kernel/tracing/events/syscalls",
                            "/sys/kernel/debug/tracing/events/syscalls")
                if os.path.isdir(p)), None)


def syscalls():
    """pyxcheck's traced syscalls, from its table, less those this kernel lacks."""
    text = (ROOT / "include" / "pyxcheck_syscall.h").read_text()
    names = re.findall(r"^\s*X\((\w+), \d+,", text, re.M)
    return [n for n in names if TRACEFS is None or os.path.isdir(f"{TRACEFS}/sys_enter_{n}")]


def bpftrace_program(names):
    enter = ",".join(f"tracepoint:syscalls:sys_enter_{n}" for n in names)
    exit_ = ",".join(f"tracepoint:syscalls:sys_exit_{n}" for n in names)
    # Follow the workload and its descendants, as pyxcheck -- CMD does.
    return (
        "BEGIN { @t[(uint64)$1] = 1; }\n"
        "tracepoint:sched:sched_process_fork /@t[(uint64)args->parent_pid]/ "
        "{ @t[(uint64)args->child_pid] = 1; }\n"
        f"usdt:{PYTHON_REAL}:python:audit /@t[pid]/ "
        "{ printf(\"%d %d audit %s\\n\", nsecs, pid, str(arg0)); }\n"
        f"{enter} /@t[pid]/ {{ printf(\"%d %d %s\\n\", nsecs, pid, probe); }}\n"
        f"{exit_} /@t[pid]/ {{ printf(\"%d %d %s %d\\n\", nsecs, pid, probe, args->ret); }}\n")


def perf_fds(pid):
    n = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:[perf_event]":
                    n += 1
            except OSError:
                pass
    except OSError:
        pass
    return n


def become_subreaper():
    """Adopt orphaned descendants (PR_SET_CHILD_SUBREAPER), so that settle() can wait for
    pyxcheck's background detacher: it has no other tie to the run that made it, and while it
    exits (releasing the probes, the slow part) even its /proc/PID/exe is gone."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0):  # PR_SET_CHILD_SUBREAPER
        sys.exit(f"bench: PR_SET_CHILD_SUBREAPER: {os.strerror(ctypes.get_errno())}")


def settle(linger=None):
    """Wait (at most 600 s) until every child has exited and been reaped: after a pyxcheck run
    that is its background detacher (docs/cli.md, "Detaching"), adopted through
    become_subreaper(). Its probes stay attached until it is gone, and the kernel serialises
    tracepoint attach and detach, so every measurement starts after it rather than pay for the
    previous one. Call only when none of the benchmark's own children runs. The time waited is
    appended to linger."""
    t0 = time.monotonic()
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() - t0 > 600:
                sys.exit("bench: a child (pyxcheck's detacher?) still runs after 600 s")
            time.sleep(0.005)
    if linger is not None:
        linger.append(time.monotonic() - t0)


def stop_bpftrace(bt, timeout=600):
    """SIGINT bpftrace and wait for its exit. bpftrace 0.17 sometimes misses a SIGINT that
    arrives just after its probes are attached (seen: it kept running, idle, for minutes), so
    the signal is repeated every 2 s; once it is detaching, more SIGINTs change nothing."""
    t0 = time.monotonic()
    while True:
        bt.send_signal(signal.SIGINT)
        try:
            return bt.wait(timeout=2)
        except subprocess.TimeoutExpired:
            if time.monotonic() - t0 > timeout:
                bt.kill()
                return bt.wait()


def run_bpftrace(prog_path, nprobes, argv):
    """The workload held at a `read` until bpftrace has attached every probe, then released.
    Returns (workload stdout, seconds from bpftrace's start until attached)."""
    wl = subprocess.Popen(["/bin/sh", "-c", 'read x; exec "$@"', "sh"] + argv,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    bt = subprocess.Popen(["bpftrace", str(prog_path), str(wl.pid)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    # bpftrace prints "Attaching N probes..." before it attaches them; wait until its perf
    # events (one per tracepoint and uprobe) are all open and their number is stable.
    last, stable_since = -1, time.monotonic()
    while True:
        if bt.poll() is not None:
            wl.kill()
            sys.exit("bench: bpftrace exited early (rc %d)" % bt.returncode)
        n = perf_fds(bt.pid)
        if n != last:
            last, stable_since = n, time.monotonic()
        elif n >= nprobes and time.monotonic() - stable_since > 0.3:
            break
        if time.monotonic() - t0 > 300:
            sys.exit("bench: bpftrace did not attach in 300 s")
        time.sleep(0.05)
    attach = stable_since - t0
    out = wl.communicate("go\n", timeout=900)[0]
    stop_bpftrace(bt)
    if wl.returncode:
        sys.exit("bench: workload failed under bpftrace")
    return out, attach


def run_config(c, opt, build, argv, names, prog_path, nprobes, log):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env.pop("PYXBENCH_AUDITLOG", None)
    attach = None
    if c == "A":
        out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True,
                             timeout=900).stdout
    elif c == "B":
        out = subprocess.run([str(build / "pyxcheck"), "-o", "/dev/null", "--"] + argv, env=env,
                             capture_output=True, text=True, check=True, timeout=900).stdout
    elif c == "C":
        out, attach = run_bpftrace(prog_path, nprobes, argv)
    elif c == "D":
        out = subprocess.run(["strace", "-f", "-qq", "-e", "trace=" + ",".join(names), "-o",
                              "/dev/null"] + argv, env=env, capture_output=True, text=True,
                             check=True, timeout=900).stdout
    else:
        with open(log, "w"):
            pass
        env["PYXBENCH_AUDITLOG"] = log
        out = subprocess.run([argv[0], "-I", str(ROOT / "bench" / "audithook.py"), log] +
                             argv[2:], env=env, capture_output=True, text=True, check=True,
                             timeout=900).stdout
    return json.loads(out.strip().splitlines()[-1]), attach


class Monitor:
    """pyxcheck -a in the background; ready once it says so on stderr (-v)."""

    def __init__(self, build, out="/dev/null", json_=False):
        self.err = tempfile.TemporaryFile()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen([str(build / "pyxcheck"), "-a", "-v"] +
                                     (["-j"] if json_ else []) + ["-o", out],
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        while True:
            self.err.seek(0)
            if b"probes attached" in self.err.read():
                break
            if self.proc.poll() is not None or time.monotonic() - self.t0 > 300:
                self.proc.kill()
                sys.exit("bench: pyxcheck -a did not start")
            time.sleep(0.05)
        self.ready = time.monotonic() - self.t0

    def cpu_s(self):
        f = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

    def status(self, key):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=120)


def unit(exe, n, path=None):
    argv = [str(exe), str(n)] + (["open", path] if path else [])
    return float(subprocess.run(argv, capture_output=True, text=True, check=True,
                                timeout=120).stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--open-n", type=int, default=20000)
    ap.add_argument("--connect-n", type=int, default=2000)
    ap.add_argument("--spawn-n", type=int, default=200)
    ap.add_argument("--startup-n", type=int, default=5)
    ap.add_argument("--unrelated-rounds", type=int, default=5)
    ap.add_argument("--json", help="also write the raw figures here")
    opt = ap.parse_args()
    build = Path(opt.build).resolve()
    unit_exe = build / "bench" / "getppid"
    if os.geteuid() != 0:
        sys.exit("bench: must run as root")
    for f in (build / "pyxcheck", build / "libpyxcheck.so", unit_exe, Path(PYTHON_REAL)):
        if not f.exists():
            sys.exit(f"bench: {f} is missing: run `make` first")
    for tool in ("bpftrace", "strace"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            sys.exit(f"bench: {tool} is not installed")

    tmpdir = tempfile.TemporaryDirectory(prefix="pyxbench-")
    path = os.path.join(tmpdir.name, "file")
    open(path, "w").close()
    log = os.path.join(tmpdir.name, "audit.log")
    names = syscalls()
    prog_path = Path(tmpdir.name) / "trace.bt"
    prog_path.write_text(bpftrace_program(names))
    nprobes = 2 * len(names) + 2  # tracepoints, fork, the usdt site (at least)
    argv = [PYTHON, "-I", str(ROOT / "bench" / "workload.py"), "suite", str(opt.open_n),
            str(opt.connect_n), str(opt.spawn_n), str(opt.startup_n), path]
    t_start = time.monotonic()

    # 1. Interleaved comparison.
    res = {c: {w: [] for w in WORKLOADS} for c in CONFIGS}
    bt_attach = []
    for r in range(opt.rounds):
        for c in CONFIGS:
            fig, attach = run_config(c, opt, build, argv, names, prog_path, nprobes, log)
            for w in WORKLOADS:
                res[c][w].append(fig[w])
            if attach is not None:
                bt_attach.append(attach)
        print(f"bench: monitor round {r + 1}/{opt.rounds} done "
              f"({time.monotonic() - t_start:.0f} s)", file=sys.stderr)

    # 2. An unrelated, unhooked process with pyxcheck -a running and not (interleaved blocks).
    unrel = {"off": {"getppid": [], "open": []}, "on": {"getppid": [], "open": []}}
    mon_ready = []
    for r in range(opt.unrelated_rounds):
        for state in ("off", "on"):
            mon = Monitor(build) if state == "on" else None
            if mon:
                mon_ready.append(mon.ready)
            try:
                for _ in range(3):
                    unrel[state]["getppid"].append(unit(unit_exe, 1000000))
                    unrel[state]["open"].append(unit(unit_exe, 200000, path))
            finally:
                if mon:
                    mon.stop()
    print(f"bench: unrelated-process rounds done ({time.monotonic() - t_start:.0f} s)",
          file=sys.stderr)

    # 3. Start-up: from launching pyxcheck -- /bin/date until the child runs; and the whole run.
    startup, whole = [], []
    for _ in range(3):
        t0 = time.time_ns()
        out = subprocess.run([str(build / "pyxcheck"), "-o", "/dev/null", "--", "/bin/date",
                              "+%s%N"], capture_output=True, text=True, check=True, timeout=300)
        t1 = time.time_ns()
        startup.append((int(out.stdout.strip()) - t0) / 1e9)
        whole.append((t1 - t0) / 1e9)

    # 4. Monitor RSS and CPU per 10,000 events: pyxcheck -a -j on one hooked suite run.
    jl = os.path.join(tmpdir.name, "events.jsonl")
    mon = Monitor(build, out=jl, json_=True)
    cpu0 = mon.cpu_s()
    env = dict(os.environ, LD_PRELOAD=str(build / "libpyxcheck.so"))
    env.pop("PYXBENCH_AUDITLOG", None)
    subprocess.run(argv, env=env, capture_output=True, check=True, timeout=900)
    time.sleep(1.0)
    cpu1 = mon.cpu_s()
    hwm, rss = mon.status("VmHWM"), mon.status("VmRSS")
    mon.stop()
    with open(jl, "rb") as f:
        nev = sum(1 for _ in f)

    # Report.
    med = {c: {w: statistics.median(res[c][w]) for w in WORKLOADS} for c in CONFIGS}
    print()
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, kernel "
          f"{platform.release()}, {PYTHON_REAL} {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"rounds: {opt.rounds}; per run: open {opt.open_n}, connect {opt.connect_n}, spawn "
          f"{opt.spawn_n}, start-up {opt.startup_n}; {len(names)} syscalls traced "
          f"({2 * len(names)} tracepoints)")
    print()
    print(f"{'workload':<9} {'config':<18} {'per iter':>12} {'vs A':>7} {'added':>12} "
          f"{'added / pyxcheck added':>23}")
    for w in WORKLOADS:
        a = med["A"][w]
        add_b = med["B"][w] - a
        for c in CONFIGS:
            v = med[c][w]
            added = v - a
            rel = ""
            if c in "CDE" and add_b > 0:
                rel = f"{added / add_b:.2f}x"
            print(f"{w:<9} {NAMES[c]:<18} {fmt(v):>12} {v / a:>7.3f} "
                  f"{fmt(added) if c != 'A' else '-':>12} {rel:>23}")
    print()
    goals = []
    for c in "CD":
        r = [(med[c][w] - med["A"][w]) / (med["B"][w] - med["A"][w])
             if med["B"][w] > med["A"][w] else float("inf") for w in WORKLOADS]
        goals.append(f"{NAMES[c]} added / pyxcheck added: " +
                     ", ".join(f"{w} {x:.2f}x" for w, x in zip(WORKLOADS, r)) +
                     f" (goal >= 3x: {'met' if min(r) >= 3 else 'MISSED'})")
    print("\n".join(goals))
    um = {s: {k: statistics.median(v) for k, v in unrel[s].items()} for s in unrel}
    for k in ("getppid", "open"):
        d = um["on"][k] / um["off"][k] - 1
        print(f"unrelated process, {k + ' loop':<12}: {um['off'][k]:.0f} ns/call without the "
              f"monitor, {um['on'][k]:.0f} with pyxcheck -a ({d * 100:+.1f}%; goal <= +5%: "
              f"{'met' if d <= 0.05 else 'MISSED'})")
    print(f"start-up: pyxcheck -- /bin/date: child runs {statistics.median(startup):.2f} s after "
          f"launch (runs {', '.join(f'{x:.2f}' for x in startup)}); whole run incl. detach "
          f"{statistics.median(whole):.2f} s; pyxcheck -a ready after "
          f"{statistics.median(mon_ready):.2f} s; bpftrace attached after "
          f"{statistics.median(bt_attach):.2f} s (median)")
    print(f"monitor (pyxcheck -a -j, one hooked suite run): peak RSS {hwm / 1024:.1f} MiB "
          f"(VmHWM; VmRSS {rss / 1024:.1f} MiB), {nev} events, CPU "
          f"{(cpu1 - cpu0) * 1000:.0f} ms after attach = "
          f"{(cpu1 - cpu0) / max(nev, 1) * 1e4 * 1000:.0f} ms per 10,000 events "
          f"(attach itself {cpu0 * 1000:.0f} ms)")
    print(f"total time: {time.monotonic() - t_start:.0f} s")
    if opt.json:
        with open(opt.json, "w") as f:
            json.dump({"results": res, "medians": med, "unrelated": unrel, "startup_s": startup,
                       "whole_s": whole, "monitor_ready_s": mon_ready,
                       "bpftrace_attach_s": bt_attach, "vmhwm_kib": hwm, "events": nev,
                       "cpu_s": cpu1 - cpu0}, f, indent=1)


def fmt(ns):
    if abs(ns) >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if abs(ns) >= 1e3:
        return f"{ns / 1e3:.2f} us"
    return f"{ns:.0f} ns"


if __name__ == "__main__":
    main()
