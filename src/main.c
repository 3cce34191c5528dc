/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memscope: reads the command line and runs the command it names (the
 * registry of src/cmd/). A usage error is one line "memscope: <what>:
 * <why>" on stderr and exit 2; the commands say theirs and exit 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/command.h"
#include "cmd/cmd.h"

#ifndef MEMSCOPE_VERSION
#define MEMSCOPE_VERSION "unknown"
#endif

/* -h and --version print to stdout; a write that fails there (a closed
 * pipe, a full disk) is a failure to say, too. */
static int print_and_exit(bool help)
{
	ms_error err = { 0 };

	if (help)
		ms_options_usage(stdout);
	else
		puts("memscope " MEMSCOPE_VERSION);
	if (fflush(stdout) == 0 && !ferror(stdout))
		return MS_EXIT_OK;
	int e = errno ? errno : EIO;
	ms_error_set(&err, e, 0, "stdout: %s", strerror(e));
	ms_cmd_print_error(NULL, &err, -e);
	return MS_EXIT_FAILED;
}

int main(int argc, char **argv)
{
	ms_options opts;
	ms_error err = { 0 };

	int rc = ms_options_parse(argc, argv, &opts, &err);
	if (rc) {
		ms_cmd_print_error(NULL, &err, rc);
		return MS_EXIT_USAGE;
	}
	if (opts.help || opts.version)
		return print_and_exit(opts.help);
	return opts.cmd->run(&opts);
}
