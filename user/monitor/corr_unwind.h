/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* DWARF CFI unwinding of a syscall's stack dump with elfutils' libdwfl (corr_unwind.c). */
#ifndef PYX_CORR_UNWIND_H
#define PYX_CORR_UNWIND_H

#include <stdint.h>

#include "pyxcheck_wire.h"
#include "pyxcheck_syscall.h"

/* One executable file mapping of the process, as /proc/PID/maps gives it. */
struct pyx_unw_map {
	uint64_t start, end, off;
	const char *path;
};

struct pyx_unw_frame {
	uint64_t pc;     /* frame 0: where the syscall returns to; then return addresses */
	const char *sym; /* the function holding it (.symtab or .dynsym), or NULL; owned by unw */
	uint64_t symoff; /* pc - the symbol's address */
};

struct pyx_unw;

/* The executable segments of an ELF file the kernel mapped at exec, as mappings (at most max):
 * the executable placed by phdr (AT_PHDR, then its PT_INTERP is copied to interp), or the dynamic
 * loader by base (AT_BASE). Returns how many. */
unsigned int pyx_unw_image(const char *path, uint64_t phdr, uint64_t base, struct pyx_unw_map *out,
			   unsigned int max, char *interp, size_t ninterp);

/* The libraries of one process image; NULL when none could be reported. */
struct pyx_unw *pyx_unw_new(const struct pyx_unw_map *maps, unsigned int n);
void pyx_unw_free(struct pyx_unw *w);
/* Frames of d (registers and stack pages of thread tid), at most max: how many were found. */
unsigned int pyx_unw_walk(struct pyx_unw *w, uint32_t tid, const struct pyx_ustack_dump *d,
			  struct pyx_unw_frame *out, unsigned int max);

#endif /* PYX_CORR_UNWIND_H */
