// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Syscall and process record decoder (decode_syscall.h). A record comes from the kernel but is
 * treated as
 * untrusted input all the same: a bug on either side must give -EINVAL, never a read past the
 * record. Flag and name tables use the kernel's x86-64 values, not libc's (glibc defines
 * O_LARGEFILE as 0, for one).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np, sigabbrev_np */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <arpa/inet.h>

#include "decode_syscall.h"

struct sc_row {
	const char *name;
	int nr;
	enum pyx_retk rk;
	enum pyx_argk kinds[PYX_SC_NARGS];
	const char *args[PYX_SC_NARGS];
};

static const bool sc_entry_only[PYX_SC__COUNT] = {
#define PYX_SC_ENTRY(name) [PYX_SC_##name] = true,
	PYX_SC_ENTRY_ONLY(PYX_SC_ENTRY)
#undef PYX_SC_ENTRY
};

/* Is a record of row sc with these header flags one sent at entry? Not an io_uring request's:
 * it is sent at its completion whatever its row (sc < PYX_SC__COUNT, checked before). */
static inline bool sc_entry_only_at(unsigned int sc, unsigned int flags)
{
	return sc_entry_only[sc] && !(flags & PYX_SCF_IO_URING);
}

static const struct sc_row sc_rows[PYX_SC__COUNT] = {
#define PYX_SC_ROW(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                   \
	[PYX_SC_##name] = { #name,                                                                 \
			    nr,                                                                    \
			    PYX_RK_##rk,                                                           \
			    { PYX_AK_##k0, PYX_AK_##k1, PYX_AK_##k2, PYX_AK_##k3, PYX_AK_##k4,     \
			      PYX_AK_##k5 },                                                       \
			    { #a0, #a1, #a2, #a3, #a4, #a5 } },
	PYX_SYSCALLS(PYX_SC_ROW)
#undef PYX_SC_ROW
};

const char *pyx_sc_name(unsigned int sc)
{
	return sc < PYX_SC__COUNT ? sc_rows[sc].name : NULL;
}

int pyx_sc_nr(unsigned int sc)
{
	return sc < PYX_SC__COUNT ? sc_rows[sc].nr : -1;
}

int pyx_sc_by_name(const char *name)
{
	int i;

	for (i = 0; name && i < PYX_SC__COUNT; i++)
		if (!strcmp(sc_rows[i].name, name))
			return i;
	return -1;
}

bool pyx_argk_has_data(enum pyx_argk kind)
{
	switch (kind) {
	case PYX_AK_PATH:
	case PYX_AK_SOCKADDR:
	case PYX_AK_SOCKLEN_PTR:
	case PYX_AK_MSGHDR:
	case PYX_AK_ARGV:
	case PYX_AK_CLONE_ARGS:
	case PYX_AK_OPEN_HOW:
	case PYX_AK_RLIMIT:
	case PYX_AK_BUF:
	case PYX_AK_STR:
		return true;
	default:
		return false;
	}
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* AF_INET, AF_INET6, AF_UNIX; anything else keeps only its raw bytes. */
static void decode_sockaddr(const uint8_t *p, size_t len, struct pyx_sockaddr_view *sa)
{
	uint16_t family;

	memset(sa, 0, sizeof(*sa));
	sa->raw = p;
	sa->raw_len = len;
	sa->family = -1;
	if (len < 2)
		return;
	memcpy(&family, p, 2);
	sa->family = family;
	switch (family) {
	case AF_INET:
		/* family, port, address: the kernel wants 16 bytes, but 8 are enough to show it */
		if (len < 8)
			return;
		sa->port = (uint16_t)(p[2] << 8 | p[3]);
		inet_ntop(AF_INET, p + 4, sa->addr, sizeof(sa->addr));
		sa->decoded = true;
		break;
	case AF_INET6:
		if (len < 24)
			return;
		sa->port = (uint16_t)(p[2] << 8 | p[3]);
		inet_ntop(AF_INET6, p + 8, sa->addr, sizeof(sa->addr));
		if (len >= 28)
			memcpy(&sa->scope_id, p + 24, 4);
		sa->decoded = true;
		break;
	case AF_UNIX:
		sa->decoded = true;
		if (len == 2) {
			sa->unnamed = true;
		} else if (p[2] == 0) {
			/* abstract: every byte after the NUL is the name, NULs included */
			sa->abstract = true;
			sa->unix_path = p + 3;
			sa->unix_len = len - 3;
		} else {
			const uint8_t *nul = memchr(p + 2, 0, len - 2);

			sa->unix_path = p + 2;
			sa->unix_len = nul ? (size_t)(nul - (p + 2)) : len - 2;
		}
		break;
	default:
		break;
	}
}

/* count NUL-terminated strings filling exactly len bytes. */
static int decode_argv(const char *p, size_t len, uint32_t count, struct pyx_sysarg *a)
{
	size_t pos = 0;
	uint32_t k;

	if (count > PYX_SC_ARGV_MAX)
		return -EINVAL;
	for (k = 0; k < count; k++) {
		const char *nul;

		if (pos >= len)
			return -EINVAL;
		nul = memchr(p + pos, 0, len - pos);
		if (!nul)
			return -EINVAL;
		a->u.argv.items[k] = p + pos;
		pos = (size_t)(nul - p) + 1;
	}
	if (pos != len)
		return -EINVAL;
	a->u.argv.count = count;
	return 0;
}

static int decode_data(const struct pyx_rec_syscall *r, size_t size, unsigned int i,
		       struct pyx_sysarg *a)
{
	const struct pyx_sc_data *d = &r->data[i];
	const uint8_t *p;
	const unsigned int known = PYX_DF_PRESENT | PYX_DF_TRUNCATED | PYX_DF_FAULT | PYX_DF_NULL |
				   PYX_DF_CHANGED;

	if (d->flags & ~known)
		return -EINVAL;
	/* only memory read at entry is compared at exit */
	if ((d->flags & PYX_DF_CHANGED) && !(r->hdr.flags & PYX_SCF_CHANGED))
		return -EINVAL;
	a->changed = d->flags & PYX_DF_CHANGED;
	a->present = d->flags & PYX_DF_PRESENT;
	a->truncated = d->flags & PYX_DF_TRUNCATED;
	a->fault = d->flags & PYX_DF_FAULT;
	a->null = d->flags & PYX_DF_NULL;
	if (a->kind != PYX_AK_ARGV && d->count)
		return -EINVAL;
	if (!a->present) {
		/* nothing in the tail: only a reason may be given */
		if (d->len || d->count)
			return -EINVAL;
		return 0;
	}
	if (a->null)
		return -EINVAL;
	if (d->len) {
		if (d->off < sizeof(*r) || (size_t)d->off + d->len > size)
			return -EINVAL;
	} else if (d->off && (d->off < sizeof(*r) || d->off > size)) {
		return -EINVAL;
	}
	p = (const uint8_t *)r + d->off;

	switch (a->kind) {
	case PYX_AK_PATH:
	case PYX_AK_STR:
		if (!d->len) {
			/* the tail was full: nothing copied, which only a cut may explain */
			if (!a->truncated)
				return -EINVAL;
			a->u.path.str = "";
			break;
		}
		if (d->len > PYX_SC_STR_MAX || p[d->len - 1] || memchr(p, 0, d->len - 1))
			return -EINVAL;
		a->u.path.str = (const char *)p;
		a->u.path.len = d->len - 1;
		break;
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
		if (d->len > PYX_SC_SOCKADDR_MAX)
			return -EINVAL;
		decode_sockaddr(p, d->len, &a->u.sa);
		break;
	case PYX_AK_SOCKLEN_PTR:
		if (d->len != sizeof(uint32_t))
			return -EINVAL;
		memcpy(&a->u.socklen, p, sizeof(uint32_t));
		break;
	case PYX_AK_ARGV:
		if (d->len > PYX_SC_ARGV_BYTES)
			return -EINVAL;
		return decode_argv((const char *)p, d->len, d->count, a);
	case PYX_AK_BUF:
		if (d->len > PYX_SC_BUF_MAX)
			return -EINVAL;
		a->u.buf.bytes = p;
		a->u.buf.len = d->len;
		break;
	case PYX_AK_OPEN_HOW:
		if (d->len != PYX_SC_OPEN_HOW_LEN)
			return -EINVAL;
		a->u.how.flags = get_u64(p);
		a->u.how.mode = get_u64(p + 8);
		a->u.how.resolve = get_u64(p + 16);
		break;
	case PYX_AK_CLONE_ARGS:
		if (d->len > PYX_SC_CLONE_ARGS_LEN)
			return -EINVAL;
		if (d->len >= 8)
			a->u.clone.flags = get_u64(p);
		if (d->len >= 40)
			a->u.clone.exit_signal = get_u64(p + 32);
		break;
	case PYX_AK_RLIMIT:
		if (d->len != PYX_SC_RLIMIT_LEN)
			return -EINVAL;
		a->u.rlim.cur = get_u64(p);
		a->u.rlim.max = get_u64(p + 8);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* The union bytes an argument of this kind uses: the argv table (264 bytes) and the sockaddr
 * view only for their kinds, the other members all fit in the path's. */
static size_t union_bytes(enum pyx_argk kind)
{
	const struct pyx_sysarg *a = NULL;

	_Static_assert(sizeof(a->u.how) <= sizeof(a->u.path) &&
			       sizeof(a->u.buf) <= sizeof(a->u.path) &&
			       sizeof(a->u.clone) <= sizeof(a->u.path) &&
			       sizeof(a->u.rlim) <= sizeof(a->u.path) &&
			       sizeof(a->u.socklen) <= sizeof(a->u.path),
		       "union members other than argv and sa fit in path");
	switch (kind) {
	case PYX_AK_ARGV:
		return sizeof(a->u);
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
		return sizeof(a->u.sa);
	default:
		return sizeof(a->u.path);
	}
}

/*
 * PYX_SCF_OPENED: the kernel's name of the file a read-at-exit open opened, and whether the path
 * shown names it. The path was read at exit, after the kernel's copy: a second thread may have
 * written a decoy there. Only the last component can be compared with a dentry's name, and not
 * always: none for "/", ".", ".." (the dentry is the directory's, whatever its name), a cut path,
 * or a dentry named "/" (the root, an O_TMPFILE file). A final symlink (libfoo.so.1 ->
 * libfoo.so.1.2.3, /proc/self/fd/N, /dev/stdin) gives its target's name: a mismatch is then
 * benign, so a mismatch is no proof of a decoy, only proof that the path shown cannot be
 * trusted to name the file (docs/correlation.md, "Time of check").
 */
static int decode_opened(const struct pyx_rec_syscall *r, size_t size, struct pyx_sysview *out,
			 const struct pyx_sysarg *a)
{
	const struct pyx_sc_data *d = &r->data[PYX_SC_OPENED_DATA];
	const char *p, *path = NULL, *last, *end;
	size_t n;

	if (d->flags != PYX_DF_PRESENT || d->count || !d->len || d->len > PYX_OPENED_NAME_MAX ||
	    d->off < sizeof(*r) || (size_t)d->off + d->len > size)
		return -EINVAL;
	p = (const char *)r + d->off;
	if (p[d->len - 1] || memchr(p, 0, d->len - 1))
		return -EINVAL;
	out->opened = p;
	if (a->present && !a->truncated && !a->fault)
		path = a->u.path.str;
	/* read at neither end, or cut: nothing to compare the name with, and a decoy could be
	 * either (a page zapped again before the exit; a decoy longer than the copy) */
	if (!path) {
		out->name_unchecked = true;
		return 0;
	}
	if (!strcmp(p, "/"))
		return 0;
	end = path + strlen(path);
	while (end > path && end[-1] == '/')
		end--;
	for (last = end; last > path && last[-1] != '/'; last--)
		;
	n = end - last;
	if (!n || (n == 1 && last[0] == '.') || (n == 2 && last[0] == '.' && last[1] == '.'))
		return 0;
	out->name_mismatch = n != (size_t)d->len - 1 || memcmp(last, p, n);
	return 0;
}

/*
 * What the record cannot vouch for. Memory read at exit (not resident at entry) may hold a decoy
 * a second thread wrote after the kernel's copy; memory read at neither end holds nothing to
 * compare. For any syscall: args_unchecked, and nothing may be matched on the record (fail
 * closed, docs/correlation.md, "Time of check"). But a successful open-family syscall whose
 * path the record cannot vouch for (read at exit, not re-read at exit, or an argument read at
 * neither end) has the name of the file it opened (PYX_SCF_OPENED; bpf/pyxcheck.bpf.c,
 * sc_exit_entry_read) to check the path against: decode_opened(). One without that name (the fd
 * closed or replaced by another thread before the exit tracepoint ran) is unchecked, as a path
 * that cannot be compared. PYX_SCF_OPENED on any other record is malformed.
 */
static int decode_trust(const struct pyx_rec_syscall *r, size_t size, unsigned int flags,
			struct pyx_sysview *out)
{
	const struct pyx_sysarg *path = NULL;
	bool at_exit = flags & PYX_SCF_READ_AT_EXIT, unread = false;
	bool open_family = r->sc == PYX_SC_openat || r->sc == PYX_SC_open ||
			   r->sc == PYX_SC_openat2 || r->sc == PYX_SC_creat;
	unsigned int i;

	for (i = 0; i < out->nargs; i++) {
		const struct pyx_sysarg *a = &out->args[i];

		if (a->kind == PYX_AK_PATH && !path)
			path = a;
		if (pyx_argk_has_data(a->kind) && a->fault)
			unread = true;
	}
	if (!open_family || r->ret < 0 || !path ||
	    !(at_exit || unread || (flags & PYX_SCF_UNVERIFIED))) {
		out->args_unchecked = at_exit || unread;
		return (flags & PYX_SCF_OPENED) ? -EINVAL : 0;
	}
	if (!(flags & PYX_SCF_OPENED)) {
		out->name_unchecked = true;
		return 0;
	}
	return decode_opened(r, size, out, path);
}

int pyx_sysrec_decode(const void *rec, size_t size, struct pyx_sysview *out)
{
	const struct pyx_rec_syscall *r = rec;
	const struct sc_row *row;
	unsigned int i, flags;
	int prev = PYX_AK_NONE, err;
	/* read into the view itself (no 200-byte scratch zeroed and copied per decode): nframes
	 * and dump are checked before the view's header is set */
	struct pyx_sc_ustack us;

	if (!rec || !out || size < sizeof(*r))
		return -EINVAL;
	/* what the record says of itself, without what it says of the ring (pyxcheck_wire.h) */
	flags = r->hdr.flags & ~PYX_HDRF_UNREPORTED;
	if (r->hdr.size != size || r->hdr.type != PYX_REC_SYSCALL ||
	    (flags & ~(PYX_SCF_ENTRY | PYX_SCF_CHANGED | PYX_SCF_READ_AT_EXIT | PYX_SCF_IO_URING |
		       PYX_SCF_NO_RESULT | PYX_SCF_UNVERIFIED | PYX_SCF_OPENED | PYX_SCF_USTACK)))
		return -EINVAL;
	if (flags & PYX_SCF_USTACK) {
		/* the stack trailer ends the record, 8-aligned after the tail */
		if (size < sizeof(*r) + sizeof(us) || size % 8)
			return -EINVAL;
		size -= sizeof(us);
		memcpy(&us, (const uint8_t *)rec + size, offsetof(struct pyx_sc_ustack, f));
		if (!us.nframes || us.nframes > PYX_USTACK_MAX || us.dump > PYX_USTACK_DUMPS)
			return -EINVAL;
	} else {
		us.nframes = 0;
		us.dump = 0;
	}
	if (size > sizeof(*r) + PYX_SC_TAIL_MAX)
		return -EINVAL;
	/* an entry record was never compared with anything */
	if ((flags & PYX_SCF_ENTRY) && (flags & ~PYX_SCF_ENTRY))
		return -EINVAL;
	/* an opcode only on an io_uring record, and a missing result only there too */
	if (!(flags & PYX_SCF_IO_URING) && (r->op || (flags & PYX_SCF_NO_RESULT)))
		return -EINVAL;
	if (r->sc >= PYX_SC__COUNT)
		return -EINVAL;
	/* Exactly the entry-only rows are sent at entry, with nothing known of the exit; an
	 * io_uring request of such a row (SETXATTR, FSETXATTR) has its completion's result. */
	if (!!(flags & PYX_SCF_ENTRY) != sc_entry_only_at(r->sc, flags) ||
	    (sc_entry_only_at(r->sc, flags) && (r->ret || r->hdr.ts_ns != r->enter_ns)))
		return -EINVAL;
	row = &sc_rows[r->sc];
	if ((int)r->nr != row->nr || r->hdr.ts_ns < r->enter_ns)
		return -EINVAL;

	/*
	 * Not the whole view (2 KB, most of it the argv tables of arguments that are no argv): a
	 * record is decoded up to three times (the correlator, its own line, the audit record it
	 * is folded into) and that memset was half of the decoder's time. Every field is set; of
	 * an argument's union, the member of its kind (union_bytes).
	 */
	memset(out, 0, offsetof(struct pyx_sysview, args));
	out->rec = r;
	out->sc = r->sc;
	out->name = row->name;
	out->nr = r->nr;
	out->ret_kind = row->rk;
	out->ret = r->ret;
	out->err = (r->ret < 0 && r->ret >= -4095) ? (int)-r->ret : 0;
	out->enter_ns = r->enter_ns;
	out->latency_ns = r->hdr.ts_ns - r->enter_ns;
	out->at_entry = flags & PYX_SCF_ENTRY;
	out->changed = flags & PYX_SCF_CHANGED;
	out->read_at_exit = flags & PYX_SCF_READ_AT_EXIT;
	out->unverified = flags & PYX_SCF_UNVERIFIED;
	out->opened = NULL;
	out->name_mismatch = false;
	out->name_unchecked = false;
	out->args_unchecked = false;
	out->io_uring = flags & PYX_SCF_IO_URING;
	out->uring_op = r->op;
	out->no_result = flags & PYX_SCF_NO_RESULT;
	out->nustack = us.nframes;
	out->ustack_dump = us.dump;
	/* the frames of the record, the rest zero (as the whole array was) */
	if (us.nframes)
		memcpy(out->ustack, (const uint8_t *)rec + size + offsetof(struct pyx_sc_ustack, f),
		       us.nframes * sizeof(out->ustack[0]));
	memset(out->ustack + us.nframes, 0, (PYX_USTACK_MAX - us.nframes) * sizeof(out->ustack[0]));

	for (i = 0; i < PYX_SC_NARGS; i++) {
		struct pyx_sysarg *a = &out->args[i];
		const struct pyx_sc_data *d = &r->data[i];

		memset(a, 0, offsetof(struct pyx_sysarg, u) + union_bytes(row->kinds[i]));
		a->kind = row->kinds[i];
		if (a->kind == PYX_AK_NONE) {
			if ((d->off || d->len || d->flags || d->count) &&
			    !(i == PYX_SC_OPENED_DATA && (flags & PYX_SCF_OPENED)))
				return -EINVAL;
			continue;
		}
		out->nargs = i + 1;
		a->name = row->args[i];
		a->raw = r->args[i];
		if (pyx_argk_has_data(a->kind)) {
			err = decode_data(r, size, i, a);
			if (err)
				return err;
		} else if (d->off || d->len || d->flags || d->count) {
			return -EINVAL;
		}
		if (a->kind == PYX_AK_PATH && prev == PYX_AK_DIRFD) {
			a->u.path.has_dirfd = true;
			a->u.path.dirfd = (int)r->args[i - 1];
		}
		prev = a->kind;
	}
	return decode_trust(r, size, flags, out);
}

static __thread struct {
	void *rec;        /* the copy the view points into */
	size_t size, cap; /* size 0: nothing kept */
	bool ok;
	uint64_t gen;      /* counts the records kept, from a base of this thread's own */
	uint64_t args_gen; /* gen of the last full decode (pyx_sysrec_view_args_gen()) */
	struct pyx_sysview view;
} sv_last;

/*
 * Whether record b is the kept record a but for its exit time, result and entry time: the only
 * bytes pyx_sysrec_decode() reads into nothing but ret, err, enter_ns and latency_ns and their
 * two checks (a loop's records differ in those alone, and decoding each again was two thirds of
 * this function's cost). Everything else is compared whole: the header but ts_ns, nr, sc, op,
 * the arguments, the data descriptors, the tail and the stack trailer.
 */
static bool sv_same_but_times(const uint8_t *a, const uint8_t *b, size_t size)
{
	const size_t ts = offsetof(struct pyx_rec_syscall, hdr.ts_ns),
		     ret = offsetof(struct pyx_rec_syscall, ret),
		     args = offsetof(struct pyx_rec_syscall, args);

	_Static_assert(offsetof(struct pyx_rec_syscall, enter_ns) ==
				       offsetof(struct pyx_rec_syscall, ret) + 8 &&
			       offsetof(struct pyx_rec_syscall, args) ==
				       offsetof(struct pyx_rec_syscall, ret) + 16,
		       "ret and enter_ns are the 16 bytes before args");
	return !memcmp(a, b, ts) && !memcmp(a + ts + 8, b + ts + 8, ret - ts - 8) &&
	       !memcmp(a + args, b + args, size - args);
}

const struct pyx_sysview *pyx_sysrec_view(const void *rec, size_t size)
{
	const struct pyx_rec_syscall *r = rec;

	if (!rec || size < sizeof(struct pyx_rec_syscall))
		return NULL;
	if (sv_last.size == size && !memcmp(sv_last.rec, rec, size))
		return sv_last.ok ? &sv_last.view : NULL;
	/* the kept record decoded, and this one differs from it in the times and result only: the
	 * checks of those three fields as pyx_sysrec_decode() makes them, then the fields they
	 * give (the rest of the view is a function of the bytes just compared, and of the
	 * result's sign: whether an open's path is checked, decode_trust()) */
	if (sv_last.size == size && sv_last.ok && sv_same_but_times(sv_last.rec, rec, size) &&
	    (r->ret < 0) == (((const struct pyx_rec_syscall *)sv_last.rec)->ret < 0) &&
	    r->hdr.ts_ns >= r->enter_ns &&
	    !(sc_entry_only_at(r->sc, r->hdr.flags) && (r->ret || r->hdr.ts_ns != r->enter_ns))) {
		struct pyx_rec_syscall *k = sv_last.rec;
		struct pyx_sysview *v = &sv_last.view;

		k->hdr.ts_ns = r->hdr.ts_ns;
		k->ret = r->ret;
		k->enter_ns = r->enter_ns;
		sv_last.gen++;
		v->ret = r->ret;
		v->err = (r->ret < 0 && r->ret >= -4095) ? (int)-r->ret : 0;
		v->enter_ns = r->enter_ns;
		v->latency_ns = r->hdr.ts_ns - r->enter_ns;
		return v;
	}
	sv_last.size = 0;
	if (size > sv_last.cap) {
		void *p = realloc(sv_last.rec, size);

		if (!p) /* only a cache: this view points into rec, and is not kept */
			return pyx_sysrec_decode(rec, size, &sv_last.view) ? NULL : &sv_last.view;
		sv_last.rec = p;
		sv_last.cap = size;
	}
	memcpy(sv_last.rec, rec, size);
	sv_last.size = size;
	/* each thread counts from its own base, so that a number taken on one thread never names
	 * another thread's view (pyx_sysrec_view_copy()) */
	if (!sv_last.gen) {
		static _Atomic uint64_t threads;

		sv_last.gen = ++threads << 40;
	}
	sv_last.args_gen = ++sv_last.gen;
	sv_last.ok = !pyx_sysrec_decode(sv_last.rec, size, &sv_last.view);
	return sv_last.ok ? &sv_last.view : NULL;
}

const struct pyx_sysview *pyx_sysrec_view_copy(const void *rec, size_t size, uint64_t gen)
{
	/* the kept copy changes only under a new number (the times' path counts too) */
	if (gen && gen == sv_last.gen && size == sv_last.size && sv_last.ok)
		return &sv_last.view;
	return pyx_sysrec_view(rec, size);
}

uint64_t pyx_sysrec_view_gen(const struct pyx_sysview *sv)
{
	return sv == &sv_last.view && sv_last.size && sv_last.ok ? sv_last.gen : 0;
}

uint64_t pyx_sysrec_view_args_gen(const struct pyx_sysview *sv)
{
	return sv == &sv_last.view && sv_last.size && sv_last.ok ? sv_last.args_gen : 0;
}

int pyx_procrec_decode(const void *rec, size_t size, struct pyx_procview *out)
{
	const struct pyx_rec_process *r = rec;
	const unsigned int known = PYX_PRF_THREAD | PYX_PRF_TRUNCATED | PYX_PRF_FAULT |
				   PYX_PRF_UNMONITORED | PYX_PRF_EXEC_ISSUE8 |
				   PYX_PRF_ARGV_TRUNCATED | PYX_PRF_ARGV_FAULT | PYX_PRF_KNAME;
	const uint8_t *p;
	unsigned int flags;

	if (!rec || !out || size < sizeof(*r))
		return -EINVAL;
	flags = r->hdr.flags & ~PYX_HDRF_UNREPORTED; /* as in pyx_sysrec_decode() */
	if (r->hdr.size != size || r->hdr.type != PYX_REC_PROCESS || (flags & ~known))
		return -EINVAL;
	if (r->kind < PYX_PROC_FORK || r->kind > PYX_PROC_EXIT)
		return -EINVAL;
	/* Only an exec carries a filename and argv, in that order, and nothing follows them. */
	if (size != sizeof(*r) + r->filename_len + r->argv_len)
		return -EINVAL;
	if ((r->argv_len || r->argv_off) &&
	    (r->kind != PYX_PROC_EXEC || r->argv_off != sizeof(*r) + r->filename_len ||
	     !r->argv_len || r->argv_len > PYX_PROC_ARGV_MAX))
		return -EINVAL;
	if ((flags & (PYX_PRF_ARGV_TRUNCATED | PYX_PRF_ARGV_FAULT | PYX_PRF_KNAME)) &&
	    r->kind != PYX_PROC_EXEC)
		return -EINVAL;
	if ((flags & (PYX_PRF_THREAD | PYX_PRF_UNMONITORED)) && r->kind != PYX_PROC_FORK)
		return -EINVAL;
	/* a thread joins nothing: only a new process can fail to */
	if ((flags & PYX_PRF_THREAD) && (flags & PYX_PRF_UNMONITORED))
		return -EINVAL;
	if ((flags & (PYX_PRF_TRUNCATED | PYX_PRF_FAULT | PYX_PRF_EXEC_ISSUE8)) &&
	    r->kind != PYX_PROC_EXEC)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	out->rec = r;
	out->kind = r->kind;
	out->ppid = r->ppid;
	if (r->filename_len || r->filename_off) {
		if (r->kind != PYX_PROC_EXEC || r->filename_off != sizeof(*r) ||
		    r->filename_len > PYX_SC_STR_MAX || !r->filename_len)
			return -EINVAL;
		p = (const uint8_t *)r + r->filename_off;
		if (p[r->filename_len - 1] || memchr(p, 0, r->filename_len - 1))
			return -EINVAL;
		out->filename = (const char *)p;
		out->filename_len = r->filename_len - 1;
	}
	out->filename_truncated = flags & PYX_PRF_TRUNCATED;
	out->filename_fault = flags & PYX_PRF_FAULT;
	out->exe_deleted = flags & PYX_PRF_EXE_DELETED;
	out->exe_memfd = flags & PYX_PRF_EXE_MEMFD;
	out->no_exec_syscall = flags & PYX_PRF_NO_EXEC_SYSCALL;
	out->kname = flags & PYX_PRF_KNAME;
	switch (r->kind) {
	case PYX_PROC_FORK:
		out->child_pid = r->child_pid;
		out->child_tid = r->child_tid;
		out->thread = flags & PYX_PRF_THREAD;
		out->unmonitored = flags & PYX_PRF_UNMONITORED;
		out->ns_pid = r->ns_pid; /* the child's */
		out->pidns_ino = r->pidns_ino;
		out->mntns_ino = r->mntns_ino;
		break;
	case PYX_PROC_EXEC:
		out->old_tid = r->old_tid;
		if (r->argv_len)
			out->argv = (const char *)r + r->argv_off;
		out->argv_len = r->argv_len;
		out->argv_truncated = flags & PYX_PRF_ARGV_TRUNCATED;
		out->euid = r->euid;
		out->auid = r->auid;
		out->ns_pid = r->ns_pid;
		out->pidns_ino = r->pidns_ino;
		out->mntns_ino = r->mntns_ino;
		out->exe_ino = r->exe_ino;
		out->exe_dev = r->exe_dev;
		break;
	case PYX_PROC_EXIT:
		out->exit_code = r->exit_code;
		if (WIFEXITED(r->exit_code)) {
			out->exited = true;
			out->exit_status = WEXITSTATUS(r->exit_code);
		} else if (WIFSIGNALED(r->exit_code)) {
			out->term_signal = WTERMSIG(r->exit_code);
		}
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Names.
 * ------------------------------------------------------------------------------------------- */

struct name_val {
	uint64_t val;
	const char *name;
};

/*
 * errno and signal names come from glibc (strerrorname_np, sigabbrev_np: glibc 2.32+), whose
 * values are the kernel's on x86-64. Only the kernel-internal errnos, which glibc does not name
 * because user space should never see them, are ours: a syscall can still leak them.
 */
static const struct name_val kernel_errnos[] = {
	{ 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" },        { 514, "ERESTARTNOHAND" },
	{ 515, "ENOIOCTLCMD" }, { 516, "ERESTART_RESTARTBLOCK" }, { 524, "ENOTSUPP" },
};

/* "SIG" + sigabbrev_np(), built once: sigabbrev_np gives "TERM" for SIGTERM. */
static char signal_names[32][16];

__attribute__((constructor)) static void signal_names_init(void)
{
	const char *abbrev;
	int sig;

	for (sig = 1; sig < 32; sig++) {
		abbrev = sigabbrev_np(sig);
		if (abbrev)
			snprintf(signal_names[sig], sizeof(signal_names[sig]), "SIG%s", abbrev);
	}
}

static const struct name_val afs[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" },     { 2, "AF_INET" },
	{ 10, "AF_INET6" }, { 16, "AF_NETLINK" }, { 17, "AF_PACKET" },
	{ 38, "AF_ALG" },   { 40, "AF_VSOCK" },   { 44, "AF_XDP" },
};

static const struct name_val resources[] = {
	{ 0, "RLIMIT_CPU" },       { 1, "RLIMIT_FSIZE" },  { 2, "RLIMIT_DATA" },
	{ 3, "RLIMIT_STACK" },     { 4, "RLIMIT_CORE" },   { 5, "RLIMIT_RSS" },
	{ 6, "RLIMIT_NPROC" },     { 7, "RLIMIT_NOFILE" }, { 8, "RLIMIT_MEMLOCK" },
	{ 9, "RLIMIT_AS" },        { 10, "RLIMIT_LOCKS" }, { 11, "RLIMIT_SIGPENDING" },
	{ 12, "RLIMIT_MSGQUEUE" }, { 13, "RLIMIT_NICE" },  { 14, "RLIMIT_RTPRIO" },
	{ 15, "RLIMIT_RTTIME" },
};

static const char *lookup(const struct name_val *t, size_t n, uint64_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return NULL;
}

#define LOOKUP(t, v) lookup(t, sizeof(t) / sizeof(t[0]), v)

const char *pyx_uring_op_name(unsigned int op)
{
	/* The uapi numbers (linux/io_uring.h), only the opcodes the BPF side reports. */
	static const char *const names[] = {
		[9] = "IORING_OP_SENDMSG",     [16] = "IORING_OP_CONNECT",
		[18] = "IORING_OP_OPENAT",     [26] = "IORING_OP_SEND",
		[28] = "IORING_OP_OPENAT2",    [35] = "IORING_OP_RENAMEAT",
		[36] = "IORING_OP_UNLINKAT",   [37] = "IORING_OP_MKDIRAT",
		[38] = "IORING_OP_SYMLINKAT",  [39] = "IORING_OP_LINKAT",
		[41] = "IORING_OP_FSETXATTR",  [42] = "IORING_OP_SETXATTR",
		[45] = "IORING_OP_SOCKET",     [47] = "IORING_OP_SEND_ZC",
		[48] = "IORING_OP_SENDMSG_ZC", [55] = "IORING_OP_FTRUNCATE",
		[56] = "IORING_OP_BIND",       [57] = "IORING_OP_LISTEN",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : NULL;
}

const char *pyx_errno_name(int err)
{
	const char *name;

	if (err <= 0)
		return NULL;
	name = strerrorname_np(err);
	return name ? name : LOOKUP(kernel_errnos, (uint64_t)err);
}

const char *pyx_signal_name(int sig)
{
	if (sig <= 0 || sig >= (int)(sizeof(signal_names) / sizeof(signal_names[0])))
		return NULL;
	return signal_names[sig][0] ? signal_names[sig] : NULL;
}

const char *pyx_af_name(int af)
{
	return af >= 0 ? LOOKUP(afs, (uint64_t)af) : NULL;
}

const char *pyx_resource_name(int res)
{
	return res >= 0 ? LOOKUP(resources, (uint64_t)res) : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Numeric arguments as text (x86-64 kernel values).
 * ------------------------------------------------------------------------------------------- */

static const struct name_val open_flags[] = {
	{ 0100, "O_CREAT" },        { 0200, "O_EXCL" },           { 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" },       { 02000, "O_APPEND" },        { 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" },      { 020000, "O_ASYNC" },        { 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" },   { 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },  { 02000000, "O_CLOEXEC" },    { 04000000, "__O_SYNC" },
	{ 010000000, "O_PATH" },    { 020000000, "__O_TMPFILE" },
};

static const struct name_val at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },   { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },
};

static const struct name_val rename_flags[] = {
	{ 1, "RENAME_NOREPLACE" },
	{ 2, "RENAME_EXCHANGE" },
	{ 4, "RENAME_WHITEOUT" },
};

static const struct name_val prot_flags[] = {
	{ 1, "PROT_READ" },
	{ 2, "PROT_WRITE" },
	{ 4, "PROT_EXEC" },
	{ 0x10, "PROT_BTI" },
	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" },
};

static const struct name_val map_flags[] = {
	{ 0x10, "MAP_FIXED" },      { 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },      { 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },   { 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },   { 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },    { 0x100000, "MAP_FIXED_NOREPLACE" },
};

static const struct name_val sock_flags[] = {
	{ 04000, "SOCK_NONBLOCK" },
	{ 02000000, "SOCK_CLOEXEC" },
};

static const struct name_val msg_flags[] = {
	{ 0x1, "MSG_OOB" },
	{ 0x2, "MSG_PEEK" },
	{ 0x4, "MSG_DONTROUTE" },
	{ 0x8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROXY" },
	{ 0x20, "MSG_TRUNC" },
	{ 0x40, "MSG_DONTWAIT" },
	{ 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" },
	{ 0x800, "MSG_CONFIRM" },
	{ 0x4000, "MSG_NOSIGNAL" },
	{ 0x8000, "MSG_MORE" },
	{ 0x20000000, "MSG_FASTOPEN" },
	{ 0x40000000, "MSG_CMSG_CLOEXEC" },
};

static const struct name_val clone_flags[] = {
	{ 0x100, "CLONE_VM" },
	{ 0x200, "CLONE_FS" },
	{ 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" },
	{ 0x1000, "CLONE_PIDFD" },
	{ 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" },
	{ 0x8000, "CLONE_PARENT" },
	{ 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" },
	{ 0x40000, "CLONE_SYSVSEM" },
	{ 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x400000, "CLONE_DETACHED" },
	{ 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" },
	{ 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" },
	{ 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },
	{ 0x80000000, "CLONE_IO" },
};

static const struct name_val sock_types[] = {
	{ 1, "SOCK_STREAM" },    { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" },     { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" },  { 10, "SOCK_PACKET" },
};

/* Kinds of the evasion rows (PYX_SYSCALLS_EVASION). */
static const struct name_val personality_flags[] = {
	{ 0x0020000, "UNAME26" },
	{ 0x0040000, "ADDR_NO_RANDOMIZE" },
	{ 0x0080000, "FDPIC_FUNCPTRS" },
	{ 0x0100000, "MMAP_PAGE_ZERO" },
	{ 0x0200000, "ADDR_COMPAT_LAYOUT" },
	{ 0x0400000, "READ_IMPLIES_EXEC" },
	{ 0x0800000, "ADDR_LIMIT_32BIT" },
	{ 0x1000000, "SHORT_INODE" },
	{ 0x2000000, "WHOLE_SECONDS" },
	{ 0x4000000, "STICKY_TIMEOUTS" },
	{ 0x8000000, "ADDR_LIMIT_3GB" },
};

static const struct name_val shm_flags[] = {
	{ 010000, "SHM_RDONLY" },
	{ 020000, "SHM_RND" },
	{ 040000, "SHM_REMAP" },
	{ 0100000, "SHM_EXEC" },
};

static const struct name_val xattr_flags[] = {
	{ 1, "XATTR_CREATE" },
	{ 2, "XATTR_REPLACE" },
};

static const struct name_val ptrace_reqs[] = {
	{ 0, "PTRACE_TRACEME" },        { 1, "PTRACE_PEEKTEXT" },
	{ 2, "PTRACE_PEEKDATA" },       { 3, "PTRACE_PEEKUSER" },
	{ 4, "PTRACE_POKETEXT" },       { 5, "PTRACE_POKEDATA" },
	{ 6, "PTRACE_POKEUSER" },       { 7, "PTRACE_CONT" },
	{ 8, "PTRACE_KILL" },           { 9, "PTRACE_SINGLESTEP" },
	{ 12, "PTRACE_GETREGS" },       { 13, "PTRACE_SETREGS" },
	{ 14, "PTRACE_GETFPREGS" },     { 15, "PTRACE_SETFPREGS" },
	{ 16, "PTRACE_ATTACH" },        { 17, "PTRACE_DETACH" },
	{ 24, "PTRACE_SYSCALL" },       { 0x4200, "PTRACE_SETOPTIONS" },
	{ 0x4204, "PTRACE_GETREGSET" }, { 0x4205, "PTRACE_SETREGSET" },
	{ 0x4206, "PTRACE_SEIZE" },     { 0x4207, "PTRACE_INTERRUPT" },
};

static const struct name_val node_types[] = {
	{ 0010000, "S_IFIFO" },  { 0020000, "S_IFCHR" }, { 0040000, "S_IFDIR" },
	{ 0060000, "S_IFBLK" },  { 0100000, "S_IFREG" }, { 0120000, "S_IFLNK" },
	{ 0140000, "S_IFSOCK" },
};

/* Append to buf at *pos, counting what would have been written. */
__attribute__((format(printf, 4, 5))) static void put(char *buf, size_t size, size_t *pos,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*pos < size ? buf + *pos : NULL, *pos < size ? size - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += n;
}

/* "A|B|0x..": bits of v named by t; sep_first: a prefix was already written. */
static void put_bits(char *buf, size_t size, size_t *pos, const struct name_val *t, size_t n,
		     uint64_t v, bool sep_first)
{
	bool sep = sep_first;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((v & t[i].val) == t[i].val && t[i].val) {
			put(buf, size, pos, "%s%s", sep ? "|" : "", t[i].name);
			v &= ~t[i].val;
			sep = true;
		}
	}
	if (v || !sep)
		put(buf, size, pos, "%s%#" PRIx64, sep ? "|" : "", v);
}

#define PUT_BITS(t, v, sep) put_bits(buf, size, &pos, t, sizeof(t) / sizeof(t[0]), v, sep)

static int fmt_arg(enum pyx_argk kind, uint64_t raw, char *buf, size_t size)
{
	const char *name;
	size_t pos = 0;
	int v = (int)raw;

	if (size)
		buf[0] = 0;
	switch (kind) {
	case PYX_AK_INT:
		put(buf, size, &pos, "%" PRId64, (int64_t)raw);
		break;
	case PYX_AK_UINT:
	case PYX_AK_SIZE:
		put(buf, size, &pos, "%" PRIu64, raw);
		break;
	case PYX_AK_HEX:
		put(buf, size, &pos, "%#" PRIx64, raw);
		break;
	case PYX_AK_PTR:
		if (raw)
			put(buf, size, &pos, "%#" PRIx64, raw);
		else
			put(buf, size, &pos, "NULL");
		break;
	case PYX_AK_FD:
	case PYX_AK_PID:
	case PYX_AK_SOCKLEN:
		put(buf, size, &pos, "%d", v);
		break;
	case PYX_AK_DIRFD:
		if (v == -100)
			put(buf, size, &pos, "AT_FDCWD");
		else
			put(buf, size, &pos, "%d", v);
		break;
	case PYX_AK_UID:
	case PYX_AK_GID:
		put(buf, size, &pos, "%d", v); /* -1: unchanged */
		break;
	case PYX_AK_MODE:
		put(buf, size, &pos, "0%03" PRIo64, raw & 07777);
		if (raw & ~(uint64_t)07777)
			put(buf, size, &pos, "|%#" PRIx64, raw & ~(uint64_t)07777);
		break;
	case PYX_AK_OPEN_FLAGS: {
		static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
		uint64_t rest = raw & ~(uint64_t)3;

		put(buf, size, &pos, "%s", acc[raw & 3]);
		/* O_SYNC is __O_SYNC|O_DSYNC, O_TMPFILE is __O_TMPFILE|O_DIRECTORY */
		if ((rest & 04010000) == 04010000) {
			put(buf, size, &pos, "|O_SYNC");
			rest &= ~(uint64_t)04010000;
		}
		if ((rest & 020200000) == 020200000) {
			put(buf, size, &pos, "|O_TMPFILE");
			rest &= ~(uint64_t)020200000;
		}
		if (rest)
			PUT_BITS(open_flags, rest, true);
		break;
	}
	case PYX_AK_AT_FLAGS:
		PUT_BITS(at_flags, raw, false);
		break;
	case PYX_AK_RENAME_FLAGS:
		PUT_BITS(rename_flags, raw, false);
		break;
	case PYX_AK_PROT:
		if (!raw)
			put(buf, size, &pos, "PROT_NONE");
		else
			PUT_BITS(prot_flags, raw, false);
		break;
	case PYX_AK_MAP_FLAGS: {
		static const char *const type[] = { "0", "MAP_SHARED", "MAP_PRIVATE",
						    "MAP_SHARED_VALIDATE" };

		put(buf, size, &pos, "%s", type[raw & 3]);
		if (raw & ~(uint64_t)3)
			PUT_BITS(map_flags, raw & ~(uint64_t)3, true);
		break;
	}
	case PYX_AK_SIGNAL:
		name = pyx_signal_name(v);
		if (name)
			put(buf, size, &pos, "%s", name);
		else
			put(buf, size, &pos, "%d", v);
		break;
	case PYX_AK_AF:
		name = pyx_af_name(v);
		if (name)
			put(buf, size, &pos, "%s", name);
		else
			put(buf, size, &pos, "%d", v);
		break;
	case PYX_AK_SOCK_TYPE:
		name = LOOKUP(sock_types, raw & 0xf);
		if (name)
			put(buf, size, &pos, "%s", name);
		else
			put(buf, size, &pos, "%" PRIu64, raw & 0xf);
		if (raw & ~(uint64_t)0xf)
			PUT_BITS(sock_flags, raw & ~(uint64_t)0xf, true);
		break;
	case PYX_AK_SOCK_FLAGS:
		PUT_BITS(sock_flags, raw, false);
		break;
	case PYX_AK_MSG_FLAGS:
		PUT_BITS(msg_flags, raw, false);
		break;
	case PYX_AK_CLONE_FLAGS: {
		uint64_t sig = raw & 0xff, flags = raw & ~(uint64_t)0xff;

		if (flags || !sig)
			PUT_BITS(clone_flags, flags, false);
		if (sig) {
			name = pyx_signal_name((int)sig);
			if (name)
				put(buf, size, &pos, "%s%s", flags ? "|" : "", name);
			else
				put(buf, size, &pos, "%s%" PRIu64, flags ? "|" : "", sig);
		}
		break;
	}
	case PYX_AK_RESOURCE:
		name = pyx_resource_name(v);
		if (name)
			put(buf, size, &pos, "%s", name);
		else
			put(buf, size, &pos, "%d", v);
		break;
	case PYX_AK_NODE_MODE:
		/* mknod: a type of 0 means S_IFREG */
		name = LOOKUP(node_types, raw & 0170000);
		if (name)
			put(buf, size, &pos, "%s|", name);
		else if (raw & 0170000)
			put(buf, size, &pos, "%#" PRIo64 "|", raw & 0170000);
		put(buf, size, &pos, "0%03" PRIo64, raw & 07777);
		if (raw & ~(uint64_t)0177777)
			put(buf, size, &pos, "|%#" PRIx64, raw & ~(uint64_t)0177777);
		break;
	case PYX_AK_DEV:
		/* new_encode_dev: minor low 8 bits | major << 8 | minor high bits << 12 */
		put(buf, size, &pos, "%" PRIu64 ":%" PRIu64, (raw & 0xfff00) >> 8,
		    (raw & 0xff) | ((raw >> 12) & 0xfff00));
		break;
	case PYX_AK_PERSONALITY:
		/* 0xffffffff queries the current persona */
		if ((uint32_t)raw == 0xffffffff) {
			put(buf, size, &pos, "0xffffffff");
			break;
		}
		put(buf, size, &pos, (raw & 0xff) ? "%#" PRIx64 : "PER_LINUX", raw & 0xff);
		if (raw & ~(uint64_t)0xff)
			PUT_BITS(personality_flags, raw & ~(uint64_t)0xff, true);
		break;
	case PYX_AK_SHM_FLAGS:
		PUT_BITS(shm_flags, raw, false);
		break;
	case PYX_AK_XATTR_FLAGS:
		PUT_BITS(xattr_flags, raw, false);
		break;
	case PYX_AK_PTRACE_REQ:
		name = LOOKUP(ptrace_reqs, raw);
		if (name)
			put(buf, size, &pos, "%s", name);
		else
			put(buf, size, &pos, "%#" PRIx64, raw);
		break;
	default:
		return -EINVAL;
	}
	return (int)pos;
}

/*
 * A few (kind, value) pairs make up nearly every record (openat's O_RDONLY|O_CLOEXEC, mode 0):
 * their text is kept in a small direct-mapped cache, as formatting it again through vsnprintf
 * was about a tenth of the monitor's CPU per record. The text is a pure function of the pair;
 * thread-local, so any thread may call this.
 */
#define FMT_CACHE 64

struct fmt_slot {
	uint64_t raw;
	int kind; /* kind + 1: a zeroed slot matches nothing */
	int len;
	char text[48];
};

static __thread struct fmt_slot fmt_cache[FMT_CACHE];

int pyx_fmt_arg(enum pyx_argk kind, uint64_t raw, char *buf, size_t size)
{
	struct fmt_slot *c = &fmt_cache[((raw * 0x9e3779b97f4a7c15ull) >> 58 ^ kind) % FMT_CACHE];
	int n;

	if (c->kind == (int)kind + 1 && c->raw == raw && (size_t)c->len < size) {
		memcpy(buf, c->text, c->len + 1);
		return c->len;
	}
	n = fmt_arg(kind, raw, buf, size);
	if (n >= 0 && (size_t)n < sizeof(c->text) && (size_t)n < size) {
		memcpy(c->text, buf, n + 1);
		c->len = n;
		c->raw = raw;
		c->kind = (int)kind + 1;
	}
	return n;
}
