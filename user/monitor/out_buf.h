/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A growable text buffer and the escapers every writer uses. A record is built whole in a buffer
 * and written with one fwrite, so a line is never interleaved or half-written on error.
 *
 * Escaping schemes (docs/json-schema.md):
 *   JSON, bytes from the kernel or a bytes value: valid UTF-8 passes through; each byte that is not
 *     part of a valid UTF-8 sequence becomes the lone surrogate \udcXX (Python's "surrogateescape",
 *     so s.encode("utf-8", "surrogateescape") gives the original bytes back).
 *   JSON, a payload str with PYX_TAG_ESCAPED: "\\" becomes one backslash and "\udXXX" the lone
 *     surrogate \udXXX, so json.loads() returns the Python str the hook saw.
 *   Both: ", \ and control characters (C0, DEL, C1) are escaped; the output is pure ASCII-safe
 *     UTF-8 that json.loads() accepts.
 *   Plain: control characters, DEL and C1 as \xNN / \u00NN, invisible and bidi formatting
 *     characters (libunistring's Default_Ignorable_Code_Point and Bidi_Control) as \uXXXX or
 *     \UXXXXXXXX, invalid bytes as \xNN, backslash as \\, the quote character given as \';
 *     nothing raw that a terminal would interpret or a reader would not see.
 */
#ifndef PYX_OUT_BUF_H
#define PYX_OUT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct pyx_buf {
	char *p;
	size_t len, cap;
	bool oom;
	/* p is lent (the output sink's chunk, out_writer.c): a line that outgrows cap moves to
	 * a buffer of its own; lent memory is never reallocated or freed here */
	bool lent;
};

void pyx_buf_free(struct pyx_buf *b);
/* The path that grows the buffer (or finds it out of memory). */
void pyx_buf_write_slow(struct pyx_buf *b, const void *s, size_t n);

/*
 * Inline: a record is built from dozens of short pieces, and a call per piece (with memcpy of a
 * few bytes through the PLT) was a fifth of the monitor's CPU per record. The length of a literal
 * passed to pyx_buf_puts folds into a constant here.
 */
static inline void pyx_buf_write(struct pyx_buf *b, const void *s, size_t n)
{
	if (__builtin_expect(b->oom || b->len + n + 1 > b->cap, 0)) {
		pyx_buf_write_slow(b, s, n);
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

/* pyx_buf_write() of n <= 16 bytes of a 16-byte array: one fixed-size copy (no memcpy call for
 * a length known only at run time) when the room has 16 bytes past the end. */
static inline void pyx_buf_write16(struct pyx_buf *b, const char s[16], size_t n)
{
	if (__builtin_expect(b->oom || b->len + 16 + 1 > b->cap, 0)) {
		pyx_buf_write(b, s, n);
		return;
	}
	memcpy(b->p + b->len, s, 16);
	b->len += n;
	b->p[b->len] = 0;
}

static inline void pyx_buf_puts(struct pyx_buf *b, const char *s)
{
	pyx_buf_write(b, s, strlen(s));
}

/* Keep what was written to b since start in text (cap bytes), for a writer's cache of a piece
 * it formats again and again: the length kept, or 0 (nothing kept: out of memory, or longer
 * than cap). */
static inline size_t pyx_buf_keep(const struct pyx_buf *b, size_t start, char *text, size_t cap)
{
	size_t n = b->len - start;

	if (b->oom || n > cap)
		return 0;
	memcpy(text, b->p + start, n);
	return n;
}

static inline void pyx_buf_putc(struct pyx_buf *b, char c)
{
	if (__builtin_expect(b->oom || b->len + 2 > b->cap, 0)) {
		pyx_buf_write_slow(b, &c, 1);
		return;
	}
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The eight decimal digits of v < 10^8, leading zeros kept, as the values 0-9 in the bytes of a
 * word, the first digit in the lowest byte (so the word stored is the digits in order once
 * PYX_DEC8_ZERO is added). The pairs and then the single digits of all four groups at once, by
 * multiplies within the word's lanes (each lane's product stays inside it; the divisors by
 * multiply-shift are exact below 43,000 and 179): ~15 instructions for eight digits, no table
 * and no loop, where two digits at a time from a table were ~60 for a time stamp's 14. The
 * leading zeros of a number come out of the word: __builtin_ctzll(w) / 8 of them (w != 0).
 */
static inline uint64_t pyx_dec8(uint32_t v)
{
	uint64_t merged = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
	uint64_t top = (merged * 10486 >> 20) & 0x0000007f0000007full;
	uint64_t hundreds = ((merged - 100 * top) << 16) + top;
	uint64_t tens = (hundreds * 103 >> 10) & 0x000f000f000f000full;

	return tens + ((hundreds - 10 * tens) << 8);
}

#define PYX_DEC8_ZERO 0x3030303030303030ull
#endif

/* A number in decimal, as %llu and %lld print it. */
void pyx_buf_u64(struct pyx_buf *b, unsigned long long v);
void pyx_buf_i64(struct pyx_buf *b, long long v);
/* KEY1 V1 KEY2 V2 with one room check (a syscall's ,"ret":N,"latency_ns":N): each key n bytes
 * of a 16-byte array (its bytes past n read, not written to the line). */
void pyx_buf_key_i64_key_u64(struct pyx_buf *b, const char key1[16], size_t n1, long long v1,
			     const char key2[16], size_t n2, unsigned long long v2);
/* In lowercase hexadecimal, as %llx prints it (no prefix). */
void pyx_buf_x64(struct pyx_buf *b, unsigned long long v);
void pyx_buf_printf(struct pyx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON string with its quotes. */
void pyx_json_bytes(struct pyx_buf *b, const void *s, size_t n);
void pyx_json_cstr(struct pyx_buf *b, const char *s);
void pyx_json_pystr(struct pyx_buf *b, const void *s, size_t n, bool escaped);
/* Plain text without quotes; quote is the character to escape (0 for none). */
void pyx_plain_bytes(struct pyx_buf *b, const void *s, size_t n, char quote);
void pyx_plain_pystr(struct pyx_buf *b, const void *s, size_t n, bool escaped, char quote);

/* Room for element n of an array grown by doubling (first: its first capacity, in elements):
 * 0, or -ENOMEM with the array and *cap as they were. For every growing array of the monitor. */
int pyx_grow(void *arrp, size_t *cap, size_t n, size_t elem_size, size_t first);

/* A double as JSON (finite only) or Python repr-like text: the shortest text that reads back. */
void pyx_buf_double(struct pyx_buf *b, double d);

#endif /* PYX_OUT_BUF_H */
