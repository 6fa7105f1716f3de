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

# subprocess.Popen([path]) raises its event before os.fsencode(): the Path's str is not cached
# yet, and the hook reads its parts (3.8-3.11) or its one raw path (3.12+)
import subprocess  # noqa: E402

exe = pathlib.Path(sys.executable)
subprocess.run([exe, "-c", "pass"], check=True)
subprocess.run([sys.executable, "-c", "pass"], executable=pathlib.PurePosixPath(sys.executable),
               check=True)
