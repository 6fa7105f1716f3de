// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The python:audit attach/detach worker (capture_builtin_worker.h): a bounded FIFO and one
 * thread. */
#include <errno.h>
#include <linux/types.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_builtin.h"
#include "capture_builtin_worker.h"

#define QUEUE_MAX 256

/* /proc/PID/exe, or /proc/PID/map_files/START-END for a Python run through ld.so */
#define IMAGE_MAX 96

struct req {
	uint32_t pid;
	bool attach;
	char image[IMAGE_MAX];
};

struct pyx_builtin_worker {
	struct pyx_builtin *b; /* set by the worker once opened (under lock); then constant */
	bool verbose;
	bool failed; /* the probe could not be opened: nothing is queued */
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct req q[QUEUE_MAX];
	unsigned int head, n;
	bool stop;
	pthread_t thread;
};

static void *worker_main(void *arg)
{
	struct pyx_builtin_worker *w = arg;
	struct pyx_builtin *b = NULL;
	struct req r;

	/* Opened here, not before the monitor attaches: "probes attached" need not wait for its
	 * load (it no longer parses the kernel's BTF: bpf/builtin_audit.bpf.c). */
	pyx_builtin_open(&b, w->verbose);
	pthread_mutex_lock(&w->lock);
	w->b = b;
	w->failed = !b;
	if (!b)
		w->n = 0; /* queued before the open failed: dropped */
	for (;;) {
		while (!w->n && !w->stop)
			pthread_cond_wait(&w->more, &w->lock);
		if (w->stop)
			break;
		r = w->q[w->head];
		w->head = (w->head + 1) % QUEUE_MAX;
		w->n--;
		pthread_mutex_unlock(&w->lock);
		if (r.attach) {
			/* the running image, even when the file was replaced or removed since */
			pyx_builtin_attach(w->b, r.pid, r.image);
		} else {
			pyx_builtin_detach(w->b, r.pid);
		}
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int pyx_bw_start(struct pyx_builtin_worker **out, bool verbose)
{
	struct pyx_builtin_worker *w = calloc(1, sizeof(*w));
	int err;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->verbose = verbose;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->more, NULL);
	err = -pthread_create(&w->thread, NULL, worker_main, w);
	if (err) {
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

static bool push(struct pyx_builtin_worker *w, uint32_t pid, const char *image)
{
	bool ok;

	pthread_mutex_lock(&w->lock);
	ok = w->n < QUEUE_MAX && !w->failed;
	if (ok) {
		struct req *r = &w->q[(w->head + w->n) % QUEUE_MAX];

		*r = (struct req){ .pid = pid, .attach = image != NULL };
		if (image)
			snprintf(r->image, sizeof(r->image), "%s", image);
		w->n++;
		pthread_cond_signal(&w->more);
	}
	pthread_mutex_unlock(&w->lock);
	return ok;
}

bool pyx_bw_attach(struct pyx_builtin_worker *w, uint32_t pid, const char *image)
{
	/* a /proc link that does not fit would name another file: not queued */
	if (strlen(image) >= IMAGE_MAX)
		return false;
	return push(w, pid, image);
}

void pyx_bw_detach(struct pyx_builtin_worker *w, uint32_t pid)
{
	/* a full queue: the link stays until pyx_builtin_destroy(), which the PID's exit makes
	 * harmless (a uprobe bound to a pid that is gone never fires) */
	push(w, pid, NULL);
}

static struct pyx_builtin *opened(struct pyx_builtin_worker *w)
{
	struct pyx_builtin *b;

	pthread_mutex_lock(&w->lock);
	b = w->b;
	pthread_mutex_unlock(&w->lock);
	return b;
}

int pyx_bw_poll(struct pyx_builtin_worker *w, pyx_builtin_fn fn, void *ctx)
{
	struct pyx_builtin *b = w ? opened(w) : NULL;

	return b ? pyx_builtin_poll(b, fn, ctx) : 0;
}

struct pyx_builtin *pyx_bw_stop(struct pyx_builtin_worker *w)
{
	struct pyx_builtin *b;

	if (!w)
		return NULL;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	b = w->b;
	pthread_cond_destroy(&w->more);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return b;
}
