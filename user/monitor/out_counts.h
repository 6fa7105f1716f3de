/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Counts for --summary: per audit event, per syscall, per record type, and losses. */
#ifndef PYX_OUT_COUNTS_H
#define PYX_OUT_COUNTS_H

#include <stdint.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"

/* Events outside the catalogue are counted by name, up to this many distinct names; the rest
 * land in other_overflow. */
#define PYX_SUM_OTHER_MAX 256

struct pyx_sum_name {
	char *name;
	uint64_t count;
};

struct pyx_corr;
struct pyx_sum_timed;

struct pyx_summary {
	uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC */
	uint64_t audit[PYX_EV__COUNT];
	struct pyx_sum_name other[PYX_SUM_OTHER_MAX];
	unsigned int nother;
	uint64_t other_overflow;
	uint64_t sc[PYX_SC__COUNT], sc_failed[PYX_SC__COUNT];
	uint64_t proc[4]; /* by enum pyx_proc_kind */
	uint64_t lifecycle, malformed;
	uint64_t records;                         /* every record received, shown or filtered out */
	uint64_t lost_records[PYX_STREAM__COUNT]; /* sum of LOST records received */
	uint64_t lost_total[PYX_STREAM__COUNT];   /* the loader's counters at exit */
	uint64_t lost_output[PYX_STREAM__COUNT];  /* lines the output queue dropped (out_sink.h) */
	uint64_t lost_memory[PYX_STREAM__COUNT];  /* lines not built for want of memory */
	uint64_t throttled_records[PYX_STREAM__COUNT]; /* sum of THROTTLED records received */
	uint64_t throttled_total[PYX_STREAM__COUNT];   /* the loader's counters at exit */
	const struct pyx_corr *corr; /* correlation figures (out_corr.h), or NULL */
	struct pyx_sum_timed *timed; /* -c / --html tables (below), or NULL */
};

void pyx_summary_audit(struct pyx_summary *s, unsigned int event_id, const uint8_t *name,
		       size_t len);
void pyx_summary_free(struct pyx_summary *s);

/*
 * Time tables (-c, --html), strace -c style: where the kernel time of a run went, per audit event,
 * per syscall, per process and per source line (file:line of the raising frame). An audit event's
 * time is the sum of the latencies of the syscalls the correlator matched to it (its JSON
 * record's syscalls_latency_ns); a syscall's time is its own latency. Errors: failed syscalls;
 * for an audit event, events with at least one failed matched syscall.
 */
#define PYX_SUM_TOP 10

struct pyx_sum_row {
	char *key; /* event or syscall name, "file:line", or the pid as text */
	uint64_t calls, errors, time_ns;
	uint64_t events; /* per process: audit events; per line: the events' count is calls */
	char comm[PYX_COMM_LEN + 1]; /* per process: the latest comm */
	uint32_t pid;
};

struct pyx_sum_tab {
	struct pyx_sum_row *rows;
	size_t n, cap;
	uint32_t *index; /* open addressing over rows, size nindex (a power of two) */
	size_t nindex;
	uint64_t overflow; /* rows refused for lack of memory */
};

/*
 * An open-addressing index (linear probing, UINT32_MAX for empty) over rows 0..nrows-1, grown to
 * twice its slots, or to first when it has none; slot(ctx, row, n) is where row's probe starts
 * in n slots. The time tables' and the views' thread names' index. 0 or -ENOMEM.
 */
int pyx_index_grow(uint32_t **index, size_t *nindex, size_t first, size_t nrows,
		   size_t (*slot)(const void *ctx, size_t row, size_t n), const void *ctx);

/* One of the slowest audit events, with what the kernel did for it. */
struct pyx_sum_slow {
	uint64_t time_ns, ts_ns;
	uint32_t pid, tid;
	char event[64];
	char frame[160];    /* "file:line (function)", or "" */
	char syscalls[256]; /* "openat=3 12us, read=5 3us" */
};

struct pyx_sum_timed {
	struct pyx_sum_tab events, syscalls, procs, lines;
	struct pyx_sum_slow slow[PYX_SUM_TOP]; /* slowest first */
	unsigned int nslow;
	uint64_t ev_time_ns, sc_time_ns; /* column totals, for % time */
};

enum pyx_sum_sort { PYX_SORT_TIME, PYX_SORT_CALLS, PYX_SORT_ERRORS, PYX_SORT_NAME };

struct pyx_corr_item;
struct pyx_event;
struct pyx_sysview;

/* Feed the tables: an audit record with the correlator's item (NULL: not correlated), a syscall
 * record, a comm seen for a pid. */
void pyx_sum_timed_audit(struct pyx_sum_timed *t, const struct pyx_rec_audit *rec,
			 const struct pyx_event *ev, const struct pyx_corr_item *it);
void pyx_sum_timed_syscall(struct pyx_sum_timed *t, const struct pyx_sysview *sv);
/* Rows of tab in the order of key (ties by name); free() the result. NULL when empty or OOM. */
struct pyx_sum_row **pyx_sum_sorted(const struct pyx_sum_tab *tab, enum pyx_sum_sort key);
/* "time", "calls", "errors", "name" -> enum, -1 otherwise */
int pyx_sum_sort_parse(const char *s);
void pyx_sum_timed_free(struct pyx_sum_timed *t);

#endif /* PYX_OUT_COUNTS_H */
