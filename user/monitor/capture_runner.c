// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_runner.h"

/* In the child, between fork and exec. The monitor is single-threaded when it forks (the loader
 * is opened afterwards), so the C library is in a consistent state here. */
static void child_main(int go_fd, char *const argv[], const char *preload)
{
	const char *old = getenv("LD_PRELOAD");
	struct sigaction sa = { .sa_handler = SIG_DFL };
	char *value = NULL;
	sigset_t none;
	ssize_t n;
	char go;

	/* undo the monitor's signal set-up: COMMAND starts as if run from a shell */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	do {
		n = read(go_fd, &go, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* the monitor failed to start: run nothing */
	close(go_fd);

	if (old && *old) {
		if (asprintf(&value, "%s:%s", preload, old) < 0)
			_exit(127);
	}
	if (setenv("LD_PRELOAD", value ? value : preload, 1))
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "pyxcheck: failed to run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int pyx_runner_start(struct pyx_child *c, char *const argv[], const char *preload)
{
	int fds[2];
	pid_t pid;

	c->pid = -1;
	c->go_fd = -1;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		close(fds[1]);
		child_main(fds[0], argv, preload);
	}
	close(fds[0]);
	c->pid = pid;
	c->go_fd = fds[1];
	return 0;
}

int pyx_runner_release(struct pyx_child *c)
{
	char go = 'g';
	int err = 0;

	if (write(c->go_fd, &go, 1) != 1)
		err = -errno;
	close(c->go_fd);
	c->go_fd = -1;
	return err;
}

void pyx_runner_abort(struct pyx_child *c)
{
	if (c->go_fd >= 0) {
		close(c->go_fd);
		c->go_fd = -1;
	}
	if (c->pid > 0) {
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = -1;
	}
}

int pyx_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
