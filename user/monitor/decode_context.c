// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process context (issue 11). See decode_context.h.
 *
 * One entry per (pid, exec): an exec or a fork record starts a new version valid from its ts; the
 * version it replaces, or the process's exit, marks the old one dead, and dead versions are freed
 * PCTX_GRACE_NS after, once the correlator has written every record it held of them.
 *
 * Never blocking on what a monitored process controls: argv comes from the exec record (BPF read
 * it when the kernel had just written it: /proc/PID/cmdline takes the target's mm and can wait on
 * a FUSE or userfaultfd page the process set up); /proc is read only for links the kernel
 * resolves itself (exe, cwd, ns/pid: no lookup in a path the process names) and small text files
 * that take no lock of the target's memory (stat, status, loginuid, cgroup), opened with
 * O_NONBLOCK|O_NOFOLLOW and read once, bounded. The cgroup path comes from the cgroup id the
 * kernel gave (open_by_handle_at on the cgroup2 mount, which names the very cgroup the process was
 * in at exec), /proc/PID/cgroup when that is refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"
#include "decode_context.h"
#include "decode_syscall.h"

#define PCTX_BUCKETS 4096
#define PCTX_GRACE_NS (30ULL * 1000000000ULL)
#define PCTX_FILE_MAX 4096
#define CGROUP2_MAGIC 0x63677270
#define FILEID_KERNFS 0xfe
#define CG_CACHE 256

struct pent {
	struct pent *next;  /* bucket chain, newest first: other pids, and older versions */
	struct pent *dnext; /* dead versions, oldest first */
	uint32_t pid, ppid, uid, euid, auid, ns_pid, pidns_ino;
	bool has_ppid, has_uid, has_uids, has_ns, argv_truncated, has_parent;
	uint64_t from_ns, dead_ns, cgroup_id;
	char *exec_id, *exe, *cwd, *cgroup, *argv_json;
	char *p_exec_id, *p_exe;
	uint32_t p_pid;
	char *head, *tail; /* rendered around the record's tid */
	size_t head_len, tail_len;
	/* the digits of the last tid written between them (a thread's records come in runs):
	 * tid_len 0, none yet */
	uint32_t tid_last;
	uint8_t tid_len;
	char tid_text[16];
};

struct cg_ent {
	uint64_t id;
	char *path;
};

struct pyx_pctx {
	char procfs[64];
	char node[256];
	char boot_id[64];
	uint32_t self;
	long hz;
	int cgfd; /* the cgroup2 mount, or -1 */
	char cgroot[64];
	struct pent *b[PCTX_BUCKETS];
	struct pent *dhead, *dtail;
	struct cg_ent cg[CG_CACHE];
	pyx_pctx_exec_fn exec_fn;
	void *exec_ctx;
};

/* ---- container ids from cgroup paths ---- */

/*
 * One row per shape a runtime gives its containers' cgroups, matched against each path component
 * from the innermost out. prefix/suffix frame the id; parent, when set, is what the component
 * before must be (cgroupfs drivers name the container by its bare id); hex64 says the id is a
 * 64-digit hex container id (a name otherwise).
 */
struct cg_pattern {
	const char *prefix, *suffix, *parent, *runtime;
	bool hex64;
};

static const struct cg_pattern cg_patterns[] = {
	/* systemd cgroup driver */
	{ "docker-", ".scope", NULL, "docker", true },
	{ "cri-containerd-", ".scope", NULL, "containerd", true },
	{ "crio-", ".scope", NULL, "cri-o", true },
	{ "libpod-", ".scope", NULL, "podman", true },
	/* cgroupfs driver */
	{ "", "", "docker", "docker", true },
	{ "", "", "libpod_parent", "podman", true },
	{ "", "", "pod*", "kubernetes", true }, /* /kubepods/<qos>/pod<uid>/<id> */
	/* names, not hashes */
	{ "lxc.payload.", "", NULL, "lxc", false },
	{ "", "", "lxc", "lxc", false },
	{ "machine-", ".scope", NULL, "systemd-nspawn", false },
};

static bool is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool parent_is(const char *want, const char *par, size_t plen)
{
	size_t n = strlen(want);

	if (!par)
		return false;
	if (n && want[n - 1] == '*')
		return plen >= n - 1 && !strncmp(par, want, n - 1);
	return plen == n && !strncmp(par, want, n);
}

/* comp/len: one path component; par/plen the one before it (NULL at the top). */
static const struct cg_pattern *cg_match(const char *comp, size_t len, const char *par, size_t plen,
					 const char **id, size_t *id_len)
{
	size_t i;

	for (i = 0; i < sizeof(cg_patterns) / sizeof(cg_patterns[0]); i++) {
		const struct cg_pattern *p = &cg_patterns[i];
		size_t pl = strlen(p->prefix), sl = strlen(p->suffix);

		if (len <= pl + sl || strncmp(comp, p->prefix, pl) ||
		    strncmp(comp + len - sl, p->suffix, sl))
			continue;
		if (p->parent && !parent_is(p->parent, par, plen))
			continue;
		if (p->hex64 && !is_hex64(comp + pl, len - pl - sl))
			continue; /* crio-conmon-<id>.scope, libpod-conmon-...: the monitor, not it */
		*id = comp + pl;
		*id_len = len - pl - sl;
		return p;
	}
	return NULL;
}

/* systemd escapes '-' in unit names as \x2d: a machine name is shown as it was given */
static void unescape(char *out, size_t size, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < size; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && s[i + 2] == '2' &&
		    s[i + 3] == 'd') {
			out[o++] = '-';
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = 0;
}

int pyx_container_parse(const char *path, char *id, size_t id_size, const char **runtime,
			char *unit, size_t unit_size)
{
	const char *comps[64], *end;
	size_t lens[64], n = 0, i;
	bool found = false, unit_found = false;
	const char *s = path;

	if (id_size)
		id[0] = 0;
	if (unit_size)
		unit[0] = 0;
	*runtime = NULL;
	while (s && *s && n < 64) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		end = strchr(s, '/');
		comps[n] = s;
		lens[n] = end ? (size_t)(end - s) : strlen(s);
		n++;
		s = end;
	}
	for (i = n; i-- > 0;) {
		const struct cg_pattern *p;
		const char *cid;
		size_t cl;

		if (!unit_found && lens[i] > 6 &&
		    (!strncmp(comps[i] + lens[i] - 6, ".scope", 6) ||
		     (lens[i] > 8 && !strncmp(comps[i] + lens[i] - 8, ".service", 8)))) {
			unit_found = true;
			if (unit_size)
				snprintf(unit, unit_size, "%.*s", (int)lens[i], comps[i]);
		}
		if (found)
			continue;
		p = cg_match(comps[i], lens[i], i ? comps[i - 1] : NULL, i ? lens[i - 1] : 0, &cid,
			     &cl);
		if (!p)
			continue;
		found = true;
		*runtime = p->runtime;
		unescape(id, id_size, cid, cl);
	}
	return found;
}

/* ---- exec_id ---- */

void pyx_exec_id(char *out, size_t size, const char *node, const char *boot_id, uint64_t start_ns,
		 uint32_t pid)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char raw[512];
	size_t n, i, o = 0;

	n = snprintf(raw, sizeof(raw), "%s:%s:%" PRIu64 ":%" PRIu32, node, boot_id, start_ns, pid);
	if (n >= sizeof(raw))
		n = sizeof(raw) - 1;
	for (i = 0; i < n && o + 5 <= size; i += 3) {
		uint32_t v = (uint8_t)raw[i] << 16;

		if (i + 1 < n)
			v |= (uint8_t)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (uint8_t)raw[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	if (size)
		out[o < size ? o : size - 1] = 0;
}

/* ---- /proc, bounded and non-blocking ---- */

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static char *read_link(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n <= 0 || n >= (ssize_t)sizeof(buf) - 1)
		return NULL;
	buf[n] = 0;
	return strdup(buf);
}

static char *proc_link(struct pyx_pctx *pc, uint32_t pid, const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%u/%s", pc->procfs, pid, what);
	return read_link(path);
}

/* "NSpid:\t1234\t1" and the pid namespace's inode, from the process itself */
static void proc_ns(struct pyx_pctx *pc, struct pent *e)
{
	char path[128], buf[PCTX_FILE_MAX], *l, *ns;
	unsigned long ino;

	snprintf(path, sizeof(path), "%s/%u/status", pc->procfs, e->pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return;
	l = strstr(buf, "\nNSpid:");
	ns = proc_link(pc, e->pid, "ns/pid");
	if (l && ns && sscanf(ns, "pid:[%lu]", &ino) == 1) {
		char *eol = strchr(l + 1, '\n'), *last = NULL, *p;

		if (eol)
			*eol = 0;
		for (p = l + 7; *p; p++)
			if ((*p >= '0' && *p <= '9') && (p[-1] == '\t' || p[-1] == ' '))
				last = p;
		if (last) {
			e->ns_pid = strtoul(last, NULL, 10);
			e->pidns_ino = ino;
			e->has_ns = true;
		}
	}
	free(ns);
}

/* The cgroup v2 path of a cgroup id: the kernel's own name for that cgroup, if it still exists. */
static char *cgroup_by_id(struct pyx_pctx *pc, uint64_t id)
{
	union {
		struct file_handle fh;
		char raw[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	struct cg_ent *c = &pc->cg[id % CG_CACHE];
	char self[64], *p;
	int fd;
	size_t rl;

	if (!id || pc->cgfd < 0)
		return NULL;
	if (c->id == id && c->path)
		return strdup(c->path);
	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(pc->cgfd, &h.fh, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	p = read_link(self);
	close(fd);
	rl = strlen(pc->cgroot);
	if (!p || strncmp(p, pc->cgroot, rl) || (p[rl] && p[rl] != '/')) {
		free(p);
		return NULL;
	}
	memmove(p, p + rl, strlen(p + rl) + 1);
	if (!p[0]) {
		free(p);
		p = strdup("/");
	}
	if (p) {
		free(c->path);
		c->id = id;
		c->path = strdup(p);
	}
	return p;
}

/* "0::/path" of /proc/PID/cgroup: where the process is now */
static char *cgroup_of(struct pyx_pctx *pc, uint32_t pid)
{
	char path[128], buf[PCTX_FILE_MAX], *l, *eol;

	snprintf(path, sizeof(path), "%s/%u/cgroup", pc->procfs, pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return NULL;
	l = !strncmp(buf, "0::", 3) ? buf : strstr(buf, "\n0::");
	if (!l)
		return NULL;
	if (l != buf)
		l++;
	l += 3;
	eol = strchr(l, '\n');
	if (eol)
		*eol = 0;
	return l[0] == '/' ? strdup(l) : NULL;
}

static uint64_t cgroup_ino(struct pyx_pctx *pc, const char *cg)
{
	char path[PATH_MAX];
	struct stat st;

	if (pc->cgfd < 0 || !cg)
		return 0;
	snprintf(path, sizeof(path), "%s%s", pc->cgroot, strcmp(cg, "/") ? cg : "");
	return stat(path, &st) ? 0 : st.st_ino;
}

/* ---- the cache ---- */

static struct pent **bucket(struct pyx_pctx *pc, uint32_t pid)
{
	return &pc->b[(pid * 2654435761u) % PCTX_BUCKETS];
}

/* the newest version of pid's entry */
static struct pent *newest(struct pyx_pctx *pc, uint32_t pid)
{
	struct pent *e;

	for (e = *bucket(pc, pid); e; e = e->next)
		if (e->pid == pid)
			return e;
	return NULL;
}

static void pent_free(struct pent *e)
{
	if (!e)
		return;
	free(e->exec_id);
	free(e->exe);
	free(e->cwd);
	free(e->cgroup);
	free(e->argv_json);
	free(e->p_exec_id);
	free(e->p_exe);
	free(e->head);
	free(e->tail);
	free(e);
}

static void kill_at(struct pyx_pctx *pc, struct pent *e, uint64_t ts)
{
	if (!e || e->dead_ns)
		return;
	e->dead_ns = ts ? ts : 1;
	e->dnext = NULL;
	if (pc->dtail)
		pc->dtail->dnext = e;
	else
		pc->dhead = e;
	pc->dtail = e;
}

static void gc(struct pyx_pctx *pc, uint64_t now)
{
	struct pent *d, **pp;

	while ((d = pc->dhead) && d->dead_ns + PCTX_GRACE_NS < now) {
		pc->dhead = d->dnext;
		if (!pc->dhead)
			pc->dtail = NULL;
		for (pp = bucket(pc, d->pid); *pp; pp = &(*pp)->next) {
			if (*pp == d) {
				*pp = d->next;
				break;
			}
		}
		pent_free(d);
	}
}

static void json_str(struct pyx_buf *b, const char *key, const char *s)
{
	if (!s)
		return;
	pyx_buf_printf(b, ",\"%s\":", key);
	pyx_json_bytes(b, s, strlen(s));
}

static void render(struct pyx_pctx *pc, struct pent *e)
{
	struct pyx_buf b = { 0 };
	char id[128], unit[256];
	const char *rt;

	pyx_buf_puts(&b, ",\"process\":{");
	if (e->exec_id)
		pyx_buf_printf(&b, "\"exec_id\":\"%s\",", e->exec_id);
	pyx_buf_printf(&b, "\"pid\":%u,\"tid\":", e->pid);
	e->head = b.oom ? NULL : strndup(b.p, b.len);
	e->head_len = b.len;
	b.len = 0;
	if (e->has_ppid)
		pyx_buf_printf(&b, ",\"ppid\":%u", e->ppid);
	if (e->has_uid)
		pyx_buf_printf(&b, ",\"uid\":%u", e->uid);
	if (e->has_uids)
		pyx_buf_printf(&b, ",\"euid\":%u,\"auid\":%u", e->euid, e->auid);
	if (e->has_ns)
		pyx_buf_printf(&b, ",\"ns_pid\":%u,\"pid_ns\":%u", e->ns_pid, e->pidns_ino);
	json_str(&b, "exe", e->exe);
	if (e->argv_json) {
		pyx_buf_printf(&b, ",\"argv\":%s", e->argv_json);
		if (e->argv_truncated)
			pyx_buf_puts(&b, ",\"argv_truncated\":true");
	}
	json_str(&b, "cwd", e->cwd);
	if (e->cgroup_id)
		pyx_buf_printf(&b, ",\"cgroup_id\":%" PRIu64, e->cgroup_id);
	json_str(&b, "cgroup", e->cgroup);
	if (e->cgroup) {
		if (pyx_container_parse(e->cgroup, id, sizeof(id), &rt, unit, sizeof(unit))) {
			json_str(&b, "container_id", id);
			json_str(&b, "container_runtime", rt);
		}
		if (unit[0])
			json_str(&b, "unit", unit);
	}
	pyx_buf_putc(&b, '}');
	if (e->has_parent) {
		pyx_buf_puts(&b, ",\"parent\":{");
		if (e->p_exec_id)
			pyx_buf_printf(&b, "\"exec_id\":\"%s\",", e->p_exec_id);
		pyx_buf_printf(&b, "\"pid\":%u", e->p_pid);
		json_str(&b, "exe", e->p_exe);
		pyx_buf_putc(&b, '}');
	}
	e->tail = b.oom ? NULL : strndup(b.p, b.len);
	e->tail_len = b.len;
	pyx_buf_free(&b);
	(void)pc;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void set_parent(struct pent *e, const struct pent *p)
{
	if (!p)
		return;
	e->has_parent = true;
	e->p_pid = p->pid;
	e->p_exec_id = dup_or_null(p->exec_id);
	e->p_exe = dup_or_null(p->exe);
}

static void insert(struct pyx_pctx *pc, struct pent *e)
{
	struct pent **bk = bucket(pc, e->pid);

	render(pc, e);
	e->next = *bk;
	*bk = e;
}

static struct pent *from_proc(struct pyx_pctx *pc, uint32_t pid, uint64_t from, int depth);

/* The parent's current version at ts, read from /proc when the cache does not have it. */
static struct pent *parent_at(struct pyx_pctx *pc, uint32_t ppid, uint64_t ts, int depth)
{
	struct pent *p = newest(pc, ppid);

	if (!ppid)
		return NULL;
	if (p && (!p->dead_ns || p->dead_ns >= ts))
		return p;
	if (depth >= 1)
		return NULL;
	p = from_proc(pc, ppid, p ? p->dead_ns + 1 : 0, depth + 1);
	/* read for its children only (a shell, the test runner: no exit record will come): freed
	 * after the grace period like a dead one; its own records, if any, read it again */
	kill_at(pc, p, ts);
	return p;
}

/* A process the monitor did not see start: all it knows comes from /proc now. */
static struct pent *from_proc(struct pyx_pctx *pc, uint32_t pid, uint64_t from, int depth)
{
	char path[128], buf[PCTX_FILE_MAX], *s;
	unsigned long long start = 0;
	unsigned int ppid = 0, uid, euid;
	struct pent *e = calloc(1, sizeof(*e));
	char id[512];

	if (!e)
		return NULL;
	e->pid = pid;
	e->from_ns = from;
	snprintf(path, sizeof(path), "%s/%u/stat", pc->procfs, pid);
	/* fields after the comm's closing parenthesis: state, ppid, ..., starttime (22nd) */
	if (read_small(path, buf, sizeof(buf)) > 0 && (s = strrchr(buf, ')')) &&
	    sscanf(s + 1,
		   " %*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
		   "%*d %llu",
		   &ppid, &start) == 2) {
		e->ppid = ppid;
		e->has_ppid = true;
		pyx_exec_id(id, sizeof(id), pc->node, pc->boot_id,
			    start * (1000000000ULL / (unsigned long long)pc->hz), pid);
		e->exec_id = strdup(id);
	}
	snprintf(path, sizeof(path), "%s/%u/status", pc->procfs, pid);
	if (read_small(path, buf, sizeof(buf)) > 0 && (s = strstr(buf, "\nUid:")) &&
	    sscanf(s + 5, "%u %u", &uid, &euid) == 2) {
		e->uid = uid;
		e->has_uid = true;
		e->euid = euid;
		e->auid = 0xffffffff;
		snprintf(path, sizeof(path), "%s/%u/loginuid", pc->procfs, pid);
		if (read_small(path, buf, sizeof(buf)) > 0)
			e->auid = strtoul(buf, NULL, 10);
		e->has_uids = true;
	}
	proc_ns(pc, e);
	e->exe = proc_link(pc, pid, "exe");
	e->cwd = proc_link(pc, pid, "cwd");
	e->cgroup = cgroup_of(pc, pid);
	e->cgroup_id = cgroup_ino(pc, e->cgroup);
	if (e->has_ppid)
		set_parent(e, parent_at(pc, ppid, from, depth));
	insert(pc, e);
	return e;
}

/* /proc/PID/exe's name when it still is the file exec loaded (ino/dev from the exec record): a
 * process read late may run another image by now. AT_STATX_DONT_SYNC: a FUSE file's attributes
 * come from the cache, never from its daemon, which the process may be. */
static char *exe_if_same(struct pyx_pctx *pc, uint32_t pid, uint64_t ino, uint32_t dev)
{
	char path[128];
	struct statx st;

	snprintf(path, sizeof(path), "%s/%u/exe", pc->procfs, pid);
	if (!ino || statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_INO, &st) ||
	    st.stx_ino != ino || st.stx_dev_major != dev >> 20 ||
	    st.stx_dev_minor != (dev & 0xfffff))
		return NULL;
	return read_link(path);
}

static char *argv_json(const char *s, size_t n)
{
	struct pyx_buf b = { 0 };
	size_t i = 0, l;
	char *out;

	pyx_buf_putc(&b, '[');
	while (i < n) {
		l = strnlen(s + i, n - i);
		if (i)
			pyx_buf_putc(&b, ',');
		pyx_json_bytes(&b, s + i, l);
		i += l + 1;
	}
	pyx_buf_putc(&b, ']');
	out = b.oom ? NULL : strndup(b.p, b.len);
	pyx_buf_free(&b);
	return out;
}

static void on_exec(struct pyx_pctx *pc, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *h = &pv->rec->hdr;
	struct pent *old = newest(pc, h->pid), *par, *e = calloc(1, sizeof(*e));
	char id[512];

	if (!e)
		return;
	e->pid = h->pid;
	e->from_ns = h->ts_ns;
	e->ppid = pv->ppid;
	e->has_ppid = true;
	e->uid = h->uid;
	e->has_uid = true;
	e->euid = pv->euid;
	e->auid = pv->auid;
	e->has_uids = true;
	if (pv->pidns_ino) {
		e->ns_pid = pv->ns_pid;
		e->pidns_ino = pv->pidns_ino;
		e->has_ns = true;
	}
	pyx_exec_id(id, sizeof(id), pc->node, pc->boot_id, h->ts_ns, h->pid);
	e->exec_id = strdup(id);
	e->exe = exe_if_same(pc, h->pid, pv->exe_ino, pv->exe_dev);
	if (!e->exe && pv->filename)
		e->exe = strndup(pv->filename, pv->filename_len);
	e->cwd = proc_link(pc, h->pid, "cwd");
	if (!e->cwd && old) /* exec keeps the working directory */
		e->cwd = dup_or_null(old->cwd);
	if (pv->argv) {
		e->argv_json = argv_json(pv->argv, pv->argv_len);
		e->argv_truncated = pv->argv_truncated;
	}
	e->cgroup_id = h->cgroup_id;
	e->cgroup = cgroup_by_id(pc, h->cgroup_id);
	if (!e->cgroup) {
		e->cgroup = cgroup_of(pc, h->pid);
		if (e->cgroup && cgroup_ino(pc, e->cgroup) != h->cgroup_id) {
			free(e->cgroup); /* it moved since: not the cgroup it exec'd in */
			e->cgroup = NULL;
		}
	}
	par = parent_at(pc, pv->ppid, h->ts_ns, 0);
	if (par)
		set_parent(e, par);
	else if (old && old->has_parent && old->p_pid == pv->ppid)
		set_parent(e, &(struct pent){ .pid = old->p_pid,
					      .exec_id = old->p_exec_id,
					      .exe = old->p_exe });
	kill_at(pc, old, h->ts_ns);
	insert(pc, e);
}

static void on_fork(struct pyx_pctx *pc, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *h = &pv->rec->hdr;
	struct pent *par = parent_at(pc, h->pid, h->ts_ns, 0), *e, *old;
	char id[512];

	if (!par || !(e = calloc(1, sizeof(*e))))
		return;
	/* a fork copies everything but the pid: what the parent had at exec */
	e->pid = pv->child_pid;
	e->from_ns = h->ts_ns;
	e->ppid = h->pid;
	e->has_ppid = true;
	e->uid = par->uid;
	e->has_uid = par->has_uid;
	e->euid = par->euid;
	e->auid = par->auid;
	e->has_uids = par->has_uids;
	e->exe = dup_or_null(par->exe);
	e->cwd = dup_or_null(par->cwd);
	e->argv_json = dup_or_null(par->argv_json);
	e->argv_truncated = par->argv_truncated;
	e->cgroup_id = par->cgroup_id;
	e->cgroup = dup_or_null(par->cgroup);
	/* not the parent's: a child of unshare(CLONE_NEWPID) is pid 1 of a new namespace */
	proc_ns(pc, e);
	pyx_exec_id(id, sizeof(id), pc->node, pc->boot_id, h->ts_ns, e->pid);
	e->exec_id = strdup(id);
	set_parent(e, par);
	old = newest(pc, e->pid);
	kill_at(pc, old, h->ts_ns);
	insert(pc, e);
}

static bool exec_kept(struct pyx_pctx *pc, uint32_t pid, uint64_t after)
{
	union {
		struct pyx_rec_process rec;
		char raw[sizeof(struct pyx_rec_process) + PYX_SC_STR_MAX + PYX_PROC_ARGV_MAX + 64];
	} u;
	struct pyx_procview pv;
	size_t n = pc->exec_fn(pc->exec_ctx, pid, &u, sizeof(u));

	if (!n || u.rec.hdr.size > n || u.rec.hdr.pid != pid || u.rec.hdr.ts_ns <= after ||
	    pyx_procrec_decode(&u, u.rec.hdr.size, &pv) || pv.kind != PYX_PROC_EXEC)
		return false;
	on_exec(pc, &pv);
	return true;
}

void pyx_pctx_set_exec_lookup(struct pyx_pctx *pc, pyx_pctx_exec_fn fn, void *ctx)
{
	if (!pc)
		return;
	pc->exec_fn = fn;
	pc->exec_ctx = ctx;
}

/* A process record's part of pyx_pctx_record(): true when it is all (an exec); *is_exit. Apart,
 * so that the records of every other type do not set up its view's frame. */
static __attribute__((noinline)) bool on_process(struct pyx_pctx *pc, const void *rec, size_t size,
						 bool *is_exit)
{
	struct pyx_procview pv;

	if (pyx_procrec_decode(rec, size, &pv))
		return false;
	*is_exit = pv.kind == PYX_PROC_EXIT;
	if (pv.kind == PYX_PROC_EXEC) {
		on_exec(pc, &pv);
		return true;
	}
	if (pv.kind == PYX_PROC_FORK && !pv.thread)
		on_fork(pc, &pv);
	return false;
}

void pyx_pctx_record(struct pyx_pctx *pc, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;
	bool is_exit = false;
	struct pent *e;

	if (!pc || size < sizeof(*h))
		return;
	gc(pc, h->ts_ns);
	if (h->type == PYX_REC_PROCESS && on_process(pc, rec, size, &is_exit))
		return;
	if (!h->pid || h->pid == pc->self)
		return;
	e = newest(pc, h->pid);
	if (e && (!e->dead_ns || e->dead_ns >= h->ts_ns)) {
		if (is_exit)
			kill_at(pc, e, h->ts_ns);
		return;
	}
	/* not seen starting, or a new process with a pid the cache saw exit: its exec as the
	 * kernel side kept it (-a), else /proc */
	if (pc->exec_fn && exec_kept(pc, h->pid, e ? e->dead_ns : 0))
		return;
	e = from_proc(pc, h->pid, e ? e->dead_ns + 1 : 0, 0);
	if (e && !e->has_uid) {
		e->uid = h->uid; /* the process is gone: what the record says */
		e->has_uid = true;
		free(e->head);
		free(e->tail);
		render(pc, e);
	}
}

void pyx_pctx_json(struct pyx_pctx *pc, struct pyx_buf *b, uint32_t pid, uint32_t tid, uint64_t ts)
{
	struct pent *e;

	if (!pc || !pid || pid == pc->self)
		return;
	for (e = *bucket(pc, pid); e; e = e->next)
		if (e->pid == pid && e->from_ns <= ts)
			break;
	if (!e || !e->head || !e->tail)
		return;
	/* on every record: the two cached parts with their lengths, the tid's digits kept */
	if (!e->tid_len || e->tid_last != tid) {
		char tmp[10], *d = tmp + sizeof(tmp);
		uint32_t v = tid;

		do {
			*--d = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		e->tid_len = (uint8_t)(tmp + sizeof(tmp) - d);
		memcpy(e->tid_text, d, e->tid_len);
		e->tid_last = tid;
	}
	pyx_buf_write(b, e->head, e->head_len);
	pyx_buf_write16(b, e->tid_text, e->tid_len);
	pyx_buf_write(b, e->tail, e->tail_len);
}

static void read_line(const char *path, char *out, size_t size)
{
	char buf[256];
	size_t n;

	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	n = strcspn(buf, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, buf, n);
	out[n] = 0;
}

int pyx_pctx_new(struct pyx_pctx **out, const char *procfs, const char *node, const char *boot_id)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct pyx_pctx *pc = calloc(1, sizeof(*pc));
	struct statfs sf;
	unsigned int i;

	if (!pc)
		return -ENOMEM;
	snprintf(pc->procfs, sizeof(pc->procfs), "%s", procfs ? procfs : "/proc");
	if (node)
		snprintf(pc->node, sizeof(pc->node), "%s", node);
	else if (gethostname(pc->node, sizeof(pc->node) - 1))
		snprintf(pc->node, sizeof(pc->node), "localhost");
	if (boot_id)
		snprintf(pc->boot_id, sizeof(pc->boot_id), "%s", boot_id);
	else
		read_line("/proc/sys/kernel/random/boot_id", pc->boot_id, sizeof(pc->boot_id));
	pc->self = getpid();
	pc->hz = sysconf(_SC_CLK_TCK);
	if (pc->hz <= 0)
		pc->hz = 100;
	pc->cgfd = -1;
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (statfs(roots[i], &sf) || sf.f_type != CGROUP2_MAGIC)
			continue;
		pc->cgfd = open(roots[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(pc->cgroot, sizeof(pc->cgroot), "%s", roots[i]);
		break;
	}
	*out = pc;
	return 0;
}

void pyx_pctx_free(struct pyx_pctx *pc)
{
	struct pent *e, *n;
	unsigned int i;

	if (!pc)
		return;
	for (i = 0; i < PCTX_BUCKETS; i++) {
		for (e = pc->b[i]; e; e = n) {
			n = e->next;
			pent_free(e);
		}
	}
	for (i = 0; i < CG_CACHE; i++)
		free(pc->cg[i].path);
	if (pc->cgfd >= 0)
		close(pc->cgfd);
	free(pc);
}
