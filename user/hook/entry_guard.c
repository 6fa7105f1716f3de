// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The hook's entry in CPython's list, freed by the allocator that made it.
 *
 * PySys_AddAuditHook() allocates the entry with PyMem_RawMalloc(), and _PySys_ClearAuditHooks()
 * frees the list at finalisation with PyMem_RawFree(), right after the event
 * cpython._PySys_ClearAuditHooks (Python/sysmodule.c, 3.8-3.13). The preload registers before
 * Py_Initialize, while the raw allocator is still the default malloc(); PYTHONMALLOC=debug,
 * malloc_debug or pymalloc_debug, -X dev and a debug build make Py_Initialize put the debug
 * hooks in front of it. Their free of a block they never allocated reads a header that is not
 * there ("Debug memory block ... API '!'") and then crashes: every `python3 -X dev` under the
 * preload died of SIGSEGV at exit.
 *
 * CPython has no way to hand the entry back, and which allocator the interpreter will end up with
 * is not known before Py_Initialize (the environment, -X options, an embedder's PyPreConfig). So
 * the registration records the blocks PySys_AddAuditHook() allocates and the allocator that made
 * them; at the clear event, if the raw allocator has changed since, a forwarding allocator goes
 * in front of the current one until those blocks are freed: it frees them with the allocator that
 * made them, passes every other call through, and then puts the current allocator back. A process
 * whose allocator never changed (no debug hooks) is not touched.
 */
#include <stdbool.h>
#include <string.h>

#include "entry_guard.h"

/* PySys_AddAuditHook() allocates one entry; room for a version that would allocate more. */
#define PYX_ENTRY_BLOCKS 4

static pyx_mem_allocator pyx_made_by;  /* the raw allocator the entry came from */
static pyx_mem_allocator pyx_at_clear; /* the raw allocator in place at the clear event */
static void *pyx_blocks[PYX_ENTRY_BLOCKS];
static unsigned int pyx_nblocks;

/* Before Py_Initialize: one thread, and no other allocation can come between these calls. */
static void pyx_note_block(void *old, void *p)
{
	unsigned int i;

	for (i = 0; i < pyx_nblocks; i++)
		if (pyx_blocks[i] == old) {
			pyx_blocks[i] = p;
			return;
		}
	if (p && pyx_nblocks < PYX_ENTRY_BLOCKS)
		pyx_blocks[pyx_nblocks++] = p;
}

static void *rec_malloc(void *ctx, size_t size)
{
	void *p = pyx_made_by.malloc(ctx, size);

	pyx_note_block(NULL, p);
	return p;
}

static void *rec_calloc(void *ctx, size_t nelem, size_t elsize)
{
	void *p = pyx_made_by.calloc(ctx, nelem, elsize);

	pyx_note_block(NULL, p);
	return p;
}

static void *rec_realloc(void *ctx, void *ptr, size_t new_size)
{
	void *p = pyx_made_by.realloc(ctx, ptr, new_size);

	if (p)
		pyx_note_block(ptr, p);
	return p;
}

static void rec_free(void *ctx, void *ptr)
{
	pyx_note_block(ptr, NULL);
	pyx_made_by.free(ctx, ptr);
}

int pyx_entry_register(Py_AuditHookFunction hook, void *data)
{
	pyx_mem_allocator rec;
	int err;

	pyx_api.PyMem_GetAllocator(PYX_MEM_DOMAIN_RAW, &pyx_made_by);
	rec = (pyx_mem_allocator){ pyx_made_by.ctx, rec_malloc, rec_calloc, rec_realloc, rec_free };
	pyx_api.PyMem_SetAllocator(PYX_MEM_DOMAIN_RAW, &rec);
	err = pyx_api.PySys_AddAuditHook(hook, data);
	pyx_api.PyMem_SetAllocator(PYX_MEM_DOMAIN_RAW, &pyx_made_by);
	return err;
}

/* Removes p from the recorded blocks; true if it was one. */
static bool pyx_take_block(void *p)
{
	unsigned int i;

	if (!p)
		return false;
	for (i = 0; i < pyx_nblocks; i++)
		if (pyx_blocks[i] == p) {
			pyx_blocks[i] = pyx_blocks[--pyx_nblocks];
			return true;
		}
	return false;
}

/*
 * The forwarder. Its ctx is the current allocator's own, and it reads that allocator from
 * pyx_at_clear, not from ctx: a thread that reads CPython's allocator struct while it is being
 * swapped may pair one's function with the other's ctx, and either pairing is then right.
 */
static void *fw_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return pyx_at_clear.malloc(pyx_at_clear.ctx, size);
}

static void *fw_calloc(void *ctx, size_t nelem, size_t elsize)
{
	(void)ctx;
	return pyx_at_clear.calloc(pyx_at_clear.ctx, nelem, elsize);
}

static void *fw_realloc(void *ctx, void *ptr, size_t new_size)
{
	(void)ctx;
	return pyx_at_clear.realloc(pyx_at_clear.ctx, ptr, new_size);
}

static void fw_free(void *ctx, void *ptr)
{
	(void)ctx;
	if (!pyx_take_block(ptr)) {
		pyx_at_clear.free(pyx_at_clear.ctx, ptr);
		return;
	}
	pyx_made_by.free(pyx_made_by.ctx, ptr);
	if (!pyx_nblocks)
		pyx_api.PyMem_SetAllocator(PYX_MEM_DOMAIN_RAW, &pyx_at_clear);
}

void pyx_entry_before_clear(void)
{
	pyx_mem_allocator fw;

	if (!pyx_nblocks)
		return;
	pyx_api.PyMem_GetAllocator(PYX_MEM_DOMAIN_RAW, &pyx_at_clear);
	if (!memcmp(&pyx_at_clear, &pyx_made_by, sizeof(pyx_made_by)))
		return;
	fw = (pyx_mem_allocator){ pyx_at_clear.ctx, fw_malloc, fw_calloc, fw_realloc, fw_free };
	pyx_api.PyMem_SetAllocator(PYX_MEM_DOMAIN_RAW, &fw);
}
