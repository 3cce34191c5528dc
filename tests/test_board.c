/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The board snapshots: data/board-{arm64,armv7}-qemu.tar.gz (captured by
 * memscope in a qemu-system guest running Debian's ARM kernels, doc/board.md)
 * and the hand-made 16K-page snapshot tests/fixtures/snapshots/pagesize16k.
 *
 * Each view is run through the built binary, as a user on a desktop would,
 * and the JSON is checked for figures computed by hand from the raw files
 * (the arithmetic is in the comments). The same suite runs on the armhf
 * build under qemu-arm (tests/board/cross-test.sh): addresses above 4 GB and
 * byte counts above 4 GiB must survive a 32-bit long and size_t.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* Runs "memscope ARGS -s SNAPSHOT -f json" and returns its output. */
static void run_json(ms_buf *out, const char *args, const char *snapshot)
{
	char cmd[4096];

	snprintf(cmd, sizeof cmd, "'%s' %s -s '%s' -f json", tu_bin(), args, snapshot);
	cr_assert_eq(tu_run(cmd, out), 0, "%s failed", cmd);
	cr_assert_not_null(out->data);
}

static void expect_has(const ms_buf *out, const char *needle)
{
	cr_expect_not_null(strstr(out->data, needle), "missing %s in %.400s", needle, out->data);
}

static const char *board(const char *name)
{
	/* data/ is two levels above tests/fixtures/. */
	static char path[4096];

	snprintf(path, sizeof path, "%s/../../data/%s", tu_fixture(""), name);
	return path;
}

Test(board16k, page_size_from_metadata)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "meminfo", tu_fixture("snapshots/pagesize16k"));
	expect_has(&out, "\"machine\":\"aarch64\",\"page_size\":16384,"
			 "\"page_size_origin\":\"metadata\"");
	expect_has(&out, "\"Hugepagesize\":32768");
	ms_buf_free(&out);
}

/* DMA: 10 + 8*2 + 6*4 + 4*8 + 3*16 + 2*32 + 2*64 + 1*128 + 1*256 + 1*512
 * + 1*1024 + 30*2048 = 63682 pages of 16 kB = 1018912 kB; Normal:
 * 120 + 64*2 + 20*4 + 9*8 + 2*16 + 1*32 = 464 pages = 7424 kB. */
Test(board16k, buddy_counts_16k_pages)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "buddy", tu_fixture("snapshots/pagesize16k"));
	expect_has(&out, "\"pageblock_order\":11,\"pages_per_block\":2048");
	expect_has(&out, "\"free\":[10,8,6,4,3,2,2,1,1,1,1,30],\"free_kb\":1018912");
	expect_has(&out, "\"free\":[120,64,20,9,2,1,0,0,0,0,0,0],\"free_kb\":7424");
	expect_has(&out, "\"CMA\":[0,0,0,0,0,0,0,0,0,0,0,8]");
	ms_buf_free(&out);
}

/* kmalloc-128: 281250 slabs * 1 page * 16384 B = 4608000000 B = 4500000 kB
 * (over 4 GiB); used 36000000 * 128 B = 4500000 kB. task_struct: 30 * 2 *
 * 16 kB = 960 kB, used 180 * 4416 / 1024 = 776 kB. Totals: 4500000 + 96000 +
 * 6400 + 960 = 4603360 kB; used 4500000 + 93750 + 6125 + 776 = 4600651 kB. */
Test(board16k, slab_bytes_over_4gib)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "slabs", tu_fixture("snapshots/pagesize16k"));
	expect_has(&out, "{\"name\":\"kmalloc-128\",\"active_objs\":36000000,"
			 "\"num_objs\":36000000,\"objsize\":128,\"objperslab\":128,"
			 "\"pagesperslab\":1,\"active_slabs\":281250,\"num_slabs\":281250,"
			 "\"size_kb\":4500000,\"used_kb\":4500000");
	expect_has(&out, "\"size_kb\":960,\"used_kb\":776");
	expect_has(&out, "\"totals\":{\"size_kb\":4603360,\"used_kb\":4600651");
	ms_buf_free(&out);
}

/* smaps of pid 812 says KernelPageSize 16 kB; the heap is
 * 0x555561aa0000 - 0x5555612a0000 = 0x800000 B = 8192 kB. USS = Private_Clean
 * + Private_Dirty = 64 + 6144 + 0 + 48 = 6256 kB. */
Test(board16k, vma_of_a_16k_process)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "vma 812", tu_fixture("snapshots/pagesize16k"));
	expect_has(&out, "{\"start\":\"5555612a0000\",\"end\":\"555561aa0000\",\"perms\":\"rw-p\"");
	expect_has(&out, "\"path\":\"[heap]\",\"size_kb\":8192,\"rss_kb\":6144,\"pss_kb\":6144,"
			 "\"uss_kb\":6144,\"swap_kb\":512");
	expect_has(&out, "\"totals\":{\"size_kb\":10000,\"rss_kb\":7504,\"pss_kb\":6464,"
			 "\"uss_kb\":6256,\"swap_kb\":512");
	ms_buf_free(&out);
}

/* The awk of the arm64 guest (pid 93) holds a 16 MB string in one mapping
 * above 4 GB: 0xffffb09dd000 - 0xffffafa9a000 = 0xf43000 B = 15628 kB, all
 * resident (smaps: Rss 15628 kB). */
Test(board, arm64_address_above_4gb)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "vma 93", board("board-arm64-qemu.tar.gz"));
	expect_has(&out, "\"machine\":\"aarch64\",\"page_size\":4096");
	expect_has(&out, "{\"start\":\"ffffafa9a000\",\"end\":\"ffffb09dd000\",\"perms\":\"rw-p\"");
	expect_has(&out, "\"size_kb\":15628,\"rss_kb\":15628");
	ms_buf_free(&out);
}

/* buddyinfo DMA 58 23 14 4 5 2 1 2 3 3 474: 58 + 46 + 56 + 32 + 80 + 64 + 64
 * + 256 + 768 + 1536 + 474*1024 = 488336 pages = 1953344 kB, which is also
 * meminfo's MemFree (one zone). */
Test(board, arm64_buddy_and_cma)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "buddy", board("board-arm64-qemu.tar.gz"));
	expect_has(&out, "\"zone\":\"DMA\",\"free\":[58,23,14,4,5,2,1,2,3,3,474],"
			 "\"free_kb\":1953344");
	ms_buf_reset(&out);
	run_json(&out, "meminfo", board("board-arm64-qemu.tar.gz"));
	expect_has(&out, "\"MemFree\":1953344");
	expect_has(&out, "\"CmaTotal\":65536");
	ms_buf_free(&out);
}

/* armv7 LPAE: the buddy free of each zone equals meminfo's own figure for it.
 * DMA 5 3 1 3 4 4 3 3 5 2 3 86 = 5 + 6 + 4 + 24 + 64 + 128 + 192 + 384 + 1280
 * + 1024 + 3072 + 176128 = 182311 pages = 729244 kB = LowFree;
 * HighMem 1 11 6 6 9 6 2 1 2 5 3 152 = 1 + 22 + 24 + 48 + 144 + 192 + 128 + 128
 * + 512 + 2560 + 3072 + 311296 = 318127 pages = 1272508 kB = HighFree. */
Test(board, armv7_lowmem_and_highmem)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "buddy", board("board-armv7-qemu.tar.gz"));
	expect_has(&out, "\"machine\":\"armv7l\"");
	expect_has(&out, "\"zone\":\"DMA\",\"free\":[5,3,1,3,4,4,3,3,5,2,3,86],\"free_kb\":729244");
	expect_has(&out, "\"zone\":\"HighMem\",\"free\":[1,11,6,6,9,6,2,1,2,5,3,152],"
			 "\"free_kb\":1272508");
	ms_buf_reset(&out);
	run_json(&out, "meminfo", board("board-armv7-qemu.tar.gz"));
	expect_has(&out, "\"HighFree\":1272508");
	expect_has(&out, "\"LowFree\":729244");
	ms_buf_free(&out);
}

/* The BusyBox script's capture of the same guest reads as one too. */
Test(board, script_capture_reads)
{
	ms_buf out = MS_BUF_INIT;

	run_json(&out, "meminfo", board("board-arm64-qemu-sh.tar.gz"));
	expect_has(&out, "\"machine\":\"aarch64\"");
	expect_has(&out, "\"MemTotal\":2029440");
	ms_buf_free(&out);
}
