/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroups view: the memory cgroup trees of the sample (the v1 memory
 * controller's and the unified one's, src/model/cgroups.c), each group
 * with its usage against its limits, the memory.stat breakdown, its limit
 * and OOM events and its memory.pressure.
 *
 * v1 and v2 name things differently; one set of keys covers both:
 *   usage    v2 memory.current       v1 memory.usage_in_bytes
 *   max      v2 memory.max           v1 memory.limit_in_bytes
 *   anon     v2 stat anon            v1 stat total_rss (rss without hierarchy)
 *   file     v2 stat file            v1 stat total_cache (cache)
 *   kernel   v2 stat kernel          v1 memory.kmem.usage_in_bytes
 *   slab     v2 stat slab            v1 -
 *   sock     v2 stat sock            v1 memory.kmem.tcp: not read, -
 *   swap     v2 memory.swap.current  v1 stat total_swap (swap)
 *   max hits v2 events max           v1 memory.failcnt
 *   oom_kill v2 events oom_kill      v1 memory.oom_control oom_kill
 * v2's memory.stat and usage count the group's whole subtree, and so do
 * v1's usage and total_* figures: a parent's figures include its
 * children's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- figures common to both versions ---------------------------------------- */

enum cg_fig {
	CG_USAGE, CG_PEAK, CG_MAX, CG_HIGH, CG_LOW, CG_MIN, CG_SWAP, CG_SWAP_MAX,
	CG_ANON, CG_FILE, CG_KERNEL, CG_SLAB, CG_SOCK, CG_SHMEM,
	CG_NFIGS
};

/* Keys of the JSON "_bytes" figures and the CSV columns, in that order. */
static const char *const fig_keys[CG_NFIGS] = {
	"usage", "peak", "max", "high", "low", "min", "swap", "swap_max",
	"anon", "file", "kernel", "slab", "sock", "shmem",
};

static bool is_limit(enum cg_fig f)
{
	return f == CG_MAX || f == CG_HIGH || f == CG_LOW || f == CG_MIN || f == CG_SWAP_MAX;
}

/* The first of the keys memory.stat printed; MS_NA when none. */
static int64_t stat_of(const ms_cgroup *g, const char *key, const char *fallback)
{
	int64_t v = ms_cgroup_stat(g, key);

	return v == MS_NA && fallback ? ms_cgroup_stat(g, fallback) : v;
}

static int64_t fig(const ms_cgroup *g, enum cg_fig f)
{
	const ms_memcg *m = &g->mem;
	bool v2 = g->version == 2;

	switch (f) {
	case CG_USAGE: return m->current;
	case CG_PEAK: return m->peak;
	case CG_MAX: return m->max;
	case CG_HIGH: return m->high;
	case CG_LOW: return m->low;
	case CG_MIN: return m->min;
	case CG_SWAP: return v2 ? m->swap_current : stat_of(g, "total_swap", "swap");
	case CG_SWAP_MAX: return v2 ? m->swap_max : MS_NA;
	case CG_ANON: return v2 ? stat_of(g, "anon", NULL) : stat_of(g, "total_rss", "rss");
	case CG_FILE: return v2 ? stat_of(g, "file", NULL) : stat_of(g, "total_cache", "cache");
	case CG_KERNEL: return v2 ? stat_of(g, "kernel", NULL) : m->kmem_usage;
	case CG_SLAB: return v2 ? stat_of(g, "slab", NULL) : MS_NA;
	case CG_SOCK: return v2 ? stat_of(g, "sock", NULL) : MS_NA;
	case CG_SHMEM: return v2 ? stat_of(g, "shmem", NULL) : stat_of(g, "total_shmem", "shmem");
	case CG_NFIGS: break;
	}
	return MS_NA;
}

/* Times usage hit the hard limit: v2 events "max", v1 failcnt. */
static int64_t max_hits(const ms_cgroup *g)
{
	return g->version == 2 ? ms_kvlist_get(&g->mem.events, "max") : g->mem.failcnt;
}

static int64_t oom_events(const ms_cgroup *g)
{
	return g->version == 2 ? ms_kvlist_get(&g->mem.events, "oom") : MS_NA;
}

static int64_t oom_kills(const ms_cgroup *g)
{
	return g->version == 2 ? ms_kvlist_get(&g->mem.events, "oom_kill")
			       : ms_kvlist_get(&g->mem.oom_control, "oom_kill");
}

/* Usage as a percentage of the hard limit; MS_NA without one. */
static int64_t use_pct(const ms_cgroup *g)
{
	int64_t u = g->mem.current, m = g->mem.max;

	if (u == MS_NA || m == MS_NA || m == MS_CG_MAX || m <= 0 || u < 0 ||
	    u > INT64_MAX / 100)
		return MS_NA;
	return u * 100 / m;
}

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
	int64_t pct = use_pct(g);
	if (pct == MS_NA)
		ms_out_putf(r, " %4s ", "-");
	else
		ms_out_putf(r, " %3" PRId64 "%% ", pct);
	text_bar(r, pct);
	ms_out_put(r, " ");
	text_limit(r, g->mem.high, 7);
	static const enum cg_fig figs[] = { CG_SWAP, CG_ANON, CG_FILE, CG_KERNEL, CG_SLAB };
	for (size_t i = 0; i < MS_ARRAY_LEN(figs); i++) {
		ms_out_put(r, " ");
		ms_out_kb_text(r, kb_of(fig(g, figs[i])), 7);
	}
	text_count(r, max_hits(g), 6);
	text_count(r, oom_events(g), 4);
	text_count(r, oom_kills(g), 4);
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
	ms_out_put(r, "(USAGE against MAX, the hard limit: \"max\" none; usage and the memory.stat "
		      "figures count each group's subtree; v1: ANON total_rss, FILE total_cache, "
		      "KERNEL kmem usage; MAXHIT: times usage hit MAX (v2 events max, v1 failcnt); "
		      "OOM, KILL: memory.events oom, oom_kill (v1 oom_control); PSI10: "
		      "memory.pressure some avg10 %)\n");
	if (c->truncated)
		ms_out_putf(r, "(more than %d groups: the rest left out)\n", MS_CGROUPS_MAX);
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_header(struct render *r)
{
	ms_out_put(r, "version,path,depth");
	for (size_t f = 0; f < CG_NFIGS; f++)
		ms_out_putf(r, ",%s_bytes", fig_keys[f]);
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
	for (size_t f = 0; f < CG_NFIGS; f++) {
		int64_t v = fig(g, (enum cg_fig)f);
		ms_out_put(r, ",");
		if (is_limit((enum cg_fig)f) && v == MS_CG_MAX)
			ms_out_put(r, "max"); /* the kernel's word for no limit */
		else
			ms_out_i64_csv(r, v);
	}
	const int64_t counts[] = { use_pct(g), max_hits(g), oom_events(g), oom_kills(g) };
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

	for (size_t f = 0; f < CG_NFIGS; f++) {
		int64_t v = fig(g, (enum cg_fig)f);
		snprintf(key, sizeof key, "%s_bytes", fig_keys[f]);
		ms_json_kv_i64(&r->j, key, v == MS_CG_MAX ? MS_NA : v);
	}
	/* null above is "no limit" for these, "not printed" for the others */
	ms_json_key(&r->j, "unlimited");
	ms_json_arr_begin(&r->j);
	for (size_t f = 0; f < CG_NFIGS; f++)
		if (is_limit((enum cg_fig)f) && fig(g, (enum cg_fig)f) == MS_CG_MAX)
			ms_json_str(&r->j, fig_keys[f]);
	ms_json_arr_end(&r->j);
	ms_json_kv_i64(&r->j, "use_pct", use_pct(g));
}

static void json_events(struct render *r, const ms_cgroup *g)
{
	ms_json_key(&r->j, "events");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "max", max_hits(g));
	ms_json_kv_i64(&r->j, "oom", oom_events(g));
	ms_json_kv_i64(&r->j, "oom_kill", oom_kills(g));
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
	.summary = "the memory cgroup trees (v1, v2): usage against limits, memory.stat, "
		   "OOM events, pressure",
	.parts = MS_PART_CGROUPS,
	.part = MS_P_CGROUPS,
	.opts = MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
