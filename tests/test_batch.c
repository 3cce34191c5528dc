/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "batch": the renderers of src/batch.c on a hand-built sample, so
 * that every expected string below is written out by hand from the
 * contract (DESIGN.md, doc/json.md), not produced by the code under test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/batch.h"
#include "memscope/catalogue.h"
#include "memscope/table.h"
#include "testutil.h"

/* A process name with an escape sequence, a newline and a quote: it must
 * come out inert in every format. */
#define EVIL_NAME "\x1b[31mred\nline\"q"

static ms_proc procs[3];
static ms_slab slabs[1];
static ms_buddy_zone buddy_zones[1];
static ms_pagetype_free pt_free[2];
static ms_zone zones[2];
static ms_kv meminfo_items[3];

static void set_na(int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = MS_NA;
}

static void part_missing(ms_part_state *st)
{
	st->status = -ENOENT;
	ms_error_set(&st->err, ENOENT, 0, "not in snapshot");
}

static void init_procs(void)
{
	memset(procs, 0, sizeof procs);
	procs[0] = (ms_proc){ .pid = 1, .uid = 0, .user = "root", .name = "init",
			      .cmdline = "/sbin/init", .vss_kb = 2048, .rss_kb = 1024,
			      .pss_kb = 600, .uss_kb = 500, .swap_kb = 0, .swap_pss_kb = 0,
			      .origin = MS_ORIGIN_ROLLUP, .vss_origin = MS_ORIGIN_STATUS,
			      .rss_origin = MS_ORIGIN_ROLLUP, .swap_origin = MS_ORIGIN_ROLLUP,
			      .oom_score = 0, .oom_score_adj = -1000, .cgroup = "/init.scope",
			      .cgroup_version = 2 };
	procs[1] = (ms_proc){ .pid = 7, .uid = 0, .user = "root", .name = "sh",
			      .cmdline = "sh", .vss_kb = 1536, .rss_kb = 700, .pss_kb = 300,
			      .uss_kb = 200, .swap_kb = 4, .swap_pss_kb = 2,
			      .origin = MS_ORIGIN_SMAPS, .vss_origin = MS_ORIGIN_SMAPS,
			      .rss_origin = MS_ORIGIN_SMAPS, .swap_origin = MS_ORIGIN_SMAPS,
			      .oom_score = 668, .oom_score_adj = 0, .cgroup = "/user.slice/a b",
			      .cgroup_version = 1 };
	/* Not readable (another user's process, not root): every figure unknown. */
	procs[2] = (ms_proc){ .pid = 42, .uid = 1000, .user = "1000", .name = EVIL_NAME,
			      .cmdline = "evil --x", .origin = MS_ORIGIN_NONE,
			      .status = -EACCES };
	set_na(&procs[2].vss_kb, 6);
	procs[2].pss_anon_kb = procs[2].pss_file_kb = procs[2].pss_shmem_kb = MS_NA;
	procs[2].hugetlb_kb = MS_NA;
	procs[2].oom_score = procs[2].oom_score_adj = MS_NA; /* cgroup NULL: unknown */
}

static void init_slabs(void)
{
	memset(slabs, 0, sizeof slabs);
	slabs[0] = (ms_slab){ .name = "kmalloc-64", .active_objs = 100, .num_objs = 128,
			      .objsize = 64, .objperslab = 64, .pagesperslab = 1,
			      .active_slabs = 2, .num_slabs = 2, .limit = MS_NA,
			      .batchcount = MS_NA, .sharedfactor = MS_NA,
			      .sharedavail = MS_NA };
}

/* Orders 0..2 with 2, 1, 1 free blocks: 2 + 2 + 4 = 8 pages = 32 kB. */
static void init_buddy(void)
{
	memset(buddy_zones, 0, sizeof buddy_zones);
	buddy_zones[0] = (ms_buddy_zone){ .node = 0, .zone = "Normal", .norders = 3,
					  .free = { 2, 1, 1 } };
	memset(pt_free, 0, sizeof pt_free);
	pt_free[0] = (ms_pagetype_free){ .node = 0, .zone = "Normal", .type = "Unmovable",
					 .norders = 3, .free = { 1, 0, 0 } };
	pt_free[1] = (ms_pagetype_free){ .node = 0, .zone = "Normal", .type = "Movable",
					 .norders = 3, .free = { 1, 1, 1 } };
}

static void init_zones(void)
{
	memset(zones, 0, sizeof zones);
	zones[0] = (ms_zone){ .node = 0, .zone = "DMA", .free_pages = 3840, .min = 45,
			      .low = 56, .high = 67, .spanned = 4095, .present = 3998,
			      .managed = 3840, .cma = MS_NA, .nprotection = 2,
			      .protection = { 0, 2877 } };
	/* Below low: the marker. An old kernel: no managed line. */
	zones[1] = (ms_zone){ .node = 0, .zone = "Normal", .free_pages = 500, .min = 400,
			      .low = 600, .high = 700, .spanned = 65536, .present = 64000,
			      .managed = MS_NA, .cma = 0 };
}

static void init_meminfo(ms_sample *s)
{
	meminfo_items[0] = (ms_kv){ .key = "MemTotal", .value = 456632, .kb = true };
	meminfo_items[1] = (ms_kv){ .key = "MemFree", .value = 12345, .kb = true };
	meminfo_items[2] = (ms_kv){ .key = "HugePages_Total", .value = 0, .kb = false };
	s->meminfo.items = meminfo_items;
	s->meminfo.n = s->meminfo.cap = MS_ARRAY_LEN(meminfo_items);
}

/* A snapshot of a small armv7 board with every part loaded except
 * pagetypeinfo (root-only since 5.x), vmstat. */
static void init_sample(ms_sample *s)
{
	memset(s, 0, sizeof *s);
	strcpy(s->info.path, "/snap");
	strcpy(s->info.kernel, "4.4.0");
	strcpy(s->info.machine, "armv7l");
	strcpy(s->info.hostname, "board");
	strcpy(s->info.container, "dir");
	strcpy(s->info.layout, "memscope");
	strcpy(s->info.captured_at, "2026-01-02T03:04:05Z");
	s->info.page_size = 4096;
	s->info.page_size_origin = "metadata";

	init_procs();
	s->procs = procs;
	s->nprocs = 3;
	s->nkthreads = 5;
	s->nunknown = 1;
	init_slabs();
	s->slabs.caches = slabs;
	s->slabs.n = 1;
	strcpy(s->slabs.version, "2.1");
	init_buddy();
	s->buddy.zones = buddy_zones;
	s->buddy.n = 1;
	part_missing(&s->st[MS_P_PAGETYPE]);
	init_zones();
	s->zones.zones = zones;
	s->zones.n = 2;
	init_meminfo(s);
	part_missing(&s->st[MS_P_VMSTAT]);
}

static void add_pagetype(ms_sample *s)
{
	memset(&s->st[MS_P_PAGETYPE], 0, sizeof s->st[MS_P_PAGETYPE]);
	s->pagetype.page_block_order = 10;
	s->pagetype.pages_per_block = 1024;
	s->pagetype.free = pt_free;
	s->pagetype.nfree = 2;
}

static ms_sample sample;
static ms_buf out;

static void setup(void)
{
	init_sample(&sample);
	out = (ms_buf)MS_BUF_INIT;
}

static void teardown(void)
{
	ms_buf_free(&out);
}

static const char *render(const ms_view_class *view, ms_format format, const char *sort, bool reverse,
			  long limit, bool plain_kb)
{
	ms_batch_opts o = { .view = view, .format = format, .sort = sort, .reverse = reverse,
			    .limit = limit, .plain_kb = plain_kb };
	ms_error err;

	ms_buf_reset(&out);
	int rc = ms_batch_render(&o, &sample, NULL, &out, &err);
	cr_assert_eq(rc, 0, "render failed: %d %s", rc, err.msg);
	return out.data;
}

#define SOURCE_JSON                                                                     \
	"\"source\":{\"kind\":\"snapshot\",\"path\":\"/snap\",\"kernel\":\"4.4.0\","     \
	"\"machine\":\"armv7l\",\"page_size\":4096,\"page_size_origin\":\"metadata\","    \
	"\"captured_at\":\"2026-01-02T03:04:05Z\",\"hostname\":\"board\","          \
	"\"container\":\"dir\",\"layout\":\"memscope\",\"skipped_entries\":0,"    \
	"\"lacks\":null}"

/* A view of the registry, by name. */
#define VIEW(name) ms_view_find(#name)

TestSuite(batch, .init = setup, .fini = teardown);

Test(batch, views_by_name)
{
	static const char *const names[] = { "procrank", "slabs", "buddy", "zones",
					      "meminfo", "vma", "libs", "categories", "swap",
					      "shm", "memory", "iomem", "vmalloc",
					      "cma", "dmabuf", "pressure", "cgroups", "report" };
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		const ms_view_class *v = ms_view_find(names[i]);
		cr_assert(v, "%s", names[i]);
		cr_assert_str_eq(v->name, names[i]);
		cr_assert_eq(ms_views[i], v, "the registry lists %s at %zu", names[i], i);
	}
	cr_assert_null(ms_views[MS_ARRAY_LEN(names)]);
	cr_assert_null(ms_view_find("procrankx"));
	cr_assert_eq(ms_view_parts(VIEW(slabs)), MS_PART_SLABINFO);
	cr_assert_eq(ms_view_parts(VIEW(buddy)), MS_PART_BUDDY | MS_PART_PAGETYPE);
	cr_assert_eq(ms_view_parts(VIEW(vma)), 0u, "vma reads one pid itself");
	cr_assert_eq(ms_view_parts(VIEW(report)),
		     MS_PART_MEMINFO | MS_PART_PROCS | MS_PART_SLABINFO | MS_PART_BUDDY |
			     MS_PART_PAGETYPE | MS_PART_ZONEINFO | MS_PART_IOMEM |
			     MS_PART_VMALLOC | MS_PART_DEVTREE | MS_PART_CMA | MS_PART_DMABUF |
			     MS_PART_PSI | MS_PART_CGROUPS | MS_PART_PROC_DETAIL,
		     "report reads what its sections need");
	cr_assert_str_eq(ms_part_file(VIEW(zones)->part), "zoneinfo");
}

Test(batch, procrank_json_exact)
{
	const char *want =
		"{\"schema\":\"memscope/1\",\"view\":\"procrank\"," SOURCE_JSON ","
		"\"processes\":["
		"{\"pid\":1,\"user\":\"root\",\"vss_kb\":2048,\"rss_kb\":1024,\"pss_kb\":600,"
		"\"uss_kb\":500,\"swap_kb\":0,\"swap_pss_kb\":0,\"name\":\"init\","
		"\"cmdline\":\"/sbin/init\",\"dmabuf_kb\":null,\"oom_score\":0,\"oom_score_adj\":-1000,"
		"\"cgroup\":\"/init.scope\",\"origin\":\"smaps_rollup\",\"vss_origin\":\"status\","
		"\"rss_origin\":\"smaps_rollup\",\"swap_origin\":\"smaps_rollup\","
		"\"cgroup_version\":2},"
		"{\"pid\":7,\"user\":\"root\",\"vss_kb\":1536,\"rss_kb\":700,\"pss_kb\":300,"
		"\"uss_kb\":200,\"swap_kb\":4,\"swap_pss_kb\":2,\"name\":\"sh\","
		"\"cmdline\":\"sh\",\"dmabuf_kb\":null,\"oom_score\":668,\"oom_score_adj\":0,"
		"\"cgroup\":\"/user.slice/a b\",\"origin\":\"smaps\",\"vss_origin\":\"smaps\","
		"\"rss_origin\":\"smaps\",\"swap_origin\":\"smaps\",\"cgroup_version\":1},"
		"{\"pid\":42,\"user\":\"1000\",\"vss_kb\":null,\"rss_kb\":null,\"pss_kb\":null,"
		"\"uss_kb\":null,\"swap_kb\":null,\"swap_pss_kb\":null,"
		"\"name\":\"\\u001b[31mred\\nline\\\"q\",\"cmdline\":\"evil --x\",\"dmabuf_kb\":null,"
		"\"oom_score\":null,\"oom_score_adj\":null,\"cgroup\":null,\"origin\":null,\"vss_origin\":null,\"rss_origin\":null,\"swap_origin\":null,"
		"\"cgroup_version\":null}],"
		"\"totals\":{\"pss_kb\":900,\"uss_kb\":700,\"swap_kb\":4,\"swap_pss_kb\":2,"
		"\"dmabuf_kb\":null,"
		"\"count\":3},"
		"\"skipped\":{\"kernel_threads\":5,\"zombies\":0,\"unknown\":1,\"gone\":0},"
		"\"cgroup_filter\":null}\n";

	cr_assert_str_eq(render(VIEW(procrank), MS_FORMAT_JSON, NULL, false, 0, false), want);
}

Test(batch, procrank_csv_exact)
{
	const char *want =
		"pid,user,vss_kb,rss_kb,pss_kb,uss_kb,swap_kb,swap_pss_kb,name,cmdline,dmabuf_kb,"
		"oom_score,oom_score_adj,cgroup\r\n"
		"1,root,2048,1024,600,500,0,0,init,/sbin/init,,0,-1000,/init.scope\r\n"
		"7,root,1536,700,300,200,4,2,sh,sh,,668,0,/user.slice/a b\r\n"
		"42,1000,,,,,,,\"\\e[31mred\\nline\"\"q\",evil --x,,,,\r\n";

	cr_assert_str_eq(render(VIEW(procrank), MS_FORMAT_CSV, NULL, false, 0, false), want);
}

/* Column widths are the declared ones (PID 7, USER 8, kB columns 7, OOM 5,
 * OOMADJ 6, CGROUP 12, NAME 15) widened to the widest cell: the cgroup
 * "/user.slice/a b" is 15 wide, the escaped name 17. NAME and COMMAND come
 * last; the last column (COMMAND) is not padded; an unknown cgroup is "-",
 * and so is DMABUF where no fdinfo was read. */
Test(batch, procrank_text_exact_plain_kb)
{
	const char *want =
		"    PID USER         VSS     RSS     PSS     USS    SWAP SWAPPSS  DMABUF "
		"  OOM OOMADJ CGROUP          NAME              COMMAND\n"
		"      1 root        2048    1024     600     500       0       0       - "
		"    0  -1000 /init.scope     init              /sbin/init\n"
		"      7 root        1536     700     300     200       4       2       - "
		"  668      0 /user.slice/a b sh                sh\n"
		"     42 1000           -       -       -       -       -       -       - "
		"    -      - -               \\e[31mred\\nline\"q evil --x\n"
		"  TOTAL                              900     700       4       2       -\n"
		"kernel threads not listed: 5; unknown figures (-): 1\n";

	cr_assert_str_eq(render(VIEW(procrank), MS_FORMAT_TEXT, NULL, false, 0, true), want);
}

Test(batch, procrank_text_human_units)
{
	const char *txt = render(VIEW(procrank), MS_FORMAT_TEXT, NULL, false, 0, false);

	cr_assert(strstr(txt, "      1 root        2.0M    1.0M    600K    500K      0K      0K "),
		  "%s", txt);
	cr_assert(strstr(txt, "  TOTAL                             900K    700K      4K      2K       -\n"),
		  "%s", txt);
}

/* Nothing that could act on a terminal or break a record survives. */
Test(batch, hostile_name_is_inert_in_every_format)
{
	for (int f = MS_FORMAT_TEXT; f <= MS_FORMAT_JSON; f++) {
		const char *o = render(VIEW(procrank), (ms_format)f, NULL, false, 0, true);
		cr_assert_null(strchr(o, '\x1b'), "raw ESC in format %d", f);
		/* Every line is whole: exactly the expected number of lines. */
		size_t lines = 0;
		for (const char *p = o; *p; p++)
			lines += *p == '\n';
		size_t want[] = { [MS_FORMAT_TEXT] = 6, [MS_FORMAT_CSV] = 4,
				  [MS_FORMAT_JSON] = 1 };
		cr_assert_eq(lines, want[f], "format %d: %zu lines", f, lines);
	}
}

Test(batch, limit_shows_fewer_rows_but_totals_cover_all)
{
	const char *o = render(VIEW(procrank), MS_FORMAT_JSON, NULL, false, 1, false);

	cr_assert(strstr(o, "\"processes\":[{\"pid\":1,"), "%s", o);
	cr_assert_null(strstr(o, "\"pid\":7"), "%s", o);
	cr_assert(strstr(o, "\"totals\":{\"pss_kb\":900,\"uss_kb\":700,"), "%s", o);

	o = render(VIEW(procrank), MS_FORMAT_TEXT, NULL, false, 2, true);
	cr_assert(strstr(o, "(2 of 3 rows shown; totals cover all 3)\n"), "%s", o);
}

Test(batch, sort_and_reverse)
{
	/* pid sorts ascending by default; reversed: 42, 7, 1. */
	const char *o = render(VIEW(procrank), MS_FORMAT_CSV, "pid", true, 0, false);
	const char *p42 = strstr(o, "\r\n42,"), *p7 = strstr(o, "\r\n7,");
	const char *p1 = strstr(o, "\r\n1,");
	cr_assert(p42 && p7 && p1 && p42 < p7 && p7 < p1, "%s", o);

	/* Unknown figures go last in either direction. */
	o = render(VIEW(procrank), MS_FORMAT_CSV, "uss", true, 0, false);
	p42 = strstr(o, "\r\n42,"), p7 = strstr(o, "\r\n7,"), p1 = strstr(o, "\r\n1,");
	cr_assert(p42 && p7 && p1 && p7 < p1 && p1 < p42, "%s", o);
}

Test(batch, unknown_sort_key_is_an_error)
{
	ms_batch_opts o = { .view = VIEW(procrank), .format = MS_FORMAT_JSON, .sort = "bogus" };
	ms_error err;

	ms_buf_reset(&out);
	cr_assert_eq(ms_batch_render(&o, &sample, NULL, &out, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "--sort bogus: unknown key (valid: pid, user, vss_kb, rss_kb, "
				  "pss_kb, uss_kb, swap_kb, swap_pss_kb, name, cmdline, dmabuf_kb, "
				  "oom_score, oom_score_adj, cgroup)");
	cr_assert_eq(out.len, 0u, "no half document");

	cr_assert_eq(ms_batch_check_opts(&o, MS_VOPT_SORT, &err), -EINVAL);
	o.sort = "pss"; /* without its _kb suffix */
	cr_assert_eq(ms_batch_check_opts(&o, MS_VOPT_SORT, &err), 0);
	o.view = VIEW(meminfo);
	cr_assert_eq(ms_batch_check_opts(&o, MS_VOPT_SORT, &err), -EINVAL, "meminfo has no table");
	cr_assert_str_eq(err.msg, "--sort: not an option of meminfo");
}

Test(batch, slabs_json_and_csv_exact)
{
	/* size = 2 slabs * 1 page * 4096 / 1024 = 8 kB; used = 100 * 64 / 1024
	 * = 6.25 -> 6 kB; use = 100 / 128 = 78 %. */
	const char *want_json =
		"{\"schema\":\"memscope/1\",\"view\":\"slabs\"," SOURCE_JSON ","
		"\"slabinfo_version\":\"2.1\",\"unreclaimable_only\":false,\"slabs_note\":null,"
		"\"caches\":[{\"name\":\"kmalloc-64\","
		"\"active_objs\":100,\"num_objs\":128,\"objsize\":64,\"objperslab\":64,"
		"\"pagesperslab\":1,\"active_slabs\":2,\"num_slabs\":2,\"size_kb\":8,"
		"\"used_kb\":6,\"use_pct\":78}],"
		"\"totals\":{\"size_kb\":8,\"used_kb\":6,\"count\":1}}\n";
	const char *want_csv =
		"name,active_objs,num_objs,objsize,objperslab,pagesperslab,active_slabs,"
		"num_slabs,size_kb,used_kb,use_pct\r\n"
		"kmalloc-64,100,128,64,64,1,2,2,8,6,78\r\n";

	cr_assert_str_eq(render(VIEW(slabs), MS_FORMAT_JSON, NULL, false, 0, false), want_json);
	cr_assert_str_eq(render(VIEW(slabs), MS_FORMAT_CSV, NULL, false, 0, false), want_csv);
}

Test(batch, meminfo_all_formats_exact)
{
	cr_assert_str_eq(render(VIEW(meminfo), MS_FORMAT_TEXT, NULL, false, 0, false),
			 "MemTotal:         456632 kB\n"
			 "MemFree:           12345 kB\n"
			 "HugePages_Total:       0\n");
	cr_assert_str_eq(render(VIEW(meminfo), MS_FORMAT_CSV, NULL, false, 0, false),
			 "key,value,unit\r\nMemTotal,456632,kB\r\nMemFree,12345,kB\r\n"
			 "HugePages_Total,0,\r\n");
	cr_assert_str_eq(render(VIEW(meminfo), MS_FORMAT_JSON, NULL, false, 0, false),
			 "{\"schema\":\"memscope/1\",\"view\":\"meminfo\"," SOURCE_JSON ","
			 "\"meminfo\":{\"MemTotal\":456632,\"MemFree\":12345,"
			 "\"HugePages_Total\":0}}\n");
}

/* Free kB = (2*1 + 1*2 + 1*4) pages * 4 kB = 32. Unusable index for order
 * n = (free pages - pages in blocks of order >= n) / free pages:
 * 0, 2/8, 4/8. extfrag is -1 at every order (a block exists). */
Test(batch, buddy_json_without_pagetypeinfo)
{
	const char *want =
		"{\"schema\":\"memscope/1\",\"view\":\"buddy\"," SOURCE_JSON ","
		"\"page_size\":4096,\"pageblock_order\":null,\"pages_per_block\":null,"
		"\"pagetypeinfo_error\":\"not in snapshot\","
		"\"zones\":[{\"node\":0,\"zone\":\"Normal\",\"free\":[2,1,1],\"free_kb\":32,"
		"\"free_pages\":8,\"largest_order\":2,"
		"\"unusable_index\":[0.000,0.250,0.500],"
		"\"extfrag_index\":[-1.000,-1.000,-1.000],"
		"\"migrate\":null,\"migrate_at_least\":null}]}\n";

	cr_assert_str_eq(render(VIEW(buddy), MS_FORMAT_JSON, NULL, false, 0, false), want);
}

Test(batch, buddy_with_migrate_types)
{
	add_pagetype(&sample);
	pt_free[1].at_least[0] = true;
	const char *o = render(VIEW(buddy), MS_FORMAT_JSON, NULL, false, 0, false);
	cr_assert(strstr(o, "\"pageblock_order\":10,\"pages_per_block\":1024,"
			    "\"pagetypeinfo_error\":null,"), "%s", o);
	cr_assert(strstr(o, "\"migrate\":{\"Unmovable\":[1,0,0],\"Movable\":[1,1,1]},"
			    "\"migrate_at_least\":true}"), "%s", o);

	cr_assert_str_eq(render(VIEW(buddy), MS_FORMAT_TEXT, NULL, false, 0, true),
			 "NODE ZONE               0       1       2      FREE\n"
			 "   0 Normal             2       1       1        32\n"
			 "     Unmovable          1       0       0\n"
			 "     Movable           >1       1       1\n"
			 "(free blocks per order; page size 4096)\n");
	cr_assert_str_eq(render(VIEW(buddy), MS_FORMAT_CSV, NULL, false, 0, false),
			 "node,zone,migrate_type,order0,order1,order2,free_kb\r\n"
			 "0,Normal,,2,1,1,32\r\n"
			 "0,Normal,Unmovable,1,0,0,\r\n"
			 "0,Normal,Movable,1,1,1,\r\n");
}

Test(batch, zones_text_marks_low_and_json_has_nulls)
{
	const char *txt = render(VIEW(zones), MS_FORMAT_TEXT, NULL, false, 0, false);
	cr_assert_str_eq(txt,
			 "NODE ZONE          FREE       MIN       LOW      HIGH   SPANNED "
			 "  PRESENT   MANAGED\n"
			 "   0 DMA           3840        45        56        67      4095 "
			 "     3998      3840\n"
			 "   0 Normal         500       400       600       700     65536 "
			 "    64000         -  < low\n"
			 "(pages; \"< low\": free below the low watermark, "
			 "\"< min\": below min)\n");

	const char *js = render(VIEW(zones), MS_FORMAT_JSON, NULL, false, 0, false);
	cr_assert(strstr(js, "{\"node\":0,\"zone\":\"DMA\",\"free_pages\":3840,\"min\":45,"
			     "\"low\":56,\"high\":67,\"spanned\":4095,\"present\":3998,"
			     "\"managed\":3840,\"cma\":null,\"protection\":[0,2877],"
			     "\"below_low\":false}"), "%s", js);
	cr_assert(strstr(js, "\"managed\":null,\"cma\":0,\"protection\":null,"
			     "\"below_low\":true}"), "%s", js);
}

Test(batch, missing_part_names_file_and_reason)
{
	ms_batch_opts o = { .view = VIEW(slabs), .format = MS_FORMAT_TEXT };
	ms_error err;

	sample.st[MS_P_SLABINFO].status = -EACCES;
	ms_error_set(&sample.st[MS_P_SLABINFO].err, EACCES, 0, "needs root");
	cr_assert_eq(ms_batch_render(&o, &sample, NULL, &out, &err), -EACCES);
	cr_assert_str_eq(err.msg, "slabs: /snap/slabinfo: needs root");
}

Test(batch, report_json_lists_errors_and_nulls)
{
	sample.st[MS_P_SLABINFO].status = -EACCES;
	ms_error_set(&sample.st[MS_P_SLABINFO].err, EACCES, 0, "needs root");

	const char *o = render(VIEW(report), MS_FORMAT_JSON, NULL, false, 0, false);
	cr_assert(!strncmp(o, "{\"schema\":\"memscope/1\",\"view\":\"report\"," SOURCE_JSON
			      ",\"meminfo\":{\"MemTotal\":456632,", 180), "%s", o);
	cr_assert(strstr(o, "\"caches\":null,\"cache_totals\":null,"), "%s", o);
	cr_assert(strstr(o, "\"process_totals\":{\"pss_kb\":900,"), "%s", o);
	cr_assert(strstr(o, ",\"errors\":{\"caches\":\"needs root\","
			    "\"pagetypeinfo\":\"not in snapshot\"}}\n"), "%s", o);

	const char *t = render(VIEW(report), MS_FORMAT_TEXT, NULL, false, 0, true);
	cr_assert(!strncmp(t, "memscope report\nsource:      snapshot /snap\n"
			      "kernel:      4.4.0\nmachine:     armv7l\npage size:   4096\n"
			      "captured at: 2026-01-02T03:04:05Z\n", 135), "%s", t);
	cr_assert(strstr(t, "\n== Slab caches (slabinfo) ==\nneeds root\n"), "%s", t);
	cr_assert(strstr(t, "\n== Memory (meminfo) ==\nMemTotal:         456632 kB\n"), "%s", t);
}

Test(batch, report_csv_is_refused)
{
	ms_batch_opts o = { .view = VIEW(report), .format = MS_FORMAT_CSV };
	ms_error err;

	cr_assert_eq(ms_batch_render(&o, &sample, NULL, &out, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "report: CSV holds one table: use -f text or -f json");
	cr_assert_eq(out.len, 0u);
}

/* The man page's VIEWS section names every view of the registry, in its
 * order, with the words it takes (".B procrank", ".BI "vma " PID"). */
Test(batch, man_page_lists_the_registry)
{
	ms_buf man = MS_BUF_INIT;
	cr_assert(tu_read_file(tu_fixture("../../doc/memscope.1"), &man));
	const char *views = strstr(man.data, "\n.SH VIEWS\n");
	const char *end = views ? strstr(views + 1, "\n.SH ") : NULL;
	cr_assert(views && end, "doc/memscope.1 has a VIEWS section");

	size_t i = 0;
	for (const char *p = strstr(views, "\n.TP\n"); p && p < end; p = strstr(p + 1, "\n.TP\n")) {
		const ms_view_class *v = ms_views[i];
		char want[64];
		cr_assert(v, "the man page lists more views than the registry");
		if (v->args)
			snprintf(want, sizeof want, "\n.TP\n.BI \"%s \" %s\n", v->name, v->args);
		else
			snprintf(want, sizeof want, "\n.TP\n.B %s\n", v->name);
		cr_assert_eq(strncmp(p, want, strlen(want)), 0, "view %zu: want %s", i, want + 5);
		i++;
	}
	cr_assert_null(ms_views[i], "the man page lacks %s", ms_views[i] ? ms_views[i]->name : "");
	ms_buf_free(&man);
}
