/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The explorer's panes drawn into a screen buffer from hand-built samples:
 * exact cells and lines, the order of rows and the effect of the sort
 * keys, column dropping on narrow terminals, escaping of names, the reasons
 * shown for parts that could not be read. Expected figures are worked out
 * by hand in the comments.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/screen.h"
#include "memscope/views.h"
#include "memscope/widget.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char *row_text(const ms_screen *s, int row)
{
	ms_buf b = MS_BUF_INIT;
	cr_assert_eq(ms_screen_row_text(s, row, &b), 0);
	return ms_buf_detach(&b);
}

/* The first row holding needle, or -1. */
static int find_row(const ms_screen *s, const char *needle)
{
	for (int r = 0; r < s->rows; r++) {
		char *t = row_text(s, r);
		bool hit = strstr(t, needle) != NULL;
		free(t);
		if (hit)
			return r;
	}
	return -1;
}

/* The n-th whitespace-separated token of a row ("" when there is none). */
static void token(const ms_screen *s, int row, int n, char *out, size_t cap)
{
	char *t = row_text(s, row), *save = NULL;
	char *tok = strtok_r(t, " ", &save);
	for (int i = 0; tok && i < n; i++)
		tok = strtok_r(NULL, " ", &save);
	snprintf(out, cap, "%s", tok ? tok : "");
	free(t);
}

static int token_index(const ms_screen *s, int row, const char *word)
{
	char tok[128];
	for (int i = 0; i < 64; i++) {
		token(s, row, i, tok, sizeof tok);
		if (!tok[0])
			return -1;
		if (strcmp(tok, word) == 0)
			return i;
	}
	return -1;
}

/* The cell under a column title: tables here have no empty cells and no
 * spaces in their cells, so tokens line up with the titles. */
static void cell_under(const ms_screen *s, int head_row, const char *title, int row, char *out,
		       size_t cap)
{
	int i = token_index(s, head_row, title);
	cr_assert_geq(i, 0, "no column %s", title);
	token(s, row, i, out, cap);
}

static void add_kv(ms_kvlist *l, const char *key, int64_t v)
{
	cr_assert_eq(ms_kvlist_add(l, key, strlen(key), v, true), 0);
}

static ms_proc mkproc(int pid, const char *name, int64_t pss, int64_t uss)
{
	ms_proc p;
	memset(&p, 0, sizeof p);
	p.pid = pid;
	p.uid = 0;
	snprintf(p.user, sizeof p.user, "root");
	snprintf(p.name, sizeof p.name, "%s", name);
	p.cmdline = (char *)name;
	p.vss_kb = 4000;
	p.rss_kb = 1000;
	p.pss_kb = pss;
	p.uss_kb = uss;
	p.swap_kb = 0;
	p.swap_pss_kb = 0;
	p.pss_anon_kb = p.pss_file_kb = p.pss_shmem_kb = p.hugetlb_kb = MS_NA;
	p.origin = MS_ORIGIN_ROLLUP;
	return p;
}

static ms_sample base_sample(void)
{
	ms_sample s;
	memset(&s, 0, sizeof s);
	s.info.page_size = 4096;
	snprintf(s.info.path, sizeof s.info.path, "board.tar.gz");
	s.parts = MS_PART_ALL;
	return s;
}

/* Three processes. PSS: bravo 500 > alpha 300 > charlie unknown (last
 * whatever the direction). USS: alpha 250 > bravo 100 > charlie 50. */
static ms_proc three[3];

static ms_sample procs_sample(void)
{
	ms_sample s = base_sample();
	three[0] = mkproc(10, "alpha", 300, 250);
	three[1] = mkproc(20, "bravo", 500, 100);
	three[2] = mkproc(30, "charlie", MS_NA, 50);
	s.procs = three;
	s.nprocs = 3;
	s.nkthreads = 7;
	s.nunknown = 1;
	return s;
}

static void draw_pane(ms_pane *p, ms_screen *scr, const ms_view_data *d)
{
	ms_screen_clear(scr);
	ms_rect r = { 0, 0, scr->rows, scr->cols };
	p->cls->draw(p, scr, r, d);
}

/* ---- the screen buffer -------------------------------------------------- */

Test(widget, untrusted_text_is_escaped)
{
	ms_screen s;
	cr_assert_eq(ms_screen_init(&s, 1, 40), 0);
	const char evil[] = "ab\x1b[2Jc\n\x07";
	int used = ms_screen_put_untrusted(&s, 0, 0, -1, MS_ATTR_NORMAL, evil, strlen(evil));
	char *t = row_text(&s, 0);
	cr_assert_str_eq(t, "ab\\e[2Jc\\n\\x07");
	cr_assert_eq(used, 14);
	for (int c = 0; c < s.cols; c++)
		cr_assert((unsigned char)ms_screen_cell(&s, 0, c)->ch[0] >= 0x20);
	free(t);
	ms_screen_free(&s);
}

Test(widget, text_is_clipped_to_width_and_screen)
{
	ms_screen s;
	cr_assert_eq(ms_screen_init(&s, 2, 10), 0);
	cr_assert_eq(ms_screen_puts(&s, 0, 0, 4, MS_ATTR_NORMAL, "abcdefgh"), 4);
	cr_assert_eq(ms_screen_puts(&s, 1, 7, -1, MS_ATTR_NORMAL, "xyz123"), 3);
	char *a = row_text(&s, 0), *b = row_text(&s, 1);
	cr_assert_str_eq(a, "abcd");
	cr_assert_str_eq(b, "       xyz");
	free(a);
	free(b);
	ms_screen_free(&s);
}

Test(widget, wide_characters_take_two_cells)
{
	ms_screen s;
	cr_assert_eq(ms_screen_init(&s, 1, 6), 0);
	/* Two CJK characters: four columns. */
	cr_assert_eq(ms_screen_puts(&s, 0, 0, -1, MS_ATTR_NORMAL, "\xe6\x97\xa5\xe6\x9c\xac"), 4);
	cr_assert_str_eq(ms_screen_cell(&s, 0, 1)->ch, "");
	/* A narrow character over the right half breaks the first one. */
	ms_screen_puts(&s, 0, 1, -1, MS_ATTR_NORMAL, "x");
	char *t = row_text(&s, 0);
	cr_assert_str_eq(t, " x\xe6\x9c\xac");
	free(t);
	/* One that does not fit in the last column is left out. */
	cr_assert_eq(ms_screen_puts(&s, 0, 5, -1, MS_ATTR_NORMAL, "\xe6\x97\xa5"), 0);
	ms_screen_free(&s);
}

/* ---- the table widget --------------------------------------------------- */

/* At every width, the columns left out are droppable and were dropped
 * highest rank first, and what is left fits unless only columns that are
 * never dropped remain. */
Test(widget, narrow_widths_drop_columns_by_rank)
{
	const ms_table_def *tables[] = { &ms_procrank_table, &ms_slab_table, &ms_vma_table };
	for (size_t t = 0; t < MS_ARRAY_LEN(tables); t++) {
		const ms_table_def *def = tables[t];
		size_t order[MS_TABLEW_MAX_COLS], pos_of[MS_TABLEW_MAX_COLS];
		ms_table_text_order(def, order);
		for (size_t i = 0; i < def->ncols; i++)
			pos_of[order[i]] = i;
		for (int cols = 20; cols <= 220; cols++) {
			int idx[MS_TABLEW_MAX_COLS], width[MS_TABLEW_MAX_COLS];
			int n = ms_tablew_layout(def, cols, idx, width);
			bool kept[MS_TABLEW_MAX_COLS] = { false };
			int total = n - 1, min_dropped = 1 << 30, max_kept = 0;
			for (int i = 0; i < n; i++) {
				kept[idx[i]] = true;
				total += width[i];
				if (i > 0)
					cr_assert_lt(pos_of[idx[i - 1]], pos_of[idx[i]],
						     "the order text shows kept");
			}
			for (size_t c = 0; c < def->ncols; c++) {
				int rank = def->cols[c].drop_rank;
				if (!kept[c]) {
					cr_assert_gt(rank, 0, "%s: %s dropped", def->name,
						     def->cols[c].key);
					min_dropped = rank < min_dropped ? rank : min_dropped;
				} else if (rank > max_kept) {
					max_kept = rank;
				}
			}
			cr_assert_leq(max_kept, min_dropped, "%s at %d", def->name, cols);
			if (max_kept > 0)
				cr_assert_leq(total, cols, "%s at %d", def->name, cols);
		}
	}
}

Test(widget, wide_terminal_shows_every_procrank_column)
{
	int idx[MS_TABLEW_MAX_COLS], width[MS_TABLEW_MAX_COLS];
	cr_assert_eq(ms_tablew_layout(&ms_procrank_table, 200, idx, width),
		     (int)ms_procrank_table.ncols);
}

/* ---- procrank ----------------------------------------------------------- */

Test(widget, procrank_rows_in_pss_order_with_totals)
{
	ms_sample s = procs_sample();
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 120), 0);
	draw_pane(&p, &scr, &d);

	int head = find_row(&scr, "PID");
	int a = find_row(&scr, "alpha"), b = find_row(&scr, "bravo"), c = find_row(&scr, "charlie");
	cr_assert(head >= 0 && a > head && b > head && c > head);
	cr_assert_lt(b, a, "PSS 500 above 300");
	cr_assert_lt(a, c, "unknown PSS last");
	char cell[64];
	cell_under(&scr, head, "PSS", b, cell, sizeof cell);
	cr_assert_str_eq(cell, "500K");
	cell_under(&scr, head, "PSS", c, cell, sizeof cell);
	cr_assert_str_eq(cell, "-", "unknown is '-', never 0");
	/* TOTAL: 500 + 300 (the unknown one adds nothing) */
	int tot = find_row(&scr, "TOTAL");
	cr_assert_gt(tot, c);
	char *t = row_text(&scr, tot);
	cr_assert(strstr(t, " 800K"), "totals line: %s", t);
	free(t);
	/* the status line counts what the sample says */
	t = row_text(&scr, 0);
	cr_assert(strstr(t, "3 processes  sort: PSS desc  not listed: 7 kernel threads  -: 1 unreadable"),
		  "%s", t);
	free(t);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, sort_keys_change_the_order)
{
	ms_sample s = procs_sample();
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 120), 0);
	draw_pane(&p, &scr, &d);

	/* '>' moves from PSS to the next column, USS, descending: alpha 250,
	 * bravo 100, charlie 50. */
	cr_assert_eq(p.cls->key(&p, '>'), MS_PANE_USED);
	draw_pane(&p, &scr, &d);
	cr_assert_lt(find_row(&scr, "alpha"), find_row(&scr, "bravo"));
	cr_assert_lt(find_row(&scr, "bravo"), find_row(&scr, "charlie"));
	cr_assert_geq(find_row(&scr, "sort: USS desc"), 0);
	/* 'r' reverses it. */
	cr_assert_eq(p.cls->key(&p, 'r'), MS_PANE_USED);
	draw_pane(&p, &scr, &d);
	cr_assert_lt(find_row(&scr, "charlie"), find_row(&scr, "bravo"));
	cr_assert_lt(find_row(&scr, "bravo"), find_row(&scr, "alpha"));
	cr_assert_geq(find_row(&scr, "sort: USS asc"), 0);
	/* '<' goes back to PSS, in its own default direction. */
	cr_assert_eq(p.cls->key(&p, '<'), MS_PANE_USED);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "sort: PSS desc"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, enter_opens_the_selected_process)
{
	ms_sample s = procs_sample();
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 120), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_eq(p.cls->key(&p, MS_KEY_ENTER), MS_PANE_OPEN_VMA);
	cr_assert_eq(p.open_pid, 20, "bravo is first by PSS");
	p.cls->key(&p, MS_KEY_DOWN);
	cr_assert_eq(p.cls->key(&p, MS_KEY_ENTER), MS_PANE_OPEN_VMA);
	cr_assert_eq(p.open_pid, 10);
	p.cls->key(&p, MS_KEY_END);
	p.cls->key(&p, MS_KEY_ENTER);
	cr_assert_eq(p.open_pid, 30);
	p.cls->key(&p, MS_KEY_HOME);
	p.cls->key(&p, MS_KEY_ENTER);
	cr_assert_eq(p.open_pid, 20);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, selection_follows_the_process_across_refreshes)
{
	ms_sample s = procs_sample();
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 120), 0);
	draw_pane(&p, &scr, &d);
	p.cls->key(&p, MS_KEY_DOWN); /* alpha, second */
	three[0].pss_kb = 900;  /* alpha now first */
	d.generation = 2;
	draw_pane(&p, &scr, &d);
	p.cls->key(&p, MS_KEY_ENTER);
	cr_assert_eq(p.open_pid, 10);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, filter_keeps_matching_names_and_totals_them)
{
	ms_sample s = procs_sample();
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 120), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_eq(p.cls->filter(&p, "ALP"), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "alpha"), 0);
	cr_assert_eq(find_row(&scr, "bravo"), -1);
	char *t = row_text(&scr, find_row(&scr, "TOTAL"));
	cr_assert(strstr(t, " 300K"), "%s", t);
	free(t);
	cr_assert_eq(p.cls->filter(&p, ""), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "bravo"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, control_characters_in_names_are_escaped)
{
	ms_sample s = procs_sample();
	snprintf(three[1].name, sizeof three[1].name, "ev\x1b]0;x\x07il");
	three[1].cmdline = "sh\n-c\trm";
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 160), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "ev\\e]0;x\\x07il"), 0);
	cr_assert_geq(find_row(&scr, "sh\\n-c\\trm"), 0);
	for (int r = 0; r < scr.rows; r++)
		for (int c = 0; c < scr.cols; c++) {
			unsigned char ch = (unsigned char)ms_screen_cell(&scr, r, c)->ch[0];
			cr_assert(ch == 0 || ch >= 0x20, "raw control byte at %d,%d", r, c);
		}
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, procrank_at_80_columns_drops_instead_of_wrapping)
{
	ms_sample s = procs_sample();
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 80), 0);
	draw_pane(&p, &scr, &d);
	int head = find_row(&scr, "PID");
	cr_assert_geq(head, 0);
	/* PSS and USS are never dropped; the rows still hold one process each */
	cr_assert_geq(token_index(&scr, head, "USS"), 0);
	char cell[64];
	cell_under(&scr, head, "PSS", find_row(&scr, "alpha"), cell, sizeof cell);
	cr_assert_str_eq(cell, "300K");
	cr_assert_eq(find_row(&scr, "COMMAND"), -1, "the widest droppable column goes first");
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, unreadable_processes_show_their_reason)
{
	ms_sample s = base_sample();
	s.st[MS_P_PROCS].status = -EACCES;
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 5, 80), 0);
	draw_pane(&p, &scr, &d);
	char *t = row_text(&scr, 0), want[80];
	snprintf(want, sizeof want, "processes: %s", ms_denied_reason());
	cr_assert_str_eq(t, want);
	free(t);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

/* ---- slabs -------------------------------------------------------------- */

static ms_slab mkslab(const char *name, int64_t num_slabs)
{
	ms_slab c;
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	c.objsize = 192;
	c.objperslab = 21;
	c.pagesperslab = 1;
	c.num_slabs = c.active_slabs = num_slabs;
	c.num_objs = c.active_objs = num_slabs * 21;
	c.limit = c.batchcount = c.sharedfactor = c.sharedavail = MS_NA;
	return c;
}

Test(widget, slab_growth_since_previous_refresh)
{
	/* 4 KiB pages, one page per slab: size_kb = 4 x num_slabs.
	 * dentry 10 -> 12 slabs: 40K -> 48K, +8K; kmalloc-64 is new with 2
	 * slabs: +8K from nothing; filp 5 -> 5: 0K; inode 9 -> 7: -8K. */
	ms_slab before[] = { mkslab("dentry", 10), mkslab("filp", 5), mkslab("inode", 9) };
	ms_slab now[] = { mkslab("dentry", 12), mkslab("filp", 5), mkslab("inode", 7),
			  mkslab("kmalloc-64", 2) };
	ms_sample prev = base_sample(), cur = base_sample();
	prev.slabs.caches = before;
	prev.slabs.n = 3;
	cur.slabs.caches = now;
	cur.slabs.n = 4;
	prev.captured_by_clock = cur.captured_by_clock = true;
	cur.loaded.tv_sec = 2;
	ms_view_data d = { .cur = &cur, .prev = &prev, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("slabs")), 0);
	cr_assert_eq(ms_screen_init(&scr, 10, 140), 0);
	draw_pane(&p, &scr, &d);
	int head = find_row(&scr, "GROWTH");
	cr_assert_geq(head, 0);
	struct { const char *name, *size, *growth; } want[] = {
		{ "dentry", "48K", "8K" }, { "kmalloc-64", "8K", "8K" },
		{ "filp", "20K", "0K" }, { "inode", "28K", "-8K" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(want); i++) {
		int r = find_row(&scr, want[i].name);
		char cell[64];
		cr_assert_gt(r, head);
		cell_under(&scr, head, "SIZE", r, cell, sizeof cell);
		cr_assert_str_eq(cell, want[i].size, "%s", want[i].name);
		cell_under(&scr, head, "GROWTH", r, cell, sizeof cell);
		cr_assert_str_eq(cell, want[i].growth, "%s", want[i].name);
		cr_assert_eq(ms_screen_cell(&scr, r, 0)->attr,
			     i == 0 ? MS_ATTR_SELECTED : i == 1 ? MS_ATTR_GROW : MS_ATTR_NORMAL);
	}
	/* ranked by size: dentry 48K, inode 28K, filp 20K, kmalloc-64 8K */
	cr_assert_lt(find_row(&scr, "dentry"), find_row(&scr, "inode"));
	cr_assert_lt(find_row(&scr, "inode"), find_row(&scr, "filp"));
	cr_assert_lt(find_row(&scr, "filp"), find_row(&scr, "kmalloc-64"));
	/* 48 + 20 + 28 + 8 = 104K in all, grown 8 + 8 + 0 - 8 = 8K */
	cr_assert_geq(find_row(&scr, "4 caches  sort: SIZE desc  size 104K"), 0);
	cr_assert_geq(find_row(&scr, "+8K in 2.0s"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, slab_growth_unknown_without_a_previous_sample)
{
	ms_slab now[] = { mkslab("dentry", 12) };
	ms_sample cur = base_sample();
	cur.slabs.caches = now;
	cur.slabs.n = 1;
	ms_view_data d = { .cur = &cur, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("slabs")), 0);
	cr_assert_eq(ms_screen_init(&scr, 6, 140), 0);
	draw_pane(&p, &scr, &d);
	char cell[64];
	cell_under(&scr, find_row(&scr, "GROWTH"), "GROWTH", find_row(&scr, "dentry"), cell,
		   sizeof cell);
	cr_assert_str_eq(cell, "-");
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, slabinfo_needing_root_says_so)
{
	ms_sample cur = base_sample();
	cur.st[MS_P_SLABINFO].status = -EACCES;
	ms_view_data d = { .cur = &cur, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("slabs")), 0);
	cr_assert_eq(ms_screen_init(&scr, 6, 80), 0);
	draw_pane(&p, &scr, &d);
	char *t = row_text(&scr, 0), want[80];
	snprintf(want, sizeof want, "slabinfo: %s", ms_denied_reason());
	cr_assert_str_eq(t, want);
	free(t);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

/* ---- buddy/zones -------------------------------------------------------- */

/* Node 0 Normal, orders 0-3 with 10, 5, 0, 1 free blocks: 10 + 10 + 0 + 8
 * = 28 pages = 112K. */
static ms_sample buddy_sample(ms_buddy_zone *b, ms_zone *z, int64_t free_pages)
{
	ms_sample s = base_sample();
	memset(b, 0, sizeof *b);
	b->node = 0;
	snprintf(b->zone, sizeof b->zone, "Normal");
	b->norders = 4;
	b->free[0] = 10;
	b->free[1] = 5;
	b->free[2] = 0;
	b->free[3] = 1;
	memset(z, 0, sizeof *z);
	snprintf(z->zone, sizeof z->zone, "Normal");
	z->free_pages = free_pages;
	z->min = 5;
	z->low = 10;
	z->high = 15;
	z->spanned = z->present = z->managed = 64;
	z->cma = MS_NA;
	s.buddy.zones = b;
	s.buddy.n = 1;
	s.zones.zones = z;
	s.zones.n = 1;
	s.st[MS_P_PAGETYPE].status = -EACCES;
	return s;
}

Test(widget, buddy_histogram_and_allocatable_order)
{
	ms_buddy_zone b;
	ms_zone z;
	ms_sample s = buddy_sample(&b, &z, 28);
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("buddy/zones")), 0);
	cr_assert_eq(ms_screen_init(&scr, 20, 100), 0);
	draw_pane(&p, &scr, &d);
	char *t = row_text(&scr, 0);
	/* order 3 leaves 28 - 7 = 21 pages, above low (10): 8 pages = 32K */
	cr_assert(strstr(t, "Node 0, zone Normal"), "%s", t);
	cr_assert(strstr(t, "free 112K (28 pages)"), "%s", t);
	cr_assert(strstr(t, "largest allocatable now: order 3 (32K)"), "%s", t);
	free(t);
	cr_assert_geq(find_row(&scr, "pages: free 28  min 5  low 10  high 15  managed 64  "
				     "[above high]"), 0);
	int head = find_row(&scr, "unusable");
	cr_assert_gt(head, 0);
	/* order 1: blocks of 8K, 5 free, 40K */
	char cell[32];
	cell_under(&scr, head, "block", head + 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "8K");
	cell_under(&scr, head, "free", head + 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "5");
	cell_under(&scr, head, "kB", head + 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "40K");
	/* bars scale with kB: order 0 (40K) and 1 (40K) as long as order 3 (32K)
	 * is 4/5 of them, order 2 has none */
	int bar0 = 0, bar2 = 0, bar3 = 0;
	for (int c = 0; c < scr.cols; c++) {
		bar0 += ms_screen_cell(&scr, head + 1, c)->ch[0] == '#';
		bar2 += ms_screen_cell(&scr, head + 3, c)->ch[0] == '#';
		bar3 += ms_screen_cell(&scr, head + 4, c)->ch[0] == '#';
	}
	cr_assert_gt(bar0, 0);
	cr_assert_eq(bar2, 0);
	cr_assert(bar3 * 5 >= bar0 * 4 - 5 && bar3 * 5 <= bar0 * 4 + 5, "%d vs %d", bar3, bar0);
	char want[80];
	snprintf(want, sizeof want, "migrate types (pagetypeinfo): %s", ms_denied_reason());
	cr_assert_geq(find_row(&scr, want), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, buddy_below_the_low_watermark)
{
	ms_buddy_zone b;
	ms_zone z;
	/* 12 free pages: order 3 leaves 5, order 2 leaves 9 (not above low
	 * 10), order 1 leaves 11: order 1, 8K. 12 is between low and high. */
	ms_sample s = buddy_sample(&b, &z, 12);
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("buddy/zones")), 0);
	cr_assert_eq(ms_screen_init(&scr, 20, 120), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "largest allocatable now: order 1 (8K)"), 0);
	cr_assert_geq(find_row(&scr, "[between low and high"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

/* ---- VMA ---------------------------------------------------------------- */

static void add_vma(ms_vmalist *l, uint64_t start, uint64_t end, const char *perms,
		    const char *path, int64_t rss, int64_t pss)
{
	ms_vma v;
	memset(&v, 0, sizeof v);
	ms_memcounters_init(&v.mem);
	v.start = start;
	v.end = end;
	snprintf(v.perms, sizeof v.perms, "%s", perms);
	v.path_off = (uint32_t)l->strings.len;
	v.path_len = (uint32_t)strlen(path);
	cr_assert_eq(ms_buf_append(&l->strings, path, strlen(path) + 1), 0);
	v.mem.size = (int64_t)((end - start) / 1024);
	v.mem.rss = rss;
	v.mem.pss = pss;
	v.mem.private_clean = 0;
	v.mem.private_dirty = pss;
	v.mem.swap = 0;
	l->v = realloc(l->v, (l->n + 1) * sizeof(ms_vma));
	cr_assert_not_null(l->v);
	l->v[l->n++] = v;
	l->cap = l->n;
}

/* 0x400000 code 4K, 0x401000 data 8K, then 0x403000-0x500000 unmapped
 * (0xfd000 bytes = 1012K), then a 64K heap. */
static void three_vmas(ms_vmalist *l)
{
	memset(l, 0, sizeof *l);
	l->from_smaps = true;
	add_vma(l, 0x400000, 0x401000, "r-xp", "/bin/app", 4, 4);
	add_vma(l, 0x401000, 0x403000, "rw-p", "/bin/app", 8, 8);
	add_vma(l, 0x500000, 0x510000, "rw-p", "[heap]", 64, 64);
}

Test(widget, vma_rows_gaps_kinds_and_strip)
{
	ms_vmalist l;
	three_vmas(&l);
	ms_sample s = base_sample();
	ms_view_data d = { .cur = &s, .generation = 1, .vma_pid = 42, .vma_name = "app",
			   .vmas = &l };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("vma")), 0);
	cr_assert_eq(ms_screen_init(&scr, 24, 100), 0);
	draw_pane(&p, &scr, &d);
	char *t = row_text(&scr, 0);
	cr_assert(strstr(t, "PID 42 app: 3 mappings  size 76K rss 76K pss 76K uss 76K swap 0K"),
		  "%s", t);
	free(t);
	/* rows in address order, the gap between data and heap */
	int code = find_row(&scr, "400000"), data = find_row(&scr, "403000 rw-p");
	int gap = find_row(&scr, "-- gap of 1012K, 403000-500000 unmapped --");
	int heap = find_row(&scr, "[heap]");
	cr_assert(code > 0 && data > code && gap == data + 1 && heap == gap + 1,
		  "%d %d %d %d", code, data, gap, heap);
	t = row_text(&scr, code);
	cr_assert(strstr(t, "/bin/app"), "path shown: %s", t);
	free(t);
	/* one code, one data, one heap mapping */
	int count = find_row(&scr, "count");
	cr_assert_gt(count, 0);
	char cell[32];
	token(&scr, count, 1, cell, sizeof cell);
	cr_assert_str_eq(cell, "1", "code");
	token(&scr, count, 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "1", "data");
	token(&scr, count, 3, cell, sizeof cell);
	cr_assert_str_eq(cell, "1", "heap");
	token(&scr, count, 4, cell, sizeof cell);
	cr_assert_str_eq(cell, "0", "stack");
	/* the strip: code, data, the 1012K gap (larger than all 76K mapped)
	 * as one '/', then the heap, which takes 64 of the 76K */
	int strip = find_row(&scr, "map  ");
	cr_assert_gt(strip, 0);
	t = row_text(&scr, strip);
	const char *m = t + 5;
	size_t nx = strspn(m, "x"), nd = strspn(m + nx, "d");
	cr_assert(nx > 0 && nd > 0 && m[nx + nd] == '/', "%s", t);
	size_t nh = strspn(m + nx + nd + 1, "h");
	cr_assert_eq(m[nx + nd + 1 + nh], '\0', "%s", t);
	cr_assert_gt(nh, 4 * (nx + nd), "%s", t);
	free(t);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
	ms_vmalist_free(&l);
}

Test(widget, vma_of_a_gone_process_says_why)
{
	ms_sample s = base_sample();
	ms_error err = { 0 };
	ms_view_data d = { .cur = &s, .generation = 1, .vma_pid = 4242, .vma_status = -ENOENT,
			   .vma_err = &err };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("vma")), 0);
	cr_assert_eq(ms_screen_init(&scr, 6, 80), 0);
	draw_pane(&p, &scr, &d);
	char *t = row_text(&scr, 0);
	cr_assert_str_eq(t, "mappings of PID 4242: not available");
	free(t);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, vma_list_replaced_between_draws)
{
	/* The app frees the mappings before the pane takes the new ones: the
	 * pane must not read the old ones then (ASan watches this test). */
	ms_vmalist *a = calloc(1, sizeof *a), b;
	cr_assert_not_null(a);
	three_vmas(a);
	ms_sample s = base_sample();
	ms_view_data d = { .cur = &s, .generation = 1, .vma_pid = 42, .vmas = a };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("vma")), 0);
	cr_assert_eq(ms_screen_init(&scr, 24, 100), 0);
	draw_pane(&p, &scr, &d);
	p.cls->key(&p, MS_KEY_END); /* the heap, last */
	ms_vmalist_free(a);
	free(a);
	three_vmas(&b);
	add_vma(&b, 0x7ff000, 0x800000, "rw-p", "[stack]", 4, 4);
	d.vmas = &b;
	d.generation = 2;
	draw_pane(&p, &scr, &d);
	/* the heap is still the one selected, found by its end address */
	int heap = find_row(&scr, "[heap]");
	cr_assert_gt(heap, 0);
	cr_assert_eq(ms_screen_cell(&scr, heap, 0)->attr, MS_ATTR_SELECTED);
	cr_assert_geq(find_row(&scr, "[stack]"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
	ms_vmalist_free(&b);
}

Test(widget, buddy_with_absurdly_many_zones_is_drawn_in_part)
{
	enum { NZONES = 70 };
	ms_buddy_zone *b = calloc(NZONES, sizeof *b);
	cr_assert_not_null(b);
	for (int i = 0; i < NZONES; i++) {
		b[i].node = i;
		snprintf(b[i].zone, sizeof b[i].zone, "Normal");
		b[i].norders = 1;
		b[i].free[0] = 1;
	}
	ms_sample s = base_sample();
	s.buddy.zones = b;
	s.buddy.n = NZONES;
	s.st[MS_P_ZONEINFO].status = -ENOENT;
	s.st[MS_P_PAGETYPE].status = -ENOENT;
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("buddy/zones")), 0);
	cr_assert_eq(ms_screen_init(&scr, 20, 100), 0);
	draw_pane(&p, &scr, &d);
	cr_assert_eq(find_row(&scr, "watermarks (zoneinfo): not available"), 0);
	cr_assert_eq(p.cls->key(&p, MS_KEY_END), MS_PANE_USED);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "6 more zones not shown"), 0);
	cr_assert_geq(find_row(&scr, "Node 63, zone Normal"), 0);
	cr_assert_eq(find_row(&scr, "Node 64,"), -1);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
	free(b);
}

/* ---- header and help ---------------------------------------------------- */

Test(widget, header_bar_splits_memtotal)
{
	/* MemTotal 1000 kB: anon 250, cache 250, free 500. The bar has
	 * 100 - 2 = 98 cells: anon ends at round(250 * 98 / 1000) = 25 (24.5
	 * rounds up), cache at round(500 * 98 / 1000) = 49, free fills to 98:
	 * 25 A, 24 C, 49 '.'. */
	ms_sample s = base_sample();
	add_kv(&s.meminfo, "MemTotal", 1000);
	add_kv(&s.meminfo, "MemFree", 500);
	add_kv(&s.meminfo, "AnonPages", 250);
	add_kv(&s.meminfo, "Cached", 250);
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_screen scr;
	cr_assert_eq(ms_screen_init(&scr, 4, 100), 0);
	cr_assert_eq(ms_header_draw(&scr, &d), MS_HEADER_ROWS);
	char want[128];
	snprintf(want, sizeof want, "[%.25s%.24s%.49s]",
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		 "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
		 ".......................................................");
	char *t = row_text(&scr, 2);
	cr_assert_str_eq(t, want);
	free(t);
	t = row_text(&scr, 0);
	cr_assert(strstr(t, "snapshot board.tar.gz"), "%s", t);
	free(t);
	t = row_text(&scr, 1);
	cr_assert(strstr(t, "Mem total 1000K  available -  free 500K"), "%s", t);
	free(t);
	ms_kvlist_free(&s.meminfo);
	ms_screen_free(&scr);
}

Test(widget, help_explains_every_column_of_the_pane)
{
	ms_pane p;
	ms_screen scr;
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 150, 200), 0);
	ms_rect r = { 0, 0, 150, 200 };
	int scroll = 0;
	ms_help_draw(&p, true, 1, false, &scr, r, &scroll);
	for (size_t i = 0; i < ms_procrank_table.ncols; i++) {
		const ms_column *c = &ms_procrank_table.cols[i];
		int row = find_row(&scr, c->help);
		cr_assert_geq(row, 0, "help of %s", c->key);
		cr_assert_eq(token_index(&scr, row, c->title), 0, "%s", c->title);
	}
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

/* Runs of blanks as one, none at the ends. */
static void squeeze_blanks(char *s)
{
	char *out = s;
	bool blank = true;

	for (const char *p = s; *p; p++) {
		if (*p == ' ' && blank)
			continue;
		blank = *p == ' ';
		*out++ = *p;
	}
	if (out > s && out[-1] == ' ')
		out--;
	*out = '\0';
}

/* The help at 80 columns: every line of it is there whole, wrapped on
 * blanks rather than cut at the edge, and the keys are the pane's own: no
 * sort keys in a pane that cannot sort, no refresh keys on a snapshot
 * (issue 14). */
Test(widget, help_wraps_at_80_columns_and_offers_the_pane_s_own_keys)
{
	for (size_t i = 0; ms_panes[i]; i++) {
		for (int refreshes = 0; refreshes < 2; refreshes++) {
			ms_pane p;
			ms_screen scr;
			ms_buf all = MS_BUF_INIT, row = MS_BUF_INIT;
			cr_assert_eq(ms_pane_init(&p, ms_panes[i]), 0);
			cr_assert_eq(ms_screen_init(&scr, 300, 80), 0);
			int scroll = 0;
			ms_help_draw(&p, refreshes, 1, false, &scr, (ms_rect){ 0, 0, 300, 80 }, &scroll);
			for (int r = 0; r < 300; r++) {
				cr_assert_eq(ms_screen_row_text(&scr, r, &row), 0);
				cr_assert_leq(row.len, 80u);
				ms_buf_printf(&all, "%s ", row.data ? row.data : "");
			}
			/* squeezed, the text holds each help line whole */
			char *text = strdup(all.data);
			squeeze_blanks(text);
			for (size_t k = 0; p.cls->help && p.cls->help[k]; k++) {
				char *want = strdup(p.cls->help[k]);
				squeeze_blanks(want);
				cr_assert(strstr(text, want), "%s: \"%s\" not whole in:\n%s",
					  p.cls->name, want, text);
				free(want);
			}
			cr_assert_eq(strstr(text, "< > or F6") != NULL, p.cls->sorts, "%s",
				     p.cls->name);
			cr_assert_eq(strstr(text, "+ - longer") != NULL, refreshes, "%s",
				     p.cls->name);
			cr_assert(strstr(text, "(kernel's estimate)"), "wrapped, not cut");
			free(text);
			ms_buf_free(&all);
			ms_buf_free(&row);
			ms_screen_free(&scr);
			ms_pane_destroy(&p);
		}
	}
}

/* ---- a baseline (b, --baseline) ------------------------------------------ */

/* The token of row under a title, for a row whose CHG is empty (one token
 * fewer before the columns that follow it). */
static void cell_under_unmarked(const ms_screen *s, int head, const char *title, int row,
				char *out, size_t cap)
{
	int i = token_index(s, head, title);
	cr_assert_gt(i, 0, "no column %s", title);
	token(s, row, i - 1, out, cap);
}

Test(widget, procrank_changes_since_a_baseline)
{
	/* alpha 300 -> 350: +50; bravo gone (-500); charlie new (+40); pid
	 * 40 reused by another program: the old one gone, the new one new. */
	ms_proc was[] = { mkproc(10, "alpha", 300, 250), mkproc(20, "bravo", 500, 100),
			  mkproc(40, "old", 70, 60) };
	ms_proc now[] = { mkproc(10, "alpha", 350, 250), mkproc(30, "charlie", 40, 30),
			  mkproc(40, "newprog", 20, 10) };
	ms_sample base = base_sample(), cur = base_sample();
	base.procs = was;
	base.nprocs = 3;
	cur.procs = now;
	cur.nprocs = 3;
	ms_view_data d = { .cur = &cur, .prev = &cur, .base = &base, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	char cell[64];

	cr_assert_eq(ms_pane_init(&p, ms_pane_find("procrank")), 0);
	cr_assert_eq(ms_screen_init(&scr, 12, 160), 0);
	draw_pane(&p, &scr, &d);
	int head = find_row(&scr, "dPSS");
	cr_assert_geq(head, 0);
	struct { const char *name, *change, *dpss; } marked[] = {
		{ "bravo", "gone", "-500K" }, { "charlie", "new", "40K" },
		{ "old", "gone", "-70K" }, { "newprog", "new", "20K" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(marked); i++) {
		int r = find_row(&scr, marked[i].name);
		cr_assert_gt(r, head, "%s", marked[i].name);
		cell_under(&scr, head, "CHG", r, cell, sizeof cell);
		cr_assert_str_eq(cell, marked[i].change, "%s", marked[i].name);
		cell_under(&scr, head, "dPSS", r, cell, sizeof cell);
		cr_assert_str_eq(cell, marked[i].dpss, "%s", marked[i].name);
	}
	int alpha = find_row(&scr, "alpha");
	cell_under_unmarked(&scr, head, "dPSS", alpha, cell, sizeof cell);
	cr_assert_str_eq(cell, "50K");
	/* The total of the changes: 50 - 500 + 40 - 70 + 20 = -460K. */
	char *total = row_text(&scr, find_row(&scr, "TOTAL"));
	cr_assert(strstr(total, " -460K "), "%s", total);
	free(total);
	/* Without the baseline the columns go again. */
	d.base = NULL;
	d.generation++;
	draw_pane(&p, &scr, &d);
	cr_assert_lt(find_row(&scr, "dPSS"), 0);
	cr_assert_lt(find_row(&scr, "bravo"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, slabs_growth_since_a_baseline)
{
	/* 4 KiB pages, one page per slab: dentry 10 -> 12 slabs +8K, inode
	 * (9 slabs, 36K) gone, kmalloc-64 new with 2 slabs, +8K; prev is
	 * the current sample, so growth since it would be 0 everywhere. */
	ms_slab was[] = { mkslab("dentry", 10), mkslab("inode", 9) };
	ms_slab now[] = { mkslab("dentry", 12), mkslab("kmalloc-64", 2) };
	ms_sample base = base_sample(), cur = base_sample();
	base.slabs.caches = was;
	base.slabs.n = 2;
	cur.slabs.caches = now;
	cur.slabs.n = 2;
	ms_view_data d = { .cur = &cur, .prev = &cur, .base = &base, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	char cell[64];

	cr_assert_eq(ms_pane_init(&p, ms_pane_find("slabs")), 0);
	cr_assert_eq(ms_screen_init(&scr, 10, 160), 0);
	draw_pane(&p, &scr, &d);
	int head = find_row(&scr, "GROWTH");
	int inode = find_row(&scr, "inode"), kmalloc = find_row(&scr, "kmalloc-64");
	cell_under(&scr, head, "CHG", inode, cell, sizeof cell);
	cr_assert_str_eq(cell, "gone");
	cell_under(&scr, head, "GROWTH", inode, cell, sizeof cell);
	cr_assert_str_eq(cell, "-36K");
	cell_under(&scr, head, "CHG", kmalloc, cell, sizeof cell);
	cr_assert_str_eq(cell, "new");
	cell_under(&scr, head, "GROWTH", kmalloc, cell, sizeof cell);
	cr_assert_str_eq(cell, "8K");
	cell_under_unmarked(&scr, head, "GROWTH", find_row(&scr, "dentry"), cell, sizeof cell);
	cr_assert_str_eq(cell, "8K");
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

Test(widget, sparkline_spans_least_to_most)
{
	int64_t v[] = { 10, 20, MS_NA, 30, 30, 80 };
	int64_t flat[] = { 5, 5, 5 };
	char out[8];

	cr_assert_eq(ms_sparkline(out, sizeof out, v, 6), 6);
	/* (v - 10) / 70 of 7 steps: 0, 1, -, 2, 2, 7. */
	cr_assert_str_eq(out, "_. ::#");
	ms_sparkline(out, sizeof out, flat, 3);
	cr_assert_str_eq(out, "===");
	/* Only the latest fit: cap 4 holds three. */
	ms_sparkline(out, 4, v, 6);
	cr_assert_str_eq(out, "__#");
}

Test(widget, buddy_changes_since_a_baseline)
{
	/* Baseline: Normal with 12, 5, 0, 0 free blocks (22 pages) and a
	 * Movable zone; now: 10, 5, 0, 1 (28 pages), Movable gone. */
	ms_buddy_zone b, was[2];
	ms_zone z;
	ms_sample s = buddy_sample(&b, &z, 28), base = base_sample();
	memset(was, 0, sizeof was);
	was[0] = b;
	was[0].free[0] = 12;
	was[0].free[3] = 0;
	was[1] = b;
	snprintf(was[1].zone, sizeof was[1].zone, "Movable");
	base.buddy.zones = was;
	base.buddy.n = 2;
	ms_view_data d = { .cur = &s, .base = &base, .generation = 1 };
	ms_pane p;
	ms_screen scr;
	char cell[32];

	cr_assert_eq(ms_pane_init(&p, ms_pane_find("buddy/zones")), 0);
	cr_assert_eq(ms_screen_init(&scr, 30, 120), 0);
	draw_pane(&p, &scr, &d);
	/* 28 - 22 = 6 pages = 24K more free. */
	cr_assert_geq(find_row(&scr, "since baseline +24K"), 0);
	int head = find_row(&scr, "unusable");
	const char *want[] = { "-2", "0", "0", "+1" };
	for (int o = 0; o < 4; o++) {
		cell_under(&scr, head, "since", head + 1 + o, cell, sizeof cell);
		cr_assert_str_eq(cell, want[o], "order %d", o);
	}
	cr_assert_geq(find_row(&scr, "Node 0, zone Movable: gone since the baseline"), 0);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}

/* ---- the libs pane ------------------------------------------------------- */

/* One mapping of pid into lr, with its PSS (and RSS, VSS) in kB. */
static void lib_map(ms_librank *lr, const char *path, int64_t kb)
{
	ms_vma v;
	memset(&v, 0, sizeof v);
	ms_memcounters_init(&v.mem);
	v.start = 0x10000;
	v.end = 0x10000 + (uint64_t)kb * 1024;
	snprintf(v.perms, sizeof v.perms, "r-xp");
	v.mem.size = kb;
	v.mem.rss = v.mem.pss = v.mem.private_clean = kb;
	v.mem.private_dirty = v.mem.swap = v.mem.swap_pss = 0;
	cr_assert_eq(ms_librank_add(lr, &v, path), 0);
}

/* alpha (10) maps libc 100 kB and [heap] 50 kB, bravo (20) libc 60 kB. */
static void two_sharers(ms_librank *lr, bool with_libc)
{
	ms_librank_init(lr, NULL);
	ms_librank_begin(lr, 10);
	if (with_libc)
		lib_map(lr, "/lib/libc.so.6", 100);
	lib_map(lr, "[heap]", 50);
	ms_librank_commit(lr);
	ms_librank_begin(lr, 20);
	if (with_libc)
		lib_map(lr, "/lib/libc.so.6", 60);
	ms_librank_commit(lr);
	lr->outcome.listed = lr->outcome.read = 2;
}

/* Names by PSS with the processes' sums; Enter lists the name's
 * processes by their share, with their names from the sample; Enter on
 * one opens its VMA pane; Esc goes back; a refresh in which no process
 * maps the chosen name any more says so. */
Test(widget, libs_pane_names_processes_and_back)
{
	ms_sample s = procs_sample();
	ms_librank lr, later;
	two_sharers(&lr, true);
	ms_view_data d = { .cur = &s, .generation = 1, .libs = &lr };
	ms_pane p;
	ms_screen scr;
	char cell[64];
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("libs")), 0);
	cr_assert(p.cls->wants_libs);
	cr_assert_eq(ms_screen_init(&scr, 12, 80), 0);

	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "2 names  sort: PSS desc  read 2 of 2 processes"), 0);
	int head = find_row(&scr, "    VSS ");
	cr_assert_geq(head, 0);
	cell_under(&scr, head, "PSS", head + 1, cell, sizeof cell);
	cr_assert_str_eq(cell, "160K", "libc: 100 + 60");
	cell_under(&scr, head, "PROCS", head + 1, cell, sizeof cell);
	cr_assert_str_eq(cell, "2");
	cell_under(&scr, head, "NAME", head + 1, cell, sizeof cell);
	cr_assert_str_eq(cell, "/lib/libc.so.6");
	cell_under(&scr, head, "NAME", head + 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "[heap]");
	int total = find_row(&scr, "TOTAL");
	cr_assert_gt(total, head + 2);
	cell_under(&scr, head, "PSS", total, cell, sizeof cell);
	cr_assert_str_eq(cell, "210K");

	cr_assert_eq(p.cls->key(&p, MS_KEY_ENTER), MS_PANE_USED);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "/lib/libc.so.6: 2 processes  Esc:back Enter:VMA"), 0);
	head = find_row(&scr, "    PID ");
	cr_assert_geq(head, 0);
	cell_under(&scr, head, "PID", head + 1, cell, sizeof cell);
	cr_assert_str_eq(cell, "10");
	cell_under(&scr, head, "PROCESS", head + 1, cell, sizeof cell);
	cr_assert_str_eq(cell, "alpha");
	cell_under(&scr, head, "PSS", head + 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "60K");
	cell_under(&scr, head, "PROCESS", head + 2, cell, sizeof cell);
	cr_assert_str_eq(cell, "bravo");
	p.cls->key(&p, MS_KEY_DOWN);
	cr_assert_eq(p.cls->key(&p, MS_KEY_ENTER), MS_PANE_OPEN_VMA);
	cr_assert_eq(p.open_pid, 20);

	/* A refresh: libc no longer mapped. */
	two_sharers(&later, false);
	d.libs = &later;
	d.generation = 2;
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "/lib/libc.so.6: no process maps it now  Esc:back"), 0);
	cr_assert_eq(p.cls->key(&p, MS_KEY_ESC), MS_PANE_USED);
	draw_pane(&p, &scr, &d);
	cr_assert_geq(find_row(&scr, "1 name  sort: PSS desc"), 0);

	/* Before the first read ends, and when it failed. */
	ms_error e;
	ms_error_set(&e, EACCES, 0, "cannot list the processes");
	ms_view_data none = { .cur = &s, .generation = 3, .libs_loading = true };
	draw_pane(&p, &scr, &none);
	cr_assert_geq(find_row(&scr, "Reading the smaps of every process..."), 0);
	none.libs_loading = false;
	none.libs_status = -EACCES;
	none.libs_err = &e;
	draw_pane(&p, &scr, &none);
	cr_assert_geq(find_row(&scr, "libraries: cannot list the processes"), 0);
	ms_librank_free(&lr);
	ms_librank_free(&later);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
}
