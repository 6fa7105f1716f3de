# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Stress producer: THREADS threads raise EVENTS audit events each, as fast as they can.

Usage: producer.py INDEX NPROCS THREADS EVENTS DIR [MODE]

MODE "audit" (the default) raises sys.audit("pyx.stress", thread, i); MODE "open" opens and
closes a file of its own instead: an "open" audit event and an openat syscall each time, so that
the correlator has pairs to judge while records are being lost.

Writes DIR/count.INDEX ("<pid> <events raised>") when done, then waits until every producer has
finished, so that the last events of a process (finalisation, hook_stop) do not meet a ring
buffer still full of the others' events, and exits INDEX * 0.2 s later for the same reason.
"""
import os
import sys
import threading
import time

index, nprocs, nthreads, nevents = map(int, sys.argv[1:5])
out = sys.argv[5]
mode = sys.argv[6] if len(sys.argv) > 6 else "audit"
counts = [0] * nthreads


def raise_events(t):
    if mode == "open":
        path = os.path.join(out, f"f.{index}.{t}")
        for i in range(nevents):
            open(path, "wb").close()
    else:
        audit = sys.audit
        for i in range(nevents):
            audit("pyx.stress", t, i)
    counts[t] = nevents


threads = [threading.Thread(target=raise_events, args=(t,)) for t in range(nthreads)]
for th in threads:
    th.start()
for th in threads:
    th.join()
with open(os.path.join(out, f"count.{index}.tmp"), "w") as f:
    f.write(f"{os.getpid()} {sum(counts)}\n")
os.rename(os.path.join(out, f"count.{index}.tmp"), os.path.join(out, f"count.{index}"))
deadline = time.monotonic() + 600
while sum(n.startswith("count.") and not n.endswith(".tmp") for n in os.listdir(out)) < nprocs:
    if time.monotonic() > deadline:
        sys.exit("producer: the others never finished")
    time.sleep(0.05)
time.sleep(0.5 + 0.2 * index)
