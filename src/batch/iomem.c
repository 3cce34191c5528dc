/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iomem view: the physical address map of /proc/iomem as a tree
 * (System RAM banks, reserved, the kernel image, CMA, devices), with the
 * RAM the kernel was handed at the top. A reader without CAP_SYS_ADMIN is
 * shown every address as 0: the tree is then given with its addresses
 * hidden, never as a map at 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kmem.h"

#define HIDDEN_REASON \
	"addresses hidden: the kernel prints them as 0 to a reader without CAP_SYS_ADMIN"

struct iomem_view {
	ms_iomem io;
	int64_t system_ram_bytes; /* MS_NA when hidden */
	size_t banks;             /* top-level System RAM ranges */
	int64_t reserved_bytes, kernel_bytes, crash_bytes, cma_bytes;
	size_t nreserved, ncma;
};

static const char *kind_name(const ms_iomem *io, size_t i)
{
	static const char *const names[] = {
		[MS_IOMEM_OTHER] = "other",
		[MS_IOMEM_SYSTEM_RAM] = "system_ram",
		[MS_IOMEM_KERNEL_CODE] = "kernel_code",
		[MS_IOMEM_KERNEL_RODATA] = "kernel_rodata",
		[MS_IOMEM_KERNEL_DATA] = "kernel_data",
		[MS_IOMEM_KERNEL_BSS] = "kernel_bss",
		[MS_IOMEM_RESERVED] = "reserved",
		[MS_IOMEM_CRASH_KERNEL] = "crash_kernel",
	};
	uint8_t k = io->res[i].kind;

	if (k == MS_IOMEM_OTHER && strcasestr(ms_iomem_name(io, i), "cma"))
		return "cma"; /* vendor kernels name their CMA ranges so */
	return k < MS_ARRAY_LEN(names) && names[k] ? names[k] : "other";
}

static bool inside_kind(const ms_iomem *io, size_t i, const char *kind)
{
	for (int32_t p = io->res[i].parent; p >= 0; p = io->res[p].parent)
		if (strcmp(kind_name(io, (size_t)p), kind) == 0)
			return true;
	return false;
}

/* Each figure sums ranges of one kind not nested in another of the same
 * kind, so that nothing counts twice. */
static void add_up(struct iomem_view *v)
{
	const ms_iomem *io = &v->io;
	bool hidden = io->hidden;

	v->system_ram_bytes = ms_iomem_system_ram_bytes(io);
	v->reserved_bytes = v->kernel_bytes = v->crash_bytes = v->cma_bytes = hidden ? MS_NA : 0;
	for (size_t i = 0; i < io->n; i++) {
		const char *k = kind_name(io, i);
		int64_t b = ms_iomem_bytes(io, i);
		if (b == MS_NA)
			b = 0;
		if (strcmp(k, "system_ram") == 0 && !inside_kind(io, i, k))
			v->banks++;
		if (hidden)
			continue;
		if (strcmp(k, "reserved") == 0 && !inside_kind(io, i, k)) {
			v->reserved_bytes += b;
			v->nreserved++;
		} else if (strncmp(k, "kernel_", 7) == 0) {
			v->kernel_bytes += b;
		} else if (strcmp(k, "crash_kernel") == 0) {
			v->crash_bytes += b;
		} else if (strcmp(k, "cma") == 0 && !inside_kind(io, i, k)) {
			v->cma_bytes += b;
			v->ncma++;
		}
	}
	if (!hidden && !v->ncma)
		v->cma_bytes = MS_NA; /* mainline iomem does not name CMA */
}

static int64_t kb_of(int64_t bytes)
{
	return bytes == MS_NA ? MS_NA : bytes / 1024;
}

/* "4K", "636K", "1.9G", "256B": a range's size for the eye. */
static void human_bytes(char dst[32], size_t cap, int64_t b)
{
	static const char units[] = "KMGTPE";

	if (b == MS_NA) {
		snprintf(dst, cap, "-");
		return;
	}
	if (b < 1024) {
		snprintf(dst, cap, "%" PRId64 "B", b);
		return;
	}
	double x = (double)b / 1024;
	size_t u = 0;
	while (x >= 1024 && u + 1 < sizeof units - 1) {
		x /= 1024;
		u++;
	}
	if (x < 10 && x != (double)(int64_t)x)
		snprintf(dst, cap, "%.1f%c", x, units[u]);
	else
		snprintf(dst, cap, "%.0f%c", x, units[u]);
}

static void text_summary_line(struct render *r, const char *label, int64_t bytes, size_t n,
			      const char *what)
{
	ms_out_putf(r, "%-14s", label);
	ms_out_kb_text(r, kb_of(bytes), 10);
	if (what)
		ms_out_putf(r, "  (%zu %s)", n, what);
	ms_out_put(r, "\n");
}

static void iomem_text(struct render *r, const struct iomem_view *v)
{
	const ms_iomem *io = &v->io;
	int w = 8;

	for (size_t i = 0; i < io->n; i++)
		if (io->res[i].end > 0xffffffffu)
			w = 16;
	if (io->hidden) {
		ms_out_put(r, HIDDEN_REASON "\n");
		ms_out_putf(r, "System RAM:   -  (%zu banks, sizes unknown)\n\n", v->banks);
	} else {
		text_summary_line(r, "System RAM:", v->system_ram_bytes, v->banks, "banks");
		text_summary_line(r, "reserved:", v->reserved_bytes, v->nreserved, "ranges");
		text_summary_line(r, "kernel image:", v->kernel_bytes, 0, NULL);
		if (v->crash_bytes)
			text_summary_line(r, "crash kernel:", v->crash_bytes, 0, NULL);
		if (v->cma_bytes != MS_NA)
			text_summary_line(r, "CMA:", v->cma_bytes, v->ncma, "ranges");
		ms_out_put(r, "\n");
	}
	ms_out_putf(r, "%-*s %6s  NAME\n", 2 * w + 1, "RANGE", "SIZE");
	for (size_t i = 0; i < io->n; i++) {
		char size[32];
		if (io->hidden)
			ms_out_putf(r, "%-*s", 2 * w + 1, "(hidden)");
		else
			ms_out_putf(r, "%0*" PRIx64 "-%0*" PRIx64, w, io->res[i].start, w,
				    io->res[i].end);
		human_bytes(size, sizeof size, ms_iomem_bytes(io, i));
		ms_out_putf(r, " %6s  ", io->hidden ? "-" : size);
		ms_out_spaces(r, 2u * io->res[i].depth);
		ms_out_display(r, ms_iomem_name(io, i), 0, true);
		ms_out_put(r, "\n");
		ms_out_flush(r, false);
	}
}

static void csv_hex(struct render *r, const ms_iomem *io, uint64_t a)
{
	if (!io->hidden)
		ms_out_putf(r, "0x%" PRIx64, a);
}

static void iomem_csv(struct render *r, const struct iomem_view *v)
{
	const ms_iomem *io = &v->io;

	ms_out_put(r, "index,parent,depth,start,end,bytes,kind,name\r\n");
	for (size_t i = 0; i < io->n; i++) {
		ms_out_putf(r, "%zu,", i);
		if (io->res[i].parent >= 0)
			ms_out_putf(r, "%" PRId32, io->res[i].parent);
		ms_out_putf(r, ",%u,", io->res[i].depth);
		csv_hex(r, io, io->res[i].start);
		ms_out_put(r, ",");
		csv_hex(r, io, io->res[i].end);
		ms_out_put(r, ",");
		ms_out_i64_csv(r, ms_iomem_bytes(io, i));
		ms_out_putf(r, ",%s,", kind_name(io, i));
		ms_out_csv_field(r, ms_iomem_name(io, i));
		ms_out_put(r, "\r\n");
		ms_out_flush(r, false);
	}
}

static void json_hex(struct render *r, const char *key, const ms_iomem *io, uint64_t a)
{
	char hex[24];

	ms_json_key(&r->j, key);
	if (io->hidden) {
		ms_json_null(&r->j);
		return;
	}
	snprintf(hex, sizeof hex, "0x%" PRIx64, a);
	ms_json_str(&r->j, hex);
}

static void iomem_json_keys(struct render *r, const struct iomem_view *v)
{
	const ms_iomem *io = &v->io;

	ms_json_key(&r->j, "hidden");
	ms_json_bool(&r->j, io->hidden);
	ms_json_kv_str(&r->j, "hidden_reason", io->hidden ? HIDDEN_REASON : NULL);
	ms_json_kv_i64(&r->j, "system_ram_kb", kb_of(v->system_ram_bytes));
	ms_json_kv_i64(&r->j, "system_ram_banks", (int64_t)v->banks);
	ms_json_kv_i64(&r->j, "reserved_kb", kb_of(v->reserved_bytes));
	ms_json_kv_i64(&r->j, "kernel_image_kb", kb_of(v->kernel_bytes));
	ms_json_kv_i64(&r->j, "crash_kernel_kb", kb_of(v->crash_bytes));
	ms_json_kv_i64(&r->j, "cma_kb", kb_of(v->cma_bytes));
	ms_json_key(&r->j, "resources");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < io->n; i++) {
		ms_json_obj_begin(&r->j);
		ms_json_kv_i64(&r->j, "index", (int64_t)i);
		ms_json_kv_i64(&r->j, "parent", io->res[i].parent >= 0 ? io->res[i].parent : MS_NA);
		ms_json_kv_i64(&r->j, "depth", io->res[i].depth);
		json_hex(r, "start", io, io->res[i].start);
		json_hex(r, "end", io, io->res[i].end);
		ms_json_kv_i64(&r->j, "bytes", ms_iomem_bytes(io, i));
		ms_json_kv_str(&r->j, "kind", kind_name(io, i));
		ms_json_kv_str(&r->j, "name", ms_iomem_name(io, i));
		ms_json_obj_end(&r->j);
		ms_out_flush(r, false);
	}
	ms_json_arr_end(&r->j);
}

/* 0, or -errno with err saying why there is no map. */
static int iomem_load(ms_source *src, struct iomem_view *v, ms_error *err)
{
	ms_buf buf = { 0 };
	struct kmem_status st;
	char where[256];

	memset(v, 0, sizeof *v);
	snprintf(where, sizeof where, "%s", "iomem");
	if (src)
		ms_source_where(src, "iomem", where, sizeof where);
	int rc = ms_kmem_read(src, "iomem", &buf, &st);
	if (rc == 0) {
		ms_error perr;
		ms_error_clear(&perr);
		rc = ms_parse_iomem(buf.data ? buf.data : "", buf.len, &v->io, &perr);
		if (rc < 0)
			ms_kmem_parse_error(&st, "iomem", &perr);
	}
	ms_buf_free(&buf);
	if (rc < 0)
		return ms_error_set(err, -rc, 0, "iomem: %s: %s", where, st.reason);
	add_up(v);
	return 0;
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct iomem_view v;
	int rc = iomem_load(src, &v, err);

	if (rc)
		return rc;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		iomem_text(r, &v);
		break;
	case MS_FORMAT_CSV:
		iomem_csv(r, &v);
		break;
	case MS_FORMAT_JSON:
		ms_out_json_begin(r, "iomem");
		iomem_json_keys(r, &v);
		ms_out_json_end(r);
		break;
	}
	ms_iomem_free(&v.io);
	return 0;
}

/* The report's section: the summary and the tree, or why not. */
static void report_text(struct render *r)
{
	struct iomem_view v;
	ms_error err;

	if (iomem_load(r->src, &v, &err)) {
		ms_out_display(r, err.msg, 0, true);
		ms_out_put(r, "\n");
		return;
	}
	iomem_text(r, &v);
	ms_iomem_free(&v.io);
}

static void report_json(struct render *r, bool ok)
{
	struct iomem_view v;
	ms_error err;

	(void)ok;
	ms_json_key(&r->j, "iomem");
	if (iomem_load(r->src, &v, &err)) {
		ms_json_obj_begin(&r->j);
		ms_json_kv_str(&r->j, "error", err.msg);
		ms_json_obj_end(&r->j);
		return;
	}
	ms_json_obj_begin(&r->j);
	iomem_json_keys(r, &v);
	ms_json_obj_end(&r->j);
	ms_iomem_free(&v.io);
}

static const ms_report_section report = {
	.rank = 20,
	.title = "Physical address map (iomem)",
	.text = report_text,
	.json = report_json,
	.errors = { { NULL, MS_P_NONE } },
};

const ms_view_class ms_view_iomem = {
	.name = "iomem",
	.summary = "the physical address map of /proc/iomem as a tree",
	.part = MS_P_NONE, /* read when shown */
	.opts = MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
