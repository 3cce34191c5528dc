/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "fleet": `memscope fleet` over many snapshots. A snapshot made
 * here (from tests/fixtures/snapshots/mem16k, with a process whose PSS
 * cannot be read and a hostile host name) gives a row of known figures in
 * every format; the snapshots of data/ and the corpus give rows equal to
 * what their own views say (tests/fleet_check.py reads both as JSON); a
 * broken archive is a row with its error and exit 1; a recording is its
 * last sample; every column sorts.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

/* A host name with ESC, a comma and quotes: what CSV and a terminal must
 * not take as their own. */
#define HOSTILE_HOST "ev\033il,\"host\""

static void sh(const char *cmd)
{
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
}

/* The mem16k fixture copied to dir/name: MemTotal set to total_kb, the
 * host named host, and a process 3 whose smaps_rollup is not there (its
 * PSS unknown, its RSS from status). */
static void make_snapshot(const char *dir, const char *name, long total_kb, const char *host)
{
	char path[PATH_MAX];
	ms_buf cmd = MS_BUF_INIT;

	snprintf(path, sizeof path, "%.1000s/%.200s", dir, name);
	ms_buf_printf(&cmd,
		 "cp -r '%s' '%s' && cp -r '%s/1' '%s/3' && rm '%s/3/smaps_rollup' && "
		 "sed -i 's/^Pid:.*/Pid:\t3/; s/^Tgid:.*/Tgid:\t3/; s/^Name:.*/Name:\tworker/' "
		 "'%s/3/status' && echo worker > '%s/3/comm' && "
		 "sed -i 's/^1 (systemd)/3 (worker)/' '%s/3/stat' && "
		 "sed -i 's/^MemTotal:.*/MemTotal: %ld kB/; ' '%s/meminfo' && "
		 "grep -v '^hostname:' '%s/memscope-snapshot' > '%s/meta'",
		 tu_fixture("snapshots/mem16k"), path, path, path, path, path, path, path, total_kb,
		 path, path, path);
	sh(cmd.data);
	/* The name's bytes as they are, not through a shell. */
	ms_buf_reset(&cmd);
	ms_buf_printf(&cmd, "%s/meta", path);
	FILE *f = fopen(cmd.data, "a");
	cr_assert_not_null(f);
	fprintf(f, "hostname: %s\n", host);
	cr_assert_eq(fclose(f), 0);
	ms_buf_reset(&cmd);
	ms_buf_printf(&cmd, "mv '%s/meta' '%s/memscope-snapshot'", path, path);
	sh(cmd.data);
	ms_buf_free(&cmd);
}

/* memscope fleet ARGS; its stdout in out, its exit status returned. */
static int fleet(const char *args, ms_buf *out)
{
	char cmd[4 * PATH_MAX];

	ms_buf_reset(out);
	snprintf(cmd, sizeof cmd, "'%s' fleet %s 2>/dev/null", tu_bin(), args);
	return tu_run(cmd, out);
}

/* python3 reads `memscope fleet ARGS -f json` as d and prints expr. */
static int fleet_json(const char *args, const char *expr, ms_buf *out)
{
	char cmd[8 * PATH_MAX];

	ms_buf_reset(out);
	snprintf(cmd, sizeof cmd,
		 "'%s' fleet %s -f json 2>/dev/null | python3 -c 'import json,sys\n"
		 "d=json.load(sys.stdin)\nrows=d[\"snapshots\"]\nprint(%s)'",
		 tu_bin(), args, expr);
	return tu_run(cmd, out);
}

/* ---- a row of known figures ----------------------------------------------------- */

/* mem16k's figures: meminfo's MemAvailable, SReclaimable + SUnreclaim,
 * buddyinfo's largest order with a free block (9, one block), PID 1's
 * smaps_rollup Pss. */
#define MEM_AVAILABLE 5809296L
#define SLAB (178912L + 121440L)
#define PSS_OF_1 7402L

Test(fleet, handmade_snapshot_row_is_exact_and_escaped)
{
	const char *dir = tu_tmpdir();
	char args[PATH_MAX + 64], want[2048];
	ms_buf out = MS_BUF_INIT;

	make_snapshot(dir, "board", 1000000, HOSTILE_HOST);
	snprintf(args, sizeof args, "'%s/board' -f csv", dir);
	cr_assert_eq(fleet(args, &out), 0);
	snprintf(want, sizeof want,
		 "source,host,kernel,arch,captured_at,mem_total_kb,mem_available_kb,pss_kb,"
		 "pss_unknown,slab_kb,slab_origin,largest_order,largest_order_blocks,top_name,"
		 "top_pid,top_pss_kb,error\r\n"
		 "%s/board,\"ev\\eil,\"\"host\"\"\",6.8.9-402.asahi.fc40.aarch64+16k,aarch64,"
		 "2026-03-02T10:15:00Z,1000000,%ld,%ld,1,%ld,meminfo SReclaimable+SUnreclaim,"
		 "9,1,systemd,1,%ld,\r\n",
		 dir, MEM_AVAILABLE, PSS_OF_1, SLAB, PSS_OF_1);
	cr_expect_str_eq(out.data, want);

	/* Text: the name escaped, the partial PSS marked and explained. */
	snprintf(args, sizeof args, "'%s/board'", dir);
	cr_assert_eq(fleet(args, &out), 0);
	cr_expect_null(memchr(out.data, '\033', out.len), "raw ESC in: %s", out.data);
	cr_expect_not_null(strstr(out.data, "ev\\eil,\"host\""), "%s", out.data);
	cr_expect_not_null(strstr(out.data, "7.2M*"), "%s", out.data);
	cr_expect_not_null(strstr(out.data, "* PSS of some processes unreadable on 1 snapshot"),
			   "%s", out.data);

	/* JSON: the name whole, PSS said to be partial. */
	cr_assert_eq(fleet_json(args, "rows[0][\"host\"]==\"" "ev\\x1bil,\\\"host\\\"" "\", "
				      "rows[0][\"pss_complete\"], rows[0][\"pss_unknown\"], "
				      "rows[0][\"error\"], rows[0][\"sample\"]", &out), 0);
	cr_expect_str_eq(out.data, "True False 1 None None\n");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* Every line of the text within 80 columns, whatever the names. */
Test(fleet, text_fits_80_columns)
{
	const char *dir = tu_tmpdir();
	char args[PATH_MAX + 64];
	ms_buf out = MS_BUF_INIT;

	make_snapshot(dir, "a-snapshot-with-a-rather-long-name-indeed", 1000000,
		      "a-host-name-longer-than-any-column-gives-it.example.com");
	make_snapshot(dir, "b", 2000000, "b");
	snprintf(args, sizeof args, "'%s'", dir);
	cr_assert_eq(fleet(args, &out), 0);
	int lines = 0;
	for (char *line = out.data, *end; line && *line; line = end ? end + 1 : NULL, lines++) {
		end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		cr_expect_leq(len, 80, "%.*s", (int)len, line);
	}
	cr_expect_geq(lines, 3, "%s", out.data); /* the header, two rows, the note */
	cr_expect_not_null(strstr(out.data, "a-host-name"), "%s", out.data);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- errors ---------------------------------------------------------------------- */

Test(fleet, broken_archive_is_an_error_row_and_exit_1)
{
	const char *dir = tu_tmpdir();
	char cmd[4 * PATH_MAX], args[PATH_MAX + 64];
	ms_buf out = MS_BUF_INIT;

	make_snapshot(dir, "src", 1000000, "good");
	snprintf(cmd, sizeof cmd,
		 "mkdir '%s/f' && tar -C '%s/src' -czf '%s/f/good.tar.gz' . && "
		 "head -c 300 '%s/f/good.tar.gz' > '%s/f/broken.tar.gz' && "
		 "echo 'not an archive' > '%s/f/junk.tar'",
		 dir, dir, dir, dir, dir, dir);
	sh(cmd);
	snprintf(args, sizeof args, "'%s/f'", dir);
	cr_expect_eq(fleet_json(args,
				"d[\"count\"], d[\"failed\"], "
				"[(r[\"source\"].rsplit(\"/\",1)[1], r[\"error\"] is None, "
				"r[\"mem_total_kb\"], r[\"pss_kb\"]) for r in rows]", &out), 0);
	cr_expect_str_eq(out.data, "3 2 [('broken.tar.gz', False, None, None), "
				   "('good.tar.gz', True, 1000000, 7402), "
				   "('junk.tar', False, None, None)]\n");
	cr_expect_eq(fleet(args, &out), 1, "exit status of a fleet with broken rows");
	cr_expect_not_null(strstr(out.data, "error: "), "%s", out.data);
	cr_expect_not_null(strstr(out.data, "2 of 3 snapshots could not be read"), "%s",
			   out.data);
	snprintf(args, sizeof args, "'%s/f' -f csv", dir);
	cr_expect_eq(fleet(args, &out), 1);
	snprintf(args, sizeof args, "'%s/f' -f json", dir);
	cr_expect_eq(fleet(args, &out), 1);
	/* Named one by one, the broken file is a row too. */
	snprintf(args, sizeof args, "'%s/f/broken.tar.gz' '%s/f/good.tar.gz'", dir, dir);
	cr_expect_eq(fleet_json(args, "d[\"count\"], d[\"failed\"]", &out), 0);
	cr_expect_str_eq(out.data, "2 1\n");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

Test(fleet, usage_errors_exit_2)
{
	ms_buf out = MS_BUF_INIT;

	cr_expect_eq(fleet("", &out), 2, "no path");
	cr_expect_eq(fleet("/tmp --sort bogus", &out), 2, "unknown sort key");
	cr_expect_eq(fleet("/tmp --listen 1", &out), 2, "another command's option");
	/* The explorer on a folder: --at and --baseline pick in one snapshot. */
	const char *dir = tu_tmpdir();
	char cmd[PATH_MAX + 256];
	make_snapshot(dir, "a", 1000000, "a");
	make_snapshot(dir, "b", 1000000, "b");
	snprintf(cmd, sizeof cmd, "'%s' -s '%s' --at last </dev/null >/dev/null 2>&1", tu_bin(),
		 dir);
	cr_expect_eq(tu_run(cmd, NULL), 2, "%s", cmd);
	tu_rm_rf(dir);
	ms_buf_free(&out);
}

/* ---- sorting, limits ----------------------------------------------------------------- */

Test(fleet, sorts_on_columns_both_ways_and_limits)
{
	const char *dir = tu_tmpdir();
	char args[PATH_MAX + 128];
	ms_buf out = MS_BUF_INIT;

	make_snapshot(dir, "a", 3000000, "zeta");
	make_snapshot(dir, "b", 1000000, "alpha");
	make_snapshot(dir, "c", 2000000, "mu");
	static const struct {
		const char *opts, *want;
	} cases[] = {
		{ "", "a b c" },                           /* by source */
		{ "--sort mem_total_kb", "a c b" },        /* kB: largest first */
		{ "--sort mem_total_kb -r", "b c a" },
		{ "--sort host", "b c a" },                /* names: A to Z */
		{ "--sort host -r", "a c b" },
		{ "--sort pss_kb", "a b c" },              /* equal: by source */
		{ "--sort mem_total_kb --limit 2", "a c" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++) {
		snprintf(args, sizeof args, "'%s' %s", dir, cases[i].opts);
		cr_assert_eq(fleet_json(args, "\" \".join(r[\"source\"].rsplit(\"/\",1)[1] "
					      "for r in rows)", &out), 0, "%s", cases[i].opts);
		out.data[strcspn(out.data, "\n")] = '\0';
		cr_expect_str_eq(out.data, cases[i].want, "%s", cases[i].opts);
	}
	snprintf(args, sizeof args, "'%s' --limit 1", dir);
	cr_assert_eq(fleet(args, &out), 0);
	cr_expect_not_null(strstr(out.data, "(1 of 3 snapshots shown)"), "%s", out.data);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- a recording ------------------------------------------------------------------- */

Test(fleet, recording_row_is_its_last_sample)
{
	const char *dir = tu_tmpdir();
	char cmd[4 * PATH_MAX], args[PATH_MAX + 64];
	ms_buf out = MS_BUF_INIT;

	make_snapshot(dir, "s0", 1000000, "board");
	make_snapshot(dir, "s1", 2000000, "board");
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && tar -C s0 -czf s0.tgz . && tar -C s1 -czf s1.tgz . && "
		 "{ printf 'memscope-sample 1 %%s 1764800000\\n' $(stat -c %%s s0.tgz); "
		 "cat s0.tgz; printf 'memscope-sample 1 %%s 1764800600\\n' "
		 "$(stat -c %%s s1.tgz); cat s1.tgz; } > board.msrec",
		 dir);
	sh(cmd);
	snprintf(args, sizeof args, "'%s/board.msrec'", dir);
	cr_assert_eq(fleet_json(args, "d[\"count\"], rows[0][\"mem_total_kb\"], "
				      "rows[0][\"sample\"]", &out), 0);
	cr_expect_str_eq(out.data, "1 2000000 {'index': 1, 'count': 2}\n");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- real captures against their own views --------------------------------------- */

/* fleet_check.py over paths: each row equal to its snapshot's views.
 * Its output ends with "source PATH ok|error" lines. */
static void check_against_views(const char *paths, ms_buf *out)
{
	char cmd[4 * PATH_MAX];

	snprintf(cmd, sizeof cmd, "python3 '%s/tests/fleet_check.py' '%s' %s", MS_SRCDIR,
		 tu_bin(), paths);
	ms_buf_reset(out);
	int rc = tu_run(cmd, out);
	cr_expect_eq(rc, 0, "%s", out->data);
}

static bool has_line(const ms_buf *out, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = out->data; p && (p = strstr(p, line)) != NULL; p += n)
		if ((p == out->data || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

Test(fleet, data_snapshots_agree_with_their_views)
{
	char pattern[PATH_MAX], paths[PATH_MAX + 8], line[PATH_MAX + 16];
	ms_buf out = MS_BUF_INIT;
	glob_t g;

	snprintf(pattern, sizeof pattern, "%s/data/*.tar.gz", MS_SRCDIR);
	if (glob(pattern, 0, NULL, &g) != 0)
		cr_skip_test("no snapshot in data/");
	snprintf(paths, sizeof paths, "'%s/data'", MS_SRCDIR);
	check_against_views(paths, &out);
	/* One row per archive, each read. */
	char want[64];
	snprintf(want, sizeof want, "rows %zu read %zu failed 0", g.gl_pathc, g.gl_pathc);
	cr_expect(has_line(&out, want), "%s\nwanted: %s", out.data, want);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(line, sizeof line, "source %s/data/%s ok", MS_SRCDIR,
			 strrchr(g.gl_pathv[i], '/') + 1);
		cr_expect(has_line(&out, line), "%s\nwanted: %s", out.data, line);
	}
	globfree(&g);
	ms_buf_free(&out);
}

/* The corpus root and qemu-arm-6.1: every capture laid out as a proc
 * tree is a row, once, and what was read equals its views. */
Test(fleet, corpus_folders_agree_with_their_views)
{
	const char *one = tu_corpus("qemu-arm-6.1");
	char root[PATH_MAX], paths[3 * PATH_MAX], line[2 * PATH_MAX];
	ms_buf out = MS_BUF_INIT;

	if (!one)
		cr_skip_test("corpus absent (MEMSCOPE_CORPUS)");
	snprintf(root, sizeof root, "%.*s", (int)(strrchr(one, '/') - one), one);
	snprintf(paths, sizeof paths, "'%s' '%s'", root, one);
	check_against_views(paths, &out);
	glob_t g;
	char pattern[PATH_MAX + 16];
	snprintf(pattern, sizeof pattern, "%s/*/proc", root);
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no capture with a proc/ in %s", root);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t n = strlen(g.gl_pathv[i]) - strlen("/proc");
		snprintf(line, sizeof line, "source %.*s ", (int)n, g.gl_pathv[i]);
		char *at = strstr(out.data, line);
		cr_expect_not_null(at, "%s: no row\n%s", line, out.data);
		if (at)
			cr_expect_null(strstr(at + 1, line), "%s: two rows", line);
	}
	globfree(&g);
	ms_buf_free(&out);
}
