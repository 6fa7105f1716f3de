// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

#include "buf.h"
#include "payload.h"

void pyx_buf_free(struct pyx_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static bool reserve(struct pyx_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void pyx_buf_write(struct pyx_buf *b, const void *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void pyx_buf_puts(struct pyx_buf *b, const char *s)
{
	pyx_buf_write(b, s, strlen(s));
}

void pyx_buf_putc(struct pyx_buf *b, char c)
{
	pyx_buf_write(b, &c, 1);
}

void pyx_buf_printf(struct pyx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, n))
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
		pyx_buf_printf(b, "\\u%04x", cp);
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

/* One JSON-escaped run of text. escaped: payload escapes (\\ and \udXXX) are interpreted. */
static void json_text(struct pyx_buf *b, const uint8_t *s, size_t n, bool escaped)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (escaped && s[i] == '\\') {
			i += payload_escape(b, s + i, n - i);
			continue;
		}
		k = pyx_utf8_seq(s + i, n - i, &cp);
		if (!k) {
			pyx_buf_printf(b, "\\udc%02x", s[i]);
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
