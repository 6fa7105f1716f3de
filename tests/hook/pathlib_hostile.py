# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A pathlib path built to make the hook run code, crash, or say another path than CPython uses.
Usage: pathlib_hostile.py BUILD; prints one JSON object {case: [value, used, calls]}: what the
hook wrote as the path's value (null: not read), os.fspath(path) afterwards (what CPython uses:
Popen's os.fsencode() and FileIO's PyUnicode_FSConverter() call it), and the methods of the
program's own called while the hook ran.
Cases that need 3.12+ (pieces kept unparsed) print "n/a" before."""
import gc
import json
import ntpath
import os
import pathlib
import sys
import threading
import time

sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyxpayload  # noqa: E402
import pyxwire  # noqa: E402

NEW = sys.version_info >= (3, 12)
P = pathlib.PurePosixPath
PP = type(pathlib.Path())
CALLS = []
OUT = {}


def rec(name, ret=None):
    def method(*a, **k):
        CALLS.append(name)
        if ret is None:
            raise RuntimeError("hostile " + name)
        return ret
    return method


def read(p):
    """the value the hook writes for p, or None when it does not read it"""
    obj = pyxwire.decode(pyxpayload.encode("open", (p,))).args[0]
    return obj.attrs[0][1] if obj.attrs else None


def case(name, p, fresh=None):
    """read p, then os.fspath() it (or a fresh equal object)"""
    del CALLS[:]
    v = read(p)
    calls = list(CALLS)
    try:
        s = os.fspath(fresh() if fresh else p)
    except Exception as e:
        s = "raises " + type(e).__name__
    OUT[name] = [v, s, calls]


def slot(name):
    return getattr(pathlib.PurePath, name)


# A class of the program's own that changes str(path): not read, nothing called.
S = type("S", (P,), {"__slots__": (), "__str__": rec("__str__", "/evil")})
case("own_str", S("/a", "b"))
F = type("F", (P,), {"__slots__": (), "__fspath__": rec("__fspath__", "/evil")})
case("own_fspath", F("/a", "b"))
G = type("G", (P,), {"__slots__": (), "__getattr__": rec("__getattr__", "/evil")})
case("own_getattr", G("/a", "b"))
FLAVOUR = "parser" if hasattr(pathlib.PurePath, "parser") else "_flavour"
W = type("W", (P,), {"__slots__": (), FLAVOUR: ntpath if NEW else pathlib._windows_flavour})
case("ntpath_flavour", W("/a", "b"))
# PurePosixPath's own flavour again: read (3.12+: posixpath is PurePath's; 3.8-3.11 check the type)
X = type("X", (P,), {"__slots__": (), FLAVOUR: getattr(P, FLAVOUR)})
case("posix_flavour_again", X("/a", "b"))


class Meta(type):
    """cls.parser / cls._flavour (the classmethods' lookups) answered by the metaclass"""
    parser = _flavour = property(lambda cls: ntpath if NEW else pathlib._windows_flavour)


M = Meta("M", (P,), {"__slots__": ()})
case("metaclass", M("/a", "b"))


class Mix:
    def _format_parsed_parts(cls, *a):
        CALLS.append("_format_parsed_parts")
        return "/evil"


# after PurePath in the MRO, so str() is pathlib's own, but not looked into: not read
MP = type("MP", (P, Mix), {"__slots__": ()})
case("mixin_after_purepath", MP("/a", "b"))


class QuietStr(str):
    """a str subclass key whose __eq__ would run if a lookup compared it"""
    __eq__ = rec("__eq__", False)
    __hash__ = str.__hash__


K = type("K", (P,), {"__slots__": (), QuietStr("zz"): 1})
case("non_str_class_key", K("/a", "b"))

# The class changes after the hook cached its verdict: the version tag tells.
C = type("C", (P,), {"__slots__": ()})
case("class_plain", C("/a", "b"))
C.__str__ = rec("__str__", "/evil")
case("class_given_str", C("/a", "b"))
del C.__str__
case("class_str_removed", C("/a", "b"))
D = type("D", (C,), {"__slots__": ()})
case("subclass_plain", D("/a", "b"))
C.__fspath__ = rec("__fspath__", "/evil")
case("base_given_fspath", D("/a", "b"))
del C.__fspath__

if NEW:
    HS = type("HS", (str,), {n: rec(n) for n in ("__str__", "__fspath__", "__eq__", "__len__",
                                                 "__getitem__", "startswith", "endswith",
                                                 "split", "__add__", "__radd__")})
    HS.__hash__ = str.__hash__
    case("str_subclass_piece", P("/a", HS("b")))

    def with_raw(raw, *pieces):
        p = P(*pieces or ("/a", "b"))
        slot("_raw_paths").__set__(p, raw)
        return p
    case("raw_tuple", with_raw(("/a", "b")))
    case("raw_int_item", with_raw(["/a", 5]))
    case("raw_list_subclass", with_raw(type("L", (list,), {"__len__": rec("__len__"),
                                                            "__iter__": rec("__iter__"),
                                                            "__getitem__": rec("__getitem__")})(
                                                                ["/a", "b"])))
    case("raw_none", with_raw(None))
    case("raw_257_pieces", with_raw(["p"] * 257))
    case("raw_100000_pieces", with_raw(["p"] * 100000))
    case("raw_1mb_piece", with_raw(["/" + "a" * (1 << 20)]))
    case("raw_1mb_before_restart", with_raw(["a" * (1 << 20), "/b", "c"]),
         lambda: P("a" * (1 << 20), "/b", "c"))
    p = P("/a", "b")
    slot("_drv").__set__(p, "")
    case("parsed_in_part", p)
    case("windows_pieces", P(pathlib.PureWindowsPath("a\\b"), "c"))

    # A second thread rewrites the list while the hook reads: it cannot run (the hook holds
    # the GIL and runs no code), so every read is one whole state.
    p = P("/x")
    raw = slot("_raw_paths").__get__(p)
    states = [["/usr", "bin", "env"], ["rel", "//a", "./b/"], ["/" + "s" * 3000, "t"]]
    # the list's first state too: the thread may not have run yet (under ASan the main thread
    # made hundreds of reads first: CI runs a and e of the ninth stop)
    want = {os.fspath(P(*s)) for s in states + [["/x"]]}
    stop = []

    def flip():
        i = 0
        while not stop:
            raw[:] = states[i % 3]
            i += 1
    t = threading.Thread(target=flip)
    sys.setswitchinterval(1e-6)
    t.start()
    seen, wrong = set(), 0
    # each forced switch waits for the other thread to be scheduled: on a loaded machine under
    # ASan 20,000 reads took over 300 s (CI run a of the tenth stop), so the loop also ends
    # after 20 s once the reads have seen the list change
    deadline = time.monotonic() + 20
    for _ in range(20000):
        v = read(p)
        v = v.value if isinstance(v, pyxwire.Cut) else v
        ok = v in want or (isinstance(v, str) and len(v) == 2048 and v.startswith("/sss"))
        wrong += not ok
        seen.add(v[:8] if ok else v)
        if len(seen) >= 2 and time.monotonic() > deadline:
            break
    stop.append(1)
    t.join()
    # [reads that were no whole state, whether reads saw the list change (the thread ran), []]
    OUT["second_thread_rewrites"] = [wrong, len(seen) >= 2, []]

    # A collection inside the hook would run this callback there, which empties the list: the
    # hook would read '.' or freed items. 3.12+ start one only at the eval loop's next check
    # (after the call: the callback then runs, and the next read gives '.'), never inside.
    # (tests/hook/pathlib_gc.py's way: armed for the encode call only)
    p = P("/g", "h")
    raw = slot("_raw_paths").__get__(p)
    armed, values = [False], set()

    def cb(phase, info):
        if armed[0] and phase == "start":
            raw[:] = []
    gc.callbacks.append(cb)
    for _ in range(50):
        keep = [[] for _ in range(200)]  # drain the list free list
        args = ("open", (p,))
        gc.set_threshold(1)
        armed[0] = True
        got = pyxpayload.encode(*args)
        armed[0] = False
        gc.set_threshold(700)
        values.add(pyxwire.decode(got).args[0].attrs[0][1])
        raw[:] = ["/g", "h"]
    gc.callbacks.remove(cb)
    # (whether a collection ran right after some read depends on timing: not reported)
    OUT["gc_during_read"] = [sorted(values), None, []]

    # Known limits (docs/correlation.md): what the class scan cannot see. An instance's own
    # __dict__ (a class without __slots__) shadowing a method str() calls through self, and
    # PurePath itself changed by the program: the hook says pathlib's own str, CPython uses the
    # program's. The event then names another path than the syscall: it explains nothing more.
    Loose = type("Loose", (PP,), {})
    p = Loose("/a", "b")
    p.__dict__["_format_parsed_parts"] = lambda *a: "/evil"
    case("limit_instance_dict", p)
    old = pathlib.PurePath.__str__
    pathlib.PurePath.__str__ = lambda self: "/patched"
    case("limit_purepath_patched", P("/a", "b"))
    pathlib.PurePath.__str__ = old
else:
    for name in ("str_subclass_piece", "raw_tuple", "raw_int_item", "raw_list_subclass",
                 "raw_none", "raw_257_pieces", "raw_100000_pieces", "raw_1mb_piece",
                 "raw_1mb_before_restart", "parsed_in_part", "windows_pieces",
                 "second_thread_rewrites", "gc_during_read", "limit_instance_dict",
                 "limit_purepath_patched"):
        OUT[name] = "n/a"

for k, v in OUT.items():  # long strs shortened for the log
    if isinstance(v, list) and isinstance(v[1], str) and len(v[1]) > 40:
        v[1] = v[1][:20] + "...(%d)" % len(v[1])
print(json.dumps(OUT, sort_keys=True))
