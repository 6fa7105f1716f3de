# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Helpers of the correlation end-to-end tests (tests/test_correlate_*.py)."""
import json
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
