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

#endif
