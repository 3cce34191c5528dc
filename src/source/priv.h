/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the source layer: the constructors of each kind of source and the
 * few helpers they share. Nothing outside src/source/ includes this.
 */
#ifndef MEMSCOPE_SOURCE_PRIV_H
#define MEMSCOPE_SOURCE_PRIV_H

#include "memscope/parse.h"
#include "memscope/source_kind.h"

/* What a snapshot's memscope-unread says the capture could not read. */
struct ms_unread_table {
	ms_unread list;
	bool loaded;
};

/* A source: its kind's operations and what it says about its machine. */
struct ms_source {
	const ms_source_ops *ops;
	ms_source_info info;
	void *priv;
	/* For messages: where each root is ("/proc", "board/proc",
	 * "x.tgz:board/proc"); NULL where the kind has no such root. */
	char *where[3];
	struct ms_unread_table unread;
	bool pids_by_readdir; /* ms_source_list_pids_by_readdir */
};

/* ---- paths: the three roots of source.h ---------------------------------- */

enum ms_root {
	MS_ROOT_PROC, /* "meminfo", "123/smaps", "proc/sys/vm/..." */
	MS_ROOT_SYS,  /* "sys/kernel/mm/cma" */
	MS_ROOT_TOP,  /* "memscope-snapshot": the snapshot's own files */
};

/* The root a checked relpath lives under, and its path below that root
 * (*below is "." for the root itself: "sys", "proc"). */
enum ms_root ms_path_root(const char *relpath, const char **below);
/* Sets what messages call a root (copied; NULL clears). 0 or -ENOMEM. */
int ms_source_set_where(ms_source *src, enum ms_root root, const char *where);

/* Caps that keep a hostile or mistaken input from exhausting memory. */
#define MS_FILE_CAP ((size_t)256 << 20)      /* one file */
#define MS_ARCHIVE_CAP ((size_t)512 << 20)   /* all bytes of an archive */
#define MS_ARCHIVE_MAX_ENTRIES 1000000
#define MS_CHUNK 65536

ms_source *ms_snapdir_open(const char *path, ms_error *err);
/* An archive file, or one arriving on fd (read whole; fd stays the
 * caller's). name is what messages and info->path call it. */
ms_source *ms_tar_open(const char *path, ms_error *err);
ms_source *ms_tar_open_fd(int fd, const char *name, unsigned caps, ms_error *err);
/* The same for the next len bytes of fd only (a sample of a recording). */
ms_source *ms_tar_open_fd_len(int fd, size_t len, const char *name, unsigned caps,
			      ms_error *err);
/* A recording (recording.c), or NULL with err set. */
ms_source *ms_recording_open(const char *path, ms_error *err);

/* Host facts of the machine we run on (uname, sysconf, gethostname). */
void ms_fill_host_info(ms_source_info *info);

/* ---- the in-memory tree (memtree.c) -------------------------------------- */

/*
 * A read-only, sorted set of (path, bytes) behind archives, pipes and
 * tables of files. Loaders add entries, then seal it: it sorts them,
 * keeps the last copy of a path, drops a file that is also a directory,
 * and finds where the proc root, the sys root and the snapshot's top are.
 * Once sealed nothing changes, so any number of threads may read it.
 */
typedef struct ms_memtree ms_memtree;

ms_memtree *ms_memtree_new(void);
void ms_memtree_free(ms_memtree *t);
/* Adds path (as stored: "board/proc/meminfo") and takes data, which is
 * malloc'd or NULL, whatever the result. err != 0 makes reading it fail
 * with -err. 0, -ENOMEM or -EFBIG (over MS_ARCHIVE_MAX_ENTRIES). */
int ms_memtree_add(ms_memtree *t, const char *path, char *data, size_t len, int err,
		   ms_error *e);
/* An entry left out (an unsafe name): counted in info->skipped_entries. */
void ms_memtree_skipped(ms_memtree *t);
size_t ms_memtree_bytes(const ms_memtree *t);
size_t ms_memtree_count(const ms_memtree *t);
/* Seals the tree of an archive: finds its layout among those of
 * doc/snapshot.md. -EINVAL (with name in the message) when nothing in it
 * looks like /proc. */
int ms_memtree_seal_snapshot(ms_memtree *t, const char *name, ms_error *err);
/* Seals a tree whose paths are already those of source.h (a table). */
int ms_memtree_seal_table(ms_memtree *t, ms_error *err);
/* A source that owns t from now on (also when it fails: NULL, t freed).
 * container: "tar.gz", "memory"... */
ms_source *ms_memtree_source(ms_memtree *t, unsigned caps, const char *path,
			     const char *container, ms_error *err);

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
/* The same for a snapshot's files, which are data, not the kernel's: "not
 * in snapshot", "not readable (permission denied)". */
int ms_snapshot_errno_to_error(int e, const char *relpath, ms_error *err);

/* Reads the directory open at dir_fd (which it closes) into out: "." and
 * ".." left out. follow: the kernel's own trees, where a link to a
 * directory counts as one; otherwise only regular files and directories
 * are listed, never a link. */
int ms_fd_list_dir(int dir_fd, bool follow, const char *reldir, ms_dirlist *out,
		   ms_error *err);

#endif
