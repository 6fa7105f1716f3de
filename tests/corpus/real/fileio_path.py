# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""io.FileIO given a pathlib path: Modules/_io/fileio.c raises its 'open' event with the Path
object as given, after PyUnicode_FSConverter() called its __fspath__ (str(self), which caches the
string in the '_str' slot the hook reads). The write opens must be explained (docs/correlation.md).
"""
import _io
import io
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
io.FileIO(root / "a", "w").close()
_io.FileIO(pathlib.PurePosixPath(root, "b"), "w").close()
with io.FileIO(root / "a", "r") as f:
    f.read()
