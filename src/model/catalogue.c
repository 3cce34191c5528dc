/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The catalogue of kernel files (catalogue.h): one row per file memscope
 * reads or records. A part read from one whole file has a two-line
 * wrapper here that hands the bytes to its pure parser; parts read from
 * many files name their loader.
 */
#include <stddef.h>
#include <string.h>

#include "memscope/catalogue.h"
#include "memscope/model.h"

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

static int parse_iomem(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_iomem(buf, len, &s->iomem, err);
}

static void free_iomem(ms_sample *s)
{
	ms_iomem_free(&s->iomem);
}

/* Addresses printed as zeros: the tree is there, the map is not. */
static bool iomem_hidden(const ms_sample *s)
{
	return s->iomem.hidden;
}

static int parse_vmalloc(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_vmallocinfo(buf, len, &s->vmalloc, err);
}

static void free_vmalloc(ms_sample *s)
{
	ms_vmallocinfo_free(&s->vmalloc);
}

static int parse_psi(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_psi(buf, len, &s->psi, err);
}

static void free_psi(ms_sample *s)
{
	(void)s; /* nothing allocated */
}

/* ---- what capture takes from a folder ---------------------------------------- */

/* debugfs' cma/<area>/alloc and free are write-only knobs. */
static bool cma_debug_file(const char *name, bool is_dir, unsigned depth)
{
	(void)is_dir;
	return depth == 0 || (strcmp(name, "alloc") != 0 && strcmp(name, "free") != 0);
}

/* /sys/block/zram0 -> ../devices/virtual/block/zram0: its figures only. */
static bool zram_file(const char *name, bool is_dir, unsigned depth)
{
	static const char *const files[] = { "mm_stat", "disksize", "comp_algorithm", "io_stat",
					     /* kernels before 4.1, no mm_stat */
					     "orig_data_size", "compr_data_size",
					     "mem_used_total" };

	if (depth == 0)
		return is_dir && strncmp(name, "zram", 4) == 0;
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++)
		if (!is_dir && strcmp(name, files[i]) == 0)
			return true;
	return false;
}

/* /sys/kernel/dmabuf/buffers/<inode>/: who exported it, how big. Not the
 * attachments, whose links lead into the devices' own folders. */
static bool dmabuf_buffer_file(const char *name, bool is_dir, unsigned depth)
{
	if (depth == 0)
		return is_dir;
	return !is_dir && (strcmp(name, "exporter_name") == 0 || strcmp(name, "size") == 0);
}

/* The hierarchies of cgroup v1's other controllers (and named ones) that
 * sit beside memory/ and unified/ in /sys/fs/cgroup on a v1 or hybrid
 * system; on a v2 system the folders there are groups. */
static bool other_v1_hierarchy(const char *name)
{
	static const char *const names[] = {
		"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "misc",
		"net_cls", "net_prio", "perf_event", "pids", "rdma", "systemd", "elogind", "debug",
	};

	if (strchr(name, ',')) /* co-mounted: "cpu,cpuacct" */
		return true;
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* sys/fs/cgroup: what src/model/cgroups.c reads, the memory files of every
 * group (ms_memcg_files, memory.pressure) and cgroup.controllers, which
 * says whether v2 has the memory controller. Not the process lists, not
 * the other controllers' files or hierarchies. */
static bool cgroup_file(const char *name, bool is_dir, unsigned depth)
{
	if (is_dir)
		return depth > 0 || !other_v1_hierarchy(name);
	return ms_memcg_file_find(name) || strcmp(name, "memory.pressure") == 0 ||
	       strcmp(name, "cgroup.controllers") == 0;
}

/* A process's open DMA-BUFs: their fdinfo names the exporter. Every other
 * descriptor is left out (there may be thousands). */
static bool dmabuf_fdinfo(const char *data, size_t len)
{
	return len && memmem(data, len, "\nexp_name:", 10) != NULL;
}

/* ---- the rows ------------------------------------------------------------- */

#define SYSTEM (MS_KF_CAPTURE | MS_KF_MARKER)
#define PER_PID (MS_KF_PER_PID | MS_KF_CAPTURE)
/* Per process, but not of kernel threads: they have no memory of their own. */
#define PER_USER_PID (PER_PID | MS_KF_USER_PROC)

const ms_kfile ms_kfiles[] = {
	/* System files, in the order capture writes them. */
	{ .path = "meminfo", .part = MS_P_MEMINFO, .flags = SYSTEM,
	  .parse = parse_meminfo, .free = free_meminfo },
	{ .path = "vmstat", .part = MS_P_VMSTAT, .flags = SYSTEM,
	  .parse = parse_vmstat, .free = free_vmstat },
	{ .path = "buddyinfo", .part = MS_P_BUDDY, .flags = SYSTEM,
	  .parse = parse_buddy, .free = free_buddy },
	{ .path = "pagetypeinfo", .part = MS_P_PAGETYPE, .flags = SYSTEM | MS_KF_ROOT,
	  .parse = parse_pagetype, .free = free_pagetype },
	{ .path = "zoneinfo", .part = MS_P_ZONEINFO, .flags = SYSTEM,
	  .parse = parse_zoneinfo, .free = free_zoneinfo },
	{ .path = "slabinfo", .part = MS_P_SLABINFO, .flags = SYSTEM | MS_KF_ROOT,
	  .parse = parse_slabinfo, .free = free_slabinfo },
	{ .path = "iomem", .part = MS_P_IOMEM, .flags = SYSTEM,
	  .parse = parse_iomem, .free = free_iomem, .redacted = iomem_hidden },
	{ .path = "vmallocinfo", .part = MS_P_VMALLOC, .flags = SYSTEM | MS_KF_ROOT,
	  .parse = parse_vmalloc, .free = free_vmalloc },
	{ .path = "swaps", .part = MS_P_NONE, .flags = SYSTEM },
	{ .path = "version", .part = MS_P_NONE, .flags = SYSTEM },
	{ .path = "cmdline", .part = MS_P_NONE, .flags = MS_KF_CAPTURE },
	{ .path = "pressure/memory", .part = MS_P_PSI, .flags = MS_KF_CAPTURE,
	  .parse = parse_psi, .free = free_psi },
	{ .path = "mounts", .part = MS_P_NONE, .flags = MS_KF_CAPTURE },
	{ .path = "sysvipc/shm", .part = MS_P_NONE, .flags = MS_KF_CAPTURE },
	{ .path = "device-tree", .part = MS_P_DEVTREE, .flags = MS_KF_CAPTURE | MS_KF_TREE,
	  .depth = 16, .load = ms_devtree_load, .free = ms_devtree_free_part },
	{ .path = "sys/kernel/mm/cma", .part = MS_P_CMA, .flags = MS_KF_CAPTURE | MS_KF_TREE,
	  .name = "cma", .depth = 1, .load = ms_cma_load, .free = ms_cma_free_part },
	{ .path = "sys/kernel/debug/cma", .part = MS_P_CMA,
	  .flags = MS_KF_CAPTURE | MS_KF_TREE | MS_KF_ROOT, .depth = 1,
	  .keep_name = cma_debug_file },
	{ .path = "sys/kernel/debug/dma_buf/bufinfo", .part = MS_P_DMABUF,
	  .flags = MS_KF_CAPTURE | MS_KF_ROOT },
	{ .path = "sys/kernel/debug/memblock/memory", .part = MS_P_NONE,
	  .flags = MS_KF_CAPTURE | MS_KF_ROOT },
	{ .path = "sys/kernel/debug/memblock/reserved", .part = MS_P_NONE,
	  .flags = MS_KF_CAPTURE | MS_KF_ROOT },
	{ .path = "sys/kernel/dmabuf/buffers", .part = MS_P_DMABUF, .name = "dmabuf",
	  .flags = MS_KF_CAPTURE | MS_KF_TREE, .depth = 1, .keep_name = dmabuf_buffer_file,
	  .load = ms_dmabuf_load, .free = ms_dmabuf_free_part },
	{ .path = "sys/block", .part = MS_P_ZRAM, .name = "zram",
	  .flags = MS_KF_CAPTURE | MS_KF_TREE, .depth = 1, .keep_name = zram_file,
	  .load = ms_zram_part_load, .free = ms_zram_part_free },
	/* memory/ or unified/ first, then the groups: one level more than
	 * the model walks below a hierarchy's root. */
	{ .path = "sys/fs/cgroup", .part = MS_P_CGROUPS, .name = "cgroups",
	  .flags = MS_KF_CAPTURE | MS_KF_TREE, .depth = MS_CGROUPS_MAX_DEPTH + 1,
	  .keep_name = cgroup_file, .load = ms_cgroups_load, .free = ms_cgroups_free },
	{ .path = "memscope-snapshot", .part = MS_P_NONE, .flags = MS_KF_MARKER },

	/* Every process: stat first, it says whether this is a kernel thread,
	 * whose memory files are not copied. */
	{ .path = "stat", .part = MS_P_PROCS, .flags = PER_PID, .name = "processes",
	  .load = ms_procs_load, .free = ms_procs_free },
	{ .path = "status", .part = MS_P_PROCS, .flags = PER_PID },
	{ .path = "comm", .part = MS_P_PROCS, .flags = PER_PID },
	{ .path = "cmdline", .part = MS_P_PROC_DETAIL, .flags = PER_USER_PID | MS_KF_CMDLINE },
	{ .path = "statm", .part = MS_P_PROCS, .flags = PER_USER_PID },
	{ .path = "maps", .part = MS_P_PROCS, .flags = PER_USER_PID | MS_KF_MAPS },
	{ .path = "smaps_rollup", .part = MS_P_PROCS, .flags = PER_USER_PID },
	{ .path = "smaps", .part = MS_P_PROCS, .flags = PER_USER_PID | MS_KF_SMAPS },
	{ .path = "oom_score", .part = MS_P_PROC_DETAIL, .flags = PER_USER_PID,
	  .name = "command lines, OOM scores and cgroups",
	  .load = ms_proc_detail_load },
	{ .path = "oom_score_adj", .part = MS_P_PROC_DETAIL, .flags = PER_USER_PID },
	{ .path = "cgroup", .part = MS_P_PROC_DETAIL, .flags = PER_USER_PID },
	{ .path = "fdinfo", .part = MS_P_NONE, .flags = PER_USER_PID | MS_KF_TREE,
	  .keep_bytes = dmabuf_fdinfo },
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

bool ms_kfile_is_marker(const char *relpath, bool meta)
{
	for (size_t i = 0; i < ms_nkfiles; i++) {
		const ms_kfile *k = &ms_kfiles[i];
		if (!(k->flags & MS_KF_MARKER) || (k->flags & MS_KF_PER_PID))
			continue;
		if (!meta && strncmp(k->path, "memscope-", 9) == 0)
			continue;
		if (strcmp(k->path, relpath) == 0)
			return true;
	}
	return false;
}
