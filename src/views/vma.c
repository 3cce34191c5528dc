/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pane 4, VMA: the mappings of one process in address order, with the
 * unmapped gaps between them as rows of their own, a summary per kind of
 * mapping and a strip that draws the address space. The mappings are read
 * by the app (ms_vmas_load) only while this pane is open. `c` switches to
 * the same mappings in Android's categories (src/model/classify.c), which
 * add up to the title's totals.
 */
#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/views.h"

enum vma_kind { K_CODE, K_DATA, K_HEAP, K_STACK, K_ANON, K_FILE, K_SHMEM, K_COUNT };

static const struct {
	const char *name;
	char letter;
	ms_attr attr;
} kinds[K_COUNT] = {
	[K_CODE] = { "code", 'x', MS_ATTR_BAR_KSTACK },
	[K_DATA] = { "data", 'd', MS_ATTR_BAR_PTABLES },
	[K_HEAP] = { "heap", 'h', MS_ATTR_BAR_ANON },
	[K_STACK] = { "stack", 's', MS_ATTR_BAR_SLAB_U },
	[K_ANON] = { "anon", 'a', MS_ATTR_BAR_ANON },
	[K_FILE] = { "file", 'f', MS_ATTR_BAR_CACHE },
	[K_SHMEM] = { "shmem", 'm', MS_ATTR_BAR_CMA },
};

#define SUMMARY_COL 10 /* 6 + 7 x 10 columns fit in 80 */

struct kind_sum {
	int64_t count, size_kb, rss_kb, pss_kb, swap_kb;
};

/* An unmapped range between two mappings: a row of its own. */
struct vma_gap {
	uint64_t start, end;
};

/* The columns' ctx. ms_vma_table reads an ms_vmalist (a path is found by
 * the row's place in it), so that comes first; the gaps are ours. */
struct vma_ctx {
	ms_vmalist list; /* a shallow copy of the loaded list: nothing owned */
	const struct vma_gap *gaps;
	size_t ngaps;
};

/* The rows are pointers: to the mappings of the loaded list, in place (no
 * copy of a 60,000-mapping list), and to the gaps between them. */
struct vma_pane {
	ms_tablew table; /* first: ms_table_pane_key/filter take it */
	const void **rows;
	struct vma_gap *gaps;
	struct vma_ctx ctx;
	struct kind_sum sum[K_COUNT];
	struct kind_sum total;
	int64_t uss_kb;
	unsigned long generation;
	bool fresh;
	bool categories;   /* `c`: the categories instead of the mappings */
	ms_categories cats; /* of the list, built with the rows */
};

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What a mapping is, from its path and permissions, as pmap and smem
 * would name it. */
static enum vma_kind kind_of(const ms_vma *v, const char *path)
{
	bool shared = v->perms[3] == 's';
	if (strcmp(path, "[heap]") == 0)
		return K_HEAP;
	if (starts(path, "[stack"))
		return K_STACK;
	if (starts(path, "/dev/shm/") || starts(path, "/SYSV") || starts(path, "/memfd:") ||
	    starts(path, "[anon_shmem") || (shared && (path[0] == '\0' || path[0] == '[')))
		return K_SHMEM;
	if (v->perms[2] == 'x')
		return K_CODE; /* a program or library text, or [vdso] */
	if (path[0] == '/')
		return v->perms[1] == 'w' && !shared ? K_DATA : K_FILE;
	return K_ANON;
}

static const char *row_path(const ms_vmalist *l, const ms_vma *v)
{
	if (v->path_len == 0 || !l->strings.data || v->path_off >= l->strings.len)
		return "";
	return l->strings.data + v->path_off;
}

static void add_to(struct kind_sum *k, const ms_vma *v)
{
	k->count++;
	k->size_kb += (int64_t)((v->end - v->start) / 1024);
	k->rss_kb = ms_add_na(k->rss_kb, v->mem.rss);
	k->pss_kb = ms_add_na(k->pss_kb, v->mem.pss);
	k->swap_kb = ms_add_na(k->swap_kb, v->mem.swap);
}

static void summarize(struct vma_pane *st, const ms_vmalist *l)
{
	memset(st->sum, 0, sizeof st->sum);
	memset(&st->total, 0, sizeof st->total);
	st->uss_kb = 0;
	for (size_t i = 0; i < l->n; i++) {
		const ms_vma *v = &l->v[i];
		add_to(&st->sum[kind_of(v, row_path(l, v))], v);
		add_to(&st->total, v);
		st->uss_kb = ms_add_na(st->uss_kb, ms_memcounters_uss(&v->mem));
	}
}

/* The mappings with a gap row wherever one ends below the next start.
 * Returns the number of rows or -ENOMEM. */
static int build_rows(struct vma_pane *st, const ms_vmalist *l)
{
	if (l->n > INT_MAX / 2)
		return -ENOMEM;
	free(st->rows);
	free(st->gaps);
	st->gaps = NULL;
	st->ctx = (struct vma_ctx){ .list = *l };
	st->rows = calloc(2 * l->n + 1, sizeof(*st->rows));
	st->gaps = calloc(l->n + 1, sizeof(*st->gaps));
	if (!st->rows || !st->gaps)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0 && l->v[i].start > l->v[i - 1].end) {
			struct vma_gap *g = &st->gaps[st->ctx.ngaps++];
			g->start = l->v[i - 1].end;
			g->end = l->v[i].start;
			st->rows[n++] = g;
		}
		st->rows[n++] = &l->v[i];
	}
	st->ctx.gaps = st->gaps;
	return (int)n;
}

static int take_rows(struct vma_pane *st, const ms_view_data *d)
{
	if (!st->fresh && st->generation == d->generation)
		return 0;
	st->fresh = false;
	st->generation = d->generation;
	st->table.plain_kb = d->plain_kb;
	int n = 0;
	if (d->vmas && d->vma_status == 0) {
		summarize(st, d->vmas);
		ms_categories_init(&st->cats);
		ms_categories_of_list(&st->cats, d->vmas);
		n = build_rows(st, d->vmas);
	}
	if (n < 0) {
		ms_tablew_set_row_ptrs(&st->table, NULL, 0, sizeof(ms_vma), &st->ctx);
		return n;
	}
	return ms_tablew_set_row_ptrs(&st->table, (const void *const *)st->rows, (size_t)n,
				      sizeof(ms_vma), &st->ctx);
}

static const struct vma_gap *as_gap(const void *row, const struct vma_ctx *c)
{
	const struct vma_gap *g = row;
	return c && c->ngaps && g >= c->gaps && g < c->gaps + c->ngaps ? g : NULL;
}

static bool gap_note(const void *row, const void *ctx, ms_buf *text)
{
	const struct vma_gap *g = as_gap(row, ctx);
	if (!g)
		return false;
	if (text) {
		char size[32];
		ms_format_kb(size, sizeof size, (int64_t)((g->end - g->start) / 1024), false);
		ms_buf_reset(text);
		ms_buf_printf(text, "%*s -- gap of %s, %" PRIx64 "-%" PRIx64 " unmapped --", 8, "",
			      size, g->start, g->end);
	}
	return true;
}

static void fmt_kb(char *dst, size_t cap, int64_t kb, bool plain)
{
	if (kb == MS_NA)
		snprintf(dst, cap, "-");
	else
		ms_format_kb(dst, cap, kb, plain);
}

/* "PID 808 python3.4: 109 mappings  size 40.7M rss 10.7M pss 9.8M uss
 * 9.7M swap 0K": fits 80 columns for a short name. */
static int draw_title(const struct vma_pane *st, ms_screen *s, ms_rect r,
		      const ms_view_data *d)
{
	int x = ms_screen_printf(s, r.row, r.col, r.cols, MS_ATTR_TITLE, "PID %d ", d->vma_pid);
	if (d->vma_name)
		x += ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_TITLE,
					     d->vma_name, strlen(d->vma_name));
	char size[32], rss[32], pss[32], uss[32], swap[32];
	fmt_kb(size, sizeof size, st->total.size_kb, d->plain_kb);
	fmt_kb(rss, sizeof rss, st->total.rss_kb, d->plain_kb);
	fmt_kb(pss, sizeof pss, st->total.pss_kb, d->plain_kb);
	fmt_kb(uss, sizeof uss, st->uss_kb, d->plain_kb);
	fmt_kb(swap, sizeof swap, st->total.swap_kb, d->plain_kb);
	if (!d->vmas->from_smaps) {
		ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_NORMAL,
				 ": %zu mappings  size %s  (from maps: no smaps, no figures)",
				 d->vmas->n, size);
		return 1;
	}
	ms_screen_printf(s, r.row, r.col + x, r.cols - x, MS_ATTR_NORMAL,
			 ": %zu mappings  size %s rss %s pss %s uss %s swap %s", d->vmas->n, size,
			 rss, pss, uss, swap);
	return 1;
}

/* A process without mappings says what it is, rather than a table of
 * zeros: a kernel thread, or a zombie. */
static bool draw_no_mappings(ms_screen *s, ms_rect r, const ms_view_data *d)
{
	if (d->vmas->n > 0 || (d->vma_kind != MS_PROC_KTHREAD && d->vma_kind != MS_PROC_ZOMBIE))
		return false;
	int x = ms_screen_printf(s, r.row, r.col, r.cols, MS_ATTR_TITLE, "PID %d ", d->vma_pid);
	if (d->vma_name)
		ms_screen_put_untrusted(s, r.row, r.col + x, r.cols - x, MS_ATTR_TITLE, d->vma_name,
					strlen(d->vma_name));
	if (d->vma_kind == MS_PROC_KTHREAD) {
		ms_screen_puts(s, r.row + 1, r.col, r.cols, MS_ATTR_NORMAL,
			       "A kernel thread: it runs on the kernel's own memory");
		ms_screen_puts(s, r.row + 2, r.col, r.cols, MS_ATTR_NORMAL,
			       "and has no mappings of its own.");
	} else {
		ms_screen_puts(s, r.row + 1, r.col, r.cols, MS_ATTR_NORMAL,
			       "A zombie: it has exited and its memory is freed;");
		ms_screen_printf(s, r.row + 2, r.col, r.cols, MS_ATTR_NORMAL,
				 "its parent (PID %d) has not yet collected its exit status.",
				 d->vma_ppid);
	}
	return true;
}

/* "x code" right-aligned over a column of figures, the letter in the
 * colour the strip draws that kind in. */
static void draw_kind_head(ms_screen *s, int y, int x, int room, int k)
{
	char head[32];
	int len = snprintf(head, sizeof head, "%c %s", kinds[k].letter, kinds[k].name);
	int pad = SUMMARY_COL - len;
	if (room <= pad)
		return;
	ms_screen_put(s, y, x + pad, room - pad, MS_ATTR_COLHEAD, head, (size_t)len);
	ms_screen_set_attr(s, y, x + pad, 1, kinds[k].attr);
}

/* One line per figure, one column per kind; compact: kind, size, pss. */
static int draw_summary(const struct vma_pane *st, ms_screen *s, ms_rect r, bool compact,
			bool plain)
{
	static const char *const labels[] = { "kind", "count", "size", "rss", "pss", "swap" };
	static const int all[] = { 0, 1, 2, 3, 4, 5 }, few[] = { 0, 2, 4 };
	const int *fields = compact ? few : all;
	int nlines = compact ? 3 : 6;
	for (int line = 0; line < nlines; line++) {
		int y = r.row + line, field = fields[line];
		int x = ms_screen_printf(s, y, r.col, r.cols, field ? MS_ATTR_DIM : MS_ATTR_COLHEAD,
					 "%-6s", labels[field]);
		for (int k = 0; k < K_COUNT && x < r.cols; k++, x += SUMMARY_COL) {
			const struct kind_sum *ks = &st->sum[k];
			int64_t f[] = { 0, ks->count, ks->size_kb, ks->rss_kb, ks->pss_kb,
					ks->swap_kb };
			char v[32];
			if (field == 0) {
				draw_kind_head(s, y, r.col + x, r.cols - x, k);
				continue;
			}
			if (field == 1)
				snprintf(v, sizeof v, "%lld", (long long)f[1]);
			else
				fmt_kb(v, sizeof v, f[field], plain);
			ms_screen_printf(s, y, r.col + x, r.cols - x, MS_ATTR_NORMAL, "%*s",
					 SUMMARY_COL, v);
		}
	}
	return nlines;
}

/* The strip: the address space from the lowest mapping to the highest,
 * each cell the kind that holds most of its bytes ('.' for gaps). A gap
 * far larger than all the mappings together (between the program, the mmap
 * area and the stack) would leave nothing else visible, so such gaps are
 * drawn as one '/' each and split the strip into runs, each run on its own
 * linear scale. */
struct run {
	size_t first, last; /* mappings */
	uint64_t bytes;     /* from the first's start to the last's end */
	int cells;
};

static uint64_t gap_before(const ms_vmalist *l, size_t i)
{
	return i > 0 && l->v[i].start > l->v[i - 1].end ? l->v[i].start - l->v[i - 1].end : 0;
}

static size_t split_runs(const ms_vmalist *l, struct run *runs, size_t max_runs)
{
	uint64_t mapped = 0;
	for (size_t i = 0; i < l->n; i++)
		mapped += l->v[i].end - l->v[i].start;
	size_t n = 0;
	runs[0].first = 0;
	for (size_t i = 1; i < l->n; i++) {
		if (gap_before(l, i) > mapped / 4 && n + 1 < max_runs) {
			runs[n++].last = i - 1;
			runs[n].first = i;
		}
	}
	runs[n++].last = l->n - 1;
	for (size_t r = 0; r < n; r++)
		runs[r].bytes = l->v[runs[r].last].end - l->v[runs[r].first].start;
	return n;
}

/* x * num / den, rounded down (or up), for a result that fits 64 bits;
 * without a 128-bit type, which 32-bit ARM lacks. A den wider than 32 bits
 * is narrowed together with x, both losing the same low bits: the result
 * moves by less than a cell, and x == den still gives exactly num. */
static uint64_t scale(uint64_t x, uint32_t num, uint64_t den, bool up)
{
	while (den > UINT32_MAX) {
		x >>= 1;
		den >>= 1;
	}
	uint64_t q = x / den, r = x % den, rest = r * num; /* r, num < 2^32 */
	return q * num + rest / den + (up && rest % den != 0);
}

/* One cell for every run, so none vanishes, and the rest in proportion
 * to their bytes (cumulative rounding: they add up exactly). */
static void share_cells(struct run *runs, size_t n, int cells)
{
	uint64_t total = 0, cum = 0;
	for (size_t r = 0; r < n; r++)
		total += runs[r].bytes;
	int spare = cells - (int)n, given = 0;
	for (size_t r = 0; r < n; r++) {
		cum += runs[r].bytes;
		int upto = total ? (int)scale(cum, (uint32_t)spare, total, false) : 0;
		runs[r].cells = 1 + upto - given;
		given = upto;
	}
}

/* Adds [from, to) of a run, of one kind, to the cells it covers. */
static void weigh(uint64_t *weight, const struct run *run, uint64_t from, uint64_t to, int kind)
{
	while (from < to) {
		int c = (int)scale(from, (uint32_t)run->cells, run->bytes, false);
		if (c >= run->cells) /* narrowing in scale() can round up to here */
			c = run->cells - 1;
		uint64_t cell_end = scale(run->bytes, (uint32_t)(c + 1), (uint64_t)run->cells, true);
		uint64_t upto = cell_end > from && cell_end < to ? cell_end : to;
		weight[(size_t)c * (K_COUNT + 1) + (size_t)kind] += upto - from;
		from = upto;
	}
}

static int heaviest_kind(const uint64_t *weight, int c)
{
	int best = K_COUNT;
	uint64_t most = 0;
	for (int k = 0; k <= K_COUNT; k++) {
		uint64_t w = weight[(size_t)c * (K_COUNT + 1) + (size_t)k];
		if (w > most) {
			most = w;
			best = k;
		}
	}
	return best;
}

static int draw_run(const ms_vmalist *l, const struct run *run, ms_screen *s, int row, int x)
{
	uint64_t *weight = calloc((size_t)run->cells * (K_COUNT + 1), sizeof(uint64_t));
	if (!weight || run->bytes == 0) {
		free(weight);
		return x + run->cells;
	}
	uint64_t base = l->v[run->first].start;
	for (size_t i = run->first; i <= run->last; i++) {
		if (i > run->first)
			weigh(weight, run, l->v[i - 1].end - base, l->v[i].start - base, K_COUNT);
		weigh(weight, run, l->v[i].start - base, l->v[i].end - base,
		      kind_of(&l->v[i], row_path(l, &l->v[i])));
	}
	for (int c = 0; c < run->cells; c++) {
		int kind = heaviest_kind(weight, c);
		if (kind == K_COUNT)
			ms_screen_fill(s, row, x++, 1, '.', MS_ATTR_DIM);
		else
			ms_screen_fill(s, row, x++, 1, kinds[kind].letter, kinds[kind].attr);
	}
	free(weight);
	return x;
}

static void draw_strip(const ms_vmalist *l, ms_screen *s, int row, int col, int width)
{
	size_t max_runs = (size_t)width / 4 + 1;
	if (width < 8 || l->n == 0)
		return;
	struct run *runs = calloc(max_runs, sizeof(*runs));
	if (!runs)
		return;
	size_t n = split_runs(l, runs, max_runs);
	share_cells(runs, n, width - (int)(n - 1));
	int x = col;
	for (size_t r = 0; r < n; r++) {
		if (r > 0)
			ms_screen_fill(s, row, x++, 1, '/', MS_ATTR_DIM);
		x = draw_run(l, &runs[r], s, row, x);
	}
	free(runs);
}

/* ---- categories (`c`) ------------------------------------------------------ */

static void put_cat_row(ms_screen *s, int y, ms_rect r, const char *title,
			const ms_category_row *c, bool plain, ms_attr attr)
{
	int64_t f[] = { c->pss_kb, c->private_dirty_kb, c->private_clean_kb, c->swap_pss_kb,
			c->rss_kb };
	int x = ms_screen_printf(s, y, r.col, r.cols, attr, "%-22.22s", title);
	for (size_t i = 0; i < MS_ARRAY_LEN(f) && x < r.cols; i++) {
		char v[32];
		fmt_kb(v, sizeof v, f[i], plain);
		x += ms_screen_printf(s, y, r.col + x, r.cols - x, attr, "%10s", v);
	}
	if (x < r.cols)
		ms_screen_printf(s, y, r.col + x, r.cols - x, attr, "%6zu", c->nvmas);
}

/* The categories holding a mapping, by PSS, then their totals: the rows
 * add up to the totals, which are the title's. */
static void draw_categories(const struct vma_pane *st, ms_screen *s, ms_rect r, int y,
			    bool plain)
{
	int order[MS_NCATEGORIES], n = 0;
	int end = r.row + r.rows;

	for (int i = 0; i < MS_NCATEGORIES; i++)
		if (st->cats.rows[i].nvmas > 0)
			order[n++] = i;
	for (int i = 1; i < n; i++) /* a few rows: insertion sort by PSS */
		for (int j = i; j > 0 && st->cats.rows[order[j]].pss_kb >
					   st->cats.rows[order[j - 1]].pss_kb; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	if (y < end)
		ms_screen_printf(s, y++, r.col, r.cols, MS_ATTR_COLHEAD, "%-22s%10s%10s%10s%10s%10s%6s",
				 "CATEGORY", "PSS", "PRIVDIRTY", "PRIVCLEAN", "SWAPPSS", "RSS",
				 "VMAS");
	for (int i = 0; i < n && y < end - 1; i++)
		put_cat_row(s, y++, r, ms_category_defs[order[i]].title, &st->cats.rows[order[i]],
			    plain, MS_ATTR_NORMAL);
	if (y < end)
		put_cat_row(s, y++, r, "TOTAL", &st->cats.totals, plain, MS_ATTR_TITLE);
	if (y < end)
		ms_screen_puts(s, y, r.col, r.cols, MS_ATTR_DIM,
			       "c: back to the mappings  (categories after Android's dumpsys meminfo)");
}

static ms_pane_action key(ms_pane *p, int k)
{
	struct vma_pane *st = p->state;

	if (k == 'c') {
		st->categories = !st->categories;
		return MS_PANE_USED;
	}
	return ms_table_pane_key(p, k);
}

static void draw(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d)
{
	struct vma_pane *st = p->state;
	if (r.rows < 1)
		return;
	if (d->vma_pid <= 0) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_DIM,
			       "No process chosen: Enter on a process in pane 1, "
			       "or p to type a PID.");
		return;
	}
	if (d->vma_status != 0 || !d->vmas) {
		ms_part_state st_err = { .status = d->vma_status ? d->vma_status : -ENODATA };
		if (d->vma_err)
			st_err.err = *d->vma_err;
		char what[32];
		snprintf(what, sizeof what, "mappings of PID %d", d->vma_pid);
		ms_pane_draw_reason(s, r, what, &st_err);
		return;
	}
	if (draw_no_mappings(s, r, d))
		return;
	if (take_rows(st, d) != 0) {
		ms_screen_puts(s, r.row, r.col, r.cols, MS_ATTR_WARN, "vma: out of memory");
		return;
	}
	int y = r.row + draw_title(st, s, r, d);
	if (st->categories) {
		draw_categories(st, s, r, y, d->plain_kb);
		return;
	}
	bool compact = r.rows < 18;
	ms_rect sr = { y, r.col, r.rows - (y - r.row), r.cols };
	y += draw_summary(st, s, sr, compact, d->plain_kb);
	if (st->table.filter[0]) {
		/* The strip shows every mapping: with a filter in force, the
		 * line says what the table shows instead. */
		int x = ms_screen_puts(s, y, r.col, r.cols, MS_ATTR_TITLE, "filter \"");
		x += ms_screen_put_untrusted(s, y, r.col + x, r.cols - x, MS_ATTR_TITLE,
					     st->table.filter, strlen(st->table.filter));
		ms_screen_printf(s, y++, r.col + x, r.cols - x, MS_ATTR_TITLE,
				 "\": %zu of %zu mappings (/ and Enter on nothing clears it)",
				 ms_tablew_count(&st->table), d->vmas->n);
	} else {
		int x = ms_screen_puts(s, y, r.col, r.cols, MS_ATTR_DIM, "map  ");
		draw_strip(d->vmas, s, y++, r.col + x, r.cols - x);
	}
	ms_rect t = { y, r.col, r.rows - (y - r.row), r.cols };
	ms_tablew_draw(&st->table, s, t, NULL);
}

static void destroy(ms_pane *p)
{
	struct vma_pane *st = p->state;
	if (!st)
		return;
	ms_tablew_free(&st->table);
	free(st->rows);
	free(st->gaps);
	free(st);
}

static const char *const vma_help[] = {
	"Mappings of one process (/proc/PID/smaps; maps when smaps is missing):",
	"  Rows are in address order; '-- gap --' rows are unmapped address space.",
	"  kinds: x code (executable), d data (private writable file), h heap, s stack,",
	"         a anonymous, f file (read-only or shared), m shared memory",
	"  map   the address space, one letter per kind; '/' a large gap left out; '.' gaps",
	"  c     the same mappings in categories (native heap, stack, .so, files, devices,",
	"        DMA-BUF, memfd, SysV...), after Android's dumpsys meminfo; c again returns",
	NULL,
};

static int create(ms_pane *p)
{
	struct vma_pane *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	ms_tablew_init(&st->table, &ms_vma_table, "path", NULL);
	st->table.fixed_order = true;
	st->table.note = gap_note;
	st->fresh = true;
	p->state = st;
	return 0;
}

const ms_pane_class ms_pane_vma = {
	.name = "vma",
	.wants_vmas = true,
	.table = &ms_vma_table,
	.help = vma_help,
	.hint = "c:categories",
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
	.filter = ms_table_pane_filter,
};
