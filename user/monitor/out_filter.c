// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Display filters of the live view (out_filter.h). */
#include <stdlib.h>
#include <string.h>

#include "out_filter.h"

enum { ST_UNKNOWN = 0, ST_STARTUP, ST_RUNNING };

struct pyx_vf_pid {
	struct pyx_vf_pid *next;
	uint32_t pid;
	bool hooked;
	unsigned char state;
};

#define NBUCKETS (sizeof(((struct pyx_vfilter *)0)->pids) / sizeof(void *))

static struct pyx_vf_pid *pid_get(struct pyx_vfilter *f, uint32_t pid, bool create)
{
	struct pyx_vf_pid **b = &f->pids[pid % NBUCKETS], *p;

	for (p = *b; p; p = p->next)
		if (p->pid == pid)
			return p;
	if (!create)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL; /* no state: shown */
	p->pid = pid;
	p->next = *b;
	*b = p;
	return p;
}

static void pid_del(struct pyx_vfilter *f, uint32_t pid)
{
	struct pyx_vf_pid **pp = &f->pids[pid % NBUCKETS], *p;

	for (; (p = *pp); pp = &p->next) {
		if (p->pid == pid) {
			*pp = p->next;
			free(p);
			return;
		}
	}
}

bool pyx_vfilter_active(const struct pyx_vfilter *f)
{
	return f->comm || f->uid_set || f->python_only || f->skip_startup || f->findings;
}

bool pyx_vfilter_is_python(const char *path, size_t len)
{
	const char *base = path, *p;

	for (p = path; p < path + len; p++)
		if (*p == '/')
			base = p + 1;
	return (size_t)(path + len - base) >= 6 && !strncmp(base, "python", 6);
}

static bool proc_ok(const struct pyx_vfilter *f, uint32_t uid, const char *comm, bool hooked)
{
	if (f->uid_set && uid != f->uid)
		return false;
	if (f->comm) {
		char c[PYX_COMM_LEN + 1];

		memcpy(c, comm, PYX_COMM_LEN);
		c[PYX_COMM_LEN] = 0;
		if (!strstr(c, f->comm))
			return false;
	}
	return !f->python_only || hooked;
}

static bool is_run_event(int ev)
{
	return ev == PYX_EV_CPYTHON_RUN_FILE || ev == PYX_EV_CPYTHON_RUN_MODULE ||
	       ev == PYX_EV_CPYTHON_RUN_COMMAND || ev == PYX_EV_CPYTHON_RUN_STDIN ||
	       ev == PYX_EV_CPYTHON_RUN_INTERACTIVEHOOK;
}

bool pyx_vfilter_show(struct pyx_vfilter *f, const struct pyx_rec_hdr *h,
		      const struct pyx_vf_rec *r)
{
	bool track = f->python_only || f->skip_startup;
	struct pyx_vf_pid *p = track ? pid_get(f, h->pid, true) : NULL;
	bool hidden_startup = false, show;

	if (p) {
		if (r->proc_kind == PYX_PROC_EXEC)
			p->hooked = false; /* a new image: hooked again at its hook_start */
		if (r->type == PYX_REC_AUDIT || r->hook_start)
			p->hooked = true;
		if (f->skip_startup) {
			if (r->python_exec && p->state != ST_STARTUP) {
				p->state = ST_STARTUP;
				f->startup_procs++;
			} else if (r->hook_start && p->state == ST_UNKNOWN) {
				p->state = ST_STARTUP;
				f->startup_procs++;
			}
			if (r->type == PYX_REC_AUDIT && is_run_event(r->event_id))
				p->state = ST_RUNNING;
			hidden_startup = p->state == ST_STARTUP;
		}
		if (r->proc_kind == PYX_PROC_FORK && r->child_pid) {
			struct pyx_vf_pid *c = pid_get(f, r->child_pid, true);

			if (c) {
				c->hooked = p->hooked;
				c->state = p->state;
			}
		}
	}
	if (r->alarm)
		show = proc_ok(f, h->uid, h->comm, true) || r->type == PYX_REC_LOST;
	else if (f->findings)
		show = false;
	else if (hidden_startup)
		show = false;
	else
		show = proc_ok(f, h->uid, h->comm, p ? p->hooked : true);
	if (!show) {
		if (hidden_startup && !r->alarm && !f->findings)
			f->startup_hidden++;
		else
			f->filtered++;
	}
	if (p && r->proc_kind == PYX_PROC_EXIT)
		pid_del(f, h->pid);
	return show;
}

bool pyx_vfilter_show_finding(struct pyx_vfilter *f, uint32_t pid, uint32_t uid, const char *comm,
			      bool python)
{
	(void)pid;
	if (proc_ok(f, uid, comm, python))
		return true;
	f->filtered++;
	return false;
}

void pyx_vfilter_free(struct pyx_vfilter *f)
{
	size_t i;

	for (i = 0; i < NBUCKETS; i++) {
		while (f->pids[i]) {
			struct pyx_vf_pid *p = f->pids[i];

			f->pids[i] = p->next;
			free(p);
		}
	}
}
