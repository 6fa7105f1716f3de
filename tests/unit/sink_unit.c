// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The output sink while its reader stalls (tests/test_robust_memory.py): the run loop keeps
 * queueing lines and pushing at every quiet poll, and the chunks held must stay bounded, not one
 * per poll; once the reader reads again, every line arrives once, whole and in order.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out_sink.h"

#define BIG 100000 /* more than a pipe holds: the writer blocks in write() on it */
#define LINES 2000

struct reader {
	int fd;
	char *buf;
	size_t len, cap;
};

static void *read_all(void *arg)
{
	struct reader *r = arg;
	ssize_t n;

	for (;;) {
		if (r->cap - r->len < 65536) {
			r->cap = r->cap * 2 + 65536;
			r->buf = realloc(r->buf, r->cap);
			if (!r->buf)
				exit(3);
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n <= 0)
			return NULL;
		r->len += n;
	}
}

int main(void)
{
	struct reader r = { 0 };
	struct pyx_sink *s;
	char line[32], *big, *p;
	pthread_t th;
	int fds[2], i, n;

	big = malloc(BIG + 1);
	if (!big || pipe(fds) || pyx_sink_open(&s, fds[1], 64u << 20))
		return 2;
	memset(big, 'x', BIG);
	big[BIG] = '\n';
	if (pyx_sink_write(s, big, BIG + 1, PYX_SINK_DROP) || pyx_sink_push(s))
		return 2;
	for (i = 0; i < LINES; i++) {
		n = snprintf(line, sizeof(line), "line %d\n", i);
		if (pyx_sink_write(s, line, n, PYX_SINK_DROP) || pyx_sink_push_lazy(s, false))
			return 2;
	}
	/* the chunk being written and the open one: not a chunk per poll */
	printf("chunks=%zu\n", pyx_sink_chunks(s));

	r.fd = fds[0];
	if (pthread_create(&th, NULL, read_all, &r))
		return 2;
	if (pyx_sink_flush(s, -1) || pyx_sink_close(s))
		return 2;
	close(fds[1]);
	pthread_join(th, NULL);
	if (r.len < BIG + 1 || memcmp(r.buf, big, BIG + 1))
		return printf("the first line differs\n"), 1;
	p = r.buf + BIG + 1;
	for (i = 0; i < LINES; i++) {
		n = snprintf(line, sizeof(line), "line %d\n", i);
		if ((size_t)(r.buf + r.len - p) < (size_t)n || memcmp(p, line, n))
			return printf("line %d differs\n", i), 1;
		p += n;
	}
	printf("bytes=%zu rest=%zu\n", r.len, (size_t)(r.buf + r.len - p));
	free(r.buf);
	free(big);
	return 0;
}
