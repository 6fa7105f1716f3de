# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Forged explanations (issue 8, item 6): an audit event raised by hand with sys.audit() must not
explain what native code does after it. A forged composite (shutil.rmtree of "/") explains only
right after its own sub-events, one syscall each (corr_engine.c, COMPOSITE_GAP_NS); a forged
relative open("x") does not explain an openat(fd, "x") on another directory (corr_rules.c
same_dir). The same steps done through the audited Python API give no finding.
docs/correlation.md, "Forged explanations"."""
import json
import shutil

import pytest

from conftest import MONITOR, PYTHONS, SYSTEM_PYTHON, needs_root_bpf, run
from correlate_util import built, findings, monitor, unaudited
from pyxjson import plain

pytestmark = needs_root_bpf

FORGED_RMTREE = r"""
import ctypes, os, sys
d = sys.argv[1]
victims = [os.path.join(d, "victim%d" % i) for i in range(2)]
for v in victims:
    open(v, "w").close()
made = os.path.join(d, "made")
libc = ctypes.CDLL(None)
unlink, libc_open, close = libc.unlink, libc.open, libc.close
sys.audit("shutil.rmtree", "/", None)
assert unlink(victims[0].encode()) == 0
fd = libc_open(made.encode(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
assert fd >= 0
close(fd)
# a genuine sub-event of the forged composite: its own syscall uses up what it may explain
os.listdir(d)
assert unlink(victims[1].encode()) == 0
"""

REAL_RMTREE = r"""
import os, shutil, sys
d = sys.argv[1]
tree = os.path.join(d, "tree")
os.makedirs(os.path.join(tree, "sub"))
for name in ("a", "sub/b", "sub/c"):
    with open(os.path.join(tree, name), "w") as f:
        f.write("x")
shutil.rmtree(tree)
assert not os.path.exists(tree)
"""

FORGED_RELATIVE_OPEN = r"""
import ctypes, os, sys
os.chdir(sys.argv[1])
os.mkdir("other")
dfd = os.open("other", os.O_RDONLY | os.O_DIRECTORY)
libc = ctypes.CDLL(None)
openat, close = libc.openat, libc.close
sys.audit("open", "x", "w", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
fd = openat(dfd, b"x", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
assert fd >= 0
close(fd)
"""

REAL_RELATIVE_OPEN = r"""
import os, sys
os.chdir(sys.argv[1])
os.mkdir("other")
with open("other/x", "w") as f:
    f.write("x")
dfd = os.open("other", os.O_RDONLY | os.O_DIRECTORY)
with open("x", "w") as f:
    f.write("y")
# os.open's "open" event carries no dir_fd: a read through a directory fd matches by name
fd = os.open("x", os.O_RDONLY, dir_fd=dfd)
assert os.read(fd, 1) == b"x"
os.close(fd)
"""


def run_script(tmp_path, text):
    script = tmp_path / "s.py"
    script.write_text(text)
    work = tmp_path / "w"
    work.mkdir()
    return monitor(SYSTEM_PYTHON, script, work, tmp_path / "o.jsonl"), work


def flagged(recs):
    return [(r["syscall"], r["args"].get("filename") or r["args"].get("pathname"),
             r["context"]["event"]) for r in unaudited(recs)]


def test_forged_rmtree_explains_nothing_native_code_does_after_it(tmp_path):
    recs, w = run_script(tmp_path, FORGED_RMTREE)
    assert flagged(recs) == [("unlink", f"{w}/victim0", "shutil.rmtree"),
                             ("openat", f"{w}/made", "shutil.rmtree"),
                             ("unlink", f"{w}/victim1", "os.listdir")]
    made = [r for r in unaudited(recs) if r["syscall"] == "openat"][0]
    assert made["args"]["flags"] == "O_WRONLY|O_CREAT|O_TRUNC" and made["ret"] >= 0
    # the forged event still collects what it claims, for its own verdict
    [rm] = [r for r in recs if r["type"] == "audit" and r["event"] == "shutil.rmtree"]
    assert rm["verdict"] == "matched"
    assert [s["syscall"] for s in rm["syscalls"]] == ["unlink", "openat", "openat", "unlink"]
    assert [r for r in findings(recs) if r.get("verdict") != "unaudited"] == []


def test_real_rmtree_gives_no_finding(tmp_path):
    recs, _ = run_script(tmp_path, REAL_RMTREE)
    assert findings(recs) == []
    [rm] = [r for r in recs if r["type"] == "audit" and r["event"] == "shutil.rmtree"]
    assert rm["verdict"] == "matched"
    assert {"unlinkat", "rmdir"} <= {s["syscall"] for s in rm["syscalls"]}


def test_forged_relative_open_does_not_explain_openat_on_another_directory(tmp_path):
    recs, w = run_script(tmp_path, FORGED_RELATIVE_OPEN)
    [forged] = [r for r in recs if r["type"] == "audit" and r["event"] == "open"
                and r["args"]["path"] == "x" and r["args"]["mode"] == "w"]
    assert forged["verdict"] == "mismatch" and forged["why"] == "directory differs"
    assert [s["args"]["filename"] for s in forged["syscalls"]] == ["x"]
    [u] = unaudited(recs)
    assert u["syscall"] == "openat" and u["args"]["filename"] == "x" and u["ret"] >= 0
    assert u["args"]["flags"] == "O_WRONLY|O_CREAT|O_TRUNC"
    assert u["args"]["dfd"] != -100 and u["context"]["event"] == "open"
    assert (w / "other" / "x").exists() and not (w / "x").exists()
    assert len(findings(recs)) == 2


def test_real_relative_opens_give_no_finding(tmp_path):
    recs, _ = run_script(tmp_path, REAL_RELATIVE_OPEN)
    assert findings(recs) == []
    opens = [r for r in recs if r["type"] == "audit" and r["event"] == "open"
             and r["args"]["path"] in ("x", "other/x")]
    assert [r["verdict"] for r in opens] == ["matched"] * 3


FORGED_OBJECT_PATH = r"""
import ctypes, os, sys
d = sys.argv[1]
victim = os.path.join(d, "victim")
open(victim, "w").close()
made = os.path.join(d, "made")
libc = ctypes.CDLL(None)
unlink, libc_open, close = libc.unlink, libc.open, libc.close
# an object the hook does not read (a released memoryview: no bytes left to show)
gone = memoryview(b"/nowhere")
gone.release()
sys.audit("os.remove", gone, -1)
assert unlink(victim.encode()) == 0
sys.audit("open", object(), "w", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
fd = libc_open(made.encode(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
assert fd >= 0
close(fd)
"""


def test_forged_object_path_explains_nothing(tmp_path):
    """A path the monitor cannot read used to be "not compared", which matched every
    counterpart: a forged event naming an object explained any unlink or write open."""
    recs, w = run_script(tmp_path, FORGED_OBJECT_PATH)
    assert flagged(recs) == [("unlink", f"{w}/victim", "os.remove"),
                             ("openat", f"{w}/made", "open")]
    forged = [r for r in recs if r["type"] == "audit" and r["event"] in ("os.remove", "open")
              and isinstance(r["args"]["path"], dict)]
    assert [(r["event"], r["verdict"], r["why"], r["syscalls"]) for r in forged] == [
        (e, "indeterminate", "its path is an object the hook does not read: not compared", [])
        for e in ("os.remove", "open")]


FORGED_EXEC_FD = r"""
import ctypes, sys
libc = ctypes.CDLL(None)
execv = libc.execv
argv = (ctypes.c_char_p * 2)(b"true", None)
# os.execve(3, ...) would be fexecve(3): execveat(3, "", AT_EMPTY_PATH) and nothing else
sys.audit("os.exec", 3, ["true"], {})
execv(b"/bin/true", argv)
"""


def test_forged_exec_of_an_fd_explains_no_other_exec(tmp_path):
    """os.exec with an fd used to compare argv alone (no program to compare): a forged one
    explained an exec of any program with the same argv."""
    recs, _ = run_script(tmp_path, FORGED_EXEC_FD)
    assert [(r["syscall"], r["args"]["filename"], r["context"]["event"])
            for r in unaudited(recs)] == [("execve", "/bin/true", "os.exec")]
    [ex] = [r for r in recs if r["type"] == "audit" and r["event"] == "os.exec"]
    assert (ex["verdict"], ex["why"]) == ("mismatch", "program differs")


FORGED_EXEC_DEVFD = r"""
import ctypes, mmap, os, sys
libc = ctypes.CDLL(None)
fd = os.open("/usr/bin/true", os.O_RDONLY)
assert fd == 3, fd
# the caller's own absolute "/dev/fd/3", in a file-backed page never touched: read at neither end
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 4096, flags=mmap.MAP_PRIVATE,
                  prot=mmap.PROT_READ | mmap.PROT_WRITE)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
argv = (ctypes.c_char_p * 2)(b"true", None)
envp = (ctypes.c_char_p * 1)(None)
syscall = libc.syscall
syscall.restype = ctypes.c_long
pid = os.fork()
if pid == 0:
    sys.audit("os.exec", 3, ["true"], {})
    syscall(322, 3, ctypes.c_void_p(addr), argv, envp, 0x1000)  # execveat, AT_EMPTY_PATH
    os._exit(9)
os.waitpid(pid, 0)
"""


def test_forged_exec_of_an_fd_with_its_own_devfd_name(tmp_path):
    """execveat(3, "/dev/fd/3", AT_EMPTY_PATH) with that absolute name unread runs whatever
    /dev/fd/3 is in the caller's mount namespace (here /usr/bin/id on a tmpfs /dev), and the
    kernel's name of it reads "/dev/fd/3" too. Only a name the kernel made (PYX_PRF_KNAME,
    bprm->filename == bprm->fdpath) may stand in for an unread filename."""
    if not shutil.which("unshare"):
        pytest.skip("skipped: no unshare(1)")
    built()
    script = tmp_path / "s.py"
    script.write_text(FORGED_EXEC_DEVFD)
    data = tmp_path / "devfd.bin"
    data.write_bytes(b"/dev/fd/3\0".ljust(4096, b"\0"))
    out = tmp_path / "o.jsonl"
    sh = ("mount -t tmpfs none /dev && mkdir /dev/fd && cp /usr/bin/id /dev/fd/3 && "
          f"exec {SYSTEM_PYTHON} {script} {data}")
    r = run([str(MONITOR), "-j", "-o", str(out), "--", "unshare", "-m", "/bin/sh", "-c", sh],
            timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [plain(json.loads(x)) for x in out.read_text().splitlines()]
    assert any(x["type"] == "process" and x.get("filename") == "/dev/fd/3" for x in recs)
    [sc] = [x for x in recs if x["type"] == "syscall" and x["syscall"] == "execveat"]
    assert sc.get("verdict") == "unaudited", sc
    [ex] = [x for x in recs if x["type"] == "audit" and x["event"] == "os.exec"]
    assert ex["verdict"] != "matched", ex


FORGED_POPEN_JOINED_PATH = r"""
import ctypes, os, pathlib, sys
libc = ctypes.CDLL(None)
fork, execv, _exit = libc.fork, libc.execv, libc._exit  # looked up now: no ctypes.dlsym after
argv = (ctypes.c_char_p * 2)(b"/usr/bin/true", None)  # the argv Popen([p]) would give
d = pathlib.Path("/usr//bin/")
for name in ("false", "true"):
    # a path joined from pieces, not parsed yet (3.12+: its pieces in '_raw_paths'); then a
    # native fork and exec of /usr/bin/true, which no audit event of its own announces
    p = d / "." / name
    sys.audit("subprocess.Popen", p, [p], None, None)
    pid = fork()
    if pid == 0:
        execv(b"/usr/bin/true", argv)
        _exit(9)
    os.waitpid(pid, 0)
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_forged_popen_of_a_joined_path_explains_only_that_program(python, tmp_path):
    """The hook reads a pathlib path joined from pieces (3.12+: joined and parsed in C) as the
    str CPython would exec, and that str is compared: a forged Popen of /usr//bin/./false does
    not explain an exec of /usr/bin/true; of /usr//bin/./true it does. Before, on 3.12+ neither
    was read (both execs unaudited, the events indeterminate)."""
    script = tmp_path / "s.py"
    script.write_text(FORGED_POPEN_JOINED_PATH)
    work = tmp_path / "w"
    work.mkdir()
    recs = monitor(python, script, work, tmp_path / "o.jsonl")
    assert [(r["syscall"], r["args"]["filename"], r["context"]["event"])
            for r in unaudited(recs)] == [("execve", "/usr/bin/true", "subprocess.Popen")]
    pop = [r for r in recs if r["type"] == "audit" and r["event"] == "subprocess.Popen"]
    # each explains its clone; only the second explains the child's exec (the unaudited above)
    assert [(r["args"]["executable"], r["verdict"]) for r in pop] == [
        ({"object": "PosixPath", "attrs": {"value": "/usr/bin/false"}}, "matched"),
        ({"object": "PosixPath", "attrs": {"value": "/usr/bin/true"}}, "matched")], pop
