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
	/* Leave each process's list of mappings (maps) out too: with no_smaps,
	 * rollups only, what a recording keeps of every process. */
	bool no_maps;
	/* Processes whose maps and smaps are kept whatever no_maps and
	 * no_smaps say (record --smaps PID). */
	const int *follow_pids;
	size_t n_follow_pids;
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

/* The same snapshot as one gzipped cpio (newc) archive written to fd from
 * its offset on, with nothing after the compressor's last byte (no block
 * padding): a sample of a recording. opts->out and force are not used. On failure what was
 * written stays; the caller (the recorder) cuts it off. */
int ms_capture_to_fd(ms_source *src, const ms_capture_opts *opts, int fd, ms_error *err);

/*
 * The recorder (src/capture/record.c): samples appended to a recording
 * (doc/snapshot.md, "Recordings"), each committed whole or not at all:
 *
 *	ms_recorder *rec = ms_recorder_open("board.msrec", &end, &err);
 *	while (...)
 *		ms_recorder_append(rec, src, &opts, &err);
 *	ms_recorder_close(rec);
 */
typedef struct ms_recorder ms_recorder;
/* Opens path to append to, creating it (mode 0600). An existing
 * recording is continued: *found says what it held, and a torn last
 * sample (a recorder killed mid-sample) is cut off first (found->torn).
 * Refused: a file that is not a recording (EINVAL), one another
 * recorder holds (EBUSY). NULL with err set. */
ms_recorder *ms_recorder_open(const char *path, ms_recording_end *found, ms_error *err);
/* Captures src as one more sample, taken now. Until it is whole its
 * header says no length, so a reader sees a torn tail, never a short
 * sample; the archive is on disk (fdatasync) before the length is
 * written. On failure the file is cut back to its complete samples.
 * *bytes (may be NULL): the sample's size in the file, header included. */
int ms_recorder_append(ms_recorder *rec, ms_source *src, const ms_capture_opts *opts,
		       size_t *bytes, ms_error *err);
void ms_recorder_close(ms_recorder *rec);

#endif
