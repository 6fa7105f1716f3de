# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Output safety, end to end: a monitored Python uses paths, arguments, audit values and a comm
that carry newlines, quotes, backslashes, ANSI escape sequences, C1 controls, invalid UTF-8 and
NULs. Every JSON line parses and gives the exact value back (bytes that are not UTF-8 come back
through "surrogateescape"); the human format carries no raw control character at all.
"""
import os

import pytest

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run
from conftest import require_built
from robust_util import CONTROL, json_lines

pytestmark = needs_root_bpf

STR_NAMES = ["nl\nname", 'quo"te', "back\\slash", "esc\x1b[31mred\x1b[0m", "bell\x07",
             "c1\u0085x", "tab\tx", "del\x7fx", "cr\rx", "apos'x", "sur\udcffx"]
BYTES_NAMES = [b"bad\xff\xfeutf8", b"\xed\xa0\x80enc-surrogate", b"\xc0\x80overlong"]
ARGV = ["/bin/true", "arg\nwith\x1b[2Jclear", "q'\"\\", "\x9b31m"]
AUDIT_ARGS = ["nul\x00byte", "lone\udc80\ud800x", b"\x00\xff\x1b", "\\\\x41", "\x1b]0;title\x07"]
COMM = b"\x1b[31mevil\n"

WORKLOAD = r'''
import os, subprocess, sys
d = os.fsencode(sys.argv[1])
for n in %(str_names)r:
    p = os.path.join(sys.argv[1], n)
    open(p, "w").close()
    os.unlink(p)
for b in %(bytes_names)r:
    p = os.path.join(d, b)
    os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
    os.unlink(p)
sys.audit("pyx.hostile", *%(audit_args)r)
subprocess.run(%(argv)r, check=True)
with open("/proc/self/comm", "wb") as f:
    f.write(%(comm)r)
open(os.path.join(sys.argv[1], "after-comm"), "w").close()
'''


def workload(tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    script = tmp_path / "hostile.py"
    script.write_text(WORKLOAD % dict(str_names=STR_NAMES, bytes_names=BYTES_NAMES,
                                      audit_args=AUDIT_ARGS, argv=ARGV, comm=COMM))
    return [SYSTEM_PYTHON, str(script), str(work)], work


@pytest.fixture(scope="module")
def built():
    require_built()


def from_json_bytes(v):
    return v.encode("utf-8", "surrogateescape")


def test_json_lines_all_parse_and_carry_exact_values(tmp_path, built):
    cmd, work = workload(tmp_path)
    out = tmp_path / "out.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(out), "--"] + cmd, timeout=120)
    assert r.returncode == 0, r.stderr
    raw = out.read_bytes()
    raw.decode("utf-8")  # strictly valid UTF-8
    recs = json_lines(raw.decode("utf-8"))
    opens = [x["args"]["filename"] for x in recs
             if x["type"] == "syscall" and x["syscall"] == "openat"]
    audit_paths = [x["args"]["path"] for x in recs if x["type"] == "audit" and x["event"] == "open"]
    for n in STR_NAMES:
        full = os.path.join(str(work), n)
        assert full in opens, n
        assert full in audit_paths, n
    for b in BYTES_NAMES:
        full = os.path.join(os.fsencode(str(work)), b)
        assert full in [from_json_bytes(p) for p in opens], b
    hostile = [x for x in recs if x["type"] == "audit" and x["event"] == "pyx.hostile"]
    assert len(hostile) == 1
    assert hostile[0]["args"] == ["nul\x00byte", "lone\udc80\ud800x", {"bytes": "\x00\udcff\x1b"},
                                  "\\\\x41", "\x1b]0;title\x07"]
    execs = [x for x in recs if x["type"] == "syscall" and x["syscall"] == "execve"
             and x["args"]["filename"] == "/bin/true"]
    assert len(execs) == 1
    assert execs[0]["args"]["argv"] == ARGV
    after = [x for x in recs if x["type"] == "syscall" and x["syscall"] == "openat"
             and x["args"]["filename"].endswith("/after-comm")]
    assert len(after) == 1
    assert from_json_bytes(after[0]["comm"]) == COMM


def test_human_format_has_no_raw_control_character(tmp_path, built):
    cmd, work = workload(tmp_path)
    r = run([str(MONITOR), "-o", "-", "--"] + cmd, timeout=120, text=False)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode("utf-8")  # valid UTF-8, or this raises
    bad = [line for line in text.splitlines() if CONTROL.search(line)]
    assert bad == []
    # the hostile text is there, escaped
    assert "nl\\nname" in text
    assert "esc\\x1b[31mred\\x1b[0m" in text
    assert "bad\\xff\\xfeutf8" in text
    assert "arg\\nwith\\x1b[2Jclear" in text
    assert "\\x1b[31mevil\\n" in text
