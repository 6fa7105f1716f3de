// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Does this kernel take a tracepoint program's context as a global function's argument (the
 * "arg:ctx" decl tag, kernel >= 6.8)? The loader loads this one program before the monitor's:
 * where it loads, tp_sys_enter/tp_sys_exit in pyxcheck.bpf.c do too (their context goes to
 * ustack_append_rt() the same way); where it does not, the monitor takes one program per
 * syscall tracepoint instead. Never attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#ifndef __arg_ctx /* libbpf >= 1.3 has it */
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#endif

/* Typed as in ustack_append_rt(): a raw tracepoint's context, tagged. */
__noinline long ctx_stack(struct bpf_raw_tracepoint_args *ctx __arg_ctx, long x)
{
	__u64 ip;

	return bpf_get_stack(ctx, &ip, sizeof(ip), BPF_F_USER_STACK) + x;
}

/* No field access: a CO-RE relocation would make libbpf parse the kernel's BTF (~80 ms) for it. */
SEC("tracepoint")
int probe_arg_ctx(void *ctx)
{
	return ctx_stack(ctx, 0) > 0;
}
