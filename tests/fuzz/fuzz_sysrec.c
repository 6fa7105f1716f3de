// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz target: the syscall record decoder (user/monitor/decode_syscall.c), every syscall kind of
 * the
 * table. The header's size and type are set from the input so that mutations go to what the
 * decoder must distrust: the syscall index, the (offset, length) pairs of each argument's data,
 * the flags and the tail. On success the view must only point into the record, every string must
 * end inside it, and the record then goes through both writers (fuzz_render.h).
 */
#include "fuzz_render.h"

static const uint8_t *lo, *hi;

static void inside(const void *p, size_t n)
{
	const uint8_t *b = p;

	if (b < lo || b > hi || n > (size_t)(hi - b))
		abort();
}

static void inside_str(const char *s, size_t len)
{
	inside(s, len + 1);
	if (s[len] != 0)
		abort();
}

static void check_sockaddr(const struct pyx_sockaddr_view *sa)
{
	if (sa->raw_len)
		inside(sa->raw, sa->raw_len);
	if (sa->raw_len > PYX_SC_SOCKADDR_MAX)
		abort();
	if (!memchr(sa->addr, 0, sizeof(sa->addr)))
		abort();
	if (sa->unix_path && sa->unix_len)
		inside(sa->unix_path, sa->unix_len);
}

static void check_view(const struct pyx_sysview *sv)
{
	unsigned int i, j;

	if (sv->sc >= PYX_SC__COUNT || sv->nargs > PYX_SC_NARGS || !sv->name)
		abort();
	for (i = 0; i < sv->nargs; i++) {
		const struct pyx_sysarg *a = &sv->args[i];

		if (!a->name)
			abort();
		if (!pyx_argk_has_data(a->kind) || !a->present || a->fault || a->null)
			continue;
		switch (a->kind) {
		case PYX_AK_PATH:
			/* decode_syscall.c: a cut that left no room gives "" (not in the record) */
			if (!a->u.path.len && a->truncated && !a->u.path.str[0])
				break;
			inside_str(a->u.path.str, a->u.path.len);
			if (a->u.path.len >= PYX_SC_STR_MAX)
				abort();
			break;
		case PYX_AK_SOCKADDR:
		case PYX_AK_MSGHDR:
			check_sockaddr(&a->u.sa);
			break;
		case PYX_AK_ARGV:
			if (a->u.argv.count > PYX_SC_ARGV_MAX)
				abort();
			for (j = 0; j < a->u.argv.count; j++) {
				const char *it = a->u.argv.items[j];

				inside(it, 1);
				inside_str(it, strnlen(it, hi - (const uint8_t *)it));
			}
			break;
		case PYX_AK_BUF:
			if (a->u.buf.len)
				inside(a->u.buf.bytes, a->u.buf.len);
			break;
		default:
			break;
		}
	}
}

/*
 * pyx_sysrec_view() keeps the record it decoded and serves one that differs from it in the exit
 * time, result and entry time alone without decoding it again: the view it gives must be the
 * one a full decode gives (or both fail), for times and results the input chooses.
 */
static void check_view_times(const struct pyx_rec_syscall *rec, size_t size, uint8_t k)
{
	struct pyx_rec_syscall *c = malloc(size);
	const struct pyx_sysview *sv;
	struct pyx_sysview full;
	unsigned int i;
	int err;

	if (!c)
		return;
	pyx_sysrec_view(rec, size);
	memcpy(c, rec, size);
	if (k & 1)
		c->ret = (int64_t)(k >> 4) - 8;
	if (k & 2)
		c->hdr.ts_ns += k >> 2 & 3;
	if (k & 4)
		c->enter_ns += k >> 3 & 3;
	sv = pyx_sysrec_view(c, size);
	err = pyx_sysrec_decode(c, size, &full);
	if (!sv != !!err)
		abort();
	if (sv) {
		if (memcmp(sv->rec, c, size) || sv->ret != full.ret || sv->err != full.err ||
		    sv->enter_ns != full.enter_ns || sv->latency_ns != full.latency_ns ||
		    sv->at_entry != full.at_entry || sv->nargs != full.nargs ||
		    sv->nustack != full.nustack || sv->sc != full.sc)
			abort();
		for (i = 0; i < sv->nargs; i++)
			if (sv->args[i].raw != full.args[i].raw ||
			    sv->args[i].kind != full.args[i].kind ||
			    sv->args[i].present != full.args[i].present)
				abort();
	}
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyx_rec_syscall *rec;
	struct pyx_sysview sv;

	rec = fz_record(data, size, PYX_REC_SYSCALL);
	if (!rec)
		return 0;
	lo = (const uint8_t *)rec;
	hi = lo + size;
	if (!pyx_sysrec_decode(rec, size, &sv)) {
		if (sv.rec != rec)
			abort();
		check_view(&sv);
		check_view_times(rec, size, (uint8_t)rec->hdr.comm[PYX_COMM_LEN - 1]);
	}
	fz_render_all((const uint8_t *)rec, size);
	free(rec);
	return 0;
}
