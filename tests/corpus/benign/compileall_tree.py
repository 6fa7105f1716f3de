# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""python3 -m compileall of a small tree (run in a child, as a user would)."""
import os
import subprocess
import sys

root = sys.argv[1]
pkg = os.path.join(root, "pkg", "sub")
os.makedirs(pkg)
for d in (os.path.join(root, "pkg"), pkg):
    with open(os.path.join(d, "__init__.py"), "w") as f:
        f.write("X = 1\n")
with open(os.path.join(pkg, "mod.py"), "w") as f:
    f.write("def f():\n    return 2\n")
subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(root, "pkg")], check=True)
