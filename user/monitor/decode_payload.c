// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Strict decoder of the hook payload. See decode_payload.h for the rules; the wire format itself is
 * documented in include/pyxcheck_wire.h section 2.
 */
#include <errno.h>
#include <stdalign.h>
#include <string.h>

#include "pyxcheck_wire.h"
#include "decode_payload.h"

_Static_assert(sizeof(struct pyx_payload_hdr) == 24, "payload header is 24 bytes on the wire");

struct reader {
	const uint8_t *p;
	size_t left;
	struct pyx_arena *arena;
	const char *why;
	bool truncated;
};

static void *arena_alloc(struct pyx_arena *a, size_t size)
{
	size_t off = (a->used + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);

	if (off > a->cap || size > a->cap - off)
		return NULL;
	a->used = off + size;
	return (uint8_t *)a->base + off;
}

static int fail(struct reader *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -EINVAL;
}

static inline __attribute__((always_inline)) int take(struct reader *r, size_t n,
						      const uint8_t **out)
{
	if (n > r->left)
		return fail(r, "value runs past the end of the payload");
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

static inline __attribute__((always_inline)) int get_u8(struct reader *r, uint8_t *v)
{
	const uint8_t *p;
	int err = take(r, 1, &p);

	if (!err)
		*v = p[0];
	return err;
}

static inline __attribute__((always_inline)) int get_u32(struct reader *r, uint32_t *v)
{
	const uint8_t *p;
	int err = take(r, 4, &p);

	if (!err)
		*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	return err;
}

static inline __attribute__((always_inline)) int get_u64(struct reader *r, uint64_t *v)
{
	uint32_t lo, hi;
	int err = get_u32(r, &lo);

	if (!err)
		err = get_u32(r, &hi);
	if (!err)
		*v = (uint64_t)hi << 32 | lo;
	return err;
}

size_t pyx_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past U+10FFFF are not UTF-8 */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool hexdigit(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* STR text: valid UTF-8; with ESCAPED, a backslash only starts "\\" or "\udXXX" (a surrogate). */
static inline __attribute__((always_inline)) int check_str(struct reader *r, const uint8_t *s,
							   uint32_t n, bool escaped)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint32_t i = 0, cp;
	uint64_t w, bs;
	size_t k;

	while (i < n) {
		/* 8 ASCII bytes at a time, none a backslash when that starts an escape (a word
		 * test: the per-byte checks of paths and frames were the decoder's top cost) */
		while (n - i >= 8) {
			memcpy(&w, s + i, 8);
			bs = w ^ (ones * '\\');
			if ((w & highs) || (escaped && ((bs - ones) & ~bs & highs)))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		/* fewer than 8 left: the text's end in one word test */
		if (pyx_tail_word(s, i, n, &w)) {
			bs = w ^ (ones * '\\');
			if (!(w & highs) && !(escaped && ((bs - ones) & ~bs & highs)))
				break;
		}
		if (escaped && s[i] == '\\') {
			if (i + 1 < n && s[i + 1] == '\\') {
				i += 2;
				continue;
			}
			if (n - i >= 6 && s[i + 1] == 'u' && s[i + 2] == 'd' &&
			    ((s[i + 3] >= '8' && s[i + 3] <= '9') ||
			     (s[i + 3] >= 'a' && s[i + 3] <= 'f')) &&
			    hexdigit(s[i + 4]) && hexdigit(s[i + 5])) {
				i += 6;
				continue;
			}
			return fail(r, "bad escape in an escaped str");
		}
		/* ASCII here, without a call per byte (that call was 4% of the record path) */
		if (s[i] < 0x80 && s[i] != '\\') {
			i++;
			continue;
		}
		k = pyx_utf8_seq(s + i, n - i, &cp);
		if (!k)
			return fail(r, "str is not valid UTF-8");
		i += k;
	}
	return 0;
}

static int read_value(struct reader *r, struct pyx_value *v, unsigned int depth);

static inline __attribute__((always_inline)) int read_len_data(struct reader *r,
							       struct pyx_value *v, uint32_t max)
{
	int err = get_u32(r, &v->len);

	if (err)
		return err;
	if (v->len > max)
		return fail(r, "length above the wire limit");
	return take(r, v->len, &v->s.data);
}

static int read_container(struct reader *r, struct pyx_value *v, unsigned int depth)
{
	uint32_t count, n, i;
	int err;

	if (depth > PYX_DEPTH_MAX)
		return fail(r, "container nested deeper than PYX_DEPTH_MAX");
	err = get_u32(r, &count);
	if (err)
		return err;
	if (count > PYX_SEQ_MAX)
		return fail(r, "more items than PYX_SEQ_MAX");
	n = v->type == PYX_TAG_DICT ? count * 2 : count;
	/* every value takes at least one byte: a lie about the count is caught before allocating */
	if (n > r->left)
		return fail(r, "item count runs past the end of the payload");
	v->len = count;
	v->items = n ? arena_alloc(r->arena, n * sizeof(*v->items)) : NULL;
	if (n && !v->items)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = read_value(r, &v->items[i], depth + 1);
		if (err)
			return err;
	}
	return 0;
}

static int read_object(struct reader *r, struct pyx_value *v, unsigned int depth)
{
	uint8_t tlen, nattrs, nlen;
	uint32_t i;
	int err;

	/* the hook writes an object wherever a scalar may be, so one level below the deepest
	 * container; its attributes are scalars there */
	if (depth > PYX_DEPTH_MAX + 1)
		return fail(r, "object nested deeper than PYX_DEPTH_MAX");
	err = get_u8(r, &tlen);
	if (!err)
		err = take(r, tlen, &v->obj.type_name);
	if (!err)
		err = get_u8(r, &nattrs);
	if (err)
		return err;
	/* tp_name and attribute names are C strings, cut at 255 bytes: bytes, not UTF-8 */
	v->obj.type_len = tlen;
	v->len = nattrs;
	if ((size_t)nattrs * 2 > r->left)
		return fail(r, "attribute count runs past the end of the payload");
	v->obj.attrs = nattrs ? arena_alloc(r->arena, nattrs * sizeof(*v->obj.attrs)) : NULL;
	if (nattrs && !v->obj.attrs)
		return -ENOMEM;
	for (i = 0; i < nattrs; i++) {
		struct pyx_attr *a = &v->obj.attrs[i];

		err = get_u8(r, &nlen);
		if (!err)
			err = take(r, nlen, &a->name);
		if (err)
			return err;
		a->name_len = nlen;
		a->value = arena_alloc(r->arena, sizeof(*a->value));
		if (!a->value)
			return -ENOMEM;
		err = read_value(r, a->value, depth + 1);
		if (err)
			return err;
	}
	return 0;
}

static int read_value(struct reader *r, struct pyx_value *v, unsigned int depth)
{
	uint8_t tag, sign;
	uint64_t u;
	int err;

	memset(v, 0, sizeof(*v));
	err = get_u8(r, &tag);
	if (err)
		return err;
	v->type = tag & PYX_TAG_TYPE_MASK;
	v->flags = tag & (PYX_TAG_TRUNCATED | PYX_TAG_ESCAPED);
	if ((v->flags & PYX_TAG_ESCAPED) && v->type != PYX_TAG_STR)
		return fail(r, "escaped flag on a value that is not a str");
	if (v->flags & PYX_TAG_TRUNCATED)
		r->truncated = true;

	switch (v->type) {
	case PYX_TAG_NONE:
	case PYX_TAG_FALSE:
	case PYX_TAG_TRUE:
	case PYX_TAG_INT:
	case PYX_TAG_FLOAT:
		if (v->flags & PYX_TAG_TRUNCATED)
			return fail(r, "truncated flag on a scalar");
		if (v->type == PYX_TAG_INT || v->type == PYX_TAG_FLOAT) {
			err = get_u64(r, &u);
			if (err)
				return err;
			if (v->type == PYX_TAG_INT)
				v->i = (int64_t)u;
			else
				memcpy(&v->f, &u, sizeof(v->f));
		}
		return 0;
	case PYX_TAG_BIGINT:
		err = get_u8(r, &sign);
		if (err)
			return err;
		if (sign > 1)
			return fail(r, "bad bigint sign");
		v->s.negative = sign;
		err = read_len_data(r, v, PYX_BIGINT_MAX);
		if (!err && !v->len && !(v->flags & PYX_TAG_TRUNCATED))
			return fail(r, "empty bigint without the truncated flag");
		return err;
	case PYX_TAG_STR:
		err = read_len_data(r, v, PYX_STR_MAX);
		if (err)
			return err;
		return check_str(r, v->s.data, v->len, v->flags & PYX_TAG_ESCAPED);
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		return read_len_data(r, v, PYX_STR_MAX);
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
	case PYX_TAG_DICT:
		return read_container(r, v, depth);
	case PYX_TAG_OBJECT:
		return read_object(r, v, depth);
	case PYX_TAG_DEPTH:
	case PYX_TAG_ELIDED:
		if (!(v->flags & PYX_TAG_TRUNCATED))
			return fail(r, "depth or elided marker without the truncated flag");
		return 0;
	default:
		return fail(r, "unknown value tag");
	}
}

static inline __attribute__((always_inline)) int read_str(struct reader *r, struct pyx_value **out)
{
	struct pyx_value *v = arena_alloc(r->arena, sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	err = read_value(r, v, 1);
	if (err)
		return err;
	if (v->type != PYX_TAG_STR)
		return fail(r, "event name or frame is not a str");
	*out = v;
	return 0;
}

/*
 * The body (the bytes after the header) of the last payload decoded whole, with what it decoded
 * to when every value is flat (no container or object): a loop's events repeat their name, frame
 * and arguments byte for byte (only the header's seq and line change), and checking the same
 * strings again was most of the decoder's time. Every check is a function of the bytes and the
 * header's nargs, so a body equal to the kept one, for the same nargs, passes the same checks and
 * decodes to the same values, whose bytes are then taken from the new body. Per thread.
 */
#define PL_VALUES_MAX 12 /* name, file, function and up to 9 arguments */

static __thread struct {
	bool valid;
	bool truncated; /* a value carries PYX_TAG_TRUNCATED */
	uint16_t nargs;
	uint64_t gen; /* the body's number (pyx_event.body_gen) */
	size_t len;
	struct pyx_value v[PL_VALUES_MAX];
	uint32_t off[PL_VALUES_MAX]; /* of a value's bytes in the body */
	uint32_t data_mask;          /* bit i: v[i] has bytes (value_has_data()) */
	uint8_t body[PYX_PAYLOAD_MAX];
} pl_last;

static bool value_flat(const struct pyx_value *v)
{
	switch (v->type) {
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
	case PYX_TAG_DICT:
	case PYX_TAG_OBJECT:
		return false;
	default:
		return true;
	}
}

static bool value_has_data(const struct pyx_value *v)
{
	switch (v->type) {
	case PYX_TAG_BIGINT:
	case PYX_TAG_STR:
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		return true;
	default:
		return false;
	}
}

static const struct pyx_value *ev_value(const struct pyx_event *ev, unsigned int i)
{
	return i == 0 ? ev->name : i == 1 ? ev->file : i == 2 ? ev->function : &ev->args[i - 3];
}

/* Body numbers, unique in the process (any thread's decoder takes the next one). */
static uint64_t pl_gen;

static void pl_keep(struct pyx_event *ev, const uint8_t *body, size_t len, bool truncated)
{
	unsigned int i, n = 3 + ev->nargs;

	pl_last.valid = false;
	if (n > PL_VALUES_MAX || len > sizeof(pl_last.body))
		return;
	pl_last.data_mask = 0;
	for (i = 0; i < n; i++) {
		const struct pyx_value *v = ev_value(ev, i);

		if (!value_flat(v))
			return;
		pl_last.v[i] = *v;
		pl_last.off[i] = value_has_data(v) ? (uint32_t)(v->s.data - body) : 0;
		if (value_has_data(v))
			pl_last.data_mask |= 1u << i;
	}
	memcpy(pl_last.body, body, len);
	pl_last.len = len;
	pl_last.nargs = ev->nargs;
	pl_last.truncated = truncated;
	pl_last.gen = __atomic_add_fetch(&pl_gen, 1, __ATOMIC_RELAXED);
	pl_last.valid = true;
	ev->body_gen = pl_last.gen;
}

void pyx_payload_forget(void)
{
	pl_last.valid = false;
}

/* The kept values, their bytes in body, allocated from the arena in one block (name, file,
 * function, then the arguments: no more than read_str() and the arguments' array take for the
 * same body, so the arena that held its full decode holds this). */
static int pl_reuse(struct pyx_arena *arena, struct pyx_event *ev, const uint8_t *body)
{
	unsigned int n = 3 + ev->nargs;
	struct pyx_value *v = arena_alloc(arena, n * sizeof(*v));
	uint32_t m;

	if (!v)
		return -ENOMEM;
	memcpy(v, pl_last.v, n * sizeof(*v));
	for (m = pl_last.data_mask; m; m &= m - 1) {
		unsigned int i = (unsigned int)__builtin_ctz(m);

		v[i].s.data = body + pl_last.off[i];
	}
	ev->name = &v[0];
	ev->file = &v[1];
	ev->function = &v[2];
	ev->args = ev->nargs ? &v[3] : NULL;
	return 0;
}

int pyx_payload_decode(const void *buf, size_t len, struct pyx_arena *arena, struct pyx_event *ev,
		       const char **why)
{
	const uint8_t *body;
	struct reader r = { .p = buf, .left = len, .arena = arena };
	uint16_t magic, event_id, nargs;
	uint8_t version, flags;
	uint32_t total = 0, line = 0;
	const uint8_t *h;
	uint64_t seq = 0;
	int err, i;

	memset(ev, 0, sizeof(*ev));
	if (len < sizeof(struct pyx_payload_hdr)) {
		err = fail(&r, "payload shorter than its header");
		goto out;
	}
	/* byte by byte: buf has no alignment guarantee */
	h = r.p;
	magic = h[0] | h[1] << 8;
	version = h[2];
	flags = h[3];
	event_id = h[4] | h[5] << 8;
	nargs = h[6] | h[7] << 8;
	r.p += 8;
	r.left -= 8;
	get_u32(&r, &total);
	get_u32(&r, &line);
	get_u64(&r, &seq);
	if (magic != PYX_PAYLOAD_MAGIC) {
		err = fail(&r, "bad payload magic");
		goto out;
	}
	if (version != PYX_PAYLOAD_VERSION) {
		err = fail(&r, "unsupported payload version");
		goto out;
	}
	if (total != len || len > PYX_PAYLOAD_MAX) {
		err = fail(&r, "payload length does not match its header");
		goto out;
	}
	if (flags & ~(PYX_PF_TRUNCATED | PYX_PF_NO_FRAME | PYX_PF_NO_ARGS)) {
		err = fail(&r, "unknown payload flags");
		goto out;
	}
	ev->flags = flags;
	ev->event_id = event_id;
	ev->line = line;
	ev->seq = seq;
	ev->nargs = nargs;

	body = r.p;
	if (pl_last.valid && pl_last.nargs == nargs && pl_last.len == r.left &&
	    !memcmp(pl_last.body, body, r.left)) {
		err = pl_reuse(arena, ev, body);
		if (!err) {
			ev->truncated = pl_last.truncated || (flags & PYX_PF_TRUNCATED);
			ev->body_gen = pl_last.gen;
		}
		goto out;
	}
	err = read_str(&r, &ev->name);
	if (!err)
		err = read_str(&r, &ev->file);
	if (!err)
		err = read_str(&r, &ev->function);
	if (err)
		goto out;
	if (nargs > r.left) {
		err = fail(&r, "argument count runs past the end of the payload");
		goto out;
	}
	ev->args = nargs ? arena_alloc(arena, nargs * sizeof(*ev->args)) : NULL;
	if (nargs && !ev->args) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nargs; i++) {
		err = read_value(&r, &ev->args[i], 1);
		if (err)
			goto out;
	}
	if (r.left) {
		err = fail(&r, "trailing bytes after the last argument");
		goto out;
	}
	ev->truncated = r.truncated || (flags & PYX_PF_TRUNCATED);
	pl_keep(ev, body, len - sizeof(struct pyx_payload_hdr), r.truncated);
out:
	if (err == -ENOMEM && !r.why)
		r.why = "payload decoder arena exhausted";
	if (why)
		*why = err ? r.why : NULL;
	return err;
}

int pyx_bigint_to_dec(const struct pyx_value *v, char *out, size_t cap)
{
	/* magnitude as base-1e9 limbs, most significant first, then long division */
	uint32_t limbs[(PYX_BIGINT_MAX * 8 + 28) / 29 + 1];
	char digits[PYX_BIGINT_MAX * 3 + 8];
	size_t nl = 0, nd = 0, i, pos = 0;
	int b;

	for (b = (int)v->len - 1; b >= 0; b--) {
		/* limbs = limbs * 256 + byte, base 1e9 little-endian in limbs[] */
		uint64_t carry = v->s.data[b];

		for (i = 0; i < nl; i++) {
			uint64_t x = (uint64_t)limbs[i] * 256 + carry;

			limbs[i] = x % 1000000000u;
			carry = x / 1000000000u;
		}
		while (carry) {
			limbs[nl++] = carry % 1000000000u;
			carry /= 1000000000u;
		}
	}
	for (i = 0; i < nl; i++) {
		uint32_t x = limbs[i];
		int k;

		for (k = 0; k < 9 && (x || i + 1 < nl); k++) {
			digits[nd++] = '0' + x % 10;
			x /= 10;
		}
	}
	if (!nd)
		digits[nd++] = '0';
	if (nd + 2 > cap)
		return -ENOSPC;
	if (v->s.negative)
		out[pos++] = '-';
	while (nd)
		out[pos++] = digits[--nd];
	out[pos] = 0;
	return (int)pos;
}
