# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The monitor's audit path without the kernel: build/tests/pyx-decode runs the same record check,
payload decoder and writers as build/pyxcheck on frames built here, byte by byte, from
include/pyxcheck_wire.h. Good payloads must give exact JSON; every malformed one must give a
`malformed` record and the next frame must still decode; every output line must parse."""
import json
import random
import re
import struct

import pytest

from conftest import BUILD, ROOT, run

from pyxjson import plain
DECODE = BUILD / "tests" / "pyx-decode"

MAGIC, VERSION = 0x5850, 1
T_NONE, T_FALSE, T_TRUE, T_INT, T_BIGINT, T_FLOAT, T_STR, T_BYTES, T_BYTEARRAY = range(9)
T_TUPLE, T_LIST, T_DICT, T_OBJECT, T_DEPTH, T_ELIDED = range(9, 15)
ESCAPED, TRUNC = 0x40, 0x80
PF_TRUNCATED, PF_NO_FRAME, PF_NO_ARGS = 1, 2, 4
UNKNOWN = 0xFFFF
CATEGORIES = ["file", "network", "process", "ffi", "code", "import", "runtime", "other"]


def catalogue():
    text = (ROOT / "include" / "audit_events.def").read_text()
    rows = re.findall(r'^PYX_EVENT\(\s*(\w+),\s*"([^"]*)",\s*(\w+),\s*"([^"]*)"', text, re.M)
    return {name: (i, cat.lower(), args.split(",") if args else []) for i, (_, name, cat, args)
            in enumerate(rows)}


CAT = catalogue()


class Obj:
    def __init__(self, tname, attrs=(), tag=T_OBJECT):
        self.tname, self.attrs, self.tag = tname, attrs, tag


class Raw:
    """Bytes put in the payload as they are (for malformed values)."""

    def __init__(self, data):
        self.data = data


class Esc:
    """A STR with the ESCAPED flag: text as the hook writes it."""

    def __init__(self, text, flags=0):
        self.text, self.flags = text, flags


def enc(v):
    if isinstance(v, Raw):
        return v.data
    if v is None:
        return bytes([T_NONE])
    if v is False:
        return bytes([T_FALSE])
    if v is True:
        return bytes([T_TRUE])
    if isinstance(v, int):
        if -2**63 <= v < 2**63:
            return bytes([T_INT]) + struct.pack("<q", v)
        mag = abs(v).to_bytes((abs(v).bit_length() + 7) // 8, "little")
        return bytes([T_BIGINT, 1 if v < 0 else 0]) + struct.pack("<I", len(mag)) + mag
    if isinstance(v, float):
        return bytes([T_FLOAT]) + struct.pack("<d", v)
    if isinstance(v, Esc):
        data = v.text.encode()
        return bytes([T_STR | ESCAPED | v.flags]) + struct.pack("<I", len(data)) + data
    if isinstance(v, str):
        data = v.encode()
        return bytes([T_STR]) + struct.pack("<I", len(data)) + data
    if isinstance(v, (bytes, bytearray)):
        tag = T_BYTES if isinstance(v, bytes) else T_BYTEARRAY
        return bytes([tag]) + struct.pack("<I", len(v)) + bytes(v)
    if isinstance(v, (tuple, list)):
        tag = T_TUPLE if isinstance(v, tuple) else T_LIST
        return bytes([tag]) + struct.pack("<I", len(v)) + b"".join(enc(i) for i in v)
    if isinstance(v, dict):
        body = b"".join(enc(k) + enc(x) for k, x in v.items())
        return bytes([T_DICT]) + struct.pack("<I", len(v)) + body
    if isinstance(v, Obj):
        t = v.tname if isinstance(v.tname, bytes) else v.tname.encode()
        out = bytes([v.tag, len(t)]) + t + bytes([len(v.attrs)])
        for name, val in v.attrs:
            out += bytes([len(name)]) + name.encode() + enc(val)
        return out
    raise TypeError(v)


def payload(event, args, file="/srv/app.py", func="main", line=12, seq=5, flags=0,
            event_id=None, magic=MAGIC, version=VERSION, nargs=None, total_delta=0, tail=b""):
    if event_id is None:
        event_id = CAT[event][0] if event in CAT else UNKNOWN
    body = enc(event) + enc(file) + enc(func) + b"".join(enc(a) for a in args) + tail
    total = 24 + len(body) + total_delta
    hdr = struct.pack("<HBBHHIIQ", magic, version, flags, event_id,
                      len(args) if nargs is None else nargs, total, line, seq)
    return hdr + body


def record(pl, event_id=None, category=None, claimed=None, flags=0, comm=b"python3",
           pid=4242, tid=4243):
    """A whole struct pyx_rec_audit around a payload."""
    if event_id is None:
        event_id = struct.unpack_from("<H", pl, 4)[0]
    if category is None:
        name = [n for n, (i, _, _) in CAT.items() if i == event_id]
        category = CATEGORIES.index(CAT[name[0]][1]) if name else CATEGORIES.index("other")
    size = 56 + 16 + len(pl)
    hdr = struct.pack("<IHHIIII QQ16s", size, 1, flags, pid, tid, 0, 0, 123456789, 0,
                      comm.ljust(16, b"\0")[:16])
    return hdr + struct.pack("<IIII", event_id, category,
                             len(pl) if claimed is None else claimed, len(pl)) + pl


def decode(frames, *flags):
    data = b"".join(struct.pack("<I", len(f)) + f for f in frames)
    r = run([str(DECODE), *flags], input=data, text=False, timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert out.endswith("\n") or not out
    return out.split("\n")[:-1]


def decode_json(frames, *flags):
    lines = decode(frames, *flags)
    assert len(lines) == len(frames)
    return [plain(json.loads(line)) for line in lines]


@pytest.fixture(scope="module", autouse=True)
def need_tool():
    if not DECODE.exists():
        pytest.fail(f"{DECODE} is missing: run `make test` (it builds it)")


def test_every_tag_decodes_to_its_documented_json():
    args = (None, False, True, 0, -1, 2**63 - 1, -2**63, 2**64, -(2**200), 1.5, -0.25, 1.0,
            "é\0x", b"\x00\xff\x80a", bytearray(b"\xc3\xa9"), (1, "a"), [None, []],
            {"k": 1, "n": None}, {1: "one", "two": 2},
            Obj("socket", [("fd", 3), ("family", 2)]), Obj("code", []),
            float("inf"), float("-inf"), float("nan"))
    (rec,) = decode_json([payload("app.every", args)])
    assert rec["type"] == "audit" and rec["event"] == "app.every" and rec["category"] == "other"
    assert rec["args"] == [
        None, False, True, 0, -1, 2**63 - 1, -2**63, 2**64, -(2**200), 1.5, -0.25, 1.0,
        "é\0x", {"bytes": "\x00\udcff\udc80a"}, {"bytearray": "é"}, [1, "a"], [None, []],
        {"k": 1, "n": None}, {"dict": [[1, "one"], ["two", 2]]},
        {"object": "socket", "attrs": {"fd": 3, "family": 2}}, {"object": "code", "attrs": {}},
        {"float": "inf"}, {"float": "-inf"}, {"float": "nan"}]
    assert isinstance(rec["args"][11], float)
    assert rec["frame"] == {"file": "/srv/app.py", "line": 12, "function": "main"}
    assert rec["seq"] == 5 and rec["pid"] == 1 and rec["comm"] == "python3"
    assert "truncated" not in rec
    # bytes come back exactly with surrogateescape
    assert rec["args"][13]["bytes"].encode("utf-8", "surrogateescape") == b"\x00\xff\x80a"


def test_every_tag_is_a_typed_object_in_schema_2():
    """docs/json-schema.md: one key names the Python type, so each path keeps one JSON type."""
    args = (None, False, 7, 2**64, 1.5, float("nan"), "s", b"b", bytearray(b"a"), (1,), [],
            {1: "one"}, Obj("socket", [("fd", 3)]))
    (line,) = decode([payload("app.every", args)])
    assert json.loads(line)["args"] == [
        None, {"bool": False}, {"int": 7}, {"bigint": "18446744073709551616"}, {"float": 1.5},
        {"float_str": "nan"}, {"str": "s"}, {"bytes": "b"}, {"bytearray": "a"},
        {"tuple": [{"int": 1}]}, {"list": []},
        {"dict": [{"key": {"int": 1}, "value": {"str": "one"}}]},
        {"object": {"type": "socket", "attrs": {"fd": {"int": 3}}}}]


def test_catalogue_events_are_keyed_by_argument_name():
    recs = decode_json([
        payload("open", ("/etc/passwd", "r", 524288)),
        payload("socket.connect", (Obj("socket", [("fd", 3)]), ("127.0.0.1", 8080))),
        payload("os.rename", ("a", "b", None, None)),
        payload("cpython.PyInterpreterState_Clear", ()),
    ])
    assert recs[0]["args"] == {"path": "/etc/passwd", "mode": "r", "flags": 524288}
    assert recs[0]["category"] == "file"
    assert recs[1]["args"] == {"self": {"object": "socket", "attrs": {"fd": 3}},
                               "address": ["127.0.0.1", 8080]}
    assert recs[1]["category"] == "network"
    assert recs[2]["args"] == {"src": "a", "dst": "b", "src_dir_fd": None, "dst_dir_fd": None}
    assert recs[3]["args"] == {}


def test_catalogue_event_with_another_arity_lists_its_args():
    (rec,) = decode_json([payload("open", ("/x", "r"))])
    assert rec["event"] == "open" and rec["args"] == ["/x", "r"]


def test_flags_no_frame_no_args_and_truncation():
    recs = decode_json([
        payload("app.x", (), flags=PF_NO_FRAME | PF_NO_ARGS, file="", func="", line=0),
        payload("app.y", (Raw(bytes([T_STR | TRUNC]) + struct.pack("<I", 3) + b"abc"),)),
        payload("app.z", ((1, Raw(bytes([T_DEPTH | TRUNC]))), Raw(bytes([T_ELIDED | TRUNC])))),
        payload("app.w", (1,), flags=PF_TRUNCATED),
        payload("app.v", (Raw(bytes([T_BIGINT | TRUNC, 0]) + struct.pack("<I", 0)),)),
    ])
    assert recs[0]["frame"] is None and recs[0]["args"] is None
    assert recs[1]["args"] == ["abc"] and recs[1]["truncated"] is True
    assert recs[2]["args"] == [[1, {"truncated": "depth"}], {"truncated": "elided"}]
    assert recs[2]["truncated"] is True
    assert recs[3]["truncated"] is True
    assert recs[4]["args"] == [{"truncated": "int"}]


def test_escaped_str_gives_back_the_python_str():
    # the hook writes lone surrogates as \\udXXX and doubles backslashes (ESCAPED)
    (rec,) = decode_json([payload("app.esc", (Esc(r"a\udc80b\\c\ud800"),))])
    assert rec["args"] == ["a\udc80b\\c\ud800"]


def test_nesting_at_the_limit_is_accepted():
    v = 1
    for _ in range(8):  # 8 containers: depth 1..8
        v = (v,)
    (rec,) = decode_json([payload("app.deep", (v,))])
    x = rec["args"][0]
    for _ in range(8):
        x = x[0]
    assert x == 1


MALFORMED = {
    "bad magic": payload("app.m", (1,), magic=0x1234),
    "bad version": payload("app.m", (1,), version=2),
    "len above": payload("app.m", (1,), total_delta=1),
    "len below": payload("app.m", (1,), total_delta=-1),
    "short header": payload("app.m", ())[:20],
    "value past end": payload("app.m", (Raw(bytes([T_INT]) + b"\1\2\3"),)),
    "str past end": payload("app.m", (Raw(bytes([T_STR]) + struct.pack("<I", 1000) + b"ab"),)),
    "huge count": payload("app.m", (Raw(bytes([T_LIST]) + struct.pack("<I", 0xFFFFFFFF)),)),
    "count above SEQ_MAX": payload("app.m", (Raw(bytes([T_LIST]) + struct.pack("<I", 65)
                                                 + bytes(65)),)),
    "str above STR_MAX": payload("app.m", (Raw(bytes([T_BYTES]) + struct.pack("<I", 2049)
                                               + bytes(2049)),)),
    "unknown tag": payload("app.m", (Raw(bytes([15])),)),
    "escaped on bytes": payload("app.m", (Raw(bytes([T_BYTES | ESCAPED]) + bytes(4)),)),
    "truncated on int": payload("app.m", (Raw(bytes([T_INT | TRUNC]) + bytes(8)),)),
    "depth without truncated": payload("app.m", (Raw(bytes([T_DEPTH])),)),
    "bigint bad sign": payload("app.m", (Raw(bytes([T_BIGINT, 2]) + struct.pack("<I", 1) + b"\1"),)),
    "bigint empty": payload("app.m", (Raw(bytes([T_BIGINT, 0]) + struct.pack("<I", 0)),)),
    "bigint too long": payload("app.m", (Raw(bytes([T_BIGINT, 0]) + struct.pack("<I", 257)
                                             + bytes(257)),)),
    "invalid utf-8": payload("app.m", (Raw(bytes([T_STR]) + struct.pack("<I", 2) + b"\xc3("),)),
    "surrogate in utf-8": payload("app.m", (Raw(bytes([T_STR]) + struct.pack("<I", 3)
                                                + b"\xed\xa0\x80"),)),
    "overlong utf-8": payload("app.m", (Raw(bytes([T_STR]) + struct.pack("<I", 2) + b"\xc0\xaf"),)),
    "bad escape": payload("app.m", (Esc(r"a\x41"),)),
    "cut escape": payload("app.m", (Esc(r"a\udc8"),)),
    "escape not a surrogate": payload("app.m", (Esc(r"\ud7ff"),)),
    "trailing bytes": payload("app.m", (1,), tail=b"\0"),
    "nargs above": payload("app.m", (1,), nargs=2),
    "name not a str": payload("app.m", ())[:24] + enc(5) + payload("app.m", ())[24 + 10:],
    "unknown flags": payload("app.m", (), flags=0x10),
    "too deep": payload("app.m", ((((((((((1,),),),),),),),),),)),
    "id/name mismatch": payload("open", ("/x", "r", 0), event_id=CAT["compile"][0]),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_payload_gives_malformed_record_and_monitor_goes_on(name):
    good = payload("app.ok", ("fine",))
    recs = decode_json([MALFORMED[name], good])
    assert recs[0]["type"] == "malformed", recs[0]
    assert recs[0]["source"] == "audit" and recs[0]["reason"]
    assert recs[1]["type"] == "audit" and recs[1]["args"] == ["fine"]


def test_record_level_checks():
    pl = payload("open", ("/x", "r", 0))
    recs = decode_json([
        record(pl),
        record(pl, claimed=len(pl) + 100),       # BPF cut the payload
        record(pl, flags=1),                      # PYX_AF_COPY_FAILED
        record(pl, event_id=CAT["compile"][0]),  # probe's id differs from the payload's
        record(pl, category=CATEGORIES.index("network")),  # wrong probe
        record(pl)[:60],                          # shorter than struct pyx_rec_audit
        record(pl)[:-3],                          # payload_len past the record
    ], "--record")
    assert recs[0]["type"] == "audit" and recs[0]["pid"] == 4242 and recs[0]["tid"] == 4243
    assert recs[0]["ts"] == 123456789
    reasons = [r.get("reason") for r in recs[1:]]
    assert [r["type"] for r in recs[1:]] == ["malformed"] * 6
    assert "claimed" in reasons[0] and "copied" in reasons[1] and "id" in reasons[2]
    assert "probe" in reasons[3]
    assert recs[2]["claimed_len"] == len(pl) and recs[2]["payload_len"] == len(pl)


HOSTILE = [bytes(range(256)), b"\x1b[31mred\x1b[0m\r\n\t\x07", "\u2028\u0085\u009b".encode(),
           b"\xff\xfe\xfd", b'"\\', b"\xe2\x82", b"\xf4\x90\x80\x80", b"\x00" * 5]


def test_hostile_strings_json_every_line_parses_and_round_trips():
    frames = []
    for h in HOSTILE:
        ok_str = h.decode("utf-8", "replace")  # a STR must be valid UTF-8
        frames.append(record(payload("app.h", (ok_str, h, bytearray(h), Obj(h[:20])),
                                     file=ok_str, func=ok_str), comm=h[:16]))
    lines = decode(frames, "--record")
    assert len(lines) == len(frames)
    for h, line in zip(HOSTILE, lines):
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"
                       for c in line), repr(line)  # no raw control character
        rec = plain(json.loads(line))
        assert rec["type"] == "audit"
        assert rec["args"][0] == h.decode("utf-8", "replace")
        assert rec["args"][1]["bytes"].encode("utf-8", "surrogateescape") == h
        assert rec["args"][2]["bytearray"].encode("utf-8", "surrogateescape") == h
        assert rec["args"][3]["object"].encode("utf-8", "surrogateescape") == h[:20]
        assert rec["comm"].encode("utf-8", "surrogateescape") == h[:16].split(b"\0")[0]


def test_hostile_strings_plain_has_no_control_bytes():
    frames = [record(payload("app.h", (h.decode("utf-8", "replace"), h),
                             file=h.decode("utf-8", "replace")), comm=h[:16]) for h in HOSTILE]
    out = run([str(DECODE), "--plain", "--record"],
              input=b"".join(struct.pack("<I", len(f)) + f for f in frames), text=False,
              timeout=60)
    assert out.returncode == 0
    lines = out.stdout.split(b"\n")
    assert lines[-1] == b"" and len(lines) == len(frames) + 1
    for line in lines[:-1]:
        text = line.decode("utf-8")  # valid UTF-8: invalid bytes are shown as \xNN
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"
                       for c in text), repr(text)
    assert b"\\x1b[31mred\\x1b[0m\\r\\n\\t\\x07" in out.stdout
    assert b"\\xff\\xfe\\xfd" in out.stdout


# Invisible and bidi formatting characters (Default_Ignorable_Code_Point or Bidi_Control, from
# libunistring): escaped in plain output, each by its code point; U+061C and U+00AD once reached
# the terminal raw. Visible non-ASCII text stays as it is.
INVISIBLE = {"\u061c": b"\\u061c", "\u00ad": b"\\u00ad", "\u202e": b"\\u202e",
             "\u2066": b"\\u2066", "\u200b": b"\\u200b", "\u2060": b"\\u2060",
             "\ufeff": b"\\ufeff", "\u3164": b"\\u3164", "\ufe0f": b"\\ufe0f",
             "\U000e0041": b"\\U000e0041"}


@pytest.mark.parametrize("char", sorted(INVISIBLE), ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_and_bidi_characters_are_escaped_in_plain(char):
    text = f"a{char}b"
    frame = record(payload("app.h", (text, text.encode())), comm=b"py")
    out = run([str(DECODE), "--plain", "--record"],
              input=struct.pack("<I", len(frame)) + frame, text=False, timeout=60)
    assert out.returncode == 0, out.stderr
    assert char.encode() not in out.stdout
    assert out.stdout.count(b"a" + INVISIBLE[char] + b"b") == 2, out.stdout  # the str and the bytes
    (rec,) = decode_json([frame], "--record")
    assert rec["args"] == [text, {"bytes": text}]  # JSON keeps the text exact


def test_visible_non_ascii_stays_raw_in_plain():
    text = "\u00e9\u0627\u05d0\u4e2d\U0001f600"  # e acute, alef, alef (Hebrew), zhong, emoji
    frame = record(payload("app.h", (text,)), comm=b"py")
    out = run([str(DECODE), "--plain", "--record"],
              input=struct.pack("<I", len(frame)) + frame, text=False, timeout=60)
    assert out.returncode == 0, out.stderr
    assert text.encode() in out.stdout


def test_mutated_payloads_never_crash_and_always_parse():
    rng = random.Random(578)
    seeds = [payload("open", ("/tmp/f", "w", 577)),
             payload("app.mix", ((1, [2.5, {"k": b"v"}]), Obj("socket", [("fd", 4)]), 2**90,
                                 Esc(r"\udc80\\"))),
             payload("exec", (Obj("code", [("co_filename", "x.py"), ("co_name", "f")]),))]
    frames = []
    for i in range(3000):
        p = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            op = rng.randrange(3)
            pos = rng.randrange(len(p))
            if op == 0:
                p[pos] = rng.randrange(256)
            elif op == 1 and len(p) > 25:
                del p[pos]
            else:
                p.insert(pos, rng.randrange(256))
        frames.append(bytes(p))
    recs = decode_json(frames)
    kinds = {r["type"] for r in recs}
    assert kinds <= {"audit", "malformed"} and "malformed" in kinds
