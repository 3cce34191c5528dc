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

/* The parts of a sample: what is read together and fails together. Each
 * is loaded by one row of the catalogue of kernel files (catalogue.h);
 * adding a part is a value here, its data in ms_sample and that row. */
enum ms_part_id {
	MS_P_MEMINFO,
	MS_P_VMSTAT,
	MS_P_BUDDY,
	MS_P_PAGETYPE,
	MS_P_ZONEINFO,
	MS_P_SLABINFO,
	MS_P_PROCS, /* identity + smaps_rollup figures of every process */
	MS_P_COUNT,
	MS_P_NONE = -1, /* a file captured but read by no part */
};

/* What to read, as a set of parts: only what something visible needs. */
#define MS_PART(id) (1u << (id))
enum ms_part {
	MS_PART_MEMINFO = MS_PART(MS_P_MEMINFO),
	MS_PART_VMSTAT = MS_PART(MS_P_VMSTAT),
	MS_PART_BUDDY = MS_PART(MS_P_BUDDY),
	MS_PART_PAGETYPE = MS_PART(MS_P_PAGETYPE),
	MS_PART_ZONEINFO = MS_PART(MS_P_ZONEINFO),
	MS_PART_SLABINFO = MS_PART(MS_P_SLABINFO),
	MS_PART_PROCS = MS_PART(MS_P_PROCS),
	MS_PART_ALL = MS_PART(MS_P_COUNT) - 1,
};

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

	ms_proc *procs;
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
 * must be set): fills procs, nprocs, nkthreads, nunknown and ngone.
 * Returns 0 or -errno with err worded for a user. */
int ms_procs_load(ms_sample *s, ms_source *src, ms_error *err);
void ms_procs_free(ms_sample *s);

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

#endif
