# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make bench`: what the hook costs per audit event, as ratios to one getppid() measured in the
# same run (bench/bench.py, issue 2), then the monitor against bpftrace, strace and an audit-hook
# logger (bench/monitor.py, issue 3); method and figures in docs/benchmarks.md. Never part of
# `make test`. About 10 minutes on a 2-CPU machine; BENCH_QUICK=1 for fewer rounds (~5 minutes).
# BENCH_ARGS goes to bench.py, BENCH_MONITOR_ARGS to monitor.py (--rounds N, --open-n N, ...).
BENCH_OUT  := $(OUTPUT)/bench
BENCH_ARGS ?=
BENCH_MONITOR_ARGS ?=
BENCH_QUICK ?=
BENCH_HOOK_ROUNDS := $(if $(BENCH_QUICK),--rounds 2,--rounds 5)
BENCH_MON_ROUNDS  := $(if $(BENCH_QUICK),--rounds 2 --unrelated-rounds 2,--rounds 4 --unrelated-rounds 3)

ALL_TARGETS += $(BENCH_OUT)/getppid

$(BENCH_OUT):
	$(Q)mkdir -p $@

$(BENCH_OUT)/getppid: bench/getppid.c | $(BENCH_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $< -o $@ $(BASE_LDFLAGS)

bench: all
	$(PYTHON) bench/bench.py --build $(OUTPUT) --json $(BENCH_OUT)/hook.json $(BENCH_HOOK_ROUNDS) $(BENCH_ARGS)
	$(PYTHON) bench/monitor.py --build $(OUTPUT) --json $(BENCH_OUT)/monitor.json $(BENCH_MON_ROUNDS) $(BENCH_MONITOR_ARGS)
