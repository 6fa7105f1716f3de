# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The serialiser's fast paths, in every interpreter of the matrix, without BPF.

The hook reads str data in place and the frame's co_filename / co_name at the offsets of
PyCode_Type's member table instead of calling the C API per character and per attribute
(user/hook/pyapi.h). Here: (1) the layouts it reads equal what each interpreter's own headers
say, compiled with the C compiler; (2) every string width, compact or not, at and past
PYX_STR_MAX, escaped or not, and frames from many code objects and threads, serialise byte for
byte as the reference encoder says; (3) each str is read by the path we expect.
"""
import json
import subprocess

import pytest

from conftest import BUILD, PYTHONS, ROOT, run

CASES = ROOT / "tests" / "hook" / "fast_cases.py"
_cache = {}

# What the interpreter's headers say, for the fields the hook reads.
LAYOUT_C = r"""
#include <Python.h>
#include <structmember.h>
#ifdef PYX_FRAME
#include <internal/pycore_frame.h>
#endif
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>

static uint32_t state_of(void (*set)(PyASCIIObject *))
{
	PyASCIIObject a;
	uint32_t raw;

	memset(&a, 0, sizeof(a));
	set(&a);
	memcpy(&raw, (char *)&a + offsetof(PyASCIIObject, state), 4);
	return raw;
}
static void k7(PyASCIIObject *a) { a->state.kind = 7; }
static void c1(PyASCIIObject *a) { a->state.compact = 1; }
static void a1(PyASCIIObject *a) { a->state.ascii = 1; }
#if PY_VERSION_HEX < 0x030c0000
static void r1(PyASCIIObject *a) { a->state.ready = 1; }
#endif

int main(void)
{
	printf("%lu %zu %zu %d %zu %zu ", (unsigned long)PY_VERSION_HEX, sizeof(PyASCIIObject),
	       sizeof(PyCompactUnicodeObject),
#if PY_VERSION_HEX < 0x030c0000
	       state_of(r1) == 0x80,
#else
	       0,
#endif
	       offsetof(PyCodeObject, co_filename), offsetof(PyCodeObject, co_name));
	/* The line cache: 3.11 and later only (0 0 0 before). */
#ifdef PYX_FRAME
	printf("%zu %zu %zu\n", offsetof(PyCodeObject, co_linetable),
	       offsetof(PyCodeObject, co_firstlineno), offsetof(PyFrameObject, f_lineno));
#else
	printf("0 0 0\n");
#endif
	printf("%zu %zu %x %x %x %zu %zu %zu %zu %zu %zu %zu %zu %zu %lx\n",
	       offsetof(PyASCIIObject, length), offsetof(PyASCIIObject, state), state_of(k7),
	       state_of(c1), state_of(a1), offsetof(PyUnicodeObject, data),
	       offsetof(PyTypeObject, tp_members), offsetof(PyMemberDef, type),
	       offsetof(PyMemberDef, offset), sizeof(PyMemberDef), offsetof(PyTypeObject, tp_dict),
	       offsetof(PyTypeObject, tp_mro), offsetof(PyTypeObject, tp_version_tag),
	       sizeof(((PyTypeObject *)0)->tp_version_tag), Py_TPFLAGS_VALID_VERSION_TAG);
	return 0;
}
"""


def cases_for(python):
    if python not in _cache:
        if not (BUILD / "tests" / "pyxpayload.so").exists():
            pytest.fail("build/tests/pyxpayload.so is missing: run `make test`")
        r = run([python, str(CASES), str(BUILD)], timeout=300)
        assert r.returncode == 0, r.stderr
        lines = [json.loads(x) for x in r.stdout.splitlines()]
        _cache[python] = lines
    return _cache[python]


def header_layout(python, tmp_path):
    inc = run([python, "-c", "import sys, sysconfig; "
               "print(sysconfig.get_paths()['include'], sys.version_info >= (3, 11))"])
    assert inc.returncode == 0, inc.stderr
    inc, frame = inc.stdout.split()
    # PyFrameObject is internal from 3.11 on: pycore_frame.h wants Py_BUILD_CORE.
    defs = ["-DPy_BUILD_CORE", "-DPYX_FRAME"] if frame == "True" else []
    src, exe = tmp_path / "layout.c", tmp_path / "layout"
    src.write_text(LAYOUT_C)
    cc = subprocess.run(["cc", "-I" + inc] + defs + [str(src), "-o", str(exe)], capture_output=True,
                        text=True, timeout=120)
    if cc.returncode:
        pytest.fail(f"cannot compile against {inc} (make deps installs python3-dev): {cc.stderr}")
    return run([str(exe)]).stdout.splitlines()


@pytest.mark.parametrize("python", PYTHONS)
def test_layouts_match_the_interpreters_headers(python, tmp_path):
    first, second = header_layout(python, tmp_path)
    hook = cases_for(python)[-1]["layout"]
    assert [str(v) for v in hook] == first.split()
    # The fixed parts pyx_str_view and pyx_code_member rely on, the same in every version.
    ascii_size, compact_size = int(first.split()[1]), int(first.split()[2])
    # The line cache is on exactly on 3.11-3.13, with f_lineno at offset 40.
    assert first.split()[-1] == ("40" if hook[0] >= 0x030B0000 else "0")
    # ... and the type fields a pathlib path's class is checked by (payload.c path_class_plain)
    assert second.split() == ["16", "32", "1c", "20", "40", str(compact_size), "240", "8", "16",
                              "40", "264", "344", "384", "4", "80000"]
    assert (ascii_size, compact_size) in ((48, 72), (40, 56))


STR_CASES = ["ucs1", "ucs2", "ucs4", "ucs2_surrogate", "ucs4_surrogate", "max_ascii", "max_ucs1",
             "max_ucs2", "max_ucs4", "max_escaped", "ucs4_surrogate_at_scan_end",
             "ucs4_surrogate_past_scan", "subclass", "subclass_max", "legacy"]
FRAME_CASES = ["frame_long_file", "frame_non_ascii", "frame_ucs4_name", "frame_surrogate_file",
               "frame_long_name", "frame_replaced", "frame_subclass_file", "frame_module"]


@pytest.mark.parametrize("python", PYTHONS)
def test_every_width_and_frame_matches_the_reference(python):
    got = [d for d in cases_for(python) if "case" in d and "n_errors" not in d and
           d["case"] not in ("lines", "lines_after_trace")]
    names = [d["case"] for d in got]
    assert names == STR_CASES + FRAME_CASES[:-1] * 3 + ["frame_module"]
    for d in got:
        assert d["decode_error"] is None, (d["case"], d["decode_error"])
        assert d["equal"], (d["case"], d["c_hex"], d["ref_hex"])


@pytest.mark.parametrize("python", PYTHONS)
def test_each_str_is_read_by_the_expected_path(python):
    by = {d["case"]: d for d in cases_for(python) if "paths" in d}
    old = cases_for(python)[-1]["layout"][0] < 0x030C0000  # legacy strs exist before 3.12
    assert by["ucs1"]["paths"] == ["ucs1"] * 4
    assert by["ucs2"]["paths"] == ["ucs2"] * 3
    assert by["ucs4"]["paths"] == ["ucs4"] * 3
    assert by["max_ascii"]["paths"] == ["ascii"] * 2
    assert by["max_escaped"]["paths"] == ["ucs2"] * 2
    # str subclass instances are never compact: their data is behind data.any.
    assert by["subclass"]["paths"] == ["ascii", "ucs1", "ucs2", "ucs4", "ascii"]
    # A not-ready legacy str goes through the API; a ready one is read in place.
    assert by["legacy"]["paths"] == (["api", "ucs2", "ascii", "ucs2"] if old else
                                     ["ucs4", "ucs2", "ascii", "ucs2"])


@pytest.mark.parametrize("python", PYTHONS)
def test_frames_name_their_own_code(python):
    got = [d for d in cases_for(python) if d.get("case", "").startswith("frame_")]
    seen = {}
    for d in got:
        # json.dumps: a cut value decodes as a list (pyxwire.Cut).
        seen.setdefault(d["case"], set()).add((json.dumps(d["file"]), json.dumps(d["function"]),
                                               d["flags"], d["line"]))
    # Alternating code objects: each case decodes the same every time.
    assert all(len(v) == 1 for v in seen.values()), seen
    one = {k: next(iter(v)) for k, v in seen.items()}
    assert one["frame_non_ascii"] == (json.dumps("/tmp/caf\xe9/\u20ac\U0001F600.py"),
                                      json.dumps("f\xe9\u0394\u4e2d"), 0, 3)
    assert one["frame_ucs4_name"] == (json.dumps("n4.py"), json.dumps("f\U0001F600\udc80\\"),
                                      0, 3)
    assert one["frame_surrogate_file"] == (json.dumps("/tmp/a\udc80b\\.py"), json.dumps("fn"),
                                           0, 3)
    assert one["frame_replaced"] == (json.dumps("replaced.py"), json.dumps("renamed"), 0, 3)
    # A co_filename that is a str subclass is not read (exact types only): empty.
    assert one["frame_subclass_file"] == (json.dumps(""), json.dumps("fn"), 0, 3)
    assert one["frame_module"] == (json.dumps("mod\u20ac.py"), json.dumps("<module>"), 0, 2)
    # Past PYX_STR_MAX the file is cut and the payload says so.
    assert one["frame_long_file"][2] == 1 and one["frame_long_name"][2] == 1


@pytest.mark.parametrize("python", PYTHONS)
def test_many_threads_each_get_their_own_frame(python):
    t = [d for d in cases_for(python) if "n_errors" in d]
    assert t == [{"case": "threads", "errors": [], "n_errors": 0}]


@pytest.mark.parametrize("python", PYTHONS)
def test_lines_from_sites_loops_shared_tables_and_tracers(python):
    d = [d for d in cases_for(python) if d.get("case") == "lines"]
    assert len(d) == 1
    d = d[0]
    # 3 passes x 4 calls x 13 events, each equal to the reference with the frame's f_lineno.
    assert (d["total"], d["bad"]) == (156, [])
    assert d["lines"] == [5, 7, 9, 10, 105, 107, 109, 110]
    after = [d for d in cases_for(python) if d.get("case") == "lines_after_trace"]
    assert len(after) == 3 and all(d["equal"] for d in after), after
    # 3.8 and 3.9 answer from the stale f_lineno (line 9); later versions from the instruction.
    old = cases_for(python)[-1]["layout"][0] < 0x030A0000
    assert {d["line"] for d in after} == ({9} if old else {11})
    # The copy really shares the co_linetable (the line cache keys on it) where there is one.
    assert d["shares_linetable"] in (True, None)
