// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The output phase: the output file, the bounded queue and its writer thread (out_sink.h), the JSON
 * stamps and process context, the live view's width, colours and time order, the views and
 * --syslog; then what the other phases write through it that is not a record: losses, throttles
 * and drops said in-band, stats and metrics, the reopen on SIGHUP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "decode_context.h"
#include "mon.h"
#include "out_file.h"

/* Free room in the output queue before a lost record is written for what it dropped: reported
 * once the reader caught up a little, not once per dropped line. */
#define LOST_ROOM 1024

/* A lost record written by the monitor itself: pid 0 when no thread can be named. */
void mon_write_lost(struct monitor *m, unsigned int stream, uint64_t count, const char *reason,
		    uint32_t pid)
{
	const struct pyx_corr_item *corr = m->w.corr;
	int saved = m->w.stream;
	struct pyx_rec_lost l = {
		.hdr = { .size = sizeof(l),
			 .type = PYX_REC_LOST,
			 .pid = pid,
			 .tid = pid,
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

/* Throttled records no in-band THROTTLED record reported (see the exit path). */
void mon_write_throttled(struct monitor *m, unsigned int stream, uint64_t count)
{
	const struct pyx_corr_item *corr = m->w.corr;
	int saved = m->w.stream;
	struct pyx_rec_throttled t = {
		.hdr = { .size = sizeof(t),
			 .type = PYX_REC_THROTTLED,
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
void mon_report_dropped(struct monitor *m, bool force)
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
		mon_write_lost(m, i, n, "output", getpid());
	}
	m->w.ndropped = 0;
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t n = m->w.nomem[i];

		if (!n)
			continue;
		m->w.nomem[i] = 0;
		m->sum.lost_memory[i] += n;
		mon_write_lost(m, i, n, "memory", getpid());
	}
	m->w.nnomem = 0;
}

/* -o FILE: never through a symlink, never into a file another user prepared (out_file.c).
 * Without -o (or with -o -, stdout): records go to stdout, except in COMMAND mode where they go
 * to stderr as strace's do, so that the command's stdout stays its own (`pyxcheck -- cmd > f`). */
int mon_open_output(struct pyx_opts *o, bool append, FILE **out, char *why, size_t n)
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
const char *mon_own_output(const struct pyx_opts *o)
{
	return o->output && strcmp(o->output, "-") ? o->output : NULL;
}

/* The head of a JSON record: its wall time and node, written in place. */
void mon_stamp(struct pyx_writer *w, uint64_t ts_ns)
{
	struct monitor *m = w->line_ctx;

	if (!m->opts->json)
		return;
	pyx_stamp_put(&m->stamp, &w->buf, ts_ns);
	w->stamped = true;
}

/* Each finished line: wall time and node into JSON (unless its head had them written in place),
 * then a copy to --syslog. */
void mon_on_line(struct pyx_writer *w)
{
	struct monitor *m = w->line_ctx;

	if (m->opts->json && !w->stamped)
		pyx_stamp_line(&m->stamp, &w->buf);
	if (m->syslog && !m->syslog_done && !w->buf.oom)
		pyx_syslog_push(m->syslog, w->buf.p, w->buf.len);
}

/* One snapshot of every counter, as the summary would print it. */
void mon_collect(struct monitor *m, struct pyx_counters *c)
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
		c->throttled[i] = throttled[i] > m->sum.throttled_records[i]
					  ? throttled[i]
					  : m->sum.throttled_records[i];
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

void mon_write_metrics(struct monitor *m)
{
	struct pyx_counters c;
	int err;

	mon_collect(m, &c);
	err = pyx_metrics_write(m->opts->metrics, &c);
	if (err)
		pyx_print_error(m->opts->json, "failed to write metrics to %s: %s",
				m->opts->metrics, strerror(-err));
}

/* Records the sink dropped since the last report, as a `lost` record with stream "sink". */
void mon_report_sink_lost(struct monitor *m)
{
	uint64_t n = m->syslog ? pyx_syslog_take_lost(m->syslog) : 0;
	int saved = m->w.stream;

	if (!n || !m->opts->json)
		return;
	m->w.stream = -1; /* the accounting itself is never dropped */
	pyx_buf_printf(&m->w.buf,
		       "{\"type\":\"lost\",\"ts\":%llu,\"pid\":%d,\"tid\":%d,\"uid\":0,"
		       "\"comm\":\"pyxcheck\",\"stream\":\"sink\",\"count\":%llu}",
		       (unsigned long long)now_ns(CLOCK_MONOTONIC), getpid(), getpid(),
		       (unsigned long long)n);
	m->shown[PYX_CT_LOST]++;
	pyx_writer_flush_line(&m->w);
	m->w.stream = saved;
}

/* SIGHUP: everything written so far goes to the old file, everything after to the new one. */
void mon_reopen_output(struct monitor *m, FILE **f)
{
	FILE *nf;
	int err;

	if (!mon_own_output(m->opts))
		return;
	char why[160];

	err = mon_open_output(m->opts, true, &nf, why, sizeof(why));
	if (err) {
		/* keep writing to the old file rather than lose records */
		pyx_print_error(m->opts->json,
				"failed to reopen %s: %s (still writing to the "
				"old file)",
				m->opts->output, why);
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

/* -c / -C tables, --trace-out, --html (out_views.h), for a live run and a replay alike. */
int mon_setup_views(struct monitor *m)
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

/* The writer a live run and a replay alike write through, to m->f: the decoder's arena, the
 * bounded output queue and its thread, this host's stamps (a replay then puts the capture's). */
int mon_writer_setup(struct monitor *m)
{
	const struct pyx_opts *o = m->opts;
	size_t arena_size = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX);
	int err;

	m->arena_mem = malloc(arena_size);
	if (!m->arena_mem) {
		pyx_print_error(o->json, "failed to allocate the decoder arena: %s",
				strerror(ENOMEM));
		return -ENOMEM;
	}
	pyx_arena_init(&m->arena, m->arena_mem, arena_size);
	m->w.f = m->f;
	m->w.stream = -1;
	/* the run loop never blocks on the reader: lines go through a bounded queue (out_sink.h) */
	err = pyx_sink_open(&m->sink, fileno(m->f), o->queue_size);
	if (err) {
		pyx_print_error(o->json, "failed to start the output writer: %s", strerror(-err));
		return err;
	}
	m->w.sink = m->sink;
	pyx_stamp_init(&m->stamp);
	m->w.real_offset = m->stamp.real_offset;
	m->w.on_line = mon_on_line;
	m->w.stamp = mon_stamp;
	/* mon_on_line() only stamps JSON lines whose head did not, and copies lines to --syslog
	 * (opened after this: it clears stamped_done) */
	m->w.stamped_done = o->json;
	m->w.line_ctx = m;
	return 0;
}

int mon_output_setup(struct monitor *m)
{
	struct pyx_opts *opts = m->opts;
	char why[160];
	int err;

	err = mon_open_output(opts, opts->append, &m->f, why, sizeof(why));
	if (err) {
		pyx_print_error(opts->json, "failed to open output file %s: %s", opts->output, why);
		return 1;
	}
	if (opts->json && opts->command && m->f != stdout && isatty(fileno(m->f))) {
		/* the command writes to that terminal too: its lines would break the JSON Lines */
		pyx_print_error(opts->json,
				"refusing to write JSON Lines to the terminal COMMAND "
				"shares; use -o FILE (or -o - for stdout)");
		return 2;
	}
	if (mon_setup_views(m))
		return 1;
	if (mon_writer_setup(m))
		return 1;
	if (opts->syslog) {
		char host[256] = "-";

		gethostname(host, sizeof(host) - 1);
		err = pyx_syslog_open(&m->syslog, opts->syslog, opts->syslog_buffer, host);
		if (err) {
			pyx_print_error(
				opts->json, "failed to set up --syslog %s: %s", opts->syslog,
				err == -EINVAL ? "bad or unresolvable address" : strerror(-err));
			return 1;
		}
		m->w.stamped_done = false;
	}
	if (opts->json) {
		err = pyx_pctx_new(&m->w.pctx, NULL, NULL, m->stamp.boot_id);
		if (err) {
			pyx_print_error(opts->json, "failed to set up process context: %s",
					strerror(-err));
			return 1;
		}
	}
	if (!opts->json) {
		/* the live view (docs/views.md): cut to a terminal's width, or to COLUMNS when set
		 * (as ps does), unless --wide; colours on a terminal unless NO_COLOR or --color */
		bool tty = mon_own_output(opts) == NULL && isatty(fileno(m->f));

		/* a person at a terminal gets the counts at the end, as strace -c and bpftrace's
		 * maps do (docs/views.md, "On stop"); a file or a pipe only with --summary */
		m->term_summary = tty && !opts->table_only;
		const char *cols = getenv("COLUMNS");
		struct winsize ws;
		long cw = cols ? strtol(cols, NULL, 10) : 0;

		m->w.color = opts->color == PYX_COLOR_ALWAYS ||
			     (opts->color == PYX_COLOR_AUTO && tty && !getenv("NO_COLOR"));
		if (cw >= 40 && cw <= 10000)
			m->w.width = (unsigned int)cw;
		else if (tty)
			m->w.width = ioctl(fileno(m->f), TIOCGWINSZ, &ws) == 0 && ws.ws_col
					     ? ws.ws_col
					     : 100;
		m->w.fit = m->w.width && !opts->wide;
		m->w.durations = opts->durations;
		m->w.wide = opts->wide;
		err = pyx_order_new(&m->order);
		if (err) {
			pyx_print_error(false, "failed to set up the live view: %s",
					strerror(-err));
			return 1;
		}
		m->w.order = m->order;
	}
	m->vf.comm = opts->comm;
	m->vf.uid_set = opts->uid_set;
	m->vf.uid = opts->uid;
	m->vf.python_only = opts->python_only;
	m->vf.skip_startup = opts->skip_startup;
	m->vf.findings = opts->findings;
	m->vf_on = pyx_vfilter_active(&m->vf);
	return 0;
}
