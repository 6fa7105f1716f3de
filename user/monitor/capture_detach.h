/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef PYX_CAPTURE_DETACH_H
#define PYX_CAPTURE_DETACH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct bpf_link;

/* Destroy n links (NULL entries are fine), concurrently, and set each entry to NULL. */
void pyx_links_destroy(struct bpf_link **links, size_t n);

/*
 * Fork a process that keeps only the probe descriptors (BPF links, perf events) and exits once
 * the caller has, so that the kernel detaches them in that child while the caller exits at once:
 * whoever drops a probe's last reference pays for its detach. The caller then exits without
 * destroying its links (libbpf's detach would disable each perf event first, the slow part).
 * Returns once the child holds nothing but the probes (about a millisecond): from then on the
 * caller's exit lets go of its output, and no reader waits for the child. Call it
 * single-threaded, with the output complete. Returns the child's pid, or a negative errno when
 * nothing was forked.
 */
pid_t pyx_detach_in_background(void);

#endif /* PYX_CAPTURE_DETACH_H */
