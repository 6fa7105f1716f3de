// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

#include "decode_payload.h"
#include "out_buf.h"

void pyx_buf_free(struct pyx_buf *b)
{
	if (!b->lent)
		free(b->p);
	b->lent = false;
	b->p = NULL;
	b->len = b->cap = 0;
}

int pyx_grow(void *arrp, size_t *cap, size_t n, size_t elem_size, size_t first)
{
	void **arr = arrp;
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : first;
	if (c <= n || c > SIZE_MAX / elem_size)
		return -ENOMEM;
	p = realloc(*arr, c * elem_size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static bool reserve(struct pyx_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	if (n > SIZE_MAX / 4 - b->len) {
		/* no line is that long: a length gone wrong, refused like a failed allocation */
		b->oom = true;
		return false;
	}
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	if (b->lent) {
		/* out of the lent room: what was built so far moves to memory of its own */
		p = malloc(cap);
		if (p) {
			memcpy(p, b->p, b->len);
			b->lent = false;
		}
	} else {
		p = realloc(b->p, cap);
	}
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void pyx_buf_write_slow(struct pyx_buf *b, const void *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

/* Digits of v, right-aligned before end, at least width of them (zero-padded). */
static const char dec_pairs[] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

/* Two digits ending at d, from the table: one 2-byte copy. */
static inline void dec_pair(char *d, unsigned int v)
{
	memcpy(d - 2, dec_pairs + v * 2, 2);
}

/* The decimal digits of v below 2^32, ending at end; returns their start. 32-bit arithmetic:
 * a 64-bit division by 100 is a longer multiply */
static inline __attribute__((always_inline)) char *dec32(char *d, uint32_t v)
{
	while (v >= 100) {
		uint32_t q = v / 100;

		dec_pair(d, v - q * 100);
		d -= 2;
		v = q;
	}
	if (v >= 10) {
		dec_pair(d, v);
		d -= 2;
	} else {
		*--d = (char)('0' + v);
	}
	return d;
}

/* The decimal digits of v ending at d; returns their start. A number past 32 bits (the
 * timestamps) gives its low eight digits first, as four pairs of 32-bit work. Inlined into
 * pyx_buf_u64 (a call with its saved registers per number, six numbers a line). */
static inline __attribute__((always_inline)) char *dec64(char *d, unsigned long long v)
{
	while (v > UINT32_MAX) {
		uint32_t lo = (uint32_t)(v % 100000000), hi = lo / 10000, lo4 = lo - hi * 10000;
		uint32_t a = lo4 / 100, b = hi / 100;

		dec_pair(d, lo4 - a * 100);
		dec_pair(d - 2, a);
		dec_pair(d - 4, hi - b * 100);
		dec_pair(d - 6, b);
		d -= 8;
		v /= 100000000; /* at least 42 */
	}
	return dec32(d, (uint32_t)v);
}

static char *digits(char *end, unsigned long long v, unsigned int base, int width)
{
	char *d = end;

	/* decimal two digits at a time from a table, by a constant divisor (a multiply): the
	 * digit loop was 5% of the record path (timestamps, ids, latencies) */
	if (base == 10) {
		d = dec64(d, v);
	} else {
		do {
			*--d = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v);
	}
	while (end - d < width)
		*--d = '0';
	return d;
}

/* A number into a buffer that must grow: apart, so that the common path has no array on its
 * stack (and no stack protector's check around every number) */
static __attribute__((noinline)) void buf_u64_slow(struct pyx_buf *b, unsigned long long v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *d = digits(end, v, 10, 0);

	pyx_buf_write_slow(b, d, end - d);
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The digits of v (at least 1 and below 10^8) without its leading zeros, stored as one 8-byte
 * word at o (the bytes past the digits are scratch); returns how many. */
static inline __attribute__((always_inline)) unsigned int dec8_lead(char *o, uint32_t v)
{
	uint64_t w = pyx_dec8(v);
	unsigned int lz = (unsigned int)__builtin_ctzll(w) / 8;

	w = (w + PYX_DEC8_ZERO) >> (lz * 8);
	memcpy(o, &w, 8);
	return 8 - lz;
}

/* All eight digits of v < 10^8 at o. */
static inline __attribute__((always_inline)) void dec8_all(char *o, uint32_t v)
{
	uint64_t w = pyx_dec8(v) + PYX_DEC8_ZERO;

	memcpy(o, &w, 8);
}

/* Eight digits at a time as one word each (pyx_dec8), written whole: the fast path needs room
 * for the widest stores (a 20-digit number's first word at +0, its last at +12 to +20) and the
 * terminating zero, and takes the path apart near the end of the buffer. */
#define U64_ROOM 21

/* The digits above the last eight of the last number of 9 to 16 digits: a line's "ts" (14 digits
 * on a machine up a day) and the next line's share them for 0.1 s. Per thread, as out_json.c's
 * caches (0: nothing kept, as such a number's upper part is never 0). */
static __thread struct {
	unsigned long long hi;
	uint8_t len;
	char text[8];
} u64_hi;

/* The digits of v at o (U64_ROOM bytes there): how many. */
static inline __attribute__((always_inline)) unsigned int u64_put(char *o, unsigned long long v)
{
	unsigned int n;

	if (v < 100) {
		/* a result, an fd, a small id: one or two bytes of the pairs' table */
		if (v < 10) {
			*o = (char)('0' + v);
			n = 1;
		} else {
			memcpy(o, dec_pairs + v * 2, 2);
			n = 2;
		}
	} else if (v < 10000) {
		/* a latency, a sequence number: two pairs, or a digit and a pair */
		uint32_t hi = (uint32_t)v / 100, lo = (uint32_t)v - hi * 100;

		if (hi < 10) {
			*o = (char)('0' + hi);
			n = 1;
		} else {
			memcpy(o, dec_pairs + hi * 2, 2);
			n = 2;
		}
		memcpy(o + n, dec_pairs + lo * 2, 2);
		n += 2;
	} else if (v < 100000000) {
		n = dec8_lead(o, (uint32_t)v);
	} else if (v < 10000000000000000ull) {
		unsigned long long hi = v / 100000000;

		if (hi == u64_hi.hi) {
			memcpy(o, u64_hi.text, 8);
			n = u64_hi.len;
		} else {
			n = dec8_lead(o, (uint32_t)hi);
			memcpy(u64_hi.text, o, 8);
			u64_hi.len = (uint8_t)n;
			u64_hi.hi = hi;
		}
		dec8_all(o + n, (uint32_t)(v - hi * 100000000));
		n += 8;
	} else {
		unsigned long long top = v / 10000000000000000ull,
				   rest = v - top * 10000000000000000ull;
		unsigned long long hi = rest / 100000000;

		n = dec8_lead(o, (uint32_t)top);
		dec8_all(o + n, (uint32_t)hi);
		dec8_all(o + n + 8, (uint32_t)(rest - hi * 100000000));
		n += 16;
	}
	return n;
}

void pyx_buf_u64(struct pyx_buf *b, unsigned long long v)
{
	if (__builtin_expect(b->oom || b->len + U64_ROOM > b->cap, 0)) {
		buf_u64_slow(b, v);
		return;
	}
	b->len += u64_put(b->p + b->len, v);
	b->p[b->len] = 0;
}

void pyx_buf_key_i64_key_u64(struct pyx_buf *b, const char key1[16], size_t n1, long long v1,
			     const char key2[16], size_t n2, unsigned long long v2)
{
	unsigned long long m1 = v1 < 0 ? -(unsigned long long)v1 : (unsigned long long)v1;
	char *o;

	/* each key copied as 16 bytes (the scratch past it overwritten next), the sign, each
	 * number's widest stores, the terminating zero; else piece by piece */
	if (__builtin_expect(b->oom || b->len + 16 + 1 + U64_ROOM + 16 + U64_ROOM > b->cap, 0)) {
		pyx_buf_write(b, key1, n1);
		pyx_buf_i64(b, v1);
		pyx_buf_write(b, key2, n2);
		pyx_buf_u64(b, v2);
		return;
	}
	o = b->p + b->len;
	memcpy(o, key1, 16);
	o += n1;
	*o = '-';
	o += v1 < 0;
	o += u64_put(o, m1);
	memcpy(o, key2, 16);
	o += n2;
	o += u64_put(o, v2);
	*o = 0;
	b->len = (size_t)(o - b->p);
}
#else
/* How many decimal digits v has: from its bit length (1233/4096 ~ log10(2)), one compare. */
static unsigned int dec_len(unsigned long long v)
{
	static const unsigned long long p10[20] = {
		1ull,
		10ull,
		100ull,
		1000ull,
		10000ull,
		100000ull,
		1000000ull,
		10000000ull,
		100000000ull,
		1000000000ull,
		10000000000ull,
		100000000000ull,
		1000000000000ull,
		10000000000000ull,
		100000000000000ull,
		1000000000000000ull,
		10000000000000000ull,
		100000000000000000ull,
		1000000000000000000ull,
		10000000000000000000ull,
	};
	unsigned int t;

	if (v < 10)
		return 1;
	t = (unsigned int)(64 - __builtin_clzll(v)) * 1233 >> 12;
	return t + (v >= p10[t]);
}

void pyx_buf_u64(struct pyx_buf *b, unsigned long long v)
{
	unsigned int n = dec_len(v);

	if (__builtin_expect(b->oom || b->len + n + 1 > b->cap, 0)) {
		buf_u64_slow(b, v);
		return;
	}
	dec64(b->p + b->len + n, v);
	b->len += n;
	b->p[b->len] = 0;
}
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
void pyx_buf_key_i64_key_u64(struct pyx_buf *b, const char key1[16], size_t n1, long long v1,
			     const char key2[16], size_t n2, unsigned long long v2)
{
	pyx_buf_write(b, key1, n1);
	pyx_buf_i64(b, v1);
	pyx_buf_write(b, key2, n2);
	pyx_buf_u64(b, v2);
}
#endif

void pyx_buf_x64(struct pyx_buf *b, unsigned long long v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *d = digits(end, v, 16, 0);

	pyx_buf_write(b, d, end - d);
}

void pyx_buf_i64(struct pyx_buf *b, long long v)
{
	if (v < 0)
		pyx_buf_putc(b, '-');
	pyx_buf_u64(b, v < 0 ? -(unsigned long long)v : (unsigned long long)v);
}

/*
 * The conversions the writers use on every record (%s, %d, %u, %x, %lld, %llu, %llx, %zu, with
 * an optional 0N width on numbers), formatted here: vsnprintf was a quarter of the monitor's CPU
 * per record. Returns false, having consumed ap, at anything else; the caller starts over with
 * vsnprintf.
 */
static bool fast_printf(struct pyx_buf *b, const char *fmt, va_list ap)
{
	char tmp[24], *end = tmp + sizeof(tmp), *d;
	const char *p = fmt, *q;
	unsigned long long u;
	unsigned int base;
	int width;
	bool neg;

	for (;;) {
		for (q = p; *q && *q != '%'; q++)
			;
		if (q > p)
			pyx_buf_write(b, p, q - p);
		if (!*q)
			return true;
		p = q + 1;
		width = 0;
		if (p[0] == '0' && p[1] >= '1' && p[1] <= '9') {
			width = p[1] - '0';
			p += 2;
		}
		neg = false;
		base = 10;
		switch (*p) {
		case '%':
		case 's':
			if (width)
				return false;
			if (*p == '%') {
				pyx_buf_putc(b, '%');
			} else {
				const char *str = va_arg(ap, const char *);

				pyx_buf_puts(b, str ? str : "(null)");
			}
			p++;
			continue;
		case 'd': {
			int v = va_arg(ap, int);

			neg = v < 0;
			u = neg ? -(unsigned long long)v : (unsigned long long)v;
			break;
		}
		case 'x':
			base = 16;
			/* fallthrough */
		case 'u':
			u = va_arg(ap, unsigned int);
			break;
		case 'z':
			if (p[1] != 'u')
				return false;
			u = va_arg(ap, size_t);
			p++;
			break;
		case 'l':
			if (p[1] != 'l')
				return false;
			p += 2;
			if (*p == 'd') {
				long long v = va_arg(ap, long long);

				neg = v < 0;
				u = neg ? -(unsigned long long)v : (unsigned long long)v;
			} else if (*p == 'u' || *p == 'x') {
				base = *p == 'x' ? 16 : 10;
				u = va_arg(ap, unsigned long long);
			} else {
				return false;
			}
			break;
		default:
			return false;
		}
		if (neg && width)
			return false;
		d = digits(end, u, base, width);
		if (neg)
			*--d = '-';
		pyx_buf_write(b, d, end - d);
		p++;
	}
}

void pyx_buf_printf(struct pyx_buf *b, const char *fmt, ...)
{
	size_t start = b->len;
	va_list ap;
	bool done;
	int n;

	va_start(ap, fmt);
	done = fast_printf(b, fmt, ap);
	va_end(ap);
	if (done || b->oom)
		return;
	b->len = start;
	/* one pass when it fits in what is reserved already, a second after growing */
	va_start(ap, fmt);
	n = vsnprintf(b->p ? b->p + start : NULL, b->p ? b->cap - start : 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (b->p && (size_t)n < b->cap - start)) {
		if (n >= 0)
			b->len += n;
		else if (b->p)
			b->p[start] = 0;
		return;
	}
	if (!reserve(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* C0, DEL, C1, and the line and paragraph separators that some readers split lines on */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

/*
 * Invisible and bidi formatting characters (Trojan Source, CVE-2021-42574): a hostile name could
 * reorder or hide what the root user reads in the human format. libunistring's Unicode tables
 * decide: every Default_Ignorable_Code_Point (zero-width space and joiners, soft hyphen, word
 * joiner, variation selectors, Hangul fillers, tags, the BOM) and every Bidi_Control (the marks,
 * embeddings, overrides and isolates, U+061C included). JSON keeps them as text.
 */
static bool is_invisible(uint32_t cp)
{
	return uc_is_property_default_ignorable_code_point(cp) || uc_is_property_bidi_control(cp);
}

/* "\\u" and four lowercase hex digits, as "\\u%04x" prints a code point up to U+FFFF, without a
 * printf per character (binary bytes values are mostly such escapes) */
static inline void json_u4(struct pyx_buf *b, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\',        'u', hex[cp >> 12 & 15], hex[cp >> 8 & 15], hex[cp >> 4 & 15],
		      hex[cp & 15] };

	pyx_buf_write(b, e, sizeof(e));
}

static void json_cp_escape(struct pyx_buf *b, uint32_t cp)
{
	switch (cp) {
	case '\n':
		pyx_buf_puts(b, "\\n");
		break;
	case '\t':
		pyx_buf_puts(b, "\\t");
		break;
	case '\r':
		pyx_buf_puts(b, "\\r");
		break;
	default:
		json_u4(b, cp);
	}
}

/*
 * A payload escape in a str with PYX_TAG_ESCAPED, which the decoder checked: "\\\\" or "\\udXXX".
 * Both formats write it as it is: JSON reads it back as one backslash or the lone surrogate; plain
 * shows \\ (a backslash, escaped as plain escapes it anyway) and \udXXX as text. Returns the
 * bytes it took.
 */
static size_t payload_escape(struct pyx_buf *b, const uint8_t *s, size_t n)
{
	if (n >= 2 && s[1] == '\\') {
		pyx_buf_puts(b, "\\\\");
		return 2;
	}
	if (n >= 6) {
		pyx_buf_write(b, s, 6);
		return 6;
	}
	pyx_buf_puts(b, "\\\\");
	return 1;
}

/* Printable ASCII other than the backslash and the quote: written as it is in both formats. */
static inline bool passes(uint8_t c, char quote)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != (uint8_t)quote;
}

/* Bytes of v (8 of them) that may not pass: a byte below 0x20 or above 0x7e, a backslash or
 * the quote (0: none, covered by "below 0x20"). Never false for such a byte; true for a word
 * that has none may only cost the byte loop. */
static inline bool word_stops(uint64_t v, uint64_t quote)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t bs = v ^ (ones * '\\'), q = v ^ (ones * quote);

	return (((v - ones * 0x20) & ~v) | ((v + ones * (127 - 0x7e)) | v) | ((bs - ones) & ~bs) |
		((q - ones) & ~q)) &
	       highs;
}

/* The end of the run from i of bytes that pass: 8 at a time, then byte by byte (a run is
 * copied at once; paths are mostly that, and the byte loop was the writers' top cost). */
static inline __attribute__((always_inline)) size_t pass_run(const uint8_t *s, size_t i, size_t n,
							     char quote)
{
	uint64_t v;

	while (n - i >= 8) {
		memcpy(&v, s + i, 8);
		if (word_stops(v, (uint8_t)quote))
			break;
		i += 8;
	}
	/* fewer than 8 left: the text's end in one word test; the byte loop only where one stops */
	if (pyx_tail_word(s, i, n, &v) && !word_stops(v, (uint8_t)quote))
		return n;
	while (i < n && passes(s[i], quote))
		i++;
	return i;
}

/*
 * From s[i], a C0 control: the run of bytes that follows made of C0 controls and single
 * printable bytes between them, as a bytes value is (marshal's code: "\u0000d\u0001Z..."),
 * each written by one 8-byte store from a table (its escape, then zeros: the line's zero comes
 * with it) under one room check, without pass_run() between them. Ends at any other byte, or
 * after 8 printable bytes in a row (pass_run()'s words do better there), or near the room's end
 * (the caller's path writes what is left). Returns where it stopped.
 */
static size_t json_c0_run(struct pyx_buf *b, const uint8_t *s, size_t i, size_t n)
{
#define HEX(d) ((d) < 10 ? '0' + (d) : 'a' + (d)-10)
#define U4(c)                                                                                      \
	{                                                                                          \
		'\\', 'u', '0', '0', HEX((c) >> 4), HEX((c)&15), 0, 0                              \
	}
	static const char esc[32][8] = {
		U4(0),  U4(1),  U4(2),  U4(3),  U4(4),  U4(5),  U4(6),  U4(7),
		U4(8),  "\\t",  "\\n",  U4(11), U4(12), "\\r",  U4(14), U4(15),
		U4(16), U4(17), U4(18), U4(19), U4(20), U4(21), U4(22), U4(23),
		U4(24), U4(25), U4(26), U4(27), U4(28), U4(29), U4(30), U4(31),
	};
#undef U4
#undef HEX
	unsigned int printable = 0;
	char *p = b->p;
	size_t len = b->len;

	if (b->oom)
		return i;
	while (i < n && len + 8 + 1 <= b->cap) {
		uint8_t c = s[i];

		if (c < 0x20) {
			memcpy(p + len, esc[c], 8);
			len += c == '\t' || c == '\n' || c == '\r' ? 2 : 6;
			printable = 0;
		} else if (passes(c, '"') && ++printable < 8) {
			p[len++] = (char)c;
			p[len] = 0;
		} else {
			break;
		}
		i++;
	}
	b->len = len;
	return i;
}

/* One JSON-escaped run of text. escaped: payload escapes (\\ and \udXXX) are interpreted. */
static void json_text(struct pyx_buf *b, const uint8_t *s, size_t n, bool escaped)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = pass_run(s, i, n, '"');
		if (k > i) {
			pyx_buf_write(b, s + i, k - i);
			i = k;
			continue;
		}
		if (escaped && s[i] == '\\') {
			i += payload_escape(b, s + i, n - i);
			continue;
		}
		if (s[i] < 0x20) {
			k = json_c0_run(b, s, i, n);
			if (k > i) {
				i = k;
				continue;
			}
		}
		/* ASCII that does not pass (a quote, a backslash, a control character) without the
		 * UTF-8 decoder: binary bytes values are mostly such bytes and invalid ones */
		if (s[i] < 0x80) {
			if (s[i] == '"' || s[i] == '\\') {
				pyx_buf_putc(b, '\\');
				pyx_buf_putc(b, (char)s[i]);
			} else {
				json_cp_escape(b, s[i]);
			}
			i++;
			continue;
		}
		k = pyx_utf8_seq(s + i, n - i, &cp);
		if (!k) {
			json_u4(b, 0xdc00 | s[i]);
			i++;
		} else if (cp == '"' || cp == '\\') {
			pyx_buf_putc(b, '\\');
			pyx_buf_putc(b, (char)cp);
			i++;
		} else if (is_control(cp)) {
			json_cp_escape(b, cp);
			i += k;
		} else {
			pyx_buf_write(b, s + i, k);
			i += k;
		}
	}
}

void pyx_json_bytes(struct pyx_buf *b, const void *s, size_t n)
{
	pyx_buf_putc(b, '"');
	json_text(b, s, n, false);
	pyx_buf_putc(b, '"');
}

void pyx_json_cstr(struct pyx_buf *b, const char *s)
{
	pyx_json_bytes(b, s, strlen(s));
}

void pyx_json_pystr(struct pyx_buf *b, const void *s, size_t n, bool escaped)
{
	pyx_buf_putc(b, '"');
	json_text(b, s, n, escaped);
	pyx_buf_putc(b, '"');
}

static void plain_text(struct pyx_buf *b, const uint8_t *s, size_t n, bool escaped, char quote)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = pass_run(s, i, n, quote);
		if (k > i) {
			pyx_buf_write(b, s + i, k - i);
			i = k;
			continue;
		}
		if (escaped && s[i] == '\\') {
			i += payload_escape(b, s + i, n - i);
			continue;
		}
		k = pyx_utf8_seq(s + i, n - i, &cp);
		if (!k) {
			pyx_buf_printf(b, "\\x%02x", s[i]);
			i++;
			continue;
		}
		if (cp == '\\' || (quote && cp == (uint32_t)quote)) {
			pyx_buf_putc(b, '\\');
			pyx_buf_putc(b, (char)cp);
		} else if (cp == '\n') {
			pyx_buf_puts(b, "\\n");
		} else if (cp == '\t') {
			pyx_buf_puts(b, "\\t");
		} else if (cp == '\r') {
			pyx_buf_puts(b, "\\r");
		} else if (cp < 0x80 && is_control(cp)) {
			pyx_buf_printf(b, "\\x%02x", cp);
		} else if (is_control(cp) || is_invisible(cp)) {
			/* \U and 8 digits past the BMP (tags), so the escape reads back unambiguously */
			pyx_buf_printf(b, cp > 0xffff ? "\\U%08x" : "\\u%04x", cp);
		} else {
			pyx_buf_write(b, s + i, k);
		}
		i += k;
	}
}

void pyx_plain_bytes(struct pyx_buf *b, const void *s, size_t n, char quote)
{
	plain_text(b, s, n, false, quote);
}

void pyx_plain_pystr(struct pyx_buf *b, const void *s, size_t n, bool escaped, char quote)
{
	plain_text(b, s, n, escaped, quote);
}

void pyx_buf_double(struct pyx_buf *b, double d)
{
	char tmp[40];
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	pyx_buf_puts(b, tmp);
	/* keep it a float when read back: "1" would come back as an int */
	if (!strpbrk(tmp, ".eEni"))
		pyx_buf_puts(b, ".0");
}
