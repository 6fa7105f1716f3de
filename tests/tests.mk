# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every test binary, and `make test`. pytest drives the C unit tests and the end-to-end tests alike;
# -rs prints each skip with its reason, so nothing is skipped silently. Included after the parts'
# fragments, whose objects (MON_CORE_O, CORR_O, HOOK_PAYLOAD_O) and skeletons it links.
PYTEST_ARGS ?=
PYX_TEST_OUT := $(OUTPUT)/tests

# Built by `make` (the BPF and correlator drivers) and only by `make test` (the rest).
TEST_ALL_BINS := $(PYX_TEST_OUT)/pyx-bpfdrv $(PYX_TEST_OUT)/test_sysrec $(PYX_TEST_OUT)/corr-unit \
	$(PYX_TEST_OUT)/order-unit $(PYX_TEST_OUT)/pctx-unit $(PYX_TEST_OUT)/catalogue-dump \
	$(PYX_TEST_OUT)/mem-unit $(PYX_TEST_OUT)/sink-unit $(PYX_TEST_OUT)/buf-unit
# Test binaries built here are all but those built per interpreter under test, against that
# interpreter's headers: the evasion corpus's C extension (tests/correlate_util.py build_cext) and
# the struct-layout probe of tests/test_hook_encoder_fast.py.
TEST_BINS     := $(TEST_ALL_BINS) $(PYX_TEST_OUT)/pyx-decode $(PYX_TEST_OUT)/pyxpayload.so \
	$(PYX_TEST_OUT)/forge $(PYX_TEST_OUT)/int80.so
ALL_TARGETS += $(TEST_ALL_BINS)

$(PYX_TEST_OUT):
	$(Q)mkdir -p $@

# The loader and decoder without the CLI (tests/test_bpf_*.py, tests/test_sysrec.py).
$(PYX_TEST_OUT)/pyx-bpfdrv: tests/bpf/bpfdrv.c user/monitor/capture_loader.c \
		user/monitor/capture_btf.c user/monitor/capture_detach.c user/monitor/capture_usdt.c \
		user/monitor/decode_syscall.c $(PYX_SKEL) $(CTXPROBE_SKEL) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -Iuser/monitor $(filter %.c,$^) -o $@ $(BASE_LDFLAGS) -lbpf -lelf -lz \
		-lpthread

$(PYX_TEST_OUT)/test_sysrec: tests/unit/test_sysrec.c user/monitor/decode_syscall.c | \
		$(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -Iuser/monitor $(filter %.c,$^) -o $@ $(BASE_LDFLAGS) -lpthread

# The correlator's unit-test driver (tests/test_corr_unit.py).
$(PYX_TEST_OUT)/corr-unit: tests/unit/corr_unit.c $(CORR_O) $(MON_CORE_O) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -ldw -lelf -lm -lunistring

# The live view's reorder buffer (tests/test_views_order.py).
$(PYX_TEST_OUT)/order-unit: tests/unit/order_unit.c $(MON_CORE_O) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -lm -lunistring -lpthread

# The out-of-memory policy of the record path (tests/test_robust_memory.py).
$(PYX_TEST_OUT)/mem-unit: tests/unit/mem_unit.c $(MON_CORE_O) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -lm -lunistring -lpthread

# The output sink's memory bound under a stalled reader (tests/test_robust_memory.py).
$(PYX_TEST_OUT)/sink-unit: tests/unit/sink_unit.c $(MON_CORE_O) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -lm -lunistring -lpthread

# The output's word-at-a-time writes: numbers and stamps (tests/test_out_buf.py).
$(PYX_TEST_OUT)/buf-unit: tests/unit/buf_unit.c $(MON_OBJDIR)/out_service.o $(CORR_O) $(MON_CORE_O) | \
		$(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -ldw -lelf -lm -lunistring \
		-lpthread

# The process context cache and the container-id table (tests/test_process_context.py).
$(PYX_TEST_OUT)/pctx-unit: tests/unit/pctx_unit.c $(MON_CORE_O) | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(MON_CFLAGS) $(filter %.c %.o,$^) -o $@ $(BASE_LDFLAGS) -lm -lunistring

# The monitor's audit decoder and writers without the kernel (tests/test_monitor_decode.py).
$(PYX_TEST_OUT)/pyx-decode: $(MON_CORE_O) $(MON_OBJDIR)/decode_tool.o | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_LDFLAGS) $^ -lm -lunistring -o $@

# The hook's serialiser as an extension module (tests/test_hook_payload.py and friends).
$(PYX_TEST_OUT)/pyxpayload.so: $(HOOK_PAYLOAD_O) | $(PYX_TEST_OUT)
	$(call msg,LIB,$@)
	$(Q)$(CC) -shared -pthread -Wl,--no-undefined $(BASE_LDFLAGS) $(HOOK_PAYLOAD_O) -o $@

# audit_events.def expanded as C expands it (tests/test_catalogue.py).
$(PYX_TEST_OUT)/catalogue-dump: tests/unit/catalogue_dump.c include/pyxcheck_wire.h \
		include/audit_events.def | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $< -o $@ $(BASE_LDFLAGS)

# 32-bit syscalls (int $0x80) from a 64-bit process, loaded by ctypes
# (tests/test_evasion_kernel.py).
$(PYX_TEST_OUT)/int80.so: tests/corpus/evasion/with_args/int80.c | $(PYX_TEST_OUT)
	$(call msg,LIB,$@)
	$(Q)$(CC) -shared -fPIC -O2 -Wall -Wextra -Werror $< -o $@

# The forged-probe program: forge.c with the hook's own probe sites (same provider, names,
# argument layout and semaphores), so that what it fires is what a lying hook would fire.
$(PYX_TEST_OUT)/forge: tests/forge/forge.c user/hook/probes.c user/hook/probes.h \
		include/pyxcheck_wire.h include/audit_events.def | $(PYX_TEST_OUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -mno-red-zone -Iuser/hook tests/forge/forge.c user/hook/probes.c \
		$(BASE_LDFLAGS) -o $@

# Fuzz targets: libFuzzer binaries built with clang (ASan + UBSan) straight from the monitor's
# decoder and writer sources (tests/robust.mk runs them at length: `make fuzz`).
FUZZ_CC      ?= $(CLANG)
FUZZ_DIR     := $(OUTPUT)/fuzz
FUZZ_NAMES   := payload sysrec procrec record corr
FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))
# the monitor's core, as monitor.mk lists it (so a new core file cannot be left out here)
FUZZ_SRCS    := $(patsubst %,user/monitor/%.c,$(MON_CORE))
# No -Werror here: these compile other parts' sources with clang, whose warnings differ from gcc's;
# the project's own gcc build keeps -Werror, and a clang-only warning must not break `make test`.
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-Iinclude -Iuser/monitor -Itests/fuzz \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_BINS += $(FUZZ_BINS)

$(FUZZ_DIR):
	$(Q)mkdir -p $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h tests/fuzz/fuzz_render.h \
		$(FUZZ_SRCS) include/pyxcheck_wire.h include/pyxcheck_syscall.h \
		include/audit_events.def | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS) -lm -lunistring -lpthread -o $@

# The correlator keeps state across records: its own target, with its sources and libelf.
FUZZ_CORR_SRCS := $(patsubst %,user/monitor/%.c,$(CORR_SRC))
$(FUZZ_DIR)/fuzz_corr: tests/fuzz/fuzz_corr.c tests/fuzz/fuzz_common.h $(FUZZ_SRCS) \
		$(FUZZ_CORR_SRCS) $(wildcard user/monitor/*.h) user/monitor/corr_rules.def \
		include/pyxcheck_wire.h \
		include/pyxcheck_syscall.h include/audit_events.def | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS) $(FUZZ_CORR_SRCS) -ldw -lelf -lm -lunistring -lpthread -o $@

# Two passes: every test not marked `serial` on PYTEST_JOBS workers (pytest-xdist, one per CPU),
# then the `serial` ones alone (tests/conftest.py says which and why). Both passes always run;
# `make test` fails if either did. pytest's 5 ("no tests collected": PYTEST_ARGS=-k picked none of
# a pass) is not a failure. PYTEST_JOBS=0 runs the first pass in-process too. --dist loadgroup:
# tests marked xdist_group(NAME) share a module-scoped tap or capture and run on one worker, so it
# is started once; every other test goes to whichever worker is free. --durations: the slowest
# tests in every log, to see where the time goes.
PYTEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_RUN   = PYX_BUILD=$(OUTPUT) $(PYTHON) -m pytest -rs -v --durations=25
# The HTML report is checked by rendering it in Debian's headless Chromium
# (tests/test_views_reports.py): installed here when absent; without root or apt the test says
# it was skipped and why.
views-deps:
	@dpkg-query -W -f='$${Status}\n' chromium 2>/dev/null | grep -q '^install ok installed$$' || \
	{ if [ "$$(id -u)" = 0 ]; then echo "views-deps: installing chromium"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends chromium; } || echo "views-deps: chromium not installed"; \
	  else echo "views-deps: not root, chromium not installed"; fi; }

test: all $(TEST_BINS) views-deps
	@rc=0; \
	echo "test: parallel part, $(PYTEST_JOBS) workers"; \
	$(PYTEST_RUN) -n $(PYTEST_JOBS) --dist loadgroup -m "not serial" $(PYTEST_ARGS) tests || \
		[ $$? = 5 ] || rc=1; \
	echo "test: serial part"; \
	$(PYTEST_RUN) -m serial $(PYTEST_ARGS) tests || [ $$? = 5 ] || rc=1; \
	exit $$rc
