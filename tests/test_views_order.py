# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The live view's reorder buffer (user/monitor/out_order.c) on hand-made lines: timestamp order,
the horizon, the age bound, and late lines behind a marker (docs/views.md, "Time order")."""
import pytest

from conftest import BUILD, run

ORDER_UNIT = BUILD / "tests" / "order-unit"


def test_reorder_buffer():
    if not ORDER_UNIT.exists():
        pytest.fail(f"{ORDER_UNIT} is missing: run `make` first")
    r = run([str(ORDER_UNIT)], timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "a", "b", "b2", "|",
        "--- out of time order: the next line is 0.000 s older than the one above (held past "
        "the reorder bound)",
        "late1", "late2", "c",
        "--- out of time order: the next line is 0.000 s older than the one above (held past "
        "the reorder bound)",
        "late3", "d", "|", "direct", "e",
        "late=3 held=0",
    ]
