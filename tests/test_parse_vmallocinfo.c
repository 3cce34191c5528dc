/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/vmallocinfo: the AOSP libmeminfo oracle (EXPECTED.md), every
 * vmallocinfo of ../shared/corpus and this machine's against an
 * independent reading (tests/independent_kernelmem.py), formats from 3.x
 * to 6.10 (fixtures/README.md), grouping, hostile files and truncation.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_vmallocinfo vi;
static ms_error err;

static void setup(void)
{
	memset(&vi, 0, sizeof vi);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_vmallocinfo_free(&vi);
	ms_buf_free(&buf);
}

TestSuite(parse_vmallocinfo, .init = setup, .fini = teardown);

static int parse_str(const char *s)
{
	ms_vmallocinfo_free(&vi);
	return ms_parse_vmallocinfo(s, strlen(s), &vi, &err);
}

static void parse_path(const char *path)
{
	ms_vmallocinfo_free(&vi);
	cr_assert(tu_read_file(path, &buf), "cannot read %s", path);
	cr_assert_eq(ms_parse_vmallocinfo(buf.data, buf.len, &vi, &err), 0, "%s: line %u: %s",
		     path, err.line, err.msg);
}

static ms_vmalloc_totals totals(void)
{
	ms_vmalloc_totals t;
	ms_vmalloc_add_up(&vi, &t);
	return t;
}

#define AOSP "aosp-libmeminfo/"

/* ---- the AOSP libmeminfo oracle ------------------------------------------- */

/* libmeminfo_benchmark.cpp: ReadVmallocInfo(testdata1/vmallocinfo) ==
 * 29884416 bytes with 4K pages. It sums pages=N over every line; so do
 * totals.all.pages. */
Test(parse_vmallocinfo, aosp_testdata1_is_29184_kb)
{
	const char *path = tu_corpus(AOSP "testdata1/vmallocinfo");
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	ms_vmalloc_totals t = totals();
	cr_assert_eq(vi.n, 1774);
	cr_assert(vi.hidden, "kptr_restrict prints every address as 0");
	cr_assert_eq(t.all.pages * 4096, 29884416);
	cr_assert_eq(ms_vmalloc_pages_kb(t.all.pages, 4096), 29184);
	/* ioremap areas map devices: no pages= on any of them. */
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_IOREMAP].pages, 0);
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_IOREMAP].count, 777);
	/* CRLF line ends: the last word is still a flag, not "vmalloc\r". */
	cr_assert_eq(vi.areas[vi.n - 1].flags, MS_VMALLOC_VMALLOC);
	cr_assert_str_eq(ms_vmalloc_caller(&vi, vi.n - 1), "pcpu_get_vm_areas+0x0/0x800");
}

/* libmeminfo_test.cpp, TestVmallocInfo{NoMemory,Kernel,Module,All}. */
static int64_t inline_pages(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, AOSP "inline/SysMemInfo_TestVmallocInfo%s__vmallocinfo.txt",
		 name);
	parse_path(tu_corpus(rel));
	return totals().all.pages;
}

Test(parse_vmallocinfo, aosp_inline_cases)
{
	if (!tu_corpus(""))
		cr_skip_test("corpus absent");
	cr_assert_eq(inline_pages("NoMemory"), 0);
	cr_assert_eq(vi.n, 4);
	cr_assert(vi.areas[0].has_phys);
	cr_assert_eq(vi.areas[0].phys, 0x17a00000);
	cr_assert_eq(inline_pages("Kernel"), 1);
	cr_assert_eq(inline_pages("Module"), 6);
	cr_assert_str_eq(ms_vmalloc_caller(&vi, 0), "pktlog_alloc_buf+0xc4/0x15c");
	cr_assert_str_eq(ms_vmalloc_module(&vi, 0), "wlan");
	cr_assert_eq(inline_pages("All"), 7);
}

/* ---- every real file, against an independent reading --------------------- */

static const char *const corpus_files[] = {
	AOSP "testdata1/vmallocinfo",
	"zte-router-armv7-4.1.25/proc/vmallocinfo",
	"jiofi-jmr540-mdm9607-armv7/proc/vmallocinfo",
	"goclever-insignia5-android/proc/vmallocinfo",
	"xilinx-zynq-armv7-4.4/proc/vmallocinfo",
	"qemu-arm-6.1/arm64-6.1-cma64-psi/proc/vmallocinfo",
	"qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc/vmallocinfo",
};

static void assert_agrees(const char *path)
{
	char cmd[2048], got[96];
	ms_buf want = MS_BUF_INIT;

	parse_path(path);
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/independent_kernelmem.py' vmalloc '%s'",
		 MS_SRCDIR, path);
	cr_assert_eq(tu_run(cmd, &want), 0, "%s", cmd);
	ms_vmalloc_totals t = totals();
	snprintf(got, sizeof got, "%lld %lld %lld\n", (long long)t.all.count,
		 (long long)t.all.size_bytes, (long long)t.all.pages);
	cr_assert_str_eq(got, want.data, "%s", path);
	/* The kinds add up to the whole. */
	ms_vmalloc_sum s = { 0 };
	for (int k = 0; k < MS_VMALLOC_NKINDS; k++) {
		s.count += t.by_kind[k].count;
		s.size_bytes += t.by_kind[k].size_bytes;
		s.pages += t.by_kind[k].pages;
	}
	cr_assert(memcmp(&s, &t.all, sizeof s) == 0, "%s: kinds do not add up", path);
	ms_buf_free(&want);
}

Test(parse_vmallocinfo, every_real_file_agrees_with_an_independent_reading)
{
	if (tu_corpus(""))
		for (size_t i = 0; i < MS_ARRAY_LEN(corpus_files); i++)
			assert_agrees(tu_corpus(corpus_files[i]));
	assert_agrees(tu_fixture("vmallocinfo/linux-6.18-x86_64"));
	assert_agrees(tu_fixture("vmallocinfo/armv7-3.10-lazy-free"));
	assert_agrees(tu_fixture("vmallocinfo/arm64-6.10-sparse-numa"));
}

/* A file no test was written for: the running kernel's (root only). */
Test(parse_vmallocinfo, this_machine_now_agrees_with_an_independent_reading)
{
	const char *dir = tu_tmpdir();
	char path[512], cmd[1024];

	snprintf(path, sizeof path, "%s/vmallocinfo", dir);
	snprintf(cmd, sizeof cmd, "cat /proc/vmallocinfo > '%s' 2>/dev/null", path);
	if (tu_run(cmd, NULL) != 0) {
		tu_rm_rf(dir);
		cr_skip_test("/proc/vmallocinfo needs root");
	}
	assert_agrees(path);
	tu_rm_rf(dir);
}

/* Files no one wrote by hand: random lines of every kind this file has. */
static uint64_t rng_state;

static uint64_t rnd(uint64_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (rng_state >> 17) % n : 0;
}

static void random_line(ms_buf *out)
{
	static const char *const tails[] = {
		"f+0x1c/0x40 pages=%d vmalloc N0=%d", "g+0x0/0x8 [mod] pages=%d vmalloc vpages",
		"h+0x4/0x8 phys=0x%x ioremap", "unpurged vm_area", "vm_map_ram",
		"k+0x1/0x2 pages=%d vmap", "0xc0123456 user", "m+0x0/0x4 phys=%x vmap dma-coherent",
	};
	int kind = (int)rnd(MS_ARRAY_LEN(tails));
	int a = (int)rnd(5000), b = (int)rnd(7);
	uint64_t start = rnd(1ULL << 40);

	ms_buf_printf(out, "0x%016llx-0x%016llx %7llu ", (unsigned long long)start,
		      (unsigned long long)(start + 4096), (unsigned long long)rnd(1ULL << 32));
	ms_buf_printf(out, tails[kind], a, b);
	ms_buf_puts(out, rnd(3) ? "\n" : "\r\n");
}

Test(parse_vmallocinfo, random_files_agree_with_an_independent_reading)
{
	const char *dir = tu_tmpdir();
	char path[512];
	ms_buf text = MS_BUF_INIT;

	rng_state = 7;
	for (int t = 0; t < 30; t++) {
		ms_buf_reset(&text);
		for (int i = 0, n = 1 + (int)rnd(300); i < n; i++)
			random_line(&text);
		snprintf(path, sizeof path, "%s/vmallocinfo-%d", dir, t);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fwrite(text.data, 1, text.len, f);
		fclose(f);
		assert_agrees(path);
	}
	ms_buf_free(&text);
	tu_rm_rf(dir);
}

/* ---- what each line says -------------------------------------------------- */

Test(parse_vmallocinfo, linux_6_18_x86_64_hashed_addresses_and_numa)
{
	parse_path(tu_fixture("vmallocinfo/linux-6.18-x86_64"));
	cr_assert_eq(vi.n, 1269);
	cr_assert_not(vi.hidden);
	/* %pK hashes: the "end" is not above the "start". */
	const ms_vmalloc_area *a = &vi.areas[2];
	cr_assert_eq(a->start, 0xb59d79d9);
	cr_assert_eq(a->end, 0xacc7d58c);
	cr_assert_eq(a->size, 12288);
	cr_assert_eq(a->phys, 0x9f000);
	cr_assert_eq(a->flags, MS_VMALLOC_IOREMAP);
	cr_assert_eq(a->pages, MS_NA);
	/* "kernel_clone+0xb8/0x400 pages=4 vmalloc N0=4": a 16K stack and
	 * its guard page. */
	a = &vi.areas[3];
	cr_assert_str_eq(ms_vmalloc_caller(&vi, 3), "kernel_clone+0xb8/0x400");
	cr_assert_eq(a->size, 20480);
	cr_assert_eq(a->pages, 4);
	cr_assert_eq(a->numa_n, 1);
	cr_assert_eq(vi.numa[a->numa_off].node, 0);
	cr_assert_eq(vi.numa[a->numa_off].pages, 4);
	ms_vmalloc_totals t = totals();
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_UNPURGED].count, 992);
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_IOREMAP].count, 29);
}

Test(parse_vmallocinfo, linux_3_10_lines_without_a_vm_struct)
{
	parse_path(tu_fixture("vmallocinfo/armv7-3.10-lazy-free"));
	cr_assert_eq(vi.n, 11);
	cr_assert_eq(vi.areas[2].phys, 0x1c28000, "phys=%%lx without 0x");
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[3]), MS_VMALLOC_KIND_UNPURGED);
	cr_assert_eq(vi.areas[3].caller_len, 0);
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[4]), MS_VMALLOC_KIND_MAP_RAM);
	cr_assert_eq(vi.areas[4].size, 20480);
	/* vmap of someone else's pages, and one that owns its pages. */
	cr_assert_eq(vi.areas[5].pages, MS_NA);
	cr_assert_eq(vi.areas[6].pages, 32);
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[6]), MS_VMALLOC_KIND_VMAP);
	/* No kallsyms: the caller is an address. */
	cr_assert_str_eq(ms_vmalloc_caller(&vi, 7), "0xc0123456");
	cr_assert_str_eq(ms_vmalloc_module(&vi, 8), "mali");
	cr_assert_eq(vi.areas[8].flags, MS_VMALLOC_VMALLOC | MS_VMALLOC_VPAGES);
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[9]), MS_VMALLOC_KIND_USER);
}

Test(parse_vmallocinfo, linux_6_10_sparse_xen_dma_coherent_two_nodes)
{
	parse_path(tu_fixture("vmallocinfo/arm64-6.10-sparse-numa"));
	cr_assert(vi.hidden);
	const ms_vmalloc_area *h = &vi.areas[2];
	cr_assert_eq(h->numa_n, 2);
	cr_assert_eq(vi.numa[h->numa_off + 1].node, 1);
	cr_assert_eq(vi.numa[h->numa_off + 1].pages, 256);
	cr_assert_eq(vi.areas[3].size, 4294967296LL);
	cr_assert_eq(vi.areas[3].flags, MS_VMALLOC_SPARSE);
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[3]), MS_VMALLOC_KIND_OTHER);
	cr_assert_eq(vi.areas[4].flags, MS_VMALLOC_IOREMAP | MS_VMALLOC_XEN);
	cr_assert_eq(vi.areas[4].phys, 0xfe000000);
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[5]), MS_VMALLOC_KIND_DMA_COHERENT);
}

Test(parse_vmallocinfo, qualcomm_lowmem_is_a_kind_of_its_own)
{
	const char *path = tu_corpus("jiofi-jmr540-mdm9607-armv7/proc/vmallocinfo");
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	cr_assert_eq(vi.areas[0].flags, MS_VMALLOC_LOWMEM);
	ms_vmalloc_totals t = totals();
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_LOWMEM].count, 2);
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_LOWMEM].size_bytes, 127926272 + 134217728);
	cr_assert_eq(t.by_kind[MS_VMALLOC_KIND_LOWMEM].pages, 0);
}

Test(parse_vmallocinfo, words_this_parser_does_not_know_are_flagged)
{
	cr_assert_eq(parse_str("0x1000-0x3000 8192 f+0x1/0x2 pages=1 vmalloc huge foo=bar\n"), 0,
		     "%s", err.msg);
	cr_assert_eq(vi.areas[0].flags, MS_VMALLOC_VMALLOC | MS_VMALLOC_OTHER);
	cr_assert_eq(vi.areas[0].pages, 1);
	/* No caller at all: the first word is already a flag. */
	cr_assert_eq(parse_str("0x1000-0x3000 8192 pages=1 vmalloc\n"), 0, "%s", err.msg);
	cr_assert_eq(vi.areas[0].caller_len, 0);
	cr_assert_eq(parse_str("0x1000-0x3000 8192\n"), 0, "%s", err.msg);
	cr_assert_eq(vi.areas[0].flags, 0);
	cr_assert_eq(ms_vmalloc_kind(&vi.areas[0]), MS_VMALLOC_KIND_OTHER);
}

/* ---- grouping -------------------------------------------------------------- */

Test(parse_vmallocinfo, grouped_by_function_and_by_call_site)
{
	ms_vmalloc_groups g;

	parse_path(tu_fixture("vmallocinfo/armv7-3.10-lazy-free"));
	cr_assert_eq(ms_vmalloc_group_by_caller(&vi, true, &g), 0);
	/* By pages: mali (128), module_alloc_update_bounds (42), ion (32). */
	cr_assert_eq(g.n, 9);
	cr_assert_eq(g.g[0].sum.pages, 128);
	cr_assert_str_eq(g.g[0].module, "mali");
	cr_assert_eq(g.g[1].sum.count, 2);
	cr_assert_eq(g.g[1].sum.pages, 42);
	cr_assert(g.g[1].name_len == 26 && !memcmp(g.g[1].name, "module_alloc_update_bounds", 26));
	cr_assert_eq(g.g[2].sum.pages, 32);
	cr_assert_eq(g.g[2].sum.count, 2, "both ion_heap_map_kernel areas");
	int64_t n = 0;
	for (size_t i = 0; i < g.n; i++)
		n += g.g[i].sum.count;
	cr_assert_eq(n, (int64_t)vi.n);
	ms_vmalloc_groups_free(&g);
}

Test(parse_vmallocinfo, callerless_lines_group_by_what_they_are)
{
	ms_vmalloc_groups g;

	cr_assert_eq(parse_str("0x1-0x2 8192 unpurged vm_area\n0x3-0x4 4096 vm_map_ram\n"
			       "0x5-0x6 8192 unpurged vm_area\n0x7-0x8 4096 vm_map_ram\n"
			       "0x9-0xa 8192 f+0x0/0x4 pages=1 vmalloc\n"
			       "0xb-0xc 8192 f+0x2/0x4 pages=1 vmalloc\n"),
		     0, "%s", err.msg);
	cr_assert_eq(ms_vmalloc_group_by_caller(&vi, false, &g), 0);
	cr_assert_eq(g.n, 4);
	cr_assert_eq(g.g[2].sum.count, 2);
	cr_assert_eq(g.g[2].name_len, 0);
	cr_assert_eq(g.g[3].sum.count, 2);
	cr_assert_neq(g.g[2].flags, g.g[3].flags);
	ms_vmalloc_groups_free(&g);
	cr_assert_eq(ms_vmalloc_group_by_caller(&vi, true, &g), 0);
	cr_assert_eq(g.n, 3);
	cr_assert_eq(g.g[0].sum.pages, 2);
	ms_vmalloc_groups_free(&g);
}

/* ---- hostile files -------------------------------------------------------- */

Test(parse_vmallocinfo, malformed_lines_are_errors_and_empty_the_result)
{
	static const char *const bad[] = {
		"0x1000-0x2000\n",
		"0x1000-0x2000 -8 f\n",
		"0x1000-0x2000 8x f\n",
		"1000-2000 8192 f\n",
		"0x1000 - 0x2000 8192 f\n",
		"0x1000-0x2000 8192 f pages=\n",
		"0x1000-0x2000 8192 f pages=-1\n",
		"0x1000-0x2000 8192 f pages=4x\n",
		"0x1000-0x2000 8192 f pages=1 pages=1\n",
		"0x1000-0x2000 8192 f pages=9999999999\n",
		"0x1000-0x2000 8192 f phys=\n",
		"0x1000-0x2000 8192 f phys=0xzz\n",
		"0x1000-0x2000 99999999999999999999 f\n",
		"0x10000000000000000-0x2000 8 f\n",
		"MemTotal: 1 kB\n",
	};
	char in[256];
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		snprintf(in, sizeof in, "0x1-0x2 8192 ok+0x0/0x4 pages=1 vmalloc\n%s", bad[i]);
		cr_assert_eq(parse_str(in), -EINVAL, "accepted %s", bad[i]);
		cr_assert_eq(err.line, 2, "%s", bad[i]);
		cr_assert_eq(vi.n, 0);
		cr_assert_null(vi.areas);
	}
	cr_assert_eq(parse_str(""), -EINVAL);
	cr_assert_eq(parse_str("\r\n\n"), -EINVAL);
}

/* 100,000 lines parse, in well under a second. */
Test(parse_vmallocinfo, a_hundred_thousand_lines)
{
	ms_buf big = MS_BUF_INIT;
	for (int i = 0; i < 100000; i++)
		cr_assert_eq(ms_buf_printf(&big, "0x%016x-0x%016x %7d caller_%d+0x1c/0x40 [mod%d] "
					   "pages=%d vmalloc N0=%d\n",
					   i * 8192, i * 8192 + 8192, 8192, i % 500, i % 7, 1, 1),
			     0);
	clock_t t0 = clock();
	cr_assert_eq(ms_parse_vmallocinfo(big.data, big.len, &vi, &err), 0, "%s", err.msg);
	ms_vmalloc_groups g;
	cr_assert_eq(ms_vmalloc_group_by_caller(&vi, true, &g), 0);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert_eq(vi.n, 100000);
	cr_assert_eq(totals().all.pages, 100000);
	cr_assert_eq(g.n, 500 * 7 / 1, "caller_%%d x mod%%d pairs");
	cr_assert_lt(secs, 2.0, "took %.2f s", secs);
	ms_vmalloc_groups_free(&g);
	ms_buf_free(&big);
}

/* Any cut of a real file parses, or fails with EINVAL and leaves nothing. */
static void sweep(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "%s", path);
	for (size_t n = 0; n <= buf.len; n++) {
		ms_vmallocinfo t = { 0 };
		int rc = ms_parse_vmallocinfo(buf.data, n, &t, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && t.n == 0 && !t.areas), "%s cut at %zu: %d",
			  path, n, rc);
		ms_vmallocinfo_free(&t);
	}
}

Test(parse_vmallocinfo, every_truncation_of_real_files)
{
	sweep(tu_fixture("vmallocinfo/armv7-3.10-lazy-free"));
	sweep(tu_fixture("vmallocinfo/arm64-6.10-sparse-numa"));
	if (tu_corpus("")) {
		sweep(tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/proc/vmallocinfo"));
		sweep(tu_corpus("zte-router-armv7-4.1.25/proc/vmallocinfo"));
	}
}
