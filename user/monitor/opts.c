// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_catalog.h"
#include "decode_syscall.h"
#include "opts.h"
#include "out_counts.h"
#include "version.h"

/* clang-format off */
static const char usage_text[] =
"Usage: pyxcheck [OPTIONS] [-- COMMAND [ARG...]]\n"
"\n"
"Show what Python processes say they do (audit events from the pyxcheck hook) next to what the\n"
"kernel sees them do (syscalls), in one timeline. Runs as root.\n"
"\n"
"  -- COMMAND        run COMMAND with the hook preloaded, once every probe is attached; follow it\n"
"                    and its descendants until all of them have exited; exit with its status\n"
"                    (128+N when killed by signal N)\n"
"  -p, --pid PID     monitor a running process and its future children (repeatable)\n"
"  -a, --all         monitor every process that carries the hook (default without -p/COMMAND)\n"
"  -e, --events LIST comma-separated: categories (file, network, process, ffi, code, import,\n"
"                    runtime, other), audit event globs (socket.*), `syscalls` for every syscall,\n"
"                    syscall:GLOB for some (syscall:open*); default: everything\n"
"  -j, --json        JSON Lines (docs/json-schema.md) instead of columns\n"
"  -o, --output FILE write to FILE (created 0600; never follows a symlink); SIGHUP reopens it\n"
"  -A, --append      append to FILE instead of truncating it\n"
"      --metrics FILE\n"
"                    write counters in the Prometheus text format to FILE every 10 s\n"
"      --metrics-interval MS\n"
"                    how often --metrics is written (default 10000)\n"
"      --syslog ADDR also send each record as an RFC 5424 message (JSON as MSG, needs -j):\n"
"                    unix:/dev/log, udp:HOST:PORT, tcp:HOST:PORT (octet-counted framing)\n"
"      --syslog-buffer BYTES\n"
"                    records held while the relay is away (default 16M); past it: lost\n"
"      --summary     print counts per event and syscall, and losses, at exit\n"
"  -c, --summary-only\n"
"                    strace -c for Python: instead of the records, tables at exit of the kernel\n"
"                    time (% time, seconds, usecs/call, calls, errors) per audit event and per\n"
"                    syscall, per process, per source line, and the slowest audit events\n"
"  -C, --summary-also\n"
"                    the records as usual, and those tables on stderr at exit\n"
"  -S, --summary-sort KEY\n"
"                    sort the tables by time (default), calls, errors or name\n"
"      --trace-out FILE.json\n"
"                    also write a Chrome trace-event file for Perfetto / chrome://tracing\n"
"      --html FILE   also write a self-contained HTML report: findings, tables, timelines\n"
"  -r, --read FILE   replay a capture made with -j --raw -o FILE: correlate, show and sum it up\n"
"                    again, as tcpdump -r does (no root, no BPF)\n"
"      --raw         with -j: each record also carries its ring-buffer bytes (\"raw\"), for -r\n"
"      --ringbuf-size BYTES\n"
"                    ring buffer size: a power of two, at least 4096 (K, M suffixes accepted)\n"
"      --queue-size BYTES\n"
"                    output queue: records waiting for a slow reader, at most this many bytes\n"
"                    (a power of two, default 256M); beyond it records are dropped and reported\n"
"      --no-stack-dump\n"
"                    do not copy the top of the user stack of sensitive syscalls: findings\n"
"                    then carry the frame-pointer stack only (docs/correlation.md)\n"
"      --wait-detach exit only once every probe is detached (takes seconds: by default a\n"
"                    background process detaches them after the exit status is handed back)\n"
"  -T                show the time spent in each syscall, <seconds>, as strace -T\n"
"      --wide        never cut lines to the terminal width (or COLUMNS)\n"
"      --color WHEN  auto (a terminal, unless NO_COLOR is set), always or never\n"
"      --skip-startup\n"
"                    hide each Python's own start-up, until its main module runs (counted)\n"
"      --python-only show only processes that carry the hook\n"
"  -n, --comm COMM   show only processes whose name contains COMM\n"
"  -u, --uid UID     show only processes of user UID\n"
"      --findings    show only alarms (unaudited, mismatch, changed, blind spots, alerts) and\n"
"                    losses; every probe is attached and correlated, -e only filters\n"
"      --syscall-probes MODE\n"
"                    raw: two raw tracepoints for every traced syscall, quick to attach and\n"
"                    detach but dearer for every other process while attached; per-syscall: one\n"
"                    tracepoint per syscall side; auto (default): raw with COMMAND, else\n"
"                    per-syscall (docs/benchmarks.md)\n"
"  -v, --verbose     libbpf debug output and progress on stderr\n"
"  -h, --help        this text\n"
"  -V, --version     version\n"
"\n"
"Signals: SIGHUP reopens -o FILE (after logrotate moved it); SIGUSR1 writes a stats record.\n"
"\n"
"Exit status: COMMAND's status; 0 when stopped by SIGINT/SIGTERM; 1 on a runtime error (not\n"
"root, no BPF, no BTF, hook library missing, output not writable, a write failed); 2 on bad\n"
"usage; 3 when records were lost or throttled (and COMMAND, if any, exited 0): stderr says\n"
"how many.\n"
"\n"
"EXAMPLES\n"
"  pyxcheck -- python3 script.py              run a script, show its events and syscalls\n"
"  pyxcheck -j -o trace.jsonl -- python3 -m pip list\n"
"                                             JSON Lines to a file\n"
"  pyxcheck -e file,socket.* -p 1234          file events and socket.* events of pid 1234\n"
"  pyxcheck -e network,syscall:connect        network audit events and connect(2) calls\n"
"  pyxcheck -c -- python3 script.py           where the script spends its system time\n"
"  pyxcheck -r cap.jsonl --summary            replay a capture made with -j --raw -o cap.jsonl\n"
"  pyxcheck -a -j -A -o /var/log/pyxcheck/events.jsonl --syslog tcp:relay:514\n"
"                                             the host service, shipping to a relay\n";
/* clang-format on */

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pyxcheck: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see pyxcheck --help)\n");
}

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

static int parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -EINVAL;
	if (*end == 'K' || *end == 'k') {
		v <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		v <<= 20;
		end++;
	}
	if (*end || v < 4096 || v > (1ULL << 30) || (v & (v - 1)))
		return -EINVAL;
	*out = v;
	return 0;
}

static int add_event_item(struct pyx_opts *o, char *item)
{
	unsigned int i, matched = 0;
	int cat;

	if (!*item)
		return -EINVAL;
	if (!strcmp(item, "syscalls") || !strcmp(item, "syscall")) {
		o->syscalls = true;
		for (i = 0; i < PYX_SC__COUNT; i++)
			o->sc_show[i] = true;
		return 0;
	}
	if (!strncmp(item, "syscall:", 8)) {
		for (i = 0; i < PYX_SC__COUNT; i++) {
			if (pyx_sc_name(i) && !fnmatch(item + 8, pyx_sc_name(i), 0)) {
				o->sc_show[i] = true;
				matched++;
			}
		}
		if (!matched)
			return -ENOENT;
		o->syscalls = true;
		return 0;
	}
	cat = pyx_cat_category_find(item);
	if (cat >= 0) {
		o->category_mask |= 1u << cat;
		o->category_show |= 1u << cat;
		return 0;
	}
	/* an event glob: attach the probes of the catalogue events it matches, and "other", where
	 * events outside the catalogue (an application's own sys.audit names) arrive */
	if (o->nglobs == PYX_MAX_GLOBS)
		return -E2BIG;
	o->globs[o->nglobs++] = item;
	for (i = 0; i < pyx_cat_count(); i++)
		if (!fnmatch(item, pyx_cat_event(i)->name, 0))
			o->category_mask |= 1u << pyx_cat_event(i)->category;
	o->category_mask |= 1u << PYX_CAT_OTHER;
	return 0;
}

static int parse_events(struct pyx_opts *o, char *list)
{
	char *save = NULL, *item;
	int err;

	o->events_given = true;
	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		err = add_event_item(o, item);
		if (err == -ENOENT) {
			usage_error("-e: no traced syscall matches '%s'", item);
			return -EINVAL;
		}
		if (err) {
			usage_error("-e: bad item '%s'", item);
			return -EINVAL;
		}
	}
	if (!o->category_mask && !o->syscalls) {
		usage_error("-e: empty list%s", "");
		return -EINVAL;
	}
	return 0;
}

enum {
	OPT_SUMMARY = 0x100,
	OPT_RINGBUF,
	OPT_METRICS,
	OPT_METRICS_INTERVAL,
	OPT_SYSLOG,
	OPT_SYSLOG_BUFFER,
	OPT_WAIT_DETACH,
	OPT_QUEUE,
	OPT_TRACE_OUT,
	OPT_HTML,
	OPT_NO_STACK_DUMP,
	OPT_SC_PROBES,
	OPT_RAW,
	/* the live view */
	OPT_WIDE = 0x180,
	OPT_COLOR,
	OPT_SKIP_STARTUP,
	OPT_PYTHON_ONLY,
	OPT_FINDINGS
};

/* Options of the live view (docs/views.md); 1: handled, 0: not one of them, -EINVAL. */
static int parse_view_opt(struct pyx_opts *o, int c, const char *arg)
{
	char *end;
	long v;

	switch (c) {
	case 'T':
		o->durations = true;
		return 1;
	case OPT_WIDE:
		o->wide = true;
		return 1;
	case OPT_COLOR:
		if (!strcmp(arg, "auto"))
			o->color = PYX_COLOR_AUTO;
		else if (!strcmp(arg, "always"))
			o->color = PYX_COLOR_ALWAYS;
		else if (!strcmp(arg, "never"))
			o->color = PYX_COLOR_NEVER;
		else {
			usage_error("--color: '%s' is not auto, always or never", arg);
			return -EINVAL;
		}
		return 1;
	case OPT_SKIP_STARTUP:
		o->skip_startup = true;
		return 1;
	case OPT_PYTHON_ONLY:
		o->python_only = true;
		return 1;
	case OPT_FINDINGS:
		o->findings = true;
		return 1;
	case 'n':
		if (!*arg || strlen(arg) >= 16) {
			usage_error("-n: '%s' is not a process name (1 to 15 bytes)", arg);
			return -EINVAL;
		}
		o->comm = arg;
		return 1;
	case 'u':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || v > (long)UINT32_MAX - 1) {
			usage_error("-u: bad uid '%s'", arg);
			return -EINVAL;
		}
		o->uid_set = true;
		o->uid = (uint32_t)v;
		return 1;
	}
	return 0;
}

int pyx_opts_parse(struct pyx_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "events", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
		{ "append", no_argument, NULL, 'A' },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL },
		{ "syslog", required_argument, NULL, OPT_SYSLOG },
		{ "syslog-buffer", required_argument, NULL, OPT_SYSLOG_BUFFER },
		{ "wait-detach", no_argument, NULL, OPT_WAIT_DETACH },
		{ "no-stack-dump", no_argument, NULL, OPT_NO_STACK_DUMP },
		{ "queue-size", required_argument, NULL, OPT_QUEUE },
		{ "summary-only", no_argument, NULL, 'c' },
		{ "summary-also", no_argument, NULL, 'C' },
		{ "summary-sort", required_argument, NULL, 'S' },
		{ "trace-out", required_argument, NULL, OPT_TRACE_OUT },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "wide", no_argument, NULL, OPT_WIDE },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "skip-startup", no_argument, NULL, OPT_SKIP_STARTUP },
		{ "python-only", no_argument, NULL, OPT_PYTHON_ONLY },
		{ "findings", no_argument, NULL, OPT_FINDINGS },
		{ "comm", required_argument, NULL, 'n' },
		{ "uid", required_argument, NULL, 'u' },
		{ "syscall-probes", required_argument, NULL, OPT_SC_PROBES },
		{ "read", required_argument, NULL, 'r' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	bool all = false;
	unsigned int i;
	int c;

	memset(o, 0, sizeof(*o));
	o->metrics_interval_ms = 10000;
	o->syslog_buffer = 16u << 20;
	opterr = 0;
	/* "+": stop at the first non-option, so COMMAND's own options are left alone */
	while ((c = getopt_long(argc, argv, "+:p:ae:jo:AvhVcCS:Tn:u:r:", longopts, NULL)) != -1) {
		int vo = c == ':' || c == '?' ? 0 : parse_view_opt(o, c, optarg);

		if (vo < 0)
			return -EINVAL;
		if (vo)
			continue;
		switch (c) {
		case 'p':
			if (o->npids == PYX_MAX_PIDS) {
				usage_error("too many -p (at most %s)", "64");
				return -EINVAL;
			}
			if (parse_pid(optarg, &o->pids[o->npids])) {
				usage_error("-p: bad pid '%s'", optarg);
				return -EINVAL;
			}
			o->npids++;
			break;
		case 'a':
			all = true;
			break;
		case 'e':
			if (parse_events(o, optarg))
				return -EINVAL;
			break;
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_RINGBUF:
			if (parse_size(optarg, &o->ringbuf_size)) {
				usage_error(
					"--ringbuf-size: '%s' is not a power of two between 4096 "
					"and 1G",
					optarg);
				return -EINVAL;
			}
			break;
		case 'A':
			o->append = true;
			break;
		case OPT_NO_STACK_DUMP:
			o->no_stack_dump = true;
			break;
		case OPT_METRICS:
			o->metrics = optarg;
			break;
		case OPT_METRICS_INTERVAL: {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 10 || v > 3600000) {
				usage_error(
					"--metrics-interval: '%s' is not a number of ms between 10 "
					"and 3600000",
					optarg);
				return -EINVAL;
			}
			o->metrics_interval_ms = (unsigned int)v;
			break;
		}
		case OPT_SYSLOG:
			if (strncmp(optarg, "unix:", 5) && strncmp(optarg, "udp:", 4) &&
			    strncmp(optarg, "tcp:", 4)) {
				usage_error(
					"--syslog: '%s' is not unix:PATH, udp:HOST:PORT or "
					"tcp:HOST:PORT",
					optarg);
				return -EINVAL;
			}
			o->syslog = optarg;
			break;
		case OPT_SYSLOG_BUFFER: {
			unsigned long long v;
			char *end;

			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (!errno && end != optarg && (*end == 'K' || *end == 'k'))
				v <<= 10, end++;
			else if (!errno && end != optarg && (*end == 'M' || *end == 'm'))
				v <<= 20, end++;
			if (errno || end == optarg || *end || optarg[0] == '-' || v < 1 ||
			    v > (1ULL << 32)) {
				usage_error("--syslog-buffer: '%s' is not a size between 1 and 4G",
					    optarg);
				return -EINVAL;
			}
			o->syslog_buffer = (size_t)v;
			break;
		}
		case OPT_QUEUE:
			if (parse_size(optarg, &o->queue_size)) {
				usage_error(
					"--queue-size: '%s' is not a power of two between 4096 "
					"and 1G",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_WAIT_DETACH:
			o->wait_detach = true;
			break;
		case 'c':
			o->table_only = true;
			break;
		case 'C':
			o->table_also = true;
			break;
		case 'S':
			o->table_sort = pyx_sum_sort_parse(optarg);
			if (o->table_sort < 0) {
				usage_error("-S: '%s' is not time, calls, errors or name", optarg);
				return -EINVAL;
			}
			break;
		case OPT_TRACE_OUT:
			o->trace_out = optarg;
			break;
		case OPT_HTML:
			o->html = optarg;
			break;
		case OPT_SC_PROBES:
			if (!strcmp(optarg, "auto")) {
				o->sc_probes = PYX_SCP_AUTO;
			} else if (!strcmp(optarg, "raw")) {
				o->sc_probes = PYX_SCP_RAW;
			} else if (!strcmp(optarg, "per-syscall")) {
				o->sc_probes = PYX_SCP_PER_SYSCALL;
			} else {
				usage_error(
					"--syscall-probes: '%s' is not raw, per-syscall or "
					"auto",
					optarg);
				return -EINVAL;
			}
			break;
		case 'r':
			o->replay = optarg;
			break;
		case OPT_RAW:
			o->raw = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return PYX_OPTS_EXIT;
		case 'V':
			printf("pyxcheck %s (payload v%d)\n", PYX_VERSION, PYX_PAYLOAD_VERSION);
			return PYX_OPTS_EXIT;
		case ':':
			usage_error("option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		/* COMMAND must come after "--", so that a typo is not run as a command */
		if (strcmp(argv[optind - 1], "--")) {
			usage_error("unexpected argument '%s': put COMMAND after --", argv[optind]);
			return -EINVAL;
		}
		o->command = &argv[optind];
	}
	if (o->command && (o->npids || all)) {
		usage_error("%s", "COMMAND cannot be combined with -p or -a");
		return -EINVAL;
	}
	if (all && o->npids) {
		usage_error("%s", "-a and -p exclude each other");
		return -EINVAL;
	}
	if (o->append && !o->output) {
		usage_error("%s", "-A needs -o FILE");
		return -EINVAL;
	}
	if (o->syslog && !o->json) {
		usage_error("%s", "--syslog sends JSON records: add -j");
		return -EINVAL;
	}
	if (o->replay && (o->command || o->npids || all || o->append || o->syslog || o->raw)) {
		usage_error("%s",
			    "-r replays a capture: no COMMAND, -p, -a, -A, --syslog or --raw");
		return -EINVAL;
	}
	if (o->raw && !o->json) {
		usage_error("%s", "--raw adds a field to JSON records: add -j");
		return -EINVAL;
	}
	if (o->table_only && (o->json || o->table_also)) {
		usage_error("%s", "-c prints tables instead of records: not with -j or -C");
		return -EINVAL;
	}
	o->all = !o->command && !o->npids && !o->replay;
	if (o->findings && o->events_given) {
		/* -e filters what is shown; correlation needs every probe attached */
		o->category_mask = (1u << PYX_CAT__COUNT) - 1;
		if (!o->syscalls)
			for (i = 0; i < PYX_SC__COUNT; i++)
				o->sc_show[i] = true;
		o->syscalls = true;
	}
	if (!o->events_given) {
		o->category_mask = o->category_show = (1u << PYX_CAT__COUNT) - 1;
		o->syscalls = true;
		for (i = 0; i < PYX_SC__COUNT; i++)
			o->sc_show[i] = true;
	}
	return PYX_OPTS_OK;
}

bool pyx_opts_want_event(const struct pyx_opts *o, const char *name, unsigned int category)
{
	unsigned int i;

	if (pyx_opts_want_category(o, category))
		return true;
	for (i = 0; i < o->nglobs; i++)
		if (!fnmatch(o->globs[i], name, 0))
			return true;
	return false;
}
