/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 7, cgroups: the memory cgroup trees (v1's memory hierarchy and the
 * unified one), each group indented under its parent, with its usage
 * against its hard limit as a bar that reads without colour, what the
 * usage is made of, its OOM kills and its memory pressure. The rows keep
 * the tree's order (no sort: a sorted tree is no tree). The figures are
 * ms_cgroup_fig's, as in `memscope cgroups`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

#define BAR_CELLS 10

/* One group, its cells made ready for the table (the limits and the bar
 * are text: "max" is no number, and the bar is drawn from usage). */
struct cg_row {
	char name[160];          /* indented base name; "v1 /" for a root */
	const char *path;        /* into the sample */
	int64_t usage_kb, anon_kb, file_kb, kernel_kb, swap_kb, oom_kills, use_pct;
	char max[16], high[16];  /* "64.0M", "max", "-" */
	char bar[BAR_CELLS + 24]; /* "[#######   ] 73%"; "" without a limit */
	char psi[MS_CELL_MAX];   /* memory.pressure some avg10, "-" on v1 */
};

struct cgroups_pane {
	ms_tablew table; /* first: ms_table_pane_key/filter take it */
	unsigned long generation;
	bool fresh;
	struct cg_row *rows;
	size_t nrows;
};

#define KB_COL(k, t, field, rank, h)                                                    \
	{ .key = k, .title = t, .width = 7, .kind = MS_COL_KB,                           \
	  .offset = offsetof(struct cg_row, field), .drop_rank = rank, .help = h }

static const ms_column cg_cols[] = {
	{ .key = "group", .title = "GROUP", .width = 20, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct cg_row, name), .str_inline = true,
	  .help = "memory cgroup, indented under its parent; \"v1 /\" and \"v2 /\" are the "
		  "roots of the two hierarchies" },
	KB_COL("usage_kb", "USAGE", usage_kb, 0,
	       "memory in use by the group and its children (v2 memory.current, v1 "
	       "memory.usage_in_bytes)"),
	{ .key = "max", .title = "MAX", .width = 7, .kind = MS_COL_STR,
	  .offset = offsetof(struct cg_row, max), .str_inline = true,
	  .help = "hard limit (v2 memory.max, v1 memory.limit_in_bytes); max: none" },
	{ .key = "use", .title = "USE", .width = BAR_CELLS + 6, .kind = MS_COL_STR,
	  .left = true, .offset = offsetof(struct cg_row, bar), .str_inline = true,
	  .help = "usage against MAX: one # per tenth, and the percentage; blank without a "
		  "limit" },
	{ .key = "high", .title = "HIGH", .width = 7, .kind = MS_COL_STR,
	  .offset = offsetof(struct cg_row, high), .str_inline = true, .drop_rank = 4,
	  .help = "v2 memory.high: above it the group is throttled and reclaimed; max: none; "
		  "- on v1" },
	KB_COL("anon_kb", "ANON", anon_kb, 2,
	       "anonymous memory (v2 memory.stat anon, v1 total_rss)"),
	KB_COL("file_kb", "FILE", file_kb, 3,
	       "page cache (v2 memory.stat file, v1 total_cache)"),
	KB_COL("kernel_kb", "KERNEL", kernel_kb, 5,
	       "kernel memory (v2 memory.stat kernel, 5.18+; v1 memory.kmem.usage_in_bytes)"),
	KB_COL("swap_kb", "SWAP", swap_kb, 6,
	       "swap in use (v2 memory.swap.current, v1 memory.stat total_swap)"),
	{ .key = "oom_kill", .title = "OOMK", .width = 4, .kind = MS_COL_INT,
	  .offset = offsetof(struct cg_row, oom_kills), .drop_rank = 1,
	  .help = "processes the OOM killer killed in it (memory.events oom_kill, v1 "
		  "memory.oom_control oom_kill)" },
	{ .key = "psi", .title = "PSI10", .width = 5, .kind = MS_COL_STR,
	  .offset = offsetof(struct cg_row, psi), .str_inline = true, .drop_rank = 7,
	  .help = "memory.pressure some avg10: % of the last 10 s in which a task of the "
		  "group stalled on memory (v2 only)" },
};

static const ms_table_def cg_table = {
	.name = "cgroups",
	.cols = cg_cols,
	.ncols = MS_ARRAY_LEN(cg_cols),
	.default_sort = NULL,
	.tie_break = "group",
};

static bool has_cgroups(const ms_sample *s)
{
	return (s->parts & MS_PART_CGROUPS) && s->st[MS_P_CGROUPS].status == 0;
}

static int64_t kb_of(int64_t bytes)
{
	return bytes == MS_NA ? MS_NA : bytes / 1024;
}

static void limit_text(char *dst, size_t cap, int64_t bytes, bool plain)
{
	if (bytes == MS_CG_MAX)
		snprintf(dst, cap, "max");
	else if (bytes == MS_NA)
		snprintf(dst, cap, "-");
	else
		ms_format_kb(dst, cap, bytes / 1024, plain);
}

/* "[#######   ] 73%": a cell per tenth of the limit, full past it. */
static void bar_text(char *dst, size_t cap, int64_t pct)
{
	char cells[BAR_CELLS + 1];
	int64_t fill = pct > 100 ? BAR_CELLS : pct * BAR_CELLS / 100;

	if (pct == MS_NA) {
		dst[0] = '\0';
		return;
	}
	for (int i = 0; i < BAR_CELLS; i++)
		cells[i] = i < fill ? '#' : ' ';
	cells[BAR_CELLS] = '\0';
	snprintf(dst, cap, "[%s]%3" PRId64 "%%", cells, pct > 999 ? 999 : pct);
}

static void fill_row(struct cg_row *r, const ms_cgroup *g, bool plain)
{
	int depth = g->depth < 16 ? g->depth : 16;
	const char *base = strrchr(g->path, '/');

	memset(r, 0, sizeof *r);
	if (g->depth == 0)
		snprintf(r->name, sizeof r->name, "v%d /", g->version);
	else
		snprintf(r->name, sizeof r->name, "%*s%s", 2 * depth, "",
			 base && base[1] ? base + 1 : g->path);
	r->path = g->path;
	r->usage_kb = kb_of(ms_cgroup_fig(g, MS_CGF_USAGE));
	r->anon_kb = kb_of(ms_cgroup_fig(g, MS_CGF_ANON));
	r->file_kb = kb_of(ms_cgroup_fig(g, MS_CGF_FILE));
	r->kernel_kb = kb_of(ms_cgroup_fig(g, MS_CGF_KERNEL));
	r->swap_kb = kb_of(ms_cgroup_fig(g, MS_CGF_SWAP));
	r->oom_kills = ms_cgroup_oom_kills(g);
	r->use_pct = ms_cgroup_use_pct(g);
	limit_text(r->max, sizeof r->max, ms_cgroup_fig(g, MS_CGF_MAX), plain);
	limit_text(r->high, sizeof r->high, ms_cgroup_fig(g, MS_CGF_HIGH), plain);
	bar_text(r->bar, sizeof r->bar, r->use_pct);
	ms_psi_pct_text(r->psi, g->psi_status == 0 ? g->psi.some.avg10 : MS_NA);
}

static int take_rows(struct cgroups_pane *st, const ms_view_data *d)
{
	const ms_cgroups *c = &d->cur->cgroups;

	if (!st->fresh && st->generation == d->generation && st->table.plain_kb == d->plain_kb)
		return 0;
	st->fresh = false;
	st->generation = d->generation;
	st->table.plain_kb = d->plain_kb;
	free(st->rows);
	st->nrows = 0;
	st->rows = calloc(c->n ? c->n : 1, sizeof *st->rows);
	if (!st->rows)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		fill_row(&st->rows[st->nrows++], &c->g[i], d->plain_kb);
	return ms_tablew_set_rows(&st->table, st->rows, st->nrows, sizeof *st->rows, d->cur);
}

/* Near or at its limit: the rows to look at first (bold or reverse where
 * there is no colour). */
static ms_attr row_attr(const void *row, const void *ctx)
{
	const struct cg_row *r = row;

	(void)ctx;
	return (r->use_pct != MS_NA && r->use_pct >= 90) ||
	       (r->oom_kills != MS_NA && r->oom_kills > 0) ? MS_ATTR_WARN : MS_ATTR_NORMAL;
}

/* "6 groups  v2 sys/fs/cgroup" and the selected group's whole path. */
static void draw_status(const struct cgroups_pane *st, ms_screen *s, ms_rect r,
			const ms_cgroups *c)
{
	int x = ms_table_pane_status(s, r, &st->table, st->nrows, "group", "groups");
	for (int v = 1; v <= 2; v++) {
		const char *root = v == 1 ? c->root_v1 : c->root_v2;
		if (!root[0])
			continue;
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM, "  v%d ", v);
		x += ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM, root,
					     strlen(root));
	}
	const struct cg_row *sel = ms_tablew_selected(&st->table);
	if (sel && x + 4 < r.cols) {
		x += ms_screen_puts(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM, "  ");
		ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_TITLE, sel->path,
					strlen(sel->path));
	}
	if (c->truncated)
		ms_screen_puts(s, r.row, r.col + r.cols - 12, 12, MS_ATTR_WARN, " (truncated)");
}

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct cgroups_pane *st = p->state;

	if (r.rows < 1)
		return;
	if (!has_cgroups(d->cur)) {
		ms_pane_draw_reason(s, r, "memory cgroups", &d->cur->st[MS_P_CGROUPS]);
		return;
	}
	if (take_rows(st, d) != 0) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_WARN, "cgroups: out of memory");
		return;
	}
	draw_status(st, s, r, &d->cur->cgroups);
	ms_rect t = { r.row + 1, r.col, r.rows - 1, r.cols };
	ms_tablew_draw(&st->table, s, t, NULL);
}

static void destroy(ms_pane *p)
{
	struct cgroups_pane *st = p->state;

	if (!st)
		return;
	ms_tablew_free(&st->table);
	free(st->rows);
	free(st);
}

static const char *const cgroups_help[] = {
	"Memory cgroups (/sys/fs/cgroup: v1's memory/ hierarchy, the unified v2 one):",
	"  Each group under its parent, in the tree's order. Usage and the figures of "
	"memory.stat count the group with its children. Rows at 90% of their limit or "
	"more, or with OOM kills, are highlighted. `memscope cgroups` prints every figure "
	"(low, min, swap.max, slab, sock, events, pressure some and full).",
	"  procrank's CGROUP column names each process's group; `memscope procrank --cgroup "
	"PATH` lists those of one group and below.",
	NULL,
};

static int create(ms_pane *p)
{
	struct cgroups_pane *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	ms_tablew_init(&st->table, &cg_table, "group", NULL);
	st->table.fixed_order = true;
	st->table.row_attr = row_attr;
	st->fresh = true;
	p->state = st;
	return 0;
}

const ms_pane_class ms_pane_cgroups = {
	.name = "cgroups",
	.parts = MS_PART_CGROUPS,
	.table = &cg_table,
	.help = cgroups_help,
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = ms_table_pane_key,
	.filter = ms_table_pane_filter,
};
