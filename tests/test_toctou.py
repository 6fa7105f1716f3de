# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Issue 8, item 5: a second thread rewrites a path buffer while a ctypes open(2) of a FIFO
blocks. The record holds the path the kernel opened (read at entry), names the argument that
changed, and its verdict `changed` is an alarm; without the rewrite the same open is plainly
`unaudited` (docs/correlation.md, "Time of check")."""
import json
import os

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run
from pyxjson import plain
from correlate_util import CORPUS, built, findings

SCRIPT = CORPUS / "evasion" / "with_args" / "toctou_open.py"


def monitor(tmp_path, *extra):
    built()
    work = tmp_path / "w"
    work.mkdir()
    os.mkfifo(work / "fifo", 0o600)
    out = tmp_path / "o.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", SYSTEM_PYTHON, str(SCRIPT), str(work),
             *extra], timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [plain(json.loads(line)) for line in out.read_text().splitlines()]
    return recs, json.loads((work / "who.json").read_text()), work


@needs_root_bpf
def test_path_rewritten_during_a_blocking_open_is_an_alarm(tmp_path):
    recs, who, work = monitor(tmp_path)
    [r] = findings(recs)
    assert r["verdict"] == "changed" and r["why"] == "argument changed during the syscall"
    assert (r["pid"], r["tid"]) == (who["pid"], who["tid"])
    assert r["syscall"] == "openat" and r["changed"] == ["filename"]
    # the path the kernel opened, not the decoy left in the buffer
    assert r["args"]["filename"] == str(work / "fifo") and r["args"]["flags"] == "O_WRONLY"
    assert r["ret"] >= 0 and r["latency_ns"] >= 900_000_000
    assert r["context"]["event"].startswith("ctypes.")
    assert not [x for x in recs if str(work / "decoy.txt") in json.dumps(x.get("args"))]


@needs_root_bpf
def test_same_open_without_the_rewrite_is_only_unaudited(tmp_path):
    recs, who, work = monitor(tmp_path, "norace")
    [r] = findings(recs)
    assert r["verdict"] == "unaudited" and "changed" not in r
    assert (r["tid"], r["syscall"], r["args"]["filename"]) == (who["tid"], "openat",
                                                               str(work / "fifo"))
    assert not [x for x in recs if x.get("changed") or x.get("read_at_exit")]


MAPPED = CORPUS / "evasion" / "with_args" / "toctou_mapped.py"


def run_mapped(tmp_path, mode, *extra, extra_argv=()):
    """toctou_mapped.py MODE under the monitor (extra: its options): the records, the
    script's who.json and its work directory (with the FIFO the open modes block on)"""
    built()
    work = tmp_path / "w"
    work.mkdir(parents=True)
    os.mkfifo(work / "fifo", 0o600)
    out = tmp_path / "o.jsonl"
    r = run([str(MONITOR), "-j", *extra, "-o", str(out), "--", SYSTEM_PYTHON, str(MAPPED),
             str(work), mode, *extra_argv], timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    recs = [plain(json.loads(line)) for line in out.read_text().splitlines()]
    return recs, json.loads((work / "who.json").read_text()), work


def monitor_mapped(tmp_path, mode, *extra, extra_argv=()):
    recs, who, work = run_mapped(tmp_path, mode, *extra, extra_argv=extra_argv)
    [r] = [x for x in recs if x.get("type") == "syscall" and x.get("tid") == who["tid"]
           and x.get("syscall") == "openat" and x.get("args", {}).get("flags") == "O_WRONLY"]
    return recs, r, work


@needs_root_bpf
def test_exit_read_fault_is_unverified_not_changed(tmp_path):
    # the page holding the path is zapped during the open: its bytes never change, the exit
    # read faults; that is no evidence of a change
    recs, r, work = monitor_mapped(tmp_path, "zap")
    assert r.get("unverified") is True and "changed" not in r and "read_at_exit" not in r
    assert r["args"]["filename"] == str(work / "fifo") and r["ret"] >= 0
    assert r["opened"] == "fifo" and "name_mismatch" not in r  # the entry value is the file
    assert not [x for x in findings(recs) if x["verdict"] == "changed"]
    [f] = findings(recs)
    assert f["verdict"] == "unaudited" and f.get("unverified") is True


@needs_root_bpf
def test_decoy_written_after_the_kernels_copy_is_shown_and_flagged(tmp_path):
    # the path's page is not resident at entry, so it is read at exit, after a second thread
    # wrote a decoy there: the record carries the kernel's name of the file opened
    for probes in ("raw", "per-syscall"):
        recs, r, work = monitor_mapped(tmp_path / probes, "decoy", "--syscall-probes", probes)
        assert r["read_at_exit"] is True and r["ret"] >= 0
        assert r["args"]["filename"] == str(work / "decoy.txt")  # what the buffer held at exit
        assert r["opened"] == "fifo" and r["name_mismatch"] is True
        assert r["verdict"] == "unaudited"
        assert r["why"] == "its path, read at exit, does not name the file opened"


@needs_root_bpf
def test_read_at_exit_without_a_decoy_names_the_file(tmp_path):
    recs, r, work = monitor_mapped(tmp_path, "cold")
    assert r["read_at_exit"] is True and r["args"]["filename"] == str(work / "fifo")
    assert r["opened"] == "fifo" and "name_mismatch" not in r
    assert r["verdict"] == "unaudited" and r.get("why") != \
        "its path, read at exit, does not name the file opened"


@needs_root_bpf
def test_benign_read_at_exit_opens_raise_no_alarm(tmp_path):
    """Symlinked directories, trailing slashes, ".", O_PATH, a new file: the last component
    names the file. A final symlink and /proc/self/fd/N name their target, so they mismatch:
    only flagged, and read-only, no finding."""
    recs, who, work = run_mapped(tmp_path, "benign")
    got = {x["args"]["filename"]: x for x in recs if x.get("type") == "syscall"
           and x.get("tid") == who["tid"] and x.get("syscall") == "openat"
           and x.get("read_at_exit")}
    for case in who["cases"]:
        x = got[case["path"]]
        assert x["opened"] == case["opened"], x
        final_link = case["path"].endswith("filelink") or case["path"].startswith("/proc/")
        assert x.get("name_mismatch", False) == final_link, x
    # the one finding is the O_CREAT by ctypes, unaudited as any native write, not a mismatch
    [f] = [x for x in findings(recs) if x.get("tid") == who["tid"]]
    assert f["args"]["filename"].endswith("/new") and "name_mismatch" not in f
    assert not [x for x in recs if x.get("verdict") == "changed"]


@needs_root_bpf
def test_path_read_at_neither_end_still_names_the_file(tmp_path):
    # not resident at entry, zapped again before the exit: no path at all, but what was opened
    recs, r, work = monitor_mapped(tmp_path, "gone")
    assert "read_at_exit" not in r and "changed" not in r and r["ret"] >= 0
    assert r["opened"] == "fifo" and "name_mismatch" not in r
    assert r["name_unchecked"] is True
    assert str(work) not in json.dumps(r["args"])
    assert r["verdict"] == "unaudited"
    assert r["why"] == "its path could not be checked against the file opened"


@needs_root_bpf
def test_an_uncheckable_path_is_explained_by_no_event(tmp_path):
    # a forged audit event names the decoy just before the open: a path read at neither end
    # (the page zapped again) or cut (a decoy longer than the copy) cannot be checked against
    # the file opened, so nothing may be matched on it: fail closed
    for mode in ("gone", "long"):
        recs, r, work = monitor_mapped(tmp_path / mode, mode, extra_argv=["claim"])
        assert r["ret"] >= 0 and r["opened"] == "fifo" and r["name_unchecked"] is True, r
        assert r["verdict"] == "unaudited", r
        assert r["why"] == "its path could not be checked against the file opened"
        [ev] = [x for x in recs if x.get("type") == "audit" and x.get("event") == "open"
                and x.get("tid") == r["tid"]]
        assert ev.get("verdict") != "matched", ev


@needs_root_bpf
def test_human_output_says_what_was_opened_and_what_was_not_re_read(tmp_path):
    for mode, text in (("decoy", ' [read at exit] [the kernel opened "fifo"] = '),
                       ("zap", " [not re-read at exit] = ")):
        recs, r, work = monitor_mapped(tmp_path / mode, mode, "--raw")
        out = run([str(MONITOR), "-r", str(tmp_path / mode / "o.jsonl")], timeout=120)
        assert out.returncode == 0, out.stderr
        [line] = [x for x in out.stdout.splitlines() if "O_WRONLY, 0000)" in x]
        assert text in line, line


@needs_root_bpf
def test_openat2_whose_open_how_was_not_read_at_entry_fails_closed(tmp_path):
    # openat2 to write and create, its struct open_how in a cold page: zapped again during the
    # open (read at neither end: the record must still decode), or a read-only decoy written
    # there after the kernel's copy (read at exit: the flags shown are the decoy's). Either way
    # the open is judged as the write it may be: unaudited, as any native write
    for mode in ("how-zap", "how-decoy"):
        recs, who, work = run_mapped(tmp_path / mode, mode)
        assert not [x for x in recs if x.get("type") == "malformed"], mode
        [x] = [x for x in recs if x.get("type") == "syscall" and x.get("tid") == who["tid"]
               and x.get("syscall") == "openat2"]
        assert x["ret"] >= 0 and x["opened"] == "fifo" and "name_mismatch" not in x, x
        assert x["verdict"] == "unaudited", x


@needs_root_bpf
def test_an_event_explains_no_syscall_read_at_exit(tmp_path):
    # any syscall's memory read at exit may be a decoy written after the kernel's copy: a
    # forged os.remove naming the path must not explain a native unlink whose path was not
    # resident at entry (before, it matched)
    recs, who, work = run_mapped(tmp_path, "unlink-cold")
    [x] = [x for x in recs if x.get("type") == "syscall" and x.get("tid") == who["tid"]
           and x.get("syscall") in ("unlink", "unlinkat")]
    assert x["read_at_exit"] is True and x["args"]["pathname"].endswith("/victim"), x
    assert x["verdict"] == "unaudited", x
    assert x["why"] == "its arguments were read at exit or not at all: no audit event may " \
        "explain them"
    [ev] = [e for e in recs if e.get("type") == "audit" and e.get("event") == "os.remove"
            and e.get("tid") == who["tid"]]
    assert ev.get("verdict") != "matched", ev
