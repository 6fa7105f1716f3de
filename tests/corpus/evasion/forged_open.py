# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A forged sys.audit("open", decoy, ...) right before a real ctypes open of another file."""
import ctypes
import os
import sys

decoy = os.path.join(sys.argv[1], "decoy.txt")
real = os.path.join(sys.argv[1], "real.txt")
libc = ctypes.CDLL(None)
libc_open = libc.open
sys.audit("open", decoy, "w", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
fd = libc_open(real.encode(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
assert fd >= 0
libc.close(fd)
