/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* User stacks of unaudited syscalls: library+offset from build IDs (corr_ustack.c). */
#ifndef PYX_CORR_USTACK_H
#define PYX_CORR_USTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "pyxcheck_wire.h"
#include "pyxcheck_syscall.h"

struct pyx_ustack;

struct pyx_ustack_text {
	unsigned int n;
	/* "libc.so.6+0xf7a3b", or "0x7f..." when unresolved; unwound from a dump, the function
	 * follows after a space: "libc.so.6+0xf7a3b __open64+0x5b" */
	char frames[PYX_USTACK_TEXT_MAX][160];
	/* a known native caller, "" when none: "multiprocessing (C): glibc sem_open/sem_unlink",
	 * "... (through glibc sem_open)" when unwound (an array: the struct is copied) */
	char origin[160];
	char note[64]; /* "process 123 gone: not resolved", or "" */
};

struct pyx_ustack *pyx_ustack_new(const char *procfs);
void pyx_ustack_free(struct pyx_ustack *u);
/* The process exec'd or exited: its cached maps are stale. */
void pyx_ustack_forget(struct pyx_ustack *u, uint32_t pid);
/* Name the build ID of this file (an exec'd file, a library mapped executable). */
void pyx_ustack_learn(struct pyx_ustack *u, const char *path);
/* The process mapped path executable at [start, start+len) from file offset off (a traced mmap):
 * kept for unwinding its stack dumps after it is gone. */
void pyx_ustack_mapped(struct pyx_ustack *u, uint32_t pid, uint64_t start, uint64_t len,
		       uint64_t off, const char *path);
/* Name the frames f (the kernel's frame-pointer walk); with a dump d of the same syscall (or
 * NULL), unwind d with DWARF CFI instead where the process's maps are known. exe: the file the
 * process exec'd (or NULL), placed from d's auxiliary vector when /proc is gone. */
void pyx_ustack_resolve(struct pyx_ustack *u, uint32_t pid, const char *exe,
			const struct pyx_ustack_frame *f, unsigned int n,
			const struct pyx_ustack_dump *d, struct pyx_ustack_text *out);

#endif /* PYX_CORR_USTACK_H */
