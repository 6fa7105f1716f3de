# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Process context on every JSON record (issue 11): `process` {exec_id, pid, tid, ppid, uid, euid,
auid, ns_pid, pid_ns, exe, argv, cwd, cgroup_id, cgroup, container_id, container_runtime, unit} and
`parent` {exec_id, pid, exe} (user/monitor/decode_context.c, docs/json-schema.md).

The cache and the container-id table run without the kernel (build/tests/pctx-unit); the rest runs
real monitors on real processes: a new cgroup v2 made by the test, a new pid namespace
(unshare(1)), another real/effective uid (setpriv(1)) and a login uid written by the test."""
import base64
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, MONITOR, needs_root_bpf, run
from pyxjson import plain

PCTX_UNIT = BUILD / "tests" / "pctx-unit"
PY = "/usr/bin/python3"
HEX = "4f2b1c0d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"
UNSET = 4294967295

# Real cgroup v2 path shapes (docker, containerd, cri-o, podman, kubernetes, lxc, nspawn, systemd):
# path -> (runtime, id, unit); "-" for none.
CGROUP_CASES = [
    ("/system.slice/docker-%s.scope" % HEX, ("docker", HEX, "docker-%s.scope" % HEX)),
    ("/docker/%s" % HEX, ("docker", HEX, "-")),
    ("/docker/%s/docker/%s" % ("a" * 64, HEX), ("docker", HEX, "-")),  # nested: innermost
    ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_"
     "b5c6d7e8f901.slice/cri-containerd-%s.scope" % HEX,
     ("containerd", HEX, "cri-containerd-%s.scope" % HEX)),
    ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b.slice/crio-%s.scope"
     % HEX, ("cri-o", HEX, "crio-%s.scope" % HEX)),
    ("/kubepods.slice/kubepods-pod0a1b.slice/crio-conmon-%s.scope" % HEX,
     ("-", "-", "crio-conmon-%s.scope" % HEX)),  # conmon is the monitor, not the container
    ("/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/%s" % HEX,
     ("kubernetes", HEX, "-")),
    ("/machine.slice/libpod-%s.scope/container" % HEX,
     ("podman", HEX, "libpod-%s.scope" % HEX)),
    ("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-%s.scope" % HEX,
     ("podman", HEX, "libpod-%s.scope" % HEX)),
    ("/machine.slice/libpod-conmon-%s.scope" % HEX, ("-", "-", "libpod-conmon-%s.scope" % HEX)),
    ("/libpod_parent/%s" % HEX, ("podman", HEX, "-")),
    ("/lxc.payload.web01", ("lxc", "web01", "-")),
    ("/lxc/web01", ("lxc", "web01", "-")),
    ("/machine.slice/machine-my\\x2dbox.scope/payload", ("systemd-nspawn", "my-box",
                                                          "machine-my\\x2dbox.scope")),
    ("/user.slice/user-0.slice/session-3.scope", ("-", "-", "session-3.scope")),
    ("/system.slice/ssh.service", ("-", "-", "ssh.service")),
    ("/system.slice/containerd.service", ("-", "-", "containerd.service")),  # the daemon itself
    ("/system.slice/docker-abc.scope", ("-", "-", "docker-abc.scope")),  # not a container id
    ("/docker/%s" % HEX.upper(), ("-", "-", "-")),  # ids are lower-case hex
    ("/", ("-", "-", "-")),
]


def pctx(lines, tmp_path):
    if not PCTX_UNIT.exists():
        pytest.fail(f"{PCTX_UNIT} is missing: run `make` first")
    empty = tmp_path / "noproc"
    empty.mkdir(exist_ok=True)
    r = run([str(PCTX_UNIT), str(empty)], input="".join(x + "\n" for x in lines), timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_container_id_table(tmp_path):
    out = pctx(["cg " + p for p, _ in CGROUP_CASES], tmp_path)
    assert len(out) == len(CGROUP_CASES)
    for (path, want), got in zip(CGROUP_CASES, out):
        assert tuple(got.split("\t")) == want, path


def test_exec_id_encoding(tmp_path):
    out = pctx(["execid node-a 1bbed48a-bcc6 12345 678"], tmp_path)
    assert out == [base64.b64encode(b"node-a:1bbed48a-bcc6:12345:678").decode()]


def test_cache_versions_exec_fork_and_pid_reuse(tmp_path):
    """A record written late gets the context of the exec current at its ts, even after the pid
    exec'd again or was reused; a fork has its own exec_id and its parent's as parent."""
    out = pctx(["exec 100 1 1000 python3 -c x",
                "rec 100 1500",
                "fork 100 200 1600",
                "exec 100 1 3000 sh",            # the same process execs again
                "exit 100 4000",
                "fork 1 100 5000",               # pid 100 reused by a new process
                "exec 100 1 6000 ls -l",
                "json 100 101 1500", "json 100 100 3500", "json 100 100 6500",
                "json 200 200 1700", "json 999 999 1700"], tmp_path)
    first, second, reused, child, unknown = (json.loads(x) for x in out)
    eid = lambda ts, pid: base64.b64encode(f"n1:b1:{ts}:{pid}".encode()).decode()
    assert first["process"] == {"exec_id": eid(1000, 100), "pid": 100, "tid": 101, "ppid": 1,
                                "uid": 1000, "euid": 1000, "auid": UNSET, "ns_pid": 7,
                                "pid_ns": 4026532000, "argv": ["python3", "-c", "x"]}
    assert first["parent"] == {"pid": 1}  # pid 1 unknown here: the fake /proc is empty
    assert second["process"]["exec_id"] == eid(3000, 100)
    assert second["process"]["argv"] == ["sh"]
    assert reused["process"]["exec_id"] == eid(6000, 100)
    assert reused["process"]["argv"] == ["ls", "-l"]
    assert child["process"]["exec_id"] == eid(1600, 200)
    assert child["process"]["ppid"] == 100 and child["process"]["argv"] == ["python3", "-c", "x"]
    assert child["parent"] == {"exec_id": eid(1000, 100), "pid": 100}
    assert unknown == {}


def test_tid_digits_kept_per_process(tmp_path):
    """The tid between the cached parts: kept for the process's last tid, so each thread's
    own digits, of every length, however the threads alternate (and across processes)."""
    tids = [101, 101, 7, 101, 4194304, 4294967295, 7, 10, 9, 101]
    out = pctx(["exec 100 1 1000 python3 -c x", "fork 100 200 1600"] +
               [f"json 100 {t} 1700" for t in tids] + ["json 200 200 1700", "json 100 12 1700"],
               tmp_path)
    got = [json.loads(x)["process"]["tid"] for x in out]
    assert got == tids + [200, 12]
    assert [json.loads(x)["process"]["pid"] for x in out] == [100] * len(tids) + [200, 100]


# ---- end to end ----

def records_of(path):
    data = Path(path).read_bytes().decode("utf-8")
    # typed argument values (schema 2) as bare ones: the process objects are not touched
    return [plain(json.loads(line)) for line in data.split("\n")[:-1]]


def monitor(tmp_path, *command, timeout=240):
    out = tmp_path / "events.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", *command], timeout=timeout)
    assert r.returncode == 0, r.stderr
    return records_of(out)


def exec_of(recs, pid, argv0=PY):
    """The exec record of pid whose argv starts with argv0 (the last one)."""
    found = [r for r in recs if r["type"] == "process" and r["event"] == "exec" and
             r["pid"] == pid and r["process"].get("argv", [None])[0] == argv0]
    assert found, f"no exec of {argv0} by pid {pid}"
    return found[-1]


def types_by_path(recs):
    seen = {}

    def walk(v, path):
        t = type(v).__name__
        seen.setdefault(path, set()).add(t)
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, path + "." + k)
        elif isinstance(v, list):
            for x in v:
                walk(x, path + "[]")
    for r in recs:
        for key in ("process", "parent"):
            if key in r:
                walk(r[key], key)
    return seen


@needs_root_bpf
def test_exec_id_stable_and_parent_linkage(tmp_path):
    info = tmp_path / "pids.json"
    child = ("import json, os, sys; open('/etc/hostname').read(); "
             "json.dump({'pid': os.getpid(), 'ppid': os.getppid()}, open(sys.argv[1], 'w'))")
    # a fork that raises an event before its exec: its records carry the fork's own exec_id
    code = ("import os, sys; open('/etc/hostname').read(); pid = os.fork()\n"
            "if pid == 0:\n"
            "    open('/etc/hostname').read()\n"
            f"    os.execv({PY!r}, [{PY!r}, '-c', {child!r}, sys.argv[1]])\n"
            "os.waitpid(pid, 0)\n"
            # alive until the monitor has read its exec record (it polls every 100 ms): exe and
            # cwd come from /proc, and a process already gone gets the exec'd path and no cwd
            "import time; time.sleep(1)")
    recs = monitor(tmp_path, PY, "-c", code, str(info))
    pids = json.loads(info.read_text())
    parent_pid, child_pid = pids["ppid"], pids["pid"]
    boot_id = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    node = os.uname().nodename

    p_exec = exec_of(recs, parent_pid)
    c_exec = exec_of(recs, child_pid)
    p_id, c_id = p_exec["process"]["exec_id"], c_exec["process"]["exec_id"]
    # node + boot id + the exec's kernel time + pid
    assert base64.b64decode(p_id).decode() == f"{node}:{boot_id}:{p_exec['ts']}:{parent_pid}"
    assert base64.b64decode(c_id).decode() == f"{node}:{boot_id}:{c_exec['ts']}:{child_pid}"
    assert p_id != c_id
    # one exec_id for every record of each exec (records of the same pid before it differ)
    for pid, eid, ex in ((parent_pid, p_id, p_exec), (child_pid, c_id, c_exec)):
        mine = [r for r in recs if r.get("pid") == pid and r["ts"] >= ex["ts"] and
                r["type"] in ("audit", "syscall", "process", "lifecycle")]
        assert len(mine) > 5
        assert {r["process"]["exec_id"] for r in mine} == {eid}
        assert {r["process"]["pid"] for r in mine} == {pid}
        assert all(r["process"]["tid"] == r["tid"] for r in mine)
        opens = [r for r in mine if r["type"] == "audit" and r["event"] == "open" and
                 r["args"]["path"] == "/etc/hostname"]
        assert len(opens) == 1
        before = {r["process"]["exec_id"] for r in recs if r.get("pid") == pid and
                  r["ts"] < ex["ts"] and "process" in r}
        assert eid not in before
    # the child between fork and exec had an exec_id of its own, and the same parent
    fork = [r for r in recs if r["type"] == "process" and r["event"] == "fork" and
            r.get("child_pid") == child_pid]
    assert len(fork) == 1 and fork[0]["process"]["exec_id"] == p_id
    forked = [r for r in recs if r.get("pid") == child_pid and r["ts"] < c_exec["ts"] and
              r["type"] == "audit" and r["event"] == "open"]
    assert len(forked) == 1
    f_id = forked[0]["process"]["exec_id"]
    assert base64.b64decode(f_id).decode() == f"{node}:{boot_id}:{fork[0]['ts']}:{child_pid}"
    assert forked[0]["parent"]["exec_id"] == p_id and forked[0]["process"]["ppid"] == parent_pid
    assert forked[0]["process"]["argv"] == p_exec["process"]["argv"]  # a fork's is its parent's
    # parent linkage
    assert c_exec["parent"] == {"exec_id": p_id, "pid": parent_pid,
                                "exe": p_exec["process"]["exe"]}
    assert c_exec["process"]["ppid"] == parent_pid
    assert os.path.realpath(PY) == p_exec["process"]["exe"]
    assert c_exec["process"]["argv"][:2] == [PY, "-c"]
    assert p_exec["process"]["cwd"] == os.getcwd()
    assert p_exec["parent"]["exe"] == str(MONITOR.resolve())  # the monitor started it
    # one JSON type per field path across every record
    for path, types in types_by_path(recs).items():
        assert len(types) == 1, (path, types)


@needs_root_bpf
def test_new_cgroup(tmp_path):
    # /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host (as here)
    mounts = [line.split()[1] for line in open("/proc/self/mounts") if line.split()[2] == "cgroup2"]
    roots = [m for m in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified") if m in mounts]
    if not roots:
        pytest.fail("no cgroup v2 mount at /sys/fs/cgroup or /sys/fs/cgroup/unified")
    root = Path(roots[0])
    slice_ = root / f"pyxctx-{os.getpid()}.slice"
    scope = slice_ / f"docker-{HEX}.scope"
    scope.mkdir(parents=True)
    try:
        code = "open('/etc/hostname').read()"
        recs = monitor(tmp_path, "/bin/sh", "-c",
                       f"echo $$ > {scope}/cgroup.procs && exec {PY} -c \"{code}\"")
        ex = [r for r in recs if r["type"] == "process" and r["event"] == "exec" and
              r["process"].get("argv", [None])[0] == PY]
        assert len(ex) == 1
        p = ex[0]["process"]
        assert p["cgroup"] == f"/{slice_.name}/{scope.name}"
        assert p["cgroup_id"] == os.stat(scope).st_ino
        assert p["container_id"] == HEX
        assert p["container_runtime"] == "docker"
        assert p["unit"] == scope.name
        audits = [r for r in recs if r["type"] == "audit" and r["pid"] == ex[0]["pid"]]
        assert audits and all(r["process"]["cgroup_id"] == p["cgroup_id"] for r in audits)
    finally:
        for d in (scope, slice_):
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
    assert not slice_.exists()


@needs_root_bpf
def test_new_pid_namespace(tmp_path):
    info = tmp_path / "ns.json"
    code = ("import json, os, sys; open('/etc/hostname').read(); "
            "json.dump({'pid': os.getpid(), 'ns': os.readlink('/proc/self/ns/pid')}, "
            "open(sys.argv[1], 'w'))")
    recs = monitor(tmp_path, "unshare", "--pid", "--fork", "--mount-proc", PY, "-c", code,
                   str(info))
    seen = json.loads(info.read_text())
    assert seen["pid"] == 1
    ino = int(seen["ns"][len("pid:["):-1])
    assert ino != os.stat("/proc/self/ns/pid").st_ino
    ex = exec_of(recs, [r["pid"] for r in recs if r["type"] == "process" and
                        r["event"] == "exec" and
                        r["process"].get("argv", [None])[0] == PY][0])
    p = ex["process"]
    assert ex["pid"] != 1 and p["pid"] == ex["pid"]
    assert p["ns_pid"] == 1 and p["pid_ns"] == ino
    audits = [r for r in recs if r["type"] == "audit" and r["pid"] == ex["pid"]]
    assert audits and {(r["process"]["ns_pid"], r["process"]["pid_ns"]) for r in audits} == \
        {(1, ino)}
    # unshare itself, in the host's namespace
    host = [r for r in recs if r["type"] == "process" and r["event"] == "exec" and
            r["process"].get("argv", [None])[0] == "unshare"]
    assert host and host[0]["process"]["pid_ns"] == os.stat("/proc/self/ns/pid").st_ino
    assert host[0]["process"]["ns_pid"] == host[0]["pid"]


@needs_root_bpf
def test_uids_and_login_uid(tmp_path):
    info = tmp_path / "ids.json"
    os.chmod(tmp_path, 0o777)
    code = ("import json, os, sys; open('/etc/hostname').read(); "
            "json.dump({'uid': os.getuid(), 'euid': os.geteuid(), "
            "'auid': int(open('/proc/self/loginuid').read())}, open(sys.argv[1], 'w'))")
    # a login uid set by this test (as pam_loginuid does), then another real uid
    recs = monitor(tmp_path, "/bin/sh", "-c",
                   "echo 4242 > /proc/self/loginuid && exec setpriv --ruid 65534 "
                   f"{PY} -c \"{code}\" {info}")
    ids = json.loads(info.read_text())
    assert ids == {"uid": 65534, "euid": 0, "auid": 4242}
    ex = exec_of(recs, [r["pid"] for r in recs if r["type"] == "process" and
                        r["event"] == "exec" and
                        r["process"].get("argv", [None])[0] == PY][0])
    p = ex["process"]
    assert (p["uid"], p["euid"], p["auid"]) == (65534, 0, 4242)
    # the shell before: no login uid yet (this test runs outside a login session)
    sh = [r for r in recs if r["type"] == "process" and r["event"] == "exec" and
          r["process"].get("argv", [None])[0] == "/bin/sh"]
    assert sh and sh[0]["process"]["auid"] == int(Path("/proc/self/loginuid").read_text())


@needs_root_bpf
def test_all_mode_process_joins_after_exec(tmp_path):
    """-a: a hooked Python joins the monitored set at its first probe, after its exec; the kernel
    side kept its exec record, so its argv and exec-time exec_id are there all the same."""
    out = tmp_path / "all.jsonl"
    mon = subprocess.Popen([str(MONITOR), "-a", "-j", "-o", str(out)],
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and b'"type":"start"' in out.read_bytes()):
            assert mon.poll() is None and time.monotonic() < deadline, "monitor did not start"
            time.sleep(0.1)
        time.sleep(1)
        env = dict(os.environ, LD_PRELOAD=str(BUILD / "libpyxcheck.so"))
        argv = [PY, "-c", "import time; open('/etc/hostname').read(); time.sleep(1)",
                "ctx-all-\u00e9"]
        child = subprocess.Popen(argv, env=env)
        assert child.wait(timeout=120) == 0
        time.sleep(2)
    finally:
        mon.send_signal(2)
        mon.wait(timeout=120)
    recs = [r for r in records_of(out) if r.get("pid") == child.pid]
    assert recs and all("process" in r for r in recs)
    p = recs[0]["process"]
    assert p["argv"] == argv
    assert {r["process"]["exec_id"] for r in recs} == {p["exec_id"]}
    node, boot, start, pid = base64.b64decode(p["exec_id"]).decode().split(":")
    assert (node, boot, int(pid)) == (os.uname().nodename,
                                      Path("/proc/sys/kernel/random/boot_id").read_text().strip(),
                                      child.pid)
    assert int(start) < min(r["ts"] for r in recs)  # the exec, before its first probe
    assert p["ppid"] == os.getpid()
    assert recs[0]["parent"]["pid"] == os.getpid()
    assert recs[0]["parent"]["exe"] == os.path.realpath("/proc/self/exe")
