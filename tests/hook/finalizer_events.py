# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Audit events raised by finalizers are emitted (review 14). A collection started by an object
the hook makes (3.11's frame object) runs __del__ inside the hook, whose busy flag drops their
events while their syscalls happen. Usage: finalizer_events.py BUILD DIR; switches the traced
path on by writing the semaphores (no BPF needed) and prints how many events were raised and
emitted."""
import ctypes
import gc
import itertools
import os
import sys
import tempfile

BUILD, DIR = sys.argv[1], sys.argv[2]
sys.path.insert(0, BUILD)
import pyxcheck  # noqa: E402

lib = ctypes.CDLL(os.path.join(BUILD, "libpyxcheck.so"))
sems = (ctypes.c_uint16 * 16).in_dll(lib, "pyxcheck_semaphores")
cnt = itertools.count()
sys.addaudithook(lambda e, a: next(cnt))


class Tmp:
    def __init__(self):
        fd, self.name = tempfile.mkstemp(dir=DIR)
        os.close(fd)
        self.me = self  # a cycle: freed by the collector only

    def __del__(self):
        os.remove(self.name)  # an audit event, raised wherever the collector runs


def one():
    Tmp()
    keep = [[] for _ in range(200)]  # noqa: F841 (drain the list free list)
    gc.set_threshold(1)
    sys.audit("app.plain", "x")
    gc.set_threshold(700)


for i in range(8):
    sems[i] = 0x4000
e0, c0 = pyxcheck.events_emitted(), next(cnt)
for i in range(50):
    one()
gc.collect()
e1, c1 = pyxcheck.events_emitted(), next(cnt)
for i in range(8):
    sems[i] = 0
print("raised", c1 - c0 - 1, "emitted", e1 - e0)
