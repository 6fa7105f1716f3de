// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck: parse options, check the environment, start COMMAND held on a pipe, open the loader,
 * add the pids, release COMMAND, then poll the ring buffer and hand each record, decoded and
 * validated, to the chosen output format until there is nothing left to follow.
 *
 * When to stop:
 *   COMMAND mode: the monitor is a child subreaper, so descendants that outlive COMMAND are
 *     reparented to it; it follows them until every one has exited (like strace -f), then drains
 *     the ring buffer and exits with COMMAND's status. The first SIGINT/SIGTERM is passed on to
 *     COMMAND (unless it came from the terminal, which already sent it to COMMAND's process group)
 *     and the monitor keeps recording until COMMAND exits; once COMMAND has exited, or on a
 *     second signal, it stops at once: detach, drain, summary.
 *   -p: until every given process has exited, or a signal (exit 0).
 *   -a: until a signal (exit 0).
 * SIGHUP reopens -o FILE (logrotate's postrotate) and SIGUSR1 writes a stats record, at the next
 * poll round, between two records: nothing is lost or written twice (service.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef PYX_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "pyxcheck_wire.h"
#include "builtin_audit.h"
#include "builtin_worker.h"
#include "catalog.h"
#include "corr_out.h"
#include "correlate.h"
#include "compat.h"
#include "detach.h"
#include "loader.h"
#include "metrics.h"
#include "out_syslog.h"
#include "opts.h"
#include "outfile.h"
#include "out_filter.h"
#include "out_order.h"
#include "output.h"
#include "proc_context.h"
#include "payload.h"
#include "record.h"
#include "replay.h"
#include "runner.h"
#include "service.h"
#include "sink.h"
#include "summary.h"
#include "sysrec.h"
#include "views.h"

#define POLL_MS 100
/* Free room in the output queue before a lost record is written for what it dropped: reported
 * once the reader caught up a little, not once per dropped line. */
#define LOST_ROOM 1024
#define BTF_PATH "/sys/kernel/btf/vmlinux"

static volatile sig_atomic_t stop_signals;   /* SIGINT/SIGTERM received so far */
static volatile sig_atomic_t stop_forward;   /* the last one was sent to us alone */
static volatile sig_atomic_t stop_signo;
static volatile sig_atomic_t reopen_requested; /* SIGHUP */
static volatile sig_atomic_t stats_requested;  /* SIGUSR1 */

static void on_service_signal(int sig)
{
	if (sig == SIGHUP)
		reopen_requested = 1;
	else
		stats_requested = 1;
}

#ifndef PYX_HAVE_SYSTEMD
static int sd_notify(int unset_environment, const char *state)
{
	return 0;
}
#endif

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	stop_signo = sig;
	/* a terminal's ^C reaches the whole foreground group (si_code SI_KERNEL): COMMAND has it */
	stop_forward = si && (si->si_code == SI_USER || si->si_code == SI_QUEUE ||
			      si->si_code == SI_TKILL);
	stop_signals++;
}

struct monitor {
	struct pyx_opts *opts;
	const struct pyx_output_ops *out;
	struct pyx_writer w;
	struct pyx_summary sum;
	struct pyx_arena arena;
	struct pyx_corr *corr;          /* NULL: records are shown as they come */
	struct pyx_builtin *builtin;    /* CPython's own python:audit probe, for blind spots */
	struct pyx_stamp stamp;
	struct pyx_syslog *syslog;      /* --syslog, or NULL */
	bool syslog_done;               /* finished at exit: lines no longer go to it */
	uint64_t shown[PYX_CT__COUNT];  /* records written, by type (stats and metrics) */
	struct pyx_loader *ld;
	struct pyx_builtin_worker *bw;  /* attaches and detaches it off the run loop */
	struct pyx_sink *sink;          /* the bounded output queue and its writer thread */
	uint64_t loss_noted[PYX_STREAM__COUNT]; /* kernel loss totals already told the correlator */
	uint64_t throttle_noted[PYX_STREAM__COUNT]; /* and throttle totals */
	struct pyx_views *views;        /* -c/-C, --trace-out, --html (views.h), or NULL */
	bool term_summary;              /* the human view on a terminal: the summary at the end */
	struct pyx_vfilter vf;          /* display filters of the live view (out_filter.h) */
	bool vf_on;
	struct pyx_order *order;        /* time order of the human output (out_order.h), or NULL */
};

/* An alarm verdict of the correlator on the record being shown (--findings shows these). */
static bool corr_alarm(const struct monitor *m)
{
	const struct pyx_corr_item *it = m->w.corr;

	return it && (it->verdict == PYX_V_UNAUDITED || it->verdict == PYX_V_MISMATCH ||
		      it->verdict == PYX_V_CHANGED);
}

/* The display filters: false hides the record (counted in m->vf). */
static bool view_show(struct monitor *m, const struct pyx_rec_hdr *h, struct pyx_vf_rec *r)
{
	if (!m->vf_on)
		return true;
	r->type = h->type;
	r->alarm = r->alarm || corr_alarm(m);
	return pyx_vfilter_show(&m->vf, h, r);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The stream a record counts in when the output queue drops it (lifecycle records, like the
 * kernel side's, count as audit). */
static int rec_stream(unsigned int type)
{
	switch (type) {
	case PYX_REC_SYSCALL:
		return PYX_STREAM_SYSCALL;
	case PYX_REC_PROCESS:
		return PYX_STREAM_PROCESS;
	case PYX_REC_LOST:
	case PYX_REC_THROTTLED:
		return -1; /* the accounting itself is never dropped */
	default:
		return PYX_STREAM_AUDIT;
	}
}

static void malformed(struct monitor *m, const struct pyx_rec_hdr *h, const char *source,
		      const char *why, const void *raw, size_t len)
{
	struct pyx_vf_rec vr = { .alarm = true, .event_id = -1, .proc_kind = -1 };

	m->sum.malformed++;
	if (!view_show(m, h, &vr))
		return;
	m->shown[PYX_CT_MALFORMED]++;
	/* droppable too: a flood of forged records must not grow the queue without bound */
	m->w.stream = h->type == PYX_REC_LOST ? PYX_STREAM_AUDIT : rec_stream(h->type);
	m->out->malformed(&m->w, h, source, why, raw, len);
}

/* A lost record written by the monitor itself: pid 0 when no thread can be named. */
static void write_lost(struct monitor *m, unsigned int stream, uint64_t count, const char *reason,
		       uint32_t pid)
{
	const struct pyx_corr_item *corr = m->w.corr;
	int saved = m->w.stream;
	struct pyx_rec_lost l = {
		.hdr = { .size = sizeof(l), .type = PYX_REC_LOST, .pid = pid, .tid = pid,
			 .ts_ns = now_ns(CLOCK_MONOTONIC) },
		.stream = stream,
		.count = count,
	};

	memcpy(l.hdr.comm, "pyxcheck", sizeof("pyxcheck"));
	m->w.corr = NULL;
	m->w.stream = -1;
	m->w.lost_reason = reason;
	m->out->lost(&m->w, &l);
	if (m->views)
		pyx_views_lost(m->views, &l);
	m->w.lost_reason = NULL;
	m->w.stream = saved;
	m->w.corr = corr;
}

/* The kernel reports a loss in-band with the next record any CPU sends (flush_lost() in
 * bpf/pyxcheck.bpf.c). Until then nothing tells the correlator, which would close by time, as
 * "no-syscall", the window whose syscall record was the one lost (seen in the stress test when
 * every producer paused right after a full ring). So before windows close by time, and before the
 * final flush, the kernel's running totals are compared with what LOST records have said; a loss
 * not yet reported puts the open windows in doubt now. Processes that could not be monitored
 * lost no record of a followed one. */
static void note_unreported_losses(struct monitor *m)
{
	uint64_t lost[PYX_STREAM__COUNT] = { 0 }, thr[PYX_STREAM__COUNT] = { 0 };
	bool news = false;
	unsigned int i;

	if (!m->corr || !m->ld || pyx_loader_counts(m->ld, lost, thr))
		return;
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		if (i == PYX_STREAM_UNMONITORED)
			continue;
		/* a throttle not yet reported (it names its uid only in-band): the same doubt */
		if (lost[i] > m->loss_noted[i] && lost[i] > m->sum.lost_records[i])
			news = true;
		if (thr[i] > m->throttle_noted[i] && thr[i] > m->sum.throttled_records[i])
			news = true;
		if (lost[i] > m->loss_noted[i])
			m->loss_noted[i] = lost[i];
		if (thr[i] > m->throttle_noted[i])
			m->throttle_noted[i] = thr[i];
	}
	if (news)
		pyx_corr_note_loss(m->corr, now_ns(CLOCK_MONOTONIC));
}

/* Throttled records no in-band THROTTLED record reported (see the exit path). */
static void write_throttled(struct monitor *m, unsigned int stream, uint64_t count)
{
	const struct pyx_corr_item *corr = m->w.corr;
	int saved = m->w.stream;
	struct pyx_rec_throttled t = {
		.hdr = { .size = sizeof(t), .type = PYX_REC_THROTTLED,
			 .ts_ns = now_ns(CLOCK_MONOTONIC) },
		.stream = stream,
		.uid = (uint32_t)-1,
		.count = count,
	};

	memcpy(t.hdr.comm, "pyxcheck", sizeof("pyxcheck"));
	m->w.corr = NULL;
	m->w.stream = -1;
	m->out->throttled(&m->w, &t);
	m->w.stream = saved;
	m->w.corr = corr;
}

/* Say in-band what the output queue dropped, once it has room again (force: now). */
static void report_dropped(struct monitor *m, bool force)
{
	unsigned int i;

	if (!m->sink || (!force && !pyx_sink_room(m->sink, LOST_ROOM)))
		return;
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t n = m->w.dropped[i];

		if (!n)
			continue;
		m->w.dropped[i] = 0;
		m->sum.lost_output[i] += n;
		write_lost(m, i, n, "output", getpid());
	}
	m->w.ndropped = 0;
}

static void handle_audit(struct monitor *m, const void *rec, size_t size)
{
	const struct pyx_rec_audit *a = rec;
	const void *payload;
	size_t n, plen;
	struct pyx_event ev;
	const char *why;
	char name[256];

	if (pyx_audit_decode(rec, size, &m->arena, &ev, &why, &payload, &plen)) {
		malformed(m, rec, "audit", why, payload, plen);
		return;
	}
	/* globs see the name up to a NUL, as a C string */
	n = strnlen((const char *)ev.name->s.data, ev.name->len);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, ev.name->s.data, n);
	name[n] = 0;
	if (!pyx_opts_want_event(m->opts, name, a->category))
		return;
	pyx_summary_audit(&m->sum, pyx_cat_event(ev.event_id) ? ev.event_id : PYX_EVENT_UNKNOWN,
			  ev.name->s.data, ev.name->len);
	{
		/* the display filters hide, the summary still counts */
		struct pyx_vf_rec vr = { .event_id = ev.event_id, .proc_kind = -1 };

		if (!view_show(m, rec, &vr))
			return;
	}
	m->shown[PYX_CT_AUDIT]++;
	m->out->audit(&m->w, a, &ev);
	if (m->views)
		pyx_views_audit(m->views, a, &ev, m->w.corr);
}

static int show_record(struct monitor *m, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;
	struct pyx_sysview sv;
	struct pyx_procview pv;

	if (m->w.ndropped)
		report_dropped(m, false);
	m->w.stream = rec_stream(h->type);
	switch (h->type) {
	case PYX_REC_AUDIT:
		handle_audit(m, rec, size);
		break;
	case PYX_REC_SYSCALL:
		if (pyx_sysrec_decode(rec, size, &sv)) {
			malformed(m, h, "syscall", "syscall record does not check out", rec, size);
			break;
		}
		if (!m->opts->sc_show[sv.sc])
			break;
		m->sum.sc[sv.sc]++;
		m->sum.sc_failed[sv.sc] += sv.err != 0;
		{
			struct pyx_vf_rec vr = { .event_id = -1, .proc_kind = -1 };

			for (unsigned int i = 0; i < sv.nargs; i++) {
				const struct pyx_sysarg *a = &sv.args[i];

				if (a->kind == PYX_AK_PATH && a->present && !a->null &&
				    !a->fault) {
					vr.python_exec = sv.sc == PYX_SC_execve ||
							 sv.sc == PYX_SC_execveat ?
						pyx_vfilter_is_python(a->u.path.str, a->u.path.len) :
						false;
					break;
				}
			}
			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_SYSCALL]++;
		m->out->syscall(&m->w, &sv);
		if (m->views)
			pyx_views_syscall(m->views, &sv, m->w.corr);
		break;
	case PYX_REC_PROCESS:
		if (pyx_procrec_decode(rec, size, &pv)) {
			malformed(m, h, "process", "process record does not check out", rec, size);
			break;
		}
		if (pv.kind < 4)
			m->sum.proc[pv.kind]++;
		{
			struct pyx_vf_rec vr = { .event_id = -1, .proc_kind = pv.kind };

			if (pv.kind == PYX_PROC_FORK && !pv.thread)
				vr.child_pid = pv.child_pid;
			if (pv.kind == PYX_PROC_EXEC && pv.filename)
				vr.python_exec = pyx_vfilter_is_python(pv.filename, pv.filename_len);
			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_PROCESS]++;
		m->out->process(&m->w, &pv);
		if (m->views)
			pyx_views_process(m->views, &pv);
		break;
	case PYX_REC_LIFECYCLE:
		if (size < sizeof(struct pyx_rec_lifecycle)) {
			malformed(m, h, "lifecycle", "lifecycle record too short", rec, size);
			break;
		}
		m->sum.lifecycle++;
		{
			const struct pyx_rec_lifecycle *lc = rec;
			struct pyx_vf_rec vr = { .event_id = -1, .proc_kind = -1,
						 .hook_start = lc->kind == PYX_LC_HOOK_START };

			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_LIFECYCLE]++;
		m->w.priority = true;
		m->out->lifecycle(&m->w, rec);
		m->w.priority = false;
		break;
	case PYX_REC_LOST: {
		const struct pyx_rec_lost *l = rec;

		if (size < sizeof(*l) || l->stream >= PYX_STREAM__COUNT) {
			malformed(m, h, "lost", "lost record does not check out", rec, size);
			break;
		}
		m->sum.lost_records[l->stream] += l->count;
		{
			struct pyx_vf_rec vr = { .alarm = true, .event_id = -1, .proc_kind = -1 };

			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_LOST]++;
		m->out->lost(&m->w, l);
		if (m->views)
			pyx_views_lost(m->views, l);
		break;
	}
	case PYX_REC_THROTTLED: {
		const struct pyx_rec_throttled *t = rec;

		if (size < sizeof(*t) || t->stream >= PYX_STREAM_UNMONITORED) {
			malformed(m, h, "throttled", "throttled record does not check out", rec,
				  size);
			break;
		}
		m->sum.throttled_records[t->stream] += t->count;
		m->shown[PYX_CT_THROTTLED]++;
		m->out->throttled(&m->w, t);
		break;
	}
	default:
		malformed(m, h, "record", "unknown record type", rec, size);
		break;
	}
	m->w.stream = -1;
	m->w.line_ts = 0;
	/* the reader went away (EPIPE) or the disk is full: stop polling */
	return m->w.err;
}

/* The correlator's look-up of a syscall's stack dump (the loader opens after the correlator). */
static int stack_dump(void *arg, uint32_t slot, struct pyx_ustack_dump *out)
{
	struct monitor *m = arg;

	return pyx_loader_ustack_dump(m->ld, slot, out);
}

/* The correlator hands records back in per-thread order, annotated (correlate.h). */
static int on_item(void *ctx, const struct pyx_corr_item *it)
{
	struct monitor *m = ctx;

	if (it->kind == PYX_CI_BLIND_SPOT) {
		if (m->vf_on && !pyx_vfilter_show_finding(&m->vf, it->blind->pid, 0,
							  it->blind->comm, true))
			return 0;
		if (m->w.ndropped)
			report_dropped(m, false);
		m->w.stream = PYX_STREAM_PROCESS;
		if (m->views)
			pyx_views_blind(m->views, it->blind);
		if (!m->opts->table_only) {
			/* found out after a grace period: written at the release point, not as late */
			m->w.line_ts = it->blind->ts_ns ? it->blind->ts_ns : 1;
			m->w.line_report = true;
			pyx_corr_print_blind(&m->w, m->opts->json, it->blind);
			m->w.line_report = false;
			m->w.line_ts = 0;
		}
		m->w.stream = -1;
		return m->w.err;
	}
	if (it->kind == PYX_CI_ALERT) {
		if (m->vf_on && !pyx_vfilter_show_finding(&m->vf, it->alert->pid, it->alert->uid,
							  it->alert->comm, true))
			return 0;
		m->w.stream = -1; /* an alarm is never dropped */
		if (m->views)
			pyx_views_alert(m->views, it->alert);
		if (!m->opts->table_only) {
			m->w.line_ts = it->alert->ts_ns ? it->alert->ts_ns : 1;
			pyx_corr_print_alert(&m->w, m->opts->json, it->alert);
			m->w.line_ts = 0;
		}
		return m->w.err;
	}
	m->w.corr = it;
	show_record(m, it->rec, it->size);
	m->w.corr = NULL;
	return m->w.err;
}

/* A Python without the hook was found (image: a /proc link to the file it runs) or is gone /
 * turned out hooked (image NULL). */
static bool on_blind(void *ctx, uint32_t pid, const char *image)
{
	struct monitor *m = ctx;

	/* queued: the kernel may keep an attach or a detach waiting for seconds (builtin_worker.h);
	 * whether there is a probe to attach to is known now (an image without one, a pyenv build,
	 * gets no builtin_events at all) */
	if (!image) {
		pyx_bw_detach(m->bw, pid);
		return false;
	}
	return pyx_builtin_has_probe(image) && pyx_bw_attach(m->bw, pid, image);
}

static void on_builtin(void *ctx, uint32_t pid, const char *name)
{
	struct monitor *m = ctx;

	pyx_corr_builtin_event(m->corr, pid, name);
}

/* Hooked processes alive, for the metrics: from hook_start to the thread group's exit. */
static void track_alive(const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;

	if (h->type == PYX_REC_LIFECYCLE && size >= sizeof(struct pyx_rec_lifecycle)) {
		const struct pyx_rec_lifecycle *l = rec;

		if (l->kind == PYX_LC_HOOK_START && l->status == 0)
			pyx_alive_add(h->pid);
	} else if (h->type == PYX_REC_PROCESS && size >= sizeof(struct pyx_rec_process)) {
		const struct pyx_rec_process *p = rec;

		if (p->kind == PYX_PROC_EXIT)
			pyx_alive_del(h->pid);
	}
}

static int on_record(void *ctx, const void *rec, size_t size)
{
	struct monitor *m = ctx;
	int err;

	m->sum.records++;
	track_alive(rec, size);
	/* now, not when the record is written: the correlator may hold it past its exit */
	pyx_pctx_record(m->w.pctx, rec, size);
	if (!m->corr)
		return show_record(m, rec, size);
	err = pyx_corr_record(m->corr, rec, size);
	return err ? err : m->w.err;
}

static size_t exec_kept(void *ctx, uint32_t pid, void *buf, size_t size)
{
	struct monitor *m = ctx;

	return m->ld ? pyx_loader_exec_ctx(m->ld, pid, buf, size) : 0;
}

/* The hook library sits next to the binary (build/) or in ../lib/pyxcheck (make install). */
static int find_hook(char *lib, size_t lib_size, char *launcher, size_t launcher_size)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -errno;
	exe[n] = 0;
	dir = dirname(exe);
	snprintf(launcher, launcher_size, "%s/pyxcheck-python", dir);
	snprintf(lib, lib_size, "%s/libpyxcheck.so", dir);
	if (!access(lib, R_OK))
		return 0;
	snprintf(lib, lib_size, "%s/../lib/pyxcheck/libpyxcheck.so", dir);
	if (!access(lib, R_OK))
		return 0;
	snprintf(lib, lib_size, "%s/libpyxcheck.so", dir);
	return -ENOENT;
}

/* Alive and not a zombie: a zombie's records are all in. */
static bool proc_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* Has pid the hook mapped (preloaded or imported library, or the launcher)? */
static bool proc_hooked(pid_t pid)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return true; /* cannot tell: no warning */
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/libpyxcheck.so") || strstr(line, "/pyxcheck-python") ||
			strstr(line, "/pyxcheck.cpython");
	fclose(f);
	return found;
}

static int drain(struct pyx_loader *ld, struct monitor *m)
{
	int n, rounds = 0;

	/* consume until the ring is empty; bounded, in case a busy host keeps it full */
	do {
		n = pyx_loader_poll(ld, 0, on_record, m);
	} while (n > 0 && ++rounds < 10000);
	return n < 0 ? n : 0;
}

/* -o FILE: never through a symlink, never into a file another user prepared (outfile.c).
 * Without -o (or with -o -, stdout): records go to stdout, except in COMMAND mode where they go
 * to stderr as strace's do, so that the command's stdout stays its own (`pyxcheck -- cmd > f`). */
static int open_output(struct pyx_opts *o, bool append, FILE **out, char *why, size_t n)
{
	int fd, err;

	if (!o->output || !strcmp(o->output, "-")) {
		*out = o->command && !o->output ? stderr : stdout;
		return 0;
	}
	fd = pyx_outfile_open(o->output, append, why, n);
	if (fd < 0)
		return fd;
	*out = fdopen(fd, append ? "a" : "w");
	if (!*out) {
		err = -errno;
		snprintf(why, n, "%s", strerror(-err));
		close(fd);
		return err;
	}
	return 0;
}

/* The file of -o, which the monitor opens and closes; NULL for stdout and stderr. */
static const char *own_output(const struct pyx_opts *o)
{
	return o->output && strcmp(o->output, "-") ? o->output : NULL;
}

/* Each finished line: wall time and node into JSON, then a copy to --syslog. */
static void on_line(struct pyx_writer *w)
{
	struct monitor *m = w->line_ctx;

	if (m->opts->json)
		pyx_stamp_line(&m->stamp, &w->buf);
	if (m->syslog && !m->syslog_done && !w->buf.oom)
		pyx_syslog_push(m->syslog, w->buf.p, w->buf.len);
}

/* One snapshot of every counter, as the summary would print it. */
static void collect(struct monitor *m, struct pyx_counters *c)
{
	uint64_t lost[PYX_STREAM__COUNT] = {}, throttled[PYX_STREAM__COUNT] = {};
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->records = m->sum.records;
	memcpy(c->by_type, m->shown, sizeof(m->shown));
	if (m->corr) {
		struct pyx_corr_stats st;

		pyx_corr_stats(m->corr, &st);
		c->nverdicts = PYX_V__COUNT - PYX_V_MATCHED;
		for (i = 0; i < c->nverdicts; i++)
			c->verdicts[i] = st.verdicts[PYX_V_MATCHED + i];
		c->blind_spots = st.blind_spots;
	}
	if (m->ld)
		pyx_loader_counts(m->ld, lost, throttled);
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		c->lost[i] = lost[i] > m->sum.lost_records[i] ? lost[i] : m->sum.lost_records[i];
		c->throttled[i] = throttled[i] > m->sum.throttled_records[i] ?
					  throttled[i] : m->sum.throttled_records[i];
	}
	c->malformed = m->sum.malformed;
	if (m->syslog) {
		struct pyx_syslog_stats ss;

		pyx_syslog_stats(m->syslog, &ss);
		c->sink_lost = ss.lost;
		c->sink_sent = ss.sent;
		c->sink_queued = ss.queued;
	}
	c->hooked_alive = pyx_alive_count();
	if (m->ld) {
		c->ring_size = pyx_loader_ring_size(m->ld);
		pyx_ring_fill(pyx_loader_ring_fd(m->ld), &c->ring_used);
	}
	pyx_counters_self(c);
}

static void write_metrics(struct monitor *m)
{
	struct pyx_counters c;
	int err;

	collect(m, &c);
	err = pyx_metrics_write(m->opts->metrics, &c);
	if (err)
		pyx_print_error(m->opts->json, "failed to write metrics to %s: %s", m->opts->metrics,
				strerror(-err));
}

/* Records the sink dropped since the last report, as a `lost` record with stream "sink". */
static void report_sink_lost(struct monitor *m)
{
	uint64_t n = m->syslog ? pyx_syslog_take_lost(m->syslog) : 0;
	int saved = m->w.stream;

	if (!n || !m->opts->json)
		return;
	m->w.stream = -1; /* the accounting itself is never dropped */
	pyx_buf_printf(&m->w.buf, "{\"type\":\"lost\",\"ts\":%llu,\"pid\":%d,\"tid\":%d,\"uid\":0,"
		       "\"comm\":\"pyxcheck\",\"stream\":\"sink\",\"count\":%llu}",
		       (unsigned long long)now_ns(CLOCK_MONOTONIC), getpid(), getpid(),
		       (unsigned long long)n);
	m->shown[PYX_CT_LOST]++;
	pyx_writer_flush_line(&m->w);
	m->w.stream = saved;
}

/* SIGHUP: everything written so far goes to the old file, everything after to the new one. */
static void reopen_output(struct monitor *m, FILE **f)
{
	FILE *nf;
	int err;

	if (!own_output(m->opts))
		return;
	char why[160];

	err = open_output(m->opts, true, &nf, why, sizeof(why));
	if (err) {
		/* keep writing to the old file rather than lose records */
		pyx_print_error(m->opts->json, "failed to reopen %s: %s (still writing to the "
				"old file)", m->opts->output, why);
		return;
	}
	/* the writer thread finishes the old file, then takes the new one between two lines */
	if (m->sink)
		err = pyx_sink_reopen(m->sink, fileno(nf));
	else if (fflush(*f))
		err = -errno;
	if (err && !m->w.err)
		m->w.err = err;
	fclose(*f);
	*f = nf;
	m->w.f = nf;
}

/* -r FILE: the capture's ring records, in time order, through the same correlator and printers
 * as a live run (replay.h); its clock drives the correlator's windows. Exit status 0, 1 on an
 * error, 3 when malformed lines were skipped. */
/* -c / -C tables, --trace-out, --html (views.h), for a live run and a replay alike. */
static int setup_views(struct monitor *m)
{
	const struct pyx_opts *o = m->opts;
	struct pyx_views_opts vo = {
		.table = o->table_only || o->table_also,
		.table_stderr = o->table_also,
		.sort = o->table_sort,
		.trace_path = o->trace_out,
		.html_path = o->html,
	};
	char why[160];

	if (!vo.table && !o->trace_out && !o->html)
		return 0;
	if (pyx_views_new(&m->views, &vo, &m->sum, why, sizeof(why))) {
		pyx_print_error(o->json, "failed to open output file %s", why);
		return -1;
	}
	return 0;
}

static int replay(struct monitor *m, int argc, char **argv)
{
	const struct pyx_opts *o = m->opts;
	size_t arena_size = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX), i;
	struct pyx_buf node = {};
	void *arena_mem = NULL;
	uint64_t last_tick = 0;
	struct pyx_replay r;
	bool views_failed = false;
	char why[160];
	FILE *f = NULL;
	int err, ret = 1;

	if (pyx_replay_load(&r, o->replay, o->json))
		return 1;
	if (r.no_raw) {
		pyx_print_error(o->json, "%s: %llu records carry no ring-buffer bytes: replay needs a "
				"capture made with -j --raw -o FILE", o->replay,
				(unsigned long long)r.no_raw);
		goto cleanup;
	}
	err = open_output((struct pyx_opts *)o, false, &f, why, sizeof(why));
	if (err) {
		pyx_print_error(o->json, "failed to open output file %s: %s", o->output, why);
		goto cleanup;
	}
	arena_mem = malloc(arena_size);
	if (!arena_mem || pyx_sink_open(&m->sink, fileno(f), o->queue_size)) {
		pyx_print_error(o->json, "failed to set up the replay: %s", strerror(ENOMEM));
		goto cleanup;
	}
	pyx_arena_init(&m->arena, arena_mem, arena_size);
	m->w.f = f;
	m->w.sink = m->sink;
	m->w.stream = -1;
	/* the capture's clock and host, not this one's */
	pyx_stamp_init(&m->stamp);
	if (r.have_stamp) {
		m->stamp.real_offset = r.real_offset;
		pyx_json_cstr(&node, r.node);
		if (!node.oom && node.len < sizeof(m->stamp.node)) {
			memcpy(m->stamp.node, node.p, node.len);
			m->stamp.node[node.len] = 0;
		}
	}
	m->w.real_offset = m->stamp.real_offset;
	m->w.on_line = on_line;
	m->w.line_ctx = m;
	if (o->syscalls && !o->events_given) {
		/* no blind-spot search: it looks at /proc of processes long gone (or of others
		 * with their pid now); the capture's blind-spot records are written again */
		struct pyx_corr_opts copts = { .enabled = true, .procfs = "/nonexistent" };

		err = pyx_corr_new(&m->corr, &copts, on_item, m);
		if (err) {
			pyx_print_error(o->json, "failed to set up correlation: %s", strerror(-err));
			goto cleanup;
		}
		m->sum.corr = m->corr;
		m->w.annot = &pyx_corr_annot_ops;
		pyx_corr_add_blind(m->corr, r.blind_spots);
	}
	if (setup_views(m))
		goto cleanup;
	m->sum.start_ns = r.first_ts;
	m->out->header(&m->w);
	if (o->json)
		pyx_json_start(&m->w, r.first_ts, &m->stamp, o, argc, argv);
	for (i = 0; i < r.n && !m->w.err; i++) {
		const struct pyx_replay_item *it = &r.items[i];

		if (it->line) {
			/* as it was, already stamped */
			m->w.on_line = NULL;
			pyx_buf_write(&m->w.buf, it->line, it->line_len);
			pyx_writer_flush_line(&m->w);
			m->w.on_line = on_line;
			continue;
		}
		/* live, the run loop ticks every POLL_MS */
		if (m->corr && it->ts >= last_tick + POLL_MS * 1000000ull) {
			pyx_corr_tick(m->corr, it->ts);
			last_tick = it->ts;
		}
		on_record(m, it->rec, it->size);
		err = pyx_sink_push(m->sink);
		if (err && !m->w.err)
			m->w.err = err;
	}
	if (m->corr && !m->w.err)
		pyx_corr_flush(m->corr);
	m->sum.malformed += r.malformed + r.bad_lines;
	if (m->views && !m->w.err) {
		m->w.stream = -1; /* the accounting itself is never dropped */
		if (pyx_views_finish(m->views, &m->w, why, sizeof(why))) {
			pyx_print_error(o->json, "%s", why);
			views_failed = true;
		}
	}
	if (o->summary && !m->w.err) {
		m->sum.end_ns = r.last_ts;
		m->out->summary(&m->w, &m->sum);
	}
	err = pyx_sink_close(m->sink);
	m->sink = NULL;
	if (err && !m->w.err)
		m->w.err = err;
	if (m->w.err)
		pyx_print_error(o->json, "failed to write output: %s", strerror(-m->w.err));
	else
		ret = views_failed ? 1 : r.bad_lines ? 3 : 0;
cleanup:
	pyx_sink_close(m->sink);
	pyx_views_free(m->views);
	m->views = NULL;
	if (f && own_output(o))
		fclose(f);
	pyx_corr_free(m->corr);
	pyx_summary_free(&m->sum);
	pyx_buf_free(&m->w.buf);
	pyx_buf_free(&node);
	free(arena_mem);
	pyx_replay_free(&r);
	return ret;
}

int main(int argc, char **argv)
{
	char lib[PATH_MAX], launcher[PATH_MAX], why[160];
	const char *hooks[3] = {};
	struct pyx_loader_opts lopts = {};
	struct pyx_child child = { .pid = -1, .go_fd = -1 };
	struct pyx_loader *ld = NULL;
	struct monitor m = {};
	struct pyx_opts opts;
	struct sigaction sa = {};
	bool child_done = false, forwarded = false, warned_drop = false, abandoned = false;
	bool views_failed = false;
	uint64_t lost_ring = 0, lost_out = 0, throttled = 0;
	sig_atomic_t sigs;
	int child_status = 0, ret = 1, err, n;
	unsigned int i;
	uint64_t bad;
	void *arena_mem = NULL;
	FILE *f = NULL;
	size_t arena_size = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX);

	/* the start record's time: before the probes, so it sorts before every record */
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);

	err = pyx_opts_parse(&opts, argc, argv);
	if (err)
		return err == PYX_OPTS_EXIT ? 0 : 2;
	m.opts = &opts;
	m.out = opts.json ? &pyx_output_json : &pyx_output_plain;
	if (opts.table_only)
		m.out = &pyx_output_none; /* -c: the tables at exit are the output */
	pyx_json_with_raw = opts.raw;
	if (opts.replay)
		return replay(&m, argc, argv);

	if (geteuid() != 0) {
		pyx_print_error(opts.json, "must run as root to load BPF programs: run it with sudo");
		return 1;
	}
	if (access(BTF_PATH, R_OK)) {
		pyx_print_error(opts.json, "the kernel has no BTF (%s: %s): use a kernel built with "
				"CONFIG_DEBUG_INFO_BTF=y", BTF_PATH, strerror(errno));
		return 1;
	}
	if (find_hook(lib, sizeof(lib), launcher, sizeof(launcher))) {
		pyx_print_error(opts.json, "hook library %s is missing: run `make` (it is built next "
				"to pyxcheck) or `make install`", lib);
		return 1;
	}
	for (i = 0; i < opts.npids; i++) {
		if (!proc_alive(opts.pids[i])) {
			pyx_print_error(opts.json, "no running process with pid %d", opts.pids[i]);
			return 1;
		}
		if (!proc_hooked(opts.pids[i]))
			fprintf(stderr, "pyxcheck: warning: pid %d carries no pyxcheck hook: only its "
				"syscalls and those of hooked children will be seen (pyxcheck-install-hook, "
				"or start it under pyxcheck)\n", opts.pids[i]);
	}
	err = open_output(&opts, opts.append, &f, why, sizeof(why));
	if (err) {
		pyx_print_error(opts.json, "failed to open output file %s: %s", opts.output, why);
		return 1;
	}
	if (opts.json && opts.command && f != stdout && isatty(fileno(f))) {
		/* the command writes to that terminal too: its lines would break the JSON Lines */
		pyx_print_error(opts.json, "refusing to write JSON Lines to the terminal COMMAND "
				"shares; use -o FILE (or -o - for stdout)");
		return 2;
	}
	if (setup_views(&m))
		goto cleanup;
	arena_mem = malloc(arena_size);
	if (!arena_mem) {
		pyx_print_error(opts.json, "failed to allocate the decoder arena: %s", strerror(ENOMEM));
		goto cleanup;
	}
	pyx_arena_init(&m.arena, arena_mem, arena_size);
	m.w.f = f;
	pyx_stamp_init(&m.stamp);
	m.w.real_offset = m.stamp.real_offset;
	m.w.on_line = on_line;
	m.w.line_ctx = &m;
	if (opts.syslog) {
		char host[256] = "-";

		gethostname(host, sizeof(host) - 1);
		err = pyx_syslog_open(&m.syslog, opts.syslog, opts.syslog_buffer, host);
		if (err) {
			pyx_print_error(opts.json, "failed to set up --syslog %s: %s", opts.syslog,
					err == -EINVAL ? "bad or unresolvable address" :
					strerror(-err));
			goto cleanup;
		}
	}
	if (opts.json) {
		err = pyx_pctx_new(&m.w.pctx, NULL, NULL, m.stamp.boot_id);
		if (err) {
			pyx_print_error(opts.json, "failed to set up process context: %s",
					strerror(-err));
			goto cleanup;
		}
	}
	m.w.stream = -1;
	/* the run loop never blocks on the reader: lines go through a bounded queue (sink.h) */
	err = pyx_sink_open(&m.sink, fileno(f), opts.queue_size);
	if (err) {
		pyx_print_error(opts.json, "failed to start the output writer: %s", strerror(-err));
		goto cleanup;
	}
	m.w.sink = m.sink;
	if (!opts.json) {
		/* the live view (docs/views.md): cut to a terminal's width, or to COLUMNS when set
		 * (as ps does), unless --wide; colours on a terminal unless NO_COLOR or --color */
		bool tty = own_output(&opts) == NULL && isatty(fileno(f));

		/* a person at a terminal gets the counts at the end, as strace -c and bpftrace's
		 * maps do (docs/views.md, "On stop"); a file or a pipe only with --summary */
		m.term_summary = tty && !opts.table_only;
		const char *cols = getenv("COLUMNS");
		struct winsize ws;
		long cw = cols ? strtol(cols, NULL, 10) : 0;

		m.w.color = opts.color == PYX_COLOR_ALWAYS ||
			    (opts.color == PYX_COLOR_AUTO && tty && !getenv("NO_COLOR"));
		if (cw >= 40 && cw <= 10000)
			m.w.width = (unsigned int)cw;
		else if (tty)
			m.w.width = ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col ?
					    ws.ws_col : 100;
		m.w.fit = m.w.width && !opts.wide;
		m.w.durations = opts.durations;
		m.w.wide = opts.wide;
		err = pyx_order_new(&m.order);
		if (err) {
			pyx_print_error(false, "failed to set up the live view: %s", strerror(-err));
			goto cleanup;
		}
		m.w.order = m.order;
	}
	m.vf.comm = opts.comm;
	m.vf.uid_set = opts.uid_set;
	m.vf.uid = opts.uid;
	m.vf.python_only = opts.python_only;
	m.vf.skip_startup = opts.skip_startup;
	m.vf.findings = opts.findings;
	m.vf_on = pyx_vfilter_active(&m.vf);

	/* Correlation needs every audit event and the syscalls: it is on whenever their probes are
	 * all attached (without -e, with --findings, or an -e that names them all); -e then only
	 * filters what is shown. */
	if (opts.syscalls && opts.category_mask == (1u << PYX_CAT__COUNT) - 1) {
		struct pyx_corr_opts copts = { .enabled = true, .blind_spots = true,
					       .ustack_dump = opts.no_stack_dump ? NULL : stack_dump,
					       .ustack_arg = &m };

		err = pyx_corr_new(&m.corr, &copts, on_item, &m);
		if (err) {
			pyx_print_error(opts.json, "failed to set up correlation: %s", strerror(-err));
			goto cleanup;
		}
		m.sum.corr = m.corr;
		m.w.annot = &pyx_corr_annot_ops;
		/* optional: without it blind spots are still reported, without event names */
		if (!pyx_builtin_open(&m.builtin, opts.verbose) && !pyx_bw_start(&m.bw, m.builtin))
			pyx_corr_set_blind_cb(m.corr, on_blind, &m);
	}

	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_service_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed reader is a write error (EPIPE), handled as such */

	if (opts.command) {
		/* orphaned descendants come back to us: we know when the last one is gone */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
			fprintf(stderr, "pyxcheck: warning: cannot become a subreaper: %s\n",
				strerror(errno));
		err = pyx_runner_start(&child, opts.command, lib);
		if (err) {
			pyx_print_error(opts.json, "failed to start %s: %s", opts.command[0],
					strerror(-err));
			goto cleanup;
		}
	}

	hooks[0] = lib;
	if (!access(launcher, X_OK))
		hooks[1] = launcher;
	lopts.all = opts.all;
	lopts.hook_paths = hooks;
	lopts.category_mask = opts.category_mask;
	lopts.syscalls = opts.syscalls;
	/* A CLI session is short: raw tracepoints attach and detach in milliseconds. A long one
	 * (-a, -p) takes one tracepoint per syscall, which costs unrelated processes less. */
	lopts.raw_syscalls = opts.sc_probes == PYX_SCP_RAW ||
			     (opts.sc_probes == PYX_SCP_AUTO && opts.command);
	lopts.ringbuf_size = opts.ringbuf_size;
	lopts.verbose = opts.verbose;
	lopts.no_stack_dump = opts.no_stack_dump;
	err = pyx_loader_open(&ld, &lopts);
	if (err) {
		/* the loader printed what failed; in JSON mode say it as JSON too */
		if (opts.json)
			pyx_print_error(true, "failed to load and attach the BPF programs: %s",
					strerror(-err));
		goto cleanup;
	}
	/* issue 8: say it when a door stays open, never leave it silent (docs/correlation.md) */
	if (opts.syscalls && pyx_compat_probe() > 0 && lopts.raw_syscalls)
		fputs("pyxcheck: warning: this kernel runs 32-bit syscalls (int $0x80, "
		      "ia32_emulation on): the raw syscall tracepoints count a monitored "
		      "process's 32-bit syscalls (said at exit) but do not decode them; boot with "
		      "ia32_emulation=0, or run hooked Pythons with PYXCHECK_DENY_COMPAT=1 "
		      "(docs/correlation.md)\n", stderr);
	else if (opts.syscalls && pyx_compat_probe() > 0)
		fputs("pyxcheck: warning: this kernel runs 32-bit syscalls (int $0x80, "
		      "ia32_emulation on): syscall tracepoints miss them, so a monitored "
		      "process's 32-bit "
		      "open/unlink/chmod/connect/kill go unseen (exec is still caught); boot with "
		      "ia32_emulation=0, or run hooked Pythons with PYXCHECK_DENY_COMPAT=1 "
		      "(docs/correlation.md)\n", stderr);
	for (i = 0; i < opts.npids; i++) {
		err = pyx_loader_add_pid(ld, opts.pids[i]);
		if (err) {
			pyx_print_error(opts.json, "failed to monitor pid %d: %s", opts.pids[i],
					strerror(-err));
			goto cleanup;
		}
	}
	if (opts.command) {
		err = pyx_loader_add_pid(ld, child.pid);
		if (!err)
			err = pyx_runner_release(&child);
		if (err) {
			pyx_print_error(opts.json, "failed to start %s: %s", opts.command[0],
					strerror(-err));
			goto cleanup;
		}
	}
	if (opts.verbose)
		fprintf(stderr, "pyxcheck: probes attached, monitoring %s\n",
			opts.command ? opts.command[0] : opts.npids ? "the given pids" : "every hooked process");

	m.ld = ld;
	if (opts.all)
		pyx_pctx_set_exec_lookup(m.w.pctx, exec_kept, &m);
	m.sum.start_ns = now_ns(CLOCK_MONOTONIC);
	m.out->header(&m.w);
	if (opts.json)
		pyx_json_start(&m.w, t0, &m.stamp, &opts, argc, argv);
	if (opts.metrics)
		write_metrics(&m);
	/* Type=notify: systemd starts dependent units only once every probe is attached */
	sd_notify(0, "READY=1");
	uint64_t next_metrics = now_ns(CLOCK_MONOTONIC) + opts.metrics_interval_ms * 1000000ull;

	for (;;) {
		bool done = false;

		n = pyx_loader_poll(ld, POLL_MS, on_record, &m);
		if (n < 0 && n != -EINTR) {
			if (!m.w.err)
				pyx_print_error(opts.json, "failed to read the ring buffer: %s",
						strerror(-n));
			break;
		}
		if (m.builtin)
			pyx_builtin_poll(m.builtin, on_builtin, &m);
		if (m.corr) {
			note_unreported_losses(&m);
			pyx_corr_tick(m.corr, now_ns(CLOCK_MONOTONIC));
		}
		if (m.order) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			uint64_t horizon = now - PYX_ORDER_SLACK_NS;

			if (m.corr && pyx_corr_oldest_held(m.corr) < horizon)
				horizon = pyx_corr_oldest_held(m.corr);
			pyx_order_release(m.order, &m.w, horizon, now);
		}
		if (stats_requested) {
			struct pyx_counters c;

			stats_requested = 0;
			collect(&m, &c);
			m.w.stream = -1; /* the accounting itself is never dropped */
			if (opts.json)
				pyx_json_stats(&m.w, now_ns(CLOCK_MONOTONIC), &c);
		}
		if (m.syslog) {
			pyx_syslog_pump(m.syslog);
			report_sink_lost(&m);
		}
		if (opts.metrics && now_ns(CLOCK_MONOTONIC) >= next_metrics) {
			write_metrics(&m);
			next_metrics = now_ns(CLOCK_MONOTONIC) + opts.metrics_interval_ms * 1000000ull;
		}
		if (reopen_requested) {
			reopen_requested = 0;
			reopen_output(&m, &f);
		}
		if (m.w.ndropped) {
			if (!warned_drop)
				fprintf(stderr, "pyxcheck: warning: the output reader is too slow and the "
					"output queue is full: records are dropped, counted and reported "
					"(--queue-size)\n");
			warned_drop = true;
			report_dropped(&m, false);
		}
		err = pyx_sink_push(m.sink);
		if (err && !m.w.err)
			m.w.err = err;
		if (m.w.err)
			break;

		if (opts.command) {
			pid_t pid;
			int st;

			/* reap COMMAND and every orphan reparented to us */
			while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
				if (pid == child.pid) {
					child_status = st;
					child_done = true;
					child.pid = -1;
				}
			}
			if (pid < 0 && errno == ECHILD)
				done = child_done;
			if (stop_signals && !child_done && !forwarded && stop_signals < 2) {
				if (stop_forward)
					kill(child.pid, stop_signo);
				forwarded = true;
			} else if (stop_signals >= 2 || (stop_signals && child_done)) {
				done = true;
			}
		} else {
			if (stop_signals)
				done = true;
			if (opts.npids) {
				bool any = false;

				for (i = 0; i < opts.npids; i++)
					any |= proc_alive(opts.pids[i]);
				done |= !any;
			}
		}
		if (done)
			break;
	}
	sd_notify(0, "STOPPING=1");
	/* the detach that follows can take seconds: say why the prompt is not back yet */
	if (stop_signals && isatty(STDERR_FILENO))
		fputs("pyxcheck: detaching...\n", stderr);
	/* a dead output (EPIPE, ENOSPC) ends the run: nothing more can be said there */
	if (!m.w.err) {
		drain(ld, &m);
		if (m.builtin)
			pyx_builtin_poll(m.builtin, on_builtin, &m);
		if (m.corr) {
			note_unreported_losses(&m);
			pyx_corr_flush(m.corr);
		}
	}
	if (m.order)
		pyx_order_release(m.order, &m.w, UINT64_MAX, now_ns(CLOCK_MONOTONIC));
	/* losses of threads that emitted nothing after them: in-band now, not only in the summary */
	if (!pyx_loader_counts(ld, m.sum.lost_total, m.sum.throttled_total)) {
		for (i = 0; i < PYX_STREAM__COUNT; i++) {
			if (m.sum.lost_total[i] <= m.sum.lost_records[i])
				continue;
			write_lost(&m, i, m.sum.lost_total[i] - m.sum.lost_records[i], "ringbuf", 0);
			m.sum.lost_records[i] = m.sum.lost_total[i];
		}
		/* throttled records whose THROTTLED record never went out: the uid is not known
		 * here any more (uid -1) */
		for (i = 0; i < PYX_STREAM_UNMONITORED; i++) {
			if (m.sum.throttled_total[i] <= m.sum.throttled_records[i])
				continue;
			write_throttled(&m, i,
					m.sum.throttled_total[i] - m.sum.throttled_records[i]);
			m.sum.throttled_records[i] = m.sum.throttled_total[i];
		}
	}
	report_dropped(&m, true);
	if (m.order) {
		/* the losses just written, before the summary */
		pyx_order_release(m.order, &m.w, UINT64_MAX, now_ns(CLOCK_MONOTONIC));
		m.w.order = NULL;
	}
	bad = pyx_loader_bad_size(ld);
	if (bad) {
		/* no header to report them by: counted as malformed, said once */
		m.sum.malformed += bad;
		pyx_print_error(opts.json, "%llu ring records dropped: size does not match their header",
				(unsigned long long)bad);
	}
	/* the output is complete before the detach, which can take a while (tracepoint
	 * unregistration waits for RCU grace periods): readers see the end at once */
	if (m.views) {
		m.w.stream = -1; /* the accounting itself is never dropped */
		if (pyx_views_finish(m.views, &m.w, why, sizeof(why))) {
			pyx_print_error(opts.json, "%s", why);
			views_failed = true;
		}
	}
	if (opts.summary || m.term_summary) {
		m.sum.end_ns = now_ns(CLOCK_MONOTONIC);
		m.out->summary(&m.w, &m.sum);
	}
	if (m.syslog) {
		/* the relay gets a few seconds for the rest; what it does not take is lost, and
		 * said so in the file only (not to the relay, which is the one missing it): after
		 * the summary, the one line never offered to the relay */
		pyx_syslog_finish(m.syslog, 3000);
		m.syslog_done = true;
		report_sink_lost(&m);
	}
	if (opts.metrics)
		write_metrics(&m);
	/* wait for a slow reader (the records are ours to deliver); a new signal gives up */
	sigs = stop_signals;
	while (!m.w.err) {
		err = pyx_sink_flush(m.sink, POLL_MS);
		if (err != -ETIMEDOUT) {
			m.w.err = err;
			break;
		}
		if (stop_signals != sigs) {
			pyx_print_error(opts.json, "failed to write output: interrupted while the "
					"reader was not reading, %zu bytes unwritten",
					pyx_sink_pending(m.sink));
			abandoned = true;
			break;
		}
	}
	if (!abandoned) {
		err = pyx_sink_close(m.sink);
		m.sink = NULL;
		if (err && !m.w.err)
			m.w.err = err;
	}
	if (m.w.err) {
		int st;

		/* reap COMMAND if it is done, so that the line below tells the truth */
		if (opts.command && !child_done && child.pid > 0 &&
		    waitpid(child.pid, &st, WNOHANG) == child.pid) {
			child_status = st;
			child_done = true;
			child.pid = -1;
		}
		if (opts.command && !child_done && child.pid > 0)
			pyx_print_error(opts.json, "failed to write output: %s; %s (pid %d) is left "
					"running, unmonitored", strerror(-m.w.err), opts.command[0],
					child.pid);
		else
			pyx_print_error(opts.json, "failed to write output: %s", strerror(-m.w.err));
	}
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t n = m.sum.lost_records[i] > m.sum.lost_total[i] ? m.sum.lost_records[i] :
									   m.sum.lost_total[i];

		/* the unmonitored stream counts processes that could not be followed, not records:
		 * said on its own line (the set is sized from pid_max, so this should never be) */
		if (i == PYX_STREAM_UNMONITORED) {
			if (n)
				pyx_print_error(opts.json, "%llu processes not monitored: the kernel's "
						"set of monitored processes was full",
						(unsigned long long)n);
			continue;
		}
		lost_ring += n;
		lost_out += m.sum.lost_output[i];
	}
	if (m.vf.startup_hidden)
		fprintf(stderr, "pyxcheck: --skip-startup hid %llu start-up records of %llu "
			"processes\n", (unsigned long long)m.vf.startup_hidden,
			(unsigned long long)m.vf.startup_procs);
	if (pyx_order_late(m.order))
		fprintf(stderr, "pyxcheck: %llu lines were written out of time order (held past "
			"the reorder bound), each after a marker line\n",
			(unsigned long long)pyx_order_late(m.order));
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		throttled += m.sum.throttled_records[i] > m.sum.throttled_total[i] ?
				     m.sum.throttled_records[i] : m.sum.throttled_total[i];
	if (throttled)
		pyx_print_error(opts.json, "%llu records throttled: a user flooded the ring "
				"buffer and was held to a fair share (the `throttled` records "
				"name the uid)",
				(unsigned long long)throttled);
	if (lost_ring || lost_out)
		pyx_print_error(opts.json, "%llu records lost: %llu with the ring buffer full "
				"(--ringbuf-size), %llu with the output queue full (a slow reader; "
				"--queue-size)", (unsigned long long)(lost_ring + lost_out),
				(unsigned long long)lost_ring, (unsigned long long)lost_out);
	/* issue 8: the raw tracepoints see 32-bit syscalls; they are not decoded, but said */
	if (ld && pyx_loader_compat_syscalls(ld))
		pyx_print_error(opts.json, "%llu 32-bit syscalls (int $0x80) of monitored "
				"processes were seen and not decoded",
				(unsigned long long)pyx_loader_compat_syscalls(ld));
	if (own_output(&opts) && !abandoned) {
		fclose(f);
		f = NULL;
	}

	if (opts.command)
		ret = child_done ? pyx_exit_status(child_status) : 0;
	else
		ret = 0;
	/* an incomplete trace says so in the status too, without hiding a failing COMMAND's */
	if ((lost_ring || lost_out || throttled) && ret == 0)
		ret = 3;
	if (m.w.err || abandoned || views_failed)
		ret = 1;
cleanup:
	pyx_bw_stop(m.bw); /* before the fork below: one thread fewer, and no attach in flight */
	m.bw = NULL;
	if (ld && !opts.wait_detach) {
		/* the output is complete: let a child wait out the detach (detach.c) */
		pid_t pid = pyx_detach_in_background();

		if (opts.verbose && pid > 0)
			fprintf(stderr, "pyxcheck: probes detach in the background (pid %d)\n", pid);
	}
	pyx_loader_destroy(ld);
	if (child.pid > 0) {
		/* COMMAND never ran (start-up failed) or is still running after a second signal */
		if (child.go_fd >= 0)
			pyx_runner_abort(&child);
	}
	if (abandoned)
		return ret; /* the writer is stuck in write(): exit without waiting for it */
	pyx_sink_close(m.sink);
	if (f && own_output(&opts))
		fclose(f);
	pyx_corr_free(m.corr);
	pyx_pctx_free(m.w.pctx);
	pyx_builtin_destroy(m.builtin);
	pyx_syslog_close(m.syslog);
	pyx_views_free(m.views);
	pyx_summary_free(&m.sum);
	pyx_order_free(m.order);
	pyx_vfilter_free(&m.vf);
	pyx_buf_free(&m.w.buf);
	free(arena_mem);
	return ret;
}
