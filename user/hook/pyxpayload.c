// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Test-only extension (build/tests/pyxpayload.so): the hook's serialiser, byte for byte, without
 * BPF. encode(event, args, seq=0) -> bytes serialises like the hook would for an event raised
 * from the caller's frame.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "catalog.h"
#include "payload.h"
#include "pymodule.h"

static PyObject *pyx_m_encode(PyObject *self, PyObject *fargs)
{
	unsigned long long seq = 0;
	const char *event;
	PyObject *args;
	__u8 buf[PYX_PAYLOAD_MAX];
	__u32 id, cat, len;

	if (!pyx_api.PyArg_ParseTuple(fargs, "sO|K:encode", &event, &args, &seq))
		return NULL;
	id = pyx_catalog_lookup(event, &cat);
	len = pyx_payload_encode(buf, event, id, args, seq, 1);
	return pyx_api.PyBytes_FromStringAndSize((const char *)buf, len);
}

/* encode_pending(event, args) -> bool: serialise with an exception pending (as when C code raises
 * an audit event while an error is set); True when the very same exception is pending after. */
static PyObject *pyx_m_encode_pending(PyObject *self, PyObject *fargs)
{
	void (*set_string)(PyObject *, const char *) = dlsym(RTLD_DEFAULT, "PyErr_SetString");
	PyObject **exc = dlsym(RTLD_DEFAULT, "PyExc_RuntimeError");
	PyObject *t, *v, *tb, *t2, *v2, *tb2;
	const char *event;
	PyObject *args;
	__u8 buf[PYX_PAYLOAD_MAX];
	__u32 id, cat;
	int same;

	if (!pyx_api.PyArg_ParseTuple(fargs, "sO:encode_pending", &event, &args))
		return NULL;
	set_string(*exc, "pending");
	pyx_api.PyErr_Fetch(&t, &v, &tb);
	pyx_api.PyErr_Restore(t, v, tb); /* still owned by the thread state */
	id = pyx_catalog_lookup(event, &cat);
	pyx_payload_encode(buf, event, id, args, 0, 1);
	pyx_api.PyErr_Fetch(&t2, &v2, &tb2);
	same = t2 == t && v2 == v && tb2 == tb && t2;
	if (t2)
		pyx_api.Py_DecRef(t2);
	if (v2)
		pyx_api.Py_DecRef(v2);
	if (tb2)
		pyx_api.Py_DecRef(tb2);
	return pyx_api.PyBool_FromLong(same);
}

static int pyx_exec(PyObject *m)
{
	return pyx_api.PyModule_AddIntConstant(m, "PAYLOAD_MAX", PYX_PAYLOAD_MAX);
}

static struct pyx_methoddef pyx_methods[] = {
	{ "encode", (void *)pyx_m_encode, PYX_METH_VARARGS,
	  "encode(event, args, seq=0) -> bytes: the hook's payload for this event." },
	{ "encode_pending", (void *)pyx_m_encode_pending, PYX_METH_VARARGS,
	  "encode_pending(event, args) -> bool: a pending exception survives serialisation." },
	{ NULL, NULL, 0, NULL },
};

static struct pyx_moduledef_slot pyx_slots[3];
static struct pyx_moduledef pyx_def = {
	.ob_refcnt = PYX_MODULEDEF_REFCNT,
	.m_name = "pyxpayload",
	.m_methods = pyx_methods,
};

__attribute__((visibility("default"))) PyObject *PyInit_pyxpayload(void)
{
	if (pyx_api_init())
		return NULL;
	pyx_catalog_init();
	return pyx_module_init(&pyx_def, pyx_slots, pyx_exec);
}
