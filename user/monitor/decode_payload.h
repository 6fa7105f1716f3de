/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Decoder of the hook payload (pyxcheck_wire.h section 2) into a small value tree.
 *
 * The payload comes from the monitored process, which may be hostile or simply broken, so the
 * decoder trusts nothing: every length is checked against what remains, counts are bounded by the
 * wire limits before anything is allocated, nesting is bounded, and the whole buffer must be
 * consumed exactly. It never allocates from the heap: values live in a caller-provided arena,
 * and strings point into the caller's buffer (which must outlive the tree). Any violation makes
 * the whole payload invalid; there is no partial result. Per thread, it keeps the body of the
 * last payload it decoded whole (all values flat) and reuses its values for a payload with the
 * same nargs and the same body: every check is a function of those bytes, so the result is the
 * one a full decode gives (decode_payload.c, pl_last).
 */
#ifndef PYX_DECODE_PAYLOAD_H
#define PYX_DECODE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Value types are the wire tags (enum pyx_tag); flags are the tag's high bits as received. */
struct pyx_value;

struct pyx_attr {
	const uint8_t *name; /* not NUL-terminated */
	uint32_t name_len;
	struct pyx_value *value;
};

struct pyx_value {
	uint8_t type;  /* enum pyx_tag */
	uint8_t flags; /* PYX_TAG_TRUNCATED, PYX_TAG_ESCAPED */
	uint32_t len;  /* STR/BYTES/BYTEARRAY/BIGINT: bytes; TUPLE/LIST/DICT/OBJECT: items */
	union {
		int64_t i; /* INT */
		double f;  /* FLOAT */
		struct {   /* STR, BYTES, BYTEARRAY; BIGINT magnitude (least significant first) */
			const uint8_t *data;
			bool negative; /* BIGINT only */
		} s;
		struct pyx_value *items; /* TUPLE, LIST: len items; DICT: 2*len (key, value, ...) */
		struct {                 /* OBJECT */
			const uint8_t *type_name;
			uint32_t type_len;
			struct pyx_attr *attrs; /* len attributes */
		} obj;
	};
};

struct pyx_event {
	uint8_t flags;     /* enum pyx_payload_flags */
	uint16_t event_id; /* from the payload header */
	uint32_t line;
	uint64_t seq;
	struct pyx_value *name, *file, *function; /* STR values */
	uint16_t nargs;
	struct pyx_value *args; /* nargs values */
	bool truncated;         /* PYX_PF_TRUNCATED or any value carries PYX_TAG_TRUNCATED */
	/* Nonzero: the number of the body (the bytes after the header) the decoder kept for this
	 * event, with its nargs. Numbers are unique in the process, and every event that carries
	 * one has the same nargs and the same body byte for byte, so its values are equal: what
	 * is computed from nargs and the values alone may be kept under it (corr_engine.c, the
	 * claim). 0: not kept (a container or object among the values, more than nine arguments,
	 * a body too long, a failed decode). */
	uint64_t body_gen;
};

/* A bump allocator over caller memory; reset it before each decode. */
struct pyx_arena {
	void *base;
	size_t cap, used;
};

/* An arena of this many bytes holds the tree of any payload of at most PYX_PAYLOAD_MAX bytes:
 * every value costs at least one wire byte. */
#define PYX_ARENA_SIZE(payload_max) ((payload_max) * (sizeof(struct pyx_value) + 8) + 64)

static inline void pyx_arena_init(struct pyx_arena *a, void *base, size_t cap)
{
	a->base = base;
	a->cap = cap;
	a->used = 0;
}

static inline void pyx_arena_reset(struct pyx_arena *a)
{
	a->used = 0;
}

/* Decode buf[0..len) into ev. Returns 0, or -EINVAL (malformed: *why says what, a static string)
 * or -ENOMEM (arena too small). */
int pyx_payload_decode(const void *buf, size_t len, struct pyx_arena *arena, struct pyx_event *ev,
		       const char **why);

/* Forget this thread's kept body: the next decode is a full one (the fuzz target compares a
 * decode served from the kept body with a full decode of the same bytes). */
void pyx_payload_forget(void);

/* UTF-8 helpers shared by the writers. Returns the length of the valid UTF-8 sequence (not a
 * surrogate, not overlong, <= U+10FFFF) starting at s (n bytes available), 0 if there is none, and
 * stores the code point in *cp. */
size_t pyx_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp);

/* The end of a text in one 8-byte word, for the word-at-a-time scans of the decoder's
 * check_str() and the writers' pass_run(): with fewer than 8 bytes left from i, s's last 8 bytes
 * when the text has 8 (those before i already passed), else, for 4 to 7 bytes left, their first
 * 4 and last 4. False when the word loop is not done (8 or more left) or too few are left for a
 * word (fewer than 4 in a text of fewer than 8): the byte loop's business. */
static inline bool pyx_tail_word(const uint8_t *s, size_t i, size_t n, uint64_t *w)
{
	uint32_t lo, hi;

	if (n - i >= 8 || n - i < 4 - (n >= 8) * 3)
		return false;
	if (n >= 8) {
		memcpy(w, s + n - 8, 8);
		return true;
	}
	memcpy(&lo, s + i, 4);
	memcpy(&hi, s + n - 4, 4);
	*w = lo | (uint64_t)hi << 32;
	return true;
}

/* Decimal text of a BIGINT value into out (cap bytes, NUL-terminated). Returns the length, or
 * -ENOSPC. A 256-byte magnitude needs at most 620 bytes. */
int pyx_bigint_to_dec(const struct pyx_value *v, char *out, size_t cap);

#endif /* PYX_DECODE_PAYLOAD_H */
