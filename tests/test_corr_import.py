# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""An import's window ends where its module was read (issue 10; docs/correlation.md, "Known
limits"). CPython raises no event when an import ends, and `open` is a sub-event of `import`, so
an import's window used to stay open over every later `open` of its thread and match each of
their read-only openats as its own: after a thread's last import, a loop of opens kept it open
until the thread's max_held cap ended it `indeterminate`, with thousands of lines held behind it.
Its open and listdir sub-events now continue it only from the import system's own frames
(importlib, zipimport).

A hooked Python imports a module that nothing imported before (read from disk, with importlib's
`open` events) and a built-in one (no file: nothing but the loop's opens came after its `import`
event), then opens a file of its own in a loop: the first import is `matched` on the module's own
file and none of the loop's, the built-in one `no-syscall` as the interpreter's own built-in
imports, and every open of the loop is `matched` on its own openat alone."""
import json
import os

from conftest import MONITOR, needs_root_bpf, run

PY = "/usr/bin/python3"
OPENS = 40

CHILD = r"""
import sys
path = sys.argv[1]
import colorsys
import _bisect
for _ in range(%d):
    open(path, "rb").close()
""" % OPENS


@needs_root_bpf
def test_an_import_does_not_claim_the_opens_after_it(tmp_path):
    f = tmp_path / "data"
    f.write_bytes(b"x")
    os.chmod(tmp_path, 0o755)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = tmp_path / "out.jsonl"
    r = run([str(MONITOR), "-j", "-o", str(out), "--", PY, "-I", str(script), str(f)])
    assert r.returncode == 0, r.stderr
    recs = [json.loads(x) for x in out.read_text().splitlines()]

    def opened(x):
        return [s["args"]["filename"].get("path") for s in x.get("syscalls", [])
                if s["syscall"] == "openat"]

    imp = [x for x in recs if x.get("type") == "audit" and x.get("event") == "import"
           and x["args"]["module"].get("str") == "colorsys"]
    assert len(imp) == 1
    assert imp[0]["verdict"] == "matched"
    assert str(f) not in opened(imp[0])
    assert any(p.endswith(("colorsys.py", ".pyc")) for p in opened(imp[0])), opened(imp[0])

    # a built-in module: importlib reads no file for it, so nothing ended its window before the
    # loop; like the interpreter's own built-in imports at start-up (posix), it has no syscall
    builtin = {x["args"]["module"].get("str"): x for x in recs
               if x.get("type") == "audit" and x.get("event") == "import"}
    assert (builtin["_bisect"]["verdict"], opened(builtin["_bisect"])) == ("no-syscall", [])
    assert (builtin["posix"]["verdict"], opened(builtin["posix"])) == ("no-syscall", [])

    loop = [x for x in recs if x.get("type") == "audit" and x.get("event") == "open"
            and x["args"]["path"].get("str") == str(f)]
    assert [(x["verdict"], opened(x)) for x in loop] == [("matched", [str(f)])] * OPENS
    # no window claims an openat of the loop but its own open's
    claims = [x for x in recs if x.get("type") == "audit" and str(f) in opened(x)]
    assert len(claims) == OPENS
