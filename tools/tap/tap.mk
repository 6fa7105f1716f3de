# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# pyxcheck-tap: a small libbpf tool that prints every hit of the hook's USDT probes (tests, bench
# and `make tap-demo`). Its BPF program is bpf/tap.bpf.c, built by bpf/bpf.mk like the others.
ALL_TARGETS += $(OUTPUT)/pyxcheck-tap
.PHONY: tap tap-demo
tap: $(OUTPUT)/pyxcheck-tap

$(OUTPUT)/pyxcheck-tap: tools/tap/tap.c $(TAP_SKEL) | $(OUTPUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $< -o $@ $(BASE_LDFLAGS) -lbpf -lelf -lz

# `make tap-demo`: the raw probes of demo/demo.py through the tap, decoded with tests/pyxwire.py.
tap-demo: all
	$(PYTHON) demo/tap_demo.py --build $(OUTPUT)
