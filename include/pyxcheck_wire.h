/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pyxcheck wire format: everything that crosses a boundary lives here.
 *
 *   1. The hook's USDT probes (provider "pyxcheck") and their arguments.
 *   2. The hook payload: the audit event serialised by the hook into its own memory and handed to
 *      the probe as (pointer, length). Version PYX_PAYLOAD_VERSION.
 *   3. The ring-buffer records that the BPF programs send to the monitor.
 *
 * This header is included by the hook (C, user space), the BPF programs (clang -target bpf, with
 * vmlinux.h already included) and the monitor. It therefore uses only __u8..__u64 and plain
 * #defines. All multi-byte fields are little-endian (the only byte order we support: x86-64).
 */
#ifndef PYXCHECK_WIRE_H
#define PYXCHECK_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* ------------------------------------------------------------------------------------------------
 * 1. USDT probes. Provider "pyxcheck".
 *
 * One probe per category, each with its own semaphore, so that a tracer of one category costs
 * nothing in the others:
 *
 *   pyxcheck:<category>(__u32 event_id, const __u8 *payload, __u32 payload_len)
 *
 * event_id is the catalogue row (PYX_EV_*) or PYX_EVENT_UNKNOWN; the payload repeats it.
 * Lifecycle probes (no payload):
 *
 *   pyxcheck:hook_start(__u32 pid, __u32 py_hexversion, __u32 delivery, __s32 status)
 *       fired when the hook sees its first event (the interpreter is up) or, for the import and
 *       launcher deliveries, right after the hook was installed and verified. The hook looks at
 *       events only while at least one category probe is enabled (its fast path reads the
 *       category semaphores and nothing else), so the PRELOAD hook_start, hook_stop and
 *       events_seen only happen or count while some category is traced.
 *       status: 0 installed, PYX_HOOK_REFUSED when an existing hook vetoed it.
 *   pyxcheck:hook_stop(__u32 pid, __u64 events_seen, __u64 events_emitted)
 *       fired on cpython._PySys_ClearAuditHooks (finalisation), the last event the hook sees.
 *       events_emitted counts payloads handed to a probe (traced events); see seq below.
 * --------------------------------------------------------------------------------------------- */
#define PYX_PROVIDER "pyxcheck"

/* Categories: index = bit in masks, name = probe name. X-macro: PYX_CATEGORY(ENUM, "probe") */
/* clang-format off */
#define PYX_CATEGORIES(X)                                                                          \
	X(FILE, "file")                                                                            \
	X(NETWORK, "network")                                                                      \
	X(PROCESS, "process")                                                                      \
	X(FFI, "ffi")                                                                              \
	X(CODE, "code")                                                                            \
	X(IMPORT, "import")                                                                        \
	X(RUNTIME, "runtime")                                                                      \
	X(OTHER, "other")
/* clang-format on */

/* clang-format off */
enum pyx_category {
#define PYX_CAT_ENUM(e, s) PYX_CAT_##e,
	PYX_CATEGORIES(PYX_CAT_ENUM)
#undef PYX_CAT_ENUM
	PYX_CAT__COUNT,
};
/* clang-format on */

/* Events not in the catalogue (newer CPython, an application's own sys.audit("app.x", ...)) are
 * carried with their name and arguments on the "other" probe. */
#define PYX_EVENT_UNKNOWN 0xffffu

enum pyx_event_id {
#define PYX_EVENT(sym, name, cat, args, syscalls) PYX_EV_##sym,
#include "audit_events.def"
#undef PYX_EVENT
	PYX_EV__COUNT,
};

enum pyx_delivery {
	/* LD_PRELOAD or /etc/ld.so.preload, constructor before Py_Initialize */
	PYX_DELIVERY_PRELOAD = 1,
	PYX_DELIVERY_IMPORT = 2, /* "import pyxcheck" (directly or from a .pth file through site) */
	PYX_DELIVERY_LAUNCHER = 3, /* build/pyxcheck-python */
};

#define PYX_HOOK_REFUSED (-1) /* PySys_AddAuditHook returned but our hook never ran */

/* ------------------------------------------------------------------------------------------------
 * 2. Hook payload, version 1.
 *
 * A payload is a struct pyx_payload_hdr followed by exactly three values, the event name (STR),
 * the frame's file (STR) and the frame's function (STR), followed by hdr.nargs values, the
 * audit arguments in order (at most PYX_SEQ_MAX; more set PYX_PF_TRUNCATED). Without a frame
 * the file and function are empty and line is 0. hdr.len is the total length including the
 * header; a reader must trust nothing: every length is checked against what remains.
 *
 * A value is one tag byte followed by its body. The low 6 bits of the tag are the type; bit 7
 * (PYX_TAG_TRUNCATED) says this value is not complete (string cut at PYX_STR_MAX, container cut
 * at PYX_SEQ_MAX items or at PYX_DEPTH_MAX, payload full); bit 6 (PYX_TAG_ESCAPED, STR only)
 * says the text contains backslash escapes (see STR).
 *
 *   NONE, FALSE, TRUE   no body
 *   INT                 __s64: an int that fits in 64 bits
 *   BIGINT              __u8 sign (0 positive, 1 negative), __u32 nbytes, nbytes of magnitude,
 *                       least significant first. nbytes is 0 (and TRUNCATED set) past
 *                       PYX_BIGINT_MAX bytes.
 *   FLOAT               IEEE-754 double, 8 bytes
 *   STR                 __u32 nbytes, then UTF-8 (always valid UTF-8, never NUL-terminated;
 *                       NUL characters are carried as they are). A str holding lone surrogates
 *                       (U+D800..U+DFFF), which UTF-8 cannot carry, is written with ESCAPED set:
 *                       each surrogate becomes the ASCII text \udXXX (lower-case hex) and each
 *                       backslash is doubled; nothing else changes. Truncation happens on a
 *                       character boundary at PYX_STR_MAX bytes (an escape is one character).
 *                       ESCAPED is decided by the first PYX_STR_MAX characters, the most that
 *                       can be written, so a huge str costs no more than a short one.
 *   BYTES, BYTEARRAY    __u32 nbytes, raw bytes (cut at PYX_STR_MAX)
 *   TUPLE, LIST         __u32 count, then count values (count = items written, <= PYX_SEQ_MAX)
 *   DICT                __u32 count, then count (key value, value value) pairs
 *   OBJECT              anything else: __u8 ntype, ntype bytes of the type's tp_name, __u8
 *                       nattrs, then nattrs times (__u8 nname, nname bytes of name, value).
 *                       Only what can be read without running Python code: a subclass of str,
 *                       bytes, int or float carries its base value as "value"; an exact
 *                       memoryview of a C-contiguous buffer its bytes as "value" (BYTES; none
 *                       when released or strided, with the TRUNCATED bit); a pathlib path
 *                       (POSIX flavour, str(path) pathlib's own code) its str as "value"
 *                       (STR: cached, formatted from its parts, or joined and parsed from
 *                       its pieces; docs/correlation.md "Comparison rules"); a socket
 *                       carries "fd", "family", "type", "proto"; a code object "co_filename",
 *                       "co_name", "co_firstlineno"; a function "__qualname__" is NOT read
 *                       (it could be a hostile property), nor any repr.
 *   DEPTH               no body, always TRUNCATED: a container nested deeper than PYX_DEPTH_MAX
 *   ELIDED              no body, always TRUNCATED: the payload was full, the value was dropped
 *
 * When the payload fills up, values are cut or ELIDED and PYX_PF_TRUNCATED is set in the header;
 * the hook never emits a payload that does not parse.
 * --------------------------------------------------------------------------------------------- */
#define PYX_PAYLOAD_VERSION 1
#define PYX_PAYLOAD_MAGIC 0x5850 /* "PX" little-endian */
#define PYX_PAYLOAD_MAX 8192     /* whole payload, header included */
#define PYX_STR_MAX 2048         /* bytes of one str/bytes value */
#define PYX_SEQ_MAX 64           /* items of one tuple/list/dict */
#define PYX_DEPTH_MAX 8          /* container nesting; the argument tuple's items are depth 1 */
#define PYX_BIGINT_MAX 256       /* magnitude bytes of one big int */

enum pyx_payload_flags {
	PYX_PF_TRUNCATED = 1 << 0, /* some value was cut, or the payload filled up */
	PYX_PF_NO_FRAME = 1 << 1,  /* no Python frame (start-up, finalisation, C thread) */
	PYX_PF_NO_ARGS = 1 << 2,   /* arguments not serialised (no thread state yet) */
};

struct pyx_payload_hdr {
	__u16 magic;    /* PYX_PAYLOAD_MAGIC */
	__u8 version;   /* PYX_PAYLOAD_VERSION */
	__u8 flags;     /* enum pyx_payload_flags */
	__u16 event_id; /* PYX_EV_* or PYX_EVENT_UNKNOWN */
	__u16 nargs;    /* argument values that follow the three strings */
	__u32 len;      /* total payload length, this header included */
	__u32 line;     /* frame line number, 0 when unknown */
	__u64 seq;      /* per-process count of payloads emitted, starting at 1 */
};

enum pyx_tag {
	PYX_TAG_NONE = 0,
	PYX_TAG_FALSE = 1,
	PYX_TAG_TRUE = 2,
	PYX_TAG_INT = 3,
	PYX_TAG_BIGINT = 4,
	PYX_TAG_FLOAT = 5,
	PYX_TAG_STR = 6,
	PYX_TAG_BYTES = 7,
	PYX_TAG_BYTEARRAY = 8,
	PYX_TAG_TUPLE = 9,
	PYX_TAG_LIST = 10,
	PYX_TAG_DICT = 11,
	PYX_TAG_OBJECT = 12,
	PYX_TAG_DEPTH = 13,
	PYX_TAG_ELIDED = 14,
};
#define PYX_TAG_TYPE_MASK 0x3f
#define PYX_TAG_ESCAPED 0x40
#define PYX_TAG_TRUNCATED 0x80

/* ------------------------------------------------------------------------------------------------
 * 3. Ring-buffer records (BPF -> monitor).
 *
 * Every record starts with struct pyx_rec_hdr. Kernel-known identity (pid, tid, uid, time, cgroup,
 * comm) always comes from the kernel (BPF helpers, or the current task's own fields read when the
 * record is made), never from a payload. Records are sent with
 * bpf_ringbuf_output() from a per-CPU scratch buffer, so their size varies; hdr.size is the
 * record's real size and readers check it against the ring-buffer sample size.
 * --------------------------------------------------------------------------------------------- */
enum pyx_rec_type {
	PYX_REC_AUDIT = 1,     /* struct pyx_rec_audit: a hook payload */
	PYX_REC_SYSCALL = 2,   /* struct pyx_rec_syscall */
	PYX_REC_PROCESS = 3,   /* struct pyx_rec_process: fork/exec/exit */
	PYX_REC_LIFECYCLE = 4, /* struct pyx_rec_lifecycle: hook_start / hook_stop */
	PYX_REC_LOST = 5,      /* struct pyx_rec_lost: records dropped since the last one */
	PYX_REC_THROTTLED = 6, /* struct pyx_rec_throttled: one uid's records held back */
};

#define PYX_COMM_LEN 16

struct pyx_rec_hdr {
	__u32 size;  /* whole record, this header included */
	__u16 type;  /* enum pyx_rec_type */
	__u16 flags; /* type-specific, but for PYX_HDRF_* */
	__u32 pid;   /* tgid */
	__u32 tid;
	__u32 uid;
	__u32 _pad0;
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC, one clock for every stream */
	__u64 cgroup_id;
	char comm[PYX_COMM_LEN];
};

/* hdr.flags of any record type: records were lost (LOST), or throttled for this record's uid
 * (THROTTLED), before this one was sent, and the record that reports them may come after it in the
 * ring (another CPU was reporting them, or the report did not fit): read the record as if that
 * report came just before it. Without this, the next audit event of a thread whose syscall record
 * was dropped could close its window as "no-syscall" before the report arrived. */
#define PYX_HDRF_LOST_BEFORE 0x4000
#define PYX_HDRF_THROTTLED_BEFORE 0x2000
#define PYX_HDRF_UNREPORTED (PYX_HDRF_LOST_BEFORE | PYX_HDRF_THROTTLED_BEFORE)

/* The probe's payload_len as the caller passed it, before BPF bounded it; payload_len is what
 * was copied. A mismatch, or a failed copy (flags PYX_AF_COPY_FAILED), makes a malformed record. */
#define PYX_AF_COPY_FAILED 1

struct pyx_rec_audit {
	struct pyx_rec_hdr hdr;
	__u32 event_id;    /* the probe's event_id argument */
	__u32 category;    /* which probe fired (enum pyx_category) */
	__u32 claimed_len; /* the probe's payload_len argument */
	__u32 payload_len; /* bytes copied into payload[] */
	__u8 payload[];    /* the hook payload, at most PYX_PAYLOAD_MAX */
};

enum pyx_lifecycle_kind {
	PYX_LC_HOOK_START = 1,
	PYX_LC_HOOK_STOP = 2,
};

struct pyx_rec_lifecycle {
	struct pyx_rec_hdr hdr;
	__u32 kind; /* enum pyx_lifecycle_kind */
	__u32 py_hexversion;
	__u32 delivery; /* enum pyx_delivery */
	__s32 status;
	__u64 events_seen;
	__u64 events_emitted;
};

/* Streams that can lose records, each with its own counter. */
enum pyx_stream {
	PYX_STREAM_AUDIT = 0,
	PYX_STREAM_SYSCALL = 1,
	PYX_STREAM_PROCESS = 2,
	/* Not records but processes: inserts into the kernel's set of monitored processes that
	 * failed (the set is full), each a process whose syscalls and children go unseen (issue 8,
	 * item 8). The FORK record of such a child has PYX_PRF_UNMONITORED. */
	PYX_STREAM_UNMONITORED = 3,
	PYX_STREAM__COUNT,
};

struct pyx_rec_lost {
	struct pyx_rec_hdr hdr;
	__u32 stream; /* enum pyx_stream */
	__u32 _pad0;
	__u64 count; /* records of that stream dropped since the previous LOST record */
};

/* Fair share (issue 8): while the ring is more than half full, a uid that has sent more than its
 * share of the free space is throttled: its records are dropped before the ring and counted here,
 * per uid and stream, so that a flood by one user leaves room for the others' records. Unlike a
 * LOST record, which may stand for anyone's records, a THROTTLED record names whose records are
 * missing (uid); hdr names whichever thread sent it. */
struct pyx_rec_throttled {
	struct pyx_rec_hdr hdr;
	__u32 stream; /* enum pyx_stream (audit, syscall, process) */
	__u32 uid;    /* the throttled user */
	__u64 count;  /* its records of that stream dropped since its last THROTTLED record */
};

/* Syscall and process records (struct pyx_rec_syscall, struct pyx_rec_process) are defined in
 * pyxcheck_syscall.h, next to the syscall table that the BPF side and the decoder share. */

#endif /* PYXCHECK_WIRE_H */
