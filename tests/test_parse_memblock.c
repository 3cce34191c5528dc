/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * debugfs memblock/{memory,reserved}: the qemu arm64 and armv7 captures of
 * ../shared/corpus (sums added up independently with Python), the 6.4+
 * format with node and flag, the 3.x 32-bit format, hostile lines and the
 * truncation sweep.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_memblock mb;
static ms_error err;

static void teardown(void)
{
	ms_memblock_free(&mb);
	ms_buf_free(&buf);
}

TestSuite(parse_memblock, .fini = teardown);

static int parse_str(const char *s)
{
	ms_memblock_free(&mb);
	return ms_parse_memblock(s, strlen(s), &mb, &err);
}

static void parse_path(const char *path)
{
	ms_memblock_free(&mb);
	cr_assert(tu_read_file(path, &buf), "cannot read %s", path);
	cr_assert_eq(ms_parse_memblock(buf.data, buf.len, &mb, &err), 0, "%s: line %u: %s",
		     path, err.line, err.msg);
}

#define QEMU "qemu-arm-6.1/"

Test(parse_memblock, linux_6_1_arm64_and_armv7_lpae)
{
	if (!tu_corpus(""))
		cr_skip_test("corpus absent");
	parse_path(tu_corpus(QEMU "arm64-6.1-cma64-psi/sys/kernel/debug/memblock/memory"));
	cr_assert_eq(mb.n, 1);
	cr_assert_eq(ms_memblock_bytes(&mb, NULL), 0x80000000);
	cr_assert_eq(mb.r[0].nid, -1);
	cr_assert_str_eq(mb.r[0].flags, "");
	parse_path(tu_corpus(QEMU "arm64-6.1-cma64-psi/sys/kernel/debug/memblock/reserved"));
	cr_assert_eq(mb.n, 20);
	cr_assert_eq(ms_memblock_bytes(&mb, NULL), 147776056);
	cr_assert_eq(mb.r[19].base, 0xbfbfc000);
	parse_path(tu_corpus(QEMU "armv7lpae-6.1-256m-nocma-globaloom/sys/kernel/debug/memblock/"
				  "memory"));
	cr_assert_eq(ms_memblock_bytes(&mb, NULL), 0x10000000);
	parse_path(tu_corpus(QEMU "armv7lpae-6.1-256m-nocma-globaloom/sys/kernel/debug/memblock/"
				  "reserved"));
	cr_assert_eq(mb.n, 19);
	cr_assert_eq(ms_memblock_bytes(&mb, NULL), 30999266);
}

Test(parse_memblock, linux_6_6_node_and_flags)
{
	parse_path(tu_fixture("memblock/arm64-6.6-reserved-nid-flags"));
	cr_assert_eq(mb.n, 6);
	cr_assert_eq(mb.r[2].nid, -1, "'x': no node");
	cr_assert_eq(mb.r[5].nid, 1);
	cr_assert_str_eq(mb.r[1].flags, "RSV_KERN");
	cr_assert_eq(ms_memblock_bytes(&mb, "NOMAP"), 0x200000);
	cr_assert_eq(ms_memblock_bytes(&mb, "HOTPLUG"), 0x80000000);
	cr_assert_eq(ms_memblock_bytes(&mb, "MIRROR"), 0);
}

Test(parse_memblock, linux_3_18_32_bit)
{
	parse_path(tu_fixture("memblock/armv7-3.18-memory"));
	cr_assert_eq(mb.n, 3);
	cr_assert_eq(ms_memblock_bytes(&mb, NULL), 0x2a00000 + 0x500000 + 0x8000000);
}

Test(parse_memblock, hostile_lines_empty_the_result)
{
	static const char *const bad[] = {
		"   1: 0x0..0xfff\n",
		"   0: 0x1000..0xfff\n",
		"   0: 0x0..0xfff 0\n",
		"   0: 0x0..0xfff 0 NONE extra\n",
		"   0: 0x0..0xfff -1 NONE\n",
		"   0: 0x0..0xfff 0 A_FLAG_NAME_LONGER_THAN_THE_FIELD\n",
		"   0: 0x0..0xfffz\n",
		"   0: 0x0-0xfff\n",
		"   0 0x0..0xfff\n",
		"   0: 0x..0xfff\n",
		"   0: 0x0..0x10000000000000000\n",
		"",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(parse_str(bad[i]), -EINVAL, "accepted %s", bad[i]);
		cr_assert_eq(mb.n, 0);
		cr_assert_null(mb.r);
	}
	/* The whole 64-bit space does not fit a byte count. */
	cr_assert_eq(parse_str("   0: 0x0..0xffffffffffffffff\n"), 0);
	cr_assert_eq(ms_memblock_bytes(&mb, NULL), MS_NA);
}

Test(parse_memblock, every_truncation_of_a_real_file)
{
	const char *path = tu_corpus(QEMU "arm64-6.1-cma64-psi/sys/kernel/debug/memblock/reserved");
	if (!path)
		path = tu_fixture("memblock/arm64-6.6-reserved-nid-flags");
	cr_assert(tu_read_file(path, &buf));
	for (size_t n = 0; n <= buf.len; n++) {
		ms_memblock t = { 0 };
		int rc = ms_parse_memblock(buf.data, n, &t, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && t.n == 0 && !t.r), "cut at %zu: %d", n, rc);
		ms_memblock_free(&t);
	}
}
