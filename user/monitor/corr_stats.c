// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The correlator's statistics: verdict and alert counts (pyx_corr_stats), per-event latency
 * histograms for p50/p99, --summary's most frequent unaudited (syscall, context) pairs, the
 * oldest held record for the service's stats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr_internal.h"

/* ---- latency histogram: 8 linear sub-buckets per power of two, enough for p50/p99 ---- */

static unsigned int lat_bucket(uint64_t ns)
{
	unsigned int b;

	if (ns < 8)
		return (unsigned int)ns;
	b = 63 - __builtin_clzll(ns); /* >= 3 */
	return (b - 2) * 8 + (unsigned int)((ns >> (b - 3)) & 7);
}

static uint64_t lat_value(unsigned int i)
{
	unsigned int b = i / 8, sub = i % 8;

	if (b == 0)
		return sub;
	return ((uint64_t)(8 + sub)) << (b - 1);
}

void corr_lat_add(struct pyx_corr *c, unsigned int ev, uint64_t ns)
{
	if (ev >= PYX_EV__COUNT)
		return;
	if (!c->lat[ev]) {
		c->lat[ev] = calloc(LAT_BUCKETS, sizeof(uint32_t));
		if (!c->lat[ev])
			return;
	}
	c->lat[ev][lat_bucket(ns) < LAT_BUCKETS ? lat_bucket(ns) : LAT_BUCKETS - 1]++;
	c->lat_n[ev]++;
}

uint64_t pyx_corr_latency(const struct pyx_corr *c, unsigned int ev, uint64_t *p50, uint64_t *p99)
{
	uint64_t n, seen = 0, want50, want99;
	unsigned int i;

	*p50 = *p99 = 0;
	if (ev >= PYX_EV__COUNT || !c->lat[ev] || !c->lat_n[ev])
		return 0;
	n = c->lat_n[ev];
	want50 = (n * 50 + 99) / 100;
	want99 = (n * 99 + 99) / 100;
	for (i = 0; i < LAT_BUCKETS; i++) {
		seen += c->lat[ev][i];
		if (!*p50 && seen >= want50)
			*p50 = lat_value(i);
		if (seen >= want99) {
			*p99 = lat_value(i);
			break;
		}
	}
	return n;
}

/* strncpy that always terminates and never warns about cutting */
static void scopy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = 0;
}

static void ctx_text(const struct ctxcopy *x, char *buf, size_t n)
{
	if (!x || !x->has)
		snprintf(buf, n, "no audit event before it");
	else if (x->file[0])
		snprintf(buf, n, "after %.100s at %.150s:%u (%.50s)", x->event, x->file, x->line,
			 x->function);
	else
		snprintf(buf, n, "after %.100s", x->event);
}

void corr_count_top(struct pyx_corr *c, const char *syscall, const struct ctxcopy *x)
{
	char text[320];
	unsigned int i;

	ctx_text(x, text, sizeof(text));
	for (i = 0; i < c->ntop; i++) {
		if (!strcmp(c->top[i].syscall, syscall) && !strcmp(c->top[i].context, text)) {
			c->top[i].count++;
			return;
		}
	}
	if (c->ntop == TOP_KEYS) {
		c->top_other++;
		return;
	}
	scopy(c->top[c->ntop].syscall, sizeof(c->top[0].syscall), syscall);
	scopy(c->top[c->ntop].context, sizeof(c->top[0].context), text);
	c->top[c->ntop++].count = 1;
}

static int top_cmp(const void *a, const void *b)
{
	const struct topent *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

void pyx_corr_add_blind(struct pyx_corr *c, uint64_t n)
{
	c->st.blind_spots += n;
}

void pyx_corr_stats(const struct pyx_corr *c, struct pyx_corr_stats *out)
{
	struct topent top[TOP_KEYS];
	unsigned int i;

	*out = c->st;
	memcpy(top, c->top, sizeof(top));
	qsort(top, c->ntop, sizeof(top[0]), top_cmp);
	out->ntop = c->ntop < PYX_CORR_TOP_MAX ? c->ntop : PYX_CORR_TOP_MAX;
	for (i = 0; i < out->ntop; i++) {
		scopy(out->top[i].syscall, sizeof(out->top[i].syscall), top[i].syscall);
		scopy(out->top[i].context, sizeof(out->top[i].context), top[i].context);
		out->top[i].count = top[i].count;
	}
}

uint64_t pyx_corr_oldest_held(const struct pyx_corr *c)
{
	uint64_t oldest = UINT64_MAX;
	unsigned int b;

	for (b = 0; b < HASH_BUCKETS; b++) {
		const struct thread *t;

		for (t = c->threads[b]; t; t = t->hnext) {
			const struct pyx_rec_hdr *h;

			if (!t->head)
				continue;
			h = (const struct pyx_rec_hdr *)t->head->rec;
			if (h->ts_ns < oldest)
				oldest = h->ts_ns;
		}
	}
	return oldest;
}
