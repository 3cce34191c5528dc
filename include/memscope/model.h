/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One immutable sample of the memory state of a machine, read through a
 * source by the pure parsers, plus the figures derived from it. Views and
 * batch output read a const sample and nothing else.
 */
#ifndef MEMSCOPE_MODEL_H
#define MEMSCOPE_MODEL_H

#include <time.h>

#include "memscope/catalogue.h"
#include "memscope/parse.h"
#include "memscope/source.h"

/* Why a part is empty: 0 loaded; -ENOENT not there ("not in snapshot"),
 * -EACCES ("needs root"), -EINVAL (unknown format: err names the line),
 * -ENODATA (not asked for). */
typedef struct ms_part_state {
	int status;
	/* Readable, but what this user is shown is blanked (iomem's
	 * addresses read as zeros): status is -EACCES, not data. */
	bool redacted;
	ms_error err;
} ms_part_state;

/* Where a process's figures came from. */
typedef enum ms_mem_origin {
	MS_ORIGIN_NONE,    /* unknown: see ms_proc.status */
	MS_ORIGIN_ROLLUP,  /* smaps_rollup: exact */
	MS_ORIGIN_SMAPS,   /* summed over smaps (kernel < 4.14, or smemcap) */
	/* status (VmSize, VmRSS, VmSwap): readable by every user, so RSS,
	 * VSS and swap are known where smaps is not readable; PSS and USS
	 * only smaps gives. */
	MS_ORIGIN_STATUS,
	MS_ORIGIN_STAT,    /* stat's vsize: VSS when status gives none */
} ms_mem_origin;

/* "smaps_rollup", "smaps", "status", "stat"; NULL for MS_ORIGIN_NONE. */
const char *ms_origin_name(ms_mem_origin o);

typedef struct ms_proc {
	int pid;
	int ppid;
	int64_t uid;       /* MS_NA when unknown */
	char user[32];     /* name of uid, or the number; "" when unknown */
	char name[64];     /* comm, raw bytes (escape before showing) */
	char *cmdline;     /* owned; "" when empty or left out */
	bool kthread;
	/* kB; MS_NA when unknown (not readable, or gone mid-read). */
	int64_t vss_kb, rss_kb, pss_kb, uss_kb, swap_kb, swap_pss_kb;
	int64_t pss_anon_kb, pss_file_kb, pss_shmem_kb, hugetlb_kb;
	ms_mem_origin origin;  /* of PSS, USS, SwapPss and the others smaps gives */
	/* Each figure from the best file that could be read: status gives
	 * VSS, RSS and swap where smaps is not readable. */
	ms_mem_origin vss_origin, rss_origin, swap_origin;
	int status;        /* 0, or -errno explaining unknown figures */
	/* The OOM killer's view: oom_score (who it picks first) and
	 * oom_score_adj; MS_NA when not readable. */
	int64_t oom_score, oom_score_adj;
	/* The DMA-BUF memory its fds hold, each buffer divided among the
	 * processes holding it (fdinfo; ms_procs_read_dmabuf). MS_NA when not
	 * read or not readable. */
	int64_t dmabuf_kb;
	/* The memory cgroup, from /proc/PID/cgroup: the path below its
	 * hierarchy's root ("/system.slice/x.service"), owned; NULL when
	 * unknown. cgroup_version is 1 (the v1 memory controller's line) or
	 * 2 (the unified line), 0 when unknown. */
	char *cgroup;
	int cgroup_version;
} ms_proc;

/* The CMA areas of sysfs mm/cma and debugfs cma, one entry per name. */
typedef struct ms_cma_list {
	size_t n;
	ms_cma_area *areas;
} ms_cma_list;

/* Buffers of one exporter ("system", "panfrost"...), raw name. */
typedef struct ms_dmabuf_exporter_sum {
	char name[32];
	int64_t count, bytes;
} ms_dmabuf_exporter_sum;

#define MS_DMABUF_EXPORTERS 8

/* Every DMA-BUF once: what the kernel lists, not who holds them. */
typedef struct ms_dmabuf_totals {
	int64_t count;
	int64_t bytes;
	const char *origin; /* "sys/kernel/dmabuf/buffers" or "...dma_buf/bufinfo" */
	/* By exporter, in the order first met; those past the first
	 * MS_DMABUF_EXPORTERS are summed in other_*, so that all add up to
	 * count and bytes (a buffer whose size is unknown counts in neither). */
	ms_dmabuf_exporter_sum exporters[MS_DMABUF_EXPORTERS];
	size_t nexporters;
	int64_t other_count, other_bytes;
} ms_dmabuf_totals;

/* ---- memory cgroups (issue 12) ------------------------------------------ */

/* One memory cgroup: its files as ms_memcg (src/parse/cgroup.c) and its
 * memory.pressure. */
typedef struct ms_cgroup {
	char *path;      /* below its hierarchy's root: "/", "/a/b"; owned */
	int version;     /* 1: the v1 memory controller; 2: the unified hierarchy */
	int depth;       /* 0 for a hierarchy's root */
	size_t parent;   /* index in ms_cgroups.g; SIZE_MAX for a root */
	ms_memcg mem;
	ms_psi psi;      /* memory.pressure; MS_NA when psi_status != 0 */
	int psi_status;  /* 0, or -errno: -ENOENT (v1, or a kernel without PSI) */
	/* 0, or -errno of the first of its files that could be opened but not
	 * read or parsed (bad_file names it); files a version does not have
	 * are not errors. */
	int status;
	char bad_file[40];
} ms_cgroup;

typedef struct ms_cgroups {
	ms_cgroup *g;    /* each hierarchy depth-first, parents before children */
	size_t n, cap;
	/* Below the source ("sys/fs/cgroup/memory"); "" when not there. */
	char root_v1[64], root_v2[64];
	bool truncated;  /* more groups than MS_CGROUPS_MAX: the rest left out */
} ms_cgroups;

#define MS_CGROUPS_MAX 8192
#define MS_CGROUPS_MAX_DEPTH 32

/* The catalogue's loader of MS_P_CGROUPS: every memory cgroup of the v1
 * memory controller (sys/fs/cgroup/memory) and of the unified hierarchy
 * (sys/fs/cgroup/unified on a hybrid system, sys/fs/cgroup on a v2 one)
 * when its memory controller is enabled. -ENOENT when there is neither. */
int ms_cgroups_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_cgroups_free(ms_sample *s);
/* The group of that version and path; NULL when not there. */
const ms_cgroup *ms_cgroups_find(const ms_cgroups *c, int version, const char *path);
/* True when path is prefix itself or below it ("/a" holds "/a/b", not
 * "/ab"); "/" holds every path. */
bool ms_cgroup_path_within(const char *path, const char *prefix);
/* memory.stat's figure of key in bytes (v2 "anon"; v1 "rss", ...): MS_NA
 * when not printed. */
int64_t ms_cgroup_stat(const ms_cgroup *g, const char *key);

/* The figures both versions have, under one name: v2's, or v1's
 * equivalent where it has one (the table at the top of
 * src/model/cgroups.c). Bytes; MS_NA when not printed; the limits
 * (ms_cgroup_fig_is_limit) MS_CG_MAX for no limit. */
enum ms_cg_fig {
	MS_CGF_USAGE, MS_CGF_PEAK, MS_CGF_MAX, MS_CGF_HIGH, MS_CGF_LOW, MS_CGF_MIN,
	MS_CGF_SWAP, MS_CGF_SWAP_MAX, MS_CGF_ANON, MS_CGF_FILE, MS_CGF_KERNEL, MS_CGF_SLAB,
	MS_CGF_SOCK, MS_CGF_SHMEM,
	MS_CGF_COUNT
};
/* "usage", "peak", "max", ...: the JSON and CSV names ("usage_bytes"). */
extern const char *const ms_cgroup_fig_keys[MS_CGF_COUNT];
int64_t ms_cgroup_fig(const ms_cgroup *g, enum ms_cg_fig f);
bool ms_cgroup_fig_is_limit(enum ms_cg_fig f);
/* Times usage hit the hard limit: v2 memory.events max, v1 failcnt. */
int64_t ms_cgroup_max_hits(const ms_cgroup *g);
/* memory.events oom (v2 only: MS_NA on v1). */
int64_t ms_cgroup_oom_events(const ms_cgroup *g);
/* OOM kills in the group: v2 memory.events oom_kill, v1 oom_control's. */
int64_t ms_cgroup_oom_kills(const ms_cgroup *g);
/* Usage in percent of the hard limit; MS_NA without a limit or usage. */
int64_t ms_cgroup_use_pct(const ms_cgroup *g);

typedef struct ms_sample {
	ms_source_info info;
	unsigned parts; /* asked for */
	/* When the data was captured, in nanoseconds since the epoch (UTC):
	 * the snapshot's captured_at, or the clock when a source that
	 * refreshes was read; MS_NA when the data does not say. */
	int64_t captured_ns;
	bool captured_by_clock; /* captured_ns is our clock's, not the data's */
	struct timespec loaded; /* CLOCK_MONOTONIC when it was read */
	ms_part_state st[MS_P_COUNT]; /* by ms_part_id */

	ms_kvlist meminfo;
	ms_kvlist vmstat;
	ms_buddyinfo buddy;
	ms_pagetypeinfo pagetype;
	ms_zoneinfo zones;
	ms_slabinfo slabs;
	ms_iomem iomem;
	ms_vmallocinfo vmalloc;
	ms_devicetree dt;
	ms_cma_list cma;
	ms_dmabuf_totals dmabuf;

	struct ms_zram_list *zram;  /* MS_P_ZRAM: owned; NULL unless loaded */

	ms_psi psi;                 /* /proc/pressure/memory */
	ms_cgroups cgroups;

	ms_proc *procs;
	size_t nprocs;
	size_t nkthreads;           /* left out of procs */
	size_t nzombies;            /* exited, memory freed, not yet reaped: left out */
	size_t nunknown;            /* listed with unknown figures */
	size_t ngone;               /* exited while being read: dropped */
} ms_sample;

/* Reads the parts asked for. A part that cannot be read is recorded in its
 * state and the others go on; the return is an error only when nothing at
 * all could be read (then *err says why). */
int ms_sample_load(ms_sample *s, ms_source *src, unsigned parts, ms_error *err);
void ms_sample_free(ms_sample *s);
/* Why a file could not be opened, worded for whoever runs us: "needs
 * root", or, for root itself (PID 1's smaps here, a 0400 file in a
 * snapshot made by someone else), "permission denied, even to root". */
const char *ms_denied_reason(void);
/* One line for a pane or a message: "needs root", "not in snapshot", ... */
const char *ms_part_reason(const ms_part_state *st);
/* The state of one part; true when it loaded. */
static inline const ms_part_state *ms_sample_state(const ms_sample *s, enum ms_part_id id)
{
	return &s->st[id];
}
static inline bool ms_sample_has(const ms_sample *s, enum ms_part_id id)
{
	return s->st[id].status == 0;
}

/* The process part alone (the catalogue's loader of MS_P_PROCS; s->info
 * must be set): fills procs, nprocs, nkthreads, nzombies, nunknown and
 * ngone.
 * Returns 0 or -errno with err worded for a user. */
int ms_procs_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_procs_free(ms_sample *s);
/* The catalogue's loader of MS_P_PROC_DETAIL: ms_procs_load has read each
 * process's cmdline, oom_score, oom_score_adj and cgroup when the part was
 * asked for (MS_NA and NULL where a file was not readable; without the
 * part, cmdline is "" and the rest unknown); this says whether the
 * processes themselves could be read. */
int ms_proc_detail_load(ms_sample *s, ms_source *src, ms_error *err);

/* What a process is, for a view that shows one (vma), and to tell
 * whether one exited while it was read. */
typedef enum ms_proc_kind {
	MS_PROC_UNKNOWN,  /* its status and stat could not be read */
	MS_PROC_USER,     /* a process with memory of its own */
	MS_PROC_KTHREAD,  /* a kernel thread: it runs on the kernel's memory */
	MS_PROC_ZOMBIE,   /* exited, its memory freed; its parent has not reaped it */
	MS_PROC_EXITING,  /* exiting: its memory is gone, it is not a zombie yet */
	MS_PROC_GONE,     /* not there: no status, no stat */
} ms_proc_kind;

typedef struct ms_proc_ident {
	ms_proc_kind kind;
	char name[64];       /* comm, raw; "" when unknown */
	int ppid;            /* -1 when unknown */
	int64_t vm_size_kb;  /* VmSize; MS_NA when not printed */
} ms_proc_ident;

/* Reads pid's status (else stat). Never fails: what it cannot tell is
 * MS_PROC_UNKNOWN. */
void ms_proc_identify(ms_source *src, int pid, ms_proc_ident *out);
/* "kernel thread", "zombie"... for messages; NULL for a user process. */
const char *ms_proc_kind_name(ms_proc_kind k);
/* On a source whose files vanish: pid is gone, a zombie, or exiting (its
 * memory freed). The kernel ends a dying process's smaps early WITHOUT an error,
 * so a read that ended is whole only if the process is still there after
 * it. Always false on a snapshot. */
bool ms_proc_exited(ms_source *src, int pid);

/* The mappings of one process, from smaps (maps when smaps is missing).
 * Fails with -ESRCH when the process exited while they were read (on a
 * source whose files vanish): what was read may be only part of them.
 * Errors are worded for a user, the same in every view: "no such
 * process", "42/smaps: needs root", "exited while its mappings were read
 * (16625 read)". */
int ms_vmas_load(ms_source *src, int pid, ms_vmalist *out, ms_error *err);
/* The same, handing each mapping to fn as soon as it is read (see
 * ms_vma_fn); a mapping fn is done with may be left out of out. A load can
 * fail after some calls (the file ends in garbage): the caller then drops
 * what it made of them. */
int ms_vmas_load_each(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
		      ms_error *err);
/* The same on the caller's thread alone, for one process after another
 * (librank, shm): the read-ahead thread pays off on one smaps of
 * thousands of mappings, but on hundreds of files of a few hundred kB
 * its start and hand-overs cost more CPU than the kernel's printing
 * (tests/bench/libs.sh). */
int ms_vmas_load_each_in_turn(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn,
			      void *ctx, ms_error *err);

/* The kernel side's parts read from many files (src/model/kernelmem.c),
 * the catalogue's loaders of MS_P_DEVTREE, MS_P_CMA and MS_P_DMABUF. */
int ms_devtree_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_devtree_free_part(ms_sample *s);
int ms_cma_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_cma_free_part(ms_sample *s);
int ms_dmabuf_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_dmabuf_free_part(ms_sample *s);
/* The DMA-BUF fds of pid (its fdinfo entries naming an exporter) into t:
 * 0, or -errno of listing its fdinfo (-ENOENT, -EACCES), -ENOMEM. */
int ms_dmabuf_of_pid(ms_source *src, int pid, ms_dmabuf_table *t, ms_error *err);
/* A snapshot written by memscope's capture (or its script, or a sample
 * of a recording), which keeps every process's DMA-BUF fds and only
 * those: there a process without fdinfo holds none. False for the running
 * system and a kernel log. */
bool ms_source_keeps_dmabuf_fds(ms_source *src);
/* Sets dmabuf_kb of every process (kernel threads: MS_NA). Not part of
 * ms_procs_load: it reads every fd's fdinfo, so only the views showing it
 * ask. 0 or -ENOMEM. */
int ms_procs_read_dmabuf(ms_proc *procs, size_t n, ms_source *src); /* src NULL: all MS_NA */

/* ---- derived figures ----------------------------------------------------- */

/* sum over orders of count * 2^order pages, in kB. */
int64_t ms_buddy_free_kb(const ms_buddy_zone *z, long page_size);
int64_t ms_buddy_free_pages(const ms_buddy_zone *z);
/* Largest order with a free block; -1 when none. */
int ms_buddy_largest_order(const ms_buddy_zone *z);
/* The kernel's fragmentation indices (mm/vmstat.c), for one order:
 * unusable free space index in [0,1]; extfrag index in [0,1], or -1 when an
 * allocation of that order would succeed now (and MS_NA-like NAN when the
 * zone has no free blocks: returned as -2). */
double ms_unusable_index(const ms_buddy_zone *z, int order);
double ms_extfrag_index(const ms_buddy_zone *z, int order);

/* size_kb = num_slabs * pagesperslab * page_size / 1024;
 * used_kb = active_objs * objsize / 1024. */
int64_t ms_slab_size_kb(const ms_slab *s, long page_size);
int64_t ms_slab_used_kb(const ms_slab *s);

/* Sample-level lookups (NULL when absent). */
const ms_zone *ms_sample_find_zone(const ms_sample *s, int node, const char *zone);
const ms_slab *ms_sample_find_slab(const ms_sample *s, const char *name);

/* ---- deltas between two samples (src/model/delta.c) ---------------------- */

/* Seconds from before to now: their monotonic load times when both were
 * read by this program from the running system, else their capture
 * times; NAN when either does not say. */
double ms_sample_seconds_between(const ms_sample *before, const ms_sample *now);
/* now - before, MS_NA when either is unknown (or on overflow). */
int64_t ms_delta(int64_t now, int64_t before);
/* The change of a slab cache's size_kb since before: a cache that is new
 * since counts from nothing; MS_NA when before has no slab caches or a
 * size is unknown. */
int64_t ms_slab_delta_size_kb(const ms_sample *now, const ms_sample *before,
			      const ms_slab *slab);

/* Totals over procs of the figures that add up (PSS, USS, swap...). */
void ms_procs_totals(const ms_proc *p, size_t n, ms_proc *total);

/* ---- the user side: categories, librank, shared memory, zram (issue 13) -- */

/* What a mapping is, after Android's dumpsys meminfo classes (libmeminfo,
 * android_os_Debug.cpp load_maps) adapted to Linux: versioned libraries
 * (libc.so.6), thread stacks of old kernels ([stack:TID]), SysV, POSIX
 * and anonymous shared memory, GPU devices of embedded boards. */
typedef enum ms_category {
	MS_CAT_NATIVE_HEAP,  /* [heap], [anon:libc_malloc], [anon:scudo:*] ... */
	MS_CAT_ART_HEAP,     /* [anon:dalvik-*]: ART's heaps and their tables */
	MS_CAT_STACK,        /* [stack], [stack:TID], [anon:stack_and_tls:*] */
	MS_CAT_LIBRARY,      /* *.so, *.so.N, and the bss right after one */
	MS_CAT_ART_FILE,     /* .dex .odex .vdex .oat .art .jar .apk */
	MS_CAT_OTHER_FILE,   /* any other file: the program, fonts, data */
	MS_CAT_GPU,          /* /dev/kgsl-3d0, /dev/mali0, /dev/dri/card0 ... */
	MS_CAT_DEVICE,       /* other /dev/ files, anon_inode: files */
	MS_CAT_DMABUF,       /* /dmabuf:*, anon_inode:dmabuf */
	MS_CAT_MEMFD,        /* /memfd:* */
	MS_CAT_ASHMEM,       /* /dev/ashmem* */
	MS_CAT_SYSV,         /* /SYSV%08x: shmat */
	MS_CAT_POSIX_SHM,    /* files of /dev/shm: shm_open */
	MS_CAT_SHARED_ANON,  /* MAP_SHARED|MAP_ANONYMOUS: /dev/zero (deleted) */
	MS_CAT_ANON_NAMED,   /* other [anon:NAME] (prctl PR_SET_VMA_ANON_NAME) */
	MS_CAT_ANON,         /* unnamed anonymous: glibc's arenas, mmap'd blocks */
	MS_CAT_KERNEL,       /* [vdso], [vvar], [vsyscall], [sigpage] ... */
	MS_NCATEGORIES
} ms_category;

typedef struct ms_category_def {
	const char *key;     /* "native_heap": JSON/CSV */
	const char *title;   /* "Native heap" */
	const char *android; /* dumpsys meminfo's row ("Native Heap"), or "" */
} ms_category_def;

extern const ms_category_def ms_category_defs[MS_NCATEGORIES];

/* Mappings are classified in address order: an unnamed mapping that
 * starts where a library's last mapping ends is that library's bss. */
typedef struct ms_classifier {
	bool prev_library;
	uint64_t prev_end;
} ms_classifier;

ms_category ms_classify_vma(ms_classifier *c, const ms_vma *v, const char *path);
/* The name a mapping is grouped under by librank: the path as printed
 * (" (deleted)" kept: another file), "[anon]" for an unnamed mapping,
 * thread stacks under one name ("[stack]", "[anon:stack_and_tls]") so
 * that names do not grow with threads. */
const char *ms_vma_group_name(const char *path);
/* The figures of a mapping that the user side adds up. */
int64_t ms_vma_vss_kb(const ms_vma *v);
/* *sum += v for the sums of the user side: MS_NA + v = v, v = MS_NA adds
 * nothing; past INT64_MAX the sum sticks there and *saturated is set. */
void ms_sum_kb(int64_t *sum, int64_t v, bool *saturated);

/* One category's sums (kB), or the totals. A row no mapping went into
 * has nvmas 0 and every figure MS_NA; so does a figure no mapping
 * printed (a maps-only list). */
typedef struct ms_category_row {
	size_t nvmas;
	int64_t vss_kb, rss_kb, pss_kb;
	int64_t shared_clean_kb, shared_dirty_kb, private_clean_kb, private_dirty_kb;
	int64_t swap_kb, swap_pss_kb;
} ms_category_row;

typedef struct ms_categories {
	ms_category_row rows[MS_NCATEGORIES];
	ms_category_row totals; /* every mapping, once: the rows add up to it */
	bool saturated; /* a sum passed INT64_MAX (hostile input): not exact */
	ms_classifier cls;
} ms_categories;

void ms_categories_init(ms_categories *c);
/* Classifies mapping i of l (call in file order) and adds it. */
ms_category ms_categories_add(ms_categories *c, const ms_vmalist *l, size_t i);
/* A whole list, or one process read as a stream (no mapping kept). */
void ms_categories_of_list(ms_categories *c, const ms_vmalist *l);
int ms_categories_load(ms_source *src, int pid, ms_categories *c, ms_error *err);
int64_t ms_category_row_uss(const ms_category_row *r);

/* librank: every mapping name of every process, with the processes that
 * map it. Fed one process at a time; a process counts only once it was
 * read whole (one that failed half-way is taken out again). Memory grows
 * with distinct names x processes, never with mappings. */
typedef struct ms_librank_share {
	int pid;
	int64_t vss_kb, rss_kb, pss_kb, uss_kb, swap_kb, swap_pss_kb;
} ms_librank_share;

typedef struct ms_librank_name {
	uint32_t name_off;          /* into ms_librank.names */
	ms_librank_share total;     /* pid 0: the sums over procs */
	size_t nprocs, cap;
	ms_librank_share *procs;    /* by the order processes were read */
} ms_librank_name;

typedef struct ms_librank_filter {
	const char *path_prefix; /* NULL: all; else names starting with it */
	const char *perms;       /* NULL: all; "r-x" matches r-xp and r-xs */
	/* NULL: mappings are grouped by ms_vma_group_name. Else the name a
	 * mapping is grouped under, written into buf (cap bytes), or NULL to
	 * leave it out: the shm view groups shared memory by its kind and a
	 * SysV segment by its shmid. */
	const char *(*name_of)(void *ctx, const ms_vma *v, const char *path, char *buf,
			       size_t cap);
	void *name_ctx;
} ms_librank_filter;

/* Why processes are missing from the answer. */
typedef struct ms_librank_outcome {
	size_t listed;   /* pids asked for */
	size_t read;     /* read whole and counted */
	size_t empty;    /* no mappings: kernel threads, zombies */
	size_t denied;   /* smaps not readable ("needs root") */
	size_t gone;     /* exited before or while being read: not counted */
	size_t no_smaps; /* maps only (old kernel, trimmed capture) */
	size_t failed;   /* unreadable format or other errors */
	ms_error first_error; /* of the first failed one, for a message */
} ms_librank_outcome;

typedef struct ms_librank {
	ms_librank_filter filter;
	ms_buf names;               /* NUL-separated */
	size_t n, cap;
	ms_librank_name *rows;
	uint32_t *slots;            /* hash of names: row index + 1, 0 empty */
	size_t nslots;
	ms_librank_share totals;    /* over every row */
	ms_librank_outcome outcome;
	bool saturated;             /* a sum passed INT64_MAX: not exact */
	/* The process being read: rows it touched, to commit or take back,
	 * and where the rows and names it added begin. */
	int cur_pid;
	size_t *touched;
	size_t ntouched, touched_cap;
	size_t begin_n, begin_names;
} ms_librank;

void ms_librank_init(ms_librank *lr, const ms_librank_filter *f);
void ms_librank_free(ms_librank *lr);
const char *ms_librank_name_of(const ms_librank *lr, size_t row);
/* By hand: begin, add each mapping, then commit or abort. */
void ms_librank_begin(ms_librank *lr, int pid);
int ms_librank_add(ms_librank *lr, const ms_vma *v, const char *path);
void ms_librank_commit(ms_librank *lr);
void ms_librank_abort(ms_librank *lr);
/* One process through the source, streamed; the outcome is counted. */
int ms_librank_add_process(ms_librank *lr, ms_source *src, int pid);
/* Every process of the source (pids NULL) or those given. Fails only when
 * the list of processes cannot be had, or on ENOMEM. */
int ms_librank_run(ms_librank *lr, ms_source *src, const int *pids, size_t npids,
		   ms_error *err);

/* Shared memory: what a mapping is backed by. */
typedef enum ms_shm_kind {
	MS_SHM_NONE,        /* not shared memory */
	MS_SHM_SYSV,        /* /SYSV<key>, inode = shmid */
	MS_SHM_MEMFD,       /* /memfd:NAME */
	MS_SHM_POSIX,       /* a file of /dev/shm */
	MS_SHM_ANON,        /* MAP_SHARED|MAP_ANONYMOUS, [anon_shmem:NAME] */
	MS_SHM_ASHMEM,      /* Android's /dev/ashmem */
	MS_SHM_TMPFS,       /* a file on another tmpfs or ramfs mount */
} ms_shm_kind;

/* mounts may be NULL (then tmpfs files other than /dev/shm's are not
 * recognised). A file on a RAM mount must have a device of major 0. */
ms_shm_kind ms_shm_kind_of(const ms_vma *v, const char *path, const ms_mountlist *mounts);
const char *ms_shm_kind_name(ms_shm_kind k);
/* The key in the path and the shmid (the inode) of a SysV mapping. */
bool ms_sysv_ids_of(const ms_vma *v, const char *path, int64_t *key, int64_t *shmid);
/* Shmem (meminfo) that no process maps: tmpfs files, unattached SysV
 * segments. mapped_kb is the sum over processes of Pss_Shmem (each mapped
 * page counted once across its mappers). MS_NA when either is unknown;
 * 0 when the mapped part is larger (PSS is rounded per process). */
int64_t ms_shmem_unmapped_kb(int64_t shmem_kb, int64_t mapped_kb);
/* The sum of pss_shmem_kb over procs; *complete false when one of them
 * is unknown (the sum is then a lower bound). */
int64_t ms_procs_pss_shmem_kb(const ms_proc *p, size_t n, bool *complete);

/* zram: how well it compresses, and what it costs. */
typedef struct ms_zram_figures {
	int64_t disksize, orig, compr, mem_used; /* bytes; MS_NA unknown */
	double compr_ratio; /* orig / compr: the compressor alone; NAN unknown */
	double mem_ratio;   /* orig / mem_used: with the allocator's overhead */
	int64_t saved;      /* orig - mem_used: RAM it saves (may be < 0) */
} ms_zram_figures;

void ms_zram_figures_of(const ms_zram_mm_stat *m, int64_t disksize, ms_zram_figures *out);

/* The zram devices of a source (sys/block/zram*): each file read on its
 * own, so that one missing file (comp_algorithm of an old kernel) leaves
 * the others. A status is 0 or -errno; its figures are MS_NA unless 0. */
typedef struct ms_zram_dev {
	char name[32];                 /* "zram0" */
	int mm_status, disksize_status, comp_status;
	ms_error mm_err;               /* why mm_stat could not be read */
	ms_zram_mm_stat mm;
	/* Kernels before 4.1 have no mm_stat: orig_data_size,
	 * compr_data_size and mem_used_total are files of their own (AOSP's
	 * libmeminfo reads the last one). mm then holds those three and
	 * MS_NA for the rest, and mm_status is mem_used_total's. */
	bool mm_legacy;
	int64_t disksize;              /* bytes */
	ms_zram_comp comp;
	ms_zram_figures fig;
} ms_zram_dev;

typedef struct ms_zram_list {
	size_t n;
	ms_zram_dev *items;
} ms_zram_list;

/* 0 (possibly with no device: no zram), -ENOENT when the source has no
 * sys/block at all (a snapshot of an older capture), -ENOMEM. */
int ms_zram_load(ms_source *src, ms_zram_list *out, ms_error *err);
void ms_zram_list_free(ms_zram_list *l);
/* The catalogue's loader and freer of MS_P_ZRAM (into s->zram). */
int ms_zram_part_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_zram_part_free(ms_sample *s);
/* Over the devices that hold data: stored (orig) and RAM used, bytes;
 * false when there is none or a figure is unknown. */
bool ms_zram_totals(const ms_sample *s, int64_t *orig, int64_t *mem_used);

/* Everything the shm view shows, read through a source (shm_info.c):
 * each piece is whole or has its status (-errno) and error. */
typedef struct ms_shm_info {
	int mounts_status, usage_status, sysv_status, maps_status;
	ms_error mounts_err, usage_err, sysv_err, maps_err;
	ms_mountlist mounts;    /* every mount; ms_fstype_is_ram says which are RAM */
	ms_fsusage_list usage;  /* statvfs of the RAM mounts (memscope-statvfs) */
	ms_shmlist sysv;        /* /proc/sysvipc/shm */
	/* Shared-memory mappings of every process, grouped under
	 * "KIND:NAME" (ms_shm_kind_name; NAME the path) and a SysV segment
	 * under "sysv:SHMID:PATH". */
	ms_librank maps;
} ms_shm_info;

int ms_shm_info_load(ms_source *src, ms_shm_info *out, ms_error *err);
void ms_shm_info_free(ms_shm_info *info);
/* A group name of ms_shm_info.maps split: its kind, the shmid of a SysV
 * segment (else -1) and where the shown name begins. */
const char *ms_shm_group_split(const char *group, char kind[16], int64_t *shmid);

#endif
