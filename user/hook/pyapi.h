/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The slice of the CPython C API the hook uses, resolved at run time.
 *
 * One binary serves CPython 3.8 to 3.13 (Debian's and pyenv's), so nothing here includes Python.h:
 * every function and type object is looked up with dlsym(RTLD_DEFAULT, ...) in the process that
 * loaded us. The struct layouts read directly are what has not moved since 3.0 (ob_type at offset
 * 8 of every object; tp_name at 24, tp_members at 240, tp_base at 256, tp_dict at 264, tp_mro
 * at 344 and tp_version_tag at 384 of a type object;
 * PyModuleDef, PyMethodDef, PyMemberDef of the stable ABI), plus two that differ by version and
 * are gated on the run-time version, each verified against every interpreter's own headers by
 * tests/test_hook_encoder_fast.py: pyx_str_view and pyx_code_member. Reference counts go through
 * Py_IncRef/Py_DecRef only: the Py_INCREF macros of one version are wrong on another (3.12
 * immortal objects).
 */
#ifndef PYX_PYAPI_H
#define PYX_PYAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct pyx_object PyObject; /* opaque */
typedef ssize_t Py_ssize_t;
typedef int (*Py_AuditHookFunction)(const char *event, PyObject *args, void *user_data);

/* PEP 445's PyMemAllocatorEx (Include/cpython/pymem.h, unchanged 3.5-3.13), and its raw domain
 * (PYMEM_DOMAIN_RAW = 0): PyMem_RawMalloc() and PyMem_RawFree() go through it. */
typedef struct {
	void *ctx;
	void *(*malloc)(void *ctx, size_t size);
	void *(*calloc)(void *ctx, size_t nelem, size_t elsize);
	void *(*realloc)(void *ctx, void *ptr, size_t new_size);
	void (*free)(void *ctx, void *ptr);
} pyx_mem_allocator;
#define PYX_MEM_DOMAIN_RAW 0

/* Stable flag bits of tp_flags (Include/object.h, unchanged 3.8-3.13). */
#define PYX_TPFLAGS_LONG_SUBCLASS (1UL << 24)
#define PYX_TPFLAGS_BYTES_SUBCLASS (1UL << 27)
#define PYX_TPFLAGS_UNICODE_SUBCLASS (1UL << 28)
#define PYX_TPFLAGS_VALID_VERSION_TAG (1UL << 19)

/* Py_buffer (Include/pybuffer.h, the same 3.8-3.13: part of the stable ABI since 3.11). */
struct pyx_buffer {
	void *buf;
	PyObject *obj;
	Py_ssize_t len;
	Py_ssize_t itemsize;
	int readonly;
	int ndim;
	char *format;
	Py_ssize_t *shape;
	Py_ssize_t *strides;
	Py_ssize_t *suboffsets;
	void *internal;
};
#define PYX_BUF_SIMPLE 0 /* PyBUF_SIMPLE: C-contiguous unsigned bytes */

/* Function pointers: X(return type, name, parameters). All required unless listed in OPT below. */
/* clang-format off */
#define PYX_API_FUNCS(X)                                                                           \
	X(int, PySys_AddAuditHook, (Py_AuditHookFunction, void *))                                 \
	X(int, PySys_Audit, (const char *, const char *, ...))                                     \
	X(int, Py_IsInitialized, (void))                                                           \
	X(const char *, Py_GetVersion, (void))                                                     \
	X(Py_ssize_t, PyTuple_Size, (PyObject *))                                                  \
	X(PyObject *, PyTuple_GetItem, (PyObject *, Py_ssize_t))                                   \
	X(Py_ssize_t, PyList_Size, (PyObject *))                                                   \
	X(PyObject *, PyList_GetItem, (PyObject *, Py_ssize_t))                                    \
	X(int, PyDict_Next, (PyObject *, Py_ssize_t *, PyObject **, PyObject **))                  \
	X(Py_ssize_t, PyDict_Size, (PyObject *))                                                   \
	X(Py_ssize_t, PyUnicode_GetLength, (PyObject *))                                           \
	X(uint32_t, PyUnicode_ReadChar, (PyObject *, Py_ssize_t))                                  \
	X(Py_ssize_t, PyBytes_Size, (PyObject *))                                                  \
	X(char *, PyBytes_AsString, (PyObject *))                                                  \
	X(Py_ssize_t, PyByteArray_Size, (PyObject *))                                              \
	X(char *, PyByteArray_AsString, (PyObject *))                                              \
	X(int, PyObject_GetBuffer, (PyObject *, struct pyx_buffer *, int))                        \
	X(void, PyBuffer_Release, (struct pyx_buffer *))                                           \
	X(long long, PyLong_AsLongLongAndOverflow, (PyObject *, int *))                            \
	X(int64_t, _PyLong_NumBits, (PyObject *))                                                  \
	X(PyObject *, PyNumber_ToBase, (PyObject *, int))                                          \
	X(double, PyFloat_AsDouble, (PyObject *))                                                  \
	X(unsigned long, PyType_GetFlags, (PyObject *))                                            \
	X(int, PyType_IsSubtype, (PyObject *, PyObject *))                                         \
	X(void, Py_IncRef, (PyObject *))                                                           \
	X(void, Py_DecRef, (PyObject *))                                                           \
	X(void, PyErr_Fetch, (PyObject **, PyObject **, PyObject **))                              \
	X(void, PyErr_Restore, (PyObject *, PyObject *, PyObject *))                               \
	X(void, PyErr_Clear, (void))                                                               \
	X(PyObject *, PyEval_GetFrame, (void))                                                     \
	X(int, PyFrame_GetLineNumber, (PyObject *))                                                \
	X(PyObject *, PyObject_GetAttrString, (PyObject *, const char *))                          \
	X(PyObject *, PyModuleDef_Init, (void *))                                                  \
	X(int, PyModule_AddObject, (PyObject *, const char *, PyObject *))                         \
	X(int, PyModule_AddIntConstant, (PyObject *, const char *, long))                          \
	X(int, PyModule_AddStringConstant, (PyObject *, const char *, const char *))               \
	X(PyObject *, PyBool_FromLong, (long))                                                     \
	X(PyObject *, PyLong_FromUnsignedLongLong, (unsigned long long))                           \
	X(PyObject *, PyBytes_FromStringAndSize, (const char *, Py_ssize_t))                       \
	X(PyObject *, PyUnicode_FromString, (const char *))                                        \
	X(PyObject *, PyUnicode_Join, (PyObject *, PyObject *))                                    \
	X(PyObject *, PyUnicode_Concat, (PyObject *, PyObject *))                                  \
	X(PyObject *, PyUnicode_Substring, (PyObject *, Py_ssize_t, Py_ssize_t))                   \
	X(int, PyArg_ParseTuple, (PyObject *, const char *, ...))                                  \
	X(void, PyMem_GetAllocator, (int, pyx_mem_allocator *))                                    \
	X(void, PyMem_SetAllocator, (int, pyx_mem_allocator *))

/* Present only in some versions: PyFrame_GetCode (3.9+), the unchecked thread-state getter
 * (_PyThreadState_UncheckedGet 3.8-3.12, PyThreadState_GetUnchecked 3.13+), PyFrame_GetLasti
 * (3.11+), PyInterpreterState_Get (3.9+), PyGC_Disable/PyGC_Enable (3.10+). */
#define PYX_API_OPT_FUNCS(X)                                                                       \
	X(PyObject *, PyFrame_GetCode, (PyObject *))                                               \
	X(void *, _PyThreadState_UncheckedGet, (void))                                             \
	X(void *, PyThreadState_GetUnchecked, (void))                                              \
	X(int, PyFrame_GetLasti, (PyObject *))                                                     \
	X(void *, PyInterpreterState_Get, (void))                                                  \
	X(void *, PyInterpreterState_Main, (void))                                                 \
	X(int, PyGC_Disable, (void))                                                               \
	X(int, PyGC_Enable, (void))

#define PYX_API_OBJS(X)                                                                            \
	X(PyUnicode_Type)                                                                          \
	X(PyBytes_Type)                                                                            \
	X(PyByteArray_Type)                                                                        \
	X(PyLong_Type)                                                                             \
	X(PyFloat_Type)                                                                            \
	X(PyBool_Type)                                                                             \
	X(PyTuple_Type)                                                                            \
	X(PyList_Type)                                                                             \
	X(PyDict_Type)                                                                             \
	X(PyCode_Type)                                                                             \
	X(PyMemoryView_Type)                                                                       \
	X(PyType_Type)                                                                             \
	X(_Py_NoneStruct)                                                                          \
	X(_Py_TrueStruct)                                                                          \
	X(_Py_FalseStruct)
/* clang-format on */

/* clang-format off */
struct pyx_api {
#define PYX_API_FN(ret, name, params) ret(*name) params;
	PYX_API_FUNCS(PYX_API_FN)
	PYX_API_OPT_FUNCS(PYX_API_FN)
#undef PYX_API_FN
#define PYX_API_OBJ(name) PyObject *name;
	PYX_API_OBJS(PYX_API_OBJ)
#undef PYX_API_OBJ
	/* clang-format on */
	void *(*tstate_get)(void); /* whichever unchecked getter this version has */
	uint32_t hexversion;       /* PY_VERSION_HEX of the running interpreter */
	/* str layout (pyx_str_view); str_ascii_size 0: unknown version, use the calls */
	uint8_t str_ascii_size;   /* sizeof(PyASCIIObject): compact ASCII data follows it */
	uint8_t str_compact_size; /* sizeof(PyCompactUnicodeObject): other compact data follows */
	uint8_t str_has_ready;    /* state.ready exists (3.8-3.11, the wstr era) */
	/* Offsets of a code object's co_filename and co_name (pyx_code_member); 0: not found */
	uint16_t code_filename_off;
	uint16_t code_name_off;
	/* The line cache (payload.c w_line); all 0 when it is off: before 3.11 or after 3.13 */
	uint16_t code_linetable_off;   /* co_linetable (bytes) */
	uint16_t code_firstlineno_off; /* co_firstlineno (int) */
	uint16_t frame_lineno_off;     /* PyFrameObject.f_lineno (int): set while a tracer runs */
};

/* Filled by pyx_api_init(); read-only afterwards. */
extern struct pyx_api pyx_api;

/* Resolve everything. 0 on success, -ENOENT when this process is not a CPython >= 3.8 (a missing
 * symbol). Idempotent; call it before anything else here, from one thread (constructor, module
 * init under the GIL, launcher main). */
int pyx_api_init(void);

static inline PyObject *pyx_type(PyObject *o)
{
	return *(PyObject **)((char *)o + 8);
}

static inline const char *pyx_type_name(PyObject *type)
{
	return *(const char **)((char *)type + 24);
}

/* tp_members: PyMemberDef { const char *name; int type; Py_ssize_t offset; int flags; doc } */
static inline const char *pyx_type_members(PyObject *type)
{
	return *(const char **)((char *)type + 240);
}

static inline PyObject *pyx_type_base(PyObject *type)
{
	return *(PyObject **)((char *)type + 256);
}

/* tp_dict: a class's own namespace (set for every class made by a class statement; NULL for
 * CPython's static built-in types from 3.12 on, which keep theirs per interpreter) */
static inline PyObject *pyx_type_dict(PyObject *type)
{
	return *(PyObject **)((char *)type + 264);
}

/* tp_mro: the tuple of classes an attribute is looked up in, in order */
static inline PyObject *pyx_type_mro(PyObject *type)
{
	return *(PyObject **)((char *)type + 344);
}

/* tp_version_tag: a number CPython gives a class for its method cache, set to another (3.8-3.10:
 * its valid flag cleared; 3.11+: to 0) whenever the class, a base or its bases change */
static inline unsigned int pyx_type_version_tag(PyObject *type)
{
	return *(unsigned int *)((char *)type + 384);
}

/*
 * A str's characters without a call: PyUnicode_ReadChar per character was most of the traced
 * cost. The layout, verified against each version's own headers by test_hook_encoder_fast.py:
 *
 *   offset 16  Py_ssize_t length (code points)
 *   offset 32  state bits: kind (bits 2-4: 1, 2 or 4 bytes per character; 0 is 3.8-3.11's
 *              not-ready PyUnicode_WCHAR_KIND), compact 0x20, ascii 0x40, ready 0x80 (3.8-3.11)
 *   compact ASCII   data right after PyASCIIObject          (48 bytes 3.8-3.11, 40 from 3.12:
 *   other compact   data right after PyCompactUnicodeObject (72,             56   wstr is gone)
 *   not compact     data.any, the pointer right after PyCompactUnicodeObject (a str subclass
 *                   instance; 3.8-3.11 also legacy strings made by PyUnicode_FromUnicode)
 *
 * Returns 0 when the str must be read through the API instead: a version this table does not
 * cover, a not-ready legacy string, no data.
 */
static inline int pyx_str_view(PyObject *o, const void **data, Py_ssize_t *n, unsigned *kind,
			       int *ascii)
{
	const char *p = (const char *)o;
	uint32_t state;
	unsigned k;

	if (!pyx_api.str_ascii_size)
		return 0;
	state = *(const uint32_t *)(p + 32);
	k = (state >> 2) & 7;
	if ((k != 1 && k != 2 && k != 4) || (pyx_api.str_has_ready && !(state & 0x80)))
		return 0;
	if (state & 0x20)
		*data = p + ((state & 0x40) ? pyx_api.str_ascii_size : pyx_api.str_compact_size);
	else
		*data = *(const void *const *)(p + pyx_api.str_compact_size);
	*n = *(const Py_ssize_t *)(p + 16);
	*kind = k;
	*ascii = !!(state & 0x40);
	return *data != NULL && *n >= 0;
}

/*
 * A code object's co_filename or co_name (borrowed; NULL when unset), read at the offset that
 * PyCode_Type's own member table declares (pyx_api_init): what PyObject_GetAttrString returns for
 * an exact code object, which has no __dict__ that could shadow a member, without the name lookup.
 */
static inline PyObject *pyx_code_member(PyObject *code, uint16_t off)
{
	return *(PyObject *const *)((const char *)code + off);
}

static inline int pyx_int_at(PyObject *o, uint16_t off)
{
	return *(const int *)((const char *)o + off);
}

/* The running thread's PyThreadState, or NULL (no Python API may be used then). */
static inline void *pyx_tstate(void)
{
	return pyx_api.tstate_get();
}

#endif /* PYX_PYAPI_H */
