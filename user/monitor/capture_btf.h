/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the loader needs from the kernel's BTF, from one walk of it in a thread of its own, started
 * before the skeleton is opened and waited for before the programs are chosen:
 *   - the io_uring question: which io_uring tracepoints exist, with which prototypes;
 *   - whether the kernel has the kfunc bpf_rdonly_cast(), and the ids of struct task_struct and
 *     struct pt_regs it takes (set as read-only data: bpf_core_type_id_kernel() would give the
 *     ids of libbpf's target BTF, below);
 *   - libbpf's CO-RE target: the kernel types the object relocates against, and the types they
 *     hold inline, written as a small BTF to a memfd that libbpf reads as btf_custom_path. libbpf
 *     1.1 searches the whole kernel BTF (~127k types) once for each relocated type (30 here):
 *     about a quarter of the start-up's CPU (docs/benchmarks.md, "Attach, eighth stop").
 */
#ifndef PYX_CAPTURE_BTF_H
#define PYX_CAPTURE_BTF_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define PYX_KERNEL_BTF "/sys/kernel/btf/vmlinux"

struct pyx_kbtf {
	/* set before pyx_kbtf_start() */
	bool uring_question; /* ask about io_uring (the syscalls are traced) */
	const void *obj;     /* the BPF object's ELF image: its CO-RE relocations name the types */
	size_t obj_size;
	int core_fd; /* where the CO-RE target goes (a memfd), or -1 for none */
	/* answers, after pyx_kbtf_wait() */
	int uring_disabled;   /* kernel.io_uring_disabled */
	int uring_complete;   /* arguments of io_uring_complete's raw tracepoint, -1: none */
	int uring_submit;     /* the same of io_uring_submit_req */
	bool rdonly_cast;     /* the kernel's BTF has the kfunc bpf_rdonly_cast() */
	__u32 task_struct_id; /* kernel BTF ids (0: not found, or found twice) */
	__u32 pt_regs_id;
	__u32 kernel_types; /* types in the kernel's BTF */
	__u32 core_types;   /* types written to core_fd; 0 with core_copied or on failure */
	__u32 core_roots;   /* kernel types with a relocated type's kind and name */
	bool core_copied;   /* the extract failed: core_fd holds the kernel's BTF as it is */
	bool core_written;  /* core_fd holds a BTF (the extract, an empty one, or the copy) */
	bool btf_read;      /* the kernel's BTF was read */
	int btf_err;        /* errno of a failed read, or 0 */
	/* private */
	pthread_t tid;
	bool started;
};

/* Start the walk in a thread (run it in place when no thread can be made), and libbpf's parse of
 * the kernel's BTF in another (capture_btf.c: btf__load_vmlinux_btf()). */
void pyx_kbtf_start(struct pyx_kbtf *k);
/* Wait for the answers; a second call returns at once. */
void pyx_kbtf_wait(struct pyx_kbtf *k);
/* Free the early parse if libbpf did not take it (after the load). */
void pyx_kbtf_release(void);

#endif /* PYX_CAPTURE_BTF_H */
