/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libs view (Android's librank): every mapping name (a library, a
 * file, [heap], [anon:...], a SysV segment) summed over every readable
 * process, with the processes that map it. The model (src/model/librank.c)
 * reads one smaps at a time as a stream, so memory grows with names x
 * processes, never with mappings.
 *
 * The rows' PSS add up to the PSS of the processes read (each mapping of
 * each process is in exactly one row); processes that could not be read
 * are counted by reason, never silently left out.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- the processes' names, read once each --------------------------------- */

struct comm {
	int pid;
	char name[64]; /* comm, raw; "" when gone */
};

struct libs_ctx {
	const ms_librank *lr;
	struct comm *comms;
	size_t ncomms;
};

static int cmp_comm(const void *a, const void *b)
{
	const struct comm *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static const char *comm_of(const struct libs_ctx *c, int pid)
{
	struct comm key = { .pid = pid };
	const struct comm *f = c->comms ? bsearch(&key, c->comms, c->ncomms, sizeof key, cmp_comm)
					: NULL;
	return f && f->name[0] ? f->name : NULL;
}

/* The names of the processes in the rows: comm, read after the mappings
 * (a process that exited since has none: null, not a guess). */
static int read_comms(struct libs_ctx *c, ms_source *src)
{
	size_t n = 0;

	for (size_t i = 0; i < c->lr->n; i++)
		n += c->lr->rows[i].nprocs;
	if (n == 0)
		return 0;
	c->comms = calloc(n, sizeof *c->comms);
	if (!c->comms)
		return -ENOMEM;
	for (size_t i = 0; i < c->lr->n; i++)
		for (size_t k = 0; k < c->lr->rows[i].nprocs; k++)
			c->comms[c->ncomms++].pid = c->lr->rows[i].procs[k].pid;
	qsort(c->comms, c->ncomms, sizeof *c->comms, cmp_comm);
	size_t u = 0;
	for (size_t i = 0; i < c->ncomms; i++)
		if (u == 0 || c->comms[u - 1].pid != c->comms[i].pid)
			c->comms[u++] = c->comms[i];
	c->ncomms = u;
	ms_buf b = MS_BUF_INIT;
	for (size_t i = 0; i < c->ncomms; i++) {
		char rel[32];
		ms_error e;
		snprintf(rel, sizeof rel, "%d/comm", c->comms[i].pid);
		if (ms_source_read(src, rel, &b, &e) == 0 && b.data)
			snprintf(c->comms[i].name, sizeof c->comms[i].name, "%.*s",
				 (int)strcspn(b.data, "\n"), b.data);
	}
	ms_buf_free(&b);
	return 0;
}

/* ---- the tables ------------------------------------------------------------ */

/* One process's share of a mapping name (text with --path). */
static int64_t share_pid(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const ms_librank_share *)row)->pid;
}

static const char *share_comm(const void *row, const void *ctx)
{
	const char *n = comm_of(ctx, ((const ms_librank_share *)row)->pid);
	return n ? n : "";
}

#define SHARE_KB(field, title_, rank)                                                        \
	{ .key = #field, .title = title_, .width = 7, .kind = MS_COL_KB,                     \
	  .offset = offsetof(ms_librank_share, field), .descending = true, .drop_rank = rank, \
	  .help = "" }

static const ms_column share_cols[] = {
	{ .key = "pid", .title = "PID", .width = 7, .kind = MS_COL_INT, .get_i64 = share_pid,
	  .no_total = true, .help = "" },
	SHARE_KB(vss_kb, "VSS", 4), SHARE_KB(rss_kb, "RSS", 2), SHARE_KB(pss_kb, "PSS", 0),
	SHARE_KB(uss_kb, "USS", 0), SHARE_KB(swap_kb, "SWAP", 1),
	SHARE_KB(swap_pss_kb, "SWAPPSS", 5),
	{ .key = "name", .title = "PROCESS", .width = 7, .kind = MS_COL_STR, .left = true,
	  .get_str = share_comm, .no_total = true, .text_last = true, .help = "" },
};

static const ms_table_def share_table = {
	.name = "libs-processes",
	.cols = share_cols,
	.ncols = MS_ARRAY_LEN(share_cols),
	.default_sort = "pss_kb",
	.tie_break = "pid",
};

/* ---- writing ---------------------------------------------------------------- */

static const struct libs_ctx *json_ctx; /* the extra writer has no ctx of its own */

static void json_share(struct render *r, const ms_librank_share *s)
{
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "pid", s->pid);
	ms_json_kv_str(&r->j, "name", comm_of(json_ctx, s->pid));
	ms_json_kv_i64(&r->j, "vss_kb", s->vss_kb);
	ms_json_kv_i64(&r->j, "rss_kb", s->rss_kb);
	ms_json_kv_i64(&r->j, "pss_kb", s->pss_kb);
	ms_json_kv_i64(&r->j, "uss_kb", s->uss_kb);
	ms_json_kv_i64(&r->j, "swap_kb", s->swap_kb);
	ms_json_kv_i64(&r->j, "swap_pss_kb", s->swap_pss_kb);
	ms_json_obj_end(&r->j);
}

static void json_processes(struct render *r, const void *row)
{
	const ms_librank_name *n = row;

	ms_json_key(&r->j, "processes");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < n->nprocs; i++)
		json_share(r, &n->procs[i]);
	ms_json_arr_end(&r->j);
}

static void json_outcome(struct render *r, const ms_librank_outcome *o)
{
	ms_json_key(&r->j, "processes_read");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "listed", (int64_t)o->listed);
	ms_json_kv_i64(&r->j, "read", (int64_t)o->read);
	ms_json_kv_i64(&r->j, "no_mappings", (int64_t)o->empty);
	ms_json_kv_i64(&r->j, "denied", (int64_t)o->denied);
	ms_json_kv_i64(&r->j, "gone", (int64_t)o->gone);
	ms_json_kv_i64(&r->j, "maps_only", (int64_t)o->no_smaps);
	ms_json_kv_i64(&r->j, "failed", (int64_t)o->failed);
	ms_json_kv_str(&r->j, "first_error", o->failed ? o->first_error.msg : NULL);
	ms_json_obj_end(&r->j);
}

/* What is left out, in words: the sums cover the processes read. */
static void text_outcome(struct render *r, const ms_librank_outcome *o)
{
	ms_out_putf(r, "%zu of %zu processes read", o->read, o->listed);
	if (o->empty)
		ms_out_putf(r, "; no mappings (kernel threads, zombies): %zu", o->empty);
	if (o->denied)
		ms_out_putf(r, "; smaps %s: %zu", ms_denied_reason(), o->denied);
	if (o->gone)
		ms_out_putf(r, "; exited while read: %zu", o->gone);
	if (o->no_smaps)
		ms_out_putf(r, "; maps only, no figures: %zu", o->no_smaps);
	if (o->failed) {
		ms_out_putf(r, "; unreadable: %zu (", o->failed);
		ms_out_display(r, o->first_error.msg, 0, true);
		ms_out_put(r, ")");
	}
	ms_out_put(r, "\n");
}

/* --path in text: under the table, each shown name's processes. */
static int text_sharers(struct render *r, const struct rows *rs, const struct libs_ctx *c,
			ms_error *err)
{
	ms_batch_opts o = { .format = MS_FORMAT_TEXT, .plain_kb = r->o->plain_kb };

	for (size_t i = 0; i < rs->shown; i++) {
		const ms_librank_name *n = (const void *)(rs->data + i * rs->stride);
		struct rows ps;
		int rc = ms_tbl_rows_prepare(&ps, &o, &share_table, n->procs, n->nprocs,
					     sizeof *n->procs, c, true, err);
		if (rc)
			return rc;
		ms_out_put(r, "\n");
		ms_out_display(r, c->lr->names.data + n->name_off, 0, true);
		ms_out_putf(r, ": %zu process%s\n", n->nprocs, n->nprocs == 1 ? "" : "es");
		ms_tbl_text(r, &ps, NULL);
		ms_tbl_rows_free(&ps);
	}
	return 0;
}

static const ms_librank_outcome *tail_outcome;

static void text_tail(struct render *r)
{
	text_outcome(r, tail_outcome);
}

static void json_tail(struct render *r)
{
	json_outcome(r, tail_outcome);
	ms_json_key(&r->j, "saturated");
	ms_json_bool(&r->j, json_ctx->lr->saturated);
}

static void json_head(struct render *r, const void *ctx)
{
	(void)ctx;
	ms_json_kv_str(&r->j, "path", r->o->path);
	ms_json_kv_str(&r->j, "perm", r->o->perms);
}

static const struct table_view libs_view = {
	.name = "libs", .rows_key = "mappings", .totals = true,
	.extra = json_processes, .text_tail = text_tail, .json_head = json_head,
	.json_tail = json_tail,
};

static int libs_error(int rc, ms_error *err)
{
	ms_error_prefix(err, "libs");
	return rc;
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	ms_librank_filter f = { .path_prefix = r->o->path, .perms = r->o->perms };
	ms_librank lr;
	struct libs_ctx c = { .lr = &lr };
	struct rows rs;
	int rc;

	ms_librank_init(&lr, &f);
	rc = ms_librank_run(&lr, src, NULL, 0, err);
	if (rc == 0 && r->o->format != MS_FORMAT_CSV && read_comms(&c, src) != 0)
		rc = ms_error_set(err, ENOMEM, 0, "out of memory");
	if (rc == 0)
		rc = ms_tbl_rows_prepare(&rs, r->o, &ms_librank_table, lr.rows, lr.n, sizeof *lr.rows, &lr,
					 true, err);
	if (rc == 0) {
		json_ctx = &c;
		tail_outcome = &lr.outcome;
		ms_tbl_write_view(r, &rs, &libs_view, &c);
		if (r->o->format == MS_FORMAT_TEXT && r->o->path)
			rc = text_sharers(r, &rs, &c, err);
		json_ctx = NULL;
		tail_outcome = NULL;
		ms_tbl_rows_free(&rs);
	}
	free(c.comms);
	ms_librank_free(&lr);
	return rc ? libs_error(rc, err) : 0;
}

const ms_view_class ms_view_libs = {
	.name = "libs",
	.summary = "librank: each mapping summed over every process",
	.part = MS_P_NONE, /* it reads every process's smaps itself */
	.table = &ms_librank_table,
	.opts = MS_VOPT_SORT | MS_VOPT_REVERSE | MS_VOPT_LIMIT | MS_VOPT_KB | MS_VOPT_CSV |
		MS_VOPT_PATH | MS_VOPT_PERM,
	.render = render,
};
