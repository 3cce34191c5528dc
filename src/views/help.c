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
	"  PSI s/f%   in the title: /proc/pressure/memory avg10, % of the last 10 s in which some task (s), or every non-idle task (f), stalled on memory; absent without PSI",
	"  zram       with a zram device in use: the RAM it holds (mm_stat mem_used_total) for what it stores (orig_data_size)",
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

/* The explorer's own keys (src/app.c answers them), each with the
 * sources it applies to: the help lists a line and the hint line a word
 * only where the key does something. */
enum key_when { ALWAYS, REFRESHES, SAMPLES, ALONE, LISTED };
static const struct explorer_key {
	enum key_when when;
	const char *hint;  /* its word in the status line; NULL: help only */
	const char *help;
} explorer_keys[] = {
	{ ALWAYS, " p:pid", "  p  type a PID for the VMA pane" },
	{ REFRESHES, " Spc:pause +-:delay",
	  "  Space  pause / resume the refresh;  + -  longer / shorter interval "
	  "(0.1 s to a day, as -d takes)" },
	{ SAMPLES, " []:step {}:jump",
	  "  [ ]  previous / next sample of the recording;  { }  ten samples back / on "
	  "(a tenth of a long recording);  Home End  the first / newest sample (a pane's "
	  "top and bottom are then PgUp, PgDn away). Every pane shows the sample of the "
	  "time bar" },
	{ ALWAYS, NULL,
	  "  b  the sample shown becomes the baseline: panes show changes since it and "
	  "mark rows new or gone (on a recording, 'b' on the time bar);  B  no baseline" },
	{ ALONE, " q:quit", "  ? or F1  this help;  q or F10  quit. No key changes or kills anything." },
	/* A snapshot opened from the fleet list (src/fleet_list.c). */
	{ LISTED, " q:list Q:quit",
	  "  ? or F1  this help;  q  back to the list of snapshots;  Q or F10  quit. No key "
	  "changes or kills anything." },
};

static bool key_applies(const struct explorer_key *k, bool refreshes, size_t samples,
			bool listed)
{
	return k->when == ALWAYS || (k->when == REFRESHES && refreshes) ||
	       (k->when == SAMPLES && samples > 1) || (k->when == ALONE && !listed) ||
	       (k->when == LISTED && listed);
}

/* The keys, each line only where the pane (or the source) takes them: a
 * pane that cannot sort offers no sort keys. */
static void key_lines(const ms_pane *p, bool refreshes, size_t samples, bool listed,
		      const char **lines, size_t cap)
{
	size_t n = 0;

	lines[n++] = samples > 1 ? "  arrows, PgUp, PgDn  move the selection or scroll"
				 : "  arrows, PgUp, PgDn, Home, End  move the selection or scroll";
	if (p->cls->sorts)
		lines[n++] = "  < > or F6  sort on the previous / next column;  r  reverse the order";
	if (p->cls->filter)
		lines[n++] = "  /  filter by name (empty clears);  Esc  cancels a prompt";
	if (p->cls->hint && strstr(p->cls->hint, "Enter"))
		lines[n++] = "  Enter  open the VMA pane of the selected process";
	for (size_t i = 0; i < MS_ARRAY_LEN(explorer_keys) && n + 1 < cap; i++)
		if (key_applies(&explorer_keys[i], refreshes, samples, listed))
			lines[n++] = explorer_keys[i].help;
	lines[n < cap ? n : cap - 1] = NULL;
}

/* One line of help, wrapped at the screen's width on blanks; the lines
 * after the first start at indent. Returns the next row. */
static int put_wrapped(ms_screen *s, int y, ms_attr attr, const char *text, int indent)
{
	int cols = s->cols > indent + 20 ? s->cols : indent + 20;
	const char *p = text;
	bool first = true;

	while (*p) {
		int x = first ? 0 : indent, room = cols - x;
		size_t len = strlen(p), cut = len;
		if ((int)len > room) {
			cut = (size_t)room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)room;
		}
		ms_screen_put(s, y++, x, room, attr, p, cut);
		p += cut;
		p += strspn(p, " ");
		first = false;
	}
	return first ? y + 1 : y;
}

/* "  total      MemTotal: ...": continuation lines align with the text
 * after the label. */
static int label_indent(const char *line)
{
	const char *p = line + strspn(line, " ");
	const char *gap = strstr(p, "  ");
	return gap && gap - line < 24 ? (int)(gap - line) + 2 + (int)strspn(gap + 2, " ") : 4;
}

/* "  1 procrank  2 slabs  3 buddy/zones  4 vma, Tab, Shift-Tab  switch pane" */
static int put_pane_keys(ms_screen *s, int y)
{
	ms_buf line = MS_BUF_INIT;

	ms_screen_puts(s, y++, 0, MS_TO_EDGE, MS_ATTR_TITLE, "Keys:");
	ms_buf_puts(&line, " ");
	for (size_t i = 0; ms_panes[i]; i++)
		ms_buf_printf(&line, " %zu %s", i + 1, ms_panes[i]->name);
	ms_buf_puts(&line, ", Tab, Shift-Tab  switch pane");
	y = put_wrapped(s, y, MS_ATTR_NORMAL, line.data ? line.data : "", 4);
	ms_buf_free(&line);
	return y;
}

/* The first line is a title unless the lines go on under one. */
static int put_lines(ms_screen *s, int y, const char *const *lines, bool titled)
{
	for (size_t i = 0; lines && lines[i]; i++)
		y = put_wrapped(s, y, i == 0 && titled ? MS_ATTR_TITLE : MS_ATTR_NORMAL, lines[i],
				label_indent(lines[i]));
	return y;
}

static int put_columns(ms_screen *s, int y, const ms_table_def *t)
{
	ms_buf line = MS_BUF_INIT;

	if (!t)
		return y;
	ms_screen_printf(s, y++, 0, MS_TO_EDGE, MS_ATTR_TITLE, "Fields of the %s table:", t->name);
	for (size_t i = 0; i < t->ncols; i++) {
		const ms_column *c = &t->cols[i];
		ms_buf_reset(&line);
		ms_buf_printf(&line, "  %-10s %-14s %s", c->title, c->key, c->help ? c->help : "");
		y = put_wrapped(s, y, MS_ATTR_NORMAL, line.data ? line.data : "", 28);
	}
	ms_buf_free(&line);
	return y;
}

void ms_help_draw(const ms_pane *p, bool refreshes, size_t samples, bool listed, ms_screen *s,
		  ms_rect r, int *scroll)
{
	const char *keys[12];
	ms_screen scratch;
	if (ms_screen_init(&scratch, 300, r.cols) != 0)
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
	key_lines(p, refreshes, samples, listed, keys, MS_ARRAY_LEN(keys));
	y = put_lines(&scratch, y, keys, false);
	for (int i = 0; i < r.rows; i++)
		ms_screen_fill(s, r.row + i, r.col, r.cols, ' ', MS_ATTR_NORMAL);
	ms_screen_show_window(s, r, &scratch, y, scroll);
	ms_screen_free(&scratch);
}

void ms_hint_line(const ms_pane *p, bool refreshes, size_t samples, bool listed, ms_buf *out)
{
	ms_buf_reset(out);
	ms_buf_printf(out, "?:help 1-%zu:pane", ms_pane_count());
	if (p->cls->sorts)
		ms_buf_puts(out, " <>:sort r:rev");
	if (p->cls->filter)
		ms_buf_puts(out, " /:find");
	if (p->cls->hint)
		ms_buf_printf(out, " %s", p->cls->hint);
	for (size_t i = 0; i < MS_ARRAY_LEN(explorer_keys); i++)
		if (explorer_keys[i].hint &&
		    key_applies(&explorer_keys[i], refreshes, samples, listed))
			ms_buf_puts(out, explorer_keys[i].hint);
}

void ms_pane_draw_reason(ms_screen *s, ms_rect r, const char *what, const ms_part_state *st)
{
	const char *why = ms_part_reason(st);
	int x = ms_screen_printf(s, r.row, r.col, r.cols, MS_ATTR_WARN, "%s: ", what);
	ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_WARN, why, strlen(why));
}
