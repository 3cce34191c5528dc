/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/zoneinfo (mm/vmstat.c zoneinfo_show_print). One block per zone:
 *   Node 0, zone   Normal
 *     per-node stats              (>= 4.8, first zone of a node only)
 *         nr_inactive_anon 2037
 *     pages free     3840
 *           min      57           (also boost, low, high, promo, spanned,
 *           ...                    present, managed, cma, by kernel)
 *           protection: (0, 3019, 4427, 4427, 4427)
 *         nr_free_pages 3840
 *     pagesets
 *       cpu: 0                    ("cpu: 0 pcp: 0" on 2.6.16)
 *                 count: 0
 *                 high:  0        (per-cpu: never mistaken for the watermark)
 *     vm stats threshold: 4
 *     node_unreclaimable:  0      (all_unreclaimable: on old kernels)
 *     start_pfn:           1
 * The watermarks and sizes go to named fields, every other "name value"
 * line to the zone's stats list, the per-cpu pagesets are read past.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

typedef struct zparser {
	ms_zoneinfo *out;
	bool in_pagesets;
	unsigned lineno;
	ms_error *err;
} zparser;

static int fail(zparser *zp, int code, const char *msg)
{
	return ms_error_set(zp->err, code, zp->lineno, "%s", msg);
}

void ms_zoneinfo_free(ms_zoneinfo *z)
{
	for (size_t i = 0; i < z->n; i++)
		ms_kvlist_free(&z->zones[i].stats);
	free(z->zones);
	z->zones = NULL;
	z->n = z->cap = 0;
}

static ms_zone *current(zparser *zp)
{
	return zp->out->n ? &zp->out->zones[zp->out->n - 1] : NULL;
}

static int zone_header(zparser *zp, const char *p, const char *end)
{
	ms_zoneinfo *out = zp->out;
	int node;
	char name[MS_ZONE_NAME];

	if (!ms_parse_node_zone(&p, end, &node, name))
		return fail(zp, EINVAL, "expected 'Node N, zone NAME'");
	ms_skip_space(&p, end);
	if (p != end)
		return fail(zp, EINVAL, "unexpected text after the zone name");
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 8;
		ms_zone *zones = realloc(out->zones, cap * sizeof *zones);
		if (!zones)
			return fail(zp, ENOMEM, "out of memory");
		out->zones = zones;
		out->cap = cap;
	}
	ms_zone *z = &out->zones[out->n++];
	memset(z, 0, sizeof *z);
	z->node = node;
	memcpy(z->zone, name, sizeof z->zone);
	z->free_pages = z->min = z->low = z->high = MS_NA;
	z->spanned = z->present = z->managed = z->cma = MS_NA;
	zp->in_pagesets = false;
	return 0;
}

/* "(0, 2877, 7826, 7826, 7826)": one lowmem reserve per higher zone. */
static int protection(zparser *zp, ms_zone *z, const char *p, const char *end)
{
	ms_skip_space(&p, end);
	if (p >= end || *p++ != '(')
		return fail(zp, EINVAL, "protection: expected '('");
	z->nprotection = 0;
	for (;;) {
		if (z->nprotection == (int)MS_ARRAY_LEN(z->protection))
			return fail(zp, EINVAL, "protection: more zones than memscope knows");
		if (!ms_parse_i64(&p, end, &z->protection[z->nprotection]))
			return fail(zp, EINVAL, "protection: not a number, or overflows");
		z->nprotection++;
		ms_skip_space(&p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == ')')
			break;
		return fail(zp, EINVAL, "protection: expected ',' or ')'");
	}
	p++;
	ms_skip_space(&p, end);
	return p == end ? 0 : fail(zp, EINVAL, "protection: unexpected text after ')'");
}

/* Lines of the per-cpu "pagesets" block. Their "high:" and "count:" are
 * per cpu, so they are never taken as zone figures. */
static bool pageset_line(const char *tok, size_t len)
{
	static const char *const keys[] = {
		"cpu:", "count:", "high:", "batch:", "high_min:", "high_max:", "vm",
	};

	for (size_t i = 0; i < MS_ARRAY_LEN(keys); i++)
		if (ms_token_eq(tok, len, keys[i]))
			return true;
	return false;
}

static int64_t *named_field(ms_zone *z, const char *key, size_t len)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{ "min", offsetof(ms_zone, min) },
		{ "low", offsetof(ms_zone, low) },
		{ "high", offsetof(ms_zone, high) },
		{ "spanned", offsetof(ms_zone, spanned) },
		{ "present", offsetof(ms_zone, present) },
		{ "managed", offsetof(ms_zone, managed) },
		{ "cma", offsetof(ms_zone, cma) },
	};

	for (size_t i = 0; i < MS_ARRAY_LEN(fields); i++)
		if (ms_token_eq(key, len, fields[i].name))
			return (int64_t *)((char *)z + fields[i].offset);
	return NULL;
}

/* The value of a "name value" line. 2.6.16 prints "scanned  0 (a: 0 i: 0)":
 * the parenthesised tail (per-list scan counts) is not shown. */
static int read_value(zparser *zp, const char *p, const char *end, int64_t *v)
{
	if (!ms_parse_i64_word(&p, end, v))
		return fail(zp, EINVAL, "expected 'name value': not a number, or overflows");
	ms_skip_space(&p, end);
	if (p != end && *p != '(')
		return fail(zp, EINVAL, "unexpected text after the value");
	return 0;
}

/* "key value" or "key: value". */
static int key_value(zparser *zp, ms_zone *z, const char *key, size_t keylen,
		     const char *p, const char *end)
{
	int64_t v;
	int rc = read_value(zp, p, end, &v);

	if (rc < 0)
		return rc;
	if (keylen > 1 && key[keylen - 1] == ':')
		keylen--;
	int64_t *field = named_field(z, key, keylen);
	if (field) {
		*field = v;
		return 0;
	}
	rc = ms_kvlist_add(&z->stats, key, keylen, v, false);
	if (rc == -ENOMEM)
		return fail(zp, ENOMEM, "out of memory");
	return rc < 0 ? fail(zp, EINVAL, "invalid counter name") : 0;
}

static int zone_line(zparser *zp, ms_zone *z, const char *p, const char *end)
{
	const char *tok, *tok2;
	size_t len, len2;

	if (!ms_next_token(&p, end, &tok, &len))
		return 0; /* blank lines are skipped before */
	if (zp->in_pagesets && pageset_line(tok, len))
		return 0;
	zp->in_pagesets = false;
	if (ms_token_eq(tok, len, "pagesets")) {
		zp->in_pagesets = true;
		return 0;
	}
	if (ms_token_eq(tok, len, "per-node")) {
		/* Marks the node's counters that follow; they stay in stats. */
		if (!ms_next_token(&p, end, &tok2, &len2) || !ms_token_eq(tok2, len2, "stats"))
			return fail(zp, EINVAL, "expected 'per-node stats'");
		return 0;
	}
	if (ms_token_eq(tok, len, "protection:"))
		return protection(zp, z, p, end);
	if (ms_token_eq(tok, len, "pages")) {
		if (!ms_next_token(&p, end, &tok2, &len2) || !ms_token_eq(tok2, len2, "free"))
			return fail(zp, EINVAL, "expected 'pages free N'");
		return read_value(zp, p, end, &z->free_pages);
	}
	return key_value(zp, z, tok, len, p, end);
}

static int zoneinfo_line(zparser *zp, const char *p, const char *end)
{
	if (end - p >= 5 && memcmp(p, "Node ", 5) == 0)
		return zone_header(zp, p, end);
	ms_zone *z = current(zp);
	if (!z)
		return fail(zp, EINVAL, "expected 'Node N, zone NAME' first");
	return zone_line(zp, z, p, end);
}

int ms_parse_zoneinfo(const char *buf, size_t len, ms_zoneinfo *out, ms_error *err)
{
	zparser zp = { .out = out, .err = err };
	ms_lines it;
	const char *line;
	size_t n;

	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		const char *p = line, *end = line + n;
		ms_skip_space(&p, end);
		if (p == end)
			continue;
		zp.lineno = it.lineno;
		int rc = zoneinfo_line(&zp, p, end);
		if (rc < 0) {
			ms_zoneinfo_free(out);
			return rc;
		}
	}
	if (out->n == 0)
		return ms_error_set(err, EINVAL, 0, "no zones (empty file)");
	return 0;
}
