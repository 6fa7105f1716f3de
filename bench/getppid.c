// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark's unit: the cost of one getppid() system call, the cheapest kernel crossing,
 * measured in the same run as the workloads so that every figure is a ratio on this machine.
 * Usage: bench-getppid [CALLS]; prints nanoseconds per call.
 *        bench-getppid CALLS open PATH: open(PATH)/close() pairs instead, a syscall that pyxcheck
 *        has a tracepoint on (bench/monitor.py: what the monitor costs an unrelated process).
 */
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	struct timespec a, b;

	if (n <= 0) {
		fprintf(stderr, "bench-getppid: CALLS must be positive\n");
		return 2;
	}
	if (argc > 3 && !strcmp(argv[2], "open")) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < n; i++) {
			int fd = open(argv[3], O_RDONLY);

			if (fd < 0) {
				perror(argv[3]);
				return 1;
			}
			close(fd);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	/* syscall() rather than getppid(): the point is the crossing, never a cached value. */
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
