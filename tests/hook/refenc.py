# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""An independent Python encoder of payload v1, written from include/pyxcheck_wire.h and the space
rules at the top of user/hook/payload.c, for byte-exact comparison with the C serialiser.

Like the hook, it decides by exact type only and never calls a method an object could override:
base values of subclasses come from the base type's own slots (str.__getitem__(o, slice(None))).
Runs on CPython 3.8+.
"""
import ctypes
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(__file__)))
import pyxwire as W  # noqa: E402

def tp_name(t):
    """The type's C tp_name. No Python attribute gives it for every kind of type (a class
    statement's is __name__, a PyType_FromSpec type's is "module.name", as is a static type's
    unless it is a builtin), so it is read where CPython keeps it: offset 24 of the type object."""
    return ctypes.c_char_p.from_address(id(t) + 24).value.decode()


def _mro(t):
    return type.__dict__["__mro__"].__get__(t)


def _slot(t, o, name):
    import types
    d = t.__dict__.get(name)
    if not isinstance(d, types.MemberDescriptorType):
        return None
    try:
        return d.__get__(o)
    except AttributeError:
        return None


# What a class can define to change str(path) (payload.c pyx_path_names), and the flavour names
# accepted only as PurePath's own object (path_flavour_ok).
_PATH_NAMES = {"__fspath__", "__str__", "__getattr__", "__getattribute__", "_str", "_drv", "_root",
               "_parts", "_tail_cached", "_tail", "_raw_paths", "_raw_path", "drive", "root",
               "_load_parts", "_parse_path", "_format_parsed_parts"}
_PATH_FLAVOURS = ("_flavour", "parser")


def _plain_path_class(cls, pure):
    """payload.c path_class_plain: str(path) is PurePath's own code."""
    if type(cls) is not type:
        return False
    mro, pmro = _mro(cls), _mro(pure)
    if len(mro) > 32 or len(pmro) > 32:
        return False
    pure_ns = dict(pure.__dict__) if type(pure) is type else {}
    for k in mro:
        if any(k is x for x in pmro):
            continue
        ns = list(type.__dict__["__dict__"].__get__(k).items())
        if len(ns) > 512:
            return False
        for key, value in ns:
            if type(key) is not str or key in _PATH_NAMES:
                return False
            if key in _PATH_FLAVOURS:
                own = [v for kk, v in pure_ns.items() if type(kk) is str and kk == key]
                ok = (value is own[0]) if own else \
                    (key == "_flavour" and tp_name(type(value)) == "_PosixFlavour")
                if not ok:
                    return False
    return True


def _raw_join(raw):
    """payload.c pathjoin_init/pathjoin_walk, written as pathlib's own code (Lib/pathlib.py
    3.12 _load_parts, _parse_path and __str__), with the hook's bounds."""
    import posixpath
    if type(raw) is not list or len(raw) > 256 or any(type(x) is not str for x in raw):
        return None
    first = max([i for i, x in enumerate(raw) if x.startswith("/")], default=0)
    if sum(len(x) for x in raw[first:]) > 8192:
        return None
    path = posixpath.join(*raw) if len(raw) > 1 else (raw[0] if raw else "")
    if not path:
        return "."
    _, root, rel = posixpath.splitroot(path)
    return root + "/".join(x for x in rel.split("/") if x and x != ".") or "."


def _pathlib_str(t, o):
    """What the hook reads of a pathlib path (payload.c pathlib_read): nothing when a class of
    its own changes str(path); else '_str', else the parsed parts formatted as PurePath.__str__
    would, else (none of them set) the pieces of '_raw_paths' joined and parsed."""
    cls = t
    while t is not None:
        if t.__name__ == "PureWindowsPath":
            return None
        if t.__name__ == "PurePath":
            break
        t = t.__base__
    if t is None or not _plain_path_class(cls, t):
        return None
    s = _slot(t, o, "_str")
    if type(s) is str:
        return s

    def strs(x):
        return type(x) is list and len(x) <= 256 and all(type(i) is str for i in x)
    drv, root = _slot(t, o, "_drv"), _slot(t, o, "_root")
    old = _slot(t, o, "_parts")
    parts = old if old is not None else _slot(t, o, "_tail_cached")
    if type(drv) is not str or type(root) is not str or not strs(parts):
        if drv is not None or root is not None or parts is not None:
            return None
        return _raw_join(_slot(t, o, "_raw_paths"))
    if (drv or root) and old is parts:
        parts = parts[1:]
    return drv + root + "/".join(parts) or "."


class Writer:
    def __init__(self):
        self.buf = bytearray()
        self.end = W.PAYLOAD_MAX
        self.flags = 0

    def avail(self):
        return max(self.end - len(self.buf), 0)

    def cut(self, pos):
        self.buf[pos] |= W.TAG_TRUNCATED
        self.flags |= W.PF_TRUNCATED

    def marker(self, tag):
        if self.avail():
            self.buf.append(tag | W.TAG_TRUNCATED)
            self.flags |= W.PF_TRUNCATED

    def units(self, chars, escaped):
        for c in chars:
            cp = ord(c)
            if escaped and c == "\\":
                yield b"\\\\"
            elif escaped and 0xD800 <= cp <= 0xDFFF:
                yield ("\\u%04x" % cp).encode()
            else:
                # A surrogate here lies past the scanned prefix, so it is never written.
                yield c.encode("utf-8", "surrogatepass")

    def text(self, s):
        if self.avail() < 5:
            return self.marker(W.TAG_ELIDED)
        room = min(self.avail() - 5, W.STR_MAX)
        escaped = any(0xD800 <= ord(c) <= 0xDFFF for c in s[:W.STR_MAX])
        pos = len(self.buf)
        out, written = bytearray(), 0
        for u in self.units(s[:W.STR_MAX + 1], escaped):
            if len(out) + len(u) > room:
                break
            out += u
            written += 1
        self.buf.append(W.TAG_STR | (W.TAG_ESCAPED if escaped else 0))
        self.buf += struct.pack("<I", len(out)) + out
        if written < len(s):
            self.cut(pos)

    def raw(self, tag, b):
        if self.avail() < 5:
            return self.marker(W.TAG_ELIDED)
        take = min(len(b), self.avail() - 5, W.STR_MAX)
        pos = len(self.buf)
        self.buf.append(tag)
        self.buf += struct.pack("<I", take) + bytes(b[:take])
        if take < len(b):
            self.cut(pos)

    def int_(self, v):
        if -(1 << 63) <= v < (1 << 63):
            if self.avail() < 9:
                return self.marker(W.TAG_ELIDED)
            self.buf.append(W.TAG_INT)
            self.buf += struct.pack("<q", v)
            return
        mag = -v if v < 0 else v
        nbits = mag.bit_length()
        nbytes = 0 if nbits > W.BIGINT_MAX * 8 else (nbits + 7) // 8
        if self.avail() < 6 + nbytes:
            return self.marker(W.TAG_ELIDED)
        pos = len(self.buf)
        self.buf += bytes([W.TAG_BIGINT, 1 if v < 0 else 0]) + struct.pack("<I", nbytes)
        if not nbytes:
            return self.cut(pos)
        self.buf += mag.to_bytes(nbytes, "little")

    def float_(self, d):
        if self.avail() < 9:
            return self.marker(W.TAG_ELIDED)
        self.buf.append(W.TAG_FLOAT)
        self.buf += struct.pack("<d", d)

    def seq(self, o, tag, depth):
        if depth > W.DEPTH_MAX:
            return self.marker(W.TAG_DEPTH)
        if self.avail() < 5:
            return self.marker(W.TAG_ELIDED)
        pos = len(self.buf)
        self.buf += bytes([tag]) + b"\0\0\0\0"
        count = 0
        n = len(o)
        while count < n and count < W.SEQ_MAX and self.avail():
            self.value(o[count], depth + 1)
            count += 1
        struct.pack_into("<I", self.buf, pos + 1, count)
        if count < n:
            self.cut(pos)

    def dict_(self, o, depth):
        if depth > W.DEPTH_MAX:
            return self.marker(W.TAG_DEPTH)
        if self.avail() < 5:
            return self.marker(W.TAG_ELIDED)
        pos = len(self.buf)
        self.buf += bytes([W.TAG_DICT]) + b"\0\0\0\0"
        count = 0
        for k, v in dict.items(o):
            if count >= W.SEQ_MAX or self.avail() < 2:
                break
            self.end -= 1
            self.value(k, depth + 1)
            self.end += 1
            self.value(v, depth + 1)
            count += 1
        struct.pack_into("<I", self.buf, pos + 1, count)
        if count < len(o):
            self.cut(pos)

    def attr_name(self, name):
        if self.avail() < 1 + len(name) + 1:
            return False
        self.buf += bytes([len(name)]) + name.encode()
        return True

    def object_(self, o, t, depth):
        name = tp_name(t).encode()
        cut = len(name) > 255
        name = name[:255]
        if self.avail() < 3 + len(name):
            return self.marker(W.TAG_ELIDED)
        pos = len(self.buf)
        self.buf += bytes([W.TAG_OBJECT, len(name)]) + name
        napos = len(self.buf)
        self.buf.append(0)
        nattrs = want = 0
        mro = _mro(t)
        import types
        if t is types.CodeType:
            want = 3
            for a in ("co_filename", "co_name", "co_firstlineno"):
                if self.attr_name(a):
                    self.value(getattr(o, a), depth + 1)
                    nattrs += 1
        elif str in mro or bytes in mro or int in mro or float in mro:
            want = 1
            if self.attr_name("value"):
                if str in mro:
                    self.text(str.__getitem__(o, slice(None)))
                elif bytes in mro:
                    self.raw(W.TAG_BYTES, bytes.__getitem__(o, slice(None)))
                elif int in mro:
                    self.int_(int.__index__(o))
                else:
                    self.float_(float.__float__(o))
                nattrs += 1
        elif t is memoryview:
            # the bytes of a C-contiguous view of bytes or a bytearray (PyBUF_SIMPLE); of
            # another exporter (an mmap, an array, a PEP 688 class) or released: no value
            want = 1
            try:
                plain = type(o.obj) in (bytes, bytearray)
                data = o.tobytes() if plain and o.c_contiguous else None
            except ValueError:
                data = None
            if data is not None and self.attr_name("value"):
                self.raw(W.TAG_BYTES, data)
                nattrs += 1
        elif _pathlib_str(t, o) is not None:
            # a pathlib path's cached str (the '_str' slot of the first 'PurePath' up __base__)
            want = 1
            if self.attr_name("value"):
                self.text(_pathlib_str(t, o))
                nattrs += 1
        elif any(tp_name(b) == "_socket.socket" for b in mro):
            import _socket
            S = _socket.socket
            vals = [S.fileno(o), S.__dict__["family"].__get__(o), S.__dict__["type"].__get__(o),
                    S.__dict__["proto"].__get__(o)]
            want = 4
            for a, v in zip(("fd", "family", "type", "proto"), vals):
                if self.avail() < 1 + len(a) + 9:
                    break
                self.attr_name(a)
                self.int_(v)
                nattrs += 1
        self.buf[napos] = nattrs
        if cut or nattrs < want:
            self.cut(pos)

    def value(self, o, depth):
        t = type(o)
        if o is None:
            self.buf.append(W.TAG_NONE)
        elif o is True:
            self.buf.append(W.TAG_TRUE)
        elif o is False:
            self.buf.append(W.TAG_FALSE)
        elif t is int:
            self.int_(o)
        elif t is str:
            self.text(o)
        elif t is bytes:
            self.raw(W.TAG_BYTES, o)
        elif t is bytearray:
            self.raw(W.TAG_BYTEARRAY, o)
        elif t is float:
            self.float_(o)
        elif t is tuple:
            self.seq(o, W.TAG_TUPLE, depth)
        elif t is list:
            self.seq(o, W.TAG_LIST, depth)
        elif t is dict:
            self.dict_(o, depth)
        else:
            self.object_(o, t, depth)


def encode(event, event_id, args, file, function, line, seq=0):
    """The payload the hook writes for `event` raised with `args` from (file, function, line)."""
    w = Writer()
    w.buf += bytes(W.HDR_SIZE)
    for s in (event, file, function):
        w.text(s)
    nargs = min(len(args), W.SEQ_MAX)
    if nargs < len(args):
        w.flags |= W.PF_TRUNCATED
    for i in range(nargs):
        w.end = W.PAYLOAD_MAX - (nargs - i - 1)
        w.value(args[i], 1)
    W.HDR.pack_into(w.buf, 0, W.MAGIC, W.VERSION, w.flags, event_id, nargs, len(w.buf), line, seq)
    return bytes(w.buf)
