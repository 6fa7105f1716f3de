// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The live view's reorder buffer (user/monitor/out_order.c) without the kernel: lines come out
 * in timestamp order, held until the horizon passes, bounded by age, and a line that comes after
 * younger ones were written goes out at once behind one marker line (tests/test_views_order.py). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_order.h"
#include "out_writer.h"

static struct pyx_writer w;
static struct pyx_order *o;

static void put(uint64_t ts, const char *text)
{
	w.line_ts = ts;
	pyx_buf_puts(&w.buf, text);
	pyx_writer_flush_line(&w);
	w.line_ts = 0;
}

int main(void)
{
	char *out = NULL;
	size_t len = 0;

	w.f = open_memstream(&out, &len);
	w.stream = -1;
	if (!w.f || pyx_order_new(&o))
		return 1;
	w.order = o;
	put(300, "c");
	put(100, "a");
	put(200, "b");
	put(200, "b2");                      /* same time: arrival order */
	pyx_order_release(o, &w, 250, 1000); /* a, b, b2; c held */
	fputs("|\n", w.f);
	put(150, "late1"); /* older than b2, already written: at once, behind a marker */
	put(160, "late2"); /* same run: no second marker */
	put(400, "d");
	pyx_order_release(o, &w, 350, 1000); /* c */
	put(250, "late3");                   /* a new run: a new marker */
	/* age bound: d is older than now - 3 s, whatever the horizon */
	pyx_order_release(o, &w, 0, 400 + PYX_ORDER_MAX_AGE_NS + 1);
	fputs("|\n", w.f);
	w.line_ts = 0;
	put(0, "direct"); /* no key: at once */
	put(500, "e");
	pyx_order_release(o, &w, UINT64_MAX, 0);
	fclose(w.f);
	printf("%s", out);
	printf("late=%llu held=%zu\n", (unsigned long long)pyx_order_late(o), pyx_order_held(o));
	pyx_order_free(o);
	pyx_buf_free(&w.buf);
	free(out);
	return 0;
}
