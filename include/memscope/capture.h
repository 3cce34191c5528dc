/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture: a consumer of a source that writes what it reads into a
 * snapshot (doc/snapshot.md) that `memscope -s` opens later, elsewhere.
 */
#ifndef MEMSCOPE_CAPTURE_H
#define MEMSCOPE_CAPTURE_H

#include <signal.h>

#include "memscope/source.h"

/* The kernel log in a snapshot (capture --dmesg), at its top. */
#define MS_DMESG_FILE "memscope-dmesg"

typedef struct ms_capture_opts {
	/* A directory; an archive by its ending, in any case: .tar, .tar.gz
	 * (.tgz), .tar.xz (.txz), .tar.zst (.tzst), .tar.bz2 (.tbz2); or "-"
	 * (tar.gz on stdout). Other archive endings (.gz, .zip...) are
	 * refused. */
	const char *out;
	bool force;        /* overwrite an existing output */
	bool no_cmdline;   /* leave command lines out (they can hold secrets) */
	bool no_smaps;     /* leave per-VMA smaps out (rollups only: smaller) */
	/* Add the kernel log (MS_DMESG_FILE) where this user may read it;
	 * memscope-unread says why when not. */
	bool dmesg;
	/* Read between processes: once non-zero (a signal handler sets it), the
	 * capture stops and removes what it wrote. NULL: never stops. */
	volatile sig_atomic_t *stop;
	/* When not NULL: set to one line saying what could not be read and
	 * why ("not readable (needs root): slabinfo, pagetypeinfo; maps,
	 * smaps of 12 processes"), "" when everything was. The snapshot
	 * records the same in memscope-unread; the capture still succeeds. */
	ms_buf *unread_summary;
} ms_capture_opts;

/* Copies the memory files of src into a snapshot (doc/snapshot.md),
 * atomically: written under a temporary name and renamed at the end.
 * -EINVAL means the output cannot be written as named (an archive format
 * not written here, "", ".."): a usage error. */
int ms_capture(ms_source *src, const ms_capture_opts *opts, ms_error *err);

#endif
