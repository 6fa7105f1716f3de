// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the syscall/process record decoder: hand-built records, good ones decoded to exact
 * values, and one malformed variant per check (each must be -EINVAL). Run by tests/test_sysrec.py;
 * prints "all N checks passed" and exits 0, or names the first failing check and exits 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/syscall.h>

#include "decode_syscall.h"

/* The table's numbers are the x86-64 ones libc knows (fchmodat2, Linux 6.6, and setxattrat and
 * removexattrat, 6.13, are newer than Debian 12's headers: the kernel's syscall_64.tbl). */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
/* umount2(2) is the row umount (its tracepoint is sys_enter_umount) */
#define __NR_umount __NR_umount2
#define NR_CHECK(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                     \
	_Static_assert(__NR_##name == nr, "syscall number of " #name);
PYX_SYSCALLS(NR_CHECK)
#undef NR_CHECK

static int checks;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

struct recbuf {
	struct pyx_rec_syscall rec;
	unsigned char tail[PYX_SC_TAIL_MAX];
};

static size_t sc_begin(struct recbuf *b, int sc)
{
	memset(b, 0, sizeof(*b));
	b->rec.hdr.type = PYX_REC_SYSCALL;
	b->rec.hdr.pid = 100;
	b->rec.hdr.tid = 101;
	b->rec.hdr.ts_ns = 5000;
	b->rec.enter_ns = 4000;
	b->rec.sc = sc;
	b->rec.nr = pyx_sc_nr(sc);
	b->rec.hdr.size = sizeof(b->rec);
	return 0;
}

/* Append bytes as the data of argument i; returns the new tail length. */
static size_t put_data(struct recbuf *b, size_t used, int i, const void *p, size_t len,
		       unsigned int flags, unsigned int count)
{
	memcpy(b->tail + used, p, len);
	b->rec.data[i].off = sizeof(b->rec) + used;
	b->rec.data[i].len = len;
	b->rec.data[i].flags = PYX_DF_PRESENT | flags;
	b->rec.data[i].count = count;
	b->rec.hdr.size = sizeof(b->rec) + used + len;
	return used + len;
}

static int dec(struct recbuf *b, struct pyx_sysview *v)
{
	return pyx_sysrec_decode(b, b->rec.hdr.size, v);
}

static void build_openat(struct recbuf *b)
{
	sc_begin(b, PYX_SC_openat);
	b->rec.args[0] = (uint64_t)-100;
	b->rec.args[2] = 01 | 0100 | 01000 | 02000000;
	b->rec.args[3] = 0644;
	b->rec.ret = -2;
	put_data(b, 0, 1, "/tmp/a b", 9, 0, 0);
}

static void test_openat(void)
{
	struct recbuf b;
	struct pyx_sysview v;
	char t[128];

	build_openat(&b);
	CHECK(dec(&b, &v) == 0);
	CHECK(!strcmp(v.name, "openat") && v.nr == 257 && v.nargs == 4);
	CHECK(v.ret == -2 && v.err == ENOENT && !strcmp(pyx_errno_name(v.err), "ENOENT"));
	CHECK(v.latency_ns == 1000 && v.ret_kind == PYX_RK_FD);
	CHECK(!strcmp(v.args[1].name, "filename") && v.args[1].kind == PYX_AK_PATH);
	CHECK(v.args[1].present && !v.args[1].truncated && v.args[1].u.path.len == 8);
	CHECK(!strcmp(v.args[1].u.path.str, "/tmp/a b"));
	CHECK(v.args[1].u.path.has_dirfd && v.args[1].u.path.dirfd == -100);
	CHECK(pyx_fmt_arg(v.args[0].kind, v.args[0].raw, t, sizeof(t)) > 0 &&
	      !strcmp(t, "AT_FDCWD"));
	pyx_fmt_arg(v.args[2].kind, v.args[2].raw, t, sizeof(t));
	CHECK(!strcmp(t, "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"));
	pyx_fmt_arg(v.args[3].kind, v.args[3].raw, t, sizeof(t));
	CHECK(!strcmp(t, "0644"));

	/* truncated flag carried */
	build_openat(&b);
	b.rec.data[1].flags |= PYX_DF_TRUNCATED;
	CHECK(dec(&b, &v) == 0 && v.args[1].truncated);
	/* NULL pointer: no data */
	build_openat(&b);
	memset(&b.rec.data[1], 0, sizeof(b.rec.data[1]));
	b.rec.data[1].flags = PYX_DF_NULL;
	b.rec.hdr.size = sizeof(b.rec);
	CHECK(dec(&b, &v) == 0 && v.args[1].null && !v.args[1].present);
	/* fault */
	b.rec.data[1].flags = PYX_DF_FAULT;
	CHECK(dec(&b, &v) == 0 && v.args[1].fault);
	/* tail full: present, truncated, empty */
	b.rec.data[1].flags = PYX_DF_PRESENT | PYX_DF_TRUNCATED;
	b.rec.data[1].off = sizeof(b.rec);
	CHECK(dec(&b, &v) == 0 && v.args[1].truncated && !strcmp(v.args[1].u.path.str, ""));
}

static void test_openat_malformed(void)
{
	struct recbuf b;
	struct pyx_sysview v;

	build_openat(&b);
	CHECK(pyx_sysrec_decode(&b, sizeof(b.rec) - 1, &v) == -EINVAL);  /* shorter than struct */
	CHECK(pyx_sysrec_decode(&b, b.rec.hdr.size + 1, &v) == -EINVAL); /* hdr.size != size */
	CHECK(pyx_sysrec_decode(NULL, 200, &v) == -EINVAL);
	build_openat(&b), b.rec.hdr.type = PYX_REC_PROCESS;
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.hdr.flags = 1 << 7; /* unknown flag */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.hdr.flags = PYX_SCF_NO_RESULT; /* only on io_uring records */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.sc = PYX_SC__COUNT;
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.nr = 2; /* number of another syscall */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.op = 1;
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.enter_ns = b.rec.hdr.ts_ns + 1;
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[1].off = sizeof(b.rec) - 8; /* inside the fixed part */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[1].len++; /* past the record */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.tail[8] = 'x'; /* no NUL at the end */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.tail[3] = 0; /* NUL inside */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[1].flags |= 0x100; /* unknown flag */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[1].flags |= PYX_DF_NULL; /* present and NULL */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[1].count = 1; /* count on a non-ARGV */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[2].len = 1; /* data on a numeric argument */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[4].flags = PYX_DF_PRESENT; /* data on an unused slot */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.data[1].flags = 0; /* length without PRESENT */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b);
	b.rec.data[1].flags = PYX_DF_PRESENT, b.rec.data[1].len = 0; /* empty, not truncated */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.hdr.size = sizeof(b.rec) + PYX_SC_TAIL_MAX + 1;
	CHECK(pyx_sysrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL); /* longer than any record */
}

/* The user stack trailer (PYX_SCF_USTACK): 8-aligned after the tail, ends the record. */
static void add_ustack(struct recbuf *b, unsigned int nframes)
{
	size_t at = (b->rec.hdr.size - sizeof(b->rec) + 7) & ~(size_t)7;
	struct pyx_sc_ustack us;

	memset(&us, 0, sizeof(us));
	us.nframes = nframes;
	us.f[0].status = PYX_USF_VALID;
	us.f[0].build_id[0] = 0xab;
	us.f[0].off_or_ip = 0xf8011;
	us.f[1].status = PYX_USF_IP;
	us.f[1].off_or_ip = 0x7f0000001000ull;
	memcpy(b->tail + at, &us, sizeof(us));
	b->rec.hdr.size = sizeof(b->rec) + at + sizeof(us);
	b->rec.hdr.flags = PYX_SCF_USTACK;
}

static void test_ustack(void)
{
	struct recbuf b;
	struct pyx_sysview v;

	build_openat(&b);
	add_ustack(&b, 2);
	CHECK(dec(&b, &v) == 0 && v.nustack == 2);
	CHECK(v.ustack[0].status == PYX_USF_VALID && v.ustack[0].build_id[0] == 0xab &&
	      v.ustack[0].off_or_ip == 0xf8011);
	CHECK(v.ustack[1].status == PYX_USF_IP && v.ustack[1].off_or_ip == 0x7f0000001000ull);
	CHECK(!strcmp(v.args[1].u.path.str, "/tmp/a b")); /* the tail is decoded as before */
	build_openat(&b);
	CHECK(dec(&b, &v) == 0 && v.nustack == 0);
	CHECK(v.ustack_dump == 0);
	/* the slot of its stack dump, 1-based, within the ring of PYX_USTACK_DUMPS */
	build_openat(&b), add_ustack(&b, 1);
	((struct pyx_sc_ustack *)((char *)&b + b.rec.hdr.size - sizeof(struct pyx_sc_ustack)))
		->dump = PYX_USTACK_DUMPS;
	CHECK(dec(&b, &v) == 0 && v.ustack_dump == PYX_USTACK_DUMPS);
	((struct pyx_sc_ustack *)((char *)&b + b.rec.hdr.size - sizeof(struct pyx_sc_ustack)))
		->dump = PYX_USTACK_DUMPS + 1;
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), add_ustack(&b, 0); /* no frame */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), add_ustack(&b, PYX_USTACK_MAX + 1);
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), add_ustack(&b, 1), b.rec.hdr.flags |= 0x1000; /* unknown flag */
	CHECK(dec(&b, &v) == -EINVAL);
	/* what a record says of the ring, not of itself (pyxcheck_wire.h): decoded as usual */
	build_openat(&b), add_ustack(&b, 1), b.rec.hdr.flags |= PYX_HDRF_UNREPORTED;
	CHECK(dec(&b, &v) == 0 && v.nustack == 1);
	build_openat(&b), add_ustack(&b, 1), b.rec.hdr.size -= 4; /* not 8-aligned */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), b.rec.hdr.flags = PYX_SCF_USTACK; /* flag without room for it */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b), add_ustack(&b, 1);
	b.rec.data[1].len = b.rec.hdr.size - b.rec.data[1].off; /* path runs into the trailer */
	CHECK(dec(&b, &v) == -EINVAL);
}

static void test_sockaddr(void)
{
	struct recbuf b;
	struct pyx_sysview v;
	unsigned char in4[16] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1 };
	unsigned char in6[28] = { 10, 0, 0x00, 0x50 };
	unsigned char un[2 + 9] = { 1, 0, '/', 't', 'm', 'p', '/', 's', 0 };
	unsigned char abs[2 + 5] = { 1, 0, 0, 'a', 0, 'b', 'c' };
	unsigned char unnamed[2] = { 1, 0 };
	char t[64];

	sc_begin(&b, PYX_SC_connect);
	b.rec.args[2] = 16;
	put_data(&b, 0, 1, in4, sizeof(in4), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[1].u.sa.decoded && v.args[1].u.sa.family == 2);
	CHECK(!strcmp(v.args[1].u.sa.addr, "127.0.0.1") && v.args[1].u.sa.port == 8080);
	CHECK(v.ret_kind == PYX_RK_INT && v.err == 0);

	in6[23] = 1; /* ::1 */
	in6[24] = 3; /* scope 3 */
	sc_begin(&b, PYX_SC_bind);
	put_data(&b, 0, 1, in6, sizeof(in6), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[1].u.sa.family == 10 && v.args[1].u.sa.port == 80);
	CHECK(!strcmp(v.args[1].u.sa.addr, "::1") && v.args[1].u.sa.scope_id == 3);
	/* an AF_INET6 too short to hold the address stays raw */
	sc_begin(&b, PYX_SC_bind);
	put_data(&b, 0, 1, in6, 20, 0, 0);
	CHECK(dec(&b, &v) == 0 && !v.args[1].u.sa.decoded && v.args[1].u.sa.raw_len == 20);

	sc_begin(&b, PYX_SC_sendto);
	put_data(&b, 0, 4, un, sizeof(un), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[4].u.sa.family == 1 && !v.args[4].u.sa.abstract);
	CHECK(v.args[4].u.sa.unix_len == 6 && !memcmp(v.args[4].u.sa.unix_path, "/tmp/s", 6));
	sc_begin(&b, PYX_SC_sendto);
	put_data(&b, 0, 4, abs, sizeof(abs), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[4].u.sa.abstract && v.args[4].u.sa.unix_len == 4);
	CHECK(!memcmp(v.args[4].u.sa.unix_path, "a\0bc", 4));
	sc_begin(&b, PYX_SC_connect);
	put_data(&b, 0, 1, unnamed, sizeof(unnamed), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[1].u.sa.unnamed);
	/* too short for a family */
	sc_begin(&b, PYX_SC_connect);
	put_data(&b, 0, 1, unnamed, 1, 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[1].u.sa.family == -1 && !v.args[1].u.sa.decoded);
	/* sendmsg: msg_name */
	sc_begin(&b, PYX_SC_sendmsg);
	put_data(&b, 0, 1, in4, sizeof(in4), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[1].kind == PYX_AK_MSGHDR && v.args[1].u.sa.port == 8080);
	/* accept: peer address and its length */
	sc_begin(&b, PYX_SC_accept4);
	{
		uint32_t len = 16;
		size_t used = put_data(&b, 0, 1, in4, sizeof(in4), 0, 0);

		put_data(&b, used, 2, &len, sizeof(len), 0, 0);
		b.rec.args[3] = 02000000;
	}
	CHECK(dec(&b, &v) == 0 && v.args[2].u.socklen == 16 && v.ret_kind == PYX_RK_FD);
	pyx_fmt_arg(v.args[3].kind, v.args[3].raw, t, sizeof(t));
	CHECK(!strcmp(t, "SOCK_CLOEXEC"));
	/* malformed: socklen data of 3 bytes, sockaddr longer than sockaddr_storage */
	sc_begin(&b, PYX_SC_accept);
	put_data(&b, 0, 2, in4, 3, 0, 0);
	CHECK(dec(&b, &v) == -EINVAL);
	{
		unsigned char big[PYX_SC_SOCKADDR_MAX + 1] = { 2 };

		sc_begin(&b, PYX_SC_connect);
		put_data(&b, 0, 1, big, sizeof(big), 0, 0);
		CHECK(dec(&b, &v) == -EINVAL);
	}
}

static void test_argv(void)
{
	struct recbuf b;
	struct pyx_sysview v;
	const char items[] = "ls\0-l\0/tmp";
	size_t used;

	sc_begin(&b, PYX_SC_execve);
	used = put_data(&b, 0, 0, "/bin/ls", 8, 0, 0);
	put_data(&b, used, 1, items, sizeof(items), PYX_DF_TRUNCATED, 3);
	CHECK(dec(&b, &v) == 0 && v.args[1].u.argv.count == 3 && v.args[1].truncated);
	CHECK(!strcmp(v.args[1].u.argv.items[0], "ls") &&
	      !strcmp(v.args[1].u.argv.items[2], "/tmp"));
	CHECK(!strcmp(v.args[0].u.path.str, "/bin/ls") && !v.args[0].u.path.has_dirfd);
	b.rec.data[1].count = 2; /* bytes left over */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.data[1].count = 4; /* more items than bytes */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.data[1].count = PYX_SC_ARGV_MAX + 1;
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.data[1].count = 3;
	b.tail[used + sizeof(items) - 1] = 'x'; /* last item unterminated */
	CHECK(dec(&b, &v) == -EINVAL);
	/* empty argv */
	sc_begin(&b, PYX_SC_execveat);
	b.rec.data[2].flags = PYX_DF_PRESENT;
	b.rec.data[2].off = sizeof(b.rec);
	CHECK(dec(&b, &v) == 0 && v.args[2].u.argv.count == 0 && v.nargs == 5);
}

static void test_other_kinds(void)
{
	struct recbuf b;
	struct pyx_sysview v;
	uint64_t how[3] = { 0100, 0600, 4 }, rl[2] = { 1024, ~0ull };
	uint64_t ca[8] = { 0x10000 | 0x100, 0, 0, 0, 17 };
	char t[128];

	sc_begin(&b, PYX_SC_openat2);
	put_data(&b, 0, 2, how, sizeof(how), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[2].u.how.flags == 0100 && v.args[2].u.how.resolve == 4);
	b.rec.data[2].len = 16, b.rec.hdr.size -= 8;
	CHECK(dec(&b, &v) == -EINVAL);

	sc_begin(&b, PYX_SC_prlimit64);
	b.rec.args[1] = 7;
	put_data(&b, 0, 2, rl, sizeof(rl), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[2].u.rlim.cur == 1024 && v.args[2].u.rlim.max == ~0ull);
	pyx_fmt_arg(v.args[1].kind, v.args[1].raw, t, sizeof(t));
	CHECK(!strcmp(t, "RLIMIT_NOFILE"));

	sc_begin(&b, PYX_SC_clone3);
	put_data(&b, 0, 0, ca, sizeof(ca), 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[0].u.clone.flags == 0x10100 &&
	      v.args[0].u.clone.exit_signal == 17 && v.ret_kind == PYX_RK_PID);

	sc_begin(&b, PYX_SC_sethostname);
	put_data(&b, 0, 0, "box\n", 4, 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[0].u.buf.len == 4 &&
	      !memcmp(v.args[0].u.buf.bytes, "box\n", 4));

	sc_begin(&b, PYX_SC_renameat2);
	b.rec.args[0] = 3, b.rec.args[2] = (uint64_t)-100, b.rec.args[4] = 1;
	{
		size_t used = put_data(&b, 0, 1, "a", 2, 0, 0);

		put_data(&b, used, 3, "b", 2, 0, 0);
	}
	CHECK(dec(&b, &v) == 0 && v.args[1].u.path.dirfd == 3 && v.args[3].u.path.dirfd == -100);
	pyx_fmt_arg(v.args[4].kind, v.args[4].raw, t, sizeof(t));
	CHECK(!strcmp(t, "RENAME_NOREPLACE"));

	sc_begin(&b, PYX_SC_fork);
	CHECK(dec(&b, &v) == 0 && v.nargs == 0);

	/* numeric formatting */
	pyx_fmt_arg(PYX_AK_PROT, 5, t, sizeof(t));
	CHECK(!strcmp(t, "PROT_READ|PROT_EXEC"));
	pyx_fmt_arg(PYX_AK_SIGNAL, 15, t, sizeof(t));
	CHECK(!strcmp(t, "SIGTERM"));
	pyx_fmt_arg(PYX_AK_SIGNAL, 0, t, sizeof(t));
	CHECK(!strcmp(t, "0"));
	pyx_fmt_arg(PYX_AK_CLONE_FLAGS, 0x1200000 | 17, t, sizeof(t));
	CHECK(!strcmp(t, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"));
	pyx_fmt_arg(PYX_AK_SOCK_TYPE, 1 | 02000000, t, sizeof(t));
	CHECK(!strcmp(t, "SOCK_STREAM|SOCK_CLOEXEC"));
	pyx_fmt_arg(PYX_AK_AT_FLAGS, 0x200 | 0x8000000, t, sizeof(t));
	CHECK(!strcmp(t, "AT_REMOVEDIR|0x8000000"));
	pyx_fmt_arg(PYX_AK_MAP_FLAGS, 0x2 | 0x20, t, sizeof(t));
	CHECK(!strcmp(t, "MAP_PRIVATE|MAP_ANONYMOUS"));
	pyx_fmt_arg(PYX_AK_OPEN_FLAGS, 0, t, sizeof(t));
	CHECK(!strcmp(t, "O_RDONLY"));
	CHECK(pyx_fmt_arg(PYX_AK_OPEN_FLAGS, 02 | 0100, t, 5) == 14 && !strcmp(t, "O_RD"));
	CHECK(pyx_fmt_arg(PYX_AK_PATH, 0, t, sizeof(t)) == -EINVAL);
	CHECK(!strcmp(pyx_errno_name(ECONNREFUSED), "ECONNREFUSED") && !pyx_errno_name(0));
	CHECK(!pyx_errno_name(4000) && !strcmp(pyx_af_name(10), "AF_INET6"));
	CHECK(pyx_sc_by_name("mprotect") == PYX_SC_mprotect && pyx_sc_by_name("read") == -1);
	CHECK(!strcmp(pyx_sc_name(PYX_SC_fchdir), "fchdir") && !pyx_sc_name(PYX_SC__COUNT));
}

/* Rows of PYX_SYSCALLS_EVASION: entry-only records, STR data, and their numeric kinds. */
static void entry_begin(struct recbuf *b, int sc)
{
	sc_begin(b, sc);
	b->rec.hdr.flags = PYX_SCF_ENTRY;
	b->rec.hdr.ts_ns = b->rec.enter_ns;
}

static void test_evasion_rows(void)
{
	struct recbuf b;
	struct pyx_sysview v;
	char t[128];

	entry_begin(&b, PYX_SC_setxattr);
	b.rec.args[3] = 1;
	{
		size_t used = put_data(&b, 0, 0, "/tmp/f", 7, 0, 0);

		put_data(&b, used, 1, "security.capability", 20, 0, 0);
	}
	CHECK(dec(&b, &v) == 0 && v.at_entry && v.latency_ns == 0 && v.nargs == 5);
	CHECK(v.args[1].kind == PYX_AK_STR &&
	      !strcmp(v.args[1].u.path.str, "security.capability") && v.args[1].u.path.len == 19 &&
	      !v.args[1].u.path.has_dirfd);
	b.rec.ret = -1; /* an entry record knows no result */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.ret = 0, b.rec.hdr.ts_ns++; /* nor an exit time */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.hdr.ts_ns--, b.rec.hdr.flags = 0; /* an entry-only row always comes at entry */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.hdr.flags = 1 << 7;
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b); /* and no other row does */
	b.rec.hdr.flags = PYX_SCF_ENTRY;
	CHECK(dec(&b, &v) == -EINVAL);
	entry_begin(&b, PYX_SC_fsetxattr);
	put_data(&b, 0, 1, "user.x\0y", 9, 0, 0); /* a NUL inside the string */
	CHECK(dec(&b, &v) == -EINVAL);
	/* an io_uring FSETXATTR: a record of an entry-only row sent at its completion, with its
	 * result and latency; never with the entry flag */
	sc_begin(&b, PYX_SC_fsetxattr);
	b.rec.hdr.flags = PYX_SCF_IO_URING, b.rec.op = 41, b.rec.ret = -95;
	put_data(&b, 0, 1, "security.x", 11, 0, 0);
	CHECK(dec(&b, &v) == 0 && v.io_uring && !v.at_entry && v.ret == -95 && v.latency_ns > 0 &&
	      !strcmp(v.args[1].u.path.str, "security.x"));
	CHECK(!strcmp(pyx_uring_op_name(v.uring_op), "IORING_OP_FSETXATTR"));
	b.rec.hdr.flags = PYX_SCF_IO_URING | PYX_SCF_ENTRY;
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.hdr.flags = PYX_SCF_IO_URING | PYX_SCF_NO_RESULT, b.rec.ret = 0;
	b.rec.hdr.ts_ns = b.rec.enter_ns;
	CHECK(dec(&b, &v) == 0 && v.no_result && !v.at_entry);
	CHECK(!strcmp(pyx_uring_op_name(42), "IORING_OP_SETXATTR") &&
	      !strcmp(pyx_uring_op_name(45), "IORING_OP_SOCKET") &&
	      !strcmp(pyx_uring_op_name(55), "IORING_OP_FTRUNCATE") &&
	      !strcmp(pyx_uring_op_name(56), "IORING_OP_BIND") &&
	      !strcmp(pyx_uring_op_name(57), "IORING_OP_LISTEN") && !pyx_uring_op_name(58) &&
	      !pyx_uring_op_name(43));

	entry_begin(&b, PYX_SC_mknodat);
	b.rec.args[0] = (uint64_t)-100, b.rec.args[2] = 0020000 | 0666, b.rec.args[3] = 0x103;
	put_data(&b, 0, 1, "null", 5, 0, 0);
	CHECK(dec(&b, &v) == 0 && v.args[1].u.path.has_dirfd && v.args[1].u.path.dirfd == -100);
	pyx_fmt_arg(v.args[2].kind, v.args[2].raw, t, sizeof(t));
	CHECK(!strcmp(t, "S_IFCHR|0666"));
	pyx_fmt_arg(v.args[3].kind, v.args[3].raw, t, sizeof(t));
	CHECK(!strcmp(t, "1:3"));
	pyx_fmt_arg(PYX_AK_DEV, (259 << 8) | (0x12345 & 0xff) | ((0x12345 & ~0xffull) << 12), t,
		    sizeof(t));
	CHECK(!strcmp(t, "259:74565"));
	pyx_fmt_arg(PYX_AK_NODE_MODE, 0600, t, sizeof(t));
	CHECK(!strcmp(t, "0600"));
	pyx_fmt_arg(PYX_AK_NODE_MODE, 0010000 | 0644, t, sizeof(t));
	CHECK(!strcmp(t, "S_IFIFO|0644"));
	pyx_fmt_arg(PYX_AK_PERSONALITY, 0x0400000, t, sizeof(t));
	CHECK(!strcmp(t, "PER_LINUX|READ_IMPLIES_EXEC"));
	pyx_fmt_arg(PYX_AK_PERSONALITY, 0x0440008, t, sizeof(t));
	CHECK(!strcmp(t, "0x8|ADDR_NO_RANDOMIZE|READ_IMPLIES_EXEC"));
	pyx_fmt_arg(PYX_AK_PERSONALITY, 0xffffffff, t, sizeof(t));
	CHECK(!strcmp(t, "0xffffffff"));
	pyx_fmt_arg(PYX_AK_SHM_FLAGS, 0100000 | 010000, t, sizeof(t));
	CHECK(!strcmp(t, "SHM_RDONLY|SHM_EXEC"));
	pyx_fmt_arg(PYX_AK_PTRACE_REQ, 0x4206, t, sizeof(t));
	CHECK(!strcmp(t, "PTRACE_SEIZE"));
	pyx_fmt_arg(PYX_AK_PTRACE_REQ, 5, t, sizeof(t));
	CHECK(!strcmp(t, "PTRACE_POKEDATA"));
	pyx_fmt_arg(PYX_AK_PTRACE_REQ, 0x9999, t, sizeof(t));
	CHECK(!strcmp(t, "0x9999"));
	pyx_fmt_arg(PYX_AK_XATTR_FLAGS, 2, t, sizeof(t));
	CHECK(!strcmp(t, "XATTR_REPLACE"));
	CHECK(pyx_fmt_arg(PYX_AK_STR, 0, t, sizeof(t)) == -EINVAL);
	CHECK(pyx_sc_by_name("fchmodat2") == PYX_SC_fchmodat2);
	CHECK(pyx_sc_nr(PYX_SC_fchmodat2) == 452);

	/* PYX_SYSCALLS_OTHER_DOORS: the *at rows' name is argument 3, after a path relative to dfd */
	entry_begin(&b, PYX_SC_removexattrat);
	b.rec.args[0] = (uint64_t)-100, b.rec.args[2] = 0x1000; /* AT_EMPTY_PATH */
	{
		size_t used = put_data(&b, 0, 1, "f", 2, 0, 0);

		put_data(&b, used, 3, "security.ima", 13, 0, 0);
	}
	CHECK(dec(&b, &v) == 0 && v.at_entry && v.nargs == 4 && v.args[1].u.path.has_dirfd &&
	      v.args[1].u.path.dirfd == -100 && v.args[3].kind == PYX_AK_STR &&
	      !strcmp(v.args[3].u.path.str, "security.ima"));
	pyx_fmt_arg(v.args[2].kind, v.args[2].raw, t, sizeof(t));
	CHECK(!strcmp(t, "AT_EMPTY_PATH"));
	entry_begin(&b, PYX_SC_setrlimit);
	b.rec.args[0] = 4; /* RLIMIT_CORE */
	put_data(&b, 0, 1, "\0\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff", 16, 0, 0);
	CHECK(dec(&b, &v) == 0 && v.nargs == 2 && v.args[1].kind == PYX_AK_RLIMIT &&
	      v.args[1].present);
	CHECK(pyx_sc_nr(PYX_SC_utime) == 132 && pyx_sc_nr(PYX_SC_utimes) == 235 &&
	      pyx_sc_nr(PYX_SC_futimesat) == 261 && pyx_sc_nr(PYX_SC_setrlimit) == 160 &&
	      pyx_sc_nr(PYX_SC_setxattrat) == 463 && pyx_sc_nr(PYX_SC_removexattr) == 197 &&
	      pyx_sc_nr(PYX_SC_lremovexattr) == 198 && pyx_sc_nr(PYX_SC_fremovexattr) == 199 &&
	      pyx_sc_nr(PYX_SC_removexattrat) == 466);
}

/* Memory read at entry and compared at exit (PYX_SCF_CHANGED, PYX_DF_CHANGED). */
static void test_changed(void)
{
	struct recbuf b;
	struct pyx_sysview v;

	build_openat(&b);
	b.rec.hdr.flags = PYX_SCF_CHANGED;
	b.rec.data[1].flags |= PYX_DF_CHANGED;
	CHECK(dec(&b, &v) == 0 && v.changed && v.args[1].changed && !v.args[0].changed);
	CHECK(!v.read_at_exit && !v.at_entry);
	b.rec.hdr.flags = 0; /* an argument cannot have changed if the record says none did */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.hdr.flags = PYX_SCF_CHANGED | PYX_SCF_ENTRY; /* nor in a record sent at entry */
	CHECK(dec(&b, &v) == -EINVAL);
	build_openat(&b);
	b.rec.hdr.flags = PYX_SCF_READ_AT_EXIT;
	CHECK(dec(&b, &v) == 0 && v.read_at_exit && !v.changed && !v.unverified);
	b.rec.hdr.flags = PYX_SCF_UNVERIFIED; /* read at entry, faulted at exit: not a change */
	CHECK(dec(&b, &v) == 0 && v.unverified && !v.changed && !v.read_at_exit);
	b.rec.hdr.flags = PYX_SCF_UNVERIFIED | PYX_SCF_ENTRY; /* never compared */
	CHECK(dec(&b, &v) == -EINVAL);
	b.rec.hdr.flags = 1 << 7;
	CHECK(dec(&b, &v) == -EINVAL);
}

/* A path read at exit, with the kernel's name of the file opened (PYX_SCF_OPENED): the name's
 * checks, and when the path's last component does not name it (a decoy, or a final symlink). */
static int opened_as(const char *path, const char *name, unsigned int flags, long ret)
{
	struct recbuf b;
	struct pyx_sysview v;
	size_t used;
	int err;

	sc_begin(&b, PYX_SC_openat);
	b.rec.args[0] = (uint64_t)-100;
	b.rec.ret = ret;
	used = put_data(&b, 0, 1, path, strlen(path) + 1, 0, 0);
	put_data(&b, used, PYX_SC_OPENED_DATA, name, strlen(name) + 1, 0, 0);
	b.rec.hdr.flags = flags;
	err = dec(&b, &v);
	if (err)
		return err;
	CHECK(v.read_at_exit == !!(flags & PYX_SCF_READ_AT_EXIT) && !strcmp(v.opened, name));
	return v.name_mismatch;
}

static void test_opened(void)
{
	const unsigned int f = PYX_SCF_READ_AT_EXIT | PYX_SCF_OPENED;

	CHECK(opened_as("/w/fifo", "fifo", f, 3) == 0);
	CHECK(opened_as("fifo", "fifo", f, 3) == 0);
	CHECK(opened_as("/w/decoy.txt", "fifo", f, 3) == 1);
	CHECK(opened_as("/w/fif", "fifo", f, 3) == 1);
	CHECK(opened_as("/w/fifoo", "fifo", f, 3) == 1);
	/* the last component, trailing slashes skipped; none to compare in ".", "..", "/" */
	CHECK(opened_as("/w/dir//", "dir", f, 3) == 0);
	CHECK(opened_as("/w/dir/.", "w", f, 3) == 0);
	CHECK(opened_as("/w/dir/..", "x", f, 3) == 0);
	CHECK(opened_as("/", "/", f, 3) == 0);
	CHECK(opened_as("//", "x", f, 3) == 0);
	CHECK(opened_as("/w/dir", "/", f, 3) == 0); /* O_TMPFILE's anonymous file */
	/* only with a path read at exit, on a successful open */
	CHECK(opened_as("/w/fifo", "fifo", PYX_SCF_OPENED, 3) == -EINVAL);
	CHECK(opened_as("/w/fifo", "fifo", f, -2) == -EINVAL);
	/* or not read again at exit: the entry value is compared */
	CHECK(opened_as("/w/fifo", "fifo", PYX_SCF_UNVERIFIED | PYX_SCF_OPENED, 3) == 0);
	CHECK(opened_as("/w/decoy", "fifo", PYX_SCF_UNVERIFIED | PYX_SCF_OPENED, 3) == 1);
	{
		/* or with no path at all: read at neither end */
		struct recbuf b;
		struct pyx_sysview v;

		sc_begin(&b, PYX_SC_openat);
		b.rec.args[0] = (uint64_t)-100;
		b.rec.ret = 3;
		b.rec.data[1].flags = PYX_DF_FAULT;
		put_data(&b, 0, PYX_SC_OPENED_DATA, "fifo", 5, 0, 0);
		b.rec.hdr.flags = PYX_SCF_OPENED;
		CHECK(dec(&b, &v) == 0 && !strcmp(v.opened, "fifo") && !v.name_mismatch);
		b.rec.data[1].flags = 0; /* a NULL path is no fault */
		CHECK(dec(&b, &v) == -EINVAL);
	}
}

struct procbuf {
	struct pyx_rec_process rec;
	char tail[PYX_SC_STR_MAX + PYX_PROC_ARGV_MAX + 8];
};

static void proc_begin(struct procbuf *b, int kind)
{
	memset(b, 0, sizeof(*b));
	b->rec.hdr.type = PYX_REC_PROCESS;
	b->rec.hdr.size = sizeof(b->rec);
	b->rec.kind = kind;
	b->rec.ppid = 1;
}

static void test_process(void)
{
	struct procbuf b;
	struct pyx_procview v;

	proc_begin(&b, PYX_PROC_FORK);
	b.rec.child_pid = 42, b.rec.child_tid = 43, b.rec.hdr.flags = PYX_PRF_THREAD;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && v.thread && v.child_tid == 43);
	CHECK(!v.unmonitored);
	b.rec.hdr.flags = PYX_PRF_UNMONITORED; /* the monitored set was full */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && v.unmonitored && !v.thread);
	b.rec.hdr.flags = PYX_PRF_UNMONITORED | PYX_PRF_THREAD; /* a thread joins no set */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_EXIT);
	b.rec.hdr.flags = PYX_PRF_UNMONITORED; /* only a fork can fail to join */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_EXIT);
	b.rec.exit_code = 3 << 8;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && v.exited && v.exit_status == 3);
	b.rec.exit_code = 9;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && !v.exited && v.term_signal == 9);
	proc_begin(&b, PYX_PROC_EXEC);
	memcpy(b.tail, "/bin/sh", 8);
	b.rec.filename_off = sizeof(b.rec), b.rec.filename_len = 8, b.rec.old_tid = 7;
	b.rec.hdr.size = sizeof(b.rec) + 8;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && !strcmp(v.filename, "/bin/sh"));
	CHECK(v.filename_len == 7 && v.old_tid == 7);
	CHECK(!v.argv && !v.argv_len);
	/* issue 11: argv after the filename, and the identity the kernel gave at exec */
	memcpy(b.tail + 8, "sh\0-c\0", 6);
	b.rec.argv_off = sizeof(b.rec) + 8, b.rec.argv_len = 6, b.rec.hdr.size += 6;
	b.rec.euid = 5, b.rec.auid = 0xffffffff, b.rec.ns_pid = 1, b.rec.pidns_ino = 4026532001u;
	b.rec.exe_ino = 77, b.rec.exe_dev = 254 << 20;
	b.rec.hdr.flags = PYX_PRF_ARGV_TRUNCATED;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && v.argv_len == 6 &&
	      !memcmp(v.argv, "sh\0-c\0", 6) && v.argv_truncated);
	CHECK(v.euid == 5 && v.auid == 0xffffffff && v.ns_pid == 1 && v.pidns_ino == 4026532001u);
	CHECK(v.exe_ino == 77 && v.exe_dev == 254 << 20);
	b.rec.argv_off++; /* not right after the filename */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	b.rec.argv_off--, b.rec.argv_len = PYX_PROC_ARGV_MAX + 1; /* past its bound (and size) */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	b.rec.argv_len = 6, b.rec.mntns_ino = 4026531841u; /* its mount namespace */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == 0 && v.mntns_ino == 4026531841u);
	b.rec.mntns_ino = 0, b.rec.hdr.flags = 0, b.rec.hdr.size -= 6, b.rec.argv_off = 0;
	b.rec.argv_len = 0;

	/* malformed */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size - 1, &v) == -EINVAL);
	b.tail[7] = 'x';
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	b.tail[7] = 0, b.tail[2] = 0;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	b.tail[2] = 'i', b.rec.filename_off = sizeof(b.rec) + 1;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	b.rec.filename_off = sizeof(b.rec), b.rec.kind = PYX_PROC_FORK;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	b.rec.kind = 9;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_EXIT);
	b.rec.hdr.flags = PYX_PRF_ARGV_FAULT; /* argv flags on an exec only */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_FORK);
	b.rec.argv_off = sizeof(b.rec), b.rec.argv_len = 2, b.rec.hdr.size += 2;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_EXIT);
	b.rec.hdr.flags = PYX_PRF_THREAD;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_EXIT);
	b.rec.hdr.type = PYX_REC_SYSCALL;
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
	proc_begin(&b, PYX_PROC_EXIT);
	b.rec.hdr.size += 4; /* trailing bytes */
	CHECK(pyx_procrec_decode(&b, b.rec.hdr.size, &v) == -EINVAL);
}

/*
 * pyx_sysrec_view() serves a record that differs from the one it keeps in the exit time, result
 * and entry time alone from the kept decode: each of those fields must reach the view and pass
 * its checks, and a difference in any other byte must decode the record anew. A view keyed on
 * less (a path byte, an argument, the flags, the header) fails here.
 */
static void test_view_times(void)
{
	const struct pyx_sysview *sv;
	struct recbuf b, e;
	uint64_t gen, agen;

	build_openat(&b);
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->ret == -2 && sv->err == ENOENT && sv->latency_ns == 1000);
	gen = pyx_sysrec_view_gen(sv);
	CHECK(gen && pyx_sysrec_view(&b, b.rec.hdr.size) == sv && pyx_sysrec_view_gen(sv) == gen);
	agen = pyx_sysrec_view_args_gen(sv);
	CHECK(agen == gen);
	/* the times and the result of the same sign: served, each field new, the view numbered
	 * anew */
	b.rec.ret = -13, b.rec.hdr.ts_ns = 9000, b.rec.enter_ns = 8500;
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->ret == -13 && sv->err == EACCES && sv->enter_ns == 8500 &&
	      sv->latency_ns == 500);
	CHECK(pyx_sysrec_view_gen(sv) > gen && sv->rec->hdr.ts_ns == 9000 && sv->rec->ret == -13);
	CHECK(pyx_sysrec_view_args_gen(sv) == agen); /* the arguments are the same */
	CHECK(!strcmp(sv->args[1].u.path.str, "/tmp/a b") && sv->args[1].u.path.dirfd == -100);
	gen = pyx_sysrec_view_gen(sv);
	/* a result of the other sign: decoded anew (whether an open's path is checked depends on
	 * it, decode_trust()) */
	b.rec.ret = 3;
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->ret == 3 && sv->err == 0 && pyx_sysrec_view_gen(sv) > gen);
	CHECK(pyx_sysrec_view_args_gen(sv) > agen);
	agen = pyx_sysrec_view_args_gen(sv);
	/* an exit before the entry fails as the full decode fails it */
	b.rec.hdr.ts_ns = 100;
	CHECK(!pyx_sysrec_view(&b, b.rec.hdr.size));
	b.rec.hdr.ts_ns = 9000;
	CHECK(pyx_sysrec_view(&b, b.rec.hdr.size));
	/* any other byte: decoded anew */
	b.tail[7] = 'c';
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && !strcmp(sv->args[1].u.path.str, "/tmp/a c"));
	CHECK(pyx_sysrec_view_args_gen(sv) > agen &&
	      pyx_sysrec_view_args_gen(sv) == pyx_sysrec_view_gen(sv));
	agen = pyx_sysrec_view_args_gen(sv);
	b.rec.args[3] = 0600;
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->args[3].raw == 0600 && pyx_sysrec_view_args_gen(sv) > agen);
	b.rec.hdr.tid = 102;
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->rec->hdr.tid == 102);
	/* the header after ts_ns (cgroup id, comm) and nr/sc/op, between the two time stretches:
	 * a thread renamed or moved shows its new values, a row or opcode that no longer agrees is
	 * refused as the full decode refuses it (review of moncpu7: this stretch was untested) */
	agen = pyx_sysrec_view_args_gen(sv);
	b.rec.hdr.comm[0] = 'Q';
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->rec->hdr.comm[0] == 'Q' && pyx_sysrec_view_args_gen(sv) > agen);
	agen = pyx_sysrec_view_args_gen(sv);
	b.rec.hdr.cgroup_id = 4242;
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->rec->hdr.cgroup_id == 4242 && pyx_sysrec_view_args_gen(sv) > agen);
	b.rec.op = 18; /* an io_uring opcode on a record that is not io_uring's */
	CHECK(!pyx_sysrec_view(&b, b.rec.hdr.size));
	b.rec.op = 0;
	b.rec.nr = 2; /* open's number under openat's row */
	CHECK(!pyx_sysrec_view(&b, b.rec.hdr.size));
	b.rec.nr = 257;
	CHECK(pyx_sysrec_view(&b, b.rec.hdr.size));
	b.rec.hdr.flags = PYX_SCF_ENTRY; /* openat is not sent at entry */
	CHECK(!pyx_sysrec_view(&b, b.rec.hdr.size));
	b.rec.data[1].len = 20; /* past the record */
	b.rec.hdr.flags = 0;
	CHECK(!pyx_sysrec_view(&b, b.rec.hdr.size));
	/* an entry-only row: a result or an exit time of its own fails it */
	entry_begin(&e, PYX_SC_setxattr);
	put_data(&e, 0, 0, "/tmp/f", 7, 0, 0);
	CHECK(pyx_sysrec_view(&e, e.rec.hdr.size));
	e.rec.ret = -1;
	CHECK(!pyx_sysrec_view(&e, e.rec.hdr.size));
	e.rec.ret = 0;
	CHECK(pyx_sysrec_view(&e, e.rec.hdr.size));
	e.rec.hdr.ts_ns++;
	CHECK(!pyx_sysrec_view(&e, e.rec.hdr.size));
	e.rec.hdr.ts_ns += 10, e.rec.enter_ns = e.rec.hdr.ts_ns;
	sv = pyx_sysrec_view(&e, e.rec.hdr.size);
	CHECK(sv && sv->at_entry && sv->latency_ns == 0 && sv->enter_ns == e.rec.enter_ns);
}

/* The thread below decodes records until its view's number matches main's in all but a
 * thread's base, and hands back that number and its copy of the bytes. */
struct other_thread {
	uint64_t want, gen;
	struct recbuf copy;
};

static void *other_thread_main(void *arg)
{
	struct other_thread *o = arg;
	const uint64_t low = (1ull << 40) - 1;
	const struct pyx_sysview *sv;
	struct recbuf b;

	build_openat(&b);
	put_data(&b, 0, 1, "/tmp/thread", 12, 0, 0);
	for (unsigned int i = 0; i < 100000; i++) {
		b.rec.args[3] = i; /* a new record each time: a full decode, a new number */
		sv = pyx_sysrec_view(&b, b.rec.hdr.size);
		if (sv && (pyx_sysrec_view_gen(sv) & low) == (o->want & low)) {
			o->gen = pyx_sysrec_view_gen(sv);
			o->copy = b;
			break;
		}
	}
	/* the view points into this thread's kept copy, which nothing frees at a thread's end
	 * (the monitor decodes on its run loop's thread alone): freed here for the leak check */
	if (sv)
		free((void *)sv->rec);
	return NULL;
}

/*
 * pyx_sysrec_view_copy() serves the kept view for a copy of its bytes only while the number
 * it was given still names that view: after another record was decoded, after the times'
 * path changed the kept copy, and for a number taken on another thread it decodes the copy's own
 * bytes (fails with the number unchecked, with the times' path left out of the count, and with
 * every thread counting from the same base).
 */
static void test_view_copy(void)
{
	const struct pyx_sysview *sv;
	struct recbuf b, copy, other;
	struct other_thread o = { 0 };
	pthread_t t;
	uint64_t gen;

	build_openat(&b);
	b.rec.args[3] = 0611; /* not the kept record of test_view_times() */
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	gen = pyx_sysrec_view_gen(sv);
	copy = b;
	CHECK(sv && gen && pyx_sysrec_view_copy(&copy, copy.rec.hdr.size, gen) == sv);
	CHECK(pyx_sysrec_view_gen(sv) == gen);
	/* the kept view's times changed: the copy is decoded with its own */
	b.rec.ret = 5;
	sv = pyx_sysrec_view(&b, b.rec.hdr.size);
	CHECK(sv && sv->ret == 5);
	sv = pyx_sysrec_view_copy(&copy, copy.rec.hdr.size, gen);
	CHECK(sv && sv->ret == -2 && sv->err == ENOENT);
	/* another record decoded: the copy's own path */
	gen = pyx_sysrec_view_gen(sv);
	build_openat(&other);
	put_data(&other, 0, 1, "/tmp/other", 11, 0, 0);
	CHECK(pyx_sysrec_view(&other, other.rec.hdr.size));
	sv = pyx_sysrec_view_copy(&copy, copy.rec.hdr.size, gen);
	CHECK(sv && !strcmp(sv->args[1].u.path.str, "/tmp/a b"));
	/* 0: compared */
	sv = pyx_sysrec_view_copy(&other, other.rec.hdr.size, 0);
	CHECK(sv && !strcmp(sv->args[1].u.path.str, "/tmp/other"));
	/* a number taken on another thread names nothing here */
	o.want = pyx_sysrec_view_gen(sv);
	CHECK(!pthread_create(&t, NULL, other_thread_main, &o) && !pthread_join(t, NULL));
	CHECK(o.gen && o.gen != o.want);
	sv = pyx_sysrec_view_copy(&o.copy, o.copy.rec.hdr.size, o.gen);
	CHECK(sv && !strcmp(sv->args[1].u.path.str, "/tmp/thread"));
}

int main(void)
{
	_Static_assert(sizeof(struct pyx_rec_hdr) == 56, "hdr layout");
	_Static_assert(sizeof(struct pyx_rec_syscall) == 176, "syscall record layout");
	_Static_assert(sizeof(struct pyx_rec_process) == 120, "process record layout");
	_Static_assert(sizeof(struct pyx_sc_data) == 8, "data descriptor layout");
	_Static_assert(sizeof(struct pyx_sc_ustack) == 200, "stack trailer layout");

	test_openat();
	test_openat_malformed();
	test_ustack();
	test_sockaddr();
	test_argv();
	test_other_kinds();
	test_evasion_rows();
	test_changed();
	test_opened();
	test_process();
	test_view_times();
	test_view_copy();
	printf("all %d checks passed\n", checks);
	return 0;
}
