// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Detaching many tracepoint links at once.
 *
 * Closing a syscall tracepoint's link waits for RCU grace periods (the kernel must know no CPU
 * still runs the program before it lets go), about 0.2-0.4 s each here. One after the other, the
 * monitor's ~100 links took ~18 s to detach. Closed from several threads at once the waits overlap
 * and share grace periods, so detaching costs about as much as a few links.
 */
#include <pthread.h>
#include <stdlib.h>

#include <bpf/libbpf.h>

#include "detach.h"

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
		jobs[i] = (struct detach_job){ .links = links, .n = n, .first = i, .step = nthreads };
		started[i] = pthread_create(&tids[i], NULL, detach_worker, &jobs[i]) == 0;
	}
	for (i = 0; i < nthreads; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			detach_worker(&jobs[i]); /* no thread: do this share here, serially */
	}
}
