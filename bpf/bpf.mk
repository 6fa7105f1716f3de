# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every BPF object, by one pattern rule: bpf/NAME.bpf.c gives build/NAME.bpf.o and its skeleton
# build/NAME.skel.h (struct NAME_bpf), all from one build/vmlinux.h. The objects:
#   pyxcheck       the monitor's probes and syscall tracepoints (user/monitor/capture_loader.c)
#   builtin_audit  CPython's own python:audit probe, for blind spots
#   (user/monitor/capture_builtin.c)
#   tap            the raw probe tracer build/pyxcheck-tap (tools/tap/tap.c)
#   ctxprobe       does the kernel take the "arg:ctx" tag (user/monitor/capture_loader.c)
# vmlinux.h is generated from the running kernel's BTF, or from VMLINUX_BTF=/path/to/vmlinux.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
PYX_VMLINUX := $(OUTPUT)/vmlinux.h
BPF_NAMES   := pyxcheck builtin_audit tap ctxprobe
BPF_OBJS    := $(patsubst %,$(OUTPUT)/%.bpf.o,$(BPF_NAMES))
BPF_SKELS   := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_NAMES))
PYX_SKEL    := $(OUTPUT)/pyxcheck.skel.h
BUILTIN_SKEL := $(OUTPUT)/builtin_audit.skel.h
TAP_SKEL    := $(OUTPUT)/tap.skel.h
CTXPROBE_SKEL := $(OUTPUT)/ctxprobe.skel.h
# -I/usr/include/<multiarch> for asm/errno.h etc. (Debian keeps asm/ there); -MMD for header deps;
# -Iuser/monitor for capture_builtin.h, which the monitor shares with its program.
PYX_BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-Wno-gnu-variable-sized-type-not-at-end -I$(OUTPUT) -Iinclude -Iuser/monitor \
	-I/usr/include/$(MULTIARCH) -MMD -MP

ALL_TARGETS += $(BPF_SKELS)
# Named, so make never deletes them as intermediates of the skeletons.
.SECONDARY: $(BPF_OBJS)

$(PYX_VMLINUX): | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)if [ ! -r "$(VMLINUX_BTF)" ]; then \
		echo "no kernel BTF at $(VMLINUX_BTF) (CONFIG_DEBUG_INFO_BTF=y needed):" \
			"set VMLINUX_BTF=/path/to/vmlinux" >&2; exit 1; fi
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# `bpftool gen object` links the object and drops its DWARF (the BTF stays): a smaller skeleton.
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(PYX_VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(PYX_BPF_CFLAGS) -MF $(OUTPUT)/$*.bpf.d -MT $@ -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@
