# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""User stacks of findings, unwound past glibc and CPython (issue 9): the BPF side leaves the
registers and top stack pages of each sensitive syscall in an LRU map, and the monitor unwinds a
finding's dump with the DWARF CFI of the libraries mapped there (docs/correlation.md)."""
import json
import os
import re

from conftest import BUILD, LIBPYXCHECK, MONITOR, SYSTEM_PYTHON, needs_root_bpf, run
from conftest import stdout_records
from correlate_util import CORPUS, build_cext, built, monitor, unaudited

PY = SYSTEM_PYTHON
HEX = r"\+0x[0-9a-f]+"
LIBC_OPEN = re.compile(rf"libc\.so\.6{HEX} (__libc_open64|__open64|open64|__open|open){HEX}")
LIBC_UNLINK = re.compile(rf"libc\.so\.6{HEX} (__unlink|unlink){HEX}")
LIBFFI = re.compile(rf"libffi\.so\.8(\.\d+)*{HEX}( \S+{HEX})?")
CTYPES = re.compile(r"_ctypes\.cpython-\d+-x86_64-linux-gnu\.so" + HEX + r"( \S+" + HEX + ")?")
PYTHON = re.compile(rf"(python3\.\d+|libpython3\.\d+\.so(\.[\d.]+)?){HEX}( \S+{HEX})?")


def _libs(stack):
    """The library of each frame, consecutive repeats folded: ["libc", "libffi", ...]."""
    out = []
    for f in stack:
        lib = f.split("+", 1)[0]
        for short, pat in (("libc", r"libc\.so\.6"), ("libffi", r"libffi\.so\.8[.\d]*"),
                           ("_ctypes", r"_ctypes\..*\.so"), ("python", r"(lib)?python3\.\d+.*")):
            if re.fullmatch(pat, lib):
                lib = short
                break
        if not out or out[-1] != lib:
            out.append(lib)
    return out


@needs_root_bpf
def test_ctypes_open_unwinds_through_libffi_and_ctypes(tmp_path):
    """The evasion corpus's ctypes open and unlink: libc's wrapper by name, then libffi (ffi_call
    by name), then _ctypes, then the interpreter; origin says ctypes, and the verdict stays."""
    recs = monitor(PY, CORPUS / "evasion" / "ctypes_file.py", tmp_path, tmp_path / "o.jsonl")
    un = unaudited(recs)
    assert sorted(x["syscall"] for x in un) == ["openat", "unlink"]
    for x in un:
        st = x["stack"]
        assert (LIBC_OPEN if x["syscall"] == "openat" else LIBC_UNLINK).fullmatch(st[0]), st
        assert _libs(st)[:4] == ["libc", "libffi", "_ctypes", "python"], st
        assert any(re.fullmatch(rf"libffi\.so\.8[.\d]*{HEX} ffi_call{HEX}", f) for f in st), st
        for f in st[1:]:
            assert LIBFFI.fullmatch(f) or CTYPES.fullmatch(f) or PYTHON.fullmatch(f), f
        # deeper than the frame-pointer walk, which ends in libc after one frame
        assert len(st) >= 6 and "stack_note" not in x, x
        assert x["origin"] == "ctypes: a C function called from Python"


RAW_SOCKETS = r"""
import ctypes, socket, sys
libc = ctypes.CDLL(None)
for family, kind, proto in ((socket.AF_INET, socket.SOCK_RAW, 1),
                            (socket.AF_NETLINK, socket.SOCK_RAW, 0),
                            (socket.AF_INET, socket.SOCK_DGRAM, 0)):
    fd = libc.socket(family, kind, proto)
    if fd >= 0:
        libc.close(fd)
"""


@needs_root_bpf
def test_raw_socket_finding_carries_its_stack(tmp_path):
    """socket() is sensitive in its raw and packet forms (sens_raw_socket()): the BPF side takes
    its stack as for the other sensitive syscalls, so an unaudited ctypes SOCK_RAW socket is
    unwound through libffi like a ctypes open; a SOCK_DGRAM one is no finding."""
    script = tmp_path / "raw_sockets.py"
    script.write_text(RAW_SOCKETS)
    recs = monitor(PY, script, tmp_path, tmp_path / "o.jsonl")
    un = unaudited(recs)
    assert [(x["syscall"], x["args"]["family"]) for x in un] == [("socket", "AF_INET"),
                                                                ("socket", "AF_NETLINK")], un
    for x in un:
        st = x.get("stack") or []
        assert re.fullmatch(rf"libc\.so\.6{HEX} (__socket|socket){HEX}", st[0]), x
        assert _libs(st)[:4] == ["libc", "libffi", "_ctypes", "python"], st
        assert x["origin"] == "ctypes: a C function called from Python"


@needs_root_bpf
def test_c_extension_stack_names_its_function(tmp_path):
    """A C extension's init function calling open(2) and unlink(2) itself: the frame after libc
    is the extension's PyInit_cext_file (from its .dynsym), then the interpreter's import."""
    so, drop = build_cext(tmp_path)
    recs = monitor(PY, CORPUS / "evasion" / "cext_import.py", tmp_path, tmp_path / "o.jsonl")
    un = unaudited(recs)
    assert sorted(x["syscall"] for x in un) == ["openat", "unlink"]
    for x in un:
        st = x["stack"]
        assert (LIBC_OPEN if x["syscall"] == "openat" else LIBC_UNLINK).fullmatch(st[0]), st
        assert re.fullmatch(re.escape(so.name) + HEX + " PyInit_cext_file" + HEX, st[1]), st
        assert PYTHON.fullmatch(st[2]), st
        # an extension nobody knows: no origin to offer
        assert "origin" not in x and "stack_note" not in x, x


@needs_root_bpf
def test_no_stack_dump_leaves_the_frame_pointer_walk(tmp_path):
    """--no-stack-dump: no dump is copied, and the stack is the kernel's frame-pointer walk,
    which ends in glibc (built without frame pointers) and says so."""
    built()
    out = tmp_path / "o.jsonl"
    r = run([str(MONITOR), "-j", "--no-stack-dump", "-o", str(out), "--", PY,
             str(CORPUS / "evasion" / "ctypes_file.py"), str(tmp_path)], timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    un = unaudited(recs)
    assert sorted(x["syscall"] for x in un) == ["openat", "unlink"]
    for x in un:
        assert len(x["stack"]) == 1 and re.fullmatch(rf"libc\.so\.6{HEX}", x["stack"][0]), x
        assert x["stack_note"] == "walk ends after 1 frame (no frame pointer)"


FOPEN = """import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.fopen.restype = ctypes.c_void_p
p = os.path.join(sys.argv[1], "fopened").encode()
f = libc.fopen(p, b"w")
assert f
libc.fclose(ctypes.c_void_p(f))
os.unlink(p)
"""


@needs_root_bpf
def test_origin_names_the_glibc_function_called(tmp_path):
    """ctypes calling fopen: the open comes from inside glibc's stdio, and origin says which
    glibc function the known caller went through, after what the caller is."""
    script = tmp_path / "fopen.py"
    script.write_text(FOPEN)
    recs = monitor(PY, script, tmp_path, tmp_path / "o.jsonl")
    [x] = unaudited(recs)
    assert x["syscall"] == "openat" and x["args"]["filename"] == str(tmp_path / "fopened")
    st = x["stack"]
    assert LIBC_OPEN.fullmatch(st[0]), st
    libs = _libs(st)
    assert libs[:4] == ["libc", "libffi", "_ctypes", "python"], st
    assert st[1].startswith("libc.so.6+"), st  # stdio's own frames before libffi
    assert re.fullmatch(r"ctypes: a C function called from Python \(through glibc \w+\)",
                        x["origin"]), x


EXPLAINED = """import ctypes, os, sys
d = sys.argv[1]
open(os.path.join(d, "explained"), "w").close()
libc = ctypes.CDLL(None)
libc_open = libc.open
fd = libc_open(os.path.join(d, "native").encode(), os.O_WRONLY | os.O_CREAT, 0o644)
libc.close(fd)
open(os.path.join(d, "read"), "rb").close()
fd = libc_open(os.path.join(d, "after-read").encode(), os.O_WRONLY | os.O_CREAT, 0o644)
libc.close(fd)
sys.audit("open", os.path.join(d, "decoy"), "w", os.O_WRONLY)
fd = libc_open(os.path.join(d, "forged").encode(), os.O_WRONLY | os.O_CREAT, 0o644)
libc.close(fd)
os.unlink(os.path.join(d, "explained"))
"""


def _dumps(tmp_path, env=None):
    """{file name: dump taken?} of the sensitive syscalls of EXPLAINED, from pyx-bpfdrv."""
    drv = BUILD / "tests" / "pyx-bpfdrv"
    built()
    script = tmp_path / "explained.py"
    script.write_text(EXPLAINED)
    d = tmp_path / "d"
    d.mkdir(exist_ok=True)
    open(d / "read", "w").close()
    r = run([str(drv), "--hook", str(LIBPYXCHECK), "--", "env", "LD_PRELOAD=" + str(LIBPYXCHECK),
             PY, "-I", str(script), str(d)], timeout=180, env=env)
    assert r.returncode == 0, r.stderr
    out = {}
    for x in stdout_records(r.stdout):
        if x["type"] == "syscall" and x["syscall"] in ("openat", "unlink"):
            name = x["args"]["filename" if x["syscall"] == "openat" else "pathname"]
            if name.startswith(str(d) + "/"):
                out[(x["syscall"], name.rsplit("/", 1)[1])] = x.get("ustack_dump")
    return out


@needs_root_bpf
def test_dump_skipped_only_when_the_last_audit_event_explains_the_syscall(tmp_path):
    """Issue 10: a sensitive syscall right after the audit event that explains it takes no stack
    dump; a native one (ctypes, no event of its own) does, also after a read-only open's event,
    which that open used up. A forged event costs the finding only its dump (the corpus test
    test_forged_open_event_then_real_open shows it is still reported). PYXCHECK_DUMP_ALL=1
    dumps every sensitive syscall, as before."""
    assert _dumps(tmp_path) == {
        ("openat", "explained"): False,
        ("openat", "native"): True,
        ("openat", "read"): None,  # read-only: not sensitive, no stack trailer
        ("openat", "after-read"): True,
        ("openat", "forged"): False,
        ("unlink", "explained"): False,
    }
    env = dict(os.environ, PYXCHECK_DUMP_ALL="1")
    assert set(_dumps(tmp_path, env).values()) == {True, None}
