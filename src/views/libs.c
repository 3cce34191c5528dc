/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libs pane, Android's librank in the explorer: every mapping name (a
 * library, [heap], [anon:NAME], a SysV segment) summed over every process,
 * sorted by PSS, with the columns of `memscope libs` (ms_librank_table).
 * Enter on a name lists the processes that map it, with their share;
 * Enter on one of them opens its VMA pane; Esc (or Backspace, or Left)
 * goes back to the names.
 *
 * librank reads every process's smaps, the slowest read there is: the
 * loader (src/loader.c) does it on its thread while this pane is shown,
 * and again on each refresh of a live source, so the keys are answered
 * meanwhile. The pane keeps no file open and reads nothing itself.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

/* A process's share of the chosen name, with its name from the sample
 * (comm; "" when the sample does not list it). */
struct share_row {
	ms_librank_share s; /* first: the columns read it at offset 0 */
	char name[64];
};

static int64_t share_pid(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const struct share_row *)row)->s.pid;
}

#define SHARE_KB(field, title_, rank, help_)                                                 \
	{ .key = #field, .title = title_, .width = 7, .kind = MS_COL_KB,                     \
	  .offset = offsetof(struct share_row, s) + offsetof(ms_librank_share, field),        \
	  .descending = true, .drop_rank = rank, .help = help_ }

static const ms_column share_cols[] = {
	{ .key = "pid", .title = "PID", .width = 7, .kind = MS_COL_INT, .get_i64 = share_pid,
	  .no_total = true, .help = "the process that maps the name" },
	SHARE_KB(vss_kb, "VSS", 4, "its address space of the name"),
	SHARE_KB(rss_kb, "RSS", 2, "resident in its mappings of the name"),
	SHARE_KB(pss_kb, "PSS", 0, "its proportional share"),
	SHARE_KB(uss_kb, "USS", 0, "pages of the name only it maps"),
	SHARE_KB(swap_kb, "SWAP", 1, "swapped out"),
	SHARE_KB(swap_pss_kb, "SWAPPSS", 5, "swapped out, divided among sharers"),
	{ .key = "name", .title = "PROCESS", .width = 7, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct share_row, name), .str_inline = true, .no_total = true,
	  .text_last = true, .help = "its name (comm)" },
};

static const ms_table_def share_table = {
	.name = "libs-processes",
	.cols = share_cols,
	.ncols = MS_ARRAY_LEN(share_cols),
	.default_sort = "pss_kb",
	.tie_break = "pid",
};

struct libs_pane {
	ms_tablew names;  /* first: the filter and the help's columns are its */
	ms_tablew procs;  /* the processes of the chosen name */
	bool drilled;     /* the processes are shown */
	char chosen[512]; /* the chosen name, raw */
	struct share_row *shares;
	size_t nshares;
	bool chosen_gone; /* no process maps it any more (live) */
	unsigned long generation;
	bool fresh;
};

/* ---- rows ------------------------------------------------------------------- */

static const char *proc_name(const ms_sample *m, int pid)
{
	for (size_t i = 0; m && i < m->nprocs; i++)
		if (m->procs[i].pid == pid)
			return m->procs[i].name;
	return "";
}

/* The chosen name's processes, found again in every new librank. */
static int take_shares(struct libs_pane *st, const ms_view_data *d)
{
	const ms_librank *lr = d->libs;
	const ms_librank_name *row = NULL;

	for (size_t i = 0; i < lr->n && !row; i++)
		if (strcmp(ms_librank_name_of(lr, i), st->chosen) == 0)
			row = &lr->rows[i];
	free(st->shares);
	st->shares = NULL;
	st->nshares = 0;
	st->chosen_gone = !row;
	if (row && row->nprocs) {
		st->shares = calloc(row->nprocs, sizeof *st->shares);
		if (!st->shares)
			return -ENOMEM;
		for (size_t k = 0; k < row->nprocs; k++) {
			st->shares[k].s = row->procs[k];
			snprintf(st->shares[k].name, sizeof st->shares[k].name, "%s",
				 proc_name(d->cur, row->procs[k].pid));
		}
		st->nshares = row->nprocs;
	}
	return ms_tablew_set_rows(&st->procs, st->shares, st->nshares, sizeof *st->shares, NULL);
}

static int take_rows(struct libs_pane *st, const ms_view_data *d)
{
	if (!st->fresh && st->generation == d->generation)
		return 0;
	st->fresh = false;
	st->generation = d->generation;
	st->names.plain_kb = st->procs.plain_kb = d->plain_kb;
	const ms_librank *lr = d->libs;
	int rc = ms_tablew_set_rows(&st->names, lr->rows, lr->n, sizeof *lr->rows, lr);
	if (rc == 0 && st->drilled)
		rc = take_shares(st, d);
	return rc;
}

/* ---- drawing ------------------------------------------------------------------ */

/* The sums of the rows shown (all, or what the filter matched). */
static void names_total(const ms_tablew *t, ms_librank_name *total)
{
	bool sat = false;

	*total = (ms_librank_name){ .total = { 0, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA } };
	for (size_t i = 0; i < t->n; i++) {
		const ms_librank_share *v = &((const ms_librank_name *)t->shown[i])->total;
		ms_sum_kb(&total->total.vss_kb, v->vss_kb, &sat);
		ms_sum_kb(&total->total.rss_kb, v->rss_kb, &sat);
		ms_sum_kb(&total->total.pss_kb, v->pss_kb, &sat);
		ms_sum_kb(&total->total.uss_kb, v->uss_kb, &sat);
		ms_sum_kb(&total->total.swap_kb, v->swap_kb, &sat);
		ms_sum_kb(&total->total.swap_pss_kb, v->swap_pss_kb, &sat);
	}
}

static void shares_total(const ms_tablew *t, struct share_row *total)
{
	bool sat = false;

	*total = (struct share_row){ .s = { 0, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA } };
	for (size_t i = 0; i < t->n; i++) {
		const ms_librank_share *v = &((const struct share_row *)t->shown[i])->s;
		ms_sum_kb(&total->s.vss_kb, v->vss_kb, &sat);
		ms_sum_kb(&total->s.rss_kb, v->rss_kb, &sat);
		ms_sum_kb(&total->s.pss_kb, v->pss_kb, &sat);
		ms_sum_kb(&total->s.uss_kb, v->uss_kb, &sat);
		ms_sum_kb(&total->s.swap_kb, v->swap_kb, &sat);
		ms_sum_kb(&total->s.swap_pss_kb, v->swap_pss_kb, &sat);
	}
}

/* "812 names  sort: PSS desc  read 97 of 240 processes; 120 without
 * mappings; 23 smaps needs root": what the sums cover comes right after
 * the count, so that a narrow terminal cuts the reasons first. */
static void draw_names_status(const struct libs_pane *st, ms_screen *s, ms_rect r,
			      const ms_librank *lr)
{
	const ms_librank_outcome *o = &lr->outcome;
	int x = ms_table_pane_status(s, r, &st->names, lr->n, "name", "names");
	x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
			      "  read %zu of %zu processes", o->read, o->listed);
	if (o->empty)
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				      "; %zu without mappings", o->empty);
	if (o->denied)
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				      "; %zu smaps %s", o->denied, ms_denied_reason());
	size_t other = o->gone + o->no_smaps + o->failed;
	if (other)
		ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				 "; %zu exited or unreadable", other);
}

/* "/usr/lib/libc.so.6: 42 processes  Esc:back Enter:VMA". */
static void draw_procs_title(const struct libs_pane *st, ms_screen *s, ms_rect r)
{
	int x = ms_screen_put_untrusted(s, r.row, r.col, r.cols - 28 > 8 ? r.cols - 28 : 8,
					MS_ATTR_TITLE, st->chosen, strlen(st->chosen));
	if (st->chosen_gone)
		ms_screen_puts(s, r.row, r.col + x, r.cols - x, MS_ATTR_WARN,
			       ": no process maps it now  Esc:back");
	else
		ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				 ": %zu process%s  Esc:back Enter:VMA", st->nshares,
				 st->nshares == 1 ? "" : "es");
}

static bool draw_not_yet(ms_screen *s, ms_rect r, const ms_view_data *d)
{
	if (d->libs)
		return false;
	if (d->libs_status != 0 && !d->libs_loading) {
		ms_part_state st = { .status = d->libs_status };
		if (d->libs_err)
			st.err = *d->libs_err;
		ms_pane_draw_reason(s, r, "libraries", &st);
	} else {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_DIM,
			       "Reading the smaps of every process...");
	}
	return true;
}

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct libs_pane *st = p->state;

	if (r.rows < 2 || draw_not_yet(s, r, d))
		return;
	if (take_rows(st, d) != 0) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_WARN, "libs: out of memory");
		return;
	}
	ms_rect t = { r.row + 1, r.col, r.rows - 1, r.cols };
	if (st->drilled) {
		struct share_row total;
		draw_procs_title(st, s, r);
		shares_total(&st->procs, &total);
		ms_tablew_draw(&st->procs, s, t, &total);
		return;
	}
	ms_librank_name total;
	draw_names_status(st, s, r, d->libs);
	names_total(&st->names, &total);
	ms_tablew_draw(&st->names, s, t, &total);
}

/* ---- keys ------------------------------------------------------------------------ */

static ms_pane_action drill(struct libs_pane *st)
{
	const ms_librank_name *sel = ms_tablew_selected(&st->names);

	if (!sel || !st->names.ctx)
		return MS_PANE_USED;
	const ms_librank *lr = st->names.ctx;
	snprintf(st->chosen, sizeof st->chosen, "%s", lr->names.data + sel->name_off);
	st->drilled = true;
	st->fresh = true; /* the shares are taken at the next draw */
	st->procs.sel = st->procs.top = 0;
	st->procs.sel_key[0] = '\0';
	return MS_PANE_USED;
}

static ms_pane_action key(ms_pane *p, int k)
{
	struct libs_pane *st = p->state;
	bool enter = k == MS_KEY_ENTER || k == '\r';

	if (!st->drilled) {
		if (enter)
			return drill(st);
		return ms_tablew_key(&st->names, k) ? MS_PANE_USED : MS_PANE_IGNORED;
	}
	if (k == MS_KEY_ESC || k == MS_KEY_BACKSPACE || k == MS_KEY_LEFT) {
		st->drilled = false;
		return MS_PANE_USED;
	}
	if (enter) {
		const struct share_row *sel = ms_tablew_selected(&st->procs);
		if (!sel)
			return MS_PANE_USED;
		p->open_pid = sel->s.pid;
		return MS_PANE_OPEN_VMA;
	}
	return ms_tablew_key(&st->procs, k) ? MS_PANE_USED : MS_PANE_IGNORED;
}

/* '/' filters the list shown: names, or processes by their name. */
static int filter(ms_pane *p, const char *text)
{
	struct libs_pane *st = p->state;

	return ms_tablew_set_filter(st->drilled ? &st->procs : &st->names, text);
}

/* ---- the class ------------------------------------------------------------------- */

static void destroy(ms_pane *p)
{
	struct libs_pane *st = p->state;

	if (!st)
		return;
	ms_tablew_free(&st->names);
	ms_tablew_free(&st->procs);
	free(st->shares);
	free(st);
}

static int create(ms_pane *p)
{
	struct libs_pane *st = calloc(1, sizeof *st);

	if (!st)
		return -ENOMEM;
	ms_tablew_init(&st->names, &ms_librank_table, "name", NULL);
	ms_tablew_init(&st->procs, &share_table, "name", NULL);
	st->fresh = true;
	p->state = st;
	return 0;
}

static const char *const libs_help[] = {
	"Libraries (librank: memscope libs), every mapping name over every process:",
	"  A row sums the mappings of one name (a library, a file, [heap], [stack],",
	"  [anon:NAME], /memfd:NAME, /SYSV...) in every process whose smaps could be",
	"  read; the status line says how many were. The rows' PSS add up to those",
	"  processes' PSS. The last line totals the rows shown.",
	"  Enter  the processes that map the name, with their share of it; Enter on one",
	"         of them opens its VMA pane; Esc, Backspace or Left goes back.",
	"  Live, every smaps is read again at each refresh, on the loader's thread.",
	NULL,
};

const ms_pane_class ms_pane_libs = {
	.name = "libs",
	.parts = MS_PART_PROCS, /* the processes' names */
	.wants_libs = true,
	.table = &ms_librank_table,
	.help = libs_help,
	.hint = "Enter:who",
	.sorts = true,
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
	.filter = filter,
};
