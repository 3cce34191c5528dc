/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The diff engine: the rows of two samples of one table matched by their
 * identity, with B minus A for every numeric column. One engine for every
 * view, driven by the column declarations (memscope/table.h), so that a
 * diff has the same keys as the view it compares.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/diff.h"

const char *ms_change_name(ms_change c)
{
	switch (c) {
	case MS_CHANGE_ADDED: return "added";
	case MS_CHANGE_REMOVED: return "removed";
	case MS_CHANGE_CHANGED: return "changed";
	default: return NULL;
	}
}

static bool in_list(const char *const *list, const char *key)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], key) == 0)
			return true;
	return false;
}

bool ms_diff_has_delta(const ms_diff_spec *spec, size_t col)
{
	const ms_column *c = &spec->t->cols[col];

	if (c->kind != MS_COL_INT && c->kind != MS_COL_KB && c->kind != MS_COL_PCT)
		return false;
	return !in_list(spec->key_cols, c->key) && !in_list(spec->no_delta, c->key);
}

/* ---- identities ------------------------------------------------------------ */

/* A row's identity and where it is: keys are compared as bytes, and a
 * key repeated within a side is told apart by its rank among its equals
 * (occurrence), in the side's order. */
struct keyed {
	char *key;
	size_t len;
	size_t index;
	size_t occurrence;
};

/* The cells of the key columns, each ended by a unit separator (0x1f,
 * which escaping keeps out of every name a view prints). */
static int make_key(const ms_diff_spec *spec, const ms_diff_side *side, size_t i, ms_buf *b)
{
	const void *row = (const char *)side->rows + i * spec->stride;
	char cell[MS_CELL_MAX];

	ms_buf_reset(b);
	for (size_t k = 0; spec->key_cols && spec->key_cols[k]; k++) {
		int col = ms_table_find_col(spec->t, spec->key_cols[k]);
		if (col < 0)
			continue;
		const ms_column *c = &spec->t->cols[col];
		if (c->kind == MS_COL_STR) {
			if (ms_buf_puts(b, ms_cell_str(c, row, side->ctx)))
				return -ENOMEM;
		} else if (ms_buf_append(b, cell, ms_cell_format(c, row, side->ctx, true, cell))) {
			return -ENOMEM;
		}
		if (ms_buf_putc(b, '\x1f'))
			return -ENOMEM;
	}
	if (spec->extra_key && ms_buf_printf(b, "%lld\x1f",
					     (long long)spec->extra_key(i, side->key_ctx)))
		return -ENOMEM;
	return 0;
}

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void keyed_free(struct keyed *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		free(k[i].key);
	free(k);
}

/* Every row's identity, sorted, with its occurrence among equal keys. */
static int side_keys(const ms_diff_spec *spec, const ms_diff_side *side, struct keyed **out)
{
	ms_buf b = MS_BUF_INIT;
	struct keyed *k = calloc(side->n ? side->n : 1, sizeof *k);
	int rc = k ? 0 : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < side->n; i++) {
		rc = make_key(spec, side, i, &b);
		if (rc == 0 && !(k[i].key = malloc(b.len + 1)))
			rc = -ENOMEM;
		if (rc == 0) {
			memcpy(k[i].key, b.data ? b.data : "", b.len);
			k[i].key[b.len] = '\0';
			k[i].len = b.len;
			k[i].index = i;
		}
	}
	ms_buf_free(&b);
	if (rc) {
		keyed_free(k, side->n);
		return rc;
	}
	qsort(k, side->n, sizeof *k, keyed_cmp);
	for (size_t i = 1; i < side->n; i++)
		if (k[i].len == k[i - 1].len && memcmp(k[i].key, k[i - 1].key, k[i].len) == 0)
			k[i].occurrence = k[i - 1].occurrence + 1;
	*out = k;
	return 0;
}

/* By key, then occurrence. */
static int match_cmp(const struct keyed *a, const struct keyed *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->occurrence < b->occurrence ? -1 : a->occurrence > b->occurrence;
}

/* ---- changes ------------------------------------------------------------------ */

static bool cell_differs(const ms_column *c, const void *a, const void *ctx_a, const void *b,
			 const void *ctx_b)
{
	if (c->kind == MS_COL_STR)
		return strcmp(ms_cell_str(c, a, ctx_a), ms_cell_str(c, b, ctx_b)) != 0;
	if (c->kind == MS_COL_HEX)
		return ms_cell_u64(c, a, ctx_a) != ms_cell_u64(c, b, ctx_b);
	return ms_cell_i64(c, a, ctx_a) != ms_cell_i64(c, b, ctx_b);
}

static ms_change pair_change(const ms_diff *d, const void *a, const void *b)
{
	if (!a)
		return MS_CHANGE_ADDED;
	if (!b)
		return MS_CHANGE_REMOVED;
	for (size_t c = 0; c < d->spec->t->ncols; c++)
		if (cell_differs(&d->spec->t->cols[c], a, d->ctx_a, b, d->ctx_b))
			return MS_CHANGE_CHANGED;
	return MS_CHANGE_SAME;
}

static void add_pair(ms_diff *d, const struct keyed *ka, const struct keyed *kb,
		     const ms_diff_side *a, const ms_diff_side *b)
{
	size_t stride = d->spec->stride;
	ms_diff_pair *p = &d->pairs[d->n++];

	p->a = ka ? (const char *)a->rows + ka->index * stride : NULL;
	p->b = kb ? (const char *)b->rows + kb->index * stride : NULL;
	/* The key is handed over: whichever side's copy it is. */
	if (kb) {
		p->key = kb->key;
		((struct keyed *)kb)->key = NULL;
	} else {
		p->key = ka->key;
		((struct keyed *)ka)->key = NULL;
	}
	p->change = pair_change(d, p->a, p->b);
}

int ms_diff_rows(const ms_diff_spec *spec, const ms_diff_side *a, const ms_diff_side *b,
		 ms_diff *out, ms_error *err)
{
	struct keyed *ka = NULL, *kb = NULL;

	*out = (ms_diff){ .spec = spec, .ctx_a = a->ctx, .ctx_b = b->ctx };
	int rc = side_keys(spec, a, &ka);
	if (rc == 0)
		rc = side_keys(spec, b, &kb);
	if (rc == 0 && !(out->pairs = calloc(a->n + b->n + 1, sizeof *out->pairs)))
		rc = -ENOMEM;
	for (size_t i = 0, k = 0; rc == 0 && (i < a->n || k < b->n);) {
		int c = i == a->n ? 1 : k == b->n ? -1 : match_cmp(&ka[i], &kb[k]);
		if (c < 0)
			add_pair(out, &ka[i++], NULL, a, b);
		else if (c > 0)
			add_pair(out, NULL, &kb[k++], a, b);
		else
			add_pair(out, &ka[i++], &kb[k++], a, b);
	}
	keyed_free(ka, a->n);
	keyed_free(kb, b->n);
	if (rc) {
		ms_diff_free(out);
		return ms_error_set(err, ENOMEM, 0, "%s: diff: out of memory", spec->t->name);
	}
	return 0;
}

void ms_diff_free(ms_diff *d)
{
	for (size_t i = 0; d->pairs && i < d->n; i++)
		free(d->pairs[i].key);
	free(d->pairs);
	d->pairs = NULL;
	d->n = 0;
}

int64_t ms_diff_delta(const ms_diff *d, const ms_diff_pair *p, size_t col)
{
	const ms_column *c = &d->spec->t->cols[col];
	int64_t va = p->a ? ms_cell_i64(c, p->a, d->ctx_a) : 0;
	int64_t vb = p->b ? ms_cell_i64(c, p->b, d->ctx_b) : 0;

	return ms_delta(vb, va);
}

const void *ms_diff_shown(const ms_diff *d, const ms_diff_pair *p, const void **ctx)
{
	*ctx = p->b ? d->ctx_b : d->ctx_a;
	return p->b ? p->b : p->a;
}

/* ---- order ---------------------------------------------------------------------- */

/* qsort has no context: the sort's own, for the one sort running. */
static __thread struct {
	const ms_diff *d;
	size_t col;
	bool reverse;
} sorting;

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static int pair_cmp(const void *pa, const void *pb)
{
	const ms_diff_pair *a = pa, *b = pb;
	int64_t da = ms_diff_delta(sorting.d, a, sorting.col);
	int64_t db = ms_diff_delta(sorting.d, b, sorting.col);

	if ((da == MS_NA) != (db == MS_NA))
		return da == MS_NA ? 1 : -1;
	if (da != MS_NA && magnitude(da) != magnitude(db)) {
		bool a_first = magnitude(da) > magnitude(db);
		return a_first != sorting.reverse ? -1 : 1;
	}
	return strcmp(a->key, b->key);
}

void ms_diff_sort(ms_diff *d, size_t col, bool reverse)
{
	sorting.d = d;
	sorting.col = col;
	sorting.reverse = reverse;
	if (d->n > 1)
		qsort(d->pairs, d->n, sizeof *d->pairs, pair_cmp);
	sorting.d = NULL;
}

/* ---- identity of a process -------------------------------------------------------- */

int64_t ms_proc_start_ticks(ms_source *src, int pid)
{
	ms_buf b = MS_BUF_INIT;
	ms_pid_stat st;
	char path[32];
	int64_t ticks = MS_NA;

	snprintf(path, sizeof path, "%d/stat", pid);
	if (ms_source_read(src, path, &b, NULL) == 0 &&
	    ms_parse_pid_stat(b.data ? b.data : "", b.len, &st, NULL) == 0)
		ticks = st.starttime;
	ms_buf_free(&b);
	return ticks;
}
