/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope trend FILE`: what grows over a recording, ranked by the
 * least-squares rate in kB per hour, leak suspects first (the series and
 * their fits are src/model/trend.c's).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/diff.h"
#include "cmd.h"

/* ---- output -------------------------------------------------------------------- */

static void json_row(ms_json *j, const ms_trend_row *s)
{
	ms_json_obj_begin(j);
	ms_json_kv_str(j, "kind", ms_trend_kind_name(s->kind));
	if (s->kind == MS_TREND_PROCESS)
		ms_json_kv_i64(j, "pid", s->pid);
	if (s->kind == MS_TREND_ZONE) {
		ms_json_kv_i64(j, "node", s->node);
		ms_json_kv_str(j, "zone", s->name);
		ms_json_kv_i64(j, "order", s->order);
	} else {
		ms_json_kv_str(j, "name", s->name);
	}
	ms_json_kv_str(j, "metric", s->metric);
	ms_json_key(j, "rate_kb_per_hour");
	if (isnan(s->fit.slope))
		ms_json_null(j);
	else
		ms_json_double(j, s->fit.slope * 3600.0, 1);
	ms_json_key(j, "r2");
	if (isnan(s->fit.r2))
		ms_json_null(j);
	else
		ms_json_double(j, s->fit.r2, 4);
	ms_json_kv_i64(j, "samples", (int64_t)s->fit.n);
	ms_json_key(j, "suspect");
	ms_json_bool(j, ms_trend_suspect(s));
	ms_json_obj_end(j);
}

static void write_json(ms_buf *out, const ms_trend *t, const ms_source_info *info,
		       size_t limit)
{
	ms_json j;

	ms_json_init(&j, out);
	ms_json_obj_begin(&j);
	ms_json_kv_str(&j, "schema", "memscope/1");
	ms_json_kv_str(&j, "view", "trend");
	ms_json_kv_str(&j, "path", info->path);
	ms_json_kv_i64(&j, "samples", (int64_t)t->nsamples);
	ms_json_key(&j, "seconds");
	ms_json_double(&j, t->x[t->nsamples - 1] - t->x[0], 0);
	ms_json_key(&j, "rows");
	ms_json_arr_begin(&j);
	for (size_t i = 0; i < t->n && i < limit; i++)
		json_row(&j, &t->rows[i]);
	ms_json_arr_end(&j);
	ms_json_obj_end(&j);
	ms_buf_putc(out, '\n');
}

/* "4242 leaky", "dentry", "0 Normal order 4": what a row measures, raw
 * (each format escapes it its own way). */
static void row_what(ms_buf *what, const ms_trend_row *s)
{
	ms_buf_reset(what);
	if (s->kind == MS_TREND_PROCESS)
		ms_buf_printf(what, "%d %s", s->pid, s->name);
	else if (s->kind == MS_TREND_ZONE)
		ms_buf_printf(what, "%d %s order %d", s->node, s->name, s->order);
	else
		ms_buf_puts(what, s->name);
}

/* A figure of the fit, or "-" (text) / nothing (CSV) when unknown. */
static void put_figure(ms_buf *out, const char *fmt, int width, double v, bool csv)
{
	if (!isnan(v))
		ms_buf_printf(out, fmt, width, v);
	else if (!csv)
		ms_buf_printf(out, "%*s", width, "-");
}

static void write_csv_row(ms_buf *out, const ms_trend_row *s, const ms_buf *what)
{
	ms_buf_printf(out, "%s,", ms_trend_kind_name(s->kind));
	ms_escape_csv(out, what->data ? what->data : "", what->len);
	ms_buf_printf(out, ",%s,", s->metric);
	put_figure(out, "%.*f", 1, s->fit.slope * 3600.0, true);
	ms_buf_putc(out, ',');
	put_figure(out, "%.*f", 4, s->fit.r2, true);
	ms_buf_printf(out, ",%zu,%s\r\n", s->fit.n, ms_trend_suspect(s) ? "true" : "false");
}

static void write_text_row(ms_buf *out, const ms_trend_row *s, const ms_buf *what)
{
	ms_buf_printf(out, "%-7s %-8s ", ms_trend_kind_name(s->kind), s->metric);
	put_figure(out, "%*.1f", 10, s->fit.slope * 3600.0, false);
	ms_buf_putc(out, ' ');
	put_figure(out, "%*.4f", 7, s->fit.r2, false);
	ms_buf_printf(out, " %7zu %s", s->fit.n, ms_trend_suspect(s) ? "* " : "");
	ms_escape_display(out, what->data ? what->data : "", what->len);
	ms_buf_putc(out, '\n');
}

static void write_text(ms_buf *out, const ms_trend *t, bool csv, size_t limit)
{
	ms_buf what = MS_BUF_INIT;

	ms_buf_puts(out, csv ? "kind,what,metric,rate_kb_per_hour,r2,samples,suspect\r\n"
			     : "KIND    METRIC      KB/HOUR      R2 SAMPLES WHAT\n");
	for (size_t i = 0; i < t->n && i < limit; i++) {
		row_what(&what, &t->rows[i]);
		if (csv)
			write_csv_row(out, &t->rows[i], &what);
		else
			write_text_row(out, &t->rows[i], &what);
	}
	ms_buf_free(&what);
}

/* ---- the command ------------------------------------------------------------------ */

static int run(const ms_options *o)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_snapshot(o->trend_path, &err);
	ms_trend t;
	ms_buf out = MS_BUF_INIT;

	if (!src) {
		ms_cmd_print_error(o->trend_path, &err, -(err.code ? err.code : EIO));
		return MS_EXIT_FAILED;
	}
	int rc = ms_trend_collect(&t, src, &err);
	if (rc == 0) {
		size_t limit = o->batch.limit > 0 ? (size_t)o->batch.limit : SIZE_MAX;
		if (o->batch.format == MS_FORMAT_JSON)
			write_json(&out, &t, ms_source_get_info(src), limit);
		else
			write_text(&out, &t, o->batch.format == MS_FORMAT_CSV, limit);
		errno = 0;
		if ((out.len && fwrite(out.data, 1, out.len, stdout) != out.len) || fflush(stdout))
			rc = ms_error_set(&err, errno ? errno : EIO, 0, "stdout: %s",
					  strerror(errno ? errno : EIO));
	}
	if (rc)
		ms_cmd_print_error(o->trend_path, &err, rc);
	ms_buf_free(&out);
	ms_trend_free(&t);
	ms_source_close(src);
	return rc ? MS_EXIT_FAILED : MS_EXIT_OK;
}

static int take_args(ms_options *o, int argc, char *const *argv, ms_error *err)
{
	if (argc < 1)
		return ms_error_set(err, EINVAL, 0, "trend: needs FILE (a recording)");
	o->trend_path = argv[0];
	return 1;
}

const ms_command ms_cmd_trend = {
	.name = "trend",
	.synopsis = "FILE [-f text|csv|json] [--limit N]",
	.summary = "what grows over a recording, leak suspects first",
	.take_args = take_args,
	.run = run,
};
