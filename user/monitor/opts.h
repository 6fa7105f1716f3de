/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Command-line options: all of the monitor's configuration, in one struct. */
#ifndef PYX_OPTS_H
#define PYX_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pyxcheck_syscall.h"

#define PYX_MAX_PIDS 64
#define PYX_MAX_GLOBS 32

struct pyx_opts {
	bool all;            /* -a, or neither -p nor COMMAND */
	pid_t pids[PYX_MAX_PIDS];
	unsigned int npids;
	char **command;      /* after "--", NULL-terminated; NULL when absent */
	bool json;
	const char *output;  /* -o */
	bool summary;
	bool verbose;
	bool wait_detach;     /* --wait-detach: detach before exiting, not in the background */
	size_t ringbuf_size;
	size_t queue_size;   /* --queue-size: bound of the output queue (sink.h); 0 = default */
	/* -e: what to show. events_given false: everything. */
	bool events_given;
	uint32_t category_mask;   /* probes to attach */
	uint32_t category_show;   /* categories shown in full */
	const char *globs[PYX_MAX_GLOBS]; /* event-name globs, shown whatever their category */
	unsigned int nglobs;
	bool syscalls;            /* attach the syscall and sched tracepoints */
	bool sc_show[PYX_SC__COUNT];
	/* running as a service (docs/deploy.md) */
	bool append;              /* -A: append to -o instead of truncating */
	const char *metrics;      /* --metrics FILE */
	unsigned int metrics_interval_ms;
	const char *syslog;       /* --syslog ADDR */
	size_t syslog_buffer;     /* bound of its queue, bytes */
	/* capture and replay (docs/views.md, "Replay (-r)") */
	const char *replay;       /* -r FILE: read a JSON Lines capture instead of the kernel */
	bool raw;                 /* --raw: JSON records carry their ring-buffer bytes */
};

enum { PYX_OPTS_OK = 0, PYX_OPTS_EXIT = 1 };

/* Parse argv. Returns PYX_OPTS_OK, PYX_OPTS_EXIT (--help or --version printed: exit 0), or -EINVAL
 * after printing a one-line error (exit 2). */
int pyx_opts_parse(struct pyx_opts *o, int argc, char **argv);

/* Does -e select this audit event (name NUL-terminated, category index)? */
bool pyx_opts_want_event(const struct pyx_opts *o, const char *name, unsigned int category);

#endif /* PYX_OPTS_H */
