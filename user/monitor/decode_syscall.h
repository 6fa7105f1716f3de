/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Decoder of syscall and process records (include/pyxcheck_syscall.h). It validates a raw
 * ring-buffer record and produces a view whose strings point into the record (so the record must
 * outlive the view). Every offset and length is checked against the record's size: a record that
 * does not check out is -EINVAL as a whole, never half-decoded. Rendering (escaping, JSON, colours)
 * is the caller's; the pyx_fmt_* helpers give strace-like text for the numeric kinds.
 */
#ifndef PYX_DECODE_SYSCALL_H
#define PYX_DECODE_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pyxcheck_syscall.h"

/* Text of an IPv6 address with scope: INET6_ADDRSTRLEN is 46. */
#define PYX_SA_ADDR_MAX 48

struct pyx_sockaddr_view {
	int family; /* AF_*, or -1 when the data is shorter than sa_family */
	/* AF_INET, AF_INET6: numeric address text ("127.0.0.1", "::1") and port (host order). */
	char addr[PYX_SA_ADDR_MAX];
	uint16_t port;
	uint32_t scope_id; /* AF_INET6 */
	/* AF_UNIX: the path bytes (not NUL-terminated, may hold any byte: escape when printing).
	 * abstract: the name after the leading NUL (shown by convention as "@name"); unnamed: no
	 * path
	 * at all (autobind / socketpair peer). */
	const uint8_t *unix_path;
	size_t unix_len;
	bool abstract;
	bool unnamed;
	/* Any family: the raw bytes, always valid. */
	const uint8_t *raw;
	size_t raw_len;
	bool decoded; /* family is one of AF_INET, AF_INET6, AF_UNIX and its length checked */
};

struct pyx_sysarg {
	const char *name; /* the kernel's argument name, "filename" */
	enum pyx_argk kind;
	uint64_t raw; /* the register value */
	/* Only for data kinds (pyx_sysarg_has_data()): */
	bool present;   /* the BPF side copied something (PYX_DF_PRESENT) */
	bool truncated; /* PYX_DF_TRUNCATED */
	bool fault;     /* PYX_DF_FAULT: the pointer could not be read; show it as a pointer */
	bool null;      /* PYX_DF_NULL: NULL pointer */
	bool changed;   /* PYX_DF_CHANGED: read again at exit, it differed */
	union {
		/* PATH, STR: NUL-terminated str inside the record; len excludes the NUL. has_dirfd:
		 * the argument just before is a DIRFD, so a relative path is relative to dirfd. */
		struct {
			const char *str;
			size_t len;
			bool has_dirfd;
			int dirfd;
		} path;
		/* SOCKADDR, MSGHDR (msg_name). */
		struct pyx_sockaddr_view sa;
		/* SOCKLEN_PTR: the value at exit. */
		uint32_t socklen;
		/* ARGV: count NUL-terminated items; truncated also when items were left out. */
		struct {
			const char *items[PYX_SC_ARGV_MAX];
			uint32_t count;
		} argv;
		/* BUF: raw bytes (escape when printing). */
		struct {
			const uint8_t *bytes;
			size_t len;
		} buf;
		/* OPEN_HOW */
		struct {
			uint64_t flags;
			uint64_t mode;
			uint64_t resolve;
		} how;
		/* CLONE_ARGS: the fields that matter for the process tree. */
		struct {
			uint64_t flags;
			uint64_t exit_signal;
		} clone;
		/* RLIMIT: RLIM64_INFINITY is ~0. */
		struct {
			uint64_t cur;
			uint64_t max;
		} rlim;
	} u;
};

struct pyx_sysview {
	const struct pyx_rec_syscall *rec;
	enum pyx_sc_id sc;
	const char *name; /* "openat" */
	uint32_t nr;
	enum pyx_retk ret_kind;
	int64_t ret; /* raw */
	int err;     /* positive errno when ret is in [-4095, -1], else 0 */
	uint64_t enter_ns;
	uint64_t latency_ns; /* hdr.ts_ns - enter_ns */
	bool no_entry;       /* always false: the BPF side only sends syscalls whose entry it saw */
	bool at_entry;       /* PYX_SCF_ENTRY: sent at entry, ret and latency_ns are 0 (unknown) */
	bool changed;        /* PYX_SCF_CHANGED: an argument changed during the syscall (TOCTOU);
			       * args[i].changed says which; the values shown are the entry ones */
	bool read_at_exit;   /* PYX_SCF_READ_AT_EXIT: not resident at entry, read at exit */
	bool unverified;     /* PYX_SCF_UNVERIFIED: read at entry, unreadable at exit */
	/* PYX_SCF_OPENED: the kernel's name of the file opened (a read-at-exit open), else NULL;
	 * name_mismatch: the path's last component is not that name (a decoy, or a symlink);
	 * name_unchecked: a successful open whose path is not to be trusted (read at exit, not
	 * re-read at exit, or an argument read at neither end) could not be checked against it:
	 * the path read at neither end or cut, or the name missing (the fd closed by another
	 * thread before the exit). Either one: nothing may be matched on the path. */
	const char *opened;
	bool name_mismatch;
	bool name_unchecked;
	/* any other record with memory read at exit (maybe a decoy) or at neither end: nothing may
	 * be matched on it either (decode_trust()) */
	bool args_unchecked;
	bool io_uring; /* done through io_uring (PYX_SCF_IO_URING), not the syscall itself */
	unsigned int uring_op; /* its IORING_OP_* opcode */
	bool no_result;        /* io_uring with IOSQE_CQE_SKIP_SUCCESS: ret is not known (0) */
	unsigned int nargs;    /* arguments in the table row (0..6) */
	struct pyx_sysarg args[PYX_SC_NARGS];
	/* user stack (PYX_SCF_USTACK): frames, innermost first */
	unsigned int nustack;
	struct pyx_ustack_frame ustack[PYX_USTACK_MAX];
	uint32_t ustack_dump; /* 1 + its stack dump's slot in ustack_dumps; 0: none */
};

struct pyx_procview {
	const struct pyx_rec_process *rec;
	enum pyx_proc_kind kind;
	uint32_t ppid;
	uint32_t child_pid, child_tid; /* FORK */
	bool thread;                   /* FORK: PYX_PRF_THREAD */
	bool unmonitored;              /* FORK: PYX_PRF_UNMONITORED, the child is not followed */
	int exit_code;                 /* EXIT: wait status */
	bool exited;                   /* EXIT: WIFEXITED; status = exit_status */
	int exit_status;
	int term_signal;      /* EXIT: WIFSIGNALED signal, else 0 */
	uint32_t old_tid;     /* EXEC */
	const char *filename; /* EXEC: NUL-terminated in the record, or NULL */
	size_t filename_len;
	bool filename_truncated, filename_fault;
	bool exe_deleted, exe_memfd; /* EXEC: PYX_PRF_EXE_DELETED / PYX_PRF_EXE_MEMFD */
	bool no_exec_syscall;        /* EXEC: PYX_PRF_NO_EXEC_SYSCALL */
	bool kname;                  /* EXEC: PYX_PRF_KNAME, filename made by the kernel */
	/* EXEC, issue 11: argv bytes (NUL separated, the last one maybe unterminated when cut),
	 * NULL when absent; identity the kernel gave at exec */
	const char *argv;
	size_t argv_len;
	bool argv_truncated;
	uint32_t euid, auid;
	uint32_t ns_pid, pidns_ino; /* EXEC, and FORK of a process: the new process's */
	uint32_t mntns_ino;         /* the same: its mount namespace's inode, 0: unknown */
	uint64_t exe_ino;
	uint32_t exe_dev; /* kernel encoding: major << 20 | minor */
};

/* "IORING_OP_OPENAT", ... or NULL. */
const char *pyx_uring_op_name(unsigned int op);

/* Validate and decode. rec/size as the loader's callback hands them. 0 or -EINVAL. */
int pyx_sysrec_decode(const void *rec, size_t size, struct pyx_sysview *out);

/*
 * The view of the last record decoded through here, kept with a copy of the record's bytes, or
 * NULL when the record does not check out. The writers show a syscall folded into its audit
 * record twice, from two copies of its bytes: the audit line's "syscalls" list, then its own
 * line right after; the correlator decodes each syscall record through here too, before either
 * (corr_engine.c, on_syscall), so one decode serves all three. The view points into the copy: it
 * is valid until the next call, so a caller must not call it again (nor hand the view to code
 * that does) while using the view. The monitor's run loop only (one per thread).
 */
const struct pyx_sysview *pyx_sysrec_view(const void *rec, size_t size);
/* Which decode sv is, when it is the view pyx_sysrec_view() keeps: a number that changes with
 * each record it decodes (never 0), so a writer can key what it made of the view by it; 0 for
 * any other view. */
uint64_t pyx_sysrec_view_gen(const struct pyx_sysview *sv);
/* The same for what the view says of the record but its times and result (ret, err, enter_ns,
 * latency_ns): a number that changes with each record decoded in full, and stays while records
 * that differ from the kept one in those alone are served (so name, nargs and args[] are the
 * same under one number); 0 for any other view. */
uint64_t pyx_sysrec_view_args_gen(const struct pyx_sysview *sv);
/*
 * pyx_sysrec_view() for rec, a copy of the bytes that the view numbered gen (its
 * pyx_sysrec_view_gen(), taken right after that call) was decoded from: while that view is still
 * the one kept, it is served without comparing the record's bytes again (the correlator's held
 * copy, written twice: ~60 instructions a compare). gen 0: the bytes are compared as usual.
 */
const struct pyx_sysview *pyx_sysrec_view_copy(const void *rec, size_t size, uint64_t gen);
int pyx_procrec_decode(const void *rec, size_t size, struct pyx_procview *out);

/* Table lookups. NULL / -1 when out of range. */
const char *pyx_sc_name(unsigned int sc);
int pyx_sc_nr(unsigned int sc);
int pyx_sc_by_name(const char *name); /* PYX_SC_* or -1 */
bool pyx_argk_has_data(enum pyx_argk kind);

/* Names. NULL when unknown (the caller prints the number). err and sig positive. */
const char *pyx_errno_name(int err);    /* "ENOENT" */
const char *pyx_signal_name(int sig);   /* "SIGTERM" */
const char *pyx_af_name(int af);        /* "AF_INET" */
const char *pyx_resource_name(int res); /* "RLIMIT_NOFILE" */

/* strace-like text of a numeric argument (INT, UINT, HEX, PTR, SIZE, FD, DIRFD, OPEN_FLAGS, MODE,
 * AT_FLAGS, RENAME_FLAGS, SOCKLEN, SIGNAL, PROT, MAP_FLAGS, AF, SOCK_TYPE, SOCK_FLAGS, MSG_FLAGS,
 * CLONE_FLAGS, PID, UID, GID, RESOURCE, NODE_MODE, DEV, PERSONALITY, SHM_FLAGS, PTRACE_REQ,
 * XATTR_FLAGS): "O_WRONLY|O_CREAT|O_TRUNC", "0644", "AT_FDCWD",
 * "PROT_READ|PROT_EXEC", "SIGTERM", unknown bits as "|0x...". Returns the length snprintf would
 * have written (the text is cut to fit size, always NUL-terminated when size > 0), or -EINVAL for
 * a kind that is not numeric. */
int pyx_fmt_arg(enum pyx_argk kind, uint64_t raw, char *buf, size_t size);

#endif /* PYX_DECODE_SYSCALL_H */
