/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cma view: each Contiguous Memory Allocator area, its size, what is
 * allocated from it, its largest free chunk and the allocations that
 * succeeded or failed, from sysfs /sys/kernel/mm/cma/<area>/ (5.14+) and,
 * when readable, debugfs cma/<area>/ (root); with meminfo's CmaTotal and
 * CmaFree (and the Rockchip BSP's CmaAllocated, CmaReleased). A figure no
 * readable file gives is null, and the row says which and why.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"

struct cma_row {
	char name[64];
	int64_t size_kb, used_kb, largest_free_kb;
	int64_t alloc_ok_pages, alloc_fail_pages, released_pages;
	int64_t base_pfn;
	char missing[200]; /* the figures left null and why; "" when whole */
};

struct cma_view {
	struct kmem_cma c;
	struct cma_row *rows;
	ms_cma_meminfo mi;
	bool meminfo_read;
	char areas_reason[400]; /* why there are no areas, "" when there are */
};

static const ms_column cma_cols[] = {
	{ .key = "name", .title = "AREA", .width = 8, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct cma_row, name), .str_inline = true,
	  .help = "the area's name (its sysfs/debugfs folder)" },
	{ .key = "size_kb", .title = "SIZE", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct cma_row, size_kb), .descending = true,
	  .help = "the area's size (debugfs count, else sysfs total_pages)" },
	{ .key = "used_kb", .title = "USED", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct cma_row, used_kb), .descending = true,
	  .help = "allocated from it (debugfs used, else total - available)" },
	{ .key = "largest_free_kb", .title = "MAXFREE", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct cma_row, largest_free_kb), .descending = true,
	  .no_total = true, .help = "the largest free chunk (debugfs maxchunk)" },
	{ .key = "alloc_ok_pages", .title = "ALLOC_OK", .width = 8, .kind = MS_COL_INT,
	  .offset = offsetof(struct cma_row, alloc_ok_pages), .descending = true,
	  .help = "pages allocated since boot (sysfs alloc_pages_success)" },
	{ .key = "alloc_fail_pages", .title = "FAILED", .width = 6, .kind = MS_COL_INT,
	  .offset = offsetof(struct cma_row, alloc_fail_pages), .descending = true,
	  .help = "pages whose allocation failed since boot (sysfs alloc_pages_fail)" },
	{ .key = "released_pages", .title = "RELEASED", .width = 8, .kind = MS_COL_INT,
	  .offset = offsetof(struct cma_row, released_pages), .descending = true,
	  .help = "pages released since boot (sysfs release_pages_success, 6.6+)" },
	{ .key = "base_pfn", .title = "BASE_PFN", .width = 8, .kind = MS_COL_INT,
	  .offset = offsetof(struct cma_row, base_pfn),
	  .help = "first page frame of the area (debugfs base_pfn)" },
	{ .key = "missing", .title = "MISSING", .width = 6, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct cma_row, missing), .str_inline = true, .text_last = true,
	  .help = "the figures left null and why" },
};

static const ms_table_def cma_table = {
	.name = "cma",
	.cols = cma_cols,
	.ncols = MS_ARRAY_LEN(cma_cols),
	.default_sort = "size_kb",
	.tie_break = "name",
};

static int64_t kb_of_pages(int64_t pages, long page_size)
{
	if (pages == MS_NA || pages < 0 || page_size <= 0 || pages > INT64_MAX / page_size)
		return MS_NA;
	return pages * page_size / 1024;
}

static void add_missing(struct cma_row *row, const char *what, const char *why)
{
	size_t len = strlen(row->missing);

	snprintf(row->missing + len, sizeof row->missing - len, "%s%s: %s", len ? "; " : "",
		 what, why);
}

static void fill_row(struct cma_row *row, const ms_cma_area *a, const struct kmem_cma *c,
		     long page_size)
{
	const char *no_debugfs = c->debugfs.status ? c->debugfs.reason : "not in debugfs";
	const char *no_sysfs = c->sysfs.status ? c->sysfs.reason : "not in sysfs";

	memset(row, 0, sizeof *row);
	snprintf(row->name, sizeof row->name, "%s", a->name);
	row->size_kb = kb_of_pages(ms_cma_area_pages(a), page_size);
	row->used_kb = kb_of_pages(ms_cma_area_used_pages(a), page_size);
	row->largest_free_kb = kb_of_pages(a->maxchunk, page_size);
	row->alloc_ok_pages = a->alloc_pages_success;
	row->alloc_fail_pages = a->alloc_pages_fail;
	row->released_pages = a->release_pages_success;
	row->base_pfn = a->base_pfn;
	if (row->size_kb == MS_NA)
		add_missing(row, "size (debugfs count, sysfs total_pages 6.14+)", no_debugfs);
	if (row->used_kb == MS_NA && row->size_kb != MS_NA)
		add_missing(row, "used (debugfs used)", no_debugfs);
	if (row->largest_free_kb == MS_NA)
		add_missing(row, "largest free (debugfs maxchunk)", no_debugfs);
	if (row->alloc_ok_pages == MS_NA)
		add_missing(row, "allocations (sysfs, 5.14+)", no_sysfs);
}

static void cma_view_free(struct cma_view *v)
{
	ms_kmem_cma_free(&v->c);
	free(v->rows);
	v->rows = NULL;
}

static int cma_load(ms_source *src, const ms_sample *s, struct cma_view *v, ms_error *err)
{
	memset(v, 0, sizeof *v);
	int rc = ms_kmem_cma_load(src, &v->c, err);
	if (rc)
		return rc;
	if (v->c.n && !(v->rows = calloc(v->c.n, sizeof *v->rows))) {
		cma_view_free(v);
		return ms_error_set(err, ENOMEM, 0, "cma: out of memory");
	}
	for (size_t i = 0; i < v->c.n; i++)
		fill_row(&v->rows[i], &v->c.areas[i], &v->c, s->info.page_size);
	if (!v->c.n)
		snprintf(v->areas_reason, sizeof v->areas_reason,
			 "no CMA area listed: sys/kernel/mm/cma: %s; sys/kernel/debug/cma: %s",
			 v->c.sysfs.status ? v->c.sysfs.reason : "empty",
			 v->c.debugfs.status ? v->c.debugfs.reason : "empty");
	v->meminfo_read = ms_sample_has(s, MS_P_MEMINFO);
	if (v->meminfo_read)
		ms_cma_meminfo_read(&s->meminfo, &v->mi);
	else
		v->mi = (ms_cma_meminfo){ MS_NA, MS_NA, MS_NA, MS_NA };
	return 0;
}

/* Why meminfo gives no CMA figure. */
static const char *meminfo_reason(const struct render *r, const struct cma_view *v)
{
	if (!v->meminfo_read)
		return ms_part_reason(ms_sample_state(r->s, MS_P_MEMINFO));
	if (v->mi.total_kb == MS_NA)
		return "meminfo has no CmaTotal line (a kernel without CONFIG_CMA)";
	return NULL;
}

static void cma_json_head(struct render *r, const void *ctx)
{
	const struct cma_view *v = ctx;

	ms_json_key(&r->j, "meminfo");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "cma_total_kb", v->mi.total_kb);
	ms_json_kv_i64(&r->j, "cma_free_kb", v->mi.free_kb);
	ms_json_kv_i64(&r->j, "cma_allocated_kb", v->mi.allocated_kb);
	ms_json_kv_i64(&r->j, "cma_released_kb", v->mi.released_kb);
	ms_json_kv_str(&r->j, "reason", meminfo_reason(r, v));
	ms_json_obj_end(&r->j);
	ms_json_kv_str(&r->j, "sysfs_reason", v->c.sysfs.status ? v->c.sysfs.reason : NULL);
	ms_json_kv_str(&r->j, "debugfs_reason", v->c.debugfs.status ? v->c.debugfs.reason : NULL);
	ms_json_kv_str(&r->j, "areas_reason", v->areas_reason[0] ? v->areas_reason : NULL);
}

static void text_kb_or_dash(struct render *r, const char *label, int64_t kb)
{
	if (kb == MS_NA)
		return;
	ms_out_putf(r, "  %s ", label);
	ms_out_kb_text(r, kb, 0);
}

static void cma_text_head(struct render *r, const struct rows *rs, const void *ctx)
{
	const struct cma_view *v = ctx;
	const char *why = meminfo_reason(r, v);

	(void)rs;
	ms_out_put(r, "meminfo:");
	if (why) {
		ms_out_put(r, " ");
		ms_out_display(r, why, 0, true);
	}
	text_kb_or_dash(r, "CmaTotal", v->mi.total_kb);
	text_kb_or_dash(r, "CmaFree", v->mi.free_kb);
	text_kb_or_dash(r, "CmaAllocated", v->mi.allocated_kb);
	text_kb_or_dash(r, "CmaReleased", v->mi.released_kb);
	ms_out_put(r, "\n");
	if (v->areas_reason[0]) {
		ms_out_display(r, v->areas_reason, 0, true);
		ms_out_put(r, "\n");
	}
	ms_out_put(r, "\n");
}

static const struct table_view cma_tview = {
	.name = "cma", .rows_key = "areas", .totals = true,
	.text_head = cma_text_head, .json_head = cma_json_head,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct cma_view v;
	struct rows rs;
	int rc = cma_load(src, r->s, &v, err);

	if (rc)
		return rc;
	rc = ms_tbl_rows_prepare(&rs, r->o, &cma_table, v.rows, v.c.n, sizeof *v.rows, &v, false,
				 err);
	if (rc == 0) {
		ms_tbl_write_view(r, &rs, &cma_tview, &v);
		ms_tbl_rows_free(&rs);
	}
	cma_view_free(&v);
	return rc;
}

static void report_text(struct render *r)
{
	struct cma_view v;
	struct rows rs;
	ms_error err;

	if (cma_load(r->src, r->s, &v, &err)) {
		ms_out_display(r, err.msg, 0, true);
		ms_out_put(r, "\n");
		return;
	}
	if (ms_tbl_rows_prepare(&rs, r->o, &cma_table, v.rows, v.c.n, sizeof *v.rows, &v, false,
				&err) == 0) {
		ms_tbl_view_text(r, &rs, &cma_tview, &v);
		ms_tbl_rows_free(&rs);
	}
	cma_view_free(&v);
}

static void report_json(struct render *r, bool ok)
{
	struct cma_view v;
	struct rows rs;
	ms_error err;

	(void)ok;
	ms_json_key(&r->j, "cma");
	ms_json_obj_begin(&r->j);
	if (cma_load(r->src, r->s, &v, &err)) {
		ms_json_kv_str(&r->j, "error", err.msg);
		ms_json_obj_end(&r->j);
		return;
	}
	cma_json_head(r, &v);
	if (ms_tbl_rows_prepare(&rs, r->o, &cma_table, v.rows, v.c.n, sizeof *v.rows, &v, false,
				&err) == 0) {
		ms_tbl_json_rows(r, "areas", &rs, NULL);
		ms_tbl_json_totals(r, "totals", &rs);
		ms_tbl_rows_free(&rs);
	}
	ms_json_obj_end(&r->j);
	cma_view_free(&v);
}

static const ms_report_section report = {
	.rank = 22,
	.title = "CMA areas",
	.text = report_text,
	.json = report_json,
	.errors = { { NULL, MS_P_NONE } },
};

const ms_view_class ms_view_cma = {
	.name = "cma",
	.summary = "each CMA area: size, used, largest free chunk, failures",
	.parts = MS_PART_MEMINFO,
	.part = MS_P_NONE, /* its areas are read when shown; meminfo may be missing */
	.table = &cma_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
