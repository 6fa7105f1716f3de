// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * 32-bit syscalls from a 64-bit process: int $0x80 with the i386 numbers and registers. Loaded
 * with ctypes by int80_ops.py; tests/test_evasion_kernel.py builds it with
 *   gcc -shared -fPIC -O2 -o int80.so int80.c
 * The i386 ABI takes 32-bit pointers, so every argument that points somewhere is copied into a
 * MAP_32BIT page first.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define NR32_EXIT 1
#define NR32_OPEN 5
#define NR32_EXECVE 11
#define NR32_UNLINK 10
#define NR32_CHMOD 15
#define NR32_KILL 37
#define NR32_SOCKETCALL 102
#define SYS_CONNECT32 3

static char *low;

static long int80(long nr, long b, long c, long d)
{
	long r;

	asm volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(b), "c"(c), "d"(d) : "memory");
	return r;
}

/* A page below 4 GiB; strings and arrays are laid out in it from the start. */
static char *lowmem(void)
{
	if (!low) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

		low = p == MAP_FAILED ? NULL : p;
	}
	return low;
}

static long low_str(size_t at, const char *s)
{
	strncpy(lowmem() + at, s, 1023);
	return (long)(uintptr_t)(lowmem() + at);
}

long i80_open(const char *path, long flags, long mode)
{
	return lowmem() ? int80(NR32_OPEN, low_str(0, path), flags, mode) : -12;
}

long i80_unlink(const char *path)
{
	return lowmem() ? int80(NR32_UNLINK, low_str(0, path), 0, 0) : -12;
}

long i80_chmod(const char *path, long mode)
{
	return lowmem() ? int80(NR32_CHMOD, low_str(0, path), mode, 0) : -12;
}

long i80_kill(long pid, long sig)
{
	return int80(NR32_KILL, pid, sig, 0);
}

/* socketcall(SYS_CONNECT, {fd, addr, len}): the only way to connect in the original i386 ABI. */
long i80_connect(long fd, const void *addr, long len)
{
	uint32_t *args;

	if (!lowmem() || len > 128)
		return -12;
	memcpy(low + 1024, addr, len);
	args = (uint32_t *)(low + 2048);
	args[0] = fd;
	args[1] = (uint32_t)(uintptr_t)(low + 1024);
	args[2] = len;
	return int80(NR32_SOCKETCALL, SYS_CONNECT32, (long)(uintptr_t)args, 0);
}

/* execve(path, {argv0, NULL}, {NULL}) */
long i80_execve(const char *path, const char *argv0)
{
	uint32_t *v;

	if (!lowmem())
		return -12;
	v = (uint32_t *)(low + 3072);
	v[0] = low_str(1024, argv0);
	v[1] = 0;
	v[2] = 0;
	return int80(NR32_EXECVE, low_str(0, path), (long)(uintptr_t)v, (long)(uintptr_t)(v + 2));
}

/* Does this kernel run 32-bit syscalls at all? (getpid, or a fault when ia32 emulation is off) */
long i80_getpid(void)
{
	return int80(20, 0, 0, 0);
}
