// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Lexical path arithmetic for the correlator. Symlinks are not followed: both sides of a
 * comparison (the audit event's path and the syscall's) are resolved the same way against the
 * same cwd, so a lexical result compares like with like, and reading the monitored process's file
 * system from the monitor would race with it anyway.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strchrnul */
#endif
#include <stdlib.h>
#include <string.h>

#include "corr_rules.h"

/* Append the segments of s to out[0..n) as "/seg", dropping empty ones and ".", and letting
 * ".." remove the last one ("/.." stays "/"). Returns the new length. */
static size_t join_segs(char *out, size_t n, const char *s)
{
	for (;;) {
		const char *e;
		size_t len;

		while (*s == '/')
			s++;
		if (!*s)
			return n;
		e = strchrnul(s, '/');
		len = e - s;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash; "/.." stays "/" */
		} else if (len != 1 || s[0] != '.') {
			out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s = e;
	}
}

size_t corr_path_join_into(char *out, const char *base, const char *rel)
{
	size_t n = 0;

	if (rel[0] != '/')
		n = join_segs(out, n, base);
	n = join_segs(out, n, rel);
	if (n == 0)
		out[n++] = '/';
	out[n] = 0;
	return n;
}

/* Called for every path of a claim: one allocation and one pass over the bytes (no copy to
 * tokenize; base and rel never share a segment, so they are walked one after the other). A
 * syscall's paths are joined into the correlator's own buffers (corr_proc.c, corr_resolve_sc). */
char *corr_path_join(const char *base, const char *rel)
{
	size_t bl = base ? strlen(base) : 0, rl = strlen(rel);
	char *out;

	if (rel[0] != '/' && (!base || base[0] != '/'))
		return NULL;
	out = malloc(bl + rl + 3);
	if (!out)
		return NULL;
	corr_path_join_into(out, base, rel);
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
