# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Write the hand-made seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Usage: /usr/bin/python3 tests/fuzz/mkseeds.py

The encoders below follow include/pyxcheck_wire.h and include/pyxcheck_syscall.h independently of
the C code, so a seed is also a second reading of the wire format. Seeds are small on purpose:
the fuzzer mutates them; they only need to reach each branch once. Captured payloads from a real
hook run live next to these as cap-* files and are not rewritten by this script.
"""
import hashlib
import re
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"

# --- wire constants (pyxcheck_wire.h) ---------------------------------------------------------
MAGIC, VERSION = 0x5850, 1
PF_TRUNCATED, PF_NO_FRAME, PF_NO_ARGS = 1, 2, 4
(T_NONE, T_FALSE, T_TRUE, T_INT, T_BIGINT, T_FLOAT, T_STR, T_BYTES, T_BYTEARRAY, T_TUPLE, T_LIST,
 T_DICT, T_OBJECT, T_DEPTH, T_ELIDED) = range(15)
ESCAPED, TRUNC = 0x40, 0x80
REC_AUDIT, REC_SYSCALL, REC_PROCESS, REC_LIFECYCLE, REC_LOST = 1, 2, 3, 4, 5
CATEGORIES = ["FILE", "NETWORK", "PROCESS", "FFI", "CODE", "IMPORT", "RUNTIME", "OTHER"]


def events():
    text = (ROOT / "include" / "audit_events.def").read_text()
    rows = [r for r in re.findall(r'PYX_EVENT\((\w+),\s*"([^"]*)",\s*(\w+),\s*"([^"]*)"', text)
            if r[0] != "SYMBOL"]  # the format line in the file's comment
    return {name: (i, CATEGORIES.index(cat), args.split(",") if args else [])
            for i, (_, name, cat, args) in enumerate(rows)}


# --- payload values -----------------------------------------------------------------------------
def v_none():
    return bytes([T_NONE])


def v_bool(b):
    return bytes([T_TRUE if b else T_FALSE])


def v_int(i):
    return bytes([T_INT]) + struct.pack("<q", i)


def v_bigint(i, trunc=False):
    if trunc:
        return bytes([T_BIGINT | TRUNC, 1 if i < 0 else 0]) + struct.pack("<I", 0)
    mag = abs(i).to_bytes((abs(i).bit_length() + 7) // 8 or 1, "little")
    return bytes([T_BIGINT, 1 if i < 0 else 0]) + struct.pack("<I", len(mag)) + mag


def v_float(f):
    return bytes([T_FLOAT]) + struct.pack("<d", f)


def v_str(s, trunc=False):
    """A Python str as the hook writes it: lone surrogates as \\udXXX with ESCAPED set."""
    tag = T_STR | (TRUNC if trunc else 0)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
        tag |= ESCAPED
        s = "".join("\\\\" if c == "\\" else
                    ("\\u%04x" % ord(c) if 0xD800 <= ord(c) <= 0xDFFF else c) for c in s)
    b = s.encode("utf-8")
    return bytes([tag]) + struct.pack("<I", len(b)) + b


def v_bytes(b, kind=T_BYTES, trunc=False):
    return bytes([kind | (TRUNC if trunc else 0)]) + struct.pack("<I", len(b)) + b


def v_seq(items, kind=T_TUPLE, trunc=False):
    return bytes([kind | (TRUNC if trunc else 0)]) + struct.pack("<I", len(items)) + b"".join(items)


def v_dict(pairs):
    return bytes([T_DICT]) + struct.pack("<I", len(pairs)) + b"".join(k + v for k, v in pairs)


def v_object(tname, attrs):
    out = bytes([T_OBJECT, len(tname)]) + tname.encode() + bytes([len(attrs)])
    for n, v in attrs:
        out += bytes([len(n)]) + n.encode() + v
    return out


def v_depth():
    return bytes([T_DEPTH | TRUNC])


def v_elided():
    return bytes([T_ELIDED | TRUNC])


def payload(name, args, event_id=0xFFFF, file="/tmp/w.py", function="<module>", line=7, seq=1,
            flags=0, version=VERSION, magic=MAGIC, fix_len=True):
    body = v_str(name) + v_str(file) + v_str(function) + b"".join(args)
    total = 24 + len(body)
    return struct.pack("<HBBHHIIQ", magic, version, flags, event_id, len(args),
                       total if fix_len else total + 5, line, seq) + body


def payload_seeds(ev):
    def p(name, args, **kw):
        eid = ev[name][0] if name in ev else 0xFFFF
        return payload(name, args, event_id=eid, **kw)

    nested = v_depth()
    for _ in range(7):
        nested = v_seq([nested])
    s = {
        "open": p("open", [v_str("/etc/passwd"), v_str("r"), v_int(0)]),
        "open-hostile": p("open", [v_str("a\nb\"c\\d\x1b[31m\x00e\udc80\u202e"), v_none(),
                                   v_int(-1)]),
        "connect": p("socket.connect", [v_object("socket", [("fd", v_int(3)), ("family", v_int(2)),
                                                            ("type", v_int(1)),
                                                            ("proto", v_int(0))]),
                                        v_seq([v_str("127.0.0.1"), v_int(8080)])]),
        "exec": p("exec", [v_object("code", [("co_filename", v_str("<string>")),
                                             ("co_name", v_str("<module>")),
                                             ("co_firstlineno", v_int(1))])]),
        "popen": p("subprocess.Popen", [v_bytes(b"/bin/sh"),
                                        v_seq([v_str("sh"), v_str("-c"), v_str("id")],
                                              kind=T_LIST),
                                        v_none(), v_dict([(v_str("PATH"), v_str("/bin"))])]),
        "numbers": p("app.numbers", [v_bigint(-(2 ** 200)), v_bigint(2 ** 64), v_bigint(1, True),
                                     v_float(1.5), v_float(float("nan")), v_float(-0.0),
                                     v_float(1e300 * 10), v_bool(True), v_bool(False),
                                     v_int(-2 ** 63)]),
        "bytes": p("app.bytes", [v_bytes(bytes(range(256))), v_bytes(b"\xff\xfe", T_BYTEARRAY),
                                 v_bytes(b"x" * 40, trunc=True)]),
        "depth": p("app.deep", [nested], flags=PF_TRUNCATED),
        "elided": p("app.elided", [v_str("x" * 30, trunc=True), v_elided(),
                                   v_seq([v_int(1)], trunc=True)], flags=PF_TRUNCATED),
        "dictkeys": p("app.dict", [v_dict([(v_int(1), v_str("one")),
                                           (v_seq([]), v_dict([]))])]),
        "noframe": p("sys.addaudithook", [], file="", function="", line=0, flags=PF_NO_FRAME),
        "noargs": p("import", [], flags=PF_NO_ARGS | PF_NO_FRAME),
        "badversion": payload("open", [v_none()], version=2),
        "badlen": payload("open", [v_none()], fix_len=False),
        "unknown-event": payload("app.login", [v_str("root"), v_str("\u00e9\U0001f600")]),
    }
    return s


# --- ring-buffer records --------------------------------------------------------------------------
def rec_hdr(size, rtype, flags=0, pid=1234, tid=1234, comm=b"python3"):
    return struct.pack("<IHHIIIIQQ16s", size, rtype, flags, pid, tid, 0, 0, 10 ** 9, 1,
                       comm.ljust(16, b"\0")[:16])


def rec_audit(pl, category=0, event_id=0, claimed=None, comm=b"python3"):
    size = 72 + len(pl)
    return rec_hdr(size, REC_AUDIT, comm=comm) + struct.pack(
        "<IIII", event_id, category, len(pl) if claimed is None else claimed, len(pl)) + pl


def rec_lifecycle(kind):
    return rec_hdr(88, REC_LIFECYCLE) + struct.pack("<IIIiQQ", kind, 0x030b02f0, 1, 0, 10, 9)


def rec_lost(stream, count):
    return rec_hdr(72, REC_LOST) + struct.pack("<IIQ", stream, 0, count)


def syscall_table():
    text = (ROOT / "include" / "pyxcheck_syscall.h").read_text()
    body = text[text.index("#define PYX_SYSCALLS(X)"):text.index("#define PYX_SC_OPTIONAL")]
    body = body.replace("\\\n", " ")
    rows = []
    for m in re.finditer(r"X\(([^)]*)\)", body):
        f = [x.strip() for x in m.group(1).split(",")]
        if len(f) != 15 or not f[1].isdigit():
            continue
        rows.append((f[0], int(f[1]), f[2], list(zip(f[3::2], f[4::2]))))
    return rows


def sockaddr_in(port=8080, addr=(127, 0, 0, 1)):
    return struct.pack("<H", 2) + struct.pack(">H", port) + bytes(addr) + bytes(8)


def sockaddr_un(path):
    return struct.pack("<H", 1) + path


def entry_only():
    """Rows of PYX_SC_ENTRY_ONLY: sent at entry with PYX_SCF_ENTRY, ret 0, ts == enter."""
    text = (ROOT / "include" / "pyxcheck_syscall.h").read_text()
    body = text[text.index("#define PYX_SC_ENTRY_ONLY(X)"):].split("\n\n")[0]
    return set(re.findall(r"X\((\w+)\)", body))


def rec_syscall(sc, nr, kinds, ret=0, path=b"/tmp/x", comm=b"python3", sa=None, at_entry=False):
    """One record as bpf/pyxcheck.bpf.c sends it: fixed part, then each data argument's bytes."""
    fixed = 176
    args, data, tail = [0] * 6, [(0, 0, 0, 0)] * 6, b""
    sa = sa if sa is not None else sockaddr_in()
    for i, (k, _name) in enumerate(kinds):
        val, blob, count, flags = i + 1, None, 0, 1
        if k in ("PATH", "STR"):
            blob = path + b"\0"
        elif k in ("SOCKADDR", "MSGHDR"):
            blob = sa
        elif k == "SOCKLEN":
            val = len(sa)
        elif k == "SOCKLEN_PTR":
            blob = struct.pack("<I", len(sa))
        elif k == "ARGV":
            items = [b"python3", b"-c", b"print(1)\n\x1b[2J"]
            blob, count = b"".join(x + b"\0" for x in items), len(items)
        elif k == "OPEN_HOW":
            blob = struct.pack("<QQQ", 0o1101, 0o644, 0)
        elif k == "CLONE_ARGS":
            blob = struct.pack("<8Q", 0x11, 0, 0, 0, 17, 0, 0, 0)
        elif k == "RLIMIT":
            blob = struct.pack("<QQ", 1024, 2 ** 64 - 1)
        elif k == "BUF":
            blob = b"host\x07"
            val = 0
        elif k == "DIRFD":
            val = 2 ** 64 - 100
        if k == "SIZE" and i > 0 and kinds[i - 1][0] == "BUF":
            val = 5
        args[i] = val
        if blob is not None:
            args[i] = 0x7ffd0000 + i * 0x100
            data[i] = (fixed + len(tail), len(blob), flags, count)
            tail += blob
    size = fixed + len(tail)
    out = rec_hdr(size, REC_SYSCALL, flags=1 if at_entry else 0, comm=comm)
    out += struct.pack("<IHHqQ", nr, sc, 0, 0 if at_entry else ret,
                       10 ** 9 if at_entry else 10 ** 9 - 5000)
    out += struct.pack("<6Q", *args)
    out += b"".join(struct.pack("<HHHH", *d) for d in data)
    return out + tail


def rec_process(kind, filename=None, exit_code=0):
    fixed = 120
    tail = (filename + b"\0") if filename is not None else b""
    off = fixed if filename is not None else 0
    return rec_hdr(fixed + len(tail), REC_PROCESS) + struct.pack(
        "<IIIIiIHHHHIIIIQII", kind, 1, 1235, 1235, exit_code, 1234, off, len(tail), 0,
        0, 0, 0xffffffff, 0, 0, 0, 0, 0) + tail


def with_tid(rec, tid, pid=1234):
    """The same record from another thread (pid/tid are at offsets 8 and 12 of the header)."""
    return rec[:8] + struct.pack("<II", pid, tid) + rec[16:]


def corr_seq(*recs):
    """Input of the correlator target: records with a __u16 length each; None is a tick."""
    return b"".join(struct.pack("<H", 0) if r is None else struct.pack("<H", len(r)) + r
                    for r in recs)


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main():
    ev = events()
    pls = payload_seeds(ev)
    for name, pl in pls.items():
        write("payload", name, pl)
    for name in ("open", "open-hostile", "connect", "popen", "numbers", "depth", "badversion",
                 "unknown-event"):
        eid = struct.unpack_from("<H", pls[name], 4)[0]
        cat = {i: c for i, c, _ in ev.values()}.get(eid, 7)
        write("record", "audit-" + name, rec_audit(pls[name], category=cat, event_id=eid))
    open_id, open_cat = ev["open"][0], ev["open"][1]
    write("record", "audit-claimed-long",
          rec_audit(pls["open"], open_cat, open_id, claimed=1 << 20))
    write("record", "audit-comm", rec_audit(pls["open"], open_cat, open_id,
                                            comm=b"\x1b]0;pwn\x07\n\"\\\xff"))
    write("record", "lifecycle-start", rec_lifecycle(1))
    write("record", "lifecycle-stop", rec_lifecycle(2))
    write("record", "lost", rec_lost(0, 12345))
    rows = syscall_table()
    at_entry = entry_only()
    for sc, (name, nr, _rk, kinds) in enumerate(rows):
        rec = rec_syscall(sc, nr, kinds, ret=-2 if sc % 3 == 0 else 3, at_entry=name in at_entry)
        write("sysrec", name, rec)
        write("record", "sc-" + name, rec)
    write("sysrec", "connect-unix",
          rec_syscall(11, 42, rows[11][3], sa=sockaddr_un(b"/run/x\n\x1b")))
    write("sysrec", "connect-abstract", rec_syscall(11, 42, rows[11][3], sa=sockaddr_un(b"\0ab\0")))
    v6 = struct.pack("<H", 10) + struct.pack(">H", 443) + bytes(4) + bytes(15) + b"\1" + bytes(4)
    write("sysrec", "connect-v6", rec_syscall(11, 42, rows[11][3], sa=v6))
    write("sysrec", "open-hostile-path",
          rec_syscall(0, 257, rows[0][3], path=b"/tmp/a\nb\"c\\\x1b[31m\xff\xc0\x80\xed\xa0\x80"))
    for name, rec in (("fork", rec_process(1)), ("exec", rec_process(2, b"/usr/bin/python3")),
                      ("exec-hostile", rec_process(2, b"/tmp/\x1b[2J\n\xff")),
                      ("exit", rec_process(3, exit_code=3 << 8)),
                      ("killed", rec_process(3, exit_code=9))):
        write("procrec", name, rec)
        write("record", "proc-" + name, rec)
    # the correlator: sequences of records (tests/fuzz/fuzz_corr.c)
    ev_open = ev["open"]
    open_x = rec_audit(payload("open", [v_str("/tmp/x"), v_str("r"), v_int(0)],
                               event_id=ev_open[0]), category=ev_open[1], event_id=ev_open[0])
    openat_rw = rec_syscall(0, 257, rows[0][3], ret=3)  # flags 3: O_RDWR|..., sensitive
    openat_x = openat_rw[:96] + struct.pack("<Q", 0) + openat_rw[104:]  # O_RDONLY, as "r"
    fork, exe, exit_ = rec_process(1), rec_process(2, b"/usr/bin/python3"), rec_process(3)
    start, lost = rec_lifecycle(1), rec_lost(0, 3)
    write("corr", "matched", corr_seq(start, open_x, openat_x, exit_))
    write("corr", "unaudited", corr_seq(start, openat_rw, openat_rw, None, exit_))
    write("corr", "lost-in-window", corr_seq(start, open_x, lost, openat_x, exit_))
    write("corr", "threads", corr_seq(start, *[with_tid(open_x, 2000 + t) for t in range(20)],
                                      *[with_tid(openat_x, 2000 + t) for t in range(20)], None))
    write("corr", "fork-exec", corr_seq(start, fork, exe, open_x, openat_x, None, exit_))
    popen = payload_seeds(ev)["popen"]
    write("corr", "popen", corr_seq(start, rec_audit(popen, category=ev["subprocess.Popen"][1],
                                                     event_id=ev["subprocess.Popen"][0]),
                                    rec_syscall(4, 59, rows[4][3], ret=0), fork, exe, exit_))
    total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    print(f"seeds written under {CORPUS}: {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
