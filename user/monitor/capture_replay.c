// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Reading a capture back (capture_replay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "pyxcheck_wire.h"
#include "capture_replay.h"
#include "correlate.h"
#include "out_writer.h"

static bool get_u64(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) || !json_object_is_type(x, json_type_int))
		return false;
	*v = json_object_get_uint64(x);
	return true;
}

/* The string at key, owned by o; NULL when absent or not a string. */
static const char *get_text(struct json_object *o, const char *key)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) || !json_object_is_type(x, json_type_string))
		return NULL;
	return json_object_get_string(x);
}

static char *get_str(struct json_object *o, const char *key)
{
	const char *s = get_text(o, key);

	return s ? strdup(s) : NULL;
}

static void blind_free(struct pyx_corr_blind *b);

/* A captured blind-spot record (docs/json-schema.md, "blind-spot") read back into the
 * correlator's struct, so that a replay shows it as the live run did in every view. NULL when
 * a field is missing or of another type (or memory ran out): the line is then written as it is. */
static struct pyx_corr_blind *blind_read(struct json_object *o)
{
	struct json_object *argv, *ev;
	struct pyx_corr_blind *b;
	uint64_t pid, ppid, n;
	size_t i, len = 0;
	char *p;

	b = calloc(1, sizeof(*b));
	if (!b || !get_u64(o, "ts", &b->ts_ns) || !get_u64(o, "pid", &pid) ||
	    !get_u64(o, "ppid", &ppid) || pid > UINT32_MAX || ppid > UINT32_MAX)
		goto fail;
	b->pid = pid;
	b->ppid = ppid;
	b->comm = get_str(o, "comm");
	b->exe = get_str(o, "exe");
	b->why = get_str(o, "why");
	if (!b->comm || !b->exe || !b->why || !json_object_object_get_ex(o, "argv", &argv))
		goto fail;
	if (json_object_is_type(argv, json_type_array)) {
		n = json_object_array_length(argv);
		b->argv = calloc(n ? n : 1, sizeof(*b->argv));
		if (!b->argv)
			goto fail;
		for (i = 0; i < n; i++) {
			struct json_object *a = json_object_array_get_idx(argv, i);

			if (!json_object_is_type(a, json_type_string))
				goto fail;
			((const char **)b->argv)[i] = strdup(json_object_get_string(a));
			if (!b->argv[i])
				goto fail;
			b->argc = i + 1;
		}
	} else if (!json_object_is_type(argv, json_type_null)) {
		goto fail;
	}
	/* the names its built-in python:audit probe fired, comma-joined as the correlator keeps them */
	if (json_object_object_get_ex(o, "builtin_events", &ev)) {
		if (!json_object_is_type(ev, json_type_array) ||
		    !get_u64(o, "builtin_count", &b->builtin_count))
			goto fail;
		n = json_object_array_length(ev);
		for (i = 0; i < n; i++) {
			struct json_object *a = json_object_array_get_idx(ev, i);

			if (!json_object_is_type(a, json_type_string))
				goto fail;
			len += strlen(json_object_get_string(a)) + 1;
		}
		p = calloc(1, len + 1);
		if (!p)
			goto fail;
		for (i = 0; i < n; i++) {
			if (i)
				strcat(p, ",");
			strcat(p, json_object_get_string(json_object_array_get_idx(ev, i)));
		}
		b->builtin = p;
	}
	return b;
fail:
	blind_free(b);
	return NULL;
}

#define REC_MAX (1u << 16) /* no ring record is larger (the loader's bound is far below) */
#define SHOW_BAD 10        /* bad lines said one by one; the rest are counted */

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (padding required) into a new 8-aligned buffer; NULL when it is not. */
static void *b64_decode(const char *s, size_t len, size_t *out_len)
{
	size_t i, n = 0, pad = 0;
	uint8_t *out;
	int v[4], k;

	if (!len || len % 4 || len / 4 * 3 > REC_MAX)
		return NULL;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	out = aligned_alloc(8, (len / 4 * 3 + 7) & ~(size_t)7);
	if (!out)
		return NULL;
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			v[k] = b64_val(s[i + k]);
			if (v[k] < 0 && !(i + 4 == len && k >= 4 - (int)pad))
				goto bad;
			if (v[k] < 0)
				v[k] = 0;
		}
		out[n++] = v[0] << 2 | v[1] >> 4;
		out[n++] = (v[1] & 15) << 4 | v[2] >> 2;
		out[n++] = (v[2] & 3) << 6 | v[3];
	}
	*out_len = n - pad;
	return out;
bad:
	free(out);
	return NULL;
}

static int push(struct pyx_replay *r, const struct pyx_replay_item *it)
{
	if (pyx_grow(&r->items, &r->cap, r->n, sizeof(*r->items), 1024))
		return -ENOMEM;
	r->items[r->n] = *it;
	r->items[r->n].order = r->n;
	r->n++;
	return 0;
}

/* A "raw" member into a record item; NULL why on success. */
static const char *add_raw(struct pyx_replay *r, struct json_object *raw, int *err)
{
	struct pyx_replay_item it = {};
	const struct pyx_rec_hdr *h;

	if (!json_object_is_type(raw, json_type_string))
		return "\"raw\" is not a string";
	it.rec = b64_decode(json_object_get_string(raw), json_object_get_string_len(raw), &it.size);
	if (!it.rec)
		return "\"raw\" is not base64 of at most 64 KiB";
	h = it.rec;
	if (it.size < sizeof(*h) || h->size != it.size) {
		free(it.rec);
		return "\"raw\" is not a ring-buffer record (its size does not match)";
	}
	it.ts = h->ts_ns;
	*err = push(r, &it);
	if (*err)
		free(it.rec);
	return NULL;
}

/* "2026-11-30T05:06:34.058833171Z" as ns since the epoch; false when it is not that. */
static bool parse_time(const char *s, int64_t *ns)
{
	struct tm tm = {};
	unsigned long frac = 0;
	int n = 0, digits;
	char z = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return false;
	s += n;
	if (*s == '.') {
		for (digits = 0, s++; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
			frac = frac * 10 + (*s - '0');
		for (; digits < 9; digits++)
			frac *= 10;
	}
	z = *s;
	if (z != 'Z')
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ns = (int64_t)timegm(&tm) * 1000000000 + (int64_t)frac;
	return true;
}

static void stamp_from(struct pyx_replay *r, struct json_object *o)
{
	const char *time, *node;
	uint64_t ts;
	int64_t real;

	if (r->have_stamp || !get_u64(o, "ts", &ts) || !(time = get_text(o, "time")) ||
	    !(node = get_text(o, "node")) || !parse_time(time, &real))
		return;
	r->real_offset = real - (int64_t)ts;
	snprintf(r->node, sizeof(r->node), "%s", node);
	r->have_stamp = true;
}

/* One line: NULL when it was taken, else why it is malformed. *err: out of memory. */
static const char *take_line(struct pyx_replay *r, struct json_tokener *tok, char *line, size_t len,
			     int *err)
{
	struct json_object *o, *raw, *scs;
	const char *why = NULL, *t;
	size_t i, end;

	if (strlen(line) != len)
		return "a NUL byte in the line";
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o)
		return json_tokener_error_desc(json_tokener_get_error(tok));
	end = json_tokener_get_parse_end(tok);
	while (end < len && (line[end] == ' ' || line[end] == '\t' || line[end] == '\r'))
		end++;
	if (end != len) {
		why = "trailing bytes after the JSON value";
		goto out;
	}
	if (!json_object_is_type(o, json_type_object) || !(t = get_text(o, "type"))) {
		why = "not a record (an object with a string \"type\")";
		goto out;
	}
	stamp_from(r, o);
	if (!strcmp(t, "blind-spot") || !strcmp(t, "malformed")) {
		/* facts the replay cannot find again (a blind spot looked at /proc of a process
		 * long gone; a malformed record's bytes were not kept): written as they are */
		struct pyx_replay_item it = {};

		if (!get_u64(o, "ts", &it.ts)) {
			why = "a blind-spot or malformed record without a number \"ts\"";
			goto out;
		}
		it.line = strndup(line, len);
		it.line_len = len;
		if (t[0] == 'b')
			it.blind = blind_read(o);
		if (!it.line || (*err = push(r, &it))) {
			free(it.line);
			blind_free(it.blind);
			*err = -ENOMEM;
			goto out;
		}
		r->passed++;
		r->malformed += t[0] == 'm';
		r->blind_spots += t[0] == 'b';
		goto out;
	}
	if (strcmp(t, "audit") && strcmp(t, "syscall") && strcmp(t, "process") &&
	    strcmp(t, "lifecycle") && strcmp(t, "lost"))
		goto out; /* start, summary, stats, alert: made again by the replay */
	if (!json_object_object_get_ex(o, "raw", &raw)) {
		r->no_raw++;
		goto out;
	}
	why = add_raw(r, raw, err);
	if (why || *err)
		goto out;
	/* the syscalls the correlator folded into this audit record */
	if (json_object_object_get_ex(o, "syscalls", &scs) &&
	    json_object_is_type(scs, json_type_array)) {
		for (i = 0; i < json_object_array_length(scs); i++) {
			struct json_object *s = json_object_array_get_idx(scs, i);

			if (!json_object_is_type(s, json_type_object) ||
			    !json_object_object_get_ex(s, "raw", &raw)) {
				r->no_raw++;
				continue;
			}
			why = add_raw(r, raw, err);
			if (why || *err)
				goto out;
		}
	}
out:
	json_object_put(o);
	return why;
}

static int cmp_item(const void *a, const void *b)
{
	const struct pyx_replay_item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A syscall shown in its own line is also in the `syscalls` list of each audit record it was
 * paired with: one record, fed once. Copies are byte for byte the same, so they have one ts. */
static void dedup(struct pyx_replay *r)
{
	size_t i, j, k, out = 0;
	bool dup;

	for (i = 0; i < r->n; i++) {
		struct pyx_replay_item *it = &r->items[i];

		dup = false;
		for (k = out; it->rec && k-- > 0 && r->items[k].ts == it->ts;) {
			j = k;
			if (r->items[j].rec && r->items[j].size == it->size &&
			    !memcmp(r->items[j].rec, it->rec, it->size)) {
				dup = true;
				break;
			}
		}
		if (dup) {
			free(it->rec);
			continue;
		}
		r->items[out++] = *it;
	}
	r->n = out;
}

int pyx_replay_load(struct pyx_replay *r, const char *path, bool json)
{
	struct json_tokener *tok = NULL;
	size_t cap = 0, lineno = 0, i;
	char *line = NULL;
	const char *why;
	ssize_t len;
	int err = 0;
	FILE *f;

	memset(r, 0, sizeof(*r));
	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		err = -errno;
		pyx_print_error(json, "failed to read %s: %s", path, strerror(errno));
		return err;
	}
	tok = json_tokener_new();
	if (!tok) {
		err = -ENOMEM;
		goto cleanup;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len)
			continue;
		if (len > INT32_MAX) {
			why = "line too long";
		} else {
			why = take_line(r, tok, line, (size_t)len, &err);
			if (err)
				goto cleanup;
		}
		if (!why)
			continue;
		if (r->bad_lines++ < SHOW_BAD)
			pyx_print_error(json, "%s:%zu: malformed line, skipped: %s", path, lineno,
					why);
	}
	if (ferror(f)) {
		err = -EIO;
		pyx_print_error(json, "failed to read %s: %s", path, strerror(EIO));
		goto cleanup;
	}
	if (r->bad_lines > SHOW_BAD)
		pyx_print_error(json, "%s: %llu malformed lines skipped in all", path,
				(unsigned long long)r->bad_lines);
	if (r->n) /* items is NULL when no line was a record: qsort(NULL, 0) is undefined */
		qsort(r->items, r->n, sizeof(*r->items), cmp_item);
	dedup(r);
	for (i = 0; i < r->n; i++) {
		if (!r->items[i].rec)
			continue;
		if (!r->first_ts)
			r->first_ts = r->items[i].ts;
		r->last_ts = r->items[i].ts;
	}
cleanup:
	if (err == -ENOMEM)
		pyx_print_error(json, "failed to read %s: %s", path, strerror(ENOMEM));
	free(line);
	if (tok)
		json_tokener_free(tok);
	if (f != stdin)
		fclose(f);
	return err;
}

static void blind_free(struct pyx_corr_blind *b)
{
	unsigned int i;

	if (!b)
		return;
	for (i = 0; b->argv && i < b->argc; i++)
		free((char *)b->argv[i]);
	free((void *)b->argv);
	free((char *)b->comm);
	free((char *)b->exe);
	free((char *)b->why);
	free((char *)b->builtin);
	free(b);
}

void pyx_replay_free(struct pyx_replay *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->items[i].rec);
		free(r->items[i].line);
		blind_free(r->items[i].blind);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}
