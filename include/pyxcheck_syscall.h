/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Syscall and process records: the table of traced syscalls and the two ring-buffer records built
 * from tracepoints. Shared by bpf/pyxcheck.bpf.c (after vmlinux.h) and the monitor's decoder
 * (user/monitor/sysrec.c). Same rules as pyxcheck_wire.h: __u8..__u64, explicit padding, every
 * variable part described by an (offset, length) pair that the reader checks.
 *
 * How a syscall record is made: sys_enter_X stashes the six raw arguments and the entry time in a
 * per-thread map (only for monitored processes); sys_exit_X takes the stash, copies the user memory
 * the arguments point to (paths, sockaddrs, ...) and sends ONE record with arguments, return value
 * and latency. Memory is read at exit because the kernel has faulted it in by then (a tracepoint
 * cannot fault pages in itself). execve/execveat are the exception: their memory is gone after a
 * successful exec, so the record is built at entry, kept, and sent at exit with ret 0 (the new image
 * still runs sys_exit_execve) or with the error.
 */
#ifndef PYXCHECK_SYSCALL_H
#define PYXCHECK_SYSCALL_H

#include "pyxcheck_wire.h"

/* Argument kinds: how an argument is decoded and rendered. Kinds marked (data) carry bytes in the
 * record's tail, described by pyx_rec_syscall.data[i] for argument i. */
enum pyx_argk {
	PYX_AK_NONE = 0,     /* no such argument */
	PYX_AK_INT,          /* signed decimal (long) */
	PYX_AK_UINT,         /* unsigned decimal */
	PYX_AK_HEX,          /* hex: addresses, opaque flags */
	PYX_AK_PTR,          /* a user pointer that is not followed: hex, NULL when 0 */
	PYX_AK_SIZE,         /* unsigned decimal, a length */
	PYX_AK_FD,           /* int fd */
	PYX_AK_DIRFD,        /* int fd, AT_FDCWD (-100) shown by name; a PATH right after it is relative to it */
	PYX_AK_PATH,         /* (data) NUL-terminated string; NULL pointer -> data.flags PYX_DF_NULL */
	PYX_AK_OPEN_FLAGS,   /* O_* */
	PYX_AK_MODE,         /* octal */
	PYX_AK_AT_FLAGS,     /* AT_* */
	PYX_AK_RENAME_FLAGS, /* RENAME_* */
	PYX_AK_SOCKADDR,     /* (data) raw struct sockaddr bytes, up to PYX_SC_SOCKADDR_MAX; its length is
			      * argument i+1 (SOCKLEN value or SOCKLEN_PTR) */
	PYX_AK_SOCKLEN,      /* socklen_t value */
	PYX_AK_SOCKLEN_PTR,  /* socklen_t *; data: 4 bytes, the value at exit (accept: peer length) */
	PYX_AK_MSGHDR,       /* (data) struct user_msghdr *: data is msg_name (a sockaddr) when set */
	PYX_AK_ARGV,         /* (data) data.count NUL-terminated strings back to back */
	PYX_AK_SIGNAL,       /* SIG* */
	PYX_AK_PROT,         /* PROT_* */
	PYX_AK_MAP_FLAGS,    /* MAP_* */
	PYX_AK_AF,           /* AF_* */
	PYX_AK_SOCK_TYPE,    /* SOCK_* (+ SOCK_NONBLOCK|SOCK_CLOEXEC) */
	PYX_AK_SOCK_FLAGS,   /* SOCK_NONBLOCK|SOCK_CLOEXEC (accept4) */
	PYX_AK_MSG_FLAGS,    /* MSG_* */
	PYX_AK_CLONE_FLAGS,  /* CLONE_* | exit signal */
	PYX_AK_CLONE_ARGS,   /* (data) struct clone_args, first PYX_SC_CLONE_ARGS_LEN bytes */
	PYX_AK_OPEN_HOW,     /* (data) struct open_how: flags, mode, resolve (24 bytes) */
	PYX_AK_PID,          /* pid_t, signed (kill accepts 0 and negatives) */
	PYX_AK_UID,          /* uid_t, -1 shown as -1 */
	PYX_AK_GID,
	PYX_AK_RESOURCE,     /* RLIMIT_* */
	PYX_AK_RLIMIT,       /* (data) struct rlimit64 (cur, max), 16 bytes; NULL -> PYX_DF_NULL */
	PYX_AK_BUF,          /* (data) raw bytes, length is argument i+1 (sethostname) */
	PYX_AK__COUNT,
};

/* Return value kinds. */
enum pyx_retk {
	PYX_RK_INT = 0, /* 0 / -errno */
	PYX_RK_FD,      /* new fd / -errno */
	PYX_RK_PID,     /* child pid / -errno (0 never appears: the child's exit is not reported) */
	PYX_RK_ADDR,    /* mmap: address / -errno */
};

/*
 * The table. One row per traced syscall:
 *
 *   X(name, x86-64 number, return kind, kind0, arg0, kind1, arg1, ..., kind5, arg5)
 *
 * name is the syscall's name as in syscalls:sys_enter_<name>; argument names are the kernel's
 * (tracepoint format) names. Unused slots are NONE, _. Row order is the ABI (PYX_SC_<name> is the
 * row index carried in records): append, never reorder. Rows marked optional in
 * PYX_SC_OPTIONAL() may be missing on a kernel; the loader turns them off then.
 */
#define PYX_SYSCALLS(X)                                                                            \
	X(openat, 257, FD, DIRFD, dfd, PATH, filename, OPEN_FLAGS, flags, MODE, mode, NONE, _,     \
	  NONE, _)                                                                                 \
	X(openat2, 437, FD, DIRFD, dfd, PATH, filename, OPEN_HOW, how, SIZE, usize, NONE, _, NONE, \
	  _)                                                                                       \
	X(open, 2, FD, PATH, filename, OPEN_FLAGS, flags, MODE, mode, NONE, _, NONE, _, NONE, _)    \
	X(creat, 85, FD, PATH, pathname, MODE, mode, NONE, _, NONE, _, NONE, _, NONE, _)           \
	X(execve, 59, INT, PATH, filename, ARGV, argv, PTR, envp, NONE, _, NONE, _, NONE, _)        \
	X(execveat, 322, INT, DIRFD, fd, PATH, filename, ARGV, argv, PTR, envp, AT_FLAGS, flags,   \
	  NONE, _)                                                                                 \
	X(clone, 56, PID, CLONE_FLAGS, clone_flags, PTR, newsp, PTR, parent_tidptr, PTR,           \
	  child_tidptr, HEX, tls, NONE, _)                                                         \
	X(clone3, 435, PID, CLONE_ARGS, uargs, SIZE, size, NONE, _, NONE, _, NONE, _, NONE, _)      \
	X(fork, 57, PID, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)                     \
	X(vfork, 58, PID, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)                    \
	X(socket, 41, FD, AF, family, SOCK_TYPE, type, INT, protocol, NONE, _, NONE, _, NONE, _)   \
	X(connect, 42, INT, FD, fd, SOCKADDR, uservaddr, SOCKLEN, addrlen, NONE, _, NONE, _, NONE, \
	  _)                                                                                       \
	X(bind, 49, INT, FD, fd, SOCKADDR, umyaddr, SOCKLEN, addrlen, NONE, _, NONE, _, NONE, _)    \
	X(listen, 50, INT, FD, fd, INT, backlog, NONE, _, NONE, _, NONE, _, NONE, _)               \
	X(accept, 43, FD, FD, fd, SOCKADDR, upeer_sockaddr, SOCKLEN_PTR, upeer_addrlen, NONE, _,   \
	  NONE, _, NONE, _)                                                                        \
	X(accept4, 288, FD, FD, fd, SOCKADDR, upeer_sockaddr, SOCKLEN_PTR, upeer_addrlen,          \
	  SOCK_FLAGS, flags, NONE, _, NONE, _)                                                     \
	X(sendto, 44, INT, FD, fd, PTR, buff, SIZE, len, MSG_FLAGS, flags, SOCKADDR, addr,         \
	  SOCKLEN, addr_len)                                                                       \
	X(sendmsg, 46, INT, FD, fd, MSGHDR, msg, MSG_FLAGS, flags, NONE, _, NONE, _, NONE, _)      \
	X(unlinkat, 263, INT, DIRFD, dfd, PATH, pathname, AT_FLAGS, flag, NONE, _, NONE, _, NONE, \
	  _)                                                                                       \
	X(unlink, 87, INT, PATH, pathname, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)            \
	X(rmdir, 84, INT, PATH, pathname, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)             \
	X(renameat2, 316, INT, DIRFD, olddfd, PATH, oldname, DIRFD, newdfd, PATH, newname,         \
	  RENAME_FLAGS, flags, NONE, _)                                                            \
	X(renameat, 264, INT, DIRFD, olddfd, PATH, oldname, DIRFD, newdfd, PATH, newname, NONE, _, \
	  NONE, _)                                                                                 \
	X(rename, 82, INT, PATH, oldname, PATH, newname, NONE, _, NONE, _, NONE, _, NONE, _)       \
	X(mkdirat, 258, INT, DIRFD, dfd, PATH, pathname, MODE, mode, NONE, _, NONE, _, NONE, _)    \
	X(mkdir, 83, INT, PATH, pathname, MODE, mode, NONE, _, NONE, _, NONE, _, NONE, _)          \
	X(fchmodat, 268, INT, DIRFD, dfd, PATH, filename, MODE, mode, NONE, _, NONE, _, NONE, _)   \
	X(chmod, 90, INT, PATH, filename, MODE, mode, NONE, _, NONE, _, NONE, _, NONE, _)          \
	X(fchmod, 91, INT, FD, fd, MODE, mode, NONE, _, NONE, _, NONE, _, NONE, _)                 \
	X(fchownat, 260, INT, DIRFD, dfd, PATH, filename, UID, user, GID, group, AT_FLAGS, flag,    \
	  NONE, _)                                                                                 \
	X(chown, 92, INT, PATH, filename, UID, user, GID, group, NONE, _, NONE, _, NONE, _)        \
	X(lchown, 94, INT, PATH, filename, UID, user, GID, group, NONE, _, NONE, _, NONE, _)       \
	X(fchown, 93, INT, FD, fd, UID, user, GID, group, NONE, _, NONE, _, NONE, _)               \
	X(linkat, 265, INT, DIRFD, olddfd, PATH, oldname, DIRFD, newdfd, PATH, newname, AT_FLAGS,  \
	  flags, NONE, _)                                                                          \
	X(link, 86, INT, PATH, oldname, PATH, newname, NONE, _, NONE, _, NONE, _, NONE, _)         \
	X(symlinkat, 266, INT, PATH, oldname, DIRFD, newdfd, PATH, newname, NONE, _, NONE, _,      \
	  NONE, _)                                                                                 \
	X(symlink, 88, INT, PATH, oldname, PATH, newname, NONE, _, NONE, _, NONE, _, NONE, _)      \
	X(truncate, 76, INT, PATH, path, INT, length, NONE, _, NONE, _, NONE, _, NONE, _)          \
	X(ftruncate, 77, INT, FD, fd, INT, length, NONE, _, NONE, _, NONE, _, NONE, _)             \
	X(utimensat, 280, INT, DIRFD, dfd, PATH, filename, PTR, utimes, AT_FLAGS, flags, NONE, _,  \
	  NONE, _)                                                                                 \
	X(kill, 62, INT, PID, pid, SIGNAL, sig, NONE, _, NONE, _, NONE, _, NONE, _)                \
	X(tgkill, 234, INT, PID, tgid, PID, pid, SIGNAL, sig, NONE, _, NONE, _, NONE, _)           \
	X(mmap, 9, ADDR, HEX, addr, SIZE, len, PROT, prot, MAP_FLAGS, flags, FD, fd, HEX, off)     \
	X(mprotect, 10, INT, HEX, start, SIZE, len, PROT, prot, NONE, _, NONE, _, NONE, _)         \
	X(prlimit64, 302, INT, PID, pid, RESOURCE, resource, RLIMIT, new_rlim, PTR, old_rlim,      \
	  NONE, _, NONE, _)                                                                        \
	X(sethostname, 170, INT, BUF, name, SIZE, len, NONE, _, NONE, _, NONE, _, NONE, _)         \
	X(chdir, 80, INT, PATH, filename, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)             \
	X(fchdir, 81, INT, FD, fd, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)

/* Syscalls a kernel may lack (newer than the oldest kernel with BTF and ring buffers, 5.8).
 * Every other row exists on x86-64 since long before. */
#define PYX_SC_OPTIONAL(X) X(openat2) X(clone3)

enum pyx_sc_id {
#define PYX_SC_ENUM(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5) PYX_SC_##name,
	PYX_SYSCALLS(PYX_SC_ENUM)
#undef PYX_SC_ENUM
	PYX_SC__COUNT,
};

#define PYX_SC_NARGS 6

/* Bounds of what the BPF side copies. */
#define PYX_SC_STR_MAX 1024       /* one PATH, NUL included */
#define PYX_SC_SOCKADDR_MAX 128   /* sizeof(struct sockaddr_storage) */
#define PYX_SC_ARGV_MAX 32        /* ARGV items */
#define PYX_SC_ARGV_STR_MAX 256   /* one ARGV item, NUL included */
#define PYX_SC_ARGV_BYTES 2048    /* all ARGV items together */
#define PYX_SC_BUF_MAX 64         /* BUF (sethostname: __NEW_UTS_LEN + 1 is 65) */
#define PYX_SC_CLONE_ARGS_LEN 64  /* struct clone_args up to and including set_tid_size... */
#define PYX_SC_OPEN_HOW_LEN 24    /* struct open_how */
#define PYX_SC_RLIMIT_LEN 16      /* struct rlimit64 */
#define PYX_SC_TAIL_MAX 4096      /* the whole tail; a copy that would pass it is cut (TRUNCATED) */

/* pyx_rec_syscall.data[i].flags */
enum pyx_data_flags {
	PYX_DF_PRESENT = 1 << 0,   /* data[i] describes bytes in the tail (possibly 0 of them) */
	PYX_DF_TRUNCATED = 1 << 1, /* the user value was longer than what was copied */
	PYX_DF_FAULT = 1 << 2,     /* the user memory could not be read (bad pointer, not resident) */
	PYX_DF_NULL = 1 << 3,      /* the pointer was NULL: nothing to read */
};

struct pyx_sc_data {
	__u16 off;   /* from the start of the record; inside [sizeof(pyx_rec_syscall), hdr.size) */
	__u16 len;   /* bytes; PATH includes its NUL; ARGV is all items with their NULs */
	__u16 flags; /* enum pyx_data_flags */
	__u16 count; /* ARGV: items; 0 otherwise */
};

struct pyx_rec_syscall {
	struct pyx_rec_hdr hdr; /* hdr.ts_ns is the EXIT time; type PYX_REC_SYSCALL; flags 0 */
	__u32 nr;               /* x86-64 syscall number */
	__u16 sc;               /* enum pyx_sc_id */
	__u16 _pad0;
	__s64 ret;              /* the raw return value: >= 0 or -errno */
	__u64 enter_ns;         /* entry time; latency = hdr.ts_ns - enter_ns */
	__u64 args[PYX_SC_NARGS];                /* raw argument registers */
	struct pyx_sc_data data[PYX_SC_NARGS];  /* tail data of argument i (data kinds only) */
	__u8 tail[];            /* at most PYX_SC_TAIL_MAX bytes */
};

/* User stack of a syscall that can be sensitive (issue 9: context for triage). The BPF side
 * appends it to the record, 8-aligned after everything else, and says so in hdr.flags; hdr.size
 * includes it. Frame 0 is where the thread entered the kernel (inside the C library); the next
 * frames follow frame pointers (bpf_get_stack BPF_F_USER_STACK) and stop, or may be wrong, in
 * code built without them. The kernel resolves each frame to the build ID and file offset of the
 * file mapped there (BPF_F_USER_BUILD_ID), so a frame means something after the process is
 * gone; the monitor names the file from the build IDs of the libraries it saw mapped. */
#define PYX_USTACK_MAX 6
#define PYX_SCF_USTACK 0x8000  /* pyx_rec_syscall.hdr.flags: the record ends with pyx_sc_ustack */

enum pyx_ustack_status {       /* struct bpf_stack_build_id.status */
	PYX_USF_EMPTY = 0,     /* no frame */
	PYX_USF_VALID = 1,     /* build_id and file offset */
	PYX_USF_IP = 2,        /* no build ID found: a raw address */
};

struct pyx_ustack_frame {      /* the layout of struct bpf_stack_build_id */
	__s32 status;
	__u8 build_id[20];
	__u64 off_or_ip;
};

struct pyx_sc_ustack {
	__u32 nframes;         /* frames in f[] */
	__u32 _pad0;
	struct pyx_ustack_frame f[PYX_USTACK_MAX];
};

/* Process tree, from sched:sched_process_fork/exec/exit. */
enum pyx_proc_kind {
	PYX_PROC_FORK = 1, /* hdr.pid/tid = the parent; child_pid/child_tid = the new task */
	PYX_PROC_EXEC = 2, /* hdr = the process after exec (comm is the new one); filename in tail */
	PYX_PROC_EXIT = 3, /* the whole thread group is gone; exit_code as wait(2) reports it */
};

/* pyx_rec_process.hdr.flags */
enum pyx_proc_flags {
	PYX_PRF_THREAD = 1 << 0,       /* FORK: the new task is a thread of the parent's group */
	PYX_PRF_TRUNCATED = 1 << 1,    /* EXEC: filename cut at PYX_SC_STR_MAX */
	PYX_PRF_FAULT = 1 << 2,        /* EXEC: filename could not be read */
};

struct pyx_rec_process {
	struct pyx_rec_hdr hdr; /* type PYX_REC_PROCESS */
	__u32 kind;             /* enum pyx_proc_kind */
	__u32 ppid;             /* tgid of the real parent */
	__u32 child_pid;        /* FORK: child tgid */
	__u32 child_tid;        /* FORK: child tid */
	__s32 exit_code;        /* EXIT: wait status (exit status << 8 | signal) */
	__u32 old_tid;          /* EXEC: tid before exec (differs when a non-leader thread execs) */
	__u16 filename_off;     /* EXEC: from the start of the record; 0 when absent */
	__u16 filename_len;     /* EXEC: bytes, NUL included */
	__u32 _pad0;
	__u8 tail[];            /* at most PYX_SC_STR_MAX bytes */
};

#endif /* PYXCHECK_SYSCALL_H */
