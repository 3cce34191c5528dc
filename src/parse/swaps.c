/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/swaps (mm/swapfile.c swap_show). Since 2.6.x:
 *   Filename				Type		Size		Used		Priority
 *   /dev/zram0                              partition	196604		25344		100
 *   /swap\040file                           file		1048572		0		-2
 * The header is one line of tab-separated words (wider tabs since 5.x).
 * The path goes through seq_file_path with " \t\n\\" escaped as \ooo, so
 * a deleted swap file reads "/swapfile\040(deleted)"; kernels before that
 * escaping (2.6.2x) printed spaces as they were, so a row with more than
 * five fields takes its last four as type, size, used and priority and
 * the rest as the path. Sizes in kB; priorities are negative when the
 * kernel chose them. Type is "partition" (a block device) or "file".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "memscope/util.h"

static const char *const header[] = { "Filename", "Type", "Size", "Used", "Priority" };

void ms_swaplist_free(ms_swaplist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].path);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static bool is_header(const char *line, size_t len)
{
	const char *p = line, *end = line + len, *tok;
	size_t tlen;

	for (size_t i = 0; i < MS_ARRAY_LEN(header); i++)
		if (!ms_next_token(&p, end, &tok, &tlen) || !ms_token_eq(tok, tlen, header[i]))
			return false;
	return !ms_next_token(&p, end, &tok, &tlen);
}

static int grow(ms_swaplist *l)
{
	return ms_array_grow(&l->items, &l->cap, l->n, sizeof *l->items, 8);
}

/* The four fields after the path, read from the end of the line. */
static bool tail_fields(const char **tail_start, ms_swap *s, const char *tok[4],
			const size_t tlen[4])
{
	if (tlen[0] >= sizeof s->type)
		return false;
	ms_copy_field(s->type, sizeof s->type, tok[0], tlen[0]);
	*tail_start = tok[0];
	return ms_token_i64(tok[1], tlen[1], &s->size_kb) && s->size_kb >= 0 &&
	       ms_token_i64(tok[2], tlen[2], &s->used_kb) && s->used_kb >= 0 &&
	       ms_token_i64(tok[3], tlen[3], &s->priority);
}

static int parse_row(ms_swaplist *l, const char *line, size_t len, unsigned lineno,
		     ms_buf *path, ms_error *err)
{
	const char *p = line, *end = line + len, *tok[4], *t, *tail;
	size_t tlen[4], n = 0, tl;
	ms_swap s = { 0 };

	if (memchr(line, '\0', len))
		return ms_error_set(err, EINVAL, lineno, "a NUL byte in the line");
	/* A ring of the last four tokens; n counts them all. */
	while (ms_next_token(&p, end, &t, &tl)) {
		memmove(tok, tok + 1, 3 * sizeof tok[0]);
		memmove(tlen, tlen + 1, 3 * sizeof tlen[0]);
		tok[3] = t;
		tlen[3] = tl;
		n++;
	}
	if (n < 5 || !tail_fields(&tail, &s, tok, tlen))
		return ms_error_set(err, EINVAL, lineno,
				    "not \"path type size used priority\"");
	const char *start = line;
	ms_skip_space(&start, tail);
	size_t plen = (size_t)(tail - start);
	while (plen > 0 && (start[plen - 1] == ' ' || start[plen - 1] == '\t'))
		plen--;
	ms_buf_reset(path);
	if (ms_unescape_octal(path, start, plen) != 0 || grow(l) != 0 ||
	    !(s.path = strdup(path->data)))
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	l->items[l->n++] = s;
	return 0;
}

int ms_parse_swaps(const char *buf, size_t len, ms_swaplist *out, ms_error *err)
{
	ms_buf path = MS_BUF_INIT;
	ms_lines it;
	const char *line;
	size_t llen;
	int rc = 0;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	ms_lines_init(&it, buf, len);
	if (!ms_lines_next(&it, &line, &llen) || !is_header(line, llen))
		return ms_error_set(err, EINVAL, 1,
				    "no \"Filename Type Size Used Priority\" header");
	while (rc == 0 && ms_lines_next(&it, &line, &llen)) {
		const char *p = line, *t;
		size_t tl;
		if (ms_next_token(&p, line + llen, &t, &tl))
			rc = parse_row(out, line, llen, it.lineno, &path, err);
	}
	ms_buf_free(&path);
	if (rc != 0)
		ms_swaplist_free(out);
	return rc;
}
