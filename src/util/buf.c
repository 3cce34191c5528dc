/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One growable byte buffer for all text (files read, output built). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/util.h"

int ms_array_grow(void *items, size_t *cap, size_t n, size_t elem, size_t first)
{
	void **array = items; /* the caller's pointer, of any element type */

	if (n < *cap)
		return 0;
	size_t more = *cap ? *cap * 2 : first;
	if (more <= *cap || more > SIZE_MAX / elem)
		return -ENOMEM;
	void *p = realloc(*array, more * elem);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = more;
	return 0;
}

int ms_buf_reserve(ms_buf *b, size_t extra)
{
	/* +1 keeps room for the terminating NUL. */
	if (extra > SIZE_MAX - b->len - 1)
		return -ENOMEM;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	b->data[b->len] = '\0';
	return 0;
}

int ms_buf_append(ms_buf *b, const void *p, size_t n)
{
	/* Room already there is the common case: no call to reserve. */
	if ((b->cap == 0 || n >= b->cap - b->len) && ms_buf_reserve(b, n) != 0)
		return -ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int ms_buf_puts(ms_buf *b, const char *s)
{
	return ms_buf_append(b, s, strlen(s));
}

int ms_buf_putc(ms_buf *b, char c)
{
	return ms_buf_append(b, &c, 1);
}

int ms_buf_vprintf(ms_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(again);
		return -EINVAL;
	}
	if ((size_t)n < sizeof small) {
		va_end(again);
		return ms_buf_append(b, small, (size_t)n);
	}
	if (ms_buf_reserve(b, (size_t)n) != 0) {
		va_end(again);
		return -ENOMEM;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
	return 0;
}

int ms_buf_printf(ms_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = ms_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void ms_buf_reset(ms_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void ms_buf_free(ms_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *ms_buf_detach(ms_buf *b)
{
	if (!b->data && ms_buf_reserve(b, 0) != 0)
		return NULL;
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
