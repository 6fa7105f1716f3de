// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz target: the process record decoder (fork, exec, exit). As fuzz_sysrec.c: size and type
 * come from the input's length, the view may only point into the record, then both writers run.
 */
#include "fuzz_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyx_rec_process *rec;
	struct pyx_procview pv;

	rec = fz_record(data, size, PYX_REC_PROCESS);
	if (!rec)
		return 0;
	if (!pyx_procrec_decode(rec, size, &pv)) {
		const char *lo = (const char *)rec, *hi = lo + size;

		if (pv.rec != rec)
			abort();
		if (pv.filename &&
		    (pv.filename < lo || pv.filename_len >= (size_t)(hi - pv.filename) ||
		     pv.filename[pv.filename_len] != 0))
			abort();
	}
	fz_render_all((const uint8_t *)rec, size);
	free(rec);
	return 0;
}
