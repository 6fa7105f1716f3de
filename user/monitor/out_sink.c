// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The sink (out_sink.h): a bounded queue of chunks between the run loop and a writer thread.
 *
 * The run loop fills a chunk of its own without any lock and hands it over when it is full or
 * at pyx_sink_push(): one lock and at most one wake-up per batch, not per line.
 * `held` counts every byte handed over and not yet written; the bound is checked against it plus
 * the open chunk, so memory stays within max_bytes (plus forced lines) whatever the reader does.
 *
 * Why the chunks are large and end at multiples of CHUNK_SIZE of the stream: into a file, the
 * kernel's cost is per page of page cache, and it is much lower when a write is large and
 * aligned (ext4 then takes large folios: ~300 ns per KiB with 256 KiB aligned writes against
 * ~500 with 63 KB unaligned ones, here; a ~1 KB JSON line each). So a line may straddle two
 * chunks (a line is still accepted or refused whole), the writer writes every chunk queued in
 * one writev(), the run loop hands a chunk over before it is full only when it has waited
 * PYX_SINK_LINGER_MS or when the run loop is idle (pyx_sink_push_lazy), and written chunks are
 * kept for reuse (at most SPARE_MAX) instead of going back to malloc.
 *
 * A part-filled chunk is handed over only while the writer has nothing left to write: behind
 * queued data it would be written no sooner, and while a reader stalls, each quiet poll would
 * otherwise queue a chunk holding a few lines, a whole allocation for a few bytes of `held`, until
 * the bound counted in bytes let thousands of them pile up. So every queued chunk but the first is
 * full, and the chunks held stay within max_bytes / CHUNK_SIZE + 2 + SPARE_MAX.
 *
 * A JSON line is formatted in the open chunk itself (pyx_sink_lend): a chunk of CHUNK_SIZE has
 * SLACK bytes more, so that a line that crosses the chunk's end is built whole in place; at the
 * commit only its part past the end is copied into the next chunk.
 *
 * Into the monitor's own -o file (pyx_sink_reserve()), the writer reserves the file's blocks
 * RESERVE_AHEAD ahead of its writes (fallocate(FALLOC_FL_KEEP_SIZE): the size and the bytes do
 * not change) and gives back the blocks past the end at close and at a SIGHUP reopen (on ext4
 * only, where it was measured): ext4 then finds each page's block allocated instead of reserving
 * it for delayed allocation page by page (~25% less system time per KiB written, here: the
 * writer's ~430 ns per 1 KB JSON line became ~360).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fallocate */
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "out_sink.h"

#define CHUNK_SIZE (256u << 10)
#define SPARE_MAX 4
/* chunks per writev(): `held` drops once a whole batch is written, so a batch of 1 MiB keeps it
 * within that of what is left to write (the "unwritten" figure at a second SIGINT, the room of
 * droppable lines) */
#define WRITEV_MAX 4
/* room past the end of a chunk for a line built in place; a longer line is built in a buffer of
 * its own and copied (pyx_sink_write) */
#define SLACK (16u << 10)
/* how far the blocks of the -o file are reserved past the writes (pyx_sink_reserve) */
#define RESERVE_AHEAD (4u << 20)

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
	struct chunk *spare; /* written chunks of CHUNK_SIZE, for reuse (under the lock) */
	unsigned int nspare;
	size_t nchunks; /* allocated, not freed (atomic) */
	/* the run loop's: no lock */
	struct chunk *open;
	char *lent;       /* the room of the open chunk lent for a line, until its commit */
	uint64_t queued;  /* bytes ever queued: the stream offset the chunks align to */
	uint64_t open_ns; /* CLOCK_MONOTONIC when the open chunk got its first byte */
	pthread_t thread;
	/* the writer's (and close's and reopen's, while it is idle): pyx_sink_reserve() */
	bool reserve;
	bool trim;         /* a reservation was tried: blocks past the end may be held */
	uint64_t pos;      /* the file offset of the next write */
	uint64_t reserved; /* blocks are reserved up to here */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void chunk_free(struct pyx_sink *s, struct chunk *c)
{
	if (!c)
		return;
	__atomic_fetch_sub(&s->nchunks, 1, __ATOMIC_RELEASE);
	free(c);
}

static int writev_all(int fd, struct iovec *iov, int n)
{
	while (n) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
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
		while (n && (size_t)w >= iov->iov_len) {
			w -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= w;
		}
	}
	return 0;
}

/* Reserve the blocks of the next len bytes and RESERVE_AHEAD more, when they are not yet. A
 * file system without fallocate (or a full one: the write then says so) stops the reserving. */
static void reserve_ahead(struct pyx_sink *s, int fd, size_t len)
{
	uint64_t from = s->reserved > s->pos ? s->reserved : s->pos;

	if (s->pos + len > s->reserved) {
		if (!fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)from,
			       (off_t)(s->pos + len + RESERVE_AHEAD - from))) {
			s->reserved = s->pos + len + RESERVE_AHEAD;
			s->trim = true;
		} else {
			/* a full disk may have allocated a part: give it back at the end */
			if (errno == ENOSPC)
				s->trim = true;
			s->reserve = false;
		}
	}
	s->pos += len;
}

/* Give back the reserved blocks past the file's end: truncating to the size it has frees them
 * (ext4, xfs) and changes no byte. Only on the monitor's own file: it alone writes there. */
static void reserve_end(struct pyx_sink *s, int fd)
{
	struct stat st;

	if (s->trim && !fstat(fd, &st))
		(void)!ftruncate(fd, st.st_size);
	s->reserve = false;
	s->trim = false;
}

static void *writer_main(void *arg)
{
	struct pyx_sink *s = arg;
	struct iovec iov[WRITEV_MAX];
	struct chunk *c, *list, *next;
	size_t len;
	int err, fd, n;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->head && !s->stop)
			pthread_cond_wait(&s->work, &s->lock);
		if (!s->head)
			break;
		/* every chunk queued so far, in one write: large writes cost the kernel less */
		list = s->head;
		n = 0;
		len = 0;
		for (c = list; c && n < WRITEV_MAX; c = c->next) {
			iov[n].iov_base = c->data;
			iov[n++].iov_len = c->len;
			len += c->len;
			s->head = c->next;
		}
		if (!s->head)
			s->tail = NULL;
		s->busy = true;
		err = s->err;
		fd = s->fd;
		pthread_mutex_unlock(&s->lock);

		/* after an error, the rest is discarded: the caller was told and stops */
		if (!err && s->reserve)
			reserve_ahead(s, fd, len);
		if (!err)
			err = writev_all(fd, iov, n);

		pthread_mutex_lock(&s->lock);
		if (err && !s->err)
			__atomic_store_n(&s->err, err, __ATOMIC_RELEASE);
		__atomic_store_n(&s->held, s->held - len, __ATOMIC_RELEASE);
		s->busy = false;
		for (c = list; n--; c = next) {
			next = c->next;
			if (c->cap == CHUNK_SIZE && s->nspare < SPARE_MAX) {
				c->next = s->spare;
				s->spare = c;
				__atomic_store_n(&s->nspare, s->nspare + 1, __ATOMIC_RELAXED);
			} else {
				chunk_free(s, c);
			}
		}
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

void pyx_sink_reserve(struct pyx_sink *s)
{
	struct statfs sf;
	struct stat st;
	off_t pos;

	/* Measured on ext4 only, whose delayed allocation it spares. Elsewhere it may cost: on
	 * tmpfs the blocks are memory, and btrfs writes preallocated blocks uncompressed. A file
	 * opened to append may have other writers: its end is not ours to trim. */
	if (fstat(s->fd, &st) || !S_ISREG(st.st_mode) || (fcntl(s->fd, F_GETFL) & O_APPEND) ||
	    fstatfs(s->fd, &sf) || sf.f_type != EXT4_SUPER_MAGIC)
		return;
	/* the writer idle, so that the offset is that of the next write */
	pyx_sink_flush(s, -1);
	pthread_mutex_lock(&s->lock);
	pos = lseek(s->fd, 0, SEEK_CUR);
	if (pos >= 0) {
		s->reserve = true;
		s->pos = (uint64_t)pos;
		s->reserved = 0;
	}
	pthread_mutex_unlock(&s->lock);
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

	/* a line is being built in it: the chunk goes with the line's commit */
	if (!c || !c->len || s->lent)
		return pyx_sink_error(s);
	s->open = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->tail)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
	__atomic_store_n(&s->held, s->held + c->len, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
	/* after the unlock: signalled under the lock, the writer woke only to block on it again
	 * (a futex wait in the writer, a wake in the run loop and a wake at the writer's next
	 * unlock, per chunk) */
	pthread_cond_signal(&s->work);
	return pyx_sink_error(s);
}

/* A part-filled open chunk that the writer, idle, could take now (see the comment above). */
static bool open_waits(struct pyx_sink *s)
{
	return s->open && s->open->len && !__atomic_load_n(&s->held, __ATOMIC_ACQUIRE);
}

int pyx_sink_push_lazy(struct pyx_sink *s, bool busy)
{
	if (open_waits(s) && (!busy || mono_ns() - s->open_ns >= PYX_SINK_LINGER_MS * 1000000ull))
		return pyx_sink_push(s);
	return pyx_sink_error(s);
}

int pyx_sink_poll_ms(struct pyx_sink *s, int max_ms)
{
	uint64_t age, linger = PYX_SINK_LINGER_MS * 1000000ull;
	int left;

	/* only a chunk pyx_sink_push_lazy() would hand over once it has waited */
	if (!s || !open_waits(s))
		return max_ms;
	age = mono_ns() - s->open_ns;
	left = age >= linger ? 0 : (int)((linger - age + 999999) / 1000000);
	return left < max_ms ? left : max_ms;
}

size_t pyx_sink_chunks(struct pyx_sink *s)
{
	return __atomic_load_n(&s->nchunks, __ATOMIC_ACQUIRE);
}

/* A chunk for the run loop: a spare one, or a new one of cap bytes (NULL: out of memory). */
static struct chunk *chunk_get(struct pyx_sink *s, size_t cap)
{
	struct chunk *c = NULL;

	if (cap == CHUNK_SIZE && __atomic_load_n(&s->nspare, __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&s->lock);
		c = s->spare;
		if (c) {
			s->spare = c->next;
			__atomic_store_n(&s->nspare, s->nspare - 1, __ATOMIC_RELAXED);
		}
		pthread_mutex_unlock(&s->lock);
	}
	if (!c) {
		c = malloc(sizeof(*c) + cap + (cap == CHUNK_SIZE ? SLACK : 0));
		if (!c)
			return NULL;
		__atomic_fetch_add(&s->nchunks, 1, __ATOMIC_RELEASE);
		c->cap = cap;
	}
	c->next = NULL;
	c->len = 0;
	return c;
}

/* Room left in the open chunk (always of CHUNK_SIZE): up to the next multiple of CHUNK_SIZE of
 * the stream. A chunk taken at an offset inside a multiple is filled only up to its end. */
static size_t open_room(const struct pyx_sink *s)
{
	return CHUNK_SIZE - s->queued % CHUNK_SIZE;
}

/* Whether a line of len bytes of class cls may be queued now: 0, the sink's error, or -ENOBUFS
 * (dropped, and counted by the caller). Shared by pyx_sink_write() and pyx_sink_commit(). */
static int sink_admit(struct pyx_sink *s, size_t len, enum pyx_sink_class cls)
{
	int err = pyx_sink_error(s);

	if (err)
		return err;
	if ((cls == PYX_SINK_DROP && !pyx_sink_room(s, len)) ||
	    (cls == PYX_SINK_PRIORITY && pyx_sink_pending(s) + len > 2 * s->max))
		return -ENOBUFS;
	return 0;
}

/* The open chunk goes to the writer when full, or holding half the bound: a small --queue-size
 * must not wait for the linger. */
static void push_if_full(struct pyx_sink *s)
{
	if (open_room(s) == CHUNK_SIZE || s->open->len >= s->max / 2)
		pyx_sink_push(s);
}

/* queue_line() for a line that straddles the open chunk's end (n bytes of room left in it):
 * apart, so that the common case has none of its calls and saved registers. */
static __attribute__((noinline)) int queue_straddle(struct pyx_sink *s, const char *p, size_t len,
						    int nomem, bool in_place, size_t n)
{
	struct chunk *next = chunk_get(s, CHUNK_SIZE);

	if (!next)
		return nomem;
	memcpy(next->data, p + n, len - n);
	if (!in_place)
		memcpy(s->open->data + s->open->len, p, n);
	s->open->len += n;
	s->queued += n;
	pyx_sink_push(s);
	s->open = next;
	s->open_ns = mono_ns();
	next->len = len - n;
	s->queued += len - n;
	push_if_full(s);
	return 0;
}

/* Queue a line of at most CHUNK_SIZE bytes at the end of the open chunk. in_place: the line is
 * there already (pyx_sink_lend()), its part past the chunk's end in the slack. A line that
 * straddles this chunk and the next takes the next one first, so that it is queued whole or not
 * at all, and its tail is copied there before this chunk goes to the writer (which may free it). */
static inline int queue_line(struct pyx_sink *s, const char *p, size_t len, int nomem,
			     bool in_place)
{
	size_t n = open_room(s);

	if (!s->open->len)
		s->open_ns = mono_ns();
	if (__builtin_expect(n < len, 0))
		return queue_straddle(s, p, len, nomem, in_place, n);
	if (!in_place)
		memcpy(s->open->data + s->open->len, p, len);
	s->open->len += len;
	s->queued += len;
	push_if_full(s);
	return 0;
}

int pyx_sink_write(struct pyx_sink *s, const void *line, size_t len, enum pyx_sink_class cls)
{
	int nomem = cls == PYX_SINK_FORCE ? -ENOMEM : -ENOBUFS; /* dropped, and counted */
	const char *p = line;
	struct chunk *c;
	int err = sink_admit(s, len, cls);

	if (err)
		return err;
	if (len > CHUNK_SIZE) {
		/* a line longer than a chunk gets one of its own */
		c = chunk_get(s, len);
		if (!c)
			return nomem;
		pyx_sink_push(s);
		/* an empty open chunk (a straddle that found no memory) is not pushed: drop it */
		chunk_free(s, s->open);
		memcpy(c->data, p, len);
		c->len = len;
		s->queued += len;
		s->open = c;
		pyx_sink_push(s);
		return 0;
	}
	if (!s->open) {
		s->open = chunk_get(s, CHUNK_SIZE);
		if (!s->open)
			return nomem;
	}
	return queue_line(s, p, len, nomem, false);
}

char *pyx_sink_lend(struct pyx_sink *s, size_t *room)
{
	size_t n;

	if (s->lent || pyx_sink_error(s))
		return NULL;
	if (!s->open) {
		s->open = chunk_get(s, CHUNK_SIZE);
		if (!s->open)
			return NULL;
	}
	/* the open chunk holds len + open_room() <= CHUNK_SIZE: up to SLACK more fits, and a
	 * line of at most CHUNK_SIZE never needs a chunk of its own */
	n = open_room(s) + SLACK;
	*room = n < CHUNK_SIZE ? n : CHUNK_SIZE;
	s->lent = s->open->data + s->open->len;
	return s->lent;
}

void pyx_sink_unlend(struct pyx_sink *s)
{
	s->lent = NULL;
}

/* pyx_sink_commit() of a line in place, every case: as pyx_sink_write, less the copy */
static __attribute__((noinline)) int commit_slow(struct pyx_sink *s, const char *at, size_t len,
						 enum pyx_sink_class cls)
{
	int nomem = cls == PYX_SINK_FORCE ? -ENOMEM : -ENOBUFS;
	int err = sink_admit(s, len, cls);

	if (err)
		return err;
	return queue_line(s, at, len, nomem, true);
}

int pyx_sink_commit(struct pyx_sink *s, const void *line, size_t len, enum pyx_sink_class cls)
{
	const char *at = s->lent;
	struct chunk *c = s->open;

	s->lent = NULL;
	if (line != at)
		return pyx_sink_write(s, line, len, cls);
	/*
	 * The common case, a leaf with no registers to save (the rest is commit_slow's, every
	 * check of which it repeats): a droppable line, no error, room under the bound, a chunk
	 * already begun (its open_ns set), the line ending before the chunk's end (no straddle,
	 * and the chunk not filled: no push) and the chunk below half the bound (push_if_full).
	 */
	if (__builtin_expect(cls != PYX_SINK_DROP || pyx_sink_error(s) || !c->len ||
				     open_room(s) <= len || c->len + len >= s->max / 2 ||
				     !pyx_sink_room(s, len),
			     0))
		return commit_slow(s, at, len, cls);
	c->len += len;
	s->queued += len;
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
	/* the old file is complete: its reserve goes back; the new one is opened to append */
	reserve_end(s, s->fd);
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
	s->lent = NULL;
	pyx_sink_push(s);
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	reserve_end(s, s->fd);
	err = s->err;
	chunk_free(s, s->open);
	while (s->spare) {
		struct chunk *c = s->spare;

		s->spare = c->next;
		chunk_free(s, c);
	}
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return err;
}
