/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The views of one sample: procrank, slabs, zones, meminfo and buddy.
 * Buddy and meminfo have shapes of their own; the others are tables.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- procrank ------------------------------------------------------------ */

static const char *origin_name(ms_mem_origin o)
{
	switch (o) {
	case MS_ORIGIN_ROLLUP: return "smaps_rollup";
	case MS_ORIGIN_SMAPS: return "smaps";
	default: return NULL;
	}
}

void ms_procrank_extra(struct render *r, const void *row)
{
	const ms_proc *p = row;

	ms_json_kv_str(&r->j, "origin", origin_name(p->origin));
}

int ms_procrank_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return ms_tbl_rows_prepare(rs, r->o, &ms_procrank_table, r->s->procs, r->s->nprocs,
				   sizeof(ms_proc), r->s, true, err);
}

static void json_skipped(struct render *r)
{
	ms_json_key(&r->j, "skipped");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "kernel_threads", (int64_t)r->s->nkthreads);
	ms_json_kv_i64(&r->j, "unknown", (int64_t)r->s->nunknown);
	ms_json_kv_i64(&r->j, "gone", (int64_t)r->s->ngone);
	ms_json_obj_end(&r->j);
}

static void text_skipped(struct render *r)
{
	const ms_sample *s = r->s;

	ms_out_putf(r, "kernel threads not listed: %zu", s->nkthreads);
	if (s->nunknown)
		ms_out_putf(r, "; unknown figures (-): %zu", s->nunknown);
	if (s->ngone)
		ms_out_putf(r, "; exited while read: %zu", s->ngone);
	ms_out_put(r, "\n");
}

const struct table_view ms_procrank_tview = {
	.name = "procrank", .rows_key = "processes", .totals = true, .extra = ms_procrank_extra,
	.text_tail = text_skipped, .json_tail = json_skipped,
};

int ms_render_procrank(struct render *r, ms_error *err)
{
	struct rows rs;

	if (r->s->st[MS_P_PROCS].status)
		return ms_error_set(err, r->s->st[MS_P_PROCS].err.code ? r->s->st[MS_P_PROCS].err.code : EIO,
				    0, "procrank: %s: %s", r->s->info.path,
				    ms_part_reason(&r->s->st[MS_P_PROCS]));
	int rc = ms_procrank_prepare(&rs, r, err);
	if (rc)
		return rc;
	ms_tbl_write_view(r, &rs, &ms_procrank_tview, NULL);
	ms_tbl_rows_free(&rs);
	return 0;
}

/* ---- slabs --------------------------------------------------------------- */

int ms_slabs_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return ms_tbl_rows_prepare(rs, r->o, &ms_slab_table, r->s->slabs.caches, r->s->slabs.n,
				   sizeof(ms_slab), r->s, true, err);
}

static void slabs_json_head(struct render *r, const void *ctx)
{
	(void)ctx;
	ms_json_kv_str(&r->j, "slabinfo_version",
		       r->s->slabs.version[0] ? r->s->slabs.version : NULL);
}

const struct table_view ms_slabs_tview = {
	.name = "slabs", .rows_key = "caches", .totals = true, .json_head = slabs_json_head,
};

int ms_render_slabs(struct render *r, ms_error *err)
{
	struct rows rs;

	if (r->s->st[MS_P_SLABINFO].status)
		return ms_out_part_error(r, "slabinfo", &r->s->st[MS_P_SLABINFO], err);
	int rc = ms_slabs_prepare(&rs, r, err);
	if (rc)
		return rc;
	ms_tbl_write_view(r, &rs, &ms_slabs_tview, NULL);
	ms_tbl_rows_free(&rs);
	return 0;
}

/* ---- zones --------------------------------------------------------------- */

/* "< min" below the min watermark (allocations stall in direct reclaim),
 * "< low" below low (kswapd wakes), NULL when fine, unknown or empty (an
 * empty Movable or Device zone has watermarks but nothing to run low on). */
static const char *zone_marker(const void *row)
{
	const ms_zone *z = row;

	if (z->free_pages == MS_NA || z->managed == 0)
		return NULL;
	if (z->min != MS_NA && z->free_pages < z->min)
		return "< min";
	if (z->low != MS_NA && z->free_pages < z->low)
		return "< low";
	return NULL;
}

void ms_zones_extra(struct render *r, const void *row)
{
	const ms_zone *z = row;

	ms_json_kv_i64(&r->j, "cma", z->cma);
	ms_json_key(&r->j, "protection");
	if (z->nprotection <= 0) {
		ms_json_null(&r->j);
	} else {
		ms_json_arr_begin(&r->j);
		for (int i = 0; i < z->nprotection && i < (int)MS_ARRAY_LEN(z->protection); i++)
			ms_json_i64(&r->j, z->protection[i]);
		ms_json_arr_end(&r->j);
	}
	ms_json_key(&r->j, "below_low");
	if (z->free_pages == MS_NA || z->low == MS_NA)
		ms_json_null(&r->j);
	else
		ms_json_bool(&r->j, zone_marker(z) != NULL);
}

int ms_zones_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return ms_tbl_rows_prepare(rs, r->o, &ms_zone_table, r->s->zones.zones, r->s->zones.n,
				   sizeof(ms_zone), r->s, true, err);
}

static void zones_legend(struct render *r)
{
	ms_out_put(r, "(pages; \"< low\": free below the low watermark, \"< min\": below min)\n");
}

const struct table_view ms_zones_tview = {
	.name = "zones", .rows_key = "zones", .extra = ms_zones_extra, .note = zone_marker,
	.text_tail = zones_legend,
};

int ms_render_zones(struct render *r, ms_error *err)
{
	struct rows rs;

	if (r->s->st[MS_P_ZONEINFO].status)
		return ms_out_part_error(r, "zoneinfo", &r->s->st[MS_P_ZONEINFO], err);
	int rc = ms_zones_prepare(&rs, r, err);
	if (rc)
		return rc;
	ms_tbl_write_view(r, &rs, &ms_zones_tview, NULL);
	ms_tbl_rows_free(&rs);
	return 0;
}

/* ---- meminfo ------------------------------------------------------------- */

static bool kv_seen_before(const ms_kvlist *l, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(l->items[k].key, l->items[i].key) == 0)
			return true;
	return false;
}

/* As the kernel prints it (fs/proc/meminfo.c and its neighbours): the
 * value ends in column 24 whatever the name's length, with at least one
 * blank after the colon, then " kB" where the kernel printed a unit. */
#define MEMINFO_VALUE_END 24

void ms_meminfo_text(struct render *r, const ms_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char name[sizeof l->items[i].key + 1];
		char value[MS_CELL_MAX] = "-";
		snprintf(name, sizeof name, "%s:", l->items[i].key);
		if (l->items[i].value != MS_NA)
			snprintf(value, sizeof value, "%" PRId64, l->items[i].value);
		size_t used = strlen(name) + strlen(value);
		ms_out_display(r, name, 0, true);
		ms_out_spaces(r, used < MEMINFO_VALUE_END ? MEMINFO_VALUE_END - used : 1);
		ms_out_put(r, value);
		ms_out_put(r, l->items[i].kb ? " kB\n" : "\n");
	}
}

static void meminfo_csv(struct render *r, const ms_kvlist *l)
{
	ms_out_put(r, "key,value,unit\r\n");
	for (size_t i = 0; i < l->n; i++) {
		ms_out_csv_field(r, l->items[i].key);
		ms_out_put(r, ",");
		ms_out_i64_csv(r, l->items[i].value);
		ms_out_put(r, l->items[i].kb ? ",kB\r\n" : ",\r\n");
	}
}

/* Keys exactly as printed; a repeated key (never seen from a kernel, but
 * a snapshot can hold anything) keeps its first value so that the object
 * stays valid JSON. */
void ms_meminfo_json(struct render *r, const ms_kvlist *l)
{
	ms_json_obj_begin(&r->j);
	for (size_t i = 0; i < l->n; i++) {
		if (!kv_seen_before(l, i))
			ms_json_kv_i64(&r->j, l->items[i].key, l->items[i].value);
	}
	ms_json_obj_end(&r->j);
}

int ms_render_meminfo(struct render *r, ms_error *err)
{
	if (r->s->st[MS_P_MEMINFO].status)
		return ms_out_part_error(r, "meminfo", &r->s->st[MS_P_MEMINFO], err);
	/* An empty file parses to no keys: say so, as the other views do,
	 * rather than print nothing and succeed. */
	if (r->s->meminfo.n == 0)
		return ms_error_set(err, ENODATA, 0,
				    "meminfo: %s/meminfo: no contents (empty file)", r->s->info.path);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		ms_meminfo_text(r, &r->s->meminfo);
		break;
	case MS_FORMAT_CSV:
		meminfo_csv(r, &r->s->meminfo);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "meminfo");
		ms_json_key(&r->j, "meminfo");
		ms_meminfo_json(r, &r->s->meminfo);
		ms_out_json_end(r);
		break;
	}
	return 0;
}

/* ---- buddy --------------------------------------------------------------- */

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

void ms_buddy_json_body(struct render *r)
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

void ms_buddy_text(struct render *r)
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

int ms_render_buddy(struct render *r, ms_error *err)
{
	if (r->s->st[MS_P_BUDDY].status)
		return ms_out_part_error(r, "buddyinfo", &r->s->st[MS_P_BUDDY], err);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		ms_buddy_text(r);
		break;
	case MS_FORMAT_CSV:
		buddy_csv(r);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "buddy");
		ms_buddy_json_body(r);
		ms_out_json_end(r);
		break;
	}
	return 0;
}
