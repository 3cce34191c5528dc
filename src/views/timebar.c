/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The time bar of a recording, one line under the tab line:
 *
 *   sample 2 of 3  2026-12-04T03:10:00Z  +10m00s  [----#----b----]  torn tail
 *
 * which sample is shown, when it was taken (UTC, as the batch views'
 * captured_at), how long after the first, where it sits in the recording
 * ('#', and 'b' at the baseline when it is one of its samples), and
 * whether the recording ends in a torn sample. Plain ASCII, so that it
 * reads on a vt100 without colour; what does not fit 80 columns goes,
 * the scrubber first, then the torn note, then the offset.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/views.h"

/* "+45s", "+10m00s", "+3h05m", "+2d04h": the time since the first
 * sample, to the unit that matters. */
static void format_offset(char *out, size_t cap, int64_t ns)
{
	long long s = (long long)(ns / 1000000000);

	if (s < 60)
		snprintf(out, cap, "+%llds", s);
	else if (s < 3600)
		snprintf(out, cap, "+%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, cap, "+%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, cap, "+%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

/* The cell of sample i among count on a scrubber of width cells. */
static int scrub_cell(size_t i, size_t count, int width)
{
	if (count < 2 || width < 2)
		return 0;
	return (int)((double)i * (width - 1) / (double)(count - 1) + 0.5);
}

/* "[----#---b--]" of width columns, brackets included. */
static void draw_scrubber(ms_screen *s, int row, int x, int width, const ms_timebar *t)
{
	char bar[512];
	int cells = width - 2;

	if (cells < 3)
		return;
	if (cells > (int)sizeof bar - 1)
		cells = (int)sizeof bar - 1;
	memset(bar, '-', (size_t)cells);
	bar[cells] = '\0';
	if (t->base_index != SIZE_MAX && t->base_index < t->count)
		bar[scrub_cell(t->base_index, t->count, cells)] = 'b';
	bar[scrub_cell(t->index, t->count, cells)] = '#';
	ms_screen_puts(s, row, x, MS_TO_EDGE, MS_ATTR_DIM, "[");
	ms_screen_puts(s, row, x + 1, MS_TO_EDGE, MS_ATTR_NORMAL, bar);
	ms_screen_puts(s, row, x + 1 + cells, MS_TO_EDGE, MS_ATTR_DIM, "]");
}

void ms_timebar_draw(ms_screen *s, int row, const ms_timebar *t)
{
	static const char torn[] = "  torn tail";
	char where[64], when[48] = "time unknown", offset[32] = "";
	int cols = s->cols;

	ms_screen_fill(s, row, 0, cols, ' ', MS_ATTR_NORMAL);
	snprintf(where, sizeof where, "%s %zu of %zu", t->noun ? t->noun : "sample", t->index + 1,
		 t->count);
	if (t->at_ns != MS_NA)
		ms_format_utc(when, sizeof when, t->at_ns);
	if (t->at_ns != MS_NA && t->first_ns != MS_NA && t->at_ns >= t->first_ns)
		format_offset(offset, sizeof offset, t->at_ns - t->first_ns);

	int x = ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_TITLE, where);
	x += ms_screen_printf(s, row, x, MS_TO_EDGE, MS_ATTR_NORMAL, "  %s", when);
	int left = cols - x;
	int need_torn = t->torn ? (int)strlen(torn) : 0;
	int need_offset = offset[0] ? 2 + (int)strlen(offset) : 0;
	if (need_offset && need_offset + need_torn <= left) {
		x += ms_screen_printf(s, row, x, MS_TO_EDGE, MS_ATTR_NORMAL, "  %s", offset);
		left -= need_offset;
	}
	if (need_torn > left)
		need_torn = 0;
	/* The scrubber takes the room the words leave, two blanks apart. */
	int scrub = left - need_torn - 2;
	if (scrub >= 5) {
		draw_scrubber(s, row, x + 2, scrub, t);
		x += 2 + scrub;
	}
	if (need_torn)
		ms_screen_puts(s, row, x, MS_TO_EDGE, MS_ATTR_WARN, torn);
}
