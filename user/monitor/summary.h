/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Counts for --summary: per audit event, per syscall, per record type, and losses. */
#ifndef PYX_SUMMARY_H
#define PYX_SUMMARY_H

#include <stdint.h>

#include "pyxcheck_wire.h"
#include "pyxcheck_syscall.h"

/* Events outside the catalogue are counted by name, up to this many distinct names; the rest
 * land in other_overflow. */
#define PYX_SUM_OTHER_MAX 256

struct pyx_sum_name {
	char *name;
	uint64_t count;
};

struct pyx_corr;

struct pyx_summary {
	uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC */
	uint64_t audit[PYX_EV__COUNT];
	struct pyx_sum_name other[PYX_SUM_OTHER_MAX];
	unsigned int nother;
	uint64_t other_overflow;
	uint64_t sc[PYX_SC__COUNT], sc_failed[PYX_SC__COUNT];
	uint64_t proc[4];         /* by enum pyx_proc_kind */
	uint64_t lifecycle, malformed;
	uint64_t records;         /* every record received, shown or filtered out */
	uint64_t lost_records[PYX_STREAM__COUNT]; /* sum of LOST records received */
	uint64_t lost_total[PYX_STREAM__COUNT];   /* the loader's counters at exit */
	uint64_t lost_output[PYX_STREAM__COUNT];  /* lines the output queue dropped (sink.h) */
	uint64_t throttled_records[PYX_STREAM__COUNT]; /* sum of THROTTLED records received */
	uint64_t throttled_total[PYX_STREAM__COUNT];   /* the loader's counters at exit */
	const struct pyx_corr *corr;              /* correlation figures (corr_out.h), or NULL */
};

void pyx_summary_audit(struct pyx_summary *s, unsigned int event_id, const uint8_t *name,
		       size_t len);
void pyx_summary_free(struct pyx_summary *s);

#endif /* PYX_SUMMARY_H */
