/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive explorer as a command (no word): src/app.c runs it.
 */
#include "memscope/app.h"
#include "cmd.h"

/* The explorer takes the source: it reads it on a thread of its own and
 * closes it. */
static int run(const ms_options *o)
{
	ms_source *src = ms_cmd_open_source(o);
	ms_error err = { 0 };

	if (!src)
		return MS_EXIT_FAILED;
	int rc = ms_app_run(src, o, &err);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		return MS_EXIT_FAILED;
	}
	return MS_EXIT_OK;
}

const ms_command ms_cmd_explorer = {
	.name = "explorer",
	.synopsis = "[-s PATH] [-d SECONDS] [--no-color]",
	.summary = "the interactive explorer",
	.run = run,
};
