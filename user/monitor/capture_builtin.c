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

#include <bpf/libbpf.h>

#include "builtin_audit.skel.h"
#include "capture_builtin.h"
#include "capture_usdt.h"

#define LINKS_MAX 64

struct pyx_builtin {
	struct builtin_audit_bpf *skel;
	struct ring_buffer *rb;
	struct pyx_usdt_specs *specs; /* uprobe_multi links (capture_usdt.h), or libbpf's */
	struct {
		pid_t pid;
		struct bpf_link *link;
		struct pyx_usdt_link ulink;
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
	unsigned int i;
	int err;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (i = 0; i < LINKS_MAX; i++)
		b->links[i].ulink.fd = -1;
	b->skel = builtin_audit_bpf__open();
	if (!b->skel) {
		err = -errno;
		goto cleanup;
	}
	if (pyx_usdt_multi_supported())
		pyx_usdt_prepare(b->skel->progs.pyx_builtin_audit);
	err = builtin_audit_bpf__load(b->skel);
	if (err)
		goto cleanup;
	if (pyx_usdt_multi_supported()) {
		err = pyx_usdt_specs_new(b->skel->obj, &b->specs);
		if (err)
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

bool pyx_builtin_has_probe(const char *image)
{
	struct pyx_usdt_sites sites;
	bool found = false;
	struct stat st;
	char self[64];
	size_t i;
	int fd;

	/* O_PATH never blocks; only a regular file is read (a FIFO swapped in is refused) */
	fd = open(image, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (!pyx_usdt_read(self, &sites)) {
		for (i = 0; i < sites.n && !found; i++)
			found = !strcmp(sites.site[i].provider, "python") &&
				!strcmp(sites.site[i].name, "audit");
		pyx_usdt_sites_free(&sites);
	}
	close(fd);
	return found;
}

/* CPython's one probe, with this process's pid as the only filter. */
static int attach_multi(struct pyx_builtin *b, unsigned int slot, pid_t pid, const char *self)
{
	static const struct pyx_usdt_want want = { "audit", 0 };
	struct pyx_usdt_sites sites;
	int err;

	err = pyx_usdt_read(self, &sites);
	if (err)
		return err;
	err = pyx_usdt_attach(b->specs, b->skel->progs.pyx_builtin_audit, pid, self, &sites,
			      "python", &want, 1, &b->links[slot].ulink);
	pyx_usdt_sites_free(&sites);
	if (!err)
		b->links[slot].pid = pid;
	return err;
}

int pyx_builtin_attach(struct pyx_builtin *b, pid_t pid, const char *exe)
{
	struct bpf_link *link;
	struct stat st;
	char self[64];
	unsigned int i;
	int fd, err;

	for (i = 0; i < LINKS_MAX && (b->links[i].link || b->links[i].ulink.fd >= 0); i++)
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
	if (b->specs) {
		err = attach_multi(b, i, pid, self);
		close(fd);
		return err;
	}
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
		if ((b->links[i].link || b->links[i].ulink.fd >= 0) && b->links[i].pid == pid) {
			bpf_link__destroy(b->links[i].link);
			b->links[i].link = NULL;
			pyx_usdt_detach(b->specs, &b->links[i].ulink);
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
	for (i = 0; i < LINKS_MAX; i++) {
		bpf_link__destroy(b->links[i].link);
		pyx_usdt_detach(b->specs, &b->links[i].ulink);
	}
	pyx_usdt_specs_free(b->specs);
	ring_buffer__free(b->rb);
	builtin_audit_bpf__destroy(b->skel);
	free(b);
}
