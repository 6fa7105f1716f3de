// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The correlator. The design is described in correlate.h, the rules in docs/correlation.md and
 * corr_rules.c. This file owns the state: processes (cwd, fd table, hook status, the window that
 * created them), threads (their queue of held records, their open windows, their last audit
 * event) and windows (a claim, the syscalls attached to it, its verdict).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pyxcheck_wire.h"
#include "pyxcheck_syscall.h"
#include "catalog.h"
#include "corr_elf.h"
#include "corr_rules.h"
#include "corr_ustack.h"
#include "correlate.h"
#include "payload.h"
#include "record.h"
#include "sysrec.h"

#define HASH_BUCKETS 1024
#define THROTTLED_UIDS 16     /* uids whose latest THROTTLED record is remembered */
#define FD_MAX 1024           /* fds above are not tracked (a hint table, not a mirror) */
#define SQLITE_MAX 8          /* audited sqlite databases remembered per process */
#define SEM_TMP_MAX 4         /* sem_open temp files between their open and unlink, per process */
#define SEM_MAX 64            /* sem_open names created and not yet unlinked, per process */
#define CHILD_MAX 8           /* children followed per process-creating window */
#define TOP_KEYS 64           /* distinct (syscall, context) pairs counted for --summary */
#define BUILTIN_NAMES_MAX 1024
#define IDLE_THREAD_NS (60ull * 1000000000ull)
#define LAT_BUCKETS (64 * 8)
/*
 * A composite (shutil.rmtree, os.walk, ...) is made of audited calls, and each of them raises its
 * own event before its syscall, which explains it. So the composite itself explains a syscall
 * only right after one of its sub-events (within COMPOSITE_GAP_NS, at most COMPOSITE_SUB_BUDGET
 * syscalls per sub-event) and nothing on its own event alone: a forged
 * sys.audit("shutil.rmtree", "/") then explains nothing that native code does after it. It still
 * collects every counterpart for its own verdict.
 */
#define COMPOSITE_GAP_NS (50ull * 1000000ull)
#define COMPOSITE_SUB_BUDGET 1

struct ctxcopy {
	bool has;
	char event[128];
	char file[256];
	char function[128];
	uint32_t line;
	uint64_t ts;
	uint32_t tid;
	/* the user stack of the judged syscall (unaudited ones only); stack.n 0: none */
	struct pyx_ustack_text stack;
};

struct win;

/* A copy of a record held for ordering or attached to a window. */
struct held {
	struct held *next;
	struct win *win;              /* audit record: its window (owned) */
	enum pyx_corr_verdict verdict;
	const char *why;
	struct ctxcopy *ctx;          /* unaudited: the context (owned) */
	bool child;                   /* attached: made by a child process */
	size_t size;
	uint64_t rec[];               /* 8-aligned copy */
};

struct win {
	struct thread *th;
	struct held *audit;           /* the audit record that owns it, held on th until closed */
	struct corr_claim cl;
	struct held *att[PYX_CORR_ATT_MAX];
	unsigned int natt, ndropped, nmatch, ndiffer;
	const char *why;
	uint64_t lat, last_ns;
	bool lost, capped, ended, closed;
	unsigned int pending;
	uint32_t children[CHILD_MAX];
	unsigned int nchildren;
	/* composites: when their own event or their latest sub-event came, and how many more
	 * syscalls they may explain since (composite_explains) */
	uint64_t sub_ns;
	unsigned int budget;
};

struct thread {
	struct thread *hnext;
	uint32_t tid, pid;
	struct held *head, *tail;
	unsigned int nheld;
	size_t bytes;
	struct win *cur;
	struct win *outer[PYX_CORR_OUTER_MAX];
	unsigned int nouter;
	struct ctxcopy ctx;
	uint64_t last_ns;
	/* Since its last audit event the thread opened a glibc NSS module (nss_module.c): the
	 * default-directory libraries the loader maps next are that module's dependencies. */
	bool nss_load;
	/* Records were lost since this thread's last audit event: the event that would explain
	 * its next syscall may be among them, so nothing is called unaudited until it raises
	 * another event. */
	bool uncertain;
	uint32_t uid;     /* from its latest record: a THROTTLED record names a uid */
};

struct fdent {
	char *path;
	bool socket;
	bool audited;     /* created (socket) or bound/connected/accepted under an audit event;
			   * a file: opened by an open(2) an audit event explained */
	bool writes;      /* a file opened for writing (O_WRONLY/O_RDWR, creat) */
};

struct proc {
	struct proc *hnext;
	uint32_t pid, ppid;
	bool hooked, hooked_before_exec, exec_pending;
	char *cwd;        /* NULL: unknown (read from /proc when needed) */
	bool cwd_tried;
	struct fdent *fds; /* FD_MAX entries, allocated on first use */
	struct win *creator;
	char *sqlite[SQLITE_MAX];
	unsigned int nsqlite;
	/* glibc sem_open(): temp files opened and not yet linked/unlinked, names linked */
	char *sem_tmp[SEM_TMP_MAX];
	char *sem[SEM_MAX];
	unsigned int nsem;
	/* its hook said hook_stop: the interpreter has finalized (Py_FinalizeEx) */
	bool finalized;
	/* blind spots */
	bool py_pending, blind_done;
	bool maps_watch;  /* its image has no PT_INTERP (ld.so, static): look at what it maps */
	char *attach_image; /* the built-in probe goes there at the next tick (blind_mapped) */
	uint64_t exec_ns;
	char *exe;
	char why[256];
	char comm[PYX_COMM_LEN + 1];
	char **argv;
	unsigned int argc;
	char *builtin;
	uint64_t builtin_count;
	bool builtin_attached;
	bool exited;      /* its exit record came; freed at the next tick (see on_process) */
};

struct topent {
	char syscall[24];
	char context[320];
	uint64_t count;
};

struct pyx_corr {
	struct pyx_corr_opts o;
	pyx_corr_emit_fn fn;
	void *ctx;
	pyx_corr_blind_fn blind_fn;
	void *blind_ctx;
	struct thread *threads[HASH_BUCKETS];
	struct proc *procs[HASH_BUCKETS];
	unsigned int nthreads;
	size_t bytes;
	int err;                      /* first error from the emit callback */
	uint64_t last_lost_ns;        /* ts of the last LOST record, 0: none */
	struct {                      /* the latest THROTTLED records: uid, ts (0: free) */
		uint32_t uid;
		uint64_t ts;
	} throttled[THROTTLED_UIDS];
	struct pyx_arena arena;
	void *arena_mem;
	struct pyx_corr_stats st;
	struct topent top[TOP_KEYS];
	unsigned int ntop;
	uint64_t top_other;
	struct pyx_ustack *us;        /* maps cache for user stacks */
	struct pyx_ustack_dump *dump; /* the dump of the syscall being judged (12 KiB: not on the stack) */
	struct ctxcopy judged;        /* the context of the syscall being judged */
	uint32_t *lat[PYX_EV__COUNT]; /* LAT_BUCKETS counters, allocated on first use */
	uint64_t lat_n[PYX_EV__COUNT];
};

static void release(struct pyx_corr *c, struct thread *th);
static void close_win(struct pyx_corr *c, struct win *w);

/* A uid throttled by the kernel side's fair share within the last window: a thread of it seen
 * for the first time may have had its first records held back. */
static bool throttled_recently(const struct pyx_corr *c, uint32_t uid, uint64_t ts)
{
	unsigned int i;

	for (i = 0; i < THROTTLED_UIDS; i++)
		if (c->throttled[i].ts && c->throttled[i].uid == uid &&
		    ts < c->throttled[i].ts + c->o.window_ns)
			return true;
	return false;
}

/* A THROTTLED record: only that uid's records are missing, so only its threads' open windows,
 * and its threads' next unexplained syscalls, are in doubt (like a LOST record, for one uid). */
static void on_throttled(struct pyx_corr *c, const struct pyx_rec_throttled *t, uint64_t ts)
{
	unsigned int b, i, slot = 0;
	struct thread *th;

	for (b = 0; b < HASH_BUCKETS; b++) {
		for (th = c->threads[b]; th; th = th->hnext) {
			struct held *h;

			if (th->uid != t->uid)
				continue;
			for (h = th->head; h; h = h->next)
				if (h->win && !h->win->closed)
					h->win->lost = true;
			th->uncertain = true;
		}
	}
	/* its slot, or the oldest */
	for (i = 0; i < THROTTLED_UIDS; i++) {
		if (c->throttled[i].uid == t->uid || !c->throttled[i].ts) {
			slot = i;
			break;
		}
		if (c->throttled[i].ts < c->throttled[slot].ts)
			slot = i;
	}
	c->throttled[slot].uid = t->uid;
	c->throttled[slot].ts = ts ? ts : 1;
}

const char *pyx_corr_verdict_name(enum pyx_corr_verdict v)
{
	static const char *const names[PYX_V__COUNT] = {
		[PYX_V_MATCHED] = "matched",	     [PYX_V_NO_SYSCALL] = "no-syscall",
		[PYX_V_MISMATCH] = "mismatch",	     [PYX_V_INDETERMINATE] = "indeterminate",
		[PYX_V_UNAUDITED] = "unaudited",     [PYX_V_CHANGED] = "changed",
	};

	return v < PYX_V__COUNT ? names[v] : NULL;
}

/* ---- latency histogram: 8 linear sub-buckets per power of two, enough for p50/p99 ---- */

static unsigned int lat_bucket(uint64_t ns)
{
	unsigned int b;

	if (ns < 8)
		return (unsigned int)ns;
	b = 63 - __builtin_clzll(ns); /* >= 3 */
	return (b - 2) * 8 + (unsigned int)((ns >> (b - 3)) & 7);
}

static uint64_t lat_value(unsigned int i)
{
	unsigned int b = i / 8, sub = i % 8;

	if (b == 0)
		return sub;
	return ((uint64_t)(8 + sub)) << (b - 1);
}

static void lat_add(struct pyx_corr *c, unsigned int ev, uint64_t ns)
{
	if (ev >= PYX_EV__COUNT)
		return;
	if (!c->lat[ev]) {
		c->lat[ev] = calloc(LAT_BUCKETS, sizeof(uint32_t));
		if (!c->lat[ev])
			return;
	}
	c->lat[ev][lat_bucket(ns) < LAT_BUCKETS ? lat_bucket(ns) : LAT_BUCKETS - 1]++;
	c->lat_n[ev]++;
}

uint64_t pyx_corr_latency(const struct pyx_corr *c, unsigned int ev, uint64_t *p50, uint64_t *p99)
{
	uint64_t n, seen = 0, want50, want99;
	unsigned int i;

	*p50 = *p99 = 0;
	if (ev >= PYX_EV__COUNT || !c->lat[ev] || !c->lat_n[ev])
		return 0;
	n = c->lat_n[ev];
	want50 = (n * 50 + 99) / 100;
	want99 = (n * 99 + 99) / 100;
	for (i = 0; i < LAT_BUCKETS; i++) {
		seen += c->lat[ev][i];
		if (!*p50 && seen >= want50)
			*p50 = lat_value(i);
		if (seen >= want99) {
			*p99 = lat_value(i);
			break;
		}
	}
	return n;
}

/* ---- tables ---- */

static struct proc *proc_find(struct pyx_corr *c, uint32_t pid)
{
	struct proc *p;

	for (p = c->procs[pid % HASH_BUCKETS]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_free(struct pyx_corr *c, struct proc *p);
static void blind_emit(struct pyx_corr *c, struct proc *p);
static void blind_mapped(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv);

/* An exited process kept for its blind-spot report goes now. */
static void proc_reap(struct pyx_corr *c, struct proc *p)
{
	if (p->py_pending)
		blind_emit(c, p);
	if (p->builtin_attached && c->blind_fn)
		c->blind_fn(c->blind_ctx, p->pid, NULL);
	proc_free(c, p);
}

static struct proc *proc_get(struct pyx_corr *c, uint32_t pid)
{
	struct proc *p = proc_find(c, pid);

	if (p && p->exited) {
		proc_reap(c, p); /* the pid was reused */
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

static void proc_free(struct pyx_corr *c, struct proc *p)
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
	for (i = 0; i < p->nsem; i++)
		free(p->sem[i]);
	for (i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p->exe);
	free(p->attach_image);
	free(p->builtin);
	free(p);
}

static struct thread *thread_find(struct pyx_corr *c, uint32_t tid)
{
	struct thread *t;

	for (t = c->threads[tid % HASH_BUCKETS]; t; t = t->hnext)
		if (t->tid == tid)
			return t;
	return NULL;
}

static struct thread *thread_get(struct pyx_corr *c, uint32_t tid, uint32_t pid, uint64_t ts)
{
	struct thread *t = thread_find(c, tid);

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
	return t;
}

/* ---- fd table and paths ---- */

static struct fdent *fd_ent(struct proc *p, int64_t fd, bool create)
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

static void fd_put(struct proc *p, int64_t fd, const char *path, bool sock, bool audited,
		   bool writes)
{
	struct fdent *e = fd_ent(p, fd, true);

	if (!e)
		return;
	free(e->path);
	e->path = path ? strdup(path) : NULL;
	e->socket = sock;
	e->audited = audited;
	e->writes = writes;
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

/* Absolute form of path relative to dirfd (AT_FDCWD: the cwd). NULL when unknown. */
static char *resolve(struct pyx_corr *c, struct proc *p, int64_t dirfd, const char *path)
{
	const char *base = NULL;

	if (!path)
		return NULL;
	if (path[0] == '/')
		return corr_path_join(NULL, path);
	if ((int)dirfd == -100) {
		base = proc_cwd(c, p);
	} else {
		struct fdent *e = fd_ent(p, dirfd, false);

		base = e ? e->path : NULL;
	}
	return base ? corr_path_join(base, path) : NULL;
}

static void claim_resolve(struct pyx_corr *c, struct proc *p, struct corr_claim *cl)
{
	unsigned int i;

	for (i = 0; i < CORR_PATHS; i++) {
		if (!cl->path[i] || (i == 0 && cl->symlink_src))
			continue;
		if (cl->cwd && cl->path[i][0] != '/') {
			/* Popen(cwd=...): the child runs its program relative to that cwd */
			char *base = resolve(c, p, -100, cl->cwd);

			cl->abs[i] = base ? corr_path_join(base, cl->path[i]) : NULL;
			free(base);
			continue;
		}
		cl->abs[i] = resolve(c, p, cl->dir_fd[i], cl->path[i]);
	}
}

/* ---- records ---- */

static struct held *held_new(const void *rec, size_t size)
{
	struct held *h = calloc(1, sizeof(*h) + size);

	if (!h)
		return NULL;
	memcpy(h->rec, rec, size);
	h->size = size;
	return h;
}

static void win_free(struct win *w)
{
	unsigned int i;

	if (!w)
		return;
	for (i = 0; i < w->natt; i++)
		free(w->att[i]);
	corr_claim_free(&w->cl);
	free(w);
}

static void held_free(struct held *h)
{
	win_free(h->win);
	free(h->ctx);
	free(h);
}

/* strncpy that always terminates and never warns about cutting */
static void scopy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = 0;
}

static void ctx_text(const struct ctxcopy *x, char *buf, size_t n)
{
	if (!x || !x->has)
		snprintf(buf, n, "no audit event before it");
	else if (x->file[0])
		snprintf(buf, n, "after %.100s at %.150s:%u (%.50s)", x->event, x->file, x->line,
			 x->function);
	else
		snprintf(buf, n, "after %.100s", x->event);
}

static void count_top(struct pyx_corr *c, const struct pyx_sysview *sv, const struct ctxcopy *x)
{
	char text[320];
	unsigned int i;

	ctx_text(x, text, sizeof(text));
	for (i = 0; i < c->ntop; i++) {
		if (!strcmp(c->top[i].syscall, sv->name) && !strcmp(c->top[i].context, text)) {
			c->top[i].count++;
			return;
		}
	}
	if (c->ntop == TOP_KEYS) {
		c->top_other++;
		return;
	}
	scopy(c->top[c->ntop].syscall, sizeof(c->top[0].syscall), sv->name);
	scopy(c->top[c->ntop].context, sizeof(c->top[0].context), text);
	c->top[c->ntop++].count = 1;
}

static int emit(struct pyx_corr *c, const struct pyx_corr_item *it)
{
	int err;

	if (it->verdict < PYX_V__COUNT)
		c->st.verdicts[it->verdict]++;
	err = c->fn(c->ctx, it);
	if (err && !c->err)
		c->err = err;
	return err;
}

static void emit_held(struct pyx_corr *c, struct held *h)
{
	struct pyx_corr_att att[PYX_CORR_ATT_MAX];
	struct pyx_corr_context ctx;
	struct pyx_corr_item it = {
		.kind = PYX_CI_RECORD,
		.rec = h->rec,
		.size = h->size,
		.verdict = h->verdict,
		.why = h->why,
	};
	struct win *w = h->win;
	unsigned int i;

	if (w) {
		for (i = 0; i < w->natt; i++) {
			att[i].rec = w->att[i]->rec;
			att[i].size = w->att[i]->size;
			att[i].child = w->att[i]->child;
		}
		it.syscalls = att;
		it.nsyscalls = w->natt;
		it.nsyscalls_dropped = w->ndropped;
		it.latency_ns = w->lat;
		if (h->verdict == PYX_V_MATCHED)
			lat_add(c, w->cl.ev, w->lat);
	}
	if (h->ctx) {
		ctx = (struct pyx_corr_context){
			.has_event = h->ctx->has,
			.event = h->ctx->event,
			.file = h->ctx->file,
			.function = h->ctx->function,
			.line = h->ctx->line,
			.ts_ns = h->ctx->ts,
			.tid = h->ctx->tid,
			.nstack = h->ctx->stack.n,
			.origin = h->ctx->stack.origin[0] ? h->ctx->stack.origin : NULL,
			.stack_note = h->ctx->stack.note[0] ? h->ctx->stack.note : NULL,
		};
		for (i = 0; i < h->ctx->stack.n; i++)
			ctx.stack[i] = h->ctx->stack.frames[i];
		it.context = &ctx;
	}
	emit(c, &it);
}

static bool ready(const struct held *h)
{
	return !h->win || h->win->closed;
}

static void release(struct pyx_corr *c, struct thread *th)
{
	struct held *h;

	while ((h = th->head) && ready(h)) {
		th->head = h->next;
		if (!th->head)
			th->tail = NULL;
		th->nheld--;
		th->bytes -= h->size;
		c->bytes -= h->size;
		emit_held(c, h);
		held_free(h);
	}
}

static void verdict_of(struct win *w, struct held *audit)
{
	if (w->lost) {
		audit->verdict = PYX_V_INDETERMINATE;
		audit->why = "records were lost while its window was open";
	} else if (w->capped) {
		audit->verdict = PYX_V_INDETERMINATE;
		audit->why = "correlation limit reached";
	} else if (w->nmatch) {
		audit->verdict = PYX_V_MATCHED;
	} else if (w->ndiffer) {
		audit->verdict = PYX_V_MISMATCH;
		audit->why = w->why;
	} else {
		audit->verdict = PYX_V_NO_SYSCALL;
	}
}

/* Detach a window from its thread's "open" slots. */
static void win_unslot(struct win *w)
{
	struct thread *th = w->th;
	unsigned int i, j;

	if (th->cur == w)
		th->cur = NULL;
	for (i = j = 0; i < th->nouter; i++)
		if (th->outer[i] != w)
			th->outer[j++] = th->outer[i];
	th->nouter = j;
}

static void close_win(struct pyx_corr *c, struct win *w)
{
	struct held *h;
	unsigned int i;

	if (w->closed)
		return;
	w->closed = true;
	w->ended = true;
	win_unslot(w);
	for (i = 0; i < w->nchildren; i++) {
		struct proc *p = proc_find(c, w->children[i]);

		if (p && p->creator == w)
			p->creator = NULL;
	}
	/* w->audit, not a walk of the thread's held list: that list can be thousands long while
	 * an older window waits, and every window closes once */
	h = w->audit;
	if (h)
		verdict_of(w, h);
	release(c, w->th);
}

static void end_win(struct pyx_corr *c, struct win *w)
{
	if (!w || w->closed)
		return;
	w->ended = true;
	win_unslot(w);
	if (!w->pending)
		close_win(c, w);
}

static void child_resolved(struct pyx_corr *c, struct proc *p)
{
	struct win *w = p->creator;

	if (!w)
		return;
	p->creator = NULL;
	if (w->pending)
		w->pending--;
	if (w->ended && !w->pending)
		close_win(c, w);
}

/* Close the oldest open windows of th until it is within its caps. */
static void enforce_caps(struct pyx_corr *c, struct thread *th)
{
	struct held *h;

	while (th->head && (th->nheld > c->o.max_held || c->bytes > c->o.max_bytes)) {
		for (h = th->head; h && ready(h); h = h->next)
			;
		if (!h)
			break;
		h->win->capped = true;
		c->st.capped++;
		close_win(c, h->win);
	}
}

static void hold(struct pyx_corr *c, struct thread *th, struct held *h)
{
	h->next = NULL;
	if (th->tail)
		th->tail->next = h;
	else
		th->head = h;
	th->tail = h;
	th->nheld++;
	th->bytes += h->size;
	c->bytes += h->size;
	enforce_caps(c, th);
}

/* A record that needs no copy when nothing of its thread is held. */
static int pass(struct pyx_corr *c, struct thread *th, const void *rec, size_t size,
		enum pyx_corr_verdict v, const char *why, const struct ctxcopy *x)
{
	struct held *h;

	if (!th || !th->head) {
		struct pyx_corr_context ctx;
		struct pyx_corr_item it = {
			.kind = PYX_CI_RECORD, .rec = rec, .size = size, .verdict = v, .why = why,
		};

		if (x) {
			unsigned int i;

			ctx = (struct pyx_corr_context){
				.has_event = x->has, .event = x->event, .file = x->file,
				.function = x->function, .line = x->line, .ts_ns = x->ts,
				.tid = x->tid, .nstack = x->stack.n,
				.origin = x->stack.origin[0] ? x->stack.origin : NULL,
				.stack_note = x->stack.note[0] ? x->stack.note : NULL,
			};
			for (i = 0; i < x->stack.n; i++)
				ctx.stack[i] = x->stack.frames[i];
			it.context = &ctx;
		}
		return emit(c, &it);
	}
	h = held_new(rec, size);
	if (!h)
		return -ENOMEM;
	h->verdict = v;
	h->why = why;
	if (x) {
		h->ctx = malloc(sizeof(*h->ctx));
		if (h->ctx)
			*h->ctx = *x;
	}
	hold(c, th, h);
	return 0;
}

/* ---- audit records ---- */

static void copy_str(char *dst, size_t n, const struct pyx_value *v)
{
	size_t len = 0, i;

	if (v && v->type == PYX_TAG_STR)
		len = v->len < n - 1 ? v->len : n - 1;
	for (i = 0; i < len; i++) /* NULs would cut the text short: show them as '?' */
		dst[i] = v->s.data[i] ? (char)v->s.data[i] : '?';
	dst[len] = 0;
}

static bool sub_event(const struct win *w, unsigned int ev, unsigned int cat)
{
	return corr_sub_event(&w->cl, ev, cat);
}

/* A sub-event of composite w came at ts: w may explain again, a little, for a short while. */
static void composite_sub(struct win *w, unsigned int ev, unsigned int cat, uint64_t ts)
{
	if (sub_event(w, ev, cat)) {
		w->sub_ns = ts;
		w->budget = COMPOSITE_SUB_BUDGET;
	}
}

static int on_audit(struct pyx_corr *c, const void *rec, size_t size)
{
	const struct pyx_rec_audit *a = rec;
	const struct pyx_cat_event *ce;
	struct pyx_event ev;
	const void *payload;
	size_t plen;
	const char *why;
	struct thread *th;
	struct proc *p;
	struct win *w;
	struct held *h;
	unsigned int cat, i;

	th = thread_get(c, a->hdr.tid, a->hdr.pid, a->hdr.ts_ns);
	p = proc_get(c, a->hdr.pid);
	pyx_arena_reset(&c->arena);
	if (!th || !p || pyx_audit_decode(rec, size, &c->arena, &ev, &why, &payload, &plen))
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);

	p->hooked = true;
	p->py_pending = false;
	if (p->builtin_attached && c->blind_fn) {
		c->blind_fn(c->blind_ctx, p->pid, NULL);
		p->builtin_attached = false;
	}
	if (p->creator) /* a forked Python that runs on as itself (os.fork) */
		child_resolved(c, p);
	th->last_ns = a->hdr.ts_ns;

	ce = pyx_cat_event(ev.event_id);
	cat = ce ? ce->category : a->category;
	/* Composite windows stay open over the events they are made of; the rest end here. */
	while (th->nouter && !sub_event(th->outer[th->nouter - 1], ev.event_id, cat))
		end_win(c, th->outer[th->nouter - 1]);
	for (i = 0; i < th->nouter; i++)
		composite_sub(th->outer[i], ev.event_id, cat, a->hdr.ts_ns);
	if (th->cur) {
		w = th->cur;
		if (sub_event(w, ev.event_id, cat)) {
			composite_sub(w, ev.event_id, cat, a->hdr.ts_ns);
			/* the stack is full: the oldest composite has had the longest to see its
			 * syscalls, the newest has seen none yet */
			if (th->nouter == PYX_CORR_OUTER_MAX)
				end_win(c, th->outer[0]);
			th->outer[th->nouter++] = w;
			th->cur = NULL;
		} else {
			end_win(c, w);
		}
	}

	th->uncertain = false;
	th->nss_load = false;
	th->ctx.has = true;
	copy_str(th->ctx.event, sizeof(th->ctx.event), ev.name);
	copy_str(th->ctx.file, sizeof(th->ctx.file), ev.file);
	copy_str(th->ctx.function, sizeof(th->ctx.function), ev.function);
	th->ctx.line = ev.line;
	th->ctx.ts = a->hdr.ts_ns;
	th->ctx.tid = a->hdr.tid;

	if (!ce)
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (!corr_claim_init(&w->cl, &ev)) {
		corr_claim_free(&w->cl);
		free(w);
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	}
	claim_resolve(c, p, &w->cl);
	if (w->cl.sqlite_db && w->cl.abs[0] && p->nsqlite < SQLITE_MAX)
		p->sqlite[p->nsqlite++] = strdup(w->cl.abs[0]);
	w->th = th;
	w->last_ns = a->hdr.ts_ns;
	w->sub_ns = a->hdr.ts_ns;
	h = held_new(rec, size);
	if (!h) {
		win_free(w);
		return -ENOMEM;
	}
	h->win = w;
	w->audit = h;
	th->cur = w;
	hold(c, th, h);
	return 0;
}

/* ---- syscall records ---- */

/* The read-only process view the exemption rules ask (corr_rules.h). */
static bool view_fd(const void *ctx, int64_t fd, struct corr_fdinfo *out)
{
	struct fdent *e = fd_ent((struct proc *)ctx, fd, false);

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

static void sem_track(struct proc *p, const struct pyx_sysview *sv, const struct corr_scpaths *sp)
{
	unsigned int i;

	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_open:
		if (sv->ret < 0 || !corr_sem_tmp_open(sv, sp->abs[0]))
			return;
		for (i = 0; i < SEM_TMP_MAX && p->sem_tmp[i]; i++)
			;
		if (i == SEM_TMP_MAX) { /* a temp file never unlinked: the oldest goes */
			free(p->sem_tmp[0]);
			memmove(p->sem_tmp, p->sem_tmp + 1, (SEM_TMP_MAX - 1) * sizeof(p->sem_tmp[0]));
			i = SEM_TMP_MAX - 1;
		}
		p->sem_tmp[i] = strdup(sp->abs[0]);
		return;
	case PYX_SC_link:
		if (sv->ret == 0 && sem_has(p->sem_tmp, SEM_TMP_MAX, sp->abs[0]) &&
		    corr_sem_path(sp->abs[1]) && p->nsem < SEM_MAX)
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

/* The user stack of an unaudited syscall, for the reader (issue 9): library+offset per frame,
 * and a known native caller in it (origin) as information, never as an exemption. */
static void ustack_text(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
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
static void ustack_learn(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv)
{
	struct fdent *e;

	if (sv->sc != PYX_SC_mmap || !corr_exec_map(sv) || (int64_t)sv->ret < 0 || !c->us)
		return;
	e = fd_ent(p, (int64_t)sv->args[4].raw, false);
	if (e && e->path && !e->socket) {
		pyx_ustack_learn(c->us, e->path);
		if (c->o.ustack_dump)
			pyx_ustack_mapped(c->us, p->pid, (uint64_t)sv->ret, sv->args[1].raw,
					  sv->args[5].raw, e->path);
	}
}

/* claimed: a window nearer the syscall (the thread's current one, a more inner composite)
 * already matched it. A composite stays open over later events of its kind (it cannot see its
 * own return), so such a syscall is another call's: credited to the composite only when it
 * matches its claim too, never counted against it (shutil.rmtree must not call the open of an
 * unrelated file opened afterwards a mismatch). */
static bool offer(struct pyx_corr *c, struct win *w, const struct pyx_sysview *sv,
		  const struct corr_scpaths *sp, const void *rec, size_t size, bool child,
		  uint64_t ts, bool claimed)
{
	const char *why;
	enum corr_cmp r;
	struct held *h;

	if (!w || w->closed)
		return false;
	r = corr_compare(&w->cl, sv, sp, &why);
	if (r == CM_NOT || (claimed && r != CM_MATCH))
		return false;
	w->last_ns = ts;
	if (r == CM_MATCH) {
		w->nmatch++;
	} else {
		w->ndiffer++;
		if (!w->why)
			w->why = why;
	}
	w->lat += sv->latency_ns;
	if (w->natt < PYX_CORR_ATT_MAX && (h = held_new(rec, size))) {
		h->child = child;
		w->att[w->natt++] = h;
	} else {
		w->ndropped++;
	}
	return r == CM_MATCH;
}

/* w matched a syscall at ts: does that explain it? Always for a plain window, one that creates
 * processes (its children are followed until exec) and a loader's (import: reads and code maps
 * only, corr_rules.c); for a composite, see COMPOSITE_GAP_NS. */
static bool composite_explains(struct win *w, uint64_t ts)
{
	if (!(w->cl.cls & CC_COMPOSITE) || (w->cl.cls & (CC_SPAWN | CC_LOADER)))
		return true;
	if (!w->budget || ts < w->sub_ns || ts - w->sub_ns > COMPOSITE_GAP_NS)
		return false;
	w->budget--;
	return true;
}

static void syscall_state(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
			  const struct corr_scpaths *sp, bool explained)
{
	struct fdent *e;

	switch (sv->sc) {
	case PYX_SC_openat:
	case PYX_SC_openat2:
	case PYX_SC_open:
	case PYX_SC_creat:
		if (sv->ret >= 0)
			fd_put(p, sv->ret, sp->abs[0], false, explained, corr_open_writes(sv));
		break;
	case PYX_SC_socket:
		if (sv->ret >= 0)
			fd_put(p, sv->ret, NULL, true, explained, false);
		break;
	case PYX_SC_bind:
	case PYX_SC_connect:
		if (explained && (e = fd_ent(p, (int64_t)sv->args[0].raw, true))) {
			e->socket = true;
			e->audited = true;
		}
		break;
	case PYX_SC_accept:
	case PYX_SC_accept4:
		e = fd_ent(p, (int64_t)sv->args[0].raw, false);
		if (sv->ret >= 0)
			fd_put(p, sv->ret, NULL, true, e && e->audited, false);
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
			e = fd_ent(p, (int64_t)sv->args[0].raw, false);
			free(p->cwd);
			p->cwd = e && e->path ? strdup(e->path) : NULL;
			p->cwd_tried = false;
		}
		break;
	default:
		break;
	}
}

static void keep_argv(struct proc *p, const struct pyx_sysview *sv)
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

static int on_syscall(struct pyx_corr *c, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *hdr = rec;
	struct corr_scpaths sp = { { NULL } };
	char *abs[CORR_PATHS] = { NULL };
	struct pyx_sysview sv;
	struct thread *th;
	struct proc *p;
	bool explained = false, hooked, sensitive, is_exec;
	unsigned int i, n = 0;
	int err;

	th = thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns);
	p = proc_get(c, hdr->pid);
	if (!th || !p || pyx_sysrec_decode(rec, size, &sv))
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	th->last_ns = hdr->ts_ns;

	for (i = 0; i < sv.nargs && n < CORR_PATHS; i++) {
		const struct pyx_sysarg *a = &sv.args[i];

		if (a->kind != PYX_AK_PATH)
			continue;
		if (a->present && !a->null && !a->fault && !a->truncated)
			abs[n] = resolve(c, p, a->u.path.has_dirfd ? a->u.path.dirfd : -100,
					 a->u.path.str);
		sp.abs[n] = abs[n];
		n++;
	}

	is_exec = (sv.sc == PYX_SC_execve || sv.sc == PYX_SC_execveat) && sv.ret == 0;
	/* issue 8: no audit event does its work through an io_uring, so none explains a request,
	 * however alike its arguments (a forged sys.audit("open", path) must not cover one) */
	if (sv.io_uring)
		goto judged;
	if (th->cur && offer(c, th->cur, &sv, &sp, rec, size, false, hdr->ts_ns, false))
		explained |= composite_explains(th->cur, hdr->ts_ns);
	for (i = th->nouter; i > 0; i--) /* innermost composite first */
		if (offer(c, th->outer[i - 1], &sv, &sp, rec, size, false, hdr->ts_ns, explained))
			explained |= composite_explains(th->outer[i - 1], hdr->ts_ns);
	if (p->creator)
		explained |= offer(c, p->creator, &sv, &sp, rec, size, true, hdr->ts_ns, explained);

judged:
	sensitive = corr_sensitive(&sv);
	if (sensitive && !explained && !sv.io_uring) {
		struct proc *pp = proc_find(c, p->ppid);
		struct corr_view view = { .ctx = p, .fd = view_fd,
					  .sqlite = (const char *const *)p->sqlite,
					  .nsqlite = p->nsqlite,
					  .sem_tmp = (const char *const *)p->sem_tmp,
					  .nsem_tmp = SEM_TMP_MAX,
					  .sem = (const char *const *)p->sem, .nsem = p->nsem,
					  .pid = p->pid, .tid = hdr->tid, .nss_load = th->nss_load,
					  .finalized = p->finalized,
					  .fork_of_hooked = p->hooked_before_exec && pp && pp->hooked,
					  .parent_exe = pp ? pp->exe : NULL, .ppid = p->ppid,
					  .procfs = c->o.procfs ? c->o.procfs : "/proc" };

		explained = corr_exempt(&sv, &sp, &view);
	}
	sem_track(p, &sv, &sp);
	syscall_state(c, p, &sv, &sp, explained);
	ustack_learn(c, p, &sv);
	if (corr_open_readonly(&sv) && sv.ret >= 0 && corr_sys_lib(sp.abs[0]) == CORR_LIB_NSS)
		th->nss_load = true;
	if (p->maps_watch && !p->hooked && sv.sc == PYX_SC_mmap && !sv.err &&
	    (sv.args[2].raw & PROT_EXEC))
		blind_mapped(c, p, &sv);

	hooked = p->exec_pending && is_exec ? p->hooked_before_exec : p->hooked;
	if (is_exec) {
		/* the new image starts from nothing: no hook until it says so */
		p->exec_pending = false;
		p->finalized = false;
		if (p->py_pending || p->maps_watch)
			keep_argv(p, &sv);
	}

	if (sv.changed) {
		/* whatever explains it, a buffer rewritten under a running syscall is an attack on
		 * what the monitor reads (docs/correlation.md, "Time of check") */
		err = pass(c, th, rec, size, PYX_V_CHANGED, "argument changed during the syscall",
			   &th->ctx);
	} else if (sensitive && hooked && !explained) {
		struct ctxcopy *x = &c->judged;

		*x = th->ctx;
		ustack_text(c, p, &sv, x);
		if (th->uncertain) {
			err = pass(c, th, rec, size, PYX_V_INDETERMINATE,
				   "records were lost before it: its audit event may be among them",
				   x);
		} else {
			count_top(c, &sv, x);
			err = pass(c, th, rec, size, PYX_V_UNAUDITED,
				   sv.io_uring ? "done through io_uring, which no audit event covers" :
				   th->ctx.has ? NULL : "no audit event before it", x);
		}
	} else {
		err = pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	}
	if (is_exec) {
		/* the child's exec is what its creator waited for; whatever windows the old image
		 * had open end with it */
		child_resolved(c, p);
		while (th->nouter)
			end_win(c, th->outer[th->nouter - 1]);
		end_win(c, th->cur);
		th->ctx.has = false;
		pyx_ustack_forget(c->us, p->pid); /* the old image's maps */
	}
	for (i = 0; i < CORR_PATHS; i++)
		free(abs[i]);
	return err;
}

/* ---- process records ---- */

/* Issue 8: an exec that is an alarm by itself (names in correlate.h). */
/* Issue 8: a hooked process killed by SIGSYS: a syscall its seccomp filter forbids, e.g. a 32-bit
 * one under PYXCHECK_DENY_COMPAT=1 (user/hook/compat_guard.c). */
static void alert_sigsys(struct pyx_corr *c, struct thread *th, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *hdr = &pv->rec->hdr;
	struct pyx_corr_context ctx = {
		.has_event = th->ctx.has, .event = th->ctx.event, .file = th->ctx.file,
		.function = th->ctx.function, .line = th->ctx.line, .ts_ns = th->ctx.ts,
		.tid = th->ctx.tid,
	};
	struct pyx_corr_alert a = {
		.alert = "killed-by-seccomp",
		.why = "a hooked process was killed by SIGSYS: a syscall its seccomp filter "
		       "forbids (a 32-bit one under PYXCHECK_DENY_COMPAT=1?)",
		.ts_ns = hdr->ts_ns, .pid = hdr->pid, .tid = hdr->tid, .uid = hdr->uid,
		.comm = hdr->comm, .context = &ctx,
	};
	struct pyx_corr_item it = { .kind = PYX_CI_ALERT, .alert = &a };

	c->st.alerts++;
	emit(c, &it);
}

static void alert_exec(struct pyx_corr *c, struct thread *th, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *hdr = &pv->rec->hdr;
	struct pyx_corr_context ctx = {
		.has_event = th->ctx.has, .event = th->ctx.event, .file = th->ctx.file,
		.function = th->ctx.function, .line = th->ctx.line, .ts_ns = th->ctx.ts,
		.tid = th->ctx.tid,
	};
	struct pyx_corr_alert a = {
		.ts_ns = hdr->ts_ns, .pid = hdr->pid, .uid = hdr->uid,
		/* the thread that called exec, which took the leader's id */
		.tid = pv->old_tid ? pv->old_tid : hdr->tid,
		.comm = hdr->comm, .path = pv->filename, .path_len = pv->filename_len,
		.context = &ctx,
	};
	struct pyx_corr_item it = { .kind = PYX_CI_ALERT, .alert = &a };

	if (pv->exe_memfd) {
		a.alert = "exec-memfd";
		a.why = "a hooked process executed a memfd: code that never was a file";
		c->st.alerts++;
		emit(c, &it);
	} else if (pv->exe_deleted) {
		a.alert = "exec-deleted";
		a.why = "a hooked process executed a file that has no name left";
		c->st.alerts++;
		emit(c, &it);
	}
	if (pv->no_exec_syscall) {
		a.alert = "exec-untraced";
		a.why = "exec with no traced execve/execveat before it: a 32-bit int $0x80 "
			"execve?";
		c->st.alerts++;
		emit(c, &it);
	}
}

static void blind_emit(struct pyx_corr *c, struct proc *p)
{
	struct pyx_corr_blind b = {
		.pid = p->pid,
		.ppid = p->ppid,
		.ts_ns = p->exec_ns,
		.comm = p->comm,
		.exe = p->exe ? p->exe : "",
		.argv = (const char *const *)p->argv,
		.argc = p->argc,
		.why = p->why,
		.builtin = p->builtin_attached ? (p->builtin ? p->builtin : "") : NULL,
		.builtin_count = p->builtin_count,
	};
	struct pyx_corr_item it = { .kind = PYX_CI_BLIND_SPOT, .blind = &b };

	p->py_pending = false;
	p->blind_done = true;
	c->st.blind_spots++;
	emit(c, &it);
}

/* A Python without the hook so far: it has the grace period to fire hook_start. image is the
 * file to attach CPython's built-in probe to (a /proc link to the very inode it runs). */
static void blind_suspect(struct pyx_corr *c, struct proc *p, const char *image)
{
	p->py_pending = true;
	p->blind_done = false;
	p->maps_watch = false;
	if (c->blind_fn && image)
		p->builtin_attached = c->blind_fn(c->blind_ctx, p->pid, image);
}

/*
 * An executable mapping made by a process whose image has no PT_INTERP: the dynamic loader run
 * as a program (ld.so /usr/bin/python3.11 ...) maps the program it runs itself, so /proc/PID/exe
 * and the exec record name ld.so. The mapped file is read through /proc/PID/map_files (the
 * inode the process maps, whatever happened to its name since), or, once the process is gone,
 * through the path its fd was opened with.
 */
static void blind_mapped(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv)
{
	const char *procfs = c->o.procfs ? c->o.procfs : "/proc";
	char path[PATH_MAX], image[PATH_MAX], line[PATH_MAX + 128], why[96];
	unsigned long long lo, hi, addr = (unsigned long long)sv->ret;
	const char *name = NULL;
	struct fdent *e;
	int r = -1, pos;
	FILE *f;

	image[0] = 0;
	snprintf(path, sizeof(path), "%s/%u/maps", procfs, p->pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &lo, &hi, &pos) != 2 || addr < lo ||
		    addr >= hi)
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(image, sizeof(image), "%s/%u/map_files/%llx-%llx", procfs, p->pid, lo, hi);
		r = corr_elf_is_python(image, why, sizeof(why), NULL);
		if (line[pos] == '/') {
			snprintf(path, sizeof(path), "%s", line + pos);
			name = path;
		}
		break;
	}
	if (f)
		fclose(f);
	e = fd_ent(p, (int64_t)sv->args[4].raw, false);
	if (r < 0 && e && e->path) {
		image[0] = 0;
		r = corr_elf_is_python(e->path, why, sizeof(why), NULL);
	}
	if (r <= 0)
		return;
	if (!name)
		name = e && e->path ? e->path : "an unnamed file";
	snprintf(p->why, sizeof(p->why), "maps %.160s, which %.80s", name, why);
	blind_suspect(c, p, NULL);
	/* Not now: ld.so maps the program segment by segment, and a uprobe with a semaphore
	 * attached before the data segment is in place fails (ESRCH). At the next tick it is. */
	free(p->attach_image);
	p->attach_image = image[0] ? strdup(image) : NULL;
}

static void free_threads_of(struct pyx_corr *c, uint32_t pid)
{
	unsigned int b;

	for (b = 0; b < HASH_BUCKETS; b++) {
		struct thread **pp = &c->threads[b];

		while (*pp) {
			struct thread *t = *pp;

			if (t->pid != pid) {
				pp = &t->hnext;
				continue;
			}
			while (t->nouter)
				end_win(c, t->outer[t->nouter - 1]);
			end_win(c, t->cur);
			/* windows still waiting for children of this process close now */
			while (t->head && !ready(t->head))
				close_win(c, t->head->win);
			release(c, t);
			*pp = t->hnext;
			c->nthreads--;
			free(t);
		}
	}
}

static int on_process(struct pyx_corr *c, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *hdr = rec;
	struct pyx_procview pv;
	struct thread *th, *ct;
	struct proc *p, *cp;
	unsigned int i;
	int err;

	th = thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns);
	p = proc_get(c, hdr->pid);
	if (!th || !p || pyx_procrec_decode(rec, size, &pv))
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);

	switch (pv.kind) {
	case PYX_PROC_FORK:
		ct = thread_get(c, pv.child_tid, pv.child_pid, hdr->ts_ns);
		if (ct) {
			ct->ctx = th->ctx; /* what the parent did last is the child's context too */
			ct->uncertain = th->uncertain;
			ct->last_ns = hdr->ts_ns;
		}
		if (pv.thread)
			break;
		cp = proc_get(c, pv.child_pid);
		if (!cp)
			break;
		cp->ppid = hdr->pid;
		cp->hooked = p->hooked;
		free(cp->cwd);
		cp->cwd = p->cwd ? strdup(p->cwd) : NULL;
		cp->cwd_tried = p->cwd_tried;
		if (p->fds && fd_ent(cp, 0, true))
			for (i = 0; i < FD_MAX; i++)
				if (p->fds[i].path || p->fds[i].socket)
					fd_put(cp, i, p->fds[i].path, p->fds[i].socket,
					       p->fds[i].audited, p->fds[i].writes);
		{
			/* the innermost process-creating window of the forking thread */
			struct win *w = th->cur && (th->cur->cl.cls & CC_SPAWN) ? th->cur : NULL;

			for (i = th->nouter; !w && i > 0; i--)
				if (th->outer[i - 1]->cl.cls & CC_SPAWN)
					w = th->outer[i - 1];
			if (w && w->nchildren < CHILD_MAX) {
				cp->creator = w;
				w->pending++;
				w->children[w->nchildren++] = cp->pid;
				w->last_ns = hdr->ts_ns;
			}
		}
		break;
	case PYX_PROC_EXEC:
		if (p->hooked)
			alert_exec(c, th, &pv);
		p->hooked_before_exec = p->hooked;
		p->hooked = false;
		p->exec_pending = true;
		p->exec_ns = hdr->ts_ns;
		memcpy(p->comm, hdr->comm, PYX_COMM_LEN);
		for (i = 0; i < p->argc; i++)
			free(p->argv[i]);
		free(p->argv);
		p->argv = NULL;
		p->argc = 0;
		free(p->exe);
		p->exe = pv.filename ? strdup(pv.filename) : NULL;
		pyx_ustack_learn(c->us, p->exe);
		p->py_pending = false;
		p->maps_watch = false;
		free(p->attach_image);
		p->attach_image = NULL;
		if (c->o.blind_spots && p->exe) {
			char path[PATH_MAX];
			bool no_interp = false;
			int r;

			/* the running image, even when its file was removed or replaced since */
			snprintf(path, sizeof(path), "%s/%u/exe", c->o.procfs ? c->o.procfs : "/proc",
				 p->pid);
			r = corr_elf_is_python(path, p->why, sizeof(p->why), &no_interp);
			if (r < 0)
				r = corr_elf_is_python(p->exe, p->why, sizeof(p->why), &no_interp);
			if (r > 0)
				blind_suspect(c, p, path);
			else
				p->maps_watch = no_interp;
		}
		break;
	case PYX_PROC_EXIT:
		if (p->hooked && pv.term_signal == SIGSYS)
			alert_sigsys(c, th, &pv);
		/* everything the process did comes out before its exit */
		child_resolved(c, p);
		free_threads_of(c, hdr->pid);
		pyx_ustack_forget(c->us, hdr->pid);
		err = pass(c, NULL, rec, size, PYX_V_NONE, NULL, NULL);
		/* A blind spot is reported at the next tick: the names its built-in probe fired
		 * travel on another ring and may not all be read yet. */
		if (p->py_pending) {
			p->exited = true;
		} else {
			proc_reap(c, p);
		}
		return err;
	}
	return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
}

int pyx_corr_record(struct pyx_corr *c, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *hdr = rec;
	struct thread *th;
	int err = 0;

	c->err = 0;
	if (size < sizeof(*hdr) || hdr->size != size) {
		struct pyx_corr_item it = { .kind = PYX_CI_RECORD, .rec = rec, .size = size };

		return emit(c, &it);
	}
	if (!c->o.enabled) {
		struct pyx_corr_item it = { .kind = PYX_CI_RECORD, .rec = rec, .size = size };

		return emit(c, &it);
	}
	/* each thread's uid, for THROTTLED records (on_throttled) */
	th = thread_find(c, hdr->tid);
	if (th) {
		th->uid = hdr->uid;
	} else if (hdr->type != PYX_REC_THROTTLED && hdr->type != PYX_REC_LOST &&
		   throttled_recently(c, hdr->uid, hdr->ts_ns)) {
		th = thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns);
		if (th) {
			th->uid = hdr->uid;
			th->uncertain = true;
		}
	}
	switch (hdr->type) {
	case PYX_REC_AUDIT:
		err = on_audit(c, rec, size);
		break;
	case PYX_REC_SYSCALL:
		err = on_syscall(c, rec, size);
		break;
	case PYX_REC_PROCESS:
		err = on_process(c, rec, size);
		break;
	case PYX_REC_LIFECYCLE: {
		const struct pyx_rec_lifecycle *lc = rec;
		struct proc *p = proc_get(c, hdr->pid);

		if (p && size >= sizeof(*lc) && lc->kind == PYX_LC_HOOK_STOP && hdr->tid == hdr->pid)
			p->finalized = true;
		if (p && size >= sizeof(*lc) && lc->kind == PYX_LC_HOOK_START && lc->status == 0) {
			p->hooked = true;
			p->py_pending = false;
			if (p->builtin_attached && c->blind_fn) {
				c->blind_fn(c->blind_ctx, p->pid, NULL);
				p->builtin_attached = false;
			}
		}
		err = pass(c, thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns), rec, size, PYX_V_NONE, NULL,
			   NULL);
		break;
	}
	case PYX_REC_LOST:
		/* processes that could not be monitored lost no record of a followed one */
		if (size >= sizeof(struct pyx_rec_lost) &&
		    ((const struct pyx_rec_lost *)rec)->stream == PYX_STREAM_UNMONITORED) {
			err = pass(c, NULL, rec, size, PYX_V_NONE, NULL, NULL);
			break;
		}
		pyx_corr_note_loss(c, hdr->ts_ns);
		err = pass(c, NULL, rec, size, PYX_V_NONE, NULL, NULL);
		break;
	case PYX_REC_THROTTLED:
		if (size >= sizeof(struct pyx_rec_throttled))
			on_throttled(c, rec, hdr->ts_ns);
		err = pass(c, NULL, rec, size, PYX_V_NONE, NULL, NULL);
		break;
	default:
		err = pass(c, NULL, rec, size, PYX_V_NONE, NULL, NULL);
		break;
	}
	th = thread_find(c, hdr->tid);
	if (th)
		th->uid = hdr->uid;
	return err ? err : c->err;
}

void pyx_corr_note_loss(struct pyx_corr *c, uint64_t ts_ns)
{
	unsigned int b;
	struct thread *th;

	/* the lost records could have been anyone's: every open window is in doubt */
	for (b = 0; b < HASH_BUCKETS; b++) {
		for (th = c->threads[b]; th; th = th->hnext) {
			struct held *h;

			for (h = th->head; h; h = h->next)
				if (h->win && !h->win->closed)
					h->win->lost = true;
			th->uncertain = true;
		}
	}
	c->last_lost_ns = ts_ns ? ts_ns : 1;
}

int pyx_corr_tick(struct pyx_corr *c, uint64_t now)
{
	unsigned int b;

	c->err = 0;
	for (b = 0; b < HASH_BUCKETS; b++) {
		struct thread **pp = &c->threads[b];

		while (*pp) {
			struct thread *t = *pp;
			struct held *h;
			bool again = true;

			while (again) {
				again = false;
				for (h = t->head; h; h = h->next) {
					struct win *w = h->win;

					if (w && !w->closed && w->last_ns + c->o.window_ns <= now &&
					    t->last_ns + c->o.window_ns <= now) {
						close_win(c, w);
						again = true;
						break;
					}
				}
			}
			if (!t->head && !t->cur && !t->nouter && t->last_ns + IDLE_THREAD_NS <= now) {
				*pp = t->hnext;
				c->nthreads--;
				free(t);
				continue;
			}
			pp = &t->hnext;
		}
	}
	for (b = 0; b < HASH_BUCKETS; b++) {
		struct proc *p;

		struct proc *next;

		for (p = c->procs[b]; p; p = next) {
			next = p->hnext;
			/* tried again at each tick until it works or the grace period ends */
			if (p->attach_image && !p->exited && p->py_pending && c->blind_fn)
				p->builtin_attached = c->blind_fn(c->blind_ctx, p->pid,
								  p->attach_image);
			if (p->builtin_attached || !p->py_pending || p->exited) {
				free(p->attach_image);
				p->attach_image = NULL;
			}
			if (p->exited)
				proc_reap(c, p);
			else if (p->py_pending && p->exec_ns + c->o.blind_grace_ns <= now)
				blind_emit(c, p);
		}
	}
	return c->err;
}

int pyx_corr_flush(struct pyx_corr *c)
{
	unsigned int b;

	c->err = 0;
	for (b = 0; b < HASH_BUCKETS; b++) {
		struct thread *t;

		for (t = c->threads[b]; t; t = t->hnext) {
			while (t->head && !ready(t->head))
				close_win(c, t->head->win);
			release(c, t);
			t->cur = NULL;
			t->nouter = 0;
		}
	}
	for (b = 0; b < HASH_BUCKETS; b++) {
		struct proc *p;

		struct proc *next;

		for (p = c->procs[b]; p; p = next) {
			next = p->hnext;
			/* tried again at each tick until it works or the grace period ends */
			if (p->attach_image && !p->exited && p->py_pending && c->blind_fn)
				p->builtin_attached = c->blind_fn(c->blind_ctx, p->pid,
								  p->attach_image);
			if (p->builtin_attached || !p->py_pending || p->exited) {
				free(p->attach_image);
				p->attach_image = NULL;
			}
			if (p->exited)
				proc_reap(c, p);
			else if (p->py_pending)
				blind_emit(c, p);
		}
	}
	return c->err;
}

int pyx_corr_new(struct pyx_corr **out, const struct pyx_corr_opts *opts, pyx_corr_emit_fn fn,
		 void *ctx)
{
	size_t asz = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX);
	struct pyx_corr *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->o = *opts;
	if (!c->o.window_ns)
		c->o.window_ns = PYX_CORR_WINDOW_NS;
	if (!c->o.max_held)
		c->o.max_held = 4096;
	if (!c->o.max_bytes)
		c->o.max_bytes = 64u << 20;
	if (!c->o.max_threads)
		c->o.max_threads = 8192;
	if (!c->o.blind_grace_ns)
		c->o.blind_grace_ns = 2000000000ull;
	c->fn = fn;
	c->ctx = ctx;
	c->arena_mem = malloc(asz);
	if (!c->arena_mem) {
		free(c);
		return -ENOMEM;
	}
	pyx_arena_init(&c->arena, c->arena_mem, asz);
	c->us = pyx_ustack_new(c->o.procfs); /* NULL: stacks stay unresolved */
	c->dump = malloc(sizeof(*c->dump));  /* NULL: frame-pointer stacks only */
	*out = c;
	return 0;
}

void pyx_corr_free(struct pyx_corr *c)
{
	unsigned int b, i;

	if (!c)
		return;
	for (b = 0; b < HASH_BUCKETS; b++) {
		while (c->threads[b]) {
			struct thread *t = c->threads[b];

			c->threads[b] = t->hnext;
			while (t->head) {
				struct held *h = t->head;

				t->head = h->next;
				held_free(h);
			}
			free(t);
		}
		while (c->procs[b])
			proc_free(c, c->procs[b]);
	}
	for (i = 0; i < PYX_EV__COUNT; i++)
		free(c->lat[i]);
	free(c->arena_mem);
	pyx_ustack_free(c->us);
	free(c->dump);
	free(c);
}

void pyx_corr_set_blind_cb(struct pyx_corr *c, pyx_corr_blind_fn fn, void *ctx)
{
	c->blind_fn = fn;
	c->blind_ctx = ctx;
}

void pyx_corr_builtin_event(struct pyx_corr *c, uint32_t pid, const char *name)
{
	struct proc *p = proc_find(c, pid);
	size_t have, n = strlen(name);
	const char *s;

	if (!p)
		return;
	p->builtin_count++;
	have = p->builtin ? strlen(p->builtin) : 0;
	for (s = p->builtin; s && (s = strstr(s, name)); s += n)
		if ((s == p->builtin || s[-1] == ',') && (s[n] == ',' || !s[n]))
			return; /* already listed */
	if (have + n + 2 > BUILTIN_NAMES_MAX)
		return;
	s = realloc(p->builtin, have + n + 2);
	if (!s)
		return;
	p->builtin = (char *)s;
	if (have)
		p->builtin[have++] = ',';
	memcpy(p->builtin + have, name, n + 1);
}

static int top_cmp(const void *a, const void *b)
{
	const struct topent *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

void pyx_corr_add_blind(struct pyx_corr *c, uint64_t n)
{
	c->st.blind_spots += n;
}

void pyx_corr_stats(const struct pyx_corr *c, struct pyx_corr_stats *out)
{
	struct topent top[TOP_KEYS];
	unsigned int i;

	*out = c->st;
	memcpy(top, c->top, sizeof(top));
	qsort(top, c->ntop, sizeof(top[0]), top_cmp);
	out->ntop = c->ntop < PYX_CORR_TOP_MAX ? c->ntop : PYX_CORR_TOP_MAX;
	for (i = 0; i < out->ntop; i++) {
		scopy(out->top[i].syscall, sizeof(out->top[i].syscall), top[i].syscall);
		scopy(out->top[i].context, sizeof(out->top[i].context), top[i].context);
		out->top[i].count = top[i].count;
	}
}

uint64_t pyx_corr_oldest_held(const struct pyx_corr *c)
{
	uint64_t oldest = UINT64_MAX;
	unsigned int b;

	for (b = 0; b < HASH_BUCKETS; b++) {
		const struct thread *t;

		for (t = c->threads[b]; t; t = t->hnext) {
			const struct pyx_rec_hdr *h;

			if (!t->head)
				continue;
			h = (const struct pyx_rec_hdr *)t->head->rec;
			if (h->ts_ns < oldest)
				oldest = h->ts_ns;
		}
	}
	return oldest;
}
