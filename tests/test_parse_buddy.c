/* SPDX-License-Identifier: GPL-2.0-or-later */
/* buddyinfo and pagetypeinfo. Values come from the fixtures
 * (tests/fixtures/README.md), read by eye. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_buddyinfo bi;
static ms_pagetypeinfo pt;
static ms_error err;

static void setup(void)
{
	memset(&bi, 0, sizeof bi);
	memset(&pt, 0, sizeof pt);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_buddyinfo_free(&bi);
	ms_pagetypeinfo_free(&pt);
	ms_buf_free(&buf);
}

static void assert_orders(const int64_t *got, const int64_t *want, int n)
{
	for (int i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "order %d: %lld != %lld", i, (long long)got[i],
			     (long long)want[i]);
}

/* ---- buddyinfo --------------------------------------------------------- */

TestSuite(parse_buddyinfo, .init = setup, .fini = teardown);

Test(parse_buddyinfo, linux_6_18_x86_64)
{
	static const int64_t normal[] = { 331, 805, 698, 456, 161, 64, 38, 15, 20, 1, 36 };

	TU_PARSE_FIXTURE(ms_parse_buddyinfo, "buddyinfo/linux-6.18-x86_64", &bi, &err);
	cr_assert_eq(bi.n, 3);
	cr_assert_str_eq(bi.zones[0].zone, "DMA");
	cr_assert_str_eq(bi.zones[1].zone, "DMA32");
	cr_assert_eq(bi.zones[1].free[10], 752);
	cr_assert_str_eq(bi.zones[2].zone, "Normal");
	cr_assert_eq(bi.zones[2].node, 0);
	cr_assert_eq(bi.zones[2].norders, 11);
	assert_orders(bi.zones[2].free, normal, 11);
}

Test(parse_buddyinfo, arm64_64k_pages_two_nodes_14_orders)
{
	TU_PARSE_FIXTURE(ms_parse_buddyinfo, "buddyinfo/arm64-64k-2node", &bi, &err);
	cr_assert_eq(bi.n, 4);
	cr_assert_eq(bi.zones[0].norders, 14);
	cr_assert_eq(bi.zones[0].free[13], 2);
	cr_assert_eq(bi.zones[2].node, 1);
	cr_assert_str_eq(bi.zones[2].zone, "Normal");
	cr_assert_eq(bi.zones[2].free[0], 88);
	cr_assert_eq(bi.zones[2].free[13], 3);
	cr_assert_str_eq(bi.zones[3].zone, "Movable");
	cr_assert_eq(bi.zones[3].free[5], 0);
}

Test(parse_buddyinfo, highmem_and_device_zones)
{
	TU_PARSE_FIXTURE(ms_parse_buddyinfo, "buddyinfo/armhf-highmem", &bi, &err);
	cr_assert_eq(bi.n, 3);
	cr_assert_str_eq(bi.zones[1].zone, "HighMem");
	cr_assert_eq(bi.zones[1].free[0], 614);
	cr_assert_eq(bi.zones[1].free[1], 883);
	cr_assert_str_eq(bi.zones[2].zone, "Device");
}

Test(parse_buddyinfo, differing_order_counts_are_an_error)
{
	const char *in = "Node 0, zone      DMA      1      0      1\n"
			 "Node 0, zone    DMA32      1      0      1      5\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_buddyinfo, in, &bi, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert(strstr(err.msg, "mismatch in number of buddyinfo buckets"), "%s", err.msg);
	cr_assert(strstr(err.msg, "previous count 3, new count 4"), "%s", err.msg);
	cr_assert_eq(bi.n, 0, "no garbage rows are left");
}

Test(parse_buddyinfo, orders_are_capped)
{
	char in[512];
	int n = snprintf(in, sizeof in, "Node 0, zone Normal");
	for (int i = 0; i <= MS_MAX_ORDERS; i++)
		n += snprintf(in + n, sizeof in - (size_t)n, " %d", i);
	cr_assert_eq(TU_PARSE_STR(ms_parse_buddyinfo, in, &bi, &err), -EINVAL);
	cr_assert(strstr(err.msg, "orders"), "%s", err.msg);

	/* Exactly MS_MAX_ORDERS is fine. */
	n = snprintf(in, sizeof in, "Node 0, zone Normal");
	for (int i = 0; i < MS_MAX_ORDERS; i++)
		n += snprintf(in + n, sizeof in - (size_t)n, " %d", i);
	cr_assert_eq(TU_PARSE_STR(ms_parse_buddyinfo, in, &bi, &err), 0, "%s", err.msg);
	cr_assert_eq(bi.zones[0].free[MS_MAX_ORDERS - 1], MS_MAX_ORDERS - 1);
}

Test(parse_buddyinfo, malformed_rows_are_errors)
{
	static const char *const bad[] = {
		"Node 0, zone\n",
		"Node 0, zone      DMA\n",
		"Node 0 zone DMA 1 2 3\n",
		"Node -1, zone DMA 1 2 3\n",
		"Node 0, zone DMA 1 -2 3\n",
		"Node 0, zone DMA 1 2x 3\n",
		"Node 0, zone DMA 1 99999999999999999999 3\n",
		"Node 0, zone AVeryLongZoneNameIndeed 1 2 3\n",
		"Node 0, zone D\x1bMA 1 2 3\n",
		"zone DMA 1 2 3\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(TU_PARSE_STR(ms_parse_buddyinfo, bad[i], &bi, &err), -EINVAL,
			     "accepted %s", bad[i]);
		cr_assert_eq(err.line, 1);
		cr_assert_eq(bi.n, 0);
	}
}

Test(parse_buddyinfo, empty_file_is_an_error)
{
	cr_assert_eq(TU_PARSE_STR(ms_parse_buddyinfo, "", &bi, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_buddyinfo, "\n \n", &bi, &err), -EINVAL);
}

Test(parse_buddyinfo, nul_byte_in_a_count)
{
	static const char in[] = "Node 0, zone DMA 1 2\0 3\n";
	cr_assert_eq(ms_parse_buddyinfo(in, sizeof in - 1, &bi, &err), -EINVAL);
}

/* ---- pagetypeinfo ------------------------------------------------------ */

TestSuite(parse_pagetypeinfo, .init = setup, .fini = teardown);

Test(parse_pagetypeinfo, linux_6_18_x86_64)
{
	static const int64_t normal_movable[] = { 214, 765, 456, 340, 139, 57, 37, 11, 17, 0, 36 };

	TU_PARSE_FIXTURE(ms_parse_pagetypeinfo, "pagetypeinfo/linux-6.18-x86_64", &pt, &err);
	cr_assert_eq(pt.page_block_order, 9);
	cr_assert_eq(pt.pages_per_block, 512);
	cr_assert_eq(pt.nfree, 15);
	ms_pagetype_free *f = &pt.free[11];
	cr_assert_str_eq(f->zone, "Normal");
	cr_assert_str_eq(f->type, "Movable");
	cr_assert_eq(f->norders, 11);
	assert_orders(f->free, normal_movable, 11);
	cr_assert_not(f->at_least[1]);
	cr_assert_eq(pt.ntypes, 5);
	cr_assert_str_eq(pt.types[0], "Unmovable");
	cr_assert_str_eq(pt.types[4], "Isolate");
	cr_assert_eq(pt.nblocks, 3);
	cr_assert_str_eq(pt.blocks[2].zone, "Normal");
	cr_assert_eq(pt.blocks[2].count[0], 63);
	cr_assert_eq(pt.blocks[2].count[1], 1162);
	cr_assert_eq(pt.blocks[2].count[2], 55);
	cr_assert_eq(pt.blocks[1].count[1], 1528);
}

Test(parse_pagetypeinfo, two_nodes_capped_count_null_type_mixed_table)
{
	TU_PARSE_FIXTURE(ms_parse_pagetypeinfo, "pagetypeinfo/x86_64-2node-page-owner", &pt, &err);
	cr_assert_eq(pt.page_block_order, 9);
	cr_assert_eq(pt.nfree, 12);
	/* ">100000" is the kernel's cap: a lower bound, flagged. */
	ms_pagetype_free *mov = &pt.free[1];
	cr_assert_str_eq(mov->type, "Movable");
	cr_assert_eq(mov->free[2], 100000);
	cr_assert(mov->at_least[2]);
	cr_assert_not(mov->at_least[1]);
	cr_assert_eq(mov->free[10], 401);
	cr_assert_str_eq(pt.free[4].type, "<NULL>");
	cr_assert_eq(pt.free[6].node, 1);
	cr_assert_str_eq(pt.free[6].zone, "Normal");
	cr_assert_eq(pt.free[7].free[0], 5121);
	/* Only the "Number of blocks type" rows, not the mixed ones. */
	cr_assert_eq(pt.ntypes, 6);
	cr_assert_str_eq(pt.types[4], "<NULL>");
	cr_assert_eq(pt.nblocks, 2);
	cr_assert_eq(pt.blocks[0].count[1], 1509);
	cr_assert_eq(pt.blocks[1].node, 1);
	cr_assert_eq(pt.blocks[1].count[1], 7830);
}

Test(parse_pagetypeinfo, rows_must_match_the_header)
{
	const char *fewer = "Page block order: 9\nPages per block:  512\n\n"
			    "Free pages count per migrate type at order  0  1  2\n"
			    "Node 0, zone DMA, type Movable 1 2\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pagetypeinfo, fewer, &pt, &err), -EINVAL);
	cr_assert_eq(err.line, 5);
	cr_assert_eq(pt.nfree, 0);

	const char *more = "Free pages count per migrate type at order  0  1\n"
			   "Node 0, zone DMA, type Movable 1 2 3\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pagetypeinfo, more, &pt, &err), -EINVAL);
	cr_assert_eq(err.line, 2);

	const char *blocks = "Free pages count per migrate type at order  0\n"
			     "Node 0, zone DMA, type Movable 1\n"
			     "Number of blocks type     Unmovable      Movable\n"
			     "Node 0, zone      DMA            1\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pagetypeinfo, blocks, &pt, &err), -EINVAL);
	cr_assert_eq(err.line, 4);
}

Test(parse_pagetypeinfo, malformed_input_is_an_error)
{
	static const char *const bad[] = {
		"",
		"Node 0, zone DMA, type Movable 1 2\n",           /* no header */
		"Page block order: x\n",
		"Free pages count per migrate type at order  0  2\n",
		"Free pages count per migrate type at order  0\nNode 0, zone DMA Movable 1\n",
		"Free pages count per migrate type at order  0\nNode 0, zone DMA, type M > 5\n",
		"Free pages count per migrate type at order  0\nNode 0, zone DMA, type M -5\n",
		"Free pages count per migrate type at order  0\nsomething else\n",
		"Page block order: 9\nPage block order: 10\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(TU_PARSE_STR(ms_parse_pagetypeinfo, bad[i], &pt, &err), -EINVAL,
			     "accepted %s", bad[i]);
		cr_assert_eq(pt.nfree, 0);
		cr_assert_eq(pt.page_block_order, -1);
	}
}

Test(parse_pagetypeinfo, too_many_migrate_types)
{
	char in[1024];
	int n = snprintf(in, sizeof in, "Free pages count per migrate type at order 0\n"
			 "Node 0, zone DMA, type A 1\nNumber of blocks type");
	for (int i = 0; i <= MS_MAX_MIGRATE; i++)
		n += snprintf(in + n, sizeof in - (size_t)n, " T%d", i);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pagetypeinfo, in, &pt, &err), -EINVAL);
	cr_assert_eq(err.line, 3);
}

Test(parse_pagetypeinfo, nodes_must_agree_on_the_headers)
{
	const char *in = "Page block order: 9\n"
			 "Free pages count per migrate type at order  0  1\n"
			 "Node 0, zone DMA, type Movable 1 2\n"
			 "Number of blocks type     Unmovable      Movable\n"
			 "Node 0, zone      DMA            1            2\n"
			 "Page block order: 9\n"
			 "Free pages count per migrate type at order  0  1\n"
			 "Node 1, zone Normal, type Movable 3 4\n"
			 "Number of blocks type     Unmovable      Reclaimable\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pagetypeinfo, in, &pt, &err), -EINVAL);
	cr_assert_eq(err.line, 9);
	cr_assert(strstr(err.msg, "migrate types"), "%s", err.msg);
}

/* Any cut of a real file parses, or fails with EINVAL and leaves nothing:
 * never a crash, never a half-filled result. */
Test(parse_buddy_hostile, every_truncation_of_the_fixtures)
{
	ms_buf pbuf = MS_BUF_INIT;
	tu_fixture_read("buddyinfo/arm64-64k-2node", &buf);
	tu_fixture_read("pagetypeinfo/x86_64-2node-page-owner", &pbuf);
	for (size_t n = 0; n <= buf.len; n++) {
		ms_buddyinfo b = { 0 };
		int rc = ms_parse_buddyinfo(buf.data, n, &b, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && b.n == 0), "cut at %zu: %d", n, rc);
		ms_buddyinfo_free(&b);
	}
	for (size_t n = 0; n <= pbuf.len; n++) {
		ms_pagetypeinfo p = { 0 };
		int rc = ms_parse_pagetypeinfo(pbuf.data, n, &p, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && p.nfree == 0), "cut at %zu: %d", n, rc);
		ms_pagetypeinfo_free(&p);
	}
	ms_buf_free(&pbuf);
	ms_buf_free(&buf);
}
