/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vma view: one process's mappings, read by the view itself. Without
 * --sort each mapping is written as soon as it is read and then forgotten,
 * in every format, so that 60,000 mappings cost what one does; the text
 * table's widths are therefore set before its first row (the path, last,
 * needs none).
 *
 * A read can fail after rows went out: the process exited (the kernel ends
 * its smaps early, without an error: the model checks it is still there
 * after the read), or the file turns to garbage. The document then ends by
 * saying so, never as a whole answer: text with a PARTIAL totals row and
 * an INCOMPLETE line, JSON with "complete": false and the error, and in
 * every format exit status 1 with the message on stderr. A read that fails
 * before its first mapping writes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- errors -------------------------------------------------------------- */

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

/* ---- the table, as it is read ----------------------------------------------- */

struct vma_out {
	struct render *r;
	ms_proc_ident id;       /* name, kind and size, read before the mappings */
	struct totals tot;      /* over every mapping read */
	struct text_stream text;
	size_t shown;
	bool began;             /* the head is out: the document has begun */
	bool from_smaps;
};

/* [vsyscall] sits at ffffffffff600000 on x86_64: 16 digits there, 12 for
 * the user space of other 64-bit machines (which 32-bit ones pad to). */
static size_t address_width(const ms_source_info *info)
{
	return strcmp(info->machine, "x86_64") == 0 ? 16 : 12;
}

/* No figure of a mapping exceeds the process's size (VmSize), so neither
 * does its text: in human units at most 7 characters ("1023.9M") below
 * 1000 GB, 8 above ("1000.00G"); plain, the digits of the size. */
static size_t kb_width(int64_t vss_kb, bool plain)
{
	char cell[MS_CELL_MAX];
	size_t w = 7;

	if (vss_kb == MS_NA || vss_kb < 0)
		return w;
	ms_format_kb(cell, sizeof cell, vss_kb, plain);
	if (strlen(cell) > w)
		w = strlen(cell);
	if (!plain && vss_kb >= (int64_t)1000 << 20 && w < 8)
		w = 8;
	return w;
}

/* The widths known before the first row: the machine's addresses, the
 * process's size, and the first row itself (its device and inode). */
static void text_widths(struct vma_out *vo, const ms_vmalist *l, size_t first)
{
	struct text_stream *ts = &vo->text;
	const ms_table_def *t = &ms_vma_table;
	size_t addr = address_width(&vo->r->s->info);
	size_t kb = kb_width(vo->id.vm_size_kb, vo->r->o->plain_kb);

	for (size_t c = 0; c < t->ncols; c++) {
		size_t want = t->cols[c].kind == MS_COL_HEX && t->cols[c].width >= 12 ? addr
			      : t->cols[c].kind == MS_COL_KB ? kb : 0;
		if (want > ts->width[c])
			ts->width[c] = want;
	}
	if (l)
		ms_tbl_stream_fit(vo->r, ts, &l->v[first], l);
}

static void text_head(struct vma_out *vo)
{
	struct render *r = vo->r;

	ms_out_putf(r, "pid %d", r->o->pid);
	if (vo->id.name[0]) {
		ms_out_put(r, " (");
		ms_out_display(r, vo->id.name, 0, true);
		ms_out_put(r, ")");
	}
	if (!vo->from_smaps)
		ms_out_put(r, ", from maps: no smaps, memory figures unknown");
	ms_out_put(r, "\n");
}

static const char *kind_key(ms_proc_kind k)
{
	switch (k) {
	case MS_PROC_USER: return "process";
	case MS_PROC_KTHREAD: return "kernel_thread";
	case MS_PROC_ZOMBIE: return "zombie";
	default: return NULL;
	}
}

/* The keys before the mappings. */
static void json_head(struct vma_out *vo)
{
	struct render *r = vo->r;

	ms_out_json_begin(r, "vma");
	ms_json_kv_i64(&r->j, "pid", r->o->pid);
	ms_json_key(&r->j, "from_smaps");
	ms_json_bool(&r->j, vo->from_smaps);
	ms_json_kv_str(&r->j, "name", vo->id.name[0] ? vo->id.name : NULL);
	ms_json_kv_str(&r->j, "process_kind", kind_key(vo->id.kind));
	ms_json_key(&r->j, "vmas");
	ms_json_arr_begin(&r->j);
}

/* The document begins with its first mapping (or at the end when there
 * is none): a read that fails before it leaves nothing on stdout. From
 * here on the output goes out as it is made. */
static void vma_begin(struct vma_out *vo, const ms_vmalist *l, size_t first)
{
	struct render *r = vo->r;

	if (vo->began)
		return;
	vo->began = true;
	r->flushing = true;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		text_head(vo);
		/* A kernel thread or a zombie has no table: its end says why. */
		if (l || (vo->id.kind != MS_PROC_KTHREAD && vo->id.kind != MS_PROC_ZOMBIE)) {
			text_widths(vo, l, first);
			ms_tbl_stream_header(r, &vo->text);
		}
		break;
	case MS_FORMAT_CSV:
		ms_tbl_csv_header(r, &ms_vma_table);
		break;
	case MS_FORMAT_JSON:
		json_head(vo);
		break;
	}
}

static void vma_row(struct vma_out *vo, const ms_vmalist *l, size_t i)
{
	struct render *r = vo->r;
	const ms_vma *row = &l->v[i];
	bool shown = r->o->limit <= 0 || vo->tot.count < (size_t)r->o->limit;

	vo->from_smaps = l->from_smaps;
	vma_begin(vo, l, i);
	ms_tbl_totals_add(&vo->tot, &ms_vma_table, row, l);
	if (!shown)
		return;
	vo->shown++;
	switch (r->o->format) {
	case MS_FORMAT_TEXT: ms_tbl_stream_row(r, &vo->text, row, l); break;
	case MS_FORMAT_CSV: ms_tbl_csv_row(r, &ms_vma_table, row, l); ms_out_flush(r, false); break;
	case MS_FORMAT_JSON: ms_tbl_json_row(r, &ms_vma_table, row, l, NULL); ms_out_flush(r, false); break;
	}
}

/* Why a process has no mappings, in words. */
static void text_no_mappings(struct vma_out *vo)
{
	struct render *r = vo->r;

	if (vo->id.kind == MS_PROC_KTHREAD)
		ms_out_put(r, "a kernel thread: it runs on the kernel's own memory and has no "
			      "mappings of its own\n");
	else if (vo->id.kind == MS_PROC_ZOMBIE)
		ms_out_putf(r, "a zombie: it has exited and its memory is freed; its parent "
			       "(pid %d) has not yet collected its exit status\n", vo->id.ppid);
}

static void text_end(struct vma_out *vo, const ms_error *failed)
{
	struct render *r = vo->r;
	size_t n = vo->tot.count;

	if (n == 0 && !failed && (vo->id.kind == MS_PROC_KTHREAD || vo->id.kind == MS_PROC_ZOMBIE)) {
		text_no_mappings(vo);
		return;
	}
	if (failed)
		snprintf(vo->text.label, sizeof vo->text.label, "PARTIAL");
	ms_tbl_stream_totals(r, &vo->text, &vo->tot);
	if (failed) {
		ms_out_putf(r, "INCOMPLETE: %zu mapping%s read, totals of those only: ", n,
			    n == 1 ? "" : "s");
		ms_out_display(r, failed->msg, 0, true);
		ms_out_put(r, "\n");
	} else if (vo->shown < n) {
		ms_out_putf(r, "(%zu of %zu mappings shown; totals cover all %zu)\n", vo->shown, n, n);
	} else {
		ms_out_putf(r, "%zu mapping%s\n", n, n == 1 ? "" : "s");
	}
}

/* The end of the document: whole, or saying it is not. */
static void vma_end(struct vma_out *vo, const ms_error *failed)
{
	struct render *r = vo->r;

	vma_begin(vo, NULL, 0);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		text_end(vo, failed);
		break;
	case MS_FORMAT_CSV:
		break; /* no place to say it: exit status 1 and stderr do */
	case MS_FORMAT_JSON:
		ms_json_arr_end(&r->j);
		ms_tbl_json_totals_of(r, "totals", &ms_vma_table, &vo->tot);
		ms_json_key(&r->j, "complete");
		ms_json_bool(&r->j, failed == NULL);
		ms_json_kv_str(&r->j, "error", failed ? failed->msg : NULL);
		ms_out_json_end(r);
		break;
	}
}

static void vma_out_init(struct vma_out *vo, struct render *r, ms_source *src)
{
	*vo = (struct vma_out){ .r = r, .from_smaps = true };
	ms_proc_identify(src, r->o->pid, &vo->id);
	ms_tbl_totals_init(&vo->tot);
	ms_tbl_stream_init(&vo->text, &ms_vma_table);
}

/* No mappings: what the process is now says why (it may have become a
 * zombie since it was first looked at). Its name stays. */
static void reidentify_if_empty(struct vma_out *vo, ms_source *src)
{
	ms_proc_ident now;

	if (vo->tot.count > 0)
		return;
	ms_proc_identify(src, vo->r->o->pid, &now);
	if (now.kind == MS_PROC_KTHREAD || now.kind == MS_PROC_ZOMBIE) {
		vo->id.kind = now.kind;
		vo->id.ppid = now.ppid;
	}
}

/* A read that failed after the document began: it ends saying so, is kept
 * (r->ended) and the error says the output is incomplete. */
static int vma_incomplete(struct vma_out *vo, int rc, ms_error *err)
{
	struct render *r = vo->r;

	vma_end(vo, err);
	r->ended = true;
	vma_error(r, rc, err);
	size_t len = strlen(err->msg);
	snprintf(err->msg + len, sizeof err->msg - len, ": output incomplete");
	return rc;
}

/* ---- sorted: the whole list, then sorted ------------------------------------ */

static int render_vma_sorted(struct render *r, ms_source *src, ms_error *err)
{
	struct vma_out vo;
	ms_vmalist vl;
	struct rows rs;

	vma_out_init(&vo, r, src);
	int rc = ms_vmas_load(src, r->o->pid, &vl, err);
	if (rc)
		return vma_error(r, rc, err);
	rc = ms_tbl_rows_prepare(&rs, r->o, &ms_vma_table, vl.v, vl.n, sizeof(ms_vma), &vl, false, err);
	if (rc) {
		ms_vmalist_free(&vl);
		return rc;
	}
	vo.from_smaps = vl.from_smaps;
	for (size_t i = 0; i < vl.n && !r->status; i++)
		vma_row(&vo, &vl, i);
	reidentify_if_empty(&vo, src);
	if (!r->status)
		vma_end(&vo, NULL);
	ms_tbl_rows_free(&rs);
	ms_vmalist_free(&vl);
	return 0;
}

/* ---- streamed: each mapping as it is read ------------------------------------ */

/* Mappings come in the order of the file, which the kernel prints by
 * address: each is written as soon as it is read, so the formatting runs
 * while the kernel prints the rest (src reads ahead) and no mapping is
 * kept. */
static int vma_feed_row(void *ctx, const ms_vmalist *l, size_t i)
{
	struct vma_out *vo = ctx;

	vma_row(vo, l, i);
	return vo->r->status ? vo->r->status : MS_VMA_USED;
}

static int render_vma_streamed(struct render *r, ms_source *src, ms_error *err)
{
	struct vma_out vo;
	ms_vmalist vl;

	vma_out_init(&vo, r, src);
	int rc = ms_vmas_load_each(src, r->o->pid, &vl, vma_feed_row, &vo, err);
	vo.from_smaps = rc == 0 ? vl.from_smaps : vo.from_smaps;
	ms_vmalist_free(&vl);
	if (rc == 0) {
		reidentify_if_empty(&vo, src);
		vma_end(&vo, NULL);
		return 0;
	}
	if (r->status) /* a failed write or memory: render_view says which */
		return ms_error_set(err, -r->status, 0, "vma %d: out of memory", r->o->pid);
	if (vo.began)
		return vma_incomplete(&vo, rc, err);
	return vma_error(r, rc, err);
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
