/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line (DESIGN.md "Command line and output contract"). */
#ifndef MEMSCOPE_OPTIONS_H
#define MEMSCOPE_OPTIONS_H

#include <stdio.h>

#include "memscope/batch.h"
#include "memscope/capture.h"
#include "memscope/source.h"

typedef struct ms_command ms_command;

/* record --smaps PID: how many processes one recording may follow. */
#define MS_RECORD_MAX_FOLLOW 64


typedef struct ms_options {
	const ms_command *cmd;  /* what to run: the explorer when no word is given */
	bool help, version;     /* -h, --version: print and exit */
	const char *snapshot;   /* -s PATH; NULL for live */
	const char *proc_root;  /* --proc-root DIR (live, for tests) */
	double delay;           /* -d SECONDS, explorer refresh (default 2) */
	bool no_color;          /* --no-color, or NO_COLOR set */
	ms_batch_opts batch;    /* the batch views */
	ms_capture_opts capture;
	const char *oom_log;    /* oom LOG: the kernel log, - for stdin */
	/* diff A B VIEW: the two sources as typed ("live", "FILE@N"), and
	 * --all; trend FILE: the recording. */
	struct {
		const char *a, *b;
		bool all;
	} diff;
	const char *trend_path;
	/* record (src/cmd/record.c) */
	struct {
		double interval;  /* -i SECONDS between samples (default 10) */
		long count;       /* --count N samples; 0: no limit */
		double duration;  /* --duration D in seconds; 0: no limit */
		int smaps_pids[MS_RECORD_MAX_FOLLOW]; /* --smaps PID, each */
		size_t n_smaps_pids;
	} record;
	const char *baseline;   /* --baseline A: the explorer's changes are from it */
	ms_sample_pick at;      /* --at: the sample of a recording read (last) */
	/* metrics (src/cmd/metrics.c) */
	long top;               /* --top N: processes and caches shown one by one */
	const char *listen;     /* --listen [ADDR:]PORT: serve /metrics over HTTP */
	/* fleet DIR|FILES... (src/cmd/fleet.c): the words as typed */
	struct {
		const char *const *paths;
		size_t n;
	} fleet;
} ms_options;

/* Fills *o from argv. Returns 0, or -EINVAL with *err saying what is wrong
 * (main prints it and exits 2). */
int ms_options_parse(int argc, char **argv, ms_options *o, ms_error *err);
void ms_options_usage(FILE *to);
/* The name of what o runs, for messages: a view's name, "capture", "the
 * interactive mode". */
const char *ms_options_what(const ms_options *o);

#endif
