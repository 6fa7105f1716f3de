// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The correlator's engine. The design is described in correlate.h, the rules in
 * docs/correlation.md and corr_rules.c. This file owns the windows (a claim, the syscalls
 * attached to it, its verdict) and each thread's queue of held records, and dispatches the
 * records; the process and thread state is corr_proc.c's, blind spots corr_blind.c's, counters
 * corr_stats.c's (shared structs in corr_internal.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "corr_internal.h"

#define IDLE_THREAD_NS (60ull * 1000000000ull)
/*
 * A composite (shutil.rmtree, os.walk, ...) is made of audited calls, and each of them raises its
 * own event before its syscall, which explains it. So the composite itself explains a syscall
 * only right after one of its sub-events (within COMPOSITE_GAP_NS, at most COMPOSITE_SUB_BUDGET
 * syscalls per sub-event), only one of that sub-event's own counterpart syscalls (its catalogue
 * row's), and nothing on its own event alone: a forged sys.audit("shutil.rmtree", "/") then
 * explains nothing that native code does after it. The first syscall of the sub-event's kind
 * that the thread makes after it is taken for the sub-event's own and spends the budget, whatever
 * window explains it (composite_spend): a sub-event whose syscall is not traced (os.listxattr,
 * os.getxattr, fcntl.*) gives nothing, and a sub-event whose own syscall was seen leaves nothing
 * for native code to use after it. It still collects every counterpart for its own verdict.
 */
#define COMPOSITE_GAP_NS (50ull * 1000000ull)
#define COMPOSITE_SUB_BUDGET 1
/*
 * socket.connect/bind/sendto/sendmsg resolve a host name inside the call, before raising their
 * event (Modules/socketmodule.c getsockaddrarg() -> setipaddr() -> getaddrinfo(), then
 * PySys_Audit()): glibc's resolver's syscalls come before the event that explains them. So an
 * unexplained syscall of one of its exact shapes (corr_resolver_pre_shape) is held, unjudged,
 * for the thread's next audit event: one naming a host name explains it, anything else leaves
 * it unaudited (pend_settle). The wait ends as soon as the thread does anything the resolver
 * does not (a syscall of another shape), after RESOLVER_PRE_MAX such syscalls (more than one
 * lookup makes), or after RESOLVER_HOLD_NS: a delay of the alarm, never its loss.
 */
#define RESOLVER_PRE_MAX 32
#define RESOLVER_HOLD_NS (30ull * 1000000000ull)
/*
 * glibc's getaddrinfo() sorts two results or more (sysdeps/posix/getaddrinfo.c, rfc3484_sort):
 * __check_pf() first (check_pf.c: its netlink socket and bind), then a datagram socket
 * connected to each result in turn. A sorting connect is a lookup's shape only on the socket
 * made so after that netlink pair, by the same thread since its last audit event and in the same
 * held run (gai_track), and for at most GAI_SORT_MAX results in that window or run, however
 * many netlink pairs it has (one event is one getaddrinfo(); a 512-byte UDP answer holds 29 A
 * records at most; more come over TCP, a rare name's, and alarm).
 */
#define GAI_SORT_MAX 32
enum {
	GAI_NONE = 0,
	GAI_NL,   /* __check_pf()'s socket made (gai_nl_fd) */
	GAI_PF,   /* ... and bound (or the socket or the bind failed: glibc goes on without) */
	GAI_SORT, /* ... then the sorting socket made (gai_sort_fd) */
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
	/* nothing new since the last walk for this uid (doubt_gen): skipped */
	bool walk = !(c->thr_walk_gen == c->doubt_gen + 1 && c->thr_walk_uid == t->uid);
	unsigned int b, i, slot = 0;
	struct thread *th;

	for (b = 0; walk && b < HASH_BUCKETS; b++) {
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
	c->thr_walk_gen = c->doubt_gen + 1;
	c->thr_walk_uid = t->uid;
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
		[PYX_V_MATCHED] = "matched",     [PYX_V_NO_SYSCALL] = "no-syscall",
		[PYX_V_MISMATCH] = "mismatch",   [PYX_V_INDETERMINATE] = "indeterminate",
		[PYX_V_UNAUDITED] = "unaudited", [PYX_V_CHANGED] = "changed",
	};

	return v < PYX_V__COUNT ? names[v] : NULL;
}

/* ---- records ---- */

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PYX_CORR_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(PYX_CORR_ASAN)
#define CORR_ASAN 1
#else
#define CORR_ASAN 0
#endif

/* Closed windows kept for reuse (corr_internal.h): 64 of 1.9 KB at most; none under ASan, which
 * then sees a use of a window after it was freed (or parked, close_win). */
#if CORR_ASAN
#define WIN_POOL_MAX 0
#else
#define WIN_POOL_MAX 64
#endif

/* A zeroed window but for its claim, which the caller initialises (corr_claim_init or
 * corr_claim_from). A reused window's claim still holds the pointers of its previous use, already
 * freed by win_free(): only one of those two may come next, never corr_claim_free(). */
static struct win *win_new(struct pyx_corr *c)
{
	struct win *w = c->win_pool;

	if (!w)
		return calloc(1, sizeof(*w));
	c->win_pool = (struct win *)w->th;
	c->nwin_pool--;
	/* all but the claim (1.5 KB of the 1.9): corr_claim_init() or corr_claim_from(), always
	 * next, writes it; nor att[] and children[] (288 bytes), read below their counts */
	memset(w, 0, offsetof(struct win, cl));
	memset(&w->o, 0, sizeof(*w) - offsetof(struct win, o));
	return w;
}

/* Copies of records up to HELD_SMALL bytes (an open's audit and openat records are ~200) come
 * from a free list of blocks of that size, at most HELD_POOL_MAX of them kept: a malloc and a
 * free cost ~115 instructions per record held (docs/benchmarks.md, fifth pass). */
#define HELD_SMALL 440 /* with the 64-byte header, 504 bytes: a 512-byte chunk */
#if CORR_ASAN
#define HELD_POOL_MAX 0 /* every copy freed: ASan sees a use after its last reference */
#else
#define HELD_POOL_MAX 256
#endif

static struct held *held_new(struct pyx_corr *c, const void *rec, size_t size)
{
	struct held *h;

	if (size <= HELD_SMALL && c->held_pool) {
		h = c->held_pool;
		c->held_pool = h->next;
		c->nheld_pool--;
	} else {
		/* pooled builds round small copies up to the pool's block; ASan builds allocate
		 * the record's exact size, so that a read past its end is still reported */
		h = malloc(sizeof(*h) + (HELD_POOL_MAX && size <= HELD_SMALL ? HELD_SMALL : size));
	}
	if (!h)
		return NULL;
	/* the header zeroed; the copy, not zeroed first, overwrites the rest */
	memset(h, 0, sizeof(*h));
	memcpy(h->rec, rec, size);
	h->size = size;
	h->refs = 1;
	return h;
}

static void held_put(struct pyx_corr *c, struct held *h);

static void winsum_free(struct pyx_corr *c, struct winsum *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->o.natt; i++)
		held_put(c, s->att[i]);
	free(s);
}

static void win_free(struct pyx_corr *c, struct win *w)
{
	unsigned int i;

	if (!w)
		return;
	for (i = 0; i < w->o.natt; i++)
		held_put(c, w->att[i]);
	corr_claim_free(&w->cl);
#if WIN_POOL_MAX
	if (c->nwin_pool < WIN_POOL_MAX) {
		w->th = (struct thread *)c->win_pool;
		c->win_pool = w;
		c->nwin_pool++;
		return;
	}
#endif
	free(w);
}

/* Drop one reference (struct held); the last frees the copy. */
static void held_put(struct pyx_corr *c, struct held *h)
{
	if (!h || --h->refs)
		return;
	win_free(c, h->win);
	winsum_free(c, h->sum);
	free(h->ctx);
#if HELD_POOL_MAX
	if (h->size <= HELD_SMALL && c->nheld_pool < HELD_POOL_MAX) {
		h->next = c->held_pool;
		c->held_pool = h;
		c->nheld_pool++;
		return;
	}
#endif
	free(h);
}

static void late_free(struct thread *th)
{
	if (!th->late)
		return;
	corr_claim_free(th->late);
	free(th->late);
	th->late = NULL;
}

static void thread_free(struct thread *th)
{
	late_free(th);
	free(th);
}

int corr_emit(struct pyx_corr *c, const struct pyx_corr_item *it)
{
	int err;

	if (it->verdict < PYX_V__COUNT)
		c->st.verdicts[it->verdict]++;
	err = c->fn(c->ctx, it);
	if (err && !c->err)
		c->err = err;
	return err;
}

/* The item's view of a context copy; ctx points into x. */
static void context_of(const struct ctxcopy *x, struct pyx_corr_context *ctx)
{
	unsigned int i;

	*ctx = (struct pyx_corr_context){
		.has_event = x->has,
		.event = x->event,
		.file = x->file,
		.function = x->function,
		.line = x->line,
		.ts_ns = x->ts,
		.tid = x->tid,
		.nstack = x->stack.n,
		.origin = x->stack.origin[0] ? x->stack.origin : NULL,
		.stack_note = x->stack.note[0] ? x->stack.note : NULL,
	};
	for (i = 0; i < x->stack.n; i++)
		ctx->stack[i] = x->stack.frames[i];
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
		.view_gen = h->view_gen,
	};
	struct win *w = h->win;
	struct winsum *s = h->sum;
	/* from the window, or from a parked window's summary (close_win) */
	const struct winout *o = w ? &w->o : s ? &s->o : NULL;
	struct held *const *src = w ? w->att : s ? s->att : NULL;
	unsigned int i;

	if (o) {
		for (i = 0; i < o->natt; i++) {
			att[i].rec = src[i]->rec;
			att[i].size = src[i]->size;
			att[i].child = o->att_child >> i & 1;
			att[i].view_gen = src[i]->view_gen;
		}
		it.syscalls = att;
		it.nsyscalls = o->natt;
		it.nsyscalls_dropped = o->ndropped;
		it.latency_ns = o->lat;
		/* still in its arena: neither it nor the other was reset since (on_audit) */
		if (o->ev_gen && o->ev_gen + 1 >= c->ev_gen)
			it.event = &o->ev;
		if (h->verdict == PYX_V_MATCHED)
			corr_lat_add(c, w ? w->cl.ev : s->ev_id, o->lat);
	}
	if (h->ctx) {
		context_of(h->ctx, &ctx);
		it.context = &ctx;
	}
	corr_emit(c, &it);
}

static bool ready(const struct held *h)
{
	return !h->pending && (!h->win || h->win->closed);
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
		held_put(c, h);
	}
}

/*
 * The verdict of th's held resolver syscalls (see RESOLVER_PRE_MAX): none when explained (the
 * event that follows them names a host name), unaudited otherwise, or indeterminate when records
 * were lost since (the event that would explain them may be among them). The caller releases.
 */
static void pend_settle(struct pyx_corr *c, struct thread *th, bool explained)
{
	struct held *h;

	for (h = th->pend; h && th->npend; h = h->next) {
		if (!h->pending)
			continue;
		h->pending = 0;
		th->npend--;
		if (explained) {
			h->verdict = PYX_V_NONE;
			h->why = NULL;
			free(h->ctx);
			h->ctx = NULL;
		} else if (th->uncertain) {
			h->verdict = PYX_V_INDETERMINATE;
			h->why =
				"records were lost after it: the event that would explain it may be "
				"among them";
		} else {
			const struct pyx_rec_syscall *r = (const void *)h->rec;

			h->why =
				"a name-server connect (or netlink query) of glibc's resolver that no "
				"socket event naming a host name followed";
			if (h->ctx)
				corr_count_top(c, pyx_sc_name(r->sc), h->ctx);
		}
	}
	th->pend = NULL;
	th->npend = 0;
	th->gai_stage = GAI_NONE; /* the sorting it held for ends with them */
}

/*
 * The thread's getaddrinfo() sorting (GAI_SORT_MAX), after sv: __check_pf()'s socket and its
 * bind on that fd, then the sorting socket, then its connects (counted: an address, not the
 * AF_UNSPEC reset, that a window or the held run accepted). Ended by the thread's next audit
 * event (on_audit) and with a held run (pend_settle).
 */
static void gai_track(struct thread *th, const struct pyx_sysview *sv,
		      const struct corr_scpaths *sp, bool accepted)
{
	int64_t ret = (int64_t)sv->ret;

	if (sv->io_uring || sv->changed)
		return;
	switch (sv->sc) {
	case PYX_SC_socket:
		if (corr_check_pf_socket(sv)) {
			/* one getaddrinfo() a window or run: a second __check_pf() (AI_ADDRCONFIG's
			 * comes before the lookup, and the sort then asks no more) adds no results */
			if (th->gai_stage == GAI_NONE)
				th->gai_nsort = 0;
			th->gai_stage = ret >= 0 ? GAI_NL : GAI_PF;
			th->gai_nl_fd = ret;
		} else if (th->gai_stage >= GAI_PF && ret >= 0 && corr_gai_sort_socket(sv)) {
			th->gai_stage = GAI_SORT;
			th->gai_sort_fd = ret;
		} else if (th->gai_stage == GAI_SORT && ret == th->gai_sort_fd) {
			th->gai_stage = GAI_PF; /* its number now another socket's */
		}
		break;
	case PYX_SC_bind:
		if (th->gai_stage == GAI_NL && (int64_t)sv->args[0].raw == th->gai_nl_fd &&
		    corr_check_pf_bind(sv))
			th->gai_stage = GAI_PF;
		break;
	case PYX_SC_connect:
		if (sp->gai_sort && accepted && sv->args[1].u.sa.family != 0 /* AF_UNSPEC */)
			th->gai_nsort++;
		break;
	default:
		break;
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
	} else if (w->busy && !w->nmatch) {
		audit->verdict = PYX_V_INDETERMINATE;
		audit->why =
			"its thread was still in a syscall, or waiting for a CPU, when its "
			"window closed";
	} else if (w->nmatch) {
		audit->verdict = PYX_V_MATCHED;
	} else if (w->ndiffer) {
		audit->verdict = PYX_V_MISMATCH;
		audit->why = w->why;
	} else if (corr_claim_unread(&w->cl)) {
		audit->verdict = PYX_V_INDETERMINATE;
		audit->why = corr_claim_unread_why(&w->cl);
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

/*
 * Closed window w must wait behind an older window of its thread (its held record is not first
 * in the queue): what its output line needs goes to a summary, and w back to the pool, so that a
 * long wait (an import open over a loop of opens, docs/benchmarks.md, "the correlator's
 * holding") costs the thread ~100 bytes per window, not 1.9 KB of a window nobody uses any
 * more. Without memory for the summary the window waits whole.
 */
static void win_park(struct pyx_corr *c, struct win *w)
{
	struct held *h = w->audit;
	struct winsum *s = malloc(sizeof(*s) + w->o.natt * sizeof(s->att[0]));

	if (!s)
		return;
	s->o = w->o;
	s->ev_id = w->cl.ev;
	memcpy(s->att, w->att, w->o.natt * sizeof(s->att[0])); /* their references move */
	w->o.natt = 0;
	h->win = NULL;
	h->sum = s;
	win_free(c, w);
}

static void close_win(struct pyx_corr *c, struct win *w)
{
	struct thread *th = w->th;
	struct held *h;
	unsigned int i;

	if (w->closed)
		return;
	w->closed = true;
	w->ended = true;
	win_unslot(w);
	for (i = 0; i < w->nchildren; i++) {
		struct proc *p = corr_proc_find(c, w->children[i]);

		if (p && p->creator == w)
			p->creator = NULL;
	}
	/* w->audit, not a walk of the thread's held list: that list can be thousands long while
	 * an older window waits, and every window closes once */
	h = w->audit;
	if (h)
		verdict_of(w, h);
	if (w->busy && !w->nmatch) {
		/* its counterpart may still come: the thread's next syscall record (on_syscall) */
		late_free(w->th);
		w->th->late = malloc(sizeof(*w->th->late));
		if (w->th->late) {
			*w->th->late = w->cl;
			memset(&w->cl, 0, sizeof(w->cl));
		}
	}
	/* the release below stops at th's first record, which is not ready: h stays held */
	if (h && th->head != h && !ready(th->head))
		win_park(c, w);
	release(c, th);
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
		if (h->pending) {
			pend_settle(c, th, false);
			release(c, th);
			continue;
		}
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

/* A record that needs no copy when nothing of its thread is held. shared: the copy a window
 * already took of this record (offer), held on the queue as well; NULL: none. view_gen: a
 * syscall record's view number (struct held), 0 for any other. */
static int pass_held(struct pyx_corr *c, struct thread *th, const void *rec, size_t size,
		     enum pyx_corr_verdict v, const char *why, const struct ctxcopy *x,
		     struct held *shared, uint64_t view_gen, bool pend)
{
	struct held *h;

	if (!th || (!th->head && !pend)) {
		struct pyx_corr_context ctx;
		struct pyx_corr_item it = {
			.kind = PYX_CI_RECORD,
			.rec = rec,
			.size = size,
			.verdict = v,
			.why = why,
			.view_gen = view_gen,
		};

		if (x) {
			context_of(x, &ctx);
			it.context = &ctx;
		}
		return corr_emit(c, &it);
	}
	if (shared) {
		h = shared;
		h->refs++;
	} else if (!(h = held_new(c, rec, size))) {
		return -ENOMEM;
	}
	h->view_gen = view_gen;
	h->verdict = v;
	h->why = why;
	if (x) {
		h->ctx = malloc(sizeof(*h->ctx));
		if (h->ctx)
			*h->ctx = *x;
	}
	if (pend) {
		h->pending = 1;
		if (!th->npend++) {
			th->pend = h;
			th->pend_ns = ((const struct pyx_rec_hdr *)rec)->ts_ns;
		}
	}
	hold(c, th, h);
	return 0;
}

static int pass_shared(struct pyx_corr *c, struct thread *th, const void *rec, size_t size,
		       enum pyx_corr_verdict v, const char *why, const struct ctxcopy *x,
		       struct held *shared, uint64_t view_gen)
{
	return pass_held(c, th, rec, size, v, why, x, shared, view_gen, false);
}

static int pass(struct pyx_corr *c, struct thread *th, const void *rec, size_t size,
		enum pyx_corr_verdict v, const char *why, const struct ctxcopy *x)
{
	return pass_shared(c, th, rec, size, v, why, x, NULL, 0);
}

/* ---- audit records ---- */

static void copy_str(char *dst, size_t n, const struct pyx_value *v)
{
	size_t len = 0;
	char *z;

	if (v && v->type == PYX_TAG_STR)
		len = v->len < n - 1 ? v->len : n - 1;
	if (len)
		memcpy(dst, v->s.data, len);
	dst[len] = 0;
	/* NULs would cut the text short: show them as '?' (three per audit record, most have
	 * none: found by memchr, not a test per byte) */
	for (z = memchr(dst, 0, len); z; z = memchr(z + 1, 0, (size_t)(dst + len - z - 1)))
		*z = '?';
}

static bool sub_event(const struct win *w, const struct pyx_event *e, unsigned int cat)
{
	return corr_sub_event(&w->cl, e, cat);
}

/* A sub-event of composite w came at ts: w may explain again, a little, for a short while, one
 * syscall of the sub-event's own kind (none when no syscall of its row is traced). */
static void composite_sub(struct win *w, const struct pyx_event *e, unsigned int cat, uint64_t ts)
{
	if (sub_event(w, e, cat)) {
		const struct corr_scset *m = corr_sc_mask(e->event_id);

		w->sub_ns = ts;
		w->budget = m ? COMPOSITE_SUB_BUDGET : 0;
		if (m)
			w->sub_mask = *m;
		else
			memset(&w->sub_mask, 0, sizeof(w->sub_mask));
	}
}

/*
 * Child p of a process-creating window raises an audit event of its own before it execs:
 * subprocess.Popen's preexec_fn runs Python in the child (Modules/_posixsubprocess.c
 * child_exec() calls it, then execs the program). Its creator stops waiting for it (the child
 * may run on as Python for good, os.fork), but when the creator names a program (Popen,
 * os.posix_spawn, os.system, pty.spawn: cl.exe) the child keeps a copy of that claim, which
 * explains exec attempts that match it up to the child's first successful exec, and nothing
 * else: no other syscall, no exec of another program or argv, no exec after that one, no exec
 * of another process (a grandchild forked by preexec_fn inherits nothing). A forged event in
 * the child cannot widen it: the claim is the parent's, made before the fork.
 */
static void spawn_keep(struct proc *p, uint64_t ts)
{
	corr_spawn_claim_drop(p);
	if (p->creator->cl.exe)
		p->spawn_claim = corr_claim_dup(&p->creator->cl);
	p->spawn_ns = ts;
}

/* How long a kept claim lasts (spawn_keep): a preexec_fn that runs longer than this before the
 * exec leaves that exec unaudited (docs/correlation.md, "Known limits") */
#define SPAWN_KEEP_NS (60ull * 1000000000ull)

/* Does the claim p kept from its creator (spawn_keep) explain exec attempt sv? */
static bool spawn_explains(const struct proc *p, const struct pyx_sysview *sv,
			   const struct corr_scpaths *sp)
{
	const char *why;

	return p->spawn_claim && (sv->sc == PYX_SC_execve || sv->sc == PYX_SC_execveat) &&
	       corr_compare(p->spawn_claim, sv, sp, &why) == CM_MATCH;
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
	struct pyx_arena *arena;
	unsigned int cat, i;
	uint64_t gen;
	bool keep;

	th = corr_thread_get(c, a->hdr.tid, a->hdr.pid, a->hdr.ts_ns);
	p = corr_proc_get(c, a->hdr.pid);
	if (p)
		p->exec_armed = false; /* exec_kname: not the record right after an exec's */
	if (th)
		th->gai_stage = GAI_NONE; /* a lookup's sorting is within one event's reach */
	if (!th || !p)
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	if ((!p->ns_pid || !p->mntns) && !p->ns_tried) /* -p, -a: no exec or fork record */
		corr_proc_ns_learn(c, p, a->hdr.comm);
	/* decoded from the copy the window will hold, so that the writer can use the same
	 * decoded form (win.ev) instead of decoding the record a second time */
	h = held_new(c, rec, size);
	if (!h)
		return -ENOMEM;
	gen = ++c->ev_gen;
	arena = &c->arenas[gen & 1];
	if (pyx_audit_decode(h->rec, size, arena, &ev, &why, &payload, &plen)) {
		held_put(c, h);
		if (th->npend) {
			pend_settle(c, th, false);
			release(c, th);
		}
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	}
	/* the resolver's syscalls held for this event (RESOLVER_PRE_MAX) */
	if (th->npend) {
		pend_settle(c, th, corr_resolver_pre_event(&ev));
		release(c, th);
	}

	p->hooked = true;
	p->py_pending = false;
	if (p->builtin_attached && c->blind_fn) {
		c->blind_fn(c->blind_ctx, p->pid, NULL);
		p->builtin_attached = false;
	}
	if (p->creator) { /* a forked Python that runs on as itself (os.fork), or preexec_fn */
		spawn_keep(p, a->hdr.ts_ns);
		child_resolved(c, p);
	}
	th->last_ns = a->hdr.ts_ns;

	ce = pyx_cat_event(ev.event_id);
	cat = ce ? ce->category : a->category;
	/* Composite windows stay open over the events they are made of; the rest end here. */
	while (th->nouter && !sub_event(th->outer[th->nouter - 1], &ev, cat))
		end_win(c, th->outer[th->nouter - 1]);
	for (i = 0; i < th->nouter; i++)
		composite_sub(th->outer[i], &ev, cat, a->hdr.ts_ns);
	if (th->cur) {
		w = th->cur;
		if (sub_event(w, &ev, cat)) {
			composite_sub(w, &ev, cat, a->hdr.ts_ns);
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
	c->doubt_gen++; /* and a window to come: a loss must doubt them (pyx_corr_note_loss) */
	th->nss_load = false;
	late_free(th); /* past the syscall its closed window waited for */
	th->ctx.has = true;
	/* the strings are functions of the body's values: a loop's thread has them already */
	if (!ev.body_gen || th->ctx_gen != ev.body_gen) {
		copy_str(th->ctx.event, sizeof(th->ctx.event), ev.name);
		copy_str(th->ctx.file, sizeof(th->ctx.file), ev.file);
		copy_str(th->ctx.function, sizeof(th->ctx.function), ev.function);
		th->ctx_gen = ev.body_gen;
	}
	th->ctx.line = ev.line;
	th->ctx.ts = a->hdr.ts_ns;
	th->ctx.tid = a->hdr.tid;

	if (!ce) {
		held_put(c, h);
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	}
	w = win_new(c);
	if (!w) {
		held_put(c, h);
		return -ENOMEM;
	}
	/* The claim is a function of the event id, nargs and the values (corr_claim_init): one
	 * made for a body the decoder numbered is the claim of every event of that id and number
	 * (the same body byte for byte); a loop's events repeat theirs. */
	keep = false;
	if (ev.body_gen && ev.body_gen == c->keep_gen && ev.event_id == c->keep->cl.ev) {
		corr_claim_from(&w->cl, c->keep);
	} else if (!corr_claim_init(&w->cl, &ev)) {
		win_free(c, w);
		held_put(c, h);
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	} else {
		/* kept when the body comes again: a body seen once pays no copy */
		keep = ev.body_gen && ev.body_gen == c->seen_gen && ev.event_id == c->seen_ev;
	}
	c->seen_gen = ev.body_gen;
	c->seen_ev = ev.event_id;
	w->o.ev = ev;
	w->o.ev_gen = gen;
	corr_claim_resolve(c, p, &w->cl);
	if (keep) {
		struct corr_claim_keep *k = corr_claim_share(&w->cl);

		if (k) {
			corr_claim_keep_put(c->keep);
			c->keep = k;
			c->keep_gen = ev.body_gen;
		}
	}
	w->th = th;
	w->last_ns = a->hdr.ts_ns;
	w->sub_ns = a->hdr.ts_ns;
	h->win = w;
	w->audit = h;
	th->cur = w;
	hold(c, th, h);
	return 0;
}

/* ---- syscall records ---- */

/* claimed: a window nearer the syscall (the thread's current one, a more inner composite)
 * already matched it. A composite stays open over later events of its kind (it cannot see its
 * own return), so such a syscall is another call's: credited to the composite only when it
 * matches its claim too, never counted against it (shutil.rmtree must not call the open of an
 * unrelated file opened afterwards a mismatch). */
static bool offer(struct pyx_corr *c, struct win *w, const struct pyx_sysview *sv,
		  const struct corr_scpaths *sp, const void *rec, size_t size, bool child,
		  uint64_t ts, bool claimed, struct held **shared)
{
	const char *why;
	enum corr_cmp r;

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
	w->o.lat += sv->latency_ns;
	/* one copy for every window it is attached to and its thread's queue (struct held) */
	if (w->o.natt < PYX_CORR_ATT_MAX && (*shared || (*shared = held_new(c, rec, size)))) {
		(*shared)->refs++;
		if (child)
			w->o.att_child |= 1u << w->o.natt;
		w->att[w->o.natt++] = *shared;
	} else {
		w->o.ndropped++;
	}
	return r == CM_MATCH;
}

/* w matched a syscall at ts: does that explain it? Always for a plain window, one that creates
 * processes (its children are followed until exec) and a loader's (import: reads and code maps
 * only, corr_rules.c); for a composite, see COMPOSITE_GAP_NS. */
static bool composite_bounded(const struct win *w)
{
	return (w->cl.cls & CC_COMPOSITE) && !(w->cl.cls & (CC_SPAWN | CC_LOADER));
}

/* May bounded composite w still explain syscall sc at ts (its latest sub-event's kind)? */
static bool composite_open(const struct win *w, unsigned int sc, uint64_t ts)
{
	return w->budget && ts >= w->sub_ns && ts - w->sub_ns <= COMPOSITE_GAP_NS &&
	       corr_scset_has(&w->sub_mask, sc);
}

static bool composite_explains(struct win *w, unsigned int sc, uint64_t ts)
{
	if (!composite_bounded(w))
		return true;
	if (!composite_open(w, sc, ts))
		return false;
	w->budget--;
	return true;
}

/* Syscall sc of the thread at ts, of the kind its composites' latest sub-event makes: that
 * sub-event's own, explained or not; it spends what the sub-event gave (COMPOSITE_GAP_NS). */
static void composite_spend(struct thread *th, unsigned int sc, uint64_t ts)
{
	unsigned int i;

	if (th->cur && composite_bounded(th->cur) && composite_open(th->cur, sc, ts))
		th->cur->budget = 0;
	for (i = 0; i < th->nouter; i++)
		if (composite_bounded(th->outer[i]) && composite_open(th->outer[i], sc, ts))
			th->outer[i]->budget = 0;
}

/* corr_sys_lib() of a syscall's first path, kept with its resolved form (corr_resolve_sc
 * forgets it whenever it writes that buffer anew: a path served again keeps it) */
static enum corr_syslib sc_sys_lib(struct pyx_corr *c, const char *abs)
{
	struct corr_scpath *s = &c->scpath[0];

	if (!abs || abs != s->buf)
		return corr_sys_lib(abs);
	if (!s->lib_known) {
		s->lib = corr_sys_lib(abs);
		s->lib_known = true;
	}
	return s->lib;
}

/* Whether the record cannot vouch for what it shows (decode_syscall.c, decode_trust()): a path
 * that does not name the file opened, or could not be checked against it, or memory read at exit
 * or at neither end. Nothing may be matched on it (docs/correlation.md, "Time of check"). */
static bool sv_unvouched(const struct pyx_sysview *sv)
{
	return sv->name_mismatch || sv->name_unchecked || sv->args_unchecked;
}

/* The kernel's process record and the syscall record of one exec are sent by the same run of
 * sched_process_exec, in that order, microseconds apart; a stale process record (its exec's
 * syscall record came or the next exec's process record was lost) is older than this */
#define EXEC_JOIN_NS (5ull * 1000000ull)

/*
 * fexecve() is execveat(fd, "", argv, envp, AT_EMPTY_PATH) (glibc), and the "" lies in glibc's
 * .rodata, a file-backed page a forked child has not touched yet (fork copies no file-backed
 * PTE): the BPF side cannot read it at entry, and after a successful exec the old mm is gone,
 * so the record's filename is read at neither end (args_unchecked). The kernel names what it ran
 * in its own memory: bprm->filename, "/dev/fd/<fd>" for an empty path with a dirfd (fs/exec.c
 * alloc_bprm()), carried by the process record of the same exec, just before. That name, not
 * user memory, stands in for the filename (sp->exec_kname) when: the kernel made it (the process
 * record's PYX_PRF_KNAME, bprm->filename == bprm->fdpath: a caller's own absolute "/dev/fd/3"
 * reads the same, p->exec_armed is not set for it), the execveat succeeded, only
 * its filename was unread (argv read, nothing read at exit), AT_EMPTY_PATH was passed, and the
 * process record is this exec's own (the pid's last record, which the caller checks, from the
 * same thread, within EXEC_JOIN_NS). Only a claim of that very fd may match on it (corr_rules.c
 * exec_of_fd); an exemption never does. Anything else stays unvouched.
 */
static const char *exec_kname(struct proc *p, const struct pyx_sysview *sv, uint32_t tid,
			      uint64_t ts)
{
	unsigned int i;

	if (p->exec_tid != tid || !p->exe || ts < p->exec_ns || ts - p->exec_ns > EXEC_JOIN_NS)
		return NULL;
	if (sv->sc != PYX_SC_execveat || sv->ret != 0 || sv->read_at_exit || sv->name_mismatch ||
	    sv->name_unchecked || sv->changed || sv->io_uring || sv->nargs < 5 ||
	    !(sv->args[4].raw & 0x1000 /* AT_EMPTY_PATH */) || !sv->args[1].fault)
		return NULL;
	for (i = 0; i < sv->nargs; i++)
		if (i != 1 && pyx_argk_has_data(sv->args[i].kind) && sv->args[i].fault)
			return NULL;
	return p->exe;
}

/*
 * The end of a kept claim before the exec that spends it: its time is up, or an exec's process
 * record came (sched_process_exec: the exec succeeded) and this syscall record is not a
 * successful exec, as that exec's own, sent right after it, is (its syscall record was lost: the
 * new image inherits nothing; an exec of the new image has a process record of its own first,
 * which drops the claim in on_process).
 */
static void spawn_expire(struct proc *p, const struct pyx_sysview *sv, uint64_t ts)
{
	if (!p->spawn_claim)
		return;
	if (ts - p->spawn_ns > SPAWN_KEEP_NS ||
	    (p->spawn_exec_seen &&
	     !((sv->sc == PYX_SC_execve || sv->sc == PYX_SC_execveat) && sv->ret == 0)))
		corr_spawn_claim_drop(p);
}

/*
 * os.execve(fd, ...) of a file the kernel refuses to run (test_posix's test_fexecve failure
 * paths: not executable, ENOEXEC) is a failed execveat(fd, "", argv, envp, AT_EMPTY_PATH) whose
 * "" (glibc's .rodata, untouched in a forked child) is read at neither end, and there is no
 * process record to name the file. A failed exec ran nothing: what the "" was cannot matter to
 * what the process does next, so when only the filename is unread (argv read, nothing read at
 * exit, no other fault) an os.exec claim of that very fd and argv may explain it (corr_rules.c
 * exec_of_fd), as it does the same call with its "" read. No exemption or path claim does.
 */
static bool exec_failed_unread(const struct pyx_sysview *sv)
{
	unsigned int i;

	if (sv->sc != PYX_SC_execveat || sv->ret >= 0 || sv->read_at_exit || sv->name_mismatch ||
	    sv->name_unchecked || sv->changed || sv->io_uring || sv->nargs < 5 ||
	    !(sv->args[4].raw & 0x1000 /* AT_EMPTY_PATH */) || !sv->args[1].fault ||
	    (int32_t)sv->args[0].raw < 0 /* glibc's fexecve() refuses a negative fd itself */)
		return false;
	for (i = 0; i < sv->nargs; i++)
		if (i != 1 && pyx_argk_has_data(sv->args[i].kind) && sv->args[i].fault)
			return false;
	return true;
}

/* Held resolver syscalls (RESOLVER_PRE_MAX) wait while the thread does only what the resolver
 * does: anything else (a flagged syscall of another shape too, a record that cannot vouch for
 * its arguments), or one more than a lookup makes (pre: sv is to be held), means that the event
 * that follows is not the one they were made for. */
/*
 * What a process that is not hooked did since its exec, for a blind-spot suspect killed before
 * its hook started (corr_proc.c corr_proc_reap()): any sensitive syscall, or one whose arguments
 * were rewritten under it, is an act, but for an executable map of a file it opened read-only,
 * which is what the dynamic loader does at every start (libc, libm, the preloaded hook: the
 * shape of a starting python3 killed at once; the code mapped acts only through syscalls, which
 * are seen here). An anonymous executable map, an mprotect to PROT_EXEC, a map of a file opened
 * for writing (or of an fd the fd table does not know) is an act.
 */
static bool unhooked_act(struct proc *p, const struct pyx_sysview *sv, bool sensitive)
{
	const struct fdent *e;

	if (sv->changed)
		return true;
	if (!sensitive)
		return false;
	if (sv->sc != PYX_SC_mmap || sv->io_uring || sv->nargs < 5)
		return true;
	e = corr_fd_ent(p, (int64_t)sv->args[4].raw, false);
	return !e || !e->path || e->socket || e->writes;
}

static bool pend_ends(const struct thread *th, const struct pyx_sysview *sv,
		      const struct corr_scpaths *sp, bool pre, bool flagged, bool unvouched)
{
	if (pre)
		return th->npend >= RESOLVER_PRE_MAX;
	return flagged || unvouched || sv->changed || !corr_resolver_shape(sv, sp);
}

static int on_syscall(struct pyx_corr *c, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *hdr = rec;
	struct corr_scpaths sp = { .abs = { NULL } };
	struct corr_claim *late = NULL;
	const struct pyx_sysview *sv;
	uint64_t view_gen;
	struct held *shared = NULL;
	struct thread *th;
	struct proc *p;
	bool explained = false, hooked, prehook, sensitive, is_exec, unvouched, armed, pre = false;
	bool by_event = false; /* explained by a window other than a resolver event's */
	const char *why;
	unsigned int i, n = 0;
	int err;

	th = corr_thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns);
	p = corr_proc_get(c, hdr->pid);
	if (!th || !p)
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	if ((!p->ns_pid || !p->mntns) && !p->ns_tried) /* -p, -a: no exec or fork record */
		corr_proc_ns_learn(c, p, hdr->comm);
	armed = p->exec_armed; /* exec_kname: this record only */
	p->exec_armed = false;
	/* Decoded through the writers' one-record cache (decode_syscall.h): the audit line's
	 * "syscalls" list and the record's own line, written next from the held copy, find these
	 * bytes decoded already. The view lasts until the next pyx_sysrec_view() call, which only
	 * the writer makes (an emit): nothing below reads it after one (pass_shared() last). */
	sv = pyx_sysrec_view(rec, size);
	if (!sv)
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);
	view_gen = pyx_sysrec_view_gen(sv); /* now: an emit below may decode another record */
	th->last_ns = hdr->ts_ns;
	/* the claim of a window that closed while this thread was still busy: its next syscall
	 * record is the one it was in */
	late = th->late;
	th->late = NULL;
	spawn_expire(p, sv, hdr->ts_ns);

	unvouched = sv_unvouched(sv);
	sp.mnt_other = p->mnt_other; /* the resolver windows' shapes (corr_lookup_shape) */
	sp.resolv_conf = c->o.resolv_conf;
	if (sv->sc == PYX_SC_connect) {
		const struct fdent *e = corr_fd_ent(p, (int64_t)sv->args[0].raw, false);

		/* glibc's sorting socket of the lookup in progress (gai_track); an fd the table
		 * does not keep (FD_MAX and above) on the thread's word alone */
		sp.gai_sort = th->gai_stage == GAI_SORT &&
			      (int64_t)sv->args[0].raw == th->gai_sort_fd &&
			      th->gai_nsort < GAI_SORT_MAX &&
			      (e ? e->sort_dgram : (int64_t)sv->args[0].raw >= FD_MAX);
	} else if (sv->sc == PYX_SC_sendto || sv->sc == PYX_SC_sendmsg ||
		   sv->sc == PYX_SC_sendmmsg) {
		const struct fdent *e = corr_fd_ent(p, (int64_t)sv->args[0].raw, false);

		sp.nl_send_odd = e && e->check_pf && !corr_check_pf_send(sv);
	}
	sp.ns_pid = p->ns_pid;       /* signal.pthread_kill's tgkill (corr_rules.c cmp_own_tgid) */
	if (sv->sc == PYX_SC_mmap) { /* a loader's maps (corr_rules.c cmp_loader) */
		const struct fdent *e = corr_fd_ent(p, (int64_t)(int32_t)sv->args[4].raw, false);

		sp.map_ro_file = e && e->path && !e->socket && !e->writes && e->audited;
	}
	if (unvouched && sv->args_unchecked && armed)
		sp.exec_kname = exec_kname(p, sv, hdr->tid, hdr->ts_ns);
	if (unvouched && sv->args_unchecked)
		sp.exec_failed_unread = exec_failed_unread(sv);
	for (i = 0; i < sv->nargs && n < CORR_PATHS; i++) {
		const struct pyx_sysarg *a = &sv->args[i];

		if (a->kind != PYX_AK_PATH)
			continue;
		/* a path that may be a decoy (unvouched, below) teaches no state either: no
		 * sqlite, semaphore or library the process would then be excused for */
		if (a->present && !a->null && !a->fault && !a->truncated && !unvouched)
			sp.abs[n] = corr_resolve_sc(c, p,
						    a->u.path.has_dirfd ? a->u.path.dirfd : -100,
						    a->u.path.str, n);
		n++;
	}

	is_exec = (sv->sc == PYX_SC_execve || sv->sc == PYX_SC_execveat) && sv->ret == 0;
	/* issue 8: no audit event does its work through an io_uring, so none explains a request,
	 * however alike its arguments (a forged sys.audit("open", path) must not cover one) */
	if (sv->io_uring)
		goto judged;
	/* A path read at exit that does not name the file the kernel opened (PYX_SCF_OPENED):
	 * maybe a decoy written after the kernel's copy, maybe a final symlink. Neither an event
	 * nor an exemption may be matched on a name the syscall may not have used: a decoy would
	 * choose its own explanation (docs/correlation.md, "Time of check"). So, failing closed,
	 * for a path that could not be checked against that name and for any other memory read at
	 * exit or at neither end. */
	if (unvouched && !sp.exec_kname && !sp.exec_failed_unread)
		goto judged;
	if (th->cur && offer(c, th->cur, sv, &sp, rec, size, false, hdr->ts_ns, false, &shared) &&
	    composite_explains(th->cur, sv->sc, hdr->ts_ns)) {
		explained = true;
		by_event |= !(th->cur->cl.cls & CC_RESOLVER);
		/* the database a sqlite3.connect window saw opened, in sqlite's own shape, by the
		 * path the event named (a path the hook did not read compares nothing: no file is
		 * learnt from it): only then are its journal files sqlite's (corr_rules.c
		 * sqlite_file()) */
		if (th->cur->cl.sqlite_db && th->cur->cl.abs[0] && sv->ret >= 0 && sp.abs[0] &&
		    corr_sqlite_open_shape(sv))
			corr_sqlite_learn(p, sp.abs[0]);
	}
	for (i = th->nouter; i > 0; i--) /* innermost composite first */
		if (offer(c, th->outer[i - 1], sv, &sp, rec, size, false, hdr->ts_ns, explained,
			  &shared) &&
		    composite_explains(th->outer[i - 1], sv->sc, hdr->ts_ns)) {
			explained = true;
			by_event |= !(th->outer[i - 1]->cl.cls & CC_RESOLVER);
		}
	if (p->creator &&
	    offer(c, p->creator, sv, &sp, rec, size, true, hdr->ts_ns, explained, &shared)) {
		explained = true;
		by_event = true;
	}
	if (!explained && spawn_explains(p, sv, &sp))
		explained = true;
	/* issue 10: that window was judged indeterminate; its late counterpart is not a finding
	 * (anything else the thread does is judged as usual) */
	if (!explained && late && corr_compare(late, sv, &sp, &why) == CM_MATCH) {
		explained = true;
		by_event |= !(late->cls & CC_RESOLVER);
	}

judged:
	composite_spend(th, sv->sc, hdr->ts_ns);
	/* __check_pf()'s socket as the fd table will know it: made as glibc makes it, and explained
	 * by no window but a resolver event's (a socket.__new__ one is Python's own) */
	sp.check_pf_sock = corr_check_pf_socket(sv) && !by_event;
	sensitive = corr_sensitive(sv) || sp.nl_send_odd;
	if (sensitive && !explained && !sv->io_uring && !unvouched) {
		struct proc *pp = corr_proc_find(c, p->ppid);
		struct corr_view view = { .ctx = p,
					  .fd = corr_view_fd,
					  .sqlite = (const char *const *)p->sqlite,
					  .nsqlite = p->nsqlite,
					  .sem_tmp = (const char *const *)p->sem_tmp,
					  .nsem_tmp = SEM_TMP_MAX,
					  .sem = (const char *const *)p->sem,
					  .nsem = p->nsem,
					  .sqlite_tmp = (const char *const *)p->sqlite_tmp,
					  .nsqlite_tmp = SQLITE_TMP_MAX,
					  .shm = c->shm,
					  .nshm = c->nshm,
					  .uid = hdr->uid,
					  .pid = p->pid,
					  .tid = hdr->tid,
					  .nss_load = th->nss_load,
					  .finalized = p->finalized,
					  .ns_pid = p->ns_pid,
					  .mnt_other = p->mnt_other,
					  .fork_of_hooked = p->hooked_before_exec && pp &&
							    pp->hooked,
					  .parent_exe = pp ? pp->exe : NULL,
					  .ppid = p->ppid,
					  .procfs = c->o.procfs ? c->o.procfs : "/proc",
					  .resolv_conf = c->o.resolv_conf };

		explained = corr_exempt(sv, &sp, &view);
		/* a resolver's syscall for the socket event to come (RESOLVER_PRE_MAX) */
		pre = !explained && !th->uncertain && !sv->changed &&
		      corr_resolver_pre_shape(sv, &sp);
	}
	/* the exec's own syscall record (the new image's first record after its process record)
	 * is not an act of the new image */
	if (!p->hooked && !(is_exec && p->exec_pending) && unhooked_act(p, sv, sensitive))
		p->unhooked_acted = true;
	if (th->npend && pend_ends(th, sv, &sp, pre, sensitive && !explained, unvouched)) {
		pend_settle(c, th, false);
		release(c, th);
		pre = false;
	}
	gai_track(th, sv, &sp, explained || pre);
	corr_shm_track(c, p, sv, &sp, hdr->uid);
	corr_sem_track(p, sv, &sp);
	corr_sqlite_tmp_track(p, sv, &sp);
	corr_mnt_track(p, sv);
	corr_syscall_state(c, p, sv, &sp, explained);
	corr_ustack_learn(c, p, sv);
	if (corr_open_readonly(sv) && sv->ret >= 0 && sc_sys_lib(c, sp.abs[0]) == CORR_LIB_NSS)
		th->nss_load = true;
	if (p->maps_watch && !p->hooked && sv->sc == PYX_SC_mmap && !sv->err &&
	    (sv->args[2].raw & PROT_EXEC))
		corr_blind_mapped(c, p, sv);

	hooked = p->exec_pending && is_exec ? p->hooked_before_exec : p->hooked;
	/*
	 * A CPython image (corr_blind_exec) whose hook has not started yet: the loader maps its
	 * libraries, and nothing else of the interpreter's start-up is sensitive before its
	 * first audit event, so any other sensitive act there is code that ran first (a
	 * preloaded library's constructor, LD_AUDIT: review of this stop, a multiprocessing
	 * child started with LD_PRELOAD set by the parent) and is judged as a hooked one's.
	 */
	prehook = !hooked && p->py_pending && p->py_image && !is_exec && !corr_exec_map(sv);
	if (is_exec) {
		/* the new image starts from nothing: no hook until it says so, no claim of the
		 * old image's creator (spawn_keep) */
		corr_spawn_claim_drop(p);
		p->exec_pending = false;
		p->finalized = false;
		if (p->py_pending || p->maps_watch)
			corr_keep_argv(p, sv);
	}

	if (sv->changed) {
		/* whatever explains it, a buffer rewritten under a running syscall is an attack on
		 * what the monitor reads (docs/correlation.md, "Time of check") */
		err = pass_shared(c, th, rec, size, PYX_V_CHANGED,
				  "argument changed during the syscall", &th->ctx, shared,
				  view_gen);
	} else if (sensitive && (hooked || prehook) && !explained) {
		struct ctxcopy *x = &c->judged;

		*x = th->ctx;
		corr_ustack_text(c, p, sv, x);
		if (th->uncertain) {
			err = pass_shared(c, th, rec, size, PYX_V_INDETERMINATE,
					  "records were lost before it: its audit event may be "
					  "among them",
					  x, shared, view_gen);
		} else {
			/* held (pend): counted when its verdict is known (pend_settle) */
			if (!pre)
				corr_count_top(c, sv->name, x);
			err = pass_held(
				c, th, rec, size, PYX_V_UNAUDITED,
				sv->io_uring         ? "done through io_uring, which no audit "
						       "event covers"
				: sv->name_mismatch  ? "its path, read at exit, does not "
						       "name the file opened"
				: sv->name_unchecked ? "its path could not be checked against "
						       "the file opened"
				: sv->args_unchecked ? "its arguments were read at exit or not at "
						       "all: no audit event may explain them"
				: prehook ? "in a Python before its hook started: code that ran "
					    "first (a preloaded library) acts with no audit event"
				: th->ctx.has ? NULL
					      : "no audit event before it",
				x, shared, view_gen, pre);
		}
	} else {
		err = pass_shared(c, th, rec, size, PYX_V_NONE, NULL, NULL, shared, view_gen);
	}
	held_put(c, shared); /* the windows and the queue keep theirs */
	if (is_exec) {
		/* the child's exec is what its creator waited for; whatever windows the old image
		 * had open end with it */
		child_resolved(c, p);
		while (th->nouter)
			end_win(c, th->outer[th->nouter - 1]);
		end_win(c, th->cur);
		th->ctx.has = false;
		th->gai_stage = GAI_NONE;
		pyx_ustack_forget(c->us, p->pid); /* the old image's maps */
	}
	if (late) {
		corr_claim_free(late);
		free(late);
	}
	return err;
}

/* ---- process records ---- */

/* Issue 8: a hooked process killed by SIGSYS: a syscall its seccomp filter forbids, e.g. a 32-bit
 * one under PYXCHECK_DENY_COMPAT=1 (user/hook/compat_guard.c). */
static void alert_sigsys(struct pyx_corr *c, struct thread *th, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *hdr = &pv->rec->hdr;
	struct pyx_corr_context ctx;
	struct pyx_corr_alert a = {
		.alert = "killed-by-seccomp",
		.why = "a hooked process was killed by SIGSYS: a syscall its seccomp filter "
		       "forbids (a 32-bit one under PYXCHECK_DENY_COMPAT=1?)",
		.ts_ns = hdr->ts_ns,
		.pid = hdr->pid,
		.tid = hdr->tid,
		.uid = hdr->uid,
		.comm = hdr->comm,
		.context = &ctx,
	};
	struct pyx_corr_item it = { .kind = PYX_CI_ALERT, .alert = &a };

	context_of(&th->ctx, &ctx);
	c->st.alerts++;
	corr_emit(c, &it);
}

/* Issue 8: an exec that is an alarm by itself (names in correlate.h). */
static void alert_exec(struct pyx_corr *c, struct thread *th, const struct pyx_procview *pv)
{
	const struct pyx_rec_hdr *hdr = &pv->rec->hdr;
	struct pyx_corr_context ctx;
	struct pyx_corr_alert a = {
		.ts_ns = hdr->ts_ns,
		.pid = hdr->pid,
		.uid = hdr->uid,
		/* the thread that called exec, which took the leader's id */
		.tid = pv->old_tid ? pv->old_tid : hdr->tid,
		.comm = hdr->comm,
		.path = pv->filename,
		.path_len = pv->filename_len,
		.context = &ctx,
	};
	struct pyx_corr_item it = { .kind = PYX_CI_ALERT, .alert = &a };

	context_of(&th->ctx, &ctx);
	if (pv->exe_memfd) {
		a.alert = "exec-memfd";
		a.why = "a hooked process executed a memfd: code that never was a file";
		c->st.alerts++;
		corr_emit(c, &it);
	} else if (pv->exe_deleted) {
		a.alert = "exec-deleted";
		a.why = "a hooked process executed a file that has no name left";
		c->st.alerts++;
		corr_emit(c, &it);
	}
	if (pv->no_exec_syscall) {
		a.alert = "exec-untraced";
		a.why = "exec with no traced execve/execveat before it: a 32-bit int $0x80 "
			"execve?";
		c->st.alerts++;
		corr_emit(c, &it);
	}
}

/* Was a record lost, or any uid's held back by the fair share, at ts or after? (The latest
 * throttle per uid is kept, and a slot is reused only for a later one.) */
static bool doubt_since(const struct pyx_corr *c, uint64_t ts)
{
	unsigned int i;

	if (c->last_lost_ns && c->last_lost_ns >= ts)
		return true;
	for (i = 0; i < THROTTLED_UIDS; i++)
		if (c->throttled[i].ts && c->throttled[i].ts >= ts)
			return true;
	return false;
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
			pend_settle(c, t, false);
			/* windows still waiting for children of this process close now */
			while (t->head && !ready(t->head))
				close_win(c, t->head->win);
			release(c, t);
			*pp = t->hnext;
			c->nthreads--;
			thread_free(t);
		}
	}
}

static int on_process(struct pyx_corr *c, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *hdr = rec;
	struct pyx_procview pv;
	struct thread *th, *ct;
	struct proc *p, *cp;
	bool carried;
	unsigned int i;
	int err;

	th = corr_thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns);
	p = corr_proc_get(c, hdr->pid);
	if (p)
		p->exec_armed = false; /* exec_kname: an exec's own record arms it again below */
	if (!th || !p || pyx_procrec_decode(rec, size, &pv))
		return pass(c, th, rec, size, PYX_V_NONE, NULL, NULL);

	switch (pv.kind) {
	case PYX_PROC_FORK:
		ct = corr_thread_get(c, pv.child_tid, pv.child_pid, hdr->ts_ns);
		if (ct) {
			/* what the parent did last is the child's context too, under its number */
			ct->ctx = th->ctx;
			ct->ctx_gen = th->ctx_gen;
			ct->uncertain = th->uncertain;
			ct->last_ns = hdr->ts_ns;
		}
		if (pv.thread)
			break;
		/* a child of a process without the hook acts unjudged: the parent is no quiet
		 * blind spot any more (corr_proc_reap()) */
		if (!p->hooked)
			p->unhooked_acted = true;
		cp = corr_proc_get(c, pv.child_pid);
		/* a process is never its own child: only a crafted capture says so, and the copies
		 * below would free the parent's cwd before reading it */
		if (!cp || cp == p)
			break;
		cp->ppid = hdr->pid;
		cp->hooked = p->hooked;
		/* its own pid namespace, read from the child by the BPF side (the parent's
		 * pid_ns_for_children, a new one after unshare(CLONE_NEWPID)); 0: unknown */
		cp->ns_pid = pv.pidns_ino ? pv.ns_pid : 0;
		/* a namespace, mounts and a root the parent changed are the child's too */
		cp->mnt_other = p->mnt_other;
		corr_mnt_record(cp, p->mntns ? p->mntns : c->mntns_ino, pv.mntns_ino);
		free(cp->cwd);
		cp->cwd = p->cwd ? strdup(p->cwd) : NULL;
		cp->cwd_tried = p->cwd_tried;
		if (p->fds && corr_fd_ent(cp, 0, true))
			for (i = 0; i < FD_MAX; i++)
				if (p->fds[i].path || p->fds[i].socket) {
					corr_fd_put(cp, i, p->fds[i].path, p->fds[i].socket,
						    p->fds[i].audited, p->fds[i].writes);
					/* __check_pf()'s socket, inherited (corr_check_pf_send) */
					cp->fds[i].check_pf = p->fds[i].check_pf;
				}
		corr_spawn_claim_drop(cp); /* a pid reused: nothing of its last owner */
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
		/* a Python without the hook that execs another image within its grace period is a
		 * blind spot all the same (before, the new image's start cleared it unreported: an
		 * unhooked python3 -c '...; os.execv(...)' ran unseen); its exe and argv are the old
		 * image's until the lines below. carried: see corr_blind_reexec() */
		carried = p->py_pending && !corr_blind_reexec(c, p);
		/* a new image all the same (spawn_keep); a second exec record: the first one's
		 * syscall record was lost, and the claim with it (spawn_expire) */
		if (pv.no_exec_syscall || p->spawn_exec_seen)
			corr_spawn_claim_drop(p);
		else if (p->spawn_claim)
			p->spawn_exec_seen = true;
		p->hooked_before_exec = p->hooked;
		p->hooked = false;
		p->exec_pending = true;
		p->exec_ns = hdr->ts_ns;
		memcpy(p->comm, hdr->comm, PYX_COMM_LEN);
		/* a task's pid namespace is fixed for its life: read at exec, it holds until exit
		 * (pidns_ino 0: the BPF side could not read it) */
		p->ns_pid = pv.pidns_ino ? pv.ns_pid : 0;
		corr_mnt_record(p, p->mntns, pv.mntns_ino);
		for (i = 0; i < p->argc; i++)
			free(p->argv[i]);
		free(p->argv);
		p->argv = NULL;
		p->argc = 0;
		free(p->exe);
		p->exe = pv.filename ? strdup(pv.filename) : NULL;
		/* exec_kname: only a name the kernel made ("/dev/fd/3" from execveat(3, "",
		 * AT_EMPTY_PATH)); a caller's own absolute "/dev/fd/3" reads the same */
		p->exec_armed = !pv.filename_truncated && pv.kname;
		p->exec_tid = hdr->tid;
		pyx_ustack_learn(c->us, p->exe);
		p->py_pending = false;
		p->py_image = false;
		p->maps_watch = false;
		p->unhooked_acted = carried;
		p->killed_quiet = false;
		free(p->attach_image);
		p->attach_image = NULL;
		corr_blind_exec(c, p);
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
			p->killed_quiet = pv.term_signal && !p->unhooked_acted &&
					  !doubt_since(c, p->exec_ns);
		} else {
			corr_proc_reap(c, p);
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

		return corr_emit(c, &it);
	}
	/* Records were dropped before this one and their LOST or THROTTLED report may come after it
	 * (pyxcheck_wire.h): doubt now what that report will doubt, before this record closes a
	 * window whose syscall record may be among them. */
	if (hdr->flags & PYX_HDRF_LOST_BEFORE)
		pyx_corr_note_loss(c, hdr->ts_ns);
	if (hdr->flags & PYX_HDRF_THROTTLED_BEFORE) {
		struct pyx_rec_throttled t = { .uid = hdr->uid };

		on_throttled(c, &t, hdr->ts_ns);
	}
	/* each thread's uid, for THROTTLED records (on_throttled) */
	th = corr_thread_find(c, hdr->tid);
	if (th) {
		if (th->uid != hdr->uid)
			c->doubt_gen++; /* its windows now answer to another uid's throttling */
		th->uid = hdr->uid;
	} else if (hdr->type != PYX_REC_THROTTLED && hdr->type != PYX_REC_LOST &&
		   throttled_recently(c, hdr->uid, hdr->ts_ns)) {
		th = corr_thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns);
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
		struct proc *p = corr_proc_get(c, hdr->pid);

		if (p)
			p->exec_armed = false; /* exec_kname */
		if (p && size >= sizeof(*lc) && lc->kind == PYX_LC_HOOK_STOP &&
		    hdr->tid == hdr->pid)
			p->finalized = true;
		if (p && size >= sizeof(*lc) && lc->kind == PYX_LC_HOOK_START && lc->status == 0) {
			p->hooked = true;
			p->py_pending = false;
			if (p->builtin_attached && c->blind_fn) {
				c->blind_fn(c->blind_ctx, p->pid, NULL);
				p->builtin_attached = false;
			}
		}
		err = pass(c, corr_thread_get(c, hdr->tid, hdr->pid, hdr->ts_ns), rec, size,
			   PYX_V_NONE, NULL, NULL);
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
	th = corr_thread_find(c, hdr->tid);
	if (th)
		th->uid = hdr->uid;
	return err ? err : c->err;
}

void pyx_corr_note_loss(struct pyx_corr *c, uint64_t ts_ns)
{
	unsigned int b;
	struct thread *th;

	c->last_lost_ns = ts_ns ? ts_ns : 1;
	if (c->lost_walk_gen == c->doubt_gen + 1)
		return; /* every window and thread is in doubt already (doubt_gen) */
	c->lost_walk_gen = c->doubt_gen + 1;
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
}

/* Thread t is in one of w's counterpart syscalls, or may be (it is on a CPU or waiting for one). */
static bool busy_for(const struct win *w, enum corr_tstate ts, long nr)
{
	unsigned int sc;

	if (ts == CORR_TS_RUNNING)
		return true;
	if (ts != CORR_TS_SYSCALL)
		return false;
	for (sc = 0; sc < PYX_SC__COUNT; sc++)
		if (corr_scset_has(&w->cl.sc_mask, sc) && pyx_sc_nr(sc) == nr)
			return true;
	return false;
}

struct tstate {
	bool read;
	enum corr_tstate ts;
	long nr;
	uint64_t cpu;
};

/*
 * Issue 10: may w, whose thread has been silent for a window, close now? A syscall's record comes
 * at its exit, and under load a thread can stay in its syscall, or wait for a CPU before or
 * inside it, for longer than a window: closing then would judge no-syscall a window whose
 * syscall is still to come. docs/correlation.md, "Windows", says why each case ends as it does.
 */
static bool may_close(struct pyx_corr *c, struct thread *t, struct win *w, uint64_t now,
		      struct tstate *st)
{
	if (w->nmatch)
		return true; /* matched: nothing that comes later changes that */
	if (!st->read) {
		st->read = true;
		st->ts = corr_thread_state(c, t, &st->nr);
		st->cpu = st->ts == CORR_TS_RUNNING ? corr_thread_cpu(c, t) : UINT64_MAX;
	}
	if (st->ts == CORR_TS_UNKNOWN)
		return true; /* gone, or a replay: time alone decides */
	if (busy_for(w, st->ts, st->nr)) {
		w->idle_tick = 0;
		if (!w->defer_ns) {
			w->defer_ns = now;
			w->defer_cpu = st->cpu;
		}
		/* on a CPU for a whole window since, and still no record: it runs its own code,
		 * not waiting for a syscall to return (or for a CPU) */
		if (st->ts == CORR_TS_RUNNING && st->cpu != UINT64_MAX &&
		    w->defer_cpu != UINT64_MAX && st->cpu - w->defer_cpu >= c->o.window_ns) {
			w->defer_ns = 0;
			return true;
		}
		if (now - w->defer_ns < PYX_CORR_DEFER_WINDOWS * c->o.window_ns)
			return false;
		w->busy = true;
		return true;
	}
	w->defer_ns = 0;
	/* Asleep outside its counterparts: it is past them. But their record may have been
	 * committed after this tick's drain of the ring: close at a later tick (after another
	 * drain) if nothing came from the thread in between. */
	if (w->idle_tick && w->idle_tick < now && w->idle_last == t->last_ns)
		return true;
	w->idle_tick = now;
	w->idle_last = t->last_ns;
	return false;
}

int pyx_corr_tick(struct pyx_corr *c, uint64_t now)
{
	unsigned int b;

	c->err = 0;
	for (b = 0; b < HASH_BUCKETS; b++) {
		struct thread **pp = &c->threads[b];

		while (*pp) {
			struct thread *t = *pp;
			struct tstate st = { .read = false };
			struct held *h;
			bool again = true;

			/* a lookup that never ended in its event (RESOLVER_HOLD_NS) */
			if (t->npend && t->pend_ns + RESOLVER_HOLD_NS <= now) {
				pend_settle(c, t, false);
				release(c, t);
			}
			while (again) {
				again = false;
				for (h = t->head; h; h = h->next) {
					struct win *w = h->win;

					if (!w || w->closed)
						continue;
					if (w->last_ns + c->o.window_ns > now ||
					    t->last_ns + c->o.window_ns > now) {
						w->defer_ns = w->idle_tick = 0;
						continue;
					}
					if (!may_close(c, t, w, now, &st))
						continue;
					close_win(c, w);
					again = true;
					break;
				}
			}
			if (!t->head && !t->cur && !t->nouter &&
			    t->last_ns + IDLE_THREAD_NS <= now) {
				*pp = t->hnext;
				c->nthreads--;
				thread_free(t);
				continue;
			}
			pp = &t->hnext;
		}
	}
	corr_blind_tick(c, now, false);
	return c->err;
}

int pyx_corr_flush(struct pyx_corr *c)
{
	unsigned int b;

	c->err = 0;
	for (b = 0; b < HASH_BUCKETS; b++) {
		struct thread *t;

		for (t = c->threads[b]; t; t = t->hnext) {
			pend_settle(c, t, false);
			while (t->head && !ready(t->head)) {
				/* still in its syscall when the run ended (pyx_corr_tick) */
				if (t->head->win->defer_ns)
					t->head->win->busy = true;
				close_win(c, t->head->win);
			}
			release(c, t);
			t->cur = NULL;
			t->nouter = 0;
		}
	}
	corr_blind_tick(c, 0, true);
	return c->err;
}

int pyx_corr_new(struct pyx_corr **out, const struct pyx_corr_opts *opts, pyx_corr_emit_fn fn,
		 void *ctx)
{
	size_t asz = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX);
	struct pyx_corr *c;
	unsigned int i;

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
	if (!c->o.resolv_conf)
		c->o.resolv_conf = "/etc/resolv.conf";
	c->fn = fn;
	c->ctx = ctx;
	for (i = 0; i < 2; i++) {
		c->arena_mem[i] = malloc(asz);
		if (!c->arena_mem[i]) {
			free(c->arena_mem[0]);
			free(c);
			return -ENOMEM;
		}
		pyx_arena_init(&c->arenas[i], c->arena_mem[i], asz);
	}
	c->us = pyx_ustack_new(c->o.procfs); /* NULL: stacks stay unresolved */
	c->mntns_ino = corr_mnt_self(c->o.procfs);
	c->dump = malloc(sizeof(*c->dump)); /* NULL: frame-pointer stacks only */
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
				held_put(c, h);
			}
			thread_free(t);
		}
		while (c->procs[b])
			corr_proc_free(c, c->procs[b]);
	}
	while (c->held_pool) {
		struct held *h = c->held_pool;

		c->held_pool = h->next;
		free(h);
	}
	while (c->win_pool) {
		struct win *w = c->win_pool;

		c->win_pool = (struct win *)w->th;
		free(w);
	}
	corr_claim_keep_put(c->keep);
	for (i = 0; i < CORR_PATHS; i++) {
		free(c->scpath[i].buf);
		free(c->scpath[i].key);
	}
	for (i = 0; i < PYX_EV__COUNT; i++)
		free(c->lat[i]);
	free(c->arena_mem[0]);
	free(c->arena_mem[1]);
	pyx_ustack_free(c->us);
	free(c->dump);
	corr_shm_free(c);
	free(c);
}
