/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands of the command line: the explorer (no word), the batch
 * views (their names), capture, and each command the next issues add.
 * One class per command (src/cmd/<name>.c) and one line in
 * src/cmd/registry.c; usage, the unknown-word message and the dispatch of
 * main() come from the registry (doc/hacking.md, "Add a command").
 */
#ifndef MEMSCOPE_COMMAND_H
#define MEMSCOPE_COMMAND_H

#include "memscope/options.h"

struct ms_command {
	/* The word that names it ("capture"); for the explorer "explorer",
	 * which is never typed; for the batch views "VIEW", standing for
	 * any name of the view registry. */
	const char *name;
	const char *synopsis; /* what follows the word in usage: "[-o PATH] ..." */
	const char *summary;  /* one line */
	/* Its words after the name: how many it took, or -EINVAL with err
	 * set. NULL: it takes none. */
	int (*take_args)(ms_options *o, int argc, char *const *argv, ms_error *err);
	/* A last check once the whole line is read; NULL: none. */
	int (*check)(const ms_options *o, ms_error *err);
	/* Runs it; returns the exit status (ms_exit). */
	int (*run)(const ms_options *o);
};

/* Exit statuses (DESIGN.md): 0 success, 1 anything else, 2 usage. */
enum ms_exit {
	MS_EXIT_OK = 0,
	MS_EXIT_FAILED = 1,
	MS_EXIT_USAGE = 2,
};

/* The registry, NULL-terminated: the explorer first, the views second. */
extern const ms_command *const ms_commands[];
extern const ms_command ms_cmd_explorer, ms_cmd_view;

/* The command of a typed word (a view's name gives ms_cmd_view); NULL
 * when there is none. */
const ms_command *ms_command_find(const char *word);

#endif
