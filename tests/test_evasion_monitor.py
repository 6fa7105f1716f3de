# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The monitor itself under attack by a non-root user (issue 8): a root `pyxcheck -a` must not be
hung by a FIFO swapped in for an exec'd file, and `-o FILE` must not write into a file that user
prepared (owned by them, a symlink in the path, a hard link).

Each test creates a throwaway user and removes it at the end, whatever happens. The monitor and
the hook are private copies in a world-readable directory of their own: the user's Python must
be able to load the hook, and other tests' monitors must not trace these processes.
"""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from conftest import LIBPYXCHECK, MONITOR, SYSTEM_PYTHON, needs_root_bpf, run
from conftest import live_records as records, wait_for, require_built

pytestmark = needs_root_bpf


@pytest.fixture(scope="module", autouse=True)
def built():
    require_built()


@pytest.fixture
def user():
    """A throwaway non-root user with a world-traversable private directory."""
    name = "pyxt" + uuid.uuid4().hex[:8]
    r = run(["useradd", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name])
    assert r.returncode == 0, r.stderr
    top = Path(tempfile.mkdtemp(prefix="pyxcheck-evasion-", dir="/tmp"))
    procs = []
    try:
        pw = pwd.getpwnam(name)
        os.chmod(top, 0o755)
        home = top / "home"
        home.mkdir()
        os.chown(home, pw.pw_uid, pw.pw_gid)
        mon = top / "mon"
        mon.mkdir()
        shutil.copy2(MONITOR, mon / "pyxcheck")
        shutil.copy2(LIBPYXCHECK, mon / "libpyxcheck.so")
        os.chmod(mon, 0o755)
        os.chmod(mon / "libpyxcheck.so", 0o755)
        yield {"name": name, "uid": pw.pw_uid, "gid": pw.pw_gid, "home": home, "top": top,
               "mon": mon, "procs": procs}
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
        shutil.rmtree(top, ignore_errors=True)
        r = run(["userdel", name])
        assert r.returncode == 0, r.stderr


def as_user(u, cmd, **kw):
    """Start cmd as the throwaway user, with the private hook preloaded."""
    env = {"PATH": "/usr/bin:/bin", "LD_PRELOAD": str(u["mon"] / "libpyxcheck.so"),
           "HOME": str(u["home"])}
    p = subprocess.Popen(cmd, user=u["uid"], group=u["gid"], extra_groups=[], env=env,
                         cwd=u["home"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    u["procs"].append(p)
    return p


def marks(path, tag):
    return [r for r in records(path) if r["type"] == "audit" and r["event"] == "pyx.mark"
            and r["args"][0] == tag]


def raise_mark(u, tag):
    p = as_user(u, [SYSTEM_PYTHON, "-c", f"import sys; sys.audit('pyx.mark', {tag!r})"])
    assert p.wait(timeout=60) == 0, p.stderr.read()


# Run as the user: exec a copy of /bin/true many times, each time replacing the file by a FIFO as
# soon as the child is reaped, so that when the monitor reads the exec record /proc/PID/exe is
# gone and the exec'd path is a FIFO nobody will ever write to.
FIFO_SWAP = r"""
import os, shutil, subprocess, sys
d = sys.argv[1]
for i in range(int(sys.argv[2])):
    prog = os.path.join(d, "prog%d" % i)
    shutil.copy("/bin/true", prog)
    os.chmod(prog, 0o755)
    subprocess.run([prog], check=True)
    os.unlink(prog)
    os.mkfifo(prog)
print("done", flush=True)
"""


def test_fifo_swapped_for_exec_path_does_not_hang_the_monitor(user):
    out = user["top"] / "out.jsonl"
    mon = subprocess.Popen([str(user["mon"] / "pyxcheck"), "-a", "-j", "-o", str(out)],
                           stderr=subprocess.PIPE)
    user["procs"].append(mon)
    # the probes are attached once a marker raised by the user shows up
    wait_for(lambda: (raise_mark(user, "ready"), marks(out, "ready"))[1], "the monitor to attach")
    script = user["home"] / "swap.py"
    script.write_text(FIFO_SWAP)
    work = user["home"] / "w"
    work.mkdir()
    os.chown(work, user["uid"], user["gid"])
    p = as_user(user, [SYSTEM_PYTHON, str(script), str(work), "40"])
    o, e = p.communicate(timeout=120)
    assert p.returncode == 0 and o == b"done\n", e
    # the monitor read every exec (the last one among them) and still drains the ring
    raise_mark(user, "after")
    wait_for(lambda: marks(out, "after"), "records after the FIFO swap", timeout=30)
    execs = [r for r in records(out) if r["type"] == "process" and r["event"] == "exec"
             and r["filename"].startswith(str(work))]
    assert len(execs) == 40
    assert mon.poll() is None
    t0 = time.monotonic()
    mon.send_signal(signal.SIGTERM)
    assert mon.wait(timeout=30) == 0, mon.stderr.read()
    assert time.monotonic() - t0 < 30
    # no blind spot: /bin/true is no Python, and a FIFO is no file to inspect
    assert [r for r in records(out) if r["type"] == "blind-spot"] == []


# ---------------------------------------------------------------------------- -o FILE
def out_error(path, why):
    return f"pyxcheck: failed to open output file {path}: {why}\n"


def monitor_o(u, path):
    return run([str(u["mon"] / "pyxcheck"), "-o", str(path), "--", "true"], timeout=60)


def test_output_file_created_first_by_another_user_is_refused(user):
    path = user["home"] / "out.jsonl"
    p = as_user(user, [SYSTEM_PYTHON, "-c",
                       f"import os; open({str(path)!r}, 'w').write('mine'); "
                       f"os.chmod({str(path)!r}, 0o666)"])
    assert p.wait(timeout=60) == 0, p.stderr.read()
    r = monitor_o(user, path)
    assert r.returncode == 1
    assert r.stderr == out_error(path, f"it belongs to uid {user['uid']}, not to uid 0 (remove "
                                       "it or choose another path)")
    st = os.stat(path)
    assert path.read_text() == "mine" and st.st_uid == user["uid"] and st.st_mode & 0o777 == 0o666


def test_output_fifo_of_another_user_is_refused_at_once(user):
    path = user["home"] / "out.fifo"
    p = as_user(user, [SYSTEM_PYTHON, "-c", f"import os; os.mkfifo({str(path)!r}, 0o666)"])
    assert p.wait(timeout=60) == 0, p.stderr.read()
    t0 = time.monotonic()
    r = monitor_o(user, path)
    # O_NONBLOCK: a FIFO nobody reads is refused, not waited on
    assert r.returncode == 1 and r.stderr == out_error(path, "it is a FIFO with no reader")
    assert time.monotonic() - t0 < 30


def test_output_path_through_a_symlinked_directory_is_refused(user):
    link = user["top"] / "logs"
    os.symlink(user["home"], link)
    for path in (link / "out.jsonl", link / "." / "out.jsonl"):
        r = monitor_o(user, path)
        assert r.returncode == 1
        assert r.stderr == out_error(path, "a component of the path is a symlink (refused: give "
                                           "the real path)")
    assert not (user["home"] / "out.jsonl").exists()
    # the same directory by its real path is fine: created by root, 0600
    r = monitor_o(user, user["home"] / "out.jsonl")
    assert r.returncode == 0, r.stderr
    st = os.stat(user["home"] / "out.jsonl")
    assert st.st_uid == 0 and st.st_mode & 0o777 == 0o600


def test_output_file_with_a_second_hard_link_is_refused(user):
    victim = user["top"] / "victim"
    victim.write_text("precious")
    path = user["home"] / "out.jsonl"
    os.link(victim, path)
    r = monitor_o(user, path)
    assert r.returncode == 1
    assert r.stderr == out_error(path, "it has 2 hard links (remove it or choose another path)")
    assert victim.read_text() == "precious"
