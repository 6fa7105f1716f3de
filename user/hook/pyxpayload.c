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

/* layout() -> (hexversion, str_ascii_size, str_compact_size, str_has_ready, code_filename_off,
 * code_name_off, code_linetable_off, code_firstlineno_off, frame_lineno_off): the layouts the
 * hook reads for this interpreter (0s: it uses the API). */
static PyObject *pyx_m_layout(PyObject *self, PyObject *fargs)
{
	PyObject *(*build)(const char *, ...) = dlsym(RTLD_DEFAULT, "Py_BuildValue");

	return build("(kiiiiiiii)", (unsigned long)pyx_api.hexversion, pyx_api.str_ascii_size,
		     pyx_api.str_compact_size, pyx_api.str_has_ready, pyx_api.code_filename_off,
		     pyx_api.code_name_off, pyx_api.code_linetable_off,
		     pyx_api.code_firstlineno_off, pyx_api.frame_lineno_off);
}

/* str_path(s) -> "ascii", "ucs1", "ucs2", "ucs4": read in place with that width; "api": read
 * through PyUnicode_ReadChar. */
static PyObject *pyx_m_str_path(PyObject *self, PyObject *fargs)
{
	PyObject *(*from)(const char *) = dlsym(RTLD_DEFAULT, "PyUnicode_FromString");
	static const char *const names[] = { "api", "ucs1", "ucs2", "", "ucs4" };
	const void *data;
	Py_ssize_t n;
	unsigned kind;
	int ascii;
	PyObject *o;

	if (!pyx_api.PyArg_ParseTuple(fargs, "O:str_path", &o))
		return NULL;
	if (!pyx_str_view(o, &data, &n, &kind, &ascii))
		return from("api");
	return from(ascii ? "ascii" : names[kind]);
}

/* legacy_str(s, ready) -> a copy of s made the pre-3.12 legacy way (PyUnicode_FromUnicode(NULL,
 * n), filled through its wchar_t buffer): not ready, or made ready (not compact: its data lives
 * in a separate buffer). None from 3.12 on, where such strings no longer exist. */
static PyObject *pyx_m_legacy_str(PyObject *self, PyObject *fargs)
{
	PyObject *(*from_unicode)(const void *, Py_ssize_t) = dlsym(RTLD_DEFAULT,
								    "PyUnicode_FromUnicode");
	__u32 *(*as_unicode)(PyObject *) = dlsym(RTLD_DEFAULT, "PyUnicode_AsUnicode");
	int (*ready)(PyObject *) = dlsym(RTLD_DEFAULT, "_PyUnicode_Ready");
	PyObject *s, *o;
	Py_ssize_t n, i;
	int make_ready;
	__u32 *w;

	if (!pyx_api.PyArg_ParseTuple(fargs, "Op:legacy_str", &s, &make_ready))
		return NULL;
	if (!from_unicode || !as_unicode || !ready) {
		pyx_api.Py_IncRef(pyx_api._Py_NoneStruct);
		return pyx_api._Py_NoneStruct;
	}
	n = pyx_api.PyUnicode_GetLength(s);
	if (n <= 0) /* the empty string is a compact singleton */
		return NULL;
	o = from_unicode(NULL, n);
	if (!o)
		return NULL;
	w = as_unicode(o); /* wchar_t is 4 bytes on Linux */
	for (i = 0; i < n; i++)
		w[i] = pyx_api.PyUnicode_ReadChar(s, i);
	if (make_ready && ready(o)) {
		pyx_api.Py_DecRef(o);
		return NULL;
	}
	return o;
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
	{ "layout", (void *)pyx_m_layout, PYX_METH_VARARGS,
	  "layout() -> the str and code layouts the serialiser reads in this interpreter." },
	{ "str_path", (void *)pyx_m_str_path, PYX_METH_VARARGS,
	  "str_path(s) -> how the serialiser reads s: ascii, ucs1, ucs2, ucs4 or api." },
	{ "legacy_str", (void *)pyx_m_legacy_str, PYX_METH_VARARGS,
	  "legacy_str(s, ready) -> a pre-3.12 legacy (non-compact) copy of s, or None." },
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
