// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck: parse options, then run the phases in order (mon.h): preflight, output, correlation,
 * attach, run loop, finish. A phase that fails has said why; every path ends in one cleanup,
 * and the exit status is the phase's (1 setup failed, 2 usage) or the run's (COMMAND's status,
 * 3 for an incomplete trace). -r FILE replays a capture through the same stages instead.
 */
#include "mon.h"

int main(int argc, char **argv)
{
	struct monitor m = { .child = { .pid = -1, .go_fd = -1 } };
	struct pyx_opts opts;
	int err, ret;

	/* the start record's time: before the probes, so it sorts before every record */
	m.t0 = now_ns(CLOCK_MONOTONIC);

	err = pyx_opts_parse(&opts, argc, argv);
	if (err)
		return err == PYX_OPTS_EXIT ? 0 : 2;
	m.opts = &opts;
	m.out = opts.json ? &pyx_output_json : &pyx_output_plain;
	if (opts.table_only)
		m.out = &pyx_output_none; /* -c: the tables at exit are the output */
	pyx_json_with_raw = opts.raw;
	if (opts.replay)
		return mon_replay(&m, argc, argv);

	/* before any thread: the loader's descriptors then grow the table without grace periods */
	pyx_loader_reserve_fds();
	ret = mon_preflight(&m);
	if (ret)
		return ret; /* nothing opened yet */
	ret = mon_output_setup(&m);
	if (!ret)
		ret = mon_corr_setup(&m);
	if (!ret)
		ret = mon_attach(&m);
	if (!ret) {
		mon_run(&m, argc, argv);
		ret = mon_finish(&m);
	}
	return mon_cleanup(&m, ret);
}
