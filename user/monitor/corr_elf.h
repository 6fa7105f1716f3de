/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Recognise a CPython executable from its ELF (corr_elf.c). */
#ifndef PYX_CORR_ELF_H
#define PYX_CORR_ELF_H

#include <stddef.h>

/* 1: a CPython (why says how it was recognised), 0: not, -1: the file could not be opened. */
int corr_elf_is_python(const char *path, char *why, size_t n);

#endif /* PYX_CORR_ELF_H */
