/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The correlator's private state, shared by its stages (the public API and the design are in
 * correlate.h): corr_engine.c (windows, held records, verdicts), corr_proc.c (processes,
 * threads, fd tables, paths), corr_blind.c (blind spots), corr_stats.c (counters, latencies,
 * --summary's top list). Nothing outside these files includes it.
 */
#ifndef PYX_CORR_INTERNAL_H
#define PYX_CORR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"
#include "corr_rules.h"
#include "corr_ustack.h"
#include "correlate.h"
#include "decode_catalog.h"
#include "decode_payload.h"
#include "decode_record.h"
#include "decode_syscall.h"

#define HASH_BUCKETS 1024
#define THROTTLED_UIDS 16 /* uids whose latest THROTTLED record is remembered */
#define FD_MAX 1024       /* fds above are not tracked (a hint table, not a mirror) */
#define SQLITE_MAX 8      /* audited sqlite databases remembered per process (the latest) */
#define SEM_TMP_MAX 4     /* sem_open temp files between their open and unlink, per process */
#define SQLITE_TMP_MAX 4  /* sqlite temp files between their open and unlink, per process */
#define SEM_MAX 64        /* sem_open names created and not yet unlinked, per process */
#define SHM_MAX 128       /* shm_open/sem_open names hooked Pythons created, per monitor */
#define SHM_UID_MAX 32    /* ... of them per uid (corr_proc.c shm_learn()) */
/* children followed per process-creating window: CPython's calls make one each (Popen's vfork,
 * posix_spawn's clone, os.fork, os.system's posix_spawn, pty.spawn's fork); a second fork in
 * the window is native code's, and its exec is not the event's (review of this stop: a
 * genuine Popen(["true"]) explained a native fork and exec of another "true") */
#define CHILD_MAX 1
#define TOP_KEYS 64 /* distinct (syscall, context) pairs counted for --summary */
#define LAT_BUCKETS (64 * 8)

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

struct held;

/* What the output of a window's audit record needs (corr_engine.c, emit_held): in the window,
 * then in its summary when it is parked (struct winsum). */
struct winout {
	/* The audit record's payload, decoded from its held copy for the claim: its values point
	 * into that copy and into c->arenas[ev_gen & 1], so the writer may use it instead of
	 * decoding again while that arena still holds it (corr_engine.c, emit_held). */
	struct pyx_event ev;
	uint64_t ev_gen;
	uint64_t lat;
	unsigned int natt, ndropped; /* attached records (their copies in att), dropped ones */
	uint32_t att_child;          /* bit i: att[i] was made by a child process */
};

struct win;

/* What the output still needs of a closed window whose audit record must wait behind an older
 * window of its thread (corr_engine.c, close_win): its verdict is in its held record, the rest
 * here, so that the 1.9 KB window goes back to the pool at once instead of waiting too. */
struct winsum {
	struct winout o;
	unsigned int ev_id; /* the claim's PYX_EV_*, for its latency */
	struct held *att[]; /* o.natt, one reference each */
};

/* A copy of a record held for ordering or attached to a window. A syscall record attached to
 * windows and held on its thread's queue is one copy, shared (refs: one per window and one for
 * the queue), not a malloc, a memcpy and a free per use. */
struct held {
	struct held *next;
	struct win *win;    /* audit record: its window (owned) */
	struct winsum *sum; /* audit record: its closed window's summary (owned), win NULL */
	const char *why;
	struct ctxcopy *ctx; /* unaudited: the context (owned) */
	size_t size;
	/* syscall record: the number of the correlator's view of it (pyx_sysrec_view_gen()), so
	 * that the writers are served that view without comparing the copy again; 0: none */
	uint64_t view_gen;
	/* the two 4-byte fields together: 64 bytes in all, a pooled small copy one 512-byte
	 * malloc chunk (corr_engine.c, HELD_SMALL) */
	enum pyx_corr_verdict verdict;
	/* pending: an unaudited syscall whose verdict waits for its thread's next audit event
	 * (corr_engine.c, pend_settle): not ready, as an open window's record is not */
	unsigned int refs : 31, pending : 1;
	uint64_t rec[]; /* 8-aligned copy */
};

struct win {
	struct thread *th;
	struct held *audit; /* the audit record that owns it, held on th until closed */
	struct corr_claim cl;
	/* read below o.natt and nchildren only: win_new() leaves them as they were */
	struct held *att[PYX_CORR_ATT_MAX];
	_Static_assert(PYX_CORR_ATT_MAX <= 32, "winout.att_child has a bit per attached record");
	uint32_t children[CHILD_MAX];
	struct winout o; /* ev, ev_gen, lat, natt, ndropped, att_child */
	unsigned int nmatch, ndiffer;
	const char *why;
	uint64_t last_ns;
	bool lost, capped, ended, closed;
	unsigned int pending;
	unsigned int nchildren;
	/* composites: when their own event or their latest sub-event came, and how many more
	 * syscalls of that sub-event's kind they may explain since (composite_explains) */
	uint64_t sub_ns;
	unsigned int budget;
	struct corr_scset sub_mask; /* the latest sub-event's counterparts (composite_sub) */
	/* Issue 10, closing by time (pyx_corr_tick, docs/correlation.md "Windows"): the first tick
	 * that found its thread busy (in one of its counterpart syscalls, or on or waiting for a
	 * CPU), 0: none, and the thread's CPU time then; busy: closed still busy after
	 * PYX_CORR_DEFER_WINDOWS, its verdict is
	 * indeterminate; the tick that saw its thread idle outside its syscalls, and the thread's
	 * last_ns then (closed at a later tick if the thread stayed silent in between). */
	uint64_t defer_ns, defer_cpu;
	bool busy;
	uint64_t idle_tick, idle_last;
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
	/* the payload body (pyx_event.body_gen) ctx's event, file and function were copied
	 * from, 0: none kept */
	uint64_t ctx_gen;
	uint64_t last_ns;
	/* Since its last audit event the thread opened a glibc NSS module (nss_module.c): the
	 * default-directory libraries the loader maps next are that module's dependencies. */
	bool nss_load;
	/* Records were lost since this thread's last audit event: the event that would explain
	 * its next syscall may be among them, so nothing is called unaudited until it raises
	 * another event. */
	bool uncertain;
	uint32_t uid; /* from its latest record: a THROTTLED record names a uid */
	/* Issue 10: the claim of a window closed while this thread was still busy (owned): its
	 * next syscall record, if it matches, is that window's late counterpart, not unaudited */
	struct corr_claim *late;
	/* Syscalls of glibc's resolver held since pend_ns (the first of npend, from pend on its
	 * queue) for the thread's next audit event: a socket event naming a host name explains
	 * them (corr_engine.c, pend_settle) */
	struct held *pend;
	unsigned int npend;
	uint64_t pend_ns;
	/* glibc's getaddrinfo() sorting several results, since the thread's last audit event and
	 * within one held run (corr_engine.c gai_track): GAI_* stage, __check_pf()'s netlink
	 * socket (its fd), the socket rfc3484_sort() connects (its fd), the results connected */
	uint8_t gai_stage;
	int64_t gai_nl_fd, gai_sort_fd;
	unsigned int gai_nsort;
};

/* What a thread is doing now, as /proc/PID/task/TID/syscall says (corr_thread_state). */
enum corr_tstate {
	CORR_TS_UNKNOWN, /* no such file (gone, replay, another procfs): time alone decides */
	CORR_TS_RUNNING, /* on a CPU or waiting for one, in a syscall or not */
	CORR_TS_SYSCALL, /* asleep in syscall nr */
	CORR_TS_USER,    /* asleep or stopped outside any syscall */
};

struct fdent {
	char *path;
	bool socket;
	bool audited; /* created (socket) or bound/connected/accepted under an audit event;
			   * a file: opened by an open(2) an audit event explained */
	bool writes;  /* a file opened for writing (O_WRONLY/O_RDWR, creat) */
	/* made by socket(AF_INET or AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_IP), as glibc's
	 * getaddrinfo() makes the socket it sorts its results with (corr_gai_sort_connect) */
	bool sort_dgram;
	/* made by socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) and explained by no
	 * window but a resolver event's (or by none): __check_pf()'s, on which glibc sends only
	 * its RTM_GETADDR request (corr_check_pf_send) */
	bool check_pf;
};

struct proc {
	struct proc *hnext;
	uint32_t pid, ppid;
	bool hooked, hooked_before_exec, exec_pending;
	char *cwd; /* NULL: unknown (read from /proc when needed) */
	bool cwd_tried;
	struct fdent *fds; /* FD_MAX entries, allocated on first use */
	struct win *creator;
	/* The claim of its creator (a window that names a program: subprocess.Popen, ...) when it
	 * raised an audit event of its own before exec (Popen's preexec_fn): one exec of the
	 * program claimed is still the creator's (owned; freed at its first exec) */
	struct corr_claim *spawn_claim;
	uint64_t spawn_ns;    /* when it was kept: it lasts SPAWN_KEEP_NS (corr_engine.c) */
	bool spawn_exec_seen; /* an exec's process record came since: only that exec's own
			       * syscall record, next, may still use it */
	char *sqlite[SQLITE_MAX];
	unsigned int nsqlite;
	/* glibc sem_open(): temp files opened and not yet linked/unlinked, names linked */
	char *sem_tmp[SEM_TMP_MAX];
	char *sem[SEM_MAX];
	unsigned int nsem;
	/* sqlite's temp files (corr_sqlite_tmp_open()) opened and not yet unlinked */
	char *sqlite_tmp[SQLITE_TMP_MAX];
	/* its hook said hook_stop: the interpreter has finalized (Py_FinalizeEx) */
	bool finalized;
	/* Its pid in its own pid namespace (the numbers its syscalls' pid arguments are in), from
	 * its exec record or the fork record that made it; 0: unknown (neither seen, or a record
	 * from before the fork record carried it) */
	uint32_t ns_pid;
	bool ns_tried; /* /proc asked once for ns_pid and mntns (corr_proc_ns_learn) */
	/* its mount namespace's inode, as its exec or fork record (or /proc) said; 0: unknown */
	uint32_t mntns;
	/* it made a successful unshare, setns, mount, umount, chroot, pivot_root or move_mount, or
	 * its parent had before its fork: no path-shaped exemption (corr_mnt_track()) */
	bool mnt_other;
	/* blind spots */
	bool py_pending, blind_done;
	/* the exec record's file is the CPython image the process runs (corr_blind_exec: the
	 * same inode as /proc/PID/exe, which may already name a later exec's image): its
	 * sensitive acts before its hook starts are judged (corr_engine.c, prehook) */
	bool py_image;
	bool maps_watch;    /* its image has no PT_INTERP (ld.so, static): look at what it maps */
	char *attach_image; /* the built-in probe goes there at the next tick (corr_blind_mapped) */
	uint64_t exec_ns;
	/* its latest record is the process record of an exec by thread exec_tid, whose exe (the
	 * kernel's bprm->filename) may stand for the unread filename of that exec's syscall
	 * record, sent right after it (bpf/pyxcheck.bpf.c sched_exec; corr_engine.c exec_kname) */
	bool exec_armed;
	uint32_t exec_tid;
	char *exe;
	char why[256];
	char comm[PYX_COMM_LEN + 1];
	char **argv;
	unsigned int argc;
	char *builtin;
	uint64_t builtin_count;
	bool builtin_attached;
	bool exited; /* its exit record came; freed at the next tick (see on_process) */
	/* Since its exec, not hooked, it made a sensitive syscall other than a loader's map of a
	 * file it opened read-only, or forked (corr_engine.c unhooked_act()). */
	bool unhooked_acted;
	/* Its exit: killed by a signal, not having acted so, with no record lost or throttled
	 * since its exec: a suspect that is no blind spot (corr_proc.c corr_proc_reap()) */
	bool killed_quiet;
	/* the file the suspect's /proc/PID/exe named when it was found (0, 0: unknown) */
	uint64_t susp_dev, susp_ino;
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
	int err;               /* first error from the emit callback */
	uint64_t last_lost_ns; /* ts of the last LOST record, 0: none */
	/* Whether a walk putting windows in doubt (pyx_corr_note_loss, on_throttled) would find
	 * anything new: bumped by every audit event (a new window, its thread no longer uncertain),
	 * every new thread and every change of a thread's uid. Under overload every record may
	 * carry PYX_HDRF_LOST_BEFORE, and a walk over every thread for each would slow the monitor
	 * down exactly when it is behind; a walk at the generation of the last one for the same
	 * cause marks nothing new and is skipped. Walks store doubt_gen + 1 (0: none yet). */
	uint64_t doubt_gen;
	uint64_t lost_walk_gen;
	uint64_t thr_walk_gen;
	uint32_t thr_walk_uid;
	struct { /* the latest THROTTLED records: uid, ts (0: free) */
		uint32_t uid;
		uint64_t ts;
	} throttled[THROTTLED_UIDS];
	/* Payload decoding, two arenas in turn: the audit record decoded last (ev_gen) and the one
	 * before it stay decoded, so a window closed by the next audit event hands its record's
	 * decoded form to the writer (struct win, ev). */
	struct pyx_arena arenas[2];
	void *arena_mem[2];
	uint64_t ev_gen;
	struct pyx_corr_stats st;
	/* shm_open and sem_open names hooked Pythons created and nobody unlinked yet, oldest
	 * first (corr_shm_track): another process of the same uid may attach or unlink them */
	/* the monitor's mount namespace's inode (PROCFS/self/ns/mnt), 0: unknown */
	uint32_t mntns_ino;
	struct corr_shm_name shm[SHM_MAX];
	unsigned int nshm;
	struct topent top[TOP_KEYS];
	unsigned int ntop;
	uint64_t top_other;
	struct pyx_ustack *us; /* maps cache for user stacks */
	struct pyx_ustack_dump
		*dump;         /* the dump of the syscall being judged (12 KiB: not on the stack) */
	struct ctxcopy judged; /* the context of the syscall being judged */
	uint32_t *lat[PYX_EV__COUNT]; /* LAT_BUCKETS counters, allocated on first use */
	uint64_t lat_n[PYX_EV__COUNT];
	/* closed windows kept for the next audit event (at most WIN_POOL_MAX, linked through
	 * their th): a 1.9 KB calloc and free per audit event, past the allocator's thread cache */
	struct win *win_pool;
	unsigned int nwin_pool;
	/* freed copies of small records kept for the next (corr_engine.c, held_new) */
	struct held *held_pool;
	unsigned int nheld_pool;
	/* the claim made for the payload body numbered keep_gen (pyx_event.body_gen) and event
	 * keep->cl.ev, given to the next windows of the same body and event; seen_gen and seen_ev:
	 * the last audit event that got a claim, a claim is kept when its body comes twice in a row
	 * (on_audit) */
	struct corr_claim_keep *keep;
	uint64_t keep_gen, seen_gen;
	unsigned int seen_ev;
	/* The PATH arguments of the syscall being judged, resolved into buf (corr_resolve_sc), not
	 * a malloc each. An absolute path's resolved form is a function of its text alone
	 * (corr_resolve), so the text (key, key_len bytes) is kept with it: the next syscall's
	 * equal text in the same slot is served without joining again (a loop's opens). */
	struct corr_scpath {
		char *buf, *key;
		size_t cap, key_cap, key_len;
		bool kept; /* buf is the resolved form of key */
		/* corr_sys_lib(buf), a function of buf's text (on_syscall's sc_sys_lib) */
		bool lib_known;
		enum corr_syslib lib;
	} scpath[CORR_PATHS];
};

/* corr_engine.c */
int corr_emit(struct pyx_corr *c, const struct pyx_corr_item *it);

/* corr_proc.c: processes, threads, fd tables, paths, per-process rule state */
struct proc *corr_proc_find(struct pyx_corr *c, uint32_t pid);
struct proc *corr_proc_get(struct pyx_corr *c, uint32_t pid);
void corr_proc_reap(struct pyx_corr *c, struct proc *p);
void corr_proc_free(struct pyx_corr *c, struct proc *p);
void corr_spawn_claim_drop(struct proc *p);
struct thread *corr_thread_find(struct pyx_corr *c, uint32_t tid);
struct thread *corr_thread_get(struct pyx_corr *c, uint32_t tid, uint32_t pid, uint64_t ts);
struct fdent *corr_fd_ent(struct proc *p, int64_t fd, bool create);
void corr_fd_put(struct proc *p, int64_t fd, const char *path, bool sock, bool audited,
		 bool writes);
char *corr_resolve(struct pyx_corr *c, struct proc *p, int64_t dirfd, const char *path);
void corr_proc_ns_learn(struct pyx_corr *c, struct proc *p, const char *comm);
/* The same into c->scpath[slot] (slot < CORR_PATHS): valid until the next call for that slot. */
const char *corr_resolve_sc(struct pyx_corr *c, struct proc *p, int64_t dirfd, const char *path,
			    unsigned int slot);
void corr_claim_resolve(struct pyx_corr *c, struct proc *p, struct corr_claim *cl);
bool corr_view_fd(const void *ctx, int64_t fd, struct corr_fdinfo *out);
void corr_sqlite_learn(struct proc *p, const char *abs);
void corr_sem_track(struct proc *p, const struct pyx_sysview *sv, const struct corr_scpaths *sp);
void corr_sqlite_tmp_track(struct proc *p, const struct pyx_sysview *sv,
			   const struct corr_scpaths *sp);
void corr_shm_track(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
		    const struct corr_scpaths *sp, uint32_t uid);
void corr_shm_free(struct pyx_corr *c);
void corr_mnt_track(struct proc *p, const struct pyx_sysview *sv);
void corr_mnt_record(struct proc *p, uint32_t before, uint32_t mntns_ino);
uint32_t corr_mnt_self(const char *procfs);
void corr_ustack_text(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
		      struct ctxcopy *x);
void corr_ustack_learn(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv);
void corr_syscall_state(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv,
			const struct corr_scpaths *sp, bool explained);
void corr_keep_argv(struct proc *p, const struct pyx_sysview *sv);
enum corr_tstate corr_thread_state(const struct pyx_corr *c, const struct thread *t, long *nr);
uint64_t corr_thread_cpu(const struct pyx_corr *c, const struct thread *t);

/* corr_blind.c: Python processes without the hook */
void corr_blind_emit(struct pyx_corr *c, struct proc *p);
bool corr_blind_reexec(struct pyx_corr *c, struct proc *p);
void corr_blind_mapped(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv);
void corr_blind_exec(struct pyx_corr *c, struct proc *p);
void corr_blind_tick(struct pyx_corr *c, uint64_t now, bool all);

/* corr_stats.c */
void corr_lat_add(struct pyx_corr *c, unsigned int ev, uint64_t ns);
void corr_count_top(struct pyx_corr *c, const char *syscall, const struct ctxcopy *x);

#endif
