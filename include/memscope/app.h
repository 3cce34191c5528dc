/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interactive explorer (src/app.c): the TUI loop over a source. */
#ifndef MEMSCOPE_APP_H
#define MEMSCOPE_APP_H

#include "memscope/options.h"

#include "memscope/model.h"

/* Runs until the user quits. It takes src (the loader's thread reads and
 * closes it) and baseline (--baseline: a malloc'd sample, or NULL), which
 * every pane's changes are then from. Returns 0, or -errno with *err set
 * when the terminal could not be set up. */
int ms_app_run(ms_source *src, const ms_options *o, ms_sample *baseline, ms_error *err);
/* The same for a snapshot opened from the fleet list: q ends it with
 * *back true (the list is shown again), Q, F10 or a signal with *back
 * false. */
int ms_app_run_listed(ms_source *src, const ms_options *o, bool *back, ms_error *err);

typedef struct ms_fleet ms_fleet;
/* The explorer on a folder of snapshots (src/fleet_list.c): the fleet's
 * rows as a list; Enter opens the selected snapshot in the usual panes
 * (ms_app_run_listed), q there comes back. title names the folder.
 * Returns 0, or -errno with *err set when the terminal could not be set
 * up. */
int ms_fleet_list_run(const ms_fleet *f, const char *title, const ms_options *o,
		      ms_error *err);

#endif
