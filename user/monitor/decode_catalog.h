/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The audit event catalogue (include/audit_events.def) as the monitor reads it. */
#ifndef PYX_DECODE_CATALOG_H
#define PYX_DECODE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PYX_CAT_ARGS_MAX 16

struct pyx_cat_event {
	const char *name;
	unsigned int category; /* enum pyx_category */
	unsigned int nargs;
	const char *args[PYX_CAT_ARGS_MAX];
};

/* NULL for an id outside the catalogue. */
const struct pyx_cat_event *pyx_cat_event(unsigned int id);
unsigned int pyx_cat_count(void);
/* Name of category i ("file", ...), NULL past the end. */
const char *pyx_cat_category_name(unsigned int cat);
/* Category index of a name, or -1. */
int pyx_cat_category_find(const char *name);

#endif /* PYX_DECODE_CATALOG_H */
