/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Audit event name -> catalogue row and category, from include/audit_events.def. */
#ifndef PYX_HOOK_CATALOG_H
#define PYX_HOOK_CATALOG_H

#include "pyxcheck_wire.h"

/* Build the lookup table. Call once before any lookup, from one thread; idempotent. */
void pyx_catalog_init(void);

/* Row of `name` (PYX_EV_*) or PYX_EVENT_UNKNOWN; *cat gets its category (PYX_CAT_OTHER when
 * unknown). Lock-free and read-only once built: safe from every thread and interpreter. */
__u32 pyx_catalog_lookup(const char *name, __u32 *cat);

#endif /* PYX_HOOK_CATALOG_H */
