// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "out_order.h"
#include "out_sink.h"
#include "out_writer.h"

void pyx_writer_flush_line(struct pyx_writer *w)
{
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
	} else {
		if (w->on_line)
			w->on_line(w);
		pyx_buf_putc(&w->buf, '\n');
		if (w->sink) {
			int err = pyx_sink_write(w->sink, w->buf.p, w->buf.len,
						 w->stream < 0 || w->stream >= PYX_STREAM__COUNT
							 ? PYX_SINK_FORCE
						 : w->priority ? PYX_SINK_PRIORITY
							       : PYX_SINK_DROP);

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
