// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The views' tap (out_views.h): collects what the table, the trace and the report need. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode_payload.h"
#include "decode_syscall.h"
#include "out_file.h"
#include "out_views.h"

static FILE *open_file(const char *path, char *why, size_t n, int *err)
{
	char reason[160];
	int fd = pyx_outfile_open(path, false, reason, sizeof(reason));
	FILE *f;

	if (fd < 0) {
		*err = fd;
		snprintf(why, n, "%s: %s", path, reason);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		*err = -errno;
		snprintf(why, n, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

int pyx_views_new(struct pyx_views **out, const struct pyx_views_opts *o, struct pyx_summary *sum,
		  char *why, size_t why_size)
{
	struct pyx_views *v = calloc(1, sizeof(*v));
	int err = 0;

	if (!v)
		return -ENOMEM;
	v->o = *o;
	v->sum = sum;
	sum->timed = &v->timed;
	if (o->trace_path) {
		v->trace = open_file(o->trace_path, why, why_size, &err);
		if (!v->trace)
			goto fail;
		/* the object form: viewers read traceEvents and ignore the rest */
		fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", v->trace);
		v->trace_first = true;
	}
	if (o->html_path) {
		v->html = open_file(o->html_path, why, why_size, &err);
		if (!v->html)
			goto fail;
	}
	*out = v;
	return 0;
fail:
	sum->timed = NULL;
	pyx_views_free(v);
	return err;
}

static void see_time(struct pyx_views *v, uint64_t ts)
{
	if (!v->have_t0 || ts < v->t0_ns) {
		v->t0_ns = ts;
		v->have_t0 = true;
	}
	if (ts > v->t_end_ns)
		v->t_end_ns = ts;
}

static size_t slot_of(uint32_t pid, uint32_t tid, size_t n)
{
	uint64_t k = ((uint64_t)pid << 32 | tid) * 0x9e3779b97f4a7c15ull;

	return (size_t)(k >> 32) & (n - 1);
}

static size_t name_slot(const void *ctx, size_t row, size_t n)
{
	const struct pyx_thread_name *t = &((const struct pyx_views *)ctx)->names[row];

	return slot_of(t->pid, t->tid, n);
}

struct pyx_thread_name *pyx_views_thread(struct pyx_views *v, uint32_t pid, uint32_t tid,
					 bool create)
{
	struct pyx_thread_name *t;
	size_t j;

	if (create && (v->nnames + 1) * 2 > v->nname_index &&
	    pyx_index_grow(&v->name_index, &v->nname_index, 256, v->nnames, name_slot, v))
		return NULL;
	if (!v->nname_index)
		return NULL;
	for (j = slot_of(pid, tid, v->nname_index); v->name_index[j] != UINT32_MAX;
	     j = (j + 1) & (v->nname_index - 1)) {
		t = &v->names[v->name_index[j]];
		if (t->pid == pid && t->tid == tid)
			return t;
	}
	if (!create)
		return NULL;
	if (pyx_grow(&v->names, &v->cnames, v->nnames, sizeof(*v->names), 64))
		return NULL;
	t = &v->names[v->nnames];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	v->name_index[j] = v->nnames++;
	return t;
}

static void see_name(struct pyx_views *v, uint32_t pid, uint32_t tid, const char *comm)
{
	struct pyx_thread_name *t = pyx_views_thread(v, pid, tid, true);

	if (!t)
		return;
	memcpy(t->comm, comm, PYX_COMM_LEN);
	t->comm[PYX_COMM_LEN] = 0;
}

const char *pyx_views_comm(const struct pyx_views *v, uint32_t pid, uint32_t tid)
{
	struct pyx_thread_name *t = pyx_views_thread((struct pyx_views *)v, pid, tid, false);

	return t ? t->comm : "?";
}

static void add_span(struct pyx_views *v, enum pyx_span_kind kind, uint64_t start, uint64_t end,
		     uint32_t pid, uint32_t tid, const char *name, size_t name_len,
		     unsigned int verdict, bool failed)
{
	struct pyx_span *s;
	size_t i;

	if (!v->html)
		return;
	if (v->nspans == PYX_VIEWS_SPANS_MAX) {
		v->spans_dropped++;
		return;
	}
	if (pyx_grow(&v->spans, &v->cspans, v->nspans, sizeof(*v->spans), 1024)) {
		v->spans_dropped++;
		return;
	}
	s = &v->spans[v->nspans++];
	s->start_ns = start;
	s->end_ns = end;
	s->pid = pid;
	s->tid = tid;
	s->kind = kind;
	s->verdict = verdict;
	s->failed = failed;
	if (name_len >= sizeof(s->name))
		name_len = sizeof(s->name) - 1;
	for (i = 0; i < name_len; i++)
		s->name[i] = (unsigned char)name[i] < 0x20 ? '?' : name[i];
	s->name[name_len] = 0;
}

static struct pyx_finding *add_finding(struct pyx_views *v, const char *kind, uint64_t ts,
				       uint32_t pid, uint32_t tid, const char *comm)
{
	struct pyx_finding *f;

	if (!v->html)
		return NULL;
	if (v->nfindings == PYX_VIEWS_FINDINGS_MAX) {
		v->findings_dropped++;
		return NULL;
	}
	if (pyx_grow(&v->findings, &v->cfindings, v->nfindings, sizeof(*v->findings), 64)) {
		v->findings_dropped++;
		return NULL;
	}
	f = &v->findings[v->nfindings++];
	memset(f, 0, sizeof(*f));
	f->ts_ns = ts;
	f->pid = pid;
	f->tid = tid;
	if (comm)
		memcpy(f->comm, comm, strnlen(comm, PYX_COMM_LEN));
	snprintf(f->kind, sizeof(f->kind), "%s", kind);
	return f;
}

/* Text of a syscall, strace-like, control characters made '?' (the report escapes the rest). */
static void sc_text(const struct pyx_sysview *sv, char *buf, size_t size)
{
	size_t n = snprintf(buf, size, "%s(", sv->name);
	unsigned int i;

	for (i = 0; i < sv->nargs && n < size; i++) {
		const struct pyx_sysarg *a = &sv->args[i];
		char num[96];

		if ((a->kind == PYX_AK_PATH || a->kind == PYX_AK_STR) && a->present)
			n += snprintf(buf + n, size - n, "%s\"%.*s\"", i ? ", " : "",
				      (int)a->u.path.len, a->u.path.str);
		else if (!pyx_argk_has_data(a->kind) &&
			 pyx_fmt_arg(a->kind, a->raw, num, sizeof(num)) >= 0)
			n += snprintf(buf + n, size - n, "%s%s", i ? ", " : "", num);
		else
			n += snprintf(buf + n, size - n, "%s0x%llx", i ? ", " : "",
				      (unsigned long long)a->raw);
	}
	if (n >= size)
		goto out;
	if (sv->at_entry)
		snprintf(buf + n, size - n, ")");
	else if (sv->err)
		snprintf(buf + n, size - n, ") = -1 %s",
			 pyx_errno_name(sv->err) ? pyx_errno_name(sv->err) : "?");
	else
		snprintf(buf + n, size - n, ") = %lld", (long long)sv->ret);
out:
	for (n = 0; buf[n]; n++)
		if ((unsigned char)buf[n] < 0x20 || buf[n] == 0x7f)
			buf[n] = '?';
}

static void context_text(const struct pyx_corr_context *x, const char *why, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	if (why)
		n = snprintf(buf, size, "%s", why);
	if (n < size && x && x->has_event) {
		n += snprintf(buf + n, size - n, "%safter %s", n ? "; " : "", x->event);
		if (n < size && x->file[0])
			snprintf(buf + n, size - n, " at %s:%u (%s)", x->file, x->line,
				 x->function);
	}
	for (n = 0; buf[n]; n++)
		if ((unsigned char)buf[n] < 0x20 || buf[n] == 0x7f)
			buf[n] = '?';
}

void pyx_views_audit(struct pyx_views *v, const struct pyx_rec_audit *rec,
		     const struct pyx_event *ev, const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = &rec->hdr;
	const char *name = (const char *)ev->name->s.data;
	size_t name_len = strnlen(name, ev->name->len);
	uint64_t end = h->ts_ns;
	struct pyx_sysview sv;
	unsigned int i;
	bool failed = false;

	see_time(v, h->ts_ns);
	see_name(v, h->pid, h->tid, h->comm);
	if (v->o.table || v->html)
		pyx_sum_timed_audit(&v->timed, rec, ev, it);
	for (i = 0; it && i < it->nsyscalls; i++) {
		if (pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size, &sv))
			continue;
		failed |= sv.err != 0;
		if (sv.rec->hdr.tid == h->tid && sv.enter_ns + sv.latency_ns > end)
			end = sv.enter_ns + sv.latency_ns;
	}
	if (v->trace)
		pyx_trace_audit(v, rec, ev, it);
	add_span(v, PYX_SPAN_AUDIT, h->ts_ns, end, h->pid, h->tid, name, name_len,
		 it ? it->verdict : PYX_V_NONE, failed);
	if (it && (it->verdict == PYX_V_MISMATCH)) {
		struct pyx_finding *f = add_finding(v, pyx_corr_verdict_name(it->verdict), h->ts_ns,
						    h->pid, h->tid, h->comm);
		size_t n = 0;

		if (!f)
			return;
		snprintf(f->what, sizeof(f->what), "%.*s", (int)name_len, name);
		if (!(ev->flags & PYX_PF_NO_FRAME) && ev->file)
			n = snprintf(f->context, sizeof(f->context), "at %.*s:%u; ",
				     (int)ev->file->len, (const char *)ev->file->s.data, ev->line);
		if (n < sizeof(f->context))
			n += snprintf(f->context + n, sizeof(f->context) - n, "%s",
				      it->why ? it->why : "");
		for (i = 0; i < it->nsyscalls && n < sizeof(f->context); i++) {
			char t[160];

			if (pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size, &sv))
				continue;
			sc_text(&sv, t, sizeof(t));
			n += snprintf(f->context + n, sizeof(f->context) - n, "; %s", t);
		}
		for (n = 0; f->context[n]; n++)
			if ((unsigned char)f->context[n] < 0x20)
				f->context[n] = '?';
		for (n = 0; f->what[n]; n++)
			if ((unsigned char)f->what[n] < 0x20)
				f->what[n] = '?';
	}
}

void pyx_views_syscall(struct pyx_views *v, const struct pyx_sysview *sv,
		       const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = &sv->rec->hdr;
	unsigned int verdict = it ? it->verdict : PYX_V_NONE;

	see_time(v, sv->enter_ns);
	see_time(v, h->ts_ns);
	see_name(v, h->pid, h->tid, h->comm);
	if (v->o.table || v->html)
		pyx_sum_timed_syscall(&v->timed, sv);
	if (v->trace)
		pyx_trace_syscall(v, sv, it);
	add_span(v, PYX_SPAN_SYSCALL, sv->enter_ns, sv->enter_ns + sv->latency_ns, h->pid, h->tid,
		 sv->name, strlen(sv->name), verdict, sv->err != 0);
	if (verdict == PYX_V_UNAUDITED || verdict == PYX_V_CHANGED) {
		struct pyx_finding *f = add_finding(v, pyx_corr_verdict_name(verdict), sv->enter_ns,
						    h->pid, h->tid, h->comm);

		add_span(v, PYX_SPAN_ALARM, sv->enter_ns, sv->enter_ns, h->pid, h->tid, sv->name,
			 strlen(sv->name), verdict, false);
		if (!f)
			return;
		sc_text(sv, f->what, sizeof(f->what));
		context_text(it->context, it->why, f->context, sizeof(f->context));
	}
}

void pyx_views_process(struct pyx_views *v, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *h = &pv->rec->hdr;
	const char *kind = pyx_proc_kind_name(pv->kind);

	see_time(v, h->ts_ns);
	see_name(v, h->pid, h->tid, h->comm);
	if (v->trace)
		pyx_trace_process(v, pv);
	add_span(v, PYX_SPAN_PROC, h->ts_ns, h->ts_ns, h->pid, h->tid, kind, strlen(kind),
		 PYX_V_NONE, false);
}

void pyx_views_blind(struct pyx_views *v, const struct pyx_corr_blind *b)
{
	struct pyx_finding *f;

	see_time(v, b->ts_ns);
	if (v->trace)
		pyx_trace_mark(v, b->ts_ns, b->pid, b->pid, "blind-spot", "blind-spot", b->why);
	add_span(v, PYX_SPAN_ALARM, b->ts_ns, b->ts_ns, b->pid, b->pid, "blind-spot", 10,
		 PYX_V_NONE, false);
	f = add_finding(v, "blind-spot", b->ts_ns, b->pid, b->pid, b->comm);
	if (!f)
		return;
	snprintf(f->what, sizeof(f->what), "%s", b->exe);
	snprintf(f->context, sizeof(f->context), "%s%s%s", b->why,
		 b->builtin ? "; python:audit events: " : "", b->builtin ? b->builtin : "");
}

void pyx_views_alert(struct pyx_views *v, const struct pyx_corr_alert *a)
{
	struct pyx_finding *f;

	see_time(v, a->ts_ns);
	if (v->trace)
		pyx_trace_mark(v, a->ts_ns, a->pid, a->tid, a->alert, "alert", a->why);
	add_span(v, PYX_SPAN_ALARM, a->ts_ns, a->ts_ns, a->pid, a->tid, a->alert, strlen(a->alert),
		 PYX_V_NONE, false);
	f = add_finding(v, "alert", a->ts_ns, a->pid, a->tid, a->comm);
	if (!f)
		return;
	snprintf(f->what, sizeof(f->what), "%s %.*s", a->alert, a->path ? (int)a->path_len : 0,
		 a->path ? a->path : "");
	context_text(a->context, a->why, f->context, sizeof(f->context));
}

void pyx_views_lost(struct pyx_views *v, const struct pyx_rec_lost *l)
{
	struct pyx_finding *f;

	if (v->trace)
		pyx_trace_mark(v, l->hdr.ts_ns, l->hdr.pid, l->hdr.tid, "lost", "lost",
			       pyx_stream_name(l->stream));
	f = add_finding(v, "lost", l->hdr.ts_ns, l->hdr.pid, l->hdr.tid, l->hdr.comm);
	if (!f)
		return;
	snprintf(f->what, sizeof(f->what), "%llu %s records lost", (unsigned long long)l->count,
		 pyx_stream_name(l->stream));
}

int pyx_views_finish(struct pyx_views *v, struct pyx_writer *w, char *why, size_t why_size)
{
	int err = 0, e;

	if (v->o.table)
		pyx_table_print(v, v->o.table_stderr ? NULL : w, stderr);
	if (v->trace) {
		e = pyx_trace_finish(v);
		if (fclose(v->trace) && !e)
			e = -errno;
		v->trace = NULL;
		if (e) {
			snprintf(why, why_size, "failed to write %s: %s", v->o.trace_path,
				 strerror(-e));
			err = e;
		}
	}
	if (v->html) {
		e = pyx_html_write(v);
		if (fclose(v->html) && !e)
			e = -errno;
		v->html = NULL;
		if (e && !err) {
			snprintf(why, why_size, "failed to write %s: %s", v->o.html_path,
				 strerror(-e));
			err = e;
		}
	}
	return err;
}

void pyx_views_free(struct pyx_views *v)
{
	if (!v)
		return;
	if (v->trace)
		fclose(v->trace);
	if (v->html)
		fclose(v->html);
	if (v->sum && v->sum->timed == &v->timed)
		v->sum->timed = NULL;
	pyx_sum_timed_free(&v->timed);
	free(v->name_index);
	free(v->spans);
	free(v->findings);
	free(v->names);
	free(v);
}

/* -c: records are counted into the tables, not printed */
static void none_header(struct pyx_writer *w)
{
}

static void none_audit(struct pyx_writer *w, const struct pyx_rec_audit *rec,
		       const struct pyx_event *ev)
{
}

static void none_malformed(struct pyx_writer *w, const struct pyx_rec_hdr *hdr, const char *source,
			   const char *why, const void *raw, size_t raw_len)
{
}

static void none_syscall(struct pyx_writer *w, const struct pyx_sysview *sv)
{
}

static void none_process(struct pyx_writer *w, const struct pyx_procview *pv)
{
}

static void none_lifecycle(struct pyx_writer *w, const struct pyx_rec_lifecycle *rec)
{
}

static void none_lost(struct pyx_writer *w, const struct pyx_rec_lost *rec)
{
}

static void none_summary(struct pyx_writer *w, const struct pyx_summary *s)
{
}

const struct pyx_output_ops pyx_output_none = {
	.header = none_header,
	.audit = none_audit,
	.malformed = none_malformed,
	.syscall = none_syscall,
	.process = none_process,
	.lifecycle = none_lifecycle,
	.lost = none_lost,
	.summary = none_summary,
};
