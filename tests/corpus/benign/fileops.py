# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""shutil and tempfile: copytree, move, rmtree, mkstemp, mkdtemp."""
import os
import shutil
import sys
import tempfile

root = sys.argv[1]
d = tempfile.mkdtemp(dir=root)
fd, p = tempfile.mkstemp(dir=d)
os.write(fd, b"abc")
os.close(fd)
shutil.copyfile(p, p + ".copy")
shutil.copytree(d, os.path.join(root, "tree"))
shutil.move(os.path.join(root, "tree"), os.path.join(root, "moved"))
shutil.rmtree(os.path.join(root, "moved"))
shutil.rmtree(d)
