/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope fleet`'s output: the rows of many snapshots (src/model/fleet.c)
 * sorted and limited through the table code every view uses, as text that
 * fits 80 columns, CSV or JSON (doc/json.md "fleet").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/fleet.h"
#include "render.h"

#define TEXT_COLS 80

int ms_fleet_check_sort(const char *key, ms_error *err)
{
	return ms_tbl_check_sort(&ms_fleet_table, key, err);
}

static const ms_fleet_row *row_at(const struct rows *rs, size_t i)
{
	return (const ms_fleet_row *)(rs->data + i * rs->stride);
}

/* ---- text ------------------------------------------------------------------- */

static size_t title_width(const ms_column *c)
{
	return strlen(c->title);
}

static size_t declared_width(const ms_column *c)
{
	size_t w = c->width > 0 ? (size_t)c->width : 0;
	return w > title_width(c) ? w : title_width(c);
}

/* The columns text shows: every one, less those of the highest drop rank
 * until their declared widths fit the line (as the explorer's table
 * drops them). Returns how many; cols[] holds their indices in order. */
static size_t text_columns(const ms_table_def *t, size_t *cols)
{
	size_t n = 0;

	for (size_t c = 0; c < t->ncols && c < MAX_COLS; c++)
		cols[n++] = c;
	for (;;) {
		size_t total = n ? n - 1 : 0, victim = n;
		for (size_t i = 0; i < n; i++) {
			const ms_column *c = &t->cols[cols[i]];
			total += declared_width(c);
			if (c->drop_rank > 0 &&
			    (victim == n || c->drop_rank >= t->cols[cols[victim]].drop_rank))
				victim = i;
		}
		if (total <= TEXT_COLS || victim == n)
			return n;
		memmove(&cols[victim], &cols[victim + 1], (n - victim - 1) * sizeof *cols);
		n--;
	}
}

/* Bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const char *s, size_t len)
{
	size_t n = 1;

	while (n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Escaped text cut to width columns: its start and a '~', or, keep_end
 * (a path), a '~' and its end. */
static void clip(ms_buf *out, const char *s, size_t len, size_t width, bool keep_end)
{
	size_t w = 0, i = 0;

	if (ms_display_width(s, len) <= width || width < 2) {
		ms_buf_append(out, s, len);
		return;
	}
	if (!keep_end) {
		while (i < len) {
			size_t n = char_len(s + i, len - i);
			size_t cw = ms_display_width(s + i, n);
			if (w + cw > width - 1)
				break;
			w += cw;
			i += n;
		}
		ms_buf_append(out, s, i);
		ms_buf_putc(out, '~');
		return;
	}
	/* From the end: step back over whole characters. */
	size_t start = len;
	while (start > 0) {
		size_t b = start - 1;
		while (b > 0 && ((unsigned char)s[b] & 0xc0) == 0x80)
			b--;
		size_t cw = ms_display_width(s + b, start - b);
		if (w + cw > width - 1)
			break;
		w += cw;
		start = b;
	}
	ms_buf_putc(out, '~');
	ms_buf_append(out, s + start, len - start);
}

/* One cell as text into cell (reset first): numbers as every view shows
 * them, "-" when unknown; names escaped and cut to width. The PSS of a
 * machine with processes it could not read is marked '*'. */
static void text_cell(struct render *r, const ms_column *c, const ms_fleet_row *row,
		      size_t width, ms_buf *cell)
{
	char num[MS_CELL_MAX];

	ms_buf_reset(cell);
	if (c->kind != MS_COL_STR) {
		ms_buf_append(cell, num, ms_cell_format(c, row, NULL, r->o->plain_kb, num));
		if (strcmp(c->key, "pss_kb") == 0 && row->pss_unknown > 0)
			ms_buf_putc(cell, '*');
		return;
	}
	const char *s = c->get_str ? c->get_str(row, NULL) : NULL;
	if (!s || !*s) {
		ms_buf_putc(cell, '-');
		return;
	}
	struct shown sh = ms_out_display_text(r, s);
	clip(cell, sh.text, sh.len, width, c->keep_end);
}

/* Widths: a number's column as wide as its widest cell; a name's as its
 * widest cell but at first no wider than declared (it is cut); then the
 * room left on the line to the names that were cut, the source last (its
 * end, shown, tells captures apart). */
static void text_widths(struct render *r, const struct rows *rs, const size_t *cols, size_t n,
			size_t *width)
{
	const ms_table_def *t = rs->t;
	ms_buf cell = MS_BUF_INIT;
	size_t total = n ? n - 1 : 0, need[MAX_COLS];

	for (size_t i = 0; i < n; i++) {
		const ms_column *c = &t->cols[cols[i]];
		need[i] = title_width(c);
		for (size_t k = 0; k < rs->shown; k++) {
			if (row_at(rs, k)->error && i > 0)
				continue;
			text_cell(r, c, row_at(rs, k), SIZE_MAX / 2, &cell);
			size_t w = ms_display_width(cell.data ? cell.data : "", cell.len);
			need[i] = w > need[i] ? w : need[i];
		}
		bool cut = c->kind == MS_COL_STR && need[i] > declared_width(c);
		width[i] = cut ? declared_width(c) : need[i];
		total += width[i];
	}
	for (int keep_end = 0; keep_end < 2; keep_end++) {
		for (size_t i = 0; i < n && total < TEXT_COLS; i++) {
			if (t->cols[cols[i]].keep_end != (keep_end == 1) || need[i] <= width[i])
				continue;
			size_t more = need[i] - width[i];
			more = more < TEXT_COLS - total ? more : TEXT_COLS - total;
			width[i] += more;
			total += more;
		}
	}
	ms_buf_free(&cell);
}

static void put_padded(struct render *r, const ms_buf *cell, size_t width, bool left,
		       bool last)
{
	const char *s = cell->data ? cell->data : "";
	size_t w = ms_display_width(s, cell->len);
	size_t fill = w < width ? width - w : 0;

	if (!left)
		ms_out_spaces(r, fill);
	ms_out_bytes(r, s, cell->len);
	if (left && !last)
		ms_out_spaces(r, fill);
}

static void text_header(struct render *r, const ms_table_def *t, const size_t *cols, size_t n,
			const size_t *width)
{
	for (size_t i = 0; i < n; i++) {
		const ms_column *c = &t->cols[cols[i]];
		ms_buf title = MS_BUF_INIT;
		ms_buf_puts(&title, c->title);
		if (i)
			ms_out_put(r, " ");
		put_padded(r, &title, width[i], c->left, i + 1 == n);
		ms_buf_free(&title);
	}
	ms_out_put(r, "\n");
}

/* A row; one that could not be read is its source and its error. */
static void text_row(struct render *r, const ms_fleet_row *row, const ms_table_def *t,
		     const size_t *cols, size_t n, const size_t *width)
{
	ms_buf cell = MS_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const ms_column *c = &t->cols[cols[i]];
		if (i)
			ms_out_put(r, " ");
		if (row->error && i > 0) {
			ms_out_put(r, "error: ");
			ms_out_display(r, row->error, 0, true);
			break;
		}
		text_cell(r, c, row, width[i], &cell);
		put_padded(r, &cell, width[i], c->left, i + 1 == n);
	}
	ms_out_put(r, "\n");
	ms_buf_free(&cell);
}

static void text_notes(struct render *r, const struct rows *rs, const ms_fleet *f)
{
	size_t partial = 0, failed = ms_fleet_failed(f);

	for (size_t i = 0; i < f->n; i++)
		partial += f->rows[i].pss_unknown > 0;
	if (partial)
		ms_out_putf(r, "* PSS of some processes unreadable on %zu snapshot%s: a lower "
			       "bound\n", partial, partial == 1 ? "" : "s");
	if (rs->shown < rs->n)
		ms_out_putf(r, "(%zu of %zu snapshots shown)\n", rs->shown, rs->n);
	if (failed)
		ms_out_putf(r, "%zu of %zu snapshots could not be read\n", failed, f->n);
}

static void write_text(struct render *r, const struct rows *rs, const ms_fleet *f)
{
	size_t cols[MAX_COLS], width[MAX_COLS];
	size_t n = text_columns(rs->t, cols);

	text_widths(r, rs, cols, n, width);
	text_header(r, rs->t, cols, n, width);
	for (size_t i = 0; i < rs->shown; i++)
		text_row(r, row_at(rs, i), rs->t, cols, n, width);
	text_notes(r, rs, f);
}

/* ---- CSV and JSON ---------------------------------------------------------------- */

static void write_csv(struct render *r, const struct rows *rs)
{
	ms_tbl_csv_header(r, rs->t);
	for (size_t i = 0; i < rs->shown; i++)
		ms_tbl_csv_row(r, rs->t, row_at(rs, i), NULL);
}

/* Every column; a name the data does not give is null, as in the
 * single-snapshot views' "source". */
static void json_row(struct render *r, const ms_fleet_row *row)
{
	const ms_table_def *t = &ms_fleet_table;
	ms_json *j = &r->j;

	ms_json_obj_begin(j);
	for (size_t c = 0; c < t->ncols; c++) {
		const ms_column *col = &t->cols[c];
		if (col->kind == MS_COL_STR)
			ms_json_kv_str(j, col->key, col->get_str(row, NULL));
		else
			ms_json_kv_i64(j, col->key, ms_cell_i64(col, row, NULL));
	}
	ms_json_key(j, "pss_complete");
	if (row->pss_unknown == MS_NA)
		ms_json_null(j);
	else
		ms_json_bool(j, row->pss_unknown == 0);
	ms_json_key(j, "sample");
	if (row->sample_count == MS_NA) {
		ms_json_null(j);
	} else {
		ms_json_obj_begin(j);
		ms_json_kv_i64(j, "index", row->sample_index);
		ms_json_kv_i64(j, "count", row->sample_count);
		ms_json_obj_end(j);
	}
	ms_json_obj_end(j);
}

static void write_json(struct render *r, const struct rows *rs, const ms_fleet *f)
{
	ms_json_init(&r->j, r->out);
	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "schema", "memscope/1");
	ms_json_kv_str(&r->j, "view", "fleet");
	ms_json_kv_i64(&r->j, "count", (int64_t)f->n);
	ms_json_kv_i64(&r->j, "failed", (int64_t)ms_fleet_failed(f));
	ms_json_key(&r->j, "snapshots");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < rs->shown; i++)
		json_row(r, row_at(rs, i));
	ms_json_arr_end(&r->j);
	ms_json_obj_end(&r->j);
	ms_out_put(r, "\n");
}

int ms_fleet_write(const ms_batch_opts *o, const ms_fleet *f, FILE *to, ms_error *err)
{
	ms_buf out = MS_BUF_INIT;
	struct render r = { .o = o, .out = &out, .scratch = MS_BUF_INIT };
	struct rows rs;
	int rc = ms_tbl_rows_prepare(&rs, o, &ms_fleet_table, f->rows, f->n, sizeof *f->rows,
				     NULL, true, err);

	if (rc)
		return rc;
	if (o->format == MS_FORMAT_JSON)
		write_json(&r, &rs, f);
	else if (o->format == MS_FORMAT_CSV)
		write_csv(&r, &rs);
	else
		write_text(&r, &rs, f);
	rc = r.status;
	if (rc)
		ms_error_set(err, -rc, 0, "fleet: out of memory");
	else if (out.len && (fwrite(out.data, 1, out.len, to) != out.len || fflush(to) != 0)) {
		int e = errno ? errno : EIO;
		rc = ms_error_set(err, e, 0, "stdout: %s", strerror(e));
	}
	ms_tbl_rows_free(&rs);
	ms_buf_free(&r.scratch);
	ms_buf_free(&out);
	return rc;
}
