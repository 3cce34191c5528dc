/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time between samples: what changed from sample A to sample B in a view
 * (diff), and what grows over many samples (trend).
 *
 * One diff engine serves every table: rows of A and B are matched by an
 * identity (the key columns of the view, plus a figure that is not a
 * column, such as a process's start time), and every numeric column that
 * is not part of the identity gets a delta, B minus A. A row only in B is
 * added, only in A removed; a row in both is changed when any cell
 * differs.
 */
#ifndef MEMSCOPE_DIFF_H
#define MEMSCOPE_DIFF_H

#include <stdio.h>

#include "memscope/batch.h"
#include "memscope/model.h"
#include "memscope/table.h"

typedef enum ms_change {
	MS_CHANGE_SAME,
	MS_CHANGE_ADDED,   /* only in B */
	MS_CHANGE_REMOVED, /* only in A */
	MS_CHANGE_CHANGED, /* in both, a cell differs */
} ms_change;

/* "added", "removed", "changed"; NULL for MS_CHANGE_SAME. */
const char *ms_change_name(ms_change c);

/* What identifies a row of a table across samples. */
typedef struct ms_diff_spec {
	const ms_table_def *t;
	size_t stride;
	/* Columns whose cells together name the row ("pid"; "path",
	 * "perms", "offset"), NULL-terminated. */
	const char *const *key_cols;
	/* A figure of row index that belongs to its identity but is no
	 * column (a process's start time); NULL when none. */
	int64_t (*extra_key)(size_t index, const void *key_ctx);
	/* Numeric columns that get no delta beyond the key columns
	 * (an inode number), NULL-terminated; NULL when none. */
	const char *const *no_delta;
} ms_diff_spec;

/* One side of a diff: its rows, the table's context for them (the sample,
 * the mapping list) and the context of extra_key. */
typedef struct ms_diff_side {
	const void *rows;
	size_t n;
	const void *ctx;
	const void *key_ctx;
} ms_diff_side;

typedef struct ms_diff_pair {
	const void *a, *b; /* NULL on the side the row is missing from */
	ms_change change;
	char *key;         /* the identity, for ordering ties */
} ms_diff_pair;

typedef struct ms_diff {
	const ms_diff_spec *spec;
	const void *ctx_a, *ctx_b;
	ms_diff_pair *pairs;
	size_t n;
} ms_diff;

/* Matches the rows of a and b. When a key repeats within one side (two
 * anonymous mappings with the same perms and offset), the k-th of A is
 * matched with the k-th of B, in the order the rows are given. Returns 0
 * or -ENOMEM (err set). */
int ms_diff_rows(const ms_diff_spec *spec, const ms_diff_side *a, const ms_diff_side *b,
		 ms_diff *out, ms_error *err);
void ms_diff_free(ms_diff *d);

/* Does column col get a delta? (numeric, not a key, not in no_delta) */
bool ms_diff_has_delta(const ms_diff_spec *spec, size_t col);
/* B minus A of column col for a pair: a missing side counts from 0 (a
 * process that appeared grew from nothing); MS_NA when a side that is
 * there does not know the figure. */
int64_t ms_diff_delta(const ms_diff *d, const ms_diff_pair *p, size_t col);
/* The row shown for a pair (B's, or A's for a removed row) and its
 * context. */
const void *ms_diff_shown(const ms_diff *d, const ms_diff_pair *p, const void **ctx);
/* Orders the pairs by the absolute delta of column col, largest first
 * (reverse: smallest first); unknown deltas last; ties by identity. */
void ms_diff_sort(ms_diff *d, size_t col, bool reverse);

/* ---- the diff command's output (src/batch/diff.c) --------------------------- */

typedef struct ms_diff_opts {
	ms_batch_opts batch; /* view, format, --sort (a column whose change ranks), --limit, -k */
	bool all;            /* --all: unchanged rows too */
	const char *name_a, *name_b; /* as typed: "before.tar.gz", "live", "rec@3" */
} ms_diff_opts;

/* Writes the diff of view o->batch.view between samples a and b (read
 * from src_a and src_b, which vma reads its process from) to `to`.
 * Returns 0 or -errno with err set (nothing written then). */
int ms_diff_write(const ms_diff_opts *o, const ms_sample *a, const ms_sample *b,
		  ms_source *src_a, ms_source *src_b, FILE *to, ms_error *err);

/* The views diff knows ("procrank", "slabs", "buddy", "zones",
 * "meminfo", "vma"). */
bool ms_diff_view_supported(const ms_view_class *v);

/* A process's start time (field 22 of PID/stat, clock ticks after boot),
 * which tells a PID reused by a new process from the old one. MS_NA when
 * its stat cannot be read. */
int64_t ms_proc_start_ticks(ms_source *src, int pid);

/* ---- trends: least squares over samples (src/model/trend.c) ------------------ */

typedef struct ms_fit {
	size_t n;     /* points used (those with a known value) */
	double slope; /* units of y per unit of x */
	double r2;    /* coefficient of determination; NAN when undefined */
} ms_fit;

/* Least-squares line through (x[i], y[i]) for the i whose y is not
 * MS_NA. Fewer than 2 such points, or every x the same, gives slope NAN.
 * A flat series (every y equal) has slope 0 and r2 NAN: there is no
 * variation for a line to explain. */
ms_fit ms_least_squares(const double *x, const int64_t *y, size_t n);

/* What grows over a recording: one row per series (a process's PSS, USS
 * or swap; a slab cache's size; a zone's free blocks of one order, in
 * kB), with its values at each sample and its least-squares fit. */
typedef enum ms_trend_kind { MS_TREND_PROCESS, MS_TREND_SLAB, MS_TREND_ZONE } ms_trend_kind;

typedef struct ms_trend_row {
	ms_trend_kind kind;
	int pid;            /* process */
	int node, order;    /* zone */
	char name[64];      /* comm, cache or zone name (raw: escape to show) */
	const char *metric; /* "pss_kb", "uss_kb", "swap_kb", "size_kb", "free_kb" */
	char *key;          /* identity (a process: pid and start time) */
	int64_t *y;         /* kB at each sample; MS_NA where absent or unknown */
	ms_fit fit;         /* slope in kB per second */
} ms_trend_row;

typedef struct ms_trend {
	size_t nsamples;
	double *x;          /* capture time of each sample, seconds since the epoch */
	ms_trend_row *rows; /* ranked: suspects first, then fastest growth */
	size_t n, cap;
	size_t *slots;      /* hash of keys: row index + 1, 0 empty */
	size_t nslots;
} ms_trend;

/* Reads every sample of src (a recording: two or more) and ranks what
 * grows. 0, or -errno with err set; ms_trend_free in either case. */
int ms_trend_collect(ms_trend *t, ms_source *src, ms_error *err);
void ms_trend_free(ms_trend *t);
/* Grows steadily: slope > 0 and r2 >= 0.9. */
bool ms_trend_suspect(const ms_trend_row *r);
const char *ms_trend_kind_name(ms_trend_kind k);

#endif
