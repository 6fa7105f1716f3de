// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck: parse options, check the environment, start COMMAND held on a pipe, open the loader,
 * add the pids, release COMMAND, then poll the ring buffer and hand each record, decoded and
 * validated, to the chosen output format until there is nothing left to follow.
 *
 * When to stop:
 *   COMMAND mode: the monitor is a child subreaper, so descendants that outlive COMMAND are
 *     reparented to it; it follows them until every one has exited (like strace -f), then drains
 *     the ring buffer and exits with COMMAND's status. The first SIGINT/SIGTERM is passed on to
 *     COMMAND (unless it came from the terminal, which already sent it to COMMAND's process group)
 *     and the monitor keeps recording until COMMAND exits; once COMMAND has exited, or on a
 *     second signal, it stops at once: detach, drain, summary.
 *   -p: until every given process has exited, or a signal (exit 0).
 *   -a: until a signal (exit 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pyxcheck_wire.h"
#include "builtin_audit.h"
#include "catalog.h"
#include "corr_out.h"
#include "correlate.h"
#include "compat.h"
#include "loader.h"
#include "opts.h"
#include "output.h"
#include "payload.h"
#include "record.h"
#include "runner.h"
#include "summary.h"
#include "sysrec.h"

#define POLL_MS 100
#define BTF_PATH "/sys/kernel/btf/vmlinux"

static volatile sig_atomic_t stop_signals;   /* SIGINT/SIGTERM received so far */
static volatile sig_atomic_t stop_forward;   /* the last one was sent to us alone */
static volatile sig_atomic_t stop_signo;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	stop_signo = sig;
	/* a terminal's ^C reaches the whole foreground group (si_code SI_KERNEL): COMMAND has it */
	stop_forward = si && (si->si_code == SI_USER || si->si_code == SI_QUEUE ||
			      si->si_code == SI_TKILL);
	stop_signals++;
}

struct monitor {
	struct pyx_opts *opts;
	const struct pyx_output_ops *out;
	struct pyx_writer w;
	struct pyx_summary sum;
	struct pyx_arena arena;
	struct pyx_corr *corr;          /* NULL: records are shown as they come */
	struct pyx_builtin *builtin;    /* CPython's own python:audit probe, for blind spots */
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void malformed(struct monitor *m, const struct pyx_rec_hdr *h, const char *source,
		      const char *why, const void *raw, size_t len)
{
	m->sum.malformed++;
	m->out->malformed(&m->w, h, source, why, raw, len);
}

static void handle_audit(struct monitor *m, const void *rec, size_t size)
{
	const struct pyx_rec_audit *a = rec;
	const void *payload;
	size_t n, plen;
	struct pyx_event ev;
	const char *why;
	char name[256];

	if (pyx_audit_decode(rec, size, &m->arena, &ev, &why, &payload, &plen)) {
		malformed(m, rec, "audit", why, payload, plen);
		return;
	}
	/* globs see the name up to a NUL, as a C string */
	n = strnlen((const char *)ev.name->s.data, ev.name->len);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, ev.name->s.data, n);
	name[n] = 0;
	if (!pyx_opts_want_event(m->opts, name, a->category))
		return;
	pyx_summary_audit(&m->sum, pyx_cat_event(ev.event_id) ? ev.event_id : PYX_EVENT_UNKNOWN,
			  ev.name->s.data, ev.name->len);
	m->out->audit(&m->w, a, &ev);
}

static int show_record(struct monitor *m, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;
	struct pyx_sysview sv;
	struct pyx_procview pv;

	switch (h->type) {
	case PYX_REC_AUDIT:
		handle_audit(m, rec, size);
		break;
	case PYX_REC_SYSCALL:
		if (pyx_sysrec_decode(rec, size, &sv)) {
			malformed(m, h, "syscall", "syscall record does not check out", rec, size);
			break;
		}
		if (!m->opts->sc_show[sv.sc])
			break;
		m->sum.sc[sv.sc]++;
		m->sum.sc_failed[sv.sc] += sv.err != 0;
		m->out->syscall(&m->w, &sv);
		break;
	case PYX_REC_PROCESS:
		if (pyx_procrec_decode(rec, size, &pv)) {
			malformed(m, h, "process", "process record does not check out", rec, size);
			break;
		}
		if (pv.kind < 4)
			m->sum.proc[pv.kind]++;
		m->out->process(&m->w, &pv);
		break;
	case PYX_REC_LIFECYCLE:
		if (size < sizeof(struct pyx_rec_lifecycle)) {
			malformed(m, h, "lifecycle", "lifecycle record too short", rec, size);
			break;
		}
		m->sum.lifecycle++;
		m->out->lifecycle(&m->w, rec);
		break;
	case PYX_REC_LOST: {
		const struct pyx_rec_lost *l = rec;

		if (size < sizeof(*l) || l->stream >= PYX_STREAM__COUNT) {
			malformed(m, h, "lost", "lost record does not check out", rec, size);
			break;
		}
		m->sum.lost_records[l->stream] += l->count;
		m->out->lost(&m->w, l);
		break;
	}
	default:
		malformed(m, h, "record", "unknown record type", rec, size);
		break;
	}
	/* the reader went away (EPIPE) or the disk is full: stop polling */
	return m->w.err;
}

/* The correlator hands records back in per-thread order, annotated (correlate.h). */
static int on_item(void *ctx, const struct pyx_corr_item *it)
{
	struct monitor *m = ctx;

	if (it->kind == PYX_CI_BLIND_SPOT) {
		pyx_corr_print_blind(&m->w, m->opts->json, it->blind);
		return m->w.err;
	}
	if (it->kind == PYX_CI_ALERT) {
		pyx_corr_print_alert(&m->w, m->opts->json, it->alert);
		return m->w.err;
	}
	m->w.corr = it;
	show_record(m, it->rec, it->size);
	m->w.corr = NULL;
	return m->w.err;
}

/* A Python without the hook was found (exe) or is gone / turned out hooked (exe NULL). */
static bool on_blind(void *ctx, uint32_t pid, const char *exe)
{
	struct monitor *m = ctx;
	char path[64];

	if (!exe) {
		pyx_builtin_detach(m->builtin, pid);
		return false;
	}
	/* the running image, even when the file was replaced or removed since */
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	return pyx_builtin_attach(m->builtin, pid, path) == 0;
}

static void on_builtin(void *ctx, uint32_t pid, const char *name)
{
	struct monitor *m = ctx;

	pyx_corr_builtin_event(m->corr, pid, name);
}

static int on_record(void *ctx, const void *rec, size_t size)
{
	struct monitor *m = ctx;
	int err;

	m->sum.records++;
	if (!m->corr)
		return show_record(m, rec, size);
	err = pyx_corr_record(m->corr, rec, size);
	return err ? err : m->w.err;
}

/* The hook library sits next to the binary (build/) or in ../lib/pyxcheck (make install). */
static int find_hook(char *lib, size_t lib_size, char *launcher, size_t launcher_size)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -errno;
	exe[n] = 0;
	dir = dirname(exe);
	snprintf(launcher, launcher_size, "%s/pyxcheck-python", dir);
	snprintf(lib, lib_size, "%s/libpyxcheck.so", dir);
	if (!access(lib, R_OK))
		return 0;
	snprintf(lib, lib_size, "%s/../lib/pyxcheck/libpyxcheck.so", dir);
	if (!access(lib, R_OK))
		return 0;
	snprintf(lib, lib_size, "%s/libpyxcheck.so", dir);
	return -ENOENT;
}

/* Alive and not a zombie: a zombie's records are all in. */
static bool proc_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static int drain(struct pyx_loader *ld, struct monitor *m)
{
	int n, rounds = 0;

	/* consume until the ring is empty; bounded, in case a busy host keeps it full */
	do {
		n = pyx_loader_poll(ld, 0, on_record, m);
	} while (n > 0 && ++rounds < 10000);
	return n < 0 ? n : 0;
}

static int open_output(struct pyx_opts *o, FILE **out)
{
	struct stat st;
	int fd, err;

	if (!o->output) {
		*out = stdout;
		return 0;
	}
	/*
	 * An existing file keeps its mode through open(): make a regular file 0600 before it is
	 * truncated and written (a device or a FIFO given as FILE is left as it is).
	 */
	fd = open(o->output, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 ||
	    (S_ISREG(st.st_mode) && ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) < 0)) ||
	    (S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0))
		goto fail;
	*out = fdopen(fd, "w");
	if (!*out)
		goto fail;
	return 0;
fail:
	err = -errno;
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	char lib[PATH_MAX], launcher[PATH_MAX];
	const char *hooks[3] = {};
	struct pyx_loader_opts lopts = {};
	struct pyx_child child = { .pid = -1, .go_fd = -1 };
	struct pyx_loader *ld = NULL;
	struct monitor m = {};
	struct pyx_opts opts;
	struct sigaction sa = {};
	bool child_done = false, forwarded = false;
	int child_status = 0, ret = 1, err, n;
	unsigned int i;
	uint64_t bad;
	void *arena_mem = NULL;
	FILE *f = NULL;
	size_t arena_size = PYX_ARENA_SIZE(PYX_PAYLOAD_MAX);

	err = pyx_opts_parse(&opts, argc, argv);
	if (err)
		return err == PYX_OPTS_EXIT ? 0 : 2;
	m.opts = &opts;
	m.out = opts.json ? &pyx_output_json : &pyx_output_plain;

	if (geteuid() != 0) {
		pyx_print_error(opts.json, "must run as root to load BPF programs: run it with sudo");
		return 1;
	}
	if (access(BTF_PATH, R_OK)) {
		pyx_print_error(opts.json, "the kernel has no BTF (%s: %s): use a kernel built with "
				"CONFIG_DEBUG_INFO_BTF=y", BTF_PATH, strerror(errno));
		return 1;
	}
	if (find_hook(lib, sizeof(lib), launcher, sizeof(launcher))) {
		pyx_print_error(opts.json, "hook library %s is missing: run `make` (it is built next "
				"to pyxcheck) or `make install`", lib);
		return 1;
	}
	for (i = 0; i < opts.npids; i++) {
		if (!proc_alive(opts.pids[i])) {
			pyx_print_error(opts.json, "no running process with pid %d", opts.pids[i]);
			return 1;
		}
	}
	err = open_output(&opts, &f);
	if (err) {
		pyx_print_error(opts.json, "failed to open output file %s: %s", opts.output,
				strerror(-err));
		return 1;
	}
	arena_mem = malloc(arena_size);
	if (!arena_mem) {
		pyx_print_error(opts.json, "failed to allocate the decoder arena: %s", strerror(ENOMEM));
		goto cleanup;
	}
	pyx_arena_init(&m.arena, arena_mem, arena_size);
	m.w.f = f;
	m.w.real_offset = (int64_t)(now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC));
	if (!opts.json && f == stdout && isatty(STDOUT_FILENO)) {
		struct winsize ws;

		m.w.color = !getenv("NO_COLOR");
		m.w.fit = true;
		m.w.width = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 100;
	}

	/* Correlation needs every audit event and the syscalls: it is on unless -e narrows them. */
	if (opts.syscalls && !opts.events_given) {
		struct pyx_corr_opts copts = { .enabled = true, .blind_spots = true };

		err = pyx_corr_new(&m.corr, &copts, on_item, &m);
		if (err) {
			pyx_print_error(opts.json, "failed to set up correlation: %s", strerror(-err));
			goto cleanup;
		}
		m.sum.corr = m.corr;
		m.w.annot = &pyx_corr_annot_ops;
		/* optional: without it blind spots are still reported, without event names */
		if (!pyx_builtin_open(&m.builtin, opts.verbose))
			pyx_corr_set_blind_cb(m.corr, on_blind, &m);
	}

	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed reader is a write error (EPIPE), handled as such */

	if (opts.command) {
		/* orphaned descendants come back to us: we know when the last one is gone */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
			fprintf(stderr, "pyxcheck: warning: cannot become a subreaper: %s\n",
				strerror(errno));
		err = pyx_runner_start(&child, opts.command, lib);
		if (err) {
			pyx_print_error(opts.json, "failed to start %s: %s", opts.command[0],
					strerror(-err));
			goto cleanup;
		}
	}

	hooks[0] = lib;
	if (!access(launcher, X_OK))
		hooks[1] = launcher;
	lopts.all = opts.all;
	lopts.hook_paths = hooks;
	lopts.category_mask = opts.category_mask;
	lopts.syscalls = opts.syscalls;
	lopts.ringbuf_size = opts.ringbuf_size;
	lopts.verbose = opts.verbose;
	err = pyx_loader_open(&ld, &lopts);
	if (err) {
		/* the loader printed what failed; in JSON mode say it as JSON too */
		if (opts.json)
			pyx_print_error(true, "failed to load and attach the BPF programs: %s",
					strerror(-err));
		goto cleanup;
	}
	/* issue 8: say it when a door stays open, never leave it silent (docs/correlation.md) */
	if (opts.syscalls && pyx_compat_probe() > 0)
		fputs("pyxcheck: warning: this kernel runs 32-bit syscalls (int $0x80, "
		      "ia32_emulation on): syscall tracepoints miss them, so a monitored "
		      "process's 32-bit "
		      "open/unlink/chmod/connect/kill go unseen (exec is still caught); boot with "
		      "ia32_emulation=0, or run hooked Pythons with PYXCHECK_DENY_COMPAT=1 "
		      "(docs/correlation.md)\n", stderr);
	for (i = 0; i < opts.npids; i++) {
		err = pyx_loader_add_pid(ld, opts.pids[i]);
		if (err) {
			pyx_print_error(opts.json, "failed to monitor pid %d: %s", opts.pids[i],
					strerror(-err));
			goto cleanup;
		}
	}
	if (opts.command) {
		err = pyx_loader_add_pid(ld, child.pid);
		if (!err)
			err = pyx_runner_release(&child);
		if (err) {
			pyx_print_error(opts.json, "failed to start %s: %s", opts.command[0],
					strerror(-err));
			goto cleanup;
		}
	}
	if (opts.verbose)
		fprintf(stderr, "pyxcheck: probes attached, monitoring %s\n",
			opts.command ? opts.command[0] : opts.npids ? "the given pids" : "every hooked process");

	m.sum.start_ns = now_ns(CLOCK_MONOTONIC);
	m.out->header(&m.w);
	for (;;) {
		bool done = false;

		n = pyx_loader_poll(ld, POLL_MS, on_record, &m);
		if (n < 0 && n != -EINTR) {
			if (!m.w.err)
				pyx_print_error(opts.json, "failed to read the ring buffer: %s",
						strerror(-n));
			break;
		}
		if (m.builtin)
			pyx_builtin_poll(m.builtin, on_builtin, &m);
		if (m.corr)
			pyx_corr_tick(m.corr, now_ns(CLOCK_MONOTONIC));
		fflush(m.w.f);
		if (m.w.err || ferror(m.w.f))
			break;

		if (opts.command) {
			pid_t pid;
			int st;

			/* reap COMMAND and every orphan reparented to us */
			while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
				if (pid == child.pid) {
					child_status = st;
					child_done = true;
					child.pid = -1;
				}
			}
			if (pid < 0 && errno == ECHILD)
				done = child_done;
			if (stop_signals && !child_done && !forwarded && stop_signals < 2) {
				if (stop_forward)
					kill(child.pid, stop_signo);
				forwarded = true;
			} else if (stop_signals >= 2 || (stop_signals && child_done)) {
				done = true;
			}
		} else {
			if (stop_signals)
				done = true;
			if (opts.npids) {
				bool any = false;

				for (i = 0; i < opts.npids; i++)
					any |= proc_alive(opts.pids[i]);
				done |= !any;
			}
		}
		if (done)
			break;
	}
	drain(ld, &m);
	if (m.builtin)
		pyx_builtin_poll(m.builtin, on_builtin, &m);
	if (m.corr)
		pyx_corr_flush(m.corr);
	pyx_loader_lost(ld, m.sum.lost_total);
	bad = pyx_loader_bad_size(ld);
	if (bad) {
		/* no header to report them by: counted as malformed, said once */
		m.sum.malformed += bad;
		pyx_print_error(opts.json, "%llu ring records dropped: size does not match their header",
				(unsigned long long)bad);
	}
	/* the output is complete before the detach, which can take a while (tracepoint
	 * unregistration waits for RCU grace periods): readers see the end at once */
	if (opts.summary) {
		m.sum.end_ns = now_ns(CLOCK_MONOTONIC);
		m.out->summary(&m.w, &m.sum);
	}
	if (fflush(m.w.f) && !m.w.err)
		m.w.err = -errno;
	if (m.w.err && m.w.err != -EPIPE)
		pyx_print_error(opts.json, "failed to write output: %s", strerror(-m.w.err));
	if (f != stdout) {
		fclose(f);
		f = NULL;
	}

	if (opts.command)
		ret = child_done ? pyx_exit_status(child_status) : 0;
	else
		ret = 0;
cleanup:
	pyx_loader_destroy(ld);
	if (child.pid > 0) {
		/* COMMAND never ran (start-up failed) or is still running after a second signal */
		if (child.go_fd >= 0)
			pyx_runner_abort(&child);
	}
	if (f && f != stdout)
		fclose(f);
	pyx_corr_free(m.corr);
	pyx_builtin_destroy(m.builtin);
	pyx_summary_free(&m.sum);
	pyx_buf_free(&m.w.buf);
	free(arena_mem);
	return ret;
}
