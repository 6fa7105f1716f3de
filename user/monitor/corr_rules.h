/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Correlation rules: what an audit event claims (its arguments, normalised into a corr_claim),
 * which syscalls are its counterparts, how a counterpart's arguments compare with the claim, and
 * which syscalls are sensitive. No state: corr_engine.c owns windows, corr_proc.c threads and
 * processes and resolves paths before asking. docs/correlation.md describes each rule.
 */
#ifndef PYX_CORR_RULES_H
#define PYX_CORR_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode_payload.h"
#include "decode_syscall.h"

/* Window classes (bits). */
enum corr_class {
	CC_SINGLE = 1 << 0, /* compare each counterpart with the claim */
	/* import, ctypes.dlopen, ...: read-only opens and exec maps explained */
	CC_LOADER = 1 << 1,
	/* name service: its opens, sockets, connects and lib loads explained */
	CC_RESOLVER = 1 << 2,
	CC_COMPOSITE = 1 << 3, /* done by nested audited calls: stays open over them */
	CC_SPAWN = 1 << 4,     /* creates a process: children linked until exec */
	/* no argument compared: a sensitive counterpart only of the row's shape, if it names one
	 * (corr_rules.c noargs_compare()) */
	CC_NOARGS = 1 << 5,
};

enum corr_cmp {
	CM_NOT = 0, /* not a counterpart of this event */
	CM_MATCH,   /* a counterpart with the claimed arguments */
	CM_DIFFER,  /* a counterpart with other arguments */
};

/* What an argument is, on either side (corr_rules.def). */
enum corr_role {
#define CORR_ROLE(role, claim, mask, i32, minus1_any, why) CR_##role,
#include "corr_rules.def"
#undef CORR_ROLE
	CR__COUNT,
};

/* A set of syscalls (bit PYX_SC_*), as wide as the syscall table. */
#define CORR_SC_WORDS ((PYX_SC__COUNT + 63) / 64)
struct corr_scset {
	uint64_t w[CORR_SC_WORDS];
};

static inline void corr_scset_add(struct corr_scset *s, unsigned int sc)
{
	if (sc < PYX_SC__COUNT)
		s->w[sc / 64] |= 1ull << (sc % 64);
}

static inline bool corr_scset_has(const struct corr_scset *s, unsigned int sc)
{
	return sc < PYX_SC__COUNT && (s->w[sc / 64] & (1ull << (sc % 64)));
}

#define CORR_PATHS 2
#define CORR_ARGV_MAX 64

struct corr_addr {
	bool set;
	int family;                 /* AF_INET/AF_INET6/AF_UNIX/AF_NETLINK, 0 unknown */
	uint32_t nl_pid, nl_groups; /* AF_NETLINK (pid, groups), or another family's two ints */
	/* (int, int): AF_NETLINK's (pid, groups), AF_VSOCK's (cid, port), AF_QIPCRTR's (node, port),
	 * told apart by the syscall's family */
	bool two_ints;
	/* a tuple of another family's shape (AF_CAN ("can0",), AF_ALG ("hash", "sha256"), TIPC's
	 * ints): not compared, but never an AF_INET/AF_INET6/AF_UNIX/AF_NETLINK address */
	bool foreign;
	bool host_is_name; /* a host name, not an address: only the port is compared */
	bool any_host;     /* "" : INADDR_ANY */
	uint8_t ip[16];
	uint16_t port;
	uint8_t unix_path[108];
	size_t unix_len;
	char host[256]; /* as given, for context */
};

struct corr_claim {
	unsigned int ev;           /* PYX_EV_* */
	unsigned int cls;          /* enum corr_class bits */
	struct corr_scset sc_mask; /* counterparts */
	uint32_t sub_cats;         /* CC_COMPOSITE: categories of the events it is made of */
	unsigned int sub_ev[4];    /* ... or exactly these events, when nsub_ev > 0 */
	unsigned int nsub_ev;
	/* paths as given (bytes, NUL-terminated) and resolved to absolute (NULL: unresolvable) */
	char *path[CORR_PATHS];
	char *abs[CORR_PATHS];
	size_t path_len[CORR_PATHS];
	bool path_is_fd[CORR_PATHS];
	/* given, but not as a str, bytes, fd or None: an object the hook does not read (a buffer
	 * other than an exact memoryview) or one dropped for room. Never compared: such a claim
	 * explains no syscall of that path's role and differs from none (cmp_path) */
	bool path_unread[CORR_PATHS];
	/* Bit per enum corr_role: an argument given as a value CPython never passes for that role
	 * (None where CPython passes none, absent, an object the hook does not read, an argv item
	 * it does not read). Such a claim explains no syscall its role is compared on and differs
	 * from none, as path_unread (corr_claim_unread, docs/correlation.md "Comparison rules") */
	uint64_t unread;
	/* socket.sendmsg without an address (CPython raises None): a sendmsg with no msg_name */
	bool addr_none;
	/* argv items the hook cut (PYX_TAG_TRUNCATED): compared as a prefix, bit per item */
	uint64_t argv_cut;
	int64_t fd[CORR_PATHS];
	int64_t dir_fd[CORR_PATHS]; /* -100 (AT_FDCWD) when not given */
	bool symlink_src;           /* os.symlink: path[0] is the link's text, never resolved */
	/* open */
	bool has_oflags;
	uint64_t oflags;
	bool dir_open; /* listdir/scandir: an O_DIRECTORY open */
	/* numbers, by role (mode, uid, gid, length, pid, sig, resource, family, type, ...) */
	bool has_num[CR__COUNT];
	int64_t num[CR__COUNT];
	/* sockets */
	int64_t sock_fd; /* -1: unknown */
	/* exec */
	char *exe;            /* file to exec, as given (NULL: argv[0]) */
	bool exe_path_lookup; /* no '/': PATH is searched, compare basenames */
	unsigned int argc;
	bool argv_known;
	bool argv_truncated;
	char *cwd;  /* subprocess.Popen(cwd=...): the child's working directory */
	char *lib;  /* ctypes.dlopen: the library asked for */
	char *host; /* a host name: socket.sethostname, http.client.connect, resolvers */
	/* a resolver event whose lookup is glibc's getaddrinfo() (claim_resolver_gai): its window
	 * also explains __check_pf()'s netlink socket and bind and rfc3484_sort()'s connects */
	bool gai;
	bool sqlite_db; /* path[0] is a sqlite database: its journal files are its own */
	/* Not NULL: the strings are keep's (a reference), but for abs[i] that keep does not have
	 * (abs[i] != keep->cl.abs[i]), which are the claim's own (corr_claim_from()). */
	struct corr_claim_keep *keep;
	/* The tail (1 KB of the 1.5), last so that corr_claim_from() copies the rest whole and of
	 * these only what is read: addr only when addr.set, argv and argv_skip below argc. */
	struct corr_addr addr;
	char *argv[CORR_ARGV_MAX];
	bool argv_skip[CORR_ARGV_MAX]; /* item not compared (os.system's "sh") */
};

/* A claim kept for reuse with its strings, counted references (corr_rules.c). */
struct corr_claim_keep {
	unsigned int refs;
	struct corr_claim cl; /* owns its strings; abs[i] only where corr_claim_abs_pure() */
};

/* Fill cl from a decoded event. Strings are copied (free with corr_claim_free()). Returns false
 * when the event has no counterparts (the window only closes the previous one). */
bool corr_claim_init(struct corr_claim *cl, const struct pyx_event *ev);
/* Free its strings; cl is then garbage until corr_claim_init(), corr_claim_from() or a memset. */
void corr_claim_free(struct corr_claim *cl);
/* Is abs[i] a function of path[i] alone (an absolute path, lexically normalised), whatever the
 * process's cwd and fd table? */
bool corr_claim_abs_pure(const struct corr_claim *cl, unsigned int i);
/* Keep cl, just made by corr_claim_init() and resolved: its strings go to a new keep (which
 * takes abs[i] only where pure), cl refers to them; the keep holds two references, cl's and the
 * caller's. NULL (out of memory): cl is unchanged. */
struct corr_claim_keep *corr_claim_share(struct corr_claim *cl);
/* cl is the claim kept (what corr_claim_init() made of the same event), one more reference;
 * corr_claim_resolve() then resolves only the paths the keep has no abs for. */
void corr_claim_from(struct corr_claim *cl, struct corr_claim_keep *k);
/* Drop a reference; the last frees the keep and its strings. */
void corr_claim_keep_put(struct corr_claim_keep *k);
/* Does cl name a value the monitor cannot read (path_unread, unread)? */
bool corr_claim_unread(const struct corr_claim *cl);
/* Why its verdict is indeterminate when it does: "its path is an object the hook does not read:
 * not compared", naming the first such argument's role (a static string). */
const char *corr_claim_unread_why(const struct corr_claim *cl);
/* A copy of src that owns every string of its own (no keep): free with corr_claim_free(). NULL:
 * out of memory. */
struct corr_claim *corr_claim_dup(const struct corr_claim *src);

/* Is event e, of category cat, part of the composite cl (keeps it open)? An import's only from
 * the import system's frames (corr_rules.c). */
bool corr_sub_event(const struct corr_claim *cl, const struct pyx_event *e, unsigned int cat);

/* Absolute paths of a syscall's PATH arguments, resolved by the caller (NULL: unknown). */
struct corr_scpaths {
	const char *abs[CORR_PATHS];
	/* A successful execveat whose filename the record could not read: the file the kernel
	 * ran as it named it (bprm->filename, the process record of the same exec; the engine
	 * joins them, corr_engine.c exec_kname()). NULL otherwise. */
	const char *exec_kname;
	/* A failed execveat(fd, <unread>, argv, envp, AT_EMPTY_PATH), only its filename unread
	 * (corr_engine.c exec_failed_unread()): it ran nothing, so a claim of that very fd with
	 * that argv may explain it (corr_rules.c exec_of_fd) */
	bool exec_failed_unread;
	/* What the resolver shapes (corr_lookup_shape) read: the process runs in another mount
	 * namespace than the monitor's (no nameserver or daemon socket it names is known), and
	 * the monitor's resolv.conf (NULL: no nameserver connect is a lookup's) */
	bool mnt_other;
	const char *resolv_conf;
	/* a connect's socket is the one glibc's getaddrinfo() sorts the results of the lookup in
	 * progress with (corr_engine.c gai_track, docs/correlation.md "Resolver windows"): made as
	 * glibc makes it (corr_gai_sort_socket(), the fd table says so; dup2() is not traced) by
	 * the thread since its last audit event, after __check_pf()'s netlink socket and bind,
	 * and fewer than GAI_SORT_MAX results connected to so far */
	bool gai_sort;
	/* a send on __check_pf()'s netlink socket (an fd made as corr_check_pf_socket() says
	 * that no audit event's own window explained) other than glibc's RTM_GETADDR request
	 * (corr_check_pf_send()): sensitive, and no resolver shape */
	bool nl_send_odd;
	/* a socket made as __check_pf()'s that no window other than a resolver event's explained:
	 * the fd table remembers it (fdent.check_pf) */
	bool check_pf_sock;
	/* an mmap's fd, as the process's fd table says (corr_proc.c): a file, not a socket, opened
	 * with no write access by an open(2) an audit event's window explained, as ld.so's open of
	 * a library is by its loader's (cmp_loader); close(2) is not traced, so an fd number reused
	 * since by an untraced call (memfd_create, dup2) still reads as that file */
	bool map_ro_file;
	/* the process's pid in its own pid namespace (corr_view.ns_pid), 0: unknown */
	uint32_t ns_pid;
};

/* Compare one syscall with a claim. why: a static reason on CM_DIFFER. */
enum corr_cmp corr_compare(const struct corr_claim *cl, const struct pyx_sysview *sv,
			   const struct corr_scpaths *sp, const char **why);

/* Sensitive syscalls (the "sensitive" column of corr_rules.def, docs/correlation.md). */
bool corr_sensitive(const struct pyx_sysview *sv);

/* What the engine knows of one process, read-only, for the exemption rules. */
struct corr_fdinfo {
	const char *path; /* absolute, NULL: unknown */
	bool socket;
	bool audited; /* created, bound, connected or accepted under an audit event; a file:
			   * opened by an open(2) an audit event explained */
	bool writes;  /* a file opened for writing (O_WRONLY/O_RDWR, creat) */
};

/* A shm_open or sem_open name a hooked Python created (corr_proc.c, corr_shm_track): the file's
 * path, the creator's uid, and whether it was unlinked since (gone). */
struct corr_shm_name {
	uint32_t uid;
	bool gone;
	char *path;
};

struct corr_view {
	const void *ctx;
	/* the entry of fd in the process's fd table; false when there is none */
	bool (*fd)(const void *ctx, int64_t fd, struct corr_fdinfo *out);
	/* absolute paths of the sqlite databases the process opened under sqlite3.connect */
	const char *const *sqlite;
	unsigned int nsqlite;
	/* glibc sem_open() state: temp files opened and not yet unlinked, names linked */
	const char *const *sem_tmp;
	unsigned int nsem_tmp;
	const char *const *sem;
	unsigned int nsem;
	/* sqlite temp files (corr_sqlite_tmp_open()) opened and not yet unlinked */
	const char *const *sqlite_tmp;
	unsigned int nsqlite_tmp;
	/* names any hooked Python created in /dev/shm (all uids: the rule asks for uid's own) */
	const struct corr_shm_name *shm;
	unsigned int nshm;
	uint32_t uid; /* the syscall's (real) uid, from its record */
	uint32_t pid, tid;
	bool nss_load;          /* the thread opened an NSS module since its last audit event */
	bool finalized;         /* the process's hook said hook_stop (Py_FinalizeEx is done) */
	bool fork_of_hooked;    /* a fork of a hooked Python, before its exec */
	const char *parent_exe; /* the file the parent exec'd, NULL: unknown */
	uint32_t ppid;
	const char *procfs; /* "/proc" */
	/* the process's pid as its own syscalls name it (in its own pid namespace), 0: unknown */
	uint32_t ns_pid;
	/* it (or a parent before its fork) changed its mount namespace, a mount or its root, or it
	 * runs in another mount namespace than the monitor's: paths may name other files than the
	 * monitor's (corr_proc.c corr_mnt_track()) */
	bool mnt_other;
	const char *resolv_conf; /* "/etc/resolv.conf" (a test may name another) */
};

/* Is a sensitive syscall explained without an audit event (the "exempt" column of
 * corr_rules.def: sqlite journal files, nscd, listen on an audited socket)? */
bool corr_exempt(const struct pyx_sysview *sv, const struct corr_scpaths *sp,
		 const struct corr_view *v);
/*
 * glibc's resolver inside socket.connect/bind/sendto/sendmsg, before their event (corr_engine.c
 * holds what these say, docs/correlation.md "Host names resolved before their event"):
 * corr_resolver_shape: what the getaddrinfo rule accepts in its window (cmp_loader), sp as
 * corr_compare() takes it;
 * corr_resolver_pre_shape: of those, the sensitive shapes genuine resolution makes;
 * corr_resolver_pre_event: the event names a host that was resolved before it.
 */
bool corr_resolver_shape(const struct pyx_sysview *sv, const struct corr_scpaths *sp);
bool corr_resolver_pre_shape(const struct pyx_sysview *sv, const struct corr_scpaths *sp);
bool corr_resolver_pre_event(const struct pyx_event *ev);
/* An open that only reads (no write access, no create, no truncate). */
bool corr_open_readonly(const struct pyx_sysview *sv);
/* An open in the shape sqlite's unix VFS makes (os_unix.c robust_open()): read-only or O_RDWR,
 * with O_CREAT, O_EXCL, O_NOFOLLOW, O_CLOEXEC, O_LARGEFILE at most, a mode within 0777 */
bool corr_sqlite_open_shape(const struct pyx_sysview *sv);
/* An open that gives write access (O_WRONLY or O_RDWR, creat). */
bool corr_open_writes(const struct pyx_sysview *sv);
/* An mmap/mprotect with PROT_EXEC. */
bool corr_exec_map(const struct pyx_sysview *sv);

/* Counterparts of a catalogue row, parsed once from audit_events.def (NULL: none traced). */
const struct corr_scset *corr_sc_mask(unsigned int ev);

/* Lexical path helpers (corr_path.c). */
/* Join base and rel and normalise ("." "..", "//"); rel absolute ignores base. Returns a malloc'd
 * string or NULL. */
char *corr_path_join(const char *base, const char *rel);
/* The same into out, which holds strlen(base) + strlen(rel) + 3 bytes (base: only read when rel
 * is relative; one of the two absolute). Returns the length written. */
size_t corr_path_join_into(char *out, const char *base, const char *rel);
/* a == b, or a under b ("b/..."). */
bool corr_path_under(const char *a, const char *b);
const char *corr_basename(const char *p);

/* Shapes of what CPython and glibc do without an audit event (corr_native.c). */
/* The n-th path argument as passed is abs itself: absolute, no ".", "..", "//" (corr_native.c). */
bool corr_path_literal(const struct pyx_sysview *sv, unsigned int n, const char *abs);
bool corr_sem_tmp_path(const char *abs);
bool corr_sem_path(const char *abs);
bool corr_sem_tmp_open(const struct pyx_sysview *sv, const char *abs);
bool corr_sem_reopen(const struct pyx_sysview *sv, const char *abs);
bool corr_shm_path(const char *abs);
bool corr_shm_create(const struct pyx_sysview *sv, const char *abs);
bool corr_shm_attach(const struct pyx_sysview *sv, const char *abs);
bool corr_ptmx_open(const struct pyx_sysview *sv, const char *abs);
bool corr_sqlite_tmp_path(const char *abs);
bool corr_sqlite_tmp_open(const struct pyx_sysview *sv, const char *abs);
enum corr_syslib {
	CORR_LIB_NONE = 0, /* not in a default library directory */
	CORR_LIB_NSS,      /* libnss_NAME.so.2 */
	CORR_LIB_GCC_S,    /* libgcc_s.so.1 */
	CORR_LIB_OTHER,    /* another library of a default library directory */
};
enum corr_syslib corr_sys_lib(const char *abs);
bool corr_mp_argv(const char *const *argv, unsigned int argc, bool truncated);
bool corr_check_pf_bind(const struct pyx_sysview *sv);
bool corr_check_pf_socket(const struct pyx_sysview *sv);
/* glibc's sorting socket, socket(AF_INET/AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_IP) */
bool corr_gai_sort_socket(const struct pyx_sysview *sv);
/* a connect of rfc3484_sort()'s shape on its socket (sort: sp->gai_sort) */
bool corr_gai_sort_connect(const struct pyx_sysview *sv, uint16_t port, bool sort);
/* glibc's one send on __check_pf()'s socket: make_request()'s RTM_GETADDR dump request, 20
 * bytes, to {AF_NETLINK} */
bool corr_check_pf_send(const struct pyx_sysview *sv);
/* A connect to a nameserver that resolv_conf (a path in the monitor's namespace) names. */
bool corr_nameserver_connect(const struct pyx_sysview *sv, const char *resolv_conf);
/* An AF_UNIX connect to exactly one of paths[n] (not abstract, nothing after the path). */
bool corr_unix_connect_to(const struct pyx_sysview *sv, const char *const *paths, unsigned int n);
/* A connect to glibc's nscd socket. */
bool corr_nscd_connect(const struct pyx_sysview *sv);
/*
 * The sensitive socket syscalls of one lookup by glibc (docs/correlation.md, "Resolver windows"):
 * the one definition that the resolver events' windows (cmp_loader) and the syscalls held before
 * a socket event (corr_resolver_pre_shape) share. gai: getaddrinfo()'s too (netlink, sorting);
 * port: the service port getaddrinfo() was given (0: none), which its sorting connects carry.
 */
bool corr_lookup_shape(const struct pyx_sysview *sv, bool gai, uint16_t port,
		       const struct corr_scpaths *sp);

#endif /* PYX_CORR_RULES_H */
