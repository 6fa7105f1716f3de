# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""python3 -m venv --without-pip."""
import os
import subprocess
import sys

subprocess.run([sys.executable, "-m", "venv", "--without-pip", os.path.join(sys.argv[1], "env")],
               check=True)
