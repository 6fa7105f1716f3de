# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A child Python started with a cleared environment and -I: no LD_PRELOAD, no hook."""
import subprocess

subprocess.run(["env", "-i", "/usr/bin/python3", "-I", "-c", "import os; os.getpid()"],
               check=True)
