# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Look-alikes of a signal a process sends itself and of faulthandler's RLIMIT_CORE (the
self_signal and core_off rules), made through ctypes: each differs from the explained shape in one
point (another process, another resource, a soft limit above 0, the old limit asked for, kill
rather than tgkill) and must stay unaudited; the two explained shapes themselves, last, must not.
Writes WORKDIR/who.json."""
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading

root = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
sc = libc.syscall
sc.restype = ctypes.c_long
SYS_tgkill, SYS_prlimit64 = 234, 302
RLIMIT_CORE, RLIMIT_MSGQUEUE = 4, 12


class Rlimit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_uint64), ("max", ctypes.c_uint64)]


def prlimit(pid, res, cur, old=None):
    hard = resource.getrlimit(res)[1]
    new = Rlimit(cur, hard if hard >= 0 else 2**64 - 1)
    r = sc(SYS_prlimit64, pid, res, ctypes.byref(new), ctypes.byref(old) if old else None)
    assert r == 0, ctypes.get_errno()


signal.signal(signal.SIGURG, lambda *a: None)
child = subprocess.Popen(["sleep", "60"])
me, tid = os.getpid(), threading.get_native_id()
# 1. tgkill of another process (the child), and with the caller's own tid: the tgid decides
assert sc(SYS_tgkill, child.pid, child.pid, signal.SIGURG) == 0
sc(SYS_tgkill, child.pid, tid, signal.SIGURG)  # ESRCH: tid is not the child's
# 2. kill of another process, and kill of itself (only exit_sigint's kill is explained)
assert libc.kill(child.pid, signal.SIGURG) == 0
assert libc.kill(me, signal.SIGURG) == 0
# 3. RLIMIT_CORE soft limit 0 of another process
prlimit(child.pid, RLIMIT_CORE, 0)
# 4. of itself, a soft limit above 0; another resource at 0; the old limit asked for
prlimit(0, RLIMIT_CORE, 4096)
prlimit(0, RLIMIT_MSGQUEUE, 0)
prlimit(0, RLIMIT_CORE, 0, Rlimit())
# 5. controls, explained: the rules are live in this very process (its exec was seen)
assert sc(SYS_tgkill, me, tid, signal.SIGURG) == 0
prlimit(0, RLIMIT_CORE, 0)
child.kill()
child.wait()
with open(os.path.join(root, "who.json"), "w") as f:
    json.dump({"pid": me, "tid": tid, "child": child.pid}, f)
