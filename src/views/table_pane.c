/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the panes built on a table widget share: their state begins with
 * the ms_tablew, which takes the scrolling and sorting keys and the '/'
 * filter for them.
 */
#include <string.h>

#include "memscope/views.h"

ms_pane_action ms_table_pane_key(ms_pane *p, int key)
{
	ms_tablew *table = p->state;

	return ms_tablew_key(table, key) ? MS_PANE_USED : MS_PANE_IGNORED;
}

int ms_table_pane_filter(ms_pane *p, const char *text)
{
	ms_tablew *table = p->state;

	return ms_tablew_set_filter(table, text);
}

int ms_table_pane_status(ms_screen *s, ms_rect r, const ms_tablew *t, size_t total,
			 const char *one, const char *many)
{
	int x = 0;

	if (t->filter[0]) {
		x += ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_TITLE, "filter \"");
		x += ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_TITLE,
					     t->filter, strlen(t->filter));
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_TITLE,
				      "\": %zu of ", ms_tablew_count(t));
	}
	x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM, "%zu %s", total,
			      total == 1 ? one : many);
	if (t->sort_col >= 0)
		x += ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_DIM,
				      "  sort: %s %s", t->def->cols[t->sort_col].title,
				      t->descending ? "desc" : "asc");
	return x;
}
