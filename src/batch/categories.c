/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The categories view: one process's memory in the classes of Android's
 * dumpsys meminfo (native heap, stack, .so, files, devices, DMA-BUF,
 * memfd, SysV...; src/model/classify.c says how each is told), read from
 * its smaps as a stream. Every mapping is in exactly one row, so the rows
 * add up to the totals exactly, and the totals are those of `vma PID`.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

struct cat_row {
	ms_category cat;
	ms_category_row row;
};

static const char *cat_key(const void *row, const void *ctx)
{
	(void)ctx;
	return ms_category_defs[((const struct cat_row *)row)->cat].key;
}

static const char *cat_title(const void *row, const void *ctx)
{
	(void)ctx;
	return ms_category_defs[((const struct cat_row *)row)->cat].title;
}

static int64_t cat_uss(const void *row, const void *ctx)
{
	(void)ctx;
	return ms_category_row_uss(&((const struct cat_row *)row)->row);
}

static int64_t cat_nvmas(const void *row, const void *ctx)
{
	(void)ctx;
	return (int64_t)((const struct cat_row *)row)->row.nvmas;
}

#define CAT_KB(field, title_, rank, help_)                                                  \
	{ .key = #field, .title = title_, .width = 7, .kind = MS_COL_KB,                     \
	  .offset = offsetof(struct cat_row, row) + offsetof(ms_category_row, field),        \
	  .descending = true, .drop_rank = rank, .help = help_ }

static const ms_column cat_cols[] = {
	CAT_KB(pss_kb, "PSS", 0, "proportional set size (Pss)"),
	CAT_KB(private_dirty_kb, "PRIVDIRTY", 0, "Private_Dirty"),
	CAT_KB(private_clean_kb, "PRIVCLEAN", 3, "Private_Clean"),
	CAT_KB(shared_dirty_kb, "SHRDIRTY", 5, "Shared_Dirty"),
	CAT_KB(shared_clean_kb, "SHRCLEAN", 6, "Shared_Clean"),
	{ .key = "uss_kb", .title = "USS", .width = 7, .kind = MS_COL_KB, .get_i64 = cat_uss,
	  .descending = true, .drop_rank = 7, .help = "Private_Clean + Private_Dirty" },
	CAT_KB(swap_pss_kb, "SWAPPSS", 2, "SwapPss"),
	CAT_KB(swap_kb, "SWAP", 8, "Swap"),
	CAT_KB(rss_kb, "RSS", 1, "Rss"),
	CAT_KB(vss_kb, "VSS", 9, "the mappings' size"),
	{ .key = "nvmas", .title = "VMAS", .width = 5, .kind = MS_COL_INT, .get_i64 = cat_nvmas,
	  .descending = true, .drop_rank = 4, .help = "mappings in the category" },
	{ .key = "category", .title = "KEY", .width = 11, .kind = MS_COL_STR, .left = true,
	  .get_str = cat_key, .no_total = true, .drop_rank = 10,
	  .help = "the category's key (JSON, CSV)" },
	{ .key = "title", .title = "CATEGORY", .width = 8, .kind = MS_COL_STR, .left = true,
	  .get_str = cat_title, .no_total = true, .text_last = true,
	  .help = "what the mappings are (after Android's dumpsys meminfo)" },
};

static const ms_table_def cat_table = {
	.name = "categories",
	.cols = cat_cols,
	.ncols = MS_ARRAY_LEN(cat_cols),
	.default_sort = "pss_kb",
	.tie_break = "category",
};

/* ---- writing ---------------------------------------------------------------- */

static const ms_categories *json_cats; /* for the tail, which has no ctx */

static void json_head(struct render *r, const void *ctx)
{
	(void)ctx;
	ms_json_kv_i64(&r->j, "pid", r->o->pid);
}

static void json_tail(struct render *r)
{
	ms_json_key(&r->j, "saturated");
	ms_json_bool(&r->j, json_cats->saturated);
}

static void json_android(struct render *r, const void *row)
{
	const char *a = ms_category_defs[((const struct cat_row *)row)->cat].android;
	ms_json_kv_str(&r->j, "android", a[0] ? a : NULL);
}

static void text_head(struct render *r, const struct rows *rs, const void *ctx)
{
	const ms_proc_ident *id = ctx;

	(void)rs;
	ms_out_putf(r, "pid %d", r->o->pid);
	if (id->name[0]) {
		ms_out_put(r, " (");
		ms_out_display(r, id->name, 0, true);
		ms_out_put(r, ")");
	}
	ms_out_put(r, "\n");
}

static const struct table_view cat_view = {
	.name = "categories", .rows_key = "categories", .totals = true,
	.extra = json_android, .text_head = text_head, .json_head = json_head,
	.json_tail = json_tail,
};

static int cat_error(const struct render *r, int rc, ms_error *err)
{
	const char *root = r->s->info.path;
	int pid = r->o->pid;

	if (rc == -EACCES || rc == -EPERM)
		return ms_error_set(err, EACCES, 0, "categories %d: %s/%d/smaps: %s", pid, root,
				    pid, ms_denied_reason());
	if (rc == -ESRCH && strcmp(err->msg, "no such process") == 0)
		return ms_error_set(err, ESRCH, 0, "categories %d: no such process in %s", pid,
				    root);
	char what[40];
	snprintf(what, sizeof what, "categories %d", pid);
	ms_error_prefix(err, what);
	return rc;
}

/* Text shows the categories that hold a mapping; CSV and JSON every one,
 * in the same order, so that a script finds each key in each document. */
static size_t rows_of(const ms_categories *c, struct cat_row *out, bool all)
{
	size_t n = 0;

	for (int i = 0; i < MS_NCATEGORIES; i++)
		if (all || c->rows[i].nvmas > 0)
			out[n++] = (struct cat_row){ (ms_category)i, c->rows[i] };
	return n;
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct cat_row rows[MS_NCATEGORIES];
	ms_categories c;
	ms_proc_ident id;
	struct rows rs;

	ms_proc_identify(src, r->o->pid, &id);
	int rc = ms_categories_load(src, r->o->pid, &c, err);
	if (rc)
		return cat_error(r, rc, err);
	size_t n = rows_of(&c, rows, r->o->format != MS_FORMAT_TEXT);
	rc = ms_tbl_rows_prepare(&rs, r->o, &cat_table, rows, n, sizeof *rows, NULL, true, err);
	if (rc)
		return rc;
	json_cats = &c;
	ms_tbl_write_view(r, &rs, &cat_view, &id);
	json_cats = NULL;
	ms_tbl_rows_free(&rs);
	return 0;
}

/* "categories 1234": the PID is the view's one word. */
static int take_pid(ms_batch_opts *o, int argc, char *const *argv, ms_error *err)
{
	char *end;
	long pid;

	if (argc < 1)
		return ms_error_set(err, EINVAL, 0, "categories: needs a PID");
	errno = 0;
	pid = strtol(argv[0], &end, 10);
	if (errno || end == argv[0] || *end || pid < 1 || pid > 0x7fffffff)
		return ms_error_set(err, EINVAL, 0, "categories %s: not a PID", argv[0]);
	o->pid = (int)pid;
	return 1;
}

const ms_view_class ms_view_categories = {
	.name = "categories",
	.args = "PID",
	.summary = "one process's memory in Android's categories",
	.part = MS_P_NONE, /* it reads the process's smaps itself */
	.table = &cat_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_KB | MS_VOPT_CSV,
	.take_args = take_pid,
	.render = render,
};
