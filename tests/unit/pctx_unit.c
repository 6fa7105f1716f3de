// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Driver for user/monitor/decode_context.c without the kernel (tests/test_process_context.py).
 * Commands on stdin, one a line; answers on stdout:
 *   cg PATH                         -> RUNTIME<TAB>ID<TAB>UNIT ("-" when none)
 *   execid NODE BOOT START PID      -> the exec_id
 *   exec PID PPID TS ARG...         -> (nothing) an exec record, euid 1000, auid 4294967295,
 *                                      ns pid 7, pid ns 4026532000, cgroup id 0
 *   fork PID CHILD TS               -> (nothing) a fork record of PID
 *   exit PID TS                     -> (nothing) an exit record
 *   rec PID TS                      -> (nothing) any other record (a lifecycle record)
 *   json PID TID TS                 -> {...} the context fragment as a JSON object, {} when none
 * argv: the proc context's /proc (point it at an empty directory: nothing is read from there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyxcheck_syscall.h"
#include "pyxcheck_wire.h"
#include "decode_context.h"

struct procbuf {
	struct pyx_rec_process rec;
	char tail[PYX_SC_STR_MAX + PYX_PROC_ARGV_MAX];
};

static void hdr(struct pyx_rec_hdr *h, unsigned int type, unsigned int pid, unsigned long long ts)
{
	h->type = type;
	h->pid = pid;
	h->tid = pid;
	h->uid = 1000;
	h->ts_ns = ts;
	memcpy(h->comm, "unit", 5);
}

int main(int argc, char **argv)
{
	struct pyx_pctx *pc;
	char line[4096];

	if (argc != 2 || pyx_pctx_new(&pc, argv[1], "n1", "b1"))
		return 2;
	while (fgets(line, sizeof(line), stdin)) {
		char *cmd = strtok(line, " \n"), *a[64];
		unsigned int n = 0;

		if (!cmd)
			continue;
		while (n < 64 && (a[n] = strtok(NULL, n == 0 && !strcmp(cmd, "cg") ? "\n" : " \n")))
			n++;
		if (!strcmp(cmd, "cg") && n == 1) {
			char id[128], unit[256];
			const char *rt;
			int found = pyx_container_parse(a[0], id, sizeof(id), &rt, unit,
							sizeof(unit));

			printf("%s\t%s\t%s\n", found ? rt : "-", found ? id : "-",
			       unit[0] ? unit : "-");
		} else if (!strcmp(cmd, "execid") && n == 4) {
			char id[512];

			pyx_exec_id(id, sizeof(id), a[0], a[1], strtoull(a[2], NULL, 10),
				    strtoul(a[3], NULL, 10));
			printf("%s\n", id);
		} else if ((!strcmp(cmd, "exec") && n >= 3) || (!strcmp(cmd, "fork") && n == 3) ||
			   (!strcmp(cmd, "exit") && n == 2)) {
			struct procbuf b;
			size_t len = 0;
			unsigned int i;

			memset(&b, 0, sizeof(b));
			hdr(&b.rec.hdr, PYX_REC_PROCESS, strtoul(a[0], NULL, 10), 0);
			if (!strcmp(cmd, "exec")) {
				b.rec.kind = PYX_PROC_EXEC;
				b.rec.ppid = strtoul(a[1], NULL, 10);
				b.rec.hdr.ts_ns = strtoull(a[2], NULL, 10);
				b.rec.euid = 1000;
				b.rec.auid = 0xffffffff;
				b.rec.ns_pid = 7;
				b.rec.pidns_ino = 4026532000u;
				for (i = 3; i < n; i++) {
					size_t l = strlen(a[i]) + 1;

					memcpy(b.tail + len, a[i], l);
					len += l;
				}
				if (len) {
					b.rec.argv_off = sizeof(b.rec);
					b.rec.argv_len = len;
				}
			} else if (!strcmp(cmd, "fork")) {
				b.rec.kind = PYX_PROC_FORK;
				b.rec.child_pid = b.rec.child_tid = strtoul(a[1], NULL, 10);
				b.rec.hdr.ts_ns = strtoull(a[2], NULL, 10);
			} else {
				b.rec.kind = PYX_PROC_EXIT;
				b.rec.hdr.ts_ns = strtoull(a[1], NULL, 10);
			}
			b.rec.hdr.size = sizeof(b.rec) + len;
			pyx_pctx_record(pc, &b, b.rec.hdr.size);
		} else if (!strcmp(cmd, "rec") && n == 2) {
			struct pyx_rec_lifecycle l;

			memset(&l, 0, sizeof(l));
			hdr(&l.hdr, PYX_REC_LIFECYCLE, strtoul(a[0], NULL, 10),
			    strtoull(a[1], NULL, 10));
			l.hdr.size = sizeof(l);
			pyx_pctx_record(pc, &l, sizeof(l));
		} else if (!strcmp(cmd, "json") && n == 3) {
			struct pyx_buf b = { 0 };

			pyx_pctx_json(pc, &b, strtoul(a[0], NULL, 10), strtoul(a[1], NULL, 10),
				      strtoull(a[2], NULL, 10));
			if (b.len)
				printf("{%.*s}\n", (int)b.len - 1, b.p + 1);
			else
				printf("{}\n");
			pyx_buf_free(&b);
		} else {
			printf("bad command\n");
		}
		fflush(stdout);
	}
	pyx_pctx_free(pc);
	return 0;
}
