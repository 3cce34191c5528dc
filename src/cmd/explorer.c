/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive explorer as a command (no word): src/app.c runs it.
 */
#include <errno.h>
#include <stdlib.h>

#include "memscope/app.h"
#include "cmd.h"

/* --baseline SPEC: read whole, once, before the explorer starts. */
static int load_baseline(const ms_options *o, ms_sample **out)
{
	ms_error err = { 0 };
	ms_source *src;

	*out = NULL;
	if (!o->baseline)
		return 0;
	if (!(src = ms_cmd_open_spec(o, o->baseline)))
		return -1;
	ms_sample *s = malloc(sizeof *s);
	int rc = s ? ms_sample_load(s, src, MS_PART_ALL, &err) : ms_error_set(&err, ENOMEM, 0,
										"out of memory");
	ms_source_close(src);
	if (rc) {
		ms_cmd_print_error(o->baseline, &err, rc);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* -s DIR, a folder of snapshots: their list (src/fleet_list.c), from
 * which each opens in the usual panes. */
static int run_fleet(const ms_options *o)
{
	ms_fleet f = { 0 };
	ms_error err = { 0 };
	const char *paths[] = { o->snapshot };

	if (o->baseline || o->at.text) {
		ms_error_set(&err, EINVAL, 0, "%s: a folder of snapshots: --baseline and --at "
			     "apply to one (open it from the list)", o->snapshot);
		ms_cmd_print_error(NULL, &err, -EINVAL);
		return MS_EXIT_USAGE;
	}
	if (ms_cmd_fleet_collect(paths, 1, &f) != 0 && f.n == 0) {
		ms_fleet_free(&f);
		return MS_EXIT_FAILED;
	}
	int rc = ms_fleet_list_run(&f, o->snapshot, o, &err);
	ms_fleet_free(&f);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		return MS_EXIT_FAILED;
	}
	return MS_EXIT_OK;
}

/* The explorer takes the source: it reads it on a thread of its own and
 * closes it. */
static int run(const ms_options *o)
{
	ms_sample *baseline;
	ms_error err = { 0 };

	if (ms_cmd_is_snapshot_folder(o->snapshot))
		return run_fleet(o);

	if (load_baseline(o, &baseline))
		return MS_EXIT_FAILED;
	ms_source *src = ms_cmd_open_source(o);
	if (!src) {
		if (baseline)
			ms_sample_free(baseline);
		free(baseline);
		return MS_EXIT_FAILED;
	}
	int rc = ms_cmd_pick_sample(src, "--at ", &o->at, &err);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		ms_source_close(src);
		if (baseline)
			ms_sample_free(baseline);
		free(baseline);
		return rc == -ERANGE ? MS_EXIT_USAGE : MS_EXIT_FAILED;
	}
	rc = ms_app_run(src, o, baseline, &err);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		return MS_EXIT_FAILED;
	}
	return MS_EXIT_OK;
}

const ms_command ms_cmd_explorer = {
	.name = "explorer",
	.synopsis = "[-s PATH] [-d SECONDS] [--baseline A] [--at N|TIME] [--no-color]",
	.summary = "the interactive explorer",
	.run = run,
};
