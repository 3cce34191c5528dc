/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/sysvipc/shm (ipc/shm.c: the header given to
 * ipc_init_proc_interface in shm_init, rows by sysvipc_shm_proc_show).
 * 64-bit kernels since 2.6.32:
 *        key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
 *          0      65538   600               8388608  2301  2301      2  1000  1000  1000  1000 1700000000          0 1699999990               8388608                     0
 * 32-bit kernels print narrower size/rss/swap columns; kernels before
 * 2.6.32 stop at ctime. So the columns are taken from the header, by name.
 * key is printed as a signed int (%10d: keys from ftok can be negative),
 * perms in octal (%4o), size, rss and swap in bytes (rss and swap are
 * pages << PAGE_SHIFT), the pids in the reader's pid namespace.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "memscope/util.h"

#define MAX_COLUMNS 24
#define NOT_KNOWN SIZE_MAX

static const struct column {
	const char *name;
	size_t off;
} columns[] = {
	{ "key", offsetof(ms_shm_segment, key) },
	{ "shmid", offsetof(ms_shm_segment, shmid) },
	{ "perms", offsetof(ms_shm_segment, perms) },
	{ "size", offsetof(ms_shm_segment, size) },
	{ "cpid", offsetof(ms_shm_segment, cpid) },
	{ "lpid", offsetof(ms_shm_segment, lpid) },
	{ "nattch", offsetof(ms_shm_segment, nattch) },
	{ "uid", offsetof(ms_shm_segment, uid) },
	{ "gid", offsetof(ms_shm_segment, gid) },
	{ "cuid", offsetof(ms_shm_segment, cuid) },
	{ "cgid", offsetof(ms_shm_segment, cgid) },
	{ "atime", offsetof(ms_shm_segment, atime) },
	{ "dtime", offsetof(ms_shm_segment, dtime) },
	{ "ctime", offsetof(ms_shm_segment, ctime) },
	{ "rss", offsetof(ms_shm_segment, rss) },
	{ "swap", offsetof(ms_shm_segment, swap) },
};

/* Where each column of this file goes: an offset into ms_shm_segment,
 * or NOT_KNOWN for a column a later kernel may add. */
typedef struct layout {
	int n;
	size_t off[MAX_COLUMNS];
} layout;

void ms_shmlist_free(ms_shmlist *l)
{
	free(l->items);
	memset(l, 0, sizeof *l);
}

static size_t column_offset(const char *tok, size_t len)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(columns); i++)
		if (ms_token_eq(tok, len, columns[i].name))
			return columns[i].off;
	return NOT_KNOWN;
}

static bool has_column(const layout *lay, size_t off)
{
	for (int i = 0; i < lay->n; i++)
		if (lay->off[i] == off)
			return true;
	return false;
}

static int read_header(layout *lay, const char *line, size_t len, ms_error *err)
{
	const char *p = line, *end = line + len, *tok;
	size_t tlen;

	lay->n = 0;
	while (ms_next_token(&p, end, &tok, &tlen)) {
		if (lay->n == MAX_COLUMNS)
			return ms_error_set(err, EINVAL, 1, "more than %d columns", MAX_COLUMNS);
		size_t off = column_offset(tok, tlen);
		if (off != NOT_KNOWN && has_column(lay, off))
			return ms_error_set(err, EINVAL, 1, "a column named twice");
		lay->off[lay->n++] = off;
	}
	if (!has_column(lay, offsetof(ms_shm_segment, key)) ||
	    !has_column(lay, offsetof(ms_shm_segment, shmid)) ||
	    !has_column(lay, offsetof(ms_shm_segment, size)))
		return ms_error_set(err, EINVAL, 1, "not a sysvipc/shm header (key, shmid, size)");
	return 0;
}

/* "%4o": octal digits only. */
static bool token_octal(const char *tok, size_t len, int64_t *out)
{
	int64_t v = 0;

	if (len == 0 || len > 21)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '7')
			return false;
		v = v * 8 + (tok[i] - '0');
	}
	*out = v;
	return true;
}

static void segment_init(ms_shm_segment *s)
{
	int64_t *f = (int64_t *)s;

	for (size_t i = 0; i < sizeof *s / sizeof *f; i++)
		f[i] = MS_NA;
}

static bool read_field(ms_shm_segment *s, size_t off, const char *tok, size_t len)
{
	int64_t v, ignored;

	if (off == NOT_KNOWN)
		return ms_token_i64(tok, len, &ignored);
	if (off == offsetof(ms_shm_segment, perms) ? !token_octal(tok, len, &v)
						     : !ms_token_i64(tok, len, &v))
		return false;
	*(int64_t *)((char *)s + off) = v;
	return true;
}

static int grow(ms_shmlist *l)
{
	return ms_array_grow(&l->items, &l->cap, l->n, sizeof *l->items, 16);
}

static int parse_row(ms_shmlist *l, const layout *lay, const char *line, size_t len,
		     unsigned lineno, ms_error *err)
{
	const char *p = line, *end = line + len, *tok;
	size_t tlen;
	ms_shm_segment s;
	int n = 0;

	segment_init(&s);
	while (ms_next_token(&p, end, &tok, &tlen)) {
		if (n == lay->n)
			return ms_error_set(err, EINVAL, lineno, "more fields than the header");
		if (!read_field(&s, lay->off[n], tok, tlen))
			return ms_error_set(err, EINVAL, lineno, "field %d is not a number", n + 1);
		n++;
	}
	if (n != lay->n)
		return ms_error_set(err, EINVAL, lineno, "%d fields, the header has %d", n, lay->n);
	if (grow(l) != 0)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	l->items[l->n++] = s;
	return 0;
}

int ms_parse_sysvipc_shm(const char *buf, size_t len, ms_shmlist *out, ms_error *err)
{
	layout lay;
	ms_lines it;
	const char *line;
	size_t llen;
	int rc;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	ms_lines_init(&it, buf, len);
	if (!ms_lines_next(&it, &line, &llen))
		return ms_error_set(err, EINVAL, 1, "empty: no header");
	rc = read_header(&lay, line, llen, err);
	while (rc == 0 && ms_lines_next(&it, &line, &llen)) {
		const char *p = line, *t;
		size_t tl;
		if (ms_next_token(&p, line + llen, &t, &tl))
			rc = parse_row(out, &lay, line, llen, it.lineno, err);
	}
	if (rc != 0)
		ms_shmlist_free(out);
	return rc;
}
