# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The fuzz targets over their seed corpora and regressions (quick: part of every `make test`).

Each libFuzzer binary (tests/tests.mk, built into BUILD/fuzz) runs every file of
tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ once, under ASan and UBSan, with
the JSON and plain-text oracles of tests/fuzz/fuzz_common.h. The record seeds are also checked
for what they must render to (PYX_FUZZ_ECHO=1 prints what the writers produced), so the seeds
keep reaching the code they were made for, and Python's json module reads every line.
"""
import json
import os
import re

import pytest

from conftest import BUILD, ROOT, run
from pyxjson import plain

FUZZ = ROOT / "tests" / "fuzz"
TARGETS = ["payload", "sysrec", "procrec", "record", "corr"]
# The targets carry clang's ASan runtime: under SANITIZE=1 they must not get gcc's preloaded.
ENV = dict(os.environ, PYX_NO_ASAN_PRELOAD="1")


def fuzz_bin(target):
    exe = BUILD / "fuzz" / f"fuzz_{target}"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: `make test` builds it (tests/tests.mk)")
    return exe


def inputs(target):
    files = []
    for d in (FUZZ / "corpus" / target, FUZZ / "regressions" / target):
        if d.is_dir():
            files += sorted(p for p in d.iterdir() if p.is_file())
    return files


@pytest.mark.parametrize("target", TARGETS)
def test_seeds_and_regressions_run_clean(target):
    files = inputs(target)
    assert len(files) >= 5, f"seed corpus of {target} is missing"
    r = run([str(fuzz_bin(target))] + [str(f) for f in files], env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr[-4000:]
    assert r.stderr.count("Executed ") == len(files), r.stderr[-2000:]


def render(seed):
    """JSON line, plain line and plain line cut to a terminal width for one record seed."""
    r = run([str(fuzz_bin("record")), str(FUZZ / "corpus" / "record" / seed)],
            env=dict(ENV, PYX_FUZZ_ECHO="1"), text=False, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.split(b"\n")
    assert lines[-1] == b"" and len(lines) >= 4, r.stdout
    for raw in lines[1:3]:
        text = raw.decode("utf-8")  # valid UTF-8, or this raises
        assert not re.search("[\x00-\x1f\x7f-\x9f]", text), text
    return plain(json.loads(lines[0])), lines[1].decode(), lines[2].decode()


def test_record_seeds_render_as_intended():
    seeds = sorted(p.name for p in (FUZZ / "corpus" / "record").iterdir())
    assert len(seeds) >= 60
    malformed = {"audit-badversion": "unsupported payload version",
                 "audit-claimed-long": "payload_len differs from the probe's claimed length"}
    for seed in seeds:
        rec, _plain, _cut = render(seed)
        if seed in malformed:
            assert (rec["type"], rec["reason"]) == ("malformed", malformed[seed]), seed
        elif seed.startswith(("audit-", "cap-")):  # cap-*: captured from the real hook
            assert rec["type"] == "audit", (seed, rec)
        elif seed.startswith("sc-"):
            assert (rec["type"], rec["syscall"]) == ("syscall", seed[3:]), (seed, rec)
        elif seed.startswith("proc-"):
            assert rec["type"] == "process", (seed, rec)
        else:
            assert rec["type"] == seed.split("-")[0], (seed, rec)


def test_hostile_text_is_exact_in_json_and_inert_in_plain():
    rec, plain, _ = render("audit-open-hostile")
    assert rec["args"]["path"] == 'a\nb"c\\d\x1b[31m\x00e\udc80\u202e'
    assert "path='a\\nb\"c\\\\d\\x1b[31m\\x00e\\udc80" in plain
    rec, plain, _ = render("audit-comm")
    assert rec["comm"] == '\x1b]0;pwn\x07\n"\\\udcff'
    assert rec["comm"].encode("utf-8", "surrogateescape") == b'\x1b]0;pwn\x07\n"\\\xff'
    assert "\\x1b]0;pwn\\x07\\n" in plain
    rec, plain, _ = render("proc-exec-hostile")
    assert rec["filename"] == "/tmp/\x1b[2J\n\udcff"
    assert 'exec "/tmp/\\x1b[2J\\n\\xff"' in plain


def test_correlator_seeds_are_judged_as_intended():
    """Record type and verdict the correlator emits for each sequence (fuzz_corr.c echoes)."""
    want = {"matched": {"1 matched"}, "fork-exec": {"1 matched"}, "threads": {"1 matched"},
            "lost-in-window": {"1 indeterminate"}, "unaudited": {"2 unaudited"}}
    for seed, verdicts in want.items():
        r = run([str(fuzz_bin("corr")), str(FUZZ / "corpus" / "corr" / seed)],
                env=dict(ENV, PYX_FUZZ_ECHO="1"), timeout=60)
        assert r.returncode == 0, r.stderr[-2000:]
        assert set(r.stdout.splitlines()) == verdicts, seed
