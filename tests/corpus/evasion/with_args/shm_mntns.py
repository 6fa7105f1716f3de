# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""glibc's own literal /dev/shm/NAME and /dev/ptmx name other files in a private mount namespace
(the review of the shm_open rules, F2): a fork unshares its mount namespace (and its user
namespace when not root), bind-mounts a directory of argv[1] over /dev/shm and a regular file over
/dev/ptmx, then attaches to a segment a hooked Python created, creates one, and opens /dev/ptmx;
a child it forks afterwards attaches too. unshare and mount have no audit event: each is
unaudited, and so is every open after them. The namespace dies with the fork: nothing outside
changes. Every path it plants carries "pyxmnt" (tests/test_correlate_real.py)."""
import ctypes
import os
import sys
from multiprocessing import shared_memory

import _posixshmem

root = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                       ctypes.c_void_p]
libc.unshare.argtypes = [ctypes.c_int]
CLONE_NEWNS, CLONE_NEWUSER, MS_BIND, MS_REC, MS_PRIVATE = 0x20000, 0x10000000, 4096, 16384, 1 << 18
tag = "pyxmnt%d" % os.getpid()
os.mkdir(f"{root}/shm")
with open(f"{root}/{tag}-ptmx", "w"):
    pass
with open(f"{root}/shm/{tag}-victim", "w"):
    pass
s = shared_memory.SharedMemory(f"{tag}-victim", create=True, size=16)  # the real /dev/shm's


def attach():
    fd = _posixshmem.shm_open(f"/{tag}-victim", os.O_RDWR, 0)  # glibc: /dev/shm/NAME
    os.write(fd, b"OWNED\n")
    os.close(fd)


pid = os.fork()
if pid == 0:
    if libc.unshare(CLONE_NEWNS | (CLONE_NEWUSER if os.getuid() else 0)):
        os._exit(10)
    # root: keep the bind mounts below from propagating out of this namespace
    if os.getuid() == 0 and libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None):
        os._exit(11)
    if libc.mount(f"{root}/shm".encode(), b"/dev/shm", None, MS_BIND, None):
        os._exit(12)
    attach()
    fd = _posixshmem.shm_open(f"/{tag}-planted", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    if libc.mount(f"{root}/{tag}-ptmx".encode(), b"/dev/ptmx", None, MS_BIND, None):
        os._exit(13)
    fd = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)  # openpty's shape; audited by os.open
    os.close(fd)
    libc.open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
    fd = libc.open(b"/dev/ptmx", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC, 0)
    os.write(fd, b"OWNED\n")
    os.close(fd)
    child = os.fork()
    if child == 0:
        attach()
        os._exit(0)
    os._exit(os.waitpid(child, 0)[1] >> 8)
_, st = os.waitpid(pid, 0)
# clone(CLONE_NEWNS) (no audit event; reported as unshare is): the fork record shows another
# mount namespace than the monitor's, and the child's attach is unaudited
if not st:
    pid = libc.syscall(56, CLONE_NEWNS | 17, 0, 0, 0, 0)  # SIGCHLD
    if pid == 0:
        attach()
        os._exit(0)
    _, st = os.waitpid(pid, 0)
s.close()
s.unlink()
sys.exit(st >> 8)
