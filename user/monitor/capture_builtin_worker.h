/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attaching and detaching CPython's built-in python:audit probe (capture_builtin.h) off the run
 * loop. An attach reads the image's notes and registers a uprobe in every process that maps it;
 * with libbpf's perf-event uprobes (kernels without uprobe_multi, capture_usdt.h) it also takes
 * the kernel's tracepoint mutex, behind every other tracer's detach on the machine (each waiting
 * a grace period): seconds on a busy host, while a Python started under the monitor fills the
 * ring buffer. So the run loop only queues the request; this worker carries it out, in order.
 */
#ifndef PYX_CAPTURE_BUILTIN_WORKER_H
#define PYX_CAPTURE_BUILTIN_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "capture_builtin.h"

struct pyx_builtin_worker;

/* Start the worker; it opens the probe's BPF object itself (pyx_builtin_open()), off the
 * monitor's start-up, and carries out the requests queued meanwhile once it has. If the open
 * fails, what was queued is dropped and nothing more is queued. */
int pyx_bw_start(struct pyx_builtin_worker **out, bool verbose);
/* Read the probe's ring into fn (pyx_builtin_poll()), from the run loop: nothing before the
 * worker has opened it. Accepts NULL. */
int pyx_bw_poll(struct pyx_builtin_worker *w, pyx_builtin_fn fn, void *ctx);
/* Queue: attach the probe to pid's running image, a /proc link (pyx_corr_blind_fn). false when
 * the queue is full (not queued). */
bool pyx_bw_attach(struct pyx_builtin_worker *w, uint32_t pid, const char *image);
/* Queue: detach what was attached for pid (nothing when the attach failed). */
void pyx_bw_detach(struct pyx_builtin_worker *w, uint32_t pid);
/* Drop what is queued, wait for the request in hand, stop. Returns the probe, the caller's to
 * destroy (NULL if it was never opened). Accepts NULL. */
struct pyx_builtin *pyx_bw_stop(struct pyx_builtin_worker *w);

#endif /* PYX_CAPTURE_BUILTIN_WORKER_H */
