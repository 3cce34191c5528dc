/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope diff A B VIEW`: what changed in a view from sample A to sample
 * B, as text, CSV or JSON. Every view is a table for the diff engine
 * (src/model/diff.c): procrank, slabs, zones and vma use their own column
 * declarations; meminfo (key, value) and buddy (zone x migrate type x
 * order) are laid out as tables here. JSON keeps the view's shape with
 * B's values, F_delta beside each numeric F, and "change" on each row.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/diff.h"
#include "render.h"

/* ---- meminfo and buddy as tables ------------------------------------------ */

static const ms_column meminfo_cols[] = {
	{ .key = "key", .title = "KEY", .width = 16, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(ms_kv, key), .str_inline = true, .help = "meminfo key" },
	{ .key = "value", .title = "VALUE", .width = 10, .kind = MS_COL_INT,
	  .offset = offsetof(ms_kv, value), .descending = true,
	  .help = "value as printed: kB, or a count (HugePages_*)" },
};

static const ms_table_def meminfo_table = {
	.name = "meminfo", .cols = meminfo_cols, .ncols = MS_ARRAY_LEN(meminfo_cols),
	.default_sort = "value", .tie_break = "key",
};

/* One count of free blocks: buddyinfo's (migrate_type "") or
 * pagetypeinfo's for one migrate type. */
struct block_count {
	int64_t node;
	char zone[MS_ZONE_NAME];
	char migrate_type[MS_MIGRATE_NAME];
	int64_t order;
	int64_t free;
};

static const ms_column block_cols[] = {
	{ .key = "node", .title = "NODE", .width = 4, .kind = MS_COL_INT,
	  .offset = offsetof(struct block_count, node), .help = "NUMA node" },
	{ .key = "zone", .title = "ZONE", .width = 8, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct block_count, zone), .str_inline = true, .help = "zone" },
	{ .key = "migrate_type", .title = "TYPE", .width = 11, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct block_count, migrate_type), .str_inline = true,
	  .help = "migrate type (pagetypeinfo); empty for buddyinfo's count of all types" },
	{ .key = "order", .title = "ORDER", .width = 5, .kind = MS_COL_INT,
	  .offset = offsetof(struct block_count, order), .help = "order" },
	{ .key = "free", .title = "FREE", .width = 8, .kind = MS_COL_INT,
	  .offset = offsetof(struct block_count, free), .descending = true,
	  .help = "free blocks of that order" },
};

static const ms_table_def block_table = {
	.name = "buddy", .cols = block_cols, .ncols = MS_ARRAY_LEN(block_cols),
	.default_sort = "free", .tie_break = "zone",
};

struct blocks {
	struct block_count *v;
	size_t n;
};

static int blocks_add(struct blocks *b, int node, const char *zone, const char *type,
		      const int64_t *free, int norders)
{
	struct block_count *v = realloc(b->v, (b->n + (size_t)norders + 1) * sizeof *v);

	if (!v)
		return -ENOMEM;
	b->v = v;
	for (int o = 0; o < norders; o++) {
		struct block_count *c = &b->v[b->n++];
		*c = (struct block_count){ .node = node, .order = o, .free = free[o] };
		ms_copy_field(c->zone, sizeof c->zone, zone, strlen(zone));
		ms_copy_field(c->migrate_type, sizeof c->migrate_type, type, strlen(type));
	}
	return 0;
}

static int blocks_of(const ms_sample *s, struct blocks *b)
{
	int rc = 0;

	*b = (struct blocks){ 0 };
	for (size_t i = 0; rc == 0 && i < s->buddy.n; i++) {
		const ms_buddy_zone *z = &s->buddy.zones[i];
		rc = blocks_add(b, z->node, z->zone, "", z->free, z->norders);
	}
	for (size_t i = 0; rc == 0 && ms_sample_has(s, MS_P_PAGETYPE) &&
			   i < s->pagetype.nfree; i++) {
		const ms_pagetype_free *f = &s->pagetype.free[i];
		rc = blocks_add(b, f->node, f->zone, f->type, f->free, f->norders);
	}
	return rc;
}

/* ---- how each view is compared ------------------------------------------------ */

static int64_t start_ticks_of(size_t index, const void *key_ctx)
{
	return key_ctx ? ((const int64_t *)key_ctx)[index] : MS_NA;
}

static const char *const proc_keys[] = { "pid", NULL };
static const char *const slab_keys[] = { "name", NULL };
static const char *const slab_fixed[] = { "objsize", "objperslab", "pagesperslab", NULL };
static const char *const zone_keys[] = { "node", "zone", NULL };
static const char *const vma_keys[] = { "path", "perms", "offset", NULL };
static const char *const vma_fixed[] = { "inode", NULL };
static const char *const meminfo_keys[] = { "key", NULL };
static const char *const block_keys[] = { "node", "zone", "migrate_type", "order", NULL };

static const ms_diff_spec proc_spec = {
	.t = &ms_procrank_table, .stride = sizeof(ms_proc), .key_cols = proc_keys,
	.extra_key = start_ticks_of,
};
static const ms_diff_spec slab_spec = {
	.t = &ms_slab_table, .stride = sizeof(ms_slab), .key_cols = slab_keys,
	.no_delta = slab_fixed,
};
static const ms_diff_spec zone_spec = {
	.t = &ms_zone_table, .stride = sizeof(ms_zone), .key_cols = zone_keys,
};
static const ms_diff_spec vma_spec = {
	.t = &ms_vma_table, .stride = sizeof(ms_vma), .key_cols = vma_keys,
	.no_delta = vma_fixed,
};
static const ms_diff_spec meminfo_spec = {
	.t = &meminfo_table, .stride = sizeof(ms_kv), .key_cols = meminfo_keys,
};
static const ms_diff_spec block_spec = {
	.t = &block_table, .stride = sizeof(struct block_count), .key_cols = block_keys,
};

struct diff_view {
	const char *name;
	const ms_diff_spec *spec;
	enum ms_part_id part;
	const char *rows_key; /* the view's JSON key for its rows */
	const char *rank;     /* the column whose change ranks rows by default */
};

static const struct diff_view diff_views[] = {
	{ "procrank", &proc_spec, MS_P_PROCS, "processes", "pss_kb" },
	{ "slabs", &slab_spec, MS_P_SLABINFO, "caches", "size_kb" },
	{ "buddy", &block_spec, MS_P_BUDDY, "blocks", "free" },
	{ "zones", &zone_spec, MS_P_ZONEINFO, "zones", "free_pages" },
	{ "meminfo", &meminfo_spec, MS_P_MEMINFO, "meminfo", "value" },
	{ "vma", &vma_spec, MS_P_NONE, "vmas", "pss_kb" },
};

static const struct diff_view *diff_view_of(const ms_view_class *v)
{
	for (size_t i = 0; v && i < MS_ARRAY_LEN(diff_views); i++)
		if (strcmp(diff_views[i].name, v->name) == 0)
			return &diff_views[i];
	return NULL;
}

bool ms_diff_view_supported(const ms_view_class *v)
{
	return diff_view_of(v) != NULL;
}

/* ---- the figures of each side ---------------------------------------------- */

/* What a side holds for the view, kept alive while the diff is written. */
struct side {
	ms_diff_side d;
	int64_t *start_ticks; /* procrank */
	struct blocks blocks; /* buddy */
	ms_vmalist vmas;      /* vma */
	ms_proc *procs;       /* procrank: the sample's, with dmabuf_kb read */
};

static void side_free(struct side *s)
{
	free(s->start_ticks);
	free(s->procs);
	free(s->blocks.v);
	ms_vmalist_free(&s->vmas);
}

static int side_procs(struct side *sd, const ms_sample *s, ms_source *src)
{
	sd->start_ticks = calloc(s->nprocs + 1, sizeof *sd->start_ticks);
	if (!sd->start_ticks)
		return -ENOMEM;
	for (size_t i = 0; i < s->nprocs; i++)
		sd->start_ticks[i] = ms_proc_start_ticks(src, s->procs[i].pid);
	/* A copy, for the DMA-BUF column the sample does not hold. */
	sd->procs = malloc((s->nprocs + 1) * sizeof *sd->procs);
	if (!sd->procs)
		return -ENOMEM;
	if (s->nprocs)
		memcpy(sd->procs, s->procs, s->nprocs * sizeof *sd->procs);
	if (ms_procs_read_dmabuf(sd->procs, s->nprocs, src) < 0)
		return -ENOMEM;
	sd->d = (ms_diff_side){ sd->procs, s->nprocs, s, sd->start_ticks };
	return 0;
}

static int side_load(struct side *sd, const struct diff_view *dv, const ms_diff_opts *o,
		     const ms_sample *s, ms_source *src, ms_error *err)
{
	int rc = 0;

	memset(sd, 0, sizeof *sd);
	sd->vmas = (ms_vmalist){ .strings = MS_BUF_INIT };
	if (dv->part != MS_P_NONE && !ms_sample_has(s, dv->part))
		return ms_error_set(err, s->st[dv->part].err.code ? s->st[dv->part].err.code : EIO,
				    0, "%s: %s: %s", s->info.path, ms_part_file(dv->part)
				    ? ms_part_file(dv->part) : dv->name,
				    ms_part_reason(&s->st[dv->part]));
	if (dv->spec == &proc_spec)
		rc = side_procs(sd, s, src);
	else if (dv->spec == &slab_spec)
		sd->d = (ms_diff_side){ s->slabs.caches, s->slabs.n, s, NULL };
	else if (dv->spec == &zone_spec)
		sd->d = (ms_diff_side){ s->zones.zones, s->zones.n, s, NULL };
	else if (dv->spec == &meminfo_spec)
		sd->d = (ms_diff_side){ s->meminfo.items, s->meminfo.n, s, NULL };
	else if (dv->spec == &block_spec) {
		rc = blocks_of(s, &sd->blocks);
		sd->d = (ms_diff_side){ sd->blocks.v, sd->blocks.n, s, NULL };
	} else {
		rc = ms_vmas_load(src, o->batch.pid, &sd->vmas, err);
		if (rc)
			return rc;
		sd->d = (ms_diff_side){ sd->vmas.v, sd->vmas.n, &sd->vmas, NULL };
	}
	return rc == -ENOMEM ? ms_error_set(err, ENOMEM, 0, "%s: out of memory", dv->name) : rc;
}

/* ---- text ------------------------------------------------------------------------ */

static bool shown(const ms_diff_opts *o, const ms_diff_pair *p)
{
	return o->all || p->change != MS_CHANGE_SAME;
}

/* A delta as text: a sign always, kB in human units unless -k. */
static size_t delta_text(const ms_column *c, int64_t d, bool plain, char *cell)
{
	if (d == MS_NA)
		return (size_t)snprintf(cell, MS_CELL_MAX, "-");
	if (c->kind == MS_COL_KB) {
		cell[0] = d > 0 ? '+' : '\0';
		ms_format_kb(cell + (d > 0), MS_CELL_MAX - 1, d, plain);
		return strlen(cell);
	}
	return (size_t)snprintf(cell, MS_CELL_MAX, "%+lld", (long long)d);
}

/* The text columns: the change, then the view's columns in text order,
 * each numeric one as its delta ("dPSS"), the ranking one also as B's
 * value. A text column is a view column (col) shown as value or delta. */
struct text_col {
	int col;    /* -1: the change */
	bool delta;
	size_t width;
};

static size_t text_cols(const ms_diff *d, int rank, struct text_col *tc)
{
	const ms_table_def *t = d->spec->t;
	size_t order[MAX_COLS], n = 0;

	ms_table_text_order(t, order);
	tc[n++] = (struct text_col){ .col = -1, .width = 7 };
	for (size_t i = 0; i < t->ncols; i++) {
		int c = (int)order[i];
		bool delta = ms_diff_has_delta(d->spec, (size_t)c);
		if (!delta || c == rank)
			tc[n++] = (struct text_col){ .col = c, .width = (size_t)t->cols[c].width };
		if (delta)
			tc[n++] = (struct text_col){ .col = c, .delta = true,
						     .width = strlen(t->cols[c].title) + 1 };
	}
	return n;
}

static struct shown text_cell(struct render *r, const ms_diff *d, const ms_diff_pair *p,
			      const struct text_col *tc, char *cell)
{
	const void *ctx, *row = ms_diff_shown(d, p, &ctx);

	if (tc->col < 0) {
		const char *name = ms_change_name(p->change);
		name = name ? name : "same";
		return (struct shown){ name, strlen(name), strlen(name) };
	}
	const ms_column *c = &d->spec->t->cols[tc->col];
	size_t len;
	if (tc->delta)
		len = delta_text(c, ms_diff_delta(d, p, (size_t)tc->col), r->o->plain_kb, cell);
	else if (c->kind == MS_COL_STR)
		return ms_out_display_text(r, ms_cell_str(c, row, ctx));
	else
		len = ms_cell_format(c, row, ctx, r->o->plain_kb, cell);
	return (struct shown){ cell, len, len };
}

static void text_title(struct render *r, const ms_diff *d, const struct text_col *tc, bool last)
{
	const ms_column *c = tc->col < 0 ? NULL : &d->spec->t->cols[tc->col];
	char title[64];
	bool left = !c || (c->left && !tc->delta);

	snprintf(title, sizeof title, "%s%s", tc->delta ? "d" : "", c ? c->title : "CHANGE");
	ms_out_display(r, title, last && left ? 0 : tc->width, left);
}

static void write_text(struct render *r, const ms_diff_opts *o, const ms_diff *d, int rank,
		       size_t limit)
{
	struct text_col tc[2 * MAX_COLS + 1];
	size_t n = text_cols(d, rank, tc);
	char cell[MS_CELL_MAX];

	for (size_t i = 0, k = 0; i < d->n && k < limit; i++) {
		if (!shown(o, &d->pairs[i]))
			continue;
		k++;
		for (size_t c = 0; c < n; c++) {
			struct shown s = text_cell(r, d, &d->pairs[i], &tc[c], cell);
			if (s.width > tc[c].width)
				tc[c].width = s.width;
		}
	}
	for (size_t c = 0; c < n; c++) {
		ms_out_put(r, c ? " " : "");
		text_title(r, d, &tc[c], c + 1 == n);
	}
	ms_out_put(r, "\n");
	for (size_t i = 0, k = 0; i < d->n && k < limit; i++) {
		if (!shown(o, &d->pairs[i]))
			continue;
		k++;
		for (size_t c = 0; c < n; c++) {
			const ms_column *col = tc[c].col < 0 ? NULL : &d->spec->t->cols[tc[c].col];
			bool left = !col || (col->left && !tc[c].delta);
			struct shown s = text_cell(r, d, &d->pairs[i], &tc[c], cell);
			ms_out_put(r, c ? " " : "");
			size_t pad = tc[c].width > s.width ? tc[c].width - s.width : 0;
			if (!left)
				ms_out_spaces(r, pad);
			ms_out_bytes(r, s.text, s.len);
			if (left && c + 1 < n)
				ms_out_spaces(r, pad);
		}
		ms_out_put(r, "\n");
		ms_out_flush(r, false);
	}
}

/* ---- CSV ---------------------------------------------------------------------------- */

static void write_csv(struct render *r, const ms_diff_opts *o, const ms_diff *d, size_t limit)
{
	const ms_table_def *t = d->spec->t;
	char cell[MS_CELL_MAX];

	ms_out_put(r, "change");
	for (size_t c = 0; c < t->ncols; c++) {
		ms_out_putf(r, ",%s", t->cols[c].key);
		if (ms_diff_has_delta(d->spec, c))
			ms_out_putf(r, ",%s_delta", t->cols[c].key);
	}
	ms_out_put(r, "\r\n");
	for (size_t i = 0, k = 0; i < d->n && k < limit; i++) {
		const ms_diff_pair *p = &d->pairs[i];
		const void *ctx, *row = ms_diff_shown(d, p, &ctx);
		if (!shown(o, p))
			continue;
		k++;
		const char *change = ms_change_name(p->change);
		ms_out_put(r, change ? change : "");
		for (size_t c = 0; c < t->ncols; c++) {
			const ms_column *col = &t->cols[c];
			ms_out_put(r, ",");
			if (col->kind == MS_COL_STR)
				ms_out_csv_field(r, ms_cell_str(col, row, ctx));
			else if (col->kind == MS_COL_HEX)
				ms_out_bytes(r, cell, ms_cell_format(col, row, ctx, false, cell));
			else
				ms_out_i64_csv(r, ms_cell_i64(col, row, ctx));
			if (ms_diff_has_delta(d->spec, c)) {
				ms_out_put(r, ",");
				ms_out_i64_csv(r, ms_diff_delta(d, p, c));
			}
		}
		ms_out_put(r, "\r\n");
		ms_out_flush(r, false);
	}
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void json_side(struct render *r, const char *key, const char *name, const ms_sample *s)
{
	ms_json_key(&r->j, key);
	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "name", name);
	ms_json_kv_str(&r->j, "kind", ms_source_kind_name(&s->info));
	ms_json_kv_str(&r->j, "path", s->info.path);
	ms_json_kv_str(&r->j, "captured_at", s->info.captured_at[0] ? s->info.captured_at : NULL);
	ms_json_obj_end(&r->j);
}

static void json_counts(struct render *r, const ms_diff *d)
{
	size_t count[4] = { 0 };

	for (size_t i = 0; i < d->n; i++)
		count[d->pairs[i].change]++;
	ms_json_key(&r->j, "changes");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "added", (int64_t)count[MS_CHANGE_ADDED]);
	ms_json_kv_i64(&r->j, "removed", (int64_t)count[MS_CHANGE_REMOVED]);
	ms_json_kv_i64(&r->j, "changed", (int64_t)count[MS_CHANGE_CHANGED]);
	ms_json_kv_i64(&r->j, "unchanged", (int64_t)count[MS_CHANGE_SAME]);
	ms_json_obj_end(&r->j);
}

static void json_row(struct render *r, const ms_diff *d, const ms_diff_pair *p)
{
	const ms_table_def *t = d->spec->t;
	const void *ctx, *row = ms_diff_shown(d, p, &ctx);
	char key[80];

	ms_json_obj_begin(&r->j);
	for (size_t c = 0; c < t->ncols; c++) {
		ms_tbl_json_cell(r, &t->cols[c], row, ctx);
		if (!ms_diff_has_delta(d->spec, c))
			continue;
		snprintf(key, sizeof key, "%s_delta", t->cols[c].key);
		ms_json_kv_i64(&r->j, key, ms_diff_delta(d, p, c));
	}
	ms_json_kv_str(&r->j, "change", ms_change_name(p->change));
	ms_json_obj_end(&r->j);
}

/* meminfo keeps its shape, one object of keys: each key shown has its
 * value (B's; A's when removed) and KEY_delta, and meminfo_change says
 * how each changed. */
static void json_meminfo(struct render *r, const ms_diff_opts *o, const ms_diff *d,
			 size_t limit)
{
	char key[80];

	for (int pass = 0; pass < 2; pass++) {
		ms_json_key(&r->j, pass ? "meminfo_change" : "meminfo");
		ms_json_obj_begin(&r->j);
		for (size_t i = 0, k = 0; i < d->n && k < limit; i++) {
			const ms_diff_pair *p = &d->pairs[i];
			const void *ctx;
			const ms_kv *kv = ms_diff_shown(d, p, &ctx);
			if (!shown(o, p))
				continue;
			k++;
			if (pass) {
				ms_json_kv_str(&r->j, kv->key, ms_change_name(p->change));
				continue;
			}
			ms_json_kv_i64(&r->j, kv->key, kv->value);
			snprintf(key, sizeof key, "%s_delta", kv->key);
			ms_json_kv_i64(&r->j, key, ms_diff_delta(d, p, 1));
		}
		ms_json_obj_end(&r->j);
	}
}

/* ---- buddy's JSON: the view's zones, with arrays of deltas ----------------------- */

static const ms_buddy_zone *buddy_zone(const ms_sample *s, int node, const char *zone)
{
	for (size_t i = 0; i < s->buddy.n; i++)
		if (s->buddy.zones[i].node == node && strcmp(s->buddy.zones[i].zone, zone) == 0)
			return &s->buddy.zones[i];
	return NULL;
}

static const ms_pagetype_free *type_row(const ms_sample *s, int node, const char *zone,
					const char *type)
{
	for (size_t i = 0; ms_sample_has(s, MS_P_PAGETYPE) && i < s->pagetype.nfree; i++) {
		const ms_pagetype_free *f = &s->pagetype.free[i];
		if (f->node == node && strcmp(f->zone, zone) == 0 && strcmp(f->type, type) == 0)
			return f;
	}
	return NULL;
}

/* A zone of A or B (or both), and what the diff says of it. */
struct zone_pair {
	const ms_buddy_zone *a, *b;
	ms_change change;
	int64_t kb_delta;
};

static int64_t count_at(const int64_t *free, int norders, int o)
{
	return o < norders ? free[o] : 0;
}

/* Every migrate type of either side, named once. */
static size_t zone_types(const ms_sample *a, const ms_sample *b, const char **types)
{
	size_t n = 0;
	const ms_sample *sides[2] = { b, a };

	for (int s = 0; s < 2; s++) {
		for (int t = 0; ms_sample_has(sides[s], MS_P_PAGETYPE) &&
				t < sides[s]->pagetype.ntypes && n < MS_MAX_MIGRATE * 2; t++) {
			const char *name = sides[s]->pagetype.types[t];
			bool seen = false;
			for (size_t k = 0; k < n && !seen; k++)
				seen = strcmp(types[k], name) == 0;
			if (!seen)
				types[n++] = name;
		}
	}
	return n;
}

static bool arrays_differ(const int64_t *fa, int na, const int64_t *fb, int nb)
{
	for (int o = 0; o < (na > nb ? na : nb); o++)
		if (count_at(fa, na, o) != count_at(fb, nb, o))
			return true;
	return false;
}

static ms_change zone_change(const struct zone_pair *z, const ms_sample *a, const ms_sample *b,
			     const char **types, size_t ntypes)
{
	if (!z->a || !z->b)
		return z->a ? MS_CHANGE_REMOVED : MS_CHANGE_ADDED;
	if (arrays_differ(z->a->free, z->a->norders, z->b->free, z->b->norders))
		return MS_CHANGE_CHANGED;
	for (size_t t = 0; t < ntypes; t++) {
		const ms_pagetype_free *fa = type_row(a, z->a->node, z->a->zone, types[t]);
		const ms_pagetype_free *fb = type_row(b, z->b->node, z->b->zone, types[t]);
		if (!fa != !fb || (fa && arrays_differ(fa->free, fa->norders, fb->free, fb->norders)))
			return MS_CHANGE_CHANGED;
	}
	return MS_CHANGE_SAME;
}

static void json_counts_array(struct render *r, const int64_t *fa, int na, const int64_t *fb,
			      int nb, bool delta)
{
	int n = na > nb ? na : nb;

	ms_json_arr_begin(&r->j);
	for (int o = 0; o < n; o++)
		ms_json_i64(&r->j, delta ? ms_delta(count_at(fb, nb, o), count_at(fa, na, o))
				       : count_at(fb, nb, o));
	ms_json_arr_end(&r->j);
}

/* "migrate" (B's counts; A's for a zone removed) and "migrate_delta". */
static void json_zone_migrate(struct render *r, const struct zone_pair *z, const ms_sample *a,
			      const ms_sample *b, const char **types, size_t ntypes)
{
	const ms_buddy_zone *shown = z->b ? z->b : z->a;

	for (int delta = 0; delta < 2; delta++) {
		ms_json_key(&r->j, delta ? "migrate_delta" : "migrate");
		if (!ntypes) {
			ms_json_null(&r->j);
			continue;
		}
		ms_json_obj_begin(&r->j);
		for (size_t t = 0; t < ntypes; t++) {
			const ms_pagetype_free *fa = z->a && z->b
				? type_row(a, shown->node, shown->zone, types[t]) : NULL;
			const ms_pagetype_free *fb = type_row(z->b ? b : a, shown->node, shown->zone,
							      types[t]);
			if (!fa && !fb)
				continue;
			static const int64_t none[1] = { 0 };
			ms_json_key(&r->j, types[t]);
			if (delta && !z->b) /* removed: minus what A had */
				json_counts_array(r, fb->free, fb->norders, none, 0, true);
			else
				json_counts_array(r, fa ? fa->free : none, fa ? fa->norders : 0,
						  fb ? fb->free : none, fb ? fb->norders : 0, delta);
		}
		ms_json_obj_end(&r->j);
	}
}

static void json_buddy_zone(struct render *r, const struct zone_pair *z, const ms_sample *a,
			    const char **types, size_t ntypes)
{
	const ms_buddy_zone *shown = z->b ? z->b : z->a;
	static const int64_t none[1] = { 0 };
	const int64_t *fa = z->a && z->b ? z->a->free : none, *fb = z->b ? z->b->free : none;
	int na = z->a && z->b ? z->a->norders : 0, nb = z->b ? z->b->norders : 0;
	long page = r->s->info.page_size;

	if (!z->b) { /* removed: A's figures, deltas from A down to nothing */
		fa = z->a->free, na = z->a->norders, fb = none, nb = 0;
		page = a->info.page_size;
	}
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "node", shown->node);
	ms_json_kv_str(&r->j, "zone", shown->zone);
	ms_json_key(&r->j, "free");
	json_counts_array(r, shown->free, shown->norders, shown->free, shown->norders, false);
	ms_json_key(&r->j, "free_delta");
	json_counts_array(r, fa, na, fb, nb, true);
	ms_json_kv_i64(&r->j, "free_kb", ms_buddy_free_kb(shown, page));
	ms_json_kv_i64(&r->j, "free_kb_delta", z->kb_delta);
	int64_t pa = z->a ? ms_buddy_free_pages(z->a) : 0, pb = z->b ? ms_buddy_free_pages(z->b) : 0;
	ms_json_kv_i64(&r->j, "free_pages", ms_buddy_free_pages(shown));
	ms_json_kv_i64(&r->j, "free_pages_delta", ms_delta(pb, pa));
	int largest = ms_buddy_largest_order(shown);
	ms_json_kv_i64(&r->j, "largest_order", largest < 0 ? MS_NA : largest);
	json_zone_migrate(r, z, a, r->s, types, ntypes);
	ms_json_kv_str(&r->j, "change", ms_change_name(z->change));
	ms_json_obj_end(&r->j);
}

static int zone_pair_cmp(const void *pa, const void *pb)
{
	const struct zone_pair *a = pa, *b = pb;
	uint64_t ma = a->kb_delta == MS_NA ? 0 : (uint64_t)llabs(a->kb_delta);
	uint64_t mb = b->kb_delta == MS_NA ? 0 : (uint64_t)llabs(b->kb_delta);

	return ma > mb ? -1 : ma < mb;
}

/* The buddy view's zones: B's in the kernel's order, then A's gone from
 * B; ranked by the change of their free kB. */
static void json_buddy(struct render *r, const ms_diff_opts *o, const ms_sample *a,
		       size_t limit)
{
	const ms_sample *b = r->s;
	struct zone_pair z[2 * 64];
	const char *types[2 * MS_MAX_MIGRATE];
	size_t n = 0, ntypes = zone_types(a, b, types);

	for (size_t i = 0; i < b->buddy.n && n < MS_ARRAY_LEN(z); i++)
		z[n++] = (struct zone_pair){ buddy_zone(a, b->buddy.zones[i].node,
							b->buddy.zones[i].zone),
					     &b->buddy.zones[i], MS_CHANGE_SAME, 0 };
	for (size_t i = 0; i < a->buddy.n && n < MS_ARRAY_LEN(z); i++)
		if (!buddy_zone(b, a->buddy.zones[i].node, a->buddy.zones[i].zone))
			z[n++] = (struct zone_pair){ &a->buddy.zones[i], NULL, MS_CHANGE_SAME, 0 };
	for (size_t i = 0; i < n; i++) {
		z[i].change = zone_change(&z[i], a, b, types, ntypes);
		z[i].kb_delta = ms_delta(z[i].b ? ms_buddy_free_kb(z[i].b, b->info.page_size) : 0,
					 z[i].a ? ms_buddy_free_kb(z[i].a, a->info.page_size) : 0);
	}
	/* Stable for equal changes: an insertion sort over a few zones. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && zone_pair_cmp(&z[k - 1], &z[k]) > 0; k--) {
			struct zone_pair t = z[k];
			z[k] = z[k - 1];
			z[k - 1] = t;
		}
	ms_json_key(&r->j, "zones");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0, k = 0; i < n && k < limit; i++) {
		if (!o->all && z[i].change == MS_CHANGE_SAME)
			continue;
		k++;
		json_buddy_zone(r, &z[i], a, types, ntypes);
	}
	ms_json_arr_end(&r->j);
}

static void write_json(struct render *r, const ms_diff_opts *o, const struct diff_view *dv,
		       const ms_diff *d, const ms_sample *a, int rank, size_t limit)
{
	ms_out_json_begin(r, dv->name);
	ms_json_key(&r->j, "diff");
	ms_json_obj_begin(&r->j);
	json_side(r, "a", o->name_a, a);
	json_side(r, "b", o->name_b, r->s);
	ms_json_kv_str(&r->j, "ranked_by", d->spec->t->cols[rank].key);
	ms_json_obj_end(&r->j);
	if (dv->spec == &vma_spec)
		ms_json_kv_i64(&r->j, "pid", o->batch.pid);
	json_counts(r, d);
	if (dv->spec == &meminfo_spec) {
		json_meminfo(r, o, d, limit);
	} else if (dv->spec == &block_spec) {
		json_buddy(r, o, a, limit);
	} else {
		ms_json_key(&r->j, dv->rows_key);
		ms_json_arr_begin(&r->j);
		for (size_t i = 0, k = 0; i < d->n && k < limit; i++) {
			if (!shown(o, &d->pairs[i]))
				continue;
			k++;
			json_row(r, d, &d->pairs[i]);
			ms_out_flush(r, false);
		}
		ms_json_arr_end(&r->j);
	}
	ms_out_json_end(r);
}

/* ---- the entry point ---------------------------------------------------------------------- */

static int rank_col(const ms_diff_opts *o, const struct diff_view *dv, ms_error *err)
{
	const char *key = o->batch.sort ? o->batch.sort : dv->rank;
	int col = ms_table_find_col(dv->spec->t, key);

	if (col < 0 || !ms_diff_has_delta(dv->spec, (size_t)col))
		return ms_error_set(err, EINVAL, 0, "diff %s: --sort %s: not a figure that changes",
				    dv->name, key);
	return col;
}

static int write_diff(struct render *r, const ms_diff_opts *o, const struct diff_view *dv,
		      const ms_sample *a, ms_source *src_a, ms_source *src_b, ms_error *err)
{
	struct side sa, sb;
	ms_diff d = { 0 };
	int col = rank_col(o, dv, err);
	if (col < 0)
		return col;
	int rc = side_load(&sa, dv, o, a, src_a, err);
	if (rc == 0) {
		rc = side_load(&sb, dv, o, r->s, src_b, err);
		if (rc)
			side_free(&sb);
	}
	if (rc == 0)
		rc = ms_diff_rows(dv->spec, &sa.d, &sb.d, &d, err);
	if (rc == 0) {
		size_t limit = o->batch.limit > 0 ? (size_t)o->batch.limit : SIZE_MAX;
		ms_diff_sort(&d, (size_t)col, o->batch.reverse);
		if (o->batch.format == MS_FORMAT_JSON)
			write_json(r, o, dv, &d, a, col, limit);
		else if (o->batch.format == MS_FORMAT_CSV)
			write_csv(r, o, &d, limit);
		else
			write_text(r, o, &d, col, limit);
		ms_diff_free(&d);
		side_free(&sb);
	}
	side_free(&sa);
	return rc;
}

int ms_diff_write(const ms_diff_opts *o, const ms_sample *a, const ms_sample *b,
		  ms_source *src_a, ms_source *src_b, FILE *to, ms_error *err)
{
	ms_buf out = MS_BUF_INIT;
	struct render r = { .o = &o->batch, .s = b, .out = &out, .sink = to, .flushing = true };
	const struct diff_view *dv = diff_view_of(o->batch.view);
	int rc;

	ms_error_clear(err);
	if (!dv)
		return ms_error_set(err, EINVAL, 0, "diff: %s: not a view diff knows",
				    o->batch.view ? o->batch.view->name : "?");
	rc = write_diff(&r, o, dv, a, src_a, src_b, err);
	ms_buf_free(&r.scratch);
	if (rc == 0) {
		ms_out_flush(&r, true);
		if (r.sink_errno)
			rc = ms_error_set(err, r.sink_errno, 0, "stdout: %s", strerror(r.sink_errno));
		else if (r.status)
			rc = ms_error_set(err, -r.status, 0, "diff: out of memory");
		else if (fflush(to) != 0)
			rc = ms_error_set(err, errno ? errno : EIO, 0, "stdout: %s",
					  strerror(errno ? errno : EIO));
	}
	ms_buf_free(&out);
	return rc;
}
