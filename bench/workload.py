# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""One timed benchmark workload, run in a fresh interpreter by bench/bench.py.

Usage: python workload.py audit|open N [PATH]; prints nanoseconds per iteration. The loop is
timed inside the process, so interpreter start-up is not part of these two figures.
"""
import sys
import time


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    audit = sys.audit
    if kind == "audit":
        t0 = time.perf_counter_ns()
        for i in range(n):
            audit("bench.event", i)
        t1 = time.perf_counter_ns()
    elif kind == "open":
        path = sys.argv[3]
        t0 = time.perf_counter_ns()
        for _ in range(n):
            open(path, "rb").close()
        t1 = time.perf_counter_ns()
    else:
        sys.exit("workload: unknown kind " + kind)
    print((t1 - t0) / n)


if __name__ == "__main__":
    main()
