# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make bench`: what the hook costs per audit event, as ratios to one getppid() measured in the
# same run (bench/bench.py; method and figures in docs/benchmarks.md). Never part of `make test`.
BENCH_OUT  := $(OUTPUT)/bench
BENCH_ARGS ?=

ALL_TARGETS += $(BENCH_OUT)/getppid

$(BENCH_OUT):
	$(Q)mkdir -p $@

$(BENCH_OUT)/getppid: bench/getppid.c | $(BENCH_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $< -o $@ $(BASE_LDFLAGS)

bench: all
	$(PYTHON) bench/bench.py --build $(OUTPUT) --json $(BENCH_OUT)/hook.json $(BENCH_ARGS)
