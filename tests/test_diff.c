/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff and trend. Snapshots that differ in known ways: copies of the real
 * demo snapshot of data/ edited here (a slab cache gains objects, buddy
 * counts move), and two captures of this machine around a workload (a
 * process appears, one exits, one's PSS grows). `diff -f json` must report
 * exactly those changes and nothing else. The least squares of trend
 * against sums computed here another way.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/diff.h"
#include "testutil.h"
#include "workload_helper.h"

/* ---- least squares ---------------------------------------------------------- */

/* The textbook one-pass formulas in long double: another computation of
 * the same line. */
static void reference_fit(const double *x, const int64_t *y, size_t n, long double *slope,
			  long double *r2)
{
	long double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		if (y[i] == MS_NA)
			continue;
		long double xi = x[i] - x[0], yi = (long double)y[i];
		sx += xi, sy += yi, sxx += xi * xi, sxy += xi * yi, syy += yi * yi, k++;
	}
	long double num = k * sxy - sx * sy;
	*slope = num / (k * sxx - sx * sx);
	*r2 = num * num / ((k * sxx - sx * sx) * (k * syy - sy * sy));
}

Test(trend, least_squares_exact_line)
{
	double x[10];
	int64_t y[10];

	/* 4096 kB every 10 s from a time of day in 2026: 1,474,560 kB/h. */
	for (int i = 0; i < 10; i++) {
		x[i] = 1796000000.0 + 10.0 * i;
		y[i] = 50000 + 4096 * (int64_t)i;
	}
	ms_fit f = ms_least_squares(x, y, 10);
	cr_assert_eq(f.n, 10);
	cr_assert_float_eq(f.slope * 3600, 4096.0 * 360, 1e-6);
	cr_assert_float_eq(f.r2, 1.0, 1e-12);
}

Test(trend, least_squares_noisy_matches_reference)
{
	double x[50];
	int64_t y[50];
	unsigned seed = 12345;

	for (int i = 0; i < 50; i++) {
		seed = seed * 1103515245u + 12345u;
		x[i] = 1000.0 + 7.5 * i;
		y[i] = 3 * i + (int64_t)((seed >> 16) % 41) - 20;
	}
	y[7] = MS_NA; /* an unknown figure is left out, not a zero */
	long double slope, r2;
	reference_fit(x, y, 50, &slope, &r2);
	ms_fit f = ms_least_squares(x, y, 50);
	cr_assert_eq(f.n, 49);
	cr_assert_float_eq(f.slope, (double)slope, 1e-9);
	cr_assert_float_eq(f.r2, (double)r2, 1e-9);
	cr_assert(f.r2 > 0 && f.r2 < 1);
}

Test(trend, least_squares_degenerate)
{
	double x[3] = { 1, 2, 3 };
	int64_t flat[3] = { 5, 5, 5 }, one[3] = { MS_NA, 4, MS_NA };

	ms_fit f = ms_least_squares(x, flat, 3);
	cr_assert_float_eq(f.slope, 0.0, 1e-12);
	cr_assert(isnan(f.r2), "a flat series has no variation to explain");
	f = ms_least_squares(x, one, 3);
	cr_assert_eq(f.n, 1);
	cr_assert(isnan(f.slope));
}

/* ---- the engine on rows made here ----------------------------------------------- */

Test(diff, repeated_keys_match_in_order_and_sides_count_from_zero)
{
	static const char *const keys[] = { "name", NULL };
	ms_slab a[3] = { { .name = "x", .num_objs = 1 }, { .name = "x", .num_objs = 2 },
			 { .name = "gone", .num_objs = 7 } };
	ms_slab b[3] = { { .name = "x", .num_objs = 1 }, { .name = "x", .num_objs = 5 },
			 { .name = "new", .num_objs = 4 } };
	for (int i = 0; i < 3; i++) {
		a[i].active_objs = b[i].active_objs = 0;
		a[i].num_slabs = b[i].num_slabs = a[i].active_slabs = b[i].active_slabs = 0;
		a[i].objsize = b[i].objsize = 8;
		a[i].objperslab = b[i].objperslab = a[i].pagesperslab = b[i].pagesperslab = 1;
	}
	ms_diff_spec spec = { .t = &ms_slab_table, .stride = sizeof(ms_slab), .key_cols = keys };
	ms_diff_side sa = { a, 3, NULL, NULL }, sb = { b, 3, NULL, NULL };
	ms_diff d;
	ms_error err;
	int col = ms_table_find_col(&ms_slab_table, "num_objs");

	cr_assert_eq(ms_diff_rows(&spec, &sa, &sb, &d, &err), 0);
	ms_diff_sort(&d, (size_t)col, false);
	cr_assert_eq(d.n, 4);
	/* |+-7| gone, |+4| new, |+3| the second x, 0 the first x. */
	cr_assert_eq(d.pairs[0].change, MS_CHANGE_REMOVED);
	cr_assert_eq(ms_diff_delta(&d, &d.pairs[0], (size_t)col), -7);
	cr_assert_eq(d.pairs[1].change, MS_CHANGE_ADDED);
	cr_assert_eq(ms_diff_delta(&d, &d.pairs[1], (size_t)col), 4);
	cr_assert_eq(d.pairs[2].change, MS_CHANGE_CHANGED);
	cr_assert_eq(ms_diff_delta(&d, &d.pairs[2], (size_t)col), 3);
	cr_assert_eq(d.pairs[3].change, MS_CHANGE_SAME);
	ms_diff_free(&d);
}

/* ---- real snapshots, edited ---------------------------------------------------------- */

/* The demo snapshot unpacked twice: a/ and b/ (b to be edited). */
static const char *demo_pair(char *a, char *b, size_t cap)
{
	char cmd[1024];
	const char *dir = tu_tmpdir();

	cr_assert_not_null(dir);
	snprintf(cmd, sizeof cmd,
		 "mkdir '%s/a' '%s/b' && tar -xzf '%s/data/demo-x86_64.tar.gz' -C '%s/a' && "
		 "tar -xzf '%s/data/demo-x86_64.tar.gz' -C '%s/b'",
		 dir, dir, MS_SRCDIR, dir, MS_SRCDIR, dir);
	if (tu_run(cmd, NULL) != 0)
		cr_skip_test("data/demo-x86_64.tar.gz could not be unpacked");
	snprintf(a, cap, "%s/a/demo-x86_64", dir);
	snprintf(b, cap, "%s/b/demo-x86_64", dir);
	return dir;
}

static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(data, f);
	cr_assert_eq(fclose(f), 0);
}

/* What the JSON of a diff says, one line each: "added removed changed",
 * then per row its identity, its change and its non-zero deltas. Read by
 * Python's json, not by memscope. */
static void diff_summary(const char *a, const char *b, const char *view, const char *id,
			 ms_buf *out)
{
	char cmd[4096];

	snprintf(cmd, sizeof cmd,
		 "'%s' diff '%s' '%s' %s -f json | python3 -c '"
		 "import json,sys\n"
		 "d=json.load(sys.stdin)\n"
		 "c=d[\"changes\"]\n"
		 "print(c[\"added\"],c[\"removed\"],c[\"changed\"])\n"
		 "for r in d[sys.argv[1]]:\n"
		 "  ds=[k+\"=\"+str(v) for k,v in sorted(r.items()) if k.endswith(\"_delta\") and v]\n"
		 "  print(\"/\".join(str(r[k]) for k in sys.argv[2].split(\",\")),r[\"change\"],*ds)\n"
		 "' %s %s",
		 tu_bin(), a, b, view, strcmp(view, "buddy") == 0 ? "blocks" : "caches", id);
	cr_assert_eq(tu_run(cmd, out), 0, "%s", cmd);
}

/* One cache of a real slabinfo gains three slabs' worth of objects. */
Test(diff_corpus, slab_cache_gains_known_objects)
{
	char a[512], b[512], path[600];
	ms_buf text = MS_BUF_INIT, out = MS_BUF_INIT, expect = MS_BUF_INIT;
	const char *dir = demo_pair(a, b, sizeof a);

	snprintf(path, sizeof path, "%s/slabinfo", b);
	cr_assert(tu_read_file(path, &text));
	/* The first cache with objects in use. */
	char *line = text.data, *found = NULL;
	char name[64];
	long long act = 0, num = 0, size = 0, per = 0, pages = 0, aslabs = 0, slabs = 0;
	while ((line = strchr(line, '\n')) && !found) {
		line++;
		if (sscanf(line, "%63s %lld %lld %lld %lld %lld : tunables %*d %*d %*d : slabdata "
			   "%lld %lld", name, &act, &num, &size, &per, &pages, &aslabs, &slabs) == 8 &&
		    act > 0 && act < num)
			found = line;
	}
	cr_assert_not_null(found);
	long long k = 3 * per;
	ms_buf edited = MS_BUF_INIT;
	ms_buf_append(&edited, text.data, (size_t)(found - text.data));
	ms_buf_printf(&edited, "%s %lld %lld %lld %lld %lld : tunables 0 0 0 : slabdata %lld %lld 0",
		      name, act + k, num + k, size, per, pages, aslabs + 3, slabs + 3);
	ms_buf_puts(&edited, strchr(found, '\n'));
	write_file(path, edited.data);

	diff_summary(a, b, "slabs", "name", &out);
	/* Only what the edit moves: objects, slabs, bytes and the use. */
	long long used = (act + k) * size / 1024 - act * size / 1024;
	long long pct = (act + k) * 100 / (num + k) - act * 100 / num;
	ms_buf_printf(&expect, "0 0 1\n%s changed active_objs_delta=%lld active_slabs_delta=3 "
		      "num_objs_delta=%lld num_slabs_delta=3 size_kb_delta=%lld",
		      name, k, k, 3 * pages * 4096 / 1024);
	if (pct)
		ms_buf_printf(&expect, " use_pct_delta=%lld", pct);
	if (used)
		ms_buf_printf(&expect, " used_kb_delta=%lld", used);
	ms_buf_puts(&expect, "\n");
	cr_assert_str_eq(out.data, expect.data);
	ms_buf_free(&text);
	ms_buf_free(&edited);
	ms_buf_free(&out);
	ms_buf_free(&expect);
	tu_rm_rf(dir);
}

/* Adds d to the count of one order on the line of buddyinfo or
 * pagetypeinfo that contains tag; counts are the numbers after the
 * header's words (skip of them). */
static void move_count(const char *path, const char *tag, int skip, int order, long d)
{
	ms_buf text = MS_BUF_INIT, edited = MS_BUF_INIT;

	cr_assert(tu_read_file(path, &text));
	char *line = strstr(text.data, tag);
	cr_assert_not_null(line, "%s: %s", path, tag);
	while (line > text.data && line[-1] != '\n')
		line--;
	char *end = strchr(line, '\n');
	ms_buf_append(&edited, text.data, (size_t)(line - text.data));
	/* Words up to the counts are kept; the counts are rewritten. */
	char *p = line;
	for (int w = 0; w < skip; w++) {
		p += strspn(p, " ");
		p += strcspn(p, " \n");
	}
	ms_buf_append(&edited, line, (size_t)(p - line));
	for (int o = 0; p < end; o++) {
		char *q;
		long v = strtol(p, &q, 10);
		if (q == p)
			break;
		ms_buf_printf(&edited, " %6ld", v + (o == order ? d : 0));
		p = q;
	}
	ms_buf_puts(&edited, end);
	write_file(path, edited.data);
	ms_buf_free(&text);
	ms_buf_free(&edited);
}

/* Order-3 blocks of Normal grow by 5, order-0 ones shrink by 2, in
 * buddyinfo and in pagetypeinfo's Movable row alike. */
Test(diff_corpus, buddy_counts_move)
{
	char a[512], b[512], path[600];
	ms_buf out = MS_BUF_INIT;
	const char *dir = demo_pair(a, b, sizeof a);

	snprintf(path, sizeof path, "%s/buddyinfo", b);
	move_count(path, "zone   Normal", 4, 3, 5);
	move_count(path, "zone   Normal", 4, 0, -2);
	snprintf(path, sizeof path, "%s/pagetypeinfo", b);
	move_count(path, "Normal, type      Movable", 6, 3, 5);
	move_count(path, "Normal, type      Movable", 6, 0, -2);

	char cmd[4096];
	snprintf(cmd, sizeof cmd,
		 "'%s' diff '%s' '%s' buddy -f json | python3 -c '"
		 "import json,sys\nd=json.load(sys.stdin)\nc=d[\"changes\"]\n"
		 "print(c[\"added\"],c[\"removed\"],c[\"changed\"])\n"
		 "for z in d[\"zones\"]:\n"
		 "  m={t:v for t,v in z[\"migrate_delta\"].items() if any(v)}\n"
		 "  print(z[\"node\"],z[\"zone\"],z[\"change\"],z[\"free_delta\"],z[\"free_kb_delta\"],"
		 "z[\"free_pages_delta\"],m)\n'",
		 tu_bin(), a, b);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", cmd);
	/* 5 blocks of 8 pages in, 2 single pages out: 38 pages, 152 kB. */
	cr_assert_str_eq(out.data, "0 0 4\n"
				   "0 Normal changed [-2, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0] 152 38 "
				   "{'Movable': [-2, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]}\n");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

Test(diff_corpus, same_snapshot_has_no_change_in_any_view)
{
	char a[512], b[512], cmd[2048];
	ms_buf out = MS_BUF_INIT;
	const char *dir = demo_pair(a, b, sizeof a);
	static const char *const views[] = { "procrank", "slabs", "buddy", "zones", "meminfo" };

	for (size_t i = 0; i < MS_ARRAY_LEN(views); i++) {
		snprintf(cmd, sizeof cmd,
			 "'%s' diff '%s' '%s' %s -f json | python3 -c '"
			 "import json,sys\nd=json.load(sys.stdin)\n"
			 "print(d[\"changes\"][\"added\"]+d[\"changes\"][\"removed\"]+"
			 "d[\"changes\"][\"changed\"], d[\"changes\"][\"unchanged\"] > 0)'",
			 tu_bin(), a, b, views[i]);
		cr_assert_eq(tu_run(cmd, &out), 0, "%s", views[i]);
		cr_assert_str_eq(out.data, "0 True\n", "%s", views[i]);
	}
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- this machine, around a workload ------------------------------------------------ */

/* Pss: of PID/smaps_rollup in a capture, read with stdio; MS_NA when the
 * process is not in it. */
/* One "Key: N kB" field of a captured smaps_rollup, MS_NA when absent. */
static int64_t captured_field(const char *snap, int pid, const char *key)
{
	char path[600], line[256], format[64];
	long long kb;
	int64_t value = MS_NA;

	snprintf(path, sizeof path, "%s/proc/%d/smaps_rollup", snap, pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return MS_NA;
	snprintf(format, sizeof format, "%s: %%lld kB", key);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, format, &kb) == 1)
			value = kb;
	fclose(f);
	return value;
}

static int64_t captured_pss(const char *snap, int pid)
{
	return captured_field(snap, pid, "Pss");
}

/* Pss less Pss_File: what a process's share of libc and of the helper's
 * binary does not move. Those shares fall when other processes map the
 * same files between two captures (the second workload does), so the
 * whole Pss may grow by less than a freed shared region. */
static int64_t captured_pss_not_file(const char *snap, int pid)
{
	int64_t pss = captured_pss(snap, pid), file = captured_field(snap, pid, "Pss_File");

	return pss == MS_NA || file == MS_NA ? MS_NA : pss - file;
}

static void capture_to(const char *dir)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "'%s' capture -o '%s' 2>/dev/null", tu_bin(), dir);
	tu_run(cmd, NULL);
	snprintf(cmd, sizeof cmd, "%s/memscope-snapshot", dir);
	cr_assert_eq(access(cmd, R_OK), 0, "capture to %s failed", dir);
}

/* A process gone or a zombie: no longer a row of procrank. */
static void wait_gone(int pid)
{
	char path[64], state = 0;

	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			return;
		int n = fscanf(f, "%*d (%*[^)]) %c", &state);
		fclose(f);
		if (n == 1 && state == 'Z')
			return;
		usleep(10000);
	}
	cr_assert_fail("pid %d did not exit", pid);
}

/* "pid change pss_kb_delta" of our processes in the diff's JSON. */
static void our_rows(const char *a, const char *b, const int *pids, size_t n, ms_buf *out)
{
	char cmd[4096], list[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", i ? "," : "", pids[i]);
	snprintf(cmd, sizeof cmd,
		 "'%s' diff '%s' '%s' procrank -f json | python3 -c '"
		 "import json,sys\nd=json.load(sys.stdin)\n"
		 "ours=[int(p) for p in sys.argv[1].split(\",\")]\n"
		 "rows={r[\"pid\"]:r for r in d[\"processes\"]}\n"
		 "for p in ours:\n"
		 "  r=rows.get(p)\n"
		 "  print(p, r[\"change\"] if r else \"-\", r[\"pss_kb_delta\"] if r else \"-\")\n"
		 "' %s", tu_bin(), a, b, list);
	cr_assert_eq(tu_run(cmd, out), 0, "%s", cmd);
}

static void expect_row(ms_buf *e, int pid, int64_t before, int64_t after)
{
	if (before == MS_NA && after == MS_NA)
		ms_buf_printf(e, "%d - -\n", pid);
	else if (before == MS_NA)
		ms_buf_printf(e, "%d added %" PRId64 "\n", pid, after);
	else if (after == MS_NA)
		ms_buf_printf(e, "%d removed %" PRId64 "\n", pid, -before);
	else if (before == after)
		ms_buf_printf(e, "%d - -\n", pid); /* unchanged rows are left out */
	else
		ms_buf_printf(e, "%d changed %" PRId64 "\n", pid, after - before);
}

/* Two workers share 64 written pages (each has half of them in its PSS).
 * Between the captures one of them is killed, so the other's PSS grows
 * by at least those 32 pages, and a new workload starts. */
Test(diff_live, process_appears_exits_and_grows)
{
	wl_layout l1 = { .n = 2, .k = 2, .s = 64, .f = 1, .p = 2, .q = 1, .a = 4, .t = 4 };
	wl_layout l2 = { .n = 1, .k = 1, .s = 4, .f = 1, .p = 2, .q = 1, .a = 4, .t = 4 };
	wl_run w1, w2;
	char why[256], a[512], b[512];
	ms_buf out = MS_BUF_INIT, expect = MS_BUF_INIT;
	const char *dir = tu_tmpdir();

	if (!wl_start(&w1, &l1, why, sizeof why))
		cr_skip_test("%s", why);
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	capture_to(a);
	kill(w1.pids[1], SIGKILL);
	wait_gone(w1.pids[1]);
	if (!wl_start(&w2, &l2, why, sizeof why)) {
		wl_stop(&w1);
		cr_skip_test("%s", why);
	}
	capture_to(b);
	int pids[] = { w1.ctl, w1.pids[0], w1.pids[1], w2.ctl, w2.pids[0] };
	our_rows(a, b, pids, MS_ARRAY_LEN(pids), &out);
	for (size_t i = 0; i < MS_ARRAY_LEN(pids); i++)
		expect_row(&expect, pids[i], captured_pss(a, pids[i]), captured_pss(b, pids[i]));
	int64_t before = captured_pss_not_file(a, w1.pids[0]);
	int64_t grew = captured_pss_not_file(b, w1.pids[0]) - before;
	wl_stop(&w2);
	wl_stop(&w1);
	cr_assert_str_eq(out.data, expect.data);
	/* The survivor's share of the shared anonymous region doubles: it
	 * gains the half the killed worker held, and a little more of the
	 * copy-on-write pages it still shares with its parent. */
	if (before == MS_NA)
		cr_skip_test("smaps_rollup has no Pss_File before Linux 5.9");
	cr_assert_geq(grew, 32 * w1.page / 1024, "grew %" PRId64 " kB", grew);
	cr_assert(strstr(out.data, " removed ") && strstr(out.data, " added "), "%s", out.data);
	ms_buf_free(&out);
	ms_buf_free(&expect);
	tu_rm_rf(dir);
}

/* Replaces the first occurrence of from with to in a file. */
static void replace_in(const char *path, const char *from, const char *to)
{
	ms_buf text = MS_BUF_INIT, edited = MS_BUF_INIT;

	cr_assert(tu_read_file(path, &text));
	char *at = strstr(text.data, from);
	cr_assert_not_null(at, "%s: %s", path, from);
	ms_buf_append(&edited, text.data, (size_t)(at - text.data));
	ms_buf_puts(&edited, to);
	ms_buf_puts(&edited, at + strlen(from));
	write_file(path, edited.data);
	ms_buf_free(&text);
	ms_buf_free(&edited);
}

/* MemFree moves by 1234 kB, Bounce goes, a key comes. */
Test(diff_corpus, meminfo_keys_change_come_and_go)
{
	char a[512], b[512], path[600], cmd[4096];
	ms_buf out = MS_BUF_INIT;
	const char *dir = demo_pair(a, b, sizeof a);

	snprintf(path, sizeof path, "%s/meminfo", b);
	replace_in(path, "MemFree:        21648256 kB", "MemFree:        21649490 kB");
	replace_in(path, "Bounce:                0 kB\n", "");
	replace_in(path, "MemTotal:", "Extra:                 7 kB\nMemTotal:");
	snprintf(cmd, sizeof cmd,
		 "'%s' diff '%s' '%s' meminfo -f json | python3 -c '"
		 "import json,sys\nd=json.load(sys.stdin)\nc=d[\"changes\"]\n"
		 "print(c[\"added\"],c[\"removed\"],c[\"changed\"])\n"
		 "print(sorted(d[\"meminfo\"].items()))\nprint(sorted(d[\"meminfo_change\"].items()))'",
		 tu_bin(), a, b);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", cmd);
	cr_assert_str_eq(out.data, "1 1 1\n"
				   "[('Bounce', 0), ('Bounce_delta', 0), ('Extra', 7), "
				   "('Extra_delta', 7), ('MemFree', 21649490), ('MemFree_delta', 1234)]\n"
				   "[('Bounce', 'removed'), ('Extra', 'added'), ('MemFree', 'changed')]\n");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* Normal's free pages grow by 100 in zoneinfo. */
Test(diff_corpus, zone_free_pages_move)
{
	char a[512], b[512], path[600], cmd[4096];
	ms_buf out = MS_BUF_INIT;
	const char *dir = demo_pair(a, b, sizeof a);

	snprintf(path, sizeof path, "%s/zoneinfo", b);
	replace_in(path, "zone   Normal\n  pages free     2190247",
		   "zone   Normal\n  pages free     2190347");
	snprintf(cmd, sizeof cmd,
		 "'%s' diff '%s' '%s' zones -f json | python3 -c '"
		 "import json,sys\nd=json.load(sys.stdin)\nc=d[\"changes\"]\n"
		 "print(c[\"added\"],c[\"removed\"],c[\"changed\"])\n"
		 "for z in d[\"zones\"]:\n"
		 "  print(z[\"zone\"],z[\"change\"],z[\"free_pages\"],"
		 "[k+\"=\"+str(v) for k,v in sorted(z.items()) if k.endswith(\"_delta\") and v])'",
		 tu_bin(), a, b);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", cmd);
	cr_assert_str_eq(out.data, "0 0 1\nNormal changed 2190347 ['free_pages_delta=100']\n");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- trend over a recording made of in-memory snapshots ---------------------------- */

#include "memscope/source_kind.h"

/* A test double of a recording: samples that are each a source of their
 * own, the one selected answering every read. */
struct sequence {
	ms_source *sample[16];
	size_t n, cur;
};

static ms_source *current(ms_source *src)
{
	struct sequence *q = ms_source_priv(src);
	return q->sample[q->cur];
}

static int seq_read(ms_source *src, const char *rel, ms_buf *out, ms_error *err)
{
	return ms_source_read(current(src), rel, out, err);
}

static int seq_stream(ms_source *src, const char *rel, ms_chunk_fn fn, void *ctx, ms_error *err)
{
	return ms_source_stream(current(src), rel, fn, ctx, err);
}

static int seq_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	return ms_source_list_pids(current(src), pids, n, err);
}

static int seq_dir(ms_source *src, const char *dir, ms_dirlist *out, ms_error *err)
{
	ms_dirlist l = { 0 };
	int rc = ms_source_list_dir(current(src), dir, &l, err);

	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = ms_dirlist_add(out, l.e[i].name, strlen(l.e[i].name), l.e[i].is_dir);
	ms_dirlist_free(&l);
	return rc;
}

static size_t seq_count(const ms_source *src)
{
	return ((const struct sequence *)ms_source_priv(src))->n;
}

static int seq_select(ms_source *src, size_t i, ms_error *err)
{
	struct sequence *q = ms_source_priv(src);
	ms_source_info *info = ms_source_info_of(src);
	unsigned caps = info->caps;

	if (i >= q->n)
		return ms_error_set(err, ERANGE, 0, "no sample %zu", i);
	q->cur = i;
	*info = *ms_source_get_info(q->sample[i]);
	info->caps = caps;
	return 0;
}

static void seq_close(ms_source *src)
{
	struct sequence *q = ms_source_priv(src);

	for (size_t i = 0; i < q->n; i++)
		ms_source_close(q->sample[i]);
	free(q);
}

static const ms_source_ops sequence_ops = {
	.read = seq_read, .stream = seq_stream, .list_pids = seq_pids, .list_dir = seq_dir,
	.sample_count = seq_count, .select = seq_select, .close = seq_close,
};

/* Sample i of a board where process 4242's PSS grows by `pages` pages per
 * sample, the cache "leaky" by two 4 KiB slabs and Normal's order-4 free
 * blocks shrink by one, every 10 s. */
static ms_source *growing_sample(size_t i, int pages, ms_buf *status, ms_buf *rollup)
{
	char meta[256], slab[512], buddy[128], pss[64];
	ms_buf roll = MS_BUF_INIT;
	ms_error err = { 0 };

	snprintf(meta, sizeof meta, "format: memscope/1\ncaptured_at: 2026-12-05T03:%02zu:%02zuZ\n"
		 "page_size: 4096\n", i / 6, (i % 6) * 10);
	snprintf(slab, sizeof slab, "slabinfo - version: 2.1\n# name <active_objs> <num_objs> "
		 "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
		 "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
		 "leaky %zu %zu 64 64 1 : tunables 0 0 0 : slabdata %zu %zu 0\n"
		 "steady 10 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n",
		 128 * (i + 1), 128 * (i + 1), 2 * (i + 1), 2 * (i + 1));
	snprintf(buddy, sizeof buddy, "Node 0, zone   Normal  5 5 5 5 %zu 5\n", 100 - i);
	/* The real rollup with its Pss replaced. */
	const char *p = strstr(rollup->data, "Pss:"), *eol = strchr(p, '\n');
	snprintf(pss, sizeof pss, "Pss:  %d kB", 8714 + (int)i * pages * 4);
	ms_buf_append(&roll, rollup->data, (size_t)(p - rollup->data));
	ms_buf_puts(&roll, pss);
	ms_buf_puts(&roll, eol);
	ms_memfile files[] = {
		{ "memscope-snapshot", meta, strlen(meta), 0 },
		{ "slabinfo", slab, strlen(slab), 0 },
		{ "buddyinfo", buddy, strlen(buddy), 0 },
		{ "4242/status", status->data, status->len, 0 },
		{ "4242/stat", "4242 (grower) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
			       "777 1000 10 0\n", 0, 0 },
		{ "4242/smaps_rollup", roll.data, roll.len, 0 },
		{ "4242/cmdline", "grower", 6, 0 },
	};
	files[4].len = strlen(files[4].data);
	ms_source *s = ms_source_open_files(files, MS_ARRAY_LEN(files), 0, "sample", &err);
	cr_assert_not_null(s, "%s", err.msg);
	ms_buf_free(&roll);
	return s;
}

static const ms_trend_row *trend_row(const ms_trend *t, ms_trend_kind kind, const char *metric,
				     const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].kind == kind && strcmp(t->rows[i].metric, metric) == 0 &&
		    strcmp(t->rows[i].name, name) == 0)
			return &t->rows[i];
	return NULL;
}

Test(trend, recording_of_known_growth)
{
	ms_buf status = MS_BUF_INIT, rollup = MS_BUF_INIT;
	struct sequence *q = calloc(1, sizeof *q);
	ms_trend t;
	ms_error err = { 0 };
	const int pages = 16;

	tu_fixture_read("status/x86_64-6.8-user.status", &status);
	tu_fixture_read("smaps/x86_64-6.8.smaps_rollup", &rollup);
	q->n = 12;
	for (size_t i = 0; i < q->n; i++)
		q->sample[i] = growing_sample(i, pages, &status, &rollup);
	ms_source *src = ms_source_new(&sequence_ops, MS_CAP_SAMPLES, "seq", q);
	cr_assert_not_null(src);
	*ms_source_info_of(src) = *ms_source_get_info(q->sample[0]);
	ms_source_info_of(src)->caps = MS_CAP_SAMPLES;

	cr_assert_eq(ms_trend_collect(&t, src, &err), 0, "%s", err.msg);
	cr_assert_eq(t.nsamples, 12);
	/* The process is named by its status (the fixture's "Web Content"). */
	const ms_trend_row *pss = trend_row(&t, MS_TREND_PROCESS, "pss_kb", "Web Content");
	cr_assert_not_null(pss);
	cr_assert_eq(pss->pid, 4242);
	cr_assert_eq(pss->fit.n, 12);
	/* pages x 4 kB every 10 s, 360 samples an hour. */
	cr_assert_float_eq(pss->fit.slope * 3600, pages * 4.0 * 360, 1e-6);
	cr_assert_float_eq(pss->fit.r2, 1.0, 1e-9);
	cr_assert(ms_trend_suspect(pss));
	const ms_trend_row *leaky = trend_row(&t, MS_TREND_SLAB, "size_kb", "leaky");
	cr_assert_float_eq(leaky->fit.slope * 3600, 8.0 * 360, 1e-6);
	const ms_trend_row *steady = trend_row(&t, MS_TREND_SLAB, "size_kb", "steady");
	cr_assert_float_eq(steady->fit.slope, 0.0, 1e-12);
	cr_assert(isnan(steady->fit.r2) && !ms_trend_suspect(steady));
	/* Order 4 of Normal: one block of 16 pages less each sample. */
	for (size_t i = 0; i < t.n; i++) {
		const ms_trend_row *r = &t.rows[i];
		if (r->kind == MS_TREND_ZONE && r->order == 4)
			cr_assert_float_eq(r->fit.slope * 3600, -64.0 * 360, 1e-6);
	}
	/* Suspects first: the fastest steady grower leads. */
	cr_assert_eq(&t.rows[0], pss);
	ms_trend_free(&t);
	ms_source_close(src);
	ms_buf_free(&status);
	ms_buf_free(&rollup);
}
