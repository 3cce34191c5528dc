/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading, sorting and formatting the cells of a table declared in
 * columns.c. The sort has one rule for every table: the chosen column in
 * the chosen direction, ties by the table's tie-break column ascending, and
 * MS_NA after every known value whatever the direction (an unknown figure
 * is never "the largest" nor "the smallest").
 */
#include <inttypes.h>
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

size_t ms_table_text_order(const ms_table_def *t, size_t *order)
{
	size_t n = 0;

	for (int last = 0; last < 2; last++)
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].text_last == (last == 1))
				order[n++] = c;
	return n;
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

size_t ms_cell_format(const ms_column *c, const void *row, const void *ctx, bool plain_kb,
		      char dst[MS_CELL_MAX])
{
	int64_t v;
	size_t n;

	if (c->kind == MS_COL_HEX)
		return ms_fmt_hex(dst, ms_cell_u64(c, row, ctx), 8);
	v = ms_cell_i64(c, row, ctx);
	if (v == MS_NA || c->kind == MS_COL_STR) {
		memcpy(dst, "-", 2);
		return 1;
	}
	if (c->kind == MS_COL_KB) {
		ms_format_kb(dst, MS_CELL_MAX, v, plain_kb);
		return strlen(dst);
	}
	n = ms_fmt_i64(dst, v);
	if (c->kind == MS_COL_PCT) {
		dst[n++] = '%';
		dst[n] = '\0';
	}
	return n;
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

/* mag * scale / 2^shift rounded as printf rounds the exact quotient: to
 * nearest, ties to even. The caller keeps mag * scale within 64 bits. */
static uint64_t rounded_quotient(uint64_t mag, uint64_t scale, unsigned shift)
{
	uint64_t num = mag * scale, half = (uint64_t)1 << (shift - 1);
	uint64_t q = num >> shift, rem = num & ((half << 1) - 1);

	return rem > half || (rem == half && (q & 1)) ? q + 1 : q;
}

/* sign, q / scale, '.', the decimals, unit: "12.3M". */
static void put_fixed(char *dst, size_t cap, const char *sign, uint64_t q, uint64_t scale,
		      char unit)
{
	char text[MS_NUM_MAX + 8];
	size_t at = strlen(sign);

	memcpy(text, sign, at);
	at += ms_fmt_u64(text + at, q / scale);
	text[at++] = '.';
	if (scale == 100)
		text[at++] = (char)('0' + q % 100 / 10);
	text[at++] = (char)('0' + q % 10);
	text[at++] = unit;
	text[at] = '\0';
	ms_copy_field(dst, cap, text, at);
}

/* Binary steps; the precision shrinks as the unit grows so that the text
 * stays about five characters wide ("980K", "12.3M", "1.20G"). A value
 * that would round up to 1024 of a unit is shown in the next one. */
void ms_format_kb(char *dst, size_t cap, int64_t kb, bool plain)
{
	/* kB per unit as a power of 2, and the decimals shown. */
	static const struct {
		char unit;
		unsigned shift;
		uint64_t scale;
	} units[] = { { 'M', 10, 10 }, { 'G', 20, 100 }, { 'T', 30, 100 }, { 'P', 40, 100 } };
	char text[MS_NUM_MAX + 1];

	if (!dst || cap == 0)
		return;
	if (kb == MS_NA) {
		ms_copy_field(dst, cap, "-", 1);
		return;
	}
	/* Integers only: a 60,000-row table formats 300,000 of these. */
	uint64_t mag = kb < 0 ? (uint64_t)(-(kb + 1)) + 1 : (uint64_t)kb;
	if (plain || mag < 1024) {
		size_t n = ms_fmt_i64(text, kb);
		if (!plain)
			text[n++] = 'K';
		ms_copy_field(dst, cap, text, n);
		return;
	}
	const char *sign = kb < 0 ? "-" : "";
	for (size_t i = 0; i + 1 < MS_ARRAY_LEN(units); i++) {
		/* Below 1024 units, mag * scale fits 64 bits. */
		if (mag >= (uint64_t)1024 << units[i].shift)
			continue;
		uint64_t q = rounded_quotient(mag, units[i].scale, units[i].shift);
		if (q < 1024 * units[i].scale) {
			put_fixed(dst, cap, sign, q, units[i].scale, units[i].unit);
			return;
		}
	}
	/* Petabytes: the last unit takes any size, and printf any digits. */
	snprintf(dst, cap, "%s%.2fP", sign, (double)mag / 1099511627776.0);
}

void ms_psi_pct_text(char *dst, int64_t hundredths)
{
	if (hundredths == MS_NA || hundredths < 0)
		snprintf(dst, MS_CELL_MAX, "-");
	else
		snprintf(dst, MS_CELL_MAX, "%" PRId64 ".%02" PRId64, hundredths / 100,
			 hundredths % 100);
}
