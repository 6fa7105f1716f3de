# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Look-alikes of the bind glibc's getaddrinfo() makes on its own (check_pf.c __check_pf(): a
NETLINK_ROUTE socket bound to { AF_NETLINK, nl_pid 0, nl_groups 0 }), made through ctypes: each
differs from it in one point (where, or what) and must stay unaudited."""
import ctypes
import os
import socket
import struct
import sys

sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
bind = libc.bind


def nl(pid=0, groups=0):
    return struct.pack("=HHII", socket.AF_NETLINK, 0, pid, groups)


def gai():
    socket.getaddrinfo("localhost", 80, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                       socket.AI_ADDRCONFIG)


a, c, d = (socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
           for _ in range(3))
b, e = socket.socket(), socket.socket()
sin = struct.pack("=H", socket.AF_INET) + struct.pack("!H4s8x", 0, socket.inet_aton("127.0.0.1"))
# 1. glibc's exact shape, but in no resolver's window
os.getcwd()
assert bind(a.fileno(), nl(), 12) == 0
# 2. in a real getaddrinfo window: an AF_INET socket bound to loopback
gai()
assert bind(b.fileno(), sin, len(sin)) == 0
# 3. in the window: a netlink bind to a multicast group (RTMGRP_LINK)
gai()
assert bind(c.fileno(), nl(groups=1), 12) == 0
# 4. in the window: a netlink bind to a chosen port id
gai()
assert bind(d.fileno(), nl(pid=0x7ffff000 + os.getpid() % 4096), 12) == 0
# 5. in a forged getaddrinfo window: an AF_INET bind
sys.audit("socket.getaddrinfo", "localhost", 80, 0, 0, 0)
assert bind(e.fileno(), sin, len(sin)) == 0
