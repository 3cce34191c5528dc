/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The procrank view: every process with its VSS, RSS, PSS, USS and swap,
 * by PSS, with a totals row and what was left out (kernel threads,
 * processes whose figures could not be read or that exited).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Where each figure came from: PSS and USS from smaps ("origin"); VSS,
 * RSS and swap from smaps or, where it is not readable, status. */
static void procrank_extra(struct render *r, const void *row)
{
	const ms_proc *p = row;

	ms_json_kv_str(&r->j, "origin", ms_origin_name(p->origin));
	ms_json_kv_str(&r->j, "vss_origin", ms_origin_name(p->vss_origin));
	ms_json_kv_str(&r->j, "rss_origin", ms_origin_name(p->rss_origin));
	ms_json_kv_str(&r->j, "swap_origin", ms_origin_name(p->swap_origin));
	ms_json_kv_i64(&r->j, "cgroup_version", p->cgroup_version ? p->cgroup_version : MS_NA);
}

/* --cgroup PATH: the processes whose memory cgroup is PATH or below it.
 * Those whose cgroup is unknown are left out too. */
static bool in_cgroup(const ms_proc *p, const char *path)
{
	return p->cgroup && ms_cgroup_path_within(p->cgroup, path);
}

/* The rows are a copy of the sample's processes (those of --cgroup PATH)
 * with what each holds of DMA-BUFs read from its fdinfo (not part of the
 * sample: only this table shows it). */
static int procrank_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	const ms_sample *s = r->s;
	const char *only = r->o->cgroup;
	size_t n = s->nprocs;
	ms_proc *procs = n ? malloc(n * sizeof *procs) : NULL;

	if (n && !procs)
		return ms_error_set(err, ENOMEM, 0, "procrank: out of memory");
	if (n)
		memcpy(procs, s->procs, n * sizeof *procs); /* shallow: the sample owns the strings */
	/* Over every process before --cgroup keeps some: a buffer shared
	 * with a process outside the group is still divided with it. */
	if (ms_procs_read_dmabuf(procs, n, r->src) < 0) {
		free(procs);
		return ms_error_set(err, ENOMEM, 0, "procrank: out of memory");
	}
	if (only) {
		size_t kept = 0;
		for (size_t i = 0; i < n; i++)
			if (in_cgroup(&procs[i], only))
				procs[kept++] = procs[i];
		n = kept;
	}
	int rc = ms_tbl_rows_prepare(rs, r->o, &ms_procrank_table, procs, n, sizeof *procs, s,
				     false, err);
	rs->owned = procs != NULL; /* procs is freed with the rows */
	if (rc)
		ms_tbl_rows_free(rs);
	return rc;
}

static void json_skipped(struct render *r)
{
	ms_json_key(&r->j, "skipped");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "kernel_threads", (int64_t)r->s->nkthreads);
	ms_json_kv_i64(&r->j, "zombies", (int64_t)r->s->nzombies);
	ms_json_kv_i64(&r->j, "unknown", (int64_t)r->s->nunknown);
	ms_json_kv_i64(&r->j, "gone", (int64_t)r->s->ngone);
	ms_json_obj_end(&r->j);
	ms_json_kv_str(&r->j, "cgroup_filter", r->o->cgroup);
}

/* Rows whose RSS came from status (PSS and USS unknown), and the status
 * of the first of them, for why. */
static size_t count_from_status(const ms_sample *s, int *why)
{
	size_t n = 0;

	*why = 0;
	for (size_t i = 0; i < s->nprocs; i++) {
		if (s->procs[i].rss_origin != MS_ORIGIN_STATUS)
			continue;
		if (n++ == 0)
			*why = s->procs[i].status;
	}
	return n;
}

static void text_skipped(struct render *r)
{
	const ms_sample *s = r->s;
	int why;
	size_t from_status = count_from_status(s, &why);
	ms_part_state st = { .status = why };

	ms_out_putf(r, "kernel threads not listed: %zu", s->nkthreads);
	if (s->info.sample_label[0]) { /* it holds a name from a log */
		ms_out_put(r, " (");
		ms_out_display(r, s->info.sample_label, 0, true);
		ms_out_put(r, ")");
	}
	if (s->nzombies)
		ms_out_putf(r, "; zombies (exited, memory freed, not yet reaped) not listed: %zu",
			    s->nzombies);
	if (s->nunknown)
		ms_out_putf(r, "; unknown figures (-): %zu", s->nunknown);
	if (from_status && s->info.lacks[0])
		ms_out_putf(r, "; %s", s->info.lacks); /* a source that never has them */
	else if (from_status)
		ms_out_putf(r, "; RSS and swap of %zu from status (smaps_rollup: %s)",
			    from_status, why == -ENOENT ? ((s->info.caps & MS_CAP_REFRESH) ?
			    "not available" : "not in snapshot") : ms_part_reason(&st));
	if (s->ngone)
		ms_out_putf(r, "; exited while read: %zu", s->ngone);
	if (r->o->cgroup) {
		ms_out_put(r, "; only memory cgroup ");
		ms_out_display(r, r->o->cgroup, 0, true);
		ms_out_put(r, " and below");
	}
	ms_out_put(r, "\n");
}

static const struct table_view procrank_table = {
	.name = "procrank", .rows_key = "processes", .totals = true,
	.report_totals_key = "process_totals", .prepare = procrank_prepare,
	.extra = procrank_extra, .text_tail = text_skipped, .json_tail = json_skipped,
};

static int render(struct render *r, ms_source *src, ms_error *err)
{
	(void)src;
	return ms_tbl_render(r, &procrank_table, err);
}

static const ms_report_section report = {
	.rank = 2,
	.title = "Processes (procrank)",
	.table = &procrank_table,
	.errors = { { "processes", MS_P_PROCS } },
};

const ms_view_class ms_view_procrank = {
	.name = "procrank",
	.summary = "PSS, USS, RSS, VSS and swap of every process, by PSS",
	.parts = MS_PART_PROCS | MS_PART_PROC_DETAIL,
	.part = MS_P_PROCS,
	.table = &ms_procrank_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV |
		MS_VOPT_CGROUP,
	.render = render,
	.report = &report,
};
