# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""os.chown with -1, truncate/ftruncate, pwd/grp lookups (NSS), shutil.rmtree/copytree/copyfile
(a DirEntry source), os.fork then a thread Pool in the child and the parent."""
import grp
import multiprocessing.pool
import os
import pwd
import shutil
import sys

root = sys.argv[1]
p = os.path.join(root, "f.txt")
with open(p, "w") as f:
    f.write("0123456789")
os.chown(p, os.getuid(), -1)
os.chown(p, -1, os.getgid())
os.truncate(p, 4)
with open(p, "r+b") as f:
    f.truncate(2)
    os.ftruncate(f.fileno(), 1)
fd = os.open(p, os.O_RDWR)
os.ftruncate(fd, 0)
os.close(fd)

pwd.getpwuid(0)
pwd.getpwnam("root")
grp.getgrgid(0)
grp.getgrnam("root")
pwd.getpwall()

d = os.path.join(root, "tree")
os.makedirs(os.path.join(d, "sub"))
for name in ("x", "sub/y"):
    with open(os.path.join(d, name), "w") as f:
        f.write(name)
shutil.copytree(d, os.path.join(root, "tree2"))
shutil.rmtree(d)
with open(os.path.join(root, "after-rmtree.txt"), "w") as f:
    f.write("later")
for e in os.scandir(os.path.join(root, "tree2")):
    if e.is_file():
        shutil.copyfile(e, os.path.join(root, "copy-" + e.name))
shutil.copy2(os.path.join(root, "tree2", "x"), os.path.join(root, "x2"))
shutil.rmtree(os.path.join(root, "tree2"))


def work():
    with multiprocessing.pool.ThreadPool(3) as tp:
        assert tp.map(abs, [-1, -2, -3]) == [1, 2, 3]


pid = os.fork()
if pid == 0:
    work()
    os._exit(0)
work()
_, st = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(st) == 0 if hasattr(os, "waitstatus_to_exitcode") else st == 0

# os.chroot raises no audit event; on a name that does not exist (test_os's test_oserror_filename)
# the kernel changes nothing (ENOENT, ENOTDIR): not sensitive, no alarm
for bad in (os.path.join(root, "no-such-dir"), os.path.join(root, "x2", "sub")):
    try:
        os.chroot(bad)
    except OSError:
        pass
    else:
        raise AssertionError("chroot of a missing directory worked")
