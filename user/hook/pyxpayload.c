// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Test-only extension (build/tests/pyxpayload.so): the hook's serialiser, byte for byte, without
 * BPF. encode(event, args, seq=0) -> bytes serialises like the hook would for an event raised
 * from the caller's frame.
 */
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

static int pyx_exec(PyObject *m)
{
	return pyx_api.PyModule_AddIntConstant(m, "PAYLOAD_MAX", PYX_PAYLOAD_MAX);
}

static struct pyx_methoddef pyx_methods[] = {
	{ "encode", (void *)pyx_m_encode, PYX_METH_VARARGS,
	  "encode(event, args, seq=0) -> bytes: the hook's payload for this event." },
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
