# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Golden verdicts: every program of tests/corpus/{benign,evasion,pairing} under the monitor gives
exactly the verdicts recorded in tests/data/golden-verdicts.jsonl (event, verdict, why, paired
syscall names; unaudited syscalls with their path or address; blind spots), so a change of the
correlator's rules that changes any verdict shows here as a readable diff.

A change that alters verdicts on purpose regenerates the file in one command and commits it with
the change (the diff of the .jsonl is then part of the review):

    PYX_BUILD=$PWD/build /usr/bin/python3 tests/scripts/golden_verdicts.py --update

Values that differ from run to run are normalised in tests/scripts/golden_verdicts.py, each one
named there with its reason.
"""
import difflib

from conftest import needs_root_bpf

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

import golden_verdicts as gv  # noqa: E402


def test_golden_file_is_sorted_and_normalised():
    lines = gv.load()
    assert lines == sorted(lines) and len(lines) > 200
    assert not any("/tmp/" in line for line in lines)


@needs_root_bpf
def test_corpus_verdicts_are_the_golden_ones():
    want = gv.load()
    got = gv.collect()
    if got != want:
        diff = "".join(difflib.unified_diff([w + "\n" for w in want], [g + "\n" for g in got],
                                            "tests/data/golden-verdicts.jsonl", "this build"))
        raise AssertionError("verdicts differ from the golden file (regenerate with "
                             "tests/scripts/golden_verdicts.py --update if on purpose):\n" + diff)
