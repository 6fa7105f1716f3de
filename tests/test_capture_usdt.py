# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""USDT probes attached through uprobe_multi links (user/monitor/capture_usdt.c): one link per
program and binary, a site per stapsdt note at the file offset and semaphore the note gives, each
site's cookie a spec id that libbpf's usdt.bpf.h reads; and the libbpf path (one perf-event uprobe
per site) when PYXCHECK_NO_UPROBE_MULTI=1. docs/architecture.md, "Capture"."""
import os
import re
import subprocess
import time

import pytest

from conftest import LAUNCHER, LIBPYXCHECK, MONITOR, SYSTEM_PYTHON, needs_root_bpf, records, run
from correlate_util import monitor

pytestmark = needs_root_bpf

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")

# the child tells the test it runs (so every probe is attached), waits for the go, opens a file
CHILD = ("import os, sys, time\n"
         "d = sys.argv[1]\n"
         "open(os.path.join(d, 'ready'), 'w').close()\n"
         "while not os.path.exists(os.path.join(d, 'go')):\n"
         "    time.sleep(0.02)\n"
         "open(os.path.join(d, 'target'), 'w').close()\n")


def link_infos(pid):
    """The BPF links a process holds, from /proc/PID/fdinfo (the kernel's own account)."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if "bpf_link" not in os.readlink(f"/proc/{pid}/fd/{fd}"):
                continue
            text = open(f"/proc/{pid}/fdinfo/{fd}").read()
        except OSError:
            continue
        info = dict(re.findall(r"^([a-z_]+):\s+(.*)$", text, re.M))
        # uprobe_multi links list their sites: "cookie offset ref_ctr_offset" rows
        info["sites"] = [(int(c), int(o, 16), int(r, 16))
                         for c, o, r in re.findall(r"^(\d+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)$",
                                                    text, re.M)]
        out.append(info)
    return out


def interpreter_target(name):
    """A uprobe link's target that is the child's interpreter: its file, or the name the monitor
    attached it by (capture_builtin.c: its own /proc/self/fd/N of the child's /proc/PID/exe),
    which a perf uprobe keeps as given."""
    return (name == os.path.realpath(SYSTEM_PYTHON) or
            re.fullmatch(r"/proc/self/fd/\d+|/proc/\d+/exe", name) is not None)


def expected_sites(lib):
    """(file offset, semaphore file offset) of every pyxcheck probe, from readelf."""
    loads = []
    for m in re.finditer(r"^\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+"
                         r"\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x", run(["readelf", "-lW", lib]).stdout,
                         re.M):
        off, vaddr, memsz, flags = (int(m[1], 16), int(m[2], 16), int(m[3], 16), m[4])
        loads.append((vaddr, vaddr + memsz, off, "E" in flags))

    def file_offset(addr, exe):
        [(v, _, o, _)] = [s for s in loads if s[0] <= addr < s[1] and s[3] == exe]
        return addr - v + o

    notes = run(["readelf", "-nW", lib]).stdout
    sites = []
    for m in re.finditer(r"Provider: pyxcheck\s+Name: (\w+)\s+Location: (0x[0-9a-f]+), "
                         r"Base: (0x[0-9a-f]+), Semaphore: (0x[0-9a-f]+)", notes):
        sites.append((m[1], file_offset(int(m[2], 16), True), file_offset(int(m[4], 16), False)))
    assert len(sites) >= 10, notes
    return sites


def run_child(tmp_path, env_extra):
    """pyxcheck -j -- python3 CHILD: the monitor's links while the child runs, and the records."""
    out = tmp_path / "o.jsonl"
    env = dict(os.environ, **env_extra)
    p = subprocess.Popen([str(MONITOR), "-j", "-o", str(out), "--", SYSTEM_PYTHON, "-c", CHILD,
                          str(tmp_path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "ready").exists():
            assert p.poll() is None, p.communicate()
            assert time.monotonic() < deadline, "the child never ran"
            time.sleep(0.02)
        links = link_infos(p.pid)
        (tmp_path / "go").write_text("")
        _, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err
    return links, records(out)


def opened_target(recs, tmp_path):
    """The child's open of its target is an audit record with the right path, matched."""
    target = str(tmp_path / "target")
    opens = [r for r in recs if r["type"] == "audit" and r["event"] == "open"
             and r["args"]["path"] == target]
    assert len(opens) == 1, [r for r in recs if r["type"] == "audit"][-5:]
    assert opens[0]["verdict"] == "matched"
    assert [s["args"]["filename"] for s in opens[0]["syscalls"]] == [target]


def test_hook_probes_attach_as_uprobe_multi_links(tmp_path):
    links, recs = run_child(tmp_path, {})
    binaries = [os.path.realpath(LIBPYXCHECK), os.path.realpath(LAUNCHER)]
    # The monitor attaches CPython's own python:audit probe to a Python at its exec (a blind
    # spot suspect) and asks its worker thread to detach it at the first hook event: under load
    # that link can still be there when the links are read (CI run b of the ninth stop). It is
    # scoped to the child's pid and to the interpreter, never to the hook's binaries.
    early = [x for x in links if x["link_type"] == "uprobe_multi" and x["path"] not in binaries]
    assert all(x["pid"] != "0" and interpreter_target(x["path"]) for x in early), early
    multi = [x for x in links if x["link_type"] == "uprobe_multi" and x["path"] in binaries]
    assert all(x["pid"] == "0" for x in multi)  # every process that maps the binary
    # the library and the launcher: usdt_hook for hook_start and hook_stop, and usdt_audit for
    # every category
    assert sorted(x["path"] for x in multi) == sorted(binaries * 2)
    for path in binaries:
        want = expected_sites(path)
        got = [s for x in multi if x["path"] == path for s in x["sites"]]
        assert sum(int(x["uprobe_cnt"]) for x in multi if x["path"] == path) == len(want)
        assert sorted((o, r) for _, o, r in got) == sorted((o, r) for _, o, r in want)
        # a spec id per distinct (arguments, category): hook_start and hook_stop differ from
        # each other and from every category's; the categories differ by their cookie
        assert len({c for c, _, _ in got}) == len({n for n, _, _ in want})
    # no perf event is left: the rest are raw tracepoints (sys_enter/exit, sched, io_uring)
    assert {x["link_type"] for x in links} == {"uprobe_multi", "raw_tracepoint"}
    opened_target(recs, tmp_path)
    [start] = [r for r in recs if r["type"] == "lifecycle" and r["event"] == "hook_start"]
    assert start["status"] == "installed"  # hook_start read its four arguments


def test_libbpf_path_without_uprobe_multi(tmp_path):
    links, recs = run_child(tmp_path, {"PYXCHECK_NO_UPROBE_MULTI": "1"})
    assert [x for x in links if x["link_type"] == "uprobe_multi"] == []
    binaries = [os.path.realpath(LIBPYXCHECK), os.path.realpath(LAUNCHER)]
    uprobes = [x for x in links if x.get("event_type") == "uprobe"]
    # a blind-spot suspect's python:audit probe still being detached (as above) is the
    # interpreter's, never the hook's binaries'
    early = [x for x in uprobes if x.get("name") not in binaries]
    assert all(interpreter_target(x.get("name", "")) for x in early), early
    uprobes = [x for x in uprobes if x.get("name") in binaries]
    assert len(uprobes) == sum(len(expected_sites(os.path.realpath(p)))
                               for p in (LIBPYXCHECK, LAUNCHER))
    opened_target(recs, tmp_path)


@pytest.mark.parametrize("multi", [True, False], ids=["uprobe_multi", "libbpf"])
def test_blind_spot_builtin_probe(tmp_path, multi):
    """CPython's own python:audit probe, attached to one blind process by pid, names its events
    either way."""
    env = dict(os.environ, **({} if multi else {"PYXCHECK_NO_UPROBE_MULTI": "1"}))
    recs = monitor(SYSTEM_PYTHON, os.path.join(CORPUS, "evasion", "env_i_child.py"), tmp_path,
                   tmp_path / "o.jsonl", env=env)
    [b] = [r for r in recs if r["type"] == "blind-spot"]
    assert "os.listdir" in b["builtin_events"] and b["builtin_count"] >= 1
