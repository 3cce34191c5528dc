/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/swaps: 6.x layout with escapes, 2.6.18 with unescaped spaces, the
 * corpus captures, and every truncation. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_swaplist sl;
static ms_error err;

static void teardown(void)
{
	ms_swaplist_free(&sl);
	ms_buf_free(&buf);
}

static int swaps_file(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "%s", path);
	return ms_parse_swaps(buf.data, buf.len, &sl, &err);
}

static int swaps_str(const char *s)
{
	return ms_parse_swaps(s, strlen(s), &sl, &err);
}

#define HEADER "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

TestSuite(parse_swaps, .fini = teardown);

Test(parse_swaps, escaped_paths_and_a_deleted_file)
{
	cr_assert_eq(swaps_file(tu_fixture("swaps/escaped-deleted-6.x")), 0, "%s", err.msg);
	cr_assert_eq(sl.n, 4);
	cr_assert_str_eq(sl.items[0].path, "/dev/mmcblk0p3");
	cr_assert_str_eq(sl.items[0].type, "partition");
	cr_assert_eq(sl.items[0].size_kb, 524284);
	cr_assert_eq(sl.items[0].priority, -2);
	cr_assert_str_eq(sl.items[1].path, "/var/swap file");
	cr_assert_str_eq(sl.items[1].type, "file");
	cr_assert_eq(sl.items[1].used_kb, 1024);
	cr_assert_str_eq(sl.items[2].path, "/swapfile (deleted)");
	cr_assert_eq(sl.items[3].size_kb, 12582908);
	cr_assert_eq(sl.items[3].used_kb, 4102);
	cr_assert_eq(sl.items[3].priority, 100);
}

Test(parse_swaps, linux_2_6_18_spaces_unescaped)
{
	cr_assert_eq(swaps_file(tu_fixture("swaps/linux-2.6.18-unescaped")), 0, "%s", err.msg);
	cr_assert_eq(sl.n, 2);
	cr_assert_str_eq(sl.items[1].path, "/mnt/old swap file");
	cr_assert_eq(sl.items[1].size_kb, 65528);
	cr_assert_eq(sl.items[1].used_kb, 12);
}

Test(parse_swaps, no_swap_is_a_header_alone)
{
	cr_assert_eq(swaps_file(tu_fixture("swaps/linux-6.18-x86_64-none")), 0, "%s", err.msg);
	cr_assert_eq(sl.n, 0);
}

Test(parse_swaps, malformed)
{
	cr_assert_eq(swaps_str(""), -EINVAL);
	cr_assert_eq(swaps_str("Filename Type Size\n"), -EINVAL);
	cr_assert_eq(swaps_str(HEADER "/dev/sda2 partition 100 0\n"), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(swaps_str(HEADER "/dev/sda2 partition 100 x -1\n"), -EINVAL);
	cr_assert_eq(swaps_str(HEADER "/dev/a partition 1 0 -1\n/dev/b partition -5 0 -1\n"),
		     -EINVAL);
	cr_assert_eq(sl.n, 0);
	cr_assert_eq(swaps_str(HEADER "/a partition-with-a-long-type-name 1 0 -1\n"), -EINVAL);
}

Test(parse_swaps, corpus)
{
	static const struct {
		const char *file;
		size_t n;
	} files[] = {
		{ "qemu-arm-6.1/arm64-6.1-cma64-psi/proc/swaps", 2 },
		{ "qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc/swaps", 0 },
		{ "prometheus-procfs/unpacked/fixtures/proc/swaps", 1 },
		{ "jiofi-jmr540-mdm9607-armv7/proc/swaps", 0 },
		{ "goclever-insignia5-android/proc/swaps", 0 },
		{ "xilinx-zynq-armv7-4.4/proc/swaps", 0 },
	};
	if (!tu_corpus(files[0].file))
		cr_skip_test("no corpus");
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++) {
		ms_swaplist_free(&sl);
		cr_assert_eq(swaps_file(tu_corpus(files[i].file)), 0, "%s: %s", files[i].file,
			     err.msg);
		cr_assert_eq(sl.n, files[i].n, "%s", files[i].file);
	}
	ms_swaplist_free(&sl);
	swaps_file(tu_corpus(files[0].file));
	cr_assert_str_eq(sl.items[0].path, "/dev/zram0");
	cr_assert_eq(sl.items[0].size_kb, 196604);
	cr_assert_eq(sl.items[0].used_kb, 25344);
	cr_assert_eq(sl.items[1].priority, -2);
}

Test(parse_swaps, every_truncation_of_a_fixture)
{
	cr_assert(tu_read_file(tu_fixture("swaps/escaped-deleted-6.x"), &buf));
	for (size_t n = 0; n <= buf.len; n++) {
		ms_swaplist l;
		int rc = ms_parse_swaps(buf.data, n, &l, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && l.n == 0), "cut at %zu", n);
		ms_swaplist_free(&l);
	}
}
