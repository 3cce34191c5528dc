/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zoneinfo. Values come from the fixtures (tests/fixtures/README.md), read
 * by eye. The 2.6.16 to 4.x layouts are covered by the corpus suite. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_zoneinfo zi;
static ms_error err;

static void setup(void)
{
	memset(&zi, 0, sizeof zi);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_zoneinfo_free(&zi);
	ms_buf_free(&buf);
}

TestSuite(parse_zoneinfo, .init = setup, .fini = teardown);

Test(parse_zoneinfo, linux_6_18_x86_64)
{
	TU_PARSE_FIXTURE(ms_parse_zoneinfo, "zoneinfo/linux-6.18-x86_64", &zi, &err);
	cr_assert_eq(zi.n, 5);
	ms_zone *dma = &zi.zones[0], *normal = &zi.zones[2];
	cr_assert_str_eq(dma->zone, "DMA");
	cr_assert_eq(dma->free_pages, 3840);
	cr_assert_eq(dma->min, 45);
	cr_assert_eq(dma->high, 67);
	cr_assert_eq(dma->managed, 3840);
	cr_assert_eq(dma->cma, 0);
	cr_assert_eq(dma->nprotection, 5);
	cr_assert_eq(dma->protection[1], 3019);
	cr_assert_eq(dma->protection[2], 5579);
	/* Per-node stats sit in the first zone. */
	cr_assert_eq(ms_kvlist_get(&dma->stats, "nr_kernel_stack"), 1540);
	cr_assert_eq(ms_kvlist_get(&dma->stats, "start_pfn"), 1);
	cr_assert_str_eq(normal->zone, "Normal");
	cr_assert_eq(normal->free_pages, 59599);
	cr_assert_eq(normal->min, 7731);
	cr_assert_eq(normal->high, 11595);
	cr_assert_eq(normal->managed, 655360);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "nr_zone_write_pending"), 28243);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "start_pfn"), 1048576);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "nr_kernel_stack"), MS_NA);
	cr_assert_str_eq(zi.zones[4].zone, "Device");
	cr_assert_eq(zi.zones[4].free_pages, 0);
	cr_assert_eq(zi.zones[4].present, 0);
}

Test(parse_zoneinfo, two_nodes_cma_and_pagesets_are_not_watermarks)
{
	TU_PARSE_FIXTURE(ms_parse_zoneinfo, "zoneinfo/arm64-2node-6.1", &zi, &err);
	cr_assert_eq(zi.n, 4);
	ms_zone *dma = &zi.zones[0];
	cr_assert_eq(dma->cma, 65536);
	cr_assert_eq(dma->free_pages, 102400);
	/* "high:  378" of the pagesets must not replace the watermark. */
	cr_assert_eq(dma->high, 1536);
	cr_assert_eq(dma->nprotection, 4);
	cr_assert_eq(dma->protection[2], 3519);
	cr_assert_eq(ms_kvlist_get(&dma->stats, "nr_free_cma"), 60000);
	cr_assert_eq(ms_kvlist_get(&dma->stats, "boost"), 0);
	cr_assert_eq(ms_kvlist_get(&dma->stats, "count"), MS_NA);
	cr_assert_eq(ms_kvlist_get(&dma->stats, "batch"), MS_NA);
	cr_assert_eq(ms_kvlist_get(&dma->stats, "node_unreclaimable"), 0);
	cr_assert_eq(zi.zones[1].high, 3072);
	cr_assert_eq(ms_kvlist_get(&zi.zones[1].stats, "high_max"), MS_NA);
	ms_zone *mov = &zi.zones[2];
	cr_assert_str_eq(mov->zone, "Movable");
	cr_assert_eq(mov->managed, 0);
	cr_assert_eq(mov->stats.n, 1, "only boost");
	ms_zone *n1 = &zi.zones[3];
	cr_assert_eq(n1->node, 1);
	cr_assert_eq(ms_kvlist_get(&n1->stats, "nr_kernel_stack"), 1024);
	cr_assert_eq(n1->managed, 1032190);
	cr_assert_eq(ms_kvlist_get(&n1->stats, "start_pfn"), 1310720);
}

Test(parse_zoneinfo, fields_not_printed_are_na)
{
	const char *in = "Node 0, zone   Normal\n  pages free     12\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_zoneinfo, in, &zi, &err), 0, "%s", err.msg);
	cr_assert_eq(zi.zones[0].free_pages, 12);
	cr_assert_eq(zi.zones[0].managed, MS_NA);
	cr_assert_eq(zi.zones[0].cma, MS_NA);
	cr_assert_eq(zi.zones[0].nprotection, 0);
}

Test(parse_zoneinfo, malformed_input_is_an_error)
{
	static const struct {
		const char *in;
		unsigned line;
	} bad[] = {
		{ "", 0 },
		{ "  pages free 12\n", 1 },
		{ "Node 0, zone DMA\n  pages free x\n", 2 },
		{ "Node 0, zone DMA\n  pages free 99999999999999999999\n", 2 },
		{ "Node 0, zone DMA\n  pages 12\n", 2 },
		{ "Node 0, zone DMA\n        min\n", 2 },
		{ "Node 0, zone DMA\n        min 12 13\n", 2 },
		{ "Node 0, zone DMA\n        protection: 0, 1\n", 2 },
		{ "Node 0, zone DMA\n        protection: (0, 1\n", 2 },
		{ "Node 0, zone DMA\n        protection: (0, 1, 2, 3, 4, 5, 6, 7, 8)\n", 2 },
		{ "Node 0, zone DMA extra\n", 1 },
		{ "Node 0, zone DMA\n  nr_\x01x 5\n", 2 },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(TU_PARSE_STR(ms_parse_zoneinfo, bad[i].in, &zi, &err), -EINVAL,
			     "accepted %s", bad[i].in);
		cr_assert_eq(err.line, bad[i].line, "%s: line %u", bad[i].in, err.line);
		cr_assert_eq(zi.n, 0);
	}
}

Test(parse_zoneinfo, nul_byte_in_a_value)
{
	static const char in[] = "Node 0, zone DMA\n  pages free 1\0 2\n";
	cr_assert_eq(ms_parse_zoneinfo(in, sizeof in - 1, &zi, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
}

/* Any cut of a real file parses, or fails with EINVAL and leaves nothing. */
Test(parse_zoneinfo, every_truncation_of_the_fixture)
{
	tu_fixture_read("zoneinfo/arm64-2node-6.1", &buf);
	for (size_t n = 0; n <= buf.len; n++) {
		ms_zoneinfo z = { 0 };
		int rc = ms_parse_zoneinfo(buf.data, n, &z, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && z.n == 0), "cut at %zu: %d", n, rc);
		ms_zoneinfo_free(&z);
	}
}
