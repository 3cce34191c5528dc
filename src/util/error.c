/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one error record: an errno code, the input line and a message. */
#include <stdio.h>
#include <string.h>

#include "memscope/util.h"

int ms_error_set(ms_error *e, int code, unsigned line, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		e->code = code;
		e->line = line;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
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
	/* Truncation is fine: the start of a message says the most. */
	int n = snprintf(e->msg, sizeof e->msg, "%s: ", what);
	if (n > 0 && (size_t)n < sizeof e->msg)
		ms_copy_field(e->msg + n, sizeof e->msg - (size_t)n, old, strlen(old));
}
