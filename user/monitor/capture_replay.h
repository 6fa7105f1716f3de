/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * -r FILE: a JSON Lines capture read back (docs/views.md, "Replay (-r)"). A capture made with
 * `-j --raw` carries each ring-buffer record's bytes ("raw", base64), in the record's own line
 * or, for a syscall the correlator folded into an audit record, in that record's `syscalls`
 * list. The replay feeds exactly those bytes to the correlator and the printers, in time order,
 * so that it decides what the live run decided. Lines are parsed with json-c; a line that is not
 * a JSON record is reported with its number and counted, never fatal.
 */
#ifndef PYX_CAPTURE_REPLAY_H
#define PYX_CAPTURE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyx_corr_blind;

struct pyx_replay_item {
	uint64_t ts;
	size_t order; /* position in the file: ties keep it */
	void *rec;    /* a ring-buffer record (8-aligned), or NULL */
	size_t size;
	char *line; /* or a line written again as it is (blind-spot, malformed) */
	size_t line_len;
	/* a blind-spot line read back, for the human view and the views (-c, --trace-out, --html);
	 * NULL when it lacks a field: then only the JSON line is written again */
	struct pyx_corr_blind *blind;
};

struct pyx_replay {
	struct pyx_replay_item *items; /* sorted by (ts, order) once loaded */
	size_t n, cap;
	uint64_t bad_lines;   /* lines that are not JSON records, or whose raw bytes are bad */
	uint64_t no_raw;      /* records of the kernel with no raw bytes (captured without --raw) */
	uint64_t passed;      /* lines written again as they are */
	uint64_t malformed;   /* of which captured malformed records */
	uint64_t blind_spots; /* of which blind-spot records */
	uint64_t first_ts, last_ts; /* of the records replayed */
	bool have_stamp;            /* time and node of the capture were found */
	int64_t real_offset;        /* CLOCK_REALTIME - CLOCK_MONOTONIC of the capture, ns */
	char node[256];             /* the capture's node (plain text) */
};

/* Read path ("-" for stdin). Returns 0, or a negative errno when it cannot be read at all (the
 * reason printed). Bad lines are printed (the first few, as JSON errors when json) and counted. */
int pyx_replay_load(struct pyx_replay *r, const char *path, bool json);
void pyx_replay_free(struct pyx_replay *r);

#endif /* PYX_CAPTURE_REPLAY_H */
