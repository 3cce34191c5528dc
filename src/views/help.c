/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Texts that explain things to the user: the help overlay (one line per
 * field of the visible pane, taken from the column declarations, so it
 * cannot drift from what the pane shows) and the one-line reason a pane
 * gives when its file could not be read.
 */
#include <string.h>

#include "memscope/views.h"

/* The header is on screen with every pane, so its fields are always
 * explained. Keep in step with src/views/header.c. */
static const char *const header_help[] = {
	"Header fields (kB figures from /proc/meminfo):",
	"  total      MemTotal: RAM the kernel manages",
	"  available  MemAvailable: what can be allocated without swapping (kernel's estimate)",
	"  free       MemFree: pages on the free lists",
	"  swap       SwapTotal - SwapFree used / SwapTotal",
	"  A anon     AnonPages: anonymous memory of processes (heap, stack, private data)",
	"  C cache    Cached + Buffers: page cache, including shared memory (Shmem)",
	"  S slab     SReclaimable: slab caches the kernel can shrink (dentries, inodes)",
	"  U unrecl   SUnreclaim: slab memory that cannot be reclaimed",
	"  K kstack   KernelStack: kernel stacks of all threads",
	"  P ptables  PageTables: page tables of all processes",
	"  M cma      CmaFree: free pages held in the CMA area (movable allocations only)",
	"  O other    the rest: drivers, vmalloc, reserved, not in the figures above",
	"  . free     MemFree, less CmaFree",
	NULL,
};

static const char *const key_help[] = {
	"  arrows, PgUp, PgDn, Home, End  move the selection or scroll",
	"  < > or F6  sort on the previous / next column;  r  reverse the order",
	"  /  filter by name (empty clears);  Esc  cancels a prompt",
	"  Enter  open the VMA pane of the selected process;  p  type a PID for it",
	"  Space  pause / resume the live refresh;  + -  longer / shorter interval",
	"  [ ]  previous / next sample of a recording;  { }  ten samples back / on",
	"  ? or F1  this help;  q or F10  quit. No key changes or kills anything.",
	NULL,
};

/* "  1 procrank  2 slabs  3 buddy/zones  4 vma, Tab, Shift-Tab  switch pane" */
static int put_pane_keys(ms_screen *s, int y)
{
	ms_screen_puts(s, y++, 0, MS_TO_EDGE, MS_ATTR_TITLE, "Keys:");
	int x = ms_screen_puts(s, y, 0, MS_TO_EDGE, MS_ATTR_NORMAL, " ");
	for (size_t i = 0; ms_panes[i]; i++)
		x += ms_screen_printf(s, y, x, MS_TO_EDGE, MS_ATTR_NORMAL, " %zu %s", i + 1,
				      ms_panes[i]->name);
	ms_screen_puts(s, y, x, MS_TO_EDGE, MS_ATTR_NORMAL, ", Tab, Shift-Tab  switch pane");
	return y + 1;
}

/* The first line is a title unless the lines go on under one. */
static int put_lines(ms_screen *s, int y, const char *const *lines, bool titled)
{
	for (size_t i = 0; lines && lines[i]; i++, y++)
		ms_screen_puts(s, y, 0, MS_TO_EDGE,
			       i == 0 && titled ? MS_ATTR_TITLE : MS_ATTR_NORMAL, lines[i]);
	return y;
}

static int put_columns(ms_screen *s, int y, const ms_table_def *t)
{
	if (!t)
		return y;
	ms_screen_printf(s, y++, 0, MS_TO_EDGE, MS_ATTR_TITLE, "Fields of the %s table:", t->name);
	for (size_t i = 0; i < t->ncols; i++, y++) {
		const ms_column *c = &t->cols[i];
		ms_screen_printf(s, y, 0, MS_TO_EDGE, MS_ATTR_NORMAL, "  %-10s %-14s %s", c->title,
				 c->key, c->help ? c->help : "");
	}
	return y;
}

void ms_help_draw(const ms_pane *p, ms_screen *s, ms_rect r, int *scroll)
{
	ms_screen scratch;
	if (ms_screen_init(&scratch, 200, r.cols) != 0)
		return;
	int y = 0;
	ms_screen_printf(&scratch, y++, 0, MS_TO_EDGE, MS_ATTR_TITLE,
			 "Help: %s pane  (arrows scroll, any other key closes)", p->cls->name);
	y++;
	y = put_columns(&scratch, y, p->table);
	y = put_lines(&scratch, y, p->cls->help, true);
	y++;
	y = put_lines(&scratch, y, header_help, true);
	y++;
	y = put_pane_keys(&scratch, y);
	y = put_lines(&scratch, y, key_help, false);
	for (int i = 0; i < r.rows; i++)
		ms_screen_fill(s, r.row + i, r.col, r.cols, ' ', MS_ATTR_NORMAL);
	ms_screen_show_window(s, r, &scratch, y, scroll);
	ms_screen_free(&scratch);
}

void ms_hint_line(const ms_pane *p, bool refreshes, size_t samples, ms_buf *out)
{
	ms_buf_reset(out);
	ms_buf_printf(out, "?:help 1-%zu:pane", ms_pane_count());
	if (p->cls->sorts)
		ms_buf_puts(out, " <>:sort r:rev");
	if (p->cls->filter)
		ms_buf_puts(out, " /:find");
	if (p->cls->hint)
		ms_buf_printf(out, " %s", p->cls->hint);
	ms_buf_puts(out, " p:pid");
	if (refreshes)
		ms_buf_puts(out, " Spc:pause +-:delay");
	if (samples > 1)
		ms_buf_puts(out, " []:step");
	ms_buf_puts(out, " q:quit");
}

void ms_pane_draw_reason(ms_screen *s, ms_rect r, const char *what, const ms_part_state *st)
{
	const char *why = ms_part_reason(st);
	int x = ms_screen_printf(s, r.row, r.col, r.cols, MS_ATTR_WARN, "%s: ", what);
	ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_WARN, why, strlen(why));
}
