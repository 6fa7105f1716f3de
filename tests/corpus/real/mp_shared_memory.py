# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""multiprocessing.shared_memory and os.openpty, which raise no audit event (_posixshmem's
shm_open/shm_unlink are glibc's open and unlink of /dev/shm/NAME; os.openpty is glibc's open of
/dev/ptmx): a SharedMemory created, attached, closed and unlinked in one process, a user-named
one, a ShareableList, a spawned child attaching, a forked child creating one that the parent
attaches and unlinks, and a spawned child that leaves a segment and a semaphore for the resource
tracker to unlink."""
import multiprocessing as mp
import os
import sys
from multiprocessing import shared_memory


def attach(name):
    s = shared_memory.SharedMemory(name)
    s.buf[0] = 7
    s.close()


def create(q):
    s = shared_memory.SharedMemory(create=True, size=64)
    s.buf[:2] = b"ok"
    q.put(s.name)
    s.close()


def leave_behind(q):
    # no close, no unlink, no finaliser: the resource tracker unlinks both when the parent ends
    lock = mp.get_context("spawn").Lock()
    s = shared_memory.SharedMemory(create=True, size=32)
    q.put((s.name, lock._semlock.name))
    q.close()
    q.join_thread()
    os._exit(0)


def main():
    s = shared_memory.SharedMemory(create=True, size=128)
    a = shared_memory.SharedMemory(s.name)
    a.buf[0] = 1
    a.close()
    spawn = mp.get_context("spawn")
    p = spawn.Process(target=attach, args=(s.name,))
    p.start()
    p.join()
    assert p.exitcode == 0 and s.buf[0] == 7
    s.close()
    s.unlink()

    u = shared_memory.SharedMemory("pyx_named_%d" % os.getpid(), create=True, size=16)
    u.close()
    u.unlink()

    sl = shared_memory.ShareableList([1, 2.5, "three", None])
    assert sl[2] == "three"
    sl.shm.close()
    sl.shm.unlink()

    fork = mp.get_context("fork")
    q = fork.Queue()
    p = fork.Process(target=create, args=(q,))
    p.start()
    name = q.get(timeout=60)
    p.join()
    c = shared_memory.SharedMemory(name)
    assert bytes(c.buf[:2]) == b"ok"
    c.close()
    c.unlink()

    q = spawn.Queue()
    p = spawn.Process(target=leave_behind, args=(q,))
    p.start()
    q.get(timeout=60)
    p.join()

    master, slave = os.openpty()
    os.write(master, b"x\n")
    assert os.read(slave, 2) == b"x\n"
    os.close(slave)
    os.close(master)


if __name__ == "__main__":
    sys.argv[1]  # the work directory, unused
    main()
