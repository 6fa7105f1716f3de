# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""tarfile: create an archive, extract it with filter="data" (chown(path, uid, -1) per member)."""
import os
import sys
import tarfile

root = sys.argv[1]
src = os.path.join(root, "src")
os.makedirs(os.path.join(src, "sub"))
for name in ("a.txt", "sub/b.txt"):
    with open(os.path.join(src, name), "w") as f:
        f.write(name)
arc = os.path.join(root, "a.tar")
with tarfile.open(arc, "w") as t:
    t.add(src, arcname="src")
with tarfile.open(arc) as t:
    t.extractall(os.path.join(root, "out"), filter="data")
assert open(os.path.join(root, "out", "src", "sub", "b.txt")).read() == "sub/b.txt"
