# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Shared fixtures for the pyxcheck test suite (run with Debian's /usr/bin/python3 -m pytest).

Conventions every test file follows:
  * paths of built artefacts come from BUILD (the Makefile passes PYX_BUILD; each pytest-xdist
    worker gets its own copy, see _worker_build);
  * a test that needs root and BPF is marked `needs_root_bpf` and is reported as
    "skipped: needs root and BPF" elsewhere, never silently green;
  * hooks cannot be removed from an interpreter, so every hooked Python runs in a subprocess;
  * the interpreter matrix is PYTHONS: Debian's /usr/bin/python3 plus every pyenv CPython >= 3.8;
    an interpreter that is absent is a skip that names it, so the test count is the same on every
    machine;
  * `make test` runs the suite in parallel (pytest-xdist, -n $(nproc)), then the tests marked
    `serial` alone, one at a time: those that load the machine on purpose (stress), whose result
    depends on timing, or that look at machine-wide BPF state. A test that cannot share the
    machine with the others gets `@serial`.
"""
import atexit
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _worker_build(build):
    """Under pytest-xdist, this worker's own copy of the build (fuzz targets shared).

    USDT probes are attached by the library file (its inode) for every process, and a probe's
    semaphore is set in every process that maps it: a tap or a monitor of one worker would record
    the other worker's hooked Pythons and change what their hooks emit. Real copies (not links)
    of libpyxcheck.so, the launcher and the forge give each worker probes of its own. Timestamps
    are kept, so `make BUILD=<copy> install-hook` finds the copy up to date.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not (build / "libpyxcheck.so").exists():
        return build
    dst = Path(tempfile.mkdtemp(prefix=f"pyx-build-{worker}-")) / build.name
    shutil.copytree(build, dst, symlinks=True,
                    ignore=lambda d, names: ["fuzz"] if Path(d) == build else [])
    if (build / "fuzz").exists():
        (dst / "fuzz").symlink_to(build / "fuzz")
    atexit.register(shutil.rmtree, dst.parent, ignore_errors=True)
    os.environ["PYX_BUILD"] = str(dst)
    return dst


BUILD = _worker_build(Path(os.environ.get("PYX_BUILD", ROOT / "build")).resolve())
LIBPYXCHECK = BUILD / "libpyxcheck.so"
LAUNCHER = BUILD / "pyxcheck-python"
MONITOR = BUILD / "pyxcheck"
# The audit events table of the CPython docs (Doc/library/audit_events.rst, "Audit events table"),
# one row per event: the catalogue is checked against it. Kept in the repository so a clone
# stands alone.
SEED_TSV = ROOT / "tests" / "data" / "audit-events.tsv"
# PYX_PYENV_VERSIONS: another pyenv folder (tests/test_suite_shape.py points it at an empty one).
PYENV = Path(os.environ.get("PYX_PYENV_VERSIONS", "/root/.pyenv/versions"))
SYSTEM_PYTHON = "/usr/bin/python3"

# The matrix the issues name. Versions are listed so that an absent one is reported by name.
PYENV_AUDIT_VERSIONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
PYENV_PRE_AUDIT_VERSIONS = ["3.6", "3.7"]  # no PEP 578: the hook must stay inert there


def pyenv_python(minor):
    """Path of the pyenv interpreter for '3.X', or None when it is not installed."""
    for d in sorted(glob.glob(str(PYENV / (minor + ".*")))):
        if re.fullmatch(re.escape(minor) + r"\.\d+", os.path.basename(d)):
            exe = Path(d) / "bin" / ("python" + minor)
            if exe.exists():
                return str(exe)
    return None


def _matrix(versions):
    params = []
    for v in versions:
        exe = pyenv_python(v)
        marks = [] if exe else [pytest.mark.skip(reason=f"skipped: pyenv python {v} not installed")]
        params.append(pytest.param(exe or f"<absent python{v}>", id=f"pyenv-{v}", marks=marks))
    return params


# Every CPython with audit hooks that this machine has, Debian's first.
PYTHONS = [pytest.param(SYSTEM_PYTHON, id="debian-python3")] + _matrix(PYENV_AUDIT_VERSIONS)
PRE_AUDIT_PYTHONS = _matrix(PYENV_PRE_AUDIT_VERSIONS)


def have_root_bpf():
    return os.geteuid() == 0 and os.path.exists("/sys/kernel/btf/vmlinux")


needs_root_bpf = pytest.mark.skipif(not have_root_bpf(), reason="skipped: needs root and BPF")
serial = pytest.mark.serial


def pytest_configure(config):
    config.addinivalue_line("markers", "serial: run alone, after the parallel part of `make test` "
                            "(stress, timing, machine-wide BPF state)")
    # pytest-xdist's own (declared again for runs with -p no:xdist): `make test` runs with
    # --dist loadgroup, and the tests of one group on one worker share a module-scoped fixture
    config.addinivalue_line("markers", "xdist_group(name): run on the same pytest-xdist worker")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    # Under SANITIZE=1 the processes this pytest starts get the ASan runtime from here on
    # (_asan_first below), except pytest-xdist's workers when this is their controller (whose
    # "dsession" starts them after this). A worker is an uninstrumented CPython that needs no
    # runtime; with it, a worker died at its end with "AddressSanitizer failed to deallocate ...
    # unable to unmap" when execnet had run its tests in a thread other than the main one: on
    # thread exit the runtime unmaps the thread's alternate signal stack as if it were its own,
    # and there it is the one pytest's faulthandler plugin set up with a malloc'd buffer: munmap
    # of a heap address fails (EINVAL), a CHECK failure. The workers' own children get it.
    if ASAN_RUNTIME and not session.config.pluginmanager.has_plugin("dsession"):
        _asan_first(os.environ)


def run(cmd, **kw):
    """subprocess.run with text output captured and a timeout, so no test can hang."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 120)
    return subprocess.run(cmd, **kw)


@pytest.fixture(scope="session")
def build():
    if not LIBPYXCHECK.exists():
        pytest.fail(f"{LIBPYXCHECK} is missing: run `make` first")
    return BUILD


# --- `make test SANITIZE=1` (tests/robust.mk) -------------------------------------------------
# The hook and the test extensions are then built with ASan, and a Python that loads them needs
# the ASan runtime first in LD_PRELOAD (CPython itself is not instrumented). robust.mk exports
# PYX_ASAN_RUNTIME (and ASAN_OPTIONS: no leak reports, CPython leaks by design; link order not
# verified, because `pyxcheck -- CMD` prepends the hook to LD_PRELOAD). Here every child process
# gets the runtime first in LD_PRELOAD, also when a test passes its own env: tests need not know.
# A program with its own, different ASan runtime (the clang-built fuzz targets) must not get it:
# its env says PYX_NO_ASAN_PRELOAD=1.
ASAN_RUNTIME = os.environ.get("PYX_ASAN_RUNTIME")


def _asan_first(env):
    rest = [p for p in re.split(r"[: ]", env.get("LD_PRELOAD", "")) if p and p != ASAN_RUNTIME]
    if env.pop("PYX_NO_ASAN_PRELOAD", None):
        env["LD_PRELOAD"] = ":".join(rest)
        return env
    env["LD_PRELOAD"] = ":".join([ASAN_RUNTIME] + rest)
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if var in os.environ:
            env.setdefault(var, os.environ[var])
    return env


if ASAN_RUNTIME:
    _popen_init = subprocess.Popen.__init__

    def _popen_init_asan(self, *args, **kw):
        if kw.get("env") is not None:
            kw["env"] = _asan_first(dict(kw["env"]))
        _popen_init(self, *args, **kw)

    subprocess.Popen.__init__ = _popen_init_asan


# Warnings the monitor prints at start on some machines, whatever it monitors: on a kernel that
# runs 32-bit syscalls, the gap they leave (docs/correlation.md). Tests that count stderr lines
# look at the rest.
STARTUP_WARNINGS = ("pyxcheck: warning: this kernel runs 32-bit syscalls",)


def without_startup_warnings(err):
    """stderr of a monitor run without the start-up warnings above."""
    return "".join(x for x in err.splitlines(True) if not x.startswith(STARTUP_WARNINGS))


# --- shared by the tests that run the monitor -------------------------------------------------
from pyxjson import plain  # noqa: E402  (tests/ is on sys.path: this file's directory)


def require_built():
    """Fail (not skip) when the monitor or the hook has not been built."""
    for p in (MONITOR, LIBPYXCHECK):
        if not p.exists():
            pytest.fail(f"{p} is missing: run `make` first")


def wait_for(pred, what, timeout=60):
    """Poll pred until it returns a true value (returned) or fail the test after timeout s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def records(path):
    """The JSON Lines of a finished output file: every line complete; typed argument values
    (schema 2) as bare ones (pyxjson.plain)."""
    data = Path(path).read_bytes().decode("utf-8")
    assert data.endswith("\n") or not data
    return [plain(json.loads(line)) for line in data.split("\n")[:-1]]


def live_records(path):
    """The complete JSON Lines of an output file that a running monitor is still writing (as
    records() does)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [plain(json.loads(line)) for line in text.splitlines(keepends=True)
            if line.endswith("\n")]


def stdout_records(stdout):
    """The JSON records among a tool's stdout lines."""
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
