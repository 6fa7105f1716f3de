/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* -o FILE: open the output safely on a path other users may have prepared (out_file.c). */
#ifndef PYX_OUT_FILE_H
#define PYX_OUT_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* A writable fd (truncated, or O_APPEND when append), or -errno with why set to a short reason
 * for the one-line error. */
int pyx_outfile_open(const char *path, bool append, char *why, size_t n);

#endif /* PYX_OUT_FILE_H */
