/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scrollable, sortable table driven by an ms_table_def (table.h): the
 * header line, the sort keys and the cell formats come from the column
 * declarations, so the panes show what the batch views print.
 *
 * The widget keeps a shallow copy of the rows that pass the filter, sorted
 * with ms_table_sort (the batch views' sort, with its tie-break); a table
 * in a fixed order shows the rows given, not copies, and they must stay
 * valid until the next ms_tablew_set_rows. Either way rows may point into
 * what they came from (command lines): the caller gives the rows again
 * whenever that changes.
 */
#ifndef MEMSCOPE_WIDGET_H
#define MEMSCOPE_WIDGET_H

#include "memscope/screen.h"
#include "memscope/table.h"

#define MS_TABLEW_MAX_COLS 32

/* A row drawn as one line of text instead of its cells (the VMA pane's
 * gaps): returns true for such rows and, when text is not NULL, fills it
 * with display-safe text. */
typedef bool (*ms_tablew_note_fn)(const void *row, const void *ctx, ms_buf *text);

/* The attribute of a whole row (the slab pane marks growing caches);
 * MS_ATTR_NORMAL for most. */
typedef ms_attr (*ms_tablew_attr_fn)(const void *row, const void *ctx);

typedef struct ms_tablew {
	const ms_table_def *def;
	int sort_col;           /* -1: keep the order given (fixed_order) */
	bool descending;
	bool fixed_order;       /* rows stay in the order given: no sort keys */
	bool plain_kb;          /* kB as plain numbers (-k) */
	int filter_cols[2];     /* STR columns the filter looks in; -1 unused */
	char filter[64];        /* case-insensitive substring; "" for none */
	ms_tablew_note_fn note;
	ms_tablew_attr_fn row_attr;

	/* The rows given (not owned), the sorted copies (owned) and the
	 * rows shown, in order (into rows, or into src with fixed_order). */
	const void *src;
	const void *const *src_ptrs; /* or rows given one pointer each */
	size_t nsrc, stride;
	const void *ctx;
	char *rows;
	const void **shown;
	size_t n, cap;

	/* Widths the rows need, by column: hex columns as wide as their
	 * largest value (8 digits for a 32-bit board, 16 for x86_64's
	 * [vsyscall]); 0 where the declared width stands. */
	int fit[MS_TABLEW_MAX_COLS];

	size_t sel, top;        /* selected row and first row shown */
	int page;               /* rows shown by the last draw (PgUp/PgDn) */
	char sel_key[128];      /* tie-break cell of the selected row, kept
				 * up to date as it moves */
} ms_tablew;

/* Sorts on the table's default_sort column in its default direction.
 * filter_keys: up to two column keys the filter matches (NULL ends). */
void ms_tablew_init(ms_tablew *w, const ms_table_def *def, const char *filter_key1,
		    const char *filter_key2);
void ms_tablew_free(ms_tablew *w);

/* Takes new rows: filters, sorts and keeps the selected row selected
 * (by its tie-break cell: a pid stays selected when it moves). Returns 0
 * or -ENOMEM (the widget is then empty). */
int ms_tablew_set_rows(ms_tablew *w, const void *rows, size_t n, size_t stride,
		       const void *ctx);
/* The same for a fixed-order table whose rows are not side by side (the
 * VMA pane: mappings of the loaded list, gaps of its own). */
int ms_tablew_set_row_ptrs(ms_tablew *w, const void *const *rows, size_t n, size_t stride,
			   const void *ctx);
int ms_tablew_set_filter(ms_tablew *w, const char *filter);
int ms_tablew_set_sort(ms_tablew *w, int col, bool descending);

/* Arrows, PgUp/PgDn, Home/End; '<' '>' and F6 change the sort column,
 * 'r' reverses it. Returns true when the key was used. */
bool ms_tablew_key(ms_tablew *w, int key);

/* The selected row (a copy inside the widget), NULL when empty. */
const void *ms_tablew_selected(const ms_tablew *w);
size_t ms_tablew_count(const ms_tablew *w);

/* Draws the column titles on r.row, the rows below, and total (a row of
 * the table's type, or NULL) on the last line of r. */
void ms_tablew_draw(ms_tablew *w, ms_screen *s, ms_rect r, const void *total);

/* Which columns fit in cols: drops the columns of highest drop_rank first
 * (rank 0 never), in the order text shows them (ms_table_text_order).
 * Fills idx[] and width[] (the widest left-aligned text column takes the
 * room left over); returns how many are shown. */
int ms_tablew_layout(const ms_table_def *def, int cols, int *idx, int *width);

/* Text cut to width columns keeping its end, for a path: the middle goes
 * ("/lib/...ynload/unicodedata.cpython-34m.so"); the file name stays
 * whole when it fits. out gets display-safe text (text already is). */
void ms_elide_middle(const char *text, size_t len, int width, ms_buf *out);

/* One cell as display-safe text: "-" for MS_NA, human kB ("12.3M") unless
 * plain, hex addresses, escaped strings. */
int ms_tablew_format_cell(const ms_column *c, const void *row, const void *ctx, bool plain_kb,
			  ms_buf *out);

#endif
