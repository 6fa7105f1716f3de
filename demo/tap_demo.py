# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""`make tap-demo`: pyxcheck-tap on the hook's probes while demo/demo.py runs with the hook
preloaded; then every event of the demo process, decoded with tests/pyxwire.py.

Usage: python3 demo/tap_demo.py [--build DIR] [--python PATH]   (as root)
"""
import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import pyxwire  # noqa: E402

WIDTH = 100


def show(v):
    """A short, printable rendering of one decoded value."""
    if isinstance(v, pyxwire.Obj):
        inner = ", ".join(f"{k}={show(x)}" for k, x in v.attrs)
        return f"<{v.type}{' ' + inner if inner else ''}>"
    if isinstance(v, pyxwire.Cut):
        return show(v.value) + "…"
    if isinstance(v, (list, tuple)) and not isinstance(v, pyxwire.Obj):
        s = ", ".join(show(x) for x in v[:4]) + (", …" if len(v) > 4 else "")
        return ("[%s]" if isinstance(v, list) else "(%s)") % s
    s = repr(v)
    return s if len(s) <= 40 else s[:39] + "…"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--python", default="/usr/bin/python3")
    opt = ap.parse_args()
    build = Path(opt.build)
    if os.geteuid() != 0:
        sys.exit("demo: run as root (the tap attaches BPF programs to the hook's probes)")

    tap = subprocess.Popen([str(build / "pyxcheck-tap"), "-b", str(build / "libpyxcheck.so")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if tap.stderr.readline().strip() != "ready":
        tap.kill()
        sys.exit("demo: pyxcheck-tap did not start: " + tap.communicate(timeout=30)[1])
    print(f"demo: tap attached; running {opt.python} demo/demo.py with LD_PRELOAD", flush=True)
    env = dict(os.environ, LD_PRELOAD=str(build / "libpyxcheck.so"))
    try:
        child = subprocess.Popen([opt.python, str(ROOT / "demo" / "demo.py")], env=env)
        child.wait(timeout=120)
    finally:
        tap.send_signal(signal.SIGINT)
        out, err = tap.communicate(timeout=60)
    print("demo: " + err.strip().splitlines()[-1])

    print(f"\n{'PID':>7} {'PROBE':<8} {'EVENT':<28} {'WHERE':<26} ARGS")
    shown = 0
    for line in out.splitlines():
        f = dict(kv.split("=", 1) for kv in line.split(" "))
        if int(f["pid"]) != child.pid:
            continue
        if f["probe"].startswith("hook_"):
            rest = " ".join(f"{k}={v}" for k, v in f.items() if k not in ("probe", "pid", "tid"))
            print(f"{f['pid']:>7} {f['probe']:<8} {rest}")
            continue
        p = pyxwire.decode(bytes.fromhex(f["payload"]))
        where = f"{os.path.basename(p.file)}:{p.line}" if p.file else "-"
        args = ", ".join(show(a) for a in p.args)
        row = f"{f['pid']:>7} {f['probe']:<8} {p.name:<28.28} {where:<26.26} {args}"
        print(row if len(row) <= WIDTH else row[:WIDTH - 1] + "…")
        shown += 1
    print(f"\ndemo: {shown} audit events of pid {child.pid} (the demo), exit status "
          f"{child.returncode}")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
