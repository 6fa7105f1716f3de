// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Native code that raises an audit event with PySys_Audit (what a forged sys.audit() does) or
 * calls a Python callable (a genuine event), then makes raw syscalls with no audit event in
 * between (a ctypes call would raise ctypes.call_function first). Built by
 * tests/correlate_util.py build_audit_then() for the evasion tests, loaded with ctypes.PyDLL. */
#define _GNU_SOURCE
#include <Python.h>
#include <unistd.h>
#include <sys/syscall.h>

/* ev: an event to raise with args (a tuple), or NULL to call fn() instead; then n syscalls,
 * each 7 longs in sc: nr, a0..a5. Returns the last one's result. */
long audit_then(const char *ev, PyObject *args, PyObject *fn, int n, long *sc)
{
	long r = 0;

	if (ev) {
		if (PySys_Audit(ev, "O", args) < 0)
			PyErr_Clear();
	} else if (fn && fn != Py_None) {
		PyObject *o = PyObject_CallNoArgs(fn);

		if (!o)
			PyErr_Print();
		Py_XDECREF(o);
	}
	for (int i = 0; i < n; i++) {
		long *s = sc + 7 * i;

		r = syscall(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
	}
	return r;
}
