/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside capture: the output of a snapshot (sink.c), a folder or an
 * archive behind one put(), created atomically.
 */
#ifndef MEMSCOPE_CAPTURE_SINK_H
#define MEMSCOPE_CAPTURE_SINK_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "memscope/util.h"

struct ms_sink;

/* Writes the snapshot's files through ms_sink_put; 0 or -errno with the
 * error set. */
typedef int (*ms_sink_fill_fn)(void *ctx, struct ms_sink *s);

/* Makes out (a folder; an archive by its ending, in any case; "-": a
 * tar.gz on stdout) and has fill write into it, under a temporary name
 * renamed at the end; on any failure nothing is left. -EINVAL: out cannot
 * be written as named (a usage error); any other failure is never
 * -EINVAL. */
int ms_sink_write(const char *out, bool force, ms_sink_fill_fn fill, void *ctx, ms_error *err);
/* The same into fd as a gzipped cpio (newc) whose entries are under
 * top/, unpadded (its length is the compressor's output, nothing more),
 * from fd's offset on. Nothing is removed on failure: fd is the
 * caller's. */
int ms_sink_write_fd(int fd, const char *top, ms_sink_fill_fn fill, void *ctx, ms_error *err);
/* One file, rel its path in the snapshot ("proc/123/smaps",
 * "memscope-users"); the folders above it are made with it. */
int ms_sink_put(struct ms_sink *s, const char *rel, const char *data, size_t len);
/* Writes all of data to fd at offset at, or at fd's own offset when at is
 * negative, going on after short writes and EINTR; 0 or -errno. */
int ms_write_all(int fd, const char *data, size_t len, off_t at);
/* When the capture began: the mtime of every entry. */
time_t ms_sink_time(const struct ms_sink *s);

#endif
