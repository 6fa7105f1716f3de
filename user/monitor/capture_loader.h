/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loader: everything between the monitor and the kernel. It opens the BPF object, sets its
 * read-only configuration, loads it (disabling optional programs the kernel refuses), attaches the
 * USDT programs to the hook's binaries and the syscall tracepoints, and hands every ring-buffer
 * record, still raw, to a callback. It knows nothing about output formats or correlation.
 */
#ifndef PYX_CAPTURE_LOADER_H
#define PYX_CAPTURE_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pyx_loader;
struct pyx_ustack_dump;

struct pyx_loader_opts {
	/* Monitor every process that carries the hook (a process joins the set when it fires any
	 * pyxcheck probe; its descendants follow). When false, only pids added with
	 * pyx_loader_add_pid() and their descendants are monitored. */
	bool all;
	/* Binaries whose pyxcheck USDT probes are attached, for every pid (NULL-terminated).
	 * Normally build/libpyxcheck.so and build/pyxcheck-python. A missing file is an error. */
	const char *const *hook_paths;
	/* Bit i set: attach the probe of category i (enum pyx_category). Probes nobody asked for are
	 * not attached at all. Lifecycle probes are always attached. */
	uint32_t category_mask;
	/* Attach syscall tracepoints and sched tracepoints (false: audit events only). */
	bool syscalls;
	/* Syscalls through the two raw tracepoints raw_syscalls:sys_enter/sys_exit instead of one
	 * tracepoint per syscall side: quick to attach and detach, dearer for every other process
	 * while attached (docs/benchmarks.md). */
	bool raw_syscalls;
	/* Ring buffer size in bytes (power of two, >= page size); 0 = default. */
	size_t ringbuf_size;
	bool verbose; /* show libbpf's debug output */
	/* Copy no stack dumps for the DWARF unwinder (pyxcheck_syscall.h, ustack_dumps). */
	bool no_stack_dump;
	/* No per-uid fair share (pyxcheck.bpf.c, fair_admit): a full ring loses records. For tests
	 * of the loss path only. */
	bool no_fair_share;
};

/* Called for every record, in ring order. rec points to a struct pyx_rec_hdr-prefixed record of
 * `size` bytes (already checked: size >= sizeof(struct pyx_rec_hdr) and hdr.size == size; any other
 * check is the consumer's). Return 0 to go on, a negative errno to stop polling. */
typedef int (*pyx_record_fn)(void *ctx, const void *rec, size_t size);

/* Open, configure, load and attach. Mounts tracefs when it is missing. On error returns a negative
 * errno and prints one line "failed to X: reason" (with a hint: not root, no BTF, ...) to stderr.
 * */
int pyx_loader_open(struct pyx_loader **out, const struct pyx_loader_opts *opts);
/* Grow this process's file descriptor table to what the loader will hold (up to 1024, within
 * RLIMIT_NOFILE) while the process has one thread: call before any thread is started. Best
 * effort; without it the table grows as the loader opens, at a grace period each time. */
void pyx_loader_reserve_fds(void);
/* What loading the programs needs of this process and kernel, root and BTF, checked in one
 * place: by pyx_loader_open() and, before anything is started, by the monitor's preflight.
 * 0, or a negative errno with why filled in ("permission denied (run as root)"). */
int pyx_bpf_check(char *why, size_t n);

/* Read slot (1 + the index, as a syscall record names it) of the stack dumps: 0 when read. The
 * caller checks that its tid and enter_ns are still the record's. */
int pyx_loader_ustack_dump(struct pyx_loader *ld, uint32_t slot, struct pyx_ustack_dump *out);

/* Start monitoring pid (its tgid) and its future descendants. */
int pyx_loader_add_pid(struct pyx_loader *ld, pid_t pid);

/* Consume records for up to timeout_ms (0: only what is ready; -1: block). Returns the number of
 * records handled or a negative errno (EINTR is not an error: returns 0). */
int pyx_loader_poll(struct pyx_loader *ld, int timeout_ms, pyx_record_fn fn, void *ctx);

/* Records the BPF side failed to hand over so far, per stream (enum pyx_stream). These are also
 * delivered in-band as PYX_REC_LOST records; this is the authoritative running total. */
int pyx_loader_lost(struct pyx_loader *ld, uint64_t lost[/* PYX_STREAM__COUNT */]);
/* The same, and the records the fair share held back (throttled, per stream); either may be
 * NULL. */
int pyx_loader_counts(struct pyx_loader *ld, uint64_t lost[/* PYX_STREAM__COUNT */],
		      uint64_t throttled[/* PYX_STREAM__COUNT */]);

/* 32-bit (compat) syscalls of monitored processes seen and not decoded so far (raw_syscalls
 * only; the per-syscall tracepoints never see them). */
uint64_t pyx_loader_compat_syscalls(const struct pyx_loader *ld);

/* Ring samples dropped unread so far because their size disagrees with their hdr.size (or is
 * shorter than a header): the BPF side never sends these, so each one is a malformed record. */
uint64_t pyx_loader_bad_size(const struct pyx_loader *ld);

/* With -a: the exec record the kernel side kept for pid, a process that was not monitored when
 * it exec'd (issue 11, process context), into buf. Its size (the record's own hdr.size is the
 * part that counts), or 0 when there is none. */
int pyx_loader_exec_ctx(const struct pyx_loader *ld, uint32_t pid, void *buf, size_t size);

/* The ring buffer map's fd and size in bytes, for --metrics (its fill level). */
int pyx_loader_ring_fd(const struct pyx_loader *ld);
uint64_t pyx_loader_ring_size(const struct pyx_loader *ld);

/* Detach everything and free. Accepts NULL. */
void pyx_loader_destroy(struct pyx_loader *ld);

#endif /* PYX_CAPTURE_LOADER_H */
