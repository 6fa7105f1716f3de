# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The syscall/process record decoder (user/monitor/decode_syscall.c) on hand-built records, and the
syscall table (include/pyxcheck_syscall.h) against this kernel's tracepoint formats."""
import os
import re

import pytest

from conftest import BUILD, ROOT, run

TEST_SYSREC = BUILD / "tests" / "test_sysrec"


def test_decoder_unit():
    if not TEST_SYSREC.exists():
        pytest.fail(f"{TEST_SYSREC} is missing: run `make` first")
    r = run([str(TEST_SYSREC)], timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "all 236 checks passed\n"


def syscall_table():
    text = (ROOT / "include" / "pyxcheck_syscall.h").read_text()
    body = text[text.index("#define PYX_SYSCALLS(X)"):text.index("#define PYX_SC_OPTIONAL")]
    body = body.replace("\\\n", " ")
    rows = []
    for m in re.finditer(r"X\(([^)]*)\)", body):
        parts = [p.strip() for p in m.group(1).split(",")]
        args = [parts[i + 1] for i in range(3, 15, 2) if parts[i] != "NONE"]
        rows.append((parts[0], int(parts[1]), args))
    return rows


def tracefs():
    for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.isdir(d + "/events/syscalls"):
            return d
    return None


def test_table_matches_kernel_tracepoints():
    """Argument names and counts are the kernel's: the BPF side reads exactly that many."""
    d = tracefs()
    if d is None:
        pytest.skip("skipped: tracefs with syscalls:* events is not mounted")
    rows = syscall_table()
    assert len(rows) == 84
    for name, nr, args in rows:
        path = f"{d}/events/syscalls/sys_enter_{name}/format"
        if not os.path.exists(path):
            assert name in ("openat2", "clone3", "fchmodat2", "io_uring_setup", "setxattrat",
                            "removexattrat"), f"{name}: tracepoint missing"
            continue
        fmt = open(path).read()
        fields = re.findall(r"field:[^;]*?\**(\w+);\toffset:(\d+);", fmt)
        kargs = [f for f, off in fields if int(off) >= 16]
        assert kargs == args, name
        assert re.search(r"__syscall_nr;", fmt), name
