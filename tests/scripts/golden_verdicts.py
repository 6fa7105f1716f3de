#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Golden verdicts: run every program of tests/corpus/{benign,evasion,pairing} under the monitor
(as tests/test_correlate_corpus.py and test_correlate_pairing.py do, Debian's python3) and reduce
the output to a sorted, pid- and time-free list of what the correlator decided:

  audit      event name, verdict, why, the names of the syscalls it was paired with (sorted)
  unaudited  the syscall and its path (or socket address)
  blind-spot the executable and why it is one

Identical lines are folded into one with a count "n". The work directory of each program is
written as <W>. tests/test_corr_golden.py compares a fresh run with tests/data/golden-verdicts.jsonl.

  /usr/bin/python3 tests/scripts/golden_verdicts.py            # print the lines
  /usr/bin/python3 tests/scripts/golden_verdicts.py --update   # rewrite tests/data/golden-verdicts.jsonl

Needs root, BPF and a built tree (PYX_BUILD, default ./build).
"""
import collections
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import ROOT, SYSTEM_PYTHON  # noqa: E402
from correlate_util import CORPUS, build_cext, monitor  # noqa: E402
from pyxjson import plain  # noqa: E402

GOLDEN = ROOT / "tests" / "data" / "golden-verdicts.jsonl"

# Nondeterministic values, normalised explicitly (and only these):
# - a port in the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by
#   default): a listener bound to port 0 (evasion/ctypes_connect) gets a new one each run.
EPHEMERAL = range(32768, 61000)
# - PATH: subprocess tries execve in each PATH directory until one succeeds, so the number of
#   failed execve paired with a Popen is the number of directories before the command's. The
#   corpus runs with this fixed PATH, whatever the caller's (a CI machine's differs from ours).
FIXED_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def programs():
    """(name, script) of every corpus program, in a stable order."""
    out = []
    for d in ("benign", "evasion", "pairing"):
        for p in sorted((CORPUS / d).glob("*.py")):
            out.append((f"{d}/{p.stem}", p))
    return out


def prepare(name, work):
    """What a program needs in its work directory before it runs (as the corpus tests do)."""
    if name == "evasion/cext_import":
        build_cext(work)


def _norm(v, work):
    if isinstance(v, str):
        return v.replace(str(work), "<W>")
    if isinstance(v, list):
        return [_norm(x, work) for x in v]
    if isinstance(v, dict):
        return {k: _norm(x, work) for k, x in v.items()}
    return v


def _subject(args):
    """The path or address a syscall acted on."""
    for k in ("filename", "pathname", "path", "oldname", "newname"):
        if k in args:
            return args[k]
    for k in ("uservaddr", "umyaddr", "addr", "upeer_sockaddr"):
        if isinstance(args.get(k), dict):
            a = dict(args[k])
            if a.get("port") in EPHEMERAL:
                a["port"] = "<ephemeral>"
            return a
    return None


def reduce(name, recs, work):
    """The normalised lines of one program's records."""
    lines = []
    for r in map(plain, recs):
        if r["type"] == "audit" and "verdict" in r:
            d = {"prog": name, "kind": "audit", "event": r["event"], "verdict": r["verdict"]}
            if r.get("why"):
                d["why"] = r["why"]
            d["syscalls"] = sorted(s["syscall"] for s in r.get("syscalls", []))
        elif r.get("verdict") == "unaudited":
            d = {"prog": name, "kind": "unaudited", "syscall": r["syscall"],
                 "subject": _subject(r.get("args", {}))}
        elif r["type"] == "blind-spot":
            d = {"prog": name, "kind": "blind-spot", "exe": r.get("exe"), "why": r.get("why")}
        else:
            continue
        lines.append(json.dumps(_norm(d, work), sort_keys=True))
    counts = collections.Counter(lines)
    out = []
    for line in sorted(counts):
        d = json.loads(line)
        d["n"] = counts[line]
        out.append(json.dumps(d, sort_keys=True))
    return out


def run_corpus(only=None, args=()):
    """Run each corpus program under the monitor (extra monitor options args); yields (name,
    records, work directory, capture file) while the temporary directory still exists."""
    for name, script in programs():
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory(prefix="pyx-golden-") as t:
            work = Path(t) / "w"
            work.mkdir()
            prepare(name, work)
            env = dict(os.environ, PATH=FIXED_PATH)
            out = Path(t) / "o.jsonl"
            recs = monitor(SYSTEM_PYTHON, script, work, out, env=env, args=args, typed=True)
            yield name, recs, work, out


def collect(only=None):
    """Run the corpus; returns the sorted normalised lines."""
    lines = []
    for name, recs, work, _ in run_corpus(only):
        lines += reduce(name, recs, work)
    return sorted(lines)


def load():
    with open(GOLDEN, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def main(argv):
    lines = collect()
    if "--update" in argv:
        GOLDEN.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"wrote {len(lines)} lines to {GOLDEN}")
    else:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
