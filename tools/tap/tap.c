// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck-tap: attach to the hook's USDT probes in every process and print each hit, one line
 * per ring-buffer record, payloads in hex. A developer and test tool: the end-to-end probe tests,
 * the benchmark and (for now) `make demo` read its output; the monitor is build/pyxcheck.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "pyxcheck_wire.h"
#include "tap.skel.h"

#define MAX_BINARIES 8
#define LC_CATEGORY PYX_CAT__COUNT /* pseudo-category "lifecycle": hook_start and hook_stop */
#define TRACEFS "/sys/kernel/tracing"

static const char *const category_names[] = {
#define PYX_CAT_NAME(e, s) s,
	PYX_CATEGORIES(PYX_CAT_NAME)
#undef PYX_CAT_NAME
};

_Static_assert(sizeof(struct pyx_rec_hdr) == 56, "pyx_rec_hdr layout");
_Static_assert(sizeof(struct pyx_rec_audit) == 72, "pyx_rec_audit layout");
_Static_assert(sizeof(struct pyx_rec_lifecycle) == 88, "pyx_rec_lifecycle layout");

static struct env {
	const char *binaries[MAX_BINARIES];
	int nbinaries;
	unsigned int categories; /* bit per category, LC_CATEGORY for lifecycle; 0 means all */
	char *nop1_path, *nop1_provider, *nop1_name;
	bool quiet;
	bool verbose;
	unsigned long long records;
} env;

static volatile sig_atomic_t exiting;

static const char usage[] =
	"Usage: pyxcheck-tap [-b PATH]... [-c CATEGORY]... [--nop1 PATH:PROVIDER:NAME] [-q] [-v]\n"
	"\n"
	"Attach to the pyxcheck USDT probes of every process (pid -1) and print one line per hit:\n"
	"  probe=<name> pid=.. tid=.. id=.. len=.. claimed=.. flags=.. payload=<hex>\n"
	"  probe=hook_start pid=.. tid=.. arg_pid=.. hexversion=0x.. delivery=.. status=..\n"
	"  probe=hook_stop pid=.. tid=.. arg_pid=.. seen=.. emitted=..\n"
	"Prints \"ready\" on stderr once every probe is attached; SIGINT/SIGTERM drain and exit.\n"
	"\n"
	"  -b, --binary PATH     binary or library holding the probes (repeatable;\n"
	"                        default: libpyxcheck.so next to this program)\n"
	"  -c, --category NAME   attach only this category (repeatable): file, network, process,\n"
	"                        ffi, code, import, runtime, other, lifecycle\n"
	"      --nop1 SPEC       also count the hits of one classic probe, PATH:PROVIDER:NAME\n"
	"  -q, --quiet           count records, print none\n"
	"  -v, --verbose         show libbpf debug output\n"
	"  -h, --help            this text\n"
	"\n"
	"EXAMPLES:\n"
	"  pyxcheck-tap                                   # every probe of build/libpyxcheck.so\n"
	"  pyxcheck-tap -c file -c lifecycle              # file events and hook start/stop only\n"
	"  pyxcheck-tap -b build/pyxcheck-python          # the launcher's own probes\n"
	"  pyxcheck-tap -q --nop1 /usr/bin/python3.11:python:audit\n";

static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static void sig_handler(int sig)
{
	exiting = 1;
}

static int parse_category(const char *name)
{
	int i;

	for (i = 0; i < PYX_CAT__COUNT; i++)
		if (!strcmp(name, category_names[i]))
			return i;
	if (!strcmp(name, "lifecycle"))
		return LC_CATEGORY;
	return -EINVAL;
}

static int parse_nop1(char *spec)
{
	char *provider, *name;

	/* The path may hold colons; provider and name cannot. */
	name = strrchr(spec, ':');
	if (!name || name == spec)
		return -EINVAL;
	*name++ = '\0';
	provider = strrchr(spec, ':');
	if (!provider || provider == spec || !*name)
		return -EINVAL;
	*provider++ = '\0';
	if (!*provider)
		return -EINVAL;
	env.nop1_path = spec;
	env.nop1_provider = provider;
	env.nop1_name = name;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "binary", required_argument, NULL, 'b' },
		{ "category", required_argument, NULL, 'c' },
		{ "nop1", required_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int opt, cat;

	while ((opt = getopt_long(argc, argv, "b:c:qvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (env.nbinaries == MAX_BINARIES) {
				fprintf(stderr, "pyxcheck-tap: at most %d -b options\n",
					MAX_BINARIES);
				return -EINVAL;
			}
			env.binaries[env.nbinaries++] = optarg;
			break;
		case 'c':
			cat = parse_category(optarg);
			if (cat < 0) {
				fprintf(stderr, "pyxcheck-tap: unknown category '%s'\n", optarg);
				return -EINVAL;
			}
			env.categories |= 1u << cat;
			break;
		case 'N':
			if (parse_nop1(optarg)) {
				fprintf(stderr, "pyxcheck-tap: --nop1 wants PATH:PROVIDER:NAME\n");
				return -EINVAL;
			}
			break;
		case 'q':
			env.quiet = true;
			break;
		case 'v':
			env.verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pyxcheck-tap: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!env.categories)
		env.categories = (1u << (LC_CATEGORY + 1)) - 1;
	return 0;
}

/* The default library sits next to the tap in the build folder, wherever that is. */
static const char *default_binary(void)
{
	static char path[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("/libpyxcheck.so"));
	if (n <= 0)
		return "build/libpyxcheck.so";
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash ? slash : path, "/libpyxcheck.so");
	return path;
}

/* libbpf's uprobe attach needs no tracefs on this kernel, but its legacy fallback does: mount it
 * when missing, as every part of pyxcheck that attaches does. */
static int ensure_tracefs(void)
{
	struct statfs st;

	if (!statfs(TRACEFS, &st) && st.f_type == TRACEFS_MAGIC)
		return 0;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		return -errno;
	return 0;
}

static void print_hex(const __u8 *p, __u32 n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * 256];
	__u32 i, j;

	for (i = 0; i < n;) {
		for (j = 0; i < n && j < sizeof(buf); i++) {
			buf[j++] = digits[p[i] >> 4];
			buf[j++] = digits[p[i] & 15];
		}
		fwrite(buf, 1, j, stdout);
	}
}

static int handle_record(void *ctx, void *data, size_t size)
{
	const struct pyx_rec_hdr *hdr = data;
	const struct pyx_rec_audit *a = data;
	const struct pyx_rec_lifecycle *lc = data;

	if (size < sizeof(*hdr) || hdr->size != size) {
		fprintf(stderr, "pyxcheck-tap: malformed record of %zu bytes\n", size);
		return 0;
	}
	env.records++;
	if (env.quiet)
		return 0;

	switch (hdr->type) {
	case PYX_REC_AUDIT:
		if (size < sizeof(*a) || size != sizeof(*a) + a->payload_len ||
		    a->category >= PYX_CAT__COUNT)
			break;
		printf("probe=%s pid=%u tid=%u id=%u len=%u claimed=%u flags=%u payload=",
		       category_names[a->category], hdr->pid, hdr->tid, a->event_id, a->payload_len,
		       a->claimed_len, hdr->flags);
		print_hex(a->payload, a->payload_len);
		putchar('\n');
		return 0;
	case PYX_REC_LIFECYCLE:
		if (size != sizeof(*lc))
			break;
		if (lc->kind == PYX_LC_HOOK_START)
			printf("probe=hook_start pid=%u tid=%u arg_pid=%u hexversion=0x%x delivery=%u "
			       "status=%d\n",
			       hdr->pid, hdr->tid, hdr->_pad0, lc->py_hexversion, lc->delivery,
			       lc->status);
		else
			printf("probe=hook_stop pid=%u tid=%u arg_pid=%u seen=%llu emitted=%llu\n",
			       hdr->pid, hdr->tid, hdr->_pad0, (unsigned long long)lc->events_seen,
			       (unsigned long long)lc->events_emitted);
		return 0;
	}
	fprintf(stderr, "pyxcheck-tap: malformed record: type %u, %zu bytes\n", hdr->type, size);
	return 0;
}

static int attach_probe(struct bpf_program *prog, struct bpf_link **link, const char *path,
			const char *provider, const char *name, long cookie)
{
	LIBBPF_OPTS(bpf_usdt_opts, opts, .usdt_cookie = cookie);
	int err;

	*link = bpf_program__attach_usdt(prog, -1, path, provider, name, &opts);
	if (!*link) {
		err = -errno;
		fprintf(stderr, "pyxcheck-tap: failed to attach %s:%s in %s: %s\n", provider, name,
			path, strerror(-err));
		return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_BINARIES * (PYX_CAT__COUNT + 2) + 1] = {};
	struct ring_buffer *rb = NULL;
	struct tap_bpf *skel = NULL;
	struct sigaction sa = {};
	int i, c, nlinks = 0, err;

	if (parse_args(argc, argv))
		return 2;
	if (!env.nbinaries)
		env.binaries[env.nbinaries++] = default_binary();

	if (geteuid() != 0) {
		fprintf(stderr, "pyxcheck-tap: must run as root (BPF and uprobes)\n");
		return 1;
	}
	for (i = 0; i < env.nbinaries; i++) {
		if (access(env.binaries[i], R_OK)) {
			fprintf(stderr, "pyxcheck-tap: cannot read %s: %s\n", env.binaries[i],
				strerror(errno));
			return 1;
		}
	}
	if (env.nop1_path && access(env.nop1_path, R_OK)) {
		fprintf(stderr, "pyxcheck-tap: cannot read %s: %s\n", env.nop1_path,
			strerror(errno));
		return 1;
	}

	libbpf_set_print(libbpf_print_fn);
	err = ensure_tracefs();
	if (err) {
		fprintf(stderr, "pyxcheck-tap: failed to mount tracefs on %s: %s\n", TRACEFS,
			strerror(-err));
		goto cleanup;
	}

	skel = tap_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "pyxcheck-tap: failed to load BPF programs: %s\n", strerror(-err));
		goto cleanup;
	}

	for (i = 0; i < env.nbinaries; i++) {
		for (c = 0; c < PYX_CAT__COUNT; c++) {
			if (!(env.categories & (1u << c)))
				continue;
			err = attach_probe(skel->progs.tap_audit, &links[nlinks++], env.binaries[i],
					   PYX_PROVIDER, category_names[c], c);
			if (err)
				goto cleanup;
		}
		if (!(env.categories & (1u << LC_CATEGORY)))
			continue;
		err = attach_probe(skel->progs.tap_hook_start, &links[nlinks++], env.binaries[i],
				   PYX_PROVIDER, "hook_start", 0);
		if (!err)
			err = attach_probe(skel->progs.tap_hook_stop, &links[nlinks++],
					   env.binaries[i], PYX_PROVIDER, "hook_stop", 0);
		if (err)
			goto cleanup;
	}
	if (env.nop1_path) {
		err = attach_probe(skel->progs.tap_nop1, &links[nlinks++], env.nop1_path,
				   env.nop1_provider, env.nop1_name, 0);
		if (err)
			goto cleanup;
	}

	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), handle_record, NULL, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "pyxcheck-tap: failed to create ring buffer: %s\n", strerror(-err));
		goto cleanup;
	}

	/* SA_RESTART: a signal that lands while a write to a full stdout pipe is blocked must not fail
	 * that write, or stdio drops the rest of its buffer and with it part of a line. The poll still
	 * ends at once: epoll_wait is never restarted after a handler (signal(7)). */
	sa.sa_handler = sig_handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fprintf(stderr, "ready\n");
	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR)
			continue;
		if (err < 0) {
			fprintf(stderr, "pyxcheck-tap: failed to poll ring buffer: %s\n",
				strerror(-err));
			goto cleanup;
		}
		/* Wake-ups are batched in BPF: collect what arrived without one. */
		ring_buffer__consume(rb);
		fflush(stdout);
	}

	/* Detach first so that nothing arrives after the final drain. */
	for (i = 0; i < nlinks; i++) {
		bpf_link__destroy(links[i]);
		links[i] = NULL;
	}
	err = ring_buffer__consume(rb);
	err = err < 0 ? err : 0;
	/* A reader must know when lines are missing: any failed write makes the exit status 1. */
	if (fflush(stdout) || ferror(stdout)) {
		err = errno ? -errno : -EIO;
		fprintf(stderr, "pyxcheck-tap: failed to write output: %s\n", strerror(-err));
	}
	fprintf(stderr, "pyxcheck-tap: %llu records, %llu lost, %llu unreadable payloads\n",
		env.records, (unsigned long long)skel->bss->lost_records,
		(unsigned long long)skel->bss->copy_failures);
	if (skel->bss->lost_records)
		fprintf(stderr, "pyxcheck-tap: records were dropped: the reader fell behind\n");
	if (env.nop1_path)
		fprintf(stderr, "pyxcheck-tap: nop1 hits=%llu\n",
			(unsigned long long)skel->bss->nop1_hits);

cleanup:
	ring_buffer__free(rb);
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	tap_bpf__destroy(skel);
	return err ? 1 : 0;
}
