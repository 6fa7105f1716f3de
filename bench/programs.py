# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""`make bench`, real programs (issue 10): pyxcheck against strace -f, bpftrace (printing and
count-only) and a Python audit-hook logger on real programs, each with the program's own time
and the wall time including the tool's start and exit.

Programs (bench/prog.sh, timed from the inside with two `date +%s%N`):
  pip      `pip install` of a local wheel (built here, no network) into a venv (python3 -m venv)
  pytest   a pytest run of a generated file of small tests (files, json, a subprocess)
  stdlib   python3 -m test test_tempfile test_shutil test_zipfile (left out with --quick)
  startup  an import-heavy interpreter start-up
Tools, alternated within each round (each goes first in turn), medians reported; before each
run the previous pyxcheck's background detacher is waited for:
  untraced  the program alone
  pyxcheck  build/pyxcheck -j -o FILE -- PROGRAM (hook preloaded, correlation, JSON to a file)
  strace    strace -f -qq -e trace=<pyxcheck's syscalls> -o /dev/null PROGRAM
  bt-print  bpftrace: python:audit and enter/exit of pyxcheck's syscalls for the program and its
            descendants, one printf each, to /dev/null; through raw_syscalls:sys_enter/sys_exit
            and a set of syscall numbers, as `pyxcheck -- COMMAND` traces by default
            (--bt-syscalls per-syscall: one tracepoint per syscall side instead)
  bt-count  bpftrace: the same probes, a count each, no pid filter, no output
  (bpftrace's usdt probes attach only to its -c child, so the program is held at a `read` until
  bpftrace has opened its perf events, then released; see bpftrace_around)
  audithook sys.addaudithook logger (bench/audithook.py) appending every event to a file
Never a test: figures depend on the machine; see docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

# the traced-syscall list and the perf-event count are the older benchmark's (bench/monitor.py)
from monitor import become_subreaper, perf_fds, settle, stop_bpftrace, syscalls

ROOT = Path(__file__).resolve().parent.parent
PROG = str(ROOT / "bench" / "prog.sh")
PYTHON_REAL = "/usr/bin/python3.11"
TOOLS = ("untraced", "pyxcheck", "strace", "bt-print", "bt-count", "audithook")
TOOL_NAMES = {"untraced": "untraced", "pyxcheck": "pyxcheck", "strace": "strace -f",
              "bt-print": "bpftrace printing", "bt-count": "bpftrace count-only",
              "audithook": "audit-hook logger"}
PROG_NAMES = {"pip": "pip install (local wheel, venv)", "pytest": "pytest (41 tests)",
              "stdlib": "python3 -m test test_tempfile test_shutil test_zipfile",
              "startup": "import-heavy start-up"}
TESTS = '''import json, os, subprocess, sys
import pytest


@pytest.mark.parametrize("i", range(40))
def test_file_roundtrip(tmp_path, i):
    p = tmp_path / f"f{i}.json"
    p.write_text(json.dumps({"i": i, "s": "x" * i}))
    assert json.loads(p.read_text())["i"] == i
    os.rename(p, tmp_path / "g.json")
    assert sorted(os.listdir(tmp_path)) == ["g.json"]


def test_subprocess():
    assert subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True).stdout == b"1\\n"
'''


def bpftrace_around(bt_args, nprobes, argv, env):
    """argv held at a `read` until bpftrace (given the held pid as $1) has opened its nprobes
    perf events, then released; bpftrace is stopped once argv exits. bpftrace -c is no use
    here: it attaches usdt probes to its child only, a shell. Returns argv's stdout."""
    wl = subprocess.Popen(["/bin/sh", "-c", 'read x; exec "$@"', "sh"] + argv, env=env,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    bt = subprocess.Popen(["bpftrace"] + bt_args + [str(wl.pid)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    last, since = -1, t0
    while True:
        if bt.poll() is not None:
            wl.kill()
            sys.exit("bench: bpftrace exited early (rc %d): %s" % (bt.returncode, bt_args))
        n = perf_fds(bt.pid)
        if n != last:
            last, since = n, time.monotonic()
        elif n >= nprobes and time.monotonic() - since > 0.2:
            break
        if time.monotonic() - t0 > 600:
            wl.kill()
            stop_bpftrace(bt)
            sys.exit("bench: bpftrace did not attach in 600 s")
        time.sleep(0.02)
    out = wl.communicate("go\n", timeout=3600)[0]
    stop_bpftrace(bt)
    if wl.returncode:
        sys.exit(f"bench: {argv} failed under bpftrace")
    return out


def strace_names(names):
    """The syscalls this strace knows (Debian 12's predates fchmodat2, say)."""
    names = list(names)
    while True:
        r = subprocess.run(["strace", "-e", "trace=" + ",".join(names), "-o", "/dev/null",
                            "/bin/true"], capture_output=True, text=True, timeout=60)
        m = re.search(r"invalid system call '(\w+)'", r.stderr)
        if not m or m.group(1) not in names:
            return names
        names.remove(m.group(1))


def syscall_numbers(names):
    """x86-64 numbers of the traced syscalls, from pyxcheck's table."""
    text = (ROOT / "include" / "pyxcheck_syscall.h").read_text()
    nr = {n: int(x) for n, x in re.findall(r"^\s*X\((\w+), (\d+),", text, re.M)}
    return [nr[n] for n in names]


def bt_print(names, raw):
    """bpftrace printing python:audit and enter/exit of the traced syscalls, for the program
    and its descendants. raw: through raw_syscalls:sys_enter/sys_exit and a set of syscall
    numbers (what `pyxcheck -- COMMAND` does by default: two tracepoints, attached and detached
    in milliseconds); else one tracepoint per syscall side (bpftrace then compiles and attaches
    2 x len(names) probes, which takes bpftrace 0.17 minutes on a loaded machine)."""
    head = ("BEGIN { @t[(uint64)$1] = 1; }\n"
            "tracepoint:sched:sched_process_fork /@t[(uint64)args->parent_pid]/ "
            "{ @t[(uint64)args->child_pid] = 1; }\n"
            f"usdt:{PYTHON_REAL}:python:audit /@t[pid]/ "
            "{ printf(\"%d %d audit %s\\n\", nsecs, pid, str(arg0)); }\n")
    if raw:
        want = "".join(f"@s[{n}] = 1; " for n in syscall_numbers(names))
        return (head.replace("BEGIN { ", "BEGIN { " + want) +
                "tracepoint:raw_syscalls:sys_enter /@t[pid] && @s[args->id]/ "
                "{ printf(\"%d %d enter %d\\n\", nsecs, pid, args->id); }\n"
                "tracepoint:raw_syscalls:sys_exit /@t[pid] && @s[args->id]/ "
                "{ printf(\"%d %d exit %d %d\\n\", nsecs, pid, args->id, args->ret); }\n")
    enter = ",".join(f"tracepoint:syscalls:sys_enter_{n}" for n in names)
    exit_ = ",".join(f"tracepoint:syscalls:sys_exit_{n}" for n in names)
    return (head +
            f"{enter} /@t[pid]/ {{ printf(\"%d %d %s\\n\", nsecs, pid, probe); }}\n"
            f"{exit_} /@t[pid]/ {{ printf(\"%d %d %s %d\\n\", nsecs, pid, probe, args->ret); }}\n")


def bt_count(names, raw):
    """The same probes, a count each, no pid filter, no output (the cheapest observer)."""
    if raw:
        want = "".join(f"@s[{n}] = 1; " for n in syscall_numbers(names))
        return (f"BEGIN {{ {want}}}\n"
                f"usdt:{PYTHON_REAL}:python:audit {{ @a = count(); }}\n"
                "tracepoint:raw_syscalls:sys_enter /@s[args->id]/ { @e[args->id] = count(); }\n"
                "tracepoint:raw_syscalls:sys_exit /@s[args->id]/ { @x[args->id] = count(); }\n")
    probes = ",".join(f"tracepoint:syscalls:sys_{d}_{n}" for n in names for d in ("enter", "exit"))
    return (f"usdt:{PYTHON_REAL}:python:audit {{ @a = count(); }}\n"
            f"{probes} {{ @[probe] = count(); }}\n")


def setup(tmp):
    """A venv and a tiny wheel, made here without network; the pytest file."""
    subprocess.run(["/usr/bin/python3", "-m", "venv", os.path.join(tmp, "venv")], check=True,
                   capture_output=True, timeout=600)
    whl = os.path.join(tmp, "pyxbench_demo-1.0-py3-none-any.whl")
    files = {
        "pyxbench_demo/__init__.py": "VALUE = 1\n",
        "pyxbench_demo-1.0.dist-info/METADATA":
            "Metadata-Version: 2.1\nName: pyxbench-demo\nVersion: 1.0\n",
        "pyxbench_demo-1.0.dist-info/WHEEL":
            "Wheel-Version: 1.0\nGenerator: pyxcheck-bench\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n",
    }
    import base64
    import hashlib
    record = []
    with zipfile.ZipFile(whl, "w") as z:
        for name, text in files.items():
            data = text.encode()
            z.writestr(name, data)
            dig = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={dig},{len(data)}")
        record.append("pyxbench_demo-1.0.dist-info/RECORD,,")
        z.writestr("pyxbench_demo-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    Path(tmp, "test_demo.py").write_text(TESTS)


def run_one(tool, kind, opt, tmp, progs):
    settle()  # the previous pyxcheck's background detacher is gone (bench/monitor.py)
    stamp = os.path.join(tmp, "stamp")
    if os.path.exists(stamp):
        os.unlink(stamp)
    env = dict(os.environ, PYXBENCH_STAMP=stamp)
    for k in ("LD_PRELOAD", "PYXBENCH_AUDITLOG"):
        env.pop(k, None)
    prog = ["/bin/sh", PROG, kind, tmp]
    if tool == "untraced":
        argv = prog
    elif tool == "pyxcheck":
        argv = [str(opt.build / "pyxcheck"), "-j", "-o", os.path.join(tmp, "out.jsonl"),
                "--"] + prog
    elif tool == "strace":
        argv = ["strace", "-f", "-qq", "-e", "trace=" + ",".join(progs["names"]), "-o",
                "/dev/null"] + prog
    elif tool in ("bt-print", "bt-count"):
        t0 = time.time_ns()
        bpftrace_around(["-o", "/dev/null", progs[tool]], progs[tool + "-n"], prog, env)
        t1 = time.time_ns()
        a, b = (int(x) for x in open(stamp).read().split())
        return (b - a) / 1e9, (t1 - t0) / 1e9
    else:
        log = os.path.join(tmp, "audit.log")
        open(log, "w").close()
        env["PYXBENCH_AUDITLOG"] = log
        argv = prog
    t0 = time.time_ns()
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=3600)
    t1 = time.time_ns()
    if r.returncode:
        sys.exit(f"bench: {kind} under {tool} failed (rc {r.returncode}): {r.stderr[-800:]}")
    a, b = (int(x) for x in open(stamp).read().split())
    return (b - a) / 1e9, (t1 - t0) / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="leave the stdlib tests out")
    ap.add_argument("--programs", default="", help="comma-separated subset of the programs")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of the "
                    "tools (untraced is always run: the ratios need it)")
    ap.add_argument("--bt-syscalls", choices=("raw", "per-syscall"), default="raw",
                    help="bpftrace's syscall probes: raw_syscalls with a set of numbers (as "
                    "pyxcheck -- COMMAND), or one tracepoint per syscall side")
    ap.add_argument("--json", help="also write the raw figures here")
    opt = ap.parse_args()
    tools = [t for t in TOOLS if t == "untraced" or t in opt.tools.split(",")]
    opt.build = Path(opt.build).resolve()
    if os.geteuid() != 0:
        sys.exit("bench: must run as root")
    become_subreaper()  # settle() waits for pyxcheck's background detachers
    for tool in ("bpftrace", "strace"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            sys.exit(f"bench: {tool} is not installed (make deps)")
    kinds = [k for k in ("pip", "pytest", "stdlib", "startup")
             if not (opt.quick and k == "stdlib")]
    if opt.programs:
        kinds = [k for k in kinds if k in opt.programs.split(",")]
    tmpd = tempfile.TemporaryDirectory(prefix="pyxprog-")
    tmp = tmpd.name
    setup(tmp)
    names = syscalls()
    progs = {"names": strace_names(names)}
    raw = opt.bt_syscalls == "raw"
    for tool, text in (("bt-print", bt_print(names, raw)), ("bt-count", bt_count(names, raw))):
        p = os.path.join(tmp, tool + ".bt")
        Path(p).write_text(text)
        progs[tool] = p
    nsc = 2 if raw else 2 * len(names)  # perf events bpftrace opens: one per probe
    progs["bt-print-n"] = nsc + 2
    progs["bt-count-n"] = nsc + 1
    t_start = time.monotonic()
    load_start = os.getloadavg()
    loads = [load_start[0]]
    res = {k: {t: {"own": [], "wall": []} for t in tools} for k in kinds}
    for r in range(opt.rounds):
        for k in kinds:
            # the tools take turns at going first: no tool always runs on a cold cache
            for t in tools[r % len(tools):] + tools[:r % len(tools)]:
                own, wall = run_one(t, k, opt, tmp, progs)
                res[k][t]["own"].append(own)
                res[k][t]["wall"].append(wall)
        loads.append(os.getloadavg()[0])
        print(f"bench: programs round {r + 1}/{opt.rounds} done "
              f"({time.monotonic() - t_start:.0f} s)", file=sys.stderr)

    load_end = os.getloadavg()
    loads.append(load_end[0])
    print()
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, kernel "
          f"{platform.release()}; rounds {opt.rounds}; {len(names)} syscalls traced, bpftrace "
          f"through {'raw_syscalls' if raw else 'per-syscall tracepoints'}")
    print("load average (1, 5, 15 min): at start " + ", ".join(f"{x:.2f}" for x in load_start) +
          ", at end " + ", ".join(f"{x:.2f}" for x in load_end) +
          f"; 1-min range during the run {min(loads):.1f}-{max(loads):.1f}")
    print("program's own time, and in brackets the wall time including the tool's start and "
          "exit; x = own time / untraced")
    print()
    print("| program | " + " | ".join(TOOL_NAMES[t] for t in tools) + " |")
    print("| --- |" + " ---: |" * len(tools))
    for k in kinds:
        base = statistics.median(res[k]["untraced"]["own"])
        cells = []
        for t in tools:
            own = statistics.median(res[k][t]["own"])
            wall = statistics.median(res[k][t]["wall"])
            cells.append(f"{own:.2f} s ({wall:.2f} s)" + ("" if t == "untraced" else
                                                           f" {own / base:.2f}x"))
        print(f"| {PROG_NAMES[k]} | " + " | ".join(cells) + " |")
    print(f"\ntotal time: {time.monotonic() - t_start:.0f} s")
    if opt.json:
        with open(opt.json, "w") as f:
            json.dump({"results": res, "loads": loads, "load_start": load_start,
                       "load_end": load_end, "bt_syscalls": opt.bt_syscalls}, f, indent=1)


if __name__ == "__main__":
    main()
