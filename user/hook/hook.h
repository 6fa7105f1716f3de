/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The audit hook and its installation, shared by the three deliveries. */
#ifndef PYX_HOOK_HOOK_H
#define PYX_HOOK_HOOK_H

#include <stdatomic.h>

#include "pyxcheck_wire.h"

/*
 * Process-wide hook state. Every copy of the hook code in a process (the preloaded library, the
 * launcher's own, an imported extension) looks it up as the exported symbol pyxcheck_state_v1
 * with dlsym(RTLD_DEFAULT): the first global definition wins, so all copies share one state and
 * the process gets one hook, whatever the number of deliveries. Layout changes need a new name.
 */
#define PYX_STATE_MAGIC 0x50585331u /* "PXS1" */

struct pyx_state {
	__u32 magic;
	__u32 size;
	atomic_int claimed;        /* delivery that registered the hook; 0 while none did */
	atomic_int installed;      /* 1 once registered (and verified when Python was up) */
	atomic_int status;         /* 0 or PYX_HOOK_REFUSED */
	atomic_int started;        /* hook_start fired */
	atomic_ullong seq;         /* payloads emitted (= events_emitted); reset in a fork child */
	atomic_ullong events_seen; /* events the hook examined while some probe was enabled */
	atomic_uint installs;      /* hooks registered (and verified) in this process: 0 or 1 */
	atomic_uint selftests;     /* verification events our hook saw */
	atomic_int fork_check;     /* forked child: look for the uprobe trampoline on next event */
	atomic_int nop1_sites;     /* fire the 1-byte-nop sites (child without a trampoline) */
};

/* The state this copy uses (its own unless an earlier global copy exists). */
struct pyx_state *pyx_state(void);

/*
 * Register the hook for `delivery` unless some copy already did. With the interpreter up
 * (import), verify it at once and fire hook_start; before Py_Initialize (preload, launcher)
 * just register it. Returns 0 when a hook is installed (now or before), PYX_HOOK_REFUSED when
 * an existing hook vetoed ours, -ENOENT when this process is not CPython >= 3.8.
 */
int pyx_install(int delivery);

/* Issue 8, opt-in (PYXCHECK_DENY_COMPAT=1): a seccomp filter that kills the process at its first
 * 32-bit or x32 syscall, which the syscall tracepoints cannot see (compat_guard.c). */
void pyx_compat_guard(void);

/* At the process's exit (preload.c's destructor): a hooked Python that raised no traced event
 * (python3 --version, -h, a bad option, a child killed right after its exec) never fired
 * hook_start, and the monitor would take it for a Python without the hook (a blind spot): its
 * hook is registered, so fire hook_start now if nothing did. */
void pyx_started_at_exit(void);

/* Launcher: after Py_InitializeFromConfig, verify the hook registered before and fire
 * hook_start. Same return values as pyx_install. */
int pyx_verify_started(void);

#endif /* PYX_HOOK_HOOK_H */
