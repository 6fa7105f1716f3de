// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The output sink while its reader stalls (tests/test_robust_memory.py): the run loop keeps
 * queueing lines and pushing at every quiet poll, and the chunks held must stay bounded, not one
 * per poll; once the reader reads again, every line arrives once, whole and in order.
 *
 * `sink-unit writer`: lines built in place in the sink's open chunk (pyx_writer_line_start), of
 * every length (short, across a chunk's end, past the lent room, longer than a chunk), some
 * refused by a full queue and one out of memory: every accepted line arrives once, whole and in
 * order, and nothing else does.
 *
 * `sink-unit straddle`: lines handed over whole past three chunks' ends (below).
 *
 * `sink-unit inplace`: lines built in the lent room that end exactly at, one byte before and one
 * byte past a chunk's end, and a chunk that reaches half a small bound (below).
 *
 * `sink-unit reserve DIR`: into a regular file of its own (pyx_sink_reserve), the writer holds
 * blocks reserved past the bytes written while it writes, and none at pyx_sink_close() or, for
 * the old file, at pyx_sink_reopen(); the bytes are those written, after what the file held. A
 * file opened with O_APPEND gets no reservation.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out_sink.h"
#include "out_writer.h"

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

/* Line i's length and bytes: mostly ~1 KB, some 20 KB (past the lent room near a chunk's end)
 * and a few of 300 KB (longer than a chunk). */
static size_t line_len(int i)
{
	if (i % 1000 == 999)
		return 300000;
	if (i % 97 == 0)
		return 20000;
	return 600 + (size_t)(i * 37 % 800);
}

static char line_byte(int i, size_t k)
{
	return (char)('a' + (i * 7 + k) % 26);
}

/* Build line i in w's buffer in pieces of 1 to 61 bytes, as the formatters do. */
static void build_line(struct pyx_writer *w, int i, char *scratch)
{
	size_t n = line_len(i), k = 0, piece;

	pyx_writer_line_start(w);
	while (k < n) {
		piece = 1 + (k * 13 + i) % 61;
		if (piece > n - k)
			piece = n - k;
		for (size_t j = 0; j < piece; j++)
			scratch[j] = line_byte(i, k + j);
		pyx_buf_write(&w->buf, scratch, piece);
		k += piece;
	}
}

static int writer_mode(void)
{
	struct reader r = { 0 };
	struct pyx_writer w = { .stream = PYX_STREAM_AUDIT };
	size_t exp_len = 0, exp_cap = 64u << 20;
	char *expect = malloc(exp_cap), *scratch = malloc(64);
	uint64_t dropped = 0;
	int fds[2], i, accepted = 0, in_place = 0, moved = 0;
	bool retried = false;
	pthread_t th;

	if (!expect || !scratch || pipe(fds) || pyx_sink_open(&w.sink, fds[1], 2u << 20))
		return 2;
	/* the reader starts late: lines are refused while the 2 MiB bound is full */
	for (i = 0; i < 12000; i++) {
		if (i == 5000 && !r.fd) {
			r.fd = fds[0];
			if (pthread_create(&th, NULL, read_all, &r))
				return 2;
		}
		if (i == 4321) {
			/* out of memory while building: counted, never written */
			build_line(&w, i, scratch);
			w.buf.oom = true;
			pyx_writer_flush_line(&w);
			continue;
		}
		build_line(&w, i, scratch);
		if (w.buf.oom)
			return 2;
		/* built in the lent room, or moved out of it when it outgrew it */
		in_place += w.buf.lent;
		moved += w.lent && !w.buf.lent;
		dropped = w.ndropped;
		pyx_writer_flush_line(&w);
		if (w.err)
			return printf("write error %d\n", w.err), 1;
		if (w.ndropped != dropped) {
			/* once the reader runs, a refusal means it has not caught up yet (a loaded
			 * machine starves its thread): wait for it and build the line again, so
			 * that what follows does not depend on the scheduler */
			if (r.fd && !retried) {
				if (pyx_sink_flush(w.sink, -1))
					return 2;
				w.ndropped = dropped;
				retried = true;
				i--;
			}
			continue;
		}
		retried = false;
		accepted++;
		for (size_t k = 0; k < line_len(i); k++)
			expect[exp_len++] = line_byte(i, k);
		expect[exp_len++] = '\n';
		if (i % 50 == 0 && pyx_sink_push_lazy(w.sink, true))
			return 2;
	}
	if (pyx_sink_flush(w.sink, -1) || pyx_sink_close(w.sink))
		return 2;
	close(fds[1]);
	pthread_join(th, NULL);
	if (r.len != exp_len || memcmp(r.buf, expect, exp_len))
		return printf("the output differs (%zu bytes, %zu expected)\n", r.len, exp_len), 1;
	printf("accepted=%s dropped=%s nomem=%llu\n", accepted > 5000 ? "many" : "few",
	       w.ndropped > 100 ? "many" : "few", (unsigned long long)w.nnomem);
	printf("in_place=%s moved=%s\n", in_place > 10000 ? "most" : "few",
	       moved >= 12 ? "some" : "none");
	pyx_buf_free(&w.buf);
	free(w.home);
	free(r.buf);
	free(expect);
	free(scratch);
	return 0;
}

/* Blocks the file holds past its size, in KiB (rounded to whole 4 KiB blocks). */
static long long past_end_kib(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	return ((long long)st.st_blocks * 512 - (st.st_size + 4095) / 4096 * 4096) / 1024;
}

/* Write lines of ~1 KB worth total bytes into s, checking the bytes the file gets at the end. */
static int write_lines(struct pyx_sink *s, char *expect, size_t *len, size_t total, int seed)
{
	char line[1100];
	int i;

	for (i = 0; *len < total; i++) {
		size_t n = 900 + (size_t)((i + seed) * 37 % 180);

		for (size_t k = 0; k < n; k++)
			line[k] = line_byte(i + seed, k);
		line[n++] = '\n';
		if (pyx_sink_write(s, line, n, PYX_SINK_DROP) || pyx_sink_push_lazy(s, true))
			return -1;
		memcpy(expect + *len, line, n);
		*len += n;
	}
	return pyx_sink_flush(s, -1);
}

static int same_bytes(const char *path, const char *expect, size_t len)
{
	char *buf = malloc(len + 1);
	int fd = open(path, O_RDONLY), ok;

	ok = buf && fd >= 0 && read(fd, buf, len + 1) == (ssize_t)len && !memcmp(buf, expect, len);
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok;
}

static int reserve_mode(const char *dir)
{
	size_t cap = 16u << 20, len = 5, len2 = 0, len3 = 5, len4 = 0;
	char *expect = malloc(cap), *expect2 = malloc(cap), *expect3 = malloc(cap),
	     *expect4 = malloc(cap), a[4096], b[4096], c[4096], d[4096];
	struct pyx_sink *s;
	long long during = 0, after = 0, old_after = 0, app = 0, app2 = 0;
	int fd, fd2, fd3, fd4, ret = 2;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	snprintf(d, sizeof(d), "%s/d", dir);
	fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fd2 = open(b, O_WRONLY | O_CREAT | O_APPEND, 0600);
	fd3 = open(c, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fd4 = open(d, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (!expect || !expect2 || !expect3 || !expect4 || fd < 0 || fd2 < 0 || fd3 < 0 ||
	    fd4 < 0 || write(fd, "head\n", 5) != 5 || write(fd3, "head\n", 5) != 5)
		goto out;
	memcpy(expect, "head\n", 5);
	memcpy(expect3, "head\n", 5);
	/* a file of its own: blocks reserved ahead while the writer writes */
	if (pyx_sink_open(&s, fd, 64u << 20))
		goto out;
	pyx_sink_reserve(s);
	if (write_lines(s, expect, &len, 6u << 20, 0))
		goto out;
	during = past_end_kib(fd);
	/* SIGHUP: the old file gives its reservation back, the new one (O_APPEND) gets none */
	if (pyx_sink_reopen(s, fd2))
		goto out;
	old_after = past_end_kib(fd);
	if (write_lines(s, expect2, &len2, 3u << 20, 1))
		goto out;
	app = past_end_kib(fd2);
	if (pyx_sink_close(s))
		goto out;
	/* the file of its own again, closed while it writes */
	if (pyx_sink_open(&s, fd3, 64u << 20))
		goto out;
	pyx_sink_reserve(s);
	if (write_lines(s, expect3, &len3, 3u << 20, 2) || pyx_sink_close(s))
		goto out;
	after = past_end_kib(fd3);
	/* a file opened to append (other writers may share its end): asked, and refused */
	if (pyx_sink_open(&s, fd4, 64u << 20))
		goto out;
	pyx_sink_reserve(s);
	if (write_lines(s, expect4, &len4, 3u << 20, 3))
		goto out;
	app2 = past_end_kib(fd4);
	if (pyx_sink_close(s))
		goto out;
	ret = 1;
	if (!same_bytes(a, expect, len) || !same_bytes(b, expect2, len2) ||
	    !same_bytes(c, expect3, len3) || !same_bytes(d, expect4, len4)) {
		printf("the bytes differ\n");
		goto out;
	}
	/* "none": under 1 MiB, as ext4 may count an extent index block past the end */
	printf("while writing: %s\n", during >= 1024 ? "reserved ahead" : "none ahead");
	printf("reopened: old %s, appended %s\n", old_after >= 1024 ? "holds more" : "trimmed",
	       app >= 1024 ? "reserved" : "not reserved");
	printf("closed: %s\n", after >= 1024 ? "holds more" : "trimmed");
	printf("opened to append: %s\n", app2 >= 1024 ? "reserved" : "not reserved");
	ret = 0;
out:
	if (ret == 2)
		printf("setup failed: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	if (fd3 >= 0)
		close(fd3);
	if (fd4 >= 0)
		close(fd4);
	free(expect);
	free(expect2);
	free(expect3);
	free(expect4);
	return ret;
}

/* `sink-unit straddle`: lines handed over whole (pyx_sink_write, as the human view writes, not
 * built in place) past three chunks' ends, each line a different length: the ones that straddle
 * a chunk's end arrive with their head, and every byte once, in order. */
static int straddle_mode(void)
{
	size_t cap = 1u << 20, len = 0, straddled = 0;
	char *expect = malloc(cap), line[300];
	struct reader r = { 0 };
	struct pyx_sink *s;
	pthread_t th;
	int fds[2], i;

	if (!expect || pipe(fds) || pyx_sink_open(&s, fds[1], 64u << 20))
		return 2;
	r.fd = fds[0];
	if (pthread_create(&th, NULL, read_all, &r))
		return 2;
	for (i = 0; len < 800000; i++) {
		size_t n = 1 + (size_t)(i * 37 % 251);

		for (size_t k = 0; k < n; k++)
			line[k] = line_byte(i, k);
		line[n++] = '\n';
		/* a line that crosses a multiple of the chunk size (256 KiB) straddles one */
		if (len / (256u << 10) != (len + n - 1) / (256u << 10))
			straddled++;
		if (pyx_sink_write(s, line, n, PYX_SINK_DROP))
			return 2;
		memcpy(expect + len, line, n);
		len += n;
	}
	if (pyx_sink_flush(s, -1) || pyx_sink_close(s))
		return 2;
	close(fds[1]);
	pthread_join(th, NULL);
	printf("straddled=%zu same=%d\n", straddled, r.len == len && !memcmp(r.buf, expect, len));
	free(r.buf);
	free(expect);
	return 0;
}

/* Wait up to 2 s for the reader to have want bytes: what the sink handed to its writer. */
static int got(struct reader *r, size_t want)
{
	for (int i = 0; i < 200; i++) {
		if (__atomic_load_n(&r->len, __ATOMIC_ACQUIRE) >= want)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* One line of n bytes (its newline included) built in the lent room and committed in place. */
static int commit_line(struct pyx_sink *s, char *expect, size_t *len, size_t n, int i)
{
	size_t room;
	char *p = pyx_sink_lend(s, &room);

	if (!p || n + 1 > room)
		return 2;
	for (size_t k = 0; k + 1 < n; k++)
		p[k] = line_byte(i, k);
	p[n - 1] = '\n';
	memcpy(expect + *len, p, n);
	*len += n;
	return pyx_sink_commit(s, p, n, PYX_SINK_DROP) ? 2 : 0;
}

/* Lines of ~1 KB up to 1-2 KB before the next chunk's end; the room left to it, returned. */
static size_t fill_near_end(struct pyx_sink *s, char *expect, size_t *len, int *i)
{
	const size_t chunk = 256u << 10;

	while (chunk - *len % chunk > 2000)
		if (commit_line(s, expect, len, 600 + (size_t)(*i * 37 % 400), *i))
			return 0;
		else
			(*i)++;
	return chunk - *len % chunk;
}

/*
 * `sink-unit inplace`: lines built in place (pyx_sink_lend/pyx_sink_commit, the JSON path, whose
 * commit has a fast path for a line inside the chunk): a line that ends exactly at a chunk's
 * end hands the chunk to the writer at once (the reader gets it with no push); one that ends one
 * byte before it does not straddle; one that ends one byte past it straddles, its last byte
 * copied into the next chunk; with a 40,000-byte bound the open chunk goes to the writer once
 * it holds half of it (20 lines of 1,000). Every byte arrives once, in order.
 */
static int inplace_mode(void)
{
	size_t cap = 2u << 20, len = 0, room;
	char *expect = malloc(cap);
	struct reader r = { 0 }, r2 = { 0 };
	struct pyx_sink *s;
	pthread_t th;
	int fds[2], i = 0, exact, half, same;

	if (!expect || pipe(fds) || pyx_sink_open(&s, fds[1], 64u << 20))
		return 2;
	r.fd = fds[0];
	if (pthread_create(&th, NULL, read_all, &r))
		return 2;
	/* a line that fills the first chunk exactly */
	room = fill_near_end(s, expect, &len, &i);
	if (!room || commit_line(s, expect, &len, room, i++))
		return 2;
	exact = got(&r, len);
	/* one byte short of the second chunk's end, then one that straddles it by 1 KB */
	room = fill_near_end(s, expect, &len, &i);
	if (!room || commit_line(s, expect, &len, room - 1, i++) ||
	    commit_line(s, expect, &len, 1024, i++))
		return 2;
	/* one byte past the third chunk's end */
	room = fill_near_end(s, expect, &len, &i);
	if (!room || commit_line(s, expect, &len, room + 1, i++) ||
	    commit_line(s, expect, &len, 500, i++))
		return 2;
	if (pyx_sink_flush(s, -1) || pyx_sink_close(s))
		return 2;
	close(fds[1]);
	pthread_join(th, NULL);
	same = r.len == len && !memcmp(r.buf, expect, len);

	/* half of a 40,000-byte bound: handed over without a push */
	if (pipe(fds) || pyx_sink_open(&s, fds[1], 40000))
		return 2;
	r2.fd = fds[0];
	if (pthread_create(&th, NULL, read_all, &r2))
		return 2;
	len = 0;
	for (i = 0; i < 20; i++)
		if (commit_line(s, expect, &len, 1000, i))
			return 2;
	half = got(&r2, 20000);
	if (pyx_sink_close(s))
		return 2;
	close(fds[1]);
	pthread_join(th, NULL);
	printf("exact=%d half=%d same=%d\n", exact, half, same && r2.len == 20000);
	free(r.buf);
	free(r2.buf);
	free(expect);
	return 0;
}

int main(int argc, char **argv)
{
	struct reader r = { 0 };
	struct pyx_sink *s;
	char line[32], *big, *p;
	pthread_t th;
	int fds[2], i, n;

	if (argc > 1 && !strcmp(argv[1], "writer"))
		return writer_mode();
	if (argc > 2 && !strcmp(argv[1], "reserve"))
		return reserve_mode(argv[2]);
	if (argc > 1 && !strcmp(argv[1], "straddle"))
		return straddle_mode();
	if (argc > 1 && !strcmp(argv[1], "inplace"))
		return inplace_mode();
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
