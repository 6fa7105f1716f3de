/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Recognise a CPython executable from its ELF (corr_elf.c). */
#ifndef PYX_CORR_ELF_H
#define PYX_CORR_ELF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * 1: a CPython (why says how it was recognised), 0: not, -1: the file could not be opened.
 * no_interp (may be NULL): an ELF without PT_INTERP, the dynamic loader itself or a static
 * program, which can map and run another program (ld.so python3 ...): watch what it maps.
 */
int corr_elf_is_python(const char *path, char *why, size_t n, bool *no_interp);

struct stat;
/* Open a regular file for reading without ever blocking or touching a device (O_PATH, fstat,
 * then the very inode through /proc/self/fd): the fd, or -1 with errno (EINVAL: not a regular
 * file). st is filled in. */
int corr_open_untrusted_reg(const char *path, struct stat *st);

#endif /* PYX_CORR_ELF_H */
