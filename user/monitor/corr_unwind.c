// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unwinding a syscall's stack dump (issue 9), as perf does with elfutils: a Dwfl per process image
 * holds its executable mappings as modules (dwfl_report_elf at the load bias the mapping implies),
 * and dwfl_attach_state() gives libdwfl our own thread callbacks, whose memory is the dump the
 * BPF side copied (registers and the top pages of the stack, pyxcheck_syscall.h) rather than a
 * live process: the process may be gone, and a ptrace stop would cost it far more. libdwfl then
 * follows each module's DWARF CFI (.eh_frame), which glibc and CPython have although they are
 * built without frame pointers, and falls back to frame pointers where a module has none.
 * Symbols come from .symtab, or .dynsym where the file is stripped. Separate debug files are not
 * looked for: the monitor must not wander /usr/lib/debug for each finding.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

#include "corr_unwind.h"

/* x86-64 DWARF register numbers */
#define DW_RBP 6
#define DW_RSP 7

struct pyx_unw {
	Dwfl *dwfl;
	const struct pyx_ustack_dump *d; /* the dump being walked */
	uint32_t tid;
	struct pyx_unw_frame *out;
	unsigned int n, max;
	bool attached;
};

static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks dwfl_cb = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = no_debuginfo,
};

/* The load bias of path mapped executable at start from file offset off: the address its
 * vaddr 0 lands at. The mapping is one PT_LOAD segment's pages (or part of them). */
static int load_bias(const char *path, uint64_t start, uint64_t off, uint64_t *bias, bool *found)
{
	size_t i, phnum;
	GElf_Phdr ph;
	Elf *elf;
	int fd;

	*found = false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && !elf_getphdrnum(elf, &phnum)) {
		for (i = 0; i < phnum && !*found; i++) {
			uint64_t pstart, pend;

			if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
				continue;
			pstart = ph.p_offset & ~4095ull;
			pend = ph.p_offset + ph.p_filesz;
			if (off < pstart || off >= pend)
				continue;
			*bias = start - ((ph.p_vaddr & ~4095ull) + (off - pstart));
			*found = true;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return *found ? 0 : -1;
}

unsigned int pyx_unw_image(const char *path, uint64_t phdr, uint64_t base, struct pyx_unw_map *out,
			   unsigned int max, char *interp, size_t ninterp)
{
	uint64_t bias = base, phvaddr = 0;
	bool have_ph = false;
	unsigned int n = 0;
	size_t i, phnum;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &phnum))
		goto out;
	if (phdr) {
		/* where the program headers sit in the file's own addresses */
		for (i = 0; i < phnum && !have_ph; i++) {
			if (!gelf_getphdr(elf, i, &ph))
				continue;
			if (ph.p_type == PT_PHDR) {
				phvaddr = ph.p_vaddr;
				have_ph = true;
			} else if (ph.p_type == PT_LOAD && ph.p_offset <= eh.e_phoff &&
				   eh.e_phoff < ph.p_offset + ph.p_filesz) {
				phvaddr = ph.p_vaddr + (eh.e_phoff - ph.p_offset);
				have_ph = true;
			}
		}
		if (!have_ph)
			goto out;
		bias = phdr - phvaddr;
	}
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, i, &ph))
			continue;
		if (ph.p_type == PT_INTERP && interp && ninterp) {
			size_t len;
			const char *s = elf_rawfile(elf, &len);

			if (s && ph.p_offset < len && ph.p_filesz < ninterp &&
			    ph.p_offset + ph.p_filesz <= len) {
				memcpy(interp, s + ph.p_offset, ph.p_filesz);
				interp[ph.p_filesz] = 0;
			}
		}
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X) || n >= max)
			continue;
		out[n].start = bias + (ph.p_vaddr & ~4095ull);
		out[n].end = bias + ph.p_vaddr + ph.p_memsz;
		out[n].off = ph.p_offset & ~4095ull;
		out[n].path = path;
		n++;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return n;
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct pyx_unw *w = arg;

	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = w;
	return w->tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	struct pyx_unw *w = arg;

	(void)dwfl;
	*thread_argp = w;
	return (uint32_t)tid == w->tid;
}

/* Only the dump: anything outside it ends the walk there. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct pyx_unw *w = arg;
	const struct pyx_ustack_dump *d = w->d;

	(void)dwfl;
	if (addr < d->base || addr - d->base > d->len || d->len - (addr - d->base) < 8)
		return false;
	memcpy(result, d->stack + (addr - d->base), 8);
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct pyx_unw *w = arg;
	Dwarf_Word r[2] = { w->d->bp, w->d->sp };

	dwfl_thread_state_register_pc(thread, w->d->ip);
	return dwfl_thread_state_registers(thread, DW_RBP, 2, r);
}

static const Dwfl_Thread_Callbacks thread_cb = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

struct pyx_unw *pyx_unw_new(const struct pyx_unw_map *maps, unsigned int n)
{
	struct pyx_unw *w;
	unsigned int i, j, reported = 0;

	elf_version(EV_CURRENT);
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->dwfl = dwfl_begin(&dwfl_cb);
	if (!w->dwfl)
		goto fail;
	dwfl_report_begin(w->dwfl);
	for (i = 0; i < n; i++) {
		uint64_t bias;
		bool found, seen = false;

		if (maps[i].path[0] != '/')
			continue;
		/* one module per file: its first executable mapping places it */
		for (j = 0; j < i && !seen; j++)
			seen = !strcmp(maps[j].path, maps[i].path);
		if (seen || load_bias(maps[i].path, maps[i].start, maps[i].off, &bias, &found))
			continue;
		if (dwfl_report_elf(w->dwfl, maps[i].path, maps[i].path, -1, bias, true))
			reported++;
	}
	if (dwfl_report_end(w->dwfl, NULL, NULL) || !reported)
		goto fail;
	return w;
fail:
	pyx_unw_free(w);
	return NULL;
}

void pyx_unw_free(struct pyx_unw *w)
{
	if (!w)
		return;
	if (w->dwfl)
		dwfl_end(w->dwfl);
	free(w);
}

static int on_frame(Dwfl_Frame *state, void *arg)
{
	struct pyx_unw *w = arg;
	struct pyx_unw_frame *f;
	Dwarf_Addr pc, at;
	bool activation;
	Dwfl_Module *mod;
	GElf_Sym sym;
	GElf_Off symoff;

	if (w->n >= w->max || !dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	f = &w->out[w->n++];
	f->pc = pc;
	f->sym = NULL;
	f->symoff = 0;
	/* a return address may be just past its function (a call to a noreturn function) */
	at = activation ? pc : pc - 1;
	mod = dwfl_addrmodule(w->dwfl, at);
	if (mod) {
		f->sym = dwfl_module_addrinfo(mod, at, &symoff, &sym, NULL, NULL, NULL);
		f->symoff = symoff + (pc - at);
	}
	return w->n < w->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

unsigned int pyx_unw_walk(struct pyx_unw *w, uint32_t tid, const struct pyx_ustack_dump *d,
			  struct pyx_unw_frame *out, unsigned int max)
{
	if (!w || !d || !d->len || !max)
		return 0;
	w->d = d;
	w->tid = tid;
	w->out = out;
	w->n = 0;
	w->max = max;
	/* the state is attached once; each walk starts again from set_initial_registers() */
	if (!w->attached) {
		if (!dwfl_attach_state(w->dwfl, NULL, (pid_t)tid, &thread_cb, w))
			return 0;
		w->attached = true;
	}
	dwfl_getthread_frames(w->dwfl, (pid_t)tid, on_frame, w);
	w->d = NULL;
	return w->n;
}
