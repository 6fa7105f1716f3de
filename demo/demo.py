# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The `make demo` workload: `build/pyxcheck -- /usr/bin/python3 demo/demo.py`.

A few ordinary things a Python program does, each visible twice in pyxcheck's timeline: as the
audit event Python raises (A) and as the syscalls the kernel saw (S).
"""
import os
import socket
import subprocess
import sys
import tempfile

print("demo: importing modules")
import json  # noqa: E402
import colorsys  # noqa: E402,F401

with tempfile.TemporaryDirectory(prefix="pyxcheck-demo-") as d:
    path = os.path.join(d, "hello.txt")
    print("demo: writing", path)
    with open(path, "w") as f:
        json.dump({"hello": "world"}, f)
    os.rename(path, path + ".bak")
    print("demo: removing it")
    os.remove(path + ".bak")

print("demo: connecting over loopback TCP")
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.create_connection(srv.getsockname(), timeout=5)
conn, _ = srv.accept()
cli.sendall(b"ping")
conn.recv(4)
for s in (conn, cli, srv):
    s.close()

print("demo: starting a subprocess")
subprocess.run(["uname", "-sr"], check=True)
subprocess.run([sys.executable, "-c", "print('demo: hello from a child python')"], check=True)
print("demo: done")
