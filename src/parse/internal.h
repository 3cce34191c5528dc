/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small pieces shared by the parsers of issue 10 (iomem, vmallocinfo, the
 * device tree, CMA, DMA-BUF, PSI, memblock): growing an array by one
 * item, keeping untrusted names in one string pool, and prefix tests.
 * Everything is static inline: this header adds no symbol.
 */
#ifndef MEMSCOPE_PARSE_INTERNAL_H
#define MEMSCOPE_PARSE_INTERNAL_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/util.h"

/* Makes room for item n of an array of `size`-byte items; the array (maybe
 * moved) or NULL when out of memory (the old one is then untouched). */
static inline void *ms_grow_one(void *items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	size_t ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return NULL;
	void *p = realloc(items, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

/* Appends s[0..len) and a NUL to the pool; *off is where it starts.
 * -ENOMEM, or -EFBIG when the pool would pass 4 GiB (offsets are 32-bit). */
static inline int ms_pool_add(ms_buf *pool, const char *s, size_t len, uint32_t *off)
{
	if (len >= UINT32_MAX || pool->len > UINT32_MAX - len - 1)
		return -EFBIG;
	if (ms_buf_reserve(pool, len + 1) != 0)
		return -ENOMEM;
	*off = (uint32_t)pool->len;
	ms_buf_append(pool, s, len); /* cannot fail: reserved */
	ms_buf_append(pool, "", 1);
	return 0;
}

/* The NUL-terminated string at off, or "" when the pool is empty. */
static inline const char *ms_pool_str(const ms_buf *pool, uint32_t off, uint32_t len)
{
	if (len == 0 || !pool->data || off >= pool->len)
		return "";
	return pool->data + off;
}

static inline bool ms_has_prefix(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Drops trailing blanks and a '\r' (files saved with CRLF, as AOSP's
 * testdata). */
static inline void ms_trim_right(const char *line, const char **end)
{
	while (*end > line && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

/* Drops a trailing '\r' only, for lines whose last field is free text. */
static inline void ms_trim_cr(const char *line, const char **end)
{
	if (*end > line && (*end)[-1] == '\r')
		(*end)--;
}

static inline bool ms_is_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

#endif
