// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Correlation rules (corr_rules.h): claims, counterparts, comparison, sensitivity. The values in
 * an audit event come from a monitored process and are not trusted: every accessor checks the
 * value's type and length, and a value of an unexpected type is "not comparable", never a match
 * of everything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pyxcheck_wire.h"
#include "corr_rules.h"

/* x86-64 kernel values (not libc's, see sysrec.c). */
#define K_O_ACCMODE 03
#define K_O_WRONLY 01
#define K_O_RDWR 02
#define K_O_CREAT 0100
#define K_O_EXCL 0200
#define K_O_TRUNC 01000
#define K_O_APPEND 02000
#define K_O_DIRECTORY 0200000
#define K_O_TMPFILE 020200000
#define K_AT_REMOVEDIR 0x200
#define K_PROT_EXEC 4
#define K_AT_FDCWD (-100)
#define OFLAG_CMP (K_O_ACCMODE | K_O_CREAT | K_O_EXCL | K_O_TRUNC)

#define BIT(sc) (1ull << (PYX_SC_##sc))
#define M_OPEN (BIT(openat) | BIT(openat2) | BIT(open) | BIT(creat))
#define M_EXEC (BIT(execve) | BIT(execveat))
#define K_CLONE_THREAD 0x00010000ull /* include/uapi/linux/sched.h */
#define M_CLONE (BIT(clone) | BIT(clone3) | BIT(fork) | BIT(vfork))
#define M_MAP (BIT(mmap) | BIT(mprotect))

#define CATBIT(c) (1u << (PYX_CAT_##c))

static const char *const ev_syscalls[PYX_EV__COUNT] = {
#define PYX_EVENT(sym, name, cat, args, syscalls) [PYX_EV_##sym] = syscalls,
#include "audit_events.def"
#undef PYX_EVENT
};

uint64_t corr_sc_mask(unsigned int ev)
{
	static uint64_t masks[PYX_EV__COUNT];
	static bool done;
	unsigned int i;

	if (!done) {
		for (i = 0; i < PYX_EV__COUNT; i++) {
			const char *s = ev_syscalls[i];
			char name[32];

			while (s && *s) {
				size_t n = strcspn(s, ",");

				if (n < sizeof(name)) {
					memcpy(name, s, n);
					name[n] = 0;
					int sc = pyx_sc_by_name(name);

					if (sc >= 0)
						masks[i] |= 1ull << sc;
				}
				s += n + (s[n] == ',');
			}
		}
		done = true;
	}
	return ev < PYX_EV__COUNT ? masks[ev] : 0;
}

/* ---- payload values ---- */

static const struct pyx_value *arg(const struct pyx_event *ev, unsigned int i)
{
	return i < ev->nargs ? &ev->args[i] : NULL;
}

/* A str's text as bytes: ESCAPED strs carry lone surrogates as \udXXX; surrogateescape
 * (\udc80..\udcff, how Python decodes undecodable file name bytes) goes back to the byte. */
static char *value_bytes(const struct pyx_value *v, size_t *lenp, bool *truncated)
{
	const struct pyx_value *s = v;
	size_t i, n = 0;
	char *out;

	if (!v)
		return NULL;
	if (v->type == PYX_TAG_OBJECT) { /* a str/bytes subclass carries its base value */
		s = NULL;
		for (i = 0; i < v->len; i++)
			if (v->obj.attrs[i].name_len == 5 &&
			    !memcmp(v->obj.attrs[i].name, "value", 5))
				s = v->obj.attrs[i].value;
		if (!s)
			return NULL;
	}
	if (s->type != PYX_TAG_STR && s->type != PYX_TAG_BYTES && s->type != PYX_TAG_BYTEARRAY)
		return NULL;
	if (truncated)
		*truncated = s->flags & PYX_TAG_TRUNCATED;
	out = malloc(s->len + 1);
	if (!out)
		return NULL;
	for (i = 0; i < s->len; i++) {
		const uint8_t *d = s->s.data;

		if ((s->flags & PYX_TAG_ESCAPED) && d[i] == '\\') {
			if (i + 1 < s->len && d[i + 1] == '\\') {
				out[n++] = '\\';
				i++;
				continue;
			}
			if (i + 5 < s->len && d[i + 1] == 'u' && d[i + 2] == 'd' && d[i + 3] == 'c') {
				char hex[3] = { (char)d[i + 4], (char)d[i + 5], 0 };
				unsigned long b = strtoul(hex, NULL, 16);

				if (b >= 0x80) {
					out[n++] = (char)b;
					i += 5;
					continue;
				}
			}
		}
		out[n++] = (char)d[i];
	}
	out[n] = 0;
	if (lenp)
		*lenp = n;
	return out;
}

static bool value_int(const struct pyx_value *v, int64_t *out)
{
	if (!v)
		return false;
	switch (v->type) {
	case PYX_TAG_INT:
		*out = v->i;
		return true;
	case PYX_TAG_TRUE:
		*out = 1;
		return true;
	case PYX_TAG_FALSE:
		*out = 0;
		return true;
	default:
		return false;
	}
}

static bool value_none(const struct pyx_value *v)
{
	return !v || v->type == PYX_TAG_NONE;
}

/* The "fd" attribute of a socket object (the hook reads it without running Python code). */
static int64_t value_sock_fd(const struct pyx_value *v)
{
	int64_t fd;
	uint32_t i;

	if (!v || v->type != PYX_TAG_OBJECT)
		return -1;
	for (i = 0; i < v->len; i++)
		if (v->obj.attrs[i].name_len == 2 && !memcmp(v->obj.attrs[i].name, "fd", 2) &&
		    value_int(v->obj.attrs[i].value, &fd))
			return fd;
	return -1;
}

/* A path argument: str/bytes (or a subclass), an int fd, or None. */
static void claim_path(struct corr_claim *cl, unsigned int i, const struct pyx_value *v)
{
	int64_t fd;

	if (value_int(v, &fd)) {
		cl->path_is_fd[i] = true;
		cl->fd[i] = fd;
		return;
	}
	cl->path[i] = value_bytes(v, &cl->path_len[i], NULL);
}

static void claim_dirfd(struct corr_claim *cl, unsigned int i, const struct pyx_value *v)
{
	int64_t fd;

	cl->dir_fd[i] = value_int(v, &fd) ? fd : K_AT_FDCWD;
}

static void claim_num(struct corr_claim *cl, unsigned int i, const struct pyx_value *v)
{
	cl->has_num[i] = value_int(v, &cl->num[i]);
}

static void claim_argv(struct corr_claim *cl, const struct pyx_value *v)
{
	uint32_t i;

	if (!v)
		return;
	if (v->type == PYX_TAG_STR || v->type == PYX_TAG_BYTES) {
		cl->argv[0] = value_bytes(v, NULL, NULL);
		cl->argc = 1;
		cl->argv_known = true;
		return;
	}
	if (v->type != PYX_TAG_LIST && v->type != PYX_TAG_TUPLE)
		return;
	for (i = 0; i < v->len && i < CORR_ARGV_MAX; i++) {
		bool trunc = false;

		cl->argv[i] = value_bytes(&v->items[i], NULL, &trunc);
		cl->argv_skip[i] = !cl->argv[i] || trunc;
	}
	cl->argc = i;
	cl->argv_known = true;
	cl->argv_truncated = v->flags & PYX_TAG_TRUNCATED;
}

/* A socket address as Python spells it: (host, port[, flowinfo, scope_id]) or a path. */
static void claim_addr(struct corr_claim *cl, const struct pyx_value *v)
{
	struct corr_addr *a = &cl->addr;
	char *host;
	int64_t port;
	size_t n;

	if (!v)
		return;
	if (v->type == PYX_TAG_STR || v->type == PYX_TAG_BYTES || v->type == PYX_TAG_BYTEARRAY) {
		char *p = value_bytes(v, &n, NULL);

		if (!p)
			return;
		a->set = true;
		a->family = AF_UNIX;
		a->unix_len = n < sizeof(a->unix_path) ? n : sizeof(a->unix_path);
		memcpy(a->unix_path, p, a->unix_len);
		free(p);
		return;
	}
	if (v->type != PYX_TAG_TUPLE || v->len < 2 || !value_int(&v->items[1], &port))
		return;
	host = value_bytes(&v->items[0], &n, NULL);
	if (!host)
		return;
	a->set = true;
	a->port = (uint16_t)port;
	snprintf(a->host, sizeof(a->host), "%s", host);
	if (!host[0]) {
		a->any_host = true;
	} else if (!strcmp(host, "<broadcast>")) {
		a->family = AF_INET;
		memset(a->ip, 0xff, 4);
	} else if (inet_pton(AF_INET, host, a->ip) == 1) {
		a->family = AF_INET;
	} else if (inet_pton(AF_INET6, host, a->ip) == 1) {
		a->family = AF_INET6;
	} else {
		a->host_is_name = true;
	}
	free(host);
}

static bool is_spawn(unsigned int ev)
{
	switch (ev) {
	case PYX_EV_SUBPROCESS_POPEN:
	case PYX_EV_OS_SYSTEM:
	case PYX_EV_OS_POSIX_SPAWN:
	case PYX_EV_OS_SPAWN:
	case PYX_EV_PTY_SPAWN:
	case PYX_EV_OS_FORK:
	case PYX_EV_OS_FORKPTY:
	case PYX_EV_WEBBROWSER_OPEN:
		return true;
	default:
		return false;
	}
}

static void claim_exe(struct corr_claim *cl, char *exe)
{
	cl->exe = exe;
	if (exe) {
		cl->exe_path_lookup = !strchr(exe, '/');
		if (!cl->exe_path_lookup) {
			cl->path[0] = strdup(exe);
			cl->path_len[0] = strlen(exe);
		}
	}
}

static void subs(struct corr_claim *cl, unsigned int a, unsigned int b)
{
	cl->sub_ev[cl->nsub_ev++] = a;
	if (b != a)
		cl->sub_ev[cl->nsub_ev++] = b;
}

bool corr_sub_event(const struct corr_claim *cl, unsigned int ev, unsigned int cat)
{
	unsigned int i;

	if (!(cl->cls & CC_COMPOSITE))
		return false;
	if (cl->nsub_ev) {
		for (i = 0; i < cl->nsub_ev; i++)
			if (cl->sub_ev[i] == ev)
				return true;
		return false;
	}
	return cat < 32 && (cl->sub_cats & (1u << cat));
}

bool corr_claim_init(struct corr_claim *cl, const struct pyx_event *ev)
{
	unsigned int id = ev->event_id;
	unsigned int i;

	memset(cl, 0, sizeof(*cl));
	cl->ev = id;
	cl->sock_fd = -1;
	for (i = 0; i < CORR_PATHS; i++) {
		cl->dir_fd[i] = K_AT_FDCWD;
		cl->fd[i] = -1;
	}
	cl->sc_mask = corr_sc_mask(id);
	if (!cl->sc_mask)
		return false;
	cl->cls = CC_SINGLE;
	if (is_spawn(id))
		cl->cls |= CC_SPAWN;

	switch (id) {
	case PYX_EV_OPEN: {
		int64_t fl;
		char *mode;

		claim_path(cl, 0, arg(ev, 0));
		if (value_int(arg(ev, 2), &fl) && value_none(arg(ev, 1))) {
			cl->has_oflags = true; /* os.open: the flags as given */
			cl->oflags = (uint64_t)fl;
		} else if ((mode = value_bytes(arg(ev, 1), NULL, NULL))) {
			/* builtin open: the mode string is what the caller asked for */
			cl->has_oflags = true;
			if (strchr(mode, '+'))
				cl->oflags = K_O_RDWR;
			else if (strpbrk(mode, "wax"))
				cl->oflags = K_O_WRONLY;
			if (strpbrk(mode, "wax"))
				cl->oflags |= K_O_CREAT;
			if (strchr(mode, 'w'))
				cl->oflags |= K_O_TRUNC;
			if (strchr(mode, 'x'))
				cl->oflags |= K_O_EXCL;
			free(mode);
		}
		break;
	}
	case PYX_EV_OS_LISTDIR:
	case PYX_EV_OS_SCANDIR:
		claim_path(cl, 0, arg(ev, 0));
		if (!cl->path[0] && !cl->path_is_fd[0]) {
			cl->path[0] = strdup("."); /* None: the cwd */
			cl->path_len[0] = 1;
		}
		cl->dir_open = true;
		break;
	case PYX_EV_OS_REMOVE:
	case PYX_EV_OS_RMDIR:
		claim_path(cl, 0, arg(ev, 0));
		claim_dirfd(cl, 0, arg(ev, 1));
		break;
	case PYX_EV_OS_MKDIR:
	case PYX_EV_OS_CHMOD:
		claim_path(cl, 0, arg(ev, 0));
		claim_num(cl, 0, arg(ev, 1));
		claim_dirfd(cl, 0, arg(ev, 2));
		break;
	case PYX_EV_OS_CHOWN:
		claim_path(cl, 0, arg(ev, 0));
		claim_num(cl, 0, arg(ev, 1));
		claim_num(cl, 1, arg(ev, 2));
		claim_dirfd(cl, 0, arg(ev, 3));
		break;
	case PYX_EV_OS_RENAME:
	case PYX_EV_OS_LINK:
		claim_path(cl, 0, arg(ev, 0));
		claim_path(cl, 1, arg(ev, 1));
		claim_dirfd(cl, 0, arg(ev, 2));
		claim_dirfd(cl, 1, arg(ev, 3));
		break;
	case PYX_EV_OS_SYMLINK:
		claim_path(cl, 0, arg(ev, 0));
		claim_path(cl, 1, arg(ev, 1));
		claim_dirfd(cl, 1, arg(ev, 2));
		cl->symlink_src = true;
		break;
	case PYX_EV_OS_TRUNCATE:
		claim_path(cl, 0, arg(ev, 0));
		claim_num(cl, 0, arg(ev, 1));
		break;
	case PYX_EV_OS_UTIME:
		claim_path(cl, 0, arg(ev, 0));
		claim_dirfd(cl, 0, arg(ev, 3));
		break;
	case PYX_EV_OS_CHDIR:
	case PYX_EV_SQLITE3_CONNECT:
		claim_path(cl, 0, arg(ev, 0));
		break;
	case PYX_EV_CPYTHON_RUN_FILE:
	case PYX_EV_CPYTHON_RUN_STARTUP:
		/* the file is opened through an "open" event of its own */
		claim_path(cl, 0, arg(ev, 0));
		cl->cls |= CC_COMPOSITE;
		subs(cl, PYX_EV_OPEN, PYX_EV_OPEN);
		break;
	case PYX_EV_TEMPFILE_MKSTEMP:
	case PYX_EV_TEMPFILE_MKDTEMP:
		/* the event precedes its os.open / os.mkdir, which fire their own events */
		claim_path(cl, 0, arg(ev, 0));
		cl->cls = CC_COMPOSITE;
		subs(cl, id == PYX_EV_TEMPFILE_MKSTEMP ? PYX_EV_OPEN : PYX_EV_OS_MKDIR,
		     id == PYX_EV_TEMPFILE_MKSTEMP ? PYX_EV_OPEN : PYX_EV_OS_MKDIR);
		break;
	case PYX_EV_SHUTIL_COPYFILE:
	case PYX_EV_SHUTIL_COPYMODE:
	case PYX_EV_SHUTIL_COPYSTAT:
	case PYX_EV_SHUTIL_COPYTREE:
	case PYX_EV_SHUTIL_MOVE:
		claim_path(cl, 0, arg(ev, 0));
		claim_path(cl, 1, arg(ev, 1));
		cl->cls = CC_COMPOSITE;
		cl->sub_cats = CATBIT(FILE);
		if (id == PYX_EV_SHUTIL_COPYFILE)
			subs(cl, PYX_EV_OPEN, PYX_EV_OPEN);
		else if (id == PYX_EV_SHUTIL_COPYMODE)
			subs(cl, PYX_EV_OS_CHMOD, PYX_EV_OS_CHMOD);
		break;
	case PYX_EV_SHUTIL_RMTREE:
	case PYX_EV_SHUTIL_CHOWN:
	case PYX_EV_OS_WALK:
	case PYX_EV_OS_FWALK:
	case PYX_EV_GLOB_GLOB:
	case PYX_EV_GLOB_GLOB_2:
		claim_path(cl, 0, arg(ev, 0));
		cl->cls = CC_COMPOSITE;
		cl->sub_cats = CATBIT(FILE);
		if (id == PYX_EV_GLOB_GLOB || id == PYX_EV_GLOB_GLOB_2) {
			/* a pattern, not a path: any directory open of the walk matches */
			free(cl->path[0]);
			cl->path[0] = NULL;
			cl->cls |= CC_NOARGS;
		}
		break;
	case PYX_EV_SHUTIL_MAKE_ARCHIVE:
	case PYX_EV_SHUTIL_UNPACK_ARCHIVE:
	case PYX_EV_PATHLIB_PATH_GLOB:
	case PYX_EV_PATHLIB_PATH_RGLOB:
		cl->cls = CC_COMPOSITE | CC_NOARGS;
		cl->sub_cats = CATBIT(FILE);
		break;
	case PYX_EV_SOCKET_NEW:
		cl->sock_fd = -1;
		claim_num(cl, 0, arg(ev, 1));
		claim_num(cl, 1, arg(ev, 2));
		claim_num(cl, 2, arg(ev, 3));
		break;
	case PYX_EV_SOCKET_CONNECT:
	case PYX_EV_SOCKET_BIND:
	case PYX_EV_SOCKET_SENDTO:
	case PYX_EV_SOCKET_SENDMSG:
		cl->sock_fd = value_sock_fd(arg(ev, 0));
		claim_addr(cl, arg(ev, 1));
		break;
	case PYX_EV_HTTP_CLIENT_CONNECT:
	case PYX_EV_FTPLIB_CONNECT:
	case PYX_EV_IMAPLIB_OPEN:
	case PYX_EV_POPLIB_CONNECT:
	case PYX_EV_SMTPLIB_CONNECT: {
		int64_t port;

		cl->cls = CC_COMPOSITE;
		cl->sub_cats = CATBIT(NETWORK);
		cl->name = value_bytes(arg(ev, 1), NULL, NULL);
		if (value_int(arg(ev, 2), &port)) {
			cl->addr.set = true;
			cl->addr.host_is_name = true;
			cl->addr.port = (uint16_t)port;
		}
		break;
	}
	case PYX_EV_SOCKET_GETADDRINFO:
	case PYX_EV_SOCKET_GETHOSTBYNAME:
	case PYX_EV_SOCKET_GETHOSTBYADDR:
	case PYX_EV_SOCKET_GETNAMEINFO:
	case PYX_EV_SOCKET_GETSERVBYNAME:
	case PYX_EV_SOCKET_GETSERVBYPORT:
		/* glibc's resolver: /etc files, nscd, DNS over UDP, NSS modules */
		cl->cls = CC_RESOLVER | CC_NOARGS;
		cl->sc_mask |= M_OPEN | BIT(socket) | BIT(connect) | BIT(sendto) | BIT(sendmsg) |
			       M_MAP;
		cl->name = value_bytes(arg(ev, 0), NULL, NULL);
		break;
	case PYX_EV_SUBPROCESS_POPEN: {
		char *exe = value_bytes(arg(ev, 0), NULL, NULL);

		claim_argv(cl, arg(ev, 1));
		if (!exe && cl->argc && cl->argv[0])
			exe = strdup(cl->argv[0]);
		cl->name = value_bytes(arg(ev, 2), NULL, NULL); /* cwd of the child */
		claim_exe(cl, exe);
		cl->cls |= CC_COMPOSITE;
		subs(cl, PYX_EV_OS_POSIX_SPAWN, PYX_EV_OS_POSIX_SPAWN);
		break;
	}
	case PYX_EV_OS_SYSTEM: {
		/* system(3): execve("/bin/sh", ["sh", "-c", command]) */
		char *cmd = value_bytes(arg(ev, 0), NULL, NULL);

		claim_exe(cl, strdup("/bin/sh"));
		cl->argv[0] = strdup("sh");
		cl->argv_skip[0] = true;
		cl->argv[1] = strdup("-c");
		cl->argv[2] = cmd;
		cl->argv_skip[2] = !cmd;
		cl->argc = 3;
		cl->argv_known = true;
		break;
	}
	case PYX_EV_OS_POSIX_SPAWN:
	case PYX_EV_OS_EXEC:
		claim_exe(cl, value_bytes(arg(ev, 0), NULL, NULL));
		claim_argv(cl, arg(ev, 1));
		if (id == PYX_EV_OS_EXEC)
			cl->cls &= ~CC_SPAWN;
		break;
	case PYX_EV_OS_SPAWN:
		claim_exe(cl, value_bytes(arg(ev, 1), NULL, NULL));
		claim_argv(cl, arg(ev, 2));
		cl->cls |= CC_COMPOSITE;
		subs(cl, PYX_EV_OS_FORK, PYX_EV_OS_EXEC);
		break;
	case PYX_EV_PTY_SPAWN:
		claim_argv(cl, arg(ev, 0));
		if (cl->argc && cl->argv[0])
			claim_exe(cl, strdup(cl->argv[0]));
		cl->cls |= CC_COMPOSITE;
		subs(cl, PYX_EV_OS_FORKPTY, PYX_EV_OS_FORK);
		break;
	case PYX_EV_WEBBROWSER_OPEN:
		cl->cls = CC_SPAWN | CC_COMPOSITE | CC_NOARGS;
		cl->sub_cats = CATBIT(PROCESS);
		break;
	case PYX_EV_OS_FORK:
	case PYX_EV_OS_FORKPTY:
	case PYX_EV_THREAD_START_NEW_THREAD:
		cl->cls |= CC_NOARGS;
		break;
	case PYX_EV_IMPORT:
	case PYX_EV_CTYPES_DLOPEN:
	case PYX_EV_SQLITE3_LOAD_EXTENSION:
		cl->cls = CC_LOADER;
		cl->name = value_bytes(arg(ev, id == PYX_EV_IMPORT ? 1 : id == PYX_EV_CTYPES_DLOPEN
									 ? 0 : 1), NULL, NULL);
		if (id == PYX_EV_IMPORT) {
			free(cl->name);
			cl->name = NULL; /* the module's own file is one of many it opens */
			/* a source or bytecode file is read through io.open_code ("open") after
			 * the path finder listed its directory ("os.listdir") */
			cl->cls |= CC_COMPOSITE;
			subs(cl, PYX_EV_OPEN, PYX_EV_OS_LISTDIR);
		}
		break;
	case PYX_EV_OS_KILL:
	case PYX_EV_OS_KILLPG:
		claim_num(cl, 0, arg(ev, 0));
		claim_num(cl, 1, arg(ev, 1));
		break;
	case PYX_EV_SIGNAL_PTHREAD_KILL:
		claim_num(cl, 1, arg(ev, 1));
		break;
	case PYX_EV_SOCKET_SETHOSTNAME:
		cl->name = value_bytes(arg(ev, 0), NULL, NULL);
		break;
	case PYX_EV_RESOURCE_PRLIMIT:
		claim_num(cl, 0, arg(ev, 0));
		claim_num(cl, 1, arg(ev, 1));
		break;
	case PYX_EV_RESOURCE_SETRLIMIT:
		claim_num(cl, 1, arg(ev, 0));
		break;
	case PYX_EV_MMAP_NEW:
		claim_num(cl, 0, arg(ev, 0));
		break;
	default:
		/* counterparts known, arguments not compared */
		cl->cls |= CC_NOARGS;
		break;
	}
	return true;
}

void corr_claim_free(struct corr_claim *cl)
{
	unsigned int i;

	for (i = 0; i < CORR_PATHS; i++) {
		free(cl->path[i]);
		free(cl->abs[i]);
	}
	for (i = 0; i < cl->argc; i++)
		free(cl->argv[i]);
	free(cl->exe);
	free(cl->name);
	memset(cl, 0, sizeof(*cl));
}

/* ---- syscall side ---- */

static const struct pyx_sysarg *sc_path(const struct pyx_sysview *sv, unsigned int which,
					unsigned int *idx)
{
	unsigned int i, n = 0;

	for (i = 0; i < sv->nargs; i++) {
		if (sv->args[i].kind != PYX_AK_PATH)
			continue;
		if (n++ == which) {
			if (idx)
				*idx = i;
			return &sv->args[i];
		}
	}
	return NULL;
}

static uint64_t sc_oflags(const struct pyx_sysview *sv)
{
	switch (sv->sc) {
	case PYX_SC_openat:
		return sv->args[2].raw;
	case PYX_SC_openat2:
		return sv->args[2].present ? sv->args[2].u.how.flags : 0;
	case PYX_SC_open:
		return sv->args[1].raw;
	case PYX_SC_creat:
		return K_O_CREAT | K_O_WRONLY | K_O_TRUNC;
	default:
		return 0;
	}
}

static bool is_open(const struct pyx_sysview *sv)
{
	return (1ull << sv->sc) & M_OPEN;
}

bool corr_open_readonly(const struct pyx_sysview *sv)
{
	uint64_t fl = sc_oflags(sv);

	return is_open(sv) && sv->sc != PYX_SC_creat && !(fl & K_O_ACCMODE) &&
	       !(fl & (K_O_CREAT | K_O_TRUNC)) && (fl & K_O_TMPFILE) != K_O_TMPFILE;
}

bool corr_open_writes(const struct pyx_sysview *sv)
{
	return is_open(sv) && (sv->sc == PYX_SC_creat || (sc_oflags(sv) & K_O_ACCMODE));
}

bool corr_exec_map(const struct pyx_sysview *sv)
{
	if (sv->sc == PYX_SC_mmap)
		return sv->args[2].raw & K_PROT_EXEC;
	if (sv->sc == PYX_SC_mprotect)
		return sv->args[2].raw & K_PROT_EXEC;
	return false;
}

bool corr_sensitive(const struct pyx_sysview *sv)
{
	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_openat2:
	case PYX_SC_open:
	case PYX_SC_creat:
		return !corr_open_readonly(sv);
	case PYX_SC_mmap:
	case PYX_SC_mprotect:
		return corr_exec_map(sv);
	case PYX_SC_execve:
	case PYX_SC_execveat:
	case PYX_SC_connect:
	case PYX_SC_bind:
	case PYX_SC_listen:
	case PYX_SC_unlinkat:
	case PYX_SC_unlink:
	case PYX_SC_rmdir:
	case PYX_SC_renameat2:
	case PYX_SC_renameat:
	case PYX_SC_rename:
	case PYX_SC_mkdirat:
	case PYX_SC_mkdir:
	case PYX_SC_fchmodat:
	case PYX_SC_chmod:
	case PYX_SC_fchmod:
	case PYX_SC_fchownat:
	case PYX_SC_chown:
	case PYX_SC_lchown:
	case PYX_SC_fchown:
	case PYX_SC_linkat:
	case PYX_SC_link:
	case PYX_SC_symlinkat:
	case PYX_SC_symlink:
	case PYX_SC_truncate:
	case PYX_SC_ftruncate:
	case PYX_SC_kill:
	case PYX_SC_tgkill:
	case PYX_SC_sethostname:
		return true;
	case PYX_SC_utimensat:
		/* setting times on a path (timestomping); futimens(fd) of an open file is not */
		return sv->args[1].present && !sv->args[1].null;
	case PYX_SC_prlimit64:
		/* setting a limit, not reading one */
		return sv->args[2].present && !sv->args[2].null;
	case PYX_SC_sendto:
		/* a datagram to an explicit address, of a family that leaves the host */
		return sv->args[4].present && !sv->args[4].null &&
		       (sv->args[4].u.sa.family == AF_INET || sv->args[4].u.sa.family == AF_INET6);
	default:
		return false;
	}
}

/* ---- comparison ---- */

static enum corr_cmp cmp_path(const struct corr_claim *cl, unsigned int i,
			      const struct pyx_sysarg *a, const char *sc_abs, const char **why)
{
	const char *raw;

	if (!a || !a->present || a->null || a->fault)
		return CM_MATCH; /* nothing to compare with: a counterpart all the same */
	raw = a->u.path.str;
	if (cl->path_is_fd[i] || !cl->path[i])
		return CM_MATCH;
	if (a->truncated) {
		if (!strncmp(raw, cl->path[i], a->u.path.len))
			return CM_MATCH;
	} else if (!strcmp(raw, cl->path[i])) {
		return CM_MATCH;
	}
	if (cl->abs[i] && sc_abs && !strcmp(cl->abs[i], sc_abs))
		return CM_MATCH;
	*why = i ? "second path differs" : "path differs";
	return CM_DIFFER;
}

static enum corr_cmp cmp_fd(const struct corr_claim *cl, unsigned int i, uint64_t fd,
			    const char **why)
{
	if ((int)fd == (int)cl->fd[i])
		return CM_MATCH;
	*why = "fd differs";
	return CM_DIFFER;
}

static enum corr_cmp cmp_num(const struct corr_claim *cl, unsigned int i, int64_t v,
			     int64_t mask, const char *what, const char **why)
{
	if (!cl->has_num[i] || (cl->num[i] & mask) == (v & mask))
		return CM_MATCH;
	*why = what;
	return CM_DIFFER;
}

static enum corr_cmp both(enum corr_cmp a, enum corr_cmp b)
{
	return a == CM_DIFFER || b == CM_DIFFER ? CM_DIFFER : CM_MATCH;
}

static enum corr_cmp cmp_addr(const struct corr_claim *cl, const struct pyx_sockaddr_view *sa,
			      const char **why)
{
	const struct corr_addr *a = &cl->addr;
	uint8_t ip[16];

	if (!a->set)
		return CM_MATCH;
	*why = "address differs";
	if (a->family == AF_UNIX) {
		if (sa->family != AF_UNIX)
			return CM_DIFFER;
		if (sa->abstract)
			return sa->unix_len + 1 == a->unix_len && !a->unix_path[0] &&
					       !memcmp(a->unix_path + 1, sa->unix_path, sa->unix_len)
				       ? CM_MATCH
				       : CM_DIFFER;
		return sa->unix_len == a->unix_len &&
				       !memcmp(a->unix_path, sa->unix_path, sa->unix_len)
			       ? CM_MATCH
			       : CM_DIFFER;
	}
	if (sa->family != AF_INET && sa->family != AF_INET6)
		return CM_DIFFER;
	if (sa->port != a->port) {
		*why = "port differs";
		return CM_DIFFER;
	}
	if (a->host_is_name)
		return CM_MATCH; /* resolved by the C library inside the call: port only */
	if (a->any_host) {
		static const uint8_t zero[16];

		if (inet_pton(sa->family, sa->addr, ip) != 1)
			return CM_DIFFER;
		return !memcmp(ip, zero, sa->family == AF_INET ? 4 : 16) ? CM_MATCH : CM_DIFFER;
	}
	if (sa->family != a->family) {
		/* an IPv4 address on an AF_INET6 socket travels as ::ffff:a.b.c.d */
		if (a->family == AF_INET && sa->family == AF_INET6 &&
		    inet_pton(AF_INET6, sa->addr, ip) == 1 &&
		    !memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) && !memcmp(ip + 12, a->ip, 4))
			return CM_MATCH;
		return CM_DIFFER;
	}
	if (inet_pton(sa->family, sa->addr, ip) != 1)
		return CM_DIFFER;
	return !memcmp(ip, a->ip, a->family == AF_INET ? 4 : 16) ? CM_MATCH : CM_DIFFER;
}

static enum corr_cmp cmp_exec(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      const struct corr_scpaths *sp, const char **why)
{
	unsigned int pi = sv->sc == PYX_SC_execveat ? 1 : 0, ai = pi + 1, i, n;
	const struct pyx_sysarg *f = &sv->args[pi], *av = &sv->args[ai];

	if (cl->exe && f->present && !f->null) {
		if (cl->exe_path_lookup) {
			if (strcmp(corr_basename(f->u.path.str), cl->exe)) {
				*why = "program differs";
				return CM_DIFFER;
			}
		} else if (cmp_path(cl, 0, f, sp->abs[0], why) == CM_DIFFER) {
			*why = "program differs";
			return CM_DIFFER;
		}
	}
	if (!cl->argv_known || !av->present || av->null)
		return CM_MATCH;
	n = av->u.argv.count;
	if (!av->truncated && !cl->argv_truncated && n != cl->argc) {
		*why = "argv differs";
		return CM_DIFFER;
	}
	for (i = 0; i < n && i < cl->argc; i++) {
		const char *s = av->u.argv.items[i];

		if (cl->argv_skip[i] || !s)
			continue;
		/* an item cut by the BPF side is compared as a prefix */
		if (strcmp(s, cl->argv[i]) &&
		    !(av->truncated && strlen(s) + 1 >= PYX_SC_ARGV_STR_MAX - 1 &&
		      !strncmp(s, cl->argv[i], strlen(s)))) {
			*why = "argv differs";
			return CM_DIFFER;
		}
	}
	return CM_MATCH;
}

static enum corr_cmp cmp_composite(const struct corr_claim *cl, const struct pyx_sysview *sv,
				   const struct corr_scpaths *sp, const char **why)
{
	unsigned int i;
	bool any = false;

	if (cl->cls & CC_NOARGS)
		return CM_MATCH;
	if (cl->addr.set) {
		if (sv->sc == PYX_SC_connect && sv->args[1].present)
			return cmp_addr(cl, &sv->args[1].u.sa, why);
		return CM_MATCH;
	}
	for (i = 0; i < CORR_PATHS; i++) {
		if (!cl->abs[i] && !cl->path[i])
			continue;
		any = true;
		for (unsigned int j = 0; j < CORR_PATHS; j++) {
			const struct pyx_sysarg *a = sc_path(sv, j, NULL);

			if (!a || !a->present || a->null)
				continue;
			if (cl->abs[i] && sp->abs[j] && corr_path_under(sp->abs[j], cl->abs[i]))
				return CM_MATCH;
			if (cl->path[i] && corr_path_under(a->u.path.str, cl->path[i]))
				return CM_MATCH;
		}
	}
	if (!any || !sc_path(sv, 0, NULL))
		return CM_MATCH;
	*why = "path outside the claimed tree";
	return CM_DIFFER;
}

enum corr_cmp corr_compare(const struct corr_claim *cl, const struct pyx_sysview *sv,
			   const struct corr_scpaths *sp, const char **why)
{
	uint64_t bit = 1ull << sv->sc;
	const struct pyx_sysarg *p0 = sc_path(sv, 0, NULL), *p1 = sc_path(sv, 1, NULL);
	enum corr_cmp r;

	*why = NULL;
	if (!(cl->sc_mask & bit))
		return CM_NOT;

	if (cl->cls & (CC_LOADER | CC_RESOLVER)) {
		/* what a loader or resolver does on the event's behalf: read, map code, ask
		 * nscd/DNS. Writing is never part of it. */
		if (is_open(sv)) {
			if (!corr_open_readonly(sv))
				return CM_NOT;
			if (cl->ev == PYX_EV_CTYPES_DLOPEN && cl->name && p0 && p0->present) {
				const char *want = cl->name, *got = p0->u.path.str;

				if (strchr(want, '/') ? strcmp(want, got)
						      : strcmp(corr_basename(got), want)) {
					*why = "another library";
					return CM_DIFFER;
				}
			}
			return CM_MATCH;
		}
		if (sv->sc == PYX_SC_mmap || sv->sc == PYX_SC_mprotect)
			return corr_exec_map(sv) ? CM_MATCH : CM_NOT;
		return CM_MATCH;
	}
	if (bit & (M_CLONE)) {
		/* Nothing to compare (the child is followed), but a thread is not a process:
		 * os.fork is fork() (posixmodule.c os_fork_impl()), a new Python thread is
		 * pthread_create() (Modules/_threadmodule.c via Python/thread_pthread.h
		 * PyThread_start_new_thread()), whose clone/clone3 carries CLONE_THREAD. A
		 * Pool's threads made after os.fork are not the fork's counterparts. */
		bool thread = sv->sc == PYX_SC_clone ? !!(sv->args[0].raw & K_CLONE_THREAD)
			    : sv->sc == PYX_SC_clone3 ? sv->args[0].present && !sv->args[0].null &&
			      !sv->args[0].fault && (sv->args[0].u.clone.flags & K_CLONE_THREAD)
			    : false;

		if (cl->ev == PYX_EV_THREAD_START_NEW_THREAD)
			return thread ? CM_MATCH : CM_NOT;
		return thread ? CM_NOT : CM_MATCH;
	}
	if (bit & M_EXEC)
		return cmp_exec(cl, sv, sp, why);
	if (cl->cls & CC_COMPOSITE)
		return cmp_composite(cl, sv, sp, why);
	if (cl->cls & CC_NOARGS)
		return CM_MATCH;

	switch (cl->ev) {
	case PYX_EV_OPEN:
	case PYX_EV_OS_LISTDIR:
	case PYX_EV_OS_SCANDIR:
	case PYX_EV_SQLITE3_CONNECT:
	case PYX_EV_CPYTHON_RUN_FILE:
	case PYX_EV_CPYTHON_RUN_STARTUP:
		if (!is_open(sv))
			return CM_NOT;
		/* open(fd) wraps an fd and makes no open(2) (Modules/_io/fileio.c
		 * _io_FileIO___init___impl() opens only for a name): an open(2) in its window is
		 * another caller's (glibc sem_open under multiprocessing's open(fd)), not a
		 * counterpart; left unexplained, the usual rules judge it. */
		if (cl->path_is_fd[0])
			return CM_NOT;
		r = cmp_path(cl, 0, p0, sp->abs[0], why);
		if (r == CM_MATCH && cl->has_oflags &&
		    (cl->oflags & OFLAG_CMP) != (sc_oflags(sv) & OFLAG_CMP)) {
			*why = "open flags differ";
			r = CM_DIFFER;
		}
		if (r == CM_MATCH && cl->dir_open && !(sc_oflags(sv) & K_O_DIRECTORY)) {
			*why = "not a directory open";
			r = CM_DIFFER;
		}
		return r;
	case PYX_EV_OS_REMOVE:
	case PYX_EV_OS_RMDIR: {
		bool want_dir = cl->ev == PYX_EV_OS_RMDIR;

		if (sv->sc == PYX_SC_unlinkat &&
		    !!(sv->args[2].raw & K_AT_REMOVEDIR) != want_dir) {
			*why = want_dir ? "removes a file, not a directory"
					: "removes a directory, not a file";
			return CM_DIFFER;
		}
		return cmp_path(cl, 0, p0, sp->abs[0], why);
	}
	case PYX_EV_OS_MKDIR:
		return both(cmp_path(cl, 0, p0, sp->abs[0], why),
			    cmp_num(cl, 0, (int64_t)sv->args[sv->sc == PYX_SC_mkdirat ? 2 : 1].raw,
				    07777, "mode differs", why));
	case PYX_EV_OS_CHMOD: {
		int64_t mode = (int64_t)sv->args[sv->sc == PYX_SC_chmod ? 1 : 2 - (sv->sc == PYX_SC_fchmod)].raw;

		r = sv->sc == PYX_SC_fchmod ? (cl->path_is_fd[0] ? cmp_fd(cl, 0, sv->args[0].raw, why)
								 : CM_DIFFER)
					    : cmp_path(cl, 0, p0, sp->abs[0], why);
		if (r == CM_DIFFER && !*why)
			*why = "fd instead of path";
		return both(r, cmp_num(cl, 0, mode, 07777, "mode differs", why));
	}
	case PYX_EV_OS_CHOWN: {
		unsigned int u = sv->sc == PYX_SC_fchownat ? 2 : 1;

		r = sv->sc == PYX_SC_fchown ? (cl->path_is_fd[0] ? cmp_fd(cl, 0, sv->args[0].raw, why)
								 : CM_DIFFER)
					    : cmp_path(cl, 0, p0, sp->abs[0], why);
		if (r == CM_DIFFER && !*why)
			*why = "fd instead of path";
		/* Ids compared as the kernel takes them, 32-bit: posixmodule.c os_chown_impl()
		 * raises "os.chown" with format "OIIi", so chown(path, uid, -1) arrives as gid
		 * 4294967295 while the kernel sees the uid_t (u32) -1 that fs/open.c
		 * chown_common() reads as "unchanged". */
		r = both(r, cmp_num(cl, 0, (int64_t)sv->args[u].raw, 0xffffffffll, "uid differs",
				    why));
		return both(r, cmp_num(cl, 1, (int64_t)sv->args[u + 1].raw, 0xffffffffll,
				       "gid differs", why));
	}
	case PYX_EV_OS_RENAME:
	case PYX_EV_OS_LINK:
		return both(cmp_path(cl, 0, p0, sp->abs[0], why),
			    cmp_path(cl, 1, p1, sp->abs[1], why));
	case PYX_EV_OS_SYMLINK: {
		/* the link text is stored as it is: compare it as a string */
		if (p0 && p0->present && cl->path[0] && strcmp(p0->u.path.str, cl->path[0])) {
			*why = "link target differs";
			return CM_DIFFER;
		}
		return cmp_path(cl, 1, p1, sp->abs[1], why);
	}
	case PYX_EV_OS_TRUNCATE:
		if (sv->sc == PYX_SC_ftruncate)
			r = cl->path_is_fd[0] ? cmp_fd(cl, 0, sv->args[0].raw, why) : CM_DIFFER;
		else
			r = cl->path_is_fd[0] ? CM_DIFFER : cmp_path(cl, 0, p0, sp->abs[0], why);
		if (r == CM_DIFFER && !*why)
			*why = "fd and path swapped";
		return both(r, cmp_num(cl, 0, (int64_t)sv->args[1].raw, -1, "length differs", why));
	case PYX_EV_OS_UTIME:
		if (cl->path_is_fd[0])
			return cmp_fd(cl, 0, sv->args[0].raw, why);
		return cmp_path(cl, 0, p0, sp->abs[0], why);
	case PYX_EV_OS_CHDIR:
		if (sv->sc == PYX_SC_fchdir)
			return cl->path_is_fd[0] ? cmp_fd(cl, 0, sv->args[0].raw, why)
						 : (*why = "fd instead of path", CM_DIFFER);
		return cmp_path(cl, 0, p0, sp->abs[0], why);
	case PYX_EV_SOCKET_NEW:
		r = CM_MATCH;
		if (cl->has_num[0] && cl->num[0] != -1)
			r = both(r, cmp_num(cl, 0, (int64_t)sv->args[0].raw, 0xffff,
					    "family differs", why));
		if (cl->has_num[1] && cl->num[1] != -1)
			r = both(r, cmp_num(cl, 1, (int64_t)sv->args[1].raw, 0xf, "type differs",
					    why));
		return r;
	case PYX_EV_SOCKET_CONNECT:
	case PYX_EV_SOCKET_BIND:
	case PYX_EV_SOCKET_SENDTO:
	case PYX_EV_SOCKET_SENDMSG: {
		const struct pyx_sysarg *a = &sv->args[sv->sc == PYX_SC_sendto ? 4 : 1];

		if (cl->sock_fd >= 0 && (int)sv->args[0].raw != (int)cl->sock_fd) {
			*why = "another socket";
			return CM_DIFFER;
		}
		if (!a->present || a->null || a->fault)
			return cl->addr.set ? (*why = "no address", CM_DIFFER) : CM_MATCH;
		return cmp_addr(cl, &a->u.sa, why);
	}
	case PYX_EV_OS_KILL:
		return both(cmp_num(cl, 0, (int32_t)sv->args[0].raw, -1, "pid differs", why),
			    cmp_num(cl, 1, (int32_t)sv->args[1].raw, -1, "signal differs", why));
	case PYX_EV_OS_KILLPG:
		if (cl->has_num[0] && (int32_t)sv->args[0].raw != -(int32_t)cl->num[0]) {
			*why = "process group differs";
			return CM_DIFFER;
		}
		return cmp_num(cl, 1, (int32_t)sv->args[1].raw, -1, "signal differs", why);
	case PYX_EV_SIGNAL_PTHREAD_KILL:
		return cmp_num(cl, 1, (int32_t)sv->args[2].raw, -1, "signal differs", why);
	case PYX_EV_SOCKET_SETHOSTNAME: {
		const struct pyx_sysarg *b = &sv->args[0];

		if (!cl->name || !b->present)
			return CM_MATCH;
		if (b->u.buf.len != strlen(cl->name) || memcmp(b->u.buf.bytes, cl->name, b->u.buf.len)) {
			*why = "name differs";
			return CM_DIFFER;
		}
		return CM_MATCH;
	}
	case PYX_EV_RESOURCE_PRLIMIT:
	case PYX_EV_RESOURCE_SETRLIMIT:
		r = cmp_num(cl, 1, (int32_t)sv->args[1].raw, -1, "resource differs", why);
		if (cl->ev == PYX_EV_RESOURCE_PRLIMIT)
			r = both(r, cmp_num(cl, 0, (int32_t)sv->args[0].raw, -1, "pid differs", why));
		return r;
	case PYX_EV_MMAP_NEW:
		return cmp_num(cl, 0, (int32_t)sv->args[4].raw, -1, "fd differs", why);
	default:
		return CM_MATCH;
	}
}
