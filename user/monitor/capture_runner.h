/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * COMMAND mode: the child is forked first and held on a pipe, so that its pid can be put in the
 * monitored map and every probe attached before it runs a single instruction of COMMAND; then it
 * is released and execs COMMAND with the hook library preloaded.
 */
#ifndef PYX_CAPTURE_RUNNER_H
#define PYX_CAPTURE_RUNNER_H

#include <sys/types.h>

struct pyx_child {
	pid_t pid;
	int go_fd; /* write end of the pipe the child waits on; -1 once released */
};

/* Fork the child, which waits. preload: the hook library, put first in LD_PRELOAD. */
int pyx_runner_start(struct pyx_child *c, char *const argv[], const char *preload);
/* Let the child exec COMMAND. */
int pyx_runner_release(struct pyx_child *c);
/* Make a child that was never released exit (it exits 127 without running COMMAND) and reap it. */
void pyx_runner_abort(struct pyx_child *c);
/* Exit status as a shell reports it: the code, or 128+signal. */
int pyx_exit_status(int wstatus);

#endif /* PYX_CAPTURE_RUNNER_H */
