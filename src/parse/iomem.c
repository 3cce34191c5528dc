/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/iomem, printed by kernel/resource.c r_show() for every resource of
 * the iomem tree, parents before children:
 *
 *   seq_printf(m, "%*s%0*llx-%0*llx : %s\n", depth * 2, "",
 *              width, start, width, end, r->name ? r->name : "<BAD>");
 *
 *   00200000-083fffff : System RAM
 *     00400000-0174ffff : Kernel code
 *     01750000-01e8ffff : reserved
 *   ff040000-ff0400ff : ff040000.gpio0 gpio0@ff040000
 *   100000000-63fffffff : System RAM
 *
 * width is 8 for iomem, so 64-bit addresses simply print longer. depth
 * stops at MAX_IORES_LEVEL (5): deeper resources are printed at depth 5,
 * inside their depth-5 ancestor's range rather than beside it. Without
 * CAP_SYS_ADMIN (since 4.15; earlier with kptr_restrict on some vendor
 * kernels) start and end are printed as 0: the tree is real, the map is
 * not. Names are free text (Rockchip: "ff040000.gpio0 gpio0@ff040000",
 * Zynq: "/amba_pl/axi_quad_spi@41e00000", ramoops: "ramoops:dmesg").
 * The kernel image is "Kernel code"/"Kernel data" (+ "Kernel rodata" and
 * "Kernel bss" on x86), "Kernel text" before 2.6.2x (sep4020 2.6.16).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

#define MAX_DEPTH 255
#define KERNEL_MAX_LEVEL 5 /* MAX_IORES_LEVEL of kernel/resource.c */

typedef struct ioparser {
	ms_iomem *out;
	unsigned lineno;
	ms_error *err;
	int32_t last_at[MAX_DEPTH + 1]; /* the last resource seen at each depth */
	int prev_depth;                 /* -1 before the first resource */
} ioparser;

static int fail(ioparser *ps, int code, const char *msg)
{
	return ms_error_set(ps->err, code, ps->lineno, "%s", msg);
}

void ms_iomem_free(ms_iomem *io)
{
	free(io->res);
	ms_buf_free(&io->names);
	memset(io, 0, sizeof *io);
}

const char *ms_iomem_name(const ms_iomem *io, size_t i)
{
	if (i >= io->n)
		return "";
	return ms_pool_str(&io->names, io->res[i].name_off, io->res[i].name_len);
}

/* ---- one line ------------------------------------------------------------ */

static const struct {
	const char *name;
	enum ms_iomem_kind kind;
} kinds[] = {
	{ "System RAM", MS_IOMEM_SYSTEM_RAM },
	{ "Kernel code", MS_IOMEM_KERNEL_CODE },
	{ "Kernel text", MS_IOMEM_KERNEL_CODE },
	{ "Kernel rodata", MS_IOMEM_KERNEL_RODATA },
	{ "Kernel data", MS_IOMEM_KERNEL_DATA },
	{ "Kernel bss", MS_IOMEM_KERNEL_BSS },
	{ "reserved", MS_IOMEM_RESERVED },
	{ "Reserved", MS_IOMEM_RESERVED },
	{ "Crash kernel", MS_IOMEM_CRASH_KERNEL },
};

static uint8_t kind_of(const char *name, size_t len)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(kinds); i++)
		if (ms_token_eq(name, len, kinds[i].name))
			return (uint8_t)kinds[i].kind;
	return MS_IOMEM_OTHER;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "start-end" with nothing between the numbers and the dash. */
static bool read_range(const char **p, const char *end, uint64_t *start, uint64_t *stop)
{
	const char *s = *p;

	if (s >= end || !is_hex(*s) || !ms_parse_hex_u64(&s, end, start))
		return false;
	if (s >= end || *s != '-' || s + 1 >= end || !is_hex(s[1]))
		return false;
	s++;
	if (!ms_parse_hex_u64(&s, end, stop))
		return false;
	*p = s;
	return true;
}

/* " : NAME"; a copy whose trailing blanks were stripped may end at ":". */
static bool read_name(const char **p, const char *end, const char **name, size_t *len)
{
	const char *s = *p;

	if (end - s == 2 && memcmp(s, " :", 2) == 0)
		s += 2;
	else if (end - s >= 3 && memcmp(s, " : ", 3) == 0)
		s += 3;
	else
		return false;
	*name = s;
	*len = (size_t)(end - s);
	return true;
}

/* Links resource idx at depth into the tree built so far. */
static int link_resource(ioparser *ps, int32_t idx, int depth)
{
	ms_iomem_res *r = &ps->out->res[idx];

	if (depth > ps->prev_depth + 1)
		return fail(ps, EINVAL, "indented more than one level below the line before");
	r->parent = depth ? ps->last_at[depth - 1] : -1;
	if (ps->last_at[depth] >= 0)
		ps->out->res[ps->last_at[depth]].next = idx;
	ps->last_at[depth] = idx;
	for (int d = depth + 1; d <= MAX_DEPTH && ps->last_at[d] >= 0; d++)
		ps->last_at[d] = -1;
	ps->prev_depth = depth;
	return 0;
}

static int add_resource(ioparser *ps, int depth, uint64_t start, uint64_t stop,
			const char *name, size_t namelen)
{
	ms_iomem *out = ps->out;
	ms_iomem_res r = { .start = start, .end = stop, .next = -1, .depth = (uint16_t)depth,
			   .kind = kind_of(name, namelen), .line = ps->lineno,
			   .name_len = (uint32_t)namelen };

	if (out->n >= INT32_MAX || namelen >= UINT32_MAX)
		return fail(ps, EFBIG, "too many resources");
	ms_iomem_res *items = ms_grow_one(out->res, out->n, &out->cap, sizeof *items);
	if (!items)
		return fail(ps, ENOMEM, "out of memory");
	out->res = items;
	int rc = ms_pool_add(&out->names, name, namelen, &r.name_off);
	if (rc < 0)
		return fail(ps, -rc, rc == -ENOMEM ? "out of memory" : "names too long");
	out->res[out->n] = r;
	return link_resource(ps, (int32_t)out->n++, depth);
}

static int iomem_line(ioparser *ps, const char *line, const char *end)
{
	const char *p = line;
	uint64_t start, stop;
	const char *name;
	size_t namelen;

	while (p < end && *p == ' ')
		p++;
	size_t indent = (size_t)(p - line);
	if (indent % 2)
		return fail(ps, EINVAL, "odd indentation (the kernel indents by two spaces)");
	if (indent / 2 > MAX_DEPTH)
		return fail(ps, EINVAL, "nested too deep");
	if (!read_range(&p, end, &start, &stop))
		return fail(ps, EINVAL, "expected 'start-end : name' with hex addresses");
	if (!read_name(&p, end, &name, &namelen))
		return fail(ps, EINVAL, "expected ' : ' after the address range");
	return add_resource(ps, (int)(indent / 2), start, stop, name, namelen);
}

/* ---- the ranges make a tree ---------------------------------------------- */

static bool all_zero(const ms_iomem *io)
{
	for (size_t i = 0; i < io->n; i++)
		if (io->res[i].start || io->res[i].end)
			return false;
	return true;
}

static int range_error(ms_error *err, const ms_iomem_res *r, const char *what,
		       const ms_iomem_res *other)
{
	return ms_error_set(err, EINVAL, r->line, "%s (line %u)", what, other->line);
}

/* Inverted ranges, children outside their parent, overlapping siblings.
 * Below the kernel's last printed level, resources are nested in the one
 * printed before them, so siblings there may overlap. */
static int check_ranges(const ms_iomem *io, ms_error *err)
{
	for (size_t i = 0; i < io->n; i++) {
		const ms_iomem_res *r = &io->res[i];
		if (r->start > r->end)
			return ms_error_set(err, EINVAL, r->line, "range ends before it starts");
		if (r->parent >= 0) {
			const ms_iomem_res *p = &io->res[r->parent];
			if (r->start < p->start || r->end > p->end)
				return range_error(err, r, "range outside its parent's", p);
		}
		if (r->next >= 0 && r->depth < KERNEL_MAX_LEVEL &&
		    io->res[r->next].start <= r->end)
			return range_error(err, &io->res[r->next], "range overlaps the one", r);
	}
	return 0;
}

int ms_parse_iomem(const char *buf, size_t len, ms_iomem *out, ms_error *err)
{
	ioparser ps = { .out = out, .err = err, .prev_depth = -1 };
	ms_lines it;
	const char *line;
	size_t n;
	int rc = 0;

	memset(ps.last_at, 0xff, sizeof ps.last_at); /* all -1 */
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n)) {
		const char *end = line + n;
		ms_trim_cr(line, &end);
		ps.lineno = it.lineno;
		if (!ms_is_blank(line, end))
			rc = iomem_line(&ps, line, end);
	}
	if (rc == 0 && out->n == 0)
		rc = ms_error_set(err, EINVAL, 0, "no resources (empty file?)");
	if (rc == 0)
		out->hidden = all_zero(out);
	if (rc == 0 && !out->hidden)
		rc = check_ranges(out, err);
	if (rc < 0)
		ms_iomem_free(out);
	return rc;
}

/* ---- what the accounting asks of it -------------------------------------- */

int64_t ms_iomem_bytes(const ms_iomem *io, size_t i)
{
	if (io->hidden || i >= io->n)
		return MS_NA;
	uint64_t size = io->res[i].end - io->res[i].start + 1;
	if (size == 0 || size > (uint64_t)INT64_MAX)
		return MS_NA;
	return (int64_t)size;
}

static bool inside_system_ram(const ms_iomem *io, size_t i)
{
	for (int32_t p = io->res[i].parent; p >= 0; p = io->res[p].parent)
		if (io->res[p].kind == MS_IOMEM_SYSTEM_RAM)
			return true;
	return false;
}

int64_t ms_iomem_system_ram_bytes(const ms_iomem *io)
{
	int64_t total = 0;

	if (io->hidden)
		return MS_NA;
	for (size_t i = 0; i < io->n; i++)
		if (io->res[i].kind == MS_IOMEM_SYSTEM_RAM && !inside_system_ram(io, i))
			total = ms_add_na(total, ms_iomem_bytes(io, i));
	return total;
}

int32_t ms_iomem_first_child(const ms_iomem *io, size_t i)
{
	if (i + 1 < io->n && io->res[i + 1].parent == (int32_t)i)
		return (int32_t)(i + 1);
	return -1;
}

int32_t ms_iomem_find(const ms_iomem *io, enum ms_iomem_kind kind, size_t from)
{
	for (size_t i = from; i < io->n; i++)
		if (io->res[i].kind == kind)
			return (int32_t)i;
	return -1;
}

int64_t ms_iomem_children_bytes(const ms_iomem *io, size_t i, enum ms_iomem_kind kind)
{
	int64_t total = 0;

	if (io->hidden || i >= io->n)
		return MS_NA;
	for (int32_t c = ms_iomem_first_child(io, i); c >= 0; c = io->res[c].next)
		if (io->res[c].kind == kind)
			total = ms_add_na(total, ms_iomem_bytes(io, (size_t)c));
	return total;
}

void ms_iomem_kernel_image(const ms_iomem *io, ms_iomem_kernel *out)
{
	out->code = ms_iomem_find(io, MS_IOMEM_KERNEL_CODE, 0);
	out->rodata = ms_iomem_find(io, MS_IOMEM_KERNEL_RODATA, 0);
	out->data = ms_iomem_find(io, MS_IOMEM_KERNEL_DATA, 0);
	out->bss = ms_iomem_find(io, MS_IOMEM_KERNEL_BSS, 0);
}
