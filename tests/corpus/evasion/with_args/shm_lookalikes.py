# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Look-alikes of glibc's shm_open/shm_unlink and openpty's /dev/ptmx open (no audit event in
multiprocessing.shared_memory and os.openpty), made through ctypes: each differs from the shape
the rules explain in one point (flags, mode, path, who created the name, uid) and must stay
unaudited. Every /dev/shm path it names carries "pyxlk" (tests/test_correlate_real.py)."""
import ctypes
import os
import sys
from multiprocessing import shared_memory

root = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
libc.open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
O_RDWR, O_CREAT, O_EXCL, O_TRUNC = os.O_RDWR, os.O_CREAT, os.O_EXCL, os.O_TRUNC
SHM = os.O_NOFOLLOW | os.O_CLOEXEC  # what glibc's shm_open adds
tag = "pyxlk%d" % os.getpid()


def native_open(path, flags, mode=0):
    fd = libc.open(path.encode(), flags, mode)
    if fd >= 0:
        os.close(fd)


# 1. shm_open's create, but O_TRUNC without O_EXCL (SharedMemory passes O_CREAT|O_EXCL)
native_open(f"/dev/shm/{tag}-trunc", O_RDWR | O_CREAT | O_TRUNC | SHM, 0o600)
# 2. shm_open's create, but mode 0644 (SharedMemory passes 0o600)
native_open(f"/dev/shm/{tag}-mode", O_RDWR | O_CREAT | O_EXCL | SHM, 0o644)
# 3. shm_open's create, but two components under /dev/shm
os.mkdir(f"/dev/shm/{tag}-dir")
native_open(f"/dev/shm/{tag}-dir/b", O_RDWR | O_CREAT | O_EXCL | SHM, 0o600)
# 4. attach and unlink of a /dev/shm file no hooked Python created in shm_open's shape
with open(f"/dev/shm/{tag}-file", "w"):
    pass
native_open(f"/dev/shm/{tag}-file", O_RDWR | SHM)
libc.unlink(f"/dev/shm/{tag}-file".encode())
# 5. a segment SharedMemory created (explained), opened truncating
s = shared_memory.SharedMemory(f"{tag}-seg", create=True, size=64)
native_open(f"/dev/shm/{tag}-seg", O_RDWR | O_TRUNC | SHM)
# 6. another uid attaching to and unlinking that segment (refused by the kernel: still judged)
pid = os.fork()
if pid == 0:
    os.setuid(65534)
    native_open(f"/dev/shm/{tag}-seg", O_RDWR | SHM)
    libc.unlink(f"/dev/shm/{tag}-seg".encode())
    os._exit(0)
os.waitpid(pid, 0)
s.close()
s.unlink()
# 7. /dev/ptmx write-only, another name, the devpts node (openpty opens /dev/ptmx O_RDWR)
native_open("/dev/ptmx", os.O_WRONLY)
native_open("/dev/ptmx0", O_RDWR)
native_open("/dev/pts/ptmx", O_RDWR | os.O_NOCTTY)
for p in (f"/dev/shm/{tag}-trunc", f"/dev/shm/{tag}-mode", f"/dev/shm/{tag}-dir/b"):
    if os.path.exists(p):
        os.unlink(p)
os.rmdir(f"/dev/shm/{tag}-dir")
