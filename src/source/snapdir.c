/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot directory: a copy of /proc (and /sys) files, often from
 * another machine, received by mail or pulled off a board. It is data, not
 * trusted: no read may leave the directory, follow a symbolic link or open
 * a device node or FIFO (which could block, or act on hardware), whatever
 * the tree holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "memscope/catalogue.h"
#include "priv.h"

/* The three roots of source.h: fd[MS_ROOT_PROC] always, the others -1
 * when the snapshot has none (the top is the proc root in older ones). */
struct snapdir {
	int fd[3];
};

static struct snapdir *dir_of(const ms_source *src)
{
	return src->priv;
}

/* The kernel resolves the whole path and refuses any symlink or escape
 * itself (Linux >= 5.6): no window between checking and opening. */
static int openat2_beneath(int root_fd, const char *relpath, int flags)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, root_fd, relpath, &how, sizeof how);
#else
	(void)root_fd;
	(void)relpath;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/* Older kernels: one component at a time, none of them followed. The
 * caller has rejected "..", so each step stays below the root. */
static int walk_beneath(int root_fd, const char *relpath, int flags)
{
	char comp[NAME_MAX + 1];
	int dir = root_fd;
	const char *p = relpath;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int fd;

		if (n > NAME_MAX) {
			fd = -1;
			errno = ENAMETOOLONG;
		} else {
			memcpy(comp, p, n);
			comp[n] = '\0';
			fd = openat(dir, n ? comp : ".",
				    slash ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
					  : flags | O_NOFOLLOW | O_CLOEXEC);
		}
		int e = errno;
		struct stat st;
		/* A link where a folder should be says ENOTDIR; name it. */
		if (fd < 0 && e == ENOTDIR && slash &&
		    fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			e = ELOOP;
		if (dir != root_fd)
			close(dir);
		errno = e;
		if (fd < 0 || !slash)
			return fd;
		dir = fd;
		p = slash + 1;
	}
}

int ms_open_beneath(int root_fd, const char *relpath, int flags)
{
	int fd = openat2_beneath(root_fd, relpath, flags);

	/* ENOSYS: kernel < 5.6; EPERM: a seccomp filter that predates
	 * openat2; EINVAL: a resolve flag this kernel lacks. */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == EINVAL))
		fd = walk_beneath(root_fd, relpath, flags);
	return fd;
}

static int open_error(int e, const char *relpath, ms_error *err)
{
	if (e == ELOOP || e == EXDEV)
		return ms_error_set(err, EINVAL, 0,
				    "%s: a symbolic link in a snapshot; not followed", relpath);
	return ms_snapshot_errno_to_error(e, relpath, err);
}

static int not_regular(const char *relpath, ms_error *err)
{
	return ms_error_set(err, EINVAL, 0, "%s: not a regular file; a snapshot holds only files",
			    relpath);
}

/* Looks first (O_PATH opens nothing), then opens what it saw: a device
 * node is never opened, not even to be refused. */
static int open_below(int root, const char *relpath, const char *below, ms_error *err)
{
	struct stat seen, opened;
	int fd = root < 0 ? (errno = ENOENT, -1) : ms_open_beneath(root, below, O_PATH);

	if (fd < 0)
		return open_error(errno, relpath, err);
	int ok = fstat(fd, &seen) == 0;
	close(fd);
	if (ok && S_ISLNK(seen.st_mode))
		return open_error(ELOOP, relpath, err);
	if (!ok || !S_ISREG(seen.st_mode))
		return not_regular(relpath, err);
	/* O_NONBLOCK: should a FIFO be swapped in meanwhile, opening it
	 * does not hang; the inode check below refuses it. */
	fd = ms_open_beneath(root, below, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return open_error(errno, relpath, err);
	if (fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_ino != seen.st_ino ||
	    opened.st_dev != seen.st_dev) {
		close(fd);
		return not_regular(relpath, err);
	}
	return fd;
}

static int snapdir_open_file(ms_source *src, const char *relpath, ms_error *err)
{
	const struct snapdir *d = dir_of(src);
	const char *below;
	enum ms_root root = ms_path_root(relpath, &below);
	int fd = open_below(d->fd[root], relpath, below, err);

	/* Older snapshots keep their memscope-* files in the proc root. */
	if (fd == -ENOENT && root == MS_ROOT_TOP && d->fd[MS_ROOT_TOP] != d->fd[MS_ROOT_PROC])
		fd = open_below(d->fd[MS_ROOT_PROC], relpath, below, err);
	return fd;
}

static int snapdir_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	const char *below;
	int root = dir_of(src)->fd[ms_path_root(reldir, &below)];
	int fd = root < 0 ? (errno = ENOENT, -1)
			  : ms_open_beneath(root, below, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return open_error(errno, reldir, err);
	return ms_fd_list_dir(fd, false, reldir, out, err);
}

static bool is_real_file(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int snapdir_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	int r = ms_scan_pid_dirs(dir_of(src)->fd[MS_ROOT_PROC], pids, n, err);

	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return r;
	}
	ms_pids_sort_unique(*pids, n);
	return 0;
}

static void close_roots(struct snapdir *d)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(d->fd); i++)
		if (d->fd[i] >= 0 && (i == MS_ROOT_PROC || d->fd[i] != d->fd[MS_ROOT_PROC]))
			close(d->fd[i]);
}

static void snapdir_close(ms_source *src)
{
	close_roots(src->priv);
	free(src->priv);
}

static const ms_source_ops snapdir_ops = {
	.list_pids = snapdir_list_pids,
	.open_fd = snapdir_open_file,
	.list_dir = snapdir_list_dir,
	.close = snapdir_close,
};

/* Does this directory hold /proc files or process directories? with_meta:
 * our metadata alone counts too (an empty capture). */
static bool looks_like_proc(int dir_fd, bool with_meta)
{
	int *pids = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ms_nkfiles; i++)
		if (ms_kfile_is_marker(ms_kfiles[i].path, with_meta) &&
		    is_real_file(dir_fd, ms_kfiles[i].path))
			return true;
	if (ms_scan_pid_dirs(dir_fd, &pids, &n, NULL) < 0)
		n = 0;
	free(pids);
	return n > 0;
}

static int open_subdir(int fd, const char *name)
{
	return openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* DIR itself (older snapshots, `cp -r /proc/... board/`), or DIR/proc with
 * DIR/sys beside it and the metadata in DIR (`cp -r /proc /sys board/`,
 * new captures). The kernel's files decide first: a new snapshot's
 * memscope-snapshot is in DIR, not in its proc/. */
static int find_roots(const char *path, struct snapdir *d, ms_error *err)
{
	int top = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	d->fd[MS_ROOT_PROC] = d->fd[MS_ROOT_SYS] = d->fd[MS_ROOT_TOP] = -1;
	if (top < 0)
		return ms_path_error(errno, path, err);
	int proc = looks_like_proc(top, false) ? -1 : open_subdir(top, "proc");
	if (proc >= 0 && looks_like_proc(proc, true)) {
		d->fd[MS_ROOT_PROC] = proc;
		d->fd[MS_ROOT_TOP] = top;
		d->fd[MS_ROOT_SYS] = open_subdir(top, "sys");
		return 0;
	}
	if (proc >= 0)
		close(proc);
	if (looks_like_proc(top, true)) {
		d->fd[MS_ROOT_PROC] = d->fd[MS_ROOT_TOP] = top;
		return 0;
	}
	close(top);
	return ms_error_set(err, EINVAL, 0,
			    "%s: not a snapshot: no meminfo, memscope-snapshot or process "
			    "directories in it or in its proc/",
			    path);
}

static int set_wheres(ms_source *src, const char *path, const struct snapdir *d)
{
	char sub[sizeof src->info.path + 8];
	bool nested = d->fd[MS_ROOT_TOP] != d->fd[MS_ROOT_PROC];
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(sub, sizeof sub, "%.*s/proc", (int)n, path);
	int r = ms_source_set_where(src, MS_ROOT_PROC, nested ? sub : path);
	snprintf(sub, sizeof sub, "%.*s/sys", (int)n, path);
	if (r == 0 && nested)
		r = ms_source_set_where(src, MS_ROOT_SYS, sub);
	if (r == 0)
		r = ms_source_set_where(src, MS_ROOT_TOP, path);
	return r;
}

ms_source *ms_snapdir_open(const char *path, ms_error *err)
{
	struct snapdir *d = calloc(1, sizeof *d);
	ms_source *src = d ? ms_source_new(&snapdir_ops, MS_CAP_PARALLEL, path, d) : NULL;

	if (!src) {
		free(d);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	if (find_roots(path, d, err) < 0) {
		free(d);
		free(src);
		return NULL;
	}
	if (set_wheres(src, path, d) < 0) {
		ms_source_close(src);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	ms_copy_field(src->info.container, sizeof src->info.container, "dir", 3);
	ms_source_fill_snapshot_info(src);
	return src;
}
