# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Robustness (issue 5): fuzz targets, the forged-probe program, `make fuzz`, `make stress`, and the
# plumbing of `make test SANITIZE=1`. docs/robustness.md says what each does and what it found.
#
# Fuzz targets are libFuzzer binaries built with clang (ASan + UBSan) straight from the monitor's
# decoder and writer sources, into $(OUTPUT)/fuzz. `make test` builds them and runs each over its
# seed corpus and regressions (tests/test_robust_fuzz.py); `make fuzz` runs each for FUZZ_SECONDS,
# one at a time, at nice 19, into a working corpus under $(OUTPUT)/fuzz/work (the committed seeds in
# tests/fuzz/corpus are only read).
FUZZ_CC      ?= $(CLANG)
FUZZ_SECONDS ?= 60
FUZZ_JOBS_NICE ?= 19
FUZZ_DIR     := $(OUTPUT)/fuzz
FUZZ_NAMES   := payload sysrec procrec record corr
FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))
FUZZ_SRCS    := $(addprefix user/monitor/,payload.c record.c buf.c output.c output_json.c \
	output_plain.c catalog.c summary.c sysrec.c)
# No -Werror here: these compile other parts' sources with clang, whose warnings differ from gcc's;
# the project's own gcc build keeps -Werror, and a clang-only warning must not break `make test`.
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-Iinclude -Iuser/monitor -Itests/fuzz \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Largest record: an audit record header (72) and a full payload (8192); more only wastes time.
FUZZ_MAX_LEN ?= 8300

# tests.mk resets TEST_TARGETS: name them as prerequisites of test directly, as the others do.
test: $(FUZZ_BINS)

$(FUZZ_DIR):
	$(Q)mkdir -p $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h tests/fuzz/fuzz_render.h \
		$(FUZZ_SRCS) include/pyxcheck_wire.h include/pyxcheck_syscall.h \
		include/audit_events.def | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS) -lm -o $@

# The correlator keeps state across records: its own target, with its sources and libelf.
FUZZ_CORR_SRCS := $(addprefix user/monitor/,correlate.c corr_rules.c corr_path.c corr_elf.c corr_native.c corr_ustack.c)
$(FUZZ_DIR)/fuzz_corr: tests/fuzz/fuzz_corr.c tests/fuzz/fuzz_common.h $(FUZZ_SRCS) \
		$(FUZZ_CORR_SRCS) $(wildcard user/monitor/*.h) user/monitor/corr_rules.def \
		include/pyxcheck_wire.h \
		include/pyxcheck_syscall.h include/audit_events.def | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS) $(FUZZ_CORR_SRCS) -lelf -lm -o $@

# One target at a time (the machine is shared): stats of each run are appended to stats.log.
fuzz: $(FUZZ_BINS)
	$(Q)set -e; for t in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/work/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		nice -n $(FUZZ_JOBS_NICE) $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 -timeout=10 \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$t- \
			$(FUZZ_DIR)/work/$$t tests/fuzz/corpus/$$t \
			2> $(FUZZ_DIR)/$$t.log || { tail -40 $(FUZZ_DIR)/$$t.log; exit 1; }; \
		runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/$$t.log); \
		echo "$$(date -u +%FT%TZ) $$t seconds=$(FUZZ_SECONDS) runs=$$runs" \
			| tee -a $(FUZZ_DIR)/stats.log; \
	done

# `make test SANITIZE=1`: the Makefile builds everything into build-san with ASan and UBSan; a
# Python that loads the sanitized hook needs the ASan runtime first in LD_PRELOAD, which
# tests/conftest.py arranges from PYX_ASAN_RUNTIME. No leak reports (CPython leaks by design, and
# `pyxcheck -- CMD` hands its environment on); the link order is not verified because the monitor
# prepends the hook to LD_PRELOAD, after which the runtime is second, which works.
ifneq ($(SANITIZE),)
PYX_ASAN_RUNTIME := $(shell $(CC) -print-file-name=libasan.so)
export PYX_ASAN_RUNTIME
export ASAN_OPTIONS ?= detect_leaks=0:verify_asan_link_order=0:halt_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
endif

# The forged-probe program: forge.c with the hook's own probe sites (same provider, names,
# argument layout and semaphores), so that what it fires is what a lying hook would fire.
FORGE := $(OUTPUT)/tests/forge
test: $(FORGE)

$(FORGE): tests/forge/forge.c user/hook/probes.c user/hook/probes.h include/pyxcheck_wire.h \
		include/audit_events.def
	$(call msg,BINARY,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -mno-red-zone -Iuser/hook tests/forge/forge.c user/hook/probes.c \
		$(BASE_LDFLAGS) -o $@

# Overload at length: the same test as in `make test`, with 25x the events per thread.
STRESS_EVENTS ?= 50000
stress: all
	PYX_BUILD=$(OUTPUT) PYX_STRESS_EVENTS=$(STRESS_EVENTS) $(PYTHON) -m pytest -rs -v -s \
		$(PYTEST_ARGS) tests/test_robust_stress.py
