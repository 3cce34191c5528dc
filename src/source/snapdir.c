/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot directory: a copy of /proc files, often from another machine,
 * received by mail or pulled off a board. It is data, not trusted: no read
 * may leave the directory, follow a symbolic link or open a device node or
 * FIFO (which could block, or act on hardware), whatever the tree holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "priv.h"

struct snapdir {
	int root_fd;
};

static int root_fd_of(const ms_source *src)
{
	return ((const struct snapdir *)src->priv)->root_fd;
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
	if (e == ENOTDIR)
		e = ENOENT;
	return ms_errno_to_error(e, relpath, err);
}

static int not_regular(const char *relpath, ms_error *err)
{
	return ms_error_set(err, EINVAL, 0, "%s: not a regular file; a snapshot holds only files",
			    relpath);
}

/* Looks first (O_PATH opens nothing), then opens what it saw: a device
 * node is never opened, not even to be refused. */
static int snapdir_open_file(ms_source *src, const char *relpath, ms_error *err)
{
	int root = root_fd_of(src);
	struct stat seen, opened;
	int fd = ms_open_beneath(root, relpath, O_PATH);

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
	fd = ms_open_beneath(root, relpath, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return open_error(errno, relpath, err);
	if (fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_ino != seen.st_ino ||
	    opened.st_dev != seen.st_dev) {
		close(fd);
		return not_regular(relpath, err);
	}
	return fd;
}

static bool is_real_file(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int snapdir_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	int r = ms_scan_pid_dirs(root_fd_of(src), pids, n, err);

	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return r;
	}
	ms_pids_sort_unique(*pids, n);
	return 0;
}

static void snapdir_close(ms_source *src)
{
	close(root_fd_of(src));
	free(src->priv);
}

static const ms_source_ops snapdir_ops = {
	.list_pids = snapdir_list_pids,
	.open_fd = snapdir_open_file,
	.close = snapdir_close,
};

/* Does this directory hold /proc files or process directories? */
static bool looks_like_proc(int dir_fd)
{
	int *pids = NULL;
	size_t n = 0;

	for (size_t i = 0; ms_snapshot_markers[i]; i++)
		if (is_real_file(dir_fd, ms_snapshot_markers[i]))
			return true;
	if (ms_scan_pid_dirs(dir_fd, &pids, &n, NULL) < 0)
		n = 0;
	free(pids);
	return n > 0;
}

/* DIR itself, or DIR/proc when the files are one level down (a copy made
 * with `cp -r /proc/... board/proc/`). Returns an fd or -errno. */
static int find_proc_root(const char *path, ms_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ms_error_set(err, errno == ENOENT ? ENOENT : EACCES, 0, "%s: %s", path,
				    strerror(errno));
	if (looks_like_proc(fd))
		return fd;
	int sub = openat(fd, "proc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(fd);
	if (sub >= 0 && looks_like_proc(sub))
		return sub;
	if (sub >= 0)
		close(sub);
	return ms_error_set(err, EINVAL, 0,
			    "%s: not a snapshot: no meminfo, memscope-snapshot or process "
			    "directories in it or in its proc/",
			    path);
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
	d->root_fd = find_proc_root(path, err);
	if (d->root_fd < 0) {
		free(d);
		free(src);
		return NULL;
	}
	ms_copy_field(src->info.container, sizeof src->info.container, "dir", 3);
	ms_source_fill_snapshot_info(src);
	return src;
}
