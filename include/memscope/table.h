/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tables declared once, as data. A column says its key (JSON/CSV field and
 * --sort name), title, width, unit, how to read it from a row, its default
 * sort direction and its one-line help. Text headers, sort keys, help, CSV
 * and JSON field lists all come from these declarations, for the batch
 * views and the TUI panes alike.
 */
#ifndef MEMSCOPE_TABLE_H
#define MEMSCOPE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "memscope/util.h"

typedef enum ms_col_kind {
	MS_COL_INT,  /* a count */
	MS_COL_KB,   /* kB: human units in text unless -k */
	MS_COL_PCT,  /* percent, an integer */
	MS_COL_HEX,  /* uint64 address, printed as hex */
	MS_COL_STR,  /* untrusted text: escaped on output */
} ms_col_kind;

typedef struct ms_column {
	const char *key;   /* "pss_kb" */
	const char *title; /* "PSS" */
	int width;         /* text width (minimum) */
	ms_col_kind kind;
	bool left;         /* left-aligned (text) */
	/* Reading a cell: a getter, or an offset of an int64_t (MS_COL_INT,
	 * KB, PCT), uint64_t (HEX), char[] (STR, str_inline) or const char *
	 * (STR) in the row. ctx is the table's context (sample, vma list...). */
	size_t offset;
	bool str_inline;
	int64_t (*get_i64)(const void *row, const void *ctx);
	const char *(*get_str)(const void *row, const void *ctx);
	bool descending;   /* default direction when sorted on */
	int drop_rank;     /* narrow terminal: higher ranks go first; 0 never */
	bool no_total;     /* excluded from a totals row */
	/* Text (batch and the explorer) shows it after every other column,
	 * unpadded, as pmap puts the name last: a path of any length then
	 * widens no other column. CSV and JSON keep the declared order. */
	bool text_last;
	/* When the explorer must cut it, the middle goes and the end (a
	 * file name) stays: "/lib/...ynload/unicodedata.cpython-34m.so". */
	bool keep_end;
	/* An empty text is an unknown one: JSON null, "-" in text (the
	 * cgroup of a process whose cgroup file could not be read). */
	bool null_when_empty;
	const char *help;  /* one line */
} ms_column;

typedef struct ms_table_def {
	const char *name;         /* "procrank" */
	const ms_column *cols;
	size_t ncols;
	const char *default_sort; /* key */
	const char *tie_break;    /* key: ties are ordered by it, ascending */
} ms_table_def;

extern const ms_table_def ms_procrank_table; /* rows: ms_proc, ctx: sample */
extern const ms_table_def ms_slab_table;     /* rows: ms_slab, ctx: sample */
extern const ms_table_def ms_zone_table;     /* rows: ms_zone, ctx: sample */
extern const ms_table_def ms_vma_table;      /* rows: ms_vma, ctx: ms_vmalist */
/* rows: ms_librank_name, ctx: its ms_librank (the libs view, the libs pane) */
extern const ms_table_def ms_librank_table;

/* The columns in the order text shows them: the declared order, with
 * the text_last ones moved to the end. order holds t->ncols indices;
 * returns t->ncols. */
size_t ms_table_text_order(const ms_table_def *t, size_t *order);

/* Column by key; accepts the key with or without its "_kb" suffix and a
 * few aliases ("size" for size_kb). -1 when unknown. */
int ms_table_find_col(const ms_table_def *t, const char *key);

int64_t ms_cell_i64(const ms_column *c, const void *row, const void *ctx);
uint64_t ms_cell_u64(const ms_column *c, const void *row, const void *ctx);
const char *ms_cell_str(const ms_column *c, const void *row, const void *ctx);

/* Sorts rows (an array of stride bytes each) on column col; ties by the
 * table's tie-break column, ascending. MS_NA sorts after every value. */
void ms_table_sort(const ms_table_def *t, void *rows, size_t n, size_t stride, int col,
		   bool descending, const void *ctx);

/* The text of a number cell (INT, KB, PCT, HEX) wherever text shows it,
 * the explorer and batch text alike: "-" when unknown, kB in human units
 * unless plain ("12.3M", "-8K"), percent with its sign ("42%"), addresses
 * in hex of at least 8 digits. dst holds MS_CELL_MAX bytes; returns the
 * length. A string cell is ms_cell_str, escaped by whoever shows it. */
#define MS_CELL_MAX 64
size_t ms_cell_format(const ms_column *c, const void *row, const void *ctx, bool plain_kb,
		      char dst[MS_CELL_MAX]);

/* "12.3M", "980K", "1.20G" (kB in); plain kB with plain=true. */
void ms_format_kb(char *dst, size_t cap, int64_t kb, bool plain);

/* A PSI average (hundredths of a percent, as the model keeps it) as the
 * kernel prints it: "0.72"; "-" when unknown. dst holds MS_CELL_MAX bytes. */
void ms_psi_pct_text(char *dst, int64_t hundredths);

#endif
