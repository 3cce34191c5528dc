/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam for a new kind of source (doc/hacking.md, "Add a source"): a
 * table of operations and one constructor. Users of sources include
 * memscope/source.h only; the kinds (the files of src/source/) and test doubles
 * include this too.
 */
#ifndef MEMSCOPE_SOURCE_KIND_H
#define MEMSCOPE_SOURCE_KIND_H

#include "memscope/source.h"

/* What a kind fills in. Paths reach it checked (relative, no ".."). */
typedef struct ms_source_ops {
	/* Sources backed by files: an open fd of relpath, or <0 with err
	 * set; source.c reads it. NULL for sources held in memory, which
	 * read and stream themselves. */
	int (*open_fd)(ms_source *src, const char *relpath, ms_error *err);
	int (*read)(ms_source *src, const char *relpath, ms_buf *out, ms_error *err);
	int (*stream)(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err);
	int (*list_pids)(ms_source *src, int **pids, size_t *n, ms_error *err);
	/* Entries of reldir, appended to out unsorted (source.c sorts). */
	int (*list_dir)(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err);
	/* Optional: where the symbolic link relpath points ("123/fd/4"), into
	 * out, NUL-terminated and cut at cap - 1 bytes. NULL where the
	 * source keeps no links (snapshots, a --proc-root tree). */
	int (*read_link)(ms_source *src, const char *relpath, char *out, size_t cap,
			 ms_error *err);
	/* Optional (NULL: nothing to do, one sample). */
	int (*refresh)(ms_source *src, ms_error *err);
	size_t (*sample_count)(const ms_source *src);
	int (*select)(ms_source *src, size_t index, ms_error *err);
	/* Optional, with sample_count: a sample's time (MS_NA unknown), the
	 * one selected, a torn tail. */
	int64_t (*sample_captured_ns)(const ms_source *src, size_t index);
	size_t (*selected)(const ms_source *src);
	bool (*torn_tail)(const ms_source *src, char *why, size_t cap);
	void (*close)(ms_source *src); /* frees priv, not src */
} ms_source_ops;

/* A new source of this kind; NULL when out of memory. info starts with
 * caps, path, page size 4096 ("default") and the rest empty; the kind
 * fills in what it knows through ms_source_info_of. */
ms_source *ms_source_new(const ms_source_ops *ops, unsigned caps, const char *path, void *priv);
void *ms_source_priv(const ms_source *src);
ms_source_info *ms_source_info_of(ms_source *src);

/* Fills info's page size, kernel, machine, host name and capture time
 * from the data: the snapshot's metadata, else `version`, else smaps'
 * KernelPageSize, else 4096. For kinds that hold a snapshot. */
void ms_source_fill_snapshot_info(ms_source *src);

/* Appends one entry to a directory listing. 0 or -ENOMEM. */
int ms_dirlist_add(ms_dirlist *l, const char *name, size_t len, bool is_dir);

#endif
