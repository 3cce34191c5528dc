/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz targets for the parsers of issue 10 ("Where did the RAM go"):
 * iomem, vmallocinfo, the device tree, CMA files, DMA-BUF (bufinfo,
 * fdinfo, sysfs, and the attribution table fed from them), PSI and
 * memblock. Beyond "no crash", each checks what parse.h promises: errors
 * carry a message, offsets stay inside their pools, a tree is a tree,
 * parts add up to their whole or say they are unknown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "targets.h"

static const char *as_text(const uint8_t *data)
{
	return (const char *)data;
}

/* A pool string [off, off+len) and its NUL are inside the pool. */
static void check_pool(const ms_buf *pool, uint32_t off, uint32_t len)
{
	if (len == 0)
		return;
	FUZZ_CHECK((size_t)off + len < pool->len + 1);
	FUZZ_CHECK(pool->data[off + len] == '\0');
}

/* A fixed-size text field holds a terminated string. */
#define CHECK_TEXT(field) FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL)

static void check_bytes(int64_t v)
{
	FUZZ_CHECK(v == MS_NA || v >= 0);
}

/* ---- iomem ----------------------------------------------------------------- */

static void check_resource(const ms_iomem *io, size_t i)
{
	const ms_iomem_res *r = &io->res[i];

	check_pool(&io->names, r->name_off, r->name_len);
	FUZZ_CHECK(r->parent < (int32_t)i && r->parent >= -1);
	FUZZ_CHECK(r->next == -1 || (r->next > (int32_t)i && (size_t)r->next < io->n));
	FUZZ_CHECK(r->next == -1 || io->res[r->next].parent == r->parent);
	FUZZ_CHECK(r->parent == -1 ? r->depth == 0 : io->res[r->parent].depth + 1 == r->depth);
	FUZZ_CHECK(r->kind <= MS_IOMEM_CRASH_KERNEL);
	check_bytes(ms_iomem_bytes(io, i));
	check_bytes(ms_iomem_children_bytes(io, i, MS_IOMEM_RESERVED));
	if (io->hidden)
		return;
	FUZZ_CHECK(r->start <= r->end);
	if (r->parent >= 0)
		FUZZ_CHECK(r->start >= io->res[r->parent].start &&
			   r->end <= io->res[r->parent].end);
}

int ms_fuzz_iomem(const uint8_t *data, size_t size)
{
	ms_iomem io = { 0 };
	ms_error err;
	ms_iomem_kernel k;
	int rc = ms_parse_iomem(as_text(data), size, &io, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || (io.n == 0 && !io.res));
	FUZZ_CHECK(io.n <= io.cap);
	for (size_t i = 0; i < io.n; i++)
		check_resource(&io, i);
	int64_t ram = ms_iomem_system_ram_bytes(&io);
	check_bytes(ram);
	FUZZ_CHECK(!io.hidden || ram == MS_NA);
	ms_iomem_kernel_image(&io, &k);
	FUZZ_CHECK(k.code < (int32_t)io.n && k.data < (int32_t)io.n && k.bss < (int32_t)io.n);
	ms_iomem_free(&io);
	return 0;
}

/* ---- vmallocinfo ----------------------------------------------------------- */

static const int64_t page_sizes[] = { 4096, 16384, 65536 };

static void check_area(const ms_vmallocinfo *v, const ms_vmalloc_area *a)
{
	check_pool(&v->strings, a->caller_off, a->caller_len);
	check_pool(&v->strings, a->module_off, a->module_len);
	FUZZ_CHECK((size_t)a->numa_off + a->numa_n <= v->nnuma);
	FUZZ_CHECK(a->size >= 0);
	FUZZ_CHECK(a->pages == MS_NA || a->pages >= 0);
	FUZZ_CHECK(ms_vmalloc_kind(a) < MS_VMALLOC_NKINDS);
}

static void check_totals(const ms_vmallocinfo *v)
{
	ms_vmalloc_totals t;
	int64_t count = 0;

	ms_vmalloc_add_up(v, &t);
	FUZZ_CHECK(t.all.count == (int64_t)v->n);
	for (int k = 0; k < MS_VMALLOC_NKINDS; k++)
		count += t.by_kind[k].count;
	FUZZ_CHECK(count == t.all.count);
	check_bytes(t.all.size_bytes);
	for (size_t i = 0; i < MS_ARRAY_LEN(page_sizes); i++)
		check_bytes(ms_vmalloc_pages_kb(t.all.pages, page_sizes[i]));
}

static void check_groups(const ms_vmallocinfo *v, bool by_function)
{
	ms_vmalloc_groups g;
	int64_t count = 0;

	if (ms_vmalloc_group_by_caller(v, by_function, &g) != 0)
		return;
	for (size_t i = 0; i < g.n; i++) {
		count += g.g[i].sum.count;
		FUZZ_CHECK(g.g[i].name >= v->strings.data || g.g[i].name_len == 0);
		FUZZ_CHECK(i == 0 || g.g[i - 1].sum.pages >= g.g[i].sum.pages ||
			   g.g[i - 1].sum.pages == MS_NA || g.g[i].sum.pages == MS_NA);
	}
	FUZZ_CHECK(count == (int64_t)v->n);
	ms_vmalloc_groups_free(&g);
}

int ms_fuzz_vmallocinfo(const uint8_t *data, size_t size)
{
	ms_vmallocinfo v = { 0 };
	ms_error err;
	int rc = ms_parse_vmallocinfo(as_text(data), size, &v, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || (v.n == 0 && !v.areas));
	FUZZ_CHECK(v.n <= v.cap && v.nnuma <= v.numa_cap);
	for (size_t i = 0; i < v.n; i++)
		check_area(&v, &v.areas[i]);
	check_totals(&v);
	check_groups(&v, true);
	check_groups(&v, false);
	ms_vmallocinfo_free(&v);
	return 0;
}

/* ---- device tree ------------------------------------------------------------- */

/* The input is a list of files: "path\n", one length byte, that many bytes
 * of content (fewer when the input ends). tests/fuzz/seed.sh packs the
 * fixture trees this way. */
#define MAX_DT_FILES 64

typedef struct dt_input {
	ms_dt_file files[MAX_DT_FILES];
	char paths[MAX_DT_FILES][128];
	size_t n;
} dt_input;

static void unpack_tree(const uint8_t *data, size_t size, dt_input *in)
{
	size_t off = 0;

	in->n = 0;
	while (off < size && in->n < MAX_DT_FILES) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t plen = nl ? (size_t)(nl - (data + off)) : size - off;
		char *path = in->paths[in->n];
		ms_copy_field(path, sizeof in->paths[0], as_text(data) + off, plen);
		off += plen + (nl ? 1 : 0);
		size_t len = off < size ? data[off++] : 0;
		if (len > size - off)
			len = size - off;
		in->files[in->n++] = (ms_dt_file){ .path = path, .data = data + off, .len = len };
		off += len;
	}
}

static void check_region(const ms_devicetree *dt, size_t i)
{
	const ms_dt_region *r = &dt->regions[i];

	check_pool(&dt->strings, r->node_off, r->node_len);
	check_pool(&dt->strings, r->compatible_off, r->compatible_len);
	FUZZ_CHECK(r->kind == MS_DT_MEMORY || r->kind == MS_DT_RESERVED);
	FUZZ_CHECK(r->has_base || r->base == 0);
	FUZZ_CHECK(i == 0 || dt->regions[i - 1].kind <= r->kind);
}

/* The one-property helpers on the raw input, with cell counts from it. */
static void fuzz_reg_helpers(const uint8_t *data, size_t size)
{
	uint32_t ac = size > 0 ? data[0] % 6 : 2, sc = size > 1 ? data[1] % 6 : 1, v;
	uint64_t base, len;
	size_t n = ms_dt_reg_entries(size, ac, sc);

	FUZZ_CHECK(n == 0 || n * 4 * (ac + sc) <= size);
	for (size_t i = 0; i < n && i < 64; i++)
		ms_dt_reg_entry(data, size, ac, sc, i, &base, &len);
	FUZZ_CHECK(!ms_dt_reg_entry(data, size, ac, sc, n, &base, &len));
	FUZZ_CHECK((ms_dt_read_u32(data, size, &v) == 0) == (size == 4));
}

int ms_fuzz_devicetree(const uint8_t *data, size_t size)
{
	static dt_input in;
	ms_devicetree dt = { 0 };
	ms_error err;

	unpack_tree(data, size, &in);
	int rc = ms_parse_devicetree(in.files, in.n, &dt, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK((rc == -EINVAL) == (dt.nbad > 0));
	FUZZ_CHECK(dt.n <= dt.cap);
	FUZZ_CHECK(dt.root_address_cells <= 4 && dt.root_size_cells <= 4);
	for (size_t i = 0; i < dt.n; i++)
		check_region(&dt, i);
	check_bytes(ms_dt_memory_bytes(&dt));
	ms_devicetree_free(&dt);
	fuzz_reg_helpers(data, size);
	return 0;
}

/* ---- CMA ---------------------------------------------------------------------- */

/* The first byte picks the file the rest of the input is. */
static const char *const cma_files[] = {
	"alloc_pages_success", "alloc_pages_fail", "release_pages_success", "total_pages",
	"available_pages", "base_pfn", "count", "used", "maxchunk", "order_per_bit", "bitmap",
};

int ms_fuzz_cma(const uint8_t *data, size_t size)
{
	ms_cma_area a;
	ms_cma_meminfo c;
	ms_kvlist kv = { 0 };
	ms_error err;
	char s[16];
	int64_t v;

	if (size == 0)
		return 0;
	const char *file = cma_files[data[0] % MS_ARRAY_LEN(cma_files)];
	FUZZ_CHECK(ms_cma_area_init(&a, file, strlen(file)) == 0);
	int rc = ms_parse_cma_attr(&a, file, as_text(data) + 1, size - 1, &err);
	ms_fuzz_check_result(rc, &err);
	check_bytes(ms_cma_area_pages(&a));
	check_bytes(ms_cma_area_used_pages(&a));
	rc = ms_parse_sysfs_number(as_text(data), size, &v, &err);
	ms_fuzz_check_result(rc, &err);
	rc = ms_parse_sysfs_string(as_text(data), size, s, sizeof s, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc != 0 || memchr(s, '\0', sizeof s) != NULL);
	FUZZ_CHECK(ms_cma_area_init(&a, as_text(data), size) == 0 || size == 0 || size >= 64 ||
		   memchr(data, '/', size) || memchr(data, '\0', size));
	if (ms_parse_meminfo(as_text(data), size, &kv, &err) == 0)
		ms_cma_meminfo_read(&kv, &c);
	ms_kvlist_free(&kv);
	return 0;
}

/* ---- DMA-BUF ------------------------------------------------------------------- */

static void check_bufinfo(const ms_dmabuf_bufinfo *bi)
{
	for (size_t i = 0; i < bi->n; i++) {
		const ms_dmabuf_buf *b = &bi->bufs[i];
		size_t ndev = 0;
		check_pool(&bi->strings, b->exporter_off, b->exporter_len);
		check_pool(&bi->strings, b->name_off, b->name_len);
		FUZZ_CHECK(b->devices_len == 0 ||
			   (size_t)b->devices_off + b->devices_len <= bi->strings.len);
		while (ms_dmabuf_device(&bi->strings, b, ndev))
			ndev++;
		FUZZ_CHECK((int64_t)ndev == b->ndevices);
		FUZZ_CHECK(b->size >= 0);
	}
}

static void check_table(const ms_dmabuf_table *t)
{
	ms_dmabuf_summary s;
	ms_dmabuf_usage u;

	ms_dmabuf_summarize(t, &s);
	FUZZ_CHECK(s.nbufs == t->n);
	if (s.total != MS_NA && s.held != MS_NA) {
		FUZZ_CHECK(s.held <= s.total && s.kernel == s.total - s.held);
		FUZZ_CHECK(s.pss_sum == MS_NA || s.pss_sum <= s.held);
	}
	for (size_t i = 0; i < t->nrefs; i++) {
		FUZZ_CHECK(t->refs[i].buf < t->n);
		ms_dmabuf_process_usage(t, t->refs[i].pid, &u);
		FUZZ_CHECK(u.rss == MS_NA || u.pss == MS_NA || u.pss <= u.rss);
	}
}

/* The input as an fdinfo file: held by process 1 (an fd), and by process
 * 2 (a mapping as long as the input). */
static void fuzz_fdinfo(const uint8_t *data, size_t size, ms_dmabuf_table *t)
{
	ms_fdinfo fi;
	ms_error err;
	int rc = ms_parse_fdinfo(as_text(data), size, &fi, &err);

	ms_fuzz_check_result(rc, &err);
	CHECK_TEXT(fi.exp_name);
	CHECK_TEXT(fi.name);
	if (rc == 0 && fi.dmabuf && fi.inode != MS_NA) {
		FUZZ_CHECK(ms_dmabuf_table_add_fd(t, 1, &fi) == 0);
		FUZZ_CHECK(ms_dmabuf_table_add_map(t, 2, fi.inode, (int64_t)size) == 0);
	}
}

/* Every parser reads the input; what they accept feeds one table. */
int ms_fuzz_dmabuf(const uint8_t *data, size_t size)
{
	ms_dmabuf_bufinfo bi = { 0 };
	ms_dmabuf_table t = { 0 };
	ms_dmabuf_sysfs sb;
	ms_error err;

	int rc = ms_parse_dmabuf_bufinfo(as_text(data), size, &bi, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc != 0 || (size_t)bi.total_objects == bi.n);
	check_bufinfo(&bi);
	for (size_t i = 0; i < bi.n; i++)
		ms_dmabuf_table_add_buffer(&t, bi.bufs[i].inode, bi.bufs[i].size,
					   ms_dmabuf_exporter(&bi.strings, &bi.bufs[i]),
					   ms_dmabuf_name(&bi.strings, &bi.bufs[i]));
	fuzz_fdinfo(data, size, &t);
	ms_dmabuf_sysfs_init(&sb, "7", 1);
	rc = ms_parse_dmabuf_sysfs_attr(&sb, size % 2 ? "size" : "exporter_name", as_text(data),
					size, &err);
	ms_fuzz_check_result(rc, &err);
	if (rc == 0)
		ms_dmabuf_table_add_buffer(&t, sb.inode, sb.size, sb.exporter, NULL);
	check_table(&t);
	ms_dmabuf_table_free(&t);
	ms_dmabuf_bufinfo_free(&bi);
	return 0;
}

/* ---- PSI and memblock ----------------------------------------------------------- */

int ms_fuzz_psi(const uint8_t *data, size_t size)
{
	ms_psi psi;
	ms_error err;
	int rc = ms_parse_psi(as_text(data), size, &psi, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK((rc == 0) == (psi.some.total_us != MS_NA));
	const ms_psi_line *lines[] = { &psi.some, &psi.full };
	for (size_t i = 0; i < MS_ARRAY_LEN(lines); i++) {
		check_bytes(lines[i]->avg10);
		check_bytes(lines[i]->avg60);
		check_bytes(lines[i]->avg300);
		check_bytes(lines[i]->total_us);
	}
	return 0;
}

int ms_fuzz_memblock(const uint8_t *data, size_t size)
{
	ms_memblock mb = { 0 };
	ms_error err;
	int rc = ms_parse_memblock(as_text(data), size, &mb, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || (mb.n == 0 && !mb.r));
	for (size_t i = 0; i < mb.n; i++) {
		FUZZ_CHECK(mb.r[i].base <= mb.r[i].end);
		CHECK_TEXT(mb.r[i].flags);
		FUZZ_CHECK(mb.r[i].nid >= -1);
	}
	check_bytes(ms_memblock_bytes(&mb, NULL));
	check_bytes(ms_memblock_bytes(&mb, "NOMAP"));
	ms_memblock_free(&mb);
	return 0;
}
