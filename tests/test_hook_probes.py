# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The hook's USDT notes and probe sites, in build/libpyxcheck.so and build/pyxcheck-python:
standard stapsdt notes (provider pyxcheck, one probe per category plus hook_start/hook_stop), a
non-zero semaphore per category inside the 16-byte aligned .probes array, compiled without a red
zone. Every probe has a 5-byte nop site (0f 1f 44 00 00), the one the hook uses, and all but
hook_start a second, classic 1-byte nop site (90) that forked children use when the kernel did
not give them the parent's uprobe trampoline (see user/hook/hook.c); both share the probe's
semaphore. hook_start has no such site: a forked child inherits the parent's start and never
fires it."""
import re

import pytest

from conftest import BUILD, LAUNCHER, LIBPYXCHECK, run

CATEGORIES = ["file", "network", "process", "ffi", "code", "import", "runtime", "other"]
ARGS = {c: r"4@\S+ 8@\S+ 4@\S+" for c in CATEGORIES}
ARGS["hook_start"] = r"4@\S+ 4@\S+ 4@\S+ -4@\S+"
ARGS["hook_stop"] = r"4@\S+ 8@\S+ 8@\S+"
BINARIES = [pytest.param(LIBPYXCHECK, id="libpyxcheck.so"), pytest.param(LAUNCHER, id="launcher")]


def sites(path):
    """{(provider, name): [(location, semaphore, arguments), ...]} from readelf -n."""
    r = run(["readelf", "-n", "--wide", str(path)])
    assert r.returncode == 0, r.stderr
    out = {}
    for m in re.finditer(r"Provider: (\S+)\s+Name: (\S+)\s+Location: (0x[0-9a-f]+), "
                         r"Base: (0x[0-9a-f]+), Semaphore: (0x[0-9a-f]+)\s+Arguments: ([^\n]*)",
                         r.stdout):
        prov, name, loc, _, sem, args = m.groups()
        out.setdefault((prov, name), []).append((int(loc, 16), int(sem, 16), args.strip()))
    return out


def notes(path):
    out = {}
    for key, lst in sites(path).items():
        want = 1 if key == ("pyxcheck", "hook_start") else 2
        assert len(lst) == want, f"probe {key} has {len(lst)} sites in {path}, want {want}"
        assert lst[0][1] == lst[-1][1], f"probe {key}: two semaphores"
        out[key] = lst[0]
    return out


def section(path, name):
    r = run(["readelf", "-S", "--wide", str(path)])
    m = re.search(r"\] " + re.escape(name) + r"\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)",
                  r.stdout)
    assert m, f"no {name} section in {path}"
    return int(m.group(1), 16), int(m.group(2), 16)


@pytest.mark.parametrize("path", BINARIES)
def test_notes_and_semaphores(build, path):
    n = notes(path)
    assert sorted(name for prov, name in n if prov == "pyxcheck") == \
        sorted(CATEGORIES + ["hook_start", "hook_stop"])
    assert all(prov == "pyxcheck" for prov, _ in n)
    base, size = section(path, ".probes")
    assert base % 16 == 0
    for i, cat in enumerate(CATEGORIES):
        loc, sem, args = n[("pyxcheck", cat)]
        # Categories first, in enum order: the fast path's two 8-byte words.
        assert sem == base + 2 * i, cat
        assert re.fullmatch(ARGS[cat], args), (cat, args)
    for lc in ("hook_start", "hook_stop"):
        assert re.fullmatch(ARGS[lc], n[("pyxcheck", lc)][2]), lc
        assert base <= n[("pyxcheck", lc)][1] < base + size


def insn_at(path, loc):
    r = run(["objdump", "-d", "--start-address=%#x" % loc, "--stop-address=%#x" % (loc + 5),
             str(path)])
    m = re.search(r"^\s*%x:\s+((?:[0-9a-f]{2} )+)" % loc, r.stdout, re.M)
    assert m, r.stdout
    return m.group(1).strip()


@pytest.mark.parametrize("path", BINARIES)
def test_every_probe_has_one_5_byte_nop_and_one_1_byte_nop(build, path):
    found = sites(path)
    assert len(found) == 10
    for (prov, name), lst in found.items():
        kinds = sorted(insn_at(path, loc) for loc, _, _ in lst)
        want = ["0f 1f 44 00 00"] if name == "hook_start" else ["0f 1f 44 00 00", "90"]
        assert kinds == want, (name, kinds)


def test_probe_sites_compiled_without_red_zone(build):
    r = run(["readelf", "--debug-dump=info", str(BUILD / "hook" / "probes.o")])
    producers = re.findall(r"DW_AT_producer\s*:.*?: (.*)", r.stdout)
    assert producers and all("-mno-red-zone" in p for p in producers), producers


def test_library_has_no_python_dependency(build):
    r = run(["readelf", "-d", str(LIBPYXCHECK)])
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", r.stdout)
    assert not [n for n in needed if "python" in n], needed
    r = run(["nm", "-D", "--undefined-only", str(LIBPYXCHECK)])
    assert not re.search(r"\bPy|_Py", r.stdout), r.stdout
