// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The monitor's out-of-memory policy on the record path (docs/robustness.md, "Out of memory"),
 * with real allocation failures: a buffer asked for 2^61 bytes gets NULL from realloc. A line
 * that cannot be built is counted per stream (reported in-band as lost, reason "memory"), never
 * written half, and the writer goes on; only a line that may never be lost (stream -1) is an
 * error. pyx_grow() leaves the array as it was when it cannot grow (tests/test_robust_memory.py).
 * */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "out_writer.h"

static int fails;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                        \
			fails++;                                                                   \
		}                                                                                  \
	} while (0)

int main(void)
{
	struct pyx_writer w = { .stream = -1 };
	char *out = NULL;
	size_t len = 0, cap = 0;
	int *arr = NULL, *before;

	w.f = open_memstream(&out, &len);
	if (!w.f)
		return 1;

	pyx_buf_puts(&w.buf, "one");
	pyx_writer_flush_line(&w);

	/* a syscall line that cannot be built: counted, not written, no error */
	w.stream = PYX_STREAM_SYSCALL;
	pyx_buf_puts(&w.buf, "half");
	pyx_buf_write(&w.buf, "", (size_t)1 << 61);
	CHECK(w.buf.oom);
	pyx_writer_flush_line(&w);
	CHECK(w.err == 0);
	CHECK(w.nomem[PYX_STREAM_SYSCALL] == 1 && w.nnomem == 1);
	CHECK(w.nomem[PYX_STREAM_AUDIT] == 0);

	/* the writer goes on with the next line */
	pyx_buf_puts(&w.buf, "two");
	pyx_writer_flush_line(&w);
	CHECK(w.err == 0);

	/* a length no line has is refused the same way, before any allocation */
	w.stream = PYX_STREAM_AUDIT;
	pyx_buf_write(&w.buf, "", SIZE_MAX - 8);
	pyx_writer_flush_line(&w);
	CHECK(w.nomem[PYX_STREAM_AUDIT] == 1 && w.nnomem == 2 && w.err == 0);

	/* the accounting itself may not be lost: an error */
	w.stream = -1;
	pyx_buf_write(&w.buf, "", (size_t)1 << 61);
	pyx_writer_flush_line(&w);
	CHECK(w.err == -ENOMEM);

	/* pyx_grow: doubles from first; on failure the array and its capacity stay */
	CHECK(pyx_grow(&arr, &cap, 0, sizeof(*arr), 4) == 0 && cap == 4 && arr);
	CHECK(pyx_grow(&arr, &cap, 3, sizeof(*arr), 4) == 0 && cap == 4);
	CHECK(pyx_grow(&arr, &cap, 4, sizeof(*arr), 4) == 0 && cap == 8);
	arr[7] = 7;
	before = arr;
	cap = (size_t)1 << 60; /* 2^61 ints: realloc fails */
	CHECK(pyx_grow(&arr, &cap, cap, sizeof(*arr), 4) == -ENOMEM);
	CHECK(arr == before && cap == (size_t)1 << 60 && arr[7] == 7);
	cap = SIZE_MAX / 2 + 1; /* doubling would overflow */
	CHECK(pyx_grow(&arr, &cap, cap, sizeof(*arr), 4) == -ENOMEM && arr == before);

	fclose(w.f);
	printf("%s", out);
	free(out);
	free(arr);
	pyx_buf_free(&w.buf);
	printf("fails=%d\n", fails);
	return fails != 0;
}
