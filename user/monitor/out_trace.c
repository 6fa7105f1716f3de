// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --trace-out FILE.json: the Chrome trace-event format (the JSON object form) that Perfetto and
 * chrome://tracing load. One track per thread (pid = the process, tid = the thread, named by
 * metadata events at the end); audit events are complete ("X") slices from the event to the end
 * of the last syscall of the same thread matched to it; syscalls are slices nested in them, with
 * their arguments; fork, exec and exit are instants, and each fork is a flow arrow ("s" -> "f")
 * from the parent's clone/vfork slice to the child's first slice; alarms (unaudited syscalls,
 * mismatches, blind spots, alerts, losses) are instants of category "alarm" and their slices carry
 * "alarm" in cat.
 *
 * Events are written as they come, so memory does not grow with the run. Viewers require the
 * slices of one track to nest: a thread's records arrive in program order, and a slice that would
 * end after the slice it starts in (a composite event whose nested event's syscalls outlast its
 * own) is cut at its parent's end and says so ("clamped": true in args).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode_payload.h"
#include "decode_syscall.h"
#include "out_views.h"

/* Fit [start, *end) into the thread's open slices; push it. Returns true when it was cut. */
static bool nest(struct pyx_views *v, uint32_t pid, uint32_t tid, uint64_t start, uint64_t *end)
{
	struct pyx_thread_name *t = pyx_views_thread(v, pid, tid, true);
	bool cut = false;

	if (!t)
		return false;
	while (t->depth && t->ends[t->depth - 1] <= start)
		t->depth--;
	if (t->depth && *end > t->ends[t->depth - 1]) {
		*end = t->ends[t->depth - 1];
		cut = true;
	}
	if (*end > start && t->depth < PYX_VIEWS_STACK_MAX)
		t->ends[t->depth++] = *end;
	return cut;
}

static void us(struct pyx_buf *b, const char *key, uint64_t ns)
{
	pyx_buf_printf(b, ",\"%s\":%llu.%03llu", key, (unsigned long long)(ns / 1000),
		       (unsigned long long)(ns % 1000));
}

/* {"ph":ph,"name":...,"cat":cat,"pid":..,"tid":..,"ts":..  (the caller adds the rest and '}') */
static void begin(struct pyx_views *v, struct pyx_buf *b, const char *ph, const char *name,
		  size_t name_len, const char *cat, uint32_t pid, uint32_t tid, uint64_t ts)
{
	(void)v;
	pyx_buf_printf(b, "{\"ph\":\"%s\",\"name\":", ph);
	pyx_json_bytes(b, name, name_len);
	pyx_buf_printf(b, ",\"cat\":\"%s\",\"pid\":%u,\"tid\":%u", cat, pid, tid);
	us(b, "ts", ts);
}

static void emit(struct pyx_views *v, struct pyx_buf *b)
{
	if (!b->oom) {
		if (!v->trace_first)
			fputs(",\n", v->trace);
		v->trace_first = false;
		fwrite(b->p, 1, b->len, v->trace);
		v->trace_events++;
	}
	pyx_buf_free(b);
}

static bool alarm_verdict(unsigned int verdict)
{
	return verdict == PYX_V_MISMATCH || verdict == PYX_V_UNAUDITED || verdict == PYX_V_CHANGED;
}

void pyx_trace_mark(struct pyx_views *v, uint64_t ts, uint32_t pid, uint32_t tid, const char *name,
		    const char *kind, const char *why)
{
	struct pyx_buf b = {};

	begin(v, &b, "i", name, strlen(name), "alarm", pid, tid, ts);
	pyx_buf_puts(&b, ",\"s\":\"t\",\"args\":{\"alarm\":");
	pyx_json_cstr(&b, kind);
	if (why) {
		pyx_buf_puts(&b, ",\"why\":");
		pyx_json_cstr(&b, why);
	}
	pyx_buf_puts(&b, "}}");
	emit(v, &b);
}

void pyx_trace_audit(struct pyx_views *v, const struct pyx_rec_audit *rec,
		     const struct pyx_event *ev, const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = &rec->hdr;
	const char *name = (const char *)ev->name->s.data;
	size_t name_len = strnlen(name, ev->name->len);
	unsigned int verdict = it ? it->verdict : PYX_V_NONE;
	uint64_t end = h->ts_ns;
	struct pyx_buf b = {};
	struct pyx_sysview sv;
	unsigned int i;
	bool cut;

	for (i = 0; it && i < it->nsyscalls; i++) {
		if (pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size, &sv))
			continue;
		if (sv.rec->hdr.tid == h->tid && sv.enter_ns + sv.latency_ns > end)
			end = sv.enter_ns + sv.latency_ns;
	}
	cut = nest(v, h->pid, h->tid, h->ts_ns, &end);
	begin(v, &b, "X", name, name_len, alarm_verdict(verdict) ? "audit,alarm" : "audit", h->pid,
	      h->tid, h->ts_ns);
	us(&b, "dur", end - h->ts_ns);
	pyx_buf_printf(&b, ",\"args\":{\"seq\":%llu", (unsigned long long)ev->seq);
	if (!(ev->flags & PYX_PF_NO_FRAME) && ev->file) {
		pyx_buf_puts(&b, ",\"file\":");
		pyx_json_bytes(&b, ev->file->s.data, ev->file->len);
		pyx_buf_printf(&b, ",\"line\":%u,\"function\":", ev->line);
		pyx_json_bytes(&b, ev->function->s.data, ev->function->len);
	}
	if (verdict != PYX_V_NONE) {
		pyx_buf_printf(&b,
			       ",\"verdict\":\"%s\",\"syscalls\":%u,\"syscalls_latency_ns\":%llu",
			       pyx_corr_verdict_name(verdict), it->nsyscalls,
			       (unsigned long long)it->latency_ns);
		if (it->why && verdict != PYX_V_MATCHED) {
			pyx_buf_puts(&b, ",\"why\":");
			pyx_json_cstr(&b, it->why);
		}
	}
	if (cut)
		pyx_buf_puts(&b, ",\"clamped\":true");
	pyx_buf_puts(&b, "}}");
	emit(v, &b);
	if (alarm_verdict(verdict))
		pyx_trace_mark(v, h->ts_ns, h->pid, h->tid, "mismatch", "mismatch", it->why);
}

void pyx_trace_syscall(struct pyx_views *v, const struct pyx_sysview *sv,
		       const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = &sv->rec->hdr;
	unsigned int verdict = it ? it->verdict : PYX_V_NONE;
	uint64_t end = sv->enter_ns + sv->latency_ns;
	struct pyx_buf b = {};
	unsigned int i;
	bool cut = nest(v, h->pid, h->tid, sv->enter_ns, &end);

	begin(v, &b, "X", sv->name, strlen(sv->name),
	      alarm_verdict(verdict) ? "syscall,alarm" : "syscall", h->pid, h->tid, sv->enter_ns);
	us(&b, "dur", end - sv->enter_ns);
	pyx_buf_puts(&b, ",\"args\":{");
	for (i = 0; i < sv->nargs; i++) {
		pyx_json_cstr(&b, sv->args[i].name);
		pyx_buf_putc(&b, ':');
		pyx_json_sysarg(&b, &sv->args[i]);
		pyx_buf_putc(&b, ',');
	}
	if (sv->at_entry)
		pyx_buf_puts(&b, "\"ret\":null");
	else
		pyx_buf_printf(&b, "\"ret\":%lld", (long long)sv->ret);
	if (sv->err)
		pyx_buf_printf(&b, ",\"errno\":\"%s\"",
			       pyx_errno_name(sv->err) ? pyx_errno_name(sv->err) : "?");
	if (verdict != PYX_V_NONE)
		pyx_buf_printf(&b, ",\"verdict\":\"%s\"", pyx_corr_verdict_name(verdict));
	if (it && it->why && alarm_verdict(verdict)) {
		pyx_buf_puts(&b, ",\"why\":");
		pyx_json_cstr(&b, it->why);
	}
	if (it && it->context && it->context->has_event) {
		pyx_buf_puts(&b, ",\"after\":");
		pyx_json_cstr(&b, it->context->event);
	}
	if (cut)
		pyx_buf_puts(&b, ",\"clamped\":true");
	pyx_buf_puts(&b, "}}");
	emit(v, &b);
	if (alarm_verdict(verdict)) {
		char name[48];

		snprintf(name, sizeof(name), "%s %s", pyx_corr_verdict_name(verdict), sv->name);
		pyx_trace_mark(v, sv->enter_ns, h->pid, h->tid, name,
			       pyx_corr_verdict_name(verdict), it->why);
	}
}

void pyx_trace_process(struct pyx_views *v, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *h = &pv->rec->hdr;
	const char *kind = pyx_proc_kind_name(pv->kind);
	struct pyx_buf b = {};

	begin(v, &b, "i", kind, strlen(kind), "process", h->pid, h->tid, h->ts_ns);
	pyx_buf_puts(&b, ",\"s\":\"t\",\"args\":{");
	switch (pv->kind) {
	case PYX_PROC_FORK:
		pyx_buf_printf(&b, "\"child_pid\":%u,\"child_tid\":%u,\"thread\":%s}}",
			       pv->child_pid, pv->child_tid, pv->thread ? "true" : "false");
		break;
	case PYX_PROC_EXEC:
		pyx_buf_puts(&b, "\"filename\":");
		if (pv->filename)
			pyx_json_bytes(&b, pv->filename, pv->filename_len);
		else
			pyx_buf_puts(&b, "null");
		pyx_buf_puts(&b, "}}");
		break;
	case PYX_PROC_EXIT:
		pyx_buf_printf(&b, "\"exit_code\":%d,\"signal\":%d}}", pv->exit_code,
			       pv->term_signal);
		break;
	default:
		pyx_buf_puts(&b, "}}");
		break;
	}
	emit(v, &b);
	if (pv->kind != PYX_PROC_FORK)
		return;
	/* the arrow from the parent's track to the child's, which starts with an instant: "s"
	 * binds to the parent's slice around the fork (its clone or vfork), "f" (no "bp") to the
	 * child's first slice */
	v->flow_id++;
	begin(v, &b, "s", "fork", 4, "process", h->pid, h->tid, h->ts_ns);
	pyx_buf_printf(&b, ",\"id\":%llu}", (unsigned long long)v->flow_id);
	emit(v, &b);
	begin(v, &b, "i", "start", 5, "process", pv->child_pid, pv->child_tid, h->ts_ns);
	pyx_buf_printf(&b, ",\"s\":\"t\",\"args\":{\"parent_pid\":%u,\"parent_tid\":%u}}", h->pid,
		       h->tid);
	emit(v, &b);
	begin(v, &b, "f", "fork", 4, "process", pv->child_pid, pv->child_tid, h->ts_ns);
	pyx_buf_printf(&b, ",\"id\":%llu}", (unsigned long long)v->flow_id);
	emit(v, &b);
}

static int cmp_pid(const void *pa, const void *pb)
{
	const struct pyx_thread_name *a = *(const struct pyx_thread_name *const *)pa;
	const struct pyx_thread_name *b = *(const struct pyx_thread_name *const *)pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

int pyx_trace_finish(struct pyx_views *v)
{
	struct pyx_thread_name **by_pid = NULL;
	struct pyx_buf b = {};
	size_t i;

	/* names: a process by its main thread's latest comm (else its first thread's), a thread
	 * by its own */
	if (v->nnames && !(by_pid = malloc(v->nnames * sizeof(*by_pid))))
		return -ENOMEM;
	for (i = 0; i < v->nnames; i++)
		by_pid[i] = &v->names[i];
	if (v->nnames)
		qsort(by_pid, v->nnames, sizeof(*by_pid), cmp_pid);
	for (i = 0; i < v->nnames; i++) {
		const struct pyx_thread_name *t = by_pid[i];

		if (!i || by_pid[i - 1]->pid != t->pid) {
			const char *pname = pyx_views_comm(v, t->pid, t->pid);

			if (!strcmp(pname, "?"))
				pname = t->comm;
			pyx_buf_printf(&b,
				       "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,"
				       "\"tid\":%u,\"args\":{\"name\":",
				       t->pid, t->pid);
			pyx_json_bytes(&b, pname, strlen(pname));
			pyx_buf_puts(&b, "}}");
			emit(v, &b);
		}
		pyx_buf_printf(&b,
			       "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,"
			       "\"args\":{\"name\":",
			       t->pid, t->tid);
		pyx_json_bytes(&b, t->comm, strlen(t->comm));
		pyx_buf_puts(&b, "}}");
		emit(v, &b);
	}
	free(by_pid);
	fputs("\n]}\n", v->trace);
	if (fflush(v->trace) || ferror(v->trace))
		return errno ? -errno : -EIO;
	return 0;
}
