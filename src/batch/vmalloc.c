/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vmalloc view: /proc/vmallocinfo grouped by caller (the function that
 * asked), and summed by kind (vmalloc, ioremap, vmap, user, vpages,
 * vm_map_ram, dma-coherent, unpurged). Two figures per row: the address
 * space (the printed size, which includes one guard page per area) and the
 * RAM behind it (pages=N x the page size). ioremap areas map device
 * memory: they hold no RAM and print no pages=.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"

#define VMALLOC_NOTE                                                                        \
	"size_kb is address space and includes one guard page per area; pages_kb is the RAM " \
	"behind it (pages=N); ioremap areas map device memory and hold no RAM"

struct vmalloc_row {
	char caller[128];  /* function, or "(unpurged vm_area)", "(vm_map_ram)" */
	char module[64];   /* "" when built in */
	char kinds[96];    /* the flag words of its areas: "vmalloc,user" */
	int64_t count;
	int64_t size_kb, pages_kb;
};

struct vmalloc_view {
	ms_vmallocinfo v;
	ms_vmalloc_totals tot;
	struct vmalloc_row *rows;
	size_t n;
	long page_size;
};

static const ms_column vmalloc_cols[] = {
	{ .key = "size_kb", .title = "SIZE", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct vmalloc_row, size_kb), .descending = true,
	  .help = "address space of its areas, guard pages included" },
	{ .key = "pages_kb", .title = "RAM", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct vmalloc_row, pages_kb), .descending = true,
	  .help = "RAM behind its areas: pages=N x page size (none for ioremap)" },
	{ .key = "count", .title = "AREAS", .width = 6, .kind = MS_COL_INT,
	  .offset = offsetof(struct vmalloc_row, count), .descending = true,
	  .help = "areas it holds" },
	{ .key = "kinds", .title = "KINDS", .width = 8, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct vmalloc_row, kinds), .str_inline = true,
	  .help = "the flag words of its areas" },
	{ .key = "module", .title = "MODULE", .width = 6, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct vmalloc_row, module), .str_inline = true,
	  .help = "the module of the caller, empty when built in" },
	{ .key = "caller", .title = "CALLER", .width = 6, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct vmalloc_row, caller), .str_inline = true,
	  .text_last = true, .help = "the function that asked for the areas" },
};

static const ms_table_def vmalloc_table = {
	.name = "vmalloc",
	.cols = vmalloc_cols,
	.ncols = MS_ARRAY_LEN(vmalloc_cols),
	.default_sort = "pages_kb",
	.tie_break = "caller",
};

static void kinds_of(uint32_t flags, char *dst, size_t cap)
{
	static const struct {
		uint32_t flag;
		const char *word;
	} words[] = {
		{ MS_VMALLOC_VMALLOC, "vmalloc" }, { MS_VMALLOC_IOREMAP, "ioremap" },
		{ MS_VMALLOC_VMAP, "vmap" }, { MS_VMALLOC_USER, "user" },
		{ MS_VMALLOC_VPAGES, "vpages" }, { MS_VMALLOC_MAP_RAM, "vm_map_ram" },
		{ MS_VMALLOC_DMA_COHERENT, "dma-coherent" },
		{ MS_VMALLOC_UNPURGED, "unpurged" }, { MS_VMALLOC_SPARSE, "sparse" },
		{ MS_VMALLOC_XEN, "xen" }, { MS_VMALLOC_LOWMEM, "lowmem" },
		{ MS_VMALLOC_OTHER, "other" },
	};
	size_t len = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < MS_ARRAY_LEN(words); i++)
		if ((flags & words[i].flag) && len + strlen(words[i].word) + 2 < cap)
			len += (size_t)snprintf(dst + len, cap - len, "%s%s", len ? "," : "",
						words[i].word);
}

static int64_t kb_of_bytes(int64_t b)
{
	return b == MS_NA ? MS_NA : b / 1024;
}

static void fill_row(struct vmalloc_row *row, const ms_vmalloc_group *g, long page_size)
{
	size_t n = g->name_len < sizeof row->caller - 1 ? g->name_len : sizeof row->caller - 1;

	memset(row, 0, sizeof *row);
	if (n) {
		memcpy(row->caller, g->name, n);
		row->caller[n] = '\0';
	} else {
		snprintf(row->caller, sizeof row->caller, "%s",
			 g->flags & MS_VMALLOC_UNPURGED ? "(unpurged vm_area)" :
			 g->flags & MS_VMALLOC_MAP_RAM ? "(vm_map_ram)" : "(no caller)");
	}
	snprintf(row->module, sizeof row->module, "%s", g->module ? g->module : "");
	kinds_of(g->flags, row->kinds, sizeof row->kinds);
	row->count = g->sum.count;
	row->size_kb = kb_of_bytes(g->sum.size_bytes);
	row->pages_kb = ms_vmalloc_pages_kb(g->sum.pages, page_size);
}

static void vmalloc_view_free(struct vmalloc_view *vv)
{
	ms_vmallocinfo_free(&vv->v);
	free(vv->rows);
	vv->rows = NULL;
}

/* 0, or -errno with err saying why there is nothing to show. */
static int vmalloc_load(ms_source *src, long page_size, struct vmalloc_view *vv, ms_error *err)
{
	ms_buf buf = { 0 };
	struct kmem_status st;
	ms_vmalloc_groups groups = { 0 };
	char where[256];

	memset(vv, 0, sizeof *vv);
	vv->page_size = page_size;
	snprintf(where, sizeof where, "%s", "vmallocinfo");
	if (src)
		ms_source_where(src, "vmallocinfo", where, sizeof where);
	int rc = ms_kmem_read(src, "vmallocinfo", &buf, &st);
	if (rc == 0) {
		ms_error perr;
		ms_error_clear(&perr);
		rc = ms_parse_vmallocinfo(buf.data ? buf.data : "", buf.len, &vv->v, &perr);
		if (rc < 0)
			ms_kmem_parse_error(&st, "vmallocinfo", &perr);
	}
	ms_buf_free(&buf);
	if (rc < 0)
		return ms_error_set(err, -rc, 0, "vmalloc: %s: %s", where, st.reason);
	ms_vmalloc_add_up(&vv->v, &vv->tot);
	if (ms_vmalloc_group_by_caller(&vv->v, true, &groups) < 0 ||
	    (groups.n && !(vv->rows = calloc(groups.n, sizeof *vv->rows)))) {
		ms_vmalloc_groups_free(&groups);
		vmalloc_view_free(vv);
		return ms_error_set(err, ENOMEM, 0, "vmalloc: out of memory");
	}
	for (size_t i = 0; i < groups.n; i++)
		fill_row(&vv->rows[i], &groups.g[i], page_size);
	vv->n = groups.n;
	ms_vmalloc_groups_free(&groups);
	return 0;
}

static void json_sum(struct render *r, const ms_vmalloc_sum *s, long page_size)
{
	ms_json_kv_i64(&r->j, "count", s->count);
	ms_json_kv_i64(&r->j, "size_kb", kb_of_bytes(s->size_bytes));
	ms_json_kv_i64(&r->j, "pages_kb", ms_vmalloc_pages_kb(s->pages, page_size));
}

static void vmalloc_json_head(struct render *r, const void *ctx)
{
	const struct vmalloc_view *vv = ctx;

	ms_json_kv_i64(&r->j, "page_size", vv->page_size);
	ms_json_key(&r->j, "addresses_hidden");
	ms_json_bool(&r->j, vv->v.hidden);
	ms_json_kv_str(&r->j, "note", VMALLOC_NOTE);
	ms_json_key(&r->j, "totals");
	ms_json_obj_begin(&r->j);
	json_sum(r, &vv->tot.all, vv->page_size);
	ms_json_obj_end(&r->j);
	ms_json_key(&r->j, "by_kind");
	ms_json_arr_begin(&r->j);
	for (int k = 0; k < MS_VMALLOC_NKINDS; k++) {
		const ms_vmalloc_sum *s = &vv->tot.by_kind[k];
		if (!s->count)
			continue;
		ms_json_obj_begin(&r->j);
		ms_json_kv_str(&r->j, "kind", ms_vmalloc_kind_name((enum ms_vmalloc_kind)k));
		json_sum(r, s, vv->page_size);
		ms_json_key(&r->j, "holds_ram");
		ms_json_bool(&r->j, k != MS_VMALLOC_KIND_IOREMAP);
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
}

static void text_sum(struct render *r, const char *label, const ms_vmalloc_sum *s, long ps)
{
	ms_out_putf(r, "%-14s %7" PRId64 "  ", label, s->count);
	ms_out_kb_text(r, kb_of_bytes(s->size_bytes), 9);
	ms_out_put(r, "  ");
	ms_out_kb_text(r, ms_vmalloc_pages_kb(s->pages, ps), 9);
	ms_out_put(r, "\n");
}

static void vmalloc_text_head(struct render *r, const struct rows *rs, const void *ctx)
{
	const struct vmalloc_view *vv = ctx;

	(void)rs;
	ms_out_putf(r, "%-14s %7s  %9s  %9s\n", "KIND", "AREAS", "SIZE", "RAM");
	for (int k = 0; k < MS_VMALLOC_NKINDS; k++)
		if (vv->tot.by_kind[k].count)
			text_sum(r, ms_vmalloc_kind_name((enum ms_vmalloc_kind)k),
				 &vv->tot.by_kind[k], vv->page_size);
	text_sum(r, "TOTAL", &vv->tot.all, vv->page_size);
	ms_out_put(r, "(SIZE includes one guard page per area; ioremap holds no RAM)\n\n");
}

static const struct table_view vmalloc_tview = {
	.name = "vmalloc", .rows_key = "callers",
	.text_head = vmalloc_text_head, .json_head = vmalloc_json_head,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct vmalloc_view vv;
	struct rows rs;
	int rc = vmalloc_load(src, r->s->info.page_size, &vv, err);

	if (rc)
		return rc;
	rc = ms_tbl_rows_prepare(&rs, r->o, &vmalloc_table, vv.rows, vv.n, sizeof *vv.rows, &vv,
				 false, err);
	if (rc == 0) {
		ms_tbl_write_view(r, &rs, &vmalloc_tview, &vv);
		ms_tbl_rows_free(&rs);
	}
	vmalloc_view_free(&vv);
	return rc;
}

static void report_text(struct render *r)
{
	struct vmalloc_view vv;
	struct rows rs;
	ms_error err;

	if (vmalloc_load(r->src, r->s->info.page_size, &vv, &err)) {
		ms_out_display(r, err.msg, 0, true);
		ms_out_put(r, "\n");
		return;
	}
	if (ms_tbl_rows_prepare(&rs, r->o, &vmalloc_table, vv.rows, vv.n, sizeof *vv.rows, &vv,
				false, &err) == 0) {
		ms_tbl_view_text(r, &rs, &vmalloc_tview, &vv);
		ms_tbl_rows_free(&rs);
	}
	vmalloc_view_free(&vv);
}

static void report_json(struct render *r, bool ok)
{
	struct vmalloc_view vv;
	struct rows rs;
	ms_error err;

	(void)ok;
	ms_json_key(&r->j, "vmalloc");
	ms_json_obj_begin(&r->j);
	if (vmalloc_load(r->src, r->s->info.page_size, &vv, &err)) {
		ms_json_kv_str(&r->j, "error", err.msg);
		ms_json_obj_end(&r->j);
		return;
	}
	vmalloc_json_head(r, &vv);
	if (ms_tbl_rows_prepare(&rs, r->o, &vmalloc_table, vv.rows, vv.n, sizeof *vv.rows, &vv,
				false, &err) == 0) {
		ms_tbl_json_rows(r, "callers", &rs, NULL);
		ms_tbl_rows_free(&rs);
	}
	ms_json_obj_end(&r->j);
	vmalloc_view_free(&vv);
}

static const ms_report_section report = {
	.rank = 21,
	.title = "vmalloc areas by caller (vmallocinfo)",
	.text = report_text,
	.json = report_json,
	.errors = { { NULL, MS_P_NONE } },
};

const ms_view_class ms_view_vmalloc = {
	.name = "vmalloc",
	.summary = "vmallocinfo grouped by caller and by kind",
	.part = MS_P_NONE, /* read when shown */
	.table = &vmalloc_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
