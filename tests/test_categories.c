/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A process's categories: the classification of names, the bss rule, and
 * the rows adding up exactly to the smaps totals on every process of every
 * corpus capture (the totals summed here with stdio, not memscope's
 * parser); the values AOSP's libmeminfo tests assert; shared memory and
 * zram figures.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;

static void teardown(void)
{
	ms_buf_free(&buf);
}

TestSuite(categories, .fini = teardown, .timeout = 120);

/* ---- names ------------------------------------------------------------- */

static ms_category class_of(const char *path, const char *perms)
{
	ms_classifier c = { 0 };
	ms_vma v = { .start = 0x1000, .end = 0x2000 };

	memcpy(v.perms, perms, 5);
	return ms_classify_vma(&c, &v, path);
}

Test(categories, names_classify_as_android_does_adapted_to_linux)
{
	static const struct {
		const char *path, *perms;
		ms_category want;
	} cases[] = {
		{ "[heap]", "rw-p", MS_CAT_NATIVE_HEAP },
		{ "[anon:libc_malloc]", "rw-p", MS_CAT_NATIVE_HEAP },
		{ "[anon:scudo:primary]", "rw-p", MS_CAT_NATIVE_HEAP },
		{ "[anon:GWP-ASan Guard Page]", "---p", MS_CAT_NATIVE_HEAP },
		{ "[stack]", "rw-p", MS_CAT_STACK },
		{ "[stack:1234]", "rw-p", MS_CAT_STACK },
		{ "[anon:stack_and_tls:main]", "rw-p", MS_CAT_STACK },
		{ "[anon:dalvik-main space (region space)]", "rw-p", MS_CAT_ART_HEAP },
		{ "/memfd:jit-cache (deleted)", "r-xs", MS_CAT_ART_HEAP },
		{ "/system/lib64/libhwui.so", "r-xp", MS_CAT_LIBRARY },
		{ "/usr/lib/x86_64-linux-gnu/libc.so.6", "r-xp", MS_CAT_LIBRARY },
		{ "/usr/lib/libstdc++.so.6.0.30 (deleted)", "r--p", MS_CAT_LIBRARY },
		{ "/lib/ld-linux-armhf.so.3", "r-xp", MS_CAT_LIBRARY },
		{ "[anon:.bss]", "rw-p", MS_CAT_LIBRARY },
		{ "/usr/lib/python3/dist-packages/x.so.bak", "r--p", MS_CAT_OTHER_FILE },
		{ "/opt/.so", "r--p", MS_CAT_OTHER_FILE },
		{ "/system/framework/x86_64/boot-framework.art", "rw-p", MS_CAT_ART_FILE },
		{ "/data/app/base.apk", "r--p", MS_CAT_ART_FILE },
		{ "/system/framework/oat/arm64/services.odex", "r--p", MS_CAT_ART_FILE },
		{ "/usr/bin/bash", "r-xp", MS_CAT_OTHER_FILE },
		{ "/dev/kgsl-3d0", "rw-s", MS_CAT_GPU },
		{ "/dev/mali0", "rw-s", MS_CAT_GPU },
		{ "/dev/dri/renderD128", "rw-s", MS_CAT_GPU },
		{ "/dev/fb0", "rw-s", MS_CAT_DEVICE },
		{ "anon_inode:[perf_event]", "r--s", MS_CAT_DEVICE },
		{ "/dmabuf:", "rw-s", MS_CAT_DMABUF },
		{ "anon_inode:dmabuf", "rw-s", MS_CAT_DMABUF },
		{ "/memfd:wayland-cursor (deleted)", "rw-s", MS_CAT_MEMFD },
		{ "/dev/ashmem/CursorWindow", "rw-s", MS_CAT_ASHMEM },
		{ "/dev/ashmem/dalvik-jit-code-cache", "r-xs", MS_CAT_ART_HEAP },
		{ "/SYSV4d534331 (deleted)", "rw-s", MS_CAT_SYSV },
		{ "/SYSV0000000g (deleted)", "rw-s", MS_CAT_OTHER_FILE },
		{ "/dev/shm/pulse-shm-3", "rw-s", MS_CAT_POSIX_SHM },
		{ "/dev/zero (deleted)", "rw-s", MS_CAT_SHARED_ANON },
		{ "/dev/zero", "rw-p", MS_CAT_ANON },
		{ "[anon_shmem:cache]", "rw-s", MS_CAT_SHARED_ANON },
		{ "[anon:v8]", "rw-p", MS_CAT_ANON_NAMED },
		{ "", "rw-p", MS_CAT_ANON },
		{ "[vdso]", "r-xp", MS_CAT_KERNEL },
		{ "[vvar]", "r--p", MS_CAT_KERNEL },
		{ "[vsyscall]", "--xp", MS_CAT_KERNEL },
		{ "[sigpage]", "r-xp", MS_CAT_KERNEL },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++)
		cr_expect_eq(class_of(cases[i].path, cases[i].perms), cases[i].want, "%s: %s",
			     cases[i].path, ms_category_defs[class_of(cases[i].path,
								      cases[i].perms)].key);
	for (int c = 0; c < MS_NCATEGORIES; c++)
		cr_assert(ms_category_defs[c].key && ms_category_defs[c].title);
}

Test(categories, the_unnamed_mapping_right_after_a_library_is_its_bss)
{
	ms_classifier c = { 0 };
	ms_vma lib = { .start = 0x1000, .end = 0x3000 }, bss = { .start = 0x3000, .end = 0x4000 };
	ms_vma next = { .start = 0x4000, .end = 0x5000 }, apart = { .start = 0x9000, .end = 0xa000 };

	cr_assert_eq(ms_classify_vma(&c, &lib, "/lib/libm.so.6"), MS_CAT_LIBRARY);
	cr_assert_eq(ms_classify_vma(&c, &bss, ""), MS_CAT_LIBRARY);
	/* Only one: the mapping after the bss is anonymous memory again. */
	cr_assert_eq(ms_classify_vma(&c, &next, ""), MS_CAT_ANON);
	cr_assert_eq(ms_classify_vma(&c, &lib, "/lib/libm.so.6"), MS_CAT_LIBRARY);
	cr_assert_eq(ms_classify_vma(&c, &apart, ""), MS_CAT_ANON, "not adjacent");
}

Test(categories, group_names)
{
	cr_assert_str_eq(ms_vma_group_name(""), "[anon]");
	cr_assert_str_eq(ms_vma_group_name(NULL), "[anon]");
	cr_assert_str_eq(ms_vma_group_name("[stack:812]"), "[stack]");
	cr_assert_str_eq(ms_vma_group_name("[anon:stack_and_tls:4410]"), "[anon:stack_and_tls]");
	cr_assert_str_eq(ms_vma_group_name("/lib/a (deleted)"), "/lib/a (deleted)");
	cr_assert_str_eq(ms_vma_group_name("[anon:scudo:primary]"), "[anon:scudo:primary]");
}

/* ---- adding up ---------------------------------------------------------- */

/* A process's totals, summed from its smaps text with sscanf. */
typedef struct raw_totals {
	int64_t rss, pss, shared_clean, shared_dirty, private_clean, private_dirty, swap,
		swap_pss;
	size_t nvmas;
} raw_totals;

static void raw_sum(const char *text, raw_totals *t)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "Rss:", offsetof(raw_totals, rss) },
		{ "Pss:", offsetof(raw_totals, pss) },
		{ "Shared_Clean:", offsetof(raw_totals, shared_clean) },
		{ "Shared_Dirty:", offsetof(raw_totals, shared_dirty) },
		{ "Private_Clean:", offsetof(raw_totals, private_clean) },
		{ "Private_Dirty:", offsetof(raw_totals, private_dirty) },
		{ "Swap:", offsetof(raw_totals, swap) },
		{ "SwapPss:", offsetof(raw_totals, swap_pss) },
	};
	memset(t, 0, sizeof *t);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long a, b;
		long long v;
		char key[32];
		if (sscanf(p, "%lx-%lx ", &a, &b) == 2) {
			t->nvmas++;
			continue;
		}
		if (sscanf(p, "%31s %lld kB", key, &v) != 2)
			continue;
		for (size_t k = 0; k < MS_ARRAY_LEN(keys); k++)
			if (strcmp(key, keys[k].key) == 0)
				*(int64_t *)((char *)t + keys[k].off) += v;
	}
}

static int64_t z(int64_t v)
{
	return v == MS_NA ? 0 : v;
}

/* Every figure: the rows add up to the totals, and the totals are the
 * sums over smaps. */
static void check_adds_up(const ms_categories *c, const raw_totals *t, const char *what)
{
	ms_category_row sum = { 0 };

	cr_assert(!c->saturated, "%s", what);
	for (int i = 0; i < MS_NCATEGORIES; i++) {
		const ms_category_row *r = &c->rows[i];
		if (r->nvmas == 0)
			cr_assert_eq(r->pss_kb, MS_NA, "%s: an empty row says unknown", what);
		sum.nvmas += r->nvmas;
		sum.vss_kb += z(r->vss_kb);
		sum.rss_kb += z(r->rss_kb);
		sum.pss_kb += z(r->pss_kb);
		sum.private_clean_kb += z(r->private_clean_kb);
		sum.private_dirty_kb += z(r->private_dirty_kb);
		sum.swap_kb += z(r->swap_kb);
		sum.swap_pss_kb += z(r->swap_pss_kb);
	}
	cr_assert_eq(sum.nvmas, c->totals.nvmas, "%s", what);
	cr_assert_eq(sum.vss_kb, z(c->totals.vss_kb), "%s", what);
	cr_assert_eq(sum.rss_kb, z(c->totals.rss_kb), "%s", what);
	cr_assert_eq(sum.pss_kb, z(c->totals.pss_kb), "%s", what);
	cr_assert_eq(sum.private_clean_kb, z(c->totals.private_clean_kb), "%s", what);
	cr_assert_eq(sum.private_dirty_kb, z(c->totals.private_dirty_kb), "%s", what);
	cr_assert_eq(sum.swap_kb, z(c->totals.swap_kb), "%s", what);
	cr_assert_eq(sum.swap_pss_kb, z(c->totals.swap_pss_kb), "%s", what);
	cr_assert_eq(c->totals.nvmas, t->nvmas, "%s", what);
	cr_assert_eq(z(c->totals.rss_kb), t->rss, "%s", what);
	cr_assert_eq(z(c->totals.pss_kb), t->pss, "%s", what);
	cr_assert_eq(z(c->totals.shared_clean_kb), t->shared_clean, "%s", what);
	cr_assert_eq(z(c->totals.shared_dirty_kb), t->shared_dirty, "%s", what);
	cr_assert_eq(z(c->totals.private_clean_kb), t->private_clean, "%s", what);
	cr_assert_eq(z(c->totals.private_dirty_kb), t->private_dirty, "%s", what);
	cr_assert_eq(z(c->totals.swap_kb), t->swap, "%s", what);
	cr_assert_eq(z(c->totals.swap_pss_kb), t->swap_pss, "%s", what);
}

/* One smaps file: parsed whole, classified, checked. A file memscope
 * refuses (a mock that is no smaps) gives false when may_refuse. */
static bool check_file_or_refuse(const char *path, ms_categories *c, bool may_refuse)
{
	ms_vmalist l = { 0 };
	ms_error err;
	raw_totals t;

	cr_assert(tu_read_file(path, &buf), "%s", path);
	if (ms_parse_smaps(buf.data, buf.len, &l, &err) != 0) {
		cr_assert(may_refuse, "%s: %s", path, err.msg);
		cr_log_info("%s refused: %s", path, err.msg);
		ms_vmalist_free(&l);
		return false;
	}
	ms_categories_init(c);
	ms_categories_of_list(c, &l);
	raw_sum(buf.data, &t);
	check_adds_up(c, &t, path);
	ms_vmalist_free(&l);
	return true;
}

static void check_file(const char *path, ms_categories *c)
{
	check_file_or_refuse(path, c, false);
}

static size_t walk(const char *dir, int depth, size_t *refused)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	size_t n = 0;
	ms_categories c;

	if (!d || depth > 8)
		return d ? (closedir(d), 0) : 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			n += walk(path, depth + 1, refused);
		else if (e->d_type == DT_REG && (strcmp(e->d_name, "smaps") == 0 ||
						 strstr(e->d_name, "smaps.txt") ||
						 strcmp(e->d_name, "smaps_short") == 0)) {
			if (check_file_or_refuse(path, &c, true))
				n++;
			else
				(*refused)++;
		}
	}
	closedir(d);
	return n;
}

Test(categories, every_corpus_smaps_adds_up_exactly)
{
	const char *root = tu_corpus("");

	if (!root)
		cr_skip_test("no corpus");
	size_t refused = 0, n = walk(root, 0, &refused);
	cr_log_info("%zu smaps files, %zu refused", n, refused);
	cr_assert_geq(n, 140);
	cr_assert_leq(refused, 2, "only psutil's mock is no smaps");
}

Test(categories, every_fixture_smaps_adds_up_exactly)
{
	static const char *const files[] = { "smaps/x86_64-6.8.smaps",
					     "smaps/android-4.9-arm64.smaps",
					     "smaps/shm-kinds-6.18-x86_64.smaps" };
	ms_categories c;

	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++)
		check_file(tu_fixture(files[i]), &c);
}

/* Streamed through a snapshot source: the same as the list. */
Test(categories, streamed_from_a_capture_equals_the_list)
{
	const char *dir = tu_corpus("xilinx-zynq-armv7-4.4");
	ms_error err;
	ms_categories streamed, listed;
	ms_vmalist l = { 0 };
	int *pids;
	size_t n;

	if (!dir)
		cr_skip_test("no corpus");
	ms_source *src = ms_source_open_snapshot(dir, &err);
	cr_assert_not_null(src);
	cr_assert_eq(ms_source_list_pids(src, &pids, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		if (ms_categories_load(src, pids[i], &streamed, &err) != 0)
			continue;
		cr_assert_eq(ms_vmas_load(src, pids[i], &l, &err), 0);
		ms_categories_init(&listed);
		ms_categories_of_list(&listed, &l);
		ms_vmalist_free(&l);
		cr_assert_eq(memcmp(streamed.rows, listed.rows, sizeof listed.rows), 0);
		cr_assert_eq(memcmp(&streamed.totals, &listed.totals, sizeof listed.totals), 0);
	}
	free(pids);
	ms_source_close(src);
}

/* ---- AOSP libmeminfo's asserted values (corpus EXPECTED.md) -------------- */

Test(categories, aosp_heap_stats_of_one_dalvik_vma)
{
	const char *path =
		tu_corpus("aosp-libmeminfo/inline/"
			  "AndroidProcHeaps_ExtractAndroidHeapStatsFromFileTest__smaps.txt");
	ms_categories c;

	if (!path)
		cr_skip_test("no corpus");
	check_file(path, &c);
	const ms_category_row *r = &c.rows[MS_CAT_ART_HEAP];
	cr_assert_eq(r->nvmas, 1);
	cr_assert_eq(r->pss_kb, 2652);
	cr_assert_eq(r->rss_kb, 2652);
	cr_assert_eq(r->private_dirty_kb, 2652);
	cr_assert_eq(r->shared_dirty_kb, 40);
	cr_assert_eq(r->private_clean_kb, 84);
	cr_assert_eq(r->shared_clean_kb, 840);
	cr_assert_eq(r->swap_kb, 102);
	cr_assert_eq(r->swap_pss_kb, 70);
}

/* ProcMemInfo.SmapsOrRollupSmapsTest: the same VMA, its figures
 * inconsistent on purpose (Shared + Private > Rss): USS is Private_Clean +
 * Private_Dirty (2736), not Rss - Shared, and nothing is clamped. */
Test(categories, aosp_smaps_or_rollup_one_vma)
{
	const char *path = tu_corpus("aosp-libmeminfo/inline/"
				     "ProcMemInfo_SmapsOrRollupSmapsTest__smaps.txt");
	ms_categories c;

	if (!path)
		cr_skip_test("no corpus");
	check_file(path, &c);
	const ms_category_row *r = &c.rows[MS_CAT_ART_HEAP];
	cr_assert_eq(r->nvmas, 1);
	cr_assert_eq(r->rss_kb, 2652);
	cr_assert_eq(r->pss_kb, 2652);
	cr_assert_eq(ms_category_row_uss(r), 2736);
	cr_assert_eq(r->private_clean_kb, 84);
	cr_assert_eq(r->private_dirty_kb, 2652);
	cr_assert_eq(r->swap_pss_kb, 70);
	cr_assert_eq(c.totals.pss_kb, 2652, "SmapsOrRollupPssFromFile");
}

Test(categories, aosp_smaps_short_and_the_big_app_dump)
{
	const char *path = tu_corpus("aosp-libmeminfo/testdata1/smaps_short");
	ms_categories c;

	if (!path)
		cr_skip_test("no corpus");
	check_file(path, &c);
	cr_assert_eq(c.totals.vss_kb, 67192);
	cr_assert_eq(c.totals.rss_kb, 32900);
	cr_assert_eq(c.totals.pss_kb, 19119);
	cr_assert_eq(ms_category_row_uss(&c.totals), 17192);
	cr_assert_eq(c.totals.private_clean_kb, 260);
	cr_assert_eq(c.totals.private_dirty_kb, 16932);
	cr_assert_eq(c.totals.shared_clean_kb, 4212);
	cr_assert_eq(c.totals.shared_dirty_kb, 11496);
	cr_assert_eq(c.totals.swap_kb, 0);
	cr_assert_eq(c.totals.swap_pss_kb, 0);
	cr_assert_eq(c.totals.nvmas, 6, "vmas.size() == 6");
	/* Each VMA's values of EXPECTED.md, in the row its name goes to:
	 * [vss rss pss uss pc pd sc sd] per VMA there. */
	static const struct {
		ms_category cat;
		size_t nvmas;
		int64_t vss, rss, pss, uss, pc, pd, sc, sd;
	} want[] = {
		/* [anon:dalvik-zygote-jit-code-cache] */
		{ MS_CAT_ART_HEAP, 1, 32768, 2048, 113, 0, 0, 0, 0, 2048 },
		/* boot-framework.art + SettingsProvider.odex */
		{ MS_CAT_ART_FILE, 2, 11204 + 260, 11188 + 260, 2200 + 260, 1660 + 260, 260, 1660,
		  80, 9448 },
		/* [anon:libc_malloc] */
		{ MS_CAT_NATIVE_HEAP, 1, 16896, 15272, 15272, 15272, 0, 15272, 0, 0 },
		/* /system/lib64/libhwui.so */
		{ MS_CAT_LIBRARY, 1, 6060, 4132, 1274, 0, 0, 0, 4132, 0 },
		/* [vsyscall] */
		{ MS_CAT_KERNEL, 1, 4, 0, 0, 0, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(want); i++) {
		const ms_category_row *r = &c.rows[want[i].cat];
		const char *k = ms_category_defs[want[i].cat].key;
		cr_assert_eq(r->nvmas, want[i].nvmas, "%s", k);
		cr_assert_eq(r->vss_kb, want[i].vss, "%s vss", k);
		cr_assert_eq(r->rss_kb, want[i].rss, "%s rss", k);
		cr_assert_eq(r->pss_kb, want[i].pss, "%s pss", k);
		cr_assert_eq(ms_category_row_uss(r), want[i].uss, "%s uss", k);
		cr_assert_eq(r->private_clean_kb, want[i].pc, "%s private clean", k);
		cr_assert_eq(r->private_dirty_kb, want[i].pd, "%s private dirty", k);
		cr_assert_eq(r->shared_clean_kb, want[i].sc, "%s shared clean", k);
		cr_assert_eq(r->shared_dirty_kb, want[i].sd, "%s shared dirty", k);
	}

	check_file(tu_corpus("aosp-libmeminfo/testdata1/smaps"), &c);
	cr_assert_eq(c.totals.swap_kb, 0);
	cr_assert_eq(c.totals.pss_kb, 108384);
	cr_assert_eq(c.totals.rss_kb, 250332);
	cr_assert_eq(ms_category_row_uss(&c.totals), 90520);
	cr_assert_eq(c.totals.vss_kb, 4218176);
	cr_assert_eq(c.totals.nvmas, 2760);
}

/* ---- shared memory -------------------------------------------------------- */

Test(categories, shared_memory_kinds_of_a_real_process)
{
	ms_vmalist l = { 0 };
	ms_mountlist m;
	ms_error err;
	ms_categories c;
	size_t kinds[MS_SHM_TMPFS + 1] = { 0 };
	int64_t key = 0, shmid = -1;

	cr_assert(tu_read_file(tu_fixture("smaps/shm-kinds-6.18-x86_64.smaps"), &buf));
	cr_assert_eq(ms_parse_smaps(buf.data, buf.len, &l, &err), 0, "%s", err.msg);
	cr_assert(tu_read_file(tu_fixture("mounts/linux-6.18-x86_64"), &buf));
	cr_assert_eq(ms_parse_mounts(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < l.n; i++) {
		ms_shm_kind k = ms_shm_kind_of(&l.v[i], ms_vma_path(&l, i), &m);
		kinds[k]++;
		if (k == MS_SHM_SYSV && l.v[i].inode == 0)
			cr_assert(ms_sysv_ids_of(&l.v[i], ms_vma_path(&l, i), &key, &shmid));
	}
	cr_assert_eq(kinds[MS_SHM_SYSV], 2);
	cr_assert_eq(kinds[MS_SHM_MEMFD], 1);
	cr_assert_eq(kinds[MS_SHM_POSIX], 1);
	cr_assert_eq(kinds[MS_SHM_ANON], 1);
	cr_assert_eq(key, 0x4d534331);
	cr_assert_eq(shmid, 0);
	ms_categories_init(&c);
	ms_categories_of_list(&c, &l);
	cr_assert_eq(c.rows[MS_CAT_SYSV].nvmas, 2);
	cr_assert_eq(c.rows[MS_CAT_SYSV].rss_kb, 64, "64 KiB written into the keyed segment");
	cr_assert_eq(c.rows[MS_CAT_MEMFD].rss_kb, 32);
	cr_assert_eq(c.rows[MS_CAT_POSIX_SHM].rss_kb, 16);
	cr_assert_eq(c.rows[MS_CAT_SHARED_ANON].rss_kb, 8);
	cr_assert_str_eq(ms_shm_kind_name(MS_SHM_POSIX), "posix");
	ms_vmalist_free(&l);
	ms_mountlist_free(&m);
}

Test(categories, tmpfs_files_by_mount_and_device)
{
	ms_mountlist m;
	ms_error err;
	ms_vma v = { .start = 0x1000, .end = 0x2000, .dev_major = 0, .dev_minor = 30 };
	ms_vma disk = v;

	memcpy(v.perms, "rw-s", 5);
	disk.dev_major = 8;
	cr_assert(tu_read_file(tu_fixture("mounts/escapes-handmade"), &buf));
	cr_assert_eq(ms_parse_mounts(buf.data, buf.len, &m, &err), 0);
	cr_assert_eq(ms_shm_kind_of(&v, "/mnt/ram/blob", &m), MS_SHM_TMPFS);
	cr_assert_eq(ms_shm_kind_of(&disk, "/mnt/ram/blob", &m), MS_SHM_NONE);
	cr_assert_eq(ms_shm_kind_of(&v, "/media/My Disk/x", &m), MS_SHM_NONE);
	cr_assert_eq(ms_shm_kind_of(&v, "/mnt/ram/blob", NULL), MS_SHM_NONE);
	cr_assert_eq(ms_shm_kind_of(&v, "", &m), MS_SHM_NONE);
	ms_mountlist_free(&m);
}

Test(categories, shmem_that_no_process_maps)
{
	ms_proc p[3] = { { .pss_shmem_kb = 100 }, { .pss_shmem_kb = 50 },
			 { .pss_shmem_kb = MS_NA } };
	bool complete;

	cr_assert_eq(ms_procs_pss_shmem_kb(p, 2, &complete), 150);
	cr_assert(complete);
	cr_assert_eq(ms_procs_pss_shmem_kb(p, 3, &complete), 150);
	cr_assert(!complete);
	cr_assert_eq(ms_shmem_unmapped_kb(4020, 150), 3870);
	cr_assert_eq(ms_shmem_unmapped_kb(100, 150), 0);
	cr_assert_eq(ms_shmem_unmapped_kb(MS_NA, 150), MS_NA);
}

/* ---- zram ------------------------------------------------------------------ */

Test(categories, zram_ratios_of_our_capture)
{
	ms_zram_mm_stat m;
	ms_zram_figures f;
	ms_error err;

	cr_assert(tu_read_file(tu_fixture("zram/linux-6.18-x86_64-lz4/mm_stat"), &buf));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0);
	ms_zram_figures_of(&m, 67108864, &f);
	cr_assert_eq(f.orig, 19927040);
	cr_assert_float_eq(f.compr_ratio, 19927040.0 / 4163408.0, 1e-12);
	cr_assert_float_eq(f.mem_ratio, 19927040.0 / 4603904.0, 1e-12);
	cr_assert_eq(f.saved, 19927040 - 4603904);
	cr_assert_eq(f.disksize, 67108864);
	/* An unused device: no ratio, not a ratio of 0. */
	cr_assert(tu_read_file(tu_fixture("zram/linux-6.18-x86_64-unused/mm_stat"), &buf));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0);
	ms_zram_figures_of(&m, 0, &f);
	cr_assert(isnan(f.compr_ratio) && isnan(f.mem_ratio));
	cr_assert_eq(f.saved, 0);
	ms_zram_figures_of(NULL, MS_NA, &f);
	cr_assert_eq(f.saved, MS_NA);
}
