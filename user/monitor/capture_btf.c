// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's BTF, walked once (capture_btf.h): the io_uring question, the ids bpf_rdonly_cast()
 * takes, and libbpf's CO-RE target.
 *
 * Why an extract of the kernel's BTF for CO-RE: libbpf 1.1's bpf_core_find_cands() walks every
 * type of its target BTF for each local type the object relocates against, comparing kinds and
 * names (~127k types x 30 relocated types here), and only then applies each relocation to the
 * candidates it found. Given the relocated types, every type with their kind and name, and what
 * those hold inline, the relocations come out the same: a field access never goes through a
 * pointer (each step through one is a relocation of its own, rooted at the pointee), and libbpf
 * takes any pointer for a pointer field (bpf_core_fields_are_compat()), so every pointer in the
 * extract is a pointer to void. Where that argument does not hold, a relocation kind that
 * compares pointees (TYPE_MATCHES), gives a target id (TYPE_ID_TARGET: it would be the extract's)
 * or is rooted at a typedef, pointer or function, the kernel's BTF is handed over whole.
 * One more difference: with a target BTF of its own, libbpf does not look in the kernel modules'
 * BTF for a type the kernel's lacks; every type relocated here is built into the kernel (io_uring
 * cannot be a module). tests/test_core_btf.py loads every program set both ways and compares the
 * instructions.
 *
 * libbpf's own BTF writer (btf__add_*()) copies from a BTF it has parsed, and that parse of the
 * kernel's ~5 MiB is what the walk here avoids; the raw format is simple enough to write by hand.
 *
 * The BTF comes from a read-only mapping where the kernel allows one (>= 6.16), else from read().
 * Its bytes are the kernel's, still checked as input: every offset, length and type id is bounded
 * before it is followed.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btf.h>

#include <bpf/btf.h>

#include "capture_btf.h"

#define MAX_ROOTS 128
#define ROOT_NAMES_BYTES 4096

/* libbpf's enum bpf_core_relo_kind (libbpf 1.1, relo_core.h) */
enum {
	CORE_TYPE_ID_LOCAL = 6,
	CORE_TYPE_ID_TARGET = 7,
	CORE_TYPE_MATCHES = 12,
};

/* A raw BTF (header, types, strings) and each type's offset in its type section. */
struct btf_view {
	const char *types, *strs;
	__u32 type_len, str_len;
	__u32 *off; /* off[id] for ids 1..n-1 */
	__u32 n;
};

/* The size of what follows a BTF type's common part, -1 for a kind this code does not know. */
static long btf_type_extra(const struct btf_type *t)
{
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return BTF_INFO_VLEN(t->info) * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return BTF_INFO_VLEN(t->info) * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return BTF_INFO_VLEN(t->info) * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return BTF_INFO_VLEN(t->info) * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return BTF_INFO_VLEN(t->info) * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

static const struct btf_type *view_type(const struct btf_view *v, __u32 id)
{
	return (const void *)(v->types + v->off[id]);
}

/* A type's name, or "" when it has none or its offset is out of the string section. */
static const char *view_name(const struct btf_view *v, __u32 name_off, size_t *len)
{
	const char *s;

	if (!name_off || name_off >= v->str_len) {
		*len = 0;
		return "";
	}
	s = v->strs + name_off;
	*len = strnlen(s, v->str_len - name_off);
	return *len < v->str_len - name_off ? s : "";
}

/* Check the header and index the types. 0, or -EINVAL for what is not a BTF this code knows. */
static int view_open(struct btf_view *v, const void *data, size_t size)
{
	const struct btf_header *h = data;
	const char *p, *end;

	*v = (struct btf_view){ 0 };
	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->hdr_len < sizeof(*h) ||
	    h->hdr_len > size || (size_t)h->type_off + h->type_len > size - h->hdr_len ||
	    (size_t)h->str_off + h->str_len > size - h->hdr_len || !h->str_len)
		return -EINVAL;
	v->types = (const char *)data + h->hdr_len + h->type_off;
	v->strs = (const char *)data + h->hdr_len + h->str_off;
	v->type_len = h->type_len;
	v->str_len = h->str_len;
	if (v->strs[v->str_len - 1])
		return -EINVAL;
	v->off = malloc((h->type_len / sizeof(struct btf_type) + 1) * sizeof(*v->off));
	if (!v->off)
		return -ENOMEM;
	v->n = 1;
	end = v->types + v->type_len;
	for (p = v->types; p < end; v->n++) {
		const struct btf_type *t = (const void *)p;
		long extra;

		if ((size_t)(end - p) < sizeof(*t))
			return -EINVAL;
		extra = btf_type_extra(t);
		if (extra < 0 || (size_t)(end - p) - sizeof(*t) < (size_t)extra)
			return -EINVAL;
		v->off[v->n] = p - v->types;
		p += sizeof(*t) + extra;
	}
	return 0;
}

/* libbpf's bpf_core_essential_name_len(): a name without its "___flavor" suffix. */
static size_t essential_len(const char *name, size_t n)
{
	size_t i;

	for (i = n > 4 ? n - 4 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

/* ---- The object's relocated types ---- */

/* Section name of an ELF image's section, bounds checked; NULL when out of bounds. */
static const Elf64_Shdr *elf_section(const void *obj, size_t size, const char *want)
{
	const Elf64_Ehdr *eh = obj;
	const Elf64_Shdr *sh, *strsh;
	const char *names;
	int i;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > size || (size - eh->e_shoff) / sizeof(*sh) < eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const void *)((const char *)obj + eh->e_shoff);
	strsh = &sh[eh->e_shstrndx];
	if (strsh->sh_offset > size || strsh->sh_size > size - strsh->sh_offset)
		return NULL;
	names = (const char *)obj + strsh->sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		size_t room;

		if (sh[i].sh_name >= strsh->sh_size)
			continue;
		room = strsh->sh_size - sh[i].sh_name;
		if (strnlen(names + sh[i].sh_name, room) == strlen(want) &&
		    !strncmp(names + sh[i].sh_name, want, room) && sh[i].sh_offset <= size &&
		    sh[i].sh_size <= size - sh[i].sh_offset)
			return &sh[i];
	}
	return NULL;
}

/* .BTF.ext's header (libbpf's struct btf_ext_header, with the CO-RE part) */
struct ext_header {
	__u16 magic;
	__u8 version, flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

/* One core_relo record (libbpf's struct bpf_core_relo) */
struct ext_core_relo {
	__u32 insn_off, type_id, access_str_off, kind;
};

/* The names of the types the object's CO-RE relocations are rooted at (.BTF.ext's core_relo
 * records), each once, "___flavor" suffixes cut: the count (at most max), -EOPNOTSUPP when a
 * relocation kind or root the extract cannot stand for is used (TYPE_ID_TARGET, TYPE_MATCHES, a
 * root that is not a struct, union or enum), another negative errno when the image is not an ELF
 * with .BTF. The image is the skeleton's own, still parsed with every offset bounded. */
static int core_root_names(const void *obj, size_t size, const char **names, char *buf,
			   size_t buf_size, int max)
{
	const Elf64_Shdr *btf_sh, *ext_sh;
	const struct ext_header *eh;
	const char *rel, *rel_end;
	struct btf_view v;
	size_t used = 0;
	__u32 rec_size;
	int n = 0, err;

	btf_sh = elf_section(obj, size, ".BTF");
	if (!btf_sh)
		return -EINVAL;
	err = view_open(&v, (const char *)obj + btf_sh->sh_offset, btf_sh->sh_size);
	if (err)
		goto out;
	ext_sh = elf_section(obj, size, ".BTF.ext");
	if (!ext_sh) /* no relocations at all */
		goto out;
	eh = (const void *)((const char *)obj + ext_sh->sh_offset);
	err = -EINVAL;
	if (ext_sh->sh_size < sizeof(*eh) || eh->magic != BTF_MAGIC ||
	    eh->hdr_len > ext_sh->sh_size)
		goto out;
	err = 0;
	if (eh->hdr_len < sizeof(*eh) || !eh->core_relo_len)
		goto out;
	err = -EINVAL;
	if (eh->core_relo_off > ext_sh->sh_size - eh->hdr_len ||
	    eh->core_relo_len > ext_sh->sh_size - eh->hdr_len - eh->core_relo_off ||
	    eh->core_relo_len < sizeof(rec_size))
		goto out;
	rel = (const char *)eh + eh->hdr_len + eh->core_relo_off;
	rel_end = rel + eh->core_relo_len;
	memcpy(&rec_size, rel, sizeof(rec_size));
	rel += sizeof(rec_size);
	if (rec_size < sizeof(struct ext_core_relo))
		goto out;
	while (rel < rel_end) {
		__u32 sec[2], i;

		if ((size_t)(rel_end - rel) < sizeof(sec))
			goto out;
		memcpy(sec, rel, sizeof(sec));
		rel += sizeof(sec);
		if ((size_t)(rel_end - rel) / rec_size < sec[1])
			goto out;
		for (i = 0; i < sec[1]; i++, rel += rec_size) {
			struct ext_core_relo r;
			const struct btf_type *t;
			const char *name;
			size_t len, ess;
			int j, kind;

			memcpy(&r, rel, sizeof(r));
			if (r.kind == CORE_TYPE_ID_LOCAL)
				continue;
			err = -EOPNOTSUPP;
			if (r.kind == CORE_TYPE_ID_TARGET || r.kind == CORE_TYPE_MATCHES)
				goto out;
			err = -EINVAL;
			if (!r.type_id || r.type_id >= v.n)
				goto out;
			t = view_type(&v, r.type_id);
			kind = BTF_INFO_KIND(t->info);
			err = -EOPNOTSUPP;
			if (kind != BTF_KIND_STRUCT && kind != BTF_KIND_UNION &&
			    kind != BTF_KIND_ENUM && kind != BTF_KIND_ENUM64)
				goto out;
			name = view_name(&v, t->name_off, &len);
			ess = essential_len(name, len);
			err = -EINVAL;
			if (!ess)
				goto out;
			for (j = 0; j < n; j++)
				if (strlen(names[j]) == ess && !memcmp(names[j], name, ess))
					break;
			if (j < n)
				continue;
			err = -E2BIG;
			if (n == max || buf_size - used < ess + 1)
				goto out;
			memcpy(buf + used, name, ess);
			buf[used + ess] = '\0';
			names[n++] = buf + used;
			used += ess + 1;
		}
	}
	err = 0;
out:
	free(v.off);
	return err ? err : n;
}

/* ---- The extract ---- */

struct grow {
	char *p;
	size_t len, cap;
};

static int grow_put(struct grow *g, const void *data, size_t n)
{
	if (g->cap - g->len < n) {
		size_t cap = g->cap ? g->cap * 2 : 16384;
		char *p;

		while (cap - g->len < n)
			cap *= 2;
		p = realloc(g->p, cap);
		if (!p)
			return -ENOMEM;
		g->p = p;
		g->cap = cap;
	}
	memcpy(g->p + g->len, data, n);
	g->len += n;
	return 0;
}

/* The ids a type refers to, through fn(ctx, &id) (which may rewrite the id in a copy). */
static int refs_each(struct btf_type *t, int (*fn)(void *ctx, __u32 *id), void *ctx)
{
	__u16 i, vlen = BTF_INFO_VLEN(t->info);
	int err = 0;

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_FWD:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return 0;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_PTR:
		return fn(ctx, &t->type);
	case BTF_KIND_ARRAY: {
		struct btf_array *a = (void *)(t + 1);

		err = fn(ctx, &a->type);
		return err ? err : fn(ctx, &a->index_type);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct btf_member *m = (void *)(t + 1);

		for (i = 0; i < vlen && !err; i++)
			err = fn(ctx, &m[i].type);
		return err;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *p = (void *)(t + 1);

		err = fn(ctx, &t->type);
		for (i = 0; i < vlen && !err; i++)
			err = fn(ctx, &p[i].type);
		return err;
	}
	default: /* FUNC, VAR, DATASEC, DECL_TAG: never held inline by a type */
		return -EOPNOTSUPP;
	}
}

struct extract {
	const struct btf_view *v;
	__u32 *new_id;      /* by kernel id: its id in the extract, 0 when not in it */
	__u32 *order;       /* by extract id: the kernel id (0 for the void pointer) */
	__u32 n, stack_len; /* types in the extract so far (ids from 1), stack depth */
	__u32 *stack;       /* kernel ids whose references are still to visit */
	__u32 void_ptr;     /* the extract's one pointer, to void */
	struct grow types, strs;
};

/* Pass 1: take a referenced id into the extract (pointers become the one void pointer). Reads
 * *id, never writes it: extract_build() walks the kernel's read-only types with it. */
static int take_ref(void *ctx, __u32 *id)
{
	struct extract *x = ctx;

	if (!*id)
		return 0;
	if (*id >= x->v->n)
		return -EINVAL;
	if (x->new_id[*id])
		return 0;
	if (BTF_INFO_KIND(view_type(x->v, *id)->info) == BTF_KIND_PTR) {
		x->new_id[*id] = x->void_ptr;
		return 0;
	}
	x->new_id[*id] = ++x->n;
	x->order[x->n] = *id;
	x->stack[x->stack_len++] = *id;
	return 0;
}

/* Pass 2: a reference rewritten to the extract's id. */
static int map_ref(void *ctx, __u32 *id)
{
	struct extract *x = ctx;

	if (*id)
		*id = x->new_id[*id];
	return 0;
}

static int put_name(struct extract *x, __u32 *name_off)
{
	size_t len;
	const char *s = view_name(x->v, *name_off, &len);

	if (!len) {
		*name_off = 0;
		return 0;
	}
	*name_off = x->strs.len;
	return grow_put(&x->strs, s, len + 1);
}

/* Copy kernel type id into the extract, its names and references rewritten. */
static int put_type(struct extract *x, __u32 id)
{
	const struct btf_type *src = view_type(x->v, id);
	size_t size = sizeof(*src) + btf_type_extra(src);
	__u16 i, vlen = BTF_INFO_VLEN(src->info);
	struct btf_type *t;
	size_t at = x->types.len;
	int err;

	err = grow_put(&x->types, src, size);
	if (err)
		return err;
	t = (void *)(x->types.p + at);
	err = refs_each(t, map_ref, x);
	if (!err)
		err = put_name(x, &t->name_off);
	/* put_name() may move nothing in types: t stays valid */
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen && !err; i++)
			err = put_name(x, &((struct btf_member *)(t + 1))[i].name_off);
		break;
	case BTF_KIND_ENUM:
		for (i = 0; i < vlen && !err; i++)
			err = put_name(x, &((struct btf_enum *)(t + 1))[i].name_off);
		break;
	case BTF_KIND_ENUM64:
		for (i = 0; i < vlen && !err; i++)
			err = put_name(x, &((struct btf_enum64 *)(t + 1))[i].name_off);
		break;
	case BTF_KIND_FUNC_PROTO:
		for (i = 0; i < vlen && !err; i++)
			err = put_name(x, &((struct btf_param *)(t + 1))[i].name_off);
		break;
	}
	return err;
}

/* The extract of roots (kernel ids) and what they hold inline, as a raw BTF in x->types. */
static int extract_build(struct extract *x, const __u32 *roots, __u32 nroots)
{
	struct btf_header h = { .magic = BTF_MAGIC, .version = 1, .hdr_len = sizeof(h) };
	struct btf_type ptr = { .info = BTF_KIND_PTR << 24 };
	struct grow out = { 0 };
	__u32 i;
	int err = 0;

	x->new_id = calloc(x->v->n, sizeof(*x->new_id));
	x->order = malloc(((size_t)x->v->n + 1) * sizeof(*x->order));
	x->stack = malloc(((size_t)x->v->n + 1) * sizeof(*x->stack));
	if (!x->new_id || !x->order || !x->stack)
		return -ENOMEM;
	x->void_ptr = x->n = 1;
	x->order[1] = 0;
	for (i = 0; i < nroots && !err; i++) {
		__u32 id = roots[i];

		err = take_ref(x, &id);
		while (!err && x->stack_len) {
			const struct btf_type *t = view_type(x->v, x->stack[--x->stack_len]);

			/* refs_each() takes a writable type for map_ref(); take_ref() only reads the
			 * ids, so the kernel's read-only type is walked in place */
			err = refs_each((struct btf_type *)t, take_ref, x);
		}
	}
	if (err)
		return err;
	err = grow_put(&x->strs, "", 1);
	err = err ?: grow_put(&x->types, &ptr, sizeof(ptr));
	for (i = 2; i <= x->n && !err; i++)
		err = put_type(x, x->order[i]);
	if (err)
		return err;
	h.type_len = x->types.len;
	h.str_off = x->types.len;
	h.str_len = x->strs.len;
	err = grow_put(&out, &h, sizeof(h));
	err = err ?: grow_put(&out, x->types.p, x->types.len);
	err = err ?: grow_put(&out, x->strs.p, x->strs.len);
	free(x->types.p);
	x->types = out;
	return err;
}

static void extract_free(struct extract *x)
{
	free(x->new_id);
	free(x->order);
	free(x->stack);
	free(x->types.p);
	free(x->strs.p);
}

static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= w;
	}
	return 0;
}

/* ---- The walk ---- */

/* The kernel's BTF: mapped read-only where the kernel allows it (6.16), else read.
 * PYXCHECK_TEST_NO_BTF_MMAP=1 (tests) reads it, as on older kernels. */
static void *btf_load(size_t *size, bool *mapped, int *err)
{
	const char *no_mmap = getenv("PYXCHECK_TEST_NO_BTF_MMAP");
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	*err = 0;
	fd = open(PYX_KERNEL_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		*err = errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*size = st.st_size;
	buf = *size && !(no_mmap && *no_mmap && strcmp(no_mmap, "0"))
		      ? mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0)
		      : MAP_FAILED;
	if (buf != MAP_FAILED) {
		close(fd);
		*mapped = true;
		return buf;
	}
	*mapped = false;
	buf = malloc(*size ? *size : 1);
	while (buf && got < *size) {
		ssize_t r = read(fd, buf + got, *size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*err = r < 0 ? errno : EIO;
			break;
		}
		got += r;
	}
	if (!buf || got != *size) {
		*err = !buf ? ENOMEM : *err ? *err : EIO;
		free(buf);
		buf = NULL;
	}
	close(fd);
	return buf;
}

/* raw_tp_nargs() of type id (a btf_trace_<name> typedef): the arguments of the function its
 * pointer points to, less the probe's data, or -1. */
static int trace_nargs(const struct btf_view *v, __u32 id)
{
	const struct btf_type *t;

	if (!id)
		return -1;
	t = view_type(v, id);
	if (BTF_INFO_KIND(t->info) != BTF_KIND_TYPEDEF || !t->type || t->type >= v->n)
		return -1;
	t = view_type(v, t->type);
	if (BTF_INFO_KIND(t->info) != BTF_KIND_PTR || !t->type || t->type >= v->n)
		return -1;
	t = view_type(v, t->type);
	return BTF_INFO_KIND(t->info) == BTF_KIND_FUNC_PROTO ? (int)BTF_INFO_VLEN(t->info) - 1 : -1;
}

static bool core_kind(int kind)
{
	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_ENUM ||
	       kind == BTF_KIND_ENUM64;
}

static void walk(struct pyx_kbtf *k, const void *data, size_t size)
{
	static const char complete[] = "btf_trace_io_uring_complete";
	static const char submit[] = "btf_trace_io_uring_submit_req";
	static const char cast[] = "bpf_rdonly_cast";
	const char *root_names[MAX_ROOTS];
	char root_buf[ROOT_NAMES_BYTES];
	__u32 complete_id = 0, submit_id = 0, task = 0, regs = 0, ntask = 0, nregs = 0;
	__u32 *roots = NULL, nroots = 0, id;
	int nnames = -1, err;
	struct extract x = { 0 };
	struct btf_view v;

	if (view_open(&v, data, size)) {
		k->btf_err = EINVAL;
		goto out;
	}
	k->btf_read = true;
	k->kernel_types = v.n - 1;
	if (k->core_fd >= 0)
		nnames = core_root_names(k->obj, k->obj_size, root_names, root_buf,
					 sizeof(root_buf), MAX_ROOTS);
	if (nnames > 0)
		roots = malloc(v.n * sizeof(*roots));
	for (id = 1; id < v.n; id++) {
		const struct btf_type *t = view_type(&v, id);
		int kind = BTF_INFO_KIND(t->info), i;
		const char *name;
		size_t len, ess;

		if (kind != BTF_KIND_TYPEDEF && kind != BTF_KIND_FUNC && !core_kind(kind))
			continue;
		name = view_name(&v, t->name_off, &len);
		if (!len)
			continue;
		if (kind == BTF_KIND_FUNC) {
			if (len == sizeof(cast) - 1 && !memcmp(name, cast, len))
				k->rdonly_cast = true;
			continue;
		}
		if (kind == BTF_KIND_TYPEDEF) {
			if (len == sizeof(complete) - 1 && !memcmp(name, complete, len))
				complete_id = id;
			else if (len == sizeof(submit) - 1 && !memcmp(name, submit, len))
				submit_id = id;
			continue;
		}
		if (kind == BTF_KIND_STRUCT && len == 11 && !memcmp(name, "task_struct", 11))
			task = id, ntask++;
		else if (kind == BTF_KIND_STRUCT && len == 7 && !memcmp(name, "pt_regs", 7))
			regs = id, nregs++;
		if (!roots)
			continue;
		ess = essential_len(name, len);
		for (i = 0; i < nnames; i++)
			if (root_names[i][0] == name[0] && !strncmp(root_names[i], name, ess) &&
			    !root_names[i][ess])
				break;
		if (i < nnames)
			roots[nroots++] = id;
	}
	k->uring_complete = trace_nargs(&v, complete_id);
	k->uring_submit = trace_nargs(&v, submit_id);
	/* the same name twice: the verifier's type is ambiguous, so no cast (the slow programs) */
	k->task_struct_id = ntask == 1 ? task : 0;
	k->pt_regs_id = nregs == 1 ? regs : 0;
	if (k->core_fd < 0)
		goto out;
	x.v = &v;
	err = roots ? extract_build(&x, roots, nroots) : nnames == 0 ? 0 : -EOPNOTSUPP;
	if (!err && roots) {
		err = write_all(k->core_fd, x.types.p, x.types.len);
		if (!err) {
			k->core_types = x.n;
			k->core_roots = nroots;
			k->core_written = true;
		}
	} else if (!err) { /* no relocation at all: an empty BTF */
		struct btf_header h = {
			.magic = BTF_MAGIC, .version = 1, .hdr_len = sizeof(h), .str_len = 1
		};

		err = write_all(k->core_fd, &h, sizeof(h));
		err = err ?: write_all(k->core_fd, "", 1);
		k->core_written = !err;
	}
	if (err) { /* what libbpf would have read itself */
		if (ftruncate(k->core_fd, 0) == 0 && lseek(k->core_fd, 0, SEEK_SET) == 0 &&
		    write_all(k->core_fd, data, size) == 0)
			k->core_copied = k->core_written = true;
	}
out:
	extract_free(&x);
	free(roots);
	free(v.off);
}

static void *kbtf_run(void *arg)
{
	struct pyx_kbtf *k = arg;
	bool mapped = false;
	size_t size = 0;
	void *data;
	FILE *f;

	k->uring_disabled = 0;
	k->uring_complete = k->uring_submit = -1;
	if (k->uring_question) {
		f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
		if (f) {
			if (fscanf(f, "%d", &k->uring_disabled) != 1)
				k->uring_disabled = 0;
			fclose(f);
		}
	}
	data = btf_load(&size, &mapped, &k->btf_err);
	if (!data)
		return NULL;
	walk(k, data, size);
	if (mapped)
		munmap(data, size);
	else
		free(data);
	return NULL;
}

/*
 * ---- libbpf's own parse of the kernel's BTF, made early ----
 *
 * libbpf 1.1 parses the kernel's BTF in every bpf_object__load() of an object with a kfunc (ours:
 * bpf_rdonly_cast()), through btf__load_vmlinux_btf(): ~1,350 page-sized read()s out of sysfs
 * into a fresh 5 MiB buffer, copied into a second one and indexed, ~20 ms of the loading
 * thread's CPU at a cold start. It has no option to take a BTF its caller parsed, but it calls
 * that function of its own API through its PLT: the definition below, in the executable, is the
 * one the dynamic linker binds. It hands over, once, the BTF a thread of ours parsed while the
 * skeleton was opened (btf__new() of the read-only mapping: no read()s, one buffer), and
 * otherwise calls libbpf's. Where libbpf binds its own call directly, nothing changes but that
 * thread's work; tests/test_core_btf.py checks the kernel's BTF is opened once.
 */
static struct {
	pthread_mutex_t lock;
	pthread_t tid;
	bool started;
	struct btf *btf;
} early = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *early_run(void *arg)
{
	bool mapped = false;
	size_t size = 0;
	void *data;
	int err;

	(void)arg;
	data = btf_load(&size, &mapped, &err);
	if (!data)
		return NULL;
	early.btf = btf__new(data, size); /* NULL on failure: libbpf's own parse then */
	if (mapped)
		munmap(data, size);
	else
		free(data);
	return NULL;
}

/* The early parse, once; NULL when there is none (or it failed). */
static struct btf *early_take(void)
{
	struct btf *b;

	pthread_mutex_lock(&early.lock);
	if (early.started)
		pthread_join(early.tid, NULL);
	early.started = false;
	b = early.btf;
	early.btf = NULL;
	pthread_mutex_unlock(&early.lock);
	return b;
}

struct btf *btf__load_vmlinux_btf(void)
{
	struct btf *(*libbpf_own)(void);
	struct btf *b = early_take();

	if (b)
		return b;
	libbpf_own = (struct btf * (*)(void)) dlsym(RTLD_NEXT, "btf__load_vmlinux_btf");
	if (!libbpf_own) {
		errno = ENOSYS;
		return NULL;
	}
	return libbpf_own();
}

void pyx_kbtf_start(struct pyx_kbtf *k)
{
	pthread_mutex_lock(&early.lock);
	if (!early.started && !early.btf)
		early.started = pthread_create(&early.tid, NULL, early_run, NULL) == 0;
	pthread_mutex_unlock(&early.lock);
	k->started = pthread_create(&k->tid, NULL, kbtf_run, k) == 0;
	if (!k->started)
		kbtf_run(k);
}

void pyx_kbtf_release(void)
{
	btf__free(early_take());
}

void pyx_kbtf_wait(struct pyx_kbtf *k)
{
	if (k->started)
		pthread_join(k->tid, NULL);
	k->started = false;
}
