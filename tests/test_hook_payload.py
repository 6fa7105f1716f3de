# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The hook's serialiser, byte for byte, in every interpreter of the matrix, without BPF.

tests/hook/payload_cases.py runs inside each interpreter: it serialises each case with the very
same C serialiser the hook uses (build/tests/pyxpayload.so) and with an independent reference
encoder (tests/hook/refenc.py), decodes with pyxwire, and logs any method call made on hostile
objects. Here we assert equality, decoded values and that no hostile method ran.
"""
import json
import struct

import pytest

import pyxwire
from conftest import BUILD, PYTHONS, ROOT, run

CASES = ROOT / "tests" / "hook" / "payload_cases.py"
_cache = {}


def cases_for(python):
    if python not in _cache:
        pyxpayload = BUILD / "tests" / "pyxpayload.so"
        if not pyxpayload.exists():
            pytest.fail(f"{pyxpayload} is missing: run `make {pyxpayload}` (make test builds it)")
        r = run([python, str(CASES), str(BUILD)], timeout=120)
        assert r.returncode == 0, r.stderr
        _cache[python] = {d["case"]: d for d in map(json.loads, r.stdout.splitlines())}
    return _cache[python]


ALL_CASES = ["open", "scalars", "bigints", "int_1e6_bits", "bytes", "nul_str", "surrogates",
             "surrogate_past_scan", "containers", "deep_tuple_10000", "self_ref_list", "str_1mb",
             "bytes_1mb", "utf8_cut", "hostile", "hostile_nested", "intenum", "socket", "code",
             "many_args", "payload_full", "dict_100", "list_100", "long_tp_name",
             "unknown_event", "wide_unicode", "memoryview", "memoryview_1mb", "pathlib"]


@pytest.mark.parametrize("python", PYTHONS)
def test_every_case_matches_reference_and_runs_no_python_code(python):
    got = cases_for(python)
    assert sorted(c for c in got if c != "pending_exception") == sorted(ALL_CASES)
    for name in ALL_CASES:
        d = got[name]
        assert d["decode_error"] is None, (name, d["decode_error"])
        assert d["equal"], (name, d["c_hex"], d["ref_hex"])
        assert d["hostile_calls"] == [], (name, d["hostile_calls"])
        h = d["hdr"]
        assert (h["seq"], h["line"], h["file"], h["function"]) == \
            (5, d["expect_line"], d["expect_file"], "run_case"), name
        assert h["len"] <= pyxwire.PAYLOAD_MAX


@pytest.mark.parametrize("python", PYTHONS)
def test_decoded_values_are_exact(python):
    got = cases_for(python)
    dec = {k: v["decoded"] for k, v in got.items() if "decoded" in v}
    flags = {k: v["hdr"]["flags"] for k, v in got.items() if v.get("hdr")}
    assert got["open"]["hdr"]["event_id"] != pyxwire.EVENT_UNKNOWN
    assert got["unknown_event"]["hdr"]["event_id"] == pyxwire.EVENT_UNKNOWN
    assert got["unknown_event"]["hdr"]["name"] == "app.login"
    assert dec["open"] == "['/tmp/x', 'r', 524288]"
    assert dec["scalars"] == ("[None, True, False, 0, -1, 9223372036854775807, "
                              "-9223372036854775808, 1.5, inf, -0.0, '', "
                              "'h\u00e9llo\u20ac\U0001F600']")
    assert dec["bytes"] == r"[b'', b'\x00\xff\xfe\x80abc', bytearray(b'ab\x00'), bytearray(b'')]"
    # a view of bytes or a bytearray is read; of an array, a PEP 688 class (3.12+; before, the
    # case is a view of bytes), released or strided: no value
    user_view = ("Obj(type='memoryview', attrs=(), truncated=True)]"
                 if run([python, "-c", "import sys; print(sys.version_info >= (3, 12))"]).stdout
                 .strip() == "True" else
                 "Obj(type='memoryview', attrs=(('value', b'u'),), truncated=False)]")
    assert dec["memoryview"] == (
        "[Obj(type='memoryview', attrs=(('value', b'/tmp'),), truncated=False), "
        "Obj(type='memoryview', attrs=(('value', b''),), truncated=False), "
        "Obj(type='memoryview', attrs=(), truncated=True), "
        "Obj(type='memoryview', attrs=(), truncated=True), "
        "Obj(type='memoryview', attrs=(), truncated=True), "
        "[Obj(type='memoryview', attrs=(('value', b'ba'),), truncated=False)], " + user_view)
    # a pathlib path with its str cached (what io.FileIO's 'open' event gives): that str; not
    # cached: parsed (3.8-3.11) or its pieces joined and parsed (3.12+: "a//b/./c" is a/b/c, as
    # str() gives); a subclass of the program's own defining __str__ or __fspath__: not read
    assert dec["pathlib"].startswith(
        "[Obj(type='PurePosixPath', attrs=(('value', '/tmp/made'),), truncated=False), "
        "Obj(type='PosixPath', attrs=(('value', '/tmp/never'),), truncated=False), "
        "Obj(type='HostilePath', attrs=(), truncated=False), "
        "Obj(type='PurePath', attrs=(), truncated=False), "
        "Obj(type='PurePosixPath', attrs=(('value', '/'),), truncated=False), "
        "Obj(type='PureWindowsPath', attrs=(), truncated=False), "
        "Obj(type='PurePosixPath', attrs=(('value', '.'),), truncated=False), "
        "Obj(type='PurePosixPath', attrs=(('value', 'a/b/c'),), truncated=False), "
        "Obj(type='PurePosixPath', attrs=(('value', '/x/y'),), truncated=False), "), dec["pathlib"]
    assert dec["nul_str"] == r"['a\x00b\x00']"
    assert dec["surrogates"] == r"['a\udc80b\\c\ud800', 'no\\escape', '\udfff']"
    assert dec["containers"] == "[(1, (2, [3, {4: 5}])), [], {}, {'a': [1, 2], 3: None}, ()]"
    assert dec["deep_tuple_10000"] == "[((((((((DEPTH,),),),),),),),)]"
    assert dec["self_ref_list"] == "[[[[[[[[[DEPTH]]]]]]]]]"
    assert dec["int_1e6_bits"] == "[Cut(tag='BIGINT', value=1)]"
    # The metaclass is EnumMeta before 3.11 and EnumType from 3.11 on.
    assert dec["intenum"] in (
        "[Obj(type='Color', attrs=(('value', 7),), truncated=False), "
        "Obj(type='%s', attrs=(), truncated=False)]" % meta for meta in ("EnumMeta", "EnumType"))
    assert dec["socket"] == ("[Obj(type='socket', attrs=(('fd', 3), ('family', 2), ('type', 1), "
                             "('proto', 0)), truncated=False), ('127.0.0.1', 9)]")
    assert dec["code"] == ("[Obj(type='code', attrs=(('co_filename', '<pyx-case>'), "
                           "('co_name', '<module>'), ('co_firstlineno', 1)), truncated=False)]")
    assert dec["hostile"] == (
        "[Obj(type='Hostile', attrs=(), truncated=False), "
        "Obj(type='HostileStr', attrs=(('value', 'path'),), truncated=False), "
        "Obj(type='HostileBytes', attrs=(('value', b'b'),), truncated=False), "
        "Obj(type='HostileFloat', attrs=(('value', 2.5),), truncated=False), "
        "Obj(type='HostileList', attrs=(), truncated=False), "
        "Obj(type='Prop', attrs=(), truncated=False)]")
    for untouched in ("open", "scalars", "bytes", "surrogates", "containers", "socket", "code"):
        assert flags[untouched] & pyxwire.PF_TRUNCATED == 0, untouched
    for cut in ("memoryview", "memoryview_1mb", "bigints", "int_1e6_bits", "deep_tuple_10000", "str_1mb", "bytes_1mb", "utf8_cut",
                "many_args", "payload_full", "dict_100", "list_100", "long_tp_name"):
        assert flags[cut] & pyxwire.PF_TRUNCATED, cut
    assert got["many_args"]["hdr"]["nargs"] == 64
    assert got["payload_full"]["hdr"]["len"] == pyxwire.PAYLOAD_MAX
    # 10 args of 1,997 chars in 8,192 bytes: four whole, one cut, the rest dropped (ELIDED).
    assert got["payload_full"]["kinds"] == ["str"] * 4 + ["STR-cut"] + ["ELIDED"] * 5


@pytest.mark.parametrize("python", PYTHONS)
def test_pending_exception_is_preserved(python):
    assert cases_for(python)["pending_exception"]["preserved"] is True


# pyxwire is strict: every malformed payload raises.
def _payload(body, nargs=0, flags=0, extra=b""):
    strs = b"".join(bytes([6]) + struct.pack("<I", len(s)) + s for s in (b"ev", b"f.py", b"fn"))
    data = strs + body + extra
    return pyxwire.HDR.pack(0x5850, 1, flags, 7, nargs, 24 + len(data), 3, 1) + data


def test_pyxwire_accepts_a_wellformed_payload():
    p = pyxwire.decode(_payload(bytes([3]) + struct.pack("<q", -5), nargs=1))
    assert (p.name, p.file, p.function, p.line, p.seq, p.event_id, p.args) == \
        ("ev", "f.py", "fn", 3, 1, 7, [-5])


@pytest.mark.parametrize("bad", [
    pytest.param(lambda: _payload(b"", nargs=1), id="missing-arg"),
    pytest.param(lambda: _payload(b"\x00", nargs=0), id="trailing-byte"),
    pytest.param(lambda: _payload(b"\x0f", nargs=1), id="unknown-tag"),
    pytest.param(lambda: _payload(b"\x80", nargs=1, flags=1), id="truncated-none"),
    pytest.param(lambda: _payload(b"\x0e", nargs=1, flags=1), id="elided-without-bit"),
    pytest.param(lambda: _payload(b"\x86\x00\x00\x00\x00", nargs=1), id="cut-without-header-flag"),
    pytest.param(lambda: _payload(b"\x06\x02\x00\x00\x00\xc3\x28", nargs=1), id="bad-utf8"),
    pytest.param(lambda: _payload(b"\x46\x02\x00\x00\x00\\x", nargs=1), id="bad-escape"),
    pytest.param(lambda: _payload(b"\x47\x00\x00\x00\x00", nargs=1), id="escaped-bytes"),
    pytest.param(lambda: _payload(b"\x06\xff\x00\x00\x00", nargs=1), id="str-past-end"),
    pytest.param(lambda: _payload(b"\x09\x41\x00\x00\x00", nargs=1), id="tuple-over-seq-max"),
    pytest.param(lambda: _payload(b"\x04\x02\x00\x00\x00\x00", nargs=1), id="bigint-bad-sign"),
    pytest.param(lambda: _payload(b"\x04\x00\x00\x00\x00\x00", nargs=1), id="empty-bigint-uncut"),
    pytest.param(lambda: _payload(b"\x03\x00", nargs=1), id="short-int"),
    pytest.param(lambda: _payload(b"", flags=8), id="unknown-flag"),
    pytest.param(lambda: b"PX" + bytes(30), id="bad-magic"),
    pytest.param(lambda: _payload(b"")[:-1], id="len-mismatch"),
    pytest.param(lambda: _payload(b"")[:20], id="short-header"),
])
def test_pyxwire_rejects_malformed(bad):
    with pytest.raises(pyxwire.WireError):
        pyxwire.decode(bad())


@pytest.mark.parametrize("python", PYTHONS)
def test_pathlib_path_not_parsed_yet_is_its_str(python):
    """A pathlib path whose str is not cached (Popen([Path(d) / "prog"]) raises its event before
    os.fsencode()) is written as str(path), byte for byte: 1,500 generated piece lists and 21
    edge cases (bounds, cuts at PYX_STR_MAX, escapes), each built 6 or 7 ways. On 3.12+ the
    pieces stay unparsed in '_raw_paths' and the hook joins and parses them; before, none of
    those of two pieces or more was read and one piece was written as given ("a//b" for a/b):
    9,012 of 10,236 wrong. Only the cases over the hook's bounds are not read."""
    r = run([python, str(ROOT / "tests" / "hook" / "pathlib_join.py"), str(BUILD)], timeout=300)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    new = d["pieces_kept"]
    assert d == {"pieces_kept": new, "cases": 10236, "read": 10216 if new else 10224,
                 "unread": 20 if new else 12, "mismatch": [], "nbad": 0,
                 "still_uncached": 10236}, d["mismatch"]
