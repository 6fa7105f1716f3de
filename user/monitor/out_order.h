/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Time order for the human output. The correlator hands records back in per-thread order, and
 * holds a thread's records while one of its audit windows is open, so a Popen can reach the
 * writer after its child's records. The plain writer puts each finished line here, keyed by its
 * record's timestamp, and the run loop releases lines in timestamp order once no record that
 * could sort before them can still arrive: older than the correlator's oldest held record and a
 * little older than now (records of other CPUs still in the ring). The hold is bounded in time
 * and in lines; a line that arrives after younger ones were written is written at once, after a
 * marker line that says so: the output never goes back in time silently.
 */
#ifndef PYX_OUT_ORDER_H
#define PYX_OUT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyx_writer;
struct pyx_order;

#define PYX_ORDER_SLACK_NS 100000000ull    /* a record's delay in the ring, at most */
#define PYX_ORDER_MAX_AGE_NS 3000000000ull /* a line is never held longer than this */
#define PYX_ORDER_MAX_LINES 200000

int pyx_order_new(struct pyx_order **out);
void pyx_order_free(struct pyx_order *o);
/* Take the writer's finished line (w->buf, no newline), keyed by w->line_ts. report: the line is
 * a report made when something was found out (a blind spot), not a record of the moment it
 * names: it is placed at the release point, never marked late. */
void pyx_order_put(struct pyx_order *o, struct pyx_writer *w, bool report);
/* Write every line with a key before horizon (CLOCK_MONOTONIC ns); UINT64_MAX: all. Lines older
 * than now - PYX_ORDER_MAX_AGE_NS go whatever the horizon. */
void pyx_order_release(struct pyx_order *o, struct pyx_writer *w, uint64_t horizon, uint64_t now);
/* Lines written out of time order, and marker lines written for them. */
uint64_t pyx_order_late(const struct pyx_order *o);
size_t pyx_order_held(const struct pyx_order *o);

#endif /* PYX_OUT_ORDER_H */
