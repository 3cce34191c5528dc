/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memscope-statvfs: the file-system figures of the RAM-backed mounts
 * (tmpfs, ramfs...) as memscope capture and data/memscope-capture.sh
 * record them, since /proc has no file that says how full a tmpfs is
 * (doc/snapshot.md). One line per mount point:
 *   /dev/shm 4096 2009563 2009563 2009563 2009563 2009561
 *   DIR      BSIZE BLOCKS BFREE   BAVAIL  FILES   FFREE
 * DIR escaped as /proc/mounts escapes it (\040 for a space); the numbers
 * are statvfs's f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree
 * (stat -f's %S %b %f %a %c %d).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "memscope/util.h"

void ms_fsusage_list_free(ms_fsusage_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].dir);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static int grow(ms_fsusage_list *l)
{
	return ms_array_grow(&l->items, &l->cap, l->n, sizeof *l->items, 8);
}

static int parse_line(ms_fsusage_list *l, const char *line, size_t len, unsigned lineno,
		      ms_buf *dir, ms_error *err)
{
	const char *p = line, *end = line + len, *tok[7];
	size_t tlen[7], n = 0;
	int64_t v[6];

	if (memchr(line, '\0', len))
		return ms_error_set(err, EINVAL, lineno, "a NUL byte in the line");
	while (n < 8 && ms_next_token(&p, end, &tok[n < 7 ? n : 6], &tlen[n < 7 ? n : 6]))
		n++;
	if (n != 7)
		return ms_error_set(err, EINVAL, lineno,
				    "not \"dir bsize blocks bfree bavail files ffree\"");
	for (int i = 0; i < 6; i++)
		if (!ms_token_i64(tok[i + 1], tlen[i + 1], &v[i]) || v[i] < 0)
			return ms_error_set(err, EINVAL, lineno, "not a count: field %d", i + 2);
	if (v[2] > v[1] || v[3] > v[1] || v[0] == 0)
		return ms_error_set(err, EINVAL, lineno, "free blocks above the total");
	ms_buf_reset(dir);
	if (ms_unescape_octal(dir, tok[0], tlen[0]) != 0 || grow(l) != 0)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	char *d = strdup(dir->data);
	if (!d)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	l->items[l->n++] = (ms_fsusage){ d, v[0], v[1], v[2], v[3], v[4], v[5] };
	return 0;
}

int ms_parse_statvfs_list(const char *buf, size_t len, ms_fsusage_list *out, ms_error *err)
{
	ms_buf dir = MS_BUF_INIT;
	ms_lines it;
	const char *line;
	size_t llen;
	int rc = 0;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &llen)) {
		const char *p = line, *t;
		size_t tl;
		if (ms_next_token(&p, line + llen, &t, &tl))
			rc = parse_line(out, line, llen, it.lineno, &dir, err);
	}
	ms_buf_free(&dir);
	if (rc != 0)
		ms_fsusage_list_free(out);
	return rc;
}

const ms_fsusage *ms_fsusage_find(const ms_fsusage_list *l, const char *dir)
{
	for (size_t i = l->n; i-- > 0;)
		if (strcmp(l->items[i].dir, dir) == 0)
			return &l->items[i];
	return NULL;
}

int64_t ms_fsusage_size_kb(const ms_fsusage *u)
{
	if (!u || u->blocks > INT64_MAX / u->bsize)
		return MS_NA;
	return u->blocks * u->bsize / 1024;
}

int64_t ms_fsusage_used_kb(const ms_fsusage *u)
{
	if (!u || u->blocks > INT64_MAX / u->bsize)
		return MS_NA;
	return (u->blocks - u->bfree) * u->bsize / 1024;
}
