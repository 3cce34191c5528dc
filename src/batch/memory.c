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

/* Text fits 80 columns: the label and its indent in LABEL_WIDTH, the
 * figures, then FROM in what is left. A longer label or FROM wraps at
 * spaces onto lines of its own (CSV and JSON keep every text whole). */
#define TEXT_WIDTH 80
#define LABEL_WIDTH 27
#define KB_WIDTH 10
#define SHARE_WIDTH 6
#define FROM_COL (LABEL_WIDTH + KB_WIDTH + 1 + SHARE_WIDTH + 2)
#define FROM_WIDTH (TEXT_WIDTH - FROM_COL)

static void share_text(char *dst, size_t cap, double share)
{
	if (isnan(share))
		snprintf(dst, cap, "-");
	else
		snprintf(dst, cap, "%.1f%%", share * 100.0);
}

/* Bytes of the first line of at most width columns of s (display text,
 * valid UTF-8): up to the last space that fits (dropped) or after the last
 * '/' (a path), else cut at a character. */
static size_t line_break(const char *s, size_t len, size_t width, size_t *skip)
{
	size_t i = 0, cols = 0, last_space = 0, after_slash = 0;

	*skip = 0;
	while (i < len) {
		size_t n = 1;
		while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n++;
		size_t w = ms_display_width(s + i, n);
		if (cols + w > width)
			break;
		if (s[i] == ' ')
			last_space = i;
		else if (s[i] == '/')
			after_slash = i + 1;
		cols += w;
		i += n;
	}
	if (i >= len)
		return len;
	if (s[i] == ' ') {
		*skip = 1;
		return i;
	}
	if (last_space > 0 && last_space + 1 >= after_slash) {
		*skip = 1;
		return last_space;
	}
	if (after_slash > 0)
		return after_slash;
	return i > 0 ? i : len; /* a character wider than the column: as it is */
}

/* The next line of t (at most width columns) written; t moves past it. */
static struct shown take_line(struct shown *t, size_t width)
{
	size_t skip, n = line_break(t->text, t->len, width, &skip);
	struct shown line = { t->text, n, ms_display_width(t->text, n) };

	t->text += n + skip;
	t->len -= n + skip;
	return line;
}

/* "origin; used N kB (reason)", display-escaped, in from. */
static int from_text(struct render *r, const ms_acct_row *row, ms_buf *from)
{
	struct shown origin = ms_out_display_text(r, row->origin);
	int rc = ms_buf_append(from, origin.text, origin.len);

	if (rc == 0 && row->kind == MS_ACCT_AREA && row->used_kb != MS_NA)
		rc = ms_buf_printf(from, "; used %" PRId64 " kB", row->used_kb);
	if (rc == 0 && row->reason[0]) {
		struct shown why = ms_out_display_text(r, row->reason);
		rc = ms_buf_printf(from, " (%.*s)", (int)why.len, why.text);
	}
	return rc;
}

static void row_text(struct render *r, const ms_accounting *a, size_t i, ms_buf *from)
{
	const ms_acct_row *row = &a->rows[i];
	size_t indent = 2u * row->depth < LABEL_WIDTH - 8 ? 2u * row->depth : LABEL_WIDTH - 8;
	char share[16];
	struct shown label = ms_out_display_text(r, row->label), line;

	/* A label too long for its column takes lines of its own above. */
	while (label.width > LABEL_WIDTH - 1 - indent) {
		ms_out_spaces(r, indent);
		line = take_line(&label, TEXT_WIDTH - indent);
		ms_out_bytes(r, line.text, line.len);
		ms_out_put(r, "\n");
		if (!label.len)
			break;
		label.width = ms_display_width(label.text, label.len);
	}
	ms_out_spaces(r, indent);
	ms_out_bytes(r, label.text, label.len);
	ms_out_spaces(r, LABEL_WIDTH - indent - (label.len ? label.width : 0));
	ms_out_kb_text(r, row->kb, KB_WIDTH);
	share_text(share, sizeof share, ms_acct_share(a, i));
	ms_out_putf(r, " %*s  ", SHARE_WIDTH, share);

	ms_buf_reset(from);
	if (from_text(r, row, from) < 0 || !from->data) {
		r->status = r->status ? r->status : -ENOMEM;
		ms_out_put(r, "\n");
		return;
	}
	struct shown rest = { from->data, from->len, 0 };
	for (bool first = true; first || rest.len; first = false) {
		if (!first)
			ms_out_spaces(r, FROM_COL);
		line = take_line(&rest, FROM_WIDTH);
		ms_out_bytes(r, line.text, line.len);
		ms_out_put(r, "\n");
	}
}

static void memory_text(struct render *r, const ms_accounting *a)
{
	ms_buf from = MS_BUF_INIT;

	ms_out_putf(r, "%-*s %*s %*s  %s\n", LABEL_WIDTH - 1, "WHERE THE RAM WENT", KB_WIDTH,
		    "kB", SHARE_WIDTH, "SHARE", "FROM");
	for (size_t i = 0; i < a->n; i++) {
		if (i > 0 && a->rows[i].kind == MS_ACCT_AREA && a->rows[i].parent < 0)
			ms_out_put(r, "Areas (other rows' pages sit in them; not added):\n");
		row_text(r, a, i, &from);
	}
	ms_buf_free(&from);
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
