# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Workload for tests/test_monitor_e2e.py, run as `python workload.py WORKDIR RECORD`.

It installs an in-process sys.addaudithook recorder that writes every event it sees, its
arguments rendered with the same scheme as pyxcheck's JSON (docs/json-schema.md), to RECORD, then
does file, directory, TCP, Unix socket, subprocess, os.system and import work inside WORKDIR.
Single-threaded and without DNS, so that the monitor, the recorder and strace see one order.
The recorder never raises and raises no audit event itself (os.write, json.dumps, no getattr
on hostile objects), so it does not change what it records.
"""
import json
import math
import os
import socket
import subprocess
import sys

HEAPTYPE = 1 << 9
CODE = type(compile("0", "<x>", "eval"))  # before the recorder: f.__code__ is an audit event


def type_name(t):
    # what the hook reads: tp_name, "module.Name" for static types outside builtins
    if t.__flags__ & HEAPTYPE or t.__module__ == "builtins":
        return t.__name__
    return t.__module__ + "." + t.__qualname__


def to_json(v):
    t = type(v)
    if v is None or t is bool or t is int or t is str:
        return v
    if t is float:
        if math.isfinite(v):
            return v
        return {"float": "nan" if v != v else ("inf" if v > 0 else "-inf")}
    if t is bytes:
        return {"bytes": v.decode("utf-8", "surrogateescape")}
    if t is bytearray:
        return {"bytearray": bytes(v).decode("utf-8", "surrogateescape")}
    if t is tuple or t is list:
        return [to_json(i) for i in v]
    if t is dict:
        if all(type(k) is str for k in v):
            return {k: to_json(x) for k, x in v.items()}
        return {"dict": [[to_json(k), to_json(x)] for k, x in v.items()]}
    attrs = {}
    if t is CODE:
        attrs = {"co_filename": v.co_filename, "co_name": v.co_name,
                 "co_firstlineno": v.co_firstlineno}
    elif isinstance(v, socket.socket):
        attrs = {"fd": v.fileno()}
    return {"object": type_name(t), "attrs": attrs}


def main():
    work, record = sys.argv[1], sys.argv[2]
    fd = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, (json.dumps({"pid": os.getpid()}) + "\n").encode())

    # Finalisation clears module dicts before the last events (cpython._PySys_ClearAuditHooks,
    # cpython.PyInterpreterState_Clear, which have no arguments): keep what the recorder needs
    # in its closure, and write argument-less events without json.
    dumps, write, convert = json.dumps, os.write, to_json

    def recorder(event, args):
        try:
            if args:
                line = dumps([event, [convert(a) for a in args]])
            else:
                line = '["' + event + '", []]'
        except Exception as e:  # never let the recorder veto an event
            line = '["recorder-error", "%s", "%s"]' % (event, type(e).__name__)
        write(fd, (line + "\n").encode())

    sys.addaudithook(recorder)

    # files and directories
    d = os.path.join(work, "d")
    os.mkdir(d)
    with open(os.path.join(d, "a.txt"), "w") as f:
        f.write("hello\n")
    with open(os.path.join(d, "a.txt")) as f:
        assert f.read() == "hello\n"
    os.listdir(d)
    os.rename(os.path.join(d, "a.txt"), os.path.join(d, "b.txt"))
    os.unlink(os.path.join(d, "b.txt"))
    try:
        open(os.path.join(d, "missing.txt"))
    except FileNotFoundError:
        pass
    os.rmdir(d)

    # loopback TCP: connect succeeds against the backlog, no thread needed
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    cli.sendall(b"ping")
    assert conn.recv(4) == b"ping"
    for s in (conn, cli, srv):
        s.close()

    # Unix socket
    path = os.path.join(work, "s.sock")
    usrv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    usrv.bind(path)
    usrv.listen(1)
    ucli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ucli.connect(path)
    uconn, _ = usrv.accept()
    for s in (uconn, ucli, usrv):
        s.close()
    os.unlink(path)

    # processes
    subprocess.run([sys.executable, "-c",
                    "open(%r, 'w').close()" % os.path.join(work, "child.txt")], check=True)
    assert os.system("echo hi > %s" % os.path.join(work, "sh.txt")) == 0

    # imports: a module of our own (written, compiled to __pycache__) and one from the stdlib
    with open(os.path.join(work, "pyxmod_e2e.py"), "w") as f:
        f.write("VALUE = 42\n")
    sys.path.insert(0, work)
    import pyxmod_e2e
    import colorsys  # noqa: F401

    assert pyxmod_e2e.VALUE == 42


if __name__ == "__main__":
    main()
