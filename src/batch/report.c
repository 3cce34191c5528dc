/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report: every view that has a report section (its class's .report),
 * in the sections' order, in one document, with the reason for each part
 * that could not be read.
 */
#include <errno.h>
#include <string.h>

#include "render.h"

/* The sections, in report order: at most one per view. */
struct sections {
	const ms_report_section *s[16];
	size_t n;
};

static void collect(struct sections *out)
{
	out->n = 0;
	for (size_t i = 0; ms_views[i] && out->n < MS_ARRAY_LEN(out->s); i++) {
		const ms_report_section *sec = ms_views[i]->report;
		size_t at = out->n++;
		if (!sec) {
			out->n--;
			continue;
		}
		for (; at > 0 && out->s[at - 1]->rank > sec->rank; at--)
			out->s[at] = out->s[at - 1];
		out->s[at] = sec;
	}
}

/* A section of no part reads its own files and says why for itself. */
static bool section_ok(const struct render *r, const ms_report_section *sec)
{
	if (sec->errors[0].part == MS_P_NONE)
		return true;
	return ms_sample_has(r->s, sec->errors[0].part);
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
	/* A recording: which of its samples this is (--at picks another). */
	if (r->src && ms_source_can(r->src, MS_CAP_SAMPLES))
		ms_out_putf(r, "\nsample:      %zu of %zu (--at %zu)%s",
			    ms_source_selected(r->src) + 1, ms_source_sample_count(r->src),
			    ms_source_selected(r->src),
			    ms_source_torn_tail(r->src, NULL, 0) ? ", torn tail skipped" : "");
	if (i->sample_label[0]) {
		ms_out_put(r, "\nwhich:       ");
		ms_out_display(r, i->sample_label, 0, true);
	}
	ms_out_put(r, "\n");
}

static void report_text_section(struct render *r, const ms_report_section *sec)
{
	ms_out_putf(r, "\n== %s ==\n", sec->title);
	if (!section_ok(r, sec)) {
		ms_out_reason(r, ms_sample_state(r->s, sec->errors[0].part));
		ms_out_put(r, "\n");
	} else if (sec->table) {
		ms_tbl_report_text(r, sec->table);
	} else {
		sec->text(r);
	}
}

static void report_json_section(struct render *r, const ms_report_section *sec)
{
	/* A table section may add keys after its rows (json). */
	if (sec->table)
		ms_tbl_report_json(r, sec->table, section_ok(r, sec));
	if (sec->json)
		sec->json(r, section_ok(r, sec));
}

/* {"meminfo": "not in snapshot", ...}: why each missing part is missing. */
static void report_json_errors(struct render *r, const struct sections *all)
{
	ms_json_key(&r->j, "errors");
	ms_json_obj_begin(&r->j);
	for (size_t i = 0; i < all->n; i++) {
		for (size_t e = 0; e < MS_ARRAY_LEN(all->s[i]->errors); e++) {
			const struct report_error *re = &all->s[i]->errors[e];
			if (re->key && re->part != MS_P_NONE && !ms_sample_has(r->s, re->part))
				ms_json_kv_str(&r->j, re->key,
					       ms_part_reason(ms_sample_state(r->s, re->part)));
		}
	}
	ms_json_obj_end(&r->j);
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct sections all;

	(void)src;
	(void)err;
	collect(&all);
	if (r->o->format == MS_FORMAT_TEXT) {
		report_text_header(r);
		for (size_t i = 0; i < all.n; i++)
			report_text_section(r, all.s[i]);
		return 0;
	}
	ms_out_json_begin(r, "report");
	for (size_t i = 0; i < all.n; i++)
		report_json_section(r, all.s[i]);
	report_json_errors(r, &all);
	ms_out_json_end(r);
	return 0;
}

const ms_view_class ms_view_report = {
	.name = "report",
	.summary = "every view above in one document, for a bug report",
	.part = MS_P_NONE, /* shows what it can and says why for the rest */
	.gathers_sections = true,
	.opts = MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB,
	.render = render,
};
