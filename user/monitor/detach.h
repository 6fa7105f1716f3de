/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef PYX_DETACH_H
#define PYX_DETACH_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_link;

/* Destroy n links (NULL entries are fine), concurrently, and set each entry to NULL. */
void pyx_links_destroy(struct bpf_link **links, size_t n);

#endif /* PYX_DETACH_H */
