# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The run loop and its sink (issue 10): the exit status comes back before the slow detach, and
what the detach leaves behind is only a background process that holds the probes and nothing else
(no output, no pipe a caller waits on); once it is gone, so are the links.
"""
import os
import re
import time

import pytest

from conftest import LIBPYXCHECK, MONITOR, needs_root_bpf, run
from test_robust_faults import bpftool_ids

pytestmark = needs_root_bpf

PROBE_FDS = {"anon_inode:bpf_link", "anon_inode:[perf_event]"}


@pytest.fixture(scope="module", autouse=True)
def built():
    for p in (MONITOR, LIBPYXCHECK):
        if not p.exists():
            pytest.fail(f"{p} is missing: run `make` first")


def wait_gone(pid, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(") ", 1)[1][0] in "ZX":
                    return
        except OSError:
            return
        time.sleep(0.05)
    pytest.fail(f"the detacher {pid} still runs after {timeout} s")


def held(pid):
    """fd targets and link ids of a live process; None when it is gone."""
    targets, links = {}, set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                targets[int(fd)] = os.readlink(f"/proc/{pid}/fd/{fd}")
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    for line in f:
                        if line.startswith("link_id:"):
                            links.add(int(line.split()[1]))
            except OSError:
                pass
    except OSError:
        return None
    return targets, links


def test_exit_comes_back_before_the_detach_and_the_detacher_holds_only_probes(tmp_path):
    out = tmp_path / "out.jsonl"
    r = run([str(MONITOR), "-v", "-j", "-o", str(out), "--", "/bin/true"])
    assert r.returncode == 0, r.stderr
    m = re.search(r"probes detach in the background \(pid (\d+)\)", r.stderr)
    assert m, r.stderr
    pid = int(m.group(1))
    # run() returned: nothing it waits on (stdout, stderr) was held open past the exit.
    h = held(pid)
    if h is not None:
        targets, links = h
        with open(f"/proc/{pid}/comm") as f:
            assert f.read().strip() == "pyxcheck-detach"
        others = {fd: t for fd, t in targets.items() if t not in PROBE_FDS}
        assert others == {0: "/dev/null", 1: "/dev/null", 2: "/dev/null"} or not targets, others
        wait_gone(pid)
        assert not links & bpftool_ids("link")
    # the output was complete at exit: the process records of /bin/true are there
    assert '"event":"exit"' in out.read_text()


def test_wait_detach_detaches_before_exit(tmp_path):
    r = run([str(MONITOR), "-v", "--wait-detach", "-o", "/dev/null", "--", "/bin/true"])
    assert r.returncode == 0, r.stderr
    assert "background" not in r.stderr
