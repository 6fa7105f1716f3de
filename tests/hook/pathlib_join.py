# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The hook's str of a pathlib path whose str is not cached is str(path), byte for byte.
Usage: pathlib_join.py BUILD; prints one JSON object:
    {"pieces_kept" (3.12+), "cases", "read", "unread", "mismatch" (the first 5), "nbad",
     "still_uncached" (cases whose str was still not cached after the hook read them)}.
Each case is a piece list built many ways (PurePosixPath(*pieces), Path / piece, joinpath(),
a path given as a piece, a subclass of the program's own); the object is serialised before
anything reads its str, and compared with the serialisation of an equal object whose str was
cached (then the hook writes that very str): the same bytes, truncation and escaping included.
On 3.12+ the pieces stay in '_raw_paths' (the hook joins and parses them), on 3.8-3.11 they
are parsed at construction (the hook formats the parts). "unread" counts the cases over the
hook's bounds (more than 256 pieces, or more than 8192 characters from the last absolute one on
3.12+), each expected by name; any other unread case is a mismatch."""
import json
import os
import pathlib
import random
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyxpayload  # noqa: E402
import pyxwire  # noqa: E402

NEW = sys.version_info >= (3, 12)
ATOMS = ["", ".", "..", "/", "//", "///", "a", "bc", "\u00e9", "\u20ac", "\U0001F600", "\udc80",
         "a\\b", " ", "a\x00b", "./", "/.", "a/", "/a", "//a", "///a", "a//b", "a/./b", "x/../y",
         ".a", "...", "//./", "./.", "\ud800x"]


def enc(p):
    return pyxpayload.encode("open", (p,))  # one line: the same frame for every call


def uncached(p):
    """Nothing has read its str or parsed it yet (3.12+), or its str is not cached (3.8-3.11)."""
    for name in ("_str",) + (("_drv", "_root", "_tail_cached") if NEW else ()):
        try:
            getattr(pathlib.PurePath, name).__get__(p)
            return False
        except AttributeError:
            pass
    return True


class Mine(pathlib.PurePosixPath):
    """A subclass of the program's own that leaves str alone: read as pathlib's."""
    __slots__ = ()

    def shout(self):
        return str(self).upper()


class Loose(type(pathlib.Path())):
    """No __slots__: its instances have a __dict__ (see docs/correlation.md for its limit)."""


def makers(pieces):
    P, PP = pathlib.PurePosixPath, type(pathlib.Path())
    yield "pure", lambda: P(*pieces)
    yield "path", lambda: PP(*pieces)
    yield "mine", lambda: Mine(*pieces)
    yield "loose", lambda: Loose(*pieces)
    if pieces:
        def div():
            p = PP(pieces[0])
            for x in pieces[1:]:
                p = p / x
            return p
        yield "div", div
        yield "joinpath", lambda: P(pieces[0]).joinpath(*pieces[1:])
        yield "nested", lambda: P(P(*pieces[:1]), *pieces[1:])


def generated(rng, count):
    for _ in range(count):
        n = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6])
        yield [''.join(rng.choice(ATOMS) for _ in range(rng.randint(0, 4))) for _ in range(n)]


def edge_cases():
    """(name, pieces, read on this version): the bounds, and long strs around PYX_STR_MAX."""
    yield "empty", [], True
    yield "many_256", ["p"] * 256, True
    yield "many_257", ["p"] * 257, False
    # 3.8-3.11 parse at construction, the root a part of its own: 257 parts
    yield "restart_then_many", ["/r"] + ["p"] * 255, NEW
    chars = 8192
    yield "chars_at_bound", ["/" + "x" * (chars - 1)], True
    yield "chars_over_bound", ["/" + "x" * chars], not NEW
    yield "chars_over_bound_before_restart", ["y" * 20000, "/abs", "z"], True
    yield "chars_bound_split", ["/" + "a" * 4000, "b" * 4000, "c" * (chars - 8001)], True
    yield "chars_bound_split_over", ["/" + "a" * 4000, "b" * 4000, "c" * (chars - 8000)], not NEW
    yield "slashes_at_bound", ["/" * chars], True
    yield "dots_at_bound", ["./" * (chars // 2)], True
    yield "out_2047_ascii", ["/" + "a" * 2046], True
    yield "out_2048_ascii", ["/" + "a" * 2047], True
    yield "out_2049_ascii", ["/" + "a" * 2048], True
    yield "out_cut_in_euro", ["/" + "a" * 2045, "\u20ac" * 3], True
    yield "out_cut_in_emoji", ["a" * 2046, "\U0001F600"], True
    yield "surrogate_at_2047", ["a" * 2046, "\udc80"], True
    yield "surrogate_at_2048", ["a" * 2047, "\udc80"], True
    yield "surrogate_after_dots", ["./" * 3000 + "a", "\udc80"], True
    yield "backslash_escaped", ["\\" * 1500, "\udc80"], True
    yield "long_parts_many", ["/"] + ["abcdefgh" * 3] * 200, True


def wire_len(s):
    """bytes of s on the wire: UTF-8, or with \\ and \\udXXX escapes when a surrogate is among
    its first STR_MAX characters (include/pyxcheck_wire.h)"""
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in s[:pyxwire.STR_MAX]):
        return len(s.encode("utf-8", "surrogatepass"))
    return sum(2 if c == "\\" else 6 if 0xD800 <= ord(c) <= 0xDFFF else len(c.encode())
               for c in s)


def short(x):
    """a mismatch for the log: long strs cut"""
    if isinstance(x, (tuple, list)):
        return [short(i) for i in x]
    return x[:40] + "...(%d)" % len(x) if isinstance(x, str) and len(x) > 60 else x


def main():
    rng = random.Random(20261201)
    cases = [("gen%d" % i, p, True) for i, p in enumerate(generated(rng, 1500))]
    cases += list(edge_cases())
    read = unread = still = 0
    bad = []
    for name, pieces, want_read in cases:
        for how, make in makers(pieces):
            if name.startswith(("many", "restart")) and how == "div":
                continue  # one path per piece: quadratic, and the same pieces as "path"
            p, q = make(), make()
            if not uncached(p):
                bad.append((name, how, "str cached before the event"))
                continue
            got = enc(p)
            still += uncached(p)
            str(q)
            want = enc(q)
            val = pyxwire.decode(got)
            obj = val.args[0]
            if not obj.attrs:
                unread += 1
                if want_read or how not in ("pure", "path", "mine", "loose", "div", "joinpath",
                                            "nested"):
                    bad.append((name, how, pieces[:3], "not read"))
                continue
            read += 1
            if not want_read:
                bad.append((name, how, "read over the bound"))
            if got != want:
                bad.append((name, how, pieces, str(q), repr(val)))
            else:
                v, s = obj.attrs[0][1], str(q)
                if isinstance(v, pyxwire.Cut):  # cut at PYX_STR_MAX bytes: a prefix of it
                    v = v.value if v.tag == "STR" and len(v.value) < len(s) else None
                if v is None or not s.startswith(v) or (len(v) < len(s)) != (
                        wire_len(s) > pyxwire.STR_MAX):
                    bad.append((name, how, pieces, s, "decoded differs"))
    print(json.dumps({"pieces_kept": NEW, "cases": read + unread, "read": read, "unread": unread,
                      "mismatch": [short(b) for b in bad[:5]], "nbad": len(bad),
                      "still_uncached": still}))


main()
