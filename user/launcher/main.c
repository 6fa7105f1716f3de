// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pyxcheck-python: an spython-style (PEP 578) launcher. It registers the pyxcheck hook before
 * the interpreter exists, then runs exactly like python with the same command line.
 *
 * Nothing comes from the environment: an isolated PyConfig (no PYTHON* variables, no user site,
 * no current directory on sys.path) with the home fixed at build time, so neither PYTHONPATH nor
 * PYTHONHOME nor PYTHONSTARTUP can run code before or around the hook.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>

#include "hook.h"

#ifndef PYX_PYTHON_HOME
#error "PYX_PYTHON_HOME must name the prefix of the Python this launcher links (e.g. /usr)"
#endif

int main(int argc, char **argv)
{
	PyConfig config;
	PyStatus status;
	int err;

	err = pyx_install(PYX_DELIVERY_LAUNCHER);
	if (err) {
		fprintf(stderr, "pyxcheck-python: failed to install the audit hook: %s\n",
			err == -ENOENT ? "C API not found" : "refused");
		return 1;
	}

	PyConfig_InitIsolatedConfig(&config);
	config.use_environment = 0;
	config.user_site_directory = 0;
	config.parse_argv = 1; /* like python: options, -c, -m, script */
	status = PyConfig_SetBytesString(&config, &config.home, PYX_PYTHON_HOME);
	if (PyStatus_Exception(status))
		goto fail;
	status = PyConfig_SetBytesArgv(&config, argc, argv);
	if (PyStatus_Exception(status))
		goto fail;
	status = Py_InitializeFromConfig(&config);
	if (PyStatus_Exception(status))
		goto fail;
	PyConfig_Clear(&config);

	pyx_verify_started();
	return Py_RunMain();

fail:
	PyConfig_Clear(&config);
	if (PyStatus_IsExit(status))
		return status.exitcode;
	Py_ExitStatusException(status);
}
