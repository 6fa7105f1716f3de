/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Oracles shared by the fuzz targets. A sanitizer catches memory and UB bugs; these catch the bugs
 * that corrupt output without crashing: a JSON line that a parser rejects, a raw control byte that
 * reaches the terminal of the root user reading the human format.
 *
 * The JSON checker is written from RFC 8259, independently of the writers it checks: a line is one
 * object, strings hold no raw control byte and only valid UTF-8 (no encoded surrogates), numbers
 * have the strict grammar (no NaN, no Infinity, no leading zeros), and the line ends in exactly one
 * newline. Escaped lone surrogates (\udcXX) are accepted: JSON allows them and Python's json.loads
 * returns them as lone surrogates, which is how bytes that are not UTF-8 are carried.
 */
#ifndef PYX_FUZZ_COMMON_H
#define PYX_FUZZ_COMMON_H

/* fopencookie needs _GNU_SOURCE: robust.mk defines it for every target. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

/* Everything the writer under test writes, captured through a FILE made with fopencookie. */
struct capture {
	char *p;
	size_t len, cap;
};

static struct capture cap_out;

static inline ssize_t cap_write(void *cookie, const char *buf, size_t n)
{
	struct capture *c = cookie;

	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;

		while (cap < c->len + n)
			cap *= 2;
		c->p = realloc(c->p, cap);
		if (!c->p)
			abort();
		c->cap = cap;
	}
	memcpy(c->p + c->len, buf, n);
	c->len += n;
	return n;
}

static inline FILE *capture_open(void)
{
	static FILE *f;
	cookie_io_functions_t io = { .write = cap_write };

	if (!f) {
		f = fopencookie(&cap_out, "w", io);
		if (!f)
			abort();
		setvbuf(f, NULL, _IONBF, 0);
	}
	cap_out.len = 0;
	return f;
}

static inline void oracle_fail(const char *what, const char *line, size_t n)
{
	fprintf(stderr, "ORACLE: %s\nline (%zu bytes): ", what, n);
	fwrite(line, 1, n, stderr);
	fprintf(stderr, "\n");
	abort();
}

/*
 * UTF-8 sequence length at s (strict: no overlong, no surrogate, <= U+10FFFF), 0 if invalid.
 * libunistring's decoder: a library's, not the monitor's pyx_utf8_seq that the writers use, so
 * that the oracle stays independent of what it checks.
 */
static size_t ck_utf8(const uint8_t *s, size_t n, uint32_t *cpo)
{
	ucs4_t uc;
	int k = u8_mbtoucr(&uc, s, n);

	if (k <= 0)
		return 0;
	*cpo = uc;
	return (size_t)k;
}

struct jp {
	const uint8_t *p, *end;
	int depth;
};

static inline bool jp_value(struct jp *j);

static inline void jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static inline bool jp_lit(struct jp *j, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n))
		return false;
	j->p += n;
	return true;
}

static inline bool jp_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool jp_string(struct jp *j)
{
	uint32_t cp;
	size_t k;
	int i;

	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		if (*j->p == '"') {
			j->p++;
			return true;
		}
		if (*j->p == '\\') {
			if (j->end - j->p < 2)
				return false;
			switch (j->p[1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				j->p += 2;
				continue;
			case 'u':
				if (j->end - j->p < 6)
					return false;
				for (i = 2; i < 6; i++)
					if (!jp_hex(j->p[i]))
						return false;
				j->p += 6;
				continue;
			default:
				return false;
			}
		}
		if (*j->p < 0x20)
			return false;
		k = ck_utf8(j->p, j->end - j->p, &cp);
		if (!k)
			return false;
		j->p += k;
	}
	return false;
}

static inline bool jp_digits(struct jp *j)
{
	const uint8_t *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static inline bool jp_number(struct jp *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!jp_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!jp_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!jp_digits(j))
			return false;
	}
	return true;
}

static inline bool jp_container(struct jp *j, bool object)
{
	char close = object ? '}' : ']';

	if (++j->depth > 64)
		return false;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jp_ws(j);
		if (object) {
			if (!jp_string(j))
				return false;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return false;
			j->p++;
			jp_ws(j);
		}
		if (!jp_value(j))
			return false;
		jp_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close)
			return false;
		j->p++;
		j->depth--;
		return true;
	}
}

static inline bool jp_value(struct jp *j)
{
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return jp_container(j, true);
	case '[':
		return jp_container(j, false);
	case '"':
		return jp_string(j);
	case 't':
		return jp_lit(j, "true");
	case 'f':
		return jp_lit(j, "false");
	case 'n':
		return jp_lit(j, "null");
	default:
		return jp_number(j);
	}
}

/* Every line of s[0..n) is one JSON object; the text ends in a newline; no empty line. */
static inline void check_json_lines(const char *s, size_t n)
{
	const char *line = s, *nl;

	if (n && s[n - 1] != '\n')
		oracle_fail("JSON output does not end in a newline", s, n);
	while (line < s + n) {
		struct jp j;

		nl = memchr(line, '\n', s + n - line);
		j = (struct jp){ .p = (const uint8_t *)line, .end = (const uint8_t *)nl };
		if (j.p == j.end || *j.p != '{' || !jp_value(&j) || (jp_ws(&j), j.p != j.end))
			oracle_fail("JSON line does not parse", line, nl - line);
		line = nl + 1;
	}
}

/*
 * The human format: valid UTF-8, no C0 control (but the line feeds ending lines), no DEL, no C1,
 * no line or paragraph separator, no bidi or invisible formatting character (Trojan Source).
 */
static inline void check_plain_lines(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n;
	uint32_t cp;
	size_t k;

	if (n && s[n - 1] != '\n')
		oracle_fail("plain output does not end in a newline", s, n);
	while (p < end) {
		k = ck_utf8(p, end - p, &cp);
		if (!k)
			oracle_fail("plain output is not valid UTF-8", s, n);
		if ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
		    cp == 0x2029)
			oracle_fail("raw control character in plain output", s, n);
		/* the classes out_buf.c escapes: Unicode's, from libunistring */
		if (uc_is_property_default_ignorable_code_point(cp) ||
		    uc_is_property_bidi_control(cp))
			oracle_fail("raw bidi or invisible formatting character in plain output", s,
				    n);
		if (cp == '\n' && p + 1 < end && p[1] == '\n')
			oracle_fail("empty line in plain output", s, n);
		p += k;
	}
}

#endif /* PYX_FUZZ_COMMON_H */
