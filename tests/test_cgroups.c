/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Issue 12's views of what the model reads: `pressure` (/proc/pressure/
 * memory), `cgroups` (the memory cgroup trees) and procrank's oom_score,
 * oom_score_adj and cgroup columns with --cgroup.
 *
 *   cgroups            a hand-made v1 tree: v1's equivalents and "no limit"
 *   cgroups_corpus     the arm64 capture's v2 groups (app, batch, svc/a) and
 *                      its processes: every figure equals the kernel's file
 *   cgroups_live       this machine: a memory cgroup made here with a limit
 *                      and a child of known size in it; oom_score against
 *                      /proc; PSI against /proc/pressure/memory
 *
 * The expected values are read from the files here, by a reader of this
 * test's own (never from memscope's output); memscope's JSON is turned
 * into plain lines by python3, as tests/test_cli.c does.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/views.h"
#include "testutil.h"

#define ARM64 "qemu-arm-6.1/arm64-6.1-cma64-psi"

/* ---- small readers of the kernel's files ------------------------------------- */

/* The file's first line without its newline, in dst; false when unreadable. */
static bool read_line(const char *path, char *dst, size_t cap)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fgets(dst, (int)cap, f);

	if (f)
		fclose(f);
	if (ok)
		dst[strcspn(dst, "\n")] = '\0';
	return ok;
}

/* A one-value cgroup file as JSON would say it: the number, "null" for
 * "max" or v1's no-limit figure, "null" when absent. */
static void json_of_value_file(const char *path, char *dst, size_t cap)
{
	char line[64];

	if (!read_line(path, line, sizeof line) || strcmp(line, "max") == 0 ||
	    strtoull(line, NULL, 10) >= (1ULL << 62))
		snprintf(dst, cap, "null");
	else
		snprintf(dst, cap, "%s", line);
}

/* "key value" line of a keyed file ("anon 16826368"): the value as text,
 * "null" when the key or the file is absent. */
static void json_of_key(const char *path, const char *key, char *dst, size_t cap)
{
	char line[256], k[128];
	unsigned long long v;
	FILE *f = fopen(path, "r");

	snprintf(dst, cap, "null");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%127s %llu", k, &v) == 2 && strcmp(k, key) == 0) {
			snprintf(dst, cap, "%llu", v);
			break;
		}
	if (f)
		fclose(f);
}

/* Runs memscope ARGS -f json through a python3 snippet (d is the document)
 * that prints lines; returns its exit status, out holds the lines. */
static int json_lines(const char *args, const char *py, ms_buf *out)
{
	char cmd[8192];

	snprintf(cmd, sizeof cmd,
		 "'%s' %s -f json | python3 -c 'import json,sys\nd=json.load(sys.stdin)\n"
		 "def t(v): return \"null\" if v is None else str(v)\n%s'",
		 tu_bin(), args, py);
	return tu_run(cmd, out);
}

static const char *corpus_or_skip(const char *rel)
{
	const char *root = tu_corpus(rel);

	if (!root)
		cr_skip_test("../shared/corpus/%s absent", rel);
	return root;
}

/* ---- the corpus: v2 groups equal their files ------------------------------------ */

/* One group's figures as the test expects them from its files, in the
 * order of GROUP_PY's line. */
static void expected_group_line(const char *cg, const char *group, char *dst, size_t cap)
{
	static const char *const values[] = { "memory.current", "memory.max", "memory.high",
					       "memory.low", "memory.min", "memory.swap.current",
					       "memory.swap.max" };
	static const char *const stat_keys[] = { "anon", "file", "kernel", "slab", "sock" };
	static const char *const event_keys[] = { "max", "oom", "oom_kill", "low", "high" };
	char path[PATH_MAX + 64], v[64];
	size_t n = 0;

	n += (size_t)snprintf(dst + n, cap - n, "/%s", group);
	for (size_t i = 0; i < MS_ARRAY_LEN(values); i++) {
		snprintf(path, sizeof path, "%s/%s/%s", cg, group, values[i]);
		json_of_value_file(path, v, sizeof v);
		n += (size_t)snprintf(dst + n, cap - n, " %s", v);
	}
	snprintf(path, sizeof path, "%s/%s/memory.stat", cg, group);
	for (size_t i = 0; i < MS_ARRAY_LEN(stat_keys); i++) {
		json_of_key(path, stat_keys[i], v, sizeof v);
		n += (size_t)snprintf(dst + n, cap - n, " %s", v);
	}
	snprintf(path, sizeof path, "%s/%s/memory.events", cg, group);
	for (size_t i = 0; i < MS_ARRAY_LEN(event_keys); i++) {
		json_of_key(path, event_keys[i], v, sizeof v);
		n += (size_t)snprintf(dst + n, cap - n, " %s", v);
	}
	/* memory.pressure: "some avg10=0.00 avg60=0.00 avg300=0.00 total=3183" */
	char line[160];
	double avg10;
	unsigned long long total;
	snprintf(path, sizeof path, "%s/%s/memory.pressure", cg, group);
	cr_assert(read_line(path, line, sizeof line), "%s", path);
	cr_assert_eq(sscanf(line, "some avg10=%lf avg60=%*f avg300=%*f total=%llu", &avg10, &total),
		     2, "%s: %s", path, line);
	snprintf(dst + n, cap - n, " %.2f %llu", avg10, total);
}

#define GROUP_PY                                                                        \
	"for g in d[\"groups\"]:\n"                                                     \
	"  e=g[\"events\"]; s=g[\"pressure\"][\"some\"] if g[\"pressure\"] else None\n"  \
	"  print(g[\"path\"], *[t(g[k+\"_bytes\"]) for k in (\"usage\",\"max\",\"high\",\"low\",\"min\",\"swap\",\"swap_max\",\"anon\",\"file\",\"kernel\",\"slab\",\"sock\")], *[t(e[k]) for k in (\"max\",\"oom\",\"oom_kill\",\"low\",\"high\")], \"%.2f\" % s[\"avg10\"] if s else \"null\", t(s and s[\"total_us\"]))\n"

Test(cgroups_corpus, v2_groups_equal_their_files)
{
	const char *root = corpus_or_skip(ARM64);
	char args[PATH_MAX + 32], cg[PATH_MAX + 32], want[1024];
	static const char *const groups[] = { "app", "batch", "svc/a", "svc/b", "svc" };
	ms_buf out = MS_BUF_INIT;

	snprintf(args, sizeof args, "cgroups -s '%s'", root);
	snprintf(cg, sizeof cg, "%s/sys/fs/cgroup", root);
	cr_assert_eq(json_lines(args, GROUP_PY, &out), 0, "%s", out.data);
	for (size_t i = 0; i < MS_ARRAY_LEN(groups); i++) {
		expected_group_line(cg, groups[i], want, sizeof want);
		cr_assert(strstr(out.data, want), "want\n%s\nin\n%s", want, out.data);
	}
	ms_buf_free(&out);
}

/* The tree: parents before children, depth and parent as the folders say;
 * app's limit of 64 MiB is the only one hit (memory.events max 35). */
Test(cgroups_corpus, tree_order_depth_and_limits)
{
	const char *root = corpus_or_skip(ARM64);
	char args[PATH_MAX + 32];
	ms_buf out = MS_BUF_INIT;

	snprintf(args, sizeof args, "cgroups -s '%s'", root);
	cr_assert_eq(json_lines(args,
				"print(d[\"root_v1\"], d[\"root_v2\"], d[\"truncated\"])\n"
				"for g in d[\"groups\"]: print(g[\"path\"], g[\"depth\"], "
				"t(g[\"parent\"]), sorted(g[\"unlimited\"]), t(g[\"use_pct\"]))\n",
				&out),
		     0, "%s", out.data);
	cr_assert_str_eq(out.data,
			 "None sys/fs/cgroup False\n"
			 "/ 0 null [] null\n"
			 /* app: memory.max 67108864, current 16969728: 25% */
			 "/app 1 / ['high'] 25\n"
			 /* batch: max 33554432, current 24723456: 73% */
			 "/batch 1 / ['swap_max'] 73\n"
			 "/svc 1 / ['high', 'max', 'swap_max'] null\n"
			 "/svc/a 2 /svc ['high', 'max', 'swap_max'] null\n"
			 "/svc/b 2 /svc ['high', 'max', 'swap_max'] null\n");
	ms_buf_free(&out);
}

/* CSV: app's row from its files ("max" where the kernel printed it). */
Test(cgroups_corpus, csv_row_of_app)
{
	const char *root = corpus_or_skip(ARM64);
	char cmd[PATH_MAX + 128], path[PATH_MAX + 64], v[64], want[512];
	ms_buf out = MS_BUF_INIT;
	static const char *const files[] = { "memory.current", "memory.peak", "memory.max",
					     "memory.high", "memory.low", "memory.min",
					     "memory.swap.current", "memory.swap.max" };
	size_t n = (size_t)snprintf(want, sizeof want, "\n2,/app,1");

	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++) {
		snprintf(path, sizeof path, "%s/sys/fs/cgroup/app/%s", root, files[i]);
		cr_assert(read_line(path, v, sizeof v), "%s", path);
		n += (size_t)snprintf(want + n, sizeof want - n, ",%s", v);
	}
	snprintf(cmd, sizeof cmd, "'%s' cgroups -s '%s' -f csv", tu_bin(), root);
	cr_assert_eq(tu_run(cmd, &out), 0);
	cr_assert(strstr(out.data, want), "want %s in\n%s", want + 1, out.data);
	cr_assert(strstr(out.data, "version,path,depth,usage_bytes,peak_bytes,max_bytes,"),
		  "%s", out.data);
	ms_buf_free(&out);
}

/* Text: an indented tree, usage against the limit with its bar. */
Test(cgroups_corpus, text_is_an_indented_tree)
{
	const char *root = corpus_or_skip(ARM64);
	char cmd[PATH_MAX + 128];
	ms_buf out = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "'%s' cgroups -s '%s' -k", tu_bin(), root);
	cr_assert_eq(tu_run(cmd, &out), 0);
	/* 16969728 B = 16572 kB of 65536 kB: 25%, two cells of ten */
	cr_assert(strstr(out.data, "  16572   65536  25% [##        ]"), "%s", out.data);
	const char *svc = strstr(out.data, "  svc\n");
	cr_assert(svc, "%s", out.data);
	cr_assert(strstr(svc, "    a\n") && strstr(svc, "    b\n"), "%s", out.data);
	ms_buf_free(&out);
}

/* ---- the corpus: pressure ---------------------------------------------------------- */

/* "some avg10=0.72 avg60=0.18 avg300=0.04 total=135651" -> "some,0.72,0.18,0.04,135651" */
static void csv_of_psi_line(const char *line, char *dst, size_t cap)
{
	char kind[8], a10[16], a60[16], a300[16];
	unsigned long long total;

	cr_assert_eq(sscanf(line, "%7s avg10=%15s avg60=%15s avg300=%15s total=%llu", kind, a10, a60,
			    a300, &total),
		     5, "%s", line);
	snprintf(dst, cap, "%s,%s,%s,%s,%llu", kind, a10, a60, a300, total);
}

static void assert_pressure_equals(const char *args, const char *file)
{
	char cmd[PATH_MAX + 128], line[160], want[160];
	ms_buf out = MS_BUF_INIT;
	FILE *f = fopen(file, "r");
	int lines = 0;

	cr_assert(f, "%s", file);
	snprintf(cmd, sizeof cmd, "'%s' pressure %s -f csv", tu_bin(), args);
	cr_assert_eq(tu_run(cmd, &out), 0);
	while (fgets(line, sizeof line, f)) {
		csv_of_psi_line(line, want, sizeof want);
		cr_assert(strstr(out.data, want), "want %s in\n%s", want, out.data);
		lines++;
	}
	fclose(f);
	cr_assert_eq(lines, 2, "%s: some and full", file);
	ms_buf_free(&out);
}

Test(cgroups_corpus, pressure_view_equals_the_file)
{
	const char *root = corpus_or_skip(ARM64);
	char args[PATH_MAX + 8], file[PATH_MAX + 32];
	ms_buf out = MS_BUF_INIT;

	snprintf(args, sizeof args, "-s '%s'", root);
	snprintf(file, sizeof file, "%s/proc/pressure/memory", root);
	assert_pressure_equals(args, file);
	/* JSON: the averages as numbers, the totals exact. */
	snprintf(args, sizeof args, "pressure -s '%s'", root);
	cr_assert_eq(json_lines(args, "for k in (\"some\",\"full\"): print(k, d[k][\"avg10\"], "
				      "d[k][\"avg300\"], d[k][\"total_us\"])\n",
				&out),
		     0);
	cr_assert_str_eq(out.data, "some 0.72 0.04 135651\nfull 0.72 0.04 133792\n");
	ms_buf_free(&out);
}

/* A snapshot without the file: an error that says so, never zeros. */
Test(cgroups, pressure_without_psi_is_an_error)
{
	const char *tmp = tu_tmpdir();
	char cmd[PATH_MAX * 2];
	ms_buf out = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/s/proc' && cp '%s/meminfo' '%s/s/proc/' && "
		 "'%s' pressure -s '%s/s' 2>&1", tmp, tu_fixture("snapshots/mem16k"), tmp,
		 tu_bin(), tmp);
	cr_assert_eq(tu_run(cmd, &out), 1, "%s", out.data);
	cr_assert(strstr(out.data, "pressure/memory: not in snapshot"), "%s", out.data);
	ms_buf_free(&out);
	tu_rm_rf(tmp);
}

/* ---- a hand-made v1 tree: v1's names for the same figures --------------------------- */

Test(cgroups, v1_equivalents_and_no_limit)
{
	const char *tmp = tu_tmpdir();
	char cmd[PATH_MAX * 3], args[PATH_MAX];
	ms_buf out = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd,
		 "set -e; mkdir -p '%s/s/proc' '%s/s/sys/fs/cgroup/memory/app' && "
		 "cp '%s/meminfo' '%s/s/proc/' && cd '%s/s/sys/fs/cgroup/memory' && "
		 "echo 9223372036854771712 > memory.limit_in_bytes && "
		 "echo 300000000 > memory.usage_in_bytes && "
		 "printf 'cache 1\\nrss 2\\ntotal_cache 500\\ntotal_rss 600\\ntotal_swap 7\\n' > "
		 "memory.stat && "
		 "echo 33554432 > app/memory.limit_in_bytes && "
		 "echo 8388608 > app/memory.usage_in_bytes && echo 12 > app/memory.failcnt && "
		 "echo 4096 > app/memory.kmem.usage_in_bytes && "
		 "printf 'oom_kill_disable 0\\nunder_oom 0\\noom_kill 3\\n' > app/memory.oom_control && "
		 "printf 'cache 100\\nrss 200\\n' > app/memory.stat",
		 tmp, tmp, tu_fixture("snapshots/mem16k"), tmp, tmp);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	snprintf(args, sizeof args, "cgroups -s '%s/s'", tmp);
	cr_assert_eq(json_lines(args,
				"print(d[\"root_v1\"], d[\"root_v2\"])\n"
				"for g in d[\"groups\"]: print(g[\"path\"], g[\"version\"], "
				"*[t(g[k]) for k in (\"usage_bytes\",\"max_bytes\",\"anon_bytes\","
				"\"file_bytes\",\"kernel_bytes\",\"swap_bytes\",\"high_bytes\","
				"\"slab_bytes\",\"use_pct\")], g[\"unlimited\"], "
				"*[t(g[\"events\"][k]) for k in (\"max\",\"oom\",\"oom_kill\")], "
				"t(g[\"pressure\"]))\n",
				&out),
		     0, "%s", out.data);
	/* The root: total_rss and total_cache (its subtree), no limit; app:
	 * rss and cache (no total_* printed), failcnt as limit hits, 25%. */
	cr_assert_str_eq(out.data,
			 "sys/fs/cgroup/memory None\n"
			 "/ 1 300000000 null 600 500 null 7 null null null ['max'] null null null null\n"
			 "/app 1 8388608 33554432 200 100 4096 null null null 25 [] 12 null 3 null\n");
	ms_buf_free(&out);
	tu_rm_rf(tmp);
}

/* ---- the corpus: procrank's OOM and cgroup columns --------------------------------- */

/* "0::/svc/a" -> "/svc/a"; the v1 memory line first where there is one. */
static bool cgroup_of(const char *root, int pid, char *dst, size_t cap)
{
	char path[PATH_MAX + 64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof path, "%s/proc/%d/cgroup", root, pid);
	if (!(f = fopen(path, "r")))
		return false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		bool v1_memory = strncmp(c1 + 1, "memory:", 7) == 0 ||
				 strstr(c1 + 1, ",memory:") || strstr(c1 + 1, ":memory,");
		if (v1_memory || (!found && c2 == c1 + 1)) {
			snprintf(dst, cap, "%s", c2 + 1);
			found = true;
			if (v1_memory)
				break;
		}
	}
	fclose(f);
	return found;
}

#define PROC_PY                                                                         \
	"for p in d[\"processes\"]: print(p[\"pid\"], t(p[\"oom_score\"]), "             \
	"t(p[\"oom_score_adj\"]), t(p[\"cgroup\"]))\n"

Test(cgroups_corpus, procrank_oom_and_cgroup_equal_the_files)
{
	const char *root = corpus_or_skip(ARM64);
	char args[PATH_MAX + 32], path[PATH_MAX + 64], want_score[32], want_adj[32], cg[256];
	ms_buf out = MS_BUF_INIT;
	int pid, rows = 0, in_groups = 0;
	char score[32], adj[32], got_cg[256];

	snprintf(args, sizeof args, "procrank -s '%s'", root);
	cr_assert_eq(json_lines(args, PROC_PY, &out), 0, "%s", out.data);
	for (const char *l = out.data; l && *l; l = strchr(l, '\n') + 1) {
		cr_assert_eq(sscanf(l, "%d %31s %31s %255s", &pid, score, adj, got_cg), 4, "%s", l);
		snprintf(path, sizeof path, "%s/proc/%d/oom_score", root, pid);
		cr_assert(read_line(path, want_score, sizeof want_score), "%s", path);
		snprintf(path, sizeof path, "%s/proc/%d/oom_score_adj", root, pid);
		cr_assert(read_line(path, want_adj, sizeof want_adj), "%s", path);
		cr_assert(cgroup_of(root, pid, cg, sizeof cg), "pid %d", pid);
		cr_assert_str_eq(score, want_score, "pid %d", pid);
		cr_assert_str_eq(adj, want_adj, "pid %d", pid);
		cr_assert_str_eq(got_cg, cg, "pid %d", pid);
		in_groups += strcmp(cg, "/") != 0;
		rows++;
	}
	cr_assert_geq(rows, 10);
	cr_assert_eq(in_groups, 4, "svc/a, svc/b, batch, app:\n%s", out.data);
	ms_buf_free(&out);
}

/* --cgroup /svc: svc/a's and svc/b's processes, and nothing else. */
Test(cgroups_corpus, procrank_cgroup_filter_takes_the_subtree)
{
	const char *root = corpus_or_skip(ARM64);
	char args[PATH_MAX + 64], want[256] = "", cg[256];
	ms_buf out = MS_BUF_INIT;
	DIR *d;
	struct dirent *e;
	char dir[PATH_MAX + 8];
	int pids[64], n = 0;

	snprintf(dir, sizeof dir, "%s/proc", root);
	cr_assert((d = opendir(dir)));
	while ((e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    cgroup_of(root, atoi(e->d_name), cg, sizeof cg) &&
		    strncmp(cg, "/svc", 4) == 0 && (cg[4] == '\0' || cg[4] == '/') && n < 64)
			pids[n++] = atoi(e->d_name);
	closedir(d);
	cr_assert_eq(n, 2);
	snprintf(args, sizeof args, "procrank -s '%s' --cgroup /svc --sort pid", root);
	cr_assert_eq(json_lines(args, "print(*[p[\"pid\"] for p in d[\"processes\"]], "
				      "d[\"cgroup_filter\"])\n", &out), 0);
	snprintf(want, sizeof want, "%d %d /svc\n", pids[0] < pids[1] ? pids[0] : pids[1],
		 pids[0] < pids[1] ? pids[1] : pids[0]);
	cr_assert_str_eq(out.data, want);
	/* "/sv" is no group's prefix: nothing. */
	snprintf(args, sizeof args, "procrank -s '%s' --cgroup /sv", root);
	cr_assert_eq(json_lines(args, "print(len(d[\"processes\"]))\n", &out), 0);
	cr_assert_str_eq(out.data, "0\n");
	ms_buf_free(&out);
}

/* Sorting by oom_score, in every format: highest first, ties by pid. */
static void assert_sorted_by_score(const int *pid, const long *score, int n, const char *what)
{
	cr_assert_geq(n, 10, "%s", what);
	for (int i = 1; i < n; i++)
		cr_assert(score[i - 1] > score[i] || (score[i - 1] == score[i] && pid[i - 1] < pid[i]),
			  "%s: row %d (pid %d, %ld) after pid %d, %ld", what, i, pid[i], score[i],
			  pid[i - 1], score[i - 1]);
}

Test(cgroups_corpus, sorting_by_oom_score_in_every_format)
{
	const char *root = corpus_or_skip(ARM64);
	char cmd[PATH_MAX + 128];
	ms_buf out = MS_BUF_INIT;
	int pid[128], n;
	long score[128];

	/* JSON */
	snprintf(cmd, sizeof cmd, "procrank -s '%s' --sort oom_score", root);
	cr_assert_eq(json_lines(cmd, "for p in d[\"processes\"]: print(p[\"pid\"], p[\"oom_score\"])\n",
				&out), 0);
	n = 0;
	for (const char *l = out.data; *l && n < 128; l = strchr(l, '\n') + 1, n++)
		cr_assert_eq(sscanf(l, "%d %ld", &pid[n], &score[n]), 2);
	assert_sorted_by_score(pid, score, n, "json");
	int json_first = pid[0];
	/* CSV, read as CSV */
	snprintf(cmd, sizeof cmd, "'%s' procrank -s '%s' --sort oom_score -f csv | python3 -c '"
		 "import csv,sys\nfor r in csv.DictReader(sys.stdin): print(r[\"pid\"]+\",\"+"
		 "r[\"oom_score\"])'", tu_bin(), root);
	cr_assert_eq(tu_run(cmd, &out), 0);
	n = 0;
	for (const char *l = out.data; *l && n < 128; l = strchr(l, '\n') + 1, n++)
		cr_assert_eq(sscanf(l, "%d,%ld", &pid[n], &score[n]), 2);
	assert_sorted_by_score(pid, score, n, "csv");
	/* text: the OOM column after NAME (one word in this capture) */
	snprintf(cmd, sizeof cmd, "'%s' procrank -s '%s' --sort oom_score -k | "
		 "awk 'NR>1 && $1 ~ /^[0-9]+$/ { print $1, $10 }'", tu_bin(), root);
	cr_assert_eq(tu_run(cmd, &out), 0);
	n = 0;
	for (const char *l = out.data; *l && n < 128; l = strchr(l, '\n') + 1, n++)
		cr_assert_eq(sscanf(l, "%d %ld", &pid[n], &score[n]), 2, "%s", l);
	assert_sorted_by_score(pid, score, n, "text");
	cr_assert_eq(pid[0], json_first);
	/* -r: lowest first */
	snprintf(cmd, sizeof cmd, "procrank -s '%s' --sort oom_score -r --limit 1", root);
	cr_assert_eq(json_lines(cmd, "print(d[\"processes\"][0][\"oom_score\"])\n", &out), 0);
	cr_assert_str_eq(out.data, "0\n");
	ms_buf_free(&out);
}

/* ---- this machine ---------------------------------------------------------------- */

static bool write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(s, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	return ok;
}

#define FOOTPRINT (32L << 20) /* bytes the child writes */
#define LIMIT "67108864"

struct live_group {
	char dir[PATH_MAX];  /* /sys/fs/cgroup/memory/memscope-cg-PID */
	char path[64];       /* "/memscope-cg-PID", as /proc/PID/cgroup says it */
	int version;
	const char *usage_file, *limit_file;
	pid_t child;
	int done[2]; /* the child holds its memory until this closes */
};

/* Writes FOOTPRINT bytes of anonymous memory, says so on ready, then
 * waits for done to close. */
static void footprint_child(int ready, int go, int done)
{
	char c;

	if (read(go, &c, 1) != 1)
		_exit(2);
	char *p = mmap(NULL, FOOTPRINT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(3);
	memset(p, 0x5a, FOOTPRINT);
	if (write(ready, "r", 1) != 1)
		_exit(4);
	while (read(done, &c, 1) > 0)
		;
	_exit(0);
}

/* A memory cgroup at the root of the v1 controller (not under this
 * session's own group), or of a v2 hierarchy whose root hands memory to
 * its children; false with why when neither can be made. */
static bool make_group(struct live_group *g, char *why, size_t cap)
{
	struct stat st;
	char ctl[256];

	snprintf(g->path, sizeof g->path, "/memscope-cg-%d", (int)getpid());
	if (stat("/sys/fs/cgroup/memory/memory.limit_in_bytes", &st) == 0) {
		snprintf(g->dir, sizeof g->dir, "/sys/fs/cgroup/memory%s", g->path);
		g->version = 1;
		g->usage_file = "memory.usage_in_bytes";
		g->limit_file = "memory.limit_in_bytes";
	} else if (read_line("/sys/fs/cgroup/cgroup.subtree_control", ctl, sizeof ctl) &&
		   strstr(ctl, "memory")) {
		snprintf(g->dir, sizeof g->dir, "/sys/fs/cgroup%s", g->path);
		g->version = 2;
		g->usage_file = "memory.current";
		g->limit_file = "memory.max";
	} else {
		snprintf(why, cap, "no v1 memory controller, no v2 root handing out memory");
		return false;
	}
	if (mkdir(g->dir, 0755) != 0 && errno != EEXIST) {
		snprintf(why, cap, "%s: %s", g->dir, strerror(errno));
		return false;
	}
	char file[PATH_MAX + 64];
	snprintf(file, sizeof file, "%s/%s", g->dir, g->limit_file);
	if (!write_str(file, LIMIT)) {
		snprintf(why, cap, "%s: cannot set the limit", file);
		rmdir(g->dir);
		return false;
	}
	return true;
}

static void end_group(struct live_group *g)
{
	if (g->child > 0) {
		close(g->done[1]);
		waitpid(g->child, NULL, 0);
		g->child = 0;
	}
	/* The kernel lets go of a task's group a moment after it is reaped:
	 * EBUSY until then. */
	for (int i = 0; i < 100 && rmdir(g->dir) != 0 && errno == EBUSY; i++)
		usleep(20 * 1000);
}

/* The child in the group, its memory written. */
static void start_child(struct live_group *g)
{
	int ready[2], go[2];
	char procs[PATH_MAX + 32], text[32], c;

	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(g->done), 0);
	g->child = fork();
	cr_assert_geq(g->child, 0);
	if (g->child == 0) {
		close(ready[0]);
		close(go[1]);
		close(g->done[1]);
		footprint_child(ready[1], go[0], g->done[0]);
	}
	close(ready[1]);
	close(go[0]);
	close(g->done[0]);
	snprintf(procs, sizeof procs, "%s/cgroup.procs", g->dir);
	snprintf(text, sizeof text, "%d", (int)g->child);
	bool moved = write_str(procs, text);
	bool wrote = moved && write(go[1], "g", 1) == 1 && read(ready[0], &c, 1) == 1;
	close(go[1]);
	close(ready[0]);
	if (!wrote) {
		kill(g->child, SIGKILL);
		end_group(g); /* nothing left behind */
	}
	cr_assert(wrote, "the child did not start in %s", g->dir);
}

static long long read_number(const char *dir, const char *file)
{
	char path[PATH_MAX * 2], line[64];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return read_line(path, line, sizeof line) ? strtoll(line, NULL, 10) : -1;
}

Test(cgroups_live, a_limited_group_with_a_known_footprint)
{
	struct live_group g = { 0 };
	char why[PATH_MAX + 512], args[256], py[512], want[256];
	ms_buf out = MS_BUF_INIT;

	if (geteuid() != 0)
		cr_skip_test("needs root to make a memory cgroup");
	if (tu_run("command -v python3 >/dev/null", NULL) != 0)
		cr_skip_test("python3 absent");
	if (!make_group(&g, why, sizeof why))
		cr_skip_test("cannot make a memory cgroup here: %s", why);
	start_child(&g);

	/* The group as the kernel shows it, before and after memscope reads
	 * it: usage moves only by the kernel's own doing (per-cpu charge
	 * batches), so memscope's figure is one of the two. */
	long long before = read_number(g.dir, g.usage_file);
	snprintf(args, sizeof args, "cgroups");
	snprintf(py, sizeof py,
		 "g=[g for g in d[\"groups\"] if g[\"path\"]==\"%s\" and g[\"version\"]==%d]\n"
		 "print(len(g), *[t(g[0][k]) for k in (\"usage_bytes\",\"max_bytes\",\"anon_bytes\","
		 "\"depth\",\"parent\")])\n",
		 g.path, g.version);
	int rc = json_lines(args, py, &out);
	long long after = read_number(g.dir, g.usage_file);
	long long usage = -1, max = -1, anon = -1;
	int found = 0, depth = -1;
	char parent[64] = "";
	if (rc == 0)
		sscanf(out.data, "%d %lld %lld %lld %d %63s", &found, &usage, &max, &anon, &depth,
		       parent);
	ms_buf cg_out = MS_BUF_INIT;
	/* procrank: the child, in that group, and --cgroup finds it alone */
	snprintf(args, sizeof args, "procrank --cgroup %s", g.path);
	int rc2 = json_lines(args, "print(*[(p[\"pid\"], p[\"cgroup\"], p[\"cgroup_version\"]) "
				   "for p in d[\"processes\"]])\n", &cg_out);
	pid_t child = g.child;
	end_group(&g);

	cr_assert_eq(rc, 0, "%s", out.data);
	cr_assert_eq(found, 1, "%s not in the cgroups view:\n%s", g.path, out.data);
	cr_assert(usage == before || usage == after, "usage %lld, the kernel said %lld then %lld",
		  usage, before, after);
	cr_assert_geq(usage, FOOTPRINT, "the child wrote %ld bytes", FOOTPRINT);
	cr_assert_eq(max, strtoll(LIMIT, NULL, 10));
	cr_assert_geq(anon, FOOTPRINT);
	cr_assert_eq(depth, 1);
	cr_assert_str_eq(parent, "/");
	cr_assert_eq(rc2, 0, "%s", cg_out.data);
	snprintf(want, sizeof want, "(%d, '%s', %d)\n", (int)child, g.path, g.version);
	cr_assert_str_eq(cg_out.data, want, "the child alone in %s", g.path);
	ms_buf_free(&out);
	ms_buf_free(&cg_out);
}

/* oom_score and oom_score_adj of every process procrank lists, against
 * /proc read just before and just after it: a process's score moves with
 * its memory, so memscope's is one of the two; processes that were not
 * there before or are gone after are left out. */
struct proc_scores {
	int pid;
	long score, adj;
};

static size_t read_scores(struct proc_scores *out, size_t cap)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;
	char path[64], line[32];

	cr_assert(d);
	while ((e = readdir(d)) && n < cap) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		int pid = atoi(e->d_name);
		snprintf(path, sizeof path, "/proc/%d/oom_score", pid);
		if (!read_line(path, line, sizeof line))
			continue;
		out[n].score = strtol(line, NULL, 10);
		snprintf(path, sizeof path, "/proc/%d/oom_score_adj", pid);
		if (!read_line(path, line, sizeof line))
			continue;
		out[n].adj = strtol(line, NULL, 10);
		out[n++].pid = pid;
	}
	closedir(d);
	return n;
}

static const struct proc_scores *find_scores(const struct proc_scores *s, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].pid == pid)
			return &s[i];
	return NULL;
}

Test(cgroups_live, oom_score_matches_proc)
{
	static struct proc_scores before[8192], after[8192];
	ms_buf out = MS_BUF_INIT;
	int pid, compared = 0;
	char score[32], adj[32], cg[512];

	if (tu_run("command -v python3 >/dev/null", NULL) != 0)
		cr_skip_test("python3 absent");
	size_t nb = read_scores(before, MS_ARRAY_LEN(before));
	cr_assert_eq(json_lines("procrank", PROC_PY, &out), 0, "%s", out.data);
	size_t na = read_scores(after, MS_ARRAY_LEN(after));
	for (const char *l = out.data; *l; l = strchr(l, '\n') + 1) {
		cr_assert_eq(sscanf(l, "%d %31s %31s %511s", &pid, score, adj, cg), 4, "%s", l);
		const struct proc_scores *b = find_scores(before, nb, pid);
		const struct proc_scores *a = find_scores(after, na, pid);
		if (!b || !a)
			continue; /* came or went meanwhile */
		long got = strtol(score, NULL, 10), got_adj = strtol(adj, NULL, 10);
		cr_assert(strcmp(score, "null") != 0, "pid %d: /proc has its oom_score", pid);
		cr_assert(got == b->score || got == a->score, "pid %d: oom_score %ld, /proc %ld then %ld",
			  pid, got, b->score, a->score);
		cr_assert(got_adj == b->adj || got_adj == a->adj, "pid %d: oom_score_adj %ld", pid,
			  got_adj);
		/* its cgroup as /proc/PID/cgroup says it */
		char want_cg[512];
		if (cgroup_of("", pid, want_cg, sizeof want_cg))
			cr_assert_str_eq(cg, want_cg, "pid %d", pid);
		compared++;
	}
	cr_assert_geq(compared, 3, "%s", out.data);
	ms_buf_free(&out);
}

/* Live PSI: the view's line equals the file read around it; where the
 * file moved meanwhile, the total lies between the two readings. */
Test(cgroups_live, pressure_view_equals_the_file)
{
	char before[2][160], after[2][160], want[160];
	ms_buf out = MS_BUF_INIT;
	FILE *f;

	if (access("/proc/pressure/memory", R_OK) != 0)
		cr_skip_test("no /proc/pressure/memory (kernel without PSI, or psi=0)");
	cr_assert((f = fopen("/proc/pressure/memory", "r")));
	for (int i = 0; i < 2; i++)
		cr_assert(fgets(before[i], sizeof before[i], f));
	fclose(f);
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "'%s' pressure -f csv", tu_bin());
	cr_assert_eq(tu_run(cmd, &out), 0);
	cr_assert((f = fopen("/proc/pressure/memory", "r")));
	for (int i = 0; i < 2; i++)
		cr_assert(fgets(after[i], sizeof after[i], f));
	fclose(f);
	for (int i = 0; i < 2; i++) {
		if (strcmp(before[i], after[i]) == 0) {
			csv_of_psi_line(before[i], want, sizeof want);
			cr_assert(strstr(out.data, want), "want %s in\n%s", want, out.data);
			continue;
		}
		unsigned long long lo, hi, got;
		char kind[8];
		cr_assert_eq(sscanf(strstr(before[i], "total="), "total=%llu", &lo), 1);
		cr_assert_eq(sscanf(strstr(after[i], "total="), "total=%llu", &hi), 1);
		sscanf(before[i], "%7s", kind);
		const char *row = strstr(out.data, kind);
		cr_assert(row, "%s", out.data);
		cr_assert_eq(sscanf(row, "%*[^,],%*[^,],%*[^,],%*[^,],%llu", &got), 1, "%s", row);
		cr_assert(got >= lo && got <= hi, "%s total %llu, the file %llu then %llu", kind, got,
			  lo, hi);
	}
	ms_buf_free(&out);
}

/* ---- the explorer: pane 7 and the title's PSI at 80x24, vt100, no colour ------ */

static void assert_fits_80(const tu_tmux *t)
{
	for (const char *p = t->screen.data; *p;) {
		size_t len = strcspn(p, "\n");
		cr_assert_leq(len, 80u, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

/* The server goes with the test, failed or not; the explorer inside
 * would outlive it otherwise (its own timeout ends it in any case). */
static tu_tmux pane_tmux;

static void pane_tmux_end(void)
{
	if (pane_tmux.sock[0])
		tu_tmux_run(&pane_tmux, "kill-server");
	ms_buf_free(&pane_tmux.screen);
}

Test(cgroups_corpus, pane_7_and_psi_at_80x24_vt100_without_colour, .timeout = 60,
     .fini = pane_tmux_end)
{
	const char *root = corpus_or_skip(ARM64);
	tu_tmux *tp = &pane_tmux;
#define t (*tp)
	char args[PATH_MAX + 256];

	if (tu_run("command -v tmux >/dev/null 2>&1", NULL) != 0)
		cr_skip_test("tmux absent");
	snprintf(t.sock, sizeof t.sock, "memscope-cgroups-%d", (int)getpid());
	snprintf(args, sizeof args,
		 "-f /dev/null new-session -d -x 80 -y 24 'TERM=vt100 NO_COLOR=1 timeout --foreground 60 %s -s %s; "
		 "sleep 30'", tu_bin(), root);
	tu_tmux_run(&t, args);
	/* the title: pressure/memory's some and full avg10 */
	TU_TMUX_EXPECT(&t, "PSI 0.72/0.72%");
	TU_TMUX_EXPECT(&t, "7 cgroups");
	tu_tmux_run(&t, "send-keys 7");
	TU_TMUX_EXPECT(&t, "6 groups  v2 sys/fs/cgroup");
	/* app: 16969728 B of 67108864: 25%, two cells; batch 73%, seven */
	TU_TMUX_EXPECT(&t, "  app ");
	cr_assert(strstr(t.screen.data, "[##        ] 25%"), "%s", t.screen.data);
	cr_assert(strstr(t.screen.data, "[#######   ] 73%"), "%s", t.screen.data);
	cr_assert(strstr(t.screen.data, "    a "), "svc/a under svc:\n%s", t.screen.data);
	assert_fits_80(&t);
	/* procrank sorted by oom_score keeps its column on screen */
	tu_tmux_run(&t, "send-keys 1");
	TU_TMUX_EXPECT(&t, "sort: PSS desc");
	tu_tmux_run(&t, "send-keys '>' '>' '>' '>' '>' '>' '>'"); /* uss swap swappss name cmdline dmabuf oom */
	TU_TMUX_EXPECT(&t, "sort: OOM desc");
	TU_TMUX_EXPECT(&t, " OOM ");
	cr_assert(strstr(t.screen.data, "    126 "), "batch-swapper (680) first:\n%s",
		  t.screen.data);
	assert_fits_80(&t);
#undef t
}

/* The group made here, captured by memscope capture and by the BusyBox
 * script: both snapshots hold its files, and read back they give the
 * captured files' figures exactly and the child in it. */
static void assert_snapshot_has_group(const char *snap, const struct live_group *g, pid_t child)
{
	char file[PATH_MAX + 128], args[PATH_MAX + 128], py[512], want[256];
	ms_buf out = MS_BUF_INIT;
	const char *top = g->version == 1 ? "sys/fs/cgroup/memory" : "sys/fs/cgroup";

	snprintf(file, sizeof file, "%s/%s%s", snap, top, g->path);
	long long usage = read_number(file, g->usage_file);
	cr_assert_geq(usage, FOOTPRINT, "%s/%s", file, g->usage_file);
	cr_assert_eq(read_number(file, g->limit_file), strtoll(LIMIT, NULL, 10), "%s", file);
	snprintf(args, sizeof args, "cgroups -s '%s'", snap);
	snprintf(py, sizeof py,
		 "print(*[(g[\"usage_bytes\"], g[\"max_bytes\"]) for g in d[\"groups\"] "
		 "if g[\"path\"]==\"%s\"])\n", g->path);
	cr_assert_eq(json_lines(args, py, &out), 0, "%s", out.data);
	snprintf(want, sizeof want, "(%lld, %s)\n", usage, LIMIT);
	cr_assert_str_eq(out.data, want, "%s", snap);
	snprintf(args, sizeof args, "procrank -s '%s' --cgroup %s", snap, g->path);
	cr_assert_eq(json_lines(args, "print(*[p[\"pid\"] for p in d[\"processes\"]])\n", &out), 0);
	snprintf(want, sizeof want, "%d\n", (int)child);
	cr_assert_str_eq(out.data, want, "%s", snap);
	ms_buf_free(&out);
}

static struct live_group capture_group;

static void capture_group_end(void)
{
	end_group(&capture_group);
}

Test(cgroups_live, a_captured_group_reads_back, .fini = capture_group_end)
{
	struct live_group *g = &capture_group;
	char why[PATH_MAX + 512], cmd[PATH_MAX * 3];
	const char *tmp;

	if (geteuid() != 0)
		cr_skip_test("needs root to make a memory cgroup");
	if (tu_run("command -v python3 >/dev/null", NULL) != 0)
		cr_skip_test("python3 absent");
	if (!make_group(g, why, sizeof why))
		cr_skip_test("cannot make a memory cgroup here: %s", why);
	start_child(g);
	pid_t child = g->child;
	tmp = tu_tmpdir();
	snprintf(cmd, sizeof cmd, "'%s' capture -o '%s/c' 2>/dev/null", tu_bin(), tmp);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd, "%s/c", tmp);
	assert_snapshot_has_group(cmd, g, child);
	if (tu_run("command -v busybox >/dev/null", NULL) == 0) {
		snprintf(cmd, sizeof cmd, "busybox sh '%s/data/memscope-capture.sh' -o '%s/sh' "
			 "2>/dev/null", getenv("MEMSCOPE_SRCDIR") ? getenv("MEMSCOPE_SRCDIR") : MS_SRCDIR,
			 tmp);
		cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
		snprintf(cmd, sizeof cmd, "%s/sh", tmp);
		assert_snapshot_has_group(cmd, g, child);
	}
	tu_rm_rf(tmp);
}

/* ---- pane 7 on a hand-made sample ------------------------------------------------ */

static ms_cgroup mkgroup(const char *path, int depth, size_t parent, int64_t current,
			 int64_t max, int64_t oom_kills)
{
	ms_cgroup g = { .path = (char *)path, .version = 1, .depth = depth, .parent = parent,
			.psi_status = -ENOENT };
	ms_memcg_init(&g.mem);
	g.mem.version = 1;
	g.mem.current = current;
	g.mem.max = max;
	if (oom_kills != MS_NA)
		ms_kvlist_add(&g.mem.oom_control, "oom_kill", 8, oom_kills, false);
	return g;
}

/* Usage against the limit as '#' cells and the percentage; "max" for no
 * limit; the tree indented; at 80 columns nothing runs past the edge. */
Test(cgroups, pane_draws_the_tree_with_bars_at_80_columns)
{
	ms_cgroup groups[3];
	ms_sample s;
	ms_pane p;
	ms_screen scr;
	ms_buf row = MS_BUF_INIT, all = MS_BUF_INIT;

	memset(&s, 0, sizeof s);
	s.parts = MS_PART_ALL;
	groups[0] = mkgroup("/", 0, SIZE_MAX, 3LL << 30, MS_CG_MAX, 0);
	/* 95 MiB of 100 MiB: 95%, nine cells */
	groups[1] = mkgroup("/a", 1, 0, 95LL << 20, 100LL << 20, 2);
	groups[2] = mkgroup("/a/a-rather-long-group-name-that-is-cut.service", 2, 1, 1LL << 20,
			    MS_CG_MAX, MS_NA);
	s.cgroups.g = groups;
	s.cgroups.n = 3;
	strcpy(s.cgroups.root_v1, "sys/fs/cgroup/memory");
	ms_view_data d = { .cur = &s, .generation = 1, .plain_kb = true };
	cr_assert_eq(ms_pane_init(&p, ms_pane_find("cgroups")), 0);
	cr_assert_eq(ms_screen_init(&scr, 10, 80), 0);
	p.cls->draw(&p, &scr, (ms_rect){ 0, 0, 10, 80 }, &d);
	for (int r = 0; r < 10; r++) {
		cr_assert_eq(ms_screen_row_text(&scr, r, &row), 0);
		cr_assert_leq(row.len, 80u);
		ms_buf_printf(&all, "%s\n", row.data ? row.data : "");
	}
	cr_assert(strstr(all.data, "3 groups  v1 sys/fs/cgroup/memory  /\n"), "%s", all.data);
	cr_assert(strstr(all.data, "v1 /  "), "%s", all.data);
	/* 100 MiB = 102400 kB; 95 MiB = 97280 kB */
	cr_assert(strstr(all.data, "  a   "), "%s", all.data);
	cr_assert(strstr(all.data, "97280  102400 [######### ] 95%"), "%s", all.data);
	cr_assert(strstr(all.data, "    a-rather-long"), "%s", all.data);
	cr_assert(strstr(all.data, "    2\n"), "OOM kills of /a:\n%s", all.data);
	/* no limit: "max", no bar */
	cr_assert(strstr(all.data, "3145728     max       "), "%s", all.data);
	/* /a (row 3: status, titles, the selected root) is near its limit and
	 * had OOM kills: it stands out, colour or not */
	cr_assert_eq(scr.cells[3 * 80 + 4].attr, MS_ATTR_WARN);
	cr_assert_eq(scr.cells[4 * 80 + 4].attr, MS_ATTR_NORMAL);
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
	for (int i = 0; i < 3; i++)
		ms_memcg_free(&groups[i].mem);
	ms_buf_free(&row);
	ms_buf_free(&all);
}
