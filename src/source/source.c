/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The public face of the source layer: opening a snapshot of whichever
 * kind, the three roots a path may name, the checks every read goes
 * through, what a snapshot says the capture could not read, the line
 * splitter, and what a snapshot says about the machine it came from.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "memscope/parse.h"
#include "priv.h"

ms_source *ms_source_new(const ms_source_ops *ops, unsigned caps, const char *path, void *priv)
{
	ms_source *src = calloc(1, sizeof *src);

	if (!src)
		return NULL;
	src->ops = ops;
	src->priv = priv;
	src->info.caps = caps;
	ms_copy_field(src->info.path, sizeof src->info.path, path, strlen(path));
	src->info.page_size = 4096;
	src->info.page_size_origin = "default";
	return src;
}

void *ms_source_priv(const ms_source *src)
{
	return src->priv;
}

ms_source_info *ms_source_info_of(ms_source *src)
{
	return &src->info;
}

/* "-" is standard input; a FIFO is opened (waiting for its writer) and
 * read as it comes, like a pipe. */
ms_source *ms_source_open_snapshot(const char *path, ms_error *err)
{
	struct stat st;

	if (!path || !*path) {
		ms_error_set(err, EINVAL, 0, "snapshot: empty path");
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		if (isatty(STDIN_FILENO)) {
			ms_error_set(err, EINVAL, 0,
				     "-: standard input is a terminal; pipe a snapshot archive "
				     "into it (... | memscope -s -)");
			return NULL;
		}
		return ms_source_open_fd(STDIN_FILENO, "-", err);
	}
	if (stat(path, &st) != 0) {
		ms_path_error(errno, path, err);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		return ms_snapdir_open(path, err);
	if (S_ISREG(st.st_mode))
		return ms_path_is_recording(path)  ? ms_recording_open(path, err)
		       : ms_path_is_text_log(path) ? ms_source_open_kernlog(path, err)
						   : ms_tar_open(path, err);
	if (S_ISFIFO(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ms_path_error(errno, path, err);
			return NULL;
		}
		ms_source *src = ms_source_open_fd(fd, path, err);
		close(fd);
		return src;
	}
	ms_error_set(err, EINVAL, 0, "%s: not a directory, an archive or a pipe", path);
	return NULL;
}

ms_source *ms_source_open_fd(int fd, const char *name, ms_error *err)
{
	/* Read whole as it comes, then held in memory: read-only from then
	 * on, so any number of threads may read it. */
	return ms_tar_open_fd(fd, name && *name ? name : "-", MS_CAP_STREAM | MS_CAP_PARALLEL,
			      err);
}

void ms_source_close(ms_source *src)
{
	if (!src)
		return;
	src->ops->close(src);
	for (size_t i = 0; i < MS_ARRAY_LEN(src->where); i++)
		free(src->where[i]);
	ms_unread_free(&src->unread.list);
	free(src);
}

const ms_source_info *ms_source_get_info(const ms_source *src)
{
	return &src->info;
}

bool ms_source_can(const ms_source *src, unsigned cap)
{
	return (src->info.caps & cap) == cap;
}

const char *ms_source_kind_name(const ms_source_info *info)
{
	return info->caps & MS_CAP_REFRESH ? "live" : "snapshot";
}

/* Paths come from our own code, but a snapshot must never be a way to
 * read outside itself, so the rule is enforced once, here, for all kinds. */
static int check_relpath(const char *relpath, ms_error *err)
{
	size_t len = relpath ? strlen(relpath) : 0;

	if (len == 0 || len >= PATH_MAX || relpath[0] == '/')
		return ms_error_set(err, EINVAL, 0, "%s: not a relative path",
				    relpath ? relpath : "(null)");
	for (const char *p = relpath;; p++) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return ms_error_set(err, EINVAL, 0, "%s: \"..\" not allowed", relpath);
		p = strchr(p, '/');
		if (!p)
			return 0;
	}
}

/* ---- the three roots --------------------------------------------------------- */

static bool is_under(const char *relpath, const char *name, const char **below)
{
	size_t n = strlen(name);

	if (strncmp(relpath, name, n) != 0 || (relpath[n] != '/' && relpath[n] != '\0'))
		return false;
	*below = relpath[n] && relpath[n + 1] ? relpath + n + 1 : ".";
	return true;
}

enum ms_root ms_path_root(const char *relpath, const char **below)
{
	if (is_under(relpath, "sys", below))
		return MS_ROOT_SYS;
	if (is_under(relpath, "proc", below))
		return MS_ROOT_PROC;
	*below = relpath;
	if (strncmp(relpath, "memscope-", 9) == 0 && !strchr(relpath, '/'))
		return MS_ROOT_TOP;
	return MS_ROOT_PROC;
}

int ms_source_set_where(ms_source *src, enum ms_root root, const char *where)
{
	char *copy = NULL;

	if (where) {
		size_t n = strlen(where);
		while (n > 1 && where[n - 1] == '/')
			n--; /* "board/" names the folder: no "board//meminfo" */
		copy = strndup(where, n);
		if (!copy)
			return -ENOMEM;
	}
	free(src->where[root]);
	src->where[root] = copy;
	return 0;
}

const char *ms_source_where(const ms_source *src, const char *relpath, char *buf, size_t cap)
{
	const char *below;
	enum ms_root root = ms_path_root(relpath, &below);
	const char *base = src->where[root];

	if (!base && root == MS_ROOT_TOP)
		base = src->where[MS_ROOT_PROC];
	if (!base) {
		/* No such root (a snapshot without sys/): where it would be. */
		base = src->info.path;
		below = relpath;
	}
	size_t n = strlen(base);
	bool joined = n && (base[n - 1] == '/' || base[n - 1] == ':');
	if (strcmp(below, ".") == 0)
		snprintf(buf, cap, "%s", base);
	else
		snprintf(buf, cap, "%s%s%s", base, joined ? "" : "/", below);
	return buf;
}

/* ---- what the capture could not read ------------------------------------------ */

static bool pid_listed(const ms_unread_entry *e, int pid)
{
	size_t lo = 0, hi = e->npids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->pids[mid] == pid)
			return true;
		if (e->pids[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* path is name itself or below it ("sys/kernel/debug" holds
 * "sys/kernel/debug/cma/x"). */
static bool names_or_holds(const char *name, const char *path)
{
	size_t n = strlen(name);

	return strncmp(path, name, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const char *unread_reason(const ms_source *src, const char *relpath)
{
	const char *below, *ebelow, *slash;
	enum ms_root root = ms_path_root(relpath, &below);
	int pid;

	for (size_t i = 0; i < src->unread.list.n; i++) {
		const ms_unread_entry *e = &src->unread.list.e[i];
		if (e->pids) {
			slash = root == MS_ROOT_PROC ? strchr(below, '/') : NULL;
			if (slash && ms_pid_name(below, (size_t)(slash - below), &pid) &&
			    names_or_holds(e->path + 2, slash + 1) && pid_listed(e, pid))
				return e->reason;
		} else if (ms_path_root(e->path, &ebelow) == root &&
			   names_or_holds(ebelow, below)) {
			return e->reason;
		}
	}
	return NULL;
}

/* A file missing from a snapshot because the capture could not read it
 * says so, and why: it is not "not in snapshot". */
static int unless_unread(ms_source *src, const char *relpath, int rc, ms_error *err)
{
	const char *why = rc == -ENOENT && src->unread.list.n ? unread_reason(src, relpath) : NULL;

	if (!why)
		return rc;
	return ms_error_set(err, EACCES, 0, "%s: not readable when captured (%s)", relpath, why);
}

/* ---- reading ------------------------------------------------------------------ */

static int read_checked(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	if (!src->ops->open_fd)
		return src->ops->read(src, relpath, out, err);
	int fd = src->ops->open_fd(src, relpath, err);
	if (fd < 0)
		return fd;
	int r = ms_fd_read_all(fd, relpath, out, err);
	close(fd);
	return r;
}

int ms_source_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	int r = check_relpath(relpath, err);

	if (r < 0)
		return r;
	ms_buf_reset(out);
	r = read_checked(src, relpath, out, err);
	return r < 0 ? unless_unread(src, relpath, r, err) : r;
}

/* A file-backed source streams from an fd, read ahead on a second thread
 * when asked; one held in memory streams from there. */
static int stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx, bool ahead,
		  ms_error *err)
{
	int r = check_relpath(relpath, err);

	if (r < 0)
		return r;
	if (!src->ops->open_fd) {
		r = src->ops->stream(src, relpath, fn, ctx, err);
		return r == -ENOENT ? unless_unread(src, relpath, r, err) : r;
	}
	int fd = src->ops->open_fd(src, relpath, err);
	if (fd < 0)
		return unless_unread(src, relpath, fd, err);
	r = ahead ? ms_fd_stream_ahead(fd, relpath, fn, ctx, err)
		  : ms_fd_stream(fd, relpath, fn, ctx, err);
	close(fd);
	return r;
}

int ms_source_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		     ms_error *err)
{
	return stream(src, relpath, fn, ctx, false, err);
}

int ms_source_stream_ahead(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
			   ms_error *err)
{
	return stream(src, relpath, fn, ctx, true, err);
}

int ms_source_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	*pids = NULL;
	*n = 0;
	return src->ops->list_pids(src, pids, n, err);
}

void ms_source_list_pids_by_readdir(ms_source *src)
{
	src->pids_by_readdir = true;
}

int ms_source_refresh(ms_source *src, ms_error *err)
{
	return src->ops->refresh ? src->ops->refresh(src, err) : 0;
}

size_t ms_source_sample_count(const ms_source *src)
{
	return src->ops->sample_count ? src->ops->sample_count(src) : 1;
}

int ms_source_select(ms_source *src, size_t index, ms_error *err)
{
	if (src->ops->select)
		return src->ops->select(src, index, err);
	if (index == 0)
		return 0;
	return ms_error_set(err, ERANGE, 0, "%s: holds one sample, not %zu", src->info.path,
			    index + 1);
}

int64_t ms_source_sample_captured_ns(const ms_source *src, size_t index)
{
	int64_t ns;

	if (src->ops->sample_captured_ns)
		return src->ops->sample_captured_ns(src, index);
	if (index != 0 || !src->info.captured_at[0] ||
	    ms_parse_iso8601(src->info.captured_at, strlen(src->info.captured_at), &ns) != 0)
		return MS_NA;
	return ns;
}

size_t ms_source_selected(const ms_source *src)
{
	return src->ops->selected ? src->ops->selected(src) : 0;
}

bool ms_source_torn_tail(const ms_source *src, char *why, size_t cap)
{
	if (why && cap)
		why[0] = '\0';
	return src->ops->torn_tail ? src->ops->torn_tail(src, why, cap) : false;
}

int ms_sample_pick_parse(const char *text, ms_sample_pick *out)
{
	size_t len = strlen(text);
	uint64_t index;
	const char *p = text;

	*out = (ms_sample_pick){ .kind = MS_PICK_LAST, .text = text };
	if (strcmp(text, "last") == 0)
		return 0;
	/* Digits alone are an index; a time always has its dashes. */
	if (len > 0 && strspn(text, "0123456789") == len) {
		if (!ms_parse_u64(&p, text + len, &index) || p != text + len || index > SIZE_MAX - 2)
			return -EINVAL;
		out->kind = MS_PICK_INDEX;
		out->index = (size_t)index;
		return 0;
	}
	if (ms_parse_iso8601(text, len, &out->ns) != 0)
		return -EINVAL;
	out->kind = MS_PICK_TIME;
	return 0;
}

size_t ms_source_sample_at(const ms_source *src, int64_t ns)
{
	size_t n = ms_source_sample_count(src), best = 0;

	if (n == 0)
		return SIZE_MAX;
	/* Samples are in the order taken; a clock stepped back keeps the
	 * last one at or before ns. */
	for (size_t i = 0; i < n; i++) {
		int64_t t = ms_source_sample_captured_ns(src, i);
		if (t != MS_NA && t <= ns)
			best = i;
	}
	return best;
}

/* ---- directories ------------------------------------------------------------ */

int ms_dirlist_add(ms_dirlist *l, const char *name, size_t len, bool is_dir)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		ms_dirent *e = realloc(l->e, cap * sizeof *e);
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	char *copy = strndup(name, len);
	if (!copy)
		return -ENOMEM;
	l->e[l->n++] = (ms_dirent){ copy, is_dir };
	return 0;
}

void ms_dirlist_free(ms_dirlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
	memset(l, 0, sizeof *l);
}

static int cmp_dirent(const void *a, const void *b)
{
	return strcmp(((const ms_dirent *)a)->name, ((const ms_dirent *)b)->name);
}

int ms_source_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	int r = check_relpath(reldir, err);

	memset(out, 0, sizeof *out);
	if (r < 0)
		return r;
	if (!src->ops->list_dir)
		return unless_unread(src, reldir,
				     ms_error_set(err, ENOENT, 0, "%s: not in this source", reldir),
				     err);
	r = src->ops->list_dir(src, reldir, out, err);
	if (r < 0) {
		ms_dirlist_free(out);
		return unless_unread(src, reldir, r, err);
	}
	if (out->n)
		qsort(out->e, out->n, sizeof *out->e, cmp_dirent);
	return 0;
}

int ms_source_read_link(ms_source *src, const char *relpath, char *out, size_t cap,
			ms_error *err)
{
	int r = check_relpath(relpath, err);

	if (cap)
		out[0] = '\0';
	if (r < 0)
		return r;
	if (!src->ops->read_link || cap == 0)
		return ms_error_set(err, ENOSYS, 0, "%s: no links in this source", relpath);
	return src->ops->read_link(src, relpath, out, cap, err);
}

/* ---- helpers shared by the kinds ----------------------------------------- */

bool ms_pid_name(const char *s, size_t len, int *pid)
{
	long v = 0;

	if (len == 0 || len > 9 || s[0] == '0')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*pid = (int)v;
	return true;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

void ms_pids_sort_unique(int *pids, size_t *n)
{
	size_t out = 0;

	if (*n == 0)
		return;
	qsort(pids, *n, sizeof *pids, cmp_int);
	for (size_t i = 0; i < *n; i++)
		if (out == 0 || pids[out - 1] != pids[i])
			pids[out++] = pids[i];
	*n = out;
}

int ms_pids_push(int **pids, size_t *n, size_t *cap, int pid)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		int *p = realloc(*pids, c * sizeof *p);
		if (!p)
			return -ENOMEM;
		*pids = p;
		*cap = c;
	}
	(*pids)[(*n)++] = pid;
	return 0;
}

int ms_errno_to_error(int e, const char *relpath, ms_error *err)
{
	switch (e) {
	case ENOENT:
		return ms_error_set(err, ENOENT, 0, "%s: no such file", relpath);
	case ESRCH: /* the process exited between listing and reading */
		return ms_error_set(err, ENOENT, 0, "%s: no such process (it exited)", relpath);
	case EACCES:
	case EPERM:
		/* Root told "needs root" would look for a fix that is not there. */
		return ms_error_set(err, EACCES, 0, "%s: %s", relpath,
				    geteuid() == 0 ? "permission denied, even to root"
						   : "permission denied (needs root)");
	case ENOMEM:
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", relpath);
	case ELOOP:
	case EXDEV: /* RESOLVE_BENEATH: the path leads out of the root */
		return ms_error_set(err, EINVAL, 0, "%s: a symbolic link; not followed", relpath);
	default:
		return ms_error_set(err, EIO, 0, "%s: %s", relpath, strerror(e));
	}
}

int ms_snapshot_errno_to_error(int e, const char *relpath, ms_error *err)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ms_error_set(err, ENOENT, 0, "%s: not in snapshot", relpath);
	case EACCES:
	case EPERM:
		/* Our own account may not read it: that is no "needs root". */
		return ms_error_set(err, EACCES, 0, "%s: not readable (permission denied)",
				    relpath);
	default:
		return ms_errno_to_error(e, relpath, err);
	}
}

int ms_path_error(int e, const char *path, ms_error *err)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ms_error_set(err, ENOENT, 0, "%s: no such file or directory", path);
	case EACCES:
	case EPERM:
		return ms_error_set(err, EACCES, 0, "%s: not readable (permission denied)", path);
	case ENOMEM:
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", path);
	default:
		return ms_error_set(err, EIO, 0, "%s: %s", path, strerror(e));
	}
}

static bool is_dir_at(int dir_fd, const char *name, bool follow)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static bool is_file_at(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* d_type says what an entry is on most file systems; DT_UNKNOWN (and a
 * link the kernel's trees may follow) asks stat. */
static int list_entry(int dir_fd, const struct dirent *de, bool follow, ms_dirlist *out)
{
	const char *name = de->d_name;
	bool is_dir;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	switch (de->d_type) {
	case DT_DIR:
		is_dir = true;
		break;
	case DT_REG:
		is_dir = false;
		break;
	case DT_UNKNOWN:
		is_dir = is_dir_at(dir_fd, name, follow);
		if (!follow && !is_dir && !is_file_at(dir_fd, name))
			return 0;
		break;
	default:
		if (!follow)
			return 0; /* a link, a FIFO, a device: not in a snapshot */
		is_dir = de->d_type == DT_LNK && is_dir_at(dir_fd, name, true);
		break;
	}
	return ms_dirlist_add(out, name, strlen(name), is_dir);
}

int ms_fd_list_dir(int dir_fd, bool follow, const char *reldir, ms_dirlist *out,
		   ms_error *err)
{
	DIR *d = fdopendir(dir_fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		int e = errno;
		close(dir_fd);
		return ms_errno_to_error(e, reldir, err);
	}
	/* errno is readdir's only: a stat of an entry that vanished meanwhile
	 * (a process exiting) is no failure of the listing. */
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		r = list_entry(dirfd(d), de, follow, out);
		if (r != 0)
			break;
	}
	if (r == 0 && errno != 0)
		r = ms_errno_to_error(errno, reldir, err);
	else if (r < 0)
		r = ms_error_set(err, ENOMEM, 0, "%s: out of memory", reldir);
	closedir(d);
	return r;
}

ssize_t ms_read_retry(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* /proc files say st_size 0, so the only way to the end is reading on. */
int ms_fd_read_all(int fd, const char *relpath, ms_buf *out, ms_error *err)
{
	for (;;) {
		if (out->len >= MS_FILE_CAP)
			return ms_error_set(err, EFBIG, 0, "%s: more than %zu MiB", relpath,
					    MS_FILE_CAP >> 20);
		if (ms_buf_reserve(out, MS_CHUNK) != 0)
			return ms_errno_to_error(ENOMEM, relpath, err);
		ssize_t r = ms_read_retry(fd, out->data + out->len, MS_CHUNK);
		if (r < 0)
			return ms_errno_to_error(errno, relpath, err);
		if (r == 0)
			return 0;
		out->len += (size_t)r;
		out->data[out->len] = '\0';
	}
}

int ms_fd_stream(int fd, const char *relpath, ms_chunk_fn fn, void *ctx, ms_error *err)
{
	char *chunk = malloc(MS_CHUNK);
	size_t total = 0;
	int ret = 0;

	if (!chunk)
		return ms_errno_to_error(ENOMEM, relpath, err);
	for (;;) {
		ssize_t r = ms_read_retry(fd, chunk, MS_CHUNK);
		if (r <= 0) {
			if (r < 0)
				ret = ms_errno_to_error(errno, relpath, err);
			break;
		}
		total += (size_t)r;
		if (total > MS_FILE_CAP) {
			ret = ms_error_set(err, EFBIG, 0, "%s: more than %zu MiB", relpath,
					   MS_FILE_CAP >> 20);
			break;
		}
		ret = fn(ctx, chunk, (size_t)r);
		if (ret != 0)
			break;
	}
	free(chunk);
	return ret;
}

/* ---- line splitter --------------------------------------------------------- */

void ms_line_splitter_init(ms_line_splitter *s, ms_line_fn fn, void *ctx, size_t max_line)
{
	s->partial = (ms_buf)MS_BUF_INIT;
	s->fn = fn;
	s->ctx = ctx;
	s->max_line = max_line;
}

/* Completes the held partial line with the first piece of a chunk. */
static int splitter_join(ms_line_splitter *s, const char *data, size_t n)
{
	if (s->partial.len + n > s->max_line)
		return -EFBIG;
	if (ms_buf_append(&s->partial, data, n) != 0)
		return -ENOMEM;
	int r = s->fn(s->ctx, s->partial.data, s->partial.len);
	ms_buf_reset(&s->partial);
	return r;
}

int ms_line_splitter_feed(void *splitter, const char *data, size_t len)
{
	ms_line_splitter *s = splitter;
	const char *p = data, *end = data + len;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		size_t n = (size_t)(nl - p);
		if (s->partial.len)
			r = splitter_join(s, p, n);
		else
			r = n > s->max_line ? -EFBIG : s->fn(s->ctx, p, n);
		if (r != 0)
			return r;
		p = nl + 1;
	}
	if (p == end)
		return 0;
	if (s->partial.len + (size_t)(end - p) > s->max_line)
		return -EFBIG;
	return ms_buf_append(&s->partial, p, (size_t)(end - p));
}

int ms_line_splitter_finish(ms_line_splitter *s)
{
	int r = 0;

	if (s->partial.len)
		r = s->fn(s->ctx, s->partial.data, s->partial.len);
	ms_buf_reset(&s->partial);
	return r;
}

void ms_line_splitter_free(ms_line_splitter *s)
{
	ms_buf_free(&s->partial);
}

/* ---- what a snapshot says about its machine -------------------------------- */

static bool fill_from_meta(ms_source *src, ms_buf *b)
{
	ms_snapshot_meta m;
	ms_error err;
	ms_source_info *info = &src->info;

	if (ms_source_read(src, "memscope-snapshot", b, &err) < 0)
		return false;
	/* The file is there, so this is our layout even if a line is bad;
	 * what was not parsed is found the other ways below. */
	ms_copy_field(info->layout, sizeof info->layout, "memscope", 8);
	if (ms_parse_snapshot_meta(b->data, b->len, &m, &err) < 0)
		return false;
	ms_copy_field(info->kernel, sizeof info->kernel, m.kernel, strlen(m.kernel));
	ms_copy_field(info->machine, sizeof info->machine, m.machine, strlen(m.machine));
	ms_copy_field(info->hostname, sizeof info->hostname, m.hostname, strlen(m.hostname));
	ms_copy_field(info->captured_at, sizeof info->captured_at, m.captured_at,
		      strlen(m.captured_at));
	if (m.page_size != MS_NA) {
		info->page_size = (long)m.page_size;
		info->page_size_origin = "metadata";
	}
	return true;
}

static void fill_kernel_from_version(ms_source *src, ms_buf *b)
{
	ms_error err;

	if (src->info.kernel[0] || ms_source_read(src, "version", b, &err) < 0)
		return;
	ms_parse_version(b->data, b->len, src->info.kernel, sizeof src->info.kernel);
}

struct kps_search {
	int64_t kb; /* MS_NA until found */
};

/* "KernelPageSize:        4 kB" */
static int kps_line(void *ctx, const char *line, size_t len)
{
	static const char key[] = "KernelPageSize:";
	struct kps_search *k = ctx;
	const char *p = line + sizeof key - 1, *end = line + len;
	int64_t v;

	if (len < sizeof key - 1 || memcmp(line, key, sizeof key - 1) != 0)
		return 0;
	if (ms_parse_i64(&p, end, &v) && v > 0 && v <= (1 << 20) && (v & (v - 1)) == 0) {
		k->kb = v;
		return 1; /* found: stop reading */
	}
	return 0;
}

static int64_t kernel_page_size_kb(ms_source *src, const char *relpath)
{
	struct kps_search k = { MS_NA };
	ms_line_splitter s;
	ms_error err;

	ms_line_splitter_init(&s, kps_line, &k, 4096);
	if (ms_source_stream(src, relpath, ms_line_splitter_feed, &s, &err) == 0)
		ms_line_splitter_finish(&s);
	ms_line_splitter_free(&s);
	return k.kb;
}

/* smaps of older captures still say which pages the kernel used. Kernel
 * threads have none, so a few processes are tried; not all, to stay quick
 * on a big archive of a machine that had no smaps captured. */
static void fill_page_size_from_smaps(ms_source *src)
{
	static const char *const names[] = { "smaps", "smaps_rollup" };
	int *pids = NULL;
	size_t n = 0;
	ms_error err;

	if (ms_source_list_pids(src, &pids, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n && i < 64; i++) {
		for (size_t j = 0; j < MS_ARRAY_LEN(names); j++) {
			char rel[32];
			snprintf(rel, sizeof rel, "%d/%s", pids[i], names[j]);
			int64_t kb = kernel_page_size_kb(src, rel);
			if (kb != MS_NA) {
				src->info.page_size = (long)kb * 1024;
				src->info.page_size_origin = "smaps KernelPageSize";
				free(pids);
				return;
			}
		}
	}
	free(pids);
}

/* A file that does not parse is as good as none: the files it names are
 * then "not in snapshot", as they were before the file existed. */
static void load_unread(ms_source *src, ms_buf *b)
{
	ms_error err;

	if (src->unread.loaded)
		return;
	src->unread.loaded = true;
	if (ms_source_read(src, "memscope-unread", b, &err) == 0)
		ms_parse_unread(b->data ? b->data : "", b->len, &src->unread.list, &err);
}

void ms_source_fill_snapshot_info(ms_source *src)
{
	ms_buf b = MS_BUF_INIT;
	bool meta_page_size;

	load_unread(src, &b);

	src->info.page_size = 4096;
	src->info.page_size_origin = "default";
	fill_from_meta(src, &b);
	meta_page_size = strcmp(src->info.page_size_origin, "metadata") == 0;
	fill_kernel_from_version(src, &b);
	if (!meta_page_size)
		fill_page_size_from_smaps(src);
	if (!src->info.layout[0])
		ms_copy_field(src->info.layout, sizeof src->info.layout, "proc-tree", 9);
	ms_buf_free(&b);
}

void ms_fill_host_info(ms_source_info *info)
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
	info->page_size = ps > 0 ? ps : 4096;
	info->page_size_origin = ps > 0 ? "sysconf" : "default";
}

static bool is_real_dir(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Numeric subdirectories (not symlinks to them), unsorted. */
int ms_scan_pid_dirs(int dir_fd, int **pids, size_t *n, ms_error *err)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t cap = 0;
	int pid;

	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ms_errno_to_error(e, ".", err);
	}
	while ((de = readdir(d)) != NULL) {
		if (!ms_pid_name(de->d_name, strlen(de->d_name), &pid))
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || !is_real_dir(dir_fd, de->d_name)))
			continue;
		if (ms_pids_push(pids, n, &cap, pid) < 0) {
			closedir(d);
			return ms_error_set(err, ENOMEM, 0, "process list: out of memory");
		}
	}
	closedir(d);
	return 0;
}
