/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The top-like header: where the figures come from, the meminfo totals and
 * a bar that splits MemTotal into what uses it. The bar draws a letter per
 * cell as well as a colour, so it still reads on a monochrome terminal.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/views.h"
#include "memscope/widget.h"

struct segment {
	char letter;
	const char *label;
	ms_attr attr;
	int64_t kb; /* MS_NA when this kernel does not print it */
};

enum { SEG_ANON, SEG_CACHE, SEG_SLAB_R, SEG_SLAB_U, SEG_KSTACK, SEG_PTABLES, SEG_CMA,
       SEG_OTHER, SEG_FREE, SEG_COUNT };

static const struct segment segment_proto[SEG_COUNT] = {
	[SEG_ANON] = { 'A', "anon", MS_ATTR_BAR_ANON, MS_NA },
	[SEG_CACHE] = { 'C', "cache", MS_ATTR_BAR_CACHE, MS_NA },
	[SEG_SLAB_R] = { 'S', "slab", MS_ATTR_BAR_SLAB_R, MS_NA },
	[SEG_SLAB_U] = { 'U', "unrecl", MS_ATTR_BAR_SLAB_U, MS_NA },
	[SEG_KSTACK] = { 'K', "kstack", MS_ATTR_BAR_KSTACK, MS_NA },
	[SEG_PTABLES] = { 'P', "ptables", MS_ATTR_BAR_PTABLES, MS_NA },
	[SEG_CMA] = { 'M', "cma", MS_ATTR_BAR_CMA, MS_NA },
	[SEG_OTHER] = { 'O', "other", MS_ATTR_BAR_OTHER, MS_NA },
	[SEG_FREE] = { '.', "free", MS_ATTR_BAR_FREE, MS_NA },
};

static int64_t mi(const ms_sample *s, const char *key)
{
	return ms_kvlist_get(&s->meminfo, key);
}

static int64_t known(int64_t v)
{
	return v == MS_NA ? 0 : v;
}

/* Splits MemTotal. Free CMA pages count in MemFree but only movable
 * allocations may use them, so they are shown apart from free. What no
 * figure accounts for (drivers, vmalloc, reserved) is "other". */
static void split_memory(const ms_sample *s, struct segment *seg)
{
	memcpy(seg, segment_proto, sizeof segment_proto);
	int64_t cached = mi(s, "Cached"), buffers = mi(s, "Buffers");
	seg[SEG_ANON].kb = mi(s, "AnonPages");
	seg[SEG_CACHE].kb = cached == MS_NA ? MS_NA : cached + known(buffers);
	seg[SEG_SLAB_R].kb = mi(s, "SReclaimable");
	seg[SEG_SLAB_U].kb = mi(s, "SUnreclaim");
	seg[SEG_KSTACK].kb = mi(s, "KernelStack");
	seg[SEG_PTABLES].kb = mi(s, "PageTables");
	seg[SEG_CMA].kb = mi(s, "CmaFree");
	int64_t free_kb = mi(s, "MemFree");
	if (free_kb != MS_NA)
		free_kb -= known(seg[SEG_CMA].kb);
	seg[SEG_FREE].kb = free_kb;

	int64_t total = mi(s, "MemTotal"), used = 0;
	for (int i = 0; i < SEG_COUNT; i++)
		if (i != SEG_OTHER)
			used += known(seg[i].kb);
	seg[SEG_OTHER].kb = total != MS_NA && total > used ? total - used : MS_NA;
}

/* Cells of each segment from cumulative sums, so that they add up to the
 * bar's width exactly however the rounding falls. */
static void draw_bar(ms_screen *s, int row, int width, const struct segment *seg, int64_t total)
{
	int64_t cum = 0;
	int x = 1;
	ms_screen_puts(s, row, 0, 1, MS_ATTR_NORMAL, "[");
	for (int i = 0; i < SEG_COUNT && total > 0; i++) {
		if (seg[i].kb == MS_NA || seg[i].kb <= 0)
			continue;
		cum += seg[i].kb;
		if (cum > total)
			cum = total;
		int end = 1 + (int)((cum * width + total / 2) / total);
		ms_screen_fill(s, row, x, end - x, seg[i].letter, seg[i].attr);
		x = end;
	}
	ms_screen_puts(s, row, width + 1, 1, MS_ATTR_NORMAL, "]");
}

/* "A anon 1.2G  C cache 800M ...", or without the names when that does
 * not fit (the help explains the letters). */
static int put_legend(ms_screen *s, int row, const struct segment *seg, bool plain, bool named)
{
	int x = 0;
	for (int i = 0; i < SEG_COUNT; i++) {
		if (seg[i].kb == MS_NA)
			continue;
		char kb[32];
		ms_format_kb(kb, sizeof kb, seg[i].kb, plain);
		ms_screen_fill(s, row, x, 1, seg[i].letter, seg[i].attr);
		x += 1 + ms_screen_printf(s, row, x + 1, MS_TO_EDGE, MS_ATTR_NORMAL, " %s%s%s  ",
					  named ? seg[i].label : "", named ? " " : "", kb);
	}
	return x - 2;
}

static void draw_legend(ms_screen *s, int row, const struct segment *seg, bool plain)
{
	ms_screen line;
	bool named = true;
	/* Laid out in a wide scratch line first, to see whether names fit. */
	if (ms_screen_init(&line, 1, 512) == 0) {
		named = put_legend(&line, 0, seg, plain, true) <= s->cols;
		ms_screen_free(&line);
	}
	put_legend(s, row, seg, plain, named);
}

/* Untrusted text in at most width columns: escaped, then cut in the
 * middle when it is longer (a path keeps its end). */
static int put_elided(ms_screen *s, int row, int x, int width, ms_attr attr, const char *text)
{
	ms_buf esc = MS_BUF_INIT, cut = MS_BUF_INIT;
	int used = 0;

	if (width > 0 && ms_escape_display(&esc, text, strlen(text)) == 0 && esc.data) {
		ms_elide_middle(esc.data, esc.len, width, &cut);
		if (cut.data)
			used = ms_screen_put(s, row, x, width, attr, cut.data, cut.len);
	}
	ms_buf_free(&esc);
	ms_buf_free(&cut);
	return used;
}

/* "memscope  host  captured 2026-...Z  6.1.0 aarch64  snapshot PATH":
 * when the data is from comes before what it is from, and the path gives
 * up its middle to fit (a long path used to push the capture time off an
 * 80-column title). Live: "live /proc, every 1.0s" in the same place. */
static int draw_source(ms_screen *s, const ms_view_data *d, int reserve)
{
	const ms_source_info *info = &d->cur->info;
	int cols = s->cols - reserve; /* the path gives up its middle for what is kept */
	int x = ms_screen_puts(s, 0, 0, MS_TO_EDGE, MS_ATTR_TITLE, "memscope  ");
	if (info->hostname[0]) {
		x += ms_screen_put_untrusted(s, 0, x, MS_TO_EDGE, MS_ATTR_TITLE, info->hostname,
					     strlen(info->hostname));
		x += ms_screen_puts(s, 0, x, MS_TO_EDGE, MS_ATTR_NORMAL, "  ");
	}
	if (d->live) {
		char every[48];
		snprintf(every, sizeof every, ", every %.1fs%s  ", d->delay,
			 d->paused ? "  [PAUSED]" : "");
		x += ms_screen_puts(s, 0, x, MS_TO_EDGE, MS_ATTR_NORMAL, "live ");
		int room = cols - x - (int)strlen(every);
		x += put_elided(s, 0, x, room > 8 ? room : 8, MS_ATTR_NORMAL, info->path);
		x += ms_screen_puts(s, 0, x, MS_TO_EDGE, MS_ATTR_NORMAL, every);
	}
	ms_buf what = MS_BUF_INIT;
	ms_buf_printf(&what, "%s%s%s  ", info->kernel[0] ? info->kernel : "kernel ?",
		      info->machine[0] ? " " : "", info->machine);
	if (!d->live) {
		const char *when = info->captured_at[0] ? info->captured_at : "(time unknown)";
		/* The word goes first when the kernel would not fit after it. */
		bool room = x + 9 + (int)strlen(when) + 2 + (int)what.len <= cols;
		x += ms_screen_printf(s, 0, x, MS_TO_EDGE, MS_ATTR_NORMAL, "%s%s  ",
				      room ? "captured " : "", when);
	}
	if (what.data)
		x += ms_screen_put_untrusted(s, 0, x, MS_TO_EDGE, MS_ATTR_NORMAL, what.data, what.len);
	ms_buf_free(&what);
	if (!d->live && x + 9 + 12 <= cols) { /* "snapshot " and enough of the path to read */
		x += ms_screen_puts(s, 0, x, MS_TO_EDGE, MS_ATTR_NORMAL, "snapshot ");
		x += put_elided(s, 0, x, cols - x, MS_ATTR_NORMAL, info->path);
	}
	return x;
}

/* Memory pressure, /proc/pressure/memory's avg10 of some and full:
 * "PSI 0.72/0.72%". Its width, 0 when the kernel has no PSI (before 4.20,
 * CONFIG_PSI off, psi=0) or the sample does not hold it. */
static int psi_text(const ms_sample *m, char *dst, size_t cap)
{
	char some[MS_CELL_MAX], full[MS_CELL_MAX];

	if (!ms_sample_has(m, MS_P_PSI) || m->psi.some.avg10 == MS_NA)
		return 0;
	ms_psi_pct_text(some, m->psi.some.avg10);
	ms_psi_pct_text(full, m->psi.full.avg10);
	int n = snprintf(dst, cap, "PSI %s/%s%%", some, full);
	return n > 0 && (size_t)n < cap ? n : 0;
}

/* The title line, with PSI at its right end when there is room for it
 * (the source's path is cut shorter to make room). */
static void draw_title(ms_screen *s, const ms_view_data *d)
{
	char psi[2 * MS_CELL_MAX + 8];
	int psi_w = psi_text(d->cur, psi, sizeof psi);
	int x = draw_source(s, d, psi_w ? psi_w + 2 : 0);

	if (psi_w && x + 2 + psi_w <= s->cols)
		ms_screen_puts(s, 0, s->cols - psi_w, psi_w, MS_ATTR_NORMAL, psi);
}

static void put_kb(ms_screen *s, int row, int *x, const char *label, int64_t kb, bool plain)
{
	char v[32] = "-";
	if (kb != MS_NA)
		ms_format_kb(v, sizeof v, kb, plain);
	*x += ms_screen_printf(s, row, *x, MS_TO_EDGE, MS_ATTR_NORMAL, "%s ", label);
	*x += ms_screen_printf(s, row, *x, MS_TO_EDGE, MS_ATTR_TITLE, "%s  ", v);
}

/* With zram, its cost goes on the same line: the labels shorten so that
 * it fits 80 columns ("zram 2.0M for 4.0M": the RAM it holds, for what
 * it stores). */
static void draw_totals(ms_screen *s, const ms_sample *m, bool plain)
{
	int x = 0;
	int64_t swap_total = mi(m, "SwapTotal"), swap_free = mi(m, "SwapFree");
	int64_t orig, used;
	bool zram = ms_zram_totals(m, &orig, &used);

	put_kb(s, 1, &x, zram ? "Mem" : "Mem total", mi(m, "MemTotal"), plain);
	put_kb(s, 1, &x, zram ? "avail" : "available", mi(m, "MemAvailable"), plain);
	put_kb(s, 1, &x, "free", mi(m, "MemFree"), plain);
	put_kb(s, 1, &x, zram ? "Swap" : "  Swap used", swap_total == MS_NA || swap_free == MS_NA ?
	       MS_NA : swap_total - swap_free, plain);
	put_kb(s, 1, &x, "of", swap_total, plain);
	if (zram) {
		put_kb(s, 1, &x, "zram", used / 1024, plain);
		put_kb(s, 1, &x, "for", orig / 1024, plain);
	}
}

/* MemAvailable over the samples kept, right-aligned on row after column
 * x: "avail _.:-=+*#", as many of the latest samples as fit. */
void ms_header_trend_draw(ms_screen *s, int row, int x, const ms_view_data *d)
{
	int64_t v[64];
	size_t n = 0;
	char line[65];
	int room = s->cols - x - 7; /* " avail " */

	if (d->nhistory < 2 || room < 4)
		return;
	size_t keep = (size_t)room < MS_ARRAY_LEN(v) ? (size_t)room : MS_ARRAY_LEN(v);
	size_t from = d->nhistory > keep ? d->nhistory - keep : 0;
	for (size_t i = from; i < d->nhistory; i++)
		v[n++] = mi(d->history[i], "MemAvailable");
	size_t len = ms_sparkline(line, sizeof line, v, n);
	ms_screen_printf(s, row, s->cols - (int)len - 6, MS_TO_EDGE, MS_ATTR_DIM, "avail %s", line);
}

int ms_header_draw(ms_screen *s, const ms_view_data *d)
{
	const ms_sample *m = d->cur;
	draw_title(s, d);
	if (m->st[MS_P_MEMINFO].status != 0) {
		ms_rect r = { 1, 0, 1, s->cols };
		ms_pane_draw_reason(s, r, "meminfo", &m->st[MS_P_MEMINFO]);
		return MS_HEADER_ROWS;
	}
	draw_totals(s, m, d->plain_kb);
	struct segment seg[SEG_COUNT];
	split_memory(m, seg);
	if (s->cols > 2)
		draw_bar(s, 2, s->cols - 2, seg, mi(m, "MemTotal"));
	draw_legend(s, 3, seg, d->plain_kb);
	return MS_HEADER_ROWS;
}
