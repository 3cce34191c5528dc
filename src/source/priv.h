/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the source layer: the constructors of each kind of source and the
 * few helpers they share. Nothing outside src/source/ includes this.
 */
#ifndef MEMSCOPE_SOURCE_PRIV_H
#define MEMSCOPE_SOURCE_PRIV_H

#include "memscope/source_kind.h"

/* A source: its kind's operations and what it says about its machine. */
struct ms_source {
	const ms_source_ops *ops;
	ms_source_info info;
	void *priv;
};

/* Caps that keep a hostile or mistaken input from exhausting memory. */
#define MS_FILE_CAP ((size_t)256 << 20)      /* one file */
#define MS_ARCHIVE_CAP ((size_t)512 << 20)   /* all bytes of an archive */
#define MS_ARCHIVE_MAX_ENTRIES 1000000
#define MS_CHUNK 65536

/* The files whose presence says "this folder is a /proc tree". */
extern const char *const ms_snapshot_markers[];

ms_source *ms_snapdir_open(const char *path, ms_error *err);
ms_source *ms_tar_open(const char *path, ms_error *err);

/* "123" -> 123; false for anything but a plain positive decimal. */
bool ms_pid_name(const char *s, size_t len, int *pid);
/* Sorts pids ascending and drops duplicates, updating *n. */
void ms_pids_sort_unique(int *pids, size_t *n);
/* Appends pid to a growable array. 0 or -ENOMEM. */
int ms_pids_push(int **pids, size_t *n, size_t *cap, int pid);

/* Opens relpath below root_fd, following no symbolic link and never
 * leaving the root (openat2 RESOLVE_BENEATH, else one component at a
 * time); relpath holds no "..". An fd, or -1 with errno set. */
int ms_open_beneath(int root_fd, const char *relpath, int flags);

/* The numeric subdirectories of dir_fd (not symlinks to them), unsorted:
 * the processes of a snapshot folder or of a --proc-root tree. */
int ms_scan_pid_dirs(int dir_fd, int **pids, size_t *n, ms_error *err);

/* read(2), again when a signal interrupts it. */
ssize_t ms_read_retry(int fd, void *buf, size_t n);
/* Read loops over an open fd, capped at MS_FILE_CAP (-EFBIG). */
int ms_fd_read_all(int fd, const char *relpath, ms_buf *out, ms_error *err);
int ms_fd_stream(int fd, const char *relpath, ms_chunk_fn fn, void *ctx, ms_error *err);
/* ms_fd_stream with the reads on a second thread (readahead.c). */
int ms_fd_stream_ahead(int fd, const char *relpath, ms_chunk_fn fn, void *ctx,
		       ms_error *err);
/* Maps an errno of open/read to the source contract: ESRCH (the process
 * exited) is ENOENT, EPERM is EACCES; fills err and returns -code. */
int ms_errno_to_error(int e, const char *relpath, ms_error *err);

#endif
