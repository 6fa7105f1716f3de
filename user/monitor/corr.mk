# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The correlator (user/monitor/correlate.c and corr_*.c) and its unit-test driver
# build/tests/corr-unit (tests/unit/corr_unit.c, run by tests/test_corr_unit.py). Included from the
# Makefile after monitor.mk, whose pattern rule compiles $(MON_OBJDIR)/%.o.
CORR_O := $(patsubst %,$(MON_OBJDIR)/%.o,correlate corr_rules corr_path corr_elf)
CORR_TEST_TARGETS := $(OUTPUT)/tests/corr-unit
ALL_TARGETS += $(CORR_TEST_TARGETS)
TEST_TARGETS += $(CORR_TEST_TARGETS)
test: $(CORR_TEST_TARGETS)

$(OUTPUT)/tests/corr-unit: tests/unit/corr_unit.c $(CORR_O) $(MON_CORE_O)
	$(call msg,BINARY,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -lelf -lm
