// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Is this executable a CPython? Decided from the ELF alone, never from the file's name (a copied
 * or renamed interpreter is the case that matters): it defines Py_Initialize or PySys_Audit in its
 * dynamic symbol table (a static libpython, as Debian builds python3.11), or it needs a
 * libpython3 shared library (pyenv's --enable-shared builds), or it carries CPython's built-in
 * "python:audit" stapsdt probe. Results are cached by (device, inode, mtime, size), since the same
 * few binaries (sh, python3) are exec'd over and over.
 */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corr_elf.h"

#define CACHE_MAX 64

struct cache_ent {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	int result;
	char why[96];
};

static struct cache_ent cache[CACHE_MAX];
static unsigned int ncache, next_slot;

static int scan_dynsym(Elf *e, Elf_Scn *scn, GElf_Shdr *sh, char *why, size_t n)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, cnt;

	if (!d || !sh->sh_entsize)
		return 0;
	cnt = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < cnt; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (name && (!strcmp(name, "Py_Initialize") || !strcmp(name, "PySys_Audit"))) {
			snprintf(why, n, "exports %s", name);
			return 1;
		}
	}
	return 0;
}

static int scan_dynamic(Elf *e, Elf_Scn *scn, GElf_Shdr *sh, char *why, size_t n)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, cnt;

	if (!d || !sh->sh_entsize)
		return 0;
	cnt = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < cnt; i++) {
		GElf_Dyn dyn;
		const char *name;

		if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
			continue;
		name = elf_strptr(e, sh->sh_link, dyn.d_un.d_val);
		if (name && !strncmp(name, "libpython3", 10)) {
			snprintf(why, n, "needs %s", name);
			return 1;
		}
	}
	return 0;
}

/* stapsdt notes: 3 addresses, then "provider\0name\0args\0". */
static int scan_notes(Elf_Scn *scn, char *why, size_t n)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t off = 0, noff, doff;
	GElf_Nhdr nh;

	if (!d)
		return 0;
	while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
		const char *desc = (const char *)d->d_buf + doff, *prov, *name;
		size_t left;

		if (nh.n_type != 3 || nh.n_namesz != 8 ||
		    memcmp((const char *)d->d_buf + noff, "stapsdt", 8) || nh.n_descsz < 24)
			continue;
		prov = desc + 24;
		left = nh.n_descsz - 24;
		if (strnlen(prov, left) >= left)
			continue;
		name = prov + strlen(prov) + 1;
		left -= strlen(prov) + 1;
		if (strnlen(name, left) >= left)
			continue;
		if (!strcmp(prov, "python") && !strcmp(name, "audit")) {
			snprintf(why, n, "has the python:audit probe");
			return 1;
		}
	}
	return 0;
}

static int inspect(int fd, char *why, size_t n)
{
	Elf_Scn *scn = NULL;
	int found = 0;
	Elf *e;

	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e)
		return 0;
	if (elf_kind(e) != ELF_K_ELF)
		goto cleanup;
	while (!found && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_DYNSYM)
			found = scan_dynsym(e, scn, &sh, why, n);
		else if (sh.sh_type == SHT_DYNAMIC)
			found = scan_dynamic(e, scn, &sh, why, n);
		else if (sh.sh_type == SHT_NOTE)
			found = scan_notes(scn, why, n);
	}
cleanup:
	elf_end(e);
	return found;
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
static int open_untrusted_reg(const char *path, struct stat *st)
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

int corr_elf_is_python(const char *path, char *why, size_t n)
{
	struct cache_ent *ce;
	struct stat st;
	unsigned int i;
	int fd, r;

	why[0] = 0;
	fd = open_untrusted_reg(path, &st);
	if (fd < 0)
		return errno == EINVAL ? 0 : -1;
	for (i = 0; i < ncache; i++) {
		ce = &cache[i];
		if (ce->dev == st.st_dev && ce->ino == st.st_ino && ce->size == st.st_size &&
		    ce->mtime.tv_sec == st.st_mtim.tv_sec && ce->mtime.tv_nsec == st.st_mtim.tv_nsec) {
			close(fd);
			snprintf(why, n, "%s", ce->why);
			return ce->result;
		}
	}
	elf_version(EV_CURRENT);
	r = inspect(fd, why, n);
	close(fd);
	ce = &cache[next_slot];
	next_slot = (next_slot + 1) % CACHE_MAX;
	if (ncache < CACHE_MAX)
		ncache++;
	ce->dev = st.st_dev;
	ce->ino = st.st_ino;
	ce->size = st.st_size;
	ce->mtime = st.st_mtim;
	ce->result = r;
	snprintf(ce->why, sizeof(ce->why), "%s", why);
	return r;
}
