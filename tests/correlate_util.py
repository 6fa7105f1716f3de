# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Helpers of the correlation end-to-end tests (tests/test_correlate_*.py)."""
import json
import os
import sysconfig


from conftest import MONITOR, ROOT, run
from conftest import require_built
from pyxjson import plain

CORPUS = ROOT / "tests" / "corpus"


def build_cext(work):
    """The evasion corpus's C extension (evasion/cext_file.c) built into work for this Python,
    creating and removing work/cext_dropped at import; returns (the .so, that path)."""
    drop = str(work / "cext_dropped")
    so = work / ("cext_file" + sysconfig.get_config_var("EXT_SUFFIX"))
    inc = sysconfig.get_paths()["include"]
    r = run(["gcc", "-shared", "-fPIC", "-O1", "-I", inc, f'-DCEXT_PATH="{drop}"', "-o", str(so),
             str(CORPUS / "evasion" / "cext_file.c")], timeout=120)
    assert r.returncode == 0, r.stderr
    return so, drop


# Scripts that load evasion/audit_then.c (built by build_audit_then(), its path in the
# AUDIT_THEN_SO environment variable) start with this: run(ev, args, calls, fn) raises ev with
# args from C, or calls fn from C, then makes the raw syscalls (nr, a0..a5) with no audit event
# in between; ptr/argv/sin make the memory those syscalls read.
AUDIT_THEN_PY = r"""
import ctypes, os, socket, struct, sys
_lib = ctypes.PyDLL(os.environ["AUDIT_THEN_SO"])
_lib.audit_then.restype = ctypes.c_long
_lib.audit_then.argtypes = [ctypes.c_char_p, ctypes.py_object, ctypes.py_object, ctypes.c_int,
                            ctypes.POINTER(ctypes.c_long)]
_keep = []


def ptr(b):
    buf = ctypes.create_string_buffer(b)
    _keep.append(buf)
    return ctypes.addressof(buf)


def argv(*items):
    arr = (ctypes.c_char_p * (len(items) + 1))(*[i.encode() for i in items], None)
    _keep.append(arr)
    return ctypes.addressof(arr)


def sin(ip, port):
    b = struct.pack("=H", socket.AF_INET) + struct.pack("!H4s8x", port, socket.inet_aton(ip))
    return ptr(b), 16


def run(ev, args, calls, fn=None):
    flat = []
    for c in calls:
        flat += list(c) + [0] * (7 - len(c))
    arr = (ctypes.c_long * max(1, len(flat)))(*flat)
    return _lib.audit_then(ev.encode() if ev else None, args, fn, len(calls), arr)
"""


def build_audit_then(work):
    """evasion/audit_then.c built into work for this Python; returns the environment that
    AUDIT_THEN_PY loads it from."""
    so = work / "audit_then.so"
    inc = sysconfig.get_paths()["include"]
    r = run(["gcc", "-shared", "-fPIC", "-O1", "-I", inc, "-o", str(so),
             str(CORPUS / "evasion" / "audit_then.c")], timeout=120)
    assert r.returncode == 0, r.stderr
    return dict(os.environ, AUDIT_THEN_SO=str(so))


def built():
    require_built()


def monitor(python, script, workdir, out, timeout=180, env=None, args=(), typed=False):
    """pyxcheck -j [ARGS] -- PYTHON SCRIPT WORKDIR; returns the records, with bare argument
    values (pyxjson.plain) unless typed."""
    built()
    r = run([str(MONITOR), "-j", "-o", str(out), *args, "--", python, str(script), str(workdir)],
            timeout=timeout, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(out, "rb") as f:
        recs = [json.loads(line) for line in f.read().decode("utf-8").splitlines()]
    return recs if typed else [plain(r) for r in recs]


def findings(recs):
    """Records a benign run must not have."""
    return [r for r in recs if r.get("verdict") in ("unaudited", "mismatch", "changed")
            or r["type"] in ("blind-spot", "alert", "malformed", "lost", "throttled")]


def unaudited(recs):
    return [r for r in recs if r.get("verdict") == "unaudited"]


def judged(recs):
    """Audit records that carry a verdict (every catalogue event with counterparts does)."""
    return [r for r in recs if r["type"] == "audit" and "verdict" in r]
