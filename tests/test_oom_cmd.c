/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope oom LOG`: the reports of real kernel logs (the qemu ARM
 * captures of ../shared/corpus) against a reading done here line by line,
 * independent of src/parse/oomlog*.c: victims, task table sizes and each
 * zone's free kB; a log without a report exits 1; CSV has a row per
 * report; a log from a pipe reads the same.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* What the test reads from a log itself: per report, "VICTIM_PID NAME
 * NTASKS" then "ZONE=FREE" per zone line, one report per line. */
static void skip_prefix(const char **p)
{
	const char *s = *p;

	if (*s == '<') {
		const char *e = strchr(s, '>');
		if (e)
			s = e + 1;
	}
	if (*s == '[') {
		const char *e = strchr(s, ']');
		if (e)
			s = e + 1;
	}
	while (*s == ' ')
		s++;
	*p = s;
}

static void reference(const char *log, ms_buf *want)
{
	FILE *f = fopen(log, "r");
	char line[8192], victim[160] = "", zones[1024] = "";
	int tasks = 0, in_tasks = 0, open = 0;

	cr_assert(f, "%s", log);
	ms_buf_reset(want);
	while (fgets(line, sizeof line, f)) {
		const char *l = line;
		int pid, n;
		char name[64], zone[32];
		long kb;

		line[strcspn(line, "\n")] = '\0';
		skip_prefix(&l);
		if (strstr(l, "invoked oom-killer:")) {
			if (open)
				ms_buf_printf(want, "%s %d%s\n", victim, tasks, zones);
			open = 1, tasks = 0, in_tasks = 0, victim[0] = zones[0] = '\0';
			continue;
		}
		if (!open)
			continue;
		if (sscanf(l, "Node %*d %31s free:%ldkB", zone, &kb) == 2 ||
		    (strncmp(l, "Node", 4) != 0 && sscanf(l, "%31s free:%ldkB", zone, &kb) == 2)) {
			n = (int)strlen(zones);
			snprintf(zones + n, sizeof zones - (size_t)n, " %s=%ld", zone, kb);
		}
		if (strncmp(l, "[  pid  ]", 9) == 0 || strncmp(l, "[ pid ]", 7) == 0) {
			in_tasks = 1;
			continue;
		}
		if (in_tasks && l[0] == '[' && sscanf(l, "[%d]", &pid) == 1) {
			tasks++;
			continue;
		}
		in_tasks = 0;
		const char *k = strstr(l, "Killed process ");
		if (k && !victim[0] && sscanf(k, "Killed process %d (%63[^)])", &pid, name) == 2)
			snprintf(victim, sizeof victim, "%d %s", pid, name);
	}
	if (open)
		ms_buf_printf(want, "%s %d%s\n", victim, tasks, zones);
	fclose(f);
}

/* The same shape from memscope's JSON. */
static const char *summarize_py =
	"import json,sys\n"
	"d=json.load(sys.stdin)\n"
	"assert d['view']=='oom' and d['count']==len(d['reports'])\n"
	"for r in d['reports']:\n"
	"  v=r['victim'] or {}\n"
	"  z=''.join(' %s=%d'%(x['zone'],x['free_kb']) for x in r['zones'])\n"
	"  print('%s %s %d%s'%(v.get('pid'),v.get('name'),len(r['tasks'] or []),z))\n";

static void check_log(const char *rel)
{
	const char *log = tu_corpus(rel);
	ms_buf want = { 0 }, got = { 0 };
	char cmd[4096];

	if (!log)
		cr_skip_test("../shared/corpus is absent");
	reference(log, &want);
	cr_assert_gt(want.len, 0u, "%s: the test found no report", rel);
	FILE *py = fopen("/tmp/memscope-oom-summary.py", "w");
	cr_assert(py);
	fputs(summarize_py, py);
	fclose(py);
	snprintf(cmd, sizeof cmd, "%s oom '%s' -f json | python3 /tmp/memscope-oom-summary.py",
		 tu_bin(), log);
	cr_assert_eq(tu_run(cmd, &got), 0, "%s", cmd);
	cr_assert_str_eq(got.data, want.data, "%s", rel);
	/* From a pipe, the same reports. */
	snprintf(cmd, sizeof cmd, "cat '%s' | %s oom - -f json | python3 /tmp/memscope-oom-summary.py",
		 log, tu_bin());
	cr_assert_eq(tu_run(cmd, &got), 0, "%s", cmd);
	cr_assert_str_eq(got.data, want.data, "%s from a pipe", rel);
	ms_buf_free(&want);
	ms_buf_free(&got);
}

Test(oom_cmd, arm64_memcg_oom_of_the_corpus)
{
	check_log("qemu-arm-6.1/arm64-6.1-cma64-psi/meta/dmesg");
}

Test(oom_cmd, armv7_global_ooms_of_the_corpus)
{
	check_log("qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/meta/dmesg");
}

static const char two_reports[] =
	"[    1.000000] a-hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	"[    1.000001] Tasks state (memory values in pages):\n"
	"[    1.000002] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
	"[    1.000003] [     10]     0    10     1000      500    40960        0             0 a-hog\n"
	"[    1.000004] Out of memory: Killed process 10 (a-hog) total-vm:4000kB, anon-rss:1996kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n"
	"[    2.000000] b,hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=3, oom_score_adj=100\n"
	"[    2.000004] Out of memory: Killed process 11 (b,hog) total-vm:4000kB, anon-rss:1000kB, file-rss:4kB, shmem-rss:8kB, UID:0 pgtables:40kB oom_score_adj:100\n";

static const char *write_log(const char *text)
{
	static char path[512];

	snprintf(path, sizeof path, "%s/kern.log", tu_tmpdir());
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(oom_cmd, csv_has_a_row_per_report_and_quotes_names)
{
	const char *log = write_log(two_reports);
	ms_buf out = { 0 };
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%s oom %s -f csv", tu_bin(), log);
	cr_assert_eq(tu_run(cmd, &out), 0);
	cr_assert(strstr(out.data, "\n1,1,1.000000,a-hog,0xcc0,0,0,,,10,a-hog,1996,4,0,1,no\n"),
		  "%s", out.data);
	cr_assert(strstr(out.data, "\n2,6,2.000000,\"b,hog\",0xcc0,3,100,,,11,\"b,hog\",1000,4,8,0,no\n"),
		  "%s", out.data);
	ms_buf_free(&out);
}

Test(oom_cmd, a_log_without_a_report_says_so_and_exits_1)
{
	const char *log = write_log("[    0.000000] Booting Linux on physical CPU 0x0\n");
	ms_buf out = { 0 };
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%s oom %s", tu_bin(), log);
	cr_assert_eq(tu_run(cmd, &out), 1);
	cr_assert_str_eq(out.data, "no OOM-killer report in this log\n");
	snprintf(cmd, sizeof cmd, "%s oom %s -f json", tu_bin(), log);
	cr_assert_eq(tu_run(cmd, &out), 1);
	cr_assert(strstr(out.data, "\"reports\": []") || strstr(out.data, "\"reports\":[]"),
		  "%s", out.data);
	snprintf(cmd, sizeof cmd, "%s oom /nonexistent/kern.log 2>&1", tu_bin());
	cr_assert_eq(tu_run(cmd, &out), 1);
	cr_assert(strstr(out.data, "no such file or directory"), "%s", out.data);
	ms_buf_free(&out);
}
