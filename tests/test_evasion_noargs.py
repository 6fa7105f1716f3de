# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""What an event that compares no argument, a loader, mmap.__new__, signal.pthread_kill or a
process-creating event may explain (docs/correlation.md, "Events that compare no argument",
"Loaders' maps"). Native code (tests/corpus/evasion/audit_then.c) raises an event with
PySys_Audit, as a forged sys.audit() does, or calls the genuine Python API, then makes raw
syscalls with no audit event in between: each act is `unaudited`. The genuine API alone gives no
finding."""
from conftest import SYSTEM_PYTHON, needs_root_bpf
from correlate_util import AUDIT_THEN_PY, build_audit_then, findings, monitor, unaudited

pytestmark = needs_root_bpf

PRELUDE = AUDIT_THEN_PY + r"""
W = sys.argv[1]
NR = dict(openat=257, connect=42, sendto=44, execve=59, tgkill=234, mmap=9, mprotect=10,
          clone=56)
AT_FDCWD = -100
WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
libc = ctypes.CDLL(None)

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
PORT = srv.getsockname()[1]
"""

# Forged events of the rows that compared nothing, then what they explained before.
FORGED = PRELUDE + r"""
fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
run("syslog.syslog", (6, "x"), [(NR["connect"], fd, *sin("127.0.0.1", PORT))])
u = libc.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
run("http.client.send", (None, b"x"), [(NR["sendto"], u, ptr(b"exfil"), 5, 0,
                                         *sin("127.0.0.1", 9))])
run("os.forkpty", (), [(NR["openat"], AT_FDCWD, ptr(os.path.join(W, "forkpty").encode()),
                        WRITE, 0o644)])
pid = os.fork()
if pid == 0:
    run("webbrowser.open", ("http://x", 0, True),
        [(NR["execve"], ptr(b"/bin/true"), argv("true"), 0)])
    os._exit(9)
os.waitpid(pid, 0)
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET, SIGCHLD = 0x20000, 0x10000000, 0x40000000, 17
r = run("os.fork", (), [(NR["clone"], CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS | SIGCHLD)])
if r == 0:
    os._exit(0)
os.waitpid(r, 0)
"""

# Genuine calls of the Python API, then a native act each explained before.
GENUINE = PRELUDE + r"""
import mmap, signal, subprocess, syslog, threading
fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
run(None, None, [(NR["connect"], fd, *sin("127.0.0.1", PORT))], fn=lambda: syslog.syslog("x"))
signal.signal(signal.SIGTERM, lambda *a: None)
victim = subprocess.Popen(["/bin/sleep", "30"])
me = threading.get_ident()
run(None, None, [(NR["tgkill"], victim.pid, victim.pid, signal.SIGTERM)],
    fn=lambda: signal.pthread_kill(me, signal.SIGTERM))
assert victim.wait() == -signal.SIGTERM
maps = []
run(None, None, [(NR["mmap"], 0, 4096, 7, 0x22, -1, 0)],
    fn=lambda: maps.append(mmap.mmap(-1, 4096)))
buf = ctypes.create_string_buffer(8192)
page = (ctypes.addressof(buf) + 4095) & ~4095
run(None, None, [(NR["mmap"], 0, 4096, 7, 0x22, -1, 0), (NR["mprotect"], page, 4096, 7)],
    fn=lambda: ctypes.CDLL("libanl.so.1"))
res = []
run(None, None, [(NR["openat"], AT_FDCWD, ptr(os.path.join(W, "forkpty").encode()), WRITE,
                  0o644)], fn=lambda: res.append(os.forkpty()))
if res[0][0] == 0:
    os._exit(0)
os.waitpid(res[0][0], 0)
"""

# The same Python API alone.
CLEAN = r"""
import ctypes, mmap, os, pty, signal, sys, syslog, threading
w = sys.argv[1]
syslog.syslog("pyxcheck test")
syslog.closelog()
pid, fd = os.forkpty()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
os.close(fd)
pid, fd = pty.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
os.close(fd)
ctypes.CDLL("libanl.so.1")
import _queue
m = mmap.mmap(-1, 4096)
m.close()
code = os.path.join(w, "code.bin")
with open(code, "wb") as f:
    f.write(b"\xc3" * 4096)
with open(code, "rb") as f:
    m = mmap.mmap(f.fileno(), 4096, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_EXEC)
    m.close()
signal.pthread_kill(threading.get_ident(), signal.SIGURG)
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
"""


def run_script(tmp_path, text):
    work = tmp_path / "w"
    work.mkdir()
    env = build_audit_then(work)
    script = tmp_path / "s.py"
    script.write_text(text)
    return monitor(SYSTEM_PYTHON, script, work, tmp_path / "o.jsonl", env=env), work


def flagged(recs):
    return [(r["syscall"], r["context"]["event"]) for r in unaudited(recs)]


def test_forged_noargs_and_fork_events_explain_no_native_act(tmp_path):
    recs, w = run_script(tmp_path, FORGED)
    assert flagged(recs) == [("connect", "syslog.syslog"), ("sendto", "http.client.send"),
                             ("openat", "os.forkpty"), ("execve", "webbrowser.open"),
                             ("clone", "os.fork")]
    by = {r["syscall"]: r for r in unaudited(recs)}
    assert by["connect"]["args"]["uservaddr"]["family"] == "AF_INET"
    assert by["sendto"]["args"]["addr"] == {"family": "AF_INET", "addr": "127.0.0.1", "port": 9}
    assert by["openat"]["args"]["filename"] == f"{w}/forkpty"
    assert by["execve"]["args"]["filename"] == "/bin/true" and by["execve"]["ret"] == 0
    assert by["clone"]["args"]["clone_flags"] == "CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWNET|SIGCHLD"
    assert [r for r in findings(recs) if r.get("verdict") != "unaudited"] == []


def test_genuine_events_explain_no_native_act_after_them(tmp_path):
    recs, w = run_script(tmp_path, GENUINE)
    got = flagged(recs)
    # the forked child makes the open too, before its os._exit
    assert got == [("connect", "syslog.openlog"), ("tgkill", "signal.pthread_kill"),
                   ("mmap", "mmap.__new__"), ("mmap", "ctypes.dlopen"), ("mprotect", "ctypes.dlopen"),
                   ("openat", "os.forkpty"), ("openat", "os.forkpty")], got
    by = [(r["syscall"], r["args"]) for r in unaudited(recs)]
    tgk = unaudited(recs)[1]
    assert tgk["args"]["sig"] == "SIGTERM" and tgk["args"]["tgid"] != tgk["pid"]
    assert by[2][1]["prot"] == by[3][1]["prot"] == "PROT_READ|PROT_WRITE|PROT_EXEC"
    assert by[2][1]["flags"] == "MAP_PRIVATE|MAP_ANONYMOUS"
    assert by[4][1]["prot"] == "PROT_READ|PROT_WRITE|PROT_EXEC"
    assert {a["filename"] for s, a in by[5:]} == {f"{w}/forkpty"}
    assert [r for r in findings(recs) if r.get("verdict") != "unaudited"] == []
    # the genuine events still pair with what they did
    ev = {r["event"]: r for r in recs if r["type"] == "audit" and "verdict" in r}
    for name in ("syslog.openlog", "signal.pthread_kill", "ctypes.dlopen", "os.forkpty"):
        assert ev[name]["verdict"] == "matched", ev[name]


def test_genuine_api_alone_gives_no_finding(tmp_path):
    recs, _ = run_script(tmp_path, CLEAN)
    assert findings(recs) == []
    aud = [r for r in recs if r["type"] == "audit" and "verdict" in r]

    def calls(name):
        return [[s["syscall"] for s in r["syscalls"]] for r in aud if r["event"] == name]

    assert calls("os.forkpty") == [["openat", "clone"]] * 2
    assert all(c == ["clone"] for c in calls("os.fork"))
    assert ["mmap"] in calls("mmap.__new__")  # the file's executable map
    assert all(c and set(c) <= {"openat", "mmap"} for c in calls("ctypes.dlopen")
               if c), calls("ctypes.dlopen")
    assert calls("signal.pthread_kill") == [["tgkill"]]
