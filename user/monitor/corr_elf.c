// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Is this executable a CPython? Decided from the ELF alone, never from the file's name (a copied
 * or renamed interpreter is the case that matters), and never from section headers: they are not
 * needed to run a program, so a copy with e_shoff/e_shnum/e_shstrndx zeroed runs as well as the
 * original. What the dynamic loader itself reads is used instead: the program headers, and
 * through PT_DYNAMIC the needed libraries and the exported symbols (DT_SYMTAB looked up through
 * DT_GNU_HASH or DT_HASH, as ld.so resolves them). A CPython defines PySys_Audit or
 * Py_Initialize (a static libpython, as Debian builds python3.11: extension modules need them
 * exported, so stripping them breaks the interpreter), or needs a libpython3 (or libpython2)
 * shared library (pyenv's --enable-shared builds).
 *
 * The file comes from a monitored process, which may be hostile: every read is a bounded pread
 * checked against the file size, loops are bounded, and the open never blocks (see
 * corr_open_untrusted_reg). Results are cached by (device, inode, mtime, size), since the same few
 * binaries (sh, python3) are exec'd over and over.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corr_elf.h"

#define CACHE_MAX 64
#define PHDR_MAX 64  /* more program headers than any real binary has */
#define DYN_MAX 4096 /* dynamic entries read */
#define NEEDED_MAX 64
#define CHAIN_MAX 100000 /* hash chain steps per lookup */

struct cache_ent {
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	off_t size;
	int result;
	bool no_interp;
	char why[96];
};

static struct cache_ent cache[CACHE_MAX];
static unsigned int ncache, next_slot;

struct img {
	int fd;
	uint64_t size;
	Elf64_Phdr ph[PHDR_MAX];
	unsigned int nph;
	uint64_t strtab, strsz, symtab, gnu_hash, hash; /* file offsets (0: absent) */
};

static bool rd(const struct img *im, uint64_t off, void *buf, size_t len)
{
	if (off > im->size || len > im->size - off)
		return false;
	return pread(im->fd, buf, len, (off_t)off) == (ssize_t)len;
}

/* File offset of a virtual address, through the PT_LOAD that maps it from the file. */
static uint64_t va_off(const struct img *im, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < im->nph; i++) {
		const Elf64_Phdr *ph = &im->ph[i];

		if (ph->p_type == PT_LOAD && va >= ph->p_vaddr && va - ph->p_vaddr < ph->p_filesz)
			return ph->p_offset + (va - ph->p_vaddr);
	}
	return 0;
}

/* The NUL-terminated string at strtab + off, cut at n - 1 bytes. */
static bool str_at(const struct img *im, uint64_t off, char *buf, size_t n)
{
	size_t len = n - 1;

	if (!im->strtab || off >= im->strsz)
		return false;
	if (len > im->strsz - off)
		len = im->strsz - off;
	if (im->strtab + off > im->size)
		return false;
	if (len > im->size - (im->strtab + off))
		len = im->size - (im->strtab + off);
	if (pread(im->fd, buf, len, (off_t)(im->strtab + off)) != (ssize_t)len)
		return false;
	buf[len] = 0;
	return true;
}

/* Symbol i is defined (not an import) and named name. */
static bool sym_is(const struct img *im, uint32_t i, const char *name)
{
	char got[64];
	Elf64_Sym sym;

	if (!rd(im, im->symtab + (uint64_t)i * sizeof(sym), &sym, sizeof(sym)))
		return false;
	return sym.st_shndx != SHN_UNDEF && str_at(im, sym.st_name, got, sizeof(got)) &&
	       !strcmp(got, name);
}

static bool gnu_lookup(const struct img *im, const char *name)
{
	uint32_t hdr[4], h = 5381, bucket, chain, steps;
	uint64_t buckets, chains;
	const unsigned char *c;

	for (c = (const unsigned char *)name; *c; c++)
		h = h * 33 + *c;
	if (!rd(im, im->gnu_hash, hdr, sizeof(hdr)) || !hdr[0])
		return false;
	/* nbuckets, symoffset, bloom words (8 bytes each on ELF64), bloom shift */
	buckets = im->gnu_hash + 16 + (uint64_t)hdr[2] * 8;
	chains = buckets + (uint64_t)hdr[0] * 4;
	if (!rd(im, buckets + (uint64_t)(h % hdr[0]) * 4, &bucket, 4) || bucket < hdr[1])
		return false;
	for (steps = 0; steps < CHAIN_MAX; steps++, bucket++) {
		if (!rd(im, chains + (uint64_t)(bucket - hdr[1]) * 4, &chain, 4))
			return false;
		if ((chain | 1) == (h | 1) && sym_is(im, bucket, name))
			return true;
		if (chain & 1)
			return false;
	}
	return false;
}

static bool sysv_lookup(const struct img *im, const char *name)
{
	uint32_t hdr[2], h = 0, g, i, steps;
	const unsigned char *c;

	for (c = (const unsigned char *)name; *c; c++) {
		h = (h << 4) + *c;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	if (!rd(im, im->hash, hdr, sizeof(hdr)) || !hdr[0])
		return false;
	if (!rd(im, im->hash + 8 + (uint64_t)(h % hdr[0]) * 4, &i, 4))
		return false;
	for (steps = 0; i != STN_UNDEF && i < hdr[1] && steps < CHAIN_MAX; steps++) {
		if (sym_is(im, i, name))
			return true;
		if (!rd(im, im->hash + 8 + (uint64_t)hdr[0] * 4 + (uint64_t)i * 4, &i, 4))
			return false;
	}
	return false;
}

static bool exports(const struct img *im, const char *name)
{
	if (!im->symtab || !im->strtab)
		return false;
	if (im->gnu_hash)
		return gnu_lookup(im, name);
	return im->hash && sysv_lookup(im, name);
}

static int inspect(int fd, uint64_t size, char *why, size_t n, bool *no_interp)
{
	static const char *const names[] = { "PySys_Audit", "Py_Initialize" };
	uint64_t needed[NEEDED_MAX], dyn_off = 0, dyn_n = 0, i;
	unsigned int nneeded = 0;
	struct img im = { .fd = fd, .size = size };
	Elf64_Ehdr eh;
	char lib[256];

	*no_interp = false;
	if (!rd(&im, 0, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum || eh.e_phnum > PHDR_MAX ||
	    !rd(&im, eh.e_phoff, im.ph, (size_t)eh.e_phnum * sizeof(Elf64_Phdr)))
		return 0;
	im.nph = eh.e_phnum;
	*no_interp = true;
	for (i = 0; i < im.nph; i++) {
		if (im.ph[i].p_type == PT_INTERP)
			*no_interp = false;
		if (im.ph[i].p_type == PT_DYNAMIC) {
			dyn_off = im.ph[i].p_offset;
			dyn_n = im.ph[i].p_filesz / sizeof(Elf64_Dyn);
		}
	}
	if (dyn_n > DYN_MAX)
		dyn_n = DYN_MAX;
	for (i = 0; i < dyn_n; i++) {
		Elf64_Dyn d;

		if (!rd(&im, dyn_off + i * sizeof(d), &d, sizeof(d)) || d.d_tag == DT_NULL)
			break;
		switch (d.d_tag) {
		case DT_NEEDED:
			if (nneeded < NEEDED_MAX)
				needed[nneeded++] = d.d_un.d_val;
			break;
		case DT_STRTAB:
			im.strtab = va_off(&im, d.d_un.d_ptr);
			break;
		case DT_STRSZ:
			im.strsz = d.d_un.d_val;
			break;
		case DT_SYMTAB:
			im.symtab = va_off(&im, d.d_un.d_ptr);
			break;
		case DT_GNU_HASH:
			im.gnu_hash = va_off(&im, d.d_un.d_ptr);
			break;
		case DT_HASH:
			im.hash = va_off(&im, d.d_un.d_ptr);
			break;
		}
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (exports(&im, names[i])) {
			snprintf(why, n, "exports %s", names[i]);
			return 1;
		}
	}
	for (i = 0; i < nneeded; i++) {
		/* libpython2.7 too: a Python 2 has no audit hooks at all, so a shared build of it
		 * (pyenv's) is as blind as a Python 3 without the hook (a static one exports
		 * Py_Initialize, above) */
		if (str_at(&im, needed[i], lib, sizeof(lib)) && !strncmp(lib, "libpython", 9) &&
		    (lib[9] == '2' || lib[9] == '3') && lib[10] == '.') {
			snprintf(why, n, "needs %s", lib);
			return 1;
		}
	}
	return 0;
}

/*
 * Open a path a monitored process controls, for reading, without ever blocking: the exec'd file
 * may have been replaced by a FIFO (an open for reading would wait for a writer for ever) or a
 * symlink to a device (whose open has side effects). An O_PATH open touches neither: it only
 * resolves the name (symlinks followed, as /usr/bin/python3 is one). Only a regular file is then
 * reopened, through /proc/self/fd, which names that very inode, so a rename between the two
 * opens changes nothing. O_NONBLOCK as a second guard. Returns the fd, or -1 with errno set
 * (EINVAL: not a regular file).
 */
int corr_open_untrusted_reg(const char *path, struct stat *st)
{
	char self[64];
	int pfd, fd;

	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	if (fstat(pfd, st) || !S_ISREG(st->st_mode)) {
		close(pfd);
		errno = EINVAL;
		return -1;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(pfd);
	return fd;
}

int corr_elf_is_python(const char *path, char *why, size_t n, bool *no_interp)
{
	struct cache_ent *ce;
	struct stat st;
	unsigned int i;
	bool ni = false;
	int fd, r;

	why[0] = 0;
	if (!no_interp)
		no_interp = &ni;
	*no_interp = false;
	fd = corr_open_untrusted_reg(path, &st);
	if (fd < 0)
		return errno == EINVAL ? 0 : -1;
	for (i = 0; i < ncache; i++) {
		ce = &cache[i];
		/* ctime, which no user can set back, so a rewritten file is looked at again */
		if (ce->dev == st.st_dev && ce->ino == st.st_ino && ce->size == st.st_size &&
		    ce->ctime.tv_sec == st.st_ctim.tv_sec &&
		    ce->ctime.tv_nsec == st.st_ctim.tv_nsec) {
			close(fd);
			snprintf(why, n, "%s", ce->why);
			*no_interp = ce->no_interp;
			return ce->result;
		}
	}
	r = inspect(fd, (uint64_t)st.st_size, why, n, no_interp);
	close(fd);
	ce = &cache[next_slot];
	next_slot = (next_slot + 1) % CACHE_MAX;
	if (ncache < CACHE_MAX)
		ncache++;
	ce->dev = st.st_dev;
	ce->ino = st.st_ino;
	ce->size = st.st_size;
	ce->ctime = st.st_ctim;
	ce->result = r;
	ce->no_interp = *no_interp;
	snprintf(ce->why, sizeof(ce->why), "%s", why);
	return r;
}
