/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/buddyinfo: one row per zone, the number of free blocks of each
 * order (mm/vmstat.c frag_show_print):
 *   Node 0, zone   Normal     31      3      5      1 ...
 * Also the "Node N, zone NAME" reader shared with pagetypeinfo and
 * zoneinfo.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Zone names are the kernel's own ("DMA32", "HighMem"): printable ASCII.
 * Anything else is not a zone row, and never reaches a terminal. */
static bool read_zone_name(const char **p, const char *end, char zone[MS_ZONE_NAME])
{
	const char *s = *p, *start;

	ms_skip_space(&s, end);
	start = s;
	while (s < end && !is_blank(*s) && *s != ',') {
		if (*s < '!' || *s > '~')
			return false;
		s++;
	}
	size_t len = (size_t)(s - start);
	if (len == 0 || len >= MS_ZONE_NAME)
		return false;
	ms_copy_field(zone, MS_ZONE_NAME, start, len);
	*p = s;
	return true;
}

bool ms_parse_node_zone(const char **p, const char *end, int *node, char zone[MS_ZONE_NAME])
{
	const char *s = *p, *tok;
	size_t len;
	int64_t n;

	if (!ms_next_token(&s, end, &tok, &len) || !ms_token_eq(tok, len, "Node"))
		return false;
	/* "Node 0," in buddyinfo, "Node    0," in pagetypeinfo. */
	if (!ms_parse_i64(&s, end, &n) || n < 0 || n > INT_MAX)
		return false;
	if (s >= end || *s != ',')
		return false;
	s++;
	if (!ms_next_token(&s, end, &tok, &len) || !ms_token_eq(tok, len, "zone"))
		return false;
	if (!read_zone_name(&s, end, zone))
		return false;
	*node = (int)n;
	*p = s;
	return true;
}

void ms_buddyinfo_free(ms_buddyinfo *b)
{
	free(b->zones);
	b->zones = NULL;
	b->n = b->cap = 0;
}

static ms_buddy_zone *new_zone(ms_buddyinfo *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		ms_buddy_zone *z = realloc(b->zones, cap * sizeof *z);
		if (!z)
			return NULL;
		b->zones = z;
		b->cap = cap;
	}
	ms_buddy_zone *z = &b->zones[b->n++];
	memset(z, 0, sizeof *z);
	return z;
}

/* The counts after the zone name, up to the end of the line. */
static int read_counts(const char *p, const char *end, ms_buddy_zone *z, unsigned lineno,
		       ms_error *err)
{
	int64_t v;

	ms_skip_space(&p, end);
	while (p < end) {
		if (z->norders == MS_MAX_ORDERS)
			return ms_error_set(err, EINVAL, lineno, "more than %d orders",
					    MS_MAX_ORDERS);
		if (!ms_parse_i64_word(&p, end, &v) || v < 0)
			return ms_error_set(err, EINVAL, lineno,
					    "order %d: not a count, or overflows", z->norders);
		z->free[z->norders++] = v;
		ms_skip_space(&p, end);
	}
	if (z->norders == 0)
		return ms_error_set(err, EINVAL, lineno, "invalid number of fields: no counts");
	return 0;
}

static int buddy_row(const char *line, size_t len, unsigned lineno, ms_buddyinfo *out,
		     ms_error *err)
{
	const char *p = line, *end = line + len;
	int node;
	char zone[MS_ZONE_NAME];

	if (!ms_parse_node_zone(&p, end, &node, zone))
		return ms_error_set(err, EINVAL, lineno, "invalid number of fields: "
				    "expected 'Node N, zone NAME counts'");
	ms_buddy_zone *z = new_zone(out);
	if (!z)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	z->node = node;
	memcpy(z->zone, zone, sizeof z->zone);
	int rc = read_counts(p, end, z, lineno, err);
	if (rc < 0)
		return rc;
	/* One file comes from one kernel: every zone has the same orders. */
	if (out->n > 1 && z->norders != out->zones[0].norders)
		return ms_error_set(err, EINVAL, lineno,
				    "mismatch in number of buddyinfo buckets, previous count %d, "
				    "new count %d", out->zones[0].norders, z->norders);
	return 0;
}

int ms_parse_buddyinfo(const char *buf, size_t len, ms_buddyinfo *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		const char *p = line;
		ms_skip_space(&p, line + n);
		if (p == line + n)
			continue;
		int rc = buddy_row(line, n, it.lineno, out, err);
		if (rc < 0) {
			ms_buddyinfo_free(out);
			return rc;
		}
	}
	if (out->n == 0)
		return ms_error_set(err, EINVAL, 0, "no zones (empty file)");
	return 0;
}
