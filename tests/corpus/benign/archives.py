# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""zipfile and tarfile round trips."""
import os
import sys
import tarfile
import zipfile

root = sys.argv[1]
src = os.path.join(root, "src")
os.mkdir(src)
for i in range(3):
    with open(os.path.join(src, f"f{i}.txt"), "w") as f:
        f.write("data %d\n" % i)
with zipfile.ZipFile(os.path.join(root, "a.zip"), "w") as z:
    for i in range(3):
        z.write(os.path.join(src, f"f{i}.txt"), f"f{i}.txt")
with zipfile.ZipFile(os.path.join(root, "a.zip")) as z:
    z.extractall(os.path.join(root, "unzip"))
with tarfile.open(os.path.join(root, "a.tar.gz"), "w:gz") as t:
    t.add(src, arcname="src")
with tarfile.open(os.path.join(root, "a.tar.gz")) as t:
    t.extractall(os.path.join(root, "untar"))
assert open(os.path.join(root, "untar", "src", "f2.txt")).read() == "data 2\n"
