/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the OOM report reader (src/parse/oomlog*.c): what its files
 * share. The public interface is in include/memscope/parse.h.
 *
 * oomlog.c          the reader: lines in, one report at a time out
 * oomlog_prefix.c   what loggers put before the kernel's text
 * oomlog_lines.c    trigger, kill, memcg and task-table lines
 * oomlog_mem.c      Mem-Info: counters, nodes, zones, free lists, slabs
 * oomlog_report.c   the report: reset, copy, arrays, problems
 */
#ifndef MEMSCOPE_PARSE_OOMLOG_H
#define MEMSCOPE_PARSE_OOMLOG_H

#include "memscope/parse.h"

/* Blocks of a report whose lines are recognized only inside them. */
enum oom_section {
	SEC_NONE,
	SEC_MEMINFO,    /* after "Mem-Info:": counter lines */
	SEC_TASKS,      /* after the task table's header: rows */
	SEC_SLAB,       /* after "Unreclaimable slab info:": rows */
	SEC_MEMCG_STAT, /* after "Memory cgroup stats for X:": "key value" lines */
};

/* ---- prefixes ---- */

typedef struct ms_oom_prefix {
	int64_t time_us;   /* MS_NA when the line carries none */
	const char *wall;  /* a wall-clock time as printed, or NULL */
	size_t wall_len;
	bool kmsg;         /* a /dev/kmsg record: "\x0a" separates its lines */
	bool userspace;    /* a program's line (syslog tag or facility not the kernel's) */
} ms_oom_prefix;

/* Where the kernel's own text starts in [p, end), leading blanks skipped. */
const char *ms_oom_strip_prefix(const char *p, const char *end, ms_oom_prefix *pre);

/* ---- text helpers ---- */

bool ms_oom_starts(const char *p, const char *end, const char *lit);
/* The first occurrence of lit in [p, end), or NULL. */
const char *ms_oom_find(const char *p, const char *end, const char *lit);
/* "123kB" or "123KB" (or "123" when unit is optional); *p moves past it. */
bool ms_oom_kb(const char **p, const char *end, int64_t *v, bool unit_optional);
/* Copies [s, s+len) into a field of cap bytes, cut to fit. */
void ms_oom_copy(char *dst, size_t cap, const char *s, size_t len);
/* "PID (NAME)" where NAME ends at the last ')' before stop (or end). */
bool ms_oom_pid_name(const char **p, const char *end, const char *stop, int64_t *pid,
		     char name[MS_OOM_NAME]);

/* ---- the report (oomlog_report.c) ---- */

void ms_oom_report_reset(ms_oom_report *r);
/* One more item, zeroed, at the end of an array of the report: 0, or
 * -ENOMEM, or -E2BIG when the array holds `max` items already. */
int ms_oom_push(void **items, size_t *n, size_t *cap, size_t size, size_t max, void **slot);
/* Notes a line of the report that did not parse; returns 1 (consumed). */
int ms_oom_problem(ms_oom_parser *ps, const char *what);
/* ms_kvlist_add for counters read from a report: a key the list refuses
 * (too long, odd bytes) is a problem; out of memory an error. */
int ms_oom_add_kv(ms_oom_parser *ps, ms_kvlist *l, const char *key, size_t keylen, int64_t v,
		  bool kb);
/* Adds the "key:value[kB]" pairs of [p, end) to l; stops at a token that
 * is not one and returns where. *all_unrecl gets "all_unreclaimable? X". */
int ms_oom_add_pairs(ms_oom_parser *ps, ms_kvlist *l, const char **p, const char *end,
		     int *all_unrecl);

/* One "key:value", "key:valuekB" or "key: valuekB" at *p (a ',' after
 * it allowed); false, *p unmoved, at anything else. */
bool ms_oom_next_pair(const char **p, const char *end, const char **key, size_t *keylen,
		      int64_t *v, bool *kb);
/* How many pairs (and "all_unreclaimable?") start [p, end); *stop is
 * where they end. Nothing is stored. */
size_t ms_oom_count_pairs(const char *p, const char *end, const char **stop);

/* ---- line handlers: 1 consumed, 0 not theirs, <0 error ---- */

typedef int (*ms_oom_handler)(ms_oom_parser *ps, const char *p, const char *end);

bool ms_oom_is_trigger(const char *p, const char *end);
int ms_oom_trigger_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_kill_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_chosen_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_sharing_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_reaper_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_group_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_summary_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_cpu_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_hardware_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_cpuset_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_usage_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_task_in_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_memcg_stat_header(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_memcg_stat_row(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_tasks_header(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_task_row(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_panic_line(ms_oom_parser *ps, const char *p, const char *end);

int ms_oom_meminfo_header(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_counters_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_bare_counters_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_node_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_zone_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_reserve_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_swap_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_pages_line(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_slab_header(ms_oom_parser *ps, const char *p, const char *end);
int ms_oom_slab_row(ms_oom_parser *ps, const char *p, const char *end);

#endif
