# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make bench` (issue 10): every goal of "fast enough to leave on" as ratios measured side by side
# in one run (bench/goals.py), then real programs under pyxcheck, strace -f, bpftrace and an
# audit-hook logger (bench/programs.py); method and figures in docs/benchmarks.md. Never part of
# `make test`. BENCH_QUICK=1: one round, small loops, no stdlib tests in the programs table
# (under 3 minutes on an idle 2-CPU machine). BENCH_ARGS goes to goals.py (--baseline BUILD
# measures another build's monitor CPU in the same rounds), BENCH_PROGRAMS_ARGS to programs.py.
# The earlier benchmarks stay: `make bench-hook` (issue 2, bench/bench.py) and `make
# bench-monitor` (issue 3, bench/monitor.py), BENCH_HOOK_ARGS and BENCH_MONITOR_ARGS.
BENCH_OUT  := $(OUTPUT)/bench
BENCH_ARGS ?=
BENCH_PROGRAMS_ARGS ?=
BENCH_HOOK_ARGS ?=
BENCH_MONITOR_ARGS ?=
BENCH_QUICK ?=
BENCH_GOALS_Q := $(if $(BENCH_QUICK),--rounds 1 --open-n 10000 --open-goal-n 40000 --cpu-n 20000 --startups 2,--rounds 5)
BENCH_PROG_Q  := $(if $(BENCH_QUICK),--rounds 1 --quick,--rounds 3)
BENCH_HOOK_ROUNDS := $(if $(BENCH_QUICK),--rounds 2,--rounds 5)
BENCH_MON_ROUNDS  := $(if $(BENCH_QUICK),--rounds 2 --unrelated-rounds 2,--rounds 4 --unrelated-rounds 3)

ALL_TARGETS += $(BENCH_OUT)/getppid

$(BENCH_OUT):
	$(Q)mkdir -p $@

$(BENCH_OUT)/getppid: bench/getppid.c | $(BENCH_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $< -o $@ $(BASE_LDFLAGS)

bench: all
	$(PYTHON) bench/goals.py --build $(OUTPUT) --json $(BENCH_OUT)/goals.json $(BENCH_GOALS_Q) $(BENCH_ARGS)
	$(PYTHON) bench/programs.py --build $(OUTPUT) --json $(BENCH_OUT)/programs.json $(BENCH_PROG_Q) $(BENCH_PROGRAMS_ARGS)

bench-hook: all
	$(PYTHON) bench/bench.py --build $(OUTPUT) --json $(BENCH_OUT)/hook.json $(BENCH_HOOK_ROUNDS) $(BENCH_HOOK_ARGS)

bench-monitor: all
	$(PYTHON) bench/monitor.py --build $(OUTPUT) --json $(BENCH_OUT)/monitor.json $(BENCH_MON_ROUNDS) $(BENCH_MONITOR_ARGS)
.PHONY: bench-hook bench-monitor
