// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Open-addressing hash table over the catalogue's event names. It is built once, before the hook
 * is registered, and never written again, so lookups need no lock even with 3.12's
 * per-interpreter GIL.
 */
#include <string.h>

#include "catalog.h"

#define PYX_CAT_SLOTS 512 /* power of two, > 2 x rows: short probe chains */

static const struct {
	const char *name;
	__u32 cat;
} pyx_rows[] = {
#define PYX_EVENT(sym, name, cat, args, syscalls) { name, PYX_CAT_##cat },
#include "audit_events.def"
#undef PYX_EVENT
};

_Static_assert(sizeof(pyx_rows) / sizeof(pyx_rows[0]) == PYX_EV__COUNT, "catalogue size");
_Static_assert(PYX_EV__COUNT * 2 < PYX_CAT_SLOTS, "hash table too small");

static __u16 pyx_slots[PYX_CAT_SLOTS]; /* row + 1; 0 = empty */
static int pyx_built;

static __u32 pyx_hash(const char *s)
{
	__u32 h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void pyx_catalog_init(void)
{
	__u32 i, h;

	if (pyx_built)
		return;
	for (i = 0; i < PYX_EV__COUNT; i++) {
		h = pyx_hash(pyx_rows[i].name) & (PYX_CAT_SLOTS - 1);
		while (pyx_slots[h])
			h = (h + 1) & (PYX_CAT_SLOTS - 1);
		pyx_slots[h] = (__u16)(i + 1);
	}
	pyx_built = 1;
}

__u32 pyx_catalog_lookup(const char *name, __u32 *cat)
{
	__u32 h = pyx_hash(name) & (PYX_CAT_SLOTS - 1), row;

	while (pyx_slots[h]) {
		row = pyx_slots[h] - 1u;
		if (!strcmp(pyx_rows[row].name, name)) {
			*cat = pyx_rows[row].cat;
			return row;
		}
		h = (h + 1) & (PYX_CAT_SLOTS - 1);
	}
	*cat = PYX_CAT_OTHER;
	return PYX_EVENT_UNKNOWN;
}
