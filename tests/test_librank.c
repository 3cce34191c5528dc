/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * librank: per mapping name, the sum of the processes' figures for it,
 * checked against the smaps files read without memscope's parser (stdio
 * and sscanf): on corpus captures, and live on the workload helper's
 * processes, whose shared regions are known. A process that cannot be
 * read is counted, never half-added.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/model.h"
#include "testutil.h"
#include "workload_helper.h"

/* ---- the oracle: smaps summed by name with stdio ---------------------- */

#define MAX_NAMES 4096

typedef struct oracle {
	size_t n;
	char *names[MAX_NAMES];
	int64_t pss[MAX_NAMES], rss[MAX_NAMES];
	int64_t total_pss;
} oracle;

static size_t oracle_slot(oracle *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->names[i], name) == 0)
			return i;
	cr_assert_lt(o->n, MAX_NAMES);
	o->names[o->n] = strdup(name);
	o->pss[o->n] = o->rss[o->n] = 0;
	return o->n++;
}

/* Adds one smaps file; the group name rule is librank's own (a pure
 * function of the path, tested in the categories suite). */
static bool oracle_add(oracle *o, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t cur = SIZE_MAX;

	if (!f)
		return false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		unsigned long a, b;
		int at = 0;
		long long v;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &a, &b, &at) == 2 && at > 0) {
			cur = oracle_slot(o, ms_vma_group_name(line + at));
		} else if (cur != SIZE_MAX && sscanf(line, "Pss: %lld kB", &v) == 1) {
			o->pss[cur] += v;
			o->total_pss += v;
		} else if (cur != SIZE_MAX && sscanf(line, "Rss: %lld kB", &v) == 1) {
			o->rss[cur] += v;
		}
	}
	fclose(f);
	return true;
}

static void oracle_free(oracle *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->names[i]);
	o->n = 0;
}

/* Every name of lr against the oracle, and the totals; "" when equal. */
static const char *compare(const ms_librank *lr, const oracle *o, char *why, size_t cap)
{
	int64_t sum = 0;

	why[0] = '\0';
	for (size_t r = 0; r < lr->n; r++) {
		const char *name = ms_librank_name_of(lr, r);
		size_t i = 0;
		while (i < o->n && strcmp(o->names[i], name) != 0)
			i++;
		if (i == o->n || lr->rows[r].total.pss_kb != o->pss[i] ||
		    lr->rows[r].total.rss_kb != o->rss[i]) {
			snprintf(why, cap, "%s: pss %lld, smaps says %lld", name,
				 (long long)lr->rows[r].total.pss_kb,
				 i < o->n ? (long long)o->pss[i] : -1LL);
			return why;
		}
		sum += lr->rows[r].total.pss_kb;
	}
	if (lr->n != o->n || sum != o->total_pss || lr->totals.pss_kb != o->total_pss)
		snprintf(why, cap, "%zu names (smaps %zu), pss %lld (smaps %lld)", lr->n, o->n,
			 (long long)lr->totals.pss_kb, (long long)o->total_pss);
	return why;
}

/* Each name's total is the sum of its shares, and no pid twice. */
static void check_shares(const ms_librank *lr)
{
	for (size_t r = 0; r < lr->n; r++) {
		const ms_librank_name *row = &lr->rows[r];
		int64_t pss = 0;
		for (size_t i = 0; i < row->nprocs; i++) {
			pss += row->procs[i].pss_kb == MS_NA ? 0 : row->procs[i].pss_kb;
			for (size_t j = 0; j < i; j++)
				cr_assert_neq(row->procs[i].pid, row->procs[j].pid);
		}
		cr_assert_eq(pss, row->total.pss_kb == MS_NA ? 0 : row->total.pss_kb, "%s",
			     ms_librank_name_of(lr, r));
	}
}

TestSuite(librank, .timeout = 120);

/* ---- captures ----------------------------------------------------------- */

static void check_capture(const char *rel)
{
	const char *dir = tu_corpus(rel);
	ms_error err;
	ms_librank lr;
	oracle o = { 0 };
	char why[512], path[2048];

	if (!dir)
		cr_skip_test("no corpus");
	ms_source *src = ms_source_open_snapshot(dir, &err);
	cr_assert_not_null(src, "%s: %s", rel, err.msg);
	ms_librank_init(&lr, NULL);
	cr_assert_eq(ms_librank_run(&lr, src, NULL, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(lr.outcome.failed, 0, "%s", lr.outcome.first_error.msg);
	cr_assert_gt(lr.outcome.read, 0);
	cr_assert_eq(lr.outcome.read + lr.outcome.empty + lr.outcome.no_smaps +
			     lr.outcome.denied + lr.outcome.gone, lr.outcome.listed);
	int *pids;
	size_t n;
	cr_assert_eq(ms_source_list_pids(src, &pids, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/proc/%d/smaps", dir, pids[i]);
		if (access(path, R_OK) != 0)
			snprintf(path, sizeof path, "%s/%d/smaps", dir, pids[i]);
		oracle_add(&o, path);
	}
	free(pids);
	cr_assert_str_eq(compare(&lr, &o, why, sizeof why), "", "%s: %s", rel, why);
	check_shares(&lr);
	oracle_free(&o);
	ms_librank_free(&lr);
	ms_source_close(src);
}

Test(librank, corpus_captures_add_up_per_name)
{
	check_capture("xilinx-zynq-armv7-4.4");
	check_capture("zte-router-armv7-4.1.25");
	check_capture("qemu-arm-6.1/arm64-6.1-cma64-psi");
}

Test(librank, filters_by_perms_and_path)
{
	const char *dir = tu_corpus("xilinx-zynq-armv7-4.4");
	ms_error err;
	ms_librank all, text, lib;

	if (!dir)
		cr_skip_test("no corpus");
	ms_source *src = ms_source_open_snapshot(dir, &err);
	cr_assert_not_null(src);
	ms_librank_init(&all, NULL);
	ms_librank_init(&text, &(ms_librank_filter){ .perms = "r-x" });
	ms_librank_init(&lib, &(ms_librank_filter){ .path_prefix = "/lib/" });
	cr_assert_eq(ms_librank_run(&all, src, NULL, 0, &err), 0);
	cr_assert_eq(ms_librank_run(&text, src, NULL, 0, &err), 0);
	cr_assert_eq(ms_librank_run(&lib, src, NULL, 0, &err), 0);
	cr_assert_lt(text.n, all.n);
	cr_assert_lt(text.totals.pss_kb, all.totals.pss_kb);
	cr_assert_gt(lib.n, 0);
	for (size_t r = 0; r < lib.n; r++)
		cr_assert(strncmp(ms_librank_name_of(&lib, r), "/lib/", 5) == 0);
	for (size_t r = 0; r < text.n; r++)
		cr_assert_str_neq(ms_librank_name_of(&text, r), "[stack]");
	ms_librank_free(&all);
	ms_librank_free(&text);
	ms_librank_free(&lib);
	ms_source_close(src);
}

/* ---- by hand: commit and abort ------------------------------------------ */

static ms_vma vma(uint64_t start, int64_t pss, const char *perms)
{
	ms_vma v = { .start = start, .end = start + 8192 };

	ms_memcounters_init(&v.mem);
	v.mem.size = 8;
	v.mem.rss = v.mem.pss = pss;
	v.mem.private_clean = 0;
	v.mem.private_dirty = pss;
	v.mem.swap = v.mem.swap_pss = 0;
	memcpy(v.perms, perms, 5);
	return v;
}

Test(librank, a_process_taken_back_leaves_no_trace)
{
	ms_librank lr;
	ms_vma a = vma(0x1000, 4, "r-xp"), b = vma(0x9000, 8, "rw-p");

	ms_librank_init(&lr, NULL);
	ms_librank_begin(&lr, 10);
	cr_assert_eq(ms_librank_add(&lr, &a, "/lib/libc.so.6"), 0);
	cr_assert_eq(ms_librank_add(&lr, &b, "/lib/libc.so.6"), 0);
	cr_assert_eq(ms_librank_add(&lr, &b, ""), 0);
	ms_librank_commit(&lr);
	cr_assert_eq(lr.n, 2);
	cr_assert_eq(lr.rows[0].nprocs, 1, "one share per process, however many mappings");
	cr_assert_eq(lr.rows[0].total.pss_kb, 12);
	cr_assert_str_eq(ms_librank_name_of(&lr, 1), "[anon]");

	/* A second process that fails half-way: all of it goes. */
	ms_librank_begin(&lr, 11);
	ms_librank_add(&lr, &a, "/lib/libc.so.6");
	ms_librank_add(&lr, &a, "/usr/bin/only-here");
	ms_librank_abort(&lr);
	cr_assert_eq(lr.n, 2);
	cr_assert_eq(lr.rows[0].nprocs, 1);
	cr_assert_eq(lr.totals.pss_kb, 20);

	/* The dropped name can come back (its slot was freed). */
	ms_librank_begin(&lr, 12);
	ms_librank_add(&lr, &a, "/usr/bin/only-here");
	ms_librank_commit(&lr);
	cr_assert_eq(lr.n, 3);
	cr_assert_str_eq(ms_librank_name_of(&lr, 2), "/usr/bin/only-here");
	cr_assert_eq(lr.rows[2].total.pss_kb, 4);
	ms_librank_free(&lr);
}

Test(librank, many_names_grow_the_table)
{
	ms_librank lr;
	ms_vma a = vma(0x1000, 1, "r--p");
	char name[32];

	ms_librank_init(&lr, NULL);
	for (int pid = 1; pid <= 3; pid++) {
		ms_librank_begin(&lr, pid);
		for (int i = 0; i < 5000; i++) {
			snprintf(name, sizeof name, "/n/%d", i);
			cr_assert_eq(ms_librank_add(&lr, &a, name), 0);
		}
		ms_librank_commit(&lr);
	}
	cr_assert_eq(lr.n, 5000);
	cr_assert_eq(lr.totals.pss_kb, 15000);
	for (size_t r = 0; r < lr.n; r++)
		cr_assert_eq(lr.rows[r].nprocs, 3);
	ms_librank_free(&lr);
}

/* ---- live --------------------------------------------------------------- */

static void need_live(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (access("/proc/self/smaps", R_OK) != 0)
		cr_skip_test("no live /proc with smaps");
}

/* librank over the workers, then the oracle over the same files: equal,
 * on one of a few tries (a parallel test mapping the same static helper
 * binary moves its PSS for a moment). */
static bool workers_match(ms_source *src, const wl_run *w, const wl_layout *l, char *why,
			  size_t cap)
{
	ms_librank lr;
	ms_error err;
	oracle o = { 0 };
	char path[64];
	bool ok;

	ms_librank_init(&lr, NULL);
	cr_assert_eq(ms_librank_run(&lr, src, w->pids, (size_t)w->npids, &err), 0);
	cr_assert_eq(lr.outcome.read, (size_t)w->npids);
	for (int i = 0; i < w->npids; i++) {
		snprintf(path, sizeof path, "/proc/%d/smaps", w->pids[i]);
		cr_assert(oracle_add(&o, path));
	}
	ok = compare(&lr, &o, why, cap)[0] == '\0';
	check_shares(&lr);
	/* The shared anonymous regions: k workers over S pages per group. */
	for (size_t r = 0; ok && r < lr.n; r++)
		if (strcmp(ms_librank_name_of(&lr, r), "/dev/zero (deleted)") == 0) {
			cr_assert_eq(lr.rows[r].nprocs, (size_t)l->n);
			cr_assert_eq(lr.rows[r].total.pss_kb, (int64_t)l->n * l->s * w->page / 1024 / l->k);
			cr_assert_eq(lr.rows[r].total.rss_kb, (int64_t)l->n * l->s * w->page / 1024);
		}
	oracle_free(&o);
	ms_librank_free(&lr);
	return ok;
}

Test(librank, live_workers_add_up_per_name, .timeout = 120)
{
	const wl_layout l = { .n = 4, .k = 2, .s = 64, .f = 3, .p = 4, .q = 5, .a = 16, .t = 8 };
	char why[512];
	wl_run w;
	ms_error err;
	bool same = false;

	need_live();
	if (!wl_start(&w, &l, why, sizeof why))
		cr_skip_test("%s", why);
	ms_source *src = ms_source_open_live(NULL, &err);
	cr_assert_not_null(src, "%s", err.msg);
	for (int attempt = 0; attempt < 10 && !same; attempt++)
		same = workers_match(src, &w, &l, why, sizeof why);
	cr_assert(same, "%s", why);
	ms_source_close(src);
	wl_stop(&w);
}

Test(librank, live_every_process_is_counted)
{
	ms_librank lr;
	ms_error err;

	need_live();
	ms_source *src = ms_source_open_live(NULL, &err);
	cr_assert_not_null(src);
	ms_librank_init(&lr, NULL);
	cr_assert_eq(ms_librank_run(&lr, src, NULL, 0, &err), 0, "%s", err.msg);
	const ms_librank_outcome *o = &lr.outcome;
	cr_assert_eq(o->read + o->empty + o->denied + o->gone + o->no_smaps + o->failed,
		     o->listed);
	cr_assert_eq(o->failed, 0, "%s", o->first_error.msg);
	cr_assert_gt(o->read, 0);
	cr_assert_gt(o->empty, 0, "kernel threads have no mappings");
	check_shares(&lr);
	ms_librank_free(&lr);
	ms_source_close(src);
}

/* An exited process (a zombie: its smaps is empty) and one that is not
 * there at all: counted as gone, never as read. */
Test(librank, live_exited_processes_are_gone)
{
	ms_librank lr;
	ms_error err;

	need_live();
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		_exit(0);
	/* Wait until it is a zombie, without reaping it. */
	for (int i = 0; i < 200; i++) {
		siginfo_t si = { 0 };
		if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == child)
			break;
		usleep(10000);
	}
	ms_source *src = ms_source_open_live(NULL, &err);
	cr_assert_not_null(src);
	ms_librank_init(&lr, NULL);
	cr_assert_eq(ms_librank_add_process(&lr, src, child), 0);
	cr_assert_eq(lr.outcome.gone, 1);
	waitpid(child, NULL, 0);
	cr_assert_eq(ms_librank_add_process(&lr, src, child), 0);
	cr_assert_eq(lr.outcome.gone, 2);
	cr_assert_eq(lr.outcome.read, 0);
	cr_assert_eq(lr.n, 0);
	ms_librank_free(&lr);
	ms_source_close(src);
}
