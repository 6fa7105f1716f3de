// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyx-bpfdrv: the loader and the decoder without the CLI, for tests/test_bpf_*.py. It loads and
 * attaches through capture_loader.h, starts COMMAND stopped on a pipe, adds it to the monitored
 * set, lets
 * it run, and prints every syscall, process and lost record as one JSON line (strings escaped
 * \\uXXXX for anything outside printable ASCII). With --ids FILE it writes the ids of its loaded
 * BPF programs there once everything is attached.
 *
 *   pyx-bpfdrv [--hook PATH]... [--ids FILE] [--no-syscalls] [--all] [--ringbuf BYTES]
 *              [--stall-ms MS] [--no-fair-share] -- COMMAND [ARG...]
 *
 * --all: "all" mode, COMMAND is not added (it joins by firing a probe); --stall-ms: do not read the
 * ring for MS milliseconds after COMMAND starts (to make the BPF side lose records);
 * --no-fair-share: a lone flooding uid fills the ring and loses records instead of being throttled.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "capture_loader.h"
#include "decode_syscall.h"

static void put_str(const char *s, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_sa(const struct pyx_sockaddr_view *sa)
{
	printf("{\"family\":%d", sa->family);
	if (sa->decoded && (sa->family == 2 || sa->family == 10))
		printf(",\"addr\":\"%s\",\"port\":%u", sa->addr, sa->port);
	if (sa->decoded && sa->family == 1) {
		printf(",\"abstract\":%s,\"unnamed\":%s,\"path\":", sa->abstract ? "true" : "false",
		       sa->unnamed ? "true" : "false");
		put_str((const char *)sa->unix_path, sa->unix_len);
	}
	printf("}");
}

static void put_arg(const struct pyx_sysarg *a)
{
	char text[256];
	uint32_t k;

	if (pyx_argk_has_data(a->kind)) {
		if (!a->present) {
			printf("{\"ptr\":%llu,\"null\":%s,\"fault\":%s}",
			       (unsigned long long)a->raw, a->null ? "true" : "false",
			       a->fault ? "true" : "false");
			return;
		}
		switch (a->kind) {
		case PYX_AK_PATH:
			put_str(a->u.path.str, a->u.path.len);
			return;
		case PYX_AK_SOCKADDR:
		case PYX_AK_MSGHDR:
			put_sa(&a->u.sa);
			return;
		case PYX_AK_SOCKLEN_PTR:
			printf("%u", a->u.socklen);
			return;
		case PYX_AK_ARGV:
			printf("[");
			for (k = 0; k < a->u.argv.count; k++) {
				printf(k ? "," : "");
				put_str(a->u.argv.items[k], strlen(a->u.argv.items[k]));
			}
			printf("]");
			return;
		case PYX_AK_BUF:
			put_str((const char *)a->u.buf.bytes, a->u.buf.len);
			return;
		default:
			printf("%llu", (unsigned long long)a->raw);
			return;
		}
	}
	if (pyx_fmt_arg(a->kind, a->raw, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "%llu", (unsigned long long)a->raw);
	put_str(text, strlen(text));
}

static int on_record(void *ctx, const void *rec, size_t size)
{
	const struct pyx_rec_hdr *h = rec;
	struct pyx_sysview sv;
	struct pyx_procview pv;
	unsigned int i;

	printf("{\"pid\":%u,\"tid\":%u,\"comm\":", h->pid, h->tid);
	put_str(h->comm, strnlen(h->comm, sizeof(h->comm)));
	switch (h->type) {
	case PYX_REC_SYSCALL:
		if (pyx_sysrec_decode(rec, size, &sv)) {
			const struct pyx_rec_syscall *r = rec;

			printf(",\"type\":\"malformed\",\"sc\":%u,\"size\":%zu}\n", r->sc, size);
			return 0;
		}
		printf(",\"type\":\"syscall\",\"syscall\":\"%s\",\"ret\":%lld,\"errno\":", sv.name,
		       (long long)sv.ret);
		if (sv.err && pyx_errno_name(sv.err))
			printf("\"%s\"", pyx_errno_name(sv.err));
		else
			printf("null");
		printf(",\"args\":{");
		for (i = 0; i < sv.nargs; i++) {
			printf("%s\"%s\":", i ? "," : "", sv.args[i].name);
			put_arg(&sv.args[i]);
		}
		printf("}");
		/* the user stack trailer: frames, and whether a stack dump was taken */
		if (sv.nustack)
			printf(",\"ustack_frames\":%u,\"ustack_dump\":%s", sv.nustack,
			       sv.ustack_dump ? "true" : "false");
		printf("}\n");
		break;
	case PYX_REC_PROCESS:
		if (pyx_procrec_decode(rec, size, &pv)) {
			printf(",\"type\":\"malformed\"}\n");
			return 0;
		}
		printf(",\"type\":\"process\",\"kind\":%d,\"ppid\":%u,\"child_pid\":%u,\"thread\":%s,"
		       "\"exit_code\":%d,\"filename\":",
		       pv.kind, pv.ppid, pv.child_pid, pv.thread ? "true" : "false", pv.exit_code);
		if (pv.filename)
			put_str(pv.filename, pv.filename_len);
		else
			printf("null");
		printf("}\n");
		break;
	case PYX_REC_LOST: {
		const struct pyx_rec_lost *l = rec;

		printf(",\"type\":\"lost\",\"stream\":%u,\"count\":%llu}\n", l->stream,
		       (unsigned long long)l->count);
		break;
	}
	case PYX_REC_AUDIT: {
		const struct pyx_rec_audit *a = rec;
		struct pyx_payload_hdr ph = { 0 };

		if (size < sizeof(*a) || size != sizeof(*a) + a->payload_len) {
			printf(",\"type\":\"malformed\"}\n");
			return 0;
		}
		if (a->payload_len >= sizeof(ph))
			memcpy(&ph, a->payload, sizeof(ph));
		printf(",\"type\":\"audit\",\"event_id\":%u,\"category\":%u,\"claimed_len\":%u,"
		       "\"payload_len\":%u,\"flags\":%u,\"magic\":%u,\"pl_event_id\":%u,"
		       "\"pl_len\":%u,\"seq\":%llu}\n",
		       a->event_id, a->category, a->claimed_len, a->payload_len, h->flags, ph.magic,
		       ph.event_id, ph.len, (unsigned long long)ph.seq);
		break;
	}
	case PYX_REC_LIFECYCLE: {
		const struct pyx_rec_lifecycle *l = rec;

		printf(",\"type\":\"lifecycle\",\"kind\":%u,\"hexversion\":%u,\"delivery\":%u,"
		       "\"status\":%d,\"seen\":%llu,\"emitted\":%llu}\n",
		       l->kind, l->py_hexversion, l->delivery, l->status,
		       (unsigned long long)l->events_seen, (unsigned long long)l->events_emitted);
		break;
	}
	default:
		printf(",\"type\":\"other\",\"rectype\":%u}\n", h->type);
		break;
	}
	return 0;
}

/* ids of our BPF programs, from our own fd table (/proc/self/fdinfo has prog_id for prog fds). */
static int write_own_ids(const char *path)
{
	FILE *out = fopen(path, "w");
	char name[64], line[128];
	int fd;

	if (!out)
		return -errno;
	for (fd = 0; fd < 4096; fd++) {
		FILE *f;

		snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
		f = fopen(name, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned int id;

			if (sscanf(line, "prog_id: %u", &id) == 1)
				fprintf(out, "%u\n", id);
		}
		fclose(f);
	}
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	const char *hooks[16] = { NULL };
	struct pyx_loader_opts opts = { .category_mask = ~0u, .syscalls = true };
	struct pyx_loader *ld = NULL;
	const char *ids = NULL;
	int stall_ms = 0;
	int i, nh = 0, go[2], status = 0, err;
	uint64_t lost[PYX_STREAM__COUNT];
	pid_t child;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hook") && i + 1 < argc && nh < 15)
			hooks[nh++] = argv[++i];
		else if (!strcmp(argv[i], "--ids") && i + 1 < argc)
			ids = argv[++i];
		else if (!strcmp(argv[i], "--no-syscalls"))
			opts.syscalls = false;
		else if (!strcmp(argv[i], "--all"))
			opts.all = true;
		else if (!strcmp(argv[i], "--raw-syscalls"))
			opts.raw_syscalls = true;
		else if (!strcmp(argv[i], "--ringbuf") && i + 1 < argc)
			opts.ringbuf_size = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--stall-ms") && i + 1 < argc)
			stall_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-fair-share"))
			opts.no_fair_share = true;
		else if (!strcmp(argv[i], "-v"))
			opts.verbose = true;
		else if (!strcmp(argv[i], "--"))
			break;
		else
			return fprintf(stderr,
				       "usage: pyx-bpfdrv [--hook PATH]... [--ids FILE] -- CMD\n"),
			       2;
	}
	if (i + 1 >= argc)
		return fprintf(stderr, "pyx-bpfdrv: no command\n"), 2;
	opts.hook_paths = hooks;

	err = pyx_loader_open(&ld, &opts);
	if (err)
		return 1;
	if (ids && write_own_ids(ids))
		goto fail;
	if (pipe(go))
		goto fail;
	child = fork();
	if (child < 0)
		goto fail;
	if (child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		close(go[0]);
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	close(go[0]);
	fprintf(stderr, "child: %d\n", (int)child);
	err = opts.all ? 0 : pyx_loader_add_pid(ld, child);
	if (err) {
		fprintf(stderr, "failed to monitor %d: %s\n", child, strerror(-err));
		kill(child, SIGKILL);
	}
	if (write(go[1], "g", 1) != 1)
		goto fail;
	close(go[1]);
	if (stall_ms)
		usleep(stall_ms * 1000);
	for (;;) {
		pid_t w = waitpid(child, &status, WNOHANG);

		if (pyx_loader_poll(ld, 50, on_record, NULL) < 0)
			break;
		if (w == child)
			break;
	}
	/* drain: records committed before the child was reaped */
	while (pyx_loader_poll(ld, 0, on_record, NULL) > 0)
		;
	if (!pyx_loader_lost(ld, lost))
		fprintf(stderr, "lost: %llu %llu %llu\n", (unsigned long long)lost[0],
			(unsigned long long)lost[1], (unsigned long long)lost[2]);
	fflush(stdout);
	pyx_loader_destroy(ld);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
fail:
	fprintf(stderr, "pyx-bpfdrv: %s\n", strerror(errno));
	pyx_loader_destroy(ld);
	return 1;
}
