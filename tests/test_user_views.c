/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user side's batch views (libs, categories, swap, shm) and the
 * memscope-statvfs file, on a snapshot written here with figures chosen
 * by hand (every expected value is computed in the test from the same
 * figures, not copied from an output), on the snapshots in data/ and on
 * this machine: a tmpfs mounted and filled by the test, a SysV segment
 * attached by a child, a zram device made for the test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/batch.h"
#include "memscope/model.h"
#include "memscope/views.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------------- */

static void put(const char *root, const char *rel, const char *text)
{
	char path[1024], dir[1024];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* The view's document on src, or NULL with err set. */
static char *render_on(ms_source *src, const char *view, ms_format fmt, const char *path,
		       int pid, ms_error *err)
{
	ms_batch_opts o = { .view = ms_view_find(view), .format = fmt, .path = path, .pid = pid };
	ms_sample s;
	ms_buf out = MS_BUF_INIT;

	cr_assert_not_null(o.view, "%s: no such view", view);
	cr_assert_eq(ms_sample_load(&s, src, ms_view_parts(o.view), err), 0, "%s", err->msg);
	int rc = ms_batch_render(&o, &s, src, &out, err);
	ms_sample_free(&s);
	if (rc) {
		ms_buf_free(&out);
		return NULL;
	}
	return out.data;
}

static char *render_view(const char *root, const char *view, ms_format fmt, const char *path,
			 int pid)
{
	ms_error err;
	ms_source *src = ms_source_open_snapshot(root, &err);

	cr_assert_not_null(src, "%s: %s", root, err.msg);
	char *doc = render_on(src, view, fmt, path, pid, &err);
	cr_assert_not_null(doc, "%s: %s", view, err.msg);
	ms_source_close(src);
	return doc;
}

static void has(const char *doc, const char *fragment)
{
	cr_assert_not_null(strstr(doc, fragment), "missing %s in\n%s", fragment, doc);
}

/* The number after "key": in the object that follows "after" in doc. */
static int64_t json_num(const char *doc, const char *after, const char *key)
{
	const char *p = after ? strstr(doc, after) : doc;
	char k[64];

	cr_assert_not_null(p, "no %s in %s", after, doc);
	snprintf(k, sizeof k, "\"%s\":", key);
	p = strstr(p, k);
	cr_assert_not_null(p, "no %s after %s", key, after ? after : "the start");
	return strtoll(p + strlen(k), NULL, 10);
}

/* The number key of the row object that holds marker. */
static int64_t row_num(const char *doc, const char *marker, const char *key)
{
	const char *m = strstr(doc, marker);

	cr_assert_not_null(m, "no %s", marker);
	while (m > doc && *m != '{')
		m--;
	return json_num(m, NULL, key);
}

/* ---- a snapshot made by hand -------------------------------------------------- */

struct vma_fig {
	const char *range, *perms, *dev;
	unsigned long inode;
	const char *path;
	int64_t size, rss, pss, sc, sd, pc, pd, swap, swap_pss;
};

static void smaps_of(ms_buf *b, const struct vma_fig *v, size_t n)
{
	ms_buf_reset(b);
	for (size_t i = 0; i < n; i++)
		ms_buf_printf(b,
			      "%s %s 00000000 %s %lu %s\nSize: %" PRId64 " kB\nRss: %" PRId64
			      " kB\nPss: %" PRId64 " kB\nShared_Clean: %" PRId64
			      " kB\nShared_Dirty: %" PRId64 " kB\nPrivate_Clean: %" PRId64
			      " kB\nPrivate_Dirty: %" PRId64 " kB\nSwap: %" PRId64
			      " kB\nSwapPss: %" PRId64 " kB\nVmFlags: rd \n",
			      v[i].range, v[i].perms, v[i].dev, v[i].inode, v[i].path, v[i].size,
			      v[i].rss, v[i].pss, v[i].sc, v[i].sd, v[i].pc, v[i].pd, v[i].swap,
			      v[i].swap_pss);
}

#define LIBC "/usr/lib/libc.so.6"
static const struct vma_fig p42[] = {
	{ "00400000-00410000", "r-xp", "fe:01", 11, "/usr/bin/app", 64, 40, 40, 0, 0, 40, 0, 0, 0 },
	{ "00410000-00430000", "rw-p", "00:00", 0, "[heap]", 128, 100, 100, 0, 0, 0, 100, 8, 8 },
	{ "7f0000000000-7f0000100000", "r-xp", "fe:01", 12, LIBC, 1024, 800, 400, 800, 0, 0, 0, 0, 0 },
	{ "7f0000100000-7f0000104000", "rw-p", "fe:01", 12, LIBC, 16, 16, 16, 0, 0, 0, 16, 0, 0 },
	{ "7f0000104000-7f0000106000", "rw-p", "00:00", 0, "", 8, 8, 8, 0, 0, 0, 8, 0, 0 },
	{ "7f0000200000-7f0000210000", "rw-s", "00:01", 5, "/SYSV00000000 (deleted)", 64, 8, 4, 0, 8, 0, 0, 0, 0 },
	{ "7f0000300000-7f0000310000", "rw-s", "00:01", 77, "/memfd:pool (deleted)", 64, 32, 16, 0, 32, 0, 0, 0, 0 },
	{ "7f0000400000-7f0000404000", "rw-s", "00:19", 9, "/dev/shm/seg", 16, 12, 12, 0, 0, 0, 12, 0, 0 },
	{ "7ffc00000000-7ffc00021000", "rw-p", "00:00", 0, "[stack]", 132, 20, 20, 0, 0, 0, 20, 0, 0 },
};
static const struct vma_fig p43[] = {
	{ "7f0000000000-7f0000100000", "r-xp", "fe:01", 12, LIBC, 1024, 800, 400, 800, 0, 0, 0, 0, 0 },
	{ "7f0000200000-7f0000210000", "rw-s", "00:01", 5, "/SYSV00000000 (deleted)", 64, 8, 4, 0, 8, 0, 0, 0, 0 },
	{ "7f0000300000-7f0000310000", "rw-s", "00:01", 77, "/memfd:pool (deleted)", 64, 32, 16, 0, 32, 0, 0, 0, 0 },
	{ "7f1000000000-7f1000400000", "rw-p", "00:00", 0, "", 4096, 2000, 2000, 0, 0, 0, 2000, 100, 100 },
};

static const char *hand_snapshot(void)
{
	const char *root = tu_tmpdir();
	ms_buf b = MS_BUF_INIT;

	put(root, "memscope-snapshot",
	    "format: memscope/2\nkernel: 6.1.0\nmachine: aarch64\npage_size: 4096\n");
	put(root, "proc/meminfo",
	    "MemTotal:        1000000 kB\nMemFree:          500000 kB\nShmem:              2000 kB\n"
	    "Zswap:               300 kB\nZswapped:           1200 kB\n");
	put(root, "proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
				"/dev/zram0                              partition\t262140\t\t1024\t\t100\n");
	put(root, "sys/block/zram0/mm_stat",
	    "52727808 11436925 12607488        0 13025280     1700        0       38\n");
	put(root, "sys/block/zram0/disksize", "268435456\n");
	put(root, "sys/block/zram0/comp_algorithm", "lzo lzo-rle [lz4] zstd \n");
	put(root, "proc/mounts", "tmpfs /dev/shm tmpfs rw 0 0\ntmpfs /run\\040x tmpfs rw 0 0\n"
				 "/dev/vda / ext4 rw 0 0\n");
	put(root, "memscope-statvfs",
	    "/dev/shm 4096 1000 750 750 500 490\n/run\\040x 4096 256 256 256 10 10\n");
	put(root, "proc/sysvipc/shm",
	    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
	    "cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
	    "         0          5   600                 65536    42    43      2     0     0     "
	    "0     0 1796402465          0 1796402465                  8192                     0\n");
	smaps_of(&b, p42, MS_ARRAY_LEN(p42));
	put(root, "proc/42/smaps", b.data);
	put(root, "proc/42/comm", "app\n");
	smaps_of(&b, p43, MS_ARRAY_LEN(p43));
	put(root, "proc/43/smaps", b.data);
	put(root, "proc/43/comm", "worker\n");
	ms_buf_free(&b);
	return root;
}

TestSuite(userviews, .timeout = 60);

/* Sums over the mappings named name of one process's figures. */
static int64_t pss_of(const struct vma_fig *v, size_t n, const char *name)
{
	int64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		if (!name || strcmp(v[i].path, name) == 0)
			sum += v[i].pss;
	return sum;
}

Test(userviews, libs_rows_are_the_sums_of_the_processes_shares)
{
	const char *root = hand_snapshot();
	char *doc = render_view(root, "libs", MS_FORMAT_JSON, NULL, 0);
	char at[128];

	/* libc: both processes, both of 42's mappings of it. */
	snprintf(at, sizeof at, "\"name\":\"%s\"", LIBC);
	cr_assert_eq(json_num(doc, "\"totals\":", "pss_kb"),
		     pss_of(p42, MS_ARRAY_LEN(p42), NULL) + pss_of(p43, MS_ARRAY_LEN(p43), NULL));
	/* libc's row: the two processes' sums. */
	int64_t libc = pss_of(p42, MS_ARRAY_LEN(p42), LIBC) + pss_of(p43, MS_ARRAY_LEN(p43), LIBC);
	cr_assert_eq(row_num(doc, at, "pss_kb"), libc);
	cr_assert_eq(row_num(doc, at, "nprocs"), 2);
	has(doc, "\"name\":\"[anon]\"");
	has(doc, "{\"pid\":43,\"name\":\"worker\"");
	has(doc, "\"processes_read\":{\"listed\":2,\"read\":2,");
	free(doc);

	doc = render_view(root, "libs", MS_FORMAT_JSON, LIBC, 0);
	cr_assert_eq(json_num(doc, "\"totals\":", "pss_kb"), libc);
	cr_assert_eq(json_num(doc, "\"pid\":42", "pss_kb"), pss_of(p42, MS_ARRAY_LEN(p42), LIBC));
	cr_assert_eq(json_num(doc, "\"pid\":43", "pss_kb"), pss_of(p43, MS_ARRAY_LEN(p43), LIBC));
	free(doc);
	tu_rm_rf(root);
}

Test(userviews, categories_add_up_to_the_process_and_to_vma)
{
	const char *root = hand_snapshot();
	char *cat = render_view(root, "categories", MS_FORMAT_JSON, NULL, 42);
	char *vma = render_view(root, "vma", MS_FORMAT_JSON, NULL, 42);

	cr_assert_eq(json_num(cat, "\"totals\":", "pss_kb"), pss_of(p42, MS_ARRAY_LEN(p42), NULL));
	cr_assert_eq(json_num(cat, "\"totals\":", "pss_kb"), json_num(vma, "\"totals\":", "pss_kb"));
	cr_assert_eq(json_num(cat, "\"totals\":", "rss_kb"), json_num(vma, "\"totals\":", "rss_kb"));
	/* The unnamed mapping right after libc's rw-p one is its bss. */
	int64_t lib = pss_of(p42, MS_ARRAY_LEN(p42), LIBC) + p42[4].pss;
	cr_assert_eq(row_num(cat, "\"category\":\"library\"", "pss_kb"), lib);
	cr_assert_eq(row_num(cat, "\"category\":\"native_heap\"", "pss_kb"), p42[1].pss);
	cr_assert_eq(row_num(cat, "\"category\":\"sysv_shm\"", "pss_kb"), p42[5].pss);
	cr_assert_eq(row_num(cat, "\"category\":\"memfd\"", "pss_kb"), p42[6].pss);
	cr_assert_eq(row_num(cat, "\"category\":\"posix_shm\"", "pss_kb"), p42[7].pss);
	cr_assert_eq(row_num(cat, "\"category\":\"stack\"", "pss_kb"), p42[8].pss);
	has(cat, "\"category\":\"native_heap\"");
	cr_assert_eq(json_num(cat, "\"totals\":", "swap_pss_kb"), p42[1].swap_pss);
	free(cat);
	free(vma);
	tu_rm_rf(root);
}

Test(userviews, swap_reads_the_fixture_values_exactly)
{
	const char *root = hand_snapshot();
	char *doc = render_view(root, "swap", MS_FORMAT_JSON, NULL, 0);
	char frag[512], ratio[32];

	has(doc, "\"swaps\":[{\"path\":\"/dev/zram0\",\"type\":\"partition\",\"size_kb\":262140,"
		 "\"used_kb\":1024,\"priority\":100}]");
	has(doc, "\"device\":\"zram0\",\"swap\":true,\"algorithm\":\"lz4\","
		 "\"disksize_bytes\":268435456,\"orig_data_bytes\":52727808,"
		 "\"compr_data_bytes\":11436925,\"mem_used_bytes\":12607488");
	snprintf(ratio, sizeof ratio, "%.3f", 52727808.0 / 11436925.0);
	snprintf(frag, sizeof frag, "\"compr_ratio\":%s", ratio);
	has(doc, frag);
	snprintf(frag, sizeof frag, "\"saved_bytes\":%d", 52727808 - 12607488);
	has(doc, frag);
	has(doc, "\"zswap_pool_kb\":300,\"zswap_stored_kb\":1200");
	free(doc);
	tu_rm_rf(root);
}

Test(userviews, shm_mounts_segments_mappings_and_unmapped_shmem)
{
	const char *root = hand_snapshot();
	char *doc = render_view(root, "shm", MS_FORMAT_JSON, NULL, 0);
	char frag[512];

	snprintf(frag, sizeof frag, "\"dir\":\"/dev/shm\",\"fstype\":\"tmpfs\",\"device\":\"tmpfs\","
		 "\"options\":\"rw\",\"size_kb\":%d,\"used_kb\":%d", 1000 * 4, (1000 - 750) * 4);
	has(doc, frag);
	has(doc, "\"dir\":\"/run x\"");
	cr_assert_null(strstr(doc, "\"dir\":\"/\""), "ext4 is no RAM mount");
	has(doc, "\"shmid\":5,\"size_bytes\":65536,\"rss_bytes\":8192,\"swap_bytes\":0,"
		 "\"nattch\":2,\"cpid\":42,\"lpid\":43");
	/* Mapped by both, each with its own figures. */
	snprintf(frag, sizeof frag, "\"mapped_by\":[{\"pid\":42,\"rss_kb\":%" PRId64
		 ",\"pss_kb\":%" PRId64, p42[5].rss, p42[5].pss);
	has(doc, frag);
	snprintf(frag, sizeof frag, "\"kind\":\"memfd\",\"name\":\"/memfd:pool (deleted)\","
		 "\"shmid\":null,\"vss_kb\":%" PRId64 ",\"rss_kb\":%" PRId64 ",\"pss_kb\":%" PRId64,
		 p42[6].size + p43[2].size, p42[6].rss + p43[2].rss, p42[6].pss + p43[2].pss);
	has(doc, frag);
	has(doc, "\"kind\":\"posix\",\"name\":\"/dev/shm/seg\"");
	/* Shmem 2000 kB less what the processes map of shared memory. */
	int64_t mapped = p42[5].pss + p42[6].pss + p42[7].pss + p43[1].pss + p43[2].pss;
	snprintf(frag, sizeof frag, "\"shmem_kb\":2000,\"shmem_mapped_kb\":%" PRId64
		 ",\"shmem_mapped_origin\":\"smaps\",\"shmem_unmapped_kb\":%" PRId64, mapped,
		 2000 - mapped);
	has(doc, frag);
	free(doc);
	tu_rm_rf(root);
}

Test(userviews, a_snapshot_without_the_files_says_why)
{
	const char *root = tu_tmpdir();

	put(root, "memscope-snapshot", "format: memscope/2\nkernel: 6.1.0\npage_size: 4096\n");
	put(root, "proc/meminfo", "MemTotal: 1000 kB\n");
	char *doc = render_view(root, "shm", MS_FORMAT_JSON, NULL, 0);
	has(doc, "\"mounts\":null,\"mounts_error\":\"mounts: not in snapshot\"");
	has(doc, "\"sysv_segments\":null");
	has(doc, "\"shmem_unmapped_kb\":null");
	free(doc);
	doc = render_view(root, "swap", MS_FORMAT_JSON, NULL, 0);
	has(doc, "\"swaps\":null,\"swaps_error\":\"swaps: not in snapshot\"");
	has(doc, "\"zswap_pool_kb\":null");
	free(doc);
	tu_rm_rf(root);
}

/* The explorer's header: zram's RAM beside swap, within 80 columns. */
Test(userviews, header_shows_zram_cost_in_80_columns)
{
	const char *root = hand_snapshot();
	ms_error err;
	ms_source *src = ms_source_open_snapshot(root, &err);
	ms_sample s;
	ms_screen scr;
	ms_buf row = MS_BUF_INIT;
	char want[128], used[32], orig[32];

	cr_assert_not_null(src, "%s", err.msg);
	cr_assert_eq(ms_sample_load(&s, src, MS_PART_MEMINFO | MS_PART_ZRAM, &err), 0);
	ms_view_data d = { .cur = &s, .generation = 1 };
	cr_assert_eq(ms_screen_init(&scr, 4, 80), 0);
	ms_header_draw(&scr, &d);
	cr_assert_eq(ms_screen_row_text(&scr, 1, &row), 0);
	ms_format_kb(used, sizeof used, 12607488 / 1024, false);
	ms_format_kb(orig, sizeof orig, 52727808 / 1024, false);
	snprintf(want, sizeof want, "zram %s  for %s", used, orig);
	cr_assert(strstr(row.data, want), "%s not in \"%s\"", want, row.data);
	ms_buf_free(&row);
	ms_screen_free(&scr);
	ms_sample_free(&s);
	ms_source_close(src);
	tu_rm_rf(root);
}

/* ---- memscope-statvfs ------------------------------------------------------- */

Test(userviews, statvfs_file_parses_and_every_truncation_is_whole_or_refused)
{
	const char *text = "/dev/shm 4096 1000 750 700 500 490\n/run\\040x 4096 256 0 0 10 10\n";
	ms_fsusage_list l;
	ms_error err;

	cr_assert_eq(TU_PARSE_STR(ms_parse_statvfs_list, text, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.items[1].dir, "/run x");
	cr_assert_eq(ms_fsusage_size_kb(&l.items[0]), 4000);
	cr_assert_eq(ms_fsusage_used_kb(&l.items[0]), 1000);
	cr_assert_eq(ms_fsusage_used_kb(ms_fsusage_find(&l, "/run x")), 1024);
	ms_fsusage_list_free(&l);
	for (size_t n = 0; n <= strlen(text); n++) {
		int rc = ms_parse_statvfs_list(text, n, &l, &err);
		cr_assert(rc == 0 || rc == -EINVAL, "prefix %zu: %d", n, rc);
		if (rc == 0)
			ms_fsusage_list_free(&l);
	}
	cr_assert_eq(TU_PARSE_STR(ms_parse_statvfs_list, "/a 4096 10 11 0 0 0\n", &l, &err),
		     -EINVAL, "free above the total");
	cr_assert_eq(TU_PARSE_STR(ms_parse_statvfs_list, "/a 0 10 1 0 0 0\n", &l, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_statvfs_list, "/a 4096 10 1 0 0\n", &l, &err), -EINVAL);
}

/* ---- every process of every capture ------------------------------------------ */

/* The sum of key over the objects of the array that follows at. */
static int64_t sum_in_array(const char *doc, const char *at, const char *key)
{
	const char *p = strstr(doc, at), *end;
	char k[64];
	int64_t sum = 0;
	int depth = 0;

	cr_assert_not_null(p, "no %s", at);
	p += strlen(at);
	for (end = p; *end && !(depth == 0 && *end == ']'); end++)
		depth += (*end == '[') - (*end == ']');
	snprintf(k, sizeof k, "{\"%s\":", key);
	for (const char *q = p; (q = strstr(q, k)) && q < end; q += strlen(k))
		sum += strtoll(q + strlen(k), NULL, 10);
	return sum;
}

/* categories PID against vma PID, and libs against the sum of every
 * process's vma totals: on each snapshot, every process. */
static size_t check_capture(const char *path)
{
	ms_error err;
	ms_source *src = ms_source_open_snapshot(path, &err);
	int *pids = NULL;
	size_t npids = 0, checked = 0;
	int64_t all_pss = 0;

	cr_assert_not_null(src, "%s: %s", path, err.msg);
	cr_assert_eq(ms_source_list_pids(src, &pids, &npids, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < npids; i++) {
		char *vma = render_on(src, "vma", MS_FORMAT_JSON, NULL, pids[i], &err);
		if (!vma || strstr(vma, "\"from_smaps\":false") || strstr(vma, "\"vmas\":[]")) {
			free(vma);
			continue; /* no smaps: maps only, kernel threads, denied */
		}
		char *cat = render_on(src, "categories", MS_FORMAT_JSON, NULL, pids[i], &err);
		cr_assert_not_null(cat, "%s %d: %s", path, pids[i], err.msg);
		int64_t pss = json_num(vma, "\"totals\":", "pss_kb");
		cr_assert_eq(json_num(cat, "\"totals\":", "pss_kb"), pss, "%s %d", path, pids[i]);
		cr_assert_eq(json_num(cat, "\"totals\":", "rss_kb"), json_num(vma, "\"totals\":", "rss_kb"),
			     "%s %d", path, pids[i]);
		cr_assert_eq(json_num(cat, "\"totals\":", "uss_kb"), json_num(vma, "\"totals\":", "uss_kb"),
			     "%s %d", path, pids[i]);
		cr_assert_eq(sum_in_array(cat, "\"categories\":[", "pss_kb"), pss, "%s %d rows", path,
			     pids[i]);
		all_pss += pss;
		checked++;
		free(vma);
		free(cat);
	}
	char *libs = render_on(src, "libs", MS_FORMAT_JSON, NULL, 0, &err);
	cr_assert_not_null(libs, "%s", err.msg);
	cr_assert_eq(json_num(libs, "\"totals\":", "pss_kb"), all_pss, "%s: libs", path);
	cr_assert_eq(json_num(libs, "\"processes_read\":", "read"), (int64_t)checked, "%s", path);
	free(libs);
	free(pids);
	ms_source_close(src);
	return checked;
}

Test(usercorpus, every_process_of_the_data_snapshots)
{
	static const char *const snaps[] = { "data/demo-x86_64.tar.gz", "data/board-arm64-qemu.tar.gz",
					     "data/board-armv7-qemu.tar.gz",
					     "data/board-arm64-qemu-sh.tar.gz" };
	char path[1024];

	for (size_t i = 0; i < MS_ARRAY_LEN(snaps); i++) {
		snprintf(path, sizeof path, "%s/%s", MS_SRCDIR, snaps[i]);
		cr_assert_gt(check_capture(path), 0, "%s: no process with smaps", snaps[i]);
	}
}

Test(usercorpus, every_process_of_the_corpus_proc_trees)
{
	static const char *const trees[] = { "zte-router-armv7-4.1.25", "xilinx-zynq-armv7-4.4" };
	size_t done = 0;

	for (size_t i = 0; i < MS_ARRAY_LEN(trees); i++) {
		const char *p = tu_corpus(trees[i]);
		if (p && check_capture(p) > 0)
			done++;
	}
	if (!done)
		cr_skip_test("no corpus proc tree with smaps (../shared/corpus)");
}

/* ---- zram of kernels before 4.1: no mm_stat ------------------------------------ */

static const char *legacy_zram_snapshot(void)
{
	const char *root = tu_tmpdir();

	put(root, "memscope-snapshot",
	    "format: memscope/2\nkernel: 3.18.0\nmachine: armv7l\npage_size: 4096\n");
	put(root, "proc/meminfo", "MemTotal:         500000 kB\nMemFree:          100000 kB\n");
	put(root, "sys/block/zram0/orig_data_size", "52727808\n");
	put(root, "sys/block/zram0/compr_data_size", "11436925\n");
	put(root, "sys/block/zram0/mem_used_total", "12607488\n");
	put(root, "sys/block/zram0/disksize", "268435456\n");
	/* Only the cost: what AOSP's libmeminfo reads. */
	put(root, "sys/block/zram1/mem_used_total", "4096\n");
	return root;
}

/* The three files stand in for mm_stat, said so; what they do not give
 * is null, never 0; a device with none of them says mm_stat is missing. */
Test(userviews, zram_of_a_kernel_before_4_1_reads_its_three_files)
{
	const char *root = legacy_zram_snapshot();
	char *doc = render_view(root, "swap", MS_FORMAT_JSON, NULL, 0);
	char frag[256];

	has(doc, "\"device\":\"zram0\",\"swap\":false,\"algorithm\":null,"
		 "\"disksize_bytes\":268435456,\"orig_data_bytes\":52727808,"
		 "\"compr_data_bytes\":11436925,\"mem_used_bytes\":12607488,"
		 "\"mem_limit_bytes\":null,\"mem_used_max_bytes\":null,\"same_pages\":null");
	snprintf(frag, sizeof frag, "\"compr_ratio\":%.3f", 52727808.0 / 11436925.0);
	has(doc, frag);
	snprintf(frag, sizeof frag, "\"saved_bytes\":%d,\"error\":null,"
		 "\"figures_from\":\"legacy_files\"", 52727808 - 12607488);
	has(doc, frag);
	has(doc, "\"device\":\"zram1\",\"swap\":false,\"algorithm\":null,\"disksize_bytes\":null,"
		 "\"orig_data_bytes\":null,\"compr_data_bytes\":null,\"mem_used_bytes\":4096");
	free(doc);
	doc = render_view(root, "swap", MS_FORMAT_TEXT, NULL, 0);
	has(doc, "(no mm_stat: the files of kernels before 4.1)");
	free(doc);
	tu_rm_rf(root);
}

/* AOSP libmeminfo (corpus EXPECTED.md): mem_zram_kb is 30504 for a device
 * with mm_stat (its third column) and for one with mem_used_total alone.
 * The corpus files are read in place and written into a snapshot here. */
Test(usercorpus, aosp_mem_zram_kb_from_mm_stat_and_from_mem_used_total)
{
	const char *mm = tu_corpus("aosp-libmeminfo/testdata1/mm_stat");
	const char *used = tu_corpus("aosp-libmeminfo/testdata2/mem_used_total");
	ms_buf b = MS_BUF_INIT;

	if (!mm || !used)
		cr_skip_test("no corpus");
	const char *root = tu_tmpdir();
	put(root, "memscope-snapshot",
	    "format: memscope/2\nkernel: 4.14.0\nmachine: aarch64\npage_size: 4096\n");
	put(root, "proc/meminfo", "MemTotal:        3019740 kB\n");
	cr_assert(tu_read_file(mm, &b));
	put(root, "sys/block/zram0/mm_stat", b.data);
	cr_assert(tu_read_file(used, &b));
	put(root, "sys/block/zram1/mem_used_total", b.data);
	char *doc = render_view(root, "swap", MS_FORMAT_JSON, NULL, 0);
	for (int dev = 0; dev < 2; dev++) {
		char at[64];
		snprintf(at, sizeof at, "\"device\":\"zram%d\"", dev);
		const char *p = strstr(doc, at);
		cr_assert_not_null(p, "%s", doc);
		p = strstr(p, "\"mem_used_bytes\":");
		cr_assert_not_null(p);
		cr_assert_eq(strtoll(p + 17, NULL, 10) / 1024, 30504, "zram%d: %s", dev, doc);
	}
	has(doc, "\"figures_from\":\"mm_stat\"");
	has(doc, "\"figures_from\":\"legacy_files\"");
	free(doc);
	ms_buf_free(&b);
	tu_rm_rf(root);
}
