# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The suite itself: the same tests on every machine, whichever interpreters it has. A pyenv
CPython that is absent is one skip that names it, never a test that disappears; and `make test`'s
serial pass holds exactly the tests marked `serial`."""
import os
import re

from conftest import ASAN_RUNTIME, ROOT, SYSTEM_PYTHON, run

# a pytest of our own, not one more xdist worker (conftest.py copies the build for those)
ENV = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")}


def collect(*extra, env=ENV):
    r = run([SYSTEM_PYTHON, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             *extra, str(ROOT / "tests")], env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return [line for line in r.stdout.splitlines() if "::" in line]


def test_test_ids_do_not_depend_on_installed_interpreters(tmp_path):
    here = collect()
    bare = collect(env=dict(ENV, PYX_PYENV_VERSIONS=str(tmp_path)))
    assert here == bare
    # the matrix is there by name, pre-audit versions included
    for v in ("3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"):
        assert any(f"[pyenv-{v}" in t or f"-pyenv-{v}]" in t for t in bare), v


def test_absent_interpreter_is_a_skip_that_names_it(tmp_path):
    r = run([SYSTEM_PYTHON, "-m", "pytest", "-rs", "-q", "-p", "no:cacheprovider",
             str(ROOT / "tests" / "test_hook_safety.py"), "-k", "pyenv-3.12"],
            env=dict(ENV, PYX_PYENV_VERSIONS=str(tmp_path)), cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:]
    skips = re.findall(r"^SKIPPED \[\d+\] .*$", r.stdout, re.M)
    assert skips and all("pyenv python 3.12 not installed" in s for s in skips), r.stdout
    assert " passed" not in r.stdout


def test_serial_marker_selects_the_serial_tests():
    serial = collect("-m", "serial")
    assert len(serial) == 22, serial
    assert sum("test_robust_stress.py" in t for t in serial) == 4
    # the program-list test runs once per syscall-program mode (shared tp_sys_*, per-row)
    assert sum("test_programs_loaded_while_attached_and_gone_after" in t for t in serial) == 2


PROBE = '''
import subprocess


def test_probe():
    child = subprocess.run(["cat", "/proc/self/maps"], capture_output=True, text=True).stdout
    with open("probe.txt", "w") as f:
        f.write("worker_asan=%s child_asan=%s"
                % ("libasan" in open("/proc/self/maps").read(), "libasan" in child))
'''


def test_sanitized_run_preloads_the_children_and_not_the_xdist_workers(tmp_path):
    """Under `make test SANITIZE=1` every child gets gcc's ASan runtime (conftest.py), but the
    pytest-xdist worker itself must not: a worker with the runtime preloaded, whose tests ran in
    a thread other than its main one, died at its end with "AddressSanitizer failed to deallocate
    ... unable to unmap" (on thread exit the runtime unmaps the alternate signal stack that
    pytest's faulthandler had allocated with malloc in that thread)."""
    asan = run(["cc", "-print-file-name=libasan.so"]).stdout.strip()
    assert os.path.isabs(asan) and os.path.exists(asan), f"gcc's libasan.so not found: {asan!r}"
    (tmp_path / "test_probe.py").write_text(PROBE)
    # a pytest started as a sanitized run's would be
    env = dict(ENV, PYX_ASAN_RUNTIME=asan, PYX_BUILD=str(tmp_path / "no-build"),
               PYTHONPATH=str(ROOT / "tests"), ASAN_OPTIONS="detect_leaks=0")
    env.pop("LD_PRELOAD", None)
    if ASAN_RUNTIME:  # this test runs under SANITIZE=1: its conftest.py must not preload that one
        env["PYX_NO_ASAN_PRELOAD"] = "1"
    r = run([SYSTEM_PYTHON, "-m", "pytest", "-n", "1", "-q", "-p", "no:cacheprovider",
             "-p", "conftest", str(tmp_path / "test_probe.py")],
            env=env, cwd=tmp_path, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert (tmp_path / "probe.txt").read_text() == "worker_asan=False child_asan=True"
    assert "AddressSanitizer" not in out, out[-3000:]
