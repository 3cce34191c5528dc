/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live system: files under /proc and /sys, or under another directory
 * laid out like a snapshot (DIR/proc and DIR/sys) or like /proc itself,
 * for tests and --proc-root. Reads keep no state beyond the root
 * descriptors, so a pool of threads may read processes at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <libproc2/pids.h>

#include "priv.h"

struct live {
	int fd[3];      /* the roots of source.h; -1 where there is none */
	bool real_proc; /* the kernel's /proc and /sys: libproc2 may list it,
			 * and its links are followed */
};

static struct live *live_of(ms_source *src)
{
	return ms_source_priv(src);
}

/* The kernel's own file systems are trusted: /proc/device-tree points to
 * /sys/firmware/devicetree/base, /sys/block/zram0 to ../devices/..., and
 * both are followed. Magic links (/proc/PID/fd/N, cwd, root) are not: they
 * lead out of /proc into any file, or a FIFO that would block. */
static int open_trusted(int root_fd, const char *below, int flags)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, below, &how, sizeof how);
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != EINVAL))
		return fd;
#endif
	return openat(root_fd, below, flags | O_CLOEXEC);
}

/* A --proc-root tree is not the kernel's: no link is followed there, or
 * capture would copy what they point to. */
static int live_open(struct live *l, const char *relpath, int flags)
{
	const char *below;
	int root = l->fd[ms_path_root(relpath, &below)];

	if (root < 0) {
		errno = ENOENT;
		return -1;
	}
	return l->real_proc ? open_trusted(root, below, flags)
			    : ms_open_beneath(root, below, flags);
}

static int live_open_file(ms_source *src, const char *relpath, ms_error *err)
{
	int fd = live_open(live_of(src), relpath, O_RDONLY);

	if (fd < 0)
		return ms_errno_to_error(errno, relpath, err);
	return fd;
}

static int live_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	struct live *l = live_of(src);
	int fd = live_open(l, reldir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return ms_errno_to_error(errno == ENOTDIR ? ENOENT : errno, reldir, err);
	return ms_fd_list_dir(fd, l->real_proc, reldir, out, err);
}

/* Only the kernel's /proc: a --proc-root tree's links are not followed,
 * so they are not read either. */
static int live_read_link(ms_source *src, const char *relpath, char *out, size_t cap,
			  ms_error *err)
{
	struct live *l = live_of(src);
	const char *below;
	int root = l->fd[ms_path_root(relpath, &below)];

	if (!l->real_proc)
		return ms_error_set(err, ENOSYS, 0, "%s: links are not read here", relpath);
	if (root < 0)
		return ms_errno_to_error(ENOENT, relpath, err);
	ssize_t n = readlinkat(root, below, out, cap - 1);
	if (n < 0)
		return ms_errno_to_error(errno, relpath, err);
	out[n] = '\0';
	return 0;
}

/* Through libproc2, the library made to walk the kernel's process list;
 * it takes thread group leaders only (PIDS_FETCH_TASKS_ONLY). All its calls
 * stay on this one (calling) thread: it keeps global state. */
static int list_pids_libproc2(int **pids, size_t *n, ms_error *err)
{
	enum pids_item items[] = { PIDS_ID_TGID };
	struct pids_info *info = NULL;
	struct pids_fetch *fetch;
	size_t cap = 0;
	int r = 0;

	if (procps_pids_new(&info, items, (int)MS_ARRAY_LEN(items)) < 0)
		return ms_error_set(err, EIO, 0, "libproc2: cannot start a process listing");
	fetch = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (!fetch) {
		procps_pids_unref(&info);
		return ms_error_set(err, EIO, 0, "libproc2: cannot list processes");
	}
	for (int i = 0; i < fetch->counts->total && r == 0; i++) {
		int pid = PIDS_VAL(0, s_int, fetch->stacks[i], info);
		r = ms_pids_push(pids, n, &cap, pid);
	}
	procps_pids_unref(&info);
	if (r < 0)
		return ms_error_set(err, ENOMEM, 0, "process list: out of memory");
	return 0;
}

static int live_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	struct live *l = live_of(src);
	/* /proc lists thread group leaders only, as PIDS_FETCH_TASKS_ONLY
	 * does: threads are under each one's task/. */
	bool libproc2 = l->real_proc && !src->pids_by_readdir;
	int r = libproc2 ? list_pids_libproc2(pids, n, err)
			 : ms_scan_pid_dirs(l->fd[MS_ROOT_PROC], pids, n, err);

	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return r;
	}
	ms_pids_sort_unique(*pids, n);
	return 0;
}

static void close_roots(struct live *l)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(l->fd); i++)
		if (l->fd[i] >= 0 && (i == MS_ROOT_PROC || l->fd[i] != l->fd[MS_ROOT_PROC]))
			close(l->fd[i]);
}

static void live_close(ms_source *src)
{
	close_roots(live_of(src));
	free(ms_source_priv(src));
}

static const ms_source_ops live_ops = {
	.list_pids = live_list_pids,
	.open_fd = live_open_file,
	.list_dir = live_list_dir,
	.read_link = live_read_link,
	.close = live_close,
};

/* Files vanish as processes exit; reading again gives newer figures;
 * users and host facts are this machine's. */
#define LIVE_CAPS                                                                      \
	(MS_CAP_VOLATILE | MS_CAP_REFRESH | MS_CAP_LOCAL_USERS | MS_CAP_HOST_FACTS |    \
	 MS_CAP_PARALLEL)

static bool is_kernel_proc(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/proc", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int open_dir_at(int dir_fd, const char *name)
{
	return openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static bool has_file(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* A tree laid out like a snapshot (DIR/proc beside DIR/sys) has its
 * proc root one level down; a flat one is a /proc itself. */
static void find_test_roots(struct live *l, int dir_fd)
{
	int proc = has_file(dir_fd, "meminfo") ? -1 : open_dir_at(dir_fd, "proc");

	l->fd[MS_ROOT_TOP] = dir_fd;
	if (proc < 0) {
		l->fd[MS_ROOT_PROC] = dir_fd;
		return;
	}
	l->fd[MS_ROOT_PROC] = proc;
	l->fd[MS_ROOT_SYS] = open_dir_at(dir_fd, "sys");
}

static int set_wheres(ms_source *src, const char *root, const struct live *l)
{
	char sub[sizeof src->info.path + 8];
	size_t n = strlen(root);
	int r;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (l->real_proc)
		return ms_source_set_where(src, MS_ROOT_PROC, root) ||
		       ms_source_set_where(src, MS_ROOT_SYS, "/sys") ? -ENOMEM : 0;
	bool nested = l->fd[MS_ROOT_PROC] != l->fd[MS_ROOT_TOP];
	snprintf(sub, sizeof sub, "%.*s/proc", (int)n, root);
	r = ms_source_set_where(src, MS_ROOT_PROC, nested ? sub : root);
	snprintf(sub, sizeof sub, "%.*s/sys", (int)n, root);
	if (r == 0 && nested)
		r = ms_source_set_where(src, MS_ROOT_SYS, sub);
	if (r == 0)
		r = ms_source_set_where(src, MS_ROOT_TOP, root);
	return r;
}

ms_source *ms_source_open_live(const char *proc_root, ms_error *err)
{
	const char *root = proc_root && *proc_root ? proc_root : "/proc";
	struct live *l = calloc(1, sizeof *l);
	ms_source *src = l ? ms_source_new(&live_ops, LIVE_CAPS, root, l) : NULL;

	if (!src) {
		free(l);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	l->fd[MS_ROOT_PROC] = l->fd[MS_ROOT_SYS] = l->fd[MS_ROOT_TOP] = -1;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ms_error_set(err, errno == ENOENT ? ENOENT : EACCES, 0, "%s: %s", root,
			     strerror(errno));
		free(l);
		free(src);
		return NULL;
	}
	l->real_proc = is_kernel_proc(fd);
	if (l->real_proc) {
		l->fd[MS_ROOT_PROC] = fd;
		l->fd[MS_ROOT_SYS] = open("/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		find_test_roots(l, fd);
	}
	ms_source_info *info = ms_source_info_of(src);
	ms_fill_host_info(info);
	ms_copy_field(info->container, sizeof info->container, "proc", 4);
	ms_copy_field(info->layout, sizeof info->layout, "proc-tree", 9);
	if (set_wheres(src, root, l) < 0) {
		ms_source_close(src);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	return src;
}
