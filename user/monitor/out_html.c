// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --html FILE: one self-contained page (no script, no external style, font or image: it opens
 * offline and from a mail attachment): the findings with their context, an SVG timeline per
 * process, and the -c tables (a row per thread: audit events above, syscalls below, alarms and
 * process events as marks). Written at exit from what out_views.c kept (bounded: the page says
 * what it left out). Every text that came from a monitored process is escaped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out_views.h"

#define SVG_W 1100
#define LABEL_W 150
#define ROW_H 30

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static void secs(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%06llu", (unsigned long long)(ns / 1000000000ull),
		(unsigned long long)(ns / 1000 % 1000000));
}

static void table(FILE *f, struct pyx_views *v, const char *id, const char *title,
		  const struct pyx_sum_tab *tab, uint64_t total, const char *what)
{
	struct pyx_sum_row **rows = pyx_sum_sorted(tab, v->o.sort);
	size_t i;

	fprintf(f,
		"<h3>%s</h3>\n<table id=\"%s\" class=\"sum\"><thead><tr><th>%% time</th>"
		"<th>seconds</th><th>usecs/call</th><th>calls</th><th>errors</th><th>%s</th></tr>"
		"</thead><tbody>\n",
		title, id, what);
	for (i = 0; rows && i < tab->n; i++) {
		const struct pyx_sum_row *r = rows[i];

		fprintf(f, "<tr><td>%.2f</td><td>", total ? 100.0 * r->time_ns / total : 0.0);
		secs(f, r->time_ns);
		fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%llu</td><td class=\"name\">",
			(unsigned long long)(r->calls ? r->time_ns / 1000 / r->calls : 0),
			(unsigned long long)r->calls, (unsigned long long)r->errors);
		esc(f, r->key);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	free(rows);
}

static int cmp_span(const void *pa, const void *pb)
{
	const struct pyx_span *a = *(const struct pyx_span *const *)pa;
	const struct pyx_span *b = *(const struct pyx_span *const *)pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	return 0;
}

static const char *span_class(const struct pyx_span *s)
{
	switch (s->kind) {
	case PYX_SPAN_AUDIT:
		switch (s->verdict) {
		case PYX_V_MATCHED:
			return "ev matched";
		case PYX_V_MISMATCH:
			return "ev mismatch";
		case PYX_V_NO_SYSCALL:
			return "ev nosc";
		case PYX_V_INDETERMINATE:
			return "ev indet";
		default:
			return "ev";
		}
	case PYX_SPAN_SYSCALL:
		return s->verdict == PYX_V_UNAUDITED || s->verdict == PYX_V_CHANGED ? "sc alarm"
		       : s->failed                                                  ? "sc failed"
										    : "sc";
	case PYX_SPAN_PROC:
		return "proc";
	default:
		return "alarm";
	}
}

/* Last pixel column drawn in a row, per kind: a loop of short calls would otherwise draw
 * thousands of items onto the same pixel (and make the page slow to open). */
struct lane {
	long px;
	const char *cls;
};

/* Is s, at x and w pixels wide, drawn over the last item of its lane (same pixel, same
 * colour)? Audit events and syscalls only: alarms and process events are always drawn. */
static bool merged(struct lane *lanes, const struct pyx_span *s, double x, double w)
{
	struct lane *l = &lanes[s->kind];
	const char *cls = span_class(s);
	long px = (long)x;

	if (s->kind != PYX_SPAN_AUDIT && s->kind != PYX_SPAN_SYSCALL)
		return false;
	if (w < 1 && l->px == px && l->cls == cls)
		return true;
	l->px = w < 1 ? px : -1;
	l->cls = cls;
	return false;
}

/* One process: [a, b) of the sorted spans. */
static void timeline(FILE *f, struct pyx_views *v, struct pyx_span **sp, size_t a, size_t b)
{
	uint64_t lo = sp[a]->start_ns, hi = sp[a]->end_ns, span;
	uint32_t pid = sp[a]->pid, tid = 0;
	unsigned int nrows = 0, row = 0;
	const double plot = SVG_W - LABEL_W - 70; /* room for the last tick label */
	struct lane lanes[4];
	size_t i, nmerged = 0;

	for (i = a; i < b; i++) {
		if (sp[i]->start_ns < lo)
			lo = sp[i]->start_ns;
		if (sp[i]->end_ns > hi)
			hi = sp[i]->end_ns;
		if (i == a || sp[i]->tid != sp[i - 1]->tid)
			nrows++;
	}
	span = hi > lo ? hi - lo : 1;
	/* first pass: how many items share a pixel with the one before */
	for (i = a; i < b; i++) {
		if (i == a || sp[i]->tid != sp[i - 1]->tid)
			memset(lanes, 0xff, sizeof(lanes));
		nmerged += merged(lanes, sp[i],
				  LABEL_W + plot * (double)(sp[i]->start_ns - lo) / span,
				  plot * (double)(sp[i]->end_ns - sp[i]->start_ns) / span);
	}
	fprintf(f, "<h3 id=\"proc-%u\">pid %u ", pid, pid);
	esc(f, pyx_views_comm(v, pid, pid));
	fputs(": ", f);
	secs(f, hi - lo);
	fprintf(f, " s from +");
	secs(f, lo - v->t0_ns);
	fprintf(f,
		" s</h3>\n<svg class=\"timeline\" data-pid=\"%u\" data-merged=\"%zu\""
		" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%%\" viewBox=\"0 0 %u %u\">\n",
		pid, nmerged, SVG_W, nrows * ROW_H + 20);
	if (nmerged)
		fprintf(f,
			"<title>%zu items shorter than a pixel drawn as the one before them</title>\n",
			nmerged);
	/* time axis: five ticks */
	for (i = 0; i <= 4; i++) {
		double x = LABEL_W + plot * i / 4;

		fprintf(f,
			"<line class=\"tick\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%u\"/>"
			"<text class=\"axis\" x=\"%.1f\" y=\"%u\">+%.3f ms</text>\n",
			x, x, nrows * ROW_H, x, nrows * ROW_H + 14, (double)span * i / 4 / 1e6);
	}
	for (i = a; i < b; i++) {
		const struct pyx_span *s = sp[i];
		double x = LABEL_W + plot * (double)(s->start_ns - lo) / span;
		double w = plot * (double)(s->end_ns - s->start_ns) / span;
		unsigned int y;

		if (i == a || s->tid != tid) {
			memset(lanes, 0xff, sizeof(lanes));
			if (i != a)
				row++;
			tid = s->tid;
			fprintf(f, "<text class=\"label\" x=\"4\" y=\"%u\">tid %u ",
				row * ROW_H + 18, tid);
			esc(f, pyx_views_comm(v, pid, tid));
			fputs("</text>\n", f);
		}
		y = row * ROW_H;
		if (merged(lanes, s, x, w))
			continue;
		if (w < 1)
			w = 1;
		switch (s->kind) {
		case PYX_SPAN_AUDIT:
			fprintf(f,
				"<rect class=\"%s\" x=\"%.1f\" y=\"%u\" width=\"%.1f\" height=\"12\">",
				span_class(s), x, y + 2, w);
			break;
		case PYX_SPAN_SYSCALL:
			fprintf(f,
				"<rect class=\"%s\" x=\"%.1f\" y=\"%u\" width=\"%.1f\" height=\"10\">",
				span_class(s), x, y + 16, w);
			break;
		case PYX_SPAN_PROC:
			fprintf(f,
				"<rect class=\"proc\" x=\"%.1f\" y=\"%u\" width=\"2\" height=\"%u\">",
				x, y, ROW_H - 2);
			break;
		default:
			fprintf(f, "<circle class=\"alarm\" cx=\"%.1f\" cy=\"%u\" r=\"5\">", x,
				y + 8);
			break;
		}
		fputs("<title>", f);
		esc(f, s->name);
		fprintf(f, " +%.3f ms, %.3f ms</title>", (double)(s->start_ns - v->t0_ns) / 1e6,
			(double)(s->end_ns - s->start_ns) / 1e6);
		fputs(s->kind == PYX_SPAN_AUDIT || s->kind == PYX_SPAN_SYSCALL ||
				      s->kind == PYX_SPAN_PROC
			      ? "</rect>\n"
			      : "</circle>\n",
		      f);
	}
	fputs("</svg>\n", f);
}

static const char style[] =
	"body{font:14px sans-serif;margin:16px;color:#222;background:#fff}"
	"h1{font-size:20px}h2{font-size:17px;border-bottom:1px solid #ccc}h3{font-size:15px}"
	"table{border-collapse:collapse;margin-bottom:12px}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;font:12px monospace}"
	"td.name,td.text,th{text-align:left}"
	"tr.unaudited td,tr.mismatch td,tr.alert td,tr.blind-spot td{background:#fde8e8}"
	".ev{fill:#9ab}.matched{fill:#4a4}.mismatch{fill:#d22}.nosc{fill:#bbb}.indet{fill:#e90}"
	".sc{fill:#46c}.failed{fill:#c84}.sc.alarm{fill:#d22}circle.alarm{fill:#d00}"
	"svg.timeline{max-width:1100px;display:block}.proc{fill:#82c}.tick{stroke:#ddd}.axis,.label{"
	"font:11px monospace;fill:#333}"
	".legend span{display:inline-block;padding:0 6px;margin-right:6px;color:#fff}";

int pyx_html_write(struct pyx_views *v)
{
	const struct pyx_sum_timed *t = &v->timed;
	struct pyx_span **sp = NULL;
	FILE *f = v->html;
	size_t i, a;

	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>pyxcheck report</title><style>%s</style></head><body>\n",
		style);
	fputs("<h1>pyxcheck report</h1>\n<p id=\"meta\">", f);
	fprintf(f, "%llu records, ", (unsigned long long)v->sum->records);
	secs(f, v->t_end_ns > v->t0_ns ? v->t_end_ns - v->t0_ns : 0);
	fprintf(f, " s, %zu processes, %zu threads", t->procs.n, v->nnames);
	if (v->spans_dropped || v->findings_dropped)
		fprintf(f, "; left out: %llu timeline items, %llu findings (bounds %u and %u)",
			(unsigned long long)v->spans_dropped,
			(unsigned long long)v->findings_dropped, PYX_VIEWS_SPANS_MAX,
			PYX_VIEWS_FINDINGS_MAX);
	fputs("</p>\n", f);

	fputs("<h2>Findings</h2>\n", f);
	if (v->nfindings) {
		fprintf(f,
			"<table id=\"findings\"><thead><tr><th>time</th><th>pid</th>"
			"<th>tid</th><th>comm</th><th>finding</th><th>what</th><th>context</th></tr>"
			"</thead><tbody>\n");
		for (i = 0; i < v->nfindings; i++) {
			const struct pyx_finding *x = &v->findings[i];

			fprintf(f,
				"<tr class=\"%s\"><td>+%.6f</td><td>%u</td><td>%u</td>"
				"<td class=\"text\">",
				x->kind,
				x->ts_ns >= v->t0_ns ? (double)(x->ts_ns - v->t0_ns) / 1e9 : 0.0,
				x->pid, x->tid);
			esc(f, x->comm);
			fputs("</td><td class=\"text\">", f);
			esc(f, x->kind);
			fputs("</td><td class=\"text\">", f);
			esc(f, x->what);
			fputs("</td><td class=\"text\">", f);
			esc(f, x->context);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
	} else {
		fputs("<p id=\"no-findings\">No findings: no unaudited syscall, mismatch, blind "
		      "spot, "
		      "alert or loss.</p>\n",
		      f);
	}

	fputs("<h2>Timelines</h2>\n<p class=\"legend\"><span style=\"background:#4a4\">matched"
	      "</span><span style=\"background:#d22\">mismatch / unaudited</span><span "
	      "style=\"background:#bbb\">no-syscall</span><span style=\"background:#e90\">"
	      "indeterminate</span><span style=\"background:#46c\">syscall</span><span "
	      "style=\"background:#c84\">failed syscall</span><span style=\"background:#82c\">"
	      "fork / exec / exit</span></p>\n",
	      f);
	if (v->nspans) {
		sp = malloc(v->nspans * sizeof(*sp));
		if (!sp)
			return -ENOMEM;
		for (i = 0; i < v->nspans; i++)
			sp[i] = &v->spans[i];
		qsort(sp, v->nspans, sizeof(*sp), cmp_span);
		for (a = 0, i = 1; i <= v->nspans; i++) {
			if (i == v->nspans || sp[i]->pid != sp[a]->pid) {
				timeline(f, v, sp, a, i);
				a = i;
			}
		}
		free(sp);
	}
	fputs("<h2>Summary</h2>\n", f);
	table(f, v, "t-events", "Audit events (time: their matched syscalls)", &t->events,
	      t->ev_time_ns, "audit event");
	table(f, v, "t-syscalls", "Syscalls", &t->syscalls, t->sc_time_ns, "syscall");
	table(f, v, "t-lines", "Source lines (time: the syscalls of their events)", &t->lines,
	      t->ev_time_ns, "file:line");
	{
		struct pyx_sum_row **rows = pyx_sum_sorted(&t->procs, v->o.sort);

		fputs("<h3>Processes</h3>\n<table id=\"t-procs\" "
		      "class=\"sum\"><thead><tr><th>pid</th>"
		      "<th>comm</th><th>seconds</th><th>syscalls</th><th>errors</th><th>events</th>"
		      "</tr></thead><tbody>\n",
		      f);
		for (i = 0; rows && i < t->procs.n; i++) {
			fprintf(f, "<tr><td><a href=\"#proc-%u\">%u</a></td><td class=\"name\">",
				rows[i]->pid, rows[i]->pid);
			esc(f, rows[i]->comm);
			fputs("</td><td>", f);
			secs(f, rows[i]->time_ns);
			fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%llu</td></tr>\n",
				(unsigned long long)rows[i]->calls,
				(unsigned long long)rows[i]->errors,
				(unsigned long long)rows[i]->events);
		}
		fputs("</tbody></table>\n", f);
		free(rows);
	}
	fputs("<h3>Slowest audit events</h3>\n<table id=\"t-slow\" class=\"sum\"><thead><tr>"
	      "<th>usecs</th><th>pid</th><th>tid</th><th>event</th><th>frame</th><th>syscalls</th>"
	      "</tr></thead><tbody>\n",
	      f);
	for (i = 0; i < t->nslow; i++) {
		fprintf(f, "<tr><td>%llu</td><td>%u</td><td>%u</td><td class=\"name\">",
			(unsigned long long)(t->slow[i].time_ns / 1000), t->slow[i].pid,
			t->slow[i].tid);
		esc(f, t->slow[i].event);
		fputs("</td><td class=\"text\">", f);
		esc(f, t->slow[i].frame);
		fputs("</td><td class=\"text\">", f);
		esc(f, t->slow[i].syscalls);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);

	fputs("</body></html>\n", f);
	if (fflush(f) || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
