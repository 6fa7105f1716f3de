// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "summary.h"

void pyx_summary_audit(struct pyx_summary *s, unsigned int event_id, const uint8_t *name,
		       size_t len)
{
	unsigned int i;
	char *copy;

	if (event_id < PYX_EV__COUNT) {
		s->audit[event_id]++;
		return;
	}
	/* few distinct names in practice: a linear search is enough */
	for (i = 0; i < s->nother; i++) {
		if (strlen(s->other[i].name) == len && !memcmp(s->other[i].name, name, len)) {
			s->other[i].count++;
			return;
		}
	}
	if (s->nother == PYX_SUM_OTHER_MAX || !(copy = strndup((const char *)name, len))) {
		s->other_overflow++;
		return;
	}
	s->other[s->nother].name = copy;
	s->other[s->nother++].count = 1;
}

void pyx_summary_free(struct pyx_summary *s)
{
	unsigned int i;

	for (i = 0; i < s->nother; i++)
		free(s->other[i].name);
	s->nother = 0;
}
