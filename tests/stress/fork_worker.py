# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Processes that fork, exec, exit and get killed in the middle of a traced syscall.

Usage: fork_worker.py DIR   (prints one JSON line: every pid and tid it made)

A child blocks in openat() on a FIFO nobody opens for writing and is killed with SIGKILL while
blocked; a thread exits; a child execs /bin/true; a child exits at once; a grandchild is orphaned.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

d = sys.argv[1]
made = {"pids": [os.getpid()], "tids": [threading.get_native_id()]}

fifo = os.path.join(d, "fifo")
os.mkfifo(fifo)
blocked = os.fork()
if blocked == 0:
    os.open(fifo, os.O_RDONLY)  # blocks: no writer ever comes
    os._exit(1)
made["pids"].append(blocked)
# wait until the child sits in the FIFO open (fs/pipe.c fifo_open -> wait_for_partner), then
# kill it there: the openat has entered (stashed by the BPF side) and will never return normally
deadline = time.monotonic() + 60
while True:
    with open(f"/proc/{blocked}/wchan") as f:
        if f.read() == "wait_for_partner":
            break
    if time.monotonic() > deadline:
        sys.exit("fork_worker: the child never blocked in the FIFO open")
    time.sleep(0.01)
os.kill(blocked, signal.SIGKILL)
assert os.waitpid(blocked, 0)[1] == signal.SIGKILL

t = threading.Thread(target=lambda: (made["tids"].append(threading.get_native_id()),
                                     open("/dev/null").close()))
t.start()
t.join()

p = subprocess.run(["/bin/true"])
assert p.returncode == 0

quick = os.fork()
if quick == 0:
    os._exit(0)
made["pids"].append(quick)
os.waitpid(quick, 0)

# an orphan: the middle process exits, the grandchild outlives it
r, w = os.pipe()
mid = os.fork()
if mid == 0:
    gc = os.fork()
    if gc == 0:
        os.close(w)
        os.read(r, 1)
        os._exit(0)
    os.write(w, str(gc).encode())
    os._exit(0)
made["pids"].append(mid)
os.waitpid(mid, 0)
made["pids"].append(int(os.read(r, 16)))
os.close(w)  # the grandchild's read returns: it exits
print(json.dumps(made), flush=True)
