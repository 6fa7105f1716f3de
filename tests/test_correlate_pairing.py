# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Pairing: every audit event that issue 4 lists is matched with its syscalls, on Debian's python3
and one pyenv version (tests/corpus/pairing/pairing.py does one of each)."""
import os

import pytest

from conftest import SYSTEM_PYTHON, needs_root_bpf, pyenv_python
from correlate_util import CORPUS, findings, monitor

PYENV = pyenv_python("3.12")
PAIR_PYTHONS = [pytest.param(SYSTEM_PYTHON, id="debian-python3"),
                pytest.param(PYENV or "<absent python3.12>", id="pyenv-3.12",
                             marks=[] if PYENV else
                             [pytest.mark.skip(reason="skipped: pyenv python 3.12 not installed")])]


def audits(recs, event, pred=lambda a: True):
    return [r for r in recs if r["type"] == "audit" and r["event"] == event and pred(r["args"])]


def one(recs, event, pred=lambda a: True):
    got = audits(recs, event, pred)
    assert len(got) == 1, (event, [g["args"] for g in got])
    return got[0]


def names(rec):
    return [s["syscall"] for s in rec["syscalls"]]


def path_of(s):
    a = s["args"]
    return a.get("filename") or a.get("pathname") or a.get("path") or a.get("oldname")


def matched(rec, allowed, path=None):
    """Verdict matched, every attached syscall one of `allowed`, one of them on `path`."""
    assert rec["verdict"] == "matched", rec
    assert rec["syscalls"] and set(names(rec)) <= set(allowed), (rec["event"], names(rec))
    if path is not None:
        assert path in [path_of(s) for s in rec["syscalls"]], (rec["event"], rec["syscalls"])
    return rec


@needs_root_bpf
@pytest.mark.parametrize("python", PAIR_PYTHONS)
def test_every_listed_event_pairs(python, tmp_path):
    w = tmp_path / "w"
    w.mkdir()
    W = str(w)
    recs = monitor(python, CORPUS / "pairing" / "pairing.py", w, tmp_path / "o.jsonl")
    assert findings(recs) == []
    arg = lambda k, v: (lambda a: a.get(k) == v)  # noqa: E731

    # files: relative paths are compared as given, absolute ones after resolution
    r = matched(one(recs, "open", lambda a: a["path"] == "f.txt" and a["mode"] == "w"), ["openat"],
                "f.txt")
    assert r["syscalls"][0]["args"]["flags"].startswith("O_WRONLY|O_CREAT|O_TRUNC")
    r = matched(one(recs, "open", arg("path", "missing.txt")), ["openat"], "missing.txt")
    assert r["syscalls"][0]["errno"] == "ENOENT"
    matched(one(recs, "os.listdir", arg("path", W)), ["openat"], W)
    matched(one(recs, "os.scandir", arg("path", ".")), ["openat"], ".")
    r = matched(one(recs, "os.mkdir", arg("path", "d1")), ["mkdir", "mkdirat"], "d1")
    assert r["syscalls"][0]["args"]["mode"] == "0750"
    matched(one(recs, "os.chdir", arg("path", "sub")), ["chdir"], "sub")
    matched(one(recs, "os.chmod", arg("path", "f.txt")), ["chmod", "fchmodat"], "f.txt")
    matched(one(recs, "os.chown", arg("path", "f.txt")), ["chown", "fchownat"], "f.txt")
    matched(one(recs, "os.link", arg("src", "f.txt")), ["link", "linkat"], "f.txt")
    matched(one(recs, "os.symlink", arg("dst", "soft.txt")), ["symlink", "symlinkat"], "f.txt")
    r = matched(one(recs, "os.truncate", arg("length", 1)), ["truncate"], "f.txt")
    assert r["syscalls"][0]["args"]["length"] == 1
    matched(one(recs, "os.utime", arg("path", "f.txt")), ["utimensat"], "f.txt")
    matched(one(recs, "os.rename", arg("src", "hard.txt")), ["rename", "renameat", "renameat2"],
            "hard.txt")
    matched(one(recs, "os.remove", arg("path", "renamed.txt")), ["unlink", "unlinkat"],
            "renamed.txt")
    matched(one(recs, "os.rmdir", arg("path", "d1")), ["rmdir", "unlinkat"], "d1")
    r = matched(one(recs, "shutil.copyfile", arg("src", "f.txt")), ["openat"], "f.txt")
    assert "copy.txt" in [path_of(s) for s in r["syscalls"]]
    r = one(recs, "shutil.copytree", arg("src", "tree1"))
    assert r["verdict"] == "matched" and "mkdir" in names(r)
    r = one(recs, "shutil.move", arg("src", "tree2"))
    assert r["verdict"] == "matched" and names(r)[0] in ("rename", "renameat", "renameat2")
    r = one(recs, "shutil.rmtree", arg("path", "tree3"))
    assert r["verdict"] == "matched" and {"rmdir", "unlinkat"} & set(names(r))
    mks = one(recs, "tempfile.mkstemp")
    matched(mks, ["openat"], mks["args"]["fullpath"])
    mkd = one(recs, "tempfile.mkdtemp")
    matched(mkd, ["mkdir", "mkdirat"], mkd["args"]["fullpath"])
    matched(one(recs, "sqlite3.connect", arg("database", "p.db")), ["openat"], W + "/p.db")

    # sockets: fds and addresses compared
    news = audits(recs, "socket.__new__")
    assert len(news) >= 6 and {r["verdict"] for r in news} == {"matched"}
    assert all(names(r) == ["socket"] for r in news)
    binds = audits(recs, "socket.bind")
    assert [r["verdict"] for r in binds] == ["matched"] * 3
    assert [names(r) for r in binds] == [["bind"]] * 3
    assert binds[2]["syscalls"][0]["args"]["umyaddr"]["path"] == W + "/u.sock"
    conns = audits(recs, "socket.connect")
    assert [r["verdict"] for r in conns] == ["matched"] * 3 and [names(r) for r in conns] == \
        [["connect"]] * 3
    assert conns[2]["syscalls"][0]["args"]["uservaddr"]["path"] == W + "/u.sock"
    gai = one(recs, "socket.getaddrinfo", arg("host", "localhost"))
    assert gai["verdict"] == "matched"
    # the name given to getaddrinfo, then the address the connect used
    assert conns[1]["args"]["address"][0] == "127.0.0.1"
    assert conns[1]["syscalls"][0]["args"]["uservaddr"]["port"] == gai["args"]["port"]
    matched(one(recs, "socket.sendto"), ["sendto"])
    matched(one(recs, "socket.sendmsg"), ["sendmsg"])

    # processes: argv compared in the child, PATH lookup and /bin/sh -c understood
    def child_execs(rec):
        return [s for s in rec["syscalls"] if s["syscall"] == "execve" and s.get("child")]

    r = one(recs, "subprocess.Popen", lambda a: a["args"] == ["true", "popen"])
    assert r["verdict"] == "matched"
    ok = [s for s in child_execs(r) if s["ret"] == 0]
    assert len(ok) == 1 and ok[0]["args"]["argv"] == ["true", "popen"]
    assert os.path.basename(ok[0]["args"]["filename"]) == "true"
    assert all(s["errno"] == "ENOENT" for s in child_execs(r) if s["ret"] != 0)
    r = one(recs, "subprocess.Popen", lambda a: a["args"] == ["/bin/sh", "-c", "exit 0"])
    assert r["verdict"] == "matched"
    assert [s["args"]["argv"] for s in child_execs(r)] == [["/bin/sh", "-c", "exit 0"]]
    r = one(recs, "os.system")
    assert r["verdict"] == "matched"
    assert [s["args"]["argv"] for s in child_execs(r)] == [["sh", "-c", "true system"]]
    r = one(recs, "os.posix_spawn", arg("path", "/bin/true"))
    assert r["verdict"] == "matched"
    assert [s["args"]["argv"] for s in child_execs(r)] == [["true", "spawn"]]
    r = one(recs, "os.posix_spawn", arg("path", "true"))
    assert r["verdict"] == "matched"
    assert [s["args"]["argv"] for s in child_execs(r) if s["ret"] == 0] == [["true", "spawnp"]]
    # os.spawnv is os.fork + os.exec on POSIX (no "os.spawn" event there)
    forks = audits(recs, "os.fork")
    assert len(forks) == 2 and all(names(r) == ["clone"] for r in forks)
    assert {r["verdict"] for r in forks} == {"matched"}
    for argv in (["true", "spawnv"], ["true", "forked"]):
        r = one(recs, "os.exec", lambda a: a["args"] == argv)
        matched(r, ["execve"], "/bin/true")
        assert r["pid"] != forks[0]["pid"]
    r = one(recs, "pty.spawn")
    assert r["verdict"] == "matched" and "clone" in names(r)
    assert one(recs, "os.forkpty")["verdict"] == "matched"
    ptyexec = audits(recs, "os.exec", lambda a: a["args"] == ["true", "pty"])
    assert {r["verdict"] for r in ptyexec} == {"matched"}
    assert [s["ret"] for r in ptyexec for s in r["syscalls"]][-1] == 0
    r = matched(one(recs, "os.kill"), ["kill"])
    assert r["syscalls"][0]["args"] == {"pid": r["args"]["pid"], "sig": "SIGTERM"}
    r = matched(one(recs, "os.killpg"), ["kill"])
    assert r["syscalls"][0]["args"] == {"pid": -r["args"]["pgid"], "sig": "SIGKILL"}
    matched(one(recs, "signal.pthread_kill"), ["tgkill"])
    matched(one(recs, "resource.setrlimit"), ["prlimit64"])

    # code loading: the loader's opens and executable maps
    r = one(recs, "ctypes.dlopen", arg("name", "libanl.so.1"))
    assert r["verdict"] == "matched" and set(names(r)) <= {"openat", "mmap", "mprotect"}
    assert any(path_of(s) and path_of(s).endswith("/libanl.so.1") for s in r["syscalls"])
    r = one(recs, "import", lambda a: a["module"] == "_queue" and a["filename"])
    assert r["verdict"] == "matched" and "mmap" in names(r)
    assert r["args"]["filename"] in [path_of(s) for s in r["syscalls"]]
    # only executable maps are traced: mmap.mmap of a file has nothing to pair with
    assert one(recs, "mmap.__new__")["verdict"] == "no-syscall"
