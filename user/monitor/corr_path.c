// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Lexical path arithmetic for the correlator. Symlinks are not followed: both sides of a
 * comparison (the audit event's path and the syscall's) are resolved the same way against the
 * same cwd, so a lexical result compares like with like, and reading the monitored process's file
 * system from the monitor would race with it anyway.
 */
#include <stdlib.h>
#include <string.h>

#include "corr_rules.h"

char *corr_path_join(const char *base, const char *rel)
{
	size_t bl = base ? strlen(base) : 0, rl = strlen(rel), n = 0;
	char *tmp, *out, *seg, *save = NULL;

	if (rel[0] != '/' && (!base || base[0] != '/'))
		return NULL;
	tmp = malloc(bl + rl + 3);
	out = malloc(bl + rl + 3);
	if (!tmp || !out) {
		free(tmp);
		free(out);
		return NULL;
	}
	if (rel[0] == '/') {
		memcpy(tmp, rel, rl + 1);
	} else {
		memcpy(tmp, base, bl);
		tmp[bl] = '/';
		memcpy(tmp + bl + 1, rel, rl + 1);
	}
	for (seg = strtok_r(tmp, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash; "/.." stays "/" */
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, seg, strlen(seg));
		n += strlen(seg);
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = 0;
	free(tmp);
	return out;
}

bool corr_path_under(const char *a, const char *b)
{
	size_t bl = strlen(b);

	if (strncmp(a, b, bl))
		return false;
	return a[bl] == 0 || a[bl] == '/' || (bl > 0 && b[bl - 1] == '/');
}

const char *corr_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}
