/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the panes built on a table widget share: their state begins with
 * the ms_tablew, which takes the scrolling and sorting keys and the '/'
 * filter for them.
 */
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
