# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Issue 8, item 4: syscalls that do what an audited operation does by another door. Each technique
runs alone under `pyxcheck -- python3 tests/corpus/evasion/with_args/syscalls.py WORKDIR
TECHNIQUE`, calling libc through ctypes, and must give exactly its `unaudited` records (syscall,
decoded arguments, acting thread); the same script with the audited Python API instead gives no alarm
(docs/correlation.md, "Equivalent syscalls")."""
import json
import socket

import pytest

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run
from pyxjson import plain
from correlate_util import CORPUS, built, findings, unaudited

SCRIPT = CORPUS / "evasion" / "with_args" / "syscalls.py"
SIGURG = "SIGURG"
AT_FDCWD = -100


def monitor(tmp_path, tech, *extra, probes=()):
    built()
    work = tmp_path / "w"
    work.mkdir()
    out = tmp_path / "o.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(out), *probes, "--", SYSTEM_PYTHON, str(SCRIPT),
             str(work), tech, *extra], timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [plain(json.loads(line)) for line in out.read_text().splitlines()]
    who = json.loads((work / "who.json").read_text())
    return recs, who, work


def flagged(recs, who):
    """The unaudited records, each checked to come from the acting thread, as (syscall, args)."""
    got = []
    for r in unaudited(recs):
        assert (r["pid"], r["tid"]) == (who["pid"], who["tid"]), r
        assert r["context"]["event"], r  # what the thread did last, as Python saw it
        got.append((r["syscall"], r["args"]))
    assert [r for r in findings(recs) if r.get("verdict") != "unaudited"] == []
    return got


def entry_only(recs, name):
    """Entry-only rows carry at_entry and no result."""
    for r in recs:
        if r["type"] == "syscall" and r["syscall"] == name:
            assert r["at_entry"] is True and "ret" not in r and "latency_ns" not in r


@needs_root_bpf
def test_fchmodat2(tmp_path):
    recs, who, work = monitor(tmp_path, "fchmodat2")
    assert flagged(recs, who) == [("fchmodat2", {"dfd": AT_FDCWD, "filename": str(work / "f"),
                                                 "mode": "0600", "flags": "0"})]
    entry_only(recs, "fchmodat2")


@needs_root_bpf
def test_name_to_handle_at_then_open_by_handle_at_for_writing(tmp_path):
    recs, who, work = monitor(tmp_path, "open_by_handle_at")
    got = flagged(recs, who)
    assert [s for s, _ in got] == ["name_to_handle_at", "open_by_handle_at"]
    n, o = got[0][1], got[1][1]
    assert n["dfd"] == AT_FDCWD and n["name"] == str(work / "f") and n["flag"] == "0"
    assert o["flags"] == "O_WRONLY" and o["handle"] == n["handle"]


@needs_root_bpf
def test_pkey_mprotect_exec(tmp_path):
    recs, who, _ = monitor(tmp_path, "pkey_mprotect")
    assert flagged(recs, who) == [("pkey_mprotect", {"start": hex(who["addr"]), "len": 4096,
                                                     "prot": "PROT_READ|PROT_EXEC", "pkey": -1})]


@needs_root_bpf
def test_personality_read_implies_exec(tmp_path):
    recs, who, _ = monitor(tmp_path, "personality")
    # the query (0xffffffff) and the restore (no READ_IMPLIES_EXEC) make no record at all
    assert [r["args"] for r in recs if r.get("syscall") == "personality"] == \
        [{"personality": "PER_LINUX|READ_IMPLIES_EXEC"}]
    assert flagged(recs, who) == [("personality", {"personality": "PER_LINUX|READ_IMPLIES_EXEC"})]


@needs_root_bpf
def test_shmat_exec(tmp_path):
    recs, who, _ = monitor(tmp_path, "shmat")
    assert flagged(recs, who) == [("shmat", {"shmid": who["shmid"], "shmaddr": "0x0",
                                             "shmflg": "SHM_EXEC"})]


@needs_root_bpf
@pytest.mark.parametrize("tech,arg", [("sendmsg", "msg"), ("sendmmsg", "mmsg")])
def test_sendmsg_with_a_destination(tmp_path, tech, arg):
    recs, who, _ = monitor(tmp_path, tech)
    assert flagged(recs, who) == [(tech, {"fd": who["fd"], arg: {
        "family": "AF_INET", "addr": "127.0.0.1", "port": who["port"]}, "flags": "0"}
        | ({"vlen": 1} if tech == "sendmmsg" else {}))]


@needs_root_bpf
def test_tkill(tmp_path):
    recs, who, _ = monitor(tmp_path, "tkill")
    assert flagged(recs, who) == [("tkill", {"pid": who["tid"], "sig": SIGURG})]


@needs_root_bpf
def test_rt_sigqueueinfo(tmp_path):
    recs, who, _ = monitor(tmp_path, "rt_sigqueueinfo")
    [(name, args)] = flagged(recs, who)
    assert name == "rt_sigqueueinfo" and args["pid"] == who["pid"] and args["sig"] == SIGURG
    assert args["uinfo"].startswith("0x")


@needs_root_bpf
def test_rt_tgsigqueueinfo(tmp_path):
    recs, who, _ = monitor(tmp_path, "rt_tgsigqueueinfo")
    [(name, args)] = flagged(recs, who)
    assert name == "rt_tgsigqueueinfo" and args["sig"] == SIGURG
    assert (args["tgid"], args["pid"]) == (who["pid"], who["tid"])


@needs_root_bpf
def test_pidfd_send_signal(tmp_path):
    recs, who, _ = monitor(tmp_path, "pidfd_send_signal")
    assert flagged(recs, who) == [("pidfd_send_signal", {"pidfd": who["pidfd"], "sig": SIGURG,
                                                         "info": None, "flags": "0x0"})]


@needs_root_bpf
def test_ptrace_attach_and_poke(tmp_path):
    recs, who, _ = monitor(tmp_path, "ptrace")
    assert flagged(recs, who) == [
        ("ptrace", {"request": "PTRACE_ATTACH", "pid": who["child"], "addr": "0x0",
                    "data": "0x0"}),
        ("ptrace", {"request": "PTRACE_POKEDATA", "pid": who["child"], "addr": hex(who["addr"]),
                    "data": "0x41"})]
    # PTRACE_DETACH is not an attack: filtered at entry, never recorded
    assert [r["args"]["request"] for r in recs if r.get("syscall") == "ptrace"] == \
        ["PTRACE_ATTACH", "PTRACE_POKEDATA"]


@needs_root_bpf
def test_process_vm_writev(tmp_path):
    recs, who, _ = monitor(tmp_path, "process_vm_writev")
    [(name, args)] = flagged(recs, who)
    assert name == "process_vm_writev" and args["pid"] == who["pid"]
    assert (args["liovcnt"], args["riovcnt"], args["flags"]) == (1, 1, "0x0")


@needs_root_bpf
def test_mknod_device_is_flagged_and_mknodat_fifo_recorded(tmp_path):
    recs, who, work = monitor(tmp_path, "mknod")
    assert flagged(recs, who) == [
        ("mknod", {"filename": str(work / "null"), "mode": "S_IFCHR|0666", "dev": "1:3"})]
    # a FIFO is recorded, not an alarm (docs/correlation.md: CPython has no os.mkfifo event)
    [fifo] = [r for r in recs if r["type"] == "syscall" and r["syscall"] == "mknodat"]
    assert fifo["args"] == {"dfd": AT_FDCWD, "filename": str(work / "fifo"),
                            "mode": "S_IFIFO|0600", "dev": "0:0"}
    assert "verdict" not in fifo


@needs_root_bpf
def test_setxattr_security_namespace(tmp_path):
    recs, who, work = monitor(tmp_path, "setxattr")
    got = flagged(recs, who)
    assert [(s, a["name"], a.get("pathname", a.get("fd"))) for s, a in got] == [
        ("setxattr", "security.pyxcheck", str(work / "f")),
        ("lsetxattr", "security.pyxcheck", str(work / "f")),
        ("fsetxattr", "security.pyxcheck", who["fd"])]
    assert all(a["size"] == 1 and a["flags"] == "0" for _, a in got)
    # user.* is recorded but not an alarm
    user = [r for r in recs if r.get("syscall") == "setxattr"
            and r["args"]["name"] == "user.pyxcheck"]
    assert len(user) == 1 and "verdict" not in user[0]


@needs_root_bpf
def test_utime_utimes_futimesat_timestomping(tmp_path):
    """utimensat's older doors (os.utime never uses them): a path's times set natively is
    unaudited, whatever the door; futimesat(fd, NULL), futimes of an open file, is recorded only
    (as utimensat(fd, NULL) is)."""
    recs, who, work = monitor(tmp_path, "utime")
    f = str(work / "f")
    assert flagged(recs, who) == [
        ("utime", {"filename": f, "times": None}),
        ("utimes", {"filename": f, "utimes": hex(who["tv"])}),
        ("futimesat", {"dfd": AT_FDCWD, "filename": f, "utimes": None})]
    [fd] = [r for r in recs if r.get("syscall") == "futimesat" and r["args"]["dfd"] != AT_FDCWD]
    assert fd["args"] == {"dfd": who["fd"], "filename": None, "utimes": hex(who["tv"])}
    assert "verdict" not in fd
    for name in ("utime", "utimes", "futimesat"):
        entry_only(recs, name)


@needs_root_bpf
def test_setrlimit(tmp_path):
    """prlimit64's older door (resource.setrlimit is prlimit64): a limit set natively is
    unaudited; a NULL limit sets nothing and is recorded only."""
    recs, who, _ = monitor(tmp_path, "setrlimit")
    assert flagged(recs, who) == [
        ("setrlimit", {"resource": "RLIMIT_NOFILE", "rlim": {"cur": 64, "max": who["max"]}})]
    [null] = [r for r in recs if r.get("syscall") == "setrlimit" and r["args"]["rlim"] is None]
    assert null["args"]["resource"] == "RLIMIT_CORE" and "verdict" not in null
    entry_only(recs, "setrlimit")


@needs_root_bpf
def test_setxattrat_security_namespace(tmp_path):
    """setxattrat (6.13), setxattr's newer door, judged as setxattr: security.* is unaudited,
    user.* recorded only. Its value, size and flags are behind uargs (struct xattr_args)."""
    recs, who, work = monitor(tmp_path, "setxattrat")
    args = {"dfd": AT_FDCWD, "pathname": str(work / "f"), "at_flags": "0",
            "uargs": hex(who["uargs"]), "usize": 16}
    assert flagged(recs, who) == [("setxattrat", args | {"name": "security.pyxcheck"})]
    user = [r for r in recs if r.get("syscall") == "setxattrat"
            and r["args"]["name"] == "user.pyxcheck"]
    assert len(user) == 1 and "verdict" not in user[0]
    entry_only(recs, "setxattrat")


@needs_root_bpf
def test_removexattr_security_namespace(tmp_path):
    """os.removexattr's own syscalls and removexattrat (6.13), called natively: taking a
    security.* xattr away (file capabilities, IMA, a SELinux label) is unaudited by each door;
    user.* is recorded only. The audited os.setxattr that sets each one again pairs."""
    recs, who, work = monitor(tmp_path, "removexattr")
    f, sec = str(work / "f"), "security.pyxcheck"
    assert flagged(recs, who) == [
        ("removexattr", {"pathname": f, "name": sec}),
        ("lremovexattr", {"pathname": f, "name": sec}),
        ("fremovexattr", {"fd": who["fd"], "name": sec}),
        ("removexattrat", {"dfd": AT_FDCWD, "pathname": f, "at_flags": "0", "name": sec})]
    user = [r for r in recs if r.get("syscall") == "removexattr"
            and r["args"]["name"] == "user.pyxcheck"]
    assert len(user) == 1 and "verdict" not in user[0]
    for name in ("removexattr", "lremovexattr", "fremovexattr", "removexattrat"):
        entry_only(recs, name)


@needs_root_bpf
def test_posix_acl_by_the_xattr_doors(tmp_path):
    """A POSIX ACL set or taken away natively grants what a chmod grants: unaudited like a native
    chmod (the ACL's value is not read: any change of system.posix_acl_* is one)."""
    recs, who, work = monitor(tmp_path, "acl")
    f, name = str(work / "f"), "system.posix_acl_access"
    got = flagged(recs, who)
    assert [(s, a["name"], a["pathname"]) for s, a in got] == [
        ("setxattr", name, f), ("removexattrat", name, f)]
    assert got[0][1]["size"] == who["size"]


@needs_root_bpf
def test_clone_into_new_namespaces(tmp_path):
    """clone and clone3 with CLONE_NEW* flags do for a child what unshare does for the caller:
    unaudited like unshare; os.fork's clone (no namespace) is not (the audited run)."""
    recs, who, _ = monitor(tmp_path, "clone_ns")
    assert flagged(recs, who) == [
        ("clone", {"clone_flags": "CLONE_NEWNS|CLONE_NEWUSER|SIGCHLD", "newsp": None,
                   "parent_tidptr": None, "child_tidptr": None, "tls": "0x0"}),
        ("clone3", {"uargs": {"flags": "CLONE_NEWUTS|CLONE_NEWNET", "exit_signal": "SIGCHLD"},
                    "size": 64})]
    rets = [r["ret"] for r in recs if r.get("syscall") in ("clone", "clone3")
            and r.get("verdict") == "unaudited"]
    assert rets == [who["child"], who["child3"]]


@needs_root_bpf
def test_packet_and_raw_sockets(tmp_path):
    recs, who, _ = monitor(tmp_path, "raw_socket")
    assert flagged(recs, who) == [
        ("socket", {"family": "AF_PACKET", "type": "SOCK_RAW", "protocol": socket.htons(3)}),
        ("socket", {"family": "AF_INET", "type": "SOCK_RAW", "protocol": 1})]


@needs_root_bpf
@pytest.mark.parametrize("probes", [(), ("--syscall-probes", "per-syscall")])
def test_tiocsti_terminal_input_injection(tmp_path, probes):
    """ioctl(TIOCSTI) pushes input into a terminal as if typed there. Traced for that request
    only (filtered at entry: TIOCGWINSZ makes no record), by the raw and the per-syscall
    tracepoints; a request with its upper 32 bits set is still TIOCSTI to the kernel."""
    recs, who, _ = monitor(tmp_path, "tiocsti", probes=probes)
    args = {"fd": who["fd"], "cmd": "0x5412", "arg": hex(who["arg"])}
    assert flagged(recs, who) == [("ioctl", args), ("ioctl", args | {"cmd": "0x100005412"})]
    assert [r for r in recs if r.get("syscall") == "ioctl" and r["args"]["cmd"] != "0x5412"
            and r["args"]["cmd"] != "0x100005412"] == []
    entry_only(recs, "ioctl")


AUDITED = {
    "fchmodat2": ("os.chmod", {"chmod", "fchmodat", "fchmodat2"}),
    "pkey_mprotect": ("mmap.__new__", {"mmap"}),
    "sendmsg": ("socket.sendmsg", {"sendmsg"}),
    "tkill": ("signal.pthread_kill", {"tgkill", "tkill"}),
    "rt_sigqueueinfo": ("os.kill", {"kill"}),
    "rt_tgsigqueueinfo": ("signal.pthread_kill", {"tgkill", "tkill"}),
    "pidfd_send_signal": ("os.kill", {"kill"}),
    "setxattr": ("os.setxattr", {"setxattr", "lsetxattr", "fsetxattr"}),
    "raw_socket": ("socket.__new__", {"socket"}),
    # Python's own doors: os.utime is utimensat, resource.setrlimit prlimit64, os.setxattr
    # setxattr; os.removexattr makes the new rows removexattr, lremovexattr and fremovexattr
    "utime": ("os.utime", {"utimensat"}),
    "setrlimit": ("resource.setrlimit", {"prlimit64"}),
    "setxattrat": ("os.setxattr", {"setxattr"}),
    "removexattr": ("os.removexattr", {"removexattr", "lremovexattr", "fremovexattr"}),
    "acl": ("os.setxattr", {"setxattr"}),
    "clone_ns": ("os.fork", {"clone", "clone3"}),
    "tiocsti": ("fcntl.ioctl", {"ioctl"}),
}


@needs_root_bpf
@pytest.mark.parametrize("tech", sorted(AUDITED))
def test_audited_python_equivalent_gives_no_alarm(tmp_path, tech):
    recs, who, _ = monitor(tmp_path, tech, "audited")
    assert findings(recs) == []
    event, syscalls = AUDITED[tech]
    ev = [r for r in recs if r["type"] == "audit" and r["event"] == event and "verdict" in r]
    assert ev and all(r["verdict"] == "matched" for r in ev), ev
    assert {s["syscall"] for r in ev for s in r["syscalls"]} <= syscalls


@needs_root_bpf
def test_removexattr_through_per_syscall_tracepoints(tmp_path):
    """The same records from the per-syscall tracepoints that -a, -p and the service attach (one
    sys_enter link per row sent at entry) as from the raw ones of a -- COMMAND session."""
    recs, who, work = monitor(tmp_path, "removexattr", probes=("--syscall-probes", "per-syscall"))
    assert [(s, a["name"]) for s, a in flagged(recs, who)] == [
        (n, "security.pyxcheck") for n in ("removexattr", "lremovexattr", "fremovexattr",
                                           "removexattrat")]


@needs_root_bpf
def test_os_removexattr_pairs_with_each_of_its_syscalls(tmp_path):
    """os.removexattr (path, follow_symlinks=False, fd) of user.* and security.* names: each
    event pairs with the syscall it made, traced since the review of untraced equivalents."""
    recs, who, work = monitor(tmp_path, "removexattr", "audited")
    assert findings(recs) == []
    ev = [(r["verdict"], [(s["syscall"], s["args"]["name"]) for s in r["syscalls"]])
          for r in recs if r["type"] == "audit" and r["event"] == "os.removexattr"]
    sec, usr = "security.pyxcheck", "user.pyxcheck"
    assert ev == [("matched", [("removexattr", usr)]), ("matched", [("removexattr", sec)]),
                  ("matched", [("lremovexattr", sec)]), ("matched", [("fremovexattr", sec)])]


@needs_root_bpf
def test_mkfifo_is_recorded_and_not_an_alarm(tmp_path):
    """CPython raises no audit event for os.mkfifo: a FIFO is not sensitive (the stdlib's tests
    make them), so os.mkfifo gives a mknodat record and no alarm (docs/correlation.md)."""
    recs, who, work = monitor(tmp_path, "mknod", "audited")
    assert unaudited(recs) == []
    [r] = [x for x in recs if x["type"] == "syscall" and x["syscall"] == "mknodat"]
    assert r["args"]["filename"] == str(work / "fifo") and r["args"]["mode"] == "S_IFIFO|0600"
    assert "verdict" not in r


@needs_root_bpf
def test_clone3_child_whose_flags_were_rewritten_is_still_monitored(tmp_path):
    """The BPF side asks the kernel (the child's tgid), not the clone_args in user memory, whether
    a fork made a thread: a clone3(CLONE_PIDFD) that aims its pidfd at its own flags (setting
    CLONE_THREAD there after the kernel's copy) still gets a monitored child, whose native
    pidfd_send_signal to another process is flagged."""
    built()
    work = tmp_path / "w"
    work.mkdir()
    out = tmp_path / "o.jsonl"
    script = CORPUS / "evasion" / "with_args" / "clone3_pidfd_flags.py"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", SYSTEM_PYTHON, str(script), str(work)],
            timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [plain(json.loads(line)) for line in out.read_text().splitlines()]
    who = json.loads((work / "who.json").read_text())
    forks = [x for x in recs if x["type"] == "process" and x.get("child_tid") == who["child"]]
    assert [x.get("thread", False) for x in forks] == [False], forks
    kills = [(x["pid"], x["args"]["sig"], x.get("verdict")) for x in recs
             if x["type"] == "syscall" and x["syscall"] == "pidfd_send_signal"]
    assert kills == [(who["child"], "SIGKILL", "unaudited")], kills
