/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The buddy view: free blocks per zone and order (buddyinfo), split by
 * migrate type where pagetypeinfo could be read, with the kernel's
 * fragmentation indices.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static bool pagetype_loaded(const ms_sample *s)
{
	return s->st[MS_P_PAGETYPE].status == 0;
}

static bool same_zone(const ms_pagetype_free *f, const ms_buddy_zone *z)
{
	return f->node == z->node && strcmp(f->zone, z->zone) == 0;
}

static void json_i64_array(struct render *r, const int64_t *v, int n)
{
	ms_json_arr_begin(&r->j);
	for (int i = 0; i < n; i++)
		ms_json_i64(&r->j, v[i]);
	ms_json_arr_end(&r->j);
}

/* The kernel's index is a fraction in [0,1]; our -1 (the allocation would
 * succeed now) is kept, -2 (no free blocks at all) becomes null. */
static void json_frag_array(struct render *r, const ms_buddy_zone *z,
			    double (*index)(const ms_buddy_zone *, int))
{
	ms_json_arr_begin(&r->j);
	for (int o = 0; o < z->norders; o++) {
		double v = index(z, o);
		if (v < -1.5)
			ms_json_null(&r->j);
		else
			ms_json_double(&r->j, v, 3);
	}
	ms_json_arr_end(&r->j);
}

static void json_migrate(struct render *r, const ms_buddy_zone *z)
{
	const ms_pagetypeinfo *pt = &r->s->pagetype;
	bool any_at_least = false;

	ms_json_key(&r->j, "migrate");
	if (!pagetype_loaded(r->s)) {
		ms_json_null(&r->j);
	} else {
		ms_json_obj_begin(&r->j);
		for (size_t i = 0; i < pt->nfree; i++) {
			const ms_pagetype_free *f = &pt->free[i];
			if (!same_zone(f, z))
				continue;
			ms_json_key(&r->j, f->type);
			json_i64_array(r, f->free, f->norders);
			for (int o = 0; o < f->norders; o++)
				any_at_least |= f->at_least[o];
		}
		ms_json_obj_end(&r->j);
	}
	ms_json_key(&r->j, "migrate_at_least");
	if (pagetype_loaded(r->s))
		ms_json_bool(&r->j, any_at_least);
	else
		ms_json_null(&r->j);
}

static void json_buddy_zone(struct render *r, const ms_buddy_zone *z)
{
	long page_size = r->s->info.page_size;

	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "node", z->node);
	ms_json_kv_str(&r->j, "zone", z->zone);
	ms_json_key(&r->j, "free");
	json_i64_array(r, z->free, z->norders);
	ms_json_kv_i64(&r->j, "free_kb", ms_buddy_free_kb(z, page_size));
	ms_json_kv_i64(&r->j, "free_pages", ms_buddy_free_pages(z));
	int largest = ms_buddy_largest_order(z);
	ms_json_kv_i64(&r->j, "largest_order", largest < 0 ? MS_NA : largest);
	ms_json_key(&r->j, "unusable_index");
	json_frag_array(r, z, ms_unusable_index);
	ms_json_key(&r->j, "extfrag_index");
	json_frag_array(r, z, ms_extfrag_index);
	json_migrate(r, z);
	ms_json_obj_end(&r->j);
}

static void buddy_json_body(struct render *r)
{
	const ms_pagetypeinfo *pt = &r->s->pagetype;
	bool pt_ok = pagetype_loaded(r->s);

	ms_json_kv_i64(&r->j, "page_size", r->s->info.page_size);
	ms_json_kv_i64(&r->j, "pageblock_order",
		       pt_ok && pt->page_block_order >= 0 ? pt->page_block_order : MS_NA);
	ms_json_kv_i64(&r->j, "pages_per_block", pt_ok ? pt->pages_per_block : MS_NA);
	ms_json_kv_str(&r->j, "pagetypeinfo_error",
		       pt_ok ? NULL : ms_part_reason(&r->s->st[MS_P_PAGETYPE]));
	ms_json_key(&r->j, "zones");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < r->s->buddy.n; i++)
		json_buddy_zone(r, &r->s->buddy.zones[i]);
	ms_json_arr_end(&r->j);
}

static int max_orders(const ms_buddyinfo *b)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->zones[i].norders > n)
			n = b->zones[i].norders;
	return n;
}

#define BUDDY_NAME_W 12
#define BUDDY_COUNT_W 7
#define BUDDY_KB_W 9

static void buddy_text_header(struct render *r, int norders)
{
	ms_out_putf(r, "%4s %-*s", "NODE", BUDDY_NAME_W, "ZONE");
	for (int o = 0; o < norders; o++)
		ms_out_putf(r, " %*d", BUDDY_COUNT_W, o);
	ms_out_putf(r, " %*s\n", BUDDY_KB_W, "FREE");
}

/* A count the kernel capped (">100000", 5.9+) keeps its ">" in text. */
static void buddy_text_counts(struct render *r, const int64_t *v, const bool *at_least, int n,
			      int norders)
{
	char cell[MS_CELL_MAX];

	for (int o = 0; o < norders; o++) {
		if (o >= n || v[o] == MS_NA)
			snprintf(cell, sizeof cell, "-");
		else
			snprintf(cell, sizeof cell, "%s%" PRId64,
				 at_least && at_least[o] ? ">" : "", v[o]);
		ms_out_putf(r, " %*s", BUDDY_COUNT_W, cell);
	}
}

/* Under each zone, its free blocks split by migrate type (pagetypeinfo). */
static void buddy_text_migrate(struct render *r, const ms_buddy_zone *z, int norders)
{
	const ms_pagetypeinfo *pt = &r->s->pagetype;

	for (size_t i = 0; i < pt->nfree; i++) {
		const ms_pagetype_free *f = &pt->free[i];
		if (!same_zone(f, z))
			continue;
		ms_out_put(r, "     ");
		ms_out_display(r, f->type, BUDDY_NAME_W, true);
		buddy_text_counts(r, f->free, f->at_least, f->norders, norders);
		ms_out_put(r, "\n");
	}
}

static void buddy_text(struct render *r)
{
	const ms_buddyinfo *b = &r->s->buddy;
	int norders = max_orders(b);

	buddy_text_header(r, norders);
	for (size_t i = 0; i < b->n; i++) {
		const ms_buddy_zone *z = &b->zones[i];
		ms_out_putf(r, "%4d ", z->node);
		ms_out_display(r, z->zone, BUDDY_NAME_W, true);
		buddy_text_counts(r, z->free, NULL, z->norders, norders);
		ms_out_put(r, " ");
		ms_out_kb_text(r, ms_buddy_free_kb(z, r->s->info.page_size), BUDDY_KB_W);
		ms_out_put(r, "\n");
		if (pagetype_loaded(r->s))
			buddy_text_migrate(r, z, norders);
	}
	ms_out_putf(r, "(free blocks per order; page size %ld", r->s->info.page_size);
	if (!pagetype_loaded(r->s)) {
		ms_out_put(r, "; migrate types: pagetypeinfo: ");
		ms_out_reason(r, &r->s->st[MS_P_PAGETYPE]);
	}
	ms_out_put(r, ")\n");
}

/* One row per zone and migrate type ("" for the zone's own counts). */
static void buddy_csv_row(struct render *r, int node, const char *zone, const char *type,
			  const int64_t *v, int n, int norders, int64_t free_kb)
{
	ms_out_putf(r, "%d,", node);
	ms_out_csv_field(r, zone);
	ms_out_put(r, ",");
	ms_out_csv_field(r, type);
	for (int o = 0; o < norders; o++) {
		ms_out_put(r, ",");
		if (o < n)
			ms_out_i64_csv(r, v[o]);
	}
	ms_out_put(r, ",");
	ms_out_i64_csv(r, free_kb);
	ms_out_put(r, "\r\n");
}

static void buddy_csv(struct render *r)
{
	const ms_buddyinfo *b = &r->s->buddy;
	const ms_pagetypeinfo *pt = &r->s->pagetype;
	int norders = max_orders(b);

	ms_out_put(r, "node,zone,migrate_type");
	for (int o = 0; o < norders; o++)
		ms_out_putf(r, ",order%d", o);
	ms_out_put(r, ",free_kb\r\n");
	for (size_t i = 0; i < b->n; i++) {
		const ms_buddy_zone *z = &b->zones[i];
		buddy_csv_row(r, z->node, z->zone, "", z->free, z->norders, norders,
			      ms_buddy_free_kb(z, r->s->info.page_size));
		for (size_t k = 0; pagetype_loaded(r->s) && k < pt->nfree; k++) {
			const ms_pagetype_free *f = &pt->free[k];
			if (same_zone(f, z))
				buddy_csv_row(r, f->node, f->zone, f->type, f->free, f->norders,
					      norders, MS_NA);
		}
	}
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	(void)err;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		buddy_text(r);
		break;
	case MS_FORMAT_CSV:
		buddy_csv(r);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "buddy");
		buddy_json_body(r);
		ms_out_json_end(r);
		break;
	}
	return 0;
}

static void report_json(struct render *r, bool ok)
{
	ms_json_key(&r->j, "buddy");
	if (!ok) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_obj_begin(&r->j);
	buddy_json_body(r);
	ms_json_obj_end(&r->j);
}

static const ms_report_section report = {
	.rank = 4,
	.title = "Free blocks (buddyinfo, pagetypeinfo)",
	.text = buddy_text,
	.json = report_json,
	.errors = { { "buddy", MS_P_BUDDY }, { "pagetypeinfo", MS_P_PAGETYPE } },
};

const ms_view_class ms_view_buddy = {
	.name = "buddy",
	.summary = "free blocks per zone, order and migrate type",
	.parts = MS_PART_BUDDY | MS_PART_PAGETYPE,
	.part = MS_P_BUDDY,
	.opts = MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
