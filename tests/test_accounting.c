/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accounting of RAM (include/memscope/accounting.h): a board written
 * here file by file, the real ARM captures of ../shared/corpus and data/,
 * this machine live and as nobody. The expected figures are read from the
 * kernel's files by the small readers below, not by memscope's parsers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/accounting.h"
#include "testutil.h"

/* ---- independent readers -------------------------------------------------- */

/* A meminfo field in kB, -1 when absent. */
static int64_t meminfo_field(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

/* Bytes of the iomem lines named `name` (any depth), summed. */
static int64_t iomem_named_bytes(const char *text, const char *name)
{
	int64_t sum = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned long long a, b;
		char n[64] = "";
		if (sscanf(p, " %llx-%llx : %63[^\n]", &a, &b, n) == 3 && strcmp(n, name) == 0)
			sum += (int64_t)(b - a + 1);
	}
	return sum;
}

/* The sizes of a memory node's reg, with 2 address and 2 size cells (the
 * qemu virt boards). */
static int64_t dt_reg_bytes_2_2(const ms_buf *b)
{
	int64_t sum = 0;

	for (size_t i = 0; i + 16 <= b->len; i += 16) {
		uint64_t v = 0;
		for (size_t k = 8; k < 16; k++)
			v = v << 8 | (unsigned char)b->data[i + k];
		sum += (int64_t)v;
	}
	return sum;
}

/* "cma=64M" of a command line, in kB; -1 when absent. */
static int64_t cmdline_cma_kb(const char *cmdline)
{
	const char *p = strstr(cmdline, "cma=");
	char *end;

	if (!p || (p > cmdline && p[-1] != ' '))
		return -1;
	int64_t v = strtoll(p + 4, &end, 10);
	switch (*end) {
	case 'G': return v * 1024 * 1024;
	case 'M': return v * 1024;
	case 'K': return v;
	default: return v / 1024;
	}
}

/* ---- the accounting's own rules ---------------------------------------------- */

static const ms_acct_row *row(const ms_accounting *a, const char *key)
{
	int32_t i = ms_acct_find(a, key);

	cr_assert_geq(i, 0, "no row %s", key);
	return &a->rows[i];
}

/* Every whole's parts (areas aside) add up to it where all are known,
 * each row has an origin, and an unknown one says why. */
static void check_adds_up(const ms_accounting *a)
{
	for (size_t w = 0; w < a->n; w++) {
		int64_t sum = 0;
		bool any = false, known = true;
		for (size_t i = 0; i < a->n; i++) {
			if (a->rows[i].parent != (int32_t)w || a->rows[i].kind == MS_ACCT_AREA)
				continue;
			any = true;
			known &= a->rows[i].kb != MS_NA;
			if (a->rows[i].kb != MS_NA)
				sum += a->rows[i].kb;
		}
		if (any && known && a->rows[w].kb != MS_NA)
			cr_expect_eq(sum, a->rows[w].kb, "parts of %s add up to %" PRId64
				     ", it is %" PRId64, a->rows[w].key, sum, a->rows[w].kb);
	}
	for (size_t i = 0; i < a->n; i++) {
		cr_expect(a->rows[i].origin[0], "%s has no origin", a->rows[i].key);
		if (a->rows[i].kb == MS_NA)
			cr_expect(a->rows[i].reason[0], "%s is unknown and says not why",
				  a->rows[i].key);
	}
}

/* The leaves under MemTotal, read off the table's parents. */
static int64_t leaves_sum(const ms_accounting *a, int32_t top)
{
	int64_t sum = 0;

	for (size_t i = 0; i < a->n; i++) {
		bool whole = false;
		for (size_t k = 0; k < a->n; k++)
			whole |= a->rows[k].parent == (int32_t)i;
		int32_t p = a->rows[i].parent;
		while (p >= 0 && p != top)
			p = a->rows[p].parent;
		if (p == top && !whole && a->rows[i].kb != MS_NA)
			sum += a->rows[i].kb;
	}
	return sum;
}

static void load(const char *path, ms_sample *s, ms_accounting *a, ms_source **src)
{
	ms_error err = { 0 };

	*src = ms_source_open_snapshot(path, &err);
	cr_assert_not_null(*src, "%s: %s", path, err.msg);
	cr_assert_eq(ms_sample_load(s, *src, MS_PART_ACCOUNTING, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_accounting_build(s, a), 0);
}

/* ---- a board written here ----------------------------------------------------- */

#define BE32(v) (char)((v) >> 24), (char)((v) >> 16 & 0xff), (char)((v) >> 8 & 0xff), \
		(char)((v) & 0xff)

/* 512 MB at 0x40000000 (2 + 2 cells), an 8 MB no-map optee and a 64 MB
 * CMA pool (reusable: in MemTotal); iomem leaves the no-map out, and
 * 4 MB more the firmware kept. */
static const char dt_memory_reg[] = { BE32(0), BE32(0x40000000), BE32(0), BE32(0x20000000) };
static const char dt_optee_reg[] = { BE32(0), BE32(0x41000000), BE32(0), BE32(0x800000) };
static const char dt_cells2[] = { BE32(2) };
static const char board_iomem[] =
	"40000000-40ffffff : System RAM\n"
	"41c00000-5fffffff : System RAM\n"
	"  41c10000-4275ffff : Kernel code\n"
	"  42800000-42a0ffff : Kernel data\n";
static const char board_meminfo[] =
	"MemTotal:         480000 kB\nMemFree:          300000 kB\nBuffers:            1000 kB\n"
	"Cached:            50000 kB\nSwapCached:            0 kB\nAnonPages:         40000 kB\n"
	"Shmem:              8000 kB\nKReclaimable:      12000 kB\nSReclaimable:      10000 kB\n"
	"SUnreclaim:         6000 kB\nKernelStack:          16 kB\nPageTables:          700 kB\n"
	"VmallocUsed:        2400 kB\nPercpu:              400 kB\nCmaTotal:          65536 kB\n"
	"CmaFree:           61440 kB\nHugePages_Total:       2\nHugepagesize:       2048 kB\n";
/* A vmalloc'ed stack of 4 pages (VMAP_STACK), 100 pages of vmalloc and
 * an ioremap, which holds no RAM. */
static const char board_vmallocinfo[] =
	"0x0000000000000000-0x0000000000000000   20480 kernel_clone+0xa0/0x300 pages=4 vmalloc\n"
	"0x0000000000000000-0x0000000000000000  413696 load_module+0x1c/0x90 pages=100 vmalloc\n"
	"0x0000000000000000-0x0000000000000000    8192 of_iomap+0x40/0x60 phys=0x09000000 ioremap\n";

static ms_source *open_board(bool with_vmallocinfo)
{
	const ms_memfile files[] = {
		{ "meminfo", board_meminfo, sizeof board_meminfo - 1, 0 },
		{ "iomem", board_iomem, sizeof board_iomem - 1, 0 },
		{ "vmallocinfo", board_vmallocinfo, sizeof board_vmallocinfo - 1,
		  with_vmallocinfo ? 0 : ENOENT },
		{ "device-tree/#address-cells", dt_cells2, 4, 0 },
		{ "device-tree/#size-cells", dt_cells2, 4, 0 },
		{ "device-tree/memory@40000000/device_type", "memory", 7, 0 },
		{ "device-tree/memory@40000000/reg", dt_memory_reg, sizeof dt_memory_reg, 0 },
		{ "device-tree/reserved-memory/#address-cells", dt_cells2, 4, 0 },
		{ "device-tree/reserved-memory/#size-cells", dt_cells2, 4, 0 },
		{ "device-tree/reserved-memory/optee@41000000/reg", dt_optee_reg,
		  sizeof dt_optee_reg, 0 },
		{ "device-tree/reserved-memory/optee@41000000/no-map", "", 0, 0 },
		{ "sys/kernel/mm/cma/reserved/alloc_pages_success", "1024\n", 5, 0 },
		{ "sys/kernel/debug/cma/reserved/count", "16384\n", 6, 0 },
		{ "sys/kernel/debug/cma/reserved/used", "1024\n", 5, 0 },
		{ "sys/kernel/dmabuf/buffers/4242/size", "1048576\n", 8, 0 },
		{ "sys/kernel/dmabuf/buffers/4242/exporter_name", "system\n", 7, 0 },
		{ "sys/kernel/dmabuf/buffers/4243/size", "3145728\n", 8, 0 },
		{ "sys/kernel/dmabuf/buffers/4243/exporter_name", "cma\n", 4, 0 },
	};
	ms_error err = { 0 };
	ms_source *src = ms_source_open_files(files, MS_ARRAY_LEN(files), 0, "board", &err);
	cr_assert_not_null(src, "%s", err.msg);
	return src;
}

Test(accounting, board_from_installed_to_unaccounted)
{
	ms_source *src = open_board(true);
	ms_sample s;
	ms_accounting a;
	ms_error err = { 0 };

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_ACCOUNTING, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_accounting_build(&s, &a), 0);
	check_adds_up(&a);
	cr_assert_eq(a.installed_kb, 0x20000000 / 1024);
	cr_assert_str_eq(row(&a, "installed")->origin, "device-tree memory*/reg");
	cr_assert_eq(row(&a, "no_map")->kb, 0x800000 / 1024);
	cr_assert_eq(row(&a, "no_map.optee@41000000")->kb, 0x800000 / 1024);
	/* 512 MB - System RAM (16 MB + 484 MB) - 8 MB no-map */
	cr_assert_eq(row(&a, "firmware_holes")->kb, 524288 - 16384 - 495616 - 8192);
	cr_assert_eq(row(&a, "kernel_image")->kb, (0xb50000 + 0x210000) / 1024);
	cr_assert_eq(row(&a, "boot_reserved")->kb,
		     524288 - 8192 - 4096 - (0xb50000 + 0x210000) / 1024 - 480000);
	cr_assert_eq(row(&a, "page_cache")->kb, 50000 - 8000);
	cr_assert_eq(row(&a, "kernel_reclaimable")->kb, 12000 - 10000);
	/* 104 pages of vmallocinfo less the vmalloc'ed stacks KernelStack counts */
	cr_assert_eq(row(&a, "vmalloc")->kb, 104 * 4 - 16);
	cr_assert_eq(row(&a, "hugetlb")->kb, 2 * 2048);
	cr_assert_eq(row(&a, "dmabuf")->kb, (1048576 + 3145728) / 1024);
	cr_assert_eq(row(&a, "sec_page_tables")->kb, MS_NA, "not printed: unknown, not 0");
	cr_assert(strstr(row(&a, "unaccounted")->reason, "sec_page_tables"));
	/* The unknown rows are in no sum: unaccounted holds them. */
	cr_assert_eq(leaves_sum(&a, ms_acct_find(&a, "mem_total")), 480000);
	/* CMA is an area, a part of nothing: no sum counts it. */
	const ms_acct_row *cma = row(&a, "cma");
	cr_assert_eq(cma->kind, MS_ACCT_AREA);
	cr_assert_eq(cma->parent, -1);
	cr_assert_eq(cma->kb, 65536);
	cr_assert_eq(cma->used_kb, 65536 - 61440);
	cr_assert_eq(row(&a, "cma.reserved")->kb, 16384 * 4);
	cr_assert_eq(row(&a, "cma.reserved")->used_kb, 1024 * 4);
	ms_accounting_free(&a);
	ms_sample_free(&s);
	ms_source_close(src);
}

Test(accounting, vmalloc_from_meminfo_when_vmallocinfo_is_missing)
{
	ms_source *src = open_board(false);
	ms_sample s;
	ms_accounting a;
	ms_error err = { 0 };

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_ACCOUNTING, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_accounting_build(&s, &a), 0);
	const ms_acct_row *v = row(&a, "vmalloc");
	cr_assert_eq(v->kb, 2400, "no machine named: no stack to take out");
	cr_assert_str_eq(v->origin, "meminfo VmallocUsed");
	cr_assert(strstr(v->reason, "VmallocUsed"), "%s", v->reason);
	check_adds_up(&a);
	ms_accounting_free(&a);
	ms_sample_free(&s);
	ms_source_close(src);
}

Test(accounting, nothing_but_meminfo_still_adds_up)
{
	const ms_memfile files[] = { { "meminfo", board_meminfo, sizeof board_meminfo - 1, 0 } };
	ms_error err = { 0 };
	ms_source *src = ms_source_open_files(files, 1, 0, "bare", &err);
	ms_sample s;
	ms_accounting a;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_ACCOUNTING, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_accounting_build(&s, &a), 0);
	cr_assert_eq(a.installed_kb, MS_NA);
	cr_assert_eq(row(&a, "kernel_image")->kb, MS_NA);
	cr_assert_eq(row(&a, "boot_reserved")->kb, MS_NA);
	cr_assert_eq(a.mem_total_kb, 480000);
	cr_assert_neq(a.unaccounted_kb, MS_NA);
	check_adds_up(&a);
	ms_accounting_free(&a);
	ms_sample_free(&s);
	ms_source_close(src);
}

/* ---- real ARM captures ---------------------------------------------------------- */

static void check_capture(const char *root, int64_t ram_kb, bool with_dt)
{
	char path[1024];
	ms_buf b = MS_BUF_INIT, mi = MS_BUF_INIT, io = MS_BUF_INIT;
	ms_error err = { 0 };
	ms_source *src;
	ms_sample s;
	ms_accounting a;

	load(root, &s, &a, &src);
	cr_assert_eq(ms_source_read(src, "meminfo", &mi, &err), 0);
	cr_assert_eq(ms_source_read(src, "iomem", &io, &err), 0);
	if (with_dt) {
		cr_assert_eq(ms_source_read(src, "device-tree/memory@40000000/reg", &b, &err), 0);
		ram_kb = dt_reg_bytes_2_2(&b) / 1024;
	}
	cr_expect_eq(a.installed_kb, ram_kb, "%s: installed %" PRId64 ", given %" PRId64, root,
		     a.installed_kb, ram_kb);
	cr_expect_eq(a.mem_total_kb, meminfo_field(mi.data, "MemTotal"));
	cr_expect_eq(leaves_sum(&a, ms_acct_find(&a, "mem_total")), a.mem_total_kb,
		     "%s: leaves under MemTotal", root);
	cr_expect_eq(row(&a, "kernel_image")->kb,
		     (iomem_named_bytes(io.data, "Kernel code") +
		      iomem_named_bytes(io.data, "Kernel data")) / 1024, "%s", root);
	cr_expect_geq(a.unaccounted_kb, 0);
	if (ms_source_read(src, "cmdline", &b, &err) == 0 && cmdline_cma_kb(b.data) > 0)
		cr_expect_eq(row(&a, "cma")->kb, cmdline_cma_kb(b.data), "%s: cma=", root);
	else
		cr_expect_eq(row(&a, "cma")->kb, meminfo_field(mi.data, "CmaTotal"));
	check_adds_up(&a);
	ms_accounting_free(&a);
	ms_sample_free(&s);
	ms_source_close(src);
	ms_buf_free(&b);
	ms_buf_free(&mi);
	ms_buf_free(&io);
	(void)path;
}

Test(accounting, qemu_corpus_adds_up_from_the_device_tree)
{
	static const char *const caps[] = { "qemu-arm-6.1/arm64-6.1-cma64-psi",
					    "qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom" };

	for (size_t i = 0; i < MS_ARRAY_LEN(caps); i++) {
		const char *root = tu_corpus(caps[i]);
		if (!root)
			cr_skip_test("no ../shared/corpus/%s", caps[i]);
		check_capture(root, 0, true);
	}
}

/* The RAM given to qemu by tests/board/qemu-board.sh ("-m 2048"), in kB. */
static int64_t qemu_board_ram_kb(void)
{
	char path[1024];
	ms_buf b = MS_BUF_INIT;

	snprintf(path, sizeof path, "%s/tests/board/qemu-board.sh", MS_SRCDIR);
	cr_assert(tu_read_file(path, &b));
	const char *m = strstr(b.data, " -m ");
	cr_assert_not_null(m);
	int64_t mb = strtoll(m + 4, NULL, 10);
	ms_buf_free(&b);
	return mb * 1024;
}

Test(accounting, board_captures_in_data_have_the_ram_given)
{
	static const char *const caps[] = { "board-arm64-qemu.tar.gz", "board-armv7-qemu.tar.gz",
					    "board-arm64-qemu-sh.tar.gz",
					    "board-armv7-qemu-sh.tar.gz" };
	char path[1024];

	for (size_t i = 0; i < MS_ARRAY_LEN(caps); i++) {
		snprintf(path, sizeof path, "%s/data/%s", MS_SRCDIR, caps[i]);
		if (access(path, R_OK) != 0)
			continue;
		check_capture(path, qemu_board_ram_kb(), false);
	}
}

/* ---- this machine --------------------------------------------------------------- */

Test(accounting, live_adds_up_and_says_what_is_unknown)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(NULL, &err);
	ms_sample s;
	ms_accounting a;
	ms_buf mi = MS_BUF_INIT;

	cr_assert_not_null(src, "%s", err.msg);
	cr_assert_eq(ms_sample_load(&s, src, MS_PART_ACCOUNTING, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_accounting_build(&s, &a), 0);
	check_adds_up(&a);
	/* MemTotal does not change while the machine runs. */
	cr_assert(tu_read_file("/proc/meminfo", &mi));
	cr_expect_eq(a.mem_total_kb, meminfo_field(mi.data, "MemTotal"));
	int64_t leaves = leaves_sum(&a, ms_acct_find(&a, "mem_total"));
	cr_expect_eq(leaves, a.mem_total_kb);
	if (access("/proc/device-tree", F_OK) != 0)
		cr_expect(strstr(row(&a, "no_map")->reason, "no device tree"), "%s",
			  row(&a, "no_map")->reason);
	ms_accounting_free(&a);
	ms_sample_free(&s);
	ms_source_close(src);
	ms_buf_free(&mi);
}

Test(accounting, live_as_nobody_says_iomem_is_hidden)
{
	char cmd[1024];
	ms_buf out = MS_BUF_INIT;

	if (geteuid() != 0 || tu_run("command -v setpriv >/dev/null", NULL) != 0)
		cr_skip_test("needs root and setpriv");
	snprintf(cmd, sizeof cmd,
		 "setpriv --reuid=65534 --regid=65534 --clear-groups '%s' memory -f csv",
		 tu_bin());
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", out.data);
	/* iomem's addresses are zeros to nobody: no map at 0, a reason. */
	const char *line = strstr(out.data, "\r\nkernel_image,");
	cr_assert_not_null(line, "%s", out.data);
	static const char unknown[] = "\r\nkernel_image,Kernel image,installed,part,,";
	cr_expect(strncmp(line, unknown, strlen(unknown)) == 0,
		  "%.120s", line + 2);
	cr_expect(strstr(line, "hidden from this user") != NULL, "%.160s", line + 2);
	ms_buf_free(&out);
}

/* ---- pane 5 ------------------------------------------------------------------- */

#include "memscope/views.h"

static int screen_find(const ms_screen *scr, const char *text)
{
	ms_buf line = MS_BUF_INIT;
	int found = -1;

	for (int r = 0; r < scr->rows && found < 0; r++) {
		ms_screen_row_text(scr, r, &line);
		if (line.data && strstr(line.data, text))
			found = r;
	}
	ms_buf_free(&line);
	return found;
}

static void select_key(ms_pane *p, const ms_accounting *a, const char *key)
{
	cr_assert_eq(p->cls->key(p, MS_KEY_HOME), MS_PANE_USED);
	for (int32_t i = 0; i < ms_acct_find(a, key); i++)
		p->cls->key(p, MS_KEY_DOWN);
}

Test(accounting, pane_bars_strip_and_drill_down_at_80x24)
{
	ms_source *src = open_board(true);
	ms_sample s;
	ms_accounting a;
	ms_error err = { 0 };
	ms_pane p;
	ms_screen scr;
	ms_buf line = MS_BUF_INIT;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_ACCOUNTING, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_accounting_build(&s, &a), 0);
	const ms_pane_class *cls = ms_pane_find("memory");
	cr_assert_not_null(cls);
	cr_assert_eq(ms_panes[4], cls, "pane 5");
	cr_assert_eq(ms_pane_init(&p, cls), 0);
	cr_assert_eq(ms_screen_init(&scr, 18, 80), 0); /* 24 less header, tabs, status */
	ms_view_data d = { .cur = &s, .generation = 1 };
	ms_rect r = { 0, 0, 18, 80 };

	cls->draw(&p, &scr, r, &d);
	/* The strip: RAM from 0x40000000 to 0x5fffffff, the 8 MB no-map at
	 * 0x41000000 (1/64 of it: column 1 of 78), the kernel after it. */
	ms_screen_row_text(&scr, 0, &line);
	cr_assert_eq(line.len, 80u, "%s", line.data);
	cr_assert_eq(line.data[0], '[');
	cr_assert(strchr(line.data, 'n') && strchr(line.data, 'K'), "%s", line.data);
	cr_assert_lt(strchr(line.data, 'n'), strchr(line.data, 'K'), "%s", line.data);
	cr_assert_geq(screen_find(&scr, "Installed RAM"), 2);
	int mt = screen_find(&scr, "  MemTotal");
	cr_assert_geq(mt, 0);
	ms_screen_row_text(&scr, mt, &line);
	/* 480000 of 524288 kB: 92 % of installed RAM. */
	cr_assert(strstr(line.data, "92%"), "%s", line.data);

	select_key(&p, &a, "vmalloc");
	cr_assert_eq(cls->key(&p, MS_KEY_ENTER), MS_PANE_USED);
	cls->draw(&p, &scr, r, &d);
	cr_assert_geq(screen_find(&scr, "load_module"), 0);
	cr_assert_geq(screen_find(&scr, "kernel_clone"), 0);
	cr_assert_eq(cls->key(&p, MS_KEY_ESC), MS_PANE_USED);

	select_key(&p, &a, "boot_reserved");
	cr_assert_eq(cls->key(&p, MS_KEY_ENTER), MS_PANE_USED);
	cls->draw(&p, &scr, r, &d);
	cr_assert_geq(screen_find(&scr, "optee@41000000"), 0);
	cr_assert_geq(screen_find(&scr, "Kernel code"), 0);
	cls->key(&p, MS_KEY_ESC);

	select_key(&p, &a, "slab_unreclaimable");
	cr_assert_eq(cls->key(&p, MS_KEY_ENTER), MS_PANE_OPEN_PANE);
	cr_assert_str_eq(p.open_pane, "slabs");

	for (int row = 0; row < scr.rows; row++) {
		ms_screen_row_text(&scr, row, &line);
		cr_assert_leq(line.len, 80u);
	}
	ms_pane_destroy(&p);
	ms_screen_free(&scr);
	ms_buf_free(&line);
	ms_accounting_free(&a);
	ms_sample_free(&s);
	ms_source_close(src);
}
