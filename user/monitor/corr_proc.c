// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The correlator's process state (corr_internal.h): processes (cwd, fd table, hook status, the
 * window that created them, what the exemption rules ask: sqlite files, sem_open names) and
 * threads, looked up by id; paths resolved against a process's cwd and fds; user stacks named
 * from what a process maps.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "corr_internal.h"

/* ---- tables ---- */

struct proc *corr_proc_find(struct pyx_corr *c, uint32_t pid)
{
	struct proc *p;

	for (p = c->procs[pid % HASH_BUCKETS]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* An exited process kept for its blind-spot report goes now. */
void corr_proc_reap(struct pyx_corr *c, struct proc *p)
{
	/* A suspect killed by a signal before its hook started, which did nothing sensitive but
	 * the loader's maps (corr_engine.c unhooked_act()) and raised no event CPython's own probe
	 * saw (read now: those names travel on another ring): nothing it did went unjudged
	 * (docs/correlation.md, "Blind spots") */
	if (p->py_pending && p->exited && p->killed_quiet && !p->builtin_count)
		p->py_pending = false;
	if (p->py_pending)
		corr_blind_emit(c, p);
	if (p->builtin_attached && c->blind_fn)
		c->blind_fn(c->blind_ctx, p->pid, NULL);
	corr_proc_free(c, p);
}

struct proc *corr_proc_get(struct pyx_corr *c, uint32_t pid)
{
	struct proc *p = corr_proc_find(c, pid);

	if (p && p->exited) {
		corr_proc_reap(c, p); /* the pid was reused */
		p = NULL;
	}
	if (p)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->hnext = c->procs[pid % HASH_BUCKETS];
	c->procs[pid % HASH_BUCKETS] = p;
	return p;
}

static void fds_free(struct proc *p)
{
	unsigned int i;

	if (!p->fds)
		return;
	for (i = 0; i < FD_MAX; i++)
		free(p->fds[i].path);
	free(p->fds);
	p->fds = NULL;
}

void corr_proc_free(struct pyx_corr *c, struct proc *p)
{
	struct proc **pp = &c->procs[p->pid % HASH_BUCKETS];
	unsigned int i;

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	fds_free(p);
	free(p->cwd);
	for (i = 0; i < p->nsqlite; i++)
		free(p->sqlite[i]);
	for (i = 0; i < SEM_TMP_MAX; i++)
		free(p->sem_tmp[i]);
	for (i = 0; i < SQLITE_TMP_MAX; i++)
		free(p->sqlite_tmp[i]);
	for (i = 0; i < p->nsem; i++)
		free(p->sem[i]);
	for (i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p->exe);
	free(p->attach_image);
	free(p->builtin);
	corr_spawn_claim_drop(p);
	free(p);
}

void corr_spawn_claim_drop(struct proc *p)
{
	if (!p->spawn_claim)
		return;
	corr_claim_free(p->spawn_claim);
	free(p->spawn_claim);
	p->spawn_claim = NULL;
	p->spawn_exec_seen = false;
}

struct thread *corr_thread_find(struct pyx_corr *c, uint32_t tid)
{
	struct thread *t;

	for (t = c->threads[tid % HASH_BUCKETS]; t; t = t->hnext)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct thread *corr_thread_get(struct pyx_corr *c, uint32_t tid, uint32_t pid, uint64_t ts)
{
	struct thread *t = corr_thread_find(c, tid);

	if (t) {
		t->pid = pid;
		return t;
	}
	if (c->nthreads >= c->o.max_threads) {
		c->st.capped++;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->pid = pid;
	/* a thread first seen just after a loss may have lost its first records */
	t->uncertain = c->last_lost_ns && ts < c->last_lost_ns + c->o.window_ns;
	t->hnext = c->threads[tid % HASH_BUCKETS];
	c->threads[tid % HASH_BUCKETS] = t;
	c->nthreads++;
	c->doubt_gen++; /* not in doubt yet: a loss to come must reach it (pyx_corr_note_loss) */
	return t;
}

/* ---- fd table and paths ---- */

struct fdent *corr_fd_ent(struct proc *p, int64_t fd, bool create)
{
	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	if (!p->fds) {
		if (!create)
			return NULL;
		p->fds = calloc(FD_MAX, sizeof(*p->fds));
		if (!p->fds)
			return NULL;
	}
	return &p->fds[fd];
}

void corr_fd_put(struct proc *p, int64_t fd, const char *path, bool sock, bool audited, bool writes)
{
	struct fdent *e = corr_fd_ent(p, fd, true);

	if (!e)
		return;
	/* an fd reopened on the same path (a loop's opens) keeps its copy */
	if (!path || !e->path || strcmp(e->path, path)) {
		free(e->path);
		e->path = path ? strdup(path) : NULL;
	}
	e->socket = sock;
	e->audited = audited;
	e->writes = writes;
	e->sort_dgram = false;
	e->check_pf = false;
}

static const char *proc_cwd(struct pyx_corr *c, struct proc *p)
{
	char link[PATH_MAX], buf[PATH_MAX];
	ssize_t n;

	if (p->cwd || p->cwd_tried)
		return p->cwd;
	p->cwd_tried = true;
	snprintf(link, sizeof(link), "%s/%u/cwd", c->o.procfs ? c->o.procfs : "/proc", p->pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = 0;
	p->cwd = strdup(buf);
	return p->cwd;
}

/*
 * What a process's exec or fork record would have said of its namespaces, for a process that was
 * running before the monitor started (-p, -a) and so has neither record. Asked of /proc once, at
 * its first audit or syscall record (while it most likely still runs: a judgement can come after
 * it has exited), and taken only while the pid still names a task of the record's name (a pid
 * reused since is not taken for it):
 * - its pid in its own pid namespace (the last NSpid number), for the rules that compare a
 *   syscall's pid argument with it (self_signal, exit_sigint, core_off); 0: no exemption;
 * - its mount namespace, the one its later forks and execs are compared with (corr_mnt_record).
 */
void corr_proc_ns_learn(struct pyx_corr *c, struct proc *p, const char *comm)
{
	const char *procfs = c->o.procfs ? c->o.procfs : "/proc";
	char path[600], buf[2048], *name, *ns, *last = NULL, *q;
	struct stat st;
	size_t n;
	ssize_t got;
	int fd;

	p->ns_tried = true;
	snprintf(path, sizeof(path), "%s/%u/status", procfs, p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = 0;
	name = strncmp(buf, "Name:\t", 6) ? NULL : buf + 6;
	n = name ? strcspn(name, "\n") : 0;
	if (!name || n != strnlen(comm, PYX_COMM_LEN) || memcmp(name, comm, n))
		return;
	ns = strstr(buf, "\nNSpid:");
	for (q = ns ? ns + 7 : ""; *q && *q != '\n'; q++)
		if (*q >= '0' && *q <= '9' && (q[-1] == '\t' || q[-1] == ' '))
			last = q;
	if (last && !p->ns_pid)
		p->ns_pid = (uint32_t)strtoul(last, NULL, 10);
	snprintf(path, sizeof(path), "%s/%u/ns/mnt", procfs, p->pid);
	if (!p->mntns && !stat(path, &st))
		p->mntns = (uint32_t)st.st_ino;
}

/* The directory a relative path of a syscall is taken from: the cwd for AT_FDCWD, else dirfd's
 * path. NULL when unknown. */
static const char *resolve_base(struct pyx_corr *c, struct proc *p, int64_t dirfd)
{
	struct fdent *e;

	if ((int)dirfd == -100)
		return proc_cwd(c, p);
	e = corr_fd_ent(p, dirfd, false);
	return e ? e->path : NULL;
}

/* Absolute form of path relative to dirfd (AT_FDCWD: the cwd). NULL when unknown. An absolute path
 * is taken as text alone (normalised, no process state): corr_claim_abs_pure() relies on it to
 * keep a claim's resolved absolute paths across processes; per-process handling here (a process
 * root, /proc/self) would have to end that. */
char *corr_resolve(struct pyx_corr *c, struct proc *p, int64_t dirfd, const char *path)
{
	const char *base = NULL;

	if (!path)
		return NULL;
	if (path[0] == '/')
		return corr_path_join(NULL, path);
	base = resolve_base(c, p, dirfd);
	return base ? corr_path_join(base, path) : NULL;
}

static bool grow(char **buf, size_t *cap, size_t need)
{
	char *n;

	if (need <= *cap)
		return true;
	n = realloc(*buf, need);
	if (!n)
		return false;
	*buf = n;
	*cap = need;
	return true;
}

const char *corr_resolve_sc(struct pyx_corr *c, struct proc *p, int64_t dirfd, const char *path,
			    unsigned int slot)
{
	struct corr_scpath *s = &c->scpath[slot];
	const char *base = NULL;
	size_t bl = 0, rl;

	if (!path)
		return NULL;
	rl = strlen(path);
	if (path[0] == '/') {
		/* the whole text, its length and bytes: nothing else goes into the result */
		if (s->kept && s->key_len == rl && !memcmp(s->key, path, rl))
			return s->buf;
	} else {
		base = resolve_base(c, p, dirfd);
		if (!base || base[0] != '/')
			return NULL;
		bl = strlen(base);
	}
	s->kept = false;
	s->lib_known = false;
	if (!grow(&s->buf, &s->cap, bl + rl + 3))
		return NULL;
	corr_path_join_into(s->buf, base, path);
	if (path[0] == '/' && grow(&s->key, &s->key_cap, rl + 1)) {
		memcpy(s->key, path, rl);
		s->key_len = rl;
		s->kept = true;
	}
	return s->buf;
}

void corr_claim_resolve(struct pyx_corr *c, struct proc *p, struct corr_claim *cl)
{
	unsigned int i;

	for (i = 0; i < CORR_PATHS; i++) {
		/* abs[i] set: a kept claim's, a function of path[i] alone (corr_claim_from) */
		if (!cl->path[i] || (i == 0 && cl->symlink_src) || cl->abs[i])
			continue;
		if (cl->cwd && cl->path[i][0] != '/') {
			/* Popen(cwd=...): the child runs its program relative to that cwd */
			char *base = corr_resolve(c, p, -100, cl->cwd);

			cl->abs[i] = base ? corr_path_join(base, cl->path[i]) : NULL;
			free(base);
			continue;
		}
		cl->abs[i] = corr_resolve(c, p, cl->dir_fd[i], cl->path[i]);
	}
}

/* ---- what syscalls tell about a process ---- */

/* The read-only process view the exemption rules ask (corr_rules.h). */
bool corr_view_fd(const void *ctx, int64_t fd, struct corr_fdinfo *out)
{
	struct fdent *e = corr_fd_ent((struct proc *)ctx, fd, false);

	if (!e)
		return false;
	out->path = e->path;
	out->socket = e->socket;
	out->audited = e->audited;
	out->writes = e->writes;
	return true;
}

/*
 * glibc sem_open() state per process (the rule is ex_sem_* in corr_rules.c): the temp files
 * SHMDIR "sem.XXXXXX" it opened and has not unlinked yet, the names it linked them to and has not
 * unlinked yet. Kept for every syscall of those shapes, whatever explained it.
 */
static void sem_forget(char **v, unsigned int n, const char *abs)
{
	unsigned int i;

	for (i = 0; abs && i < n; i++)
		if (v[i] && !strcmp(v[i], abs)) {
			free(v[i]);
			v[i] = NULL;
		}
}

static bool sem_has(char **v, unsigned int n, const char *abs)
{
	unsigned int i;

	for (i = 0; abs && i < n; i++)
		if (v[i] && !strcmp(v[i], abs))
			return true;
	return false;
}

/*
 * The database of an audited sqlite3.connect, whose journal files the process may then write
 * (corr_rules.c sqlite_file()). One slot per database: a program that connects to the same file
 * again and again (a connection per request, per test) takes no new slot; it becomes the latest.
 * When full, the database connected to longest ago goes. Before, every connect took a slot until
 * 8 were taken, and a ninth database's journal was unaudited (sweep 3: ten connects to one file,
 * then a new one).
 */
void corr_sqlite_learn(struct proc *p, const char *abs)
{
	unsigned int i;
	char *keep = NULL;

	for (i = 0; i < p->nsqlite; i++)
		if (!strcmp(p->sqlite[i], abs)) {
			keep = p->sqlite[i];
			break;
		}
	if (!keep && p->nsqlite == SQLITE_MAX) {
		free(p->sqlite[0]);
		i = 0;
	}
	if (keep || p->nsqlite == SQLITE_MAX) {
		memmove(p->sqlite + i, p->sqlite + i + 1,
			(p->nsqlite - i - 1) * sizeof(p->sqlite[0]));
		p->nsqlite--;
	}
	if (!keep && !(keep = strdup(abs)))
		return;
	p->sqlite[p->nsqlite++] = keep;
}

/* A temp file's name until its unlink, in the first free slot of v (n slots); a temp file never
 * unlinked: the oldest goes. */
static void tmp_remember(char **v, unsigned int n, const char *abs)
{
	unsigned int i;

	for (i = 0; i < n && v[i]; i++)
		;
	if (i == n) {
		free(v[0]);
		memmove(v, v + 1, (n - 1) * sizeof(v[0]));
		i = n - 1;
	}
	v[i] = strdup(abs);
}

/* sqlite's temp files (corr_native.c corr_sqlite_tmp_open()), opened and unlinked at once by a
 * process with an audited sqlite3.connect, in the monitor's mount namespace: the unlink is
 * explained only for a name remembered here. */
void corr_sqlite_tmp_track(struct proc *p, const struct pyx_sysview *sv,
			   const struct corr_scpaths *sp)
{
	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_open:
		if (sv->ret >= 0 && p->nsqlite && !p->mnt_other &&
		    corr_sqlite_tmp_open(sv, sp->abs[0]))
			tmp_remember(p->sqlite_tmp, SQLITE_TMP_MAX, sp->abs[0]);
		return;
	case PYX_SC_unlinkat:
	case PYX_SC_unlink:
		if (sv->ret == 0)
			sem_forget(p->sqlite_tmp, SQLITE_TMP_MAX, sp->abs[0]);
		return;
	default:
		return;
	}
}

void corr_sem_track(struct proc *p, const struct pyx_sysview *sv, const struct corr_scpaths *sp)
{
	unsigned int i;

	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_open:
		if (sv->ret < 0 || !corr_sem_tmp_open(sv, sp->abs[0]))
			return;
		tmp_remember(p->sem_tmp, SEM_TMP_MAX, sp->abs[0]);
		return;
	case PYX_SC_link:
		if (sv->ret == 0 && sem_has(p->sem_tmp, SEM_TMP_MAX, sp->abs[0]) &&
		    corr_sem_path(sp->abs[1]) && corr_path_literal(sv, 0, sp->abs[0]) &&
		    corr_path_literal(sv, 1, sp->abs[1]) && p->nsem < SEM_MAX)
			p->sem[p->nsem++] = strdup(sp->abs[1]);
		return;
	case PYX_SC_unlinkat:
	case PYX_SC_unlink:
		if (sv->ret != 0)
			return;
		sem_forget(p->sem_tmp, SEM_TMP_MAX, sp->abs[0]);
		sem_forget(p->sem, p->nsem, sp->abs[0]);
		for (i = 0; i < p->nsem;)
			if (!p->sem[i])
				p->sem[i] = p->sem[--p->nsem];
			else
				i++;
		return;
	default:
		return;
	}
}

/*
 * shm_open and sem_open names hooked Pythons created (the rules are in corr_rules.c,
 * ex_sqlite_sem_path): another process of the same uid attaches to a SharedMemory a hooked Python
 * created, or unlinks it or a semaphore (the resource tracker, a parent unlinking a child's
 * segment). Learnt only from what a hooked process did in the exact shape (corr_shm_create(); a
 * link of its own sem_open temp file to a semaphore name), never from an audit event; marked gone
 * when anybody unlinks the file (then only a failed unlink of it, ENOENT, is explained: a second
 * unlink(), the tracker's of a name already removed). At most SHM_UID_MAX per uid (that uid's
 * oldest gone one dropped first, else its oldest) and SHM_MAX in all (then the uid holding the
 * most loses its oldest gone one, else its oldest; the learning uid on a tie): one uid's flood of
 * creations costs only its own explanations (more alarms), never adds one, and takes another
 * uid's names only while that uid holds more than it does.
 */
static void shm_drop(struct pyx_corr *c, unsigned int i)
{
	free(c->shm[i].path);
	memmove(c->shm + i, c->shm + i + 1, (c->nshm - i - 1) * sizeof(c->shm[0]));
	c->nshm--;
}

static int shm_find(const struct pyx_corr *c, const char *abs)
{
	unsigned int i;

	for (i = 0; i < c->nshm; i++)
		if (!strcmp(c->shm[i].path, abs))
			return (int)i;
	return -1;
}

static unsigned int shm_count(const struct pyx_corr *c, uint32_t uid)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nshm; i++)
		n += c->shm[i].uid == uid;
	return n;
}

/* The entry of uid to drop (it holds one): its oldest gone one, else its oldest. */
static unsigned int shm_oldest(const struct pyx_corr *c, uint32_t uid)
{
	unsigned int i, first = c->nshm;

	for (i = 0; i < c->nshm; i++) {
		if (c->shm[i].uid != uid)
			continue;
		if (c->shm[i].gone)
			return i;
		if (first == c->nshm)
			first = i;
	}
	return first;
}

/* The uid holding the most entries; uid itself when it holds as many (the table is full). */
static uint32_t shm_most(const struct pyx_corr *c, uint32_t uid)
{
	unsigned int i, best = shm_count(c, uid);
	uint32_t who = uid;

	for (i = 0; i < c->nshm; i++) {
		unsigned int n = shm_count(c, c->shm[i].uid);

		if (n > best) {
			best = n;
			who = c->shm[i].uid;
		}
	}
	return who;
}

static void shm_learn(struct pyx_corr *c, const char *abs, uint32_t uid)
{
	char *path = strdup(abs);
	int old;

	if (!path)
		return;
	/* a new file of that name (O_EXCL, or link(2) to a free name): the old entry is stale */
	old = shm_find(c, abs);
	if (old >= 0)
		shm_drop(c, (unsigned int)old);
	if (shm_count(c, uid) >= SHM_UID_MAX)
		shm_drop(c, shm_oldest(c, uid));
	else if (c->nshm == SHM_MAX)
		shm_drop(c, shm_oldest(c, shm_most(c, uid)));
	c->shm[c->nshm].uid = uid;
	c->shm[c->nshm].gone = false;
	c->shm[c->nshm].path = path;
	c->nshm++;
}

void corr_shm_track(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
		    const struct corr_scpaths *sp, uint32_t uid)
{
	if (!sp->abs[0])
		return;
	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_open:
		/* an io_uring request is never explained: it teaches nothing either */
		if (p->hooked && !p->mnt_other && !sv->io_uring && (int64_t)sv->ret >= 0 &&
		    corr_shm_create(sv, sp->abs[0]))
			shm_learn(c, sp->abs[0], uid);
		return;
	case PYX_SC_link:
		/* before corr_sem_track() may change sem_tmp (a link does not) */
		if (p->hooked && !p->mnt_other && !sv->io_uring && sv->ret == 0 &&
		    sem_has(p->sem_tmp, SEM_TMP_MAX, sp->abs[0]) && corr_sem_path(sp->abs[1]) &&
		    corr_path_literal(sv, 0, sp->abs[0]) && corr_path_literal(sv, 1, sp->abs[1]))
			shm_learn(c, sp->abs[1], uid);
		return;
	case PYX_SC_unlinkat:
	case PYX_SC_unlink:
		/* only the literal path removed the name (corr_path_literal()): "/dev/shm/L/../x"
		 * removed another x, and marking x gone would turn its real unlink into an alarm */
		if (sv->ret == 0 && c->nshm && !p->mnt_other && corr_shm_path(sp->abs[0]) &&
		    corr_path_literal(sv, 0, sp->abs[0])) {
			int i = shm_find(c, sp->abs[0]);

			if (i >= 0)
				c->shm[i].gone = true;
		}
		return;
	default:
		return;
	}
}

/*
 * Review F2: in a private mount namespace (unshare(CLONE_NEWUSER|CLONE_NEWNS) and a bind mount
 * over /dev/shm or /dev/ptmx), after a chroot or a pivot_root, glibc's own literal
 * "/dev/shm/NAME" or "/dev/ptmx" names another file than the monitor's. Each of these syscalls is
 * reported (corr_rules.def: always, no exemption); one that succeeded also takes every
 * path-shaped exemption from its process for the rest of its life (execs included: a namespace
 * and a root outlive them), and from the children it forks later (corr_engine.c on a fork). A
 * failed one changed nothing. Not seen: another process that shares the fs_struct
 * (clone(CLONE_FS)) when one of them chroots, and a namespace changed from outside by a process
 * the monitor does not trace (docs/correlation.md, "Known limits").
 */
void corr_mnt_track(struct proc *p, const struct pyx_sysview *sv)
{
	switch (sv->sc) {
		PYX_SYSCALLS_MNT(PYX_SC_CASE)
		if (sv->ret == 0 && !sv->at_entry)
			p->mnt_other = true;
		return;
	default:
		return;
	}
}

/*
 * A fork or exec record's mount namespace (mntns_ino, the new process's) against the one known
 * before (before: the parent's at a fork, the process's own at an exec; 0: unknown): another one
 * is a namespace made or entered where no traced syscall said so (clone(CLONE_NEWNS), setns by a
 * process the monitor did not follow): the path-shaped exemptions end for it, sticky, as
 * corr_mnt_track(). A process first seen in another namespace than the monitor's (a container
 * under -a) is taken as it is: its paths are its own namespace's, and it loses the exemptions
 * only when it changes namespace itself. 0 on either side: nothing changes.
 */
void corr_mnt_record(struct proc *p, uint32_t before, uint32_t mntns_ino)
{
	if (mntns_ino && before && mntns_ino != before)
		p->mnt_other = true;
	if (mntns_ino)
		p->mntns = mntns_ino;
}

/* The monitor's own mount namespace's inode (PROCFS/self/ns/mnt), 0: unknown. */
uint32_t corr_mnt_self(const char *procfs)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/self/ns/mnt", procfs ? procfs : "/proc");
	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

void corr_shm_free(struct pyx_corr *c)
{
	while (c->nshm)
		free(c->shm[--c->nshm].path);
}

/* The user stack of an unaudited syscall, for the reader (issue 9): library+offset per frame,
 * and a known native caller in it (origin) as information, never as an exemption. */
void corr_ustack_text(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
		      struct ctxcopy *x)
{
	struct pyx_ustack_dump *d = c->dump;
	const struct pyx_rec_hdr *h = &sv->rec->hdr;

	memset(&x->stack, 0, sizeof(x->stack));
	if (!sv->nustack || !c->us)
		return;
	/* a slot reused since (or being rewritten) holds another syscall's key */
	if (!d || !c->o.ustack_dump || !sv->ustack_dump ||
	    c->o.ustack_dump(c->o.ustack_arg, sv->ustack_dump, d) || d->tid != h->tid ||
	    d->enter_ns != sv->enter_ns)
		d = NULL;
	pyx_ustack_resolve(c->us, p->pid, p->exe, sv->ustack, sv->nustack, d, &x->stack);
}

/* Name the build IDs of the files a process maps executable (its libraries, as the loader maps
 * them by fd), so that stack frames can be named after the process is gone. */
void corr_ustack_learn(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv)
{
	struct fdent *e;

	if (sv->sc != PYX_SC_mmap || !corr_exec_map(sv) || (int64_t)sv->ret < 0 || !c->us)
		return;
	e = corr_fd_ent(p, (int64_t)sv->args[4].raw, false);
	if (e && e->path && !e->socket) {
		pyx_ustack_learn(c->us, e->path);
		if (c->o.ustack_dump)
			pyx_ustack_mapped(c->us, p->pid, (uint64_t)sv->ret, sv->args[1].raw,
					  sv->args[5].raw, e->path);
	}
}

void corr_syscall_state(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
			const struct corr_scpaths *sp, bool explained)
{
	struct fdent *e;

	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_openat2:
	case PYX_SC_open:
	case PYX_SC_creat:
		if (sv->ret < 0)
			break;
		corr_fd_put(p, sv->ret, sp->abs[0], false, explained, corr_open_writes(sv));
		break;
	case PYX_SC_socket:
		if (sv->ret < 0)
			break;
		corr_fd_put(p, sv->ret, NULL, true, explained, false);
		if ((e = corr_fd_ent(p, sv->ret, false))) {
			e->sort_dgram = corr_gai_sort_socket(sv);
			e->check_pf = sp->check_pf_sock;
		}
		break;
	case PYX_SC_bind:
	case PYX_SC_connect:
		if (explained && (e = corr_fd_ent(p, (int64_t)sv->args[0].raw, true))) {
			e->socket = true;
			e->audited = true;
		}
		break;
	case PYX_SC_accept:
	case PYX_SC_accept4:
		e = corr_fd_ent(p, (int64_t)sv->args[0].raw, false);
		if (sv->ret >= 0)
			corr_fd_put(p, sv->ret, NULL, true, e && e->audited, false);
		break;
	case PYX_SC_chdir:
		if (!sv->ret) {
			free(p->cwd);
			p->cwd = sp->abs[0] ? strdup(sp->abs[0]) : NULL;
			p->cwd_tried = false;
		}
		break;
	case PYX_SC_fchdir:
		if (!sv->ret) {
			e = corr_fd_ent(p, (int64_t)sv->args[0].raw, false);
			free(p->cwd);
			p->cwd = e && e->path ? strdup(e->path) : NULL;
			p->cwd_tried = false;
		}
		break;
	default:
		break;
	}
}

void corr_keep_argv(struct proc *p, const struct pyx_sysview *sv)
{
	const struct pyx_sysarg *av = &sv->args[sv->sc == PYX_SC_execveat ? 2 : 1];
	unsigned int i;

	if (!av->present || av->null || p->argv)
		return;
	p->argv = calloc(av->u.argv.count + 1, sizeof(char *));
	if (!p->argv)
		return;
	for (i = 0; i < av->u.argv.count; i++)
		p->argv[i] = strdup(av->u.argv.items[i] ? av->u.argv.items[i] : "");
	p->argc = av->u.argv.count;
}

/*
 * Issue 10: what thread t is doing now. The kernel writes "running" for a task on a CPU or waiting
 * for one (it cannot say more without stopping it), the syscall number and arguments for one
 * asleep in a syscall, -1 for one asleep or stopped outside any.
 */
enum corr_tstate corr_thread_state(const struct pyx_corr *c, const struct thread *t, long *nr)
{
	char path[PATH_MAX], buf[128], *end;
	ssize_t n;
	long v;
	int fd;

	snprintf(path, sizeof(path), "%s/%u/task/%u/syscall", c->o.procfs ? c->o.procfs : "/proc",
		 t->pid, t->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return CORR_TS_UNKNOWN;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return CORR_TS_UNKNOWN;
	buf[n] = 0;
	if (!strncmp(buf, "running", 7))
		return CORR_TS_RUNNING;
	v = strtol(buf, &end, 10);
	if (end == buf)
		return CORR_TS_UNKNOWN;
	*nr = v;
	return v < 0 ? CORR_TS_USER : CORR_TS_SYSCALL;
}

/* The time thread t has spent on a CPU, in ns (/proc/PID/task/TID/schedstat); UINT64_MAX when
 * unknown. */
uint64_t corr_thread_cpu(const struct pyx_corr *c, const struct thread *t)
{
	char path[PATH_MAX];
	unsigned long long v;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/%u/task/%u/schedstat", c->o.procfs ? c->o.procfs : "/proc",
		 t->pid, t->tid);
	f = fopen(path, "re");
	if (!f)
		return UINT64_MAX;
	n = fscanf(f, "%llu", &v);
	fclose(f);
	return n == 1 ? v : UINT64_MAX;
}
