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

static const struct view_desc {
	const char *name;
	unsigned parts;
	const char *file; /* the file whose absence makes the view fail */
} views[] = {
	[MS_VIEW_PROCRANK] = { "procrank", MS_PART_PROCS, NULL },
	[MS_VIEW_SLABS] = { "slabs", MS_PART_SLABINFO, "slabinfo" },
	[MS_VIEW_BUDDY] = { "buddy", MS_PART_BUDDY | MS_PART_PAGETYPE, "buddyinfo" },
	[MS_VIEW_ZONES] = { "zones", MS_PART_ZONEINFO, "zoneinfo" },
	[MS_VIEW_MEMINFO] = { "meminfo", MS_PART_MEMINFO, "meminfo" },
	/* vma reads one pid's smaps itself, at render time. */
	[MS_VIEW_VMA] = { "vma", 0, NULL },
	[MS_VIEW_REPORT] = { "report", MS_PART_MEMINFO | MS_PART_PROCS | MS_PART_SLABINFO |
					       MS_PART_BUDDY | MS_PART_PAGETYPE |
					       MS_PART_ZONEINFO, NULL },
};

static const struct view_desc *view_desc(ms_view v)
{
	return (unsigned)v < MS_ARRAY_LEN(views) ? &views[v] : &views[MS_VIEW_REPORT];
}

unsigned ms_view_parts(ms_view v)
{
	return view_desc(v)->parts;
}

const char *ms_view_name(ms_view v)
{
	return view_desc(v)->name;
}

const char *ms_view_file(ms_view v)
{
	return view_desc(v)->file;
}

int ms_view_from_name(const char *name, ms_view *out)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(views); i++) {
		if (strcmp(name, views[i].name) == 0) {
			*out = (ms_view)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- entry point ----------------------------------------------------------- */

/* Renders into out, handing it to sink (when not NULL) as it fills once
 * the view's data is read. */
static int render_view(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		       FILE *sink, const char *sink_name, ms_error *err)
{
	/* The vma view reads its process while rendering; the others have
	 * their data in the sample already. */
	struct render r = { .o = o, .s = s, .out = out, .sink = sink,
			    .flushing = o->view != MS_VIEW_VMA };
	size_t start = out->len;
	int rc;

	ms_error_clear(err);
	switch (o->view) {
	case MS_VIEW_PROCRANK: rc = ms_render_procrank(&r, err); break;
	case MS_VIEW_SLABS: rc = ms_render_slabs(&r, err); break;
	case MS_VIEW_BUDDY: rc = ms_render_buddy(&r, err); break;
	case MS_VIEW_ZONES: rc = ms_render_zones(&r, err); break;
	case MS_VIEW_MEMINFO: rc = ms_render_meminfo(&r, err); break;
	case MS_VIEW_VMA: rc = ms_render_vma(&r, src, err); break;
	case MS_VIEW_REPORT: rc = ms_render_report(&r, err); break;
	default: rc = ms_error_set(err, EINVAL, 0, "view %d: unknown", (int)o->view); break;
	}
	ms_buf_free(&r.scratch);
	if (!rc) {
		r.flushing = true;
		ms_out_flush(&r, true);
	}
	if (!rc && r.sink_errno)
		rc = ms_error_set(err, r.sink_errno, 0, "%s: %s",
				  sink_name ? sink_name : "output", strerror(r.sink_errno));
	else if (!rc && r.status)
		rc = ms_error_set(err, -r.status, 0, "%s: out of memory", ms_view_name(o->view));
	if (rc && out->len >= start) {
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
