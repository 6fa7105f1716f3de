/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Syscall and process records: the table of traced syscalls and the two ring-buffer records built
 * from tracepoints. Shared by bpf/pyxcheck.bpf.c (after vmlinux.h) and the monitor's decoder
 * (user/monitor/decode_syscall.c). Same rules as pyxcheck_wire.h: __u8..__u64, explicit padding,
 * every
 * variable part described by an (offset, length) pair that the reader checks.
 *
 * How a syscall record is made: sys_enter_X stashes the six raw arguments and the entry time in a
 * per-thread map (only for monitored processes); sys_exit_X takes the stash and sends ONE record
 * with arguments, return value and latency. execve/execveat build their record at entry: their
 * memory is gone after a successful exec; it is kept and sent with ret 0 by
 * sched:sched_process_exec when the exec succeeds (a successful execveat never reaches its exit
 * tracepoint on some kernels, 6.18 among them), or at exit with the error. Rows of
 * PYX_SC_ENTRY_ONLY are sent at entry.
 *
 * Time of check. The kernel copies a path or sockaddr right after sys_enter; a second thread can
 * rewrite the buffer during a blocking open or connect, so memory read at exit may be a decoy.
 * Rows with user-memory arguments (except accept's, which the kernel writes, and clone3's) are
 * therefore read at entry: the entry program builds the whole record and keeps it per thread; the
 * exit program reads the memory again and compares, sets PYX_DF_CHANGED on each argument that
 * differs (PYX_SCF_CHANGED on the record) and sends the entry values. A tracepoint cannot fault
 * pages in: memory not resident at entry is read at exit only (PYX_SCF_READ_AT_EXIT); memory
 * read at entry that faults at exit is left unverified (PYX_SCF_UNVERIFIED), not changed.
 */
#ifndef PYXCHECK_SYSCALL_H
#define PYXCHECK_SYSCALL_H

#include "pyxcheck_wire.h"

/* Argument kinds: how an argument is decoded and rendered. Kinds marked (data) carry bytes in the
 * record's tail, described by pyx_rec_syscall.data[i] for argument i. */
/* clang-format off */
enum pyx_argk {
	PYX_AK_NONE = 0,     /* no such argument */
	PYX_AK_INT,          /* signed decimal (long) */
	PYX_AK_UINT,         /* unsigned decimal */
	PYX_AK_HEX,          /* hex: addresses, opaque flags */
	PYX_AK_PTR,          /* a user pointer that is not followed: hex, NULL when 0 */
	PYX_AK_SIZE,         /* unsigned decimal, a length */
	PYX_AK_FD,           /* int fd */
	/* int fd, AT_FDCWD (-100) shown by name; a PATH right after it is relative to it */
	PYX_AK_DIRFD,
	PYX_AK_PATH,         /* (data) NUL-terminated string; NULL pointer -> data.flags PYX_DF_NULL */
	PYX_AK_OPEN_FLAGS,   /* O_* */
	PYX_AK_MODE,         /* octal */
	PYX_AK_AT_FLAGS,     /* AT_* */
	PYX_AK_RENAME_FLAGS, /* RENAME_* */
	/* (data) raw struct sockaddr bytes, up to PYX_SC_SOCKADDR_MAX; its length is argument i+1
	 * (SOCKLEN value or SOCKLEN_PTR) */
	PYX_AK_SOCKADDR,
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
	/* Kinds of the evasion rows (PYX_SYSCALLS_EVASION). */
	PYX_AK_STR,          /* (data) NUL-terminated string that is not a path (an xattr name) */
	PYX_AK_NODE_MODE,    /* S_IF* file type | octal permissions (mknod) */
	PYX_AK_DEV,          /* dev_t as major:minor (the kernel's new_encode_dev layout) */
	PYX_AK_PERSONALITY,  /* PER_* | personality flags (READ_IMPLIES_EXEC, ...) */
	PYX_AK_SHM_FLAGS,    /* SHM_RDONLY|SHM_RND|SHM_REMAP|SHM_EXEC */
	PYX_AK_PTRACE_REQ,   /* PTRACE_* request */
	PYX_AK_XATTR_FLAGS,  /* XATTR_CREATE|XATTR_REPLACE */
	PYX_AK__COUNT,
};
/* clang-format on */

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
/* clang-format off */
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
	X(fchdir, 81, INT, FD, fd, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)                    \
	PYX_SYSCALLS_EVASION(X)                                                                    \
	PYX_SYSCALLS_URING(X)                                                                      \
	PYX_SYSCALLS_MNT(X)                                                                        \
	PYX_SYSCALLS_OTHER_DOORS(X)
/* clang-format on */

/* Issue 8 (io_uring): the ring's creation is a syscall like any other; its operations come from
 * the io_uring:* tracepoints as records of the equivalent syscall (PYX_SCF_IO_URING). */
/* clang-format off */
#define PYX_SYSCALLS_URING(X)                                                                      \
	X(io_uring_setup, 425, FD, UINT, entries, PTR, params, NONE, _, NONE, _, NONE, _, NONE, _)
/* clang-format on */

/*
 * Rows that do what a traced syscall does by another door (issue 8, item 4): chmod with flags,
 * opening by file handle, executable memory by other means, signals by other calls, writing into
 * another process, device nodes and FIFOs, security.* xattrs. Some are filtered at entry by the
 * BPF side to their sensitive form (pkey_mprotect PROT_EXEC, personality READ_IMPLIES_EXEC, shmat
 * SHM_EXEC, ptrace attach and poke requests); the rest are judged by the correlator
 * (corr_sensitive). sendmmsg's MSGHDR data is the first message's msg_name (struct mmsghdr starts
 * with a struct user_msghdr).
 */
/* clang-format off */
#define PYX_SYSCALLS_EVASION(X)                                                                    \
	X(fchmodat2, 452, INT, DIRFD, dfd, PATH, filename, MODE, mode, AT_FLAGS, flags, NONE, _,  \
	  NONE, _)                                                                                 \
	X(open_by_handle_at, 304, FD, FD, mountdirfd, PTR, handle, OPEN_FLAGS, flags, NONE, _,    \
	  NONE, _, NONE, _)                                                                        \
	X(name_to_handle_at, 303, INT, DIRFD, dfd, PATH, name, PTR, handle, PTR, mnt_id, AT_FLAGS, \
	  flag, NONE, _)                                                                           \
	X(pkey_mprotect, 329, INT, HEX, start, SIZE, len, PROT, prot, INT, pkey, NONE, _, NONE, _) \
	X(personality, 135, INT, PERSONALITY, personality, NONE, _, NONE, _, NONE, _, NONE, _,    \
	  NONE, _)                                                                                 \
	X(shmat, 30, ADDR, INT, shmid, HEX, shmaddr, SHM_FLAGS, shmflg, NONE, _, NONE, _, NONE, _) \
	X(sendmmsg, 307, INT, FD, fd, MSGHDR, mmsg, UINT, vlen, MSG_FLAGS, flags, NONE, _, NONE,  \
	  _)                                                                                       \
	X(tkill, 200, INT, PID, pid, SIGNAL, sig, NONE, _, NONE, _, NONE, _, NONE, _)              \
	X(rt_sigqueueinfo, 129, INT, PID, pid, SIGNAL, sig, PTR, uinfo, NONE, _, NONE, _, NONE, _) \
	X(rt_tgsigqueueinfo, 297, INT, PID, tgid, PID, pid, SIGNAL, sig, PTR, uinfo, NONE, _,     \
	  NONE, _)                                                                                 \
	X(pidfd_send_signal, 424, INT, FD, pidfd, SIGNAL, sig, PTR, info, HEX, flags, NONE, _,    \
	  NONE, _)                                                                                 \
	X(ptrace, 101, INT, PTRACE_REQ, request, PID, pid, HEX, addr, HEX, data, NONE, _, NONE, _) \
	X(process_vm_writev, 311, INT, PID, pid, PTR, lvec, UINT, liovcnt, PTR, rvec, UINT,       \
	  riovcnt, HEX, flags)                                                                     \
	X(mknodat, 259, INT, DIRFD, dfd, PATH, filename, NODE_MODE, mode, DEV, dev, NONE, _, NONE, \
	  _)                                                                                       \
	X(mknod, 133, INT, PATH, filename, NODE_MODE, mode, DEV, dev, NONE, _, NONE, _, NONE, _)   \
	X(setxattr, 188, INT, PATH, pathname, STR, name, PTR, value, SIZE, size, XATTR_FLAGS,     \
	  flags, NONE, _)                                                                          \
	X(lsetxattr, 189, INT, PATH, pathname, STR, name, PTR, value, SIZE, size, XATTR_FLAGS,    \
	  flags, NONE, _)                                                                          \
	X(fsetxattr, 190, INT, FD, fd, STR, name, PTR, value, SIZE, size, XATTR_FLAGS, flags,     \
	  NONE, _)
/* clang-format on */

/* What changes which file a path names for a process (the review of the shm rules, F2): a new or
 * another mount namespace, a mount or unmount, a new root. No audit event in CPython 3.11
 * (os.chroot raises none; os.unshare and os.setns are 3.12's); the correlator reports them
 * always and takes every path-shaped exemption from the process that made one and from its later
 * children (corr_proc.c corr_mnt_track). */
/* clang-format off */
#define PYX_SYSCALLS_MNT(X)                                                                        \
	X(unshare, 272, INT, CLONE_FLAGS, unshare_flags, NONE, _, NONE, _, NONE, _, NONE, _, NONE, \
	  _)                                                                                       \
	X(setns, 308, INT, FD, fd, CLONE_FLAGS, flags, NONE, _, NONE, _, NONE, _, NONE, _)         \
	X(mount, 165, INT, STR, dev_name, PATH, dir_name, STR, type, HEX, flags, PTR, data, NONE,  \
	  _)                                                                                       \
	X(umount, 166, INT, PATH, name, HEX, flags, NONE, _, NONE, _, NONE, _, NONE, _)            \
	X(chroot, 161, INT, PATH, filename, NONE, _, NONE, _, NONE, _, NONE, _, NONE, _)           \
	X(pivot_root, 155, INT, PATH, new_root, PATH, put_old, NONE, _, NONE, _, NONE, _, NONE, _) \
	X(move_mount, 429, INT, DIRFD, from_dfd, PATH, from_pathname, DIRFD, to_dfd, PATH,        \
	  to_pathname, HEX, flags, NONE, _)
/* clang-format on */

/*
 * More equivalent rows (the review of untraced equivalents): the same act as a traced row through
 * a door glibc no longer uses for it, a newer door, or the act's own syscalls. utime, utimes and
 * futimesat set a file's times like utimensat (timestomping), setrlimit sets a limit like
 * prlimit64, setxattrat (6.13) sets an xattr like setxattr: Python never makes these (os.utime is
 * utimensat, resource.setrlimit prlimit64, os.setxattr setxattr), so they come from native code.
 * removexattr, lremovexattr, fremovexattr and removexattrat (6.13) take an xattr away
 * (security.capability, security.ima, a SELinux label): os.removexattr makes the first three.
 * Sent at entry like the evasion rows. The times pointers are shown as pointers (NULL: now);
 * setxattrat's value, size and flags are behind its struct xattr_args pointer, shown as one too.
 * ioctl is traced for one request only, TIOCSTI (a byte pushed into a terminal's input as if
 * typed there: commands run in the shell that owns it), filtered at entry by the BPF side as the
 * evasion rows are (every other ioctl makes no record); fcntl.ioctl is its audit event.
 */
/* clang-format off */
#define PYX_SYSCALLS_OTHER_DOORS(X)                                                                  \
	X(utime, 132, INT, PATH, filename, PTR, times, NONE, _, NONE, _, NONE, _, NONE, _)         \
	X(utimes, 235, INT, PATH, filename, PTR, utimes, NONE, _, NONE, _, NONE, _, NONE, _)       \
	X(futimesat, 261, INT, DIRFD, dfd, PATH, filename, PTR, utimes, NONE, _, NONE, _, NONE, _) \
	X(setrlimit, 160, INT, RESOURCE, resource, RLIMIT, rlim, NONE, _, NONE, _, NONE, _, NONE,  \
	  _)                                                                                       \
	X(setxattrat, 463, INT, DIRFD, dfd, PATH, pathname, AT_FLAGS, at_flags, STR, name, PTR,    \
	  uargs, SIZE, usize)                                                                      \
	X(removexattr, 197, INT, PATH, pathname, STR, name, NONE, _, NONE, _, NONE, _, NONE, _)    \
	X(lremovexattr, 198, INT, PATH, pathname, STR, name, NONE, _, NONE, _, NONE, _, NONE, _)   \
	X(fremovexattr, 199, INT, FD, fd, STR, name, NONE, _, NONE, _, NONE, _, NONE, _)           \
	X(removexattrat, 466, INT, DIRFD, dfd, PATH, pathname, AT_FLAGS, at_flags, STR, name,      \
	  NONE, _, NONE, _)                                                                        \
	X(ioctl, 16, INT, FD, fd, HEX, cmd, PTR, arg, NONE, _, NONE, _, NONE, _)
/* clang-format on */

/* Syscalls a kernel may lack (newer than the oldest kernel with BTF and ring buffers, 5.8;
 * fchmodat2 is 6.6, setxattrat and removexattrat 6.13).
 * Every other row exists on x86-64 since long before. */
#define PYX_SC_OPTIONAL(X)                                                                         \
	X(openat2) X(clone3) X(fchmodat2) X(io_uring_setup) X(setxattrat) X(removexattrat)

/* Rows sent at entry, with no exit program: their result is of no use to the correlator, and each
 * tracepoint not attached saves every process on the machine its cost and the monitor ~40 ms at
 * detach (docs/benchmarks.md). Their record has PYX_SCF_ENTRY, ret 0 and hdr.ts_ns == enter_ns;
 * their memory is read at entry. */
/* clang-format off */
#define PYX_SC_ENTRY_ONLY(X)                                                                       \
	X(fchmodat2) X(open_by_handle_at) X(name_to_handle_at) X(pkey_mprotect) X(personality)     \
	X(shmat) X(sendmmsg) X(tkill) X(rt_sigqueueinfo) X(rt_tgsigqueueinfo)                     \
	X(pidfd_send_signal) X(ptrace) X(process_vm_writev) X(mknodat) X(mknod) X(setxattr)      \
	X(lsetxattr) X(fsetxattr) X(utime) X(utimes) X(futimesat) X(setrlimit) X(setxattrat)     \
	X(removexattr) X(lremovexattr) X(fremovexattr) X(removexattrat) X(ioctl)
/* clang-format on */

/* clang-format off */
enum pyx_sc_id {
#define PYX_SC_ENUM(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5) PYX_SC_##name,
	PYX_SYSCALLS(PYX_SC_ENUM)
#undef PYX_SC_ENUM
	PYX_SC__COUNT,
};

/* `case PYX_SC_<name>:` for each row of a table: switch (sc) { PYX_SYSCALLS_MNT(PYX_SC_CASE) ... } */
#define PYX_SC_CASE(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5) case PYX_SC_##name:
/* clang-format on */

#define PYX_SC_NARGS 6

/* Bounds of what the BPF side copies. */
#define PYX_SC_STR_MAX 1024      /* one PATH, NUL included */
#define PYX_SC_SOCKADDR_MAX 128  /* sizeof(struct sockaddr_storage) */
#define PYX_SC_ARGV_MAX 32       /* ARGV items */
#define PYX_SC_ARGV_STR_MAX 256  /* one ARGV item, NUL included */
#define PYX_SC_ARGV_BYTES 2048   /* all ARGV items together */
#define PYX_SC_BUF_MAX 64        /* BUF (sethostname: __NEW_UTS_LEN + 1 is 65) */
#define PYX_SC_CLONE_ARGS_LEN 64 /* struct clone_args up to and including set_tid_size... */
#define PYX_SC_OPEN_HOW_LEN 24   /* struct open_how */
#define PYX_SC_RLIMIT_LEN 16     /* struct rlimit64 */
#define PYX_SC_TAIL_MAX 4096     /* the whole tail; a copy that would pass it is cut (TRUNCATED) */

/* pyx_rec_syscall.data[i].flags */
enum pyx_data_flags {
	PYX_DF_PRESENT = 1 << 0,   /* data[i] describes bytes in the tail (possibly 0 of them) */
	PYX_DF_TRUNCATED = 1 << 1, /* the user value was longer than what was copied */
	PYX_DF_FAULT = 1 << 2,   /* the user memory could not be read (bad pointer, not resident) */
	PYX_DF_NULL = 1 << 3,    /* the pointer was NULL: nothing to read */
	PYX_DF_CHANGED = 1 << 4, /* read at entry, and read again at exit it differed (TOCTOU) */
};

/* pyx_rec_syscall.hdr.flags */
enum pyx_sc_flags {
	PYX_SCF_ENTRY = 1 << 0, /* a PYX_SC_ENTRY_ONLY row, sent at entry: no result, no latency */
	/* Rows whose memory is read at entry (see "Time of check" above): */
	/* an argument's memory changed during the syscall: the record holds the entry value,
	 * data[i] has PYX_DF_CHANGED */
	PYX_SCF_CHANGED = 1 << 1,
	/* an argument could not be read at entry (not resident): every value is from the exit,
	 * as a second thread left it */
	PYX_SCF_READ_AT_EXIT = 1 << 2,
	/* Not a syscall: an io_uring request (opcode in pyx_rec_syscall.op) that does what the
	 * syscall sc does, reported from io_uring:io_uring_submit_req (arguments, submitting
	 * thread, enter_ns) and io_uring:io_uring_complete (ret = the CQE's res, hdr.ts_ns). hdr
	 * is the submitter's; the work may have run in an io-wq worker of the same process. */
	PYX_SCF_IO_URING = 1 << 3,
	/* io_uring request submitted with IOSQE_CQE_SKIP_SUCCESS: no completion is traced for a
	 * success, so the record is sent at submission with ret 0 and latency 0. */
	PYX_SCF_NO_RESULT = 1 << 4,
	/* an argument read at entry could not be read again at exit (its page was reclaimed or
	 * unmapped meanwhile): not evidence of a change, so no PYX_SCF_CHANGED; the record holds
	 * the entry values, which the kernel's own copy right after entry also saw unless a
	 * second thread rewrote them in that window */
	PYX_SCF_UNVERIFIED = 1 << 5,
	/* with PYX_SCF_READ_AT_EXIT or PYX_SCF_UNVERIFIED, or with the path PYX_DF_FAULT (read
	 * neither at entry nor at exit), on a successful open, openat, openat2 or creat only:
	 * data[PYX_SC_OPENED_DATA] holds the kernel's name of the file the new fd refers to (its
	 * dentry's, NUL included, at most PYX_OPENED_NAME_MAX bytes): what was opened, whatever a
	 * second thread left in the path buffer. A final symlink gives its target's name. */
	PYX_SCF_OPENED = 1 << 6,
};

/* PYX_SCF_OPENED: the data slot of the opened file's name, one no open-family row uses */
#define PYX_SC_OPENED_DATA 5
#define PYX_OPENED_NAME_MAX 256 /* NAME_MAX and its NUL */

struct pyx_sc_data {
	__u16 off;   /* from the start of the record; inside [sizeof(pyx_rec_syscall), hdr.size) */
	__u16 len;   /* bytes; PATH includes its NUL; ARGV is all items with their NULs */
	__u16 flags; /* enum pyx_data_flags */
	__u16 count; /* ARGV: items; 0 otherwise */
};

struct pyx_rec_syscall {
	struct pyx_rec_hdr hdr; /* hdr.ts_ns is the EXIT time; type PYX_REC_SYSCALL; pyx_sc_flags */
	__u32 nr;               /* x86-64 syscall number (of the equivalent syscall for io_uring) */
	__u16 sc;               /* enum pyx_sc_id */
	__u16 op;               /* PYX_SCF_IO_URING: the io_uring opcode (IORING_OP_*); else 0 */
	__s64 ret;              /* the raw return value: >= 0 or -errno */
	__u64 enter_ns;         /* entry time; latency = hdr.ts_ns - enter_ns */
	__u64 args[PYX_SC_NARGS];              /* raw argument registers */
	struct pyx_sc_data data[PYX_SC_NARGS]; /* tail data of argument i (data kinds only) */
	__u8 tail[];                           /* at most PYX_SC_TAIL_MAX bytes */
};

/* User stack of a syscall that can be sensitive (issue 9: context for triage). The BPF side
 * appends it to the record, 8-aligned after everything else, and says so in hdr.flags; hdr.size
 * includes it. Frame 0 is where the thread entered the kernel (inside the C library); the next
 * frames follow frame pointers (bpf_get_stack BPF_F_USER_STACK) and stop, or may be wrong, in
 * code built without them. The kernel resolves each frame to the build ID and file offset of the
 * file mapped there (BPF_F_USER_BUILD_ID), so a frame means something after the process is
 * gone; the monitor names the file from the build IDs of the libraries it saw mapped. */
#define PYX_USTACK_MAX 6
#define PYX_SCF_USTACK 0x8000 /* pyx_rec_syscall.hdr.flags: the record ends with pyx_sc_ustack */

/* struct bpf_stack_build_id.status */
enum pyx_ustack_status {
	PYX_USF_EMPTY = 0, /* no frame */
	PYX_USF_VALID = 1, /* build_id and file offset */
	PYX_USF_IP = 2,    /* no build ID found: a raw address */
};

/* the layout of struct bpf_stack_build_id */
struct pyx_ustack_frame {
	__s32 status;
	__u8 build_id[20];
	__u64 off_or_ip;
};

struct pyx_sc_ustack {
	__u32 nframes; /* frames in f[] */
	__u32 dump;    /* 1 + the slot of this syscall's stack dump in ustack_dumps; 0: none */
	struct pyx_ustack_frame f[PYX_USTACK_MAX];
};

/* Stack dump of a syscall that can be sensitive (issue 9): the frame-pointer walk above stops in
 * code built without frame pointers (glibc, CPython), so the BPF side also copies the user
 * registers the unwinder starts from and the top pages of the user stack into the next slot of
 * the array ustack_dumps (a ring of PYX_USTACK_DUMPS slots), and names the slot in the record's
 * stack trailer (pyx_sc_ustack.dump). The monitor reads a dump only for a finding and unwinds it
 * with the DWARF CFI (.eh_frame) of the libraries mapped there (corr_ustack.c); a slot reused by
 * then (its tid and enter_ns are another syscall's) leaves the frame-pointer stack. */
#define PYX_USTACK_CHUNKS 2 /* 4 KiB copies from sp: the dump holds 8 KiB above sp at most */
#define PYX_USTACK_DUMP (PYX_USTACK_CHUNKS * 4096)
#define PYX_USTACK_DUMPS 512   /* a power of two */
#define PYX_USTACK_TEXT_MAX 12 /* frames the monitor names from a dump */
#define PYX_USTACK_AUXV 56     /* mm_struct.saved_auxv on x86-64: (type, value) pairs */

struct pyx_ustack_dump {
	__u64 enter_ns;   /* whose dump: pyx_rec_syscall.enter_ns and hdr.tid, written last */
	__u32 tid;        /* (and cleared first), so a slot being rewritten matches no record */
	__u32 len;        /* bytes copied to stack[], from base; 0: none */
	__u64 ip, sp, bp; /* the user registers at the syscall instruction */
	__u64 base;       /* user address of stack[0]: sp */
	/* The process's ELF auxiliary vector (AT_PHDR, AT_BASE): where the kernel placed the
	 * executable and the dynamic loader, which no traced mmap shows. */
	__u64 auxv[PYX_USTACK_AUXV];
	__u8 stack[PYX_USTACK_DUMP];
};

/* Process tree, from sched:sched_process_fork/exec/exit. */
enum pyx_proc_kind {
	PYX_PROC_FORK = 1, /* hdr.pid/tid = the parent; child_pid/child_tid = the new task */
	/* hdr = the process after exec (comm is the new one); filename in tail */
	PYX_PROC_EXEC = 2,
	PYX_PROC_EXIT = 3, /* the whole thread group is gone; exit_code as wait(2) reports it */
};

/* pyx_rec_process.hdr.flags */
enum pyx_proc_flags {
	PYX_PRF_THREAD = 1 << 0,      /* FORK: the new task is a thread of the parent's group */
	PYX_PRF_TRUNCATED = 1 << 1,   /* EXEC: filename cut at PYX_SC_STR_MAX */
	PYX_PRF_FAULT = 1 << 2,       /* EXEC: filename could not be read */
	PYX_PRF_UNMONITORED = 1 << 3, /* FORK: the child could not join the monitored set (full) */
	/* Issue 8. EXEC: the new image's file has no name left: unlinked, or never had one. */
	PYX_PRF_EXE_DELETED = 1 << 4,
	PYX_PRF_EXE_MEMFD = 1 << 5, /* EXEC: ... and it is a memfd_create() file */
	/* EXEC: no traced execve/execveat entry on this thread preceded it (a 32-bit int $0x80
	 * execve, whose syscall tracepoints do not fire). Only set when both are traced. */
	PYX_PRF_NO_EXEC_SYSCALL = 1 << 6,
	PYX_PRF_ARGV_TRUNCATED = 1 << 7, /* EXEC: argv cut at PYX_PROC_ARGV_MAX */
	PYX_PRF_ARGV_FAULT = 1 << 8,     /* EXEC: argv could not be read */
	/* EXEC: the filename is one the kernel made, not the caller's string: bprm->filename ==
	 * bprm->fdpath, "/dev/fd/<fd>[/<name>]" for an execveat with a dirfd and a relative or
	 * empty path (fs/exec.c alloc_bprm()). A caller's own absolute "/dev/fd/3" is not. */
	PYX_PRF_KNAME = 1 << 9,
};
#define PYX_PRF_EXEC_ISSUE8 (PYX_PRF_EXE_DELETED | PYX_PRF_EXE_MEMFD | PYX_PRF_NO_EXEC_SYSCALL)

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
	/* EXEC (issue 11, process context): the new image's argv as the kernel laid it out (NUL
	 * separated, at most PYX_PROC_ARGV_MAX bytes, PYX_PRF_ARGV_TRUNCATED when cut), right after
	 * the filename. Read by BPF at exec, when the pages were just written by the kernel: user
	 * space reading /proc/PID/cmdline instead could block on memory the process controls. */
	__u16 argv_off; /* 0 when absent */
	__u16 argv_len;
	/* EXEC: identity the kernel knows at exec time */
	__u32 euid;
	__u32 auid;      /* loginuid; 4294967295 when unset */
	__u32 ns_pid;    /* tgid as seen in the process's own pid namespace (FORK: the child's) */
	__u32 pidns_ino; /* that namespace's inode number (/proc/PID/ns/pid), 0: unknown */
	/* EXEC: the new image's file (mm->exe_file): user space names it from /proc/PID/exe only
	 * when that still is this file (the process may have exec'd again since) */
	__u64 exe_ino;
	__u32 exe_dev; /* the kernel's dev_t: major << 20 | minor */
	/* FORK of a process (the child's) and EXEC: its mount namespace's inode (/proc/PID/ns/mnt),
	 * 0: unknown. The correlator takes path-shaped exemptions from a process in another one
	 * than the monitor's (corr_proc.c corr_mnt_record()). */
	__u32 mntns_ino;
	__u8 tail[]; /* filename then argv: at most PYX_SC_STR_MAX + PYX_PROC_ARGV_MAX */
};

#define PYX_PROC_ARGV_MAX 512

#endif /* PYXCHECK_SYSCALL_H */
