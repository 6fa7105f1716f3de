// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Issue 8, opt-in: PYXCHECK_DENY_COMPAT=1 makes 32-bit (int $0x80) and x32 syscalls impossible in
 * a hooked Python and everything it starts. The kernel's syscall tracepoints do not fire for them,
 * so the monitor cannot see what they do; this closes the door instead, with a seccomp filter that
 * kills the process (SIGSYS) at its first non-native syscall. The monitor reports that death as
 * an alert ("killed-by-seccomp").
 *
 * Why opt-in: a seccomp filter needs no_new_privs unless the process has CAP_SYS_ADMIN, and both
 * the filter and no_new_privs are inherited across fork and exec for good. Children then run setuid
 * programs (sudo, su, ping on some systems) without their privileges, and a genuine 32-bit program
 * started from the hooked Python dies. docs/correlation.md says so.
 *
 * Installed from the preload constructor, before Py_Initialize, while the process has one thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "hook.h"

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#define X32_SYSCALL_BIT 0x40000000U

static int has_cap_sys_admin(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> 21) & 1; /* CAP_SYS_ADMIN */
}

void pyx_compat_guard(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	const char *on = getenv("PYXCHECK_DENY_COMPAT");

	if (!on || strcmp(on, "1"))
		return;
#if defined(__x86_64__)
	if (!has_cap_sys_admin() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		fprintf(stderr, "pyxcheck: failed to deny 32-bit syscalls: no_new_privs: %s\n",
			strerror(errno));
		return;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		fprintf(stderr, "pyxcheck: failed to deny 32-bit syscalls: seccomp: %s\n",
			strerror(errno));
#else
	(void)prog;
#endif
}
