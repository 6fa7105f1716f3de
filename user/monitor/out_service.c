// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "correlate.h"
#include "opts.h"
#include "out_service.h"
#include "version.h"

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void read_line(const char *path, char *out, size_t size)
{
	ssize_t n;
	int fd;

	out[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, size - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	out[n] = 0;
	out[strcspn(out, "\n")] = 0;
}

void pyx_stamp_init(struct pyx_stamp *st)
{
	struct pyx_buf b = {};
	char host[256];

	if (gethostname(host, sizeof(host)))
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = 0;
	pyx_json_cstr(&b, host);
	snprintf(st->node, sizeof(st->node), "%s", b.oom ? "\"unknown\"" : b.p);
	pyx_buf_free(&b);
	read_line("/proc/sys/kernel/random/boot_id", st->boot_id, sizeof(st->boot_id));
	/* read the two clocks back to back: an error of a few hundred ns, once */
	st->real_offset = (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC));
}

/* The wall time of ts_ns, split into seconds and nanoseconds (0 to 10^9 - 1). */
static time_t stamp_split(const struct pyx_stamp *st, uint64_t ts_ns, uint32_t *ns)
{
	/* in unsigned arithmetic: a replayed capture's ts_ns may be anything (no overflow UB) */
	int64_t real = (int64_t)(ts_ns + (uint64_t)st->real_offset);
	time_t sec = (time_t)(real / 1000000000);
	long nsec = (long)(real % 1000000000);

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	*ns = (uint32_t)nsec;
	return sec;
}

size_t pyx_stamp_time(const struct pyx_stamp *st, uint64_t ts_ns, char *out, size_t size)
{
	uint32_t ns;
	time_t sec = stamp_split(st, ts_ns, &ns);
	struct tm tm;
	size_t n;

	/* records come in bursts within one second: format the date part once per second (a plain
	 * static: only the record path, one thread, writes stamps) */
	static bool cached_valid; /* not a sentinel second: -1 is 1969-12-31T23:59:59 */
	static time_t cached_sec;
	static char cached[80];
	static size_t cached_len;

	if (!cached_valid || sec != cached_sec) {
		gmtime_r(&sec, &tm);
		snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		cached_len = strlen(cached);
		cached_sec = sec;
		cached_valid = true;
	}
	/* the rest by hand: two snprintf calls per record were a tenth of the monitor's CPU */
	n = cached_len;
	if (size < n + 12) {
		if (size)
			out[0] = 0;
		return 0;
	}
	/* a four-digit year's 19 bytes in one fixed-size copy (a libc call for a length the
	 * compiler does not know) */
	if (n == 19)
		memcpy(out, cached, 19);
	else
		memcpy(out, cached, n);
	out[n] = '.';
	/* two digits at a time from a table (as out_buf.c's digits()), the first alone; in 32
	 * bits (nsec < 10^9), each pair one 2-byte copy, unrolled: the digits as four and four
	 * by constant divisors (multiplies) */
	{
		static const char pairs[] =
			"00010203040506070809101112131415161718192021222324"
			"25262728293031323334353637383940414243444546474849"
			"50515253545556575859606162636465666768697071727374"
			"75767778798081828384858687888990919293949596979899";
		uint32_t lo8 = ns % 100000000, hi4 = lo8 / 10000, lo4 = lo8 % 10000;

		out[n + 1] = (char)('0' + ns / 100000000);
		memcpy(out + n + 2, pairs + hi4 / 100 * 2, 2);
		memcpy(out + n + 4, pairs + hi4 % 100 * 2, 2);
		memcpy(out + n + 6, pairs + lo4 / 100 * 2, 2);
		memcpy(out + n + 8, pairs + lo4 % 100 * 2, 2);
	}
	out[n + 10] = 'Z';
	out[n + 11] = 0;
	return n + 11;
}

/*
 * The stamp's text around the nine digits of the nanoseconds, kept for the second and the node
 * it was made from: ,"time":"YYYY-MM-DDTHH:MM:SS. before, Z","node":NODE after, each put as one
 * fixed-size copy and the digits as one word (pyx_dec8), not a time formatted apart and copied
 * again with the keys around it. A plain static, as pyx_stamp_time's: only the record path's
 * thread stamps lines. The node is compared whole (its first STAMP_NODE_KEY bytes, its zero
 * among them): a replay puts the capture's node after the start.
 */
#define STAMP_HEAD 32
/* a host name is at most 64 bytes (HOST_NAME_MAX), 66 with its quotes: every unescaped one fits */
#define STAMP_TAIL 80
#define STAMP_NODE_KEY (STAMP_TAIL - 10)
static struct {
	bool valid;
	time_t sec;
	char node[STAMP_NODE_KEY];
	uint8_t head_len, tail_len;
	char head[STAMP_HEAD], tail[STAMP_TAIL];
} put_cache;

/* Make put_cache's text for ts_ns's second: false when it does not fit (a year past 9999, a long
 * node), and the general path writes the stamp. */
static bool stamp_cache(const struct pyx_stamp *st, uint64_t ts_ns, time_t sec)
{
	size_t n, nl = strnlen(st->node, STAMP_NODE_KEY);
	char when[48];

	put_cache.valid = false;
	/* a node too long to key: the general path, without a time formatted here for nothing */
	if (nl >= STAMP_NODE_KEY)
		return false;
	n = pyx_stamp_time(st, ts_ns, when, sizeof(when));
	/* when: the date part, '.', nine digits, 'Z' */
	if (n < 11 || 9 + n - 10 > STAMP_HEAD)
		return false;
	memcpy(put_cache.head, ",\"time\":\"", 9);
	memcpy(put_cache.head + 9, when, n - 10);
	put_cache.head_len = (uint8_t)(9 + n - 10);
	memcpy(put_cache.tail, "Z\",\"node\":", 10);
	memcpy(put_cache.tail + 10, st->node, nl);
	put_cache.tail_len = (uint8_t)(10 + nl);
	memcpy(put_cache.node, st->node, STAMP_NODE_KEY);
	put_cache.sec = sec;
	put_cache.valid = true;
	return true;
}

/* Is st->node the node put_cache was made for? Its first 32 bytes as four words, and the rest of
 * the key only for a node whose end is not among them (the string is all the text depends on):
 * no call to memcmp per line. */
static inline bool stamp_same_node(const struct pyx_stamp *st)
{
	uint64_t a[4], c[4];

	memcpy(a, st->node, sizeof(a));
	memcpy(c, put_cache.node, sizeof(c));
	if ((a[0] ^ c[0]) | (a[1] ^ c[1]) | (a[2] ^ c[2]) | (a[3] ^ c[3]))
		return false;
	/* the cached node and its zero within the 32 bytes compared (tail_len: 10 + its length) */
	return put_cache.tail_len < 10 + 31 ||
	       !memcmp(put_cache.node + 32, st->node + 32, STAMP_NODE_KEY - 32);
}

void pyx_stamp_put(const struct pyx_stamp *st, struct pyx_buf *b, uint64_t ts_ns)
{
	size_t nl, n;
	char when[48], *o;
	uint32_t ns;
	time_t sec = stamp_split(st, ts_ns, &ns);

	/* in place when the buffer has room (it mostly has: a line is built in the sink's chunk) */
	if (__builtin_expect(!b->oom && b->len + STAMP_HEAD + 9 + STAMP_TAIL + 1 <= b->cap, 1) &&
	    ((put_cache.valid && put_cache.sec == sec && stamp_same_node(st)) ||
	     stamp_cache(st, ts_ns, sec))) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		uint64_t w = pyx_dec8(ns % 100000000) + PYX_DEC8_ZERO;
#endif

		o = b->p + b->len;
		memcpy(o, put_cache.head, STAMP_HEAD);
		o += put_cache.head_len;
		o[0] = (char)('0' + ns / 100000000);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(o + 1, &w, 8);
#else
		for (n = 8, ns %= 100000000; n > 0; n--, ns /= 10)
			o[n] = (char)('0' + ns % 10);
#endif
		memcpy(o + 9, put_cache.tail, STAMP_TAIL);
		b->len += put_cache.head_len + 9 + put_cache.tail_len;
		b->p[b->len] = 0;
		return;
	}
	nl = strlen(st->node);
	n = pyx_stamp_time(st, ts_ns, when, sizeof(when));
	pyx_buf_puts(b, ",\"time\":\"");
	pyx_buf_write(b, when, n);
	pyx_buf_puts(b, "\",\"node\":");
	pyx_buf_write(b, st->node, nl);
}

void pyx_stamp_line(const struct pyx_stamp *st, struct pyx_buf *b)
{
	char add[400], when[48], *ts, *end;
	unsigned long long v;
	size_t at, n, wn, nn;

	/* every JSON record starts {"type":"...","ts":N: find N within the first bytes */
	if (b->len < 16 || b->p[0] != '{')
		return;
	ts = strstr(b->p, ",\"ts\":");
	if (!ts || ts - b->p > 64)
		return;
	v = strtoull(ts + 6, &end, 10);
	if (end == ts + 6)
		return;
	pyx_stamp_time(st, v, when, sizeof(when));
	wn = strlen(when);
	nn = strlen(st->node);
	n = sizeof(",\"time\":\"") - 1 + wn + sizeof("\",\"node\":") - 1 + nn;
	if (n >= sizeof(add))
		return;
	memcpy(add, ",\"time\":\"", 9);
	memcpy(add + 9, when, wn);
	memcpy(add + 9 + wn, "\",\"node\":", 9);
	memcpy(add + 18 + wn, st->node, nn);
	at = (size_t)(end - b->p);
	pyx_buf_write(b, add, n); /* grow by n, then move the tail up */
	if (b->oom)
		return;
	memmove(b->p + at + n, b->p + at, b->len - n - at);
	memcpy(b->p + at, add, n);
}

const char *pyx_ctype_name(unsigned int t)
{
	static const char *const names[] = { "audit", "syscall",   "process",  "lifecycle",
					     "lost",  "malformed", "throttled" };

	return t < PYX_CT__COUNT ? names[t] : "unknown";
}

void pyx_counters_self(struct pyx_counters *c)
{
	struct rusage ru;
	char statm[128];
	unsigned long size = 0, resident = 0;

	if (!getrusage(RUSAGE_SELF, &ru))
		c->cpu_seconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
				 ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	read_line("/proc/self/statm", statm, sizeof(statm));
	if (sscanf(statm, "%lu %lu", &size, &resident) == 2)
		c->rss_bytes = (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* An option's value, null when not given */
static void json_cstr_or_null(struct pyx_buf *b, const char *s)
{
	if (s)
		pyx_json_cstr(b, s);
	else
		pyx_buf_puts(b, "null");
}

void pyx_json_start(struct pyx_writer *w, uint64_t ts_ns, const struct pyx_stamp *st,
		    const struct pyx_opts *o, int argc, char **argv)
{
	struct pyx_buf *b = &w->buf;
	int i;

	pyx_buf_printf(
		b,
		"{\"type\":\"start\",\"ts\":%llu,\"pid\":%d,\"tid\":%d,\"comm\":\"pyxcheck\","
		"\"schema\":%d,\"version\":\"%s\",\"boot_id\":\"%s\",\"mode\":\"%s\",\"argv\":[",
		(unsigned long long)ts_ns, getpid(), getpid(), PYX_SCHEMA_VERSION, PYX_VERSION,
		st->boot_id,
		o->command ? "command"
		: o->npids ? "pid"
			   : "all");
	for (i = 0; i < argc; i++) {
		if (i)
			pyx_buf_putc(b, ',');
		pyx_json_cstr(b, argv[i]);
	}
	pyx_buf_putc(b, ']');
	pyx_buf_puts(b, ",\"options\":{\"output\":");
	json_cstr_or_null(b, o->output);
	pyx_buf_printf(b,
		       ",\"append\":%s,\"summary\":%s,\"events_given\":%s,\"syscalls\":%s,"
		       "\"ringbuf_size\":%zu,\"metrics\":",
		       o->append ? "true" : "false", o->summary ? "true" : "false",
		       o->events_given ? "true" : "false", o->syscalls ? "true" : "false",
		       o->ringbuf_size);
	json_cstr_or_null(b, o->metrics);
	pyx_buf_puts(b, ",\"syslog\":");
	json_cstr_or_null(b, o->syslog);
	pyx_buf_puts(b, "}}");
	pyx_writer_flush_line(w);
}

void pyx_json_stats(struct pyx_writer *w, uint64_t ts_ns, const struct pyx_counters *c)
{
	struct pyx_buf *b = &w->buf;
	unsigned int i;

	pyx_buf_printf(
		b,
		"{\"type\":\"stats\",\"ts\":%llu,\"pid\":%d,\"tid\":%d,\"comm\":\"pyxcheck\","
		"\"records\":%llu,\"shown\":{",
		(unsigned long long)ts_ns, getpid(), getpid(), (unsigned long long)c->records);
	for (i = 0; i < PYX_CT__COUNT; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_ctype_name(i),
			       (unsigned long long)c->by_type[i]);
	pyx_buf_puts(b, "},\"verdicts\":{");
	for (i = 0; i < c->nverdicts && i < PYX_V__COUNT - PYX_V_MATCHED; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "",
			       pyx_corr_verdict_name(PYX_V_MATCHED + i),
			       (unsigned long long)c->verdicts[i]);
	pyx_buf_printf(b, "},\"blind_spots\":%llu,\"lost\":{", (unsigned long long)c->blind_spots);
	for (i = 0; i < PYX_STREAM__COUNT; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_stream_name(i),
			       (unsigned long long)c->lost[i]);
	pyx_buf_printf(b, ",\"sink\":%llu},\"throttled\":{", (unsigned long long)c->sink_lost);
	/* the streams the fair share applies to (fair_admit in pyxcheck.bpf.c) */
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		pyx_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", pyx_stream_name(i),
			       (unsigned long long)c->throttled[i]);
	pyx_buf_printf(b,
		       "},\"malformed\":%llu,\"sink_sent\":%llu,\"sink_queued\":%llu,"
		       "\"hooked_alive\":%llu,\"ring_size\":%llu,\"ring_used\":%llu,"
		       "\"cpu_seconds\":%.3f,\"rss_bytes\":%llu}",
		       (unsigned long long)c->malformed, (unsigned long long)c->sink_sent,
		       (unsigned long long)c->sink_queued, (unsigned long long)c->hooked_alive,
		       (unsigned long long)c->ring_size, (unsigned long long)c->ring_used,
		       c->cpu_seconds, (unsigned long long)c->rss_bytes);
	pyx_writer_flush_line(w);
}
