/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One immutable sample of the memory state of a machine, read through a
 * source by the pure parsers, plus the figures derived from it. Views and
 * batch output read a const sample and nothing else.
 */
#ifndef MEMSCOPE_MODEL_H
#define MEMSCOPE_MODEL_H

#include <time.h>

#include "memscope/parse.h"
#include "memscope/source.h"

/* What to read: only what something visible needs. */
enum ms_part {
	MS_PART_MEMINFO = 1u << 0,
	MS_PART_VMSTAT = 1u << 1,
	MS_PART_BUDDY = 1u << 2,
	MS_PART_PAGETYPE = 1u << 3,
	MS_PART_ZONEINFO = 1u << 4,
	MS_PART_SLABINFO = 1u << 5,
	MS_PART_PROCS = 1u << 6, /* identity + smaps_rollup figures */
	MS_PART_ALL = (1u << 7) - 1,
};

/* Why a part is empty: 0 loaded; -ENOENT not there ("not in snapshot"),
 * -EACCES ("needs root"), -EINVAL (unknown format: err names the line). */
typedef struct ms_part_state {
	int status;
	ms_error err;
} ms_part_state;

/* Where a process's figures came from. */
typedef enum ms_mem_origin {
	MS_ORIGIN_NONE,    /* unknown: see ms_proc.status */
	MS_ORIGIN_ROLLUP,  /* smaps_rollup: exact */
	MS_ORIGIN_SMAPS,   /* summed over smaps (kernel < 4.14, or smemcap) */
} ms_mem_origin;

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
	ms_mem_origin origin;
	int status;        /* 0, or -errno explaining unknown figures */
} ms_proc;

typedef struct ms_sample {
	ms_source_info info;
	unsigned parts; /* asked for */
	struct timespec taken_at; /* CLOCK_MONOTONIC, for rates */

	ms_kvlist meminfo;          ms_part_state meminfo_st;
	ms_kvlist vmstat;           ms_part_state vmstat_st;
	ms_buddyinfo buddy;         ms_part_state buddy_st;
	ms_pagetypeinfo pagetype;   ms_part_state pagetype_st;
	ms_zoneinfo zones;          ms_part_state zones_st;
	ms_slabinfo slabs;          ms_part_state slabs_st;

	ms_proc *procs;             ms_part_state procs_st;
	size_t nprocs;
	size_t nkthreads;           /* left out of procs */
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

/* The process part alone (called by ms_sample_load; s->info must be set):
 * fills procs, nprocs, nkthreads, nunknown, ngone and procs_st. */
int ms_procs_load(ms_sample *s, ms_source *src);

/* The mappings of one process, from smaps (maps when smaps is missing). */
int ms_vmas_load(ms_source *src, int pid, ms_vmalist *out, ms_error *err);
/* The same, handing each mapping to fn as soon as it is read (see
 * ms_vma_fn); a mapping fn is done with may be left out of out. A load can
 * fail after some calls (the file ends in garbage): the caller then drops
 * what it made of them. */
int ms_vmas_load_each(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
		      ms_error *err);

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

/* Totals over procs of the figures that add up (PSS, USS, swap...). */
void ms_procs_totals(const ms_proc *p, size_t n, ms_proc *total);

#endif
