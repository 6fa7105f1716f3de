# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Host names that socket.connect/connect_ex/sendto/sendmsg/bind resolve before their event
(Modules/socketmodule.c getsockaddrarg() -> setipaddr() -> getaddrinfo(), then PySys_Audit()):
glibc's nameserver connect, and for several results __check_pf()'s netlink socket and bind and
rfc3484_sort()'s connects, are explained by the socket event that names the host, and by nothing
else (docs/correlation.md, "Host names resolved before their event").

The lookups go to a DNS server of this test on a loopback address, named by a resolv.conf that a
private mount namespace binds over /etc/resolv.conf for the monitor and its Python alike (the
machine's own resolver may answer nothing; the hosts line of nsswitch.conf is "files dns"
there): names starting with "nx" get NXDOMAIN, any other name two A records, 127.0.0.2 and
127.0.0.3 (two results: glibc sorts them)."""
import json
import random
import shutil
import socket
import struct
import threading

import pytest

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run
from correlate_util import built
from pyxjson import plain

ANSWERS = ("127.0.0.2", "127.0.0.3")
ANSWER6 = "::1"  # AAAA of names starting with "dual"


class FakeDNS:
    """A DNS server on (addr, 53), UDP and TCP: A queries only, answered from ANSWERS or
    NXDOMAIN; a name starting with "tc" gets a truncated answer over UDP (glibc asks again over
    TCP, resolv/res_send.c send_vc()). family AF_INET6: on ::1."""

    def __init__(self, family=socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.tcp = socket.socket(family, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _ in range(20):
            # 127.53.x.y: unlikely to be taken by anything else on the machine
            self.addr = "::1" if family == socket.AF_INET6 else \
                f"127.53.{random.randint(1, 254)}.{random.randint(1, 254)}"
            try:
                self.sock.bind((self.addr, 53))
                self.tcp.bind((self.addr, 53))
                break
            except OSError:
                self.sock.close()
                self.tcp.close()
                self.sock = socket.socket(family, socket.SOCK_DGRAM)
                self.tcp = socket.socket(family, socket.SOCK_STREAM)
                self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                continue
        else:
            pytest.fail("no free loopback address for the test's DNS server")
        self.tcp.listen(8)
        self.queries = []
        self.tcp_queries = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.tcp_thread = threading.Thread(target=self._serve_tcp, daemon=True)
        self.tcp_thread.start()

    def _answer(self, q, udp):
        qid, = struct.unpack("!H", q[:2])
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
            i += q[i] + 1
        qtype, = struct.unpack("!H", q[i + 1:i + 3])
        name = ".".join(labels)
        (self.queries if udp else self.tcp_queries).append((name, qtype))
        question = q[12:i + 5]
        if name.startswith("nx"):
            return struct.pack("!6H", qid, 0x8183, 1, 0, 0, 0) + question
        if name.startswith("tc") and udp:
            return struct.pack("!6H", qid, 0x8380, 1, 0, 0, 0) + question
        ans = b"".join(b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(a)
                       for a in ANSWERS) if qtype == 1 else b""
        n = len(ANSWERS) if qtype == 1 else 0
        if qtype == 28 and name.startswith("dual"):  # and an IPv6 address
            ans = b"\xc0\x0c" + struct.pack("!HHIH", 28, 1, 60, 16) + \
                socket.inet_pton(socket.AF_INET6, ANSWER6)
            n = 1
        return struct.pack("!6H", qid, 0x8180, 1, n, 0, 0) + question + ans

    def _serve(self):
        while True:
            try:
                q, peer = self.sock.recvfrom(512)
                self.sock.sendto(self._answer(q, True), peer)
            except OSError:
                return

    def _serve_tcp(self):
        while True:
            try:
                c, _ = self.tcp.accept()
            except OSError:
                return
            with c:
                try:
                    while True:
                        h = c.recv(2, socket.MSG_WAITALL)
                        if len(h) < 2:
                            break
                        q = c.recv(struct.unpack("!H", h)[0], socket.MSG_WAITALL)
                        a = self._answer(q, False)
                        c.sendall(struct.pack("!H", len(a)) + a)
                except OSError:
                    pass

    def close(self):
        self.sock.close()
        self.tcp.close()


@pytest.fixture
def dns():
    d = FakeDNS()
    yield d
    d.close()


def _monitor(dns, script, tmp_path, args=(), hosts="files dns"):
    """pyxcheck -j -- python3 SCRIPT in a mount namespace whose /etc/resolv.conf names dns."""
    built()
    if not shutil.which("unshare"):
        pytest.skip("skipped: needs unshare(1) (util-linux) for a private /etc/resolv.conf")
    conf = tmp_path / "resolv.conf"
    conf.write_text(f"nameserver {dns.addr}\n")
    # glibc's own files and DNS only: an NSS module of the machine's (systemd's "resolve",
    # "mdns") would ask a daemon of its own instead
    nss = tmp_path / "nsswitch.conf"
    try:
        with open("/etc/nsswitch.conf") as f:
            lines = [x for x in f.read().splitlines() if not x.startswith("hosts:")]
    except FileNotFoundError:
        lines = []
    nss.write_text("\n".join(lines + ["hosts: " + hosts]) + "\n")
    out = tmp_path / "o.jsonl"
    inner = (f"mount --bind {conf} /etc/resolv.conf && "
             f"{{ [ ! -e /etc/nsswitch.conf ] || mount --bind {nss} /etc/nsswitch.conf; }} && "
             f"exec {MONITOR} -j -o {out} -- {SYSTEM_PYTHON} {script} {dns.addr} "
             + " ".join(args))
    r = run(["unshare", "-m", "--propagation", "private", "sh", "-c", inner], timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(out, "rb") as f:
        return [plain(json.loads(x)) for x in f.read().decode("utf-8").splitlines()]


def _syscalls(recs, name):
    return [x for x in recs if x["type"] == "syscall" and x["syscall"] == name]


def _addr(x):
    sa = x["args"]["uservaddr" if "uservaddr" in x["args"] else "addr"]
    return (sa.get("addr"), sa.get("port")) if sa.get("family") != "AF_UNSPEC" else "AF_UNSPEC"


def _show(recs):
    return "\n".join(json.dumps(r, sort_keys=True)[:600] for r in recs[:40])


@needs_root_bpf
def test_host_names_resolved_before_their_event_are_explained(dns, tmp_path):
    """socket.connect, connect_ex, sendto, sendmsg and bind given a host name: glibc's lookup
    before each event gives no alarm; each event is matched; the resolver's syscalls were seen."""
    script = tmp_path / "names.py"
    script.write_text(
        "import socket, sys\n"
        "s = socket.socket()\n"
        "try:\n"
        "    s.connect(('db.pyxcheck.test', 9))\n"
        "except OSError as e:\n"
        "    assert e.errno == 111, e\n"
        "s.close()\n"
        "s = socket.socket()\n"
        "assert s.connect_ex(('db.pyxcheck.test', 9)) == 111\n"
        "s.close()\n"
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "u.sendto(b'x', ('db.pyxcheck.test', 9))\n"
        "u.sendmsg([b'x'], [], 0, ('db.pyxcheck.test', 9))\n"
        "b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "b.bind(('db.pyxcheck.test', 0))\n")
    recs = _monitor(dns, script, tmp_path)
    bad = [x for x in recs if x.get("verdict") in ("unaudited", "mismatch", "indeterminate")]
    assert bad == [], _show(bad)
    # five lookups reached the server, five events were matched by their own syscall
    assert [q for q in dns.queries if q[0] == "db.pyxcheck.test"] == \
        [("db.pyxcheck.test", 1)] * 5
    ev = [(x["event"], x["verdict"]) for x in recs if x["type"] == "audit" and x["event"] in
          ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind")]
    assert ev == [("socket.connect", "matched")] * 2 + [
        ("socket.sendto", "matched"), ("socket.sendmsg", "matched"),
        ("socket.bind", "matched")], ev
    conn = _syscalls(recs, "connect")
    to_ns = [x for x in conn if _addr(x) == (dns.addr, 53)]
    assert len(to_ns) == 5 and all("verdict" not in x for x in to_ns), _show(to_ns)
    # rfc3484_sort(): a port-0 connect to each result, an AF_UNSPEC one between them
    sort = [_addr(x) for x in conn if _addr(x) == "AF_UNSPEC" or _addr(x)[1] == 0]
    assert sort == [("127.0.0.2", 0), "AF_UNSPEC", ("127.0.0.3", 0)] * 5, sort
    # __check_pf()'s netlink socket and bind, once per lookup
    nl = [x for x in _syscalls(recs, "bind") if x["args"]["umyaddr"]["family"] == "AF_NETLINK"]
    assert len(nl) == 5 and all("verdict" not in x for x in nl), _show(nl)
    raw = [x for x in _syscalls(recs, "socket") if x["args"]["family"] == "AF_NETLINK"]
    assert len(raw) == 5 and all("verdict" not in x for x in raw), _show(raw)


@needs_root_bpf
def test_failed_lookup_stays_unaudited(dns, tmp_path):
    """The reproducer of the bug, with a name that does not resolve: CPython raises the gaierror
    before PySys_Audit(), so no event names the host, and the nameserver connect (a DNS query
    that left the host unaudited) stays flagged, saying why."""
    script = tmp_path / "nx.py"
    script.write_text(
        "import socket\n"
        "s = socket.socket()\n"
        "try:\n"
        "    s.connect(('nx.pyxcheck.test', 9))\n"
        "except OSError as e:\n"
        "    print('err', e)\n")
    recs = _monitor(dns, script, tmp_path)
    assert ("nx.pyxcheck.test", 1) in dns.queries
    assert not [x for x in recs if x["type"] == "audit" and x["event"] == "socket.connect"]
    un = [x for x in recs if x.get("verdict") == "unaudited"]
    assert [(x["syscall"], _addr(x)) for x in un] == [("connect", (dns.addr, 53))], _show(un)
    assert un[0]["why"].startswith("a name-server connect (or netlink query) of glibc's"), un[0]


@needs_root_bpf
def test_resolver_lookalikes_before_a_socket_event_stay_unaudited(dns, tmp_path):
    """Native connects (ctypes) right before a socket event: to the nameserver before an event
    with a numeric host; to another address on port 53, and to the nameserver on another port,
    before an event with a host name (whose own lookup is explained); to another address on port
    53 before a forged sys.audit("socket.connect", s, ("x.example", 1)). Each stays unaudited."""
    script = tmp_path / "lookalikes.py"
    script.write_text(
        "import ctypes, socket, struct, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "ns = sys.argv[1]\n"
        "other = ns.rsplit('.', 1)[0] + '.' + str(int(ns.rsplit('.', 1)[1]) % 254 + 1)\n"
        "def native_connect(host, port):\n"
        "    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "    sa = struct.pack('=H', socket.AF_INET) + struct.pack('!H4s8x', port,\n"
        "                                                       socket.inet_aton(host))\n"
        "    assert libc.connect(u.fileno(), sa, len(sa)) == 0\n"
        "    return u\n"
        "s = socket.socket()\n"
        "a = native_connect(ns, 53)\n"
        "assert s.connect_ex(('127.0.0.1', 9)) == 111\n"
        "s.close()\n"
        "s = socket.socket()\n"
        "b = native_connect(other, 53)\n"
        "assert s.connect_ex(('db.pyxcheck.test', 9)) == 111\n"
        "s.close()\n"
        "s = socket.socket()\n"
        "c = native_connect(ns, 5353)\n"
        "assert s.connect_ex(('db.pyxcheck.test', 9)) == 111\n"
        "d = native_connect(other, 53)\n"
        "sys.audit('socket.connect', s, ('x.example', 1))\n")
    recs = _monitor(dns, script, tmp_path)
    other = dns.addr.rsplit(".", 1)[0] + "." + str(int(dns.addr.rsplit(".", 1)[1]) % 254 + 1)
    un = [(x["syscall"], _addr(x)) for x in recs if x.get("verdict") == "unaudited"]
    assert un == [("connect", (dns.addr, 53)), ("connect", (other, 53)),
                  ("connect", (dns.addr, 5353)), ("connect", (other, 53))], un
    # the genuine lookups of the two events naming a host were explained
    to_ns = [x for x in _syscalls(recs, "connect") if _addr(x) == (dns.addr, 53)]
    assert len(to_ns) == 3 and [("verdict" in x) for x in to_ns] == [True, False, False], \
        _show(to_ns)
    assert not [x for x in recs if x.get("verdict") == "mismatch"]


# ---- the resolver events' own windows (docs/correlation.md, "Resolver windows") ----

GENUINE = (
    "import socket, sys\n"
    "ns = sys.argv[1]\n"
    # /etc/hosts, AF_UNSPEC: 127.0.0.1 and ::1, two results glibc sorts
    "print(socket.getaddrinfo('localhost', 80))\n"
    # the test's DNS server: two A records (sorted), an empty AAAA answer
    "print(socket.getaddrinfo('db.pyxcheck.test', 5432))\n"
    "print(socket.getaddrinfo('db.pyxcheck.test', 5432, socket.AF_INET, socket.SOCK_STREAM))\n"
    # AF_UNSPEC, both families: a socket of each to sort with
    "print(socket.getaddrinfo('dual.pyxcheck.test', 443, type=socket.SOCK_STREAM))\n"
    # a truncated answer over UDP: asked again over TCP
    "print(socket.getaddrinfo('tc.pyxcheck.test', 80, socket.AF_INET))\n"
    "print(socket.gethostbyname('db.pyxcheck.test'))\n"
    "print(socket.gethostbyname_ex('db.pyxcheck.test'))\n"
    "for a in ('127.0.0.2', 'db.pyxcheck.test'):\n"
    "    try:\n"
    "        print(socket.gethostbyaddr(a))\n"
    "    except OSError as e:\n"
    "        print('gethostbyaddr', e)\n"
    "print(socket.getnameinfo(('127.0.0.2', 80), 0))\n"
    "try:\n"
    "    socket.create_connection(('db.pyxcheck.test', 9), timeout=5)\n"
    "except OSError as e:\n"
    "    assert e.errno == 111, e\n")


def _alarms(recs):
    return [x for x in recs if x.get("verdict") in ("unaudited", "mismatch", "indeterminate")]


def _audits(recs, prefix="socket.get"):
    return [(x["event"], x["verdict"]) for x in recs
            if x["type"] == "audit" and x["event"].startswith(prefix) and "verdict" in x]


@needs_root_bpf
def test_genuine_lookups_in_their_own_windows_give_no_alarm(dns, tmp_path):
    """getaddrinfo of /etc/hosts' localhost and of names the test's server answers (UDP, and TCP
    after a truncated answer), gethostbyname(_ex), gethostbyaddr, getnameinfo, create_connection:
    nothing alarms; the nameserver connects (UDP and TCP), the netlink socket and bind and the
    sorting connects were seen, each explained by its event's window."""
    script = tmp_path / "genuine.py"
    script.write_text(GENUINE)
    recs = _monitor(dns, script, tmp_path)
    assert _alarms(recs) == [], _show(_alarms(recs))
    assert ("tc.pyxcheck.test", 1) in dns.tcp_queries, dns.tcp_queries
    conn = _syscalls(recs, "connect")
    to_ns = [x for x in conn if _addr(x) == (dns.addr, 53)]
    # the UDP ones and at least one TCP one (a socket of its own after the truncated answer)
    assert len(to_ns) >= 8 and all("verdict" not in x for x in to_ns), _show(to_ns)
    # rfc3484_sort()'s connects carry the service port (5432, 80), none for gethostbyname's and
    # gethostbyaddr's (CPython's setipaddr(): port 0); localhost's depend on the machine's hosts
    sort = {_addr(x) for x in conn if _addr(x) == "AF_UNSPEC" or _addr(x)[0] in ANSWERS or
            _addr(x) == (ANSWER6, 443)}
    assert sort == {"AF_UNSPEC", (ANSWER6, 443), ("127.0.0.2", 443), ("127.0.0.3", 443),
                    ("127.0.0.2", 5432), ("127.0.0.3", 5432), ("127.0.0.2", 80),
                    ("127.0.0.3", 80), ("127.0.0.2", 0), ("127.0.0.3", 0), ("127.0.0.2", 9),
                    ("127.0.0.3", 9)}, sort
    nl = [x for x in _syscalls(recs, "bind") if x["args"]["umyaddr"]["family"] == "AF_NETLINK"]
    assert nl and all("verdict" not in x for x in nl), _show(nl)
    ev = _audits(recs)
    for e in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
              "socket.getnameinfo"):
        assert (e, "matched") in ev, ev


@needs_root_bpf
def test_genuine_lookups_with_an_ipv6_nameserver(tmp_path):
    """The same lookups with the nameserver on ::1 (sockaddr_in6 connects): no alarm."""
    d = FakeDNS(socket.AF_INET6)
    try:
        script = tmp_path / "genuine6.py"
        script.write_text(GENUINE)
        recs = _monitor(d, script, tmp_path)
    finally:
        d.close()
    assert _alarms(recs) == [], _show(_alarms(recs))
    to_ns = [x for x in _syscalls(recs, "connect") if _addr(x) == ("::1", 53)]
    assert len(to_ns) >= 8 and all("verdict" not in x for x in to_ns), _show(to_ns)
    assert ("tc.pyxcheck.test", 1) in d.tcp_queries


@needs_root_bpf
def test_forged_resolver_events_explain_no_other_connect(dns, tmp_path):
    """sys.audit("socket.getaddrinfo", "x.example", 80, 0, 0, 0) then a native (ctypes) connect
    to a listener of the test: unaudited, as after a forged gethostbyname, gethostbyaddr or
    getnameinfo, and for a native sendto to an address, a connect to the nameserver on another
    port, a raw socket. The nameserver on 53 after a forged event stays what a lookup does."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(8)
    port = lst.getsockname()[1]
    script = tmp_path / "forged.py"
    # ctypes raises ctypes.dlsym at a function's first lookup, which would end the forged event's
    # window, so each is looked up first; the sockets are made first too (socket.socket()
    # raises socket.__new__). Then the forged event and the foreign call follow each other, as
    # in a C extension.
    script.write_text(
        "import ctypes, socket, struct, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "connect, sendto, raw_socket = libc.connect, libc.sendto, libc.socket\n"
        "ns, port = sys.argv[1], int(sys.argv[2])\n"
        "def forged(event, fn, *args):\n"
        "    sys.audit(*event)\n"
        "    return fn(*args)\n"
        "def sin(host, p):\n"
        "    return struct.pack('=H', socket.AF_INET) + struct.pack('!H4s8x', p,\n"
        "                                                       socket.inet_aton(host))\n"
        "tcp = [socket.socket() for _ in range(3)]\n"
        "udp = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]\n"
        "to_lst, to_5353, to_53 = sin('127.0.0.1', port), sin(ns, 5353), sin(ns, 53)\n"
        "gai = ('socket.getaddrinfo', 'x.example', port, 0, 0, 0)\n"
        "assert forged(gai, connect, tcp[0].fileno(), to_lst, 16) == 0\n"
        "assert forged(('socket.gethostbyname', 'x.example'), connect,\n"
        "              tcp[1].fileno(), to_lst, 16) == 0\n"
        "assert forged(('socket.gethostbyaddr', '127.0.0.1'), connect,\n"
        "              tcp[2].fileno(), to_lst, 16) == 0\n"
        "assert forged(('socket.getnameinfo', ('127.0.0.1', 80), 0), sendto,\n"
        "              udp[0].fileno(), b'x', 1, 0, to_lst, 16) == 1\n"
        "assert forged(gai, connect, udp[1].fileno(), to_5353, 16) == 0\n"
        "assert forged(gai, raw_socket, socket.AF_INET, socket.SOCK_RAW, 17) >= 0\n"
        "assert forged(gai, connect, udp[2].fileno(), to_53, 16) == 0\n"
        "sys.audit('app.done')\n")
    try:
        recs = _monitor(dns, script, tmp_path, [str(port)])
    finally:
        lst.close()
    un = [(x["syscall"], _addr(x) if x["syscall"] in ("connect", "sendto") else
           x["args"].get("family")) for x in recs if x.get("verdict") == "unaudited"]
    assert un == [("connect", ("127.0.0.1", port))] * 3 + [
        ("sendto", ("127.0.0.1", port)), ("connect", (dns.addr, 5353)),
        ("socket", "AF_INET")], un
    ctx = [x["context"]["event"] for x in recs if x.get("verdict") == "unaudited"]
    assert ctx == ["socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                   "socket.getnameinfo", "socket.getaddrinfo", "socket.getaddrinfo"], ctx
    to_ns = [x for x in _syscalls(recs, "connect") if _addr(x) == (dns.addr, 53)]
    assert len(to_ns) == 1 and "verdict" not in to_ns[0], _show(to_ns)


@needs_root_bpf
def test_forged_events_explain_no_sorting_connect_without_check_pf(dns, tmp_path):
    """glibc sorts a lookup's results (rfc3484_sort) on a datagram socket it makes after
    __check_pf()'s netlink socket and bind: a connect of that shape, to port 0 or to the forged
    socket.getaddrinfo's port, from a socket made exactly as glibc's, is unaudited without them
    (a connected UDP socket sends to port 0 with write(), which is not traced), before a forged
    sys.audit("socket.connect", s, ("x.example", 1)) or after a forged getaddrinfo. The whole
    sequence replayed natively is what a lookup does and stays explained, but a send on the
    netlink socket other than glibc's 20-byte RTM_GETADDR request (a 32-byte RTM_GETLINK dump
    request here, harmless, and any sendmsg) is unaudited."""
    script = tmp_path / "sorting.py"
    script.write_text(
        "import ctypes, socket, struct, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "connect, mksock, bind, sendto, sendmsg = (libc.connect, libc.socket, libc.bind,\n"
        "                                          libc.sendto, libc.sendmsg)\n"
        "ns, port = sys.argv[1], int(sys.argv[2])\n"
        "CLOEXEC = 0o2000000\n"
        "def sin(host, p):\n"
        "    return struct.pack('=H', socket.AF_INET) + struct.pack('!H4s8x', p,\n"
        "                                                       socket.inet_aton(host))\n"
        "to0, top = sin('127.0.0.1', 0), sin('127.0.0.1', port)\n"
        "nladdr = struct.pack('=HHII', socket.AF_NETLINK, 0, 0, 0)\n"
        "getaddr = struct.pack('=IHHII4B', 20, 22, 0x301, 1, 0, 0, 0, 0, 0)\n"
        "getlink = struct.pack('=IHHII', 32, 18, 0x301, 2, 0) + bytes(16)\n"
        "msg = ctypes.create_string_buffer(56)\n"
        "s = socket.socket()\n"
        "def run(*calls):\n"
        "    return [fn(*a) for fn, a in calls]\n"
        "def sort_socket():\n"
        "    return mksock(socket.AF_INET, socket.SOCK_DGRAM | CLOEXEC, 0)\n"
        "# 1. before a forged host-name event: no __check_pf()\n"
        "fd = sort_socket()\n"
        "assert connect(fd, to0, 16) == 0\n"
        "sys.audit('socket.connect', s, ('x.example', 1))\n"
        "# 2. after a forged getaddrinfo: port 0 and its port, no __check_pf()\n"
        "gai = ('socket.getaddrinfo', 'x.example', port, 0, 0, 0)\n"
        "sys.audit(*gai)\n"
        "fd = sort_socket()\n"
        "r = run((connect, (fd, to0, 16)), (connect, (fd, top, 16)))\n"
        "assert r == [0, 0], r\n"
        "# 3. the whole sequence, then other sends on the netlink socket\n"
        "sys.audit(*gai)\n"
        "nl = mksock(socket.AF_NETLINK, socket.SOCK_RAW | CLOEXEC, 0)\n"
        "r = run((bind, (nl, nladdr, 12)), (sendto, (nl, getaddr, 20, 0, nladdr, 12)))\n"
        "assert r == [0, 20], r\n"
        "fd = sort_socket()\n"
        "r = run((connect, (fd, to0, 16)), (connect, (fd, top, 16)),\n"
        "        (sendto, (nl, getlink, 32, 0, nladdr, 12)), (sendmsg, (nl, msg, 0)))\n"
        "assert r[:3] == [0, 0, 32], r\n"
        "sys.audit('app.done')\n")
    recs = _monitor(dns, script, tmp_path, ["9"])
    un = [(x["syscall"], _addr(x) if x["syscall"] == "connect" else None,
           x["context"]["event"]) for x in recs if x.get("verdict") == "unaudited"]
    assert un == [("connect", ("127.0.0.1", 0), "socket.__new__")] + [
        ("connect", ("127.0.0.1", 0), "socket.getaddrinfo"),
        ("connect", ("127.0.0.1", 9), "socket.getaddrinfo"),
        ("sendto", None, "socket.getaddrinfo"),
        ("sendmsg", None, "socket.getaddrinfo")], un
    # the replayed lookup: __check_pf()'s socket, bind and request, the sorting connects
    nl = [x for x in recs if x["type"] == "syscall" and x["syscall"] in ("socket", "bind")
          and "AF_NETLINK" in json.dumps(x["args"])]
    assert len(nl) == 2 and all("verdict" not in x for x in nl), _show(nl)
    assert not [x for x in recs if x.get("verdict") in ("mismatch", "indeterminate")]


@needs_root_bpf
def test_an_nss_module_loaded_in_a_lookup_gives_no_alarm(dns, tmp_path):
    """A hosts line naming a module glibc has to dlopen ("compat", which has no hosts functions:
    glibc loads it, finds none and goes on): its executable maps in the getaddrinfo window are
    explained by the native_lib exemption, not by the window, and nothing alarms."""
    script = tmp_path / "nss.py"
    script.write_text("import socket\nprint(socket.getaddrinfo('db.pyxcheck.test', 80))\n")
    recs = _monitor(dns, script, tmp_path, hosts="compat files dns")
    assert _alarms(recs) == [], _show(_alarms(recs))
    sc = [x for x in recs if x["type"] == "syscall"]
    at = [i for i, x in enumerate(sc) if x["syscall"] == "openat" and
          "libnss_compat" in str(x["args"].get("filename"))]
    assert at, "glibc did not load libnss_compat.so.2"
    maps = [x for x in sc[at[0]:]
            if x["syscall"] == "mmap" and "PROT_EXEC" in str(x["args"]["prot"])]
    assert maps and all("verdict" not in x for x in maps), _show(maps)
    assert [x["event"] for x in recs if x["type"] == "audit" and
            x["event"].startswith("socket.")] == ["socket.getaddrinfo"]
