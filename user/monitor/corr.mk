# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The correlator (user/monitor/correlate.c and corr_*.c) and its unit-test driver
# build/tests/corr-unit (tests/unit/corr_unit.c, run by tests/test_corr_unit.py). Included from the
# Makefile after monitor.mk, whose pattern rule compiles $(MON_OBJDIR)/%.o.
CORR_O := $(patsubst %,$(MON_OBJDIR)/%.o,correlate corr_rules corr_path corr_elf corr_native corr_ustack)
CORR_TEST_TARGETS := $(OUTPUT)/tests/corr-unit
ALL_TARGETS += $(CORR_TEST_TARGETS)
TEST_TARGETS += $(CORR_TEST_TARGETS)
test: $(CORR_TEST_TARGETS)

$(OUTPUT)/tests/corr-unit: tests/unit/corr_unit.c $(CORR_O) $(MON_CORE_O)
	$(call msg,BINARY,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -lelf -lm

# CPython's built-in python:audit probe for blind spots: its own small BPF object and skeleton.
BUILTIN_BPF_OBJ := $(OUTPUT)/builtin_audit.bpf.o
BUILTIN_SKEL    := $(OUTPUT)/builtin_audit.skel.h
ALL_TARGETS     += $(BUILTIN_SKEL)

$(BUILTIN_BPF_OBJ): bpf/builtin_audit.bpf.c user/monitor/builtin_audit.h $(PYX_VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(PYX_BPF_CFLAGS) -Iuser/monitor -MF $(OUTPUT)/builtin_audit.bpf.d -MT $@ \
		-c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(BUILTIN_SKEL): $(BUILTIN_BPF_OBJ)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name builtin_audit_bpf > $@.tmp && mv $@.tmp $@

$(MON_OBJDIR)/builtin_audit.o: $(BUILTIN_SKEL)


# The monitor links the correlator, its printers and the built-in probe: monitor.mk's link recipe
# expands $(MON_O) when it runs, so appending here is enough.
CORR_MON_O := $(CORR_O) $(MON_OBJDIR)/corr_out.o $(MON_OBJDIR)/builtin_audit.o
MON_O += $(CORR_MON_O)
$(OUTPUT)/pyxcheck: $(CORR_MON_O)
