/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Issue 8: does this kernel run 32-bit syscalls (int $0x80) of 64-bit processes?
 * (capture_compat.c) */
#ifndef PYX_CAPTURE_COMPAT_H
#define PYX_CAPTURE_COMPAT_H

/* 1: yes (they escape the syscall tracepoints), 0: no, or a negative errno. */
int pyx_compat_probe(void);

#endif /* PYX_CAPTURE_COMPAT_H */
