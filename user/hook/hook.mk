# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The hook library (build/libpyxcheck.so, build/pyxcheck.so), the launcher
# (build/pyxcheck-python) and `make install-hook` / `make uninstall-hook PYTHON=...`. The
# serialiser's test extension build/tests/pyxpayload.so is built by tests/tests.mk.
#
# The hook objects never include Python.h (the C API is resolved at run time), so one build
# serves every CPython from 3.8 to 3.13. Only the launcher compiles and links against $(PYTHON).

HOOK_DIR     := user/hook
HOOK_OBJDIR  := $(OUTPUT)/hook
HOOK_CFLAGS  := $(BASE_CFLAGS) -fPIC -fvisibility=hidden -I$(HOOK_DIR) -pthread
HOOK_CORE    := pyapi catalog payload hook probes entry_guard
HOOK_CORE_O  := $(patsubst %,$(HOOK_OBJDIR)/%.o,$(HOOK_CORE))
HOOK_LIB_O   := $(HOOK_CORE_O) $(HOOK_OBJDIR)/module.o $(HOOK_OBJDIR)/preload.o \
		$(HOOK_OBJDIR)/compat_guard.o
HOOK_PAYLOAD_O := $(patsubst %,$(HOOK_OBJDIR)/%.o,pyapi catalog payload pyxpayload)

PYTHON_CONFIG ?= $(PYTHON)-config
LAUNCHER_PY_CFLAGS  = $(shell $(PYTHON_CONFIG) --includes)
LAUNCHER_PY_LDFLAGS = $(shell $(PYTHON_CONFIG) --embed --ldflags)
LAUNCHER_PY_HOME    = $(shell $(PYTHON_CONFIG) --prefix)

ALL_TARGETS  += $(OUTPUT)/libpyxcheck.so $(OUTPUT)/pyxcheck.so $(OUTPUT)/pyxcheck-python
$(HOOK_OBJDIR):
	$(Q)mkdir -p $@

# Probe sites: 5-byte nops that the kernel may turn into a call, which pushes onto the user stack
# and would clobber the x86-64 red zone: so no red zone.
$(HOOK_OBJDIR)/probes.o: HOOK_EXTRA_CFLAGS := -mno-red-zone
# The serialiser's copies of str and bytes data have a bounded but unknown length, which gcc
# expands inline as "rep movsq": measured ~35 ns slower per traced event here than libc's
# memcpy (docs/benchmarks.md). Compilers without the option keep their default.
HOOK_LIBCALL := $(shell $(CC) -mstringop-strategy=libcall -Werror -E -x c /dev/null \
	>/dev/null 2>&1 && echo -mstringop-strategy=libcall)
$(HOOK_OBJDIR)/payload.o: HOOK_EXTRA_CFLAGS := $(HOOK_LIBCALL)

$(HOOK_OBJDIR)/%.o: $(HOOK_DIR)/%.c | $(HOOK_OBJDIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(HOOK_CFLAGS) $(HOOK_EXTRA_CFLAGS) -c $< -o $@

$(OUTPUT)/libpyxcheck.so: $(HOOK_LIB_O) $(HOOK_DIR)/libpyxcheck.map | $(OUTPUT)
	$(call msg,LIB,$@)
	@# No -Bsymbolic: it would make dlsym(RTLD_DEFAULT) find this copy's state before the
	@# launcher's. Internal references use hidden names instead.
	$(Q)$(CC) -shared -pthread -Wl,--version-script=$(HOOK_DIR)/libpyxcheck.map \
		-Wl,-z,now -Wl,--no-undefined $(BASE_LDFLAGS) $(HOOK_LIB_O) -o $@

$(OUTPUT)/pyxcheck.so: $(OUTPUT)/libpyxcheck.so
	$(call msg,LN,$@)
	$(Q)ln -sf libpyxcheck.so $@

$(HOOK_OBJDIR)/launcher.o: user/launcher/main.c | $(HOOK_OBJDIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(HOOK_CFLAGS) $(LAUNCHER_PY_CFLAGS) -DPYX_PYTHON_HOME='"$(LAUNCHER_PY_HOME)"' \
		-c $< -o $@

# The launcher carries its own copy of the hook (and its own stapsdt notes). It exports the
# shared state so that a preloaded or imported libpyxcheck.so finds it and adds no second hook.
$(OUTPUT)/pyxcheck-python: $(HOOK_OBJDIR)/launcher.o $(HOOK_CORE_O) | $(OUTPUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) -pthread -Wl,--export-dynamic-symbol=pyxcheck_state_v1 $(BASE_LDFLAGS) $^ \
		$(LAUNCHER_PY_LDFLAGS) -o $@

install-hook: $(OUTPUT)/libpyxcheck.so
	$(Q)$(HOOK_DIR)/install-hook.sh install "$(PYTHON)" "$(OUTPUT)/libpyxcheck.so"

uninstall-hook:
	$(Q)$(HOOK_DIR)/install-hook.sh uninstall "$(PYTHON)" "$(OUTPUT)/libpyxcheck.so"
