/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "snapshots": every whole-system capture of the corpus, read in
 * place with `memscope VIEW -s DIR`, in every view and format. Each run
 * exits 0, or exits 1 with one line naming the file that is not in the
 * snapshot. The JSON figures are compared with tests/independent_reader.py,
 * which parses the same raw files with its own code.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static const char *const views[] = { "procrank", "slabs", "buddy", "zones", "meminfo",
				     "report" };
static const char *const formats[] = { "text", "csv", "json" };

/* The file whose absence makes a view fail; NULL: see has_pids. */
static const char *view_file(const char *view)
{
	static const char *const files[][2] = {
		{ "slabs", "slabinfo" }, { "buddy", "buddyinfo" }, { "zones", "zoneinfo" },
		{ "meminfo", "meminfo" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++)
		if (strcmp(view, files[i][0]) == 0)
			return files[i][1];
	return NULL;
}

/* The corpus captures keep the tree under proc/. */
static bool snap_has(const char *dir, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/proc/%s", dir, rel);
	return stat(path, &st) == 0;
}

static bool has_pids(const char *dir)
{
	char path[4096];
	bool found = false;

	snprintf(path, sizeof path, "%s/proc", dir);
	DIR *d = opendir(path);
	if (!d)
		return false;
	for (struct dirent *e; !found && (e = readdir(d));)
		found = e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return found;
}

struct run {
	char dir[64]; /* tmp dir holding out and err */
	ms_buf out, err;
	int rc;
};

static void run_memscope(struct run *r, const char *snap, const char *args)
{
	char cmd[8192], path[128];

	snprintf(cmd, sizeof cmd, "'%s' %s -s '%s' >'%s/out' 2>'%s/err'", tu_bin(), args, snap,
		 r->dir, r->dir);
	r->rc = tu_run(cmd, NULL);
	snprintf(path, sizeof path, "%s/out", r->dir);
	cr_assert(tu_read_file(path, &r->out));
	snprintf(path, sizeof path, "%s/err", r->dir);
	cr_assert(tu_read_file(path, &r->err));
}

/* The independent reader's verdict on the JSON memscope just wrote. */
static void compare_with_reader(struct run *r, const char *snap, const char *what)
{
	char cmd[8192];
	ms_buf diff = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "python3 '%s/tests/independent_reader.py' '%s' '%s' '%s/out'",
		 getenv("MEMSCOPE_SRCDIR") ? getenv("MEMSCOPE_SRCDIR") : MS_SRCDIR, snap, what,
		 r->dir);
	int rc = tu_run(cmd, &diff);
	cr_expect_eq(rc, 0, "%s %s: memscope and the independent reader differ:\n%s", snap, what,
		     diff.data);
	ms_buf_free(&diff);
}

static void assert_valid_json(struct run *r, const char *what)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "assert d[\"schema\"]==\"memscope/1\" and d[\"source\"][\"kind\"]==\"snapshot\"'"
		 " '%s/out'", r->dir);
	cr_expect_eq(tu_run(cmd, NULL), 0, "%s: not a memscope/1 JSON document", what);
}

/* A view that fails says so in one line, and only when its file is absent. */
static void check_failure(struct run *r, const char *snap, const char *view)
{
	const char *file = view_file(view);
	bool present = file ? snap_has(snap, file) : has_pids(snap);
	char prefix[128];

	cr_expect(!present && strcmp(view, "report") != 0, "%s %s failed though its data is "
		  "there: %s", snap, view, r->err.data);
	cr_expect_eq(r->rc, 1, "%s %s: exit %d", snap, view, r->rc);
	snprintf(prefix, sizeof prefix, "memscope: %s: ", view);
	cr_expect_eq(strncmp(r->err.data, prefix, strlen(prefix)), 0, "%s", r->err.data);
	cr_expect(strstr(r->err.data, "not in snapshot\n"), "no reason: %s", r->err.data);
	cr_expect_eq(strchr(r->err.data, '\n'), r->err.data + r->err.len - 1, "one line: %s",
		     r->err.data);
	cr_expect_eq(r->out.len, 0u, "%s %s: output despite failing", snap, view);
}

static void check_view(struct run *r, const char *snap, const char *view, const char *fmt)
{
	char args[128], what[4352];

	snprintf(args, sizeof args, "%s -f %s", view, fmt);
	snprintf(what, sizeof what, "%s: %s", snap, args);
	run_memscope(r, snap, args);
	if (r->rc != 0) {
		check_failure(r, snap, view);
		return;
	}
	cr_expect_eq(r->err.len, 0u, "%s: stderr: %s", what, r->err.data);
	cr_expect_gt(r->out.len, 0u, "%s: no output", what);
	if (strcmp(fmt, "json") != 0)
		return;
	assert_valid_json(r, what);
	if (strcmp(view, "report") != 0)
		compare_with_reader(r, snap, view);
}

/* vma of every process that has smaps: per-mapping sums match. */
static void check_vmas(struct run *r, const char *snap)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/proc", snap);
	DIR *d = opendir(path);
	cr_assert_not_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		char rel[300], args[64], what[64];
		int pid = atoi(e->d_name);
		snprintf(rel, sizeof rel, "%s/smaps", e->d_name);
		if (pid <= 0 || !snap_has(snap, rel))
			continue;
		snprintf(args, sizeof args, "vma %d -f json", pid);
		run_memscope(r, snap, args);
		cr_expect_eq(r->rc, 0, "%s %s: %s", snap, args, r->err.data);
		snprintf(what, sizeof what, "vma:%d", pid);
		compare_with_reader(r, snap, what);
	}
	closedir(d);
}

/* Every view in every format, each compared with the independent reader. */
static void check_snapshot_dir(const char *snap)
{
	struct run r = { .out = MS_BUF_INIT, .err = MS_BUF_INIT };
	const char *tmp = tu_tmpdir();
	cr_assert_not_null(tmp);
	snprintf(r.dir, sizeof r.dir, "%s", tmp);

	for (size_t v = 0; v < MS_ARRAY_LEN(views); v++) {
		for (size_t f = 0; f < MS_ARRAY_LEN(formats); f++) {
			if (strcmp(views[v], "report") == 0 && strcmp(formats[f], "csv") == 0)
				continue; /* a usage error: CSV holds one table */
			check_view(&r, snap, views[v], formats[f]);
		}
	}
	/* The reader also knows the processes that only have smaps. */
	if (has_pids(snap)) {
		run_memscope(&r, snap, "procrank -f json");
		compare_with_reader(&r, snap, "procrank");
		check_vmas(&r, snap);
	}
	ms_buf_free(&r.out);
	ms_buf_free(&r.err);
	tu_rm_rf(r.dir);
}

static void check_capture(const char *name)
{
	const char *snap = tu_corpus(name);
	if (!snap)
		cr_skip_test("corpus absent");
	check_snapshot_dir(snap);
}

/* A snapshot of ours in data/: unpacked with tar for the reader, and the
 * archive read in memory must give the same JSON as the unpacked tree. */
static void check_data_snapshot(const char *archive, const char *top)
{
	char cmd[2048], dir[600];
	ms_buf a = MS_BUF_INIT, b = MS_BUF_INIT;
	const char *src = getenv("MEMSCOPE_SRCDIR") ? getenv("MEMSCOPE_SRCDIR") : MS_SRCDIR;
	const char *tmp = tu_tmpdir();
	cr_assert_not_null(tmp);
	snprintf(cmd, sizeof cmd, "tar xzf %s/data/%s -C %s", src, archive, tmp);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	snprintf(dir, sizeof dir, "%s/%s", tmp, top);
	check_snapshot_dir(dir);
	for (size_t v = 0; v < MS_ARRAY_LEN(views); v++) {
		/* The source block names the path and container: leave it out. */
		static const char strip[] = " | python3 -c 'import json,sys; d=json.load(sys.stdin); "
					    "d.pop(\"source\"); print(json.dumps(d, sort_keys=True))'";
		snprintf(cmd, sizeof cmd, "%s %s -s %s/data/%s -f json%s", tu_bin(), views[v], src,
			 archive, strip);
		int ra = tu_run(cmd, &a);
		snprintf(cmd, sizeof cmd, "%s %s -s %s -f json%s", tu_bin(), views[v], dir, strip);
		int rb = tu_run(cmd, &b);
		cr_assert_eq(ra, rb, "%s", views[v]);
		cr_assert_str_eq(a.data, b.data, "%s: archive and directory differ", views[v]);
	}
	ms_buf_free(&a);
	ms_buf_free(&b);
	tu_rm_rf(tmp);
}

TestSuite(snapshots, .timeout = 300);

Test(snapshots, xilinx_zynq_armv7_4_4) { check_capture("xilinx-zynq-armv7-4.4"); }
Test(snapshots, zte_router_armv7_4_1_25) { check_capture("zte-router-armv7-4.1.25"); }
Test(snapshots, goclever_insignia5_android) { check_capture("goclever-insignia5-android"); }
Test(snapshots, jiofi_jmr540_mdm9607_armv7) { check_capture("jiofi-jmr540-mdm9607-armv7"); }
Test(snapshots, sep4020_arm720t_2_6_16) { check_capture("sep4020-arm720t-2.6.16"); }
Test(snapshots, chromeos_x86_64_syslogs) { check_capture("chromeos-x86_64-syslogs"); }
Test(snapshots, r36s_clone_rk3326_arkos) { check_capture("r36s-clone-rk3326-arkos-5.10.160"); }
Test(snapshots, data_demo_x86_64) { check_data_snapshot("demo-x86_64.tar.gz", "demo-x86_64"); }

/* Spot values read by eye from the raw files and added up by hand, so
 * that a reader and a memscope agreeing on a wrong parse are still caught. */
static void spot(const char *capture, const char *view, const char *py, const char *want)
{
	const char *snap = tu_corpus(capture);
	ms_buf out = MS_BUF_INIT;
	char cmd[8192];

	if (!snap)
		cr_skip_test("corpus absent");
	snprintf(cmd, sizeof cmd,
		 "'%s' %s -s '%s' -f json | "
		 "python3 -c 'import json,sys\nd=json.load(sys.stdin)\n%s'",
		 tu_bin(), view, snap, py);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", out.data);
	cr_expect_str_eq(out.data, want);
	ms_buf_free(&out);
}

/* zte buddyinfo "Normal 31 3 5 1 2 1 0 0 1 0 0": 31 + 3*2 + 5*4 + 1*8 +
 * 2*16 + 1*32 + 1*256 = 385 pages = 1540 kB. */
Test(snapshots, spot_zte_buddy)
{
	spot("zte-router-armv7-4.1.25", "buddy",
	     "z=d[\"zones\"][0]\nprint(z[\"zone\"], z[\"free\"], z[\"free_kb\"], "
	     "z[\"migrate\"][\"Reserve\"], sorted(z[\"migrate\"]))",
	     "Normal [31, 3, 5, 1, 2, 1, 0, 0, 1, 0, 0] 1540 [1, 4, 5, 1, 2, 1, 0, 0, 1, 0, 0] "
	     "['CMA', 'Isolate', 'Movable', 'Reclaimable', 'Reserve', 'Unmovable']\n");
}

/* dentry "10449 13470 136 30 1 ... slabdata 449 449": size 449 * 4 kB =
 * 1796 kB, used 10449 * 136 / 1024 = 1387.7 -> 1387 kB. */
Test(snapshots, spot_zte_slab)
{
	spot("zte-router-armv7-4.1.25", "slabs",
	     "c=[x for x in d[\"caches\"] if x[\"name\"]==\"dentry\"][0]\n"
	     "print(c[\"num_objs\"], c[\"objsize\"], c[\"size_kb\"], c[\"used_kb\"])",
	     "13470 136 1796 1387\n");
}

/* 2.6.16: buddyinfo DMA "8 7 5 3 4 5 2 1 1 1 4" is 5410 pages, the same
 * as zoneinfo's "pages free 5410" (two files, one figure). */
Test(snapshots, spot_sep4020_buddy_and_zone_agree)
{
	spot("sep4020-arm720t-2.6.16", "buddy",
	     "z=d[\"zones\"][0]\nprint(z[\"zone\"], z[\"free_pages\"], z[\"free_kb\"], "
	     "z[\"migrate\"])", "DMA 5410 21640 None\n");
	spot("sep4020-arm720t-2.6.16", "zones",
	     "z=d[\"zones\"][0]\nprint(z[\"free_pages\"], z[\"min\"], z[\"low\"], "
	     "z[\"high\"], z[\"spanned\"], z[\"present\"], z[\"managed\"])",
	     "5410 181 226 271 8192 8192 None\n");
}
