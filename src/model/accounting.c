/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accounting of RAM (accounting.h): installed RAM, what the kernel
 * never got, the kernel image, boot reservations, then MemTotal split into
 * leaves that add up to it exactly. Why each leaf is the field it is, and
 * which meminfo fields overlap, is in doc/accounting.md; the comments here
 * say only what the code needs to know.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/accounting.h"

/* ---- arithmetic that stays MS_NA when it cannot be exact ------------------- */

static int64_t kb_add(int64_t a, int64_t b)
{
	int64_t r;

	if (a == MS_NA || b == MS_NA || __builtin_add_overflow(a, b, &r))
		return MS_NA;
	return r;
}

static int64_t kb_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (a == MS_NA || b == MS_NA || __builtin_sub_overflow(a, b, &r))
		return MS_NA;
	return r;
}

static int64_t bytes_to_kb(int64_t bytes)
{
	return bytes == MS_NA || bytes < 0 ? MS_NA : bytes / 1024;
}

static int64_t pages_to_kb(int64_t pages, long page_size)
{
	int64_t r;

	if (pages == MS_NA || pages < 0 || page_size <= 0 ||
	    __builtin_mul_overflow(pages, (int64_t)(page_size / 1024), &r))
		return MS_NA;
	return r;
}

/* ---- rows ---------------------------------------------------------------------- */

static int32_t add_row(ms_accounting *a, int32_t parent, enum ms_acct_kind kind,
		       const char *key, const char *label, int64_t kb, const char *origin)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 48;
		ms_acct_row *r = realloc(a->rows, cap * sizeof *r);
		if (!r)
			return -1;
		a->rows = r;
		a->cap = cap;
	}
	ms_acct_row *r = &a->rows[a->n];
	memset(r, 0, sizeof *r);
	snprintf(r->key, sizeof r->key, "%s", key);
	snprintf(r->label, sizeof r->label, "%s", label);
	snprintf(r->origin, sizeof r->origin, "%s", origin);
	r->kb = kb;
	r->used_kb = MS_NA;
	r->parent = parent;
	r->kind = (uint8_t)kind;
	r->depth = parent < 0 ? 0 : (uint8_t)(a->rows[parent].depth + 1);
	return (int32_t)a->n++;
}

static void set_reason(ms_accounting *a, int32_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_reason(ms_accounting *a, int32_t i, const char *fmt, ...)
{
	va_list ap;

	if (i < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(a->rows[i].reason, sizeof a->rows[i].reason, fmt, ap);
	va_end(ap);
}

/* Why a part gave nothing, or "" when it loaded. */
static const char *part_reason(const ms_sample *s, enum ms_part_id p)
{
	return ms_sample_has(s, p) ? "" : ms_part_reason(ms_sample_state(s, p));
}

/* The parts of a whole, for its remainder: their sum over the known
 * ones, and the keys of the unknown ones for its reason. */
struct parts {
	int64_t known;
	char unknown[256]; /* every leaf of MemTotal's key fits */
};

static void parts_add(struct parts *p, const ms_acct_row *r)
{
	if (r->kb != MS_NA) {
		p->known = kb_add(p->known, r->kb);
		return;
	}
	size_t len = strlen(p->unknown);
	snprintf(p->unknown + len, sizeof p->unknown - len, "%s%s", len ? ", " : "", r->key);
}

/* The remainder row of whole `parent`: what its other parts leave. */
static int32_t add_remainder(ms_accounting *a, int32_t parent, const ms_acct_row *also,
			     const char *key, const char *label, const char *origin)
{
	struct parts p = { 0 };
	int64_t whole = a->rows[parent].kb;

	if (also)
		parts_add(&p, also);
	for (size_t i = (size_t)parent + 1; i < a->n; i++)
		if (a->rows[i].parent == parent && a->rows[i].kind != MS_ACCT_AREA)
			parts_add(&p, &a->rows[i]);
	int32_t i = add_row(a, parent, MS_ACCT_REMAINDER, key, label, kb_sub(whole, p.known),
			    origin);
	if (i < 0)
		return i;
	if (whole == MS_NA)
		set_reason(a, i, "%s is unknown", a->rows[parent].key);
	else if (p.known == MS_NA)
		set_reason(a, i, "the other parts do not add up (overflow)");
	else if (whole < p.known) /* kept: the parts still add up to the whole */
		set_reason(a, i, "below 0: the rows above exceed %s by %" PRId64 " kB, so a "
			   "file disagrees with the others%s%s", a->rows[parent].key,
			   p.known - whole, p.unknown[0] ? "; includes the unknown " : "",
			   p.unknown);
	else if (p.unknown[0])
		set_reason(a, i, "includes the unknown %s", p.unknown);
	return i;
}

/* ---- installed RAM and what the kernel never got ----------------------------- */

static int64_t dt_no_map_bytes(const ms_devicetree *dt)
{
	int64_t sum = 0;

	for (size_t i = 0; i < dt->n; i++) {
		const ms_dt_region *r = &dt->regions[i];
		if (r->kind != MS_DT_RESERVED || !r->no_map || !r->has_base || r->disabled)
			continue;
		if (r->size > (uint64_t)INT64_MAX ||
		    __builtin_add_overflow(sum, (int64_t)r->size, &sum))
			return MS_NA;
	}
	return sum;
}

static bool have_dt_memory(const ms_sample *s)
{
	return ms_sample_has(s, MS_P_DEVTREE) && ms_dt_memory_bytes(&s->dt) > 0;
}

/* Why the device tree gives no installed RAM: there is none (x86), or
 * its memory nodes could not be read. */
static const char *no_dt_memory_reason(const ms_sample *s, char *buf, size_t cap)
{
	const ms_devicetree *dt = &s->dt;

	if (!ms_sample_has(s, MS_P_DEVTREE) || (!dt->n && !dt->nbad))
		return "no device tree: installed RAM is what iomem's System RAM shows";
	snprintf(buf, cap, "the device tree's memory nodes give no size (%s): installed RAM is "
		 "what iomem's System RAM shows", dt->bad_reason[0] ? dt->bad_reason
		 : "no memory node with a reg");
	return buf;
}

static int add_installed(ms_accounting *a, const ms_sample *s)
{
	int32_t i;

	if (have_dt_memory(s)) {
		i = add_row(a, -1, MS_ACCT_TOTAL, "installed", "Installed RAM",
			    bytes_to_kb(ms_dt_memory_bytes(&s->dt)), "device-tree memory*/reg");
	} else if (ms_sample_has(s, MS_P_IOMEM)) {
		i = add_row(a, -1, MS_ACCT_TOTAL, "installed", "Installed RAM",
			    bytes_to_kb(ms_iomem_system_ram_bytes(&s->iomem)), "iomem System RAM");
	} else {
		i = add_row(a, -1, MS_ACCT_TOTAL, "installed", "Installed RAM", MS_NA,
			    "iomem System RAM");
		set_reason(a, i, "iomem: %s", part_reason(s, MS_P_IOMEM));
	}
	return i < 0 ? -ENOMEM : 0;
}

static int add_no_map(ms_accounting *a, const ms_sample *s)
{
	const ms_devicetree *dt = &s->dt;
	char key[sizeof a->rows->key], label[sizeof a->rows->label];
	int32_t top;

	if (!ms_sample_has(s, MS_P_DEVTREE)) {
		top = add_row(a, 0, MS_ACCT_PART, "no_map", "Never mapped (no-map)", MS_NA,
			      "device-tree reserved-memory no-map");
		if (top < 0)
			return -ENOMEM;
		set_reason(a, top, "%s", part_reason(s, MS_P_DEVTREE));
		return 0;
	}
	top = add_row(a, 0, MS_ACCT_TOTAL, "no_map", "Never mapped (no-map)",
		      bytes_to_kb(dt_no_map_bytes(dt)), "device-tree reserved-memory no-map");
	for (size_t i = 0; top >= 0 && i < dt->n; i++) {
		const ms_dt_region *r = &dt->regions[i];
		if (r->kind != MS_DT_RESERVED || !r->no_map || !r->has_base || r->disabled)
			continue;
		snprintf(key, sizeof key, "no_map.%s", ms_dt_region_node(dt, i));
		snprintf(label, sizeof label, "%s", ms_dt_region_node(dt, i));
		int64_t size = r->size > (uint64_t)INT64_MAX ? MS_NA : (int64_t)r->size;
		if (add_row(a, top, MS_ACCT_PART, key, label, bytes_to_kb(size),
			    "device-tree reserved-memory reg") < 0)
			return -ENOMEM;
	}
	return top < 0 ? -ENOMEM : 0;
}

/* RAM the device tree names that is neither System RAM nor no-map: what
 * the firmware or a mem= limit kept from the kernel. */
static int add_firmware_holes(ms_accounting *a, const ms_sample *s, int64_t no_map_kb)
{
	int32_t i;

	if (!have_dt_memory(s)) {
		char why[sizeof a->rows->reason];
		i = add_row(a, 0, MS_ACCT_PART, "firmware_holes", "Firmware holes", MS_NA,
			    "device-tree memory - iomem System RAM - no-map");
		if (i >= 0)
			set_reason(a, i, "%s", no_dt_memory_reason(s, why, sizeof why));
		return i < 0 ? -ENOMEM : 0;
	}
	int64_t ram = ms_sample_has(s, MS_P_IOMEM)
			      ? bytes_to_kb(ms_iomem_system_ram_bytes(&s->iomem))
			      : MS_NA;
	int64_t holes = kb_sub(kb_sub(a->rows[0].kb, ram), no_map_kb);
	bool inside = holes != MS_NA && holes < 0;
	i = add_row(a, 0, MS_ACCT_PART, "firmware_holes", "Firmware holes", inside ? 0 : holes,
		    "device-tree memory - iomem System RAM - no-map");
	if (ram == MS_NA)
		set_reason(a, i, "iomem: %s", part_reason(s, MS_P_IOMEM));
	else if (inside)
		set_reason(a, i, "iomem's System RAM holds the no-map regions");
	return i < 0 ? -ENOMEM : 0;
}

static int add_kernel_image(ms_accounting *a, const ms_sample *s)
{
	static const char *const names[] = { "kernel_code", "kernel_rodata", "kernel_data",
					     "kernel_bss" };
	static const char *const labels[] = { "Kernel code", "Kernel rodata", "Kernel data",
					      "Kernel bss" };
	ms_iomem_kernel k;
	const char *origin = "iomem Kernel code+rodata+data+bss";

	if (!ms_sample_has(s, MS_P_IOMEM)) {
		int32_t i = add_row(a, 0, MS_ACCT_PART, "kernel_image", "Kernel image", MS_NA,
				    origin);
		set_reason(a, i, "iomem: %s", part_reason(s, MS_P_IOMEM));
		return i < 0 ? -ENOMEM : 0;
	}
	ms_iomem_kernel_image(&s->iomem, &k);
	int32_t idx[4] = { k.code, k.rodata, k.data, k.bss };
	int64_t bytes = 0;
	int last = -1;
	for (int p = 0; p < 4; p++)
		if (idx[p] >= 0) {
			int64_t b = ms_iomem_bytes(&s->iomem, (size_t)idx[p]);
			bytes = b == MS_NA || bytes == MS_NA ? MS_NA : bytes + b;
			last = p;
		}
	/* The image in whole kB of its bytes; a part's end need not fall on
	 * a kB (armv7's Kernel data ends at _end - 1), so the last part is
	 * what the others leave and the parts add up to the image. */
	int64_t image = last < 0 ? MS_NA : bytes_to_kb(bytes), rest = image;
	int32_t top = add_row(a, 0, MS_ACCT_TOTAL, "kernel_image", "Kernel image", image, origin);
	if (top < 0)
		return -ENOMEM;
	if (last < 0)
		set_reason(a, top, "iomem names no Kernel code or data");
	for (int p = 0; p <= last; p++) {
		char from[48];
		if (idx[p] < 0)
			continue;
		int64_t kb = p == last ? rest : bytes_to_kb(ms_iomem_bytes(&s->iomem, (size_t)idx[p]));
		rest = kb_sub(rest, kb);
		snprintf(from, sizeof from, "iomem %s", ms_iomem_name(&s->iomem, (size_t)idx[p]));
		if (add_row(a, top, MS_ACCT_PART, names[p], labels[p], kb, from) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- MemTotal's leaves ------------------------------------------------------------ */

/* One meminfo field as a leaf; null with a reason when it is not printed. */
static int32_t add_field(ms_accounting *a, const ms_sample *s, int32_t parent,
			 const char *key, const char *label, const char *field)
{
	char origin[48];
	int64_t v = ms_kvlist_get(&s->meminfo, field);

	snprintf(origin, sizeof origin, "meminfo %s", field);
	int32_t i = add_row(a, parent, MS_ACCT_PART, key, label, v, origin);
	if (i >= 0 && v == MS_NA)
		set_reason(a, i, "meminfo has no %s (this kernel does not count it)", field);
	return i;
}

static int32_t add_page_cache(ms_accounting *a, const ms_sample *s, int32_t parent)
{
	int64_t cached = ms_kvlist_get(&s->meminfo, "Cached");
	int64_t shmem = ms_kvlist_get(&s->meminfo, "Shmem");
	int32_t i = add_row(a, parent, MS_ACCT_PART, "page_cache", "Page cache",
			    kb_sub(cached, shmem), "meminfo Cached - Shmem");

	if (i >= 0 && (cached == MS_NA || shmem == MS_NA))
		set_reason(a, i, "meminfo has no %s", cached == MS_NA ? "Cached" : "Shmem");
	return i;
}

/* Reclaimable kernel memory that is not slab (ION and DMA-BUF heap pools,
 * 4.20+): KReclaimable includes SReclaimable. */
static int32_t add_kreclaimable_other(ms_accounting *a, const ms_sample *s, int32_t parent)
{
	int64_t k = ms_kvlist_get(&s->meminfo, "KReclaimable");
	int64_t sr = ms_kvlist_get(&s->meminfo, "SReclaimable");
	int32_t i = add_row(a, parent, MS_ACCT_PART, "kernel_reclaimable", "Other reclaimable",
			    kb_sub(k, sr), "meminfo KReclaimable - SReclaimable");

	if (i >= 0 && k == MS_NA)
		set_reason(a, i, "meminfo has no KReclaimable (kernels before 4.20)");
	return i;
}

static bool is_stack_caller(const char *caller)
{
	static const char *const fns[] = { "kernel_clone", "fork_idle", "copy_process",
					   "dup_task_struct", "alloc_thread_stack_node",
					   "_do_fork", "do_fork" };
	size_t len = strcspn(caller, "+.");

	for (size_t k = 0; k < MS_ARRAY_LEN(fns); k++)
		if (strlen(fns[k]) == len && strncmp(caller, fns[k], len) == 0)
			return true;
	return false;
}

int64_t ms_vmalloc_stack_pages(const ms_vmallocinfo *v)
{
	int64_t pages = 0;

	for (size_t i = 0; i < v->n; i++)
		if (v->areas[i].pages != MS_NA && is_stack_caller(ms_vmalloc_caller(v, i)))
			pages += v->areas[i].pages;
	return pages;
}

/* vmalloc'ed pages that no other leaf counts: every pages= of
 * vmallocinfo (ioremap has none), less the kernel stacks when the kernel
 * vmaps them (KernelStack counts those already). */
static int32_t add_vmalloc(ms_accounting *a, const ms_sample *s, int32_t parent)
{
	int64_t stack = ms_kvlist_get(&s->meminfo, "KernelStack");
	long ps = s->info.page_size;
	int32_t i;

	if (ms_sample_has(s, MS_P_VMALLOC)) {
		ms_vmalloc_totals t;
		ms_vmalloc_add_up(&s->vmalloc, &t);
		int64_t pages = t.all.pages - t.by_kind[MS_VMALLOC_KIND_IOREMAP].pages;
		int64_t kb = pages_to_kb(pages, ps);
		bool vmapped = stack != MS_NA &&
			       pages_to_kb(ms_vmalloc_stack_pages(&s->vmalloc), ps) >= stack &&
			       stack > 0;
		i = add_row(a, parent, MS_ACCT_PART, "vmalloc", "vmalloc",
			    vmapped ? kb_sub(kb, stack) : kb,
			    vmapped ? "vmallocinfo pages= - meminfo KernelStack"
				    : "vmallocinfo pages=");
		return i;
	}
	/* VmallocUsed counts the same pages (5.3+; 0 from 4.4 to 5.2). */
	int64_t used = ms_kvlist_get(&s->meminfo, "VmallocUsed");
	bool subtract = used != MS_NA && stack != MS_NA && used >= stack &&
			(strcmp(s->info.machine, "x86_64") == 0 ||
			 strcmp(s->info.machine, "aarch64") == 0);
	i = add_row(a, parent, MS_ACCT_PART, "vmalloc", "vmalloc",
		    subtract ? kb_sub(used, stack) : used,
		    subtract ? "meminfo VmallocUsed - KernelStack" : "meminfo VmallocUsed");
	if (used == MS_NA)
		set_reason(a, i, "vmallocinfo: %s; meminfo has no VmallocUsed",
			   part_reason(s, MS_P_VMALLOC));
	else
		set_reason(a, i, "vmallocinfo: %s; from VmallocUsed instead%s",
			   part_reason(s, MS_P_VMALLOC),
			   used == 0 ? " (0 on kernels 4.4 to 5.2)" : "");
	return i;
}

static int32_t add_hugetlb(ms_accounting *a, const ms_sample *s, int32_t parent)
{
	int64_t all = ms_kvlist_get(&s->meminfo, "Hugetlb");
	int64_t n = ms_kvlist_get(&s->meminfo, "HugePages_Total");
	int64_t size = ms_kvlist_get(&s->meminfo, "Hugepagesize");
	int64_t kb;

	if (all != MS_NA)
		return add_row(a, parent, MS_ACCT_PART, "hugetlb", "HugeTLB pools", all,
			       "meminfo Hugetlb");
	if (n == MS_NA || size == MS_NA || __builtin_mul_overflow(n, size, &kb))
		kb = n == 0 ? 0 : MS_NA;
	int32_t i = add_row(a, parent, MS_ACCT_PART, "hugetlb", "HugeTLB pools", kb,
			    "meminfo HugePages_Total x Hugepagesize");
	if (kb == MS_NA)
		set_reason(a, i, "meminfo has no HugePages_Total");
	return i;
}

static int32_t add_dmabuf(ms_accounting *a, const ms_sample *s, int32_t parent)
{
	char origin[64];

	if (!ms_sample_has(s, MS_P_DMABUF)) {
		int32_t i = add_row(a, parent, MS_ACCT_PART, "dmabuf", "DMA-BUF", MS_NA,
				    "sys/kernel/dmabuf/buffers size");
		set_reason(a, i, "DMA-BUF buffers: %s", part_reason(s, MS_P_DMABUF));
		return i;
	}
	snprintf(origin, sizeof origin, "%s size", s->dmabuf.origin ? s->dmabuf.origin : "");
	return add_row(a, parent, MS_ACCT_PART, "dmabuf", "DMA-BUF",
		       bytes_to_kb(s->dmabuf.bytes), origin);
}

/* CMA: pages other rows may hold (movable anon and cache, DMA-BUFs), so
 * an area with its size and use, outside the tree: a part of no whole,
 * it cannot be counted twice. */
static int add_cma(ms_accounting *a, const ms_sample *s)
{
	const int32_t parent = -1;
	ms_cma_meminfo m;
	char key[80];

	ms_cma_meminfo_read(&s->meminfo, &m);
	int32_t top = add_row(a, parent, MS_ACCT_AREA, "cma", "CMA (area)", m.total_kb,
			      "meminfo CmaTotal, CmaTotal - CmaFree");
	if (top < 0)
		return -ENOMEM;
	a->rows[top].used_kb = kb_sub(m.total_kb, m.free_kb);
	if (m.total_kb == MS_NA)
		set_reason(a, top, "meminfo has no CmaTotal (a kernel without CMA)");
	for (size_t k = 0; ms_sample_has(s, MS_P_CMA) && k < s->cma.n; k++) {
		const ms_cma_area *c = &s->cma.areas[k];
		snprintf(key, sizeof key, "cma.%s", c->name);
		int32_t i = add_row(a, top, MS_ACCT_AREA, key, c->name,
				    pages_to_kb(ms_cma_area_pages(c), s->info.page_size),
				    "sys/kernel/mm/cma, debug/cma count, used");
		if (i < 0)
			return -ENOMEM;
		a->rows[i].used_kb = pages_to_kb(ms_cma_area_used_pages(c), s->info.page_size);
		if (a->rows[i].kb == MS_NA)
			set_reason(a, i, "size needs debugfs cma or a 6.14+ kernel");
	}
	return 0;
}

static int add_mem_total(ms_accounting *a, const ms_sample *s)
{
	int64_t mt = ms_kvlist_get(&s->meminfo, "MemTotal");
	int32_t top = add_row(a, 0, MS_ACCT_TOTAL, "mem_total", "MemTotal", mt,
			      "meminfo MemTotal");

	if (top < 0)
		return -ENOMEM;
	if (mt == MS_NA)
		set_reason(a, top, "meminfo: %s",
			   ms_sample_has(s, MS_P_MEMINFO) ? "no MemTotal"
							  : part_reason(s, MS_P_MEMINFO));
	bool ok = add_field(a, s, top, "free", "Free", "MemFree") >= 0 &&
		  add_field(a, s, top, "buffers", "Buffers", "Buffers") >= 0 &&
		  add_page_cache(a, s, top) >= 0 &&
		  add_field(a, s, top, "shmem", "Shmem (tmpfs, shared)", "Shmem") >= 0 &&
		  add_field(a, s, top, "anon", "Anonymous", "AnonPages") >= 0 &&
		  add_field(a, s, top, "slab_reclaimable", "Slab reclaimable",
			    "SReclaimable") >= 0 &&
		  add_field(a, s, top, "slab_unreclaimable", "Slab unreclaimable",
			    "SUnreclaim") >= 0 &&
		  add_kreclaimable_other(a, s, top) >= 0 &&
		  add_field(a, s, top, "kernel_stack", "Kernel stacks", "KernelStack") >= 0 &&
		  add_field(a, s, top, "page_tables", "Page tables", "PageTables") >= 0 &&
		  add_field(a, s, top, "sec_page_tables", "Secondary page tables",
			    "SecPageTables") >= 0 &&
		  add_vmalloc(a, s, top) >= 0 &&
		  add_field(a, s, top, "percpu", "Per-CPU", "Percpu") >= 0 &&
		  add_hugetlb(a, s, top) >= 0 &&
		  add_field(a, s, top, "zswap", "zswap pool", "Zswap") >= 0 &&
		  add_dmabuf(a, s, top) >= 0;
	if (!ok)
		return -ENOMEM;
	int32_t rest = add_remainder(a, top, NULL, "unaccounted", "Unaccounted",
				     "MemTotal - the rows above");
	if (rest < 0)
		return -ENOMEM;
	a->mem_total_kb = mt;
	a->unaccounted_kb = a->rows[rest].kb;
	return 0;
}

/* ---- the whole ------------------------------------------------------------------------ */

/* installed's parts in the order the kernel takes them at boot; the boot
 * reservations are what is left once MemTotal is known, so they are
 * worked out with MemTotal as one more part before its row is added. */
static int build(ms_accounting *a, const ms_sample *s)
{
	if (add_installed(a, s) < 0 || add_no_map(a, s) < 0 ||
	    add_firmware_holes(a, s, a->rows[ms_acct_find(a, "no_map")].kb) < 0 ||
	    add_kernel_image(a, s) < 0)
		return -ENOMEM;
	ms_acct_row mt = { .key = "mem_total", .kb = ms_kvlist_get(&s->meminfo, "MemTotal") };
	if (add_remainder(a, 0, &mt, "boot_reserved", "Boot reservations",
			  "installed - MemTotal - the rows above") < 0)
		return -ENOMEM;
	if (add_mem_total(a, s) < 0)
		return -ENOMEM;
	return add_cma(a, s);
}

int ms_accounting_build(const ms_sample *s, ms_accounting *out)
{
	memset(out, 0, sizeof *out);
	out->installed_kb = out->mem_total_kb = out->unaccounted_kb = MS_NA;
	if (build(out, s) < 0) {
		ms_accounting_free(out);
		return -ENOMEM;
	}
	out->installed_kb = out->rows[0].kb;
	return 0;
}

void ms_accounting_free(ms_accounting *a)
{
	free(a->rows);
	memset(a, 0, sizeof *a);
	a->installed_kb = a->mem_total_kb = a->unaccounted_kb = MS_NA;
}

double ms_acct_share(const ms_accounting *a, size_t i)
{
	if (i >= a->n || a->rows[i].kb == MS_NA || a->installed_kb == MS_NA ||
	    a->installed_kb <= 0)
		return NAN;
	return (double)a->rows[i].kb / (double)a->installed_kb;
}

const char *ms_acct_parent_key(const ms_accounting *a, size_t i)
{
	return i < a->n && a->rows[i].parent >= 0 ? a->rows[a->rows[i].parent].key : NULL;
}

int32_t ms_acct_find(const ms_accounting *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->rows[i].key, key) == 0)
			return (int32_t)i;
	return -1;
}

const char *ms_acct_kind_name(enum ms_acct_kind k)
{
	switch (k) {
	case MS_ACCT_TOTAL:
		return "total";
	case MS_ACCT_PART:
		return "part";
	case MS_ACCT_REMAINDER:
		return "remainder";
	case MS_ACCT_AREA:
		return "area";
	}
	return "?";
}
