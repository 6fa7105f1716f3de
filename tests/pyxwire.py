# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Reference decoder of the pyxcheck hook payload, version 1 (include/pyxcheck_wire.h, section 2).

Strict: any malformed input raises WireError (short or long data, bad magic/version, unknown tag,
a flag bit where the format has none, invalid UTF-8, a bad escape, a count that lies, a
TRUNCATED value without the header's PYX_PF_TRUNCATED). Runs on CPython 3.8+ with no dependency.

API
    decode(data) -> Payload       one whole payload (bytes-like)
    Payload fields: magic, version, flags, event_id, nargs, len, line, seq, name, file,
        function (str), args (list of values), and the booleans truncated, no_frame, no_args.
    Values decode to Python values: None, False, True, int (INT and BIGINT), float, str (escapes
    undone, so lone surrogates come back), bytes, bytearray, tuple, list, dict, and markers:
        Obj(type, attrs, truncated)   OBJECT; attrs is a tuple of (name, value) pairs; .attr(name)
        Cut(tag, value)               a value with the TRUNCATED bit: the part that was written
                                      (str/bytes/bytearray/tuple/list/dict/Obj), or for a BIGINT
                                      past PYX_BIGINT_MAX its sign (+1 or -1)
        DEPTH, ELIDED                 the two body-less markers
    Constants mirror the header: PF_TRUNCATED, PF_NO_FRAME, PF_NO_ARGS, MAGIC, VERSION,
    PAYLOAD_MAX, STR_MAX, SEQ_MAX, DEPTH_MAX, BIGINT_MAX, EVENT_UNKNOWN, HDR_SIZE, TAG_*.
"""
import struct
from typing import NamedTuple

MAGIC = 0x5850
VERSION = 1
PAYLOAD_MAX = 8192
STR_MAX = 2048
SEQ_MAX = 64
DEPTH_MAX = 8
BIGINT_MAX = 256
EVENT_UNKNOWN = 0xFFFF
PF_TRUNCATED, PF_NO_FRAME, PF_NO_ARGS = 1, 2, 4
HDR = struct.Struct("<HBBHHIIQ")
HDR_SIZE = HDR.size  # 24

(TAG_NONE, TAG_FALSE, TAG_TRUE, TAG_INT, TAG_BIGINT, TAG_FLOAT, TAG_STR, TAG_BYTES,
 TAG_BYTEARRAY, TAG_TUPLE, TAG_LIST, TAG_DICT, TAG_OBJECT, TAG_DEPTH, TAG_ELIDED) = range(15)
TAG_TYPE_MASK, TAG_ESCAPED, TAG_TRUNCATED = 0x3F, 0x40, 0x80
TAG_NAMES = ["NONE", "FALSE", "TRUE", "INT", "BIGINT", "FLOAT", "STR", "BYTES", "BYTEARRAY",
             "TUPLE", "LIST", "DICT", "OBJECT", "DEPTH", "ELIDED"]
_CUTTABLE = {TAG_BIGINT, TAG_STR, TAG_BYTES, TAG_BYTEARRAY, TAG_TUPLE, TAG_LIST, TAG_DICT,
             TAG_OBJECT}


class WireError(ValueError):
    pass


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


DEPTH = _Marker("DEPTH")
ELIDED = _Marker("ELIDED")


class Obj(NamedTuple):
    type: str
    attrs: tuple
    truncated: bool = False

    def attr(self, name):
        for k, v in self.attrs:
            if k == name:
                return v
        raise KeyError(name)


class Cut(NamedTuple):
    tag: str
    value: object


class Payload(NamedTuple):
    magic: int
    version: int
    flags: int
    event_id: int
    nargs: int
    len: int
    line: int
    seq: int
    name: str
    file: str
    function: str
    args: list

    @property
    def truncated(self):
        return bool(self.flags & PF_TRUNCATED)

    @property
    def no_frame(self):
        return bool(self.flags & PF_NO_FRAME)

    @property
    def no_args(self):
        return bool(self.flags & PF_NO_ARGS)


def _unescape(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if text[i + 1:i + 2] == "\\":
            out.append("\\")
            i += 2
            continue
        h = text[i + 2:i + 6]
        if text[i + 1:i + 2] != "u" or len(h) != 4 or any(x not in "0123456789abcdef" for x in h):
            raise WireError("bad escape in ESCAPED str at char %d" % i)
        cp = int(h, 16)
        if not 0xD800 <= cp <= 0xDFFF:
            raise WireError("escape of a non-surrogate U+%04X" % cp)
        out.append(chr(cp))
        i += 6
    return "".join(out)


class _Reader:
    def __init__(self, data):
        self.d = bytes(data)
        self.p = 0
        self.cut = False

    def take(self, n):
        if n < 0 or self.p + n > len(self.d):
            raise WireError("value runs past the end (need %d at %d of %d)"
                            % (n, self.p, len(self.d)))
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def value(self, depth):
        tagbyte = self.u8()
        tag = tagbyte & TAG_TYPE_MASK
        trunc, esc = bool(tagbyte & TAG_TRUNCATED), bool(tagbyte & TAG_ESCAPED)
        if tag >= len(TAG_NAMES):
            raise WireError("unknown tag %#x at %d" % (tagbyte, self.p - 1))
        if esc and tag != TAG_STR:
            raise WireError("ESCAPED bit on %s" % TAG_NAMES[tag])
        if trunc and tag not in _CUTTABLE and tag not in (TAG_DEPTH, TAG_ELIDED):
            raise WireError("TRUNCATED bit on %s" % TAG_NAMES[tag])
        if tag in (TAG_DEPTH, TAG_ELIDED) and not trunc:
            raise WireError("%s without the TRUNCATED bit" % TAG_NAMES[tag])
        if trunc:
            self.cut = True
        v = self._body(tag, trunc, esc, depth)
        if trunc and tag in _CUTTABLE:
            if tag == TAG_OBJECT:
                return v  # Obj carries truncated itself
            return Cut(TAG_NAMES[tag], v)
        return v

    def text(self, n, esc):
        raw = self.take(n)
        try:
            s = raw.decode("utf-8", "strict")
        except UnicodeDecodeError as e:
            raise WireError("STR is not valid UTF-8: %s" % e)
        return _unescape(s) if esc else s

    def _body(self, tag, trunc, esc, depth):
        if tag == TAG_NONE:
            return None
        if tag == TAG_FALSE:
            return False
        if tag == TAG_TRUE:
            return True
        if tag == TAG_INT:
            return struct.unpack("<q", self.take(8))[0]
        if tag == TAG_FLOAT:
            return struct.unpack("<d", self.take(8))[0]
        if tag == TAG_BIGINT:
            sign = self.u8()
            if sign > 1:
                raise WireError("BIGINT sign byte %d" % sign)
            n = self.u32()
            if n > BIGINT_MAX:
                raise WireError("BIGINT of %d bytes > %d" % (n, BIGINT_MAX))
            if n == 0:
                if not trunc:
                    raise WireError("empty BIGINT without TRUNCATED")
                return -1 if sign else 1
            mag = int.from_bytes(self.take(n), "little")
            return -mag if sign else mag
        if tag in (TAG_STR, TAG_BYTES, TAG_BYTEARRAY):
            n = self.u32()
            if n > STR_MAX:
                raise WireError("%s of %d bytes > %d" % (TAG_NAMES[tag], n, STR_MAX))
            if tag == TAG_STR:
                return self.text(n, esc)
            b = self.take(n)
            return b if tag == TAG_BYTES else bytearray(b)
        if tag in (TAG_TUPLE, TAG_LIST):
            n = self.u32()
            if n > SEQ_MAX:
                raise WireError("%s of %d items > %d" % (TAG_NAMES[tag], n, SEQ_MAX))
            items = [self.value(depth + 1) for _ in range(n)]
            return tuple(items) if tag == TAG_TUPLE else items
        if tag == TAG_DICT:
            n = self.u32()
            if n > SEQ_MAX:
                raise WireError("DICT of %d pairs > %d" % (n, SEQ_MAX))
            out = {}
            for _ in range(n):
                k = self.value(depth + 1)
                v = self.value(depth + 1)
                try:
                    out[k] = v
                except TypeError:
                    raise WireError("unhashable DICT key %r" % (k,))
            return out
        if tag == TAG_OBJECT:
            tname = self.take(self.u8())
            try:
                tname = tname.decode("utf-8")
            except UnicodeDecodeError:
                raise WireError("OBJECT type name is not UTF-8")
            attrs = []
            for _ in range(self.u8()):
                aname = self.take(self.u8())
                try:
                    aname = aname.decode("ascii")
                except UnicodeDecodeError:
                    raise WireError("OBJECT attribute name is not ASCII")
                attrs.append((aname, self.value(depth + 1)))
            return Obj(tname, tuple(attrs), trunc)
        return DEPTH if tag == TAG_DEPTH else ELIDED


def decode(data):
    """Decode one payload; raises WireError unless it is exactly well-formed."""
    data = bytes(data)
    if len(data) < HDR_SIZE:
        raise WireError("payload of %d bytes is shorter than its header" % len(data))
    magic, version, flags, event_id, nargs, length, line, seq = HDR.unpack_from(data)
    if magic != MAGIC:
        raise WireError("bad magic %#x" % magic)
    if version != VERSION:
        raise WireError("unsupported version %d" % version)
    if flags & ~(PF_TRUNCATED | PF_NO_FRAME | PF_NO_ARGS):
        raise WireError("unknown header flags %#x" % flags)
    if length != len(data) or length > PAYLOAD_MAX:
        raise WireError("header len %d but %d bytes (max %d)" % (length, len(data), PAYLOAD_MAX))
    if nargs > SEQ_MAX:
        raise WireError("nargs %d > %d" % (nargs, SEQ_MAX))
    if flags & PF_NO_ARGS and nargs:
        raise WireError("PF_NO_ARGS with %d args" % nargs)
    r = _Reader(data)
    r.p = HDR_SIZE
    strs = []
    for what in ("name", "file", "function"):
        v = r.value(0)
        s = v.value if isinstance(v, Cut) and v.tag == "STR" else v
        if not isinstance(s, str):
            raise WireError("%s is not a STR" % what)
        strs.append(v)
    args = [r.value(1) for _ in range(nargs)]
    if r.p != len(data):
        raise WireError("%d trailing bytes" % (len(data) - r.p))
    if r.cut and not flags & PF_TRUNCATED:
        raise WireError("a value is TRUNCATED but the header lacks PF_TRUNCATED")
    if flags & PF_NO_FRAME and (strs[1] != "" or strs[2] != "" or line):
        raise WireError("PF_NO_FRAME with a frame")
    return Payload(magic, version, flags, event_id, nargs, length, line, seq,
                   strs[0], strs[1], strs[2], args)
