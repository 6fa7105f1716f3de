// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Run-time resolution of the CPython C API (see pyapi.h for why). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "pyapi.h"

struct pyx_api pyx_api;
static int pyx_api_state; /* 0 not tried, 1 ok, -1 failed */

/* Py_Version is 3.11+; before that, "3.8.18 (default, ...)" from Py_GetVersion(). Release level
 * and serial are taken as final: nothing here depends on them. */
static uint32_t pyx_parse_version(const char *v)
{
	unsigned long major, minor, micro = 0;
	char *end;

	major = strtoul(v, &end, 10);
	if (*end != '.')
		return 0;
	minor = strtoul(end + 1, &end, 10);
	if (*end == '.')
		micro = strtoul(end + 1, &end, 10);
	return (uint32_t)((major << 24) | (minor << 16) | (micro << 8) | 0xf0);
}

int pyx_api_init(void)
{
	const unsigned long *py_version;

	if (pyx_api_state)
		return pyx_api_state > 0 ? 0 : -ENOENT;
	pyx_api_state = -1;

#define PYX_API_FN(ret, name, params)                                                              \
	pyx_api.name = (ret(*) params)dlsym(RTLD_DEFAULT, #name);                                  \
	if (!pyx_api.name)                                                                         \
		return -ENOENT;
	PYX_API_FUNCS(PYX_API_FN)
#undef PYX_API_FN
#define PYX_API_FN(ret, name, params) pyx_api.name = (ret(*) params)dlsym(RTLD_DEFAULT, #name);
	PYX_API_OPT_FUNCS(PYX_API_FN)
#undef PYX_API_FN
#define PYX_API_OBJ(name)                                                                          \
	pyx_api.name = (PyObject *)dlsym(RTLD_DEFAULT, #name);                                     \
	if (!pyx_api.name)                                                                         \
		return -ENOENT;
	PYX_API_OBJS(PYX_API_OBJ)
#undef PYX_API_OBJ

	pyx_api.tstate_get = pyx_api.PyThreadState_GetUnchecked ?: pyx_api._PyThreadState_UncheckedGet;
	if (!pyx_api.tstate_get)
		return -ENOENT;

	py_version = dlsym(RTLD_DEFAULT, "Py_Version");
	pyx_api.hexversion = py_version ? (uint32_t)*py_version
					: pyx_parse_version(pyx_api.Py_GetVersion());
	/* PyFrame_GetCode is the only way to a frame's code from 3.11 on (no fixed f_code). */
	if (pyx_api.hexversion < 0x03080000 ||
	    (pyx_api.hexversion >= 0x03090000 && !pyx_api.PyFrame_GetCode))
		return -ENOENT;

	pyx_api_state = 1;
	return 0;
}
