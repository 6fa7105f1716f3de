# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""An uncaught KeyboardInterrupt: the interpreter re-kills itself with SIGINT at exit (CPython
Modules/main.c, exit_sigint())."""
import sys

sys.argv[1]
raise KeyboardInterrupt
