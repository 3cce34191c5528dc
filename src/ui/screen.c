/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cell buffer the panes draw into (include/memscope/screen.h). It holds
 * text already made safe for a terminal; ms_screen_put_untrusted is the one
 * door for text that comes from the system.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/screen.h"

static void blank_cell(ms_cell *c)
{
	c->ch[0] = ' ';
	c->ch[1] = '\0';
	c->attr = MS_ATTR_NORMAL;
}

int ms_screen_init(ms_screen *s, int rows, int cols)
{
	s->rows = 0;
	s->cols = 0;
	s->cells = NULL;
	return ms_screen_resize(s, rows, cols);
}

int ms_screen_resize(ms_screen *s, int rows, int cols)
{
	if (rows < 0 || cols < 0)
		return -EINVAL;
	size_t n = (size_t)rows * (size_t)cols;
	ms_cell *cells = calloc(n ? n : 1, sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	free(s->cells);
	s->cells = cells;
	s->rows = rows;
	s->cols = cols;
	ms_screen_clear(s);
	return 0;
}

void ms_screen_free(ms_screen *s)
{
	free(s->cells);
	s->cells = NULL;
	s->rows = s->cols = 0;
}

void ms_screen_clear(ms_screen *s)
{
	size_t n = (size_t)s->rows * (size_t)s->cols;
	for (size_t i = 0; i < n; i++)
		blank_cell(&s->cells[i]);
}

ms_cell *ms_screen_cell(ms_screen *s, int row, int col)
{
	if (row < 0 || col < 0 || row >= s->rows || col >= s->cols)
		return NULL;
	return &s->cells[(size_t)row * (size_t)s->cols + (size_t)col];
}

const ms_cell *ms_screen_cell_const(const ms_screen *s, int row, int col)
{
	return ms_screen_cell((ms_screen *)s, row, col);
}

/* Before a cell is overwritten: a double-width character it was half of
 * would otherwise be left with a dangling half that shifts the row. */
static void break_wide_pair(ms_screen *s, int row, int col)
{
	ms_cell *c = ms_screen_cell(s, row, col);
	ms_cell *next = ms_screen_cell(s, row, col + 1);
	if (c && c->ch[0] == '\0') {
		ms_cell *prev = ms_screen_cell(s, row, col - 1);
		if (prev)
			blank_cell(prev);
	}
	if (next && next->ch[0] == '\0')
		blank_cell(next);
}

/* Length of the UTF-8 sequence led by b. The text given to put() is valid
 * UTF-8 (ours, or escaped); a stray byte counts as one so we always move. */
static size_t utf8_len(unsigned char b)
{
	if (b < 0xc0)
		return 1;
	if (b < 0xe0)
		return 2;
	if (b < 0xf0)
		return 3;
	return 4;
}

int ms_screen_put(ms_screen *s, int row, int col, int maxw, ms_attr attr, const char *text,
		  size_t len)
{
	if (row < 0 || row >= s->rows || col < 0 || (maxw < 0 && maxw != MS_TO_EDGE))
		return 0; /* a width computed below zero: no room left */
	int limit = s->cols - col;
	if (maxw != MS_TO_EDGE && maxw < limit)
		limit = maxw;
	int used = 0;
	size_t i = 0;
	while (i < len && used < limit) {
		size_t n = utf8_len((unsigned char)text[i]);
		if (n > len - i)
			n = len - i;
		int w = (int)ms_display_width(text + i, n);
		if (w == 0 || n > 4) { /* combining marks have no cell of their own */
			i += n;
			continue;
		}
		if (used + w > limit)
			break; /* a wide character that does not fit is left out */
		break_wide_pair(s, row, col + used);
		if (w == 2)
			break_wide_pair(s, row, col + used + 1);
		ms_cell *c = ms_screen_cell(s, row, col + used);
		memcpy(c->ch, text + i, n);
		c->ch[n] = '\0';
		c->attr = (uint8_t)attr;
		if (w == 2) {
			ms_cell *half = ms_screen_cell(s, row, col + used + 1);
			half->ch[0] = '\0';
			half->attr = (uint8_t)attr;
		}
		used += w;
		i += n;
	}
	return used;
}

int ms_screen_puts(ms_screen *s, int row, int col, int maxw, ms_attr attr, const char *text)
{
	return ms_screen_put(s, row, col, maxw, attr, text, strlen(text));
}

int ms_screen_printf(ms_screen *s, int row, int col, int maxw, ms_attr attr, const char *fmt,
		     ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return ms_screen_put(s, row, col, maxw, attr, line,
			     (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

int ms_screen_put_untrusted(ms_screen *s, int row, int col, int maxw, ms_attr attr,
			    const char *text, size_t len)
{
	ms_buf safe = MS_BUF_INIT;
	int used = 0;
	if (ms_escape_display(&safe, text, len) == 0)
		used = ms_screen_put(s, row, col, maxw, attr, safe.data ? safe.data : "",
				     safe.len);
	else
		used = ms_screen_puts(s, row, col, maxw, attr, "?"); /* out of memory */
	ms_buf_free(&safe);
	return used;
}

void ms_screen_fill(ms_screen *s, int row, int col, int n, char ch, ms_attr attr)
{
	for (int i = 0; i < n; i++) {
		ms_cell *c = ms_screen_cell(s, row, col + i);
		if (!c)
			return;
		break_wide_pair(s, row, col + i);
		c->ch[0] = ch;
		c->ch[1] = '\0';
		c->attr = (uint8_t)attr;
	}
}

void ms_screen_set_attr(ms_screen *s, int row, int col, int n, ms_attr attr)
{
	for (int i = 0; i < n; i++) {
		ms_cell *c = ms_screen_cell(s, row, col + i);
		if (!c)
			return;
		c->attr = (uint8_t)attr;
	}
}

void ms_screen_blit(ms_screen *dst, int dst_row, const ms_screen *src, int src_row, int nrows)
{
	int cols = dst->cols < src->cols ? dst->cols : src->cols;
	for (int i = 0; i < nrows; i++) {
		int d = dst_row + i, r = src_row + i;
		if (d < 0 || r < 0 || d >= dst->rows || r >= src->rows)
			continue;
		memcpy(ms_screen_cell(dst, d, 0), ms_screen_cell_const(src, r, 0),
		       (size_t)cols * sizeof(ms_cell));
	}
}

void ms_screen_show_window(ms_screen *dst, ms_rect r, const ms_screen *src, int used,
			   int *scroll)
{
	int max = used - r.rows;
	if (*scroll > max)
		*scroll = max;
	if (*scroll < 0)
		*scroll = 0;
	int n = used - *scroll < r.rows ? used - *scroll : r.rows;
	ms_screen_blit(dst, r.row, src, *scroll, n);
}

int ms_screen_row_text(const ms_screen *s, int row, ms_buf *out)
{
	ms_buf_reset(out);
	if (ms_buf_puts(out, "") != 0)
		return -ENOMEM;
	if (row < 0 || row >= s->rows)
		return 0;
	for (int c = 0; c < s->cols; c++)
		if (ms_buf_puts(out, ms_screen_cell_const(s, row, c)->ch) != 0)
			return -ENOMEM;
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	return 0;
}
