// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Human columns: TIME PID COMM T WHAT, where T is A (audit), S (syscall), P (process),
 * L (hook lifecycle) or ! (lost, malformed). Audit arguments read like Python reprs, syscalls like
 * strace. Everything from a monitored process is escaped (buf.h): no raw control byte reaches the
 * terminal. On a terminal the line is cut to the width, keeping the result visible.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "correlate.h"
#include "output.h"
#include "summary.h"

#define C_RESET "\033[0m"
#define C_AUDIT "\033[36m"
#define C_SYSCALL "\033[1m"
#define C_FAIL "\033[31m"
#define C_WARN "\033[33m"
#define C_DIM "\033[2m"

static void put_color(struct pyx_writer *w, struct pyx_buf *b, const char *c)
{
	if (w->color)
		pyx_buf_puts(b, c);
}

static void plain_prefix(struct pyx_writer *w, const struct pyx_rec_hdr *h, char t)
{
	int64_t real = (int64_t)h->ts_ns + w->real_offset;
	time_t sec = real / 1000000000;
	struct tm tm;
	char ts[16];

	localtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	pyx_buf_printf(&w->buf, "%s.%06u %7u ", ts, (unsigned int)(real % 1000000000 / 1000), h->pid);
	/* comm is escaped then padded: count what was written, not the raw bytes */
	{
		size_t before = w->buf.len, n;

		pyx_plain_bytes(&w->buf, h->comm, pyx_comm_len(h->comm), 0);
		n = w->buf.len - before;
		while (n++ < 15)
			pyx_buf_putc(&w->buf, ' ');
	}
	pyx_buf_printf(&w->buf, " %c ", t);
}

/* Columns of text (UTF-8 continuation bytes take none; escapes are ASCII). */
static size_t columns(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Assemble prefix + (coloured) body + suffix into w->buf and write, cutting body on a terminal. */
static void plain_emit(struct pyx_writer *w, const char *color, struct pyx_buf *body,
		       const char *suffix, const char *suffix_color)
{
	size_t room, pre = columns(w->buf.p ? w->buf.p : "", w->buf.len), len = body->len;
	size_t sfx = strlen(suffix);
	bool cut = false;

	if (w->fit && pre + columns(body->p ? body->p : "", body->len) + sfx > w->width) {
		room = w->width > pre + sfx + 3 ? w->width - pre - sfx - 3 : 0;
		for (len = 0; len < body->len; len++) {
			if (((unsigned char)body->p[len] & 0xc0) == 0x80)
				continue;
			if (!room)
				break;
			room--;
		}
		cut = true;
	}
	put_color(w, &w->buf, color);
	if (len)
		pyx_buf_write(&w->buf, body->p, len);
	if (cut)
		pyx_buf_puts(&w->buf, "...");
	put_color(w, &w->buf, C_RESET);
	if (sfx) {
		put_color(w, &w->buf, suffix_color);
		pyx_buf_puts(&w->buf, suffix);
		put_color(w, &w->buf, C_RESET);
	}
	body->len = 0;
	pyx_writer_flush_line(w);
}

/* Columns are for people: a long str or bytes (a module's bytecode in marshal.loads) is cut
 * here; the JSON output carries all of it. */
#define PLAIN_STR_MAX 120

static uint32_t plain_cut(const struct pyx_value *v, bool *cut)
{
	uint32_t n = v->len;

	*cut = false;
	if (n <= PLAIN_STR_MAX)
		return n;
	n = PLAIN_STR_MAX;
	/* on a UTF-8 character boundary */
	while (n && (v->s.data[n] & 0xc0) == 0x80)
		n--;
	*cut = true;
	return n;
}

static void plain_value(struct pyx_buf *b, const struct pyx_value *v)
{
	char dec[PYX_BIGINT_MAX * 3 + 8];
	bool cut = false;
	uint32_t i, n;

	switch (v->type) {
	case PYX_TAG_NONE:
		pyx_buf_puts(b, "None");
		break;
	case PYX_TAG_FALSE:
		pyx_buf_puts(b, "False");
		break;
	case PYX_TAG_TRUE:
		pyx_buf_puts(b, "True");
		break;
	case PYX_TAG_INT:
		pyx_buf_printf(b, "%lld", (long long)v->i);
		break;
	case PYX_TAG_BIGINT:
		if (!v->len || pyx_bigint_to_dec(v, dec, sizeof(dec)) < 0)
			pyx_buf_puts(b, "<int...>");
		else
			pyx_buf_puts(b, dec);
		break;
	case PYX_TAG_FLOAT:
		if (isfinite(v->f))
			pyx_buf_double(b, v->f);
		else
			pyx_buf_puts(b, isnan(v->f) ? "nan" : v->f > 0 ? "inf" : "-inf");
		break;
	case PYX_TAG_STR:
		n = plain_cut(v, &cut);
		pyx_buf_putc(b, '\'');
		pyx_plain_pystr(b, v->s.data, n, v->flags & PYX_TAG_ESCAPED, '\'');
		pyx_buf_puts(b, cut ? "'..." : "'");
		break;
	case PYX_TAG_BYTES:
	case PYX_TAG_BYTEARRAY:
		n = plain_cut(v, &cut);
		pyx_buf_puts(b, v->type == PYX_TAG_BYTES ? "b'" : "bytearray(b'");
		pyx_plain_bytes(b, v->s.data, n, '\'');
		pyx_buf_puts(b, cut ? "'..." : "'");
		if (v->type == PYX_TAG_BYTEARRAY)
			pyx_buf_putc(b, ')');
		break;
	case PYX_TAG_TUPLE:
	case PYX_TAG_LIST:
		pyx_buf_putc(b, v->type == PYX_TAG_TUPLE ? '(' : '[');
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_puts(b, ", ");
			plain_value(b, &v->items[i]);
		}
		if (v->type == PYX_TAG_TUPLE && v->len == 1)
			pyx_buf_putc(b, ',');
		pyx_buf_putc(b, v->type == PYX_TAG_TUPLE ? ')' : ']');
		break;
	case PYX_TAG_DICT:
		pyx_buf_putc(b, '{');
		for (i = 0; i < v->len; i++) {
			if (i)
				pyx_buf_puts(b, ", ");
			plain_value(b, &v->items[2 * i]);
			pyx_buf_puts(b, ": ");
			plain_value(b, &v->items[2 * i + 1]);
		}
		pyx_buf_putc(b, '}');
		break;
	case PYX_TAG_OBJECT:
		pyx_buf_putc(b, '<');
		pyx_plain_bytes(b, v->obj.type_name, v->obj.type_len, 0);
		for (i = 0; i < v->len; i++) {
			pyx_buf_putc(b, ' ');
			pyx_plain_bytes(b, v->obj.attrs[i].name, v->obj.attrs[i].name_len, 0);
			pyx_buf_putc(b, '=');
			plain_value(b, v->obj.attrs[i].value);
		}
		pyx_buf_putc(b, '>');
		break;
	case PYX_TAG_DEPTH:
		pyx_buf_puts(b, "<nested too deep>");
		return;
	default:
		pyx_buf_puts(b, "<elided>");
		return;
	}
	if ((v->flags & PYX_TAG_TRUNCATED) && !cut)
		pyx_buf_puts(b, "...");
}

static struct pyx_buf body;

static void plain_audit(struct pyx_writer *w, const struct pyx_rec_audit *rec,
			const struct pyx_event *ev)
{
	const struct pyx_cat_event *ce = pyx_cat_event(ev->event_id);
	bool named = ce && ce->nargs == ev->nargs;
	char sfx[256] = "";
	unsigned int i;

	plain_prefix(w, &rec->hdr, 'A');
	pyx_plain_pystr(&body, ev->name->s.data, ev->name->len, ev->name->flags & PYX_TAG_ESCAPED, 0);
	for (i = 0; i < ev->nargs; i++) {
		pyx_buf_puts(&body, i ? ", " : " ");
		if (named)
			pyx_buf_printf(&body, "%s=", ce->args[i]);
		plain_value(&body, &ev->args[i]);
	}
	if (!(ev->flags & PYX_PF_NO_FRAME))
		snprintf(sfx, sizeof(sfx), " @%u", ev->line);
	if (w->corr)
		w->annot->plain_suffix(w->corr, sfx + strlen(sfx), sizeof(sfx) - strlen(sfx));
	plain_emit(w, C_AUDIT, &body, sfx, C_DIM);
}

static void plain_malformed(struct pyx_writer *w, const struct pyx_rec_hdr *hdr, const char *source,
			    const char *why, const void *raw, size_t raw_len)
{
	plain_prefix(w, hdr, '!');
	pyx_buf_printf(&body, "malformed %s record (%zu bytes): %s", source, raw_len, why);
	plain_emit(w, C_WARN, &body, "", "");
}

static void plain_sockaddr(struct pyx_buf *b, const struct pyx_sockaddr_view *sa)
{
	const char *af = pyx_af_name(sa->family);

	if (!sa->decoded) {
		if (af)
			pyx_buf_printf(b, "{%s}", af);
		else
			pyx_buf_printf(b, "{family=%d}", sa->family);
	} else if (sa->unnamed) {
		pyx_buf_puts(b, "{AF_UNIX}");
	} else if (sa->unix_path || sa->abstract) {
		pyx_buf_puts(b, sa->abstract ? "{AF_UNIX \"@" : "{AF_UNIX \"");
		pyx_plain_bytes(b, sa->unix_path, sa->unix_len, '"');
		pyx_buf_puts(b, "\"}");
	} else if (sa->family == 10) {
		pyx_buf_printf(b, "{[%s]:%u}", sa->addr, sa->port);
	} else {
		pyx_buf_printf(b, "{%s:%u}", sa->addr, sa->port);
	}
}

static void plain_sysarg(struct pyx_buf *b, const struct pyx_sysarg *a)
{
	char tmp[256];
	uint32_t i;

	if (pyx_argk_has_data(a->kind)) {
		if (a->null) {
			pyx_buf_puts(b, "NULL");
			return;
		}
		if (a->fault || !a->present) {
			pyx_buf_printf(b, "0x%llx", (unsigned long long)a->raw);
			return;
		}
	}
	switch (a->kind) {
	case PYX_AK_PATH:
	case PYX_AK_STR:
		pyx_buf_putc(b, '"');
		pyx_plain_bytes(b, a->u.path.str, a->u.path.len, '"');
		pyx_buf_putc(b, '"');
		break;
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
		plain_sockaddr(b, &a->u.sa);
		break;
	case PYX_AK_SOCKLEN_PTR:
		pyx_buf_printf(b, "[%u]", a->u.socklen);
		break;
	case PYX_AK_ARGV:
		pyx_buf_putc(b, '[');
		for (i = 0; i < a->u.argv.count; i++) {
			pyx_buf_puts(b, i ? ", \"" : "\"");
			pyx_plain_bytes(b, a->u.argv.items[i], strlen(a->u.argv.items[i]), '"');
			pyx_buf_putc(b, '"');
		}
		pyx_buf_putc(b, ']');
		break;
	case PYX_AK_BUF:
		pyx_buf_putc(b, '"');
		pyx_plain_bytes(b, a->u.buf.bytes, a->u.buf.len, '"');
		pyx_buf_putc(b, '"');
		break;
	case PYX_AK_OPEN_HOW:
		pyx_fmt_arg(PYX_AK_OPEN_FLAGS, a->u.how.flags, tmp, sizeof(tmp));
		pyx_buf_printf(b, "{flags=%s", tmp);
		pyx_fmt_arg(PYX_AK_MODE, a->u.how.mode, tmp, sizeof(tmp));
		pyx_buf_printf(b, ", mode=%s, resolve=%#llx}", tmp,
			       (unsigned long long)a->u.how.resolve);
		break;
	case PYX_AK_CLONE_ARGS:
		pyx_fmt_arg(PYX_AK_CLONE_FLAGS, a->u.clone.flags, tmp, sizeof(tmp));
		pyx_buf_printf(b, "{flags=%s", tmp);
		pyx_fmt_arg(PYX_AK_SIGNAL, a->u.clone.exit_signal, tmp, sizeof(tmp));
		pyx_buf_printf(b, ", exit_signal=%s}", tmp);
		break;
	case PYX_AK_RLIMIT:
		pyx_buf_printf(b, "{cur=%llu, max=%llu}", (unsigned long long)a->u.rlim.cur,
			       (unsigned long long)a->u.rlim.max);
		break;
	default:
		if (pyx_fmt_arg(a->kind, a->raw, tmp, sizeof(tmp)) < 0)
			pyx_buf_printf(b, "%#llx", (unsigned long long)a->raw);
		else
			pyx_buf_puts(b, tmp);
		break;
	}
	if (a->truncated)
		pyx_buf_puts(b, "...");
}

static void plain_syscall(struct pyx_writer *w, const struct pyx_sysview *sv)
{
	char sfx[256];
	unsigned int i;
	const char *en;

	plain_prefix(w, &sv->rec->hdr, 'S');
	pyx_buf_printf(&body, "%s(", sv->name);
	for (i = 0; i < sv->nargs && !sv->no_entry; i++) {
		if (i)
			pyx_buf_puts(&body, ", ");
		plain_sysarg(&body, &sv->args[i]);
	}
	pyx_buf_puts(&body, sv->no_entry ? "?)" : ")");
	for (i = 0; i < sv->nargs && sv->changed; i++)
		if (sv->args[i].changed)
			pyx_buf_printf(&body, " [%s changed during the syscall]", sv->args[i].name);
	if (sv->read_at_exit)
		pyx_buf_puts(&body, " [read at exit]");
	if (sv->io_uring) {
		const char *op = pyx_uring_op_name(sv->uring_op);

		if (op)
			pyx_buf_printf(&body, " via io_uring %s", op);
		else
			pyx_buf_printf(&body, " via io_uring op %u", sv->uring_op);
	}
	if (sv->at_entry || sv->no_result) {
		/* an entry-only row, or io_uring without a completion: result not known */
		snprintf(sfx, sizeof(sfx), " = ?");
	} else if (sv->err) {
		en = pyx_errno_name(sv->err);
		if (en)
			snprintf(sfx, sizeof(sfx), " = -1 %s", en);
		else
			snprintf(sfx, sizeof(sfx), " = -1 E%d", sv->err);
	} else if (sv->ret_kind == PYX_RK_ADDR) {
		snprintf(sfx, sizeof(sfx), " = %#llx", (unsigned long long)sv->ret);
	} else {
		snprintf(sfx, sizeof(sfx), " = %lld", (long long)sv->ret);
	}
	if (w->corr)
		w->annot->plain_suffix(w->corr, sfx + strlen(sfx), sizeof(sfx) - strlen(sfx));
	plain_emit(w, "", &body, sfx,
		   w->corr && w->corr->verdict == PYX_V_UNAUDITED ? C_WARN : sv->err ? C_FAIL : "");
}

static void plain_process(struct pyx_writer *w, const struct pyx_procview *pv)
{
	const char *sig;

	plain_prefix(w, &pv->rec->hdr, 'P');
	switch (pv->kind) {
	case PYX_PROC_FORK:
		pyx_buf_printf(&body, "%s child=%u%s", pv->thread ? "thread" : "fork",
			       pv->thread ? pv->child_tid : pv->child_pid,
			       pv->unmonitored ? " (not monitored: monitored set full)" : "");
		break;
	case PYX_PROC_EXEC:
		pyx_buf_puts(&body, "exec \"");
		if (pv->filename)
			pyx_plain_bytes(&body, pv->filename, pv->filename_len, '"');
		pyx_buf_putc(&body, '"');
		if (pv->exe_deleted)
			pyx_buf_puts(&body, pv->exe_memfd ? " (memfd)" : " (deleted)");
		if (pv->no_exec_syscall)
			pyx_buf_puts(&body, " (no execve seen)");
		break;
	case PYX_PROC_EXIT:
		if (pv->exited) {
			pyx_buf_printf(&body, "exit status=%d", pv->exit_status);
		} else {
			sig = pyx_signal_name(pv->term_signal);
			if (sig)
				pyx_buf_printf(&body, "exit killed by %s", sig);
			else
				pyx_buf_printf(&body, "exit killed by signal %d", pv->term_signal);
		}
		break;
	default:
		pyx_buf_puts(&body, "unknown");
	}
	plain_emit(w, C_DIM, &body, "", "");
}

static void plain_lifecycle(struct pyx_writer *w, const struct pyx_rec_lifecycle *rec)
{
	unsigned int v = rec->py_hexversion;

	plain_prefix(w, &rec->hdr, 'L');
	if (rec->kind == PYX_LC_HOOK_START)
		pyx_buf_printf(&body, "hook_start python=%u.%u.%u delivery=%s status=%s", v >> 24,
			       (v >> 16) & 0xff, (v >> 8) & 0xff, pyx_delivery_name(rec->delivery),
			       rec->status == 0 ? "installed" :
			       rec->status == PYX_HOOK_REFUSED ? "refused" : "error");
	else
		pyx_buf_printf(&body, "hook_stop events_seen=%llu events_emitted=%llu",
			       (unsigned long long)rec->events_seen,
			       (unsigned long long)rec->events_emitted);
	plain_emit(w, C_DIM, &body, "", "");
}

static void plain_lost(struct pyx_writer *w, const struct pyx_rec_lost *rec)
{
	plain_prefix(w, &rec->hdr, '!');
	if (rec->stream == PYX_STREAM_UNMONITORED)
		pyx_buf_printf(&body, "%llu processes not monitored: the monitored set is full",
			       (unsigned long long)rec->count);
	else
		pyx_buf_printf(&body, "lost %llu %s records (%s)", (unsigned long long)rec->count,
			       pyx_stream_name(rec->stream),
			       !w->lost_reason ? "ring buffer full: consider a larger --ringbuf-size" :
			       !strcmp(w->lost_reason, "output") ?
					       "output queue full: the reader is too slow" :
					       w->lost_reason);
	plain_emit(w, C_WARN, &body, "", "");
}

static void plain_throttled(struct pyx_writer *w, const struct pyx_rec_throttled *rec)
{
	plain_prefix(w, &rec->hdr, '!');
	pyx_buf_printf(&body, "throttled %llu %s records of uid %u (fair share: that user flooded "
		       "the ring buffer)", (unsigned long long)rec->count,
		       pyx_stream_name(rec->stream), rec->uid);
	plain_emit(w, C_WARN, &body, "", "");
}

static void plain_summary(struct pyx_writer *w, const struct pyx_summary *s)
{
	struct pyx_buf *b = &w->buf;
	unsigned int i;

	pyx_buf_printf(b, "--- summary: %llu records in %.3f s", (unsigned long long)s->records,
		       (double)(s->end_ns - s->start_ns) / 1e9);
	pyx_writer_flush_line(w);
	pyx_buf_printf(b, "%-40s %10s", "AUDIT EVENT", "COUNT");
	pyx_writer_flush_line(w);
	for (i = 0; i < PYX_EV__COUNT; i++) {
		if (!s->audit[i])
			continue;
		pyx_buf_printf(b, "%-40s %10llu", pyx_cat_event(i)->name,
			       (unsigned long long)s->audit[i]);
		pyx_writer_flush_line(w);
	}
	for (i = 0; i < s->nother; i++) {
		size_t before = b->len, n;

		pyx_plain_bytes(b, s->other[i].name, strlen(s->other[i].name), 0);
		for (n = b->len - before; n < 40; n++)
			pyx_buf_putc(b, ' ');
		pyx_buf_printf(b, " %10llu", (unsigned long long)s->other[i].count);
		pyx_writer_flush_line(w);
	}
	if (s->other_overflow) {
		pyx_buf_printf(b, "%-40s %10llu", "(other names)", (unsigned long long)s->other_overflow);
		pyx_writer_flush_line(w);
	}
	pyx_buf_printf(b, "%-40s %10s %10s", "SYSCALL", "COUNT", "FAILED");
	pyx_writer_flush_line(w);
	for (i = 0; i < PYX_SC__COUNT; i++) {
		if (!s->sc[i])
			continue;
		pyx_buf_printf(b, "%-40s %10llu %10llu", pyx_sc_name(i) ? pyx_sc_name(i) : "?",
			       (unsigned long long)s->sc[i], (unsigned long long)s->sc_failed[i]);
		pyx_writer_flush_line(w);
	}
	pyx_buf_printf(b, "processes: %llu forks, %llu execs, %llu exits; hook lifecycle: %llu; "
		       "malformed: %llu",
		       (unsigned long long)s->proc[PYX_PROC_FORK],
		       (unsigned long long)s->proc[PYX_PROC_EXEC],
		       (unsigned long long)s->proc[PYX_PROC_EXIT], (unsigned long long)s->lifecycle,
		       (unsigned long long)s->malformed);
	pyx_writer_flush_line(w);
	pyx_buf_puts(b, "lost:");
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t lost = (s->lost_total[i] > s->lost_records[i] ? s->lost_total[i] :
									   s->lost_records[i]) +
				s->lost_output[i];

		pyx_buf_printf(b, " %s=%llu", pyx_stream_name(i), (unsigned long long)lost);
	}
	pyx_buf_puts(b, "; throttled:");
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		pyx_buf_printf(b, " %s=%llu", pyx_stream_name(i),
			       (unsigned long long)(s->throttled_total[i] >
								    s->throttled_records[i] ?
							    s->throttled_total[i] :
							    s->throttled_records[i]));
	pyx_writer_flush_line(w);
	if (s->corr && w->annot)
		w->annot->plain_summary(w, s->corr);
}

static void plain_header(struct pyx_writer *w)
{
	pyx_buf_printf(&w->buf, "%-15s %7s %-15s T %s", "TIME", "PID", "COMM", "EVENT / SYSCALL");
	pyx_writer_flush_line(w);
}

const struct pyx_output_ops pyx_output_plain = {
	.header = plain_header,
	.audit = plain_audit,
	.malformed = plain_malformed,
	.syscall = plain_syscall,
	.process = plain_process,
	.lifecycle = plain_lifecycle,
	.lost = plain_lost,
	.throttled = plain_throttled,
	.summary = plain_summary,
};
