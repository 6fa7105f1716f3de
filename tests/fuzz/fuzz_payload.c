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
