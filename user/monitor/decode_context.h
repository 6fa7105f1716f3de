/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Process context for the JSON records (issue 11), as Tetragon gives it: a `process` object
 * (exec_id, pid, tid, ppid, uids, exe, argv, cwd, cgroup, container, pid namespace) and a `parent`
 * object (exec_id, pid, exe) on every record of a monitored process. docs/json-schema.md.
 *
 * Computed once per exec (or fork) when its process record arrives from the ring buffer, from the
 * record (what the kernel gave at exec: uids, pid namespace, argv, cgroup id) and a few /proc reads
 * that never touch memory the process controls; cached per process and versioned by time, since
 * the correlator writes records up to seconds after they arrived: a record is given the context
 * of the exec that was current at its `ts`.
 */
#ifndef PYX_DECODE_CONTEXT_H
#define PYX_DECODE_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "out_buf.h"

struct pyx_pctx;

/* procfs: "/proc" when NULL. node and boot_id: NULL to read gethostname() and
 * /proc/sys/kernel/random/boot_id. 0 or -errno. */
int pyx_pctx_new(struct pyx_pctx **out, const char *procfs, const char *node, const char *boot_id);
void pyx_pctx_free(struct pyx_pctx *pc);

/* Where a process the monitor did not see exec may still have its exec record (the kernel side's
 * exec_ctx map with -a): fn copies it into buf and returns its size, or 0. */
typedef size_t (*pyx_pctx_exec_fn)(void *ctx, uint32_t pid, void *buf, size_t size);
void pyx_pctx_set_exec_lookup(struct pyx_pctx *pc, pyx_pctx_exec_fn fn, void *ctx);

/* Every ring-buffer record, when it arrives (before the correlator holds it): process records
 * update the cache; a record of a process the cache does not know reads it from /proc. */
void pyx_pctx_record(struct pyx_pctx *pc, const void *rec, size_t size);

/* Append ,"process":{...},"parent":{...} for the record of pid/tid at ts; nothing when the
 * process is unknown. Never reads /proc. */
void pyx_pctx_json(struct pyx_pctx *pc, struct pyx_buf *b, uint32_t pid, uint32_t tid, uint64_t ts);

/* The container a cgroup v2 path names (docker, containerd, cri-o, podman, kubernetes, lxc,
 * systemd-nspawn): id into id (NUL-terminated) and the runtime's name; the innermost match wins.
 * unit: the innermost systemd unit (.scope or .service) or NULL. Returns 1 when a container was
 * found, 0 otherwise. */
int pyx_container_parse(const char *path, char *id, size_t id_size, const char **runtime,
			char *unit, size_t unit_size);

/* The exec_id text for these parts (base64 of "node:boot_id:start_ns:pid"). */
void pyx_exec_id(char *out, size_t size, const char *node, const char *boot_id, uint64_t start_ns,
		 uint32_t pid);

#endif /* PYX_DECODE_CONTEXT_H */
