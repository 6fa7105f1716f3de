// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The import delivery: "import pyxcheck" (directly, or from pyxcheck.pth through site) installs
 * and verifies the hook. The module reports what the process has:
 *   installed   bool, whether this process carries a working pyxcheck hook
 *   delivery    "preload", "import", "launcher" or "none": who installed it
 *   installs(), events_seen(), events_emitted(), selftests(): process-wide counters (read-only)
 */
#include "hook.h"
#include "pymodule.h"

#define EXPORT __attribute__((visibility("default")))

static const char *pyx_delivery_name(int d)
{
	switch (d) {
	case PYX_DELIVERY_PRELOAD:
		return "preload";
	case PYX_DELIVERY_IMPORT:
		return "import";
	case PYX_DELIVERY_LAUNCHER:
		return "launcher";
	default:
		return "none";
	}
}

static PyObject *pyx_m_installs(PyObject *self, PyObject *unused)
{
	return pyx_api.PyLong_FromUnsignedLongLong(atomic_load(&pyx_state()->installs));
}

static PyObject *pyx_m_events_seen(PyObject *self, PyObject *unused)
{
	return pyx_api.PyLong_FromUnsignedLongLong(atomic_load(&pyx_state()->events_seen));
}

static PyObject *pyx_m_events_emitted(PyObject *self, PyObject *unused)
{
	return pyx_api.PyLong_FromUnsignedLongLong(atomic_load(&pyx_state()->seq));
}

static PyObject *pyx_m_selftests(PyObject *self, PyObject *unused)
{
	return pyx_api.PyLong_FromUnsignedLongLong(atomic_load(&pyx_state()->selftests));
}

static struct pyx_methoddef pyx_methods[] = {
	{ "installs", (void *)pyx_m_installs, PYX_METH_NOARGS,
	  "pyxcheck hooks registered (and verified) in this process: 0 or 1." },
	{ "events_seen", (void *)pyx_m_events_seen, PYX_METH_NOARGS,
	  "Events the hook examined while at least one category probe was enabled." },
	{ "events_emitted", (void *)pyx_m_events_emitted, PYX_METH_NOARGS,
	  "Payloads handed to a probe (the last payload's seq)." },
	{ "selftests", (void *)pyx_m_selftests, PYX_METH_NOARGS,
	  "Verification events the hook saw." },
	{ NULL, NULL, 0, NULL },
};

static int pyx_exec(PyObject *m)
{
	struct pyx_state *st;
	PyObject *installed;

	pyx_install(PYX_DELIVERY_IMPORT);
	st = pyx_state();
	installed = pyx_api.PyBool_FromLong(atomic_load(&st->installed));
	if (pyx_api.PyModule_AddObject(m, "installed", installed) < 0) {
		pyx_api.Py_DecRef(installed);
		return -1;
	}
	if (pyx_api.PyModule_AddStringConstant(m, "delivery",
					       pyx_delivery_name(atomic_load(&st->installed)
									 ? atomic_load(&st->claimed)
									 : 0)) < 0)
		return -1;
	return 0;
}

static struct pyx_moduledef_slot pyx_slots[3];
static struct pyx_moduledef pyx_def = {
	.ob_refcnt = PYX_MODULEDEF_REFCNT,
	.m_name = "pyxcheck",
	.m_doc = "pyxcheck audit hook: importing this module installs it (see module attributes).",
	.m_size = 0,
	.m_methods = pyx_methods,
};

EXPORT PyObject *PyInit_pyxcheck(void)
{
	/* Not CPython >= 3.8: nothing we could install; the import fails with SystemError. */
	if (pyx_api_init())
		return NULL;
	return pyx_module_init(&pyx_def, pyx_slots, pyx_exec);
}
