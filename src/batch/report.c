/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report: every view in one document, with the reason for each part
 * that could not be read.
 */
#include <errno.h>
#include <string.h>

#include "render.h"

/* ---- report -------------------------------------------------------------- */

/* The sections of a report, each with the part state that can hide it. */
struct section {
	const char *key;   /* JSON key and the name in "errors" */
	const char *title; /* text heading */
	const ms_part_state *(*state)(const ms_sample *s);
};

static const ms_part_state *st_meminfo(const ms_sample *s) { return &s->st[MS_P_MEMINFO]; }
static const ms_part_state *st_procs(const ms_sample *s) { return &s->st[MS_P_PROCS]; }
static const ms_part_state *st_slabs(const ms_sample *s) { return &s->st[MS_P_SLABINFO]; }
static const ms_part_state *st_buddy(const ms_sample *s) { return &s->st[MS_P_BUDDY]; }
static const ms_part_state *st_pagetype(const ms_sample *s) { return &s->st[MS_P_PAGETYPE]; }
static const ms_part_state *st_zones(const ms_sample *s) { return &s->st[MS_P_ZONEINFO]; }

enum { SEC_MEMINFO, SEC_PROCS, SEC_SLABS, SEC_BUDDY, SEC_PAGETYPE, SEC_ZONES, SEC_COUNT };

static const struct section sections[SEC_COUNT] = {
	[SEC_MEMINFO] = { "meminfo", "Memory (meminfo)", st_meminfo },
	[SEC_PROCS] = { "processes", "Processes (procrank)", st_procs },
	[SEC_SLABS] = { "caches", "Slab caches (slabinfo)", st_slabs },
	[SEC_BUDDY] = { "buddy", "Free blocks (buddyinfo, pagetypeinfo)", st_buddy },
	[SEC_PAGETYPE] = { "pagetypeinfo", NULL, st_pagetype },
	[SEC_ZONES] = { "zones", "Zones (zoneinfo, pages)", st_zones },
};

static bool section_ok(const struct render *r, int sec)
{
	return sections[sec].state(r->s)->status == 0;
}

static void report_text_header(struct render *r)
{
	const ms_source_info *i = &r->s->info;

	ms_out_put(r, "memscope report\n");
	ms_out_put(r, "source:      ");
	ms_out_put(r, ms_source_kind_name(i));
	ms_out_put(r, " ");
	ms_out_display(r, i->path, 0, true);
	ms_out_put(r, "\nkernel:      ");
	ms_out_display(r, i->kernel[0] ? i->kernel : "-", 0, true);
	ms_out_put(r, "\nmachine:     ");
	ms_out_display(r, i->machine[0] ? i->machine : "-", 0, true);
	ms_out_putf(r, "\npage size:   %ld\ncaptured at: ", i->page_size);
	ms_out_display(r, i->captured_at[0] ? i->captured_at : "-", 0, true);
	ms_out_put(r, "\n");
}

static int section_rows(struct rows *rs, const struct render *r, int sec, ms_error *err)
{
	switch (sec) {
	case SEC_PROCS:
		return ms_procrank_prepare(rs, r, err);
	case SEC_SLABS:
		return ms_slabs_prepare(rs, r, err);
	default:
		return ms_zones_prepare(rs, r, err);
	}
}

static void report_text_section(struct render *r, int sec)
{
	struct rows rs;
	ms_error ignored;

	ms_out_putf(r, "\n== %s ==\n", sections[sec].title);
	if (!section_ok(r, sec)) {
		ms_out_reason(r, sections[sec].state(r->s));
		ms_out_put(r, "\n");
		return;
	}
	switch (sec) {
	case SEC_MEMINFO:
		ms_meminfo_text(r, &r->s->meminfo);
		return;
	case SEC_BUDDY:
		ms_buddy_text(r);
		return;
	}
	if (section_rows(&rs, r, sec, &ignored))
		return;
	ms_tbl_view_text(r, &rs, sec == SEC_PROCS ? &ms_procrank_tview
				: sec == SEC_SLABS ? &ms_slabs_tview : &ms_zones_tview, NULL);
	ms_tbl_rows_free(&rs);
}

/* processes + process_totals, caches + cache_totals, zones. */
static void report_json_table(struct render *r, int sec)
{
	static const char *const totals_key[SEC_COUNT] = {
		[SEC_PROCS] = "process_totals", [SEC_SLABS] = "cache_totals",
	};
	struct rows rs;
	ms_error ignored;
	bool ok = section_ok(r, sec) && section_rows(&rs, r, sec, &ignored) == 0;

	if (ok) {
		ms_tbl_json_rows(r, sections[sec].key, &rs, sec == SEC_PROCS ? ms_procrank_extra
						     : sec == SEC_ZONES ? ms_zones_extra : NULL);
	} else {
		ms_json_key(&r->j, sections[sec].key);
		ms_json_null(&r->j);
	}
	if (totals_key[sec]) {
		if (ok) {
			ms_tbl_json_totals(r, totals_key[sec], &rs);
		} else {
			ms_json_key(&r->j, totals_key[sec]);
			ms_json_null(&r->j);
		}
	}
	if (ok)
		ms_tbl_rows_free(&rs);
}

static void report_json_section(struct render *r, int sec)
{
	switch (sec) {
	case SEC_PAGETYPE:
		return; /* inside "buddy" */
	case SEC_PROCS:
	case SEC_SLABS:
	case SEC_ZONES:
		report_json_table(r, sec);
		return;
	}
	ms_json_key(&r->j, sections[sec].key);
	if (!section_ok(r, sec)) {
		ms_json_null(&r->j);
	} else if (sec == SEC_MEMINFO) {
		ms_meminfo_json(r, &r->s->meminfo);
	} else {
		ms_json_obj_begin(&r->j);
		ms_buddy_json_body(r);
		ms_json_obj_end(&r->j);
	}
}

/* {"meminfo": "not in snapshot", ...}: why each missing section is missing. */
static void report_json_errors(struct render *r)
{
	ms_json_key(&r->j, "errors");
	ms_json_obj_begin(&r->j);
	for (int sec = 0; sec < SEC_COUNT; sec++) {
		if (!section_ok(r, sec))
			ms_json_kv_str(&r->j, sections[sec].key,
				       ms_part_reason(sections[sec].state(r->s)));
	}
	ms_json_obj_end(&r->j);
}

int ms_render_report(struct render *r, ms_error *err)
{
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		report_text_header(r);
		for (int sec = 0; sec < SEC_COUNT; sec++)
			if (sections[sec].title)
				report_text_section(r, sec);
		return 0;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "report");
		for (int sec = 0; sec < SEC_COUNT; sec++)
			report_json_section(r, sec);
		report_json_errors(r);
		ms_out_json_end(r);
		return 0;
	default:
		/* options.c refuses it; a library caller gets the same answer. */
		return ms_error_set(err, EINVAL, 0,
				    "report: CSV holds one table: use -f text or -f json");
	}
}
