# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Bytes-like paths (CPython's test_os test_bytes_like / test_oserror_filename): os.listdir and
os.scandir of a bytearray or a memoryview, which posixmodule.c path_converter() takes (with a
DeprecationWarning) and raises its audit event with the object as given."""
import os
import sys
import warnings

root = sys.argv[1].encode()
os.mkdir(os.path.join(root, b"d"))
open(os.path.join(root, b"d", b"f"), "w").close()
d = os.path.join(root, b"d")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    for path in (bytearray(d), memoryview(d)):
        try:
            assert os.listdir(path) == [b"f"]
        except TypeError:  # 3.12 and later refuse a bytes-like path other than bytes
            continue
        with os.scandir(path) as it:
            assert [e.name for e in it] == [b"f"]
