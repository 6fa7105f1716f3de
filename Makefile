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

# Debian's hardening flags by default (dpkg-buildflags with hardening=+all, as a Debian package
# gets them); CFLAGS=, CPPFLAGS= and LDFLAGS= on the command line or in the environment replace
# them. Sanitized builds keep their own (FORTIFY_SOURCE and ASan do not mix well).
ifeq ($(SANITIZE),)
DPKG_BUILDFLAGS := $(shell command -v dpkg-buildflags 2>/dev/null)
ifneq ($(DPKG_BUILDFLAGS),)
HARDEN_ENV := DEB_BUILD_MAINT_OPTIONS=hardening=+all
ifeq ($(origin CFLAGS),undefined)
CFLAGS := $(shell $(HARDEN_ENV) dpkg-buildflags --get CFLAGS)
endif
ifeq ($(origin CPPFLAGS),undefined)
CPPFLAGS := $(shell $(HARDEN_ENV) dpkg-buildflags --get CPPFLAGS)
endif
ifeq ($(origin LDFLAGS),undefined)
LDFLAGS := $(shell $(HARDEN_ENV) dpkg-buildflags --get LDFLAGS)
endif
endif
endif

WARN_CFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -O2 -g -std=gnu11 $(WARN_CFLAGS) $(CPPFLAGS) $(CFLAGS) -Iinclude -I$(OUTPUT) -MMD -MP
BASE_LDFLAGS += $(LDFLAGS)
ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BASE_LDFLAGS += -fsanitize=address,undefined
endif

.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
.PHONY: all clean deps views-deps test demo bench install uninstall install-hook uninstall-hook fuzz stress

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
	libunistring-dev python3-pytest-xdist clang-format libdw-dev \
	libsystemd-dev logrotate rsyslog python3-prometheus-client systemd chromium \
	libjson-c-dev python3-venv
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

# make install [PREFIX=/usr/local] [DESTDIR=...]: the monitor, the launcher, the hook library (where
# the monitor looks for it: $(PREFIX)/lib/pyxcheck), pyxcheck-install-hook, the man page, the
# systemd unit and the logrotate file (docs/deploy.md).
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
LIBDIR_PYX  ?= $(PREFIX)/lib/pyxcheck
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= $(if $(filter /usr,$(PREFIX)),/etc,$(if $(filter /usr/local,$(PREFIX)),/etc,$(PREFIX)/etc))
UNITDIR     ?= $(PREFIX)/lib/systemd/system
INSTALL     ?= install

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR_PYX) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	$(INSTALL) -m 0755 $(OUTPUT)/pyxcheck $(OUTPUT)/pyxcheck-python $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(OUTPUT)/libpyxcheck.so $(DESTDIR)$(LIBDIR_PYX)/
	$(INSTALL) -m 0755 packaging/pyxcheck-install-hook $(DESTDIR)$(SBINDIR)/
	sed -i 's|^installed_lib=$$|installed_lib=$(LIBDIR_PYX)/libpyxcheck.so|' \
		$(DESTDIR)$(SBINDIR)/pyxcheck-install-hook
	$(INSTALL) -m 0644 packaging/pyxcheck.8 $(DESTDIR)$(MANDIR)/man8/
	sed 's|@BINDIR@|$(BINDIR)|g' packaging/pyxcheck.service.in >$(DESTDIR)$(UNITDIR)/pyxcheck.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/pyxcheck.service
	$(INSTALL) -m 0644 packaging/pyxcheck.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/pyxcheck

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pyxcheck $(DESTDIR)$(BINDIR)/pyxcheck-python
	rm -f $(DESTDIR)$(SBINDIR)/pyxcheck-install-hook $(DESTDIR)$(MANDIR)/man8/pyxcheck.8
	rm -f $(DESTDIR)$(UNITDIR)/pyxcheck.service $(DESTDIR)$(SYSCONFDIR)/logrotate.d/pyxcheck
	rm -rf $(DESTDIR)$(LIBDIR_PYX)

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d)

# `make format`: our C sources rewritten in place to the committed .clang-format (kernel style);
# `make format-check` (run by .ci/run before the build): the same without touching a file, naming
# every file that differs. Tables clang-format would mangle sit between /* clang-format off */ and
# /* clang-format on */. CLANG_FORMAT= picks another clang-format (the config is tuned for 14).
CLANG_FORMAT ?= clang-format
FORMAT_SRCS := $(sort $(wildcard bpf/*.[ch] include/*.h user/*/*.[ch] user/*/*/*.[ch] \
	tests/*/*.[ch] bench/*.c tools/*/*.[ch]))
.PHONY: format format-check
format:
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_SRCS)
format-check:
	$(Q)bad=$$($(CLANG_FORMAT) --dry-run $(FORMAT_SRCS) 2>&1 | \
		sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | \
		sort -u); \
	if [ -n "$$bad" ]; then \
		echo "format-check: not formatted (make format fixes them):" $$bad >&2; exit 1; fi
