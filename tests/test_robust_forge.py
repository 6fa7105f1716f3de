# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Forged probes: a C program fires the pyxcheck probes with garbage (tests/forge/forge.c).

The monitor must not crash, must report each forged hit as exactly one `malformed` record with
the reason the forge expects, in order, and must keep going: the good events fired before,
between and after the garbage all arrive, and COMMAND's exit status comes back.
"""
import pytest

from conftest import needs_root_bpf, run
from robust_util import CONTROL, forge_bin, json_lines, private_monitor


def expected(manifest):
    out = []
    for line in manifest.read_text().splitlines():
        _n, kind, rest = line.split(" ", 2)
        out.append((kind, rest))
    return out


def seen(records, pid):
    out = []
    for r in records:
        if r.get("pid") != pid:
            continue
        if r["type"] == "audit":
            out.append(("good", str(r["seq"])))
        elif r["type"] == "malformed":
            assert r["source"] == "audit", r
            out.append(("malformed", r["reason"]))
        elif r["type"] == "lifecycle":
            out.append(("lifecycle", r["event"]))
    return out


@pytest.fixture
def forge(tmp_path):
    exe = forge_bin()
    if not exe.exists():
        pytest.fail(f"{exe} is missing: `make test` builds it (tests/tests.mk)")
    d = private_monitor(tmp_path, exe)
    return d / "pyxcheck", d / "pyxcheck-python"


@needs_root_bpf
def test_every_forged_hit_is_one_malformed_record_and_the_monitor_goes_on(tmp_path, forge):
    monitor, launcher = forge
    out, manifest = tmp_path / "out.jsonl", tmp_path / "manifest"
    r = run([str(monitor), "-j", "-o", str(out), "--summary", "--", str(launcher),
             str(manifest)], timeout=120)
    assert r.returncode == 0, r.stderr
    want = expected(manifest)
    assert len(want) == 35
    assert sum(k == "malformed" for k, _ in want) == 29
    records = json_lines(out)
    execs = [x for x in records if x["type"] == "process" and x["event"] == "exec"]
    assert len(execs) == 1
    assert seen(records, execs[0]["pid"]) == want
    summary = json_lines(r.stderr[r.stderr.index('{"type":"summary"'):])[0] \
        if '{"type":"summary"' in r.stderr else [x for x in records if x["type"] == "summary"][0]
    assert summary["malformed"] == 29
    assert summary["lifecycle"] == 2


@needs_root_bpf
def test_forged_garbage_in_the_human_format_is_inert(tmp_path, forge):
    monitor, launcher = forge
    r = run([str(monitor), "-o", "-", "--", str(launcher), str(tmp_path / "manifest")],
            timeout=120, text=False)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode("utf-8")
    assert not CONTROL.search(text)
    assert text.count(" ! malformed audit record ") == 29
    assert text.count("A open path='/etc/forge-good'") == 4
