/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The meminfo view: /proc/meminfo, keys and values as the kernel printed
 * them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static bool kv_seen_before(const ms_kvlist *l, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(l->items[k].key, l->items[i].key) == 0)
			return true;
	return false;
}

/* As the kernel prints it (fs/proc/meminfo.c show_val_kb, and the arch,
 * memory-failure and hugetlb lines beside it): the value ends in column
 * 24 ("MemTotal:        2029440 kB", "HardwareCorrupted:     0 kB"), and
 * one too long for that starts after the name padded to 16 columns
 * ("VmallocTotal:   34359738367 kB"), or to 19 for hugetlb's counts
 * ("HugePages_Total:   %5lu"); then " kB" where the kernel printed it. */
#define MEMINFO_VALUE_END 24

static void meminfo_text(struct render *r, const ms_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char name[sizeof l->items[i].key + 1];
		char value[MS_CELL_MAX] = "-";
		bool count = !l->items[i].kb && strncmp(l->items[i].key, "HugePages_", 10) == 0;
		snprintf(name, sizeof name, "%s:", l->items[i].key);
		if (l->items[i].value != MS_NA)
			snprintf(value, sizeof value, "%" PRId64, l->items[i].value);
		size_t named = strlen(name), len = strlen(value);
		size_t start = named + 1 > (count ? 19u : 16u) ? named + 1 : (count ? 19u : 16u);
		size_t end = start + len > MEMINFO_VALUE_END ? start + len : MEMINFO_VALUE_END;
		ms_out_display(r, name, 0, true);
		ms_out_spaces(r, end - len - named);
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
static void meminfo_json(struct render *r, const ms_kvlist *l)
{
	ms_json_obj_begin(&r->j);
	for (size_t i = 0; i < l->n; i++) {
		if (!kv_seen_before(l, i))
			ms_json_kv_i64(&r->j, l->items[i].key, l->items[i].value);
	}
	ms_json_obj_end(&r->j);
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	/* An empty file parses to no keys: say so, as the other views do,
	 * rather than print nothing and succeed. */
	if (r->s->meminfo.n == 0)
		return ms_error_set(err, ENODATA, 0,
				    "meminfo: %s/meminfo: no contents (empty file)", r->s->info.path);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		meminfo_text(r, &r->s->meminfo);
		break;
	case MS_FORMAT_CSV:
		meminfo_csv(r, &r->s->meminfo);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "meminfo");
		ms_json_key(&r->j, "meminfo");
		meminfo_json(r, &r->s->meminfo);
		ms_out_json_end(r);
		break;
	}
	return 0;
}

static void report_text(struct render *r)
{
	meminfo_text(r, &r->s->meminfo);
}

static void report_json(struct render *r, bool ok)
{
	ms_json_key(&r->j, "meminfo");
	if (ok)
		meminfo_json(r, &r->s->meminfo);
	else
		ms_json_null(&r->j);
}

static const ms_report_section report = {
	.rank = 1,
	.title = "Memory (meminfo)",
	.text = report_text,
	.json = report_json,
	.errors = { { "meminfo", MS_P_MEMINFO } },
};

const ms_view_class ms_view_meminfo = {
	.name = "meminfo",
	.summary = "the keys and values of /proc/meminfo",
	.parts = MS_PART_MEMINFO,
	.part = MS_P_MEMINFO,
	.opts = MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
