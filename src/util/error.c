/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one error record: an errno code, the input line and a message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/util.h"

/* A UTF-8 continuation byte: not a place to cut. */
static bool inside_char(const char *s, size_t i)
{
	return ((unsigned char)s[i] & 0xc0) == 0x80;
}

/* text (len bytes, longer than dst holds) into dst with its middle
 * replaced by "...": a message begins with what (a path, an argument as
 * typed, which may be any length) and ends with why, and why must not be
 * the part that is lost. */
static void keep_ends(char *dst, size_t cap, const char *text, size_t len)
{
	size_t room = cap - 1 - 3, tail = room * 2 / 3, head = room - tail;

	while (head > 0 && inside_char(text, head))
		head--;
	size_t from = len - tail;
	while (from < len && inside_char(text, from))
		from++;
	memcpy(dst, text, head);
	memcpy(dst + head, "...", 3);
	memcpy(dst + head + 3, text + from, len - from);
	dst[head + 3 + (len - from)] = '\0';
}

int ms_error_set(ms_error *e, int code, unsigned line, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		e->code = code;
		e->line = line;
		va_start(ap, fmt);
		int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		char *whole = n >= (int)sizeof e->msg ? malloc((size_t)n + 1) : NULL;
		if (whole) {
			va_start(ap, fmt);
			vsnprintf(whole, (size_t)n + 1, fmt, ap);
			va_end(ap);
			keep_ends(e->msg, sizeof e->msg, whole, (size_t)n);
			free(whole);
		}
	}
	return -code;
}

void ms_error_clear(ms_error *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

void ms_error_prefix(ms_error *e, const char *what)
{
	char old[sizeof e->msg];

	if (!e || !what || !*what)
		return;
	memcpy(old, e->msg, sizeof old);
	/* A long prefix gives up its middle before the message loses its end. */
	ms_error_set(e, e->code, e->line, "%s: %s", what, old);
}
