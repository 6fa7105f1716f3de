# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A small pytest suite run in-process: tmp_path, capsys, subprocess, sockets (pytest's capture
truncates its temporary files between tests)."""
import os
import sys

import pytest

root = sys.argv[1]
suite = os.path.join(root, "test_small.py")
with open(suite, "w") as f:
    f.write('''
import socket
import subprocess
import sys


def test_tmp_path(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("hello")
    assert p.read_text() == "hello"


def test_capsys(capsys):
    print("out")
    print("err", file=sys.stderr)
    assert capsys.readouterr() == ("out\\n", "err\\n")


def test_subprocess():
    r = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
    assert r.stdout == "42\\n"


def test_socket():
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        with socket.create_connection(srv.getsockname()) as c:
            a, _ = srv.accept()
            c.sendall(b"x")
            assert a.recv(1) == b"x"
            a.close()
''')
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "--basetemp", os.path.join(root, "bt"),
                      suite]))
