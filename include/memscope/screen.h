/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A screen buffer: rows x cols cells, each one code point of text and an
 * attribute. The explorer's panes draw into it and the terminal layer
 * (src/ui/term.c) copies it to curses, so that every pane can be drawn and
 * checked in a test without a terminal.
 *
 * Attributes say what a cell is, not how it looks: term.c maps them to
 * colours, or to reverse/bold/underline on a monochrome terminal.
 */
#ifndef MEMSCOPE_SCREEN_H
#define MEMSCOPE_SCREEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/util.h"

typedef enum ms_attr {
	MS_ATTR_NORMAL,
	MS_ATTR_TITLE,     /* header lines, pane titles */
	MS_ATTR_COLHEAD,   /* a table's column titles */
	MS_ATTR_SORTED,    /* the title of the sort column */
	MS_ATTR_SELECTED,  /* the selected row */
	MS_ATTR_TAB,       /* a pane name in the tab line */
	MS_ATTR_TAB_ON,    /* the visible pane's name */
	MS_ATTR_DIM,       /* secondary: gaps, units, hints */
	MS_ATTR_TOTAL,     /* a totals row */
	MS_ATTR_WARN,      /* a part that could not be read, low watermarks */
	MS_ATTR_GROW,      /* something grew since the previous refresh */
	MS_ATTR_STATUS,    /* the bottom line: prompt, message */
	/* Segments of the memory bar and the histograms. */
	MS_ATTR_BAR_ANON,
	MS_ATTR_BAR_CACHE,
	MS_ATTR_BAR_SLAB_R,
	MS_ATTR_BAR_SLAB_U,
	MS_ATTR_BAR_KSTACK,
	MS_ATTR_BAR_PTABLES,
	MS_ATTR_BAR_CMA,
	MS_ATTR_BAR_OTHER,
	MS_ATTR_BAR_FREE,
	MS_ATTR_COUNT
} ms_attr;

/* One cell: a NUL-terminated UTF-8 code point ("" for the right half of a
 * double-width character drawn in the cell before it). */
typedef struct ms_cell {
	char ch[5];
	uint8_t attr;
} ms_cell;

typedef struct ms_screen {
	int rows, cols;
	ms_cell *cells; /* rows * cols */
} ms_screen;

/* A part of the screen a pane draws in. */
typedef struct ms_rect {
	int row, col, rows, cols;
} ms_rect;

/* Keys, independent of curses so that panes can be driven by tests.
 * Printable keys are their ASCII code. */
enum ms_key {
	MS_KEY_NONE = -1,
	MS_KEY_ENTER = '\n',
	MS_KEY_ESC = 27,
	MS_KEY_UP = 0x1000,
	MS_KEY_DOWN,
	MS_KEY_LEFT,
	MS_KEY_RIGHT,
	MS_KEY_PGUP,
	MS_KEY_PGDN,
	MS_KEY_HOME,
	MS_KEY_END,
	MS_KEY_BTAB,      /* Shift-Tab */
	MS_KEY_BACKSPACE,
	MS_KEY_F1,
	MS_KEY_F6,
	MS_KEY_F10,
	MS_KEY_RESIZE,
};

/* All return 0 or -ENOMEM. A fresh screen is blank (spaces, NORMAL). */
int ms_screen_init(ms_screen *s, int rows, int cols);
int ms_screen_resize(ms_screen *s, int rows, int cols);
void ms_screen_free(ms_screen *s);
void ms_screen_clear(ms_screen *s);

ms_cell *ms_screen_cell(ms_screen *s, int row, int col); /* NULL outside */
const ms_cell *ms_screen_cell_const(const ms_screen *s, int row, int col);

/* maxw for "up to the edge of the screen". */
#define MS_TO_EDGE (-1)

/* Draws UTF-8 text that is already safe for a terminal (our own labels, or
 * the result of ms_escape_display) at (row, col), clipped to maxw columns
 * (MS_TO_EDGE, or any other negative width: nothing) and to the
 * screen. Returns the columns used. */
int ms_screen_put(ms_screen *s, int row, int col, int maxw, ms_attr attr, const char *text,
		  size_t len);
int ms_screen_puts(ms_screen *s, int row, int col, int maxw, ms_attr attr, const char *text);
int ms_screen_printf(ms_screen *s, int row, int col, int maxw, ms_attr attr, const char *fmt,
		     ...) __attribute__((format(printf, 6, 7)));
/* Text from the system (names, command lines, paths): escaped with
 * ms_escape_display before it is drawn. */
int ms_screen_put_untrusted(ms_screen *s, int row, int col, int maxw, ms_attr attr,
			    const char *text, size_t len);
/* n cells of one ASCII character. */
void ms_screen_fill(ms_screen *s, int row, int col, int n, char ch, ms_attr attr);
/* Sets the attribute of n cells, keeping their text. */
void ms_screen_set_attr(ms_screen *s, int row, int col, int n, ms_attr attr);

/* Copies rows [src_row, src_row + nrows) of src to dst starting at
 * dst_row (clipped to both): panes taller than their rect draw into a
 * scratch screen and show a window of it. */
void ms_screen_blit(ms_screen *dst, int dst_row, const ms_screen *src, int src_row, int nrows);

/* Shows `used` rows of a tall scratch screen in r of dst, from row
 * *scroll (clamped, and written back): panes taller than the terminal. */
void ms_screen_show_window(ms_screen *dst, ms_rect r, const ms_screen *src, int used,
			   int *scroll);

/* The text of one row, trailing blanks removed (tests, debugging). */
int ms_screen_row_text(const ms_screen *s, int row, ms_buf *out);

#endif
