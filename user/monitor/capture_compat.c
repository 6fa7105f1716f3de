// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Issue 8: 32-bit syscalls (int $0x80) from 64-bit processes. The kernel's per-syscall tracepoints
 * (syscalls:sys_enter_*) ignore compat syscalls, so a hooked process can open, unlink, chmod,
 * connect (socketcall) or kill through int $0x80 and no syscall record is made. Only a raw
 * syscall tracepoint would see them, and it slows every syscall of every process on the machine
 * (docs/benchmarks.md); exec is still seen (sched_process_exec, alert "exec-untraced").
 *
 * What the monitor can do at no cost is know whether the door is open: the kernel runs 32-bit
 * syscalls only with CONFIG_IA32_EMULATION and ia32_emulation not turned off at boot. The one
 * exact test is to try: a child executes int $0x80 getpid and reports what came back. When the
 * kernel refuses (no emulation), int $0x80 raises a fault that kills the child, which is why the
 * attempt runs in a child.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_compat.h"

#define NR32_GETPID 20

int pyx_compat_probe(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
#if defined(__x86_64__)
		long r;

		asm volatile("int $0x80" : "=a"(r) : "a"((long)NR32_GETPID) : "memory");
		_exit(r == (long)getpid() ? 0 : 1);
#else
		_exit(1);
#endif
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
