# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The monitor's out-of-memory policy on the record path (docs/robustness.md, "Out of memory"),
with real allocation failures (tests/unit/mem_unit.c): a line that cannot be built is counted per
stream for an in-band `lost` record (reason "memory"), not written half, and the writer goes on;
a line that may never be lost is an error; pyx_grow() keeps the array when it cannot grow."""
import os

import pytest

from conftest import BUILD, run

MEM_UNIT = BUILD / "tests" / "mem-unit"


def test_record_path_out_of_memory():
    if not MEM_UNIT.exists():
        pytest.fail(f"{MEM_UNIT} is missing: run `make` first")
    # under `make test SANITIZE=1` ASan would abort on the 2^62-byte request instead of
    # returning NULL as glibc does
    opts = os.environ.get("ASAN_OPTIONS", "")
    env = dict(os.environ, ASAN_OPTIONS=(opts + ":" if opts else "") +
               "allocator_may_return_null=1")
    r = run([str(MEM_UNIT)], env=env, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["one", "two", "fails=0"]


SINK_UNIT = BUILD / "tests" / "sink-unit"


def test_output_queue_under_a_stalled_reader_holds_full_chunks():
    """tests/unit/sink_unit.c: the writer is blocked on a full pipe while 2,000 short lines are
    queued, each followed by a quiet poll's push: they share one open chunk (two chunks in all,
    not one per poll), and once the pipe is read every byte arrives once, in order."""
    if not SINK_UNIT.exists():
        pytest.fail(f"{SINK_UNIT} is missing: run `make` first")
    r = run([str(SINK_UNIT)], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["chunks=2", "bytes=118891 rest=0"]
