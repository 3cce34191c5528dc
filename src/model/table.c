/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading, sorting and formatting the cells of a table declared in
 * columns.c. The sort has one rule for every table: the chosen column in
 * the chosen direction, ties by the table's tie-break column ascending, and
 * MS_NA after every known value whatever the direction (an unknown figure
 * is never "the largest" nor "the smallest").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memscope/table.h"

/* Words users type for --sort that are not keys. */
static const struct {
	const char *alias;
	const char *key;
} col_aliases[] = {
	{ "comm", "name" },
	{ "command", "cmdline" },
	{ "cmd", "cmdline" },
	{ "uid", "user" },
	{ "objs", "num_objs" },
	{ "active", "active_objs" },
	{ "slabs", "num_slabs" },
	{ "free", "free_pages" },
	{ "addr", "start" },
};

static int find_exact(const ms_table_def *t, const char *key)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].key, key) == 0)
			return (int)i;
	return -1;
}

int ms_table_find_col(const ms_table_def *t, const char *key)
{
	char with_kb[64];
	int col;

	if (!t || !key || !*key)
		return -1;
	col = find_exact(t, key);
	if (col >= 0)
		return col;
	if (snprintf(with_kb, sizeof with_kb, "%s_kb", key) < (int)sizeof with_kb) {
		col = find_exact(t, with_kb);
		if (col >= 0)
			return col;
	}
	for (size_t i = 0; i < MS_ARRAY_LEN(col_aliases); i++)
		if (strcasecmp(col_aliases[i].alias, key) == 0)
			return find_exact(t, col_aliases[i].key);
	return -1;
}

static const void *field_at(const void *row, size_t offset)
{
	return (const char *)row + offset;
}

int64_t ms_cell_i64(const ms_column *c, const void *row, const void *ctx)
{
	if (c->get_i64)
		return c->get_i64(row, ctx);
	switch (c->kind) {
	case MS_COL_INT:
	case MS_COL_KB:
	case MS_COL_PCT:
		return *(const int64_t *)field_at(row, c->offset);
	case MS_COL_HEX: {
		uint64_t v = *(const uint64_t *)field_at(row, c->offset);
		return v > INT64_MAX ? MS_NA : (int64_t)v;
	}
	default:
		return MS_NA;
	}
}

uint64_t ms_cell_u64(const ms_column *c, const void *row, const void *ctx)
{
	if (c->kind == MS_COL_HEX && !c->get_i64)
		return *(const uint64_t *)field_at(row, c->offset);
	return (uint64_t)ms_cell_i64(c, row, ctx);
}

/* Never NULL: a missing string reads as "". */
const char *ms_cell_str(const ms_column *c, const void *row, const void *ctx)
{
	const char *s;

	if (c->get_str)
		s = c->get_str(row, ctx);
	else if (c->kind != MS_COL_STR)
		s = NULL;
	else if (c->str_inline)
		s = field_at(row, c->offset);
	else
		s = *(const char *const *)field_at(row, c->offset);
	return s ? s : "";
}

/* ---- sorting --------------------------------------------------------------- */

struct sort_ctx {
	const ms_column *col;
	const ms_column *tie;
	bool descending;
	const void *ctx;
};

static int cmp_i64_na_last(int64_t a, int64_t b, bool descending)
{
	if (a == b)
		return 0;
	if (a == MS_NA)
		return 1;
	if (b == MS_NA)
		return -1;
	int r = a < b ? -1 : 1;
	return descending ? -r : r;
}

static int cmp_u64(uint64_t a, uint64_t b, bool descending)
{
	int r = a < b ? -1 : a > b ? 1 : 0;
	return descending ? -r : r;
}

static int cmp_cells(const ms_column *c, const void *a, const void *b, bool descending,
		     const void *ctx)
{
	int r;

	switch (c->kind) {
	case MS_COL_STR:
		r = strcmp(ms_cell_str(c, a, ctx), ms_cell_str(c, b, ctx));
		return descending ? -r : r;
	case MS_COL_HEX:
		return cmp_u64(ms_cell_u64(c, a, ctx), ms_cell_u64(c, b, ctx), descending);
	default:
		return cmp_i64_na_last(ms_cell_i64(c, a, ctx), ms_cell_i64(c, b, ctx),
				       descending);
	}
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *sc = arg;
	int r = cmp_cells(sc->col, a, b, sc->descending, sc->ctx);

	if (r == 0 && sc->tie)
		r = cmp_cells(sc->tie, a, b, false, sc->ctx);
	return r;
}

void ms_table_sort(const ms_table_def *t, void *rows, size_t n, size_t stride, int col,
		   bool descending, const void *ctx)
{
	if (!t || !rows || n < 2 || col < 0 || (size_t)col >= t->ncols)
		return;
	int tie = ms_table_find_col(t, t->tie_break);
	struct sort_ctx sc = {
		.col = &t->cols[col],
		.tie = tie >= 0 ? &t->cols[tie] : NULL,
		.descending = descending,
		.ctx = ctx,
	};
	qsort_r(rows, n, stride, cmp_rows, &sc);
}

/* ---- kB in human units --------------------------------------------------- */

/* Binary steps; the precision shrinks as the unit grows so that the text
 * stays about five characters wide ("980K", "12.3M", "1.20G"). A value
 * that would round up to 1024 of a unit is shown in the next one. */
void ms_format_kb(char *dst, size_t cap, int64_t kb, bool plain)
{
	static const struct {
		char unit;
		int decimals;
	} units[] = { { 'M', 1 }, { 'G', 2 }, { 'T', 2 }, { 'P', 2 } };
	const char *sign = kb < 0 ? "-" : "";
	double v;

	if (!dst || cap == 0)
		return;
	if (kb == MS_NA) {
		snprintf(dst, cap, "-");
		return;
	}
	if (plain) {
		snprintf(dst, cap, "%lld", (long long)kb);
		return;
	}
	v = kb < 0 ? -(double)kb : (double)kb;
	if (v < 1024) {
		snprintf(dst, cap, "%s%.0fK", sign, v);
		return;
	}
	for (size_t i = 0; i < MS_ARRAY_LEN(units); i++) {
		v /= 1024;
		double limit = 1024 - (units[i].decimals == 1 ? 0.05 : 0.005);
		if (v < limit || i + 1 == MS_ARRAY_LEN(units)) {
			snprintf(dst, cap, "%s%.*f%c", sign, units[i].decimals, v, units[i].unit);
			return;
		}
	}
}
