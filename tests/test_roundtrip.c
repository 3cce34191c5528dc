/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "roundtrip": capture the live system, read the capture back, and
 * get the same procrank table as live for processes that hold still (the
 * static workload helper's workers), through the library and through the
 * program's JSON, from a directory and from a .tar.gz.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memscope/capture.h"
#include "memscope/model.h"
#include "memscope/source.h"
#include "testutil.h"
#include "workload_helper.h"

static const wl_layout layout = { .n = 4, .k = 2, .s = 32, .f = 3, .p = 4, .q = 6, .a = 8,
				  .t = 5 };

static const ms_proc *find_proc(const ms_sample *s, int pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

static ms_source *open_or_fail(const char *snapshot)
{
	ms_error err;
	ms_source *src = snapshot ? ms_source_open_snapshot(snapshot, &err)
				  : ms_source_open_live(NULL, &err);
	cr_assert_not_null(src, "%s: %s", snapshot ? snapshot : "live", err.msg);
	return src;
}

static void load_procs(const char *snapshot, ms_sample *s)
{
	ms_source *src = open_or_fail(snapshot);
	cr_assert_eq(ms_sample_load(s, src, MS_PART_PROCS, NULL), 0);
	ms_source_close(src);
}

/* Every figure and the identity of each worker, live against snapshot. */
static void assert_same_workers(const wl_run *w, const ms_sample *live, const ms_sample *snap)
{
	for (int i = 0; i < w->npids; i++) {
		const ms_proc *a = find_proc(live, w->pids[i]);
		const ms_proc *b = find_proc(snap, w->pids[i]);
		cr_assert_not_null(a, "worker %d not live", w->pids[i]);
		cr_assert_not_null(b, "worker %d not in the capture", w->pids[i]);
		cr_assert_str_eq(a->name, b->name);
		cr_assert_str_eq(a->cmdline, b->cmdline);
		cr_assert_eq(a->uid, b->uid);
		cr_assert_eq(b->origin, MS_ORIGIN_ROLLUP);
		const int64_t la[] = { a->vss_kb, a->rss_kb, a->pss_kb, a->uss_kb, a->swap_kb,
				       a->swap_pss_kb };
		const int64_t sb[] = { b->vss_kb, b->rss_kb, b->pss_kb, b->uss_kb, b->swap_kb,
				       b->swap_pss_kb };
		for (size_t j = 0; j < MS_ARRAY_LEN(la); j++) {
			cr_assert_neq(la[j], MS_NA);
			cr_assert_eq(la[j], sb[j], "pid %d figure %zu: live %lld, capture %lld",
				     w->pids[i], j, (long long)la[j], (long long)sb[j]);
		}
	}
}

/* The mappings of one worker: same count, addresses and figures. */
static void assert_same_vmas(int pid, const char *snapshot)
{
	ms_vmalist live = { 0 }, snap = { 0 };
	ms_error err;
	ms_source *ls = open_or_fail(NULL), *ss = open_or_fail(snapshot);
	cr_assert_eq(ms_vmas_load(ls, pid, &live, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_vmas_load(ss, pid, &snap, &err), 0, "%s", err.msg);
	cr_assert_eq(live.n, snap.n);
	cr_assert(live.n > (size_t)(layout.q + layout.f));
	for (size_t i = 0; i < live.n; i++) {
		cr_assert_eq(live.v[i].start, snap.v[i].start);
		cr_assert_eq(live.v[i].end, snap.v[i].end);
		cr_assert_str_eq(ms_vma_path(&live, i), ms_vma_path(&snap, i));
		cr_assert_eq(live.v[i].mem.rss, snap.v[i].mem.rss, "vma %zu", i);
		cr_assert_eq(live.v[i].mem.pss, snap.v[i].mem.pss, "vma %zu", i);
	}
	ms_vmalist_free(&live);
	ms_vmalist_free(&snap);
	ms_source_close(ls);
	ms_source_close(ss);
}

/* The program's own procrank JSON row of a pid, figures only; before:
 * what feeds it ("... |"). */
static void json_row(const char *before, const char *args, int pid, char *row, size_t cap)
{
	char cmd[2048];
	ms_buf out = MS_BUF_INIT;
	snprintf(cmd, sizeof cmd,
		 "%s%s procrank -f json %s | python3 -c 'import json,sys; d=json.load(sys.stdin); "
		 "p=[x for x in d[\"processes\"] if x[\"pid\"]==%d][0]; "
		 "print(*(p[k] for k in (\"vss_kb\",\"rss_kb\",\"pss_kb\",\"uss_kb\",\"swap_kb\","
		 "\"swap_pss_kb\",\"name\")))'",
		 before, tu_bin(), args, pid);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", cmd);
	snprintf(row, cap, "%s", out.data);
	ms_buf_free(&out);
}

Test(roundtrip, capture_then_read_gives_the_live_table, .timeout = 180)
{
	char why[256], dir[600], tgz[600];
	wl_run w;
	ms_error err;

	if (geteuid() != 0 || access("/proc/self/smaps_rollup", R_OK) != 0)
		cr_skip_test("needs root and a live /proc with smaps_rollup");
	if (!wl_start(&w, &layout, why, sizeof why))
		cr_skip_test("%s", why);
	const char *tmp = tu_tmpdir();
	cr_assert_not_null(tmp);
	snprintf(dir, sizeof dir, "%s/snap", tmp);
	snprintf(tgz, sizeof tgz, "%s/snap.tar.gz", tmp);

	/* Workers hold still, but other processes may map or unmap the
	 * static binary for a moment: retry a few times before failing. */
	bool done = false;
	for (int attempt = 0; attempt < 5 && !done; attempt++) {
		ms_sample live = { 0 }, from_dir = { 0 }, from_tgz = { 0 };
		tu_rm_rf(dir);
		unlink(tgz);
		ms_source *src = open_or_fail(NULL);
		ms_capture_opts to_dir = { .out = dir }, to_tgz = { .out = tgz };
		cr_assert_eq(ms_capture(src, &to_dir, &err), 0, "%s", err.msg);
		load_procs(NULL, &live);
		cr_assert_eq(ms_capture(src, &to_tgz, &err), 0, "%s", err.msg);
		ms_source_close(src);
		load_procs(dir, &from_dir);
		load_procs(tgz, &from_tgz);
		done = true;
		for (int i = 0; i < w.npids && done; i++) {
			const ms_proc *a = find_proc(&live, w.pids[i]);
			const ms_proc *b = find_proc(&from_dir, w.pids[i]);
			const ms_proc *c = find_proc(&from_tgz, w.pids[i]);
			done = a && b && c && a->pss_kb == b->pss_kb && a->pss_kb == c->pss_kb;
		}
		if (done || attempt == 4) {
			assert_same_workers(&w, &live, &from_dir);
			assert_same_workers(&w, &live, &from_tgz);
		}
		ms_sample_free(&live);
		ms_sample_free(&from_dir);
		ms_sample_free(&from_tgz);
	}
	assert_same_vmas(w.pids[0], tgz);

	/* The same through the program: live JSON against the archive's. */
	char live_row[256], snap_row[256], args[700];
	snprintf(args, sizeof args, "-s %s", tgz);
	json_row("", "", w.pids[1], live_row, sizeof live_row);
	json_row("", args, w.pids[1], snap_row, sizeof snap_row);
	cr_assert_str_eq(live_row, snap_row);
	cr_assert(strstr(live_row, "workload_helper") != NULL, "%s", live_row);

	/* Straight down a pipe, as from ssh: captured and read at once. */
	char before[700];
	snprintf(before, sizeof before, "%s capture -o - 2>/dev/null | ", tu_bin());
	json_row(before, "-s -", w.pids[1], snap_row, sizeof snap_row);
	cr_assert_str_eq(live_row, snap_row);

	wl_stop(&w);
	tu_rm_rf(tmp);
}

/* A snapshot names the users of the machine it was taken on: capture (C
 * and the BusyBox script alike) writes memscope-users, and procrank on the
 * snapshot shows those names, not numbers. */
Test(roundtrip, snapshot_keeps_user_names, .timeout = 120)
{
	char cmd[1200];
	ms_buf out = MS_BUF_INIT;

	if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0)
		cr_skip_test("needs root and setpriv");
	const char *tmp = tu_tmpdir();
	cr_assert_not_null(tmp);
	FILE *sleeper = popen("exec setpriv --reuid=65534 --regid=65534 --clear-groups "
			      "sleep 60", "w");
	cr_assert_not_null(sleeper);
	usleep(300 * 1000);

	/* The two captures list the users of the processes running at the
	 * time, which other tests running alongside change (test_safety's
	 * user): each must list ours, and they must agree on every uid they
	 * both name (sort -u leaves two lines for one uid only if not). */
	snprintf(cmd, sizeof cmd, "%s capture -o %s/c && sh %s/data/memscope-capture.sh -o %s/sh && "
		 "for f in c sh; do grep -x '0 root' %s/$f/memscope-users && "
		 "grep -x '65534 nobody' %s/$f/memscope-users || exit 1; done && "
		 "sort -u %s/c/memscope-users %s/sh/memscope-users | "
		 "awk '{ if (seen[$1]++) exit 1 }'",
		 tu_bin(), tmp, getenv("MEMSCOPE_SRCDIR") ? getenv("MEMSCOPE_SRCDIR") : MS_SRCDIR,
		 tmp, tmp, tmp, tmp, tmp);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", out.data);
	cr_assert(strstr(out.data, "0 root\n") != NULL, "%s", out.data);
	cr_assert(strstr(out.data, "65534 nobody\n") != NULL, "%s", out.data);

	snprintf(cmd, sizeof cmd, "%s procrank -s %s/sh -f csv | grep ',sleep,'", tu_bin(), tmp);
	cr_assert_eq(tu_run(cmd, &out), 0);
	cr_assert(strstr(out.data, ",nobody,") != NULL, "%s", out.data);

	pclose(sleeper); /* sleep ends on its own; its stdin is closed */
	if (system("pkill -u 65534 -x sleep") < 0)
		cr_log_warn("pkill failed");
	ms_buf_free(&out);
	tu_rm_rf(tmp);
}
