/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vma view: one process's mappings, read by the view itself. Without
 * --sort each mapping is written as soon as it is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- vma ----------------------------------------------------------------- */

/* "vma 42: no such process in /proc", "vma 42: /proc/42/smaps: needs
 * root": the model's words, with the source's root. */
static int vma_error(const struct render *r, int rc, ms_error *err)
{
	const char *root = r->s->info.path;
	int pid = r->o->pid;

	if (rc == -EACCES || rc == -EPERM)
		return ms_error_set(err, EACCES, 0, "vma %d: %s/%d/smaps: %s", pid, root, pid,
				    ms_denied_reason());
	if (rc == -ESRCH && strcmp(err->msg, "no such process") == 0)
		return ms_error_set(err, ESRCH, 0, "vma %d: no such process in %s", pid, root);
	if (rc == -ENOENT)
		return ms_error_set(err, ENOENT, 0, "vma %d: %s/%d: no smaps or maps", pid, root,
				    pid);
	char what[32];
	snprintf(what, sizeof what, "vma %d", pid);
	ms_error_prefix(err, what);
	return rc;
}

static void vma_text_head(struct render *r, size_t n, bool from_smaps)
{
	ms_out_putf(r, "pid %d, %zu mappings%s\n", r->o->pid, n,
		    from_smaps ? "" : " (from maps: no smaps, memory figures unknown)");
}

/* The keys before the mappings. */
static void vma_json_head(struct render *r, bool from_smaps)
{
	ms_json_kv_i64(&r->j, "pid", r->o->pid);
	ms_json_key(&r->j, "from_smaps");
	ms_json_bool(&r->j, from_smaps);
}

static void vma_sorted_text_head(struct render *r, const struct rows *rs, const void *ctx)
{
	vma_text_head(r, rs->n, ((const ms_vmalist *)ctx)->from_smaps);
}

static void vma_sorted_json_head(struct render *r, const void *ctx)
{
	vma_json_head(r, ((const ms_vmalist *)ctx)->from_smaps);
}

static const struct table_view vma_view = {
	.name = "vma", .rows_key = "vmas", .totals = true,
	.text_head = vma_sorted_text_head, .json_head = vma_sorted_json_head,
};

/* --sort or --reverse: the whole list, then sorted. */
static int render_vma_sorted(struct render *r, ms_source *src, ms_error *err)
{
	ms_vmalist vl;
	struct rows rs;

	int rc = ms_vmas_load(src, r->o->pid, &vl, err);
	if (rc)
		return vma_error(r, rc, err);
	rc = ms_tbl_rows_prepare(&rs, r->o, &ms_vma_table, vl.v, vl.n, sizeof(ms_vma), &vl, false, err);
	if (rc) {
		ms_vmalist_free(&vl);
		return rc;
	}
	r->flushing = true;
	ms_tbl_write_view(r, &rs, &vma_view, &vl);
	ms_tbl_rows_free(&rs);
	ms_vmalist_free(&vl);
	return 0;
}

/* Without --sort, mappings come in the order of the file, which the kernel
 * prints by address: each is written as soon as it is read, so the
 * formatting runs while the kernel prints the rest (src reads ahead) and no
 * mapping is kept. Text keeps its cells until the widths are known. */
struct vma_feed {
	struct render *r;
	struct totals tot;
	struct cells cells; /* text */
	bool began;         /* JSON or CSV head written */
};

static void vma_feed_begin(struct vma_feed *f, bool from_smaps)
{
	if (f->began)
		return;
	f->began = true;
	if (f->r->o->format == MS_FORMAT_JSON) {
		ms_out_json_begin(f->r, "vma");
		vma_json_head(f->r, from_smaps);
		ms_json_key(&f->r->j, "vmas");
		ms_json_arr_begin(&f->r->j);
	} else if (f->r->o->format == MS_FORMAT_CSV) {
		ms_tbl_csv_header(f->r, &ms_vma_table);
	}
}

static int vma_feed_row(void *ctx, const ms_vmalist *l, size_t i)
{
	struct vma_feed *f = ctx;
	struct render *r = f->r;
	const ms_vma *row = &l->v[i];
	bool shown = r->o->limit <= 0 || f->tot.count < (size_t)r->o->limit;

	vma_feed_begin(f, l->from_smaps);
	ms_tbl_totals_add(&f->tot, &ms_vma_table, row, l);
	if (shown) {
		switch (r->o->format) {
		case MS_FORMAT_TEXT: ms_tbl_cells_add_row(r, &f->cells, row, l); break;
		case MS_FORMAT_CSV: ms_tbl_csv_row(r, &ms_vma_table, row, l); break;
		case MS_FORMAT_JSON: ms_tbl_json_row(r, &ms_vma_table, row, l, NULL); break;
		}
	}
	return r->status ? r->status : MS_VMA_USED;
}

static void vma_feed_end(struct vma_feed *f, bool from_smaps)
{
	struct render *r = f->r;

	/* smaps is read whole: what is left cannot fail half-way but for
	 * want of memory. */
	r->flushing = true;
	vma_feed_begin(f, from_smaps);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		vma_text_head(r, f->tot.count, from_smaps);
		ms_tbl_cells_write(r, &f->cells, &f->tot, NULL, NULL);
		break;
	case MS_FORMAT_CSV:
		break;
	case MS_FORMAT_JSON:
		ms_json_arr_end(&r->j);
		ms_tbl_json_totals_of(r, "totals", &ms_vma_table, &f->tot);
		ms_out_json_end(r);
		break;
	}
}

static int render_vma_streamed(struct render *r, ms_source *src, ms_error *err)
{
	struct vma_feed f = { .r = r };
	ms_vmalist vl;

	ms_tbl_totals_init(&f.tot);
	ms_tbl_cells_init(&f.cells, &ms_vma_table);
	int rc = ms_vmas_load_each(src, r->o->pid, &vl, vma_feed_row, &f, err);
	if (rc == 0)
		vma_feed_end(&f, vl.from_smaps);
	else if (r->status)
		rc = ms_error_set(err, -r->status, 0, "vma %d: out of memory", r->o->pid);
	else
		rc = vma_error(r, rc, err);
	ms_tbl_cells_free(&f.cells);
	ms_vmalist_free(&vl);
	return rc;
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	if (r->o->sort || r->o->reverse)
		return render_vma_sorted(r, src, err);
	return render_vma_streamed(r, src, err);
}

/* "vma 1234": the PID is the view's one word. */
static int take_pid(ms_batch_opts *o, int argc, char *const *argv, ms_error *err)
{
	char *end;
	long pid;

	if (argc < 1)
		return ms_error_set(err, EINVAL, 0, "vma: needs a PID");
	errno = 0;
	pid = strtol(argv[0], &end, 10);
	if (errno || end == argv[0] || *end || pid < 1 || pid > 0x7fffffff)
		return ms_error_set(err, EINVAL, 0, "vma %s: not a PID", argv[0]);
	o->pid = (int)pid;
	return 1;
}

const ms_view_class ms_view_vma = {
	.name = "vma",
	.args = "PID",
	.summary = "every mapping of one process, with its memory figures",
	.part = MS_P_NONE, /* it reads the process's smaps itself */
	.table = &ms_vma_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV,
	.take_args = take_pid,
	.render = render,
	.reads_while_writing = true,
};
