// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* CPython's built-in python:audit probe for blind spots (capture_builtin.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/types.h>

#include <gelf.h>
#include <libelf.h>

#include <bpf/libbpf.h>

#include "builtin_audit.skel.h"
#include "capture_builtin.h"

#define LINKS_MAX 64

struct pyx_builtin {
	struct builtin_audit_bpf *skel;
	struct ring_buffer *rb;
	struct {
		pid_t pid;
		struct bpf_link *link;
	} links[LINKS_MAX];
	pyx_builtin_fn fn;
	void *ctx;
};

static int on_rec(void *ctx, void *data, size_t size)
{
	struct pyx_builtin *b = ctx;
	const struct pyx_builtin_rec *r = data;
	char name[PYX_BUILTIN_NAME_MAX];

	if (size < sizeof(*r))
		return 0;
	/* the ring is mapped read-only for its consumer: terminate a copy */
	memcpy(name, r->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	if (b->fn)
		b->fn(b->ctx, r->pid, name);
	return 0;
}

int pyx_builtin_open(struct pyx_builtin **out, bool verbose)
{
	struct pyx_builtin *b;
	int err;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->skel = builtin_audit_bpf__open_and_load();
	if (!b->skel) {
		err = -errno;
		goto cleanup;
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.pyx_builtin_rb), on_rec, b, NULL);
	if (!b->rb) {
		err = -errno;
		goto cleanup;
	}
	*out = b;
	return 0;
cleanup:
	if (verbose)
		fprintf(stderr, "pyxcheck: python:audit probe unavailable: %s\n", strerror(-err));
	pyx_builtin_destroy(b);
	return err;
}

/* A stapsdt note's descriptor: three addresses, then "provider\0name\0args\0". */
static bool note_is_python_audit(const char *desc, size_t len)
{
	static const char want[] = "python\0audit";
	size_t off = 3 * sizeof(uint64_t);

	return len > off + sizeof(want) && !memcmp(desc + off, want, sizeof(want));
}

bool pyx_builtin_has_probe(const char *image)
{
	Elf_Scn *scn = NULL;
	bool found = false;
	struct stat st;
	char self[64];
	size_t shstrndx;
	Elf *elf = NULL;
	int fd, rfd;

	/* O_PATH never blocks; only a regular file is read (a FIFO swapped in is refused) */
	fd = open(image, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	rfd = open(self, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	close(fd);
	if (rfd < 0)
		return false;
	if (elf_version(EV_CURRENT) == EV_NONE)
		goto out;
	elf = elf_begin(rfd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	while (!found && (scn = elf_nextscn(elf, scn))) {
		size_t noff = 0, name_off, desc_off;
		Elf_Data *data;
		GElf_Shdr sh;
		GElf_Nhdr nh;
		const char *sname;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, ".note.stapsdt"))
			continue;
		data = elf_getdata(scn, NULL);
		while (data && !found &&
		       (noff = gelf_getnote(data, noff, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == 3 && nh.n_namesz == sizeof("stapsdt") &&
			    !memcmp((const char *)data->d_buf + name_off, "stapsdt", nh.n_namesz))
				found = note_is_python_audit((const char *)data->d_buf + desc_off,
							     nh.n_descsz);
		}
	}
out:
	elf_end(elf);
	close(rfd);
	return found;
}

int pyx_builtin_attach(struct pyx_builtin *b, pid_t pid, const char *exe)
{
	struct bpf_link *link;
	struct stat st;
	char self[64];
	unsigned int i;
	int fd, err;

	for (i = 0; i < LINKS_MAX && b->links[i].link; i++)
		;
	if (i == LINKS_MAX)
		return -ENOSPC;
	/*
	 * libbpf opens the file to read its notes: hand it our own descriptor of a regular file
	 * (exe is a /proc link to what the process runs; an O_PATH open never blocks), so it can
	 * neither block on a FIFO nor read anything but the inode that was checked.
	 */
	fd = open(exe, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	link = bpf_program__attach_usdt(b->skel->progs.pyx_builtin_audit, pid, self, "python",
					"audit", NULL);
	err = -errno;
	close(fd);
	if (!link)
		return err;
	b->links[i].pid = pid;
	b->links[i].link = link;
	return 0;
}

void pyx_builtin_detach(struct pyx_builtin *b, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < LINKS_MAX; i++) {
		if (b->links[i].link && b->links[i].pid == pid) {
			bpf_link__destroy(b->links[i].link);
			b->links[i].link = NULL;
		}
	}
}

int pyx_builtin_poll(struct pyx_builtin *b, pyx_builtin_fn fn, void *ctx)
{
	b->fn = fn;
	b->ctx = ctx;
	return ring_buffer__consume(b->rb);
}

void pyx_builtin_destroy(struct pyx_builtin *b)
{
	unsigned int i;

	if (!b)
		return;
	for (i = 0; i < LINKS_MAX; i++)
		bpf_link__destroy(b->links[i].link);
	ring_buffer__free(b->rb);
	builtin_audit_bpf__destroy(b->skel);
	free(b);
}
