# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""-r FILE (docs/views.md, "Replay (-r)"): a capture made with `-j --raw -o FILE` and its replay
give the same records, verdicts and summary, on programs of the test corpus; hostile lines in a
capture are reported with their line number and counted, never a crash."""
import json
import sys
from pathlib import Path

import pytest

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run, serial, without_startup_warnings

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

import golden_verdicts as gv  # noqa: E402

# a benign program with threads, one with sockets and a subprocess pipeline, the forged and
# native evasions, a blind spot, and the pairing program (every catalogue pairing)
PROGRAMS = ["benign/threads", "benign/http_loopback", "benign/shell_pipeline",
            "evasion/forged_open", "evasion/ctypes_connect", "evasion/env_i_child",
            "pairing/pairing"]
# what differs between a run and its replay by nature: the monitor's own pid, when the summary
# was written (the replay ends at the capture's last record) and the raw bytes (not asked for)
VOLATILE = {"ts", "time", "pid", "tid", "duration_ns"}


def strip(r):
    # raw: not asked for in the replay; process/parent, and the frames of a finding's stack past
    # the first (with its origin): read from /proc and the kernel's stack dump at capture time,
    # which a replay cannot read again (docs/views.md, "Replay (-r)")
    r = {k: v for k, v in r.items()
         if k not in ("raw", "process", "parent", "stack", "stack_note", "origin")}
    if isinstance(r.get("syscalls"), list):
        r["syscalls"] = [{k: v for k, v in s.items() if k != "raw"} for s in r["syscalls"]]
    return r


def replay(cap, out, *extra):
    r = run([str(MONITOR), "-r", str(cap), "-j", "--summary", "-o", str(out), *extra],
            timeout=300)
    return r, [json.loads(line) for line in out.read_text().splitlines()]


@needs_root_bpf
@serial
@pytest.mark.parametrize("prog", PROGRAMS)
def test_replay_gives_the_same_verdicts_records_and_summary(prog, tmp_path):
    for _, live, _, cap in gv.run_corpus(only=[prog], args=("--raw", "--summary")):
        r, again = replay(cap, tmp_path / "replay.jsonl")
        assert r.returncode == 0, r.stderr
        body = lambda recs: sorted(json.dumps(strip(x), sort_keys=True) for x in recs  # noqa
                                   if x["type"] not in ("start", "summary"))
        verdicts = lambda recs: sorted((x["type"], x["ts"], x["tid"], x.get("event"),  # noqa
                                        x.get("syscall"), x.get("verdict"), x.get("why"))
                                       for x in recs if "verdict" in x
                                       or x["type"] in ("alert", "blind-spot"))
        assert verdicts(live) and verdicts(again) == verdicts(live)
        assert body(again) == body(live)
        summary = lambda recs: {k: v for k, v in recs[-1].items() if k not in VOLATILE}  # noqa
        assert live[-1]["type"] == again[-1]["type"] == "summary"
        assert summary(again) == summary(live)
        assert again[0]["type"] == "start" and again[0]["node"] == live[0]["node"]
        if prog == "evasion/env_i_child":
            assert [x["type"] for x in again].count("blind-spot") == 1
            assert again[-1]["correlation"]["blind_spots"] == 1
            # the human view shows the captured blind spot as a live run does, not as JSON
            [bs] = [x for x in live if x["type"] == "blind-spot"]
            r = run([str(MONITOR), "-r", str(cap)], timeout=300)
            assert r.returncode == 0, r.stderr
            assert [ln for ln in r.stdout.splitlines() if ln.startswith("{")] == []
            [line] = [ln for ln in r.stdout.splitlines() if " B blind-spot " in ln]
            assert f" {bs['pid']} " in line and f"B blind-spot exe={bs['exe']} argv=" in line
            assert f"({bs['why']})" in line
            if "builtin_events" in bs:
                assert " python:audit events=" + ",".join(bs["builtin_events"]) in line


@needs_root_bpf
def test_plain_replay_and_capture_without_raw(tmp_path):
    cap = tmp_path / "cap.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(cap), "--", sys.executable, "-c",
             "open('/etc/hostname').read()"])
    assert r.returncode == 0, r.stderr
    r = run([str(MONITOR), "-r", str(cap)])
    assert r.returncode == 1 and r.stdout == ""
    assert "records carry no ring-buffer bytes: replay needs a capture made with -j --raw" \
        in r.stderr
    r = run([str(MONITOR), "-j", "--raw", "-o", str(cap), "--", sys.executable, "-c",
             "open('/etc/hostname').read()"])
    assert r.returncode == 0, r.stderr
    r = run([str(MONITOR), "-r", str(cap), "--summary"])
    assert r.returncode == 0, r.stderr
    assert " A open " in r.stdout and "/etc/hostname" in r.stdout and "matched" in r.stdout


@needs_root_bpf
def test_replay_gives_the_same_tables_and_trace_as_the_live_run(tmp_path):
    """The views are fed by the replay as by the ring: -c on a replay prints the tables that -C
    printed live (on stderr), and --trace-out writes the same trace, byte for byte."""
    cap, work, script = tmp_path / "cap.jsonl", tmp_path / "w", tmp_path / "w.py"
    work.mkdir()
    script.write_text("import ctypes, os, subprocess, sys\n"
                      "for i in range(5):\n"
                      "    open(os.path.join(sys.argv[1], f'f{i}'), 'w').close()\n"
                      "subprocess.run(['/bin/true'])\n"
                      "ctypes.CDLL(None).mkdir(os.path.join(sys.argv[1], 'x').encode(), 0o755)\n")
    r = run([str(MONITOR), "-j", "--raw", "-o", str(cap), "-C", "--trace-out",
             str(tmp_path / "live.json"), "--", SYSTEM_PYTHON, str(script), str(work)],
            timeout=300)
    assert r.returncode == 0, r.stderr
    tables = without_startup_warnings(r.stderr)
    assert "% time" in tables and "subprocess.Popen" in tables
    r = run([str(MONITOR), "-r", str(cap), "-c", "--trace-out", str(tmp_path / "again.json")],
            timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == tables
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "live.json").read_bytes()


HOSTILE = [
    b"not json at all",
    b"{\"type\":\"audit\"",                       # cut short
    b"[1,2,3]",                                   # not an object
    b"{\"ts\":1}",                                # no type
    b"{\"type\":\"audit\",\"raw\":\"!!!!\"}",     # not base64
    b"{\"type\":\"audit\",\"raw\":\"QUFBQQ==\"}", # base64 of 4 bytes: not a record
    b"{\"type\":\"syscall\",\"raw\":7}",          # raw not a string
    b"{\"type\":\"audit\"} trailing",
    b"{\"type\":\"au\x00dit\"}",                  # a NUL byte
    b"[" * 100000 + b"]" * 100000,                # deep nesting
    b"{\"type\":\"audit\",\"raw\":\"" + b"A" * 200000 + b"\"}",  # too large a record
    b"\xff\xfe{}",                                # not UTF-8
]


def test_hostile_lines_are_reported_with_their_number_and_counted(tmp_path):
    """No BPF needed: a capture of nothing but hostile lines, and one good record type."""
    cap = tmp_path / "cap.jsonl"
    good = b'{"type":"start","ts":5,"time":"2026-11-30T00:00:00.000000005Z","node":"h"}'
    cap.write_bytes(b"\n".join([good] + HOSTILE) + b"\n")
    r = run([str(MONITOR), "-r", str(cap), "-j", "--summary"], timeout=120)
    assert r.returncode == 3, r.stderr
    errs = [json.loads(line)["error"] for line in r.stderr.splitlines()]
    n = len(HOSTILE)
    assert [e.split(": malformed line")[0] for e in errs[:10]] == \
        [f"{cap}:{i}" for i in range(2, 12)]
    assert errs[10] == f"{cap}: {n} malformed lines skipped in all"
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["type"] for x in recs] == ["start", "summary"]
    assert recs[-1]["malformed"] == n


def test_blind_spot_lines_read_back_for_the_human_view(tmp_path):
    """No BPF needed: a captured blind spot is shown as the live human view shows it (its
    control bytes escaped); one with a field missing or of another type is written as it was."""
    good = {"type": "blind-spot", "ts": 10, "pid": 7, "tid": 7, "comm": "python3", "ppid": 1,
            "exe": "/usr/bin/python3", "argv": ["python3", "-c", "x\x1b[31m"],
            "why": "exports PySys_Audit", "builtin_events": ["open", "exec"], "builtin_count": 2}
    bad = [dict(good, argv=5, ts=11), dict(good, pid="7", ts=12),
           dict(good, builtin_events=[1], ts=13),
           {k: v for k, v in dict(good, ts=14).items() if k != "why"}]
    lines = [json.dumps({"type": "start", "ts": 5, "time": "2026-11-30T00:00:00.000000005Z",
                         "node": "h"}), json.dumps(good)] + [json.dumps(x) for x in bad]
    cap = tmp_path / "cap.jsonl"
    cap.write_text("\n".join(lines) + "\n")
    r = run([str(MONITOR), "-r", str(cap)], timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[1].endswith("       7 python3         B blind-spot exe=/usr/bin/python3 "
                           "argv=python3 -c x\\x1b[31m (exports PySys_Audit) "
                           "python:audit events=open,exec"), out[1]
    assert out[2:] == lines[2:]
    assert len(out) == 6
    r = run([str(MONITOR), "-r", str(cap), "-j"], timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == lines[1:]


def test_replay_usage_errors(tmp_path):
    for argv in (["-r", "x", "--", "true"], ["-r", "x", "-a"], ["-r", "x", "-p", "1"],
                 ["-r", "x", "-j", "--raw"], ["--raw", "--", "true"]):
        r = run([str(MONITOR), *argv])
        assert r.returncode == 2, (argv, r.stderr)
    r = run([str(MONITOR), "-r", str(tmp_path / "missing")])
    assert r.returncode == 1 and "failed to read" in r.stderr
