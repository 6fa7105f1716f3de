// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Human columns: TIME PID COMM T WHAT, where T is A (audit), S (syscall), P (process),
 * L (hook lifecycle) or ! (lost, malformed); PID reads PID/TID for a thread other than the main
 * one. Audit arguments read like Python reprs, syscalls like strace. Everything from a monitored
 * process is escaped (out_buf.h): no raw control byte reaches the terminal. With a width (a
 * terminal,
 * or COLUMNS) a line is cut to it, arguments first, then the verdict's detail, then the frame:
 * the event or syscall name, the result and the verdict are never cut (docs/views.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "correlate.h"
#include "decode_catalog.h"
#include "out_counts.h"
#include "out_order.h"
#include "out_writer.h"

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

void pyx_plain_columns(struct pyx_writer *w, uint64_t ts_ns, uint32_t pid, uint32_t tid,
		       const char *comm, char t)
{
	/* in unsigned arithmetic: a replayed capture's ts_ns may be anything (no overflow UB) */
	int64_t real = (int64_t)(ts_ns + (uint64_t)w->real_offset);
	time_t sec = real / 1000000000;
	struct tm tm;
	char ts[16];

	localtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	if (tid && tid != pid) {
		char id[24];

		snprintf(id, sizeof(id), "%u/%u", pid, tid);
		pyx_buf_printf(&w->buf, "%s.%06u %7s ", ts,
			       (unsigned int)(real % 1000000000 / 1000), id);
	} else {
		pyx_buf_printf(&w->buf, "%s.%06u %7u ", ts,
			       (unsigned int)(real % 1000000000 / 1000), pid);
	}
	/* comm is escaped then padded: count what was written, not the raw bytes */
	{
		size_t before = w->buf.len, n;

		pyx_plain_bytes(&w->buf, comm, pyx_comm_len(comm), 0);
		n = w->buf.len - before;
		while (n++ < 15)
			pyx_buf_putc(&w->buf, ' ');
	}
	pyx_buf_printf(&w->buf, " %c ", t);
}

static void plain_prefix(struct pyx_writer *w, const struct pyx_rec_hdr *h, char t)
{
	w->line_ts = h->ts_ns; /* the key in time order (out_order.h) */
	pyx_plain_columns(w, h->ts_ns, h->pid, h->tid, h->comm, t);
}

/* Columns of text (UTF-8 continuation bytes take none; escapes are ASCII). */
static size_t columns(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/*
 * A line after its prefix is a few segments. Each has a cut priority: 0 never (the event or
 * syscall name, the result, the verdict), then 1 (arguments), 2 (the verdict's detail), 3 (the
 * frame): a line too wide loses columns from priority 1 first.
 */
struct seg {
	const char *p;
	size_t len;
	const char *color;
	int prio;
};

#define SEG_MAX 8

/* Bytes of s (n bytes) that fit in cols columns, on a UTF-8 character boundary. */
static size_t fit_bytes(const char *s, size_t n, size_t cols)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (!cols)
			break;
		cols--;
	}
	return i;
}

static void emit_segs(struct pyx_writer *w, struct seg *sg, unsigned int n)
{
	size_t pre = columns(w->buf.p ? w->buf.p : "", w->buf.len), total = pre, over;
	bool cut[SEG_MAX] = {};
	unsigned int i;
	int prio;

	for (i = 0; i < n; i++)
		total += columns(sg[i].p, sg[i].len);
	/* arguments down to a few columns, the verdict's detail, the frame, then the rest of the
	 * arguments */
	static const struct {
		int prio;
		size_t floor;
	} steps[] = { { 1, 24 }, { 2, 0 }, { 3, 0 }, { 1, 0 } };
	unsigned int k;

	for (k = 0; w->fit && total > w->width && k < sizeof(steps) / sizeof(steps[0]); k++) {
		prio = steps[k].prio;
		for (i = n; i-- > 0 && total > w->width;) {
			size_t cols, keep, extra;

			if (sg[i].prio != prio || !sg[i].len)
				continue;
			cols = columns(sg[i].p, sg[i].len);
			extra = cut[i] ? 0 : 3; /* room for "..." */
			over = total - w->width + extra;
			keep = cols > over ? cols - over : 0;
			if (keep < steps[k].floor)
				keep = steps[k].floor < cols ? steps[k].floor : cols;
			if (keep == cols)
				continue;
			if (!keep && prio > 1) {
				/* gone whole: no "..." for the frame or the detail */
				total = total - cols - (cut[i] ? 3 : 0);
				sg[i].len = 0;
				cut[i] = false;
				continue;
			}
			sg[i].len = fit_bytes(sg[i].p, sg[i].len, keep);
			total = total - cols + keep + extra;
			cut[i] = true;
		}
	}
	for (i = 0; i < n; i++) {
		if (!sg[i].len && !cut[i])
			continue;
		if (sg[i].color && sg[i].color[0])
			put_color(w, &w->buf, sg[i].color);
		pyx_buf_write(&w->buf, sg[i].p, sg[i].len);
		if (cut[i])
			pyx_buf_puts(&w->buf, "...");
		if (sg[i].color && sg[i].color[0])
			put_color(w, &w->buf, C_RESET);
	}
	pyx_writer_flush_line(w);
}

/* Assemble prefix + (coloured) body + suffix into w->buf and write; the body may be cut. */
static void plain_emit(struct pyx_writer *w, const char *color, struct pyx_buf *body,
		       const char *suffix, const char *suffix_color)
{
	struct seg sg[2] = {
		{ body->p ? body->p : "", body->len, color, 1 },
		{ suffix, strlen(suffix), suffix_color, 0 },
	};

	emit_segs(w, sg, 2);
	body->len = 0;
}

/* The correlator's annotation as two segments: the verdict (never cut) and its detail. */
static unsigned int annot_segs(struct pyx_writer *w, char *annot, size_t size, struct seg *sg)
{
	size_t head;

	annot[0] = 0;
	if (!w->corr || w->corr->verdict == PYX_V_NONE)
		return 0;
	w->annot->plain_suffix(w->corr, annot, size);
	/* "  UNAUDITED ..." or "  [verdict...]": the verdict word is the head (read from the text,
	 * so that tools without the correlator link this file) */
	head = strlen(annot);
	if (!strncmp(annot, "  UNAUDITED", 11))
		head = 11;
	else if (!strncmp(annot, "  [", 3))
		head = 3 + strcspn(annot + 3, ": ]");
	sg[0] = (struct seg){ annot, head,
			      w->corr->verdict == PYX_V_MATCHED         ? C_DIM
			      : w->corr->verdict == PYX_V_INDETERMINATE ? C_WARN
									: C_FAIL,
			      0 };
	sg[1] = (struct seg){ annot + head, strlen(annot + head), C_DIM, 2 };
	return 2;
}

/* Columns are for people: a long str or bytes (a module's bytecode in marshal.loads) is cut
 * here; the JSON output carries all of it. */
#define PLAIN_STR_MAX 120
#define PLAIN_STR_MAX_WIDE 4096 /* --wide */

static uint32_t plain_str_max = PLAIN_STR_MAX;

static uint32_t plain_cut(const struct pyx_value *v, bool *cut)
{
	uint32_t n = v->len;

	*cut = false;
	if (n <= plain_str_max)
		return n;
	n = plain_str_max;
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
	struct pyx_buf frame = {};
	struct seg sg[SEG_MAX];
	char annot[512];
	unsigned int i, n = 0, shown;
	size_t name_len;

	plain_prefix(w, &rec->hdr, 'A');
	plain_str_max = w->wide ? PLAIN_STR_MAX_WIDE : PLAIN_STR_MAX;
	pyx_plain_pystr(&body, ev->name->s.data, ev->name->len, ev->name->flags & PYX_TAG_ESCAPED,
			0);
	name_len = body.len;
	/* import: module and file; sys.path, meta_path and path_hooks (hundreds of columns, the
	 * same at every import) only with --wide */
	shown = ev->nargs;
	if (ev->event_id == PYX_EV_IMPORT && named && ev->nargs == 5 && !w->wide)
		shown = 2;
	for (i = 0; i < shown; i++) {
		pyx_buf_puts(&body, i ? ", " : " ");
		if (named)
			pyx_buf_printf(&body, "%s=", ce->args[i]);
		plain_value(&body, &ev->args[i]);
	}
	/* the raising frame, @file:line */
	if (!(ev->flags & PYX_PF_NO_FRAME)) {
		pyx_buf_puts(&frame, " @");
		if (ev->file && ev->file->len)
			pyx_plain_pystr(&frame, ev->file->s.data, ev->file->len,
					ev->file->flags & PYX_TAG_ESCAPED, 0);
		pyx_buf_printf(&frame, ":%u", ev->line);
	}
	sg[n++] = (struct seg){ body.p, name_len, C_AUDIT, 0 };
	sg[n++] = (struct seg){ body.p + name_len, body.len - name_len, C_AUDIT, 1 };
	sg[n++] = (struct seg){ frame.p ? frame.p : "", frame.len, C_DIM, 3 };
	n += annot_segs(w, annot, sizeof(annot), sg + n);
	emit_segs(w, sg, n);
	body.len = 0;
	pyx_buf_free(&frame);
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

/* Bytes between double quotes, a quote inside escaped: strace's "text" */
static void plain_quoted(struct pyx_buf *b, const void *s, size_t n)
{
	pyx_buf_putc(b, '"');
	pyx_plain_bytes(b, s, n, '"');
	pyx_buf_putc(b, '"');
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
		plain_quoted(b, a->u.path.str, a->u.path.len);
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
			if (i)
				pyx_buf_puts(b, ", ");
			plain_quoted(b, a->u.argv.items[i], strlen(a->u.argv.items[i]));
		}
		pyx_buf_putc(b, ']');
		break;
	case PYX_AK_BUF:
		plain_quoted(b, a->u.buf.bytes, a->u.buf.len);
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
	struct seg sg[SEG_MAX];
	char sfx[256], annot[512];
	unsigned int i, n = 0;
	size_t name_len;
	const char *en;

	plain_prefix(w, &sv->rec->hdr, 'S');
	pyx_buf_printf(&body, "%s(", sv->name);
	name_len = body.len - 1;
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
	if (sv->unverified)
		pyx_buf_puts(&body, " [not re-read at exit]");
	if (sv->name_mismatch) {
		pyx_buf_puts(&body, " [the kernel opened ");
		plain_quoted(&body, sv->opened, strlen(sv->opened));
		pyx_buf_putc(&body, ']');
	} else if (sv->name_unchecked && sv->opened) {
		pyx_buf_puts(&body, " [path unchecked: the kernel opened ");
		plain_quoted(&body, sv->opened, strlen(sv->opened));
		pyx_buf_putc(&body, ']');
	} else if (sv->name_unchecked) {
		pyx_buf_puts(&body, " [path unchecked]");
	}
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
	if (w->durations && !sv->at_entry && !sv->no_result)
		snprintf(sfx + strlen(sfx), sizeof(sfx) - strlen(sfx), " <%llu.%06llu>",
			 (unsigned long long)(sv->latency_ns / 1000000000),
			 (unsigned long long)(sv->latency_ns % 1000000000 / 1000));
	sg[n++] = (struct seg){ body.p, name_len, C_SYSCALL, 0 };
	sg[n++] = (struct seg){ body.p + name_len, body.len - name_len, "", 1 };
	sg[n++] = (struct seg){ sfx, strlen(sfx), sv->err ? C_FAIL : "", 0 };
	n += annot_segs(w, annot, sizeof(annot), sg + n);
	emit_segs(w, sg, n);
	body.len = 0;
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
		pyx_buf_puts(&body, "exec ");
		plain_quoted(&body, pv->filename, pv->filename ? pv->filename_len : 0);
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
			       rec->status == 0                  ? "installed"
			       : rec->status == PYX_HOOK_REFUSED ? "refused"
								 : "error");
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
			       !w->lost_reason
				       ? "ring buffer full: consider a larger --ringbuf-size"
			       : !strcmp(w->lost_reason, "output")
				       ? "output queue full: the reader is too slow"
			       : !strcmp(w->lost_reason, "memory")
				       ? "out of memory: the monitor could not build them"
				       : w->lost_reason);
	plain_emit(w, C_WARN, &body, "", "");
}

static void plain_throttled(struct pyx_writer *w, const struct pyx_rec_throttled *rec)
{
	plain_prefix(w, &rec->hdr, '!');
	pyx_buf_printf(&body,
		       "throttled %llu %s records of uid %u (fair share: that user flooded "
		       "the ring buffer)",
		       (unsigned long long)rec->count, pyx_stream_name(rec->stream), rec->uid);
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
		pyx_buf_printf(b, "%-40s %10llu", "(other names)",
			       (unsigned long long)s->other_overflow);
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
	pyx_buf_printf(b,
		       "processes: %llu forks, %llu execs, %llu exits; hook lifecycle: %llu; "
		       "malformed: %llu",
		       (unsigned long long)s->proc[PYX_PROC_FORK],
		       (unsigned long long)s->proc[PYX_PROC_EXEC],
		       (unsigned long long)s->proc[PYX_PROC_EXIT], (unsigned long long)s->lifecycle,
		       (unsigned long long)s->malformed);
	pyx_writer_flush_line(w);
	pyx_buf_puts(b, "lost:");
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t lost = (s->lost_total[i] > s->lost_records[i] ? s->lost_total[i]
								       : s->lost_records[i]) +
				s->lost_output[i] + s->lost_memory[i];

		pyx_buf_printf(b, " %s=%llu", pyx_stream_name(i), (unsigned long long)lost);
	}
	pyx_buf_puts(b, "; throttled:");
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		pyx_buf_printf(b, " %s=%llu", pyx_stream_name(i),
			       (unsigned long long)(s->throttled_total[i] > s->throttled_records[i]
							    ? s->throttled_total[i]
							    : s->throttled_records[i]));
	pyx_writer_flush_line(w);
	if (s->corr && w->annot)
		w->annot->plain_summary(w, s->corr);
}

static void plain_header(struct pyx_writer *w)
{
	pyx_buf_printf(&w->buf, "%-15s %7s %-15s T %s", "TIME", "PID", "COMM", "EVENT / SYSCALL");
	pyx_writer_flush_line(w);
}

/* A blind spot (correlate.h): a Python process without the hook. */
static void plain_blind(struct pyx_writer *w, const struct pyx_corr_blind *bs)
{
	struct pyx_buf *b = &w->buf;
	unsigned int i;

	pyx_plain_columns(w, bs->ts_ns, bs->pid, 0, bs->comm, 'B');
	pyx_buf_puts(b, "blind-spot exe=");
	pyx_plain_bytes(b, bs->exe, strlen(bs->exe), 0);
	for (i = 0; bs->argv && i < bs->argc; i++) {
		pyx_buf_puts(b, i ? " " : " argv=");
		pyx_plain_bytes(b, bs->argv[i], strlen(bs->argv[i]), 0);
	}
	pyx_buf_printf(b, " (%s)", bs->why);
	if (bs->builtin) {
		pyx_buf_puts(b, " python:audit events=");
		pyx_plain_bytes(b, bs->builtin, strlen(bs->builtin), 0);
	}
	pyx_writer_flush_line(w);
}

/* An alert (correlate.h): a finding about a process, not about one record. */
static void plain_alert(struct pyx_writer *w, const struct pyx_corr_alert *a)
{
	const struct pyx_corr_context *x = a->context;
	struct pyx_buf *b = &w->buf;

	pyx_plain_columns(w, a->ts_ns, a->pid, 0, a->comm, 'A');
	pyx_buf_printf(b, "ALERT %s", a->alert);
	if (a->path) {
		pyx_buf_putc(b, ' ');
		plain_quoted(b, a->path, a->path_len);
	}
	pyx_buf_printf(b, ": %s", a->why);
	if (x && x->has_event) {
		pyx_buf_puts(b, " after ");
		pyx_plain_bytes(b, x->event, strlen(x->event), 0);
		if (x->file[0]) {
			pyx_buf_puts(b, " at ");
			pyx_plain_bytes(b, x->file, strlen(x->file), 0);
			pyx_buf_printf(b, ":%u", x->line);
		}
	}
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
	.blind = plain_blind,
	.alert = plain_alert,
};
