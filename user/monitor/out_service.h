/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What running as a host service adds to the JSON records (docs/json-schema.md): the wall-clock
 * `time` and the `node` stamped into every record, the first `start` record, and the `stats` record
 * that SIGUSR1 asks for. The counters of `stats` and of --metrics come from one snapshot
 * (struct pyx_counters), so the two never disagree.
 */
#ifndef PYX_OUT_SERVICE_H
#define PYX_OUT_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "out_writer.h"

#define PYX_SCHEMA_VERSION 2

struct pyx_summary;
struct pyx_opts;

struct pyx_stamp {
	char node[256]; /* hostname, JSON-escaped with its quotes */
	char boot_id[40];
	int64_t real_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC at start, ns */
};

/* Read the hostname and boot id, and the offset that turns a monotonic ts into wall time. */
void pyx_stamp_init(struct pyx_stamp *st);

/* RFC 3339 UTC with nanoseconds ("2026-11-30T01:45:42.123456789Z") of a CLOCK_MONOTONIC ts. */
/* Append ,"time":"...","node":... for a record at ts_ns (what pyx_stamp_line inserts). */
void pyx_stamp_put(const struct pyx_stamp *st, struct pyx_buf *b, uint64_t ts_ns);
/* Returns the text's length, 0 (and an empty text) when size is too small. */
size_t pyx_stamp_time(const struct pyx_stamp *st, uint64_t ts_ns, char *out, size_t size);

/* Insert ,"time":...,"node":... after the leading "ts" member of the JSON record in b. */
void pyx_stamp_line(const struct pyx_stamp *st, struct pyx_buf *b);

/* Figures shared by the stats record and the metrics file. */
struct pyx_counters {
	uint64_t records;     /* ring records received */
	uint64_t by_type[8];  /* shown records, by enum pyx_ctype */
	uint64_t verdicts[8]; /* by correlation verdict, when correlating */
	unsigned int nverdicts;
	uint64_t blind_spots;
	uint64_t lost[PYX_STREAM__COUNT];      /* per stream (enum pyx_stream) */
	uint64_t throttled[PYX_STREAM__COUNT]; /* held back by the kernel side's fair share */
	uint64_t malformed;
	uint64_t sink_lost, sink_sent, sink_queued; /* --syslog */
	uint64_t hooked_alive;         /* hooked processes that started and have not exited */
	uint64_t ring_size, ring_used; /* bytes */
	double cpu_seconds;            /* monitor user + system */
	uint64_t rss_bytes;
};

enum pyx_ctype {
	PYX_CT_AUDIT,
	PYX_CT_SYSCALL,
	PYX_CT_PROCESS,
	PYX_CT_LIFECYCLE,
	PYX_CT_LOST,
	PYX_CT_MALFORMED,
	PYX_CT_THROTTLED,
	PYX_CT__COUNT
};
const char *pyx_ctype_name(unsigned int t);

/* Monitor CPU time and resident set size, from getrusage and /proc/self/statm. */
void pyx_counters_self(struct pyx_counters *c);

/* The `start` and `stats` JSON records. */
void pyx_json_start(struct pyx_writer *w, uint64_t ts_ns, const struct pyx_stamp *st,
		    const struct pyx_opts *o, int argc, char **argv);
void pyx_json_stats(struct pyx_writer *w, uint64_t ts_ns, const struct pyx_counters *c);

#endif /* PYX_OUT_SERVICE_H */
