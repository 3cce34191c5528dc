/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OOM report record: its life (init, reset between reports, copy,
 * free), the arrays it grows, the notes on lines that did not parse, and
 * the small text helpers the line handlers share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oomlog.h"

/* Counters kept per list (a Mem-Info block has ~20, a zone line ~25, a
 * memcg stat ~60): enough for any kernel, and a bound for hostile logs. */
#define MAX_KV 512

/* ---- text helpers ------------------------------------------------------ */

bool ms_oom_starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

const char *ms_oom_find(const char *p, const char *end, const char *lit)
{
	if (p >= end)
		return NULL;
	return memmem(p, (size_t)(end - p), lit, strlen(lit));
}

bool ms_oom_kb(const char **p, const char *end, int64_t *v, bool unit_optional)
{
	const char *s = *p;
	uint64_t u;

	if (s >= end || *s < '0' || *s > '9' || !ms_parse_u64(&s, end, &u) || u > INT64_MAX)
		return false;
	if (end - s >= 2 && (s[0] == 'k' || s[0] == 'K') && s[1] == 'B')
		s += 2;
	else if (!unit_optional)
		return false;
	*v = (int64_t)u;
	*p = s;
	return true;
}

void ms_oom_copy(char *dst, size_t cap, const char *s, size_t len)
{
	ms_copy_field(dst, cap, s, len);
}

bool ms_oom_pid_name(const char **p, const char *end, const char *stop, int64_t *pid,
		     char name[MS_OOM_NAME])
{
	const char *s = *p, *close = NULL;
	uint64_t v;

	if (s >= end || *s < '0' || *s > '9' || !ms_parse_u64(&s, end, &v) || v > INT64_MAX)
		return false;
	/* RHEL 6: "Killed process 11726, UID 498, (mysqld) total-vm:..." */
	if (ms_oom_starts(s, end, ", UID ")) {
		const char *comma = memchr(s + 6, ',', (size_t)(end - s - 6));
		if (!comma)
			return false;
		s = comma + 1;
	}
	ms_skip_space(&s, end);
	if (s >= end || *s != '(')
		return false;
	const char *open = ++s;
	const char *limit = stop && stop > open && stop <= end ? stop : end;
	for (const char *q = open; q < limit; q++)
		if (*q == ')')
			close = q;
	if (!close)
		return false;
	*pid = (int64_t)v;
	ms_oom_copy(name, MS_OOM_NAME, open, (size_t)(close - open));
	*p = close + 1;
	return true;
}

/* ---- the record -------------------------------------------------------- */

static void trigger_init(ms_oom_trigger *t)
{
	memset(t, 0, sizeof *t);
	t->pid = t->cpu = t->gfp_mask = t->order = MS_NA;
	t->oom_score_adj = t->oom_adj = MS_NA;
}

void ms_oom_report_init(ms_oom_report *r)
{
	memset(r, 0, sizeof *r);
	ms_oom_report_reset(r);
}

static void free_zone_lists(ms_oom_report *r)
{
	for (size_t i = 0; i < r->nzones; i++)
		ms_kvlist_free(&r->zones[i].stats);
	for (size_t i = 0; i < r->nnodes; i++)
		ms_kvlist_free(&r->nodes[i].stats);
}

/* Empties r for the next report, keeping the memory of its arrays (the
 * lists inside zones and nodes are freed: their slots are reused). */
void ms_oom_report_reset(ms_oom_report *r)
{
	free_zone_lists(r);
	r->first_line = r->last_line = 0;
	r->time_us = MS_NA;
	r->wall_time[0] = '\0';
	r->headless = false;
	r->end = MS_OOM_END_LOG;
	r->truncated = false;
	trigger_init(&r->trigger);
	r->meminfo_printed = r->tasks_printed = false;
	r->meminfo.n = r->summary.n = r->memcg_stat.n = 0;
	r->nnodes = r->nzones = r->nbuddy = r->nhuge = r->nslabs = 0;
	r->ntasks = r->nkills = 0;
	r->nusage = 0;
	r->memcg_stat_path[0] = '\0';
	r->task_cols = 0;
	r->tasks_dropped = 0;
	r->chosen_pid = r->chosen_score = MS_NA;
	r->chosen_name[0] = '\0';
	r->problems = 0;
	ms_error_clear(&r->problem);
}

void ms_oom_report_free(ms_oom_report *r)
{
	free_zone_lists(r);
	ms_kvlist_free(&r->meminfo);
	ms_kvlist_free(&r->summary);
	ms_kvlist_free(&r->memcg_stat);
	free(r->nodes);
	free(r->zones);
	free(r->buddy);
	free(r->huge);
	free(r->slabs);
	free(r->tasks);
	free(r->kills);
	ms_oom_report_init(r);
}

const ms_oom_kill *ms_oom_report_victim(const ms_oom_report *r)
{
	return r->nkills ? &r->kills[0] : NULL;
}

/* ---- copies ------------------------------------------------------------ */

static int copy_array(void **dst, size_t *cap, const void *src, size_t n, size_t size)
{
	*dst = NULL;
	*cap = 0;
	if (n == 0)
		return 0;
	*dst = malloc(n * size);
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, n * size);
	*cap = n;
	return 0;
}

static int copy_kv(ms_kvlist *dst, const ms_kvlist *src)
{
	dst->n = src->n;
	return copy_array((void **)&dst->items, &dst->cap, src->items, src->n, sizeof *src->items);
}

#define COPY(field, count, cap)                                                        \
	copy_array((void **)&dst->field, &dst->cap, src->field, src->count,            \
		   sizeof *src->field)

static int copy_arrays(ms_oom_report *dst, const ms_oom_report *src)
{
	int rc = COPY(nodes, nnodes, nodes_cap) | COPY(zones, nzones, zones_cap) |
		 COPY(buddy, nbuddy, buddy_cap) | COPY(huge, nhuge, huge_cap) |
		 COPY(slabs, nslabs, slabs_cap) | COPY(tasks, ntasks, tasks_cap) |
		 COPY(kills, nkills, kills_cap);
	/* The zones' and nodes' lists still point into src: each gets its own. */
	for (size_t i = 0; dst->zones && i < dst->nzones; i++)
		rc |= copy_kv(&dst->zones[i].stats, &src->zones[i].stats);
	for (size_t i = 0; dst->nodes && i < dst->nnodes; i++)
		rc |= copy_kv(&dst->nodes[i].stats, &src->nodes[i].stats);
	return rc | copy_kv(&dst->meminfo, &src->meminfo) | copy_kv(&dst->summary, &src->summary) |
	       copy_kv(&dst->memcg_stat, &src->memcg_stat);
}

#undef COPY

int ms_oom_report_copy(ms_oom_report *dst, const ms_oom_report *src)
{
	*dst = *src;
	/* copy_arrays replaces every pointer of dst, failing or not, so a
	 * failed copy frees only what it made. */
	if (copy_arrays(dst, src) != 0) {
		if (!dst->zones)
			dst->nzones = 0;
		if (!dst->nodes)
			dst->nnodes = 0;
		ms_oom_report_free(dst);
		return -ENOMEM;
	}
	return 0;
}

/* ---- growth and notes -------------------------------------------------- */

int ms_oom_push(void **items, size_t *n, size_t *cap, size_t size, size_t max, void **slot)
{
	if (*n >= max)
		return -E2BIG;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		if (ncap > max)
			ncap = max;
		void *p = realloc(*items, ncap * size);
		if (!p)
			return -ENOMEM;
		*items = p;
		*cap = ncap;
	}
	*slot = (char *)*items + *n * size;
	memset(*slot, 0, size);
	(*n)++;
	return 0;
}

int ms_oom_problem(ms_oom_parser *ps, const char *what)
{
	ms_oom_report *r = &ps->cur;

	if (r->problems++ == 0)
		ms_error_set(&r->problem, EINVAL, ps->lineno, "%s", what);
	return 1;
}

int ms_oom_add_kv(ms_oom_parser *ps, ms_kvlist *l, const char *key, size_t keylen, int64_t v,
		  bool kb)
{
	if (l->n >= MAX_KV)
		return ms_oom_problem(ps, "too many counters on one line or block");
	int rc = ms_kvlist_add(l, key, keylen, v, kb);
	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "a counter name memscope cannot keep");
	return 1;
}

/* "key:value", "key:valuekB", "key: valuekB" (shmem_thp: 0kB), a ','
 * after the value allowed. */
bool ms_oom_next_pair(const char **p, const char *end, const char **key, size_t *keylen,
		      int64_t *v, bool *kb)
{
	const char *s = *p;

	ms_skip_space(&s, end);
	const char *k = s;
	while (s < end && *s != ':' && *s != ' ' && *s != '\t')
		s++;
	if (s == k || s >= end || *s != ':')
		return false;
	*key = k;
	*keylen = (size_t)(s - k);
	s++;
	if (s < end && *s == ' ')
		s++;
	const char *num = s;
	if (!ms_oom_kb(&s, end, v, true))
		return false;
	*kb = s - num >= 2 && s[-1] == 'B';
	if (s < end && *s == ',')
		s++;
	/* 2.6 logs have glued pairs ("inactive:20184kBpresent:131008kB"):
	 * after a unit, the next key may follow directly. */
	bool glued = *kb && s < end && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'));
	if (s < end && *s != ' ' && *s != '\t' && !glued)
		return false;
	*p = s;
	return true;
}

/* "all_unreclaimable? yes" at *p. */
static bool unreclaimable(const char **p, const char *end, int *out)
{
	const char *s = *p;

	ms_skip_space(&s, end);
	if (!ms_oom_starts(s, end, "all_unreclaimable?"))
		return false;
	s += strlen("all_unreclaimable?");
	ms_skip_space(&s, end);
	if (ms_oom_starts(s, end, "yes"))
		*out = 1;
	else if (ms_oom_starts(s, end, "no"))
		*out = 0;
	else
		return false;
	*p = s + (*out ? 3 : 2);
	return true;
}

int ms_oom_add_pairs(ms_oom_parser *ps, ms_kvlist *l, const char **p, const char *end,
		     int *all_unrecl)
{
	const char *key;
	size_t keylen;
	int64_t v;
	bool kb;
	int added = 0;

	for (;;) {
		if (all_unrecl && unreclaimable(p, end, all_unrecl))
			continue;
		if (!ms_oom_next_pair(p, end, &key, &keylen, &v, &kb))
			break;
		int rc = ms_oom_add_kv(ps, l, key, keylen, v, kb);
		if (rc < 0)
			return rc;
		added++;
	}
	ms_skip_space(p, end);
	return added;
}

size_t ms_oom_count_pairs(const char *p, const char *end, const char **stop)
{
	const char *key;
	size_t keylen, n = 0;
	int64_t v;
	bool kb;
	int unrecl;

	for (;;) {
		if (unreclaimable(&p, end, &unrecl))
			continue;
		if (!ms_oom_next_pair(&p, end, &key, &keylen, &v, &kb))
			break;
		n++;
	}
	ms_skip_space(&p, end);
	*stop = p;
	return n;
}

/* ---- a list of copies -------------------------------------------------- */

int ms_oom_list_add(void *list, const ms_oom_report *r)
{
	ms_oom_list *l = list;
	void *slot;
	int rc = ms_oom_push((void **)&l->items, &l->n, &l->cap, sizeof *l->items, SIZE_MAX / 2 /
			     sizeof *l->items, &slot);

	if (rc < 0)
		return -ENOMEM;
	if (ms_oom_report_copy(slot, r) != 0) {
		l->n--;
		return -ENOMEM;
	}
	return 0;
}

void ms_oom_list_free(ms_oom_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ms_oom_report_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}
