# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A clone3 child that must not pass for a thread (review 13, finding 1).

clone3(CLONE_PIDFD) whose pidfd pointer aims 2 bytes into its own clone_args.flags: the kernel
writes the new pidfd number there in copy_process(), after it copied clone_args and before
sched_process_fork. Re-read from user memory at the fork, an odd pidfd number sets bit 16,
CLONE_THREAD: the child was taken for a thread and never joined the monitored set. It then
killed a process with pidfd_send_signal (no audit event) unseen. Usage: clone3_pidfd_flags.py
WORKDIR; writes WORKDIR/who.json with the child's and the victim's pids."""
import ctypes
import json
import os
import signal
import subprocess
import sys

work = sys.argv[1]
victim = subprocess.Popen(["sleep", "30"])
pfd = os.pidfd_open(victim.pid)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
nxt = os.dup(0)
os.close(nxt)
if nxt % 2 == 0:
    keep = os.dup(0)  # the pidfd number must be odd: bit 16 once shifted


class CloneArgs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in
                ("flags", "pidfd", "child_tid", "parent_tid", "exit_signal", "stack",
                 "stack_size", "tls")]


a = CloneArgs()
a.flags = 0x1000  # CLONE_PIDFD: a plain fork otherwise
a.exit_signal = signal.SIGCHLD
a.pidfd = ctypes.addressof(a) + 2  # the pidfd number lands in flags bits 16..47
r = libc.syscall(435, ctypes.byref(a), ctypes.c_size_t(64))
if r == 0:
    libc.syscall(424, pfd, signal.SIGKILL, None, 0)  # pidfd_send_signal, natively
    os._exit(0)
assert r > 0, ctypes.get_errno()
assert os.waitpid(r, 0)[1] == 0
assert victim.wait() == -signal.SIGKILL
with open(os.path.join(work, "who.json"), "w") as f:
    json.dump({"pid": os.getpid(), "child": r, "victim": victim.pid}, f)
