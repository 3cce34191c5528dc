/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pressure view: /proc/pressure/memory (PSI), the share of wall time
 * in which some task ("some") or every non-idle task ("full") stalled on
 * memory, averaged over 10, 60 and 300 seconds, and the stall time since
 * boot. The averages keep the kernel's two decimals exactly (hundredths of
 * a percent in the model); JSON gives them as percent numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static void json_pct(struct render *r, const char *key, int64_t hundredths)
{
	ms_json_key(&r->j, key);
	if (hundredths == MS_NA)
		ms_json_null(&r->j);
	else
		ms_json_double(&r->j, (double)hundredths / 100.0, 2);
}

void ms_out_psi_json(struct render *r, const char *key, const ms_psi_line *l)
{
	ms_json_key(&r->j, key);
	if (l->avg10 == MS_NA && l->total_us == MS_NA) {
		ms_json_null(&r->j); /* the line is not printed ("full" before 5.13 for cpu) */
		return;
	}
	ms_json_obj_begin(&r->j);
	json_pct(r, "avg10", l->avg10);
	json_pct(r, "avg60", l->avg60);
	json_pct(r, "avg300", l->avg300);
	ms_json_kv_i64(&r->j, "total_us", l->total_us);
	ms_json_obj_end(&r->j);
}

static const char *const kinds[] = { "some", "full" };

static const ms_psi_line *line_of(const ms_psi *p, size_t i)
{
	return i == 0 ? &p->some : &p->full;
}

static void pressure_text(struct render *r)
{
	char cell[MS_CELL_MAX];

	ms_out_put(r, "KIND   AVG10%  AVG60% AVG300%        TOTAL_US\n");
	for (size_t i = 0; i < MS_ARRAY_LEN(kinds); i++) {
		const ms_psi_line *l = line_of(&r->s->psi, i);
		ms_out_putf(r, "%-4s", kinds[i]);
		const int64_t avg[] = { l->avg10, l->avg60, l->avg300 };
		for (size_t a = 0; a < MS_ARRAY_LEN(avg); a++) {
			ms_psi_pct_text(cell, avg[a]);
			ms_out_putf(r, " %7s", cell);
		}
		if (l->total_us == MS_NA)
			ms_out_putf(r, " %15s\n", "-");
		else
			ms_out_putf(r, " %15" PRId64 "\n", l->total_us);
	}
	ms_out_put(r, "(pressure/memory: % of wall time in which some task, or every non-idle\n"
		      " task (full), stalled on memory; TOTAL_US: stall time since boot)\n");
}

static void pressure_csv(struct render *r)
{
	char cell[MS_CELL_MAX];

	ms_out_put(r, "kind,avg10,avg60,avg300,total_us\r\n");
	for (size_t i = 0; i < MS_ARRAY_LEN(kinds); i++) {
		const ms_psi_line *l = line_of(&r->s->psi, i);
		const int64_t avg[] = { l->avg10, l->avg60, l->avg300 };
		ms_out_put(r, kinds[i]);
		for (size_t a = 0; a < MS_ARRAY_LEN(avg); a++) {
			ms_out_put(r, ",");
			if (avg[a] != MS_NA) {
				ms_psi_pct_text(cell, avg[a]);
				ms_out_put(r, cell);
			}
		}
		ms_out_put(r, ",");
		ms_out_i64_csv(r, l->total_us);
		ms_out_put(r, "\r\n");
	}
}

static void pressure_json_body(struct render *r)
{
	ms_json_kv_str(&r->j, "file", "pressure/memory");
	for (size_t i = 0; i < MS_ARRAY_LEN(kinds); i++)
		ms_out_psi_json(r, kinds[i], line_of(&r->s->psi, i));
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	(void)err;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		pressure_text(r);
		break;
	case MS_FORMAT_CSV:
		pressure_csv(r);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "pressure");
		pressure_json_body(r);
		ms_out_json_end(r);
		break;
	}
	return 0;
}

static void report_json(struct render *r, bool ok)
{
	ms_json_key(&r->j, "pressure");
	if (!ok) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_obj_begin(&r->j);
	pressure_json_body(r);
	ms_json_obj_end(&r->j);
}

static const ms_report_section report = {
	.rank = 7,
	.title = "Memory pressure (pressure/memory, PSI)",
	.text = pressure_text,
	.json = report_json,
	.errors = { { "pressure", MS_P_PSI } },
};

const ms_view_class ms_view_pressure = {
	.name = "pressure",
	.summary = "memory pressure stall information (PSI), some and full",
	.parts = MS_PART_PSI,
	.part = MS_P_PSI,
	.opts = MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
