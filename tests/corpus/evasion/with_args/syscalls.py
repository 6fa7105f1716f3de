# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Syscalls that do what an audited operation does by another door (issue 8, item 4), called
through ctypes so that no audit event explains them; or, with "audited", the Python API that does
the same and is audited. Usage: syscalls.py WORKDIR TECHNIQUE [audited]. Writes WORKDIR/who.json
with the acting thread (and the child, for ptrace) for the test to check the record against."""
import ctypes
import json
import mmap
import os
import signal
import socket
import struct
import sys
import threading
import time

work, tech = sys.argv[1], sys.argv[2]
audited = sys.argv[3:] == ["audited"]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_long]
libc.shmat.restype = ctypes.c_void_p
AT_FDCWD = -100
SIGURG = int(signal.SIGURG)  # ignored by default: harmless to send to ourselves
who = {"pid": os.getpid(), "tid": threading.get_native_id()}


def sc(nr, *args):
    return libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a
                                             for a in args])


def path(name):
    return os.path.join(work, name)


def siginfo(sig):
    # si_signo, si_errno, si_code = SI_QUEUE (-1): what sigqueue(3) sends
    return ctypes.create_string_buffer(struct.pack("<iii", sig, 0, -1), 128)


def sockaddr_in(port):
    return struct.pack("<H", socket.AF_INET) + struct.pack(">H", port) + bytes([127, 0, 0, 1]) \
        + bytes(8)


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


class mmsghdr(ctypes.Structure):
    _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]


def udp_pair():
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    return rx, tx, rx.getsockname()[1]


def msg_to(port, payload):
    name = ctypes.create_string_buffer(sockaddr_in(port), 16)
    data = ctypes.create_string_buffer(payload, len(payload))
    iov = iovec(ctypes.cast(data, ctypes.c_void_p), len(payload))
    m = msghdr(ctypes.cast(name, ctypes.c_void_p), 16, ctypes.pointer(iov), 1, None, 0, 0)
    return m, (name, data, iov)


if tech == "fchmodat2":
    p = path("f")
    open(p, "w").close()
    if audited:
        os.chmod(p, 0o600)
    else:
        assert sc(452, AT_FDCWD, p.encode(), 0o600, 0) == 0
elif tech == "open_by_handle_at":
    p = path("f")
    open(p, "w").close()
    # struct file_handle: handle_bytes, handle_type, f_handle[MAX_HANDLE_SZ]
    fh = ctypes.create_string_buffer(struct.pack("<Ii", 128, 0), 8 + 128)
    mnt = ctypes.c_int()
    assert sc(303, AT_FDCWD, p.encode(), fh, ctypes.byref(mnt), 0) == 0, ctypes.get_errno()
    mfd = os.open(work, os.O_RDONLY | os.O_DIRECTORY)
    fd = sc(304, mfd, fh, os.O_WRONLY)
    assert fd >= 0, ctypes.get_errno()
    os.write(fd, b"x")
    os.close(fd)
    who["handle"] = fh.raw[:8 + 8].hex()
elif tech == "pkey_mprotect":
    if audited:
        # an executable map of a file: mmap.__new__ explains no anonymous one (its event carries
        # no prot, docs/correlation.md "Loaders' maps")
        with open(path("code"), "wb") as f:
            f.write(b"\xc3" * 4096)
        with open(path("code"), "rb") as f:
            m = mmap.mmap(f.fileno(), 4096, flags=mmap.MAP_PRIVATE,
                          prot=mmap.PROT_READ | mmap.PROT_EXEC)
        m.close()
    else:
        a = libc.mmap(None, 4096, mmap.PROT_READ | mmap.PROT_WRITE,
                      mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, -1, 0)
        assert sc(329, a, 4096, mmap.PROT_READ | mmap.PROT_EXEC, -1) == 0, ctypes.get_errno()
        who["addr"] = a
elif tech == "personality":
    old = sc(135, 0xffffffff)
    sc(135, old | 0x0400000)
    sc(135, old)
elif tech == "shmat":
    sid = libc.shmget(0, 4096, 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT
    assert sid >= 0
    a = libc.shmat(sid, None, 0o100000)  # SHM_EXEC
    assert a not in (None, ctypes.c_void_p(-1).value), ctypes.get_errno()
    libc.shmdt(ctypes.c_void_p(a))
    libc.shmctl(sid, 0, None)  # IPC_RMID
    who["shmid"] = sid
elif tech in ("sendmsg", "sendmmsg"):
    rx, tx, port = udp_pair()
    if audited:
        tx.sendmsg([b"ping"], [], 0, ("127.0.0.1", port))
    elif tech == "sendmsg":
        m, keep = msg_to(port, b"ping")
        assert libc.sendmsg(tx.fileno(), ctypes.byref(m), 0) == 4
    else:
        m, keep = msg_to(port, b"ping")
        v = (mmsghdr * 1)(mmsghdr(m, 0))
        assert libc.sendmmsg(tx.fileno(), v, 1, 0) == 1
    assert rx.recv(16) == b"ping"
    who["fd"], who["port"] = tx.fileno(), port
elif tech == "tkill":
    if audited:
        signal.pthread_kill(threading.get_ident(), SIGURG)
    else:
        assert sc(200, who["tid"], SIGURG) == 0
elif tech == "rt_sigqueueinfo":
    if audited:
        os.kill(os.getpid(), SIGURG)
    else:
        assert sc(129, os.getpid(), SIGURG, siginfo(SIGURG)) == 0, ctypes.get_errno()
elif tech == "rt_tgsigqueueinfo":
    if audited:
        signal.pthread_kill(threading.get_ident(), SIGURG)
    else:
        assert sc(297, os.getpid(), who["tid"], SIGURG, siginfo(SIGURG)) == 0
elif tech == "pidfd_send_signal":
    if audited:
        os.kill(os.getpid(), SIGURG)
    else:
        pidfd = os.pidfd_open(os.getpid())
        assert sc(424, pidfd, SIGURG, None, 0) == 0, ctypes.get_errno()
        who["pidfd"] = pidfd
elif tech == "ptrace":
    word = ctypes.c_long(1)
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    who["child"] = child
    assert libc.ptrace(16, child, None, None) == 0, ctypes.get_errno()  # PTRACE_ATTACH
    os.waitpid(child, 0)
    addr = ctypes.addressof(word)
    assert libc.ptrace(5, child, ctypes.c_void_p(addr), ctypes.c_void_p(0x41)) == 0  # POKEDATA
    libc.ptrace(17, child, None, None)  # PTRACE_DETACH
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    who["addr"] = addr
elif tech == "process_vm_writev":
    src, dst = ctypes.create_string_buffer(b"evil", 4), ctypes.create_string_buffer(4)
    lv = iovec(ctypes.cast(src, ctypes.c_void_p), 4)
    rv = iovec(ctypes.cast(dst, ctypes.c_void_p), 4)
    assert sc(311, os.getpid(), ctypes.byref(lv), 1, ctypes.byref(rv), 1, 0) == 4
    assert dst.raw == b"evil"
elif tech == "mknod":
    if audited:
        # CPython has no audit event for os.mkfifo: recorded, not flagged (a FIFO is not sensitive)
        os.mkfifo(path("fifo"), 0o600)
    else:
        assert sc(259, AT_FDCWD, path("fifo").encode(), 0o010000 | 0o600, 0) == 0
        # a second /dev/null: character device 1:3
        assert sc(133, path("null").encode(), 0o020000 | 0o666, (1 << 8) | 3) == 0
elif tech == "setxattr":
    p = path("f")
    open(p, "w").close()
    if audited:
        os.setxattr(p, "security.pyxcheck", b"1")
        os.setxattr(p, "security.pyxcheck", b"2", follow_symlinks=False)
        fd = os.open(p, os.O_RDONLY)
        os.setxattr(fd, "security.pyxcheck", b"3")
        os.close(fd)
    else:
        v = b"1"
        assert libc.setxattr(p.encode(), b"security.pyxcheck", v, 1, 0) == 0, ctypes.get_errno()
        assert libc.lsetxattr(p.encode(), b"security.pyxcheck", v, 1, 0) == 0
        fd = os.open(p, os.O_RDONLY)
        assert libc.fsetxattr(fd, b"security.pyxcheck", v, 1, 0) == 0
        # another namespace is not sensitive
        assert libc.setxattr(p.encode(), b"user.pyxcheck", v, 1, 0) == 0
        os.close(fd)
        who["fd"] = fd
elif tech == "raw_socket":
    if audited:
        socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)).close()
        socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
    else:
        fd = libc.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
        assert fd >= 0, ctypes.get_errno()
        os.close(fd)
        fd = libc.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        assert fd >= 0, ctypes.get_errno()
        os.close(fd)
elif tech == "utime":
    # timestomping by the doors glibc no longer uses: utime(2), utimes(2), futimesat(2)
    p = path("f")
    open(p, "w").close()
    if audited:
        os.utime(p)
        os.utime(p, (1, 2))
    else:
        tv = (ctypes.c_long * 4)(1, 0, 2, 0)  # struct timeval[2]: atime, mtime
        assert sc(132, p.encode(), None) == 0, ctypes.get_errno()
        assert sc(235, p.encode(), tv) == 0, ctypes.get_errno()
        assert sc(261, AT_FDCWD, p.encode(), None) == 0, ctypes.get_errno()
        # futimesat(fd, NULL, ...) is futimes(fd): an open file's times, not sensitive
        fd = os.open(p, os.O_RDONLY)
        assert sc(261, fd, None, tv) == 0, ctypes.get_errno()
        os.close(fd)
        assert os.stat(p).st_mtime == 2
        who["tv"], who["fd"] = ctypes.addressof(tv), fd
elif tech == "setrlimit":
    import resource
    cur, top = resource.getrlimit(resource.RLIMIT_NOFILE)
    if audited:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, top))
    else:
        rl = (ctypes.c_ulong * 2)(64, top)  # struct rlimit
        assert sc(160, resource.RLIMIT_NOFILE, rl) == 0, ctypes.get_errno()
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (64, top)
        # a NULL limit sets nothing (EFAULT): not sensitive
        assert sc(160, resource.RLIMIT_CORE, None) == -1
        who["max"] = top
elif tech == "setxattrat":
    p = path("f")
    open(p, "w").close()
    if audited:
        os.setxattr(p, "security.pyxcheck", b"1")
    else:
        class xattr_args(ctypes.Structure):
            _fields_ = [("value", ctypes.c_uint64), ("size", ctypes.c_uint32),
                        ("flags", ctypes.c_uint32)]
        v = ctypes.create_string_buffer(b"1", 1)
        xa = xattr_args(ctypes.addressof(v), 1, 0)
        for name in (b"security.pyxcheck", b"user.pyxcheck"):  # user.*: recorded, no alarm
            r = sc(463, AT_FDCWD, p.encode(), 0, name, ctypes.byref(xa), ctypes.sizeof(xa))
            assert r == 0, ctypes.get_errno()
        assert os.getxattr(p, "security.pyxcheck") == b"1"
        who["uargs"] = ctypes.addressof(xa)
elif tech == "removexattr":
    # taking security.* away (file capabilities, IMA, SELinux labels): os.removexattr's syscalls
    # and removexattrat (6.13); each set again by the audited os.setxattr first
    p = path("f")
    open(p, "w").close()
    fd = os.open(p, os.O_RDONLY)
    sec, usr = "security.pyxcheck", "user.pyxcheck"
    if audited:
        for name in (usr, sec):
            os.setxattr(p, name, b"1")
            os.removexattr(p, name)
        os.setxattr(p, sec, b"1")
        os.removexattr(p, sec, follow_symlinks=False)
        os.setxattr(p, sec, b"1")
        os.removexattr(fd, sec)
    else:
        for call in (lambda: sc(197, p.encode(), sec.encode()),
                     lambda: sc(198, p.encode(), sec.encode()),
                     lambda: sc(199, fd, sec.encode()),
                     lambda: sc(466, AT_FDCWD, p.encode(), 0, sec.encode())):
            os.setxattr(p, sec, b"1")
            assert call() == 0, ctypes.get_errno()
        os.setxattr(p, usr, b"1")
        assert sc(197, p.encode(), usr.encode()) == 0  # user.*: recorded, no alarm
        assert os.listxattr(p) == []
    os.close(fd)
    who["fd"] = fd
elif tech == "acl":
    # a POSIX ACL is a chmod by the xattr doors: nobody (65534) gets rwx; taking the ACL away
    # leaves its mask (rwx) as the group's bits
    p = path("f")
    open(p, "w").close()
    os.chmod(p, 0o600)
    entries = ((1, 6, 0xffffffff), (2, 7, 65534), (4, 4, 0xffffffff), (0x10, 7, 0xffffffff),
               (0x20, 0, 0xffffffff))  # USER_OBJ, USER, GROUP_OBJ, MASK, OTHER: (tag, perm, id)
    acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)
    name = "system.posix_acl_access"
    if audited:
        os.setxattr(p, name, acl)
        os.removexattr(p, name)
    else:
        assert libc.setxattr(p.encode(), name.encode(), acl, len(acl), 0) == 0, ctypes.get_errno()
        assert sc(466, AT_FDCWD, p.encode(), 0, name.encode()) == 0, ctypes.get_errno()
    assert os.stat(p).st_mode & 0o777 == 0o670
    who["size"] = len(acl)
elif tech == "clone_ns":
    # a child in new user and mount namespaces: clone's door to what unshare does
    if audited:
        child = os.fork()  # no namespace: not sensitive
    else:
        child = sc(56, signal.SIGCHLD | 0x10000000 | 0x20000, 0, 0, 0, 0)  # NEWUSER, NEWNS
        assert child >= 0, ctypes.get_errno()
    if child == 0:
        os._exit(0)
    assert os.waitpid(child, 0)[1] == 0
    who["child"] = child
    if not audited:
        # clone3: struct clone_args (flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        # stack_size, tls), a child in a new UTS and network namespace
        ca = (ctypes.c_uint64 * 8)(0x04000000 | 0x40000000, 0, 0, 0, signal.SIGCHLD, 0, 0, 0)
        child = sc(435, ca, 64)
        assert child >= 0, ctypes.get_errno()
        if child == 0:
            os._exit(0)
        assert os.waitpid(child, 0)[1] == 0
        who["child3"] = child
elif tech == "tiocsti":
    # a byte pushed into a terminal's input (a pty of our own: root may inject into any tty)
    import fcntl
    import termios
    master, slave = os.openpty()
    if audited:
        fcntl.ioctl(slave, termios.TIOCSTI, b"y")
    else:
        c = ctypes.c_char(b"x")
        libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
        # another request is not recorded at all: TIOCGWINSZ, then TIOCSTI, its upper bits set
        # (the kernel takes the request as an unsigned int: still TIOCSTI)
        ws = ctypes.create_string_buffer(8)
        assert libc.ioctl(slave, termios.TIOCGWINSZ, ws) == 0, ctypes.get_errno()
        assert libc.ioctl(slave, termios.TIOCSTI, ctypes.byref(c)) == 0, ctypes.get_errno()
        assert libc.syscall(ctypes.c_long(16), ctypes.c_long(slave),
                            ctypes.c_ulong((1 << 32) | termios.TIOCSTI),
                            ctypes.byref(c)) == 0, ctypes.get_errno()
        who["arg"] = ctypes.addressof(c)
    who["fd"] = slave
    os.close(slave)
    os.close(master)
else:
    sys.exit(f"unknown technique {tech}")

with open(path("who.json"), "w") as f:
    json.dump(who, f)
