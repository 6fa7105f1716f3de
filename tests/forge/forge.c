// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * forge: fires the pyxcheck USDT probes with garbage, as a hostile process could.
 *
 * It links the hook's own probe sites (user/hook/probes.c: same provider, names, argument layout
 * and semaphores), so a monitor attached to this binary sees exactly what it would see from a
 * hook, except that the payloads lie: lengths beyond the buffer, invalid pointers, invalid UTF-8,
 * unknown versions, depth bombs, truncated records, mismatched ids and categories. A good event
 * goes first, one in the middle and one last, to show that the monitor keeps going.
 *
 * Usage: forge MANIFEST
 *   Fires every hit once, in order, and writes one line per hit to MANIFEST:
 *     "<n> good <seq>"               a valid payload: an audit record with this seq must arrive
 *     "<n> malformed <reason>"       a malformed audit record with exactly this reason must arrive
 *     "<n> lifecycle <kind>"         a hook_start/hook_stop with garbage values (not malformed)
 *   The test (tests/test_robust_forge.py) runs it under the monitor and compares.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pyxcheck_wire.h"
#include "probes.h"

#define BUF_MAX (64 * 1024)

struct enc {
	__u8 *p;
	size_t len;
};

static void put(struct enc *e, const void *s, size_t n)
{
	if (e->len + n > BUF_MAX) {
		fprintf(stderr, "forge: encoder overflow\n");
		exit(1);
	}
	memcpy(e->p + e->len, s, n);
	e->len += n;
}

static void put_u8(struct enc *e, __u8 v)
{
	put(e, &v, 1);
}

static void put_u32(struct enc *e, __u32 v)
{
	put(e, &v, 4); /* x86-64: little-endian, as the wire */
}

static void put_str_n(struct enc *e, __u8 tag, const void *s, __u32 n, __u32 claimed)
{
	put_u8(e, tag);
	put_u32(e, claimed);
	put(e, s, n);
}

static void put_str(struct enc *e, const char *s)
{
	put_str_n(e, PYX_TAG_STR, s, strlen(s), strlen(s));
}

static __u64 seq;

/* Header then event name, file and function; the caller appends nargs values and calls finish. */
static void begin(struct enc *e, const char *name, __u16 event_id, __u16 nargs, __u8 version,
		  __u16 magic)
{
	struct pyx_payload_hdr h = {
		.magic = magic,
		.version = version,
		.event_id = event_id,
		.nargs = nargs,
		.line = 42,
		.seq = ++seq,
	};

	e->len = 0;
	put(e, &h, sizeof(h));
	put_str(e, name);
	put_str(e, "/tmp/forge.py");
	put_str(e, "<forge>");
}

static void finish(struct enc *e)
{
	((struct pyx_payload_hdr *)e->p)->len = e->len;
}

static FILE *manifest;
static unsigned int hits;

static void fire(__u32 cat, __u32 event_id, const void *p, __u32 len, const char *expect)
{
	pyx_fire_event(cat, event_id, p, len);
	fprintf(manifest, "%u %s\n", ++hits, expect);
}

static void fire_good(struct enc *e)
{
	char line[64];

	begin(e, "open", PYX_EV_OPEN, 3, PYX_PAYLOAD_VERSION, PYX_PAYLOAD_MAGIC);
	put_str(e, "/etc/forge-good");
	put_str(e, "r");
	put_u8(e, PYX_TAG_NONE);
	finish(e);
	snprintf(line, sizeof(line), "good %llu", (unsigned long long)seq);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e->p, e->len, line);
}

/* An unknown event with one argument value (raw bytes), on the "other" probe. */
static void fire_one_arg(struct enc *e, const void *val, size_t n, const char *expect)
{
	begin(e, "forge.arg", PYX_EVENT_UNKNOWN, 1, PYX_PAYLOAD_VERSION, PYX_PAYLOAD_MAGIC);
	put(e, val, n);
	finish(e);
	fire(PYX_CAT_OTHER, PYX_EVENT_UNKNOWN, e->p, e->len, expect);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	struct enc e, v;
	__u8 *guard;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: forge MANIFEST\n");
		return 2;
	}
	manifest = fopen(argv[1], "w");
	e.p = malloc(BUF_MAX);
	v.p = malloc(BUF_MAX);
	/* two pages, the second PROT_NONE: a copy that runs past the first one faults */
	guard = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!manifest || !e.p || !v.p || guard == MAP_FAILED ||
	    mprotect(guard + page, page, PROT_NONE)) {
		fprintf(stderr, "forge: set-up failed: %s\n", strerror(errno));
		return 1;
	}
	setvbuf(manifest, NULL, _IOLBF, 0);
	/* touch every page: the BPF copy cannot fault pages in, and only the lies should fail it */
	memset(e.p, 0, BUF_MAX);
	memset(v.p, 0, BUF_MAX);
	memset(guard, 0, page);

	fire_good(&e);

	/* Invalid pointers: the BPF copy fails. */
	fire(PYX_CAT_FILE, PYX_EV_OPEN, NULL, 100,
	     "malformed the payload could not be copied from the process");
	fire(PYX_CAT_FILE, PYX_EV_OPEN, (void *)1, 64,
	     "malformed the payload could not be copied from the process");
	fire(PYX_CAT_NETWORK, 3, (void *)0xffffffff81000000ull, 512,
	     "malformed the payload could not be copied from the process");
	fire(PYX_CAT_OTHER, PYX_EVENT_UNKNOWN, guard + page, 24,
	     "malformed the payload could not be copied from the process");

	/* Lengths beyond the buffer: up to a guard page (the copy faults), and a huge claim. */
	fire_good(&e);
	memcpy(guard + page - e.len, e.p, e.len);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, guard + page - e.len, e.len + 100,
	     "malformed the payload could not be copied from the process");
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, 0xffffffffu,
	     "malformed payload_len differs from the probe's claimed length");
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, 0, "malformed payload shorter than its header");
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, 23, "malformed payload shorter than its header");

	/* Truncated records: the probe passes less than the payload's header says. */
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len - 7,
	     "malformed payload length does not match its header");
	((struct pyx_payload_hdr *)e.p)->len = e.len - 7;
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len - 7,
	     "malformed value runs past the end of the payload");

	/* Header lies. */
	begin(&e, "open", PYX_EV_OPEN, 0, 2, PYX_PAYLOAD_MAGIC);
	finish(&e);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len, "malformed unsupported payload version");
	begin(&e, "open", PYX_EV_OPEN, 0, 255, PYX_PAYLOAD_MAGIC);
	finish(&e);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len, "malformed unsupported payload version");
	begin(&e, "open", PYX_EV_OPEN, 0, PYX_PAYLOAD_VERSION, 0x4141);
	finish(&e);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len, "malformed bad payload magic");
	begin(&e, "open", PYX_EV_OPEN, 65535, PYX_PAYLOAD_VERSION, PYX_PAYLOAD_MAGIC);
	finish(&e);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len,
	     "malformed argument count runs past the end of the payload");

	/* Identity lies: the probe's id, the probe's category, the catalogue's name. */
	begin(&e, "open", PYX_EV_OPEN, 0, PYX_PAYLOAD_VERSION, PYX_PAYLOAD_MAGIC);
	finish(&e);
	fire(PYX_CAT_FILE, PYX_EV_OPEN + 1, e.p, e.len,
	     "malformed event id of the probe and of the payload differ");
	fire(PYX_CAT_NETWORK, PYX_EV_OPEN, e.p, e.len,
	     "malformed event fired on another category's probe");
	begin(&e, "opem", PYX_EV_OPEN, 0, PYX_PAYLOAD_VERSION, PYX_PAYLOAD_MAGIC);
	finish(&e);
	fire(PYX_CAT_FILE, PYX_EV_OPEN, e.p, e.len,
	     "malformed event name differs from the catalogue's for its id");

	fire_good(&e);

	/* Invalid UTF-8 and bad escapes in a str. */
	v.len = 0;
	put_str_n(&v, PYX_TAG_STR, "a\xff\xfe", 3, 3);
	fire_one_arg(&e, v.p, v.len, "malformed str is not valid UTF-8");
	v.len = 0;
	put_str_n(&v, PYX_TAG_STR, "\xed\xa0\x80", 3, 3); /* an encoded surrogate */
	fire_one_arg(&e, v.p, v.len, "malformed str is not valid UTF-8");
	v.len = 0;
	put_str_n(&v, PYX_TAG_STR, "\xc0\x80", 2, 2); /* overlong NUL */
	fire_one_arg(&e, v.p, v.len, "malformed str is not valid UTF-8");
	v.len = 0;
	put_str_n(&v, PYX_TAG_STR | PYX_TAG_ESCAPED, "\\x41", 4, 4);
	fire_one_arg(&e, v.p, v.len, "malformed bad escape in an escaped str");

	/* Lengths and counts that lie. */
	v.len = 0;
	put_str_n(&v, PYX_TAG_STR, "abc", 3, 0xffffffffu);
	fire_one_arg(&e, v.p, v.len, "malformed length above the wire limit");
	v.len = 0;
	put_str_n(&v, PYX_TAG_BYTES, "abc", 3, 100);
	fire_one_arg(&e, v.p, v.len, "malformed value runs past the end of the payload");
	v.len = 0;
	put_u8(&v, PYX_TAG_LIST);
	put_u32(&v, 0x7fffffff);
	fire_one_arg(&e, v.p, v.len, "malformed more items than PYX_SEQ_MAX");
	v.len = 0;
	put_u8(&v, PYX_TAG_TUPLE);
	put_u32(&v, 60);
	put_u8(&v, PYX_TAG_NONE);
	fire_one_arg(&e, v.p, v.len, "malformed item count runs past the end of the payload");
	v.len = 0;
	put_u8(&v, 63);
	fire_one_arg(&e, v.p, v.len, "malformed unknown value tag");
	v.len = 0;
	put_u8(&v, PYX_TAG_NONE);
	put_u8(&v, PYX_TAG_NONE);
	fire_one_arg(&e, v.p, v.len, "malformed trailing bytes after the last argument");

	/* Depth bombs: nested tuples, and nested objects, far past PYX_DEPTH_MAX. */
	v.len = 0;
	for (i = 0; i < 1000; i++) {
		put_u8(&v, PYX_TAG_TUPLE);
		put_u32(&v, 1);
	}
	put_u8(&v, PYX_TAG_NONE);
	fire_one_arg(&e, v.p, v.len, "malformed container nested deeper than PYX_DEPTH_MAX");
	v.len = 0;
	for (i = 0; i < 500; i++) {
		put_u8(&v, PYX_TAG_OBJECT);
		put_u8(&v, 1);
		put(&v, "X", 1);
		put_u8(&v, 1);
		put_u8(&v, 1);
		put(&v, "a", 1);
	}
	put_u8(&v, PYX_TAG_NONE);
	fire_one_arg(&e, v.p, v.len, "malformed object nested deeper than PYX_DEPTH_MAX");

	/* Lifecycle probes with garbage: rendered as they are, never a crash. */
	pyx_fire_hook_start(0xffffffffu, 0xffffffffu, 77, -12345);
	fprintf(manifest, "%u lifecycle hook_start\n", ++hits);
	pyx_fire_hook_stop(0, ~0ull, ~0ull);
	fprintf(manifest, "%u lifecycle hook_stop\n", ++hits);

	fire_good(&e);
	fclose(manifest);
	return 0;
}
