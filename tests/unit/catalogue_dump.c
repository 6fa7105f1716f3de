// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * catalogue-dump: include/audit_events.def expanded the way C code expands it (PYX_EVENT rows into
 * an array, the enums of pyxcheck_wire.h), printed for tests/test_catalogue.py to compare with the
 * .def file as text: "EVENTS CATEGORIES" on the first line, then "id\tname\tcategory\targs".
 */
#include <stdio.h>

#include "pyxcheck_wire.h"

static const struct {
	int id;
	const char *name;
	int cat;
	const char *args;
} rows[] = {
#define PYX_EVENT(sym, name, cat, args, sc) { PYX_EV_##sym, name, PYX_CAT_##cat, args },
#include "audit_events.def"
#undef PYX_EVENT
};

int main(void)
{
	printf("%d %d\n", (int)PYX_EV__COUNT, (int)PYX_CAT__COUNT);
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("%d\t%s\t%d\t%s\n", rows[i].id, rows[i].name, rows[i].cat, rows[i].args);
	return 0;
}
