# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The correlator's C unit tests (tests/unit/corr_unit.c) on hand-built records: every verdict,
per-thread order, windows that wait for a child's exec, caps, losses, expiry, blind spots."""
import shutil

import pytest

from conftest import ASAN_RUNTIME, BUILD, run

CORR_UNIT = BUILD / "tests" / "corr-unit"


def _binary():
    if not CORR_UNIT.exists():
        pytest.fail(f"{CORR_UNIT} is missing: run `make` first")
    return str(CORR_UNIT)


def test_corr_unit(tmp_path):
    r = run([_binary(), str(tmp_path)], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "all 88 checks passed\n"


def test_corr_unit_no_leaks(tmp_path):
    """Every window, held record and process is freed (valgrind's leak check)."""
    if ASAN_RUNTIME:
        pytest.skip("skipped under SANITIZE: valgrind cannot run an ASan binary; the ASan build "
                    "has its own checks, and this leak check runs in the plain build")
    vg = shutil.which("valgrind")
    if not vg:
        pytest.skip("skipped: valgrind not installed")
    r = run([vg, "-q", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
             "--error-exitcode=9", _binary(), str(tmp_path)], timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "all 88 checks passed\n"
