/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line iteration over a buffer, without copying. */
#include <string.h>

#include "memscope/util.h"

void ms_lines_init(ms_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf ? buf + len : buf;
	it->lineno = 0;
}

bool ms_lines_next(ms_lines *it, const char **line, size_t *len)
{
	if (!it->p || it->p >= it->end)
		return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *stop = nl ? nl : it->end;
	*line = it->p;
	*len = (size_t)(stop - it->p);
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}
