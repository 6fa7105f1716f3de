# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The three deliveries of the hook, each in a subprocess: import, .pth through site (in a
throwaway venv), LD_PRELOAD (also with -I and -S), the launcher; one hook whatever the number of
deliveries; a veto reported; non-Python programs and Pythons without audit hooks unaffected."""
import os
import subprocess

import pytest

from conftest import (ASAN_RUNTIME, BUILD, LAUNCHER, LIBPYXCHECK, PRE_AUDIT_PYTHONS, PYTHONS, ROOT, SYSTEM_PYTHON,
                      run)

# Prints what the module reports: installed, delivery, installs(), selftests().
REPORT = ("import sys; sys.path.insert(0, %r); import pyxcheck as m; "
          "print(m.installed, m.delivery, m.installs(), m.selftests())" % str(BUILD))


def preload_env(**extra):
    env = dict(os.environ, LD_PRELOAD=str(LIBPYXCHECK))
    env.update(extra)
    return env


def clean_env():
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


@pytest.mark.parametrize("python", PYTHONS)
def test_import_installs_and_verifies(build, python):
    r = run([python, "-c", REPORT], env=clean_env())
    assert (r.returncode, r.stdout, r.stderr) == (0, "True import 1 1\n", "")


@pytest.mark.parametrize("flags", [[], ["-I"], ["-S"], ["-I", "-S"]], ids=["plain", "I", "S", "IS"])
@pytest.mark.parametrize("python", PYTHONS)
def test_preload_installs_before_initialize(build, python, flags):
    # selftests 0: installed before Py_Initialize, when no other hook can exist to veto it.
    # The import then finds the preloaded state and adds nothing.
    r = run([python] + flags + ["-c", REPORT], env=preload_env())
    assert (r.returncode, r.stdout, r.stderr) == (0, "True preload 1 0\n", "")


def test_launcher_installs_and_runs_like_python(build):
    r = run([str(LAUNCHER), "-c", REPORT], env=clean_env())
    assert (r.returncode, r.stdout, r.stderr) == (0, "True launcher 1 1\n", "")
    r = run([str(LAUNCHER), "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "a", "b"])
    assert (r.returncode, r.stdout) == (3, "['a', 'b']\n")
    r = run([str(LAUNCHER), "-m", "json.tool"], input='{"a": 1}')
    assert (r.returncode, r.stdout) == (0, '{\n    "a": 1\n}\n')
    r = run([str(LAUNCHER), "-"], input="print(6 * 7)\n")
    assert (r.returncode, r.stdout) == (0, "42\n")


def test_launcher_reads_nothing_from_the_environment(build, tmp_path):
    startup = tmp_path / "startup.py"
    startup.write_text("print('STARTUP RAN')\n")
    (tmp_path / "evil.py").write_text("print('EVIL IMPORTED')\n")
    env = dict(clean_env(), PYTHONPATH=str(tmp_path), PYTHONSTARTUP=str(startup),
               PYTHONHOME="/nonexistent", PYTHONINSPECT="1", PYTHONVERBOSE="1")
    r = run([str(LAUNCHER), "-c", "import sys; print(sys.flags.isolated, "
             "sys.flags.ignore_environment, %r in sys.path, sys.prefix)" % str(tmp_path)],
            env=env, input="")
    assert (r.returncode, r.stdout, r.stderr) == (0, "1 1 False /usr\n", "")
    r = run([str(LAUNCHER), "-c", "import evil"], env=env, cwd=str(tmp_path), input="")
    assert r.returncode == 1 and "ModuleNotFoundError" in r.stderr and "EVIL" not in r.stdout


def test_launcher_with_preloaded_library_has_one_hook(build):
    # The preload constructor runs first and finds the launcher's exported state.
    r = run([str(LAUNCHER), "-c", REPORT], env=preload_env())
    assert (r.returncode, r.stdout, r.stderr) == (0, "True preload 1 0\n", "")


@pytest.mark.parametrize("python", PYTHONS)
def test_veto_is_reported(build, python):
    for exc in ("RuntimeError", "ValueError"):  # silent veto, and PySys_AddAuditHook failing
        code = ("import sys\n"
                "def veto(ev, args):\n"
                "    if ev == 'sys.addaudithook': raise %s('no hooks')\n"
                "sys.addaudithook(veto)\n" % exc + REPORT.replace("; ", "\n"))
        r = run([python, "-c", code], env=clean_env())
        assert (r.returncode, r.stdout) == (0, "False none 0 0\n"), (exc, r.stderr)
        assert r.stderr == ("pyxcheck: an existing audit hook refused ours; "
                            "this process is not monitored\n"), exc


def test_pth_install_and_uninstall_in_a_venv(build, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    py = str(venv / "bin" / "python")
    site = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"]
               ).stdout.strip()
    suffix = run([py, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"]
                 ).stdout.strip()
    before = sorted(os.listdir(site))
    make = ["make", "-s", "-C", str(ROOT), "BUILD=" + str(BUILD), "PYTHON=" + py]
    r = run(make + ["install-hook"])
    assert r.returncode == 0, r.stderr
    assert open(os.path.join(site, "pyxcheck.pth")).read() == "import pyxcheck\n"
    assert os.readlink(os.path.join(site, "pyxcheck" + suffix)) == str(LIBPYXCHECK)
    # Loaded through site at start-up, before the program runs a line.
    r = run([py, "-c", "import sys; m = sys.modules['pyxcheck']; print(m.installed, m.delivery)"],
            env=clean_env())
    assert (r.returncode, r.stdout, r.stderr) == (0, "True import\n", "")
    r = run(make + ["uninstall-hook"])
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(site)) == before
    r = run([py, "-c", "import sys; print('pyxcheck' in sys.modules)"], env=clean_env())
    assert r.stdout == "False\n"


@pytest.mark.parametrize("bad,message", [
    ("/bin/ls", "is not a usable Python 3.8+"),
    ("/nonexistent/python", "no such program"),
])
def test_install_hook_refuses_a_non_python(build, bad, message):
    r = run(["make", "-s", "-C", str(ROOT), "BUILD=" + str(BUILD), "PYTHON=" + bad, "install-hook"])
    assert r.returncode != 0 and message in r.stderr, r.stderr


@pytest.mark.parametrize("python", PRE_AUDIT_PYTHONS)
def test_install_hook_refuses_python_without_audit_hooks(build, python):
    r = run(["make", "-s", "-C", str(ROOT), "BUILD=" + str(BUILD), "PYTHON=" + python,
             "install-hook"])
    assert r.returncode != 0 and "audit hooks need CPython >= 3.8" in r.stderr, r.stderr


@pytest.mark.parametrize("cmd", [
    # a directory nothing changes while tests run: "/" lists /proc, whose link count is the
    # number of processes on the machine, different from one run to the next
    ["/bin/ls", "-la", str(ROOT / "include")],
    ["/bin/ls", "/nonexistent"],
    ["/bin/sh", "-c", "echo out; echo err >&2; exit 7"],
    ["/usr/bin/env"],
], ids=["ls", "ls-error", "sh", "env"])
def test_non_python_program_is_unaffected(build, cmd):
    plain = run(cmd, env=dict(clean_env(), LD_PRELOAD=""))
    hooked = run(cmd, env=preload_env())
    if cmd == ["/usr/bin/env"]:
        # Under `make test SANITIZE=1` conftest puts the ASan runtime first in every child's
        # LD_PRELOAD: the plain run then has it alone, the hooked run has it before the hook.
        pre = ASAN_RUNTIME + ":" if ASAN_RUNTIME else ""
        assert sorted(hooked.stdout.splitlines()) == sorted(
            plain.stdout.replace("LD_PRELOAD=%s\n" % pre.rstrip(":"),
                                 "LD_PRELOAD=%s%s\n" % (pre, LIBPYXCHECK)).splitlines())
    else:
        assert hooked.stdout == plain.stdout
    assert (hooked.returncode, hooked.stderr) == (plain.returncode, plain.stderr)


@pytest.mark.parametrize("python", PRE_AUDIT_PYTHONS)
def test_python_without_audit_hooks_is_unaffected(build, python):
    code = ("import sys; print(sys.version_info[:2], hasattr(sys, 'audit')); "
            "open('/dev/null').close()")
    plain = run([python, "-c", code], env=clean_env())
    hooked = run([python, "-c", code], env=preload_env())
    assert plain.returncode == 0 and plain.stdout.endswith("False\n")
    assert (hooked.returncode, hooked.stdout, hooked.stderr) == \
        (plain.returncode, plain.stdout, plain.stderr)
