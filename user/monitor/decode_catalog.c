// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The catalogue's argument names are one comma-separated string per row in the .def file; they are
 * split once, at first use, into a table, so that the writers index them by position.
 */
#include <string.h>

#include "pyxcheck_wire.h"
#include "decode_catalog.h"

struct cat_row {
	const char *name;
	unsigned int category;
	const char *args;
};

static const struct cat_row rows[] = {
#define PYX_EVENT(sym, name, cat, args, syscalls) { name, PYX_CAT_##cat, args },
#include "audit_events.def"
#undef PYX_EVENT
};

_Static_assert(sizeof(rows) / sizeof(rows[0]) == PYX_EV__COUNT, "one row per catalogue event");

static const char *const cat_names[] = {
#define PYX_CAT_NAME(e, s) s,
	PYX_CATEGORIES(PYX_CAT_NAME)
#undef PYX_CAT_NAME
};

static struct pyx_cat_event events[PYX_EV__COUNT];
/* room for every argument name of every row, each NUL-terminated */
static char names_buf[PYX_EV__COUNT * 96];
static bool ready;

/* out of line: inlined, its loop made pyx_cat_event() save five registers on every call (three
 * per audit record) */
static __attribute__((noinline, cold)) void cat_init(void)
{
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < PYX_EV__COUNT; i++) {
		const char *a = rows[i].args;
		struct pyx_cat_event *e = &events[i];

		e->name = rows[i].name;
		e->category = rows[i].category;
		while (*a && e->nargs < PYX_CAT_ARGS_MAX) {
			size_t n = strcspn(a, ",");

			if (used + n + 1 > sizeof(names_buf))
				break;
			memcpy(names_buf + used, a, n);
			names_buf[used + n] = 0;
			e->args[e->nargs++] = names_buf + used;
			used += n + 1;
			a += n;
			if (*a == ',')
				a++;
		}
	}
	ready = true;
}

const struct pyx_cat_event *pyx_cat_event(unsigned int id)
{
	if (id >= PYX_EV__COUNT)
		return NULL;
	if (!ready)
		cat_init();
	return &events[id];
}

unsigned int pyx_cat_count(void)
{
	return PYX_EV__COUNT;
}

const char *pyx_cat_category_name(unsigned int cat)
{
	return cat < PYX_CAT__COUNT ? cat_names[cat] : NULL;
}

int pyx_cat_category_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < PYX_CAT__COUNT; i++)
		if (!strcmp(cat_names[i], name))
			return (int)i;
	return -1;
}
