# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The correlator (user/monitor/corr_*.c, its API correlate.h); its unit-test driver
# build/tests/corr-unit is built by tests/tests.mk. Included from the Makefile after monitor.mk,
# whose pattern rule compiles $(MON_OBJDIR)/%.o.
# By stage: the engine (windows, verdicts), process state, blind spots, statistics, then the rules
# and what they use.
CORR_SRC := corr_engine corr_proc corr_blind corr_stats corr_rules corr_path corr_elf corr_native \
	corr_ustack corr_unwind
CORR_O := $(patsubst %,$(MON_OBJDIR)/%.o,$(CORR_SRC))
# CPython's built-in python:audit probe for blind spots: bpf/builtin_audit.bpf.c (bpf/bpf.mk).
$(MON_OBJDIR)/capture_builtin.o: $(BUILTIN_SKEL)


# The monitor links the correlator, its printers and the built-in probe: monitor.mk's link recipe
# expands $(MON_O) when it runs, so appending here is enough.
CORR_MON_O := $(CORR_O) $(MON_OBJDIR)/out_corr.o $(MON_OBJDIR)/capture_builtin.o
MON_O += $(CORR_MON_O)
$(OUTPUT)/pyxcheck: $(CORR_MON_O)
