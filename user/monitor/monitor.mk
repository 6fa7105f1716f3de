# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The monitor build/pyxcheck. capture_loader.o includes the skeleton that bpf/bpf.mk generates; the
# decoder's test tool build/tests/pyx-decode is built by tests/tests.mk from MON_CORE_O.
MON_DIR     := user/monitor
MON_OBJDIR  := $(OUTPUT)/monitor
MON_CFLAGS  := $(BASE_CFLAGS) -I$(MON_DIR)
# The core every front end shares (the monitor, the fuzz targets), by stage.
MON_CORE    := decode_payload decode_catalog decode_record decode_syscall decode_context \
	out_buf out_writer out_json out_plain out_counts out_sink out_order
MON_CORE_O  := $(patsubst %,$(MON_OBJDIR)/%.o,$(MON_CORE))
MON_O       := $(MON_CORE_O) $(patsubst %,$(MON_OBJDIR)/%.o,main opts capture_btf \
	capture_runner capture_loader capture_detach capture_compat capture_builtin_worker \
	capture_replay capture_usdt out_file out_filter)
# main.c runs the phases of mon.h, one file each.
MON_O       += $(patsubst %,$(MON_OBJDIR)/%.o,mon_preflight mon_output mon_correlate mon_attach \
	mon_run mon_finish mon_record mon_replay)
# Running as a service: record stamps, stats, --metrics, --syslog (docs/deploy.md).
MON_O       += $(patsubst %,$(MON_OBJDIR)/%.o,out_service out_metrics out_syslog)
# Views for investigations: -c tables, --trace-out, --html (docs/views.md).
MON_O       += $(patsubst %,$(MON_OBJDIR)/%.o,out_views out_summary out_trace out_html)
MON_LIBS    := -lbpf -ldw -lelf -lz -lm -lpthread -lunistring -ljson-c
# sd_notify for systemd's Type=notify when libsystemd is there; without it READY is never sent.
MON_SYSTEMD := $(shell pkg-config --exists libsystemd 2>/dev/null && echo yes)
ifeq ($(MON_SYSTEMD),yes)
MON_CFLAGS  += -DPYX_HAVE_SYSTEMD $(shell pkg-config --cflags libsystemd)
MON_LIBS    += $(shell pkg-config --libs libsystemd)
endif

ALL_TARGETS += $(OUTPUT)/pyxcheck
$(MON_OBJDIR):
	$(Q)mkdir -p $@

$(MON_OBJDIR)/capture_loader.o: $(PYX_SKEL) $(CTXPROBE_SKEL)

$(MON_OBJDIR)/%.o: $(MON_DIR)/%.c | $(MON_OBJDIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(MON_CFLAGS) -c $< -o $@

$(OUTPUT)/pyxcheck: $(MON_O) | $(OUTPUT)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(BASE_LDFLAGS) $(MON_O) $(MON_LIBS) -o $@
