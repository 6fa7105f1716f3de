# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""pyxcheck as a host service (issue 11): make install, the systemd unit, -A and SIGHUP under a real
logrotate, SIGUSR1 stats, --metrics read by the Prometheus client's parser, --syslog to a real
rsyslogd, the time/node/start additions to the JSON records, and pyxcheck-install-hook.

Every daemon a test starts (rsyslogd) runs with its own config, work directory and pid file under
tmp_path, and is stopped by its pid."""
import gzip
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import LIBPYXCHECK, MONITOR, ROOT, needs_root_bpf, run
from conftest import wait_for, records as records_of

from pyxjson import plain
SYSTEM_PYTHON = "/usr/bin/python3"
INSTALL_HOOK = ROOT / "packaging" / "pyxcheck-install-hook"


def file_has(path, pred):
    def check():
        try:
            data = Path(path).read_bytes().decode("utf-8")
        except FileNotFoundError:
            return False
        return any(pred(plain(json.loads(line))) for line in data.split("\n")[:-1])
    return check


def hooked(code, *args):
    """A hooked Debian python running code; returns the Popen."""
    env = dict(os.environ, LD_PRELOAD=str(LIBPYXCHECK))
    return subprocess.Popen([SYSTEM_PYTHON, "-c", code, *map(str, args)], env=env)


def stop(proc, sig=signal.SIGTERM, timeout=60):
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


def start_monitor(out, *extra):
    mon = subprocess.Popen([str(MONITOR), "-a", "-j", "-o", str(out), *extra])
    wait_for(file_has(out, lambda r: r["type"] == "start"), "the monitor's start record")
    return mon


# ---------------------------------------------------------------------------- record additions
@needs_root_bpf
def test_time_node_and_start_record(tmp_path):
    out = tmp_path / "o.jsonl"
    before = time.time_ns()
    r = run([str(MONITOR), "-j", "--summary", "-o", str(out), "--", SYSTEM_PYTHON, "-c",
             "open('/dev/null').close()"])
    after = time.time_ns()
    assert r.returncode == 0, r.stderr
    recs = records_of(out)
    start = recs[0]
    assert start["type"] == "start" and start["schema"] == 2
    assert start["node"] == socket.gethostname()
    assert start["boot_id"] == Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    assert start["mode"] == "command" and start["argv"][0] == str(MONITOR)
    assert start["options"]["summary"] is True and start["options"]["output"] == str(out)
    assert re.fullmatch(r"\d+\.\d+\.\d+", start["version"])
    rfc3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z")
    boot_offset = None
    for rec in recs:
        assert rec["node"] == socket.gethostname(), rec
        assert rfc3339.fullmatch(rec["time"]), rec["time"]
        whole, frac = rec["time"][:-1].split(".")
        wall = int(datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=timezone.utc).timestamp()) * 10**9 + int(frac)
        # one offset (wall - monotonic) for every record: time is derived from ts
        if boot_offset is None:
            boot_offset = wall - rec["ts"]
        assert wall - rec["ts"] == boot_offset, rec
        assert before - 10**9 <= wall <= after + 10**9
    # the record keys stay in their place: type, ts first
    assert list(recs[1])[:4] == ["type", "ts", "time", "node"]
    assert {"audit", "syscall", "process", "summary"} <= {x["type"] for x in recs}


# ---------------------------------------------------------------------------- -A, SIGHUP, SIGUSR1
@needs_root_bpf
def test_append_keeps_the_previous_run(tmp_path):
    out = tmp_path / "o.jsonl"
    for i in range(2):
        r = run([str(MONITOR), "-j", "-A", "-o", str(out), "--", SYSTEM_PYTHON, "-c",
                 f"import sys; sys.audit('app.run', {i})"])
        assert r.returncode == 0, r.stderr
    recs = records_of(out)
    assert [x["type"] for x in recs].count("start") == 2
    assert [x["args"][0] for x in recs if x["type"] == "audit" and x["event"] == "app.run"] == [0, 1]
    # without -A the file starts over
    r = run([str(MONITOR), "-j", "-o", str(out), "--", SYSTEM_PYTHON, "-c", "pass"])
    assert [x["type"] for x in records_of(out)].count("start") == 1
    r = run([str(MONITOR), "-A", "--", "true"])
    assert r.returncode == 2 and "-A needs -o" in r.stderr


WORKLOAD = """
import sys, time, os
n, stopfile = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    sys.audit("app.tick", i)
    if i % 50 == 0:
        time.sleep(0.01)
while not os.path.exists(stopfile):
    time.sleep(0.05)
"""


def logrotate_copy(tmp_path, logdir, pid):
    """The shipped logrotate file, pointed at logdir, its postrotate signalling pid."""
    text = (ROOT / "packaging" / "pyxcheck.logrotate").read_text()
    assert "/var/log/pyxcheck/*.jsonl" in text and "postrotate" in text
    text = text.replace("/var/log/pyxcheck/", f"{logdir}/")
    text = re.sub(r"(postrotate\n)\s*[^\n]*\n", rf"\1\t\tkill -HUP {pid}\n", text)
    conf = tmp_path / "logrotate.conf"
    conf.write_text(text)
    os.chmod(conf, 0o644)
    return conf


def all_rotated(logdir):
    recs = []
    for p in sorted(Path(logdir).iterdir()):
        st = p.stat()
        assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 0 and st.st_gid == 0, p
        data = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        recs += [plain(json.loads(x)) for x in data.decode().split("\n") if x]
    return recs


@needs_root_bpf
def test_logrotate_with_sighup_loses_and_duplicates_nothing(tmp_path):
    if not shutil.which("logrotate"):
        pytest.fail("logrotate is missing: run `make deps`")
    logdir = tmp_path / "log"
    logdir.mkdir(mode=0o700)
    out = logdir / "events.jsonl"
    mon = start_monitor(out, "-A", "--summary")
    n = 3000
    try:
        conf = logrotate_copy(tmp_path, logdir, mon.pid)
        work = hooked(WORKLOAD, n, tmp_path / "stop")
        rotations = 0
        while rotations < 6:
            time.sleep(0.15)
            r = run(["logrotate", "-f", "-s", str(tmp_path / "state"), str(conf)])
            assert r.returncode == 0, r.stderr
            rotations += 1
        # every tick is out of the ring before the monitor stops
        def ticks_seen():
            return sum(1 for x in all_rotated(logdir)
                       if x["type"] == "audit" and x["event"] == "app.tick") == n
        wait_for(ticks_seen, "every app.tick record in the rotated files")
        (tmp_path / "stop").write_text("")
        assert work.wait(timeout=60) == 0
        assert stop(mon) == 0
    finally:
        (tmp_path / "stop").write_text("")
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    files = sorted(p.name for p in logdir.iterdir())
    assert len(files) >= 4, files      # it did rotate, and compressed the older ones
    assert any(f.endswith(".gz") for f in files), files
    recs = all_rotated(logdir)
    ticks = [x for x in recs if x["type"] == "audit" and x["event"] == "app.tick"
             and x["pid"] == work.pid]
    assert sorted(x["args"][0] for x in ticks) == list(range(n))
    seqs = sorted(x["seq"] for x in recs if x["type"] == "audit" and x["pid"] == work.pid)
    assert seqs == list(range(1, len(seqs) + 1)), "a hook seq is missing or repeated"
    assert [x["type"] for x in recs].count("summary") == 1
    summary = next(x for x in recs if x["type"] == "summary")
    assert summary["lost"] == {"audit": 0, "syscall": 0, "process": 0, "unmonitored": 0}
    # one line per record, none torn by the reopen
    # (blind-spot records come from the correlator, not the ring)
    assert summary["records"] == sum(1 for x in recs
                                     if x["type"] not in ("start", "summary", "blind-spot"))


@needs_root_bpf
def test_sigusr1_writes_a_stats_record_and_sighup_does_not_stop(tmp_path):
    out = tmp_path / "o.jsonl"
    mon = start_monitor(out)
    try:
        p = hooked("import sys; [sys.audit('app.x', i) for i in range(10)]")
        assert p.wait(timeout=60) == 0
        wait_for(file_has(out, lambda x: x.get("event") == "app.x" and x["args"][0] == 9),
                 "the events")
        mon.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        assert mon.poll() is None, "SIGHUP stopped the monitor"
        mon.send_signal(signal.SIGUSR1)
        wait_for(file_has(out, lambda x: x["type"] == "stats"), "a stats record")
        assert stop(mon) == 0
    finally:
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    recs = records_of(out)
    st = next(x for x in recs if x["type"] == "stats")
    shown = [x for x in recs[:recs.index(st)] if x["type"] not in ("start",)]
    for t in ("audit", "syscall", "process", "lifecycle", "lost", "malformed"):
        assert st["shown"][t] == sum(1 for x in shown if x["type"] == t), t
    assert st["lost"] == {"audit": 0, "syscall": 0, "process": 0, "unmonitored": 0, "sink": 0}
    assert st["malformed"] == 0 and st["rss_bytes"] > 0 and st["cpu_seconds"] > 0
    assert st["ring_size"] == 4 << 20 and 0 <= st["ring_used"] <= st["ring_size"]
    assert set(st["verdicts"]) == {"matched", "no-syscall", "mismatch", "indeterminate",
                                   "unaudited", "changed"}
    assert st["pid"] == mon.pid and "time" in st and "node" in st


# ---------------------------------------------------------------------------- --metrics
@needs_root_bpf
def test_metrics_file_parses_and_equals_the_summary(tmp_path):
    from prometheus_client.parser import text_string_to_metric_families

    out, prom = tmp_path / "o.jsonl", tmp_path / "pyxcheck.prom"
    r = run([str(MONITOR), "-j", "--summary", "-o", str(out), "--metrics", str(prom),
             "--metrics-interval", "100", "--", SYSTEM_PYTHON, "-c",
             "import os, sys, time\n"
             "for i in range(20): open(os.devnull).close(); time.sleep(0.01)\n"
             "sys.audit('app.custom', 1)\n"
             "try: os.mkdir('/nonexistent/x')\nexcept OSError: pass\n"])
    assert r.returncode == 0, r.stderr
    assert not Path(str(prom) + ".tmp").exists()
    fams = {f.name: f for f in text_string_to_metric_families(prom.read_text())}

    def val(name, **labels):
        fam = fams[name]
        got = [s.value for s in fam.samples if s.labels == labels and
               not s.name.endswith("_created")]
        assert len(got) == 1, (name, labels, fam.samples)
        return got[0]

    recs = records_of(out)
    s = recs[-1]
    assert s["type"] == "summary"
    assert val("pyxcheck_ring_records", ) == s["records"]
    assert val("pyxcheck_records", type="audit") == sum(s["events"].values()) + \
        s["events_other_overflow"] > 20
    assert val("pyxcheck_records", type="syscall") == sum(c["count"] for c in
                                                          s["syscalls"].values()) > 0
    assert val("pyxcheck_records", type="process") == sum(s["process"].values()) > 0
    assert val("pyxcheck_records", type="lifecycle") == s["lifecycle"] > 0
    assert val("pyxcheck_records", type="malformed") == s["malformed"] == 0
    assert val("pyxcheck_malformed") == s["malformed"]
    for stream in ("audit", "syscall", "process", "unmonitored"):
        assert val("pyxcheck_lost", stream=stream) == s["lost"][stream]
    assert val("pyxcheck_lost", stream="sink") == 0
    for v, n in s["correlation"]["verdicts"].items():
        assert val("pyxcheck_verdicts", verdict=v) == n
    assert s["correlation"]["verdicts"]["matched"] > 0
    assert val("pyxcheck_blind_spots") == s["correlation"]["blind_spots"]
    assert val("pyxcheck_ring_size_bytes") == 4 << 20
    assert val("pyxcheck_resident_memory_bytes") > 1 << 20
    assert val("pyxcheck_cpu_seconds") > 0
    assert fams["pyxcheck_hooked_processes"].type == "gauge"
    assert fams["pyxcheck_records"].type == "counter"


@needs_root_bpf
def test_metrics_are_rewritten_while_running_and_count_hooked_processes(tmp_path):
    from prometheus_client.parser import text_string_to_metric_families

    out, prom = tmp_path / "o.jsonl", tmp_path / "m.prom"
    mon = start_monitor(out, "--metrics", str(prom), "--metrics-interval", "100")
    target = None
    try:
        def alive():
            try:
                text = prom.read_text()
            except FileNotFoundError:
                return None
            for f in text_string_to_metric_families(text):
                if f.name == "pyxcheck_hooked_processes":
                    return f.samples[0].value
            return None
        target = hooked("import sys, time, os\nwhile not os.path.exists(sys.argv[1]): "
                        "time.sleep(0.05)", tmp_path / "stop")
        wait_for(lambda: alive() == 1, "one hooked process in the metrics")
        (tmp_path / "stop").write_text("")
        assert target.wait(timeout=60) == 0
        wait_for(lambda: alive() == 0, "no hooked process in the metrics")
        assert stop(mon) == 0
    finally:
        (tmp_path / "stop").write_text("")
        if mon.poll() is None:
            mon.kill()
            mon.wait()


# ---------------------------------------------------------------------------- --syslog
# The relay configuration of docs/deploy.md (ports and paths aside), plus a second file with the
# RFC 5424 header fields as rsyslog parsed them.
RSYSLOG_CONF = """
global(workDirectory="{work}" maxMessageSize="256k")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="{port}" ruleset="pyxcheck")
template(name="msgonly" type="string" string="%msg%\\n")
template(name="head" type="string"
         string="%protocol-version% %app-name% %procid% %msgid% %hostname%\\n")
ruleset(name="pyxcheck") {{
    if $app-name == "pyxcheck" then action(type="omfile" file="{out}" template="msgonly")
    action(type="omfile" file="{head}" template="head")
}}
"""


# A host's own rsyslogd that forwards what pyxcheck sends it to the central relay (the fleet
# set-up of docs/deploy.md), keeping RFC 5424 and octet-counted framing, queueing on disk while
# the relay is away.
FORWARDER_CONF = """
global(workDirectory="{work}" maxMessageSize="256k")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="{port}" ruleset="pyxcheck")
ruleset(name="pyxcheck") {{
    action(type="omfwd" target="127.0.0.1" port="{relay_port}" protocol="tcp"
           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
           queue.type="LinkedList" queue.filename="pyxcheck-fwd" queue.saveOnShutdown="on"
           action.resumeRetryCount="-1")
}}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Relay:
    """A real rsyslogd on 127.0.0.1 with imtcp: own config, work dir and pid file."""

    def __init__(self, tmp_path, name="relay", conf=RSYSLOG_CONF, **kw):
        if not shutil.which("rsyslogd"):
            pytest.fail("rsyslogd is missing: run `make deps`")
        self.dir = tmp_path / name
        (self.dir / "work").mkdir(parents=True)
        self.port = free_port()
        self.out = self.dir / "out.log"
        self.head = self.dir / "head.log"
        self.conf = self.dir / "rsyslog.conf"
        self.conf.write_text(conf.format(work=self.dir / "work", port=self.port,
                                         out=self.out, head=self.head, **kw))
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["rsyslogd", "-n", "-f", str(self.conf),
                                      "-i", str(self.dir / "rsyslogd.pid")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def listening():
            with socket.socket() as c:
                return c.connect_ex(("127.0.0.1", self.port)) == 0
        wait_for(listening, "rsyslogd listening")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.proc = None

    def messages(self):
        if not self.out.exists():
            return []
        return [x for x in self.out.read_text().split("\n") if x.strip()]


@pytest.fixture
def relay(tmp_path):
    r = Relay(tmp_path)
    yield r
    r.stop()


def phase(n, tag):
    p = hooked(f"import sys\nfor i in range({n}): sys.audit('app.{tag}', i)")
    assert p.wait(timeout=60) == 0
    return p.pid


@needs_root_bpf
@pytest.mark.parametrize("buffer", ["16M", "8K"])
def test_syslog_to_rsyslogd_across_a_relay_restart(relay, tmp_path, buffer):
    relay.start()
    out, prom = tmp_path / "o.jsonl", tmp_path / "m.prom"
    mon = start_monitor(out, "--summary", "--syslog", f"tcp:127.0.0.1:{relay.port}",
                        "--syslog-buffer", buffer, "--metrics", str(prom),
                        "--metrics-interval", "100")
    n = 300
    try:
        phase(n, "one")
        wait_for(file_has(out, lambda x: x.get("event") == "app.one" and x["args"][0] == n - 1),
                 "phase one in the file")

        def sink_idle():
            # every record offered so far acknowledged by the relay or counted lost
            for _ in range(3):
                time.sleep(0.3)
                if "pyxcheck_sink_queued 0\n" not in prom.read_text():
                    return False
            return True
        wait_for(sink_idle, "the sink to drain")
        relay.stop()
        phase(n, "two")
        wait_for(file_has(out, lambda x: x.get("event") == "app.two" and x["args"][0] == n - 1),
                 "phase two in the file")
        time.sleep(0.5)
        relay.start()
        phase(n, "three")
        wait_for(file_has(out, lambda x: x.get("event") == "app.three" and x["args"][0] == n - 1),
                 "phase three in the file")
        assert stop(mon) == 0
    finally:
        if mon.poll() is None:
            mon.kill()
            mon.wait()
    relay.stop()    # flushes its files
    lines = [x for x in out.read_text().split("\n") if x]
    recs = [json.loads(x) for x in lines]
    got = relay.messages()
    # every message parses, is one of the file's records byte for byte, and arrived once
    assert len(got) == len(set(got))
    assert set(got) <= set(lines)
    for m in got:
        json.loads(m)
    lost = [x for x in recs if x["type"] == "lost" and x["stream"] == "sink"]
    lost_total = sum(x["count"] for x in lost)
    # a lost record after the summary (the sink closed) is the only line never offered to it
    end = [x["type"] for x in recs].index("summary") + 1
    assert all(x["type"] == "lost" and x["stream"] == "sink" for x in recs[end:])
    assert len(recs) - end <= 1
    assert len(got) + lost_total == end
    if buffer == "16M":
        assert lost_total == 0 and len(got) == len(lines)
        for tag in ("one", "two", "three"):
            assert sum(json.loads(m).get("event") == f"app.{tag}" for m in got) == n, tag
    else:
        assert lost_total > 0
    metrics = prom.read_text()
    assert f'pyxcheck_lost_total{{stream="sink"}} {lost_total}\n' in metrics
    assert f"pyxcheck_sink_sent_total {len(got)}\n" in metrics
    # RFC 5424 header fields as rsyslog parsed them
    heads = [x for x in relay.head.read_text().split("\n") if x]
    assert len(heads) == len(got)
    for h, m in zip(heads, got):
        assert h == f"1 pyxcheck {mon.pid} {json.loads(m)['type']} {socket.gethostname()}", h


@needs_root_bpf
def test_syslog_through_a_host_forwarder_to_the_relay(tmp_path):
    relay = Relay(tmp_path)
    fwd = Relay(tmp_path, "forwarder", FORWARDER_CONF, relay_port=relay.port)
    try:
        relay.start()
        fwd.start()
        out = tmp_path / "o.jsonl"
        mon = start_monitor(out, "--summary", "--syslog", f"tcp:127.0.0.1:{fwd.port}")
        try:
            phase(200, "fleet")
            wait_for(file_has(out, lambda x: x.get("event") == "app.fleet" and
                              x["args"][0] == 199), "the events in the file")
            assert stop(mon) == 0
        finally:
            if mon.poll() is None:
                mon.kill()
                mon.wait()
        lines = [x for x in out.read_text().split("\n") if x]
        wait_for(lambda: len(relay.messages()) >= len(lines), "every record at the relay")
    finally:
        fwd.stop()
        relay.stop()
    got = relay.messages()
    assert sorted(got) == sorted(lines)
    heads = [x for x in relay.head.read_text().split("\n") if x]
    assert all(h.startswith(f"1 pyxcheck {mon.pid} ") for h in heads)


def read_datagrams(sock, got, done):
    """Read into got until the monitor is done and the socket is quiet (a unix datagram queue
    holds only net.unix.max_dgram_qlen messages: the reader must keep up)."""
    sock.settimeout(1)
    while True:
        try:
            got.append(sock.recv(1 << 20).decode("utf-8"))
        except (TimeoutError, socket.timeout):
            if done.is_set():
                return


RFC5424 = re.compile(r"<30>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (\S+) pyxcheck (\d+) "
                     r"(\S+) - (\{.*\})\Z", re.S)


@needs_root_bpf
@pytest.mark.parametrize("transport", ["unix", "udp"])
def test_syslog_datagrams_one_record_each(tmp_path, transport):
    if transport == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(tmp_path / "log"))
        addr = f"unix:{tmp_path / 'log'}"
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        addr = f"udp:127.0.0.1:{sock.getsockname()[1]}"
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    out = tmp_path / "o.jsonl"
    got = []
    done = threading.Event()
    reader = threading.Thread(target=read_datagrams, args=(sock, got, done))
    with sock:
        reader.start()
        try:
            r = run([str(MONITOR), "-j", "-o", str(out), "--syslog", addr, "--", SYSTEM_PYTHON,
                     "-c", "import sys; [sys.audit('app.dgram', i) for i in range(50)]"])
        finally:
            done.set()
            reader.join()
        assert r.returncode == 0, r.stderr
        lines = [x for x in out.read_text().split("\n") if x]
    msgs = []
    for g in got:
        m = RFC5424.match(g)
        assert m, g[:200]
        assert m.group(2) == socket.gethostname()
        assert m.group(4) == json.loads(m.group(5))["type"]
        msgs.append(m.group(5))
    assert msgs == lines


def test_syslog_bad_usage():
    for argv, msg in ((["--syslog", "tcp:x:1", "--", "true"], "add -j"),
                      (["-j", "--syslog", "ftp:x", "--", "true"], "--syslog"),
                      (["-j", "--syslog-buffer", "0", "--", "true"], "--syslog-buffer"),
                      (["--metrics-interval", "5", "--", "true"], "--metrics-interval")):
        r = run([str(MONITOR), *argv])
        assert r.returncode == 2 and msg in r.stderr and r.stderr.count("\n") == 1, r.stderr


# ---------------------------------------------------------------------------- make install
@needs_root_bpf
def test_make_install_destdir_then_the_installed_monitor_works(tmp_path):
    dest = tmp_path / "dest"
    # -o all: install what the suite is testing as it is, never rebuild it here (a sanitized
    # build-san would otherwise be remade with other flags)
    r = run(["make", "-C", str(ROOT), "-o", "all", "install", f"DESTDIR={dest}",
             "PREFIX=/usr/local", f"BUILD={MONITOR.parent}"], timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    usr = dest / "usr/local"
    for p, mode in (("bin/pyxcheck", 0o755), ("bin/pyxcheck-python", 0o755),
                    ("lib/pyxcheck/libpyxcheck.so", 0o755), ("sbin/pyxcheck-install-hook", 0o755),
                    ("share/man/man8/pyxcheck.8", 0o644),
                    ("lib/systemd/system/pyxcheck.service", 0o644)):
        assert stat.S_IMODE((usr / p).stat().st_mode) == mode, p
    assert (dest / "etc/logrotate.d/pyxcheck").exists()
    # the installed monitor finds the installed library, not build/
    out = tmp_path / "o.jsonl"
    r = run([str(usr / "bin/pyxcheck"), "-j", "-o", str(out), "--", SYSTEM_PYTHON, "-c",
             "print([l.split()[-1] for l in open('/proc/self/maps') if 'pyxcheck' in l][0])"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(usr / "lib/pyxcheck/libpyxcheck.so")
    recs = records_of(out)
    assert any(x["type"] == "lifecycle" and x["status"] == "installed" for x in recs)
    assert any(x["type"] == "audit" and x["event"] == "open" for x in recs)
    # hardening flags went in (dpkg-buildflags): BIND_NOW, stack protector, FORTIFY_SOURCE
    # (a sanitized build keeps its own flags)
    if not os.environ.get("PYX_ASAN_RUNTIME"):
        dyn = run(["readelf", "-d", str(usr / "bin/pyxcheck")]).stdout
        assert re.search(r"FLAGS.*\bNOW\b", dyn), dyn
        syms = run(["nm", "-D", str(usr / "bin/pyxcheck")]).stdout
        assert "__stack_chk_fail" in syms and "__snprintf_chk" in syms
    # the man page renders without warnings
    r = run(["groff", "-man", "-ww", "-z", str(usr / "share/man/man8/pyxcheck.8")])
    assert r.returncode == 0 and not r.stderr, r.stderr
    # the unit: systemd-analyze verify accepts it (against the DESTDIR tree)
    unit = usr / "lib/systemd/system/pyxcheck.service"
    text = unit.read_text()
    assert "ExecStart=/usr/local/bin/pyxcheck -a -j -A -o /var/log/pyxcheck/events.jsonl" in text
    assert "Type=notify" in text
    if not shutil.which("systemd-analyze"):
        pytest.skip("skipped: systemd-analyze missing (make deps installs systemd)")
    # verify checks that ExecStart exists and that man can open Documentation=: point both
    # at the DESTDIR tree in a copy (--root= needs a whole system image there)
    copy = tmp_path / "verify" / "pyxcheck.service"
    copy.parent.mkdir()
    copy.write_text(text.replace("/usr/local/bin/", f"{usr}/bin/"))
    env = dict(os.environ, MANPATH=f"{usr}/share/man:")
    r = run(["systemd-analyze", "verify", str(copy)], env=env)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    # its hardening, as systemd rates it ("OK" is 2.x to 4.x; an unhardened service is 9.6)
    r = run(["systemd-analyze", "security", "--offline=true", str(copy)], env=env)
    level = re.search(r"Overall exposure level for pyxcheck.service: (\d+\.\d)", r.stdout)
    assert level and float(level.group(1)) < 5.0, r.stdout[-500:]
    # the logrotate file is valid for logrotate itself (debug mode: reads, changes nothing)
    r = run(["logrotate", "-d", str(dest / "etc/logrotate.d/pyxcheck")])
    assert r.returncode == 0 and "error" not in r.stderr.lower(), r.stderr


# ---------------------------------------------------------------------------- install-hook
def test_install_hook_preload_is_idempotent_and_keeps_other_entries(tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    preload = root / "etc/ld.so.preload"
    original = b"/usr/lib/libother.so\n# a comment\n/opt/a.so /opt/b.so"
    preload.write_bytes(original)
    lib = str(LIBPYXCHECK)
    hook = [str(INSTALL_HOOK), "--root", str(root), "--lib", lib]
    for _ in range(2):
        r = run(hook + ["add", "--preload"])
        assert r.returncode == 0, r.stderr
    assert preload.read_bytes() == original + b"\n" + lib.encode() + b"\n"
    r = run(hook + ["status"])
    assert "preloads" in r.stdout
    for _ in range(2):
        r = run(hook + ["remove", "--preload"])
        assert r.returncode == 0, r.stderr
    assert preload.read_bytes() == original + b"\n"
    # absent file: created, then removed again
    preload.unlink()
    run(hook + ["add", "--preload"])
    assert preload.read_text() == lib + "\n"
    run(hook + ["remove", "--preload"])
    assert not preload.exists()
    # our path inside a line with others: only it goes
    preload.write_text(f"/opt/a.so {lib} /opt/b.so\n/x.so\n")
    run(hook + ["remove", "--preload"])
    assert preload.read_text() == "/opt/a.so /opt/b.so\n/x.so\n"
    r = run(hook + ["add"])
    assert r.returncode == 1 and "--preload" in r.stderr


@needs_root_bpf
def test_install_hook_pth_makes_an_interpreter_hooked(tmp_path):
    venv = tmp_path / "venv"
    r = run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)])
    if r.returncode:
        pytest.fail(f"python3 -m venv failed (python3-venv missing?): {r.stderr}")
    py = venv / "bin/python3"
    hook = [str(INSTALL_HOOK), "--lib", str(LIBPYXCHECK)]
    for _ in range(2):
        r = run(hook + ["add", "--python", str(py)])
        assert r.returncode == 0, r.stderr
    assert "hooked" in run(hook + ["status", "--python", str(py)]).stdout
    code = "import sys; print('pyxcheck' in sys.modules)"
    assert run([str(py), "-c", code]).stdout.strip() == "True"
    run(hook + ["remove", "--python", str(py)])
    assert run([str(py), "-c", code]).stdout.strip() == "False"
    assert "not hooked" in run(hook + ["status", "--python", str(py)]).stdout


@needs_root_bpf
def test_pid_mode_warns_when_the_target_has_no_hook(tmp_path):
    p = subprocess.Popen(["sleep", "30"])
    out = tmp_path / "o"
    try:
        mon = subprocess.Popen([str(MONITOR), "-j", "-o", str(out), "-p", str(p.pid)],
                               stderr=subprocess.PIPE, text=True)
        wait_for(file_has(out, lambda r: r["type"] == "start"), "the start record")
        p.kill()
        p.wait()
        _, err = mon.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert f"pid {p.pid} carries no pyxcheck hook" in err
