/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers for the /proc memory formats. Every parser is a pure function:
 * bytes in, structs out. None opens a file, asks the host for its page size
 * or prints: the caller reads the bytes (from live /proc or a snapshot) and
 * decides what an error means. Each returns 0, or a negative errno with
 * *err naming the line; on error the output holds what was parsed before the
 * bad line is reached only where the function says so.
 *
 * Figures are int64_t; MS_NA marks a figure the file did not print.
 */
#ifndef MEMSCOPE_PARSE_H
#define MEMSCOPE_PARSE_H

#include "memscope/util.h"

/* Buddy orders: 11 on most kernels (MAX_ORDER 10), up to 14 with 64K pages
 * on arm64, and hostile input may carry more; anything above is an error. */
#define MS_MAX_ORDERS 20
#define MS_ZONE_NAME 16
#define MS_MIGRATE_NAME 20
#define MS_MAX_MIGRATE 12

/* ---- helpers shared by the system-file parsers ------------------------- */

/* A signed decimal that must end at a blank or at end: "12kB", "12\0" and
 * "12abc" are not numbers. Leading blanks are skipped. */
bool ms_parse_i64_word(const char **p, const char *end, int64_t *out);
/* "Node N, zone NAME", the start of buddyinfo, pagetypeinfo and zoneinfo
 * rows. *p is left just after NAME (a ',' that follows is not consumed).
 * False when the text is not that, or NAME does not fit MS_ZONE_NAME. */
bool ms_parse_node_zone(const char **p, const char *end, int *node,
			char zone[MS_ZONE_NAME]);

/* ---- key/value files: meminfo, vmstat, zoneinfo stats ------------------ */

typedef struct ms_kv {
	char key[48];
	int64_t value;
	bool kb; /* printed with a "kB" unit */
} ms_kv;

typedef struct ms_kvlist {
	size_t n, cap;
	ms_kv *items; /* in the order the kernel printed them */
} ms_kvlist;

void ms_kvlist_free(ms_kvlist *l);
/* MS_NA when the key is absent. */
int64_t ms_kvlist_get(const ms_kvlist *l, const char *key);
int ms_kvlist_add(ms_kvlist *l, const char *key, size_t keylen, int64_t v, bool kb);

/* /proc/meminfo: "Key:   123 kB", also "Key:123 kB", negative values and
 * vendor keys (CmaAllocated). A line that is not "key: number" is an error
 * naming the line; lines before it are kept. */
int ms_parse_meminfo(const char *buf, size_t len, ms_kvlist *out, ms_error *err);
/* /proc/vmstat and node vmstat: "key number" per line. */
int ms_parse_vmstat(const char *buf, size_t len, ms_kvlist *out, ms_error *err);

/* ---- buddyinfo --------------------------------------------------------- */

typedef struct ms_buddy_zone {
	int node;
	char zone[MS_ZONE_NAME];
	int norders;
	int64_t free[MS_MAX_ORDERS]; /* free blocks of each order */
} ms_buddy_zone;

typedef struct ms_buddyinfo {
	size_t n, cap;
	ms_buddy_zone *zones;
} ms_buddyinfo;

/* "Node 0, zone   Normal  1 2 3 ...". Rows with differing order counts are
 * an error (the file is from one kernel). */
int ms_parse_buddyinfo(const char *buf, size_t len, ms_buddyinfo *out, ms_error *err);
void ms_buddyinfo_free(ms_buddyinfo *b);

/* ---- pagetypeinfo ------------------------------------------------------ */

typedef struct ms_pagetype_free {
	int node;
	char zone[MS_ZONE_NAME];
	char type[MS_MIGRATE_NAME]; /* Unmovable, Movable, ..., "<NULL>" kept */
	int norders;
	int64_t free[MS_MAX_ORDERS];
	/* Kernels since 5.9 stop counting at 100000 and print ">100000":
	 * the figure is then a lower bound. */
	bool at_least[MS_MAX_ORDERS];
} ms_pagetype_free;

typedef struct ms_pagetype_blocks {
	int node;
	char zone[MS_ZONE_NAME];
	int64_t count[MS_MAX_MIGRATE]; /* in the order of the header's types */
} ms_pagetype_blocks;

typedef struct ms_pagetypeinfo {
	int page_block_order;     /* -1 when not printed */
	int64_t pages_per_block;  /* MS_NA when not printed */
	size_t nfree, free_cap;
	ms_pagetype_free *free;
	int ntypes; /* columns of the "Number of blocks type" table */
	char types[MS_MAX_MIGRATE][MS_MIGRATE_NAME];
	size_t nblocks, blocks_cap;
	ms_pagetype_blocks *blocks;
} ms_pagetypeinfo;

int ms_parse_pagetypeinfo(const char *buf, size_t len, ms_pagetypeinfo *out, ms_error *err);
void ms_pagetypeinfo_free(ms_pagetypeinfo *p);

/* ---- zoneinfo ---------------------------------------------------------- */

typedef struct ms_zone {
	int node;
	char zone[MS_ZONE_NAME];
	/* In pages. MS_NA when this kernel does not print them. */
	int64_t free_pages, min, low, high, spanned, present, managed, cma;
	int nprotection;
	int64_t protection[8];
	/* Every other "name value" line of the zone, as printed (this includes
	 * the per-node stats block that kernels >= 4.8 print inside the first
	 * zone of each node, and the nr_* counters). */
	ms_kvlist stats;
} ms_zone;

typedef struct ms_zoneinfo {
	size_t n, cap;
	ms_zone *zones;
} ms_zoneinfo;

/* Layouts from 2.6.16 ("pages free", "scanned 0 (a: 0 i: 0)", "cpu: 0 pcp")
 * to 6.x (per-node stats, "pages free" + nr_free_pages, protection: (...)). */
int ms_parse_zoneinfo(const char *buf, size_t len, ms_zoneinfo *out, ms_error *err);
void ms_zoneinfo_free(ms_zoneinfo *z);

/* ---- slabinfo ---------------------------------------------------------- */

typedef struct ms_slab {
	char name[64];
	int64_t active_objs, num_objs, objsize, objperslab, pagesperslab;
	int64_t limit, batchcount, sharedfactor; /* tunables (SLAB) */
	int64_t active_slabs, num_slabs, sharedavail;
	/* An OOM report's "Unreclaimable slab info:" rows give sizes in kB
	 * and no object counts: then kb_only, with the report's Used and
	 * Total here and every count above MS_NA. */
	bool kb_only;
	int64_t used_kb, total_kb;
} ms_slab;

typedef struct ms_slabinfo {
	char version[8]; /* "2.0", "2.1"; "" for an OOM report's list */
	/* The caches are an OOM report's "Unreclaimable slab info:" list:
	 * only the unreclaimable caches the kernel chose to print, in kB. */
	bool unreclaimable_only;
	size_t n, cap;
	ms_slab *caches;
} ms_slabinfo;

/* Versions 1.1 (2.4), 2.0 and 2.1, and an OOM report's "Unreclaimable
 * slab info:" section (kB only: unreclaimable_only, rows kb_only). Names may hold ':' and must not be
 * empty. Any malformed row makes the whole file an error (no garbage rows):
 * out is emptied and err names the line. */
int ms_parse_slabinfo(const char *buf, size_t len, ms_slabinfo *out, ms_error *err);
void ms_slabinfo_free(ms_slabinfo *s);

/* ---- maps, smaps, smaps_rollup ----------------------------------------- */

/* The memory counters of one mapping (smaps) or of a whole process
 * (smaps_rollup), in kB as printed. MS_NA when not printed. */
typedef struct ms_memcounters {
	int64_t size, kernel_page_size, mmu_page_size, rss, pss, pss_dirty;
	int64_t pss_anon, pss_file, pss_shmem;
	int64_t shared_clean, shared_dirty, private_clean, private_dirty;
	int64_t referenced, anonymous, ksm, lazyfree;
	int64_t anon_huge, shmem_pmd, file_pmd, shared_hugetlb, private_hugetlb;
	int64_t swap, swap_pss, locked;
} ms_memcounters;

void ms_memcounters_init(ms_memcounters *c); /* all MS_NA */
/* Adds b into a field by field; MS_NA + x = x (a missing key in one mapping
 * does not hide the others). */
void ms_memcounters_add(ms_memcounters *a, const ms_memcounters *b);
/* USS = Private_Clean + Private_Dirty, MS_NA if either is missing. */
int64_t ms_memcounters_uss(const ms_memcounters *c);

/* Parses one "Key:   123 kB" line of smaps/smaps_rollup into c. Returns 1
 * when the line was a known counter, 0 when it was a line to ignore
 * (VmFlags, THPeligible, unknown keys), -EINVAL when malformed. */
int ms_memcounters_line(ms_memcounters *c, const char *line, size_t len);

typedef struct ms_vma {
	uint64_t start, end, offset, inode;
	unsigned dev_major, dev_minor;
	char perms[5];
	uint32_t path_off, path_len; /* into ms_vmalist.strings */
	ms_memcounters mem;          /* all MS_NA when read from maps */
	char vmflags[64];            /* "rd wr mr ..." as printed, may be empty */
} ms_vma;

typedef struct ms_vmalist {
	size_t n, cap;
	ms_vma *v;
	ms_buf strings; /* paths, NUL-separated */
	bool from_smaps;
} ms_vmalist;

/* The path of v[i] (NUL-terminated, "" for anonymous). */
const char *ms_vma_path(const ms_vmalist *l, size_t i);
void ms_vmalist_free(ms_vmalist *l);

/* A maps header line: "start-end perms offset maj:min inode   path".
 * Paths keep spaces and " (deleted)"; 32- and 64-bit addresses. */
int ms_parse_maps_line(const char *line, size_t len, ms_vma *vma,
		       const char **path, size_t *pathlen);

/* Called for each mapping as soon as it is read whole, in file order,
 * while the rest of the file is still being read. Returns 0 to keep the
 * mapping in the list; MS_VMA_USED when the caller is done with it, so the
 * list forgets it (a table written as the file is read then needs no
 * memory per mapping); or a negative errno to stop reading. */
#define MS_VMA_USED 1
typedef int (*ms_vma_fn)(void *ctx, const ms_vmalist *l, size_t i);

/* Incremental smaps parser, so that a 60,000-mapping process can be parsed
 * while it is read, in fixed memory per chunk. Feed it whole lines. */
typedef struct ms_smaps_parser {
	ms_vmalist *out;
	unsigned lineno;
	bool in_vma;
	ms_error *err;
	int status; /* first error, sticky */
	ms_vma_fn on_vma; /* NULL, or set with ms_smaps_parser_on_vma */
	void *on_vma_ctx;
} ms_smaps_parser;

void ms_smaps_parser_init(ms_smaps_parser *p, ms_vmalist *out, ms_error *err);
void ms_smaps_parser_on_vma(ms_smaps_parser *p, ms_vma_fn fn, void *ctx);
int ms_smaps_parser_line(ms_smaps_parser *p, const char *line, size_t len);
int ms_smaps_parser_finish(ms_smaps_parser *p);

/* Whole-buffer forms. maps gives VMAs with mem all MS_NA. */
int ms_parse_maps(const char *buf, size_t len, ms_vmalist *out, ms_error *err);
int ms_parse_smaps(const char *buf, size_t len, ms_vmalist *out, ms_error *err);
/* smaps_rollup: the header line, then counters. */
int ms_parse_smaps_rollup(const char *buf, size_t len, ms_memcounters *out, ms_error *err);

/* ---- per-process identity files ---------------------------------------- */

typedef struct ms_pid_status {
	char name[64];   /* Name:, as printed (escaped by the kernel for \n) */
	int64_t tgid, ppid;
	int64_t uid, euid; /* real and effective uid */
	int64_t vm_size, vm_rss, vm_swap, vm_peak, vm_hwm; /* kB */
	int64_t rss_anon, rss_file, rss_shmem, hugetlb_pages;
	int kthread; /* "Kthread:" line (6.x); -1 when not printed */
	char state;  /* "State:" letter: 'R', 'S', 'Z' (zombie)...; 0 when not printed */
} ms_pid_status;

int ms_parse_pid_status(const char *buf, size_t len, ms_pid_status *out, ms_error *err);

typedef struct ms_pid_stat {
	int64_t pid, ppid;
	char comm[64]; /* between the first '(' and the last ')' */
	char state;
	uint64_t flags; /* PF_KTHREAD = 0x00200000 */
	int64_t vsize;  /* bytes */
	int64_t rss;    /* pages */
	/* Clock ticks after boot when it started: with the pid, the
	 * identity of a process (a reused pid starts later). */
	int64_t starttime;
} ms_pid_stat;

#define MS_PF_KTHREAD 0x00200000u

int ms_parse_pid_stat(const char *buf, size_t len, ms_pid_stat *out, ms_error *err);

typedef struct ms_pid_statm {
	int64_t size, resident, shared, text, lib, data, dt; /* pages */
} ms_pid_statm;

int ms_parse_pid_statm(const char *buf, size_t len, ms_pid_statm *out, ms_error *err);

/* oom_score ("%lu": 0 to 2000 since 4.19, 0 to 1000 before) and
 * oom_score_adj ("%d": -1000 to 1000): one decimal, possibly negative,
 * alone on its line (fs/proc/base.c proc_oom_score, oom_score_adj_read). */
int ms_parse_pid_oom(const char *buf, size_t len, int64_t *out, ms_error *err);

/* NUL-separated argv joined with spaces into out (not escaped: escaping is
 * the output's business). An empty cmdline gives "". */
int ms_parse_cmdline(const char *buf, size_t len, ms_buf *out);

/* ---- snapshot metadata ("memscope-snapshot": key: value lines) --------- */

typedef struct ms_snapshot_meta {
	char format[16];      /* "memscope/1" */
	char captured_at[40]; /* UTC, ISO 8601 */
	char hostname[128];
	char kernel[128];
	char machine[32];
	int64_t page_size;    /* bytes; MS_NA when absent */
	char tool[64];
} ms_snapshot_meta;

int ms_parse_snapshot_meta(const char *buf, size_t len, ms_snapshot_meta *out, ms_error *err);

/* "memscope-users" of a snapshot: "UID NAME" lines, into a list whose keys
 * are the names and values the uids. */
int ms_parse_users(const char *buf, size_t len, ms_kvlist *out, ms_error *err);

/* ISO 8601 as snapshots and --at write it: "2026-12-04T03:00:00Z",
 * with seconds and fractions optional ("2026-12-04T03:00Z"), a space for
 * the T, and "Z", "+01:00", "-0530" or nothing (UTC). Into nanoseconds
 * since the epoch; -EINVAL for anything else. */
int ms_parse_iso8601(const char *s, size_t len, int64_t *ns);

/* "Linux version 4.1.25 (...) ..." -> "4.1.25". */
int ms_parse_version(const char *buf, size_t len, char *release, size_t cap);

/* ---- shared memory, swap and zram (issue 13) --------------------------- */

/* One whole whitespace-separated token as a number: "12" yes, "12k" no.
 * MS_NA (INT64_MIN) itself is refused, so a parsed figure is never
 * mistaken for "not printed". */
bool ms_token_i64(const char *tok, size_t len, int64_t *out);
/* The kernel's escapes of untrusted text in /proc/mounts and /proc/swaps
 * (seq_escape, mangle_path): "\040" for ' ', "\011" tab, "\012" newline,
 * "\134" backslash, three octal digits each. A backslash not followed by
 * three octal digits, or "\000", is kept as it is. Appends to out. */
int ms_unescape_octal(ms_buf *out, const char *s, size_t len);

/* /proc/mounts, /proc/PID/mounts: "DEV DIR TYPE OPTIONS 0 0". */
typedef struct ms_mount {
	/* Unescaped, NUL-terminated; one allocation owned through device. */
	char *device, *dir, *fstype, *options;
	int64_t freq, passno;
} ms_mount;

typedef struct ms_mountlist {
	size_t n, cap;
	ms_mount *items;
} ms_mountlist;

/* Any malformed row makes the whole file an error: out is emptied. */
int ms_parse_mounts(const char *buf, size_t len, ms_mountlist *out, ms_error *err);
void ms_mountlist_free(ms_mountlist *l);
/* The mount that holds path: the longest mount point that is a whole-
 * component prefix of it (the last such mount wins, as a later mount
 * hides an earlier one). NULL when none, e.g. a relative path. */
const ms_mount *ms_mount_of_path(const ms_mountlist *l, const char *path);
/* tmpfs, ramfs, devtmpfs, shm (the kernel's internal name): RAM-backed. */
bool ms_fstype_is_ram(const char *fstype);

/* memscope-statvfs (src/parse/statvfs.c, doc/snapshot.md): statvfs of
 * the RAM-backed mounts, one line each, "DIR BSIZE BLOCKS BFREE BAVAIL
 * FILES FFREE" with DIR escaped as in /proc/mounts. */
typedef struct ms_fsusage {
	char *dir; /* owned, unescaped */
	int64_t bsize, blocks, bfree, bavail, files, ffree;
} ms_fsusage;

typedef struct ms_fsusage_list {
	size_t n, cap;
	ms_fsusage *items;
} ms_fsusage_list;

int ms_parse_statvfs_list(const char *buf, size_t len, ms_fsusage_list *out, ms_error *err);
void ms_fsusage_list_free(ms_fsusage_list *l);
/* The last line of dir (a later mount hides an earlier one); NULL if none. */
const ms_fsusage *ms_fsusage_find(const ms_fsusage_list *l, const char *dir);
/* blocks x bsize and (blocks - bfree) x bsize, in kB; MS_NA for NULL. */
int64_t ms_fsusage_size_kb(const ms_fsusage *u);
int64_t ms_fsusage_used_kb(const ms_fsusage *u);

/* /proc/sysvipc/shm. Columns are read from the header: rss and swap came
 * in 2.6.32, widths differ between 32- and 64-bit kernels. */
typedef struct ms_shm_segment {
	int64_t key, shmid;
	int64_t perms; /* mode bits, printed in octal */
	int64_t size;  /* bytes */
	int64_t cpid, lpid, nattch, uid, gid, cuid, cgid;
	int64_t atime, dtime, ctime;
	int64_t rss, swap; /* bytes; MS_NA on kernels that do not print them */
} ms_shm_segment;

typedef struct ms_shmlist {
	size_t n, cap;
	ms_shm_segment *items;
} ms_shmlist;

/* A header without key, shmid or size, a row whose fields do not match
 * the header: the whole file is an error and out is emptied. */
int ms_parse_sysvipc_shm(const char *buf, size_t len, ms_shmlist *out, ms_error *err);
void ms_shmlist_free(ms_shmlist *l);

/* /proc/swaps: "Filename Type Size Used Priority", then one row per swap
 * area; the path escaped with \040 etc. (unescaped here). */
typedef struct ms_swap {
	char *path;    /* owned */
	char type[16]; /* "partition" or "file" */
	int64_t size_kb, used_kb, priority;
} ms_swap;

typedef struct ms_swaplist {
	size_t n, cap;
	ms_swap *items;
} ms_swaplist;

int ms_parse_swaps(const char *buf, size_t len, ms_swaplist *out, ms_error *err);
void ms_swaplist_free(ms_swaplist *l);

/* /sys/block/zramN/mm_stat: 6 to 9 fields by kernel (and vendor fields
 * after them). Bytes, except the counts of pages. MS_NA when not printed. */
#define MS_ZRAM_MAX_EXTRA 4
typedef struct ms_zram_mm_stat {
	int nfields;
	int64_t orig_data_size, compr_data_size, mem_used_total, mem_limit, mem_used_max;
	int64_t same_pages, pages_compacted, huge_pages, huge_pages_since; /* pages */
	int64_t extra[MS_ZRAM_MAX_EXTRA]; /* vendor fields (dedup), as printed */
} ms_zram_mm_stat;

int ms_parse_zram_mm_stat(const char *buf, size_t len, ms_zram_mm_stat *out, ms_error *err);

/* io_stat: failed_reads failed_writes invalid_io notify_free (invalid_io
 * is a constant 0 since 6.2). bd_stat (CONFIG_ZRAM_WRITEBACK): bd_count
 * bd_reads bd_writes, in 4 KiB units before 6.13 and in pages since. */
typedef struct ms_zram_io_stat {
	int64_t failed_reads, failed_writes, invalid_io, notify_free;
} ms_zram_io_stat;
typedef struct ms_zram_bd_stat {
	int64_t bd_count, bd_reads, bd_writes;
} ms_zram_bd_stat;

int ms_parse_zram_io_stat(const char *buf, size_t len, ms_zram_io_stat *out, ms_error *err);
int ms_parse_zram_bd_stat(const char *buf, size_t len, ms_zram_bd_stat *out, ms_error *err);
/* A file of one number: disksize, mem_used_total, orig_data_size ... */
int ms_parse_single_number(const char *buf, size_t len, int64_t *out, ms_error *err);

/* comp_algorithm: "lzo [lzo-rle] lz4 zstd": the one in brackets is used. */
#define MS_ZRAM_ALG_NAME 32
#define MS_ZRAM_MAX_ALGS 16
typedef struct ms_zram_comp {
	char current[MS_ZRAM_ALG_NAME];
	int n;
	char available[MS_ZRAM_MAX_ALGS][MS_ZRAM_ALG_NAME];
} ms_zram_comp;

int ms_parse_zram_comp_algorithm(const char *buf, size_t len, ms_zram_comp *out,
				 ms_error *err);
/* ==== memory cgroups and OOM reports (issue 12) ========================= */

/* ---- memory cgroups: v2 (unified) and v1 (the memory controller) ------- */

/* A limit that is not set: v2 prints "max"; v1 prints the page counter's
 * top (9223372036854771712 with 4K pages on 64-bit, 8796093018112 on
 * 32-bit), and kernels before 3.19 printed 2^63-1 or 2^64-1. */
#define MS_CG_MAX INT64_MAX

/* One non-negative decimal: memory.current, memory.peak, usage_in_bytes,
 * failcnt, memory.oom.group, swappiness. Bytes or counts, as printed. */
int ms_parse_cg_number(const char *buf, size_t len, int64_t *out, ms_error *err);
/* A limit in bytes: "max" or v1's "no limit" figure give MS_CG_MAX. */
int ms_parse_cg_limit(const char *buf, size_t len, int64_t *out, ms_error *err);
/* "key value" lines: memory.stat (v1 and v2), memory.events,
 * memory.events.local, memory.swap.events, v1 memory.oom_control. out is
 * emptied first; a file without any line is an error. */
int ms_parse_cg_keyed(const char *buf, size_t len, ms_kvlist *out, ms_error *err);

/* Everything memscope reads of one memory cgroup. Figures are bytes as the
 * files print them, MS_NA when the file was not read (or this version has
 * no such file), MS_CG_MAX for "no limit". v1's memsw counts memory and
 * swap together; v2's swap counts swap alone: they are kept apart. */
typedef struct ms_memcg {
	int version; /* 1 or 2 once a file of one version was read; 0 before */
	/* v2: memory.current, .peak, .max, .high, .low, .min;
	 * v1: usage_in_bytes, max_usage_in_bytes, limit_in_bytes, -, -, - */
	int64_t current, peak, max, high, low, min;
	int64_t swap_current, swap_peak, swap_max, swap_high; /* v2 memory.swap.* */
	int64_t zswap_current, zswap_max;                     /* v2 memory.zswap.* */
	int64_t oom_group;                                    /* v2 memory.oom.group */
	int64_t failcnt, soft_limit;                          /* v1 */
	int64_t memsw_usage, memsw_max_usage, memsw_limit, memsw_failcnt; /* v1 */
	int64_t kmem_usage, kmem_max_usage, kmem_limit, kmem_failcnt;     /* v1 */
	int64_t swappiness, use_hierarchy;                                /* v1 */
	ms_kvlist stat;         /* memory.stat as printed (v1 keys include total_*) */
	ms_kvlist events;       /* v2 memory.events: low high max oom oom_kill ... */
	ms_kvlist events_local; /* v2 memory.events.local */
	ms_kvlist swap_events;  /* v2 memory.swap.events: high max fail */
	ms_kvlist oom_control;  /* v1 memory.oom_control: oom_kill_disable under_oom oom_kill */
} ms_memcg;

void ms_memcg_init(ms_memcg *g); /* every figure MS_NA, lists empty */
void ms_memcg_free(ms_memcg *g);

typedef enum ms_cg_kind { MS_CG_NUMBER, MS_CG_LIMIT, MS_CG_KEYED } ms_cg_kind;

/* The files of a memory cgroup, declared once: capture's file list, the
 * reader and help texts come from this table. memory.pressure (PSI) is
 * read by the PSI parser, not here. */
typedef struct ms_memcg_file {
	const char *name; /* "memory.current" */
	int version;      /* 1, 2, or 0 for a file both print (memory.stat) */
	ms_cg_kind kind;
	size_t offset;    /* of its int64_t or ms_kvlist in ms_memcg */
	const char *what; /* a few words for help and errors */
} ms_memcg_file;

extern const ms_memcg_file ms_memcg_files[];
extern const size_t ms_memcg_nfiles;

/* NULL when memscope does not read a file of that name. */
const ms_memcg_file *ms_memcg_file_find(const char *name);
/* Parses buf as file f into g (g->version follows f). */
int ms_memcg_read(ms_memcg *g, const ms_memcg_file *f, const char *buf, size_t len,
		  ms_error *err);

/* /proc/PID/cgroup: "ID:CONTROLLERS:PATH" per hierarchy. v2 is
 * "0::/path"; v1 lines name their controllers ("4:memory:/a",
 * "2:cpu,cpuacct:/", "1:name=systemd:/"); a hybrid system prints both. */
typedef struct ms_cgroup_entry {
	int64_t hierarchy;                        /* 0 for the v2 hierarchy */
	uint32_t controllers_off, controllers_len; /* into strings; "" for v2 */
	uint32_t path_off, path_len;              /* into strings */
	bool deleted; /* the kernel's " (deleted)" after a v2 path, cut off */
} ms_cgroup_entry;

typedef struct ms_pid_cgroup {
	size_t n, cap;
	ms_cgroup_entry *entries;
	ms_buf strings; /* NUL-separated */
} ms_pid_cgroup;

/* A line that is not ID:CONTROLLERS:PATH is an error naming it; out then
 * holds the lines before it. */
int ms_parse_pid_cgroup(const char *buf, size_t len, ms_pid_cgroup *out, ms_error *err);
void ms_pid_cgroup_free(ms_pid_cgroup *c);
const char *ms_pid_cgroup_controllers(const ms_pid_cgroup *c, size_t i);
const char *ms_pid_cgroup_path(const ms_pid_cgroup *c, size_t i);
/* The entry whose group holds the process's memory: the v1 line naming
 * the memory controller where there is one (v1 or hybrid), else the v2
 * line. Its index, or -1; *version is then 1 or 2. */
int ms_pid_cgroup_memory(const ms_pid_cgroup *c, int *version);

/* ---- OOM-killer reports in a kernel log -------------------------------- */

/* What the OOM killer prints (mm/oom_kill.c dump_header, dump_tasks,
 * mm/show_mem.c / mm/page_alloc.c show_free_areas, mm/memcontrol.c
 * mem_cgroup_print_oom_*), read from any kernel log: dmesg (plain, -r, -x,
 * -T), /dev/kmsg, syslog and journal files, pstore. Figures are as
 * printed: kB where the kernel prints kB, pages where it prints pages
 * (the Mem-Info counters and the task table). MS_NA: not printed. */

#define MS_OOM_NAME 64
#define MS_OOM_PATH 256
#define MS_OOM_MAX_LINE 8192      /* longer lines are read cut at this */
#define MS_OOM_MAX_TASKS 131072   /* task rows kept per report; more are counted */
#define MS_OOM_MAX_ITEMS 4096     /* zones, buddy lines, nodes, slabs, kills */
#define MS_OOM_MAX_RESERVE 8

typedef struct ms_oom_trigger {
	char comm[MS_OOM_NAME]; /* "COMM invoked oom-killer"; "" when not printed */
	int64_t pid, cpu;       /* "CPU: 1 PID: 136 Comm:" or 2.6's "Pid: 136, comm:" */
	int64_t gfp_mask;       /* gfp_mask=0xcc0; MS_NA when not printed */
	char gfp_flags[128];    /* "GFP_HIGHUSER_MOVABLE|__GFP_COMP" (4.10+) */
	int64_t order;          /* MS_NA before 2.6.19 */
	int64_t oom_score_adj;  /* of the allocating task (2.6.36+) */
	int64_t oom_adj;        /* 2.6's "oomkilladj=" / "oom_adj=" */
	char nodemask[64];      /* "(null)", "0-1" */
	char constraint[32];    /* "CONSTRAINT_MEMCG", from the oom-kill: line (4.19+) */
	char cpuset[MS_OOM_PATH];
	char mems_allowed[64];
	char memcg[MS_OOM_PATH];      /* the group whose limit was hit; "" for a global OOM */
	char task_memcg[MS_OOM_PATH]; /* the victim's group */
	bool global_oom;              /* "global_oom" in the oom-kill: line */
	char kernel[64];              /* release from the CPU: line, "6.1.0-57-arm64" */
	char hardware[128];           /* "Hardware name: ..." */
} ms_oom_trigger;

/* "Killed process 136 (app-hog) total-vm:50036kB, anon-rss:48776kB, ..." */
typedef struct ms_oom_kill {
	int64_t pid;
	char name[MS_OOM_NAME];
	int64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
	int64_t uid, oom_score_adj;
	bool memcg; /* "Memory cgroup out of memory: Killed process" */
	/* "oom_reaper: reaped process N (x), now anon-rss:0kB, ...": what the
	 * reaper left; MS_NA when it did not report. */
	int64_t reaped_anon_rss_kb, reaped_file_rss_kb, reaped_shmem_rss_kb;
} ms_oom_kill;

/* The task table. Columns changed over versions (cpu, oom_adj, nr_ptes,
 * nr_pmds, pgtables_bytes, rss_anon/rss_file/rss_shmem): the header says
 * which are printed; the others are MS_NA. Memory figures are pages,
 * pgtables_bytes bytes. */
enum ms_oom_col {
	MS_OOM_COL_UID, MS_OOM_COL_TGID, MS_OOM_COL_TOTAL_VM, MS_OOM_COL_RSS,
	MS_OOM_COL_RSS_ANON, MS_OOM_COL_RSS_FILE, MS_OOM_COL_RSS_SHMEM,
	MS_OOM_COL_PGTABLES_BYTES, MS_OOM_COL_NR_PTES, MS_OOM_COL_NR_PMDS,
	MS_OOM_COL_SWAPENTS, MS_OOM_COL_CPU, MS_OOM_COL_OOM_ADJ, MS_OOM_COL_OOM_SCORE_ADJ,
	MS_OOM_NCOLS
};

typedef struct ms_oom_task {
	int64_t pid;
	int64_t col[MS_OOM_NCOLS]; /* by enum ms_oom_col */
	char name[MS_OOM_NAME];
} ms_oom_task;

/* "Node 0 DMA free:1768kB boost:0kB min:1924kB ... managed:235688kB ..." */
typedef struct ms_oom_zone {
	int node;          /* 0 when the kernel printed no "Node N" (no NUMA) */
	bool node_printed;
	char zone[MS_ZONE_NAME];
	int64_t free_kb, min_kb, low_kb, high_kb, present_kb, managed_kb;
	int all_unreclaimable; /* "all_unreclaimable? yes": 1, no: 0, not printed: -1 */
	int nreserve;          /* lowmem_reserve[] (pages), 2.6.11's protections[] */
	int64_t lowmem_reserve[MS_OOM_MAX_RESERVE];
	ms_kvlist stats;       /* every key:value of the line, kB flagged */
} ms_oom_zone;

/* "Node 0 DMA: 0*4kB 1*8kB (M) 2*16kB (UE) ... = 1768kB" */
#define MS_OOM_TYPES 12
typedef struct ms_oom_buddy {
	int node;
	bool node_printed;
	char zone[MS_ZONE_NAME];
	int norders;
	int64_t free[MS_MAX_ORDERS];             /* blocks of each order */
	char types[MS_MAX_ORDERS][MS_OOM_TYPES]; /* migrate letters, "UME"; "" none */
	int64_t page_kb;  /* the block size of order 0: the page size in kB */
	int64_t total_kb; /* "= 1768kB"; MS_NA when the line was cut short */
	bool empty;       /* 2.6's "HighMem: empty" */
} ms_oom_buddy;

/* 4.8+: "Node 0 active_anon:1440kB inactive_anon:... all_unreclaimable? yes" */
typedef struct ms_oom_node {
	int node;
	int all_unreclaimable;
	ms_kvlist stats; /* kB flagged */
} ms_oom_node;

/* "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB" */
typedef struct ms_oom_hugepages {
	int node;
	int64_t total, free, surp, size_kb;
} ms_oom_hugepages;

/* "Unreclaimable slab info:" rows (4.15+): "kmalloc-4k  1234KB  5678KB" */
typedef struct ms_oom_slab {
	char name[MS_OOM_NAME];
	int64_t used_kb, total_kb;
} ms_oom_slab;

/* A memcg OOM's "memory: usage 65536kB, limit 65536kB, failcnt 38"; also
 * "memory+swap:", "swap:", "kmem:". */
typedef struct ms_oom_memcg_usage {
	char name[16];
	int64_t usage_kb, limit_kb, failcnt;
} ms_oom_memcg_usage;

/* How a report ended. */
enum ms_oom_end {
	MS_OOM_END_KILL,  /* the kill line (and what follows it) was read */
	MS_OOM_END_NEXT,  /* another report began before a kill line */
	MS_OOM_END_LOG,   /* the log ended first: the report is cut short */
	MS_OOM_END_PANIC, /* "Kernel panic - not syncing: Out of memory..." */
};

typedef struct ms_oom_report {
	unsigned first_line, last_line; /* in the log, 1-based */
	int64_t time_us;     /* [seconds.micro] or kmsg time of the first line; MS_NA */
	char wall_time[40];  /* syslog, journal or dmesg -T time of the first line, as printed */
	bool headless;       /* no trigger line (rate-limited, or before the log) */
	enum ms_oom_end end;
	bool truncated;      /* end is MS_OOM_END_LOG or _NEXT: parts may be missing */
	ms_oom_trigger trigger;
	bool meminfo_printed; /* a "Mem-Info:" block (global OOMs; not memcg ones) */
	ms_kvlist meminfo;    /* its counters, pages: active_anon, free, free_pcp ... */
	ms_kvlist summary;    /* show_mem lines, blanks as '_': pages_RAM, Free_swap (kB) */
	size_t nnodes, nodes_cap;
	ms_oom_node *nodes;
	size_t nzones, zones_cap;
	ms_oom_zone *zones;
	size_t nbuddy, buddy_cap;
	ms_oom_buddy *buddy;
	size_t nhuge, huge_cap;
	ms_oom_hugepages *huge;
	size_t nslabs, slabs_cap;
	ms_oom_slab *slabs;
	int nusage;
	ms_oom_memcg_usage usage[6];
	char memcg_stat_path[MS_OOM_PATH]; /* "Memory cgroup stats for PATH" (the first) */
	ms_kvlist memcg_stat;               /* its lines: bytes (v2), kB flagged (old v1) */
	bool tasks_printed;
	uint32_t task_cols;  /* bit (1u << enum ms_oom_col) per printed column */
	size_t ntasks, tasks_cap;
	ms_oom_task *tasks;
	int64_t tasks_dropped; /* rows over MS_OOM_MAX_TASKS */
	/* 2.6.24-5.0: "Out of memory: Kill process N (x) score S or sacrifice child" */
	int64_t chosen_pid, chosen_score;
	char chosen_name[MS_OOM_NAME];
	size_t nkills, kills_cap;
	ms_oom_kill *kills; /* kills[0] is the victim; more for memory.oom.group */
	/* Lines that looked like part of the report but did not parse. */
	unsigned problems;
	ms_error problem; /* the first of them */
} ms_oom_report;

void ms_oom_report_init(ms_oom_report *r);
void ms_oom_report_free(ms_oom_report *r);
/* A deep copy (dst is overwritten, not freed first). 0 or -ENOMEM. */
int ms_oom_report_copy(ms_oom_report *dst, const ms_oom_report *src);
/* kills[0], or NULL when the report has no kill line. */
const ms_oom_kill *ms_oom_report_victim(const ms_oom_report *r);

/* Called with each report once it is complete, in log order. The report
 * belongs to the parser and is reused after the call: copy what is kept.
 * Returns 0, or a negative errno to stop the reading. */
typedef int (*ms_oom_fn)(void *ctx, const ms_oom_report *r);

/* An incremental reader: fed lines (ms_oom_parser_line) or chunks of any
 * size (ms_oom_parser_feed), it holds one report and one line at most, so
 * a log of any size is read in fixed memory. Lines of other subsystems
 * between a report's lines are read past. Malformed report lines are
 * counted in the report (problems), never fatal: only ENOMEM and the
 * callback's errors stop it. */
typedef struct ms_oom_parser {
	ms_oom_report cur;
	bool open;        /* cur holds a report being read */
	int section;      /* internal: which block of the report is being read */
	int after_kill;   /* internal: the kill line was read; 2 after oom.group */
	int ncols;        /* internal: the task table's columns */
	signed char cols[24];
	unsigned lineno;
	size_t nreports;
	ms_oom_fn fn;
	void *ctx;
	int status;       /* first error, sticky */
	ms_error *err;
	char line[MS_OOM_MAX_LINE]; /* the partial line of ms_oom_parser_feed */
	size_t line_len;
	bool line_cut;    /* the line in line[] is longer than it: the rest is dropped */
} ms_oom_parser;

void ms_oom_parser_init(ms_oom_parser *p, ms_oom_fn fn, void *ctx, ms_error *err);
int ms_oom_parser_line(ms_oom_parser *p, const char *line, size_t len);
int ms_oom_parser_feed(ms_oom_parser *p, const char *data, size_t len);
/* Ends the log: a report still open is handed over, cut short. */
int ms_oom_parser_finish(ms_oom_parser *p);
void ms_oom_parser_free(ms_oom_parser *p);
/* Bytes the parser holds on the heap now (its report's arrays). */
size_t ms_oom_parser_footprint(const ms_oom_parser *p);

/* Whole-buffer form: every report of buf through fn; *count (may be NULL)
 * how many. A log without any report is not an error: *count is 0. */
int ms_parse_oom_log(const char *buf, size_t len, ms_oom_fn fn, void *ctx, size_t *count,
		     ms_error *err);

/* A list of copies, for callers that keep every report of a small log. */
typedef struct ms_oom_list {
	size_t n, cap;
	ms_oom_report *items;
} ms_oom_list;

int ms_oom_list_add(void *list, const ms_oom_report *r); /* an ms_oom_fn */
void ms_oom_list_free(ms_oom_list *l);
/* ==== Where did the RAM go (issue 10): iomem, vmallocinfo, device tree,
 * CMA, DMA-BUF, PSI, memblock. Same rules as above; the helpers after each
 * parser are pure functions over its result, for the accounting. ======== */

/* ---- /proc/iomem (kernel/resource.c r_show) ----------------------------- */

enum ms_iomem_kind {
	MS_IOMEM_OTHER,
	MS_IOMEM_SYSTEM_RAM,    /* "System RAM" */
	MS_IOMEM_KERNEL_CODE,   /* "Kernel code", "Kernel text" (2.6 and before) */
	MS_IOMEM_KERNEL_RODATA, /* "Kernel rodata" (x86) */
	MS_IOMEM_KERNEL_DATA,   /* "Kernel data" */
	MS_IOMEM_KERNEL_BSS,    /* "Kernel bss" */
	MS_IOMEM_RESERVED,      /* "reserved" (memblock, arm64) or "Reserved" (e820) */
	MS_IOMEM_CRASH_KERNEL,  /* "Crash kernel" */
};

typedef struct ms_iomem_res {
	uint64_t start, end; /* inclusive, as printed; both 0 when hidden */
	int32_t parent;      /* index of the enclosing resource, -1 at top level */
	int32_t next;        /* index of the next sibling, -1 after the last */
	uint16_t depth;      /* indentation / 2 (the kernel prints at most 5) */
	uint8_t kind;        /* enum ms_iomem_kind */
	uint32_t line;       /* input line, for messages */
	uint32_t name_off, name_len; /* into ms_iomem.names */
} ms_iomem_res;

typedef struct ms_iomem {
	size_t n, cap;
	ms_iomem_res *res; /* in file order: each resource before its children */
	ms_buf names;      /* raw names, NUL-separated */
	/* Every address printed as 0: the reader lacked CAP_SYS_ADMIN. The
	 * tree and names are real, the addresses and sizes are unknown. */
	bool hidden;
} ms_iomem;

/* A tree from the indentation; 32- and 64-bit addresses; names with
 * spaces and colons. A malformed line, an indentation that skips a level,
 * an inverted range, a child outside its parent or overlapping siblings
 * are errors naming the line, and out is emptied (a file the kernel did
 * not print is not shown as if it were). */
int ms_parse_iomem(const char *buf, size_t len, ms_iomem *out, ms_error *err);
void ms_iomem_free(ms_iomem *io);
const char *ms_iomem_name(const ms_iomem *io, size_t i);
/* end - start + 1; MS_NA when hidden (or the whole 64-bit space). */
int64_t ms_iomem_bytes(const ms_iomem *io, size_t i);
/* Sum of the "System RAM" ranges that are not inside another one (a
 * nested System RAM is not counted twice); MS_NA when hidden. The JSON
 * system_ram_kb is this / 1024. */
int64_t ms_iomem_system_ram_bytes(const ms_iomem *io);
/* Index of the first child of i, or -1. */
int32_t ms_iomem_first_child(const ms_iomem *io, size_t i);
/* The next resource of that kind at index >= from, or -1. */
int32_t ms_iomem_find(const ms_iomem *io, enum ms_iomem_kind kind, size_t from);
/* Sum of the direct children of i that are of that kind (e.g. "reserved"
 * inside a System RAM bank); MS_NA when hidden. */
int64_t ms_iomem_children_bytes(const ms_iomem *io, size_t i, enum ms_iomem_kind kind);

/* The kernel image's parts, as indexes (-1 when not printed). */
typedef struct ms_iomem_kernel {
	int32_t code, rodata, data, bss;
} ms_iomem_kernel;

void ms_iomem_kernel_image(const ms_iomem *io, ms_iomem_kernel *out);

/* ---- /proc/vmallocinfo (mm/vmalloc.c s_show / vmalloc_info_show) ------- */

/* The words after the caller, as flags. */
#define MS_VMALLOC_IOREMAP      (1u << 0)  /* device memory mapped: no RAM */
#define MS_VMALLOC_VMALLOC      (1u << 1)  /* VM_ALLOC: vmalloc(), modules, stacks */
#define MS_VMALLOC_VMAP         (1u << 2)  /* vmap(): pages belong to their owner */
#define MS_VMALLOC_USER         (1u << 3)  /* VM_USERMAP: may be mapped to user space */
#define MS_VMALLOC_VPAGES       (1u << 4)  /* its page array was itself vmalloc'ed */
#define MS_VMALLOC_DMA_COHERENT (1u << 5)  /* 5.8+ */
#define MS_VMALLOC_MAP_RAM      (1u << 6)  /* a "vm_map_ram" line */
#define MS_VMALLOC_UNPURGED     (1u << 7)  /* an "unpurged vm_area" line (lazily freed) */
#define MS_VMALLOC_SPARSE       (1u << 8)  /* 6.9+ (BPF arena) */
#define MS_VMALLOC_XEN          (1u << 9)
#define MS_VMALLOC_LOWMEM       (1u << 10) /* Qualcomm vendor: lowmem's linear map */
#define MS_VMALLOC_OTHER        (1u << 15) /* a word this parser does not know */

typedef struct ms_vmalloc_area {
	uint64_t start, end; /* as printed (%pK: hashed or 0; start may exceed end) */
	int64_t size;        /* bytes as printed; includes the guard page */
	int64_t pages;       /* pages=N, MS_NA when not printed (ioremap: no RAM) */
	uint64_t phys;       /* phys=, when has_phys */
	bool has_phys;
	uint32_t flags;      /* MS_VMALLOC_* */
	uint32_t caller_off, caller_len; /* "sym+0x1c/0x40" or "0xc0123456" */
	uint32_t module_off, module_len; /* "wlan" of "[wlan]" */
	uint32_t numa_off, numa_n;       /* " N0=4 N1=2", into ms_vmallocinfo.numa */
} ms_vmalloc_area;

typedef struct ms_vmalloc_numa {
	int32_t node;
	int64_t pages;
} ms_vmalloc_numa;

typedef struct ms_vmallocinfo {
	size_t n, cap;
	ms_vmalloc_area *areas;
	ms_buf strings; /* callers and modules, NUL-separated */
	size_t nnuma, numa_cap;
	ms_vmalloc_numa *numa;
	bool hidden; /* every address printed as 0 (kptr_restrict) */
} ms_vmallocinfo;

/* Kernels 2.6.x to 6.x, CRLF copies. Any malformed line is an error
 * naming it, and out is emptied. An empty file is an error. */
int ms_parse_vmallocinfo(const char *buf, size_t len, ms_vmallocinfo *out, ms_error *err);
void ms_vmallocinfo_free(ms_vmallocinfo *v);
const char *ms_vmalloc_caller(const ms_vmallocinfo *v, size_t i);
const char *ms_vmalloc_module(const ms_vmallocinfo *v, size_t i);

/* One kind per area, so that the kinds add up to the whole: the first of
 * unpurged, vm_map_ram, ioremap, lowmem, vmalloc, dma-coherent, vmap,
 * user that the area's flags hold, else other. */
enum ms_vmalloc_kind {
	MS_VMALLOC_KIND_UNPURGED,
	MS_VMALLOC_KIND_MAP_RAM,
	MS_VMALLOC_KIND_IOREMAP,
	MS_VMALLOC_KIND_LOWMEM,
	MS_VMALLOC_KIND_VMALLOC,
	MS_VMALLOC_KIND_DMA_COHERENT,
	MS_VMALLOC_KIND_VMAP,
	MS_VMALLOC_KIND_USER,
	MS_VMALLOC_KIND_OTHER,
	MS_VMALLOC_NKINDS
};

enum ms_vmalloc_kind ms_vmalloc_kind(const ms_vmalloc_area *a);
/* "unpurged", "vm_map_ram", "ioremap", ... "other". */
const char *ms_vmalloc_kind_name(enum ms_vmalloc_kind k);

typedef struct ms_vmalloc_sum {
	int64_t count;
	int64_t size_bytes; /* printed sizes: address space, guard pages included */
	int64_t pages;      /* sum of pages=N: the RAM behind them, in pages */
} ms_vmalloc_sum;

typedef struct ms_vmalloc_totals {
	ms_vmalloc_sum all;
	ms_vmalloc_sum by_kind[MS_VMALLOC_NKINDS];
} ms_vmalloc_totals;

void ms_vmalloc_add_up(const ms_vmallocinfo *v, ms_vmalloc_totals *out);
/* pages x page_size / 1024 (the JSON pages_kb). AOSP libmeminfo's
 * ReadVmallocInfo sums pages=N over every line, whatever its kind, so
 * this over all.pages is its figure: 29184 kB on its testdata1. MS_NA on
 * overflow or a page size <= 0. */
int64_t ms_vmalloc_pages_kb(int64_t pages, int64_t page_size);

/* Areas grouped by allocation site. name points into v->strings (not
 * NUL-terminated at name_len) and stays valid while v does; empty for the
 * lines without a caller (unpurged, vm_map_ram: see flags). */
typedef struct ms_vmalloc_group {
	const char *name;
	size_t name_len;
	const char *module; /* "" when built in */
	uint32_t flags;     /* union of the members' flags */
	ms_vmalloc_sum sum;
} ms_vmalloc_group;

typedef struct ms_vmalloc_groups {
	size_t n;
	ms_vmalloc_group *g; /* by pages, then size, descending; then name */
} ms_vmalloc_groups;

/* by_function: "kernel_clone+0xb8/0x400" and "kernel_clone+0x20/0x400"
 * are one group "kernel_clone"; otherwise the whole call site is the key.
 * 0 or -ENOMEM. */
int ms_vmalloc_group_by_caller(const ms_vmallocinfo *v, bool by_function,
			       ms_vmalloc_groups *out);
void ms_vmalloc_groups_free(ms_vmalloc_groups *g);

/* ---- /proc/pressure/{memory,io,cpu}, memory.pressure (psi_show) ------- */

typedef struct ms_psi_line {
	/* Share of wall time stalled over 10 s, 60 s, 300 s, in hundredths of
	 * a percent as printed ("3.37" is 337). MS_NA when the line is absent. */
	int64_t avg10, avg60, avg300;
	int64_t total_us; /* stall time since boot, microseconds */
} ms_psi_line;

typedef struct ms_psi {
	ms_psi_line some; /* some task stalled */
	ms_psi_line full; /* all non-idle tasks stalled (absent: cpu before 5.13) */
} ms_psi;

/* A "some" line is required; each line needs avg10, avg60, avg300 and
 * total (other key=value words are read past). On error both are MS_NA. */
int ms_parse_psi(const char *buf, size_t len, ms_psi *out, ms_error *err);

/* ---- debugfs memblock/{memory,reserved} (mm/memblock.c) ---------------- */

typedef struct ms_memblock_region {
	uint64_t base, end; /* end inclusive, as printed */
	int32_t nid;        /* 6.4+; -1 when not printed or printed as 'x' */
	char flags[24];     /* 6.4+: "NONE", "NOMAP", "HOTPLUG", ...; "" before */
} ms_memblock_region;

typedef struct ms_memblock {
	size_t n, cap;
	ms_memblock_region *r;
} ms_memblock;

/* "   0: 0x40000000..0xbfffffff" (3.x-6.3, with %pa or 0x%08lx) and
 * "   0: 0x...40000000..0x...bfffffff    0 NONE" (6.4+). Indexes must
 * count up from 0. Any malformed line, or an empty file, is an error and
 * empties out. */
int ms_parse_memblock(const char *buf, size_t len, ms_memblock *out, ms_error *err);
void ms_memblock_free(ms_memblock *m);
/* Sum of end - base + 1 over the regions whose flags are `flag` (NULL:
 * all); MS_NA on overflow. */
int64_t ms_memblock_bytes(const ms_memblock *m, const char *flag);

/* ---- one-value files of sysfs and debugfs ------------------------------ */

/* "123\n" as sysfs_emit("%llu\n") and debugfs simple attributes print;
 * the newline may be missing, nothing else may follow. */
int ms_parse_sysfs_number(const char *buf, size_t len, int64_t *out, ms_error *err);
/* "system\n": one line of text, stored raw without the newline; EINVAL
 * when it does not fit cap (with its NUL) or holds a second line. */
int ms_parse_sysfs_string(const char *buf, size_t len, char *out, size_t cap, ms_error *err);

/* ---- CMA: sysfs mm/cma/<area>/, debugfs cma/<area>/, meminfo ----------- */

typedef struct ms_cma_area {
	char name[64]; /* the directory's name ("reserved", "linux,cma", "cma-0") */
	/* /sys/kernel/mm/cma/<area>/ (CONFIG_CMA_SYSFS, 5.14+), in pages;
	 * MS_NA when the file was not read. */
	int64_t alloc_pages_success, alloc_pages_fail;
	int64_t release_pages_success;        /* 6.6+ */
	int64_t total_pages, available_pages; /* 6.14+ */
	/* /sys/kernel/debug/cma/<area>/ (CONFIG_CMA_DEBUGFS, root), pages */
	int64_t base_pfn, count, used, maxchunk, order_per_bit;
} ms_cma_area;

/* Every figure MS_NA; the name is set (EINVAL when empty, longer than 63
 * bytes, or holding a '/' or a NUL: not a directory name). */
int ms_cma_area_init(ms_cma_area *a, const char *name, size_t len);
/* The contents of the area's file `file` (its name: "alloc_pages_fail",
 * "used", ...). Files this parser does not read (bitmap, alloc, free, and
 * those of later kernels) are ignored: 0. */
int ms_parse_cma_attr(ms_cma_area *a, const char *file, const char *buf, size_t len,
		      ms_error *err);
/* The area's size (debugfs count, else sysfs total_pages) and what is
 * allocated (debugfs used, else total - available), in pages; MS_NA when
 * neither was read. */
int64_t ms_cma_area_pages(const ms_cma_area *a);
int64_t ms_cma_area_used_pages(const ms_cma_area *a);

/* meminfo's CMA lines, in kB; MS_NA when absent. CmaAllocated and
 * CmaReleased are Rockchip BSP vendor lines. */
typedef struct ms_cma_meminfo {
	int64_t total_kb, free_kb;
	int64_t allocated_kb, released_kb;
} ms_cma_meminfo;

void ms_cma_meminfo_read(const ms_kvlist *meminfo, ms_cma_meminfo *out);

/* ---- DMA-BUF: debugfs dma_buf/bufinfo, sysfs dmabuf/buffers, fdinfo --- */

typedef struct ms_dmabuf_buf {
	int64_t inode;    /* MS_NA when the source does not say (bufinfo < 5.x) */
	int64_t size;     /* bytes; from a mapping alone: its length (size_exact false) */
	int64_t count;    /* file references (bufinfo, fdinfo), MS_NA when not printed */
	int64_t ndevices; /* attached devices (bufinfo), MS_NA when not printed */
	bool size_exact;  /* the kernel said the size (not estimated from a VMA) */
	uint32_t nprocs;  /* processes holding it (ms_dmabuf_table only) */
	uint32_t exporter_off, exporter_len; /* exp_name ("system", "linux,cma") */
	uint32_t name_off, name_len;         /* DMA_BUF_SET_NAME; "" when none */
	uint32_t devices_off, devices_len;   /* attached devices, NUL-separated */
} ms_dmabuf_buf;

typedef struct ms_dmabuf_bufinfo {
	size_t n, cap;
	ms_dmabuf_buf *bufs;
	ms_buf strings;
	int64_t total_objects, total_bytes; /* the closing "Total N objects, M bytes" */
} ms_dmabuf_bufinfo;

/* Every layout from 3.3 to 6.x: columns are found by the header's names
 * (exp_name first in 3.x, ino in 5.x, name in 5.19+, vendor columns read
 * past); fence lines are read past; the attached devices are kept. The
 * closing total must be there and agree with the objects read: a file
 * cut short or a name that broke a line is an error, and out is emptied.
 * The placeholder name "<none>" is stored as "". */
int ms_parse_dmabuf_bufinfo(const char *buf, size_t len, ms_dmabuf_bufinfo *out,
			    ms_error *err);
void ms_dmabuf_bufinfo_free(ms_dmabuf_bufinfo *b);
const char *ms_dmabuf_exporter(const ms_buf *strings, const ms_dmabuf_buf *b);
const char *ms_dmabuf_name(const ms_buf *strings, const ms_dmabuf_buf *b);
/* The i-th attached device's name, or NULL past the last. */
const char *ms_dmabuf_device(const ms_buf *strings, const ms_dmabuf_buf *b, size_t i);

/* /proc/PID/fdinfo/FD. Every fd has pos, flags, mnt_id and (5.14+) ino; a
 * DMA-BUF fd (5.3+, dma_buf_show_fdinfo) adds size, count, exp_name and
 * name. Lines of other fd types are read past. */
typedef struct ms_fdinfo {
	int64_t pos, flags, mnt_id, inode; /* MS_NA when not printed; flags from octal */
	bool dmabuf;                       /* an exp_name: line was printed */
	int64_t size, count;               /* DMA-BUF: bytes, file references */
	char exp_name[64];                 /* raw; "" when not printed */
	char name[64];
} ms_fdinfo;

int ms_parse_fdinfo(const char *buf, size_t len, ms_fdinfo *out, ms_error *err);

/* Whether the target of a /proc/PID/fd/N link may be a DMA-BUF: the
 * dma-buf file system names its files "/dmabuf:NAME" (5.3+, NAME empty
 * until DMA_BUF_SET_NAME); before, an anonymous inode "anon_inode:dmabuf".
 * A file of that name on disk also passes: its fdinfo decides. */
bool ms_fd_link_may_be_dmabuf(const char *link);

/* /sys/kernel/dmabuf/buffers/<inode>/ (5.13+, CONFIG_DMABUF_SYSFS_STATS):
 * exporter_name and size, one file each. */
typedef struct ms_dmabuf_sysfs {
	int64_t inode; /* from the directory's name */
	int64_t size;  /* MS_NA until read */
	char exporter[64];
} ms_dmabuf_sysfs;

/* dir is the buffer's directory name, a decimal inode (else EINVAL). */
int ms_dmabuf_sysfs_init(ms_dmabuf_sysfs *b, const char *dir, size_t len);
/* Other files (the 5.13-5.17 attachments/ directory) are ignored: 0. */
int ms_parse_dmabuf_sysfs_attr(ms_dmabuf_sysfs *b, const char *file, const char *buf,
			       size_t len, ms_error *err);

/* ---- DMA-BUF attribution, as Android's dmabuf_dump does it -------------- */

/* One process's hold on one buffer. */
typedef struct ms_dmabuf_ref {
	int64_t pid;
	uint32_t buf;       /* index into ms_dmabuf_table.bufs */
	uint32_t fds, maps; /* its fds on the buffer, its mappings of it */
} ms_dmabuf_ref;

/* Buffers by inode (each once), from every source, and who holds them. */
typedef struct ms_dmabuf_table {
	size_t n, cap;
	ms_dmabuf_buf *bufs;
	ms_buf strings;
	size_t nrefs, refs_cap;
	ms_dmabuf_ref *refs;
} ms_dmabuf_table;

void ms_dmabuf_table_free(ms_dmabuf_table *t);
/* A DMA-BUF fd of pid. fi->inode must be known (5.14+ fdinfo; before,
 * the caller sets it from stat() of /proc/PID/fd/FD). EINVAL when fi is
 * not a DMA-BUF or has no inode; ENOMEM. */
int ms_dmabuf_table_add_fd(ms_dmabuf_table *t, int64_t pid, const ms_fdinfo *fi);
/* A mapping of pid whose path starts with "/dmabuf" (maps), of that
 * inode and length: a buffer not known yet gets the length as its size,
 * until the kernel's own size arrives. */
int ms_dmabuf_table_add_map(ms_dmabuf_table *t, int64_t pid, int64_t inode, int64_t vma_bytes);
/* A buffer the kernel lists (sysfs buffers, bufinfo), held or not:
 * its size and exporter replace estimates. exporter/name may be NULL. */
int ms_dmabuf_table_add_buffer(ms_dmabuf_table *t, int64_t inode, int64_t size,
			       const char *exporter, const char *name);

/* What pid holds, in bytes: rss = the sizes of the distinct buffers it
 * holds (by fd or mapping); pss = each divided by the number of processes
 * holding it (integer bytes, dmabuf_dump's DmaBuffer::Pss). */
typedef struct ms_dmabuf_usage {
	int64_t rss, pss;
	size_t nbufs;
} ms_dmabuf_usage;

void ms_dmabuf_process_usage(const ms_dmabuf_table *t, int64_t pid, ms_dmabuf_usage *out);

/* total = every buffer once; held = those some process holds (dmabuf_dump's
 * userspace size); kernel = total - held (its kernel_rss); rss_sum and
 * pss_sum add up every process's usage (rss_sum counts shared buffers once
 * per holder, as dmabuf_dump's userspace_rss). MS_NA where a size is. */
typedef struct ms_dmabuf_summary {
	size_t nbufs;
	int64_t total, held, kernel, rss_sum, pss_sum;
} ms_dmabuf_summary;

void ms_dmabuf_summarize(const ms_dmabuf_table *t, ms_dmabuf_summary *out);

/* ---- device tree: /proc/device-tree (= /sys/firmware/devicetree/base) --- */

/* One property file of the tree, as the caller read it. */
typedef struct ms_dt_file {
	const char *path; /* from the tree's root: "#address-cells",
			   * "memory@40000000/reg", "reserved-memory/linux,cma/size" */
	const void *data;
	size_t len;
} ms_dt_file;

enum ms_dt_region_kind {
	MS_DT_MEMORY,   /* an entry of a memory node's reg: RAM the board has */
	MS_DT_RESERVED, /* a reserved-memory child: a carve-out */
};

typedef struct ms_dt_region {
	uint8_t kind;      /* enum ms_dt_region_kind */
	bool has_base;     /* false: a "size" reservation the kernel places at boot */
	bool no_map;       /* no-map: not even in the kernel's linear map */
	bool reusable;     /* reusable: the kernel may use it (CMA) */
	bool cma_default;  /* linux,cma-default */
	bool dma_default;  /* linux,dma-default */
	bool disabled;     /* status other than "okay": the kernel skips it */
	bool typed;        /* memory: device_type = "memory" (the kernel needs it) */
	uint64_t base, size; /* bytes; base 0 when !has_base */
	uint64_t alignment;  /* "alignment", 0 when absent */
	uint32_t node_off, node_len;             /* "memory@40000000", "linux,cma" */
	uint32_t compatible_off, compatible_len; /* the first compatible string */
} ms_dt_region;

typedef struct ms_devicetree {
	size_t n, cap;
	ms_dt_region *regions; /* memory first, then reserved; each by base */
	ms_buf strings;
	uint32_t root_address_cells, root_size_cells; /* as read, or 2 and 1 */
	bool has_reserved_memory;
	unsigned nbad; /* malformed properties met (one may count twice) */
	/* The loader's copy of the parser's message on the first of them
	 * (which file, why); "" when none. The parser leaves it alone. */
	char bad_reason[256];
} ms_devicetree;

/* Reads the reg of the memory nodes ("memory", "memory@...") and the
 * children of reserved-memory (reg, size, alignment, no-map,
 * reusable, compatible, linux,cma-default, linux,dma-default, status) from
 * the files given, in any order; other files are ignored. A reg is read
 * in big-endian cells with its parent's #address-cells/#size-cells (the
 * nearest ancestor's, else 2 and 1). No files: no device tree (x86), 0.
 * A property that cannot be read (a reg of odd length, #address-cells
 * above 4, a value over 64 bits) is skipped, whole entries before it kept
 * as the kernel does: the result is -EINVAL with err naming the first
 * such file, and out holds the rest (a partial view). -ENOMEM empties. */
int ms_parse_devicetree(const ms_dt_file *files, size_t n, ms_devicetree *out, ms_error *err);
void ms_devicetree_free(ms_devicetree *dt);
const char *ms_dt_region_node(const ms_devicetree *dt, size_t i);
const char *ms_dt_region_compatible(const ms_devicetree *dt, size_t i);
/* Sum of the memory regions that are not disabled; MS_NA on overflow. */
int64_t ms_dt_memory_bytes(const ms_devicetree *dt);

/* One property, for callers that read a single file: a cell count
 * ("#address-cells": one big-endian u32), and the entries of a reg. */
int ms_dt_read_u32(const void *data, size_t len, uint32_t *out);
/* The number of whole (address, size) entries in len bytes; 0 when the
 * cell counts make no entry (0 + 0, or above 4). */
size_t ms_dt_reg_entries(size_t len, uint32_t address_cells, uint32_t size_cells);
/* Entry i; false when a value does not fit 64 bits. */
bool ms_dt_reg_entry(const void *data, size_t len, uint32_t address_cells,
		     uint32_t size_cells, size_t i, uint64_t *base, uint64_t *size);
/* "memscope-unread" of a snapshot: what the capture could not read, and
 * why (doc/snapshot.md). One line per file or folder, "PATH<TAB>REASON";
 * per-process files as one line per name and reason, whose path is a star
 * for the process, a slash and the name: "STAR/NAME<TAB>REASON<TAB>COUNT
 * <TAB>PID PID ...". '#' starts a comment. */
typedef struct ms_unread_entry {
	/* "slabinfo", "sys/kernel/debug/cma", or for processes "STAR/smaps"
	 * with a '*' for STAR */
	char path[256];
	char reason[64];  /* "needs root" */
	int *pids;        /* per-process lines only: the processes, ascending */
	size_t npids;
} ms_unread_entry;

typedef struct ms_unread {
	ms_unread_entry *e;
	size_t n;
} ms_unread;

/* On failure *out is left empty. */
int ms_parse_unread(const char *buf, size_t len, ms_unread *out, ms_error *err);
void ms_unread_free(ms_unread *u);

#endif
