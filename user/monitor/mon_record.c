// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One record, from the ring buffer or handed back by the correlator: decoded (a record that does
 * not check out becomes a `malformed` line, never a read past it), counted in the summary, passed
 * through the display filters and written by the chosen output format and the views.
 */
#include <string.h>

#include "decode_catalog.h"
#include "decode_context.h"
#include "decode_payload.h"
#include "decode_record.h"
#include "decode_syscall.h"
#include "mon.h"
#include "out_metrics.h"

/* An alarm verdict of the correlator on the record being shown (--findings shows these). */
static bool corr_alarm(const struct monitor *m)
{
	const struct pyx_corr_item *it = m->w.corr;

	return it && (it->verdict == PYX_V_UNAUDITED || it->verdict == PYX_V_MISMATCH ||
		      it->verdict == PYX_V_CHANGED);
}

/* The display filters: false hides the record (counted in m->vf). */
static bool view_show(struct monitor *m, const struct pyx_rec_hdr *h, struct pyx_vf_rec *r)
{
	if (!m->vf_on)
		return true;
	r->type = h->type;
	r->alarm = r->alarm || corr_alarm(m);
	return pyx_vfilter_show(&m->vf, h, r);
}

/* The stream a record counts in when the output queue drops it (lifecycle records, like the
 * kernel side's, count as audit). */
static int rec_stream(unsigned int type)
{
	switch (type) {
	case PYX_REC_SYSCALL:
		return PYX_STREAM_SYSCALL;
	case PYX_REC_PROCESS:
		return PYX_STREAM_PROCESS;
	case PYX_REC_LOST:
	case PYX_REC_THROTTLED:
		return -1; /* the accounting itself is never dropped */
	default:
		return PYX_STREAM_AUDIT;
	}
}

static void malformed(struct monitor *m, const struct pyx_rec_hdr *h, const char *source,
		      const char *why, const void *raw, size_t len)
{
	struct pyx_vf_rec vr = { .alarm = true, .event_id = -1, .proc_kind = -1 };

	m->sum.malformed++;
	if (!view_show(m, h, &vr))
		return;
	m->shown[PYX_CT_MALFORMED]++;
	/* droppable too: a flood of forged records must not grow the queue without bound */
	m->w.stream = h->type == PYX_REC_LOST ? PYX_STREAM_AUDIT : rec_stream(h->type);
	m->out->malformed(&m->w, h, source, why, raw, len);
}

static void handle_audit(struct monitor *m, const void *rec, size_t size)
{
	const struct pyx_rec_audit *a = rec;
	const struct pyx_event *ev;
	const void *payload;
	size_t n, plen;
	struct pyx_event decoded;
	const char *why;
	char name[256];

	if (m->w.corr && m->w.corr->rec == rec && m->w.corr->event) {
		/* the correlator decoded this very copy already: the same decode, done once */
		ev = m->w.corr->event;
	} else if (pyx_audit_decode(rec, size, &m->arena, &decoded, &why, &payload, &plen)) {
		malformed(m, rec, "audit", why, payload, plen);
		return;
	} else {
		ev = &decoded;
	}
	if (!pyx_opts_want_category(m->opts, a->category)) {
		/* a category not wholly shown: the event globs decide, and they see the name up to
		 * a NUL, as a C string (made only here, not for every event) */
		n = strnlen((const char *)ev->name->s.data, ev->name->len);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, ev->name->s.data, n);
		name[n] = 0;
		if (!pyx_opts_want_event(m->opts, name, a->category))
			return;
	}
	pyx_summary_audit(&m->sum, pyx_cat_event(ev->event_id) ? ev->event_id : PYX_EVENT_UNKNOWN,
			  ev->name->s.data, ev->name->len);
	{
		/* the display filters hide, the summary still counts */
		struct pyx_vf_rec vr = { .event_id = ev->event_id, .proc_kind = -1 };

		if (!view_show(m, rec, &vr))
			return;
	}
	m->shown[PYX_CT_AUDIT]++;
	m->out->audit(&m->w, a, ev);
	if (m->views)
		pyx_views_audit(m->views, a, ev, m->w.corr);
}

int mon_show_record(struct monitor *m, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;
	const struct pyx_sysview *sv;
	struct pyx_sysview svbuf;
	struct pyx_procview pv;

	if (m->w.ndropped || m->w.nnomem)
		mon_report_dropped(m, false);
	m->w.stream = rec_stream(h->type);
	switch (h->type) {
	case PYX_REC_AUDIT:
		handle_audit(m, rec, size);
		break;
	case PYX_REC_SYSCALL:
		/* correlating, the syscall's audit record was written just before with its
		 * "syscalls" list (out_corr.c): the view decoded there, when these are its bytes;
		 * the correlator's item says which view its copy was decoded as */
		if (m->corr)
			sv = pyx_sysrec_view_copy(
				rec, size,
				m->w.corr && m->w.corr->rec == rec ? m->w.corr->view_gen : 0);
		else
			sv = pyx_sysrec_decode(rec, size, &svbuf) ? NULL : &svbuf;
		if (!sv) {
			malformed(m, h, "syscall", "syscall record does not check out", rec, size);
			break;
		}
		if (!m->opts->sc_show[sv->sc])
			break;
		m->sum.sc[sv->sc]++;
		m->sum.sc_failed[sv->sc] += sv->err != 0;
		{
			struct pyx_vf_rec vr = { .event_id = -1, .proc_kind = -1 };

			for (unsigned int i = 0; i < sv->nargs; i++) {
				const struct pyx_sysarg *a = &sv->args[i];

				if (a->kind == PYX_AK_PATH && a->present && !a->null && !a->fault) {
					vr.python_exec =
						sv->sc == PYX_SC_execve || sv->sc == PYX_SC_execveat
							? pyx_vfilter_is_python(a->u.path.str,
										a->u.path.len)
							: false;
					break;
				}
			}
			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_SYSCALL]++;
		m->out->syscall(&m->w, sv);
		if (m->views)
			pyx_views_syscall(m->views, sv, m->w.corr);
		break;
	case PYX_REC_PROCESS:
		if (pyx_procrec_decode(rec, size, &pv)) {
			malformed(m, h, "process", "process record does not check out", rec, size);
			break;
		}
		if (pv.kind < 4)
			m->sum.proc[pv.kind]++;
		{
			struct pyx_vf_rec vr = { .event_id = -1, .proc_kind = pv.kind };

			if (pv.kind == PYX_PROC_FORK && !pv.thread)
				vr.child_pid = pv.child_pid;
			if (pv.kind == PYX_PROC_EXEC && pv.filename)
				vr.python_exec = pyx_vfilter_is_python(pv.filename,
								       pv.filename_len);
			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_PROCESS]++;
		m->out->process(&m->w, &pv);
		if (m->views)
			pyx_views_process(m->views, &pv);
		break;
	case PYX_REC_LIFECYCLE:
		if (size < sizeof(struct pyx_rec_lifecycle)) {
			malformed(m, h, "lifecycle", "lifecycle record too short", rec, size);
			break;
		}
		m->sum.lifecycle++;
		{
			const struct pyx_rec_lifecycle *lc = rec;
			struct pyx_vf_rec vr = { .event_id = -1,
						 .proc_kind = -1,
						 .hook_start = lc->kind == PYX_LC_HOOK_START };

			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_LIFECYCLE]++;
		m->w.priority = true;
		m->out->lifecycle(&m->w, rec);
		m->w.priority = false;
		break;
	case PYX_REC_LOST: {
		const struct pyx_rec_lost *l = rec;

		if (size < sizeof(*l) || l->stream >= PYX_STREAM__COUNT) {
			malformed(m, h, "lost", "lost record does not check out", rec, size);
			break;
		}
		m->sum.lost_records[l->stream] += l->count;
		{
			struct pyx_vf_rec vr = { .alarm = true, .event_id = -1, .proc_kind = -1 };

			if (!view_show(m, h, &vr))
				break;
		}
		m->shown[PYX_CT_LOST]++;
		m->out->lost(&m->w, l);
		if (m->views)
			pyx_views_lost(m->views, l);
		break;
	}
	case PYX_REC_THROTTLED: {
		const struct pyx_rec_throttled *t = rec;

		if (size < sizeof(*t) || t->stream >= PYX_STREAM_UNMONITORED) {
			malformed(m, h, "throttled", "throttled record does not check out", rec,
				  size);
			break;
		}
		m->sum.throttled_records[t->stream] += t->count;
		m->shown[PYX_CT_THROTTLED]++;
		m->out->throttled(&m->w, t);
		break;
	}
	default:
		malformed(m, h, "record", "unknown record type", rec, size);
		break;
	}
	m->w.stream = -1;
	m->w.line_ts = 0;
	/* the reader went away (EPIPE) or the disk is full: stop polling */
	return m->w.err;
}

/* Hooked processes alive, for the metrics: from hook_start to the thread group's exit. */
static void track_alive(const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;

	if (h->type == PYX_REC_LIFECYCLE && size >= sizeof(struct pyx_rec_lifecycle)) {
		const struct pyx_rec_lifecycle *l = rec;

		if (l->kind == PYX_LC_HOOK_START && l->status == 0)
			pyx_alive_add(h->pid);
	} else if (h->type == PYX_REC_PROCESS && size >= sizeof(struct pyx_rec_process)) {
		const struct pyx_rec_process *p = rec;

		if (p->kind == PYX_PROC_EXIT)
			pyx_alive_del(h->pid);
	}
}

int mon_on_record(void *ctx, const void *rec, size_t size)
{
	struct monitor *m = ctx;
	int err;

	m->sum.records++;
	track_alive(rec, size);
	/* now, not when the record is written: the correlator may hold it past its exit */
	pyx_pctx_record(m->w.pctx, rec, size);
	if (!m->corr)
		return mon_show_record(m, rec, size);
	err = pyx_corr_record(m->corr, rec, size);
	return err ? err : m->w.err;
}
