/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The catalogue of kernel files (catalogue.h): one row per file memscope
 * reads or records. A part read from one whole file has a two-line
 * wrapper here that hands the bytes to its pure parser; parts read from
 * many files name their loader.
 */
#include <stddef.h>

#include "memscope/catalogue.h"

/* ---- whole-file parts ------------------------------------------------------ */

static int parse_meminfo(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_meminfo(buf, len, &s->meminfo, err);
}

static void free_meminfo(ms_sample *s)
{
	ms_kvlist_free(&s->meminfo);
}

static int parse_vmstat(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_vmstat(buf, len, &s->vmstat, err);
}

static void free_vmstat(ms_sample *s)
{
	ms_kvlist_free(&s->vmstat);
}

static int parse_buddy(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_buddyinfo(buf, len, &s->buddy, err);
}

static void free_buddy(ms_sample *s)
{
	ms_buddyinfo_free(&s->buddy);
}

static int parse_pagetype(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_pagetypeinfo(buf, len, &s->pagetype, err);
}

static void free_pagetype(ms_sample *s)
{
	ms_pagetypeinfo_free(&s->pagetype);
}

static int parse_zoneinfo(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_zoneinfo(buf, len, &s->zones, err);
}

static void free_zoneinfo(ms_sample *s)
{
	ms_zoneinfo_free(&s->zones);
}

static int parse_slabinfo(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_slabinfo(buf, len, &s->slabs, err);
}

static void free_slabinfo(ms_sample *s)
{
	ms_slabinfo_free(&s->slabs);
}

/* ---- the rows ------------------------------------------------------------- */

#define CAPTURED (MS_KF_CAPTURE | MS_KF_MARKER)
#define PER_PID (MS_KF_PER_PID | MS_KF_CAPTURE)

const ms_kfile ms_kfiles[] = {
	/* System files, in the order capture writes them. */
	{ .path = "meminfo", .part = MS_P_MEMINFO, .flags = CAPTURED,
	  .parse = parse_meminfo, .free = free_meminfo },
	{ .path = "vmstat", .part = MS_P_VMSTAT, .flags = CAPTURED,
	  .parse = parse_vmstat, .free = free_vmstat },
	{ .path = "buddyinfo", .part = MS_P_BUDDY, .flags = CAPTURED,
	  .parse = parse_buddy, .free = free_buddy },
	{ .path = "pagetypeinfo", .part = MS_P_PAGETYPE, .flags = CAPTURED | MS_KF_ROOT,
	  .parse = parse_pagetype, .free = free_pagetype },
	{ .path = "zoneinfo", .part = MS_P_ZONEINFO, .flags = CAPTURED,
	  .parse = parse_zoneinfo, .free = free_zoneinfo },
	{ .path = "slabinfo", .part = MS_P_SLABINFO, .flags = CAPTURED | MS_KF_ROOT,
	  .parse = parse_slabinfo, .free = free_slabinfo },
	{ .path = "iomem", .part = MS_P_NONE, .flags = CAPTURED },
	{ .path = "vmallocinfo", .part = MS_P_NONE, .flags = CAPTURED | MS_KF_ROOT },
	{ .path = "swaps", .part = MS_P_NONE, .flags = CAPTURED },
	{ .path = "version", .part = MS_P_NONE, .flags = CAPTURED },
	{ .path = "cmdline", .part = MS_P_NONE, .flags = MS_KF_CAPTURE },
	{ .path = "memscope-snapshot", .part = MS_P_NONE, .flags = MS_KF_MARKER },

	/* Every process: identity first (stat says whether it is a kernel
	 * thread, whose memory files are not copied). */
	{ .path = "stat", .part = MS_P_PROCS, .flags = PER_PID, .name = "processes",
	  .load = ms_procs_load, .free = ms_procs_free },
	{ .path = "status", .part = MS_P_PROCS, .flags = PER_PID },
	{ .path = "comm", .part = MS_P_PROCS, .flags = PER_PID },
	{ .path = "cmdline", .part = MS_P_PROCS,
	  .flags = PER_PID | MS_KF_USER_PROC | MS_KF_CMDLINE },
	{ .path = "statm", .part = MS_P_PROCS, .flags = PER_PID | MS_KF_USER_PROC },
	{ .path = "maps", .part = MS_P_PROCS, .flags = PER_PID | MS_KF_USER_PROC },
	{ .path = "smaps_rollup", .part = MS_P_PROCS, .flags = PER_PID | MS_KF_USER_PROC },
	{ .path = "smaps", .part = MS_P_PROCS,
	  .flags = PER_PID | MS_KF_USER_PROC | MS_KF_SMAPS },
	{ .path = "oom_score_adj", .part = MS_P_PROCS, .flags = PER_PID | MS_KF_USER_PROC },
};

const size_t ms_nkfiles = MS_ARRAY_LEN(ms_kfiles);

/* ---- lookups ---------------------------------------------------------------- */

const ms_kfile *ms_kfile_of_part(enum ms_part_id part)
{
	for (size_t i = 0; i < ms_nkfiles; i++)
		if (ms_kfiles[i].part == part && (ms_kfiles[i].parse || ms_kfiles[i].load))
			return &ms_kfiles[i];
	return NULL;
}

const char *ms_part_file(enum ms_part_id part)
{
	const ms_kfile *k = ms_kfile_of_part(part);

	return k && k->parse ? k->path : NULL;
}

const char *ms_part_name(enum ms_part_id part)
{
	const ms_kfile *k = ms_kfile_of_part(part);

	if (!k)
		return "?";
	return k->name ? k->name : k->path;
}
