// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck's kernel side. Three sources feed one ring buffer:
 *
 *   - USDT programs on the hook's probes (one per category, plus hook_start/hook_stop) copy the
 *     hook's payload into a struct pyx_rec_audit;
 *   - per-syscall tracepoints, or the two raw syscall tracepoints running the same bodies (see
 *     "The raw tracepoints" below), make one struct pyx_rec_syscall per traced syscall: the entry
 *     program stashes the raw arguments per thread, the exit program reads the user memory they
 *     point to (the kernel has faulted it in by then) and sends arguments, result and latency;
 *   - raw tracepoints on sched_process_fork/exec/exit keep the set of monitored processes (a
 *     hash of tgids) and send struct pyx_rec_process for the process tree;
 *   - raw tracepoints on io_uring_submit_req/complete report a ring's requests as the syscalls
 *     they stand for (issue 8, at the end of this file).
 *
 * Filtering happens here: every program returns at its first map lookup for a process that is not
 * monitored. A process is monitored when user space adds it, when a monitored process forks it,
 * or, in "all" mode, when it fires any pyxcheck probe.
 *
 * One MPSC ring for every stream: records keep the order in which CPUs committed them, which the
 * correlator relies on to put an audit event next to the syscalls it caused, and user space needs
 * one epoll source. Losses are counted per stream and per CPU, and reported in-band as
 * PYX_REC_LOST as soon as a record fits again. Wake-ups are batched: a record only wakes the
 * reader when the unread data passes wakeup_bytes; the reader also polls with a timeout.
 *
 * Scratch buffers and preemption. Records are built in per-CPU scratch buffers (they do not fit on
 * the 512-byte stack) and copied out with bpf_ringbuf_output(). Per-CPU is not private: uprobe
 * programs run under migrate_disable() and RCU-tasks-trace, i.e. preemptible, and so do syscall
 * tracepoint programs on kernels whose syscall tracepoints may fault (6.13+). With preemption on
 * (CONFIG_PREEMPTION, preempt=full or lazy), a second task on the same CPU can enter a program
 * while the first is preempted inside it, and both would write one buffer: a record mixing two.
 *
 * So each CPU has PYX_SCRATCH_SLOTS buffers of each kind and a busy word per buffer, taken with an
 * atomic exchange (scratch_take) and given back after the output (scratch_put). A program uses the
 * first free slot; when every slot is held (that many tasks preempted inside programs on this CPU),
 * its record is counted lost on its stream like a full ring, so losses stay exact and reported.
 * Several slots, not one, because a busy producer spends a large share of its time inside the
 * audit program: with one slot, every preemption there would cost the other tasks their records.
 *
 * Not chosen: reserving the record in the ring itself. bpf_ringbuf_reserve() takes a constant
 * size, so a record would take its size class (a 200-byte audit record an 8 KiB slot, a syscall
 * record its whole tail, whose size is known only after the copies), hdr.size would stop matching
 * the sample size that every reader checks, and a reserved record blocks the consumer for every
 * CPU until it is committed, which a preempted writer may not do for a whole time slice.
 *
 * The running loss totals are per CPU and change only by atomic adds. What no LOST record has
 * reported yet is one global count per stream, not per CPU, and the next record any CPU sends
 * reports it first. The correlator must know of a loss before it reads the next record of the
 * thread that lost one (or it closes the window whose syscall record was lost as "no-syscall"), and
 * a report cannot always go first: another CPU may be between taking the count and sending its
 * report, or the report may not fit while the record after it does. So a pending count drops only
 * once its report is in the ring (one CPU at a time reports, under a try-lock: flush_lost()), and a
 * record sent while any count is still pending carries PYX_HDRF_LOST_BEFORE: the correlator takes
 * it as a LOST record read just before it. THROTTLED reports work the same way per uid
 * (PYX_HDRF_THROTTLED_BEFORE, flush_throttled()). Each loss is reported in-band at most once
 * and, until the monitor's exit, never dropped (what is still pending then, it reads from the
 * per-CPU totals).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/usdt.bpf.h>

#include "pyxcheck_wire.h"
#include "pyxcheck_syscall.h"
#include "record.bpf.h"

/* bpf_rdonly_cast() (Linux 6.2): weak, so that an object whose loaded programs do not call it
 * loads on older kernels too (raw_regs()). */
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

/* A load the compiler must make where it is written (the unreported-loss checks of send()). */
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader before load. */
const volatile bool monitor_all = false;
const volatile __u32 wakeup_bytes = 64 * 1024;
/* Issue 8: execve and execveat are both traced, so an exec without their entry is news. */
const volatile bool exec_traced = false;
/* Issue 8: hold each uid to a fair share of a filling ring (fair_admit). */
const volatile bool fair_share = true;

#define PROT_EXEC_BIT 0x4
/* The loader sizes the map from pid_max (a tgid never exceeds it) and allocates on insert. */
#define PYX_MAX_PIDS 16384
#define TAIL_MASK (PYX_SC_TAIL_MAX - 1)

/* Clamp v with a mask the compiler cannot drop: clang otherwise proves the mask redundant from an
 * earlier bound check, and may hand the helper a register the verifier never saw checked. */
#define pyx_mask(v, mask)                                                                          \
	({                                                                                         \
		asm volatile("" : "+r"(v));                                                        \
		(v) &= (mask);                                                                     \
	})

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024); /* resized by the loader */
} rb SEC(".maps");

/* tgid -> 1. Not preallocated: sized for every possible tgid, it holds the monitored ones only. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, PYX_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} monitored SEC(".maps");

/* Issue 10: a filter in front of `monitored`, one bit per tgid below pid_max (the loader sizes
 * it: pid_max / 64 words). A clear bit means "not in the set"; a set one, "look it up". Every
 * traced syscall of every process asks (with -a, and with the raw tracepoints of a CLI session),
 * and nearly all are not monitored: one inlined array load instead of a hash lookup (jhash and a
 * bucket walk) each time. Bits are set before an insert and cleared after the delete, with
 * atomics: the BPF side and the loader (-p, through an mmap of this map) share words. A tgid at
 * or above the size (pid_max raised after the load) is looked up as before. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PYX_MAX_PIDS / 64);
	__type(key, __u32);
	__type(value, __u64);
} monitored_bits SEC(".maps");

struct sc_stash {
	__u64 enter_ns;
	__u64 args[PYX_SC_NARGS];
	__u32 sc;
	__u32 _pad;
};

/* tid -> arguments between sys_enter and sys_exit. LRU: a thread killed inside a syscall never
 * reaches its exit, and its slot must not leak. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct sc_stash);
} stash SEC(".maps");

/* A syscall record with room for its tail. The extra PYX_SC_STR_MAX lets the verifier see that a
 * copy of up to PYX_SC_STR_MAX bytes at any masked offset stays inside the buffer. */
struct sc_buf {
	struct pyx_rec_syscall rec;
	__u8 tail[PYX_SC_TAIL_MAX + PYX_SC_STR_MAX];
};

/* Issue 10: a sensitive syscall that the thread's last audit event explains skips its dump.
 * Only findings (unaudited syscalls) are unwound, and the copy of 8 KiB was about half of what
 * tracing such a syscall costs (docs/correlation.md). ev_explains[ev] is the set of rows that
 * catalogue event ev explains (audit_events.def), filled by the loader; empty: dump always. */
const volatile __u64 ev_explains[PYX_EV__COUNT][2] = {};
_Static_assert(PYX_SC__COUNT <= 128, "ev_explains holds 128 rows");
/* An event older than this at the syscall's entry explains nothing. */
#define PYX_EXPLAIN_NS (20 * 1000 * 1000ULL)

/* A thread's last audit event (dump_explained()) and its process's membership mark (on_audit()),
 * in a plain array indexed by the low bits of the tid, not in the thread's task-storage slot:
 * the array's lookup is inlined by the verifier, where bpf_task_storage_get() was one helper call
 * per audit event (~70 ns, docs/benchmarks.md, ninth pass). word: the event in its low 16 bits
 * (PYX_EVENT_UNKNOWN once a syscall has used it, or when none explains one), LE_MON, and above
 * them the owner's tag: the tid's high bits and the low 41 bits of the task's start_time (ns), so
 * that a thread whose tid maps to the same entry, or a later thread that reuses the tid (another
 * process's too), finds no event and no mark there. A thread only writes the entry it owns or
 * takes it over: two threads on one entry cost each other a hash lookup or a dump that the event
 * would have spared, never an event or a mark that is not theirs. The word is one 64-bit store:
 * a reader sees one writer's tag, event and mark together; ts_ns, a second store, can be another
 * writer's for an instant, which moves an explanation's 20 ms window (an explanation that any
 * Python code can forge anyway, see dump_explained()). A fresh entry (0, 0) has no mark, and its
 * time 0 is older than PYX_EXPLAIN_NS at any syscall. */
#define LE_BITS 16
#define LE_EV 0xffffULL
#define LE_MON (1ULL << 16)
#define LE_TAG (~0ULL << 17)
struct last_ev {
	__u64 word;
	__u64 ts_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << LE_BITS);
	__type(key, __u32);
	__type(value, struct last_ev);
} last_ev SEC(".maps");

/* The owner's tag of tid's entry (tid < 2^22, PID_MAX_LIMIT). */
static __always_inline __u64 le_tag(const struct task_struct *task, __u32 tid)
{
	return ((task->start_time & ((1ULL << 41) - 1)) | ((__u64)(tid >> LE_BITS) << 41)) << 17;
}

static __always_inline struct last_ev *le_of(__u32 tid)
{
	__u32 i = tid & ((1 << LE_BITS) - 1);

	return bpf_map_lookup_elem(&last_ev, &i);
}

/* Per thread, in task storage:
 *   - b: the record of a syscall whose memory is read at entry (pyxcheck_syscall.h, "Time of
 *     check"), from its entry to its exit; b.rec.hdr.size 0 when none is in flight. Task storage,
 *     not a hash by tid: the record is built in place (a hash update copied the whole 5 KiB value
 *     and allocated it on every such syscall, and the exit deleted it), the slot is made once per
 *     thread and the kernel frees it with the thread, also when it dies inside a syscall;
 *   - monitored: its process is in the monitored set, for raw_row(). The last audit event and
 *     the mark that on_audit() reads are in last_ev (ninth pass: one helper call less per event).
 */
struct thread_state {
	struct sc_buf b;
	__u32 monitored; /* 1: its process is in the monitored set (sc_enter(), raw_row()) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_state);
} inflight SEC(".maps");

/* tid -> the execve/execveat record built at entry (the old image's memory is gone at exit). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct sc_buf);
} exec_stash SEC(".maps");

/* Scratch buffers: PYX_SCRATCH_SLOTS per CPU and kind, each used only by the holder of its busy
 * word in scratch_guard (see the design note at the top). */

enum scratch_kind {
	SCRATCH_AUDIT,
	SCRATCH_SC,
	SCRATCH_PROC,
	SCRATCH__KINDS,
};

struct scratch_busy {
	__u64 busy[SCRATCH__KINDS][PYX_SCRATCH_SLOTS]; /* 1 while a program builds a record there */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_busy);
} scratch_guard SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PYX_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct sc_buf);
} sc_scratch SEC(".maps");

/* Twice the bound: the verifier sees a masked length (see pyx_mask), not the clamp. */
struct audit_buf {
	struct pyx_rec_audit rec;
	__u8 payload[2 * PYX_PAYLOAD_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PYX_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct audit_buf);
} audit_scratch SEC(".maps");

/* Filename then argv, each at a masked offset/length (see pyx_mask): twice their bounds. */
struct proc_buf {
	struct pyx_rec_process rec;
	__u8 tail[2 * PYX_SC_STR_MAX + 2 * PYX_PROC_ARGV_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PYX_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, struct proc_buf);
} proc_scratch SEC(".maps");

/* Issue 11, with -a (monitor_all) only: the exec record of each process that is not monitored, kept
 * until it exits, so that a process that joins later (at its first probe, after its exec) still
 * gets its context (argv, uids, exec time for exec_id) from what the kernel gave at its exec.
 * The first bytes of a proc_buf: the record, its filename and argv. The loader sizes it to 1
 * without -a. */
struct exec_ctx_val {
	struct pyx_rec_process rec;
	__u8 tail[PYX_SC_STR_MAX + PYX_PROC_ARGV_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2048);
	__type(key, __u32);
	__type(value, struct exec_ctx_val);
} exec_ctx SEC(".maps");

/* Per CPU: the running totals that user space reads (pyx_loader_lost()). */
struct pyx_counters {
	__u64 lost[PYX_STREAM__COUNT];
	__u64 throttled[PYX_STREAM__COUNT]; /* held back by the fair share (fair_admit) */
};

/* Losses no LOST record in the ring reports yet, for every CPU (see the comment at the top), and
 * the try-lock of the one CPU that reports them. */
__u64 lost_pending[PYX_STREAM__COUNT] = {};
__u64 lost_flushing = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pyx_counters);
} counters SEC(".maps");

/* The argument kinds of every row, folded to constants in each program (sc is a constant there). */
static const __u8 sc_kinds[PYX_SC__COUNT][PYX_SC_NARGS] = {
#define PYX_SC_KINDS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                 \
	[PYX_SC_##name] = { PYX_AK_##k0, PYX_AK_##k1, PYX_AK_##k2,                                 \
			    PYX_AK_##k3, PYX_AK_##k4, PYX_AK_##k5 },
	PYX_SYSCALLS(PYX_SC_KINDS)
#undef PYX_SC_KINDS
};

static const bool sc_entry_only[PYX_SC__COUNT] = {
#define PYX_SC_ENTRY(name) [PYX_SC_##name] = true,
	PYX_SC_ENTRY_ONLY(PYX_SC_ENTRY)
#undef PYX_SC_ENTRY
};

static const __u16 sc_nrs[PYX_SC__COUNT] = {
#define PYX_SC_NRS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                   \
	[PYX_SC_##name] = nr,
	PYX_SYSCALLS(PYX_SC_NRS)
#undef PYX_SC_NRS
};

/* Row properties that a program whose row is known only at run time (the raw tracepoints) reads
 * from tables; in a per-syscall program sc is a constant and they fold. */
#define PYX_K_IS(k, K) (PYX_AK_##k == PYX_AK_##K)
/* the kinds whose memory may be read at entry */
#define PYX_K_ENTRY(k)                                                                             \
	(PYX_K_IS(k, PATH) || PYX_K_IS(k, STR) || PYX_K_IS(k, SOCKADDR) || PYX_K_IS(k, MSGHDR) ||  \
	 PYX_K_IS(k, BUF) || PYX_K_IS(k, OPEN_HOW) || PYX_K_IS(k, RLIMIT))
/* the kinds whose memory only exists at exit (accept's peer) or is read there (clone3) */
#define PYX_K_EXIT(k) (PYX_K_IS(k, SOCKLEN_PTR) || PYX_K_IS(k, CLONE_ARGS))
#define PYX_K_DATA(k) (PYX_K_ENTRY(k) || PYX_K_EXIT(k) || PYX_K_IS(k, ARGV))
#define PYX_ROW_ANY(P, k0, k1, k2, k3, k4, k5) (P(k0) || P(k1) || P(k2) || P(k3) || P(k4) || P(k5))

/* Does the row copy any memory into the tail? */
static const bool sc_has_data[PYX_SC__COUNT] = {
#define PYX_SC_HAS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                   \
	[PYX_SC_##name] = PYX_ROW_ANY(PYX_K_DATA, k0, k1, k2, k3, k4, k5),
	PYX_SYSCALLS(PYX_SC_HAS)
#undef PYX_SC_HAS
};

/* Bit i: argument i of the row has memory that copy_one() copies (the raw programs call it for
 * these arguments only, where a bpf_loop() over all six made two calls per argument). */
#define PYX_ROW_BITS(P, k0, k1, k2, k3, k4, k5)                                                    \
	((P(k0) << 0) | (P(k1) << 1) | (P(k2) << 2) | (P(k3) << 3) | (P(k4) << 4) | (P(k5) << 5))
static const __u8 sc_data_args[PYX_SC__COUNT] = {
#define PYX_SC_DARGS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                 \
	[PYX_SC_##name] = PYX_ROW_BITS(PYX_K_DATA, k0, k1, k2, k3, k4, k5),
	PYX_SYSCALLS(PYX_SC_DARGS)
#undef PYX_SC_DARGS
};

/* Bit i: argument i's copy is compared between entry and exit (compare_one()). */
static const __u8 sc_cmp_args[PYX_SC__COUNT] = {
#define PYX_SC_CARGS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                 \
	[PYX_SC_##name] = PYX_ROW_BITS(PYX_K_ENTRY, k0, k1, k2, k3, k4, k5),
	PYX_SYSCALLS(PYX_SC_CARGS)
#undef PYX_SC_CARGS
};

/* 1 + the index of the row's one argument with memory when that is all it copies and it is a
 * PATH (openat, stat, unlink, chmod, ...), else 0. The raw programs copy and compare such a row
 * inline (copy_args(), compare_args()): through copy_args_rt()/copy_arg_rt() and
 * compare_args_rt()/compare_arg_rt() and bytes_differ()'s callback it was five calls, and on this
 * machine kind every return pays the return-thunk mitigation (docs/benchmarks.md, eighth pass). */
#define PYX_K_PATH1(k) PYX_K_IS(k, PATH)
#define PYX_ONE_PATH(k0, k1, k2, k3, k4, k5)                                                       \
	(PYX_ROW_BITS(PYX_K_DATA, k0, k1, k2, k3, k4, k5) ==                                       \
		 PYX_ROW_BITS(PYX_K_PATH1, k0, k1, k2, k3, k4, k5) &&                              \
	 __builtin_popcount(PYX_ROW_BITS(PYX_K_PATH1, k0, k1, k2, k3, k4, k5)) == 1)
static const __u8 sc_one_path[PYX_SC__COUNT] = {
#define PYX_SC_OPATH(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                 \
	[PYX_SC_##name] =                                                                          \
		PYX_ONE_PATH(k0, k1, k2, k3, k4, k5)                                               \
			? __builtin_ctz(PYX_ROW_BITS(PYX_K_PATH1, k0, k1, k2, k3, k4, k5)) + 1     \
			: 0,
	PYX_SYSCALLS(PYX_SC_OPATH)
#undef PYX_SC_OPATH
};

/* Is the row's memory read at entry, before entry-only and exec rows are taken out
 * (reads_at_entry())? */
static const bool sc_entry_kinds[PYX_SC__COUNT] = {
#define PYX_SC_ENT(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                   \
	[PYX_SC_##name] = PYX_ROW_ANY(PYX_K_ENTRY, k0, k1, k2, k3, k4, k5) &&                      \
			  !PYX_ROW_ANY(PYX_K_EXIT, k0, k1, k2, k3, k4, k5),
	PYX_SYSCALLS(PYX_SC_ENT)
#undef PYX_SC_ENT
};

/* x86-64 syscall number -> row + 1 (0: not traced), for the raw tracepoints. */
#define PYX_NR_MAX 512
static const __u8 sc_of_nr[PYX_NR_MAX] = {
#define PYX_SC_OFNR(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                  \
	[nr] = PYX_SC_##name + 1,
	PYX_SYSCALLS(PYX_SC_OFNR)
#undef PYX_SC_OFNR
};

/* Kind of argument i of row sc, both known only at run time: one bounds check on the flat index,
 * which the compiler cannot split from the load (pyx_mask's reason). */
static __always_inline __u8 kind_of(__u32 sc, __u32 i)
{
	__u32 at = sc * PYX_SC_NARGS + i;

	asm volatile("" : "+r"(at));
	if (at >= PYX_SC__COUNT * PYX_SC_NARGS)
		return PYX_AK_NONE;
	return ((const __u8 *)sc_kinds)[at];
}

static __always_inline __u64 *monitored_word(__u32 tgid)
{
	__u32 w = tgid / 64;

	return bpf_map_lookup_elem(&monitored_bits, &w);
}

/* tgid is surely not monitored: its bit is clear. An exit asks only this (its entry kept
 * something only for a monitored process, which stays in the set until it exits). */
static __always_inline bool monitored_clear(__u32 tgid)
{
	__u64 *w = monitored_word(tgid);

	return w && !(*w & (1ULL << (tgid & 63)));
}

static __always_inline bool is_monitored(__u32 tgid)
{
	if (monitored_clear(tgid))
		return false;
	return bpf_map_lookup_elem(&monitored, &tgid) != NULL;
}

/* bpf_map_update_elem() on `monitored`, its bit set first: a reader that sees the entry must
 * not find the bit clear. A failed insert leaves the bit set (a lookup that finds nothing). */
static __always_inline long monitored_add(__u32 tgid, __u64 flags)
{
	__u64 *w = monitored_word(tgid);
	__u8 one = 1;

	if (w)
		__sync_fetch_and_or(w, 1ULL << (tgid & 63));
	return bpf_map_update_elem(&monitored, &tgid, &one, flags);
}

/* The last thread of tgid has exited: nothing can add it again until the pid is freed. */
static __always_inline void monitored_del(__u32 tgid)
{
	__u64 *w = monitored_word(tgid);

	bpf_map_delete_elem(&monitored, &tgid);
	if (w)
		__sync_fetch_and_and(w, ~(1ULL << (tgid & 63)));
}

/* Wake the reader only for a batch; its poll timeout picks up the rest. A wake-up is sent when
 * the record of size bytes takes the waiting data past a multiple of wakeup_bytes, not for every
 * record above the mark: a reader that lags (correlation, a slow disk) is awake anyway, and each
 * forced wake-up raises an irq_work interrupt in the traced task's syscall or probe (an APIC
 * write, a VM exit here), 3% of a traced open loop's samples. One that concurrent producers
 * miss is sent at the next multiple. */
static __always_inline __u64 wakeup_flags_at(__u64 avail, __u64 size)
{
	if (avail / wakeup_bytes != (avail + size) / wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline __u64 wakeup_flags(__u64 size)
{
	return wakeup_flags_at(bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA), size);
}

/* One LOST or THROTTLED record into the ring (the two have one layout: the stream, the uid or 0
 * where LOST has its padding, the count); bpf_ringbuf_output()'s result. A global function: the
 * loops of flush_lost() and flush_throttled_uid() walked this body once per stream, ~450 verified
 * instructions of every program that sends; it runs only after a loss or a throttle. */
__noinline long report_count(__u32 type, __u32 stream, __u32 uid, __u64 count)
{
	struct pyx_rec_throttled t;

	_Static_assert(sizeof(struct pyx_rec_lost) == sizeof(t), "LOST and THROTTLED differ");
	__builtin_memset(&t, 0, sizeof(t));
	pyx_fill_hdr(&t.hdr, type, sizeof(t));
	t.stream = stream;
	t.uid = uid;
	t.count = count;
	return bpf_ringbuf_output(&rb, &t, sizeof(t), wakeup_flags(sizeof(t)));
}

/* Report what was lost before, now that a record is about to go out. A count leaves lost_pending
 * only once its LOST record is in the ring, so a sender that finds it non-zero afterwards knows
 * that a loss may not be reported ahead of its record (send()). One CPU reports at a time: two
 * would report one count twice. A global function (see copy_arg_rt()): send() is inlined at
 * every call site, and this loop was a fifth of tp_sys_exit's verified instructions; it runs
 * only after a loss. */
__noinline int flush_lost(void)
{
	__u64 n;
	int s;

	if (__sync_val_compare_and_swap(&lost_flushing, 0, 1))
		return 0; /* another CPU is reporting: send() flags the record instead */
	for (s = 0; s < PYX_STREAM__COUNT; s++) {
		n = READ_ONCE(lost_pending[s]);
		if (!n)
			continue;
		if (report_count(PYX_REC_LOST, s, 0, n) == 0)
			__sync_fetch_and_sub(&lost_pending[s], n);
	}
	__atomic_exchange_n(&lost_flushing, 0, __ATOMIC_SEQ_CST);
	return 0;
}

static __always_inline void count_lost(struct pyx_counters *c, int stream)
{
	if (stream < 0 || stream >= PYX_STREAM__COUNT)
		return;
	if (c)
		__sync_fetch_and_add(&c->lost[stream], 1);
	__sync_fetch_and_add(&lost_pending[stream], 1);
}

/* A record that was never built: no free scratch slot. */
static __always_inline void lose(int stream)
{
	__u32 zero = 0;

	count_lost(bpf_map_lookup_elem(&counters, &zero), stream);
}

/* ---------------------------------------------------------------------------------------------
 * Fair share (issue 8): a flood by one user must not blind the monitor to the others.
 *
 * One ring serves every process, so a user who floods it (hooked events, syscalls) would make
 * everybody's records lost, and a LOST record puts every open window in doubt: a root process's
 * unaudited syscall would come out indeterminate, or not at all. So while the ring is less than
 * three quarters full every record goes in, at no cost beyond two queries; above that, each uid
 * may add at most a quarter of the free space per epoch (2^29 ns, about half a second), counted
 * from when the ring passed the mark (so a lone busy user keeps most of the ring: the mark is
 * high, and its records past it are throttled instead of lost). A uid over its share is throttled:
 * its records are counted per uid and stream and reported in-band by a PYX_REC_THROTTLED record
 * that names the uid, sent before the next record that goes in (as LOST is), so the correlator
 * doubts that uid's windows only. Each epoch a flooder takes at most a fifth of what is free, so
 * with the reader stalled for seconds the ring still keeps room for a light user's records; the
 * ring can still fill (many uids at once, a stalled reader for long), and then records are lost as
 * before.
 *
 * Per uid, not per process: a user can fork without limit but not change uid. Uids come from the
 * record's header (the submitter's, for an io_uring completion). The table is an LRU of
 * PYX_FAIR_UIDS: a uid it cannot hold is not throttled (the ring decides); an evicted uid's
 * unreported count is still in the per-CPU totals, which the monitor reports at exit. Hook
 * lifecycle records are never throttled (fair_admit).
 * ------------------------------------------------------------------------------------------- */
#define PYX_FAIR_EPOCH_SHIFT 29
#define PYX_FAIR_UIDS 1024
#define PYX_FAIR_STREAMS (PYX_STREAM_PROCESS + 1)

struct fair_uid {
	__u64 epoch;
	__u64 bytes;                     /* sent this epoch while the ring was 3/4 full */
	__u64 pending[PYX_FAIR_STREAMS]; /* throttled, no THROTTLED record in the ring yet */
	__u64 flushing;                  /* try-lock of the CPU that reports them */
	__u32 uid; /* whose: the key, kept where a recycled entry overwrites it */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PYX_FAIR_UIDS);
	__type(key, __u32);
	__type(value, struct fair_uid);
} fair SEC(".maps");

/* Non-zero while some uid may have throttled records to report: a hint, so that send() looks at
 * the table only then. throttle_unreported: the sum of every uid's pending counts, non-zero until
 * their reports are in the ring, so that send() looks up its own uid's only then (a uid evicted
 * from the table with a count pending leaves it non-zero for good: one more look-up per record). */
__u64 throttle_pending = 0;
__u64 throttle_unreported = 0;

/* An LRU entry is recycled in place as soon as it is evicted, even while another CPU reports it
 * here: its key and value then say another uid, with nothing pending. So whose counts these are is
 * taken once, at the start, and the counts are subtracted and the lock released only while the
 * entry is still that uid's (else a subtraction would wrap the new uid's count to ~2^64). */
static long flush_throttled_uid(struct bpf_map *map, __u32 *key, struct fair_uid *f, void *ctx)
{
	__u32 uid = *key;
	__u64 n;
	int s;

	if (!(f->pending[0] | f->pending[1] | f->pending[2]))
		return 0;
	if (__sync_val_compare_and_swap(&f->flushing, 0, 1)) {
		/* another CPU reports this uid: look again at a later record */
		__sync_fetch_and_add(&throttle_pending, 1);
		return 0;
	}
	for (s = 0; s < PYX_FAIR_STREAMS; s++) {
		n = READ_ONCE(f->pending[s]);
		if (!n)
			continue;
		if (report_count(PYX_REC_THROTTLED, s, uid, n)) {
			__sync_fetch_and_add(&throttle_pending, 1);
			continue;
		}
		/* in the ring: the count is reported */
		if (READ_ONCE(f->uid) != uid)
			return 0; /* recycled for another uid: neither its counts nor its lock are ours */
		__sync_fetch_and_sub(&f->pending[s], n);
		__sync_fetch_and_sub(&throttle_unreported, n);
	}
	if (READ_ONCE(f->uid) == uid)
		__atomic_exchange_n(&f->flushing, 0, __ATOMIC_SEQ_CST);
	return 0;
}

/* A global function, as flush_lost(): the callback was verified again at each inlined copy. */
__noinline int flush_throttled(void)
{
	if (!throttle_pending || !__atomic_exchange_n(&throttle_pending, 0, __ATOMIC_SEQ_CST))
		return 0;
	bpf_for_each_map_elem(&fair, flush_throttled_uid, NULL, 0);
	return 0;
}

/* The header flags of a record about to be sent after the flushes: whether records were lost, or
 * throttled for its uid, that no report in the ring covers yet (the comment at the top). A global
 * function (see copy_arg_rt()): send() is inlined in every program, this rarely runs. */
__noinline __u16 unreported_flags(__u32 uid)
{
	struct fair_uid *f;
	__u16 flags = 0;

	/* not PYX_STREAM_UNMONITORED: no record of a followed process was lost there */
	if (READ_ONCE(lost_pending[PYX_STREAM_AUDIT]) |
	    READ_ONCE(lost_pending[PYX_STREAM_SYSCALL]) |
	    READ_ONCE(lost_pending[PYX_STREAM_PROCESS]))
		flags |= PYX_HDRF_LOST_BEFORE;
	if (READ_ONCE(throttle_unreported)) {
		f = bpf_map_lookup_elem(&fair, &uid);
		if (f && (READ_ONCE(f->pending[0]) | READ_ONCE(f->pending[1]) |
			  READ_ONCE(f->pending[2])))
			flags |= PYX_HDRF_THROTTLED_BEFORE;
	}
	return flags;
}

/* The ring's size, read by the first fair_admit() that needs it (0: not yet). */
__u64 ring_size = 0;

/* fair_admit() past the mark: uid's share this epoch. A global function: inlined in send(), its
 * paths were walked again in every program that sends; it runs only while the ring is 3/4 full. */
__noinline bool fair_admit_uid(__u32 uid, __u64 size, __u64 stream, __u64 used, __u64 ring)
{
	struct fair_uid *f, init = {};
	struct pyx_counters *c;
	__u64 epoch, free;
	__u32 zero = 0;

	/* 64-bit: as in send_size() */
	asm volatile("" : "+r"(stream));
	if (stream >= PYX_FAIR_STREAMS)
		return true;
	epoch = bpf_ktime_get_ns() >> PYX_FAIR_EPOCH_SHIFT;
	f = bpf_map_lookup_elem(&fair, &uid);
	if (!f) {
		init.epoch = epoch;
		init.uid = uid;
		bpf_map_update_elem(&fair, &uid, &init, BPF_NOEXIST);
		f = bpf_map_lookup_elem(&fair, &uid);
		if (!f)
			return true;
	}
	if (f->epoch != epoch) {
		f->epoch = epoch;
		f->bytes = 0;
	}
	free = used < ring ? ring - used : 0;
	if (f->bytes + size <= free / 4) {
		__sync_fetch_and_add(&f->bytes, size);
		return true;
	}
	__sync_fetch_and_add(&f->pending[stream], 1);
	c = bpf_map_lookup_elem(&counters, &zero);
	if (c)
		__sync_fetch_and_add(&c->throttled[stream], 1);
	__sync_fetch_and_add(&throttle_unreported, 1);
	__sync_fetch_and_add(&throttle_pending, 1);
	return false;
}

/* May this record go to the ring? No: it was counted throttled. used: the ring's waiting data. */
static __always_inline bool fair_admit(const struct pyx_rec_hdr *h, __u64 size, int stream,
				       __u64 used)
{
	__u64 ring;

	/* hook_start/hook_stop: one each per interpreter, which costs its user milliseconds, and
	 * what accounts for its events (events_emitted) */
	if (!fair_share || stream < 0 || stream >= PYX_FAIR_STREAMS || h->type == PYX_REC_LIFECYCLE)
		return true;
	/* the ring's size is fixed once loaded: asked once, not once per record */
	ring = ring_size;
	if (!ring) {
		ring = bpf_ringbuf_query(&rb, BPF_RB_RING_SIZE);
		ring_size = ring;
	}
	if (used * 4 < ring * 3)
		return true;
	return fair_admit_uid(h->uid, size, stream, used, ring);
}

/* One query of the ring's waiting data serves the admission and the wake-up (each query is a
 * helper call, three per record before). */
static __always_inline void send(void *data, __u64 size, int stream)
{
	__u32 zero = 0;
	struct pyx_counters *c = bpf_map_lookup_elem(&counters, &zero);
	__u64 used;

	if (lost_pending[0] | lost_pending[1] | lost_pending[2] | lost_pending[3])
		flush_lost();
	used = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	/* after the admission: a throttled producer must not fill the ring with the reports of
	 * its own throttling, one per record */
	if (!fair_admit(data, size, stream, used))
		return;
	if (throttle_pending) {
		flush_throttled();
		used = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	}
	if (READ_ONCE(throttle_unreported) | lost_pending[0] | lost_pending[1] | lost_pending[2] |
	    lost_pending[3])
		((struct pyx_rec_hdr *)data)->flags |= unreported_flags(
			((struct pyx_rec_hdr *)data)->uid);
	if (bpf_ringbuf_output(&rb, data, size, wakeup_flags_at(used, size)) == 0)
		return;
	count_lost(c, stream);
}

/* A scratch slot of this kind on this CPU (see record.bpf.h), or NULL when all are held. */
static __always_inline void *scratch_take(void *map, int kind, __u64 **busy)
{
	struct scratch_busy *g;
	__u32 zero = 0;

	*busy = NULL;
	g = bpf_map_lookup_elem(&scratch_guard, &zero);
	if (!g)
		return NULL;
	return pyx_scratch_take(map, g->busy[kind], busy);
}

/* ---------------------------------------------------------------------------------------------
 * USDT: the hook's probes.
 * ------------------------------------------------------------------------------------------- */

/* In "all" mode a process joins the set when it fires a probe; otherwise it must be in it.
 * Returns ADMIT_IN when the process is in the set, ADMIT_OUT when its event goes out although it
 * is not (in "all" mode, it could not join), 0 when it does not. */
#define ADMIT_IN 1
#define ADMIT_OUT 2
static __always_inline int usdt_admit_id(__u64 id)
{
	__u32 tgid = id >> 32;
	long err;

	if (is_monitored(tgid))
		return ADMIT_IN;
	if (!monitor_all)
		return 0;
	/* A process that cannot join still has its events sent; each failed try is counted. */
	err = monitored_add(tgid, BPF_NOEXIST);
	if (err && err != -17 /* EEXIST: another thread of it joined first */) {
		lose(PYX_STREAM_UNMONITORED);
		return ADMIT_OUT;
	}
	return ADMIT_IN;
}

static __always_inline bool usdt_admit(void)
{
	return usdt_admit_id(bpf_get_current_pid_tgid());
}

/* Send audit record b of size bytes (at most a whole payload). A global function (see
 * copy_arg_rt()): on_audit()'s paths reached an inlined send() in several states each, which
 * walked it again for every one (usdt_audit: 5,764 verified instructions, 4,300 of them in it). */
__noinline int audit_send(struct audit_buf *b, __u64 size)
{
	if (!b)
		return 0;
	/* 64-bit: as in send_size() */
	asm volatile("" : "+r"(size));
	if (size > sizeof(b->rec) + PYX_PAYLOAD_MAX)
		size = sizeof(b->rec) + PYX_PAYLOAD_MAX;
	send(b, size, PYX_STREAM_AUDIT);
	return 0;
}

/* cast: the header's uid and cgroup id by direct loads (pyx_fill_hdr_cast(), usdt_audit), else
 * by their helpers (usdt_audit_slow, for kernels without bpf_rdonly_cast()). */
static __always_inline int on_audit(__u32 category, __u32 event_id, const void *payload, __u32 len,
				    bool cast)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = pyx_task_pid_tgid(task), *busy, now, tag, w, mon;
	struct last_ev *le;
	struct audit_buf *b;
	int admit = ADMIT_IN;
	__u32 n;

	/* The thread's entry says whether its process is in the monitored set, which it leaves
	 * only when it exits (sched_exit), with every thread: one hash lookup less per event. An
	 * entry is marked here only, once the set was looked up; a process that is not in it never
	 * has a marked entry with its threads' tags. */
	tag = le_tag(task, (__u32)id);
	le = le_of((__u32)id);
	w = le ? READ_ONCE(le->word) : 0;
	if ((w & (LE_TAG | LE_MON)) != (tag | LE_MON)) {
		admit = usdt_admit_id(id);
		if (!admit)
			return 0;
	}
	mon = admit == ADMIT_IN ? LE_MON : 0;
	now = bpf_ktime_get_ns(); /* one clock read for the record and the thread's last event */
	/* The thread's last event (dump_explained): one that explains no syscall replaces the one
	 * before it, which must not explain the native call it led to; an entry the thread does
	 * not own holds no event of its, and is taken over only for the mark. */
	if (le) {
		if (event_id < PYX_EV__COUNT &&
		    (ev_explains[event_id][0] | ev_explains[event_id][1])) {
			le->ts_ns = now;
			WRITE_ONCE(le->word, tag | mon | event_id);
		} else if ((w & LE_TAG) == tag || mon) {
			WRITE_ONCE(le->word, tag | mon | PYX_EVENT_UNKNOWN);
		}
	}
	b = scratch_take(&audit_scratch, SCRATCH_AUDIT, &busy);
	if (!b) {
		lose(PYX_STREAM_AUDIT);
		return 0;
	}
	n = len;
	if (n > PYX_PAYLOAD_MAX)
		n = PYX_PAYLOAD_MAX;
	pyx_mask(n, 2 * PYX_PAYLOAD_MAX - 1);
	b->rec.event_id = event_id;
	b->rec.category = category;
	b->rec.claimed_len = len;
	if (bpf_probe_read_user(b->payload, n, payload)) {
		n = 0;
		pyx_fill_hdr_task(&b->rec.hdr, PYX_REC_AUDIT, sizeof(b->rec), now, id, task, cast);
		b->rec.hdr.flags = PYX_AF_COPY_FAILED;
	} else {
		pyx_fill_hdr_task(&b->rec.hdr, PYX_REC_AUDIT, sizeof(b->rec) + n, now, id, task,
				  cast);
	}
	b->rec.payload_len = n;
	audit_send(b, sizeof(b->rec) + n);
	pyx_scratch_put(busy);
	return 0;
}

/* A register named by a USDT argument spec (libbpf records offsetof(struct pt_regs, reg)), read
 * from the context with a constant offset; false for one libbpf does not name. Each load is its
 * own instruction: clang folds plain loads into one at ctx + off, which the verifier refuses (a
 * context access must have a constant offset). */
static __always_inline bool usdt_reg(const struct pt_regs *ctx, short off, __u64 *v)
{
	__u64 x;

	switch (off) {
#define PYX_USDT_REG(r)                                                                            \
	case offsetof(struct pt_regs, r):                                                          \
		asm volatile("%[x] = *(u64 *)(%[c] + %[o])"                                        \
			     : [x] "=r"(x)                                                         \
			     : [c] "r"(ctx), [o] "i"(offsetof(struct pt_regs, r)));                \
		*v = x;                                                                            \
		return true;
		PYX_USDT_REG(r15)
		PYX_USDT_REG(r14)
		PYX_USDT_REG(r13)
		PYX_USDT_REG(r12)
		PYX_USDT_REG(bp)
		PYX_USDT_REG(bx)
		PYX_USDT_REG(r11)
		PYX_USDT_REG(r10)
		PYX_USDT_REG(r9)
		PYX_USDT_REG(r8)
		PYX_USDT_REG(ax)
		PYX_USDT_REG(cx)
		PYX_USDT_REG(dx)
		PYX_USDT_REG(si)
		PYX_USDT_REG(di)
		PYX_USDT_REG(ip)
		PYX_USDT_REG(sp)
#undef PYX_USDT_REG
	default:
		return false;
	}
}

/* Argument i of the probe whose spec is known, as bpf_usdt_arg() computes it. The hook's sites pass
 * every argument in a register (their operands read "4@%esi 8@%rdx 4@%ecx"), which is read here
 * directly; any other kind (a constant, a memory operand) goes through bpf_usdt_arg(). */
static __always_inline __u64 usdt_arg_of(struct pt_regs *ctx, const struct __bpf_usdt_spec *spec,
					 __u32 i)
{
	const struct __bpf_usdt_arg_spec *a = &spec->args[i];
	long slow = 0;
	__u64 v;

	if (a->arg_type != BPF_USDT_ARG_REG || !usdt_reg(ctx, a->reg_off, &v)) {
		bpf_usdt_arg(ctx, i, &slow);
		return slow;
	}
	v <<= a->arg_bitshift;
	if (a->arg_signed)
		v = ((long)v) >> a->arg_bitshift;
	else
		v >>= a->arg_bitshift;
	return v;
}

/* Every category's probe runs this one program, its category in the USDT cookie (the loader
 * attaches probe "file" with cookie PYX_CAT_FILE, and so on): one program for the verifier where
 * one per category cost eight times as much at every start (docs/benchmarks.md). The cookie and
 * the three arguments come from one lookup of the probe's spec: BPF_USDT() and bpf_usdt_cookie()
 * looked it up four times, each a subprogram call, an attach-cookie helper call and, per
 * argument, a bpf_probe_read_kernel() of the register (about 1.7% of a traced Python open loop;
 * every call's return pays this kind of machine's return-thunk mitigation). */
static __always_inline int usdt_audit_body(struct pt_regs *ctx, bool cast)
{
	const struct __bpf_usdt_spec *spec;
	int id = __bpf_usdt_spec_id(ctx);

	if (id < 0)
		return 0;
	spec = bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
	if (!spec || spec->arg_cnt < 3)
		return 0;
	return on_audit(spec->usdt_cookie, usdt_arg_of(ctx, spec, 0),
			(const void *)usdt_arg_of(ctx, spec, 1), usdt_arg_of(ctx, spec, 2), cast);
}

SEC("usdt")
int usdt_audit(struct pt_regs *ctx)
{
	return usdt_audit_body(ctx, true);
}

/* usdt_audit with the header's uid and cgroup id by their helpers, which the loader picks where
 * bpf_rdonly_cast() is missing (kernels older than 6.2, as raw_enter_slow/raw_exit_slow). */
SEC("usdt")
int usdt_audit_slow(struct pt_regs *ctx)
{
	return usdt_audit_body(ctx, false);
}

/* Both lifecycle probes run this one program, told apart by the USDT cookie (the loader attaches
 * hook_start with PYX_LC_HOOK_START, hook_stop with PYX_LC_HOOK_STOP): one program fewer to
 * verify and load at every start (~2.5 ms, docs/benchmarks.md). hook_start(pid, py_hexversion,
 * delivery, status), hook_stop(pid, events_seen, events_emitted); pid is the hook's own getpid(),
 * not used: the header's comes from the kernel. */
SEC("usdt")
int usdt_hook(struct pt_regs *ctx)
{
	struct pyx_rec_lifecycle r;
	__u64 kind;
	long a1 = 0, a2 = 0, a3 = 0;

	if (!usdt_admit())
		return 0;
	/* libbpf's global bpf_usdt_*() (verified once, not inlined per argument): two hits per
	 * process */
	kind = bpf_usdt_cookie(ctx);
	if (kind != PYX_LC_HOOK_START && kind != PYX_LC_HOOK_STOP)
		return 0;
	bpf_usdt_arg(ctx, 1, &a1);
	bpf_usdt_arg(ctx, 2, &a2);
	if (kind == PYX_LC_HOOK_START)
		bpf_usdt_arg(ctx, 3, &a3);
	__builtin_memset(&r, 0, sizeof(r));
	pyx_fill_hdr(&r.hdr, PYX_REC_LIFECYCLE, sizeof(r));
	r.kind = kind;
	if (kind == PYX_LC_HOOK_START) {
		r.py_hexversion = a1;
		r.delivery = a2;
		r.status = a3;
	} else {
		r.events_seen = a1;
		r.events_emitted = a2;
	}
	send(&r, sizeof(r), PYX_STREAM_AUDIT);
	return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Syscalls.
 * ------------------------------------------------------------------------------------------- */

/* Copy a NUL-terminated user string of at most max bytes into the tail at off; returns the new
 * tail offset. */
static __always_inline __u32 copy_str(struct sc_buf *b, int i, __u32 off, __u64 ptr, __u32 max)
{
	struct pyx_sc_data *d = &b->rec.data[i];
	long n;
	char c = 0;

	if (!ptr) {
		d->flags = PYX_DF_NULL;
		return off;
	}
	if (off + max > PYX_SC_TAIL_MAX) {
		d->flags = PYX_DF_PRESENT | PYX_DF_TRUNCATED;
		d->off = sizeof(b->rec) + off;
		return off;
	}
	pyx_mask(off, TAIL_MASK);
	n = bpf_probe_read_user_str(&b->tail[off], max, (const void *)ptr);
	if (n <= 0) {
		d->flags = PYX_DF_FAULT;
		return off;
	}
	d->flags = PYX_DF_PRESENT;
	/* n == max: the copy was cut unless the user string ends exactly there. */
	if (n == max && (bpf_probe_read_user(&c, 1, (const void *)(ptr + max - 1)) || c))
		d->flags |= PYX_DF_TRUNCATED;
	d->off = sizeof(b->rec) + off;
	d->len = n;
	return off + n;
}

static __always_inline __u32 copy_bytes(struct sc_buf *b, int i, __u32 off, __u64 ptr, __u64 len,
					__u32 max)
{
	struct pyx_sc_data *d = &b->rec.data[i];
	__u32 n;

	if (!ptr) {
		d->flags = PYX_DF_NULL;
		return off;
	}
	d->flags = PYX_DF_PRESENT;
	if (len > max) {
		len = max;
		d->flags |= PYX_DF_TRUNCATED;
	}
	n = len;
	if (off + n > PYX_SC_TAIL_MAX) {
		d->flags |= PYX_DF_TRUNCATED;
		d->off = sizeof(b->rec) + off;
		return off;
	}
	pyx_mask(off, TAIL_MASK);
	pyx_mask(n, PYX_SC_STR_MAX - 1);
	if (bpf_probe_read_user(&b->tail[off], n, (const void *)ptr)) {
		d->flags = PYX_DF_FAULT;
		return off;
	}
	d->off = sizeof(b->rec) + off;
	d->len = n;
	return off + n;
}

struct argv_ctx {
	struct sc_buf *b;
	__u64 uargv;
	__u32 start, off, count;
	__u16 flags;
	bool stopped; /* before the bound: a NULL, a fault or a cut */
};

/* One item of copy_argv(), a bpf_loop() callback: verified once, not once per item and path. */
static long argv_item(__u32 k, struct argv_ctx *c)
{
	__u32 off = c->off;
	__u64 p = 0;
	long n;
	char ch = 0;

	c->stopped = true;

	if (bpf_probe_read_user(&p, sizeof(p), (const void *)(c->uargv + k * sizeof(p)))) {
		c->flags |= PYX_DF_FAULT;
		return 1;
	}
	if (!p)
		return 1;
	if (off - c->start + PYX_SC_ARGV_STR_MAX > PYX_SC_ARGV_BYTES ||
	    off + PYX_SC_ARGV_STR_MAX > PYX_SC_TAIL_MAX) {
		c->flags |= PYX_DF_TRUNCATED;
		return 1;
	}
	pyx_mask(off, TAIL_MASK);
	n = bpf_probe_read_user_str(&c->b->tail[off], PYX_SC_ARGV_STR_MAX, (const void *)p);
	if (n <= 0) {
		c->flags |= PYX_DF_FAULT;
		return 1;
	}
	if (n == PYX_SC_ARGV_STR_MAX &&
	    (bpf_probe_read_user(&ch, 1, (const void *)(p + n - 1)) || ch))
		c->flags |= PYX_DF_TRUNCATED;
	c->off = off + n;
	c->count++;
	c->stopped = false;
	return 0;
}

static __always_inline __u32 copy_argv(struct sc_buf *b, int i, __u32 off, __u64 uargv)
{
	struct pyx_sc_data *d = &b->rec.data[i];
	struct argv_ctx c = { .b = b, .uargv = uargv, .start = off, .off = off };
	__u64 p = 0;
	long k;

	if (!uargv) {
		d->flags = PYX_DF_NULL;
		return off;
	}
	d->off = sizeof(b->rec) + off;
	k = bpf_loop(PYX_SC_ARGV_MAX, argv_item, &c, 0);
	/* Items left beyond the bound. */
	if (k == PYX_SC_ARGV_MAX && !c.stopped &&
	    (bpf_probe_read_user(&p, sizeof(p), (const void *)(uargv + k * sizeof(p))) || p))
		c.flags |= PYX_DF_TRUNCATED;
	d->flags = PYX_DF_PRESENT | c.flags;
	d->len = c.off - off;
	d->count = c.count;
	return c.off;
}

/* Copy the memory of argument i, of kind kind, into the tail at off; returns the new offset.
 * next_kind and next are argument i+1's (a length). One body for both drivers below: the
 * per-syscall programs unroll it with constants, which fold to the row's own kinds; the raw
 * programs call it through copy_arg_rt(). */
static __always_inline __u32 copy_one(struct sc_buf *b, __u32 i, __u32 off, __u8 kind,
				      __u8 next_kind, __u64 next, long ret)
{
	__u64 *a = b->rec.args;
	struct user_msghdr m;
	__u32 len = 0;

	switch (kind) {
	case PYX_AK_PATH:
		off = copy_str(b, i, off, a[i], PYX_SC_STR_MAX);
		break;
	case PYX_AK_STR:
		/* an xattr name: XATTR_NAME_MAX is 255 */
		off = copy_str(b, i, off, a[i], PYX_SC_ARGV_STR_MAX);
		break;
	case PYX_AK_ARGV:
		off = copy_argv(b, i, off, a[i]);
		break;
	case PYX_AK_SOCKADDR:
		if (next_kind == PYX_AK_SOCKLEN) {
			off = copy_bytes(b, i, off, a[i], (__u32)next, PYX_SC_SOCKADDR_MAX);
		} else if (next_kind == PYX_AK_SOCKLEN_PTR) {
			/* accept: *addrlen is the peer's length, written on success. */
			if (ret < 0 || !next ||
			    bpf_probe_read_user(&len, sizeof(len), (const void *)next))
				break;
			off = copy_bytes(b, i, off, a[i], len, PYX_SC_SOCKADDR_MAX);
		}
		break;
	case PYX_AK_SOCKLEN_PTR:
		if (ret < 0)
			break;
		off = copy_bytes(b, i, off, a[i], sizeof(__u32), sizeof(__u32));
		break;
	case PYX_AK_MSGHDR:
		__builtin_memset(&m, 0, sizeof(m));
		if (!a[i]) {
			b->rec.data[i].flags = PYX_DF_NULL;
			break;
		}
		if (bpf_probe_read_user(&m, sizeof(m), (const void *)a[i])) {
			b->rec.data[i].flags = PYX_DF_FAULT;
			break;
		}
		off = copy_bytes(b, i, off, (__u64)m.msg_name, (__u32)m.msg_namelen,
				 PYX_SC_SOCKADDR_MAX);
		break;
	case PYX_AK_BUF:
		off = copy_bytes(b, i, off, a[i], next, PYX_SC_BUF_MAX);
		break;
	case PYX_AK_OPEN_HOW:
		off = copy_bytes(b, i, off, a[i], PYX_SC_OPEN_HOW_LEN, PYX_SC_OPEN_HOW_LEN);
		break;
	case PYX_AK_CLONE_ARGS:
		/* size (argument i+1) says how much of struct clone_args the caller has. */
		off = copy_bytes(b, i, off, a[i],
				 next < PYX_SC_CLONE_ARGS_LEN ? next : PYX_SC_CLONE_ARGS_LEN,
				 PYX_SC_CLONE_ARGS_LEN);
		break;
	case PYX_AK_RLIMIT:
		off = copy_bytes(b, i, off, a[i], PYX_SC_RLIMIT_LEN, PYX_SC_RLIMIT_LEN);
		break;
	default:
		break;
	}
	return off;
}

/*
 * Global functions (__noinline, not static): the verifier checks each once per program, with its
 * arguments unknown (a pointer argument may be NULL and is checked), instead of walking an
 * inlined copy once per call site and per state of the caller that reaches it. Every start pays
 * for the verifier (docs/benchmarks.md, "pyxcheck -- /bin/true"), so the paths that are taken at
 * run time anyway go through them. Only ustack_append_rt() takes a program's context (see
 * there).
 */

/* Argument n of a row known only at run time (the raw programs), a global function: with
 * compare_arg_rt() and ustack_append_rt() it took the raw programs from 138k to 48k verified
 * instructions. */
__noinline __u32 copy_arg_rt(struct sc_buf *b, __u32 n, __u32 sc, __u32 off, long ret)
{
	__u32 i = n, j = n + 1;
	__u8 next_kind = PYX_AK_NONE;
	__u64 next = 0;

	if (!b || n >= PYX_SC_NARGS)
		return off;
	/* for the verifier: n < 6 is checked, but on another register */
	pyx_mask(i, 7);
	pyx_mask(j, 7);
	if (n + 1 < PYX_SC_NARGS) {
		next_kind = kind_of(sc, j);
		next = b->rec.args[j];
	}
	return copy_one(b, i, off, kind_of(sc, i), next_kind, next, ret);
}

/* copy_args() of a row known only at run time: the global copy_arg_rt() for each argument that
 * has memory (sc_data_args). A global function itself: inlined, its six branches were walked
 * again in every state of the caller that reached them (~900 of tp_sys_exit's and ~450 of
 * tp_sys_enter's verified instructions); one call more per record with data. */
__noinline __u32 copy_args_rt(struct sc_buf *b, __u32 sc, long ret)
{
	__u32 off = 0, mask;
	int i;

	if (!b || sc >= PYX_SC__COUNT)
		return 0;
	mask = sc_data_args[sc];
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++)
		if (mask & (1u << i))
			off = copy_arg_rt(b, i, sc, off, ret);
	return off;
}

/* Fill the tail from the arguments. ret: accept's peer address exists only after success. With a
 * row known only at run time, the global copy_args_rt(): the verifier checks it once, not once
 * per call site and kind. */
static __always_inline __u32 copy_args(struct sc_buf *b, int sc, long ret)
{
	__u32 off = 0;
	int i;

	if (sc < 0 || sc >= PYX_SC__COUNT || !sc_has_data[sc])
		return 0;
	if (!__builtin_constant_p(sc)) {
		__u32 p = sc_one_path[sc];

		if (!p)
			return copy_args_rt(b, sc, ret);
		p -= 1;
		/* for the verifier, as in copy_arg_rt(); the mask alone lets 6 and 7 index past
		 * args[] and data[] */
		pyx_mask(p, 7);
		if (p >= PYX_SC_NARGS)
			return 0;
		return copy_str(b, p, 0, b->rec.args[p], PYX_SC_STR_MAX);
	}
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++)
		off = copy_one(b, i, off, sc_kinds[sc][i],
			       i + 1 < PYX_SC_NARGS ? sc_kinds[sc][i + 1] : 0,
			       i + 1 < PYX_SC_NARGS ? b->rec.args[i + 1] : 0, ret);
	return off;
}

static __always_inline void init_sc(struct sc_buf *b, const int sc, const struct sc_stash *st)
{
	int i;

	b->rec.nr = sc_nrs[sc];
	b->rec.sc = sc;
	b->rec.op = 0;
	b->rec.ret = 0;
	b->rec.enter_ns = st->enter_ns;
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++) {
		b->rec.args[i] = st->args[i];
		b->rec.data[i].off = 0;
		b->rec.data[i].len = 0;
		b->rec.data[i].flags = 0;
		b->rec.data[i].count = 0;
	}
}

/* A record size the verifier sees bounded at the helper call that uses it (pyx_mask's reason). */
static __always_inline __u64 send_size(__u64 size)
{
	/* 64-bit: a 32-bit compare is made on a zero-extended copy, which bounds only the copy */
	asm volatile("" : "+r"(size));
	if (size > sizeof(struct sc_buf))
		size = sizeof(struct sc_buf);
	return size;
}

/* Send syscall record b of size bytes. A global function (see copy_arg_rt()): send() inlined at
 * each of the four call sites was half of tp_sys_exit's verified instructions. */
__noinline int sc_send(struct sc_buf *b, __u64 size)
{
	if (!b)
		return 0;
	send(b, send_size(size), PYX_STREAM_SYSCALL);
	return 0;
}

static __always_inline __u32 bounded_size(__u32 off)
{
	__u32 size = sizeof(struct pyx_rec_syscall) + off;

	if (size > sizeof(struct pyx_rec_syscall) + PYX_SC_TAIL_MAX)
		size = sizeof(struct pyx_rec_syscall) + PYX_SC_TAIL_MAX;
	return size;
}

/* Evasion rows (PYX_SYSCALLS_EVASION) whose harmless forms are common or cheap to tell apart at
 * entry: only their sensitive forms make a record. sc is a constant, so all but one test folds. */
#define PER_READ_IMPLIES_EXEC 0x0400000
#define SHM_EXEC_BIT 0100000
static __always_inline bool evasion_wanted(const __u64 *args, const int sc)
{
	__u64 a;

	switch (sc) {
	case PYX_SC_pkey_mprotect:
		return args[2] & PROT_EXEC_BIT;
	case PYX_SC_personality:
		/* 0xffffffff only queries the persona */
		a = args[0];
		return (a & PER_READ_IMPLIES_EXEC) && (__u32)a != 0xffffffff;
	case PYX_SC_shmat:
		return args[2] & SHM_EXEC_BIT;
	case PYX_SC_ioctl:
		/* TIOCSTI only; the kernel takes cmd as an unsigned int, so do its upper bits */
		return (__u32)args[1] == 0x5412;
	case PYX_SC_ptrace:
		/* taking control of a task and writing into it; reading (PEEK*, GETREGS) is not */
		a = args[0];
		return a == 0 /* TRACEME */ || a == 4 || a == 5 || a == 6 /* POKE* */ || a == 13 ||
		       a == 15 /* SETREGS, SETFPREGS */ || a == 16 /* ATTACH */ ||
		       a == 0x4205 /* SETREGSET */ || a == 0x4206 /* SEIZE */;
	default:
		return true;
	}
}

/* Is the memory of this row read at entry? accept's sockaddr is written by the kernel; clone3's
 * clone_args are read at exit, and sched_fork() asks the child's tgid, not them, whether it is a
 * thread. */
static __always_inline bool reads_at_entry(int sc)
{
	if (sc < 0 || sc >= PYX_SC__COUNT || sc == PYX_SC_execve || sc == PYX_SC_execveat ||
	    sc_entry_only[sc])
		return false;
	return sc_entry_kinds[sc];
}

struct differ_ctx {
	struct sc_buf *a, *b;
	__u32 ao, bo, len;
	bool differ;
};

/* Four words of bytes_differ(). A bpf_loop() callback is verified once, where an unrolled or
 * bounded loop is walked by the verifier word by word for every path into it: with two paths per
 * record, the exit programs of the read-at-entry rows took a second each to load. Four words
 * per call, not one: each call and return costs (see raw_regs()), and a typical path fits in one
 * or two calls. */
#define DIFFER_WORDS 4
static long differ_words(__u32 k, struct differ_ctx *c)
{
	__u32 base = k * DIFFER_WORDS * 8, ao, bo, n;
	__u64 va, vb, mask;
	int j;

#pragma unroll
	for (j = 0; j < DIFFER_WORDS; j++) {
		if (base + j * 8 >= c->len)
			return 1;
		ao = c->ao + base + j * 8;
		bo = c->bo + base + j * 8;
		n = c->len - base - j * 8;
		pyx_mask(ao, TAIL_MASK);
		pyx_mask(bo, TAIL_MASK);
		__builtin_memcpy(&va, &c->a->tail[ao], 8);
		__builtin_memcpy(&vb, &c->b->tail[bo], 8);
		mask = n >= 8 ? ~0ull : (1ull << (n * 8)) - 1;
		if ((va ^ vb) & mask) {
			c->differ = true;
			return 1;
		}
	}
	return 0;
}

/* Do len bytes at tail offset ao of a and bo of b differ? Word by word; the last word masked. */
static __always_inline bool bytes_differ(struct sc_buf *a, __u32 ao, struct sc_buf *b, __u32 bo,
					 __u32 len)
{
	struct differ_ctx c = { .a = a, .b = b, .ao = ao, .bo = bo, .len = len };

	if (c.len > PYX_SC_STR_MAX)
		c.len = PYX_SC_STR_MAX;
	bpf_loop((c.len + DIFFER_WORDS * 8 - 1) / (DIFFER_WORDS * 8), differ_words, &c, 0);
	return c.differ;
}

/* compare_one()'s answer for an argument read at neither entry nor exit: no flag of the record,
 * only for sc_exit_entry_read() (an open's name is read then too) */
#define SCF_UNREAD (1 << 14)

/* compare_one()'s answer when argument i was not read at both ends, else -1: read at exit only,
 * at neither end, or at entry only. */
static __always_inline int compare_faults(const struct pyx_sc_data *de,
					  const struct pyx_sc_data *dx)
{
	if (de->flags & PYX_DF_FAULT)
		return (dx->flags & PYX_DF_PRESENT) ? PYX_SCF_READ_AT_EXIT : SCF_UNREAD;
	/* read at entry, fault at exit: the page went away (reclaim, MADV_DONTNEED), which says
	 * nothing of its bytes; a probe read cannot fault it back in */
	if (dx->flags & PYX_DF_FAULT)
		return PYX_SCF_UNVERIFIED;
	return -1;
}

/* Compare argument i, of kind kind, of the entry record e with the exit copy x; flag it in e when
 * it changed. Returns PYX_SCF_CHANGED, PYX_SCF_READ_AT_EXIT and/or PYX_SCF_UNVERIFIED. One body
 * for two drivers, as copy_one(). */
static __always_inline __u16 compare_one(struct sc_buf *e, struct sc_buf *x, __u32 i, __u8 kind)
{
	struct pyx_sc_data *de, *dx;
	int f;

	switch (kind) {
	case PYX_AK_PATH:
	case PYX_AK_STR:
	case PYX_AK_SOCKADDR:
	case PYX_AK_MSGHDR:
	case PYX_AK_BUF:
	case PYX_AK_OPEN_HOW:
	case PYX_AK_RLIMIT:
		break;
	default:
		return 0;
	}
	de = &e->rec.data[i];
	dx = &x->rec.data[i];
	f = compare_faults(de, dx);
	if (f >= 0)
		return f;
	if (de->flags != dx->flags || de->len != dx->len ||
	    ((de->flags & PYX_DF_PRESENT) && de->len &&
	     bytes_differ(e, de->off - sizeof(e->rec), x, dx->off - sizeof(x->rec), de->len))) {
		de->flags |= PYX_DF_CHANGED;
		return PYX_SCF_CHANGED;
	}
	return 0;
}

/* Argument n of a row known only at run time: a global function, as copy_arg_rt(). */
__noinline __u32 compare_arg_rt(struct sc_buf *e, struct sc_buf *x, __u32 n, __u32 sc)
{
	__u32 i = n;

	if (!e || !x || n >= PYX_SC_NARGS)
		return 0;
	pyx_mask(i, 7); /* for the verifier, as in copy_arg_rt() */
	return compare_one(e, x, i, kind_of(sc, i));
}

/* compare_one() of a row's one PATH argument i, which copy_args() put at the start of both tails
 * (sc_one_path): a path of up to four words is compared here, without bytes_differ()'s loop and
 * callback; a longer one by bytes_differ(). */
#define PATH_INLINE_WORDS 4
static __always_inline __u16 compare_path0(struct sc_buf *e, struct sc_buf *x, __u32 i, __u32 sc)
{
	struct pyx_sc_data *de = &e->rec.data[i], *dx = &x->rec.data[i];
	__u64 diff = 0, mask;
	__u32 len;
	int j, f;

	f = compare_faults(de, dx);
	if (f >= 0)
		return f;
	len = de->len;
	if (de->flags != dx->flags || len != dx->len)
		goto changed;
	if (!(de->flags & PYX_DF_PRESENT) || !len)
		return 0;
	/* not at the start of both tails: never made by copy_args(), but then the general way */
	if (de->off != sizeof(e->rec) || dx->off != sizeof(x->rec))
		return compare_arg_rt(e, x, i, sc);
	if (len > PATH_INLINE_WORDS * 8) {
		if (bytes_differ(e, 0, x, 0, len))
			goto changed;
		return 0;
	}
#pragma unroll
	for (j = 0; j < PATH_INLINE_WORDS; j++) {
		if ((__u32)j * 8 >= len)
			break;
		mask = len - j * 8 >= 8 ? ~0ull : (1ull << ((len - j * 8) * 8)) - 1;
		diff |= (*(__u64 *)&e->tail[j * 8] ^ *(__u64 *)&x->tail[j * 8]) & mask;
	}
	if (!diff)
		return 0;
changed:
	de->flags |= PYX_DF_CHANGED;
	return PYX_SCF_CHANGED;
}

/* compare_args() of a row known only at run time: the compared arguments only (sc_cmp_args). A
 * global function, as copy_args_rt(). */
__noinline __u16 compare_args_rt(struct sc_buf *e, struct sc_buf *x, __u32 sc)
{
	__u32 mask;
	__u16 out = 0;
	int i;

	if (sc >= PYX_SC__COUNT)
		return 0;
	mask = sc_cmp_args[sc];
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++)
		if (mask & (1u << i))
			out |= compare_arg_rt(e, x, i, sc);
	return out;
}

/* Compare the entry record e with the exit copies x; flag e's arguments that changed. Returns
 * PYX_SCF_CHANGED and/or PYX_SCF_READ_AT_EXIT. */
static __always_inline __u16 compare_args(struct sc_buf *e, struct sc_buf *x, int sc)
{
	__u16 out = 0;
	int i;

	if (sc < 0 || sc >= PYX_SC__COUNT)
		return 0;
	if (!__builtin_constant_p(sc)) {
		__u32 p = sc_one_path[sc];

		if (!p)
			return compare_args_rt(e, x, sc);
		p -= 1;
		pyx_mask(p, 7); /* and the bound: as in copy_args() */
		if (p >= PYX_SC_NARGS)
			return 0;
		return compare_path0(e, x, p, sc);
	}
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++)
		out |= compare_one(e, x, i, sc_kinds[sc][i]);
	return out;
}

/* ---- user stack of syscalls that can be sensitive (issue 9) ----
 * Only these pay for bpf_get_stack (the ones docs/correlation.md calls sensitive, opens only when
 * they write, create or truncate); everything else is sent as before. */
static __always_inline bool ustack_wanted(const int sc, const __u64 *args)
{
	__u64 fl;

	switch (sc) {
	case PYX_SC_openat:
		fl = args[2];
		break;
	case PYX_SC_open:
		fl = args[1];
		break;
	case PYX_SC_creat:
	case PYX_SC_openat2: /* flags are behind a pointer: always */
	case PYX_SC_execve:
	case PYX_SC_execveat:
	case PYX_SC_connect:
	case PYX_SC_bind:
	case PYX_SC_listen:
	case PYX_SC_sendto:
	case PYX_SC_unlinkat:
	case PYX_SC_unlink:
	case PYX_SC_rmdir:
	case PYX_SC_renameat2:
	case PYX_SC_renameat:
	case PYX_SC_rename:
	case PYX_SC_mkdirat:
	case PYX_SC_mkdir:
	case PYX_SC_fchmodat:
	case PYX_SC_chmod:
	case PYX_SC_fchmod:
	case PYX_SC_fchownat:
	case PYX_SC_chown:
	case PYX_SC_lchown:
	case PYX_SC_fchown:
	case PYX_SC_linkat:
	case PYX_SC_link:
	case PYX_SC_symlinkat:
	case PYX_SC_symlink:
	case PYX_SC_truncate:
	case PYX_SC_ftruncate:
	case PYX_SC_utimensat:
	case PYX_SC_kill:
	case PYX_SC_tgkill:
	case PYX_SC_mmap: /* only PROT_EXEC ones reach here */
	case PYX_SC_mprotect:
	case PYX_SC_prlimit64:
	case PYX_SC_sethostname:
		PYX_SYSCALLS_MNT(PYX_SC_CASE) /* always sensitive */
		return true;
	case PYX_SC_socket:
		/* its sensitive forms only (corr_rules.c sens_raw_socket()): AF_PACKET, SOCK_RAW,
		 * SOCK_PACKET */
		return args[0] == 17 || (args[1] & 0xf) == 3 || (args[1] & 0xf) == 10;
	default:
		return false;
	}
	/* O_WRONLY|O_RDWR, O_CREAT, O_TRUNC, __O_TMPFILE */
	return fl & (0x3 | 0x40 | 0x200 | 0x400000);
}

/* Stack dumps for the monitor's DWARF unwinder (pyxcheck_syscall.h); the loader clears this for
 * --no-stack-dump. */
const volatile bool ustack_dump_on = true;

/* A ring of slots written in place: no hash, and no copy of a whole value to take a slot, as an
 * LRU hash needs. The record names its slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PYX_USTACK_DUMPS);
	__type(key, __u32);
	__type(value, struct pyx_ustack_dump);
} ustack_dumps SEC(".maps");

__u64 ustack_next = 0;

/* Does the thread's last audit event explain the syscall of record b? Then it is used up: one
 * event spares one dump. An attacker who forges the event (sys.audit is open to any Python code)
 * gets no verdict from this, only a finding unwound from the frame-pointer walk alone. */
static __always_inline bool dump_explained(const struct sc_buf *b)
{
	struct task_struct *task;
	struct last_ev *le;
	__u32 ev, sc = b->rec.sc, tid;
	__u64 w, ts;

	if (sc >= PYX_SC__COUNT)
		return false;
	task = bpf_get_current_task_btf();
	tid = (__u32)pyx_task_pid_tgid(task);
	le = le_of(tid);
	if (!le)
		return false;
	w = READ_ONCE(le->word);
	ts = le->ts_ns;
	if ((w & LE_TAG) != le_tag(task, tid))
		return false;
	ev = w & LE_EV;
	if (ev >= PYX_EV__COUNT || b->rec.enter_ns < ts || b->rec.enter_ns - ts > PYX_EXPLAIN_NS)
		return false;
	if (!(ev_explains[ev][sc / 64] & (1ULL << (sc % 64))))
		return false;
	WRITE_ONCE(le->word, (w & ~LE_EV) | PYX_EVENT_UNKNOWN);
	return true;
}

/* A read-only open uses up the thread's last event as well: an `open` event for a file read
 * must not spare the dump of a native open for writing that follows it. le, tag: the thread's
 * entry in last_ev and its tag (le_of(), le_tag()), looked up before the exit's paths part (each
 * path reached here is verified again). */
static __always_inline void explained_open_le(int sc, struct last_ev *le, __u64 tag)
{
	__u64 w;

	if ((sc != PYX_SC_openat && sc != PYX_SC_open) || !le)
		return;
	w = READ_ONCE(le->word);
	if ((w & LE_TAG) == tag && (w & LE_EV) != PYX_EVENT_UNKNOWN)
		WRITE_ONCE(le->word, w | LE_EV);
}

static __always_inline void explained_open(int sc, struct task_struct *task)
{
	__u32 tid = (__u32)pyx_task_pid_tgid(task);

	explained_open_le(sc, le_of(tid), le_tag(task, tid));
}

/* Registers and the top of the user stack of the syscall of record b, in the next slot: returns
 * 1 + the slot, or 0. 4 KiB copies from sp at constant offsets; one that does not read (it runs
 * past the end of the stack mapping, or into a page not resident) is tried again up to the end
 * of its first page, and ends the dump. Every byte copied costs (docs/correlation.md). Slots
 * are reused after PYX_USTACK_DUMPS dumps, possibly while a
 * slow writer is still in one: the key is cleared first and written last, and the monitor
 * checks it against the record. */
static __always_inline __u32 ustack_dump(struct sc_buf *b)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pyx_ustack_dump *d;
	struct mm_struct *mm;
	struct pt_regs *regs;
	__u32 slot, len = 0, part;
	__u64 src;
	int i;

	if (!ustack_dump_on || dump_explained(b))
		return 0;
	slot = __atomic_fetch_add(&ustack_next, 1, __ATOMIC_RELAXED) & (PYX_USTACK_DUMPS - 1);
	d = bpf_map_lookup_elem(&ustack_dumps, &slot);
	if (!d)
		return 0;
	d->tid = 0;
	d->enter_ns = 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	d->ip = BPF_CORE_READ(regs, ip);
	d->sp = BPF_CORE_READ(regs, sp);
	d->bp = BPF_CORE_READ(regs, bp);
	d->base = d->sp;
	mm = BPF_CORE_READ(task, mm);
	bpf_core_read(d->auxv, sizeof(d->auxv), &mm->saved_auxv);
#pragma unroll
	for (i = 0; i < PYX_USTACK_CHUNKS; i++) {
		src = d->base + i * 4096;
		if (!bpf_probe_read_user(d->stack + i * 4096, 4096, (void *)src)) {
			len += 4096;
			continue;
		}
		part = 4096 - (src & 4095);
		if (part > 0 && part < 4096 &&
		    !bpf_probe_read_user(d->stack + i * 4096, part, (void *)src))
			len += part;
		break;
	}
	d->len = len;
	d->tid = b->rec.hdr.tid;
	d->enter_ns = b->rec.enter_ns;
	return slot + 1;
}

/* Append the user stack to the record b of size bytes; returns the new size. */
static __always_inline __u32 ustack_append(void *ctx, struct sc_buf *b, __u32 size)
{
	struct pyx_sc_ustack *u;
	__u32 at = (size - sizeof(struct pyx_rec_syscall) + 7) & ~7u; /* in the tail */
	__u32 pad = (8 - (size & 7)) & 7, w, dump;
	long n;

	dump = ustack_dump(b);

	/* a nearly full tail goes without its stack; the mask is for the verifier */
	if (at > PYX_SC_TAIL_MAX - sizeof(*u))
		return size;
	pyx_mask(at, TAIL_MASK);
	u = (void *)b->tail + at;
	n = bpf_get_stack(ctx, u->f, sizeof(u->f), BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
	if (n <= 0)
		return size;
	u->nframes = n / sizeof(u->f[0]);
	u->dump = dump;
	/* The pad bytes between the tail's end and the stack: the slot (a per-CPU scratch buffer,
	 * or the thread's copy of one) holds whatever an earlier record, maybe another process's,
	 * left there. Keep the word's first 8 - pad bytes (the tail's), zero the rest. */
	if (pad) {
		w = at - 8;
		pyx_mask(w, TAIL_MASK & ~7u);
		*(__u64 *)&b->tail[w] &= ~0ull >> (pad * 8);
	}
	b->rec.hdr.flags |= PYX_SCF_USTACK;
	return sizeof(struct pyx_rec_syscall) + at + sizeof(*u);
}

/* ustack_append() for a row known only at run time: a global function (see copy_arg_rt()) in the
 * raw programs, whose context type every kernel with global functions accepts as a context
 * argument. The per-syscall programs that fold their row keep it inline: a tracepoint program's
 * context can be given to a global function only with the "arg:ctx" tag (kernel >= 6.8, older
 * ones ignore the tag and refuse the call), which tp_sys_enter/tp_sys_exit need. */
#ifndef __arg_ctx /* libbpf >= 1.3 has it */
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#endif
__noinline __u32 ustack_append_rt(struct bpf_raw_tracepoint_args *ctx __arg_ctx, struct sc_buf *b,
				  __u32 size)
{
	if (!b)
		return size;
	return ustack_append(ctx, b, size);
}

#define USTACK_APPEND(ctx, b, size, sc)                                                            \
	(__builtin_constant_p(sc) ? ustack_append(ctx, b, size) : ustack_append_rt(ctx, b, size))

/* The record of row sc built at entry from the stashed arguments, in a scratch slot (give it
 * back with pyx_scratch_put(*busy)), its size in *size; NULL when no slot is free (counted). */
/* Build in b the record of row sc at entry, from the stashed arguments; returns its size. */
static __always_inline __u32 entry_record(struct sc_buf *b, const struct sc_stash *st, int sc,
					  __u64 id, struct task_struct *task, bool cast)
{
	__u32 size;

	init_sc(b, sc, st);
	size = bounded_size(copy_args(b, sc, 0));
	/* the entry time: an exit that sends the record sets its own */
	pyx_fill_hdr_task(&b->rec.hdr, PYX_REC_SYSCALL, size, st->enter_ns, id, task, cast);
	return size;
}

/* The entry record of a one-path row (sc_one_path) built in a scratch slot and copied into the
 * thread's slot with BPF loads and stores: the user copy's hardened-usercopy check of its
 * destination walks a slab object (the task storage) in __virt_addr_valid() and
 * __check_heap_object(), where a per-CPU scratch buffer stops at is_vmalloc_addr()
 * (docs/benchmarks.md, seventh and eighth passes). False: not built (no free scratch slot, or a
 * path longer than the copy), build it in place. */
#define ENTRY_COPY_WORDS 8
static __always_inline bool entry_via_scratch(struct thread_state *ts, const struct sc_stash *st,
					      int sc, __u64 id, struct task_struct *task, bool cast)
{
	struct sc_buf *b;
	__u64 *busy;
	__u32 size;
	int j;

	b = scratch_take(&sc_scratch, SCRATCH_SC, &busy);
	if (!b)
		return false;
	size = entry_record(b, st, sc, id, task, cast);
	if (size > sizeof(b->rec) + ENTRY_COPY_WORDS * 8) {
		pyx_scratch_put(busy);
		return false;
	}
	__builtin_memcpy(&ts->b.rec, &b->rec, sizeof(b->rec));
#pragma unroll
	for (j = 0; j < ENTRY_COPY_WORDS; j++)
		((__u64 *)ts->b.tail)[j] = ((__u64 *)b->tail)[j];
	pyx_scratch_put(busy);
	return true;
}

/* Entry of row sc in a monitored process; args are the syscall's six raw arguments. sc is a
 * constant in the per-syscall tracepoint programs and a run-time value in the raw one. id and
 * task: the current task's, which the caller has read already (each helper call costs, see
 * raw_regs()); task NULL: read here when needed. cast: the records' uid and cgroup id by direct
 * loads (pyx_fill_hdr_cast()), in the programs that load only where bpf_rdonly_cast() exists
 * (raw_enter/raw_exit, tp_sys_enter/tp_sys_exit); else by their helpers. */
static __always_inline int sc_enter(void *ctx, int sc, const __u64 *args, __u64 id,
				    struct task_struct *task, bool cast, struct thread_state *ts)
{
	__u32 tid = (__u32)id, size;
	bool exec, entry_read, entry_only;
	struct sc_stash st;
	struct sc_buf *b;
	__u64 *busy;
	int i;

	if (sc < 0 || sc >= PYX_SC__COUNT)
		return 0;
	/* Only executable mappings matter (code loaded outside the import system). */
	if ((sc == PYX_SC_mmap || sc == PYX_SC_mprotect) && !(args[2] & PROT_EXEC_BIT))
		return 0;
	if (!evasion_wanted(args, sc))
		return 0;
	st.enter_ns = bpf_ktime_get_ns();
	st.sc = sc;
	st._pad = 0;
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++)
		st.args[i] = sc_kinds[sc][i] ? args[i] : 0;

	exec = sc == PYX_SC_execve || sc == PYX_SC_execveat;
	entry_read = reads_at_entry(sc);
	entry_only = sc_entry_only[sc];
	if (!exec && !entry_read && !entry_only) {
		bpf_map_update_elem(&stash, &tid, &st, BPF_ANY);
		return 0;
	}
	/* A record built now: a row read at entry (kept in place until its exit), exec (the old
	 * image's memory is gone at exit) or an entry-only row (sent now). */
	if (!task)
		task = bpf_get_current_task_btf();
	if (entry_read) {
		if (!ts)
			ts = bpf_task_storage_get(&inflight, task, NULL,
						  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!ts) {
			lose(PYX_STREAM_SYSCALL);
			return 0;
		}
		ts->monitored = 1; /* every caller has found the process in the set */
		if (!__builtin_constant_p(sc) && sc_one_path[sc] &&
		    entry_via_scratch(ts, &st, sc, id, task, cast))
			return 0;
		entry_record(&ts->b, &st, sc, id, task, cast);
		return 0;
	}
	b = scratch_take(&sc_scratch, SCRATCH_SC, &busy);
	if (!b) {
		lose(PYX_STREAM_SYSCALL);
		return 0;
	}
	size = entry_record(b, &st, sc, id, task, cast);
	if (exec) {
		/* the old image's stack: gone at exit */
		b->rec.hdr.size = USTACK_APPEND(ctx, b, size, sc);
		bpf_map_update_elem(&exec_stash, &tid, b, BPF_ANY);
	} else {
		b->rec.hdr.flags = PYX_SCF_ENTRY;
		b->rec.hdr.ts_ns = st.enter_ns;
		sc_send(b, size);
	}
	pyx_scratch_put(busy);
	return 0;
}

/* The kernel's name (dentry) of the file an open-family syscall opened as fd, put in b's
 * data[PYX_SC_OPENED_DATA] (PYX_SCF_OPENED); returns the new size. Only for a path read at exit
 * (PYX_SCF_READ_AT_EXIT), not read again (PYX_SCF_UNVERIFIED) or not at all (a fault at both
 * ends): a second thread may have written a decoy into the buffer after the
 * kernel's copy, and what the fd refers to is the kernel's own word on what was opened
 * (docs/correlation.md, "Time of check"). A rare path: the open goal's hot path never comes
 * here. Probe reads all the way: another thread may close the fd meanwhile (then the name is of
 * whatever has the fd now, or nothing). A global function: verified once, not at each of the
 * exit programs' inlined sites; the task is read here (a trusted pointer cannot be an argument
 * before 6.8's arg:trusted tag). */
__noinline __u32 opened_name(struct sc_buf *b, __u32 size, long fd)
{
	struct pyx_sc_data *d;
	struct task_struct *task;
	struct file **fds, *f = NULL;
	const unsigned char *name;
	struct fdtable *fdt;
	__u32 off = size - sizeof(struct pyx_rec_syscall);
	long n;

	if (!b || fd < 0 || size < sizeof(struct pyx_rec_syscall) ||
	    off > PYX_SC_TAIL_MAX - PYX_OPENED_NAME_MAX)
		return size;
	d = &b->rec.data[PYX_SC_OPENED_DATA];
	task = bpf_get_current_task_btf();
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return size;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return size;
	name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	pyx_mask(off, TAIL_MASK);
	n = bpf_probe_read_kernel_str(b->tail + off, PYX_OPENED_NAME_MAX, name);
	if (n <= 0)
		return size;
	d->off = sizeof(b->rec) + off;
	d->len = n;
	d->flags = PYX_DF_PRESENT;
	d->count = 0;
	b->rec.hdr.flags |= PYX_SCF_OPENED;
	return size + n;
}

static __always_inline bool opens_fd(int sc)
{
	return sc == PYX_SC_openat || sc == PYX_SC_open || sc == PYX_SC_openat2 ||
	       sc == PYX_SC_creat;
}

/* Exit of a row read at entry: read again, compare, send the entry record (or, when the entry
 * could not read it, the exit one). */
static __always_inline int sc_exit_entry_read(void *ctx, int sc, long ret, __u64 id,
					      struct task_struct *task, bool cast)
{
	struct thread_state *ts;
	struct sc_stash st;
	struct sc_buf *e, *x, *out;
	__u64 *busy, now, tag;
	struct last_ev *le;
	__u32 size, tid;
	__u16 res = 0;
	int i;

	ts = bpf_task_storage_get(&inflight, task, NULL, 0);
	if (!ts || !ts->b.rec.hdr.size)
		return 0;
	e = &ts->b;
	if (e->rec.sc != sc)
		goto out;
	now = bpf_ktime_get_ns();
	tid = (__u32)pyx_task_pid_tgid(task);
	le = le_of(tid);
	tag = le_tag(task, tid);
	out = e;
	x = scratch_take(&sc_scratch, SCRATCH_SC, &busy);
	if (x) {
		st.enter_ns = e->rec.enter_ns;
#pragma unroll
		for (i = 0; i < PYX_SC_NARGS; i++)
			st.args[i] = e->rec.args[i];
		init_sc(x, sc, &st);
		size = bounded_size(copy_args(x, sc, ret));
		res = compare_args(e, x, sc);
		if (res & PYX_SCF_READ_AT_EXIT) {
			pyx_fill_hdr_task(&x->rec.hdr, PYX_REC_SYSCALL, size, now, id, task, cast);
			out = x;
		}
	}
	/* A record that could not be compared (no scratch slot) goes out unflagged: the entry
	 * values are still the ones the kernel used. */
	out->rec.ret = ret;
	out->rec.hdr.ts_ns = now;
	out->rec.hdr.flags = res & ~SCF_UNREAD;
	size = out->rec.hdr.size;
	if (size > sizeof(*out))
		size = sizeof(*out);
	/* a path the record cannot be trusted on (read at exit, or not checked at exit: a rewrite
	 * between the entry read and the kernel's copy, then the page zapped) or does not have
	 * (read at neither end) */
	if ((res & (PYX_SCF_READ_AT_EXIT | PYX_SCF_UNVERIFIED | SCF_UNREAD)) && ret >= 0 &&
	    opens_fd(sc)) {
		size = opened_name(out, size, ret);
		out->rec.hdr.size = size;
	}
	/* the thread is still in the same syscall: its user stack is the one of the entry */
	if (ustack_wanted(sc, e->rec.args)) {
		size = USTACK_APPEND(ctx, out, size, sc);
		out->rec.hdr.size = size;
	} else {
		explained_open_le(sc, le, tag);
	}
	sc_send(out, size);
	if (x)
		pyx_scratch_put(busy);
out:
	e->rec.hdr.size = 0; /* nothing in flight */
	return 0;
}

/* id, task and cast as for sc_enter() */
static __always_inline int sc_exit(void *ctx, int sc, long ret, __u64 id, struct task_struct *task,
				   bool cast)
{
	__u32 tid = (__u32)id, off, size;
	struct sc_stash *st;
	struct sc_buf *b;
	__u64 *busy;

	if (sc < 0 || sc >= PYX_SC__COUNT)
		return 0;
	if (sc == PYX_SC_execve || sc == PYX_SC_execveat) {
		/* After a successful exec this runs in the new image, still with ret 0. */
		b = bpf_map_lookup_elem(&exec_stash, &tid);
		if (!b)
			return 0;
		if (b->rec.sc == sc) {
			size = b->rec.hdr.size;
			if (size > sizeof(*b))
				size = sizeof(*b);
			b->rec.ret = ret;
			b->rec.hdr.ts_ns = bpf_ktime_get_ns();
			sc_send(b, size);
		}
		bpf_map_delete_elem(&exec_stash, &tid);
		return 0;
	}

	if (reads_at_entry(sc))
		return sc_exit_entry_read(ctx, sc, ret, id, task ?: bpf_get_current_task_btf(),
					  cast);

	st = bpf_map_lookup_elem(&stash, &tid);
	if (!st)
		return 0;
	if (st->sc != (__u32)sc)
		goto out;
	if (!task)
		task = bpf_get_current_task_btf();
	b = scratch_take(&sc_scratch, SCRATCH_SC, &busy);
	if (!b) {
		lose(PYX_STREAM_SYSCALL);
		goto out;
	}
	init_sc(b, sc, st);
	b->rec.ret = ret;
	off = copy_args(b, sc, ret);
	size = bounded_size(off);
	pyx_fill_hdr_task(&b->rec.hdr, PYX_REC_SYSCALL, size, bpf_ktime_get_ns(), id, task, cast);
	if (ustack_wanted(sc, st->args)) {
		size = USTACK_APPEND(ctx, b, size, sc);
		b->rec.hdr.size = size;
	} else {
		explained_open(sc, task);
	}
	sc_send(b, size);
	pyx_scratch_put(busy);
out:
	bpf_map_delete_elem(&stash, &tid);
	return 0;
}

/* The per-syscall tracepoint programs. A program may read only its own syscall's arguments (the
 * kernel refuses to attach one that reads past the tracepoint's record: EACCES), one load per
 * field (the verifier also refuses a moved context pointer); sc is a constant, so this folds. */
static __always_inline int tp_enter(struct trace_event_raw_sys_enter *ctx, const int sc)
{
	__u64 args[PYX_SC_NARGS] = {}, id = bpf_get_current_pid_tgid();

	if (!is_monitored(id >> 32))
		return 0;
	if (sc_kinds[sc][0])
		args[0] = ctx->args[0];
	if (sc_kinds[sc][1])
		args[1] = ctx->args[1];
	if (sc_kinds[sc][2])
		args[2] = ctx->args[2];
	if (sc_kinds[sc][3])
		args[3] = ctx->args[3];
	if (sc_kinds[sc][4])
		args[4] = ctx->args[4];
	if (sc_kinds[sc][5])
		args[5] = ctx->args[5];
	return sc_enter(ctx, sc, args, id, NULL, false, NULL);
}

#define PYX_SC_PROGS(name, nr, rk, k0, a0, k1, a1, k2, a2, k3, a3, k4, a4, k5, a5)                 \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                                \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                                    \
	{                                                                                          \
		return tp_enter(ctx, PYX_SC_##name);                                               \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                                 \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                                      \
	{                                                                                          \
		__u64 id = bpf_get_current_pid_tgid();                                             \
                                                                                                   \
		if (monitored_clear(id >> 32))                                                     \
			return 0;                                                                  \
		return sc_exit(ctx, PYX_SC_##name, ctx->ret, id, NULL, false);                     \
	}
PYX_SYSCALLS(PYX_SC_PROGS)
#undef PYX_SC_PROGS

/*
 * The same two bodies, each one program for every per-syscall tracepoint: the loader attaches
 * tp_sys_enter to each traced row's syscalls:sys_enter_X and tp_sys_exit to its sys_exit_X, so
 * the verifier checks two programs with the row known only at run time (as in the raw ones)
 * instead of ~120 with it folded, ~25x fewer verified instructions (docs/benchmarks.md). The
 * row comes from the syscall number in the record, which every sys_enter_X/sys_exit_X has; the
 * arguments from the saved user registers, which the record's args[] copies (reading args[i]
 * past a syscall's own arguments would make the kernel refuse the attach, see tp_enter()).
 * They pass the context to ustack_append_rt(), so they load only where the kernel knows the
 * "arg:ctx" tag: the loader probes it (bpf/ctxprobe.bpf.c) and falls back to the programs above.
 */
static __always_inline int tp_row(const void *ctx)
{
	/* The record's __syscall_nr is an int at offset 8 (vmlinux.h's long id is wider): an
	 * 8-byte load there would reach past sys_enter_fork's record (no arguments), EACCES. */
	int nr = *(const int *)(ctx + 8);

	if (nr < 0 || nr >= PYX_NR_MAX)
		return -1;
	return sc_of_nr[nr] - 1;
}

SEC("tracepoint")
int tp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 args[PYX_SC_NARGS], id = bpf_get_current_pid_tgid();
	struct pt_regs *regs;
	int sc;

	if (!is_monitored(id >> 32))
		return 0;
	sc = tp_row(ctx);
	if (sc < 0)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	/* what tp_enter() reads: the x86-64 syscall ABI (di, si, dx, r10, r8, r9), the arguments
	 * the row does not read left 0 */
	args[0] = kind_of(sc, 0) ? regs->di : 0;
	args[1] = kind_of(sc, 1) ? regs->si : 0;
	args[2] = kind_of(sc, 2) ? regs->dx : 0;
	args[3] = kind_of(sc, 3) ? regs->r10 : 0;
	args[4] = kind_of(sc, 4) ? regs->r8 : 0;
	args[5] = kind_of(sc, 5) ? regs->r9 : 0;
	return sc_enter(ctx, sc, args, id, NULL, true, NULL);
}

SEC("tracepoint")
int tp_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	int sc;

	if (monitored_clear(id >> 32))
		return 0;
	sc = tp_row(ctx);
	if (sc < 0)
		return 0;
	return sc_exit(ctx, sc, ctx->ret, id, NULL, true);
}

/*
 * The raw tracepoints: two programs for every row, for short CLI sessions (the loader picks them
 * for `pyxcheck -- COMMAND`). Two links load, attach and detach in milliseconds where the ~140
 * per-syscall ones take seconds (each detach waits for a grace period under the kernel's
 * event_mutex, which every other tracepoint attach on the machine then waits for), but they run
 * for every syscall of every process: docs/benchmarks.md has the trade.
 *
 * The row comes from the syscall number, the arguments from the saved user registers. A 32-bit
 * (int $0x80, compat) syscall has its own numbers and register layout, and the per-syscall
 * tracepoints never see it: here it is not decoded either, but counted per monitored process
 * (compat_syscalls), so that the monitor can say it happened.
 */
#define TS_COMPAT_BIT 0x0002

/* 32-bit syscalls of monitored processes that the raw programs saw and did not decode. */
__u64 compat_syscalls = 0;

/* Direct loads through the BTF pointers of the current task and its user registers: these run
 * for every syscall of every process, and a bpf_probe_read_kernel() per field (BPF_CORE_READ on
 * an untyped pointer) was ~4% of a traced Python open loop (docs/benchmarks.md). */
static __always_inline bool in_compat_syscall(struct task_struct *task)
{
	return task->thread_info.status & TS_COMPAT_BIT;
}

/* The traced row of this syscall number in a monitored process, or -1. The row comes first: most
 * syscalls (a Python open loop's fstat, ioctl, lseek and close) are not traced, and a load from
 * the table is the cheapest test; then the tgid's bit in monitored_bits, which turns away every
 * other process's traced syscall with one more load. A 32-bit syscall is counted whatever its
 * number. At the exit (count_compat false) the monitored set itself is not looked up, as
 * tp_sys_exit and the exit_X programs do not: an exit sends only what its entry kept (the stash,
 * the in-flight slot, exec_stash), which the entry kept for a monitored process only, and a
 * process leaves the set only when it exits (sched_exit). One hash lookup less per traced
 * syscall. */
static __always_inline int raw_row(struct task_struct *task, long nr, bool count_compat, __u64 *id,
				   struct thread_state **ts, bool cast)
{
	bool compat;
	int sc;

	if (nr < 0 || nr >= PYX_NR_MAX)
		return -1;
	compat = in_compat_syscall(task);
	if (compat && !count_compat)
		return -1;
	sc = sc_of_nr[nr];
	if (!compat && !sc)
		return -1;
	*id = pyx_task_pid_tgid(task);
	if (monitored_clear(*id >> 32))
		return -1;
	if (!count_compat)
		return compat ? -1 : sc - 1;
	/* A row read at entry needs the thread's slot anyway (sc_enter()): a slot marked monitored
	 * answers for the set, which its process leaves only when it exits (on_audit() does the
	 * same). One hash lookup less per such syscall of a monitored thread. Only a task that has
	 * task storage at all is looked up (task->bpf_storage, one load through the retyped task):
	 * another process's open would pay a task-storage call that finds nothing, which cost it
	 * more than the hash lookup it saves here (docs/benchmarks.md, eighth pass). */
	if (cast && !compat && reads_at_entry(sc - 1) &&
	    ((struct task_struct *)bpf_rdonly_cast(task, kernel_btf_task_struct))->bpf_storage) {
		*ts = bpf_task_storage_get(&inflight, task, NULL, 0);
		if (*ts && (*ts)->monitored)
			return sc - 1;
	}
	if (!is_monitored(*id >> 32))
		return -1;
	if (compat) {
		__sync_fetch_and_add(&compat_syscalls, 1);
		return -1;
	}
	return sc - 1;
}

/* struct pt_regs's id in the kernel's BTF, as kernel_btf_task_struct (above) */
const volatile __u32 kernel_btf_pt_regs = 0;

/* The syscall's user registers, ctx->args[0] of both raw tracepoints (x86-64's syscall entry passes
 * task_pt_regs(current)), typed through bpf_rdonly_cast(), which the verifier turns into a move:
 * bpf_task_pt_regs() (with bpf_get_current_task_btf() for its argument) was two helper calls on
 * every syscall of every process, and on this kind of machine each call's return goes through
 * the kernel's return-thunk mitigation (~1.5% of a traced Python open loop for the one helper).
 * Loads through the cast are exception-handled (a bad pointer reads 0), never a helper call.
 *
 * bpf_rdonly_cast() came in Linux 6.2 (Debian 12 runs 6.1): the kfunc is weak, and raw_enter_slow/
 * raw_exit_slow, the same bodies with the two helpers, are the programs the loader picks where it
 * is missing (their code has no call to it, which a 6.1 verifier refuses even in dead code). */
static __always_inline struct pt_regs *raw_regs(const struct bpf_raw_tracepoint_args *ctx,
						struct task_struct *task, bool cast)
{
	if (cast)
		return bpf_rdonly_cast((void *)ctx->args[0], kernel_btf_pt_regs);
	return (struct pt_regs *)bpf_task_pt_regs(task);
}

static __always_inline int raw_enter_body(struct bpf_raw_tracepoint_args *ctx, bool cast)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 args[PYX_SC_NARGS], id = 0;
	struct thread_state *ts = NULL;
	struct pt_regs *regs;
	int sc = raw_row(task, ctx->args[1], true, &id, &ts, cast);

	if (sc < 0)
		return 0;
	regs = raw_regs(ctx, task, cast);
	/* the x86-64 syscall ABI: di, si, dx, r10, r8, r9 */
	args[0] = regs->di;
	args[1] = regs->si;
	args[2] = regs->dx;
	args[3] = regs->r10;
	args[4] = regs->r8;
	args[5] = regs->r9;
	return sc_enter(ctx, sc, args, id, task, cast, ts);
}

static __always_inline int raw_exit_body(struct bpf_raw_tracepoint_args *ctx, bool cast)
{
	struct task_struct *task = cast ? NULL : bpf_get_current_task_btf();
	long nr = raw_regs(ctx, task, cast)->orig_ax;
	__u64 id = 0;
	int sc;

	/* An untraced number leaves before any helper call, whatever the task: the exit counts no
	 * 32-bit syscall (raw_enter does), so the task is read only for a traced row. */
	if (nr < 0 || nr >= PYX_NR_MAX || !sc_of_nr[nr])
		return 0;
	if (cast)
		task = bpf_get_current_task_btf();
	sc = raw_row(task, nr, false, &id, NULL, cast);
	if (sc < 0)
		return 0;
	return sc_exit(ctx, sc, (long)ctx->args[1], id, task, cast);
}

SEC("raw_tp/sys_enter")
int raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return raw_enter_body(ctx, true);
}

SEC("raw_tp/sys_exit")
int raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return raw_exit_body(ctx, true);
}

SEC("raw_tp/sys_enter")
int raw_enter_slow(struct bpf_raw_tracepoint_args *ctx)
{
	return raw_enter_body(ctx, false);
}

SEC("raw_tp/sys_exit")
int raw_exit_slow(struct bpf_raw_tracepoint_args *ctx)
{
	return raw_exit_body(ctx, false);
}

/* ---------------------------------------------------------------------------------------------
 * Process tree.
 * ------------------------------------------------------------------------------------------- */

/* A process record in a scratch slot (scratch_put(*busy) after sending), or NULL, counted lost. */
static __always_inline struct proc_buf *proc_begin(__u32 kind, __u64 **busy)
{
	struct proc_buf *b = scratch_take(&proc_scratch, SCRATCH_PROC, busy);
	struct task_struct *task;

	if (!b) {
		lose(PYX_STREAM_PROCESS);
		return NULL;
	}
	__builtin_memset(&b->rec, 0, sizeof(b->rec));
	pyx_fill_hdr(&b->rec.hdr, PYX_REC_PROCESS, sizeof(b->rec));
	b->rec.kind = kind;
	task = (struct task_struct *)bpf_get_current_task();
	b->rec.ppid = BPF_CORE_READ(task, real_parent, tgid);
	return b;
}

/* Send a process record of size bytes. A global function (see copy_arg_rt()): one send() for
 * the three programs' paths, verified once per program instead of once per calling state. */
__noinline int proc_send(struct proc_buf *b, __u64 size)
{
	if (!b)
		return 0;
	if (size > sizeof(*b))
		size = sizeof(*b);
	send(b, size, PYX_STREAM_PROCESS);
	return 0;
}

/* The process tree's programs are raw tracepoints (their arguments are the TP_PROTO's, the
 * fields below read from the kernel's structs as the trace event's TP_fast_assign does), not
 * perf-event tracepoints: a raw_tp link detaches in milliseconds and takes no event_mutex, where
 * each closed perf event waits two RCU-tasks-trace grace periods under it (issue 10). */

/* A thread group leader's pid as seen inside its own pid namespace, and that namespace's inode
 * (0: unknown): numbers[level] of its struct pid, the innermost namespace, the one the process
 * sees itself in and reads its syscalls' pid arguments in. */
static __always_inline void task_pidns(struct pyx_rec_process *r, struct task_struct *task)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);
	struct upid up = {};
	unsigned int level;

	/* and its mount namespace (FORK: the child's, a new one after clone(CLONE_NEWNS)) */
	r->mntns_ino = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	if (!p)
		return;
	level = BPF_CORE_READ(p, level);
	if (bpf_probe_read_kernel(&up, sizeof(up),
				  (void *)p + bpf_core_field_offset(struct pid, numbers) +
					  (__u64)level * bpf_core_type_size(struct upid)))
		return;
	r->ns_pid = up.nr;
	if (up.ns)
		r->pidns_ino = BPF_CORE_READ(up.ns, ns.inum);
}

/* sched_process_fork(struct task_struct *parent, struct task_struct *child) */
SEC("raw_tp/sched_process_fork")
int sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 child = BPF_CORE_READ((struct task_struct *)ctx->args[1], pid);
	struct proc_buf *b;
	__u64 *busy;
	bool thread, unmonitored = false;

	if (!is_monitored(tgid))
		return 0;
	/* The kernel's answer, not user memory: clone3's clone_args may have been rewritten since
	 * the kernel copied them (its own CLONE_PIDFD write can aim at their flags, or a second
	 * thread), and a child taken for a thread would never join the monitored set. */
	thread = (__u32)BPF_CORE_READ((struct task_struct *)ctx->args[1], tgid) == tgid;
	/* A full set must not hide the child silently: counted, reported in-band, and flagged. */
	if (!thread && monitored_add(child, BPF_ANY)) {
		lose(PYX_STREAM_UNMONITORED);
		unmonitored = true;
	}
	b = proc_begin(PYX_PROC_FORK, &busy);
	if (!b)
		return 0;
	b->rec.child_pid = thread ? tgid : child;
	b->rec.child_tid = child;
	if (thread)
		b->rec.hdr.flags = PYX_PRF_THREAD;
	else /* its own namespace may be new (CLONE_NEWPID, unshare): the correlator's self_signal */
		task_pidns(&b->rec, (struct task_struct *)ctx->args[1]);
	if (unmonitored)
		b->rec.hdr.flags = PYX_PRF_UNMONITORED;
	proc_send(b, sizeof(b->rec));
	pyx_scratch_put(busy);
	return 0;
}

/* Issue 8: the new image's file, as exec opened it, has no name left (memfd, unlinked file). */
static __always_inline __u16 exe_flags(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct dentry *d = BPF_CORE_READ(task, mm, exe_file, f_path.dentry);
	const unsigned char *name;
	char head[6] = {};
	__u16 flags = 0;

	if (!d)
		return 0;
	/* d_unhashed(): a deleted file's dentry is dropped, a pseudo file's (memfd) never hashed */
	if (!BPF_CORE_READ(d, d_hash.pprev) || !BPF_CORE_READ(d, d_inode, __i_nlink))
		flags |= PYX_PRF_EXE_DELETED;
	name = BPF_CORE_READ(d, d_name.name);
	if (flags && name && !bpf_probe_read_kernel(head, sizeof(head), name) && head[0] == 'm' &&
	    head[1] == 'e' && head[2] == 'm' && head[3] == 'f' && head[4] == 'd' && head[5] == ':')
		flags |= PYX_PRF_EXE_MEMFD;
	return flags;
}

/* Issue 11: who the process is, read once per exec (user space caches it per exec): euid, login
 * uid, its pid as seen inside its pid namespace and that namespace's inode. Plain CO-RE reads of
 * the current task, which is the thread group leader after exec. */
static __always_inline void exec_identity(struct pyx_rec_process *r, struct task_struct *task)
{
	struct inode *ino = BPF_CORE_READ(task, mm, exe_file, f_inode);

	if (ino) {
		r->exe_ino = BPF_CORE_READ(ino, i_ino);
		r->exe_dev = BPF_CORE_READ(ino, i_sb, s_dev);
	}
	r->euid = BPF_CORE_READ(task, cred, euid.val);
	r->auid = 0xffffffff;
	if (bpf_core_field_exists(task->loginuid))
		r->auid = BPF_CORE_READ(task, loginuid.val);
	task_pidns(r, task);
}

/* The new image's argv after the filename (at off): the arg pages were just filled by exec, so
 * the copy does not fault, and the process has not run a single instruction yet. */
static __always_inline __u64 exec_argv(struct proc_buf *b, struct task_struct *task, __u64 off)
{
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u64 len;

	if (!start || end <= start) {
		b->rec.hdr.flags |= PYX_PRF_ARGV_FAULT;
		return 0;
	}
	len = end - start;
	if (len > PYX_PROC_ARGV_MAX) {
		len = PYX_PROC_ARGV_MAX;
		b->rec.hdr.flags |= PYX_PRF_ARGV_TRUNCATED;
	}
	pyx_mask(off, 2 * PYX_SC_STR_MAX - 1);
	pyx_mask(len, 2 * PYX_PROC_ARGV_MAX - 1);
	if (!len || bpf_probe_read_user(b->tail + off, len, (const void *)start)) {
		b->rec.hdr.flags |= PYX_PRF_ARGV_FAULT;
		return 0;
	}
	b->rec.argv_off = sizeof(b->rec) + off;
	b->rec.argv_len = len;
	return len;
}

/* The exec record after its filename (n bytes at the tail's start): identity and argv. Its size.
 * A global function (see copy_arg_rt()): sched_exec went from 47k to 20k verified instructions. */
__noinline __u64 exec_fill_rest(struct proc_buf *b, __u64 n)
{
	struct task_struct *task;
	__u64 size;

	if (!b)
		return 0;
	if (n > PYX_SC_STR_MAX)
		n = PYX_SC_STR_MAX;
	task = (struct task_struct *)bpf_get_current_task();
	exec_identity(&b->rec, task);
	size = n + exec_argv(b, task, n);
	pyx_mask(size, 4 * PYX_SC_STR_MAX - 1);
	if (size > PYX_SC_STR_MAX + PYX_PROC_ARGV_MAX)
		size = 0; /* never: n and the argv are bounded; this tells the verifier */
	b->rec.hdr.size = sizeof(b->rec) + size;
	return sizeof(b->rec) + size;
}

/* The exec record but for its issue 8 syscall flag: filename, identity, argv; bprm is the
 * kernel's struct linux_binprm. Its size, bounded for send() (exec_fill_rest()'s result is
 * unknown to the verifier). A global function (see copy_arg_rt()): sched_exec fills a record on
 * two paths. */
__noinline __u64 exec_fill(struct proc_buf *b, __u32 old_tid, __u64 bprm)
{
	const char *filename = BPF_CORE_READ((struct linux_binprm *)bprm, filename);
	__u64 size;
	long n;

	if (!b)
		return 0;
	b->rec.old_tid = old_tid;
	b->rec.hdr.flags = exe_flags();
	/* PYX_PRF_KNAME: a name the kernel made (alloc_bprm(): filename = fdpath), which no
	 * caller's string can be, even one that reads the same ("/dev/fd/3", absolute) */
	if (bpf_core_field_exists(((struct linux_binprm *)bprm)->fdpath) && filename &&
	    filename == BPF_CORE_READ((struct linux_binprm *)bprm, fdpath))
		b->rec.hdr.flags |= PYX_PRF_KNAME;
	n = bpf_probe_read_kernel_str(b->tail, PYX_SC_STR_MAX, filename);
	if (n > 0) {
		b->rec.filename_off = sizeof(b->rec);
		b->rec.filename_len = n;
		if (n == PYX_SC_STR_MAX)
			b->rec.hdr.flags |= PYX_PRF_TRUNCATED;
	} else {
		n = 0;
		b->rec.hdr.flags |= PYX_PRF_FAULT;
	}
	size = exec_fill_rest(b, n);
	asm volatile("" : "+r"(size));
	if (size > sizeof(*b))
		size = sizeof(*b);
	return size;
}

/* sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("raw_tp/sched_process_exec")
int sched_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 old = (__u32)ctx->args[1];
	__u32 pid = BPF_CORE_READ((struct task_struct *)ctx->args[0], pid);
	struct proc_buf *b;
	struct sc_buf *e;
	__u64 *busy, size;

	if (!is_monitored(tgid)) {
		if (monitor_all) {
			/* not proc_begin(): no record of this process is due, so none is lost */
			b = scratch_take(&proc_scratch, SCRATCH_PROC, &busy);
			if (!b)
				return 0;
			__builtin_memset(&b->rec, 0, sizeof(b->rec));
			pyx_fill_hdr(&b->rec.hdr, PYX_REC_PROCESS, sizeof(b->rec));
			b->rec.kind = PYX_PROC_EXEC;
			b->rec.ppid = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(),
						    real_parent, tgid);
			exec_fill(b, old, ctx->args[2]);
			bpf_map_update_elem(&exec_ctx, &tgid, b, BPF_ANY);
			pyx_scratch_put(busy);
		}
		return 0;
	}
	/* A non-leader thread that execs takes the leader's tid: move its execve record along. */
	if (old != pid) {
		e = bpf_map_lookup_elem(&exec_stash, &old);
		if (e) {
			bpf_map_update_elem(&exec_stash, &pid, e, BPF_ANY);
			bpf_map_delete_elem(&exec_stash, &old);
		}
	}
	e = bpf_map_lookup_elem(&exec_stash, &pid);
	b = proc_begin(PYX_PROC_EXEC, &busy);
	if (!b)
		goto complete;
	size = exec_fill(b, old, ctx->args[2]);
	if (!e && exec_traced)
		b->rec.hdr.flags |= PYX_PRF_NO_EXEC_SYSCALL;
	proc_send(b, size);
	pyx_scratch_put(busy);
complete:
	/* The exec succeeded: its syscall record is complete now. Sent here, not from
	 * sys_exit_execveat, which this kernel does not run after a successful execveat; the exit
	 * program then finds nothing left. The process record goes first, as before. */
	if (e) {
		__u32 size = e->rec.hdr.size;

		if (size > sizeof(*e))
			size = sizeof(*e);
		e->rec.ret = 0;
		e->rec.hdr.ts_ns = bpf_ktime_get_ns();
		send(e, size, PYX_STREAM_SYSCALL);
		bpf_map_delete_elem(&exec_stash, &pid);
	}
	return 0;
}

/* sched_process_exit(struct task_struct *p, bool group_dead); older kernels pass no group_dead.
 * The trace event's entry gained its group_dead field with the argument, so the entry's BTF says
 * which prototype this kernel has. */
SEC("raw_tp/sched_process_exit")
int sched_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *task;
	struct proc_buf *b;
	__u64 *busy;
	bool group_dead;

	if (!is_monitored(tgid)) {
		/* -a: a process that never joined takes its exec record along (exec_ctx) */
		if (monitor_all && (__u32)bpf_get_current_pid_tgid() == tgid)
			bpf_map_delete_elem(&exec_ctx, &tgid);
		return 0;
	}
	task = (struct task_struct *)bpf_get_current_task();
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit, group_dead))
		group_dead = (bool)ctx->args[1];
	else
		group_dead = BPF_CORE_READ(task, signal, live.counter) == 0;
	if (!group_dead)
		return 0;
	monitored_del(tgid);
	b = proc_begin(PYX_PROC_EXIT, &busy);
	if (!b)
		return 0;
	b->rec.exit_code = BPF_CORE_READ(task, exit_code);
	proc_send(b, sizeof(b->rec));
	pyx_scratch_put(busy);
	return 0;
}

/* ---------------------------------------------------------------------------------------------
 * io_uring (issue 8).
 *
 * A ring does the work of openat, connect, unlinkat, send... without those syscalls, so their
 * tracepoints never fire. io_uring:io_uring_submit_req fires in the submitting thread after the
 * request's prep, when the kernel has already copied what the request names (the path as a struct
 * filename, the sockaddr into the request's async data): the record of the equivalent syscall is
 * built there from the kernel's copy (nothing the process can rewrite afterwards), kept per
 * request, and sent by io_uring:io_uring_complete with the CQE's result, whichever task completes
 * it. Both programs cost one map lookup per request machine-wide, nothing for other processes'
 * syscalls; they are attached only when the tracepoints exist. Raw tracepoints, like the process
 * tree's (see sched_fork): the request and the CQE are read from the kernel's structs.
 *
 * Never silent: a request whose success posts no CQE (IOSQE_CQE_SKIP_SUCCESS), or that finds the
 * table full, is sent at submission with PYX_SCF_NO_RESULT; a request whose slot still holds an
 * older record (a request completed without a traced CQE) sends that older one first.
 * ------------------------------------------------------------------------------------------- */

#define PYX_URING_INFLIGHT 256

/* Set by the loader from the kernel's BTF: io_uring_complete(ctx, req, struct io_uring_cqe *cqe);
 * older kernels pass (ctx, req, u64 user_data, int res, unsigned cflags, u64 extra1,
 * u64 extra2). */
const volatile bool uring_complete_cqe = true;

/* io_kiocb address -> the record built at submission. A plain hash, not LRU: a full table must
 * make the record go out at once, never evict an unsent one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PYX_URING_INFLIGHT);
	__type(key, __u64);
	__type(value, struct sc_buf);
} uring_reqs SEC(".maps");

/* Opcodes newer than a kernel the object may be built on (vmlinux.h is the build machine's):
 * their uapi numbers, which never change, and the requests' structs as local flavors that CO-RE
 * matches by the name before "___" (io_uring/truncate.c, io_uring/net.c). Each access to them is
 * guarded by bpf_core_type_exists(): on a kernel without the opcode the reads are never walked,
 * and no such request is ever submitted there anyway. */
#define PYX_IORING_OP_FTRUNCATE 55 /* 6.9 */
#define PYX_IORING_OP_BIND 56      /* 6.11 */
#define PYX_IORING_OP_LISTEN 57    /* 6.11 */
#define PYX_URING_OPS 64           /* the table's size: more than any opcode traced */

struct io_ftrunc___pyx {
	struct file *file;
	loff_t len;
} __attribute__((preserve_access_index));

struct io_bind___pyx {
	struct file *file;
	int addr_len;
} __attribute__((preserve_access_index));

struct io_listen___pyx {
	struct file *file;
	int backlog;
} __attribute__((preserve_access_index));

/* io_uring opcode -> row + 1 (0: not traced). A table where a switch was: each of the switch's
 * rows went on as a constant that the verifier walked the whole of uring_submit() with, once
 * per row. */
static const __u8 uring_sc_of[PYX_URING_OPS] = {
	[IORING_OP_OPENAT] = PYX_SC_openat + 1,
	[IORING_OP_OPENAT2] = PYX_SC_openat2 + 1,
	[IORING_OP_UNLINKAT] = PYX_SC_unlinkat + 1,
	[IORING_OP_RENAMEAT] = PYX_SC_renameat2 + 1,
	[IORING_OP_MKDIRAT] = PYX_SC_mkdirat + 1,
	[IORING_OP_SYMLINKAT] = PYX_SC_symlinkat + 1,
	[IORING_OP_LINKAT] = PYX_SC_linkat + 1,
	[IORING_OP_CONNECT] = PYX_SC_connect + 1,
	[IORING_OP_SEND] = PYX_SC_sendto + 1,
	[IORING_OP_SEND_ZC] = PYX_SC_sendto + 1,
	[IORING_OP_SENDMSG] = PYX_SC_sendmsg + 1,
	[IORING_OP_SENDMSG_ZC] = PYX_SC_sendmsg + 1,
	[IORING_OP_SETXATTR] = PYX_SC_setxattr + 1,
	[IORING_OP_FSETXATTR] = PYX_SC_fsetxattr + 1,
	[IORING_OP_SOCKET] = PYX_SC_socket + 1,
	[PYX_IORING_OP_FTRUNCATE] = PYX_SC_ftruncate + 1,
	[PYX_IORING_OP_BIND] = PYX_SC_bind + 1,
	[PYX_IORING_OP_LISTEN] = PYX_SC_listen + 1,
};

/* The row of opcode op + 1, 0 when it is not traced. */
static __always_inline __u64 uring_row(__u8 op)
{
	__u64 at = op;

	/* 64-bit: as in send_size() */
	asm volatile("" : "+r"(at));
	if (at >= PYX_URING_OPS)
		return 0;
	return uring_sc_of[at];
}

/* copy_str() for a string the kernel already holds (struct filename's name). */
static __always_inline __u32 copy_kstr(struct sc_buf *b, int i, __u32 off, const char *p)
{
	struct pyx_sc_data *d = &b->rec.data[i];
	long n;
	char c = 0;

	if (!p) {
		d->flags = PYX_DF_NULL;
		return off;
	}
	pyx_mask(off, TAIL_MASK);
	n = bpf_probe_read_kernel_str(&b->tail[off], PYX_SC_STR_MAX, p);
	if (n <= 0) {
		d->flags = PYX_DF_FAULT;
		return off;
	}
	d->flags = PYX_DF_PRESENT;
	if (n == PYX_SC_STR_MAX && (bpf_probe_read_kernel(&c, 1, p + n - 1) || c))
		d->flags |= PYX_DF_TRUNCATED;
	d->off = sizeof(b->rec) + off;
	d->len = n;
	return off + n;
}

static __always_inline __u32 copy_kbytes(struct sc_buf *b, int i, __u32 off, const void *p,
					 __u32 len, __u32 max)
{
	struct pyx_sc_data *d = &b->rec.data[i];

	d->flags = PYX_DF_PRESENT;
	if (len > max) {
		len = max;
		d->flags |= PYX_DF_TRUNCATED;
	}
	pyx_mask(off, TAIL_MASK);
	pyx_mask(len, PYX_SC_STR_MAX - 1);
	if (bpf_probe_read_kernel(&b->tail[off], len, p)) {
		d->flags = PYX_DF_FAULT;
		return off;
	}
	d->off = sizeof(b->rec) + off;
	d->len = len;
	return off + len;
}

/*
 * Where an IORING_OP_BIND request keeps the kernel's copy of its sockaddr (the prep keeps no user
 * pointer): at the start of its async data, a bare struct sockaddr_storage, or in the addr field
 * of a struct io_async_msghdr there. Kernels differ, and not by anything their BTF shows: the
 * move to the bare sockaddr (upstream "io_uring/net: Avoid msghdr on op_connect/op_bind async
 * data") was backported within stable series, types unchanged. So the monitor asks the kernel
 * once at start: it binds a socket of its own through a ring of its own, to the sockaddr below,
 * with uring_calib_tgid set to its tgid, and uring_calibrate() looks for those bytes at both
 * places (user/monitor/capture_loader.c calibrate_uring_bind()). 0: not known (the address is
 * not read), 1: at the start, 2: in io_async_msghdr.addr.
 */
volatile __u32 uring_calib_tgid;
volatile __u32 uring_bind_at;
/* AF_INET, port 0, 127.0.0.1: the first 8 bytes as a little-endian word. Never a kernel pointer
 * or 0, which io_async_msghdr starts with (its iou_vec's pointer). */
#define PYX_URING_CALIB_WORD 0x0100007f00000002ULL

static __always_inline void uring_calibrate(struct io_kiocb *req, __u8 op)
{
	struct io_async_msghdr *io;
	__u64 w = 0;

	if (op != PYX_IORING_OP_BIND || !bpf_core_type_exists(struct io_bind___pyx))
		return;
	io = BPF_CORE_READ(req, async_data);
	if (!io)
		return;
	if (!bpf_probe_read_kernel(&w, sizeof(w), io) && w == PYX_URING_CALIB_WORD) {
		uring_bind_at = 1;
		return;
	}
	w = 0;
	if (!bpf_probe_read_kernel(&w, sizeof(w), &io->addr) && w == PYX_URING_CALIB_WORD)
		uring_bind_at = 2;
}

/* The sockaddr of a BIND request as data of argument 1, len bytes of the kernel's copy; read only
 * where the calibration found it. */
static __always_inline __u32 uring_bind_addr(struct sc_buf *b, __u32 off, struct io_kiocb *req,
					     int len)
{
	struct io_async_msghdr *io = BPF_CORE_READ(req, async_data);
	__u32 at = uring_bind_at;

	if (!io || !at || at > 2 || len < 0) {
		b->rec.data[1].flags = PYX_DF_FAULT;
		return off;
	}
	return copy_kbytes(b, 1, off, at == 1 ? (void *)io : (void *)&io->addr, len,
			   PYX_SC_SOCKADDR_MAX);
}

/* renameat2() and linkat() take (olddfd, oldname, newdfd, newname, flags), which io_rename and
 * io_link hold under the same names: one body for both, a macro because CO-RE relocates each
 * field against its own struct. The tail offset after both paths. */
#define uring_two_paths(b, off, r)                                                                 \
	({                                                                                         \
		__u32 o_;                                                                          \
                                                                                                   \
		b->rec.args[0] = (__u64)(__s64)BPF_CORE_READ(r, old_dfd);                          \
		b->rec.args[1] = (__u64)BPF_CORE_READ(r, oldpath, uptr);                           \
		b->rec.args[2] = (__u64)(__s64)BPF_CORE_READ(r, new_dfd);                          \
		b->rec.args[3] = (__u64)BPF_CORE_READ(r, newpath, uptr);                           \
		b->rec.args[4] = BPF_CORE_READ(r, flags);                                          \
		o_ = copy_kstr(b, 1, off, BPF_CORE_READ(r, oldpath, name));                        \
		copy_kstr(b, 3, o_, BPF_CORE_READ(r, newpath, name));                              \
	})

static __always_inline __u32 uring_fill(struct sc_buf *b, int sc, __u8 op, struct io_kiocb *req)
{
	struct user_msghdr m;
	__u64 *a = b->rec.args;
	struct io_open *o = (void *)req;
	struct io_unlink *u = (void *)req;
	struct io_rename *rn = (void *)req;
	struct io_mkdir *mk = (void *)req;
	struct io_link *ln = (void *)req; /* SYMLINKAT and LINKAT */
	struct io_connect *cn = (void *)req;
	struct io_sr_msg *sr = (void *)req;
	struct io_xattr *xa = (void *)req; /* SETXATTR and FSETXATTR */
	struct io_socket *so = (void *)req;
	struct io_ftrunc___pyx *ft = (void *)req;
	struct io_bind___pyx *bd = (void *)req;
	struct io_listen___pyx *ls = (void *)req;
	struct xattr_name *xn;
	int fd = BPF_CORE_READ(req, cqe.fd), len = 0;
	__u32 off = 0;

	switch (sc) {
	case PYX_SC_openat:
	case PYX_SC_openat2:
		a[0] = (__u64)(__s64)BPF_CORE_READ(o, dfd);
		a[1] = (__u64)BPF_CORE_READ(o, filename, uptr);
		off = copy_kstr(b, 1, off, BPF_CORE_READ(o, filename, name));
		if (sc == PYX_SC_openat) {
			a[2] = BPF_CORE_READ(o, how.flags);
			a[3] = BPF_CORE_READ(o, how.mode);
		} else {
			off = copy_kbytes(b, 2, off, &o->how, PYX_SC_OPEN_HOW_LEN,
					  PYX_SC_OPEN_HOW_LEN);
			a[3] = PYX_SC_OPEN_HOW_LEN;
		}
		break;
	case PYX_SC_unlinkat:
		a[0] = (__u64)(__s64)BPF_CORE_READ(u, dfd);
		a[1] = (__u64)BPF_CORE_READ(u, filename, uptr);
		a[2] = BPF_CORE_READ(u, flags);
		off = copy_kstr(b, 1, off, BPF_CORE_READ(u, filename, name));
		break;
	case PYX_SC_renameat2:
		off = uring_two_paths(b, off, rn);
		break;
	case PYX_SC_mkdirat:
		a[0] = (__u64)(__s64)BPF_CORE_READ(mk, dfd);
		a[1] = (__u64)BPF_CORE_READ(mk, filename, uptr);
		a[2] = BPF_CORE_READ(mk, mode);
		off = copy_kstr(b, 1, off, BPF_CORE_READ(mk, filename, name));
		break;
	case PYX_SC_symlinkat:
		/* symlinkat(oldname, newdfd, newname): the target text, then where the link goes */
		a[0] = (__u64)BPF_CORE_READ(ln, oldpath, uptr);
		a[1] = (__u64)(__s64)BPF_CORE_READ(ln, new_dfd);
		a[2] = (__u64)BPF_CORE_READ(ln, newpath, uptr);
		off = copy_kstr(b, 0, off, BPF_CORE_READ(ln, oldpath, name));
		off = copy_kstr(b, 2, off, BPF_CORE_READ(ln, newpath, name));
		break;
	case PYX_SC_linkat:
		off = uring_two_paths(b, off, ln);
		break;
	case PYX_SC_connect:
		/* The user's sockaddr, read in the submitting task right after the kernel's prep
		 * copied it: where the kernel keeps its own copy changed within 6.x stable. */
		a[0] = fd;
		a[1] = (__u64)BPF_CORE_READ(cn, addr);
		len = BPF_CORE_READ(cn, addr_len);
		a[2] = len;
		off = copy_bytes(b, 1, off, a[1], len < 0 ? 0 : len, PYX_SC_SOCKADDR_MAX);
		break;
	case PYX_SC_sendto:
		/* IORING_OP_SEND's optional destination (sqe->addr2) is not kept in the request
		 * where a program can find it across kernels: data[4] says NULL. */
		a[0] = fd;
		a[1] = (__u64)BPF_CORE_READ(sr, buf);
		a[2] = BPF_CORE_READ(sr, len);
		a[3] = BPF_CORE_READ(sr, msg_flags);
		b->rec.data[4].flags = PYX_DF_NULL;
		break;
	case PYX_SC_sendmsg:
		a[0] = fd;
		a[1] = (__u64)BPF_CORE_READ(sr, umsg);
		a[2] = BPF_CORE_READ(sr, msg_flags);
		__builtin_memset(&m, 0, sizeof(m));
		if (!a[1]) {
			b->rec.data[1].flags = PYX_DF_NULL;
		} else if (bpf_probe_read_user(&m, sizeof(m), (const void *)a[1])) {
			b->rec.data[1].flags = PYX_DF_FAULT;
		} else {
			off = copy_bytes(b, 1, off, (__u64)m.msg_name, (__u32)m.msg_namelen,
					 PYX_SC_SOCKADDR_MAX);
		}
		break;
	case PYX_SC_setxattr:
	case PYX_SC_fsetxattr:
		/* setxattr(path, name, value, size, flags), fsetxattr(fd, ...): the prep copied the
		 * path (SETXATTR: sqe->addr3, looked up from the cwd, symlinks followed) and the name
		 * (a struct xattr_name, 256 bytes, NUL-terminated); the name's user pointer is not
		 * kept, so args[1] is 0 and the name is the kernel's copy. The value stays a pointer,
		 * as for the syscalls. */
		if (sc == PYX_SC_setxattr) {
			a[0] = (__u64)BPF_CORE_READ(xa, filename, uptr);
			off = copy_kstr(b, 0, off, BPF_CORE_READ(xa, filename, name));
		} else {
			a[0] = fd;
		}
		xn = BPF_CORE_READ(xa, ctx.kname);
		off = copy_kstr(b, 1, off, xn ? xn->name : NULL);
		a[2] = (__u64)BPF_CORE_READ(xa, ctx.cvalue);
		a[3] = BPF_CORE_READ(xa, ctx.size);
		a[4] = BPF_CORE_READ(xa, ctx.flags);
		break;
	case PYX_SC_socket:
		/* the type with its SOCK_NONBLOCK/SOCK_CLOEXEC, as socket(2) takes it */
		a[0] = BPF_CORE_READ(so, domain);
		a[1] = BPF_CORE_READ(so, type);
		a[2] = BPF_CORE_READ(so, protocol);
		break;
	case PYX_SC_ftruncate:
		a[0] = fd;
		if (bpf_core_type_exists(struct io_ftrunc___pyx))
			a[1] = BPF_CORE_READ(ft, len);
		break;
	case PYX_SC_bind:
		/* The prep copied the sockaddr (sqe->addr, addr2 bytes) into the request's async data
		 * and kept no user pointer: args[1] is 0, the address the kernel's copy. */
		a[0] = fd;
		if (bpf_core_type_exists(struct io_bind___pyx)) {
			len = BPF_CORE_READ(bd, addr_len);
			a[2] = len;
			off = uring_bind_addr(b, off, req, len);
		}
		break;
	case PYX_SC_listen:
		a[0] = fd;
		if (bpf_core_type_exists(struct io_listen___pyx))
			a[1] = BPF_CORE_READ(ls, backlog);
		break;
	default:
		break;
	}
	return off;
}

/* uring_fill() as a global function (see copy_arg_rt()); req is the kernel's io_kiocb. */
__noinline __u32 uring_fill_rt(struct sc_buf *b, int sc, __u64 req)
{
	if (!b)
		return 0;
	return uring_fill(b, sc, 0, (struct io_kiocb *)req);
}

/* Send an unfinished record now (see the comment above). A global function (see copy_arg_rt()):
 * with uring_fill_rt(), uring_submit went from 50k to 5k verified instructions. */
__noinline int uring_send_now(struct sc_buf *b)
{
	__u32 size;

	if (!b)
		return 0;
	size = b->rec.hdr.size;

	if (size > sizeof(*b))
		size = sizeof(*b);
	b->rec.hdr.flags |= PYX_SCF_NO_RESULT;
	b->rec.ret = 0;
	b->rec.hdr.ts_ns = b->rec.enter_ns;
	send(b, size, PYX_STREAM_SYSCALL);
	return 0;
}

/* io_uring_submit_req(struct io_kiocb *req). req->flags was an unsigned int before it became u64:
 * read at the kernel's size. */
SEC("raw_tp/io_uring_submit_req")
int uring_submit(struct bpf_raw_tracepoint_args *ctx)
{
	struct io_kiocb *req = (struct io_kiocb *)ctx->args[0];
	__u64 key = (__u64)req, flags = BPF_CORE_READ_BITFIELD_PROBED(req, flags), row;
	__u8 op = BPF_CORE_READ(req, opcode);
	struct sc_buf *b, *old;
	__u32 off;
	__u64 *busy;
	int sc, i;

	if (!is_monitored(bpf_get_current_pid_tgid() >> 32)) {
		if (uring_calib_tgid && uring_calib_tgid == bpf_get_current_pid_tgid() >> 32)
			uring_calibrate(req, op);
		return 0;
	}
	row = uring_row(op);
	if (!row || row > PYX_SC__COUNT)
		return 0;
	sc = row - 1;
	old = bpf_map_lookup_elem(&uring_reqs, &key);
	if (old) {
		uring_send_now(old);
		bpf_map_delete_elem(&uring_reqs, &key);
	}
	b = scratch_take(&sc_scratch, SCRATCH_SC, &busy);
	if (!b) {
		lose(PYX_STREAM_SYSCALL);
		return 0;
	}
	b->rec.nr = sc_nrs[sc];
	b->rec.sc = sc;
	b->rec.op = op;
	b->rec.ret = 0;
	b->rec.enter_ns = bpf_ktime_get_ns();
#pragma unroll
	for (i = 0; i < PYX_SC_NARGS; i++) {
		b->rec.args[i] = 0;
		b->rec.data[i].off = 0;
		b->rec.data[i].len = 0;
		b->rec.data[i].flags = 0;
		b->rec.data[i].count = 0;
	}
	off = uring_fill_rt(b, sc, key);
	pyx_fill_hdr(&b->rec.hdr, PYX_REC_SYSCALL, bounded_size(off));
	b->rec.hdr.flags = PYX_SCF_IO_URING;
	if ((flags & (1ULL << REQ_F_CQE_SKIP_BIT)) ||
	    bpf_map_update_elem(&uring_reqs, &key, b, BPF_NOEXIST))
		uring_send_now(b);
	pyx_scratch_put(busy);
	return 0;
}

/* io_uring_complete(ctx, void *req, cqe): see uring_complete_cqe. */
SEC("raw_tp/io_uring_complete")
int uring_complete(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 key = ctx->args[1];
	struct sc_buf *b;
	__u32 size;

	b = bpf_map_lookup_elem(&uring_reqs, &key);
	if (!b)
		return 0;
	size = b->rec.hdr.size;
	if (size > sizeof(*b))
		size = sizeof(*b);
	if (uring_complete_cqe)
		b->rec.ret = BPF_CORE_READ((struct io_uring_cqe *)ctx->args[2], res);
	else
		b->rec.ret = (__s32)ctx->args[3];
	b->rec.hdr.ts_ns = bpf_ktime_get_ns();
	send(b, size, PYX_STREAM_SYSCALL);
	bpf_map_delete_elem(&uring_reqs, &key);
	return 0;
}
