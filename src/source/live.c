/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live system: files under /proc (or under another directory laid out
 * like it, for tests and --proc-root). Reads keep no state beyond the root
 * descriptor, so a pool of threads may read processes at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "priv.h"

struct live {
	int root_fd;
	bool real_proc; /* the root is the kernel's /proc, so libproc2 may list it */
};

static struct live *live_of(ms_source *src)
{
	return src->priv;
}

/* No link is followed, not even here: a --proc-root tree may hold links to
 * any file, and capture would copy what they point to. None of the files
 * read from the kernel's /proc is a link. */
static int live_open_file(ms_source *src, const char *relpath, ms_error *err)
{
	int fd = ms_open_beneath(live_of(src)->root_fd, relpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ms_errno_to_error(errno, relpath, err);
	return fd;
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
	int r = l->real_proc ? list_pids_libproc2(pids, n, err)
			     : ms_scan_pid_dirs(l->root_fd, pids, n, err);

	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return r;
	}
	ms_pids_sort_unique(*pids, n);
	return 0;
}

static void live_close(ms_source *src)
{
	close(live_of(src)->root_fd);
	free(src->priv);
}

static const ms_source_ops live_ops = {
	.list_pids = live_list_pids,
	.open_fd = live_open_file,
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

/* Live facts come from the host itself. */
static void live_fill_info(ms_source_info *info)
{
	struct utsname u;
	long ps = sysconf(_SC_PAGESIZE);

	if (uname(&u) == 0) {
		ms_copy_field(info->kernel, sizeof info->kernel, u.release, strlen(u.release));
		ms_copy_field(info->machine, sizeof info->machine, u.machine, strlen(u.machine));
	}
	if (gethostname(info->hostname, sizeof info->hostname) != 0)
		info->hostname[0] = '\0';
	info->hostname[sizeof info->hostname - 1] = '\0';
	ms_copy_field(info->container, sizeof info->container, "proc", 4);
	ms_copy_field(info->layout, sizeof info->layout, "proc-tree", 9);
	info->page_size = ps > 0 ? ps : 4096;
	info->page_size_origin = ps > 0 ? "sysconf" : "default";
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
	l->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->root_fd < 0) {
		ms_error_set(err, errno == ENOENT ? ENOENT : EACCES, 0, "%s: %s", root,
			     strerror(errno));
		free(l);
		free(src);
		return NULL;
	}
	l->real_proc = is_kernel_proc(l->root_fd);
	live_fill_info(&src->info);
	return src;
}
