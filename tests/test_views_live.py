# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The live view (issue 12, docs/views.md "Live view"): the human output in time order on a
multi-process workload, lines cut to COLUMNS without ever cutting the event or syscall name or the
verdict, --skip-startup, --findings on an evasion corpus script, -e with correlation kept, and the
-n / -u / --python-only filters."""
import json
import os
import re

import pytest

from conftest import LIBPYXCHECK, MONITOR, ROOT, SYSTEM_PYTHON, needs_root_bpf, run

pytestmark = needs_root_bpf

CORPUS = ROOT / "tests" / "corpus" / "evasion"

# TIME PID[/TID] COMM T REST: COMM is 15 columns, escaped, and may hold spaces
LINE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{6}) +(\d+)(?:/(\d+))? (.{15}) (.) (.*)$")
SYSCALLS = set(re.findall(r"X\((\w+), \d+,", (ROOT / "include" / "pyxcheck_syscall.h")
                          .read_text()))
EVENTS = set(re.findall(r'^PYX_EVENT\(\w+, +"([^"]+)"', (ROOT / "include" / "audit_events.def")
                        .read_text(), re.M))
VERDICT = r"(?:  \[(?:matched|no-syscall|mismatch|indeterminate|changed)|  UNAUDITED)"

WORKLOAD = r'''
import os, subprocess, sys, threading
work = sys.argv[1]
open(os.path.join(work, "first-%s.txt" % ("x" * 100)), "w").close()
def in_thread():
    open(os.path.join(work, "from-thread.txt"), "w").close()
t = threading.Thread(target=in_thread)
t.start()
t.join()
subprocess.run(["/bin/true"], check=True)
subprocess.run([sys.executable, "-c", "open(%r, 'w').close()" % os.path.join(work, "child.txt")],
               check=True)
subprocess.run(["/bin/true"], check=True, user=65534)
import ctypes
libc = ctypes.CDLL(None)
p = os.path.join(work, "dropped-%s.txt" % ("y" * 100)).encode()
fd = libc.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
libc.close(fd)
libc.unlink(p)
open(os.path.join(work, "last.txt"), "w").close()
'''


@pytest.fixture(scope="module", autouse=True)
def built():
    for p in (MONITOR, LIBPYXCHECK):
        if not p.exists():
            pytest.fail(f"{p} is missing: run `make` first")


def env(**kw):
    e = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    e["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    e.update(kw)
    return e


def monitor(tmp_path, args, script=None, argv=None, **envkw):
    work = tmp_path / "w"
    work.mkdir(exist_ok=True)
    if script is None:
        script = tmp_path / "live.py"
        script.write_text(WORKLOAD)
    # the records on stdout (COMMAND mode writes them to stderr unless -o says otherwise)
    out = [] if "-o" in args else ["-o", "-"]
    cmd = [str(MONITOR)] + out + args + ["--", SYSTEM_PYTHON, str(script)] + (argv or [str(work)])
    r = run(cmd, timeout=180, env=env(**envkw))
    assert r.returncode == 0, r.stderr
    return r, work


def records(text):
    """(seconds, pid, tid, comm, type, rest) of every record line; other lines as None."""
    out = []
    for line in text.splitlines()[1:]:
        m = LINE.match(line)
        if not m:
            out.append((None, line))
            continue
        h, mi, s, us, pid, tid, comm, t, rest = m.groups()
        out.append(((int(h) * 3600 + int(mi) * 60 + int(s)) * 1000000 + int(us),
                    (int(pid), int(tid) if tid else int(pid), comm.rstrip(), t, rest, line)))
    return out


def test_human_output_is_in_time_order(tmp_path):
    r, work = monitor(tmp_path, ["-T"])
    assert r.stdout.splitlines()[0].split()[:4] == ["TIME", "PID", "COMM", "T"]
    recs = records(r.stdout)
    assert [x for x in recs if x[0] is None] == []  # no marker: nothing was out of order
    ts = [x[0] for x in recs]
    assert ts == sorted(ts)
    lines = [x[1] for x in recs]
    # each Popen is shown before the first record of the child it made
    popens = [i for i, x in enumerate(lines) if x[3] == "A" and
              x[4].startswith("subprocess.Popen ")]
    assert len(popens) == 3
    for i in popens:
        fork = next(x for x in lines[i:] if x[3] == "P" and x[4].startswith("fork child="))
        child = int(fork[4].split("=")[1].split()[0])
        first = next(j for j, x in enumerate(lines) if x[0] == child)
        assert i < first, (lines[i][5], lines[first][5])
    # the thread's records carry PID/TID, and its open is there
    thread = [x for x in lines if x[1] != x[0]]
    assert any('from-thread.txt"' in x[4] for x in thread if x[3] == "S")
    # -T: every syscall with a result has its time
    for x in lines:
        if x[3] == "S" and " = ?" not in x[4]:
            assert re.search(r" = \S+(?: E\w+)? <\d+\.\d{6}>", x[4]), x[5]
    # failures carry their errno name; an audit event its frame @file:line
    assert any(re.search(r" = -1 E[A-Z]+ <", x[4]) for x in lines if x[3] == "S")
    script = str(tmp_path / "live.py")
    assert any(x[4].startswith("open path=") and f" @{script}:4" in x[4] for x in lines)


@pytest.mark.parametrize("width", [80, 120, 200])
def test_columns_never_cut_names_or_verdicts(tmp_path, width):
    r, work = monitor(tmp_path, ["-T"], COLUMNS=str(width))
    lines = [x[1] for x in records(r.stdout) if x[0] is not None]
    assert len(lines) > 200
    cut = 0
    for pid, tid, comm, t, rest, line in lines:
        if t == "S":
            name = rest.split("(", 1)[0]
            assert name in SYSCALLS, line
        if t == "A":
            name = rest.split(" ", 1)[0].rstrip(".")
            assert name in EVENTS, line
        if len(line) > width:
            # only what is never cut is left: name, "...", result, time, verdict
            if t == "S":
                assert re.fullmatch(r"\w+\(\.\.\. = [^ ]+(?: E\w+)? <[\d.]+>" + VERDICT + "?",
                                    rest), line
            else:
                assert re.fullmatch(r"[\w.]+(?:\.\.\.)?" + VERDICT + "?", rest), line
        cut += rest.count("...") > 0
    assert cut > 0  # the long paths were cut
    # the two ctypes calls are alarms at every width, their names whole
    unaudited = [x for x in lines if x[3] == "S" and "  UNAUDITED" in x[4]]
    assert sorted(x[4].split("(")[0] for x in unaudited) == ["openat", "unlink"]
    # a matched open keeps its verdict
    assert any(re.search(r"^open\b.*  \[matched", x[4]) for x in lines if x[3] == "A")


def test_wide_never_cuts(tmp_path):
    r, work = monitor(tmp_path, ["--wide"], COLUMNS="80")
    assert f'{work}/dropped-{"y" * 100}.txt"' in r.stdout
    assert f"first-{'x' * 100}.txt'" in r.stdout
    # --wide shows import in full (sys.path and the rest)
    assert re.search(r" A import module='\w+', filename=\S+, sys\.path=\[", r.stdout)


def test_import_is_compact(tmp_path):
    r, work = monitor(tmp_path, [])
    imports = [x[1][4] for x in records(r.stdout) if x[0] and x[1][3] == "A" and
               x[1][4].startswith("import ")]
    assert imports
    for rest in imports:
        assert re.match(r"import module='[\w.]+', filename=(?:None|'[^']*')(?: @|  \[|$)", rest), rest


def test_skip_startup_shows_the_program_first(tmp_path):
    r, work = monitor(tmp_path, ["--skip-startup"])
    lines = [x[1] for x in records(r.stdout) if x[0] is not None]
    script = str(tmp_path / "live.py")
    assert lines[0][3] == "A" and lines[0][4].startswith(f"cpython.run_file filename='{script}'")
    # then the script's own work: its first open is the script's, its first file opened in
    # the work directory is first-x...x.txt
    opens = [x[4] for x in lines if x[3] == "A" and x[4].startswith("open path=")]
    assert opens[0].startswith(f"open path='{script}'")
    assert next(x for x in opens if f"'{work}/" in x).startswith(f"open path='{work}/first-x")
    # nothing of the interpreter's start-up: no site, no encodings
    assert not any(re.search(r"\bsite\b|encodings", x[4]) for x in lines[:4]), lines[:4]
    # the child Python's start-up is hidden too, its program is shown
    assert any(x[4].startswith("cpython.run_command") for x in lines)
    m = re.search(r"--skip-startup hid (\d+) start-up records of (\d+) processes", r.stderr)
    assert m, r.stderr
    assert int(m.group(1)) > 100 and int(m.group(2)) == 2
    # the alarms are still there
    assert len([x for x in lines if "  UNAUDITED" in x[4]]) == 2


def test_findings_shows_exactly_the_alarms(tmp_path):
    work = tmp_path / "w"
    r, work = monitor(tmp_path, ["--findings"], script=CORPUS / "ctypes_file.py")
    out = r.stdout.splitlines()
    assert out[0].startswith("TIME")
    recs = records(r.stdout)
    assert [x[0] is not None for x in recs] == [True, True], r.stdout
    rest = [x[1][4] for x in recs]
    assert rest[0].startswith(f'openat(AT_FDCWD, "{work}/dropped.txt", O_WRONLY|O_CREAT|O_TRUNC')
    assert rest[1].startswith(f'unlink("{work}/dropped.txt") = 0')
    assert all("  UNAUDITED" in x for x in rest)


def test_e_filters_and_keeps_correlation_with_findings(tmp_path):
    r, work = monitor(tmp_path, ["--findings", "-e", "syscall:unlink"],
                      script=CORPUS / "ctypes_file.py")
    rest = [x[1][4] for x in records(r.stdout)]
    assert len(rest) == 1 and rest[0].startswith(f'unlink("{work}/dropped.txt") = 0'), r.stdout
    assert "  UNAUDITED" in rest[0]


def test_e_naming_every_probe_keeps_correlation(tmp_path):
    r, work = monitor(tmp_path, ["-e", "file,network,process,ffi,code,import,runtime,other,"
                                 "syscall:unlink"], script=CORPUS / "ctypes_file.py")
    lines = [x[1] for x in records(r.stdout) if x[0] is not None]
    # correlation is on: verdicts; -e still filters: the only syscall shown is unlink
    assert any("  [matched" in x[4] for x in lines if x[3] == "A")
    sc = [x[4] for x in lines if x[3] == "S"]
    assert sc and all(x.startswith("unlink(") for x in sc)
    assert any("  UNAUDITED" in x for x in sc)
    # -e narrowing the probes switches correlation off, as documented
    r, work = monitor(tmp_path, ["-e", "file,syscall:unlink"], script=CORPUS / "ctypes_file.py")
    assert "  [matched" not in r.stdout and "UNAUDITED" not in r.stdout


def test_process_filters(tmp_path):
    # -u: only the records made as nobody (the /bin/true run with user=65534)
    r, work = monitor(tmp_path, ["-j", "-u", "65534"])
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    shown = [x for x in recs if x.get("type") in ("audit", "syscall", "process", "lifecycle")]
    assert shown and all(x["uid"] == 65534 for x in shown)
    assert any(x["type"] == "process" and x.get("event") == "exec" and
               x.get("filename") == "/bin/true" for x in shown)
    # -n: only processes whose name contains "true"
    r, work = monitor(tmp_path, ["-n", "true"])
    lines = [x[1] for x in records(r.stdout) if x[0] is not None]
    assert lines and all("true" in x[2] for x in lines)
    # --python-only: the two /bin/true children are gone, the Python child is there
    r, work = monitor(tmp_path, ["--python-only"])
    lines = [x[1] for x in records(r.stdout) if x[0] is not None]
    assert lines and not any(x[2] == "true" for x in lines)
    assert any(x[4].startswith("cpython.run_command") for x in lines)
    r, work = monitor(tmp_path, [])
    assert any(x[1][2] == "true" for x in records(r.stdout) if x[0] is not None)


def test_bad_view_options(tmp_path):
    for args, msg in ((["--color", "sometimes"], "--color"), (["-u", "x"], "-u: bad uid"),
                      (["-n", ""], "-n:")):
        r = run([str(MONITOR)] + args + ["--", "/bin/true"], timeout=30)
        assert r.returncode == 2 and msg in r.stderr, r.stderr


def _on_a_pty(argv, stop_after=None, timeout=180):
    """Run argv with stdout and stderr on a new pseudo-terminal; returns (status, output). With
    stop_after, SIGINT the monitor once that text has shown up."""
    import pty
    import select
    import signal
    import subprocess
    import time
    master, slave = pty.openpty()
    out = b""
    try:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
        os.close(slave)
        slave = -1
        deadline = time.monotonic() + timeout
        sent = False
        while time.monotonic() < deadline:
            if stop_after and not sent and stop_after.encode() in out:
                p.send_signal(signal.SIGINT)
                sent = True
            if select.select([master], [], [], 0.5)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer is gone
                    break
                if not chunk:
                    break
                out += chunk
            elif p.poll() is not None:
                break
        status = p.wait(timeout=60)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return status, out.decode("utf-8", "replace")


@needs_root_bpf
def test_on_a_terminal_stop_says_detaching_and_ends_with_the_summary():
    status, out = _on_a_pty([str(MONITOR), "--color=never", "--", "/bin/sh", "-c",
                             "echo child-started; exec sleep 60"], stop_after="child-started")
    assert "pyxcheck: detaching..." in out, out
    assert "--- summary:" in out, out
    assert "\x1b[" not in out, out


@needs_root_bpf
def test_color_always_never_and_auto(tmp_path):
    on, _ = monitor(tmp_path, ["--color=always"])
    assert "\x1b[" in on.stdout
    off, _ = monitor(tmp_path, ["--color=never"])
    auto, _ = monitor(tmp_path, [])
    assert "\x1b[" not in off.stdout and "\x1b[" not in auto.stdout  # a pipe: no colour
    # into a pipe the summary comes only with --summary
    assert "--- summary:" not in auto.stdout
    status, out = _on_a_pty([str(MONITOR), "--", "/bin/true"])
    assert status == 0 and "\x1b[" in out and "--- summary:" in out, out
