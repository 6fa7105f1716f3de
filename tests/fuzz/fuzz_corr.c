// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz target: the correlator (user/monitor/corr_*.c), which keeps state across records (per
 * process, per thread, per window) built from what monitored processes did. The input is a
 * sequence of records, each prefixed by its __u16 length; a length of 0 is a tick one window
 * later (idle windows close, idle threads are reclaimed). Every item emitted must point to
 * records that check out (ASan sees any use after free of a held record), and freeing the
 * correlator must release everything (libFuzzer's leak check).
 *
 * The caps are small so that the early-close paths run; /proc and the blind-spot ELF inspection
 * are kept out (a fake procfs, blind spots off), so that the input cannot make it open real files.
 */
#include "correlate.h"
#include "decode_syscall.h"
#include "fuzz_common.h"

static uint64_t emitted;

static int on_item(void *ctx, const struct pyx_corr_item *it)
{
	const struct pyx_rec_hdr *h = it->rec;
	struct pyx_sysview sv;
	unsigned int i;

	emitted++;
	if (it->kind != PYX_CI_RECORD)
		return 0;
	/* PYX_FUZZ_ECHO=1: one line per judged item, for the seed test */
	if (it->verdict && getenv("PYX_FUZZ_ECHO"))
		printf("%u %s\n", h->type, pyx_corr_verdict_name(it->verdict));
	if (it->size < sizeof(*h) || h->size != it->size)
		abort();
	if (it->why && strlen(it->why) > 4096)
		abort();
	for (i = 0; i < it->nsyscalls; i++)
		if (pyx_sysrec_decode(it->syscalls[i].rec, it->syscalls[i].size, &sv))
			abort(); /* only syscall records that decode are attached */
	if (it->context && it->context->has_event)
		(void)(strlen(it->context->event) + strlen(it->context->file) +
		       strlen(it->context->function));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyx_corr_opts o = {
		.max_held = 16,
		.max_bytes = 16384,
		.max_threads = 16,
		.procfs = "/nonexistent/pyx-fuzz-procfs",
	};
	struct pyx_corr *c;
	uint64_t now = 0;
	size_t off = 0;
	uint16_t len;

	if (pyx_corr_new(&c, &o, on_item, NULL))
		abort();
	while (size - off >= 2) {
		memcpy(&len, data + off, 2);
		off += 2;
		if (!len) {
			now += PYX_CORR_WINDOW_NS + 1;
			pyx_corr_tick(c, now);
			continue;
		}
		if (len > size - off)
			break;
		if (len >= sizeof(struct pyx_rec_hdr)) {
			/* an exact-size copy, as the loader hands it: hdr.size == size */
			uint8_t *rec = malloc(len);
			struct pyx_rec_hdr *h = (struct pyx_rec_hdr *)rec;

			if (!rec)
				abort();
			memcpy(rec, data + off, len);
			h->size = len;
			h->ts_ns &= (1ULL << 62) - 1;
			if (h->ts_ns > now)
				now = h->ts_ns;
			pyx_corr_record(c, rec, len);
			free(rec); /* the correlator must have copied what it holds */
		}
		off += len;
	}
	pyx_corr_flush(c);
	pyx_corr_free(c);
	return 0;
}
