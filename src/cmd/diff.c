/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope diff A B VIEW [PID]`: what changed in a view from A to B. A
 * and B are any sources: a snapshot (directory or archive), `live`, or a
 * sample of a recording, FILE@N (0 the first) or FILE@last.
 */
#include <errno.h>
#include <stdio.h>

#include "memscope/diff.h"
#include "cmd.h"

static int load(const ms_options *o, const char *spec, ms_source **src, ms_sample *s)
{
	ms_error err = { 0 };

	*src = ms_cmd_open_spec(o, spec);
	if (!*src)
		return -1;
	int rc = ms_sample_load(s, *src, ms_view_parts(o->batch.view), &err);
	if (rc) {
		ms_cmd_print_error(spec, &err, rc);
		ms_source_close(*src);
		*src = NULL;
	}
	return rc ? -1 : 0;
}

static int run(const ms_options *o)
{
	ms_diff_opts d = { .batch = o->batch, .all = o->diff.all, .name_a = o->diff.a,
			   .name_b = o->diff.b };
	ms_source *src_a = NULL, *src_b = NULL;
	ms_sample a, b;
	ms_error err = { 0 };
	int status = MS_EXIT_FAILED;

	if (load(o, o->diff.a, &src_a, &a))
		return MS_EXIT_FAILED;
	if (load(o, o->diff.b, &src_b, &b) == 0) {
		int rc = ms_diff_write(&d, &a, &b, src_a, src_b, stdout, &err);
		if (rc)
			ms_cmd_print_error("diff", &err, rc);
		else
			status = MS_EXIT_OK;
		ms_sample_free(&b);
		ms_source_close(src_b);
	}
	ms_sample_free(&a);
	ms_source_close(src_a);
	return status;
}

/* A B VIEW, and the view's own words (vma's PID). */
static int take_args(ms_options *o, int argc, char *const *argv, ms_error *err)
{
	if (argc < 3)
		return ms_error_set(err, EINVAL, 0, "diff: needs A B VIEW (two sources and a view)");
	o->diff.a = argv[0];
	o->diff.b = argv[1];
	o->batch.view = ms_view_find(argv[2]);
	if (!o->batch.view || !ms_diff_view_supported(o->batch.view))
		return ms_error_set(err, EINVAL, 0,
				    "diff: %s: not a view diff knows (procrank, slabs, buddy, "
				    "zones, meminfo, vma PID)", argv[2]);
	if (!o->batch.view->take_args)
		return 3;
	int used = o->batch.view->take_args(&o->batch, argc - 3, argv + 3, err);
	return used < 0 ? used : 3 + used;
}

static int check(const ms_options *o, ms_error *err)
{
	if (o->snapshot)
		return ms_error_set(err, EINVAL, 0, "diff: -s: the sources are A and B");
	return 0;
}

const ms_command ms_cmd_diff = {
	.name = "diff",
	.synopsis = "A B VIEW [PID] [-f FMT] [--sort KEY] [-r] [--limit N] [--all]",
	.summary = "what changed in a view from A to B (sources, FILE@N)",
	.take_args = take_args,
	.check = check,
	.run = run,
};
