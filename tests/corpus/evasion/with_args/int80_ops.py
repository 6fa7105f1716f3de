# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""32-bit syscalls (int $0x80) from a 64-bit Python, through int80.so (int80.c), in order:

  open     create WORKDIR/i80.txt for writing        chmod    chmod it 0600
  unlink   remove it                                 connect  connect to a loopback listener
  kill     SIGTERM a sleeping child                  execve   a forked child execs /bin/true

usage: int80_ops.py WORKDIR OP[,OP...] LIB [--audited]
--audited does the same with Python's audited API (os.open, os.chmod, os.unlink, socket.connect,
os.kill, os.execv): the control case. Prints one JSON line: tid, path, and per op its result
(and the port of connect, the child's pid of kill and execve).
"""
import ctypes
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

work, ops, lib = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
audited = "--audited" in sys.argv
i80 = None if audited else ctypes.CDLL(lib)
if i80:
    for f in ("i80_open", "i80_unlink", "i80_chmod", "i80_kill", "i80_connect", "i80_execve"):
        getattr(i80, f).restype = ctypes.c_long
path = os.path.join(work, "i80.txt")
out = {"tid": threading.get_native_id(), "path": path}


def do_open():
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600) if audited else i80.i80_open(path.encode(), flags, 0o600)
    assert fd >= 0, fd
    os.close(fd)
    return fd


def do_chmod():
    if audited:
        os.chmod(path, 0o640)
        return 0
    return i80.i80_chmod(path.encode(), 0o640)


def do_unlink():
    if audited:
        os.unlink(path)
        return 0
    return i80.i80_unlink(path.encode())


def do_connect():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    out["port"] = port = srv.getsockname()[1]
    cli = socket.socket()
    if audited:
        cli.connect(("127.0.0.1", port))
        r = 0
    else:
        sa = struct.pack("=HH4s8x", socket.AF_INET, socket.htons(port),
                         socket.inet_aton("127.0.0.1"))
        r = i80.i80_connect(cli.fileno(), sa, len(sa))
    srv.accept()
    return r


def do_kill():
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    out["kill_pid"] = pid
    if audited:
        os.kill(pid, signal.SIGTERM)
        r = 0
    else:
        r = i80.i80_kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    return r


def do_execve():
    pid = os.fork()
    if pid == 0:
        try:
            if audited:
                os.execv("/bin/true", ["true"])
            else:
                i80.i80_execve(b"/bin/true", b"true")
        finally:
            os._exit(99)
    out["execve_pid"] = pid
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


for op in ops:
    out[op] = globals()["do_" + op]()
    assert out[op] >= 0, (op, out[op])
    if op == "execve":
        assert out[op] == 0, out
assert not os.path.exists(path) or "unlink" not in ops
if "chmod" in ops and "unlink" not in ops:
    assert os.stat(path).st_mode & 0o777 == 0o640
print(json.dumps(out))
