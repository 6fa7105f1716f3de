# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Time of check, time of use: one thread opens a FIFO for writing through ctypes, which blocks
until a reader comes; meanwhile a second thread rewrites the path buffer to a decoy, then opens
the FIFO for reading to let the first one go. Read at exit, the record would show the decoy.
Usage: toctou_open.py WORKDIR [norace], with the FIFO WORKDIR/fifo made beforehand (CPython
audits no mkfifo). norace: the same without the rewrite. Writes WORKDIR/who.json (the opener)."""
import ctypes
import json
import os
import sys
import threading
import time

work = sys.argv[1]
fifo = os.path.join(work, "fifo")
decoy = os.path.join(work, "decoy.txt")
race = sys.argv[2:] != ["norace"]
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(fifo.encode(), 4096)
who = {}


def opener():
    who["tid"] = threading.get_native_id()
    fd = libc.open(buf, os.O_WRONLY)
    assert fd >= 0, ctypes.get_errno()
    os.close(fd)


t = threading.Thread(target=opener)
t.start()
time.sleep(1.0)  # the opener is blocked inside open(2) by now
if race:
    ctypes.memmove(buf, decoy.encode() + b"\0", len(decoy) + 1)
r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
t.join()
os.close(r)
who["pid"] = os.getpid()
with open(os.path.join(work, "who.json"), "w") as f:
    json.dump(who, f)
