/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 1, procrank: the process table with a totals line. Its columns,
 * sort keys and default order are ms_procrank_table's, as in
 * `memscope procrank`. Enter opens the VMA pane of the selected process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

struct procrank_pane {
	ms_tablew table; /* first: ms_table_pane_key/filter take it */
	unsigned long generation;
	bool fresh; /* nothing drawn yet: rows must be taken */
};

static void take_rows(struct procrank_pane *st, const ms_view_data *d)
{
	if (!st->fresh && st->generation == d->generation)
		return;
	st->fresh = false;
	st->generation = d->generation;
	st->table.plain_kb = d->plain_kb;
	ms_tablew_set_rows(&st->table, d->cur->procs, d->cur->nprocs, sizeof(ms_proc), d->cur);
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
	if (m->nunknown)
		ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				 "  -: %zu unreadable (? explains)", m->nunknown);
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
	draw_status(st, s, r, m);
	/* Totals of the rows shown, so that a filter gives the total of what
	 * it matched (procrank's TOTAL line, for a group of processes). */
	ms_proc total;
	ms_procs_totals((const ms_proc *)st->table.rows, st->table.n, &total);
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
	NULL,
};

static int create(ms_pane *p)
{
	struct procrank_pane *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	ms_tablew_init(&st->table, &ms_procrank_table, "name", "cmdline");
	st->fresh = true;
	p->state = st;
	return 0;
}

const ms_pane_class ms_pane_procrank = {
	.name = "procrank",
	.parts = MS_PART_PROCS,
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
