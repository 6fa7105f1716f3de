# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""One timed benchmark workload, run in a fresh interpreter by bench/bench.py and bench/monitor.py.

Usage: python workload.py audit|open N [PATH [CHUNKS]]; prints nanoseconds per iteration. The loop
is timed inside the process, so interpreter start-up is not part of these two figures. With
CHUNKS the open loop runs as CHUNKS timed pieces of N/CHUNKS iterations and prints the median
piece's wall time, then its thread CPU time (time.thread_time_ns(): what the loop's thread ran,
probes included, without the time it waited for a CPU): a burst of another process's work on
this shared machine moves one piece, not the figure.
       python workload.py suite OPEN_N CONNECT_N SPAWN_N STARTUP_N PATH; runs the four monitor
workloads (issue 3) one after the other and prints one JSON object, nanoseconds per iteration:
  open     open(PATH, "rb").close()
  connect  connect over loopback TCP to a listener in this process, accept, close both
  spawn    subprocess.run(["/bin/true"])
  startup  an import-heavy interpreter start-up (a child python3 -I -c "import ..."), wall time;
           with PYXBENCH_AUDITLOG=FILE the child runs under bench/audithook.py FILE too
"""
import json
import os
import socket
import subprocess
import sys
import time

IMPORTS = ("import json, email.message, http.client, asyncio, decimal, argparse, logging, "
           "unittest, xml.etree.ElementTree, sqlite3, csv, tarfile, zipfile, ssl")


def timed(fn, n):
    t0 = time.perf_counter_ns()
    fn(n)
    return (time.perf_counter_ns() - t0) / n


def suite(open_n, connect_n, spawn_n, startup_n, path):
    def opens(n):
        for _ in range(n):
            open(path, "rb").close()

    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(128)
    addr = lsn.getsockname()

    def connects(n):
        for _ in range(n):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.connect(addr)
            s, _ = lsn.accept()
            s.close()
            c.close()

    def spawns(n):
        for _ in range(n):
            subprocess.run(["/bin/true"], check=True)

    log = os.environ.get("PYXBENCH_AUDITLOG")
    child = [sys.executable, "-I"]
    if log:
        child += [os.path.join(os.path.dirname(os.path.abspath(__file__)), "audithook.py"), log]
    child += ["-c", IMPORTS]

    def startups(n):
        for _ in range(n):
            subprocess.run(child, check=True)

    res = {"open": timed(opens, open_n), "connect": timed(connects, connect_n),
           "spawn": timed(spawns, spawn_n), "startup": timed(startups, startup_n)}
    lsn.close()
    print(json.dumps(res))


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    if kind == "suite":
        suite(n, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
        return
    audit = sys.audit
    if kind == "audit":
        t0 = time.perf_counter_ns()
        for i in range(n):
            audit("bench.event", i)
        t1 = time.perf_counter_ns()
    elif kind == "open":
        path = sys.argv[3]
        chunks = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        if chunks > 1:
            m = max(n // chunks, 1)
            per, cpu = [], []
            for _ in range(chunks):
                t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
                for _ in range(m):
                    open(path, "rb").close()
                cpu.append((time.thread_time_ns() - c0) / m)
                per.append((time.perf_counter_ns() - t0) / m)
            per.sort()
            cpu.sort()
            print(per[len(per) // 2], cpu[len(cpu) // 2])
            return
        t0 = time.perf_counter_ns()
        for _ in range(n):
            open(path, "rb").close()
        t1 = time.perf_counter_ns()
    else:
        sys.exit("workload: unknown kind " + kind)
    print((t1 - t0) / n)


if __name__ == "__main__":
    main()
