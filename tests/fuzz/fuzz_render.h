/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Decode-then-render, as the monitor does with each ring-buffer record: every record goes through
 * the decoders and then through both writers (JSON, and the human format both uncut and cut to a
 * terminal width), and every line written must pass the oracles of fuzz_common.h. A record the
 * decoders refuse is rendered as a `malformed` record, which must be just as safe.
 *
 * Kernel-owned header fields are modelled as the kernel makes them: ts_ns is a CLOCK_MONOTONIC
 * value (below 2^62). Everything else, comm included (a process sets it with prctl), is arbitrary.
 */
#ifndef PYX_FUZZ_RENDER_H
#define PYX_FUZZ_RENDER_H

#include <errno.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"
#include "decode_catalog.h"
#include "decode_payload.h"
#include "decode_record.h"
#include "decode_syscall.h"
#include "fuzz_common.h"
#include "out_counts.h"
#include "out_writer.h"

/*
 * The input as a record in an allocation of its own, so that ASan sees any read past it. hdr.size
 * is the input's length, as the loader lets nothing else through; hdr.type is `type`, or the
 * input's own when type is 0. NULL when the input is shorter than a header; free() the record.
 */
static inline void *fz_record(const uint8_t *data, size_t size, uint32_t type)
{
	struct pyx_rec_hdr *rec;

	if (size < sizeof(*rec))
		return NULL;
	rec = malloc(size);
	if (!rec)
		abort();
	memcpy(rec, data, size);
	rec->size = size;
	if (type)
		rec->type = type;
	return rec;
}

static uint8_t fz_arena_mem[PYX_ARENA_SIZE(PYX_PAYLOAD_MAX)] __attribute__((aligned(16)));
/* Event names outside the catalogue reach the summary as the payload gave them. */
static struct pyx_summary fz_sum;

/*
 * One record through one writer, exactly as mon_show_record() of user/monitor/mon_record.c does
 * (it needs the whole monitor; keep the two in step). The loader hands on only records whose size
 * is hdr.size, so the caller checks that first. rec is an exact-size heap copy: ASan sees any
 * over-read.
 */
static inline void fz_render_one(const struct pyx_output_ops *ops, struct pyx_writer *w,
				 const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;
	struct pyx_procview pv;
	struct pyx_sysview sv;
	struct pyx_arena arena;
	struct pyx_event ev;
	const void *payload;
	size_t plen;
	const char *why;

	switch (h->type) {
	case PYX_REC_AUDIT:
		pyx_arena_init(&arena, fz_arena_mem, sizeof(fz_arena_mem));
		if (pyx_audit_decode(rec, size, &arena, &ev, &why, &payload, &plen)) {
			ops->malformed(w, h, "audit", why, payload, plen);
			return;
		}
		pyx_summary_audit(&fz_sum,
				  pyx_cat_event(ev.event_id) ? ev.event_id : PYX_EVENT_UNKNOWN,
				  ev.name->s.data, ev.name->len);
		ops->audit(w, rec, &ev);
		return;
	case PYX_REC_SYSCALL:
		if (pyx_sysrec_decode(rec, size, &sv))
			ops->malformed(w, h, "syscall", "syscall record does not check out", rec,
				       size);
		else
			ops->syscall(w, &sv);
		return;
	case PYX_REC_PROCESS:
		if (pyx_procrec_decode(rec, size, &pv))
			ops->malformed(w, h, "process", "process record does not check out", rec,
				       size);
		else
			ops->process(w, &pv);
		return;
	case PYX_REC_LIFECYCLE:
		if (size < sizeof(struct pyx_rec_lifecycle))
			ops->malformed(w, h, "lifecycle", "lifecycle record too short", rec, size);
		else
			ops->lifecycle(w, rec);
		return;
	case PYX_REC_LOST:
		if (size < sizeof(struct pyx_rec_lost) ||
		    ((const struct pyx_rec_lost *)rec)->stream >= PYX_STREAM__COUNT)
			ops->malformed(w, h, "lost", "lost record does not check out", rec, size);
		else
			ops->lost(w, rec);
		return;
	default:
		ops->malformed(w, h, "record", "unknown record type", rec, size);
		return;
	}
}

static inline bool fz_echo(void)
{
	static int echo = -1;

	if (echo < 0)
		echo = getenv("PYX_FUZZ_ECHO") != NULL;
	return echo;
}

/* Render rec (size bytes, any content) through every writer configuration and check the output. */
static inline void fz_render_all(const uint8_t *data, size_t size)
{
	struct pyx_writer w;
	size_t rec_len;
	uint8_t *rec;
	int pass;

	/* the loader's filter (capture_loader.c handle_record): anything else never reaches
	 * on_record */
	if (size < sizeof(struct pyx_rec_hdr) || ((const struct pyx_rec_hdr *)data)->size != size)
		return;
	/* exact-size copy, 8-byte aligned like a ring-buffer sample */
	rec = malloc(size);
	if (!rec)
		abort();
	memcpy(rec, data, size);
	((struct pyx_rec_hdr *)rec)->ts_ns &= (1ULL << 62) - 1;
	for (pass = 0; pass < 3; pass++) {
		memset(&w, 0, sizeof(w));
		w.f = capture_open();
		w.real_offset = 1700000000LL * 1000000000LL;
		w.fit = pass == 2;
		w.width = 20 + size % 100;
		fz_render_one(pass ? &pyx_output_plain : &pyx_output_json, &w, rec, size);
		fflush(w.f);
		rec_len = cap_out.len;
		if (!rec_len)
			abort(); /* every record gives a line: nothing vanishes silently */
		/* and the summary, which holds what the record added */
		fz_sum.end_ns = 1000000000;
		(pass ? &pyx_output_plain : &pyx_output_json)->summary(&w, &fz_sum);
		fflush(w.f);
		if (w.err)
			abort();
		if (pass)
			check_plain_lines(cap_out.p, cap_out.len);
		else
			check_json_lines(cap_out.p, cap_out.len);
		/* PYX_FUZZ_ECHO=1: print the record's line, for the seed tests to assert on */
		if (fz_echo())
			fwrite(cap_out.p, 1, rec_len, stdout);
		pyx_buf_free(&w.buf);
	}
	pyx_summary_free(&fz_sum);
	memset(&fz_sum, 0, sizeof(fz_sum));
	free(rec);
}

#endif /* PYX_FUZZ_RENDER_H */
