/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroups view: the memory cgroup trees of the sample (the v1 memory
 * controller's and the unified one's, src/model/cgroups.c), each group
 * with its usage against its limits, the memory.stat breakdown, its limit
 * and OOM events and its memory.pressure.
 *
 * The figures both versions have come from ms_cgroup_fig (the table of
 * v1's equivalents is at the top of src/model/cgroups.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static int64_t kb_of(int64_t bytes)
{
	return bytes == MS_NA || bytes == MS_CG_MAX ? bytes : bytes / 1024;
}

/* The last part of a path: "a" of "/svc/a"; "/" for a root. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static const char *root_of(const ms_cgroups *c, int version)
{
	return version == 1 ? c->root_v1 : c->root_v2;
}

/* "memory.stat: unreadable format ..." of a group with a bad file; NULL. */
static const char *group_error(const ms_cgroup *g, char *buf, size_t cap)
{
	if (g->status == 0)
		return NULL;
	ms_part_state st = { .status = g->status };
	snprintf(buf, cap, "%s: %s", g->bad_file, ms_part_reason(&st));
	return buf;
}

/* ---- text ----------------------------------------------------------------- */

#define MAX_INDENT 16
#define BAR_W 10

/* "[####      ]": usage against the hard limit; blank without one. */
static void text_bar(struct render *r, int64_t pct)
{
	char bar[BAR_W + 3];
	int fill = pct == MS_NA ? 0 : (int)((pct > 100 ? 100 : pct) * BAR_W / 100);

	if (pct == MS_NA) {
		ms_out_spaces(r, BAR_W + 2);
		return;
	}
	bar[0] = '[';
	for (int i = 0; i < BAR_W; i++)
		bar[1 + i] = i < fill ? '#' : ' ';
	bar[BAR_W + 1] = ']';
	bar[BAR_W + 2] = '\0';
	ms_out_put(r, bar);
}

static void text_limit(struct render *r, int64_t bytes, size_t width)
{
	if (bytes == MS_CG_MAX)
		ms_out_putf(r, "%*s", (int)width, "max");
	else
		ms_out_kb_text(r, kb_of(bytes), width);
}

static void text_count(struct render *r, int64_t v, int width)
{
	if (v == MS_NA)
		ms_out_putf(r, " %*s", width, "-");
	else
		ms_out_putf(r, " %*" PRId64, width, v);
}

static void text_header(struct render *r)
{
	ms_out_putf(r, "%7s %7s %4s %-*s %7s %7s %7s %7s %7s %7s %6s %4s %4s %6s  %s\n", "USAGE",
		    "MAX", "USE%", BAR_W + 2, "", "HIGH", "SWAP", "ANON", "FILE", "KERNEL", "SLAB",
		    "MAXHIT", "OOM", "KILL", "PSI10", "GROUP");
}

/* The group's name after its figures, indented by its depth: a long name
 * then widens no column. */
static void text_name(struct render *r, const ms_cgroup *g)
{
	int depth = g->depth < MAX_INDENT ? g->depth : MAX_INDENT;

	ms_out_spaces(r, 2 * (size_t)depth);
	ms_out_display(r, g->depth == 0 ? "/" : base_name(g->path), 0, true);
}

static void text_group(struct render *r, const ms_cgroup *g)
{
	char cell[MS_CELL_MAX];

	ms_out_kb_text(r, kb_of(g->mem.current), 7);
	ms_out_put(r, " ");
	text_limit(r, g->mem.max, 7);
	int64_t pct = ms_cgroup_use_pct(g);
	if (pct == MS_NA)
		ms_out_putf(r, " %4s ", "-");
	else
		ms_out_putf(r, " %3" PRId64 "%% ", pct);
	text_bar(r, pct);
	ms_out_put(r, " ");
	text_limit(r, g->mem.high, 7);
	static const enum ms_cg_fig figs[] = { MS_CGF_SWAP, MS_CGF_ANON, MS_CGF_FILE, MS_CGF_KERNEL, MS_CGF_SLAB };
	for (size_t i = 0; i < MS_ARRAY_LEN(figs); i++) {
		ms_out_put(r, " ");
		ms_out_kb_text(r, kb_of(ms_cgroup_fig(g, figs[i])), 7);
	}
	text_count(r, ms_cgroup_max_hits(g), 6);
	text_count(r, ms_cgroup_oom_events(g), 4);
	text_count(r, ms_cgroup_oom_kills(g), 4);
	ms_psi_pct_text(cell, g->psi_status == 0 ? g->psi.some.avg10 : MS_NA);
	ms_out_putf(r, " %6s  ", cell);
	text_name(r, g);
	char why[sizeof g->bad_file + 80];
	if (group_error(g, why, sizeof why)) {
		ms_out_put(r, "  ! ");
		ms_out_display(r, why, 0, true);
	}
	ms_out_put(r, "\n");
}

static void cgroups_text(struct render *r)
{
	const ms_cgroups *c = &r->s->cgroups;

	for (int version = 1; version <= 2; version++) {
		const char *root = root_of(c, version);
		if (!root[0])
			continue;
		ms_out_put(r, version == 1 ? "cgroup v1 memory controller (" : "cgroup v2 (");
		ms_out_display(r, root, 0, true);
		ms_out_put(r, ")\n");
		text_header(r);
		for (size_t i = 0; i < c->n; i++)
			if (c->g[i].version == version)
				text_group(r, &c->g[i]);
		ms_out_put(r, "\n");
	}
	ms_out_put(r, "(USAGE against MAX, the hard limit (max: none); usage and memory.stat count\n"
		      " each group with its children; v1: ANON total_rss, FILE total_cache, KERNEL\n"
		      " kmem usage; MAXHIT: times usage hit MAX (v2 events max, v1 failcnt); OOM,\n"
		      " KILL: memory.events oom, oom_kill (v1 oom_control); PSI10: memory.pressure\n"
		      " some avg10 %)\n");
	if (c->truncated)
		ms_out_putf(r, "(more than %d groups: the rest left out)\n", MS_CGROUPS_MAX);
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_header(struct render *r)
{
	ms_out_put(r, "version,path,depth");
	for (size_t f = 0; f < MS_CGF_COUNT; f++)
		ms_out_putf(r, ",%s_bytes", ms_cgroup_fig_keys[f]);
	ms_out_put(r, ",use_pct,max_hits,oom,oom_kill,psi_some_avg10,psi_full_avg10,"
		      "psi_some_total_us,psi_full_total_us,error\r\n");
}

static void csv_pct(struct render *r, int64_t hundredths)
{
	char cell[MS_CELL_MAX];

	ms_out_put(r, ",");
	if (hundredths != MS_NA) {
		ms_psi_pct_text(cell, hundredths);
		ms_out_put(r, cell);
	}
}

static void csv_group(struct render *r, const ms_cgroup *g)
{
	const ms_psi *p = &g->psi;
	bool psi = g->psi_status == 0;
	char why[sizeof g->bad_file + 80];

	ms_out_putf(r, "%d,", g->version);
	ms_out_csv_field(r, g->path);
	ms_out_putf(r, ",%d", g->depth);
	for (size_t f = 0; f < MS_CGF_COUNT; f++) {
		int64_t v = ms_cgroup_fig(g, (enum ms_cg_fig)f);
		ms_out_put(r, ",");
		if (ms_cgroup_fig_is_limit((enum ms_cg_fig)f) && v == MS_CG_MAX)
			ms_out_put(r, "max"); /* the kernel's word for no limit */
		else
			ms_out_i64_csv(r, v);
	}
	const int64_t counts[] = { ms_cgroup_use_pct(g), ms_cgroup_max_hits(g), ms_cgroup_oom_events(g), ms_cgroup_oom_kills(g) };
	for (size_t i = 0; i < MS_ARRAY_LEN(counts); i++) {
		ms_out_put(r, ",");
		ms_out_i64_csv(r, counts[i]);
	}
	csv_pct(r, psi ? p->some.avg10 : MS_NA);
	csv_pct(r, psi ? p->full.avg10 : MS_NA);
	ms_out_put(r, ",");
	ms_out_i64_csv(r, psi ? p->some.total_us : MS_NA);
	ms_out_put(r, ",");
	ms_out_i64_csv(r, psi ? p->full.total_us : MS_NA);
	ms_out_put(r, ",");
	const char *e = group_error(g, why, sizeof why);
	if (e)
		ms_out_csv_field(r, e);
	ms_out_put(r, "\r\n");
}

static void cgroups_csv(struct render *r)
{
	const ms_cgroups *c = &r->s->cgroups;

	csv_header(r);
	for (size_t i = 0; i < c->n; i++)
		csv_group(r, &c->g[i]);
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_kvlist(struct render *r, const char *key, const ms_kvlist *l)
{
	ms_json_key(&r->j, key);
	if (l->n == 0) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_obj_begin(&r->j);
	for (size_t i = 0; i < l->n; i++)
		ms_json_kv_i64(&r->j, l->items[i].key, l->items[i].value);
	ms_json_obj_end(&r->j);
}

static void json_figures(struct render *r, const ms_cgroup *g)
{
	char key[32];

	for (size_t f = 0; f < MS_CGF_COUNT; f++) {
		int64_t v = ms_cgroup_fig(g, (enum ms_cg_fig)f);
		snprintf(key, sizeof key, "%s_bytes", ms_cgroup_fig_keys[f]);
		ms_json_kv_i64(&r->j, key, v == MS_CG_MAX ? MS_NA : v);
	}
	/* null above is "no limit" for these, "not printed" for the others */
	ms_json_key(&r->j, "unlimited");
	ms_json_arr_begin(&r->j);
	for (size_t f = 0; f < MS_CGF_COUNT; f++)
		if (ms_cgroup_fig_is_limit((enum ms_cg_fig)f) && ms_cgroup_fig(g, (enum ms_cg_fig)f) == MS_CG_MAX)
			ms_json_str(&r->j, ms_cgroup_fig_keys[f]);
	ms_json_arr_end(&r->j);
	ms_json_kv_i64(&r->j, "use_pct", ms_cgroup_use_pct(g));
}

static void json_events(struct render *r, const ms_cgroup *g)
{
	ms_json_key(&r->j, "events");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "max", ms_cgroup_max_hits(g));
	ms_json_kv_i64(&r->j, "oom", ms_cgroup_oom_events(g));
	ms_json_kv_i64(&r->j, "oom_kill", ms_cgroup_oom_kills(g));
	ms_json_kv_i64(&r->j, "low", g->version == 2 ? ms_kvlist_get(&g->mem.events, "low") : MS_NA);
	ms_json_kv_i64(&r->j, "high",
		       g->version == 2 ? ms_kvlist_get(&g->mem.events, "high") : MS_NA);
	ms_json_obj_end(&r->j);
	json_kvlist(r, "memory_events", &g->mem.events);
	ms_json_kv_i64(&r->j, "failcnt", g->mem.failcnt);
	json_kvlist(r, "oom_control", &g->mem.oom_control);
}

static void json_group(struct render *r, const ms_cgroups *c, const ms_cgroup *g)
{
	char why[sizeof g->bad_file + 80];

	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "path", g->path);
	ms_json_kv_i64(&r->j, "version", g->version);
	ms_json_kv_i64(&r->j, "depth", g->depth);
	ms_json_kv_str(&r->j, "parent", g->parent < c->n ? c->g[g->parent].path : NULL);
	json_figures(r, g);
	json_events(r, g);
	json_kvlist(r, "memory_stat", &g->mem.stat);
	ms_json_key(&r->j, "pressure");
	if (g->psi_status != 0) {
		ms_json_null(&r->j);
	} else {
		ms_json_obj_begin(&r->j);
		ms_out_psi_json(r, "some", &g->psi.some);
		ms_out_psi_json(r, "full", &g->psi.full);
		ms_json_obj_end(&r->j);
	}
	ms_json_kv_str(&r->j, "error", group_error(g, why, sizeof why));
	ms_json_obj_end(&r->j);
}

static void cgroups_json_body(struct render *r)
{
	const ms_cgroups *c = &r->s->cgroups;

	ms_json_kv_str(&r->j, "root_v1", c->root_v1[0] ? c->root_v1 : NULL);
	ms_json_kv_str(&r->j, "root_v2", c->root_v2[0] ? c->root_v2 : NULL);
	ms_json_key(&r->j, "truncated");
	ms_json_bool(&r->j, c->truncated);
	ms_json_key(&r->j, "groups");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < c->n; i++)
		json_group(r, c, &c->g[i]);
	ms_json_arr_end(&r->j);
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	(void)err;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		cgroups_text(r);
		break;
	case MS_FORMAT_CSV:
		cgroups_csv(r);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "cgroups");
		cgroups_json_body(r);
		ms_out_json_end(r);
		break;
	}
	return 0;
}

static void report_json(struct render *r, bool ok)
{
	ms_json_key(&r->j, "cgroups");
	if (!ok) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_obj_begin(&r->j);
	cgroups_json_body(r);
	ms_json_obj_end(&r->j);
}

static const ms_report_section report = {
	.rank = 8,
	.title = "Memory cgroups (sys/fs/cgroup)",
	.text = cgroups_text,
	.json = report_json,
	.errors = { { "cgroups", MS_P_CGROUPS } },
};

const ms_view_class ms_view_cgroups = {
	.name = "cgroups",
	.summary = "memory cgroups (v1, v2): usage vs limits, OOM, pressure",
	.parts = MS_PART_CGROUPS,
	.part = MS_P_CGROUPS,
	.opts = MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
