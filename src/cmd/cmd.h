/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the commands (src/cmd/): what they share. Commands are the top of
 * the program, beside main(): the only code that prints an error, in one
 * line "memscope: <what>: <why>" on stderr, and returns an exit status.
 */
#ifndef MEMSCOPE_CMD_H
#define MEMSCOPE_CMD_H

#include "memscope/command.h"
#include "memscope/fleet.h"
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
 * for a directory, each of its entries that does, in name order. An
 * entry with a snapshot's name (or PATH itself, when it is no folder)
 * that does not open goes to failed, or is said on stderr when failed is
 * NULL; a folder beside them that is no snapshot is said on stderr and
 * skipped. fn returns 0 to go on. Returns the number of snapshots that
 * could not be opened, or -1 when fn stopped or PATH holds no snapshot
 * at all (a folder without one is said on stderr; PATH itself unreadable
 * went to failed). */
typedef int (*ms_cmd_source_fn)(void *ctx, ms_source *src, const char *name);
typedef void (*ms_cmd_fail_fn)(void *ctx, const char *name, const ms_error *err, int rc);
int ms_cmd_each_snapshot(const char *path, ms_cmd_source_fn fn, ms_cmd_fail_fn failed,
			 void *ctx);

/* The fleet's rows of paths (each as ms_cmd_each_snapshot walks it),
 * into f: a snapshot that cannot be read is a row with its error. 0, or
 * -1 when a path holds no snapshot at all or memory ran out (said on
 * stderr); f keeps what was read. */
int ms_cmd_fleet_collect(const char *const *paths, size_t n, ms_fleet *f);

/* A directory that is no snapshot itself: a folder of them (the
 * explorer then opens the fleet list). */
bool ms_cmd_is_snapshot_folder(const char *path);

#endif
