// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The attach phase: COMMAND is started held on a pipe (capture_runner.c), the BPF programs are
 * loaded and
 * attached (capture_loader.c), the pids are put in the filter, and only then is COMMAND released,
 * so that
 * its first syscall is already seen.
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "capture_compat.h"
#include "decode_context.h"
#include "mon.h"

static size_t exec_kept(void *ctx, uint32_t pid, void *buf, size_t size)
{
	struct monitor *m = ctx;

	return m->ld ? pyx_loader_exec_ctx(m->ld, pid, buf, size) : 0;
}

int mon_attach(struct monitor *m)
{
	struct pyx_opts *opts = m->opts;
	const char *hooks[3] = {};
	struct pyx_loader_opts lopts = {};
	unsigned int i;
	bool compat;
	int err;

	mon_signals_install();
	if (opts->command) {
		/* orphaned descendants come back to us: we know when the last one is gone */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
			fprintf(stderr, "pyxcheck: warning: cannot become a subreaper: %s\n",
				strerror(errno));
		err = pyx_runner_start(&m->child, opts->command, m->lib);
		if (err) {
			pyx_print_error(opts->json, "failed to start %s: %s", opts->command[0],
					strerror(-err));
			return 1;
		}
	}

	hooks[0] = m->lib;
	if (!access(m->launcher, X_OK))
		hooks[1] = m->launcher;
	lopts.all = opts->all;
	lopts.hook_paths = hooks;
	lopts.category_mask = opts->category_mask;
	lopts.syscalls = opts->syscalls;
	/* A CLI session is short: raw tracepoints attach and detach in milliseconds. A long one
	 * (-a, -p) takes one tracepoint per syscall, which costs unrelated processes less. */
	lopts.raw_syscalls = opts->sc_probes == PYX_SCP_RAW ||
			     (opts->sc_probes == PYX_SCP_AUTO && opts->command);
	lopts.ringbuf_size = opts->ringbuf_size;
	lopts.verbose = opts->verbose;
	lopts.no_stack_dump = opts->no_stack_dump;
	err = pyx_loader_open(&m->ld, &lopts);
	if (err) {
		/* the loader printed what failed; in JSON mode say it as JSON too */
		if (opts->json)
			pyx_print_error(true, "failed to load and attach the BPF programs: %s",
					strerror(-err));
		return 1;
	}
	/* issue 8: say it when a door stays open, never leave it silent (docs/correlation.md);
	 * the probe forks a child: asked once */
	compat = opts->syscalls && pyx_compat_probe() > 0;
	if (compat && lopts.raw_syscalls)
		fputs("pyxcheck: warning: this kernel runs 32-bit syscalls (int $0x80, "
		      "ia32_emulation on): the raw syscall tracepoints count a monitored "
		      "process's 32-bit syscalls (said at exit) but do not decode them; boot with "
		      "ia32_emulation=0, or run hooked Pythons with PYXCHECK_DENY_COMPAT=1 "
		      "(docs/correlation.md)\n",
		      stderr);
	else if (compat)
		fputs("pyxcheck: warning: this kernel runs 32-bit syscalls (int $0x80, "
		      "ia32_emulation on): syscall tracepoints miss them, so a monitored "
		      "process's 32-bit "
		      "open/unlink/chmod/connect/kill go unseen (exec is still caught); boot with "
		      "ia32_emulation=0, or run hooked Pythons with PYXCHECK_DENY_COMPAT=1 "
		      "(docs/correlation.md)\n",
		      stderr);
	for (i = 0; i < opts->npids; i++) {
		err = pyx_loader_add_pid(m->ld, opts->pids[i]);
		if (err) {
			pyx_print_error(opts->json, "failed to monitor pid %d: %s", opts->pids[i],
					strerror(-err));
			return 1;
		}
	}
	if (opts->command) {
		err = pyx_loader_add_pid(m->ld, m->child.pid);
		if (!err)
			err = pyx_runner_release(&m->child);
		if (err) {
			pyx_print_error(opts->json, "failed to start %s: %s", opts->command[0],
					strerror(-err));
			return 1;
		}
	}
	if (opts->verbose)
		fprintf(stderr, "pyxcheck: probes attached, monitoring %s\n",
			opts->command ? opts->command[0]
			: opts->npids ? "the given pids"
				      : "every hooked process");

	if (opts->all)
		pyx_pctx_set_exec_lookup(m->w.pctx, exec_kept, m);
	return 0;
}
