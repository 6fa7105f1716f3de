// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * -o FILE, opened by root on a path other users may have prepared. The rules (docs/cli.md):
 *   - no symlink in any component of the path: openat2(RESOLVE_NO_SYMLINKS), or, where openat2
 *     is missing (ENOSYS) or filtered (EPERM), a walk that opens each component with O_NOFOLLOW;
 *   - an existing file must belong to the monitor's user (root): a file another user created
 *     first would let that user read or rewrite the log, so it is refused, not reused;
 *   - a regular file must have one link: a hard link to a file elsewhere would be truncated;
 *   - the open never blocks: O_NONBLOCK, so a FIFO with no reader is refused with ENXIO rather
 *     than waiting (a root-owned FIFO with a reader works; the flag is cleared after the checks).
 * A regular file is then made 0600 and truncated.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "out_file.h"

#define OUT_FLAGS (O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC)

/* Each component opened with O_NOFOLLOW: a symlink anywhere fails with ELOOP or ENOTDIR. */
static int walk_open(const char *path)
{
	char buf[PATH_MAX], *comp, *save = NULL, *next;
	int dfd, fd;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	dfd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	comp = strtok_r(buf, "/", &save);
	while (comp) {
		next = strtok_r(NULL, "/", &save);
		if (!next)
			break;
		fd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		if (fd < 0)
			return errno == ENOTDIR ? -ELOOP : -errno;
		dfd = fd;
		comp = next;
	}
	if (!comp) {
		close(dfd);
		return -EISDIR;
	}
	fd = openat(dfd, comp, OUT_FLAGS, 0600);
	if (fd < 0)
		fd = -errno;
	close(dfd);
	return fd;
}

static int open_no_symlinks(const char *path)
{
	struct open_how how = {
		.flags = OUT_FLAGS,
		.mode = 0600,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd >= 0)
		return (int)fd;
	if (errno == ENOSYS || errno == EPERM)
		return walk_open(path);
	return -errno;
}

int pyx_outfile_open(const char *path, bool append, char *why, size_t n)
{
	struct stat st;
	int fd, fl;

	why[0] = 0;
	fd = open_no_symlinks(path);
	if (fd < 0) {
		if (fd == -ELOOP)
			snprintf(
				why, n,
				"a component of the path is a symlink (refused: give the real path)");
		else if (fd == -ENXIO)
			snprintf(why, n, "it is a FIFO with no reader");
		else
			snprintf(why, n, "%s", strerror(-fd));
		return fd;
	}
	if (fstat(fd, &st)) {
		snprintf(why, n, "%s", strerror(errno));
		goto refuse;
	}
	if (st.st_uid != geteuid()) {
		snprintf(why, n,
			 "it belongs to uid %u, not to uid %u (remove it or choose another path)",
			 (unsigned int)st.st_uid, (unsigned int)geteuid());
		goto refuse;
	}
	if (S_ISREG(st.st_mode) && st.st_nlink != 1) {
		snprintf(why, n, "it has %lu hard links (remove it or choose another path)",
			 (unsigned long)st.st_nlink);
		goto refuse;
	}
	fl = fcntl(fd, F_GETFL);
	/* -A (and a SIGHUP reopen): records go after what the file holds, even if another
	 * writer (logrotate's copytruncate) moved its end */
	if (fl < 0 || fcntl(fd, F_SETFL, (fl & ~O_NONBLOCK) | (append ? O_APPEND : 0)) ||
	    (S_ISREG(st.st_mode) && (st.st_mode & 07777) != 0600 && fchmod(fd, 0600)) ||
	    (S_ISREG(st.st_mode) && !append && ftruncate(fd, 0))) {
		snprintf(why, n, "%s", strerror(errno));
		goto refuse;
	}
	return fd;
refuse:
	close(fd);
	return -EPERM;
}
