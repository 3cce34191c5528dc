/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 3, buddy/zones: for each node and zone, the free blocks of each
 * order (buddyinfo) as a histogram with counts and kB, the kernel's
 * fragmentation indices, the migrate-type split (pagetypeinfo, root only),
 * free pages against the watermarks (zoneinfo) and the largest order that
 * can be allocated without reclaim. Taller than a terminal: it is laid out
 * in a scratch screen and scrolled. With a baseline (b, --baseline) each
 * zone says how its free memory moved since then, each order how many
 * blocks it gained or lost, and zones new or gone since are marked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

/* Real machines have a few nodes of up to five zones each; a file with
 * more is drawn in part rather than in a screen buffer of any size. */
#define MAX_ZONES 64

struct buddy_pane {
	int scroll;
	int page; /* rows shown by the last draw */
};

/* Block sizes and counts in few columns: 4K, 2M, 1G; 123456 -> 123k. */
static void fmt_count(char *dst, size_t cap, int64_t n, bool at_least)
{
	if (n == MS_NA)
		snprintf(dst, cap, "-");
	else if (n < 100000)
		snprintf(dst, cap, "%lld%s", (long long)n, at_least ? "+" : "");
	else
		snprintf(dst, cap, "%lldk%s", (long long)(n / 1000), at_least ? "+" : "");
}

static int64_t block_kb(int order, long page_size)
{
	return ((int64_t)1 << order) * page_size / 1024;
}

/* The order the fast path of the page allocator would grant now: a free
 * block of at least that order, with the free pages left above the low
 * watermark (__zone_watermark_ok in mm/page_alloc.c, without the lowmem
 * reserve and the CMA and high-atomic special cases). -1 when none. */
static int allocatable_order(const ms_buddy_zone *b, const ms_zone *z)
{
	int largest = ms_buddy_largest_order(b);
	if (!z || z->low == MS_NA)
		return largest;
	int64_t free_pages = z->free_pages != MS_NA ? z->free_pages : ms_buddy_free_pages(b);
	for (int o = largest; o >= 0; o--)
		if (free_pages - (((int64_t)1 << o) - 1) > z->low)
			return o;
	return -1;
}

/* Lines made of phrases: a phrase that would run past the edge starts
 * the next line (indented), so that nothing is cut at 80 columns. */
struct flow {
	ms_screen *s;
	int y, x, indent;
};

static void flow_put(struct flow *f, ms_attr attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void flow_put(struct flow *f, ms_attr attr, const char *fmt, ...)
{
	char text[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	const char *t = text;
	if (f->x > f->indent && f->x + (int)strlen(text) > f->s->cols) {
		f->y++;
		f->x = f->indent;
		t += strspn(t, " "); /* a new line needs no separating blanks */
	}
	f->x += ms_screen_puts(f->s, f->y, f->x, MS_TO_EDGE, attr, t);
}

/* Ends the flow's last line; returns the row after it. */
static int flow_end(const struct flow *f)
{
	return f->y + 1;
}

/* The zone of the baseline that b is; NULL when there is no baseline or
 * it had no such zone. */
static const ms_buddy_zone *base_zone(const ms_view_data *d, const ms_buddy_zone *b)
{
	if (!d->base || d->base->st[MS_P_BUDDY].status != 0)
		return NULL;
	for (size_t i = 0; i < d->base->buddy.n; i++)
		if (d->base->buddy.zones[i].node == b->node &&
		    strcmp(d->base->buddy.zones[i].zone, b->zone) == 0)
			return &d->base->buddy.zones[i];
	return NULL;
}

static bool has_base(const ms_view_data *d)
{
	return d->base && d->base->st[MS_P_BUDDY].status == 0;
}

/* "  since baseline: +12.0M", or "  new since the baseline". */
static void put_base_change(struct flow *f, const ms_view_data *d, const ms_buddy_zone *b,
			    long ps)
{
	const ms_buddy_zone *was = base_zone(d, b);
	char kb[32];

	if (!has_base(d))
		return;
	if (!was) {
		flow_put(f, MS_ATTR_GROW, "  new since the baseline");
		return;
	}
	int64_t delta = ms_delta(ms_buddy_free_kb(b, ps), ms_buddy_free_kb(was, d->base->info.page_size));
	if (delta == MS_NA)
		return;
	ms_format_kb(kb, sizeof kb, delta < 0 ? -delta : delta, d->plain_kb);
	flow_put(f, MS_ATTR_NORMAL, "  since baseline %s%s", delta < 0 ? "-" : "+", kb);
}

static int draw_zone_title(ms_screen *s, int y, const ms_buddy_zone *b, const ms_zone *z,
			   long ps, const ms_view_data *d)
{
	bool plain = d->plain_kb;
	char kb[32], block[32];
	struct flow f = { s, y, 0, 2 };
	ms_format_kb(kb, sizeof kb, ms_buddy_free_kb(b, ps), plain);
	f.x = ms_screen_printf(s, y, 0, MS_TO_EDGE, MS_ATTR_TITLE, "Node %d, zone %-8s", b->node,
			       b->zone);
	flow_put(&f, MS_ATTR_NORMAL, " free %s (%lld pages)", kb,
		 (long long)ms_buddy_free_pages(b));
	int largest = ms_buddy_largest_order(b), can = allocatable_order(b, z);
	if (largest < 0) {
		flow_put(&f, MS_ATTR_WARN, "  no free block");
		put_base_change(&f, d, b, ps);
		return flow_end(&f);
	}
	ms_format_kb(block, sizeof block, block_kb(can < 0 ? 0 : can, ps), false);
	if (can < 0)
		flow_put(&f, MS_ATTR_WARN, "  allocatable now: none (below the low watermark)");
	else
		flow_put(&f, MS_ATTR_NORMAL, "  largest allocatable now: order %d (%s)", can, block);
	put_base_change(&f, d, b, ps);
	return flow_end(&f);
}

static const char *watermark_state(const ms_zone *z, ms_attr *attr)
{
	*attr = MS_ATTR_NORMAL;
	if (z->free_pages == MS_NA || z->min == MS_NA || z->low == MS_NA || z->high == MS_NA)
		return "";
	if (z->free_pages > z->high)
		return "above high";
	*attr = MS_ATTR_WARN;
	if (z->free_pages > z->low)
		return "between low and high: kswapd reclaims until high";
	if (z->free_pages > z->min)
		return "below low: kswapd woken";
	return "below min: allocations reclaim directly";
}

static void put_pages(struct flow *f, const char *label, int64_t v)
{
	if (v == MS_NA)
		flow_put(f, MS_ATTR_NORMAL, "%s -  ", label);
	else
		flow_put(f, MS_ATTR_NORMAL, "%s %lld  ", label, (long long)v);
}

static int draw_watermarks(ms_screen *s, int y, const ms_zone *z)
{
	if (!z)
		return y;
	struct flow f = { s, y, 0, 9 };
	f.x = ms_screen_puts(s, y, 0, MS_TO_EDGE, MS_ATTR_NORMAL, "  pages: ");
	put_pages(&f, "free", z->free_pages);
	put_pages(&f, "min", z->min);
	put_pages(&f, "low", z->low);
	put_pages(&f, "high", z->high);
	put_pages(&f, "managed", z->managed);
	ms_attr a;
	const char *state = watermark_state(z, &a);
	if (state[0])
		flow_put(&f, a, "[%s]", state);
	return flow_end(&f);
}

static void fmt_index(char *dst, size_t cap, double v)
{
	if (v < -1.5) /* -2: no free memory at all */
		snprintf(dst, cap, "-");
	else if (v < 0) /* -1: an allocation of that order succeeds now */
		snprintf(dst, cap, "ok");
	else
		snprintf(dst, cap, "%.3f", v);
}

/* A count's change since the baseline: "+12", "-3", "0"; "" without one. */
static void fmt_change(char *dst, size_t cap, const ms_buddy_zone *b, const ms_buddy_zone *was,
		       int o, bool with_base)
{
	int64_t now = o < b->norders ? b->free[o] : 0;
	int64_t then = was && o < was->norders ? was->free[o] : 0;
	int64_t d = ms_delta(now, then);

	if (!with_base)
		snprintf(dst, cap, "%s", "");
	else if (d == MS_NA)
		snprintf(dst, cap, "-");
	else
		snprintf(dst, cap, d > 0 ? "+%lld" : "%lld", (long long)d);
}

static int draw_histogram(ms_screen *s, int y, const ms_buddy_zone *b, long ps,
			  const ms_view_data *d)
{
	bool plain = d->plain_kb, with_base = has_base(d);
	const ms_buddy_zone *was = base_zone(d, b);
	int cw = with_base ? 7 : 0; /* the change column, with a baseline */
	int64_t max_kb = 0;
	for (int o = 0; o < b->norders; o++) {
		int64_t kb = b->free[o] == MS_NA ? 0 : b->free[o] * block_kb(o, ps);
		if (kb > max_kb)
			max_kb = kb;
	}
	ms_screen_printf(s, y++, 0, MS_TO_EDGE, MS_ATTR_COLHEAD, "  %5s %6s %8s%*s%s %9s %8s %8s  %s",
			 "order", "block", "free", with_base ? 1 : 0, "",
			 with_base ? "  since" : "", "kB", "unusable", "extfrag", "kB per order");
	const int bar_x = 2 + 5 + 1 + 6 + 1 + 8 + (with_base ? 1 + cw : 0) + 1 + 9 + 1 + 8 + 1 +
			  8 + 2;
	for (int o = 0; o < b->norders; o++, y++) {
		char block[32], count[32], kb[32] = "-", unus[32], ext[32], change[32];
		int64_t n = b->free[o], okb = n == MS_NA ? MS_NA : n * block_kb(o, ps);
		ms_format_kb(block, sizeof block, block_kb(o, ps), false);
		fmt_count(count, sizeof count, n, false);
		if (okb != MS_NA)
			ms_format_kb(kb, sizeof kb, okb, plain);
		fmt_index(unus, sizeof unus, ms_unusable_index(b, o));
		fmt_index(ext, sizeof ext, ms_extfrag_index(b, o));
		fmt_change(change, sizeof change, b, was, o, with_base);
		ms_screen_printf(s, y, 0, MS_TO_EDGE, MS_ATTR_NORMAL,
				 "  %5d %6s %8s%*s%*s %9s %8s %8s", o,
				 block, count, with_base ? 1 : 0, "", cw, change, kb, unus, ext);
		int room = s->cols - bar_x;
		if (room > 0 && max_kb > 0 && okb != MS_NA && okb > 0) {
			int len = (int)((okb * room + max_kb - 1) / max_kb);
			ms_screen_fill(s, y, bar_x, len, '#', MS_ATTR_BAR_FREE);
		}
	}
	return y;
}

/* The migrate types of a zone: every order, however many (order 10 on
 * most machines, 11 on 32-bit ARM, where much free memory sits). Each
 * column is as wide as its counts; orders that do not fit the width go to
 * a second block below. */
struct migrate_cols {
	const ms_pagetype_free *rows[MS_MAX_MIGRATE];
	size_t n;
	int norders, type_w;
	int w[MS_MAX_ORDERS];
};

/* Each column as wide as its counts and at least min_w. */
static void measure_migrate(struct migrate_cols *mc, int min_w)
{
	mc->type_w = (int)strlen("migrate type");
	for (int o = 0; o < mc->norders; o++)
		mc->w[o] = o < 10 ? (min_w > 1 ? min_w : 1) : (min_w > 2 ? min_w : 2);
	for (size_t i = 0; i < mc->n; i++) {
		const ms_pagetype_free *f = mc->rows[i];
		ms_buf esc = MS_BUF_INIT;
		if (ms_escape_display(&esc, f->type, strlen(f->type)) == 0 &&
		    (int)ms_display_width(esc.data ? esc.data : "", esc.len) > mc->type_w)
			mc->type_w = (int)ms_display_width(esc.data ? esc.data : "", esc.len);
		ms_buf_free(&esc);
		for (int o = 0; o < f->norders && o < mc->norders; o++) {
			char c[32];
			fmt_count(c, sizeof c, f->free[o], f->at_least[o]);
			if ((int)strlen(c) > mc->w[o])
				mc->w[o] = (int)strlen(c);
		}
	}
	if (mc->type_w > 16)
		mc->type_w = 16;
}

/* Orders [from, to) as one block: a header line, then a line per type. */
static int draw_migrate_block(ms_screen *s, int y, const struct migrate_cols *mc, int from,
			      int to)
{
	int x = ms_screen_printf(s, y, 0, MS_TO_EDGE, MS_ATTR_COLHEAD, "  %-*s", mc->type_w,
				 "migrate type");
	for (int o = from; o < to; o++)
		x += ms_screen_printf(s, y, x, MS_TO_EDGE, MS_ATTR_COLHEAD, " %*d", mc->w[o], o);
	y++;
	for (size_t i = 0; i < mc->n; i++, y++) {
		const ms_pagetype_free *f = mc->rows[i];
		ms_screen_put_untrusted(s, y, 2, mc->type_w, MS_ATTR_NORMAL, f->type,
					strlen(f->type));
		x = 2 + mc->type_w;
		for (int o = from; o < to; o++) {
			char c[32] = "";
			if (o < f->norders)
				fmt_count(c, sizeof c, f->free[o], f->at_least[o]);
			x += ms_screen_printf(s, y, x, MS_TO_EDGE, MS_ATTR_NORMAL, " %*s", mc->w[o], c);
		}
	}
	return y;
}

static int draw_migrate(ms_screen *s, int y, const ms_sample *m, const ms_buddy_zone *b)
{
	if (m->st[MS_P_PAGETYPE].status != 0) {
		ms_rect r = { y, 2, 1, s->cols - 2 };
		ms_pane_draw_reason(s, r, "migrate types (pagetypeinfo)", &m->st[MS_P_PAGETYPE]);
		return y + 1;
	}
	struct migrate_cols mc = { .n = 0 };
	for (size_t i = 0; i < m->pagetype.nfree && mc.n < MS_MAX_MIGRATE; i++) {
		const ms_pagetype_free *f = &m->pagetype.free[i];
		if (f->node != b->node || strcmp(f->zone, b->zone) != 0)
			continue;
		mc.rows[mc.n++] = f;
		if (f->norders > mc.norders)
			mc.norders = f->norders > MS_MAX_ORDERS ? MS_MAX_ORDERS : f->norders;
	}
	if (mc.n == 0)
		return y;
	/* Roomy columns (as before: 6 wide) where they all fit, narrower
	 * ones where not, and a second block when even those do not. */
	for (int min_w = 6; min_w >= 1; min_w--) {
		measure_migrate(&mc, min_w);
		int x = 2 + mc.type_w;
		for (int o = 0; o < mc.norders; o++)
			x += 1 + mc.w[o];
		if (x <= s->cols)
			break;
	}
	for (int from = 0; from < mc.norders;) {
		int to = from, x = 2 + mc.type_w;
		while (to < mc.norders && (to == from || x + 1 + mc.w[to] <= s->cols))
			x += 1 + mc.w[to++];
		y = draw_migrate_block(s, y, &mc, from, to);
		from = to;
	}
	return y;
}

/* The baseline's zones that are no longer there. */
static int draw_gone(ms_screen *s, int y, const ms_view_data *d)
{
	for (size_t i = 0; has_base(d) && i < d->base->buddy.n && i < MAX_ZONES; i++) {
		const ms_buddy_zone *was = &d->base->buddy.zones[i];
		bool there = false;
		for (size_t k = 0; k < d->cur->buddy.n && !there; k++)
			there = d->cur->buddy.zones[k].node == was->node &&
				strcmp(d->cur->buddy.zones[k].zone, was->zone) == 0;
		if (!there)
			ms_screen_printf(s, y++, 0, MS_TO_EDGE, MS_ATTR_WARN,
					 "Node %d, zone %s: gone since the baseline", was->node,
					 was->zone);
	}
	return y;
}

static int layout(ms_screen *s, const ms_view_data *d)
{
	const ms_sample *m = d->cur;
	long ps = m->info.page_size;
	int y = 0;
	if (m->st[MS_P_ZONEINFO].status != 0) { /* first, where it is seen */
		ms_rect r = { y++, 0, 1, s->cols };
		ms_pane_draw_reason(s, r, "watermarks (zoneinfo)", &m->st[MS_P_ZONEINFO]);
	}
	size_t shown = m->buddy.n < MAX_ZONES ? m->buddy.n : MAX_ZONES;
	for (size_t i = 0; i < shown; i++) {
		const ms_buddy_zone *b = &m->buddy.zones[i];
		const ms_zone *z = m->st[MS_P_ZONEINFO].status == 0 ?
				   ms_sample_find_zone(m, b->node, b->zone) : NULL;
		y = draw_zone_title(s, y, b, z, ps, d);
		y = draw_watermarks(s, y, z);
		y = draw_histogram(s, y, b, ps, d);
		y = draw_migrate(s, y, m, b);
		y++;
	}
	if (shown < m->buddy.n)
		ms_screen_printf(s, y++, 0, MS_TO_EDGE, MS_ATTR_WARN, "%zu more zones not shown",
				 m->buddy.n - shown);
	y = draw_gone(s, y, d);
	return y;
}

/* Rows the layout can take: a title, watermarks, histogram header and
 * orders, migrate header and types, a blank, per zone; the reason and the
 * "more zones" line. */
static int rows_needed(const ms_sample *m, int cols)
{
	/* Titles and watermarks wrap on a narrow terminal (a few lines), and
	 * the migrate types take a block per this many orders at worst (16
	 * columns of names, 7 per count). */
	int per_block = (cols - 18) / 7 > 1 ? (cols - 18) / 7 : 1;
	int blocks = (MS_MAX_ORDERS + per_block - 1) / per_block;
	int per_zone = 8 + MS_MAX_ORDERS + blocks * (1 + MS_MAX_MIGRATE) + 1;
	size_t n = m->buddy.n < MAX_ZONES ? m->buddy.n : MAX_ZONES;
	return (int)n * per_zone + 2 + MAX_ZONES;
}

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct buddy_pane *st = p->state;
	const ms_sample *m = d->cur;
	if (r.rows < 1)
		return;
	st->page = r.rows;
	if (m->st[MS_P_BUDDY].status != 0) {
		ms_pane_draw_reason(s, r, "buddyinfo", &m->st[MS_P_BUDDY]);
		return;
	}
	ms_screen scratch;
	if (ms_screen_init(&scratch, rows_needed(m, r.cols), r.cols) != 0) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_WARN, "buddy: out of memory");
		return;
	}
	int used = layout(&scratch, d);
	ms_screen_show_window(s, r, &scratch, used, &st->scroll);
	ms_screen_free(&scratch);
}

static ms_pane_action key(ms_pane *p, int k)
{
	struct buddy_pane *st = p->state;
	int page = st->page > 1 ? st->page - 1 : 1;
	switch (k) {
	case MS_KEY_UP: st->scroll--; break;
	case MS_KEY_DOWN: st->scroll++; break;
	case MS_KEY_PGUP: st->scroll -= page; break;
	case MS_KEY_PGDN: st->scroll += page; break;
	case MS_KEY_HOME: st->scroll = 0; break;
	case MS_KEY_END: st->scroll = 1 << 20; break; /* clamped by the next draw */
	default: return MS_PANE_IGNORED;
	}
	if (st->scroll < 0)
		st->scroll = 0;
	return MS_PANE_USED;
}

static void destroy(ms_pane *p)
{
	free(p->state);
}

static const char *const buddy_help[] = {
	"Per node and zone (/proc/buddyinfo, /proc/zoneinfo, /proc/pagetypeinfo):",
	"  free          free memory of the zone: sum of blocks x 2^order pages",
	"  allocatable   largest order with a free block that leaves free pages above low",
	"  pages         free pages against the min/low/high watermarks (zoneinfo)",
	"  order, block  buddy order and the size of one block of it",
	"  free, kB      free blocks of that order, and the memory they hold",
	"  unusable      unusable free space index: share of free memory in smaller blocks",
	"  extfrag       fragmentation index: near 1 = fragmented, near 0 = short of memory",
	"  migrate type  free blocks per order of each migrate type (root only); 123+ is "
	"at least 123, 12k is 12,000",
	"  since         with a baseline (b, --baseline): blocks of the order gained or lost "
	"since it; the zone's title says how its free memory moved",
	NULL,
};

static int create(ms_pane *p)
{
	p->state = calloc(1, sizeof(struct buddy_pane));
	return p->state ? 0 : -ENOMEM;
}

const ms_pane_class ms_pane_buddy = {
	.name = "buddy/zones",
	.parts = MS_PART_BUDDY | MS_PART_PAGETYPE | MS_PART_ZONEINFO,
	.table = &ms_zone_table, /* the watermark fields */
	.help = buddy_help,
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
};
