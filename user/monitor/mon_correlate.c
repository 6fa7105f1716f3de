// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The correlation phase: the correlator (on when every audit probe and the syscalls are attached)
 * and CPython's own python:audit probe for blind spots; then the correlator's callbacks, which
 * hand records back annotated, blind spots and alerts, and the losses it must be told of.
 */
#include <string.h>
#include <unistd.h>

#include "mon.h"
#include "out_corr.h"

/* The kernel reports a loss in-band with the next record any CPU sends (flush_lost() in
 * bpf/pyxcheck.bpf.c). Until then nothing tells the correlator, which would close by time, as
 * "no-syscall", the window whose syscall record was the one lost (seen in the stress test when
 * every producer paused right after a full ring). So before windows close by time, and before the
 * final flush, the kernel's running totals are compared with what LOST records have said; a loss
 * not yet reported puts the open windows in doubt now. Processes that could not be monitored
 * lost no record of a followed one. */
void mon_note_unreported_losses(struct monitor *m)
{
	uint64_t lost[PYX_STREAM__COUNT] = { 0 }, thr[PYX_STREAM__COUNT] = { 0 };
	bool news = false;
	unsigned int i;

	if (!m->corr || !m->ld || pyx_loader_counts(m->ld, lost, thr))
		return;
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		if (i == PYX_STREAM_UNMONITORED)
			continue;
		/* a throttle not yet reported (it names its uid only in-band): the same doubt */
		if (lost[i] > m->loss_noted[i] && lost[i] > m->sum.lost_records[i])
			news = true;
		if (thr[i] > m->throttle_noted[i] && thr[i] > m->sum.throttled_records[i])
			news = true;
		if (lost[i] > m->loss_noted[i])
			m->loss_noted[i] = lost[i];
		if (thr[i] > m->throttle_noted[i])
			m->throttle_noted[i] = thr[i];
	}
	if (news)
		pyx_corr_note_loss(m->corr, now_ns(CLOCK_MONOTONIC));
}

/* The correlator's look-up of a syscall's stack dump (the loader opens after the correlator). */
static int stack_dump(void *arg, uint32_t slot, struct pyx_ustack_dump *out)
{
	struct monitor *m = arg;

	return pyx_loader_ustack_dump(m->ld, slot, out);
}

/* The correlator hands records back in per-thread order, annotated (correlate.h). */
int mon_on_item(void *ctx, const struct pyx_corr_item *it)
{
	struct monitor *m = ctx;

	if (it->kind == PYX_CI_BLIND_SPOT) {
		if (m->vf_on &&
		    !pyx_vfilter_show_finding(&m->vf, it->blind->pid, 0, it->blind->comm, true))
			return 0;
		if (m->w.ndropped || m->w.nnomem)
			mon_report_dropped(m, false);
		m->w.stream = PYX_STREAM_PROCESS;
		if (m->views)
			pyx_views_blind(m->views, it->blind);
		if (!m->opts->table_only) {
			/* found out after a grace period: written at the release point, not as late */
			m->w.line_ts = it->blind->ts_ns ? it->blind->ts_ns : 1;
			m->w.line_report = true;
			m->out->blind(&m->w, it->blind);
			m->w.line_report = false;
			m->w.line_ts = 0;
		}
		m->w.stream = -1;
		return m->w.err;
	}
	if (it->kind == PYX_CI_ALERT) {
		if (m->vf_on && !pyx_vfilter_show_finding(&m->vf, it->alert->pid, it->alert->uid,
							  it->alert->comm, true))
			return 0;
		m->w.stream = -1; /* an alarm is never dropped */
		if (m->views)
			pyx_views_alert(m->views, it->alert);
		if (!m->opts->table_only) {
			m->w.line_ts = it->alert->ts_ns ? it->alert->ts_ns : 1;
			m->out->alert(&m->w, it->alert);
			m->w.line_ts = 0;
		}
		return m->w.err;
	}
	m->w.corr = it;
	mon_show_record(m, it->rec, it->size);
	m->w.corr = NULL;
	return m->w.err;
}

/* A Python without the hook was found (image: a /proc link to the file it runs) or is gone /
 * turned out hooked (image NULL). */
static bool on_blind(void *ctx, uint32_t pid, const char *image)
{
	struct monitor *m = ctx;

	/* queued: the kernel may keep an attach or a detach waiting for seconds
	 * (capture_builtin_worker.h); whether there is a probe to attach to is known now (an image
	 * without one, a pyenv build, gets no builtin_events at all) */
	if (!image) {
		pyx_bw_detach(m->bw, pid);
		return false;
	}
	return pyx_builtin_has_probe(image) && pyx_bw_attach(m->bw, pid, image);
}

void mon_on_builtin(void *ctx, uint32_t pid, const char *name)
{
	struct monitor *m = ctx;

	pyx_corr_builtin_event(m->corr, pid, name);
}

/* The correlator of a live run and of a replay, its items handed to mon_on_item(). */
int mon_corr_start(struct monitor *m, const struct pyx_corr_opts *copts)
{
	int err = pyx_corr_new(&m->corr, copts, mon_on_item, m);

	if (err) {
		pyx_print_error(m->opts->json, "failed to set up correlation: %s", strerror(-err));
		return err;
	}
	m->sum.corr = m->corr;
	m->w.annot = &pyx_corr_annot_ops;
	return 0;
}

int mon_corr_setup(struct monitor *m)
{
	struct pyx_opts *opts = m->opts;

	/* Correlation needs every audit event and the syscalls: it is on whenever their probes are
	 * all attached (without -e, with --findings, or an -e that names them all); -e then only
	 * filters what is shown. */
	if (opts->syscalls && opts->category_mask == (1u << PYX_CAT__COUNT) - 1) {
		struct pyx_corr_opts copts = { .blind_spots = true,
					       .ustack_dump = opts->no_stack_dump ? NULL
										  : stack_dump,
					       .ustack_arg = m };

		if (mon_corr_start(m, &copts))
			return 1;
		/* optional: without it blind spots are still reported, without event names */
		if (!pyx_bw_start(&m->bw, opts->verbose))
			pyx_corr_set_blind_cb(m->corr, on_blind, m);
	}
	return 0;
}
