# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Claims that name nothing (red-team review, items 1 and 8): an audit event whose argument is
None where CPython never passes None, or an object the hook does not read, explains no syscall
(it used to be "not compared", which matched every counterpart), and a relative path resolved
on both sides is compared as resolved (the same name after a chdir is another file). The
events are raised from C (PySys_Audit, as a forged sys.audit or a native module would) and the
syscalls made right after by the same C call: a ctypes call would raise ctypes.call_function
first and close the window. A genuine call is made the same way (the C helper calls a Python
callable), and still matches. docs/correlation.md, "Comparison rules"."""

from conftest import SYSTEM_PYTHON, needs_root_bpf
from correlate_util import AUDIT_THEN_PY, build_audit_then, monitor, unaudited

pytestmark = needs_root_bpf

NAT_PY = AUDIT_THEN_PY + r"""
AT_FDCWD = -100
NR = dict(openat=257, unlinkat=263, connect=42, socket=41, sendto=44, sendmsg=46, execve=59,
          kill=62, chdir=80, chmod=90)
W = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
"""

FORGED = NAT_PY + r"""
d = sys.argv[1]
open(os.path.join(d, "victim"), "w").close()
made = os.path.join(d, "made").encode()
# a01: None paths
assert run("open", (None, None, W), [(NR["openat"], AT_FDCWD, ptr(made), W, 0o644)]) >= 0
assert run("os.chmod", (None, 0o4755, -1), [(NR["chmod"], ptr(made), 0o4755)]) == 0
assert run("os.remove", (object(), -1),
           [(NR["unlinkat"], AT_FDCWD, ptr(os.path.join(d, "victim").encode()), 0)]) == 0
# a02: a connect and a raw socket under None claims
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
fd = socket.socket().detach()
a, n = sin("127.0.0.1", srv.getsockname()[1])
assert run("socket.connect", (None, None), [(NR["connect"], fd, a, n)]) == 0
run("socket.__new__", (None, None, None, None), [(NR["socket"], 17, 3, 0x0300)])
# a18: a signal under None claims
child = os.fork()
if child == 0:
    os.pause()
    os._exit(0)
assert run("os.kill", (None, None), [(NR["kill"], child, 0)]) == 0
os.kill(child, 9)
os.waitpid(child, 0)
# a03/a18: execs under None claims (each in a child)
for ev, args in (("os.exec", (None, None, None)), ("os.system", (None,))):
    pid = os.fork()
    if pid == 0:
        run(ev, args, [(NR["execve"], ptr(b"/bin/true"), argv("true"), 0)])
        os._exit(9)
    assert os.waitpid(pid, 0)[1] == 0
"""

GENUINE = NAT_PY + r"""
class P(int):
    pass

d = sys.argv[1]
os.chdir(d)
os.mkdir("outside")
# a14: sock.sendmsg([b"x"]) raises socket.sendmsg with address None: it explains its own
# sendmsg (no msg_name), not a native one to another address
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
u.connect(u.getsockname())
a, n = sin("127.0.0.2", 4444)
iov = (ctypes.c_void_p * 2)(ptr(b"exfil"), 5)
msg = ctypes.create_string_buffer(56)
struct.pack_into("=QI4xQQ", msg, 0, a, n, ctypes.addressof(iov), 1)
_keep += [iov, msg]
run(None, None, [(NR["sendmsg"], u.fileno(), ctypes.addressof(msg), 0)],
    fn=lambda: u.sendmsg([b"x"]))
# a15: a port given as an int subclass is read by its value: a connect elsewhere differs
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a3, n3 = sin("127.0.0.3", 5555)
run(None, None, [(NR["connect"], t.fileno(), a3, n3)],
    fn=lambda: t.connect(("127.0.0.1", P(9))))
# a20: open("x", "w") explains its own create, not a chdir elsewhere and a create of x there
run(None, None, [(NR["chdir"], ptr(b"outside")), (NR["openat"], AT_FDCWD, ptr(b"x"), W, 0o644)],
    fn=lambda: open("x", "w").close())
assert os.path.exists("x")
os.chdir(d)
assert sorted(os.listdir(os.path.join(d, "outside"))) == ["x"]
"""


def run_nat(tmp_path, text):
    script = tmp_path / "s.py"
    script.write_text(text)
    work = tmp_path / "w"
    work.mkdir()
    env = build_audit_then(tmp_path)
    return monitor(SYSTEM_PYTHON, script, work, tmp_path / "o.jsonl", env=env), work


def why(what):
    return f"its {what} is an object the hook does not read: not compared"


def test_forged_none_or_object_claims_explain_nothing(tmp_path):
    recs, w = run_nat(tmp_path, FORGED)
    got = [(r["syscall"], r["context"]["event"]) for r in unaudited(recs)]
    assert got == [("openat", "open"), ("chmod", "os.chmod"), ("unlinkat", "os.remove"),
                   ("connect", "socket.connect"), ("socket", "socket.__new__"),
                   ("kill", "os.kill"), ("execve", "os.exec"), ("execve", "os.system")], got
    ind = sorted({(r["event"], r["why"]) for r in recs
                  if r["type"] == "audit" and r.get("verdict") == "indeterminate"})
    assert ind == sorted([("open", why("path")), ("os.chmod", why("path")),
                          ("os.remove", why("path")), ("socket.connect", why("socket")),
                          ("socket.__new__", why("family")), ("os.kill", why("pid")),
                          ("os.exec", why("program")), ("os.system", why("argv"))]), ind
    # none of them was given a counterpart
    assert all(not r["syscalls"] for r in recs
               if r["type"] == "audit" and r.get("verdict") == "indeterminate")


def test_genuine_calls_still_match_and_explain_only_their_own(tmp_path):
    recs, w = run_nat(tmp_path, GENUINE)
    got = [(r["syscall"], r["context"]["event"]) for r in unaudited(recs)]
    assert got == [("sendmsg", "socket.sendmsg"), ("connect", "socket.connect"),
                   ("openat", "open")], got
    [sm] = [r for r in recs if r["type"] == "audit" and r["event"] == "socket.sendmsg"]
    assert sm["verdict"] == "matched" and sm["args"]["address"] is None
    # the port P(9) is read by its value: the event explains its own connect, not the native
    # one to 127.0.0.3:5555 (unaudited above)
    [c] = [r for r in recs if r["type"] == "audit" and r["event"] == "socket.connect"
           and isinstance(r["args"]["address"][1], dict)]
    assert c["args"]["address"][1] == {"object": "P", "attrs": {"value": 9}}, c
    assert c["verdict"] == "matched", c
    [o] = [r for r in recs if r["type"] == "audit" and r["event"] == "open"
           and r["args"]["path"] == "x"]
    assert o["verdict"] == "matched", o
    flagged = [r for r in unaudited(recs) if r["syscall"] == "openat"]
    assert flagged[0]["args"]["filename"] == "x" and flagged[0]["ret"] >= 0
