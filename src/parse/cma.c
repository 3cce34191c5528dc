/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CMA areas, one directory each, one number per file:
 *
 * /sys/kernel/mm/cma/<name>/ (mm/cma_sysfs.c, CONFIG_CMA_SYSFS, 5.14+;
 * Android GKI enables it), sysfs_emit("%llu\n") or ("%lu\n"):
 *   alloc_pages_success, alloc_pages_fail     pages, since boot
 *   release_pages_success                     6.6+
 *   total_pages, available_pages              6.14+
 *
 * /sys/kernel/debug/cma/<name>/ (mm/cma_debug.c, CONFIG_CMA_DEBUGFS, root;
 * directories were "cma-%d" before 5.x), DEFINE_SIMPLE_ATTRIBUTE "%llu\n":
 *   base_pfn, count, order_per_bit            the area
 *   used, maxchunk                            pages allocated, the largest
 *                                             free run (fragmentation)
 *   bitmap (u32 array), alloc, free (write-only): not read here
 *
 * and /proc/meminfo's CmaTotal/CmaFree, with Rockchip's BSP adding
 * CmaAllocated and CmaReleased. Also here: the one-value file helpers the
 * DMA-BUF sysfs files share.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

/* ---- one-value files ----------------------------------------------------- */

/* The value's line: a single trailing newline (and '\r') dropped. */
static bool one_line(const char *buf, size_t len, const char **end)
{
	*end = buf + len;
	if (*end > buf && (*end)[-1] == '\n')
		(*end)--;
	ms_trim_cr(buf, end);
	return memchr(buf, '\n', (size_t)(*end - buf)) == NULL;
}

int ms_parse_sysfs_number(const char *buf, size_t len, int64_t *out, ms_error *err)
{
	const char *end, *p = buf;

	if (!one_line(buf, len, &end) || p == end || (*p != '-' && (*p < '0' || *p > '9')) ||
	    !ms_parse_i64(&p, end, out) || p != end)
		return ms_error_set(err, EINVAL, 1, "not a number on a line of its own");
	return 0;
}

int ms_parse_sysfs_string(const char *buf, size_t len, char *out, size_t cap, ms_error *err)
{
	const char *end;

	if (!one_line(buf, len, &end))
		return ms_error_set(err, EINVAL, 2, "more than one line");
	if ((size_t)(end - buf) >= cap)
		return ms_error_set(err, EINVAL, 1, "longer than %zu bytes", cap - 1);
	ms_copy_field(out, cap, buf, (size_t)(end - buf));
	return 0;
}

/* ---- areas ----------------------------------------------------------------- */

int ms_cma_area_init(ms_cma_area *a, const char *name, size_t len)
{
	a->alloc_pages_success = a->alloc_pages_fail = a->release_pages_success = MS_NA;
	a->total_pages = a->available_pages = MS_NA;
	a->base_pfn = a->count = a->used = a->maxchunk = a->order_per_bit = MS_NA;
	a->name[0] = '\0';
	if (len == 0 || len >= sizeof a->name || memchr(name, '/', len) || memchr(name, '\0', len))
		return -EINVAL;
	ms_copy_field(a->name, sizeof a->name, name, len);
	return 0;
}

static int64_t *attr_field(ms_cma_area *a, const char *file)
{
	const struct {
		const char *file;
		int64_t *field;
	} attrs[] = {
		{ "alloc_pages_success", &a->alloc_pages_success },
		{ "alloc_pages_fail", &a->alloc_pages_fail },
		{ "release_pages_success", &a->release_pages_success },
		{ "total_pages", &a->total_pages },
		{ "available_pages", &a->available_pages },
		{ "base_pfn", &a->base_pfn },
		{ "count", &a->count },
		{ "used", &a->used },
		{ "maxchunk", &a->maxchunk },
		{ "order_per_bit", &a->order_per_bit },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(attrs); i++)
		if (strcmp(attrs[i].file, file) == 0)
			return attrs[i].field;
	return NULL;
}

int ms_parse_cma_attr(ms_cma_area *a, const char *file, const char *buf, size_t len,
		      ms_error *err)
{
	int64_t *field = attr_field(a, file), v;

	if (!field)
		return 0;
	int rc = ms_parse_sysfs_number(buf, len, &v, err);
	if (rc == 0 && v < 0)
		rc = ms_error_set(err, EINVAL, 1, "a negative page count");
	if (rc < 0) {
		ms_error_prefix(err, file);
		return rc;
	}
	*field = v;
	return 0;
}

int64_t ms_cma_area_pages(const ms_cma_area *a)
{
	return a->count != MS_NA ? a->count : a->total_pages;
}

int64_t ms_cma_area_used_pages(const ms_cma_area *a)
{
	if (a->used != MS_NA)
		return a->used;
	if (a->total_pages == MS_NA || a->available_pages == MS_NA ||
	    a->available_pages > a->total_pages)
		return MS_NA;
	return a->total_pages - a->available_pages;
}

void ms_cma_meminfo_read(const ms_kvlist *meminfo, ms_cma_meminfo *out)
{
	out->total_kb = ms_kvlist_get(meminfo, "CmaTotal");
	out->free_kb = ms_kvlist_get(meminfo, "CmaFree");
	out->allocated_kb = ms_kvlist_get(meminfo, "CmaAllocated");
	out->released_kb = ms_kvlist_get(meminfo, "CmaReleased");
}
