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

/* Everything of the header but comm. Identity comes from helpers (or, pyx_fill_hdr_task() in
 * pyxcheck.bpf.c, the current task's own fields), never from anything the traced process wrote.
 * ts_ns: a bpf_ktime_get_ns() the caller has taken already (one clock read less; see
 * pyx_fill_hdr()); id: the bpf_get_current_pid_tgid() it has taken already. */
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
