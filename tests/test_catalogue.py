# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The catalogue (include/audit_events.def) holds every row of CPython's audit events table, with the
same argument names in the same order, a known category, and syscall counterparts that the monitor
can name; the C expansion agrees with the file (built by the unit driver below)."""
import re
import subprocess

import pytest

from conftest import BUILD, ROOT, SEED_TSV, run

DEF = ROOT / "include" / "audit_events.def"
WIRE = ROOT / "include" / "pyxcheck_wire.h"
ROW = re.compile(r'^PYX_EVENT\((\w+),\s*"([^"]*)",\s*(\w+),\s*"([^"]*)",\s*"([^"]*)"\)', re.S | re.M)

# Every syscall a counterpart may name: the ones the monitor traces plus a few it does not (yet),
# spelled as the kernel spells them. A typo in the catalogue fails here.
KNOWN_SYSCALLS = set("""openat openat2 open creat execve execveat clone clone3 fork vfork socket
connect bind listen accept accept4 sendto sendmsg sendmmsg write unlinkat unlink rmdir renameat2
renameat rename mkdirat mkdir fchmodat fchmodat2 chmod fchmod fchownat chown lchown fchown linkat link
symlinkat symlink truncate ftruncate utimensat utimes futimesat utime kill tgkill tkill mmap mprotect
prlimit64 setrlimit sethostname chdir fchdir fcntl flock ioctl getxattr lgetxattr fgetxattr
setxattr lsetxattr fsetxattr setxattrat listxattr llistxattr flistxattr removexattr lremovexattr
fremovexattr removexattrat""".split())


def seed_rows():
    rows = []
    for line in SEED_TSV.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, args = line.split("\t")[:2]
        rows.append((name, [a.strip() for a in args.split(",") if a.strip()]))
    return rows


def def_rows():
    return [(m.group(1), m.group(2), m.group(3), [a for a in m.group(4).split(",") if a],
             [s for s in m.group(5).split(",") if s]) for m in ROW.finditer(DEF.read_text())]


def categories():
    body = WIRE.read_text().split("#define PYX_CATEGORIES(X)")[1].split("enum pyx_category")[0]
    return re.findall(r"X\((\w+), \"(\w+)\"\)", body)


def test_seed_table_is_present():
    assert SEED_TSV.exists(), f"{SEED_TSV} missing"
    assert len(seed_rows()) == 186


def test_every_seed_row_is_in_the_catalogue_in_order_with_same_args():
    seed = seed_rows()
    cat = def_rows()
    assert len(cat) == len(seed) == 186
    for (sname, sargs), (_, cname, _, cargs, _) in zip(seed, cat):
        assert cname == sname
        assert cargs == sargs, cname


def test_symbols_unique_categories_known_syscalls_spelled():
    cats = {c for c, _ in categories()}
    assert cats == {"FILE", "NETWORK", "PROCESS", "FFI", "CODE", "IMPORT", "RUNTIME", "OTHER"}
    rows = def_rows()
    assert len({r[0] for r in rows}) == len(rows)
    for sym, name, cat, _, sysc in rows:
        assert cat in cats, name
        assert set(sysc) <= KNOWN_SYSCALLS, (name, set(sysc) - KNOWN_SYSCALLS)


@pytest.mark.parametrize("name,cat,syscalls", [
    ("open", "FILE", ["openat", "openat2", "open", "creat"]),
    ("socket.connect", "NETWORK", ["connect"]),
    ("subprocess.Popen", "PROCESS", ["clone", "clone3", "fork", "vfork", "execve", "execveat"]),
    ("ctypes.dlopen", "FFI", ["openat", "open", "mmap", "mprotect"]),
    ("compile", "CODE", []),
    ("import", "IMPORT", ["openat", "open", "mmap", "mprotect"]),
    ("builtins.id", "RUNTIME", []),
    ("os.kill", "PROCESS", ["kill"]),
    ("signal.pthread_kill", "PROCESS", ["tgkill", "tkill"]),
    ("time.sleep", "OTHER", []),
])
def test_known_rows(name, cat, syscalls):
    row = {r[1]: r for r in def_rows()}[name]
    assert row[2] == cat
    assert row[4] == syscalls


def test_c_expansion_matches():
    """The X-macro expanded the way C code uses it (build/tests/catalogue-dump, from
    tests/unit/catalogue_dump.c): ids, names and counts as the .def file has them."""
    exe = BUILD / "tests" / "catalogue-dump"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make` first")
    out = run([str(exe)]).stdout.splitlines()
    assert out[0] == "186 8"
    catidx = {c: i for i, (c, _) in enumerate(categories())}
    for i, (line, row) in enumerate(zip(out[1:], def_rows())):
        rid, name, cat, args = line.split("\t")
        assert (int(rid), name, int(cat), args) == (i, row[1], catidx[row[2]], ",".join(row[3]))
