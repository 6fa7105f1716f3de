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
