# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# pyxcheck: `make deps` once (root, Debian 12), then `make` and `make test`.
# Everything generated goes to $(BUILD). V=1 shows the commands.
# Each part of the tree brings its own rules in a fragment: user/hook/hook.mk, bpf/bpf.mk (every
# BPF object), user/monitor/monitor.mk and corr.mk, tools/tap/tap.mk, tests/tests.mk (every test
# binary and `make test`), tests/robust.mk (`make fuzz`, `make stress`), bench/bench.mk.

# SANITIZE=1 builds into its own folder, so sanitized and plain objects never mix.
BUILD      ?= $(if $(SANITIZE),build-san,build)
OUTPUT     := $(abspath $(BUILD))
PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
# The interpreter the project builds against and runs its tests with: Debian's, never a shim.
PYTHON     ?= /usr/bin/python3
MULTIARCH  := $(shell $(CC) -dumpmachine 2>/dev/null)
SANITIZE   ?=

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(OUTPUT)/%,build/%,$(2))";
endif

WARN_CFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -O2 -g -std=gnu11 $(WARN_CFLAGS) -Iinclude -I$(OUTPUT) -MMD -MP
ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BASE_LDFLAGS += -fsanitize=address,undefined
endif

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
.PHONY: all clean deps test demo bench install uninstall install-hook uninstall-hook fuzz stress

$(OUTPUT):
	$(Q)mkdir -p $@

include user/hook/hook.mk
include bpf/bpf.mk
include user/monitor/monitor.mk
include user/monitor/corr.mk
include tools/tap/tap.mk
include tests/tests.mk
include tests/robust.mk
include bench/bench.mk

all: $(ALL_TARGETS)

# Debian 12 packages, installed only when missing (idempotent; needs root).
DEB_PACKAGES := make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config \
	python3 python3-dev libpython3-dev systemtap-sdt-dev python3-pytest \
	libpython3.11-testsuite bpftrace strace binutils iproute2 libclang-rt-14-dev \
	libunistring-dev python3-pytest-xdist clang-format
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	echo "deps: installing $$missing"; \
	if [ "$$(id -u)" != 0 ]; then echo "deps: need root to install: $$missing" >&2; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $$missing

# The main job on a bundled script: a merged timeline of audit events and syscalls (needs root).
demo: all
	$(OUTPUT)/pyxcheck -- $(PYTHON) demo/demo.py

clean:
	$(Q)rm -rf $(OUTPUT)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pyxcheck
	install -m 0755 $(OUTPUT)/pyxcheck $(OUTPUT)/pyxcheck-python $(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(OUTPUT)/libpyxcheck.so $(DESTDIR)$(PREFIX)/lib/pyxcheck/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pyxcheck $(DESTDIR)$(PREFIX)/bin/pyxcheck-python
	rm -rf $(DESTDIR)$(PREFIX)/lib/pyxcheck

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d)

# `make format-check`: our C sources against the committed .clang-format (kernel style), without
# touching a file; a diff fails. CLANG_FORMAT= picks another clang-format.
CLANG_FORMAT ?= clang-format
FORMAT_SRCS := $(sort $(wildcard bpf/*.[ch] include/*.h user/*/*.[ch] tests/*/*.[ch] bench/*.c \
	tools/*/*.[ch]))
.PHONY: format-check
format-check:
	$(Q)$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRCS)
