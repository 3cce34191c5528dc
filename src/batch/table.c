/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tables: sorted and limited rows, totals over every row, and their text
 * (each cell formatted once), CSV and JSON. Driven by the column
 * declarations of table.h, so that headers, keys and cells cannot drift
 * apart.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- tables -------------------------------------------------------------- */



static const void *row_at(const struct rows *rs, size_t i)
{
	return rs->data + i * rs->stride;
}

static void swap_bytes(char *a, char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* --reverse on a table kept in the kernel's order. */
static void reverse_rows(struct rows *rs)
{
	for (size_t i = 0, k = rs->n; i + 1 < k; i++, k--)
		swap_bytes(rs->data + i * rs->stride, rs->data + (k - 1) * rs->stride, rs->stride);
}

/* "--sort bogus: unknown key (valid: pid, user, ...)" */
static int unknown_sort_key(const ms_table_def *t, const char *key, ms_error *err)
{
	ms_buf keys = MS_BUF_INIT;

	for (size_t i = 0; i < t->ncols; i++)
		ms_buf_printf(&keys, "%s%s", i ? ", " : "", t->cols[i].key);
	ms_error_set(err, EINVAL, 0, "--sort %s: unknown key (valid: %s)", key,
		     keys.data ? keys.data : "");
	ms_buf_free(&keys);
	return -EINVAL;
}

int ms_tbl_check_sort(const ms_table_def *t, const char *key, ms_error *err)
{
	return !key || ms_table_find_col(t, key) >= 0 ? 0 : unknown_sort_key(t, key, err);
}

/* The column to sort on; -1 keeps the kernel's order (zones have no
 * default sort: DMA, DMA32, Normal... is an order no column gives). */
static int sort_col(const ms_batch_opts *o, const ms_table_def *t, int *col, ms_error *err)
{
	const char *key = o->sort ? o->sort : t->default_sort;

	*col = key ? ms_table_find_col(t, key) : -1;
	return key && *col < 0 ? unknown_sort_key(t, key, err) : 0;
}

static bool col_totals(const ms_column *c)
{
	return c->kind == MS_COL_KB && !c->no_total;
}

static bool has_totals(const ms_table_def *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]))
			return true;
	return false;
}

void ms_tbl_totals_init(struct totals *tot)
{
	for (size_t c = 0; c < MAX_COLS; c++)
		tot->sum[c] = MS_NA;
	tot->count = 0;
}

/* Adds one row's known figures: a row that lacks one hides nothing. */
void ms_tbl_totals_add(struct totals *tot, const ms_table_def *t, const void *row,
		       const void *ctx)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (!col_totals(&t->cols[c]))
			continue;
		int64_t v = ms_cell_i64(&t->cols[c], row, ctx);
		if (v != MS_NA)
			tot->sum[c] = tot->sum[c] == MS_NA ? v : ms_add_na(tot->sum[c], v);
	}
	tot->count++;
}

/* Sorts and limits the rows of a table. The sample is const, so its rows
 * are copied; rows the caller owns (a VMA list) are sorted in place, as
 * their getters find a row's strings by its index in the list. */
int ms_tbl_rows_prepare(struct rows *rs, const ms_batch_opts *o, const ms_table_def *t,
			const void *rows, size_t n, size_t stride, const void *ctx, bool copy,
			ms_error *err)
{
	int col;

	*rs = (struct rows){ .t = t, .ctx = ctx, .n = n, .stride = stride,
			     .data = (char *)rows };
	if (t->ncols > MAX_COLS)
		return ms_error_set(err, EINVAL, 0, "%s: more than %d columns", t->name, MAX_COLS);
	int rc = sort_col(o, t, &col, err);
	if (rc)
		return rc;
	if (copy && n) {
		if (n > SIZE_MAX / stride || !(rs->data = malloc(n * stride)))
			return ms_error_set(err, ENOMEM, 0, "%s: out of memory", t->name);
		memcpy(rs->data, rows, n * stride);
		rs->owned = true;
	}
	if (col >= 0)
		ms_table_sort(t, rs->data, n, stride, col, t->cols[col].descending != o->reverse,
			      ctx);
	else if (o->reverse)
		reverse_rows(rs);
	rs->shown = o->limit > 0 && (size_t)o->limit < n ? (size_t)o->limit : n;
	ms_tbl_totals_init(&rs->totals);
	for (size_t i = 0; i < n; i++)
		ms_tbl_totals_add(&rs->totals, t, row_at(rs, i), ctx);
	return 0;
}

void ms_tbl_rows_free(struct rows *rs)
{
	if (rs->owned)
		free(rs->data);
	rs->data = NULL;
}

static const char *cell_str(const ms_column *c, const void *row, const void *ctx)
{
	const char *s = ms_cell_str(c, row, ctx);
	return s ? s : "";
}

/* One cell of a text table, formatted into cell when it is a number. */
static struct shown text_cell(struct render *r, const ms_column *c, const void *row,
			      const void *ctx, char cell[MS_CELL_MAX])
{
	if (c->kind == MS_COL_STR) {
		const char *text = cell_str(c, row, ctx);
		/* unknown, as a number's */
		return ms_out_display_text(r, c->null_when_empty && !text[0] ? "-" : text);
	}
	size_t len = ms_cell_format(c, row, ctx, r->o->plain_kb, cell);
	return (struct shown){ cell, len, len };
}

static void put_sep(struct render *r, size_t c)
{
	if (c)
		ms_out_put(r, " ");
}

/* The last column shown, when left-aligned, is not padded: no trailing
 * blanks. pos is a place in the text order. */
static size_t pad_for(const ms_table_def *t, const size_t *order, size_t pos, const size_t *w)
{
	size_t c = order[pos];
	return pos + 1 == t->ncols && t->cols[c].left ? 0 : w[c];
}

/* ---- text tables: every cell formatted once ------------------------------- */

static void widths_init(const ms_table_def *t, size_t *width)
{
	for (size_t c = 0; c < t->ncols && c < MAX_COLS; c++) {
		size_t title = strlen(t->cols[c].title);
		width[c] = t->cols[c].width > 0 ? (size_t)t->cols[c].width : 0;
		if (title > width[c])
			width[c] = title;
	}
}

/* Widths start at the declared width, widened to the title. */
void ms_tbl_cells_init(struct cells *cs, const ms_table_def *t)
{
	*cs = (struct cells){ .t = t, .text = MS_BUF_INIT };
	if (t->ncols <= MAX_COLS)
		ms_table_text_order(t, cs->order);
	widths_init(t, cs->width);
}

void ms_tbl_cells_free(struct cells *cs)
{
	ms_buf_free(&cs->text);
	free(cs->len);
	cs->len = NULL;
}

/* Width in columns of an escaped cell (multi-byte UTF-8 may be narrower or
 * wider than its bytes). */
static size_t stored_width(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80)
			return ms_display_width(text, len);
	return len;
}

int ms_tbl_cells_add_row(struct render *r, struct cells *cs, const void *row, const void *ctx)
{
	const ms_table_def *t = cs->t;
	char cell[MS_CELL_MAX];

	if (cs->nrows == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		uint32_t *len = cap > SIZE_MAX / sizeof *len / t->ncols
					? NULL : realloc(cs->len, cap * t->ncols * sizeof *len);
		if (!len)
			return r->status = -ENOMEM;
		cs->len = len;
		cs->cap = cap;
	}
	uint32_t *lens = cs->len + cs->nrows * t->ncols;
	for (size_t pos = 0; pos < t->ncols; pos++) {
		size_t c = cs->order[pos];
		struct shown sh = text_cell(r, &t->cols[c], row, ctx, cell);
		if (sh.len > UINT32_MAX || ms_buf_append(&cs->text, sh.text, sh.len))
			return r->status = -ENOMEM;
		lens[pos] = (uint32_t)sh.len;
		if (sh.width > cs->width[c])
			cs->width[c] = sh.width;
	}
	cs->nrows++;
	return 0;
}

static size_t total_width(const struct render *r, int64_t total)
{
	char cell[MS_CELL_MAX];

	ms_format_kb(cell, sizeof cell, total, r->o->plain_kb);
	return strlen(cell);
}

/* The widths once every shown row is in: widened to the totals too, and
 * the first column to the totals row's label. */
static void widths_fit_totals(const struct render *r, const ms_table_def *t, const size_t *order,
			      size_t *width, const struct totals *tot, const char *label)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]) && total_width(r, tot->sum[c]) > width[c])
			width[c] = total_width(r, tot->sum[c]);
	if (has_totals(t) && width[order[0]] < strlen(label))
		width[order[0]] = strlen(label);
}

static void text_header(struct render *r, const ms_table_def *t, const size_t *order,
			const size_t *w)
{
	for (size_t pos = 0; pos < t->ncols; pos++) {
		const ms_column *col = &t->cols[order[pos]];
		put_sep(r, pos);
		ms_out_putf(r, col->left ? "%-*s" : "%*s", (int)pad_for(t, order, pos, w),
			    col->title);
	}
	ms_out_put(r, "\n");
}

static void text_totals(struct render *r, const ms_table_def *t, const size_t *order,
			const struct totals *tot, const size_t *w, const char *label)
{
	size_t last = 0;

	if (!has_totals(t))
		return;
	for (size_t pos = 0; pos < t->ncols; pos++)
		if (col_totals(&t->cols[order[pos]]))
			last = pos;
	for (size_t pos = 0; pos <= last && pos < t->ncols; pos++) {
		size_t c = order[pos];
		const ms_column *col = &t->cols[c];
		put_sep(r, pos);
		if (col_totals(col))
			ms_out_kb_text(r, tot->sum[c], w[c]);
		else
			ms_out_putf(r, col->left ? "%-*s" : "%*s", (int)w[c], pos == 0 ? label : "");
	}
	ms_out_put(r, "\n");
}

/* One row from its cells, padded, in one go: room for the widest row is
 * made once, then the bytes are copied (60,000 rows of 13 cells). Returns
 * the text of the next row. */
static const char *write_row_cells(struct render *r, const ms_table_def *t, const size_t *order,
				   const size_t *width, const char *text, const uint32_t *lens)
{
	size_t room = 0;

	for (size_t pos = 0; pos < t->ncols; pos++)
		room += 1 + lens[pos] + width[order[pos]];
	if (ms_buf_reserve(r->out, room)) {
		r->status = -ENOMEM;
		return text;
	}
	char *p = r->out->data + r->out->len;
	for (size_t pos = 0; pos < t->ncols; pos++) {
		const ms_column *col = &t->cols[order[pos]];
		size_t len = lens[pos], pad = pad_for(t, order, pos, width);
		size_t w = col->kind == MS_COL_STR ? stored_width(text, len) : len;
		size_t fill = w < pad ? pad - w : 0;
		if (pos)
			*p++ = ' ';
		if (!col->left)
			p = (char *)memset(p, ' ', fill) + fill;
		p = (char *)memcpy(p, text, len) + len;
		if (col->left)
			p = (char *)memset(p, ' ', fill) + fill;
		text += len;
	}
	r->out->len = (size_t)(p - r->out->data);
	r->out->data[r->out->len] = '\0';
	return text;
}

/* Header, the rows from their cells, totals. rs and note give each row's
 * note; rs is NULL for rows that were written as they were read. */
void ms_tbl_cells_write(struct render *r, struct cells *cs, const struct totals *tot,
			const struct rows *rs, row_note_fn note)
{
	const ms_table_def *t = cs->t;
	const char *text = cs->text.data ? cs->text.data : "";

	widths_fit_totals(r, t, cs->order, cs->width, tot, "TOTAL");
	text_header(r, t, cs->order, cs->width);
	for (size_t i = 0; i < cs->nrows && !r->status; i++) {
		text = write_row_cells(r, t, cs->order, cs->width, text, cs->len + i * t->ncols);
		ms_out_flush(r, false);
		const char *extra = rs && note ? note(row_at(rs, i)) : NULL;
		if (extra)
			ms_out_putf(r, "  %s", extra);
		ms_out_put(r, "\n");
	}
	text_totals(r, t, cs->order, tot, cs->width, "TOTAL");
	if (cs->nrows < tot->count)
		ms_out_putf(r, "(%zu of %zu rows shown; totals cover all %zu)\n", cs->nrows, tot->count,
			    tot->count);
}

void ms_tbl_text(struct render *r, const struct rows *rs, row_note_fn note)
{
	struct cells cs;

	ms_tbl_cells_init(&cs, rs->t);
	for (size_t i = 0; i < rs->shown; i++)
		if (ms_tbl_cells_add_row(r, &cs, row_at(rs, i), rs->ctx))
			break;
	if (!r->status)
		ms_tbl_cells_write(r, &cs, &rs->totals, rs, note);
	ms_tbl_cells_free(&cs);
}

/* ---- text tables written row by row ------------------------------------------ */

void ms_tbl_stream_init(struct text_stream *ts, const ms_table_def *t)
{
	*ts = (struct text_stream){ .t = t };
	if (t->ncols <= MAX_COLS)
		ms_table_text_order(t, ts->order);
	widths_init(t, ts->width);
	snprintf(ts->label, sizeof ts->label, "TOTAL");
}

void ms_tbl_stream_fit(struct render *r, struct text_stream *ts, const void *row,
		       const void *ctx)
{
	char cell[MS_CELL_MAX];

	for (size_t c = 0; c < ts->t->ncols; c++) {
		struct shown sh = text_cell(r, &ts->t->cols[c], row, ctx, cell);
		if (sh.width > ts->width[c])
			ts->width[c] = sh.width;
	}
}

void ms_tbl_stream_header(struct render *r, const struct text_stream *ts)
{
	size_t width[MAX_COLS];

	memcpy(width, ts->width, sizeof width);
	if (has_totals(ts->t) && width[ts->order[0]] < strlen(ts->label))
		width[ts->order[0]] = strlen(ts->label);
	text_header(r, ts->t, ts->order, width);
}

/* Each cell formatted and padded as it comes: nothing is kept. */
void ms_tbl_stream_row(struct render *r, struct text_stream *ts, const void *row,
		       const void *ctx)
{
	const ms_table_def *t = ts->t;
	char cell[MS_CELL_MAX];

	if (has_totals(t) && ts->width[ts->order[0]] < strlen(ts->label))
		ts->width[ts->order[0]] = strlen(ts->label);
	for (size_t pos = 0; pos < t->ncols && !r->status; pos++) {
		size_t c = ts->order[pos];
		const ms_column *col = &t->cols[c];
		struct shown sh = text_cell(r, col, row, ctx, cell);
		if (sh.width > ts->width[c] && !(pos + 1 == t->ncols && col->left))
			ts->width[c] = sh.width; /* wider from here on */
		size_t pad = pad_for(t, ts->order, pos, ts->width);
		size_t fill = sh.width < pad ? pad - sh.width : 0;
		/* One append per cell, its blanks with it (13 cells a row,
		 * 60,000 rows). */
		if (ms_buf_reserve(r->out, 2 + fill + sh.len)) {
			r->status = -ENOMEM;
			break;
		}
		char *p = r->out->data + r->out->len;
		bool last = pos + 1 == t->ncols;
		if (pos && !(last && col->left && sh.len == 0)) /* no trailing blank */
			*p++ = ' ';
		if (!col->left)
			p = (char *)memset(p, ' ', fill) + fill;
		p = (char *)memcpy(p, sh.text, sh.len) + sh.len;
		if (col->left)
			p = (char *)memset(p, ' ', fill) + fill;
		if (last)
			*p++ = '\n';
		r->out->len = (size_t)(p - r->out->data);
		r->out->data[r->out->len] = '\0';
	}
	ms_out_flush(r, false);
}

void ms_tbl_stream_totals(struct render *r, const struct text_stream *ts,
			  const struct totals *tot)
{
	text_totals(r, ts->t, ts->order, tot, ts->width, ts->label);
}

void ms_tbl_csv_header(struct render *r, const ms_table_def *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		ms_out_put(r, c ? "," : "");
		ms_out_put(r, t->cols[c].key);
	}
	ms_out_put(r, "\r\n");
}

void ms_tbl_csv_row(struct render *r, const ms_table_def *t, const void *row, const void *ctx)
{
	char cell[MS_CELL_MAX];

	for (size_t c = 0; c < t->ncols; c++) {
		const ms_column *col = &t->cols[c];
		ms_out_put(r, c ? "," : "");
		if (col->kind == MS_COL_STR)
			ms_out_csv_field(r, cell_str(col, row, ctx));
		else if (col->kind == MS_COL_HEX)
			ms_out_bytes(r, cell, ms_cell_format(col, row, ctx, false, cell));
		else
			ms_out_i64_csv(r, ms_cell_i64(col, row, ctx));
	}
	ms_out_put(r, "\r\n");
}

static void table_csv(struct render *r, const struct rows *rs)
{
	ms_tbl_csv_header(r, rs->t);
	for (size_t i = 0; i < rs->shown; i++) {
		ms_tbl_csv_row(r, rs->t, row_at(rs, i), rs->ctx);
		ms_out_flush(r, false);
	}
}

void ms_tbl_json_cell(struct render *r, const ms_column *c, const void *row, const void *ctx)
{
	char cell[MS_CELL_MAX];

	ms_json_key(&r->j, c->key);
	switch (c->kind) {
	case MS_COL_STR: {
		const char *text = ms_cell_str(c, row, ctx);
		ms_json_str(&r->j, c->null_when_empty && !text[0] ? NULL : text);
		return;
	}
	case MS_COL_HEX:
		ms_json_strn(&r->j, cell, ms_cell_format(c, row, ctx, false, cell));
		return;
	default:
		ms_json_i64(&r->j, ms_cell_i64(c, row, ctx));
		return;
	}
}

void ms_tbl_json_row(struct render *r, const ms_table_def *t, const void *row, const void *ctx,
		     row_extra_fn extra)
{
	ms_json_obj_begin(&r->j);
	for (size_t c = 0; c < t->ncols; c++)
		ms_tbl_json_cell(r, &t->cols[c], row, ctx);
	if (extra)
		extra(r, row);
	ms_json_obj_end(&r->j);
}

void ms_tbl_json_rows(struct render *r, const char *key, const struct rows *rs,
		      row_extra_fn extra)
{
	ms_json_key(&r->j, key);
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < rs->shown; i++) {
		ms_tbl_json_row(r, rs->t, row_at(rs, i), rs->ctx, extra);
		ms_out_flush(r, false);
	}
	ms_json_arr_end(&r->j);
}

void ms_tbl_json_totals_of(struct render *r, const char *key, const ms_table_def *t,
			   const struct totals *tot)
{
	ms_json_key(&r->j, key);
	ms_json_obj_begin(&r->j);
	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]))
			ms_json_kv_i64(&r->j, t->cols[c].key, tot->sum[c]);
	ms_json_kv_i64(&r->j, "count", (int64_t)tot->count);
	ms_json_obj_end(&r->j);
}

void ms_tbl_json_totals(struct render *r, const char *key, const struct rows *rs)
{
	ms_tbl_json_totals_of(r, key, rs->t, &rs->totals);
}

/* ---- one table view, in the format asked for ------------------------------ */

void ms_tbl_view_text(struct render *r, const struct rows *rs, const struct table_view *v,
		       const void *ctx)
{
	if (v->text_head)
		v->text_head(r, rs, ctx);
	ms_tbl_text(r, rs, v->note);
	if (v->text_tail)
		v->text_tail(r);
}

void ms_tbl_write_view(struct render *r, const struct rows *rs, const struct table_view *v,
		       const void *ctx)
{
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		ms_tbl_view_text(r, rs, v, ctx);
		break;
	case MS_FORMAT_CSV:
		table_csv(r, rs);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, v->name);
		if (v->json_head)
			v->json_head(r, ctx);
		ms_tbl_json_rows(r, v->rows_key, rs, v->extra);
		if (v->totals)
			ms_tbl_json_totals(r, "totals", rs);
		if (v->json_tail)
			v->json_tail(r);
		ms_out_json_end(r);
		break;
	}
}

/* ---- table views of the sample ------------------------------------------------ */

int ms_tbl_render(struct render *r, const struct table_view *v, ms_error *err)
{
	struct rows rs;
	int rc = v->prepare(&rs, r, err);

	if (rc)
		return rc;
	ms_tbl_write_view(r, &rs, v, NULL);
	ms_tbl_rows_free(&rs);
	return 0;
}

void ms_tbl_report_text(struct render *r, const struct table_view *v)
{
	struct rows rs;
	ms_error ignored;

	if (v->prepare(&rs, r, &ignored))
		return;
	ms_tbl_view_text(r, &rs, v, NULL);
	ms_tbl_rows_free(&rs);
}

/* "processes": [...], "process_totals": {...}, null both when the part
 * could not be read. */
void ms_tbl_report_json(struct render *r, const struct table_view *v, bool ok)
{
	struct rows rs;
	ms_error ignored;

	ok = ok && v->prepare(&rs, r, &ignored) == 0;
	if (ok) {
		ms_tbl_json_rows(r, v->rows_key, &rs, v->extra);
	} else {
		ms_json_key(&r->j, v->rows_key);
		ms_json_null(&r->j);
	}
	if (v->report_totals_key) {
		if (ok) {
			ms_tbl_json_totals(r, v->report_totals_key, &rs);
		} else {
			ms_json_key(&r->j, v->report_totals_key);
			ms_json_null(&r->j);
		}
	}
	if (ok)
		ms_tbl_rows_free(&rs);
}
