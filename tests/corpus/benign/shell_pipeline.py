# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Shell pipelines through subprocess and os.system."""
import os
import subprocess
import sys

out = subprocess.run("echo hello | tr a-z A-Z | wc -c", shell=True, capture_output=True,
                     text=True, check=True).stdout
assert out.strip() == "6"
out = subprocess.check_output(["sort"], input=b"b\na\n")
assert out == b"a\nb\n"
assert os.system("true") == 0
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
assert p.communicate(b"x")[0] == b"x"
