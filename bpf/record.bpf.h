/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every pyxcheck BPF program does the same way: fill a record header from the kernel's own
 * view of the current task, and take a per-CPU scratch buffer safely.
 *
 * Scratch buffers: records are built in BPF_MAP_TYPE_PERCPU_ARRAY buffers and sent with
 * bpf_ringbuf_output(). Uprobe programs (and, on recent kernels, syscall tracepoint programs) run
 * preemptibly, under migrate_disable() only, so two tasks on one CPU can be inside the same
 * program at once. Each CPU therefore has PYX_SCRATCH_SLOTS buffers and one busy word per buffer,
 * taken with an atomic exchange and given back after the output; when every slot is held the
 * caller counts the record as lost, so losses stay exact.
 *
 * Include after vmlinux.h, bpf_helpers.h and pyxcheck_wire.h.
 */
#ifndef PYX_RECORD_BPF_H
#define PYX_RECORD_BPF_H

#include <bpf/bpf_core_read.h>

#define PYX_SCRATCH_SLOTS 4 /* a power of two (pyx_scratch_take()) */

/* Everything of the header but comm. Identity comes from helpers (or, pyx_fill_hdr_task(), the
 * current task's own fields), never from anything the traced process wrote. ts_ns: a
 * bpf_ktime_get_ns() the caller has taken already (one clock read less; see pyx_fill_hdr()); id:
 * the bpf_get_current_pid_tgid() it has taken already. */
static __always_inline void pyx_fill_hdr_ids(struct pyx_rec_hdr *h, __u16 type, __u32 size,
					     __u64 ts_ns, __u64 id)
{
	h->size = size;
	h->type = type;
	h->flags = 0;
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->_pad0 = 0;
	h->ts_ns = ts_ns;
	h->cgroup_id = bpf_get_current_cgroup_id();
}

static __always_inline void pyx_fill_hdr_id(struct pyx_rec_hdr *h, __u16 type, __u32 size,
					    __u64 ts_ns, __u64 id)
{
	pyx_fill_hdr_ids(h, type, size, ts_ns, id);
	__builtin_memset(h->comm, 0, sizeof(h->comm));
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* bpf_rdonly_cast() (Linux 6.2): weak, so that an object whose loaded programs do not call it
 * loads on older kernels too (bpf/pyxcheck.bpf.c, raw_regs()). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The kernel's BTF id of struct task_struct for bpf_rdonly_cast(), found by the loader's own walk
 * of the kernel's BTF (user/monitor/capture_btf.c). Not bpf_core_type_id_kernel(): that is a
 * CO-RE relocation against libbpf's target BTF, which is the loader's extract of the kernel's, with
 * ids of its own. Read-only data: the verifier knows the value, as the kfunc requires. */
const volatile __u32 kernel_btf_task_struct = 0;

/* pyx_fill_hdr_ids() with the uid and the cgroup id read by direct loads where the helpers read
 * them (current_cred()->uid, which init_user_ns maps to itself, and the default hierarchy's
 * task->cgroups->dfl_cgrp->kn->id), without their two calls (each call's return pays this machine
 * kind's return-thunk mitigation: ~0.13 us per record). Through the task retyped by
 * bpf_rdonly_cast(): a pointer loaded through an untrusted one is untrusted too, so the verifier
 * types each nested load by its BTF offset alone, where from the trusted task pointer it searched
 * the kernel's BTF by name (btf_nested_type_is_trusted) at each one, +0.2-0.4 s at every start
 * (docs/benchmarks.md). The loads are exception-handled: a pointer that is not there reads 0.
 * Only programs that load where bpf_rdonly_cast() exists call it (pyx_fill_hdr_task()'s cast). */
static __always_inline void pyx_fill_hdr_cast(struct pyx_rec_hdr *h, __u16 type, __u32 size,
					      __u64 ts_ns, __u64 id, struct task_struct *task)
{
	struct task_struct *t = bpf_rdonly_cast(task, kernel_btf_task_struct);

	h->size = size;
	h->type = type;
	h->flags = 0;
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->uid = t->cred->uid.val;
	h->_pad0 = 0;
	h->ts_ns = ts_ns;
	h->cgroup_id = t->cgroups->dfl_cgrp->kn->id;
}

/* pyx_fill_hdr_id() where the caller holds the current task's BTF pointer: comm is the task's own
 * field, read by direct loads at this moment where bpf_get_current_comm() would read it, without
 * its call (on this machine kind every call's return pays the return-thunk mitigation). uid and
 * cgroup: with cast, by direct loads through the retyped task (pyx_fill_hdr_cast()); without, by
 * their helpers. Loaded through the trusted task pointer itself (task->cred->uid), every nested
 * pointer load costs the verifier a search of the kernel's BTF by name
 * (btf_nested_type_is_trusted), at each of the many inlined call sites and states: +0.2-0.3 s of
 * kernel time at every load, which doubled `pyxcheck -- /bin/true` (docs/benchmarks.md). Nothing
 * is cached: a setuid, a cgroup move or a prctl(PR_SET_NAME) shows in the next record. */
static __always_inline void pyx_fill_hdr_task(struct pyx_rec_hdr *h, __u16 type, __u32 size,
					      __u64 ts_ns, __u64 id, struct task_struct *task,
					      bool cast)
{
	const __u64 *comm = (const __u64 *)task->comm;

	if (cast)
		pyx_fill_hdr_cast(h, type, size, ts_ns, id, task);
	else
		pyx_fill_hdr_ids(h, type, size, ts_ns, id);
	/* TASK_COMM_LEN bytes, NUL-terminated and padded by the kernel (strscpy_pad) */
	((__u64 *)h->comm)[0] = comm[0];
	((__u64 *)h->comm)[1] = comm[1];
}
_Static_assert(sizeof(((struct task_struct *)0)->comm) == PYX_COMM_LEN, "comm is two words");

/* bpf_get_current_pid_tgid() of the current task from its BTF pointer by direct loads: the helper
 * returns these two fields (global ids, not a namespace's), without the call (see above). */
static __always_inline __u64 pyx_task_pid_tgid(const struct task_struct *task)
{
	return (__u64)task->tgid << 32 | (__u32)task->pid;
}

/* id: the bpf_get_current_pid_tgid() the caller has taken already (one helper call less). */
static __always_inline void pyx_fill_hdr_at(struct pyx_rec_hdr *h, __u16 type, __u32 size,
					    __u64 ts_ns)
{
	pyx_fill_hdr_id(h, type, size, ts_ns, bpf_get_current_pid_tgid());
}

static __always_inline void pyx_fill_hdr(struct pyx_rec_hdr *h, __u16 type, __u32 size)
{
	pyx_fill_hdr_at(h, type, size, bpf_ktime_get_ns());
}

/* Always 0, in .bss: a value the verifier cannot know (pyx_scratch_take()); static, so that an
 * object that takes no scratch slot has no .bss for it. */
static __u32 pyx_scratch_zero;

/* The first free slot of `map` on this CPU, or NULL when all are held. busy_words are this CPU's
 * PYX_SCRATCH_SLOTS busy words for that map; on success *busy is the slot's word, to hand to
 * pyx_scratch_put() once the record has been sent. */
static __always_inline void *pyx_scratch_take(void *map, __u64 *busy_words, __u64 **busy)
{
	__u32 i, key, at;
	__u64 *w;
	void *b;

	*busy = NULL;
	for (i = 0; i < PYX_SCRATCH_SLOTS; i++) {
		/* Slot i, at an index the verifier knows only as one of the slots': with a
		 * constant one per slot, everything the caller does with the buffer was verified
		 * once per slot (states that differ in *busy's offset are never pruned); this way
		 * once. Taken here, before the word is, so that no path out carries i. */
		at = (i + *(volatile __u32 *)&pyx_scratch_zero) & (PYX_SCRATCH_SLOTS - 1);
		/* The key goes to the helper through the stack, where the verifier loses its bound. */
		w = &busy_words[at];
		key = at;
		if (__atomic_exchange_n(w, 1, __ATOMIC_SEQ_CST))
			continue;
		b = bpf_map_lookup_elem(map, &key);
		if (b) {
			*busy = w;
			return b;
		}
		__atomic_exchange_n(w, 0, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* A sequentially consistent exchange, not a store: clang 14 cannot emit a BPF atomic store (and
 * turns an unused release exchange into one), and the release must not move before the output
 * that reads the buffer. */
static __always_inline void pyx_scratch_put(__u64 *busy)
{
	if (busy)
		__atomic_exchange_n(busy, 0, __ATOMIC_SEQ_CST);
}

#endif /* PYX_RECORD_BPF_H */
