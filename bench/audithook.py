# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Configuration 5 of bench/monitor.py: the in-process alternative to pyxcheck, a Python
sys.addaudithook logger that appends every audit event to a file, then runs the workload.

Usage: python3 -I audithook.py LOG SCRIPT [ARG...]   (runs SCRIPT with runpy as __main__)
       python3 -I audithook.py LOG -c CODE
       python3 -I audithook.py LOG -m MODULE [ARG...]
"""
import runpy
import sys

log = open(sys.argv[1], "a")


def hook(event, args, write=log.write):
    write(f"{event} {args!r}\n")


sys.addaudithook(hook)
if sys.argv[2] == "-c":
    code = sys.argv[3]
    sys.argv = ["-c"] + sys.argv[4:]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
elif sys.argv[2] == "-m":
    mod = sys.argv[3]
    sys.argv = [mod] + sys.argv[4:]
    runpy.run_module(mod, run_name="__main__", alter_sys=True)
else:
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")
