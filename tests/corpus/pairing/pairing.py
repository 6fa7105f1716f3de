# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""One of each audit event that tests/test_correlate_pairing.py checks, in WORKDIR (argv[1]).
Names are unique per step so that the test finds each event by its arguments."""
import ctypes
import mmap
import os
import pty
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading

w = sys.argv[1]
os.chdir(w)

# files, relative paths resolved against the cwd
with open("f.txt", "w") as f:
    f.write("x")
try:
    open("missing.txt")
except FileNotFoundError:
    pass
os.listdir(w)
list(os.scandir("."))
os.mkdir("d1", 0o750)
os.mkdir("sub")
os.chdir("sub")
os.chdir(w)
os.chmod("f.txt", 0o640)
os.chown("f.txt", 0, 0)
os.link("f.txt", "hard.txt")
os.symlink("f.txt", "soft.txt")
os.truncate("f.txt", 1)
os.utime("f.txt", None)
os.rename("hard.txt", "renamed.txt")
os.remove("renamed.txt")
os.rmdir("d1")
shutil.copyfile("f.txt", "copy.txt")
os.makedirs("tree1/a")
shutil.copytree("tree1", "tree2")
shutil.move("tree2", "tree3")
shutil.rmtree("tree3")
fd, tmpf = tempfile.mkstemp(dir=w, prefix="mks")
os.close(fd)
tempfile.mkdtemp(dir=w, prefix="mkd")
con = sqlite3.connect("p.db")
con.close()
with open("f.txt", "r+b") as f:
    mmap.mmap(f.fileno(), 1).close()

# sockets
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(4)
port = srv.getsockname()[1]
c = socket.socket()
c.connect(("127.0.0.1", port))
c.close()
socket.create_connection(("localhost", port)).close()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
uport = udp.getsockname()[1]
udp.sendto(b"x", ("127.0.0.1", uport))
udp.sendmsg([b"y"], [], 0, ("127.0.0.1", uport))
udp.close()
un = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
un.bind(os.path.join(w, "u.sock"))
un.listen(1)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
uc.connect(os.path.join(w, "u.sock"))
uc.close()
un.close()
srv.close()

# processes
subprocess.Popen(["true", "popen"]).wait()
subprocess.run("exit 0", shell=True, check=True)
os.system("true system")
pid = os.posix_spawn("/bin/true", ["true", "spawn"], os.environ)
os.waitpid(pid, 0)
pid = os.posix_spawnp("true", ["true", "spawnp"], os.environ)
os.waitpid(pid, 0)
os.spawnv(os.P_WAIT, "/bin/true", ["true", "spawnv"])
pid = os.fork()
if pid == 0:
    os.execv("/bin/true", ["true", "forked"])
os.waitpid(pid, 0)
with open(os.devnull) as null:
    os.dup2(null.fileno(), 0)
pty.spawn(["true", "pty"])
p = subprocess.Popen(["sleep", "30"])
os.kill(p.pid, signal.SIGTERM)
p.wait()
p = subprocess.Popen(["sleep", "30"], start_new_session=True)
os.killpg(p.pid, signal.SIGKILL)
p.wait()
signal.pthread_kill(threading.get_ident(), 0)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

# code loading
ctypes.CDLL("libanl.so.1")
import _queue  # noqa: E402,F401  an extension module: opened and mapped executable
