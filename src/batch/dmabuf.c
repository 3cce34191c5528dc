/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dmabuf view: DMA-BUF buffers by exporter (sysfs
 * /sys/kernel/dmabuf/buffers/<inode>/, else debugfs dma_buf/bufinfo), and
 * which processes hold them through their fds (/proc/PID/fdinfo: size,
 * exp_name, ino), the way Android's dmabuf_dump attributes them: a
 * process's RSS is the sizes of the buffers it holds, its PSS each size
 * divided by the number of processes holding it (in whole bytes). Buffers
 * no process holds are the kernel's (drivers', or ones only mapped).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"

struct exporter_row {
	char exporter[64];
	int64_t count, size_kb, held_kb;
};

struct dmabuf_view {
	struct kmem_dmabuf d;
	ms_dmabuf_summary sum;
	struct exporter_row *exporters;
	size_t nexporters;
};

static const ms_column holder_cols[] = {
	{ .key = "pid", .title = "PID", .width = 6, .kind = MS_COL_INT,
	  .offset = offsetof(struct kmem_dmabuf_proc, pid), .help = "process id" },
	{ .key = "pss_kb", .title = "PSS", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct kmem_dmabuf_proc, pss_kb), .descending = true,
	  .help = "its buffers, each divided by the processes holding it" },
	{ .key = "rss_kb", .title = "RSS", .width = 8, .kind = MS_COL_KB,
	  .offset = offsetof(struct kmem_dmabuf_proc, rss_kb), .descending = true,
	  .help = "the whole size of every buffer it holds" },
	{ .key = "buffers", .title = "BUFS", .width = 5, .kind = MS_COL_INT,
	  .offset = offsetof(struct kmem_dmabuf_proc, nbufs), .descending = true,
	  .help = "buffers it holds" },
	{ .key = "name", .title = "NAME", .width = 6, .kind = MS_COL_STR, .left = true,
	  .offset = offsetof(struct kmem_dmabuf_proc, name), .str_inline = true,
	  .text_last = true, .help = "comm" },
};

static const ms_table_def holder_table = {
	.name = "dmabuf",
	.cols = holder_cols,
	.ncols = MS_ARRAY_LEN(holder_cols),
	.default_sort = "pss_kb",
	.tie_break = "pid",
};

static int64_t kb_of(int64_t bytes)
{
	return bytes == MS_NA ? MS_NA : bytes / 1024;
}

static const char *exporter_of(const struct kmem_dmabuf *d, const ms_dmabuf_buf *b)
{
	const char *e = b->exporter_len ? ms_dmabuf_exporter(&d->t.strings, b) : NULL;
	return e && *e ? e : "(unknown)";
}

/* Buffers summed by exporter, biggest first. */
static int by_exporter(struct dmabuf_view *v)
{
	const ms_dmabuf_table *t = &v->d.t;

	v->exporters = t->n ? calloc(t->n, sizeof *v->exporters) : NULL;
	if (t->n && !v->exporters)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const ms_dmabuf_buf *b = &t->bufs[i];
		const char *name = exporter_of(&v->d, b);
		size_t e = 0;
		while (e < v->nexporters && strncmp(v->exporters[e].exporter, name,
						    sizeof v->exporters[e].exporter - 1) != 0)
			e++;
		if (e == v->nexporters) {
			snprintf(v->exporters[e].exporter, sizeof v->exporters[e].exporter, "%s",
				 name);
			v->nexporters++;
		}
		struct exporter_row *x = &v->exporters[e];
		x->count++;
		x->size_kb = ms_add_na(x->size_kb, b->size);
		if (b->nprocs)
			x->held_kb = ms_add_na(x->held_kb, b->size);
	}
	for (size_t e = 0; e < v->nexporters; e++) {
		v->exporters[e].size_kb = kb_of(v->exporters[e].size_kb);
		v->exporters[e].held_kb = kb_of(v->exporters[e].held_kb);
	}
	return 0;
}

static void dmabuf_view_free(struct dmabuf_view *v)
{
	ms_kmem_dmabuf_free(&v->d);
	free(v->exporters);
	v->exporters = NULL;
}

static int dmabuf_load(ms_source *src, struct dmabuf_view *v, ms_error *err)
{
	memset(v, 0, sizeof *v);
	int rc = ms_kmem_dmabuf_load(src, &v->d, err);
	if (rc)
		return rc;
	ms_dmabuf_summarize(&v->d.t, &v->sum);
	if (by_exporter(v) < 0) {
		dmabuf_view_free(v);
		return ms_error_set(err, ENOMEM, 0, "dmabuf: out of memory");
	}
	return 0;
}

/* Why no buffer list was read (NULL when one was). */
static const char *buffers_reason(const struct kmem_dmabuf *d, char *buf, size_t cap)
{
	if (d->buffers_from)
		return NULL;
	snprintf(buf, cap, "sys/kernel/dmabuf/buffers: %s; sys/kernel/debug/dma_buf/bufinfo: %s",
		 d->sysfs.reason, d->bufinfo.reason);
	return buf;
}

static void holder_extra(struct render *r, const void *row)
{
	const struct kmem_dmabuf_proc *p = row;

	ms_json_kv_i64(&r->j, "rss_bytes", p->rss_bytes);
	ms_json_kv_i64(&r->j, "pss_bytes", p->pss_bytes);
}

static void dmabuf_json_head(struct render *r, const void *ctx)
{
	const struct dmabuf_view *v = ctx;
	const ms_dmabuf_table *t = &v->d.t;
	char why[400];
	/* Without a buffer list, the buffers no process holds are unknown;
	 * without a process read, what processes hold is. Null, not 0. */
	bool listed = v->d.buffers_from != NULL, scanned = v->d.nscanned > 0;

	ms_json_kv_str(&r->j, "buffers_from", v->d.buffers_from);
	ms_json_kv_str(&r->j, "buffers_reason", buffers_reason(&v->d, why, sizeof why));
	ms_json_kv_i64(&r->j, "processes_read", (int64_t)v->d.nscanned);
	ms_json_kv_i64(&r->j, "processes_unreadable", (int64_t)v->d.nunreadable);
	ms_json_kv_str(&r->j, "processes_reason",
		       v->d.holders_reason[0] ? v->d.holders_reason : NULL);
	ms_json_key(&r->j, "totals");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "count", listed ? (int64_t)v->sum.nbufs : MS_NA);
	ms_json_kv_i64(&r->j, "size_kb", listed ? kb_of(v->sum.total) : MS_NA);
	ms_json_kv_i64(&r->j, "held_kb", scanned ? kb_of(v->sum.held) : MS_NA);
	ms_json_kv_i64(&r->j, "kernel_kb", listed ? kb_of(v->sum.kernel) : MS_NA);
	ms_json_kv_i64(&r->j, "rss_sum_kb", scanned ? kb_of(v->sum.rss_sum) : MS_NA);
	ms_json_kv_i64(&r->j, "pss_sum_kb", scanned ? kb_of(v->sum.pss_sum) : MS_NA);
	ms_json_obj_end(&r->j);
	ms_json_key(&r->j, "exporters");
	ms_json_arr_begin(&r->j);
	for (size_t e = 0; e < v->nexporters; e++) {
		ms_json_obj_begin(&r->j);
		ms_json_kv_str(&r->j, "exporter", v->exporters[e].exporter);
		ms_json_kv_i64(&r->j, "count", v->exporters[e].count);
		ms_json_kv_i64(&r->j, "size_kb", v->exporters[e].size_kb);
		ms_json_kv_i64(&r->j, "held_kb", v->exporters[e].held_kb);
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
	ms_json_key(&r->j, "buffers");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < t->n; i++) {
		const ms_dmabuf_buf *b = &t->bufs[i];
		ms_json_obj_begin(&r->j);
		ms_json_kv_i64(&r->j, "inode", b->inode);
		ms_json_kv_str(&r->j, "exporter", exporter_of(&v->d, b));
		ms_json_kv_str(&r->j, "name", b->name_len ? ms_dmabuf_name(&t->strings, b) : NULL);
		ms_json_kv_i64(&r->j, "bytes", b->size);
		ms_json_kv_i64(&r->j, "holders", b->nprocs);
		ms_json_obj_end(&r->j);
		ms_out_flush(r, false);
	}
	ms_json_arr_end(&r->j);
}

static void dmabuf_text_head(struct render *r, const struct rows *rs, const void *ctx)
{
	const struct dmabuf_view *v = ctx;
	char why[400];
	const char *no_list = buffers_reason(&v->d, why, sizeof why);

	(void)rs;
	if (no_list) {
		ms_out_put(r, "no buffer list: ");
		ms_out_display(r, no_list, 0, true);
		ms_out_put(r, "\n(buffers below are those processes hold)\n");
	}
	if (no_list) {
		ms_out_putf(r, "%zu buffers held by processes, ", v->sum.nbufs);
		ms_out_kb_text(r, v->d.nscanned ? kb_of(v->sum.held) : MS_NA, 0);
		ms_out_put(r, "; held by none: unknown (no buffer list)");
	} else {
		ms_out_putf(r, "%zu buffers, ", v->sum.nbufs);
		ms_out_kb_text(r, kb_of(v->sum.total), 0);
		ms_out_put(r, "; held by processes ");
		ms_out_kb_text(r, v->d.nscanned ? kb_of(v->sum.held) : MS_NA, 0);
		ms_out_put(r, ", by none ");
		ms_out_kb_text(r, kb_of(v->sum.kernel), 0);
	}
	ms_out_putf(r, "\n%zu processes read", v->d.nscanned);
	if (v->d.holders_reason[0]) {
		ms_out_put(r, " (");
		ms_out_display(r, v->d.holders_reason, 0, true);
		ms_out_put(r, ")");
	}
	if (v->d.nunreadable)
		ms_out_putf(r, ", %zu whose fds could not be read (%s)", v->d.nunreadable,
			    ms_denied_reason());
	ms_out_put(r, "\n\nEXPORTER                    BUFS      SIZE      HELD\n");
	for (size_t e = 0; e < v->nexporters; e++) {
		ms_out_display(r, v->exporters[e].exporter, 26, true);
		ms_out_putf(r, "  %4" PRId64 "  ", v->exporters[e].count);
		ms_out_kb_text(r, v->exporters[e].size_kb, 8);
		ms_out_put(r, "  ");
		ms_out_kb_text(r, v->exporters[e].held_kb, 8);
		ms_out_put(r, "\n");
	}
	ms_out_put(r, "\n");
}

static const struct table_view dmabuf_tview = {
	.name = "dmabuf", .rows_key = "processes", .totals = false,
	.extra = holder_extra, .text_head = dmabuf_text_head, .json_head = dmabuf_json_head,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct dmabuf_view v;
	struct rows rs;
	int rc = dmabuf_load(src, &v, err);

	if (rc)
		return rc;
	rc = ms_tbl_rows_prepare(&rs, r->o, &holder_table, v.d.procs, v.d.nprocs,
				 sizeof *v.d.procs, &v, false, err);
	if (rc == 0) {
		ms_tbl_write_view(r, &rs, &dmabuf_tview, &v);
		ms_tbl_rows_free(&rs);
	}
	dmabuf_view_free(&v);
	return rc;
}

static void report_text(struct render *r)
{
	struct dmabuf_view v;
	struct rows rs;
	ms_error err;

	if (dmabuf_load(r->src, &v, &err)) {
		ms_out_display(r, err.msg, 0, true);
		ms_out_put(r, "\n");
		return;
	}
	if (ms_tbl_rows_prepare(&rs, r->o, &holder_table, v.d.procs, v.d.nprocs,
				sizeof *v.d.procs, &v, false, &err) == 0) {
		ms_tbl_view_text(r, &rs, &dmabuf_tview, &v);
		ms_tbl_rows_free(&rs);
	}
	dmabuf_view_free(&v);
}

static void report_json(struct render *r, bool ok)
{
	struct dmabuf_view v;
	struct rows rs;
	ms_error err;

	(void)ok;
	ms_json_key(&r->j, "dmabuf");
	ms_json_obj_begin(&r->j);
	if (dmabuf_load(r->src, &v, &err)) {
		ms_json_kv_str(&r->j, "error", err.msg);
		ms_json_obj_end(&r->j);
		return;
	}
	dmabuf_json_head(r, &v);
	if (ms_tbl_rows_prepare(&rs, r->o, &holder_table, v.d.procs, v.d.nprocs,
				sizeof *v.d.procs, &v, false, &err) == 0) {
		ms_tbl_json_rows(r, "processes", &rs, holder_extra);
		ms_tbl_rows_free(&rs);
	}
	ms_json_obj_end(&r->j);
	dmabuf_view_free(&v);
}

static const ms_report_section report = {
	.rank = 23,
	.title = "DMA-BUF buffers",
	.text = report_text,
	.json = report_json,
	.errors = { { NULL, MS_P_NONE } },
};

const ms_view_class ms_view_dmabuf = {
	.name = "dmabuf",
	.summary = "DMA-BUF buffers by exporter, and who holds them",
	.part = MS_P_NONE, /* read when shown */
	.table = &holder_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV,
	.render = render,
	.report = &report,
};
