# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""socket.getaddrinfo with AI_ADDRCONFIG: glibc's getaddrinfo() learns the host's addresses on a
NETLINK_ROUTE socket it binds to { AF_NETLINK, nl_pid 0, nl_groups 0 } (check_pf.c
__check_pf()), as http.server's and urllib's tests do through socket.getaddrinfo."""
import socket
import sys

for host in ("localhost", None):
    res = socket.getaddrinfo(host, 80, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                             socket.AI_ADDRCONFIG | (socket.AI_PASSIVE if host is None else 0))
    assert res, host
sys.argv[1]
