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
 * size classes in the ring), each CPU has PYX_SCRATCH_SLOTS buffers, each owned by whoever took its
 * busy word with an atomic exchange; a hit that finds every slot taken counts as lost_records.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "pyxcheck_wire.h"
#include "record.bpf.h"

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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PYX_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct scratch_busy {
	__u64 busy[PYX_SCRATCH_SLOTS]; /* 1 while a hit builds its record in that slot */
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

/* A scratch slot on this CPU (see record.bpf.h), or NULL when all are held. */
static __always_inline struct scratch *scratch_take(__u64 **busy)
{
	struct scratch_busy *g;
	__u32 zero = 0;

	*busy = NULL;
	g = bpf_map_lookup_elem(&scratch_guard, &zero);
	if (!g)
		return NULL;
	return pyx_scratch_take(&scratch_map, g->busy, busy);
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
	pyx_fill_hdr(&rec->hdr, PYX_REC_AUDIT, 0);
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
	pyx_scratch_put(busy);
	return 0;
}

/* The lifecycle record has no field for the probe's own pid argument (the kernel's pid is in the
 * header); the tap carries it in the header's padding so that tests can compare the two. */
static __always_inline int emit_lifecycle(struct pyx_rec_lifecycle *rec, __u32 claimed_pid)
{
	pyx_fill_hdr(&rec->hdr, PYX_REC_LIFECYCLE, sizeof(*rec));
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
