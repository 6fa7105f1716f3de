/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * USDT probes attached through uprobe_multi links (capture_usdt.c).
 *
 * libbpf 1.1.2 attaches a USDT probe as one perf-event uprobe per site. Closing a perf event
 * waits for two RCU-tasks-trace grace periods under the kernel's event_mutex, so the monitor's
 * ~40 sites took ~6 s to detach, and every other monitor on the machine waited behind that to
 * attach. A uprobe_multi link (Linux 6.6) carries every site of one program in one binary, with a
 * cookie and a semaphore per site, takes no event_mutex and detaches with one grace period.
 *
 * The BPF side is unchanged: its programs use libbpf's usdt.bpf.h, and this file fills that
 * header's spec map the way libbpf does (the attach cookie is the spec id).
 */
#ifndef PYX_CAPTURE_USDT_H
#define PYX_CAPTURE_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_object;
struct bpf_program;

/* One stapsdt note of a binary: where its site is in the file, and its argument text. */
struct pyx_usdt_site {
	char provider[32];
	char name[32];
	uint64_t offset;      /* file offset of the probe's nop */
	uint64_t ref_ctr_off; /* file offset of its semaphore, 0 if none */
	char args[128];
};

struct pyx_usdt_sites {
	struct pyx_usdt_site *site;
	size_t n;
};

/* Read the stapsdt notes of the file at path (opened read only, never blocking). */
int pyx_usdt_read(const char *path, struct pyx_usdt_sites *out);
void pyx_usdt_sites_free(struct pyx_usdt_sites *s);

/* Whether this kernel attaches uprobe_multi links (probed once; PYXCHECK_NO_UPROBE_MULTI=1 says no,
 * to run the libbpf path). */
bool pyx_usdt_multi_supported(void);

/* Before the object is loaded: make prog attachable by pyx_usdt_attach(). */
int pyx_usdt_prepare(struct bpf_program *prog);

/* The spec ids of one BPF object's __bpf_usdt_specs map, shared by its links. */
struct pyx_usdt_specs;
int pyx_usdt_specs_new(struct bpf_object *obj, struct pyx_usdt_specs **out);
void pyx_usdt_specs_free(struct pyx_usdt_specs *specs);

/* The probes one link serves, each told apart in the program by its usdt cookie. */
struct pyx_usdt_want {
	const char *name;
	uint64_t cookie;
};

struct pyx_usdt_link {
	int fd;
	size_t nspecs;
	int *spec_ids; /* released by pyx_usdt_detach() */
};

/*
 * Attach prog to every site of provider:want[i].name in path (pid 0 or -1: every process that maps
 * it). -ENOENT when no wanted probe is there; a probe whose arguments are not understood is an
 * error (-EINVAL), never a program reading the wrong registers.
 */
int pyx_usdt_attach(struct pyx_usdt_specs *specs, struct bpf_program *prog, pid_t pid,
		    const char *path, const struct pyx_usdt_sites *sites, const char *provider,
		    const struct pyx_usdt_want *want, size_t nwant, struct pyx_usdt_link *out);
void pyx_usdt_detach(struct pyx_usdt_specs *specs, struct pyx_usdt_link *link);

#endif
