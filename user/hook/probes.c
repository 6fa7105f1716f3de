// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Probe sites. Compiled with -mno-red-zone (see probes.h): keep every probe in this file. Each
 * probe has two sites: a 5-byte nop (the normal one) and a 1-byte nop (fork fallback, below). */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#undef _SDT_NOP
#define _SDT_NOP .nops 5

#include "probes.h"

__attribute__((section(".probes"), aligned(16), used)) __u16 pyx_semaphores[PYX_SEM__COUNT];

/* Exported per-probe names for the stapsdt notes (and pyxcheck_semaphores for the whole array). */
#define PYX_SEM_ALIAS(sym, idx)                                                                    \
	__asm__(".globl " sym "\n\t.type " sym ", @object\n\t.size " sym ", 2\n\t.set " sym        \
		", pyx_semaphores + 2 * " #idx "\n");
PYX_SEM_ALIAS("pyxcheck_file_semaphore", 0)
PYX_SEM_ALIAS("pyxcheck_network_semaphore", 1)
PYX_SEM_ALIAS("pyxcheck_process_semaphore", 2)
PYX_SEM_ALIAS("pyxcheck_ffi_semaphore", 3)
PYX_SEM_ALIAS("pyxcheck_code_semaphore", 4)
PYX_SEM_ALIAS("pyxcheck_import_semaphore", 5)
PYX_SEM_ALIAS("pyxcheck_runtime_semaphore", 6)
PYX_SEM_ALIAS("pyxcheck_other_semaphore", 7)
PYX_SEM_ALIAS("pyxcheck_hook_start_semaphore", 8)
PYX_SEM_ALIAS("pyxcheck_hook_stop_semaphore", 9)
__asm__(".globl pyxcheck_semaphores\n\t.type pyxcheck_semaphores, @object\n\t"
	".size pyxcheck_semaphores, 32\n\t.set pyxcheck_semaphores, pyx_semaphores\n");
/* sys/sdt.h names each semaphore in C too (an "m" operand); hidden keeps that RIP-relative. */
extern __u16 pyxcheck_file_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_network_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_process_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_ffi_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_code_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_import_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_runtime_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_other_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_hook_start_semaphore __attribute__((visibility("hidden")));
extern __u16 pyxcheck_hook_stop_semaphore __attribute__((visibility("hidden")));
_Static_assert(PYX_CAT_FILE == 0 && PYX_CAT_NETWORK == 1 && PYX_CAT_PROCESS == 2 &&
		       PYX_CAT_FFI == 3 && PYX_CAT_CODE == 4 && PYX_CAT_IMPORT == 5 &&
		       PYX_CAT_RUNTIME == 6 && PYX_CAT_OTHER == 7 && PYX_SEM_HOOK_START == 8 &&
		       PYX_SEM_HOOK_STOP == 9,
	       "semaphore alias indexes follow enum pyx_category");

/* One switch for both site kinds: each expansion's sites take the _SDT_NOP in force there. */
#define PYX_FIRE_EVENT_SWITCH()                                                                    \
	switch (cat) {                                                                             \
	case PYX_CAT_FILE:                                                                         \
		STAP_PROBE3(pyxcheck, file, event_id, payload, len);                               \
		break;                                                                             \
	case PYX_CAT_NETWORK:                                                                      \
		STAP_PROBE3(pyxcheck, network, event_id, payload, len);                            \
		break;                                                                             \
	case PYX_CAT_PROCESS:                                                                      \
		STAP_PROBE3(pyxcheck, process, event_id, payload, len);                            \
		break;                                                                             \
	case PYX_CAT_FFI:                                                                          \
		STAP_PROBE3(pyxcheck, ffi, event_id, payload, len);                                \
		break;                                                                             \
	case PYX_CAT_CODE:                                                                         \
		STAP_PROBE3(pyxcheck, code, event_id, payload, len);                               \
		break;                                                                             \
	case PYX_CAT_IMPORT:                                                                       \
		STAP_PROBE3(pyxcheck, import, event_id, payload, len);                             \
		break;                                                                             \
	case PYX_CAT_RUNTIME:                                                                      \
		STAP_PROBE3(pyxcheck, runtime, event_id, payload, len);                            \
		break;                                                                             \
	default:                                                                                   \
		STAP_PROBE3(pyxcheck, other, event_id, payload, len);                              \
		break;                                                                             \
	}

void pyx_fire_event(__u32 cat, __u32 event_id, const __u8 *payload, __u32 len)
{
	PYX_FIRE_EVENT_SWITCH();
}

void pyx_fire_hook_start(__u32 pid, __u32 py_hexversion, __u32 delivery, __s32 status)
{
	STAP_PROBE4(pyxcheck, hook_start, pid, py_hexversion, delivery, status);
}

void pyx_fire_hook_stop(__u32 pid, __u64 events_seen, __u64 events_emitted)
{
	STAP_PROBE3(pyxcheck, hook_stop, pid, events_seen, events_emitted);
}

/*
 * The same probes again on classic 1-byte nops, which the kernel never optimises. A process forked
 * from a traced one inherits the parent's optimised sites (a call into the parent's
 * [uprobes-trampoline]) but, on this kernel, not the trampoline mapping: its first hit on such a
 * site is a SIGSEGV. hook.c switches a child without a trampoline to these sites.
 */
#undef _SDT_NOP
#define _SDT_NOP nop

void pyx_fire_event_nop1(__u32 cat, __u32 event_id, const __u8 *payload, __u32 len)
{
	PYX_FIRE_EVENT_SWITCH();
}

void pyx_fire_hook_stop_nop1(__u32 pid, __u64 events_seen, __u64 events_emitted)
{
	STAP_PROBE3(pyxcheck, hook_stop, pid, events_seen, events_emitted);
}
