/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The correlator: pairs each audit event with the syscalls it caused and flags the sensitive
 * syscalls that no audit event explains. The rules are in docs/correlation.md; the design:
 *
 * Input is the raw ring-buffer records, in ring order (pyx_corr_record()). Ring order is program
 * order per thread (a thread writes its records one after the other from one CPU at a time), but
 * not across threads, so everything here is per thread and nothing compares timestamps of two
 * threads.
 *
 * A window opens at each audit event of a thread and ends at the thread's next audit event.
 * While a window is open its audit record cannot be printed (its verdict depends on what
 * follows), so the correlator copies and HOLDS every record of that thread in a per-thread queue
 * and releases the queue, in order, when the window closes. Records of threads without an open
 * window pass straight through. Each held record is decided when it arrives (a syscall is
 * explained or not by the windows open at that moment); only audit records wait for the end of
 * their window.
 *
 * Windows that outlive the next audit event:
 *   - composite events (shutil.copytree, subprocess.Popen, http.client.connect, ...) whose work
 *     is done by nested audited calls stay open as "outer" windows as long as the events that
 *     follow are the kind they are made of (a stack of PYX_CORR_OUTER_MAX);
 *   - process creation: a child forked inside a process-creating window (Popen, os.system,
 *     posix_spawn, ...) is linked to it until the child execs, exits or fires its own first audit
 *     event; the window stays open until its children are resolved, because the parent can run on
 *     (it is woken by the exec) before the child's execve record reaches the ring.
 * A window also closes when its thread has been idle for PYX_CORR_WINDOW_NS (pyx_corr_tick()),
 * unless the thread is still inside one of its counterpart syscalls or on or waiting for a CPU
 * (/proc/PID/task/TID/syscall): then it waits, up to PYX_CORR_DEFER_WINDOWS more, and closes
 * "indeterminate" if still busy. Everything closes at pyx_corr_flush().
 *
 * Memory is bounded: exited processes and their threads are freed on the process exit record;
 * threads idle for a long time are reclaimed by pyx_corr_tick(); per window at most
 * PYX_CORR_ATT_MAX syscalls are kept (the rest are counted); per thread at most
 * opts.max_held records are held and in total at most opts.max_bytes bytes: when a cap is hit
 * the oldest windows are closed early with the verdict "indeterminate".
 *
 * A LOST record (the BPF side could not hand records over) makes every window open at that moment
 * indeterminate, since the missing records could have been any thread's.
 */
#ifndef PYX_CORRELATE_H
#define PYX_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"

struct pyx_event;

#define PYX_CORR_WINDOW_NS 1000000000ull /* idle time that closes a window, default */
/* windows a closing window waits for its thread still in its syscall (or waiting for a CPU) */
#define PYX_CORR_DEFER_WINDOWS 10
#define PYX_CORR_ATT_MAX 32  /* syscalls kept per window */
#define PYX_CORR_OUTER_MAX 4 /* nested composite windows per thread */

enum pyx_corr_verdict {
	PYX_V_NONE = 0,      /* not judged: passed through as it came */
	PYX_V_MATCHED,       /* audit: counterparts seen, arguments agree */
	PYX_V_NO_SYSCALL,    /* audit: the kernel saw none of its counterparts */
	PYX_V_MISMATCH,      /* audit: counterparts seen, none with the same arguments */
	PYX_V_INDETERMINATE, /* audit: records were lost (or a cap was hit) while its window was open;
			      * syscall: sensitive and unexplained, but records were lost since its
			      * thread's last audit event (that event could be the explanation) */
	PYX_V_UNAUDITED,     /* syscall: sensitive, and no audit event explains it */
	PYX_V_CHANGED,       /* syscall: memory an argument points to changed between entry and exit
			      * (a second thread rewrote it: the record shows the entry value) */
	PYX_V__COUNT,
};

/* "matched", "no-syscall", "mismatch", "indeterminate", "unaudited", "changed"; NULL for
 * PYX_V_NONE. */
const char *pyx_corr_verdict_name(enum pyx_corr_verdict v);

enum pyx_corr_kind {
	PYX_CI_RECORD = 1,     /* a ring-buffer record (rec/size), possibly annotated */
	PYX_CI_BLIND_SPOT = 2, /* a Python process that runs without the hook (blind) */
	PYX_CI_ALERT = 3,      /* a fact that is an alarm by itself, with no record to annotate */
};

/* A thread's last audit event, as the context of an unaudited syscall. Strings are NUL-free
 * copies (escaping is the printer's job); has_event is false when the thread fired none. */
struct pyx_corr_context {
	bool has_event;
	const char *event; /* "ctypes.call_function" */
	const char *file;  /* frame; "" when the event had no frame */
	const char *function;
	uint32_t line;
	uint64_t ts_ns; /* when that event fired */
	uint32_t tid;   /* the thread that fired it (the parent thread for a fresh child) */
	/* The user stack of the syscall itself (unaudited and indeterminate syscalls whose record
	 * carries one): "libc.so.6+0xf7a3b" per frame, innermost first, and the function after a
	 * space when the stack was unwound from a dump ("libc.so.6+0xf7a3b __open64+0x5b"). */
	unsigned int nstack;
	const char *stack[PYX_USTACK_TEXT_MAX];
	const char *origin;     /* a known native caller in that stack, as information; or NULL */
	const char *stack_note; /* why frames are raw addresses, or whose maps were used; or NULL */
};

/* A syscall record attached to an audit record: decode it with pyx_sysrec_decode(). */
struct pyx_corr_att {
	const void *rec;
	size_t size;
	bool child; /* made by a child process of a process-creating event, before its exec */
	uint64_t view_gen; /* for pyx_sysrec_view_copy(): the correlator's view of these bytes */
};

struct pyx_corr_blind {
	uint32_t pid;
	uint32_t ppid;
	uint64_t ts_ns;
	const char *comm;
	const char *exe;         /* the exec'd file */
	const char *const *argv; /* from the execve record when seen (may be NULL) */
	unsigned int argc;
	const char *why;     /* "exports Py_Initialize and PySys_Audit", ... */
	const char *builtin; /* comma-separated names fired on its built-in python:audit probe,
				* NULL when that probe was not attached */
	uint64_t builtin_count;
};

/* An alert (docs/json-schema.md, "alert"): something a monitored process did that is an alarm in
 * itself, e.g. the exec of a memfd by a hooked Python. Names are stable, lower-case, dash-joined:
 *   exec-memfd     a hooked process exec'd a memfd_create() file (fileless execution)
 *   exec-deleted   a hooked process exec'd a file that has no name left (unlinked)
 *   exec-untraced  a hooked process exec'd with no traced execve/execveat entry before it (a
 *                  32-bit int $0x80 execve, whose syscall tracepoints do not fire) */
struct pyx_corr_alert {
	const char *alert; /* the name above */
	uint64_t ts_ns;
	uint32_t pid, tid, uid;
	const char *comm; /* PYX_COMM_LEN bytes, not NUL-terminated when full */
	const char *why;  /* one short sentence */
	const char *path; /* the file concerned (the exec'd name), or NULL */
	size_t path_len;
	const struct pyx_corr_context *context; /* the thread's last audit event, or NULL */
};

struct pyx_corr_item {
	enum pyx_corr_kind kind;
	/* PYX_CI_RECORD: the record, checked as the loader checks it (hdr.size == size). */
	const void *rec;
	size_t size;
	enum pyx_corr_verdict verdict;
	const char *why; /* mismatch / indeterminate / unaudited: one short reason */
	/* audit records with a verdict: */
	const struct pyx_corr_att *syscalls;
	unsigned int nsyscalls;
	unsigned int nsyscalls_dropped; /* counterparts seen beyond PYX_CORR_ATT_MAX */
	uint64_t latency_ns;            /* sum of the attached syscalls' latencies */
	/* unaudited syscall records: */
	const struct pyx_corr_context *context;
	/* PYX_CI_BLIND_SPOT: */
	const struct pyx_corr_blind *blind;
	/* PYX_CI_ALERT: */
	const struct pyx_corr_alert *alert;
	/* audit records the correlator decoded: the payload decoded as pyx_audit_decode() does
	 * (from rec), so that the writer need not decode it again; NULL: decode rec */
	const struct pyx_event *event;
	/* syscall records the correlator decoded: the number of its view of these bytes, for
	 * pyx_sysrec_view_copy() (decode_syscall.h); 0: none */
	uint64_t view_gen;
};

/* Called for every item, in per-thread order. The item and everything it points to is valid
 * only during the call. Return 0 to go on; a negative errno is returned by the pyx_corr_* call
 * that emitted (the item is consumed either way). */
typedef int (*pyx_corr_emit_fn)(void *ctx, const struct pyx_corr_item *it);

struct pyx_corr_opts {
	uint64_t window_ns;       /* 0: PYX_CORR_WINDOW_NS */
	unsigned int max_held;    /* held records per thread; 0: 4096 */
	size_t max_bytes;         /* held bytes in all; 0: 64 MiB */
	unsigned int max_threads; /* tracked threads; 0: 8192 */
	bool blind_spots;         /* inspect exec'd binaries for CPython */
	uint64_t blind_grace_ns;  /* time after exec a Python has to fire hook_start; 0: 2 s */
	/* Test hook: where /proc is (NULL: "/proc"). */
	const char *procfs;
	/* Test hook: the resolver's configuration (NULL: "/etc/resolv.conf"). */
	const char *resolv_conf;
	/* Read the stack dump a syscall record names (pyxcheck_syscall.h; slot is 1 + the index),
	 * for findings only: 0 when read (the loader's ustack_dumps map); NULL: stacks come from
	 * frame pointers alone. */
	int (*ustack_dump)(void *arg, uint32_t slot, struct pyx_ustack_dump *out);
	void *ustack_arg;
};

struct pyx_corr;

int pyx_corr_new(struct pyx_corr **out, const struct pyx_corr_opts *opts, pyx_corr_emit_fn fn,
		 void *ctx);
/* Feed one raw record (the loader's callback arguments). Records that do not decode pass
 * through unjudged (the printer reports them as malformed). */
int pyx_corr_record(struct pyx_corr *c, const void *rec, size_t size);
/* Records were lost (a LOST record, or a loss the kernel counted that no LOST record has reported
 * yet): every open window is in doubt, and threads first seen soon after may miss their start. */
void pyx_corr_note_loss(struct pyx_corr *c, uint64_t ts_ns);
/* Close windows idle since before now_ns - window (CLOCK_MONOTONIC, the records' clock), report
 * blind spots whose grace has passed, reclaim idle threads. */
int pyx_corr_tick(struct pyx_corr *c, uint64_t now_ns);
/* Close every window and emit everything held (at exit). */
int pyx_corr_flush(struct pyx_corr *c);
void pyx_corr_free(struct pyx_corr *c);

/* Attach an extra source of blind-spot facts (capture_builtin.c): event names fired on the
 * built-in python:audit probe by pid. Names are accumulated (distinct, up to a bound). */
void pyx_corr_builtin_event(struct pyx_corr *c, uint32_t pid, const char *name);
/* Called when a blind spot is found, before it is emitted, so that the caller can attach the
 * built-in probe to image, a /proc link to the file the process runs (/proc/PID/exe, or
 * /proc/PID/map_files/... for a Python run through ld.so); returns true when it did. With image
 * NULL: detach (the process is gone or turned out hooked). Optional. */
typedef bool (*pyx_corr_blind_fn)(void *ctx, uint32_t pid, const char *image);
void pyx_corr_set_blind_cb(struct pyx_corr *c, pyx_corr_blind_fn fn, void *ctx);

/* --summary figures. */
#define PYX_CORR_TOP_MAX 10
struct pyx_corr_top {
	char syscall[24];
	char context[320]; /* "after ctypes.call_function at evil.py:12 (main)" */
	uint64_t count;
};

struct pyx_corr_stats {
	uint64_t verdicts[PYX_V__COUNT];
	uint64_t blind_spots;
	uint64_t alerts;
	uint64_t capped; /* windows closed early by a cap */
	unsigned int ntop;
	struct pyx_corr_top top[PYX_CORR_TOP_MAX]; /* most frequent unaudited (syscall, context) */
};

void pyx_corr_stats(const struct pyx_corr *c, struct pyx_corr_stats *out);
/* The timestamp of the oldest record held (not emitted yet), UINT64_MAX when none: the live view
 * writes lines older than it in time order (out_order.h). */
uint64_t pyx_corr_oldest_held(const struct pyx_corr *c);
/* Blind spots found elsewhere (a replayed capture's), counted with the correlator's own. */
void pyx_corr_add_blind(struct pyx_corr *c, uint64_t n);
/* Per event (PYX_EV_*) latency of its matched syscalls: count, p50, p99 (ns). 0 when none. */
uint64_t pyx_corr_latency(const struct pyx_corr *c, unsigned int event_id, uint64_t *p50,
			  uint64_t *p99);

#endif /* PYX_CORRELATE_H */
