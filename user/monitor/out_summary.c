// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The -c table, strace -c style: % time, seconds, usecs/call, calls, errors and a name, per audit
 * event and per syscall, then per process, per source line and the slowest audit events. Seconds
 * are the nanosecond sums cut (not rounded) to microseconds, so that a reader can recompute them
 * exactly from the JSON records of the same run (docs/views.md).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "out_views.h"

static void line(struct pyx_writer *w, FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(struct pyx_writer *w, FILE *f, const char *fmt, ...)
{
	char text[1024];
	size_t i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* names come from monitored processes: nothing a terminal would interpret */
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = '?';
	if (w) {
		pyx_buf_puts(&w->buf, text);
		pyx_writer_flush_line(w);
	} else {
		fprintf(f, "%s\n", text);
	}
}

static const char *secs(uint64_t ns, char *buf, size_t size)
{
	snprintf(buf, size, "%llu.%06llu", (unsigned long long)(ns / 1000000000ull),
		 (unsigned long long)(ns / 1000 % 1000000));
	return buf;
}

static double pct(uint64_t part, uint64_t total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

/* a run touches hundreds of lines of the standard library: the first ones say where time went */
#define PYX_TABLE_LINES 30

static const char rule[] = "------ ----------- ----------- --------- --------- ";

static void strace_table(struct pyx_views *v, struct pyx_writer *w, FILE *f,
			 const struct pyx_sum_tab *tab, uint64_t total, const char *what)
{
	struct pyx_sum_row **rows = pyx_sum_sorted(tab, v->o.sort);
	uint64_t calls = 0, errors = 0;
	char s[32];
	size_t i;

	line(w, f, "%6s %11s %11s %9s %9s %s", "% time", "seconds", "usecs/call", "calls", "errors",
	     what);
	line(w, f, "%s----------------", rule);
	for (i = 0; rows && i < tab->n; i++) {
		const struct pyx_sum_row *r = rows[i];

		calls += r->calls;
		errors += r->errors;
		line(w, f, "%6.2f %11s %11llu %9llu %9llu %s", pct(r->time_ns, total),
		     secs(r->time_ns, s, sizeof(s)),
		     (unsigned long long)(r->calls ? r->time_ns / 1000 / r->calls : 0),
		     (unsigned long long)r->calls, (unsigned long long)r->errors, r->key);
	}
	line(w, f, "%s----------------", rule);
	line(w, f, "%6.2f %11s %11llu %9llu %9llu total", total ? 100.0 : 0.0,
	     secs(total, s, sizeof(s)), (unsigned long long)(calls ? total / 1000 / calls : 0),
	     (unsigned long long)calls, (unsigned long long)errors);
	free(rows);
}

void pyx_table_print(struct pyx_views *v, struct pyx_writer *w, FILE *f)
{
	const struct pyx_sum_timed *t = &v->timed;
	struct pyx_sum_row **rows;
	unsigned int i;
	char s[32];
	size_t k;

	line(w, f, "audit events: time is the kernel time of the syscalls matched to each event");
	strace_table(v, w, f, &t->events, t->ev_time_ns, "audit event");
	line(w, f, "%s", "");
	strace_table(v, w, f, &t->syscalls, t->sc_time_ns, "syscall");
	line(w, f, "%s", "");

	rows = pyx_sum_sorted(&t->procs, v->o.sort);
	line(w, f, "%6s %11s %9s %9s %9s %7s %s", "% time", "seconds", "syscalls", "errors",
	     "events", "pid", "comm");
	for (k = 0; rows && k < t->procs.n; k++)
		line(w, f, "%6.2f %11s %9llu %9llu %9llu %7u %s",
		     pct(rows[k]->time_ns, t->sc_time_ns), secs(rows[k]->time_ns, s, sizeof(s)),
		     (unsigned long long)rows[k]->calls, (unsigned long long)rows[k]->errors,
		     (unsigned long long)rows[k]->events, rows[k]->pid, rows[k]->comm);
	free(rows);
	line(w, f, "%s", "");

	rows = pyx_sum_sorted(&t->lines, v->o.sort);
	line(w, f, "%6s %11s %11s %9s %9s %s", "% time", "seconds", "usecs/call", "events",
	     "errors", "source line");
	for (k = 0; rows && k < t->lines.n && k < PYX_TABLE_LINES; k++)
		line(w, f, "%6.2f %11s %11llu %9llu %9llu %s", pct(rows[k]->time_ns, t->ev_time_ns),
		     secs(rows[k]->time_ns, s, sizeof(s)),
		     (unsigned long long)(rows[k]->time_ns / 1000 / rows[k]->calls),
		     (unsigned long long)rows[k]->calls, (unsigned long long)rows[k]->errors,
		     rows[k]->key);
	if (t->lines.n > PYX_TABLE_LINES)
		line(w, f, "(%zu more source lines)", t->lines.n - PYX_TABLE_LINES);
	free(rows);
	line(w, f, "%s", "");

	line(w, f, "slowest audit events:");
	line(w, f, "%11s %7s %7s %-32s %s", "usecs", "pid", "tid", "event", "frame: syscalls");
	for (i = 0; i < t->nslow; i++)
		line(w, f, "%11llu %7u %7u %-32s %s: %s",
		     (unsigned long long)(t->slow[i].time_ns / 1000), t->slow[i].pid,
		     t->slow[i].tid, t->slow[i].event, t->slow[i].frame[0] ? t->slow[i].frame : "-",
		     t->slow[i].syscalls);
	if (t->events.overflow || t->syscalls.overflow || t->procs.overflow || t->lines.overflow)
		line(w, f, "(rows left out for lack of memory: %llu)",
		     (unsigned long long)(t->events.overflow + t->syscalls.overflow +
					  t->procs.overflow + t->lines.overflow));
}
