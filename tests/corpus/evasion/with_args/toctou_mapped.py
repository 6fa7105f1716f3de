# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Time of check with the path in a MAP_SHARED file page, which a probe read cannot fault in.
One thread opens the FIFO WORKDIR/fifo for writing through ctypes (it blocks until a reader
comes), the path in the mapped page; meanwhile the main thread does what MODE says, then opens
the FIFO for reading to let the first one go.
  zap:   the page is resident at entry; its PTE is zapped (MADV_DONTNEED) during the open: the
         bytes do not change, the exit read faults.
  cold:  the page is not resident at entry (fresh mapping): the path is read at exit only.
  decoy: as cold, and a decoy path is written into the page during the open: read at exit, it
         would name the decoy instead of the FIFO the kernel opened.
  gone:  as cold, and the page's PTE is zapped during the open (after the kernel's copy
         faulted it in): the path is read neither at entry nor at exit.
  benign: no race, no FIFO: opens that are read at exit (each path in a fresh mapping) of paths
         whose last component is not the opened file's name in every case: through a symlinked
         directory, a directory with a trailing slash, ".", O_PATH, O_CREAT of a new file, a
         final symlink and /proc/self/fd/N (those two name their target). who.json lists them.
Usage: toctou_mapped.py WORKDIR MODE, with the FIFO made beforehand. Writes WORKDIR/who.json."""
import ctypes
import json
import mmap
import os
import sys
import threading
import time

work, mode = sys.argv[1], sys.argv[2]
# "claim": an audit event naming the decoy is raised just before the open, as a forger would
claim = len(sys.argv) > 3 and sys.argv[3] == "claim"
fifo = os.path.join(work, "fifo")
decoy = os.path.join(work, "decoy.txt")
if mode == "long":  # a decoy longer than the monitor's copy of a path (cut: not comparable)
    decoy = os.path.join(work, *["d" * 200] * 6, "decoy.txt")
libc = ctypes.CDLL(None, use_errno=True)
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
MADV_DONTNEED = 4
page = os.path.join(work, "pathpage")


def cold(path):
    """path in a fresh MAP_SHARED page of a new file: not resident for the syscall's entry"""
    name = os.path.join(work, "page%d" % len(os.listdir(work)))
    with open(name, "wb") as f:
        f.write(path.encode().ljust(4096, b"\0"))
    fd = os.open(name, os.O_RDWR)
    m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    os.close(fd)
    return m, ctypes.addressof(ctypes.c_char.from_buffer(m))


if mode == "benign":
    real = os.path.join(work, "realdir")
    os.mkdir(real)
    with open(os.path.join(real, "file"), "w"):
        pass
    os.symlink(real, os.path.join(work, "linkdir"))
    os.symlink(os.path.join(real, "file"), os.path.join(work, "filelink"))
    keep = os.open(os.path.join(real, "file"), os.O_RDONLY)
    O_PATH, O_DIRECTORY = 0o10000000, os.O_DIRECTORY
    cases = [(os.path.join(work, "linkdir", "file"), os.O_RDONLY, "file"),
             (real + "/", os.O_RDONLY | O_DIRECTORY, "realdir"),
             (real + "/.", os.O_RDONLY | O_DIRECTORY, "realdir"),
             (os.path.join(real, "file"), O_PATH, "file"),
             (os.path.join(real, "new"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, "new"),
             (os.path.join(work, "filelink"), os.O_RDONLY, "file"),
             ("/proc/self/fd/%d" % keep, os.O_RDONLY, "file")]
    who = {"pid": os.getpid(), "tid": threading.get_native_id(), "cases": []}
    for path, flags, name in cases:
        m, addr = cold(path)
        r = libc.open(ctypes.c_char_p(addr), flags, 0o600)
        assert r >= 0, (path, ctypes.get_errno())
        os.close(r)
        m.close()
        who["cases"].append({"path": path, "flags": flags, "opened": name})
    with open(os.path.join(work, "who.json"), "w") as f:
        json.dump(who, f)
    sys.exit(0)
if mode == "unlink-cold":
    # a native unlink whose path is not resident at entry (read at exit, where a decoy could
    # be), after a forged event naming that very path: no event may explain what the record
    # cannot vouch for
    target = os.path.join(work, "victim")
    with open(target, "w"):
        pass
    m, addr = cold(target)
    who = {"pid": os.getpid(), "tid": threading.get_native_id()}
    unlink, arg = libc.unlink, ctypes.c_char_p(addr)  # no ctypes event between claim and call
    sys.audit("os.remove", target, -1)
    assert unlink(arg) == 0, ctypes.get_errno()
    assert not os.path.exists(target)
    m.close()
    with open(os.path.join(work, "who.json"), "w") as f:
        json.dump(who, f)
    sys.exit(0)
if mode in ("how-zap", "how-decoy"):
    # openat2(2) of the FIFO to write and create, its struct open_how in a cold page: zapped
    # again during the open (read at neither end), or a read-only decoy written there
    import struct
    libc.syscall.restype = ctypes.c_long
    with open(page, "wb") as f:
        f.write(struct.pack("QQQ", os.O_WRONLY | os.O_CREAT, 0o600, 0).ljust(4096, b"\0"))
    fd = os.open(page, os.O_RDWR)
    m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
    pathbuf = ctypes.create_string_buffer(fifo.encode())
    who = {"pid": os.getpid()}

    def opener2():
        who["tid"] = threading.get_native_id()
        r = libc.syscall(437, -100, pathbuf, ctypes.c_void_p(addr), 24)  # openat2
        assert r >= 0, ctypes.get_errno()
        os.close(r)

    t = threading.Thread(target=opener2)
    t.start()
    time.sleep(1.0)
    if mode == "how-zap":
        assert libc.madvise(addr, 4096, MADV_DONTNEED) == 0
    else:
        os.pwrite(fd, struct.pack("QQQ", 0, 0, 0), 0)  # O_RDONLY, through the page cache
    r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    t.join()
    os.close(r)
    with open(os.path.join(work, "who.json"), "w") as f:
        json.dump(who, f)
    sys.exit(0)
with open(page, "wb") as f:
    f.write(fifo.encode().ljust(4096, b"\0"))
fd = os.open(page, os.O_RDWR)
m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
if mode == "zap":
    assert m[0] == ord("/")  # fault it in: resident at entry
who = {"pid": os.getpid()}


def opener():
    who["tid"] = threading.get_native_id()
    if claim:
        sys.audit("open", decoy, None, os.O_WRONLY)
    r = libc.open(ctypes.c_char_p(addr), os.O_WRONLY)
    assert r >= 0, ctypes.get_errno()
    os.close(r)


t = threading.Thread(target=opener)
t.start()
time.sleep(1.0)  # the opener is blocked inside open(2) by now
if mode in ("zap", "gone"):
    assert libc.madvise(addr, 4096, MADV_DONTNEED) == 0
elif mode in ("decoy", "long"):
    os.pwrite(fd, decoy.encode() + b"\0", 0)  # through the page cache: the PTE stays absent
r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
t.join()
os.close(r)
with open(os.path.join(work, "who.json"), "w") as f:
    json.dump(who, f)
