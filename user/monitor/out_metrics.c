// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "correlate.h"
#include "out_metrics.h"
#include "out_writer.h"

static void counter(FILE *f, const char *name, const char *help, const char *type)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A metric without labels: its HELP and TYPE lines, then its one sample. */
static void metric_u64(FILE *f, const char *name, const char *help, const char *type, uint64_t v)
{
	counter(f, name, help, type);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

int pyx_metrics_write(const char *path, const struct pyx_counters *c)
{
	char tmp[4096];
	unsigned int i;
	FILE *f;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	metric_u64(f, "pyxcheck_ring_records_total", "Records received from the ring buffer.",
		   "counter", c->records);
	counter(f, "pyxcheck_records_total", "Records shown, by type.", "counter");
	for (i = 0; i < PYX_CT__COUNT; i++)
		fprintf(f, "pyxcheck_records_total{type=\"%s\"} %llu\n", pyx_ctype_name(i),
			(unsigned long long)c->by_type[i]);
	counter(f, "pyxcheck_verdicts_total", "Correlation verdicts.", "counter");
	for (i = 0; i < c->nverdicts && i < PYX_V__COUNT - PYX_V_MATCHED; i++)
		fprintf(f, "pyxcheck_verdicts_total{verdict=\"%s\"} %llu\n",
			pyx_corr_verdict_name(PYX_V_MATCHED + i),
			(unsigned long long)c->verdicts[i]);
	metric_u64(f, "pyxcheck_blind_spots_total",
		   "Python processes found running without the hook.", "counter", c->blind_spots);
	counter(f, "pyxcheck_lost_total",
		"Records lost, per stream (audit, syscall, process: the kernel side; sink: --syslog).",
		"counter");
	for (i = 0; i < PYX_STREAM__COUNT; i++)
		fprintf(f, "pyxcheck_lost_total{stream=\"%s\"} %llu\n", pyx_stream_name(i),
			(unsigned long long)c->lost[i]);
	fprintf(f, "pyxcheck_lost_total{stream=\"sink\"} %llu\n", (unsigned long long)c->sink_lost);
	counter(f, "pyxcheck_throttled_total",
		"Records held back by the kernel side's per-uid fair share while one user "
		"flooded the ring, per stream.",
		"counter");
	for (i = 0; i < PYX_STREAM_UNMONITORED; i++)
		fprintf(f, "pyxcheck_throttled_total{stream=\"%s\"} %llu\n", pyx_stream_name(i),
			(unsigned long long)c->throttled[i]);
	metric_u64(f, "pyxcheck_malformed_total", "Records that did not check out.", "counter",
		   c->malformed);
	metric_u64(f, "pyxcheck_sink_sent_total", "Records delivered to the --syslog relay.",
		   "counter", c->sink_sent);
	metric_u64(f, "pyxcheck_sink_queued", "Records waiting for the --syslog relay.", "gauge",
		   c->sink_queued);
	metric_u64(f, "pyxcheck_ring_size_bytes", "Ring buffer size.", "gauge", c->ring_size);
	metric_u64(f, "pyxcheck_ring_used_bytes", "Ring buffer bytes not yet consumed.", "gauge",
		   c->ring_used);
	metric_u64(f, "pyxcheck_hooked_processes", "Hooked processes started and not yet exited.",
		   "gauge", c->hooked_alive);
	counter(f, "pyxcheck_cpu_seconds_total", "Monitor CPU time, user and system.", "counter");
	fprintf(f, "pyxcheck_cpu_seconds_total %.6f\n", c->cpu_seconds);
	metric_u64(f, "pyxcheck_resident_memory_bytes", "Monitor resident set size.", "gauge",
		   c->rss_bytes);
	if (fflush(f) || fsync(fd)) {
		err = -errno;
		fclose(f);
		unlink(tmp);
		return err;
	}
	if (fclose(f)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

int pyx_ring_fill(int map_fd, uint64_t *used)
{
	static const volatile unsigned long *cons, *prod;
	long page = sysconf(_SC_PAGESIZE);

	if (!cons) {
		void *c = mmap(NULL, page, PROT_READ, MAP_SHARED, map_fd, 0);
		void *p;

		if (c == MAP_FAILED)
			return -errno;
		/* the producer page follows the consumer page */
		p = mmap(NULL, page, PROT_READ, MAP_SHARED, map_fd, page);
		if (p == MAP_FAILED) {
			munmap(c, page);
			return -errno;
		}
		cons = c;
		prod = p;
	}
	*used = *prod - *cons;
	return 0;
}

/* Open addressing on pid; a few thousand hooked processes at most in practice. */
#define ALIVE_CAP 65536
static uint32_t *alive;
static uint64_t nalive;

static uint32_t *slot(uint32_t pid, bool insert)
{
	uint32_t i, h = pid * 2654435761u;

	if (!alive && !(alive = calloc(ALIVE_CAP, sizeof(*alive))))
		return NULL;
	for (i = 0; i < ALIVE_CAP; i++) {
		uint32_t *s = &alive[(h + i) % ALIVE_CAP];

		if (*s == pid)
			return s;
		if (!*s)
			return insert ? s : NULL;
	}
	return NULL;
}

void pyx_alive_add(uint32_t pid)
{
	uint32_t *s;

	if (!pid || nalive >= ALIVE_CAP / 2)
		return;
	s = slot(pid, true);
	if (s && !*s) {
		*s = pid;
		nalive++;
	}
}

void pyx_alive_del(uint32_t pid)
{
	uint32_t *s = pid ? slot(pid, false) : NULL;
	uint32_t i, j, k;

	if (!s)
		return;
	/* backward-shift deletion keeps every probe chain whole */
	i = (uint32_t)(s - alive);
	alive[i] = 0;
	nalive--;
	for (j = (i + 1) % ALIVE_CAP; alive[j]; j = (j + 1) % ALIVE_CAP) {
		k = (alive[j] * 2654435761u) % ALIVE_CAP;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			alive[i] = alive[j];
			alive[j] = 0;
			i = j;
		}
	}
}

uint64_t pyx_alive_count(void)
{
	return nalive;
}
