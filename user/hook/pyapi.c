// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Run-time resolution of the CPython C API (see pyapi.h for why). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define PYX_T_INT 1
#define PYX_T_OBJECT 6
#define PYX_T_OBJECT_EX 16

/* Offset of a member of a static type, from its tp_members table, when it is an int member
 * (want_int) or an object member (T_OBJECT or T_OBJECT_EX); 0 when there is no such member. */
static uint16_t pyx_member_offset(PyObject *type, const char *name, int want_int)
{
	const char *m = pyx_type_members(type);
	int i, kind;
	Py_ssize_t off;

	for (i = 0; m && i < 128 && *(const char *const *)m; i++, m += 40) {
		if (strcmp(*(const char *const *)m, name))
			continue;
		kind = *(const int *)(m + 8);
		off = *(const Py_ssize_t *)(m + 16);
		if (want_int ? kind != PYX_T_INT : kind != PYX_T_OBJECT && kind != PYX_T_OBJECT_EX)
			return 0;
		if (off < 16 || off > 4096 - 8)
			return 0;
		return (uint16_t)off;
	}
	return 0;
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

	pyx_api.tstate_get = pyx_api.PyThreadState_GetUnchecked
				     ?: pyx_api._PyThreadState_UncheckedGet;
	if (!pyx_api.tstate_get)
		return -ENOENT;

	py_version = dlsym(RTLD_DEFAULT, "Py_Version");
	pyx_api.hexversion = py_version ? (uint32_t)*py_version
					: pyx_parse_version(pyx_api.Py_GetVersion());
	/* PyFrame_GetCode is the only way to a frame's code from 3.11 on (no fixed f_code). */
	if (pyx_api.hexversion < 0x03080000 ||
	    (pyx_api.hexversion >= 0x03090000 && !pyx_api.PyFrame_GetCode))
		return -ENOENT;

	/* The str layouts of pyx_str_view, for released versions only (an alpha or beta may still
	 * be moving fields). 3.14 and later: not verified, so the generic calls. */
	if ((pyx_api.hexversion & 0xf0) >= 0xc0 && pyx_api.hexversion < 0x030e0000) {
		pyx_api.str_has_ready = pyx_api.hexversion < 0x030c0000;
		pyx_api.str_ascii_size = pyx_api.str_has_ready ? 48 : 40;
		pyx_api.str_compact_size = pyx_api.str_has_ready ? 72 : 56;
	}

	pyx_api.code_filename_off = pyx_member_offset(pyx_api.PyCode_Type, "co_filename", 0);
	pyx_api.code_name_off = pyx_member_offset(pyx_api.PyCode_Type, "co_name", 0);
	/* The line cache: 3.11-3.13, where PyFrame_GetLineNumber is f_lineno when a tracer set it,
	 * else the line of PyFrame_GetLasti() in co_linetable from co_firstlineno, and f_lineno
	 * is at offset 40 of PyFrameObject (checked against each version's pycore_frame.h). */
	if ((pyx_api.hexversion & 0xf0) >= 0xc0 && pyx_api.hexversion >= 0x030b0000 &&
	    pyx_api.hexversion < 0x030e0000 && pyx_api.PyFrame_GetLasti &&
	    pyx_api.PyInterpreterState_Get && pyx_api.PyInterpreterState_Main) {
		pyx_api.code_linetable_off = pyx_member_offset(pyx_api.PyCode_Type, "co_linetable",
							       0);
		pyx_api.code_firstlineno_off = pyx_member_offset(pyx_api.PyCode_Type,
								 "co_firstlineno", 1);
		if (pyx_api.code_linetable_off && pyx_api.code_firstlineno_off)
			pyx_api.frame_lineno_off = 40;
	}

	pyx_api_state = 1;
	return 0;
}
