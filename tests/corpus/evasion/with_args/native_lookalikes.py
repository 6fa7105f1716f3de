# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Look-alikes of what glibc and CPython do without an audit event (issue 9), made through ctypes:
each differs from the real shape in one point and must stay unaudited."""
import ctypes
import os
import signal
import sys

root = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
O_RDWR, O_CREAT, O_EXCL, O_TRUNC = os.O_RDWR, os.O_CREAT, os.O_EXCL, os.O_TRUNC
tag = "%06d" % (os.getpid() % 1000000)
# 1. a sem_open temp-file name, but truncating (glibc's is O_RDWR|O_CREAT|O_EXCL)
tmp = ("/dev/shm/sem.x" + tag[-5:]).encode()
fd = libc.open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0o600)
libc.close(fd)
# 2. a link into /dev/shm/sem.* of a file this process never opened as a sem_open temp file
src = os.path.join(root, "payload").encode()
with open(src, "wb") as f:
    f.write(b"x")
libc.link(src, b"/dev/shm/sem.lookalike-" + tag.encode())
libc.unlink(b"/dev/shm/sem.lookalike-" + tag.encode())
libc.unlink(tmp)
# 3. ftruncate through an fd opened read-only under an audited open
with open(src, "rb") as f:
    libc.ftruncate(f.fileno(), 0)
# 4. SIGINT to itself before finalisation (exit_sigint() runs after Py_FinalizeEx)
signal.signal(signal.SIGINT, lambda *a: None)
libc.kill(os.getpid(), signal.SIGINT)
