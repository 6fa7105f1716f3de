// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck-tap, kernel side: a developer and test tool, independent of the monitor's programs.
 *
 * One program serves every category probe: user space attaches it once per (binary, category)
 * with the category as the USDT cookie. Each hit copies the hook's payload into a per-CPU scratch
 * record (8 KiB does not fit on the 512-byte BPF stack) and sends exactly the bytes it filled with
 * bpf_ringbuf_output(). A second program only counts hits of a classic probe (python:audit), so
 * that the benchmark can price a 1-byte probe site without any copying work on top.
 *
 * Per-CPU is not private: uprobe programs run under migrate_disable() and RCU-tasks-trace, so with
 * kernel preemption on, a task preempted inside tap_audit and another task on the same CPU would
 * share one scratch buffer. As in pyxcheck.bpf.c (whose header explains the choice over reserving
 * size classes in the ring), each CPU has SCRATCH_SLOTS buffers, each owned by whoever took its
 * busy word with an atomic exchange; a hit that finds every slot taken counts as lost_records.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "pyxcheck_wire.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AUDIT_REC_MAX (sizeof(struct pyx_rec_audit) + PYX_PAYLOAD_MAX)

/* Wake the reader only once this much is waiting: a wake-up per record caps the ring near
 * 1 M records/s and costs the traced process a wake-up each time. The reader also polls. */
#define WAKEUP_BYTES (256 * 1024)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} rb SEC(".maps");

struct scratch {
	__u8 buf[AUDIT_REC_MAX];
};

#define SCRATCH_SLOTS 4

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct scratch_busy {
	__u64 busy[SCRATCH_SLOTS]; /* 1 while a hit builds its record in that slot */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_busy);
} scratch_guard SEC(".maps");

__u64 lost_records = 0;
__u64 copy_failures = 0;
__u64 nop1_hits = 0;

static __always_inline __u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP
									  : BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_hdr(struct pyx_rec_hdr *hdr, __u32 size, __u16 type)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	hdr->size = size;
	hdr->type = type;
	hdr->flags = 0;
	hdr->pid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->uid = (__u32)bpf_get_current_uid_gid();
	hdr->_pad0 = 0;
	hdr->ts_ns = bpf_ktime_get_ns();
	hdr->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(hdr->comm, sizeof(hdr->comm));
}

/* The first free slot on this CPU (*busy its busy word, for scratch_put), or NULL. */
static __always_inline struct scratch *scratch_take(__u64 **busy)
{
	struct scratch_busy *g;
	__u32 zero = 0, i, key;
	struct scratch *s;
	__u64 *w;

	*busy = NULL;
	g = bpf_map_lookup_elem(&scratch_guard, &zero);
	if (!g)
		return NULL;
	for (i = 0; i < SCRATCH_SLOTS; i++) {
		/* The key goes to the helper through the stack, where the verifier loses i's bound. */
		w = &g->busy[i];
		key = i;
		if (__atomic_exchange_n(w, 1, __ATOMIC_SEQ_CST))
			continue;
		s = bpf_map_lookup_elem(&scratch_map, &key);
		if (s) {
			*busy = w;
			return s;
		}
		__atomic_exchange_n(w, 0, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* An exchange, not a store: clang 14 has no BPF atomic store (and makes an unused release
 * exchange one), and the slot must not be freed before the output has read it. */
static __always_inline void scratch_put(__u64 *busy)
{
	if (busy)
		__atomic_exchange_n(busy, 0, __ATOMIC_SEQ_CST);
}

SEC("usdt")
int BPF_USDT(tap_audit, __u32 event_id, const void *payload, __u32 payload_len)
{
	struct pyx_rec_audit *rec;
	__u64 len = payload_len;
	struct scratch *s;
	__u64 *busy;

	s = scratch_take(&busy);
	if (!s) {
		__sync_fetch_and_add(&lost_records, 1);
		return 0;
	}
	rec = (struct pyx_rec_audit *)s->buf;

	if (len > PYX_PAYLOAD_MAX)
		len = PYX_PAYLOAD_MAX;
	/* Keep clang from passing the unbounded original register to the helpers below. */
	barrier_var(len);
	fill_hdr(&rec->hdr, 0, PYX_REC_AUDIT);
	rec->event_id = event_id;
	rec->category = (__u32)bpf_usdt_cookie(ctx);
	rec->claimed_len = payload_len;
	if (bpf_probe_read_user(rec->payload, len, payload)) {
		/* Report the hit anyway: a payload that cannot be read is itself worth seeing. */
		__sync_fetch_and_add(&copy_failures, 1);
		rec->hdr.flags = PYX_AF_COPY_FAILED;
		len = 0;
	}
	rec->payload_len = len;
	rec->hdr.size = sizeof(*rec) + len;

	if (bpf_ringbuf_output(&rb, rec, sizeof(*rec) + len, wakeup_flags()))
		__sync_fetch_and_add(&lost_records, 1);
	scratch_put(busy);
	return 0;
}

/* The lifecycle record has no field for the probe's own pid argument (the kernel's pid is in the
 * header); the tap carries it in the header's padding so that tests can compare the two. */
static __always_inline int emit_lifecycle(struct pyx_rec_lifecycle *rec, __u32 claimed_pid)
{
	fill_hdr(&rec->hdr, sizeof(*rec), PYX_REC_LIFECYCLE);
	rec->hdr._pad0 = claimed_pid;
	if (bpf_ringbuf_output(&rb, rec, sizeof(*rec), wakeup_flags()))
		__sync_fetch_and_add(&lost_records, 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(tap_hook_start, __u32 pid, __u32 hexversion, __u32 delivery, int status)
{
	struct pyx_rec_lifecycle rec;

	__builtin_memset(&rec, 0, sizeof(rec));
	rec.kind = PYX_LC_HOOK_START;
	rec.py_hexversion = hexversion;
	rec.delivery = delivery;
	rec.status = status;
	return emit_lifecycle(&rec, pid);
}

SEC("usdt")
int BPF_USDT(tap_hook_stop, __u32 pid, __u64 events_seen, __u64 events_emitted)
{
	struct pyx_rec_lifecycle rec;

	__builtin_memset(&rec, 0, sizeof(rec));
	rec.kind = PYX_LC_HOOK_STOP;
	rec.events_seen = events_seen;
	rec.events_emitted = events_emitted;
	return emit_lifecycle(&rec, pid);
}

SEC("usdt")
int tap_nop1(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&nop1_hits, 1);
	return 0;
}
