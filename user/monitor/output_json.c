// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* JSON Lines writer. The schema is docs/json-schema.md; change both together, additively. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "output.h"
#include "proc_context.h"
#include "summary.h"

static void json_common(struct pyx_writer *w, const char *type, const struct pyx_rec_hdr *h)
{
	struct pyx_buf *b = &w->buf;

	pyx_buf_printf(b, "{\"type\":\"%s\",\"ts\":%llu,\"pid\":%u,\"tid\":%u,\"uid\":%u,\"comm\":",
		       type, (unsigned long long)h->ts_ns, h->pid, h->tid, h->uid);
	pyx_json_bytes(b, h->comm, pyx_comm_len(h->comm));
	pyx_pctx_json(w->pctx, b, h->pid, h->tid, h->ts_ns);
}

static void json_value(struct pyx_buf *b, const struct pyx_value *v)
{
	char dec[PYX_BIGINT_MAX * 3 + 8];
	uint32_t i;
	bool str_keys;

	switch (v->type) {
	case PYX_TAG_NONE:
		pyx_buf_puts(b, "null");
		break;
	case PYX_TAG_FALSE:
		pyx_buf_puts(b, "false");
		break;
	case PYX_TAG_TRUE:
		pyx_buf_puts(b, "true");
		break;
	case PYX_TAG_INT:
		pyx_buf_printf(b, "%lld", (long long)v->i);
		break;
	case PYX_TAG_BIGINT:
		if (!v->len || pyx_bigint_to_dec(v, dec, sizeof(dec)) < 0)
			pyx_buf_puts(b, "{\"truncated\":\"int\"}");
		else
			pyx_buf_puts(b, dec);
		break;
	case PYX_TAG_FLOAT:
		if (isfinite(v->f))
			pyx_buf_double(b, v->f);
		else
			pyx_buf_printf(b, "{\"float\":\"%s\"}",
				       isnan(v->f) ? "nan" : v->f > 0 ? "inf" : "-inf");
		break;
	case PYX_TAG_STR:
		pyx_json_pystr(b, v->s.data, v->len, v->flags & PYX_TAG_ESCAPED);
		break;
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		pyx_buf_puts(b, v->type == PYX_TAG_BYTES ? "{\"bytes\":" : "{\"bytearray\":");
		pyx_json_bytes(b, v->s.data, v->len);
		pyx_buf_putc(b, '}');
		break;
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
		pyx_buf_putc(b, '[');
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			json_value(b, &v->items[i]);
		}
		pyx_buf_putc(b, ']');
		break;
	case PYX_TAG_DICT:
		str_keys = true;
		for (i = 0; i < v->len; i++)
			str_keys &= v->items[2 * i].type == PYX_TAG_STR;
		pyx_buf_puts(b, str_keys ? "{" : "{\"dict\":[");
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			if (!str_keys)
				pyx_buf_putc(b, '[');
			json_value(b, &v->items[2 * i]);
			pyx_buf_putc(b, str_keys ? ':' : ',');
			json_value(b, &v->items[2 * i + 1]);
			if (!str_keys)
				pyx_buf_putc(b, ']');
		}
		pyx_buf_puts(b, str_keys ? "}" : "]}");
		break;
	case PYX_TAG_OBJECT:
		pyx_buf_puts(b, "{\"object\":");
		pyx_json_bytes(b, v->obj.type_name, v->obj.type_len);
		pyx_buf_puts(b, ",\"attrs\":{");
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_bytes(b, v->obj.attrs[i].name, v->obj.attrs[i].name_len);
			pyx_buf_putc(b, ':');
			json_value(b, v->obj.attrs[i].value);
		}
		pyx_buf_puts(b, "}}");
		break;
	case PYX_TAG_DEPTH:
		pyx_buf_puts(b, "{\"truncated\":\"depth\"}");
		break;
	default: /* PYX_TAG_ELIDED; the decoder lets no other tag through */
		pyx_buf_puts(b, "{\"truncated\":\"elided\"}");
		break;
	}
}

static void json_audit(struct pyx_writer *w, const struct pyx_rec_audit *rec,
		       const struct pyx_event *ev)
{
	const struct pyx_cat_event *ce = pyx_cat_event(ev->event_id);
	const char *cat = pyx_cat_category_name(rec->category);
	struct pyx_buf *b = &w->buf;
	unsigned int i;

	json_common(w, "audit", &rec->hdr);
	pyx_buf_puts(b, ",\"event\":");
	pyx_json_pystr(b, ev->name->s.data, ev->name->len, ev->name->flags & PYX_TAG_ESCAPED);
	pyx_buf_printf(b, ",\"category\":\"%s\",\"seq\":%llu,\"args\":", cat ? cat : "other",
		       (unsigned long long)ev->seq);
	if (ev->flags & PYX_PF_NO_ARGS) {
		pyx_buf_puts(b, "null");
	} else if (ce && ce->nargs == ev->nargs) {
		pyx_buf_putc(b, '{');
		for (i = 0; i < ev->nargs; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_cstr(b, ce->args[i]);
			pyx_buf_putc(b, ':');
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
	pyx_buf_puts(b, ",\"frame\":");
	if (ev->flags & PYX_PF_NO_FRAME) {
		pyx_buf_puts(b, "null");
	} else {
		pyx_buf_puts(b, "{\"file\":");
		json_value(b, ev->file);
		pyx_buf_printf(b, ",\"line\":%u,\"function\":", ev->line);
		json_value(b, ev->function);
		pyx_buf_putc(b, '}');
	}
	if (ev->truncated)
		pyx_buf_puts(b, ",\"truncated\":true");
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

		pyx_buf_printf(b, ",\"event_id\":%u,\"category\":%u,\"claimed_len\":%u,\"payload_len\":%u",
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

	if (af)
		pyx_buf_printf(b, "{\"family\":\"%s\"", af);
	else
		pyx_buf_printf(b, "{\"family\":%d", sa->family);
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

static void json_sysarg(struct pyx_buf *b, const struct pyx_sysarg *a)
{
	char tmp[256];
	uint32_t i;

	if (pyx_argk_has_data(a->kind)) {
		if (a->null) {
			pyx_buf_puts(b, "null");
			return;
		}
		if (a->fault || !a->present) {
			pyx_buf_printf(b, "{\"fault\":\"0x%llx\"}", (unsigned long long)a->raw);
			return;
		}
	}
	switch (a->kind) {
	case PYX_AK_INT:
		pyx_buf_printf(b, "%lld", (long long)a->raw);
		break;
	case PYX_AK_FD:
	case PYX_AK_DIRFD:
	case PYX_AK_PID:
	case PYX_AK_UID:
	case PYX_AK_GID:
		pyx_buf_printf(b, "%d", (int)a->raw);
		break;
	case PYX_AK_UINT:
	case PYX_AK_SIZE:
	case PYX_AK_SOCKLEN:
		pyx_buf_printf(b, "%llu", (unsigned long long)a->raw);
		break;
	case PYX_AK_HEX:
	case PYX_AK_PTR:
		if (a->kind == PYX_AK_PTR && !a->raw)
			pyx_buf_puts(b, "null");
		else
			pyx_buf_printf(b, "\"0x%llx\"", (unsigned long long)a->raw);
		break;
	case PYX_AK_PATH:
	case PYX_AK_STR:
		pyx_json_bytes(b, a->u.path.str, a->u.path.len);
		break;
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
		json_sockaddr(b, &a->u.sa);
		break;
	case PYX_AK_SOCKLEN_PTR:
		pyx_buf_printf(b, "%u", a->u.socklen);
		break;
	case PYX_AK_ARGV:
		pyx_buf_putc(b, '[');
		for (i = 0; i < a->u.argv.count; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_cstr(b, a->u.argv.items[i]);
		}
		pyx_buf_putc(b, ']');
		break;
	case PYX_AK_BUF:
		pyx_json_bytes(b, a->u.buf.bytes, a->u.buf.len);
		break;
	case PYX_AK_OPEN_HOW:
		pyx_fmt_arg(PYX_AK_OPEN_FLAGS, a->u.how.flags, tmp, sizeof(tmp));
		pyx_buf_puts(b, "{\"flags\":");
		pyx_json_cstr(b, tmp);
		pyx_fmt_arg(PYX_AK_MODE, a->u.how.mode, tmp, sizeof(tmp));
		pyx_buf_puts(b, ",\"mode\":");
		pyx_json_cstr(b, tmp);
		pyx_buf_printf(b, ",\"resolve\":%llu}", (unsigned long long)a->u.how.resolve);
		break;
	case PYX_AK_CLONE_ARGS:
		pyx_fmt_arg(PYX_AK_CLONE_FLAGS, a->u.clone.flags, tmp, sizeof(tmp));
		pyx_buf_puts(b, "{\"flags\":");
		pyx_json_cstr(b, tmp);
		pyx_fmt_arg(PYX_AK_SIGNAL, a->u.clone.exit_signal, tmp, sizeof(tmp));
		pyx_buf_puts(b, ",\"exit_signal\":");
		pyx_json_cstr(b, tmp);
		pyx_buf_putc(b, '}');
		break;
	case PYX_AK_RLIMIT:
		pyx_buf_printf(b, "{\"cur\":%llu,\"max\":%llu}", (unsigned long long)a->u.rlim.cur,
			       (unsigned long long)a->u.rlim.max);
		break;
	default:
		/* flags, modes, signals...: strace-like symbolic text */
		if (pyx_fmt_arg(a->kind, a->raw, tmp, sizeof(tmp)) < 0)
			pyx_buf_printf(b, "%llu", (unsigned long long)a->raw);
		else
			pyx_json_cstr(b, tmp);
		break;
	}
}

void pyx_json_sysarg(struct pyx_buf *b, const struct pyx_sysarg *a)
{
	json_sysarg(b, a);
}

static void json_syscall(struct pyx_writer *w, const struct pyx_sysview *sv)
{
	struct pyx_buf *b = &w->buf;
	bool truncated = false;
	const char *en;
	unsigned int i, n;

	json_common(w, "syscall", &sv->rec->hdr);
	pyx_buf_printf(b, ",\"syscall\":\"%s\",\"nr\":%u,\"args\":", sv->name, sv->nr);
	if (sv->no_entry) {
		pyx_buf_puts(b, "null");
	} else {
		pyx_buf_putc(b, '{');
		for (i = 0; i < sv->nargs; i++) {
			if (i)
				pyx_buf_putc(b, ',');
			pyx_json_cstr(b, sv->args[i].name);
			pyx_buf_putc(b, ':');
			json_sysarg(b, &sv->args[i]);
			truncated |= sv->args[i].truncated;
		}
		pyx_buf_putc(b, '}');
	}
	if (sv->at_entry) {
		/* an entry-only row: its result is not known, so it has no ret, errno, latency */
		pyx_buf_puts(b, ",\"at_entry\":true");
		goto tail;
	}
	pyx_buf_printf(b, ",\"ret\":%lld", (long long)sv->ret);
	if (sv->err) {
		en = pyx_errno_name(sv->err);
		if (en)
			pyx_buf_printf(b, ",\"errno\":\"%s\"", en);
		else
			pyx_buf_printf(b, ",\"errno\":\"E%d\"", sv->err);
	}
	pyx_buf_printf(b, ",\"latency_ns\":%llu", (unsigned long long)sv->latency_ns);
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
	if (sv->io_uring) {
		const char *op = pyx_uring_op_name(sv->uring_op);

		/* issue 8: not the syscall itself but an io_uring request doing its work */
		if (op)
			pyx_buf_printf(b, ",\"via\":\"io_uring\",\"op\":\"%s\"", op);
		else
			pyx_buf_printf(b, ",\"via\":\"io_uring\",\"op\":%u", sv->uring_op);
		if (sv->no_result)
			pyx_buf_puts(b, ",\"result_known\":false");
	}
tail:
	if (truncated)
		pyx_buf_puts(b, ",\"truncated\":true");
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
		if (pv->filename)
			pyx_json_bytes(b, pv->filename, pv->filename_len);
		else
			pyx_buf_puts(b, "null");
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
		pyx_buf_printf(b, ",\"exit_code\":%d", pv->exit_code);
		if (pv->exited) {
			pyx_buf_printf(b, ",\"status\":%d", pv->exit_status);
		} else {
			sig = pyx_signal_name(pv->term_signal);
			if (sig)
				pyx_buf_printf(b, ",\"signal\":\"%s\"", sig);
			else
				pyx_buf_printf(b, ",\"signal\":%d", pv->term_signal);
		}
		break;
	default:
		break;
	}
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_lifecycle(struct pyx_writer *w, const struct pyx_rec_lifecycle *rec)
{
	struct pyx_buf *b = &w->buf;
	unsigned int v = rec->py_hexversion;

	json_common(w, "lifecycle", &rec->hdr);
	if (rec->kind == PYX_LC_HOOK_START) {
		pyx_buf_printf(b, ",\"event\":\"hook_start\",\"python\":\"%u.%u.%u\","
			       "\"py_hexversion\":%u,\"delivery\":\"%s\",\"status\":\"%s\"}",
			       v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v,
			       pyx_delivery_name(rec->delivery),
			       rec->status == 0 ? "installed" :
			       rec->status == PYX_HOOK_REFUSED ? "refused" : "error");
	} else {
		pyx_buf_printf(b, ",\"event\":\"hook_stop\",\"events_seen\":%llu,"
			       "\"events_emitted\":%llu}",
			       (unsigned long long)rec->events_seen,
			       (unsigned long long)rec->events_emitted);
	}
	pyx_writer_flush_line(w);
}

static void json_lost(struct pyx_writer *w, const struct pyx_rec_lost *rec)
{
	json_common(w, "lost", &rec->hdr);
	pyx_buf_printf(&w->buf, ",\"stream\":\"%s\",\"count\":%llu,\"reason\":\"%s\"}",
		       pyx_stream_name(rec->stream), (unsigned long long)rec->count,
		       w->lost_reason ? w->lost_reason : "ringbuf");
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

	pyx_buf_printf(b, "{\"type\":\"summary\",\"ts\":%llu,\"pid\":%d,\"tid\":%d,\"comm\":\"pyxcheck\","
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
	pyx_buf_printf(b, "},\"process\":{\"fork\":%llu,\"exec\":%llu,\"exit\":%llu},"
		       "\"lifecycle\":%llu,\"malformed\":%llu,\"lost\":{",
		       (unsigned long long)s->proc[PYX_PROC_FORK],
		       (unsigned long long)s->proc[PYX_PROC_EXEC],
		       (unsigned long long)s->proc[PYX_PROC_EXIT], (unsigned long long)s->lifecycle,
		       (unsigned long long)s->malformed);
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t lost = (s->lost_total[i] > s->lost_records[i] ? s->lost_total[i] :
									   s->lost_records[i]) +
				s->lost_output[i];

		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_stream_name(i),
			       (unsigned long long)lost);
	}
	pyx_buf_puts(b, "},\"throttled\":{");
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_stream_name(i),
			       (unsigned long long)(s->throttled_total[i] >
								    s->throttled_records[i] ?
							    s->throttled_total[i] :
							    s->throttled_records[i]));
	pyx_buf_putc(b, '}');
	if (s->corr && w->annot)
		w->annot->json_summary(b, s->corr);
	pyx_buf_putc(b, '}');
	pyx_writer_flush_line(w);
}

static void json_header(struct pyx_writer *w)
{
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
};
