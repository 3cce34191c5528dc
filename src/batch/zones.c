/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zones view: free pages of each zone against its watermarks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

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

static void zones_extra(struct render *r, const void *row)
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

static int zones_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return ms_tbl_rows_prepare(rs, r->o, &ms_zone_table, r->s->zones.zones, r->s->zones.n,
				   sizeof(ms_zone), r->s, true, err);
}

static void zones_legend(struct render *r)
{
	ms_out_put(r, "(pages; \"< low\": free below the low watermark, \"< min\": below min)\n");
}

static const struct table_view zones_table = {
	.name = "zones", .rows_key = "zones", .prepare = zones_prepare, .extra = zones_extra,
	.note = zone_marker, .text_tail = zones_legend,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	return ms_tbl_render(r, &zones_table, err);
}

static const ms_report_section report = {
	.rank = 5,
	.title = "Zones (zoneinfo, pages)",
	.table = &zones_table,
	.errors = { { "zones", MS_P_ZONEINFO } },
};

const ms_view_class ms_view_zones = {
	.name = "zones",
	.summary = "free pages of each zone against its watermarks",
	.parts = MS_PART_ZONEINFO,
	.part = MS_P_ZONEINFO,
	.table = &ms_zone_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
