/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zram's sysfs files: mm_stat of every width (6 to 10 fields), io_stat,
 * bd_stat, disksize, comp_algorithm; our capture of a zram device written
 * with known data (tests/fixtures/README.md), the qemu board's and AOSP's. */
#include <criterion/criterion.h>
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

static void load(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "%s", path);
}

static int mm_stat_str(const char *s, ms_zram_mm_stat *m)
{
	return ms_parse_zram_mm_stat(s, strlen(s), m, &err);
}

TestSuite(parse_zram, .fini = teardown);

Test(parse_zram, linux_6_18_written_with_known_data)
{
	ms_zram_mm_stat m;
	ms_zram_io_stat io;
	ms_zram_comp c;
	int64_t disksize;

	load(tu_fixture("zram/linux-6.18-x86_64-lz4/mm_stat"));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.nfields, 9);
	cr_assert_eq(m.orig_data_size, 19927040);
	cr_assert_eq(m.compr_data_size, 4163408);
	cr_assert_eq(m.mem_used_total, 4603904);
	cr_assert_eq(m.mem_limit, 0);
	cr_assert_eq(m.mem_used_max, 4603904);
	/* 2 MiB of zeros and 1 MiB of random bytes, in 4 KiB pages. */
	cr_assert_eq(m.same_pages, 512);
	cr_assert_eq(m.huge_pages, 256);
	cr_assert_eq(m.huge_pages_since, 256);
	cr_assert_eq(m.extra[0], MS_NA);
	load(tu_fixture("zram/linux-6.18-x86_64-lz4/io_stat"));
	cr_assert_eq(ms_parse_zram_io_stat(buf.data, buf.len, &io, &err), 0, "%s", err.msg);
	cr_assert_eq(io.failed_reads, 0);
	cr_assert_eq(io.notify_free, 0);
	load(tu_fixture("zram/linux-6.18-x86_64-lz4/disksize"));
	cr_assert_eq(ms_parse_single_number(buf.data, buf.len, &disksize, &err), 0);
	cr_assert_eq(disksize, 64 << 20);
	load(tu_fixture("zram/linux-6.18-x86_64-lz4/comp_algorithm"));
	cr_assert_eq(ms_parse_zram_comp_algorithm(buf.data, buf.len, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.current, "lz4");
	cr_assert_eq(c.n, 3);
	cr_assert_str_eq(c.available[0], "lzo-rle");
}

Test(parse_zram, mm_stat_of_every_width)
{
	ms_zram_mm_stat m;

	load(tu_fixture("zram/mm_stat-4.4-7-fields"));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.nfields, 7);
	cr_assert_eq(m.pages_compacted, 5);
	cr_assert_eq(m.huge_pages, MS_NA);
	load(tu_fixture("zram/mm_stat-5.4-8-fields"));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.huge_pages, 38);
	cr_assert_eq(m.huge_pages_since, MS_NA);
	load(tu_fixture("zram/mm_stat-zpool-6-fields"));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.same_pages, 0);
	cr_assert_eq(m.pages_compacted, MS_NA);
	load(tu_fixture("zram/mm_stat-dedup-10-fields"));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.nfields, 10);
	cr_assert_eq(m.huge_pages_since, 4096);
	cr_assert_eq(m.extra[0], 8192);
}

Test(parse_zram, malformed)
{
	ms_zram_mm_stat m;
	ms_zram_comp c;
	int64_t v;

	cr_assert_eq(mm_stat_str("1 2 3 4 5\n", &m), -EINVAL);
	cr_assert_eq(m.nfields, 0);
	cr_assert_eq(m.orig_data_size, MS_NA);
	cr_assert_eq(mm_stat_str("1 2 3 4 5 x\n", &m), -EINVAL);
	cr_assert_eq(mm_stat_str("1 2 3 4 5 -6\n", &m), -EINVAL);
	cr_assert_eq(mm_stat_str("1 2 3 4 5 6 7 8 9 10 11 12 13 14\n", &m), -EINVAL);
	cr_assert_eq(mm_stat_str("1 2 3 4 5 6\n7\n", &m), -EINVAL);
	cr_assert_eq(mm_stat_str("1 2 3 4 5 6\n\n", &m), 0);
	cr_assert_eq(ms_parse_single_number("", 0, &v, &err), -EINVAL);
	cr_assert_eq(v, MS_NA);
	cr_assert_eq(ms_parse_single_number("12 13", 5, &v, &err), -EINVAL);
	cr_assert_eq(ms_parse_zram_comp_algorithm("lzo lz4\n", 8, &c, &err), -EINVAL);
	cr_assert_eq(ms_parse_zram_comp_algorithm("[lzo] [lz4]\n", 12, &c, &err), -EINVAL);
	cr_assert_eq(ms_parse_zram_comp_algorithm("[]\n", 3, &c, &err), -EINVAL);
	cr_assert_eq(c.n, 0);
	cr_assert_eq(ms_parse_zram_comp_algorithm("[zstd]", 6, &c, &err), 0);
	cr_assert_str_eq(c.current, "zstd");
}

Test(parse_zram, qemu_arm64_board_and_aosp)
{
	const char *dir = tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/sys/block/zram0");
	ms_zram_mm_stat m;
	ms_zram_bd_stat bd;
	ms_zram_comp c;
	char path[1024];

	if (!dir)
		cr_skip_test("no corpus");
	snprintf(path, sizeof path, "%s/mm_stat", dir);
	load(path);
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.orig_data_size, 25853952);
	cr_assert_eq(m.compr_data_size, 263749);
	cr_assert_eq(m.mem_used_total, 487424);
	cr_assert_eq(m.same_pages, 24);
	snprintf(path, sizeof path, "%s/bd_stat", dir);
	load(path);
	cr_assert_eq(ms_parse_zram_bd_stat(buf.data, buf.len, &bd, &err), 0, "%s", err.msg);
	cr_assert_eq(bd.bd_writes, 0);
	snprintf(path, sizeof path, "%s/comp_algorithm", dir);
	load(path);
	cr_assert_eq(ms_parse_zram_comp_algorithm(buf.data, buf.len, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.current, "lzo-rle");
	cr_assert_eq(c.n, 5);
	/* AOSP libmeminfo: mem_zram_kb = mm_stat's third column / 1024. */
	load(tu_corpus("aosp-libmeminfo/testdata1/mm_stat"));
	cr_assert_eq(ms_parse_zram_mm_stat(buf.data, buf.len, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.mem_used_total / 1024, 30504);
	int64_t used;
	load(tu_corpus("aosp-libmeminfo/testdata2/mem_used_total"));
	cr_assert_eq(ms_parse_single_number(buf.data, buf.len, &used, &err), 0, "%s", err.msg);
	cr_assert_eq(used / 1024, 30504);
}

Test(parse_zram, every_truncation_of_mm_stat)
{
	load(tu_fixture("zram/linux-6.18-x86_64-lz4/mm_stat"));
	for (size_t n = 0; n <= buf.len; n++) {
		ms_zram_mm_stat m;
		int rc = ms_parse_zram_mm_stat(buf.data, n, &m, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && m.nfields == 0), "cut at %zu", n);
	}
}
