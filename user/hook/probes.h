/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The hook's USDT probes (provider "pyxcheck", include/pyxcheck_wire.h section 1).
 *
 * The probe sites live in probes.c alone: it includes <sys/sdt.h> with semaphores, turns every
 * site into a 5-byte nop (the kernel can then optimise the uprobe into a call, ~5x cheaper than
 * the classic int3 on a 1-byte nop) and is compiled with -mno-red-zone, because that call pushes
 * onto the user stack and would clobber a leaf function's red zone.
 *
 * Every probe has a second site on a classic 1-byte nop for forked children: see probes.c.
 *
 * Semaphores: one unsigned short per probe in one 16-byte aligned array in section .probes;
 * categories first, so "is anything traced?" is two 8-byte loads. The kernel counts tracers in
 * each semaphore (uprobe ref_ctr_offset); the per-probe symbols pyxcheck_<probe>_semaphore that
 * the stapsdt notes name are aliases into the array.
 */
#ifndef PYX_HOOK_PROBES_H
#define PYX_HOOK_PROBES_H

#include "pyxcheck_wire.h"

#define PYX_SEM_HOOK_START PYX_CAT__COUNT
#define PYX_SEM_HOOK_STOP (PYX_CAT__COUNT + 1)
#define PYX_SEM__COUNT 16

extern __u16 pyx_semaphores[PYX_SEM__COUNT] __attribute__((visibility("hidden")));

_Static_assert(PYX_CAT__COUNT * sizeof(__u16) == 16, "category semaphores are two 8-byte words");

typedef __u64 __attribute__((may_alias)) pyx_u64_alias;

/* Is any category probe attached? The untraced fast path: two loads, one branch at the caller. */
static inline int pyx_any_traced(void)
{
	const volatile pyx_u64_alias *w = (const volatile pyx_u64_alias *)pyx_semaphores;

	return (w[0] | w[1]) != 0;
}

static inline int pyx_cat_traced(__u32 cat)
{
	return ((const volatile __u16 *)pyx_semaphores)[cat] != 0;
}

/* 5-byte-nop sites, used normally. */
void pyx_fire_event(__u32 cat, __u32 event_id, const __u8 *payload, __u32 len);
void pyx_fire_hook_start(__u32 pid, __u32 py_hexversion, __u32 delivery, __s32 status);
void pyx_fire_hook_stop(__u32 pid, __u64 events_seen, __u64 events_emitted);

/* The same probes on 1-byte-nop sites, for forked children (see probes.c and hook.c). */
void pyx_fire_event_nop1(__u32 cat, __u32 event_id, const __u8 *payload, __u32 len);
void pyx_fire_hook_stop_nop1(__u32 pid, __u64 events_seen, __u64 events_emitted);

#endif /* PYX_HOOK_PROBES_H */
