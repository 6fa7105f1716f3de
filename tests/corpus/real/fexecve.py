# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""os.execve(fd, argv, env) in a forked child (CPython's test_posix test_fexecve): glibc's
fexecve() is execveat(fd, "", argv, envp, AT_EMPTY_PATH), whose "" lies in a page of glibc the
child has not touched, so the monitor reads it at neither end."""
import os
import sys

fd = os.open(sys.executable, os.O_RDONLY)
pid = os.fork()
if pid == 0:
    try:
        os.execve(fd, [sys.executable, "-c", "pass"], dict(os.environ))
    finally:
        os._exit(127)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
os.close(fd)

# a failed one (test_fexecve's error paths): a file the kernel refuses to run, no new image
fd = os.open(os.path.abspath(__file__), os.O_RDONLY)
pid = os.fork()
if pid == 0:
    try:
        os.execve(fd, [sys.executable, "-c", "pass"], dict(os.environ))
    except OSError:
        os._exit(0)
    os._exit(127)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
os.close(fd)
