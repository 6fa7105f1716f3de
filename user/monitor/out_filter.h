/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Display filters of the live view (docs/views.md): -n COMM, -u UID, --python-only,
 * --skip-startup, --findings. They decide what is shown, never what is traced or correlated: the
 * correlator sees every record, and a hidden record is counted. Records come here in the order
 * they are shown (per thread, after correlation), and the per-process state (hooked, in start-up)
 * follows that order.
 *
 * --skip-startup: a process is in start-up from the exec of a file named python* (or its hook's
 * hook_start) until the hook reports that the main module runs (cpython.run_file, run_module,
 * run_command, run_stdin, run_interactivehook); its records in between are hidden. A fork child
 * inherits its parent's state. Alarms are never hidden.
 */
#ifndef PYX_OUT_FILTER_H
#define PYX_OUT_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "pyxcheck_wire.h"
#include "pyxcheck_syscall.h"

struct pyx_vf_pid;

struct pyx_vfilter {
	const char *comm; /* -n: comm contains this, or NULL */
	bool uid_set;     /* -u */
	uint32_t uid;
	bool python_only;
	bool skip_startup;
	bool findings;
	/* counts */
	uint64_t startup_hidden; /* records hidden by --skip-startup */
	uint64_t startup_procs;  /* processes whose start-up was hidden */
	uint64_t filtered;       /* records hidden by the other filters */
	struct pyx_vf_pid *pids[1024];
};

/* What the filters need to know of a record besides its header. */
struct pyx_vf_rec {
	unsigned int type;  /* PYX_REC_* */
	bool alarm;         /* an alarm verdict, a malformed or lost record: never hidden by
				* start-up or the process filters, the only thing --findings shows */
	int event_id;       /* audit: PYX_EV_*, else -1 */
	bool python_exec;   /* exec record or execve syscall of a file named python* */
	int proc_kind;      /* process: PYX_PROC_*, else -1 */
	uint32_t child_pid; /* fork: the new process (0: a thread) */
	bool hook_start;    /* lifecycle hook_start */
};

bool pyx_vfilter_active(const struct pyx_vfilter *f);
/* Update the state with this record and say whether to show it. */
bool pyx_vfilter_show(struct pyx_vfilter *f, const struct pyx_rec_hdr *h,
		      const struct pyx_vf_rec *r);
/* Is the file name's last component python*? */
bool pyx_vfilter_is_python(const char *path, size_t len);
/* Blind spots and alerts (no record): shown unless a process filter rules their process out. */
bool pyx_vfilter_show_finding(struct pyx_vfilter *f, uint32_t pid, uint32_t uid, const char *comm,
			      bool python);
void pyx_vfilter_free(struct pyx_vfilter *f);

#endif /* PYX_OUT_FILTER_H */
