// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Correlation rules (corr_rules.h): claims, counterparts, comparison, sensitivity, exemptions.
 * The knowledge is the rows of corr_rules.def; this file reads them: an audit event's arguments
 * go into the claim by their role, a counterpart's arguments are looked up by role in its syscall
 * row, and the event row's comparators run in order (the first that differs gives the reason).
 * Named functions hold what a row cannot say (open's mode string, os.system, loaders, composites,
 * exec). The values in an audit event come from a monitored process and are not trusted: every
 * accessor checks the value's type and length, and a value of an unexpected type is "not
 * comparable", never a match of everything.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "pyxcheck_wire.h"
#include "corr_rules.h"

/* x86-64 kernel values (not libc's, see decode_syscall.c). */
#define K_O_ACCMODE 03
#define K_O_WRONLY 01
#define K_O_RDWR 02
#define K_O_CREAT 0100
#define K_O_EXCL 0200
#define K_O_TRUNC 01000
#define K_O_APPEND 02000
#define K_O_DIRECTORY 0200000
#define K_O_LARGEFILE 0100000
#define K_O_NOFOLLOW 0400000
#define K_O_CLOEXEC 02000000
#define K_O_TMPFILE 020200000
#define K_AT_REMOVEDIR 0x200
#define K_PROT_WRITE 2
#define K_PROT_EXEC 4
#define K_MAP_ANONYMOUS 0x20
#define K_AT_FDCWD (-100)
#define K_AT_EMPTY_PATH 0x1000
#define OFLAG_CMP (K_O_ACCMODE | K_O_CREAT | K_O_EXCL | K_O_TRUNC)

#define K_CLONE_THREAD 0x00010000ull /* include/uapi/linux/sched.h */

#define CATBIT(c) (1u << (PYX_CAT_##c))

static const char *const ev_syscalls[PYX_EV__COUNT] = {
#define PYX_EVENT(sym, name, cat, args, syscalls) [PYX_EV_##sym] = syscalls,
#include "audit_events.def"
#undef PYX_EVENT
};

const struct corr_scset *corr_sc_mask(unsigned int ev)
{
	static struct corr_scset masks[PYX_EV__COUNT];
	static bool any[PYX_EV__COUNT];
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

					if (sc >= 0) {
						corr_scset_add(&masks[i], sc);
						any[i] = true;
					}
				}
				s += n + (s[n] == ',');
			}
		}
		done = true;
	}
	return ev < PYX_EV__COUNT && any[ev] ? &masks[ev] : NULL;
}

/* ---- payload values ---- */

static const struct pyx_value *arg(const struct pyx_event *ev, unsigned int i)
{
	return i < ev->nargs ? &ev->args[i] : NULL;
}

/* A str's text as bytes: ESCAPED strs carry lone surrogates as \udXXX; surrogateescape
 * (\udc80..\udcff, how Python decodes undecodable file name bytes) goes back to the byte.
 * Into buf (cap bytes) when it fits, else allocated: free the result only when it is not buf. */
static char *value_bytes_in(const struct pyx_value *v, char *buf, size_t cap, size_t *lenp,
			    bool *truncated)
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
	out = (size_t)s->len < cap ? buf : malloc(s->len + 1);
	if (!out)
		return NULL;
	if (!(s->flags & PYX_TAG_ESCAPED)) {
		/* nothing to undo: the bytes as they are (a path per audit record) */
		memcpy(out, s->s.data, s->len);
		n = s->len;
		goto done;
	}
	for (i = 0; i < s->len; i++) {
		const uint8_t *d = s->s.data;

		if ((s->flags & PYX_TAG_ESCAPED) && d[i] == '\\') {
			if (i + 1 < s->len && d[i + 1] == '\\') {
				out[n++] = '\\';
				i++;
				continue;
			}
			if (i + 5 < s->len && d[i + 1] == 'u' && d[i + 2] == 'd' &&
			    d[i + 3] == 'c') {
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
done:
	out[n] = 0;
	if (lenp)
		*lenp = n;
	return out;
}

static char *value_bytes(const struct pyx_value *v, size_t *lenp, bool *truncated)
{
	return value_bytes_in(v, NULL, 0, lenp, truncated);
}

/* An int as CPython takes it: an int, a bool, or an int subclass, whose base value the hook
 * writes as its "value" (PyLong_Check holds: CPython's "i"/"n" formats and path_converter() read
 * that value and never call __index__, user/hook/payload.c w_int). */
static bool value_int(const struct pyx_value *v, int64_t *out)
{
	uint32_t i;

	if (!v)
		return false;
	if (v->type == PYX_TAG_OBJECT) {
		for (i = 0; i < v->len; i++)
			if (v->obj.attrs[i].name_len == 5 &&
			    !memcmp(v->obj.attrs[i].name, "value", 5) &&
			    v->obj.attrs[i].value->type == PYX_TAG_INT) {
				*out = v->obj.attrs[i].value->i;
				return true;
			}
		return false;
	}
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

/* The "fd" attribute of a socket object (the hook reads it without running Python code): false
 * when v is no socket the hook read (a forged None or object). A socket's fd may be -1 (closed):
 * that is compared as it is. */
static bool value_sock_fd(const struct pyx_value *v, int64_t *fd)
{
	uint32_t i;

	if (!v || v->type != PYX_TAG_OBJECT)
		return false;
	for (i = 0; i < v->len; i++)
		if (v->obj.attrs[i].name_len == 2 && !memcmp(v->obj.attrs[i].name, "fd", 2) &&
		    value_int(v->obj.attrs[i].value, fd))
			return true;
	return false;
}

_Static_assert(CR__COUNT <= 64, "corr_claim.unread: a bit per role");
_Static_assert(CORR_ARGV_MAX <= 64, "corr_claim.argv_cut: a bit per argv item");

/* Argument of role r was not read: the claim explains no syscall that role is compared on. */
static void unread(struct corr_claim *cl, enum corr_role r)
{
	cl->unread |= 1ull << r;
}

static bool is_unread(const struct corr_claim *cl, enum corr_role r)
{
	return cl->unread & (1ull << r);
}

/*
 * A path argument: str/bytes (or a subclass, a pathlib path, an exact memoryview of bytes), an
 * int fd, or None where CPython passes None: os.listdir/os.scandir (the cwd, claim_dir_open);
 * a composite's paths are not compared one by one and keep "no path". Anything else is unread:
 * before, a NULL path was "not compared" and matched every counterpart, so a forged
 * sys.audit("os.remove", object(), -1) or ("open", None, None, flags) explained any unlink or
 * create. Now it matches none (cmp_path) and the window says why (corr_claim_unread).
 */
static void claim_path(struct corr_claim *cl, unsigned int i, const struct pyx_value *v)
{
	int64_t fd;

	if (value_int(v, &fd)) {
		cl->path_is_fd[i] = true;
		cl->fd[i] = fd;
		return;
	}
	cl->path[i] = value_bytes(v, &cl->path_len[i], NULL);
	if (cl->path[i])
		return;
	if (v && !value_none(v))
		cl->path_unread[i] = true; /* an object */
	else if (cl->ev != PYX_EV_OS_LISTDIR && cl->ev != PYX_EV_OS_SCANDIR)
		/* None (or absent) where CPython passes a path; a composite's too (os.walk(None)
		 * and shutil.rmtree(None) raise their event, then fail in os.fspath() before any
		 * syscall: review, a forged rmtree(None) explained any unlink) */
		cl->path_unread[i] = true;
}

/* CPython passes every dir_fd as an int, -1 for the default, AT_FDCWD (posixmodule.c: "Oi",
 * dir_fd == DEFAULT_DIR_FD ? -1 : dir_fd): taken as AT_FDCWD, so that a relative path is
 * resolved against the cwd (before, -1 named no known directory, and the path was compared only
 * as given). Anything else is taken as that default too: one directory, not any (a forged None
 * says no more than a forged -1). */
static void claim_dirfd(struct corr_claim *cl, unsigned int i, const struct pyx_value *v)
{
	int64_t fd;

	cl->dir_fd[i] = value_int(v, &fd) && fd != -1 ? fd : K_AT_FDCWD;
}

/*
 * An argv: a list or tuple of str/bytes/path-likes the hook reads (os.exec, os.posix_spawn and
 * os.spawn refuse anything else before their event; Popen passes a list; pty.spawn also a
 * str). None, an object, or an item the hook does not read makes the whole argv unread: before,
 * such an item was skipped and matched any argument there. An item the hook cut is compared as
 * a prefix (argv_cut); items dropped for room (ELIDED: the payload was full) end what is
 * compared, as a list cut at PYX_SEQ_MAX does.
 */
static void claim_argv(struct corr_claim *cl, const struct pyx_value *v)
{
	uint32_t i;

	if (v &&
	    (v->type == PYX_TAG_STR || v->type == PYX_TAG_BYTES || v->type == PYX_TAG_OBJECT)) {
		bool trunc = false;

		cl->argv[0] = value_bytes(v, NULL, &trunc);
		if (!cl->argv[0]) {
			unread(cl, CR_ARGV);
			return;
		}
		cl->argc = 1;
		cl->argv_known = true;
		if (trunc)
			cl->argv_cut = 1;
		return;
	}
	if (!v || (v->type != PYX_TAG_LIST && v->type != PYX_TAG_TUPLE)) {
		unread(cl, CR_ARGV);
		return;
	}
	cl->argv_truncated = v->flags & PYX_TAG_TRUNCATED;
	for (i = 0; i < v->len && i < CORR_ARGV_MAX; i++) {
		bool trunc = false;

		if (v->items[i].type == PYX_TAG_ELIDED) {
			cl->argv_truncated = true;
			break;
		}
		cl->argv[i] = value_bytes(&v->items[i], NULL, &trunc);
		if (!cl->argv[i]) {
			cl->argc = i;
			unread(cl, CR_ARGV);
			return;
		}
		if (trunc)
			cl->argv_cut |= 1ull << i;
	}
	cl->argc = i;
	cl->argv_known = true;
}

/*
 * A socket address as Python spells it: (host, port[, flowinfo, scope_id]), a path (str, bytes,
 * a buffer the hook reads), or AF_NETLINK's (pid, groups). None only for socket.sendmsg without
 * an address (socketmodule.c sock_sendmsg(): "OO", s, addr_arg ? addr_arg : Py_None): then the
 * sendmsg must carry no address (addr_none). Anything else, None elsewhere, a tuple subclass the
 * hook does not read (CPython's getsockaddrarg() takes one, PyTuple_Check), a host or port of
 * another type: unread, it explains no connect/bind/send (before, not compared: a forged
 * socket.connect(None, None) explained a connect anywhere).
 */
static void claim_addr(struct corr_claim *cl, const struct pyx_value *v)
{
	struct corr_addr *a = &cl->addr;
	char *host;
	int64_t port, groups;
	size_t n;

	if (value_none(v) && v && cl->ev == PYX_EV_SOCKET_SENDMSG) {
		cl->addr_none = true;
		return;
	}
	if (!v || v->type == PYX_TAG_NONE) {
		unread(cl, CR_ADDR);
		return;
	}
	if (v->type != PYX_TAG_TUPLE) {
		char *p = value_bytes(v, &n, NULL);

		if (!p) {
			unread(cl, CR_ADDR);
			return;
		}
		a->set = true;
		a->family = AF_UNIX;
		a->unix_len = n < sizeof(a->unix_path) ? n : sizeof(a->unix_path);
		memcpy(a->unix_path, p, a->unix_len);
		free(p);
		return;
	}
	if (v->len < 2 || !value_int(&v->items[1], &port)) {
		/* another family's shape (socketmodule.c getsockaddrarg(): AF_CAN, AF_ALG, ...) */
		a->set = true;
		a->foreign = true;
		return;
	}
	if (v->len == 2 && value_int(&v->items[0], &groups)) {
		/* AF_NETLINK (pid, groups) "II", AF_VSOCK (cid, port) "II", AF_QIPCRTR (node,
		 * port) "II": socketmodule.c getsockaddrarg() */
		a->set = true;
		a->family = AF_NETLINK;
		a->two_ints = true;
		a->nl_pid = (uint32_t)groups;
		a->nl_groups = (uint32_t)port;
		return;
	}
	if (v->len > 2 && value_int(&v->items[0], &groups)) {
		a->set = true; /* TIPC's ints */
		a->foreign = true;
		return;
	}
	host = value_bytes(&v->items[0], &n, NULL);
	if (!host) {
		unread(cl, CR_ADDR);
		return;
	}
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

static void claim_exe(struct corr_claim *cl, char *exe)
{
	free(cl->exe);
	cl->exe = exe;
	if (exe) {
		cl->exe_path_lookup = !strchr(exe, '/');
		if (!cl->exe_path_lookup) {
			free(cl->path[0]);
			cl->path[0] = strdup(exe);
			cl->path_len[0] = strlen(exe);
		}
	}
}

/* Is the event's frame the import system's own (importlib reading a module's source or bytecode
 * with io.open_code, listing a path entry; zipimport)? */
static bool from_import_system(const struct pyx_event *e)
{
	static const char *const frames[] = { "<frozen importlib._bootstrap", "<frozen zipimport" };
	unsigned int i;

	for (i = 0; e->file && i < sizeof(frames) / sizeof(frames[0]); i++) {
		size_t n = strlen(frames[i]);

		if (e->file->len >= n && !memcmp(e->file->s.data, frames[i], n))
			return true;
	}
	return false;
}

/* CPython raises no event when an import ends, and `open` and `os.listdir` are sub-events of
 * `import`: without more, an import's window stayed open over every open of its thread after it
 * (a loop of opens after its last import: each read-only openat also matched by the import,
 * which ended only at the thread's max_held). So an import's sub-events are its own only from
 * the import system's frames, where importlib reads the module. A forged frame (code compiled
 * under importlib's file name) keeps an import open as any open did before: this only narrows
 * what an import explains. */
/* Before 3.10, Modules/_posixsubprocess.c subprocess_fork_exec() given a preexec_fn imports gc
 * (PyImport_ImportModule("gc"), to disable it around the fork) after Popen's event and before
 * the fork, from subprocess.py's _execute_child: without more that import ended the Popen window
 * and its child's exec was unaudited. Only that import, from that frame, keeps Popen open; it
 * widens nothing of what Popen explains (its child's clone and the exec it claims). */
static bool popen_gc_import(const struct pyx_event *e)
{
	static const char tail[] = "/subprocess.py";
	const struct pyx_value *m = arg(e, 0), *f = e->file, *fn = e->function;
	size_t n = sizeof(tail) - 1;

	return e->event_id == PYX_EV_IMPORT && m && m->type == PYX_TAG_STR && m->len == 2 &&
	       !memcmp(m->s.data, "gc", 2) && f && f->type == PYX_TAG_STR && f->len >= n &&
	       !memcmp(f->s.data + f->len - n, tail, n) && fn && fn->type == PYX_TAG_STR &&
	       fn->len == 14 && !memcmp(fn->s.data, "_execute_child", 14);
}

bool corr_sub_event(const struct corr_claim *cl, const struct pyx_event *e, unsigned int cat)
{
	unsigned int i;

	if (!(cl->cls & CC_COMPOSITE))
		return false;
	if (cl->ev == PYX_EV_SUBPROCESS_POPEN && popen_gc_import(e))
		return true;
	if (cl->nsub_ev) {
		for (i = 0; i < cl->nsub_ev; i++)
			if (cl->sub_ev[i] == e->event_id)
				return cl->ev != PYX_EV_IMPORT || from_import_system(e);
		return false;
	}
	return cat < 32 && (cl->sub_cats & (1u << cat));
}

/* ---- the tables (corr_rules.def) ---- */

enum role_claim { RC_OTHER, RC_PATH, RC_DIRFD, RC_NUM, RC_STR };

struct role_row {
	enum role_claim claim;
	int64_t mask;
	bool i32;        /* the syscall's argument is a signed 32-bit value */
	bool minus1_any; /* a claimed -1 is "the default": not compared */
	const char *why;
};

static const struct role_row roles[CR__COUNT] = {
#define CORR_ROLE(role, cl, m, i, any, w)                                                          \
	[CR_##role] = {                                                                            \
		.claim = RC_##cl, .mask = (m), .i32 = (i), .minus1_any = (any), .why = (w)         \
	},
#include "corr_rules.def"
#undef CORR_ROLE
};

enum sc_kind { SK_OTHER, SK_OPEN, SK_EXEC, SK_CLONE, SK_MAP };

typedef bool sens_fn(const struct pyx_sysview *sv);
typedef bool exempt_fn(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
		       const struct corr_view *v);
#define CORR_SYSCALL(name, kind, r0, r1, r2, r3, r4, r5, sens, ex)                                 \
	static sens_fn sens_##sens;                                                                \
	static exempt_fn ex_##ex;
#include "corr_rules.def"
#undef CORR_SYSCALL

struct sc_row {
	bool present;
	enum sc_kind kind;
	uint8_t role[PYX_SC_NARGS]; /* enum corr_role of each decoded argument */
	/* the first OFLAGS argument's index, -1: none (sc_oflags, asked up to four times per
	 * open without sc_arg()'s call and walk); the same for PATH (path_role(), asked of each
	 * syscall a window compares) */
	int8_t oflags, path;
	sens_fn *sensitive;
	exempt_fn *exempt;
};

/* The index of the first argument of role want in a row's roles, -1: none (a constant). */
#define ROLE_AT(want, r0, r1, r2, r3, r4, r5)                                                      \
	(CR_##r0 == (want)   ? 0                                                                   \
	 : CR_##r1 == (want) ? 1                                                                   \
	 : CR_##r2 == (want) ? 2                                                                   \
	 : CR_##r3 == (want) ? 3                                                                   \
	 : CR_##r4 == (want) ? 4                                                                   \
	 : CR_##r5 == (want) ? 5                                                                   \
			     : -1)

static const struct sc_row sc_rows[PYX_SC__COUNT] = {
#define CORR_SYSCALL(name, k, r0, r1, r2, r3, r4, r5, sens, ex)                                    \
	[PYX_SC_##name] = { .present = true,                                                       \
			    .kind = SK_##k,                                                        \
			    .role = { CR_##r0, CR_##r1, CR_##r2, CR_##r3, CR_##r4, CR_##r5 },      \
			    .oflags = ROLE_AT(CR_OFLAGS, r0, r1, r2, r3, r4, r5),                  \
			    .path = ROLE_AT(CR_PATH, r0, r1, r2, r3, r4, r5),                      \
			    .sensitive = sens_##sens,                                              \
			    .exempt = ex_##ex },
#include "corr_rules.def"
#undef CORR_SYSCALL
#undef ROLE_AT
};

/* One row per traced syscall: adding a syscall to PYX_SYSCALLS wants a row here. */
enum {
#define CORR_SYSCALL(name, k, r0, r1, r2, r3, r4, r5, sens, ex) SC_ROW_##name,
#include "corr_rules.def"
#undef CORR_SYSCALL
	SC_ROWS,
};
_Static_assert((int)SC_ROWS == (int)PYX_SC__COUNT,
	       "corr_rules.def: one CORR_SYSCALL row per traced syscall");

typedef void claim_fn(struct corr_claim *cl, const struct pyx_event *ev);
typedef enum corr_cmp cmp_fn(const struct corr_claim *cl, const struct pyx_sysview *sv,
			     const struct corr_scpaths *sp, const char **why);
static claim_fn claim_none, claim_open, claim_dir_open, claim_sqlite_db, claim_symlink,
	claim_system, claim_argv0_exe, claim_resolver, claim_resolver_gai;
static cmp_fn cmp_none, cmp_open_path, cmp_open_flags, cmp_dir_open, cmp_removes_file,
	cmp_removes_dir, cmp_subject, cmp_subject_swapped, cmp_subject_or_dirfd, cmp_path2,
	cmp_link_text, cmp_pgid, cmp_sock, cmp_addr, cmp_hostname, cmp_num_mode, cmp_num_uid,
	cmp_num_gid, cmp_num_len, cmp_num_offset, cmp_num_fd, cmp_num_pid, cmp_num_sig,
	cmp_num_resource, cmp_num_family, cmp_num_type, cmp_num_request, cmp_nscd_socket,
	cmp_map_file, cmp_map_len, cmp_own_tgid, cmp_syslog_shape, cmp_ptmx_shape;

#define CORR_EV_ARGS 5
#define CORR_EV_CMPS 4
/* "no sub-event" in the sub0/sub1 columns */
#define PYX_EV_NONE PYX_EV__COUNT

struct ev_row {
	bool present;
	unsigned int cls;
	unsigned int sub[2];
	uint32_t sub_cats;
	claim_fn *claim;
	uint8_t role[CORR_EV_ARGS]; /* enum corr_role of each audit argument */
	cmp_fn *cmp[CORR_EV_CMPS];
};

static const struct ev_row ev_rows[PYX_EV__COUNT] = {
#define CORR_EVENT(sym, cl, s0, s1, cats, cf, a0, a1, a2, a3, a4, c0, c1, c2, c3)                  \
	[PYX_EV_##sym] = { .present = true,                                                        \
			   .cls = (cl),                                                            \
			   .sub = { PYX_EV_##s0, PYX_EV_##s1 },                                    \
			   .sub_cats = (cats),                                                     \
			   .claim = cf,                                                            \
			   .role = { CR_##a0, CR_##a1, CR_##a2, CR_##a3, CR_##a4 },                \
			   .cmp = { cmp_##c0, cmp_##c1, cmp_##c2, cmp_##c3 } },
#include "corr_rules.def"
#undef CORR_EVENT
};

/* ---- claims ---- */

/* One audit argument read into the claim by its role. */
static void claim_arg(struct corr_claim *cl, enum corr_role r, const struct pyx_value *v)
{
	int64_t port;

	switch (roles[r].claim) {
	case RC_PATH:
		claim_path(cl, r == CR_PATH2, v);
		return;
	case RC_DIRFD:
		claim_dirfd(cl, r == CR_DIRFD2, v);
		return;
	case RC_NUM:
		/* CPython passes these as ints ("i", "II", "n"): None, absent or an object is no
		 * number, and a role that is compared (a why) explains nothing (num_role) */
		cl->has_num[r] = value_int(v, &cl->num[r]);
		if (!cl->has_num[r] && roles[r].why)
			unread(cl, r);
		return;
	case RC_STR: {
		char **f = r == CR_CWD ? &cl->cwd : r == CR_LIB ? &cl->lib : &cl->host;

		free(*f);
		*f = value_bytes(v, NULL, NULL);
		/* socket.sethostname: a str or bytes, always (cmp_hostname) */
		if (!*f && cl->ev == PYX_EV_SOCKET_SETHOSTNAME)
			unread(cl, r);
		return;
	}
	case RC_OTHER:
		break;
	}
	switch (r) {
	case CR_EXE:
		/* os.execve(fd, ...): fexecve(), which a path compare would skip (exe NULL) */
		if (value_int(v, &port)) {
			cl->path_is_fd[0] = true;
			cl->fd[0] = port;
			break;
		}
		claim_exe(cl, value_bytes(v, NULL, NULL));
		/* a program given as an object the hook does not read (a forged object(); a
		 * path-like other than pathlib's), or None, which CPython never passes
		 * (subprocess.py _execute_child(): "if executable is None: executable = args[0]"
		 * before its event; os.exec/os.posix_spawn/os.spawn take a path_t), compares as no
		 * program: it explains no exec (cmp_exec) and the event says so
		 * (corr_claim_unread). Popen's None stays argv[0] (claim_argv0_exe): it names a
		 * program as plainly. */
		if (!cl->exe && !(value_none(v) && v && cl->ev == PYX_EV_SUBPROCESS_POPEN)) {
			cl->path_unread[0] = true;
			unread(cl, CR_EXE);
		}
		break;
	case CR_ARGV:
		claim_argv(cl, v);
		break;
	case CR_SOCK:
		/* the socket object CPython passes; a forged None or object names no socket */
		if (!value_sock_fd(v, &cl->sock_fd))
			unread(cl, CR_SOCK);
		break;
	case CR_ADDR:
		claim_addr(cl, v);
		break;
	case CR_PORT: /* with a host name: resolved inside the call, only the port is compared */
		if (value_int(v, &port)) {
			cl->addr.set = true;
			cl->addr.host_is_name = true;
			cl->addr.port = (uint16_t)port;
		}
		break;
	default:
		break;
	}
}

static void claim_none(struct corr_claim *cl, const struct pyx_event *ev)
{
}

/* open(path, mode, flags): os.open gives flags (mode None), the builtin a mode string. */
static void claim_open(struct corr_claim *cl, const struct pyx_event *ev)
{
	char buf[16], *mode; /* "rb", "w+": no allocation per open */
	int64_t fl;

	if (value_int(arg(ev, 2), &fl) && value_none(arg(ev, 1))) {
		cl->has_oflags = true; /* os.open: the flags as given */
		cl->oflags = (uint64_t)fl;
	} else if ((mode = value_bytes_in(arg(ev, 1), buf, sizeof(buf), NULL, NULL))) {
		/* builtin open: the mode string is what the caller asked for */
		bool plus = false, wax = false, w = false, x = false;
		const char *m;

		/* one pass over the mode, not a strchr/strpbrk call per letter */
		for (m = mode; *m; m++) {
			plus |= *m == '+';
			wax |= *m == 'w' || *m == 'a' || *m == 'x';
			w |= *m == 'w';
			x |= *m == 'x';
		}
		cl->has_oflags = true;
		if (plus)
			cl->oflags = K_O_RDWR;
		else if (wax)
			cl->oflags = K_O_WRONLY;
		if (wax)
			cl->oflags |= K_O_CREAT;
		if (w)
			cl->oflags |= K_O_TRUNC;
		if (x)
			cl->oflags |= K_O_EXCL;
		if (mode != buf)
			free(mode);
	}
}

/* os.listdir / os.scandir: an O_DIRECTORY open; None is the cwd. */
static void claim_dir_open(struct corr_claim *cl, const struct pyx_event *ev)
{
	if (!cl->path[0] && !cl->path_is_fd[0] && !cl->path_unread[0]) {
		cl->path[0] = strdup(".");
		cl->path_len[0] = 1;
	}
	cl->dir_open = true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The query of a sqlite URI names no file? It is read as sqlite3ParseUri() reads it: "key=value"
 * pairs split at a raw '&' (a key with no '=' has an empty value; an empty key is skipped), up to
 * a raw '#', "%HH" decoded in keys and values after the split ("%26" is a literal '&', "%00" ends
 * that key or value). Then, as openDatabase() and sqlite3ParseUri() use them, in order: a
 * "mode=memory" keeps the database in memory (SQLITE_OPEN_MEMORY: the last mode given wins, any
 * one of them is taken here), a "vfs" other than the unix VFSes ("unix", "unix-dotfile", ...)
 * names the memdb VFS (in memory), one the program registered (its own I/O, not sqlite's) or none
 * (the open fails). Taken as no file whenever either appears: the connect's open, if any, is then
 * not matched to it (a false alarm at worst, never a database learnt).
 */
#define SQLITE_URI_WORD 64
static bool sqlite_uri_no_file(const char *q)
{
	char key[SQLITE_URI_WORD], val[SQLITE_URI_WORD];
	size_t nk = 0, nv = 0;
	bool in_val = false, skip = false, no_file = false;

	for (;; q++) {
		char c = *q;
		int hi, lo;

		if (!c || c == '#' || c == '&') {
			key[nk < sizeof(key) ? nk : sizeof(key) - 1] = 0;
			val[nv < sizeof(val) ? nv : sizeof(val) - 1] = 0;
			if (nk && nk < sizeof(key)) {
				if (!strcmp(key, "mode") && !strcmp(val, "memory"))
					no_file = true;
				if (!strcmp(key, "vfs") && strncmp(val, "unix", 4))
					no_file = true;
			}
			if (!c || c == '#')
				return no_file;
			nk = nv = 0;
			in_val = skip = false;
			continue;
		}
		if (c == '=' && !in_val) {
			in_val = true;
			skip = false;
			continue;
		}
		if (skip)
			continue;
		if (c == '%' && (hi = hex_digit(q[1])) >= 0 && (lo = hex_digit(q[2])) >= 0) {
			q += 2;
			c = (char)(hi << 4 | lo);
			if (!c) { /* sqlite skips the rest of this key or value */
				skip = true;
				continue;
			}
		}
		if (in_val) {
			if (nv < sizeof(val))
				val[nv] = c;
			nv++;
		} else {
			if (nk < sizeof(key))
				key[nk] = c;
			nk++;
		}
	}
}

/*
 * The file a sqlite URI filename names, as sqlite's main.c sqlite3ParseUri() reads it: "file:"
 * (case as is), then "//" and an authority that must be empty or "localhost" (any other fails the
 * open, SQLITE_ALLOW_URI_AUTHORITY being off), then the path up to a raw '?' or '#', "%HH"
 * decoded ("%00" ends it). NULL when uri is not such a name, names no file (an empty path, an
 * in-memory database: sqlite_uri_no_file()) or is refused. CPython raises sqlite3.connect with
 * the string as given, and does not say whether uri=True was passed; Debian's libsqlite3 reads
 * "file:" names as URIs even without it (SQLITE_USE_URI), and 3.13's dbm.sqlite3 (shelve's
 * default) always passes "file:/abs/path?mode=rwc" (Lib/dbm/sqlite3.py _normalize_uri()).
 */
static char *sqlite_uri_path(const char *uri)
{
	const char *s = uri + 5, *q;
	char *out, *o;

	if (strncmp(uri, "file:", 5))
		return NULL;
	if (s[0] == '/' && s[1] == '/') {
		const char *a = s + 2;

		s = a;
		while (*s && *s != '/')
			s++;
		if (s != a && (s - a != 9 || strncmp(a, "localhost", 9)))
			return NULL;
	}
	/* an in-memory database opens no file */
	q = s + strcspn(s, "?#");
	if (*q == '?' && sqlite_uri_no_file(q + 1))
		return NULL;
	out = o = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	for (; *s && *s != '?' && *s != '#'; s++) {
		int hi, lo;

		if (*s == '%' && (hi = hex_digit(s[1])) >= 0 && (lo = hex_digit(s[2])) >= 0) {
			if (!hi && !lo)
				break;
			*o++ = (char)(hi << 4 | lo);
			s += 2;
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	if (!out[0] || !strcmp(out, ":memory:")) {
		free(out);
		return NULL;
	}
	return out;
}

static void claim_sqlite_db(struct corr_claim *cl, const struct pyx_event *ev)
{
	char *p;

	cl->sqlite_db = true;
	/* a URI filename names the file its path part names: that is what sqlite opens, and its
	 * journal files are named after it (any path a forged event can name as plainly) */
	if (cl->path[0] && strlen(cl->path[0]) == cl->path_len[0] &&
	    (p = sqlite_uri_path(cl->path[0]))) {
		free(cl->path[0]);
		cl->path[0] = p;
		cl->path_len[0] = strlen(p);
	}
	/* 3.10+ raise sqlite3.connect with the database argument as given
	 * (Modules/_sqlite/connection.c), a pathlib.Path too, which the hook does not read: not
	 * compared, as before (docs/correlation.md, "Known limits") */
	cl->path_unread[0] = false;
}

/* os.symlink: the source is the link's text, stored as it is and never resolved. */
static void claim_symlink(struct corr_claim *cl, const struct pyx_event *ev)
{
	cl->symlink_src = true;
}

/* os.system: system(3) is execve("/bin/sh", ["sh", "-c", command]). */
static void claim_system(struct corr_claim *cl, const struct pyx_event *ev)
{
	bool trunc = false;
	char *cmd = value_bytes(arg(ev, 0), NULL, &trunc);

	/* CPython passes the command as bytes (posixmodule.c os_system_impl(), after
	 * PyUnicode_FSConverter): None or an object names no command and explains no exec (before,
	 * argv[2] was skipped: os.system(None) explained "sh -c <anything>") */
	if (!cmd) {
		unread(cl, CR_ARGV);
		return;
	}
	claim_exe(cl, strdup("/bin/sh"));
	cl->argv[0] = strdup("sh");
	cl->argv_skip[0] = true;
	cl->argv[1] = strdup("-c");
	cl->argv[2] = cmd;
	if (trunc)
		cl->argv_cut = 1ull << 2;
	cl->argc = 3;
	cl->argv_known = true;
}

/* subprocess.Popen without executable=, pty.spawn: the program is argv[0]. */
static void claim_argv0_exe(struct corr_claim *cl, const struct pyx_event *ev)
{
	if (!cl->exe && cl->argc && cl->argv[0] && !(cl->argv_cut & 1))
		claim_exe(cl, strdup(cl->argv[0]));
	/* argv[0] given as an object the hook does not read (or cut), or no argv, and no
	 * executable=: no program to compare, so no exec explained (cmp_exec), as for CR_EXE */
	else if (!cl->exe && !cl->path_is_fd[0] && !cl->path_unread[0]) {
		cl->path_unread[0] = true;
		unread(cl, CR_EXE);
	}
}

/* glibc's resolver reads files, asks nscd, sends DNS over UDP and loads NSS modules. Their
 * executable maps are not the window's to explain: the native_lib exemption explains an NSS
 * module and what it needs with or without an event (ex_native_lib), so a forged resolver event
 * explains no other map (docs/correlation.md, "Resolver windows"). */
static void claim_resolver(struct corr_claim *cl, const struct pyx_event *ev)
{
	unsigned int sc;

	for (sc = 0; sc < PYX_SC__COUNT; sc++)
		if (sc_rows[sc].kind == SK_OPEN)
			corr_scset_add(&cl->sc_mask, sc);
	corr_scset_add(&cl->sc_mask, PYX_SC_socket);
	corr_scset_add(&cl->sc_mask, PYX_SC_connect);
	corr_scset_add(&cl->sc_mask, PYX_SC_sendto);
	corr_scset_add(&cl->sc_mask, PYX_SC_sendmsg);
}

/* socket.getaddrinfo, and gethostbyname/gethostbyaddr, whose name CPython resolves with
 * getaddrinfo() (Modules/socketmodule.c setipaddr()): glibc's getaddrinfo() may also bind a
 * NETLINK_ROUTE socket to learn the host's addresses (__check_pf(), corr_check_pf_bind(): that
 * bind only, cmp_loader()). */
static void claim_resolver_gai(struct corr_claim *cl, const struct pyx_event *ev)
{
	claim_resolver(cl, ev);
	corr_scset_add(&cl->sc_mask, PYX_SC_bind);
	cl->gai = true;
	/* socket.getaddrinfo(host, port): the port its sorting connects carry (corr_lookup_shape),
	 * an int or a numeric string as getaddrinfo() reads it; a service name is not looked up */
	if (cl->ev == PYX_EV_SOCKET_GETADDRINFO) {
		const struct pyx_value *v = arg(ev, 1);
		char buf[8], *s, *end;
		int64_t n;
		long l;

		if (value_int(v, &n) && n > 0 && n <= 65535) {
			cl->addr.set = true;
			cl->addr.port = (uint16_t)n;
		} else if ((s = value_bytes_in(v, buf, sizeof(buf), NULL, NULL))) {
			/* 8 bytes or more: allocated, not read as a port */
			if (s != buf)
				free(s);
			else if (*s >= '0' && *s <= '9' && (l = strtol(s, &end, 10)) > 0 &&
				 l <= 65535 && !*end) {
				cl->addr.set = true;
				cl->addr.port = (uint16_t)l;
			}
		}
	}
}

bool corr_claim_init(struct corr_claim *cl, const struct pyx_event *ev)
{
	unsigned int id = ev->event_id;
	const struct corr_scset *mask = corr_sc_mask(id);
	const struct ev_row *row;
	unsigned int i;

	memset(cl, 0, sizeof(*cl));
	cl->ev = id;
	cl->sock_fd = -1;
	for (i = 0; i < CORR_PATHS; i++) {
		cl->dir_fd[i] = K_AT_FDCWD;
		cl->fd[i] = -1;
	}
	if (!mask)
		return false;
	cl->sc_mask = *mask;
	row = &ev_rows[id];
	if (!row->present) {
		/* counterparts known, no row: arguments not compared */
		cl->cls = CC_SINGLE | CC_NOARGS;
		return true;
	}
	cl->cls = row->cls;
	cl->sub_cats = row->sub_cats;
	for (i = 0; i < 2; i++)
		if (row->sub[i] != PYX_EV_NONE && (i == 0 || row->sub[1] != row->sub[0]))
			cl->sub_ev[cl->nsub_ev++] = row->sub[i];
	for (i = 0; i < CORR_EV_ARGS; i++)
		if (row->role[i] != CR_NONE)
			claim_arg(cl, row->role[i], arg(ev, i));
	row->claim(cl, ev);
	return true;
}

/* free() of what is there: most of a claim's strings are NULL (eight calls per audit record
 * were 1.3% of the record path) */
static void free_set(void *p)
{
	if (p)
		free(p);
}

void corr_claim_free(struct corr_claim *cl)
{
	unsigned int i;

	if (cl->keep) {
		/* the keep's strings but an abs it has not (a relative path, resolved per event) */
		for (i = 0; i < CORR_PATHS; i++)
			if (cl->abs[i] != cl->keep->cl.abs[i])
				free_set(cl->abs[i]);
		corr_claim_keep_put(cl->keep);
		return;
	}

	for (i = 0; i < CORR_PATHS; i++) {
		free_set(cl->path[i]);
		free_set(cl->abs[i]);
	}
	for (i = 0; i < cl->argc; i++)
		free_set(cl->argv[i]);
	free_set(cl->exe);
	free_set(cl->cwd);
	free_set(cl->lib);
	free_set(cl->host);
	/* not zeroed (1.5 KB, per audit record): every caller frees or reuses the storage, and
	 * a window is zeroed when it is taken again (corr_engine.c win_new) */
}

/* As corr_claim_resolve() does: an absolute path is joined with no base (corr_proc.c
 * corr_resolve); a symlink's source is never resolved. */
bool corr_claim_abs_pure(const struct corr_claim *cl, unsigned int i)
{
	return cl->path[i] && cl->path[i][0] == '/' && !(i == 0 && cl->symlink_src);
}

struct corr_claim_keep *corr_claim_share(struct corr_claim *cl)
{
	struct corr_claim_keep *k = malloc(sizeof(*k));
	unsigned int i;

	if (!k)
		return NULL;
	k->refs = 2;
	k->cl = *cl;
	for (i = 0; i < CORR_PATHS; i++)
		if (!corr_claim_abs_pure(cl, i))
			k->cl.abs[i] = NULL; /* cl's own: resolved against the process's state */
	cl->keep = k;
	return k;
}

void corr_claim_from(struct corr_claim *cl, struct corr_claim_keep *k)
{
	const struct corr_claim *f = &k->cl;

	/* ~500 bytes, not 1.5 KB per audit event: the tail's unread bytes keep the window's old
	 * ones (corr_rules.h, struct corr_claim) */
	memcpy(cl, f, offsetof(struct corr_claim, addr));
	if (f->addr.set)
		cl->addr = f->addr;
	else
		cl->addr.set = false;
	if (f->argc) {
		memcpy(cl->argv, f->argv, f->argc * sizeof(cl->argv[0]));
		memcpy(cl->argv_skip, f->argv_skip, f->argc * sizeof(cl->argv_skip[0]));
	}
	cl->keep = k;
	k->refs++;
}

void corr_claim_keep_put(struct corr_claim_keep *k)
{
	if (!k || --k->refs)
		return;
	corr_claim_free(&k->cl);
	free(k);
}

static bool dup_str(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

bool corr_claim_unread(const struct corr_claim *cl)
{
	unsigned int i;

	if (cl->unread)
		return true;
	for (i = 0; i < CORR_PATHS; i++)
		if (cl->path_unread[i])
			return true;
	return false;
}

#define UNREAD_WHY(what) "its " what " is an object the hook does not read: not compared"

const char *corr_claim_unread_why(const struct corr_claim *cl)
{
	static const char *const why[CR__COUNT] = {
		[CR_FD] = UNREAD_WHY("fd"),
		[CR_MODE] = UNREAD_WHY("mode"),
		[CR_UID] = UNREAD_WHY("uid"),
		[CR_GID] = UNREAD_WHY("gid"),
		[CR_LEN] = UNREAD_WHY("length"),
		[CR_PID] = UNREAD_WHY("pid"),
		[CR_PGID] = UNREAD_WHY("process group"),
		[CR_SIG] = UNREAD_WHY("signal"),
		[CR_RESOURCE] = UNREAD_WHY("resource"),
		[CR_FAMILY] = UNREAD_WHY("family"),
		[CR_TYPE] = UNREAD_WHY("type"),
		[CR_SOCK] = UNREAD_WHY("socket"),
		[CR_ADDR] = UNREAD_WHY("address"),
		[CR_EXE] = UNREAD_WHY("program"),
		[CR_ARGV] = UNREAD_WHY("argv"),
		[CR_HOST] = UNREAD_WHY("name"),
	};
	unsigned int r;

	/* a program is a path_unread[0] too: named as what it is */
	if (is_unread(cl, CR_EXE))
		return why[CR_EXE];
	if (cl->path_unread[0])
		return UNREAD_WHY("path");
	if (cl->path_unread[1])
		return UNREAD_WHY("second path");
	for (r = 0; r < CR__COUNT; r++)
		if (is_unread(cl, r) && why[r])
			return why[r];
	return UNREAD_WHY("argument");
}

struct corr_claim *corr_claim_dup(const struct corr_claim *src)
{
	struct corr_claim *cl = malloc(sizeof(*cl));
	unsigned int i;
	bool ok = true;

	if (!cl)
		return NULL;
	*cl = *src;
	cl->keep = NULL;
	/* none of src's pointers stays: a failure below frees only what was copied */
	memset(cl->path, 0, sizeof(cl->path));
	memset(cl->abs, 0, sizeof(cl->abs));
	memset(cl->argv, 0, sizeof(cl->argv));
	cl->exe = cl->cwd = cl->lib = cl->host = NULL;
	for (i = 0; i < CORR_PATHS; i++) {
		ok &= dup_str(&cl->path[i], src->path[i]);
		ok &= dup_str(&cl->abs[i], src->abs[i]);
	}
	for (i = 0; i < src->argc; i++)
		ok &= dup_str(&cl->argv[i], src->argv[i]);
	ok &= dup_str(&cl->exe, src->exe);
	ok &= dup_str(&cl->cwd, src->cwd);
	ok &= dup_str(&cl->lib, src->lib);
	ok &= dup_str(&cl->host, src->host);
	if (!ok) {
		corr_claim_free(cl);
		free(cl);
		return NULL;
	}
	return cl;
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

static const struct sc_row *sc_row(const struct pyx_sysview *sv)
{
	return (unsigned int)sv->sc < PYX_SC__COUNT && sc_rows[sv->sc].present ? &sc_rows[sv->sc]
									       : NULL;
}

/* The syscall's argument of a role (NULL: the syscall has none). */
static const struct pyx_sysarg *sc_arg(const struct pyx_sysview *sv, enum corr_role r)
{
	const struct sc_row *row = sc_row(sv);
	unsigned int i;

	for (i = 0; row && i < PYX_SC_NARGS && i < sv->nargs; i++)
		if (row->role[i] == r)
			return &sv->args[i];
	return NULL;
}

/* The resolved absolute path of a PATH or PATH2 argument (sp is indexed by PATH order). */
static const char *sc_abs(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			  const struct pyx_sysarg *a)
{
	unsigned int i, n = 0;

	for (i = 0; a && i < sv->nargs && n < CORR_PATHS; i++) {
		if (sv->args[i].kind != PYX_AK_PATH)
			continue;
		if (&sv->args[i] == a)
			return sp->abs[n];
		n++;
	}
	return NULL;
}

static bool sc_kind(const struct pyx_sysview *sv, enum sc_kind k)
{
	const struct sc_row *row = sc_row(sv);

	return row && row->kind == k;
}

static bool arg_set(const struct pyx_sysarg *a)
{
	return a && a->present && !a->null;
}

/* inline: four calls per open, each a few instructions past its call */
static inline __attribute__((always_inline)) uint64_t sc_oflags(const struct pyx_sysview *sv)
{
	const struct sc_row *row = sc_row(sv);
	const struct pyx_sysarg *a;

	if (sv->sc == PYX_SC_creat)
		return K_O_CREAT | K_O_WRONLY | K_O_TRUNC;
	/* sc_arg(sv, CR_OFLAGS) */
	if (row && row->oflags >= 0 && (unsigned int)row->oflags < sv->nargs)
		return sv->args[row->oflags].raw;
	/* openat2's struct open_how not read at entry (read at exit: maybe a decoy written after
	 * the kernel's copy; or read at neither end) says nothing of the open: taken as a write
	 * that creates, fail closed (docs/correlation.md, "Time of check"). Python never calls
	 * openat2, so only native code pays for it. */
	if ((a = sc_arg(sv, CR_HOW)))
		return a->present && !sv->read_at_exit ? a->u.how.flags
						       : K_O_WRONLY | K_O_CREAT | K_O_TRUNC;
	return 0;
}

bool corr_open_readonly(const struct pyx_sysview *sv)
{
	uint64_t fl = sc_oflags(sv);

	return sc_kind(sv, SK_OPEN) && sv->sc != PYX_SC_creat && !(fl & K_O_ACCMODE) &&
	       !(fl & (K_O_CREAT | K_O_TRUNC)) && (fl & K_O_TMPFILE) != K_O_TMPFILE;
}

bool corr_open_writes(const struct pyx_sysview *sv)
{
	return sc_kind(sv, SK_OPEN) && (sv->sc == PYX_SC_creat || (sc_oflags(sv) & K_O_ACCMODE));
}

bool corr_exec_map(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = sc_kind(sv, SK_MAP) ? sc_arg(sv, CR_PROT) : NULL;

	return a && (a->raw & K_PROT_EXEC);
}

/* the "sensitive" column */
static bool sens_always(const struct pyx_sysview *sv)
{
	return true;
}

static bool sens_never(const struct pyx_sysview *sv)
{
	return false;
}

static bool sens_open_writes(const struct pyx_sysview *sv)
{
	return !corr_open_readonly(sv);
}

static bool sens_exec_map(const struct pyx_sysview *sv)
{
	return corr_exec_map(sv);
}

/*
 * chroot, mount, umount, pivot_root, move_mount: what a path names changes, unless the kernel
 * found no such directory (ENOENT, ENOTDIR: the path names nothing, so nothing was changed; stat
 * tells as much). CPython raises no audit event for os.chroot: test_os's test_oserror_filename
 * calls it on a name that does not exist (sweep 4). Any other failure (EPERM: not allowed, EBUSY,
 * EINVAL) is an attempt on an existing directory and stays sensitive, as a failed unshare does.
 */
static bool sens_path_found(const struct pyx_sysview *sv)
{
	return (int64_t)sv->ret != -ENOENT && (int64_t)sv->ret != -ENOTDIR;
}

/* utimensat: setting times on a path (timestomping); futimens(fd) of an open file is not */
static bool sens_path_set(const struct pyx_sysview *sv)
{
	return arg_set(sc_arg(sv, CR_PATH));
}

/* clone, clone3: a new namespace for the child, as unshare makes one for the caller (reported
 * always). Python's fork, threads and posix_spawn never ask for one (os.unshare is 3.12's). clone's
 * flags are a register (CSIGNAL, the low byte, is the exit signal: CLONE_NEWTIME, 0x80, is
 * clone3's only); clone3's are its clone_args, read at exit: a second thread may have rewritten
 * them after the kernel's copy, and then only the child's other mount namespace tells
 * (corr_mnt_record: its path-shaped exemptions end). */
#define K_CLONE_NEW_ANY                                                                            \
	0x7e020000ull /* NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET */
#define K_CLONE_NEWTIME 0x80ull
static bool sens_clone_ns(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = &sv->args[0];

	if (sv->sc == PYX_SC_clone)
		return a->raw & K_CLONE_NEW_ANY;
	if (sv->sc == PYX_SC_clone3 && a->kind == PYX_AK_CLONE_ARGS && a->present && !a->fault)
		return a->u.clone.flags & (K_CLONE_NEW_ANY | K_CLONE_NEWTIME);
	return false;
}

/* prlimit64: setting a limit, not reading one */
static bool sens_rlimit_set(const struct pyx_sysview *sv)
{
	return arg_set(sc_arg(sv, CR_RLIMIT));
}

/* sendto: a datagram to an explicit address, of a family that leaves the host */
static bool sens_addr_leaves_host(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_ADDR);

	return arg_set(a) && (a->u.sa.family == AF_INET || a->u.sa.family == AF_INET6);
}

/* The equivalent syscalls (issue 8). pkey_mprotect, personality, shmat and ptrace reach the
 * monitor only in their sensitive forms (the BPF side filters them at entry); the tests are
 * repeated so that each rule reads whole. */

/* sendmsg, sendmmsg: as sendto. sendmmsg is read at entry, where memory the kernel has yet to
 * fault in cannot be read: an unreadable message gets no benefit of the doubt. */
static bool sens_msg_leaves_host(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_ADDR);

	if (a && sv->at_entry && a->fault)
		return true;
	return arg_set(a) && !a->fault && (a->u.sa.family == AF_INET || a->u.sa.family == AF_INET6);
}

/* open_by_handle_at: a path-less open; writing is what matters, as for open */
static bool sens_handle_writes(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_OFLAGS);

	return a && ((a->raw & K_O_ACCMODE) || (a->raw & (K_O_CREAT | K_O_TRUNC)));
}

/* pkey_mprotect */
static bool sens_prot_exec(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_PROT);

	return a && (a->raw & K_PROT_EXEC);
}

/* personality(READ_IMPLIES_EXEC): every readable mapping executable; 0xffffffff only queries */
static bool sens_read_implies_exec(const struct pyx_sysview *sv)
{
	uint64_t v = sv->args[0].raw;

	return (v & 0x0400000) && (uint32_t)v != 0xffffffff;
}

/* shmat(SHM_EXEC) */
static bool sens_shm_exec(const struct pyx_sysview *sv)
{
	return sv->args[2].raw & 0100000;
}

/* mknod(at): a device node (CAP_MKNOD), a socket or a regular file. Not a FIFO: any user can make
 * one, and CPython raises no audit event for os.mkfifo (Modules/posixmodule.c os_mkfifo_impl), so
 * the stdlib's own tests and ordinary programs would alarm for nothing (issue 9). */
static bool sens_node_not_fifo(const struct pyx_sysview *sv)
{
	uint64_t mode = sv->args[sv->sc == PYX_SC_mknodat ? 2 : 1].raw;

	return (mode & 0170000) != 0010000;
}

/* (l/f)setxattr(at), (l/f)removexattr(at) of security.* (file capabilities, SELinux labels, IMA)
 * or of a POSIX ACL (system.posix_acl_access, system.posix_acl_default: permissions granted as
 * chmod grants them, which is sensitive always), set or taken away; an unreadable name too. The
 * name is the row's one STR argument (1, or 3 in the *at rows). */
static bool sens_security_xattr(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *a = NULL;
	const char *n;
	int i;

	for (i = 0; i < PYX_SC_NARGS && !a; i++)
		if (sv->args[i].kind == PYX_AK_STR)
			a = &sv->args[i];
	if (!a)
		return false;
	if (a->fault)
		return true;
	if (!a->present)
		return false;
	n = a->u.path.str;
	return !strncmp(n, "security.", 9) || !strcmp(n, "system.posix_acl_access") ||
	       !strcmp(n, "system.posix_acl_default");
}

/* socket: packet capture and raw IP (sniffing, spoofing) */
static bool sens_raw_socket(const struct pyx_sysview *sv)
{
	uint64_t type = sv->args[1].raw & 0xf;

	return (int)sv->args[0].raw == 17 /* AF_PACKET */ || type == 3 /* SOCK_RAW */ ||
	       type == 10 /* SOCK_PACKET */;
}

bool corr_sensitive(const struct pyx_sysview *sv)
{
	const struct sc_row *row = sc_row(sv);

	/* issue 8: whatever a ring does has no audit event at all (its creation is a row) */
	if (sv->io_uring)
		return true;
	return row && row->sensitive(sv);
}

/* ---- exemptions: explained by what the process did before, not by an audit event ---- */

static bool ex_none(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
		    const struct corr_view *v)
{
	return false;
}

/* listen on a socket created or bound under an audit event */
static bool ex_audited_listen(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			      const struct corr_view *v)
{
	const struct pyx_sysarg *s = sc_arg(sv, CR_SOCK);
	struct corr_fdinfo e;

	return s && v->fd(v->ctx, (int64_t)s->raw, &e) && e.socket && e.audited;
}

/* glibc asks nscd first for every passwd/group/hosts lookup (pwd.getpwuid in tarfile, ...). */
static bool ex_nscd(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
		    const struct corr_view *v)
{
	return corr_nscd_connect(sv);
}

/*
 * util-linux libuuid, libuuid/src/gen_uuid.c get_uuid_via_daemon(): uuid_generate_time_safe()
 * asks the uuidd daemon first, on every call, at UUIDD_SOCKET_PATH (libuuid/src/uuidd.h:
 * _PATH_RUNSTATEDIR "/uuidd/request", "/var/run/uuidd/request" in older releases). CPython's
 * uuid.uuid1() calls it through _uuid.generate_time_safe() (Modules/_uuidmodule.c), with no
 * audit event. Explained: an AF_UNIX connect to exactly that path (not abstract, nothing after
 * it), as glibc's to nscd.
 */
static bool ex_uuidd(const struct pyx_sysview *sv)
{
	static const char *const paths[] = { "/run/uuidd/request", "/var/run/uuidd/request" };

	return corr_unix_connect_to(sv, paths, 2);
}

/* The connect row's exemption: glibc's nscd, libuuid's uuidd. */
static bool ex_nscd_uuidd(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			  const struct corr_view *v)
{
	return ex_nscd(sv, sp, v) || ex_uuidd(sv);
}

/*
 * A sqlite database the process opened under sqlite3.connect (SQLITE_DB: the open its window
 * matched, in sqlite's shape: corr_engine.c), or one of its journal files (SQLITE_JOURNAL:
 * "-journal", "-wal", "-shm"); *db: the database's path. What sqlite does to them with no audit
 * event is all that is explained (sqlite os_unix.c, 3.40): unixOpen() opens them through
 * robust_open() (corr_sqlite_open_shape(): never O_TRUNC, a mode within 0777) and fchmods a new
 * one to that mode; robustFchown() gives a new journal, WAL or shm file the database's owner
 * (root only); unixDelete() unlinks the journal (DELETE mode), WAL and shm files, never the
 * database; unixTruncate() cuts files to a whole number of pages.
 */
enum { SQLITE_NONE, SQLITE_DB, SQLITE_JOURNAL };

static int sqlite_file(const struct corr_view *v, const char *abs, const char **db)
{
	static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };
	unsigned int i, j;

	if (!abs)
		return SQLITE_NONE;
	for (i = 0; i < v->nsqlite; i++) {
		size_t n = strlen(v->sqlite[i]);

		if (strncmp(abs, v->sqlite[i], n))
			continue;
		for (j = 0; j < 4; j++)
			if (!strcmp(abs + n, sfx[j])) {
				if (db)
					*db = v->sqlite[i];
				return j ? SQLITE_JOURNAL : SQLITE_DB;
			}
	}
	return SQLITE_NONE;
}

bool corr_sqlite_open_shape(const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *m = sc_arg(sv, CR_MODE);
	uint64_t fl;

	if (sv->sc != PYX_SC_openat && sv->sc != PYX_SC_open)
		return false;
	fl = sc_oflags(sv);
	if ((fl & K_O_ACCMODE) != 0 && (fl & K_O_ACCMODE) != K_O_RDWR)
		return false;
	if (fl & ~(uint64_t)(K_O_ACCMODE | K_O_CREAT | K_O_EXCL | K_O_NOFOLLOW | K_O_CLOEXEC |
			     K_O_LARGEFILE))
		return false;
	return !(fl & K_O_CREAT) || (m && !(m->raw & ~0777ull));
}

/* By path: an open of a database or journal file in sqlite's shape, an unlink of a journal
 * file (not a directory). */
static bool sqlite_path_op(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			   const struct corr_view *v)
{
	const struct pyx_sysarg *fl = sc_arg(sv, CR_ATFLAGS);
	int k = sqlite_file(v, sp->abs[0], NULL);

	if (!k)
		return false;
	if (sc_kind(sv, SK_OPEN))
		return corr_sqlite_open_shape(sv);
	if (sv->sc == PYX_SC_unlink || sv->sc == PYX_SC_unlinkat)
		return k == SQLITE_JOURNAL && !(fl && (fl->raw & K_AT_REMOVEDIR));
	return false;
}

static bool ex_sqlite_path(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			   const struct corr_view *v)
{
	return sqlite_path_op(sv, sp, v);
}

/* The owner robustFchown() gives a journal: the database's (stat() of it, in the process's own
 * mount namespace when it has one of its own), or, the database gone, the process's own uid
 * (the journal is already its own: a new file's owner is its creator). */
static bool sqlite_db_owner(const struct corr_view *v, const char *db, uint32_t uid, uint32_t gid)
{
	struct stat st;
	char buf[PATH_MAX + 64];
	int n;

	if (v->mnt_other) {
		n = snprintf(buf, sizeof(buf), "%s/%u/root%s", v->procfs ? v->procfs : "/proc",
			     v->pid, db);
		if (n < 0 || (size_t)n >= sizeof(buf))
			return false;
		db = buf;
	}
	if (!stat(db, &st))
		return st.st_uid == uid && st.st_gid == gid;
	return uid == v->uid;
}

/* Through an fd: fchmod of a database or journal file to a mode within 0777 (robust_open()'s,
 * never setuid, setgid or sticky), fchown of a journal file (never the database) to the
 * database's owner. */
static bool ex_sqlite_fd(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			 const struct corr_view *v)
{
	const struct pyx_sysarg *f = sc_arg(sv, CR_FD);
	const struct pyx_sysarg *mode = sc_arg(sv, CR_MODE);
	const struct pyx_sysarg *uid = sc_arg(sv, CR_UID), *gid = sc_arg(sv, CR_GID);
	struct corr_fdinfo e;
	const char *db = NULL;
	int k;

	if (!f || !v->fd(v->ctx, (int64_t)f->raw, &e) || e.socket ||
	    !(k = sqlite_file(v, e.path, &db)))
		return false;
	if (sv->sc == PYX_SC_fchmod)
		return mode && !(mode->raw & ~0777ull);
	if (sv->sc == PYX_SC_fchown)
		return k == SQLITE_JOURNAL && uid && gid &&
		       sqlite_db_owner(v, db, (uint32_t)uid->raw, (uint32_t)gid->raw);
	return false;
}

/*
 * What CPython and glibc do on their own, with no audit event (issue 9). Each rule is bounded to
 * the exact shape its source makes (corr_native.c recognises the shapes); the state it asks for is
 * the engine's (corr_proc.c). None depends on an audit event: a forged sys.audit cannot widen it.
 */

static bool in_list(const char *const *v, unsigned int n, const char *abs)
{
	unsigned int i;

	for (i = 0; abs && i < n; i++)
		if (v[i] && !strcmp(v[i], abs))
			return true;
	return false;
}

/*
 * glibc sysdeps/pthread/sem_open.c sem_open() creates a semaphore with no audit event: open of a
 * temp file SHMDIR "sem.XXXXXX" O_RDWR|O_CREAT|O_EXCL, link(2) of it to SHMDIR "sem.NAME",
 * unlink(2) of the temp file; sem_unlink() (sem_unlink.c) later unlinks "sem.NAME"
 * (Modules/_multiprocessing/semaphore.c; Lib/multiprocessing/synchronize.py SemLock._cleanup);
 * opening an existing one is O_RDWR|O_NOFOLLOW (SemLock._rebuild in a spawned child). Explained:
 * that sequence in one process: the link only of a temp file this process opened so, the unlinks
 * only of such a temp file or of a name this process linked (a name a hooked Python of the same
 * uid linked, unlinked by another process: shm_open_unlink() below), each path as passed
 * absolute and literal (corr_path_literal()), never in a process that changed its mount
 * namespace, mounts or root (corr_exempt()). Left to an attacker: a semaphore-shaped file in
 * /dev/shm, never a write elsewhere.
 * sqlite's temp files the same way (corr_sqlite_tmp_open(), corr_proc.c
 * corr_sqlite_tmp_track()): in a process with an audited sqlite3.connect, the open of a new
 * "/var/tmp", "/usr/tmp" or "/tmp" "/etilqs_HEX" file, exclusive, mode 0600, not through a
 * symlink, and the unlink of a name so opened. Left to an attacker: such an empty file in those
 * three directories (what it then writes is not traced anyway), and its removal.
 */
static bool shm_open_unlink(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			    const struct corr_view *v);

static bool ex_sqlite_sem_path(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			       const struct corr_view *v)
{
	const struct pyx_sysarg *fl = sc_arg(sv, CR_ATFLAGS);

	if (sqlite_path_op(sv, sp, v))
		return true;
	if (v->mnt_other) /* corr_exempt()'s path_shaped() */
		return false;
	if (shm_open_unlink(sv, sp, v))
		return true;
	if (sc_kind(sv, SK_OPEN))
		return corr_sem_tmp_open(sv, sp->abs[0]) || corr_sem_reopen(sv, sp->abs[0]) ||
		       (v->nsqlite && corr_sqlite_tmp_open(sv, sp->abs[0]));
	if (fl && (fl->raw & K_AT_REMOVEDIR))
		return false;
	/* sem_unlink.c and sem_open.c unlink SHMDIR "sem.NAME" as such, sqlite its temp file
	 * (corr_path_literal()) */
	return (in_list(v->sem_tmp, v->nsem_tmp, sp->abs[0]) ||
		in_list(v->sem, v->nsem, sp->abs[0]) ||
		in_list(v->sqlite_tmp, v->nsqlite_tmp, sp->abs[0])) &&
	       corr_path_literal(sv, 0, sp->abs[0]);
}

/* A name in /dev/shm a hooked Python of uid created (corr_proc.c): not unlinked since, or (gone)
 * unlinked already. */
static bool shm_created(const struct corr_view *v, const char *abs, bool gone)
{
	unsigned int i;

	for (i = 0; abs && i < v->nshm; i++)
		if (v->shm[i].uid == v->uid && !strcmp(v->shm[i].path, abs))
			return gone || !v->shm[i].gone;
	return false;
}

/*
 * POSIX shared memory and named semaphores across processes, with no audit event:
 * Modules/_multiprocessing/posixshmem.c _posixshmem.shm_open()/shm_unlink() (called by
 * Lib/multiprocessing/shared_memory.py SharedMemory.__init__()/unlink() and by
 * resource_tracker.py main() for a segment left behind) and _multiprocessing.sem_unlink() (the
 * resource tracker, or SemLock._cleanup in another process than the one that created it) are
 * glibc sysdeps/posix/shm_open.c shm_open(), open(SHMDIR "NAME", oflag | O_NOFOLLOW | O_CLOEXEC,
 * mode), shm_unlink.c and sem_unlink.c, unlink(SHMDIR "NAME") and unlink(SHMDIR "sem.NAME").
 * Explained: SharedMemory(create=True)'s open (corr_shm_create(): a new file, O_EXCL, mode 0600);
 * SharedMemory(name)'s open O_RDWR (corr_shm_attach()) and any unlink (not AT_REMOVEDIR) of a
 * /dev/shm name, both only when a hooked Python of the same (real) uid created that name
 * (corr_shm_create(), or sem_open's link) and nobody unlinked it since (corr_proc.c
 * corr_shm_track(), 32 names per uid, 128 at most); when the call failed with ENOENT (no such
 * file: nothing opened or removed), the attach of any such name, the unlink of a name so created
 * and unlinked already. glibc openpty()'s open of /dev/ptmx (corr_ptmx_open()). Every path as passed,
 * absolute and literal (corr_path_literal(): glibc builds it so), never one the monitor resolved
 * from a cwd, a dirfd (dup2() is not traced) or a ".." after a symlink.
 * Left to an attacker: create new files in /dev/shm, mode 0600; open for writing or unlink a
 * segment or semaphore a hooked Python of its uid created (its own or another process's, e.g.
 * to disturb that program); allocate a pseudo-terminal pair. Never a write to an existing file
 * it did not see created so, never O_TRUNC, never a path outside /dev/shm but through a mount
 * namespace, mount or root changed (traced, an alarm, and the process loses these rules:
 * corr_exempt(); one changed by a process the monitor does not trace is not seen).
 */
static bool shm_open_unlink(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			    const struct corr_view *v)
{
	const struct pyx_sysarg *fl = sc_arg(sv, CR_ATFLAGS);
	const char *abs = sp->abs[0];

	/* ENOENT: no such name, nothing was opened or removed (SharedMemory(name) of a segment
	 * already unlinked; a second unlink()): the kernel's return, not what a record claims. An
	 * unlink's shape says nothing of shm_unlink: a failed one too must name a file a hooked
	 * Python of the uid created so. */
	bool gone = (int64_t)sv->ret == -ENOENT;

	if (sc_kind(sv, SK_OPEN))
		return corr_shm_create(sv, abs) || corr_ptmx_open(sv, abs) ||
		       (corr_shm_attach(sv, abs) && (gone || shm_created(v, abs, false)));
	if (sv->sc != PYX_SC_unlink && sv->sc != PYX_SC_unlinkat)
		return false;
	if (fl && (fl->raw & K_AT_REMOVEDIR))
		return false;
	return corr_shm_path(abs) && corr_path_literal(sv, 0, abs) && shm_created(v, abs, gone);
}

static bool ex_sem_link(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			const struct corr_view *v)
{
	return in_list(v->sem_tmp, v->nsem_tmp, sp->abs[0]) && corr_sem_path(sp->abs[1]) &&
	       corr_path_literal(sv, 0, sp->abs[0]) && corr_path_literal(sv, 1, sp->abs[1]);
}

/*
 * ftruncate of a file the process opened for writing by an open(2) an audit event explained: the
 * write access that open declared (Modules/_io/fileio.c _io_FileIO_truncate_impl(),
 * posixmodule.c os_ftruncate_impl(); pytest's capture truncates its TemporaryFile after every
 * test). The kernel refuses ftruncate on an fd not open for writing (fs/open.c do_ftruncate():
 * FMODE_WRITE). And sqlite's files, as sqlite_file() says.
 */
static bool ex_own_write_fd(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			    const struct corr_view *v)
{
	const struct pyx_sysarg *f = sc_arg(sv, CR_FD);
	struct corr_fdinfo e;

	const struct pyx_sysarg *len = sc_arg(sv, CR_LEN);
	int k;

	if (!f || !v->fd(v->ctx, (int64_t)f->raw, &e) || e.socket)
		return false;
	/* sqlite's files (sqlite_file()): a journal to any length, the database to a whole
	 * number of pages (512 bytes at least, never emptied: unixTruncate()), however its fd was
	 * opened (an open in sqlite's shape is explained, and marks the fd audited) */
	k = sqlite_file(v, e.path, NULL);
	if (k == SQLITE_DB)
		return len && (int64_t)len->raw > 0 && !(len->raw % 512);
	return k == SQLITE_JOURNAL || (e.path && e.audited && e.writes);
}

/*
 * Whether the process maps path's inode at addr, as the kernel says: the VMA of /proc/PID/maps
 * holding addr, through /proc/PID/map_files (the very inode mapped). 1 yes, 0 no (another file,
 * or nothing mapped there any more), -1 the process is gone or exiting (no maps left), or no
 * procfs (a replay).
 */
static int maps_file_at(const struct corr_view *v, uint64_t addr, const char *path)
{
	char p[PATH_MAX], line[PATH_MAX + 128];
	unsigned long long lo, hi;
	struct stat a, b;
	int r = -1; /* no maps at all: an exiting process (a zombie's maps file is empty) */
	FILE *f;

	if (!v->procfs || !v->pid)
		return -1;
	snprintf(p, sizeof(p), "%s/%u/maps", v->procfs, v->pid);
	f = fopen(p, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		r = 0;
		if (sscanf(line, "%llx-%llx ", &lo, &hi) != 2 || addr < lo || addr >= hi)
			continue;
		snprintf(p, sizeof(p), "%s/%u/map_files/%llx-%llx", v->procfs, v->pid, lo, hi);
		r = !stat(p, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		break;
	}
	fclose(f);
	return r;
}

/*
 * Executable maps by the dynamic loader on glibc's own behalf: an NSS module (nss/nss_module.c
 * module_load(): __libc_dlopen("libnss_NAME.so.2") on the first passwd/group/hosts lookup;
 * pwd/grp raise no event) and the libraries it needs, mapped by the same thread before its next
 * audit event; libgcc_s.so.1 (misc/unwind-link.c __libc_unwind_link_get(), on the first
 * pthread_exit(): PyThread_exit_thread() ends every Python thread). Only a file the process
 * opened read-only from a default library directory (corr_sys_lib()).
 */
static bool ex_native_lib(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			  const struct corr_view *v)
{
	const struct pyx_sysarg *f = sc_arg(sv, CR_FD);
	struct corr_fdinfo e;

	if (sv->sc != PYX_SC_mmap || !f || !v->fd(v->ctx, (int64_t)f->raw, &e) || !e.path ||
	    e.socket || e.writes)
		return false;
	/*
	 * The fd table's name is what the process said: a "dir/../" through a symlink resolves
	 * elsewhere in the kernel, and an fd closed and replaced (fcntl F_DUPFD, dup2, none
	 * traced) is another file (review of this stop). So the file mapped must be that name's
	 * inode, read from the kernel's own map; a process already gone is judged by the name.
	 */
	if (sv->ret >= 0 && maps_file_at(v, (uint64_t)sv->ret, e.path) == 0)
		return false;
	switch (corr_sys_lib(e.path)) {
	case CORR_LIB_NSS:
	case CORR_LIB_GCC_S:
		return true;
	case CORR_LIB_OTHER:
		return v->nss_load;
	default:
		return false;
	}
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return a && b && !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * multiprocessing's spawn and forkserver start methods and its resource tracker start the
 * interpreter they run under through multiprocessing.util.spawnv_passfds() ->
 * _posixsubprocess.fork_exec(), which raises no audit event (Modules/_posixsubprocess.c; only
 * subprocess.Popen raises one, in Lib/subprocess.py). Explained: the execve of a fork of a hooked
 * Python, of the file its parent exec'd (by name, or device and inode; /proc/PPID/exe when the
 * parent's exec was not seen), with one of the fixed argv shapes of corr_mp_argv(). The new image
 * is a Python that fires its own hook_start and events, or is reported as a blind spot.
 */
static bool ex_mp_spawn(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			const struct corr_view *v)
{
	const struct pyx_sysarg *av = sc_arg(sv, CR_ARGV);
	char exe[96];

	if (sv->ret != 0 || !v->fork_of_hooked || !sp->abs[0] || !av || !av->present || av->null ||
	    av->fault || !corr_mp_argv(av->u.argv.items, av->u.argv.count, av->truncated))
		return false;
	if (v->parent_exe)
		return !strcmp(sp->abs[0], v->parent_exe) || same_file(sp->abs[0], v->parent_exe);
	snprintf(exe, sizeof(exe), "%s/%u/exe", v->procfs ? v->procfs : "/proc", v->ppid);
	return same_file(sp->abs[0], exe);
}

/*
 * Modules/main.c Py_RunMain(): after an uncaught KeyboardInterrupt, once Py_FinalizeEx() is done
 * (the hook said hook_stop), exit_sigint() resets SIGINT to SIG_DFL and kill(getpid(), SIGINT)s
 * the process so that its parent sees it die of SIGINT. Explained: SIGINT to its own pid, by its
 * main thread, after its hook_stop. Nothing but the process itself is signalled. Its own pid as
 * the kernel reads kill's argument, in its own pid namespace (ex_self_signal), when its exec or
 * fork record said; else its global one (the two are the same outside a pid namespace).
 */
static bool ex_exit_sigint(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			   const struct corr_view *v)
{
	const struct pyx_sysarg *pid = sc_arg(sv, CR_PID), *sig = sc_arg(sv, CR_SIG);
	uint32_t own = v->ns_pid ? v->ns_pid : v->pid;

	return pid && sig && v->finalized && v->tid == v->pid &&
	       (int32_t)pid->raw == (int32_t)own && (int)sig->raw == SIGINT;
}

/*
 * A signal the process sends itself: glibc raise() (nptl/pthread_kill.c
 * __pthread_kill_implementation(): tgkill(__getpid(), gettid(), sig), and tgkill(__getpid(),
 * pd->tid, sig) for another of its threads), which CPython calls with no audit event for
 * signal.raise_signal() (Modules/signalmodule.c), os.abort() and Py_FatalError() (abort() ->
 * raise(SIGABRT)), faulthandler's re-raise of a fatal signal and its _sigsegv(), _sigabrt(),
 * _fatal_error_c_thread() test helpers. A signal a process sends itself crosses no boundary: it
 * does nothing another process could see but what the process could do to itself anyway (stop,
 * die, run its own handler), and whatever its handler then does is traced and judged as usual.
 * Explained: tgkill(tgid, tid, any signal) whose tgid is the caller's own; the kernel delivers it
 * only to a thread of that thread group (kernel/signal.c do_send_specific(): task_tgid_vnr(p) ==
 * tgid), whatever tid says. The tgid is compared in the namespace the kernel reads it in, the
 * caller's own pid namespace (find_task_by_vpid()): the records carry global ids, so the caller's
 * pid there comes from the record that made the process, its exec or its fork (ns_pid, read by
 * the BPF side from the new task: a fork child's namespace is its parent's pid_ns_for_children,
 * a new one after unshare(CLONE_NEWPID)); a process neither record was seen for gets nothing
 * from this rule. The arguments are registers, no memory a second thread could rewrite; no audit
 * event is consulted, so a forged one cannot widen it. Not explained: a signal to any other
 * process (a child: the near-miss tests); tkill (glibc never makes it; tkill of its own thread is
 * the native form of signal.pthread_kill that tests/test_evasion_syscalls.py keeps unaudited;
 * musl's raise() would need it); kill(2) (no glibc or CPython path signals its own pid with kill
 * but exit_sigint's, its own rule); rt_sigqueueinfo, rt_tgsigqueueinfo and pidfd_send_signal (a
 * pidfd's target is not known here).
 */
static bool ex_self_signal(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			   const struct corr_view *v)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_TGID);

	return sv->sc == PYX_SC_tgkill && v->ns_pid && a && (int32_t)a->raw == (int32_t)v->ns_pid;
}

/*
 * Modules/faulthandler.c faulthandler_suppress_crash_report(), run by faulthandler._sigsegv(),
 * _sigabrt(), _fatal_error_c_thread(), _read_null() and _stack_overflow() before they crash the
 * process on purpose, raises no audit event: getrlimit(RLIMIT_CORE, &rl); rl.rlim_cur = 0;
 * setrlimit(RLIMIT_CORE, &rl), which glibc makes prlimit64(0, RLIMIT_CORE, &rl, NULL)
 * (sysdeps/unix/sysv/linux/setrlimit64.c). Explained: prlimit64 of the caller itself (pid 0, or
 * its own pid in its namespace), resource RLIMIT_CORE, a new limit read at entry and verified at
 * exit whose soft value is 0 (no core file), no old limit asked for. That only takes from the
 * process: it can write no core file. The hard value is not checked (the old one is not known
 * here): raising it needs CAP_SYS_RESOURCE and gives nothing while the soft value is 0; a later
 * setrlimit that raises the soft value is judged on its own. Not explained: another resource,
 * another process, a soft value above 0, a limit read at exit or not verified.
 */
static bool ex_core_off(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
			const struct corr_view *v)
{
	const struct pyx_sysarg *pid = sc_arg(sv, CR_PID), *res = sc_arg(sv, CR_RESOURCE);
	const struct pyx_sysarg *rl = sc_arg(sv, CR_RLIMIT);

	if (sv->sc != PYX_SC_prlimit64 || !pid || !res || !arg_set(rl) || rl->fault ||
	    rl->truncated || rl->changed || sv->unverified || sv->read_at_exit || sv->nargs < 4 ||
	    sv->args[3].raw)
		return false;
	if ((int32_t)pid->raw != 0 && !(v->ns_pid && (int32_t)pid->raw == (int32_t)v->ns_pid))
		return false;
	return (int32_t)res->raw == 4 /* RLIMIT_CORE */ && rl->u.rlim.cur == 0;
}

/*
 * The exemptions that hold for a path only as the monitor's mount namespace and root name it: the
 * /dev/shm and /dev/ptmx shapes (ex_sqlite_sem_path's), nscd's and uuidd's sockets, a library of a default
 * directory, the interpreter's own file by name. In a process that changed its mount namespace,
 * a mount or its root, or that runs in another mount namespace than the monitor's (v->mnt_other,
 * corr_proc.c corr_mnt_track()), "/dev/shm/NAME" may be any file (a bind mount over /dev/shm):
 * none of them applies there. sqlite's follow the audited sqlite3.connect path, in whatever
 * namespace it was resolved; the fd- and signal-based ones name no path.
 */
static bool path_shaped(exempt_fn *f)
{
	/* the connect row's is ex_nscd_uuidd: naming ex_nscd here (no row's) let a process in a
	 * namespace of its own connect to any socket it mounted at nscd's or uuidd's path */
	return f == ex_nscd_uuidd || f == ex_sem_link || f == ex_native_lib || f == ex_mp_spawn;
}

bool corr_exempt(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
		 const struct corr_view *v)
{
	const struct sc_row *row = sc_row(sv);

	if (row && v->mnt_other && path_shaped(row->exempt))
		return false;
	return row && row->exempt(sv, sp, v);
}

/* ---- comparison ---- */

static const char why_dir[] = "directory differs";

/*
 * The same relative name is the same file only in the same directory: a forged open("x") must
 * not explain an openat(fd, "x") on another directory. Reached only when a side could not be
 * resolved (an fd the table does not know, an unknown cwd, a cut path): the directory fds must
 * then be the same one.
 */
static enum corr_cmp same_dir(const struct corr_claim *cl, unsigned int i,
			      const struct pyx_sysarg *a, const char **why)
{
	int dirfd = a->u.path.has_dirfd ? a->u.path.dirfd : K_AT_FDCWD;
	/* CPython's events give the default dir_fd as -1 (os.mkdir, os.remove, ...) */
	int want = cl->dir_fd[i] == -1 ? K_AT_FDCWD : (int)cl->dir_fd[i];

	if (a->u.path.str[0] == '/' || dirfd == want)
		return CM_MATCH;
	*why = why_dir;
	return CM_DIFFER;
}

static enum corr_cmp cmp_path(const struct corr_claim *cl, unsigned int i,
			      const struct pyx_sysarg *a, const char *sc_abs, const char **why)
{
	const char *raw;

	if (cl->path_unread[i])
		return CM_NOT; /* cannot be compared: neither explained nor counted against it */
	if (!a || !a->present || a->null || a->fault)
		return CM_MATCH; /* nothing to compare with: a counterpart all the same */
	raw = a->u.path.str;
	if (cl->path_is_fd[i] || !cl->path[i])
		return CM_MATCH;
	/* Both resolved: their difference is final. Before, the same raw name through the same
	 * dirfd number matched whatever they resolved to, so a genuine open("x", "w") explained
	 * a native chdir elsewhere and a create of x there (same_dir). */
	if (cl->abs[i] && sc_abs && !a->truncated) {
		if (!strcmp(cl->abs[i], sc_abs))
			return CM_MATCH;
		/* the same relative name through another directory fd: "directory differs", which
		 * a read-only open through a dirfd is forgiven (cmp_open_path); through the same
		 * one (the cwd moved, the fd was reused): the path differs */
		if (!strcmp(raw, cl->path[i]) && same_dir(cl, i, a, why) == CM_DIFFER)
			return CM_DIFFER;
		*why = i ? "second path differs" : "path differs";
		return CM_DIFFER;
	}
	if (a->truncated) {
		/*
		 * The kernel took a path longer than the BPF copy kept (PYX_SC_STR_MAX): what
		 * follows the cut is not seen and may climb out with "..", so no claim vouches
		 * for it (review: a claim of P/harmless, P 1,022 bytes, explained a create of
		 * P/../escaped). The same prefix is neither explained nor counted against the
		 * claim; another prefix differs.
		 */
		if (!strncmp(raw, cl->path[i], strlen(raw)))
			return CM_NOT;
	} else if (cl->abs[i] && sc_abs && !strcmp(cl->abs[i], sc_abs)) {
		return CM_MATCH;
	} else if (!strcmp(raw, cl->path[i])) {
		return same_dir(cl, i, a, why);
	}
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

static enum corr_cmp differ(const char **why, const char *reason)
{
	*why = reason;
	return CM_DIFFER;
}

static enum corr_cmp cmp_none(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      const struct corr_scpaths *sp, const char **why)
{
	return CM_MATCH;
}

static enum corr_cmp path_role(const struct corr_claim *cl, const struct pyx_sysview *sv,
			       const struct corr_scpaths *sp, enum corr_role r, const char **why)
{
	const struct sc_row *row = sc_row(sv);
	/* sc_arg(sv, r), PATH by the row's index */
	const struct pyx_sysarg *a =
		r == CR_PATH && row && row->path >= 0
			? ((unsigned int)row->path < sv->nargs ? &sv->args[row->path] : NULL)
			: sc_arg(sv, r);

	return cmp_path(cl, r == CR_PATH2, a, sc_abs(sv, sp, a), why);
}

/* The file an event acts on, named by a path or an fd, against a syscall that takes a path or
 * an fd. fd_path: the reason when one side has an fd and the other a path. */
static enum corr_cmp subject(const struct corr_claim *cl, const struct pyx_sysview *sv,
			     const struct corr_scpaths *sp, const char *fd_path, bool fd_vs_path,
			     const char **why)
{
	const struct pyx_sysarg *f = sc_arg(sv, CR_FD);

	if (cl->path_unread[0])
		return CM_NOT; /* neither a path nor an fd the hook read */
	if (f)
		return cl->path_is_fd[0] ? cmp_fd(cl, 0, f->raw, why) : differ(why, fd_path);
	if (fd_vs_path && cl->path_is_fd[0])
		return differ(why, fd_path);
	return path_role(cl, sv, sp, CR_PATH, why);
}

/* os.chmod, os.chown, os.chdir, ...: a claimed fd against a path is not compared */
static enum corr_cmp cmp_subject(const struct corr_claim *cl, const struct pyx_sysview *sv,
				 const struct corr_scpaths *sp, const char **why)
{
	return subject(cl, sv, sp, "fd instead of path", false, why);
}

/* os.truncate: truncate(2) takes a path only, ftruncate(2) an fd only */
static enum corr_cmp cmp_subject_swapped(const struct corr_claim *cl, const struct pyx_sysview *sv,
					 const struct corr_scpaths *sp, const char **why)
{
	return subject(cl, sv, sp, "fd and path swapped", true, why);
}

/* os.utime(fd): futimens(fd) is utimensat(fd, NULL, ...) */
static enum corr_cmp cmp_subject_or_dirfd(const struct corr_claim *cl, const struct pyx_sysview *sv,
					  const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *d = sc_arg(sv, CR_DIRFD);

	if (cl->path_unread[0])
		return CM_NOT;
	if (cl->path_is_fd[0])
		return cmp_fd(cl, 0, d ? d->raw : 0, why);
	return path_role(cl, sv, sp, CR_PATH, why);
}

static enum corr_cmp cmp_path2(const struct corr_claim *cl, const struct pyx_sysview *sv,
			       const struct corr_scpaths *sp, const char **why)
{
	return path_role(cl, sv, sp, CR_PATH2, why);
}

/* the link text is stored as it is: compare it as a string */
static enum corr_cmp cmp_link_text(const struct corr_claim *cl, const struct pyx_sysview *sv,
				   const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *p = sc_arg(sv, CR_PATH);

	if (cl->path_unread[0])
		return CM_NOT;
	if (p && p->present && cl->path[0] && strcmp(p->u.path.str, cl->path[0]))
		return differ(why, "link target differs");
	return CM_MATCH;
}

/* open(fd) makes no open(2) */
static enum corr_cmp cmp_open_path(const struct corr_claim *cl, const struct pyx_sysview *sv,
				   const struct corr_scpaths *sp, const char **why)
{
	enum corr_cmp r;

	if (!sc_kind(sv, SK_OPEN))
		return CM_NOT;
	/* open(fd) wraps an fd and makes no open(2) (Modules/_io/fileio.c
	 * _io_FileIO___init___impl() opens only for a name): an open(2) in its window is another
	 * caller's (glibc sem_open under multiprocessing's open(fd)), not a counterpart. */
	if (cl->path_is_fd[0])
		return CM_NOT;
	r = path_role(cl, sv, sp, CR_PATH, why);
	/* CPython's "open" event does not carry os.open's dir_fd: a read-only open through a
	 * directory fd (shutil.rmtree's walk) matches by name; one that writes must be in the
	 * claimed directory */
	if (r == CM_DIFFER && *why == why_dir && corr_open_readonly(sv))
		r = CM_MATCH;
	return r;
}

static enum corr_cmp cmp_open_flags(const struct corr_claim *cl, const struct pyx_sysview *sv,
				    const struct corr_scpaths *sp, const char **why)
{
	if (cl->has_oflags && (cl->oflags & OFLAG_CMP) != (sc_oflags(sv) & OFLAG_CMP))
		return differ(why, "open flags differ");
	return CM_MATCH;
}

static enum corr_cmp cmp_dir_open(const struct corr_claim *cl, const struct pyx_sysview *sv,
				  const struct corr_scpaths *sp, const char **why)
{
	if (cl->dir_open && !(sc_oflags(sv) & K_O_DIRECTORY))
		return differ(why, "not a directory open");
	return CM_MATCH;
}

/* unlinkat(2) removes a directory with AT_REMOVEDIR, a file without */
static enum corr_cmp removes(const struct pyx_sysview *sv, bool want_dir, const char **why)
{
	const struct pyx_sysarg *f = sc_arg(sv, CR_ATFLAGS);

	if (f && !!(f->raw & K_AT_REMOVEDIR) != want_dir)
		return differ(why, want_dir ? "removes a file, not a directory"
					    : "removes a directory, not a file");
	return CM_MATCH;
}

static enum corr_cmp cmp_removes_file(const struct corr_claim *cl, const struct pyx_sysview *sv,
				      const struct corr_scpaths *sp, const char **why)
{
	return removes(sv, false, why);
}

static enum corr_cmp cmp_removes_dir(const struct corr_claim *cl, const struct pyx_sysview *sv,
				     const struct corr_scpaths *sp, const char **why)
{
	return removes(sv, true, why);
}

/* A NUM role: (claim & mask) == (argument & mask), per the role's row. */
static enum corr_cmp num_role(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      enum corr_role r, const char **why)
{
	const struct role_row *rr = &roles[r];
	const struct pyx_sysarg *a = sc_arg(sv, r);
	int64_t v;

	if (is_unread(cl, r))
		return CM_NOT; /* None or an object where CPython passes an int: explains nothing */
	if (!a || !cl->has_num[r] || (rr->minus1_any && cl->num[r] == -1))
		return CM_MATCH;
	v = rr->i32 ? (int64_t)(int32_t)a->raw : (int64_t)a->raw;
	if ((cl->num[r] & rr->mask) == (v & rr->mask))
		return CM_MATCH;
	return differ(why, rr->why);
}

#define NUM_CMP(lc, role)                                                                          \
	static enum corr_cmp cmp_num_##lc(const struct corr_claim *cl,                             \
					  const struct pyx_sysview *sv,                            \
					  const struct corr_scpaths *sp, const char **why)         \
	{                                                                                          \
		return num_role(cl, sv, CR_##role, why);                                           \
	}
NUM_CMP(mode, MODE)
NUM_CMP(uid, UID)
NUM_CMP(gid, GID)
NUM_CMP(len, LEN)
NUM_CMP(offset, OFFSET)
NUM_CMP(fd, FD)
NUM_CMP(pid, PID)
NUM_CMP(sig, SIG)
NUM_CMP(resource, RESOURCE)
NUM_CMP(family, FAMILY)
NUM_CMP(type, TYPE)
NUM_CMP(request, REQUEST)

/*
 * glibc nscd/nscd_helper.c open_socket(): a passwd/group/hosts lookup first tries nscd on a
 * socket(PF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0). CPython resolves a host name
 * given to socket.connect/bind/sendto before raising their event (Modules/socketmodule.c
 * getsockaddrarg() -> setipaddr() -> getaddrinfo()), so that socket falls in the window of the
 * event before, which can be a socket.__new__ that made no socket(2) (fileno= given:
 * ssl.SSLSocket._create()). Not a counterpart of a socket.__new__ that claims another family:
 * an AF_UNIX socket is not sensitive, so nothing that would alarm is lost.
 */
static enum corr_cmp cmp_nscd_socket(const struct corr_claim *cl, const struct pyx_sysview *sv,
				     const struct corr_scpaths *sp, const char **why)
{
	if (sv->sc == PYX_SC_socket && (int32_t)sv->args[0].raw == AF_UNIX &&
	    sv->args[1].raw == (SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK) && !sv->args[2].raw &&
	    cl->has_num[CR_FAMILY] && cl->num[CR_FAMILY] != AF_UNIX)
		return CM_NOT;
	return CM_MATCH;
}

/* os.killpg(pgid, sig) is kill(-pgid, sig) */
static enum corr_cmp cmp_pgid(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_PID);

	if (is_unread(cl, CR_PGID))
		return CM_NOT;
	if (a && cl->has_num[CR_PGID] && (int32_t)a->raw != -(int32_t)cl->num[CR_PGID])
		return differ(why, roles[CR_PGID].why);
	return CM_MATCH;
}

/* An mmap of no file: MAP_ANONYMOUS (the fd is then ignored) or no fd. */
static bool map_anon(const struct pyx_sysview *sv)
{
	return sv->sc == PYX_SC_mmap && sv->nargs > 4 &&
	       ((sv->args[3].raw & K_MAP_ANONYMOUS) || (int32_t)sv->args[4].raw < 0);
}

/*
 * mmap.__new__ (Modules/mmapmodule.c new_mmap_object(): mmap(NULL, length, prot, flags, fd,
 * offset), fd -1 and MAP_ANONYMOUS for mmap.mmap(-1, n)). The event carries fileno, length,
 * access and offset, never prot or flags, and only executable maps are traced: a genuine
 * mmap.mmap(-1, 4096) (read/write, no syscall of ours) and mmap.mmap(-1, 4096,
 * prot=PROT_READ|PROT_WRITE|PROT_EXEC) raise the same event, so no anonymous map is its
 * counterpart. Python that makes anonymous executable memory through the mmap module is flagged
 * as native code doing it is (before, a genuine read/write mmap.mmap(-1, n) explained a native
 * anonymous RWX map: the claimed fd -1 matched its -1). A file's map: the fd claimed
 * (cmp_num_fd), the length when the event gives one (cmp_map_len) and the offset, passed to
 * mmap(2) as given (cmp_num_offset).
 */
static enum corr_cmp cmp_map_file(const struct corr_claim *cl, const struct pyx_sysview *sv,
				  const struct corr_scpaths *sp, const char **why)
{
	return map_anon(sv) ? CM_NOT : CM_MATCH;
}

/* mmap.__new__'s length: mmap(2)'s own, exactly; 0 maps the whole file (its size is not known
 * here: not compared) */
static enum corr_cmp cmp_map_len(const struct corr_claim *cl, const struct pyx_sysview *sv,
				 const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_LEN);

	if (!a || !cl->has_num[CR_LEN] || cl->num[CR_LEN] == 0)
		return CM_MATCH;
	return (uint64_t)cl->num[CR_LEN] == a->raw ? CM_MATCH : differ(why, roles[CR_LEN].why);
}

/*
 * signal.pthread_kill(thread_id, sig) (Modules/signalmodule.c) is glibc pthread_kill()
 * (nptl/pthread_kill.c __pthread_kill_implementation(): tgkill(__getpid(), tid, sig)): a
 * thread of the caller's own process, whatever thread_id names (the kernel delivers a tgkill
 * only within the tgid's thread group, kernel/signal.c do_send_specific()). So the tgid must be
 * the caller's own pid as its pid namespace numbers it (sp->ns_pid, as ex_self_signal reads
 * it); unknown, nothing is explained. Never tkill (glibc makes none: musl's raise() would).
 * Before, only the signal was compared: a genuine pthread_kill of its own thread explained a
 * tgkill of another process with the same signal.
 */
static enum corr_cmp cmp_own_tgid(const struct corr_claim *cl, const struct pyx_sysview *sv,
				  const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_TGID);

	if (sv->sc != PYX_SC_tgkill || !a)
		return CM_NOT;
	if (!sp->ns_pid || (int32_t)a->raw != (int32_t)sp->ns_pid)
		return differ(why, "another process");
	return CM_MATCH;
}

/*
 * syslog.openlog, syslog.syslog (Modules/syslogmodule.c; syslog.syslog() calls openlog itself
 * first, raising syslog.openlog): glibc misc/syslog.c openlog_internal() makes
 * socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) (SOCK_STREAM after EPROTOTYPE) and connects it
 * to _PATH_LOG, "/dev/log"; __vsyslog_internal() sends with send(2), a sendto with no address.
 * Every counterpart of theirs must be one of those: an AF_UNIX socket, a connect to /dev/log
 * read whole (not an abstract name), a sendto without an address. Before, these rows compared
 * nothing and a genuine syslog.syslog("hello") explained a native TCP connect anywhere. Not
 * explained: LOG_CONS's open of /dev/console when no syslogd answers (not a counterpart in the
 * catalogue: flagged). The path is the process's: in a mount namespace it made (traced, an
 * alarm) /dev/log may be another socket.
 */
static enum corr_cmp cmp_syslog_shape(const struct corr_claim *cl, const struct pyx_sysview *sv,
				      const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_ADDR);

	switch (sv->sc) {
	case PYX_SC_socket:
		return (int32_t)sv->args[0].raw == AF_UNIX ? CM_MATCH : CM_NOT;
	case PYX_SC_connect:
		return arg_set(a) && !a->fault && !a->truncated && !a->changed &&
				       a->u.sa.family == AF_UNIX && !a->u.sa.abstract &&
				       a->u.sa.unix_len == 8 &&
				       !memcmp(a->u.sa.unix_path, "/dev/log", 8)
			       ? CM_MATCH
			       : CM_NOT;
	case PYX_SC_sendto:
		return a && a->null ? CM_MATCH : CM_NOT;
	default:
		return CM_NOT;
	}
}

/*
 * os.forkpty (Modules/posixmodule.c os_forkpty_impl()): glibc login/forkpty.c forkpty() is
 * openpty() then fork(). openpty() (login/openpty.c) opens the master with __getpt(), that is
 * posix_openpt(O_RDWR | O_NOCTTY): open("/dev/ptmx") exactly (corr_ptmx_open()), and takes the
 * slave from ioctl(master, TIOCGPTPEER), which every kernel with a BPF ring buffer has (4.13
 * on): the fallback's open of /dev/pts/N is not made, and not explained (it would be any
 * terminal's). The child's login_tty() opens nothing (ioctl TIOCSCTTY). Its fork is the clone
 * rule (corr_compare()). Before, the row compared nothing: a genuine os.forkpty() explained a
 * native write open of any file in the parent and in the child before its exec.
 */
static enum corr_cmp cmp_ptmx_shape(const struct corr_claim *cl, const struct pyx_sysview *sv,
				    const struct corr_scpaths *sp, const char **why)
{
	return corr_ptmx_open(sv, sp->abs[0]) ? CM_MATCH : CM_NOT;
}

static enum corr_cmp cmp_sock(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_SOCK);

	if (is_unread(cl, CR_SOCK))
		return CM_NOT; /* no socket the hook read: explains nothing */
	if (a && (int)a->raw != (int)cl->sock_fd)
		return differ(why, roles[CR_SOCK].why);
	return CM_MATCH;
}

static enum corr_cmp addr_cmp(const struct corr_claim *cl, const struct pyx_sockaddr_view *sa,
			      const char **why)
{
	const struct corr_addr *a = &cl->addr;
	uint8_t ip[16];

	bool known;

	if (!a->set)
		return CM_MATCH;
	*why = "address differs";
	known = sa->family == AF_INET || sa->family == AF_INET6 || sa->family == AF_UNIX ||
		sa->family == AF_NETLINK;
	/* a family the monitor does not decode: not compared, but no claim of one names an
	 * address of the four it does (review: a vsock or CAN claim was read as netlink's or
	 * not at all) */
	if (a->foreign || (a->host_is_name && !known))
		return known ? CM_DIFFER : CM_MATCH;
	if (a->two_ints) {
		uint32_t w[2];

		/* sockaddr_nl: family, pad, nl_pid, nl_groups; sockaddr_vm: family, reserved,
		 * port, cid; sockaddr_qrtr: family, pad, node, port */
		if (sa->raw_len < 12 || (known && sa->family != AF_NETLINK))
			return CM_DIFFER;
		memcpy(w, sa->raw + 4, sizeof(w));
		if (sa->family == AF_NETLINK || sa->family == 42 /* AF_QIPCRTR */)
			return w[0] == a->nl_pid && w[1] == a->nl_groups ? CM_MATCH : CM_DIFFER;
		if (sa->family == 40 /* AF_VSOCK */)
			return w[1] == a->nl_pid && w[0] == a->nl_groups ? CM_MATCH : CM_DIFFER;
		return CM_MATCH; /* another family of two ints: not compared */
	}
	if (a->family == AF_UNIX) {
		if (sa->family != AF_UNIX)
			return CM_DIFFER;
		if (sa->abstract)
			return sa->unix_len + 1 == a->unix_len && !a->unix_path[0] &&
					       !memcmp(a->unix_path + 1, sa->unix_path,
						       sa->unix_len)
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

static enum corr_cmp cmp_addr(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *a = sc_arg(sv, CR_ADDR);

	if (is_unread(cl, CR_ADDR))
		return CM_NOT; /* an address the hook did not read: explains nothing */
	if (cl->addr_none) {
		/* socket.sendmsg without an address: a sendmsg with no msg_name, nothing else */
		if (!a || a->null || (a->present && !a->fault && !a->u.sa.raw_len))
			return CM_MATCH;
		if (a->fault || !a->present)
			return CM_NOT; /* its msghdr was not read: cannot tell */
		return differ(why, "an address, where the event names none");
	}
	if (!a || !a->present || a->null || a->fault)
		return cl->addr.set ? differ(why, "no address") : CM_MATCH;
	return addr_cmp(cl, &a->u.sa, why);
}

static enum corr_cmp cmp_hostname(const struct corr_claim *cl, const struct pyx_sysview *sv,
				  const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *b = sc_arg(sv, CR_HOST);

	if (is_unread(cl, CR_HOST))
		return CM_NOT;
	if (!cl->host || !b || !b->present)
		return CM_MATCH;
	if (b->u.buf.len != strlen(cl->host) || memcmp(b->u.buf.bytes, cl->host, b->u.buf.len))
		return differ(why, roles[CR_HOST].why);
	return CM_MATCH;
}

/*
 * os.execve(fd, argv, env) is fexecve(fd) (posixmodule.c os_execve_impl()), which glibc makes
 * execveat(fd, "", argv, envp, AT_EMPTY_PATH) (sysdeps/unix/sysv/linux/fexecve.c): that exact
 * shape and no other (not another fd, not a path, not without AT_EMPTY_PATH). The "" may be in a
 * page the forked child has not touched (glibc's .rodata), read at neither end: then the kernel's
 * own name for what it ran stands in, "/dev/fd/<fd>" (fs/exec.c alloc_bprm() for an empty path
 * with a dirfd), and only when the kernel made it (PYX_PRF_KNAME: a caller's own absolute
 * "/dev/fd/<fd>" reads the same but runs what its mount namespace has there; exec_kname).
 */
static bool exec_of_fd(const struct pyx_sysview *sv, const struct corr_scpaths *sp, int64_t fd)
{
	const struct pyx_sysarg *d = sc_arg(sv, CR_DIRFD), *f = sc_arg(sv, CR_PATH);
	char want[32];

	if (sv->sc != PYX_SC_execveat || !d || (int)d->raw != (int)fd || sv->nargs < 5 ||
	    !(sv->args[4].raw & K_AT_EMPTY_PATH) || !f || f->null)
		return false;
	if (!f->fault)
		return f->present && !f->truncated && f->u.path.str[0] == 0;
	if (sp->exec_failed_unread)
		return true; /* it ran nothing (corr_engine.c exec_failed_unread) */
	snprintf(want, sizeof(want), "/dev/fd/%d", (int)fd);
	return sp->exec_kname && !strcmp(sp->exec_kname, want);
}

/* An argv item: the syscall's s (cut by the BPF side: s_cut) against the claim's c (cut by the
 * hook: c_cut); a cut item is compared as a prefix of the other. */
static bool argv_item_eq(const char *s, bool s_cut, const char *c, bool c_cut)
{
	size_t ls = strlen(s), lc = strlen(c);

	if (!s_cut && !c_cut)
		return !strcmp(s, c);
	if (s_cut && (!c_cut || ls <= lc))
		return lc >= ls && !strncmp(s, c, ls);
	return ls >= lc && !strncmp(s, c, lc);
}

/* execve/execveat of a spawn or exec event: the program and its argv */
static enum corr_cmp cmp_exec(const struct corr_claim *cl, const struct pyx_sysview *sv,
			      const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *f = sc_arg(sv, CR_PATH), *av = sc_arg(sv, CR_ARGV);
	unsigned int i, n;

	if (cl->path_unread[0] || is_unread(cl, CR_EXE) || is_unread(cl, CR_ARGV))
		return CM_NOT; /* a program or argv the hook did not read: neither explained nor
				* against */
	if (cl->path_is_fd[0]) {
		if (!exec_of_fd(sv, sp, cl->fd[0]))
			return differ(why, roles[CR_EXE].why);
	} else if (f && f->fault) {
		/* only a claimed fd may stand on the kernel's name (exec_of_fd) */
		return differ(why, roles[CR_EXE].why);
	}
	if (cl->exe && arg_set(f)) {
		if (f->truncated)
			return CM_NOT; /* the name past the cut is not seen (cmp_path) */
		if (cl->exe_path_lookup) {
			if (strcmp(corr_basename(f->u.path.str), cl->exe))
				return differ(why, roles[CR_EXE].why);
		} else if (cmp_path(cl, 0, f, sp->abs[0], why) == CM_DIFFER) {
			return differ(why, roles[CR_EXE].why);
		}
	}
	if (!cl->argv_known || !arg_set(av))
		return CM_MATCH;
	n = av->u.argv.count;
	if (!av->truncated && !cl->argv_truncated && n != cl->argc)
		return differ(why, roles[CR_ARGV].why);
	for (i = 0; i < n && i < cl->argc; i++) {
		const char *s = av->u.argv.items[i];

		if (cl->argv_skip[i] || !s)
			continue;
		if (!argv_item_eq(s, av->truncated && strlen(s) + 1 >= PYX_SC_ARGV_STR_MAX - 1,
				  cl->argv[i], cl->argv_cut & (1ull << i)))
			return differ(why, roles[CR_ARGV].why);
	}
	return CM_MATCH;
}

/* Composites that only read: a walk or a glob opens directories and lists them (their opens
 * are os.scandir's and os.listdir's); none writes. */
static bool composite_reads_only(unsigned int ev)
{
	return ev == PYX_EV_OS_WALK || ev == PYX_EV_OS_FWALK || ev == PYX_EV_GLOB_GLOB ||
	       ev == PYX_EV_GLOB_GLOB_2 || ev == PYX_EV_PATHLIB_PATH_GLOB ||
	       ev == PYX_EV_PATHLIB_PATH_RGLOB;
}

/* Is the syscall's resolved path a under claimed resolved path c? Never the raw strings: a raw
 * "CLAIM/../.." starts with the claim and is not under it. */
static bool composite_under(const char *a, const char *c)
{
	return a && c && corr_path_under(a, c);
}

/*
 * A composite: what its nested calls do stays under the claimed tree (or address), each path of
 * the syscall by its role. With two claimed paths (shutil.copytree, move, copyfile, copymode,
 * copystat: src, dst), what creates or changes goes under dst (an open for writing, mkdir, chmod,
 * utime, chown), what removes is under src (shutil.move's unlink of its source), a rename takes
 * a path under src to one under dst, and a read-only open may be under either. With one
 * (shutil.rmtree, chown, os.walk, tempfile.*), every path of the syscall is under it. A
 * read-only composite (os.walk, os.fwalk, glob, pathlib's glob) has only read-only opens for
 * counterparts. Resolved paths only (an unresolved one is not under anything).
 */
static enum corr_cmp cmp_composite(const struct corr_claim *cl, const struct pyx_sysview *sv,
				   const struct corr_scpaths *sp, const char **why)
{
	const char *src, *dst;
	bool two, rd;
	unsigned int j;

	if (composite_reads_only(cl->ev) && !corr_open_readonly(sv))
		return CM_NOT;
	/* a tree the hook did not read is no tree: nothing is under it (copytree passes copy2 a
	 * DirEntry as src, which the hook does not read: its dst still holds what it writes) */
	if ((cl->path_unread[0] || cl->path_unread[1]) && !cl->abs[0] && !cl->path[0] &&
	    !cl->abs[1] && !cl->path[1])
		return CM_NOT;
	if (cl->addr.set) {
		const struct pyx_sysarg *a = sc_arg(sv, CR_ADDR);

		if (sv->sc == PYX_SC_connect && a && a->present)
			return addr_cmp(cl, &a->u.sa, why);
		return CM_MATCH;
	}
	if (!cl->abs[0] && !cl->path[0] && !cl->abs[1] && !cl->path[1])
		return CM_MATCH;
	if (!sc_path(sv, 0, NULL))
		return CM_MATCH;
	two = cl->abs[1] || cl->path[1] || cl->path_unread[1];
	src = cl->abs[0];
	dst = two ? cl->abs[1] : cl->abs[0];
	rd = corr_open_readonly(sv);
	for (j = 0; j < CORR_PATHS; j++) {
		const struct pyx_sysarg *a = sc_path(sv, j, NULL);
		const char *abs = sp->abs[j];
		bool ok;

		if (!a || !a->present || a->null)
			continue;
		if (!two)
			ok = composite_under(abs, src);
		else if (rd)
			ok = composite_under(abs, src) || composite_under(abs, dst);
		else if (sc_kind(sv, SK_OPEN))
			ok = composite_under(abs, dst);
		else if (sv->sc == PYX_SC_rename || sv->sc == PYX_SC_renameat ||
			 sv->sc == PYX_SC_renameat2)
			ok = composite_under(abs, j ? dst : src);
		else if (sv->sc == PYX_SC_unlink || sv->sc == PYX_SC_unlinkat ||
			 sv->sc == PYX_SC_rmdir)
			ok = composite_under(abs, src);
		else
			ok = composite_under(abs, dst);
		if (!ok) {
			*why = "path outside the claimed tree";
			return CM_DIFFER;
		}
	}
	return CM_MATCH;
}

/*
 * What glibc's ld.so does loading a library (elf/dl-load.c _dl_map_object_from_fd(),
 * elf/dl-map-segments.h _dl_map_segments()): it opens the file read-only, then maps its
 * PT_LOAD segments from that fd (the first over the whole span, the others MAP_FIXED in it),
 * each with its segment's protection; mprotect(PROT_NONE) of the gaps between segments; an
 * anonymous MAP_FIXED map for a segment's bss, with that segment's protection (read/write);
 * after relocation, RELRO's mprotect(PROT_READ) (_dl_protect_relro()). Only executable maps
 * reach the monitor (the BPF side drops the rest). A loader window explains, of them, an mmap
 * of a file: not MAP_ANONYMOUS, an fd the process opened with no write access under an audit
 * event's window (sp->map_ro_file, as ld.so's open is under the loader's), never writable and
 * executable at once; and no mprotect with PROT_EXEC. Stays flagged: a library with text
 * relocations (elf/dl-reloc.c makes its text writable, then restores PROT_EXEC with mprotect),
 * one that asks for an executable stack (PT_GNU_STACK PF_X: _dl_make_stack_executable()'s
 * mprotect of the stack; glibc 2.41 refuses such a dlopen by default) and a segment both
 * writable and executable (its bss map is anonymous and executable): rare, and what a shellcode
 * loader does. Before, every executable map matched: a genuine ctypes.CDLL("libm.so.6") or an
 * import explained an anonymous RWX mmap or an mprotect(heap, RWX) made right after it. Left:
 * an fd number reused since its read-only open by an untraced call (close(2), memfd_create,
 * dup2 are not traced) still reads as that file.
 */
static bool loader_map(const struct pyx_sysview *sv, const struct corr_scpaths *sp)
{
	const struct pyx_sysarg *pr = sc_arg(sv, CR_PROT);

	return sv->sc == PYX_SC_mmap && pr && !map_anon(sv) && sp->map_ro_file &&
	       (pr->raw & (K_PROT_WRITE | K_PROT_EXEC)) != (K_PROT_WRITE | K_PROT_EXEC);
}

/* What a loader or resolver does on the event's behalf: read, map code from a file it read
 * (loader_map()), ask nscd/DNS. Writing is never part of it. */
static enum corr_cmp cmp_loader(const struct corr_claim *cl, const struct pyx_sysview *sv,
				const struct corr_scpaths *sp, const char **why)
{
	const struct pyx_sysarg *p = sc_arg(sv, CR_PATH);

	if (sc_kind(sv, SK_OPEN)) {
		if (!corr_open_readonly(sv))
			return CM_NOT;
		if (cl->lib && p && p->present) {
			const char *want = cl->lib, *got = p->u.path.str;

			if (strchr(want, '/') ? strcmp(want, got)
					      : strcmp(corr_basename(got), want))
				return differ(why, roles[CR_LIB].why);
		}
		return CM_MATCH;
	}
	if (sc_kind(sv, SK_MAP))
		return corr_exec_map(sv) && loader_map(sv, sp) ? CM_MATCH : CM_NOT;
	/* A resolver's sensitive socket syscalls are those of one lookup by glibc, exactly
	 * (corr_lookup_shape): a forged sys.audit("socket.getaddrinfo", ...) explains no other
	 * connect, bind, raw socket or send to an address (docs/correlation.md, "Resolver
	 * windows"). Its other sockets, sends on a connected socket and netlink are not sensitive:
	 * counterparts, as before; but not a send on __check_pf()'s netlink socket other than its
	 * RTM_GETADDR request (corr_check_pf_send()), which the engine makes sensitive. */
	if ((cl->cls & CC_RESOLVER) && sp->nl_send_odd)
		return CM_NOT;
	if ((cl->cls & CC_RESOLVER) && corr_sensitive(sv) &&
	    !corr_lookup_shape(sv, cl->gai, cl->addr.set ? cl->addr.port : 0, sp))
		return CM_NOT;
	return CM_MATCH;
}

/*
 * An event whose row compares no argument (CC_NOARGS: glob, archives, webbrowser.open, os.fork,
 * os.forkpty, the protocol libraries' sends, syslog, an event with counterparts and no row):
 * nothing it says narrows what it would explain, so it explains no sensitive syscall but of a
 * shape its row names (a *_shape comparator, run on every counterpart: cmp_syslog_shape,
 * cmp_ptmx_shape). Without one, its non-sensitive counterparts match (a send on a connected
 * socket, a read-only open, a clone), a sensitive one is not a counterpart: what glob's walk
 * or unpack_archive writes, their nested open / os.mkdir events explain; webbrowser.open's exec,
 * its subprocess.Popen's. Before, every counterpart matched: a forged http.client.send explained
 * a sendto anywhere, webbrowser.open an exec of any program, os.forkpty a write open of any file.
 */
static enum corr_cmp noargs_compare(const struct ev_row *row, const struct corr_claim *cl,
				    const struct pyx_sysview *sv, const struct corr_scpaths *sp,
				    const char **why)
{
	enum corr_cmp r;
	unsigned int i;

	if (!row || row->cmp[0] == cmp_none)
		return corr_sensitive(sv) ? CM_NOT : CM_MATCH;
	for (i = 0; i < CORR_EV_CMPS; i++) {
		r = row->cmp[i](cl, sv, sp, why);
		if (r != CM_MATCH)
			return r;
	}
	return CM_MATCH;
}

enum corr_cmp corr_compare(const struct corr_claim *cl, const struct pyx_sysview *sv,
			   const struct corr_scpaths *sp, const char **why)
{
	const struct ev_row *row;
	enum corr_cmp r;
	unsigned int i;

	*why = NULL;
	if (!corr_scset_has(&cl->sc_mask, sv->sc))
		return CM_NOT;
	if (cl->cls & (CC_LOADER | CC_RESOLVER))
		return cmp_loader(cl, sv, sp, why);
	if (sc_kind(sv, SK_CLONE)) {
		/* Nothing to compare (the child is followed), but a thread is not a process:
		 * os.fork is fork() (posixmodule.c os_fork_impl()), a new Python thread is
		 * pthread_create() (Modules/_threadmodule.c via Python/thread_pthread.h
		 * PyThread_start_new_thread()), whose clone/clone3 carries CLONE_THREAD. A
		 * Pool's threads made after os.fork are not the fork's counterparts. */
		bool thread;

		/* No audit event of CPython's asks for a new namespace (os.unshare is 3.12's, and
		 * unshare(2)): a clone that does is no event's counterpart, forged or genuine. */
		if (sens_clone_ns(sv))
			return CM_NOT;
		thread = sv->sc == PYX_SC_clone ? !!(sv->args[0].raw & K_CLONE_THREAD)
			 : sv->sc == PYX_SC_clone3
				 ? sv->args[0].present && !sv->args[0].null && !sv->args[0].fault &&
					   (sv->args[0].u.clone.flags & K_CLONE_THREAD)
				 : false;

		if (cl->ev == PYX_EV_THREAD_START_NEW_THREAD)
			return thread ? CM_MATCH : CM_NOT;
		return thread ? CM_NOT : CM_MATCH;
	}
	row = cl->ev < PYX_EV__COUNT ? &ev_rows[cl->ev] : NULL;
	if (row && !row->present)
		row = NULL;
	if (cl->cls & CC_NOARGS)
		return noargs_compare(row, cl, sv, sp, why);
	if (sc_kind(sv, SK_EXEC))
		return cmp_exec(cl, sv, sp, why);
	if (cl->cls & CC_COMPOSITE)
		return cmp_composite(cl, sv, sp, why);
	if (!row)
		return CM_MATCH;
	/* in table order: the first comparator that differs gives the reason */
	for (i = 0; i < CORR_EV_CMPS; i++) {
		r = row->cmp[i](cl, sv, sp, why);
		if (r != CM_MATCH)
			return r;
	}
	return CM_MATCH;
}

/* ---- host names resolved before their event (docs/correlation.md, "Host names resolved
 * before their event") ---- */

/* What the getaddrinfo rule accepts in its window: socket.getaddrinfo's own claim, made once,
 * compared as corr_compare() does (claim_resolver_gai, cmp_loader). */
bool corr_resolver_shape(const struct pyx_sysview *sv, const struct corr_scpaths *sp)
{
	static struct corr_claim gai;
	static bool made;
	const char *why;

	if (!made) {
		struct pyx_event ev = { .event_id = PYX_EV_SOCKET_GETADDRINFO };

		made = corr_claim_init(&gai, &ev); /* no argument: nothing to free */
		if (!made)
			return false;
	}
	if (sv->io_uring || sv->changed)
		return false;
	/* glibc maps NSS modules in a lookup (explained by native_lib, or flagged) */
	return corr_exec_map(sv) || corr_compare(&gai, sv, sp, &why) == CM_MATCH;
}

/* Of those, the sensitive ones glibc's getaddrinfo() makes for Modules/socketmodule.c
 * setipaddr() (corr_lookup_shape, the getaddrinfo window's own): the nameserver connects, and
 * __check_pf()'s netlink socket and bind and rfc3484_sort()'s connects when the lookup found
 * several addresses (no service: port 0). Not a read or a map: those are not held. */
bool corr_resolver_pre_shape(const struct pyx_sysview *sv, const struct corr_scpaths *sp)
{
	switch (sv->sc) {
	case PYX_SC_socket:
	case PYX_SC_bind:
	case PYX_SC_connect:
		return !sv->io_uring && !sv->changed && corr_lookup_shape(sv, true, 0, sp);
	default:
		return false;
	}
}

/* Is ev a socket event whose address CPython resolved as a host name before raising it
 * (socketmodule.c getsockaddrarg() -> setipaddr() -> getaddrinfo(), then PySys_Audit())? Not
 * "" (getaddrinfo(NULL, "0", AI_PASSIVE): no lookup), "<broadcast>", a numeric address
 * (inet_pton, as setipaddr() tries first), one glibc's getaddrinfo() reads as a number without
 * asking anyone (inet_aton's "127.1", an IPv6 address with a "%scope"), or an AF_UNIX path. */
bool corr_resolver_pre_event(const struct pyx_event *ev)
{
	struct corr_claim cl;
	struct in_addr in;
	uint8_t ip6[16];
	char host[sizeof(cl.addr.host)], *pct;
	bool r;

	switch (ev->event_id) {
	case PYX_EV_SOCKET_CONNECT:
	case PYX_EV_SOCKET_BIND:
	case PYX_EV_SOCKET_SENDTO:
	case PYX_EV_SOCKET_SENDMSG:
		break;
	default:
		return false;
	}
	if (!corr_claim_init(&cl, ev))
		return false;
	r = cl.addr.set && cl.addr.host_is_name;
	snprintf(host, sizeof(host), "%s", cl.addr.host);
	corr_claim_free(&cl);
	if (!r || inet_aton(host, &in))
		return false;
	pct = strchr(host, '%');
	if (pct) {
		*pct = 0;
		if (inet_pton(AF_INET6, host, ip6) == 1)
			return false;
	}
	return true;
}
