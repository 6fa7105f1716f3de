# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The serialiser reads a pathlib path without making any object the garbage collector tracks
(review 14): a collection started inside the hook runs Python code there (gc.callbacks, __del__,
weakref callbacks). Here a gc callback would empty the path's '_parts' list under the hook's feet;
with a list slice in the hook (3.8-3.11) it ran, and the process died of SIGSEGV.
Usage: pathlib_gc.py BUILD; prints "callback ran: False" when no collection started inside."""
import gc
import os
import pathlib
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
import pyxpayload  # noqa: E402

p = pathlib.PurePosixPath("/tmp/aaaa/bbbb")  # absolute, its str not cached yet
armed = [False]
ran = []


def cb(phase, info):
    if not armed[0] or phase != "start":
        return
    armed[0] = False
    ran.append(1)
    if hasattr(p, "_parts"):
        p._parts.clear()


gc.callbacks.append(cb)
for i in range(20):
    sys._getframe()  # the frame object exists: reading it allocates nothing (3.11)
    keep = [[] for _ in range(200)]  # drain the list free list
    gc.set_threshold(1)
    armed[0] = True
    pyxpayload.encode("open", (p,))
    armed[0] = False
    gc.set_threshold(700)
    if ran:
        break
print("callback ran:", bool(ran))
