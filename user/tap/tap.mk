# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# pyxcheck-tap: a small libbpf tool that prints every hit of the hook's USDT probes (tests, bench,
# and `make demo` until the monitor takes it over). Its generated files live in build/tap/, its own
# vmlinux.h included, so that it never races the monitor's rules.
TAP_OUT     := $(OUTPUT)/tap
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
TAP_BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I$(TAP_OUT) -Iinclude \
	-I/usr/include/$(MULTIARCH)

ALL_TARGETS += $(OUTPUT)/pyxcheck-tap
.PHONY: tap
tap: $(OUTPUT)/pyxcheck-tap

$(TAP_OUT):
	$(Q)mkdir -p $@

$(TAP_OUT)/vmlinux.h: | $(TAP_OUT)
	$(call msg,GEN,$@)
	$(Q)if [ ! -r "$(VMLINUX_BTF)" ]; then \
		echo "no kernel BTF at $(VMLINUX_BTF): set VMLINUX_BTF=/path/to/vmlinux" >&2; exit 1; fi
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(TAP_OUT)/tap.bpf.o: bpf/tap.bpf.c include/pyxcheck_wire.h include/audit_events.def \
		$(TAP_OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(TAP_BPF_CFLAGS) -c $< -o $@

$(TAP_OUT)/tap.skel.h: $(TAP_OUT)/tap.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name tap_bpf > $@

$(OUTPUT)/pyxcheck-tap: user/tap/tap.c $(TAP_OUT)/tap.skel.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -I$(TAP_OUT) $< -o $@ $(BASE_LDFLAGS) -lbpf -lelf -lz

# `make tap-demo`: the raw probes of demo/demo.py through the tap, decoded with tests/pyxwire.py.
.PHONY: tap-demo
tap-demo: all
	$(PYTHON) demo/tap_demo.py --build $(OUTPUT)
