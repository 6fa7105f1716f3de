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
	bool all; /* -a, or neither -p nor COMMAND */
	pid_t pids[PYX_MAX_PIDS];
	unsigned int npids;
	char **command; /* after "--", NULL-terminated; NULL when absent */
	bool json;
	const char *output; /* -o */
	bool summary;
	bool verbose;
	bool no_stack_dump; /* --no-stack-dump: frame-pointer stacks only (issue 9) */
	bool wait_detach;   /* --wait-detach: detach before exiting, not in the background */
	/* --syscall-probes: raw tracepoints or one per syscall side (capture_loader.h,
	 * raw_syscalls) */
	enum { PYX_SCP_AUTO, PYX_SCP_RAW, PYX_SCP_PER_SYSCALL } sc_probes;
	size_t ringbuf_size;
	size_t queue_size; /* --queue-size: bound of the output queue (out_sink.h); 0 = default */
	/* -e: what to show. events_given false: everything. */
	bool events_given;
	uint32_t category_mask;           /* probes to attach */
	uint32_t category_show;           /* categories shown in full */
	const char *globs[PYX_MAX_GLOBS]; /* event-name globs, shown whatever their category */
	unsigned int nglobs;
	bool syscalls; /* attach the syscall and sched tracepoints */
	bool sc_show[PYX_SC__COUNT];
	/* running as a service (docs/deploy.md) */
	bool append;         /* -A: append to -o instead of truncating */
	const char *metrics; /* --metrics FILE */
	unsigned int metrics_interval_ms;
	const char *syslog;   /* --syslog ADDR */
	size_t syslog_buffer; /* bound of its queue, bytes */
	/* views (out_views.h): -c / -C time tables, -S, --trace-out, --html */
	bool table_only; /* -c: the tables instead of the records */
	bool table_also; /* -C: the records, and the tables on stderr */
	int table_sort;  /* -S: enum pyx_sum_sort */
	const char *trace_out;
	const char *html;
	/* the live view (docs/views.md): how records are shown, never what is traced */
	bool durations;    /* -T: time spent in each syscall */
	bool wide;         /* --wide: never cut lines to the width */
	int color;         /* --color: PYX_COLOR_* */
	bool skip_startup; /* --skip-startup */
	bool python_only;  /* --python-only */
	bool findings;     /* --findings: alarms and losses only, correlation on */
	const char *comm;  /* -n COMM */
	bool uid_set;      /* -u UID */
	uint32_t uid;
	/* capture and replay (docs/views.md, "Replay (-r)") */
	const char *replay; /* -r FILE: read a JSON Lines capture instead of the kernel */
	bool raw;           /* --raw: JSON records carry their ring-buffer bytes */
};

enum { PYX_COLOR_AUTO = 0, PYX_COLOR_ALWAYS, PYX_COLOR_NEVER };

enum { PYX_OPTS_OK = 0, PYX_OPTS_EXIT = 1 };

/* Parse argv. Returns PYX_OPTS_OK, PYX_OPTS_EXIT (--help or --version printed: exit 0), or -EINVAL
 * after printing a one-line error (exit 2). */
int pyx_opts_parse(struct pyx_opts *o, int argc, char **argv);

/* Does -e select this audit event (name NUL-terminated, category index)? */
bool pyx_opts_want_event(const struct pyx_opts *o, const char *name, unsigned int category);
/* The part of pyx_opts_want_event() that needs no name: the event's category is shown in full. */
static inline bool pyx_opts_want_category(const struct pyx_opts *o, unsigned int category)
{
	return category < 32 && (o->category_show & (1u << category));
}

#endif /* PYX_OPTS_H */
