# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A threaded workload: each thread writes, renames and removes its own files."""
import os
import sys
import threading

root = sys.argv[1]


def work(n):
    for i in range(5):
        p = os.path.join(root, f"t{n}-{i}")
        with open(p, "w") as f:
            f.write("x" * 100)
        os.rename(p, p + ".done")
        os.remove(p + ".done")


ts = [threading.Thread(target=work, args=(n,)) for n in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
