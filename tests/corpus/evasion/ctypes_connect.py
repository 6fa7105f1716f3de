# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""ctypes socket(2) + connect(2) to a loopback listener: socket.connect is never audited."""
import ctypes
import socket
import struct
import sys

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
sa = struct.pack("!HH4s8x", socket.AF_INET, port, socket.inet_aton("127.0.0.1"))
sa = struct.pack("=H", socket.AF_INET) + sa[2:]
assert libc.connect(fd, sa, len(sa)) == 0
libc.close(fd)
srv.close()
