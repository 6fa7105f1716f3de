# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Fork N children that all live at once (each waits on a pipe the parent then closes), so that a
small monitored set fills up. Usage: many_children.py WORKDIR N. Writes WORKDIR/children, their
pids in fork order."""
import os
import sys

work, n = sys.argv[1], int(sys.argv[2])
r, w = os.pipe()
pids = []
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)
        os._exit(0)
    pids.append(pid)
os.close(w)
for pid in pids:
    os.waitpid(pid, 0)
with open(os.path.join(work, "children"), "w") as f:
    f.write(" ".join(map(str, pids)))
