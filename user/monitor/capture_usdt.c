// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * USDT probes through uprobe_multi links (capture_usdt.h).
 *
 * Hand-written because libbpf 1.1.2 (Debian 12) has neither uprobe_multi links (libbpf 1.3) nor a
 * public USDT note parser; what it does is followed closely: a site's file offset from the
 * executable PT_LOAD segment that holds it, after the .stapsdt.base (prelink) adjustment; a
 * semaphore's from the data segment that holds it; argument specs parsed as usdt.c's x86-64
 * parse_usdt_arg() does and written into usdt.bpf.h's __bpf_usdt_specs map, one id per distinct
 * (arguments, cookie), the attach cookie of each site being its spec id.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>
#include <linux/bpf.h>

#include <gelf.h>
#include <libelf.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "capture_usdt.h"

/* Not in Debian 12's <linux/bpf.h> (6.1): the values of Linux 6.6's uapi. */
#define PYX_BPF_TRACE_UPROBE_MULTI 48

/* link_create's uprobe_multi member, at the offset the kernel's union bpf_attr gives it. */
struct pyx_uprobe_multi_attr {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__aligned_u64 path;
	__aligned_u64 offsets;
	__aligned_u64 ref_ctr_offsets;
	__aligned_u64 cookies;
	__u32 cnt;
	__u32 multi_flags;
	__u32 pid;
};

/* usdt.bpf.h's spec, as its programs read it from __bpf_usdt_specs. */
enum { USDT_ARG_CONST, USDT_ARG_REG, USDT_ARG_REG_DEREF };
#define USDT_MAX_ARGS 12
#define USDT_MAX_SPECS 256

struct usdt_arg_spec {
	__u64 val_off;
	__u32 arg_type; /* an enum there */
	short reg_off;
	bool arg_signed;
	char arg_bitshift;
};

struct usdt_spec {
	struct usdt_arg_spec args[USDT_MAX_ARGS];
	__u64 usdt_cookie;
	short arg_cnt;
};
_Static_assert(sizeof(struct usdt_spec) == 208, "usdt.bpf.h's struct __bpf_usdt_spec");

struct pyx_usdt_specs {
	int map_fd;
	unsigned int refs[USDT_MAX_SPECS];
	struct usdt_spec spec[USDT_MAX_SPECS];
};

static int sys_link_create(struct pyx_uprobe_multi_attr *attr)
{
	int fd = syscall(__NR_bpf, BPF_LINK_CREATE, attr, sizeof(*attr));

	return fd < 0 ? -errno : fd;
}

/* ---- the notes ---- */

struct elf_seg {
	uint64_t start, end, offset;
	bool exec;
};

static const struct elf_seg *find_seg(const struct elf_seg *seg, size_t n, uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (seg[i].start <= addr && addr < seg[i].end)
			return &seg[i];
	return NULL;
}

static int read_segs(Elf *elf, struct elf_seg **out, size_t *n)
{
	size_t i, phnum;
	GElf_Phdr ph;

	*out = NULL;
	*n = 0;
	if (elf_getphdrnum(elf, &phnum))
		return -EINVAL;
	*out = calloc(phnum ? phnum : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		(*out)[(*n)++] = (struct elf_seg){ .start = ph.p_vaddr,
						   .end = ph.p_vaddr + ph.p_memsz,
						   .offset = ph.p_offset,
						   .exec = ph.p_flags & PF_X };
	}
	return 0;
}

static bool copy_str(char *dst, size_t size, const char **p, const char *end)
{
	size_t len = strnlen(*p, end - *p);

	if (*p + len >= end || len >= size)
		return false;
	memcpy(dst, *p, len + 1);
	*p += len + 1;
	return true;
}

/* One note's descriptor: loc, base and semaphore addresses, then "provider\0name\0args\0". */
static int note_site(const char *desc, size_t len, uint64_t base_sec, const struct elf_seg *segs,
		     size_t nsegs, struct pyx_usdt_site *s)
{
	const char *p = desc + 3 * sizeof(uint64_t), *end = desc + len;
	uint64_t loc, base, sema;
	const struct elf_seg *seg;

	if (len < 3 * sizeof(uint64_t))
		return -EINVAL;
	memcpy(&loc, desc, 8);
	memcpy(&base, desc + 8, 8);
	memcpy(&sema, desc + 16, 8);
	memset(s, 0, sizeof(*s));
	if (!copy_str(s->provider, sizeof(s->provider), &p, end) ||
	    !copy_str(s->name, sizeof(s->name), &p, end))
		return -EINVAL;
	if (p < end && !copy_str(s->args, sizeof(s->args), &p, end))
		return -EINVAL;
	if (base_sec)
		loc += base_sec - base; /* prelink moved the text: .stapsdt.base says by how much */
	seg = find_seg(segs, nsegs, loc);
	if (!seg || !seg->exec)
		return -ESRCH;
	s->offset = loc - seg->start + seg->offset;
	if (sema) {
		seg = find_seg(segs, nsegs, sema);
		if (!seg || seg->exec)
			return -ESRCH;
		s->ref_ctr_off = sema - seg->start + seg->offset;
	}
	return 0;
}

static Elf_Scn *find_section(Elf *elf, const char *want, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *name;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh->sh_name);
		if (name && !strcmp(name, want))
			return scn;
	}
	return NULL;
}

int pyx_usdt_read(const char *path, struct pyx_usdt_sites *out)
{
	size_t off = 0, name_off, desc_off, nsegs = 0, cap = 0;
	struct elf_seg *segs = NULL;
	uint64_t base_sec = 0;
	Elf *elf = NULL;
	Elf_Data *data;
	Elf_Scn *scn;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	int fd, err = 0;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	/* O_NONBLOCK: a FIFO put in the file's place must not hang the monitor */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64) {
		err = -ENOEXEC;
		goto out;
	}
	scn = find_section(elf, ".note.stapsdt", &sh);
	if (!scn || sh.sh_type != SHT_NOTE)
		goto out; /* no probes: an empty list */
	data = elf_getdata(scn, NULL);
	if (find_section(elf, ".stapsdt.base", &sh))
		base_sec = sh.sh_addr;
	err = read_segs(elf, &segs, &nsegs);
	while (!err && data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		struct pyx_usdt_site site, *grown;

		if (nh.n_type != 3 || nh.n_namesz != sizeof("stapsdt") ||
		    memcmp((const char *)data->d_buf + name_off, "stapsdt", nh.n_namesz))
			continue;
		err = note_site((const char *)data->d_buf + desc_off, nh.n_descsz, base_sec, segs,
				nsegs, &site);
		if (err)
			break;
		if (out->n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(out->site, cap * sizeof(*grown));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			out->site = grown;
		}
		out->site[out->n++] = site;
	}
out:
	free(segs);
	if (elf)
		elf_end(elf);
	close(fd);
	if (err)
		pyx_usdt_sites_free(out);
	return err;
}

void pyx_usdt_sites_free(struct pyx_usdt_sites *s)
{
	free(s->site);
	s->site = NULL;
	s->n = 0;
}

/* ---- argument specs (x86-64) ---- */

static int reg_offset(const char *name)
{
	static const struct {
		const char *names[4];
		size_t off;
	} regs[] = {
		{ { "rip", "eip", "", "" }, offsetof(struct user_regs_struct, rip) },
		{ { "rax", "eax", "ax", "al" }, offsetof(struct user_regs_struct, rax) },
		{ { "rbx", "ebx", "bx", "bl" }, offsetof(struct user_regs_struct, rbx) },
		{ { "rcx", "ecx", "cx", "cl" }, offsetof(struct user_regs_struct, rcx) },
		{ { "rdx", "edx", "dx", "dl" }, offsetof(struct user_regs_struct, rdx) },
		{ { "rsi", "esi", "si", "sil" }, offsetof(struct user_regs_struct, rsi) },
		{ { "rdi", "edi", "di", "dil" }, offsetof(struct user_regs_struct, rdi) },
		{ { "rbp", "ebp", "bp", "bpl" }, offsetof(struct user_regs_struct, rbp) },
		{ { "rsp", "esp", "sp", "spl" }, offsetof(struct user_regs_struct, rsp) },
		{ { "r8", "r8d", "r8w", "r8b" }, offsetof(struct user_regs_struct, r8) },
		{ { "r9", "r9d", "r9w", "r9b" }, offsetof(struct user_regs_struct, r9) },
		{ { "r10", "r10d", "r10w", "r10b" }, offsetof(struct user_regs_struct, r10) },
		{ { "r11", "r11d", "r11w", "r11b" }, offsetof(struct user_regs_struct, r11) },
		{ { "r12", "r12d", "r12w", "r12b" }, offsetof(struct user_regs_struct, r12) },
		{ { "r13", "r13d", "r13w", "r13b" }, offsetof(struct user_regs_struct, r13) },
		{ { "r14", "r14d", "r14w", "r14b" }, offsetof(struct user_regs_struct, r14) },
		{ { "r15", "r15d", "r15w", "r15b" }, offsetof(struct user_regs_struct, r15) },
	};
	size_t i, j;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (j = 0; j < 4; j++)
			if (*regs[i].names[j] && !strcmp(name, regs[i].names[j]))
				return (int)regs[i].off; /* struct pt_regs has this layout */
	return -ENOENT;
}

/* "-4@-20(%rbp)", "8@(%rsp)", "-4@%eax", "4@$71", as sys/sdt.h writes them. */
static int parse_arg(const char *s, struct usdt_arg_spec *a, int *len)
{
	char reg[16];
	long off;
	int sz, reg_off;

	memset(a, 0, sizeof(*a));
	if (sscanf(s, " %d @ %ld ( %%%15[^)] ) %n", &sz, &off, reg, len) == 3) {
		a->arg_type = USDT_ARG_REG_DEREF;
		a->val_off = off;
	} else if (sscanf(s, " %d @ ( %%%15[^)] ) %n", &sz, reg, len) == 2) {
		a->arg_type = USDT_ARG_REG_DEREF;
	} else if (sscanf(s, " %d @ %%%15s %n", &sz, reg, len) == 2) {
		a->arg_type = USDT_ARG_REG;
	} else if (sscanf(s, " %d @ $%ld %n", &sz, &off, len) == 2) {
		a->arg_type = USDT_ARG_CONST;
		a->val_off = off;
		reg[0] = 0;
	} else {
		return -EINVAL;
	}
	if (a->arg_type != USDT_ARG_CONST) {
		reg_off = reg_offset(reg);
		if (reg_off < 0)
			return -EINVAL;
		a->reg_off = reg_off;
	}
	a->arg_signed = sz < 0;
	if (sz < 0)
		sz = -sz;
	if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
		return -EINVAL;
	a->arg_bitshift = 64 - sz * 8;
	return 0;
}

static int parse_spec(const char *args, uint64_t cookie, struct usdt_spec *spec)
{
	const char *p = args;
	int len, err;

	memset(spec, 0, sizeof(*spec));
	spec->usdt_cookie = cookie;
	while (*p) {
		if (spec->arg_cnt >= USDT_MAX_ARGS)
			return -E2BIG;
		len = 0;
		err = parse_arg(p, &spec->args[spec->arg_cnt], &len);
		if (err || len <= 0)
			return -EINVAL;
		spec->arg_cnt++;
		p += len;
	}
	return 0;
}

/* ---- kernel support ---- */

bool pyx_usdt_multi_supported(void)
{
	static int cached = -1;
	const char *off = getenv("PYXCHECK_NO_UPROBE_MULTI");
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, popts,
		    .expected_attach_type = (enum bpf_attach_type)PYX_BPF_TRACE_UPROBE_MULTI);
	struct pyx_uprobe_multi_attr attr = { 0 };
	__u64 offset = 0;
	int prog, link;

	if (cached >= 0)
		return cached;
	cached = 0;
#if !defined(__x86_64__)
	return false; /* parse_arg() knows x86-64's registers only: libbpf's path elsewhere */
#endif
	if (off && *off && strcmp(off, "0"))
		return false;
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &popts);
	if (prog < 0)
		return false;
	/* As libbpf 1.3 probes it: "/" is no regular file, which only a kernel that knows
	 * uprobe_multi links gets far enough to say (EBADF). */
	attr.prog_fd = prog;
	attr.attach_type = PYX_BPF_TRACE_UPROBE_MULTI;
	attr.path = (__u64)(unsigned long)"/";
	attr.offsets = (__u64)(unsigned long)&offset;
	attr.cnt = 1;
	link = sys_link_create(&attr);
	if (link >= 0)
		close(link);
	close(prog);
	cached = link == -EBADF;
	return cached;
}

int pyx_usdt_prepare(struct bpf_program *prog)
{
	return bpf_program__set_expected_attach_type(
		prog, (enum bpf_attach_type)PYX_BPF_TRACE_UPROBE_MULTI);
}

/* ---- spec ids ---- */

int pyx_usdt_specs_new(struct bpf_object *obj, struct pyx_usdt_specs **out)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "__bpf_usdt_specs");
	struct pyx_usdt_specs *specs;

	*out = NULL;
	if (!map || bpf_map__fd(map) < 0)
		return -ENOENT;
	if (bpf_map__value_size(map) != sizeof(struct usdt_spec) ||
	    bpf_map__max_entries(map) < USDT_MAX_SPECS)
		return -EINVAL; /* another usdt.bpf.h than the one this file mirrors */
	specs = calloc(1, sizeof(*specs));
	if (!specs)
		return -ENOMEM;
	specs->map_fd = bpf_map__fd(map);
	*out = specs;
	return 0;
}

void pyx_usdt_specs_free(struct pyx_usdt_specs *specs)
{
	free(specs);
}

/* The id of an equal spec already in the map, or a free one written with it. */
static int spec_get(struct pyx_usdt_specs *specs, const struct usdt_spec *spec)
{
	int i, id = -1;

	for (i = 0; i < USDT_MAX_SPECS; i++) {
		if (specs->refs[i] && !memcmp(&specs->spec[i], spec, sizeof(*spec))) {
			specs->refs[i]++;
			return i;
		}
		if (!specs->refs[i] && id < 0)
			id = i;
	}
	if (id < 0)
		return -E2BIG;
	if (bpf_map_update_elem(specs->map_fd, &id, spec, BPF_ANY))
		return -errno;
	specs->spec[id] = *spec;
	specs->refs[id] = 1;
	return id;
}

static void spec_put(struct pyx_usdt_specs *specs, int id)
{
	if (id >= 0 && id < USDT_MAX_SPECS && specs->refs[id])
		specs->refs[id]--;
}

/* ---- links ---- */

int pyx_usdt_attach(struct pyx_usdt_specs *specs, struct bpf_program *prog, pid_t pid,
		    const char *path, const struct pyx_usdt_sites *sites, const char *provider,
		    const struct pyx_usdt_want *want, size_t nwant, struct pyx_usdt_link *out)
{
	struct pyx_uprobe_multi_attr attr = { 0 };
	__u64 *offsets = NULL, *ref_ctr = NULL, *cookies = NULL;
	struct usdt_spec spec;
	size_t i, j, n = 0;
	int err = 0, id;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	offsets = calloc(sites->n + 1, sizeof(*offsets));
	ref_ctr = calloc(sites->n + 1, sizeof(*ref_ctr));
	cookies = calloc(sites->n + 1, sizeof(*cookies));
	out->spec_ids = calloc(sites->n + 1, sizeof(*out->spec_ids));
	if (!offsets || !ref_ctr || !cookies || !out->spec_ids) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < sites->n; i++) {
		const struct pyx_usdt_site *s = &sites->site[i];

		if (strcmp(s->provider, provider))
			continue;
		for (j = 0; j < nwant && strcmp(s->name, want[j].name); j++)
			;
		if (j == nwant)
			continue;
		err = parse_spec(s->args, want[j].cookie, &spec);
		if (err) {
			fprintf(stderr,
				"failed to attach to %s:%s in %s: arguments '%s' not understood\n",
				provider, s->name, path, s->args);
			goto out;
		}
		id = spec_get(specs, &spec);
		if (id < 0) {
			err = id;
			goto out;
		}
		out->spec_ids[out->nspecs++] = id;
		offsets[n] = s->offset;
		ref_ctr[n] = s->ref_ctr_off;
		cookies[n++] = id;
	}
	if (!n) {
		err = -ENOENT;
		goto out;
	}
	attr.prog_fd = bpf_program__fd(prog);
	attr.attach_type = PYX_BPF_TRACE_UPROBE_MULTI;
	attr.path = (__u64)(unsigned long)path;
	attr.offsets = (__u64)(unsigned long)offsets;
	attr.ref_ctr_offsets = (__u64)(unsigned long)ref_ctr;
	attr.cookies = (__u64)(unsigned long)cookies;
	attr.cnt = n;
	attr.pid = pid > 0 ? pid : 0;
	out->fd = sys_link_create(&attr);
	if (out->fd < 0)
		err = out->fd;
out:
	free(offsets);
	free(ref_ctr);
	free(cookies);
	if (err)
		pyx_usdt_detach(specs, out);
	return err;
}

void pyx_usdt_detach(struct pyx_usdt_specs *specs, struct pyx_usdt_link *link)
{
	size_t i;

	if (link->fd >= 0)
		close(link->fd);
	link->fd = -1;
	for (i = 0; specs && i < link->nspecs; i++)
		spec_put(specs, link->spec_ids[i]);
	free(link->spec_ids);
	link->spec_ids = NULL;
	link->nspecs = 0;
}
