# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Robustness (issue 5): `make fuzz`, `make stress`, and the plumbing of `make test SANITIZE=1`.
# docs/robustness.md says what each does and what it found.
#
# The fuzz targets (libFuzzer, clang, ASan + UBSan) and the forged-probe program are built by
# tests/tests.mk into $(OUTPUT)/fuzz and $(OUTPUT)/tests. `make test` runs each fuzz target over
# its seed corpus and regressions (tests/test_robust_fuzz.py); `make fuzz` runs each for
# FUZZ_SECONDS, one at a time, at nice 19, into a working corpus under $(OUTPUT)/fuzz/work (the
# committed seeds in tests/fuzz/corpus are only read). A crash fails `make fuzz`.
FUZZ_SECONDS ?= 60
FUZZ_JOBS_NICE ?= 19
# Largest record: an audit record header (72) and a full payload (8192); more only wastes time.
FUZZ_MAX_LEN ?= 8300

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

# Overload at length: the same test as in `make test`, with 25x the events per thread.
STRESS_EVENTS ?= 50000
stress: all
	PYX_BUILD=$(OUTPUT) PYX_STRESS_EVENTS=$(STRESS_EVENTS) $(PYTHON) -m pytest -rs -v -s \
		$(PYTEST_ARGS) tests/test_robust_stress.py
