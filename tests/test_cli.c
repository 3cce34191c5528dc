/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "cli": the built program as a script sees it: exit codes, the one
 * stderr line, --help, valid JSON with null for unknown figures, --limit,
 * --sort and --reverse. The live views read tests/fixtures/cli-proc (see
 * its README.md for the hand-checked figures) through --proc-root.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memscope/batch.h"
#include "testutil.h"

static ms_buf out;

static void setup(void)
{
	out = (ms_buf)MS_BUF_INIT;
}

static void teardown(void)
{
	ms_buf_free(&out);
}

TestSuite(cli, .init = setup, .fini = teardown);

/* Runs memscope with args; stdout (or stderr with want_stderr) into out. */
static int run(bool want_stderr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(bool want_stderr, const char *fmt, ...)
{
	char args[2048], cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, want_stderr ? "'%s' %s 2>&1 >/dev/null" : "'%s' %s 2>/dev/null",
		 tu_bin(), args);
	return tu_run(cmd, &out);
}

static const char *proc_root(void)
{
	return tu_fixture("cli-proc");
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A failure is exactly one line "memscope: <what>: <why>". */
static void assert_one_error_line(const char *prefix)
{
	cr_assert_eq(count_lines(out.data), 1u, "stderr: [%s]", out.data);
	cr_assert(out.len && out.data[out.len - 1] == '\n', "[%s]", out.data);
	cr_assert_eq(strncmp(out.data, prefix, strlen(prefix)), 0, "want [%s], got [%s]", prefix,
		     out.data);
}

/* Pipes memscope's stdout into a python3 snippet that reads it as JSON
 * (json.load fails on anything that is not exactly one JSON document). */
static int run_json_py(const char *args, const char *py)
{
	char cmd[4096];

	snprintf(cmd, sizeof cmd,
		 "'%s' %s | python3 -c 'import json,sys\nd=json.load(sys.stdin)\n%s'", tu_bin(),
		 args, py);
	return tu_run(cmd, &out);
}

Test(cli, help_lists_every_view_and_exits_0)
{
	cr_assert_eq(run(false, "--help"), 0);
	cr_assert(strstr(out.data, "Usage:"), "%s", out.data);
	const char *words[] = { "procrank", "slabs", "buddy", "zones", "meminfo", "vma PID",
				"report", "capture", "--format", "--sort", "--limit", "--reverse",
				"--proc-root", "--no-smaps" };
	for (size_t i = 0; i < MS_ARRAY_LEN(words); i++)
		cr_assert(strstr(out.data, words[i]), "help lacks %s", words[i]);
	cr_assert_eq(run(false, "-h"), 0);
}

/* The usage is the registry's: every view, with its words and summary. */
Test(cli, help_is_the_registry)
{
	cr_assert_eq(run(false, "--help"), 0);
	ms_buf list = MS_BUF_INIT;
	ms_views_usage_list(&list, " | ");
	char line[512], joined[4096];
	snprintf(line, sizeof line, "\nVIEW: %s\n", list.data);
	/* The list wraps to 80 columns, its lines indented under the first. */
	size_t n = 0;
	for (const char *p = out.data; *p && n + 1 < sizeof joined; p++) {
		if (strncmp(p, "\n      ", 7) == 0) {
			joined[n++] = ' ';
			p += 6;
			continue;
		}
		joined[n++] = *p;
	}
	joined[n] = '\0';
	cr_assert(strstr(joined, line), "%s", out.data);
	for (size_t i = 0; ms_views[i]; i++)
		cr_assert(strstr(out.data, ms_views[i]->summary), "%s", ms_views[i]->name);
	ms_buf_free(&list);
	/* It fits an 80-column terminal. */
	for (const char *p = out.data; *p;) {
		size_t len = strcspn(p, "\n");
		cr_assert_leq(len, 80u, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

Test(cli, version)
{
	cr_assert_eq(run(false, "--version"), 0);
	cr_assert_eq(strncmp(out.data, "memscope ", 9), 0, "%s", out.data);
}

Test(cli, usage_errors_exit_2_with_one_line)
{
	cr_assert_eq(run(true, "--bogus"), 2);
	assert_one_error_line("memscope: --bogus: unknown option\n");
	cr_assert_eq(run(true, "procrank -x"), 2);
	assert_one_error_line("memscope: -x: unknown option\n");
	cr_assert_eq(run(true, "frobnicate"), 2);
	assert_one_error_line("memscope: frobnicate: unknown view");
	cr_assert_eq(run(true, "vma"), 2);
	assert_one_error_line("memscope: vma: needs a PID\n");
	cr_assert_eq(run(true, "vma abc"), 2);
	assert_one_error_line("memscope: vma abc: not a PID\n");
	cr_assert_eq(run(true, "vma 0"), 2);
	assert_one_error_line("memscope: vma 0: not a PID\n");
	cr_assert_eq(run(true, "procrank -f xml"), 2);
	assert_one_error_line("memscope: --format xml: unknown format");
	cr_assert_eq(run(true, "procrank --limit -1"), 2);
	assert_one_error_line("memscope: --limit -1: not a row count");
	cr_assert_eq(run(true, "procrank --limit"), 2);
	assert_one_error_line("memscope: --limit: needs an argument\n");
	cr_assert_eq(run(true, "procrank extra"), 2);
	assert_one_error_line("memscope: extra: unexpected argument\n");
	cr_assert_eq(run(true, "report -f csv"), 2);
	assert_one_error_line("memscope: report: CSV holds one table");
	cr_assert_eq(run(true, "-d 0"), 2);
	assert_one_error_line("memscope: -d 0: not a number of seconds");
}

/* Options of another mode are refused rather than ignored. */
Test(cli, option_of_another_mode_is_a_usage_error)
{
	cr_assert_eq(run(true, "capture --sort pss"), 2);
	assert_one_error_line("memscope: --sort: not an option of capture\n");
	cr_assert_eq(run(true, "meminfo -o x.tar.gz"), 2);
	assert_one_error_line("memscope: -o: not an option of meminfo\n");
	cr_assert_eq(run(true, "-f json"), 2);
	assert_one_error_line("memscope: -f: not an option of the interactive mode\n");
}

Test(cli, unknown_sort_key_lists_the_valid_ones)
{
	cr_assert_eq(run(true, "procrank --sort bogus"), 2);
	assert_one_error_line("memscope: --sort bogus: unknown key (valid: pid, user, vss_kb, "
			      "rss_kb, pss_kb, uss_kb, swap_kb, swap_pss_kb, name, cmdline, "
			      "dmabuf_kb, oom_score, oom_score_adj, cgroup)\n");
	cr_assert_eq(run(true, "buddy --sort free"), 2);
	assert_one_error_line("memscope: --sort: not an option of buddy\n");
	/* Options a view has no use for are refused, not ignored. */
	cr_assert_eq(run(true, "meminfo --limit 3"), 2);
	assert_one_error_line("memscope: --limit: not an option of meminfo\n");
	cr_assert_eq(run(true, "buddy -r"), 2);
	assert_one_error_line("memscope: -r: not an option of buddy\n");
	cr_assert_eq(run(true, "zones -k"), 2);
	assert_one_error_line("memscope: -k: not an option of zones\n");
}

Test(cli, missing_snapshot_exits_1_with_one_line)
{
	cr_assert_eq(run(true, "meminfo -s /nonexistent/memscope-snap"), 1);
	assert_one_error_line("memscope: /nonexistent/memscope-snap: ");
	cr_assert_eq(run(false, "meminfo -s /nonexistent/memscope-snap"), 1);
	cr_assert_eq(out.len, 0u, "nothing on stdout");
}

/* The fixture has no slabinfo: the view fails and says which file. */
Test(cli, missing_file_exits_1_naming_it)
{
	cr_assert_eq(run(true, "slabs --proc-root %s", proc_root()), 1);
	char want[1024];
	snprintf(want, sizeof want, "memscope: slabs: %s/slabinfo: ", proc_root());
	assert_one_error_line(want);
}

/* A script must see a failed write (a full disk) as a failure. */
Test(cli, write_error_exits_1)
{
	struct stat st;

	if (stat("/dev/full", &st) != 0)
		cr_skip_test("no /dev/full");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' meminfo --proc-root '%s' 2>&1 >/dev/full", tu_bin(),
		 proc_root());
	cr_assert_eq(tu_run(cmd, &out), 1);
	assert_one_error_line("memscope: stdout: No space left on device\n");
}

/* --help and --version fail like any view when stdout does (they exited
 * 1 without a word). */
Test(cli, help_and_version_to_a_full_disk_say_so)
{
	struct stat st;

	if (stat("/dev/full", &st) != 0)
		cr_skip_test("no /dev/full");
	const char *args[] = { "--version", "--help" };
	for (size_t i = 0; i < 2; i++) {
		char cmd[4096];
		snprintf(cmd, sizeof cmd, "'%s' %s 2>&1 >/dev/full", tu_bin(), args[i]);
		cr_assert_eq(tu_run(cmd, &out), 1, "%s", args[i]);
		assert_one_error_line("memscope: stdout: No space left on device\n");
	}
}

/* An argument of any length: the message gives up the argument's middle,
 * never its reason (cut at 240 bytes, the reason was lost). */
Test(cli, a_long_argument_keeps_the_reason)
{
	char arg[601];

	memset(arg, 'x', sizeof arg - 1);
	arg[sizeof arg - 1] = '\0';
	cr_assert_eq(run(true, "procrank --sort %s --proc-root '%s'", arg, proc_root()), 2);
	assert_one_error_line("memscope: --sort xxxx");
	cr_assert(strstr(out.data, "x...x"), "%s", out.data);
	cr_assert(strstr(out.data, ": unknown key (valid: pid, user, "), "%s", out.data);
	cr_assert(strstr(out.data, "name, cmdline, dmabuf_kb, oom_score, oom_score_adj, cgroup)\n"), "%s",
		  out.data);
	cr_assert_lt(out.len, 300u);
	cr_assert_eq(run(true, "meminfo -s /nonexistent/%s", arg), 1);
	assert_one_error_line("memscope: /nonexistent/xxx");
	cr_assert(strstr(out.data, "x: no such file or directory\n"), "%s", out.data);
	cr_assert_lt(out.len, 300u, "the path once: %s", out.data);
}

Test(cli, vma_of_a_missing_pid_exits_1)
{
	char want[1024];

	cr_assert_eq(run(true, "vma 999 --proc-root %s", proc_root()), 1);
	snprintf(want, sizeof want, "memscope: vma 999: no such process in %s\n", proc_root());
	assert_one_error_line(want);
	/* pid 1 is there, with a rollup but neither smaps nor maps. */
	cr_assert_eq(run(true, "vma 1 --proc-root %s", proc_root()), 1);
	snprintf(want, sizeof want, "memscope: vma 1: %s/1: no smaps or maps\n", proc_root());
	assert_one_error_line(want);
}

/* Every view that the fixture can show prints exactly one JSON document. */
Test(cli, json_is_valid_for_every_view)
{
	const char *views[] = { "procrank", "meminfo", "vma 400", "report" };
	for (size_t i = 0; i < MS_ARRAY_LEN(views); i++) {
		char args[1024];
		snprintf(args, sizeof args, "%s -f json --proc-root '%s'", views[i], proc_root());
		cr_assert_eq(run_json_py(args, "print(d[\"schema\"], d[\"view\"])"), 0, "%s",
			     views[i]);
		char want[64];
		snprintf(want, sizeof want, "memscope/1 %.*s\n", (int)strcspn(views[i], " "),
			 views[i]);
		cr_assert_str_eq(out.data, want);
	}
}

/* pid 300's memory files are missing: PSS, USS and SwapPss null, never 0;
 * its VmSize, VmRSS and VmSwap (status, readable by everyone) are known
 * and say so. */
Test(cli, unknown_figures_are_null)
{
	char args[1024];

	snprintf(args, sizeof args, "procrank -f json --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "p=[x for x in d[\"processes\"] if x[\"pid\"]==300][0]\n"
				       "print(p[\"vss_kb\"], p[\"rss_kb\"], p[\"pss_kb\"], "
				       "p[\"uss_kb\"], p[\"swap_kb\"], p[\"swap_pss_kb\"])\n"
				       "print(p[\"origin\"], p[\"vss_origin\"], p[\"rss_origin\"], "
				       "p[\"swap_origin\"])\n"
				       "q=[x for x in d[\"processes\"] if x[\"pid\"]==1][0]\n"
				       "print(q[\"origin\"], q[\"rss_origin\"])\n"
				       "print(d[\"skipped\"])"), 0);
	cr_assert_str_eq(out.data, "2964 1312 None None 0 None\n"
				   "None status status status\n"
				   "smaps_rollup smaps_rollup\n"
				   "{'kernel_threads': 1, 'zombies': 0, 'unknown': 1, 'gone': 0}\n");
}

/* Figures from the fixture README: rollups for 1 and 200, smaps summed
 * for 400, unknown 300 last; kthreadd (2) not listed. */
Test(cli, procrank_default_order_and_totals)
{
	char args[1024];

	snprintf(args, sizeof args, "procrank -f json --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print([(p[\"pid\"], p[\"pss_kb\"], p[\"uss_kb\"]) "
				       "for p in d[\"processes\"]])\nprint(d[\"totals\"])"), 0);
	cr_assert_str_eq(out.data,
			 "[(200, 790, 480), (1, 514, 564), (400, 76, 52), (300, None, None)]\n"
			 "{'pss_kb': 1380, 'uss_kb': 1096, 'swap_kb': 20, 'swap_pss_kb': 6, "
			 "'dmabuf_kb': 12, 'count': 4}\n");
}

/* DMA-BUFs of the fixture README: 1 and 200 share an 8 kB buffer, 200 also
 * holds a 4 kB one; 400's only fd is an eventfd; 300's fds are not
 * readable (no smaps either). Shared buffers split like PSS; --sort takes
 * the column. */
Test(cli, procrank_dmabuf_split_among_holders)
{
	char args[1024];

	snprintf(args, sizeof args, "procrank -f json --sort dmabuf --proc-root '%s'",
		 proc_root());
	cr_assert_eq(run_json_py(args, "print([(p[\"pid\"], p[\"dmabuf_kb\"]) "
				       "for p in d[\"processes\"]], d[\"totals\"][\"dmabuf_kb\"])"),
		     0);
	cr_assert_str_eq(out.data, "[(200, 8), (1, 4), (400, 0), (300, None)] 12\n");
	snprintf(args, sizeof args, "procrank -f csv --sort dmabuf_kb --reverse --proc-root '%s'",
		 proc_root());
	cr_assert_eq(run(false, "%s", args), 0, "%s", out.data);
	/* Ascending: 0, 4, 8, then the unknown last, as every column sorts. */
	cr_assert(strstr(out.data, "name,cmdline,dmabuf_kb,oom_score,oom_score_adj,cgroup\r\n"
				   "400,root,1304,100,76,52,8,0,logd,logd,0,,,\r\n1,"), "%s", out.data);
	cr_assert(strstr(out.data, "\r\n300,root,2964,1312,,,0,,dropbear,/usr/sbin/dropbear -R,,,,\r\n"),
		  "%s", out.data);
}

Test(cli, limit_keeps_totals_over_all_rows)
{
	char args[1024];

	snprintf(args, sizeof args, "procrank -f json --limit 1 --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print([p[\"pid\"] for p in d[\"processes\"]], "
				       "d[\"totals\"][\"pss_kb\"], d[\"totals\"][\"count\"])"), 0);
	cr_assert_str_eq(out.data, "[200] 1380 4\n");

	cr_assert_eq(run(false, "procrank -f csv --limit 2 --proc-root '%s'", proc_root()), 0);
	cr_assert_eq(count_lines(out.data), 3u, "header + 2 rows: %s", out.data);
}

Test(cli, sort_and_reverse)
{
	char args[1024];

	snprintf(args, sizeof args, "procrank -f json --sort uss --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print([p[\"pid\"] for p in d[\"processes\"]])"), 0);
	cr_assert_str_eq(out.data, "[1, 200, 400, 300]\n");

	snprintf(args, sizeof args, "procrank -f json --sort pid -r --proc-root '%s'",
		 proc_root());
	cr_assert_eq(run_json_py(args, "print([p[\"pid\"] for p in d[\"processes\"]])"), 0);
	cr_assert_str_eq(out.data, "[400, 300, 200, 1]\n");

	/* "--sort=KEY" and the key without _kb both work. */
	snprintf(args, sizeof args, "procrank -f json --sort=swap_kb --proc-root '%s'",
		 proc_root());
	cr_assert_eq(run_json_py(args, "print([p[\"pid\"] for p in d[\"processes\"]])"), 0);
	cr_assert_str_eq(out.data, "[200, 400, 1, 300]\n");
}

/* Per-mapping figures of the smaps-only pid 400 (no smaps_rollup). */
Test(cli, vma_view_from_smaps)
{
	char args[1024];

	snprintf(args, sizeof args, "vma 400 -f json --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print(d[\"pid\"], d[\"from_smaps\"])\n"
				       "for v in d[\"vmas\"]: print(v[\"start\"], v[\"end\"], "
				       "v[\"perms\"], v[\"path\"], v[\"size_kb\"], v[\"rss_kb\"], "
				       "v[\"pss_kb\"], v[\"uss_kb\"], v[\"swap_kb\"])\n"
				       "print(d[\"totals\"])"), 0);
	cr_assert_str_eq(out.data,
			 "400 True\n"
			 "00010000 00128000 r-xp /usr/bin/logd 1120 64 40 16 0\n"
			 "00138000 00139000 rw-p /usr/bin/logd 4 4 4 4 0\n"
			 "b6f00000 b6f30000 rw-p  192 32 32 32 8\n"
			 "{'size_kb': 1316, 'rss_kb': 100, 'pss_kb': 76, 'uss_kb': 52, "
			 "'swap_kb': 8, 'count': 3}\n");
}

/* Without --sort the mappings are written as they are read; the result is
 * the table sorted by address, byte for byte, in every format; --limit
 * shows fewer rows and the totals still cover all of them. */
Test(cli, vma_written_as_read_equals_sorted)
{
	const char *formats[] = { "text", "csv", "json", "text -k" };
	ms_buf sorted = MS_BUF_INIT;

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		cr_assert_eq(run(false, "vma 400 -f %s --sort start --proc-root '%s'", formats[i],
				 proc_root()), 0);
		ms_buf_reset(&sorted);
		ms_buf_append(&sorted, out.data, out.len);
		cr_assert_eq(run(false, "vma 400 -f %s --proc-root '%s'", formats[i], proc_root()),
			     0);
		cr_assert_str_eq(out.data, sorted.data, "-f %s", formats[i]);
	}
	ms_buf_free(&sorted);
	cr_assert_eq(run(false, "vma 400 --limit 2 -k --proc-root '%s'", proc_root()), 0);
	/* The path last, as pmap puts it; the widths known before the first
	 * row (this machine's addresses: --proc-root reads as live). */
	const char *head = strstr(out.data, "\n") + 1;
	cr_assert_eq(strncmp(out.data, "pid 400 (logd)\n", 15), 0, "%s", out.data);
	bool x86 = strncmp(head, "           START", 16) == 0;
	cr_assert_str_eq(head, x86 ?
		"           START              END PERM   OFFSET DEV      INODE    SIZE     RSS     PSS     USS    SWAP PATH\n"
		"        00010000         00128000 r-xp 00000000 b3:02     1835    1120      64      40      16       0 /usr/bin/logd\n"
		"        00138000         00139000 rw-p 00118000 b3:02     1835       4       4       4       4       0 /usr/bin/logd\n"
		"           TOTAL                                                  1316     100      76      52       8\n"
		"(2 of 3 mappings shown; totals cover all 3)\n" :
		"       START          END PERM   OFFSET DEV      INODE    SIZE     RSS     PSS     USS    SWAP PATH\n"
		"    00010000     00128000 r-xp 00000000 b3:02     1835    1120      64      40      16       0 /usr/bin/logd\n"
		"    00138000     00139000 rw-p 00118000 b3:02     1835       4       4       4       4       0 /usr/bin/logd\n"
		"       TOTAL                                          1316     100      76      52       8\n"
		"(2 of 3 mappings shown; totals cover all 3)\n");
	char args[1024];
	snprintf(args, sizeof args, "vma 400 -f json --limit 1 --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print(len(d[\"vmas\"]), d[\"totals\"][\"count\"], "
				       "d[\"totals\"][\"pss_kb\"])"), 0);
	cr_assert_str_eq(out.data, "1 3 76\n");
}

/* 20,000 mappings: the output is written in several pieces as it is made
 * (the sink takes 64 KiB at a time), in each format, and it is whole: the
 * streamed table equals the sorted one, every mapping is there and the
 * totals add up. */
Test(cli, vma_big_table_written_in_pieces_is_whole)
{
	const char *tmp = tu_tmpdir();
	char path[1024];
	ms_buf sorted = MS_BUF_INIT;
	enum { N = 20000 };

	snprintf(path, sizeof path, "%s/7", tmp);
	cr_assert_eq(mkdir(path, 0755), 0);
	/* Its status says it is still there once smaps is read: the kernel
	 * ends a dying process's smaps early without an error. */
	snprintf(path, sizeof path, "%s/7/status", tmp);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("Name:\tbig\nState:\tS (sleeping)\nPPid:\t1\nKthread:\t0\nVmSize:\t  80000 kB\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/7/smaps", tmp);
	f = fopen(path, "w");
	cr_assert(f);
	for (unsigned i = 0; i < N; i++)
		fprintf(f, "%08x-%08x rw-p 00000000 00:00 0 %s\nSize: 4 kB\nRss: %u kB\n"
			   "Pss: %u kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: %u kB\nSwap: 0 kB\n",
			0x10000000u + i * 0x2000u, 0x10001000u + i * 0x2000u,
			i % 3 ? "" : "/lib/libbig.so", i % 2 * 4, i % 2 * 4, i % 2 * 4);
	fclose(f);
	const char *formats[] = { "text", "csv", "json" };
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(run(false, "vma 7 -f %s --sort start --proc-root '%s'", formats[i], tmp),
			     0);
		cr_assert_gt(out.len, 600000, "-f %s: %zu bytes", formats[i], out.len);
		ms_buf_reset(&sorted);
		ms_buf_append(&sorted, out.data, out.len);
		cr_assert_eq(run(false, "vma 7 -f %s --proc-root '%s'", formats[i], tmp), 0);
		cr_assert_eq(out.len, sorted.len, "-f %s", formats[i]);
		cr_assert(memcmp(out.data, sorted.data, out.len) == 0, "-f %s", formats[i]);
	}
	cr_assert_eq(count_lines(out.data), 1, "JSON is one line");
	char args[1024];
	snprintf(args, sizeof args, "vma 7 -f json --proc-root '%s'", tmp);
	cr_assert_eq(run_json_py(args, "print(len(d[\"vmas\"]), d[\"totals\"])"), 0);
	cr_assert_str_eq(out.data, "20000 {'size_kb': 80000, 'rss_kb': 40000, 'pss_kb': 40000, "
				   "'uss_kb': 40000, 'swap_kb': 0, 'count': 20000}\n");
	cr_assert_eq(run(false, "vma 7 --proc-root '%s'", tmp), 0);
	cr_assert_eq(count_lines(out.data), N + 4, "title, header, rows, totals, count");
	cr_assert(strstr(out.data, "\n20000 mappings\n"), "the count, last");
	ms_buf_free(&sorted);
	tu_rm_rf(tmp);
}

/* smaps that turns to garbage after some mappings were written (they went
 * out as they were read): the document ends saying it is incomplete,
 * never looking whole (text: PARTIAL and INCOMPLETE; JSON: valid, with
 * "complete": false and the error; CSV: only the exit status and
 * stderr can say it), exit 1, and the error names the line. */
Test(cli, vma_garbage_after_some_mappings_says_incomplete)
{
	const char *tmp = tu_tmpdir();
	char cmd[4096], args[1024];

	snprintf(cmd, sizeof cmd, "cp -r '%s'/. '%s' && printf 'not a line\\n' >> '%s/400/smaps'",
		 proc_root(), tmp, tmp);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	const char *formats[] = { "text", "csv", "json" };
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(run(true, "vma 400 -f %s --proc-root '%s'", formats[i], tmp), 1);
		assert_one_error_line("memscope: vma 400: 400/smaps:52:");
		cr_assert(strstr(out.data, ": output incomplete\n"), "%s", out.data);
	}
	cr_assert_eq(run(false, "vma 400 --proc-root '%s'", tmp), 1);
	cr_assert(strstr(out.data, "\n     PARTIAL ") || strstr(out.data, "\n         PARTIAL "),
		  "%s", out.data);
	cr_assert(strstr(out.data, "\nINCOMPLETE: 2 mappings read, totals of those only: "
				   "400/smaps:52: "), "%s", out.data);
	cr_assert_null(strstr(out.data, "TOTAL"), "%s", out.data);
	snprintf(args, sizeof args, "vma 400 -f json --proc-root '%s'", tmp);
	cr_assert_eq(run_json_py(args, "print(d[\"complete\"], len(d[\"vmas\"]), "
				       "d[\"totals\"][\"count\"], d[\"error\"][:13])"), 0);
	cr_assert_str_eq(out.data, "False 2 2 400/smaps:52:\n");
	/* A whole read says so too. */
	snprintf(args, sizeof args, "vma 400 -f json --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print(d[\"complete\"], d[\"error\"])"), 0);
	cr_assert_str_eq(out.data, "True None\n");
	tu_rm_rf(tmp);
}

/* The report shows what it can and says why for the rest: exit 0. */
Test(cli, report_lists_missing_parts)
{
	char args[1024];

	snprintf(args, sizeof args, "report -f json --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, "print(d[\"meminfo\"][\"MemTotal\"], d[\"caches\"], "
				       "sorted(d[\"errors\"]))"), 0);
	cr_assert_str_eq(out.data,
			 "500196 None ['buddy', 'caches', 'cgroups', 'pagetypeinfo', 'pressure', "
			 "'zones']\n");
	cr_assert_eq(run(false, "report --proc-root '%s'", proc_root()), 0);
	cr_assert(strstr(out.data, "\n== Slab caches (slabinfo) ==\nnot available\n"), "%s",
		  out.data);
}

Test(cli, meminfo_text_as_the_kernel_prints_it)
{
	cr_assert_eq(run(false, "meminfo --proc-root '%s'", proc_root()), 0);
	ms_buf want = MS_BUF_INIT;
	char path[1024];
	snprintf(path, sizeof path, "%s/meminfo", proc_root());
	cr_assert(tu_read_file(path, &want));
	cr_assert_str_eq(out.data, want.data);
	ms_buf_free(&want);
}

/* The promise of the man page, on every real meminfo at hand: the text is
 * the file, byte for byte, whatever the kernel (2.6 to 6.x, x86_64 and
 * ARM, values longer than 8 digits, HardwareCorrupted's narrower field),
 * since the layout is the kernel's rather than one of ours. */
Test(cli, meminfo_text_is_every_real_file_byte_for_byte)
{
	const char *corpus = tu_corpus("");
	if (!corpus)
		cr_skip_test("corpus absent");
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
		 "n=0; for m in '%s'/*/proc/meminfo '%s'/*/meminfo '%s'/*/*/proc/meminfo; do "
		 "[ -f \"$m\" ] || continue; d=$(dirname \"$m\"); "
		 "'%s' meminfo -s \"$d\" | cmp -s - \"$m\" || { echo \"$m\"; exit 1; }; "
		 "n=$((n+1)); done; echo $n",
		 corpus, corpus, corpus, tu_bin());
	cr_assert_eq(tu_run(cmd, &out), 0, "differs: %s", out.data);
	cr_assert_geq(atoi(out.data), 8, "files compared: %s", out.data);
}

/* capture wiring: the fixture captured into a snapshot shows the same
 * figures as read live, and the snapshot says when it was taken. */
Test(cli, capture_then_read_gives_the_same_figures)
{
	const char *tmp = tu_tmpdir();
	char args[1024], live[4096];
	const char *py = "print([(p[\"pid\"], p[\"pss_kb\"], p[\"uss_kb\"], p[\"swap_kb\"]) "
			 "for p in d[\"processes\"]], d[\"totals\"])";

	cr_assert_not_null(tmp);
	cr_assert_eq(run(true, "capture --proc-root '%s' -o '%s/snap.tar.gz'", proc_root(), tmp), 0,
		     "%s", out.data);
	cr_assert_eq(out.len, 0u, "quiet with -o: %s", out.data);

	snprintf(args, sizeof args, "procrank -f json --proc-root '%s'", proc_root());
	cr_assert_eq(run_json_py(args, py), 0);
	snprintf(live, sizeof live, "%s", out.data);
	snprintf(args, sizeof args, "procrank -f json -s '%s/snap.tar.gz'", tmp);
	cr_assert_eq(run_json_py(args, py), 0);
	cr_assert_str_eq(out.data, live);

	cr_assert_eq(run_json_py(args, "print(d[\"source\"][\"kind\"], "
				       "d[\"source\"][\"captured_at\"] is not None)"), 0);
	cr_assert_str_eq(out.data, "snapshot True\n");
	tu_rm_rf(tmp);
}
