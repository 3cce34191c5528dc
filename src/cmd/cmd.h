/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the commands (src/cmd/): what they share. Commands are the top of
 * the program, beside main(): the only code that prints an error, in one
 * line "memscope: <what>: <why>" on stderr, and returns an exit status.
 */
#ifndef MEMSCOPE_CMD_H
#define MEMSCOPE_CMD_H

#include "memscope/command.h"
#include "memscope/source.h"

/* "memscope: <what>: <why>", escaped: messages quote paths and names from
 * the system. what is left out when why begins with it. */
void ms_cmd_print_error(const char *what, const ms_error *err, int rc);

/* The source -s and --proc-root name (the live system by default), or
 * NULL after printing why not. */
ms_source *ms_cmd_open_source(const ms_options *o);

/* A source named as diff and --baseline take it: a snapshot path, "live"
 * (the running system, or --proc-root), or a sample of a recording,
 * FILE@N (0 the first) or FILE@last. NULL after printing why not. */
ms_source *ms_cmd_open_spec(const ms_options *o, const char *spec);

/* Selects the sample pick names (--at, FILE@...): an index, the latest
 * taken at or before a time, or the last. what is how the user named it
 * in messages ("--at ", "@"). 0; -ERANGE with err set when the source has
 * no such sample (a usage error: exit 2); another -errno when the sample
 * is there but cannot be read. */
int ms_cmd_pick_sample(ms_source *src, const char *what, const ms_sample_pick *pick,
		       ms_error *err);

/* A recording that ends in a torn sample says so on stderr (the
 * samples before it read as usual). */
void ms_cmd_note_torn_tail(const ms_source *src);

/* Each snapshot PATH names, for commands that read many (metrics -s,
 * fleet): PATH itself when it opens as a snapshot or a recording, else,
 * for a directory, each of its entries that does, in name order (the
 * others are said on stderr and counted). fn returns 0 to go on. Returns
 * the number of entries that could not be read, or -1 when fn stopped or
 * PATH holds no snapshot at all (said on stderr). */
typedef int (*ms_cmd_source_fn)(void *ctx, ms_source *src, const char *name);
int ms_cmd_each_snapshot(const char *path, ms_cmd_source_fn fn, void *ctx);

#endif
