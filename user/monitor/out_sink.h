/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The sink: where finished output lines go, between the run loop and the output descriptor.
 *
 * The run loop must keep draining the ring buffer whatever the reader of the output does: a
 * paused pipe reader, a slow disk or a scrolled-back terminal must not stall it (the kernel side
 * would then drop records). So the loop never writes: it appends whole lines to a bounded queue in
 * memory, and a writer thread writes the queue to the descriptor, blocking as long as it must.
 * When the queue is full a line is refused (never cut) and the caller counts it as lost; the
 * first write error (EPIPE, ENOSPC, ...) is kept, and from then on lines are refused with it.
 *
 * Interface for other sinks (syslog, metrics, reopen on SIGHUP): everything goes through
 * pyx_sink_write() as complete lines; pyx_sink_reopen() swaps the descriptor between two lines.
 * One producer thread (the run loop); the writer thread is private.
 */
#ifndef PYX_OUT_SINK_H
#define PYX_OUT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyx_sink;

/* Default bound of the queue: about 20 s of the output of a busy run (~12 MB/s of schema-2 JSON,
 * whose records carry their process context). Memory is taken only while the reader lags. */
#define PYX_SINK_DEFAULT_MAX (256u << 20)

/* Write to fd (the caller's: the sink never closes it) from a writer thread, started here.
 * max_bytes bounds the memory held by lines not yet written (0: PYX_SINK_DEFAULT_MAX). */
int pyx_sink_open(struct pyx_sink **out, int fd, size_t max_bytes);

/* How far a line may fill the queue. */
enum pyx_sink_class {
	PYX_SINK_DROP,     /* up to the bound (records of the monitored processes) */
	PYX_SINK_PRIORITY, /* up to twice the bound: few, and needed for the accounting (hook
			    * lifecycle records carry the count of events a process emitted) */
	PYX_SINK_FORCE,    /* always (lost records, the summary: the accounting itself) */
};

/* Queue one line (its newline included). Returns 0; -ENOBUFS when the queue is full for its
 * class (the line is dropped: the caller counts it); or the sticky write error. */
int pyx_sink_write(struct pyx_sink *s, const void *line, size_t len, enum pyx_sink_class cls);

/*
 * A line formatted in place, at the end of the open chunk, instead of in a buffer of its own and
 * then copied (~1 KB per JSON line): pyx_sink_lend() gives the room (*room bytes, its last for a
 * NUL the line does not count; NULL: none, format elsewhere and pyx_sink_write), then
 * pyx_sink_commit() queues the line as pyx_sink_write() would, or pyx_sink_unlend() discards it.
 * Between the two the open chunk stays open (pyx_sink_push() waits for the commit).
 */
char *pyx_sink_lend(struct pyx_sink *s, size_t *room);
/* Queue the line at line: the lent room, or any other memory (then copied, as pyx_sink_write). */
int pyx_sink_commit(struct pyx_sink *s, const void *line, size_t len, enum pyx_sink_class cls);
void pyx_sink_unlend(struct pyx_sink *s);

/* Hand what was queued to the writer now (lines are batched until a chunk fills or this is
 * called). Returns the sticky write error or 0. */
int pyx_sink_push(struct pyx_sink *s);

/* How long queued lines may wait for more to fill a chunk while records flow. */
#define PYX_SINK_LINGER_MS 20

/* The run loop's push, once per poll: when busy (records flow), only once what was queued has
 * waited PYX_SINK_LINGER_MS, so that the writer gets large writes; when not, now. Either way only
 * while the writer has written everything handed over before (see out_sink.c). Returns the
 * sticky write error or 0. */
int pyx_sink_push_lazy(struct pyx_sink *s, bool busy);

/* The run loop's poll timeout, at most max_ms: the milliseconds left until a part-filled chunk
 * pyx_sink_push_lazy() keeps back is due, so that a burst's last lines wait PYX_SINK_LINGER_MS,
 * not a whole poll. */
int pyx_sink_poll_ms(struct pyx_sink *s, int max_ms);

/* Chunks allocated and not freed: queued, open and spare (tests: the memory bound). */
size_t pyx_sink_chunks(struct pyx_sink *s);

/* Is there room for len more bytes? */
bool pyx_sink_room(struct pyx_sink *s, size_t len);

/* First write error (negative errno) or 0. */
int pyx_sink_error(struct pyx_sink *s);

/* Write everything queued and wait for it, up to timeout_ms (-1: as long as the reader takes).
 * Returns the sticky write error, -ETIMEDOUT when lines are still waiting, or 0. */
int pyx_sink_flush(struct pyx_sink *s, int timeout_ms);

/* Bytes queued and not yet written. */
size_t pyx_sink_pending(struct pyx_sink *s);

/* The descriptor is the monitor's own file (-o FILE, not -A), which it alone writes: reserve
 * its blocks ahead of the writes and give back the rest at pyx_sink_close() or
 * pyx_sink_reopen() (out_sink.c). Anything but a regular file on ext4 opened without O_APPEND
 * is left as it is. */
void pyx_sink_reserve(struct pyx_sink *s);

/* Flush, then use fd from the next line on (closing the old one is the caller's business). The
 * sticky error is cleared: the new descriptor starts clean. */
int pyx_sink_reopen(struct pyx_sink *s, int fd);

/* Write what is queued (as long as it takes), stop the writer, free. Returns the sticky error or
 * 0. Accepts NULL. */
int pyx_sink_close(struct pyx_sink *s);

#endif /* PYX_OUT_SINK_H */
