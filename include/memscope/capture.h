/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture: a consumer of a source that writes what it reads into a
 * snapshot (doc/snapshot.md) that `memscope -s` opens later, elsewhere.
 */
#ifndef MEMSCOPE_CAPTURE_H
#define MEMSCOPE_CAPTURE_H

#include <signal.h>

#include "memscope/source.h"

typedef struct ms_capture_opts {
	const char *out;   /* directory, FILE.tar.gz, or "-" (tar.gz on stdout) */
	bool force;        /* overwrite an existing output */
	bool no_cmdline;   /* leave command lines out (they can hold secrets) */
	bool no_smaps;     /* leave per-VMA smaps out (rollups only: smaller) */
	/* Read between processes: once non-zero (a signal handler sets it), the
	 * capture stops and removes what it wrote. NULL: never stops. */
	volatile sig_atomic_t *stop;
} ms_capture_opts;

/* Copies the memory files of src into a snapshot, atomically: written under
 * a temporary name and renamed at the end. */
int ms_capture(ms_source *src, const ms_capture_opts *opts, ms_error *err);

#endif
