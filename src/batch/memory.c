/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory view: where the RAM went, from installed RAM to unaccounted
 * (include/memscope/accounting.h), one row per figure with the file and
 * field it came from. Rows are indented under the row they are part of;
 * the parts of each whole add up to it.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/accounting.h"
#include "render.h"

#define LABEL_WIDTH 34
#define KB_WIDTH 10

static void share_text(char *dst, size_t cap, double share)
{
	if (isnan(share))
		snprintf(dst, cap, "-");
	else
		snprintf(dst, cap, "%.1f%%", share * 100.0);
}

static void row_text(struct render *r, const ms_accounting *a, size_t i)
{
	const ms_acct_row *row = &a->rows[i];
	char share[16];
	struct shown label;

	ms_out_spaces(r, 2u * row->depth);
	label = ms_out_display_text(r, row->label);
	ms_out_bytes(r, label.text, label.len);
	size_t used = 2u * row->depth + label.width;
	ms_out_spaces(r, used < LABEL_WIDTH ? LABEL_WIDTH - used : 1);
	ms_out_kb_text(r, row->kb, KB_WIDTH);
	share_text(share, sizeof share, ms_acct_share(a, i));
	ms_out_putf(r, " %6s  %s", share, row->origin);
	if (row->kind == MS_ACCT_AREA && row->used_kb != MS_NA)
		ms_out_putf(r, "; used %" PRId64 " kB", row->used_kb);
	if (row->reason[0]) {
		ms_out_put(r, " (");
		ms_out_display(r, row->reason, 0, true);
		ms_out_put(r, ")");
	}
	ms_out_put(r, "\n");
}

static void memory_text(struct render *r, const ms_accounting *a)
{
	ms_out_putf(r, "%-*s %*s %6s  %s\n", LABEL_WIDTH - 1, "WHERE THE RAM WENT", KB_WIDTH,
		    "kB", "SHARE", "FROM");
	for (size_t i = 0; i < a->n; i++) {
		if (i > 0 && a->rows[i].kind == MS_ACCT_AREA && a->rows[i].parent < 0)
			ms_out_put(r, "Areas (other rows' pages sit in them; not added):\n");
		row_text(r, a, i);
	}
}

static void memory_csv(struct render *r, const ms_accounting *a)
{
	ms_out_put(r, "key,label,parent,kind,kb,used_kb,share,origin,reason\r\n");
	for (size_t i = 0; i < a->n; i++) {
		const ms_acct_row *row = &a->rows[i];
		const char *parent = ms_acct_parent_key(a, i);
		double share = ms_acct_share(a, i);
		ms_out_csv_field(r, row->key);
		ms_out_put(r, ",");
		ms_out_csv_field(r, row->label);
		ms_out_put(r, ",");
		ms_out_csv_field(r, parent ? parent : "");
		ms_out_putf(r, ",%s,", ms_acct_kind_name(row->kind));
		ms_out_i64_csv(r, row->kb);
		ms_out_put(r, ",");
		ms_out_i64_csv(r, row->used_kb);
		if (isnan(share))
			ms_out_put(r, ",");
		else
			ms_out_putf(r, ",%.4f", share);
		ms_out_put(r, ",");
		ms_out_csv_field(r, row->origin);
		ms_out_put(r, ",");
		ms_out_csv_field(r, row->reason);
		ms_out_put(r, "\r\n");
	}
}

static void row_json(struct render *r, const ms_accounting *a, size_t i)
{
	const ms_acct_row *row = &a->rows[i];
	double share = ms_acct_share(a, i);

	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "key", row->key);
	ms_json_kv_str(&r->j, "label", row->label);
	ms_json_kv_i64(&r->j, "kb", row->kb);
	ms_json_kv_str(&r->j, "parent", ms_acct_parent_key(a, i));
	ms_json_kv_str(&r->j, "origin", row->origin);
	ms_json_kv_str(&r->j, "kind", ms_acct_kind_name(row->kind));
	ms_json_key(&r->j, "share");
	if (isnan(share))
		ms_json_null(&r->j);
	else
		ms_json_double(&r->j, share, 4);
	ms_json_kv_i64(&r->j, "used_kb", row->used_kb);
	ms_json_kv_str(&r->j, "reason", row->reason[0] ? row->reason : NULL);
	ms_json_obj_end(&r->j);
}

/* The keys of the view's object, also the report's "memory" object. */
static void memory_json_keys(struct render *r, const ms_accounting *a)
{
	ms_json_kv_i64(&r->j, "installed_kb", a->installed_kb);
	ms_json_kv_i64(&r->j, "mem_total_kb", a->mem_total_kb);
	ms_json_kv_i64(&r->j, "unaccounted_kb", a->unaccounted_kb);
	ms_json_key(&r->j, "accounting");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < a->n; i++)
		row_json(r, a, i);
	ms_json_arr_end(&r->j);
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	ms_accounting a;

	(void)src;
	if (ms_accounting_build(r->s, &a) < 0)
		return ms_error_set(err, ENOMEM, 0, "memory: out of memory");
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		memory_text(r, &a);
		break;
	case MS_FORMAT_CSV:
		memory_csv(r, &a);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "memory");
		memory_json_keys(r, &a);
		ms_out_json_end(r);
		break;
	}
	ms_accounting_free(&a);
	return 0;
}

static void report_text(struct render *r)
{
	ms_accounting a;

	if (ms_accounting_build(r->s, &a) < 0) {
		ms_out_put(r, "out of memory\n");
		return;
	}
	memory_text(r, &a);
	ms_accounting_free(&a);
}

static void report_json(struct render *r, bool ok)
{
	ms_accounting a;

	ms_json_key(&r->j, "memory");
	if (!ok || ms_accounting_build(r->s, &a) < 0) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_obj_begin(&r->j);
	memory_json_keys(r, &a);
	ms_json_obj_end(&r->j);
	ms_accounting_free(&a);
}

static const ms_report_section report = {
	.rank = 6,
	.title = "Where the RAM went (memory)",
	.text = report_text,
	.json = report_json,
	.errors = { { "memory", MS_P_MEMINFO } },
};

const ms_view_class ms_view_memory = {
	.name = "memory",
	.summary = "where the RAM went, from installed RAM to unaccounted",
	.parts = MS_PART_ACCOUNTING,
	.part = MS_P_MEMINFO,
	.opts = MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
