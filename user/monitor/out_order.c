// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The reorder buffer of the human output (out_order.h): a binary min-heap on (ts, arrival). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out_order.h"
#include "out_writer.h"

struct ent {
	uint64_t ts, seq;
	int stream;
	bool priority;
	size_t len;
	char *line;
};

struct pyx_order {
	struct ent *heap;
	size_t n, cap;
	uint64_t seq;
	uint64_t written_ts; /* key of the last line written */
	uint64_t late;
	bool in_late_run; /* the last line written was late: one marker per run of them */
};

int pyx_order_new(struct pyx_order **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void pyx_order_free(struct pyx_order *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->n; i++)
		free(o->heap[i].line);
	free(o->heap);
	free(o);
}

static bool before(const struct ent *a, const struct ent *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void swap(struct ent *a, struct ent *b)
{
	struct ent t = *a;

	*a = *b;
	*b = t;
}

static void sift_up(struct pyx_order *o, size_t i)
{
	while (i && before(&o->heap[i], &o->heap[(i - 1) / 2])) {
		swap(&o->heap[i], &o->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct pyx_order *o, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < o->n && before(&o->heap[l], &o->heap[m]))
			m = l;
		if (r < o->n && before(&o->heap[r], &o->heap[m]))
			m = r;
		if (m == i)
			return;
		swap(&o->heap[i], &o->heap[m]);
		i = m;
	}
}

/* Write one line through the writer, which owns stream accounting and the sink. */
static void write_line(struct pyx_writer *w, const char *line, size_t len, int stream,
		       bool priority)
{
	int saved_stream = w->stream;
	bool saved_prio = w->priority;
	struct pyx_order *o = w->order;

	w->order = NULL; /* straight through */
	w->buf.len = 0;
	pyx_buf_write(&w->buf, line, len);
	w->stream = stream;
	w->priority = priority;
	pyx_writer_flush_line(w);
	w->stream = saved_stream;
	w->priority = saved_prio;
	w->order = o;
}

static void write_late(struct pyx_order *o, struct pyx_writer *w, uint64_t ts, const char *line,
		       size_t len, int stream, bool priority)
{
	char mark[160];
	int n;

	o->late++;
	if (!o->in_late_run) {
		n = snprintf(mark, sizeof(mark),
			     "--- out of time order: the next line is %.3f s "
			     "older than the one above (held past the reorder bound)",
			     (double)(o->written_ts - ts) / 1e9);
		write_line(w, mark, (size_t)n, -1, true);
	}
	o->in_late_run = true;
	write_line(w, line, len, stream, priority);
}

void pyx_order_put(struct pyx_order *o, struct pyx_writer *w, bool report)
{
	uint64_t ts = w->line_ts;
	struct ent *e;
	char *line;

	if (report && ts < o->written_ts)
		ts = o->written_ts;
	if (ts < o->written_ts) {
		/* the marker is built in w->buf: the line goes aside first */
		line = malloc(w->buf.len ? w->buf.len : 1);
		if (!line)
			goto direct;
		memcpy(line, w->buf.p, w->buf.len);
		write_late(o, w, ts, line, w->buf.len, w->stream, w->priority);
		free(line);
		w->buf.len = 0;
		return;
	}
	if (pyx_grow(&o->heap, &o->cap, o->n, sizeof(*o->heap), 1024))
		goto direct;
	line = malloc(w->buf.len ? w->buf.len : 1);
	if (!line)
		goto direct;
	memcpy(line, w->buf.p, w->buf.len);
	e = &o->heap[o->n];
	*e = (struct ent){ .ts = ts,
			   .seq = o->seq++,
			   .stream = w->stream,
			   .priority = w->priority,
			   .len = w->buf.len,
			   .line = line };
	sift_up(o, o->n++);
	w->buf.len = 0;
	return;
direct:
	/* out of memory: better written at once than lost */
	write_line(w, w->buf.p, w->buf.len, w->stream, w->priority);
}

void pyx_order_release(struct pyx_order *o, struct pyx_writer *w, uint64_t horizon, uint64_t now)
{
	uint64_t max_age = now > PYX_ORDER_MAX_AGE_NS ? now - PYX_ORDER_MAX_AGE_NS : 0;

	while (o->n) {
		struct ent e = o->heap[0];

		if (e.ts >= horizon && e.ts >= max_age && o->n <= PYX_ORDER_MAX_LINES)
			break;
		o->heap[0] = o->heap[--o->n];
		sift_down(o, 0);
		write_line(w, e.line, e.len, e.stream, e.priority);
		free(e.line);
		o->written_ts = e.ts;
		o->in_late_run = false;
	}
}

uint64_t pyx_order_late(const struct pyx_order *o)
{
	return o ? o->late : 0;
}

size_t pyx_order_held(const struct pyx_order *o)
{
	return o ? o->n : 0;
}
