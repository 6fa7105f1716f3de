# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""JSON schema 2 (docs/json-schema.md): every field path holds one JSON type across all records,
since Elasticsearch and similar stores reject a document whose field changes type.

Every record of the test corpus (tests/corpus/{benign,evasion,pairing}, run as
tests/scripts/golden_verdicts.py runs it, with --summary) is walked; arrays count at their own
path (as a store maps them), null fits any path. Plus the exit fields of a process record.
"""
import json
import sys
from pathlib import Path

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run, serial

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

import golden_verdicts as gv  # noqa: E402
from pyxjson import plain, plain_py, plain_sys, types  # noqa: E402


def test_types_walks_arrays_at_their_path_and_skips_null():
    got = types({"a": [{"b": 1}, {"b": None}], "c": None, "d": [1.5], "e": "x"})
    assert got == {"": {"object"}, "a": {"object"}, "a.b": {"integer"}, "d": {"float"},
                   "e": {"string"}}


def test_plain_reads_typed_values_back():
    assert plain_py({"tuple": [{"str": "127.0.0.1"}, {"int": 80}]}) == ["127.0.0.1", 80]
    assert plain_py({"bigint": "340282366920938463463374607431768211456"}) == 2 ** 128
    assert plain_py({"dict": [{"key": {"int": 1}, "value": None}]}) == {"dict": [[1, None]]}
    assert plain_sys({"sym": "O_RDONLY|O_CLOEXEC", "raw": 524288}) == "O_RDONLY|O_CLOEXEC"
    assert plain_sys({"rlimit": {"cur": "18446744073709551615", "max": "1"}}) == \
        {"cur": 2 ** 64 - 1, "max": 1}
    r = plain({"type": "audit", "args": {"mode": {"str": "r"}},
               "syscalls": [{"args": {"flags": {"sym": "O_RDONLY", "raw": 0}}}]})
    assert r["args"] == {"mode": "r"} and r["syscalls"][0]["args"] == {"flags": "O_RDONLY"}


@needs_root_bpf
@serial
def test_corpus_records_have_one_type_per_field_path():
    seen = {}    # path -> {type: first (program, record type) that used it}
    nrec = 0
    rtypes = set()
    for name, recs, _, _ in gv.run_corpus(args=("--summary",)):
        for r in recs:
            nrec += 1
            rtypes.add(r["type"])
            for path, ts in types(r).items():
                for t in ts:
                    seen.setdefault(path, {}).setdefault(t, (name, r["type"]))
    bad = {p: v for p, v in seen.items() if len(v) > 1}
    assert not bad, "field paths with several JSON types:\n" + "\n".join(
        f"  {p}: {v}" for p, v in sorted(bad.items()))
    # the walk saw the kinds of records and values it is meant to check
    assert {"start", "audit", "syscall", "process", "lifecycle", "summary"} <= rtypes
    assert nrec > 5000
    for p in ("args.mode.str", "args.mode.int", "args.path.str", "args.path.int",
              "args.flags.sym", "args.flags.raw", "args.address.tuple.str",
              "args.address.tuple.int", "syscalls.args.flags.sym", "exit_code", "wait_status"):
        assert p in seen, p
    assert seen["args.flags.raw"].keys() == {"integer"}


@needs_root_bpf
def test_exit_fields_are_code_signal_and_wait_status(tmp_path):
    out = tmp_path / "o.jsonl"
    script = "import os, sys, signal\nif os.fork() == 0:\n    os.kill(os.getpid(), signal.SIGTERM)\n" \
             "os.wait()\nsys.exit(3)\n"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", SYSTEM_PYTHON, "-c", script])
    assert r.returncode == 3, r.stderr
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    start = recs[0]
    assert start["type"] == "start" and start["schema"] == 2
    exits = [x for x in recs if x["type"] == "process" and x["event"] == "exit"]
    # the last thread of each process: one killed child, the parent exits 3
    killed = [x for x in exits if "signal" in x]
    assert [(x["signal"], x["wait_status"], "exit_code" in x) for x in killed] == \
        [("SIGTERM", 15, False)]
    parent = [x for x in exits if x["pid"] == killed[0]["ppid"]]
    assert [(x["exit_code"], x["wait_status"], "signal" in x) for x in parent] == \
        [(3, 768, False)]


@needs_root_bpf
def test_command_mode_keeps_stdout_for_the_command(tmp_path):
    """pyxcheck -j -- cmd > f: the records go to stderr (as strace's), f holds cmd's output only;
    -o - puts them on stdout when asked."""
    cmd = [SYSTEM_PYTHON, "-c", "print('hello from the command')"]
    r = run([str(MONITOR), "-j", "--"] + cmd)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello from the command\n"
    recs = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    assert recs[0]["type"] == "start" and any(x["type"] == "audit" for x in recs)
    r = run([str(MONITOR), "-j", "-o", "-", "--"] + cmd)
    assert r.returncode == 0, r.stderr
    # Both write to that stdout, the monitor through its writer thread. The command's line is one
    # write() of less than PIPE_BUF, so it arrives whole; the monitor's writes are larger than the
    # pipe and may be split around it, so it can land inside one of the monitor's lines: taken
    # out, the rest is the monitor's JSON Lines.
    out = r.stdout
    hello = "hello from the command\n"
    assert out.count(hello) == 1, out[:2000]
    i = out.index(hello)
    lines = (out[:i] + out[i + len(hello):]).splitlines()
    recs = [json.loads(line) for line in lines]
    assert recs[0]["type"] == "start" and any(x["type"] == "audit" for x in recs)


@needs_root_bpf
def test_json_to_a_terminal_shared_with_the_command_is_refused():
    import os
    import pty
    import subprocess
    master, slave = pty.openpty()
    try:
        p = subprocess.run([str(MONITOR), "-j", "--", "/bin/true"], stdout=subprocess.PIPE,
                           stderr=slave, timeout=60)
        os.close(slave)
        slave = -1
        err = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert p.returncode == 2
    msg = json.loads(err.decode().strip().splitlines()[0])
    assert msg["type"] == "error" and "-o FILE" in msg["error"]
