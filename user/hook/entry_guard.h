/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The hook's entry in CPython's list, freed by the allocator that made it (entry_guard.c). Not in
 * hook.h: the launcher includes that beside Python.h, and this needs pyapi.h's types. */
#ifndef PYX_HOOK_ENTRY_GUARD_H
#define PYX_HOOK_ENTRY_GUARD_H

#include "pyapi.h"

/* Register `hook` before Py_Initialize, recording the blocks CPython allocates for it and the raw
 * allocator that made them (entry_guard.c). Returns what PySys_AddAuditHook() returns. */
int pyx_entry_register(Py_AuditHookFunction hook, void *data);

/* On cpython._PySys_ClearAuditHooks, the event right before CPython frees the hook list: if the
 * raw allocator changed since the registration (PYTHONMALLOC=debug, -X dev), have the recorded
 * blocks freed by the allocator that made them. */
void pyx_entry_before_clear(void);

#endif /* PYX_HOOK_ENTRY_GUARD_H */
