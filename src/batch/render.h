/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the batch views: the render context that every view writes
 * through, and the tables they share. Nothing outside src/batch/ includes
 * this; the public side is include/memscope/batch.h.
 *
 *   output.c    the render context: text, padding, escaping, JSON framing
 *   table.c     sorted tables, totals, text/CSV/JSON table writers
 *   batch.c     views by name, the options they take, the entry points
 *   registry.c  the list of views
 *   one file per view: procrank.c, slabs.c, zones.c, meminfo.c, buddy.c,
 *   vma.c (one process's mappings, written as they are read), report.c
 *   (every view with a report section, in one document)
 */
#ifndef MEMSCOPE_BATCH_RENDER_H
#define MEMSCOPE_BATCH_RENDER_H

#include <stdio.h>

#include "memscope/batch.h"
#include "memscope/catalogue.h"
#include "memscope/table.h"

struct render {
	const ms_batch_opts *o;
	const ms_sample *s;
	/* Where the sample came from: views and report sections that read
	 * files of their own when shown (iomem, vmalloc, cma, dmabuf). */
	ms_source *src;
	ms_buf *out;
	ms_json j;
	ms_buf scratch; /* escaped text of the cell being written */
	int status;     /* first -ENOMEM of the text/CSV writers, sticky */
	/* ms_batch_write: out goes to sink whenever it holds FLUSH_AT bytes,
	 * once `flushing` says the data is all read (a view that fails while
	 * reading must not leave half a document behind). */
	FILE *sink;
	bool flushing;
	int sink_errno; /* the write that failed */
	/* The view failed after its document began, and ended it saying it
	 * is incomplete (vma): kept and written out, not taken back. */
	bool ended;
};

/* Text ready for a terminal, and its width in columns. */
struct shown {
	const char *text;
	size_t len, width;
};

/* Columns a table may have (the widest, vma, has 13). */
#define MAX_COLS 24

/* Sums of the kB columns over every row, shown or not: MS_NA where no row
 * knows the figure. */
struct totals {
	int64_t sum[MAX_COLS];
	size_t count;
};

/* A sorted, limited copy of a table's rows (the sample stays const). */
struct rows {
	const ms_table_def *t;
	const void *ctx;
	char *data;
	bool owned;    /* data is our copy (freed by ms_tbl_rows_free) */
	size_t n;      /* all rows: totals cover them all */
	size_t shown;  /* after --limit */
	size_t stride;
	struct totals totals;
};

/* The cells of the shown rows as text, one after the other, so that the
 * column widths come from them and they are then written padded, without
 * formatting a number twice; rows can be added as they are read. */
struct cells {
	const ms_table_def *t;
	size_t order[MAX_COLS]; /* columns in the order text shows them */
	size_t nrows, cap;  /* rows held, rows len[] has room for */
	ms_buf text;        /* every cell's bytes, row after row, in that order */
	uint32_t *len;      /* bytes of each cell, ncols per row, in that order */
	size_t width[MAX_COLS]; /* by column index */
};

/* A text table written row by row, never held (vma's 60,000 mappings):
 * its widths are set before the first row from what bounds the cells
 * (the declared widths, the machine's address width, the process's
 * size), and a cell wider than its column widens it for the rows after. */
struct text_stream {
	const ms_table_def *t;
	size_t order[MAX_COLS];
	size_t width[MAX_COLS]; /* by column index */
	char label[16];         /* of the totals row: "TOTAL" */
};

/* Text after a row's last column (the zones' watermark marker). */
typedef const char *(*row_note_fn)(const void *row);

/* Keys a view adds to each row beyond its columns (documented in json.md). */
typedef void (*row_extra_fn)(struct render *r, const void *row);

/* What sets one table view apart from the others; the rest (text, CSV,
 * JSON framing) is ms_tbl_write_view's. ctx is the view's own (the VMA
 * list), for its head. */
struct table_view {
	const char *name;     /* "view" in JSON */
	const char *rows_key; /* "processes" */
	bool totals;          /* a "totals" object after the rows */
	const char *report_totals_key; /* its totals' key in `report` */
	/* The sample's rows, sorted and limited as asked (a view of the
	 * sample's own tables; NULL for views that read their rows). */
	int (*prepare)(struct rows *rs, const struct render *r, ms_error *err);
	row_extra_fn extra;   /* JSON keys beyond the columns */
	row_note_fn note;     /* text after a row */
	void (*text_head)(struct render *r, const struct rows *rs, const void *ctx);
	void (*text_tail)(struct render *r);
	void (*json_head)(struct render *r, const void *ctx); /* keys before the rows */
	void (*json_tail)(struct render *r);                  /* keys after the totals */
};

/* A view's part of `report`: a table view's rows, or text and JSON of its
 * own. */
struct ms_report_section {
	int rank;          /* place in the report, lowest first */
	const char *title; /* the text heading: "Processes (procrank)" */
	const struct table_view *table;
	void (*text)(struct render *r);          /* when the view's part loaded */
	void (*json)(struct render *r, bool ok); /* its keys; null values if !ok
						  * (with table: keys after its rows) */
	/* The keys of the report's "errors" object and the parts whose
	 * reasons they give; the first is the one the section needs. */
	struct report_error {
		const char *key;
		enum ms_part_id part;
	} errors[2];
};

/* ---- output.c ---- */

void ms_out_flush(struct render *r, bool all);
void ms_out_put(struct render *r, const char *s);
void ms_out_putf(struct render *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ms_out_bytes(struct render *r, const char *s, size_t len);
void ms_out_spaces(struct render *r, size_t n);
struct shown ms_out_display_text(struct render *r, const char *s);
void ms_out_display(struct render *r, const char *s, size_t width, bool left);
void ms_out_reason(struct render *r, const ms_part_state *st);
void ms_out_csv_field(struct render *r, const char *s);
void ms_out_kb_text(struct render *r, int64_t kb, size_t width);
void ms_out_i64_csv(struct render *r, int64_t v);
void ms_out_json_begin(struct render *r, const char *view);
void ms_out_json_end(struct render *r);

/* ---- pressure.c ---- */

/* key: {"avg10": 0.72, "avg60": ..., "avg300": ..., "total_us": N}, or
 * null when the line was not printed. */
void ms_out_psi_json(struct render *r, const char *key, const ms_psi_line *l);

/* ---- table.c ---- */

void ms_tbl_totals_init(struct totals *tot);
void ms_tbl_totals_add(struct totals *tot, const ms_table_def *t, const void *row,
		       const void *ctx);
int ms_tbl_rows_prepare(struct rows *rs, const ms_batch_opts *o, const ms_table_def *t,
			const void *rows, size_t n, size_t stride, const void *ctx, bool copy,
			ms_error *err);
void ms_tbl_rows_free(struct rows *rs);
void ms_tbl_cells_init(struct cells *cs, const ms_table_def *t);
void ms_tbl_cells_free(struct cells *cs);
int ms_tbl_cells_add_row(struct render *r, struct cells *cs, const void *row, const void *ctx);
void ms_tbl_cells_write(struct render *r, struct cells *cs, const struct totals *tot,
			const struct rows *rs, row_note_fn note);
void ms_tbl_text(struct render *r, const struct rows *rs, row_note_fn note);
/* Widths start at the declared ones, widened to the titles. */
void ms_tbl_stream_init(struct text_stream *ts, const ms_table_def *t);
/* Widens the columns to the cells of row (the first row, before the
 * header is written). */
void ms_tbl_stream_fit(struct render *r, struct text_stream *ts, const void *row,
		       const void *ctx);
void ms_tbl_stream_header(struct render *r, const struct text_stream *ts);
void ms_tbl_stream_row(struct render *r, struct text_stream *ts, const void *row,
		       const void *ctx);
void ms_tbl_stream_totals(struct render *r, const struct text_stream *ts,
			  const struct totals *tot);
void ms_tbl_csv_header(struct render *r, const ms_table_def *t);
void ms_tbl_csv_row(struct render *r, const ms_table_def *t, const void *row, const void *ctx);
void ms_tbl_view_text(struct render *r, const struct rows *rs, const struct table_view *v,
		       const void *ctx);
void ms_tbl_write_view(struct render *r, const struct rows *rs, const struct table_view *v,
		       const void *ctx);
/* One cell as a JSON key and value (the diff writes its deltas beside). */
void ms_tbl_json_cell(struct render *r, const ms_column *c, const void *row, const void *ctx);
void ms_tbl_json_row(struct render *r, const ms_table_def *t, const void *row, const void *ctx,
		     row_extra_fn extra);
void ms_tbl_json_rows(struct render *r, const char *key, const struct rows *rs,
		      row_extra_fn extra);
void ms_tbl_json_totals_of(struct render *r, const char *key, const ms_table_def *t,
			   const struct totals *tot);
void ms_tbl_json_totals(struct render *r, const char *key, const struct rows *rs);

/* 0 when key is NULL or a column of t; else -EINVAL, err listing the keys. */
int ms_tbl_check_sort(const ms_table_def *t, const char *key, ms_error *err);
/* A table view of the sample: its rows prepared, written in r's format. */
int ms_tbl_render(struct render *r, const struct table_view *v, ms_error *err);
/* In `report`: the rows as text, and as JSON with their totals (null both
 * when !ok). */
void ms_tbl_report_text(struct render *r, const struct table_view *v);
void ms_tbl_report_json(struct render *r, const struct table_view *v, bool ok);

#endif
