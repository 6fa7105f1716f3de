# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Paths that the monitor resolves (lexically) to glibc's shm, semaphore and /dev/ptmx shapes but
that the kernel resolves elsewhere (the review of the shm_open rules, F1): a ".." after a symlink
in /dev/shm, a cwd or a dirfd set through such a symlink, a dirfd the monitor believes is
/dev/shm that dup2() (not traced) replaced. glibc passes these paths absolute and literal; each
of these, made through ctypes, must stay unaudited. Files land in argv[1]; every path carries
"pyxesc" (tests/test_correlate_real.py)."""
import ctypes
import os
import sys
from multiprocessing import shared_memory

root = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
libc.open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
libc.openat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
libc.unlink.argtypes = [ctypes.c_char_p]
libc.link.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
O_RDWR, O_CREAT, O_EXCL = os.O_RDWR, os.O_CREAT, os.O_EXCL
SHM = os.O_NOFOLLOW | os.O_CLOEXEC  # what glibc's shm_open and sem_open add
tag = "pyxesc%d" % os.getpid()
tmp6 = "Qz%04d" % (os.getpid() % 10000)  # sem_open's temp name: six letters or digits


def touch(path):
    with open(path, "w"):
        pass


def native(fd):
    if fd >= 0:
        os.write(fd, b"OWNED\n")
        os.close(fd)


os.makedirs(f"{root}/sub/sub")
L = f"/dev/shm/{tag}L"  # /dev/shm/L/.. is root, not /dev/shm
os.symlink(f"{root}/sub", L)
P = f"/dev/shm/{tag}P"  # /dev/shm/P/../.. is root, not /dev
os.symlink(f"{root}/sub/sub", P)
names = ("victim", "del", "cwd", "dirfd")
for n in names:
    touch(f"{root}/{tag}-{n}")
touch(f"{root}/sem.{tag}v")
touch(f"{root}/ptmx")
segs = [shared_memory.SharedMemory(f"{tag}-{n}", create=True, size=16) for n in names]
# 1. shm_open's create, through the symlink: a new file outside /dev/shm
native(libc.open(f"{L}/../{tag}-created".encode(), O_RDWR | O_CREAT | O_EXCL | SHM, 0o600))
# 2. shm_open's attach of a name a hooked Python created, through the symlink: a write elsewhere
native(libc.open(f"{L}/../{tag}-victim".encode(), O_RDWR | SHM, 0))
# 3. shm_unlink's shape through the symlink: a file elsewhere removed
libc.unlink(f"{L}/../{tag}-del".encode())
# 4. a relative attach from a cwd set through the symlink
os.chdir(f"{L}/..")
native(libc.open(f"{tag}-cwd".encode(), O_RDWR | SHM, 0))
os.chdir("/")
# 5. openat on a dirfd opened through the symlink
d = os.open(f"{L}/..", os.O_RDONLY | os.O_DIRECTORY)
native(libc.openat(d, f"{tag}-dirfd".encode(), O_RDWR | SHM, 0))
os.close(d)
# 6. a dirfd the monitor believes is /dev/shm, replaced by dup2 (no syscall traced)
shm = os.open("/dev/shm", os.O_RDONLY | os.O_DIRECTORY)
other = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
os.dup2(other, shm)
native(libc.openat(shm, f"{tag}-planted".encode(), O_RDWR | O_CREAT | O_EXCL | SHM, 0o600))
os.close(shm)
os.close(other)
# 7. sem_open's reopen, temp file, link and unlink through the symlink
native(libc.open(f"{L}/../sem.{tag}v".encode(), O_RDWR | SHM, 0))
native(libc.open(f"{L}/../sem.{tmp6}".encode(), O_RDWR | O_CREAT | O_EXCL | SHM, 0o600))
libc.link(f"{L}/../sem.{tmp6}".encode(), f"{L}/../sem.{tag}lnk".encode())
libc.unlink(f"{L}/../sem.{tmp6}".encode())
libc.unlink(f"{L}/../sem.{tag}lnk".encode())
# 8. openpty's /dev/ptmx open, through the symlink: a regular file opened for writing
native(libc.open(f"{P}/../../ptmx".encode(), O_RDWR | os.O_NOCTTY | os.O_CLOEXEC, 0))
for s in segs:
    s.close()
    s.unlink()
os.unlink(L)
os.unlink(P)
