# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Views for investigations (issue 12): the -c/-C tables, --trace-out and --html (docs/views.md).

One monitor run of a small workload writes, at once, the JSON records (-j -o), the tables on
stderr (-C), a Perfetto trace and an HTML report; the tests compare each view with the JSON
records of that same run:
  - every row of the tables (calls, errors, seconds, usecs/call, % time) is recomputed from the
    records: syscalls from the syscall records; an audit event's time from its
    syscalls_latency_ns; its errors are its records with a failed matched syscall; processes and
    source lines (frame file:line) likewise;
  - the trace passes a schema check written here (keys per phase, slices nested per track, flow
    events paired) and holds one slice per audit and per syscall record;
  - the report is rendered by headless Chromium: its DOM holds the same tables, the findings and
    one SVG timeline per process, and its screenshot is a non-blank PNG of the asked size.
-S is checked on -c runs (tables instead of records).
"""
import json
import shutil
import struct
import zlib
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from conftest import MONITOR, SYSTEM_PYTHON, needs_root_bpf, run, without_startup_warnings
from pyxjson import plain_sys

pytestmark = needs_root_bpf

WORKLOAD = r"""
import ctypes, os, subprocess, sys, threading
d = sys.argv[1]
def worker():
    for _ in range(3):
        open(os.devnull).close()
t = threading.Thread(target=worker)
t.start()
t.join()
for i in range(5):
    try:
        open(os.path.join(d, "missing", str(i)))
    except OSError:
        pass
subprocess.run(["/bin/true"])
os.mkdir(os.path.join(d, "sub"))
os.rmdir(os.path.join(d, "sub"))
# a name the report must escape (an application's own event)
sys.audit("<b>bold</b>&\"'")
# an unaudited syscall: a finding for the report
libc = ctypes.CDLL(None, use_errno=True)
libc.mkdir(os.path.join(d, "via-ctypes").encode(), 0o700)
"""


HOSTILE = "<b>bold</b>&\"'"


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(x) for x in f]


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    d = tmp_path_factory.mktemp("views")
    (d / "work.py").write_text(WORKLOAD)
    r = run([str(MONITOR), "-j", "-o", str(d / "out.jsonl"), "-C", "--trace-out",
             str(d / "trace.json"), "--html", str(d / "report.html"), "--", SYSTEM_PYTHON,
             str(d / "work.py"), str(d)], timeout=300)
    assert r.returncode == 0, r.stderr
    return d, records(d / "out.jsonl"), without_startup_warnings(r.stderr)


# ------------------------------------------------------------------------------------ tables
def secs(ns):
    return f"{ns // 10**9}.{ns // 1000 % 10**6:06d}"


def parse_tables(text):
    """The -c/-C text as {title: [row fields]}: blocks split at blank lines."""
    blocks, cur = [], []
    for line in text.splitlines():
        if not line.strip():
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(line)
    if cur:
        blocks.append(cur)
    out = {}
    for b in blocks:
        if b[0].startswith("audit events:"):
            b = b[1:]
        head = b[0]
        rows = [x for x in b[1:] if not x.startswith("------")]
        out[head.split()[-1] if not head.startswith("slowest") else "slowest"] = rows
    return out


def strace_rows(rows):
    """Rows of an strace-style table: name -> (pct, seconds, usecs, calls, errors)."""
    res = {}
    for x in rows:
        f = x.split(None, 5)
        res[f[5]] = (float(f[0]), f[1], int(f[2]), int(f[3]), int(f[4]))
    return res


def expect_strace(groups):
    """name -> [(time_ns, error)] to the rows the table must show, and the total row."""
    total = sum(ns for v in groups.values() for ns, _ in v)
    rows = {}
    for name, v in groups.items():
        ns = sum(t for t, _ in v)
        rows[name] = (round(100 * ns / total, 2) if total else 0.0, secs(ns),
                      ns // 1000 // len(v), len(v), sum(e for _, e in v))
    calls = sum(len(v) for v in groups.values())
    rows["total"] = (100.0 if total else 0.0, secs(total), total // 1000 // calls if calls else 0,
                     calls, sum(e for v in groups.values() for _, e in v))
    return rows


def same_rows(got, want):
    assert set(got) == set(want)
    for k, w in want.items():
        g = got[k]
        assert g[1:] == w[1:], (k, g, w)
        assert abs(g[0] - w[0]) <= 0.011, (k, g, w)  # % time: printed with 2 decimals


def audit_groups(recs, key):
    g = defaultdict(list)
    for x in recs:
        if x["type"] != "audit":
            continue
        k = key(x)
        if k is None:
            continue
        failed = any(s and "errno" in s for s in x.get("syscalls", []))
        g[k].append((x.get("syscalls_latency_ns", 0), int(failed)))
    return g


def sorted_by(rows, key):
    """The order -S calls|errors|name must give (biggest first, ties by name)."""
    idx = {"calls": 3, "errors": 4}
    names = [n for n in rows if n != "total"]
    if key == "name":
        return sorted(names)
    return sorted(names, key=lambda n: (-rows[n][idx[key]], n))


def by_time(groups):
    """The default order, from the nanosecond sums (ties by name)."""
    return sorted(groups, key=lambda n: (-sum(t for t, _ in groups[n]), n))


@pytest.mark.xdist_group("views_reports_capture")  # one capture run (loadgroup)
def test_summary_totals_equal_the_json_records(capture):
    d, recs, err = capture
    text = err[err.index("audit events:"):]
    t = parse_tables(text)

    sc = defaultdict(list)
    for x in recs:
        if x["type"] == "syscall":
            sc[x["syscall"]].append((x.get("latency_ns", 0), int("errno" in x)))
    assert sc["openat"] and sc["mkdir"]
    got = strace_rows(t["syscall"])
    same_rows(got, expect_strace(sc))
    assert [n for n in got if n != "total"] == by_time(sc)

    ev = audit_groups(recs, lambda x: x["event"])
    got = strace_rows(t["event"])
    same_rows(got, expect_strace(ev))
    assert got["open"][3] >= 8 and got["open"][4] >= 5  # the five missing files failed
    assert [n for n in got if n != "total"] == by_time(ev)

    # per process: seconds, syscalls, errors, events
    procs = {}
    for x in t["comm"]:
        f = x.split(None, 6)
        procs[int(f[5])] = (f[1], int(f[2]), int(f[3]), int(f[4]), f[6])
    want = {}
    for x in recs:
        if x["type"] not in ("syscall", "audit"):
            continue
        p = want.setdefault(x["pid"], [0, 0, 0, 0])
        if x["type"] == "syscall":
            p[0] += x.get("latency_ns", 0)
            p[1] += 1
            p[2] += "errno" in x
        else:
            p[3] += 1
    assert {pid: v[:4] for pid, v in procs.items()} == {
        pid: (secs(v[0]), v[1], v[2], v[3]) for pid, v in want.items()}
    assert {v[4] for v in procs.values()} >= {"python3", "true"}

    # per source line: the first 30, by time
    lines = audit_groups(recs, lambda x: f"{x['frame']['file']}:{x['frame']['line']}"
                         if x.get("frame") else None)
    exp = expect_strace(lines)
    del exp["total"]
    rows = t["line"]
    more = [x for x in rows if x.startswith("(")]
    rows = [x for x in rows if not x.startswith("(")]
    got = strace_rows(rows)
    assert len(got) == min(30, len(exp))
    assert more == ([f"({len(exp) - 30} more source lines)"] if len(exp) > 30 else [])
    for k, g in got.items():
        assert g[1:] == exp[k][1:], (k, g, exp[k])
    assert list(got) == by_time(lines)[:30]
    work = str(d / "work.py")
    assert any(k.startswith(work + ":") for k in exp)

    # the slowest audit events: the biggest syscalls_latency_ns, with frame and syscalls
    slow = [x for x in recs if x["type"] == "audit" and x.get("syscalls_latency_ns")]
    slow.sort(key=lambda x: -x["syscalls_latency_ns"])
    rows = t["slowest"][1:]
    assert len(rows) == min(10, len(slow))
    assert [int(x.split()[0]) for x in rows] == [x["syscalls_latency_ns"] // 1000
                                                 for x in slow[:len(rows)]]
    top = slow[0]
    assert rows[0].split()[3] == top["event"]
    s0 = top["syscalls"][0]
    assert f"{s0['syscall']}={s0['ret']} {s0['latency_ns'] // 1000}us" in rows[0]


@pytest.mark.parametrize("key", ["calls", "errors", "name"])
def test_summary_only_sorts_by_S(tmp_path, key):
    (tmp_path / "work.py").write_text(WORKLOAD)
    out = tmp_path / "table.txt"
    r = run([str(MONITOR), "-c", "-S", key, "-o", str(out), "--", SYSTEM_PYTHON,
             str(tmp_path / "work.py"), str(tmp_path)], timeout=300)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    # tables instead of records: the output starts with them
    assert text.startswith("audit events:"), text[:200]
    t = parse_tables(text)
    for table in ("event", "syscall"):
        rows = strace_rows(t[table])
        assert len(rows) > 3
        assert [n for n in rows if n != "total"] == sorted_by(rows, key), (table, rows)


def test_S_rejects_an_unknown_key():
    r = run([str(MONITOR), "-c", "-S", "speed", "--", "true"])
    assert r.returncode == 2
    assert "-S: 'speed' is not time, calls, errors or name" in r.stderr
    r = run([str(MONITOR), "-c", "-j", "--", "true"])
    assert r.returncode == 2 and "not with -j" in r.stderr


# ------------------------------------------------------------------------------------ trace
REQUIRED = {
    "X": {"name", "cat", "ph", "pid", "tid", "ts", "dur"},
    "i": {"name", "cat", "ph", "pid", "tid", "ts", "s"},
    "s": {"name", "cat", "ph", "pid", "tid", "ts", "id"},
    "f": {"name", "cat", "ph", "pid", "tid", "ts", "id"},
    "M": {"name", "ph", "pid", "args"},
}


def ns(us):
    """A trace time (microseconds, 3 decimals) back to integer nanoseconds."""
    return round(us * 1000)


def check_trace_schema(doc):
    """The trace-event format as Perfetto and chrome://tracing read it; returns the events."""
    assert isinstance(doc, dict) and isinstance(doc["traceEvents"], list)
    events = doc["traceEvents"]
    for e in events:
        assert e["ph"] in REQUIRED, e
        missing = REQUIRED[e["ph"]] - set(e)
        assert not missing, (missing, e)
        assert isinstance(e["pid"], int) and e["pid"] > 0, e
        if e["ph"] != "M":
            assert isinstance(e["tid"], int) and e["tid"] > 0, e
            assert isinstance(e["ts"], (int, float)) and e["ts"] >= 0, e
            assert isinstance(e["name"], str) and e["name"], e
        if e["ph"] == "X":
            assert e["dur"] >= 0, e
        if e["ph"] == "i":
            assert e["s"] in ("t", "p", "g"), e
        if e["ph"] == "f":
            assert e.get("bp", "e") == "e", e
        if e["ph"] == "M":
            assert e["name"] in ("process_name", "thread_name"), e
            assert isinstance(e["args"]["name"], str), e
            if e["name"] == "thread_name":
                assert "tid" in e, e
        if "args" in e:
            assert isinstance(e["args"], dict), e
    # slices of one track nest: sorted by start (longest first), each one ends inside the
    # slice it starts in
    tracks = defaultdict(list)
    for e in events:
        if e["ph"] == "X":
            tracks[(e["pid"], e["tid"])].append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e))
    for key, sl in tracks.items():
        sl.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        stack = []
        for start, end, e in sl:
            while stack and stack[-1][1] <= start:
                stack.pop()  # ended before (or as) this one starts
            if stack:
                assert end <= stack[-1][1], ("slices cross", key, stack[-1][2], e)
            stack.append((start, end, e))
    # flows: each id has one start and one finish, in that order, of the same name
    flows = defaultdict(dict)
    for e in events:
        if e["ph"] in "sf":
            assert e["ph"] not in flows[e["id"]], ("flow id used twice", e)
            flows[e["id"]][e["ph"]] = e
    for fid, f in flows.items():
        assert set(f) == {"s", "f"}, (fid, f)
        assert f["s"]["ts"] <= f["f"]["ts"] and f["s"]["name"] == f["f"]["name"], f
    # every track is named
    named = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    procs = {e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    for e in events:
        if e["ph"] in "Xi" and e["cat"] != "process":
            assert (e["pid"], e["tid"]) in named, e
            assert e["pid"] in procs, e
    return events


def test_check_trace_schema_catches_crossing_slices_and_lone_flows():
    ok = {"traceEvents": [
        {"ph": "X", "name": "a", "cat": "audit", "pid": 1, "tid": 1, "ts": 1.0, "dur": 5.0},
        {"ph": "X", "name": "b", "cat": "syscall", "pid": 1, "tid": 1, "ts": 2.0, "dur": 1.0},
        {"ph": "M", "name": "process_name", "pid": 1, "tid": 1, "args": {"name": "p"}},
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "p"}}]}
    check_trace_schema(ok)
    bad = json.loads(json.dumps(ok))
    bad["traceEvents"][1]["dur"] = 9.0
    with pytest.raises(AssertionError, match="cross"):
        check_trace_schema(bad)
    bad = json.loads(json.dumps(ok))
    bad["traceEvents"].append({"ph": "s", "name": "fork", "cat": "process", "pid": 1, "tid": 1,
                               "ts": 1.0, "id": 7})
    with pytest.raises(AssertionError):
        check_trace_schema(bad)
    bad = json.loads(json.dumps(ok))
    del bad["traceEvents"][0]["dur"]
    with pytest.raises(AssertionError):
        check_trace_schema(bad)


@pytest.mark.xdist_group("views_reports_capture")  # one capture run (loadgroup)
def test_trace_holds_the_run(capture):
    d, recs, _ = capture
    with open(d / "trace.json", encoding="utf-8") as f:
        events = check_trace_schema(json.load(f))
    x = [e for e in events if e["ph"] == "X"]
    sc = [r for r in recs if r["type"] == "syscall"]
    au = [r for r in recs if r["type"] == "audit"]
    # one slice per record, at the record's time, with its arguments
    assert sorted((e["tid"], ns(e["ts"])) for e in x if e["cat"].startswith("syscall")) == \
        sorted((r["tid"], r["ts"] - r.get("latency_ns", 0)) for r in sc)
    assert sorted((e["tid"], ns(e["ts"]), e["name"]) for e in x if e["cat"].startswith("audit")) \
        == sorted((r["tid"], r["ts"], r["event"]) for r in au)
    mk = [e for e in x if e["name"] == "mkdir"]
    assert {plain_sys(e["args"]["pathname"]) for e in mk} == {str(d / "sub"), str(d / "via-ctypes")}
    # the audited mkdir is a slice inside its os.mkdir slice; the ctypes one is an alarm
    osmk = [e for e in x if e["name"] == "os.mkdir"]
    assert len(osmk) == 1 and osmk[0]["args"]["verdict"] == "matched"
    inner = [e for e in mk if plain_sys(e["args"]["pathname"]) == str(d / "sub")][0]
    assert ns(osmk[0]["ts"]) <= ns(inner["ts"])
    assert ns(inner["ts"]) + ns(inner["dur"]) == ns(osmk[0]["ts"]) + ns(osmk[0]["dur"])
    alarm = [e for e in mk if plain_sys(e["args"]["pathname"]) == str(d / "via-ctypes")][0]
    assert alarm["cat"] == "syscall,alarm" and alarm["args"]["verdict"] == "unaudited"
    assert any(e["ph"] == "i" and e["cat"] == "alarm" and e["name"] == "unaudited mkdir"
               for e in events)
    # fork/exec/exit instants; each fork an arrow from the parent's track to the child's
    forks = [r for r in recs if r["type"] == "process" and r["event"] == "fork"]
    inst = defaultdict(list)
    for e in events:
        if e["ph"] == "i" and e["cat"] == "process":
            inst[e["name"]].append(e)
    assert len(inst["fork"]) == len(forks) >= 2  # the thread and /bin/true
    assert len(inst["exec"]) == len([r for r in recs if r["type"] == "process"
                                     and r["event"] == "exec"]) >= 1
    assert len(inst["exit"]) >= 1
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    ends = {e["id"]: e for e in events if e["ph"] == "f"}
    assert len(starts) == len(forks)
    for r in forks:
        fid = [i for i, e in starts.items() if e["tid"] == r["tid"] and ns(e["ts"]) == r["ts"]]
        assert len(fid) == 1, r
        assert (ends[fid[0]]["pid"], ends[fid[0]]["tid"]) == (r["child_pid"], r["child_tid"])
        # where viewers bind the arrow: the parent's clone/vfork slice around the fork, and
        # the child's first slice after it
        s, f = starts[fid[0]], ends[fid[0]]
        assert any(e["name"] in ("clone", "clone3", "vfork", "fork") and e["tid"] == s["tid"]
                   and ns(e["ts"]) <= ns(s["ts"]) <= ns(e["ts"]) + ns(e["dur"]) for e in x), s
        assert any(e["tid"] == f["tid"] and ns(e["ts"]) >= ns(f["ts"]) for e in x), f
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    assert "true" in names.values() and "python3" in names.values()


# ------------------------------------------------------------------------------------ HTML
CHROMIUM = shutil.which("chromium")


def chromium(*args):
    if not CHROMIUM:
        pytest.skip("skipped: Debian's chromium is not installed (`make views-deps` installs it)")
    return run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", *args], timeout=180)


class Dom(HTMLParser):
    """Tables by id (rows of cell texts), SVG timelines, and every external reference."""

    def __init__(self):
        super().__init__()
        self.tables, self.svgs, self.refs, self.scripts, self.tags = {}, [], [], 0, set()
        self.table = self.row = self.cell = None
        self.rects = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                self.refs.append(a[k])
        if tag == "script":
            self.scripts += 1
        if tag == "link":
            self.refs.append(a.get("href", "?"))
        if tag == "table":
            self.table = self.tables.setdefault(a.get("id"), [])
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "svg":
            self.svgs.append({"pid": int(a["data-pid"]), "rects": 0, "alarms": 0,
                              "merged": int(a["data-merged"])})
        elif tag == "rect" and self.svgs:
            self.svgs[-1]["rects"] += 1
        elif tag == "circle" and self.svgs:
            self.svgs[-1]["alarms"] += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.mark.xdist_group("views_reports_capture")  # one capture run (loadgroup)
def test_html_report_renders_in_chromium(capture):
    d, recs, err = capture
    page = d / "report.html"
    r = chromium("--dump-dom", page.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    assert "<h1>pyxcheck report</h1>" in r.stdout
    dom = Dom()
    dom.feed(r.stdout)
    # self-contained: no script, no external style, font or image
    assert dom.refs == [] and dom.scripts == 0
    raw = page.read_text()
    assert "http://" not in raw.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in raw
    # the same tables as -C
    t = parse_tables(err[err.index("audit events:"):])
    sc = strace_rows(t["syscall"])
    rows = dom.tables["t-syscalls"]
    assert rows[0] == ["% time", "seconds", "usecs/call", "calls", "errors", "syscall"]
    assert {x[5]: (x[1], int(x[2]), int(x[3]), int(x[4])) for x in rows[1:]} == {
        k: v[1:] for k, v in sc.items() if k != "total"}
    ev = strace_rows(t["event"])
    assert {x[5]: int(x[3]) for x in dom.tables["t-events"][1:]} == {
        k: v[3] for k, v in ev.items() if k != "total"}
    # text from the monitored process is text, never markup
    assert ev[HOSTILE][3] == 1 and "b" not in dom.tags
    assert {int(x[0]) for x in dom.tables["t-procs"][1:]} == {
        x["pid"] for x in recs if x["type"] in ("syscall", "audit")}
    # findings with context: the ctypes mkdir, after the ctypes call, with its frame
    f = [x for x in dom.tables["findings"][1:] if x[4] == "unaudited"]
    assert len(f) == 1, dom.tables["findings"]
    assert f[0][5].startswith(f'mkdir("{d / "via-ctypes"}"')
    un = [x for x in recs if x.get("verdict") == "unaudited"]
    assert len(un) == 1
    ctx = un[0]["context"]
    assert ctx["event"].startswith("ctypes.")
    assert f[0][6] == (f"after {ctx['event']} at {ctx['frame']['file']}:{ctx['frame']['line']} "
                       f"({ctx['frame']['function']})")
    # an SVG timeline per process that did something, with its slices and the alarm
    pids = {x["pid"] for x in recs if x["type"] in ("syscall", "audit")}
    assert {s["pid"] for s in dom.svgs} >= pids
    mkdir = [x for x in recs if x.get("verdict") == "unaudited"][0]
    assert [s["pid"] for s in dom.svgs if s["alarms"]] == [mkdir["pid"]]
    # every audit and syscall record is drawn, or merged into the item before it (same pixel,
    # same colour); process events are drawn too
    assert sum(s["rects"] + s["merged"] for s in dom.svgs) == len(
        [x for x in recs if x["type"] in ("syscall", "audit", "process")])


def png_pixels(data):
    """(width, height, rows of RGB(A) bytes) of a non-interlaced 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        at = y * (stride + 1)
        ft, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


@pytest.mark.xdist_group("views_reports_capture")  # one capture run (loadgroup)
def test_html_report_screenshot_is_not_blank(capture, tmp_path):
    d, _, _ = capture
    shot = tmp_path / "shot.png"
    r = chromium(f"--screenshot={shot}", "--window-size=1200,900", "--hide-scrollbars",
                 (d / "report.html").as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    w, h, rows, bpp = png_pixels(shot.read_bytes())
    assert (w, h) == (1200, 900)
    colours = set()
    for row in rows[::7]:
        for i in range(0, len(row), bpp * 5):
            colours.add(row[i:i + 3])
    # text, table borders, the legend's colours: far more than a blank or one-colour page
    assert len(colours) >= 20, len(colours)
    assert b"\xff\xff\xff" in colours and b"\x44\xaa\x44" in colours  # the page, "matched"
