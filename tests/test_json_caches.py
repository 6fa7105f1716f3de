# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The JSON writer's text caches (issue 10, user/monitor/out_json.c) never show a previous record's
text for one that differs: the head (pid, tid, uid, comm), the frame (file, line, function), an
audit event's args (each value's type and bytes) and a syscall's args (the path bytes, the mode).

A live run of a hooked Python whose consecutive records differ in exactly one of those at a time:
the same event with bytes and bytearray swapped, True against 1, the same line of the same file in
two functions, the same event from two lines (the same payload body), one path after another, the
thread's comm and uid changed between two records.
Every value is checked exactly, in order: a key that left one of them out would repeat the text
of the record before."""
import json
import os

from conftest import MONITOR, needs_root_bpf, run

PY = "/usr/bin/python3"

# Each row differs from the one before in one value's type or value only.
EVENTS = [
    (1, "x", b"ab", bytearray(b"ab"), None, True),
    (1, "x", bytearray(b"ab"), b"ab", None, True),
    (1, "x", b"ab", bytearray(b"ab"), None, 1),
    (1, "x", b"ab", bytearray(b"ab"), None, False),
    (-1, "y", b"ab", bytearray(b"ab"), 0, False),
    (-1, "y", b"ab", bytearray(b"ac"), 0, False),
]
TYPED = [
    [{"int": 1}, {"str": "x"}, {"bytes": "ab"}, {"bytearray": "ab"}, None, {"bool": True}],
    [{"int": 1}, {"str": "x"}, {"bytearray": "ab"}, {"bytes": "ab"}, None, {"bool": True}],
    [{"int": 1}, {"str": "x"}, {"bytes": "ab"}, {"bytearray": "ab"}, None, {"int": 1}],
    [{"int": 1}, {"str": "x"}, {"bytes": "ab"}, {"bytearray": "ab"}, None, {"bool": False}],
    [{"int": -1}, {"str": "y"}, {"bytes": "ab"}, {"bytearray": "ab"}, {"int": 0},
     {"bool": False}],
    [{"int": -1}, {"str": "y"}, {"bytes": "ab"}, {"bytearray": "ac"}, {"int": 0},
     {"bool": False}],
]
NAMES = ["a", "a", "b", "\u00e9", "\u00e9", "a", "b"]
MODES = [0o644, 0o644, 0o600, 0o600, 0o644]
ROUNDS = 2
THREAD_TURNS = 3

CHILD = r"""
import os, sys
d = sys.argv[1]
events = %r
names = %r
modes = %r
ns = {}
# one file, one line, two functions: frames that differ in the function name only
exec(compile("def f_a(): open(%%r, 'rb').close()\n" %% (d + "/a"), "same.py", "exec"), ns)
exec(compile("def f_b(): open(%%r, 'rb').close()\n" %% (d + "/a"), "same.py", "exec"), ns)
for r in range(%d):
    if r == 1:
        # the head: the same thread under another comm, then another uid
        with open("/proc/thread-self/comm", "w") as f:
            f.write("pyxrenamed")
        sys.audit("pyxtest.head", 1)
        os.setresuid(65534, 65534, 65534)
        sys.audit("pyxtest.head", 2)
    for e in events:
        sys.audit("pyxtest.cache", *e)
    for n in names:
        try:
            open(os.path.join(d, n), "rb").close()
        except OSError:
            pass
    for m in modes:
        try:
            os.chmod(os.path.join(d, "a"), m)
        except OSError:
            pass
    for f in ("f_a", "f_b", "f_a", "f_a", "f_b"):
        try:
            ns[f]()
        except OSError:
            pass

# the same open from two threads in turn: attached syscalls that differ in the tid only
import threading
def opener():
    try:
        open(os.path.join(d, "a"), "rb").close()
    except OSError:
        pass
for k in range(%d):
    opener()
    t = threading.Thread(target=opener)
    t.start()
    t.join()

# the same event from two lines in turn: payloads whose body (file, function, arguments) is the
# same byte for byte, frames that differ in the line only
for k in range(2):
    sys.audit("pyxtest.line", 1)
    sys.audit("pyxtest.line", 1)
""" % (EVENTS, NAMES, MODES, ROUNDS, THREAD_TURNS)


@needs_root_bpf
def test_consecutive_records_that_differ_in_one_value_each_show_their_own(tmp_path):
    d = tmp_path / "files"
    d.mkdir()
    for n in set(NAMES):
        (d / n).write_bytes(b"x")
    os.chmod(tmp_path, 0o755)
    os.chmod(d, 0o777)
    out = tmp_path / "out.jsonl"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    os.chmod(script, 0o644)
    r = run([str(MONITOR), "-j", "-o", str(out), "--", PY, str(script), str(d)])
    assert r.returncode == 0, r.stderr
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    child = [x for x in recs if x.get("type") == "audit" and x.get("event") == "pyxtest.cache"]
    pid = child[0]["pid"]
    mine = [x for x in recs if x.get("pid") == pid]

    # audit args, by type and value, in order
    assert [x["args"] for x in child] == TYPED * ROUNDS

    # the head: comm, then uid, changed between two records of the same thread
    heads = [(x["args"][0]["int"], x["uid"], x["comm"]) for x in mine
             if x.get("type") == "audit" and x.get("event") == "pyxtest.head"]
    assert heads == [(1, 0, "pyxrenamed"), (2, 65534, "pyxrenamed")]
    assert [(x["uid"], x["comm"]) for x in child] == \
        [(0, "python3")] * len(EVENTS) + [(65534, "pyxrenamed")] * len(EVENTS)

    # syscall args: each openat of the files (its own line and the one paired with its audit
    # event) names its own path
    paths = [str(d / n) for n in NAMES] + [str(d / "a")] * 5
    turned = [str(d / "a")] * (2 * THREAD_TURNS)  # the threads' opens, last
    opened = [x["args"]["filename"]["path"] for x in mine
              if x.get("type") == "syscall" and x["syscall"] == "openat"
              and x["args"]["filename"].get("path", "").startswith(str(d))]
    assert opened == paths * ROUNDS + turned
    paired = [s["args"]["filename"]["path"] for x in mine
              if x.get("type") == "audit" and x.get("event") == "open"
              and str(x["args"]["path"].get("str")).startswith(str(d))
              for s in x.get("syscalls", []) if s["syscall"] == "openat"]
    assert paired == paths * ROUNDS + turned

    # the frame's line of events with the same body (the writer keeps a frame's text for the
    # body it was written for, out_json.c json_frame: the line is the header's)
    lines = [i + 1 for i, t in enumerate(CHILD.splitlines()) if 'sys.audit("pyxtest.line"' in t]
    assert len(lines) == 2
    assert [x["frame"]["line"] for x in mine if x.get("type") == "audit"
            and x.get("event") == "pyxtest.line"] == lines * 2

    # the mode of consecutive chmods
    chmods = [x["args"]["mode"] for x in mine
              if x.get("type") == "syscall" and x["syscall"] in ("chmod", "fchmodat")]
    assert [c["raw"] for c in chmods] == MODES * ROUNDS
    assert [c["sym"] for c in chmods] == ["%04o" % m for m in MODES] * ROUNDS

    # the same open from two threads in turn: each attached openat and each openat line carries
    # its own thread's tid (the attached syscall's head text is kept by table name, pid and tid)
    # (written thread by thread: the main thread's three, then each thread's own)
    turns = [x for x in mine if x.get("type") == "audit" and x.get("event") == "open"
             and (x.get("frame") or {}).get("function") == "opener"]
    assert len(turns) == 2 * THREAD_TURNS
    tids = [x["tid"] for x in sorted(turns, key=lambda x: x["ts"])]
    assert tids[0::2] == [pid] * THREAD_TURNS
    assert pid not in tids[1::2] and len(set(tids[1::2])) == THREAD_TURNS
    assert [[(s["pid"], s["tid"]) for s in x["syscalls"] if s["syscall"] == "openat"]
            for x in turns] == [[(pid, x["tid"])] for x in turns]
    lines = [x["tid"] for x in mine if x.get("type") == "syscall" and x["syscall"] == "openat"
             and x["args"]["filename"].get("path") == str(d / "a")]
    assert lines[-2 * THREAD_TURNS:] == [x["tid"] for x in turns]

    # frames: one file and line, two function names
    frames = [(x["frame"]["file"], x["frame"]["line"], x["frame"]["function"]) for x in mine
              if x.get("type") == "audit" and x.get("event") == "open"
              and (x.get("frame") or {}).get("file") == "same.py"]
    assert frames == [("same.py", 1, f) for f in ("f_a", "f_b", "f_a", "f_a", "f_b")] * ROUNDS
