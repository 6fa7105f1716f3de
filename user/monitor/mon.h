/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The monitor's run, phase by phase (main.c drives them in this order):
 *   preflight    mon_preflight.c   root, BTF, the hook library, the -p pids
 *   output       mon_output.c      the output file, its writer thread, stamps, views, --syslog
 *   correlation  mon_correlate.c   the correlator and the blind-spot probe, and its callbacks
 *   attach       mon_attach.c      signals, COMMAND held, the BPF programs, the pids, COMMAND go
 *   run loop     mon_run.c         poll, tick, reorder, stats, reopen: till nothing is left
 *   finish       mon_finish.c      drain, flush, losses in-band, summary, the exit status, cleanup
 * Each record goes through mon_record.c (decode, filter, write); -r FILE replays a capture
 * through the same stages (mon_replay.c). A phase returns 0 to go on, or the exit status.
 */
#ifndef PYX_MON_H
#define PYX_MON_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "pyxcheck_wire.h"
#include "capture_builtin.h"
#include "capture_builtin_worker.h"
#include "capture_loader.h"
#include "capture_runner.h"
#include "correlate.h"
#include "opts.h"
#include "out_counts.h"
#include "out_filter.h"
#include "out_metrics.h"
#include "out_order.h"
#include "out_service.h"
#include "out_sink.h"
#include "out_syslog.h"
#include "out_views.h"
#include "out_writer.h"

#define POLL_MS 100

struct monitor {
	struct pyx_opts *opts;
	const struct pyx_output_ops *out;
	struct pyx_writer w;
	struct pyx_summary sum;
	struct pyx_arena arena;
	struct pyx_corr *corr;       /* NULL: records are shown as they come */
	struct pyx_builtin *builtin; /* CPython's own python:audit probe, for blind spots */
	struct pyx_stamp stamp;
	struct pyx_syslog *syslog;     /* --syslog, or NULL */
	bool syslog_done;              /* finished at exit: lines no longer go to it */
	uint64_t shown[PYX_CT__COUNT]; /* records written, by type (stats and metrics) */
	struct pyx_loader *ld;
	struct pyx_builtin_worker *bw;          /* attaches and detaches it off the run loop */
	struct pyx_sink *sink;                  /* the bounded output queue and its writer thread */
	uint64_t loss_noted[PYX_STREAM__COUNT]; /* kernel loss totals already told the correlator */
	uint64_t throttle_noted[PYX_STREAM__COUNT]; /* and throttle totals */
	struct pyx_views *views; /* -c/-C, --trace-out, --html (out_views.h), or NULL */
	bool term_summary;       /* the human view on a terminal: the summary at the end */
	struct pyx_vfilter vf;   /* display filters of the live view (out_filter.h) */
	bool vf_on;
	struct pyx_order *order; /* time order of the human output (out_order.h), or NULL */

	/* the live run's state, handed from phase to phase */
	uint64_t t0;             /* the start record's time: before the probes */
	char lib[PATH_MAX];      /* the hook library (mon_preflight.c) */
	char launcher[PATH_MAX]; /* build/pyxcheck-python beside it */
	struct pyx_child child;  /* COMMAND */
	FILE *f;                 /* the output file (-o), stdout or stderr */
	void *arena_mem;
	bool child_done;
	int child_status;
	bool abandoned; /* a stuck reader: exit without waiting for the writer */
	bool views_failed;
};

/* SIGINT/SIGTERM so far (mon_run.c); on a new one the finish phase gives up a slow reader */
extern volatile sig_atomic_t mon_stop_signals;

static inline uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* phases, in order */
int mon_preflight(struct monitor *m);
int mon_output_setup(struct monitor *m);
int mon_corr_setup(struct monitor *m);
int mon_attach(struct monitor *m);
void mon_signals_install(void);
void mon_run(struct monitor *m, int argc, char **argv);
int mon_finish(struct monitor *m);
int mon_cleanup(struct monitor *m, int ret);
int mon_replay(struct monitor *m, int argc, char **argv);

/* mon_preflight.c */
bool mon_proc_alive(pid_t pid);

/* mon_record.c: one record, decoded, filtered, written (the correlator's or the ring's) */
int mon_on_record(void *ctx, const void *rec, size_t size);
int mon_show_record(struct monitor *m, const void *rec, size_t size);

/* mon_correlate.c */
int mon_corr_start(struct monitor *m, const struct pyx_corr_opts *copts);
int mon_on_item(void *ctx, const struct pyx_corr_item *it);
void mon_on_builtin(void *ctx, uint32_t pid, const char *name);
void mon_note_unreported_losses(struct monitor *m);

/* mon_output.c */
int mon_writer_setup(struct monitor *m);
int mon_open_output(struct pyx_opts *o, bool append, FILE **out, char *why, size_t n);
const char *mon_own_output(const struct pyx_opts *o);
void mon_on_line(struct pyx_writer *w);
void mon_stamp(struct pyx_writer *w, uint64_t ts_ns);
int mon_setup_views(struct monitor *m);
void mon_reopen_output(struct monitor *m, FILE **f);
void mon_write_lost(struct monitor *m, unsigned int stream, uint64_t count, const char *reason,
		    uint32_t pid);
void mon_write_throttled(struct monitor *m, unsigned int stream, uint64_t count);
void mon_report_dropped(struct monitor *m, bool force);
void mon_report_sink_lost(struct monitor *m);
void mon_collect(struct monitor *m, struct pyx_counters *c);
void mon_write_metrics(struct monitor *m);

#endif
