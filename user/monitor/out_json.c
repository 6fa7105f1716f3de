// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* JSON Lines writer. The schema is docs/json-schema.md (version 2): change both together, and keep
 * one JSON type per field path (tests/test_json_schema.py). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "correlate.h"
#include "decode_catalog.h"
#include "decode_context.h"
#include "out_counts.h"
#include "out_writer.h"

bool pyx_json_with_raw;

void pyx_json_raw(struct pyx_buf *b, const void *rec, size_t size)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = rec;
	char q[4];
	size_t i;

	if (!pyx_json_with_raw)
		return;
	pyx_buf_puts(b, ",\"raw\":\"");
	for (i = 0; i + 2 < size; i += 3) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		q[2] = tab[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		q[3] = tab[p[i + 2] & 63];
		pyx_buf_write(b, q, 4);
	}
	if (i < size) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4 | (i + 1 < size ? p[i + 1] >> 4 : 0)];
		q[2] = i + 1 < size ? tab[(p[i + 1] & 15) << 2] : '=';
		q[3] = '=';
		pyx_buf_write(b, q, 4);
	}
	pyx_buf_putc(b, '"');
}

/*
 * ,"pid":..,"tid":..,"uid":..,"comm":".." of the last record, kept with what it was made from:
 * a thread's records come in runs, and the three numbers and the escaped comm were a tenth of the
 * record path. Per thread, as args_cache below.
 */
static __thread struct {
	uint32_t pid, tid, uid;
	char comm[PYX_COMM_LEN];
	uint16_t len;   /* 0: nothing kept */
	char text[192]; /* the longest: three 10-digit numbers, 16 bytes escaped as \udcXX */
} ids_cache;

static void json_ids(struct pyx_buf *b, const struct pyx_rec_hdr *h)
{
	size_t start = b->len;

	if (ids_cache.len && ids_cache.pid == h->pid && ids_cache.tid == h->tid &&
	    ids_cache.uid == h->uid && !memcmp(ids_cache.comm, h->comm, PYX_COMM_LEN)) {
		pyx_buf_write(b, ids_cache.text, ids_cache.len);
		return;
	}
	pyx_buf_puts(b, ",\"pid\":");
	pyx_buf_u64(b, h->pid);
	pyx_buf_puts(b, ",\"tid\":");
	pyx_buf_u64(b, h->tid);
	pyx_buf_puts(b, ",\"uid\":");
	pyx_buf_u64(b, h->uid);
	pyx_buf_puts(b, ",\"comm\":");
	pyx_json_bytes(b, h->comm, pyx_comm_len(h->comm));
	ids_cache.len = (uint16_t)pyx_buf_keep(b, start, ids_cache.text, sizeof(ids_cache.text));
	memcpy(ids_cache.comm, h->comm, PYX_COMM_LEN);
	ids_cache.pid = h->pid;
	ids_cache.tid = h->tid;
	ids_cache.uid = h->uid;
}

static inline __attribute__((always_inline)) void json_head(struct pyx_writer *w, const char *head,
							    const struct pyx_rec_hdr *h)
{
	struct pyx_buf *b = &w->buf;

	/* built in place in the output queue's chunk: no copy of the finished line */
	pyx_writer_line_start(w);
	/* the head of every record, one literal: no format string to parse per record */
	pyx_buf_puts(b, head);
	pyx_buf_u64(b, h->ts_ns);
	if (w->stamp)
		w->stamp(w, h->ts_ns);
	json_ids(b, h);
	pyx_pctx_json(w->pctx, b, h->pid, h->tid, h->ts_ns);
}

/* {"type":"TYPE","ts": as one literal (type is always a literal) */
#define json_common(w, type, h) json_head(w, "{\"type\":\"" type "\",\"ts\":", h)

/*
 * A Python value as a typed object (schema 2), as Tetragon types its arguments: one key names the
 * type, so that every field path holds one JSON type in every record (a SIEM's index rejects a
 * field whose type changes: `args.mode` is a str for open and an int for os.chmod).
 */
static void json_value(struct pyx_buf *b, const struct pyx_value *v)
{
	char dec[PYX_BIGINT_MAX * 3 + 8];
	uint32_t i;

	switch (v->type) {
	case PYX_TAG_NONE:
		pyx_buf_puts(b, "null");
		break;
	case PYX_TAG_FALSE:
	case PYX_TAG_TRUE:
		pyx_buf_puts(b, v->type == PYX_TAG_TRUE ? "{\"bool\":true}" : "{\"bool\":false}");
		break;
	case PYX_TAG_INT:
		pyx_buf_puts(b, "{\"int\":");
		pyx_buf_i64(b, v->i);
		pyx_buf_putc(b, '}');
		break;
	case PYX_TAG_BIGINT:
		/* past 64 bits: text, which no store rounds or refuses */
		if (!v->len || pyx_bigint_to_dec(v, dec, sizeof(dec)) < 0)
			pyx_buf_puts(b, "{\"truncated\":\"int\"}");
		else
			pyx_buf_printf(b, "{\"bigint\":\"%s\"}", dec);
		break;
	case PYX_TAG_FLOAT:
		if (isfinite(v->f)) {
			pyx_buf_puts(b, "{\"float\":");
			pyx_buf_double(b, v->f);
			pyx_buf_putc(b, '}');
		} else {
			pyx_buf_printf(b, "{\"float_str\":\"%s\"}",
				       isnan(v->f) ? "nan"
				       : v->f > 0  ? "inf"
						   : "-inf");
		}
		break;
	case PYX_TAG_STR:
		pyx_buf_puts(b, "{\"str\":");
		pyx_json_pystr(b, v->s.data, v->len, v->flags & PYX_TAG_ESCAPED);
		pyx_buf_putc(b, '}');
		break;
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		pyx_buf_puts(b, v->type == PYX_TAG_BYTES ? "{\"bytes\":" : "{\"bytearray\":");
		pyx_json_bytes(b, v->s.data, v->len);
		pyx_buf_putc(b, '}');
		break;
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
		pyx_buf_puts(b, v->type == PYX_TAG_TUPLE ? "{\"tuple\":[" : "{\"list\":[");
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			json_value(b, &v->items[i]);
		}
		pyx_buf_puts(b, "]}");
		break;
	case PYX_TAG_DICT:
		/* keys may be any value: a list of pairs, never an object keyed by arbitrary text */
		pyx_buf_puts(b, "{\"dict\":[");
		for (i = 0; i < v->len; i++) {
			pyx_buf_puts(b, i ? ",{\"key\":" : "{\"key\":");
			json_value(b, &v->items[2 * i]);
			pyx_buf_puts(b, ",\"value\":");
			json_value(b, &v->items[2 * i + 1]);
			pyx_buf_putc(b, '}');
		}
		pyx_buf_puts(b, "]}");
		break;
	case PYX_TAG_OBJECT:
		pyx_buf_puts(b, "{\"object\":{\"type\":");
		pyx_json_bytes(b, v->obj.type_name, v->obj.type_len);
		pyx_buf_puts(b, ",\"attrs\":{");
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_bytes(b, v->obj.attrs[i].name, v->obj.attrs[i].name_len);
			pyx_buf_putc(b, ':');
			json_value(b, v->obj.attrs[i].value);
		}
		pyx_buf_puts(b, "}}}");
		break;
	case PYX_TAG_DEPTH:
		pyx_buf_puts(b, "{\"truncated\":\"depth\"}");
		break;
	default: /* PYX_TAG_ELIDED; the decoder lets no other tag through */
		pyx_buf_puts(b, "{\"truncated\":\"elided\"}");
		break;
	}
}

/* Text that may be missing: a string, or null. */
static void json_bytes_or_null(struct pyx_buf *b, const void *s, size_t n)
{
	if (s)
		pyx_json_bytes(b, s, n);
	else
		pyx_buf_puts(b, "null");
}

/* A frame's file or function: plain text (a STR value; anything else would be a decoder bug). */
static void json_frame_str(struct pyx_buf *b, const struct pyx_value *v)
{
	if (v && v->type == PYX_TAG_STR)
		pyx_json_pystr(b, v->s.data, v->len, v->flags & PYX_TAG_ESCAPED);
	else
		pyx_buf_puts(b, "null");
}

/* A Python frame, {"file","line","function"}: an audit event's and a finding's context's. */
static void json_frame_text(struct pyx_buf *b, const struct pyx_value *file, uint32_t line,
			    const struct pyx_value *function)
{
	pyx_buf_puts(b, "{\"file\":");
	json_frame_str(b, file);
	pyx_buf_puts(b, ",\"line\":");
	pyx_buf_u64(b, line);
	pyx_buf_puts(b, ",\"function\":");
	json_frame_str(b, function);
	pyx_buf_putc(b, '}');
}

/*
 * The last frame's text, kept with the file and function it was made from (their bytes, in key):
 * a loop's events come from one line, and escaping its file name and function on every record
 * was a twentieth of the record path. Per thread; dropped when it cannot grow.
 */
static __thread struct {
	struct pyx_buf key, text;
	uint32_t line, file_len, function_len;
	uint8_t file_tag, function_tag; /* 0: not a str (null), else 1 | 2 when escaped */
	bool valid;
	/* the payload body (pyx_event.body_gen) of an event whose file and function these are,
	 * 0: none: an event of that body has the same, found without comparing their bytes */
	uint64_t body_gen;
} frame_cache;

static uint8_t frame_tag(const struct pyx_value *v)
{
	if (!v || v->type != PYX_TAG_STR)
		return 0;
	return v->flags & PYX_TAG_ESCAPED ? 3 : 1;
}

/* body_gen: the event's pyx_event.body_gen (file and function are its values), 0: none */
static void json_frame(struct pyx_buf *b, const struct pyx_value *file, uint32_t line,
		       const struct pyx_value *function, uint64_t body_gen)
{
	uint8_t ft, gt;
	uint32_t fl, gl;
	size_t start = b->len;

	if (body_gen && frame_cache.valid && frame_cache.body_gen == body_gen &&
	    frame_cache.line == line) {
		pyx_buf_write(b, frame_cache.text.p, frame_cache.text.len);
		return;
	}
	ft = frame_tag(file);
	gt = frame_tag(function);
	fl = ft ? file->len : 0;
	gl = gt ? function->len : 0;
	if (frame_cache.valid && frame_cache.line == line && frame_cache.file_tag == ft &&
	    frame_cache.function_tag == gt && frame_cache.file_len == fl &&
	    frame_cache.function_len == gl &&
	    (!fl || !memcmp(frame_cache.key.p, file->s.data, fl)) &&
	    (!gl || !memcmp(frame_cache.key.p + fl, function->s.data, gl))) {
		pyx_buf_write(b, frame_cache.text.p, frame_cache.text.len);
		frame_cache.body_gen = body_gen; /* the same bytes */
		return;
	}
	json_frame_text(b, file, line, function);
	frame_cache.valid = false;
	if (b->oom)
		return;
	frame_cache.key.len = 0;
	frame_cache.text.len = 0;
	if (fl)
		pyx_buf_write(&frame_cache.key, file->s.data, fl);
	if (gl)
		pyx_buf_write(&frame_cache.key, function->s.data, gl);
	pyx_buf_write(&frame_cache.text, b->p + start, b->len - start);
	if (frame_cache.key.oom || frame_cache.text.oom) {
		pyx_buf_free(&frame_cache.key);
		pyx_buf_free(&frame_cache.text);
		return;
	}
	frame_cache.line = line;
	frame_cache.file_tag = ft;
	frame_cache.function_tag = gt;
	frame_cache.file_len = fl;
	frame_cache.function_len = gl;
	frame_cache.body_gen = body_gen;
	frame_cache.valid = true;
}

/*
 * The keys of an audit record's "args" object (the catalogue's argument names), each escaped once
 * with its colon and kept: escaping them again on every record was 3% of the record path. Per
 * thread, as args_cache below; a key that cannot be kept (no memory) is escaped in place.
 */
static __thread struct {
	struct pyx_buf text;
	uint32_t off[PYX_EV__COUNT][PYX_CAT_ARGS_MAX]; /* 1 + the key's offset in text; 0: none */
	uint16_t len[PYX_EV__COUNT][PYX_CAT_ARGS_MAX];
} arg_keys;

static void json_arg_key(struct pyx_buf *b, unsigned int ev, unsigned int i, const char *name)
{
	struct pyx_buf *t = &arg_keys.text;
	size_t start = t->len;

	if (!arg_keys.off[ev][i]) {
		pyx_json_cstr(t, name);
		pyx_buf_putc(t, ':');
		if (t->oom || t->len - start > UINT16_MAX || start >= UINT32_MAX) {
			t->len = start;
			t->oom = false;
			pyx_json_cstr(b, name);
			pyx_buf_putc(b, ':');
			return;
		}
		arg_keys.off[ev][i] = (uint32_t)start + 1;
		arg_keys.len[ev][i] = (uint16_t)(t->len - start);
	}
	pyx_buf_write(b, t->p + arg_keys.off[ev][i] - 1, arg_keys.len[ev][i]);
}

/*
 * The "args" of the last audit event written, kept by the event and its argument values: a loop's
 * events repeat their arguments, and formatting them again was a twentieth of the record path.
 * Only flat values (None, bools, ints, str, bytes) are compared; an event with any other value
 * is not kept. Per thread; dropped when it cannot grow.
 */
#define AUDIT_SEEN_ARGS 8

static __thread struct {
	bool valid;
	uint16_t event_id, nargs;
	uint8_t no_args;
	/* as frame_cache's: an event of this body (and event_id, no_args) has these values */
	uint64_t body_gen;
	struct {
		uint8_t type, flags; /* flags: PYX_TAG_ESCAPED of a str */
		int64_t i;
		size_t off, len; /* STR, BYTES, BYTEARRAY: the bytes, in data */
	} a[AUDIT_SEEN_ARGS];
	struct pyx_buf data, text;
} audit_seen;

static bool value_keyable(const struct pyx_value *v)
{
	switch (v->type) {
	case PYX_TAG_NONE:
	case PYX_TAG_FALSE:
	case PYX_TAG_TRUE:
	case PYX_TAG_INT:
	case PYX_TAG_STR:
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		return true;
	default:
		return false;
	}
}

static bool value_has_bytes(const struct pyx_value *v)
{
	return v->type == PYX_TAG_STR || v->type == PYX_TAG_BYTES || v->type == PYX_TAG_BYTEARRAY;
}

static bool audit_seen_same(const struct pyx_event *ev)
{
	uint8_t no_args = ev->flags & PYX_PF_NO_ARGS ? 1 : 0;
	unsigned int i;

	if (!audit_seen.valid || audit_seen.event_id != ev->event_id ||
	    audit_seen.no_args != no_args || audit_seen.nargs != ev->nargs)
		return false;
	if (no_args || (ev->body_gen && audit_seen.body_gen == ev->body_gen))
		return true;
	for (i = 0; i < ev->nargs; i++) {
		const struct pyx_value *v = &ev->args[i];
		uint8_t esc = v->type == PYX_TAG_STR ? v->flags & PYX_TAG_ESCAPED : 0;

		if (!value_keyable(v) || audit_seen.a[i].type != v->type ||
		    audit_seen.a[i].flags != esc)
			return false;
		if (v->type == PYX_TAG_INT && audit_seen.a[i].i != v->i)
			return false;
		if (value_has_bytes(v) &&
		    (audit_seen.a[i].len != v->len ||
		     (v->len &&
		      memcmp(audit_seen.data.p + audit_seen.a[i].off, v->s.data, v->len))))
			return false;
	}
	audit_seen.body_gen = ev->body_gen; /* the same values */
	return true;
}

static void audit_seen_put(const struct pyx_event *ev, const char *text, size_t len)
{
	unsigned int i;

	audit_seen.valid = false;
	audit_seen.data.len = 0;
	audit_seen.text.len = 0;
	if (!(ev->flags & PYX_PF_NO_ARGS)) {
		if (ev->nargs > AUDIT_SEEN_ARGS)
			return;
		for (i = 0; i < ev->nargs; i++) {
			const struct pyx_value *v = &ev->args[i];

			if (!value_keyable(v))
				return;
			audit_seen.a[i].type = v->type;
			audit_seen.a[i].flags = v->type == PYX_TAG_STR ? v->flags & PYX_TAG_ESCAPED
								       : 0;
			audit_seen.a[i].i = v->type == PYX_TAG_INT ? v->i : 0;
			audit_seen.a[i].off = audit_seen.data.len;
			audit_seen.a[i].len = 0;
			if (value_has_bytes(v) && v->len) {
				audit_seen.a[i].len = v->len;
				pyx_buf_write(&audit_seen.data, v->s.data, v->len);
			}
		}
	}
	pyx_buf_write(&audit_seen.text, text, len);
	if (audit_seen.data.oom || audit_seen.text.oom) {
		pyx_buf_free(&audit_seen.data);
		pyx_buf_free(&audit_seen.text);
		return;
	}
	audit_seen.event_id = ev->event_id;
	audit_seen.no_args = ev->flags & PYX_PF_NO_ARGS ? 1 : 0;
	audit_seen.nargs = ev->nargs;
	audit_seen.body_gen = ev->body_gen;
	audit_seen.valid = true;
}

/* An audit record's "args": null, an object keyed by the catalogue's names, or a list. */
static void json_audit_args(struct pyx_buf *b, const struct pyx_event *ev)
{
	const struct pyx_cat_event *ce;
	size_t start = b->len;
	unsigned int i;

	if (audit_seen_same(ev)) {
		pyx_buf_write(b, audit_seen.text.p, audit_seen.text.len);
		return;
	}
	ce = pyx_cat_event(ev->event_id);
	if (ev->flags & PYX_PF_NO_ARGS) {
		pyx_buf_puts(b, "null");
	} else if (ce && ce->nargs == ev->nargs) {
		pyx_buf_putc(b, '{');
		for (i = 0; i < ev->nargs; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			json_arg_key(b, ev->event_id, i, ce->args[i]);
			json_value(b, &ev->args[i]);
		}
		pyx_buf_putc(b, '}');
	} else {
		pyx_buf_putc(b, '[');
		for (i = 0; i < ev->nargs; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			json_value(b, &ev->args[i]);
		}
		pyx_buf_putc(b, ']');
	}
	if (!b->oom)
		audit_seen_put(ev, b->p + start, b->len - start);
}

/*
 * The event's name. For an id in the catalogue, pyx_audit_decode() checked that the payload's
 * name is the catalogue's bytes, and those (printable ASCII, no quote or backslash) are written
 * as they are: escaping the same few bytes was 1.5% of the record path. Per thread, the last
 * id's answer.
 */
static void json_event_name(struct pyx_buf *b, const struct pyx_event *ev)
{
	static __thread struct {
		bool valid;
		unsigned int id;
		const char *name; /* NULL: escape the payload's */
		size_t len;
	} en;

	if (!en.valid || en.id != ev->event_id) {
		const struct pyx_cat_event *ce = pyx_cat_event(ev->event_id);
		const char *c;

		en.name = ce ? ce->name : NULL;
		for (c = en.name; c && *c; c++)
			if (*c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\')
				en.name = NULL;
		en.len = en.name ? strlen(en.name) : 0;
		en.id = ev->event_id;
		en.valid = true;
	}
	/* pyx_audit_decode() checked that the payload's name is the catalogue's; checked again
	 * here (a few bytes) so that no other way to an event prints a forged name as the real */
	if (en.name && ev->name->len == en.len && !memcmp(ev->name->s.data, en.name, en.len)) {
		pyx_buf_putc(b, '"');
		pyx_buf_write(b, en.name, en.len);
		pyx_buf_putc(b, '"');
		return;
	}
	pyx_json_pystr(b, ev->name->s.data, ev->name->len, ev->name->flags & PYX_TAG_ESCAPED);
}

/*
 * ,"category":"NAME","seq": of each category (the catalogue's names), made once: a strlen and
 * three writes per audit line before. Index PYX_CAT__COUNT: a category out of the catalogue
 * ("other"). Per thread, as the caches above.
 */
static __thread struct {
	uint8_t len; /* 0: not made yet, or too long to keep */
	char text[64];
} cat_text[PYX_CAT__COUNT + 1];

static void json_category(struct pyx_buf *b, unsigned int id, const char *cat)
{
	unsigned int i = cat ? id : PYX_CAT__COUNT;
	size_t start = b->len;

	if (cat_text[i].len) {
		pyx_buf_write(b, cat_text[i].text, cat_text[i].len);
		return;
	}
	pyx_buf_puts(b, ",\"category\":\"");
	pyx_buf_puts(b, cat ? cat : "other");
	pyx_buf_puts(b, "\",\"seq\":");
	cat_text[i].len = (uint8_t)pyx_buf_keep(b, start, cat_text[i].text,
						sizeof(cat_text[i].text));
}

static void json_audit(struct pyx_writer *w, const struct pyx_rec_audit *rec,
		       const struct pyx_event *ev)
{
	const char *cat = pyx_cat_category_name(rec->category);
	struct pyx_buf *b = &w->buf;

	json_common(w, "audit", &rec->hdr);
	pyx_buf_puts(b, ",\"event\":");
	json_event_name(b, ev);
	json_category(b, rec->category, cat);
	pyx_buf_u64(b, ev->seq);
	pyx_buf_puts(b, ",\"args\":");
	json_audit_args(b, ev);
	pyx_buf_puts(b, ",\"frame\":");
	if (ev->flags & PYX_PF_NO_FRAME)
		pyx_buf_puts(b, "null");
	else
		json_frame(b, ev->file, ev->line, ev->function, ev->body_gen);
	if (ev->truncated)
		pyx_buf_puts(b, ",\"truncated\":true");
	pyx_json_raw(b, rec, rec->hdr.size);
	if (w->corr)
		w->annot->json_fields(b, w->corr);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_malformed(struct pyx_writer *w, const struct pyx_rec_hdr *hdr, const char *source,
			   const char *why, const void *raw, size_t raw_len)
{
	struct pyx_buf *b = &w->buf;
	const uint8_t *p = raw;
	size_t i;

	json_common(w, "malformed", hdr);
	pyx_buf_printf(b, ",\"source\":\"%s\",\"reason\":", source);
	pyx_json_cstr(b, why);
	if (hdr->type == PYX_REC_AUDIT && hdr->size >= sizeof(struct pyx_rec_audit)) {
		const struct pyx_rec_audit *a = (const void *)hdr;

		pyx_buf_printf(
			b,
			",\"event_id\":%u,\"category_id\":%u,\"claimed_len\":%u,\"payload_len\":%u",
			a->event_id, a->category, a->claimed_len, a->payload_len);
	}
	/* the first bytes, to tell a broken hook from a hostile process */
	pyx_buf_printf(b, ",\"len\":%zu,\"head\":\"", raw_len);
	for (i = 0; i < raw_len && i < 64; i++)
		pyx_buf_printf(b, "%02x", p[i]);
	pyx_buf_puts(b, "\"}");
	pyx_writer_flush_line(w);
}

static void json_sockaddr(struct pyx_buf *b, const struct pyx_sockaddr_view *sa)
{
	const char *af = pyx_af_name(sa->family);
	size_t i;

	/* the family is always text, "AF_<n>" when unnamed: one type per field */
	if (af)
		pyx_buf_printf(b, "{\"family\":\"%s\"", af);
	else
		pyx_buf_printf(b, "{\"family\":\"AF_%d\"", sa->family);
	if (!sa->decoded) {
		pyx_buf_puts(b, ",\"raw\":\"");
		for (i = 0; i < sa->raw_len; i++)
			pyx_buf_printf(b, "%02x", sa->raw[i]);
		pyx_buf_puts(b, "\"}");
		return;
	}
	if (sa->unix_path || sa->unnamed || sa->abstract) {
		if (sa->unnamed) {
			pyx_buf_puts(b, ",\"unnamed\":true");
		} else {
			pyx_buf_puts(b, sa->abstract ? ",\"abstract\":" : ",\"path\":");
			pyx_json_bytes(b, sa->unix_path, sa->unix_len);
		}
	} else {
		pyx_buf_puts(b, ",\"addr\":");
		pyx_json_cstr(b, sa->addr);
		pyx_buf_printf(b, ",\"port\":%u", sa->port);
		if (sa->scope_id)
			pyx_buf_printf(b, ",\"scope_id\":%u", sa->scope_id);
	}
	pyx_buf_putc(b, '}');
}

/* An unsigned 64-bit kernel value: a number while a signed 64-bit store (Elasticsearch's long)
 * holds it, else its decimal text under another key, so no field changes type. */
static void json_u64(struct pyx_buf *b, uint64_t v)
{
	if (v <= INT64_MAX) {
		pyx_buf_puts(b, "{\"int\":");
		pyx_buf_u64(b, v);
		pyx_buf_putc(b, '}');
	} else {
		pyx_buf_puts(b, "{\"uint\":\"");
		pyx_buf_u64(b, v);
		pyx_buf_puts(b, "\"}");
	}
}

/* A symbolic value (flags, mode, signal, ...): strace's text and the raw number beside it. */
/*
 * The pair's text by (keys, kind, raw), kept: a record's flags and modes repeat, and escaping the
 * symbolic text again (after pyx_fmt_arg's own cache) was 2% of the record path. The text is a
 * function of these four alone. Per thread, as args_cache below.
 */
#define SYM_CACHE 64

struct sym_slot {
	const char *key, *raw_key; /* NULL: empty */
	uint64_t raw;
	enum pyx_argk kind;
	unsigned int len;
	char text[112];
};

static __thread struct sym_slot sym_cache[SYM_CACHE];

static void json_sym_fields(struct pyx_buf *b, const char *key, const char *raw_key,
			    enum pyx_argk kind, uint64_t raw)
{
	struct sym_slot *c = &sym_cache[((raw * 0x9e3779b97f4a7c15ull) >> 58 ^ kind) % SYM_CACHE];
	size_t start = b->len;
	char tmp[256];

	if (c->key == key && c->raw_key == raw_key && c->kind == kind && c->raw == raw) {
		pyx_buf_write(b, c->text, c->len);
		return;
	}
	if (pyx_fmt_arg(kind, raw, tmp, sizeof(tmp)) < 0)
		snprintf(tmp, sizeof(tmp), "%#llx", (unsigned long long)raw);
	pyx_buf_putc(b, '"');
	pyx_buf_puts(b, key);
	pyx_buf_puts(b, "\":");
	pyx_json_cstr(b, tmp);
	pyx_buf_puts(b, ",\"");
	pyx_buf_puts(b, raw_key);
	pyx_buf_puts(b, "\":");
	pyx_buf_i64(b, (long long)raw);
	if (!b->oom && b->len - start <= sizeof(c->text)) {
		memcpy(c->text, b->p + start, b->len - start);
		c->len = (unsigned int)(b->len - start);
		c->key = key;
		c->raw_key = raw_key;
		c->kind = kind;
		c->raw = raw;
	}
}

/*
 * A syscall argument as a typed object (schema 2): the key names the kind (`int`, `uint`, `ptr`,
 * `hex`, `path`, `str`, `bytes`, `sockaddr`, `argv`, `sym`, `open_how`, `clone_args`, `rlimit`,
 * `fault`), so that `args.addr` is one type whether it is mmap's address or sendto's sockaddr.
 */
static void json_sysarg(struct pyx_buf *b, const struct pyx_sysarg *a)
{
	uint32_t i;

	if (pyx_argk_has_data(a->kind)) {
		if (a->null) {
			pyx_buf_puts(b, "null");
			return;
		}
		if (a->fault || !a->present) {
			pyx_buf_puts(b, "{\"fault\":\"0x");
			pyx_buf_x64(b, a->raw);
			pyx_buf_puts(b, "\"}");
			return;
		}
	}
	/* the common kinds piece by piece: no format string to parse per argument */
	switch (a->kind) {
	case PYX_AK_INT:
		pyx_buf_puts(b, "{\"int\":");
		pyx_buf_i64(b, (long long)a->raw);
		pyx_buf_putc(b, '}');
		break;
	case PYX_AK_FD:
	case PYX_AK_DIRFD:
	case PYX_AK_PID:
	case PYX_AK_UID:
	case PYX_AK_GID:
		pyx_buf_puts(b, "{\"int\":");
		pyx_buf_i64(b, (int)a->raw);
		pyx_buf_putc(b, '}');
		break;
	case PYX_AK_UINT:
	case PYX_AK_SIZE:
	case PYX_AK_SOCKLEN:
		json_u64(b, a->raw);
		break;
	case PYX_AK_HEX:
	case PYX_AK_PTR:
		if (a->kind == PYX_AK_PTR && !a->raw)
			pyx_buf_puts(b, "null");
		else {
			pyx_buf_puts(b, a->kind == PYX_AK_PTR ? "{\"ptr\":\"0x" : "{\"hex\":\"0x");
			pyx_buf_x64(b, a->raw);
			pyx_buf_puts(b, "\"}");
		}
		break;
	case PYX_AK_PATH:
	case PYX_AK_STR:
		pyx_buf_puts(b, a->kind == PYX_AK_PATH ? "{\"path\":" : "{\"str\":");
		pyx_json_bytes(b, a->u.path.str, a->u.path.len);
		pyx_buf_putc(b, '}');
		break;
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
		pyx_buf_puts(b, "{\"sockaddr\":");
		json_sockaddr(b, &a->u.sa);
		pyx_buf_putc(b, '}');
		break;
	case PYX_AK_SOCKLEN_PTR:
		pyx_buf_printf(b, "{\"int\":%u}", a->u.socklen);
		break;
	case PYX_AK_ARGV:
		pyx_buf_puts(b, "{\"argv\":[");
		for (i = 0; i < a->u.argv.count; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_cstr(b, a->u.argv.items[i]);
		}
		pyx_buf_puts(b, "]}");
		break;
	case PYX_AK_BUF:
		pyx_buf_puts(b, "{\"bytes\":");
		pyx_json_bytes(b, a->u.buf.bytes, a->u.buf.len);
		pyx_buf_putc(b, '}');
		break;
	case PYX_AK_OPEN_HOW:
		pyx_buf_puts(b, "{\"open_how\":{");
		json_sym_fields(b, "flags", "flags_raw", PYX_AK_OPEN_FLAGS, a->u.how.flags);
		pyx_buf_putc(b, ',');
		json_sym_fields(b, "mode", "mode_raw", PYX_AK_MODE, a->u.how.mode);
		pyx_buf_puts(b, ",\"resolve\":");
		json_u64(b, a->u.how.resolve);
		pyx_buf_puts(b, "}}");
		break;
	case PYX_AK_CLONE_ARGS:
		pyx_buf_puts(b, "{\"clone_args\":{");
		json_sym_fields(b, "flags", "flags_raw", PYX_AK_CLONE_FLAGS, a->u.clone.flags);
		pyx_buf_putc(b, ',');
		json_sym_fields(b, "exit_signal", "exit_signal_raw", PYX_AK_SIGNAL,
				a->u.clone.exit_signal);
		pyx_buf_puts(b, "}}");
		break;
	case PYX_AK_RLIMIT:
		/* RLIM_INFINITY is 2^64-1: big integers as text */
		pyx_buf_printf(b, "{\"rlimit\":{\"cur\":\"%llu\",\"max\":\"%llu\"}}",
			       (unsigned long long)a->u.rlim.cur,
			       (unsigned long long)a->u.rlim.max);
		break;
	default:
		/* flags, modes, signals...: strace-like symbolic text, and the number */
		pyx_buf_putc(b, '{');
		json_sym_fields(b, "sym", "raw", a->kind, a->raw);
		pyx_buf_putc(b, '}');
		break;
	}
}

void pyx_json_sysarg(struct pyx_buf *b, const struct pyx_sysarg *a)
{
	json_sysarg(b, a);
}

/*
 * The "args" object of the last syscall record written, by the record's bytes: a syscall folded
 * into its audit record is written again, unchanged, as its own line right after (the same
 * record held twice by the correlator), and writing the object was a sixth of the record path.
 * The object is a function of the record's bytes alone (pyx_sysrec_decode). One record and its
 * text, per thread; dropped when it cannot grow (it is only a cache).
 */
static __thread struct {
	void *rec;
	size_t size, rec_cap;
	struct pyx_buf text;
} args_cache;

static void args_cache_put(const void *rec, size_t size, const char *text, size_t len)
{
	struct pyx_buf *t = &args_cache.text;

	args_cache.size = 0;
	if (size > args_cache.rec_cap) {
		void *p = realloc(args_cache.rec, size);

		if (!p)
			return;
		args_cache.rec = p;
		args_cache.rec_cap = size;
	}
	t->len = 0;
	t->oom = false;
	pyx_buf_write(t, text, len);
	if (t->oom) {
		pyx_buf_free(t);
		return;
	}
	memcpy(args_cache.rec, rec, size);
	args_cache.size = size;
}

/*
 * The "args" object of the last syscall written, by its decoded arguments: a loop's syscalls
 * repeat their arguments in records that differ (time, result), and formatting the object again
 * was a tenth of the record path. Only arguments whose text is a function of their name, kind,
 * value, flags and (paths, strings) bytes are compared; a syscall with any other kind (sockaddr,
 * argv, buffers, structs) is not kept here. Per thread; dropped when it cannot grow.
 */
static __thread struct {
	bool valid;
	unsigned int nargs;
	struct {
		const char *name; /* the table's: one pointer per name */
		enum pyx_argk kind;
		uint64_t raw;
		bool present, fault, null;
		size_t off, len; /* PATH, STR: the bytes, in data */
	} a[PYX_SC_NARGS];
	struct pyx_buf data, text;
} args_seen;

static bool args_keyable(const struct pyx_sysarg *a)
{
	switch (a->kind) {
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
	case PYX_AK_SOCKLEN_PTR:
	case PYX_AK_ARGV:
	case PYX_AK_BUF:
	case PYX_AK_OPEN_HOW:
	case PYX_AK_CLONE_ARGS:
	case PYX_AK_RLIMIT:
		return false;
	default:
		return true;
	}
}

static bool args_seen_same(const struct pyx_sysview *sv)
{
	unsigned int i;

	if (!args_seen.valid || args_seen.nargs != sv->nargs)
		return false;
	for (i = 0; i < sv->nargs; i++) {
		const struct pyx_sysarg *a = &sv->args[i];
		bool bytes = a->kind == PYX_AK_PATH || a->kind == PYX_AK_STR;

		if (args_seen.a[i].name != a->name || args_seen.a[i].kind != a->kind ||
		    args_seen.a[i].raw != a->raw || args_seen.a[i].present != a->present ||
		    args_seen.a[i].fault != a->fault || args_seen.a[i].null != a->null ||
		    !args_keyable(a))
			return false;
		if (bytes && (args_seen.a[i].len != a->u.path.len ||
			      (a->u.path.len && memcmp(args_seen.data.p + args_seen.a[i].off,
						       a->u.path.str, a->u.path.len))))
			return false;
	}
	return true;
}

static void args_seen_put(const struct pyx_sysview *sv, const char *text, size_t len)
{
	unsigned int i;

	args_seen.valid = false;
	args_seen.data.len = 0;
	args_seen.text.len = 0;
	for (i = 0; i < sv->nargs; i++) {
		const struct pyx_sysarg *a = &sv->args[i];

		if (!args_keyable(a))
			return;
		args_seen.a[i].name = a->name;
		args_seen.a[i].kind = a->kind;
		args_seen.a[i].raw = a->raw;
		args_seen.a[i].present = a->present;
		args_seen.a[i].fault = a->fault;
		args_seen.a[i].null = a->null;
		args_seen.a[i].off = args_seen.data.len;
		args_seen.a[i].len = 0;
		/* a path not read (NULL, fault) has no bytes, and perhaps no pointer */
		if ((a->kind == PYX_AK_PATH || a->kind == PYX_AK_STR) && a->u.path.len) {
			args_seen.a[i].len = a->u.path.len;
			pyx_buf_write(&args_seen.data, a->u.path.str, a->u.path.len);
		}
	}
	pyx_buf_write(&args_seen.text, text, len);
	if (args_seen.data.oom || args_seen.text.oom) {
		pyx_buf_free(&args_seen.data);
		pyx_buf_free(&args_seen.text);
		return;
	}
	args_seen.nargs = sv->nargs;
	args_seen.valid = true;
}

/*
 * The view the "args" object was last written for (pyx_sysrec_view_args_gen()) and the cache whose
 * text it was: the audit line's "syscalls" list and the syscall's own line write the same view
 * one after the other, and the second found it by comparing the record's bytes or all its
 * arguments again. Per thread, as the caches above.
 */
static __thread struct {
	uint64_t gen;
	const struct pyx_buf *text;
} args_last;

void pyx_json_sysargs(struct pyx_buf *b, const struct pyx_sysview *sv)
{
	size_t size = sv->rec->hdr.size, start = b->len;
	/* the object is a function of name and args[] alone: keyed by the number that stays while
	 * the decoder serves records that differ in their times and result only (a loop's) */
	uint64_t gen = pyx_sysrec_view_args_gen(sv);
	unsigned int i;

	if (gen && args_last.gen == gen) {
		pyx_buf_write(b, args_last.text->p, args_last.text->len);
		return;
	}
	if (args_cache.size == size && !memcmp(args_cache.rec, sv->rec, size)) {
		pyx_buf_write(b, args_cache.text.p, args_cache.text.len);
		args_last.gen = gen;
		args_last.text = &args_cache.text;
		return;
	}
	if (args_seen_same(sv)) {
		pyx_buf_write(b, args_seen.text.p, args_seen.text.len);
		args_last.gen = gen;
		args_last.text = &args_seen.text;
		return;
	}
	args_last.gen = 0;
	pyx_buf_putc(b, '{');
	for (i = 0; i < sv->nargs; i++) {
		/* the table's names are C identifiers (#a0.. in decode_syscall.c): nothing to
		 * escape, and escaping them was 3% of the record path */
		pyx_buf_puts(b, i ? ",\"" : "\"");
		pyx_buf_puts(b, sv->args[i].name);
		pyx_buf_puts(b, "\":");
		json_sysarg(b, &sv->args[i]);
	}
	pyx_buf_putc(b, '}');
	if (!b->oom) {
		args_cache_put(sv->rec, size, b->p + start, b->len - start);
		args_seen_put(sv, b->p + start, b->len - start);
		if (args_cache.size) {
			args_last.gen = gen;
			args_last.text = &args_cache.text;
		}
	}
}

/* The ,"ret","errno","latency_ns" text of the view last written (pyx_sysrec_view_gen()), for
 * its second line, as args_last. Per thread. */
static __thread struct {
	uint64_t gen;
	size_t len;
	char text[96];
} result_last;

void pyx_json_sysresult(struct pyx_buf *b, const struct pyx_sysview *sv)
{
	uint64_t gen = pyx_sysrec_view_gen(sv);
	size_t start = b->len;
	const char *en;

	if (gen && result_last.gen == gen) {
		pyx_buf_write(b, result_last.text, result_last.len);
		return;
	}
	if (!sv->err) {
		/* the common case: one room check for both numbers */
		static const char k_ret[16] = ",\"ret\":", k_lat[16] = ",\"latency_ns\":";

		pyx_buf_key_i64_key_u64(b, k_ret, 7, (long long)sv->ret, k_lat, 14, sv->latency_ns);
	} else {
		pyx_buf_puts(b, ",\"ret\":");
		pyx_buf_i64(b, (long long)sv->ret);
		en = pyx_errno_name(sv->err);
		if (en)
			pyx_buf_printf(b, ",\"errno\":\"%s\"", en);
		else
			pyx_buf_printf(b, ",\"errno\":\"E%d\"", sv->err);
		pyx_buf_puts(b, ",\"latency_ns\":");
		pyx_buf_u64(b, sv->latency_ns);
	}
	result_last.len = pyx_buf_keep(b, start, result_last.text, sizeof(result_last.text));
	result_last.gen = result_last.len ? gen : 0;
}

/*
 * A syscall line's ,"syscall":"NAME","nr":N,"args": kept by (name, nr): a loop's lines repeat
 * it. The name is the syscall table's (one pointer per name). Per thread, as the caches above.
 */
static __thread struct {
	const char *name;
	uint32_t nr;
	size_t len;
	char text[96];
} sc_head;

static void json_syscall_head(struct pyx_buf *b, const struct pyx_sysview *sv)
{
	size_t start = b->len;

	if (sc_head.len && sc_head.name == sv->name && sc_head.nr == sv->nr) {
		pyx_buf_write(b, sc_head.text, sc_head.len);
		return;
	}
	pyx_buf_puts(b, ",\"syscall\":\"");
	pyx_buf_puts(b, sv->name);
	pyx_buf_puts(b, "\",\"nr\":");
	pyx_buf_u64(b, sv->nr);
	pyx_buf_puts(b, ",\"args\":");
	sc_head.len = pyx_buf_keep(b, start, sc_head.text, sizeof(sc_head.text));
	sc_head.name = sv->name;
	sc_head.nr = sv->nr;
}

static void json_syscall(struct pyx_writer *w, const struct pyx_sysview *sv)
{
	struct pyx_buf *b = &w->buf;
	bool truncated = false;
	unsigned int i, n;

	json_common(w, "syscall", &sv->rec->hdr);
	json_syscall_head(b, sv);
	if (sv->no_entry) {
		pyx_buf_puts(b, "null");
	} else {
		pyx_json_sysargs(b, sv);
		for (i = 0; i < sv->nargs; i++)
			truncated |= sv->args[i].truncated;
	}
	if (sv->at_entry) {
		/* an entry-only row: its result is not known, so it has no ret, errno, latency */
		pyx_buf_puts(b, ",\"at_entry\":true");
		goto tail;
	}
	pyx_json_sysresult(b, sv);
	if (sv->changed) {
		/* the arguments whose memory a second thread rewrote during the syscall */
		pyx_buf_puts(b, ",\"changed\":[");
		for (i = 0, n = 0; i < sv->nargs; i++) {
			if (!sv->args[i].changed)
				continue;
			if (n++)
				pyx_buf_putc(b, ',');
			pyx_json_cstr(b, sv->args[i].name);
		}
		pyx_buf_putc(b, ']');
	}
	if (sv->read_at_exit)
		pyx_buf_puts(b, ",\"read_at_exit\":true");
	if (sv->unverified)
		pyx_buf_puts(b, ",\"unverified\":true");
	if (sv->opened) {
		/* a path read at exit: the kernel's name of the file it opened (a decoy shows) */
		pyx_buf_puts(b, ",\"opened\":");
		pyx_json_bytes(b, sv->opened, strlen(sv->opened));
		if (sv->name_mismatch)
			pyx_buf_puts(b, ",\"name_mismatch\":true");
	}
	if (sv->name_unchecked)
		pyx_buf_puts(b, ",\"name_unchecked\":true");
	if (sv->io_uring) {
		const char *op = pyx_uring_op_name(sv->uring_op);

		/* issue 8: not the syscall itself but an io_uring request doing its work */
		if (op)
			pyx_buf_printf(b, ",\"via\":\"io_uring\",\"op\":\"%s\"", op);
		else
			pyx_buf_printf(b, ",\"via\":\"io_uring\",\"op\":\"IORING_OP_%u\"",
				       sv->uring_op);
		if (sv->no_result)
			pyx_buf_puts(b, ",\"result_known\":false");
	}
tail:
	if (truncated)
		pyx_buf_puts(b, ",\"truncated\":true");
	pyx_json_raw(b, sv->rec, sv->rec->hdr.size);
	if (w->corr)
		w->annot->json_fields(b, w->corr);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_process(struct pyx_writer *w, const struct pyx_procview *pv)
{
	struct pyx_buf *b = &w->buf;
	const char *sig;

	json_common(w, "process", &pv->rec->hdr);
	pyx_buf_printf(b, ",\"event\":\"%s\",\"ppid\":%u", pyx_proc_kind_name(pv->kind), pv->ppid);
	switch (pv->kind) {
	case PYX_PROC_FORK:
		pyx_buf_printf(b, ",\"child_pid\":%u,\"child_tid\":%u,\"thread\":%s", pv->child_pid,
			       pv->child_tid, pv->thread ? "true" : "false");
		if (pv->unmonitored)
			pyx_buf_puts(b, ",\"unmonitored\":true");
		break;
	case PYX_PROC_EXEC:
		pyx_buf_puts(b, ",\"filename\":");
		json_bytes_or_null(b, pv->filename, pv->filename_len);
		pyx_buf_printf(b, ",\"old_tid\":%u", pv->old_tid);
		if (pv->exe_deleted)
			pyx_buf_printf(b, ",\"exe_deleted\":true%s",
				       pv->exe_memfd ? ",\"exe_memfd\":true" : "");
		if (pv->no_exec_syscall)
			pyx_buf_puts(b, ",\"exec_syscall_seen\":false");
		if (pv->filename_truncated)
			pyx_buf_puts(b, ",\"truncated\":true");
		break;
	case PYX_PROC_EXIT:
		/* schema 2: exit_code the code (exit(3) is 3), signal the name, wait_status raw */
		if (pv->exited) {
			pyx_buf_printf(b, ",\"exit_code\":%d", pv->exit_status);
		} else if (pv->term_signal) {
			sig = pyx_signal_name(pv->term_signal);
			if (sig)
				pyx_buf_printf(b, ",\"signal\":\"%s\"", sig);
			else
				pyx_buf_printf(b, ",\"signal\":\"SIG%d\"", pv->term_signal);
		}
		pyx_buf_printf(b, ",\"wait_status\":%d", pv->exit_code);
		break;
	default:
		break;
	}
	pyx_json_raw(b, pv->rec, pv->rec->hdr.size);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_lifecycle(struct pyx_writer *w, const struct pyx_rec_lifecycle *rec)
{
	struct pyx_buf *b = &w->buf;
	unsigned int v = rec->py_hexversion;

	json_common(w, "lifecycle", &rec->hdr);
	if (rec->kind == PYX_LC_HOOK_START) {
		pyx_buf_printf(b,
			       ",\"event\":\"hook_start\",\"python\":\"%u.%u.%u\","
			       "\"py_hexversion\":%u,\"delivery\":\"%s\",\"status\":\"%s\"",
			       v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v,
			       pyx_delivery_name(rec->delivery),
			       rec->status == 0                  ? "installed"
			       : rec->status == PYX_HOOK_REFUSED ? "refused"
								 : "error");
	} else {
		pyx_buf_printf(b,
			       ",\"event\":\"hook_stop\",\"events_seen\":%llu,"
			       "\"events_emitted\":%llu",
			       (unsigned long long)rec->events_seen,
			       (unsigned long long)rec->events_emitted);
	}
	pyx_json_raw(b, rec, rec->hdr.size);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_lost(struct pyx_writer *w, const struct pyx_rec_lost *rec)
{
	json_common(w, "lost", &rec->hdr);
	pyx_buf_printf(&w->buf, ",\"stream\":\"%s\",\"count\":%llu,\"reason\":\"%s\"",
		       pyx_stream_name(rec->stream), (unsigned long long)rec->count,
		       w->lost_reason ? w->lost_reason : "ringbuf");
	pyx_json_raw(&w->buf, rec, rec->hdr.size);
	pyx_buf_putc(&w->buf, '}');
	pyx_writer_flush_line(w);
}

static void json_throttled(struct pyx_writer *w, const struct pyx_rec_throttled *rec)
{
	json_common(w, "throttled", &rec->hdr);
	pyx_buf_printf(&w->buf, ",\"stream\":\"%s\",\"throttled_uid\":%u,\"count\":%llu}",
		       pyx_stream_name(rec->stream), rec->uid, (unsigned long long)rec->count);
	pyx_writer_flush_line(w);
}

static void json_summary(struct pyx_writer *w, const struct pyx_summary *s)
{
	struct pyx_buf *b = &w->buf;
	unsigned int i, n = 0;

	pyx_buf_printf(
		b,
		"{\"type\":\"summary\",\"ts\":%llu,\"pid\":%d,\"tid\":%d,\"comm\":\"pyxcheck\","
		"\"duration_ns\":%llu,\"records\":%llu,\"events\":{",
		(unsigned long long)s->end_ns, getpid(), getpid(),
		(unsigned long long)(s->end_ns - s->start_ns), (unsigned long long)s->records);
	for (i = 0; i < PYX_EV__COUNT; i++) {
		if (!s->audit[i])
			continue;
		pyx_buf_puts(b, n++ ? "," : "");
		pyx_json_cstr(b, pyx_cat_event(i)->name);
		pyx_buf_printf(b, ":%llu", (unsigned long long)s->audit[i]);
	}
	for (i = 0; i < s->nother; i++) {
		pyx_buf_puts(b, n++ ? "," : "");
		pyx_json_cstr(b, s->other[i].name);
		pyx_buf_printf(b, ":%llu", (unsigned long long)s->other[i].count);
	}
	pyx_buf_printf(b, "},\"events_other_overflow\":%llu,\"syscalls\":{",
		       (unsigned long long)s->other_overflow);
	for (i = 0, n = 0; i < PYX_SC__COUNT; i++) {
		if (!s->sc[i])
			continue;
		pyx_buf_printf(b, "%s\"%s\":{\"count\":%llu,\"failed\":%llu}", n++ ? "," : "",
			       pyx_sc_name(i) ? pyx_sc_name(i) : "?", (unsigned long long)s->sc[i],
			       (unsigned long long)s->sc_failed[i]);
	}
	pyx_buf_printf(b,
		       "},\"process\":{\"fork\":%llu,\"exec\":%llu,\"exit\":%llu},"
		       "\"lifecycle\":%llu,\"malformed\":%llu,\"lost\":{",
		       (unsigned long long)s->proc[PYX_PROC_FORK],
		       (unsigned long long)s->proc[PYX_PROC_EXEC],
		       (unsigned long long)s->proc[PYX_PROC_EXIT], (unsigned long long)s->lifecycle,
		       (unsigned long long)s->malformed);
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t lost = (s->lost_total[i] > s->lost_records[i] ? s->lost_total[i]
								       : s->lost_records[i]) +
				s->lost_output[i] + s->lost_memory[i];

		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_stream_name(i),
			       (unsigned long long)lost);
	}
	pyx_buf_puts(b, "},\"throttled\":{");
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_stream_name(i),
			       (unsigned long long)(s->throttled_total[i] > s->throttled_records[i]
							    ? s->throttled_total[i]
							    : s->throttled_records[i]));
	pyx_buf_putc(b, '}');
	if (s->corr && w->annot)
		w->annot->json_summary(b, s->corr);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_header(struct pyx_writer *w)
{
}

/* A finding's context, the thread's last audit event, or null (out_writer.h). */
void pyx_json_corr_context(struct pyx_buf *b, const struct pyx_corr_context *x)
{
	if (!x || !x->has_event) {
		pyx_buf_puts(b, "null");
		return;
	}
	pyx_buf_puts(b, "{\"event\":");
	pyx_json_bytes(b, x->event, strlen(x->event));
	pyx_buf_printf(b, ",\"ts\":%llu,\"tid\":%u,\"frame\":", (unsigned long long)x->ts_ns,
		       x->tid);
	if (x->file[0]) {
		/* the correlator's copy of the frame: bytes, without the payload's escape flag */
		struct pyx_value file = { .type = PYX_TAG_STR, .len = strlen(x->file) };
		struct pyx_value function = { .type = PYX_TAG_STR, .len = strlen(x->function) };

		file.s.data = (const uint8_t *)x->file;
		function.s.data = (const uint8_t *)x->function;
		json_frame(b, &file, x->line, &function, 0);
	} else {
		pyx_buf_puts(b, "null");
	}
	pyx_buf_putc(b, '}');
}

/* A blind spot (correlate.h): a Python process without the hook. */
static void json_blind(struct pyx_writer *w, const struct pyx_corr_blind *bs)
{
	struct pyx_buf *b = &w->buf;
	unsigned int i;

	pyx_buf_printf(b, "{\"type\":\"blind-spot\",\"ts\":%llu,\"pid\":%u,\"tid\":%u,\"comm\":",
		       (unsigned long long)bs->ts_ns, bs->pid, bs->pid);
	pyx_json_bytes(b, bs->comm, strnlen(bs->comm, PYX_COMM_LEN));
	pyx_pctx_json(w->pctx, b, bs->pid, bs->pid, bs->ts_ns);
	pyx_buf_printf(b, ",\"ppid\":%u,\"exe\":", bs->ppid);
	pyx_json_bytes(b, bs->exe, strlen(bs->exe));
	pyx_buf_puts(b, ",\"argv\":");
	if (bs->argv) {
		pyx_buf_putc(b, '[');
		for (i = 0; i < bs->argc; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_bytes(b, bs->argv[i], strlen(bs->argv[i]));
		}
		pyx_buf_putc(b, ']');
	} else {
		pyx_buf_puts(b, "null");
	}
	pyx_buf_puts(b, ",\"why\":");
	pyx_json_cstr(b, bs->why);
	if (bs->builtin) {
		const char *s = bs->builtin;

		pyx_buf_puts(b, ",\"builtin_events\":[");
		while (*s) {
			size_t n = strcspn(s, ",");

			pyx_json_bytes(b, s, n);
			s += n;
			if (*s) {
				s++;
				pyx_buf_putc(b, ',');
			}
		}
		pyx_buf_printf(b, "],\"builtin_count\":%llu",
			       (unsigned long long)bs->builtin_count);
	}
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

/* An alert (correlate.h): a finding about a process, not about one record. */
static void json_alert(struct pyx_writer *w, const struct pyx_corr_alert *a)
{
	const struct pyx_corr_context *x = a->context;
	struct pyx_buf *b = &w->buf;

	pyx_buf_printf(b,
		       "{\"type\":\"alert\",\"ts\":%llu,\"pid\":%u,\"tid\":%u,"
		       "\"uid\":%u,\"comm\":",
		       (unsigned long long)a->ts_ns, a->pid, a->tid, a->uid);
	pyx_json_bytes(b, a->comm, strnlen(a->comm, PYX_COMM_LEN));
	pyx_pctx_json(w->pctx, b, a->pid, a->tid, a->ts_ns);
	pyx_buf_puts(b, ",\"alert\":");
	pyx_json_cstr(b, a->alert);
	pyx_buf_puts(b, ",\"why\":");
	pyx_json_cstr(b, a->why);
	pyx_buf_puts(b, ",\"path\":");
	json_bytes_or_null(b, a->path, a->path_len);
	pyx_buf_puts(b, ",\"context\":");
	pyx_json_corr_context(b, x);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

const struct pyx_output_ops pyx_output_json = {
	.header = json_header,
	.audit = json_audit,
	.malformed = json_malformed,
	.syscall = json_syscall,
	.process = json_process,
	.lifecycle = json_lifecycle,
	.lost = json_lost,
	.throttled = json_throttled,
	.summary = json_summary,
	.blind = json_blind,
	.alert = json_alert,
};
