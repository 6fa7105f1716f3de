# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""ctypes open(2) of a file for writing, then ctypes unlink(2): no audit event for either."""
import ctypes
import os
import sys

p = os.path.join(sys.argv[1], "dropped.txt").encode()
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
assert fd >= 0
libc.close(fd)
assert libc.unlink(p) == 0
