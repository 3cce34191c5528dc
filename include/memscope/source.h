/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where bytes come from: the live /proc, a snapshot directory, or a tar
 * archive of one read into memory. Everything above this layer asks for a
 * path relative to the proc root ("meminfo", "123/smaps_rollup") and gets
 * the same bytes whatever the kind, so a figure cannot differ by mode.
 */
#ifndef MEMSCOPE_SOURCE_H
#define MEMSCOPE_SOURCE_H

#include <signal.h>
#include <sys/types.h>

#include "memscope/util.h"

typedef enum ms_source_kind {
	MS_SOURCE_LIVE,
	MS_SOURCE_SNAPSHOT,
} ms_source_kind;

/* Facts about the machine the data comes from (not the one we run on). */
typedef struct ms_source_info {
	ms_source_kind kind;
	char path[512];        /* "/proc" or the snapshot path given */
	char container[16];    /* "proc", "dir", "tar", "tar.gz", "tar.xz", "tar.zst", ... */
	char layout[16];       /* "memscope", "proc-tree", "smemcap" */
	char kernel[128];      /* release, "" when unknown */
	char machine[32];      /* uname -m, "" when unknown */
	char hostname[128];
	char captured_at[40];  /* snapshot: UTC ISO 8601; live: "" */
	long page_size;        /* bytes, always set */
	/* Where page_size came from: "sysconf", "metadata", "smaps
	 * KernelPageSize", "default" (4096, when nothing said). */
	const char *page_size_origin;
	/* Archive entries left out because their path was absolute or
	 * held "..": a sign of a hostile or mis-made archive. */
	unsigned skipped_entries;
} ms_source_info;

typedef struct ms_source ms_source;

/* Opening. Errors are returned in *err; nothing is printed. */
/* proc_root NULL means "/proc". */
ms_source *ms_source_open_live(const char *proc_root, ms_error *err);
/* A directory (with or without a proc/ level) or an archive: .tar, .tar.gz,
 * .tgz, .tar.xz, .tar.zst, or a BusyBox/smem smemcap tar. */
ms_source *ms_source_open_snapshot(const char *path, ms_error *err);
void ms_source_close(ms_source *src);

const ms_source_info *ms_source_get_info(const ms_source *src);

/* The whole file at relpath into out (replacing its contents). Returns 0,
 * or -ENOENT (not there: a missing file, a process that exited),
 * -EACCES/-EPERM (not readable), -EFBIG (over the size cap), -EIO. */
int ms_source_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err);

/* Streams the file in chunks to fn, never holding all of it; fn returns 0
 * to go on, non-zero to stop (that value is returned). */
typedef int (*ms_chunk_fn)(void *ctx, const char *data, size_t len);
int ms_source_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		     ms_error *err);

/* ms_source_stream for one big file: a second thread reads the next chunks
 * while fn works on the ones read, so that the kernel's printing and our
 * parsing overlap (a process with 60,000 mappings). Sources held in memory
 * stream as usual. */
int ms_source_stream_ahead(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
			   ms_error *err);

/* Numeric entries of the proc root (processes), ascending. *pids is
 * malloc'd; the caller frees it. */
int ms_source_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err);

/* True where the source may read files in parallel from several threads
 * (live: yes; in-memory archive: yes; it is read-only after opening). */
bool ms_source_is_thread_safe(const ms_source *src);

/* Splits chunks into whole lines for a line callback; holds at most one
 * partial line. Lines longer than max_line are an error (-EFBIG). */
typedef int (*ms_line_fn)(void *ctx, const char *line, size_t len);
typedef struct ms_line_splitter {
	ms_buf partial;
	ms_line_fn fn;
	void *ctx;
	size_t max_line;
} ms_line_splitter;

void ms_line_splitter_init(ms_line_splitter *s, ms_line_fn fn, void *ctx, size_t max_line);
int ms_line_splitter_feed(void *splitter, const char *data, size_t len); /* an ms_chunk_fn */
int ms_line_splitter_finish(ms_line_splitter *s);
void ms_line_splitter_free(ms_line_splitter *s);

/* Internal: the table each kind of source fills in. */
struct ms_source_ops {
	/* Sources backed by files: an open fd of relpath, or <0 with err
	 * set; source.c reads it. NULL for sources held in memory, which
	 * read and stream themselves. */
	int (*open_fd)(ms_source *src, const char *relpath, ms_error *err);
	int (*read)(ms_source *src, const char *relpath, ms_buf *out, ms_error *err);
	int (*stream)(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err);
	int (*list_pids)(ms_source *src, int **pids, size_t *n, ms_error *err);
	void (*close)(ms_source *src);
	bool thread_safe;
};

struct ms_source {
	const struct ms_source_ops *ops;
	ms_source_info info;
	void *priv;
};

/* Fills info->page_size, kernel, machine... of a snapshot from its
 * metadata, else `version`, else smaps KernelPageSize, else 4096. */
void ms_source_fill_snapshot_info(ms_source *src);

/* ---- capture ----------------------------------------------------------- */

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
