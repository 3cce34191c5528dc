/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least squares over samples: how fast a figure grows, and how well a
 * straight line explains it (r²), for trend's ranking of what leaks.
 * Every slab cache (size), every process (PSS, USS, swap) and every
 * zone's free blocks of each order become a series over the samples of a
 * recording. A leak is a steady climb: rows that grow with r² >= 0.9 come
 * first ("suspect").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/diff.h"

/* Two passes (means first, then centred sums): the x values are seconds
 * since the epoch, whose squares would swamp a one-pass sum of squares
 * in double precision. */
ms_fit ms_least_squares(const double *x, const int64_t *y, size_t n)
{
	ms_fit f = { .n = 0, .slope = NAN, .r2 = NAN };
	double sx = 0, sy = 0;

	for (size_t i = 0; i < n; i++) {
		if (y[i] == MS_NA)
			continue;
		sx += x[i];
		sy += (double)y[i];
		f.n++;
	}
	if (f.n < 2)
		return f;
	double mx = sx / (double)f.n, my = sy / (double)f.n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		if (y[i] == MS_NA)
			continue;
		double dx = x[i] - mx, dy = (double)y[i] - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx == 0)
		return f;
	f.slope = sxy / sxx;
	/* r² = explained / total variation; a flat series has none to
	 * explain: undefined. */
	if (syy > 0)
		f.r2 = sxy * sxy / (sxx * syy);
	return f;
}

/* ---- series over a recording ---------------------------------------------- */

#define SUSPECT_R2 0.9

static const char *const kind_names[] = { "process", "slab", "zone" };

const char *ms_trend_kind_name(ms_trend_kind k)
{
	return kind_names[k];
}

static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603ull;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

static int rehash(ms_trend *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024;
	size_t *slots = calloc(n, sizeof *slots);

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = hash_key(t->rows[i].key) & (n - 1);
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
static ms_trend_row *series_of(ms_trend *t, const char *key, const ms_trend_row *proto)
{
	if ((t->n + 1) * 2 > t->nslots && rehash(t))
		return NULL;
	size_t h = hash_key(key) & (t->nslots - 1);
	for (; t->slots[h]; h = (h + 1) & (t->nslots - 1))
		if (strcmp(t->rows[t->slots[h] - 1].key, key) == 0)
			return &t->rows[t->slots[h] - 1];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		ms_trend_row *s = realloc(t->rows, cap * sizeof *s);
		if (!s)
			return NULL;
		t->rows = s;
		t->cap = cap;
	}
	ms_trend_row *s = &t->rows[t->n];
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

static int put(ms_trend *t, size_t sample, const ms_trend_row *proto, int64_t v)
{
	char key[160];

	snprintf(key, sizeof key, "%d\x1f%s\x1f%d\x1f%d\x1f%s\x1f%s", proto->kind, proto->metric,
		 proto->pid, proto->node * 64 + proto->order, proto->name,
		 proto->key ? proto->key : "");
	ms_trend_row *s = series_of(t, key, proto);
	if (!s)
		return -ENOMEM;
	s->y[sample] = v;
	return 0;
}

/* One sample's figures into the series. */
static int add_sample(ms_trend *t, size_t i, const ms_sample *s, ms_source *src)
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
			ms_trend_row proto = { .kind = MS_TREND_PROCESS, .pid = pr->pid,
						.metric = proc_metrics[m], .key = start };
			ms_copy_field(proto.name, sizeof proto.name, pr->name, strlen(pr->name));
			rc = put(t, i, &proto, v[m]);
		}
	}
	for (size_t c = 0; rc == 0 && c < s->slabs.n; c++) {
		ms_trend_row proto = { .kind = MS_TREND_SLAB, .metric = "size_kb" };
		const ms_slab *sl = &s->slabs.caches[c];
		ms_copy_field(proto.name, sizeof proto.name, sl->name, strlen(sl->name));
		rc = put(t, i, &proto, ms_slab_size_kb(sl, s->info.page_size));
	}
	for (size_t z = 0; rc == 0 && z < s->buddy.n; z++) {
		const ms_buddy_zone *bz = &s->buddy.zones[z];
		for (int o = 0; rc == 0 && o < bz->norders; o++) {
			ms_trend_row proto = { .kind = MS_TREND_ZONE, .node = bz->node, .order = o,
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

bool ms_trend_suspect(const ms_trend_row *s)
{
	return s->fit.slope > 0 && s->fit.r2 >= SUSPECT_R2;
}

/* Suspects first, then by rate, fastest growth first; unknown rates last. */
static int rank_cmp(const void *pa, const void *pb)
{
	const ms_trend_row *a = pa, *b = pb;

	if (ms_trend_suspect(a) != ms_trend_suspect(b))
		return ms_trend_suspect(a) ? -1 : 1;
	if (isnan(a->fit.slope) != isnan(b->fit.slope))
		return isnan(a->fit.slope) ? 1 : -1;
	if (a->fit.slope != b->fit.slope)
		return a->fit.slope > b->fit.slope ? -1 : 1;
	return strcmp(a->key, b->key);
}

void ms_trend_free(ms_trend *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].key);
		free(t->rows[i].y);
	}
	free(t->rows);
	free(t->slots);
	free(t->x);
}

static int read_all(ms_trend *t, ms_source *src, ms_error *err)
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

int ms_trend_collect(ms_trend *t, ms_source *src, ms_error *err)
{
	memset(t, 0, sizeof *t);
	t->nsamples = ms_source_sample_count(src);
	if (t->nsamples < 2)
		return ms_error_set(err, EINVAL, 0, "%zu sample: a trend needs a recording of two "
				    "or more", t->nsamples);
	t->x = calloc(t->nsamples, sizeof *t->x);
	int rc = t->x ? read_all(t, src, err) : ms_error_set(err, ENOMEM, 0, "out of memory");
	if (rc)
		return rc;
	for (size_t i = 0; i < t->n; i++)
		t->rows[i].fit = ms_least_squares(t->x, t->rows[i].y, t->nsamples);
	qsort(t->rows, t->n, sizeof *t->rows, rank_cmp);
	return 0;
}
