// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The output's fast paths that write whole words into a line's buffer (tests/test_out_buf.py):
 * the numbers (eight digits a word, out_buf.c) checked against printf for every eight-digit
 * group and for the edges of each length, and at every edge of a buffer's room: a number that
 * exactly fills the room, or overflows it by a byte, comes out whole (in the lent room, or moved
 * to memory of its own), and nothing is written past the room. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_buf.h"
#include "out_service.h"

static int fails;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c) && fails++ < 20)                                                          \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                        \
	} while (0)

#define GUARD 64
#define PAD 0x5a

/* A lent room of cap bytes at area (size bytes in all, PAD past the room: the guard) that holds
 * pre bytes of 'p' already. */
static struct pyx_buf lend_room(char *area, size_t size, size_t pre, size_t cap)
{
	memset(area, PAD, size);
	memset(area, 'p', pre);
	area[pre] = 0;
	return (struct pyx_buf){ .p = area, .len = pre, .cap = cap, .lent = true };
}

/* b, written into lend_room(area, size, pre, cap), must hold the prefix and want's n bytes with
 * their zero, in the room exactly when they fit (pre + n + 1 <= cap), in memory of its own when
 * not, and not a byte past the room touched. Frees b. */
static void check_lent(struct pyx_buf *b, const char *area, size_t size, size_t pre, size_t cap,
		       const char *want, size_t n)
{
	size_t i;

	CHECK(!b->oom);
	if (b->oom) { /* nothing to read */
		pyx_buf_free(b);
		return;
	}
	CHECK(b->len == pre + n);
	CHECK(b->p[b->len] == 0);
	CHECK(!memcmp(b->p + pre, want, n));
	for (i = 0; i < pre; i++)
		CHECK(b->p[i] == 'p');
	CHECK((b->p == area) == (pre + n + 1 <= cap));
	for (i = cap; i < size; i++)
		CHECK((unsigned char)area[i] == PAD);
	pyx_buf_free(b);
}

/* v printed into a lent room of exactly cap bytes that holds pre bytes already: the text must be
 * the prefix and v as printf prints it, in the room when it fits (pre + digits + the zero), in a
 * buffer of its own when not; not a byte past the room is touched. */
static void u64_in_room(unsigned long long v, bool sign, size_t pre, size_t cap)
{
	char area[256 + GUARD], want[64];
	struct pyx_buf b;
	size_t n;

	b = lend_room(area, sizeof(area), pre, cap);
	if (sign)
		pyx_buf_i64(&b, (long long)v);
	else
		pyx_buf_u64(&b, v);
	n = (size_t)snprintf(want, sizeof(want), sign ? "%lld" : "%llu", v);
	check_lent(&b, area, sizeof(area), pre, cap, want, n);
}

static void u64_case(unsigned long long v)
{
	char want[32];
	size_t n = (size_t)snprintf(want, sizeof(want), "%llu", v), pre, cap;

	/* every room from one short to well past the fast path's need */
	for (pre = 0; pre < 3; pre++)
		for (cap = pre + n; cap <= pre + n + 40; cap++)
			u64_in_room(v, false, pre, cap);
	if (v <= INT64_MAX) {
		u64_in_room(v, true, 1, 1 + n + 1);
		u64_in_room(v, true, 1, 1 + n + 30);
		u64_in_room(-v, true, 1, 1 + n + 2);
		u64_in_room(-v, true, 1, 1 + n + 1);
		u64_in_room(-v, true, 1, 1 + n + 30);
	}
}

/* pyx_buf_key_i64_key_u64() (a syscall's ,"ret":N,"latency_ns":N, one room check) into a lent
 * room of cap bytes holding pre: the text printf makes, whole, in place exactly when it fits
 * with its zero, and nothing past the room touched (the keys are copied as 16-byte words). */
static void pair_in_room(long long v1, unsigned long long v2, size_t pre, size_t cap)
{
	static const char k1[16] = ",\"ret\":", k2[16] = ",\"latency_ns\":";
	char area[256 + GUARD], want[96];
	struct pyx_buf b;
	size_t n;

	b = lend_room(area, sizeof(area), pre, cap);
	pyx_buf_key_i64_key_u64(&b, k1, 7, v1, k2, 14, v2);
	n = (size_t)snprintf(want, sizeof(want), ",\"ret\":%lld,\"latency_ns\":%llu", v1, v2);
	check_lent(&b, area, sizeof(area), pre, cap, want, n);
}

static void pair_case(long long v1, unsigned long long v2)
{
	char want[96];
	size_t n = (size_t)snprintf(want, sizeof(want), ",\"ret\":%lld,\"latency_ns\":%llu", v1,
				    v2),
	       pre, cap;

	/* from one byte short of the text to past the fast path's need (75 bytes) */
	for (pre = 0; pre < 3; pre++)
		for (cap = pre + n; cap <= pre + 100 && cap <= 256; cap++)
			pair_in_room(v1, v2, pre, cap);
}

/* pyx_buf_u64 in a growing buffer against printf */
static void u64_grown(unsigned long long v)
{
	struct pyx_buf b = {};
	char want[32];

	snprintf(want, sizeof(want), "%llu", v);
	pyx_buf_u64(&b, v);
	CHECK(!b.oom && !strcmp(b.p, want));
	pyx_buf_free(&b);
}

/* pyx_stamp_put() at ts in a lent room of cap bytes holding pre bytes: the text its general path
 * writes (pyx_stamp_time() between the keys), whole, in place exactly when it fits, and nothing
 * past the room touched. */
static void stamp_in_room(const struct pyx_stamp *st, uint64_t ts, size_t pre, size_t cap)
{
	char area[512 + GUARD], when[64], want[512];
	struct pyx_buf b;
	size_t n;

	n = pyx_stamp_time(st, ts, when, sizeof(when));
	n = (size_t)snprintf(want, sizeof(want), ",\"time\":\"%.*s\",\"node\":%s", (int)n, when,
			     st->node);
	b = lend_room(area, sizeof(area), pre, cap);
	pyx_stamp_put(st, &b, ts);
	check_lent(&b, area, sizeof(area), pre, cap, want, n);
}

static void stamp_case(const struct pyx_stamp *st, uint64_t ts)
{
	char when[64];
	size_t n = strlen(st->node) + 20 + pyx_stamp_time(st, ts, when, sizeof(when)), cap;

	/* a stamp of this second and node kept, and one made anew (the first call) */
	for (cap = 1 + n - 1; cap <= 1 + n + 100; cap++)
		stamp_in_room(st, ts, 1, cap);
}

static void stamps(void)
{
	struct pyx_stamp st = { .real_offset = 1764547200000000000ll }; /* 2025-12-01 */
	static const char *const nodes[] = {
		"\"vm\"",
		"\"\"",
		"\"a-node-name-of-thirty-five-bytes-x\"",  /* 37 bytes with its quotes */
		"\"a-node-name-of-thirty-six-bytes-xyz\"", /* 38 */
		"\"ip-172-31-22-123.eu-west-1.compute.internal.example\"",
		/* a 64-byte host name (HOST_NAME_MAX), 66 with its quotes: kept */
		"\"h234567890123456789012345678901234567890123456789012345678901234\"",
		/* 69 with its quotes: the last kept length; 70: past it */
		"\"h234567890123456789012345678901234567890123456789012345678901234567\"",
		"\"h2345678901234567890123456789012345678901234567890123456789012345678\"",
	};
	uint64_t ts;
	unsigned int i, k;
	char when[64];

	/* the process's first stamp, at second -1: pyx_stamp_time's cache once took -1 for its
	 * empty state and gave an empty date (a replayed capture may start anywhere) */
	st.real_offset = -1000000000ll;
	CHECK(pyx_stamp_time(&st, 5, when, sizeof(when)) == 30);
	CHECK(!strcmp(when, "1969-12-31T23:59:59.000000005Z"));
	st.real_offset = 1764547200000000000ll;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(st.node, sizeof(st.node), "%s", nodes[i]);
		/* nanoseconds from 0 to 999,999,999 within one second, then the next seconds */
		for (ts = 0; ts < 3000000000ull; ts += 99999989)
			stamp_case(&st, ts);
		stamp_case(&st, 999999999);
		stamp_case(&st, 1000000000);
	}
	/* the node changed within one second (a replay puts the capture's): not the kept text */
	snprintf(st.node, sizeof(st.node), "\"vm\"");
	stamp_in_room(&st, 5, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"vn\"");
	stamp_in_room(&st, 6, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"vn2\"");
	stamp_in_room(&st, 7, 0, 200);
	/* and to a node that differs only in its fourth word (bytes 24-31), only past its first 32
	 * bytes, or that has its zero past them and the same first 32 (the kept node is compared
	 * 32 bytes first, the rest only for a node whose zero is not among them) */
	snprintf(st.node, sizeof(st.node), "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
	stamp_in_room(&st, 8, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"aaaaaaaaaaaaaaaaaaaaaaaaaXaaaaaaaaaa\"");
	stamp_in_room(&st, 9, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaXa\"");
	stamp_in_room(&st, 10, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
	stamp_in_room(&st, 11, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"x");
	stamp_in_room(&st, 12, 0, 200);
	snprintf(st.node, sizeof(st.node), "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
	stamp_in_room(&st, 13, 0, 200);
	/* before the epoch; the first stamp of a run at second -1 (1969-12-31T23:59:59), which
	 * pyx_stamp_time's cache once took for its empty state */
	st.real_offset = -5000000001ll;
	for (k = 0; k < 3; k++)
		stamp_case(&st, k * 1000000000ull);
	stamp_case(&st, 4000000000ull);
}

/* The JSON escape of s (no byte above 0x7f): \n, \t, \r, \" and \\, \u00XX for other C0 and DEL. */
static size_t json_want(const uint8_t *s, size_t n, char *out)
{
	size_t len = 0;

	out[len++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
			len += sprintf(out + len, "\\%c",
				       s[i] == '\n'   ? 'n'
				       : s[i] == '\t' ? 't'
						      : 'r');
		else if (s[i] == '"' || s[i] == '\\')
			len += sprintf(out + len, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] == 0x7f)
			len += sprintf(out + len, "\\u%04x", s[i]);
		else
			out[len++] = (char)s[i];
	}
	out[len++] = '"';
	out[len] = 0;
	return len;
}

/* pyx_json_bytes() of s in lent rooms from one byte to 20 past its text: the text whole, in
 * place exactly when it fits with its zero, nothing written past the room (json_c0_run()'s
 * 8-byte stores from a table of escapes). */
static void json_case(const uint8_t *s, size_t n)
{
	char area[512 + GUARD], want[512];
	size_t wlen = json_want(s, n, want), pre, cap;
	struct pyx_buf b;

	for (pre = 0; pre < 3; pre++)
		for (cap = pre + 1; cap <= pre + wlen + 21 && cap <= 512; cap++) {
			b = lend_room(area, sizeof(area), pre, cap);
			pyx_json_bytes(&b, s, n);
			check_lent(&b, area, sizeof(area), pre, cap, want, wlen);
		}
}

/* Bytes values' text: every C0 control alone and between others, and random runs of controls,
 * printable runs of every length around 8, quotes, backslashes and DEL. */
static void json_cases(void)
{
	static const uint8_t alphabet[] = { 0,   1,   9,   10,  13,   0x1f, 0x1b, 'a',
					    'Z', '0', ' ', '"', '\\', 0x7f, 0x0b, 0x7e };
	uint64_t x = 0x2545f4914f6cdd1dull;
	uint8_t s[48];
	unsigned int c, k, i;

	for (c = 0; c < 0x20; c++) {
		uint8_t one[3] = { 'a', (uint8_t)c, 'b' };

		json_case(one + 1, 1);
		json_case(one, 3);
	}
	for (k = 0; k < 20; k++) { /* printable runs of k between two controls */
		s[0] = 0;
		memset(s + 1, 'x', k);
		s[k + 1] = 1;
		json_case(s, k + 2);
	}
	for (i = 0; i < 3000; i++) {
		size_t n = i % 41;

		for (k = 0; k < n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* mostly controls and letters, as marshal data is */
			s[k] = x % 3 ? alphabet[x >> 8 & 7] : alphabet[x >> 8 & 15];
		}
		json_case(s, n);
	}
}

/* pyx_buf_write16() of n bytes after pre in lent rooms from one byte to 20 past the need: the
 * text whole, in place exactly when it fits with its zero, nothing written past the room (its
 * 16-byte copy only where 16 bytes and the zero fit). */
static void write16_cases(void)
{
	const char text[16] = "0123456789abcdef";
	char area[64 + GUARD];
	size_t n, pre, cap;
	struct pyx_buf b;

	for (n = 0; n <= 16; n++)
		for (pre = 0; pre < 3; pre++)
			for (cap = pre + 1; cap <= pre + n + 20; cap++) {
				b = lend_room(area, sizeof(area), pre, cap);
				pyx_buf_write16(&b, text, n);
				check_lent(&b, area, sizeof(area), pre, cap, text, n);
			}
}

int main(void)
{
	unsigned long long v, p10 = 1;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int i, k;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* every eight-digit group, by a plain division loop */
	for (i = 0; i < 100000000; i++) {
		uint64_t w = pyx_dec8(i), want = 0;
		unsigned int d = i;

		for (k = 0; k < 8; k++, d /= 10)
			want |= (uint64_t)(d % 10) << (8 * (7 - k));
		if (w != want) {
			CHECK(w == want);
			printf("  pyx_dec8(%u) = %016" PRIx64 "\n", i, w);
			break;
		}
	}
#endif
	/* each length's edges, each power of two's, the extremes */
	u64_case(0);
	for (k = 0; k < 20; k++) {
		u64_case(p10 - 1);
		u64_case(p10);
		u64_case(p10 + 1);
		if (k < 19)
			p10 *= 10;
	}
	u64_case(18446744073709551615ull);
	u64_case(18446744073709551614ull);
	u64_case(10000000000000000000ull);
	for (k = 0; k < 64; k++) {
		u64_case(1ull << k);
		u64_case((1ull << k) - 1);
	}
	/* time stamps in a row, and numbers whose digits above the last eight come again after
	 * another's (the kept upper digits) */
	for (v = 99999999999990ull; v < 100000000000010ull; v++)
		u64_case(v);
	for (i = 0; i < 50; i++) {
		u64_case(1234567800000000ull + i * 99999999ull);
		u64_case(100000000ull + i);
		u64_case(999999999999999ull - i);
	}
	/* and spread over every magnitude */
	for (i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = x >> (x % 64);
		u64_grown(v);
		if (i % 100 == 0)
			u64_case(v);
	}
	/* the result and latency pair: each sign and length's extremes */
	{
		static const long long r[] = { 0,          3,         -1,        -2,
					       99,         -99,       100,       12345678,
					       -123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
		static const unsigned long long l[] = {
			0, 9, 10, 9999, 10000, 123456789012345ull, 18446744073709551615ull
		};

		for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
			for (k = 0; k < sizeof(l) / sizeof(l[0]); k++)
				pair_case(r[i], l[k]);
	}
	stamps();
	json_cases();
	write16_cases();
	printf("fails=%d\n", fails);
	return fails != 0;
}
