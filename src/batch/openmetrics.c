/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OpenMetrics text exposition of samples (memscope/openmetrics.h).
 * Every series goes into its family's buffer as it is made; the document
 * is written once all samples are in, so that a family appears once with
 * its HELP, TYPE and UNIT even when a recording gives it many samples.
 * Figures a file did not give are left out, never written as 0; which
 * parts could be read is itself a family (memscope_part_readable).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/openmetrics.h"

/* One line of a family: where it is in the family's text, the length of
 * its series (name and labels, the sort key of a recording) and the order
 * it came in. */
struct om_rec {
	size_t off, len, key_len, seq;
};

struct om_family {
	char name[96];
	const char *type; /* "gauge", "counter" */
	const char *unit; /* "bytes", "seconds", or NULL */
	char help[160];
	ms_buf text;
	struct om_rec *recs;
	size_t n, cap;
};

struct ms_om_doc {
	ms_om_opts opts;
	struct om_family **fams; /* each its own block: pointers to them stay valid */
	size_t n, cap;
	size_t nsamples;
	size_t seq;
};

ms_om_doc *ms_om_new(const ms_om_opts *o)
{
	ms_om_doc *d = calloc(1, sizeof *d);

	if (d) {
		d->opts = *o;
		if (d->opts.top <= 0)
			d->opts.top = MS_OM_DEFAULT_TOP;
	}
	return d;
}

void ms_om_free(ms_om_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		ms_buf_free(&d->fams[i]->text);
		free(d->fams[i]->recs);
		free(d->fams[i]);
	}
	free(d->fams);
	free(d);
}

/* ---- families and lines -------------------------------------------------- */

static struct om_family *family(ms_om_doc *d, const char *name, const char *type,
				const char *unit, const char *help)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->fams[i]->name, name) == 0)
			return d->fams[i];
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct om_family **more = realloc(d->fams, cap * sizeof *more);
		if (!more)
			return NULL;
		d->fams = more;
		d->cap = cap;
	}
	struct om_family *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	d->fams[d->n++] = f;
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->help, sizeof f->help, "%s", help);
	f->type = type;
	f->unit = unit;
	return f;
}

/* What one sample's lines share: its host label and its time. */
struct om_ctx {
	ms_om_doc *d;
	const ms_sample *s;
	ms_buf host;  /* host="..." or empty */
	char ts[48];  /* " 1700000000.123" or "" */
	int rc;
};

/* Appends name="value" (value escaped) to a label list. */
static void label(ms_buf *l, const char *name, const char *value)
{
	if (l->len)
		ms_buf_putc(l, ',');
	ms_buf_printf(l, "%s=\"", name);
	ms_escape_label(l, value, strlen(value));
	ms_buf_putc(l, '"');
}

/* One line: the family's name (counters with _total), the labels, the
 * value as text. */
static void line(struct om_ctx *c, struct om_family *f, const ms_buf *labels,
		 const char *value)
{
	if (!f) {
		c->rc = -ENOMEM;
		return;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct om_rec *r = realloc(f->recs, cap * sizeof *r);
		if (!r) {
			c->rc = -ENOMEM;
			return;
		}
		f->recs = r;
		f->cap = cap;
	}
	size_t off = f->text.len;
	ms_buf_puts(&f->text, f->name);
	if (strcmp(f->type, "counter") == 0)
		ms_buf_puts(&f->text, "_total");
	bool any = c->host.len || (labels && labels->len);
	if (any) {
		ms_buf_putc(&f->text, '{');
		if (c->host.len)
			ms_buf_append(&f->text, c->host.data, c->host.len);
		if (c->host.len && labels && labels->len)
			ms_buf_putc(&f->text, ',');
		if (labels && labels->len)
			ms_buf_append(&f->text, labels->data, labels->len);
		ms_buf_putc(&f->text, '}');
	}
	size_t key_len = f->text.len - off;
	if (ms_buf_printf(&f->text, " %s%s\n", value, c->ts) != 0 || !f->text.data) {
		c->rc = -ENOMEM;
		return;
	}
	f->recs[f->n++] = (struct om_rec){ off, f->text.len - off, key_len, c->d->seq++ };
}

static void line_i64(struct om_ctx *c, struct om_family *f, const ms_buf *labels, int64_t v)
{
	char num[24];

	if (v == MS_NA)
		return;
	num[ms_fmt_i64(num, v)] = '\0';
	line(c, f, labels, num);
}

/* kB (or pages times page size) to bytes; MS_NA when unknown or too big. */
static int64_t times(int64_t v, int64_t unit)
{
	int64_t out;

	if (v == MS_NA || unit <= 0 || __builtin_mul_overflow(v, unit, &out))
		return MS_NA;
	return out;
}

/* ---- meminfo: node_exporter's names -------------------------------------- */

/* node_exporter's meminfo collector: "Active(anon)" becomes Active_anon,
 * a kB figure is multiplied by 1024 and named _bytes, the others keep
 * their name (HugePages_Total). Bytes outside [A-Za-z0-9_] (a vendor's
 * key in a hostile snapshot) become '_'. */
static void meminfo_name(const ms_kv *kv, char *dst, size_t cap)
{
	char key[64];
	size_t n = 0;

	for (const char *p = kv->key; *p && n + 1 < sizeof key; p++) {
		char ch = *p;
		if (ch == ')')
			continue;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_';
		key[n++] = ok ? ch : '_';
	}
	key[n] = '\0';
	snprintf(dst, cap, "node_memory_%s%s", key, kv->kb ? "_bytes" : "");
}

static void add_meminfo(struct om_ctx *c)
{
	const ms_kvlist *m = &c->s->meminfo;

	for (size_t i = 0; i < m->n; i++) {
		char name[96], help[128];
		meminfo_name(&m->items[i], name, sizeof name);
		snprintf(help, sizeof help, "Memory information field %s.",
			 name + strlen("node_memory_"));
		struct om_family *f = family(c->d, name, "gauge",
					     m->items[i].kb ? "bytes" : NULL, help);
		line_i64(c, f, NULL,
			 m->items[i].kb ? times(m->items[i].value, 1024) : m->items[i].value);
	}
}

/* ---- the buddy allocator and the zones ----------------------------------- */

static void node_zone(ms_buf *l, int node, const char *zone)
{
	char num[16];

	snprintf(num, sizeof num, "%d", node);
	label(l, "node", num);
	label(l, "zone", zone);
}

static void add_buddy(struct om_ctx *c)
{
	const ms_buddyinfo *b = &c->s->buddy;
	long page = c->s->info.page_size;
	struct om_family *blocks = family(c->d, "memscope_buddy_free_blocks", "gauge", NULL,
					  "Free blocks of 2^order pages (/proc/buddyinfo).");
	struct om_family *bytes = family(c->d, "memscope_buddy_free_bytes", "gauge", "bytes",
					 "Free memory in the buddy allocator per zone (/proc/buddyinfo).");
	struct om_family *largest = family(c->d, "memscope_buddy_largest_free_order", "gauge",
					   NULL, "Largest order with a free block; -1 for none.");
	ms_buf l = MS_BUF_INIT;

	for (size_t i = 0; i < b->n; i++) {
		const ms_buddy_zone *z = &b->zones[i];
		for (int order = 0; order < z->norders && order < MS_MAX_ORDERS; order++) {
			char o[8];
			ms_buf_reset(&l);
			node_zone(&l, z->node, z->zone);
			snprintf(o, sizeof o, "%d", order);
			label(&l, "order", o);
			line_i64(c, blocks, &l, z->free[order]);
		}
		ms_buf_reset(&l);
		node_zone(&l, z->node, z->zone);
		line_i64(c, bytes, &l, times(ms_buddy_free_kb(z, page), 1024));
		line_i64(c, largest, &l, ms_buddy_largest_order(z));
	}
	ms_buf_free(&l);
}

/* Per migrate type. A count the kernel capped (">100000") is a lower
 * bound: it is left out rather than written as if exact. */
static void add_pagetype(struct om_ctx *c)
{
	const ms_pagetypeinfo *p = &c->s->pagetype;
	struct om_family *f = family(c->d, "memscope_buddy_free_blocks_by_type", "gauge", NULL,
				     "Free blocks of 2^order pages per migrate type (/proc/pagetypeinfo).");
	ms_buf l = MS_BUF_INIT;

	for (size_t i = 0; i < p->nfree; i++) {
		const ms_pagetype_free *t = &p->free[i];
		for (int order = 0; order < t->norders && order < MS_MAX_ORDERS; order++) {
			if (t->at_least[order])
				continue;
			char o[8];
			ms_buf_reset(&l);
			node_zone(&l, t->node, t->zone);
			label(&l, "type", t->type);
			snprintf(o, sizeof o, "%d", order);
			label(&l, "order", o);
			line_i64(c, f, &l, t->free[order]);
		}
	}
	ms_buf_free(&l);
}

static void add_zones(struct om_ctx *c)
{
	const ms_zoneinfo *zi = &c->s->zones;
	long page = c->s->info.page_size;
	struct om_family *wm = family(c->d, "memscope_zone_watermark_bytes", "gauge", "bytes",
				      "Zone watermarks min, low and high (/proc/zoneinfo).");
	struct om_family *fr = family(c->d, "memscope_zone_free_bytes", "gauge", "bytes",
				      "Free pages of the zone (/proc/zoneinfo).");
	struct om_family *mg = family(c->d, "memscope_zone_managed_bytes", "gauge", "bytes",
				      "Pages the buddy allocator manages in the zone (/proc/zoneinfo).");
	ms_buf l = MS_BUF_INIT;

	for (size_t i = 0; i < zi->n; i++) {
		const ms_zone *z = &zi->zones[i];
		const struct { const char *level; int64_t pages; } marks[] = {
			{ "min", z->min }, { "low", z->low }, { "high", z->high },
		};
		for (size_t k = 0; k < MS_ARRAY_LEN(marks); k++) {
			ms_buf_reset(&l);
			node_zone(&l, z->node, z->zone);
			label(&l, "level", marks[k].level);
			line_i64(c, wm, &l, times(marks[k].pages, page));
		}
		ms_buf_reset(&l);
		node_zone(&l, z->node, z->zone);
		line_i64(c, fr, &l, times(z->free_pages, page));
		line_i64(c, mg, &l, times(z->managed, page));
	}
	ms_buf_free(&l);
}

/* ---- slab caches and processes: the top N and "other" -------------------- */

/* Bytes are exact: pages of the slabs times the page size, objects in use
 * times their size. */
static int64_t slab_bytes(const ms_slab *s, long page)
{
	return times(times(s->num_slabs, s->pagesperslab), page);
}

static int64_t slab_active_bytes(const ms_slab *s)
{
	return times(s->active_objs, s->objsize);
}

/* Unknown sizes last; ties by position, so that the order is stable. */
struct ranked {
	int64_t key;
	size_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static struct ranked *rank(size_t n, int64_t (*key)(const void *, size_t), const void *arg)
{
	struct ranked *r = malloc((n ? n : 1) * sizeof *r);

	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){ key(arg, i), i };
	qsort(r, n, sizeof *r, cmp_ranked);
	return r;
}

struct slab_arg {
	const ms_slabinfo *si;
	long page;
};

static int64_t slab_key(const void *arg, size_t i)
{
	const struct slab_arg *a = arg;
	return slab_bytes(&a->si->caches[i], a->page);
}

static void add_slabs(struct om_ctx *c)
{
	struct slab_arg a = { &c->s->slabs, c->s->info.page_size };
	struct om_family *size = family(c->d, "memscope_slab_size_bytes", "gauge", "bytes",
					"Memory held by a slab cache's slabs (/proc/slabinfo); top caches and other.");
	struct om_family *active = family(c->d, "memscope_slab_active_bytes", "gauge", "bytes",
					  "Bytes of a slab cache's objects in use (/proc/slabinfo); top caches and other.");
	struct ranked *r = rank(a.si->n, slab_key, &a);
	ms_buf l = MS_BUF_INIT;
	int64_t other_size = 0, other_active = 0;
	bool any_other = false;

	if (!r) {
		c->rc = -ENOMEM;
		return;
	}
	for (size_t k = 0; k < a.si->n; k++) {
		const ms_slab *s = &a.si->caches[r[k].i];
		if ((long)k < c->d->opts.top) {
			ms_buf_reset(&l);
			label(&l, "cache", s->name);
			line_i64(c, size, &l, slab_bytes(s, a.page));
			line_i64(c, active, &l, slab_active_bytes(s));
			continue;
		}
		any_other = true;
		other_size = ms_add_na(other_size, slab_bytes(s, a.page));
		other_active = ms_add_na(other_active, slab_active_bytes(s));
	}
	if (any_other) {
		ms_buf_reset(&l);
		label(&l, "cache", "other");
		line_i64(c, size, &l, other_size);
		line_i64(c, active, &l, other_active);
	}
	ms_buf_free(&l);
	free(r);
}

/* The figures of a process, in kB in ms_proc. */
static const struct proc_metric {
	const char *name, *help;
	size_t off;
} proc_metrics[] = {
	{ "memscope_process_pss_bytes", "Proportional set size of a process (smaps_rollup); top processes and other.",
	  offsetof(ms_proc, pss_kb) },
	{ "memscope_process_uss_bytes", "Unique set size of a process: its private pages; top processes and other.",
	  offsetof(ms_proc, uss_kb) },
	{ "memscope_process_rss_bytes", "Resident set size of a process; top processes and other.",
	  offsetof(ms_proc, rss_kb) },
	{ "memscope_process_swap_bytes", "Swapped-out memory of a process; top processes and other.",
	  offsetof(ms_proc, swap_kb) },
};

static int64_t proc_kb(const ms_proc *p, size_t off)
{
	return *(const int64_t *)((const char *)p + off);
}

/* Ranked by PSS, by RSS where PSS is unknown to this user. */
static int64_t proc_key(const void *arg, size_t i)
{
	const ms_proc *p = &((const ms_proc *)arg)[i];
	return p->pss_kb != MS_NA ? p->pss_kb : p->rss_kb;
}

static void proc_labels(ms_buf *l, const ms_proc *p)
{
	char pid[16];

	snprintf(pid, sizeof pid, "%d", p->pid);
	label(l, "pid", pid);
	label(l, "comm", p->name);
	label(l, "user", p->user);
}

static void add_procs(struct om_ctx *c)
{
	const ms_sample *s = c->s;
	struct om_family *fams[MS_ARRAY_LEN(proc_metrics)];
	int64_t other[MS_ARRAY_LEN(proc_metrics)];
	struct ranked *r = rank(s->nprocs, proc_key, s->procs);
	ms_buf l = MS_BUF_INIT;
	bool any_other = false;

	if (!r) {
		c->rc = -ENOMEM;
		return;
	}
	for (size_t m = 0; m < MS_ARRAY_LEN(proc_metrics); m++) {
		fams[m] = family(c->d, proc_metrics[m].name, "gauge", "bytes", proc_metrics[m].help);
		other[m] = MS_NA;
	}
	for (size_t k = 0; k < s->nprocs; k++) {
		const ms_proc *p = &s->procs[r[k].i];
		bool shown = (long)k < c->d->opts.top;
		any_other |= !shown;
		if (shown) {
			ms_buf_reset(&l);
			proc_labels(&l, p);
		}
		for (size_t m = 0; m < MS_ARRAY_LEN(proc_metrics); m++) {
			int64_t v = times(proc_kb(p, proc_metrics[m].off), 1024);
			if (shown)
				line_i64(c, fams[m], &l, v);
			else if (v != MS_NA)
				other[m] = other[m] == MS_NA ? v : ms_add_na(other[m], v);
		}
	}
	if (any_other) {
		ms_buf_reset(&l);
		label(&l, "pid", "other");
		label(&l, "comm", "other");
		label(&l, "user", "other");
		for (size_t m = 0; m < MS_ARRAY_LEN(proc_metrics); m++)
			line_i64(c, fams[m], &l, other[m]);
	}
	/* How many processes the figures cover, and how many they could not
	 * (a user without root reads no one else's smaps). */
	struct om_family *count = family(c->d, "memscope_processes", "gauge", NULL,
					 "Processes listed, by whether their figures could be read.");
	const struct { const char *state; size_t n; } states[] = {
		{ "read", s->nprocs - s->nunknown }, { "unknown", s->nunknown },
		{ "kernel_thread", s->nkthreads }, { "zombie", s->nzombies },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(states); i++) {
		ms_buf_reset(&l);
		label(&l, "state", states[i].state);
		line_i64(c, count, &l, (int64_t)states[i].n);
	}
	ms_buf_free(&l);
	free(r);
}

/* ---- memory pressure (PSI), when the kernel has it ------------------------ */

static void add_psi(struct om_ctx *c, ms_source *src)
{
	ms_buf raw = MS_BUF_INIT, l = MS_BUF_INIT;
	ms_error err = { 0 };
	ms_psi psi;

	if (!src || ms_source_read(src, "pressure/memory", &raw, &err) != 0 ||
	    ms_parse_psi(raw.data ? raw.data : "", raw.len, &psi, &err) != 0) {
		ms_buf_free(&raw);
		return;
	}
	/* A count since boot, but typed gauge: an OpenMetrics counter's
	 * samples end in _total where its family's name does not, and the
	 * Prometheus text parser of promtool check metrics then finds a
	 * family without help (doc/remote.md). rate() works on it as is. */
	struct om_family *stalled = family(c->d, "memscope_memory_pressure_stalled_seconds",
					   "gauge", "seconds",
					   "Time tasks stalled on memory since boot, a count that only grows (/proc/pressure/memory).");
	struct om_family *ratio = family(c->d, "memscope_memory_pressure_ratio", "gauge", NULL,
					 "Share of time tasks stalled on memory over a window (/proc/pressure/memory).");
	const struct { const char *kind; const ms_psi_line *p; } kinds[] = {
		{ "some", &psi.some }, { "full", &psi.full },
	};
	for (size_t k = 0; k < MS_ARRAY_LEN(kinds); k++) {
		const ms_psi_line *p = kinds[k].p;
		char v[48];
		ms_buf_reset(&l);
		label(&l, "kind", kinds[k].kind);
		if (p->total_us != MS_NA && p->total_us >= 0) {
			snprintf(v, sizeof v, "%" PRId64 ".%06" PRId64, p->total_us / 1000000,
				 p->total_us % 1000000);
			line(c, stalled, &l, v);
		}
		const struct { const char *window; int64_t avg; } w[] = {
			{ "10s", p->avg10 }, { "60s", p->avg60 }, { "300s", p->avg300 },
		};
		for (size_t i = 0; i < MS_ARRAY_LEN(w); i++) {
			if (w[i].avg == MS_NA || w[i].avg < 0)
				continue;
			ms_buf_reset(&l);
			label(&l, "kind", kinds[k].kind);
			label(&l, "window", w[i].window);
			/* hundredths of a percent: 337 is 3.37 %, 0.0337 */
			snprintf(v, sizeof v, "%" PRId64 ".%04" PRId64, w[i].avg / 10000,
				 w[i].avg % 10000);
			line(c, ratio, &l, v);
		}
	}
	ms_buf_free(&raw);
	ms_buf_free(&l);
}

/* ---- one sample, the document --------------------------------------------- */

/* The host a sample is of; for data that does not name it (a bare /proc
 * tree), the snapshot's own name, so that series of two such captures
 * never merge. */
static const char *host_name(const ms_sample *s)
{
	const char *path = s->info.path;
	size_t n = strlen(path);

	if (s->info.hostname[0])
		return s->info.hostname;
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *base = path + n;
	while (base > path && base[-1] != '/')
		base--;
	static _Thread_local char name[256];
	snprintf(name, sizeof name, "%.*s", (int)(path + n - base), base);
	return name;
}

static const struct {
	enum ms_part_id part;
	void (*add)(struct om_ctx *c);
} part_writers[] = {
	{ MS_P_MEMINFO, add_meminfo }, { MS_P_BUDDY, add_buddy },
	{ MS_P_PAGETYPE, add_pagetype }, { MS_P_ZONEINFO, add_zones },
	{ MS_P_SLABINFO, add_slabs }, { MS_P_PROCS, add_procs },
};

int ms_om_add(ms_om_doc *d, const ms_sample *s, ms_source *src, ms_error *err)
{
	struct om_ctx c = { .d = d, .s = s };

	if (d->opts.timestamps && s->captured_ns != MS_NA) {
		/* OpenMetrics timestamps are seconds; milliseconds are what
		 * Prometheus keeps. */
		int64_t ms = s->captured_ns / 1000000;
		snprintf(c.ts, sizeof c.ts, " %" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
	}
	if (d->opts.host_label)
		label(&c.host, "host", host_name(s));
	struct om_family *readable = family(d, "memscope_part_readable", "gauge", NULL,
					    "1 when the part's file could be read, 0 when not (then its families are missing).");
	ms_buf l = MS_BUF_INIT;
	for (size_t i = 0; i < MS_ARRAY_LEN(part_writers); i++) {
		bool has = ms_sample_has(s, part_writers[i].part);
		ms_buf_reset(&l);
		label(&l, "part", ms_part_name(part_writers[i].part));
		line_i64(&c, readable, &l, has);
		if (has)
			part_writers[i].add(&c);
	}
	add_psi(&c, src);
	ms_buf_free(&l);
	ms_buf_free(&c.host);
	d->nsamples++;
	if (c.rc)
		return ms_error_set(err, -c.rc, 0, "out of memory");
	return 0;
}

static int cmp_rec(const void *a, const void *b, void *base)
{
	const struct om_rec *x = a, *y = b;
	const char *text = base;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int r = memcmp(text + x->off, text + y->off, n);

	if (r)
		return r;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int ms_om_write(ms_om_doc *d, ms_buf *out)
{
	for (size_t i = 0; i < d->n; i++) {
		struct om_family *f = d->fams[i];
		if (!f->n)
			continue;
		ms_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
		if (f->unit)
			ms_buf_printf(out, "# UNIT %s %s\n", f->name, f->unit);
		/* Several samples: each series' points together, in time
		 * order, as the format wants. */
		if (d->nsamples > 1)
			qsort_r(f->recs, f->n, sizeof *f->recs, cmp_rec, f->text.data);
		for (size_t k = 0; k < f->n; k++)
			ms_buf_append(out, f->text.data + f->recs[k].off, f->recs[k].len);
	}
	if (ms_buf_puts(out, "# EOF\n") != 0 || !out->data)
		return -ENOMEM;
	return 0;
}
