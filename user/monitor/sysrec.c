// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Stub: replaced by the real decoder shortly. Links, decodes nothing. */
#include <errno.h>
#include <string.h>

#include "sysrec.h"

int pyx_sysrec_decode(const void *rec, size_t size, struct pyx_sysview *out)
{
	return -EINVAL;
}

int pyx_procrec_decode(const void *rec, size_t size, struct pyx_procview *out)
{
	return -EINVAL;
}

const char *pyx_sc_name(unsigned int sc)
{
	return NULL;
}

int pyx_sc_nr(unsigned int sc)
{
	return -1;
}

int pyx_sc_by_name(const char *name)
{
	return -1;
}

bool pyx_argk_has_data(enum pyx_argk kind)
{
	return false;
}

const char *pyx_errno_name(int err)
{
	return NULL;
}

const char *pyx_signal_name(int sig)
{
	return NULL;
}

const char *pyx_af_name(int af)
{
	return NULL;
}

const char *pyx_resource_name(int res)
{
	return NULL;
}

int pyx_fmt_arg(enum pyx_argk kind, uint64_t raw, char *buf, size_t size)
{
	return -EINVAL;
}
