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
} ms_slab;

typedef struct ms_slabinfo {
	char version[8]; /* "2.0", "2.1" */
	size_t n, cap;
	ms_slab *caches;
} ms_slabinfo;

/* Versions 1.1 (2.4), 2.0 and 2.1. Names may hold ':' and must not be
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
} ms_pid_stat;

#define MS_PF_KTHREAD 0x00200000u

int ms_parse_pid_stat(const char *buf, size_t len, ms_pid_stat *out, ms_error *err);

typedef struct ms_pid_statm {
	int64_t size, resident, shared, text, lib, data, dt; /* pages */
} ms_pid_statm;

int ms_parse_pid_statm(const char *buf, size_t len, ms_pid_statm *out, ms_error *err);

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

#endif
