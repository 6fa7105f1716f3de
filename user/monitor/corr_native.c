// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Shapes of the syscalls that CPython and glibc make on their own, with no audit event, in benign
 * programs (issue 9). Each helper recognises one exact shape, grounded in the source that makes
 * it; the engine decides with corr_proc.c's per-process state whether the shape is complete (a
 * sem_open link of the temp file it saw opened, ...). No helper here explains anything by itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "corr_elf.h"
#include "corr_rules.h"

#define SHM_DIR "/dev/shm/"
#define SHM_SEM SHM_DIR "sem."

/* The n-th path argument of the syscall (in PATH order, as corr_scpaths) exactly as the caller
 * passed it is abs, the path the monitor resolved: an absolute path with no "." or ".." component
 * and no "//", so neither the cwd, nor a dirfd, nor a symlink a ".." would climb out of, had a
 * say in which file the kernel names. glibc passes its shm and semaphore paths, and /dev/ptmx,
 * so (shm-directory.c __shm_get_name(), sem_open.c's SHMDIR "sem.XXXXXX", getpt.c
 * _PATH_DEVPTMX): a lexical resolution of anything else ("/dev/shm/L/../x" with L a symlink, a
 * relative name from a cwd or a dirfd the monitor believes is /dev/shm, but that dup2(), which is
 * not traced, may have replaced) is not what the kernel did. The path shapes below ask it. */
bool corr_path_literal(const struct pyx_sysview *sv, unsigned int n, const char *abs)
{
	unsigned int i, k = 0;

	if (!abs || abs[0] != '/')
		return false;
	for (i = 0; i < sv->nargs; i++) {
		const struct pyx_sysarg *a = &sv->args[i];

		if (a->kind != PYX_AK_PATH)
			continue;
		if (k++ != n)
			continue;
		return a->present && !a->null && !a->fault && !a->truncated && a->u.path.str &&
		       !strcmp(a->u.path.str, abs);
	}
	return false;
}

/* glibc sysdeps/pthread/sem_open.c, sem_open(): a new semaphore is built in a temp file named
 * SHMDIR "sem.XXXXXX" (__gen_tempname(..., __GT_NOCREATE): six letters or digits) opened
 * O_RDWR|O_CREAT|O_EXCL, then link(2)ed to its name and the temp file unlink(2)ed. */
bool corr_sem_tmp_path(const char *abs)
{
	size_t n = strlen(SHM_SEM);
	unsigned int i;

	if (!abs)
		return false;
	/* strncmp() inline: asked of each O_EXCL open, whose path mostly differs in its second
	 * byte, it stops there (or at the path's NUL: the prefix has none) */
	for (i = 0; i < n; i++)
		if (abs[i] != SHM_SEM[i])
			return false;
	if (strlen(abs) != n + 6)
		return false;
	for (i = 0; i < 6; i++) {
		char ch = abs[n + i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

/* glibc sysdeps/pthread/sem_open.c and sem_unlink.c: a semaphore "/NAME" is the file
 * SHMDIR "sem.NAME" (__shm_get_name(): NAME holds no '/'). */
bool corr_sem_path(const char *abs)
{
	size_t n = strlen(SHM_SEM);

	return abs && !strncmp(abs, SHM_SEM, n) && abs[n] && !strchr(abs + n, '/');
}

/* The directories glibc's dynamic loader searches by default (no LD_LIBRARY_PATH): NSS modules
 * and libgcc_s come from there on Debian (multiarch) and on other layouts. */
static bool sys_lib_dir(const char *abs, size_t dlen)
{
	/* with their lengths: asked for every openat the correlator judges */
	static const struct {
		const char *s;
		size_t n;
	} dirs[] = {
		{ "/lib", sizeof("/lib") - 1 },
		{ "/lib64", sizeof("/lib64") - 1 },
		{ "/usr/lib", sizeof("/usr/lib") - 1 },
		{ "/usr/lib64", sizeof("/usr/lib64") - 1 },
		{ "/lib/x86_64-linux-gnu", sizeof("/lib/x86_64-linux-gnu") - 1 },
		{ "/usr/lib/x86_64-linux-gnu", sizeof("/usr/lib/x86_64-linux-gnu") - 1 },
		{ "/lib/aarch64-linux-gnu", sizeof("/lib/aarch64-linux-gnu") - 1 },
		{ "/usr/lib/aarch64-linux-gnu", sizeof("/usr/lib/aarch64-linux-gnu") - 1 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (dirs[i].n == dlen && !memcmp(abs, dirs[i].s, dlen))
			return true;
	return false;
}

enum corr_syslib corr_sys_lib(const char *abs)
{
	const char *base;
	size_t blen;

	if (!abs || abs[0] != '/')
		return CORR_LIB_NONE;
	base = strrchr(abs, '/') + 1;
	if (!sys_lib_dir(abs, (size_t)(base - abs - 1)))
		return CORR_LIB_NONE;
	blen = strlen(base);
	/* glibc nss/nss_module.c module_load(): __libc_dlopen("libnss_" NAME ".so."
	 * __NSS_SHLIB_REVISION), NAME a word of /etc/nsswitch.conf */
	if (!strncmp(base, "libnss_", 7) && blen > 7 + 5 && !strcmp(base + blen - 5, ".so.2") &&
	    !strchr(base + 7, '/'))
		return CORR_LIB_NSS;
	/* glibc misc/unwind-link.c __libc_unwind_link_get(): pthread_exit() and thread
	 * cancellation unwind with libgcc_s, loaded on first use (LIBGCC_S_SO) */
	if (!strcmp(base, "libgcc_s.so.1"))
		return CORR_LIB_GCC_S;
	return CORR_LIB_OTHER;
}

/* The programs multiprocessing runs with the interpreter it runs under, after the flags of
 * multiprocessing.util._args_from_interpreter_flags() (each starting with '-', "-X"/"-W" take
 * one value):
 *   Lib/multiprocessing/spawn.py get_command_line():
 *     -c 'from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=N, pipe_handle=N)'
 *     --multiprocessing-fork
 *   Lib/multiprocessing/resource_tracker.py ensure_running():
 *     -c 'from multiprocessing.resource_tracker import main;main(N)'
 *   Lib/multiprocessing/forkserver.py ensure_running():
 *     -c 'from multiprocessing.forkserver import main; main(N, N, PRELOAD, **DATA)'
 * The program is fixed code of the standard library; what it then does runs in a hooked
 * interpreter (or is a blind spot) and is audited there. */
static bool digits(const char **s)
{
	const char *p = *s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == *s)
		return false;
	*s = p;
	return true;
}

static bool lit(const char **s, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*s, w, n))
		return false;
	*s += n;
	return true;
}

bool corr_mp_argv(const char *const *argv, unsigned int argc, bool truncated)
{
	unsigned int i = 1;
	const char *s;

	while (i < argc && argv[i] && argv[i][0] == '-' && strcmp(argv[i], "-c")) {
		if (!strcmp(argv[i], "-X") || !strcmp(argv[i], "-W"))
			i++;
		i++;
	}
	if (i + 1 >= argc || !argv[i] || strcmp(argv[i], "-c") || !(s = argv[i + 1]))
		return false;
	if (lit(&s, "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=")) {
		return digits(&s) && lit(&s, ", pipe_handle=") && digits(&s) && !strcmp(s, ")") &&
		       i + 3 == argc && argv[i + 2] &&
		       !strcmp(argv[i + 2], "--multiprocessing-fork") && !truncated;
	}
	if (lit(&s, "from multiprocessing.resource_tracker import main;main("))
		return digits(&s) && !strcmp(s, ")") && i + 2 == argc && !truncated;
	/* the forkserver's PRELOAD and DATA reprs can be longer than an argv item the BPF side
	 * keeps: the fixed part is compared, the item must be the last one */
	if (lit(&s, "from multiprocessing.forkserver import main; main("))
		return digits(&s) && lit(&s, ", ") && digits(&s) && lit(&s, ", [") && i + 2 == argc;
	return false;
}

/* The flags of an open(2) or openat(2); false for any other syscall. */
static bool open_flags(const struct pyx_sysview *sv, uint64_t *fl)
{
	if (sv->sc == PYX_SC_openat)
		*fl = sv->args[2].raw;
	else if (sv->sc == PYX_SC_open)
		*fl = sv->args[1].raw;
	else
		return false;
	return true;
}

/* The open of sem_open()'s temp file: O_RDWR|O_CREAT|O_EXCL (O_CLOEXEC and O_NOFOLLOW allowed
 * for other glibc versions), never O_TRUNC. */
bool corr_sem_tmp_open(const struct pyx_sysview *sv, const char *abs)
{
	uint64_t fl;

	if (!open_flags(sv, &fl))
		return false;
	/* the flags first: the path's compare is asked of every open, most of them not O_EXCL */
	return (fl & O_ACCMODE) == O_RDWR && (fl & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) &&
	       !(fl & ~(uint64_t)(O_ACCMODE | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW |
				  0100000 /* the kernel's O_LARGEFILE */)) &&
	       corr_sem_tmp_path(abs) && corr_path_literal(sv, 0, abs);
}

/* glibc sysdeps/pthread/sem_open.c, sem_open() of an existing semaphore (no O_CREAT, or
 * O_CREAT without O_EXCL tried first): open(SHMDIR "sem.NAME", (oflag & ~(O_CREAT|O_ACCMODE)) |
 * O_NOFOLLOW | O_RDWR): never creates nor truncates (multiprocessing's SemLock._rebuild() in a
 * spawned child, Modules/_multiprocessing/semaphore.c). */
bool corr_sem_reopen(const struct pyx_sysview *sv, const char *abs)
{
	uint64_t fl;

	if (!open_flags(sv, &fl))
		return false;
	return corr_sem_path(abs) && (fl & O_ACCMODE) == O_RDWR && (fl & O_NOFOLLOW) &&
	       !(fl & ~(uint64_t)(O_ACCMODE | O_NOFOLLOW | O_CLOEXEC |
				  0100000 /* the kernel's O_LARGEFILE */)) &&
	       corr_path_literal(sv, 0, abs);
}

/* glibc sysdeps/posix/shm-directory.c __shm_get_name(): shm_open("/NAME") and shm_unlink("/NAME")
 * name the file SHMDIR "NAME" (SHMDIR "/dev/shm/"); an empty NAME or one holding a '/' is EINVAL
 * ("." and "..", which name directories, are refused here too).
 * Modules/_multiprocessing/posixshmem.c passes Lib/multiprocessing/shared_memory.py's names
 * ("psm_" + secrets.token_hex(4), or the caller's) through. */
bool corr_shm_path(const char *abs)
{
	size_t n = strlen(SHM_DIR);

	return abs && !strncmp(abs, SHM_DIR, n) && abs[n] && !strchr(abs + n, '/') &&
	       strcmp(abs + n, ".") && strcmp(abs + n, "..");
}

/* The only flags shared_memory.py's SharedMemory.__init__ passes to _posixshmem.shm_open():
 * os.O_RDWR, with create=True O_CREAT|O_EXCL too (_O_CREX), mode 0o600 (SharedMemory._mode);
 * glibc sysdeps/posix/shm_open.c adds O_NOFOLLOW|O_CLOEXEC. Never O_TRUNC, never O_CREAT
 * without O_EXCL, never another mode: _posixshmem called directly with other flags is not it. */
static bool shm_open_flags(const struct pyx_sysview *sv, const char *abs, bool create)
{
	uint64_t want = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
	uint64_t fl;

	if (!open_flags(sv, &fl) ||
	    (fl & ~(uint64_t)0100000 /* the kernel's O_LARGEFILE */) != want)
		return false;
	/* openat's mode is its fourth argument, open's its third */
	if (create && (sv->args[sv->sc == PYX_SC_openat ? 3 : 2].raw & 07777) != 0600)
		return false;
	return corr_shm_path(abs) && corr_path_literal(sv, 0, abs);
}

/* SharedMemory(create=True): O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600, of
 * SHMDIR "NAME": a new file in /dev/shm, never an existing one. */
bool corr_shm_create(const struct pyx_sysview *sv, const char *abs)
{
	return shm_open_flags(sv, abs, true);
}

/* SharedMemory(name) attaching: O_RDWR|O_NOFOLLOW|O_CLOEXEC of SHMDIR "NAME" (the engine asks
 * that a hooked Python of the same uid created NAME). */
bool corr_shm_attach(const struct pyx_sysview *sv, const char *abs)
{
	return shm_open_flags(sv, abs, false);
}

/*
 * sqlite's own temporary files (sort runs, temp tables and indexes, statement journals, VACUUM's
 * copy), made with no audit event inside a connection's work: os_unix.c unixGetTempname() names
 * one DIR "/etilqs_%llx" (SQLITE_TEMP_FILE_PREFIX and a random 64-bit number: 1 to 16 lowercase
 * hex digits, sqlite 3.40) in the first usable of sqlite3_temp_directory, $SQLITE_TMPDIR,
 * $TMPDIR, /var/tmp, /usr/tmp, /tmp, "."; unixOpen() opens it with SQLITE_OPEN_EXCLUSIVE and
 * DELETEONCLOSE: O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW (robust_open() adds O_CLOEXEC), mode 0600
 * (findCreateFileMode()), and unlinks it at once. Only the three fixed directories are taken:
 * the environment's are not known here, and any other directory could be one a name in it is
 * run from (cron.d accepts "etilqs_..."). Never an existing file, never through a symlink.
 */
bool corr_sqlite_tmp_path(const char *abs)
{
	static const char *const dirs[] = { "/var/tmp/etilqs_", "/usr/tmp/etilqs_",
					    "/tmp/etilqs_" };
	unsigned int i;
	size_t n, k;

	if (!abs)
		return false;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		n = strlen(dirs[i]);
		if (!strncmp(abs, dirs[i], n))
			break;
	}
	if (i == sizeof(dirs) / sizeof(dirs[0]))
		return false;
	for (k = 0; abs[n + k]; k++)
		if (!((abs[n + k] >= '0' && abs[n + k] <= '9') ||
		      (abs[n + k] >= 'a' && abs[n + k] <= 'f')))
			return false;
	return k >= 1 && k <= 16;
}

bool corr_sqlite_tmp_open(const struct pyx_sysview *sv, const char *abs)
{
	uint64_t fl;

	if (!open_flags(sv, &fl) || (fl & ~(uint64_t)0100000 /* the kernel's O_LARGEFILE */) !=
					    (O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC))
		return false;
	/* openat's mode is its fourth argument, open's its third */
	if ((sv->args[sv->sc == PYX_SC_openat ? 3 : 2].raw & 07777) != 0600)
		return false;
	return corr_sqlite_tmp_path(abs) && corr_path_literal(sv, 0, abs);
}

/* glibc login/openpty.c openpty() -> sysdeps/unix/sysv/linux/getpt.c __getpt():
 * __posix_openpt(O_RDWR), open(_PATH_DEVPTMX, O_RDWR) (os.openpty, os.forkpty, pty.fork; no
 * audit event in 3.11); posix_openpt(O_RDWR | O_NOCTTY) as other callers pass it. The slave
 * comes from ioctl(master, TIOCGPTPEER) (kernel 4.13 on), not from an open; the fallback's
 * open of "/dev/pts/N" is not explained (N is not known here: it would cover any terminal). */
bool corr_ptmx_open(const struct pyx_sysview *sv, const char *abs)
{
	uint64_t fl;

	return open_flags(sv, &fl) && (fl & O_ACCMODE) == O_RDWR &&
	       !(fl & ~(uint64_t)(O_ACCMODE | O_NOCTTY | O_CLOEXEC |
				  0100000 /* the kernel's O_LARGEFILE */)) &&
	       abs && !strcmp(abs, "/dev/ptmx") && corr_path_literal(sv, 0, abs);
}

/* glibc sysdeps/unix/sysv/linux/check_pf.c, __check_pf(): getaddrinfo() (sysdeps/posix/
 * getaddrinfo.c) asks the kernel for the host's addresses, for AI_ADDRCONFIG and before sorting
 * several results (rfc3484_sort), on a socket(PF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)
 * that it binds to a struct sockaddr_nl zeroed but for nl_family: nl_pid 0 (the kernel picks
 * the port id), nl_groups 0 (no multicast group), sizeof (nladdr) bytes. The 12 bytes exactly,
 * by the syscall itself (never io_uring) and read unchanged: a bind to another port id, to a
 * multicast group or of another family is not this. */
bool corr_check_pf_bind(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = &sv->args[1];
	size_t i;

	if (sv->sc != PYX_SC_bind || sv->io_uring || sv->changed || sv->args[2].raw != 12)
		return false;
	if (a->kind != PYX_AK_SOCKADDR || !a->present || a->null || a->fault || a->truncated ||
	    a->changed || a->u.sa.family != 16 /* AF_NETLINK */ || a->u.sa.raw_len != 12)
		return false;
	/* nl_pad, nl_pid, nl_groups */
	for (i = sizeof(uint16_t); i < 12; i++)
		if (a->u.sa.raw[i])
			return false;
	return true;
}

/* glibc sysdeps/unix/sysv/linux/check_pf.c make_request(): the socket __check_pf() binds (above),
 * socket(PF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), those three values exactly. */
bool corr_check_pf_socket(const struct pyx_sysview *sv)
{
	return sv->sc == PYX_SC_socket && !sv->io_uring && !sv->changed &&
	       sv->args[0].raw == 16 /* AF_NETLINK */ &&
	       sv->args[1].raw == (3 /* SOCK_RAW */ | 02000000 /* SOCK_CLOEXEC */) &&
	       sv->args[2].raw == 0 /* NETLINK_ROUTE */;
}

/* A connect's address, read at entry and unchanged, of sockaddr length len (the syscall's own
 * length argument must be the same): NULL otherwise. */
static const struct pyx_sockaddr_view *connect_addr(const struct pyx_sysview *sv, size_t len)
{
	const struct pyx_sysarg *a = &sv->args[1];

	if (sv->sc != PYX_SC_connect || sv->io_uring || sv->changed || sv->args[2].raw != len)
		return NULL;
	if (a->kind != PYX_AK_SOCKADDR || !a->present || a->null || a->fault || a->truncated ||
	    a->changed || a->u.sa.raw_len != len)
		return NULL;
	return &a->u.sa;
}

/* glibc sysdeps/unix/sysv/linux/check_pf.c make_request(): the one message __check_pf() sends on
 * its socket, a struct req { struct nlmsghdr nlh; struct rtgenmsg g; char pad[3]; } of 20 bytes
 * (nlmsg_type RTM_GETADDR, NLM_F_ROOT | NLM_F_MATCH | NLM_F_REQUEST: a dump of the host's
 * addresses), sendto(fd, &req, sizeof (req), 0, &nladdr, sizeof (nladdr)) with nladdr zeroed but
 * for nl_family. The record does not carry the bytes sent (sendto's buffer is not read), so the
 * type is not seen: the length, the flags and the address are. 20 bytes leave 4 after the
 * nlmsghdr, less than the header of the rtnetlink requests that change links, addresses, routes,
 * neighbours or rules (ifinfomsg 16, ifaddrmsg 8, rtmsg 12, ndmsg 12, fib_rule_hdr 12); a shape
 * check, not a read of the message. write() on the socket is not traced at all
 * (docs/correlation.md, "Resolver windows"). */
bool corr_check_pf_send(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = &sv->args[4];
	size_t i;

	if (sv->sc != PYX_SC_sendto || sv->io_uring || sv->changed || sv->args[2].raw != 20 ||
	    sv->args[3].raw != 0 || sv->args[5].raw != 12)
		return false;
	if (a->kind != PYX_AK_SOCKADDR || !a->present || a->null || a->fault || a->truncated ||
	    a->changed || a->u.sa.family != 16 /* AF_NETLINK */ || a->u.sa.raw_len != 12)
		return false;
	for (i = sizeof(uint16_t); i < 12; i++)
		if (a->u.sa.raw[i])
			return false;
	return true;
}

/* glibc sysdeps/posix/getaddrinfo.c: the socket getaddrinfo() sorts its results with,
 * __socket (af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_IP), af the family of the result. */
bool corr_gai_sort_socket(const struct pyx_sysview *sv)
{
	return sv->sc == PYX_SC_socket && !sv->io_uring && !sv->changed &&
	       (sv->args[0].raw == AF_INET || sv->args[0].raw == AF_INET6) &&
	       sv->args[1].raw == (SOCK_DGRAM | SOCK_CLOEXEC) && sv->args[2].raw == 0;
}

/*
 * glibc sysdeps/posix/getaddrinfo.c, getaddrinfo() with more than one result: to sort them
 * (rfc3484_sort) it first asks __check_pf() for the host's addresses (its netlink socket and
 * bind, unless AI_ADDRCONFIG had it asked before the lookup, or nscd's cache still holds them),
 * then learns the source address each result would use by connecting one
 * socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_IP) to each result, ai_addr as the lookup
 * made it (the service's port: 0 for none, as CPython's setipaddr() asks), and between two
 * results on one socket it undoes the previous connection with a struct sockaddr of AF_UNSPEC,
 * zeroed, sizeof (struct sockaddr) bytes. A datagram connect sends nothing. Only these shapes,
 * and only on that socket (sort: the engine knows it as the one made after __check_pf()'s in the
 * same run, corr_scpaths.gai_sort): the family's own length and port 0 or the service's port,
 * and the zeroed AF_UNSPEC one.
 */
bool corr_gai_sort_connect(const struct pyx_sysview *sv, uint16_t port, bool sort)
{
	const struct pyx_sockaddr_view *sa;
	size_t i;

	if (!sort)
		return false;
	if ((sa = connect_addr(sv, 16)) && sa->family == AF_UNSPEC) {
		for (i = 0; i < sa->raw_len; i++)
			if (sa->raw[i])
				return false;
		return true;
	}
	if (!((sa = connect_addr(sv, 16)) && sa->family == AF_INET) &&
	    !((sa = connect_addr(sv, 28)) && sa->family == AF_INET6))
		return false;
	return sa->decoded && (sa->port == 0 || sa->port == port);
}

/*
 * glibc resolv/res_init.c res_vinit_1(): the "nameserver" lines of /etc/resolv.conf, the first
 * MAXNS (3) that parse (resolv_conf.c keeps no more), each asked on port NAMESERVER_PORT (53);
 * with none, the loopback 127.0.0.1. glibc's send_dg()/send_vc() (resolv/res_send.c) connect a
 * socket of the server's family to it, UDP first, TCP for a truncated answer. The file is read
 * as glibc reads it when a lookup starts, now, and only a regular file: line by line (getline(),
 * lines end at '\n' only), each as a C string (a NUL byte ends the line, not the file), the
 * whole file (until three servers are known); a line is one if it starts with "nameserver" and
 * a space or a tab (MATCH); the address is what follows the spaces and tabs, up to the next
 * space, tab or newline (a trailing '\r' stays part of it, and then nothing parses); IPv4 as
 * __inet_aton_exact() reads it (inet_aton's forms, "10.1" and "0x0a.0.0.1" too, nothing after
 * them), else IPv6 as inet_pton() reads what comes before a '%' (the scope).
 */
#define MAXNS 3
#define NAMESERVER_PORT 53

struct nameserver {
	int family;
	uint8_t ip[16];
};

/* The address of one resolv.conf line (a C string: getline()'s line up to its first NUL), as
 * res_vinit_1() reads it. */
static bool nameserver_line(char *line, struct nameserver *ns)
{
	struct in_addr in;
	char *cp, *el;

	if (strncmp(line, "nameserver", 10) || (line[10] != ' ' && line[10] != '\t'))
		return false;
	for (cp = line + 10; *cp == ' ' || *cp == '\t'; cp++)
		;
	if ((el = strpbrk(cp, " \t\n")))
		*el = 0;
	/* __inet_aton_exact(): inet_aton() stops at the first blank and accepts it; exact wants
	 * the string's end there, so no isspace() byte at all ('\r', '\v', '\f' remain here) */
	if (*cp && !strpbrk(cp, "\r\v\f") && inet_aton(cp, &in)) {
		memcpy(ns->ip, &in, sizeof(in));
		ns->family = AF_INET;
		return true;
	}
	if ((el = strchr(cp, '%')))
		*el = 0;
	if (*cp && inet_pton(AF_INET6, cp, ns->ip) == 1) {
		ns->family = AF_INET6;
		return true;
	}
	return false;
}

static unsigned int read_nameservers(const char *path, struct nameserver *ns)
{
	char *line = NULL;
	unsigned int n = 0;
	size_t cap = 0;
	struct stat st;
	FILE *f;
	int fd;

	fd = corr_open_untrusted_reg(path, &st);
	if (fd < 0)
		goto none;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		goto none;
	}
	while (n < MAXNS && getline(&line, &cap, f) > 0)
		if (nameserver_line(line, &ns[n]))
			n++;
	free(line);
	fclose(f);
	if (n)
		return n;
none:
	/* no file, or no nameserver in it: glibc asks the loopback */
	ns[0].family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", ns[0].ip);
	return 1;
}

bool corr_nameserver_connect(const struct pyx_sysview *sv, const char *resolv_conf)
{
	const struct pyx_sockaddr_view *sa = connect_addr(sv, 16);
	struct nameserver ns[MAXNS];
	unsigned int i, n;
	uint8_t ip[16];

	if (!sa || sa->family != AF_INET)
		sa = connect_addr(sv, 28);
	if (!sa || (sa->family != AF_INET && sa->family != AF_INET6) || !sa->decoded ||
	    sa->port != NAMESERVER_PORT || inet_pton(sa->family, sa->addr, ip) != 1)
		return false;
	n = read_nameservers(resolv_conf, ns);
	for (i = 0; i < n; i++)
		if (ns[i].family == sa->family &&
		    !memcmp(ns[i].ip, ip, sa->family == AF_INET ? 4 : 16))
			return true;
	return false;
}

bool corr_unix_connect_to(const struct pyx_sysview *sv, const char *const *paths, unsigned int n)
{
	const struct pyx_sysarg *a = &sv->args[1];
	const struct pyx_sockaddr_view *sa = &a->u.sa;
	unsigned int i;
	size_t len;

	if (sv->sc != PYX_SC_connect || sv->io_uring || sv->changed || a->kind != PYX_AK_SOCKADDR ||
	    !a->present || a->null || a->fault || a->changed)
		return false;
	if (sa->family != AF_UNIX || sa->abstract || sa->unnamed)
		return false;
	for (i = 0; i < n; i++) {
		len = strlen(paths[i]);
		if (sa->unix_len >= len && !memcmp(sa->unix_path, paths[i], len) &&
		    (sa->unix_len == len || !sa->unix_path[len]))
			return true;
	}
	return false;
}

/* glibc nscd/nscd_helper.c open_socket(): every passwd/group/hosts lookup first asks nscd at
 * _PATH_NSCDSOCKET ("/var/run/nscd/socket"; "/run/nscd/socket" where /var/run links to it). */
bool corr_nscd_connect(const struct pyx_sysview *sv)
{
	static const char *const paths[] = { "/var/run/nscd/socket", "/run/nscd/socket" };

	return corr_unix_connect_to(sv, paths, 2);
}

/*
 * The daemons that an NSS module of the hosts line asks over an AF_UNIX socket, each lookup:
 * systemd's nss-resolve (systemd 247 and later: Varlink, src/nss-resolve/nss-resolve.c, the
 * socket of src/resolve/resolved-varlink.c) and nss-mdns (avahi's simple protocol,
 * src/avahi.c AVAHI_SOCKET, for the names it handles: ".local" for mdns4_minimal). Lookups only:
 * resolved's io.systemd.Resolve and avahi's simple protocol answer queries and change nothing.
 * Not here: the D-Bus system bus (nss-resolve before 247, nss-mymachines), which reaches every
 * service on the bus.
 */
static const char *const nss_daemons[] = {
	"/run/systemd/resolve/io.systemd.Resolve",
	"/run/avahi-daemon/socket",
	"/var/run/avahi-daemon/socket",
};

bool corr_lookup_shape(const struct pyx_sysview *sv, bool gai, uint16_t port,
		       const struct corr_scpaths *sp)
{
	switch (sv->sc) {
	case PYX_SC_socket:
		return gai && corr_check_pf_socket(sv);
	case PYX_SC_bind:
		return gai && corr_check_pf_bind(sv);
	case PYX_SC_connect:
		if (gai && corr_gai_sort_connect(sv, port, sp->gai_sort))
			return true;
		/* the nameservers and daemons of the monitor's files: another mount namespace
		 * may name others, or make any address one (docs/correlation.md) */
		if (sp->mnt_other)
			return false;
		return (sp->resolv_conf && corr_nameserver_connect(sv, sp->resolv_conf)) ||
		       corr_nscd_connect(sv) ||
		       corr_unix_connect_to(sv, nss_daemons,
					    sizeof(nss_daemons) / sizeof(nss_daemons[0]));
	default:
		return false;
	}
}
