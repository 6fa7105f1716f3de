# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Helpers shared by the tests/test_robust_*.py files (issue 5)."""
import json
import os
import re
import shutil

from conftest import BUILD, MONITOR, LIBPYXCHECK

# C0 (but the line feed), DEL and C1: nothing a terminal would interpret.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def monitor_with_launcher(tmp_path, launcher):
    """A copy of the monitor whose directory holds the hook and `launcher` as pyxcheck-python.

    The monitor attaches to the hook library and to the launcher found next to its own binary
    (main.c find_hook); it has no option to add a probe path. A copy in a directory of our own
    makes it attach to `launcher` (the forged-probe program) as it would to the real launcher.
    """
    d = tmp_path / "mon"
    d.mkdir()
    shutil.copy2(MONITOR, d / "pyxcheck")
    os.symlink(LIBPYXCHECK, d / "libpyxcheck.so")
    shutil.copy2(launcher, d / "pyxcheck-python")
    return d / "pyxcheck", d / "pyxcheck-python"


def json_lines(path_or_text):
    """Every line parses as JSON (or this raises); returns the records."""
    text = path_or_text if isinstance(path_or_text, str) else path_or_text.read_text("utf-8")
    assert text.endswith("\n") or not text
    return [json.loads(line) for line in text.splitlines()]


def forge_bin():
    return BUILD / "tests" / "forge"
