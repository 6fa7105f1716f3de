# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The correlator's rule table (user/monitor/corr_rules.def) is in step with the event catalogue
(include/audit_events.def), the traced syscalls (include/pyxcheck_syscall.h), the functions it
names (user/monitor/corr_rules.c) and docs/correlation.md, whose rule section is generated from
it: after changing the table, run `/usr/bin/python3 tests/scripts/corr_rules_doc.py --update`."""
import difflib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

import corr_rules_doc as rd  # noqa: E402

RULES = rd.rules()
EVENTS = rd.events()
SOURCE = (rd.ROOT / "user" / "monitor" / "corr_rules.c").read_text()


def test_every_event_with_counterparts_has_exactly_one_row():
    rows = [r[0] for r in RULES["events"]]
    assert len(rows) == len(set(rows)), [s for s in rows if rows.count(s) > 1]
    want = sorted(s for s, (_, _, scs) in EVENTS.items() if scs)
    assert len(want) == 86
    assert sorted(rows) == want


def test_no_row_for_an_unknown_event_or_one_without_counterparts():
    for r in RULES["events"]:
        assert r[0] in EVENTS, r[0]
        assert EVENTS[r[0]][2], f"{r[0]} has no kernel counterparts in audit_events.def"
        for sub in r[2:4]:
            assert sub == "NONE" or sub in EVENTS, (r[0], sub)


def test_argument_roles_fit_the_events_arguments():
    roles = {r[0] for r in RULES["roles"]}
    for r in RULES["events"]:
        nargs = len(EVENTS[r[0]][1])
        for i, role in enumerate(r[6:11]):
            assert role in roles, (r[0], role)
            assert role == "NONE" or i < nargs, (r[0], i, role, EVENTS[r[0]][1])


def test_one_row_per_traced_syscall():
    traced = rd.traced_syscalls()
    rows = [r[0] for r in RULES["syscalls"]]
    assert len(traced) == 84
    assert sorted(rows) == sorted(traced)
    roles = {r[0] for r in RULES["roles"]}
    for r in RULES["syscalls"]:
        assert len(r) == 10, r
        assert r[1] in ("OPEN", "EXEC", "CLONE", "MAP", "OTHER"), r
        assert set(r[2:8]) <= roles, r


def test_named_functions_exist():
    for r in RULES["events"]:
        assert re.search(r"\bstatic void " + r[5] + r"\(", SOURCE), r[5]
        for c in r[11:15]:
            assert re.search(r"\bcmp_" + c + r"\b", SOURCE), c
    for r in RULES["syscalls"]:
        assert re.search(r"\bstatic bool sens_" + r[8] + r"\(", SOURCE), r[8]
        assert re.search(r"\bstatic bool ex_" + r[9] + r"\(", SOURCE), r[9]


def test_a_row_that_compares_nothing_says_so():
    """Rows that name no comparator are composites, loaders, resolvers or CC_NOARGS: the engine
    compares those by class; a CC_SINGLE row with nothing to compare would match anything
    silently."""
    for r in RULES["events"]:
        if all(c == "none" for c in r[11:15]):
            cls = rd._cls(r[1])
            assert any(k in cls for k in ("composite", "noargs", "loader", "resolver", "spawn")) \
                or r[0] == "OS_EXEC", (r[0], cls)


def test_docs_rule_section_is_generated_from_the_table():
    got = rd.doc_section()
    assert got is not None, f"docs/correlation.md has no {rd.BEGIN} section"
    want = rd.markdown()
    assert got == want, "docs/correlation.md is out of date; run tests/scripts/corr_rules_doc.py " \
        "--update:\n" + "".join(difflib.unified_diff(got.splitlines(True), want.splitlines(True),
                                                     "docs", "corr_rules.def"))
