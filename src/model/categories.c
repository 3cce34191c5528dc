/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A process's memory by category (classify.c): each mapping goes into
 * exactly one row and into the totals, with the same additions, so the
 * rows add up to the totals exactly, and the totals are the sums over the
 * process's smaps (what the vma view totals).
 */
#include <errno.h>
#include <string.h>

#include "memscope/model.h"

static void row_init(ms_category_row *r)
{
	*r = (ms_category_row){ 0, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA,
				MS_NA };
}

void ms_categories_init(ms_categories *c)
{
	memset(c, 0, sizeof *c);
	for (int i = 0; i < MS_NCATEGORIES; i++)
		row_init(&c->rows[i]);
	row_init(&c->totals);
}

static void row_add(ms_category_row *r, const ms_vma *v, bool *sat)
{
	const ms_memcounters *m = &v->mem;

	r->nvmas++;
	ms_sum_kb(&r->vss_kb, ms_vma_vss_kb(v), sat);
	ms_sum_kb(&r->rss_kb, m->rss, sat);
	ms_sum_kb(&r->pss_kb, m->pss, sat);
	ms_sum_kb(&r->shared_clean_kb, m->shared_clean, sat);
	ms_sum_kb(&r->shared_dirty_kb, m->shared_dirty, sat);
	ms_sum_kb(&r->private_clean_kb, m->private_clean, sat);
	ms_sum_kb(&r->private_dirty_kb, m->private_dirty, sat);
	ms_sum_kb(&r->swap_kb, m->swap, sat);
	ms_sum_kb(&r->swap_pss_kb, m->swap_pss, sat);
}

ms_category ms_categories_add(ms_categories *c, const ms_vmalist *l, size_t i)
{
	const ms_vma *v = &l->v[i];
	ms_category cat = ms_classify_vma(&c->cls, v, ms_vma_path(l, i));

	row_add(&c->rows[cat], v, &c->saturated);
	row_add(&c->totals, v, &c->saturated);
	return cat;
}

void ms_categories_of_list(ms_categories *c, const ms_vmalist *l)
{
	for (size_t i = 0; i < l->n; i++)
		ms_categories_add(c, l, i);
}

int64_t ms_category_row_uss(const ms_category_row *r)
{
	if (r->private_clean_kb == MS_NA || r->private_dirty_kb == MS_NA)
		return MS_NA;
	return ms_add_na(r->private_clean_kb, r->private_dirty_kb);
}

static int add_streamed(void *ctx, const ms_vmalist *l, size_t i)
{
	ms_categories_add(ctx, l, i);
	return MS_VMA_USED;
}

int ms_categories_load(ms_source *src, int pid, ms_categories *c, ms_error *err)
{
	ms_vmalist l;
	int rc;

	ms_categories_init(c);
	rc = ms_vmas_load_each(src, pid, &l, add_streamed, c, err);
	ms_vmalist_free(&l);
	/* A read that failed half-way leaves partial sums: none at all. */
	if (rc < 0)
		ms_categories_init(c);
	return rc;
}
