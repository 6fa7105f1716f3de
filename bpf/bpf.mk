# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The monitor's kernel side: build/pyxcheck.bpf.o and its skeleton build/pyxcheck.skel.h, which
# user/monitor/loader.c includes (monitor.mk: make loader.o depend on $(PYX_SKEL)).
# vmlinux.h is generated from the running kernel's BTF, or from VMLINUX_BTF=/path/to/vmlinux.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
PYX_VMLINUX := $(OUTPUT)/vmlinux.h
PYX_BPF_OBJ := $(OUTPUT)/pyxcheck.bpf.o
PYX_SKEL    := $(OUTPUT)/pyxcheck.skel.h
# -I/usr/include/<multiarch> for asm/errno.h etc. (FACTS.md); -MMD for header dependencies.
PYX_BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-Wno-gnu-variable-sized-type-not-at-end -I$(OUTPUT) -Iinclude \
	-I/usr/include/$(MULTIARCH) -MMD -MP

ALL_TARGETS += $(PYX_SKEL)

$(PYX_VMLINUX): | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)if [ ! -r "$(VMLINUX_BTF)" ]; then \
		echo "no kernel BTF at $(VMLINUX_BTF) (CONFIG_DEBUG_INFO_BTF=y needed):" \
			"set VMLINUX_BTF=/path/to/vmlinux" >&2; exit 1; fi
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# `bpftool gen object` links the object and drops its DWARF (the BTF stays): a smaller skeleton.
$(PYX_BPF_OBJ): bpf/pyxcheck.bpf.c $(PYX_VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(PYX_BPF_CFLAGS) -MF $(OUTPUT)/pyxcheck.bpf.d -MT $@ -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(PYX_SKEL): $(PYX_BPF_OBJ)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name pyxcheck_bpf > $@.tmp && mv $@.tmp $@

# Test helpers (tests/test_bpf_*.py, tests/test_sysrec.py): the loader and decoder without the CLI.
PYX_TEST_OUT := $(OUTPUT)/tests
ALL_TARGETS += $(PYX_TEST_OUT)/pyx-bpfdrv $(PYX_TEST_OUT)/test_sysrec

$(PYX_TEST_OUT):
	$(Q)mkdir -p $@

$(PYX_TEST_OUT)/pyx-bpfdrv: tests/bpf/bpfdrv.c user/monitor/loader.c user/monitor/detach.c user/monitor/sysrec.c \
		$(PYX_SKEL) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -Iuser/monitor $(filter %.c,$^) -o $@ $(BASE_LDFLAGS) -lbpf -lelf -lz -lpthread

$(PYX_TEST_OUT)/test_sysrec: tests/unit/test_sysrec.c user/monitor/sysrec.c | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -Iuser/monitor $(filter %.c,$^) -o $@ $(BASE_LDFLAGS)
