# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The output's word-at-a-time writes (tests/unit/buf_unit.c): numbers eight digits to a word,
checked against printf for every eight-digit group and each length's edges, in rooms that they
exactly fill or overflow by a byte (whole in place, or whole in memory of their own, and never a
byte written past the room); the JSON head's time stamp against its general path."""
import pytest

from conftest import BUILD, run

BUF_UNIT = BUILD / "tests" / "buf-unit"


def test_words_into_a_line():
    if not BUF_UNIT.exists():
        pytest.fail(f"{BUF_UNIT} is missing: run `make` first")
    r = run([str(BUF_UNIT)], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["fails=0"]
