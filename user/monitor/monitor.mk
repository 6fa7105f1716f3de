# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The monitor build/pyxcheck, and build/tests/pyx-decode (its audit decoder without the kernel,
# for tests and fuzzing). loader.o includes the skeleton that bpf/bpf.mk generates.
MON_DIR     := user/monitor
MON_OBJDIR  := $(OUTPUT)/monitor
MON_CFLAGS  := $(BASE_CFLAGS) -I$(MON_DIR)
MON_CORE    := payload catalog buf record output output_json output_plain sysrec summary
MON_CORE_O  := $(patsubst %,$(MON_OBJDIR)/%.o,$(MON_CORE))
MON_O       := $(MON_CORE_O) $(patsubst %,$(MON_OBJDIR)/%.o,main opts runner loader detach compat)
MON_LIBS    := -lbpf -lelf -lz -lm -lpthread

ALL_TARGETS += $(OUTPUT)/pyxcheck
MON_TEST_TARGETS := $(OUTPUT)/tests/pyx-decode
TEST_TARGETS += $(MON_TEST_TARGETS)
# tests.mk resets TEST_TARGETS; this keeps `make test` building ours whatever the include order.
test: $(MON_TEST_TARGETS)

$(MON_OBJDIR):
	$(Q)mkdir -p $@

$(MON_OBJDIR)/loader.o: $(PYX_SKEL)

$(MON_OBJDIR)/%.o: $(MON_DIR)/%.c | $(MON_OBJDIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(MON_CFLAGS) -c $< -o $@

$(OUTPUT)/pyxcheck: $(MON_O) | $(OUTPUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_LDFLAGS) $(MON_O) $(MON_LIBS) -o $@

$(OUTPUT)/tests/pyx-decode: $(MON_CORE_O) $(MON_OBJDIR)/decode_tool.o | $(OUTPUT)/tests
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_LDFLAGS) $^ -lm -o $@
