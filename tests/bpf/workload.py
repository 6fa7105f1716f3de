# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A deterministic workload for tests/test_bpf_syscalls.py: run once under pyx-bpfdrv and once under
strace -f, it must make the same syscalls with the same results. Usage: workload.py DIR"""
import os
import socket
import subprocess
import sys

d = sys.argv[1]
with open(os.path.join(d, "a.txt"), "w") as f:
    f.write("x")
try:
    open(os.path.join(d, "missing.txt"))
except FileNotFoundError:
    pass
os.mkdir(os.path.join(d, "sub"))
os.rename(os.path.join(d, "a.txt"), os.path.join(d, "sub", "b.txt"))
os.unlink(os.path.join(d, "sub", "b.txt"))
try:
    os.unlink(os.path.join(d, "sub", "none"))
except FileNotFoundError:
    pass
os.rmdir(os.path.join(d, "sub"))

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(os.path.join(d, "sock"))
srv.listen(1)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
cli.connect(os.path.join(d, "sock"))
cli.close()
srv.close()
os.unlink(os.path.join(d, "sock"))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    tcp.connect(("127.0.0.1", 1))
except OSError:
    pass
tcp.close()

os.kill(os.getpid(), 0)
subprocess.run(["/bin/true", "pyx-arg"], check=True)
try:
    subprocess.run([os.path.join(d, "no-such-program")])
except FileNotFoundError:
    pass
child = subprocess.Popen(["/bin/sleep", "30"])
os.kill(child.pid, 15)
child.wait()
