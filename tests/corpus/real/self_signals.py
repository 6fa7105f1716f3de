# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Signals a Python sends itself with no audit event (glibc raise(): tgkill(own pid, tid, sig)):
signal.raise_signal() with a handler, from the main thread and from another thread; children
that crash on purpose: os.abort(), faulthandler._sigsegv() (with and without faulthandler
enabled: its handler re-raises the signal), _sigabrt() and _fatal_error_c_thread() (Py_FatalError
in a C thread), each after faulthandler's own prlimit64(0, RLIMIT_CORE, {0, max}) (CPython
Modules/faulthandler.c faulthandler_suppress_crash_report())."""
import signal
import subprocess
import sys
import threading

root = sys.argv[1]
got = []
signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
signal.raise_signal(signal.SIGUSR1)
t = threading.Thread(target=signal.raise_signal, args=(signal.SIGUSR1,))
t.start()
t.join()
signal.signal(signal.SIGALRM, lambda signum, frame: got.append(signum))
signal.raise_signal(signal.SIGALRM)
assert got == [signal.SIGUSR1, signal.SIGUSR1, signal.SIGALRM], got

# no core file from the children: the limit set under resource.setrlimit's audit event
ABORT = ("import os, resource; hard = resource.getrlimit(resource.RLIMIT_CORE)[1]; "
         "resource.setrlimit(resource.RLIMIT_CORE, (0, hard)); os.abort()")
CHILDREN = [
    ([ABORT], -signal.SIGABRT),
    (["import faulthandler; faulthandler._sigsegv()"], -signal.SIGSEGV),
    (["-X", "faulthandler", "-c", "import faulthandler; faulthandler._sigsegv()"],
     -signal.SIGSEGV),
    (["import faulthandler; faulthandler._sigabrt()"], -signal.SIGABRT),
    (["import faulthandler; faulthandler._fatal_error_c_thread()"], -signal.SIGABRT),
]
for args, want in CHILDREN:
    cmd = [sys.executable] + (args if args[0] == "-X" else ["-c"] + args)
    r = subprocess.run(cmd, cwd=root, capture_output=True)
    assert r.returncode == want, (cmd, r.returncode, r.stderr)
