/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch views: one view of one sample as text, CSV or JSON (doc/json.md),
 * for scripts. This file names the views and renders one; render.h lists
 * the rest. Nothing here prints: output goes into a buffer or to the
 * caller's FILE, and failures into an ms_error for main.
 */
#include <errno.h>
#include <string.h>

#include "render.h"

/* ---- views by name ------------------------------------------------------ */

const ms_view_class *ms_view_find(const char *name)
{
	for (size_t i = 0; ms_views[i]; i++)
		if (strcmp(name, ms_views[i]->name) == 0)
			return ms_views[i];
	return NULL;
}

unsigned ms_view_parts(const ms_view_class *v)
{
	unsigned parts = v->parts;

	for (size_t i = 0; v->gathers_sections && ms_views[i]; i++)
		if (ms_views[i]->report)
			parts |= ms_views[i]->parts;
	return parts;
}

void ms_views_usage_list(ms_buf *out, const char *sep)
{
	for (size_t i = 0; ms_views[i]; i++) {
		ms_buf_printf(out, "%s%s", i ? sep : "", ms_views[i]->name);
		if (ms_views[i]->args)
			ms_buf_printf(out, " %s", ms_views[i]->args);
	}
}

/* ---- the options a view takes ----------------------------------------------- */

static const struct {
	unsigned opt;
	const char *spelling;
} view_opts[] = {
	{ MS_VOPT_SORT, "--sort" },  { MS_VOPT_REVERSE, "-r" }, { MS_VOPT_LIMIT, "--limit" },
	{ MS_VOPT_KB, "-k" },        { MS_VOPT_CSV, "-f csv" },
	{ MS_VOPT_PATH, "--path" },  { MS_VOPT_PERM, "--perm" },
	{ MS_VOPT_CGROUP, "--cgroup" },
};

int ms_batch_check_opts(const ms_batch_opts *o, unsigned given, ms_error *err)
{
	const ms_view_class *v = o->view;

	for (size_t i = 0; i < MS_ARRAY_LEN(view_opts); i++) {
		if (!(given & view_opts[i].opt) || (v->opts & view_opts[i].opt))
			continue;
		if (view_opts[i].opt == MS_VOPT_CSV)
			return ms_error_set(err, EINVAL, 0,
					    "%s: CSV holds one table: use -f text or -f json",
					    v->name);
		return ms_error_set(err, EINVAL, 0, "%s: not an option of %s",
				    view_opts[i].spelling, v->name);
	}
	return v->table ? ms_tbl_check_sort(v->table, o->sort, err) : 0;
}

/* A view's own part could not be read: "slabs: /proc/slabinfo: needs
 * root", or "procrank: /proc: ..." for a part of many files. */
static int part_error(const struct render *r, ms_error *err)
{
	enum ms_part_id part = r->o->view->part;
	const ms_part_state *st = ms_sample_state(r->s, part);
	const char *file = ms_part_file(part);

	if (!file)
		return ms_error_set(err, st->err.code ? st->err.code : EIO, 0, "%s: %s: %s",
				    r->o->view->name, r->s->info.path, ms_part_reason(st));
	return ms_error_set(err, st->err.code ? st->err.code : EIO, st->err.line,
			    "%s: %s/%s: %s", r->o->view->name, r->s->info.path, file,
			    ms_part_reason(st));
}

/* ---- entry point ----------------------------------------------------------- */

/* Renders into out, handing it to sink (when not NULL) as it fills once
 * the view's data is read. */
static int render_view(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		       FILE *sink, const char *sink_name, ms_error *err)
{
	/* The vma view reads its process while rendering; the others have
	 * their data in the sample already. */
	struct render r = { .o = o, .s = s, .src = src, .out = out, .sink = sink,
			    .flushing = !o->view->reads_while_writing };
	size_t start = out->len;
	int rc;

	ms_error_clear(err);
	if (o->format == MS_FORMAT_CSV && !(o->view->opts & MS_VOPT_CSV))
		rc = ms_batch_check_opts(o, MS_VOPT_CSV, err);
	else if (o->view->part != MS_P_NONE && !ms_sample_has(s, o->view->part))
		rc = part_error(&r, err);
	else
		rc = o->view->render(&r, src, err);
	ms_buf_free(&r.scratch);
	if (!rc || r.ended) {
		r.flushing = true;
		ms_out_flush(&r, true);
	}
	if (!rc && r.sink_errno)
		rc = ms_error_set(err, r.sink_errno, 0, "%s: %s",
				  sink_name ? sink_name : "output", strerror(r.sink_errno));
	else if (!rc && r.status)
		rc = ms_error_set(err, -r.status, 0, "%s: out of memory", o->view->name);
	if (rc && r.sink_errno && r.ended)
		rc = ms_error_set(err, r.sink_errno, 0, "%s: %s",
				  sink_name ? sink_name : "output", strerror(r.sink_errno));
	if (rc && !r.ended && out->len >= start) {
		/* Never hand back half a document (what went to the sink is
		 * gone: only a failed write or memory can get there). */
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return rc;
}

int ms_batch_render(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		    ms_error *err)
{
	return render_view(o, s, src, out, NULL, NULL, err);
}

int ms_batch_write(const ms_batch_opts *o, const ms_sample *s, ms_source *src, FILE *to,
		   const char *to_name, ms_error *err)
{
	ms_buf out = MS_BUF_INIT;
	int rc = render_view(o, s, src, &out, to, to_name, err);

	ms_buf_free(&out);
	if (rc == 0 && fflush(to) != 0) {
		int e = errno ? errno : EIO;
		rc = ms_error_set(err, e, 0, "%s: %s", to_name, strerror(e));
	}
	return rc;
}
