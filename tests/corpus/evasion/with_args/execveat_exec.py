# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""execveat(2) that succeeds, from a forked child, through ctypes (no audit event):

  path     execveat(AT_FDCWD, "/bin/true", ...)
  memfd    /bin/true copied into a memfd_create() file, execveat(fd, "", ..., AT_EMPTY_PATH):
           fileless execution
  deleted  /bin/true copied to WORKDIR/gone, opened, unlinked, then execveat(fd, "", ...,
           AT_EMPTY_PATH)
  audited  the control case: os.execv("/bin/true", ...), Python's audited API

usage: execveat_exec.py WORKDIR MODE
Prints one JSON line: the child's pid (its thread id too) and its exit status.
"""
import ctypes
import json
import os
import shutil
import sys

NR_EXECVEAT = 322
AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000

work, mode = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
argv = (ctypes.c_char_p * 2)(b"true", None)
envp = (ctypes.c_char_p * 1)(None)

if mode == "deleted":
    gone = os.path.join(work, "gone")
    shutil.copyfile("/bin/true", gone)
    os.chmod(gone, 0o755)

pid = os.fork()
if pid == 0:
    try:
        if mode == "audited":
            os.execv("/bin/true", ["true"])
        elif mode == "path":
            libc.syscall(NR_EXECVEAT, AT_FDCWD, b"/bin/true", argv, envp, 0)
        else:
            if mode == "memfd":
                fd = os.memfd_create("payload")
                with open("/bin/true", "rb") as f:
                    os.write(fd, f.read())
            else:
                fd = os.open(gone, os.O_RDONLY)
                os.unlink(gone)
            libc.syscall(NR_EXECVEAT, fd, b"", argv, envp, AT_EMPTY_PATH)
    finally:
        os._exit(99)  # only when the exec failed
_, status = os.waitpid(pid, 0)
print(json.dumps({"pid": pid, "status": os.waitstatus_to_exitcode(status)}))
