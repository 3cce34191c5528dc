/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 1, procrank: the process table with a totals line. Its columns,
 * sort keys and default order are ms_procrank_table's, as in
 * `memscope procrank`. Enter opens the VMA pane of the selected process.
 *
 * With a baseline (b, --baseline) the table gains the change of PSS and
 * RSS since it, and a CHG column: "new" for a process the baseline did
 * not have, "gone" for one of the baseline's that is no longer there
 * (shown with the baseline's figures). A process is its PID and name
 * here: the pane reads no file to learn its start time (diff does).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

/* A process and its change since the baseline; the process first, so a
 * row is also an ms_proc for ms_procrank_table's columns. */
struct proc_row {
	ms_proc proc;
	int64_t dpss_kb, drss_kb;
	char change[8]; /* "new", "gone", "" */
};

struct procrank_pane {
	ms_tablew table; /* first: ms_table_pane_key/filter take it */
	unsigned long generation;
	bool fresh; /* nothing drawn yet: rows must be taken */
	bool with_base; /* the table is def (with changes), not ms_procrank_table */
	ms_table_def def;
	ms_column *cols;
	struct proc_row *rows;
	size_t nrows;
	char sparkline[24]; /* PSS of the selected process over the samples kept */
};

static const ms_column change_cols[] = {
	{ .key = "change", .title = "CHG", .width = 5, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct proc_row, change), .str_inline = true, .no_total = true,
	  .help = "new: not in the baseline; gone: in the baseline, not now" },
	{ .key = "pss_delta_kb", .title = "dPSS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(struct proc_row, dpss_kb), .descending = true,
	  .help = "change of PSS since the baseline (a gone process: minus its PSS)" },
	{ .key = "rss_delta_kb", .title = "dRSS", .width = 7, .kind = MS_COL_KB,
	  .offset = offsetof(struct proc_row, drss_kb), .descending = true, .drop_rank = 2,
	  .no_total = true, .help = "change of RSS since the baseline" },
};

/* ms_procrank_table with the mark after the PID and the changes after PSS. */
static int build_def(struct procrank_pane *st)
{
	const ms_table_def *base = &ms_procrank_table;
	size_t n = base->ncols + MS_ARRAY_LEN(change_cols);
	int at = ms_table_find_col(base, "pss_kb");
	size_t pos = at >= 0 ? (size_t)at + 1 : base->ncols, k = 0;

	if (!(st->cols = calloc(n, sizeof *st->cols)))
		return -ENOMEM;
	for (size_t c = 0; c < base->ncols; c++) {
		st->cols[k++] = base->cols[c];
		if (c == 0) /* after the PID */
			st->cols[k++] = change_cols[0];
		if (c + 1 == pos) {
			st->cols[k++] = change_cols[1];
			st->cols[k++] = change_cols[2];
		}
	}
	st->def = *base;
	st->def.cols = st->cols;
	st->def.ncols = k;
	return 0;
}

/* The same process in s: its pid, with the same name (a pid reused by
 * another program is another process). */
static const ms_proc *find_proc(const ms_sample *s, const ms_proc *p)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == p->pid)
			return strcmp(s->procs[i].name, p->name) == 0 ? &s->procs[i] : NULL;
	return NULL;
}

static struct proc_row *add_row(struct procrank_pane *st, const ms_proc *p, const char *change)
{
	struct proc_row *r = &st->rows[st->nrows++];

	memset(r, 0, sizeof *r);
	r->proc = *p;
	snprintf(r->change, sizeof r->change, "%s", change);
	return r;
}

/* Every process now, then the baseline's that are gone. */
static int rows_with_base(struct procrank_pane *st, const ms_view_data *d)
{
	const ms_sample *m = d->cur, *b = d->base;

	free(st->rows);
	st->nrows = 0;
	st->rows = calloc(m->nprocs + b->nprocs + 1, sizeof *st->rows);
	if (!st->rows)
		return -ENOMEM;
	for (size_t i = 0; i < m->nprocs; i++) {
		const ms_proc *was = find_proc(b, &m->procs[i]);
		struct proc_row *r = add_row(st, &m->procs[i], was ? "" : "new");
		r->dpss_kb = ms_delta(r->proc.pss_kb, was ? was->pss_kb : 0);
		r->drss_kb = ms_delta(r->proc.rss_kb, was ? was->rss_kb : 0);
	}
	for (size_t i = 0; i < b->nprocs; i++) {
		if (find_proc(m, &b->procs[i]))
			continue;
		struct proc_row *r = add_row(st, &b->procs[i], "gone");
		r->dpss_kb = ms_delta(0, r->proc.pss_kb);
		r->drss_kb = ms_delta(0, r->proc.rss_kb);
	}
	return ms_tablew_set_rows(&st->table, st->rows, st->nrows, sizeof *st->rows, m);
}

/* The table's columns follow the baseline: set or cleared, the table is
 * made again (sorted as it was when the column is still there). */
static void follow_base(struct procrank_pane *st, bool with_base)
{
	if (st->with_base == with_base)
		return;
	const ms_table_def *old = st->table.def;
	const char *sort = st->table.sort_col >= 0 ? old->cols[st->table.sort_col].key : NULL;
	bool descending = st->table.descending;
	ms_tablew_free(&st->table);
	ms_tablew_init(&st->table, with_base ? &st->def : &ms_procrank_table, "name", "cmdline");
	int col = sort ? ms_table_find_col(st->table.def, sort) : -1;
	if (col >= 0)
		st->table.sort_col = col, st->table.descending = descending;
	st->with_base = with_base;
}

/* The selected process's PSS over the samples the explorer keeps. */
static void selected_sparkline(struct procrank_pane *st, const ms_view_data *d)
{
	const ms_proc *sel = ms_tablew_selected(&st->table);
	int64_t v[sizeof st->sparkline];
	size_t n = 0, keep = sizeof st->sparkline - 1;

	st->sparkline[0] = '\0';
	if (!sel || d->nhistory < 2)
		return;
	size_t from = d->nhistory > keep ? d->nhistory - keep : 0;
	for (size_t i = from; i < d->nhistory; i++) {
		const ms_proc *p = find_proc(d->history[i], sel);
		v[n++] = p ? p->pss_kb : MS_NA;
	}
	ms_sparkline(st->sparkline, sizeof st->sparkline, v, n);
}

static void take_rows(struct procrank_pane *st, const ms_view_data *d)
{
	if (!st->fresh && st->generation == d->generation && st->with_base == (d->base != NULL))
		return;
	st->fresh = false;
	st->generation = d->generation;
	follow_base(st, d->base != NULL);
	st->table.plain_kb = d->plain_kb;
	if (d->base && rows_with_base(st, d) == 0)
		return;
	ms_tablew_set_rows(&st->table, d->cur->procs, d->cur->nprocs, sizeof(ms_proc), d->cur);
}

/* Totals of the rows shown: of their processes, and with a baseline of
 * their changes too. */
static void shown_totals(const struct procrank_pane *st, struct proc_row *total)
{
	size_t n = st->table.n;
	ms_proc *procs = calloc(n ? n : 1, sizeof *procs);

	memset(total, 0, sizeof *total);
	if (!st->with_base) {
		ms_procs_totals((const ms_proc *)st->table.rows, n, &total->proc);
		free(procs);
		return;
	}
	size_t k = 0;
	total->dpss_kb = 0;
	for (size_t i = 0; i < n; i++) {
		const struct proc_row *r = st->table.shown[i];
		if (procs && strcmp(r->change, "gone") != 0)
			procs[k++] = r->proc;
		/* A change unknown (PSS not readable) hides none of the others. */
		if (r->dpss_kb != MS_NA)
			total->dpss_kb = ms_add_na(total->dpss_kb, r->dpss_kb);
	}
	ms_procs_totals(procs ? procs : NULL, procs ? k : 0, &total->proc);
	total->drss_kb = MS_NA;
	free(procs);
}

/* 'filter "ssh": 3 of 412 processes  sort: PSS desc  not listed: 98
 * kernel threads, 1 zombie  -: 3 unreadable (RSS from status)'. */
static void draw_status(const struct procrank_pane *st, ms_screen *s, ms_rect r,
			const ms_sample *m)
{
	int x = ms_table_pane_status(s, r, &st->table, m->nprocs, "process", "processes");
	x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
			      "  not listed: %zu kernel thread%s", m->nkthreads,
			      m->nkthreads == 1 ? "" : "s");
	if (m->nzombies)
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				      ", %zu zombie%s", m->nzombies, m->nzombies == 1 ? "" : "s");
	if (m->nunknown && m->info.lacks[0])
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM, "  %s",
				      m->info.lacks);
	else if (m->nunknown)
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				      "  -: %zu unreadable (? explains)", m->nunknown);
	/* The selected process's PSS over time, at the right when it fits. */
	int len = (int)strlen(st->sparkline);
	if (len && x + len + 6 <= r.cols)
		ms_screen_printf(s, r.row, r.col + r.cols - len - 4, len + 4, MS_ATTR_DIM, "PSS %s",
				 st->sparkline);
}

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct procrank_pane *st = p->state;
	const ms_sample *m = d->cur;
	if (r.rows < 1)
		return;
	if (m->st[MS_P_PROCS].status != 0 && m->nprocs == 0) {
		ms_pane_draw_reason(s, r, "processes", &m->st[MS_P_PROCS]);
		return;
	}
	take_rows(st, d);
	selected_sparkline(st, d);
	draw_status(st, s, r, m);
	/* Totals of the rows shown, so that a filter gives the total of what
	 * it matched (procrank's TOTAL line, for a group of processes). */
	struct proc_row total;
	shown_totals(st, &total);
	ms_rect t = { r.row + 1, r.col, r.rows - 1, r.cols };
	ms_tablew_draw(&st->table, s, t, &total);
}

static ms_pane_action key(ms_pane *p, int k)
{
	struct procrank_pane *st = p->state;
	if (k == MS_KEY_ENTER || k == '\r') {
		const ms_proc *sel = ms_tablew_selected(&st->table);
		if (!sel)
			return MS_PANE_USED;
		p->open_pid = sel->pid;
		return MS_PANE_OPEN_VMA;
	}
	return ms_table_pane_key(p, k);
}

static void destroy(ms_pane *p)
{
	struct procrank_pane *st = p->state;
	if (!st)
		return;
	ms_tablew_free(&st->table);
	free(st->rows);
	free(st->cols);
	free(st);
}

static const char *const procrank_help[] = {
	"Processes:",
	"  Each figure comes from the best file this user can read: PSS, USS and SWAPPSS "
	"only from /proc/PID/smaps_rollup (summed over smaps on kernels before 4.14); RSS, "
	"VSS and SWAP from it too, or from /proc/PID/status, which every user may read, "
	"where it is not (`memscope procrank -f json` says which: rss_origin).",
	"  '-' is a figure no readable file gives: PSS and USS of another user's process "
	"(smaps_rollup needs root), of a process whose smaps the kernel refuses even to root "
	"(PID 1 in some containers), or of one a snapshot holds no smaps for. It is never "
	"counted as 0.",
	"  Not listed, and counted on the line above the table: kernel threads (they run on "
	"the kernel's memory) and zombies (exited, memory freed, not yet reaped by their "
	"parent).",
	"  The last line totals the rows shown (all, or those the filter matches).",
	"  With a baseline (b: the sample shown; B: none; --baseline A), CHG marks the "
	"processes new since it and those gone (with the baseline's figures), and dPSS and "
	"dRSS are the changes since it. PSS at the right of the status line is the selected "
	"process's over the samples kept.",
	NULL,
};

static int create(ms_pane *p)
{
	struct procrank_pane *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (build_def(st) != 0) {
		free(st);
		return -ENOMEM;
	}
	ms_tablew_init(&st->table, &ms_procrank_table, "name", "cmdline");
	st->fresh = true;
	p->state = st;
	return 0;
}

const ms_pane_class ms_pane_procrank = {
	.name = "procrank",
	.parts = MS_PART_PROCS | MS_PART_PROC_DETAIL,
	.table = &ms_procrank_table,
	.help = procrank_help,
	.hint = "Enter:VMA",
	.sorts = true,
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
	.filter = ms_table_pane_filter,
};
