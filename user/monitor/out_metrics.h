/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --metrics FILE: the monitor's counters in the Prometheus text format, for node_exporter's
 * textfile collector. Written to FILE.tmp and renamed over FILE, so a scraper never reads half a
 * file. Metric names and meanings: docs/deploy.md.
 */
#ifndef PYX_OUT_METRICS_H
#define PYX_OUT_METRICS_H

#include <stdint.h>

#include "out_service.h"

/* Returns 0 or a negative errno. */
int pyx_metrics_write(const char *path, const struct pyx_counters *c);

/* Ring buffer fill: bytes between the consumer and producer positions of a BPF ring buffer map
 * (mmapped read-only once). Returns 0 and sets *used, or a negative errno. */
int pyx_ring_fill(int map_fd, uint64_t *used);

/* Hooked processes alive: a pid set fed from lifecycle and process-exit records. */
void pyx_alive_add(uint32_t pid);
void pyx_alive_del(uint32_t pid);
uint64_t pyx_alive_count(void);

#endif /* PYX_OUT_METRICS_H */
