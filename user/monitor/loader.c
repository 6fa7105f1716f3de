// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Stub: replaced by the real loader shortly. Links, loads nothing. */
#include <errno.h>
#include <stdio.h>

#include "loader.h"

int pyx_loader_open(struct pyx_loader **out, const struct pyx_loader_opts *opts)
{
	fprintf(stderr, "failed to load BPF programs: loader not built yet\n");
	return -ENOSYS;
}

int pyx_loader_add_pid(struct pyx_loader *ld, pid_t pid)
{
	return -ENOSYS;
}

int pyx_loader_poll(struct pyx_loader *ld, int timeout_ms, pyx_record_fn fn, void *ctx)
{
	return -ENOSYS;
}

int pyx_loader_lost(struct pyx_loader *ld, uint64_t lost[])
{
	return -ENOSYS;
}

void pyx_loader_destroy(struct pyx_loader *ld)
{
}
