// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Detaching many tracepoint links at once.
 *
 * Closing a syscall tracepoint's link waits for RCU grace periods (the kernel must know no CPU
 * still runs the program before it lets go), about 0.2-0.4 s each here. One after the other, the
 * monitor's ~100 links took ~18 s to detach. Closed from several threads at once the waits overlap
 * and share grace periods, so detaching costs about as much as a few links.
 *
 * Even so the kernel serialises the tracepoint side (perf_trace_destroy() waits for a grace period
 * under event_mutex, ~40 ms per syscall tracepoint here): the full set takes seconds. Nobody needs
 * to wait for that once the output is complete, so pyx_detach_in_background() hands the probes to
 * a child that holds nothing else (no output, no terminal, no pipe a shell or a reader waits on)
 * and lets the kernel release them when it exits. The child gets everything by fork() and closes
 * what it must not keep itself, so the caller returns only once it has done so. The probes stay
 * attached only as long as that child lives; when it is killed, its exit releases them just the
 * same.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "capture_detach.h"

#define PYX_DETACH_THREADS 128

struct detach_job {
	struct bpf_link **links;
	size_t n, first, step;
};

static void *detach_worker(void *arg)
{
	struct detach_job *job = arg;
	size_t i;

	for (i = job->first; i < job->n; i += job->step) {
		bpf_link__destroy(job->links[i]);
		job->links[i] = NULL;
	}
	return NULL;
}

void pyx_links_destroy(struct bpf_link **links, size_t n)
{
	struct detach_job jobs[PYX_DETACH_THREADS];
	pthread_t tids[PYX_DETACH_THREADS];
	bool started[PYX_DETACH_THREADS] = { false };
	size_t i, nthreads = n < PYX_DETACH_THREADS ? n : PYX_DETACH_THREADS;

	for (i = 0; i < nthreads; i++) {
		jobs[i] =
			(struct detach_job){ .links = links, .n = n, .first = i, .step = nthreads };
		started[i] = pthread_create(&tids[i], NULL, detach_worker, &jobs[i]) == 0;
	}
	for (i = 0; i < nthreads; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			detach_worker(&jobs[i]); /* no thread: do this share here, serially */
	}
}

/*
 * The descriptors that keep a probe attached: BPF links and perf events (tracepoints, uprobes).
 * name is the descriptor's entry in the open /proc/self/fd directory dir: read relative to it,
 * the link costs one path step instead of four, which the caller waits for (below).
 */
static bool holds_probe(int dir, const char *name)
{
	char target[64];
	ssize_t n;

	n = readlinkat(dir, name, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	return !strcmp(target, "anon_inode:bpf_link") || !strcmp(target, "anon_inode:bpf-link") ||
	       !strcmp(target, "anon_inode:[perf_event]");
}

static void detacher_main(int parent_gone, int closed_all)
{
	struct dirent *de;
	char c;
	DIR *d;
	int fd;

	prctl(PR_SET_NAME, "pyxcheck-detach", 0, 0, 0);
	setsid(); /* no terminal: a hangup or ^C meant for the shell's job is not for us */
	/* hold nothing anyone waits on: the output, stdio, a pipe to the caller */
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	d = opendir("/proc/self/fd");
	if (!d)
		_exit(1); /* exiting releases the probes too, and tells the parent we are done */
	while ((de = readdir(d))) {
		fd = atoi(de->d_name);
		if (fd > STDERR_FILENO && fd != dirfd(d) && fd != parent_gone && fd != closed_all &&
		    !holds_probe(dirfd(d), de->d_name))
			close(fd);
	}
	closedir(d);
	close(closed_all); /* the parent may exit now: we hold only the probes and parent_gone */
	/* Whoever lets go of a probe last pays for its detach: wait until the parent has exited
	 * (its end of the pipe closes with it), so that its exit is cheap and this one is not */
	while (read(parent_gone, &c, 1) < 0 && errno == EINTR)
		;
	close(parent_gone);
	/* the kernel closes the rest, one grace period per tracepoint, and we are gone */
	_exit(0);
}

pid_t pyx_detach_in_background(void)
{
	int gone[2], closed[2];
	pid_t pid;
	char c;

	/* the write end stays open, unused, until this process exits (close-on-exec: no exec'd
	 * program keeps it) */
	if (pipe2(gone, O_CLOEXEC))
		return -errno;
	if (pipe2(closed, O_CLOEXEC)) {
		pid = -errno;
		close(gone[0]);
		close(gone[1]);
		return pid;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(gone[0]);
		close(gone[1]);
		close(closed[0]);
		close(closed[1]);
		return pid;
	}
	if (pid == 0) {
		close(gone[1]);
		close(closed[0]);
		detacher_main(gone[0], closed[1]);
	}
	close(gone[0]);
	close(closed[1]);
	/*
	 * Wait until the child has closed every inherited descriptor but the probes (EOF on
	 * closed[0]: it closes its end after its close loop, or dies). Until then it holds copies
	 * of our stdout, stderr and whatever pipe our caller handed us: were we to exit first, a
	 * reader of our output (`pyxcheck ... | cat`) would wait for the child instead of for us,
	 * and whoever looks at the child as our exit status comes back would see it hold them.
	 * There is no close-on-fork flag, so the child must do the closing, and this wait is the
	 * only way to order it before our exit. It costs the child's close loop (about a
	 * millisecond), not the detach.
	 */
	while (read(closed[0], &c, 1) < 0 && errno == EINTR)
		;
	close(closed[0]);
	return pid;
}
