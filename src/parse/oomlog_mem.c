/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory half of an OOM report: show_mem() and show_free_areas()
 * (mm/show_mem.c since 6.1, mm/page_alloc.c before, lib/show_mem.c and
 * arch/{arm,x86}/mm's show_mem in 2.6-3.x). A 6.1 global OOM prints:
 *
 *   Mem-Info:
 *   active_anon:360 inactive_anon:53703 isolated_anon:0
 *    active_file:0 inactive_file:0 isolated_file:0
 *    ...
 *    free:442 free_pcp:114 free_cma:0
 *   Node 0 active_anon:1440kB inactive_anon:214812kB ... all_unreclaimable? yes
 *   Node 0 DMA free:1768kB boost:0kB min:1924kB low:2404kB high:2884kB ...
 *   lowmem_reserve[]: 0 0 0 0
 *   Node 0 DMA: 0*4kB 1*8kB (M) 2*16kB (UE) ... 0*8192kB = 1768kB
 *   Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB
 *   9032 total pagecache pages
 *   0 pages in swap cache
 *   Free swap  = 0kB
 *   Total swap = 0kB
 *   65536 pages RAM
 *   ...
 * "Node N " is printed only with CONFIG_NUMA. Older kernels differ:
 *   2.6.11-2.6.2x  "DMA per-cpu:" and "cpu 0 hot: ..." lines (read past),
 *                  "Active:123 inactive:456 dirty:0 ... free:1234 slab:567",
 *                  "DMA free:3532kB min:16kB ... pages_scanned:0
 *                  all_unreclaimable? yes", "protections[]: 0 0 0" (2.6.11),
 *                  "HighMem: empty", "Free swap:  0kB"; 2.6.11 prints no
 *                  "Mem-info:" before the counters.
 *   2.6.3x-4.7     lower-case counters ("active_anon:...") and the
 *                  migrate-type letters after each order ("12*4kB (UEM)").
 *   4.8+           the per-node line; 4.15+ "Unreclaimable slab info:"
 *                  when unreclaimable slab outgrows user memory:
 *                    Name                      Used          Total
 *                    kmalloc-4k               1234KB       5678KB
 * Migrate letters: U(nmovable) M(ovable) E (reclaimable) H(ighatomic)
 * R(eserve) C(MA) I(solate); taken as printed.
 */
#include <errno.h>
#include <string.h>

#include "oomlog.h"

static ms_oom_report *rep(ms_oom_parser *ps)
{
	return &ps->cur;
}

/* The words of a line up to end, blanks trimmed at both ends. */
static void trim(const char **p, const char **end)
{
	ms_skip_space(p, *end);
	while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

/* True when [p, end) is nothing but "key:value" pairs, at least min (a
 * noise line must not leave half its tokens behind). */
static bool only_pairs(const char *p, const char *end, size_t min)
{
	const char *stop;
	size_t n = ms_oom_count_pairs(p, end, &stop);

	return stop >= end && n >= min;
}

/* Mem-Info counters: pairs with no blank after the ':' ("free:442"), so
 * that a register dump ("R10: 0000000000000022 R11: ...") is not one. */
static bool counters(const char *p, const char *end, size_t min)
{
	return !ms_oom_find(p, end, ": ") && only_pairs(p, end, min);
}

/* ---- Mem-Info counters ------------------------------------------------- */

int ms_oom_meminfo_header(ms_oom_parser *ps, const char *p, const char *end)
{
	trim(&p, &end);
	if (end - p != 9 || (memcmp(p, "Mem-Info:", 9) != 0 && memcmp(p, "Mem-info:", 9) != 0))
		return 0;
	if (rep(ps)->meminfo_printed)
		return ms_oom_problem(ps, "a second Mem-Info block in one report");
	rep(ps)->meminfo_printed = true;
	ps->section = SEC_MEMINFO;
	return 1;
}

static int add_counters(ms_oom_parser *ps, const char *p, const char *end)
{
	int rc = ms_oom_add_pairs(ps, &rep(ps)->meminfo, &p, end, NULL);
	return rc < 0 ? rc : 1;
}

/* In the Mem-Info block: a line of "key:pages" counters. */
int ms_oom_counters_line(ms_oom_parser *ps, const char *p, const char *end)
{
	trim(&p, &end);
	if (p == end || !counters(p, end, 1))
		return 0;
	return add_counters(ps, p, end);
}

/* 2.6.11 prints the counters without a "Mem-info:" before them: a line of
 * three or more counters before any zone starts the block. */
int ms_oom_bare_counters_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);

	trim(&p, &end);
	if (r->meminfo_printed || r->meminfo.n || r->nzones || r->nbuddy ||
	    !counters(p, end, 3))
		return 0;
	r->meminfo_printed = true;
	ps->section = SEC_MEMINFO;
	return add_counters(ps, p, end);
}

/* ---- zones ------------------------------------------------------------- */

/* A zone name: a word of letters and digits ("DMA32", "HighMem"). */
static bool zone_word(const char *p, const char *end, size_t *len)
{
	const char *s = p;

	while (s < end && ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			   (*s >= '0' && *s <= '9')))
		s++;
	*len = (size_t)(s - p);
	return *len > 0 && *len < MS_ZONE_NAME && (p[0] < '0' || p[0] > '9');
}

static void zone_figures(ms_oom_zone *z)
{
	z->free_kb = ms_kvlist_get(&z->stats, "free");
	z->min_kb = ms_kvlist_get(&z->stats, "min");
	z->low_kb = ms_kvlist_get(&z->stats, "low");
	z->high_kb = ms_kvlist_get(&z->stats, "high");
	z->present_kb = ms_kvlist_get(&z->stats, "present");
	z->managed_kb = ms_kvlist_get(&z->stats, "managed");
}

static int push_zone(ms_oom_parser *ps, ms_oom_zone **z)
{
	ms_oom_report *r = rep(ps);
	int rc = ms_oom_push((void **)&r->zones, &r->nzones, &r->zones_cap, sizeof **z,
			     MS_OOM_MAX_ITEMS, (void **)z);

	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "too many zones in one report");
	return 0;
}

/* "DMA free:1768kB boost:0kB min:1924kB ... all_unreclaimable? no", p
 * after the name. */
static int zone_line(ms_oom_parser *ps, const char *name, size_t namelen, const char *p,
		     const char *end, int node, bool node_printed)
{
	ms_oom_zone *z;
	int rc = push_zone(ps, &z);

	if (rc != 0)
		return rc < 0 ? rc : 1;
	z->node = node;
	z->node_printed = node_printed;
	z->all_unreclaimable = -1;
	ms_oom_copy(z->zone, sizeof z->zone, name, namelen);
	rc = ms_oom_add_pairs(ps, &z->stats, &p, end, &z->all_unreclaimable);
	zone_figures(z);
	ps->section = SEC_NONE;
	if (rc < 0)
		return rc;
	return p < end ? ms_oom_problem(ps, "unexpected text in a zone line") : 1;
}

/* ---- free lists -------------------------------------------------------- */

static int push_buddy(ms_oom_parser *ps, ms_oom_buddy **b)
{
	ms_oom_report *r = rep(ps);
	int rc = ms_oom_push((void **)&r->buddy, &r->nbuddy, &r->buddy_cap, sizeof **b,
			     MS_OOM_MAX_ITEMS, (void **)b);

	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "too many free lists in one report");
	return 0;
}

/* "12*4kB" then an optional "(UME)". False at anything else. */
static bool order_entry(const char **p, const char *end, int64_t *count, int64_t *kb,
			char types[MS_OOM_TYPES])
{
	const char *s = *p;
	uint64_t c;

	ms_skip_space(&s, end);
	if (s >= end || *s < '0' || *s > '9' || !ms_parse_u64(&s, end, &c) || c > INT64_MAX ||
	    s >= end || *s != '*')
		return false;
	s++;
	/* 2.6 logs have glued entries ("1*1024kB0*2048kB"): a digit may
	 * follow the unit directly. */
	if (!ms_oom_kb(&s, end, kb, false) || (s < end && *s != ' ' && (*s < '0' || *s > '9')))
		return false;
	*count = (int64_t)c;
	types[0] = '\0';
	const char *t = s;
	ms_skip_space(&t, end);
	if (t < end && *t == '(') {
		const char *close = memchr(t, ')', (size_t)(end - t));
		if (!close || close - t - 1 >= MS_OOM_TYPES)
			return false;
		ms_oom_copy(types, MS_OOM_TYPES, t + 1, (size_t)(close - t - 1));
		s = close + 1;
	}
	*p = s;
	return true;
}

/* Each order's block is twice the one before: the sizes say which order
 * a count is for, and order 0's is the page size. */
static int buddy_orders(ms_oom_parser *ps, ms_oom_buddy *b, const char **p, const char *end)
{
	int64_t count, kb;
	char types[MS_OOM_TYPES];

	while (order_entry(p, end, &count, &kb, types)) {
		int i = b->norders;
		if (i == MS_MAX_ORDERS)
			return ms_oom_problem(ps, "more orders than memscope keeps");
		if (i == 0)
			b->page_kb = kb;
		else if (kb != b->page_kb << i || b->page_kb > (INT64_MAX >> i))
			return ms_oom_problem(ps, "block sizes of a free list do not double");
		b->free[i] = count;
		memcpy(b->types[i], types, MS_OOM_TYPES);
		b->norders++;
	}
	return 0;
}

/* "= 1768kB" at the end of a free list. */
static int buddy_total(ms_oom_parser *ps, ms_oom_buddy *b, const char *p, const char *end)
{
	ms_skip_space(&p, end);
	if (p == end)
		return 1; /* cut short: the total stays unknown */
	if (*p != '=')
		return ms_oom_problem(ps, "unexpected text in a free list");
	p++;
	ms_skip_space(&p, end);
	if (!ms_oom_kb(&p, end, &b->total_kb, false))
		return ms_oom_problem(ps, "free list total is not N kB");
	ms_skip_space(&p, end);
	return p == end ? 1 : ms_oom_problem(ps, "unexpected text after a free list total");
}

/* "DMA: 0*4kB 1*8kB (M) ... = 1768kB" or "HighMem: empty"; p after the
 * ':'. Not a free list (0) unless an order or "empty" follows. */
static int buddy_line(ms_oom_parser *ps, const char *name, size_t namelen, const char *p,
		      const char *end, int node, bool node_printed)
{
	int64_t count, kb;
	char types[MS_OOM_TYPES];
	const char *s = p;
	bool empty;

	ms_skip_space(&s, end);
	empty = end - s == 5 && memcmp(s, "empty", 5) == 0;
	if (!empty && !order_entry(&s, end, &count, &kb, types))
		return 0;
	ms_oom_buddy *b;
	int rc = push_buddy(ps, &b);
	if (rc != 0)
		return rc < 0 ? rc : 1;
	b->node = node;
	b->node_printed = node_printed;
	b->total_kb = empty ? 0 : MS_NA;
	b->page_kb = MS_NA;
	b->empty = empty;
	ms_oom_copy(b->zone, sizeof b->zone, name, namelen);
	ps->section = SEC_NONE;
	if (empty)
		return 1;
	rc = buddy_orders(ps, b, &p, end);
	return rc != 0 ? rc : buddy_total(ps, b, p, end);
}

/* A zone line or a free list, p at the zone's name. */
static int zone_or_buddy(ms_oom_parser *ps, const char *p, const char *end, int node,
			 bool node_printed)
{
	size_t len;

	if (!zone_word(p, end, &len))
		return 0;
	const char *after = p + len;
	if (after < end && *after == ':')
		return buddy_line(ps, p, len, after + 1, end, node, node_printed);
	if (ms_oom_starts(after, end, " free:"))
		return zone_line(ps, p, len, after + 1, end, node, node_printed);
	return 0;
}

int ms_oom_zone_line(ms_oom_parser *ps, const char *p, const char *end)
{
	trim(&p, &end);
	return zone_or_buddy(ps, p, end, 0, false);
}

/* ---- Node N lines ------------------------------------------------------ */

/* "hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB" */
static int hugepages_line(ms_oom_parser *ps, int node, const char *p, const char *end)
{
	static const char *const keys[] = { "hugepages_total=", "hugepages_free=",
					    "hugepages_surp=", "hugepages_size=" };
	ms_oom_report *r = rep(ps);
	int64_t v[4];

	for (int i = 0; i < 4; i++) {
		ms_skip_space(&p, end);
		if (!ms_oom_starts(p, end, keys[i]))
			return ms_oom_problem(ps, "not the hugepages line memscope knows");
		p += strlen(keys[i]);
		if (!ms_oom_kb(&p, end, &v[i], i < 3))
			return ms_oom_problem(ps, "hugepages figure is not a number");
	}
	ms_oom_hugepages *h;
	int rc = ms_oom_push((void **)&r->huge, &r->nhuge, &r->huge_cap, sizeof *h,
			     MS_OOM_MAX_ITEMS, (void **)&h);
	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "too many hugepages lines");
	*h = (ms_oom_hugepages){ node, v[0], v[1], v[2], v[3] };
	return 1;
}

/* 4.8+: "active_anon:1440kB inactive_anon:... all_unreclaimable? yes" */
static int node_stats_line(ms_oom_parser *ps, int node, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	ms_oom_node *n;
	int rc = ms_oom_push((void **)&r->nodes, &r->nnodes, &r->nodes_cap, sizeof *n,
			     MS_OOM_MAX_ITEMS, (void **)&n);

	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "too many node lines");
	n->node = node;
	n->all_unreclaimable = -1;
	ps->section = SEC_NONE;
	rc = ms_oom_add_pairs(ps, &n->stats, &p, end, &n->all_unreclaimable);
	if (rc < 0)
		return rc;
	return p < end ? ms_oom_problem(ps, "unexpected text in a node line") : 1;
}

int ms_oom_node_line(ms_oom_parser *ps, const char *p, const char *end)
{
	uint64_t node;

	trim(&p, &end);
	if (!ms_oom_starts(p, end, "Node "))
		return 0;
	p += 5;
	if (p >= end || *p < '0' || *p > '9' || !ms_parse_u64(&p, end, &node) ||
	    node > 65535 || p >= end || *p != ' ')
		return 0;
	ms_skip_space(&p, end);
	if (ms_oom_starts(p, end, "hugepages_"))
		return hugepages_line(ps, (int)node, p, end);
	int rc = zone_or_buddy(ps, p, end, (int)node, true);
	if (rc != 0)
		return rc;
	/* "Node 0 DMA per-cpu:" (2.6) is neither and not needed. */
	if (!only_pairs(p, end, 1) && !ms_oom_find(p, end, "all_unreclaimable?"))
		return 0;
	return node_stats_line(ps, (int)node, p, end);
}

/* "lowmem_reserve[]: 0 1924 1924 1924" after each zone line. */
int ms_oom_reserve_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	int64_t v;

	trim(&p, &end);
	if (ms_oom_starts(p, end, "lowmem_reserve[]:"))
		p += strlen("lowmem_reserve[]:");
	else if (ms_oom_starts(p, end, "protections[]:"))
		p += strlen("protections[]:");
	else
		return 0;
	if (r->nzones == 0)
		return ms_oom_problem(ps, "lowmem_reserve before any zone");
	ms_oom_zone *z = &r->zones[r->nzones - 1];
	z->nreserve = 0;
	while (ms_parse_i64_word(&p, end, &v)) {
		if (z->nreserve < MS_OOM_MAX_RESERVE)
			z->lowmem_reserve[z->nreserve++] = v;
	}
	ms_skip_space(&p, end);
	return p == end ? 1 : ms_oom_problem(ps, "lowmem_reserve holds text that is no number");
}

/* ---- show_mem's closing lines ------------------------------------------ */

/* Stores a summary figure under its words, blanks as '_'. */
static int add_summary(ms_oom_parser *ps, const char *words, const char *wend, int64_t v,
		       bool kb)
{
	char key[48];
	size_t n = 0;

	for (const char *s = words; s < wend; s++) {
		if (n + 1 >= sizeof key)
			return ms_oom_problem(ps, "a summary line too long to keep");
		if (*s == ' ' || *s == '\t') {
			if (n && key[n - 1] != '_')
				key[n++] = '_';
			continue;
		}
		key[n++] = *s;
	}
	int rc = ms_oom_add_kv(ps, &rep(ps)->summary, key, n, v, kb);
	return rc < 0 ? rc : 1;
}

/* "Free swap  = 0kB", "Total swap = 0kB"; 2.6.1x: "Free swap:  0kB". */
int ms_oom_swap_line(ms_oom_parser *ps, const char *p, const char *end)
{
	int64_t v;

	trim(&p, &end);
	if (!ms_oom_starts(p, end, "Free swap") && !ms_oom_starts(p, end, "Total swap"))
		return 0;
	const char *words = p, *wend = p + (*p == 'F' ? 9 : 10);
	p = wend;
	ms_skip_space(&p, end);
	if (p < end && (*p == '=' || *p == ':'))
		p++;
	ms_skip_space(&p, end);
	if (!ms_oom_kb(&p, end, &v, false) || p != end)
		return ms_oom_problem(ps, "swap total is not N kB");
	return add_summary(ps, words, wend, v, true);
}

/* "65536 pages RAM", "9032 total pagecache pages", "0 pages in swap
 * cache", 2.6 ARM's "1234 free pages": a count, then words about pages. */
int ms_oom_pages_line(ms_oom_parser *ps, const char *p, const char *end)
{
	int64_t v;

	trim(&p, &end);
	if (p == end || *p < '0' || *p > '9' || !ms_parse_i64_word(&p, end, &v))
		return 0;
	ms_skip_space(&p, end);
	if (p == end || (!ms_oom_find(p, end, "page") && !ms_oom_find(p, end, "RAM")))
		return 0;
	for (const char *s = p; s < end; s++)
		if (*s == ':' || *s == '=' || *s == '(' || (*s >= '0' && *s <= '9' && s == p))
			return 0;
	return add_summary(ps, p, end, v, false);
}

/* ---- unreclaimable slab ------------------------------------------------ */

int ms_oom_slab_header(ms_oom_parser *ps, const char *p, const char *end)
{
	trim(&p, &end);
	if (!ms_oom_starts(p, end, "Unreclaimable slab info:"))
		return 0;
	ps->section = SEC_SLAB;
	return 1;
}

/* "kmalloc-4k               1234KB       5678KB": the name may be longer
 * than its column, so the two sizes are read from the right. */
static bool last_kb(const char *p, const char **end, int64_t *v)
{
	const char *e = *end, *s = e;

	while (s > p && s[-1] != ' ' && s[-1] != '\t')
		s--;
	const char *num = s;
	if (!ms_oom_kb(&num, e, v, false) || num != e)
		return false;
	while (s > p && (s[-1] == ' ' || s[-1] == '\t'))
		s--;
	*end = s;
	return true;
}

int ms_oom_slab_row(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	int64_t used, total;

	trim(&p, &end);
	if (ms_oom_starts(p, end, "Name ") && ms_oom_find(p, end, "Used"))
		return 1; /* the column header */
	if (!last_kb(p, &end, &total) || !last_kb(p, &end, &used) || end == p)
		return 0;
	ms_oom_slab *s;
	int rc = ms_oom_push((void **)&r->slabs, &r->nslabs, &r->slabs_cap, sizeof *s,
			     MS_OOM_MAX_ITEMS, (void **)&s);
	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "too many slab rows");
	ms_oom_copy(s->name, sizeof s->name, p, (size_t)(end - p));
	s->used_kb = used;
	s->total_kb = total;
	return 1;
}
