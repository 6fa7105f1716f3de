# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Import the test-built C extension (argv[1] holds cext_file*.so)."""
import sys

sys.path.insert(0, sys.argv[1])
import cext_file  # noqa: E402,F401
