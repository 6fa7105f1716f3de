# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Composites and sqlite (red-team review, items 3 and 4; docs/correlation.md, "Composite
windows" and the sqlite rules under "Unaudited syscalls"). Native code acts right after an audit
event with no event in between (a small C extension: a ctypes call would raise
ctypes.call_function first, which ends a composite's window):
- a genuine composite whose genuine sub-event makes no traced syscall (os.listxattr) explains no
  native act after it: not a write under os.walk("/"), not a write through "SRC/../..", not a
  rename out of shutil.move's destination;
- a forged sqlite3.connect whose open was matched licenses only what sqlite does to that file:
  no O_TRUNC open, no fchown of the database, no setuid fchmod, no O_TRUNC journal open;
- a genuine in-memory URI connect ("mode=%6demory", sqlite decodes %HH) learns no database.
The benign counterparts (shutil, tempfile, zipfile, the sqlite corpus program) are in
tests/test_correlate_real.py and must stay free of findings."""
import shutil
import sysconfig

import pytest

from conftest import SYSTEM_PYTHON, needs_root_bpf
from correlate_util import AUDIT_THEN_PY, build_audit_then, findings, monitor, unaudited

pytestmark = needs_root_bpf

# nat.py, the module the scripts below import
NAT_PY = AUDIT_THEN_PY + r"""
NR = dict(openat=257, unlinkat=263, renameat2=316, fchmod=91, fchown=93)
AT_FDCWD = -100
W = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
"""

COMPOSITES = r"""
import os, shutil, sys
from nat import run, ptr, NR, AT_FDCWD, W
d = sys.argv[1]
os.makedirs(f"{d}/outside")
# os.walk: reads only, and os.listxattr makes no traced syscall
run(None, None, [(NR["openat"], AT_FDCWD, ptr(f"{d}/walk".encode()), W, 0o644)],
    fn=lambda: (next(os.walk("/")), os.listxattr("/")))
# copytree: "src/../.." is not under src, and a write is not under dst
os.makedirs(f"{d}/cp/src")
open(f"{d}/cp/src/f", "w").close()
run(None, None, [(NR["openat"], AT_FDCWD, ptr(f"{d}/cp/src/../../outside/dotdot".encode()), W,
                  0o644)],
    fn=lambda: (shutil.copytree(f"{d}/cp/src", f"{d}/cp/dst"), os.listxattr(d)))
# move: a rename out of the destination tree
os.makedirs(f"{d}/mv/src")
open(f"{d}/mv/src/evil", "w").close()
run(None, None, [(NR["renameat2"], AT_FDCWD, ptr(f"{d}/mv/dst/evil".encode()), AT_FDCWD,
                  ptr(f"{d}/outside/planted".encode()), 0)],
    fn=lambda: (shutil.move(f"{d}/mv/src", f"{d}/mv/dst"), os.listxattr(d)))
assert sorted(os.listdir(f"{d}/outside")) == ["dotdot", "planted"]
assert os.path.exists(f"{d}/walk")
"""

SQLITE = r"""
import os, sqlite3, sys, threading, time
from nat import run, ptr, NR, AT_FDCWD, W
d = sys.argv[1]
t = f"{d}/target".encode()
# a forged sqlite3.connect and a native open of its shape: matched, the file learnt
run("sqlite3.connect", (t.decode(),), [(NR["openat"], AT_FDCWD, ptr(t), os.O_RDWR | os.O_CREAT,
                                        0o644)])
time.sleep(0.2)
def later():
    fd = run(None, None, [(NR["openat"], AT_FDCWD, ptr(t), W, 0o644)])
    assert fd >= 0
    run(None, None, [(NR["fchown"], fd, 0, 0)])
    run(None, None, [(NR["fchmod"], fd, 0o6777)])
    run(None, None, [(NR["openat"], AT_FDCWD, ptr(t + b"-journal"), W, 0o644)])
th = threading.Thread(target=later)
th.start()
th.join()
# a genuine in-memory URI: sqlite decodes %HH in the query, so no file is opened
db = sqlite3.connect(f"file:{d}/mem?mode=%6demory", uri=True)
db.execute("create table t(x)")
assert not os.path.exists(f"{d}/mem")
m = f"{d}/mem".encode()
assert run(None, None, [(NR["openat"], AT_FDCWD, ptr(m), W, 0o755)]) >= 0
assert run(None, None, [(NR["unlinkat"], AT_FDCWD, ptr(m), 0)]) == 0
"""


def cc():
    inc = sysconfig.get_paths().get("include")
    return shutil.which("gcc") and inc and __import__("os").path.exists(f"{inc}/Python.h")


needs_cc = pytest.mark.skipif(not cc(), reason="needs gcc and the Python headers (libnat.so)")


def run_nat(tmp_path, text):
    env = build_audit_then(tmp_path)
    (tmp_path / "nat.py").write_text(NAT_PY)
    script = tmp_path / "s.py"
    script.write_text(text)
    work = tmp_path / "w"
    work.mkdir()
    return monitor(SYSTEM_PYTHON, script, work, tmp_path / "o.jsonl", env=env), work


def acts(recs):
    return [(r["syscall"], r["args"].get("filename") or r["args"].get("pathname")
             or r["args"].get("oldname") or r["args"].get("fd"))
            for r in unaudited(recs)]


@needs_cc
def test_composite_explains_no_native_act_after_a_sub_event_without_syscall(tmp_path):
    recs, w = run_nat(tmp_path, COMPOSITES)
    assert acts(recs) == [("openat", f"{w}/walk"),
                          ("openat", f"{w}/cp/src/../../outside/dotdot"),
                          ("renameat2", f"{w}/mv/dst/evil")]
    # the genuine composites themselves are still paired
    for ev in ("shutil.copytree", "shutil.move"):
        [r] = [r for r in recs if r["type"] == "audit" and r["event"] == ev]
        assert r["verdict"] == "matched", r
    assert [r for r in findings(recs) if r.get("verdict") != "unaudited"] == []


@needs_cc
def test_sqlite_connect_licenses_only_what_sqlite_does(tmp_path):
    recs, w = run_nat(tmp_path, SQLITE)
    got = acts(recs)
    t = f"{w}/target"
    fd = [a for s, a in got if s == "fchown"]
    assert len(fd) == 1
    assert got == [("openat", t), ("fchown", fd[0]), ("fchmod", fd[0]),
                   ("openat", f"{t}-journal"), ("openat", f"{w}/mem"),
                   ("unlinkat", f"{w}/mem")]
    [c] = [r for r in recs if r["type"] == "audit" and r["event"] == "sqlite3.connect"
           and r["args"]["database"] == t]
    assert c["verdict"] == "matched"
