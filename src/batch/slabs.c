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

/* An OOM report's "Unreclaimable slab info:" is not slabinfo: only the
 * caches the kernel chose to list, their sizes in kB, no object counts. */
static const char unreclaimable_note[] =
	"an OOM report's \"Unreclaimable slab info\" only: the unreclaimable caches it "
	"listed, USED and SIZE in kB as printed, no object counts";

static void slabs_json_head(struct render *r, const void *ctx)
{
	(void)ctx;
	ms_json_kv_str(&r->j, "slabinfo_version",
		       r->s->slabs.version[0] ? r->s->slabs.version : NULL);
	ms_json_key(&r->j, "unreclaimable_only");
	ms_json_bool(&r->j, r->s->slabs.unreclaimable_only);
	ms_json_kv_str(&r->j, "slabs_note",
		       r->s->slabs.unreclaimable_only ? unreclaimable_note : NULL);
}

static void slabs_text_head(struct render *r, const struct rows *rs, const void *ctx)
{
	(void)rs;
	(void)ctx;
	if (r->s->slabs.unreclaimable_only)
		ms_out_putf(r, "# %s\n", unreclaimable_note);
}

static const struct table_view slabs_table = {
	.name = "slabs", .rows_key = "caches", .totals = true,
	.report_totals_key = "cache_totals", .prepare = slabs_prepare,
	.json_head = slabs_json_head,
	.text_head = slabs_text_head,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	return ms_tbl_render(r, &slabs_table, err);
}

/* In `report`: whether the caches are an OOM report's list (null when
 * there are none). */
static void report_json(struct render *r, bool ok)
{
	ms_json_key(&r->j, "caches_unreclaimable_only");
	if (ok)
		ms_json_bool(&r->j, r->s->slabs.unreclaimable_only);
	else
		ms_json_null(&r->j);
}

static const ms_report_section report = {
	.rank = 3,
	.title = "Slab caches (slabinfo)",
	.table = &slabs_table,
	.json = report_json,
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
