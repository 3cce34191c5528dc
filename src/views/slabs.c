/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 2, slabs: the caches of /proc/slabinfo ranked by size, with their
 * growth since the previous refresh: a leaking cache is a row that grows
 * at every refresh. The columns are ms_slab_table's plus that growth.
 * With a baseline (b, --baseline) the growth is since it, and a CHG
 * column marks the caches new since it and those gone (shown with the
 * baseline's figures and minus their size).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

/* A cache and its growth. The slab comes first, so a row is also an
 * ms_slab for the columns of ms_slab_table. */
struct slab_row {
	ms_slab slab;
	int64_t growth_kb; /* size_kb now - size_kb before; MS_NA on the first */
	char change[8];    /* with a baseline: "new", "gone", "" */
};

struct slabs_pane {
	ms_tablew table; /* first: ms_table_pane_key/filter take it */
	ms_table_def def;   /* ms_slab_table + growth */
	ms_column *cols;
	ms_table_def base_def; /* def + the change mark, with a baseline */
	ms_column *base_cols;
	bool with_base;
	struct slab_row *rows;
	size_t nrows;
	unsigned long generation;
	bool fresh;
	int64_t total_kb, total_used_kb, total_growth_kb;
	double seconds; /* between the two samples */
};

static const ms_column growth_col = {
	.key = "growth_kb",
	.title = "GROWTH",
	.width = 7,
	.kind = MS_COL_KB,
	.offset = offsetof(struct slab_row, growth_kb),
	.descending = true,
	.drop_rank = 0, /* the reason this pane exists: never dropped */
	.help = "change of SIZE since the previous refresh (a leak grows at every one)",
};

/* ms_slab_table with the growth column right after SIZE, the figure it
 * is the change of. */
static int build_def(struct slabs_pane *st)
{
	const ms_table_def *base = &ms_slab_table;
	st->cols = calloc(base->ncols + 1, sizeof(ms_column));
	if (!st->cols)
		return -ENOMEM;
	int at = ms_table_find_col(base, "size_kb");
	size_t pos = at >= 0 ? (size_t)at + 1 : base->ncols;
	memcpy(st->cols, base->cols, pos * sizeof(ms_column));
	st->cols[pos] = growth_col;
	memcpy(st->cols + pos + 1, base->cols + pos, (base->ncols - pos) * sizeof(ms_column));
	st->def = *base;
	st->def.cols = st->cols;
	st->def.ncols = base->ncols + 1;
	return 0;
}

static const ms_column change_col = {
	.key = "change", .title = "CHG", .width = 4, .kind = MS_COL_STR, .left = true,
	.offset = offsetof(struct slab_row, change), .str_inline = true, .no_total = true,
	.help = "new: not in the baseline; gone: in the baseline, not now",
};

/* def with the change mark right after the name. */
static int build_base_def(struct slabs_pane *st)
{
	size_t n = st->def.ncols + 1;

	if (!(st->base_cols = calloc(n, sizeof(ms_column))))
		return -ENOMEM;
	st->base_cols[0] = st->def.cols[0];
	st->base_cols[1] = change_col;
	memcpy(st->base_cols + 2, st->def.cols + 1, (st->def.ncols - 1) * sizeof(ms_column));
	st->base_def = st->def;
	st->base_def.cols = st->base_cols;
	st->base_def.ncols = n;
	return 0;
}

/* The table's columns follow the baseline, sorted as they were. */
static void follow_base(struct slabs_pane *st, bool with_base)
{
	if (st->with_base == with_base)
		return;
	const ms_table_def *old = st->table.def;
	const char *sort = st->table.sort_col >= 0 ? old->cols[st->table.sort_col].key : NULL;
	bool descending = st->table.descending;
	ms_tablew_attr_fn attr = st->table.row_attr;
	ms_tablew_free(&st->table);
	ms_tablew_init(&st->table, with_base ? &st->base_def : &st->def, "name", NULL);
	st->table.row_attr = attr;
	int col = sort ? ms_table_find_col(st->table.def, sort) : -1;
	if (col >= 0)
		st->table.sort_col = col, st->table.descending = descending;
	st->with_base = with_base;
}

static bool has_slabs(const ms_sample *s)
{
	return s && (s->parts & MS_PART_SLABINFO) && s->st[MS_P_SLABINFO].status == 0;
}

/* The baseline's caches that are no longer there, minus their size. */
static void add_gone(struct slabs_pane *st, const ms_sample *m, const ms_sample *base)
{
	for (size_t i = 0; has_slabs(base) && i < base->slabs.n; i++) {
		const ms_slab *was = &base->slabs.caches[i];
		if (ms_sample_find_slab(m, was->name))
			continue;
		struct slab_row *r = &st->rows[st->nrows++];
		r->slab = *was;
		r->growth_kb = ms_delta(0, ms_slab_size_kb(was, base->info.page_size));
		snprintf(r->change, sizeof r->change, "gone");
		st->total_growth_kb = ms_add_na(st->total_growth_kb, r->growth_kb);
	}
}

static int take_rows(struct slabs_pane *st, const ms_view_data *d)
{
	if (!st->fresh && st->generation == d->generation && st->with_base == (d->base != NULL))
		return 0;
	const ms_sample *m = d->cur;
	/* Growth since the baseline when there is one, else since the
	 * refresh before. */
	const ms_sample *since = d->base ? d->base : d->prev;
	long ps = m->info.page_size;
	st->fresh = false;
	st->generation = d->generation;
	follow_base(st, d->base != NULL);
	free(st->rows);
	st->nrows = 0;
	size_t nbase = d->base && has_slabs(d->base) ? d->base->slabs.n : 0;
	st->rows = calloc(m->slabs.n + nbase + 1, sizeof(*st->rows));
	if (!st->rows)
		return -ENOMEM;
	st->total_kb = st->total_used_kb = st->total_growth_kb = 0;
	for (size_t i = 0; i < m->slabs.n; i++) {
		struct slab_row *r = &st->rows[st->nrows++];
		r->slab = m->slabs.caches[i];
		r->growth_kb = ms_slab_delta_size_kb(m, since, &r->slab);
		if (nbase && !ms_sample_find_slab(d->base, r->slab.name))
			snprintf(r->change, sizeof r->change, "new");
		st->total_kb = ms_add_na(st->total_kb, ms_slab_size_kb(&r->slab, ps));
		st->total_used_kb = ms_add_na(st->total_used_kb, ms_slab_used_kb(&r->slab));
		st->total_growth_kb = ms_add_na(st->total_growth_kb, r->growth_kb);
	}
	if (nbase)
		add_gone(st, m, d->base);
	st->seconds = 0;
	if (has_slabs(since))
		st->seconds = ms_sample_seconds_between(since, m);
	st->table.plain_kb = d->plain_kb;
	return ms_tablew_set_rows(&st->table, st->rows, st->nrows, sizeof(*st->rows), m);
}

static ms_attr row_attr(const void *row, const void *ctx)
{
	(void)ctx;
	const struct slab_row *r = row;
	return r->growth_kb != MS_NA && r->growth_kb > 0 ? MS_ATTR_GROW : MS_ATTR_NORMAL;
}

static void draw_status(const struct slabs_pane *st, ms_screen *s, ms_rect r, bool plain,
			bool unreclaimable_only)
{
	char size[32] = "-", used[32] = "-", grown[32] = "-";
	if (st->total_kb != MS_NA)
		ms_format_kb(size, sizeof size, st->total_kb, plain);
	if (st->total_used_kb != MS_NA)
		ms_format_kb(used, sizeof used, st->total_used_kb, plain);
	if (st->total_growth_kb != MS_NA)
		ms_format_kb(grown, sizeof grown, st->total_growth_kb < 0 ?
			     -st->total_growth_kb : st->total_growth_kb, plain);
	int x = ms_table_pane_status(s, r, &st->table, st->nrows, "cache", "caches");
	x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
			      "  size %s, used %s", size, used);
	/* An OOM report's list: not every cache, and no object counts. */
	if (unreclaimable_only)
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_WARN,
				      "  OOM unreclaimable list");
	if (st->total_growth_kb != MS_NA)
		ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				 ", %s%s in %.1fs", st->total_growth_kb < 0 ? "-" : "+",
				 grown, st->seconds);
}

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct slabs_pane *st = p->state;
	if (r.rows < 1)
		return;
	if (!has_slabs(d->cur)) {
		ms_pane_draw_reason(s, r, "slabinfo", &d->cur->st[MS_P_SLABINFO]);
		return;
	}
	if (take_rows(st, d) != 0) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_WARN, "slabs: out of memory");
		return;
	}
	draw_status(st, s, r, d->plain_kb, d->cur->slabs.unreclaimable_only);
	ms_rect t = { r.row + 1, r.col, r.rows - 1, r.cols };
	ms_tablew_draw(&st->table, s, t, NULL);
}

static void destroy(ms_pane *p)
{
	struct slabs_pane *st = p->state;
	if (!st)
		return;
	ms_tablew_free(&st->table);
	free(st->rows);
	free(st->cols);
	free(st->base_cols);
	free(st);
}

static const char *const slabs_help[] = {
	"Slab caches (/proc/slabinfo, readable by root only):",
	"  Rows that grew since the previous refresh are highlighted; on a snapshot",
	"  there is no previous refresh and GROWTH is '-'.",
	"  With a baseline (b: the sample shown; B: none; --baseline A), GROWTH is since",
	"  it and CHG marks the caches new since it and those gone.",
	"  From a kernel log, the rows are the OOM report's \"Unreclaimable slab info\":",
	"  only the caches it listed, USED and SIZE in kB, object counts unknown ('-').",
	NULL,
};

static int create(ms_pane *p)
{
	struct slabs_pane *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (build_def(st) != 0 || build_base_def(st) != 0) {
		free(st->cols);
		free(st);
		return -ENOMEM;
	}
	ms_tablew_init(&st->table, &st->def, "name", NULL);
	st->table.row_attr = row_attr;
	st->fresh = true;
	p->state = st;
	p->table = &st->def;
	return 0;
}

const ms_pane_class ms_pane_slabs = {
	.name = "slabs",
	.parts = MS_PART_SLABINFO,
	.table = &ms_slab_table,
	.help = slabs_help,
	.sorts = true,
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = ms_table_pane_key,
	.filter = ms_table_pane_filter,
};
