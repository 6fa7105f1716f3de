// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture_replay.h"
#include "decode_payload.h"
#include "mon.h"
#include "out_corr.h"

/* -r FILE: the capture's ring records, in time order, through the same correlator and printers
 * as a live run (capture_replay.h); its clock drives the correlator's windows. Exit status 0, 1 on
 * an
 * error, 3 when malformed lines were skipped. */
int mon_replay(struct monitor *m, int argc, char **argv)
{
	const struct pyx_opts *o = m->opts;
	size_t i;
	struct pyx_buf node = {};
	uint64_t last_tick = 0;
	struct pyx_replay r;
	bool views_failed = false;
	char why[160];
	int err, ret = 1;

	if (pyx_replay_load(&r, o->replay, o->json))
		return 1;
	if (r.no_raw) {
		pyx_print_error(o->json,
				"%s: %llu records carry no ring-buffer bytes: replay needs a "
				"capture made with -j --raw -o FILE",
				o->replay, (unsigned long long)r.no_raw);
		goto cleanup;
	}
	err = mon_open_output((struct pyx_opts *)o, false, &m->f, why, sizeof(why));
	if (err) {
		pyx_print_error(o->json, "failed to open output file %s: %s", o->output, why);
		goto cleanup;
	}
	if (mon_writer_setup(m))
		goto cleanup;
	/* the capture's clock and host, not this one's */
	if (r.have_stamp) {
		m->stamp.real_offset = r.real_offset;
		pyx_json_cstr(&node, r.node);
		if (!node.oom && node.len < sizeof(m->stamp.node)) {
			memcpy(m->stamp.node, node.p, node.len);
			m->stamp.node[node.len] = 0;
		}
	}
	m->w.real_offset = m->stamp.real_offset;
	if (o->syscalls && !o->events_given) {
		/* no blind-spot search: it looks at /proc of processes long gone (or of others
		 * with their pid now); the capture's blind-spot records are written again */
		struct pyx_corr_opts copts = { .procfs = "/nonexistent" };

		if (mon_corr_start(m, &copts))
			goto cleanup;
		pyx_corr_add_blind(m->corr, r.blind_spots);
	}
	if (mon_setup_views(m))
		goto cleanup;
	m->sum.start_ns = r.first_ts;
	m->out->header(&m->w);
	if (o->json)
		pyx_json_start(&m->w, r.first_ts, &m->stamp, o, argc, argv);
	for (i = 0; i < r.n && !m->w.err; i++) {
		const struct pyx_replay_item *it = &r.items[i];

		if (it->blind && m->views)
			pyx_views_blind(m->views, it->blind);
		if (it->blind && !o->json) {
			/* the human view shows it as the live run did (a B line), not as JSON */
			if (!o->table_only) {
				m->w.stream = PYX_STREAM_PROCESS;
				m->out->blind(&m->w, it->blind);
				m->w.stream = -1;
			}
			continue;
		}
		if (it->line) {
			/* as it was, already stamped */
			m->w.on_line = NULL;
			pyx_buf_write(&m->w.buf, it->line, it->line_len);
			pyx_writer_flush_line(&m->w);
			m->w.on_line = mon_on_line;
			continue;
		}
		/* live, the run loop ticks every POLL_MS */
		if (m->corr && it->ts >= last_tick + POLL_MS * 1000000ull) {
			pyx_corr_tick(m->corr, it->ts);
			last_tick = it->ts;
		}
		mon_on_record(m, it->rec, it->size);
		err = pyx_sink_push_lazy(m->sink, true);
		if (err && !m->w.err)
			m->w.err = err;
	}
	if (m->corr && !m->w.err)
		pyx_corr_flush(m->corr);
	/* what the output queue dropped or memory refused since the last record, as live */
	mon_report_dropped(m, true);
	m->sum.malformed += r.malformed + r.bad_lines;
	if (m->views && !m->w.err) {
		m->w.stream = -1; /* the accounting itself is never dropped */
		if (pyx_views_finish(m->views, &m->w, why, sizeof(why))) {
			pyx_print_error(o->json, "%s", why);
			views_failed = true;
		}
	}
	if (o->summary && !m->w.err) {
		m->sum.end_ns = r.last_ts;
		m->out->summary(&m->w, &m->sum);
	}
	err = pyx_sink_close(m->sink);
	m->sink = NULL;
	if (err && !m->w.err)
		m->w.err = err;
	if (m->w.err)
		pyx_print_error(o->json, "failed to write output: %s", strerror(-m->w.err));
	else
		ret = views_failed ? 1 : r.bad_lines ? 3 : 0;
cleanup:
	pyx_sink_close(m->sink);
	pyx_views_free(m->views);
	m->views = NULL;
	if (m->f && mon_own_output(o))
		fclose(m->f);
	pyx_corr_free(m->corr);
	pyx_summary_free(&m->sum);
	pyx_buf_free(&m->w.buf);
	pyx_buf_free(&node);
	free(m->arena_mem);
	pyx_replay_free(&r);
	return ret;
}
