/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The slabs view: the caches of /proc/slabinfo by size.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static int slabs_prepare(struct rows *rs, const struct render *r, ms_error *err)
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

static const struct table_view slabs_table = {
	.name = "slabs", .rows_key = "caches", .totals = true,
	.report_totals_key = "cache_totals", .prepare = slabs_prepare,
	.json_head = slabs_json_head,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	return ms_tbl_render(r, &slabs_table, err);
}

static const ms_report_section report = {
	.rank = 3,
	.title = "Slab caches (slabinfo)",
	.table = &slabs_table,
	.errors = { { "caches", MS_P_SLABINFO } },
};

const ms_view_class ms_view_slabs = {
	.name = "slabs",
	.summary = "slab caches of /proc/slabinfo, by size",
	.parts = MS_PART_SLABINFO,
	.part = MS_P_SLABINFO,
	.table = &ms_slab_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
