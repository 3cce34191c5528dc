/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal layer (src/ui/term.c), the only code that knows curses:
 * setting the terminal up and restoring it, reading keys as ms_key codes
 * and copying a screen buffer to the terminal.
 */
#ifndef MEMSCOPE_TERM_H
#define MEMSCOPE_TERM_H

#include "memscope/screen.h"

typedef struct ms_term ms_term;

/* Takes over the terminal on stdin/stdout. Colours unless no_color, NO_COLOR
 * is set or the terminal has none; line-drawing and non-ASCII text only
 * when the locale is UTF-8. Returns NULL with *err set when stdin/stdout is
 * not a terminal or curses cannot start. */
ms_term *ms_term_open(bool no_color, ms_error *err);
/* Restores the terminal and frees t (NULL is fine). */
void ms_term_close(ms_term *t);

void ms_term_size(const ms_term *t, int *rows, int *cols);
bool ms_term_has_color(const ms_term *t);

/* The descriptor to poll for input. */
int ms_term_fd(const ms_term *t);
/* The next key without waiting: an ms_key, a character, or MS_KEY_NONE.
 * MS_KEY_RESIZE after the terminal changed size (the size is updated). */
int ms_term_read_key(ms_term *t);

/* Draws the whole screen buffer (curses sends only what changed). */
void ms_term_flush(ms_term *t, const ms_screen *s);

#endif
