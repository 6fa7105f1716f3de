// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The correlator's blind spots (docs/correlation.md, "Blind spots"): Python processes that run
 * without the hook, found at exec (the image is a CPython) or by what they map (ld.so run as a
 * program), reported after a grace period with what CPython's built-in probe saw meanwhile.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corr_elf.h"
#include "corr_internal.h"

#define BUILTIN_NAMES_MAX 1024

void corr_blind_emit(struct pyx_corr *c, struct proc *p)
{
	struct pyx_corr_blind b = {
		.pid = p->pid,
		.ppid = p->ppid,
		.ts_ns = p->exec_ns,
		.comm = p->comm,
		.exe = p->exe ? p->exe : "",
		.argv = (const char *const *)p->argv,
		.argc = p->argc,
		.why = p->why,
		.builtin = p->builtin_attached ? (p->builtin ? p->builtin : "") : NULL,
		.builtin_count = p->builtin_count,
	};
	struct pyx_corr_item it = { .kind = PYX_CI_BLIND_SPOT, .blind = &b };

	p->py_pending = false;
	p->blind_done = true;
	c->st.blind_spots++;
	corr_emit(c, &it);
}

/* The file /proc/PID/exe names now (0, 0: unreadable). */
static void exe_id(struct pyx_corr *c, struct proc *p, uint64_t *dev, uint64_t *ino)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%u/exe", c->o.procfs ? c->o.procfs : "/proc", p->pid);
	*dev = *ino = 0;
	if (!stat(path, &st)) {
		*dev = st.st_dev;
		*ino = st.st_ino;
	}
}

/* A Python without the hook so far: it has the grace period to fire hook_start. image is the
 * file to attach CPython's built-in probe to (a /proc link to the very inode it runs). */
static void blind_suspect(struct pyx_corr *c, struct proc *p, const char *image)
{
	exe_id(c, p, &p->susp_dev, &p->susp_ino);
	p->py_pending = true;
	p->blind_done = false;
	p->maps_watch = false;
	if (c->blind_fn && image)
		p->builtin_attached = c->blind_fn(c->blind_ctx, p->pid, image);
}

/*
 * An executable mapping made by a process whose image has no PT_INTERP: the dynamic loader run
 * as a program (ld.so /usr/bin/python3.11 ...) maps the program it runs itself, so /proc/PID/exe
 * and the exec record name ld.so. The mapped file is read through /proc/PID/map_files (the
 * inode the process maps, whatever happened to its name since), or, once the process is gone,
 * through the path its fd was opened with.
 */
void corr_blind_mapped(struct pyx_corr *c, struct proc *p, const struct pyx_sysview *sv)
{
	const char *procfs = c->o.procfs ? c->o.procfs : "/proc";
	char path[PATH_MAX], image[PATH_MAX], line[PATH_MAX + 128], why[96];
	unsigned long long lo, hi, addr = (unsigned long long)sv->ret;
	const char *name = NULL;
	struct fdent *e;
	int r = -1, pos;
	FILE *f;

	image[0] = 0;
	snprintf(path, sizeof(path), "%s/%u/maps", procfs, p->pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &lo, &hi, &pos) != 2 ||
		    addr < lo || addr >= hi)
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(image, sizeof(image), "%s/%u/map_files/%llx-%llx", procfs, p->pid, lo, hi);
		r = corr_elf_is_python(image, why, sizeof(why), NULL);
		if (line[pos] == '/') {
			snprintf(path, sizeof(path), "%s", line + pos);
			name = path;
		}
		break;
	}
	if (f)
		fclose(f);
	e = corr_fd_ent(p, (int64_t)sv->args[4].raw, false);
	if (r < 0 && e && e->path) {
		image[0] = 0;
		r = corr_elf_is_python(e->path, why, sizeof(why), NULL);
	}
	if (r <= 0)
		return;
	if (!name)
		name = e && e->path ? e->path : "an unnamed file";
	snprintf(p->why, sizeof(p->why), "maps %.160s, which %.80s", name, why);
	blind_suspect(c, p, NULL);
	/* Not now: ld.so maps the program segment by segment, and a uprobe with a semaphore
	 * attached before the data segment is in place fails (ESRCH). At the next tick it is. */
	free(p->attach_image);
	p->attach_image = image[0] ? strdup(image) : NULL;
}

/* A CPython 3.8+ (audit hooks: a static build exports PySys_Audit, a shared one needs
 * libpython3.N, N >= 8), by why corr_elf_is_python() gave. Python 2, 3.6 and 3.7 have no audit
 * hooks: never hooked, they are blind spots only. */
static bool audit_capable(const char *why)
{
	const char *v;
	long minor;

	if (!strcmp(why, "exports PySys_Audit"))
		return true;
	if (strncmp(why, "needs libpython3.", 17))
		return false;
	v = why + 17;
	minor = strtol(v, NULL, 10);
	return minor >= 8;
}

/*
 * Whether the image is an interpreter whose sensitive acts before its hook starts are judged
 * (corr_engine.c prehook): the exec record's file is the running image (the same inode as
 * /proc/PID/exe: a script's interpreter may have exec'd a Python already, bash's exec, and
 * /proc names that one), a CPython with audit hooks, and the interpreter program itself, named
 * python* or the file its hooked parent runs (a multiprocessing or sys.executable child), not a
 * program that embeds libpython (vim) and starts it late or never.
 */
static bool hookable_interpreter(struct pyx_corr *c, struct proc *p, const char *image)
{
	const struct proc *pp = corr_proc_find(c, p->ppid);
	const char *base = strrchr(p->exe, '/');
	struct stat a, b, pa;

	if (p->exe[0] != '/' || stat(image, &a) || stat(p->exe, &b) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino || !audit_capable(p->why))
		return false;
	if (!strncmp(base + 1, "python", 6))
		return true;
	return pp && pp->hooked && pp->exe && pp->exe[0] == '/' && !stat(pp->exe, &pa) &&
	       pa.st_dev == a.st_dev && pa.st_ino == a.st_ino;
}

/*
 * An exec record of a process whose previous image is still a suspect (no hook_start since): that
 * image execs another program, and it is reported now (returns true), unless /proc/PID/exe names
 * the same file as when the suspect was found: the monitor read it after the process had exec'd
 * already (env, sh or a wrapper exec'ing python3: the wrapper was taken for the Python it runs),
 * and the new image is judged on its own. Then the previous image's exec counts as an act of the
 * new one (returns false, p->unhooked_acted set by the caller): a real Python without the hook
 * that execs the same interpreter again is never a quiet kill (corr_proc_reap()).
 */
bool corr_blind_reexec(struct pyx_corr *c, struct proc *p)
{
	uint64_t dev, ino;

	exe_id(c, p, &dev, &ino);
	if (p->susp_ino && dev == p->susp_dev && ino == p->susp_ino)
		return false;
	corr_blind_emit(c, p);
	return true;
}

/* An exec: a Python image (or one without PT_INTERP, which may map one) is a blind-spot suspect
 * until its hook starts. */
void corr_blind_exec(struct pyx_corr *c, struct proc *p)
{
	if (c->o.blind_spots && p->exe) {
		char path[PATH_MAX];
		bool no_interp = false;
		int r;

		/* the running image, even when its file was removed or replaced since */
		snprintf(path, sizeof(path), "%s/%u/exe", c->o.procfs ? c->o.procfs : "/proc",
			 p->pid);
		r = corr_elf_is_python(path, p->why, sizeof(p->why), &no_interp);
		if (r < 0)
			r = corr_elf_is_python(p->exe, p->why, sizeof(p->why), &no_interp);
		if (r > 0) {
			p->py_image = hookable_interpreter(c, p, path);
			blind_suspect(c, p, path);
		} else {
			p->maps_watch = no_interp;
		}
	}
}

/* At each tick (all: at the flush, whatever the grace period) the pending blind spots: the
 * built-in probe attached where it could not be yet, exited processes reaped, suspects whose grace
 * period ended reported. */
void corr_blind_tick(struct pyx_corr *c, uint64_t now, bool all)
{
	unsigned int b;

	for (b = 0; b < HASH_BUCKETS; b++) {
		struct proc *p, *next;

		for (p = c->procs[b]; p; p = next) {
			next = p->hnext;
			/* tried again at each tick until it works or the grace period ends */
			if (p->attach_image && !p->exited && p->py_pending && c->blind_fn)
				p->builtin_attached = c->blind_fn(c->blind_ctx, p->pid,
								  p->attach_image);
			if (p->builtin_attached || !p->py_pending || p->exited) {
				free(p->attach_image);
				p->attach_image = NULL;
			}
			if (p->exited)
				corr_proc_reap(c, p);
			else if (p->py_pending && (all || p->exec_ns + c->o.blind_grace_ns <= now))
				corr_blind_emit(c, p);
		}
	}
}

void pyx_corr_set_blind_cb(struct pyx_corr *c, pyx_corr_blind_fn fn, void *ctx)
{
	c->blind_fn = fn;
	c->blind_ctx = ctx;
}

void pyx_corr_builtin_event(struct pyx_corr *c, uint32_t pid, const char *name)
{
	struct proc *p = corr_proc_find(c, pid);
	size_t have, n = strlen(name);
	const char *s;

	if (!p)
		return;
	p->builtin_count++;
	have = p->builtin ? strlen(p->builtin) : 0;
	for (s = p->builtin; s && (s = strstr(s, name)); s += n)
		if ((s == p->builtin || s[-1] == ',') && (s[n] == ',' || !s[n]))
			return; /* already listed */
	if (have + n + 2 > BUILTIN_NAMES_MAX)
		return;
	s = realloc(p->builtin, have + n + 2);
	if (!s)
		return;
	p->builtin = (char *)s;
	if (have)
		p->builtin[have++] = ',';
	memcpy(p->builtin + have, name, n + 1);
}
