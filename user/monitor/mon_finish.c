// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The finish phase: drain what the kernel still holds, flush the correlator and the live view,
 * say in-band what was lost or throttled, the views and the summary, wait for a slow reader, and
 * decide the exit status; then the cleanup every phase's failure also ends in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_detach.h"
#include "decode_context.h"
#include "mon.h"

static int drain(struct pyx_loader *ld, struct monitor *m)
{
	int n, rounds = 0;

	/* consume until the ring is empty; bounded, in case a busy host keeps it full */
	do {
		n = pyx_loader_poll(ld, 0, mon_on_record, m);
	} while (n > 0 && ++rounds < 10000);
	return n < 0 ? n : 0;
}

int mon_finish(struct monitor *m)
{
	struct pyx_opts *opts = m->opts;
	uint64_t lost_ring = 0, lost_out = 0, lost_mem = 0, throttled = 0;
	sig_atomic_t sigs;
	char why[160];
	unsigned int i;
	uint64_t bad;
	int ret, err;

	if (!m->w.err) {
		drain(m->ld, m);
		pyx_bw_poll(m->bw, mon_on_builtin, m);
		if (m->corr) {
			mon_note_unreported_losses(m);
			pyx_corr_flush(m->corr);
		}
	}
	if (m->order)
		pyx_order_release(m->order, &m->w, UINT64_MAX, now_ns(CLOCK_MONOTONIC));
	/* losses of threads that emitted nothing after them: in-band now, not only in the summary */
	if (!pyx_loader_counts(m->ld, m->sum.lost_total, m->sum.throttled_total)) {
		for (i = 0; i < PYX_STREAM__COUNT; i++) {
			if (m->sum.lost_total[i] <= m->sum.lost_records[i])
				continue;
			mon_write_lost(m, i, m->sum.lost_total[i] - m->sum.lost_records[i],
				       "ringbuf", 0);
			m->sum.lost_records[i] = m->sum.lost_total[i];
		}
		/* throttled records whose THROTTLED record never went out: the uid is not known
		 * here any more (uid -1) */
		for (i = 0; i < PYX_STREAM_UNMONITORED; i++) {
			if (m->sum.throttled_total[i] <= m->sum.throttled_records[i])
				continue;
			mon_write_throttled(
				m, i, m->sum.throttled_total[i] - m->sum.throttled_records[i]);
			m->sum.throttled_records[i] = m->sum.throttled_total[i];
		}
	}
	mon_report_dropped(m, true);
	if (m->order) {
		/* the losses just written, before the summary */
		pyx_order_release(m->order, &m->w, UINT64_MAX, now_ns(CLOCK_MONOTONIC));
		m->w.order = NULL;
	}
	bad = pyx_loader_bad_size(m->ld);
	if (bad) {
		/* no header to report them by: counted as malformed, said once */
		m->sum.malformed += bad;
		pyx_print_error(opts->json,
				"%llu ring records dropped: size does not match their header",
				(unsigned long long)bad);
	}
	/* the output is complete before the detach, which can take a while (tracepoint
	 * unregistration waits for RCU grace periods): readers see the end at once */
	if (m->views) {
		m->w.stream = -1; /* the accounting itself is never dropped */
		if (pyx_views_finish(m->views, &m->w, why, sizeof(why))) {
			pyx_print_error(opts->json, "%s", why);
			m->views_failed = true;
		}
	}
	if (opts->summary || m->term_summary) {
		m->sum.end_ns = now_ns(CLOCK_MONOTONIC);
		m->out->summary(&m->w, &m->sum);
	}
	if (m->syslog) {
		/* the relay gets a few seconds for the rest; what it does not take is lost, and
		 * said so in the file only (not to the relay, which is the one missing it): after
		 * the summary, the one line never offered to the relay */
		pyx_syslog_finish(m->syslog, 3000);
		m->syslog_done = true;
		mon_report_sink_lost(m);
	}
	if (opts->metrics)
		mon_write_metrics(m);
	/* wait for a slow reader (the records are ours to deliver); a new signal gives up */
	sigs = mon_stop_signals;
	while (!m->w.err) {
		err = pyx_sink_flush(m->sink, POLL_MS);
		if (err != -ETIMEDOUT) {
			m->w.err = err;
			break;
		}
		if (mon_stop_signals != sigs) {
			pyx_print_error(opts->json,
					"failed to write output: interrupted while the "
					"reader was not reading, %zu bytes unwritten",
					pyx_sink_pending(m->sink));
			m->abandoned = true;
			break;
		}
	}
	if (!m->abandoned) {
		err = pyx_sink_close(m->sink);
		m->sink = NULL;
		if (err && !m->w.err)
			m->w.err = err;
	}
	if (m->w.err) {
		int st;

		/* reap COMMAND if it is done, so that the line below tells the truth */
		if (opts->command && !m->child_done && m->child.pid > 0 &&
		    waitpid(m->child.pid, &st, WNOHANG) == m->child.pid) {
			m->child_status = st;
			m->child_done = true;
			m->child.pid = -1;
		}
		if (opts->command && !m->child_done && m->child.pid > 0)
			pyx_print_error(opts->json,
					"failed to write output: %s; %s (pid %d) is left "
					"running, unmonitored",
					strerror(-m->w.err), opts->command[0], m->child.pid);
		else
			pyx_print_error(opts->json, "failed to write output: %s",
					strerror(-m->w.err));
	}
	for (i = 0; i < PYX_STREAM__COUNT; i++) {
		uint64_t n = m->sum.lost_records[i] > m->sum.lost_total[i] ? m->sum.lost_records[i]
									   : m->sum.lost_total[i];

		/* the unmonitored stream counts processes that could not be followed, not records:
		 * said on its own line (the set is sized from pid_max, so this should never be) */
		if (i == PYX_STREAM_UNMONITORED) {
			if (n)
				pyx_print_error(opts->json,
						"%llu processes not monitored: the kernel's "
						"set of monitored processes was full",
						(unsigned long long)n);
			continue;
		}
		lost_ring += n;
		lost_out += m->sum.lost_output[i];
		lost_mem += m->sum.lost_memory[i];
	}
	if (m->vf.startup_hidden)
		fprintf(stderr,
			"pyxcheck: --skip-startup hid %llu start-up records of %llu "
			"processes\n",
			(unsigned long long)m->vf.startup_hidden,
			(unsigned long long)m->vf.startup_procs);
	if (pyx_order_late(m->order))
		fprintf(stderr,
			"pyxcheck: %llu lines were written out of time order (held past "
			"the reorder bound), each after a marker line\n",
			(unsigned long long)pyx_order_late(m->order));
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		throttled += m->sum.throttled_records[i] > m->sum.throttled_total[i]
				     ? m->sum.throttled_records[i]
				     : m->sum.throttled_total[i];
	if (throttled)
		pyx_print_error(opts->json,
				"%llu records throttled: a user flooded the ring "
				"buffer and was held to a fair share (the `throttled` records "
				"name the uid)",
				(unsigned long long)throttled);
	if (lost_ring || lost_out)
		pyx_print_error(opts->json,
				"%llu records lost: %llu with the ring buffer full "
				"(--ringbuf-size), %llu with the output queue full (a slow reader; "
				"--queue-size)",
				(unsigned long long)(lost_ring + lost_out),
				(unsigned long long)lost_ring, (unsigned long long)lost_out);
	if (lost_mem)
		pyx_print_error(opts->json,
				"%llu records lost: the monitor ran out of memory "
				"building them",
				(unsigned long long)lost_mem);
	/* issue 8: the raw tracepoints see 32-bit syscalls; they are not decoded, but said */
	if (m->ld && pyx_loader_compat_syscalls(m->ld))
		pyx_print_error(opts->json,
				"%llu 32-bit syscalls (int $0x80) of monitored "
				"processes were seen and not decoded",
				(unsigned long long)pyx_loader_compat_syscalls(m->ld));
	if (mon_own_output(opts) && !m->abandoned) {
		fclose(m->f);
		m->f = NULL;
	}

	if (opts->command)
		ret = m->child_done ? pyx_exit_status(m->child_status) : 0;
	else
		ret = 0;
	/* an incomplete trace says so in the status too, without hiding a failing COMMAND's */
	if ((lost_ring || lost_out || lost_mem || throttled) && ret == 0)
		ret = 3;
	if (m->w.err || m->abandoned || m->views_failed)
		ret = 1;
	return ret;
}

/* The loader handed to the background detacher (mon_cleanup). */
static struct pyx_loader *volatile mon_disowned_loader; /* volatile: never read, yet kept */

/* Whatever the phases opened, in any state they left it; returns ret. */
int mon_cleanup(struct monitor *m, int ret)
{
	struct pyx_opts *opts = m->opts;

	/* before the fork below: one thread fewer, and no attach in flight */
	m->builtin = pyx_bw_stop(m->bw);
	m->bw = NULL;
	if (m->ld && !opts->wait_detach) {
		/* the output is complete: let a child wait out the detach (capture_detach.c) */
		pid_t pid = pyx_detach_in_background();

		if (opts->verbose && pid > 0)
			fprintf(stderr, "pyxcheck: probes detach in the background (pid %d)\n",
				pid);
		/* The child holds the probes now. Destroying the links here would disable each
		 * perf event first (libbpf's detach), the kernel's slow part, and make this process
		 * and the shell waiting for it pay for it (~0.4 s for a -- COMMAND run). So the
		 * loader is left as it is, reachable (no leak to report): its descriptors close
		 * with this process, a moment from now, and its memory goes with it. */
		if (pid > 0) {
			mon_disowned_loader = m->ld;
			m->ld = NULL;
		}
	}
	pyx_loader_destroy(m->ld);
	if (m->child.pid > 0) {
		/* COMMAND never ran (start-up failed) or is still running after a second signal */
		if (m->child.go_fd >= 0)
			pyx_runner_abort(&m->child);
	}
	if (m->abandoned)
		return ret; /* the writer is stuck in write(): exit without waiting for it */
	pyx_sink_close(m->sink);
	if (m->f && mon_own_output(opts))
		fclose(m->f);
	pyx_corr_free(m->corr);
	pyx_pctx_free(m->w.pctx);
	pyx_builtin_destroy(m->builtin);
	pyx_syslog_close(m->syslog);
	pyx_views_free(m->views);
	pyx_summary_free(&m->sum);
	pyx_order_free(m->order);
	pyx_vfilter_free(&m->vf);
	pyx_buf_free(&m->w.buf);
	free(m->arena_mem);
	return ret;
}
