// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "out_order.h"
#include "out_sink.h"
#include "out_writer.h"

void pyx_writer_line_start(struct pyx_writer *w)
{
	size_t room;
	char *p;

	if (!w->sink || w->order || w->buf.len || w->buf.lent || w->buf.oom)
		return;
	p = pyx_sink_lend(w->sink, &room);
	if (!p)
		return;
	w->home = w->buf.p;
	w->home_cap = w->buf.cap;
	w->buf.p = p;
	w->buf.cap = room;
	w->buf.lent = true;
	w->lent = true;
	p[0] = 0;
}

/* The line is queued or discarded: buf gets its own memory back, or keeps the memory the line
 * moved to when it outgrew the lent room. */
static void line_end(struct pyx_writer *w)
{
	if (!w->lent)
		return;
	w->lent = false;
	if (w->buf.lent) {
		w->buf.p = w->home;
		w->buf.cap = w->home_cap;
		w->buf.lent = false;
	} else {
		free(w->home);
	}
	w->home = NULL;
	w->home_cap = 0;
}

void pyx_writer_flush_line(struct pyx_writer *w)
{
	bool lent = w->lent;

	if (w->order && w->line_ts && !w->buf.oom) {
		pyx_order_put(w->order, w, w->line_report);
		w->stamped = false;
		return;
	}
	if (w->buf.oom) {
		/* out of memory on the record path (docs/robustness.md): the line is counted and
		 * said in-band as lost, reason "memory"; only a line that may never be lost (the
		 * accounting itself, stream -1) ends the run with the error */
		if (w->stream >= 0 && w->stream < PYX_STREAM__COUNT) {
			w->nomem[w->stream]++;
			w->nnomem++;
		} else if (!w->err) {
			w->err = -ENOMEM;
		}
		if (lent)
			pyx_sink_unlend(w->sink);
	} else {
		if (w->on_line && !(w->stamped && w->stamped_done))
			w->on_line(w);
		pyx_buf_putc(&w->buf, '\n');
		if (w->sink) {
			enum pyx_sink_class cls = w->stream < 0 || w->stream >= PYX_STREAM__COUNT
							  ? PYX_SINK_FORCE
						  : w->priority ? PYX_SINK_PRIORITY
								: PYX_SINK_DROP;
			/* in place when built in the lent room, else copied */
			int err = lent ? pyx_sink_commit(w->sink, w->buf.p, w->buf.len, cls)
				       : pyx_sink_write(w->sink, w->buf.p, w->buf.len, cls);

			if (err == -ENOBUFS) {
				w->dropped[w->stream]++;
				w->ndropped++;
			} else if (err && !w->err) {
				w->err = err;
			}
		} else if (fwrite(w->buf.p, 1, w->buf.len, w->f) != w->buf.len && !w->err) {
			w->err = errno ? -errno : -EIO;
		}
	}
	line_end(w);
	w->buf.len = 0;
	w->buf.oom = false;
	w->stamped = false;
}

const char *pyx_stream_name(unsigned int stream)
{
	static const char *const names[] = { "audit", "syscall", "process", "unmonitored" };

	return stream < PYX_STREAM__COUNT ? names[stream] : "unknown";
}

const char *pyx_delivery_name(unsigned int delivery)
{
	switch (delivery) {
	case PYX_DELIVERY_PRELOAD:
		return "preload";
	case PYX_DELIVERY_IMPORT:
		return "import";
	case PYX_DELIVERY_LAUNCHER:
		return "launcher";
	default:
		return "unknown";
	}
}

const char *pyx_proc_kind_name(unsigned int kind)
{
	switch (kind) {
	case PYX_PROC_FORK:
		return "fork";
	case PYX_PROC_EXEC:
		return "exec";
	case PYX_PROC_EXIT:
		return "exit";
	default:
		return "unknown";
	}
}

size_t pyx_comm_len(const char *comm)
{
	return strnlen(comm, PYX_COMM_LEN);
}

void pyx_print_error(bool json, const char *fmt, ...)
{
	struct pyx_buf b = {};
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!json) {
		fprintf(stderr, "pyxcheck: %s\n", msg);
		return;
	}
	pyx_buf_puts(&b, "{\"type\":\"error\",\"error\":");
	pyx_json_cstr(&b, msg);
	pyx_buf_puts(&b, "}");
	if (!b.oom)
		fprintf(stderr, "%s\n", b.p);
	pyx_buf_free(&b);
}
