/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OOM killer's own lines (mm/oom_kill.c, mm/memcontrol.c), over
 * kernel versions:
 *
 * trigger  2.6.11   "oom-killer: gfp_mask=0xd0"
 *          2.6.19+  "COMM invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=0"
 *          2.6.36+  "... gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0"
 *          4.9+     "... gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null),
 *                   order=0, oom_score_adj=0"
 *          5.x+     "... gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"
 *          then "COMM cpuset=/ mems_allowed=0" (2.6.3x-4.x) and dump_stack's
 *          "CPU: 1 PID: 136 Comm: app-hog Not tainted 6.1.0-57-arm64 #1 ..."
 *          (2.6 x86: "Pid: 136, comm: app-hog Not tainted 2.6.32 #1").
 * memcg    "Task in /a killed as a result of limit of /a" (2.6.3x-4.18),
 *          "memory: usage 65536kB, limit 65536kB, failcnt 38", likewise
 *          "memory+swap:", "kmem:", "swap:", then
 *          "Memory cgroup stats for /a: cache:0KB rss:..." (v1, one line, per
 *          child group) or, 5.x+, "Memory cgroup stats for /a:" followed by
 *          memory.stat's own "anon 66879488" lines.
 * tasks    dump_tasks: "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name"
 *          (2.6.25), "... rss nr_ptes swapents oom_score_adj name" (3.x),
 *          "... nr_ptes nr_pmds ..." (4.4), "[  pid  ] ... pgtables_bytes
 *          ..." (4.15+, after "Tasks state (memory values in pages):"),
 *          "... rss rss_anon rss_file rss_shmem pgtables_bytes ..." (6.8+).
 * summary  4.19+: "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),
 *          cpuset=/,mems_allowed=0,oom_memcg=/app,task_memcg=/app,
 *          task=app-hog,pid=136,uid=0" ("global_oom" instead of oom_memcg=).
 * chosen   2.6.24-5.0: "Out of memory: Kill process 123 (x) score 456 or
 *          sacrifice child" (2.6.24: "kill process ... or a child").
 * kill     2.6.11: "Out of Memory: Killed process 123 (x)."
 *          2.6.2x-3.x: "Killed process 123 (x) total-vm:..kB, anon-rss:..kB,
 *          file-rss:..kB" (2.6.3x "vsz:"), 4.x adds ", shmem-rss:..kB",
 *          5.x+: "Out of memory: Killed process 123 (x) total-vm:...,
 *          UID:0 pgtables:132kB oom_score_adj:0" ("Memory cgroup out of
 *          memory: " for a memcg OOM).
 * after    "Kill process 124 (x) sharing same memory" (3.x-4.x),
 *          "oom_reaper: reaped process 123 (x), now anon-rss:0kB, ...",
 *          "Tasks in /a are going to be killed due to memory.oom.group set"
 *          and one more kill line per task of the group.
 */
#include <errno.h>
#include <string.h>

#include "oomlog.h"

static ms_oom_report *rep(ms_oom_parser *ps)
{
	return &ps->cur;
}

static ms_oom_trigger *trig(ms_oom_parser *ps)
{
	return &ps->cur.trigger;
}

static void rtrim(const char *p, const char **end)
{
	while (*end > p && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal (maybe negative) at *p, ending at a blank, ',' or end. */
static bool number(const char **p, const char *end, int64_t *v)
{
	const char *s = *p;

	if (s >= end || (!is_digit(*s) && *s != '-') || !ms_parse_i64(&s, end, v))
		return false;
	if (s < end && *s != ' ' && *s != ',' && *s != '\t')
		return false;
	*p = s;
	return true;
}

/* Moves *p past lit when the text there starts with it. */
static bool skip_lit(const char **p, const char *end, const char *lit)
{
	if (!ms_oom_starts(*p, end, lit))
		return false;
	*p += strlen(lit);
	return true;
}

/* ---- the trigger ------------------------------------------------------- */

bool ms_oom_is_trigger(const char *p, const char *end)
{
	return ms_oom_find(p, end, " invoked oom-killer:") != NULL ||
	       ms_oom_starts(p, end, "oom-killer: gfp_mask=");
}

/* "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)" */
static void gfp_value(ms_oom_trigger *t, const char *v, const char *vend)
{
	uint64_t mask;

	if (ms_oom_starts(v, vend, "0x"))
		v += 2;
	if (v >= vend || !ms_parse_hex_u64(&v, vend, &mask) || mask > INT64_MAX)
		return;
	t->gfp_mask = (int64_t)mask;
	if (v < vend && *v == '(' && vend[-1] == ')')
		ms_oom_copy(t->gfp_flags, sizeof t->gfp_flags, v + 1, (size_t)(vend - v - 2));
}

static void int_value(int64_t *field, const char *v, const char *vend)
{
	int64_t n;

	if (number(&v, vend, &n) && v == vend)
		*field = n;
}

/* One "key=value" of the trigger line. */
static void trigger_field(ms_oom_trigger *t, const char *f, const char *fend)
{
	const char *eq = memchr(f, '=', (size_t)(fend - f));

	if (!eq)
		return;
	const char *v = eq + 1;
	size_t klen = (size_t)(eq - f);
	if (ms_token_eq(f, klen, "gfp_mask"))
		gfp_value(t, v, fend);
	else if (ms_token_eq(f, klen, "order"))
		int_value(&t->order, v, fend);
	else if (ms_token_eq(f, klen, "oom_score_adj"))
		int_value(&t->oom_score_adj, v, fend);
	else if (ms_token_eq(f, klen, "oom_adj") || ms_token_eq(f, klen, "oomkilladj"))
		int_value(&t->oom_adj, v, fend);
	else if (ms_token_eq(f, klen, "nodemask"))
		ms_oom_copy(t->nodemask, sizeof t->nodemask, v, (size_t)(fend - v));
}

int ms_oom_trigger_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_trigger *t = trig(ps);
	const char *at = ms_oom_find(p, end, " invoked oom-killer:");

	rtrim(p, &end);
	if (at)
		ms_oom_copy(t->comm, sizeof t->comm, p, (size_t)(at - p));
	p = ms_oom_find(p, end, "oom-killer:") + strlen("oom-killer:");
	/* Fields are separated by ", "; a nodemask list ("0-1,3") has no blank. */
	while (p < end) {
		ms_skip_space(&p, end);
		const char *sep = ms_oom_find(p, end, ", ");
		const char *fend = sep ? sep : end;
		trigger_field(t, p, fend);
		p = sep ? sep + 2 : end;
	}
	return 1;
}

/* Copies the first token starting with a digit: the kernel release. */
static void release_after(ms_oom_trigger *t, const char *p, const char *end)
{
	const char *tok;
	size_t len;

	while (ms_next_token(&p, end, &tok, &len))
		if (is_digit(tok[0])) {
			ms_oom_copy(t->kernel, sizeof t->kernel, tok, len);
			return;
		}
}

/* The comm and what follows it: "app-hog Not tainted 6.1.0 #1" or
 * "foo Tainted: G        W  O 3.10.0 #1". */
static void comm_and_release(ms_oom_trigger *t, const char *p, const char *end)
{
	const char *mark = " Not tainted ";
	const char *taint = ms_oom_find(p, end, mark);
	if (!taint) {
		mark = " Tainted: ";
		taint = ms_oom_find(p, end, mark);
	}
	if (!taint)
		return;
	if (!t->comm[0])
		ms_oom_copy(t->comm, sizeof t->comm, p, (size_t)(taint - p));
	release_after(t, taint + strlen(mark), end);
}

/* "CPU: 1 PID: 136 Comm: app-hog Not tainted ..." (6.12+ puts "UID: 0"
 * before PID); 2.6's "Pid: 136, comm: app-hog Not tainted ...". Only the
 * first one of a report: others come from other warnings. */
int ms_oom_cpu_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_trigger *t = trig(ps);
	const char *pid = ms_oom_find(p, end, "PID: ");
	const char *comm = ms_oom_find(p, end, " Comm: ");
	int64_t v;

	if (ms_oom_starts(p, end, "Pid: ")) {
		pid = p;
		comm = ms_oom_find(p, end, ", comm: ");
	} else if (!ms_oom_starts(p, end, "CPU: ")) {
		return 0;
	}
	if (!pid || !comm || pid > comm)
		return 0;
	if (t->pid != MS_NA)
		return 1;
	const char *s = pid + 5;
	if (number(&s, end, &v))
		t->pid = v;
	s = p + 5;
	if (p[0] == 'C' && number(&s, end, &v))
		t->cpu = v;
	comm += p[0] == 'C' ? strlen(" Comm: ") : strlen(", comm: ");
	rtrim(p, &end);
	comm_and_release(t, comm, end);
	return 1;
}

int ms_oom_hardware_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_trigger *t = trig(ps);

	if (!ms_oom_starts(p, end, "Hardware name: "))
		return 0;
	p += strlen("Hardware name: ");
	rtrim(p, &end);
	if (!t->hardware[0])
		ms_oom_copy(t->hardware, sizeof t->hardware, p, (size_t)(end - p));
	return 1;
}

/* "app-hog cpuset=/ mems_allowed=0" (2.6.3x-4.x). */
int ms_oom_cpuset_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_trigger *t = trig(ps);
	const char *cs = ms_oom_find(p, end, " cpuset=");
	const char *ma = cs ? ms_oom_find(cs, end, " mems_allowed=") : NULL;

	if (!ma)
		return 0;
	rtrim(p, &end);
	cs += strlen(" cpuset=");
	ms_oom_copy(t->cpuset, sizeof t->cpuset, cs, (size_t)(ma - cs));
	ma += strlen(" mems_allowed=");
	ms_oom_copy(t->mems_allowed, sizeof t->mems_allowed, ma, (size_t)(end - ma));
	return 1;
}

/* ---- the oom-kill: summary (4.19+) ------------------------------------- */

static const char *const summary_keys[] = {
	"constraint=", "nodemask=", "cpuset=", "mems_allowed=", "oom_memcg=",
	"task_memcg=", "task=", "pid=", "uid=", "global_oom",
};

static bool summary_key(const char *p, const char *end)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(summary_keys); i++)
		if (ms_oom_starts(p, end, summary_keys[i]))
			return true;
	return false;
}

static void summary_field(ms_oom_trigger *t, const char *f, const char *fend)
{
	const char *eq = memchr(f, '=', (size_t)(fend - f));
	const char *v = eq ? eq + 1 : fend;
	size_t klen = (size_t)((eq ? eq : fend) - f), vlen = (size_t)(fend - v);

	if (ms_token_eq(f, klen, "constraint"))
		ms_oom_copy(t->constraint, sizeof t->constraint, v, vlen);
	else if (ms_token_eq(f, klen, "nodemask") && !t->nodemask[0])
		ms_oom_copy(t->nodemask, sizeof t->nodemask, v, vlen);
	else if (ms_token_eq(f, klen, "cpuset"))
		ms_oom_copy(t->cpuset, sizeof t->cpuset, v, vlen);
	else if (ms_token_eq(f, klen, "mems_allowed"))
		ms_oom_copy(t->mems_allowed, sizeof t->mems_allowed, v, vlen);
	else if (ms_token_eq(f, klen, "oom_memcg"))
		ms_oom_copy(t->memcg, sizeof t->memcg, v, vlen);
	else if (ms_token_eq(f, klen, "task_memcg"))
		ms_oom_copy(t->task_memcg, sizeof t->task_memcg, v, vlen);
	else if (ms_token_eq(f, klen, "global_oom"))
		t->global_oom = true;
}

/* Fields are split at the ',' before a known key, so a ',' inside a
 * value (a cpuset path, a nodemask list) stays in it. */
int ms_oom_summary_line(ms_oom_parser *ps, const char *p, const char *end)
{
	if (!ms_oom_starts(p, end, "oom-kill:"))
		return 0;
	p += strlen("oom-kill:");
	rtrim(p, &end);
	while (p < end) {
		const char *f = p, *q = p;
		for (;;) {
			q = memchr(q, ',', (size_t)(end - q));
			if (!q || summary_key(q + 1, end))
				break;
			q++;
		}
		summary_field(trig(ps), f, q ? q : end);
		p = q ? q + 1 : end;
	}
	return 1;
}

/* ---- memcg lines ------------------------------------------------------- */

/* "memory: usage 65536kB, limit 65536kB, failcnt 38" */
int ms_oom_usage_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	const char *at = ms_oom_find(p, end, ": usage ");
	int64_t usage, limit, failcnt;

	if (!at || at - p >= (ptrdiff_t)sizeof r->usage[0].name || memchr(p, ' ', (size_t)(at - p)))
		return 0;
	const char *s = at + strlen(": usage ");
	rtrim(p, &end);
	if (!ms_oom_kb(&s, end, &usage, false) || !skip_lit(&s, end, ", limit ") ||
	    !ms_oom_kb(&s, end, &limit, false) || !skip_lit(&s, end, ", failcnt ") ||
	    !number(&s, end, &failcnt) || s != end)
		return ms_oom_problem(ps, "not 'X: usage NkB, limit NkB, failcnt N'");
	if (r->nusage == (int)MS_ARRAY_LEN(r->usage))
		return ms_oom_problem(ps, "more usage lines than memscope keeps");
	ms_oom_memcg_usage *u = &r->usage[r->nusage++];
	ms_oom_copy(u->name, sizeof u->name, p, (size_t)(at - p));
	u->usage_kb = usage;
	u->limit_kb = limit;
	u->failcnt = failcnt;
	return 1;
}

/* "Task in /a/b killed as a result of limit of /a" */
int ms_oom_task_in_line(ms_oom_parser *ps, const char *p, const char *end)
{
	static const char mid[] = " killed as a result of limit of ";
	ms_oom_trigger *t = trig(ps);

	if (!ms_oom_starts(p, end, "Task in "))
		return 0;
	const char *m = ms_oom_find(p, end, mid);
	if (!m)
		return ms_oom_problem(ps, "a 'Task in' line without its limit");
	rtrim(p, &end);
	p += strlen("Task in ");
	ms_oom_copy(t->task_memcg, sizeof t->task_memcg, p, (size_t)(m - p));
	m += sizeof mid - 1;
	ms_oom_copy(t->memcg, sizeof t->memcg, m, (size_t)(end - m));
	return 1;
}

/* "Memory cgroup stats for /a:" (5.x+, lines follow) or "Memory cgroup
 * stats for /a: cache:0KB rss:..." (one line per group, the OOM's own
 * first). Only the first group's figures are kept. */
int ms_oom_memcg_stat_header(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	bool first = !r->memcg_stat_path[0];

	if (!ms_oom_starts(p, end, "Memory cgroup stats for "))
		return 0;
	p += strlen("Memory cgroup stats for ");
	rtrim(p, &end);
	const char *colon = end > p && end[-1] == ':' ? end - 1 : ms_oom_find(p, end, ": ");
	if (!colon || colon == p)
		return ms_oom_problem(ps, "no group in 'Memory cgroup stats for'");
	ps->section = first && colon == end - 1 ? SEC_MEMCG_STAT : SEC_NONE;
	if (!first)
		return 1;
	ms_oom_copy(r->memcg_stat_path, sizeof r->memcg_stat_path, p, (size_t)(colon - p));
	if (!r->trigger.memcg[0])
		ms_oom_copy(r->trigger.memcg, sizeof r->trigger.memcg, p, (size_t)(colon - p));
	if (colon == end - 1)
		return 1;
	const char *s = colon + 1;
	int rc = ms_oom_add_pairs(ps, &r->memcg_stat, &s, end, NULL);
	return rc < 0 ? rc : 1;
}

/* "anon 66879488" */
int ms_oom_memcg_stat_row(ms_oom_parser *ps, const char *p, const char *end)
{
	const char *key = p;
	int64_t v;

	rtrim(p, &end);
	while (p < end && ((*p >= 'a' && *p <= 'z') || is_digit(*p) || *p == '_'))
		p++;
	size_t keylen = (size_t)(p - key);
	if (keylen == 0 || p >= end || *p != ' ')
		return 0;
	p++;
	if (!number(&p, end, &v) || p != end)
		return 0;
	int rc = ms_oom_add_kv(ps, &rep(ps)->memcg_stat, key, keylen, v, false);
	return rc < 0 ? rc : 1;
}

/* ---- the task table ---------------------------------------------------- */

static const char *const col_names[MS_OOM_NCOLS] = {
	[MS_OOM_COL_UID] = "uid",
	[MS_OOM_COL_TGID] = "tgid",
	[MS_OOM_COL_TOTAL_VM] = "total_vm",
	[MS_OOM_COL_RSS] = "rss",
	[MS_OOM_COL_RSS_ANON] = "rss_anon",
	[MS_OOM_COL_RSS_FILE] = "rss_file",
	[MS_OOM_COL_RSS_SHMEM] = "rss_shmem",
	[MS_OOM_COL_PGTABLES_BYTES] = "pgtables_bytes",
	[MS_OOM_COL_NR_PTES] = "nr_ptes",
	[MS_OOM_COL_NR_PMDS] = "nr_pmds",
	[MS_OOM_COL_SWAPENTS] = "swapents",
	[MS_OOM_COL_CPU] = "cpu",
	[MS_OOM_COL_OOM_ADJ] = "oom_adj",
	[MS_OOM_COL_OOM_SCORE_ADJ] = "oom_score_adj",
};

/* The column a header word names; -1 for one memscope does not know
 * (read past, so that a vendor's extra column does not hide the rest). */
static int column_of(const char *tok, size_t len)
{
	for (int i = 0; i < MS_OOM_NCOLS; i++)
		if (ms_token_eq(tok, len, col_names[i]))
			return i;
	return -1;
}

/* "[ pid ]" or "[  pid  ]" */
static bool pid_bracket(const char **p, const char *end)
{
	const char *s = *p;

	if (s >= end || *s++ != '[')
		return false;
	ms_skip_space(&s, end);
	if (!ms_oom_starts(s, end, "pid"))
		return false;
	s += 3;
	ms_skip_space(&s, end);
	if (s >= end || *s != ']')
		return false;
	*p = s + 1;
	return true;
}

static int read_header(ms_oom_parser *ps, const char *p, const char *end)
{
	const char *tok;
	size_t len;
	int n = 0;
	uint32_t seen = 0;

	while (ms_next_token(&p, end, &tok, &len)) {
		if (ms_token_eq(tok, len, "name") && p == end)
			break;
		if (n == (int)sizeof ps->cols)
			return ms_oom_problem(ps, "a task table with too many columns");
		int c = column_of(tok, len);
		if (c >= 0 && (seen & (1u << c)))
			return ms_oom_problem(ps, "a column twice in the task table");
		if (c >= 0)
			seen |= 1u << c;
		ps->cols[n++] = (signed char)c;
	}
	if (!ms_token_eq(tok, len, "name") || p != end)
		return ms_oom_problem(ps, "the task table header does not end in 'name'");
	ps->ncols = n;
	rep(ps)->task_cols = seen;
	return 0;
}

int ms_oom_tasks_header(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);

	if (ms_oom_starts(p, end, "Tasks state (memory values in pages)"))
		return 1;
	if (!pid_bracket(&p, end))
		return 0;
	ps->section = SEC_NONE;
	if (r->tasks_printed)
		return ms_oom_problem(ps, "a second task table in one report");
	rtrim(p, &end);
	int rc = read_header(ps, p, end);
	if (rc != 0)
		return rc;
	r->tasks_printed = true;
	ps->section = SEC_TASKS;
	return 1;
}

static int add_task(ms_oom_parser *ps, const ms_oom_task *t)
{
	ms_oom_report *r = rep(ps);
	void *slot;
	int rc = ms_oom_push((void **)&r->tasks, &r->ntasks, &r->tasks_cap, sizeof *t,
			     MS_OOM_MAX_TASKS, &slot);

	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		r->tasks_dropped++;
	else
		memcpy(slot, t, sizeof *t);
	return 1;
}

/* "[    129]     0   129     4317     4226    73728        0             0 app-resident" */
int ms_oom_task_row(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_task t;
	uint64_t pid;

	if (p >= end || *p != '[')
		return 0;
	p++;
	ms_skip_space(&p, end);
	if (p >= end || !is_digit(*p) || !ms_parse_u64(&p, end, &pid) || pid > INT64_MAX ||
	    p >= end || *p != ']')
		return 0;
	p++;
	t.pid = (int64_t)pid;
	for (int i = 0; i < MS_OOM_NCOLS; i++)
		t.col[i] = MS_NA;
	for (int i = 0; i < ps->ncols; i++) {
		int64_t v;
		ms_skip_space(&p, end);
		if (!number(&p, end, &v))
			return ms_oom_problem(ps, "a task row with fewer figures than its header");
		if (ps->cols[i] >= 0)
			t.col[ps->cols[i]] = v;
	}
	ms_skip_space(&p, end);
	if (p == end)
		return ms_oom_problem(ps, "a task row without a name");
	ms_oom_copy(t.name, sizeof t.name, p, (size_t)(end - p));
	return add_task(ps, &t);
}

/* ---- kills ------------------------------------------------------------- */

static int push_kill(ms_oom_parser *ps, ms_oom_kill **k)
{
	ms_oom_report *r = rep(ps);
	int rc = ms_oom_push((void **)&r->kills, &r->nkills, &r->kills_cap, sizeof **k,
			     MS_OOM_MAX_ITEMS, (void **)k);

	if (rc == -ENOMEM)
		return ms_error_set(ps->err, ENOMEM, ps->lineno, "out of memory");
	if (rc < 0)
		return ms_oom_problem(ps, "too many kills in one report");
	(*k)->total_vm_kb = (*k)->anon_rss_kb = (*k)->file_rss_kb = MS_NA;
	(*k)->shmem_rss_kb = (*k)->pgtables_kb = (*k)->uid = (*k)->oom_score_adj = MS_NA;
	(*k)->reaped_anon_rss_kb = (*k)->reaped_file_rss_kb = MS_NA;
	(*k)->reaped_shmem_rss_kb = MS_NA;
	return 0;
}

static int64_t *kill_field(ms_oom_kill *k, const char *key, size_t len, bool reaped)
{
	if (ms_token_eq(key, len, "anon-rss"))
		return reaped ? &k->reaped_anon_rss_kb : &k->anon_rss_kb;
	if (ms_token_eq(key, len, "file-rss"))
		return reaped ? &k->reaped_file_rss_kb : &k->file_rss_kb;
	if (ms_token_eq(key, len, "shmem-rss"))
		return reaped ? &k->reaped_shmem_rss_kb : &k->shmem_rss_kb;
	if (reaped)
		return NULL;
	if (ms_token_eq(key, len, "total-vm") || ms_token_eq(key, len, "vsz"))
		return &k->total_vm_kb;
	if (ms_token_eq(key, len, "pgtables"))
		return &k->pgtables_kb;
	if (ms_token_eq(key, len, "UID"))
		return &k->uid;
	if (ms_token_eq(key, len, "oom_score_adj"))
		return &k->oom_score_adj;
	return NULL;
}

/* "total-vm:50036kB, anon-rss:48776kB, ... UID:0 pgtables:132kB oom_score_adj:0" */
static void kill_figures(ms_oom_kill *k, const char *p, const char *end, bool reaped)
{
	const char *key;
	size_t len;
	int64_t v;
	bool kb;

	while (ms_oom_next_pair(&p, end, &key, &len, &v, &kb)) {
		int64_t *f = kill_field(k, key, len, reaped);
		if (f)
			*f = v;
	}
}

/* The ')' that ends a name: the one before the first of these. */
static const char *name_stop(const char *p, const char *end)
{
	static const char *const after[] = { ") total-vm:", ") vsz:", "), now ", ") score ",
					     ") sharing same memory" };

	for (size_t i = 0; i < MS_ARRAY_LEN(after); i++) {
		const char *at = ms_oom_find(p, end, after[i]);
		if (at)
			return at + 1;
	}
	return end;
}

/* RHEL 6 prints the uid before the name: "Killed process 11726, UID 498,
 * (mysqld)". */
static void rhel_uid(ms_oom_kill *k, const char *p, const char *end)
{
	const char *at = ms_oom_find(p, end, ", UID ");
	int64_t v;

	if (at && k->uid == MS_NA) {
		at += strlen(", UID ");
		if (number(&at, end, &v))
			k->uid = v;
	}
}

int ms_oom_kill_line(ms_oom_parser *ps, const char *p, const char *end)
{
	const char *at = ms_oom_find(p, end, "Killed process ");
	ms_oom_kill *k;
	int64_t pid;
	char name[MS_OOM_NAME];

	if (!at || ps->after_kill == 1)
		return 0;
	bool memcg = ms_oom_find(p, at, "Memory cgroup out of memory") != NULL;
	/* memory.oom.group's kills are printed as the victim's was. */
	if (ps->after_kill == 2 && memcg != rep(ps)->kills[0].memcg)
		return 0;
	p = at + strlen("Killed process ");
	rtrim(p, &end);
	if (!ms_oom_pid_name(&p, end, name_stop(p, end), &pid, name))
		return ms_oom_problem(ps, "a kill line without 'PID (NAME)'");
	int rc = push_kill(ps, &k);
	if (rc != 0)
		return rc < 0 ? rc : 1;
	k->pid = pid;
	memcpy(k->name, name, sizeof name);
	k->memcg = memcg;
	kill_figures(k, p, end, false);
	rhel_uid(k, at, p);
	ps->section = SEC_NONE;
	if (ps->after_kill == 0)
		ps->after_kill = 1;
	return 1;
}

/* "Out of memory: Kill process 123 (x) score 456 or sacrifice child" */
int ms_oom_chosen_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	const char *at = ms_oom_find(p, end, "ill process ");
	int64_t score;

	if (!at || at == p || (at[-1] != 'K' && at[-1] != 'k') || !ms_oom_find(at, end, ") score "))
		return 0;
	p = at + strlen("ill process ");
	rtrim(p, &end);
	if (!ms_oom_pid_name(&p, end, name_stop(p, end), &r->chosen_pid, r->chosen_name))
		return ms_oom_problem(ps, "a 'Kill process' line without 'PID (NAME)'");
	if (skip_lit(&p, end, " score ") && number(&p, end, &score))
		r->chosen_score = score;
	ps->section = SEC_NONE;
	return 1;
}

/* "Kill process 124 (x) sharing same memory": killed with the victim. */
int ms_oom_sharing_line(ms_oom_parser *ps, const char *p, const char *end)
{
	const char *at = ms_oom_find(p, end, "Kill process ");
	ms_oom_kill *k;
	int64_t pid;
	char name[MS_OOM_NAME];

	if (!at || !ms_oom_find(at, end, ") sharing same memory"))
		return 0;
	p = at + strlen("Kill process ");
	if (!ms_oom_pid_name(&p, end, name_stop(p, end), &pid, name))
		return 0;
	int rc = push_kill(ps, &k);
	if (rc != 0)
		return rc < 0 ? rc : 1;
	k->pid = pid;
	memcpy(k->name, name, sizeof name);
	return 1;
}

/* "oom_reaper: reaped process 136 (app-hog), now anon-rss:0kB, ..." for
 * a process this report killed. */
int ms_oom_reaper_line(ms_oom_parser *ps, const char *p, const char *end)
{
	ms_oom_report *r = rep(ps);
	int64_t pid;
	char name[MS_OOM_NAME];

	if (!ms_oom_starts(p, end, "oom_reaper: reaped process "))
		return 0;
	p += strlen("oom_reaper: reaped process ");
	rtrim(p, &end);
	if (!ms_oom_pid_name(&p, end, name_stop(p, end), &pid, name))
		return 0;
	for (size_t i = 0; i < r->nkills; i++)
		if (r->kills[i].pid == pid) {
			if (ms_oom_starts(p, end, ", now "))
				kill_figures(&r->kills[i], p + strlen(", now "), end, true);
			return 1;
		}
	return 0;
}

/* "Tasks in /a are going to be killed due to memory.oom.group set" */
int ms_oom_group_line(ms_oom_parser *ps, const char *p, const char *end)
{
	if (!ms_oom_starts(p, end, "Tasks in ") || !ms_oom_find(p, end, "memory.oom.group"))
		return 0;
	ps->after_kill = 2;
	return 1;
}

/* "Kernel panic - not syncing: Out of memory and no killable processes...",
 * "... Out of memory: system-wide panic_on_oom is enabled" and the like. */
int ms_oom_panic_line(ms_oom_parser *ps, const char *p, const char *end)
{
	if (!ms_oom_starts(p, end, "Kernel panic - not syncing:") ||
	    (!ms_oom_find(p, end, "ut of memory") && !ms_oom_find(p, end, "deadlocked on memory")))
		return 0;
	ps->after_kill = 3;
	return 1;
}
