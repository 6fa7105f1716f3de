/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * CPython's built-in python:audit probe, for blind spots (capture_builtin.c,
 * bpf/builtin_audit.bpf.c):
 * a small second BPF object, separate from the loader's, attached per process on demand.
 */
#ifndef PYX_CAPTURE_BUILTIN_H
#define PYX_CAPTURE_BUILTIN_H

#define PYX_BUILTIN_NAME_MAX 64

/* The record on its ring buffer (shared with the BPF side). */
struct pyx_builtin_rec {
	__u32 pid;
	__u32 tid;
	__u64 ts_ns;
	char name[PYX_BUILTIN_NAME_MAX]; /* NUL-terminated, cut at PYX_BUILTIN_NAME_MAX - 1 */
};

/* not in the BPF object (bpf/builtin_audit.bpf.c), which has neither vmlinux.h nor libc */
#if !defined(__VMLINUX_H__) && !defined(__bpf__)
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct pyx_builtin;

typedef void (*pyx_builtin_fn)(void *ctx, uint32_t pid, const char *name);

/* Load the object (nothing attached yet). -errno on failure. */
int pyx_builtin_open(struct pyx_builtin **out, bool verbose);
/* Attach python:audit of exe for pid only. -ENOENT when exe has no such probe. */
int pyx_builtin_attach(struct pyx_builtin *b, pid_t pid, const char *exe);
/* Does the image (a /proc link, as for pyx_builtin_attach) carry a python:audit USDT note? Read
 * the way libbpf reads it (section headers, .note.stapsdt), without blocking: what the attach
 * would find, known before the attach runs off the run loop. */
bool pyx_builtin_has_probe(const char *image);
/* Detach what was attached for pid (the process exited or turned out to be hooked). */
void pyx_builtin_detach(struct pyx_builtin *b, pid_t pid);
/* Hand every waiting record to fn. Returns the number handled or -errno. */
int pyx_builtin_poll(struct pyx_builtin *b, pyx_builtin_fn fn, void *ctx);
void pyx_builtin_destroy(struct pyx_builtin *b);
#endif

#endif /* PYX_CAPTURE_BUILTIN_H */
