/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Extension-module plumbing without Python.h: mirrors of PyModuleDef, PyMethodDef and
 * PyModuleDef_Slot, whose layouts are part of the stable ABI (unchanged 3.5-3.13).
 */
#ifndef PYX_HOOK_PYMODULE_H
#define PYX_HOOK_PYMODULE_H

#include "pyapi.h"

#define PYX_METH_VARARGS 0x0001
#define PYX_METH_NOARGS 0x0004
#define PYX_MOD_EXEC 2
#define PYX_MOD_MULTIPLE_INTERPRETERS 3 /* 3.12+ */
#define PYX_MOD_PER_INTERPRETER_GIL_SUPPORTED ((void *)2)

struct pyx_methoddef {
	const char *ml_name;
	void *ml_meth;
	int ml_flags;
	const char *ml_doc;
};

struct pyx_moduledef_slot {
	int slot;
	void *value;
};

struct pyx_moduledef {
	/* PyModuleDef_Base: PyObject_HEAD, m_init, m_index, m_copy */
	Py_ssize_t ob_refcnt;
	void *ob_type;
	void *m_init;
	Py_ssize_t m_index;
	void *m_copy;
	const char *m_name;
	const char *m_doc;
	Py_ssize_t m_size;
	struct pyx_methoddef *m_methods;
	struct pyx_moduledef_slot *m_slots;
	void *m_traverse, *m_clear, *m_free;
};

/* A static def's reference count: CPython never frees it; 0xffffffff is "immortal" on 3.12+
 * and merely large before, so no version can drop it to zero. */
#define PYX_MODULEDEF_REFCNT 0xffffffffL

/* Multi-phase init (PEP 489) with the slots this interpreter knows: the per-interpreter-GIL
 * declaration exists from 3.12 only, and older versions reject unknown slots. */
static inline PyObject *pyx_module_init(struct pyx_moduledef *def,
					struct pyx_moduledef_slot slots[3], int (*exec)(PyObject *))
{
	int n = 0;

	slots[n++] = (struct pyx_moduledef_slot){ PYX_MOD_EXEC, (void *)exec };
	if (pyx_api.hexversion >= 0x030c0000)
		slots[n++] = (struct pyx_moduledef_slot){ PYX_MOD_MULTIPLE_INTERPRETERS,
							  PYX_MOD_PER_INTERPRETER_GIL_SUPPORTED };
	slots[n] = (struct pyx_moduledef_slot){ 0, NULL };
	def->m_slots = slots;
	return pyx_api.PyModuleDef_Init(def);
}

#endif /* PYX_HOOK_PYMODULE_H */
