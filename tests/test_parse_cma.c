/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CMA: area directories of sysfs and debugfs (fixtures/cma, laid out as on
 * the board), the one-value file parsers, and meminfo's CMA lines of the
 * corpus (Rockchip BSP with CmaAllocated/CmaReleased, qemu arm64 cma=64M,
 * AOSP's arm64 meminfo).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_error err;

static void teardown(void)
{
	ms_buf_free(&buf);
}

TestSuite(parse_cma, .fini = teardown);

/* Feeds every file of dir to the area, as the capture will. */
static void read_area_dir(ms_cma_area *a, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		cr_assert(tu_read_file(path, &buf), "%s", path);
		cr_assert_eq(ms_parse_cma_attr(a, e->d_name, buf.data, buf.len, &err), 0, "%s: %s",
			     path, err.msg);
	}
	closedir(d);
}

Test(parse_cma, linux_6_14_sysfs_and_debugfs)
{
	ms_cma_area a;

	cr_assert_eq(ms_cma_area_init(&a, "reserved", 8), 0);
	read_area_dir(&a, tu_fixture("cma/arm64-6.14/sys/kernel/mm/cma/reserved"));
	cr_assert_eq(a.alloc_pages_success, 5120);
	cr_assert_eq(a.alloc_pages_fail, 3);
	cr_assert_eq(a.release_pages_success, 768);
	cr_assert_eq(ms_cma_area_pages(&a), 16384);
	cr_assert_eq(ms_cma_area_used_pages(&a), 16384 - 12032, "total - available");
	cr_assert_eq(a.used, MS_NA, "debugfs not read yet");
	read_area_dir(&a, tu_fixture("cma/arm64-6.14/sys/kernel/debug/cma/reserved"));
	cr_assert_eq(a.base_pfn, 761856);
	cr_assert_eq(a.count, 16384);
	cr_assert_eq(a.order_per_bit, 0);
	cr_assert_eq(a.maxchunk, 8192);
	cr_assert_eq(ms_cma_area_used_pages(&a), 4352);
}

Test(parse_cma, android_5_15_sysfs_only)
{
	ms_cma_area a;

	cr_assert_eq(ms_cma_area_init(&a, "linux,cma", 9), 0);
	cr_assert_str_eq(a.name, "linux,cma");
	read_area_dir(&a, tu_fixture("cma/android-5.15/sys/kernel/mm/cma/linux,cma"));
	cr_assert_eq(a.alloc_pages_success, 184320);
	cr_assert_eq(a.alloc_pages_fail, 0);
	cr_assert_eq(a.release_pages_success, MS_NA);
	cr_assert_eq(ms_cma_area_pages(&a), MS_NA, "the size is not in 5.15's sysfs");
	cr_assert_eq(ms_cma_area_used_pages(&a), MS_NA);
}

Test(parse_cma, area_names_are_directory_names)
{
	ms_cma_area a;

	cr_assert_eq(ms_cma_area_init(&a, "", 0), -EINVAL);
	cr_assert_eq(ms_cma_area_init(&a, "a/b", 3), -EINVAL);
	cr_assert_eq(ms_cma_area_init(&a, "a\0b", 3), -EINVAL);
	char longname[80];
	memset(longname, 'x', sizeof longname);
	cr_assert_eq(ms_cma_area_init(&a, longname, 64), -EINVAL);
	cr_assert_eq(ms_cma_area_init(&a, longname, 63), 0);
	cr_assert_eq(strlen(a.name), 63);
	cr_assert_eq(a.count, MS_NA);
}

Test(parse_cma, bad_values_name_the_file)
{
	ms_cma_area a;

	ms_cma_area_init(&a, "cma-0", 5);
	cr_assert_eq(ms_parse_cma_attr(&a, "used", "12 pages\n", 9, &err), -EINVAL);
	cr_assert(strstr(err.msg, "used") != NULL, "%s", err.msg);
	cr_assert_eq(ms_parse_cma_attr(&a, "count", "-1\n", 3, &err), -EINVAL);
	cr_assert_eq(a.used, MS_NA);
	cr_assert_eq(a.count, MS_NA);
	/* Files it does not read are no error, whatever they hold. */
	cr_assert_eq(ms_parse_cma_attr(&a, "bitmap", "\x01\x02", 2, &err), 0);
	cr_assert_eq(ms_parse_cma_attr(&a, "gcma", "junk", 4, &err), 0);
}

Test(parse_cma, one_value_files)
{
	int64_t v = 0;
	char s[8];

	cr_assert_eq(ms_parse_sysfs_number("42\n", 3, &v, &err), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(ms_parse_sysfs_number("42", 2, &v, &err), 0, "no newline");
	cr_assert_eq(ms_parse_sysfs_number("-7\r\n", 4, &v, &err), 0);
	cr_assert_eq(v, -7);
	static const char *const bad[] = { "", "\n", " 42\n", "42 \n", "4 2\n", "42\n\n",
					   "42\n7\n", "0x10\n", "99999999999999999999\n", "-\n" };
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++)
		cr_assert_eq(ms_parse_sysfs_number(bad[i], strlen(bad[i]), &v, &err), -EINVAL,
			     "accepted '%s'", bad[i]);
	cr_assert_eq(ms_parse_sysfs_string("system\n", 7, s, sizeof s, &err), 0);
	cr_assert_str_eq(s, "system");
	cr_assert_eq(ms_parse_sysfs_string("", 0, s, sizeof s, &err), 0);
	cr_assert_str_eq(s, "");
	cr_assert_eq(ms_parse_sysfs_string("12345678\n", 9, s, sizeof s, &err), -EINVAL);
	cr_assert_eq(ms_parse_sysfs_string("a\nb\n", 4, s, sizeof s, &err), -EINVAL);
}

static void read_meminfo(const char *rel, ms_cma_meminfo *c)
{
	ms_kvlist kv = { 0 };

	cr_assert(tu_read_file(tu_corpus(rel), &buf), "%s", rel);
	cr_assert_eq(ms_parse_meminfo(buf.data, buf.len, &kv, &err), 0, "%s", err.msg);
	ms_cma_meminfo_read(&kv, c);
	ms_kvlist_free(&kv);
}

Test(parse_cma, meminfo_lines_of_real_boards)
{
	ms_cma_meminfo c;

	if (!tu_corpus(""))
		cr_skip_test("corpus absent");
	read_meminfo("r36s-clone-rk3326-arkos-5.10.160/proc/meminfo", &c);
	cr_assert_eq(c.total_kb, 131072);
	cr_assert_eq(c.free_kb, 77664);
	cr_assert_eq(c.allocated_kb, 1280);
	cr_assert_eq(c.released_kb, 129792);
	read_meminfo("qemu-arm-6.1/arm64-6.1-cma64-psi/proc/meminfo", &c);
	cr_assert_eq(c.total_kb, 65536);
	cr_assert_eq(c.free_kb, 64768);
	cr_assert_eq(c.allocated_kb, MS_NA, "a mainline kernel has no vendor lines");
	read_meminfo("aosp-libmeminfo/inline/SysMemInfo_TestSysMemInfoFile__meminfo.txt", &c);
	cr_assert_eq(c.total_kb, 131072);
	cr_assert_eq(c.free_kb, 130380);
	read_meminfo("zte-router-armv7-4.1.25/proc/meminfo", &c);
	cr_assert_eq(c.total_kb, 0);
}
