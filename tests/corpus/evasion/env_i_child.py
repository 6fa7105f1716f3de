# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A child Python started with a cleared environment and -I: no LD_PRELOAD, no hook."""
import subprocess

# it lives long enough for the monitor to attach CPython's own python:audit probe to it
subprocess.run(["env", "-i", "/usr/bin/python3", "-I", "-c",
                "import time; time.sleep(1); import os; os.listdir('/')"], check=True)
