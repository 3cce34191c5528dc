/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory cgroups, v2 and v1, and /proc/PID/cgroup.
 *
 * v2 (Documentation/admin-guide/cgroup-v2.rst, mm/memcontrol.c): one value
 * per file, a number of bytes or "max" for no limit:
 *   memory.current   23318528          memory.max   67108864 | max
 * and "key value" files:
 *   memory.events    low 0\nhigh 0\nmax 54\noom 1\noom_kill 1\noom_group_kill 0
 *   memory.stat      anon 66879488\nfile 0\nkernel 229376\n...
 * v1 (Documentation/admin-guide/cgroup-v1/memory.rst, mm/memcontrol-v1.c):
 *   memory.usage_in_bytes 229376    memory.limit_in_bytes 9223372036854771712
 *   memory.oom_control    oom_kill_disable 0\nunder_oom 0\noom_kill 1
 *   memory.stat           cache 4096\nrss 0\n...\ntotal_cache 4096\n...
 * v1 has no "max": an unset limit is the page counter's top times the page
 * size (PAGE_COUNTER_MAX = LONG_MAX / PAGE_SIZE since 3.19, so
 * 9223372036854771712 with 4K pages on 64-bit and (2^31-1)*PAGE_SIZE on
 * 32-bit, 8796093018112 with 4K pages); before 3.19 res_counter printed
 * RES_COUNTER_MAX, 2^63-1 or 2^64-1.
 *
 * /proc/PID/cgroup (kernel/cgroup/cgroup.c proc_cgroup_show) prints
 * "%d:%s:%s\n": hierarchy id, controllers (comma-separated; "name=X" for a
 * named v1 hierarchy; empty for v2) and the path, which may itself hold
 * ':'. A v2 group that was removed gets " (deleted)" after its path.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

/* ---- one value --------------------------------------------------------- */

static void trim(const char **p, const char **end)
{
	ms_skip_space(p, *end);
	while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\n' ||
			     (*end)[-1] == '\r'))
		(*end)--;
}

/* The single line of a one-value file, trimmed; false when the file holds
 * more than one line of text. */
static bool single_line(const char *buf, size_t len, const char **p, const char **end)
{
	*p = buf;
	*end = buf + len;
	trim(p, end);
	return memchr(*p, '\n', (size_t)(*end - *p)) == NULL;
}

static int read_u64(const char *buf, size_t len, uint64_t *out, ms_error *err)
{
	const char *p, *end;

	if (!single_line(buf, len, &p, &end))
		return ms_error_set(err, EINVAL, 2, "more than one line in a one-value file");
	if (p == end)
		return ms_error_set(err, EINVAL, 1, "empty: expected a number");
	if (!ms_parse_u64(&p, end, out) || p != end)
		return ms_error_set(err, EINVAL, 1, "not a non-negative number, or too big");
	return 0;
}

int ms_parse_cg_number(const char *buf, size_t len, int64_t *out, ms_error *err)
{
	uint64_t v;
	int rc = read_u64(buf, len, &v, err);

	if (rc < 0)
		return rc;
	if (v > INT64_MAX)
		return ms_error_set(err, EINVAL, 1, "number too big");
	*out = (int64_t)v;
	return 0;
}

/* v1's figures for "no limit" (see the top of this file). A 32-bit
 * kernel's top is (2^31-1) pages of 4K, 16K or 64K; a real limit that
 * large cannot exist on a 32-bit machine. */
static bool v1_unlimited(uint64_t v)
{
	static const uint64_t page_sizes[] = { 4096, 16384, 65536 };

	if (v >= (UINT64_C(1) << 62))
		return true;
	for (size_t i = 0; i < MS_ARRAY_LEN(page_sizes); i++)
		if (v == UINT64_C(0x7fffffff) * page_sizes[i])
			return true;
	return false;
}

int ms_parse_cg_limit(const char *buf, size_t len, int64_t *out, ms_error *err)
{
	const char *p, *end;
	uint64_t v;

	if (single_line(buf, len, &p, &end) && end - p == 3 && memcmp(p, "max", 3) == 0) {
		*out = MS_CG_MAX;
		return 0;
	}
	int rc = read_u64(buf, len, &v, err);
	if (rc < 0)
		return rc;
	*out = v1_unlimited(v) ? MS_CG_MAX : (int64_t)v;
	return 0;
}

/* ---- key value files --------------------------------------------------- */

int ms_parse_cg_keyed(const char *buf, size_t len, ms_kvlist *out, ms_error *err)
{
	/* The same "key number" lines as /proc/vmstat, same rules. */
	out->n = 0;
	int rc = ms_parse_vmstat(buf, len, out, err);

	if (rc == 0 && out->n == 0)
		return ms_error_set(err, EINVAL, 0, "no 'key value' line (empty file?)");
	return rc;
}

/* ---- one group --------------------------------------------------------- */

#define NUM(file, field, ver, text) \
	{ file, ver, MS_CG_NUMBER, offsetof(ms_memcg, field), text }
#define LIM(file, field, ver, text) \
	{ file, ver, MS_CG_LIMIT, offsetof(ms_memcg, field), text }
#define KEYED(file, field, ver, text) \
	{ file, ver, MS_CG_KEYED, offsetof(ms_memcg, field), text }

const ms_memcg_file ms_memcg_files[] = {
	NUM("memory.current", current, 2, "memory in use"),
	NUM("memory.peak", peak, 2, "most memory in use"),
	LIM("memory.max", max, 2, "hard limit"),
	LIM("memory.high", high, 2, "throttling limit"),
	LIM("memory.low", low, 2, "best-effort protection"),
	LIM("memory.min", min, 2, "hard protection"),
	NUM("memory.swap.current", swap_current, 2, "swap in use"),
	NUM("memory.swap.peak", swap_peak, 2, "most swap in use"),
	LIM("memory.swap.max", swap_max, 2, "swap limit"),
	LIM("memory.swap.high", swap_high, 2, "swap throttling limit"),
	NUM("memory.zswap.current", zswap_current, 2, "zswap pool in use"),
	LIM("memory.zswap.max", zswap_max, 2, "zswap limit"),
	NUM("memory.oom.group", oom_group, 2, "OOM kills the whole group"),
	KEYED("memory.events", events, 2, "limit and OOM events"),
	KEYED("memory.events.local", events_local, 2, "events of this group alone"),
	KEYED("memory.swap.events", swap_events, 2, "swap limit events"),
	KEYED("memory.stat", stat, 0, "memory by kind"),
	NUM("memory.usage_in_bytes", current, 1, "memory in use"),
	NUM("memory.max_usage_in_bytes", peak, 1, "most memory in use"),
	LIM("memory.limit_in_bytes", max, 1, "hard limit"),
	LIM("memory.soft_limit_in_bytes", soft_limit, 1, "soft limit"),
	NUM("memory.failcnt", failcnt, 1, "times the limit was hit"),
	NUM("memory.memsw.usage_in_bytes", memsw_usage, 1, "memory+swap in use"),
	NUM("memory.memsw.max_usage_in_bytes", memsw_max_usage, 1, "most memory+swap in use"),
	LIM("memory.memsw.limit_in_bytes", memsw_limit, 1, "memory+swap limit"),
	NUM("memory.memsw.failcnt", memsw_failcnt, 1, "times the memory+swap limit was hit"),
	NUM("memory.kmem.usage_in_bytes", kmem_usage, 1, "kernel memory in use"),
	NUM("memory.kmem.max_usage_in_bytes", kmem_max_usage, 1, "most kernel memory in use"),
	LIM("memory.kmem.limit_in_bytes", kmem_limit, 1, "kernel memory limit"),
	NUM("memory.kmem.failcnt", kmem_failcnt, 1, "times the kernel memory limit was hit"),
	NUM("memory.swappiness", swappiness, 1, "swappiness"),
	NUM("memory.use_hierarchy", use_hierarchy, 1, "total_* counts the subtree"),
	KEYED("memory.oom_control", oom_control, 1, "OOM killer state"),
};

const size_t ms_memcg_nfiles = MS_ARRAY_LEN(ms_memcg_files);

#undef NUM
#undef LIM
#undef KEYED

static int64_t *figure_at(ms_memcg *g, size_t off)
{
	return (int64_t *)(void *)((char *)g + off);
}

static ms_kvlist *list_at(ms_memcg *g, size_t off)
{
	return (ms_kvlist *)(void *)((char *)g + off);
}

void ms_memcg_init(ms_memcg *g)
{
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < ms_memcg_nfiles; i++)
		if (ms_memcg_files[i].kind != MS_CG_KEYED)
			*figure_at(g, ms_memcg_files[i].offset) = MS_NA;
}

void ms_memcg_free(ms_memcg *g)
{
	ms_kvlist_free(&g->stat);
	ms_kvlist_free(&g->events);
	ms_kvlist_free(&g->events_local);
	ms_kvlist_free(&g->swap_events);
	ms_kvlist_free(&g->oom_control);
	ms_memcg_init(g);
}

const ms_memcg_file *ms_memcg_file_find(const char *name)
{
	for (size_t i = 0; i < ms_memcg_nfiles; i++)
		if (strcmp(ms_memcg_files[i].name, name) == 0)
			return &ms_memcg_files[i];
	return NULL;
}

int ms_memcg_read(ms_memcg *g, const ms_memcg_file *f, const char *buf, size_t len,
		  ms_error *err)
{
	int rc;

	switch (f->kind) {
	case MS_CG_NUMBER:
		rc = ms_parse_cg_number(buf, len, figure_at(g, f->offset), err);
		break;
	case MS_CG_LIMIT:
		rc = ms_parse_cg_limit(buf, len, figure_at(g, f->offset), err);
		break;
	default: {
		rc = ms_parse_cg_keyed(buf, len, list_at(g, f->offset), err);
		break;
	}
	}
	if (rc == 0 && f->version)
		g->version = f->version;
	return rc;
}

/* ---- /proc/PID/cgroup -------------------------------------------------- */

void ms_pid_cgroup_free(ms_pid_cgroup *c)
{
	free(c->entries);
	ms_buf_free(&c->strings);
	memset(c, 0, sizeof *c);
}

static const char *string_at(const ms_pid_cgroup *c, uint32_t off)
{
	return c->strings.data ? c->strings.data + off : "";
}

const char *ms_pid_cgroup_controllers(const ms_pid_cgroup *c, size_t i)
{
	return i < c->n ? string_at(c, c->entries[i].controllers_off) : "";
}

const char *ms_pid_cgroup_path(const ms_pid_cgroup *c, size_t i)
{
	return i < c->n ? string_at(c, c->entries[i].path_off) : "";
}

/* True when the comma-separated list names the controller. */
static bool lists_controller(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

int ms_pid_cgroup_memory(const ms_pid_cgroup *c, int *version)
{
	int unified = -1;

	for (size_t i = 0; i < c->n; i++) {
		if (lists_controller(ms_pid_cgroup_controllers(c, i), "memory")) {
			*version = 1;
			return (int)i;
		}
		if (c->entries[i].hierarchy == 0 && c->entries[i].controllers_len == 0 &&
		    unified < 0)
			unified = (int)i;
	}
	if (unified >= 0)
		*version = 2;
	return unified;
}

/* Appends text and a NUL; its offset in *off. */
static int add_string(ms_buf *b, const char *s, size_t len, uint32_t *off)
{
	if (b->len > UINT32_MAX - len - 1)
		return -EFBIG;
	if (ms_buf_reserve(b, len + 1) != 0)
		return -ENOMEM;
	*off = (uint32_t)b->len;
	ms_buf_append(b, s, len); /* cannot fail: reserved */
	ms_buf_append(b, "", 1);
	return 0;
}

static ms_cgroup_entry *push_entry(ms_pid_cgroup *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		if (cap > SIZE_MAX / sizeof *c->entries)
			return NULL;
		ms_cgroup_entry *e = realloc(c->entries, cap * sizeof *e);
		if (!e)
			return NULL;
		c->entries = e;
		c->cap = cap;
	}
	return &c->entries[c->n++];
}

/* Cuts the kernel's " (deleted)" off a v2 path. */
static bool cut_deleted(const char *path, size_t *len)
{
	static const char mark[] = " (deleted)";
	size_t n = sizeof mark - 1;

	if (*len <= n || memcmp(path + *len - n, mark, n) != 0)
		return false;
	*len -= n;
	return true;
}

static int store_entry(ms_pid_cgroup *c, ms_cgroup_entry e, const char *ctl, size_t ctl_len,
		       const char *path, size_t path_len)
{
	int rc = add_string(&c->strings, ctl, ctl_len, &e.controllers_off);

	if (rc == 0)
		rc = add_string(&c->strings, path, path_len, &e.path_off);
	if (rc < 0)
		return rc;
	e.controllers_len = (uint32_t)ctl_len;
	e.path_len = (uint32_t)path_len;
	ms_cgroup_entry *slot = push_entry(c);
	if (!slot)
		return -ENOMEM;
	*slot = e;
	return 0;
}

static int cgroup_line(ms_pid_cgroup *c, const char *line, size_t len, unsigned lineno,
		       ms_error *err)
{
	const char *p = line, *end = line + len;
	ms_cgroup_entry e = { 0 };

	uint64_t id;

	/* Digits right at the start: no blank, no sign. */
	if (len == 0 || line[0] < '0' || line[0] > '9' || !ms_parse_u64(&p, end, &id) ||
	    id > INT64_MAX || p >= end || *p != ':')
		return ms_error_set(err, EINVAL, lineno, "expected 'ID:CONTROLLERS:PATH'");
	e.hierarchy = (int64_t)id;
	const char *ctl = ++p;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon)
		return ms_error_set(err, EINVAL, lineno, "no ':' before the path");
	const char *path = colon + 1;
	size_t ctl_len = (size_t)(colon - ctl), path_len = (size_t)(end - path);
	if (path_len == 0 || path[0] != '/')
		return ms_error_set(err, EINVAL, lineno, "the path does not start with '/'");
	if (memchr(ctl, '\0', (size_t)(end - ctl)))
		return ms_error_set(err, EINVAL, lineno, "NUL byte in the line");
	if (e.hierarchy == 0 && ctl_len == 0)
		e.deleted = cut_deleted(path, &path_len);
	int rc = store_entry(c, e, ctl, ctl_len, path, path_len);
	if (rc < 0)
		return ms_error_set(err, -rc, lineno, "%s",
				    rc == -EFBIG ? "paths too long" : "out of memory");
	return 0;
}

int ms_parse_pid_cgroup(const char *buf, size_t len, ms_pid_cgroup *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	out->n = 0;
	ms_buf_reset(&out->strings);
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		int rc = cgroup_line(out, line, n, it.lineno, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
