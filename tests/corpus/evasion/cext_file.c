// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A C extension whose init function creates and removes a file with raw syscalls: inside an
 * import window, which explains only what a loader does. Built by the test. */
#include <Python.h>
#include <fcntl.h>
#include <unistd.h>

static struct PyModuleDef mod = { PyModuleDef_HEAD_INIT, "cext_file", NULL, -1, NULL };

PyMODINIT_FUNC PyInit_cext_file(void)
{
	int fd = open(CEXT_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
	unlink(CEXT_PATH);
	return PyModule_Create(&mod);
}
