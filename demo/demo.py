# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The bundled demo workload: a little of everything pyxcheck watches.

Opens, writes, renames and removes a file; connects over loopback TCP; starts a subprocess;
imports modules; raises an application event. Runs on any CPython 3.8+, needs no privileges.
"""
import os
import socket
import subprocess
import sys
import tempfile


def main():
    with tempfile.TemporaryDirectory(prefix="pyxdemo-") as d:
        path = os.path.join(d, "notes.txt")
        with open(path, "w") as f:
            f.write("hello from the pyxcheck demo\n")
        os.rename(path, path + ".old")
        os.remove(path + ".old")

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    conn, _ = server.accept()
    client.sendall(b"ping")
    conn.recv(4)
    for s in (conn, client, server):
        s.close()

    subprocess.run(["/bin/echo", "child process says hi"], check=True)

    import json, decimal  # noqa: E401,F401  (modules this interpreter has not loaded yet)
    sys.audit("app.login", "alice", {"mfa": True})
    print("demo: done")


if __name__ == "__main__":
    main()
