/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device tree: the real trees of the qemu captures in ../shared/corpus
 * (memory node checked against meta/dt-reg-hexdump), the trees of
 * fixtures/devicetree (written by make.py there: RK3566 4 GB with a
 * dynamic CMA area, i.MX6 with one-cell values, a tree without cell
 * counts), no tree at all (x86), and malformed properties.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

/* ---- a tree on disk, read as the capture will ----------------------------- */

typedef struct tree {
	size_t n, cap;
	ms_dt_file *files;
} tree;

static tree loading;
static size_t root_len;

static int load_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	ms_buf b = MS_BUF_INIT;
	cr_assert(tu_read_file(path, &b), "%s", path);
	if (loading.n == loading.cap) {
		loading.cap = loading.cap ? loading.cap * 2 : 64;
		loading.files = realloc(loading.files, loading.cap * sizeof *loading.files);
		cr_assert_not_null(loading.files);
	}
	size_t len = b.len;
	loading.files[loading.n++] = (ms_dt_file){ .path = strdup(path + root_len + 1),
						   .data = ms_buf_detach(&b), .len = len };
	return 0;
}

static tree load_tree(const char *root)
{
	memset(&loading, 0, sizeof loading);
	root_len = strlen(root);
	cr_assert_eq(nftw(root, load_one, 16, FTW_PHYS), 0, "%s", root);
	return loading;
}

static void free_tree(tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free((void *)t->files[i].path);
		free((void *)t->files[i].data);
	}
	free(t->files);
}

static ms_devicetree dt;
static ms_error err;

static void teardown(void)
{
	ms_devicetree_free(&dt);
}

TestSuite(parse_devicetree, .fini = teardown);

static void parse_tree(const char *root)
{
	tree t = load_tree(root);
	ms_devicetree_free(&dt);
	cr_assert_eq(ms_parse_devicetree(t.files, t.n, &dt, &err), 0, "%s: %s", root, err.msg);
	free_tree(&t);
}

static const ms_dt_region *region(const char *node)
{
	for (size_t i = 0; i < dt.n; i++)
		if (strcmp(ms_dt_region_node(&dt, i), node) == 0)
			return &dt.regions[i];
	cr_assert_fail("no region %s", node);
	return NULL;
}

/* ---- real trees ------------------------------------------------------------- */

Test(parse_devicetree, qemu_virt_boards)
{
	static const struct {
		const char *dir;
		uint64_t size;
	} boards[] = {
		{ "qemu-arm-6.1/arm64-6.1-cma64-psi/proc/device-tree", 0x80000000 },
		{ "qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc/device-tree", 0x10000000 },
	};
	if (!tu_corpus(""))
		cr_skip_test("corpus absent");
	for (size_t i = 0; i < MS_ARRAY_LEN(boards); i++) {
		parse_tree(tu_corpus(boards[i].dir));
		cr_assert_eq(dt.root_address_cells, 2);
		cr_assert_eq(dt.root_size_cells, 2);
		cr_assert_eq(dt.n, 1, "%s", boards[i].dir);
		cr_assert_not(dt.has_reserved_memory, "cma= on the command line, not in the tree");
		const ms_dt_region *m = region("memory@40000000");
		cr_assert_eq(m->kind, MS_DT_MEMORY);
		cr_assert(m->typed);
		cr_assert_eq(m->base, 0x40000000);
		cr_assert_eq(m->size, boards[i].size);
		cr_assert_eq(ms_dt_memory_bytes(&dt), (int64_t)boards[i].size);
	}
}

/* ---- fixtures ----------------------------------------------------------------- */

Test(parse_devicetree, rk3566_banks_and_carve_outs)
{
	parse_tree(tu_fixture("devicetree/rk3566-4g"));
	cr_assert(dt.has_reserved_memory);
	cr_assert_eq(dt.n, 3 + 4);
	/* Memory first, by base; the bank above 4 GB last. */
	cr_assert_eq(dt.regions[0].base, 0x00200000);
	cr_assert_eq(dt.regions[2].base, 0x1f0000000);
	cr_assert_eq(ms_dt_memory_bytes(&dt), 0x08200000 + 0xe6c00000 + 0x10000000);
	/* Then the static carve-outs by base, then the dynamic one. */
	cr_assert_str_eq(ms_dt_region_node(&dt, 3), "drm-logo@0");
	cr_assert(dt.regions[3].disabled);
	const ms_dt_region *ramoops = region("ramoops@110000");
	cr_assert_eq(ramoops->kind, MS_DT_RESERVED);
	cr_assert_eq(ramoops->base, 0x110000);
	cr_assert_eq(ramoops->size, 0xf0000);
	cr_assert_str_eq(ms_dt_region_compatible(&dt, 4), "ramoops");
	const ms_dt_region *optee = region("optee@8400000");
	cr_assert(optee->no_map);
	cr_assert_not(optee->reusable);
	cr_assert_str_eq(ms_dt_region_compatible(&dt, 5), "");
	cr_assert_str_eq(ms_dt_region_node(&dt, 6), "linux,cma");
	const ms_dt_region *cma = &dt.regions[6];
	cr_assert_not(cma->has_base);
	cr_assert_eq(cma->size, 0x10000000);
	cr_assert_eq(cma->alignment, 0x400000);
	cr_assert(cma->reusable && cma->cma_default && !cma->no_map);
	cr_assert_str_eq(ms_dt_region_compatible(&dt, 6), "shared-dma-pool");
}

Test(parse_devicetree, imx6_one_cell_values)
{
	parse_tree(tu_fixture("devicetree/imx6-1cell"));
	cr_assert_eq(dt.root_address_cells, 1);
	cr_assert_eq(region("memory@10000000")->size, 0x40000000);
	const ms_dt_region *vpu = region("vpu@4c000000");
	cr_assert_eq(vpu->base, 0x4c000000);
	cr_assert_eq(vpu->size, 0x1000000);
	cr_assert_not(vpu->disabled, "status okay");
	cr_assert(region("dsp@4d000000")->dma_default);
	cr_assert_eq(region("linux,cma")->size, 0x14000000);
	for (size_t i = 0; i < dt.n; i++)
		if (strcmp(ms_dt_region_node(&dt, i), "vpu@4c000000") == 0)
			cr_assert_str_eq(ms_dt_region_compatible(&dt, i), "fsl,vpu-reserved");
}

Test(parse_devicetree, defaults_of_two_and_one_cells)
{
	parse_tree(tu_fixture("devicetree/no-cells-defaults"));
	cr_assert_eq(dt.root_address_cells, 2);
	cr_assert_eq(dt.root_size_cells, 1);
	cr_assert_eq(dt.n, 1);
	cr_assert_eq(dt.regions[0].base, 0x80000000);
	cr_assert_eq(dt.regions[0].size, 0x20000000);
}

Test(parse_devicetree, x86_has_no_tree)
{
	cr_assert_eq(ms_parse_devicetree(NULL, 0, &dt, &err), 0);
	cr_assert_eq(dt.n, 0);
	cr_assert_eq(ms_dt_memory_bytes(&dt), 0);
}

/* The files come in directory order, which is no order at all. */
Test(parse_devicetree, any_order_of_files)
{
	tree t = load_tree(tu_fixture("devicetree/rk3566-4g"));
	ms_devicetree a = { 0 }, b = { 0 };

	cr_assert_eq(ms_parse_devicetree(t.files, t.n, &a, &err), 0);
	for (size_t i = 0; i < t.n / 2; i++) {
		ms_dt_file tmp = t.files[i];
		t.files[i] = t.files[t.n - 1 - i];
		t.files[t.n - 1 - i] = tmp;
	}
	cr_assert_eq(ms_parse_devicetree(t.files, t.n, &b, &err), 0);
	cr_assert_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		cr_assert_str_eq(ms_dt_region_node(&a, i), ms_dt_region_node(&b, i));
		cr_assert_eq(a.regions[i].base, b.regions[i].base);
		cr_assert_eq(a.regions[i].size, b.regions[i].size);
	}
	ms_devicetree_free(&a);
	ms_devicetree_free(&b);
	free_tree(&t);
}

/* ---- malformed properties ------------------------------------------------------- */

#define FILE_OF(p, bytes) { .path = (p), .data = (bytes), .len = sizeof(bytes) - 1 }

static const char two[] = "\0\0\0\2", one[] = "\0\0\0\1";

Test(parse_devicetree, a_reg_of_odd_length_keeps_its_whole_entries)
{
	static const char reg[] = "\0\0\0\0\x40\0\0\0\0\0\0\0\x10\0\0\0"
				  "\0\0\0\1"; /* 16 + 4 bytes */
	static const char cma_size[] = "\0\0\0\0\x04\0\0\0";
	ms_dt_file files[] = {
		FILE_OF("#address-cells", two), FILE_OF("#size-cells", two),
		FILE_OF("memory@40000000/reg", reg),
		FILE_OF("reserved-memory/linux,cma/size", cma_size),
	};
	cr_assert_eq(ms_parse_devicetree(files, MS_ARRAY_LEN(files), &dt, &err), -EINVAL);
	cr_assert(strstr(err.msg, "memory@40000000/reg") != NULL, "%s", err.msg);
	cr_assert_eq(dt.nbad, 1);
	cr_assert_eq(dt.n, 2, "the whole entry and the good node are kept");
	cr_assert_eq(dt.regions[0].size, 0x10000000);
	cr_assert_eq(dt.regions[1].size, 0x4000000);
}

Test(parse_devicetree, malformed_properties_are_named)
{
	static const char five[] = "\0\0\0\5", three_bytes[] = "\0\0\2";
	static const char reg21[] = "\0\0\0\0\x80\0\0\0\0\0\0\0\x10\0\0\0";
	static const char reg3cells[] = "\0\0\0\1\0\0\0\0\0\0\0\0\0\0\0\0\x10\0\0\0";
	static const char size3[] = "\0\0\0\0\0\0";
	static const struct {
		ms_dt_file files[3];
		size_t n;
		const char *named;
	} cases[] = {
		{ { FILE_OF("#address-cells", five), FILE_OF("memory/reg", reg21) }, 2,
		  "#address-cells" },
		{ { FILE_OF("#size-cells", three_bytes), FILE_OF("memory/reg", reg21) }, 2,
		  "#size-cells" },
		{ { FILE_OF("reserved-memory/#address-cells", "\0\0\0\3"),
		    FILE_OF("reserved-memory/#size-cells", one),
		    FILE_OF("reserved-memory/big/reg", reg3cells) },
		  3, "reserved-memory/big/reg" },
		{ { FILE_OF("reserved-memory/x/size", size3) }, 1, "reserved-memory/x/size" },
		{ { FILE_OF("#address-cells", "\0\0\0\0"), FILE_OF("#size-cells", "\0\0\0\0"),
		    FILE_OF("memory/reg", reg21) },
		  3, "memory/reg" },
		{ { FILE_OF("memory@0/reg", "") }, 1, "memory@0/reg" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++) {
		ms_devicetree_free(&dt);
		cr_assert_eq(ms_parse_devicetree(cases[i].files, cases[i].n, &dt, &err), -EINVAL,
			     "case %zu", i);
		cr_assert(strstr(err.msg, cases[i].named) != NULL, "case %zu: %s", i, err.msg);
		cr_assert_gt(dt.nbad, 0);
	}
	/* #address-cells 5 falls back to the default 2, #size-cells too. */
	ms_devicetree_free(&dt);
	ms_parse_devicetree(cases[0].files, 2, &dt, &err);
	cr_assert_eq(dt.n, 1);
	cr_assert_eq(dt.regions[0].base, 0x80000000);
}

Test(parse_devicetree, paths_with_a_leading_slash_and_other_files)
{
	static const char reg[] = "\0\0\0\0\x80\0\0\0\0\0\0\0\x20\0\0\0";
	ms_dt_file files[] = {
		FILE_OF("/#address-cells", two), FILE_OF("./#size-cells", two),
		FILE_OF("/memory@80000000/reg", reg),
		FILE_OF("memoryx/reg", reg),           /* not a memory node */
		FILE_OF("soc/memory@0/reg", reg),      /* not at the root */
		FILE_OF("reserved-memory/a/b/reg", reg), /* a grandchild */
		FILE_OF("reserved-memory/#size-cells", two),
	};
	cr_assert_eq(ms_parse_devicetree(files, MS_ARRAY_LEN(files), &dt, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(dt.n, 1);
	cr_assert_eq(dt.regions[0].size, 0x20000000);
	cr_assert(dt.has_reserved_memory);
}

Test(parse_devicetree, one_property_helpers)
{
	static const unsigned char reg[] = { 0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0x10, 0 };
	uint64_t base, size;
	uint32_t v;

	cr_assert_eq(ms_dt_read_u32("\0\0\1\2", 4, &v), 0);
	cr_assert_eq(v, 0x102);
	cr_assert_eq(ms_dt_read_u32("\0\0\1", 3, &v), -EINVAL);
	cr_assert_eq(ms_dt_reg_entries(sizeof reg, 2, 1), 1);
	cr_assert_eq(ms_dt_reg_entries(sizeof reg, 1, 1), 1, "8 of 12 bytes");
	cr_assert_eq(ms_dt_reg_entries(sizeof reg, 0, 0), 0);
	cr_assert_eq(ms_dt_reg_entries(sizeof reg, 5, 1), 0);
	cr_assert(ms_dt_reg_entry(reg, sizeof reg, 2, 1, 0, &base, &size));
	cr_assert_eq(base, 0x180000000);
	cr_assert_eq(size, 0x1000);
	cr_assert_not(ms_dt_reg_entry(reg, sizeof reg, 2, 1, 1, &base, &size));
	cr_assert_not(ms_dt_reg_entry(reg, sizeof reg, 3, 0, 0, &base, &size), "96 bits");
}
