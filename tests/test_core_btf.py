# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Issue 10, attach goal: libbpf relocates the object against a small extract of the kernel's BTF
that the loader writes (user/monitor/capture_btf.c), not against the kernel's whole BTF. The
relocated instructions of every program set the monitor loads must be exactly those libbpf
computes against the kernel's BTF itself (PYXCHECK_TEST_KERNEL_BTF=1), and the ids handed to
bpf_rdonly_cast() must be the kernel's own."""
import os
import re
import signal
import subprocess

import pytest

from conftest import MONITOR, needs_root_bpf, require_built, run

# (name, monitor arguments, environment): the program sets the loader chooses between
MODES = [
    ("command", ["--", "/bin/true"], {}),
    ("command-slow", ["--", "/bin/true"], {"PYXCHECK_TEST_NO_RDONLY_CAST": "1"}),
    ("all", ["-a"], {}),
    ("all-per-syscall", ["-a"], {"PYXCHECK_TEST_NO_ARG_CTX": "1"}),
    # the kernel's BTF read, not mapped (kernels before 6.16): the extract from the read copy
    ("all-read", ["-a"], {"PYXCHECK_TEST_NO_BTF_MMAP": "1"}),
]
TARGET = re.compile(r"pyxcheck: CO-RE target: (\d+) of the kernel's (\d+) types "
                    r"\((\d+) with a relocated type's kind and name\)")


def load(tmp_path, args, env, tag):
    """Load the programs once; the instructions libbpf sent and the monitor's -v log."""
    dump = tmp_path / f"insns-{tag}.txt"
    env = dict(os.environ, PYXCHECK_TEST_DUMP_INSNS=str(dump), **env)
    cmd = [str(MONITOR), "-v", "-o", os.devnull, *args]
    if args[0] == "--":
        r = run(cmd, env=env)
        assert r.returncode == 0, r.stderr[-3000:]
        return dump.read_text(), r.stderr
    p = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         text=True)
    try:
        lines = []
        for line in p.stderr:
            lines.append(line)
            if "probes attached" in line:
                break
        p.send_signal(signal.SIGINT)
        lines.append(p.stderr.read())
        assert p.wait(timeout=60) == 0, "".join(lines)[-3000:]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return dump.read_text(), "".join(lines)


def kernel_struct_id(name):
    """The id of struct name in the kernel's BTF, by bpftool (a second, independent reader)."""
    out = run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"]).stdout
    ids = re.findall(rf"^\[(\d+)\] STRUCT '{name}' ", out, re.M)
    assert len(ids) == 1, ids
    return int(ids[0])


@needs_root_bpf
@pytest.mark.parametrize("mode", MODES, ids=[m[0] for m in MODES])
def test_extract_relocates_every_program_as_the_kernels_btf_does(tmp_path, mode):
    require_built()
    name, args, env = mode
    extract, log = load(tmp_path, args, env, "extract")
    whole, whole_log = load(tmp_path, args, dict(env, PYXCHECK_TEST_KERNEL_BTF="1"), "whole")
    progs = re.findall(r"^([a-z_0-9]+) \d+$", extract, re.M)
    assert len(progs) >= 8 and "sched_exec" in progs, progs
    assert extract == whole
    # the extract was used, and is small: a few hundred of the kernel's ~100k types
    [(types, kernel, roots)] = TARGET.findall(log)
    assert 0 < int(types) < int(kernel) // 50 and int(roots) >= 25
    assert "CO-RE target" not in whole_log
    # libbpf found each relocated type in the extract, each once
    found = re.findall(r"CO-RE relocating \[\d+\] (\w+ \w+): found target candidate", log)
    assert len(found) >= 25 and len(found) == len(set(found))


@needs_root_bpf
def test_cast_ids_are_the_kernels(tmp_path):
    require_built()
    _, log = load(tmp_path, ["--", "/bin/true"], {}, "ids")
    [(task, regs)] = re.findall(r"kernel BTF ids: task_struct (\d+), pt_regs (\d+)", log)
    assert int(task) == kernel_struct_id("task_struct")
    assert int(regs) == kernel_struct_id("pt_regs")
    # what the cast gives is checked end to end by test_bpf_syscalls.py's uid and cgroup test


@needs_root_bpf
def test_libbpf_takes_the_kernels_btf_parsed_early(tmp_path):
    """libbpf's own parse of the kernel's BTF (for the kfunc) is the one a thread made while the
    skeleton was opened (capture_btf.c, btf__load_vmlinux_btf()): the main thread, which loads
    the object, never opens the kernel's BTF; the walk and the early parse open it once each,
    whether they map it (kernels from 6.16) or read it (before, and PYXCHECK_TEST_NO_BTF_MMAP)."""
    require_built()
    for env in ({}, {"PYXCHECK_TEST_NO_BTF_MMAP": "1"}):
        trace = tmp_path / "strace.txt"
        r = run(["strace", "-f", "-qq", "-e", "trace=openat", "-o", str(trace), str(MONITOR),
                 "-o", os.devnull, "--", "/bin/true"], env=dict(os.environ, **env))
        assert r.returncode == 0, r.stderr[-3000:]
        lines = trace.read_text().splitlines()
        main = lines[0].split()[0]
        opens = [x.split()[0] for x in lines if '"/sys/kernel/btf/vmlinux"' in x]
        assert len(opens) == 2 and main not in opens, (env, lines)
