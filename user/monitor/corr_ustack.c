// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * User stacks of unaudited syscalls, named library+offset (issue 9). The kernel gives each frame
 * as the build ID and file offset of the file mapped there (BPF_F_USER_BUILD_ID), which stays
 * true after the process is gone (records reach the monitor late under load). The build IDs are
 * named from the files the monitor saw mapped executable (pyx_ustack_learn(): the correlator
 * calls it for each exec mmap of an fd whose path it knows, and for each exec'd file). A frame
 * without a build ID (anonymous code) is looked up in /proc/PID/maps, cached per process and
 * dropped on exec and exit; when the process is gone it stays a raw address, and a note says so.
 *
 * The frame-pointer walk ends in glibc and CPython, built without frame pointers. For a finding
 * whose syscall left a stack dump (registers and the top stack pages, pyxcheck_syscall.h), the
 * stack is unwound with the DWARF CFI of the process's libraries instead (corr_unwind.c). Records
 * reach the monitor in batches, often after a short-lived process is gone, so its executable
 * mappings are also kept from what was traced: each executable mmap of a file
 * (pyx_ustack_mapped(), which is how the loader maps every library), and the executable and the
 * dynamic loader that the kernel mapped at exec, placed by the auxiliary vector the dump carries
 * (AT_PHDR, AT_BASE). /proc/PID/maps, when it can still be read, replaces that model.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corr_ustack.h"
#include "corr_unwind.h"

#define MAPS_CACHED 32
#define MAPS_MAX 4096
#define BUILD_IDS 2048 /* files named by build ID; the oldest are forgotten first */
#define BUILD_ID_LEN 20

struct bid {
	uint8_t id[BUILD_ID_LEN];
	char *path;
};

struct map_ent {
	uint64_t start, end, off;
	char *path;
};

struct maps {
	uint32_t pid;
	uint64_t used;
	struct map_ent *v;
	unsigned int n;
	bool procread;       /* v is a /proc/PID/maps snapshot (plus mappings traced since) */
	struct pyx_unw *unw; /* the libraries as libdwfl modules, made at the first dump */
	bool unw_tried;
};

struct pyx_ustack {
	char procfs[64];
	struct maps m[MAPS_CACHED];
	uint64_t clock;
	struct bid bid[BUILD_IDS]; /* a ring */
	unsigned int nbid, next;
};

struct pyx_ustack *pyx_ustack_new(const char *procfs)
{
	struct pyx_ustack *u = calloc(1, sizeof(*u));

	if (u)
		snprintf(u->procfs, sizeof(u->procfs), "%s", procfs ? procfs : "/proc");
	return u;
}

static void maps_clear(struct maps *m)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	pyx_unw_free(m->unw);
	memset(m, 0, sizeof(*m));
}

void pyx_ustack_free(struct pyx_ustack *u)
{
	unsigned int i;

	if (!u)
		return;
	for (i = 0; i < MAPS_CACHED; i++)
		maps_clear(&u->m[i]);
	for (i = 0; i < u->nbid; i++)
		free(u->bid[i].path);
	free(u);
}

void pyx_ustack_forget(struct pyx_ustack *u, uint32_t pid)
{
	unsigned int i;

	for (i = 0; u && i < MAPS_CACHED; i++)
		if (u->m[i].v && u->m[i].pid == pid)
			maps_clear(&u->m[i]);
}

/* Executable file mappings only: that is where return addresses are. */
static int maps_read(struct pyx_ustack *u, struct maps *m, uint32_t pid)
{
	char path[96], line[4352], perms[8], file[4096];
	unsigned long long start, end, off;
	struct map_ent *v = NULL;
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/maps", u->procfs, pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < MAPS_MAX) {
		file[0] = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]", &start, &end, perms, &off,
			   file) < 4 ||
		    perms[2] != 'x')
			continue;
		if (!(n & 63)) {
			struct map_ent *nv = realloc(v, (n + 64) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n].start = start;
		v[n].end = end;
		v[n].off = off;
		v[n].path = strdup(file[0] ? file : "[anon]");
		n++;
	}
	fclose(f);
	if (!n) {
		/* a zombie's maps are empty: keep what the slot had */
		free(v);
		return -1;
	}
	maps_clear(m);
	m->pid = pid;
	m->v = v;
	m->n = n;
	m->used = ++u->clock;
	m->procread = true;
	return 0;
}

static int maps_add(struct maps *m, uint64_t start, uint64_t end, uint64_t off, const char *path)
{
	struct map_ent *nv;

	if (m->n >= MAPS_MAX)
		return -1;
	nv = realloc(m->v, (m->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	m->v = nv;
	nv[m->n] = (struct map_ent){ start, end, off, strdup(path) };
	if (!nv[m->n].path)
		return -1;
	m->n++;
	/* the modules change: made again at the next dump */
	pyx_unw_free(m->unw);
	m->unw = NULL;
	m->unw_tried = false;
	return 0;
}

static const struct map_ent *maps_find(const struct maps *m, uint64_t ip)
{
	unsigned int i;

	/* newest first: a traced mapping replaces what was there */
	for (i = m->n; i-- > 0;)
		if (ip >= m->v[i].start && ip < m->v[i].end)
			return &m->v[i];
	return NULL;
}

static struct maps *maps_cached(struct pyx_ustack *u, uint32_t pid, struct maps **lru)
{
	unsigned int i;

	*lru = &u->m[0];
	for (i = 0; i < MAPS_CACHED; i++) {
		if (u->m[i].v && u->m[i].pid == pid) {
			u->m[i].used = ++u->clock;
			return &u->m[i];
		}
		if (u->m[i].used < (*lru)->used)
			*lru = &u->m[i];
	}
	return NULL;
}

/* The maps of pid: /proc/PID/maps read once, or what was traced of a process already gone. */
static struct maps *maps_get(struct pyx_ustack *u, uint32_t pid, bool *fresh)
{
	struct maps *lru, *m = maps_cached(u, pid, &lru);

	*fresh = false;
	if (m && m->procread)
		return m;
	if (maps_read(u, m ? m : lru, pid))
		return m; /* the traced model, or nothing */
	*fresh = true;
	return m ? m : lru;
}

void pyx_ustack_mapped(struct pyx_ustack *u, uint32_t pid, uint64_t start, uint64_t len,
		       uint64_t off, const char *path)
{
	struct maps *lru, *m;

	if (!u || !path || path[0] != '/' || !len)
		return;
	m = maps_cached(u, pid, &lru);
	if (!m) {
		m = lru;
		maps_clear(m);
		m->pid = pid;
		m->used = ++u->clock;
	}
	maps_add(m, start, start + len, off, path);
}

/* The executable and its dynamic loader, mapped by the kernel at exec: placed from the dump's
 * auxiliary vector unless the maps already hold them. */
static void maps_add_images(struct maps *m, const char *exe, const struct pyx_ustack_dump *d)
{
	struct pyx_unw_map seg[8];
	uint64_t phdr = 0, at_base = 0;
	char interp[256], real[4096];
	unsigned int i, n;

	for (i = 0; i + 1 < PYX_USTACK_AUXV && d->auxv[i]; i += 2) {
		if (d->auxv[i] == 3) /* AT_PHDR */
			phdr = d->auxv[i + 1];
		else if (d->auxv[i] == 7) /* AT_BASE */
			at_base = d->auxv[i + 1];
	}
	interp[0] = 0;
	if (exe && phdr && realpath(exe, real)) {
		n = pyx_unw_image(real, phdr, 0, seg, 8, interp, sizeof(interp));
		for (i = 0; i < n; i++)
			if (!maps_find(m, seg[i].start))
				maps_add(m, seg[i].start, seg[i].end, seg[i].off, real);
	}
	if (interp[0] && at_base && realpath(interp, real)) {
		n = pyx_unw_image(real, 0, at_base, seg, 8, NULL, 0);
		for (i = 0; i < n; i++)
			if (!maps_find(m, seg[i].start))
				maps_add(m, seg[i].start, seg[i].end, seg[i].off, real);
	}
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Known native callers whose syscalls CPython or glibc make without an audit event: named as
 * information for the reader, never an exemption. */
static const char *origin_of(const char *lib)
{
	static const struct {
		const char *prefix, *origin;
	} known[] = {
		{ "_multiprocessing.", "multiprocessing (C): glibc sem_open/sem_unlink" },
		{ "_posixsubprocess.", "subprocess/multiprocessing (C): fork_exec" },
		{ "libnss_", "glibc NSS module" },
		{ "libgcc_s.", "glibc unwinder (thread exit)" },
		{ "libsqlite3.", "sqlite3 library" },
		{ "_sqlite3.", "sqlite3 module (C)" },
		{ "_ctypes.", "ctypes: a C function called from Python" },
		{ "ld-linux", "dynamic loader" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strncmp(lib, known[i].prefix, strlen(known[i].prefix)))
			return known[i].origin;
	return NULL;
}

/* The GNU build ID of an ELF64 file, from its PT_NOTE segments: 0 when found. */
static int read_build_id(const char *path, uint8_t id[BUILD_ID_LEN])
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t note[2048];
	unsigned int i;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph) || eh.e_phnum > 64)
		goto out;
	for (i = 0; i < eh.e_phnum && ret; i++) {
		size_t n, at = 0;
		ssize_t got;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph) ||
		    ph.p_type != PT_NOTE)
			continue;
		n = ph.p_filesz < sizeof(note) ? ph.p_filesz : sizeof(note);
		got = pread(fd, note, n, ph.p_offset);
		if (got < 0)
			continue;
		n = (size_t)got;
		while (at + sizeof(Elf64_Nhdr) <= n) {
			Elf64_Nhdr nh;
			size_t name, desc;

			memcpy(&nh, note + at, sizeof(nh));
			name = at + sizeof(nh);
			desc = name + ((nh.n_namesz + 3) & ~3u);
			if (desc + nh.n_descsz > n)
				break;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp(note + name, "GNU", 4) && nh.n_descsz <= BUILD_ID_LEN) {
				memset(id, 0,
				       BUILD_ID_LEN); /* the kernel pads short IDs with zeros */
				memcpy(id, note + desc, nh.n_descsz);
				ret = 0;
				break;
			}
			at = desc + ((nh.n_descsz + 3) & ~3u);
		}
	}
out:
	close(fd);
	return ret;
}

void pyx_ustack_learn(struct pyx_ustack *u, const char *path)
{
	uint8_t id[BUILD_ID_LEN];
	unsigned int i;
	struct bid *b;
	char *copy;

	if (!u || !path || path[0] != '/')
		return;
	for (i = 0; i < u->nbid; i++)
		if (!strcmp(u->bid[i].path, path))
			return;
	if (read_build_id(path, id) || !(copy = strdup(path)))
		return;
	b = &u->bid[u->next];
	if (u->nbid < BUILD_IDS)
		u->nbid++;
	else
		free(b->path);
	memcpy(b->id, id, sizeof(id));
	b->path = copy;
	u->next = (u->next + 1) % BUILD_IDS;
}

static const char *bid_name(const struct pyx_ustack *u, const uint8_t *id)
{
	unsigned int i;

	for (i = 0; i < u->nbid; i++)
		if (!memcmp(u->bid[i].id, id, BUILD_ID_LEN))
			return u->bid[i].path;
	return NULL;
}

/* Unwind dump d with the maps of pid: 0 when it gave no frame (no maps, no module at ip). */
static unsigned int resolve_dump(struct pyx_ustack *u, uint32_t pid, const char *exe,
				 const struct pyx_ustack_dump *d, struct pyx_ustack_text *out)
{
	struct pyx_unw_frame fr[PYX_USTACK_TEXT_MAX];
	const struct map_ent *e0;
	const char *entry = NULL, *known;
	bool run = true;
	struct maps *lru, *m;
	bool fresh;
	unsigned int i, n;

	m = maps_get(u, pid, &fresh);
	if (!m) {
		/* nothing traced, nothing to read: the images the kernel mapped may do */
		maps_cached(u, pid, &lru);
		m = lru;
		maps_clear(m);
		m->pid = pid;
		m->used = ++u->clock;
	}
	if (!m->procread)
		maps_add_images(m, exe, d);
	if (!m->n)
		return 0;
	if (!m->unw && !m->unw_tried) {
		struct pyx_unw_map *um = calloc(m->n, sizeof(*um));

		m->unw_tried = true;
		if (!um)
			return 0;
		for (i = 0; i < m->n; i++)
			um[i] = (struct pyx_unw_map){ m->v[i].start, m->v[i].end, m->v[i].off,
						      m->v[i].path };
		m->unw = pyx_unw_new(um, m->n);
		free(um);
	}
	n = pyx_unw_walk(m->unw, d->tid, d, fr, PYX_USTACK_TEXT_MAX);
	if (!n || !(e0 = maps_find(m, fr[0].pc)))
		return 0;
	for (i = 0; i < n; i++) {
		const struct map_ent *e = maps_find(m, i ? fr[i].pc - 1 : fr[i].pc);
		char *t = out->frames[i];
		size_t tn = sizeof(out->frames[i]);
		int w;

		if (!e) {
			snprintf(t, tn, "0x%llx", (unsigned long long)fr[i].pc);
			continue;
		}
		w = snprintf(t, tn, "%s+0x%llx", base(e->path),
			     (unsigned long long)(fr[i].pc - e->start + e->off));
		if (fr[i].sym && w > 0 && (size_t)w < tn)
			snprintf(t + w, tn - w, " %s+0x%llx", fr[i].sym,
				 (unsigned long long)fr[i].symoff);
		/* the C library function called from outside it: sem_open for its open */
		run = run && e->path == e0->path;
		if (i && run && fr[i].sym && !strncmp(base(e->path), "libc.so", 7))
			entry = fr[i].sym;
		if (i && !out->origin[0] && (known = origin_of(base(e->path))))
			snprintf(out->origin, sizeof(out->origin),
				 entry ? "%s (through glibc %s)" : "%s", known, entry);
	}
	return n;
}

void pyx_ustack_resolve(struct pyx_ustack *u, uint32_t pid, const char *exe,
			const struct pyx_ustack_frame *f, unsigned int n,
			const struct pyx_ustack_dump *d, struct pyx_ustack_text *out)
{
	struct maps *m = NULL;
	bool fresh = false, tried = false;
	unsigned int i, k;

	memset(out, 0, sizeof(*out));
	if (!u || !n)
		return;
	if (d && d->len) {
		out->n = resolve_dump(u, pid, exe, d, out);
		if (out->n)
			return;
		memset(out, 0, sizeof(*out));
	}
	for (i = 0; i < n && i < PYX_USTACK_MAX && f[i].status != PYX_USF_EMPTY; i++) {
		char *t = out->frames[i];
		size_t tn = sizeof(out->frames[i]);
		const char *name = NULL;

		/* Frames after the first follow frame pointers: one in no mapped file is where the
		 * chain ran into code built without them (glibc, CPython); what follows is noise. */
		if (i && f[i].status != PYX_USF_VALID) {
			if (!out->note[0])
				snprintf(out->note, sizeof(out->note),
					 "walk ends after %u frame%s (no frame pointer)", i,
					 i == 1 ? "" : "s");
			break;
		}
		if (f[i].status == PYX_USF_VALID) {
			name = bid_name(u, f[i].build_id);
			if (name) {
				snprintf(t, tn, "%s+0x%llx", base(name),
					 (unsigned long long)f[i].off_or_ip);
			} else {
				int w = snprintf(t, tn, "build-id:");

				for (k = 0; k < BUILD_ID_LEN && w + 2 < (int)tn; k++)
					w += snprintf(t + w, tn - w, "%02x", f[i].build_id[k]);
				snprintf(t + w, tn - w, "+0x%llx",
					 (unsigned long long)f[i].off_or_ip);
			}
		} else {
			const struct map_ent *e = NULL;

			if (!tried) {
				tried = true;
				m = maps_get(u, pid, &fresh);
				if (!m || !m->n)
					snprintf(out->note, sizeof(out->note),
						 "process %u gone: raw addresses not resolved",
						 pid);
			}
			if (m)
				e = maps_find(m, f[i].off_or_ip);
			if (m && !e && !fresh && !maps_read(u, m, pid)) {
				fresh = true; /* mapped since the maps were read */
				e = maps_find(m, f[i].off_or_ip);
			}
			if (e) {
				name = e->path;
				snprintf(t, tn, "%s+0x%llx", base(e->path),
					 (unsigned long long)(f[i].off_or_ip - e->start + e->off));
			} else {
				snprintf(t, tn, "0x%llx", (unsigned long long)f[i].off_or_ip);
			}
		}
		if (name && i && !out->origin[0] && origin_of(base(name)))
			snprintf(out->origin, sizeof(out->origin), "%s", origin_of(base(name)));
	}
	out->n = i;
}
