/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope trend FILE`: what grows over a recording. Every slab cache
 * (size), every process (PSS, USS, swap) and every zone's free blocks of
 * each order become a series over the samples; a least-squares line gives
 * the rate in kB per hour and r², how straight the growth is. A leak is a
 * steady climb: rows that grow with r² >= 0.9 come first ("suspect").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/diff.h"
#include "cmd.h"

#define SUSPECT_R2 0.9

enum series_kind { SERIES_PROCESS, SERIES_SLAB, SERIES_ZONE };

static const char *const kind_names[] = { "process", "slab", "zone" };

struct series {
	enum series_kind kind;
	int pid;          /* process */
	int node, order;  /* zone */
	char name[64];    /* comm, cache or zone name */
	const char *metric;
	char *key;
	int64_t *y;       /* one per sample; MS_NA where absent */
	ms_fit fit;
};

struct trend {
	size_t nsamples;
	double *x;        /* seconds since the epoch of each sample */
	struct series *s;
	size_t n, cap;
	size_t *slots;    /* hash of keys: index + 1, 0 empty */
	size_t nslots;
};

static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603ull;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

static int rehash(struct trend *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024;
	size_t *slots = calloc(n, sizeof *slots);

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = hash_key(t->s[i].key) & (n - 1);
		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

/* The series of key, made on first sight (NULL on ENOMEM). */
static struct series *series_of(struct trend *t, const char *key, const struct series *proto)
{
	if ((t->n + 1) * 2 > t->nslots && rehash(t))
		return NULL;
	size_t h = hash_key(key) & (t->nslots - 1);
	for (; t->slots[h]; h = (h + 1) & (t->nslots - 1))
		if (strcmp(t->s[t->slots[h] - 1].key, key) == 0)
			return &t->s[t->slots[h] - 1];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct series *s = realloc(t->s, cap * sizeof *s);
		if (!s)
			return NULL;
		t->s = s;
		t->cap = cap;
	}
	struct series *s = &t->s[t->n];
	*s = *proto;
	s->key = strdup(key);
	s->y = malloc(t->nsamples * sizeof *s->y);
	if (!s->key || !s->y) {
		free(s->key);
		free(s->y);
		return NULL;
	}
	for (size_t i = 0; i < t->nsamples; i++)
		s->y[i] = MS_NA;
	t->slots[h] = ++t->n;
	return s;
}

static int put(struct trend *t, size_t sample, const struct series *proto, int64_t v)
{
	char key[160];

	snprintf(key, sizeof key, "%d\x1f%s\x1f%d\x1f%d\x1f%s\x1f%s", proto->kind, proto->metric,
		 proto->pid, proto->node * 64 + proto->order, proto->name,
		 proto->key ? proto->key : "");
	struct series *s = series_of(t, key, proto);
	if (!s)
		return -ENOMEM;
	s->y[sample] = v;
	return 0;
}

/* One sample's figures into the series. */
static int add_sample(struct trend *t, size_t i, const ms_sample *s, ms_source *src)
{
	static const char *const proc_metrics[] = { "pss_kb", "uss_kb", "swap_kb" };
	int rc = 0;

	for (size_t p = 0; rc == 0 && p < s->nprocs; p++) {
		const ms_proc *pr = &s->procs[p];
		const int64_t v[] = { pr->pss_kb, pr->uss_kb, pr->swap_kb };
		char start[24];
		/* A pid reused by another process is another series. */
		snprintf(start, sizeof start, "%lld",
			 (long long)ms_proc_start_ticks(src, pr->pid));
		for (size_t m = 0; rc == 0 && m < MS_ARRAY_LEN(proc_metrics); m++) {
			struct series proto = { .kind = SERIES_PROCESS, .pid = pr->pid,
						.metric = proc_metrics[m], .key = start };
			ms_copy_field(proto.name, sizeof proto.name, pr->name, strlen(pr->name));
			rc = put(t, i, &proto, v[m]);
		}
	}
	for (size_t c = 0; rc == 0 && c < s->slabs.n; c++) {
		struct series proto = { .kind = SERIES_SLAB, .metric = "size_kb" };
		const ms_slab *sl = &s->slabs.caches[c];
		ms_copy_field(proto.name, sizeof proto.name, sl->name, strlen(sl->name));
		rc = put(t, i, &proto, ms_slab_size_kb(sl, s->info.page_size));
	}
	for (size_t z = 0; rc == 0 && z < s->buddy.n; z++) {
		const ms_buddy_zone *bz = &s->buddy.zones[z];
		for (int o = 0; rc == 0 && o < bz->norders; o++) {
			struct series proto = { .kind = SERIES_ZONE, .node = bz->node, .order = o,
						.metric = "free_kb" };
			ms_copy_field(proto.name, sizeof proto.name, bz->zone, strlen(bz->zone));
			int64_t kb = bz->free[o] == MS_NA ? MS_NA
				: bz->free[o] * ((int64_t)s->info.page_size << o) / 1024;
			rc = put(t, i, &proto, kb);
		}
	}
	return rc;
}

/* ---- ranking -------------------------------------------------------------- */

static bool suspect(const struct series *s)
{
	return s->fit.slope > 0 && s->fit.r2 >= SUSPECT_R2;
}

static double rate_per_hour(const struct series *s)
{
	return s->fit.slope * 3600.0;
}

/* Suspects first, then by rate, fastest growth first; unknown rates last. */
static int rank_cmp(const void *pa, const void *pb)
{
	const struct series *a = pa, *b = pb;

	if (suspect(a) != suspect(b))
		return suspect(a) ? -1 : 1;
	if (isnan(a->fit.slope) != isnan(b->fit.slope))
		return isnan(a->fit.slope) ? 1 : -1;
	if (a->fit.slope != b->fit.slope)
		return a->fit.slope > b->fit.slope ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* ---- output -------------------------------------------------------------------- */

static void json_row(ms_json *j, const struct series *s)
{
	ms_json_obj_begin(j);
	ms_json_kv_str(j, "kind", kind_names[s->kind]);
	if (s->kind == SERIES_PROCESS)
		ms_json_kv_i64(j, "pid", s->pid);
	if (s->kind == SERIES_ZONE) {
		ms_json_kv_i64(j, "node", s->node);
		ms_json_kv_str(j, "zone", s->name);
		ms_json_kv_i64(j, "order", s->order);
	} else {
		ms_json_kv_str(j, "name", s->name);
	}
	ms_json_kv_str(j, "metric", s->metric);
	ms_json_key(j, "rate_kb_per_hour");
	if (isnan(s->fit.slope))
		ms_json_null(j);
	else
		ms_json_double(j, rate_per_hour(s), 1);
	ms_json_key(j, "r2");
	if (isnan(s->fit.r2))
		ms_json_null(j);
	else
		ms_json_double(j, s->fit.r2, 4);
	ms_json_kv_i64(j, "samples", (int64_t)s->fit.n);
	ms_json_key(j, "suspect");
	ms_json_bool(j, suspect(s));
	ms_json_obj_end(j);
}

static void write_json(ms_buf *out, const struct trend *t, const ms_source_info *info,
		       size_t limit)
{
	ms_json j;

	ms_json_init(&j, out);
	ms_json_obj_begin(&j);
	ms_json_kv_str(&j, "schema", "memscope/1");
	ms_json_kv_str(&j, "view", "trend");
	ms_json_kv_str(&j, "path", info->path);
	ms_json_kv_i64(&j, "samples", (int64_t)t->nsamples);
	ms_json_key(&j, "seconds");
	ms_json_double(&j, t->x[t->nsamples - 1] - t->x[0], 0);
	ms_json_key(&j, "rows");
	ms_json_arr_begin(&j);
	for (size_t i = 0; i < t->n && i < limit; i++)
		json_row(&j, &t->s[i]);
	ms_json_arr_end(&j);
	ms_json_obj_end(&j);
	ms_buf_putc(out, '\n');
}

/* "4242 (leaky)", "dentry", "0 Normal order 4": what a row measures. */
static void row_what(ms_buf *what, const struct series *s)
{
	ms_buf raw = MS_BUF_INIT;

	if (s->kind == SERIES_PROCESS)
		ms_buf_printf(&raw, "%d %s", s->pid, s->name);
	else if (s->kind == SERIES_ZONE)
		ms_buf_printf(&raw, "%d %s order %d", s->node, s->name, s->order);
	else
		ms_buf_puts(&raw, s->name);
	ms_buf_reset(what);
	ms_escape_display(what, raw.data ? raw.data : "", raw.len);
	ms_buf_free(&raw);
}

static void write_text(ms_buf *out, const struct trend *t, bool csv, size_t limit)
{
	ms_buf what = MS_BUF_INIT;

	ms_buf_puts(out, csv ? "kind,what,metric,rate_kb_per_hour,r2,samples,suspect\r\n"
			     : "KIND    METRIC   KB/HOUR      R2 SAMPLES  WHAT\n");
	for (size_t i = 0; i < t->n && i < limit; i++) {
		const struct series *s = &t->s[i];
		row_what(&what, s);
		if (csv) {
			ms_buf_printf(out, "%s,", kind_names[s->kind]);
			ms_escape_csv(out, what.data ? what.data : "", what.len);
			ms_buf_printf(out, ",%s,", s->metric);
			if (!isnan(s->fit.slope))
				ms_buf_printf(out, "%.1f", rate_per_hour(s));
			ms_buf_putc(out, ',');
			if (!isnan(s->fit.r2))
				ms_buf_printf(out, "%.4f", s->fit.r2);
			ms_buf_printf(out, ",%zu,%s\r\n", s->fit.n, suspect(s) ? "true" : "false");
			continue;
		}
		ms_buf_printf(out, "%-7s %-8s %9.1f %7.4f %7zu %s%s\n", kind_names[s->kind],
			      s->metric, rate_per_hour(s), s->fit.r2, s->fit.n,
			      suspect(s) ? "* " : "", what.data ? what.data : "");
	}
	ms_buf_free(&what);
}

/* ---- the command ------------------------------------------------------------------ */

static void trend_free(struct trend *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->s[i].key);
		free(t->s[i].y);
	}
	free(t->s);
	free(t->slots);
	free(t->x);
}

static int read_all(struct trend *t, ms_source *src, ms_error *err)
{
	unsigned parts = MS_PART_PROCS | MS_PART_SLABINFO | MS_PART(MS_P_BUDDY);

	for (size_t i = 0; i < t->nsamples; i++) {
		ms_sample s;
		int rc = t->nsamples > 1 ? ms_source_select(src, i, err) : 0;
		if (rc == 0)
			rc = ms_sample_load(&s, src, parts, err);
		if (rc)
			return rc;
		if (s.captured_ns == MS_NA) {
			ms_sample_free(&s);
			return ms_error_set(err, EINVAL, 0, "sample %zu: no capture time", i);
		}
		t->x[i] = (double)s.captured_ns / 1e9;
		rc = add_sample(t, i, &s, src);
		ms_sample_free(&s);
		if (rc)
			return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	return 0;
}

static int run(const ms_options *o)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_snapshot(o->trend_path, &err);
	struct trend t = { 0 };
	ms_buf out = MS_BUF_INIT;
	int status = MS_EXIT_FAILED;

	if (!src) {
		ms_cmd_print_error(o->trend_path, &err, -(err.code ? err.code : EIO));
		return MS_EXIT_FAILED;
	}
	t.nsamples = ms_source_sample_count(src);
	int rc = t.nsamples < 2 ? ms_error_set(&err, EINVAL, 0, "%zu sample: a trend needs a "
					       "recording of two or more", t.nsamples)
				: (t.x = calloc(t.nsamples, sizeof *t.x)) ? read_all(&t, src, &err)
									  : -ENOMEM;
	if (rc == 0) {
		for (size_t i = 0; i < t.n; i++)
			t.s[i].fit = ms_least_squares(t.x, t.s[i].y, t.nsamples);
		qsort(t.s, t.n, sizeof *t.s, rank_cmp);
		size_t limit = o->batch.limit > 0 ? (size_t)o->batch.limit : SIZE_MAX;
		if (o->batch.format == MS_FORMAT_JSON)
			write_json(&out, &t, ms_source_get_info(src), limit);
		else
			write_text(&out, &t, o->batch.format == MS_FORMAT_CSV, limit);
		if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
			rc = ms_error_set(&err, errno ? errno : EIO, 0, "stdout: %s", strerror(errno));
		else if (fflush(stdout) != 0)
			rc = ms_error_set(&err, errno ? errno : EIO, 0, "stdout: %s", strerror(errno));
		status = rc ? MS_EXIT_FAILED : MS_EXIT_OK;
	}
	if (rc)
		ms_cmd_print_error(o->trend_path, &err, rc);
	ms_buf_free(&out);
	trend_free(&t);
	ms_source_close(src);
	return status;
}

static int take_args(ms_options *o, int argc, char *const *argv, ms_error *err)
{
	if (argc < 1)
		return ms_error_set(err, EINVAL, 0, "trend: needs FILE (a recording)");
	o->trend_path = argv[0];
	return 1;
}

const ms_command ms_cmd_trend = {
	.name = "trend",
	.synopsis = "FILE [-f text|csv|json] [--limit N]",
	.summary = "what grows over a recording, leak suspects first",
	.take_args = take_args,
	.run = run,
};
