// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loader (capture_loader.h): open the skeleton, set its rodata, turn off the programs this
 * kernel or
 * these options do not want, load, attach, and hand raw records to the caller.
 *
 * Kernel features are probed at run time, never by version: a syscall whose tracepoint is missing
 * from tracefs (openat2 and clone3 on old kernels) has its two programs set_autoload(false) and is
 * simply not traced. USDT programs are attached by binary path with pid -1, so every process that
 * maps the hook is covered, including the ones started later.
 */
#define _GNU_SOURCE /* memfd_create() */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"
#include "capture_btf.h"
#include "capture_detach.h"
#include "capture_loader.h"
#include "capture_usdt.h"
#include "decode_syscall.h"
#include "ctxprobe.skel.h"
#include "pyxcheck.skel.h"

#define PYX_DEFAULT_RINGBUF (8u << 20)
/* Longest a blocking poll sleeps before it looks at the ring anyway: records below the wake-up
 * threshold do not wake the reader. */
#define PYX_POLL_SLICE_MS 100

struct pyx_loader {
	struct pyxcheck_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link **links; /* libbpf's USDT links (tracepoint links live in the skeleton) */
	size_t nlinks;
	struct pyx_usdt_specs *specs; /* with uprobe_multi links: their spec ids, and the links */
	struct pyx_usdt_link *ulinks;
	size_t nulinks;
	bool use_multi;
	/* tp_sys_enter/tp_sys_exit's links, one per traced syscall side (shared_tp) */
	struct bpf_link **tp_links;
	size_t ntp_links;
	bool shared_tp;
	bool sc_on[PYX_SC__COUNT], sc_exit_on[PYX_SC__COUNT];
	uint64_t *monitored_bits; /* the BPF side's monitored_bits, mapped shared (-p adds) */
	size_t monitored_bits_len;
	pyx_record_fn fn;
	void *fn_ctx;
	int handled;
	uint64_t bad_size; /* ring samples dropped: size disagrees with hdr.size */
};

static bool verbose;
/* set by a thread whose libbpf messages are answers, not errors (arg_ctx_works()); the other
 * threads (the python:audit worker) keep logging meanwhile */
static __thread bool quiet;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!verbose || quiet)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static const char *const category_probe[] = {
#define PYX_CAT_NAME(e, s) s,
	PYX_CATEGORIES(PYX_CAT_NAME)
#undef PYX_CAT_NAME
};

struct sc_progs {
	const char *name;
	struct bpf_program *enter, *exit;
};

static void syscall_progs(struct pyxcheck_bpf *skel, struct sc_progs out[PYX_SC__COUNT])
{
#define PYX_SC_PROGS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                 \
	out[PYX_SC_##name] = (struct sc_progs){ #name, skel->progs.enter_##name,                   \
						skel->progs.exit_##name };
	PYX_SYSCALLS(PYX_SC_PROGS)
#undef PYX_SC_PROGS
}

static const char *tracefs_dir(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0)
		return "/sys/kernel/tracing";
	if (access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return "/sys/kernel/debug/tracing";
	return NULL;
}

/* libbpf resolves tracepoint ids through tracefs and fails with ENOENT when it is not mounted.
 * Only the syscall tracepoints need it: the sched and io_uring programs are raw tracepoints,
 * attached by name. */
static int ensure_tracefs(void)
{
	if (tracefs_dir())
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) && errno != EBUSY) {
		int err = -errno;

		fprintf(stderr, "failed to mount tracefs on /sys/kernel/tracing: %s\n",
			strerror(-err));
		return err;
	}
	return tracefs_dir() ? 0 : -ENOENT;
}

static bool have_tracepoint(const char *dir, const char *category, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/events/%s/%s", dir, category, name);
	return access(path, F_OK) == 0;
}

static int add_link(struct pyx_loader *ld, struct bpf_link *link)
{
	struct bpf_link **links = realloc(ld->links, (ld->nlinks + 1) * sizeof(*links));

	if (!links) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	links[ld->nlinks++] = link;
	ld->links = links;
	return 0;
}

/* The probes every hook binary carries, by program: the category probes all run usdt_audit (or
 * usdt_audit_slow, whichever select_programs() loads), told the category by the USDT cookie; the
 * two lifecycle probes run usdt_hook, told which by theirs. */
static size_t wanted_probes(struct pyxcheck_bpf *skel, uint32_t mask, struct bpf_program **prog,
			    struct pyx_usdt_want *want)
{
	size_t n = 0;
	int cat;

	prog[n] = skel->progs.usdt_hook;
	want[n++] = (struct pyx_usdt_want){ "hook_start", PYX_LC_HOOK_START };
	prog[n] = skel->progs.usdt_hook;
	want[n++] = (struct pyx_usdt_want){ "hook_stop", PYX_LC_HOOK_STOP };
	for (cat = 0; cat < PYX_CAT__COUNT; cat++) {
		if (!(mask & (1u << cat)))
			continue;
		prog[n] = bpf_program__autoload(skel->progs.usdt_audit_slow)
				  ? skel->progs.usdt_audit_slow
				  : skel->progs.usdt_audit;
		want[n++] = (struct pyx_usdt_want){ category_probe[cat], cat };
	}
	return n;
}

/* One uprobe_multi link per program for every site of its probes in this binary
 * (capture_usdt.h); a program none of whose probes is there gets none. */
static int attach_usdt_multi(struct pyx_loader *ld, const char *path, struct bpf_program **prog,
			     const struct pyx_usdt_want *want, size_t n)
{
	struct pyx_usdt_sites sites;
	size_t i, j, attached = 0;
	int err;

	err = pyx_usdt_read(path, &sites);
	if (err) {
		fprintf(stderr, "failed to read the probes of %s: %s\n", path, strerror(-err));
		return err;
	}
	for (i = 0; i < n && !err; i = j) {
		struct pyx_usdt_link *grown;

		/* the wanted probes of one program are next to each other */
		for (j = i; j < n && prog[j] == prog[i]; j++)
			;
		grown = realloc(ld->ulinks, (ld->nulinks + 1) * sizeof(*grown));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		ld->ulinks = grown;
		err = pyx_usdt_attach(ld->specs, prog[i], -1, path, &sites, PYX_PROVIDER, want + i,
				      j - i, &ld->ulinks[ld->nulinks]);
		if (err == -ENOENT) {
			err = 0;
			continue;
		}
		if (err)
			fprintf(stderr, "failed to attach to %s:%s in %s: %s\n", PYX_PROVIDER,
				want[i].name, path, strerror(-err));
		else
			ld->nulinks++, attached++;
	}
	pyx_usdt_sites_free(&sites);
	return err ? err : attached ? 0 : -ENOENT;
}

/* Attach the wanted probes of one binary. A binary that lacks one category's probe is fine (the
 * launcher may carry fewer); a binary with no pyxcheck probe at all is an error. */
static int attach_usdt(struct pyx_loader *ld, const char *path, uint32_t mask)
{
	struct bpf_program *prog[PYX_CAT__COUNT + 2];
	struct pyx_usdt_want want[PYX_CAT__COUNT + 2];
	size_t n = wanted_probes(ld->skel, mask, prog, want), i;
	int err, attached = 0;

	if (ld->specs) {
		err = attach_usdt_multi(ld, path, prog, want, n);
		if (err == -ENOENT)
			goto none;
		return err;
	}
	for (i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_usdt_opts, uopts, .usdt_cookie = want[i].cookie);
		struct bpf_link *link;

		link = bpf_program__attach_usdt(prog[i], -1, path, PYX_PROVIDER, want[i].name,
						&uopts);
		if (!link) {
			err = -errno;
			if (err == -ENOENT)
				continue;
			fprintf(stderr, "failed to attach to %s:%s in %s: %s\n", PYX_PROVIDER,
				want[i].name, path, strerror(-err));
			return err;
		}
		err = add_link(ld, link);
		if (err)
			return err;
		attached++;
	}
	if (attached)
		return 0;
none:
	fprintf(stderr,
		"failed to attach to the hook: %s has no %s probes (rebuild it with make)\n", path,
		PYX_PROVIDER);
	return -ENOENT;
}

/*
 * The uprobe_multi links in a thread of their own, started as soon as the object is loaded: the
 * kernel's first uprobe registration waits for an RCU grace period (uprobe_register() ->
 * percpu_down_write(&dup_mmap_sem) -> rcu_sync_enter(): 5-20 ms here, the next ones are cheap
 * while the rcu_sync has not gone idle again), a wait that the syscall tracepoints' links and the
 * raw tracepoints' attach on the other threads now overlap. Only the uprobe_multi path runs here:
 * it makes its own bpf() calls and touches no libbpf state but the programs' fds; libbpf's own
 * USDT attach (older kernels) keeps to the loading thread.
 */
struct usdt_job {
	struct pyx_loader *ld;
	const struct pyx_loader_opts *opts;
	pthread_t tid;
	bool started;
	int err;
};

static void *usdt_run(void *arg)
{
	struct usdt_job *job = arg;
	const char *const *p;

	for (p = job->opts->hook_paths; !job->err && p && *p; p++)
		job->err = attach_usdt(job->ld, *p, job->opts->category_mask);
	return NULL;
}

static void usdt_start(struct usdt_job *job)
{
	job->started = pthread_create(&job->tid, NULL, usdt_run, job) == 0;
	if (!job->started)
		usdt_run(job);
}

static int usdt_join(struct usdt_job *job)
{
	if (job->started)
		pthread_join(job->tid, NULL);
	job->started = false;
	return job->err;
}

int pyx_bpf_check(char *why, size_t n)
{
	if (geteuid() != 0) {
		snprintf(why, n, "permission denied (run as root)");
		return -EPERM;
	}
	if (access(PYX_KERNEL_BTF, R_OK)) {
		snprintf(why, n, "the kernel has no BTF (%s: %s; needs CONFIG_DEBUG_INFO_BTF=y)",
			 PYX_KERNEL_BTF, strerror(errno));
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The kernel grows a file descriptor table by doubling it (64, 128, 256, 512, ...), and in a process
 * with more than one thread each growth waits for an RCU grace period (expand_fdtable(): 5-20 ms
 * here) while every other thread's open, BPF object or link waits behind it. `-a` holds ~285
 * descriptors before "probes attached" (maps, programs, ~116 perf events and their links, the
 * uprobe links), all opened after the BTF, builtin and attach threads exist: three growths, each
 * on the path to "probes attached" (seen off-CPU in bpf_perf_link_attach(), the uprobe link, the
 * loads). Grown once here, single-threaded, a growth costs no grace period. The table never shrinks;
 * lowest-free-descriptor allocation is unchanged.
 */
void pyx_loader_reserve_fds(void)
{
	struct rlimit rl;
	long want = 1024;
	int fd, high;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < want)
		want = (long)rl.rlim_cur;
	if (want <= 64)
		return;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	high = fcntl(fd, F_DUPFD_CLOEXEC, want - 1);
	close(fd);
	if (high >= 0)
		close(high);
}

static int check_environment(const struct pyx_loader_opts *opts)
{
	const char *const *p;
	char why[160];
	int err;

	err = pyx_bpf_check(why, sizeof(why));
	if (err) {
		fprintf(stderr, "failed to load BPF programs: %s\n", why);
		return err;
	}
	for (p = opts->hook_paths; p && *p; p++) {
		if (access(*p, R_OK)) {
			int err = -errno;

			fprintf(stderr,
				"failed to attach to the hook: %s: %s (build it with make)\n", *p,
				strerror(-err));
			return err;
		}
	}
	if (opts->ringbuf_size) {
		long page = sysconf(_SC_PAGESIZE);

		if (opts->ringbuf_size < (size_t)page ||
		    (opts->ringbuf_size & (opts->ringbuf_size - 1)) ||
		    opts->ringbuf_size > (1ull << 31)) {
			fprintf(stderr,
				"failed to set ring buffer size %zu: must be a power of two "
				"between %ld and 2^31\n",
				opts->ringbuf_size, page);
			return -EINVAL;
		}
	}
	return 0;
}

static void select_uring(struct pyx_loader *ld, const struct pyx_loader_opts *opts,
			 const struct pyx_kbtf *k)
{
	bool on;

	if (k->btf_err && verbose)
		fprintf(stderr, "pyxcheck: failed to read the kernel's BTF: %s\n",
			strerror(k->btf_err));
	on = k->uring_disabled != 2 && k->uring_submit == 1 &&
	     (k->uring_complete == 3 || k->uring_complete == 7);
	if (k->btf_read)
		ld->skel->rodata->uring_complete_cqe = k->uring_complete == 3;
	if (opts->syscalls && !on && k->uring_disabled != 2)
		fprintf(stderr,
			"pyxcheck: warning: no io_uring:* tracepoints on this kernel: "
			"operations done through an io_uring are not seen\n");
	on = on && opts->syscalls;
	bpf_program__set_autoload(ld->skel->progs.uring_submit, on);
	bpf_program__set_autoload(ld->skel->progs.uring_complete, on);
}

/* A test switch: set to anything but "" or "0". */
static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/*
 * Can tp_sys_enter/tp_sys_exit load here? They hand a tracepoint program's context to a global
 * function, which needs the kernel to know the "arg:ctx" tag (6.8); libbpf 1.1 does not rewrite
 * it for older kernels. Loading the one-program probe object answers in about a millisecond.
 * PYXCHECK_TEST_NO_ARG_CTX=1 (tests) answers no, to run the fallback here.
 */
static bool arg_ctx_works(void)
{
	struct ctxprobe_bpf *probe;
	bool ok;

	if (env_on("PYXCHECK_TEST_NO_ARG_CTX"))
		return false;
	quiet = true; /* a refusal is an answer, not an error: no verifier log */
	probe = ctxprobe_bpf__open_and_load();
	quiet = false;
	ok = probe != NULL;
	ctxprobe_bpf__destroy(probe);
	return ok;
}

/*
 * May raw_enter/raw_exit and usdt_audit load here? They read the syscall's registers and the
 * records' uid and cgroup id through bpf_rdonly_cast(), a kfunc of every kernel since 6.2;
 * raw_enter_slow/raw_exit_slow and usdt_audit_slow make helper calls instead
 * (bpf/pyxcheck.bpf.c). The release and the kernel's BTF (capture_btf.c's walk: the kfunc and the
 * two struct ids it takes) are the test, not a probe load: a kernel older than 6.2 with the kfunc
 * backported only takes the slower pair. PYXCHECK_TEST_NO_RDONLY_CAST=1 (tests) answers no.
 */
static bool rdonly_cast_works(const struct pyx_kbtf *k)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (env_on("PYXCHECK_TEST_NO_RDONLY_CAST") || !k->rdonly_cast || !k->task_struct_id ||
	    !k->pt_regs_id)
		return false;
	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 2);
}

/* Turn off what was not asked for and what this kernel lacks. */
static int select_programs(struct pyx_loader *ld, const struct pyx_loader_opts *opts,
			   struct pyx_kbtf *kbtf)
{
	static const bool entry_only[PYX_SC__COUNT] = {
#define PYX_SC_ENTRY(name) [PYX_SC_##name] = true,
		PYX_SC_ENTRY_ONLY(PYX_SC_ENTRY)
#undef PYX_SC_ENTRY
	};
	struct sc_progs sc[PYX_SC__COUNT];
	const char *dir = tracefs_dir();
	char name[64];
	int i, exec_progs = 0;
	bool cast, raw = opts->syscalls && opts->raw_syscalls;

	pyx_kbtf_wait(kbtf);
	cast = rdonly_cast_works(kbtf);
	ld->skel->rodata->kernel_btf_task_struct = kbtf->task_struct_id;
	ld->skel->rodata->kernel_btf_pt_regs = kbtf->pt_regs_id;
	bpf_program__set_autoload(ld->skel->progs.usdt_audit, opts->category_mask != 0 && cast);
	bpf_program__set_autoload(ld->skel->progs.usdt_audit_slow,
				  opts->category_mask != 0 && !cast);
	if (pyx_usdt_multi_supported()) {
		pyx_usdt_prepare(ld->skel->progs.usdt_audit);
		pyx_usdt_prepare(ld->skel->progs.usdt_audit_slow);
		pyx_usdt_prepare(ld->skel->progs.usdt_hook);
		ld->use_multi = true;
	}

	syscall_progs(ld->skel, sc);
	if (opts->syscalls && !have_tracepoint(dir, "syscalls", "sys_enter_openat")) {
		fprintf(stderr,
			"failed to attach syscall tracepoints: the kernel has no "
			"syscalls:* tracepoints (needs CONFIG_FTRACE_SYSCALLS=y)\n");
		return -EOPNOTSUPP;
	}
	bpf_program__set_autoload(ld->skel->progs.raw_enter, raw && cast);
	bpf_program__set_autoload(ld->skel->progs.raw_exit, raw && cast);
	bpf_program__set_autoload(ld->skel->progs.raw_enter_slow, raw && !cast);
	bpf_program__set_autoload(ld->skel->progs.raw_exit_slow, raw && !cast);
	if (raw)
		exec_progs = 2; /* every row is in the raw programs */
	/* per-syscall tracepoints: two shared programs where the kernel loads them (they take the
	 * "arg:ctx" tag of 6.8 and bpf_rdonly_cast() of 6.2), else a pair per row */
	ld->shared_tp = opts->syscalls && !opts->raw_syscalls && cast && arg_ctx_works();
	if (verbose && opts->syscalls && !opts->raw_syscalls)
		fprintf(stderr, "pyxcheck: per-syscall tracepoints: %s\n",
			ld->shared_tp ? "tp_sys_enter/tp_sys_exit on each"
				      : "a program pair per syscall (no arg:ctx on this kernel)");
	bpf_program__set_autoload(ld->skel->progs.tp_sys_enter, ld->shared_tp);
	bpf_program__set_autoload(ld->skel->progs.tp_sys_exit, ld->shared_tp);
	for (i = 0; i < PYX_SC__COUNT; i++) {
		bool on = opts->syscalls && !opts->raw_syscalls;

		snprintf(name, sizeof(name), "sys_enter_%s", sc[i].name);
		if (on && !have_tracepoint(dir, "syscalls", name)) {
			if (verbose)
				fprintf(stderr,
					"pyxcheck: no tracepoint syscalls:%s on this kernel, "
					"%s is not traced\n",
					name, sc[i].name);
			on = false;
		}
		ld->sc_on[i] = on;
		ld->sc_exit_on[i] = on && !entry_only[i];
		bpf_program__set_autoload(sc[i].enter, on && !ld->shared_tp);
		bpf_program__set_autoload(sc[i].exit, on && !entry_only[i] && !ld->shared_tp);
		if (on && (i == PYX_SC_execve || i == PYX_SC_execveat))
			exec_progs++;
	}
	ld->skel->rodata->exec_traced = exec_progs == 2;
	select_uring(ld, opts, kbtf);
	return 0;
}

/*
 * Attaching a syscall tracepoint opens a perf event, under the kernel's event_mutex; another
 * tool's detach holds that mutex for a grace period per tracepoint, from many threads at once
 * (ours: capture_detach.c). One attaching thread then waits behind every one of them, each time:
 * on a machine where other monitors come and go, ~120 attaches took 10-30 s, nearly all of it
 * queued on the mutex. Attaching from as many threads as the detacher uses takes our share of
 * that queue; on a quiet machine an attach costs ~0.2 ms and the threads change little.
 */
#define PYX_ATTACH_THREADS 128

struct tp_attach {
	struct bpf_program *prog;
	char name[48];
	int pfd; /* the tracepoint's perf event, opened disabled before the program is loaded */
	struct bpf_link *link;
	int err;
};

/* The shared programs' attach: tracepoint perf events opened in threads while the object loads,
 * linked to the programs once they are loaded. */
struct tp_attach_set {
	struct tp_attach *tps;
	size_t n, nthreads;
	size_t n_open;   /* events to open: n, or 0 when tracefs is gone */
	const char *dir; /* tracefs */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go; /* 0: wait for the load, 1: link, -1: the load failed, close */
	struct tp_attach_job {
		struct tp_attach_set *set;
		size_t first, step;
	} jobs[PYX_ATTACH_THREADS];
	pthread_t tids[PYX_ATTACH_THREADS];
	bool started[PYX_ATTACH_THREADS];
	pthread_t launcher; /* makes the threads, so that this one goes on to load */
	bool launched;
};

/* What libbpf's bpf_program__attach_tracepoint() opens, disabled: nothing is recorded before
 * the program is linked (libbpf's attach enables the event). */
static void open_one(struct tp_attach *tp, const char *dir)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT,
					.size = sizeof(attr),
					.disabled = 1 };
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/syscalls/%s/id", dir, tp->name);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%llu", (unsigned long long *)&attr.config) != 1) {
		tp->err = f ? -EINVAL : -errno;
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	tp->pfd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	tp->err = tp->pfd < 0 ? -errno : 0;
}

static void link_one(struct tp_attach *tp)
{
	if (tp->pfd < 0)
		return;
	tp->link = bpf_program__attach_perf_event(tp->prog, tp->pfd);
	if (!tp->link) {
		tp->err = -errno;
		close(tp->pfd);
	}
	tp->pfd = -1; /* the link's now, or closed */
}

static void *attach_worker(void *arg)
{
	struct tp_attach_job *job = arg;
	struct tp_attach_set *set = job->set;
	size_t i;
	int go;

	for (i = job->first; i < set->n; i += job->step)
		open_one(&set->tps[i], set->dir);
	pthread_mutex_lock(&set->lock);
	while (!set->go)
		pthread_cond_wait(&set->cond, &set->lock);
	go = set->go;
	pthread_mutex_unlock(&set->lock);
	for (i = job->first; i < set->n; i += job->step) {
		if (go > 0)
			link_one(&set->tps[i]);
		else if (set->tps[i].pfd >= 0)
			close(set->tps[i].pfd);
	}
	return NULL;
}

/* The first event, then a thread per share of the rest (~80 us of CPU each, off the thread that
 * loads the object). */
static void *launch(void *arg)
{
	struct tp_attach_set *set = arg;
	size_t i, n = set->n_open, nthreads;

	if (!n)
		return NULL;
	open_one(&set->tps[0], set->dir);
	nthreads = set->tps[0].err ? 0 : n - 1; /* the first failed: so would the rest */
	if (nthreads > PYX_ATTACH_THREADS)
		nthreads = PYX_ATTACH_THREADS;
	for (i = 0; i < nthreads; i++) {
		set->jobs[i] =
			(struct tp_attach_job){ .set = set, .first = 1 + i, .step = nthreads };
		set->started[i] = pthread_create(&set->tids[i], NULL, attach_worker,
						 &set->jobs[i]) == 0;
	}
	set->nthreads = nthreads;
	return NULL;
}

/*
 * Open the perf events of the shared programs' tracepoints, one per selected row and side (what
 * the skeleton's auto-attach does for the per-row programs), in threads, while the object loads:
 * each open queues on the kernel's event_mutex (where other monitors' detaches wait out grace
 * periods) and costs ~0.2 ms of CPU, ~20 ms for -a's ~116, which the verification on this thread
 * leaves the other CPUs to do; so is making the threads (launch()). libbpf caches what it probes of
 * the kernel on the first link, which shared_tp_link() makes alone before the threads make theirs.
 */
static int shared_tp_start(struct pyx_loader *ld, struct tp_attach_set **out)
{
	struct sc_progs sc[PYX_SC__COUNT];
	struct tp_attach_set *set;
	size_t n = 0, i;
	int side;

	*out = NULL;
	set = calloc(1, sizeof(*set));
	ld->tp_links = calloc(2 * PYX_SC__COUNT, sizeof(*ld->tp_links));
	if (set)
		set->tps = calloc(2 * PYX_SC__COUNT, sizeof(*set->tps));
	if (!set || !set->tps || !ld->tp_links) {
		if (set)
			free(set->tps);
		free(set);
		return -ENOMEM;
	}
	pthread_mutex_init(&set->lock, NULL);
	pthread_cond_init(&set->cond, NULL);
	set->dir = tracefs_dir();
	syscall_progs(ld->skel, sc);
	for (i = 0; i < PYX_SC__COUNT; i++) {
		for (side = 0; side < 2; side++) {
			if (!(side ? ld->sc_exit_on[i] : ld->sc_on[i]))
				continue;
			set->tps[n].prog = side ? ld->skel->progs.tp_sys_exit
						: ld->skel->progs.tp_sys_enter;
			set->tps[n].pfd = -1;
			snprintf(set->tps[n].name, sizeof(set->tps[n].name), "sys_%s_%s",
				 side ? "exit" : "enter", sc[i].name);
			n++;
		}
	}
	set->n = n;
	if (!set->dir) { /* select_programs() found the tracepoints there: unmounted since */
		for (i = 0; i < n; i++)
			set->tps[i].err = -ENOENT;
		n = 0;
	}
	set->n_open = n;
	set->launched = pthread_create(&set->launcher, NULL, launch, set) == 0;
	if (!set->launched)
		launch(set);
	*out = set;
	return 0;
}

/* Wait for launch(): the first event opened and the threads made (their count in nthreads). */
static void launch_wait(struct tp_attach_set *set)
{
	if (set->launched)
		pthread_join(set->launcher, NULL);
	set->launched = false;
}

/* Let the threads link (go 1) or close (go -1) their events; a job whose thread was never made
 * runs here. */
static void shared_tp_go(struct tp_attach_set *set, int go)
{
	size_t i;

	launch_wait(set);
	pthread_mutex_lock(&set->lock);
	set->go = go;
	pthread_cond_broadcast(&set->cond);
	pthread_mutex_unlock(&set->lock);
	for (i = 0; i < set->nthreads; i++)
		if (!set->started[i])
			attach_worker(&set->jobs[i]);
}

/* Wait for the threads' links or closes (after shared_tp_go()). */
static void workers_join(struct tp_attach_set *set)
{
	size_t i;

	for (i = 0; i < set->nthreads; i++)
		if (set->started[i])
			pthread_join(set->tids[i], NULL);
	set->nthreads = 0;
}

static void shared_tp_free(struct tp_attach_set *set)
{
	pthread_mutex_destroy(&set->lock);
	pthread_cond_destroy(&set->cond);
	free(set->tps);
	free(set);
}

/* The load failed: close every event opened for it. Only before shared_tp_link(): after it, the
 * threads' links are collected by shared_tp_finish(), which every path then takes. */
static void shared_tp_abort(struct tp_attach_set *set)
{
	launch_wait(set);
	if (set->n && set->tps[0].pfd >= 0)
		close(set->tps[0].pfd);
	shared_tp_go(set, -1);
	workers_join(set);
	shared_tp_free(set);
}

/* After the load: the first link here, then the threads' (the caller attaches the rest
 * meanwhile, shared_tp_finish() collects). */
static void shared_tp_link(struct tp_attach_set *set)
{
	launch_wait(set);
	if (set->n)
		link_one(&set->tps[0]);
	shared_tp_go(set, 1);
}

/* Wait for the shared programs' links; they go to the loader, attached or not. */
static int shared_tp_finish(struct pyx_loader *ld, struct tp_attach_set *set)
{
	size_t i;
	int err = 0;

	workers_join(set);
	for (i = 0; i < set->n; i++) {
		if (set->tps[i].link)
			ld->tp_links[ld->ntp_links++] = set->tps[i].link;
		else if (!err) {
			err = set->tps[i].err ? set->tps[i].err : -EINVAL;
			fprintf(stderr, "failed to attach syscalls:%s: %s\n", set->tps[i].name,
				strerror(-err));
		}
	}
	shared_tp_free(set);
	return err;
}

/* The set of monitored processes holds up to pid_max tgids, so that it can never be full; entries
 * are allocated on insert (BPF_F_NO_PREALLOC). PYXCHECK_TEST_MONITORED_MAX, for tests only, makes
 * it small to show what happens when it is full anyway (PYX_STREAM_UNMONITORED). */
/* The rows each catalogue event explains (audit_events.def), for the BPF side's dump_explained():
 * a sensitive syscall right after an event that explains it skips its stack dump. */
static const char *const ev_syscalls[PYX_EV__COUNT] = {
#define PYX_EVENT(sym, name, cat, args, syscalls) [PYX_EV_##sym] = syscalls,
#include "audit_events.def"
#undef PYX_EVENT
};

static void fill_explains(struct pyxcheck_bpf *skel)
{
	char name[32];
	size_t n;
	int i, sc;

	for (i = 0; i < PYX_EV__COUNT; i++) {
		const char *s = ev_syscalls[i];

		while (s && *s) {
			n = strcspn(s, ",");
			if (n < sizeof(name)) {
				memcpy(name, s, n);
				name[n] = 0;
				sc = pyx_sc_by_name(name);
				if (sc >= 0 && sc < 128)
					skel->rodata->ev_explains[i][sc / 64] |= 1ULL << (sc % 64);
			}
			s += n + (s[n] == ',');
		}
	}
}

static int size_monitored(struct pyxcheck_bpf *skel)
{
	const char *test = getenv("PYXCHECK_TEST_MONITORED_MAX");
	unsigned long max = 0;
	char *end;
	FILE *f;
	int err;

	if (test && *test) {
		errno = 0;
		max = strtoul(test, &end, 10);
		if (errno || *end || !max || max > (1ul << 22)) {
			fprintf(stderr,
				"failed to size the monitored set: bad "
				"PYXCHECK_TEST_MONITORED_MAX '%s'\n",
				test);
			return -EINVAL;
		}
	} else {
		f = fopen("/proc/sys/kernel/pid_max", "r");
		if (!f || fscanf(f, "%lu", &max) != 1 || max < 2 || max > (1ul << 22))
			max = 1ul << 22; /* PID_MAX_LIMIT on 64-bit */
		if (f)
			fclose(f);
	}
	err = bpf_map__set_max_entries(skel->maps.monitored, max);
	if (!err) /* one bit per tgid below max: the BPF side's filter in front of the set */
		err = bpf_map__set_max_entries(skel->maps.monitored_bits, (max + 63) / 64);
	if (err)
		fprintf(stderr, "failed to size the monitored set: %s\n", strerror(-err));
	return err;
}

/* The loader's view of monitored_bits, for pyx_loader_add_pid(). */
static int map_monitored_bits(struct pyx_loader *ld)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size_t)bpf_map__max_entries(ld->skel->maps.monitored_bits) * sizeof(uint64_t);
	void *m;

	len = (len + page - 1) / page * page;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(ld->skel->maps.monitored_bits), 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "failed to map the monitored set's filter: %s\n", strerror(errno));
		return -errno;
	}
	ld->monitored_bits = m;
	ld->monitored_bits_len = len;
	return 0;
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct pyx_loader *ld = ctx;
	const struct pyx_rec_hdr *h = data;

	/* The BPF side always sends hdr.size bytes; anything else is not ours to interpret. */
	if (size < sizeof(*h) || h->size != size) {
		ld->bad_size++; /* counted, not silent: pyx_loader_bad_size() */
		return 0;
	}
	ld->handled++;
	return ld->fn ? ld->fn(ld->fn_ctx, data, size) : 0;
}

/*
 * PYXCHECK_TEST_DUMP_INSNS=FILE (tests/test_core_btf.py): every loaded program's instructions as
 * libbpf sent them, CO-RE relocations applied, one line each. Map references are file descriptors,
 * which depend on what else the process has open: written as 0.
 */
static void dump_insns(struct bpf_object *obj)
{
	const char *path = getenv("PYXCHECK_TEST_DUMP_INSNS");
	struct bpf_program *prog;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "we");
	if (!f)
		return;
	bpf_object__for_each_program(prog, obj)
	{
		const struct bpf_insn *in = bpf_program__insns(prog);
		size_t i, n = bpf_program__insn_cnt(prog);

		if (!bpf_program__autoload(prog))
			continue;
		fprintf(f, "%s %zu\n", bpf_program__name(prog), n);
		for (i = 0; i < n; i++) {
			bool map = in[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
				   (in[i].src_reg == BPF_PSEUDO_MAP_FD ||
				    in[i].src_reg == BPF_PSEUDO_MAP_VALUE);

			fprintf(f, "%02x %x %x %d %d\n", in[i].code, in[i].dst_reg, in[i].src_reg,
				in[i].off, map ? 0 : in[i].imm);
		}
	}
	fclose(f);
}

/*
 * The kernel's BTF walk (capture_btf.h), started before the skeleton is opened: libbpf takes the
 * CO-RE target's path at open and reads it at load, by when the walk has written it to a memfd.
 * PYXCHECK_TEST_KERNEL_BTF=1 (tests) leaves libbpf to read the kernel's BTF itself.
 */
/*
 * Where this kernel keeps an IORING_OP_BIND request's sockaddr (bpf/pyxcheck.bpf.c,
 * uring_calibrate()): the monitor binds a UDP socket of its own to 127.0.0.1 port 0 through a
 * ring of its own while the BPF side watches its tgid, once, after the io_uring programs are
 * attached. A raw ring, as tests/corpus/evasion/with_args/iouring_ops.py makes one; any failure
 * (an older kernel without BIND, kernel.io_uring_disabled, a refused mmap) leaves the address of
 * BIND requests unread, never wrong. 0.15-0.4 ms on the machine kind of docs/benchmarks.md.
 */
#define PYX_IORING_OP_BIND 56
static void calibrate_uring_bind(struct pyx_loader *ld)
{
	struct io_uring_params p;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	size_t sq_len = 0, cq_len = 0, sqes_len = 0;
	void *sq = MAP_FAILED, *cq = MAP_FAILED, *sqes = MAP_FAILED;
	int ring, sock = -1;

	if (!ld->skel->bss || !bpf_program__autoload(ld->skel->progs.uring_submit))
		return;
	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0)
		goto out;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(__u32);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		    IORING_OFF_SQES);
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED || sock < 0)
		goto out;
	{
		struct io_uring_sqe *sqe = sqes;
		__u32 *tail = (__u32 *)((char *)sq + p.sq_off.tail);
		__u32 *array = (__u32 *)((char *)sq + p.sq_off.array);

		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = PYX_IORING_OP_BIND;
		sqe->fd = sock;
		sqe->addr = (__u64)(uintptr_t)&sa;
		sqe->addr2 = sizeof(sa);
		array[0] = 0;
		__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	}
	ld->skel->bss->uring_calib_tgid = (__u32)getpid();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0 &&
	    verbose)
		fprintf(stderr, "pyxcheck: io_uring BIND calibration: %s\n", strerror(errno));
	ld->skel->bss->uring_calib_tgid = 0;
out:
	if (verbose)
		fprintf(stderr, "pyxcheck: io_uring BIND's sockaddr: %s\n",
			ld->skel->bss->uring_bind_at == 1   ? "at the start of its async data"
			: ld->skel->bss->uring_bind_at == 2 ? "in its io_async_msghdr"
							    : "not found (not read)");
	if (sock >= 0)
		close(sock);
	if (sqes != MAP_FAILED)
		munmap(sqes, sqes_len);
	if (cq != MAP_FAILED)
		munmap(cq, cq_len);
	if (sq != MAP_FAILED)
		munmap(sq, sq_len);
	if (ring >= 0)
		close(ring);
}

static void kbtf_start(struct pyx_kbtf *k, const struct pyx_loader_opts *opts, char *path, size_t n)
{
	k->uring_question = opts->syscalls;
	k->obj = pyxcheck_bpf__elf_bytes(&k->obj_size);
	k->core_fd = env_on("PYXCHECK_TEST_KERNEL_BTF")
			     ? -1
			     : memfd_create("pyxcheck-core-btf", MFD_CLOEXEC);
	snprintf(path, n, "/proc/self/fd/%d", k->core_fd);
	pyx_kbtf_start(k);
}

static int loader_open(struct pyx_loader **out, const struct pyx_loader_opts *opts)
{
	struct pyx_loader *ld = NULL;
	struct tp_attach_set *tp_set = NULL;
	struct pyx_kbtf kbtf = { .core_fd = -1 };
	struct usdt_job usdt = { 0 };
	char core_path[64];
	const char *const *p;
	int err;

	err = check_environment(opts);
	if (err)
		return err;
	err = opts->syscalls ? ensure_tracefs() : 0;
	if (err)
		return err;

	kbtf_start(&kbtf, opts, core_path, sizeof(core_path));
	ld = calloc(1, sizeof(*ld));
	if (!ld) {
		err = -ENOMEM;
		goto cleanup;
	}
	{
		LIBBPF_OPTS(bpf_object_open_opts, oo,
			    .btf_custom_path = kbtf.core_fd >= 0 ? core_path : NULL);

		ld->skel = pyxcheck_bpf__open_opts(&oo);
	}
	if (!ld->skel) {
		err = -errno;
		fprintf(stderr, "failed to open BPF object: %s\n", strerror(-err));
		goto cleanup;
	}
	ld->skel->rodata->monitor_all = opts->all;
	ld->skel->rodata->ustack_dump_on = !opts->no_stack_dump;
	if (!opts->no_stack_dump && !getenv("PYXCHECK_DUMP_ALL"))
		fill_explains(ld->skel);
	/* exec records of processes not (yet) monitored: only -a has processes join late */
	if (!opts->all)
		bpf_map__set_max_entries(ld->skel->maps.exec_ctx, 1);
	ld->skel->rodata->fair_share = !opts->no_fair_share;
	err = size_monitored(ld->skel);
	if (err)
		goto cleanup;
	if (opts->ringbuf_size) {
		err = bpf_map__set_max_entries(ld->skel->maps.rb, opts->ringbuf_size);
		if (err) {
			fprintf(stderr, "failed to set ring buffer size: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	/* Wake the reader once a sixteenth of the ring is waiting (at most 256 KiB). */
	ld->skel->rodata->wakeup_bytes = bpf_map__max_entries(ld->skel->maps.rb) / 16;
	if (ld->skel->rodata->wakeup_bytes > 256 * 1024)
		ld->skel->rodata->wakeup_bytes = 256 * 1024;

	err = select_programs(ld, opts, &kbtf);
	if (err)
		goto cleanup;
	if (ld->shared_tp) {
		err = shared_tp_start(ld, &tp_set);
		if (err)
			goto cleanup;
	}
	if (kbtf.core_fd >= 0 && !kbtf.core_written) {
		err = -(kbtf.btf_err ? kbtf.btf_err : EINVAL);
		fprintf(stderr, "failed to read the kernel's BTF (%s): %s\n", PYX_KERNEL_BTF,
			strerror(-err));
		goto cleanup;
	}
	if (verbose && kbtf.core_copied)
		fprintf(stderr, "pyxcheck: CO-RE target: the kernel's BTF, whole\n");
	else if (verbose && kbtf.core_fd >= 0)
		fprintf(stderr,
			"pyxcheck: CO-RE target: %u of the kernel's %u types (%u with a relocated "
			"type's kind and name)\n",
			kbtf.core_types, kbtf.kernel_types, kbtf.core_roots);
	if (verbose)
		fprintf(stderr, "pyxcheck: kernel BTF ids: task_struct %u, pt_regs %u\n",
			kbtf.task_struct_id, kbtf.pt_regs_id);

	err = pyxcheck_bpf__load(ld->skel);
	if (err) {
		fprintf(stderr, "failed to load BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (run as root; kernel lockdown may also refuse BPF)"
			: verbose     ? ""
				      : " (run with -v for libbpf's log)");
		goto cleanup;
	}
	dump_insns(ld->skel->obj);
	err = map_monitored_bits(ld);
	if (err)
		goto cleanup;
	if (ld->use_multi) {
		err = pyx_usdt_specs_new(ld->skel->obj, &ld->specs);
		if (err) {
			fprintf(stderr, "failed to set up USDT specs: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	usdt.ld = ld;
	usdt.opts = opts;
	if (ld->specs)
		usdt_start(&usdt);
	if (tp_set)
		shared_tp_link(tp_set);
	/* Tracepoints auto-attach; bare SEC("usdt") programs do not and are attached apart. */
	err = pyxcheck_bpf__attach(ld->skel);
	if (err)
		fprintf(stderr, "failed to attach tracepoints: %s%s\n", strerror(-err),
			err == -ENOENT ? " (is tracefs mounted on /sys/kernel/tracing?)" : "");
	if (ld->specs) {
		int usdt_err = usdt_join(&usdt);

		err = err ? err : usdt_err;
	}
	for (p = opts->hook_paths; !err && !ld->specs && p && *p; p++)
		err = attach_usdt(ld, *p, opts->category_mask);
	if (tp_set) {
		int tp_err = shared_tp_finish(ld, tp_set);

		tp_set = NULL;
		err = err ? err : tp_err;
	}
	if (err)
		goto cleanup;
	ld->rb = ring_buffer__new(bpf_map__fd(ld->skel->maps.rb), handle_record, ld, NULL);
	if (!ld->rb) {
		err = -errno;
		fprintf(stderr, "failed to create ring buffer reader: %s\n", strerror(-err));
		goto cleanup;
	}
	calibrate_uring_bind(ld);
	if (kbtf.core_fd >= 0)
		close(kbtf.core_fd);
	pyx_kbtf_release();
	*out = ld;
	return 0;

cleanup:
	if (tp_set)
		shared_tp_abort(tp_set);
	pyx_kbtf_wait(&kbtf);
	pyx_kbtf_release();
	if (kbtf.core_fd >= 0)
		close(kbtf.core_fd);
	pyx_loader_destroy(ld);
	return err;
}

/*
 * -v: libbpf logs ~8,000 lines (~0.7 MB) while it opens and loads the object, and an unbuffered
 * stderr makes each one a formatted copy and a write() of its own: ~15 ms of the start-up. stderr
 * is fully buffered until the probes are attached or the open failed, then flushed (nothing is
 * dropped; the lines keep their order, as libbpf's and our own go through the same FILE).
 */
int pyx_loader_open(struct pyx_loader **out, const struct pyx_loader_opts *opts)
{
	static char logbuf[1 << 16];
	int err;

	*out = NULL;
	verbose = opts->verbose;
	libbpf_set_print(print_fn);
	if (verbose)
		setvbuf(stderr, logbuf, _IOFBF, sizeof(logbuf));
	err = loader_open(out, opts);
	if (verbose) {
		fflush(stderr);
		setvbuf(stderr, NULL, _IONBF, 0);
	}
	return err;
}

/* The tgid of a pid (a thread id given by mistake still selects its process). */
static int tgid_of(pid_t pid, __u32 *tgid)
{
	char path[64], line[256];
	int err = -ESRCH;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -ESRCH;
	while (fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "Tgid: %u", &v) == 1) {
			*tgid = v;
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

int pyx_loader_add_pid(struct pyx_loader *ld, pid_t pid)
{
	__u32 tgid;
	__u8 one = 1;
	int err;

	if (!ld || pid <= 0)
		return -EINVAL;
	err = tgid_of(pid, &tgid);
	if (err)
		return err;
	/* The tgid's bit first (the BPF side's order, monitored_add()), with an atomic on the
	 * shared mapping: a read-modify-write through the map API would race the BPF side's
	 * updates of the other 63 tgids of the word, and could clear a forked child's bit. */
	if (tgid / 64 < bpf_map__max_entries(ld->skel->maps.monitored_bits)) {
		if (!ld->monitored_bits)
			return -ENOMEM;
		__atomic_fetch_or(&ld->monitored_bits[tgid / 64], 1ULL << (tgid % 64),
				  __ATOMIC_SEQ_CST);
	}
	err = bpf_map__update_elem(ld->skel->maps.monitored, &tgid, sizeof(tgid), &one, sizeof(one),
				   BPF_ANY);
	return err;
}

int pyx_loader_poll(struct pyx_loader *ld, int timeout_ms, pyx_record_fn fn, void *ctx)
{
	int err;

	if (!ld)
		return -EINVAL;
	ld->fn = fn;
	ld->fn_ctx = ctx;
	ld->handled = 0;
	for (;;) {
		int slice = timeout_ms < 0 ? PYX_POLL_SLICE_MS : timeout_ms;

		err = ring_buffer__poll(ld->rb, slice);
		/* Records that did not pass the wake-up threshold are read here. */
		if (err >= 0)
			err = ring_buffer__consume(ld->rb);
		if (err < 0 || timeout_ms >= 0 || ld->handled)
			break;
	}
	if (err == -EINTR)
		err = 0;
	return err < 0 ? err : ld->handled;
}

uint64_t pyx_loader_compat_syscalls(const struct pyx_loader *ld)
{
	return ld && ld->skel->bss ? ld->skel->bss->compat_syscalls : 0;
}

uint64_t pyx_loader_bad_size(const struct pyx_loader *ld)
{
	return ld ? ld->bad_size : 0;
}

int pyx_loader_exec_ctx(const struct pyx_loader *ld, uint32_t pid, void *buf, size_t size)
{
	int fd = bpf_map__fd(ld->skel->maps.exec_ctx);
	uint32_t vsize = bpf_map__value_size(ld->skel->maps.exec_ctx);

	if (fd < 0 || size < vsize || bpf_map_lookup_elem(fd, &pid, buf))
		return 0;
	return vsize;
}

int pyx_loader_ring_fd(const struct pyx_loader *ld)
{
	return bpf_map__fd(ld->skel->maps.rb);
}

uint64_t pyx_loader_ring_size(const struct pyx_loader *ld)
{
	return bpf_map__max_entries(ld->skel->maps.rb);
}

int pyx_loader_counts(struct pyx_loader *ld, uint64_t lost[], uint64_t throttled[])
{
	struct pyx_counters {
		__u64 lost[PYX_STREAM__COUNT];
		__u64 throttled[PYX_STREAM__COUNT];
	} *vals = NULL;
	int ncpu, cpu, s, err;
	__u32 zero = 0;

	if (!ld)
		return -EINVAL;
	/* The layout is repeated here, not shared: a change on the BPF side must fail loudly, not
	 * sum the wrong words. */
	if (bpf_map__value_size(ld->skel->maps.counters) != sizeof(*vals))
		return -EPROTO;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	err = bpf_map__lookup_elem(ld->skel->maps.counters, &zero, sizeof(zero), vals,
				   ncpu * sizeof(*vals), 0);
	if (err)
		goto cleanup;
	for (s = 0; s < PYX_STREAM__COUNT; s++) {
		if (lost)
			lost[s] = 0;
		if (throttled)
			throttled[s] = 0;
		for (cpu = 0; cpu < ncpu; cpu++) {
			if (lost)
				lost[s] += vals[cpu].lost[s];
			if (throttled)
				throttled[s] += vals[cpu].throttled[s];
		}
	}
cleanup:
	free(vals);
	return err;
}

int pyx_loader_lost(struct pyx_loader *ld, uint64_t lost[])
{
	return pyx_loader_counts(ld, lost, NULL);
}

void pyx_loader_destroy(struct pyx_loader *ld)
{
	size_t i;

	if (!ld)
		return;
	/*
	 * USDT links one after the other, here: libbpf's USDT detach updates the object's USDT
	 * manager (its free spec ids, by realloc) and must not run in two threads at once. A
	 * uprobe goes in a few ms. Then every tracepoint link in one concurrent batch
	 * (capture_detach.c);
	 * the skeleton then finds its link slots empty.
	 */
	for (i = 0; i < ld->nlinks; i++)
		bpf_link__destroy(ld->links[i]);
	ld->nlinks = 0;
	for (i = 0; i < ld->nulinks; i++)
		pyx_usdt_detach(ld->specs, &ld->ulinks[i]);
	free(ld->ulinks);
	pyx_usdt_specs_free(ld->specs);
	if (ld->skel) {
		const struct bpf_object_skeleton *s = ld->skel->skeleton;
		struct bpf_link **all = realloc(ld->links,
						(s->prog_cnt + ld->ntp_links) * sizeof(*all));

		if (all) {
			ld->links = all;
			for (i = 0; i < (size_t)s->prog_cnt; i++) {
				all[ld->nlinks++] = *s->progs[i].link;
				*s->progs[i].link = NULL;
			}
			/* the shared programs' links in the same batch */
			for (i = 0; i < ld->ntp_links; i++)
				all[ld->nlinks++] = ld->tp_links[i];
			ld->ntp_links = 0;
		}
	}
	pyx_links_destroy(ld->links, ld->nlinks);
	/* not reached with links left unless the batch could not be allocated: one at a time */
	for (i = 0; i < ld->ntp_links; i++)
		bpf_link__destroy(ld->tp_links[i]);
	free(ld->tp_links);
	free(ld->links);
	ring_buffer__free(ld->rb);
	if (ld->monitored_bits)
		munmap(ld->monitored_bits, ld->monitored_bits_len);
	pyxcheck_bpf__destroy(ld->skel);
	free(ld);
}

int pyx_loader_ustack_dump(struct pyx_loader *ld, uint32_t slot, struct pyx_ustack_dump *out)
{
	__u32 k = slot - 1;

	if (!ld || !ld->skel || !slot || slot > PYX_USTACK_DUMPS)
		return -ENOENT;
	return bpf_map__lookup_elem(ld->skel->maps.ustack_dumps, &k, sizeof(k), out, sizeof(*out),
				    0)
		       ? -ENOENT
		       : 0;
}
