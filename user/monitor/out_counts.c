// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "decode_payload.h"
#include "decode_syscall.h"
#include "out_buf.h"
#include "out_counts.h"

void pyx_summary_audit(struct pyx_summary *s, unsigned int event_id, const uint8_t *name,
		       size_t len)
{
	unsigned int i;
	char *copy;

	if (event_id < PYX_EV__COUNT) {
		s->audit[event_id]++;
		return;
	}
	/* few distinct names in practice: a linear search is enough */
	for (i = 0; i < s->nother; i++) {
		if (strlen(s->other[i].name) == len && !memcmp(s->other[i].name, name, len)) {
			s->other[i].count++;
			return;
		}
	}
	if (s->nother == PYX_SUM_OTHER_MAX || !(copy = strndup((const char *)name, len))) {
		s->other_overflow++;
		return;
	}
	s->other[s->nother].name = copy;
	s->other[s->nother++].count = 1;
}

void pyx_summary_free(struct pyx_summary *s)
{
	unsigned int i;

	for (i = 0; i < s->nother; i++)
		free(s->other[i].name);
	s->nother = 0;
}

/* ---- time tables (-c, --html) ---- */

static uint64_t hash_key(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

int pyx_index_grow(uint32_t **index, size_t *nindex, size_t first, size_t nrows,
		   size_t (*slot)(const void *ctx, size_t row, size_t n), const void *ctx)
{
	size_t n = *nindex ? *nindex * 2 : first, i, j;
	uint32_t *idx = malloc(n * sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	memset(idx, 0xff, n * sizeof(*idx));
	for (i = 0; i < nrows; i++) {
		j = slot(ctx, i, n);
		while (idx[j] != UINT32_MAX)
			j = (j + 1) & (n - 1);
		idx[j] = i;
	}
	free(*index);
	*index = idx;
	*nindex = n;
	return 0;
}

static size_t tab_slot(const void *ctx, size_t row, size_t n)
{
	const char *k = ((const struct pyx_sum_tab *)ctx)->rows[row].key;

	return hash_key(k, strlen(k)) & (n - 1);
}

/* The row for key[0..n), made when new; NULL without memory (counted). */
static struct pyx_sum_row *tab_row(struct pyx_sum_tab *t, const char *key, size_t n)
{
	struct pyx_sum_row *r;
	size_t j;

	if ((t->n + 1) * 2 > t->nindex &&
	    pyx_index_grow(&t->index, &t->nindex, 64, t->n, tab_slot, t))
		goto oom;
	for (j = hash_key(key, n) & (t->nindex - 1); t->index[j] != UINT32_MAX;
	     j = (j + 1) & (t->nindex - 1)) {
		r = &t->rows[t->index[j]];
		if (strlen(r->key) == n && !memcmp(r->key, key, n))
			return r;
	}
	if (pyx_grow(&t->rows, &t->cap, t->n, sizeof(*t->rows), 32))
		goto oom;
	r = &t->rows[t->n];
	memset(r, 0, sizeof(*r));
	r->key = strndup(key, n);
	if (!r->key)
		goto oom;
	t->index[j] = t->n++;
	return r;
oom:
	t->overflow++;
	return NULL;
}

static struct pyx_sum_row *proc_row(struct pyx_sum_timed *t, const struct pyx_rec_hdr *h)
{
	struct pyx_sum_row *r;
	char key[16];
	int n = snprintf(key, sizeof(key), "%u", h->pid);

	r = tab_row(&t->procs, key, n);
	if (r) {
		r->pid = h->pid;
		memcpy(r->comm, h->comm, PYX_COMM_LEN);
		r->comm[PYX_COMM_LEN] = 0;
	}
	return r;
}

/* Printable copy of a payload string: the tables are text, control bytes become '?' */
static void copy_clean(char *dst, size_t size, const uint8_t *s, size_t n)
{
	size_t i;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	dst[n] = 0;
}

void pyx_sum_timed_audit(struct pyx_sum_timed *t, const struct pyx_rec_audit *rec,
			 const struct pyx_event *ev, const struct pyx_corr_item *it)
{
	uint64_t time = it ? it->latency_ns : 0;
	bool failed = false, frame = !(ev->flags & PYX_PF_NO_FRAME) && ev->file;
	struct pyx_sum_row *r;
	struct pyx_sysview sv;
	unsigned int i;

	for (i = 0; it && i < it->nsyscalls; i++)
		if (!pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size, &sv) && sv.err)
			failed = true;
	t->ev_time_ns += time;
	r = tab_row(&t->events, (const char *)ev->name->s.data,
		    strnlen((const char *)ev->name->s.data, ev->name->len));
	if (r) {
		r->calls++;
		r->errors += failed;
		r->time_ns += time;
	}
	r = proc_row(t, &rec->hdr);
	if (r)
		r->events++;
	if (frame) {
		char key[320];
		size_t n;

		copy_clean(key, sizeof(key) - 12, ev->file->s.data, ev->file->len);
		n = strlen(key);
		n += snprintf(key + n, sizeof(key) - n, ":%u", ev->line);
		r = tab_row(&t->lines, key, n);
		if (r) {
			r->calls++;
			r->errors += failed;
			r->time_ns += time;
		}
	}
	/* the slowest few, with their frame and syscalls */
	if (!it || !time || (t->nslow == PYX_SUM_TOP && time <= t->slow[PYX_SUM_TOP - 1].time_ns))
		return;
	i = t->nslow < PYX_SUM_TOP ? t->nslow++ : PYX_SUM_TOP - 1;
	for (; i > 0 && t->slow[i - 1].time_ns < time; i--)
		t->slow[i] = t->slow[i - 1];
	{
		struct pyx_sum_slow *s = &t->slow[i];
		size_t n = 0;
		unsigned int k;

		memset(s, 0, sizeof(*s));
		s->time_ns = time;
		s->ts_ns = rec->hdr.ts_ns;
		s->pid = rec->hdr.pid;
		s->tid = rec->hdr.tid;
		copy_clean(s->event, sizeof(s->event), ev->name->s.data, ev->name->len);
		if (frame) {
			char file[96], fn[48];

			copy_clean(file, sizeof(file), ev->file->s.data, ev->file->len);
			copy_clean(fn, sizeof(fn), ev->function->s.data, ev->function->len);
			snprintf(s->frame, sizeof(s->frame), "%s:%u (%s)", file, ev->line, fn);
		}
		for (k = 0; k < it->nsyscalls && n < sizeof(s->syscalls); k++) {
			if (pyx_sysrec_decode(it->syscalls[k].rec, it->syscalls[k].size, &sv))
				continue;
			n += snprintf(s->syscalls + n, sizeof(s->syscalls) - n, "%s%s=%lld %lluus",
				      n ? ", " : "", sv.name, (long long)sv.ret,
				      (unsigned long long)(sv.latency_ns / 1000));
		}
	}
}

void pyx_sum_timed_syscall(struct pyx_sum_timed *t, const struct pyx_sysview *sv)
{
	const struct pyx_rec_hdr *h = &sv->rec->hdr;
	struct pyx_sum_row *r;

	t->sc_time_ns += sv->latency_ns;
	r = tab_row(&t->syscalls, sv->name, strlen(sv->name));
	if (r) {
		r->calls++;
		r->errors += sv->err != 0;
		r->time_ns += sv->latency_ns;
	}
	r = proc_row(t, h);
	if (r) {
		r->calls++;
		r->errors += sv->err != 0;
		r->time_ns += sv->latency_ns;
	}
}

static enum pyx_sum_sort sort_key;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct pyx_sum_row *a = *(const struct pyx_sum_row *const *)pa;
	const struct pyx_sum_row *b = *(const struct pyx_sum_row *const *)pb;
	uint64_t x = 0, y = 0;

	switch (sort_key) {
	case PYX_SORT_TIME:
		x = a->time_ns, y = b->time_ns;
		break;
	case PYX_SORT_CALLS:
		x = a->calls, y = b->calls;
		break;
	case PYX_SORT_ERRORS:
		x = a->errors, y = b->errors;
		break;
	case PYX_SORT_NAME:
		break;
	}
	if (x != y)
		return x > y ? -1 : 1; /* biggest first, as strace -c */
	return strcmp(a->key, b->key);
}

struct pyx_sum_row **pyx_sum_sorted(const struct pyx_sum_tab *tab, enum pyx_sum_sort key)
{
	struct pyx_sum_row **v;
	size_t i;

	if (!tab->n || !(v = malloc(tab->n * sizeof(*v))))
		return NULL;
	for (i = 0; i < tab->n; i++)
		v[i] = &tab->rows[i];
	sort_key = key; /* qsort has no context argument; the monitor sorts from one thread */
	qsort(v, tab->n, sizeof(*v), cmp_rows);
	return v;
}

int pyx_sum_sort_parse(const char *s)
{
	static const char *const names[] = { "time", "calls", "errors", "name" };
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static void tab_free(struct pyx_sum_tab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->rows[i].key);
	free(t->rows);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

void pyx_sum_timed_free(struct pyx_sum_timed *t)
{
	if (!t)
		return;
	tab_free(&t->events);
	tab_free(&t->syscalls);
	tab_free(&t->procs);
	tab_free(&t->lines);
}
