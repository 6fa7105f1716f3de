// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz target: the hook payload decoder (user/monitor/decode_payload.c), the first code that
 * touches
 * bytes a monitored process chose. Beyond "no crash" it checks what decode_payload.h promises: a
 * decoded
 * tree only points into the input, respects every wire limit, holds valid UTF-8 in its strings,
 * and the documented arena size is always enough (never -ENOMEM for a payload within the limit).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pyxcheck_wire.h"
#include "decode_payload.h"
#include "fuzz_common.h"

static const uint8_t *in_lo, *in_hi;

static void in_input(const void *p, size_t n)
{
	const uint8_t *b = p;

	if (n && (b < in_lo || b > in_hi || n > (size_t)(in_hi - b)))
		abort();
}

static void check_value(const struct pyx_value *v, unsigned int depth)
{
	char dec[620];
	uint32_t i, cp;
	size_t k;

	if (depth > PYX_DEPTH_MAX + 1)
		abort();
	switch (v->type) {
	case PYX_TAG_STR:
		in_input(v->s.data, v->len);
		if (v->len > PYX_STR_MAX)
			abort();
		for (i = 0; i < v->len; i += k) {
			k = ck_utf8(v->s.data + i, v->len - i, &cp);
			if (!k)
				abort();
		}
		break;
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		in_input(v->s.data, v->len);
		if (v->len > PYX_STR_MAX)
			abort();
		break;
	case PYX_TAG_BIGINT:
		in_input(v->s.data, v->len);
		if (v->len > PYX_BIGINT_MAX)
			abort();
		/* decode_payload.h: a 256-byte magnitude needs at most 620 bytes of text */
		if (pyx_bigint_to_dec(v, dec, sizeof(dec)) < 0 || strlen(dec) >= sizeof(dec))
			abort();
		break;
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
	case PYX_TAG_DICT:
		if (v->len > PYX_SEQ_MAX)
			abort();
		for (i = 0; i < (v->type == PYX_TAG_DICT ? 2 * v->len : v->len); i++)
			check_value(&v->items[i], depth + 1);
		break;
	case PYX_TAG_OBJECT:
		in_input(v->obj.type_name, v->obj.type_len);
		for (i = 0; i < v->len; i++) {
			in_input(v->obj.attrs[i].name, v->obj.attrs[i].name_len);
			check_value(v->obj.attrs[i].value, depth + 1);
		}
		break;
	default:
		break;
	}
}

/* Are a (its bytes in buffer ba) and b (in bb) the same value, bytes at the same offsets? */
static bool same_value(const struct pyx_value *a, const uint8_t *ba, const struct pyx_value *b,
		       const uint8_t *bb)
{
	uint32_t i;

	if (a->type != b->type || a->flags != b->flags || a->len != b->len)
		return false;
	switch (a->type) {
	case PYX_TAG_INT:
		return a->i == b->i;
	case PYX_TAG_FLOAT:
		return !memcmp(&a->f, &b->f, sizeof(a->f));
	case PYX_TAG_STR:
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
	case PYX_TAG_BIGINT:
		return (!a->len || a->s.data - ba == b->s.data - bb) &&
		       (a->type != PYX_TAG_BIGINT || a->s.negative == b->s.negative);
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
	case PYX_TAG_DICT:
		for (i = 0; i < (a->type == PYX_TAG_DICT ? 2 * a->len : a->len); i++)
			if (!same_value(&a->items[i], ba, &b->items[i], bb))
				return false;
		return true;
	case PYX_TAG_OBJECT:
		if (a->obj.type_len != b->obj.type_len ||
		    a->obj.type_name - ba != b->obj.type_name - bb)
			return false;
		for (i = 0; i < a->len; i++)
			if (a->obj.attrs[i].name_len != b->obj.attrs[i].name_len ||
			    a->obj.attrs[i].name - ba != b->obj.attrs[i].name - bb ||
			    !same_value(a->obj.attrs[i].value, ba, b->obj.attrs[i].value, bb))
				return false;
		return true;
	default:
		return true;
	}
}

/*
 * The decoder keeps the last payload's body and serves the next one with the same nargs and body
 * from it (decode_payload.c, pl_last). Whatever the previous inputs left there, a decode must give
 * what a full decode of the same bytes gives: decode data as it comes (perhaps from the kept body
 * of the input before), then a copy after forgetting (a full decode, which keeps its body), then
 * data again (served from that body when it qualifies), and compare all three, and the body's
 * number (pyx_event.body_gen) of the last two.
 */
/* Across inputs too: a body number once given stands for one body and nargs (the last number
 * given is remembered; numbers only grow). */
static void check_one_body_per_number(const struct pyx_event *ev, const uint8_t *data, size_t size)
{
	static uint8_t body[PYX_PAYLOAD_MAX];
	static size_t len;
	static uint64_t gen;
	static uint16_t nargs;
	const size_t hdr = sizeof(struct pyx_payload_hdr);

	if (!ev->body_gen || size < hdr || size - hdr > sizeof(body))
		return;
	if (ev->body_gen == gen) {
		if (ev->nargs != nargs || size - hdr != len || memcmp(body, data + hdr, len))
			abort();
		return;
	}
	if (ev->body_gen < gen)
		abort();
	gen = ev->body_gen;
	nargs = ev->nargs;
	len = size - hdr;
	memcpy(body, data + hdr, len);
}

static void check_kept_body(const uint8_t *data, size_t size, int err, const char *why,
			    const struct pyx_event *ev)
{
	static uint8_t mem2[PYX_ARENA_SIZE(PYX_PAYLOAD_MAX)] __attribute__((aligned(16)));
	static uint8_t mem3[PYX_ARENA_SIZE(PYX_PAYLOAD_MAX)] __attribute__((aligned(16)));
	struct pyx_arena a2, a3;
	struct pyx_event e2, e3;
	const char *why2 = NULL, *why3 = NULL;
	uint8_t *copy = malloc(size ? size : 1);
	int err2, err3;
	unsigned int i;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	pyx_payload_forget();
	pyx_arena_init(&a2, mem2, sizeof(mem2));
	err2 = pyx_payload_decode(copy, size, &a2, &e2, &why2);
	pyx_arena_init(&a3, mem3, sizeof(mem3));
	err3 = pyx_payload_decode(data, size, &a3, &e3, &why3);
	if (err != err2 || err != err3 || why != why2 || why != why3)
		abort();
	if (!err) {
		if (ev->flags != e2.flags || ev->event_id != e2.event_id || ev->line != e2.line ||
		    ev->seq != e2.seq || ev->nargs != e2.nargs || ev->truncated != e2.truncated ||
		    !same_value(ev->name, data, e2.name, copy) ||
		    !same_value(ev->file, data, e2.file, copy) ||
		    !same_value(ev->function, data, e2.function, copy))
			abort();
		for (i = 0; i < ev->nargs; i++)
			if (!same_value(&ev->args[i], data, &e2.args[i], copy))
				abort();
		if (e3.flags != e2.flags || e3.event_id != e2.event_id || e3.line != e2.line ||
		    e3.seq != e2.seq || e3.nargs != e2.nargs || e3.truncated != e2.truncated ||
		    !same_value(e3.name, data, e2.name, copy) ||
		    !same_value(e3.file, data, e2.file, copy) ||
		    !same_value(e3.function, data, e2.function, copy))
			abort();
		for (i = 0; i < e3.nargs; i++)
			if (!same_value(&e3.args[i], data, &e2.args[i], copy))
				abort();
		/* the same arena use as the full decode: the documented size holds either way */
		if (a3.used != a2.used)
			abort();
		/* the body's number (what the correlator keeps a claim under): the same body
		 * served again carries the number of the decode that kept it, and a full decode
		 * that keeps a body numbers it anew */
		if (e3.body_gen != e2.body_gen || (e2.body_gen && e2.body_gen == ev->body_gen))
			abort();
		check_one_body_per_number(&e3, data, size);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t arena_mem[PYX_ARENA_SIZE(PYX_PAYLOAD_MAX)] __attribute__((aligned(16)));
	struct pyx_arena arena;
	struct pyx_event ev;
	const char *why = NULL;
	unsigned int i;
	int err;

	in_lo = data;
	in_hi = data + size;
	pyx_arena_init(&arena, arena_mem, sizeof(arena_mem));
	err = pyx_payload_decode(data, size, &arena, &ev, &why);
	check_kept_body(data, size, err, why, &ev);
	if (err) {
		/* a reason for every refusal; the arena is big enough by construction */
		if (err != -EINVAL || !why)
			abort();
		return 0;
	}
	if (why || size > PYX_PAYLOAD_MAX || ev.nargs > PYX_PAYLOAD_MAX)
		abort();
	check_value(ev.name, 1);
	check_value(ev.file, 1);
	check_value(ev.function, 1);
	if (ev.name->type != PYX_TAG_STR || ev.file->type != PYX_TAG_STR ||
	    ev.function->type != PYX_TAG_STR)
		abort();
	for (i = 0; i < ev.nargs; i++)
		check_value(&ev.args[i], 1);
	return 0;
}
