// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the correlator on hand-built ring-buffer records: each scenario feeds records in
 * ring order and compares the transcript of emitted items with the exact expected text. Run by
 * tests/test_corr_unit.py; prints "all N checks passed" and exits 0, or shows the first differing
 * transcript and exits 1. argv[1] is a scratch directory (a fake /proc lives there).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/netlink.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"
#include "correlate.h"
#include "decode_catalog.h"
#include "decode_syscall.h"

static int checks;
static char procfs[512];
static char resolv_conf[600]; /* t_resolver_pre's /etc/resolv.conf */

/* ---- transcript ---- */

static char out[65536];
static size_t outlen;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outlen += vsnprintf(out + outlen, sizeof(out) - outlen, fmt, ap);
	va_end(ap);
}

static const char *vname(enum pyx_corr_verdict v)
{
	return pyx_corr_verdict_name(v) ? pyx_corr_verdict_name(v) : "-";
}

/* the frame of an unaudited syscall's context too (t_claim_keep) */
static bool show_frame;
/* the reason of an unaudited or indeterminate syscall too (t_resolver_pre) */
static bool show_why;
/* the function of the audit records built next (the file is "evil.py") */
static const char *cur_func = "main";
static const char *cur_file = "evil.py"; /* ... and their file */

static int on_item(void *ctx, const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = it->rec;
	unsigned int i;

	if (it->kind == PYX_CI_BLIND_SPOT) {
		say("B %u %s (%s)", it->blind->pid, it->blind->exe, it->blind->why);
		for (i = 0; i < it->blind->argc; i++)
			say(" %s", it->blind->argv[i]);
		say("\n");
		return 0;
	}
	switch (h->type) {
	case PYX_REC_AUDIT: {
		const struct pyx_rec_audit *a = it->rec;
		const uint8_t *p = a->payload + sizeof(struct pyx_payload_hdr);
		uint32_t n;

		memcpy(&n, p + 1, 4);
		say("A %u %.*s %s", h->tid, (int)n, (const char *)p + 5, vname(it->verdict));
		if (it->nsyscalls) {
			say(" [");
			for (i = 0; i < it->nsyscalls; i++) {
				struct pyx_sysview sv;

				if (pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size,
						      &sv))
					say("?");
				else
					say("%s%s%s", i ? "," : "",
					    it->syscalls[i].child ? "child:" : "", sv.name);
			}
			say("]");
		}
		if (it->why && it->verdict != PYX_V_MATCHED)
			say(" (%s)", it->why);
		say("\n");
		break;
	}
	case PYX_REC_SYSCALL: {
		struct pyx_sysview sv;

		if (pyx_sysrec_decode(it->rec, it->size, &sv)) {
			say("S ? malformed\n");
			break;
		}
		say("S %u %s %s", h->tid, sv.name, vname(it->verdict));
		if (it->verdict == PYX_V_UNAUDITED)
			say(" after %s", it->context->has_event ? it->context->event : "nothing");
		if (it->verdict == PYX_V_UNAUDITED && show_frame)
			say(" in %s:%s", it->context->file, it->context->function);
		if (show_why && it->why)
			say(" (%s)", it->why);
		say("\n");
		break;
	}
	case PYX_REC_PROCESS:
		say("P %u %u\n", h->tid, ((const struct pyx_rec_process *)it->rec)->kind);
		break;
	case PYX_REC_LIFECYCLE:
		say("L %u\n", h->pid);
		break;
	case PYX_REC_LOST:
		say("X\n");
		break;
	case PYX_REC_THROTTLED:
		say("T %u\n", ((const struct pyx_rec_throttled *)it->rec)->uid);
		break;
	default:
		say("?\n");
	}
	return 0;
}

/* ---- records ---- */

static uint64_t now = 1000000;
static uint8_t rbuf[16384];
static uint32_t cur_uid;    /* the uid of the records built next */
static uint16_t cur_hflags; /* PYX_HDRF_* of the next record built (then cleared) */

static void hdr(struct pyx_rec_hdr *h, unsigned int type, uint32_t pid, uint32_t tid)
{
	memset(h, 0, sizeof(*h));
	h->flags = cur_hflags;
	cur_hflags = 0;
	h->type = type;
	h->pid = pid;
	h->tid = tid;
	h->uid = cur_uid;
	h->ts_ns = (now += 1000);
	snprintf(h->comm, sizeof(h->comm), "python3");
}

/* Payload values from a tiny format: s str, y bytes, i int, n None, L list of strs (count then
 * strings), T (host, port) tuple, O socket object with fd, X object without a value. */
static size_t put_str(uint8_t *p, unsigned int tag, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	p[0] = tag;
	memcpy(p + 1, &len, 4);
	memcpy(p + 5, s, n);
	return 5 + n;
}

static size_t put_int(uint8_t *p, int64_t v)
{
	p[0] = PYX_TAG_INT;
	memcpy(p + 1, &v, 8);
	return 9;
}

/* an object of class "P" (an int subclass) with its base value, as the hook writes one */
static size_t put_int_sub(uint8_t *p, int64_t v)
{
	size_t off = 0;

	p[off++] = PYX_TAG_OBJECT;
	p[off++] = 1;
	p[off++] = 'P';
	p[off++] = 1;
	p[off++] = 5;
	memcpy(p + off, "value", 5);
	off += 5;
	return off + put_int(p + off, v);
}

static size_t put_vals(uint8_t *p, const char *fmt, va_list ap, unsigned int *nargs)
{
	size_t off = 0;
	uint32_t cnt;
	const char *s;

	for (; *fmt; fmt++, (*nargs)++) {
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			off += put_str(p + off, PYX_TAG_STR, s, strlen(s));
			break;
		case 'y':
			s = va_arg(ap, const char *);
			off += put_str(p + off, PYX_TAG_BYTES, s, strlen(s));
			break;
		case 'i':
			off += put_int(p + off, va_arg(ap, int64_t));
			break;
		case 'n':
			p[off++] = PYX_TAG_NONE;
			break;
		case 'L':
			cnt = va_arg(ap, unsigned int);
			p[off++] = PYX_TAG_LIST;
			memcpy(p + off, &cnt, 4);
			off += 4;
			while (cnt--) {
				s = va_arg(ap, const char *);
				off += put_str(p + off, PYX_TAG_STR, s, strlen(s));
			}
			break;
		case 'T':
			cnt = 2;
			p[off++] = PYX_TAG_TUPLE;
			memcpy(p + off, &cnt, 4);
			off += 4;
			s = va_arg(ap, const char *);
			off += put_str(p + off, PYX_TAG_STR, s, strlen(s));
			off += put_int(p + off, va_arg(ap, int64_t));
			break;
		case 'X': /* an object the hook wrote without a value (a released memoryview) */
			p[off++] = PYX_TAG_OBJECT | PYX_TAG_TRUNCATED;
			p[off++] = 10;
			memcpy(p + off, "memoryview", 10);
			off += 10;
			p[off++] = 0;
			break;
		case 'Y': /* [an object the hook wrote without a value] */
			cnt = 1;
			p[off++] = PYX_TAG_LIST;
			memcpy(p + off, &cnt, 4);
			off += 4;
			p[off++] = PYX_TAG_OBJECT;
			p[off++] = 6;
			memcpy(p + off, "object", 6);
			off += 6;
			p[off++] = 0;
			break;
		case 'P': /* an int subclass: the hook writes its base value as "value" */
			off += put_int_sub(p + off, va_arg(ap, int64_t));
			break;
		case 'Q': /* (str, an int subclass): socket.connect(("h", P(9))) */
			cnt = 2;
			p[off++] = PYX_TAG_TUPLE;
			memcpy(p + off, &cnt, 4);
			off += 4;
			s = va_arg(ap, const char *);
			off += put_str(p + off, PYX_TAG_STR, s, strlen(s));
			off += put_int_sub(p + off, va_arg(ap, int64_t));
			break;
		case 'C': /* (str,): an AF_CAN address ("can0",) */
			cnt = 1;
			p[off++] = PYX_TAG_TUPLE;
			memcpy(p + off, &cnt, 4);
			off += 4;
			s = va_arg(ap, const char *);
			off += put_str(p + off, PYX_TAG_STR, s, strlen(s));
			break;
		case 'N': /* (int, int): an AF_NETLINK address (pid, groups) */
			cnt = 2;
			p[off++] = PYX_TAG_TUPLE;
			memcpy(p + off, &cnt, 4);
			off += 4;
			off += put_int(p + off, va_arg(ap, int64_t));
			off += put_int(p + off, va_arg(ap, int64_t));
			break;
		case 'O': {
			int64_t fd = va_arg(ap, int64_t);

			p[off++] = PYX_TAG_OBJECT;
			p[off++] = 6;
			memcpy(p + off, "socket", 6);
			off += 6;
			p[off++] = 1;
			p[off++] = 2;
			memcpy(p + off, "fd", 2);
			off += 2;
			off += put_int(p + off, fd);
			break;
		}
		default:
			abort();
		}
	}
	return off;
}

static struct pyx_corr *C;

static void feed(const void *rec)
{
	int err = pyx_corr_record(C, rec, ((const struct pyx_rec_hdr *)rec)->size);

	if (err) {
		fprintf(stderr, "FAIL: pyx_corr_record: %d\n", err);
		exit(1);
	}
}

/* audit(pid, tid, event id, "name", fmt, args...) */
static void audit(uint32_t pid, uint32_t tid, unsigned int id, const char *name, const char *fmt,
		  ...)
{
	struct pyx_rec_audit *a = (void *)rbuf;
	struct pyx_payload_hdr ph = { 0 };
	uint8_t *p = a->payload;
	unsigned int nargs = 0;
	size_t off = sizeof(ph);
	va_list ap;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&a->hdr, PYX_REC_AUDIT, pid, tid);
	off += put_str(p + off, PYX_TAG_STR, name, strlen(name));
	off += put_str(p + off, PYX_TAG_STR, cur_file, strlen(cur_file));
	off += put_str(p + off, PYX_TAG_STR, cur_func, strlen(cur_func));
	va_start(ap, fmt);
	off += put_vals(p + off, fmt, ap, &nargs);
	va_end(ap);
	ph.magic = PYX_PAYLOAD_MAGIC;
	ph.version = PYX_PAYLOAD_VERSION;
	ph.event_id = id;
	ph.nargs = nargs;
	ph.len = off;
	ph.line = 12;
	ph.seq = 1;
	memcpy(p, &ph, sizeof(ph));
	a->event_id = id;
	a->category = pyx_cat_event(id) ? pyx_cat_event(id)->category : PYX_CAT_OTHER;
	a->claimed_len = a->payload_len = off;
	a->hdr.size = sizeof(*a) + off;
	feed(a);
}

/* syscall(pid, tid, PYX_SC_x, ret, 6 raw args, then per data-kind argument its value in order:
 * PATH or STR const char *, ARGV (unsigned count, const char **), SOCKADDR/MSGHDR (const void *, size_t),
 * BUF const char *). A NULL PATH/SOCKADDR is a NULL pointer. */
static const enum pyx_argk kinds[PYX_SC__COUNT][PYX_SC_NARGS] = {
#define K(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                            \
	[PYX_SC_##name] = { PYX_AK_##k0, PYX_AK_##k1, PYX_AK_##k2,                                 \
			    PYX_AK_##k3, PYX_AK_##k4, PYX_AK_##k5 },
	PYX_SYSCALLS(K)
#undef K
};

static const bool entry_only[PYX_SC__COUNT] = {
#define E(name) [PYX_SC_##name] = true,
	PYX_SC_ENTRY_ONLY(E)
#undef E
};

/* the next open's path was read at exit (PYX_SCF_READ_AT_EXIT) and the kernel opened a file of
 * this name (PYX_SCF_OPENED); then cleared */
static const char *cur_opened;
/* the next PATH argument was read at neither end (PYX_DF_FAULT, its value ignored); then
 * cleared */
static bool cur_fault;
static bool cur_kname; /* the next process record: PYX_PRF_KNAME (a name the kernel made) */
/* the next PATH argument was cut by the BPF copy (PYX_DF_TRUNCATED); then cleared */
static bool cur_cut;
static int32_t cur_exit_code; /* the next EXIT record's wait status (then cleared) */

static void sysc(uint32_t pid, uint32_t tid, int sc, int64_t ret, uint64_t a0, uint64_t a1,
		 uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, ...)
{
	struct pyx_rec_syscall *r = (void *)rbuf;
	size_t used = sizeof(*r);
	unsigned int i;
	va_list ap;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&r->hdr, PYX_REC_SYSCALL, pid, tid);
	r->sc = sc;
	r->nr = pyx_sc_nr(sc);
	r->ret = ret;
	r->enter_ns = r->hdr.ts_ns - 100;
	if (entry_only[sc]) { /* sent at sys_enter: no result, no latency */
		r->hdr.flags |= PYX_SCF_ENTRY;
		r->ret = 0;
		r->enter_ns = r->hdr.ts_ns;
	}
	r->args[0] = a0, r->args[1] = a1, r->args[2] = a2;
	r->args[3] = a3, r->args[4] = a4, r->args[5] = a5;
	va_start(ap, a5);
	for (i = 0; i < PYX_SC_NARGS; i++) {
		struct pyx_sc_data *d = &r->data[i];
		const char *s;
		const void *v;
		size_t n;

		switch (kinds[sc][i]) {
		case PYX_AK_PATH:
		case PYX_AK_STR:
		case PYX_AK_BUF:
			s = va_arg(ap, const char *);
			if (cur_fault && kinds[sc][i] == PYX_AK_PATH) {
				d->flags = PYX_DF_FAULT;
				cur_fault = false;
				break;
			}
			if (!s) {
				d->flags = PYX_DF_NULL;
				break;
			}
			n = strlen(s) + (kinds[sc][i] != PYX_AK_BUF);
			memcpy(rbuf + used, s, n);
			d->off = used, d->len = n, d->flags = PYX_DF_PRESENT;
			if (cur_cut && kinds[sc][i] == PYX_AK_PATH) {
				d->flags |= PYX_DF_TRUNCATED;
				cur_cut = false;
			}
			used += n;
			break;
		case PYX_AK_ARGV: {
			unsigned int cnt = va_arg(ap, unsigned int), k;
			const char **items = va_arg(ap, const char **);

			d->off = used, d->flags = PYX_DF_PRESENT, d->count = cnt;
			for (k = 0; k < cnt; k++) {
				memcpy(rbuf + used, items[k], strlen(items[k]) + 1);
				used += strlen(items[k]) + 1;
			}
			d->len = used - d->off;
			break;
		}
		case PYX_AK_SOCKADDR:
		case PYX_AK_MSGHDR:
			v = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			if (!v) {
				d->flags = PYX_DF_NULL;
				break;
			}
			memcpy(rbuf + used, v, n);
			d->off = used, d->len = n, d->flags = PYX_DF_PRESENT;
			used += n;
			break;
		case PYX_AK_RLIMIT: /* a const uint64_t[2] (cur, max) or NULL */
			v = va_arg(ap, const void *);
			if (!v) {
				d->flags = PYX_DF_NULL;
				break;
			}
			memcpy(rbuf + used, v, PYX_SC_RLIMIT_LEN);
			d->off = used, d->len = PYX_SC_RLIMIT_LEN, d->flags = PYX_DF_PRESENT;
			used += PYX_SC_RLIMIT_LEN;
			break;
		case PYX_AK_SOCKLEN_PTR:
		case PYX_AK_CLONE_ARGS:
		case PYX_AK_OPEN_HOW:
			d->flags = PYX_DF_NULL;
			break;
		default:
			break;
		}
	}
	va_end(ap);
	if (cur_opened) {
		struct pyx_sc_data *d = &r->data[PYX_SC_OPENED_DATA];

		memcpy(rbuf + used, cur_opened, strlen(cur_opened) + 1);
		d->off = used, d->len = strlen(cur_opened) + 1, d->flags = PYX_DF_PRESENT;
		used += d->len;
		r->hdr.flags |= PYX_SCF_READ_AT_EXIT | PYX_SCF_OPENED;
		cur_opened = NULL;
	}
	r->hdr.size = used;
	feed(r);
}

/* the pid namespace of the next exec or fork record (the new process's): its pid there, the
 * namespace's inode (then cleared) */
static uint32_t cur_ns_pid, cur_pidns_ino;
/* the mount namespace of the next exec or fork record (then cleared), 0: unknown */
static uint32_t cur_mntns_ino;

static void proc(uint32_t pid, uint32_t tid, unsigned int kind, uint32_t child, bool thread,
		 const char *filename)
{
	struct pyx_rec_process *r = (void *)rbuf;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&r->hdr, PYX_REC_PROCESS, pid, tid);
	r->kind = kind;
	if (kind == PYX_PROC_EXEC || (kind == PYX_PROC_FORK && !thread)) {
		r->ns_pid = cur_ns_pid;
		r->pidns_ino = cur_pidns_ino;
		r->mntns_ino = cur_mntns_ino;
		cur_ns_pid = cur_pidns_ino = cur_mntns_ino = 0;
	}
	r->child_pid = thread ? pid : child;
	r->child_tid = child;
	if (kind == PYX_PROC_EXIT)
		r->exit_code = cur_exit_code;
	cur_exit_code = 0;
	r->hdr.flags = (thread ? PYX_PRF_THREAD : 0) | (cur_kname ? PYX_PRF_KNAME : 0);
	cur_kname = false;
	r->hdr.size = sizeof(*r);
	if (filename) {
		r->filename_off = sizeof(*r);
		r->filename_len = strlen(filename) + 1;
		memcpy(rbuf + sizeof(*r), filename, r->filename_len);
		r->hdr.size += r->filename_len;
	}
	feed(r);
}

static void hook_start(uint32_t pid)
{
	struct pyx_rec_lifecycle *r = (void *)rbuf;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&r->hdr, PYX_REC_LIFECYCLE, pid, pid);
	r->kind = PYX_LC_HOOK_START;
	r->hdr.size = sizeof(*r);
	feed(r);
}

static void hook_stop(uint32_t pid)
{
	struct pyx_rec_lifecycle *r = (void *)rbuf;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&r->hdr, PYX_REC_LIFECYCLE, pid, pid);
	r->kind = PYX_LC_HOOK_STOP;
	r->hdr.size = sizeof(*r);
	feed(r);
}

static void lost(void)
{
	struct pyx_rec_lost *r = (void *)rbuf;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&r->hdr, PYX_REC_LOST, 0, 0);
	r->count = 3;
	r->hdr.size = sizeof(*r);
	feed(r);
}

/* The fair share held back records of uid (pyxcheck.bpf.c, fair_admit). */
static void throttled(uint32_t uid)
{
	struct pyx_rec_throttled *r = (void *)rbuf;

	memset(rbuf, 0, sizeof(rbuf));
	hdr(&r->hdr, PYX_REC_THROTTLED, 0, 0);
	r->stream = PYX_STREAM_SYSCALL;
	r->uid = uid;
	r->count = 5;
	r->hdr.size = sizeof(*r);
	feed(r);
}

static struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &s.sin_addr);
	return s;
}

/* ---- scenarios ---- */

static void start(const struct pyx_corr_opts *o)
{
	struct pyx_corr_opts d = { .blind_spots = true, .procfs = procfs };

	outlen = 0;
	out[0] = 0;
	if (pyx_corr_new(&C, o ? o : &d, on_item, NULL)) {
		fprintf(stderr, "FAIL: pyx_corr_new\n");
		exit(1);
	}
}

static void expect(const char *what, const char *want)
{
	pyx_corr_flush(C);
	checks++;
	if (strcmp(out, want)) {
		fprintf(stderr, "FAIL %s\n--- want\n%s--- got\n%s", what, want, out);
		exit(1);
	}
	pyx_corr_free(C);
	C = NULL;
}

#define FDCWD ((uint64_t)-100)
#define O_W_C_T (01 | 0100 | 01000)

static void t_open(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/a", "w", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T | 02000000, 0666, 0, 0, "/tmp/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/missing", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, -2, FDCWD, 0, 02000000, 0, 0, 0, "/tmp/missing");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "si", "/tmp/none", (int64_t)-1);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/decoy", "w", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, O_W_C_T, 0666, 0, 0, "/tmp/secret");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/r", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, 02, 0, 0, 0, "/tmp/r");
	expect("open",
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 os.remove no-syscall\n"
	       "A 100 open mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 open mismatch [openat] (open flags differ)\n"
	       "S 100 openat unaudited after open\n");
}

/* A path read at exit that does not name the file the kernel opened (a decoy written after the
 * kernel's copy) matches no audit event: the event naming the decoy does not explain it. */
static void t_opened_mismatch(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/decoy", "w", (int64_t)O_W_C_T);
	cur_opened = "decoy";
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T | 02000000, 0666, 0, 0, "/tmp/decoy");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/decoy", "w", (int64_t)O_W_C_T);
	cur_opened = "secret";
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, O_W_C_T | 02000000, 0666, 0, 0, "/tmp/decoy");
	expect("opened_mismatch",
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 open no-syscall\n"
	       "S 100 openat unaudited after open\n");
}

static void t_relative_sqlite(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "data.txt", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/work/data.txt");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", "t.db");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, 0102, 0644, 0, 0, "/work/t.db");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT_HANDLE, "sqlite3.connect/handle", "n");
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, 0102, 0644, 0, 0, "/work/t.db-journal");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/work/t.db-journal");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/work/other");
	/* chdir moves the base of later relative paths */
	audit(100, 100, PYX_EV_OS_CHDIR, "os.chdir", "s", "sub");
	sysc(100, 100, PYX_SC_chdir, 0, 0, 0, 0, 0, 0, 0, "sub");
	audit(100, 100, PYX_EV_OS_MKDIR, "os.mkdir", "sin", "../x", (int64_t)0755);
	sysc(100, 100, PYX_SC_mkdirat, 0, FDCWD, 0, 0755, 0, 0, 0, "/work/x");
	audit(100, 100, PYX_EV_OS_MKDIR, "os.mkdir", "sin", "y", (int64_t)0700);
	sysc(100, 100, PYX_SC_mkdir, 0, 0, 0755, 0, 0, 0, 0, "/work/sub/y");
	expect("relative paths, cwd, sqlite files",
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 sqlite3.connect matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 sqlite3.connect/handle -\n"
	       "S 100 openat -\n"
	       "S 100 unlink -\n"
	       "S 100 unlink unaudited after sqlite3.connect/handle\n"
	       "A 100 os.chdir matched [chdir]\n"
	       "S 100 chdir -\n"
	       "A 100 os.mkdir matched [mkdirat]\n"
	       "S 100 mkdirat -\n"
	       "A 100 os.mkdir mismatch [mkdir] (mode differs)\n"
	       "S 100 mkdir unaudited after os.mkdir\n");
}

/* sqlite3.connect of a URI filename names the file of its path part (3.13's dbm.sqlite3, shelve's
 * default, connects to "file:/abs/path?mode=rwc"); sqlite's own temp files ("etilqs_" + hex in
 * /var/tmp, /usr/tmp or /tmp, exclusive, 0600, unlinked at once) in a process with an audited
 * sqlite3.connect. Near misses stay flagged. */
#define SQ_RWC_NF (02 | 0100 | 0400000 | 02000000)     /* O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC */
#define SQ_TMP (02 | 0100 | 0200 | 0400000 | 02000000) /* ... |O_EXCL */
static void t_sqlite_uri_tmp(void)
{
	start(NULL);
	hook_start(200);
	/* pid 200, no sqlite3.connect: the temp-file shape alone explains nothing */
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SQ_TMP, 0600, 0, 0, "/var/tmp/etilqs_1a");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/var/tmp/etilqs_1a");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s",
	      "file:/tmp/s/shelf?mode=rwc");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/tmp/s/shelf");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT_HANDLE, "sqlite3.connect/handle", "n");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/tmp/s/shelf-wal");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/s/shelf-wal");
	/* sqlite's temp files: opened and unlinked; a second unlink of the name is not explained */
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, SQ_TMP, 0600, 0, 0,
	     "/var/tmp/etilqs_f7582ce565ffa406");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/var/tmp/etilqs_f7582ce565ffa406");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/var/tmp/etilqs_f7582ce565ffa406");
	sysc(100, 100, PYX_SC_open, 5, 0, SQ_TMP, 0600, 0, 0, 0, "/tmp/etilqs_c");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/tmp/etilqs_c");
	/* near misses: another directory, mode, flag set, name; a path not as passed (a dirfd);
	 * an unlink of a name never opened so */
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_TMP, 0600, 0, 0, "/etc/cron.d/etilqs_1");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_TMP, 0644, 0, 0, "/tmp/etilqs_2");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_RWC_NF, 0600, 0, 0, "/tmp/etilqs_3");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_TMP | 01000, 0600, 0, 0, "/tmp/etilqs_4");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_TMP, 0600, 0, 0,
	     "/tmp/etilqs_0123456789abcdef0");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_TMP, 0600, 0, 0, "/tmp/etilqs_5A");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_TMP, 0600, 0, 0, "/tmp/x/../etilqs_6");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/etilqs_7");
	/* percent-decoded, a "localhost" authority */
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s",
	      "file://localhost/tmp/s/a%20b.db");
	sysc(100, 100, PYX_SC_openat, 7, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/tmp/s/a b.db");
	/* sqlite refuses another authority; an in-memory URI opens no file */
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", "file://evil/tmp/s/c.db");
	sysc(100, 100, PYX_SC_openat, 8, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/tmp/s/c.db");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s",
	      "file:/tmp/s/d.db?cache=shared&mode=memory");
	sysc(100, 100, PYX_SC_openat, 9, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/tmp/s/d.db");
	expect("sqlite URI filenames and temp files",
	       "L 200\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "A 100 sqlite3.connect matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 sqlite3.connect/handle -\n"
	       "S 100 openat -\n"
	       "S 100 unlink -\n"
	       "S 100 openat -\n"
	       "S 100 unlink -\n"
	       "S 100 unlink unaudited after sqlite3.connect/handle\n"
	       "S 100 open -\n"
	       "S 100 unlinkat -\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 openat unaudited after sqlite3.connect/handle\n"
	       "S 100 unlink unaudited after sqlite3.connect/handle\n"
	       "A 100 sqlite3.connect matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 sqlite3.connect mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after sqlite3.connect\n"
	       "A 100 sqlite3.connect mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after sqlite3.connect\n");
}

/* The sqlite databases a process connected to: a reconnect takes no new slot (ten connects to one
 * file, then a new database: its journal is explained); past 8 databases, the one connected to
 * longest ago goes (its journal is then unaudited). */
static void t_sqlite_many(void)
{
	char path[64], want[8192];
	size_t n = 0;
	unsigned int i;

	start(NULL);
	for (i = 0; i < 10; i++) {
		audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", "/tmp/m/same.db");
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0102 | 02000000, 0644, 0, 0,
		     "/tmp/m/same.db");
		n += snprintf(want + n, sizeof(want) - n,
			      "A 100 sqlite3.connect matched [openat]\nS 100 openat -\n");
	}
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/tmp/m/d%u.db", i);
		audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", path);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0102 | 02000000, 0644, 0, 0, path);
		/* the journal opens below fall in the windows of the first and the last: listed
		 * there as counterparts, judged on their own */
		n += snprintf(want + n, sizeof(want) - n,
			      "A 100 sqlite3.connect matched [openat%s]\nS 100 openat -\n",
			      i == 0 || i == 7 ? ",openat" : "");
		if (i)
			continue;
		/* the second database's journal, after ten connects to the first */
		sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, 0102 | 02000000, 0644, 0, 0,
		     "/tmp/m/d0.db-journal");
		n += snprintf(want + n, sizeof(want) - n, "S 100 openat -\n");
	}
	/* nine databases: the first is forgotten, the second is not */
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, 0102 | 02000000, 0644, 0, 0,
	     "/tmp/m/same.db-journal");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/m/d0.db-journal");
	snprintf(want + n, sizeof(want) - n,
		 "S 100 openat unaudited after sqlite3.connect\nS 100 unlink -\n");
	expect("sqlite databases: reconnects, the latest 8", want);
}

/*
 * What a sqlite3.connect licenses (red-team a10, a19): the database is learnt only from the open
 * its window matched, in sqlite's shape (os_unix.c robust_open()), and then only what sqlite
 * does to its files is explained: opens in that shape (never O_TRUNC, never a setuid mode), the
 * unlink of a journal file (never of the database), fchmod within 0777, fchown of a journal file
 * to the database's owner, ftruncate of the database to whole pages. An in-memory URI
 * ("%HH"-decoded keys and values, vfs=memdb) names no file.
 */
static void t_sqlite_licence(void)
{
	char db[600], jr[620];
	struct stat st;
	FILE *f;

	snprintf(db, sizeof(db), "%s/../q.db", procfs);
	f = fopen(db, "w");
	if (!f || fclose(f) || stat(db, &st)) {
		fprintf(stderr, "FAIL: %s\n", db);
		exit(1);
	}
	snprintf(db, sizeof(db), "%s", procfs);
	*strrchr(db, '/') = 0;
	strcat(db, "/q.db");
	snprintf(jr, sizeof(jr), "%s-journal", db);
	start(NULL);
	/* no open in the window, or not sqlite's: nothing learnt */
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", "/t/q/none.db");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", "/t/q/trunc.db");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02 | 0100 | 01000, 0644, 0, 0, "/t/q/trunc.db");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/none.db-journal");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/trunc.db-journal");
	/* a database that exists (its owner is known) */
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", db);
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, db);
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	/* what sqlite does */
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, jr);
	sysc(100, 100, PYX_SC_fchmod, 0, 6, 0640, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_fchown, 0, 6, st.st_uid, st.st_gid, 0, 0, 0);
	sysc(100, 100, PYX_SC_ftruncate, 0, 6, 0, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_ftruncate, 0, 5, 8192, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, jr);
	/* what it does not */
	sysc(100, 100, PYX_SC_openat, 7, FDCWD, 0, 01 | 0100 | 01000, 0644, 0, 0, db);
	sysc(100, 100, PYX_SC_openat, 8, FDCWD, 0, SQ_RWC_NF | 01000, 0644, 0, 0, jr);
	sysc(100, 100, PYX_SC_openat, 9, FDCWD, 0, SQ_RWC_NF, 04755, 0, 0, jr);
	sysc(100, 100, PYX_SC_fchmod, 0, 5, 06777, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_fchown, 0, 5, st.st_uid, st.st_gid, 0, 0, 0);
	sysc(100, 100, PYX_SC_fchown, 0, 6, st.st_uid, st.st_gid + 1, 0, 0, 0);
	sysc(100, 100, PYX_SC_ftruncate, 0, 5, 0, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_ftruncate, 0, 5, 1000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, db);
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0x200, 0, 0, 0, jr);
	/* in-memory URIs: no file, so the open is not the database */
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s",
	      "file:/t/q/m?mode=%6demory");
	sysc(100, 100, PYX_SC_openat, 10, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/m");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s",
	      "file:/t/q/k?mo%64e=memory");
	sysc(100, 100, PYX_SC_openat, 10, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/k");
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s", "file:/t/q/v?vfs=memdb");
	sysc(100, 100, PYX_SC_openat, 10, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/v");
	/* a literal "%26" is no separator; a unix VFS opens the file */
	audit(100, 100, PYX_EV_SQLITE3_CONNECT, "sqlite3.connect", "s",
	      "file:/t/q/u?cache=shared%26mode=memory&vfs=unix-dotfile");
	sysc(100, 100, PYX_SC_openat, 11, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/u");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/t/q/u-wal");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/t/q/m-wal");
	/* the database gone: a journal's fchown only to the process's own uid */
	sysc(100, 100, PYX_SC_openat, 12, FDCWD, 0, SQ_RWC_NF, 0644, 0, 0, "/t/q/u-journal");
	sysc(100, 100, PYX_SC_fchown, 0, 12, 0, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_fchown, 0, 12, 1000, 1000, 0, 0, 0);
	expect("sqlite: what a connect licenses",
	       "A 100 sqlite3.connect no-syscall\n"
	       "A 100 sqlite3.connect matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 ctypes.call_function -\n"
	       "S 100 openat unaudited after ctypes.call_function\n"
	       "S 100 openat unaudited after ctypes.call_function\n"
	       "A 100 sqlite3.connect matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 ctypes.call_function -\n"
	       "S 100 openat -\n"
	       "S 100 fchmod -\n"
	       "S 100 fchown -\n"
	       "S 100 ftruncate -\n"
	       "S 100 ftruncate -\n"
	       "S 100 unlink -\n"
	       "S 100 openat unaudited after ctypes.call_function\n"
	       "S 100 openat unaudited after ctypes.call_function\n"
	       "S 100 openat unaudited after ctypes.call_function\n"
	       "S 100 fchmod unaudited after ctypes.call_function\n"
	       "S 100 fchown unaudited after ctypes.call_function\n"
	       "S 100 fchown unaudited after ctypes.call_function\n"
	       "S 100 ftruncate unaudited after ctypes.call_function\n"
	       "S 100 ftruncate unaudited after ctypes.call_function\n"
	       "S 100 unlink unaudited after ctypes.call_function\n"
	       "S 100 unlinkat unaudited after ctypes.call_function\n"
	       "A 100 sqlite3.connect mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after sqlite3.connect\n"
	       "A 100 sqlite3.connect mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after sqlite3.connect\n"
	       "A 100 sqlite3.connect mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after sqlite3.connect\n"
	       "A 100 sqlite3.connect matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 ctypes.call_function -\n"
	       "S 100 unlink -\n"
	       "S 100 unlink unaudited after ctypes.call_function\n"
	       "S 100 openat -\n"
	       "S 100 fchown -\n"
	       "S 100 fchown unaudited after ctypes.call_function\n");
	unlink(db);
}

static void t_fileops(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OS_RENAME, "os.rename", "ssnn", "/t/a", "/t/b");
	sysc(100, 100, PYX_SC_renameat2, 0, FDCWD, 0, FDCWD, 0, 0, 0, "/t/a", "/t/b");
	audit(100, 100, PYX_EV_OS_RMDIR, "os.rmdir", "sn", "/t/d");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0x200, 0, 0, 0, "/t/d");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "sn", "/t/d2");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0x200, 0, 0, 0, "/t/d2");
	audit(100, 100, PYX_EV_OS_CHMOD, "os.chmod", "iin", (int64_t)3, (int64_t)0600);
	sysc(100, 100, PYX_SC_fchmod, 0, 3, 0600, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_OS_CHOWN, "os.chown", "siin", "/t/a", (int64_t)1, (int64_t)-1);
	sysc(100, 100, PYX_SC_fchownat, 0, FDCWD, 0, 1, 0xffffffff, 0, 0, "/t/a");
	audit(100, 100, PYX_EV_OS_SYMLINK, "os.symlink", "ssn", "../a", "/t/l");
	sysc(100, 100, PYX_SC_symlinkat, 0, 0, FDCWD, 0, 0, 0, 0, "../a", "/t/l");
	audit(100, 100, PYX_EV_OS_LINK, "os.link", "ssnn", "/t/a", "/t/h");
	sysc(100, 100, PYX_SC_linkat, 0, FDCWD, 0, FDCWD, 0, 0, 0, "/t/a", "/t/h");
	audit(100, 100, PYX_EV_OS_TRUNCATE, "os.truncate", "si", "/t/a", (int64_t)10);
	sysc(100, 100, PYX_SC_truncate, 0, 0, 10, 0, 0, 0, 0, "/t/a");
	audit(100, 100, PYX_EV_OS_UTIME, "os.utime", "snnn", "/t/a");
	sysc(100, 100, PYX_SC_utimensat, 0, FDCWD, 0, 0, 0, 0, 0, "/t/a");
	audit(100, 100, PYX_EV_OS_LISTDIR, "os.listdir", "s", "/t");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0200000 | 02000000 | 04000, 0, 0, 0, "/t");
	audit(100, 100, PYX_EV_OS_SCANDIR, "os.scandir", "n");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0200000, 0, 0, 0, ".");
	expect("file operations",
	       "A 100 os.rename matched [renameat2]\n"
	       "S 100 renameat2 -\n"
	       "A 100 os.rmdir matched [unlinkat]\n"
	       "S 100 unlinkat -\n"
	       "A 100 os.remove mismatch [unlinkat] (removes a directory, not a file)\n"
	       "S 100 unlinkat unaudited after os.remove\n"
	       "A 100 os.chmod matched [fchmod]\n"
	       "S 100 fchmod -\n"
	       "A 100 os.chown matched [fchownat]\n"
	       "S 100 fchownat -\n"
	       "A 100 os.symlink matched [symlinkat]\n"
	       "S 100 symlinkat -\n"
	       "A 100 os.link matched [linkat]\n"
	       "S 100 linkat -\n"
	       "A 100 os.truncate matched [truncate]\n"
	       "S 100 truncate -\n"
	       "A 100 os.utime matched [utimensat]\n"
	       "S 100 utimensat -\n"
	       "A 100 os.listdir matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 os.scandir matched [openat]\n"
	       "S 100 openat -\n");
}

/* The same acts by older or newer doors (PYX_SYSCALLS_OTHER_DOORS): each pairs with its siblings'
 * audit event, compared as they are (os.utime's path, resource.setrlimit's resource); a native
 * call, or one on another path or resource, is unaudited; their harmless forms are not. A POSIX
 * ACL set or taken away by any xattr door is a chmod; a clone into new namespaces is an unshare. */
static void t_other_doors(void)
{
	static const uint64_t lim[2] = { 64, 64 };

	start(NULL);
	/* native first, in a hooked Python: no event explains them */
	audit(100, 100, PYX_EV_BUILTINS_ID, "builtins.id", "i", (int64_t)1);
	sysc(100, 100, PYX_SC_utime, 0, 0, 0, 0, 0, 0, 0, "/t/a");
	sysc(100, 100, PYX_SC_setrlimit, 0, 7, 0, 0, 0, 0, 0, lim);
	sysc(100, 100, PYX_SC_setxattrat, 0, FDCWD, 0, 0, 0, 0, 16, "/t/a", "security.capability");
	sysc(100, 100, PYX_SC_fremovexattr, 0, 3, 0, 0, 0, 0, 0, "security.ima");
	sysc(100, 100, PYX_SC_removexattrat, 0, FDCWD, 0, 0, 0, 0, 0, "/t/a", "security.selinux");
	/* a POSIX ACL grants what chmod grants; another system.* name does not */
	sysc(100, 100, PYX_SC_setxattr, 0, 0, 0, 0, 28, 0, 0, "/t/a", "system.posix_acl_access");
	sysc(100, 100, PYX_SC_lremovexattr, 0, 0, 0, 0, 0, 0, 0, "/t/d",
	     "system.posix_acl_default");
	sysc(100, 100, PYX_SC_setxattr, 0, 0, 0, 0, 28, 0, 0, "/t/a", "system.posix_acl");
	/* clone's door to unshare: a child in new namespaces; a fork's flags are not one */
	sysc(100, 100, PYX_SC_clone, 300, 0x10000000 | 0x20000 | 17, 0, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_clone, 301, 0x01200000 | 17, 0, 0, 0, 0, 0);
	/* harmless forms: futimes(fd) of an open file, a limit read, user.* names */
	sysc(100, 100, PYX_SC_futimesat, 0, 3, 0, 0, 0, 0, 0, NULL);
	sysc(100, 100, PYX_SC_setrlimit, 0, 7, 0, 0, 0, 0, 0, NULL);
	sysc(100, 100, PYX_SC_lremovexattr, 0, 0, 0, 0, 0, 0, 0, "/t/a", "user.x");
	/* audited: the same syscalls pair */
	audit(100, 100, PYX_EV_OS_UTIME, "os.utime", "snnn", "/t/a");
	sysc(100, 100, PYX_SC_utimes, 0, 0, 0, 0, 0, 0, 0, "/t/a");
	audit(100, 100, PYX_EV_OS_UTIME, "os.utime", "snnn", "/t/a");
	sysc(100, 100, PYX_SC_futimesat, 0, FDCWD, 0, 0, 0, 0, 0, "/t/a");
	audit(100, 100, PYX_EV_RESOURCE_SETRLIMIT, "resource.setrlimit", "in", (int64_t)7);
	sysc(100, 100, PYX_SC_setrlimit, 0, 7, 0, 0, 0, 0, 0, lim);
	audit(100, 100, PYX_EV_OS_SETXATTR, "os.setxattr", "ssni", "/t/a", "security.x",
	      (int64_t)0);
	sysc(100, 100, PYX_SC_setxattrat, 0, FDCWD, 0, 0, 0, 0, 16, "/t/a", "security.x");
	audit(100, 100, PYX_EV_OS_REMOVEXATTR, "os.removexattr", "ss", "/t/a", "security.x");
	sysc(100, 100, PYX_SC_removexattr, 0, 0, 0, 0, 0, 0, 0, "/t/a", "security.x");
	/* near misses: another path, another resource */
	audit(100, 100, PYX_EV_OS_UTIME, "os.utime", "snnn", "/t/a");
	sysc(100, 100, PYX_SC_utime, 0, 0, 0, 0, 0, 0, 0, "/t/b");
	audit(100, 100, PYX_EV_RESOURCE_SETRLIMIT, "resource.setrlimit", "in", (int64_t)7);
	sysc(100, 100, PYX_SC_setrlimit, 0, 4, 0, 0, 0, 0, 0, lim);
	/* the xattr events name their file (a path or an fd): another one is not explained */
	audit(100, 100, PYX_EV_OS_SETXATTR, "os.setxattr", "ssni", "/t/a", "security.x",
	      (int64_t)0);
	sysc(100, 100, PYX_SC_lsetxattr, 0, 0, 0, 0, 1, 0, 0, "/t/b", "security.x");
	audit(100, 100, PYX_EV_OS_REMOVEXATTR, "os.removexattr", "is", (int64_t)3, "security.x");
	sysc(100, 100, PYX_SC_fremovexattr, 0, 4, 0, 0, 0, 0, 0, "security.x");
	audit(100, 100, PYX_EV_OS_REMOVEXATTR, "os.removexattr", "is", (int64_t)3, "security.x");
	sysc(100, 100, PYX_SC_fremovexattr, 0, 3, 0, 0, 0, 0, 0, "security.x");
	expect("other doors",
	       "A 100 builtins.id -\n"
	       "S 100 utime unaudited after builtins.id\n"
	       "S 100 setrlimit unaudited after builtins.id\n"
	       "S 100 setxattrat unaudited after builtins.id\n"
	       "S 100 fremovexattr unaudited after builtins.id\n"
	       "S 100 removexattrat unaudited after builtins.id\n"
	       "S 100 setxattr unaudited after builtins.id\n"
	       "S 100 lremovexattr unaudited after builtins.id\n"
	       "S 100 setxattr -\n"
	       "S 100 clone unaudited after builtins.id\n"
	       "S 100 clone -\n"
	       "S 100 futimesat -\n"
	       "S 100 setrlimit -\n"
	       "S 100 lremovexattr -\n"
	       "A 100 os.utime matched [utimes]\n"
	       "S 100 utimes -\n"
	       "A 100 os.utime matched [futimesat]\n"
	       "S 100 futimesat -\n"
	       "A 100 resource.setrlimit matched [setrlimit]\n"
	       "S 100 setrlimit -\n"
	       "A 100 os.setxattr matched [setxattrat]\n"
	       "S 100 setxattrat -\n"
	       "A 100 os.removexattr matched [removexattr]\n"
	       "S 100 removexattr -\n"
	       "A 100 os.utime mismatch [utime] (path differs)\n"
	       "S 100 utime unaudited after os.utime\n"
	       "A 100 resource.setrlimit mismatch [setrlimit] (resource differs)\n"
	       "S 100 setrlimit unaudited after resource.setrlimit\n"
	       "A 100 os.setxattr mismatch [lsetxattr] (path differs)\n"
	       "S 100 lsetxattr unaudited after os.setxattr\n"
	       "A 100 os.removexattr mismatch [fremovexattr] (fd differs)\n"
	       "S 100 fremovexattr unaudited after os.removexattr\n"
	       "A 100 os.removexattr matched [fremovexattr]\n"
	       "S 100 fremovexattr -\n");
}

/* Two arguments differ: the first comparator of the event's row (corr_rules.def) gives the
 * reason, whatever order the compiler evaluates function arguments in. */
static void t_reason_order(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OS_CHMOD, "os.chmod", "sin", "/t/a", (int64_t)0600);
	sysc(100, 100, PYX_SC_chmod, 0, 0, 0644, 0, 0, 0, 0, "/t/b");
	audit(100, 100, PYX_EV_OS_MKDIR, "os.mkdir", "sin", "/t/d", (int64_t)0700);
	sysc(100, 100, PYX_SC_mkdirat, 0, FDCWD, 0, 0755, 0, 0, 0, "/t/e");
	audit(100, 100, PYX_EV_OS_CHOWN, "os.chown", "siin", "/t/a", (int64_t)1, (int64_t)2);
	sysc(100, 100, PYX_SC_chown, 0, 0, 3, 4, 0, 0, 0, "/t/a");
	audit(100, 100, PYX_EV_OS_RENAME, "os.rename", "ssnn", "/t/a", "/t/b");
	sysc(100, 100, PYX_SC_rename, 0, 0, 0, 0, 0, 0, 0, "/t/x", "/t/y");
	audit(100, 100, PYX_EV_OS_KILL, "os.kill", "ii", (int64_t)300, (int64_t)15);
	sysc(100, 100, PYX_SC_kill, 0, 301, 9, 0, 0, 0, 0);
	expect("the first differing argument in table order gives the reason",
	       "A 100 os.chmod mismatch [chmod] (path differs)\n"
	       "S 100 chmod unaudited after os.chmod\n"
	       "A 100 os.mkdir mismatch [mkdirat] (path differs)\n"
	       "S 100 mkdirat unaudited after os.mkdir\n"
	       "A 100 os.chown mismatch [chown] (uid differs)\n"
	       "S 100 chown unaudited after os.chown\n"
	       "A 100 os.rename mismatch [rename] (path differs)\n"
	       "S 100 rename unaudited after os.rename\n"
	       "A 100 os.kill mismatch [kill] (pid differs)\n"
	       "S 100 kill unaudited after os.kill\n");
}

static void t_ctypes_import(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_CTYPES_DLOPEN, "ctypes.dlopen", "s", "libfoo.so");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02000000, 0, 0, 0, "/usr/lib/libfoo.so");
	sysc(100, 100, PYX_SC_mmap, 0x7000, 0, 4096, 5, 2, 3, 0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02000000, 0, 0, 0, "/usr/lib/libdep.so");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/pwn");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/tmp/pwn");
	sysc(100, 100, PYX_SC_mprotect, 0, 0x7000, 4096, 7, 0, 0, 0);
	audit(100, 100, PYX_EV_IMPORT, "import", "snnnn", "ext");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/x/ext.so");
	sysc(100, 100, PYX_SC_mmap, 0x8000, 0, 4096, 5, 2, 3, 0);
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/dropped");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/dropped");
	audit(100, 100, PYX_EV_IMPORT, "import", "snnnn", "os");
	expect("ctypes and import",
	       "A 100 ctypes.dlopen matched [openat,mmap,openat]\n"
	       "S 100 openat -\n"
	       "S 100 mmap -\n"
	       "S 100 openat -\n"
	       "A 100 ctypes.call_function -\n"
	       "S 100 openat unaudited after ctypes.call_function\n"
	       "S 100 unlinkat unaudited after ctypes.call_function\n"
	       "S 100 mprotect unaudited after ctypes.call_function\n"
	       "A 100 import matched [openat,mmap]\n"
	       "S 100 openat -\n"
	       "S 100 mmap -\n"
	       "S 100 openat unaudited after import\n"
	       "S 100 unlink unaudited after import\n"
	       "A 100 import no-syscall\n");
}

static void t_spawn(void)
{
	const char *ls[] = { "ls", "-l" }, *la[] = { "ls", "-la" };
	const char *sh[] = { "sh", "-c", "echo hi" };

	start(NULL);
	/* subprocess.Popen("ls"): PATH is searched in the child, the parent runs on before the
	 * child's execve record arrives */
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 2u, "ls", "-l");
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	sysc(100, 100, PYX_SC_clone, 200, 0, 0, 0, 0, 0, 0);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	sysc(200, 200, PYX_SC_execve, -2, 0, 0, 0, 0, 0, 0, "/usr/local/bin/ls", 2u, ls);
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/ls");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/ls", 2u, ls);
	/* the ls process is not Python: nothing it does is judged */
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/z");
	proc(200, 200, PYX_PROC_EXIT, 0, false, NULL);
	expect("Popen",
	       "S 200 execve -\n"
	       "P 200 2\n"
	       "S 200 execve -\n"
	       "A 100 subprocess.Popen matched [clone,child:execve,child:execve]\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 app.next -\n"
	       "S 200 unlink -\n"
	       "P 200 3\n");

	start(NULL);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 2u, "ls", "-l");
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/ls");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/ls", 2u, la);
	audit(100, 100, PYX_EV_OS_SYSTEM, "os.system", "s", "echo hi");
	proc(100, 100, PYX_PROC_FORK, 201, false, NULL);
	proc(201, 201, PYX_PROC_EXEC, 0, false, "/bin/sh");
	sysc(201, 201, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/sh", 3u, sh);
	/* libc system() through ctypes: no event explains the child's exec */
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	proc(100, 100, PYX_PROC_FORK, 202, false, NULL);
	proc(202, 202, PYX_PROC_EXEC, 0, false, "/bin/sh");
	sysc(202, 202, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/sh", 3u, sh);
	expect("argv mismatch, os.system, libc system",
	       "P 200 2\n"
	       "S 200 execve unaudited after subprocess.Popen\n"
	       "A 100 subprocess.Popen mismatch [child:execve] (argv differs)\n"
	       "P 100 1\n"
	       "P 201 2\n"
	       "S 201 execve -\n"
	       "A 100 os.system matched [child:execve]\n"
	       "P 100 1\n"
	       "A 100 ctypes.call_function -\n"
	       "P 100 1\n"
	       "P 202 2\n"
	       "S 202 execve unaudited after ctypes.call_function\n");

	/* os.fork: the child is Python and runs on as itself; os.exec in the child */
	start(NULL);
	audit(100, 100, PYX_EV_OS_FORK, "os.fork", "");
	proc(100, 100, PYX_PROC_FORK, 300, false, NULL);
	sysc(100, 100, PYX_SC_clone, 300, 0, 0, 0, 0, 0, 0);
	audit(300, 300, PYX_EV_OS_EXEC, "os.exec", "sLn", "/bin/true", 1u, "true");
	proc(300, 300, PYX_PROC_EXEC, 0, false, "/bin/true");
	sysc(300, 300, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/true", 1u,
	     (const char *[]){ "true" });
	audit(100, 100, PYX_EV_OS_KILL, "os.kill", "ii", (int64_t)300, (int64_t)15);
	sysc(100, 100, PYX_SC_kill, 0, 300, 15, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_OS_KILLPG, "os.killpg", "ii", (int64_t)7, (int64_t)9);
	sysc(100, 100, PYX_SC_kill, 0, (uint64_t)-7, 9, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_SIGNAL_PTHREAD_KILL, "signal.pthread_kill", "ii", (int64_t)999,
	      (int64_t)10);
	sysc(100, 100, PYX_SC_tgkill, 0, 100, 101, 12, 0, 0, 0);
	expect("fork, exec, kill",
	       "A 300 os.exec matched [execve]\n"
	       "P 300 2\n"
	       "S 300 execve -\n"
	       "A 100 os.fork matched [clone]\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 os.kill matched [kill]\n"
	       "S 100 kill -\n"
	       "A 100 os.killpg matched [kill]\n"
	       "S 100 kill -\n"
	       "A 100 signal.pthread_kill mismatch [tgkill] (signal differs)\n"
	       "S 100 tgkill unaudited after signal.pthread_kill\n");
}

/*
 * subprocess.Popen(..., preexec_fn=f): the child runs f, which raises audit events of its own
 * (os.putenv), then execs the program (Modules/_posixsubprocess.c child_exec()). The Popen
 * window explains one exec of the program it claims; nothing else of the child.
 */
static void t_preexec(void)
{
	const char *py[] = { "/usr/bin/python3", "-c", "x" };
	const char *other[] = { "/usr/bin/python3", "-c", "evil" };
	const char *sh[] = { "sh", "-c", "evil" };
	struct pyx_corr_opts noblind = { .procfs = procfs }; /* the new images are not hooked */

	start(NULL);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 3u, py[0], py[1],
	      py[2]);
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	sysc(100, 100, PYX_SC_clone, 200, 0, 0, 0, 0, 0, 0);
	audit(200, 200, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/z");
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	/* the new image: the claim was spent on the exec it explained */
	hook_start(200);
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	hook_start(200);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("preexec_fn: the exec claimed, once",
	       "A 200 os.putenv -\n"
	       "S 200 unlink unaudited after os.putenv\n"
	       "P 200 2\n"
	       "S 200 execve -\n"
	       "L 200\n"
	       "P 200 2\n"
	       "S 200 execve unaudited after nothing\n"
	       "L 200\n"
	       "A 100 subprocess.Popen matched [clone]\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 app.next -\n");

	/* another argv, another program, a second attempt after a failed one that differs */
	start(&noblind);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 3u, py[0], py[1],
	      py[2]);
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	proc(100, 100, PYX_PROC_FORK, 201, false, NULL);
	audit(200, 200, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	audit(201, 201, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, other);
	sysc(201, 201, PYX_SC_execve, -2, 0, 0, 0, 0, 0, 0, "/bin/sh", 3u, sh);
	proc(201, 201, PYX_PROC_EXEC, 0, false, "/bin/sh");
	sysc(201, 201, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/sh", 3u, sh);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("preexec_fn: another argv or program",
	       "A 200 os.putenv -\n"
	       "A 201 os.putenv -\n"
	       "P 200 2\n"
	       "S 200 execve unaudited after os.putenv\n"
	       "S 201 execve unaudited after os.putenv\n"
	       "P 201 2\n"
	       "S 201 execve unaudited after os.putenv\n"
	       "A 100 subprocess.Popen no-syscall\n"
	       "P 100 1\n"
	       "P 100 1\n"
	       "A 100 app.next -\n");

	/* a grandchild forked by preexec_fn (native fork) inherits nothing; nor does the child of
	 * os.fork, which claims no program */
	start(&noblind);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 3u, py[0], py[1],
	      py[2]);
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	audit(200, 200, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	proc(200, 200, PYX_PROC_FORK, 202, false, NULL);
	proc(202, 202, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	sysc(202, 202, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	audit(100, 100, PYX_EV_OS_FORK, "os.fork", "");
	proc(100, 100, PYX_PROC_FORK, 300, false, NULL);
	audit(300, 300, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	proc(300, 300, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	sysc(300, 300, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("preexec_fn: a grandchild, os.fork",
	       "A 200 os.putenv -\n"
	       "P 200 1\n"
	       "P 202 2\n"
	       "S 202 execve unaudited after os.putenv\n"
	       "A 100 subprocess.Popen no-syscall\n"
	       "P 100 1\n"
	       "A 300 os.putenv -\n"
	       "P 300 2\n"
	       "S 300 execve unaudited after os.putenv\n"
	       "A 100 os.fork no-syscall\n"
	       "P 100 1\n"
	       "A 100 app.next -\n");

	/* the exec's syscall record lost: the new image inherits nothing, whether its next record
	 * is an exec (a process record of its own first) or any other syscall; a claim kept for
	 * longer than SPAWN_KEEP_NS explains nothing either */
	start(&noblind);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 3u, py[0], py[1],
	      py[2]);
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	proc(100, 100, PYX_PROC_FORK, 201, false, NULL);
	proc(100, 100, PYX_PROC_FORK, 202, false, NULL);
	audit(200, 200, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	audit(201, 201, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	audit(202, 202, PYX_EV_OS_PUTENV, "os.putenv", "yy", "FRUIT", "apple");
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(200);
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	proc(201, 201, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(201);
	sysc(201, 201, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/z");
	sysc(201, 201, PYX_SC_execve, -2, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	now += 61ull * 1000000000ull;
	sysc(202, 202, PYX_SC_execve, -2, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u, py);
	expect("preexec_fn: a lost exec record, a claim kept too long",
	       "A 200 os.putenv -\n"
	       "A 201 os.putenv -\n"
	       "A 202 os.putenv -\n"
	       "P 200 2\n"
	       "L 200\n"
	       "P 200 2\n"
	       "S 200 execve unaudited after os.putenv\n"
	       "P 201 2\n"
	       "L 201\n"
	       "S 201 unlink unaudited after os.putenv\n"
	       "S 201 execve unaudited after os.putenv\n"
	       "S 202 execve unaudited after os.putenv\n"
	       "A 100 subprocess.Popen no-syscall\n"
	       "P 100 1\n"
	       "P 100 1\n"
	       "P 100 1\n");
}

/*
 * A process-creating event whose program is an object the hook does not read (a forged
 * sys.audit("subprocess.Popen", None, [object()], None, None); a path-like other than
 * pathlib's) used to compare no program: any exec with that many arguments matched. Now it
 * explains no exec, and says so; a readable program compares as before.
 */
static void t_unread_program(void)
{
	const char *id[] = { "/usr/bin/id" };

	start(NULL);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nYnn");
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	sysc(100, 100, PYX_SC_clone, 200, 0, 0, 0, 0, 0, 0);
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/id");
	sysc(200, 200, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 1u, id);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "XLn", 1u, id[0]);
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 1u, id);
	hook_start(100);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 1u, id[0]);
	proc(100, 100, PYX_PROC_FORK, 201, false, NULL);
	sysc(100, 100, PYX_SC_clone, 201, 0, 0, 0, 0, 0, 0);
	proc(201, 201, PYX_PROC_EXEC, 0, false, "/usr/bin/id");
	sysc(201, 201, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 1u, id);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("a program the hook did not read",
	       "P 200 2\n"
	       "S 200 execve unaudited after subprocess.Popen\n"
	       "A 100 subprocess.Popen matched [clone]\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "L 100\n"
	       "A 100 os.exec indeterminate (its program is an object the hook does not read: "
	       "not compared)\n"
	       "S 100 execve unaudited after os.exec\n"
	       "L 100\n"
	       "P 201 2\n"
	       "S 201 execve -\n"
	       "A 100 subprocess.Popen matched [clone,child:execve]\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 app.next -\n");
}

/* Before 3.10, Popen with a preexec_fn imports gc (Modules/_posixsubprocess.c) between its
 * event and the fork, from subprocess.py's _execute_child: that import keeps Popen open; another
 * module, or gc from another frame, ends it as before. */
/* Review: (int, int) is AF_VSOCK's (cid, port) or AF_QIPCRTR's (node, port) as well as
 * AF_NETLINK's (pid, groups), told apart by the syscall's family; a tuple of another family's
 * shape (AF_CAN's ("can0",)) is not compared, but names no AF_INET/AF_INET6/AF_UNIX address. */
static void t_addr_families(void)
{
	/* sockaddr_vm: family 40, reserved, port 1234, cid 2; sockaddr_can: family 29 */
	uint8_t vm[16] = { 40, 0, 0, 0, 0xd2, 0x04, 0, 0, 2, 0, 0, 0 };
	uint8_t can[24] = { 29, 0, 0, 0, 3, 0, 0, 0 };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(1234) };

	in.sin_addr.s_addr = htonl(0x7f000001);
	start(NULL);
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "ON", (int64_t)4, (int64_t)2,
	      (int64_t)1234);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, vm, sizeof(vm));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "ON", (int64_t)4, (int64_t)3,
	      (int64_t)1234);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, vm, sizeof(vm));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "ON", (int64_t)4, (int64_t)2,
	      (int64_t)1234);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &in, sizeof(in));
	audit(100, 100, PYX_EV_SOCKET_BIND, "socket.bind", "OC", (int64_t)4, "can0");
	sysc(100, 100, PYX_SC_bind, 0, 4, 0, 24, 0, 0, 0, can, sizeof(can));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OC", (int64_t)4, "can0");
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &in, sizeof(in));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("vsock and CAN addresses",
	       "A 100 socket.connect matched [connect]\n"
	       "S 100 connect -\n"
	       "A 100 socket.connect mismatch [connect] (address differs)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.connect mismatch [connect] (address differs)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.bind matched [bind]\n"
	       "S 100 bind -\n"
	       "A 100 socket.connect mismatch [connect] (address differs)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 app.next -\n");
}

/* Review: a composite whose tree the hook did not read (None, an object) has nothing under it: a
 * forged shutil.rmtree(None) and a forged os.remove of a decoy explain no native unlink of
 * another file. */
static void t_composite_unread(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_SHUTIL_RMTREE, "shutil.rmtree", "nni");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "si", "/tmp/decoy", (int64_t)-1);
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/etc/victim");
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("composite of an unread tree",
	       "A 100 shutil.rmtree indeterminate (its path is an object the hook does not read: "
	       "not compared)\n"
	       "A 100 os.remove mismatch [unlinkat] (path differs)\n"
	       "S 100 unlinkat unaudited after os.remove\n"
	       "A 100 app.next -\n");
}

/* Review: CPython makes one child per process-creating call, so a second fork in a Popen window
 * is native code's: not linked to the window, its exec of the same program is not the event's. */
static void t_one_child(void)
{
	const char *av[] = { "true" };

	start(NULL);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "sLnn", "/bin/true", 1u,
	      av[0]);
	proc(100, 100, PYX_PROC_FORK, 201, false, NULL);
	sysc(100, 100, PYX_SC_clone, 201, 0, 0, 0, 0, 0, 0);
	proc(201, 201, PYX_PROC_EXEC, 0, false, "/bin/true");
	sysc(201, 201, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/true", 1u, av);
	proc(100, 100, PYX_PROC_FORK, 202, false, NULL);
	sysc(100, 100, PYX_SC_clone, 202, 0, 0, 0, 0, 0, 0);
	proc(202, 202, PYX_PROC_EXEC, 0, false, "/bin/true");
	sysc(202, 202, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/true", 1u, av);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("one child per Popen",
	       "P 201 2\n"
	       "S 201 execve -\n"
	       "P 202 2\n"
	       "S 202 execve unaudited after subprocess.Popen\n"
	       "A 100 subprocess.Popen matched [clone,child:execve,clone]\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 app.next -\n");
}

static void t_popen_gc(void)
{
	const char *py[] = { "/usr/bin/python3", "-c", "x" };
	const char *mods[] = { "gc", "os", "gc" };
	const char *files[] = { "/usr/lib/python3.8/subprocess.py",
				"/usr/lib/python3.8/subprocess.py", "evil.py" };
	unsigned int i;

	start(NULL);
	for (i = 0; i < 3; i++) {
		audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "nLnn", 3u, py[0],
		      py[1], py[2]);
		cur_file = files[i];
		cur_func = "_execute_child";
		audit(100, 100, PYX_EV_IMPORT, "import", "snnnn", mods[i]);
		cur_file = "evil.py";
		cur_func = "main";
		proc(100, 100, PYX_PROC_FORK, 200 + i, false, NULL);
		sysc(100, 100, PYX_SC_clone, 200 + i, 0, 0, 0, 0, 0, 0);
		proc(200 + i, 200 + i, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
		sysc(200 + i, 200 + i, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/python3", 3u,
		     py);
		hook_start(200 + i);
	}
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("Popen's gc import (3.8, 3.9)",
	       "P 200 2\n"
	       "S 200 execve -\n"
	       "L 200\n"
	       "A 100 subprocess.Popen matched [clone,child:execve]\n"
	       "A 100 import no-syscall\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 subprocess.Popen no-syscall\n"
	       "P 201 2\n"
	       "S 201 execve unaudited after import\n"
	       "L 201\n"
	       "A 100 import no-syscall\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 subprocess.Popen no-syscall\n"
	       "P 202 2\n"
	       "S 202 execve unaudited after import\n"
	       "L 202\n"
	       "A 100 import no-syscall\n"
	       "P 100 1\n"
	       "S 100 clone -\n"
	       "A 100 app.next -\n");
}

/*
 * A path the hook did not read (an object: a buffer other than an exact memoryview, a released
 * one; or a forged sys.audit("os.remove", object(), -1)): not compared. It used to match every
 * counterpart (a NULL path was "not compared"), so a forged event with an object explained any
 * unlink or write open; and os.listdir's object became "." and a mismatch.
 */
static void t_unread_path(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "Xi", (int64_t)-1);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/etc/passwd");
	audit(100, 100, PYX_EV_OPEN, "open", "Xsi", "w", (int64_t)0x241);
	sysc(100, 100, PYX_SC_openat, 3, (uint64_t)-100, 0, 0x241, 0644, 0, 0, "/etc/cron.d/x");
	audit(100, 100, PYX_EV_OS_RENAME, "os.rename", "sXii", "/tmp/a", (int64_t)-1, (int64_t)-1);
	sysc(100, 100, PYX_SC_rename, 0, 0, 0, 0, 0, 0, 0, "/tmp/a", "/etc/b");
	audit(100, 100, PYX_EV_OS_LISTDIR, "os.listdir", "X");
	sysc(100, 100, PYX_SC_openat, 3, (uint64_t)-100, 0, 0x90800, 0, 0, 0, "/tmp");
	/* None is "." as before; a bytes path compares as ever */
	audit(100, 100, PYX_EV_OS_LISTDIR, "os.listdir", "n");
	sysc(100, 100, PYX_SC_openat, 3, (uint64_t)-100, 0, 0x90800, 0, 0, 0, ".");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "yi", "/tmp/z", (int64_t)-1);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/z");
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("a path the hook did not read",
	       "A 100 os.remove indeterminate (its path is an object the hook does not read: "
	       "not compared)\n"
	       "S 100 unlink unaudited after os.remove\n"
	       "A 100 open indeterminate (its path is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 os.rename indeterminate (its second path is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 rename unaudited after os.rename\n"
	       "A 100 os.listdir indeterminate (its path is an object the hook does not read: "
	       "not compared)\n"
	       "S 100 openat -\n"
	       "A 100 os.listdir matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 os.remove matched [unlink]\n"
	       "S 100 unlink -\n"
	       "A 100 app.next -\n");
}

/*
 * None where CPython never passes None, or an object the hook does not read, in any compared
 * role (a forged sys.audit, PySys_Audit from native code) explains nothing: before, such a value
 * was "not compared" and its event matched any counterpart (reproducers a01, a02, a03, a18 of
 * the red-team review). The genuine shapes still compare: an int subclass by its base value,
 * AF_NETLINK's (pid, groups), socket.sendmsg's None (a sendmsg without msg_name only).
 */
static void t_unread_roles(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 8080), far = sin4("127.0.0.2", 4444);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK }, nl2 = nl;
	const uint64_t rl[2] = { 0, 0 };
	const char *id[] = { "id", "-u" };

	nl2.nl_pid = 4242;
	start(NULL);
	/* a01: paths */
	audit(100, 100, PYX_EV_OPEN, "open", "nni", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/planted");
	audit(100, 100, PYX_EV_OS_CHMOD, "os.chmod", "nii", (int64_t)04755, (int64_t)-1);
	sysc(100, 100, PYX_SC_chmod, 0, 0, 04755, 0, 0, 0, 0, "/tmp/planted");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "ni", (int64_t)-1);
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/tmp/victim");
	/* a18: numbers */
	audit(100, 100, PYX_EV_OS_KILL, "os.kill", "nn");
	sysc(100, 100, PYX_SC_kill, 0, 300, 9, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_OS_KILL, "os.kill", "iX", (int64_t)300);
	sysc(100, 100, PYX_SC_kill, 0, 300, 9, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_RESOURCE_PRLIMIT, "resource.prlimit", "nnn");
	sysc(100, 100, PYX_SC_prlimit64, 0, 300, 7, 0, 0, 0, 0, rl, NULL);
	/* an int subclass is read by its base value: compared */
	audit(100, 100, PYX_EV_OS_KILL, "os.kill", "PP", (int64_t)300, (int64_t)15);
	sysc(100, 100, PYX_SC_kill, 0, 300, 9, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_OS_KILL, "os.kill", "PP", (int64_t)300, (int64_t)9);
	sysc(100, 100, PYX_SC_kill, 0, 300, 9, 0, 0, 0, 0);
	/* a02: sockets */
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "nnnn");
	sysc(100, 100, PYX_SC_socket, 5, 17, 3, 0x300, 0, 0, 0);
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "nn");
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "On", (int64_t)4);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	/* a15: a tuple subclass is not read; an int subclass port is */
	audit(100, 100, PYX_EV_SOCKET_SENDTO, "socket.sendto", "OX", (int64_t)4);
	sysc(100, 100, PYX_SC_sendto, 5, 4, 0, 5, 0, 0, 16, &far, sizeof(far));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OQ", (int64_t)4, "127.0.0.1",
	      (int64_t)9);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &far, sizeof(far));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OQ", (int64_t)4, "127.0.0.1",
	      (int64_t)8080);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	/* a14: sendmsg without an address (CPython raises None): no msg_name only */
	audit(100, 100, PYX_EV_SOCKET_SENDMSG, "socket.sendmsg", "On", (int64_t)4);
	sysc(100, 100, PYX_SC_sendmsg, 1, 4, 0, 0, 0, 0, 0, NULL, (size_t)0);
	audit(100, 100, PYX_EV_SOCKET_SENDMSG, "socket.sendmsg", "On", (int64_t)4);
	sysc(100, 100, PYX_SC_sendmsg, 5, 4, 0, 0, 0, 0, 0, &far, sizeof(far));
	/* None is no address for a connect */
	audit(100, 100, PYX_EV_SOCKET_SENDTO, "socket.sendto", "On", (int64_t)4);
	sysc(100, 100, PYX_SC_sendto, 5, 4, 0, 5, 0, 0, 16, &far, sizeof(far));
	/* AF_NETLINK (pid, groups) */
	audit(100, 100, PYX_EV_SOCKET_BIND, "socket.bind", "ON", (int64_t)6, (int64_t)0,
	      (int64_t)0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl, (size_t)12);
	audit(100, 100, PYX_EV_SOCKET_BIND, "socket.bind", "ON", (int64_t)6, (int64_t)0,
	      (int64_t)0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl2, (size_t)12);
	audit(100, 100, PYX_EV_SOCKET_SETHOSTNAME, "socket.sethostname", "n");
	sysc(100, 100, PYX_SC_sethostname, 0, 0, 4, 0, 0, 0, 0, "evil");
	/* a03: exec */
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "nnn");
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 2u, id);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "sYn", "/usr/bin/id");
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 2u, id);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "snn", "/usr/bin/id");
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 2u, id);
	hook_start(100);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("None or an object in a compared role explains nothing",
	       "A 100 open indeterminate (its path is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 os.chmod indeterminate (its path is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 chmod unaudited after os.chmod\n"
	       "A 100 os.remove indeterminate (its path is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 unlinkat unaudited after os.remove\n"
	       "A 100 os.kill indeterminate (its pid is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 kill unaudited after os.kill\n"
	       "A 100 os.kill indeterminate (its signal is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 kill unaudited after os.kill\n"
	       "A 100 resource.prlimit indeterminate (its pid is an object the hook does not read: "
	       "not compared)\n"
	       "S 100 prlimit64 unaudited after resource.prlimit\n"
	       "A 100 os.kill mismatch [kill] (signal differs)\n"
	       "S 100 kill unaudited after os.kill\n"
	       "A 100 os.kill matched [kill]\n"
	       "S 100 kill -\n"
	       "A 100 socket.__new__ indeterminate (its family is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 socket unaudited after socket.__new__\n"
	       "A 100 socket.connect indeterminate (its socket is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.connect indeterminate (its address is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.sendto indeterminate (its address is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 sendto unaudited after socket.sendto\n"
	       "A 100 socket.connect mismatch [connect] (port differs)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.connect matched [connect]\n"
	       "S 100 connect -\n"
	       "A 100 socket.sendmsg matched [sendmsg]\n"
	       "S 100 sendmsg -\n"
	       "A 100 socket.sendmsg mismatch [sendmsg] (an address, where the event names none)\n"
	       "S 100 sendmsg unaudited after socket.sendmsg\n"
	       "A 100 socket.sendto indeterminate (its address is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 sendto unaudited after socket.sendto\n"
	       "A 100 socket.bind matched [bind]\n"
	       "S 100 bind -\n"
	       "A 100 socket.bind mismatch [bind] (address differs)\n"
	       "S 100 bind unaudited after socket.bind\n"
	       "A 100 socket.sethostname indeterminate (its name is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 sethostname unaudited after socket.sethostname\n"
	       "A 100 os.exec indeterminate (its program is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 execve unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec indeterminate (its argv is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 execve unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec indeterminate (its argv is an object the hook does not read: not "
	       "compared)\n"
	       "S 100 execve unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 app.next -\n");
}

/*
 * Relative paths across directories (red-team a20): when both sides resolved, their difference
 * is final. A genuine open("x", "w") or os.remove("y") does not explain a chdir elsewhere and the
 * same name there, though the raw name and the dirfd number (AT_FDCWD) are the same.
 */
static void t_relative_cwd(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "x", "w", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T, 0666, 0, 0, "x");
	sysc(100, 100, PYX_SC_chdir, 0, 0, 0, 0, 0, 0, 0, "/elsewhere");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, O_W_C_T, 0666, 0, 0, "x");
	audit(100, 100, PYX_EV_OS_CHDIR, "os.chdir", "s", "/work");
	sysc(100, 100, PYX_SC_chdir, 0, 0, 0, 0, 0, 0, 0, "/work");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "si", "y", (int64_t)-1);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "y");
	sysc(100, 100, PYX_SC_chdir, 0, 0, 0, 0, 0, 0, 0, "/elsewhere");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "y");
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("relative paths across a chdir",
	       "A 100 open matched [openat,openat]\n"
	       "S 100 openat -\n"
	       "S 100 chdir -\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 os.chdir matched [chdir]\n"
	       "S 100 chdir -\n"
	       "A 100 os.remove matched [unlink,unlinkat]\n"
	       "S 100 unlink -\n"
	       "S 100 chdir -\n"
	       "S 100 unlinkat unaudited after os.remove\n"
	       "A 100 app.next -\n");
}

/*
 * os.execve(fd, argv, env) is fexecve(fd): execveat(fd, "", argv, envp, AT_EMPTY_PATH). Its ""
 * may be read at neither end (glibc .rodata untouched in a forked child): the kernel's name of
 * what it ran, "/dev/fd/<fd>" in the process record of the same exec, stands in for it. The fd
 * claim explains that shape only; the kernel's name explains nothing else.
 */
static void t_fexecve(void)
{
	const char *av[] = { "/usr/bin/python3", "-c", "pass" };
	struct pyx_corr_opts noblind = { .procfs = procfs };

	start(&noblind);
	/* read "" */
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3");
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, "", 3u, av);
	/* unread "": the kernel's name stands in */
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3");
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	expect("fexecve",
	       "A 100 os.exec matched [execveat]\n"
	       "P 100 2\n"
	       "S 100 execveat -\n"
	       "L 100\n"
	       "A 100 os.exec matched [execveat]\n"
	       "P 100 2\n"
	       "S 100 execveat -\n");

	/* near misses: another program, another fd, no AT_EMPTY_PATH (each read) */
	start(&noblind);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/bin/evil");
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/evil", 3u, av);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/4");
	sysc(100, 100, PYX_SC_execveat, 0, 4, 0, 0, 0, 0x1000, 0, "", 3u, av);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3/x");
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0, 0, "x", 3u, av);
	expect("fexecve: program, fd, flags",
	       "A 100 os.exec mismatch [execve] (program differs)\n"
	       "P 100 2\n"
	       "S 100 execve unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec mismatch [execveat] (program differs)\n"
	       "P 100 2\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec mismatch [execveat] (program differs)\n"
	       "P 100 2\n"
	       "S 100 execveat unaudited after os.exec\n");

	/* unread filename: the kernel names another fd; no process record (lost) or another
	 * record of the pid in between; a path claim; no AT_EMPTY_PATH */
	start(&noblind);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/4");
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3");
	hook_start(100);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "sLn", "/dev/fd/3", 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3");
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	hook_start(100);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_kname = true;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3");
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0, 0, NULL, 3u, av);
	expect("fexecve: the kernel's name vouches for nothing else",
	       "A 100 os.exec mismatch [execveat] (program differs)\n"
	       "P 100 2\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec no-syscall\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec no-syscall\n"
	       "P 100 2\n"
	       "L 100\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec mismatch [execveat] (program differs)\n"
	       "P 100 2\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "L 100\n"
	       "A 100 os.exec no-syscall\n"
	       "P 100 2\n"
	       "S 100 execveat unaudited after os.exec\n");

	/* the same name from the caller's own absolute "/dev/fd/3" (execveat(3, "/dev/fd/3",
	 * AT_EMPTY_PATH) in an unread page, a /dev/fd/3 of its mount namespace's choosing): the
	 * kernel did not make it (no PYX_PRF_KNAME), so it stands in for nothing */
	start(&noblind);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/dev/fd/3");
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, 0, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	expect("fexecve: a caller's own /dev/fd/N is not the kernel's name",
	       "A 100 os.exec no-syscall\n"
	       "P 100 2\n"
	       "S 100 execveat unaudited after os.exec\n");

	/* a failed fexecve (no process record): it ran nothing, so its unread "" is explained by
	 * the claim of that fd and argv; not another fd, another argv, no AT_EMPTY_PATH, a path
	 * claim, or another fault */
	start(&noblind);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, -13, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, -13, 4, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, -13, 3, 0, 0, 0, 0x1000, 0, NULL, 2u, av);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, -13, 3, 0, 0, 0, 0, 0, NULL, 3u, av);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "sLn", "/dev/fd/3", 3u, av[0], av[1], av[2]);
	cur_fault = true;
	sysc(100, 100, PYX_SC_execveat, -13, 3, 0, 0, 0, 0x1000, 0, NULL, 3u, av);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	expect("fexecve: a failed one",
	       "A 100 os.exec matched [execveat]\n"
	       "S 100 execveat -\n"
	       "A 100 os.exec mismatch [execveat] (program differs)\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "A 100 os.exec mismatch [execveat] (argv differs)\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "A 100 os.exec no-syscall\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "A 100 os.exec mismatch [execveat] (program differs)\n"
	       "S 100 execveat unaudited after os.exec\n"
	       "A 100 app.next -\n");

	/* glibc's fexecve fallback without execveat, execve("/proc/self/fd/3"), is not the fd:
	 * a /proc of the caller's mount namespace may hold any file at that name */
	start(&noblind);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "iLn", (int64_t)3, 3u, av[0], av[1], av[2]);
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/proc/self/fd/3");
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/proc/self/fd/3", 3u, av);
	expect("fexecve: /proc/self/fd/N is not the fd",
	       "A 100 os.exec mismatch [execve] (program differs)\n"
	       "P 100 2\n"
	       "S 100 execve unaudited after os.exec\n");
}

static void t_socket(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 8080), lo2 = sin4("127.0.0.1", 9090);
	struct sockaddr_in any = sin4("0.0.0.0", 8000);
	struct sockaddr_un nscd = { .sun_family = AF_UNIX, .sun_path = "/var/run/nscd/socket" };

	start(NULL);
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "Oiii", (int64_t)-1, (int64_t)2,
	      (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 3, 2, 1 | 02000000, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "127.0.0.1",
	      (int64_t)8080);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "localhost",
	      (int64_t)8080);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &lo2, sizeof(lo2));
	audit(100, 100, PYX_EV_SOCKET_BIND, "socket.bind", "OT", (int64_t)5, "", (int64_t)8000);
	sysc(100, 100, PYX_SC_bind, 0, 5, 0, 16, 0, 0, 0, &any, sizeof(any));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	sysc(100, 100, PYX_SC_listen, 0, 5, 5, 0, 0, 0, 0);
	/* ctypes socket + bind + listen + connect */
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	sysc(100, 100, PYX_SC_socket, 6, 2, 1, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_listen, 0, 6, 5, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 6, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	/* glibc's nscd probe (pwd.getpwuid has no audit event) */
	sysc(100, 100, PYX_SC_connect, -2, 7, 0, 110, 0, 0, 0, &nscd, sizeof(nscd));
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "sinii", "localhost",
	      (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/etc/hosts");
	expect("sockets",
	       "A 100 socket.__new__ matched [socket]\n"
	       "S 100 socket -\n"
	       "A 100 socket.connect matched [connect]\n"
	       "S 100 connect -\n"
	       "A 100 socket.connect mismatch [connect] (port differs)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.bind matched [bind]\n"
	       "S 100 bind -\n"
	       "A 100 app.other -\n"
	       "S 100 listen -\n"
	       "A 100 ctypes.call_function -\n"
	       "S 100 socket -\n"
	       "S 100 listen unaudited after ctypes.call_function\n"
	       "S 100 connect unaudited after ctypes.call_function\n"
	       "S 100 connect -\n"
	       "A 100 socket.getaddrinfo matched [openat]\n"
	       "S 100 openat -\n");
}

/* glibc's getaddrinfo() binds a NETLINK_ROUTE socket to { AF_NETLINK, nl_pid 0, nl_groups 0 }
 * (check_pf.c __check_pf()): that bind, in a window of an event resolved through getaddrinfo(),
 * and no other bind, nor that bind elsewhere */
static void t_resolver_netlink(void)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK }, grp = nl, port = nl;
	struct sockaddr_in lo = sin4("127.0.0.1", 0);

	grp.nl_groups = 1;
	port.nl_pid = 4242;
	start(NULL);
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "sinii", "localhost",
	      (int64_t)80, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 3, AF_NETLINK, 3 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 3, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	/* one step away, in the same window: a group, a port id, a short length, AF_INET */
	sysc(100, 100, PYX_SC_bind, 0, 4, 0, 12, 0, 0, 0, &grp, sizeof(grp));
	sysc(100, 100, PYX_SC_bind, 0, 5, 0, 12, 0, 0, 0, &port, sizeof(port));
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	audit(100, 100, PYX_EV_SOCKET_GETHOSTBYNAME, "socket.gethostbyname", "s", "localhost");
	sysc(100, 100, PYX_SC_bind, 0, 3, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	/* getnameinfo's getaddrinfo() is AI_NUMERICHOST, one result: never __check_pf() */
	audit(100, 100, PYX_EV_SOCKET_GETNAMEINFO, "socket.getnameinfo", "O", (int64_t)0);
	sysc(100, 100, PYX_SC_bind, 0, 3, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	sysc(100, 100, PYX_SC_bind, 0, 3, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	expect("resolver netlink",
	       "A 100 socket.getaddrinfo matched [socket,bind]\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 bind unaudited after socket.getaddrinfo\n"
	       "S 100 bind unaudited after socket.getaddrinfo\n"
	       "S 100 bind unaudited after socket.getaddrinfo\n"
	       "A 100 socket.gethostbyname matched [bind]\n"
	       "S 100 bind -\n"
	       "A 100 socket.getnameinfo no-syscall\n"
	       "S 100 bind unaudited after socket.getnameinfo\n"
	       "A 100 app.other -\n"
	       "S 100 bind unaudited after app.other\n");
}

/*
 * socket.connect/bind/sendto/sendmsg resolve a host name before their event
 * (socketmodule.c setipaddr() -> getaddrinfo(), then PySys_Audit()): glibc's connects to the
 * nameservers of resolv.conf, and for several results __check_pf()'s netlink socket and bind and
 * rfc3484_sort()'s port-0 and AF_UNSPEC connects, are held for the thread's next event, which
 * explains them when it names a host name. Everything else stays unaudited: a numeric host, a
 * name glibc reads as a number, another address or port, a run cut by another syscall, another
 * thread's event, more than 32, a wait past 30 s, a lookup whose event never comes.
 */
#define PRE_WHY                                                                                       \
	"a name-server connect (or netlink query) of glibc's resolver that no socket event naming a " \
	"host name followed"

static void t_resolver_pre(void)
{
	struct pyx_corr_opts o = { .procfs = procfs, .resolv_conf = resolv_conf };
	struct sockaddr_in ns = sin4("10.0.0.53", 53), ns2 = sin4("10.0.0.54", 53);
	struct sockaddr_in other = sin4("10.0.0.99", 53), ns80 = sin4("10.0.0.53", 80);
	struct sockaddr_in r1 = sin4("192.0.2.1", 0), r2 = sin4("192.0.2.2", 0);
	struct sockaddr_in dst = sin4("192.0.2.1", 5432);
	struct sockaddr_in6 ns6 = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	const uint64_t dgram = 2 | 02000000 | 04000, nl_raw = 3 | 02000000;
	FILE *f = fopen(resolv_conf, "w");
	unsigned int i;

	if (!f) {
		perror("resolv.conf");
		exit(1);
	}
	/* a comment, a bad address (skipped), two servers, then a fourth past MAXNS */
	fputs("# test\nnameserver nonsense\nnameserver 10.0.0.53\nnameserver fd00::53%eth0\n"
	      "nameserver 10.0.0.54\nnameserver 10.0.0.99\n",
	      f);
	fclose(f);
	inet_pton(AF_INET6, "fd00::53", &ns6.sin6_addr);
	show_why = true;
	start(&o);
	/* 1. a genuine lookup with two results, then the event naming the host */
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "Oiii", (int64_t)-1, (int64_t)2,
	      (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 3, 2, 1 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, 0, 0, 0, 0, "/etc/hosts");
	sysc(100, 100, PYX_SC_socket, 4, 2, dgram, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 28, 0, 0, 0, &ns6, sizeof(ns6));
	sysc(100, 100, PYX_SC_socket, 4, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 4, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 4, 2, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &unspec, sizeof(unspec));
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &r2, sizeof(r2));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "db.example",
	      (int64_t)5432);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &dst, sizeof(dst));
	/* 2. a failed lookup: CPython raises no event, the next one is another */
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns2, sizeof(ns2));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	/* 3. numeric hosts, and names glibc reads as numbers: no lookup */
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "192.0.2.1",
	      (int64_t)5432);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	audit(100, 100, PYX_EV_SOCKET_SENDTO, "socket.sendto", "OT", (int64_t)3, "127.1",
	      (int64_t)53);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	audit(100, 100, PYX_EV_SOCKET_BIND, "socket.bind", "OT", (int64_t)3, "fe80::1%lo",
	      (int64_t)0);
	/* 4. not a resolver's: a server past MAXNS, port 80; a run cut by a chdir */
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &other, sizeof(other));
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns80, sizeof(ns80));
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_chdir, 0, 0, 0, 0, 0, 0, 0, "/tmp");
	audit(100, 100, PYX_EV_SOCKET_SENDMSG, "socket.sendmsg", "OT", (int64_t)3, "x.example",
	      (int64_t)53);
	/* 5. another thread's event explains nothing of this one */
	sysc(100, 101, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "x.example",
	      (int64_t)1);
	audit(100, 101, PYX_EVENT_UNKNOWN, "app.other", "");
	expect("resolver before its event",
	       "A 100 socket.__new__ matched [socket,socket,socket,socket]\n"
	       "S 100 socket -\n"
	       "S 100 openat -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "A 100 socket.connect matched [connect,connect]\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.connect (" PRE_WHY
	       ")\n"
	       "A 100 app.other -\n"
	       "S 100 connect unaudited after app.other (" PRE_WHY
	       ")\n"
	       "A 100 socket.connect mismatch [connect] (another socket)\n"
	       "S 100 connect unaudited after socket.connect (" PRE_WHY
	       ")\n"
	       "A 100 socket.sendto no-syscall\n"
	       "S 100 connect unaudited after socket.sendto (" PRE_WHY
	       ")\n"
	       "A 100 socket.bind no-syscall\n"
	       "S 100 connect unaudited after socket.bind\n"
	       "S 100 connect unaudited after socket.bind\n"
	       "S 100 connect unaudited after socket.bind (" PRE_WHY
	       ")\n"
	       "S 100 chdir -\n"
	       "A 100 socket.sendmsg no-syscall\n"
	       "S 101 connect unaudited after nothing (" PRE_WHY
	       ")\n"
	       "A 101 app.other -\n"
	       "A 100 socket.connect no-syscall\n");

	/* 6. at most 32 for one event; 7. held 30 s at most; 8. records lost after it */
	start(&o);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	for (i = 0; i < 33; i++)
		sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "x.example",
	      (int64_t)1);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	pyx_corr_tick(C, now + 30000000000ull);
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "x.example",
	      (int64_t)1);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	pyx_corr_note_loss(C, now);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	{
		char want[16384];
		size_t n = 0;

		n += snprintf(want + n, sizeof(want) - n, "A 100 app.other -\n");
		for (i = 0; i < 32; i++)
			n += snprintf(want + n, sizeof(want) - n,
				      "S 100 connect unaudited after app.other (%s)\n", PRE_WHY);
		snprintf(want + n, sizeof(want) - n,
			 "S 100 connect unaudited after app.other\n"
			 "A 100 socket.connect mismatch [connect] (another socket)\n"
			 "S 100 connect unaudited after socket.connect (%s)\n"
			 "A 100 socket.connect indeterminate [connect] (records were lost while "
			 "its window was open)\n"
			 "S 100 connect indeterminate (records were lost after it: the event that "
			 "would explain it may be among them)\n"
			 "A 100 app.other -\n",
			 PRE_WHY);
		expect("resolver before its event: bounds", want);
	}
	show_why = false;
}

/*
 * rfc3484_sort()'s connects (glibc sysdeps/posix/getaddrinfo.c) are a lookup's only on glibc's
 * sorting socket, socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), made after __check_pf()'s
 * netlink socket and its bind on that socket, by the same thread since its last audit event (in
 * a resolver window, or in the same held run before a socket event), for at most 32 results. On
 * __check_pf()'s socket glibc sends only its RTM_GETADDR request (check_pf.c make_request(): 20
 * bytes to {AF_NETLINK}); any other send there is sensitive, but not on a netlink socket that
 * Python made itself (socket.__new__).
 */
static void t_resolver_sort(void)
{
	struct pyx_corr_opts o = { .procfs = procfs, .resolv_conf = resolv_conf };
	struct sockaddr_in r1 = sin4("192.0.2.1", 0), r1p = sin4("192.0.2.1", 80);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	const uint64_t sortdg = 2 | 02000000, stream = 1 | 02000000, nl_raw = 3 | 02000000;
	unsigned int i;

	start(&o);
	/* 1. a forged getaddrinfo and no __check_pf(): glibc's sorting socket, port 0 and the
	 * event's port */
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "x.example",
	      (int64_t)80, (int64_t)0, (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 3, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &r1p, sizeof(r1p));
	/* 2. the netlink socket, and its bind's shape on another fd: no __check_pf() yet */
	sysc(100, 100, PYX_SC_socket, 4, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 5, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 6, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 6, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	/* 3. its bind: but a sorting socket made before it, a stream socket, are not the sort's */
	sysc(100, 100, PYX_SC_bind, 0, 4, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_connect, 0, 6, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_socket, 7, 2, stream, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	/* 4. on the netlink socket: glibc's request; 32 bytes, no address, sendmsg, sendmmsg */
	sysc(100, 100, PYX_SC_sendto, 20, 4, 0, 20, 0, 0, 12, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_sendto, 32, 4, 0, 32, 0, 0, 12, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_sendto, 20, 4, 0, 20, 0, 0, 0, NULL, (size_t)0);
	sysc(100, 100, PYX_SC_sendmsg, 32, 4, 0, 0, 0, 0, 0, NULL, (size_t)0);
	sysc(100, 100, PYX_SC_sendmmsg, 1, 4, 0, 1, 0, 0, 0, NULL, (size_t)0);
	/* 5. the next event ends the lookup: no sorting without a __check_pf() of its own */
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "y.example",
	      (int64_t)80, (int64_t)0, (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 9, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 9, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	/* 6. a netlink socket Python made (socket.__new__ explains it): its sends are its own */
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "Oiii", (int64_t)-1, (int64_t)16,
	      (int64_t)3, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 10, 16, nl_raw, 0, 0, 0, 0);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	sysc(100, 100, PYX_SC_sendto, 32, 10, 0, 32, 0, 0, 12, &nl, sizeof(nl));
	/* 7. before a socket event: no __check_pf(), then one whose socket is sent a 32-byte
	 * message (the run ends: all unaudited), then a sorting connect after it */
	sysc(100, 100, PYX_SC_socket, 11, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 11, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_socket, 12, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 12, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 13, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 13, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_sendto, 32, 12, 0, 32, 0, 0, 12, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_connect, 0, 13, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "OT", (int64_t)3, "x.example",
	      (int64_t)1);
	expect("resolver sorting",
	       "A 100 socket.getaddrinfo matched [socket,socket,bind,socket,bind,socket,sendto]\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 bind -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 sendto -\n"
	       "S 100 sendto unaudited after socket.getaddrinfo\n"
	       "S 100 sendto unaudited after socket.getaddrinfo\n"
	       "S 100 sendmsg unaudited after socket.getaddrinfo\n"
	       "S 100 sendmmsg unaudited after socket.getaddrinfo\n"
	       "A 100 socket.getaddrinfo matched [socket]\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "A 100 socket.__new__ matched [socket]\n"
	       "S 100 socket -\n"
	       "A 100 app.other -\n"
	       "S 100 sendto -\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after app.other\n"
	       "S 100 socket unaudited after app.other\n"
	       "S 100 bind unaudited after app.other\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after app.other\n"
	       "S 100 sendto unaudited after app.other\n"
	       "S 100 connect unaudited after app.other\n"
	       "A 100 socket.connect no-syscall\n");

	/* 8. a genuine lookup's sorting: the socket reused after __check_pf() closed its own, 32
	 * results with the AF_UNSPEC reset between two, then a 33rd, also after another
	 * __check_pf(); an fd past the fd table; a fork's sends on that socket */
	start(&o);
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "db.example",
	      (int64_t)80, (int64_t)0, (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 3, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 3, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_sendto, 20, 3, 0, 20, 0, 0, 12, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 3, 2, sortdg, 0, 0, 0, 0);
	for (i = 0; i < 32; i++) {
		if (i)
			sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &unspec,
			     sizeof(unspec));
		if (i & 1)
			sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &r1, sizeof(r1));
		else
			sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &r1p, sizeof(r1p));
	}
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &unspec, sizeof(unspec));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	/* another __check_pf() in the same window adds none */
	sysc(100, 100, PYX_SC_socket, 4, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 4, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 5, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 5, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	/* an fd the table does not keep (1024 and above): the thread's word; then that number
	 * another socket's */
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "db.example",
	      (int64_t)80, (int64_t)0, (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 1500, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 1500, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 1500, 2, sortdg, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 1500, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_socket, 1500, 2, stream, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 1500, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	/* a fork inherits __check_pf()'s socket as it is */
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	sysc(200, 200, PYX_SC_sendto, 32, 4, 0, 32, 0, 0, 12, &nl, sizeof(nl));
	sysc(200, 200, PYX_SC_sendto, 20, 4, 0, 20, 0, 0, 12, &nl, sizeof(nl));
	{
		char want[16384];
		size_t n = 0;

		n += snprintf(want + n, sizeof(want) - n,
			      "A 100 socket.getaddrinfo matched [socket,bind,sendto,socket");
		for (i = 4; i < 32; i++)
			n += snprintf(want + n, sizeof(want) - n, ",connect");
		n += snprintf(want + n, sizeof(want) - n,
			      "]\nS 100 socket -\nS 100 bind -\nS 100 sendto -\nS 100 socket -\n");
		for (i = 0; i < 63; i++)
			n += snprintf(want + n, sizeof(want) - n, "S 100 connect -\n");
		snprintf(want + n, sizeof(want) - n,
			 "S 100 connect unaudited after socket.getaddrinfo\n"
			 "S 100 connect unaudited after socket.getaddrinfo\n"
			 "S 100 socket -\n"
			 "S 100 bind -\n"
			 "S 100 socket -\n"
			 "S 100 connect unaudited after socket.getaddrinfo\n"
			 "A 100 app.other -\n"
			 "A 100 socket.getaddrinfo matched [socket,bind,socket,connect,socket]\n"
			 "S 100 socket -\n"
			 "S 100 bind -\n"
			 "S 100 socket -\n"
			 "S 100 connect -\n"
			 "S 100 socket -\n"
			 "S 100 connect unaudited after socket.getaddrinfo\n"
			 "A 100 app.other -\n"
			 "P 100 1\n"
			 "S 200 sendto unaudited after app.other\n"
			 "S 200 sendto -\n");
		expect("resolver sorting: at most 32 results", want);
	}
}

/* resolv.conf as glibc's res_init.c res_vinit_1() reads it (corr_native.c read_nameservers()):
 * line by line, a NUL byte ending its line only, the whole file, a trailing '\r' part of the
 * address (none then), __inet_aton_exact(), the first three that parse. */
static void write_conf(const char *data, size_t n)
{
	FILE *f = fopen(resolv_conf, "w");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f)) {
		perror("resolv.conf");
		exit(1);
	}
}

static void t_resolv_conf(void)
{
	struct pyx_corr_opts o = { .procfs = procfs, .resolv_conf = resolv_conf };
	static const char nul[] =
		"nameserver 10.0.0.1\0junk\n\0nameserver 10.0.0.4\n"
		"nameserver 10.0.0.2\n";
	static const char crlf[] = "nameserver 10.0.0.6\r\nnameserver 10.0.0.7\n";
	static const char maxns[] =
		"nameserver bogus\nnameserver 10.0.0.8\n"
		"nameserver 10.0.0.9%eth0\nnameserver fd00::1%eth0\n"
		"nameserver 10.0.0.10 # the third\nnameserver 10.0.0.11\n";
	static const char vt[] = "nameserver 10.0.0.15\v\nnameserver\t10.0.0.16\t\n";
	static char big[20100];
	const char *const a[] = { "10.0.0.1", "10.0.0.2", "10.0.0.4" };
	const char *const c[] = { "10.0.0.6", "10.0.0.7" };
	const char *const d[] = { "10.0.0.8", "10.0.0.9", "10.0.0.10", "10.0.0.11" };
	const char *const v[] = { "10.0.0.15", "10.0.0.16" };
	struct sockaddr_in6 fd1 = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
	struct sockaddr_in sa;
	unsigned int i;
	size_t n;

	inet_pton(AF_INET6, "fd00::1", &fd1.sin6_addr);
	start(&o);
	audit(100, 100, PYX_EV_SOCKET_GETHOSTBYNAME, "socket.gethostbyname", "s", "x.example");
	write_conf(nul, sizeof(nul) - 1);
	for (i = 0; i < 3; i++) {
		sa = sin4(a[i], 53);
		sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &sa, sizeof(sa));
	}
	/* the server on the line after 20000 bytes of comment */
	n = (size_t)snprintf(big, sizeof(big), "#");
	memset(big + n, 'x', 20000);
	n += 20000;
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\nnameserver 10.0.0.5\n");
	write_conf(big, n);
	sa = sin4("10.0.0.5", 53);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &sa, sizeof(sa));
	write_conf(crlf, sizeof(crlf) - 1);
	for (i = 0; i < 2; i++) {
		sa = sin4(c[i], 53);
		sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &sa, sizeof(sa));
	}
	write_conf(maxns, sizeof(maxns) - 1);
	for (i = 0; i < 4; i++) {
		sa = sin4(d[i], 53);
		sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &sa, sizeof(sa));
	}
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 28, 0, 0, 0, &fd1, sizeof(fd1));
	write_conf(vt, sizeof(vt) - 1);
	for (i = 0; i < 2; i++) {
		sa = sin4(v[i], 53);
		sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &sa, sizeof(sa));
	}
	/* inet_aton's short form, on a last line with no newline */
	write_conf("nameserver 10.1", 15);
	sa = sin4("10.0.0.1", 53);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &sa, sizeof(sa));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	expect("resolv.conf as glibc reads it",
	       "A 100 socket.gethostbyname matched "
	       "[connect,connect,connect,connect,connect,connect,connect,connect,connect]\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyname\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyname\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyname\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyname\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyname\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "A 100 app.other -\n");
}

/*
 * The resolver events' windows (socket.getaddrinfo, gethostbyname, gethostbyaddr, getnameinfo,
 * getservby*) explain, of the sensitive socket syscalls, only what one lookup by glibc makes
 * (corr_lookup_shape, the same shapes as t_resolver_pre's): a forged
 * sys.audit("socket.getaddrinfo", "x.example", 80, 0, 0, 0) followed by a native connect, a send
 * to an address, a raw socket, an AF_UNIX connect elsewhere explains none of them; a genuine
 * lookup's connects (nscd, UDP and TCP to each nameserver, sorting: port 0, or the service's
 * port from glibc's datagram socket), netlink socket and bind, and the NSS daemons' sockets are
 * explained; getnameinfo and getservby* (no getaddrinfo() sorting) only the nameservers and
 * daemons; and in a process that changed its mount namespace the nameservers and daemons are no
 * longer known.
 */
static void t_resolver_window(void)
{
	struct pyx_corr_opts o = { .procfs = procfs, .resolv_conf = resolv_conf };
	struct sockaddr_in ns = sin4("10.0.0.53", 53), other = sin4("10.0.0.99", 53);
	struct sockaddr_in ns80 = sin4("10.0.0.53", 80), dst = sin4("192.0.2.1", 443);
	struct sockaddr_in r1 = sin4("192.0.2.1", 0), r2 = sin4("192.0.2.2", 0);
	struct sockaddr_in r1p = sin4("192.0.2.1", 5432), r2p = sin4("192.0.2.2", 5432);
	struct sockaddr_in r1q = sin4("192.0.2.1", 5433);
	struct sockaddr_in6 ns6 = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_un nscd = { .sun_family = AF_UNIX, .sun_path = "/var/run/nscd/socket" };
	struct sockaddr_un resolved = { .sun_family = AF_UNIX,
					.sun_path = "/run/systemd/resolve/io.systemd.Resolve" };
	struct sockaddr_un avahi = { .sun_family = AF_UNIX,
				     .sun_path = "/run/avahi-daemon/socket" };
	struct sockaddr_un dbus = { .sun_family = AF_UNIX,
				    .sun_path = "/run/dbus/system_bus_socket" };
	struct sockaddr_un abs = { .sun_family = AF_UNIX,
				   .sun_path = "\0/run/systemd/resolve/io.systemd.Resolve" };
	const uint64_t dgram = 2 | 02000000 | 04000, stream = 1 | 02000000, nl_raw = 3 | 02000000;
	FILE *f = fopen(resolv_conf, "w");

	if (!f) {
		perror("resolv.conf");
		exit(1);
	}
	fputs("nameserver 10.0.0.53\nnameserver fd00::53\n", f);
	fclose(f);
	inet_pton(AF_INET6, "fd00::53", &ns6.sin6_addr);
	start(&o);
	/* 1. forged: every sensitive socket syscall that is no lookup's stays unaudited */
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "x.example",
	      (int64_t)80, (int64_t)0, (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 3, 2, stream, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &dst, sizeof(dst));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &other, sizeof(other));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &ns80, sizeof(ns80));
	sysc(100, 100, PYX_SC_sendto, 1, 4, 0, 1, 0, 0, 16, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_socket, 5, 2, 3, 1, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 6, 0, 110, 0, 0, 0, &dbus, sizeof(dbus));
	sysc(100, 100, PYX_SC_connect, 0, 6, 0, 42, 0, 0, 0, &abs, (size_t)42);
	/* the nameserver, connected first (no event in between), still explained after them */
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	/* code mapped: no NSS module, nothing the window explains (a lookup's are native_lib's) */
	sysc(100, 100, PYX_SC_openat, 9, FDCWD, 0, 0, 0, 0, 0, "/tmp/evil.so");
	sysc(100, 100, PYX_SC_mmap, 0x1000, 0, 4096, 5, 2, 9, 0);
	/* 2. a genuine lookup with two results: nscd, UDP and TCP to the servers, netlink, sort */
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "db.example",
	      (int64_t)5432, (int64_t)0, (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/etc/hosts");
	sysc(100, 100, PYX_SC_socket, 3, 1, 1 | 02000000 | 04000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, -2, 3, 0, 110, 0, 0, 0, &nscd, sizeof(nscd));
	sysc(100, 100, PYX_SC_socket, 3, 2, dgram, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_sendto, 30, 3, 0, 30, 0, 0, 0, NULL, (size_t)0);
	sysc(100, 100, PYX_SC_socket, 4, 2, stream, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_socket, 5, 10, dgram, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 5, 0, 28, 0, 0, 0, &ns6, sizeof(ns6));
	sysc(100, 100, PYX_SC_socket, 6, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	/* an NSS module of the hosts line, loaded (ex_native_lib) */
	sysc(100, 100, PYX_SC_openat, 9, FDCWD, 0, 0, 0, 0, 0,
	     "/usr/lib/x86_64-linux-gnu/libnss_myhostname.so.2");
	sysc(100, 100, PYX_SC_mmap, 0x1000, 0, 4096, 5, 2, 9, 0);
	/* rfc3484_sort(): its own datagram socket, the results with the service's port */
	sysc(100, 100, PYX_SC_socket, 7, 2, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1p, sizeof(r1p));
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &unspec, sizeof(unspec));
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r2p, sizeof(r2p));
	/* near misses: that port from a stream socket (a connection), another port */
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &r1p, sizeof(r1p));
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1q, sizeof(r1q));
	/* a numeric string is a port too; a service name is not looked up (each lookup sorts
	 * after its own __check_pf(), on a socket of its own) */
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "ssiii", "db.example",
	      "5433", (int64_t)0, (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 6, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 7, 2, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1q, sizeof(r1q));
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "ssiii", "db.example",
	      "postgresql", (int64_t)0, (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 6, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 7, 2, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1q, sizeof(r1q));
	/* 3. gethostbyaddr through an NSS module's daemon, and its D-Bus look-alike; setipaddr()'s
	 * getaddrinfo() has no service: port 0 only */
	audit(100, 100, PYX_EV_SOCKET_GETHOSTBYADDR, "socket.gethostbyaddr", "s", "192.0.2.1");
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &resolved, sizeof(resolved));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &avahi, sizeof(avahi));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &dbus, sizeof(dbus));
	sysc(100, 100, PYX_SC_socket, 6, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 7, 2, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r2, sizeof(r2));
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r2p, sizeof(r2p));
	/* 4. getnameinfo: a PTR query; no getaddrinfo() sorting, no netlink */
	audit(100, 100, PYX_EV_SOCKET_GETNAMEINFO, "socket.getnameinfo", "O", (int64_t)0);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	sysc(100, 100, PYX_SC_socket, 4, 16, nl_raw, 0, 0, 0, 0);
	/* 5. a process that changed its mount namespace: its nameservers are its own */
	sysc(100, 100, PYX_SC_unshare, 0, 0x00020000 /* CLONE_NEWNS */, 0, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_SOCKET_GETADDRINFO, "socket.getaddrinfo", "siiii", "db.example",
	      (int64_t)5432, (int64_t)0, (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 16, 0, 0, 0, &ns, sizeof(ns));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &resolved, sizeof(resolved));
	sysc(100, 100, PYX_SC_socket, 6, 16, nl_raw, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_bind, 0, 6, 0, 12, 0, 0, 0, &nl, sizeof(nl));
	sysc(100, 100, PYX_SC_socket, 7, 2, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 16, 0, 0, 0, &r1, sizeof(r1));
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	expect("resolver windows",
	       "A 100 socket.getaddrinfo matched [socket,connect,openat]\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 sendto unaudited after socket.getaddrinfo\n"
	       "S 100 socket unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect -\n"
	       "S 100 openat -\n"
	       "S 100 mmap unaudited after socket.getaddrinfo\n"
	       "A 100 socket.getaddrinfo matched "
	       "[openat,socket,connect,socket,connect,sendto,socket,connect,socket,connect,"
	       "socket,bind,openat,socket,connect,connect,connect]\n"
	       "S 100 openat -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 sendto -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 openat -\n"
	       "S 100 mmap -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "A 100 socket.getaddrinfo matched [socket,bind,socket,connect]\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "A 100 socket.getaddrinfo matched [socket,bind,socket,connect]\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "A 100 socket.gethostbyaddr matched [connect,connect,socket,bind,socket,connect]\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyaddr\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.gethostbyaddr\n"
	       "A 100 socket.getnameinfo matched [connect]\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after socket.getnameinfo\n"
	       "S 100 socket unaudited after socket.getnameinfo\n"
	       "S 100 unshare unaudited after socket.getnameinfo\n"
	       "A 100 socket.getaddrinfo matched [socket,bind,socket,connect]\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 connect unaudited after socket.getaddrinfo\n"
	       "S 100 socket -\n"
	       "S 100 bind -\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "A 100 app.other -\n");
}

/* Review: native_lib's library must be the inode the process maps there (/proc/PID/map_files):
 * a name the fd table keeps for an fd replaced since (fcntl F_DUPFD, untraced), or a "../" through
 * a symlink, maps another file; the same inode, or a process with no maps left (gone), is the
 * loader's as before. */
static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(data, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void t_native_lib_inode(void)
{
	static const char lib[] = "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1";
	char path[700];

	snprintf(path, sizeof(path), "%s/300", procfs);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/300/map_files", procfs);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/300/maps", procfs);
	write_file(path,
		   "7f0000000000-7f0000010000 r-xp 00000000 08:01 12 /usr/lib/x\n"
		   "7f0000020000-7f0000030000 r-xp 00000000 08:01 13 /usr/lib/y\n");
	snprintf(path, sizeof(path), "%s/300/map_files/7f0000000000-7f0000010000", procfs);
	unlink(path);
	if (symlink("/etc/passwd", path)) /* another file */
		exit(1);
	snprintf(path, sizeof(path), "%s/300/map_files/7f0000020000-7f0000030000", procfs);
	unlink(path);
	if (symlink(lib, path))
		exit(1);
	start(NULL);
	hook_start(300);
	sysc(300, 300, PYX_SC_openat, 5, FDCWD, 0, 0, 0, 0, 0, lib);
	sysc(300, 300, PYX_SC_mmap, 0x7f0000000000, 0, 4096, 5, 2, 5, 0);
	sysc(300, 300, PYX_SC_mmap, 0x7f0000020000, 0, 4096, 5, 2, 5, 0);
	sysc(300, 300, PYX_SC_mmap, 0x7f0000040000, 0, 4096, 5, 2, 5, 0); /* nothing there now */
	/* a process with no maps (gone): judged by the name */
	hook_start(301);
	sysc(301, 301, PYX_SC_openat, 5, FDCWD, 0, 0, 0, 0, 0, lib);
	sysc(301, 301, PYX_SC_mmap, 0x7f0000000000, 0, 4096, 5, 2, 5, 0);
	expect("native_lib inode",
	       "L 300\n"
	       "S 300 openat -\n"
	       "S 300 mmap unaudited after nothing\n"
	       "S 300 mmap -\n"
	       "S 300 mmap unaudited after nothing\n"
	       "L 301\n"
	       "S 301 openat -\n"
	       "S 301 mmap -\n");
}

/* Review: a path the BPF copy cut (PYX_SC_STR_MAX) vouches for nothing past the cut: a claim
 * of P/harmless does not explain a create of P/../escaped cut to "P/" (nor an exec of a cut
 * name); a cut path of another prefix still differs. */
static void t_cut_path(void)
{
	static char p[PYX_SC_STR_MAX], claim[PYX_SC_STR_MAX + 16];
	const char *av[] = { "x" };

	memcpy(p, "/t/", 3);
	memset(p + 3, 'a', PYX_SC_STR_MAX - 2 - 3);
	p[PYX_SC_STR_MAX - 2] = '/'; /* 1,023 bytes: what the copy keeps of P/../escaped */
	snprintf(claim, sizeof(claim), "%.*sharmless", PYX_SC_STR_MAX - 1, p);
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "sni", claim, (int64_t)(O_W_C_T));
	cur_cut = true;
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T, 0666, 0, 0, p);
	audit(100, 100, PYX_EV_OPEN, "open", "sni", "/t/b", (int64_t)(O_W_C_T));
	cur_cut = true;
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T, 0666, 0, 0, p);
	audit(100, 100, PYX_EV_OS_EXEC, "os.exec", "sLn", claim, 1u, av[0]);
	cur_cut = true;
	sysc(100, 100, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, p, 1u, av);
	expect("cut path",
	       "A 100 open no-syscall\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 open mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 os.exec no-syscall\n"
	       "S 100 execve unaudited after os.exec\n");
}

/* libuuid asks uuidd at /run/uuidd/request (gen_uuid.c get_uuid_via_daemon()) with no audit
 * event: that AF_UNIX path only, not a longer one, not an abstract name */
static void t_uuidd(void)
{
	struct sockaddr_un run = { .sun_family = AF_UNIX, .sun_path = "/run/uuidd/request" };
	struct sockaddr_un var = { .sun_family = AF_UNIX, .sun_path = "/var/run/uuidd/request" };
	struct sockaddr_un longer = { .sun_family = AF_UNIX, .sun_path = "/run/uuidd/request2" };
	struct sockaddr_un abstract = { .sun_family = AF_UNIX, .sun_path = "\0/run/uuidd/request" };

	start(NULL);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.other", "");
	sysc(100, 100, PYX_SC_connect, -2, 3, 0, 110, 0, 0, 0, &run, sizeof(run));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &var, sizeof(var));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &longer, sizeof(longer));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 21, 0, 0, 0, &abstract, (size_t)21);
	expect("uuidd",
	       "A 100 app.other -\n"
	       "S 100 connect -\n"
	       "S 100 connect -\n"
	       "S 100 connect unaudited after app.other\n"
	       "S 100 connect unaudited after app.other\n");
}

/* glibc's nscd socket (nscd_helper.c open_socket()) in a socket.__new__ window that made no
 * socket(2) (SSLSocket: fileno=), from the name resolution socket.connect does before its event:
 * not that window's counterpart; the same family claimed, or another AF_UNIX shape, is */
static void t_nscd_socket(void)
{
	/* SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK */
	const uint64_t nscd_type = 1 | 02000000 | 04000;

	start(NULL);
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "Oiii", (int64_t)-1, (int64_t)2,
	      (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 5, 1, nscd_type, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "Oiii", (int64_t)-1, (int64_t)2,
	      (int64_t)1, (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 6, 1, 1 | 02000000, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_SOCKET_NEW, "socket.__new__", "Oiii", (int64_t)-1, (int64_t)1,
	      (int64_t)(1 | 04000), (int64_t)0);
	sysc(100, 100, PYX_SC_socket, 7, 1, nscd_type, 0, 0, 0, 0);
	expect("nscd socket",
	       "A 100 socket.__new__ no-syscall\n"
	       "S 100 socket -\n"
	       "A 100 socket.__new__ mismatch [socket] (family differs)\n"
	       "S 100 socket -\n"
	       "A 100 socket.__new__ matched [socket]\n"
	       "S 100 socket -\n");
}

static void t_composite(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_SHUTIL_COPYFILE, "shutil.copyfile", "ss", "/s/a", "/d/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/s/a", "rb", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/s/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/d/a", "wb", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, O_W_C_T, 0666, 0, 0, "/d/a");
	audit(100, 100, PYX_EV_TEMPFILE_MKDTEMP, "tempfile.mkdtemp", "s", "/tmp/tmpab");
	audit(100, 100, PYX_EV_OS_MKDIR, "os.mkdir", "sin", "/tmp/tmpab", (int64_t)0700);
	sysc(100, 100, PYX_SC_mkdir, 0, 0, 0700, 0, 0, 0, 0, "/tmp/tmpab");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	expect("composite",
	       "A 100 shutil.copyfile matched [openat,openat]\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 tempfile.mkdtemp matched [mkdir]\n"
	       "A 100 os.mkdir matched [mkdir]\n"
	       "S 100 mkdir -\n"
	       "A 100 ctypes.call_function -\n");
}

/* Composites (red-team a16): each path of a counterpart by its role, resolved ("CLAIM/../.." is
 * not under CLAIM), the walks and globs reading only, and a sub-event gives the composite one
 * syscall of its own kind, spent by the first such syscall after it (none when the sub-event's
 * syscalls are not traced: os.listxattr). */
static void t_composite_roles(void)
{
	start(NULL);
	/* os.walk("/") + os.listxattr (no traced syscall): a native write open is not a walk's */
	audit(100, 100, PYX_EV_OS_WALK, "os.walk", "sinn", "/", (int64_t)1);
	audit(100, 100, PYX_EV_OS_LISTXATTR, "os.listxattr", "s", "/");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/w");
	/* copytree: its own open's counterpart under dst is explained (once), a write under src
	 * or climbing out of it is not; one through a sub-event with no traced syscall neither */
	audit(100, 100, PYX_EV_SHUTIL_COPYTREE, "shutil.copytree", "ss", "/t/src", "/t/dst");
	audit(100, 100, PYX_EV_OS_LISTXATTR, "os.listxattr", "s", "/t");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/t/dst/x");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/t/dst/g", "wb", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/t/dst/g2");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/t/dst/h");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/t/dst/i", "wb", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 7, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/t/src/i");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/t/dst/j", "wb", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_openat, 8, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/t/src/../../out/j");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	/* move: a rename from under src to under dst, not from dst out of the tree */
	audit(100, 100, PYX_EV_SHUTIL_MOVE, "shutil.move", "ss", "/t/m/src", "/t/m/dst");
	audit(100, 100, PYX_EV_OS_RENAME, "os.rename", "ssnn", "/t/m/src", "/t/m/dst");
	sysc(100, 100, PYX_SC_rename, 0, 0, 0, 0, 0, 0, 0, "/t/m/src/a", "/t/m/dst/a");
	audit(100, 100, PYX_EV_OS_RENAME, "os.rename", "ssnn", "/t/m/src", "/t/m/dst");
	sysc(100, 100, PYX_SC_rename, 0, 0, 0, 0, 0, 0, 0, "/t/m/dst/evil", "/t/out/p");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	/* rmtree: the sub-event's own unlink spends what it gave */
	audit(100, 100, PYX_EV_SHUTIL_RMTREE, "shutil.rmtree", "sn", "/t/r");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "sn", "/t/r/f");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/t/r/f");
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/t/r/g");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	expect("composites: roles, resolved paths, sub-event budget",
	       "A 100 os.walk no-syscall\n"
	       "A 100 os.listxattr -\n"
	       "S 100 openat unaudited after os.listxattr\n"
	       "A 100 shutil.copytree matched [openat,openat,openat,openat,openat]\n"
	       "A 100 os.listxattr -\n"
	       "S 100 openat unaudited after os.listxattr\n"
	       "A 100 open mismatch [openat,openat] (path differs)\n"
	       "S 100 openat -\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 open mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 open mismatch [openat] (path differs)\n"
	       "S 100 openat unaudited after open\n"
	       "A 100 ctypes.call_function -\n"
	       "A 100 shutil.move matched [rename,rename]\n"
	       "A 100 os.rename mismatch [rename] (path differs)\n"
	       "S 100 rename -\n"
	       "A 100 os.rename mismatch [rename] (path differs)\n"
	       "S 100 rename unaudited after os.rename\n"
	       "A 100 ctypes.call_function -\n"
	       "A 100 shutil.rmtree matched [unlinkat,unlinkat]\n"
	       "A 100 os.remove matched [unlinkat,unlinkat]\n"
	       "S 100 unlinkat -\n"
	       "S 100 unlinkat unaudited after os.remove\n"
	       "A 100 ctypes.call_function -\n");
}

static void t_lost_caps_expiry(void)
{
	struct pyx_corr_opts o = { .max_held = 3, .procfs = procfs };
	struct pyx_corr_stats st;
	uint64_t p50, p99;

	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	lost();
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	/* a window closes by itself once its thread has been idle long enough */
	pyx_corr_tick(C, now + 10);
	say("tick\n");
	pyx_corr_tick(C, now + PYX_CORR_WINDOW_NS + 1);
	expect("lost and expiry",
	       "X\n"
	       "A 100 open indeterminate [openat] (records were lost while its window was open)\n"
	       "S 100 openat -\n"
	       "tick\n"
	       "A 100 open no-syscall\n");

	/* after a loss, an unexplained syscall may have lost its audit event: not a finding until
	 * its thread raises an event again; threads first seen right after the loss too */
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	lost();
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/x");
	hook_start(700);
	sysc(700, 700, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/y");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/x");
	expect("uncertain after a loss",
	       "X\n"
	       "L 700\n"
	       "S 700 unlink indeterminate\n"
	       "A 100 open indeterminate (records were lost while its window was open)\n"
	       "S 100 unlink indeterminate\n"
	       "A 100 ctypes.call_function -\n"
	       "S 100 unlink unaudited after ctypes.call_function\n");

	start(&o);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	pyx_corr_stats(C, &st);
	checks++;
	if (st.capped != 1 || pyx_corr_latency(C, PYX_EV_OPEN, &p50, &p99) != 0) {
		fprintf(stderr, "FAIL caps: capped %lu\n", (unsigned long)st.capped);
		exit(1);
	}
	expect("caps",
	       "A 100 open indeterminate [openat,openat,openat] (correlation limit reached)\n"
	       "S 100 openat -\n"
	       "S 100 openat -\n"
	       "S 100 openat -\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n");
}

/* A THROTTLED record doubts only its uid's threads: the flooder's open window and next
 * unexplained syscall, and a thread of that uid first seen just after; root's are judged. */
static void t_throttled(void)
{
	start(NULL);
	cur_uid = 1000;
	audit(200, 200, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	cur_uid = 0;
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	throttled(1000);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/b");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/x");
	cur_uid = 1000;
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/y");
	hook_start(300);
	sysc(300, 300, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/z");
	cur_uid = 0;
	expect("throttled",
	       "T 1000\n"
	       "L 300\n"
	       "S 300 unlink indeterminate\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "S 100 unlink unaudited after open\n"
	       "A 200 open indeterminate (records were lost while its window was open)\n"
	       "S 200 unlink indeterminate\n");
}

/*
 * The stress test's rare no-syscall (tests/test_robust_stress.py, open-4096): a thread's openat
 * record is dropped (ring full, or throttled); another CPU takes the pending count to report it,
 * and before its LOST or THROTTLED record is in the ring the thread's next audit event is: that
 * event closed the first window as no-syscall, and the report came after it. The kernel side now
 * flags such a record (PYX_HDRF_*, pyxcheck_wire.h), and the report that follows is read as usual.
 */
static void t_unreported_drop(void)
{
	/* throttled: the flag doubts that uid's windows, as the THROTTLED record would */
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	cur_hflags = PYX_HDRF_THROTTLED_BEFORE;
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/b");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/c", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/c");
	throttled(0);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/d", "r", (int64_t)0);
	expect("throttled, reported after the next event",
	       "A 100 open indeterminate (records were lost while its window was open)\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "T 0\n"
	       "A 100 open indeterminate [openat] (records were lost while its window was open)\n"
	       "S 100 openat -\n"
	       "A 100 open no-syscall\n");

	/* lost: every open window is in doubt; the flag on a syscall record (it decodes as usual) */
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	audit(101, 101, PYX_EV_OPEN, "open", "ssi", "/e", "r", (int64_t)0);
	cur_hflags = PYX_HDRF_LOST_BEFORE;
	sysc(101, 101, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/e");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/b");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/c", "r", (int64_t)0);
	audit(101, 101, PYX_EV_OPEN, "open", "ssi", "/f", "r", (int64_t)0);
	expect("lost, reported after the next event",
	       "A 100 open indeterminate (records were lost while its window was open)\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 101 open indeterminate [openat] (records were lost while its window was open)\n"
	       "S 101 openat -\n"
	       "A 100 open no-syscall\n"
	       "A 101 open no-syscall\n");

	/* another uid's throttled records do not doubt root's window */
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	cur_uid = 1000;
	cur_hflags = PYX_HDRF_THROTTLED_BEFORE;
	audit(200, 200, PYX_EV_OPEN, "open", "ssi", "/y", "r", (int64_t)0);
	cur_uid = 0;
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	expect("throttled, another uid",
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 open no-syscall\n"
	       "A 200 open no-syscall\n");

	/* under overload every record is flagged: a flag that finds nothing new since the last
	 * one skips the walk (doubt_gen), but a window opened since is put in doubt */
	start(NULL);
	audit(101, 101, PYX_EV_OPEN, "open", "ssi", "/e", "r", (int64_t)0);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	cur_hflags = PYX_HDRF_LOST_BEFORE;
	sysc(101, 101, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/e");
	cur_hflags = PYX_HDRF_LOST_BEFORE;
	sysc(101, 101, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/e");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	cur_hflags = PYX_HDRF_LOST_BEFORE;
	sysc(101, 101, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/e");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/c", "r", (int64_t)0);
	cur_uid = 1000;
	audit(102, 102, PYX_EV_OPEN, "open", "ssi", "/y", "r", (int64_t)0);
	cur_uid = 0;
	cur_hflags = PYX_HDRF_THROTTLED_BEFORE;
	audit(101, 101, PYX_EV_OPEN, "open", "ssi", "/f", "r", (int64_t)0);
	cur_hflags = PYX_HDRF_THROTTLED_BEFORE;
	audit(101, 101, PYX_EV_OPEN, "open", "ssi", "/g", "r", (int64_t)0);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/d", "r", (int64_t)0);
	audit(102, 102, PYX_EV_OPEN, "open", "ssi", "/z", "r", (int64_t)0);
	expect("flagged records one after another",
	       "A 100 open indeterminate (records were lost while its window was open)\n"
	       "A 100 open indeterminate (records were lost while its window was open)\n"
	       "A 101 open indeterminate [openat,openat,openat] (records were lost while its window "
	       "was open)\n"
	       "S 101 openat -\n"
	       "S 101 openat -\n"
	       "S 101 openat -\n"
	       "A 101 open indeterminate (records were lost while its window was open)\n"
	       "A 100 open indeterminate (records were lost while its window was open)\n"
	       "A 102 open no-syscall\n"
	       "A 100 open no-syscall\n"
	       "A 101 open no-syscall\n"
	       "A 102 open no-syscall\n");
}

static void t_unhooked(void)
{
	/* a process that never fired the hook is not judged */
	start(NULL);
	sysc(400, 400, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/q");
	hook_start(400);
	sysc(400, 400, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/q");
	expect("unhooked",
	       "S 400 unlink -\n"
	       "L 400\n"
	       "S 400 unlink unaudited after nothing\n");
}

/* glibc shm_open/shm_unlink under multiprocessing.shared_memory, and sem_unlink by another
 * process (corr_rules.c shm_open_unlink): a name a hooked Python created in shm_open's create
 * shape may be attached to and unlinked by any hooked process of its uid, once; nothing else. */
#define SHM_CREATE                                                                                 \
	(02 | 0100 | 0200 | 0400000 | 02000000) /* O_RDWR|O_CREAT|O_EXCL|NOFOLLOW|CLOEXEC */
#define SHM_ATTACH (02 | 0400000 | 02000000)
#define AT_RMDIR 0x200

static void t_shm(void)
{
	unsigned int i;
	char name[64], want[16384];
	size_t n = 0;

	start(NULL);
	cur_uid = 1000;
	hook_start(100);
	hook_start(200);
	/* created by 100, attached and unlinked by 200; a second unlink is not explained */
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_1");
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_1");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_1");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_1");
	/* ... but a failed one (ENOENT: a second unlink(), the resource tracker's) is */
	sysc(100, 100, PYX_SC_unlink, -2, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_1");
	/* an attach of no such name (ENOENT): nothing opened; EACCES, O_TRUNC or an unlink is not
	 * that */
	sysc(200, 200, PYX_SC_openat, -2, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_gone");
	sysc(200, 200, PYX_SC_openat, -13, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_gone");
	sysc(200, 200, PYX_SC_openat, -2, FDCWD, 0, SHM_ATTACH | 01000, 0, 0, 0,
	     "/dev/shm/psm_gone");
	sysc(200, 200, PYX_SC_unlink, -2, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_gone");
	/* another uid attaches to and unlinks a name uid 1000 created */
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_2");
	cur_uid = 0;
	hook_start(300);
	sysc(300, 300, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_2");
	sysc(300, 300, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_2");
	/* it is gone, whoever unlinked it */
	cur_uid = 1000;
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_2");
	/* an unhooked creator, a failed create, another mode, O_TRUNC: nothing learnt */
	sysc(400, 400, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_3");
	sysc(100, 100, PYX_SC_openat, -17, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_4");
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, SHM_CREATE, 0644, 0, 0, "/dev/shm/psm_5");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, SHM_CREATE | 01000, 0600, 0, 0,
	     "/dev/shm/psm_6");
	sysc(200, 200, PYX_SC_openat, 7, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_3");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_3");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_4");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_5");
	/* a learnt name: attached truncating, removed as a directory */
	sysc(100, 100, PYX_SC_openat, 8, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_7");
	sysc(200, 200, PYX_SC_openat, 8, FDCWD, 0, SHM_ATTACH | 01000, 0, 0, 0, "/dev/shm/psm_7");
	sysc(200, 200, PYX_SC_unlinkat, 0, FDCWD, 0, AT_RMDIR, 0, 0, 0, "/dev/shm/psm_7");
	/* a semaphore 100 made (sem_open: temp file, link, unlink) unlinked by 200 (the resource
	 * tracker) */
	sysc(100, 100, PYX_SC_openat, 9, FDCWD, 0, 02 | 0100 | 0200 | 02000000, 0600, 0, 0,
	     "/dev/shm/sem.AbC123");
	sysc(100, 100, PYX_SC_link, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/sem.AbC123",
	     "/dev/shm/sem.mp-x");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/sem.AbC123");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/sem.mp-x");
	/* openpty's master; the slave by name, another flag */
	sysc(200, 200, PYX_SC_openat, 10, FDCWD, 0, 02, 0, 0, 0, "/dev/ptmx");
	sysc(200, 200, PYX_SC_openat, 11, FDCWD, 0, 02 | 0400, 0, 0, 0, "/dev/pts/3");
	sysc(200, 200, PYX_SC_openat, 12, FDCWD, 0, 02 | 02000, 0, 0, 0, "/dev/ptmx");
	cur_uid = 0;
	expect("shm_open and shm_unlink across processes",
	       "L 100\n"
	       "L 200\n"
	       "S 100 openat -\n"
	       "S 200 openat -\n"
	       "S 200 unlink -\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 100 unlink -\n"
	       "S 200 openat -\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 100 openat -\n"
	       "L 300\n"
	       "S 300 openat unaudited after nothing\n"
	       "S 300 unlink unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 400 openat -\n"
	       "S 100 openat -\n"
	       "S 100 openat unaudited after nothing\n"
	       "S 100 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 100 openat -\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 unlinkat unaudited after nothing\n"
	       "S 100 openat -\n"
	       "S 100 link -\n"
	       "S 100 unlink -\n"
	       "S 200 unlink -\n"
	       "S 200 openat -\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n");

	/* at most 32 names per uid: an unlinked one is dropped first (psm_5), then the oldest
	 * (psm_0) */
	start(NULL);
	hook_start(100);
	n += snprintf(want + n, sizeof(want) - n, "L 100\n");
	for (i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "/dev/shm/psm_%u", i);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, name);
		n += snprintf(want + n, sizeof(want) - n, "S 100 openat -\n");
	}
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_5");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_32");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_33");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_0");
	sysc(100, 100, PYX_SC_unlink, -2, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_5");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_1");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_33");
	n += snprintf(want + n, sizeof(want) - n,
		      "S 100 unlink -\n"
		      "S 100 openat -\n"
		      "S 100 openat -\n"
		      "S 100 unlink unaudited after nothing\n"
		      "S 100 unlink unaudited after nothing\n"
		      "S 100 unlink -\n"
		      "S 100 unlink -\n");
	expect("shm names bounded", want);

	/* one uid's flood (uid 2000, 200 names) does not evict another uid's names (uid 1000's
	 * psm_a); the table is full (128) only with four uids: a fifth takes from the uid holding
	 * the most, never from one holding fewer than itself */
	start(NULL);
	n = 0;
	cur_uid = 1000;
	hook_start(100);
	cur_uid = 2000;
	hook_start(200);
	n += snprintf(want + n, sizeof(want) - n, "L 100\nL 200\n");
	cur_uid = 1000;
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_a");
	n += snprintf(want + n, sizeof(want) - n, "S 100 openat -\n");
	cur_uid = 2000;
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/dev/shm/flood_%u", i);
		sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, name);
		n += snprintf(want + n, sizeof(want) - n, "S 200 openat -\n");
	}
	/* psm_a is still known: explained (and now gone) */
	cur_uid = 1000;
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_a");
	n += snprintf(want + n, sizeof(want) - n, "S 100 unlink -\n");
	/* uids 3000 and 4000: 32 names each; uid 1000 31 more: 128 in all */
	for (i = 0; i < 64; i++) {
		cur_uid = i < 32 ? 3000 : 4000;
		hook_start(300 + i);
		snprintf(name, sizeof(name), "/dev/shm/other_%u", i);
		sysc(300 + i, 300 + i, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, name);
		n += snprintf(want + n, sizeof(want) - n, "L %u\nS %u openat -\n", 300 + i,
			      300 + i);
	}
	cur_uid = 1000;
	for (i = 0; i < 31; i++) {
		snprintf(name, sizeof(name), "/dev/shm/psm_b%u", i);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, name);
		n += snprintf(want + n, sizeof(want) - n, "S 100 openat -\n");
	}
	/* a fifth uid: the table is full, four uids hold 32 each: uid 1000, the first, loses its
	 * gone psm_a; its psm_b0 and uid 2000's flood_199 (its newest) stay */
	cur_uid = 5000;
	hook_start(500);
	sysc(500, 500, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/fifth");
	cur_uid = 1000;
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_b0");
	cur_uid = 2000;
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/flood_199");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/flood_0");
	cur_uid = 0;
	snprintf(want + n, sizeof(want) - n,
		 "L 500\n"
		 "S 500 openat -\n"
		 "S 100 unlink -\n"
		 "S 200 unlink -\n"
		 "S 200 unlink unaudited after nothing\n");
	expect("shm names bounded per uid", want);
}

/* Review F1: the shm, sem and ptmx shapes hold for the path as passed, absolute and literal;
 * "/dev/shm/X/../NAME" (X maybe a symlink), "//" or "." resolve lexically to the same name but are
 * not what glibc passes; they teach nothing and mark nothing gone either. */
static void t_shm_literal(void)
{
	start(NULL);
	cur_uid = 1000;
	hook_start(100);
	hook_start(200);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_l");
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/X/../psm_l");
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm//psm_l");
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/./psm_l");
	sysc(200, 200, PYX_SC_openat, 4, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/X/../psm_z");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_z");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/X/../psm_l");
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_l");
	sysc(200, 200, PYX_SC_openat, 5, FDCWD, 0, 02, 0, 0, 0, "/dev//ptmx");
	sysc(200, 200, PYX_SC_openat, 6, FDCWD, 0, 02 | 0100 | 0200 | 02000000, 0600, 0, 0,
	     "/dev/shm/X/../sem.AbC123");
	sysc(200, 200, PYX_SC_link, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/X/../sem.AbC123",
	     "/dev/shm/sem.mp-y");
	sysc(200, 200, PYX_SC_openat, 7, FDCWD, 0, 02 | 0400000 | 02000000, 0, 0, 0,
	     "/dev/shm/X/../sem.mp-y");
	cur_uid = 0;
	expect("shm, sem and ptmx paths literal",
	       "L 100\n"
	       "L 200\n"
	       "S 100 openat -\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 200 openat -\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 link unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n");
}

/* Review F2: after a successful unshare (chroot, mount, ...) a process, and the children it forks
 * later, lose every path-shaped exemption (in a private mount namespace /dev/shm may be any
 * directory) and teach no /dev/shm name; a failed one changes nothing. */
static void t_mnt(void)
{
	struct sockaddr_un nscd = { .sun_family = AF_UNIX, .sun_path = "/var/run/nscd/socket" };
	struct sockaddr_un uuidd = { .sun_family = AF_UNIX, .sun_path = "/run/uuidd/request" };

	start(NULL);
	cur_uid = 1000;
	hook_start(100);
	hook_start(200);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_m");
	sysc(200, 200, PYX_SC_unshare, -1, 0x10020000, 0, 0, 0, 0, 0);
	sysc(200, 200, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_m");
	sysc(200, 200, PYX_SC_unshare, 0, 0x10020000, 0, 0, 0, 0, 0);
	sysc(200, 200, PYX_SC_openat, 4, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_m");
	sysc(200, 200, PYX_SC_openat, 5, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_n");
	sysc(200, 200, PYX_SC_openat, 6, FDCWD, 0, 02, 0, 0, 0, "/dev/ptmx");
	sysc(200, 200, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_m");
	/* nscd's and uuidd's sockets: any socket the process mounted there (docker.sock) */
	sysc(200, 200, PYX_SC_connect, 0, 7, 0, 110, 0, 0, 0, &nscd, sizeof(nscd));
	sysc(200, 200, PYX_SC_connect, 0, 7, 0, 110, 0, 0, 0, &uuidd, sizeof(uuidd));
	sysc(100, 100, PYX_SC_connect, 0, 7, 0, 110, 0, 0, 0, &nscd, sizeof(nscd));
	proc(200, 200, PYX_PROC_FORK, 201, false, NULL);
	sysc(201, 201, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_o");
	/* psm_m is not gone (200's unlink removed another file); psm_n was not learnt */
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_m");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/dev/shm/psm_n");
	/* a chroot: the same; one on a name that does not exist (os.chroot in test_os, no audit
	 * event) changes nothing and is not sensitive; one refused on a directory (EPERM) is an
	 * attempt, flagged, as a failed unshare; neither ends the exemptions */
	sysc(100, 100, PYX_SC_chroot, -ENOENT, 0, 0, 0, 0, 0, 0, "/nonexistent");
	sysc(100, 100, PYX_SC_chroot, -ENOTDIR, 0, 0, 0, 0, 0, 0, "/etc/passwd/x");
	sysc(100, 100, PYX_SC_umount, -ENOENT, 0, 0, 0, 0, 0, 0, "/nonexistent");
	sysc(100, 100, PYX_SC_chroot, -EPERM, 0, 0, 0, 0, 0, 0, "/srv/root");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02, 0, 0, 0, "/dev/ptmx");
	sysc(100, 100, PYX_SC_chroot, 0, 0, 0, 0, 0, 0, 0, "/srv/root");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02, 0, 0, 0, "/dev/ptmx");
	cur_uid = 0;
	expect("mount namespace changed",
	       "L 100\n"
	       "L 200\n"
	       "S 100 openat -\n"
	       "S 200 unshare unaudited after nothing\n"
	       "S 200 openat -\n"
	       "S 200 unshare unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 openat unaudited after nothing\n"
	       "S 200 unlink unaudited after nothing\n"
	       "S 200 connect unaudited after nothing\n"
	       "S 200 connect unaudited after nothing\n"
	       "S 100 connect -\n"
	       "P 200 1\n"
	       "S 201 openat unaudited after nothing\n"
	       "S 100 unlink -\n"
	       "S 100 unlink unaudited after nothing\n"
	       "S 100 chroot -\n"
	       "S 100 chroot -\n"
	       "S 100 umount -\n"
	       "S 100 chroot unaudited after nothing\n"
	       "S 100 openat -\n"
	       "S 100 chroot unaudited after nothing\n"
	       "S 100 openat unaudited after nothing\n");
}

/* A fork or exec record in another mount namespace than the one known before (the parent's, or
 * with the parent's unknown the monitor's: the fake procfs's self/ns/mnt, here a file: its inode;
 * the process's own at an exec): a clone(CLONE_NEWNS) child, an exec after a setns the monitor
 * did not see; a process first seen in another one (a container) is taken as it is; the same
 * one, or an unknown one (0), changes nothing. */
static void t_mnt_record(void)
{
	char path[600];
	struct stat st;
	uint32_t self;

	snprintf(path, sizeof(path), "%s/self/ns/mnt", procfs);
	if (stat(path, &st)) {
		perror(path);
		exit(1);
	}
	self = (uint32_t)st.st_ino;
	start(NULL);
	cur_uid = 1000;
	hook_start(100);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, SHM_CREATE, 0600, 0, 0, "/dev/shm/psm_q");
	cur_mntns_ino = self;
	proc(100, 100, PYX_PROC_FORK, 101, false, NULL);
	sysc(101, 101, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_q");
	proc(100, 100, PYX_PROC_FORK, 102, false, NULL);
	sysc(102, 102, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_q");
	cur_mntns_ino = self + 1;
	proc(100, 100, PYX_PROC_FORK, 103, false, NULL);
	sysc(103, 103, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_q");
	/* its child, in its namespace */
	cur_mntns_ino = self + 1;
	proc(103, 103, PYX_PROC_FORK, 104, false, NULL);
	sysc(104, 104, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_q");
	/* a process first seen at its exec in another namespace (a container under -a) is taken as
	 * it is; its own later exec into yet another one is a change */
	cur_mntns_ino = self + 1;
	proc(105, 105, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(105);
	sysc(105, 105, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_q");
	cur_mntns_ino = self + 2;
	proc(105, 105, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(105);
	sysc(105, 105, PYX_SC_openat, 3, FDCWD, 0, SHM_ATTACH, 0, 0, 0, "/dev/shm/psm_q");
	cur_uid = 0;
	expect("mount namespace of a fork or exec record",
	       "L 100\n"
	       "S 100 openat -\n"
	       "P 100 1\n"
	       "S 101 openat -\n"
	       "P 100 1\n"
	       "S 102 openat -\n"
	       "P 100 1\n"
	       "S 103 openat unaudited after nothing\n"
	       "P 103 1\n"
	       "S 104 openat unaudited after nothing\n"
	       "P 105 2\n"
	       "L 105\n"
	       "S 105 openat -\n"
	       "P 105 2\n"
	       "L 105\n"
	       "S 105 openat unaudited after nothing\n");
}

static void t_stats(void)
{
	struct pyx_corr_stats st;
	uint64_t n, p50, p99;

	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/a");
	audit(100, 100, PYX_EV_CTYPES_CALL_FUNCTION, "ctypes.call_function", "in", (int64_t)1);
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/x");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/y");
	pyx_corr_flush(C);
	pyx_corr_stats(C, &st);
	n = pyx_corr_latency(C, PYX_EV_OPEN, &p50, &p99);
	checks++;
	if (st.verdicts[PYX_V_MATCHED] != 1 || st.verdicts[PYX_V_UNAUDITED] != 2 || st.ntop != 1 ||
	    st.top[0].count != 2 || strcmp(st.top[0].syscall, "unlink") ||
	    strcmp(st.top[0].context, "after ctypes.call_function at evil.py:12 (main)") ||
	    n != 1 || p50 != 96 || p99 != 96) {
		fprintf(stderr, "FAIL stats: %lu %lu %u %s / %s n=%lu p50=%lu\n",
			(unsigned long)st.verdicts[PYX_V_MATCHED],
			(unsigned long)st.verdicts[PYX_V_UNAUDITED], st.ntop, st.top[0].syscall,
			st.top[0].context, (unsigned long)n, (unsigned long)p50);
		exit(1);
	}
	outlen = 0;
	out[0] = 0;
	expect("stats", "");
}

static void t_blind(const char *python)
{
	const char *argv[] = { "py", "-I", "-c", "pass" };

	start(NULL);
	/* a Python that fires hook_start is covered */
	proc(500, 500, PYX_PROC_EXEC, 0, false, python);
	hook_start(500);
	/* one that does not is a blind spot, found by its ELF whatever its name */
	proc(501, 501, PYX_PROC_EXEC, 0, false, python);
	sysc(501, 501, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, python, 4u, argv);
	proc(502, 502, PYX_PROC_EXEC, 0, false, "/bin/sh");
	proc(501, 501, PYX_PROC_EXIT, 0, false, NULL);
	proc(503, 503, PYX_PROC_EXEC, 0, false, python);
	pyx_corr_tick(C, now + 1);
	say("tick\n");
	pyx_corr_tick(C, now + 3000000000ull);
	expect("blind spots",
	       "P 500 2\n"
	       "L 500\n"
	       "P 501 2\n"
	       "S 501 execve -\n"
	       "P 502 2\n"
	       "P 501 3\n"
	       "P 503 2\n"
	       "B 501 /usr/bin/python3.11 (exports PySys_Audit) py -I -c pass\n"
	       "tick\n"
	       "B 503 /usr/bin/python3.11 (exports PySys_Audit)\n");
}

/*
 * A blind-spot suspect killed by a signal before its hook started (python3 started and killed at
 * once: test_subprocess, test_asyncio) is no blind spot when it did nothing but what the dynamic
 * loader does, executable maps of files it opened read-only; one step more and it is.
 */
static void t_blind_killed(const char *python)
{
	const char *argv[] = { "python3", "-c", "pass" };
	uint32_t pid;

	start(NULL);
	for (pid = 600; pid <= 609; pid++) {
		proc(pid, pid, PYX_PROC_EXEC, 0, false, python);
		sysc(pid, pid, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, python, 3u, argv);
		sysc(pid, pid, PYX_SC_openat, 3, FDCWD, 0, 02000000, 0, 0, 0,
		     "/lib/x86_64-linux-gnu/libc.so.6");
		sysc(pid, pid, PYX_SC_mmap, 0x7f0000000000, 0, 4096, 5, 0x12, 3, 0);
		switch (pid) {
		case 601: /* ran to its exit: the hook would have said hook_start at exit() */
			break;
		case 602: /* a connect */
			sysc(pid, pid, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, NULL, (size_t)0);
			break;
		case 603: /* an anonymous executable map */
			sysc(pid, pid, PYX_SC_mmap, 0x7f0000100000, 0, 4096, 7, 0x22, -1, 0);
			break;
		case 604: /* a child, whose acts nobody judges */
			proc(pid, pid, PYX_PROC_FORK, 700, false, NULL);
			break;
		case 605: /* a map of a file it opened for writing */
			sysc(pid, pid, PYX_SC_openat, 4, FDCWD, 0, 02, 0, 0, 0, "/tmp/x.so");
			sysc(pid, pid, PYX_SC_mmap, 0x7f0000200000, 0, 4096, 5, 0x12, 4, 0);
			break;
		case 606: /* a map of an fd the monitor never saw opened */
			sysc(pid, pid, PYX_SC_mmap, 0x7f0000200000, 0, 4096, 5, 0x12, 9, 0);
			break;
		case 607: /* records were lost meanwhile: what it did may be among them */
			lost();
			break;
		case 608: /* CPython's own probe saw it raise an event: it ran without the hook */
			pyx_corr_builtin_event(C, pid, "open");
			break;
		case 609: /* it execs another program: reported at that exec, as it was */
			proc(pid, pid, PYX_PROC_EXEC, 0, false, "/bin/true");
			break;
		}
		cur_exit_code = pid == 601 ? 0 : 9; /* SIGKILL */
		proc(pid, pid, PYX_PROC_EXIT, 0, false, NULL);
	}
	/* a wrapper (env, a #! script's bash) that execs python3 before the monitor reads its
	 * /proc/PID/exe, which names the Python already: taken for a suspect, it is not reported at
	 * its exec of that same file (the new image is judged on its own: hooked, 610); its exec
	 * is an act of the new image, so an unhooked one killed at once is reported (611) */
	for (pid = 610; pid <= 611; pid++) {
		char link[700];

		snprintf(link, sizeof(link), "%s/%u", procfs, pid);
		mkdir(link, 0755);
		snprintf(link, sizeof(link), "%s/%u/exe", procfs, pid);
		unlink(link);
		if (symlink(python, link)) {
			perror("symlink");
			exit(1);
		}
		proc(pid, pid, PYX_PROC_EXEC, 0, false, "/usr/bin/env");
		proc(pid, pid, PYX_PROC_EXEC, 0, false, python);
		sysc(pid, pid, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, python, 3u, argv);
		if (pid == 610)
			hook_start(pid);
		cur_exit_code = 9;
		proc(pid, pid, PYX_PROC_EXIT, 0, false, NULL);
		unlink(link);
	}
	say("tick\n");
	pyx_corr_tick(C, now + 1);
	expect("a suspect killed at once",
	       "P 600 2\nS 600 execve -\nS 600 openat -\nS 600 mmap -\nP 600 3\n"
	       "P 601 2\nS 601 execve -\nS 601 openat -\nS 601 mmap -\nP 601 3\n"
	       "P 602 2\nS 602 execve -\nS 602 openat -\nS 602 mmap -\nS 602 connect -\nP 602 3\n"
	       "P 603 2\nS 603 execve -\nS 603 openat -\nS 603 mmap -\nS 603 mmap -\nP 603 3\n"
	       "P 604 2\nS 604 execve -\nS 604 openat -\nS 604 mmap -\nP 604 1\nP 604 3\n"
	       "P 605 2\nS 605 execve -\nS 605 openat -\nS 605 mmap -\nS 605 openat -\n"
	       "S 605 mmap -\nP 605 3\n"
	       "P 606 2\nS 606 execve -\nS 606 openat -\nS 606 mmap -\nS 606 mmap -\nP 606 3\n"
	       "P 607 2\nS 607 execve -\nS 607 openat -\nS 607 mmap -\nX\nP 607 3\n"
	       "P 608 2\nS 608 execve -\nS 608 openat -\nS 608 mmap -\nP 608 3\n"
	       "P 609 2\nS 609 execve -\nS 609 openat -\nS 609 mmap -\n"
	       "B 609 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "P 609 2\nP 609 3\n"
	       "P 610 2\nP 610 2\nS 610 execve -\nL 610\nP 610 3\n"
	       "P 611 2\nP 611 2\nS 611 execve -\nP 611 3\n"
	       "tick\n"
	       "B 601 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 602 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 603 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 604 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 605 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 606 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 607 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 608 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n"
	       "B 611 /usr/bin/python3.11 (exports PySys_Audit) python3 -c pass\n");
}

/* The fake /proc/100/task/100 (syscall, schedstat); NULL removes the file. */
static void tstate(const char *syscall, const char *schedstat)
{
	const char *name[2] = { "syscall", "schedstat" }, *text[2] = { syscall, schedstat };
	char path[700];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/100/task", procfs);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/100/task/100", procfs);
	mkdir(path, 0755);
	for (i = 0; i < 2; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/100/task/100/%s", procfs, name[i]);
		unlink(path);
		if (!text[i])
			continue;
		f = fopen(path, "w");
		if (!f || fputs(text[i], f) < 0 || fclose(f)) {
			perror(path);
			exit(1);
		}
	}
}

/* Issue 10: a window whose thread is still inside its syscall (or waiting for a CPU) when its
 * idle time is up does not close as no-syscall: its syscall's record comes at the exit. */
static void t_busy_window(void)
{
	const uint64_t w = PYX_CORR_WINDOW_NS;

	/* asleep in its openat (257), preempted or blocked: the record comes late and matches */
	start(NULL);
	tstate("257 0xffffff9c 0x7f0000001000 0x80000 0x0 0x0 0x0 0x7ffc0000 0x7f000000\n", NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	pyx_corr_tick(C, now + w + 1);
	say("tick\n");
	pyx_corr_tick(C, now + 5 * w);
	say("tick\n");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02000000, 0, 0, 0, "/a");
	expect("window waits for its thread in its syscall",
	       "tick\n"
	       "tick\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n");

	/* still in it after PYX_CORR_DEFER_WINDOWS: indeterminate, never no-syscall; the late
	 * record is that window's (not unaudited), what follows is judged as usual */
	start(NULL);
	tstate("257 0xffffff9c 0x7f0000001000 0x80000 0x0 0x0 0x0 0x7ffc0000 0x7f000000\n", NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	pyx_corr_tick(C, now + w + 1);
	pyx_corr_tick(C, now + (PYX_CORR_DEFER_WINDOWS + 2) * w);
	say("tick\n");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 02000000, 0, 0, 0, "/b");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/x");
	expect("bounded wait",
	       "A 100 open indeterminate (its thread was still in a syscall, or waiting for a CPU, "
	       "when its window closed)\n"
	       "tick\n"
	       "S 100 openat -\n"
	       "S 100 unlink unaudited after open\n");

	/* asleep in another syscall (clock_nanosleep, 230): past its counterparts, no-syscall
	 * (after one more tick: a record committed after the ring's drain is read by then) */
	start(NULL);
	tstate("230 0x0 0x0 0x7ffc0000 0x7ffc0040 0x0 0x0 0x7ffc0000 0x7f000000\n", NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/c", "r", (int64_t)0);
	pyx_corr_tick(C, now + w + 1);
	say("tick\n");
	pyx_corr_tick(C, now + w + 2);
	say("tick\n");
	expect("asleep elsewhere", "tick\nA 100 open no-syscall\ntick\n");

	/* on a CPU for a whole window since and still no record: its own code, no-syscall */
	start(NULL);
	tstate("running\n", "1000 0 1\n");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/d", "r", (int64_t)0);
	pyx_corr_tick(C, now + w + 1);
	say("tick\n");
	tstate("running\n", "1000001000 0 9\n");
	pyx_corr_tick(C, now + w + 2);
	say("tick\n");
	expect("spinning", "tick\nA 100 open no-syscall\ntick\n");
	tstate(NULL, NULL);
}

/* The claim kept for a payload body that comes again (corr_engine.c on_audit, issue 10): each
 * event below differs from the kept one in one thing only (a path byte, the mode, the cwd a
 * relative path is resolved against), and a claim given for a body it was not made from
 * would judge its open by the other path or flags. Windows that refer to a replaced keep are
 * freed last (the leak check and ASan runs of this binary). */
static void t_claim_keep(void)
{
	static const char *const paths[] = { "/tmp/a", "/tmp/a", "/tmp/a", "/tmp/b",
					     "/tmp/b", "/tmp/b", "/tmp/a", "/tmp/a" };
	char want[4096] = "";
	unsigned int i;

	start(NULL);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		audit(100, 100, PYX_EV_OPEN, "open", "ssi", paths[i], "r", (int64_t)0);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, paths[i]);
		strcat(want, "A 100 open matched [openat]\nS 100 openat -\n");
	}
	/* the mode: same length, other flags */
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/a", "w", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/a");
	strcat(want, "A 100 open mismatch [openat] (open flags differ)\nS 100 openat -\n");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/a");
	strcat(want, "A 100 open matched [openat]\nS 100 openat -\n");
	/* a relative path: kept with its claim, resolved again against each event's cwd (a chdir
	 * of the C code, no audit event) */
	for (i = 0; i < 6; i++) {
		if (i == 3) {
			/* no audit event between: the decoder's kept body stays the same */
			sysc(100, 100, PYX_SC_chdir, 0, 0, 0, 0, 0, 0, 0, "sub");
			strcat(want, "S 100 chdir -\n");
		}
		audit(100, 100, PYX_EV_OPEN, "open", "ssi", "d.txt", "r", (int64_t)0);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0,
		     i < 3 ? "/work/d.txt" : "/work/sub/d.txt");
		strcat(want, "A 100 open matched [openat]\nS 100 openat -\n");
	}
	/* the same body from two threads, the first window still open when the keep changes */
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/c", "r", (int64_t)0);
	audit(100, 101, PYX_EV_OPEN, "open", "ssi", "/tmp/c", "r", (int64_t)0);
	audit(100, 101, PYX_EV_OPEN, "open", "ssi", "/tmp/d", "r", (int64_t)0);
	audit(100, 101, PYX_EV_OPEN, "open", "ssi", "/tmp/d", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/c");
	sysc(100, 101, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/d");
	strcat(want,
	       "A 101 open no-syscall\nA 101 open no-syscall\n"
	       "A 100 open matched [openat]\nS 100 openat -\n"
	       "A 101 open matched [openat]\nS 101 openat -\n");
	expect("a kept claim", want);

	/* the thread's context (event, file, function) kept for the body it was copied from: a
	 * body that differs in the function only gives its own to the next unaudited syscall */
	start(NULL);
	show_frame = true;
	cur_func = "f1";
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "sn", "/tmp/e");
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "sn", "/tmp/e");
	cur_func = "f2";
	audit(100, 100, PYX_EV_OS_REMOVE, "os.remove", "sn", "/tmp/e");
	sysc(100, 100, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/f");
	cur_func = "main";
	expect("a kept context",
	       "A 100 os.remove no-syscall\n"
	       "A 100 os.remove no-syscall\n"
	       "A 100 os.remove mismatch [unlink] (path differs)\n"
	       "S 100 unlink unaudited after os.remove in evil.py:f2\n");
	show_frame = false;
}

/* The catalogue's name check kept per body number and event id (decode_record.c): a body
 * served from the decoder's kept one, under another event id, is checked again (a crafted
 * record: the name is open's, the id os.remove's). */
static void t_name_key(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/a");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/a");
	audit(100, 100, PYX_EV_OS_REMOVE, "open", "ssi", "/tmp/a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/tmp/a");
	/* the third record does not check out (no verdict): the last openat joins the second
	 * window, still open */
	expect("the name checked per body and id",
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 open matched [openat,openat]\n"
	       "S 100 openat -\n"
	       "A 100 open -\n"
	       "S 100 openat -\n");
}

/* A fork record for a thread that exists already (its tid reused after a lost exit record, or a
 * crafted replay) gives it the parent's context and that context's body number: with the parent's
 * strings under its own old number, its next event of that number would skip the copy and a
 * syscall after it would name the parent's event (review finding). */
static void t_fork_ctx(void)
{
	start(NULL);
	show_frame = true;
	cur_func = "f2";
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/zz", "r", (int64_t)0);
	cur_func = "f1";
	audit(100, 101, PYX_EV_OS_REMOVE, "os.remove", "sn", "/tmp/e");
	proc(100, 100, PYX_PROC_FORK, 101, true, NULL);
	audit(100, 101, PYX_EV_OS_REMOVE, "os.remove", "sn", "/tmp/e");
	sysc(100, 101, PYX_SC_unlink, 0, 0, 0, 0, 0, 0, 0, "/tmp/f");
	cur_func = "main";
	expect("fork ctx",
	       "A 101 os.remove no-syscall\nA 100 open no-syscall\nP 100 1\n"
	       "A 101 os.remove mismatch [unlink] (path differs)\n"
	       "S 101 unlink unaudited after os.remove in evil.py:f1\n");
	show_frame = false;
}

/* A syscall's paths are resolved into the correlator's buffers, an absolute one served again for
 * the same text (corr_resolve_sc), and an fd reopened on the same path keeps its copy
 * (corr_fd_put): a path of the same length that differs in one byte, after a "..", and an fd
 * reopened on another directory are each resolved anew. */
#define LIBDIR "/usr/lib/x86_64-linux-gnu/"

static void t_sc_paths(void)
{
	static const char *const paths[] = { "/tmp/a/../b", "/tmp/a/../b", "/tmp/a/../c",
					     "/tmp/d1",     "/tmp/d1",     "/tmp/d2" };
	char want[4096] = "";
	unsigned int i;

	start(NULL);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		audit(100, 100, PYX_EV_OPEN, "open", "ssi", paths[i], "r", (int64_t)0);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, paths[i]);
		strcat(want, "A 100 open matched [openat]\nS 100 openat -\n");
	}
	/* fd 3 is /tmp/d2 now */
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/d2/x", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 4, 3, 0, 0, 0, 0, 0, "x");
	strcat(want, "A 100 open matched [openat]\nS 100 openat -\n");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/d1/x", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 4, 3, 0, 0, 0, 0, 0, "x");
	strcat(want, "A 100 open mismatch [openat] (path differs)\nS 100 openat -\n");
	expect("syscall paths", want);

	/* The key of a kept resolved path is its text's length and bytes: a path that is a prefix
	 * of the one before, then one that the one before is a prefix of; and a relative path in
	 * between two of the same absolute one (its resolved form is not its text: it clears the
	 * key). Each time fd 3 takes the resolved form, which a path relative to it then shows. */
	for (i = 0; i < 3; i++) {
		static const char *const seq[][3] = { { "/tmp/ab", "/tmp/a", "/tmp/a/x" },
						      { "/tmp/a", "/tmp/ab", "/tmp/ab/x" },
						      { "/tmp/a", "x", NULL } };

		start(NULL);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, seq[i][0]);
		sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, seq[i][1]);
		if (!seq[i][2])
			sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, seq[i][0]);
		audit(100, 100, PYX_EV_OPEN, "open", "ssi", seq[i][2] ? seq[i][2] : "/tmp/a/x", "r",
		      (int64_t)0);
		sysc(100, 100, PYX_SC_openat, 4, 3, 0, 0, 0, 0, 0, "x");
		snprintf(want, sizeof(want),
			 "%sS 100 openat -\nS 100 openat -\n"
			 "A 100 open matched [openat]\nS 100 openat -\n",
			 seq[i][2] ? "" : "S 100 openat -\n");
		expect("syscall paths, the kept form's key", want);
	}

	/* the library kind of a path kept with it (sc_sys_lib): a library, an NSS module (the
	 * libraries mapped next, up to the next audit event, are its dependencies), the library
	 * again; then open(2)'s flags */
	start(NULL);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, LIBDIR "libdb-5.3.so");
	sysc(100, 100, PYX_SC_mmap, 0x1000, 0, 4096, 5, 2, 3, 0);
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, 0, 0, 0, 0, LIBDIR "libnss_db.so.2");
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, 0, 0, 0, 0, LIBDIR "libdb-5.3.so");
	sysc(100, 100, PYX_SC_mmap, 0x1000, 0, 4096, 5, 2, 5, 0);
	audit(100, 100, PYX_EVENT_UNKNOWN, "app.next", "");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, 0, 0, 0, 0, LIBDIR "libdb-5.3.so");
	sysc(100, 100, PYX_SC_mmap, 0x1000, 0, 4096, 5, 2, 6, 0);
	/* open(2), whose flags are its second argument (openat's third: sc_oflags's index) */
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/o", "w", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_open, 7, 0, 0, 0, 0, 0, 0, "/tmp/o");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/tmp/o", "w", (int64_t)O_W_C_T);
	sysc(100, 100, PYX_SC_open, 7, 0, O_W_C_T, 0666, 0, 0, 0, "/tmp/o");
	expect("syscall paths, library kinds",
	       "A 100 app.next -\n"
	       "S 100 openat -\n"
	       "S 100 mmap unaudited after app.next\n"
	       "S 100 openat -\n"
	       "S 100 openat -\n"
	       "S 100 mmap -\n"
	       "A 100 app.next -\n"
	       "S 100 openat -\n"
	       "S 100 mmap unaudited after app.next\n"
	       "A 100 open mismatch [open] (open flags differ)\n"
	       "S 100 open -\n"
	       "A 100 open matched [open]\n"
	       "S 100 open -\n");
}

/* A kept claim's tail (corr_claim_from: the address only when set, argv below argc). Only flat
 * bodies are kept (decode_payload.c), so the events are given flat values, as a crafted hook
 * could: socket.connect with a string socket and a unix path, os.system (its claim's argv is
 * sh -c CMD) three times in a row, the third served from the keep, each judged on its socket
 * (a str is no socket CPython passes: unread, in the keep too) or its argv (the third's child
 * runs the command under another argv[0], which the claim skips). */
static void t_claim_tail(void)
{
	struct sockaddr_un s2 = { .sun_family = AF_UNIX, .sun_path = "/tmp/s2" };
	const char *sh[] = { "sh", "-c", "echo ho" };
	const char *dash[] = { "dash", "-c", "echo hi" };
	unsigned int i;

	start(NULL);
	for (i = 0; i < 3; i++) {
		audit(100, 100, PYX_EV_SOCKET_CONNECT, "socket.connect", "ss", "x", "/tmp/s1");
		sysc(100, 100, PYX_SC_connect, 0, 3, 0, sizeof(s2), 0, 0, 0, &s2, sizeof(s2));
	}
	/* the children exec after the three events: each window waits for its own, so the third
	 * takes a window of its own too */
	for (i = 0; i < 3; i++) {
		audit(100, 100, PYX_EV_OS_SYSTEM, "os.system", "s", "echo hi");
		proc(100, 100, PYX_PROC_FORK, 200 + i, false, NULL);
	}
	for (i = 0; i < 3; i++) {
		proc(200 + i, 200 + i, PYX_PROC_EXEC, 0, false, "/bin/sh");
		sysc(200 + i, 200 + i, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/bin/sh", 3u,
		     i == 2 ? dash : sh);
	}
	expect("a kept claim's tail",
	       "A 100 socket.connect indeterminate (its socket is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.connect indeterminate (its socket is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "A 100 socket.connect indeterminate (its socket is an object the hook does not "
	       "read: not compared)\n"
	       "S 100 connect unaudited after socket.connect\n"
	       "P 200 2\n"
	       "S 200 execve unaudited after os.system\n"
	       "A 100 os.system mismatch [child:execve] (argv differs)\n"
	       "P 100 1\n"
	       "P 201 2\n"
	       "S 201 execve unaudited after os.system\n"
	       "A 100 os.system mismatch [child:execve] (argv differs)\n"
	       "P 100 1\n"
	       "P 202 2\n"
	       "S 202 execve -\n"
	       "A 100 os.system matched [child:execve]\n"
	       "P 100 1\n");
}

/* A kept claim given a window from the pool whose last user had an address (a connect of a
 * process that then exited): the claim has none, so the address must read as unset, not as the
 * stale one, which would make an rmtree's composite compare accept a path outside its tree. */
static void t_claim_stale_addr(void)
{
	struct sockaddr_un s1 = { .sun_family = AF_UNIX, .sun_path = "/tmp/s1" };
	unsigned int i;

	start(NULL);
	audit(300, 300, PYX_EV_SOCKET_CONNECT, "socket.connect", "ss", "x", "/tmp/s1");
	sysc(300, 300, PYX_SC_connect, 0, 3, 0, sizeof(s1), 0, 0, 0, &s1, sizeof(s1));
	for (i = 0; i < 3; i++) {
		audit(100, 100, PYX_EV_SHUTIL_RMTREE, "shutil.rmtree", "sn", "/tmp/t");
		if (i == 1)
			proc(300, 300, PYX_PROC_EXIT, 0, false, NULL);
	}
	sysc(100, 100, PYX_SC_unlinkat, 0, FDCWD, 0, 0, 0, 0, 0, "/etc/passwd");
	expect("a kept claim in a pooled window with an address",
	       "A 300 socket.connect indeterminate (its socket is an object the hook does not "
	       "read: not compared)\n"
	       "S 300 connect unaudited after socket.connect\n"
	       "P 300 3\n"
	       "A 100 shutil.rmtree mismatch [unlinkat] (path outside the claimed tree)\n"
	       "A 100 shutil.rmtree mismatch [unlinkat] (path outside the claimed tree)\n"
	       "A 100 shutil.rmtree mismatch [unlinkat] (path outside the claimed tree)\n"
	       "S 100 unlinkat unaudited after shutil.rmtree\n");
}

/* A crafted fork record naming its own process as the child (the kernel never sends one): the
 * child's copy of the parent's cwd and fds must not read what it has just freed (ASan). */
static void t_self_fork(void)
{
	start(NULL);
	/* a relative path: the process's cwd is read and kept */
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "a", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "a");
	proc(100, 100, PYX_PROC_FORK, 100, false, NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/work/a/b", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 4, 3, 0, 0, 0, 0, 0, "b");
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "c", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, 0, 0, 0, 0, "c");
	expect("a fork record naming itself",
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "P 100 1\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n");
}

/* self_signal and core_off (docs/correlation.md, "Unaudited syscalls"): a tgkill of the caller's
 * own thread group and faulthandler's prlimit64(0, RLIMIT_CORE, {0, max}, NULL), the caller's pid
 * compared as its own pid namespace numbers it (from its exec record). */
static void t_self_signal(void)
{
	static const uint64_t core0[2] = { 0, ~0ull }, core1[2] = { 1, ~0ull };
	const uint64_t tgkill = PYX_SC_tgkill, prl = PYX_SC_prlimit64;
	const uint64_t old = 0x7ffe0000; /* an old-limit pointer: not setrlimit()'s shape */

	start(NULL);
	/* 100 runs in the initial namespace: its own thread group, any thread, any signal */
	cur_ns_pid = 100, cur_pidns_ino = 0xEFFFFFFC;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(100);
	sysc(100, 100, tgkill, 0, 100, 100, 10, 0, 0, 0);
	sysc(100, 101, tgkill, 0, 100, 101, 6, 0, 0, 0);
	sysc(100, 100, tgkill, 0, 100, 777, 9, 0, 0, 0);  /* only a thread of 100 could get it */
	sysc(100, 100, tgkill, 0, 300, 300, 10, 0, 0, 0); /* another process */
	sysc(100, 100, tgkill, 0, 300, 100, 10, 0, 0, 0); /* its own tid: the tgid decides */
	sysc(100, 100, PYX_SC_kill, 0, 100, 10, 0, 0, 0, 0);
	sysc(100, 100, prl, 0, 0, 4, 0, 0, 0, 0, core0);
	sysc(100, 100, prl, 0, 100, 4, 0, 0, 0, 0, core0);
	sysc(100, 100, prl, 0, 300, 4, 0, 0, 0, 0, core0); /* another process */
	sysc(100, 100, prl, 0, 0, 4, 0, old, 0, 0, core0); /* the old limit asked for */
	sysc(100, 100, prl, 0, 0, 4, 0, 0, 0, 0, core1);   /* a core file allowed */
	sysc(100, 100, prl, 0, 0, 7, 0, 0, 0, 0, core0);   /* RLIMIT_NOFILE */
	sysc(100, 100, prl, 0, 0, 4, 0, 0, 0, 0, NULL);    /* a read: not sensitive */
	/* 200 runs in a pid namespace of its own, where it is pid 1: 200 names another process */
	cur_ns_pid = 1, cur_pidns_ino = 4026532000u;
	proc(200, 200, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(200);
	sysc(200, 200, tgkill, 0, 200, 200, 6, 0, 0, 0);
	sysc(200, 200, tgkill, 0, 1, 1, 6, 0, 0, 0);
	sysc(200, 200, prl, 0, 200, 4, 0, 0, 0, 0, core0);
	sysc(200, 200, prl, 0, 1, 4, 0, 0, 0, 0, core0);
	/* exit_sigint (after hook_stop) names it by its namespace's number too */
	hook_stop(200);
	sysc(200, 200, PYX_SC_kill, 0, 200, 2, 0, 0, 0, 0);
	sysc(200, 200, PYX_SC_kill, 0, 1, 2, 0, 0, 0, 0);
	/* a fork of 100 whose record does not say its namespace (a capture from before it did):
	 * not known before its own exec */
	proc(100, 100, PYX_PROC_FORK, 102, false, NULL);
	sysc(102, 102, tgkill, 0, 102, 102, 6, 0, 0, 0);
	sysc(102, 102, prl, 0, 0, 4, 0, 0, 0, 0, core0);
	cur_ns_pid = 102, cur_pidns_ino = 0xEFFFFFFC;
	proc(102, 102, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(102);
	sysc(102, 102, tgkill, 0, 102, 102, 6, 0, 0, 0);
	/* its pid reused by a fork of 200's: nothing of the old process's namespace is kept */
	proc(102, 102, PYX_PROC_EXIT, 0, false, NULL);
	proc(200, 200, PYX_PROC_FORK, 102, false, NULL);
	sysc(102, 102, tgkill, 0, 102, 102, 6, 0, 0, 0);
	/* forks that say it: in the parent's namespace, and in a new one (unshare(CLONE_NEWPID)) */
	cur_ns_pid = 103, cur_pidns_ino = 0xEFFFFFFC;
	proc(100, 100, PYX_PROC_FORK, 103, false, NULL);
	sysc(103, 103, tgkill, 0, 103, 103, 6, 0, 0, 0);
	cur_ns_pid = 1, cur_pidns_ino = 4026532001u;
	proc(100, 100, PYX_PROC_FORK, 104, false, NULL);
	sysc(104, 104, tgkill, 0, 104, 104, 6, 0, 0, 0);
	sysc(104, 104, tgkill, 0, 1, 1, 6, 0, 0, 0);
	/* no exec seen at all (a process there before the monitor) */
	hook_start(400);
	sysc(400, 400, tgkill, 0, 400, 400, 6, 0, 0, 0);
	expect("self_signal, core_off, exit_sigint in a pid namespace",
	       "P 100 2\n"
	       "L 100\n"
	       "S 100 tgkill -\n"
	       "S 101 tgkill -\n"
	       "S 100 tgkill -\n"
	       "S 100 tgkill unaudited after nothing\n"
	       "S 100 tgkill unaudited after nothing\n"
	       "S 100 kill unaudited after nothing\n"
	       "S 100 prlimit64 -\n"
	       "S 100 prlimit64 -\n"
	       "S 100 prlimit64 unaudited after nothing\n"
	       "S 100 prlimit64 unaudited after nothing\n"
	       "S 100 prlimit64 unaudited after nothing\n"
	       "S 100 prlimit64 unaudited after nothing\n"
	       "S 100 prlimit64 -\n"
	       "P 200 2\n"
	       "L 200\n"
	       "S 200 tgkill unaudited after nothing\n"
	       "S 200 tgkill -\n"
	       "S 200 prlimit64 unaudited after nothing\n"
	       "S 200 prlimit64 -\n"
	       "L 200\n"
	       "S 200 kill unaudited after nothing\n"
	       "S 200 kill -\n"
	       "P 100 1\n"
	       "S 102 tgkill unaudited after nothing\n"
	       "S 102 prlimit64 -\n"
	       "P 102 2\n"
	       "L 102\n"
	       "S 102 tgkill -\n"
	       "P 102 3\n"
	       "P 200 1\n"
	       "S 102 tgkill unaudited after nothing\n"
	       "P 100 1\n"
	       "S 103 tgkill -\n"
	       "P 100 1\n"
	       "S 104 tgkill unaudited after nothing\n"
	       "S 104 tgkill -\n"
	       "L 400\n"
	       "S 400 tgkill unaudited after nothing\n");
}

/* Events whose rows compare no argument (CC_NOARGS) explain no sensitive syscall but of the exact
 * shape their row names: syslog's AF_UNIX socket, connect to /dev/log and address-less sends;
 * forkpty's open of /dev/ptmx; none for the protocol libraries' sends, glob, the archives and
 * webbrowser.open (their nested events explain what they do) */
static void t_noargs(void)
{
	struct sockaddr_un log = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	struct sockaddr_un other = { .sun_family = AF_UNIX, .sun_path = "/dev/logx" };
	struct sockaddr_in lo = sin4("127.0.0.1", 8080);
	const char *id[] = { "id" }, *xdg[] = { "xdg-open", "http://x" };
	const uint64_t RW_NOCTTY = 02 | 0400 | 02000000;

	start(NULL);
	/* syslog.syslog("hello"): glibc's socket, connect and send; then a native connect */
	audit(100, 100, PYX_EV_SYSLOG_SYSLOG, "syslog.syslog", "is", (int64_t)6, "hello");
	sysc(100, 100, PYX_SC_socket, 3, AF_UNIX, 2 | 02000000, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &log, sizeof(log));
	sysc(100, 100, PYX_SC_sendto, 5, 3, 0, 5, 0x4000, 0, 0, NULL, (size_t)0);
	sysc(100, 100, PYX_SC_socket, 4, AF_INET, 1, 0, 0, 0, 0);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	sysc(100, 100, PYX_SC_connect, 0, 3, 0, 110, 0, 0, 0, &other, sizeof(other));
	sysc(100, 100, PYX_SC_sendto, 5, 4, 0, 5, 0, 0, 16, &lo, sizeof(lo));
	/* forged syslog.openlog: the same shapes only */
	audit(100, 100, PYX_EV_SYSLOG_OPENLOG, "syslog.openlog", "nii", (int64_t)0, (int64_t)8);
	sysc(100, 100, PYX_SC_connect, 0, 4, 0, 16, 0, 0, 0, &lo, sizeof(lo));
	/* http.client.send: a send on its connected socket; a sendto with an address is not its */
	audit(100, 100, PYX_EV_HTTP_CLIENT_SEND, "http.client.send", "ny", "GET / HTTP/1.1");
	sysc(100, 100, PYX_SC_sendto, 14, 4, 0, 14, 0, 0, 0, NULL, (size_t)0);
	sysc(100, 100, PYX_SC_sendto, 5, 4, 0, 5, 0, 0, 16, &lo, sizeof(lo));
	/* glob.glob: its reads; a write open is not its */
	audit(100, 100, PYX_EV_GLOB_GLOB, "glob.glob", "si", "/usr/*", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, 0200000, 0, 0, 0, "/usr");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/g");
	/* shutil.unpack_archive: its os.mkdir explains its mkdir, it explains none itself */
	audit(100, 100, PYX_EV_SHUTIL_UNPACK_ARCHIVE, "shutil.unpack_archive", "ssn", "/t/a.zip",
	      "/t/x");
	sysc(100, 100, PYX_SC_mkdir, 0, 0, 0755, 0, 0, 0, 0, "/t/y");
	audit(100, 100, PYX_EV_OS_MKDIR, "os.mkdir", "sii", "/t/x", (int64_t)0777, (int64_t)-1);
	sysc(100, 100, PYX_SC_mkdir, 0, 0, 0777, 0, 0, 0, 0, "/t/x");
	expect("noargs: syslog, sends, glob, archives",
	       "A 100 syslog.syslog matched [socket,connect,sendto]\n"
	       "S 100 socket -\n"
	       "S 100 connect -\n"
	       "S 100 sendto -\n"
	       "S 100 socket -\n"
	       "S 100 connect unaudited after syslog.syslog\n"
	       "S 100 connect unaudited after syslog.syslog\n"
	       "S 100 sendto unaudited after syslog.syslog\n"
	       "A 100 syslog.openlog no-syscall\n"
	       "S 100 connect unaudited after syslog.openlog\n"
	       "A 100 http.client.send matched [sendto]\n"
	       "S 100 sendto -\n"
	       "S 100 sendto unaudited after http.client.send\n"
	       "A 100 glob.glob matched [openat]\n"
	       "S 100 openat -\n"
	       "S 100 openat unaudited after glob.glob\n"
	       "A 100 shutil.unpack_archive no-syscall\n"
	       "S 100 mkdir unaudited after shutil.unpack_archive\n"
	       "A 100 os.mkdir matched [mkdir]\n"
	       "S 100 mkdir -\n");

	start(NULL);
	/* os.forkpty: openpty()'s open of /dev/ptmx and the fork; any other write open, in the
	 * parent or the child, is not its, nor /dev/pts/N (TIOCGPTPEER) */
	audit(100, 100, PYX_EV_OS_FORKPTY, "os.forkpty", "");
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, RW_NOCTTY, 0, 0, 0, "/dev/ptmx");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, RW_NOCTTY, 0, 0, 0, "/dev/pts/3");
	sysc(100, 100, PYX_SC_clone, 200, 0x01200000 | 17, 0, 0, 0, 0, 0);
	proc(100, 100, PYX_PROC_FORK, 200, false, NULL);
	sysc(200, 200, PYX_SC_openat, 5, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/child");
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, O_W_C_T, 0644, 0, 0, "/tmp/parent");
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, 0, 0, 0, 0, "/etc/passwd");
	/* webbrowser.open: its browser's exec is its subprocess.Popen's, not its own */
	audit(100, 100, PYX_EV_WEBBROWSER_OPEN, "webbrowser.open", "s", "http://x");
	sysc(100, 100, PYX_SC_clone, 201, 0x01200000 | 17, 0, 0, 0, 0, 0);
	proc(100, 100, PYX_PROC_FORK, 201, false, NULL);
	sysc(201, 201, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/id", 1u, id);
	audit(100, 100, PYX_EV_SUBPROCESS_POPEN, "subprocess.Popen", "sLnn", "xdg-open", 2u,
	      "xdg-open", "http://x");
	sysc(100, 100, PYX_SC_clone, 202, 0x01200000 | 17, 0, 0, 0, 0, 0);
	proc(100, 100, PYX_PROC_FORK, 202, false, NULL);
	sysc(202, 202, PYX_SC_execve, 0, 0, 0, 0, 0, 0, 0, "/usr/bin/xdg-open", 2u, xdg);
	audit(100, 100, PYX_EV_WEBBROWSER_OPEN, "webbrowser.open", "s", "http://y");
	expect("noargs: forkpty, webbrowser.open",
	       "S 200 openat unaudited after os.forkpty\n"
	       "S 201 execve unaudited after webbrowser.open\n"
	       "S 202 execve -\n"
	       "A 100 os.forkpty matched [openat,clone]\n"
	       "S 100 openat -\n"
	       "S 100 openat unaudited after os.forkpty\n"
	       "S 100 clone -\n"
	       "P 100 1\n"
	       "S 100 openat unaudited after os.forkpty\n"
	       "S 100 openat -\n"
	       "A 100 webbrowser.open matched [clone,clone]\n"
	       "S 100 clone -\n"
	       "P 100 1\n"
	       "A 100 subprocess.Popen matched [clone,child:execve]\n"
	       "S 100 clone -\n"
	       "P 100 1\n"
	       "A 100 webbrowser.open no-syscall\n");
}

/* No event explains a clone into new namespaces (os.fork, forged or genuine) */
static void t_clone_ns_event(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OS_FORK, "os.fork", "");
	sysc(100, 100, PYX_SC_clone, 300, 0x10000000 | 0x40000000 | 0x20000 | 17, 0, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_OS_FORK, "os.fork", "");
	sysc(100, 100, PYX_SC_clone, 301, 0x01200000 | 17, 0, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_THREAD_START_NEW_THREAD, "_thread.start_new_thread", "nnn");
	sysc(100, 100, PYX_SC_clone, 101, 0x3d0f00 | 0x40000000, 0, 0, 0, 0, 0);
	expect("clone into namespaces",
	       "A 100 os.fork no-syscall\n"
	       "S 100 clone unaudited after os.fork\n"
	       "A 100 os.fork matched [clone]\n"
	       "S 100 clone -\n"
	       "A 100 _thread.start_new_thread no-syscall\n"
	       "S 100 clone unaudited after _thread.start_new_thread\n");
}

/* signal.pthread_kill: a tgkill of the caller's own process (its pid in its pid namespace) */
static void t_pthread_kill(void)
{
	start(NULL);
	cur_ns_pid = 1, cur_pidns_ino = 4026532000u;
	proc(100, 100, PYX_PROC_EXEC, 0, false, "/usr/bin/python3");
	hook_start(100);
	audit(100, 100, PYX_EV_SIGNAL_PTHREAD_KILL, "signal.pthread_kill", "ii", (int64_t)999,
	      (int64_t)15);
	sysc(100, 100, PYX_SC_tgkill, 0, 1, 101, 15, 0, 0, 0);
	sysc(100, 100, PYX_SC_tgkill, 0, 300, 300, 15, 0, 0, 0);
	sysc(100, 100, PYX_SC_tkill, 0, 300, 15, 0, 0, 0, 0);
	audit(100, 100, PYX_EV_SIGNAL_PTHREAD_KILL, "signal.pthread_kill", "ii", (int64_t)999,
	      (int64_t)15);
	sysc(100, 100, PYX_SC_tgkill, 0, 100, 100, 15, 0, 0, 0); /* its global pid: another's */
	/* no namespace known (no exec or fork record): nothing explained */
	audit(400, 400, PYX_EV_SIGNAL_PTHREAD_KILL, "signal.pthread_kill", "ii", (int64_t)999,
	      (int64_t)15);
	sysc(400, 400, PYX_SC_tgkill, 0, 400, 400, 15, 0, 0, 0);
	expect("pthread_kill",
	       "P 100 2\n"
	       "L 100\n"
	       "A 100 signal.pthread_kill matched [tgkill,tgkill]\n"
	       "S 100 tgkill -\n"
	       "S 100 tgkill unaudited after signal.pthread_kill\n"
	       "S 100 tkill unaudited after signal.pthread_kill\n"
	       "A 100 signal.pthread_kill mismatch [tgkill] (another process)\n"
	       "S 100 tgkill unaudited after signal.pthread_kill\n"
	       "A 400 signal.pthread_kill mismatch [tgkill] (another process)\n"
	       "S 400 tgkill unaudited after signal.pthread_kill\n");
}

/* mmap.__new__ and the loaders: maps of a file only */
static void t_maps(void)
{
	start(NULL);
	/* mmap.mmap(-1, 4096): no anonymous map is its (prot is not in the event) */
	audit(100, 100, PYX_EV_MMAP_NEW, "mmap.__new__", "iiii", (int64_t)-1, (int64_t)4096,
	      (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_mmap, 0x7000, 0, 4096, 7, 0x22, (uint64_t)-1, 0);
	/* a file's: the fd, the length when given, the offset */
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/w/code", "rb", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/w/code");
	audit(100, 100, PYX_EV_MMAP_NEW, "mmap.__new__", "iiii", (int64_t)3, (int64_t)4096,
	      (int64_t)0, (int64_t)0);
	sysc(100, 100, PYX_SC_mmap, 0x7000, 0, 4096, 5, 0x02, 3, 0);
	sysc(100, 100, PYX_SC_mmap, 0x8000, 0, 8192, 5, 0x02, 3, 0);
	sysc(100, 100, PYX_SC_mmap, 0x9000, 0, 4096, 5, 0x02, 4, 0);
	sysc(100, 100, PYX_SC_mmap, 0x9000, 0, 4096, 5, 0x02, 3, 4096);
	audit(100, 100, PYX_EV_MMAP_NEW, "mmap.__new__", "iiii", (int64_t)3, (int64_t)0, (int64_t)0,
	      (int64_t)0);
	sysc(100, 100, PYX_SC_mmap, 0x7000, 0, 12288, 5, 0x01, 3, 0);
	/* a loader: ld.so's maps of the file it opened read-only; no anonymous or RWX map, no
	 * mprotect, no map of a file not so opened */
	audit(100, 100, PYX_EV_CTYPES_DLOPEN, "ctypes.dlopen", "s", "libm.so.6");
	sysc(100, 100, PYX_SC_openat, 4, FDCWD, 0, 02000000, 0, 0, 0, "/lib/libm.so.6");
	sysc(100, 100, PYX_SC_mmap, 0xa000, 0xa000, 4096, 5, 0x812, 4, 0x1000);
	sysc(100, 100, PYX_SC_mmap, 0xb000, 0, 4096, 7, 0x22, (uint64_t)-1, 0);
	sysc(100, 100, PYX_SC_mmap, 0xc000, 0, 4096, 5, 0x22, 4, 0);
	sysc(100, 100, PYX_SC_mmap, 0xd000, 0, 4096, 7, 0x02, 4, 0);
	sysc(100, 100, PYX_SC_mprotect, 0, 0xe000, 4096, 7, 0, 0, 0);
	sysc(100, 100, PYX_SC_mprotect, 0, 0xa000, 4096, 5, 0, 0, 0);
	sysc(100, 100, PYX_SC_mmap, 0xf000, 0, 4096, 5, 0x02, 9, 0);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/w/out", "wb", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 5, FDCWD, 0, O_W_C_T, 0666, 0, 0, "/w/out");
	audit(100, 100, PYX_EV_IMPORT, "import", "snnnn", "ext");
	sysc(100, 100, PYX_SC_mmap, 0x10000, 0, 4096, 5, 0x02, 5, 0);
	sysc(100, 100, PYX_SC_openat, 6, FDCWD, 0, 02000000, 0, 0, 0, "/x/ext.so");
	sysc(100, 100, PYX_SC_mmap, 0x11000, 0, 4096, 5, 0x02, 6, 0);
	expect("maps",
	       "A 100 mmap.__new__ no-syscall\n"
	       "S 100 mmap unaudited after mmap.__new__\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 mmap.__new__ matched [mmap,mmap,mmap,mmap]\n"
	       "S 100 mmap -\n"
	       "S 100 mmap unaudited after mmap.__new__\n"
	       "S 100 mmap unaudited after mmap.__new__\n"
	       "S 100 mmap unaudited after mmap.__new__\n"
	       "A 100 mmap.__new__ matched [mmap]\n"
	       "S 100 mmap -\n"
	       "A 100 ctypes.dlopen matched [openat,mmap]\n"
	       "S 100 openat -\n"
	       "S 100 mmap -\n"
	       "S 100 mmap unaudited after ctypes.dlopen\n"
	       "S 100 mmap unaudited after ctypes.dlopen\n"
	       "S 100 mmap unaudited after ctypes.dlopen\n"
	       "S 100 mprotect unaudited after ctypes.dlopen\n"
	       "S 100 mprotect unaudited after ctypes.dlopen\n"
	       "S 100 mmap unaudited after ctypes.dlopen\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n"
	       "A 100 import matched [openat,mmap]\n"
	       "S 100 mmap unaudited after import\n"
	       "S 100 openat -\n"
	       "S 100 mmap -\n");
}

static void t_exit_frees(void)
{
	start(NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/a", "r", (int64_t)0);
	proc(100, 100, PYX_PROC_FORK, 101, true, NULL);
	audit(100, 101, PYX_EV_OPEN, "open", "ssi", "/b", "r", (int64_t)0);
	proc(100, 100, PYX_PROC_EXIT, 0, false, NULL);
	audit(100, 100, PYX_EV_OPEN, "open", "ssi", "/c", "r", (int64_t)0);
	sysc(100, 100, PYX_SC_openat, 3, FDCWD, 0, 0, 0, 0, 0, "/c");
	expect("exit frees threads",
	       "A 100 open no-syscall\n"
	       "P 100 1\n"
	       "A 101 open no-syscall\n"
	       "P 100 3\n"
	       "A 100 open matched [openat]\n"
	       "S 100 openat -\n");
}

int main(int argc, char **argv)
{
	char dir[600];

	if (argc < 2) {
		fprintf(stderr, "usage: corr-unit SCRATCH_DIR\n");
		return 2;
	}
	/* a fake /proc: pid 100 runs in /work */
	snprintf(procfs, sizeof(procfs), "%s/proc", argv[1]);
	snprintf(resolv_conf, sizeof(resolv_conf), "%s/resolv.conf", argv[1]);
	snprintf(dir, sizeof(dir), "%s/100", procfs);
	mkdir(procfs, 0755);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/100/cwd", procfs);
	unlink(dir);
	if (symlink("/work", dir)) {
		perror("symlink");
		return 1;
	}
	/* the monitor's mount namespace: a file, its inode */
	snprintf(dir, sizeof(dir), "%s/self", procfs);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/self/ns", procfs);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/self/ns/mnt", procfs);
	close(open(dir, O_WRONLY | O_CREAT, 0644));

	t_open();
	t_opened_mismatch();
	t_relative_sqlite();
	t_sqlite_uri_tmp();
	t_sqlite_many();
	t_sqlite_licence();
	t_fileops();
	t_other_doors();
	t_reason_order();
	t_ctypes_import();
	t_spawn();
	t_preexec();
	t_popen_gc();
	t_unread_path();
	t_unread_roles();
	t_relative_cwd();
	t_fexecve();
	t_unread_program();
	t_socket();
	t_resolver_netlink();
	t_resolver_pre();
	t_resolver_window();
	t_resolver_sort();
	t_resolv_conf();
	t_uuidd();
	t_cut_path();
	t_native_lib_inode();
	t_one_child();
	t_composite_unread();
	t_addr_families();
	t_nscd_socket();
	t_composite();
	t_composite_roles();
	t_lost_caps_expiry();
	t_busy_window();
	t_throttled();
	t_unreported_drop();
	t_unhooked();
	t_shm();
	t_shm_literal();
	t_mnt();
	t_mnt_record();
	t_stats();
	if (access("/usr/bin/python3.11", R_OK) == 0) {
		t_blind("/usr/bin/python3.11");
		t_blind_killed("/usr/bin/python3.11");
	}
	t_exit_frees();
	t_claim_keep();
	t_fork_ctx();
	t_sc_paths();
	t_claim_tail();
	t_claim_stale_addr();
	t_self_fork();
	t_self_signal();
	t_noargs();
	t_clone_ns_event();
	t_pthread_kill();
	t_maps();
	t_name_key();
	printf("all %d checks passed\n", checks);
	return 0;
}
