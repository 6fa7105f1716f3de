// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Printing of the correlator's annotations (out_corr.h); schema in docs/correlation.md. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode_catalog.h"
#include "decode_context.h"
#include "decode_syscall.h"
#include "out_corr.h"

/*
 * An attached syscall's text up to its "args" value, kept by (name, pid, tid): a thread's audit
 * records attach the same syscall again and again, and its name and two numbers were formatted
 * for each. The name is the syscall table's (one pointer per name). Per thread, as out_json.c's
 * caches.
 */
static __thread struct {
	const char *name;
	uint32_t pid, tid;
	size_t len;
	char text[128];
} att_head;

static void json_att_head(struct pyx_buf *b, const struct pyx_sysview *sv)
{
	uint32_t pid = sv->rec->hdr.pid, tid = sv->rec->hdr.tid;
	size_t start = b->len;

	if (att_head.len && att_head.name == sv->name && att_head.pid == pid &&
	    att_head.tid == tid) {
		pyx_buf_write(b, att_head.text, att_head.len);
		return;
	}
	/* piece by piece: no format string to parse per attached syscall */
	pyx_buf_puts(b, "{\"syscall\":\"");
	pyx_buf_puts(b, sv->name);
	pyx_buf_puts(b, "\",\"pid\":");
	pyx_buf_u64(b, pid);
	pyx_buf_puts(b, ",\"tid\":");
	pyx_buf_u64(b, tid);
	pyx_buf_puts(b, ",\"args\":");
	att_head.len = pyx_buf_keep(b, start, att_head.text, sizeof(att_head.text));
	att_head.name = sv->name;
	att_head.pid = pid;
	att_head.tid = tid;
}

static void json_att(struct pyx_buf *b, const struct pyx_corr_att *a)
{
	/* decoded here first, and kept for the syscall's own line that follows (mon_record.c) */
	const struct pyx_sysview *sv = pyx_sysrec_view_copy(a->rec, a->size, a->view_gen);

	if (!sv) {
		pyx_buf_puts(b, "null");
		return;
	}
	json_att_head(b, sv);
	pyx_json_sysargs(b, sv);
	pyx_json_sysresult(b, sv);
	if (a->child)
		pyx_buf_puts(b, ",\"child\":true");
	/* --raw: a syscall folded into its audit record is replayed from here (-r) */
	pyx_json_raw(b, a->rec, a->size);
	pyx_buf_putc(b, '}');
}

void pyx_corr_json_fields(struct pyx_buf *b, const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = it->rec;
	const struct pyx_corr_context *x = it->context;
	unsigned int i;

	if (it->verdict == PYX_V_NONE)
		return;
	pyx_buf_puts(b, ",\"verdict\":\"");
	pyx_buf_puts(b, pyx_corr_verdict_name(it->verdict));
	pyx_buf_putc(b, '"');
	if (it->why && it->verdict != PYX_V_MATCHED) {
		pyx_buf_puts(b, ",\"why\":");
		pyx_json_cstr(b, it->why);
	}
	if (h->type == PYX_REC_AUDIT) {
		pyx_buf_puts(b, ",\"syscalls\":[");
		for (i = 0; i < it->nsyscalls; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			json_att(b, &it->syscalls[i]);
		}
		pyx_buf_puts(b, "],\"syscalls_latency_ns\":");
		pyx_buf_u64(b, it->latency_ns);
		if (it->nsyscalls_dropped)
			pyx_buf_printf(b, ",\"syscalls_dropped\":%u", it->nsyscalls_dropped);
	}
	if (h->type == PYX_REC_SYSCALL && x && x->nstack) {
		pyx_buf_puts(b, ",\"stack\":[");
		for (i = 0; i < x->nstack; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_bytes(b, x->stack[i], strlen(x->stack[i]));
		}
		pyx_buf_putc(b, ']');
		if (x->origin) {
			pyx_buf_puts(b, ",\"origin\":");
			pyx_json_cstr(b, x->origin);
		}
		if (x->stack_note) {
			pyx_buf_puts(b, ",\"stack_note\":");
			pyx_json_cstr(b, x->stack_note);
		}
	}
	if (h->type == PYX_REC_SYSCALL && x) {
		pyx_buf_puts(b, ",\"context\":");
		pyx_json_corr_context(b, x);
	}
}

/* Plain text must not carry control characters from the monitored process. */
static void clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void pyx_corr_plain_suffix(const struct pyx_corr_item *it, char *buf, size_t size)
{
	const struct pyx_corr_context *x = it->context;
	size_t n = 0;
	unsigned int i;

	buf[0] = 0;
	if (it->verdict == PYX_V_NONE || !size)
		return;
	if (it->verdict == PYX_V_UNAUDITED) {
		if (x && x->has_event && x->file[0])
			snprintf(buf, size, "  UNAUDITED after %s at %s:%u", x->event, x->file,
				 x->line);
		else if (x && x->has_event)
			snprintf(buf, size, "  UNAUDITED after %s", x->event);
		else
			snprintf(buf, size, "  UNAUDITED");
		clean(buf);
		return;
	}
	n = snprintf(buf, size, "  [%s", pyx_corr_verdict_name(it->verdict));
	for (i = 0; i < it->nsyscalls && n < size; i++) {
		struct pyx_sysview sv;

		if (pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size, &sv))
			continue;
		n += snprintf(buf + n, size - n, "%s%s=%lld", i ? " " : ": ", sv.name,
			      (long long)sv.ret);
	}
	if (it->why && it->verdict != PYX_V_MATCHED && n < size)
		n += snprintf(buf + n, size - n, " (%s)", it->why);
	if (n < size)
		snprintf(buf + n, size - n, "]");
	clean(buf);
}

/* ,"correlation":{...} inside the JSON summary record */
void pyx_corr_json_summary(struct pyx_buf *b, const struct pyx_corr *c)
{
	struct pyx_corr_stats st;
	uint64_t n, p50, p99;
	unsigned int i, k = 0;

	pyx_corr_stats(c, &st);
	pyx_buf_puts(b, ",\"correlation\":{\"verdicts\":{");
	for (i = PYX_V_MATCHED; i < PYX_V__COUNT; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i > PYX_V_MATCHED ? "," : "",
			       pyx_corr_verdict_name(i), (unsigned long long)st.verdicts[i]);
	pyx_buf_printf(b,
		       "},\"blind_spots\":%llu,\"alerts\":%llu,\"capped\":%llu,"
		       "\"top_unaudited\":[",
		       (unsigned long long)st.blind_spots, (unsigned long long)st.alerts,
		       (unsigned long long)st.capped);
	for (i = 0; i < st.ntop; i++) {
		pyx_buf_printf(b, "%s{\"syscall\":\"%s\",\"context\":", i ? "," : "",
			       st.top[i].syscall);
		pyx_json_bytes(b, st.top[i].context, strlen(st.top[i].context));
		pyx_buf_printf(b, ",\"count\":%llu}", (unsigned long long)st.top[i].count);
	}
	pyx_buf_puts(b, "],\"latency\":{");
	for (i = 0; i < PYX_EV__COUNT; i++) {
		n = pyx_corr_latency(c, i, &p50, &p99);
		if (n)
			pyx_buf_printf(
				b, "%s\"%s\":{\"count\":%llu,\"p50_ns\":%llu,\"p99_ns\":%llu}",
				k++ ? "," : "", pyx_cat_event(i)->name, (unsigned long long)n,
				(unsigned long long)p50, (unsigned long long)p99);
	}
	pyx_buf_puts(b, "}}");
}

/* Lines after the plain summary. */
void pyx_corr_plain_summary(struct pyx_writer *w, const struct pyx_corr *c)
{
	struct pyx_buf *b = &w->buf;
	struct pyx_corr_stats st;
	uint64_t n, p50, p99;
	unsigned int i;

	pyx_corr_stats(c, &st);
	pyx_buf_puts(b, "correlation:");
	for (i = PYX_V_MATCHED; i < PYX_V__COUNT; i++)
		pyx_buf_printf(b, "%s %s %llu", i > PYX_V_MATCHED ? "," : "",
			       pyx_corr_verdict_name(i), (unsigned long long)st.verdicts[i]);
	pyx_buf_printf(b, ", blind-spot %llu, alert %llu, capped %llu",
		       (unsigned long long)st.blind_spots, (unsigned long long)st.alerts,
		       (unsigned long long)st.capped);
	pyx_writer_flush_line(w);
	for (i = 0; i < st.ntop; i++) {
		pyx_buf_printf(b, "  unaudited %-12s %8llu  ", st.top[i].syscall,
			       (unsigned long long)st.top[i].count);
		pyx_plain_bytes(b, st.top[i].context, strlen(st.top[i].context), 0);
		pyx_writer_flush_line(w);
	}
	for (i = 0; i < PYX_EV__COUNT; i++) {
		n = pyx_corr_latency(c, i, &p50, &p99);
		if (!n)
			continue;
		pyx_buf_printf(b, "  latency %-28s n=%-8llu p50=%lluns p99=%lluns",
			       pyx_cat_event(i)->name, (unsigned long long)n,
			       (unsigned long long)p50, (unsigned long long)p99);
		pyx_writer_flush_line(w);
	}
}

const struct pyx_annot_ops pyx_corr_annot_ops = {
	.json_fields = pyx_corr_json_fields,
	.plain_suffix = pyx_corr_plain_suffix,
	.json_summary = pyx_corr_json_summary,
	.plain_summary = pyx_corr_plain_summary,
};
