# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Run by tests/test_hook_payload.py in each interpreter of the matrix:
    python payload_cases.py BUILD_DIR
For every case, serialise it with the hook's own serialiser (build/tests/pyxpayload.so) and with
the reference encoder, decode it with pyxwire, and print one JSON object per case:
    {"case", "equal", "c_hex" (when not equal), "ref_hex", "decoded" (repr), "flags", "len",
     "hostile_calls"}.
Hostile objects record every method call made on them; the hook must make none.
"""
import array
import enum
import json
import os
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
sys.setrecursionlimit(30000)

import pyxpayload  # noqa: E402
import pyxwire  # noqa: E402
import refenc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
with open(os.path.join(ROOT, "include", "audit_events.def")) as f:
    EVENT_IDS = {m: i for i, m in
                 enumerate(re.findall(r'^PYX_EVENT\(\w+,\s*"([^"]+)"', f.read(), re.M))}

CALLS = []


def _rec(name):
    def method(self, *a, **k):
        CALLS.append(name)
        raise RuntimeError("hostile " + name)
    return method


HOSTILE = {n: _rec(n) for n in ("__repr__", "__str__", "__fspath__", "__eq__", "__hash__",
                                "__index__", "__int__", "__float__", "__len__", "__iter__",
                                "__bytes__", "__format__", "__getattr__", "__bool__", "__lt__")}
Hostile = type("Hostile", (), dict(HOSTILE))
HostileStr = type("HostileStr", (str,), dict(HOSTILE))
HostileBytes = type("HostileBytes", (bytes,), {k: v for k, v in HOSTILE.items() if k != "__hash__"})
HostileFloat = type("HostileFloat", (float,), {k: v for k, v in HOSTILE.items() if k != "__hash__"})
HostileList = type("HostileList", (list,), {k: v for k, v in HOSTILE.items() if k != "__hash__"})


class Prop:
    """Records any attribute read: the hook must never look an attribute up on an object."""
    def __getattribute__(self, name):
        CALLS.append("getattribute:" + name)
        raise AttributeError(name)

    @property
    def fd(self):
        CALLS.append("fd")
        return 3


class Color(enum.IntEnum):
    RED = 7


def deep(n):
    t = ()
    for _ in range(n):
        t = (t,)
    return t


selfref = []
selfref.append(selfref)
code = compile("x = 1", "<pyx-case>", "exec")
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

released = memoryview(b"/gone")
released.release()
u16 = memoryview(array.array("H", [1, 2]))


class Exporter:
    """A buffer exporter written in Python (3.12+): asked once, when the view is made; the hook
    reads the view and must never ask it again."""
    def __buffer__(self, flags):
        CALLS.append("__buffer__")
        return memoryview(b"u")

    def __release_buffer__(self, view):
        CALLS.append("__release_buffer__")


user_view = memoryview(Exporter()) if sys.version_info >= (3, 12) else memoryview(b"u")

import pathlib  # noqa: E402

made_str = pathlib.PurePosixPath("/tmp/made")
str(made_str)  # io.FileIO(path) calls __fspath__ (str(self)) before its event: '_str' is set
never_str = pathlib.PosixPath("/tmp/never")  # '_str' unset: its parts (3.8-3.11), raw (3.12+)


class HostilePath(pathlib.PurePosixPath):
    """A pathlib subclass whose methods record every call: its own __str__ and __fspath__ make
    str(path) another than the slot says, so the hook reads nothing, and calls nothing."""
    __slots__ = ()
    locals().update({k: v for k, v in HOSTILE.items() if k in ("__repr__", "__str__", "__fspath__",
                                                               "__eq__", "__hash__", "__bytes__")})


hostile_path = HostilePath("/tmp/hp")
pathlib.PurePath._str.__set__(hostile_path, "/tmp/hp")


class PurePath:
    """The program's own class named PurePath: its '_str' is read only when it holds a str."""
    __slots__ = ("_str",)


fake_int = PurePath()
fake_int._str = 5

CASES = [
    ("pathlib", "open", (made_str, never_str, hostile_path, fake_int, pathlib.PurePosixPath("/"),
                         pathlib.PureWindowsPath("c:/w"), pathlib.PurePosixPath(""),
                         pathlib.PurePosixPath("a//b/./c"), pathlib.PurePosixPath("/x", "y"),
                         pathlib.PurePosixPath("/x").parent / "z", "\u20ac")),
    ("open", "open", ("/tmp/x", "r", 524288)),
    # os.listdir(memoryview(b"/tmp")): the bytes of a C-contiguous view of bytes or a bytearray
    # (as posixmodule.c path_converter() takes them); of another exporter (an array, a PEP 688
    # class: an mmap cut since would fault), released or strided: no value
    ("memoryview", "os.listdir", (memoryview(b"/tmp"), memoryview(b""), u16, released,
                                  memoryview(b"abcdef")[::2], [memoryview(bytearray(b"ba"))], user_view)),
    ("memoryview_1mb", "os.listdir", (memoryview(b"m" * (1 << 20)),)),
    ("scalars", "app.scalars", (None, True, False, 0, -1, 2**63 - 1, -2**63, 1.5, float("inf"),
                                -0.0, "", "h\u00e9llo\u20ac\U0001F600")),
    ("bigints", "app.big", (2**63, -2**63 - 1, 2**64, -(2**100), 2**2048 - 1, -(2**2048 - 1),
                            2**2048, -(2**4000))),
    ("int_1e6_bits", "app.big", (1 << 1000000,)),
    ("bytes", "app.bytes", (b"", b"\x00\xff\xfe\x80abc", bytearray(b"ab\x00"), bytearray())),
    ("nul_str", "app.nul", ("a\x00b\x00",)),
    ("surrogates", "app.sur", ("a\udc80b\\c\ud800", "no\\escape", "\udfff")),
    ("surrogate_past_scan", "app.sur", ("\\" * 2048 + "\udc80",)),
    ("containers", "app.cont", ((1, (2, [3, {4: 5}])), [], {}, {"a": [1, 2], 3: None}, ())),
    ("deep_tuple_10000", "app.deep", (deep(10000),)),
    ("self_ref_list", "app.deep", (selfref,)),
    ("str_1mb", "app.big", ("x" * (1 << 20),)),
    ("bytes_1mb", "app.big", (b"y" * (1 << 20),)),
    ("utf8_cut", "app.cut", ("\u20ac" * 1000,)),
    ("hostile", "app.hostile", (Hostile(), HostileStr("path"), HostileBytes(b"b"),
                                HostileFloat(2.5), HostileList([1]), Prop())),
    ("hostile_nested", "app.hostile", ({"k": Hostile()}, [HostileStr("s")], (Hostile(),))),
    ("intenum", "app.enum", (Color.RED, Color)),
    ("socket", "socket.connect", (sock, ("127.0.0.1", 9))),
    ("code", "exec", (code,)),
    ("many_args", "app.many", tuple(range(100))),
    ("payload_full", "app.full", tuple("s%d" % i + "z" * 1995 for i in range(10))),
    ("dict_100", "app.dict", ({i: i for i in range(100)},)),
    ("list_100", "app.list", (list(range(100)),)),
    ("long_tp_name", "app.obj", (type("T" * 300, (), {})(),)),
    ("unknown_event", "app.login", ("alice",)),
    ("wide_unicode", "app.wide", ("\U0010ffff\u0800\u07ff\x7f",)),
]


def run_case(event, args):
    f = sys._getframe()
    c = pyxpayload.encode(event, args, 5); line = f.f_lineno  # noqa: E702 (same line on purpose)
    return c, line, f.f_code.co_filename, f.f_code.co_name


def main():
    for name, event, args in CASES:
        del CALLS[:]
        c, line, file, func = run_case(event, args)
        calls = list(CALLS)
        ref = refenc.encode(event, EVENT_IDS.get(event, pyxwire.EVENT_UNKNOWN), args, file, func,
                            line, 5)
        try:
            d = pyxwire.decode(c)
            kinds = [a.tag + "-cut" if isinstance(a, pyxwire.Cut) else
                     repr(a) if a in (pyxwire.DEPTH, pyxwire.ELIDED) else type(a).__name__
                     for a in d.args]
            decoded = repr(d.args)
            if len(decoded) > 600:
                decoded = decoded[:600] + "..."
            hdr = {"event_id": d.event_id, "nargs": d.nargs, "line": d.line, "seq": d.seq,
                   "name": d.name, "file": d.file, "function": d.function, "flags": d.flags,
                   "len": d.len}
            err = None
        except pyxwire.WireError as e:
            decoded, hdr, err, kinds = None, None, str(e), None
        out = {"case": name, "equal": c == ref, "ref_hex": ref.hex() if c != ref else None,
               "c_hex": c.hex() if c != ref else None, "decoded": decoded, "kinds": kinds,
               "hdr": hdr,
               "decode_error": err, "hostile_calls": calls, "expect_line": line,
               "expect_file": file}
        print(json.dumps(out), flush=True)
    # A pending exception must be the same object after serialisation.
    print(json.dumps({"case": "pending_exception",
                      "preserved": pyxpayload.encode_pending("app.pending", (Hostile(), "x"))}))
    sock.close()


main()
