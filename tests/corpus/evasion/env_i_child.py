# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A child Python started with a cleared environment and -I: no LD_PRELOAD, no hook."""
import subprocess

# it raises events for a while, so that the monitor attaches CPython's own python:audit probe in
# time to see some, however busy the machine: the kernel serialises uprobe attaches with every
# other tracer's attach and detach, and a CI run's parallel monitors kept it waiting over 3 s
CHILD = "import os, time\nfor i in range(80):\n    time.sleep(0.1)\n    os.listdir('/')\n"
subprocess.run(["env", "-i", "/usr/bin/python3", "-I", "-c", CHILD], check=True)
