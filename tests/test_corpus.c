/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system-wide files of the real corpus (../shared/corpus, read in
 * place): meminfo, vmstat, buddyinfo, pagetypeinfo, zoneinfo, slabinfo.
 * Each test asserts the values its folder's EXPECTED.md lists (the peer
 * project's own oracle), and spot values read by eye from the board
 * captures. node_exporter's end-to-end output is read as an oracle file
 * and every line of it that concerns these files is checked.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT, oracle = MS_BUF_INIT;
static ms_error err;
static ms_kvlist kv, kv2, numa[3];
static ms_buddyinfo bi;
static ms_pagetypeinfo pt;
static ms_zoneinfo zi;
static ms_slabinfo si;

static void setup(void)
{
	memset(&kv, 0, sizeof kv);
	memset(&kv2, 0, sizeof kv2);
	memset(numa, 0, sizeof numa);
	memset(&bi, 0, sizeof bi);
	memset(&pt, 0, sizeof pt);
	memset(&zi, 0, sizeof zi);
	memset(&si, 0, sizeof si);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_kvlist_free(&kv);
	ms_kvlist_free(&kv2);
	for (size_t i = 0; i < MS_ARRAY_LEN(numa); i++)
		ms_kvlist_free(&numa[i]);
	ms_buddyinfo_free(&bi);
	ms_pagetypeinfo_free(&pt);
	ms_zoneinfo_free(&zi);
	ms_slabinfo_free(&si);
	ms_buf_free(&buf);
	ms_buf_free(&oracle);
}

TestSuite(corpus, .init = setup, .fini = teardown);

/* ---- loading ----------------------------------------------------------- */

static void meminfo(const char *rel, ms_kvlist *out)
{
	ms_kvlist_free(out);
	TU_PARSE_CORPUS(ms_parse_meminfo, rel, &buf, out, &err);
}

static void vmstat(const char *rel, ms_kvlist *out)
{
	ms_kvlist_free(out);
	TU_PARSE_CORPUS(ms_parse_vmstat, rel, &buf, out, &err);
}

static void buddyinfo(const char *rel)
{
	TU_PARSE_CORPUS(ms_parse_buddyinfo, rel, &buf, &bi, &err);
}

static void pagetypeinfo(const char *rel)
{
	ms_pagetypeinfo_free(&pt);
	TU_PARSE_CORPUS(ms_parse_pagetypeinfo, rel, &buf, &pt, &err);
}

static void zoneinfo(const char *rel)
{
	TU_PARSE_CORPUS(ms_parse_zoneinfo, rel, &buf, &zi, &err);
}

static void slabinfo(const char *rel)
{
	ms_slabinfo_free(&si);
	TU_PARSE_CORPUS(ms_parse_slabinfo, rel, &buf, &si, &err);
}

/* ---- lookups ----------------------------------------------------------- */

typedef struct kv_want {
	const char *key;
	int64_t value;
} kv_want;

static void assert_kv(const ms_kvlist *l, const kv_want *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(ms_kvlist_get(l, want[i].key), want[i].value, "%s: %lld != %lld",
			     want[i].key, (long long)ms_kvlist_get(l, want[i].key),
			     (long long)want[i].value);
}

/* EXPECTED.md files that give bytes: the kB figure times 1024. */
static void assert_kv_bytes(const ms_kvlist *l, const kv_want *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t kb = ms_kvlist_get(l, want[i].key);
		cr_assert_neq(kb, MS_NA, "%s absent", want[i].key);
		cr_assert_eq(kb * 1024, want[i].value, "%s: %lld kB", want[i].key, (long long)kb);
	}
}

static const ms_slab *slab(const char *name)
{
	for (size_t i = 0; i < si.n; i++)
		if (strcmp(si.caches[i].name, name) == 0)
			return &si.caches[i];
	cr_assert_fail("no cache %s", name);
	return NULL;
}

static const ms_buddy_zone *buddy_zone(int node, const char *zone)
{
	for (size_t i = 0; i < bi.n; i++)
		if (bi.zones[i].node == node && strcmp(bi.zones[i].zone, zone) == 0)
			return &bi.zones[i];
	cr_assert_fail("no buddy zone %d %s", node, zone);
	return NULL;
}

static const ms_zone *zone(int node, const char *name)
{
	for (size_t i = 0; i < zi.n; i++)
		if (zi.zones[i].node == node && strcmp(zi.zones[i].zone, name) == 0)
			return &zi.zones[i];
	cr_assert_fail("no zone %d %s", node, name);
	return NULL;
}

static const ms_pagetype_free *pt_row(int node, const char *zonename, const char *type)
{
	for (size_t i = 0; i < pt.nfree; i++)
		if (pt.free[i].node == node && strcmp(pt.free[i].zone, zonename) == 0 &&
		    strcmp(pt.free[i].type, type) == 0)
			return &pt.free[i];
	cr_assert_fail("no pagetype row %d %s %s", node, zonename, type);
	return NULL;
}

static void assert_counts(const int64_t *got, const int64_t *want, int n, const char *what)
{
	for (int i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "%s[%d]: %lld != %lld", what, i, (long long)got[i],
			     (long long)want[i]);
}

/* "pages free" and nr_free_pages are the same counter printed twice. */
static void assert_free_pages_consistent(void)
{
	for (size_t i = 0; i < zi.n; i++) {
		int64_t nr = ms_kvlist_get(&zi.zones[i].stats, "nr_free_pages");
		if (nr != MS_NA)
			cr_assert_eq(zi.zones[i].free_pages, nr, "zone %s", zi.zones[i].zone);
	}
}

/* ---- prometheus/procfs ------------------------------------------------- */

#define PROM "prometheus-procfs/unpacked/fixtures/"

Test(corpus, prometheus_buddyinfo)
{
	buddyinfo(PROM "proc/buddyinfo");
	cr_assert_eq(bi.n, 3);
	cr_assert_str_eq(bi.zones[0].zone, "DMA");
	cr_assert_str_eq(bi.zones[2].zone, "Normal");
	cr_assert_eq(bi.zones[2].free[0], 4381);
	cr_assert_eq(bi.zones[1].free[1], 572);
	for (size_t i = 0; i < bi.n; i++)
		cr_assert_eq(bi.zones[i].norders, 11);
}

Test(corpus, prometheus_buddyinfo_negative_cases)
{
	/* The upstream test's inline strings (buddyinfo_test.go). */
	const char *short_rows = "Node 0, zone\nNode 0, zone\nNode 0, zone\n";
	cr_assert_eq(ms_parse_buddyinfo(short_rows, strlen(short_rows), &bi, &err), -EINVAL);
	cr_assert(strstr(err.msg, "nvalid number of fields"), "%s", err.msg);

	const char *mismatch =
		"Node 0, zone      DMA      1      0      1      0      2      1      1      0"
		"      1      1      3\n"
		"Node 0, zone    DMA32    759    572    791    475    194     45     12      0"
		"      0      0      0      0\n"
		"Node 0, zone   Normal   4381   1093    185   1530    567    102      4      0"
		"      0      0\n";
	cr_assert_eq(ms_parse_buddyinfo(mismatch, strlen(mismatch), &bi, &err), -EINVAL);
	cr_assert(strstr(err.msg, "mismatch in number of buddyinfo buckets, previous count 11, "
			 "new count 12"), "%s", err.msg);
}

Test(corpus, prometheus_meminfo)
{
	static const kv_want want[] = {
		{ "MemTotal", 15666184 }, { "MemFree", 440324 }, { "Buffers", 1020128 },
		{ "Cached", 12007640 }, { "SwapCached", 0 }, { "Active", 6761276 },
		{ "Inactive", 6532708 }, { "Active(anon)", 267256 }, { "Inactive(anon)", 268 },
		{ "Active(file)", 6494020 }, { "Inactive(file)", 6532440 },
		{ "Unevictable", 0 }, { "Mlocked", 0 }, { "SwapTotal", 0 }, { "SwapFree", 0 },
		{ "Zswap", 22414 }, { "Zswapped", 10502 }, { "Dirty", 768 }, { "Writeback", 0 },
		{ "AnonPages", 266216 }, { "Mapped", 44204 }, { "Shmem", 1308 },
		{ "Slab", 1807264 }, { "SReclaimable", 1738124 }, { "SUnreclaim", 69140 },
		{ "KernelStack", 1616 }, { "PageTables", 5288 }, { "NFS_Unstable", 0 },
		{ "Bounce", 0 }, { "WritebackTmp", 0 }, { "CommitLimit", 7833092 },
		{ "Committed_AS", 530844 }, { "VmallocTotal", 34359738367 },
		{ "VmallocUsed", 36596 }, { "VmallocChunk", 34359637840 }, { "Percpu", 26176 },
		{ "HardwareCorrupted", 0 }, { "AnonHugePages", 12288 },
		{ "HugePages_Total", 0 }, { "HugePages_Free", 0 }, { "HugePages_Rsvd", 0 },
		{ "HugePages_Surp", 0 }, { "Hugepagesize", 2048 }, { "DirectMap4k", 91136 },
		{ "DirectMap2M", 16039936 },
	};
	static const kv_want bytes[] = {
		{ "MemTotal", 16042172416 }, { "VmallocTotal", 35184372087808 },
		{ "DirectMap2M", 16424894464 },
	};
	meminfo(PROM "proc/meminfo", &kv);
	assert_kv(&kv, want, MS_ARRAY_LEN(want));
	assert_kv_bytes(&kv, bytes, MS_ARRAY_LEN(bytes));
	for (size_t i = 0; i < kv.n; i++)
		if (strncmp(kv.items[i].key, "HugePages_", 10) == 0)
			cr_assert_not(kv.items[i].kb, "%s is a page count", kv.items[i].key);
}

Test(corpus, prometheus_slabinfo)
{
	slabinfo(PROM "proc/slabinfo");
	cr_assert_str_eq(si.version, "2.1");
	cr_assert_eq(si.n, 300);
	const ms_slab *s = &si.caches[0];
	cr_assert_str_eq(s->name, "pid_3");
	cr_assert_eq(s->active_objs, 375);
	cr_assert_eq(s->num_objs, 532);
	cr_assert_eq(s->objsize, 576);
	cr_assert_eq(s->objperslab, 28);
	cr_assert_eq(s->pagesperslab, 4);
	cr_assert_eq(s->limit, 0);
	cr_assert_eq(s->batchcount, 0);
	cr_assert_eq(s->sharedfactor, 0);
	cr_assert_eq(s->active_slabs, 19);
	cr_assert_eq(s->num_slabs, 19);
	cr_assert_eq(s->sharedavail, 0);
}

static void assert_zone_sizes(const ms_zone *z, int64_t min, int64_t low, int64_t high,
			      int64_t spanned, int64_t present, int64_t managed)
{
	cr_assert_eq(z->min, min, "%s min", z->zone);
	cr_assert_eq(z->low, low, "%s low", z->zone);
	cr_assert_eq(z->high, high, "%s high", z->zone);
	cr_assert_eq(z->spanned, spanned, "%s spanned", z->zone);
	cr_assert_eq(z->present, present, "%s present", z->zone);
	cr_assert_eq(z->managed, managed, "%s managed", z->zone);
}

Test(corpus, prometheus_zoneinfo)
{
	static const kv_want dma_stats[] = {
		{ "nr_active_anon", 547580 }, { "nr_inactive_anon", 230981 },
		{ "nr_isolated_anon", 0 }, { "nr_anon_pages", 795576 },
		{ "nr_anon_transparent_hugepages", 0 }, { "nr_active_file", 346282 },
		{ "nr_inactive_file", 316904 }, { "nr_isolated_file", 0 },
		{ "nr_file_pages", 761874 }, { "nr_slab_reclaimable", 131220 },
		{ "nr_slab_unreclaimable", 47320 }, { "nr_kernel_stack", 0 },
		{ "nr_mapped", 215483 }, { "nr_dirty", 908 }, { "nr_writeback", 0 },
		{ "nr_unevictable", 115467 }, { "nr_shmem", 224925 }, { "nr_dirtied", 8007423 },
		{ "nr_written", 7752121 }, { "numa_hit", 1 }, { "numa_miss", 0 },
		{ "numa_foreign", 0 }, { "numa_interleave", 0 }, { "numa_local", 1 },
		{ "numa_other", 0 }, { "nr_free_pages", 3952 },
	};
	static const int64_t dma_prot[] = { 0, 2877, 7826, 7826, 7826 };
	static const int64_t dma32_prot[] = { 0, 0, 4949, 4949, 4949 };
	static const int64_t zero_prot[] = { 0, 0, 0, 0, 0 };

	zoneinfo(PROM "proc/zoneinfo");
	cr_assert_eq(zi.n, 5);
	const ms_zone *dma = zone(0, "DMA"), *dma32 = zone(0, "DMA32"), *normal = zone(0, "Normal");
	cr_assert_eq(dma->free_pages, 3952);
	assert_zone_sizes(dma, 33, 41, 49, 4095, 3975, 3956);
	cr_assert_eq(dma->nprotection, 5);
	assert_counts(dma->protection, dma_prot, 5, "DMA protection");
	assert_kv(&dma->stats, dma_stats, MS_ARRAY_LEN(dma_stats));

	assert_zone_sizes(dma32, 19510, 21059, 22608, 1044480, 759231, 742806);
	cr_assert_eq(ms_kvlist_get(&dma32->stats, "nr_free_pages"), 204252);
	cr_assert_eq(ms_kvlist_get(&dma32->stats, "nr_kernel_stack"), 2208);
	cr_assert_eq(ms_kvlist_get(&dma32->stats, "numa_hit"), 113952967);
	cr_assert_eq(ms_kvlist_get(&dma32->stats, "numa_local"), 113952967);
	cr_assert_eq(ms_kvlist_get(&dma32->stats, "numa_interleave"), 0);
	assert_counts(dma32->protection, dma32_prot, 5, "DMA32 protection");

	assert_zone_sizes(normal, 11176, 13842, 16508, 1308160, 1308160, 1268711);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "nr_free_pages"), 18553);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "nr_kernel_stack"), 15136);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "numa_hit"), 162718019);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "numa_local"), 162718019);
	cr_assert_eq(ms_kvlist_get(&normal->stats, "numa_interleave"), 26812);
	assert_counts(normal->protection, zero_prot, 5, "Normal protection");

	static const char *const empty[] = { "Movable", "Device" };
	for (size_t i = 0; i < 2; i++) {
		const ms_zone *z = zone(0, empty[i]);
		assert_zone_sizes(z, 0, 0, 0, 0, 0, 0);
		cr_assert_eq(z->nprotection, 5);
		assert_counts(z->protection, zero_prot, 5, empty[i]);
		cr_assert_eq(ms_kvlist_get(&z->stats, "nr_free_pages"), MS_NA);
	}
	assert_free_pages_consistent();
}

Test(corpus, prometheus_node_vmstat)
{
	vmstat(PROM "sys/devices/system/node/node1/vmstat", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "nr_free_pages"), 1);
	cr_assert_eq(ms_kvlist_get(&kv, "nr_zone_active_file"), 5);
	vmstat(PROM "sys/devices/system/node/node2/vmstat", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "nr_free_pages"), 7);
	cr_assert_eq(ms_kvlist_get(&kv, "nr_zone_active_file"), 11);
}

/* ---- node_exporter: its end-to-end output as the oracle ---------------- */

#define NODEX "node_exporter/"

typedef struct metric {
	char name[96];
	char node[8], zone[16], size[8], slab[64];
	double value;
} metric;

static void label(const char *labels, const char *key, char *out, size_t cap)
{
	char pat[32];
	snprintf(pat, sizeof pat, "%s=\"", key);
	const char *p = strstr(labels, pat);
	out[0] = '\0';
	if (!p)
		return;
	p += strlen(pat);
	const char *q = strchr(p, '"');
	if (q)
		ms_copy_field(out, cap, p, (size_t)(q - p));
}

/* One exposition line: name{labels} value. */
static bool parse_metric(const char *line, size_t len, metric *m)
{
	char text[512];
	if (len == 0 || line[0] == '#' || len >= sizeof text)
		return false;
	memcpy(text, line, len);
	text[len] = '\0';
	memset(m, 0, sizeof *m);
	char *brace = strchr(text, '{'), *space = strrchr(text, ' ');
	if (!space)
		return false;
	char *name_end = brace && brace < space ? brace : space;
	ms_copy_field(m->name, sizeof m->name, text, (size_t)(name_end - text));
	if (brace && brace < space) {
		label(brace, "node", m->node, sizeof m->node);
		label(brace, "zone", m->zone, sizeof m->zone);
		label(brace, "size", m->size, sizeof m->size);
		label(brace, "slab", m->slab, sizeof m->slab);
	}
	m->value = strtod(space + 1, NULL);
	return true;
}

/* node_memory_Active_anon_bytes -> "Active(anon)". */
static void meminfo_key(const char *metric_key, char *key, size_t cap)
{
	size_t n = strlen(metric_key);
	if (n > 5 && strcmp(metric_key + n - 5, "_anon") == 0)
		snprintf(key, cap, "%.*s(anon)", (int)(n - 5), metric_key);
	else if (n > 5 && strcmp(metric_key + n - 5, "_file") == 0)
		snprintf(key, cap, "%.*s(file)", (int)(n - 5), metric_key);
	else
		snprintf(key, cap, "%s", metric_key);
}

static const ms_kv *kv_item(const ms_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return &l->items[i];
	return NULL;
}

/* A meminfo metric, in bytes (kB * 1024) but for the HugePages_* counts,
 * which the kernel prints without a unit. */
static int check_memory(const metric *m, const ms_kvlist *l, const char *prefix)
{
	char key[128], base[96];
	size_t plen = strlen(prefix), n = strlen(m->name);
	bool suffix = n > 6 && strcmp(m->name + n - 6, "_bytes") == 0;

	/* *_total are numastat counters, not meminfo. */
	if (strncmp(m->name, prefix, plen) != 0 || strstr(m->name, "_total"))
		return 0;
	snprintf(base, sizeof base, "%.*s", (int)(n - plen - (suffix ? 6 : 0)), m->name + plen);
	meminfo_key(base, key, sizeof key);
	const ms_kv *item = kv_item(l, key);
	cr_assert_not_null(item, "%s: no %s", m->name, key);
	cr_assert_eq(item->kb, strncmp(key, "HugePages_", 10) != 0, "%s unit", key);
	cr_assert_eq((double)(item->kb ? item->value * 1024 : item->value), m->value, "%s",
		     m->name);
	return 1;
}

static int check_buddy(const metric *m)
{
	if (strcmp(m->name, "node_buddyinfo_blocks") != 0)
		return 0;
	const ms_buddy_zone *z = buddy_zone(atoi(m->node), m->zone);
	int order = atoi(m->size);
	cr_assert_lt(order, z->norders);
	cr_assert_eq((double)z->free[order], m->value, "%s order %d", m->zone, order);
	return 1;
}

static int check_slab(const metric *m)
{
	static const struct {
		const char *metric;
		size_t offset;
	} cols[] = {
		{ "node_slabinfo_active_objects", offsetof(ms_slab, active_objs) },
		{ "node_slabinfo_objects", offsetof(ms_slab, num_objs) },
		{ "node_slabinfo_object_size_bytes", offsetof(ms_slab, objsize) },
		{ "node_slabinfo_objects_per_slab", offsetof(ms_slab, objperslab) },
		{ "node_slabinfo_pages_per_slab", offsetof(ms_slab, pagesperslab) },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cols); i++) {
		if (strcmp(m->name, cols[i].metric) != 0)
			continue;
		const int64_t *v = (const int64_t *)((const char *)slab(m->slab) + cols[i].offset);
		cr_assert_eq((double)*v, m->value, "%s %s", m->name, m->slab);
		return 1;
	}
	return 0;
}

static int check_vmstat(const metric *m, const ms_kvlist *vm)
{
	static const char prefix[] = "node_vmstat_";
	if (strncmp(m->name, prefix, sizeof prefix - 1) != 0)
		return 0;
	const char *key = m->name + sizeof prefix - 1;
	cr_assert_eq((double)ms_kvlist_get(vm, key), m->value, "%s", m->name);
	return 1;
}

/* node_zoneinfo_<x>: the sizes and watermarks, protection_N, and the
 * counters (nr_X_pages -> nr_X, X_total -> X, nr_kernel_stacks). */
static int check_zone(const metric *m)
{
	static const char prefix[] = "node_zoneinfo_";
	static const struct {
		const char *metric;
		size_t offset;
	} fields[] = {
		{ "min_pages", offsetof(ms_zone, min) },
		{ "low_pages", offsetof(ms_zone, low) },
		{ "high_pages", offsetof(ms_zone, high) },
		{ "spanned_pages", offsetof(ms_zone, spanned) },
		{ "present_pages", offsetof(ms_zone, present) },
		{ "managed_pages", offsetof(ms_zone, managed) },
	};
	if (strncmp(m->name, prefix, sizeof prefix - 1) != 0)
		return 0;
	const char *x = m->name + sizeof prefix - 1;
	const ms_zone *z = zone(atoi(m->node), m->zone);
	int64_t got = MS_NA;
	char key[64];
	size_t n = strlen(x);

	for (size_t i = 0; i < MS_ARRAY_LEN(fields); i++)
		if (strcmp(x, fields[i].metric) == 0)
			got = *(const int64_t *)((const char *)z + fields[i].offset);
	if (strncmp(x, "protection_", 11) == 0) {
		int i = atoi(x + 11);
		cr_assert_lt(i, z->nprotection);
		got = z->protection[i];
	} else if (got == MS_NA) {
		if (strcmp(x, "nr_kernel_stacks") == 0)
			snprintf(key, sizeof key, "nr_kernel_stack");
		else if (ms_kvlist_get(&z->stats, x) != MS_NA)
			snprintf(key, sizeof key, "%s", x);
		else if (n > 6 && strcmp(x + n - 6, "_pages") == 0)
			snprintf(key, sizeof key, "%.*s", (int)(n - 6), x);
		else if (n > 6 && strcmp(x + n - 6, "_total") == 0)
			snprintf(key, sizeof key, "%.*s", (int)(n - 6), x);
		else
			cr_assert_fail("unmapped metric %s", m->name);
		got = ms_kvlist_get(&z->stats, key);
	}
	cr_assert_neq(got, MS_NA, "%s %s", m->name, m->zone);
	cr_assert_eq((double)got, m->value, "%s %s", m->name, m->zone);
	return 1;
}

Test(corpus, node_exporter_end_to_end_oracle)
{
	char rel[128];

	meminfo(NODEX "proc/meminfo", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 3742148);
	for (int i = 0; i < 3; i++) {
		snprintf(rel, sizeof rel,
			 NODEX "unpacked/sys/devices/system/node/node%d/meminfo", i);
		meminfo(rel, &numa[i]);
	}
	vmstat(NODEX "proc/vmstat", &kv2);
	buddyinfo(NODEX "proc/buddyinfo");
	zoneinfo(NODEX "proc/zoneinfo");
	slabinfo(NODEX "proc/slabinfo");
	tu_corpus_read(NODEX "e2e-output.memory-lines.txt", &oracle);

	int checked = 0;
	ms_lines it;
	const char *line;
	size_t n;
	metric m;
	ms_lines_init(&it, oracle.data, oracle.len);
	while (ms_lines_next(&it, &line, &n)) {
		if (!parse_metric(line, n, &m))
			continue;
		int c;
		if (strncmp(m.name, "node_memory_numa_", 17) == 0)
			c = check_memory(&m, &numa[atoi(m.node) % 3], "node_memory_numa_");
		else
			c = check_memory(&m, &kv, "node_memory_");
		c += check_buddy(&m) + check_slab(&m) + check_vmstat(&m, &kv2) + check_zone(&m);
		/* Every line is checked but numastat's counters (not a /proc file). */
		cr_assert(c == 1 || strstr(m.name, "_total"), "unchecked oracle line %s", m.name);
		checked += c;
	}
	/* Every metric line of the oracle but its 18 numastat counters. */
	cr_assert_eq(checked, 286);
	assert_free_pages_consistent();
}

/* ---- insights-core ----------------------------------------------------- */

#define INSIGHTS "insights-core/"

Test(corpus, insights_buddyinfo)
{
	static const int64_t node0_normal[] = { 460, 485, 375, 1611, 3201, 2187, 1437, 844, 487,
						247, 6120 };

	buddyinfo(INSIGHTS "test_buddyinfo__BUDDYINFO_1.txt");
	cr_assert_eq(bi.n, 4);
	cr_assert_eq(bi.zones[2].node, 0);
	cr_assert_str_eq(bi.zones[2].zone, "Normal");
	cr_assert_eq(bi.zones[2].norders, 11);
	assert_counts(bi.zones[2].free, node0_normal, 11, "node 0 Normal");
	cr_assert_eq(bi.zones[3].node, 1);
	cr_assert_str_eq(bi.zones[3].zone, "Normal");
	cr_assert_eq(bi.zones[3].free[10], 6723);
	ms_buddyinfo_free(&bi);
	buddyinfo(INSIGHTS "test_buddyinfo__BUDDYINFO_2.txt");
	cr_assert_eq(bi.n, 3);
	cr_assert_str_eq(bi.zones[0].zone, "DMA");
	cr_assert_eq(bi.zones[0].free[9], 1);
	ms_buddyinfo_free(&bi);
	cr_assert_eq(ms_parse_buddyinfo("", 0, &bi, &err), -EINVAL, "empty is an error");
}

Test(corpus, insights_slabinfo_rhel7)
{
	slabinfo(INSIGHTS "test_slabinfo__PROC_SLABINFO.txt");
	cr_assert_eq(si.n, 103);
	cr_assert_eq(slab("kcopyd_job")->objsize, 3312);
	cr_assert_eq(slab("kmalloc-16")->objsize, 16);
	/* Rows edited upstream to carry non-zero tunables. */
	const ms_slab *nf = slab("nf_conntrack_ffffffffaf313a40");
	cr_assert_eq(nf->active_objs, 12);
	cr_assert_eq(nf->limit, 10);
	cr_assert_eq(nf->batchcount, 20);
	cr_assert_eq(nf->sharedfactor, 30);
	cr_assert_eq(nf->active_slabs, 40);
	cr_assert_eq(nf->num_slabs, 50);
	cr_assert_eq(nf->sharedavail, 60);
	const ms_slab *k = &si.caches[si.n - 1];
	cr_assert_str_eq(k->name, "kmem_cache");
	const int64_t got[] = { k->active_objs, k->num_objs, k->objsize, k->objperslab,
				k->pagesperslab, k->limit, k->batchcount, k->sharedfactor,
				k->active_slabs, k->num_slabs, k->sharedavail };
	static const int64_t want[] = { 112, 111, 256, 16, 1, 10, 20, 30, 17, 18, 19 };
	assert_counts(got, want, 11, "kmem_cache");
	/* Names that swallow the column gap. */
	cr_assert_eq(slab("fsnotify_mark_connector")->active_objs, 136680);
	cr_assert_eq(slab("selinux_inode_security")->active_objs, 22032);
}

Test(corpus, insights_slabinfo_doc)
{
	slabinfo(INSIGHTS "test_slabinfo__SLABINFO_DOC.txt");
	cr_assert_eq(si.n, 21);
	cr_assert_eq(slab("bsg_cmd")->active_slabs, 40);
	cr_assert_eq(slab("bsg_cmd")->limit, 10);
}

Test(corpus, insights_invalid_slabinfo_files_are_errors)
{
	static const struct {
		const char *file;
		unsigned line;
		const char *why;
	} bad[] = {
		{ "test_slabinfo__SLABINFO_DETAILS.empty.txt", 0, "no contents" },
		{ "test_slabinfo__SLABINFO_DETAILS_2.txt", 1, "slabinfo - version" },
		{ "test_slabinfo__SLABINFO_DETAILS_3.txt", 2, "# name" },
		{ "test_slabinfo__SLABINFO_DETAILS_LEN_MISS_MATCH.txt", 3, "invalid contents" },
	};
	char rel[128];
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		snprintf(rel, sizeof rel, INSIGHTS "%s", bad[i].file);
		tu_corpus_read(rel, &buf);
		cr_assert_eq(ms_parse_slabinfo(buf.data, buf.len, &si, &err), -EINVAL, "%s",
			     bad[i].file);
		cr_assert_eq(si.n, 0, "%s: no garbage rows", bad[i].file);
		cr_assert_eq(err.line, bad[i].line, "%s: line %u", bad[i].file, err.line);
		cr_assert(strstr(err.msg, bad[i].why), "%s: %s", bad[i].file, err.msg);
	}
}

Test(corpus, insights_meminfo_rhel71)
{
	static const kv_want want[] = {
		{ "MemTotal", 8009912 }, { "MemFree", 538760 }, { "MemAvailable", 6820236 },
		{ "SwapTotal", 3145724 }, { "SwapFree", 3136352 }, { "SwapCached", 120 },
		{ "DirectMap2M", 8316928 },
	};
	meminfo(INSIGHTS "test_meminfo__MEMINFO.txt", &kv);
	assert_kv(&kv, want, MS_ARRAY_LEN(want));
	cr_assert_eq(ms_kvlist_get(&kv, "CmaTotal"), MS_NA);
	cr_assert_eq(ms_kvlist_get(&kv, "DirectMap1G"), MS_NA);
	/* The derived figures the upstream test checks, from our numbers. */
	cr_assert_eq((ms_kvlist_get(&kv, "SwapTotal") - ms_kvlist_get(&kv, "SwapFree") -
		      ms_kvlist_get(&kv, "SwapCached")) * 1024, (3145724 - 3136352 - 120) * 1024);

	meminfo(INSIGHTS "test_meminfo__MEMINFO_SHORT.txt", &kv);
	cr_assert_eq(kv.n, 2);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 8009912);
	cr_assert_eq(ms_kvlist_get(&kv, "MemAvailable"), 6820236);
	cr_assert_eq(ms_kvlist_get(&kv, "MemFree"), MS_NA);
}

/* ---- telegraf ---------------------------------------------------------- */

Test(corpus, telegraf_slab_size_is_num_objs_times_objsize)
{
	static const kv_want size[] = {
		{ "ext4_allocation_context", 16384 }, { "ext4_extent_status", 8160 },
		{ "ext4_free_data", 0 }, { "ext4_inode_cache", 491520 }, { "ext4_io_end", 4032 },
		{ "ext4_xattr", 0 }, { "kmalloc-1024", 239927296 }, { "kmalloc-128", 5586944 },
		{ "kmalloc-16", 17002496 }, { "kmalloc-192", 4015872 },
		{ "kmalloc-2048", 3309568 }, { "kmalloc-256", 5423104 },
		{ "kmalloc-32", 3657728 }, { "kmalloc-4096", 2359296 },
		{ "kmalloc-512", 41435136 }, { "kmalloc-64", 8536064 }, { "kmalloc-8", 229376 },
		{ "kmalloc-8192", 1048576 }, { "kmalloc-96", 12378240 },
		{ "kmem_cache", 81920 }, { "kmem_cache_node", 36864 },
	};
	slabinfo("telegraf/plugins/inputs/slab/testdata/slabinfo");
	cr_assert_eq(si.n, MS_ARRAY_LEN(size));
	for (size_t i = 0; i < MS_ARRAY_LEN(size); i++) {
		const ms_slab *s = slab(size[i].key);
		cr_assert_eq(s->num_objs * s->objsize, size[i].value, "%s", size[i].key);
	}
	/* slabtop's figure (EXPECTED.md): num_slabs * pagesperslab * 4096. */
	const ms_slab *k = slab("kmalloc-1024");
	cr_assert_eq(k->num_slabs * k->pagesperslab * 4096, 240156672);
}

/* ---- elastic/beats ----------------------------------------------------- */

#define BEATS "elastic-beats/metricbeat/module/linux/pageinfo/"

Test(corpus, beats_pagetypeinfo_capped_count)
{
	static const int64_t blocks[3][5] = {
		{ 3, 5, 0, 0, 0 }, { 29, 1405, 94, 0, 0 }, { 841, 29689, 702, 0, 0 },
	};
	pagetypeinfo(BEATS "testdata/pagetypeinfo");
	cr_assert_eq(pt.page_block_order, 9);
	cr_assert_eq(pt.pages_per_block, 512);
	const ms_pagetype_free *mov = pt_row(0, "Normal", "Movable");
	cr_assert_eq(mov->free[1], 100000);
	cr_assert(mov->at_least[1], "\">100000\" is a lower bound");
	cr_assert_eq(mov->free[2], 70473);
	cr_assert_not(mov->at_least[2]);
	cr_assert_eq(pt.ntypes, 5);
	cr_assert_eq(pt.nblocks, 3);
	for (int z = 0; z < 3; z++)
		assert_counts(pt.blocks[z].count, blocks[z], 5, pt.blocks[z].zone);
}

Test(corpus, beats_buddy_is_the_sum_over_migrate_types)
{
	static const struct {
		const char *zone;
		int64_t free[11];
	} want[] = {
		{ "DMA", { 1, 0, 1, 0, 2, 1, 1, 0, 1, 1, 3 } },
		{ "DMA32", { 3, 4, 1, 2, 2, 2, 2, 2, 2, 3, 745 } },
		{ "Normal", { 3409, 4916, 4010, 4853, 3613, 2472, 793, 552, 189, 148, 292 } },
	};
	pagetypeinfo(BEATS "_meta/testdata/proc/pagetypeinfo");
	cr_assert_eq(pt.ntypes, 6);
	cr_assert_str_eq(pt.types[4], "CMA");
	cr_assert_eq(pt.nfree, 18);
	for (size_t z = 0; z < MS_ARRAY_LEN(want); z++) {
		int64_t sum[11] = { 0 };
		for (size_t i = 0; i < pt.nfree; i++) {
			if (strcmp(pt.free[i].zone, want[z].zone) != 0)
				continue;
			cr_assert_eq(pt.free[i].norders, 11);
			for (int o = 0; o < 11; o++)
				sum[o] += pt.free[i].free[o];
		}
		assert_counts(sum, want[z].free, 11, want[z].zone);
	}
}

/* ---- gopsutil ---------------------------------------------------------- */

#define GOPS "gopsutil/mem/testdata/linux/"

Test(corpus, gopsutil_meminfo_intelcorei5)
{
	static const kv_want bytes[] = {
		{ "MemTotal", 16502300672 }, { "MemAvailable", 11495358464 },
		{ "MemFree", 8783491072 }, { "Active", 4347392000 }, { "Inactive", 2938834944 },
		{ "Buffers", 212496384 }, { "Dirty", 176128 }, { "Shmem", 1222402048 },
		{ "Slab", 253771776 }, { "SReclaimable", 186470400 }, { "SUnreclaim", 67301376 },
		{ "PageTables", 65241088 }, { "CommitLimit", 16509730816 },
		{ "Committed_AS", 12360818688 }, { "SwapTotal", 8258580480 },
		{ "SwapFree", 8258580480 }, { "Mapped", 1172627456 },
		{ "VmallocTotal", 35184372087808 }, { "Hugepagesize", 2097152 },
	};
	static const kv_want kb[] = {
		{ "Active(file)", 1121992 }, { "Inactive(file)", 1683344 },
		{ "Active(anon)", 3123508 }, { "Inactive(anon)", 1186612 },
		{ "Unevictable", 32 }, { "Percpu", 19136 }, { "KernelStack", 14224 },
	};
	meminfo(GOPS "virtualmemory/intelcorei5/proc/meminfo", &kv);
	assert_kv_bytes(&kv, bytes, MS_ARRAY_LEN(bytes));
	assert_kv(&kv, kb, MS_ARRAY_LEN(kb));
	/* gopsutil's Cached = Cached + SReclaimable. */
	cr_assert_eq((ms_kvlist_get(&kv, "Cached") + ms_kvlist_get(&kv, "SReclaimable")) * 1024,
		     4069036032);
	cr_assert_eq(ms_kvlist_get(&kv, "Cached"), 3791568);
}

Test(corpus, gopsutil_meminfo_issue1002_linux_2_4_table)
{
	static const kv_want bytes[] = {
		{ "MemTotal", 260579328 }, { "MemAvailable", 215199744 },
		{ "MemFree", 124506112 }, { "Active", 108785664 }, { "Inactive", 8581120 },
		{ "Buffers", 4915200 }, { "Slab", 9293824 }, { "SReclaimable", 2764800 },
		{ "SUnreclaim", 6529024 }, { "PageTables", 405504 },
		{ "CommitLimit", 130289664 }, { "Committed_AS", 25567232 },
		{ "HighTotal", 134217728 }, { "HighFree", 67784704 }, { "LowTotal", 126361600 },
		{ "LowFree", 56721408 }, { "Mapped", 38793216 }, { "VmallocTotal", 1996488704 },
	};
	static const kv_want kb[] = {
		{ "Active(file)", 88280 }, { "Inactive(file)", 8380 },
		{ "Active(anon)", 17956 }, { "KernelStack", 624 }, { "MemShared", 0 },
	};
	meminfo(GOPS "virtualmemory/issue1002/proc/meminfo", &kv);
	assert_kv_bytes(&kv, bytes, MS_ARRAY_LEN(bytes));
	assert_kv(&kv, kb, MS_ARRAY_LEN(kb));
	cr_assert_eq((ms_kvlist_get(&kv, "Cached") + ms_kvlist_get(&kv, "SReclaimable")) * 1024,
		     96829440);
	/* The byte table is not read as meminfo keys. */
	cr_assert_eq(ms_kvlist_get(&kv, "Mem"), MS_NA);
	cr_assert_eq(ms_kvlist_get(&kv, "Swap"), MS_NA);
	cr_assert_eq(ms_kvlist_get(&kv, "Hugepagesize"), MS_NA);
	cr_assert_str_eq(kv.items[0].key, "MemTotal");
}

Test(corpus, gopsutil_meminfo_anonhugepages_and_vmstat)
{
	static const kv_want kb[] = {
		{ "MemTotal", 260799420 }, { "MemAvailable", 127880216 },
		{ "MemFree", 119443248 }, { "AnonHugePages", 50409472 },
	};
	meminfo(GOPS "virtualmemory/anonhugepages/proc/meminfo", &kv);
	cr_assert_eq(kv.n, 4);
	assert_kv(&kv, kb, MS_ARRAY_LEN(kb));
	cr_assert_eq((ms_kvlist_get(&kv, "MemTotal") - ms_kvlist_get(&kv, "MemAvailable")) * 1024,
		     136109264896);

	vmstat(GOPS "swapmemory/oomkill/proc/vmstat", &kv2);
	cr_assert_eq(kv2.n, 15);
	cr_assert_eq(ms_kvlist_get(&kv2, "pgpgin"), 1);
	cr_assert_eq(ms_kvlist_get(&kv2, "pswpin"), 3);
	cr_assert_eq(ms_kvlist_get(&kv2, "pswpout"), 4);
	cr_assert_eq(ms_kvlist_get(&kv2, "oom_kill"), 5);
}

/* ---- psutil ------------------------------------------------------------ */

#define PSUTIL "psutil/inline/"

Test(corpus, psutil_no_space_after_colon)
{
	meminfo(PSUTIL "test_virtual_memory_no_space_after_colon__meminfo.txt", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 100);
	cr_assert_eq(ms_kvlist_get(&kv, "ShadowCallStack"), 10373888);
	meminfo(PSUTIL "TestSwapMemory_test_no_space_after_colon__meminfo.txt", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "SwapTotal"), 15);
	cr_assert_eq(ms_kvlist_get(&kv, "SwapFree"), 14);
}

Test(corpus, psutil_mocked_meminfo)
{
	static const kv_want kb[] = {
		{ "MemTotal", 100 }, { "MemFree", 2 }, { "MemAvailable", 3 }, { "Buffers", 4 },
		{ "Cached", 5 }, { "SReclaimable", 23 }, { "Shmem", 21 }, { "Active", 7 },
		{ "Inactive", 8 }, { "Slab", 22 }, { "CmaTotal", 39 }, { "CmaFree", 40 },
	};
	meminfo(PSUTIL "test_virtual_memory_mocked__meminfo.txt", &kv);
	cr_assert_eq(kv.n, 48);
	assert_kv(&kv, kb, MS_ARRAY_LEN(kb));
	/* This mock gives HugePages_* a kB unit; the flag says so. */
	cr_assert(kv_item(&kv, "HugePages_Total")->kb);
}

Test(corpus, psutil_old_kernels_and_oddities)
{
	meminfo(PSUTIL "test_avail_old_comes_from_kernel__meminfo.txt", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemAvailable"), 6574984);
	/* Inactive(file) is printed twice: both kept, the first one wins. */
	cr_assert_eq(ms_kvlist_get(&kv, "Inactive(file)"), 1578132);
	int dup = 0;
	for (size_t i = 0; i < kv.n; i++)
		dup += strcmp(kv.items[i].key, "Inactive(file)") == 0;
	cr_assert_eq(dup, 2);

	static const char *const old[] = {
		PSUTIL "test_avail_old_missing_fields__meminfo.txt",
		PSUTIL "test_avail_old_missing_zoneinfo__meminfo.txt",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(old); i++) {
		meminfo(old[i], &kv);
		cr_assert_eq(ms_kvlist_get(&kv, "MemAvailable"), MS_NA, "%s", old[i]);
		cr_assert_eq(ms_kvlist_get(&kv, "MemFree") + ms_kvlist_get(&kv, "Cached"),
			     2057400 + 4818144, "%s", old[i]);
	}
	meminfo(PSUTIL "test_avail_old_missing_fields__meminfo.txt", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "SReclaimable"), MS_NA);
	cr_assert_eq(ms_kvlist_get(&kv, "Active(file)"), MS_NA);

	meminfo(PSUTIL "test_warnings_on_misses__meminfo.txt", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemAvailable"), -1);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 16325648);
	cr_assert_eq(ms_kvlist_get(&kv, "Cached"), MS_NA);
}

/* ---- AOSP libmeminfo --------------------------------------------------- */

Test(corpus, aosp_sysmeminfo)
{
	static const kv_want kb[] = {
		{ "MemTotal", 3019740 }, { "MemFree", 1809728 }, { "Buffers", 54736 },
		{ "Cached", 776052 }, { "Shmem", 4020 }, { "Slab", 86464 },
		{ "SReclaimable", 44432 }, { "SUnreclaim", 42032 }, { "SwapTotal", 32768 },
		{ "SwapFree", 4096 }, { "Mapped", 62624 }, { "VmallocUsed", 65536 },
		{ "PageTables", 2900 }, { "KernelStack", 4880 }, { "KReclaimable", 87324 },
		{ "Active", 445856 }, { "Inactive", 459092 }, { "Unevictable", 3096 },
		{ "MemAvailable", 2546560 }, { "Active(anon)", 78492 },
		{ "Inactive(anon)", 2240 }, { "Active(file)", 367364 },
		{ "Inactive(file)", 456852 }, { "CmaTotal", 131072 }, { "CmaFree", 130380 },
	};
	meminfo("aosp-libmeminfo/inline/SysMemInfo_TestSysMemInfoFile__meminfo.txt", &kv);
	assert_kv(&kv, kb, MS_ARRAY_LEN(kb));
	/* libmeminfo reads an empty file as MemTotal 0; memscope says unknown. */
	ms_kvlist_free(&kv);
	cr_assert_eq(ms_parse_meminfo("", 0, &kv, &err), 0);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), MS_NA);
}

/* ---- real boards: spot values read by eye ------------------------------ */

Test(corpus, r36s_rk3326_meminfo_vendor_cma_lines)
{
	meminfo("r36s-clone-rk3326-arkos-5.10.160/proc/meminfo", &kv);
	cr_assert_eq(kv.n, 40);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 479668);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaTotal"), 131072);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaAllocated"), 1280);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaReleased"), 129792);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaFree"), 77664);
	cr_assert_eq(ms_kvlist_get(&kv, "HugePages_Total"), MS_NA);
}

#define ZTE "zte-router-armv7-4.1.25/proc/"

Test(corpus, zte_router_linux_4_1)
{
	static const int64_t normal[] = { 31, 3, 5, 1, 2, 1, 0, 0, 1, 0, 0 };
	static const int64_t reserve[] = { 1, 4, 5, 1, 2, 1, 0, 0, 1, 0, 0 };

	meminfo(ZTE "meminfo", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 94412);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaTotal"), 0);
	buddyinfo(ZTE "buddyinfo");
	cr_assert_eq(bi.n, 1);
	assert_counts(buddy_zone(0, "Normal")->free, normal, 11, "buddy Normal");
	pagetypeinfo(ZTE "pagetypeinfo");
	cr_assert_eq(pt.page_block_order, 10);
	cr_assert_eq(pt.pages_per_block, 1024);
	assert_counts(pt_row(0, "Normal", "Reserve")->free, reserve, 11, "Reserve");
	cr_assert_eq(pt_row(0, "Normal", "Movable")->free[1], 23);
	cr_assert_eq(pt.ntypes, 6);
	cr_assert_str_eq(pt.types[3], "Reserve");
	cr_assert_str_eq(pt.types[4], "CMA");
	cr_assert_eq(pt.blocks[0].count[2], 21);
	zoneinfo(ZTE "zoneinfo");
	const ms_zone *z = zone(0, "Normal");
	cr_assert_eq(z->free_pages, 388);
	assert_zone_sizes(z, 306, 382, 459, 32768, 32768, 23603);
	cr_assert_eq(z->nprotection, 2);
	cr_assert_eq(ms_kvlist_get(&z->stats, "start_pfn"), 262144);
	cr_assert_eq(ms_kvlist_get(&z->stats, "inactive_ratio"), 1);
	assert_free_pages_consistent();
	slabinfo(ZTE "slabinfo");
	cr_assert_eq(si.n, 67);
	cr_assert_eq(slab("dentry")->num_objs, 13470);
	cr_assert_eq(slab("RAWv6")->pagesperslab, 4);
	cr_assert_eq(slab("kmalloc-64")->limit, 0);
	vmstat(ZTE "vmstat", &kv2);
	cr_assert_eq(ms_kvlist_get(&kv2, "nr_free_pages"), 504);
	cr_assert_eq(ms_kvlist_get(&kv2, "pgfault"), 57311);
}

#define ZYNQ "xilinx-zynq-armv7-4.4/proc/"

Test(corpus, xilinx_zynq_linux_4_4_slab_allocator)
{
	static const int64_t cma[] = { 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 3 };

	meminfo(ZYNQ "meminfo", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaTotal"), 16384);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaFree"), 16112);
	cr_assert_eq(ms_kvlist_get(&kv, "HighTotal"), 0);
	slabinfo(ZYNQ "slabinfo");
	cr_assert_eq(si.n, 84);
	const ms_slab *d = slab("dentry");
	cr_assert_eq(d->limit, 120);
	cr_assert_eq(d->batchcount, 60);
	cr_assert_eq(d->sharedfactor, 8);
	cr_assert_eq(slab("inode_cache")->limit, 54);
	cr_assert_eq(slab("kmalloc-128")->sharedavail, 60);
	cr_assert_eq(slab("RAWv6")->objsize, 832);
	pagetypeinfo(ZYNQ "pagetypeinfo");
	assert_counts(pt_row(0, "Normal", "CMA")->free, cma, 11, "CMA");
	cr_assert_eq(pt_row(0, "Normal", "HighAtomic")->free[0], 0);
	cr_assert_str_eq(pt.types[3], "HighAtomic");
	cr_assert_eq(pt.blocks[0].count[4], 4);
	zoneinfo(ZYNQ "zoneinfo");
	const ms_zone *z = zone(0, "Normal");
	cr_assert_eq(z->free_pages, 34683);
	cr_assert_eq(z->managed, 63077);
	cr_assert_eq(ms_kvlist_get(&z->stats, "nr_free_cma"), 4028);
	cr_assert_eq(ms_kvlist_get(&z->stats, "start_pfn"), 0);
	assert_free_pages_consistent();
	buddyinfo(ZYNQ "buddyinfo");
	cr_assert_eq(buddy_zone(0, "Normal")->free[10], 32);
	vmstat(ZYNQ "vmstat", &kv2);
	cr_assert_eq(ms_kvlist_get(&kv2, "nr_free_pages"), 34683);
	cr_assert_eq(ms_kvlist_get(&kv2, "pgfault"), 41225545);
}

#define GOCLEVER "goclever-insignia5-android/proc/"

Test(corpus, goclever_linux_3_4_highmem)
{
	meminfo(GOCLEVER "meminfo", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 990732);
	cr_assert_eq(ms_kvlist_get(&kv, "HighTotal"), 521216);
	buddyinfo(GOCLEVER "buddyinfo");
	cr_assert_eq(bi.n, 2);
	cr_assert_eq(buddy_zone(0, "HighMem")->free[0], 614);
	cr_assert_eq(buddy_zone(0, "Normal")->free[10], 35);
	pagetypeinfo(GOCLEVER "pagetypeinfo");
	cr_assert_eq(pt.nfree, 10);
	cr_assert_eq(pt_row(0, "HighMem", "Movable")->free[0], 1774);
	cr_assert_eq(pt_row(0, "Normal", "Unmovable")->free[0], 113);
	cr_assert_eq(pt.nblocks, 2);
	cr_assert_str_eq(pt.blocks[1].zone, "HighMem");
	cr_assert_eq(pt.blocks[1].count[2], 102);
	zoneinfo(GOCLEVER "zoneinfo");
	const ms_zone *hi = zone(0, "HighMem");
	cr_assert_eq(hi->free_pages, 13452);
	cr_assert_eq(hi->present, 129238);
	/* 3.4 prints no "managed" line: unknown, not 0. */
	cr_assert_eq(hi->managed, MS_NA);
	cr_assert_eq(zone(0, "Normal")->protection[1], 4038);
	assert_free_pages_consistent();
	vmstat(GOCLEVER "vmstat", &kv2);
	cr_assert_eq(ms_kvlist_get(&kv2, "nr_slab_unreclaimable"), 4114);
}

#define JIOFI "jiofi-jmr540-mdm9607-armv7/proc/"

Test(corpus, jiofi_qualcomm_cma_before_reserve)
{
	pagetypeinfo(JIOFI "pagetypeinfo");
	cr_assert_eq(pt.ntypes, 6);
	cr_assert_str_eq(pt.types[3], "CMA");
	cr_assert_str_eq(pt.types[4], "Reserve");
	cr_assert_str_eq(pt.free[3].type, "CMA");
	cr_assert_eq(pt.free[3].free[9], 2);
	cr_assert_eq(pt_row(0, "Normal", "Reserve")->free[10], 1);
	cr_assert_eq(pt.blocks[0].count[2], 34);
	cr_assert_eq(pt.blocks[0].count[3], 2);
	zoneinfo(JIOFI "zoneinfo");
	const ms_zone *z = zone(0, "Normal");
	cr_assert_eq(z->free_pages, 33393);
	cr_assert_eq(z->present, 64000);
	cr_assert_eq(z->managed, 41146);
	cr_assert_eq(ms_kvlist_get(&z->stats, "nr_free_cma"), 1582);
	assert_free_pages_consistent();
	buddyinfo(JIOFI "buddyinfo");
	cr_assert_eq(buddy_zone(0, "Normal")->free[10], 27);
	vmstat(JIOFI "vmstat", &kv2);
	cr_assert_eq(ms_kvlist_get(&kv2, "nr_free_pages"), 33393);
	cr_assert_eq(ms_kvlist_get(&kv2, "pgalloc_normal"), 30084);
}

#define SEP "sep4020-arm720t-2.6.16/proc/"

Test(corpus, sep4020_linux_2_6_16)
{
	static const int64_t dma[] = { 8, 7, 5, 3, 4, 5, 2, 1, 1, 1, 4 };

	zoneinfo(SEP "zoneinfo");
	cr_assert_eq(zi.n, 1);
	const ms_zone *z = zone(0, "DMA");
	cr_assert_eq(z->free_pages, 5410);
	cr_assert_eq(z->min, 181);
	cr_assert_eq(z->low, 226);
	cr_assert_eq(z->high, 271);
	cr_assert_eq(z->spanned, 8192);
	cr_assert_eq(z->present, 8192);
	cr_assert_eq(z->managed, MS_NA);
	cr_assert_eq(z->nprotection, 4);
	cr_assert_eq(ms_kvlist_get(&z->stats, "active"), 367);
	cr_assert_eq(ms_kvlist_get(&z->stats, "inactive"), 720);
	cr_assert_eq(ms_kvlist_get(&z->stats, "scanned"), 0);
	cr_assert_eq(ms_kvlist_get(&z->stats, "all_unreclaimable"), 0);
	cr_assert_eq(ms_kvlist_get(&z->stats, "start_pfn"), 196608);
	/* The 2.6.16 pagesets ("cpu: 0 pcp: 0", "high:  6") are not zone figures. */
	cr_assert_eq(ms_kvlist_get(&z->stats, "count"), MS_NA);
	cr_assert_eq(z->stats.n, 7);
	buddyinfo(SEP "buddyinfo");
	assert_counts(buddy_zone(0, "DMA")->free, dma, 11, "DMA");
	slabinfo(SEP "slabinfo");
	cr_assert_eq(si.n, 126);
	cr_assert_eq(slab("dentry_cache")->objsize, 124);
	cr_assert_eq(slab("size-64")->limit, 120);
	cr_assert_eq(slab("inode_cache")->active_objs, 1257);
	vmstat(SEP "vmstat", &kv2);
	cr_assert_eq(kv2.n, 43);
	cr_assert_eq(ms_kvlist_get(&kv2, "pgfault"), 5536);
	cr_assert_eq(ms_kvlist_get(&kv2, "nr_free_pages"), MS_NA);
}

#define CROS "chromeos-x86_64-syslogs/proc/"

Test(corpus, chromeos_linux_6_6)
{
	meminfo(CROS "meminfo", &kv);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 7905520);
	cr_assert_eq(ms_kvlist_get(&kv, "SwapTotal"), 15811036);
	buddyinfo(CROS "buddyinfo");
	cr_assert_eq(buddy_zone(0, "Normal")->free[0], 11464);
	cr_assert_eq(buddy_zone(0, "DMA32")->free[10], 437);
	pagetypeinfo(CROS "pagetypeinfo");
	cr_assert_eq(pt.page_block_order, 10);
	cr_assert_eq(pt.nfree, 12);
	cr_assert_eq(pt_row(0, "Normal", "Movable")->free[0], 10656);
	cr_assert_eq(pt.blocks[2].count[1], 1337);
	slabinfo(CROS "slabinfo");
	cr_assert_eq(si.n, 171);
	cr_assert_eq(slab("dentry")->active_objs, 85529);
	cr_assert_eq(slab("bio-1064")->objsize, 1088);
	cr_assert_eq(slab("inode_cache")->pagesperslab, 4);
	vmstat(CROS "vmstat", &kv2);
	cr_assert_eq(ms_kvlist_get(&kv2, "nr_free_pages"), 938491);
	cr_assert_eq(ms_kvlist_get(&kv2, "pgfault"), 12999720);
}
