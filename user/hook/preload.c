// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The preload delivery (LD_PRELOAD, /etc/ld.so.preload): install the hook before Py_Initialize,
 * so start-up events and "python -I"/"-S" runs are covered. In any other process (not Python,
 * Python < 3.8 without PySys_AddAuditHook, or an embedder whose interpreter is already up) this
 * does two dlsym() calls and nothing else. Only in libpyxcheck.so, never in the launcher.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "hook.h"

__attribute__((constructor)) static void pyx_preload(void)
{
	int (*is_initialized)(void);

	if (!dlsym(RTLD_DEFAULT, "PySys_AddAuditHook"))
		return;
	is_initialized = (int (*)(void))dlsym(RTLD_DEFAULT, "Py_IsInitialized");
	if (!is_initialized || is_initialized())
		return;
	pyx_compat_guard();
	pyx_install(PYX_DELIVERY_PRELOAD);
}

/* exit(): after Py_FinalizeEx, or instead of it (--version, -h, a bad option). Not on _exit(). */
__attribute__((destructor)) static void pyx_preload_exit(void)
{
	if (pyx_state()->claimed == PYX_DELIVERY_PRELOAD)
		pyx_started_at_exit();
}
