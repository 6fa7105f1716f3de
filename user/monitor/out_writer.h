/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output formats. Each format is one set of print functions (out_json.c, out_plain.c), as
 * bpftool has print_*_json and print_*_plain; the monitor picks one at start-up. A record is built
 * in the writer's buffer and written whole.
 */
#ifndef PYX_OUT_WRITER_H
#define PYX_OUT_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pyxcheck_wire.h"
#include "decode_payload.h"
#include "decode_syscall.h"
#include "out_buf.h"

struct pyx_summary;
struct pyx_corr;
struct pyx_corr_item;
struct pyx_corr_blind;
struct pyx_corr_alert;
struct pyx_corr_context;
struct pyx_writer;

/* How the annotations of the correlator are printed (out_corr.c). Set by mon_correlate.c when it
 * correlates; the writers call them only then, so tools without the correlator link without it. */
struct pyx_annot_ops {
	void (*json_fields)(struct pyx_buf *b, const struct pyx_corr_item *it);
	void (*plain_suffix)(const struct pyx_corr_item *it, char *buf, size_t size);
	void (*json_summary)(struct pyx_buf *b, const struct pyx_corr *c);
	void (*plain_summary)(struct pyx_writer *w, const struct pyx_corr *c);
};

struct pyx_sink;
struct pyx_order;

struct pyx_writer {
	FILE *f;               /* where lines go when there is no sink (tools, tests) */
	struct pyx_sink *sink; /* the monitor's bounded queue and writer thread (out_sink.h) */
	/* Loss accounting with a sink: the stream (enum pyx_stream) the line being written belongs
	 * to, or -1 for lines never dropped (lost records, the summary); lines the sink refused,
	 * per stream, not yet reported in-band (the caller reports and zeroes them). */
	int stream;
	bool priority; /* the line may use the queue's headroom (out_sink.h PYX_SINK_PRIORITY) */
	uint64_t dropped[PYX_STREAM__COUNT];
	uint64_t ndropped; /* sum of dropped[] */
	/* lines that could not be built for want of memory (buf.oom), per stream, not yet reported
	 * in-band, and their sum: the record path's out-of-memory policy (docs/robustness.md) */
	uint64_t nomem[PYX_STREAM__COUNT];
	uint64_t nnomem;
	/* what a lost record being written stands for: NULL, the kernel side's ring buffer was
	 * full; otherwise a reason (see json-schema.md) */
	const char *lost_reason;
	struct pyx_buf buf;
	/* buf's own memory while buf is lent the sink's room (pyx_writer_line_start) */
	char *home;
	size_t home_cap;
	bool lent;  /* the line being built was begun in the sink's room */
	bool color; /* ANSI colours (plain, terminal only) */
	bool fit;   /* cut plain lines to `width` columns (terminal only) */
	unsigned int width;
	int64_t real_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns: wall time of a record */
	int err;             /* first write error (negative errno) */
	/* the correlator's annotation of the record being written, or NULL; annot prints it */
	const struct pyx_corr_item *corr;
	const struct pyx_annot_ops *annot;
	/* called with each finished line in buf, before its newline: the service layer
	 * (out_service.c) stamps "time" and "node" into JSON and hands the line to --syslog.
	 * NULL: nothing. */
	void (*on_line)(struct pyx_writer *w);
	void *line_ctx;
	/* on_line has nothing to do with a line whose head was stamped in place (stamped): the
	 * monitor without --syslog; the call is skipped (a call through a pointer per line) */
	bool stamped_done;
	/* JSON: called by the head of each record right after its "ts", to write "time" and
	 * "node" in place (the service layer's stamp, without moving the finished line up to
	 * make room); it sets stamped, so that on_line does not add them again. NULL: none. */
	void (*stamp)(struct pyx_writer *w, uint64_t ts_ns);
	bool stamped;
	/* The human live view (out_plain.c, out_order.c): lines are held and written in time
	 * order when order is set (line_ts: the key of the line being built, 0: write at once;
	 * line_report: a late finding, placed at the release point). */
	struct pyx_order *order;
	uint64_t line_ts;
	bool line_report;
	bool durations; /* -T: each syscall's time in the kernel, <seconds> (plain) */
	bool wide;      /* --wide: every argument in full (plain) */
	/* process context (decode_context.h) appended after comm to JSON records of a process;
	 * NULL: none (pyx-decode, which has no host) */
	struct pyx_pctx *pctx;
};

struct pyx_output_ops {
	void (*header)(struct pyx_writer *w);
	void (*audit)(struct pyx_writer *w, const struct pyx_rec_audit *rec,
		      const struct pyx_event *ev);
	void (*malformed)(struct pyx_writer *w, const struct pyx_rec_hdr *hdr, const char *source,
			  const char *why, const void *raw, size_t raw_len);
	void (*syscall)(struct pyx_writer *w, const struct pyx_sysview *sv);
	void (*process)(struct pyx_writer *w, const struct pyx_procview *pv);
	void (*lifecycle)(struct pyx_writer *w, const struct pyx_rec_lifecycle *rec);
	void (*lost)(struct pyx_writer *w, const struct pyx_rec_lost *rec);
	void (*throttled)(struct pyx_writer *w, const struct pyx_rec_throttled *rec);
	void (*summary)(struct pyx_writer *w, const struct pyx_summary *s);
	/* the correlator's findings that are not a record: blind spots and alerts */
	void (*blind)(struct pyx_writer *w, const struct pyx_corr_blind *bs);
	void (*alert)(struct pyx_writer *w, const struct pyx_corr_alert *a);
};

extern const struct pyx_output_ops pyx_output_json;
extern const struct pyx_output_ops pyx_output_plain;

/* Write the buffer as one line and empty it. */
void pyx_writer_flush_line(struct pyx_writer *w);
/* A line begins: with a sink and no time order, build it in place in the sink's open chunk
 * (pyx_sink_lend), not in buf's memory and then copied. Before the line's first byte. */
void pyx_writer_line_start(struct pyx_writer *w);

/* --raw: records carry their ring-buffer bytes, base64, as "raw" (what -r replays). When set,
 * pyx_json_raw appends ,"raw":"..." to b; otherwise it writes nothing. */
extern bool pyx_json_with_raw;
void pyx_json_raw(struct pyx_buf *b, const void *rec, size_t size);

/* A decoded syscall argument as JSON (the syscall record's "args" values). */
void pyx_json_sysarg(struct pyx_buf *b, const struct pyx_sysarg *a);
/* The syscall record's body, written once for every record that carries a syscall (the syscall
 * record itself, and the syscalls folded into an audit record, out_corr.c): the "args" object,
 * and its result, ,"ret":..,"errno":..,"latency_ns":.. */
void pyx_json_sysargs(struct pyx_buf *b, const struct pyx_sysview *sv);
void pyx_json_sysresult(struct pyx_buf *b, const struct pyx_sysview *sv);
/* A finding's "context": the thread's last audit event and its frame, or null. */
void pyx_json_corr_context(struct pyx_buf *b, const struct pyx_corr_context *x);
/* The human view's first columns, time, pid[/tid], comm (escaped, padded to 15) and the type
 * letter, for every line the human view writes, records and findings alike. Leaves
 * w->line_ts (the time order) to the caller. */
void pyx_plain_columns(struct pyx_writer *w, uint64_t ts_ns, uint32_t pid, uint32_t tid,
		       const char *comm, char t);

/* Shared helpers. */
const char *pyx_stream_name(unsigned int stream);
const char *pyx_delivery_name(unsigned int delivery);
const char *pyx_proc_kind_name(unsigned int kind);
/* comm from the kernel: up to PYX_COMM_LEN bytes, NUL-terminated or not. */
size_t pyx_comm_len(const char *comm);

/* One-line error on stderr, as JSON ({"type":"error","error":...}) when json. */
void pyx_print_error(bool json, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* PYX_OUT_WRITER_H */
