# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Python children killed right after their start, as CPython's test_subprocess and test_asyncio
do (Popen(...).kill(), terminate(), a timeout of 0.0001 s, asyncio's transport closed at once):
killed before the hook's first event, doing nothing but what the dynamic loader does, they are no
blind spot (docs/correlation.md, "Blind spots")."""
import signal
import subprocess
import sys

sys.argv[1]  # the work directory, unused
for how in ("kill", "terminate", "send_signal", "timeout"):
    for _ in range(4):
        argv = [sys.executable, "-c", "import time; time.sleep(60)"]
        if how == "timeout":
            try:
                subprocess.run(argv, timeout=0.0001)
            except subprocess.TimeoutExpired:
                pass
            continue
        p = subprocess.Popen(argv)
        if how == "send_signal":
            p.send_signal(signal.SIGHUP)
        else:
            getattr(p, how)()
        p.wait()
