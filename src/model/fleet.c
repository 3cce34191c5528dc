/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fleet's rows (include/memscope/fleet.h): one per snapshot, its
 * figures taken from the sample the single-snapshot views read, so that
 * `fleet` says what `meminfo`, `procrank` and `buddy` say of each.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/fleet.h"

/* ---- the columns (rows: ms_fleet_row) -------------------------------------- */

/* Text from the metadata: NULL when it does not say, so that JSON has
 * null and text "-" rather than an empty cell. */
#define STR_GETTER(fn, field)                                                           \
	static const char *fn(const void *row, const void *ctx)                           \
	{                                                                                  \
		const ms_fleet_row *r = row;                                               \
		(void)ctx;                                                                 \
		return r->field[0] ? r->field : NULL;                                      \
	}

STR_GETTER(row_host, host)
STR_GETTER(row_kernel, kernel)
STR_GETTER(row_arch, arch)
STR_GETTER(row_captured_at, captured_at)
STR_GETTER(row_top_name, top_name)

/* ctx: a folder the list is of ("captures/"), left out of the names
 * below it; NULL: the path as named. */
static const char *row_source(const void *row, const void *ctx)
{
	const char *source = ((const ms_fleet_row *)row)->source;
	size_t n = ctx ? strlen(ctx) : 0;

	return n && strncmp(source, ctx, n) == 0 && source[n] ? source + n : source;
}

static const char *row_slab_origin(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const ms_fleet_row *)row)->slab_origin;
}

static const char *row_error(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const ms_fleet_row *)row)->error;
}

#define KB_COL(k, t, w, field, rank, h)                                                 \
	{ .key = k, .title = t, .width = w, .kind = MS_COL_KB,                             \
	  .offset = offsetof(ms_fleet_row, field), .descending = true, .drop_rank = rank,   \
	  .no_total = true, .help = h }
#define INT_COL(k, t, w, field, rank, h)                                                \
	{ .key = k, .title = t, .width = w, .kind = MS_COL_INT,                            \
	  .offset = offsetof(ms_fleet_row, field), .descending = true, .drop_rank = rank,   \
	  .no_total = true, .help = h }
#define STR_COL(k, t, w, fn, rank, h)                                                   \
	{ .key = k, .title = t, .width = w, .kind = MS_COL_STR, .left = true,              \
	  .get_str = fn, .drop_rank = rank, .no_total = true, .help = h }

/* Widths and drop ranks make the text fit 80 columns: source, host, the
 * four figures, the largest order and the top process (the kernel from
 * 82). */
static const ms_column fleet_cols[] = {
	{ .key = "source", .title = "SOURCE", .width = 18, .kind = MS_COL_STR, .left = true,
	  .get_str = row_source, .keep_end = true, .no_total = true,
	  .help = "the snapshot, archive or recording, as named" },
	STR_COL("host", "HOST", 10, row_host, 4,
		"host name of the captured machine (memscope-snapshot)"),
	STR_COL("kernel", "KERNEL", 10, row_kernel, 5, "kernel release"),
	STR_COL("arch", "ARCH", 7, row_arch, 10, "machine architecture (uname -m)"),
	STR_COL("captured_at", "CAPTURED", 20, row_captured_at, 11, "capture time, UTC"),
	KB_COL("mem_total_kb", "TOTAL", 6, mem_total_kb, 0, "MemTotal of meminfo"),
	KB_COL("mem_available_kb", "AVAIL", 6, mem_available_kb, 0,
	       "MemAvailable of meminfo"),
	KB_COL("pss_kb", "PSS", 6, pss_kb, 0,
	       "PSS summed over the processes whose PSS could be read (procrank's total)"),
	INT_COL("pss_unknown", "NOPSS", 5, pss_unknown, 8,
		"processes whose PSS could not be read: the PSS sum is whole only at 0"),
	KB_COL("slab_kb", "SLAB", 6, slab_kb, 2,
	       "SReclaimable + SUnreclaim of meminfo (else Slab, else slabinfo's caches)"),
	STR_COL("slab_origin", "SLABFROM", 8, row_slab_origin, 12,
		"where slab_kb came from: meminfo SReclaimable+SUnreclaim, meminfo Slab or "
		"slabinfo"),
	INT_COL("largest_order", "ORD", 3, largest_order, 1,
		"largest order with a free block in any zone (buddyinfo)"),
	INT_COL("largest_order_blocks", "BLKS", 5, largest_order_blocks, 6,
		"free blocks of that order, summed over the zones"),
	STR_COL("top_name", "TOP", 9, row_top_name, 3,
		"the process of the largest PSS (comm)"),
	INT_COL("top_pid", "TOPPID", 7, top_pid, 9, "its pid"),
	KB_COL("top_pss_kb", "TOPPSS", 6, top_pss_kb, 7, "its PSS"),
	STR_COL("error", "ERROR", 20, row_error, 13,
		"why the snapshot could not be read; empty (JSON null) when it was"),
};

const ms_table_def ms_fleet_table = {
	.name = "fleet",
	.cols = fleet_cols,
	.ncols = MS_ARRAY_LEN(fleet_cols),
	.default_sort = "source",
	.tie_break = "source",
};

/* ---- one row from a sample ------------------------------------------------- */

static void copy_text(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* PSS of every process whose PSS is known, and the first of the largest
 * (procrank's order: PSS descending, then pid ascending). */
static void take_processes(ms_fleet_row *row, const ms_sample *s)
{
	const ms_proc *top = NULL;
	int64_t sum = MS_NA, unknown = 0;

	if (!ms_sample_has(s, MS_P_PROCS))
		return;
	for (size_t i = 0; i < s->nprocs; i++) {
		const ms_proc *p = &s->procs[i];
		if (p->pss_kb == MS_NA) {
			unknown++;
			continue;
		}
		sum = sum == MS_NA ? p->pss_kb : sum + p->pss_kb;
		if (!top || p->pss_kb > top->pss_kb ||
		    (p->pss_kb == top->pss_kb && p->pid < top->pid))
			top = p;
	}
	row->pss_kb = sum;
	row->pss_unknown = unknown;
	if (top) {
		copy_text(row->top_name, sizeof row->top_name, top->name);
		row->top_pid = top->pid;
		row->top_pss_kb = top->pss_kb;
	}
}

/* The caches of slabinfo summed; MS_NA when a size is unknown. */
static int64_t slabinfo_kb(const ms_sample *s)
{
	int64_t sum = 0;

	for (size_t i = 0; i < s->slabs.n; i++) {
		int64_t kb = ms_slab_size_kb(&s->slabs.caches[i], s->info.page_size);
		if (kb == MS_NA)
			return MS_NA;
		sum += kb;
	}
	return sum;
}

static void take_slab(ms_fleet_row *row, const ms_sample *s)
{
	bool mi = ms_sample_has(s, MS_P_MEMINFO);
	int64_t recl = mi ? ms_kvlist_get(&s->meminfo, "SReclaimable") : MS_NA;
	int64_t unrecl = mi ? ms_kvlist_get(&s->meminfo, "SUnreclaim") : MS_NA;
	int64_t slab = mi ? ms_kvlist_get(&s->meminfo, "Slab") : MS_NA;

	if (recl != MS_NA && unrecl != MS_NA) {
		row->slab_kb = recl + unrecl;
		row->slab_origin = "meminfo SReclaimable+SUnreclaim";
	} else if (slab != MS_NA) {
		row->slab_kb = slab;
		row->slab_origin = "meminfo Slab";
	} else if (ms_sample_has(s, MS_P_SLABINFO) && slabinfo_kb(s) != MS_NA) {
		row->slab_kb = slabinfo_kb(s);
		row->slab_origin = "slabinfo";
	}
}

static void take_buddy(ms_fleet_row *row, const ms_sample *s)
{
	int largest = -1;

	if (!ms_sample_has(s, MS_P_BUDDY))
		return;
	for (size_t i = 0; i < s->buddy.n; i++) {
		int o = ms_buddy_largest_order(&s->buddy.zones[i]);
		if (o > largest)
			largest = o;
	}
	/* No free block at all: no largest order, and none of its blocks. */
	row->largest_order_blocks = 0;
	if (largest < 0)
		return;
	row->largest_order = largest;
	for (size_t i = 0; i < s->buddy.n; i++)
		if (largest < s->buddy.zones[i].norders)
			row->largest_order_blocks += s->buddy.zones[i].free[largest];
}

static void row_init(ms_fleet_row *row)
{
	*row = (ms_fleet_row){
		.mem_total_kb = MS_NA, .mem_available_kb = MS_NA, .pss_kb = MS_NA,
		.pss_unknown = MS_NA, .slab_kb = MS_NA, .largest_order = MS_NA,
		.largest_order_blocks = MS_NA, .top_pid = MS_NA, .top_pss_kb = MS_NA,
		.sample_index = MS_NA, .sample_count = MS_NA,
	};
}

int ms_fleet_row_of(ms_fleet_row *row, const ms_sample *s, const char *name)
{
	row_init(row);
	if (!(row->source = strdup(name)))
		return -ENOMEM;
	copy_text(row->host, sizeof row->host, s->info.hostname);
	copy_text(row->kernel, sizeof row->kernel, s->info.kernel);
	copy_text(row->arch, sizeof row->arch, s->info.machine);
	copy_text(row->captured_at, sizeof row->captured_at, s->info.captured_at);
	if (ms_sample_has(s, MS_P_MEMINFO)) {
		row->mem_total_kb = ms_kvlist_get(&s->meminfo, "MemTotal");
		row->mem_available_kb = ms_kvlist_get(&s->meminfo, "MemAvailable");
	}
	take_processes(row, s);
	take_slab(row, s);
	take_buddy(row, s);
	return 0;
}

void ms_fleet_row_free(ms_fleet_row *row)
{
	free(row->source);
	free(row->error);
	row->source = row->error = NULL;
}

/* ---- the list ------------------------------------------------------------------ */

static ms_fleet_row *next_row(ms_fleet *f)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		ms_fleet_row *rows = realloc(f->rows, cap * sizeof *rows);
		if (!rows)
			return NULL;
		f->rows = rows;
		f->cap = cap;
	}
	return &f->rows[f->n];
}

int ms_fleet_add_error(ms_fleet *f, const char *name, const char *why)
{
	ms_fleet_row *row = next_row(f);

	if (!row)
		return -ENOMEM;
	row_init(row);
	row->source = strdup(name);
	row->error = strdup(why && *why ? why : "unreadable");
	if (!row->source || !row->error) {
		ms_fleet_row_free(row);
		return -ENOMEM;
	}
	f->n++;
	return 0;
}

/* A recording is shown by its last sample, as the explorer opens it. */
static int select_last(ms_source *src, ms_error *err)
{
	size_t n = ms_source_sample_count(src);

	if (n > 1 && ms_source_selected(src) != n - 1)
		return ms_source_select(src, n - 1, err);
	return 0;
}

int ms_fleet_add_source(ms_fleet *f, ms_source *src, const char *name)
{
	ms_error err = { 0 };
	ms_sample s;
	int rc = select_last(src, &err);

	if (!rc)
		rc = ms_sample_load(&s, src, MS_FLEET_PARTS, &err);
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return ms_fleet_add_error(f, name, err.msg[0] ? err.msg : strerror(-rc));
	ms_fleet_row *row = next_row(f);
	rc = row ? ms_fleet_row_of(row, &s, name) : -ENOMEM;
	if (!rc && ms_source_can(src, MS_CAP_SAMPLES)) {
		row->sample_index = (int64_t)ms_source_selected(src);
		row->sample_count = (int64_t)ms_source_sample_count(src);
	}
	ms_sample_free(&s);
	if (rc) {
		if (row)
			ms_fleet_row_free(row);
		return rc;
	}
	f->n++;
	return 0;
}

void ms_fleet_free(ms_fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		ms_fleet_row_free(&f->rows[i]);
	free(f->rows);
	*f = (ms_fleet){ 0 };
}

size_t ms_fleet_failed(const ms_fleet *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->rows[i].error != NULL;
	return n;
}
