# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A memoryview of an mmap whose file was cut since (review 14): the serialiser must not copy
its bytes (SIGBUS). Usage: mmap_view.py BUILD DIR; prints the payload's length."""
import mmap
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
import pyxpayload  # noqa: E402

fd, name = tempfile.mkstemp(dir=sys.argv[2])
os.write(fd, b"x" * 8192)
mm = mmap.mmap(fd, 8192)
view = memoryview(mm)
os.ftruncate(fd, 0)  # another process cuts the file (log rotation)
os.unlink(name)
print(len(pyxpayload.encode("subprocess.Popen", ("x", [view], None, None))) > 0)
