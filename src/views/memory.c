/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 5, memory: where the RAM went (include/memscope/accounting.h) as
 * nested horizontal bars, each row's bar the share of the row it is part
 * of, under a one-line strip of the physical address space (RAM banks,
 * holes, reserved ranges, the kernel, CMA, no-map). Enter on a row opens
 * what is behind it where the sample has it: vmalloc's callers, the
 * reserved ranges of iomem and the device tree, the CMA areas; on a slab
 * row it switches to the slab pane. ASCII only: it reads at 80x24 on a
 * vt100 without colour.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/accounting.h"
#include "memscope/views.h"

enum detail { DETAIL_NONE, DETAIL_VMALLOC, DETAIL_REGIONS, DETAIL_DMABUF };

struct memory_pane {
	ms_accounting acct;
	unsigned long generation; /* of the sample acct was built from */
	bool built;
	int sel, scroll;
	enum detail detail;
	int detail_scroll;
	int page; /* rows of the last draw */
};

#define LABEL_COLS 26
#define KB_COLS 8

static int create(ms_pane *p)
{
	struct memory_pane *m = calloc(1, sizeof *m);

	if (!m)
		return -ENOMEM;
	p->state = m;
	return 0;
}

static void destroy(ms_pane *p)
{
	struct memory_pane *m = p->state;

	ms_accounting_free(&m->acct);
	free(m);
}

static void rebuild(struct memory_pane *m, const ms_view_data *d)
{
	if (m->built && m->generation == d->generation)
		return;
	ms_accounting_free(&m->acct);
	m->built = ms_accounting_build(d->cur, &m->acct) == 0;
	m->generation = d->generation;
	if (m->sel >= (int)m->acct.n)
		m->sel = m->acct.n ? (int)m->acct.n - 1 : 0;
}

/* ---- the strip of the physical address space -------------------------------- */

struct span {
	uint64_t lo, hi; /* the RAM's extent, inclusive */
};

static bool ram_span(const ms_iomem *io, struct span *sp)
{
	bool any = false;

	for (size_t i = 0; i < io->n; i++) {
		const ms_iomem_res *r = &io->res[i];
		if (r->kind != MS_IOMEM_SYSTEM_RAM || r->parent >= 0)
			continue;
		if (!any || r->start < sp->lo)
			sp->lo = r->start;
		if (!any || r->end > sp->hi)
			sp->hi = r->end;
		any = true;
	}
	return any && sp->hi > sp->lo;
}

/* Marks the columns [start, end] covers with ch; a range narrower than a
 * column still marks one, so that a small kernel is seen. */
static void mark(char *strip, int cols, const struct span *sp, uint64_t start, uint64_t end,
		 char ch)
{
	if (end < sp->lo || start > sp->hi || end < start)
		return;
	if (start < sp->lo)
		start = sp->lo;
	if (end > sp->hi)
		end = sp->hi;
	long double width = (long double)(sp->hi - sp->lo) + 1;
	int a = (int)((long double)(start - sp->lo) * cols / width);
	int b = (int)((long double)(end - sp->lo) * cols / width);
	for (int c = a; c <= b && c < cols; c++)
		strip[c] = ch;
}

static char iomem_char(enum ms_iomem_kind k)
{
	switch (k) {
	case MS_IOMEM_KERNEL_CODE:
	case MS_IOMEM_KERNEL_RODATA:
	case MS_IOMEM_KERNEL_DATA:
	case MS_IOMEM_KERNEL_BSS:
		return 'K';
	case MS_IOMEM_RESERVED:
		return 'r';
	case MS_IOMEM_CRASH_KERNEL:
		return 'x';
	default:
		return 0;
	}
}

static void draw_strip(ms_screen *s, int row, ms_rect r, const ms_sample *smp)
{
	char strip[512];
	struct span sp;
	const ms_iomem *io = &smp->iomem;
	int cols = r.cols - 2 < (int)sizeof strip - 1 ? r.cols - 2 : (int)sizeof strip - 1;

	if (!ms_sample_has(smp, MS_P_IOMEM) || !ram_span(io, &sp) || cols < 10) {
		ms_screen_printf(s, row, r.col, r.cols, MS_ATTR_DIM, "address map: %s",
				 ms_sample_has(smp, MS_P_IOMEM)
					 ? "no System RAM in iomem"
					 : ms_part_reason(ms_sample_state(smp, MS_P_IOMEM)));
		return;
	}
	memset(strip, '.', (size_t)cols);
	strip[cols] = '\0';
	for (size_t i = 0; i < io->n; i++)
		if (io->res[i].kind == MS_IOMEM_SYSTEM_RAM)
			mark(strip, cols, &sp, io->res[i].start, io->res[i].end, '=');
	for (size_t i = 0; i < io->n; i++) {
		char ch = iomem_char(io->res[i].kind);
		if (ch && ch != 'K')
			mark(strip, cols, &sp, io->res[i].start, io->res[i].end, ch);
	}
	for (size_t i = 0; ms_sample_has(smp, MS_P_DEVTREE) && i < smp->dt.n; i++) {
		const ms_dt_region *d = &smp->dt.regions[i];
		if (d->kind == MS_DT_RESERVED && d->has_base && d->size && !d->disabled)
			mark(strip, cols, &sp, d->base, d->base + d->size - 1,
			     d->no_map ? 'n' : d->reusable ? 'C' : 'r');
	}
	for (size_t i = 0; ms_sample_has(smp, MS_P_CMA) && i < smp->cma.n; i++) {
		const ms_cma_area *c = &smp->cma.areas[i];
		if (c->base_pfn != MS_NA && c->count != MS_NA && c->count > 0)
			mark(strip, cols, &sp, (uint64_t)c->base_pfn * (uint64_t)smp->info.page_size,
			     (uint64_t)(c->base_pfn + c->count) * (uint64_t)smp->info.page_size - 1,
			     'C');
	}
	/* The kernel last: it is small and the reason to look. */
	for (size_t i = 0; i < io->n; i++)
		if (iomem_char(io->res[i].kind) == 'K')
			mark(strip, cols, &sp, io->res[i].start, io->res[i].end, 'K');
	ms_screen_printf(s, row, r.col, r.cols, MS_ATTR_NORMAL, "[%s]", strip);
	ms_screen_printf(s, row + 1, r.col, r.cols, MS_ATTR_DIM,
			 "%#" PRIx64 " =RAM .hole K kernel r reserved C CMA n no-map %#" PRIx64,
			 sp.lo, sp.hi);
}

/* ---- the bars ---------------------------------------------------------------- */

/* Share of the row it is part of (areas and installed: of installed). */
static double share_of_parent(const ms_accounting *a, size_t i)
{
	const ms_acct_row *row = &a->rows[i];
	int64_t whole = row->parent >= 0 ? a->rows[row->parent].kb : a->installed_kb;

	if (row->kb == MS_NA || whole == MS_NA || whole <= 0 || row->kb < 0)
		return -1;
	return (double)row->kb / (double)whole;
}

static void draw_row(ms_screen *s, int y, ms_rect r, const ms_accounting *a, size_t i,
		     bool selected, bool plain_kb)
{
	const ms_acct_row *row = &a->rows[i];
	ms_attr at = selected ? MS_ATTR_SELECTED : row->kind == MS_ACCT_TOTAL ? MS_ATTR_TITLE
								    : MS_ATTR_NORMAL;
	char kb[MS_CELL_MAX];
	int indent = 2 * row->depth;

	ms_screen_fill(s, y, r.col, r.cols, ' ', at);
	ms_screen_put_untrusted(s, y, r.col + indent, LABEL_COLS - indent - 1, at, row->label,
				strlen(row->label));
	ms_format_kb(kb, sizeof kb, row->kb, plain_kb);
	ms_screen_printf(s, y, r.col + LABEL_COLS, KB_COLS, at, "%*s", KB_COLS - 1, kb);
	double share = share_of_parent(a, i);
	int bar_col = r.col + LABEL_COLS + KB_COLS + 6, bar_cols = r.cols - (bar_col - r.col);
	if (share < 0) {
		ms_screen_puts(s, y, bar_col - 5, r.cols - (bar_col - 5 - r.col), MS_ATTR_DIM,
			       row->reason[0] ? row->reason : "unknown");
		return;
	}
	ms_screen_printf(s, y, bar_col - 6, 6, at, "%4.0f%% ", share * 100.0);
	if (bar_cols <= 2)
		return;
	int n = (int)(share * (bar_cols - 2) + 0.5);
	if (n == 0 && row->kb > 0)
		n = 1; /* something, however small, shows */
	ms_screen_puts(s, y, bar_col, 1, MS_ATTR_DIM, "|");
	ms_screen_fill(s, y, bar_col + 1, n, row->kind == MS_ACCT_AREA ? '~' : '#', at);
}

/* ---- details ---------------------------------------------------------------- */

static int detail_vmalloc(ms_screen *s, int y, ms_rect r, const ms_sample *smp, int skip)
{
	ms_vmalloc_groups g = { 0 };
	int used = 0;

	if (!ms_sample_has(smp, MS_P_VMALLOC)) {
		ms_pane_draw_reason(s, (ms_rect){ y, r.col, 1, r.cols }, "vmallocinfo",
				    ms_sample_state(smp, MS_P_VMALLOC));
		return 1;
	}
	if (ms_vmalloc_group_by_caller(&smp->vmalloc, true, &g) < 0)
		return 0;
	ms_screen_printf(s, y + used++, r.col, r.cols, MS_ATTR_COLHEAD, "%-40s %6s %9s %9s",
			 "vmalloc callers", "COUNT", "PAGES", "SIZE");
	for (size_t i = (size_t)skip; i < g.n && used < r.rows - (y - r.row); i++) {
		char name[128], pages[MS_CELL_MAX], size[MS_CELL_MAX];
		snprintf(name, sizeof name, "%.*s%s%s%s", (int)g.g[i].name_len, g.g[i].name,
			 g.g[i].module[0] ? " [" : "", g.g[i].module, g.g[i].module[0] ? "]" : "");
		ms_format_kb(pages, sizeof pages,
			     ms_vmalloc_pages_kb(g.g[i].sum.pages, smp->info.page_size), false);
		ms_format_kb(size, sizeof size, g.g[i].sum.size_bytes / 1024, false);
		int w = ms_screen_put_untrusted(s, y + used, r.col, 40, MS_ATTR_NORMAL,
						name[0] ? name : "(no caller)",
						strlen(name[0] ? name : "(no caller)"));
		(void)w;
		ms_screen_printf(s, y + used++, r.col + 41, r.cols - 41, MS_ATTR_NORMAL,
				 "%6" PRId64 " %9s %9s", g.g[i].sum.count, pages, size);
	}
	ms_vmalloc_groups_free(&g);
	return used;
}

/* The ranges behind the boot reservations: iomem's reserved, kernel and
 * crash kernel ranges inside System RAM, and the device tree's regions. */
static int detail_regions(ms_screen *s, int y, ms_rect r, const ms_sample *smp, int skip)
{
	int used = 0, n = 0, rows = r.rows - (y - r.row);

	ms_screen_puts(s, y + used++, r.col, r.cols, MS_ATTR_COLHEAD,
		       "reserved ranges: iomem, device tree");
	for (size_t i = 0; ms_sample_has(smp, MS_P_IOMEM) && i < smp->iomem.n; i++) {
		const ms_iomem_res *res = &smp->iomem.res[i];
		char kb[MS_CELL_MAX];
		if (!iomem_char(res->kind) || n++ < skip || used >= rows)
			continue;
		ms_format_kb(kb, sizeof kb, ms_iomem_bytes(&smp->iomem, i) / 1024, false);
		int w = ms_screen_printf(s, y + used, r.col, r.cols, MS_ATTR_NORMAL,
					 "iomem %010" PRIx64 "-%010" PRIx64 " %8s ", res->start,
					 res->end, kb);
		const char *name = ms_iomem_name(&smp->iomem, i);
		ms_screen_put_untrusted(s, y + used++, r.col + w, r.cols - w, MS_ATTR_NORMAL, name,
					strlen(name));
	}
	for (size_t i = 0; ms_sample_has(smp, MS_P_DEVTREE) && i < smp->dt.n; i++) {
		const ms_dt_region *d = &smp->dt.regions[i];
		char kb[MS_CELL_MAX], what[96];
		if (d->kind != MS_DT_RESERVED || n++ < skip || used >= rows)
			continue;
		ms_format_kb(kb, sizeof kb, (int64_t)(d->size / 1024), false);
		snprintf(what, sizeof what, "%s%s%s", d->no_map ? "no-map " : "",
			 d->reusable ? "reusable " : "", d->has_base ? "" : "(placed at boot) ");
		int w = ms_screen_printf(s, y + used, r.col, r.cols, MS_ATTR_NORMAL,
					 "dt    %010" PRIx64 " %8s %s", d->base, kb, what);
		const char *node = ms_dt_region_node(&smp->dt, i);
		ms_screen_put_untrusted(s, y + used++, r.col + w, r.cols - w, MS_ATTR_NORMAL, node,
					strlen(node));
	}
	if (used == 1)
		ms_screen_puts(s, y + used++, r.col, r.cols, MS_ATTR_DIM,
			       ms_sample_has(smp, MS_P_IOMEM)
				       ? "none printed"
				       : ms_part_reason(ms_sample_state(smp, MS_P_IOMEM)));
	return used;
}

/* The processes holding DMA-BUFs, most first (their share, as procrank's
 * DMABUF column); those whose fds could not be read are counted. */
static int dmabuf_holders(const ms_sample *smp, size_t *order, size_t cap, size_t *unknown)
{
	size_t n = 0;

	*unknown = 0;
	for (size_t i = 0; ms_sample_has(smp, MS_P_PROCS) && i < smp->nprocs; i++) {
		const ms_proc *p = &smp->procs[i];
		if (p->dmabuf_kb == MS_NA) {
			++*unknown;
			continue;
		}
		if (p->dmabuf_kb <= 0)
			continue;
		size_t at = n < cap ? n++ : cap;
		while (at > 0 && smp->procs[order[at - 1]].dmabuf_kb < p->dmabuf_kb) {
			if (at < cap)
				order[at] = order[at - 1];
			at--;
		}
		if (at < cap)
			order[at] = i;
	}
	return (int)n;
}

/* DMA-BUF -> its exporters (the kernel's list) and the processes holding
 * buffers (fdinfo, split among holders). */
static int detail_dmabuf(ms_screen *s, int y, ms_rect r, const ms_sample *smp, int skip)
{
	const ms_dmabuf_totals *t = &smp->dmabuf;
	int used = 0, n = 0, rows = r.rows - (y - r.row);
	char kb[MS_CELL_MAX];
	size_t order[64], unknown;

	ms_screen_printf(s, y + used++, r.col, r.cols, MS_ATTR_COLHEAD, "%-32s %6s %9s",
			 "DMA-BUF exporters", "BUFS", "SIZE");
	if (!ms_sample_has(smp, MS_P_DMABUF)) {
		ms_pane_draw_reason(s, (ms_rect){ y + used++, r.col, 1, r.cols }, "buffer list",
				    ms_sample_state(smp, MS_P_DMABUF));
	} else {
		for (size_t e = 0; e <= t->nexporters; e++) {
			bool other = e == t->nexporters;
			if ((other && !t->other_count) || n++ < skip || used >= rows)
				continue;
			const char *name = other ? "(others)" : t->exporters[e].name;
			ms_format_kb(kb, sizeof kb, (other ? t->other_bytes : t->exporters[e].bytes) / 1024,
				     false);
			ms_screen_put_untrusted(s, y + used, r.col, 32, MS_ATTR_NORMAL, name,
						strlen(name));
			ms_screen_printf(s, y + used++, r.col + 33, r.cols - 33, MS_ATTR_NORMAL,
					 "%6" PRId64 " %9s",
					 other ? t->other_count : t->exporters[e].count, kb);
		}
		if (!t->count && used < rows)
			ms_screen_puts(s, y + used++, r.col, r.cols, MS_ATTR_DIM, "no buffer");
	}
	int holders = dmabuf_holders(smp, order, MS_ARRAY_LEN(order), &unknown);
	if (used < rows)
		ms_screen_printf(s, y + used++, r.col, r.cols, MS_ATTR_COLHEAD, "%-32s %6s %9s",
				 "held by (shared ones split)", "PID", "DMABUF");
	for (int i = 0; i < holders; i++) {
		const ms_proc *p = &smp->procs[order[i]];
		if (n++ < skip || used >= rows)
			continue;
		ms_format_kb(kb, sizeof kb, p->dmabuf_kb, false);
		ms_screen_put_untrusted(s, y + used, r.col, 32, MS_ATTR_NORMAL, p->name,
					strlen(p->name));
		ms_screen_printf(s, y + used++, r.col + 33, r.cols - 33, MS_ATTR_NORMAL,
				 "%6d %9s", p->pid, kb);
	}
	if (used < rows && !ms_sample_has(smp, MS_P_PROCS))
		ms_pane_draw_reason(s, (ms_rect){ y + used++, r.col, 1, r.cols }, "processes",
				    ms_sample_state(smp, MS_P_PROCS));
	else if (used < rows && !holders)
		ms_screen_puts(s, y + used++, r.col, r.cols, MS_ATTR_DIM, "no process holds one");
	if (used < rows && unknown)
		ms_screen_printf(s, y + used++, r.col, r.cols, MS_ATTR_DIM,
				 "%zu processes whose fds could not be read", unknown);
	return used;
}

/* ---- drawing and keys -------------------------------------------------------- */

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct memory_pane *m = p->state;

	rebuild(m, d);
	if (!m->built || r.rows < 4) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_WARN, "out of memory");
		return;
	}
	draw_strip(s, r.row, r, d->cur);
	int y = r.row + 2;
	if (m->detail != DETAIL_NONE) {
		ms_screen_printf(s, y++, r.col, r.cols, MS_ATTR_TITLE, "%s  (Esc: back)",
				 m->acct.rows[m->sel].label);
		m->page = r.rows - 3;
		if (m->detail == DETAIL_VMALLOC)
			detail_vmalloc(s, y, r, d->cur, m->detail_scroll);
		else if (m->detail == DETAIL_DMABUF)
			detail_dmabuf(s, y, r, d->cur, m->detail_scroll);
		else
			detail_regions(s, y, r, d->cur, m->detail_scroll);
		return;
	}
	m->page = r.rows - 2;
	if (m->sel < m->scroll)
		m->scroll = m->sel;
	if (m->sel >= m->scroll + m->page)
		m->scroll = m->sel - m->page + 1;
	for (int i = m->scroll; i < (int)m->acct.n && y < r.row + r.rows; i++)
		draw_row(s, y++, r, &m->acct, (size_t)i, i == m->sel, d->plain_kb);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static ms_pane_action open_detail(ms_pane *p, struct memory_pane *m)
{
	const char *key = m->acct.rows[m->sel].key;

	m->detail_scroll = 0;
	if (strcmp(key, "vmalloc") == 0) {
		m->detail = DETAIL_VMALLOC;
	} else if (strcmp(key, "dmabuf") == 0) {
		m->detail = DETAIL_DMABUF;
	} else if (has_prefix(key, "slab_")) {
		p->open_pane = "slabs";
		return MS_PANE_OPEN_PANE;
	} else if (strcmp(key, "boot_reserved") == 0 || has_prefix(key, "no_map") ||
		   has_prefix(key, "kernel_") || strcmp(key, "firmware_holes") == 0 ||
		   strcmp(key, "installed") == 0 || has_prefix(key, "cma")) {
		m->detail = DETAIL_REGIONS;
	} else {
		return MS_PANE_IGNORED;
	}
	return MS_PANE_USED;
}

static ms_pane_action key(ms_pane *p, int k)
{
	struct memory_pane *m = p->state;
	int n = (int)m->acct.n;

	if (m->detail != DETAIL_NONE) {
		switch (k) {
		case MS_KEY_ESC: case MS_KEY_BACKSPACE: case MS_KEY_LEFT: case MS_KEY_ENTER:
		case '\r':
			m->detail = DETAIL_NONE;
			return MS_PANE_USED;
		case MS_KEY_DOWN: m->detail_scroll++; return MS_PANE_USED;
		case MS_KEY_UP: if (m->detail_scroll > 0) m->detail_scroll--; return MS_PANE_USED;
		case MS_KEY_PGDN: m->detail_scroll += m->page; return MS_PANE_USED;
		case MS_KEY_PGUP:
			m->detail_scroll = m->detail_scroll > m->page ? m->detail_scroll - m->page : 0;
			return MS_PANE_USED;
		}
		return MS_PANE_IGNORED;
	}
	switch (k) {
	case MS_KEY_DOWN: case 'j': if (m->sel + 1 < n) m->sel++; return MS_PANE_USED;
	case MS_KEY_UP: case 'k': if (m->sel > 0) m->sel--; return MS_PANE_USED;
	case MS_KEY_PGDN: m->sel = m->sel + m->page < n ? m->sel + m->page : n - 1;
		return MS_PANE_USED;
	case MS_KEY_PGUP: m->sel = m->sel > m->page ? m->sel - m->page : 0; return MS_PANE_USED;
	case MS_KEY_HOME: m->sel = 0; return MS_PANE_USED;
	case MS_KEY_END: m->sel = n ? n - 1 : 0; return MS_PANE_USED;
	case MS_KEY_ENTER: case '\r':
		return n ? open_detail(p, m) : MS_PANE_IGNORED;
	}
	return MS_PANE_IGNORED;
}

static const char *const memory_help[] = {
	"Where the RAM went: installed RAM, what the kernel never got, the kernel",
	"image, the boot reservations, then MemTotal split into leaves that add up",
	"to it, down to 'Unaccounted' (what no counter names). Each bar is the",
	"share of the row it is part of; ~ marks an area (CMA) other rows' pages",
	"sit in. The strip above is the physical address space: = RAM, . hole,",
	"K kernel, r reserved, C CMA, n no-map, x crash kernel.",
	"Enter: vmalloc -> callers; DMA-BUF -> exporters and the processes",
	"holding buffers; boot reservations, kernel, no-map, CMA -> the reserved",
	"ranges of iomem and the device tree; slab -> the slab pane.",
	"doc/accounting.md says where each figure comes from.",
	NULL,
};

const ms_pane_class ms_pane_memory = {
	.name = "memory",
	/* The processes too: DMA-BUF's detail lists who holds buffers. */
	.parts = MS_PART_ACCOUNTING | MS_PART_PROCS,
	.help = memory_help,
	.hint = "Enter:detail",
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
};
