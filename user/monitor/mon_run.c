// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The run loop: poll the ring buffer and hand each record on, tick the correlator, release the
 * live view's lines in time order, answer SIGUSR1 and SIGHUP, until there is nothing left to
 * follow.
 *
 * When to stop:
 *   COMMAND mode: the monitor is a child subreaper, so descendants that outlive COMMAND are
 *     reparented to it; it follows them until every one has exited (like strace -f), then drains
 *     the ring buffer and exits with COMMAND's status. The first SIGINT/SIGTERM is passed on to
 *     COMMAND (unless it came from the terminal, which already sent it to COMMAND's process group)
 *     and the monitor keeps recording until COMMAND exits; once COMMAND has exited, or on a
 *     second signal, it stops at once: detach, drain, summary.
 *   -p: until every given process has exited, or a signal (exit 0).
 *   -a: until a signal (exit 0).
 * SIGHUP reopens -o FILE (logrotate's postrotate) and SIGUSR1 writes a stats record, at the next
 * poll round, between two records: nothing is lost or written twice (out_service.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef PYX_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "mon.h"

volatile sig_atomic_t mon_stop_signals;    /* SIGINT/SIGTERM received so far */
static volatile sig_atomic_t stop_forward; /* the last one was sent to us alone */
static volatile sig_atomic_t stop_signo;
static volatile sig_atomic_t reopen_requested; /* SIGHUP */
static volatile sig_atomic_t stats_requested;  /* SIGUSR1 */

static void on_service_signal(int sig)
{
	if (sig == SIGHUP)
		reopen_requested = 1;
	else
		stats_requested = 1;
}

#ifndef PYX_HAVE_SYSTEMD
static int sd_notify(int unset_environment, const char *state)
{
	return 0;
}
#endif

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	stop_signo = sig;
	/* a terminal's ^C reaches the whole foreground group (si_code SI_KERNEL): COMMAND has it */
	stop_forward = si && (si->si_code == SI_USER || si->si_code == SI_QUEUE ||
			      si->si_code == SI_TKILL);
	mon_stop_signals++;
}

void mon_signals_install(void)
{
	struct sigaction sa = {};

	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_service_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed reader is a write error (EPIPE), handled as such */
}

/* How often the correlator's idle-time pass runs while records flow (see the loop). */
#define TICK_NS (10ull * 1000000ull)

/*
 * A poll that handled this many records, or any records without waiting out its timeout, is
 * busy: its output may wait to fill a chunk. Records that stream in as fast as the run loop
 * reads them come a few per poll (the ring is readable as soon as it holds one record), and
 * counted as quiet polls each handed a part-filled chunk to an idle writer: a wake-up and a
 * small unaligned write every few dozen lines, here up to 800 writes for 80 MB instead of ~200.
 * A poll that waited out its timeout found a trickle: handed over at once, as before.
 */
#define BUSY_RECORDS 64

void mon_run(struct monitor *m, int argc, char **argv)
{
	struct pyx_opts *opts = m->opts;
	bool forwarded = false, warned_drop = false;
	unsigned int i;
	int err, n;

	m->sum.start_ns = now_ns(CLOCK_MONOTONIC);
	/* -o FILE truncated at the open: only the monitor writes there (out_sink.h) */
	if (m->sink && mon_own_output(opts) && !opts->append)
		pyx_sink_reserve(m->sink);
	m->out->header(&m->w);
	if (opts->json)
		pyx_json_start(&m->w, m->t0, &m->stamp, opts, argc, argv);
	if (opts->metrics)
		mon_write_metrics(m);
	/* Type=notify: systemd starts dependent units only once every probe is attached */
	sd_notify(0, "READY=1");
	uint64_t next_metrics = now_ns(CLOCK_MONOTONIC) + opts->metrics_interval_ms * 1000000ull;
	uint64_t next_tick = 0;

	for (;;) {
		bool done = false, busy;
		uint64_t poll_ns = now_ns(CLOCK_MONOTONIC);
		/* a held part-filled chunk is due within PYX_SINK_LINGER_MS: wait no longer */
		int poll_ms = pyx_sink_poll_ms(m->sink, POLL_MS);

		n = pyx_loader_poll(m->ld, poll_ms, mon_on_record, m);
		busy = n >= BUSY_RECORDS ||
		       (n > 0 && now_ns(CLOCK_MONOTONIC) - poll_ns < poll_ms * 1000000ull);
		if (n < 0 && n != -EINTR) {
			if (!m->w.err)
				pyx_print_error(opts->json, "failed to read the ring buffer: %s",
						strerror(-n));
			break;
		}
		pyx_bw_poll(m->bw, mon_on_builtin, m);
		/*
		 * Closing windows by idle time walks every thread and process of the correlator,
		 * and
		 * the loss check reads the per-CPU counters with a bpf() call: while records flow
		 * (a pass every few records) that was a fifth of the monitor's CPU per record. So
		 * at
		 * most once per TICK_NS then, and at once when a poll found nothing: windows close
		 * at most TICK_NS later than their idle time (1 s), and never before the check.
		 */
		if (m->corr) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);

			if (n <= 0 || now >= next_tick) {
				mon_note_unreported_losses(m);
				pyx_corr_tick(m->corr, now);
				next_tick = now + TICK_NS;
			}
		}
		if (m->order) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			uint64_t horizon = now - PYX_ORDER_SLACK_NS;

			if (m->corr && pyx_corr_oldest_held(m->corr) < horizon)
				horizon = pyx_corr_oldest_held(m->corr);
			pyx_order_release(m->order, &m->w, horizon, now);
		}
		if (stats_requested) {
			struct pyx_counters c;

			stats_requested = 0;
			mon_collect(m, &c);
			m->w.stream = -1; /* the accounting itself is never dropped */
			if (opts->json)
				pyx_json_stats(&m->w, now_ns(CLOCK_MONOTONIC), &c);
		}
		if (m->syslog) {
			pyx_syslog_pump(m->syslog);
			mon_report_sink_lost(m);
		}
		if (opts->metrics && now_ns(CLOCK_MONOTONIC) >= next_metrics) {
			mon_write_metrics(m);
			next_metrics = now_ns(CLOCK_MONOTONIC) +
				       opts->metrics_interval_ms * 1000000ull;
		}
		if (reopen_requested) {
			reopen_requested = 0;
			mon_reopen_output(m, &m->f);
		}
		if (m->w.ndropped) {
			if (!warned_drop)
				fprintf(stderr,
					"pyxcheck: warning: the output reader is too slow and the "
					"output queue is full: records are dropped, counted and reported "
					"(--queue-size)\n");
			warned_drop = true;
			mon_report_dropped(m, false);
		} else if (m->w.nnomem) {
			mon_report_dropped(m, false);
		}
		/* while records flow, the writer gets a chunk when it fills or has waited
		 * PYX_SINK_LINGER_MS (large writes: out_sink.c); a quiet poll hands it over now */
		err = pyx_sink_push_lazy(m->sink, busy);
		if (err && !m->w.err)
			m->w.err = err;
		if (m->w.err)
			break;

		if (opts->command) {
			pid_t pid;
			int st;

			/* reap COMMAND and every orphan reparented to us */
			while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
				if (pid == m->child.pid) {
					m->child_status = st;
					m->child_done = true;
					m->child.pid = -1;
				}
			}
			if (pid < 0 && errno == ECHILD)
				done = m->child_done;
			if (mon_stop_signals && !m->child_done && !forwarded &&
			    mon_stop_signals < 2) {
				if (stop_forward)
					kill(m->child.pid, stop_signo);
				forwarded = true;
			} else if (mon_stop_signals >= 2 || (mon_stop_signals && m->child_done)) {
				done = true;
			}
		} else {
			if (mon_stop_signals)
				done = true;
			if (opts->npids) {
				bool any = false;

				for (i = 0; i < opts->npids; i++)
					any |= mon_proc_alive(opts->pids[i]);
				done |= !any;
			}
		}
		if (done)
			break;
	}
	sd_notify(0, "STOPPING=1");
	/* the detach that follows can take seconds: say why the prompt is not back yet */
	if (mon_stop_signals && isatty(STDERR_FILENO))
		fputs("pyxcheck: detaching...\n", stderr);
}
