# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""subprocess.Popen(..., preexec_fn=f) where f raises audit events of its own in the child before
it execs the program (CPython's test_subprocess test_preexec): os.putenv, an open."""
import os
import subprocess
import sys

root = sys.argv[1]


def child_setup():
    os.putenv("FRUIT", "apple")
    with open(os.path.join(root, "preexec.txt"), "w") as f:
        f.write("in the child")


out = subprocess.run([sys.executable, "-c", "import os; print(os.environ['FRUIT'])"],
                     preexec_fn=child_setup, stdout=subprocess.PIPE, check=True).stdout
assert out == b"apple\n", out
# a name looked up on PATH: the child tries each directory in turn
subprocess.run(["true"], preexec_fn=lambda: os.putenv("FRUIT", "pear"), check=True)
with open(os.path.join(root, "preexec.txt")) as f:
    assert f.read() == "in the child"
