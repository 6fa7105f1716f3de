// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyx-decode: the monitor's audit path without the kernel, for tests and fuzzing. Reads frames
 * from stdin (a __u32 little-endian length, then that many bytes) and prints, for each, the line
 * the monitor would print: an audit record or a malformed record.
 *
 *   pyx-decode [--plain] [--record]
 *
 * Without --record a frame is a bare payload, wrapped in a record as the BPF side would make it
 * (event id from the payload header, category from the catalogue, lengths equal). With --record
 * a frame is a whole ring-buffer record (struct pyx_rec_audit and its payload).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyxcheck_wire.h"
#include "decode_catalog.h"
#include "decode_record.h"
#include "out_writer.h"

static int read_full(void *buf, size_t n)
{
	return fread(buf, 1, n, stdin) == n ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	const struct pyx_output_ops *out = &pyx_output_json;
	size_t arena_size = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX);
	struct pyx_writer w = { .f = stdout };
	struct pyx_arena arena;
	bool raw_record = false;
	uint8_t *rec = NULL, *arena_mem;
	int i, ret = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--plain"))
			out = &pyx_output_plain;
		else if (!strcmp(argv[i], "--record"))
			raw_record = true;
		else {
			fprintf(stderr, "usage: pyx-decode [--plain] [--record] < frames\n");
			return 2;
		}
	}
	arena_mem = malloc(arena_size);
	rec = malloc(sizeof(struct pyx_rec_audit) + (1u << 20));
	if (!arena_mem || !rec)
		goto out;
	pyx_arena_init(&arena, arena_mem, arena_size);

	for (;;) {
		struct pyx_rec_audit *a = (void *)rec;
		const struct pyx_cat_event *ce;
		const void *payload;
		struct pyx_event ev;
		uint32_t len;
		size_t size, plen;
		const char *why;

		if (read_full(&len, 4))
			break;
		if (len > (1u << 20)) {
			fprintf(stderr, "pyx-decode: frame of %u bytes is too big\n", len);
			goto out;
		}
		if (raw_record) {
			memset(rec, 0, sizeof(*a));
			if (read_full(rec, len))
				goto out;
			size = len;
			if (size < sizeof(struct pyx_rec_hdr)) {
				fprintf(stderr, "pyx-decode: record shorter than its header\n");
				goto out;
			}
		} else {
			memset(a, 0, sizeof(*a));
			if (read_full(a->payload, len))
				goto out;
			a->hdr.type = PYX_REC_AUDIT;
			a->hdr.pid = a->hdr.tid = 1;
			memcpy(a->hdr.comm, "python3", 7);
			a->event_id = len >= 6 ? (a->payload[4] | a->payload[5] << 8) : 0;
			ce = pyx_cat_event(a->event_id);
			a->category = ce ? ce->category : PYX_CAT_OTHER;
			a->claimed_len = a->payload_len = len;
			size = sizeof(*a) + len;
			a->hdr.size = size;
		}
		if (pyx_audit_decode(rec, size, &arena, &ev, &why, &payload, &plen))
			out->malformed(&w, (void *)rec, "audit", why, payload, plen);
		else
			out->audit(&w, a, &ev);
	}
	ret = w.err ? 1 : 0;
out:
	fflush(stdout);
	pyx_buf_free(&w.buf);
	free(rec);
	free(arena_mem);
	return ret;
}
