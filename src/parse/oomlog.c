/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OOM-killer reports in a kernel log, read one line at a time.
 *
 * A report opens at its trigger line ("COMM invoked oom-killer: ...", or
 * 2.6.11's "oom-killer: gfp_mask=...") and closes after its kill line
 * ("Killed process N (x) ...") and the lines that belong after it; a new
 * trigger, a panic or the end of the log close it too, cut short. Lines
 * are recognized by their own text, wherever they fall, so that other
 * subsystems' lines in between (another CPU's printk, a driver) are read
 * past; the few that are recognized only by their shape (Mem-Info
 * counters, task rows, memcg stat lines, slab rows) are read only inside
 * the block they belong to. A rate-limited report, whose header the
 * kernel skipped, or one whose start the log lost, opens at the first
 * line only an OOM report prints (the kill line, the task table, the
 * oom-kill: summary...) and is marked headless.
 *
 * See oomlog_lines.c and oomlog_mem.c for the formats, oomlog_prefix.c
 * for the loggers' prefixes.
 */
#include <errno.h>
#include <string.h>

#include "oomlog.h"

/* Lines of a report, in the order they are tried (the first that knows a
 * line takes it). The kill and summary lines come first: they name their
 * own kind unmistakably. */
static const ms_oom_handler report_lines[] = {
	ms_oom_kill_line,         ms_oom_chosen_line,        ms_oom_summary_line,
	ms_oom_cpu_line,          ms_oom_hardware_line,      ms_oom_meminfo_header,
	ms_oom_node_line,         ms_oom_zone_line,          ms_oom_reserve_line,
	ms_oom_swap_line,         ms_oom_pages_line,         ms_oom_slab_header,
	ms_oom_tasks_header,      ms_oom_usage_line,         ms_oom_task_in_line,
	ms_oom_memcg_stat_header, ms_oom_panic_line,         ms_oom_cpuset_line,
	ms_oom_bare_counters_line,
};

/* Lines that may follow the kill line and still belong to the report. */
static const ms_oom_handler after_kill_lines[] = {
	ms_oom_kill_line, ms_oom_sharing_line, ms_oom_reaper_line, ms_oom_group_line,
};

/* Lines that open a report whose trigger line is not in the log: those
 * only an OOM report prints. */
static const char *const headless_starts[] = {
	"oom-kill:", "Tasks state (memory values in pages)", "Memory cgroup stats for ",
	"Task in ",
};

void ms_oom_parser_init(ms_oom_parser *p, ms_oom_fn fn, void *ctx, ms_error *err)
{
	memset(p, 0, sizeof *p);
	ms_oom_report_init(&p->cur);
	p->fn = fn;
	p->ctx = ctx;
	p->err = err;
	ms_error_clear(err);
}

void ms_oom_parser_free(ms_oom_parser *p)
{
	ms_oom_report_free(&p->cur);
	p->open = false;
}

static size_t kv_bytes(const ms_kvlist *l)
{
	return l->cap * sizeof *l->items;
}

size_t ms_oom_parser_footprint(const ms_oom_parser *p)
{
	const ms_oom_report *r = &p->cur;
	size_t n = kv_bytes(&r->meminfo) + kv_bytes(&r->summary) + kv_bytes(&r->memcg_stat);

	n += r->nodes_cap * sizeof *r->nodes + r->zones_cap * sizeof *r->zones;
	n += r->buddy_cap * sizeof *r->buddy + r->huge_cap * sizeof *r->huge;
	n += r->slabs_cap * sizeof *r->slabs + r->tasks_cap * sizeof *r->tasks;
	n += r->kills_cap * sizeof *r->kills;
	for (size_t i = 0; i < r->nzones; i++)
		n += kv_bytes(&r->zones[i].stats);
	for (size_t i = 0; i < r->nnodes; i++)
		n += kv_bytes(&r->nodes[i].stats);
	return n;
}

/* ---- opening and closing ----------------------------------------------- */

static void open_report(ms_oom_parser *ps, const ms_oom_prefix *pre, bool headless)
{
	ms_oom_report *r = &ps->cur;

	ms_oom_report_reset(r);
	r->first_line = r->last_line = ps->lineno;
	r->time_us = pre->time_us;
	if (pre->wall)
		ms_oom_copy(r->wall_time, sizeof r->wall_time, pre->wall, pre->wall_len);
	r->headless = headless;
	ps->open = true;
	ps->section = SEC_NONE;
	ps->after_kill = 0;
	ps->ncols = 0;
}

/* Hands the report over; `end` says why it ends, unless its kill line or
 * a panic was read. */
static int close_report(ms_oom_parser *ps, enum ms_oom_end end)
{
	ms_oom_report *r = &ps->cur;
	int rc = 0;

	if (ps->after_kill == 3)
		end = MS_OOM_END_PANIC;
	else if (ps->after_kill)
		end = MS_OOM_END_KILL;
	r->end = end;
	r->truncated = end == MS_OOM_END_LOG || end == MS_OOM_END_NEXT;
	ps->open = false;
	ps->nreports++;
	if (ps->fn)
		rc = ps->fn(ps->ctx, r);
	ms_oom_report_reset(r);
	if (rc < 0 && ps->status == 0) {
		ps->status = rc;
		if (!ps->err || ps->err->code == 0)
			ms_error_set(ps->err, -rc, ps->lineno, "stopped after report %zu",
				     ps->nreports);
	}
	return rc < 0 ? rc : 0;
}

/* ---- one line of kernel text ------------------------------------------- */

static int section_row(ms_oom_parser *ps, const char *p, const char *end)
{
	switch (ps->section) {
	case SEC_MEMINFO:
		return ms_oom_counters_line(ps, p, end);
	case SEC_TASKS:
		return ms_oom_task_row(ps, p, end);
	case SEC_SLAB:
		return ms_oom_slab_row(ps, p, end);
	case SEC_MEMCG_STAT:
		return ms_oom_memcg_stat_row(ps, p, end);
	default:
		return 0;
	}
}

static int run_handlers(ms_oom_parser *ps, const ms_oom_handler *h, size_t n, const char *p,
			const char *end)
{
	for (size_t i = 0; i < n; i++) {
		int rc = h[i](ps, p, end);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static bool opens_headless(const char *p, const char *end)
{
	const char *kill = ms_oom_find(p, end, "ill process ");

	/* "Killed process", "Kill process ... score", "kill process" (2.6) */
	if (ms_oom_find(p, end, "Killed process ") ||
	    (kill && kill > p && ms_oom_find(kill, end, ") score ")))
		return true;
	for (size_t i = 0; i < MS_ARRAY_LEN(headless_starts); i++)
		if (ms_oom_starts(p, end, headless_starts[i]))
			return true;
	/* The task table's header: "[ pid ]   uid  tgid ..." */
	return ms_oom_starts(p, end, "[ pid ]") || ms_oom_starts(p, end, "[  pid  ]");
}

/* After the kill line: a line that is not one of those that follow it
 * closes the report (and is then read as any other line). */
static int after_kill(ms_oom_parser *ps, const char *p, const char *end, bool *taken)
{
	int rc = run_handlers(ps, after_kill_lines, MS_ARRAY_LEN(after_kill_lines), p, end);

	*taken = rc != 0;
	if (rc > 0)
		ps->cur.last_line = ps->lineno;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	return close_report(ps, MS_OOM_END_KILL);
}

static int report_line(ms_oom_parser *ps, const char *p, const char *end)
{
	int rc = section_row(ps, p, end);

	if (rc == 0)
		rc = run_handlers(ps, report_lines, MS_ARRAY_LEN(report_lines), p, end);
	if (rc > 0)
		ps->cur.last_line = ps->lineno;
	if (rc >= 0 && ps->after_kill == 3)
		return close_report(ps, MS_OOM_END_PANIC);
	return rc < 0 ? rc : 0;
}

static int kernel_text(ms_oom_parser *ps, const char *p, const char *end,
		       const ms_oom_prefix *pre)
{
	bool taken;
	int rc;

	if (ms_oom_is_trigger(p, end)) {
		if (ps->open && (rc = close_report(ps, MS_OOM_END_NEXT)) < 0)
			return rc;
		open_report(ps, pre, false);
		rc = ms_oom_trigger_line(ps, p, end);
		return rc < 0 ? rc : 0;
	}
	if (ps->open && ps->after_kill) {
		rc = after_kill(ps, p, end, &taken);
		if (rc < 0 || taken)
			return rc;
	}
	if (!ps->open) {
		if (!opens_headless(p, end))
			return 0;
		open_report(ps, pre, true);
	}
	return report_line(ps, p, end);
}

/* A /dev/kmsg record holds its own newlines as "\x0a": each piece is a
 * line of its own. */
static int kmsg_pieces(ms_oom_parser *ps, const char *p, const char *end,
		       const ms_oom_prefix *pre)
{
	for (;;) {
		const char *esc = ms_oom_find(p, end, "\\x0a");
		const char *stop = esc ? esc : end;
		const char *s = p;
		ms_skip_space(&s, stop);
		int rc = kernel_text(ps, s, stop, pre);
		if (rc < 0 || !esc)
			return rc;
		p = esc + 4;
	}
}

int ms_oom_parser_line(ms_oom_parser *ps, const char *line, size_t len)
{
	ms_oom_prefix pre;

	if (ps->status < 0)
		return ps->status;
	ps->lineno++;
	if (len > MS_OOM_MAX_LINE)
		len = MS_OOM_MAX_LINE;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	const char *end = line + len;
	const char *p = ms_oom_strip_prefix(line, end, &pre);
	if (pre.userspace)
		return 0;
	int rc = pre.kmsg ? kmsg_pieces(ps, p, end, &pre) : kernel_text(ps, p, end, &pre);
	if (rc < 0 && ps->status == 0)
		ps->status = rc;
	return rc;
}

/* ---- chunks ------------------------------------------------------------ */

/* Adds to the held partial line; what goes past MS_OOM_MAX_LINE is
 * dropped (ms_oom_parser_line would cut it there too). */
static void hold(ms_oom_parser *ps, const char *data, size_t n)
{
	size_t room = sizeof ps->line - ps->line_len;

	if (n > room) {
		n = room;
		ps->line_cut = true;
	}
	memcpy(ps->line + ps->line_len, data, n);
	ps->line_len += n;
}

static int held_line(ms_oom_parser *ps)
{
	int rc = ms_oom_parser_line(ps, ps->line, ps->line_len);

	ps->line_len = 0;
	ps->line_cut = false;
	return rc;
}

int ms_oom_parser_feed(ms_oom_parser *ps, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			hold(ps, p, (size_t)(end - p));
			break;
		}
		int rc;
		if (ps->line_len || ps->line_cut) {
			hold(ps, p, (size_t)(nl - p));
			rc = held_line(ps);
		} else {
			rc = ms_oom_parser_line(ps, p, (size_t)(nl - p));
		}
		if (rc < 0)
			return rc;
		p = nl + 1;
	}
	return ps->status;
}

int ms_oom_parser_finish(ms_oom_parser *ps)
{
	int rc = 0;

	if (ps->line_len || ps->line_cut)
		rc = held_line(ps);
	if (rc == 0 && ps->status == 0 && ps->open)
		rc = close_report(ps, MS_OOM_END_LOG);
	return ps->status < 0 ? ps->status : rc;
}

/* ---- a whole buffer ---------------------------------------------------- */

int ms_parse_oom_log(const char *buf, size_t len, ms_oom_fn fn, void *ctx, size_t *count,
		     ms_error *err)
{
	ms_oom_parser ps;
	ms_lines it;
	const char *line;
	size_t n;
	int rc = 0;

	ms_oom_parser_init(&ps, fn, ctx, err);
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n))
		rc = ms_oom_parser_line(&ps, line, n);
	if (rc == 0)
		rc = ms_oom_parser_finish(&ps);
	if (count)
		*count = ps.nreports;
	ms_oom_parser_free(&ps);
	return rc;
}
