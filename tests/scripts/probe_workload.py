# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Workload for the end-to-end probe tests: raise a known set of audit events, hostile ones
included, and record the ground truth with a Python audit hook.

Usage: python probe_workload.py OUT.json [PORT]

Runs on CPython 3.8 to 3.13. The recorder sees every event between the markers "pyxtest.start"
and "pyxtest.end" (both included) and describes each argument with exact type checks only, as the
native hook must: it never calls a method of the audited objects. Reading the caller's frame
costs audit events of its own (sys._getframe, object.__getattr__ f_code); the recorder records
those too, marked nested, because the native hook sees them as well.

The description of a value ("desc") is JSON:
  {"t": "none"|"bool"|"int"|"float"|"str"|"bytes"|"bytearray", "v": ..., "n": full length}
  {"t": "tuple"|"list", "n": len, "items": [desc, ...]}   at most SEQ_KEEP items
  {"t": "dict", "n": len, "items": [[kdesc, vdesc], ...]}
  {"t": "deep"}                                            nested past DEPTH_KEEP
  {"t": "object", "type": tp_name, "attrs": [[name, desc], ...]}
str values keep their lone surrogates (JSON carries them as \\udXXX escapes); floats are the hex
of their IEEE-754 bits.
"""
import _socket
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

STR_KEEP = 4096  # characters/bytes kept: more than the hook's PYX_STR_MAX can hold
SEQ_KEEP = 80    # more than PYX_SEQ_MAX, so that the cut is visible
DEPTH_KEEP = 12  # more than PYX_DEPTH_MAX

RECORDING = False
NESTING = 0
RECORDS = []
HOSTILE_CALLS = []
CODE_TYPE = type(compile("", "", "exec"))  # not describe.__code__: that read is audited
TYPES = []  # type objects seen, resolved to their tp_name after the end marker


def _type_ref(t):
    for i, known in enumerate(TYPES):
        if known is t:
            return i
    TYPES.append(t)
    return len(TYPES) - 1


def describe(x, depth=1):
    t = type(x)
    if x is None:
        return {"t": "none"}
    if t is bool:
        return {"t": "bool", "v": x}
    if t is int:
        return {"t": "int", "v": x}
    if t is float:
        return {"t": "float", "v": struct.pack("<d", x).hex()}
    if t is str:
        return {"t": "str", "v": x[:STR_KEEP], "n": len(x)}
    if t is bytes or t is bytearray:
        return {"t": t.__name__, "v": bytes(x[:STR_KEEP]).hex(), "n": len(x)}
    if t is tuple or t is list or t is dict:
        if depth > DEPTH_KEEP:
            return {"t": "deep"}
        if t is dict:
            items = []
            for k, v in dict.items(x):
                if len(items) == SEQ_KEEP:
                    break
                items.append([describe(k, depth + 1), describe(v, depth + 1)])
            return {"t": "dict", "n": len(x), "items": items}
        return {"t": t.__name__, "n": len(x),
                "items": [describe(i, depth + 1) for i in x[:SEQ_KEEP]]}
    attrs = []
    # issubclass on the type, never isinstance: isinstance may ask the object for __class__.
    if issubclass(t, str):
        attrs.append(["value", describe(str.__str__(x), depth + 1)])
    elif issubclass(t, bytes):
        attrs.append(["value", describe(b"" + x, depth + 1)])
    elif issubclass(t, int) and t is not bool:
        attrs.append(["value", describe(int.__int__(x), depth + 1)])
    elif issubclass(t, float):
        attrs.append(["value", describe(float.__float__(x), depth + 1)])
    elif issubclass(t, _socket.socket):
        attrs.append(["fd", describe(_socket.socket.fileno(x), depth + 1)])
        for name in ("family", "type", "proto"):
            attrs.append([name, describe(getattr(_socket.socket, name).__get__(x), depth + 1)])
    elif t is CODE_TYPE:
        attrs.append(["co_filename", describe(x.co_filename, depth + 1)])
        attrs.append(["co_name", describe(x.co_name, depth + 1)])
        attrs.append(["co_firstlineno", describe(x.co_firstlineno, depth + 1)])
    return {"t": "object", "type": _type_ref(t), "attrs": attrs}


def recorder(event, args):
    global RECORDING, NESTING
    if event == "pyxtest.start":
        RECORDING = True
    if not RECORDING or threading.get_ident() != MAIN_THREAD:
        return
    if event == "pyxtest.end":
        RECORDING = False
    rec = {"event": event, "args": [describe(a) for a in args], "nested": NESTING > 0,
           "frame": None}
    RECORDS.append(rec)
    if NESTING:
        return
    NESTING += 1
    try:
        f = sys._getframe(1)
        code = f.f_code
        rec["frame"] = [code.co_filename, f.f_lineno, code.co_name,
                        getattr(code, "co_qualname", code.co_name)]
    finally:
        NESTING -= 1


class Hostile:
    """Every method the hook could be tempted to call records that it ran, then raises."""

    def _called(self, name):
        HOSTILE_CALLS.append(name)
        raise RuntimeError("hostile " + name)

    def __repr__(self):
        return self._called("__repr__")

    def __str__(self):
        return self._called("__str__")

    def __fspath__(self):
        return self._called("__fspath__")

    def __eq__(self, other):
        return self._called("__eq__")

    def __hash__(self):
        return self._called("__hash__")

    def __len__(self):
        return self._called("__len__")

    def __iter__(self):
        return self._called("__iter__")

    def __index__(self):
        return self._called("__index__")

    def __bool__(self):
        return self._called("__bool__")

    def __getattr__(self, name):
        return self._called("__getattr__ " + name)


class HostileStr(str):
    def __repr__(self):
        HOSTILE_CALLS.append("HostileStr.__repr__")
        return "x"

    def __str__(self):
        HOSTILE_CALLS.append("HostileStr.__str__")
        return "x"

    def __len__(self):
        HOSTILE_CALLS.append("HostileStr.__len__")
        return 0

    def encode(self, *a, **k):
        HOSTILE_CALLS.append("HostileStr.encode")
        return b""


class HostileTuple(tuple):
    def __len__(self):
        HOSTILE_CALLS.append("HostileTuple.__len__")
        return 0

    def __iter__(self):
        HOSTILE_CALLS.append("HostileTuple.__iter__")
        return iter(())


class HostileInt(int):
    def __index__(self):
        HOSTILE_CALLS.append("HostileInt.__index__")
        return 0

    def __int__(self):
        HOSTILE_CALLS.append("HostileInt.__int__")
        return 0


def workload(tmpdir, port):
    # Built before the start marker so that building them raises nothing inside the window.
    big = "x" * 1000000
    deep = ()
    for _ in range(10000):
        deep = (deep,)
    euro = "\u20ac" * 1000               # 3000 bytes of UTF-8: cut on a character boundary
    path = os.path.join(tmpdir, "probe-file.txt")
    code = compile("pyx_result = 6 * 7", "<pyxtest>", "exec")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    port = listener.getsockname()[1]

    sys.audit("pyxtest.start")
    sys.audit("app.login", "alice", 42, True, False, None, 3.5, -0.0)
    sys.audit("pyxtest.big_str", big)
    sys.audit("pyxtest.deep", deep)
    sys.audit("pyxtest.hostile", Hostile(), HostileStr("abc"), HostileTuple((1, 2)),
              HostileInt(7))
    sys.audit("pyxtest.bytes", b"\xff\xfe\x00abc\x80", bytearray(b"\x00\x01\xff"), b"")
    sys.audit("pyxtest.surrogates", "a\ud800b\\c\udfff", "\udc80", "plain\\back")
    sys.audit("pyxtest.nul", "a\x00b", "\x00", b"\x00\x00")
    sys.audit("pyxtest.ints", 0, -1, 2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 64, 2 ** 100,
              -(2 ** 2047), 2 ** 2048, 2 ** 3000)
    sys.audit("pyxtest.floats", 1.5, float("inf"), float("-inf"), float("nan"), 1e-310)
    sys.audit("pyxtest.containers", [1, "two", b"3"], {"k": 1, 2: [None]}, tuple(range(70)),
              list(range(64)), [[[[[[[[[["ten"]]]]]]]]]], {})
    sys.audit("pyxtest.unicode", euro, "\u00e9" * 1500, "\U0001f600" * 600, "caf\u00e9")
    sys.audit("pyxtest.full", "a" * 2048, "b" * 2048, "c" * 2048, "d" * 2048, "e" * 2048, 1)
    with open(path, "w") as f:
        f.write("pyxcheck\n")
    os.rename(path, path + ".2")
    os.remove(path + ".2")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", port))
    s.close()
    subprocess.run(["/bin/true"], check=True)
    import colorsys  # noqa: F401  (an import the interpreter has not done yet)
    exec(code, {})
    sys.audit("app.logout", "alice")
    sys.audit("pyxtest.end")
    listener.close()


def resolve_types():
    """tp_name of every type seen, read from the type object itself (PyTypeObject.tp_name sits
    after the PyVarObject head on every CPython 3.8-3.13), after the end marker: ctypes raises
    audit events of its own."""
    import ctypes
    names = []
    for t in TYPES:
        p = ctypes.c_char_p.from_address(id(t) + 3 * ctypes.sizeof(ctypes.c_void_p))
        names.append(p.value.decode("utf-8", "surrogateescape"))
    return names


def main():
    global MAIN_THREAD
    out = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    MAIN_THREAD = threading.get_ident()
    sys.addaudithook(recorder)
    with tempfile.TemporaryDirectory() as tmpdir:
        workload(tmpdir, port)
    names = resolve_types()

    def fix(d):
        if d.get("t") == "object":
            d["type"] = names[d["type"]]
            for _, v in d["attrs"]:
                fix(v)
        for item in d.get("items", []):
            for v in (item if isinstance(item, list) else [item]):
                fix(v)

    for rec in RECORDS:
        for a in rec["args"]:
            fix(a)
    with open(out, "w") as f:
        json.dump({"pid": os.getpid(), "hexversion": sys.hexversion, "script": __file__,
                   "records": RECORDS, "hostile_calls": HOSTILE_CALLS}, f)


if __name__ == "__main__":
    main()
