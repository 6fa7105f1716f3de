// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz target: any ring-buffer record, decoded and rendered by both writers (fuzz_render.h).
 * hdr.size is set to the input's length, as the loader lets nothing else through; type and
 * everything after it come from the input.
 */
#include "fuzz_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *rec = fz_record(data, size, 0);

	if (!rec)
		return 0;
	fz_render_all(rec, size);
	free(rec);
	return 0;
}
