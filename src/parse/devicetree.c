/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device tree as the kernel exposes it (fs/proc/devtree.c, now a link
 * to /sys/firmware/devicetree/base, drivers/of/kobj.c): a directory per
 * node, a file per property holding its raw bytes. What the RAM accounting
 * needs of it:
 *
 *   memory@40000000/reg        (address, size) pairs of RAM banks, each
 *                              in #address-cells and #size-cells big-endian
 *                              32-bit cells of the parent (root) node
 *   memory@40000000/device_type "memory\0" (early_init_dt_scan_memory
 *                              skips memory nodes without it)
 *   reserved-memory/#address-cells, #size-cells, ranges
 *   reserved-memory/<child>/reg      a static carve-out, or
 *   reserved-memory/<child>/size     one the kernel places at boot
 *                                    (+ alignment, alloc-ranges)
 *   .../no-map, reusable, linux,cma-default, linux,dma-default
 *                              empty files: present means true
 *   .../compatible             NUL-separated strings ("shared-dma-pool")
 *   .../status                 "okay\0" or "disabled\0"
 *
 * (Documentation/devicetree/bindings/reserved-memory/reserved-memory.yaml,
 * drivers/of/of_reserved_mem.c.) The cell counts default to 2 and 1 when
 * a node and its ancestors say nothing (the devicetree specification), as
 * Linux's of_n_addr_cells() walks up. The kernel reads the whole entries
 * of a reg whose length is not a multiple of an entry; so does this, and
 * it says the property was malformed. x86 boards have no device tree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

#define MAX_CELLS 4 /* OF_MAX_ADDR_CELLS */

typedef struct dtparser {
	const ms_dt_file *files;
	size_t nfiles;
	ms_devicetree *out;
	ms_error *err;
} dtparser;

void ms_devicetree_free(ms_devicetree *dt)
{
	free(dt->regions);
	ms_buf_free(&dt->strings);
	memset(dt, 0, sizeof *dt);
}

const char *ms_dt_region_node(const ms_devicetree *dt, size_t i)
{
	return i < dt->n ? ms_pool_str(&dt->strings, dt->regions[i].node_off,
				       dt->regions[i].node_len)
			 : "";
}

const char *ms_dt_region_compatible(const ms_devicetree *dt, size_t i)
{
	return i < dt->n ? ms_pool_str(&dt->strings, dt->regions[i].compatible_off,
				       dt->regions[i].compatible_len)
			 : "";
}

int64_t ms_dt_memory_bytes(const ms_devicetree *dt)
{
	int64_t total = 0;

	for (size_t i = 0; i < dt->n; i++) {
		const ms_dt_region *r = &dt->regions[i];
		if (r->kind != MS_DT_MEMORY || r->disabled)
			continue;
		total = r->size > (uint64_t)INT64_MAX ? MS_NA : ms_add_na(total, (int64_t)r->size);
	}
	return total;
}

/* ---- one property ---------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int ms_dt_read_u32(const void *data, size_t len, uint32_t *out)
{
	if (len != 4)
		return -EINVAL;
	*out = be32(data);
	return 0;
}

size_t ms_dt_reg_entries(size_t len, uint32_t address_cells, uint32_t size_cells)
{
	if (address_cells > MAX_CELLS || size_cells > MAX_CELLS || address_cells + size_cells == 0)
		return 0;
	return len / (4 * (size_t)(address_cells + size_cells));
}

/* n cells as one number; false when the upper cells are not zero. */
static bool cells_value(const unsigned char *p, uint32_t n, uint64_t *v)
{
	*v = 0;
	for (uint32_t i = 0; i < n; i++, p += 4) {
		if (*v >> 32)
			return false;
		*v = *v << 32 | be32(p);
	}
	return true;
}

bool ms_dt_reg_entry(const void *data, size_t len, uint32_t address_cells,
		     uint32_t size_cells, size_t i, uint64_t *base, uint64_t *size)
{
	if (i >= ms_dt_reg_entries(len, address_cells, size_cells))
		return false;
	const unsigned char *p = (const unsigned char *)data + i * 4 * (address_cells + size_cells);
	return cells_value(p, address_cells, base) &&
	       cells_value(p + 4 * address_cells, size_cells, size);
}

/* ---- finding files ---------------------------------------------------------- */

static const char *clean(const char *path)
{
	while (*path == '/' || (path[0] == '.' && path[1] == '/'))
		path += *path == '/' ? 1 : 2;
	return path;
}

/* The file dir/prop ("prop" at the root, dirlen 0). */
static const ms_dt_file *find_prop(const dtparser *ps, const char *dir, size_t dirlen,
				   const char *prop)
{
	size_t plen = strlen(prop);

	for (size_t i = 0; i < ps->nfiles; i++) {
		const char *p = clean(ps->files[i].path);
		if (dirlen && (strncmp(p, dir, dirlen) != 0 || p[dirlen] != '/'))
			continue;
		p += dirlen ? dirlen + 1 : 0;
		if (strncmp(p, prop, plen) == 0 && p[plen] == '\0')
			return &ps->files[i];
	}
	return NULL;
}

/* A malformed property: counted, the first one named in err. */
static void bad(dtparser *ps, const ms_dt_file *f, const char *why)
{
	if (ps->out->nbad++ == 0)
		ms_error_set(ps->err, EINVAL, 0, "%s: %s", clean(f->path), why);
}

/* The first string of a string-list property, as stored (without NUL). */
static size_t first_string(const ms_dt_file *f)
{
	if (f->len == 0)
		return 0;
	const char *nul = memchr(f->data, '\0', f->len);
	return nul ? (size_t)(nul - (const char *)f->data) : f->len;
}

static bool string_is(const ms_dt_file *f, const char *lit)
{
	return f && f->len && ms_token_eq(f->data, first_string(f), lit);
}

/* #address-cells or #size-cells for the children of dir: its own, else
 * its nearest ancestor's, else def. */
static uint32_t cells_for(dtparser *ps, const char *dir, size_t dirlen, const char *name,
			  uint32_t def)
{
	for (;;) {
		const ms_dt_file *f = find_prop(ps, dir, dirlen, name);
		uint32_t v;
		if (f && (ms_dt_read_u32(f->data, f->len, &v) != 0 || v > MAX_CELLS))
			bad(ps, f, "not a cell count (one 32-bit value, at most 4)");
		else if (f)
			return v;
		if (dirlen == 0)
			return def;
		while (dirlen > 0 && dir[dirlen - 1] != '/')
			dirlen--;
		if (dirlen > 0)
			dirlen--; /* the slash */
	}
}

/* ---- regions ------------------------------------------------------------------ */

static size_t parent_len(const char *dir, size_t dirlen)
{
	while (dirlen > 0 && dir[dirlen - 1] != '/')
		dirlen--;
	return dirlen ? dirlen - 1 : 0;
}

static int keep(dtparser *ps, const char *s, size_t len, uint32_t *off, uint32_t *outlen)
{
	int rc = ms_pool_add(&ps->out->strings, s, len, off);

	if (rc < 0)
		return ms_error_set(ps->err, -rc, 0, "out of memory");
	*outlen = (uint32_t)len;
	return 0;
}

static int add_region(dtparser *ps, const ms_dt_region *proto, const char *dir, size_t dirlen)
{
	ms_devicetree *out = ps->out;
	ms_dt_region r = *proto;
	size_t name = parent_len(dir, dirlen);
	const ms_dt_file *compat = find_prop(ps, dir, dirlen, "compatible");

	name += name ? 1 : 0;
	int rc = keep(ps, dir + name, dirlen - name, &r.node_off, &r.node_len);
	if (rc == 0 && compat && first_string(compat))
		rc = keep(ps, compat->data, first_string(compat), &r.compatible_off,
			  &r.compatible_len);
	if (rc < 0)
		return rc;
	ms_dt_region *items = ms_grow_one(out->regions, out->n, &out->cap, sizeof *items);
	if (!items)
		return ms_error_set(ps->err, ENOMEM, 0, "out of memory");
	out->regions = items;
	out->regions[out->n++] = r;
	return 0;
}

static int regions_from_reg(dtparser *ps, const ms_dt_file *reg, const char *dir,
			    size_t dirlen, ms_dt_region *r)
{
	size_t plen = parent_len(dir, dirlen);
	uint32_t ac = cells_for(ps, dir, plen, "#address-cells", 2);
	uint32_t sc = cells_for(ps, dir, plen, "#size-cells", 1);
	size_t n = ms_dt_reg_entries(reg->len, ac, sc);

	if (n == 0 || reg->len % (4 * (size_t)(ac + sc)) != 0)
		bad(ps, reg, "not a whole number of (address, size) entries");
	r->has_base = true;
	for (size_t i = 0; i < n; i++) {
		if (!ms_dt_reg_entry(reg->data, reg->len, ac, sc, i, &r->base, &r->size)) {
			bad(ps, reg, "a value over 64 bits");
			continue;
		}
		int rc = add_region(ps, r, dir, dirlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A property of #size-cells cells ("size", "alignment"). */
static bool size_value(dtparser *ps, const ms_dt_file *f, const char *dir, size_t dirlen,
		       uint64_t *v)
{
	uint32_t sc = cells_for(ps, dir, parent_len(dir, dirlen), "#size-cells", 1);

	if (sc == 0 || f->len != 4 * (size_t)sc || !cells_value(f->data, sc, v)) {
		bad(ps, f, "not one #size-cells value of at most 64 bits");
		return false;
	}
	return true;
}

static void node_flags(dtparser *ps, const char *dir, size_t dirlen, ms_dt_region *r)
{
	const ms_dt_file *status = find_prop(ps, dir, dirlen, "status");
	const ms_dt_file *align = find_prop(ps, dir, dirlen, "alignment");

	r->no_map = find_prop(ps, dir, dirlen, "no-map") != NULL;
	r->reusable = find_prop(ps, dir, dirlen, "reusable") != NULL;
	r->cma_default = find_prop(ps, dir, dirlen, "linux,cma-default") != NULL;
	r->dma_default = find_prop(ps, dir, dirlen, "linux,dma-default") != NULL;
	r->disabled = status && !string_is(status, "okay") && !string_is(status, "ok");
	r->typed = string_is(find_prop(ps, dir, dirlen, "device_type"), "memory");
	if (align && !size_value(ps, align, dir, dirlen, &r->alignment))
		r->alignment = 0;
}

static int node(dtparser *ps, const ms_dt_file *f, const char *dir, size_t dirlen,
		enum ms_dt_region_kind kind, bool by_size)
{
	ms_dt_region r = { .kind = (uint8_t)kind };

	node_flags(ps, dir, dirlen, &r);
	if (!by_size)
		return regions_from_reg(ps, f, dir, dirlen, &r);
	if (!size_value(ps, f, dir, dirlen, &r.size))
		return 0;
	return add_region(ps, &r, dir, dirlen);
}

/* ---- which files ------------------------------------------------------------- */

static bool is_memory_node(const char *name, size_t len)
{
	return ms_token_eq(name, len, "memory") || (len > 7 && memcmp(name, "memory@", 7) == 0);
}

#define RESERVED "reserved-memory/"

/* "reserved-memory/CHILD/reg", or ".../size" when the child has no reg. */
static int reserved_file(dtparser *ps, const ms_dt_file *f, const char *p)
{
	const char *child = p + strlen(RESERVED), *slash = strchr(child, '/');

	ps->out->has_reserved_memory = true;
	if (!slash || slash == child || strchr(slash + 1, '/'))
		return 0;
	size_t dirlen = (size_t)(slash - p);
	if (strcmp(slash + 1, "reg") == 0)
		return node(ps, f, p, dirlen, MS_DT_RESERVED, false);
	if (strcmp(slash + 1, "size") == 0 && !find_prop(ps, p, dirlen, "reg"))
		return node(ps, f, p, dirlen, MS_DT_RESERVED, true);
	return 0;
}

static int dt_file(dtparser *ps, const ms_dt_file *f)
{
	const char *p = clean(f->path), *slash = strchr(p, '/');

	if (ms_has_prefix(p, p + strlen(p), RESERVED))
		return reserved_file(ps, f, p);
	if (slash && strcmp(slash, "/reg") == 0 && is_memory_node(p, (size_t)(slash - p)))
		return node(ps, f, p, (size_t)(slash - p), MS_DT_MEMORY, false);
	return 0;
}

static int compare_regions(const void *a, const void *b)
{
	const ms_dt_region *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->has_base != y->has_base)
		return x->has_base ? -1 : 1;
	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return x->node_off < y->node_off ? -1 : x->node_off > y->node_off;
}

int ms_parse_devicetree(const ms_dt_file *files, size_t n, ms_devicetree *out, ms_error *err)
{
	dtparser ps = { .files = files, .nfiles = n, .out = out, .err = err };
	int rc = 0;

	out->root_address_cells = cells_for(&ps, "", 0, "#address-cells", 2);
	out->root_size_cells = cells_for(&ps, "", 0, "#size-cells", 1);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = dt_file(&ps, &files[i]);
	if (rc < 0) {
		ms_devicetree_free(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->regions, out->n, sizeof *out->regions, compare_regions);
	return out->nbad ? -EINVAL : 0;
}
