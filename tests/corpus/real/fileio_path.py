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
# yet, and the hook reads its parts (3.8-3.11) or joins and parses its pieces (3.12+, where a
# path made of several is not parsed until something asks: Path(d) / "prog", Path(a, b),
# joinpath())
import subprocess  # noqa: E402

exe = pathlib.Path(sys.executable)
subprocess.run([exe, "-c", "pass"], check=True)
subprocess.run([sys.executable, "-c", "pass"], executable=pathlib.PurePosixPath(sys.executable),
               check=True)
# (cwd= keeps 3.13 from os.posix_spawn, whose own event comes after the str is made: the Popen
# event alone must explain the exec, as on 3.12)
d, name = str(exe.parent), exe.name
subprocess.run([pathlib.Path(d) / name, "-c", "pass"], check=True)
subprocess.run([pathlib.Path(d) / name, "-c", "pass"], cwd=d, check=True)
subprocess.run([pathlib.Path(d + "//", ".", name + "/"), "-c", "pass"], cwd=d, check=True)
subprocess.run([pathlib.PurePosixPath("rel", "x").joinpath(d, name), "-c", "pass"], cwd=d,
               check=True)
subprocess.run([sys.executable, "-c", "pass"], executable=pathlib.Path(d) / "." / name, cwd=d,
               check=True)
