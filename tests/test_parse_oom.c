/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM-killer reports in kernel logs. Values come from the fixtures and
 * corpus files (tests/fixtures/README.md), read by hand from the text. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_oom_list list;
static ms_error err;

static void setup(void)
{
	memset(&list, 0, sizeof list);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_oom_list_free(&list);
	ms_buf_free(&buf);
}

TestSuite(parse_oom, .init = setup, .fini = teardown);

/* Parses buf whole into list; returns the number of reports. */
static size_t parse_buf(void)
{
	size_t count = 0;

	ms_oom_list_free(&list);
	cr_assert_eq(ms_parse_oom_log(buf.data, buf.len, ms_oom_list_add, &list, &count, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(count, list.n);
	return count;
}

static size_t parse_path(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "cannot read %s", path);
	return parse_buf();
}

static size_t parse_fixture(const char *name)
{
	return parse_path(tu_fixture(name));
}

static size_t parse_str(const char *s)
{
	ms_buf_reset(&buf);
	ms_buf_puts(&buf, s);
	return parse_buf();
}

/* The corpus file, or a skipped test when the corpus is absent. */
static const char *corpus(const char *rel)
{
	const char *p = tu_corpus(rel);
	if (!p)
		cr_skip_test("no corpus");
	return p;
}

static const ms_oom_report *rep(size_t i)
{
	cr_assert_lt(i, list.n, "report %zu of %zu", i, list.n);
	return &list.items[i];
}

static void assert_victim(const ms_oom_report *r, int64_t pid, const char *name)
{
	const ms_oom_kill *v = ms_oom_report_victim(r);
	cr_assert_not_null(v, "no victim");
	cr_assert_eq(v->pid, pid, "victim pid %lld", (long long)v->pid);
	cr_assert_str_eq(v->name, name);
}

static const ms_oom_zone *zone(const ms_oom_report *r, int node, const char *name)
{
	for (size_t i = 0; i < r->nzones; i++)
		if (r->zones[i].node == node && strcmp(r->zones[i].zone, name) == 0)
			return &r->zones[i];
	cr_assert_fail("no zone %d %s", node, name);
	return NULL;
}

static const ms_oom_buddy *buddy(const ms_oom_report *r, int node, const char *name)
{
	for (size_t i = 0; i < r->nbuddy; i++)
		if (r->buddy[i].node == node && strcmp(r->buddy[i].zone, name) == 0)
			return &r->buddy[i];
	cr_assert_fail("no free list %d %s", node, name);
	return NULL;
}

static void assert_orders(const ms_oom_buddy *b, const int64_t *want, int n)
{
	cr_assert_eq(b->norders, n, "%s: %d orders", b->zone, b->norders);
	for (int i = 0; i < n; i++)
		cr_assert_eq(b->free[i], want[i], "%s order %d: %lld != %lld", b->zone, i,
			     (long long)b->free[i], (long long)want[i]);
}

static const ms_oom_task *task(const ms_oom_report *r, int64_t pid)
{
	for (size_t i = 0; i < r->ntasks; i++)
		if (r->tasks[i].pid == pid)
			return &r->tasks[i];
	cr_assert_fail("no task %lld", (long long)pid);
	return NULL;
}

static int64_t kv(const ms_kvlist *l, const char *key)
{
	return ms_kvlist_get(l, key);
}

/* ---- the ARM 6.1 kernels of the corpus (the lead's contract check) ------ */

#define ARMV7 "qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/meta/"
#define ARM64 "qemu-arm-6.1/arm64-6.1-cma64-psi/meta/"

static void check_armv7(void)
{
	cr_assert_eq(list.n, 2);
	const ms_oom_report *a = rep(0), *b = rep(1);
	assert_victim(a, 108, "oom-victim");
	assert_victim(b, 115, "global-hog");
	cr_assert_eq(a->ntasks, 10);
	cr_assert_eq(b->ntasks, 9);
	cr_assert_eq(zone(a, 0, "DMA")->free_kb, 1768);
	cr_assert_eq(zone(b, 0, "DMA")->free_kb, 1768);
	cr_assert_not(zone(a, 0, "DMA")->node_printed); /* armmp-lpae: no NUMA */
	static const int64_t first[] = { 0, 1, 2, 2, 2, 0, 2, 2, 0, 0, 0, 0 };
	static const int64_t second[] = { 2, 0, 2, 2, 2, 2, 1, 2, 0, 0, 0, 0 };
	assert_orders(buddy(a, 0, "DMA"), first, 12);
	assert_orders(buddy(b, 0, "DMA"), second, 12);
	cr_assert_str_eq(buddy(a, 0, "DMA")->types[2], "UE");
	cr_assert_eq(buddy(a, 0, "DMA")->total_kb, 1768);
	cr_assert_eq(buddy(a, 0, "DMA")->page_kb, 4);
}

Test(parse_oom, armv7_global_oom_corpus)
{
	parse_path(corpus(ARMV7 "dmesg"));
	check_armv7();
	const ms_oom_report *a = rep(0);
	cr_assert_eq(a->first_line, 209);
	cr_assert_eq(a->last_line, 262);
	cr_assert_eq(a->time_us, 6522597);
	cr_assert_not(a->truncated);
	cr_assert_eq(a->end, MS_OOM_END_KILL);
	cr_assert_eq(a->problems, 0, "%s", a->problem.msg);
	cr_assert_str_eq(a->trigger.comm, "global-hog");
	cr_assert_eq(a->trigger.pid, 115);
	cr_assert_eq(a->trigger.gfp_mask, 0x140cca);
	cr_assert_str_eq(a->trigger.gfp_flags, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	cr_assert_eq(a->trigger.order, 0);
	cr_assert_eq(a->trigger.oom_score_adj, 0);
	cr_assert_str_eq(a->trigger.constraint, "CONSTRAINT_NONE");
	cr_assert(a->trigger.global_oom);
	cr_assert_str_eq(a->trigger.kernel, "6.1.0-57-armmp-lpae");
	cr_assert_str_eq(a->trigger.hardware, "Generic DT based system");
	/* Mem-Info counters, pages */
	cr_assert(a->meminfo_printed);
	cr_assert_eq(kv(&a->meminfo, "inactive_anon"), 53703);
	cr_assert_eq(kv(&a->meminfo, "free"), 442);
	cr_assert_eq(kv(&a->meminfo, "free_cma"), 0);
	cr_assert_eq(a->meminfo.n, 20);
	cr_assert_eq(kv(&a->summary, "pages_RAM"), 65536);
	cr_assert_eq(kv(&a->summary, "pages_reserved"), 6614);
	cr_assert_eq(kv(&a->summary, "Total_swap"), 0);
	const ms_oom_zone *z = zone(a, 0, "DMA");
	cr_assert_eq(z->min_kb, 1924);
	cr_assert_eq(z->low_kb, 2404);
	cr_assert_eq(z->high_kb, 2884);
	cr_assert_eq(z->present_kb, 262144);
	cr_assert_eq(z->managed_kb, 235688);
	cr_assert_eq(kv(&z->stats, "reserved_highatomic"), 0);
	cr_assert_eq(z->nreserve, 4);
	cr_assert_eq(a->nnodes, 1);
	cr_assert_eq(a->nodes[0].all_unreclaimable, 1);
	cr_assert_eq(kv(&a->nodes[0].stats, "shmem_thp"), 0); /* "shmem_thp: 0kB" */
	cr_assert_eq(kv(&a->nodes[0].stats, "inactive_anon"), 214812);
	const ms_oom_task *t = task(a, 108);
	cr_assert_str_eq(t->name, "oom-victim");
	cr_assert_eq(t->col[MS_OOM_COL_TOTAL_VM], 1197);
	cr_assert_eq(t->col[MS_OOM_COL_RSS], 1080);
	cr_assert_eq(t->col[MS_OOM_COL_PGTABLES_BYTES], 36864);
	cr_assert_eq(t->col[MS_OOM_COL_OOM_SCORE_ADJ], 1000);
	cr_assert_eq(t->col[MS_OOM_COL_RSS_ANON], MS_NA);
	const ms_oom_kill *v = ms_oom_report_victim(a);
	cr_assert_eq(v->total_vm_kb, 4788);
	cr_assert_eq(v->anon_rss_kb, 4128);
	cr_assert_eq(v->file_rss_kb, 4);
	cr_assert_eq(v->shmem_rss_kb, 388);
	cr_assert_eq(v->pgtables_kb, 36);
	cr_assert_eq(v->oom_score_adj, 1000);
	cr_assert_not(v->memcg);
}

Test(parse_oom, armv7_same_reports_from_kmsg_and_dmesg_r)
{
	parse_path(corpus(ARMV7 "kmsg"));
	check_armv7();
	cr_assert_eq(rep(0)->meminfo.n, 20, "Mem-Info is one kmsg record with \\x0a");
	parse_path(corpus(ARMV7 "dmesg-raw"));
	check_armv7();
}

Test(parse_oom, arm64_memcg_v2_corpus)
{
	parse_path(corpus(ARM64 "dmesg"));
	cr_assert_eq(list.n, 1);
	const ms_oom_report *r = rep(0);
	assert_victim(r, 136, "app-hog");
	cr_assert(ms_oom_report_victim(r)->memcg);
	cr_assert_eq(r->ntasks, 2);
	cr_assert_eq(r->nzones, 0); /* a memcg OOM prints no Mem-Info */
	cr_assert_not(r->meminfo_printed);
	cr_assert_str_eq(r->trigger.memcg, "/app");
	cr_assert_str_eq(r->trigger.task_memcg, "/app");
	cr_assert_str_eq(r->trigger.constraint, "CONSTRAINT_MEMCG");
	cr_assert_eq(r->nusage, 2);
	cr_assert_str_eq(r->usage[0].name, "memory");
	cr_assert_eq(r->usage[0].usage_kb, 65536);
	cr_assert_eq(r->usage[0].limit_kb, 65536);
	cr_assert_eq(r->usage[0].failcnt, 38);
	cr_assert_str_eq(r->usage[1].name, "swap");
	cr_assert_str_eq(r->memcg_stat_path, "/app");
	/* dmesg cut the stat record at its 1 kB line limit; kmsg has it all */
	cr_assert_eq(r->memcg_stat.n, 30);
	cr_assert_eq(kv(&r->memcg_stat, "anon"), 66879488);
	cr_assert_eq(kv(&r->memcg_stat, "anon_thp"), 39845888);
	parse_path(corpus(ARM64 "kmsg"));
	cr_assert_eq(list.n, 1);
	cr_assert_eq(rep(0)->memcg_stat.n, 51);
	assert_victim(rep(0), 136, "app-hog");
}

/* ---- our own: this machine's v1 memcg OOMs, five log formats ------------ */

static void check_x86_memcg(void)
{
	cr_assert_eq(list.n, 2);
	const ms_oom_report *a = rep(0), *b = rep(1);
	assert_victim(a, 25850, "python3");
	assert_victim(b, 26384, "python3");
	cr_assert_eq(a->ntasks, 1);
	cr_assert_eq(b->ntasks, 3);
	cr_assert_eq(a->problems, 0, "%s", a->problem.msg);
	cr_assert_eq(b->problems, 0, "%s", b->problem.msg);
	cr_assert_not(a->meminfo_printed, "a register dump is no Mem-Info");
	cr_assert_str_eq(a->trigger.memcg, "/msfix-p12");
	cr_assert_str_eq(b->trigger.memcg, "/msfix-p12b");
	cr_assert_eq(a->trigger.pid, 25850);
	cr_assert_eq(a->trigger.cpu, 1);
	cr_assert_str_eq(a->trigger.kernel, "6.18.44-fc-v1272");
	cr_assert_eq(a->nusage, 3);
	cr_assert_str_eq(a->usage[1].name, "memory+swap");
	cr_assert_eq(a->usage[1].limit_kb, 9007199254740988);
	cr_assert_eq(a->usage[2].usage_kb, 220);
	cr_assert_eq(a->memcg_stat.n, 42);
	cr_assert_eq(kv(&a->memcg_stat, "rss"), 66797568);
	cr_assert_eq(kv(&a->memcg_stat, "hierarchical_memory_limit"), 67108864);
	cr_assert_eq(kv(&a->memcg_stat, "total_unevictable"), 0);
	const ms_oom_task *t = task(b, 26056);
	cr_assert_eq(t->col[MS_OOM_COL_RSS], 4074);
	cr_assert_eq(t->col[MS_OOM_COL_RSS_ANON], 2720);
	cr_assert_eq(t->col[MS_OOM_COL_RSS_FILE], 1354);
	cr_assert_eq(t->col[MS_OOM_COL_RSS_SHMEM], 0);
	cr_assert_eq(t->col[MS_OOM_COL_PGTABLES_BYTES], 77824);
	cr_assert(b->task_cols & (1u << MS_OOM_COL_RSS_SHMEM));
	cr_assert_not(b->task_cols & (1u << MS_OOM_COL_NR_PTES));
	const ms_oom_kill *v = ms_oom_report_victim(b);
	cr_assert_eq(v->anon_rss_kb, 26752);
	cr_assert_eq(v->file_rss_kb, 5468);
	cr_assert_eq(v->uid, 0);
	cr_assert(v->memcg);
}

Test(parse_oom, x86_memcg_v1_dmesg_formats)
{
	static const char *const formats[] = { "dmesg", "dmesg-r", "dmesg-x", "dmesg-T", "kmsg" };
	char name[128];

	for (size_t i = 0; i < MS_ARRAY_LEN(formats); i++) {
		snprintf(name, sizeof name, "oom/x86_64-6.18-memcg-v1.%s", formats[i]);
		cr_log_info("%s", name);
		parse_fixture(name);
		check_x86_memcg();
	}
	cr_assert_str_eq(rep(0)->wall_time, "", "kmsg has no wall clock");
	cr_assert_eq(rep(0)->time_us, 2840456359);
	parse_fixture("oom/x86_64-6.18-memcg-v1.dmesg-T");
	cr_assert_str_eq(rep(0)->wall_time, "Fri Dec  4 16:39:45 2026");
	cr_assert_eq(rep(0)->time_us, MS_NA);
}

/* ---- our own: Debian's arm64 6.1 under qemu, global OOMs ----------------- */

Test(parse_oom, arm64_global_oom_one_node)
{
	parse_fixture("oom/arm64-6.1-qemu-256m-globaloom.dmesg");
	cr_assert_eq(list.n, 2);
	const ms_oom_report *a = rep(0), *b = rep(1);
	assert_victim(a, 108, "oom-victim");
	assert_victim(b, 116, "global-hog");
	cr_assert_eq(a->ntasks, 10);
	cr_assert_eq(b->ntasks, 9);
	const ms_oom_zone *z = zone(a, 0, "DMA");
	cr_assert(z->node_printed);
	cr_assert_eq(z->free_kb, 1996);
	cr_assert_eq(zone(b, 0, "DMA")->free_kb, 3848);
	/* The free list's total is what the kernel printed, not the zone's. */
	static const int64_t first[] = { 15, 7, 2, 0, 1, 1, 0, 1, 1, 0, 0 };
	static const int64_t second[] = { 14, 8, 6, 27, 10, 3, 1, 1, 1, 0, 0 };
	assert_orders(buddy(a, 0, "DMA"), first, 11);
	assert_orders(buddy(b, 0, "DMA"), second, 11);
	cr_assert_eq(buddy(a, 0, "DMA")->total_kb, 1876);
	cr_assert_str_eq(buddy(a, 0, "DMA")->types[0], "UM");
	cr_assert_eq(a->nhuge, 4);
	cr_assert_eq(a->huge[0].size_kb, 1048576);
	cr_assert_eq(a->huge[3].size_kb, 64);
	cr_assert_eq(kv(&a->summary, "pages_hwpoisoned"), 0);
	cr_assert_eq(kv(&a->summary, "pages_reserved"), 9343);
	cr_assert_str_eq(a->trigger.gfp_flags, "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO");
	cr_assert_str_eq(a->trigger.hardware, "linux,dummy-virt (DT)");
	parse_fixture("oom/arm64-6.1-qemu-256m-globaloom.kmsg");
	cr_assert_eq(list.n, 2);
	assert_victim(rep(1), 116, "global-hog");
	assert_orders(buddy(rep(1), 0, "DMA"), second, 11);
	cr_assert_eq(rep(0)->meminfo.n, 20);
}

Test(parse_oom, arm64_global_oom_two_nodes)
{
	parse_fixture("oom/arm64-6.1-qemu-2node-512m-globaloom.dmesg");
	cr_assert_eq(list.n, 2);
	const ms_oom_report *a = rep(0), *b = rep(1);
	assert_victim(a, 115, "oom-victim");
	assert_victim(b, 127, "global-hog");
	cr_assert_eq(a->ntasks, 10);
	cr_assert_eq(b->ntasks, 9);
	cr_assert_str_eq(a->trigger.mems_allowed, "0-1");
	cr_assert_eq(a->nnodes, 2);
	cr_assert_eq(a->nodes[1].node, 1);
	cr_assert_eq(zone(a, 0, "DMA")->free_kb, 1252);
	cr_assert_eq(zone(a, 1, "DMA")->free_kb, 1340);
	cr_assert_eq(zone(b, 1, "DMA")->free_kb, 1448);
	cr_assert_eq(zone(a, 1, "DMA")->managed_kb, 252092);
	static const int64_t node0[] = { 5, 4, 3, 0, 2, 2, 1, 1, 0, 0, 0 };
	static const int64_t node1[] = { 9, 5, 3, 4, 1, 2, 1, 1, 0, 0, 0 };
	static const int64_t node1b[] = { 9, 6, 7, 7, 0, 0, 2, 1, 0, 0, 0 };
	assert_orders(buddy(a, 0, "DMA"), node0, 11);
	assert_orders(buddy(a, 1, "DMA"), node1, 11);
	assert_orders(buddy(b, 1, "DMA"), node1b, 11);
	cr_assert_eq(buddy(b, 1, "DMA")->total_kb, 1444);
	cr_assert_eq(a->nhuge, 8);
}

/* ---- third-party logs, 2.6 to 4.x ---------------------------------------- */

Test(parse_oom, linux_2_6_31_i386_highmem_syslog)
{
	parse_fixture("oom/linux-2.6.31-i386-highmem-ubuntu.syslog");
	cr_assert_eq(list.n, 3);
	const ms_oom_report *a = rep(0), *b = rep(1), *c = rep(2);
	assert_victim(a, 19776, "VirtualBox");
	assert_victim(b, 3480, "thunderbird-bin");
	cr_assert_null(ms_oom_report_victim(c));
	cr_assert(c->truncated);
	cr_assert_eq(c->end, MS_OOM_END_LOG);
	cr_assert_eq(a->chosen_pid, 19735);
	cr_assert_str_eq(a->chosen_name, "VBoxSVC");
	cr_assert_eq(a->chosen_score, 2136105);
	cr_assert_str_eq(a->wall_time, "Feb 23 16:10:58");
	cr_assert_eq(a->time_us, INT64_C(1223639929720));
	cr_assert_str_eq(a->trigger.comm, "rhythmbox");
	cr_assert_eq(a->trigger.gfp_mask, 0x44d0);
	cr_assert_eq(a->trigger.order, 2);
	cr_assert_eq(a->trigger.oom_adj, 0);
	cr_assert_eq(a->trigger.oom_score_adj, MS_NA);
	cr_assert_eq(a->trigger.pid, 1343);
	cr_assert_str_eq(a->trigger.kernel, "2.6.31-19-generic");
	cr_assert_str_eq(a->trigger.cpuset, "/");
	cr_assert_not(a->tasks_printed);
	cr_assert_eq(kv(&a->meminfo, "Active_anon"), 211446);
	cr_assert_eq(kv(&a->meminfo, "bounce"), 0);
	cr_assert_eq(a->meminfo.n, 13);
	cr_assert_eq(zone(a, 0, "DMA")->free_kb, 3488);
	cr_assert_eq(zone(a, 0, "Normal")->free_kb, 42024);
	cr_assert_eq(zone(a, 0, "HighMem")->free_kb, 93428);
	cr_assert_eq(zone(a, 0, "HighMem")->present_kb, 2722564);
	cr_assert_eq(zone(a, 0, "HighMem")->managed_kb, MS_NA);
	cr_assert_eq(zone(a, 0, "Normal")->lowmem_reserve[3], 21270);
	cr_assert_eq(zone(a, 0, "DMA")->all_unreclaimable, 0);
	static const int64_t highmem[] = { 588, 90, 4404, 606, 8, 0, 0, 0, 0, 0, 0 };
	assert_orders(buddy(a, 0, "HighMem"), highmem, 11);
	cr_assert_eq(buddy(a, 0, "Normal")->free[0], 10419);
	cr_assert_eq(buddy(b, 0, "Normal")->free[0], 10285);
	cr_assert_eq(kv(&a->summary, "pages_non-shared"), 614074);
	cr_assert_eq(kv(&a->summary, "Free_swap"), 33946176);
	cr_assert_eq(c->nzones, 1);
	cr_assert_eq(zone(c, 0, "DMA")->free_kb, 3492);
}

Test(parse_oom, linux_2_6_3x_armv5_rascal)
{
	parse_fixture("oom/linux-2.6.3x-armv5-at91-rascal.dmesg");
	cr_assert_eq(list.n, 1);
	const ms_oom_report *r = rep(0);
	assert_victim(r, 738, "f951");
	cr_assert_eq(r->ntasks, 22);
	cr_assert_eq(r->problems, 0, "%s", r->problem.msg);
	cr_assert_eq(r->time_us, MS_NA);
	cr_assert_eq(r->trigger.oom_adj, 0);
	cr_assert_eq(r->trigger.oom_score_adj, 0);
	cr_assert_eq(r->trigger.gfp_mask, 0x201da);
	cr_assert_eq(kv(&r->meminfo, "slab_unreclaimable"), 366);
	const ms_oom_zone *z = zone(r, 0, "Normal");
	cr_assert_eq(z->free_kb, 1008);
	cr_assert_eq(z->present_kb, 65024);
	cr_assert_eq(z->all_unreclaimable, 1);
	cr_assert_eq(kv(&z->stats, "pages_scanned"), 890);
	static const int64_t normal[] = { 8, 2, 0, 0, 1, 1, 1, 1, 0, 0, 0 };
	assert_orders(buddy(r, 0, "Normal"), normal, 11);
	cr_assert_eq(kv(&r->summary, "pages_of_RAM"), 16384);
	cr_assert_eq(kv(&r->summary, "free_pages"), 369);
	const ms_oom_task *t = task(r, 410);
	cr_assert_str_eq(t->name, "udevd");
	cr_assert_eq(t->col[MS_OOM_COL_CPU], 0);
	cr_assert_eq(t->col[MS_OOM_COL_OOM_ADJ], -17);
	cr_assert_eq(t->col[MS_OOM_COL_OOM_SCORE_ADJ], -1000);
	cr_assert_eq(t->col[MS_OOM_COL_PGTABLES_BYTES], MS_NA);
	cr_assert_eq(task(r, 738)->col[MS_OOM_COL_RSS], 10245);
	cr_assert_eq(task(r, 623)->col[MS_OOM_COL_UID], 43);
	cr_assert_eq(r->chosen_score, 639);
	cr_assert_eq(ms_oom_report_victim(r)->anon_rss_kb, 40956);
	cr_assert_eq(ms_oom_report_victim(r)->shmem_rss_kb, MS_NA);
}

Test(parse_oom, linux_2_6_i386_glued_log_with_headless_start)
{
	parse_fixture("oom/linux-2.6.x-i386-highmem-fc.syslog");
	cr_assert_eq(list.n, 4);
	cr_assert(rep(0)->headless);
	assert_victim(rep(0), 1809, "httpd");
	assert_victim(rep(1), 1968, "arpwatch");
	assert_victim(rep(2), 10755, "kdeinit");
	assert_victim(rep(3), 1812, "httpd");
	const ms_oom_report *r = rep(1);
	cr_assert_not(r->headless);
	cr_assert_eq(r->problems, 0, "%s", r->problem.msg);
	cr_assert_eq(r->trigger.gfp_mask, 0xd0);
	cr_assert_eq(r->trigger.order, MS_NA);
	cr_assert_str_eq(r->trigger.comm, "");
	cr_assert_eq(kv(&r->meminfo, "slab"), 222984);
	cr_assert_eq(zone(r, 0, "HighMem")->free_kb, 32368);
	cr_assert_eq(zone(r, 0, "HighMem")->present_kb, 131008); /* "14628kBpresent:" */
	cr_assert_eq(zone(r, 0, "DMA")->nreserve, 3);
	cr_assert_eq(zone(r, 0, "DMA")->lowmem_reserve[2], 540);
	static const int64_t highmem[] = { 2580, 1642, 365, 56, 6, 5, 1, 0, 0, 0, 0 };
	assert_orders(buddy(r, 0, "HighMem"), highmem, 11); /* "0*1024kB0*2048kB" */
	cr_assert_eq(buddy(r, 0, "HighMem")->total_kb, 32368);
	static const int64_t normal[] = { 16, 6, 0, 1, 1, 1, 0, 1, 1, 0, 0 };
	assert_orders(buddy(rep(3), 0, "Normal"), normal, 11);
}

Test(parse_oom, linux_4_x_journal_excerpt_starts_at_task_table)
{
	parse_fixture("oom/linux-4.x-x86_64-journal-excerpt.log");
	cr_assert_eq(list.n, 1);
	const ms_oom_report *r = rep(0);
	cr_assert(r->headless);
	assert_victim(r, 4358, "bash");
	cr_assert_eq(r->ntasks, 1);
	cr_assert_eq(task(r, 4358)->col[MS_OOM_COL_NR_PMDS], 13);
	cr_assert_eq(task(r, 4358)->col[MS_OOM_COL_SWAPENTS], 1074744);
	cr_assert_eq(r->chosen_score, 701);
	const ms_oom_kill *v = ms_oom_report_victim(r);
	cr_assert_eq(v->anon_rss_kb, 7093784);
	cr_assert_eq(v->reaped_anon_rss_kb, 0);
	cr_assert_eq(r->last_line, 16, "the oom_reaper line belongs to the report");
}

Test(parse_oom, linux_4_x_memcg_v1_one_line_stats)
{
	parse_fixture("oom/linux-4.x-x86_64-memcg-v1-excerpt.dmesg");
	cr_assert_eq(list.n, 1);
	const ms_oom_report *r = rep(0);
	cr_assert(r->headless);
	assert_victim(r, 24387, "stress");
	cr_assert_eq(r->ntasks, 2);
	cr_assert_str_eq(r->trigger.memcg, "/memory-limit");
	cr_assert_str_eq(r->trigger.task_memcg, "/memory-limit");
	cr_assert_eq(r->usage[0].failcnt, 11008165);
	cr_assert_eq(kv(&r->memcg_stat, "rss"), 102400);
	cr_assert(r->memcg_stat.items[1].kb);
	cr_assert_eq(r->memcg_stat.n, 11);
	cr_assert_eq(task(r, 24387)->col[MS_OOM_COL_NR_PTES], 59);
}

/* ---- whatever the prefixes ----------------------------------------------- */

/* The line a kernel would print, behind each logger's prefix (built from
 * the formats the loggers document, around one real trigger line). */
Test(parse_oom, prefixes_of_every_logger)
{
	static const char *const prefixes[] = {
		"",
		"[  123.456789] ",
		"[  123.456789][ T4567] ",
		"[  123.456789][    C1] ",
		"<4>[  123.456789] ",
		"<4>",
		"kern  :warn  : [  123.456789] ",
		"4,340,123456789,-;",
		"4,340,123456789,-,caller=T4567;",
		"Dec  4 03:00:01 host kernel: ",
		"Dec  4 03:00:01 host kernel: [  123.456789] ",
		"Dec 04 03:00:01.123456 host kernel: ",
		"2023-12-04T03:00:01+0000 host kernel: ",
		"2023-12-04T03:00:01.123456+00:00 host kernel: [  123.456789] ",
		"2026-12-04T15:52:26,123456+00:00 ",
		"Jan  1 00:00:12 board user.warn kernel: [  123.456789] ",
		"[  123.456789] host kernel: ",
		"[Fri Dec  4 15:52:26 2026] ",
		"[  123.456789 <    0.000012>] ",
		"<4>[  123.456789]  (0)[4567:app-hog]",
		"[  123.456789] [1:      app-hog: 4567] ",
	};
	char line[512];

	for (size_t i = 0; i < MS_ARRAY_LEN(prefixes); i++) {
		snprintf(line, sizeof line,
			 "%sapp-hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
			 "oom_score_adj=0\n%sOut of memory: Killed process 4567 (app-hog) "
			 "total-vm:50036kB, anon-rss:48776kB, file-rss:4kB, shmem-rss:520kB\n",
			 prefixes[i], prefixes[i]);
		cr_assert_eq(parse_str(line), 1, "prefix '%s'", prefixes[i]);
		cr_assert_str_eq(rep(0)->trigger.comm, "app-hog", "prefix '%s'", prefixes[i]);
		cr_assert_eq(rep(0)->trigger.gfp_mask, 0xcc0);
		assert_victim(rep(0), 4567, "app-hog");
		cr_assert_not(rep(0)->truncated);
	}
}

Test(parse_oom, programs_writing_to_the_log_are_not_the_kernel)
{
	static const char *const lines[] = {
		"Dec  4 03:00:01 host myapp[12]: Out of memory: Killed process 1 (x) total-vm:4kB\n",
		"<14>Out of memory: Killed process 1 (x) total-vm:4kB\n",
		"user  :info  : [  1.2] Out of memory: Killed process 1 (x) total-vm:4kB\n",
		"12,99,1234,-;Out of memory: Killed process 1 (x) total-vm:4kB\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(lines); i++)
		cr_assert_eq(parse_str(lines[i]), 0, "%s", lines[i]);
}

/* ---- logs without reports, logs cut short, noise between lines ----------- */

Test(parse_oom, a_log_without_reports_has_none)
{
	cr_assert_eq(parse_str(""), 0);
	cr_assert_eq(parse_str("\n\n"), 0);
	parse_path(corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/meta/guest-log"));
	cr_assert_eq(list.n, 0);
	cr_assert_eq(parse_fixture("meminfo/linux-6.18-x86_64"), 0);
	/* A Mem-Info block alone (sysrq-m, an allocation failure) is no report. */
	cr_assert_eq(parse_str("Mem-Info:\nactive_anon:1 free:2\nNode 0 DMA free:4kB min:1kB\n"
			       "Node 0 DMA: 1*4kB = 4kB\n"), 0);
}

/* Every cut of a real log at a line end: the reports before the cut are
 * whole, the one cut through is marked so, none is invented. */
Test(parse_oom, every_cut_of_a_log)
{
	ms_buf whole = MS_BUF_INIT;
	cr_assert(tu_read_file(tu_fixture("oom/arm64-6.1-qemu-2node-512m-globaloom.dmesg"), &whole));
	size_t triggers = 0;
	for (size_t cut = 0; cut <= whole.len; cut++) {
		if (cut < whole.len && whole.data[cut] != '\n')
			continue;
		ms_buf_reset(&buf);
		ms_buf_append(&buf, whole.data, cut);
		size_t n = parse_buf();
		triggers = 0;
		for (const char *p = buf.data; p && (p = memmem(p, (size_t)(buf.data + buf.len - p),
							   "invoked oom-killer", 18)); p++)
			triggers++;
		cr_assert_eq(n, triggers, "cut at %zu: %zu reports, %zu triggers", cut, n, triggers);
		for (size_t i = 0; i + 1 < n; i++)
			cr_assert_not(rep(i)->truncated, "cut at %zu", cut);
		if (n && !ms_oom_report_victim(rep(n - 1)))
			cr_assert(rep(n - 1)->truncated);
	}
	cr_assert_eq(triggers, 2);
	ms_buf_free(&whole);
}

/* Other subsystems' lines between every pair of a report's lines. */
Test(parse_oom, noise_between_every_line)
{
	ms_buf in = MS_BUF_INIT;
	ms_lines it;
	const char *line;
	size_t n;

	cr_assert(tu_read_file(corpus(ARMV7 "dmesg"), &in));
	ms_buf_reset(&buf);
	ms_lines_init(&it, in.data, in.len);
	while (ms_lines_next(&it, &line, &n)) {
		ms_buf_append(&buf, line, n);
		ms_buf_puts(&buf, "\n[    6.600000] usb 1-1: new high-speed USB device number 3\n"
				  "[    6.600001] EXT4-fs (mmcblk0p2): re-mounted. Quota mode: none.\n");
	}
	ms_buf_free(&in);
	parse_buf();
	cr_assert_eq(list.n, 2);
	/* The kill line is followed by noise: the report ends there. */
	check_armv7();
}

/* ---- reports the kernel prints in other shapes --------------------------- */

/* Built from 6.x's format strings (mm/oom_kill.c, mm/memcontrol.c): a
 * memory.oom.group kill takes the group's other tasks after the victim. */
Test(parse_oom, oom_group_kills_belong_to_the_report)
{
	parse_str("[ 1.0] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		  "[ 1.1] Memory cgroup out of memory: Killed process 10 (a) total-vm:8kB, "
		  "anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
		  "[ 1.2] Tasks in /g are going to be killed due to memory.oom.group set\n"
		  "[ 1.3] Memory cgroup out of memory: Killed process 11 (b) total-vm:8kB, "
		  "anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
		  "[ 1.4] oom_reaper: reaped process 10 (a), now anon-rss:0kB, file-rss:0kB, "
		  "shmem-rss:0kB\n"
		  "[ 1.5] Out of memory: Killed process 12 (c) total-vm:8kB, anon-rss:4kB\n");
	cr_assert_eq(list.n, 2, "a later kill is a report of its own (rate-limited header)");
	cr_assert_eq(rep(0)->nkills, 2);
	cr_assert_eq(rep(0)->kills[1].pid, 11);
	cr_assert_eq(rep(0)->kills[0].reaped_anon_rss_kb, 0);
	cr_assert(rep(1)->headless);
	assert_victim(rep(1), 12, "c");
}

Test(parse_oom, rhel6_kill_line_and_panic)
{
	parse_str("Mar  2 17:35:10 server1 kernel: [2858609.598568] Killed process 11726, UID 498, "
		  "(mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB\n"
		  "x invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0\n"
		  "Kernel panic - not syncing: Out of memory and no killable processes...\n");
	cr_assert_eq(list.n, 2);
	assert_victim(rep(0), 11726, "mysqld");
	cr_assert_eq(rep(0)->kills[0].uid, 498);
	cr_assert_eq(rep(0)->kills[0].anon_rss_kb, 2539268);
	cr_assert_eq(rep(1)->end, MS_OOM_END_PANIC);
	cr_assert_not(rep(1)->truncated);
}

Test(parse_oom, a_task_table_with_a_vendor_column)
{
	parse_str("x invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n"
		  "[ pid ]   uid  tgid  ppid total_vm      rss nr_ptes nr_pmds swapents "
		  "oom_score_adj name\n"
		  "[  123]     0   123     1     1000      500       4       3        0"
		  "             0 my app\n"
		  "Killed process 123 (my app) total-vm:4000kB, anon-rss:2000kB, file-rss:0kB\n");
	cr_assert_eq(list.n, 1);
	const ms_oom_task *t = task(rep(0), 123);
	cr_assert_str_eq(t->name, "my app");
	cr_assert_eq(t->col[MS_OOM_COL_TOTAL_VM], 1000);
	cr_assert_eq(t->col[MS_OOM_COL_RSS], 500);
	assert_victim(rep(0), 123, "my app");
}

Test(parse_oom, malformed_lines_are_noted_not_fatal)
{
	parse_str("x invoked oom-killer: gfp_mask=0xd0, order=0\n"
		  "Node 0 DMA: 1*4kB 1*16kB = 20kB\n"
		  "[ pid ]   uid  tgid total_vm      rss name\n"
		  "[  1]     0\n"
		  "Killed process 1 (init) total-vm:4kB\n");
	cr_assert_eq(list.n, 1);
	cr_assert_eq(rep(0)->problems, 2);
	cr_assert_eq(rep(0)->problem.line, 2);
	cr_assert_neq(rep(0)->problem.msg[0], '\0');
	assert_victim(rep(0), 1, "init");
}

/* ---- streaming ----------------------------------------------------------- */

static int count_reports(void *ctx, const ms_oom_report *r)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

static int stop_at_first(void *ctx, const ms_oom_report *r)
{
	(void)ctx;
	(void)r;
	return -ECANCELED;
}

Test(parse_oom, the_callback_can_stop_the_reading)
{
	ms_oom_parser p;
	cr_assert(tu_read_file(corpus(ARMV7 "dmesg"), &buf));
	ms_oom_parser_init(&p, stop_at_first, NULL, &err);
	int rc = ms_oom_parser_feed(&p, buf.data, buf.len);
	if (rc == 0)
		rc = ms_oom_parser_finish(&p);
	cr_assert_eq(rc, -ECANCELED);
	cr_assert_eq(err.code, ECANCELED);
	cr_assert_eq(p.nreports, 1);
	ms_oom_parser_free(&p);
}

/* Chunks of any size give the reports lines give. */
Test(parse_oom, chunks_of_any_size)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 64, 1000, 65536 };
	cr_assert(tu_read_file(tu_fixture("oom/x86_64-6.18-memcg-v1.kmsg"), &buf));
	for (size_t s = 0; s < MS_ARRAY_LEN(sizes); s++) {
		ms_oom_list got = { 0 };
		ms_oom_parser p;
		ms_oom_parser_init(&p, ms_oom_list_add, &got, &err);
		for (size_t off = 0; off < buf.len; off += sizes[s]) {
			size_t n = buf.len - off < sizes[s] ? buf.len - off : sizes[s];
			cr_assert_eq(ms_oom_parser_feed(&p, buf.data + off, n), 0);
		}
		cr_assert_eq(ms_oom_parser_finish(&p), 0);
		ms_oom_parser_free(&p);
		ms_oom_list_free(&list);
		list = got;
		check_x86_memcg();
	}
}

/* A log of ~50 MB (one real report in many copies, with other lines in
 * between), fed in 64 KiB chunks: every report is found, and what the
 * reader holds does not grow with the log. */
Test(parse_oom, a_big_log_in_fixed_memory, .timeout = 120)
{
	ms_buf report = MS_BUF_INIT, chunk = MS_BUF_INIT;
	cr_assert(tu_read_file(corpus(ARMV7 "dmesg"), &report));
	size_t count = 0, copies = 0, fed = 0, footprint = 0;
	ms_oom_parser p;
	ms_oom_parser_init(&p, count_reports, &count, &err);
	while (fed < (size_t)50 << 20) {
		ms_buf_reset(&chunk);
		while (chunk.len < 65536 - report.len) {
			ms_buf_append(&chunk, report.data, report.len);
			ms_buf_puts(&chunk, "[ 7.0] random: crng reseeded\n[ 7.1] eth0: link up\n");
			copies++;
		}
		cr_assert_eq(ms_oom_parser_feed(&p, chunk.data, chunk.len), 0, "%s", err.msg);
		fed += chunk.len;
		if (!footprint)
			footprint = ms_oom_parser_footprint(&p);
		cr_assert_eq(ms_oom_parser_footprint(&p), footprint, "after %zu bytes", fed);
	}
	cr_assert_eq(ms_oom_parser_finish(&p), 0);
	cr_assert_eq(count, 2 * copies);
	cr_assert_lt(footprint, 64 * 1024, "%zu bytes held", footprint);
	cr_log_info("%zu MB, %zu reports, %zu bytes held", fed >> 20, count, footprint);
	ms_oom_parser_free(&p);
	ms_buf_free(&report);
	ms_buf_free(&chunk);
}

Test(parse_oom, a_copied_report_is_its_own)
{
	parse_fixture("oom/arm64-6.1-qemu-2node-512m-globaloom.dmesg");
	ms_oom_report copy;
	cr_assert_eq(ms_oom_report_copy(&copy, rep(0)), 0);
	ms_oom_list_free(&list);
	cr_assert_eq(copy.nzones, 2);
	cr_assert_eq(kv(&copy.zones[1].stats, "managed"), 252092);
	cr_assert_eq(copy.ntasks, 10);
	cr_assert_str_eq(copy.kills[0].name, "oom-victim");
	ms_oom_report_free(&copy);
}

/* Rows of a real arm64 5.4 report (a linux-mm message, index file
 * 11194036687, whose mailer wrapped the longer lines: the trigger line is
 * rejoined here, the rows are as printed). */
Test(parse_oom, unreclaimable_slab_rows)
{
	parse_str("[330319.766059] systemd invoked oom-killer: gfp_mask=0x40cc0(GFP_KERNEL|__GFP_COMP), "
		  "order=1, oom_score_adj=0\n"
		  "[330320.080190] Unreclaimable slab info:\n"
		  "[330320.083991] Name                      Used          Total\n"
		  "[330320.090244] bio-3                    560KB        672KB\n"
		  "[330320.200497] ext4_bio_post_read_ctx         15KB         15KB\n"
		  "[330320.374394] skbuff_head_cache      79402KB     106265KB\n"
		  "[330320.623262] kmemleak_object      2449340KB    2449340KB\n"
		  "[330320.678881] Tasks state (memory values in pages):\n");
	cr_assert_eq(list.n, 1);
	const ms_oom_report *r = rep(0);
	cr_assert(r->truncated);
	cr_assert_eq(r->trigger.order, 1);
	cr_assert_eq(r->nslabs, 4);
	cr_assert_str_eq(r->slabs[1].name, "ext4_bio_post_read_ctx");
	cr_assert_eq(r->slabs[1].used_kb, 15);
	cr_assert_eq(r->slabs[2].total_kb, 106265);
	cr_assert_eq(r->slabs[3].used_kb, 2449340);
	cr_assert_eq(r->problems, 0);
}
