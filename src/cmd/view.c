/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The batch views as a command: `memscope VIEW ...` reads what the view
 * needs and writes it to stdout (the views are src/batch/'s registry).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "memscope/catalogue.h"
#include "cmd.h"

/* When nothing of a view could be read, ms_sample_load names the file
 * ("slabinfo: needs root"); say it where the user would look:
 * "slabs: /proc/slabinfo: needs root". */
static void print_load_error(const ms_options *o, const ms_source *src, const ms_error *err,
			     int rc)
{
	const char *view = o->batch.view->name;
	const char *file = o->batch.view->part == MS_P_NONE ? NULL
							    : ms_part_file(o->batch.view->part);
	size_t n = file ? strlen(file) : 0;
	char what[PATH_MAX + 64], where[PATH_MAX];

	if (file && strncmp(err->msg, file, n) == 0 && err->msg[n] == ':') {
		snprintf(what, sizeof what, "%s: %s", view,
			 ms_source_where(src, file, where, sizeof where));
		ms_error why = *err;
		ms_copy_field(why.msg, sizeof why.msg, err->msg + n + 2, strlen(err->msg + n + 2));
		ms_cmd_print_error(what, &why, rc);
		return;
	}
	ms_cmd_print_error(view, err, rc);
}

static int run(const ms_options *o)
{
	ms_source *src = ms_cmd_open_source(o);
	ms_sample sample;
	ms_error err = { 0 };
	int status = MS_EXIT_OK;

	if (!src)
		return MS_EXIT_FAILED;
	int rc = ms_cmd_pick_sample(src, "--at ", &o->at, &err);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		ms_source_close(src);
		return rc == -ERANGE ? MS_EXIT_USAGE : MS_EXIT_FAILED;
	}
	ms_cmd_note_torn_tail(src);
	rc = ms_sample_load(&sample, src, ms_view_parts(o->batch.view), &err);
	if (rc) {
		print_load_error(o, src, &err, rc);
		ms_source_close(src);
		return MS_EXIT_FAILED;
	}
	/* A failed write (a closed pipe, a full disk) is a failure a script
	 * must see: it says "stdout: ..." and the exit status is 1. */
	rc = ms_batch_write(&o->batch, &sample, src, stdout, "stdout", &err);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		status = MS_EXIT_FAILED;
	}
	ms_sample_free(&sample);
	ms_source_close(src);
	return status;
}

/* The words after the view's name are the view's (vma's PID). */
static int take_args(ms_options *o, int argc, char *const *argv, ms_error *err)
{
	if (!o->batch.view->take_args)
		return 0;
	return o->batch.view->take_args(&o->batch, argc, argv, err);
}

const ms_command ms_cmd_view = {
	.name = "VIEW",
	.synopsis = "[-s PATH] [--at N|TIME] [-f text|csv|json] [--sort KEY] [-r]\n"
		    "                [--limit N] [-k]",
	.summary = "one view, once, as text, CSV or JSON",
	.take_args = take_args,
	.run = run,
};
