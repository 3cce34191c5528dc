/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/vmallocinfo (mode 0400), printed by mm/vmalloc.c s_show() (up to
 * 6.8) and vmalloc_info_show() (6.9+), one line per area:
 *
 *   seq_printf(m, "0x%pK-0x%pK %7ld", v->addr, v->addr + v->size, v->size);
 *   " %pS" caller        kernel_clone+0xb8/0x400, or with the module:
 *                        pktlog_alloc_buf+0xc4/0x15c [wlan], or a bare
 *                        0xc0123456 without kallsyms
 *   " pages=%d"          when nr_pages (the RAM behind the area)
 *   " phys=%pa"          when phys_addr (2.6-4.x: "phys=%lx", no 0x)
 *   " ioremap" " sparse" " xen" " vmalloc" " vmap" " user" " dma-coherent"
 *   " vpages"            as the flags say, in that order
 *   " N%u=%u"            pages per NUMA node (CONFIG_NUMA)
 *
 * Areas being torn down print "0x%pK-0x%pK %7ld vm_map_ram" or, from the
 * lazy-free (purge) list, "... unpurged vm_area" (show_purge_info, 4.x+;
 * 3.x-4.x printed both from s_show by VM_LAZY_FREE). size includes the
 * guard page (v->size), so a one-page vmalloc prints 8192 with pages=1.
 * ioremap areas map device memory and hold no RAM: they print no pages=.
 * %pK prints zeros under kptr_restrict (Android) and hashed values
 * otherwise, so start may well exceed end: addresses are kept as printed,
 * never checked. Qualcomm kernels add a "lowmem" word (the linear map of
 * lowmem, shown in the vmalloc area with CONFIG_ENABLE_VMALLOC_SAVING).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

typedef struct vmparser {
	ms_vmallocinfo *out;
	unsigned lineno;
	ms_error *err;
} vmparser;

static int fail(vmparser *ps, int code, const char *msg)
{
	return ms_error_set(ps->err, code, ps->lineno, "%s", msg);
}

void ms_vmallocinfo_free(ms_vmallocinfo *v)
{
	free(v->areas);
	free(v->numa);
	ms_buf_free(&v->strings);
	memset(v, 0, sizeof *v);
}

const char *ms_vmalloc_caller(const ms_vmallocinfo *v, size_t i)
{
	if (i >= v->n)
		return "";
	return ms_pool_str(&v->strings, v->areas[i].caller_off, v->areas[i].caller_len);
}

const char *ms_vmalloc_module(const ms_vmallocinfo *v, size_t i)
{
	if (i >= v->n)
		return "";
	return ms_pool_str(&v->strings, v->areas[i].module_off, v->areas[i].module_len);
}

/* ---- words --------------------------------------------------------------- */

static const struct {
	const char *word;
	uint32_t flag;
} flag_words[] = {
	{ "ioremap", MS_VMALLOC_IOREMAP },
	{ "vmalloc", MS_VMALLOC_VMALLOC },
	{ "vmap", MS_VMALLOC_VMAP },
	{ "user", MS_VMALLOC_USER },
	{ "vpages", MS_VMALLOC_VPAGES },
	{ "dma-coherent", MS_VMALLOC_DMA_COHERENT },
	{ "sparse", MS_VMALLOC_SPARSE },
	{ "xen", MS_VMALLOC_XEN },
	{ "lowmem", MS_VMALLOC_LOWMEM },
};

static uint32_t flag_of(const char *tok, size_t len)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(flag_words); i++)
		if (ms_token_eq(tok, len, flag_words[i].word))
			return flag_words[i].flag;
	return 0;
}

/* A word that cannot be the caller: a known flag or a key=value. */
static bool is_attribute(const char *tok, size_t len)
{
	return flag_of(tok, len) != 0 || memchr(tok, '=', len) != NULL;
}

/* Keeps s in the pool, sharing the previous area's copy when equal (areas
 * from one call site tend to come together). */
static int keep_string(vmparser *ps, const char *s, size_t len, uint32_t prev_off,
		       uint32_t prev_len, uint32_t *off, uint32_t *outlen)
{
	ms_buf *pool = &ps->out->strings;

	*outlen = (uint32_t)len;
	if (prev_len == len && len && memcmp(pool->data + prev_off, s, len) == 0) {
		*off = prev_off;
		return 0;
	}
	int rc = ms_pool_add(pool, s, len, off);
	if (rc < 0)
		return fail(ps, -rc, rc == -ENOMEM ? "out of memory" : "callers too long");
	return 0;
}

/* ---- key=value words ----------------------------------------------------- */

static int add_numa(vmparser *ps, ms_vmalloc_area *a, int64_t node, int64_t pages)
{
	ms_vmallocinfo *out = ps->out;

	if (a->numa_n == 0)
		a->numa_off = (uint32_t)out->nnuma;
	if (out->nnuma >= UINT32_MAX)
		return fail(ps, EFBIG, "too many NUMA counts");
	ms_vmalloc_numa *items = ms_grow_one(out->numa, out->nnuma, &out->numa_cap, sizeof *items);
	if (!items)
		return fail(ps, ENOMEM, "out of memory");
	out->numa = items;
	out->numa[out->nnuma++] = (ms_vmalloc_numa){ .node = (int32_t)node, .pages = pages };
	a->numa_n++;
	return 0;
}

/* A whole decimal word, >= 0. */
static bool count_value(const char *p, const char *end, int64_t *v)
{
	return p < end && *p >= '0' && *p <= '9' && ms_parse_i64(&p, end, v) && p == end;
}

static bool hex_value(const char *p, const char *end, uint64_t *v)
{
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	return p < end && *p != ' ' && ms_parse_hex_u64(&p, end, v) && p == end;
}

/* "N0=4": pages on node 0. False when the word is not of that shape. */
static bool numa_word(const char *tok, const char *eq, const char *end, int64_t *node,
		      int64_t *pages)
{
	return tok[0] == 'N' && count_value(tok + 1, eq, node) && *node <= INT32_MAX &&
	       count_value(eq + 1, end, pages);
}

static int key_value(vmparser *ps, ms_vmalloc_area *a, const char *tok, size_t len)
{
	const char *end = tok + len, *eq = memchr(tok, '=', len);
	int64_t node, pages;

	if (ms_token_eq(tok, (size_t)(eq - tok), "pages")) {
		if (a->pages != MS_NA)
			return fail(ps, EINVAL, "pages= printed twice");
		if (!count_value(eq + 1, end, &a->pages) || a->pages > INT_MAX)
			return fail(ps, EINVAL, "pages= is not a page count");
		return 0;
	}
	if (ms_token_eq(tok, (size_t)(eq - tok), "phys")) {
		if (!hex_value(eq + 1, end, &a->phys))
			return fail(ps, EINVAL, "phys= is not a hex address");
		a->has_phys = true;
		return 0;
	}
	if (numa_word(tok, eq, end, &node, &pages))
		return add_numa(ps, a, node, pages);
	a->flags |= MS_VMALLOC_OTHER;
	return 0;
}

/* ---- one line ------------------------------------------------------------ */

/* "0xSTART-0xEND SIZE" */
static bool read_head(const char **p, const char *end, ms_vmalloc_area *a)
{
	const char *s = *p;

	if (!ms_has_prefix(s, end, "0x"))
		return false;
	s += 2;
	if (s >= end || *s == ' ' || !ms_parse_hex_u64(&s, end, &a->start))
		return false;
	if (!ms_has_prefix(s, end, "-0x"))
		return false;
	s += 3;
	if (s >= end || *s == ' ' || !ms_parse_hex_u64(&s, end, &a->end))
		return false;
	if (s >= end || *s != ' ' || !ms_parse_i64_word(&s, end, &a->size) || a->size < 0)
		return false;
	*p = s;
	return true;
}

/* "sym+0x1c/0x40 [module]" when the first word is not an attribute. */
static int read_caller(vmparser *ps, const char **p, const char *end, ms_vmalloc_area *a,
		       const ms_vmalloc_area *prev)
{
	const char *s = *p, *tok;
	size_t len;

	if (!ms_next_token(&s, end, &tok, &len) || is_attribute(tok, len))
		return 0;
	int rc = keep_string(ps, tok, len, prev ? prev->caller_off : 0,
			     prev ? prev->caller_len : 0, &a->caller_off, &a->caller_len);
	*p = s;
	if (rc < 0 || !ms_next_token(&s, end, &tok, &len) || len < 3 || tok[0] != '[' ||
	    tok[len - 1] != ']')
		return rc;
	*p = s;
	return keep_string(ps, tok + 1, len - 2, prev ? prev->module_off : 0,
			   prev ? prev->module_len : 0, &a->module_off, &a->module_len);
}

static int read_attributes(vmparser *ps, const char *p, const char *end, ms_vmalloc_area *a)
{
	const char *tok;
	size_t len;
	int rc = 0;

	while (rc == 0 && ms_next_token(&p, end, &tok, &len)) {
		uint32_t flag = flag_of(tok, len);
		if (flag)
			a->flags |= flag;
		else if (memchr(tok, '=', len))
			rc = key_value(ps, a, tok, len);
		else
			a->flags |= MS_VMALLOC_OTHER;
	}
	return rc;
}

/* The two kinds of line that carry no vm_struct. */
static bool teardown_line(const char *p, const char *end, ms_vmalloc_area *a)
{
	const char *tok, *tok2;
	size_t len, len2;

	if (!ms_next_token(&p, end, &tok, &len))
		return false;
	bool second = ms_next_token(&p, end, &tok2, &len2);
	if (!second && ms_token_eq(tok, len, "vm_map_ram"))
		a->flags = MS_VMALLOC_MAP_RAM;
	else if (second && ms_token_eq(tok, len, "unpurged") &&
		 ms_token_eq(tok2, len2, "vm_area") && !ms_next_token(&p, end, &tok, &len))
		a->flags = MS_VMALLOC_UNPURGED;
	return a->flags != 0;
}

static int add_area(vmparser *ps, const ms_vmalloc_area *a)
{
	ms_vmallocinfo *out = ps->out;
	ms_vmalloc_area *items = ms_grow_one(out->areas, out->n, &out->cap, sizeof *items);

	if (!items)
		return fail(ps, ENOMEM, "out of memory");
	out->areas = items;
	out->areas[out->n++] = *a;
	return 0;
}

static int vmalloc_line(vmparser *ps, const char *p, const char *end)
{
	ms_vmalloc_area a = { .pages = MS_NA };
	const ms_vmalloc_area *prev = ps->out->n ? &ps->out->areas[ps->out->n - 1] : NULL;

	if (!read_head(&p, end, &a))
		return fail(ps, EINVAL, "expected '0xSTART-0xEND SIZE' with hex addresses");
	if (!teardown_line(p, end, &a)) {
		int rc = read_caller(ps, &p, end, &a, prev);
		if (rc == 0)
			rc = read_attributes(ps, p, end, &a);
		if (rc < 0)
			return rc;
	}
	return add_area(ps, &a);
}

static bool all_zero(const ms_vmallocinfo *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->areas[i].start || v->areas[i].end)
			return false;
	return true;
}

int ms_parse_vmallocinfo(const char *buf, size_t len, ms_vmallocinfo *out, ms_error *err)
{
	vmparser ps = { .out = out, .err = err };
	ms_lines it;
	const char *line;
	size_t n;
	int rc = 0;

	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n)) {
		const char *end = line + n;
		ms_trim_right(line, &end);
		ps.lineno = it.lineno;
		if (end > line)
			rc = vmalloc_line(&ps, line, end);
	}
	if (rc == 0 && out->n == 0)
		rc = ms_error_set(err, EINVAL, 0, "no areas (empty file?)");
	if (rc < 0) {
		ms_vmallocinfo_free(out);
		return rc;
	}
	out->hidden = all_zero(out);
	return 0;
}

/* ---- kinds and totals ---------------------------------------------------- */

static const struct {
	uint32_t flag;
	enum ms_vmalloc_kind kind;
	const char *name;
} kind_order[] = {
	{ MS_VMALLOC_UNPURGED, MS_VMALLOC_KIND_UNPURGED, "unpurged" },
	{ MS_VMALLOC_MAP_RAM, MS_VMALLOC_KIND_MAP_RAM, "vm_map_ram" },
	{ MS_VMALLOC_IOREMAP, MS_VMALLOC_KIND_IOREMAP, "ioremap" },
	{ MS_VMALLOC_LOWMEM, MS_VMALLOC_KIND_LOWMEM, "lowmem" },
	{ MS_VMALLOC_VMALLOC, MS_VMALLOC_KIND_VMALLOC, "vmalloc" },
	{ MS_VMALLOC_DMA_COHERENT, MS_VMALLOC_KIND_DMA_COHERENT, "dma-coherent" },
	{ MS_VMALLOC_VMAP, MS_VMALLOC_KIND_VMAP, "vmap" },
	{ MS_VMALLOC_USER, MS_VMALLOC_KIND_USER, "user" },
};

enum ms_vmalloc_kind ms_vmalloc_kind(const ms_vmalloc_area *a)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(kind_order); i++)
		if (a->flags & kind_order[i].flag)
			return kind_order[i].kind;
	return MS_VMALLOC_KIND_OTHER;
}

const char *ms_vmalloc_kind_name(enum ms_vmalloc_kind k)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(kind_order); i++)
		if (kind_order[i].kind == k)
			return kind_order[i].name;
	return "other";
}

/* Sums saturate to MS_NA rather than wrap (hostile sizes). */
static void sum_add(ms_vmalloc_sum *s, const ms_vmalloc_area *a)
{
	s->count = ms_add_na(s->count, 1);
	s->size_bytes = ms_add_na(s->size_bytes, a->size);
	s->pages = ms_add_na(s->pages, a->pages == MS_NA ? 0 : a->pages);
}

void ms_vmalloc_add_up(const ms_vmallocinfo *v, ms_vmalloc_totals *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < v->n; i++) {
		sum_add(&out->all, &v->areas[i]);
		sum_add(&out->by_kind[ms_vmalloc_kind(&v->areas[i])], &v->areas[i]);
	}
}

int64_t ms_vmalloc_pages_kb(int64_t pages, int64_t page_size)
{
	if (pages == MS_NA || pages < 0 || page_size <= 0 || pages > INT64_MAX / page_size)
		return MS_NA;
	return pages * page_size / 1024;
}

/* ---- grouping by call site ----------------------------------------------- */

typedef struct group_key {
	const char *name, *module;
	size_t name_len;
	uint32_t kind; /* for lines without a caller: unpurged or vm_map_ram */
	size_t area;
} group_key;

/* "kernel_clone+0xb8/0x400" -> "kernel_clone"; a bare address stays. */
static size_t function_len(const char *caller, size_t len)
{
	const char *plus = memchr(caller, '+', len);
	return plus ? (size_t)(plus - caller) : len;
}

static int compare_keys(const void *a, const void *b)
{
	const group_key *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	if (c == 0 && x->name_len != y->name_len)
		c = x->name_len < y->name_len ? -1 : 1;
	if (c == 0)
		c = strcmp(x->module, y->module);
	if (c == 0 && x->kind != y->kind)
		c = x->kind < y->kind ? -1 : 1;
	if (c == 0)
		c = x->area < y->area ? -1 : x->area > y->area;
	return c;
}

static bool same_group(const group_key *x, const group_key *y)
{
	return x->name_len == y->name_len && memcmp(x->name, y->name, x->name_len) == 0 &&
	       strcmp(x->module, y->module) == 0 && x->kind == y->kind;
}

static int compare_groups(const void *a, const void *b)
{
	const ms_vmalloc_group *x = a, *y = b;

	if (x->sum.pages != y->sum.pages)
		return x->sum.pages > y->sum.pages ? -1 : 1;
	if (x->sum.size_bytes != y->sum.size_bytes)
		return x->sum.size_bytes > y->sum.size_bytes ? -1 : 1;
	group_key kx = { x->name, x->module, x->name_len, x->flags, 0 };
	group_key ky = { y->name, y->module, y->name_len, y->flags, 0 };
	return compare_keys(&kx, &ky);
}

/* So that the lines without a caller (unpurged,
 * vm_map_ram) form groups of their own rather than one of "". */
static uint32_t caller_less_kind(const ms_vmalloc_area *a)
{
	return a->caller_len ? 0 : a->flags & (MS_VMALLOC_UNPURGED | MS_VMALLOC_MAP_RAM);
}

static group_key *make_keys(const ms_vmallocinfo *v, bool by_function)
{
	group_key *keys = calloc(v->n ? v->n : 1, sizeof *keys);

	for (size_t i = 0; keys && i < v->n; i++) {
		const char *caller = ms_vmalloc_caller(v, i);
		size_t len = v->areas[i].caller_len;
		keys[i] = (group_key){ .name = caller, .module = ms_vmalloc_module(v, i),
				       .name_len = by_function ? function_len(caller, len) : len,
				       .kind = caller_less_kind(&v->areas[i]), .area = i };
	}
	return keys;
}

int ms_vmalloc_group_by_caller(const ms_vmallocinfo *v, bool by_function,
			       ms_vmalloc_groups *out)
{
	group_key *keys = make_keys(v, by_function);
	ms_vmalloc_group *g = calloc(v->n ? v->n : 1, sizeof *g);
	size_t n = 0;

	out->n = 0;
	out->g = NULL;
	if (!keys || !g) {
		free(keys);
		free(g);
		return -ENOMEM;
	}
	qsort(keys, v->n, sizeof *keys, compare_keys);
	for (size_t i = 0; i < v->n; i++) {
		const ms_vmalloc_area *a = &v->areas[keys[i].area];
		if (n == 0 || !same_group(&keys[i - 1], &keys[i]))
			g[n++] = (ms_vmalloc_group){ .name = keys[i].name,
						     .name_len = keys[i].name_len,
						     .module = keys[i].module };
		g[n - 1].flags |= a->flags;
		sum_add(&g[n - 1].sum, a);
	}
	free(keys);
	qsort(g, n, sizeof *g, compare_groups);
	out->n = n;
	out->g = g;
	return 0;
}

void ms_vmalloc_groups_free(ms_vmalloc_groups *g)
{
	free(g->g);
	g->g = NULL;
	g->n = 0;
}
