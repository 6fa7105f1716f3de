// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sink (out_sink.h): a bounded queue of chunks between the run loop and a writer thread.
 *
 * The run loop fills a chunk of its own without any lock and hands it over when it is full or
 * at pyx_sink_push(), once per poll: one lock and at most one wake-up per batch, not per line.
 * `held` counts every byte handed over and not yet written; the bound is checked against it plus
 * the open chunk, so memory stays within max_bytes (plus forced lines) whatever the reader does.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "out_sink.h"

#define CHUNK_SIZE (64u << 10)

struct chunk {
	struct chunk *next;
	size_t len, cap;
	char data[];
};

struct pyx_sink {
	pthread_mutex_t lock;
	pthread_cond_t work;       /* the writer: a chunk was handed over, or stop */
	pthread_cond_t idle;       /* flush: the writer emptied the queue */
	struct chunk *head, *tail; /* handed over, not yet written */
	bool busy;                 /* the writer holds a chunk it took off the queue */
	bool stop;
	int fd;
	size_t held; /* bytes handed over and not yet written (atomic reads outside lock) */
	int err;     /* first write error (atomic reads outside the lock) */
	size_t max;
	struct chunk *open; /* the run loop's chunk: no lock */
	pthread_t thread;
};

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (errno == EINTR)
				continue;
			/* an inherited O_NONBLOCK descriptor: wait here, this is the thread that may */
			if (errno == EAGAIN) {
				poll(&pfd, 1, -1);
				continue;
			}
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct pyx_sink *s = arg;
	struct chunk *c;
	int err, fd;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->head && !s->stop)
			pthread_cond_wait(&s->work, &s->lock);
		c = s->head;
		if (!c)
			break;
		s->head = c->next;
		if (!s->head)
			s->tail = NULL;
		s->busy = true;
		err = s->err;
		fd = s->fd;
		pthread_mutex_unlock(&s->lock);

		/* after an error, the rest is discarded: the caller was told and stops */
		if (!err)
			err = write_all(fd, c->data, c->len);

		pthread_mutex_lock(&s->lock);
		if (err && !s->err)
			__atomic_store_n(&s->err, err, __ATOMIC_RELEASE);
		__atomic_store_n(&s->held, s->held - c->len, __ATOMIC_RELEASE);
		s->busy = false;
		free(c);
		if (!s->head)
			pthread_cond_broadcast(&s->idle);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int pyx_sink_open(struct pyx_sink **out, int fd, size_t max_bytes)
{
	struct pyx_sink *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->max = max_bytes ? max_bytes : PYX_SINK_DEFAULT_MAX;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	err = -pthread_create(&s->thread, NULL, writer_main, s);
	if (err) {
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

int pyx_sink_error(struct pyx_sink *s)
{
	return __atomic_load_n(&s->err, __ATOMIC_ACQUIRE);
}

bool pyx_sink_room(struct pyx_sink *s, size_t len)
{
	size_t used = __atomic_load_n(&s->held, __ATOMIC_ACQUIRE) + (s->open ? s->open->len : 0);

	return used + len <= s->max;
}

int pyx_sink_push(struct pyx_sink *s)
{
	struct chunk *c = s->open;

	if (!c || !c->len)
		return pyx_sink_error(s);
	s->open = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->tail)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
	__atomic_store_n(&s->held, s->held + c->len, __ATOMIC_RELEASE);
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->lock);
	return pyx_sink_error(s);
}

int pyx_sink_write(struct pyx_sink *s, const void *line, size_t len, enum pyx_sink_class cls)
{
	bool force = cls == PYX_SINK_FORCE;
	int err = pyx_sink_error(s);

	if (err)
		return err;
	if ((cls == PYX_SINK_DROP && !pyx_sink_room(s, len)) ||
	    (cls == PYX_SINK_PRIORITY && pyx_sink_pending(s) + len > 2 * s->max))
		return -ENOBUFS;
	if (s->open && s->open->cap - s->open->len < len)
		pyx_sink_push(s);
	if (!s->open) {
		size_t cap = len > CHUNK_SIZE ? len : CHUNK_SIZE;

		s->open = malloc(sizeof(*s->open) + cap);
		if (!s->open)
			return force ? -ENOMEM : -ENOBUFS; /* out of memory: dropped, and counted */
		s->open->next = NULL;
		s->open->len = 0;
		s->open->cap = cap;
	}
	memcpy(s->open->data + s->open->len, line, len);
	s->open->len += len;
	if (s->open->len == s->open->cap)
		pyx_sink_push(s);
	return 0;
}

int pyx_sink_flush(struct pyx_sink *s, int timeout_ms)
{
	struct timespec until;
	int err = 0;

	pyx_sink_push(s);
	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout_ms > 0) {
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&s->lock);
	while ((s->head || s->busy) && !err) {
		if (timeout_ms < 0)
			pthread_cond_wait(&s->idle, &s->lock);
		else
			err = pthread_cond_timedwait(&s->idle, &s->lock, &until) ? -ETIMEDOUT : 0;
	}
	if (s->err)
		err = s->err;
	else if (err && !s->head && !s->busy)
		err = 0;
	pthread_mutex_unlock(&s->lock);
	return err;
}

size_t pyx_sink_pending(struct pyx_sink *s)
{
	return __atomic_load_n(&s->held, __ATOMIC_ACQUIRE) + (s->open ? s->open->len : 0);
}

int pyx_sink_reopen(struct pyx_sink *s, int fd)
{
	pyx_sink_flush(s, -1);
	pthread_mutex_lock(&s->lock);
	s->fd = fd;
	__atomic_store_n(&s->err, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int pyx_sink_close(struct pyx_sink *s)
{
	int err;

	if (!s)
		return 0;
	pyx_sink_push(s);
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	err = s->err;
	free(s->open);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return err;
}
