/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/pagetypeinfo (mm/vmstat.c pagetypeinfo_show), printed once per
 * node with memory:
 *   Page block order: 10
 *   Pages per block:  1024
 *
 *   Free pages count per migrate type at order       0      1 ...
 *   Node    0, zone   Normal, type    Unmovable      5      0 ...
 *
 *   Number of blocks type     Unmovable  Reclaimable ...
 *   Node 0, zone   Normal            9            1 ...
 * and, with CONFIG_PAGE_OWNER, a "Number of mixed blocks" table, which is
 * read past. Migrate types differ by kernel and vendor (Reserve, CMA before
 * Reserve on Qualcomm, HighAtomic, Isolate), so their names are taken from
 * the file, never assumed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

enum table { TABLE_NONE, TABLE_FREE, TABLE_BLOCKS, TABLE_MIXED };

typedef struct ptparser {
	ms_pagetypeinfo *out;
	enum table table;
	int norders; /* from the "Free pages count" header, 0 until seen */
	unsigned lineno;
	ms_error *err;
} ptparser;

#define FREE_HEADER "Free pages count per migrate type at order"
#define BLOCKS_HEADER "Number of blocks type"
#define MIXED_HEADER "Number of mixed blocks"

void ms_pagetypeinfo_free(ms_pagetypeinfo *p)
{
	free(p->free);
	free(p->blocks);
	memset(p, 0, sizeof *p);
	p->page_block_order = -1;
	p->pages_per_block = MS_NA;
}

static int fail(ptparser *ps, int code, const char *msg)
{
	return ms_error_set(ps->err, code, ps->lineno, "%s", msg);
}

static bool starts_with(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Grows an array of `size`-byte items to hold one more. */
static void *grow(void *items, size_t n, size_t *cap, size_t size)
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

/* ---- the two header lines ---------------------------------------------- */

/* "Page block order: 10" / "Pages per block:  1024". Nodes repeat them;
 * a repeat must agree. *value is negative (-1 or MS_NA) until seen. */
static int header_value(ptparser *ps, const char *p, const char *end, int64_t *value)
{
	int64_t v;

	if (!ms_parse_i64_word(&p, end, &v) || v < 0 || v > INT_MAX)
		return fail(ps, EINVAL, "header value is not a number");
	ms_skip_space(&p, end);
	if (p != end)
		return fail(ps, EINVAL, "unexpected text after the header value");
	if (*value >= 0 && *value != v)
		return fail(ps, EINVAL, "nodes disagree on the page block size");
	*value = v;
	return 0;
}

static int block_order_line(ptparser *ps, const char *p, const char *end)
{
	int64_t v = ps->out->page_block_order;
	int rc = header_value(ps, p, end, &v);

	if (rc == 0)
		ps->out->page_block_order = (int)v;
	return rc;
}

/* "at order       0      1 ...     10": the orders must count up from 0. */
static int free_header(ptparser *ps, const char *p, const char *end)
{
	int n = 0;
	int64_t v;

	ms_skip_space(&p, end);
	while (p < end) {
		if (n == MS_MAX_ORDERS)
			return ms_error_set(ps->err, EINVAL, ps->lineno, "more than %d orders",
					    MS_MAX_ORDERS);
		if (!ms_parse_i64_word(&p, end, &v) || v != n)
			return fail(ps, EINVAL, "orders in the header do not count up from 0");
		n++;
		ms_skip_space(&p, end);
	}
	if (n == 0)
		return fail(ps, EINVAL, "no orders in the free pages header");
	if (ps->norders && ps->norders != n)
		return fail(ps, EINVAL, "nodes disagree on the number of orders");
	ps->norders = n;
	ps->table = TABLE_FREE;
	return 0;
}

/* "Number of blocks type     Unmovable  Reclaimable ...". */
static int blocks_header(ptparser *ps, const char *p, const char *end)
{
	ms_pagetypeinfo *out = ps->out;
	/* Zeroed: the names are compared with memcmp, padding included. */
	char types[MS_MAX_MIGRATE][MS_MIGRATE_NAME] = { { 0 } };
	const char *tok;
	size_t len;
	int n = 0;

	while (ms_next_token(&p, end, &tok, &len)) {
		if (n == MS_MAX_MIGRATE)
			return ms_error_set(ps->err, EINVAL, ps->lineno,
					    "more than %d migrate types", MS_MAX_MIGRATE);
		if (len >= MS_MIGRATE_NAME)
			return fail(ps, EINVAL, "migrate type name too long");
		ms_copy_field(types[n++], MS_MIGRATE_NAME, tok, len);
	}
	if (n == 0)
		return fail(ps, EINVAL, "no migrate types in the blocks header");
	if (out->ntypes && (out->ntypes != n ||
			    memcmp(out->types, types, sizeof types[0] * (size_t)n) != 0))
		return fail(ps, EINVAL, "nodes disagree on the migrate types");
	memcpy(out->types, types, sizeof types[0] * (size_t)n);
	out->ntypes = n;
	ps->table = TABLE_BLOCKS;
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

/* A free count; ">100000" is the kernel's cap (5.9+), a lower bound. */
static bool free_count(const char **p, const char *end, int64_t *v, bool *at_least)
{
	ms_skip_space(p, end);
	*at_least = *p < end && **p == '>';
	if (*at_least)
		(*p)++;
	/* No blank between '>' and the digits. */
	if (*at_least && (*p >= end || **p < '0' || **p > '9'))
		return false;
	return ms_parse_i64_word(p, end, v) && *v >= 0;
}

/* ", type    Unmovable": the type is a word such as "<NULL>" too. */
static int read_type(ptparser *ps, const char **p, const char *end, char type[MS_MIGRATE_NAME])
{
	const char *tok;
	size_t len;

	if (*p >= end || **p != ',')
		return fail(ps, EINVAL, "expected ', type NAME' after the zone");
	(*p)++;
	if (!ms_next_token(p, end, &tok, &len) || !ms_token_eq(tok, len, "type") ||
	    !ms_next_token(p, end, &tok, &len))
		return fail(ps, EINVAL, "expected ', type NAME' after the zone");
	if (len >= MS_MIGRATE_NAME)
		return fail(ps, EINVAL, "migrate type name too long");
	ms_copy_field(type, MS_MIGRATE_NAME, tok, len);
	return 0;
}

static int free_row(ptparser *ps, const char *p, const char *end, int node,
		    const char *zone)
{
	ms_pagetypeinfo *out = ps->out;
	ms_pagetype_free row;

	memset(&row, 0, sizeof row);
	row.node = node;
	memcpy(row.zone, zone, sizeof row.zone);
	int rc = read_type(ps, &p, end, row.type);
	if (rc < 0)
		return rc;
	for (int i = 0; i < ps->norders; i++)
		if (!free_count(&p, end, &row.free[i], &row.at_least[i]))
			return ms_error_set(ps->err, EINVAL, ps->lineno,
					    "order %d: not a count, or missing", i);
	ms_skip_space(&p, end);
	if (p != end)
		return fail(ps, EINVAL, "more counts than orders in the header");
	row.norders = ps->norders;
	ms_pagetype_free *items = grow(out->free, out->nfree, &out->free_cap, sizeof *items);
	if (!items)
		return fail(ps, ENOMEM, "out of memory");
	out->free = items;
	out->free[out->nfree++] = row;
	return 0;
}

static int blocks_row(ptparser *ps, const char *p, const char *end, int node,
		      const char *zone)
{
	ms_pagetypeinfo *out = ps->out;
	ms_pagetype_blocks row;

	memset(&row, 0, sizeof row);
	row.node = node;
	memcpy(row.zone, zone, sizeof row.zone);
	for (int i = 0; i < out->ntypes; i++)
		if (!ms_parse_i64_word(&p, end, &row.count[i]) || row.count[i] < 0)
			return ms_error_set(ps->err, EINVAL, ps->lineno,
					    "%s: not a count, or missing", out->types[i]);
	ms_skip_space(&p, end);
	if (p != end)
		return fail(ps, EINVAL, "more counts than migrate types in the header");
	ms_pagetype_blocks *items = grow(out->blocks, out->nblocks, &out->blocks_cap,
					 sizeof *items);
	if (!items)
		return fail(ps, ENOMEM, "out of memory");
	out->blocks = items;
	out->blocks[out->nblocks++] = row;
	return 0;
}

static int node_row(ptparser *ps, const char *line, const char *end)
{
	const char *p = line;
	int node;
	char zone[MS_ZONE_NAME];

	if (!ms_parse_node_zone(&p, end, &node, zone))
		return fail(ps, EINVAL, "expected 'Node N, zone NAME'");
	switch (ps->table) {
	case TABLE_FREE:
		return free_row(ps, p, end, node, zone);
	case TABLE_BLOCKS:
		return blocks_row(ps, p, end, node, zone);
	case TABLE_MIXED:
		return 0; /* a debugging aid of CONFIG_PAGE_OWNER: not shown */
	case TABLE_NONE:
		break;
	}
	return fail(ps, EINVAL, "zone row before any table header");
}

static int pt_line(ptparser *ps, const char *p, const char *end)
{
	static const char order[] = "Page block order:";
	static const char per_block[] = "Pages per block:";

	if (starts_with(p, end, order))
		return block_order_line(ps, p + sizeof order - 1, end);
	if (starts_with(p, end, per_block))
		return header_value(ps, p + sizeof per_block - 1, end,
				    &ps->out->pages_per_block);
	if (starts_with(p, end, FREE_HEADER))
		return free_header(ps, p + strlen(FREE_HEADER), end);
	if (starts_with(p, end, BLOCKS_HEADER))
		return blocks_header(ps, p + strlen(BLOCKS_HEADER), end);
	if (starts_with(p, end, MIXED_HEADER)) {
		ps->table = TABLE_MIXED;
		return 0;
	}
	if (starts_with(p, end, "Node"))
		return node_row(ps, p, end);
	return fail(ps, EINVAL, "not a pagetypeinfo line");
}

int ms_parse_pagetypeinfo(const char *buf, size_t len, ms_pagetypeinfo *out, ms_error *err)
{
	ptparser ps = { .out = out, .table = TABLE_NONE, .err = err };
	ms_lines it;
	const char *line;
	size_t n;

	out->page_block_order = -1;
	out->pages_per_block = MS_NA;
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		const char *p = line, *end = line + n;
		ms_skip_space(&p, end);
		if (p == end)
			continue;
		ps.lineno = it.lineno;
		int rc = pt_line(&ps, p, end);
		if (rc < 0) {
			ms_pagetypeinfo_free(out);
			return rc;
		}
	}
	if (out->nfree == 0)
		return ms_error_set(err, EINVAL, 0, "no free pages table (empty file?)");
	return 0;
}
