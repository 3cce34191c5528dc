/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line (DESIGN.md "Command line and output contract"). */
#ifndef MEMSCOPE_OPTIONS_H
#define MEMSCOPE_OPTIONS_H

#include <stdio.h>

#include "memscope/batch.h"
#include "memscope/capture.h"

typedef enum ms_mode {
	MS_MODE_TUI,     /* memscope [-s PATH] [-d SECONDS] */
	MS_MODE_BATCH,   /* memscope VIEW ... */
	MS_MODE_CAPTURE, /* memscope capture [-o PATH] */
	MS_MODE_HELP,
	MS_MODE_VERSION,
} ms_mode;

typedef struct ms_options {
	ms_mode mode;
	const char *snapshot;   /* -s PATH; NULL for live */
	const char *proc_root;  /* --proc-root DIR (live, for tests) */
	double delay;           /* -d SECONDS, TUI refresh (default 2) */
	bool no_color;          /* --no-color, or NO_COLOR set */
	ms_batch_opts batch;
	ms_capture_opts capture;
} ms_options;

/* Fills *o from argv. Returns 0, or -EINVAL with *err saying what is wrong
 * (main prints it and exits 2). */
int ms_options_parse(int argc, char **argv, ms_options *o, ms_error *err);
void ms_options_usage(FILE *to);

#endif
