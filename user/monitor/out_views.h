/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Views for investigations, built from the records the outputs get: the -c table
 * (out_summary.c), the Perfetto trace --trace-out (out_trace.c) and the HTML report --html
 * (out_html.c). mon_record.c hands every record it shows, with the correlator's annotation, to
 * pyx_views_*() next to the output format's print function, so whatever feeds that path (the
 * ring buffer, a replayed capture) gets the views too. The tables live in out_counts.c (one summary
 * module); the trace is written as records come; the report keeps a bounded picture of the run
 * in memory and is written at the end.
 */
#ifndef PYX_OUT_VIEWS_H
#define PYX_OUT_VIEWS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "correlate.h"
#include "out_counts.h"
#include "out_writer.h"

struct pyx_views_opts {
	bool table;             /* -c / -C */
	bool table_stderr;      /* -C: the table goes to stderr, the records to the output */
	enum pyx_sum_sort sort; /* -S */
	const char *trace_path; /* --trace-out */
	const char *html_path;  /* --html */
};

struct pyx_views;

/* -c: an output format that prints nothing (the tables at exit are the output). */
extern const struct pyx_output_ops pyx_output_none;

/* *why says what failed (opening a file). */
int pyx_views_new(struct pyx_views **out, const struct pyx_views_opts *o, struct pyx_summary *sum,
		  char *why, size_t why_size);
void pyx_views_audit(struct pyx_views *v, const struct pyx_rec_audit *rec,
		     const struct pyx_event *ev, const struct pyx_corr_item *it);
void pyx_views_syscall(struct pyx_views *v, const struct pyx_sysview *sv,
		       const struct pyx_corr_item *it);
void pyx_views_process(struct pyx_views *v, const struct pyx_procview *pv);
void pyx_views_blind(struct pyx_views *v, const struct pyx_corr_blind *b);
void pyx_views_alert(struct pyx_views *v, const struct pyx_corr_alert *a);
void pyx_views_lost(struct pyx_views *v, const struct pyx_rec_lost *l);
/* At exit: the table to w (or stderr), the end of the trace, the report. Returns 0 or a negative
 * errno (a file could not be written: *why). */
int pyx_views_finish(struct pyx_views *v, struct pyx_writer *w, char *why, size_t why_size);
void pyx_views_free(struct pyx_views *v);

/* ---- shared by out_*.c ---- */

/* What the report draws and lists; bounded (counted beyond). */
#define PYX_VIEWS_SPANS_MAX 100000
#define PYX_VIEWS_FINDINGS_MAX 1000

enum pyx_span_kind { PYX_SPAN_AUDIT, PYX_SPAN_SYSCALL, PYX_SPAN_PROC, PYX_SPAN_ALARM };

struct pyx_span {
	uint64_t start_ns, end_ns;
	uint32_t pid, tid;
	uint8_t kind;    /* enum pyx_span_kind */
	uint8_t verdict; /* enum pyx_corr_verdict */
	bool failed;
	char name[45];
};

struct pyx_finding {
	uint64_t ts_ns;
	uint32_t pid, tid;
	char comm[PYX_COMM_LEN + 1];
	char kind[24];     /* "unaudited", "mismatch", "blind-spot", "alert", "lost", ... */
	char what[200];    /* the record: "openat(\"/etc/shadow\") = 3" */
	char context[300]; /* why, and the last audit event with its frame */
};

#define PYX_VIEWS_STACK_MAX 32

/* What the views know of one thread: its name, and for the trace the ends of its open slices
 * (outermost first). */
struct pyx_thread_name {
	uint32_t pid, tid;
	char comm[PYX_COMM_LEN + 1];
	unsigned int depth;
	uint64_t ends[PYX_VIEWS_STACK_MAX];
};

struct pyx_views {
	struct pyx_views_opts o;
	struct pyx_summary *sum;
	struct pyx_sum_timed timed;
	/* trace */
	FILE *trace;
	uint64_t trace_events;
	bool trace_first;
	uint64_t flow_id;
	/* report */
	FILE *html;
	struct pyx_span *spans;
	size_t nspans, cspans;
	uint64_t spans_dropped;
	struct pyx_finding *findings;
	size_t nfindings, cfindings;
	uint64_t findings_dropped;
	/* threads seen, in order of appearance, and an open-addressing index over them */
	struct pyx_thread_name *names;
	size_t nnames, cnames;
	uint32_t *name_index;
	size_t nname_index;
	uint64_t t0_ns; /* first record: trace and report times are relative to it */
	bool have_t0;
	uint64_t t_end_ns;
};

/* out_trace.c */
void pyx_trace_audit(struct pyx_views *v, const struct pyx_rec_audit *rec,
		     const struct pyx_event *ev, const struct pyx_corr_item *it);
void pyx_trace_syscall(struct pyx_views *v, const struct pyx_sysview *sv,
		       const struct pyx_corr_item *it);
void pyx_trace_process(struct pyx_views *v, const struct pyx_procview *pv);
void pyx_trace_mark(struct pyx_views *v, uint64_t ts, uint32_t pid, uint32_t tid, const char *name,
		    const char *kind, const char *why);
int pyx_trace_finish(struct pyx_views *v);
/* out_summary.c: the -c table */
void pyx_table_print(struct pyx_views *v, struct pyx_writer *w, FILE *f);
/* out_html.c */
int pyx_html_write(struct pyx_views *v);

/* "name" of (pid, tid), "?" when never seen */
const char *pyx_views_comm(const struct pyx_views *v, uint32_t pid, uint32_t tid);
/* The thread (pid, tid), made when new (create); NULL when unknown or without memory. */
struct pyx_thread_name *pyx_views_thread(struct pyx_views *v, uint32_t pid, uint32_t tid,
					 bool create);

#endif /* PYX_OUT_VIEWS_H */
