// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The audit hook.
 *
 * Fast path: with no tracer on any category probe, the hook returns after two 8-byte loads and
 * a branch (plus a pointer compare that recognises our own verification event). Only then is the
 * event looked at: catalogue row and category, that category's semaphore, serialisation into a
 * per-thread buffer, the probe.
 *
 * Re-entrancy and concurrency: the hook can be entered recursively (an API call raising an event)
 * and, from 3.12, concurrently by interpreters that each have their own GIL. So: a per-thread
 * busy flag drops nested events; per-thread buffers; process-wide counters are atomics; the
 * catalogue is built before registration and read-only afterwards. The hook never raises: it
 * always returns 0, and exceptions set by API calls are cleared and the pending one restored.
 *
 * Without a thread state (events raised while the first interpreter is created) no Python API
 * may be used: only the name goes out, flagged PYX_PF_NO_ARGS.
 *
 * Fork: the kernel turns a traced 5-byte nop into a call into a per-process
 * [uprobes-trampoline] page, and a forked child inherits the call but (on the kernels we run,
 * 6.18) not the page: its first hit would be a SIGSEGV. So a forked child, on its first traced
 * event, checks its own maps; without a trampoline it fires the 1-byte-nop twin of every probe
 * (classic uprobes, never optimised) for the rest of its life, and so do its own children.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "entry_guard.h"
#include "hook.h"
#include "payload.h"
#include "probes.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* This copy's state, exported under the shared name; used through the local name so that no
 * reference inside this copy is interposed (and dlsym(RTLD_DEFAULT) sees the global order). */
static struct pyx_state pyx_own_state = {
	.magic = PYX_STATE_MAGIC,
	.size = sizeof(struct pyx_state),
};
extern struct pyx_state pyxcheck_state_v1
	__attribute__((alias("pyx_own_state"), visibility("default")));

/* Raised once to check that our hook really runs; recognised by address, never emitted. */
static const char pyx_selftest_event[] = "pyxcheck.selftest";

/* The thread's busy flag and payload buffer in one TLS block: in a shared library each TLS access
 * is a __tls_get_addr() call, so the hook takes the block's address once per event (three calls
 * per event as two variables). */
struct pyx_tls {
	int busy;
	__u8 *buf;
};
static __thread struct pyx_tls pyx_tls;
static pthread_key_t pyx_buf_key;
static pthread_once_t pyx_buf_once = PTHREAD_ONCE_INIT;

static struct pyx_state *pyx_state_ptr;

struct pyx_state *pyx_state(void)
{
	struct pyx_state *st;

	if (pyx_state_ptr)
		return pyx_state_ptr;
	st = dlsym(RTLD_DEFAULT, "pyxcheck_state_v1");
	if (!st || st->magic != PYX_STATE_MAGIC || st->size != sizeof(*st))
		st = &pyx_own_state;
	pyx_state_ptr = st;
	return st;
}

/* The key's destructor, at the thread's exit. Other destructors may still run after it and raise
 * an audit event on this thread (one that calls into Python): the TLS pointer is cleared, so that
 * such an event allocates again (and is freed by the next destructor round) instead of writing into
 * freed memory. */
static void pyx_buf_free(void *p)
{
	if (pyx_tls.buf == p)
		pyx_tls.buf = NULL;
	free(p);
}

static void pyx_buf_key_init(void)
{
	if (pthread_key_create(&pyx_buf_key, pyx_buf_free))
		pyx_buf_key = (pthread_key_t)-1;
}

/* Per-thread payload buffer, allocated on the first traced event of the thread (a static TLS
 * array would cost 8 KB per thread in every process that merely preloads us). */
static __u8 *pyx_thread_buf(struct pyx_tls *t)
{
	if (likely(t->buf != NULL))
		return t->buf;
	t->buf = malloc(PYX_PAYLOAD_MAX);
	if (t->buf && pyx_buf_key != (pthread_key_t)-1)
		pthread_setspecific(pyx_buf_key, t->buf);
	return t->buf;
}

static void pyx_atfork_child(void)
{
	struct pyx_state *st = pyx_state();

	atomic_store(&st->seq, 0);
	atomic_store(&st->events_seen, 0);
	atomic_store(&st->fork_check, 1); /* lazily: nothing to pay when untraced */
}

/* Does this process have the kernel's uprobe trampoline mapped? Plain syscalls only. */
static int pyx_has_uprobe_trampoline(void)
{
	static const char needle[] = "[uprobes-trampoline]";
	const size_t nlen = sizeof(needle) - 1;
	char buf[4096 + sizeof(needle)];
	size_t have = 0, total;
	ssize_t n;
	int fd, found = 0;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (!found && (n = read(fd, buf + have, 4096)) > 0) {
		total = have + (size_t)n;
		found = memmem(buf, total, needle, nlen) != NULL;
		/* Carry the tail over: a name split across two reads is still found. */
		have = total < nlen - 1 ? total : nlen - 1;
		memmove(buf, buf + total - have, have);
	}
	close(fd);
	return found;
}

static __attribute__((noinline)) int pyx_hook_traced(const char *event, PyObject *args,
						     struct pyx_state *st)
{
	struct pyx_tls *t;
	__u32 cat, id, len;
	__u64 seq;
	__u8 *buf;
	int expected = 0, nop1;

	if (event == pyx_selftest_event) {
		atomic_fetch_add(&st->selftests, 1);
		return 0;
	}
	t = &pyx_tls;
	/* Opaque from here on: the compiler would recompute the address after each call. */
	__asm__("" : "+r"(t));
	if (t->busy)
		return 0;
	t->busy = 1;

	atomic_fetch_add_explicit(&st->events_seen, 1, memory_order_relaxed);
	if (unlikely(!atomic_load_explicit(&st->started, memory_order_relaxed)) &&
	    atomic_compare_exchange_strong(&st->started, &expected, 1))
		pyx_fire_hook_start((__u32)getpid(), pyx_api.hexversion,
				    (__u32)atomic_load(&st->claimed), 0);

	if (unlikely(atomic_load_explicit(&st->fork_check, memory_order_relaxed))) {
		atomic_store(&st->fork_check, 0);
		if (!pyx_has_uprobe_trampoline())
			atomic_store(&st->nop1_sites, 1);
	}
	nop1 = atomic_load_explicit(&st->nop1_sites, memory_order_relaxed);

	id = pyx_catalog_lookup(event, &cat);
	if (pyx_cat_traced(cat) && (buf = pyx_thread_buf(t))) {
		seq = atomic_fetch_add(&st->seq, 1) + 1;
		len = pyx_payload_encode(buf, event, id, args, seq, pyx_tstate() != NULL);
		(nop1 ? pyx_fire_event_nop1 : pyx_fire_event)(cat, id, buf, len);
	}
	/* The last event a hook sees: CPython frees the hooks right after. */
	if (id == PYX_EV_CPYTHON_PYSYS_CLEARAUDITHOOKS) {
		(nop1 ? pyx_fire_hook_stop_nop1 : pyx_fire_hook_stop)(
			(__u32)getpid(), atomic_load(&st->events_seen), atomic_load(&st->seq));
		pyx_entry_before_clear();
	}
	t->busy = 0;
	return 0;
}

static const char pyx_clear_event[] = "cpython._PySys_ClearAuditHooks";

static int pyx_hook(const char *event, PyObject *args, void *user_data)
{
	if (likely(!pyx_any_traced())) {
		if (unlikely(event == pyx_selftest_event))
			atomic_fetch_add(&((struct pyx_state *)user_data)->selftests, 1);
		/* CPython frees our entry next (entry_guard.c); one byte compared per event */
		else if (unlikely(event[0] == 'c') && !strcmp(event, pyx_clear_event))
			pyx_entry_before_clear();
		return 0;
	}
	return pyx_hook_traced(event, args, user_data);
}

static void pyx_report_refused(struct pyx_state *st)
{
	atomic_store(&st->status, PYX_HOOK_REFUSED);
	fprintf(stderr,
		"pyxcheck: an existing audit hook refused ours; "
		"this process is not monitored\n");
}

/* Raise the verification event; with the interpreter up and the GIL held. */
static int pyx_verify(struct pyx_state *st)
{
	PyObject *et, *ev, *etb;
	unsigned before = atomic_load(&st->selftests);

	pyx_api.PyErr_Fetch(&et, &ev, &etb);
	if (pyx_api.PySys_Audit(pyx_selftest_event, NULL) < 0)
		pyx_api.PyErr_Clear();
	pyx_api.PyErr_Restore(et, ev, etb);
	return atomic_load(&st->selftests) != before ? 0 : PYX_HOOK_REFUSED;
}

int pyx_install(int delivery)
{
	struct pyx_state *st;
	PyObject *et, *ev, *etb;
	int expected = 0, up, err;

	err = pyx_api_init();
	if (err)
		return err;
	pyx_catalog_init();
	pthread_once(&pyx_buf_once, pyx_buf_key_init);
	st = pyx_state();
	if (!atomic_compare_exchange_strong(&st->claimed, &expected, delivery))
		return atomic_load(&st->status);

	pthread_atfork(NULL, NULL, pyx_atfork_child);
	up = pyx_api.Py_IsInitialized() && pyx_tstate();
	if (up)
		pyx_api.PyErr_Fetch(&et, &ev, &etb);
	/* Before Py_Initialize no hook can run, so nothing can veto: only an allocation fails. The
	 * entry it allocates then is freed under the interpreter's own allocator (entry_guard.c). */
	err = up ? pyx_api.PySys_AddAuditHook(pyx_hook, st) : pyx_entry_register(pyx_hook, st);
	if (up) {
		pyx_api.PyErr_Clear();
		pyx_api.PyErr_Restore(et, ev, etb);
	}
	if (err) {
		pyx_report_refused(st);
		goto started;
	}
	if (up && pyx_verify(st)) {
		pyx_report_refused(st);
		goto started;
	}
	atomic_fetch_add(&st->installs, 1);
	atomic_store(&st->installed, 1);
	if (!up) {
		/* Preload: hook_start on the first traced event. Launcher: pyx_verify_started()
		 * fires it once the interpreter is up, so the events of start-up must not. */
		if (delivery == PYX_DELIVERY_LAUNCHER)
			atomic_store(&st->started, 1);
		return 0;
	}
started:
	atomic_store(&st->started, 1);
	pyx_fire_hook_start((__u32)getpid(), pyx_api.hexversion, (__u32)delivery,
			    atomic_load(&st->status));
	return atomic_load(&st->status);
}

void pyx_started_at_exit(void)
{
	struct pyx_state *st = pyx_state();
	int expected = 0;

	/* started == 0: no probe has fired in this image (every path fires hook_start first), so
	 * no site was rewritten into a call that a fork child could inherit without its page */
	if (atomic_load(&st->installed) &&
	    atomic_compare_exchange_strong(&st->started, &expected, 1))
		pyx_fire_hook_start((__u32)getpid(), pyx_api.hexversion,
				    (__u32)atomic_load(&st->claimed), atomic_load(&st->status));
}

int pyx_verify_started(void)
{
	struct pyx_state *st = pyx_state();

	/* Another copy (a preloaded library) registered its hook: it reports by itself. */
	if (atomic_load(&st->claimed) != PYX_DELIVERY_LAUNCHER || !atomic_load(&st->installed))
		return atomic_load(&st->status);
	if (pyx_verify(st)) {
		atomic_store(&st->installed, 0);
		pyx_report_refused(st);
	}
	atomic_store(&st->started, 1);
	pyx_fire_hook_start((__u32)getpid(), pyx_api.hexversion, (__u32)atomic_load(&st->claimed),
			    atomic_load(&st->status));
	return atomic_load(&st->status);
}
