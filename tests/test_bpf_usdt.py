# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The kernel side's USDT programs, "all" mode, loss accounting and the loader's error paths,
through build/tests/pyx-bpfdrv."""
import os
import tempfile

import pytest

from conftest import BUILD, LIBPYXCHECK, ROOT, needs_root_bpf, run, serial
from conftest import stdout_records as records

DRV = BUILD / "tests" / "pyx-bpfdrv"
PY = "/usr/bin/python3"
PYX_MAGIC = 0x5850


def drv(args, **kw):
    if not DRV.exists():
        pytest.fail(f"{DRV} is missing: run `make` first")
    return run([str(DRV)] + args, **kw)


def child_pid(r):
    """The command's pid, which pyx-bpfdrv prints first on stderr."""
    first = r.stderr.splitlines()[0]
    assert first.startswith("child: ")
    return int(first.split()[1])


def hooked(code):
    if not LIBPYXCHECK.exists():
        pytest.fail(f"{LIBPYXCHECK} is missing: run `make` first")
    return ["env", "LD_PRELOAD=" + str(LIBPYXCHECK), PY, "-I", "-c", code]


def event_id(name):
    """Row index of an event in include/audit_events.def."""
    rows = [line.split('"')[1] for line in open(ROOT / "include" / "audit_events.def")
            if line.startswith("PYX_EVENT(")]
    return rows.index(name)


@needs_root_bpf
@pytest.mark.parametrize("all_mode", [False, True], ids=["pid", "all"])
def test_audit_records_from_hook(all_mode):
    with tempfile.TemporaryDirectory(prefix="pyx-usdt-") as d:
        code = "open(%r, 'w').close()" % os.path.join(d, "f")
        args = ["--hook", str(LIBPYXCHECK)] + (["--all"] if all_mode else [])
        r = drv(args + ["--"] + hooked(code), timeout=60)
    assert r.returncode == 0, r.stderr
    recs = records(r.stdout)
    # "all" mode also shows hooked processes of anyone else on the machine: keep our own
    py = [x for x in recs if x["pid"] == child_pid(r)]
    starts = [x for x in py if x["type"] == "lifecycle" and x["kind"] == 1]
    assert len(starts) == 1 and starts[0]["status"] == 0 and starts[0]["delivery"] == 1
    audits = [x for x in py if x["type"] == "audit"]
    assert audits
    for a in audits:
        # copied whole, header intact, ids agree, seq counts up from 1
        assert a["flags"] == 0 and a["payload_len"] == a["claimed_len"] == a["pl_len"]
        assert a["magic"] == PYX_MAGIC and a["pl_event_id"] == a["event_id"]
    assert [a["seq"] for a in audits] == list(range(1, len(audits) + 1))
    opens = [a for a in audits if a["event_id"] == event_id("open")]
    assert opens and all(a["category"] == 0 for a in opens)  # PYX_CAT_FILE
    # syscalls of the hooked process are there in both modes (in "all" mode it joined by probe)
    assert [x for x in py if x["type"] == "syscall" and x["syscall"] == "openat"
            and x["args"]["filename"].endswith("/f")]


@needs_root_bpf
def test_all_mode_ignores_unhooked_processes():
    r = drv(["--hook", str(LIBPYXCHECK), "--all", "--", PY, "-I", "-c",
             "open('/dev/null').close()"], timeout=60)
    assert r.returncode == 0, r.stderr
    assert [x for x in records(r.stdout) if x["pid"] == child_pid(r)] == []


@needs_root_bpf
def test_category_probes_only_when_asked():
    """No hook path: nothing attached to the hook, so a hooked process gives no audit record."""
    r = drv(["--", *hooked("open('/dev/null').close()")], timeout=60)
    assert r.returncode == 0, r.stderr
    recs = records(r.stdout)
    assert [x for x in recs if x["type"] == "syscall"]
    assert not [x for x in recs if x["type"] in ("audit", "lifecycle")]


@needs_root_bpf
@serial  # the losses come from a stalled reader racing a busy writer: timing
def test_losses_counted_and_reported_in_band():
    code = ("import os, time\nend = time.monotonic() + 2\nwhile time.monotonic() < end:\n"
            "    try: os.unlink('/nonexistent/pyx-loss')\n    except OSError: pass\n")
    # without the fair share, which would throttle this lone flooding uid before the ring fills
    r = drv(["--ringbuf", "4096", "--stall-ms", "700", "--no-fair-share", "--", PY, "-I", "-c",
             code], timeout=60)
    assert r.returncode == 0, r.stderr
    lost = [int(x) for x in r.stderr.splitlines()[-1].split()[1:]]
    assert lost[1] > 0
    inband = [x for x in records(r.stdout) if x["type"] == "lost"]
    assert inband and {x["stream"] for x in inband} <= {0, 1, 2}
    assert 0 < sum(x["count"] for x in inband if x["stream"] == 1) <= lost[1]


def test_error_not_root():
    if not DRV.exists():
        pytest.fail(f"{DRV} is missing: run `make` first")
    drop = [] if os.geteuid() else ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    r = run(drop + [str(DRV), "--", "/bin/true"], timeout=60)
    assert r.returncode == 1
    assert r.stderr == "failed to load BPF programs: permission denied (run as root)\n"


@needs_root_bpf
def test_error_missing_hook():
    r = drv(["--hook", "/nonexistent/libpyxcheck.so", "--", "/bin/true"], timeout=60)
    assert r.returncode == 1
    assert r.stderr == ("failed to attach to the hook: /nonexistent/libpyxcheck.so: "
                        "No such file or directory (build it with make)\n")


@needs_root_bpf
def test_error_bad_ringbuf_size():
    r = drv(["--ringbuf", "5000", "--", "/bin/true"], timeout=60)
    assert r.returncode == 1
    assert r.stderr.startswith("failed to set ring buffer size 5000: must be a power of two")
