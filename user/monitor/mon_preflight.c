// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The preflight phase: what must hold before anything is opened or attached, each failure said
 * in one line with what to do about it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "mon.h"

/* The hook library sits next to the binary (build/) or in ../lib/pyxcheck (make install). */
static int find_hook(char *lib, size_t lib_size, char *launcher, size_t launcher_size)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -errno;
	exe[n] = 0;
	dir = dirname(exe);
	snprintf(launcher, launcher_size, "%s/pyxcheck-python", dir);
	snprintf(lib, lib_size, "%s/libpyxcheck.so", dir);
	if (!access(lib, R_OK))
		return 0;
	snprintf(lib, lib_size, "%s/../lib/pyxcheck/libpyxcheck.so", dir);
	if (!access(lib, R_OK))
		return 0;
	snprintf(lib, lib_size, "%s/libpyxcheck.so", dir);
	return -ENOENT;
}

/* Alive and not a zombie: a zombie's records are all in. */
bool mon_proc_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* Has pid the hook mapped (preloaded or imported library, or the launcher)? */
static bool proc_hooked(pid_t pid)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return true; /* cannot tell: no warning */
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/libpyxcheck.so") || strstr(line, "/pyxcheck-python") ||
			strstr(line, "/pyxcheck.cpython");
	fclose(f);
	return found;
}

int mon_preflight(struct monitor *m)
{
	struct pyx_opts *opts = m->opts;
	unsigned int i;
	char why[160];
	int err;

	err = pyx_bpf_check(why, sizeof(why));
	if (err) {
		pyx_print_error(opts->json, "failed to load BPF programs: %s%s", why,
				err == -EPERM ? "; run it with sudo" : "");
		return 1;
	}
	if (find_hook(m->lib, sizeof(m->lib), m->launcher, sizeof(m->launcher))) {
		pyx_print_error(opts->json,
				"hook library %s is missing: run `make` (it is built next "
				"to pyxcheck) or `make install`",
				m->lib);
		return 1;
	}
	for (i = 0; i < opts->npids; i++) {
		if (!mon_proc_alive(opts->pids[i])) {
			pyx_print_error(opts->json, "no running process with pid %d",
					opts->pids[i]);
			return 1;
		}
		if (!proc_hooked(opts->pids[i]))
			fprintf(stderr,
				"pyxcheck: warning: pid %d carries no pyxcheck hook: only its "
				"syscalls and those of hooked children will be seen (pyxcheck-install-hook, "
				"or start it under pyxcheck)\n",
				opts->pids[i]);
	}
	return 0;
}
