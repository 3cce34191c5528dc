/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "live": memscope against procps-ng's libproc2, an independent
 * reader of the same files, on this machine. Figures that move by
 * themselves (free memory, caches, slab objects) are read by memscope
 * before and after libproc2, and libproc2's value must lie within what
 * memscope saw (plus a small slack); fixed ones must be equal. All libproc2
 * calls stay on the test's one thread. Needs root: skipped otherwise.
 */
#include <criterion/criterion.h>
#include <libproc2/meminfo.h>
#include <libproc2/pids.h>
#include <libproc2/slabinfo.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memscope/model.h"
#include "workload_helper.h"

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (access("/proc/self/smaps_rollup", R_OK) != 0)
		cr_skip_test("no live /proc");
}

static void load_live(ms_source **src, ms_sample *s, unsigned parts)
{
	ms_error err;

	*src = ms_source_open_live(NULL, &err);
	cr_assert_not_null(*src, "%s", err.msg);
	cr_assert_eq(ms_sample_load(s, *src, parts, &err), 0, "%s", err.msg);
}

/* True when v lies in [min(a,b) - slack, max(a,b) + slack]. */
static bool within(int64_t v, int64_t a, int64_t b, int64_t slack)
{
	int64_t lo = a < b ? a : b, hi = a < b ? b : a;
	return v >= lo - slack && v <= hi + slack;
}

/* ---- meminfo ------------------------------------------------------------------ */

static const struct {
	const char *key;
	enum meminfo_item item;
	bool fixed; /* does not move while the system runs */
} meminfo_fields[] = {
	{ "MemTotal", MEMINFO_MEM_TOTAL, true },
	{ "SwapTotal", MEMINFO_SWAP_TOTAL, true },
	{ "CmaTotal", MEMINFO_MEM_CMA_TOTAL, true },
	{ "MemFree", MEMINFO_MEM_FREE, false },
	{ "MemAvailable", MEMINFO_MEM_AVAILABLE, false },
	{ "Buffers", MEMINFO_MEM_BUFFERS, false },
	{ "Cached", MEMINFO_MEM_CACHED, false },
	{ "Shmem", MEMINFO_MEM_SHARED, false },
	{ "Slab", MEMINFO_MEM_SLAB, false },
	{ "SReclaimable", MEMINFO_MEM_SLAB_RECLAIM, false },
	{ "SUnreclaim", MEMINFO_MEM_SLAB_UNRECLAIM, false },
};

Test(live, meminfo_matches_libproc2)
{
	ms_source *src;
	ms_sample a, b;
	struct meminfo_info *info = NULL;

	need_root();
	load_live(&src, &a, MS_PART_MEMINFO);
	cr_assert_geq(procps_meminfo_new(&info), 0);
	unsigned long oracle[MS_ARRAY_LEN(meminfo_fields)];
	for (size_t i = 0; i < MS_ARRAY_LEN(meminfo_fields); i++)
		oracle[i] = MEMINFO_GET(info, meminfo_fields[i].item, ul_int);
	cr_assert_eq(ms_sample_load(&b, src, MS_PART_MEMINFO, NULL), 0);

	for (size_t i = 0; i < MS_ARRAY_LEN(meminfo_fields); i++) {
		const char *key = meminfo_fields[i].key;
		int64_t va = ms_kvlist_get(&a.meminfo, key), vb = ms_kvlist_get(&b.meminfo, key);
		if (va == MS_NA) {
			/* Not printed by this kernel: libproc2 then says 0. */
			cr_assert_eq(vb, MS_NA, "%s", key);
			cr_assert_eq(oracle[i], 0, "%s", key);
			continue;
		}
		if (meminfo_fields[i].fixed) {
			cr_assert_eq(va, (int64_t)oracle[i], "%s: %lld vs %lu", key,
				     (long long)va, oracle[i]);
			cr_assert_eq(vb, va, "%s", key);
		} else {
			/* 4 MB of slack: a page cache or slab that moved in
			 * the microseconds between two of the three reads. */
			cr_assert(within((int64_t)oracle[i], va, vb, 4096),
				  "%s: libproc2 %lu, memscope %lld then %lld", key, oracle[i],
				  (long long)va, (long long)vb);
		}
	}
	procps_meminfo_unref(&info);
	ms_sample_free(&a);
	ms_sample_free(&b);
	ms_source_close(src);
}

/* ---- slabinfo ------------------------------------------------------------------- */

enum { SL_NAME, SL_OBJSIZE, SL_PER_SLAB, SL_PAGES, SL_OBJS };

Test(live, slabinfo_matches_libproc2)
{
	enum slabinfo_item items[] = { SLAB_NAME, SLAB_OBJ_SIZE, SLAB_OBJ_PER_SLAB,
				       SLAB_PAGES_PER_SLAB, SLAB_NUM_OBJS };
	struct slabinfo_info *info = NULL;
	ms_source *src;
	ms_sample a, b;

	need_root();
	load_live(&src, &a, MS_PART_SLABINFO);
	if (a.st[MS_P_SLABINFO].status != 0)
		cr_skip_test("slabinfo: %s", ms_part_reason(&a.st[MS_P_SLABINFO]));
	cr_assert_geq(procps_slabinfo_new(&info), 0);
	struct slabinfo_reaped *r = procps_slabinfo_reap(info, items, MS_ARRAY_LEN(items));
	cr_assert_not_null(r);
	cr_assert_eq(ms_sample_load(&b, src, MS_PART_SLABINFO, NULL), 0);

	cr_assert_gt(a.slabs.n, 10);
	cr_assert_eq((size_t)r->total, a.slabs.n, "same caches");
	for (int i = 0; i < r->total; i++) {
		struct slabinfo_stack *st = r->stacks[i];
		const char *name = SLABINFO_VAL(SL_NAME, str, st, info);
		const ms_slab *sa = ms_sample_find_slab(&a, name);
		const ms_slab *sb = ms_sample_find_slab(&b, name);
		cr_assert(sa && sb, "cache %s", name);
		cr_assert_eq(sa->objsize, (int64_t)SLABINFO_VAL(SL_OBJSIZE, u_int, st, info), "%s",
			     name);
		cr_assert_eq(sa->objperslab, (int64_t)SLABINFO_VAL(SL_PER_SLAB, u_int, st, info));
		cr_assert_eq(sa->pagesperslab, (int64_t)SLABINFO_VAL(SL_PAGES, u_int, st, info));
		/* Objects come and go: a slab's worth of slack either side. */
		cr_assert(within(SLABINFO_VAL(SL_OBJS, u_int, st, info), sa->num_objs,
				 sb->num_objs, 4 * sa->objperslab + 64),
			  "%s: libproc2 %u, memscope %lld then %lld", name,
			  SLABINFO_VAL(SL_OBJS, u_int, st, info), (long long)sa->num_objs,
			  (long long)sb->num_objs);
	}
	procps_slabinfo_unref(&info);
	ms_sample_free(&a);
	ms_sample_free(&b);
	ms_source_close(src);
}

/* ---- per-process figures ------------------------------------------------------ */

enum { PI_PID, PI_PSS, PI_RSS, PI_PRV, PI_SWAP, PI_VSZ };

/* libproc2's rows against memscope's, figure for figure; false and why on
 * the first difference. */
static bool rows_match(struct pids_info *info, struct pids_fetch *f, const ms_sample *s,
		       char *why, size_t cap)
{
	static const char *const names[] = { "pss", "rss", "uss", "swap", "vss" };

	(void)info; /* PIDS_VAL names it but does not use it */
	for (int i = 0; i < f->counts->total; i++) {
		struct pids_stack *st = f->stacks[i];
		int pid = PIDS_VAL(PI_PID, s_int, st, info);
		const ms_proc *p = NULL;
		for (size_t j = 0; j < s->nprocs && !p; j++)
			if (s->procs[j].pid == pid)
				p = &s->procs[j];
		cr_assert_not_null(p, "pid %d not listed", pid);
		const int64_t ours[] = { p->pss_kb, p->rss_kb, p->uss_kb, p->swap_kb, p->vss_kb };
		const unsigned long theirs[] = {
			PIDS_VAL(PI_PSS, ul_int, st, info), PIDS_VAL(PI_RSS, ul_int, st, info),
			PIDS_VAL(PI_PRV, ul_int, st, info), PIDS_VAL(PI_SWAP, ul_int, st, info),
			PIDS_VAL(PI_VSZ, ul_int, st, info),
		};
		for (size_t k = 0; k < MS_ARRAY_LEN(ours); k++) {
			if (ours[k] != (int64_t)theirs[k]) {
				snprintf(why, cap, "pid %d %s: memscope %lld, libproc2 %lu", pid,
					 names[k], (long long)ours[k], theirs[k]);
				return false;
			}
		}
	}
	return true;
}

/* The helper's workers hold still (static binary, nothing written after
 * setup), so libproc2 and memscope must agree exactly. A parallel test
 * that maps the same helper binary can move their PSS for a moment: a
 * difference must persist over several tries to count. */
Test(live, procrank_matches_libproc2_smaps, .timeout = 120)
{
	const wl_layout l = { .n = 4, .k = 4, .s = 128, .f = 2, .p = 8, .q = 4, .a = 16, .t = 5 };
	enum pids_item items[] = { PIDS_ID_PID, PIDS_SMAP_PSS, PIDS_SMAP_RSS, PIDS_SMAP_PRV_TOTAL,
				   PIDS_SMAP_SWAP, PIDS_VM_SIZE };
	struct pids_info *info = NULL;
	char why[256] = "";
	wl_run w;
	ms_source *src;
	ms_error err;

	need_root();
	if (!wl_start(&w, &l, why, sizeof why))
		cr_skip_test("%s", why);
	unsigned pids[WL_MAX_WORKERS];
	for (int i = 0; i < w.npids; i++)
		pids[i] = (unsigned)w.pids[i];
	src = ms_source_open_live(NULL, &err);
	cr_assert_not_null(src, "%s", err.msg);
	cr_assert_geq(procps_pids_new(&info, items, MS_ARRAY_LEN(items)), 0);

	bool same = false;
	for (int attempt = 0; attempt < 10 && !same; attempt++) {
		struct pids_fetch *f = procps_pids_select(info, pids, w.npids, PIDS_SELECT_PID);
		cr_assert_not_null(f);
		cr_assert_eq(f->counts->total, w.npids);
		ms_sample s;
		cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS, NULL), 0);
		same = rows_match(info, f, &s, why, sizeof why);
		ms_sample_free(&s);
	}
	cr_assert(same, "%s", why);
	procps_pids_unref(&info);
	ms_source_close(src);
	wl_stop(&w);
}
