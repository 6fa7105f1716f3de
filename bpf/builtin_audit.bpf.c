// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CPython's own python:audit probe (a 1-byte-nop stapsdt site in interpreters built with DTrace,
 * Debian's python3.11 among them), attached by the correlator only to Python processes that run
 * without the pyxcheck hook (blind spots), so that their audit event names are still seen. Each
 * hit sends the pid, tid and event name; the argument tuple is a PyObject * that would need the
 * interpreter's layout to read, and the blind-spot report needs only the names.
 */
/* The UAPI headers, not vmlinux.h: nothing here reads a kernel struct, and vmlinux.h's pt_regs
 * would make libbpf relocate the USDT helpers' register reads (CO-RE) against the kernel's BTF,
 * which it then parses in full (a search of all its ~127k types, once more than the monitor's
 * own object) while the monitor starts. x86-64's pt_regs layout is the UAPI's. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "capture_builtin.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} pyx_builtin_rb SEC(".maps");

__u64 pyx_builtin_lost = 0;

SEC("usdt")
int BPF_USDT(pyx_builtin_audit, const char *event, void *args)
{
	struct pyx_builtin_rec *r;
	__u64 id = bpf_get_current_pid_tgid();

	r = bpf_ringbuf_reserve(&pyx_builtin_rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&pyx_builtin_lost, 1);
		return 0;
	}
	r->pid = id >> 32;
	r->tid = (__u32)id;
	r->ts_ns = bpf_ktime_get_ns();
	if (bpf_probe_read_user_str(r->name, sizeof(r->name), event) < 0)
		r->name[0] = 0;
	bpf_ringbuf_submit(r, 0);
	return 0;
}
