# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""io_uring without liburing: a raw io_uring_setup + io_uring_enter ring (ctypes, no Python mmap)
that creates a file (OPENAT), connects to a loopback listener (CONNECT), sends on that socket
(SEND) and removes the file (UNLINKAT). None of these syscalls is made, so syscall tracepoints
never see them, and Python raises no audit event for any of them.

usage: iouring_ops.py WORKDIR [--audited | --skip-cqe] [--fileops]
--audited does the same four things with Python's audited API instead (open, socket.connect,
socket.send, os.unlink): the control case, which must give no alarm.
--skip-cqe submits the UNLINKAT with IOSQE_CQE_SKIP_SUCCESS: a success posts no completion.
--fileops does other file operations instead: MKDIRAT, RENAMEAT, LINKAT, SYMLINKAT (with
--audited: os.mkdir, os.rename, os.link, os.symlink).
--attrops sets two xattrs and cuts a file: SETXATTR, FSETXATTR, FTRUNCATE (with --audited:
os.setxattr of the path and of the fd, os.ftruncate).
--netops makes a listening socket: SOCKET, BIND, LISTEN (with --audited: socket.socket,
socket.bind, socket.listen).
Prints one JSON line: the thread id, the file path, the listener's port and each result.
"""
import ctypes
import json
import os
import socket
import struct
import sys
import threading
import time

NR_IO_URING_SETUP, NR_IO_URING_ENTER = 425, 426
IORING_OP_CONNECT, IORING_OP_OPENAT, IORING_OP_SEND, IORING_OP_UNLINKAT = 16, 18, 26, 36
IORING_OP_RENAMEAT, IORING_OP_MKDIRAT, IORING_OP_SYMLINKAT, IORING_OP_LINKAT = 35, 37, 38, 39
IORING_OP_FSETXATTR, IORING_OP_SETXATTR, IORING_OP_SOCKET = 41, 42, 45
IORING_OP_FTRUNCATE, IORING_OP_BIND, IORING_OP_LISTEN = 55, 56, 57
IORING_OFF_SQ_RING, IORING_OFF_CQ_RING, IORING_OFF_SQES = 0, 0x8000000, 0x10000000
IORING_ENTER_GETEVENTS = 1
IOSQE_CQE_SKIP_SUCCESS = 1 << 6
AT_FDCWD = -100


class SqOff(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint32) for n in ("head", "tail", "ring_mask", "ring_entries",
                                                "flags", "dropped", "array", "resv1")] + \
               [("user_addr", ctypes.c_uint64)]


class CqOff(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint32) for n in ("head", "tail", "ring_mask", "ring_entries",
                                                "overflow", "cqes", "flags", "resv1")] + \
               [("user_addr", ctypes.c_uint64)]


class Params(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint32) for n in ("sq_entries", "cq_entries", "flags",
                                                "sq_thread_cpu", "sq_thread_idle", "features",
                                                "wq_fd")] + \
               [("resv", ctypes.c_uint32 * 3), ("sq_off", SqOff), ("cq_off", CqOff)]


class Sqe(ctypes.Structure):
    _fields_ = [("opcode", ctypes.c_uint8), ("flags", ctypes.c_uint8), ("ioprio", ctypes.c_uint16),
                ("fd", ctypes.c_int32), ("off", ctypes.c_uint64), ("addr", ctypes.c_uint64),
                ("len", ctypes.c_uint32), ("op_flags", ctypes.c_uint32),
                ("user_data", ctypes.c_uint64), ("buf_index", ctypes.c_uint16),
                ("personality", ctypes.c_uint16), ("file_index", ctypes.c_int32),
                ("addr3", ctypes.c_uint64), ("pad2", ctypes.c_uint64)]


assert ctypes.sizeof(Params) == 120 and ctypes.sizeof(Sqe) == 64

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_long]


class Ring:
    def __init__(self):
        self.p = Params()
        self.fd = libc.syscall(NR_IO_URING_SETUP, 8, ctypes.byref(self.p))
        assert self.fd >= 0, os.strerror(ctypes.get_errno())
        p = self.p
        sq_len = p.sq_off.array + p.sq_entries * 4
        cq_len = p.cq_off.cqes + p.cq_entries * 16
        self.sq = self._map(sq_len, IORING_OFF_SQ_RING)
        self.cq = self._map(cq_len, IORING_OFF_CQ_RING)
        self.sqes = self._map(p.sq_entries * 64, IORING_OFF_SQES)

    def _map(self, length, off):
        addr = libc.mmap(None, length, 3, 0x8001, self.fd, off)  # RW, MAP_SHARED|MAP_POPULATE
        assert addr not in (None, ctypes.c_void_p(-1).value), os.strerror(ctypes.get_errno())
        return addr

    def _u32(self, base, off):
        return ctypes.c_uint32.from_address(base + off)

    def run(self, wait=True, **fields):
        """Submit one SQE and wait for its CQE; returns res (None when not waiting)."""
        o = self.p.sq_off
        tail = self._u32(self.sq, o.tail).value
        idx = tail & self._u32(self.sq, o.ring_mask).value
        sqe = Sqe.from_address(self.sqes + idx * 64)
        ctypes.memset(ctypes.addressof(sqe), 0, 64)
        for k, v in fields.items():
            setattr(sqe, k, v)
        self._u32(self.sq, o.array + idx * 4).value = idx
        self._u32(self.sq, o.tail).value = tail + 1
        n = libc.syscall(NR_IO_URING_ENTER, self.fd, 1, int(wait),
                         IORING_ENTER_GETEVENTS if wait else 0, None, 0)
        assert n == 1, os.strerror(ctypes.get_errno())
        if not wait:
            return None
        c = self.p.cq_off
        head = self._u32(self.cq, c.head).value
        assert head != self._u32(self.cq, c.tail).value
        cqe = self.cq + c.cqes + (head & self._u32(self.cq, c.ring_mask).value) * 16
        res = ctypes.c_int32.from_address(cqe + 8).value
        self._u32(self.cq, c.head).value = head + 1
        return res


def fileops(work, audited):
    d = os.path.join(work, "uring_dir")
    src = os.path.join(work, "uring_src.txt")
    moved = os.path.join(d, "moved.txt")
    hard = os.path.join(d, "hard.txt")
    sym = os.path.join(d, "sym")
    with open(src, "w") as f:  # audited: not what is tested
        f.write("x")
    out = {"tid": threading.get_native_id(), "dir": d, "src": src, "moved": moved, "hard": hard,
           "sym": sym}
    if audited:
        os.mkdir(d, 0o700)
        os.rename(src, moved)
        os.link(moved, hard)
        os.symlink("moved.txt", sym)
        out.update(mkdirat=0, renameat=0, linkat=0, symlinkat=0)
    else:
        ring = Ring()
        bufs = {p: ctypes.create_string_buffer(p.encode()) for p in (d, src, moved, hard, sym)}
        target = ctypes.create_string_buffer(b"moved.txt")

        def a(p):
            return ctypes.addressof(bufs[p])
        out["mkdirat"] = ring.run(opcode=IORING_OP_MKDIRAT, fd=AT_FDCWD, addr=a(d), len=0o700)
        # RENAMEAT and LINKAT: sqe->fd the old dfd, addr the old path, addr2 (off) the new path,
        # len the new dfd
        out["renameat"] = ring.run(opcode=IORING_OP_RENAMEAT, fd=AT_FDCWD, addr=a(src),
                                   off=a(moved), len=AT_FDCWD & 0xffffffff)
        out["linkat"] = ring.run(opcode=IORING_OP_LINKAT, fd=AT_FDCWD, addr=a(moved),
                                 off=a(hard), len=AT_FDCWD & 0xffffffff)
        # SYMLINKAT: addr the target text, addr2 the link, fd its dfd
        out["symlinkat"] = ring.run(opcode=IORING_OP_SYMLINKAT, fd=AT_FDCWD,
                                    addr=ctypes.addressof(target), off=a(sym))
        out["ring_fd"] = ring.fd
    assert os.readlink(sym) == "moved.txt" and os.path.samefile(moved, hard), out
    for p in (sym, hard, moved):
        os.unlink(p)
    os.rmdir(d)
    print(json.dumps(out))


def attrops(work, audited):
    path = os.path.join(work, "uring_attr.txt")
    with open(path, "w") as f:  # audited: not what is tested
        f.write("0123456789")
    fd = os.open(path, os.O_RDWR)  # audited too
    out = {"tid": threading.get_native_id(), "path": path, "fd": fd}
    if audited:
        os.setxattr(path, "user.pyx_path", b"by path")
        os.setxattr(fd, "user.pyx_fd", b"by fd")
        os.ftruncate(fd, 3)
        out.update(setxattr=0, fsetxattr=0, ftruncate=0)
    else:
        ring = Ring()
        cpath = ctypes.create_string_buffer(path.encode())
        names = [ctypes.create_string_buffer(n) for n in (b"user.pyx_path", b"user.pyx_fd")]
        values = [ctypes.create_string_buffer(v, len(v)) for v in (b"by path", b"by fd")]
        # SETXATTR: addr the name, addr2 (off) the value, len its size, addr3 the path,
        # op_flags the XATTR_* flags; FSETXATTR the same on sqe->fd, without addr3
        out["setxattr"] = ring.run(opcode=IORING_OP_SETXATTR, addr=ctypes.addressof(names[0]),
                                   off=ctypes.addressof(values[0]), len=7,
                                   addr3=ctypes.addressof(cpath))
        out["fsetxattr"] = ring.run(opcode=IORING_OP_FSETXATTR, fd=fd,
                                    addr=ctypes.addressof(names[1]),
                                    off=ctypes.addressof(values[1]), len=5)
        # FTRUNCATE: the length in sqe->off
        out["ftruncate"] = ring.run(opcode=IORING_OP_FTRUNCATE, fd=fd, off=3)
        out["ring_fd"] = ring.fd
        out["values"] = [ctypes.addressof(v) for v in values]
    assert os.getxattr(path, "user.pyx_path") == b"by path", out
    assert os.getxattr(path, "user.pyx_fd") == b"by fd", out
    assert os.path.getsize(path) == 3, out
    os.close(fd)
    os.unlink(path)
    print(json.dumps(out))


def netops(audited):
    out = {"tid": threading.get_native_id()}
    if audited:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(4)
        out.update(socket=s.fileno(), bind=0, listen=0)
        fd = s.fileno()
    else:
        ring = Ring()
        # SOCKET: the domain in sqe->fd, the type in sqe->off, the protocol in sqe->len
        fd = ring.run(opcode=IORING_OP_SOCKET, fd=socket.AF_INET,
                      off=socket.SOCK_STREAM | socket.SOCK_CLOEXEC, len=0)
        assert fd >= 0, os.strerror(-fd)
        out["socket"] = fd
        sa = ctypes.create_string_buffer(struct.pack("=HH4s8x", socket.AF_INET, 0,
                                                     socket.inet_aton("127.0.0.1")), 16)
        # BIND: the sockaddr in addr, its length in addr2 (off)
        out["bind"] = ring.run(opcode=IORING_OP_BIND, fd=fd, addr=ctypes.addressof(sa), off=16)
        # LISTEN: the backlog in sqe->len
        out["listen"] = ring.run(opcode=IORING_OP_LISTEN, fd=fd, len=4)
        out["ring_fd"] = ring.fd
    # where it listens, by a call that is neither traced nor audited
    name = ctypes.create_string_buffer(16)
    size = ctypes.c_uint32(16)
    assert libc.getsockname(fd, name, ctypes.byref(size)) == 0
    out["port"] = struct.unpack("!H", name.raw[2:4])[0]
    with socket.create_connection(("127.0.0.1", out["port"])):  # audited: it listens
        pass
    print(json.dumps(out))


work = sys.argv[1]
audited = "--audited" in sys.argv
skip_cqe = "--skip-cqe" in sys.argv
if "--fileops" in sys.argv:
    fileops(work, audited)
    sys.exit(0)
if "--attrops" in sys.argv:
    attrops(work, audited)
    sys.exit(0)
if "--netops" in sys.argv:
    netops(audited)
    sys.exit(0)
path = os.path.join(work, "uring_dropped.txt")
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]
cli = socket.socket()
out = {"tid": threading.get_native_id(), "path": path, "port": port, "fd": cli.fileno()}
payload = b"exfiltrated"

if audited:
    with open(path, "w") as f:
        out["openat"] = f.fileno()
    cli.connect(("127.0.0.1", port))
    out["connect"] = 0
    out["send"] = cli.send(payload)
    os.unlink(path)
    out["unlinkat"] = 0
else:
    ring = Ring()
    cpath = ctypes.create_string_buffer(path.encode())
    fd = ring.run(opcode=IORING_OP_OPENAT, fd=AT_FDCWD, addr=ctypes.addressof(cpath),
                  len=0o600, op_flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    assert fd >= 0, os.strerror(-fd)
    out["openat"] = fd
    sa = ctypes.create_string_buffer(struct.pack("=HH4s8x", socket.AF_INET, socket.htons(port),
                                                 socket.inet_aton("127.0.0.1")), 16)
    out["connect"] = ring.run(opcode=IORING_OP_CONNECT, fd=cli.fileno(),
                              addr=ctypes.addressof(sa), off=16)
    buf = ctypes.create_string_buffer(payload, len(payload))
    out["send"] = ring.run(opcode=IORING_OP_SEND, fd=cli.fileno(), addr=ctypes.addressof(buf),
                           len=len(payload))
    out["unlinkat"] = ring.run(not skip_cqe, opcode=IORING_OP_UNLINKAT, fd=AT_FDCWD,
                               addr=ctypes.addressof(cpath),
                               flags=IOSQE_CQE_SKIP_SUCCESS if skip_cqe else 0)
    out["ring_fd"] = ring.fd
    os.close(fd)
# a request that posts no completion may still run in an io-wq worker: give it time
for _ in range(1000):
    if not os.path.exists(path):
        break
    time.sleep(0.01)
conn, _ = srv.accept()
assert conn.recv(100) == payload
assert not os.path.exists(path)
print(json.dumps(out))
