/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch views: one view of one sample as text, CSV or JSON, for scripts.
 * The JSON contract is doc/json.md (schema "memscope/1").
 */
#ifndef MEMSCOPE_BATCH_H
#define MEMSCOPE_BATCH_H

#include <stdio.h>

#include "memscope/model.h"

typedef enum ms_view {
	MS_VIEW_PROCRANK,
	MS_VIEW_SLABS,
	MS_VIEW_BUDDY,
	MS_VIEW_ZONES,
	MS_VIEW_MEMINFO,
	MS_VIEW_VMA,
	MS_VIEW_REPORT,
} ms_view;

typedef enum ms_format {
	MS_FORMAT_TEXT,
	MS_FORMAT_CSV,
	MS_FORMAT_JSON,
} ms_format;

typedef struct ms_batch_opts {
	ms_view view;
	ms_format format;
	const char *sort;  /* column key, NULL for the table's default */
	bool reverse;      /* flip the sort direction */
	long limit;        /* rows; <= 0 for all */
	bool plain_kb;     /* -k: plain kB numbers in text */
	int pid;           /* for vma */
} ms_batch_opts;

/* Which sample parts a view needs. */
unsigned ms_view_parts(ms_view v);
const char *ms_view_name(ms_view v);
/* The proc file a view cannot do without ("slabinfo"), NULL for views
 * that read several (procrank, vma, report). */
const char *ms_view_file(ms_view v);
int ms_view_from_name(const char *name, ms_view *out);

/* 0 when o->sort names a column of the view's table (or is NULL); else
 * -EINVAL with *err listing the valid keys, for a usage error. */
int ms_batch_check_sort(const ms_batch_opts *o, ms_error *err);

/* Renders the view into out. Returns 0, or -errno with *err set when the
 * view has nothing to show (its file missing or unreadable, a bad --sort
 * key, an unknown pid). */
int ms_batch_render(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		    ms_error *err);

/* Renders the view to `to` (stdout, named to_name in errors), writing as
 * it goes once the view's data is read, so that a big table is never held
 * whole. Returns as ms_batch_render, or -errno of a failed write (a closed
 * pipe, a full disk): *err then says "stdout: No space left on device".
 * A view that fails while it reads writes nothing; only a failed write or
 * a lack of memory can stop a document half-way. */
int ms_batch_write(const ms_batch_opts *o, const ms_sample *s, ms_source *src, FILE *to,
		   const char *to_name, ms_error *err);

#endif
