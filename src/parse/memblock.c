/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * debugfs memblock/memory and memblock/reserved (root only, and only where
 * the architecture keeps memblock after boot: CONFIG_ARCH_KEEP_MEMBLOCK,
 * arm64 yes, x86 no), printed by mm/memblock.c memblock_debug_show():
 *
 *   3.x-5.x:  seq_printf(m, "%4d: ", i);
 *             "0x%08lx..0x%08lx\n" or "0x%016llx..0x%016llx\n", later
 *             "%pa..%pa\n" (the same, sized by phys_addr_t)
 *   6.4+:     "%pa..%pa " then "%4d " nid ("%4c " 'x' without a node,
 *             6.5+) then the first flag's name or "NONE" / "UNKNOWN"
 *
 *      0: 0x0000000040000000..0x00000000bfffffff
 *     11: 0x00000000fd800000..0x00000000fd901fff    0 NOMAP
 *
 * Flag names so far: HOTPLUG MIRROR NOMAP DRV_MNG RSV_NIT RSV_KERN
 * KHO_SCRATCH; they are kept as printed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

void ms_memblock_free(ms_memblock *m)
{
	free(m->r);
	memset(m, 0, sizeof *m);
}

/* "0xHEX" with nothing before the digits. */
static bool read_addr(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	if (!ms_has_prefix(s, end, "0x") || s + 2 >= end || s[2] == ' ')
		return false;
	s += 2;
	if (!ms_parse_hex_u64(&s, end, v))
		return false;
	*p = s;
	return true;
}

/* "0xBASE..0xEND" */
static bool read_range(const char **p, const char *end, ms_memblock_region *r)
{
	const char *s = *p;

	if (!read_addr(&s, end, &r->base) || !ms_has_prefix(s, end, ".."))
		return false;
	s += 2;
	if (!read_addr(&s, end, &r->end))
		return false;
	*p = s;
	return true;
}

/* "   0: " with the index the region must have. */
static bool read_index(const char **p, const char *end, size_t want)
{
	int64_t i;
	const char *s = *p;

	ms_skip_space(&s, end);
	if (s >= end || *s < '0' || *s > '9' || !ms_parse_i64(&s, end, &i))
		return false;
	if (s >= end || *s != ':' || (uint64_t)i != want)
		return false;
	*p = s + 1;
	return true;
}

/* 6.4+: "   0 NONE" or "   x NONE". */
static bool read_node_and_flag(const char *p, const char *end, ms_memblock_region *r)
{
	const char *tok;
	size_t len;
	int64_t nid;

	if (!ms_next_token(&p, end, &tok, &len))
		return true; /* before 6.4 */
	if (ms_token_eq(tok, len, "x"))
		r->nid = -1;
	else if (ms_parse_i64_word(&tok, tok + len, &nid) && nid >= 0 && nid <= INT32_MAX)
		r->nid = (int32_t)nid;
	else
		return false;
	if (!ms_next_token(&p, end, &tok, &len) || len >= sizeof r->flags)
		return false;
	ms_copy_field(r->flags, sizeof r->flags, tok, len);
	return !ms_next_token(&p, end, &tok, &len);
}

static int memblock_line(ms_memblock *out, const char *p, const char *end, unsigned lineno,
			 ms_error *err)
{
	ms_memblock_region r = { .nid = -1 };

	if (!read_index(&p, end, out->n))
		return ms_error_set(err, EINVAL, lineno, "expected 'N:' counting up from 0");
	ms_skip_space(&p, end);
	if (!read_range(&p, end, &r))
		return ms_error_set(err, EINVAL, lineno, "expected '0xBASE..0xEND'");
	if (r.end < r.base)
		return ms_error_set(err, EINVAL, lineno, "region ends before it starts");
	if (p < end && *p != ' ' && *p != '\t')
		return ms_error_set(err, EINVAL, lineno, "unexpected text after the end address");
	if (!read_node_and_flag(p, end, &r))
		return ms_error_set(err, EINVAL, lineno, "expected 'NODE FLAG' after the range");
	ms_memblock_region *items = ms_grow_one(out->r, out->n, &out->cap, sizeof *items);
	if (!items)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	out->r = items;
	out->r[out->n++] = r;
	return 0;
}

int ms_parse_memblock(const char *buf, size_t len, ms_memblock *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;
	int rc = 0;

	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n)) {
		const char *end = line + n;
		ms_trim_right(line, &end);
		if (end > line)
			rc = memblock_line(out, line, end, it.lineno, err);
	}
	if (rc == 0 && out->n == 0)
		rc = ms_error_set(err, EINVAL, 0, "no regions (empty file?)");
	if (rc < 0)
		ms_memblock_free(out);
	return rc;
}

int64_t ms_memblock_bytes(const ms_memblock *m, const char *flag)
{
	int64_t total = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (flag && strcmp(m->r[i].flags, flag) != 0)
			continue;
		uint64_t size = m->r[i].end - m->r[i].base + 1;
		if (size == 0 || size > (uint64_t)INT64_MAX)
			return MS_NA;
		total = ms_add_na(total, (int64_t)size);
	}
	return total;
}
