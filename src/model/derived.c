/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Figures derived from a sample: buddy free memory, the kernel's
 * fragmentation indices, slab sizes, lookups and process totals. Page size
 * always comes from the sample (the machine that produced the data), never
 * from the host. Hostile counts overflow to MS_NA, not to a wrong number.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "memscope/model.h"

/* ---- buddy ---------------------------------------------------------------- */

int64_t ms_buddy_free_pages(const ms_buddy_zone *z)
{
	int64_t pages = 0, blocks_pages;

	for (int order = 0; order < z->norders && order < MS_MAX_ORDERS; order++) {
		if (z->free[order] == MS_NA || z->free[order] < 0)
			return MS_NA;
		if (__builtin_mul_overflow(z->free[order], (int64_t)1 << order, &blocks_pages) ||
		    __builtin_add_overflow(pages, blocks_pages, &pages))
			return MS_NA;
	}
	return pages;
}

int64_t ms_buddy_free_kb(const ms_buddy_zone *z, long page_size)
{
	int64_t pages = ms_buddy_free_pages(z), bytes;

	if (pages == MS_NA || page_size <= 0 ||
	    __builtin_mul_overflow(pages, (int64_t)page_size, &bytes))
		return MS_NA;
	return bytes / 1024;
}

int ms_buddy_largest_order(const ms_buddy_zone *z)
{
	for (int order = z->norders - 1; order >= 0; order--)
		if (order < MS_MAX_ORDERS && z->free[order] > 0)
			return order;
	return -1;
}

/*
 * What the kernel's fill_contig_page_info() gathers for one order: free
 * pages, free blocks of any order, and how many blocks of the requested
 * order the free blocks at or above it could be split into. Doubles: the
 * kernel's unsigned longs would not survive hostile counts here, and the
 * indices are ratios anyway.
 */
struct contig_info {
	double free_pages;
	double blocks_total;
	double blocks_suitable;
};

static bool contig_info(const ms_buddy_zone *z, int order, struct contig_info *ci)
{
	memset(ci, 0, sizeof *ci);
	if (order < 0 || order >= MS_MAX_ORDERS)
		return false;
	for (int o = 0; o < z->norders && o < MS_MAX_ORDERS; o++) {
		double blocks = (double)z->free[o];
		if (z->free[o] == MS_NA || z->free[o] < 0)
			return false;
		ci->blocks_total += blocks;
		ci->free_pages += ldexp(blocks, o);
		if (o >= order)
			ci->blocks_suitable += ldexp(blocks, o - order);
	}
	return true;
}

/* The share of free memory that sits in blocks too small for an
 * allocation of this order: 0 when all of it is usable, 1 when none is
 * (also when nothing is free, as the kernel says). */
double ms_unusable_index(const ms_buddy_zone *z, int order)
{
	struct contig_info ci;

	if (!contig_info(z, order, &ci))
		return NAN;
	if (ci.free_pages == 0)
		return 1.0;
	return (ci.free_pages - ldexp(ci.blocks_suitable, order)) / ci.free_pages;
}

/* Why an allocation of this order would fail: near 0 for lack of memory,
 * near 1 for fragmentation. The kernel computes it in thousandths with
 * integer division; this is the same formula without the truncation:
 * 1 - (1 + free_pages / 2^order) / blocks_total. */
double ms_extfrag_index(const ms_buddy_zone *z, int order)
{
	struct contig_info ci;

	if (!contig_info(z, order, &ci))
		return NAN;
	if (ci.blocks_total == 0)
		return -2.0;
	if (ci.blocks_suitable > 0)
		return -1.0;
	return 1.0 - (1.0 + ldexp(ci.free_pages, -order)) / ci.blocks_total;
}

/* ---- slabs ---------------------------------------------------------------- */

static int64_t mul3_div(int64_t a, int64_t b, int64_t c, int64_t div)
{
	int64_t ab, abc;

	if (a == MS_NA || b == MS_NA || c == MS_NA || a < 0 || b < 0 || c < 0 ||
	    __builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, &abc))
		return MS_NA;
	return abc / div;
}

int64_t ms_slab_size_kb(const ms_slab *s, long page_size)
{
	if (s->kb_only)
		return s->total_kb;
	if (page_size <= 0)
		return MS_NA;
	return mul3_div(s->num_slabs, s->pagesperslab, page_size, 1024);
}

int64_t ms_slab_used_kb(const ms_slab *s)
{
	if (s->kb_only)
		return s->used_kb;
	return mul3_div(s->active_objs, s->objsize, 1, 1024);
}

/* ---- lookups -------------------------------------------------------------- */

const ms_zone *ms_sample_find_zone(const ms_sample *s, int node, const char *zone)
{
	for (size_t i = 0; i < s->zones.n; i++) {
		const ms_zone *z = &s->zones.zones[i];
		if (z->node == node && strcmp(z->zone, zone) == 0)
			return z;
	}
	return NULL;
}

const ms_slab *ms_sample_find_slab(const ms_sample *s, const char *name)
{
	for (size_t i = 0; i < s->slabs.n; i++)
		if (strcmp(s->slabs.caches[i].name, name) == 0)
			return &s->slabs.caches[i];
	return NULL;
}

/* ---- process totals ------------------------------------------------------- */

/* Totals are over the processes whose figure is known (the count of the
 * unknown ones is the sample's nunknown): one unreadable PID 1 must not
 * blank the whole totals row. MS_NA only when no process had the figure.
 * An overflow (hostile input only) sticks at INT64_MAX, made MS_NA at the
 * end, so that it can never restart the sum from a later value. */
static int64_t add_known(int64_t total, int64_t v)
{
	int64_t sum;

	if (v == MS_NA)
		return total;
	if (total == MS_NA)
		return v;
	if (total == INT64_MAX || __builtin_add_overflow(total, v, &sum))
		return INT64_MAX;
	return sum;
}

static int64_t overflow_to_na(int64_t v)
{
	return v == INT64_MAX ? MS_NA : v;
}

/* The figures of ms_proc that a totals row adds up. */
static const size_t summed_fields[] = {
	offsetof(ms_proc, vss_kb), offsetof(ms_proc, rss_kb), offsetof(ms_proc, pss_kb),
	offsetof(ms_proc, uss_kb), offsetof(ms_proc, swap_kb), offsetof(ms_proc, swap_pss_kb),
	offsetof(ms_proc, pss_anon_kb), offsetof(ms_proc, pss_file_kb),
	offsetof(ms_proc, pss_shmem_kb), offsetof(ms_proc, hugetlb_kb),
};

static int64_t *proc_field(ms_proc *p, size_t off)
{
	return (int64_t *)((char *)p + off);
}

static int64_t proc_value(const ms_proc *p, size_t off)
{
	return *(const int64_t *)((const char *)p + off);
}

void ms_procs_totals(const ms_proc *p, size_t n, ms_proc *total)
{
	memset(total, 0, sizeof *total);
	total->ppid = -1;
	total->uid = MS_NA;
	snprintf(total->name, sizeof total->name, "TOTAL");
	for (size_t f = 0; f < MS_ARRAY_LEN(summed_fields); f++) {
		int64_t *sum = proc_field(total, summed_fields[f]);
		*sum = MS_NA;
		for (size_t i = 0; i < n; i++)
			*sum = add_known(*sum, proc_value(&p[i], summed_fields[f]));
		*sum = overflow_to_na(*sum);
	}
}
