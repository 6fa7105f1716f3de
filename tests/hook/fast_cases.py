# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Run by tests/test_hook_encoder_fast.py in each interpreter of the matrix:
    python fast_cases.py BUILD_DIR
The serialiser reads str data in place (1, 2 and 4 bytes per character, compact or not) and the
frame's co_filename / co_name at PyCode_Type's member offsets. Each case here is serialised by
the hook's own serialiser (build/tests/pyxpayload.so) and by the reference encoder, from a known
frame; one JSON object per case: {"case", "equal", "c_hex"/"ref_hex" when not equal, "paths"
(how each str argument is read), "file", "function", "flags", "decode_error"}. The last line is
{"layout": pyxpayload.layout()}.
"""
import json
import os
import re
import sys
import threading
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(sys.argv[1], "tests"))

import pyxpayload  # noqa: E402
import pyxwire  # noqa: E402
import refenc  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
with open(os.path.join(ROOT, "include", "audit_events.def")) as f:
    EVENT_IDS = {m: i for i, m in
                 enumerate(re.findall(r'^PYX_EVENT\(\w+,\s*"([^"]+)"', f.read(), re.M))}
S = type("S", (str,), {"__repr__": lambda self: 1 / 0, "__str__": lambda self: 1 / 0})
MAX = pyxwire.STR_MAX
FACE = "\U0001F600"


def legacy(s, ready):
    """A pre-3.12 legacy str (None from 3.12 on: then the plain str stands in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = pyxpayload.legacy_str(s, ready)
    return s if o is None else o


STR_CASES = [
    ("ucs1", ("caf\xe9", "\xff" * 3, "a\\b\xe9", "\x80")),
    ("ucs2", ("\u0100\u20ac\uffff", "a\\b\u20ac", "\u07ff\u0800")),
    ("ucs4", (FACE + "\U0010ffff", "a\\b" + FACE, "\x00" + FACE)),
    ("ucs2_surrogate", ("x\\\ud800\u20ac",)),
    ("ucs4_surrogate", (FACE + "\udc80\\z",)),
    ("max_ascii", ("x" * MAX, "y" * (MAX + 1))),
    ("max_ucs1", ("\xe9" * (MAX // 2), "\xe9" * (MAX // 2 + 1), "a" + "\xe9" * (MAX // 2))),
    ("max_ucs2", ("\u20ac" * 682 + "ab", "\u20ac" * 683)),
    ("max_ucs4", (FACE * (MAX // 4), FACE * (MAX // 4 + 1))),
    ("max_escaped", ("\ud800" * 341 + "ab", "\\" * (MAX // 2) + "\ud800")),
    ("ucs4_surrogate_at_scan_end", (FACE * (MAX - 1) + "\udc80",)),
    ("ucs4_surrogate_past_scan", (FACE * MAX + "\udc80",)),
    ("subclass", (S("ascii"), S("caf\xe9"), S("\u20ac\\"), S(FACE + "\udc80"), S(""))),
    ("subclass_max", (S("\u20ac" * 683),)),
    ("legacy", (legacy("h\u20acy" + FACE, False), legacy("h\u20acy", True),
                legacy("plain", True), legacy("x\ud800\\", True))),
]


def enc(event, args):
    f = sys._getframe()
    c = pyxpayload.encode(event, args, 5); line = f.f_lineno  # noqa: E702
    return c, line, f.f_code.co_filename, "enc"


SRC = ("import sys\n"
       "def {name}(event, args):\n"
       "    c = pyxpayload.encode(event, args, 5); line = sys._getframe().f_lineno\n"
       "    return c, line\n")


LINES_SRC = (
    "import sys\n"
    "def lines(event, args, out):\n"
    "    f = sys._getframe()\n"
    "    for i in range(6):\n"
    "        out.append((pyxpayload.encode(event, args, 5), f.f_lineno))\n"
    "        if i % 2:\n"
    "            out.append((pyxpayload.encode(event, args, 5), f.f_lineno))\n"
    "        else:\n"
    "            out.append((pyxpayload.encode(event, args, 5), f.f_lineno))\n"
    "    out.append((pyxpayload.encode(event, args, 5), f.f_lineno))\n"
)


STALE_SRC = (
    "import sys\n"
    "def tracer(frame, event, arg):\n"
    "    return tracer\n"
    "def stale():\n"
    "    fr = sys._getframe()\n"
    "    fr.f_trace = tracer\n"
    "    sys.settrace(tracer)\n"
    "    x = 1\n"
    "    sys.settrace(None)\n"
    "    y = 2\n"
    "    c = pyxpayload.encode('app.stale', (), 5); line = fr.f_lineno\n"
    "    return c, line, 'stale.py', 'stale'\n"
)


def make_stale():
    ns = {"pyxpayload": pyxpayload}
    exec(compile(STALE_SRC, "stale.py", "exec"), ns)
    return ns["stale"]


def make_func(filename, name):
    ns = {"pyxpayload": pyxpayload}
    exec(compile(SRC.format(name=name), filename, "exec"), ns)
    return ns[name]


def from_code(filename, name, code_file=None, code_name=None):
    """A function whose code has this co_filename and co_name (replace() allows any str)."""
    fn = make_func(filename, name)
    if code_file is not None or code_name is not None:
        fn.__code__ = fn.__code__.replace(co_filename=code_file if code_file is not None else
                                          filename, co_name=code_name or name)

    def call(event, args):
        c, line = fn(event, args)
        co = fn.__code__
        file = co.co_filename if type(co.co_filename) is str else ""
        func = co.co_name if type(co.co_name) is str else ""
        return c, line, file, func
    return call


def module_level(filename, event, args):
    """Raised from a module's top level: function "<module>"."""
    ns = {"pyxpayload": pyxpayload, "event": event, "args": args}
    src = ("import sys\n"
           "c = pyxpayload.encode(event, args, 5); line = sys._getframe().f_lineno\n")
    exec(compile(src, filename, "exec"), ns)
    return ns["c"], ns["line"], filename, "<module>"


def result(case, event, args, got):
    c, line, file, func = got
    ref = refenc.encode(event, EVENT_IDS.get(event, pyxwire.EVENT_UNKNOWN), args, file, func,
                        line, 5)
    out = {"case": case, "equal": c == ref, "c_hex": None if c == ref else c.hex(),
           "ref_hex": None if c == ref else ref.hex(),
           "paths": [pyxpayload.str_path(a) for a in args if isinstance(a, str)],
           "file": None, "function": None, "flags": None, "decode_error": None}
    try:
        d = pyxwire.decode(c)
        out.update(file=d.file, function=d.function, flags=d.flags, line=d.line)
    except pyxwire.WireError as e:
        out["decode_error"] = str(e)
    return out


def main():
    # Paths first: printing or comparing a not-ready legacy str makes it ready.
    for name, args in STR_CASES:
        paths = [pyxpayload.str_path(a) for a in args]
        r = result(name, "app.str", args, enc("app.str", args))
        r["paths"] = paths
        print(json.dumps(r), flush=True)

    frames = [
        ("frame_long_file", from_code("f" * 3000 + ".py", "fn")),
        ("frame_non_ascii", from_code("/tmp/caf\xe9/\u20ac" + FACE + ".py", "f\xe9\u0394\u4e2d")),
        ("frame_ucs4_name", from_code("n4.py", "fn", None, "f" + FACE + "\udc80\\")),
        ("frame_surrogate_file", from_code("/tmp/a\udc80b\\.py", "fn")),
        ("frame_long_name", from_code("n.py", "g" * 3000)),
        ("frame_replaced", from_code("orig.py", "orig", "replaced.py", "renamed")),
        ("frame_subclass_file", from_code("sub.py", "fn", S("sub.py"), None)),
    ]
    # Alternate between the frames so that consecutive events come from different code.
    for _ in range(3):
        for name, call in frames:
            print(json.dumps(result(name, "open", ("/x", "r", 0), call("open", ("/x", "r", 0)))),
                  flush=True)
    print(json.dumps(result("frame_module", "app.mod", (1,),
                            module_level("mod\u20ac.py", "app.mod", (1,)))), flush=True)

    # Lines: several sites per code object, loops (the same lasti again), a copy of the code
    # that shares its co_linetable but starts 100 lines later, and frames a tracer has set
    # f_lineno on, then not any more.
    ns = {"pyxpayload": pyxpayload}
    exec(compile(LINES_SRC, "lines.py", "exec"), ns)
    fn = ns["lines"]
    co2 = fn.__code__.replace(co_firstlineno=fn.__code__.co_firstlineno + 100)
    fn2 = type(fn)(co2, ns)
    bad, lines, total = [], set(), 0

    def tracer(frame, event, arg):
        return tracer
    for traced in (False, True, False):
        for f in (fn, fn2, fn, fn2):
            out = []
            if traced:
                sys.settrace(tracer)
            f("app.lines", (1,), out)
            sys.settrace(None)
            for c, line in out:
                r = result("lines", "app.lines", (1,), (c, line, "lines.py", "lines"))
                total += 1
                lines.add(line)
                if not r["equal"]:
                    bad.append(r)
    print(json.dumps({"case": "lines", "total": total, "bad": bad[:3], "lines": sorted(lines),
                      "shares_linetable": co2.co_linetable is fn.__code__.co_linetable
                      if hasattr(co2, "co_linetable") else None}), flush=True)

    # A frame whose f_trace stays set after tracing stopped: PyFrame_GetLineNumber may answer
    # from f_lineno (3.8-3.10 do), and the hook must say what it says.
    stale = make_stale()
    for _ in range(3):
        print(json.dumps(result("lines_after_trace", "app.stale", (), stale())), flush=True)

    # Many threads, each raising from its own code: every payload names its own frame.
    errors, lock = [], threading.Lock()

    def worker(i):
        call = from_code("thread-%d.py" % i, "worker_%d" % i)
        for j in range(300):
            args = ("t%d" % i, j, "\u20ac" * (j % 5))
            r = result("threads", "app.thread", args, call("app.thread", args))
            if not r["equal"] or r["file"] != "thread-%d.py" % i or \
                    r["function"] != "worker_%d" % i:
                with lock:
                    errors.append(r)
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(json.dumps({"case": "threads", "errors": errors[:3], "n_errors": len(errors)}))
    print(json.dumps({"layout": list(pyxpayload.layout())}))


main()
