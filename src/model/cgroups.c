/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory cgroup trees of a sample: the v1 memory controller's
 * hierarchy and the unified (v2) one, each walked depth-first through the
 * source, every group's files read by the pure parsers of
 * src/parse/cgroup.c (the table ms_memcg_files says which files).
 *
 * Where the hierarchies are: a hybrid system (this project's build
 * machine, systemd before 247 by default) mounts v1 controllers at
 * /sys/fs/cgroup/<controller> and v2 at /sys/fs/cgroup/unified; a v2-only
 * system mounts v2 at /sys/fs/cgroup itself. The unified hierarchy is
 * read only when its root lists the memory controller in
 * cgroup.controllers: on a hybrid system memory is bound to v1 and the
 * v2 groups have no memory files.
 *
 * v1 and v2 name things differently; ms_cgroup_fig gives one set of
 * figures for both:
 *   usage    v2 memory.current       v1 memory.usage_in_bytes
 *   max      v2 memory.max           v1 memory.limit_in_bytes
 *   anon     v2 stat anon            v1 stat total_rss (rss without hierarchy)
 *   file     v2 stat file            v1 stat total_cache (cache)
 *   kernel   v2 stat kernel          v1 memory.kmem.usage_in_bytes
 *   slab     v2 stat slab            v1 - (memory.stat has none)
 *   sock     v2 stat sock            v1 - (memory.kmem.tcp.* not read)
 *   swap     v2 memory.swap.current  v1 stat total_swap (swap)
 *   max hits v2 events max           v1 memory.failcnt
 *   oom_kill v2 events oom_kill      v1 memory.oom_control oom_kill
 * v2's memory.stat and usage count the group's whole subtree, and so do
 * v1's usage and total_* figures: a parent's figures include its
 * children's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"

static const char *const v1_roots[] = { "sys/fs/cgroup/memory" };
static const char *const v2_roots[] = { "sys/fs/cgroup/unified", "sys/fs/cgroup" };

struct walk {
	ms_cgroups *c;
	ms_source *src;
	ms_buf file;
	const char *root;
	int version;
	int rc; /* -ENOMEM stops the walk */
};

static void group_note_error(ms_cgroup *g, const char *file, int rc)
{
	if (g->status != 0)
		return;
	g->status = rc;
	snprintf(g->bad_file, sizeof g->bad_file, "%s", file);
}

/* "sys/fs/cgroup/memory" + "/a/b" + "/memory.stat". */
static void group_file_path(char *dst, size_t cap, const char *root, const char *path,
			    const char *file)
{
	snprintf(dst, cap, "%s%s%s%s", root, strcmp(path, "/") == 0 ? "" : path,
		 file ? "/" : "", file ? file : "");
}

static void read_group_files(struct walk *w, ms_cgroup *g)
{
	char rel[4096];
	ms_error err;

	for (size_t i = 0; i < ms_memcg_nfiles; i++) {
		const ms_memcg_file *f = &ms_memcg_files[i];
		if (f->version && f->version != w->version)
			continue;
		group_file_path(rel, sizeof rel, w->root, g->path, f->name);
		int rc = ms_source_read(w->src, rel, &w->file, NULL);
		if (rc == -ENOENT)
			continue; /* not printed by this kernel or at this level */
		if (rc == 0)
			rc = ms_memcg_read(&g->mem, f, w->file.data ? w->file.data : "",
					   w->file.len, &err);
		if (rc < 0)
			group_note_error(g, f->name, rc);
	}
	g->mem.version = w->version;
	g->psi_status = -ENOENT;
	if (w->version != 2)
		return; /* v1 groups have no memory.pressure */
	group_file_path(rel, sizeof rel, w->root, g->path, "memory.pressure");
	int rc = ms_source_read(w->src, rel, &w->file, NULL);
	if (rc == 0)
		rc = ms_parse_psi(w->file.data ? w->file.data : "", w->file.len, &g->psi, &err);
	g->psi_status = rc;
}

static ms_cgroup *add_group(struct walk *w, const char *path, int depth, size_t parent)
{
	ms_cgroups *c = w->c;

	if (c->n == MS_CGROUPS_MAX) {
		c->truncated = true;
		return NULL;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		ms_cgroup *g = realloc(c->g, cap * sizeof *g);
		if (!g) {
			w->rc = -ENOMEM;
			return NULL;
		}
		c->g = g;
		c->cap = cap;
	}
	ms_cgroup *g = &c->g[c->n];
	memset(g, 0, sizeof *g);
	g->path = strdup(path);
	if (!g->path) {
		w->rc = -ENOMEM;
		return NULL;
	}
	c->n++;
	ms_memcg_init(&g->mem);
	g->psi.some.avg10 = g->psi.some.avg60 = g->psi.some.avg300 = MS_NA;
	g->psi.some.total_us = MS_NA;
	g->psi.full = g->psi.some;
	g->version = w->version;
	g->depth = depth;
	g->parent = parent;
	return g;
}

/* The group at path, then its children (its sub-folders), by name. */
static void walk_group(struct walk *w, const char *path, int depth, size_t parent)
{
	char rel[4096];
	ms_dirlist dl = { 0 };

	ms_cgroup *g = add_group(w, path, depth, parent);
	if (!g)
		return;
	size_t self = (size_t)(g - w->c->g);
	read_group_files(w, g);
	if (depth >= MS_CGROUPS_MAX_DEPTH)
		return;
	group_file_path(rel, sizeof rel, w->root, path, NULL);
	if (ms_source_list_dir(w->src, rel, &dl, NULL) < 0)
		return;
	for (size_t i = 0; i < dl.n && w->rc == 0; i++) {
		if (!dl.e[i].is_dir)
			continue;
		char child[4096];
		int n = snprintf(child, sizeof child, "%s/%s", strcmp(path, "/") == 0 ? "" : path,
				 dl.e[i].name);
		if (n > 0 && (size_t)n < sizeof child)
			walk_group(w, child, depth + 1, self);
	}
	ms_dirlist_free(&dl);
}

/* Is the controller in the root's cgroup.controllers ("cpuset cpu io memory")? */
static bool v2_has_memory(ms_source *src, const char *root, ms_buf *b)
{
	char rel[128];
	const char *p, *end, *tok;
	size_t len;

	snprintf(rel, sizeof rel, "%s/cgroup.controllers", root);
	if (ms_source_read(src, rel, b, NULL) < 0 || !b->data)
		return false;
	p = b->data;
	end = b->data + b->len;
	while (ms_next_token(&p, end, &tok, &len))
		if (len == 6 && memcmp(tok, "memory", 6) == 0)
			return true;
	return false;
}

static bool v1_present(ms_source *src, const char *root, ms_buf *b)
{
	char rel[128];

	snprintf(rel, sizeof rel, "%s/memory.usage_in_bytes", root);
	return ms_source_read(src, rel, b, NULL) == 0;
}

static void walk_hierarchy(struct walk *w, const char *root, int version, char *dst,
			   size_t cap)
{
	snprintf(dst, cap, "%s", root);
	w->root = root;
	w->version = version;
	walk_group(w, "/", 0, SIZE_MAX);
}

int ms_cgroups_load(ms_sample *s, ms_source *src, ms_error *err)
{
	struct walk w = { .c = &s->cgroups, .src = src, .file = MS_BUF_INIT };
	bool v2_seen = false;

	memset(&s->cgroups, 0, sizeof s->cgroups);
	for (size_t i = 0; i < MS_ARRAY_LEN(v1_roots) && w.rc == 0; i++)
		if (v1_present(src, v1_roots[i], &w.file)) {
			walk_hierarchy(&w, v1_roots[i], 1, s->cgroups.root_v1,
				       sizeof s->cgroups.root_v1);
			break;
		}
	for (size_t i = 0; i < MS_ARRAY_LEN(v2_roots) && w.rc == 0 && !v2_seen; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "%s/cgroup.controllers", v2_roots[i]);
		if (ms_source_read(src, rel, &w.file, NULL) < 0)
			continue;
		v2_seen = true; /* the first v2 root found is the only one */
		if (v2_has_memory(src, v2_roots[i], &w.file))
			walk_hierarchy(&w, v2_roots[i], 2, s->cgroups.root_v2,
				       sizeof s->cgroups.root_v2);
	}
	ms_buf_free(&w.file);
	if (w.rc < 0) {
		ms_cgroups_free(s);
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	if (s->cgroups.n == 0)
		return ms_error_set(err, ENOENT, 0, "%s",
				    v2_seen ? "no memory controller (cgroup v2 without memory, no v1 memory)"
					    : (ms_source_can(src, MS_CAP_REFRESH) ?
					       "no memory cgroups mounted" : "not in snapshot"));
	return 0;
}

void ms_cgroups_free(ms_sample *s)
{
	ms_cgroups *c = &s->cgroups;

	for (size_t i = 0; i < c->n; i++) {
		free(c->g[i].path);
		ms_memcg_free(&c->g[i].mem);
	}
	free(c->g);
	memset(c, 0, sizeof *c);
}

const ms_cgroup *ms_cgroups_find(const ms_cgroups *c, int version, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->g[i].version == version && strcmp(c->g[i].path, path) == 0)
			return &c->g[i];
	return NULL;
}

bool ms_cgroup_path_within(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--; /* "/a/" is "/a" */
	if (n == 1 && prefix[0] == '/')
		return path[0] == '/';
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int64_t ms_cgroup_stat(const ms_cgroup *g, const char *key)
{
	return ms_kvlist_get(&g->mem.stat, key);
}

/* ---- one set of figures for both versions ----------------------------------- */

const char *const ms_cgroup_fig_keys[MS_CGF_COUNT] = {
	"usage", "peak", "max", "high", "low", "min", "swap", "swap_max",
	"anon", "file", "kernel", "slab", "sock", "shmem",
};

bool ms_cgroup_fig_is_limit(enum ms_cg_fig f)
{
	return f == MS_CGF_MAX || f == MS_CGF_HIGH || f == MS_CGF_LOW || f == MS_CGF_MIN ||
	       f == MS_CGF_SWAP_MAX;
}

/* The first of the two keys memory.stat printed; MS_NA when neither. */
static int64_t stat_of(const ms_cgroup *g, const char *key, const char *fallback)
{
	int64_t v = ms_cgroup_stat(g, key);

	return v == MS_NA && fallback ? ms_cgroup_stat(g, fallback) : v;
}

static int64_t v1_fig(const ms_cgroup *g, enum ms_cg_fig f)
{
	switch (f) {
	case MS_CGF_SWAP: return stat_of(g, "total_swap", "swap");
	case MS_CGF_ANON: return stat_of(g, "total_rss", "rss");
	case MS_CGF_FILE: return stat_of(g, "total_cache", "cache");
	case MS_CGF_KERNEL: return g->mem.kmem_usage;
	case MS_CGF_SHMEM: return stat_of(g, "total_shmem", "shmem");
	default: return MS_NA; /* high, low, min, swap.max, slab, sock */
	}
}

static int64_t v2_fig(const ms_cgroup *g, enum ms_cg_fig f)
{
	switch (f) {
	case MS_CGF_SWAP: return g->mem.swap_current;
	case MS_CGF_SWAP_MAX: return g->mem.swap_max;
	case MS_CGF_ANON: return ms_cgroup_stat(g, "anon");
	case MS_CGF_FILE: return ms_cgroup_stat(g, "file");
	case MS_CGF_KERNEL: return ms_cgroup_stat(g, "kernel");
	case MS_CGF_SLAB: return ms_cgroup_stat(g, "slab");
	case MS_CGF_SOCK: return ms_cgroup_stat(g, "sock");
	case MS_CGF_SHMEM: return ms_cgroup_stat(g, "shmem");
	default: return MS_NA;
	}
}

int64_t ms_cgroup_fig(const ms_cgroup *g, enum ms_cg_fig f)
{
	const ms_memcg *m = &g->mem;

	switch (f) {
	case MS_CGF_USAGE: return m->current;
	case MS_CGF_PEAK: return m->peak;
	case MS_CGF_MAX: return m->max;
	case MS_CGF_HIGH: return m->high;
	case MS_CGF_LOW: return m->low;
	case MS_CGF_MIN: return m->min;
	default: return g->version == 2 ? v2_fig(g, f) : v1_fig(g, f);
	}
}

int64_t ms_cgroup_max_hits(const ms_cgroup *g)
{
	return g->version == 2 ? ms_kvlist_get(&g->mem.events, "max") : g->mem.failcnt;
}

int64_t ms_cgroup_oom_events(const ms_cgroup *g)
{
	return g->version == 2 ? ms_kvlist_get(&g->mem.events, "oom") : MS_NA;
}

int64_t ms_cgroup_oom_kills(const ms_cgroup *g)
{
	return g->version == 2 ? ms_kvlist_get(&g->mem.events, "oom_kill")
			       : ms_kvlist_get(&g->mem.oom_control, "oom_kill");
}

int64_t ms_cgroup_use_pct(const ms_cgroup *g)
{
	int64_t u = g->mem.current, m = g->mem.max;

	if (u == MS_NA || m == MS_NA || m == MS_CG_MAX || m <= 0 || u < 0 ||
	    u > INT64_MAX / 100)
		return MS_NA;
	return u * 100 / m;
}
