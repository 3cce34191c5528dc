/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table widget (include/memscope/widget.h): one implementation of
 * header, scrolling, selection, sorting, filtering and narrow-terminal
 * column dropping for every table pane.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/widget.h"

void ms_tablew_init(ms_tablew *w, const ms_table_def *def, const char *filter_key1,
		    const char *filter_key2)
{
	memset(w, 0, sizeof(*w));
	w->def = def;
	w->sort_col = def->default_sort ? ms_table_find_col(def, def->default_sort) : -1;
	w->descending = w->sort_col >= 0 && def->cols[w->sort_col].descending;
	w->filter_cols[0] = filter_key1 ? ms_table_find_col(def, filter_key1) : -1;
	w->filter_cols[1] = filter_key2 ? ms_table_find_col(def, filter_key2) : -1;
}

void ms_tablew_free(ms_tablew *w)
{
	free(w->rows);
	free(w->shown);
	w->rows = NULL;
	w->shown = NULL;
	w->n = w->cap = 0;
	w->src = NULL;
	w->nsrc = 0;
}

static const void *row_at(const ms_tablew *w, size_t i)
{
	return w->shown[i];
}

static bool is_note(const ms_tablew *w, const void *row)
{
	return w->note && w->note(row, w->ctx, NULL);
}

static bool passes_filter(const ms_tablew *w, const void *row)
{
	if (!w->filter[0])
		return true;
	if (is_note(w, row))
		return false; /* a gap matches no name */
	for (size_t k = 0; k < MS_ARRAY_LEN(w->filter_cols); k++) {
		int c = w->filter_cols[k];
		if (c < 0)
			continue;
		const char *s = ms_cell_str(&w->def->cols[c], row, w->ctx);
		if (s && strcasestr(s, w->filter))
			return true;
	}
	return false;
}

/* The identity of a row, to find it again after a refresh re-sorted it:
 * its tie-break cell ("" for a note row). */
static void row_key(const ms_tablew *w, const void *row, char *dst, size_t cap)
{
	int c = w->def->tie_break ? ms_table_find_col(w->def, w->def->tie_break) : -1;
	ms_buf b = MS_BUF_INIT;
	dst[0] = '\0';
	if (c >= 0 && !is_note(w, row) &&
	    ms_tablew_format_cell(&w->def->cols[c], row, w->ctx, true, &b) == 0)
		snprintf(dst, cap, "%s", b.data ? b.data : "");
	ms_buf_free(&b);
}

/* Called whenever the selection moves, while its row is valid: the rows
 * of a fixed-order table may be gone by the time new ones are given. */
static void note_selection(ms_tablew *w)
{
	w->sel_key[0] = '\0';
	if (w->n > 0 && w->sel < w->n)
		row_key(w, row_at(w, w->sel), w->sel_key, sizeof w->sel_key);
}

static void restore_selection(ms_tablew *w)
{
	char key[sizeof w->sel_key];
	for (size_t i = 0; w->sel_key[0] && i < w->n; i++) {
		row_key(w, row_at(w, i), key, sizeof key);
		if (strcmp(key, w->sel_key) == 0) {
			w->sel = i;
			return;
		}
	}
	if (w->sel >= w->n)
		w->sel = w->n ? w->n - 1 : 0;
	note_selection(w);
}

static size_t row_size(const ms_tablew *w)
{
	return w->src_ptrs ? sizeof(void *) : w->stride;
}

static int reserve(ms_tablew *w)
{
	bool copies = !w->fixed_order;
	if (w->nsrc <= w->cap)
		return 0;
	if (w->nsrc > SIZE_MAX / (w->stride > sizeof(void *) ? w->stride : sizeof(void *)))
		return -ENOMEM;
	char *rows = copies ? malloc(w->nsrc * w->stride) : NULL;
	const void **shown = malloc(w->nsrc * sizeof(*shown));
	if ((copies && !rows) || !shown) {
		free(rows);
		free(shown);
		return -ENOMEM;
	}
	free(w->rows);
	free(w->shown);
	w->rows = rows;
	w->shown = shown;
	w->cap = w->nsrc;
	return 0;
}

static const void *src_row(const ms_tablew *w, size_t i)
{
	if (w->src_ptrs)
		return w->src_ptrs[i];
	return (const char *)w->src + i * row_size(w);
}

/* Hex columns take the digits of their largest value (at least 8, as
 * ms_cell_format prints them), over every row given, so that a filter
 * does not make them jump. */
static void fit_hex_columns(ms_tablew *w)
{
	for (size_t c = 0; c < w->def->ncols && c < MS_TABLEW_MAX_COLS; c++) {
		const ms_column *col = &w->def->cols[c];
		uint64_t max = 0;
		w->fit[c] = 0;
		if (col->kind != MS_COL_HEX || w->nsrc == 0)
			continue;
		for (size_t i = 0; i < w->nsrc; i++) {
			const void *row = src_row(w, i);
			uint64_t v = is_note(w, row) ? 0 : ms_cell_u64(col, row, w->ctx);
			if (v > max)
				max = v;
		}
		int digits = 8;
		while (digits < 16 && (max >> (4 * digits)) != 0)
			digits++;
		w->fit[c] = digits;
	}
}

/* Sorted tables show sorted copies of the rows (ms_table_sort sorts an
 * array); tables in a fixed order show the rows given, where a column may
 * find a row's place in its list (the VMA paths). */
static int rebuild(ms_tablew *w)
{
	w->n = 0;
	if (reserve(w) != 0)
		return -ENOMEM;
	fit_hex_columns(w);
	for (size_t i = 0; i < w->nsrc; i++) {
		const void *row = src_row(w, i);
		if (!passes_filter(w, row))
			continue;
		if (w->fixed_order)
			w->shown[w->n++] = row;
		else
			memcpy(w->rows + w->n++ * w->stride, row, w->stride);
	}
	if (!w->fixed_order) {
		if (w->sort_col >= 0 && w->n > 1)
			ms_table_sort(w->def, w->rows, w->n, w->stride, w->sort_col,
				      w->descending, w->ctx);
		for (size_t i = 0; i < w->n; i++)
			w->shown[i] = w->rows + i * w->stride;
	}
	restore_selection(w);
	return 0;
}

int ms_tablew_set_rows(ms_tablew *w, const void *rows, size_t n, size_t stride,
		       const void *ctx)
{
	w->src = rows;
	w->src_ptrs = NULL;
	w->nsrc = rows ? n : 0;
	w->stride = stride;
	w->ctx = ctx;
	return rebuild(w);
}

int ms_tablew_set_row_ptrs(ms_tablew *w, const void *const *rows, size_t n, size_t stride,
			   const void *ctx)
{
	if (!w->fixed_order)
		return -EINVAL; /* sorting needs the rows side by side */
	w->src = NULL;
	w->src_ptrs = rows;
	w->nsrc = rows ? n : 0;
	w->stride = stride;
	w->ctx = ctx;
	return rebuild(w);
}

int ms_tablew_set_filter(ms_tablew *w, const char *filter)
{
	snprintf(w->filter, sizeof w->filter, "%s", filter ? filter : "");
	return rebuild(w);
}

int ms_tablew_set_sort(ms_tablew *w, int col, bool descending)
{
	if (col < 0 || (size_t)col >= w->def->ncols || w->fixed_order)
		return -EINVAL;
	w->sort_col = col;
	w->descending = descending;
	return rebuild(w);
}

static void move_sel(ms_tablew *w, long delta)
{
	if (w->n == 0)
		return;
	long s = (long)w->sel + delta;
	if (s < 0)
		s = 0;
	if ((size_t)s >= w->n)
		s = (long)w->n - 1;
	w->sel = (size_t)s;
	note_selection(w);
}

static void next_sort(ms_tablew *w, int step)
{
	int n = (int)w->def->ncols;
	int c = ((w->sort_col < 0 ? 0 : w->sort_col) + step + n) % n;
	ms_tablew_set_sort(w, c, w->def->cols[c].descending);
}

bool ms_tablew_key(ms_tablew *w, int key)
{
	long page = w->page > 1 ? w->page - 1 : 1;
	switch (key) {
	case MS_KEY_UP: move_sel(w, -1); return true;
	case MS_KEY_DOWN: move_sel(w, 1); return true;
	case MS_KEY_PGUP: move_sel(w, -page); return true;
	case MS_KEY_PGDN: move_sel(w, page); return true;
	case MS_KEY_HOME: move_sel(w, -(long)w->n); return true;
	case MS_KEY_END: move_sel(w, (long)w->n); return true;
	}
	if (w->fixed_order)
		return false;
	switch (key) {
	case '>': case MS_KEY_F6: next_sort(w, 1); return true;
	case '<': next_sort(w, -1); return true;
	case 'r': ms_tablew_set_sort(w, w->sort_col, !w->descending); return true;
	}
	return false;
}

const void *ms_tablew_selected(const ms_tablew *w)
{
	return w->n ? row_at(w, w->sel) : NULL;
}

size_t ms_tablew_count(const ms_tablew *w)
{
	return w->n;
}

/* A column's width: what its rows need where that is known (fit), else
 * the declared width, and never narrower than its title. */
static int col_width(const ms_table_def *def, const int *fit, int c)
{
	const ms_column *col = &def->cols[c];
	int t = (int)strlen(col->title);
	int w = fit && fit[c] > 0 ? fit[c] : col->width;
	return w > t ? w : t;
}

/* Index (into idx) of the widest left-aligned text column: it takes the
 * spare room, as a command line or a path wants it. */
static int flex_column(const ms_table_def *def, const int *fit, const int *idx, int n)
{
	int best = -1;
	for (int i = 0; i < n; i++) {
		const ms_column *c = &def->cols[idx[i]];
		if (c->kind == MS_COL_STR && c->left &&
		    (best < 0 || col_width(def, fit, idx[i]) >= col_width(def, fit, idx[best])))
			best = i;
	}
	return best;
}

/* The column with the highest drop rank goes; never the one the rows are
 * sorted on (keep; -1 for none): the order must show why. */
static int drop_one(const ms_table_def *def, int *idx, int n, int keep)
{
	int victim = -1;
	for (int i = 0; i < n; i++) {
		int rank = def->cols[idx[i]].drop_rank;
		if (idx[i] == keep)
			continue;
		if (rank > 0 && (victim < 0 || rank >= def->cols[idx[victim]].drop_rank))
			victim = i;
	}
	if (victim < 0)
		return n;
	memmove(&idx[victim], &idx[victim + 1], (size_t)(n - victim - 1) * sizeof(int));
	return n - 1;
}

static int layout(const ms_table_def *def, const int *fit, int cols, int keep, int *idx,
		  int *width)
{
	size_t order[MS_TABLEW_MAX_COLS];
	int n = 0;
	if (def->ncols > MS_TABLEW_MAX_COLS)
		return 0;
	ms_table_text_order(def, order);
	for (size_t i = 0; i < def->ncols; i++)
		idx[n++] = (int)order[i];
	for (;;) {
		int total = n > 0 ? n - 1 : 0;
		for (int i = 0; i < n; i++)
			total += col_width(def, fit, idx[i]);
		if (total <= cols) {
			for (int i = 0; i < n; i++)
				width[i] = col_width(def, fit, idx[i]);
			int flex = flex_column(def, fit, idx, n);
			if (flex >= 0)
				width[flex] += cols - total;
			return n;
		}
		int left = drop_one(def, idx, n, keep);
		if (left == n) { /* only columns that are never dropped: clip */
			for (int i = 0; i < n; i++)
				width[i] = col_width(def, fit, idx[i]);
			return n;
		}
		n = left;
	}
}

int ms_tablew_layout(const ms_table_def *def, int cols, int *idx, int *width)
{
	return layout(def, NULL, cols, -1, idx, width);
}

static bool all_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

void ms_elide_middle(const char *text, size_t len, int width, ms_buf *out)
{
	static const char dots[] = "...";
	const size_t ndots = sizeof dots - 1;

	ms_buf_reset(out);
	/* Escaped text of other scripts: cut from the right, as before. */
	if (width <= 0 || (size_t)width >= len || !all_ascii(text, len) ||
	    (size_t)width <= ndots + 1) {
		ms_buf_append(out, text, len);
		return;
	}
	const char *slash = memrchr(text, '/', len);
	size_t name = slash ? len - (size_t)(slash - text) : 0;
	size_t room = (size_t)width - ndots;
	if (name > 0 && name < room) { /* "/lib/...ynload" + "/unicodedata.so" */
		ms_buf_append(out, text, room - name);
		ms_buf_append(out, dots, ndots);
		ms_buf_append(out, text + len - name, name);
	} else if (name > 0) { /* the name alone is too long: its start */
		ms_buf_append(out, dots, ndots);
		ms_buf_append(out, text + len - name, room);
	} else { /* no name: both ends */
		ms_buf_append(out, text, room - room / 2);
		ms_buf_append(out, dots, ndots);
		ms_buf_append(out, text + len - room / 2, room / 2);
	}
}

int ms_tablew_format_cell(const ms_column *c, const void *row, const void *ctx, bool plain_kb,
			  ms_buf *out)
{
	char cell[MS_CELL_MAX];

	ms_buf_reset(out);
	if (c->kind == MS_COL_STR) {
		const char *s = ms_cell_str(c, row, ctx);
		if (c->null_when_empty && !s[0])
			s = "-"; /* unknown, as a number's */
		return ms_buf_puts(out, "") ? -ENOMEM : ms_escape_display(out, s, strlen(s));
	}
	return ms_buf_append(out, cell, ms_cell_format(c, row, ctx, plain_kb, cell));
}

/* Draws text in a cell of width w: numbers to the right, text to the left,
 * cut at w either way. */
static void draw_cell(ms_screen *s, int row, int col, int w, bool left, ms_attr attr,
		      const char *text, size_t len)
{
	int tw = (int)ms_display_width(text, len);
	int pad = left || tw >= w ? 0 : w - tw;
	ms_screen_put(s, row, col + pad, w - pad, attr, text, len);
}

static void draw_titles(const ms_tablew *w, ms_screen *s, ms_rect r, const int *idx,
			const int *width, int n)
{
	ms_screen_fill(s, r.row, r.col, r.cols, ' ', MS_ATTR_COLHEAD);
	int x = r.col;
	for (int i = 0; i < n && x < r.col + r.cols; i++) {
		const ms_column *c = &w->def->cols[idx[i]];
		bool sorted = !w->fixed_order && idx[i] == w->sort_col;
		draw_cell(s, r.row, x, width[i], c->left, sorted ? MS_ATTR_SORTED : MS_ATTR_COLHEAD,
			  c->title, strlen(c->title));
		x += width[i] + 1;
	}
}

static void draw_row(const ms_tablew *w, ms_screen *s, int y, ms_rect r, const void *row,
		     const int *idx, const int *width, int n, ms_attr attr, ms_buf *cell,
		     ms_buf *elided)
{
	ms_screen_fill(s, y, r.col, r.cols, ' ', attr);
	if (w->note && w->note(row, w->ctx, cell)) {
		ms_screen_put(s, y, r.col, r.cols, attr == MS_ATTR_NORMAL ? MS_ATTR_DIM : attr,
			      cell->data ? cell->data : "", cell->len);
		return;
	}
	int x = r.col;
	bool labelled = false; /* a totals row says so in its first text column */
	for (int i = 0; i < n && x < r.col + r.cols; i++) {
		const ms_column *c = &w->def->cols[idx[i]];
		int cw = width[i] < r.col + r.cols - x ? width[i] : r.col + r.cols - x;
		bool blank = attr == MS_ATTR_TOTAL && c->no_total;
		if (blank && !labelled && c->kind == MS_COL_STR && c->left) {
			draw_cell(s, y, x, cw, true, attr, "TOTAL", 5);
			labelled = true;
		} else if (!blank &&
			   ms_tablew_format_cell(c, row, w->ctx, w->plain_kb, cell) == 0) {
			const char *text = cell->data ? cell->data : "";
			size_t len = cell->len;
			if (c->keep_end && (int)ms_display_width(text, len) > cw) {
				ms_elide_middle(text, len, cw, elided);
				text = elided->data ? elided->data : "";
				len = elided->len;
			}
			draw_cell(s, y, x, cw, c->left, attr, text, len);
		}
		x += width[i] + 1;
	}
}

static void scroll_to_selection(ms_tablew *w, int visible)
{
	if (visible < 1)
		visible = 1;
	if (w->sel < w->top)
		w->top = w->sel;
	if (w->sel >= w->top + (size_t)visible)
		w->top = w->sel - (size_t)visible + 1;
	/* no empty room at the bottom when rows could fill it */
	if (w->n > (size_t)visible && w->top > w->n - (size_t)visible)
		w->top = w->n - (size_t)visible;
	if (w->n <= (size_t)visible)
		w->top = 0;
}

void ms_tablew_draw(ms_tablew *w, ms_screen *s, ms_rect r, const void *total)
{
	int idx[MS_TABLEW_MAX_COLS], width[MS_TABLEW_MAX_COLS];
	if (r.rows < 1 || r.cols < 1)
		return;
	int n = layout(w->def, w->fit, r.cols, w->sort_col, idx, width);
	draw_titles(w, s, r, idx, width, n);
	int visible = r.rows - 1 - (total ? 1 : 0);
	w->page = visible;
	scroll_to_selection(w, visible);
	ms_buf cell = MS_BUF_INIT, elided = MS_BUF_INIT;
	for (int i = 0; i < visible && w->top + (size_t)i < w->n; i++) {
		size_t k = w->top + (size_t)i;
		ms_attr a = MS_ATTR_NORMAL;
		if (k == w->sel)
			a = MS_ATTR_SELECTED;
		else if (w->row_attr)
			a = w->row_attr(row_at(w, k), w->ctx);
		draw_row(w, s, r.row + 1 + i, r, row_at(w, k), idx, width, n, a, &cell, &elided);
	}
	if (total && r.rows >= 2)
		draw_row(w, s, r.row + r.rows - 1, r, total, idx, width, n, MS_ATTR_TOTAL, &cell,
			 &elided);
	ms_buf_free(&cell);
	ms_buf_free(&elided);
}
