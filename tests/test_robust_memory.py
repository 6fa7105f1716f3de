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


def test_lines_built_in_the_output_queue_arrive_whole_and_in_order():
    """tests/unit/sink_unit.c `writer`: 12,000 lines of 600 B to 300 KB built in place in the
    sink's open chunk (pyx_writer_line_start), across chunk ends, moved out of the lent room
    when they outgrow it (the 300 KB ones, longer than a chunk, and 20 KB ones near a chunk's
    end), thousands refused by a full 2 MiB queue while the reader waits, one out of memory:
    the reader gets exactly the accepted lines, whole and in order."""
    if not SINK_UNIT.exists():
        pytest.fail(f"{SINK_UNIT} is missing: run `make` first")
    r = run([str(SINK_UNIT), "writer"], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["accepted=many dropped=many nomem=1",
                                     "in_place=most moved=some"]


def test_lines_handed_over_whole_across_chunk_ends_arrive_whole():
    """tests/unit/sink_unit.c `straddle`: 800 KB of lines of 2 to 252 bytes handed to the sink
    whole (pyx_sink_write, as the human view writes them), not built in place: the three that
    cross a 256 KiB chunk's end arrive with their heads, and the reader gets every byte once, in
    order."""
    if not SINK_UNIT.exists():
        pytest.fail(f"{SINK_UNIT} is missing: run `make` first")
    r = run([str(SINK_UNIT), "straddle"], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["straddled=3 same=1"]


def test_lines_built_in_place_at_a_chunks_end_arrive_whole():
    """tests/unit/sink_unit.c `inplace`: lines built in the lent room (pyx_sink_lend/commit, the
    JSON path, whose commit has a fast path for a line inside the chunk): one that ends exactly
    at a 256 KiB chunk's end hands the chunk to the writer with no push, one ending a byte before
    the end and one a byte past it arrive whole, and with a 40,000-byte bound the chunk goes to
    the writer once it holds half of it; every byte arrives once, in order."""
    if not SINK_UNIT.exists():
        pytest.fail(f"{SINK_UNIT} is missing: run `make` first")
    r = run([str(SINK_UNIT), "inplace"], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["exact=1 half=1 same=1"]


def test_own_output_file_reserves_blocks_ahead_and_gives_them_back(tmp_path):
    """tests/unit/sink_unit.c `reserve`: into a file of its own (-o FILE, not -A), the writer
    reserves blocks ahead of its writes (fallocate FALLOC_FL_KEEP_SIZE: ext4 then does not
    reserve each page for delayed allocation), and holds none past the file's end once the sink
    is closed or, for the old file, reopened (SIGHUP); a file opened with O_APPEND gets none,
    after a reopen or when asked;
    every file holds exactly the bytes written, after what it held before."""
    if not SINK_UNIT.exists():
        pytest.fail(f"{SINK_UNIT} is missing: run `make` first")
    # the reservation is for ext4 only (out_sink.c: measured there; on tmpfs it is memory)
    fstype = run(["stat", "-f", "-c", "%T", str(tmp_path)]).stdout.strip()
    if fstype != "ext2/ext3":
        pytest.skip(f"the test directory is on {fstype}, not ext4: nothing is reserved there")
    r = run([str(SINK_UNIT), "reserve", str(tmp_path)], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["while writing: reserved ahead",
                                     "reopened: old trimmed, appended not reserved",
                                     "closed: trimmed",
                                     "opened to append: not reserved"]
