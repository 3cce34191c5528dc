/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The four tables, declared once as data. Keys are the JSON/CSV field names
 * of doc/ and DESIGN.md (add keys, never rename them); everything else that
 * shows a column (headers, --sort, help, field lists) reads it from here.
 */
#include <stddef.h>
#include <stdio.h>

#include "memscope/model.h"
#include "memscope/table.h"

/* ---- procrank (rows: ms_proc, ctx: ms_sample) ----------------------------- */

static int64_t proc_pid(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const ms_proc *)row)->pid;
}

static const ms_column procrank_cols[] = {
	{ .key = "pid", .title = "PID", .width = 7, .kind = MS_COL_INT,
	  .get_i64 = proc_pid, .no_total = true,
	  .help = "process id" },
	{ .key = "user", .title = "USER", .width = 8, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_proc, user), .str_inline = true, .drop_rank = 3,
	  .no_total = true,
	  .help = "owner (real uid): its name here, or on a snapshot the name the capture "
		  "recorded (memscope-users); the number when none is known" },
	{ .key = "vss_kb", .title = "VSS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, vss_kb), .descending = true, .drop_rank = 4,
	  .no_total = true,
	  .help = "virtual size: all mapped address space (VmSize of status)" },
	{ .key = "rss_kb", .title = "RSS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, rss_kb), .descending = true, .drop_rank = 2,
	  .no_total = true,
	  .help = "resident: pages in RAM, shared ones counted in full (smaps_rollup; "
		  "VmRSS of status where smaps_rollup is not readable)" },
	{ .key = "pss_kb", .title = "PSS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, pss_kb), .descending = true,
	  .help = "proportional: each shared page divided among its sharers" },
	{ .key = "uss_kb", .title = "USS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, uss_kb), .descending = true,
	  .help = "unique: pages only this process maps (freed when it exits)" },
	{ .key = "swap_kb", .title = "SWAP", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, swap_kb), .descending = true, .drop_rank = 1,
	  .help = "swapped out, shared pages counted in full (smaps_rollup; VmSwap of "
		  "status where smaps_rollup is not readable)" },
	{ .key = "swap_pss_kb", .title = "SWAPPSS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, swap_pss_kb), .descending = true, .drop_rank = 5,
	  .help = "swapped out, shared pages divided among sharers" },
	{ .key = "name", .title = "NAME", .width = 15, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_proc, name), .str_inline = true, .no_total = true,
	  .text_last = true, .help = "command name (comm)" },
	{ .key = "cmdline", .title = "COMMAND", .width = 20, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_proc, cmdline), .drop_rank = 6, .no_total = true,
	  .text_last = true, .help = "command line, arguments joined by spaces" },
	/* Keys are added after the first contract's (up to cmdline), never
	 * between them: issue 10's DMA-BUF, then issue 12's OOM columns. */
	{ .key = "dmabuf_kb", .title = "DMABUF", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(ms_proc, dmabuf_kb), .descending = true, .drop_rank = 7,
	  .help = "DMA-BUF memory its fds hold (fdinfo), each buffer divided among the "
		  "processes holding it, as PSS divides pages; - where fdinfo is not readable" },
	{ .key = "oom_score", .title = "OOM", .width = 5, .kind = MS_COL_INT,
	  .offset = offsetof(ms_proc, oom_score), .descending = true, .drop_rank = 8,
	  .no_total = true,
	  .help = "oom_score: the OOM killer's badness, highest killed first (0-2000 since "
		  "4.19: its share of RAM and swap in thousandths, plus oom_score_adj)" },
	{ .key = "oom_score_adj", .title = "OOMADJ", .width = 6, .kind = MS_COL_INT,
	  .offset = offsetof(ms_proc, oom_score_adj), .descending = true, .drop_rank = 9,
	  .no_total = true,
	  .help = "oom_score_adj: -1000 (never killed) to 1000 (killed first), set by the "
		  "process or its manager" },
	{ .key = "cgroup", .title = "CGROUP", .width = 12, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_proc, cgroup), .drop_rank = 10, .no_total = true,
	  .null_when_empty = true,
	  .help = "memory cgroup (/proc/PID/cgroup: the v1 memory line, else the v2 one), "
		  "below its hierarchy's root" },
};

const ms_table_def ms_procrank_table = {
	.name = "procrank",
	.cols = procrank_cols,
	.ncols = MS_ARRAY_LEN(procrank_cols),
	.default_sort = "pss_kb",
	.tie_break = "pid",
};

/* ---- slabs (rows: ms_slab, ctx: ms_sample) --------------------------------- */

static long ctx_page_size(const void *ctx)
{
	return ctx ? ((const ms_sample *)ctx)->info.page_size : 0;
}

static int64_t slab_size_kb(const void *row, const void *ctx)
{
	return ms_slab_size_kb(row, ctx_page_size(ctx));
}

static int64_t slab_used_kb(const void *row, const void *ctx)
{
	(void)ctx;
	return ms_slab_used_kb(row);
}

/* slabtop's USE: active objects out of all objects. */
static int64_t slab_use_pct(const void *row, const void *ctx)
{
	const ms_slab *s = row;

	(void)ctx;
	if (s->active_objs == MS_NA || s->num_objs == MS_NA || s->num_objs <= 0 ||
	    s->active_objs < 0 || s->active_objs > INT64_MAX / 100)
		return MS_NA;
	return s->active_objs * 100 / s->num_objs;
}

#define SLAB_INT(k, t, w, field, rank, h)                                               \
	{ .key = k, .title = t, .width = w, .kind = MS_COL_INT,                          \
	  .offset = offsetof(ms_slab, field), .descending = true, .drop_rank = rank,      \
	  .help = h }

static const ms_column slab_cols[] = {
	{ .key = "name", .title = "NAME", .width = 24, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_slab, name), .str_inline = true, .no_total = true,
	  .help = "slab cache" },
	SLAB_INT("active_objs", "ACTIVE", 9, active_objs, 0, "objects in use"),
	SLAB_INT("num_objs", "OBJS", 9, num_objs, 0, "objects allocated (in use or free)"),
	{ .key = "objsize", .title = "OBJSIZE", .width = 7, .kind = MS_COL_INT,
	  .offset = offsetof(ms_slab, objsize), .descending = true, .drop_rank = 3,
	  .no_total = true, .help = "bytes per object" },
	{ .key = "objperslab", .title = "OBJ/SLAB", .width = 8, .kind = MS_COL_INT,
	  .offset = offsetof(ms_slab, objperslab), .descending = true, .drop_rank = 5,
	  .no_total = true, .help = "objects per slab" },
	{ .key = "pagesperslab", .title = "PG/SLAB", .width = 7, .kind = MS_COL_INT,
	  .offset = offsetof(ms_slab, pagesperslab), .descending = true, .drop_rank = 6,
	  .no_total = true, .help = "pages per slab" },
	SLAB_INT("active_slabs", "ASLABS", 8, active_slabs, 4, "slabs holding an object in use"),
	SLAB_INT("num_slabs", "SLABS", 8, num_slabs, 2, "slabs allocated"),
	{ .key = "size_kb", .title = "SIZE", .width = 7, .kind = MS_COL_KB,
	  .get_i64 = slab_size_kb, .descending = true,
	  .help = "memory of the cache: slabs x pages per slab x page size" },
	{ .key = "used_kb", .title = "USED", .width = 7, .kind = MS_COL_KB,
	  .get_i64 = slab_used_kb, .descending = true, .drop_rank = 1,
	  .help = "memory of the objects in use: active objects x object size" },
	{ .key = "use_pct", .title = "USE", .width = 4, .kind = MS_COL_PCT,
	  .get_i64 = slab_use_pct, .descending = true, .drop_rank = 7, .no_total = true,
	  .help = "active objects as a percentage of all objects" },
};

const ms_table_def ms_slab_table = {
	.name = "slabs",
	.cols = slab_cols,
	.ncols = MS_ARRAY_LEN(slab_cols),
	.default_sort = "size_kb",
	.tie_break = "name",
};

/* ---- zones (rows: ms_zone, ctx: ms_sample) --------------------------------- */

static int64_t zone_node(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const ms_zone *)row)->node;
}

#define ZONE_PAGES(k, t, field, rank, h)                                                \
	{ .key = k, .title = t, .width = 9, .kind = MS_COL_INT,                          \
	  .offset = offsetof(ms_zone, field), .descending = true, .drop_rank = rank,      \
	  .no_total = true, .help = h }

static const ms_column zone_cols[] = {
	{ .key = "node", .title = "NODE", .width = 4, .kind = MS_COL_INT,
	  .get_i64 = zone_node, .no_total = true, .help = "NUMA node" },
	{ .key = "zone", .title = "ZONE", .width = 8, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_zone, zone), .str_inline = true, .no_total = true,
	  .help = "zone (DMA, DMA32, Normal, HighMem, Movable, ...)" },
	ZONE_PAGES("free_pages", "FREE", free_pages, 0, "free pages"),
	ZONE_PAGES("min", "MIN", min, 3, "min watermark: below it only atomic allocations"),
	ZONE_PAGES("low", "LOW", low, 4, "low watermark: kswapd wakes below it"),
	ZONE_PAGES("high", "HIGH", high, 5, "high watermark: kswapd sleeps above it"),
	ZONE_PAGES("spanned", "SPANNED", spanned, 2, "pages the zone spans, holes included"),
	ZONE_PAGES("present", "PRESENT", present, 1, "pages that exist in the zone"),
	ZONE_PAGES("managed", "MANAGED", managed, 0, "pages the buddy allocator manages"),
};

/* Zones keep the kernel's order (DMA, DMA32, Normal, Movable...), which
 * no column sorts into: no default sort. */
const ms_table_def ms_zone_table = {
	.name = "zones",
	.cols = zone_cols,
	.ncols = MS_ARRAY_LEN(zone_cols),
	.default_sort = NULL,
	.tie_break = "zone",
};

/* ---- VMAs (rows: ms_vma, ctx: ms_vmalist) ---------------------------------- */

static const char *vma_path(const void *row, const void *ctx)
{
	const ms_vmalist *l = ctx;
	const ms_vma *v = row;

	if (!l || v < l->v || v >= l->v + l->n)
		return "";
	return ms_vma_path(l, (size_t)(v - l->v));
}

/* "maj:min" as the kernel prints it; the returned text lives until the
 * next call on the same thread. */
static const char *vma_dev(const void *row, const void *ctx)
{
	static __thread char text[24];
	const ms_vma *v = row;

	(void)ctx;
	/* "%02x:%02x" without printf: one call per mapping. */
	size_t n = ms_fmt_hex(text, v->dev_major, 2);
	text[n++] = ':';
	ms_fmt_hex(text + n, v->dev_minor, 2);
	return text;
}

static int64_t vma_inode(const void *row, const void *ctx)
{
	uint64_t inode = ((const ms_vma *)row)->inode;

	(void)ctx;
	return inode > INT64_MAX ? MS_NA : (int64_t)inode;
}

/* From the addresses, so that a maps-only list (no Size:) still has it. */
static int64_t vma_size_kb(const void *row, const void *ctx)
{
	const ms_vma *v = row;

	(void)ctx;
	if (v->mem.size != MS_NA)
		return v->mem.size;
	return v->end >= v->start ? (int64_t)((v->end - v->start) / 1024) : MS_NA;
}

static int64_t vma_uss_kb(const void *row, const void *ctx)
{
	(void)ctx;
	return ms_memcounters_uss(&((const ms_vma *)row)->mem);
}

#define VMA_KB(k, t, field, rank, h)                                                    \
	{ .key = k, .title = t, .width = 7, .kind = MS_COL_KB,                           \
	  .offset = offsetof(ms_vma, mem.field), .descending = true, .drop_rank = rank,   \
	  .help = h }

static const ms_column vma_cols[] = {
	{ .key = "start", .title = "START", .width = 12, .kind = MS_COL_HEX,
	  .offset = offsetof(ms_vma, start), .no_total = true, .help = "first address" },
	{ .key = "end", .title = "END", .width = 12, .kind = MS_COL_HEX,
	  .offset = offsetof(ms_vma, end), .drop_rank = 3, .no_total = true,
	  .help = "address after the last byte" },
	{ .key = "perms", .title = "PERM", .width = 4, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_vma, perms), .str_inline = true, .no_total = true,
	  .help = "read, write, execute, shared (s) or private (p)" },
	{ .key = "offset", .title = "OFFSET", .width = 8, .kind = MS_COL_HEX,
	  .offset = offsetof(ms_vma, offset), .drop_rank = 6, .no_total = true,
	  .help = "offset in the mapped file" },
	{ .key = "dev", .title = "DEV", .width = 5, .kind = MS_COL_STR, .left = true,
	  .get_str = vma_dev, .drop_rank = 7, .no_total = true,
	  .help = "device of the mapped file (major:minor)" },
	{ .key = "inode", .title = "INODE", .width = 8, .kind = MS_COL_INT,
	  .get_i64 = vma_inode, .drop_rank = 8, .no_total = true,
	  .help = "inode of the mapped file; 0 for anonymous memory" },
	{ .key = "path", .title = "PATH", .width = 28, .kind = MS_COL_STR, .left = true,
	  .get_str = vma_path, .no_total = true, .text_last = true, .keep_end = true,
	  .help = "mapped file, or [heap], [stack], [anon:name]; empty for anonymous" },
	{ .key = "size_kb", .title = "SIZE", .width = 7, .kind = MS_COL_KB,
	  .get_i64 = vma_size_kb, .descending = true,
	  .help = "virtual size of the mapping" },
	VMA_KB("rss_kb", "RSS", rss, 2, "resident in RAM"),
	VMA_KB("pss_kb", "PSS", pss, 0, "proportional share (smaps truncates it to whole kB)"),
	{ .key = "uss_kb", .title = "USS", .width = 7, .kind = MS_COL_KB,
	  .get_i64 = vma_uss_kb, .descending = true, .drop_rank = 1,
	  .help = "private pages: Private_Clean + Private_Dirty" },
	VMA_KB("swap_kb", "SWAP", swap, 4, "swapped out"),
};

const ms_table_def ms_vma_table = {
	.name = "vma",
	.cols = vma_cols,
	.ncols = MS_ARRAY_LEN(vma_cols),
	.default_sort = "start",
	.tie_break = "end",
};
