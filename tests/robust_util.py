# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Helpers shared by the tests/test_robust_*.py files (issue 5)."""
import json
import os
import re
import shutil

from conftest import BUILD, MONITOR, LIBPYXCHECK
from pyxjson import plain

# C0 (but the line feed), DEL and C1: nothing a terminal would interpret.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def private_monitor(tmp_path, launcher=None):
    """A copy of the monitor and of the hook library in a directory of their own.

    The monitor attaches to the hook library and to the launcher found next to its own binary
    (mon_preflight.c find_hook); it has no option to add a probe path. A copy of both makes it attach to
    `launcher` (the forged-probe program) as it would to the real launcher, and gives the hook an
    inode of its own: uprobes and their semaphores belong to an inode, so monitors that other
    tests run at the same time on build/libpyxcheck.so neither see nor trace processes that load
    this copy. Returns the directory: pyxcheck, libpyxcheck.so, pyxcheck.so (for import) and
    pyxcheck-python (the launcher, when given).
    """
    d = tmp_path / "mon"
    d.mkdir()
    shutil.copy2(MONITOR, d / "pyxcheck")
    shutil.copy2(LIBPYXCHECK, d / "libpyxcheck.so")
    os.symlink("libpyxcheck.so", d / "pyxcheck.so")
    if launcher:
        shutil.copy2(launcher, d / "pyxcheck-python")
    return d


def json_lines(path_or_text):
    """Every line parses as JSON (or this raises); returns the records, with bare argument
    values (pyxjson.plain)."""
    text = path_or_text if isinstance(path_or_text, str) else path_or_text.read_text("utf-8")
    assert text.endswith("\n") or not text
    return [plain(json.loads(line)) for line in text.splitlines()]


def forge_bin():
    return BUILD / "tests" / "forge"
