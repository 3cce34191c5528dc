/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memscope capture: copies the memory files of a source (normally the live
 * /proc) into a snapshot directory or archive that memscope -s opens later,
 * on another machine. The output appears whole or not at all: it is
 * written under a temporary name in the same directory and renamed at the
 * end, and removed on any error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "memscope/capture.h"
#include "memscope/parse.h"

#ifndef MEMSCOPE_VERSION
#define MEMSCOPE_VERSION "unknown"
#endif

static const char *const system_files[] = {
	"meminfo", "vmstat", "buddyinfo", "pagetypeinfo", "zoneinfo", "slabinfo", "iomem",
	"vmallocinfo", "swaps", "version", "cmdline",
};

/* ---- where the output goes --------------------------------------------- */

enum out_kind { OUT_DIR, OUT_ARCHIVE, OUT_STDOUT };

struct out_plan {
	enum out_kind kind;
	int filter;           /* ARCHIVE_FILTER_* of an archive */
	char parent[PATH_MAX];
	char base[NAME_MAX + 1];
	char tmp[NAME_MAX + 32]; /* ".BASE.tmp.PID", next to the output */
	char top[NAME_MAX + 1];  /* folder every archive entry is under */
};

static const struct {
	const char *ext;
	int filter;
} archive_exts[] = {
	{ ".tar.gz", ARCHIVE_FILTER_GZIP }, { ".tgz", ARCHIVE_FILTER_GZIP },
	{ ".tar.xz", ARCHIVE_FILTER_XZ },   { ".tar.zst", ARCHIVE_FILTER_ZSTD },
	{ ".tar", ARCHIVE_FILTER_NONE },
};

static bool ends_with(const char *s, size_t len, const char *ext)
{
	size_t n = strlen(ext);
	return len > n && strcmp(s + len - n, ext) == 0;
}

/* Archive or directory by the name's ending; "board.tar.gz" holds its
 * files under "board/", so extracting it makes one folder. */
static void plan_kind(struct out_plan *p)
{
	size_t len = strlen(p->base);

	p->kind = OUT_DIR;
	snprintf(p->top, sizeof p->top, "%s", p->base);
	for (size_t i = 0; i < MS_ARRAY_LEN(archive_exts); i++) {
		if (!ends_with(p->base, len, archive_exts[i].ext))
			continue;
		p->kind = OUT_ARCHIVE;
		p->filter = archive_exts[i].filter;
		p->top[len - strlen(archive_exts[i].ext)] = '\0';
		return;
	}
}

static int plan_output(const char *out, struct out_plan *p, ms_error *err)
{
	char path[PATH_MAX];
	size_t len;

	memset(p, 0, sizeof *p);
	if (strcmp(out, "-") == 0) {
		p->kind = OUT_STDOUT;
		p->filter = ARCHIVE_FILTER_GZIP;
		snprintf(p->top, sizeof p->top, "snapshot");
		return 0;
	}
	len = strlen(out);
	if (len == 0 || len >= sizeof path)
		return ms_error_set(err, EINVAL, 0, "bad output path");
	memcpy(path, out, len + 1);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strlen(base) + 24 > NAME_MAX)
		return ms_error_set(err, EINVAL, 0, "%s: not a name for a new snapshot", out);
	ms_copy_field(p->base, sizeof p->base, base, strlen(base));
	if (!slash)
		snprintf(p->parent, sizeof p->parent, ".");
	else if (slash == path)
		snprintf(p->parent, sizeof p->parent, "/");
	else
		snprintf(p->parent, sizeof p->parent, "%.*s", (int)(slash - path), path);
	snprintf(p->tmp, sizeof p->tmp, ".%s.tmp.%ld", p->base, (long)getpid());
	plan_kind(p);
	return 0;
}

/* ---- removing a tree (our temporary, or a snapshot being replaced) -------- */

/* Never follows a symlink: a link inside is removed, not what it points to. */
static int rm_tree(int parent_fd, const char *name, int depth)
{
	struct stat st;

	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent_fd, name, 0) == 0 ? 0 : -errno;
	if (depth > 8)
		return -ELOOP;
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			r = rm_tree(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	if (r == 0 && unlinkat(parent_fd, name, AT_REMOVEDIR) != 0)
		r = -errno;
	return r;
}

/* ---- the two kinds of output behind one interface ------------------------ */

struct sink {
	int dir_fd;          /* directory output, else -1 */
	struct archive *ar;  /* archive output, else NULL */
	const char *top;
	time_t mtime;
	ms_error *err;
};

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* libarchive's own words are "Write error"; its errno says why (a full
 * disk, a closed pipe). */
static int archive_failed(struct sink *s, const char *what)
{
	int e = archive_errno(s->ar);

	if (e > 0)
		return ms_error_set(s->err, e, 0, "%s: %s", what, strerror(e));
	const char *why = archive_error_string(s->ar); /* may be NULL */
	return ms_error_set(s->err, EIO, 0, "%s: %s", what, why ? why : "archive write failed");
}

static int archive_put(struct sink *s, const char *rel, mode_t type, const char *data,
		       size_t len)
{
	struct archive_entry *e = archive_entry_new();
	char path[PATH_MAX];
	int r = 0;

	if (!e)
		return ms_error_set(s->err, ENOMEM, 0, "out of memory");
	snprintf(path, sizeof path, "%s/%s", s->top, rel);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0700 : 0600);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, s->mtime, 0);
	if (archive_write_header(s->ar, e) != ARCHIVE_OK)
		r = -1;
	while (r == 0 && len) {
		la_ssize_t w = archive_write_data(s->ar, data, len);
		if (w <= 0)
			r = -1;
		else {
			data += w;
			len -= (size_t)w;
		}
	}
	archive_entry_free(e);
	return r < 0 ? archive_failed(s, rel) : 0;
}

static int sink_mkdir(struct sink *s, const char *rel)
{
	if (s->ar)
		return archive_put(s, rel, AE_IFDIR, NULL, 0);
	if (mkdirat(s->dir_fd, rel, 0700) != 0)
		return ms_error_set(s->err, errno, 0, "%s: %s", rel, strerror(errno));
	return 0;
}

static int sink_put(struct sink *s, const char *rel, const char *data, size_t len)
{
	if (s->ar)
		return archive_put(s, rel, AE_IFREG, data, len);
	int fd = openat(s->dir_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);
	int r = fd < 0 ? -errno : write_all(fd, data, len);
	if (fd >= 0 && close(fd) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		return ms_error_set(s->err, -r, 0, "%s: %s", rel, strerror(-r));
	return 0;
}

/* ---- what is copied ------------------------------------------------------ */

/* A file that is missing or unreadable is left out, as in any snapshot.
 * Returns 1 when read, 0 when to be left out, <0 on failure. */
static int read_for_copy(ms_source *src, struct sink *s, const char *rel, ms_buf *b)
{
	ms_error rerr;
	int r = ms_source_read(src, rel, b, &rerr);

	if (r == -ENOMEM)
		return ms_error_set(s->err, ENOMEM, 0, "%s: out of memory", rel);
	return r < 0 ? 0 : 1;
}

static int copy_file(ms_source *src, struct sink *s, const char *rel, ms_buf *b)
{
	int r = read_for_copy(src, s, rel, b);

	if (r <= 0)
		return r;
	return sink_put(s, rel, b->data ? b->data : "", b->len);
}

/* Metadata values stay on their line whatever a hostname holds. */
static void put_meta_line(ms_buf *m, const char *key, const char *value)
{
	ms_buf_printf(m, "%s: ", key);
	for (const char *p = value; *p; p++)
		ms_buf_putc(m, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
	ms_buf_putc(m, '\n');
}

static int write_metadata(ms_source *src, struct sink *s)
{
	const ms_source_info *info = ms_source_get_info(src);
	char when[40], page[24];
	struct tm tm;
	ms_buf m = MS_BUF_INIT;

	if (info->captured_at[0])
		snprintf(when, sizeof when, "%s", info->captured_at);
	else if (!gmtime_r(&s->mtime, &tm) ||
		 !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		when[0] = '\0';
	snprintf(page, sizeof page, "%ld", info->page_size);
	put_meta_line(&m, "format", "memscope/1");
	put_meta_line(&m, "captured_at", when);
	put_meta_line(&m, "hostname", info->hostname);
	put_meta_line(&m, "kernel", info->kernel);
	put_meta_line(&m, "machine", info->machine);
	put_meta_line(&m, "page_size", page);
	put_meta_line(&m, "tool", "memscope " MEMSCOPE_VERSION);
	int r = m.data ? sink_put(s, "memscope-snapshot", m.data, m.len)
		       : ms_error_set(s->err, ENOMEM, 0, "out of memory");
	ms_buf_free(&m);
	return r;
}

static bool is_kernel_thread(const ms_buf *stat)
{
	ms_pid_stat st;
	ms_error err;

	return ms_parse_pid_stat(stat->data, stat->len, &st, &err) == 0 &&
	       (st.flags & MS_PF_KTHREAD);
}

/* The owners of the captured processes, for "memscope-users". */
struct uid_set {
	int64_t *uid;
	size_t n, cap;
};

static void uid_set_add_from_status(struct uid_set *u, const ms_buf *status)
{
	ms_pid_status st;
	ms_error err;

	if (ms_parse_pid_status(status->data, status->len, &st, &err) != 0 || st.uid == MS_NA)
		return;
	for (size_t i = 0; i < u->n; i++)
		if (u->uid[i] == st.uid)
			return;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		int64_t *p = realloc(u->uid, cap * sizeof *p);
		if (!p)
			return; /* a name shown as a number is no failure */
		u->uid = p;
		u->cap = cap;
	}
	u->uid[u->n++] = st.uid;
}

static int cmp_uid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Names as this machine knows them; a snapshot being captured again
 * passes on the names it came with. */
static int write_users(ms_source *src, struct sink *s, struct uid_set *u, ms_buf *b)
{
	if (!ms_source_can(src, MS_CAP_LOCAL_USERS))
		return copy_file(src, s, "memscope-users", b);
	qsort(u->uid, u->n, sizeof *u->uid, cmp_uid); /* as the script writes them */
	ms_buf_reset(b);
	for (size_t i = 0; i < u->n; i++) {
		struct passwd pw, *found = NULL;
		char pwbuf[2048];
		if (u->uid[i] >= 0 && u->uid[i] <= UINT32_MAX &&
		    getpwuid_r((uid_t)u->uid[i], &pw, pwbuf, sizeof pwbuf, &found) == 0 && found &&
		    !strpbrk(found->pw_name, " \t\n"))
			ms_buf_printf(b, "%lld %s\n", (long long)u->uid[i], found->pw_name);
	}
	return b->len ? sink_put(s, "memscope-users", b->data, b->len) : 0;
}

/* One process being copied. Its folder is made with its first file, so a
 * process that exited before we came leaves nothing behind. */
struct pid_copy {
	ms_source *src;
	struct sink *sink;
	ms_buf *buf; /* holds the file last read */
	char dir[16];
	bool made;
};

/* Returns 1 when copied, 0 when left out, <0 on failure. */
static int copy_pid_file(struct pid_copy *pc, const char *name)
{
	char rel[48];
	int r;

	snprintf(rel, sizeof rel, "%s/%s", pc->dir, name);
	r = read_for_copy(pc->src, pc->sink, rel, pc->buf);
	if (r <= 0)
		return r;
	if (!pc->made) {
		r = sink_mkdir(pc->sink, pc->dir);
		if (r < 0)
			return r;
		pc->made = true;
	}
	r = sink_put(pc->sink, rel, pc->buf->data ? pc->buf->data : "", pc->buf->len);
	return r < 0 ? r : 1;
}

static int capture_pid(ms_source *src, const ms_capture_opts *opts, struct sink *s, int pid,
		       ms_buf *b, struct uid_set *owners)
{
	const char *memory[] = {
		opts->no_cmdline ? NULL : "cmdline", "statm", "maps", "smaps_rollup",
		opts->no_smaps ? NULL : "smaps", "oom_score_adj",
	};
	struct pid_copy pc = { .src = src, .sink = s, .buf = b };
	int r;

	snprintf(pc.dir, sizeof pc.dir, "%d", pid);
	r = copy_pid_file(&pc, "stat");
	if (r < 0)
		return r;
	/* Kernel threads have no memory of their own to copy. */
	bool kthread = r == 1 && is_kernel_thread(b);
	if ((r = copy_pid_file(&pc, "status")) < 0)
		return r;
	if (r == 1 && !kthread)
		uid_set_add_from_status(owners, b);
	if ((r = copy_pid_file(&pc, "comm")) < 0)
		return r;
	for (size_t i = 0; !kthread && i < MS_ARRAY_LEN(memory); i++)
		if (memory[i] && (r = copy_pid_file(&pc, memory[i])) < 0)
			return r;
	return 0;
}

/* Asked to stop (main's SIGINT handler): the capture ends between two
 * processes and its temporary output is removed as on any error. */
static int check_stop(const ms_capture_opts *opts, struct sink *s)
{
	if (opts->stop && *opts->stop)
		return ms_error_set(s->err, EINTR, 0, "interrupted");
	return 0;
}

static int capture_into(ms_source *src, const ms_capture_opts *opts, struct sink *s)
{
	ms_buf b = MS_BUF_INIT;
	int *pids = NULL;
	size_t n = 0;
	ms_error lerr;
	/* The metadata file comes last, in a folder and in an archive: it is
	 * what says "a whole memscope snapshot", so a capture cut short (killed,
	 * the power lost) under its temporary name never claims to be one. */
	int r = 0;

	for (size_t i = 0; r >= 0 && i < MS_ARRAY_LEN(system_files); i++)
		r = copy_file(src, s, system_files[i], &b);
	if (r >= 0 && ms_source_list_pids(src, &pids, &n, &lerr) < 0)
		r = ms_error_set(s->err, lerr.code, 0, "%s", lerr.msg);
	struct uid_set owners = { 0 };
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = check_stop(opts, s);
		if (r >= 0)
			r = capture_pid(src, opts, s, pids[i], &b, &owners);
	}
	if (r >= 0)
		r = write_users(src, s, &owners, &b);
	free(owners.uid);
	free(pids);
	ms_buf_free(&b);
	if (r >= 0)
		r = check_stop(opts, s);
	if (r >= 0)
		r = write_metadata(src, s);
	return r < 0 ? r : 0;
}

/* ---- the archive writer ---------------------------------------------------- */

/* Named one by one rather than through archive_write_add_filter(), which
 * would link every compressor libarchive has. */
static int add_filter(struct archive *ar, int filter)
{
	switch (filter) {
	case ARCHIVE_FILTER_NONE: return ARCHIVE_OK;
	case ARCHIVE_FILTER_GZIP: return archive_write_add_filter_gzip(ar);
	case ARCHIVE_FILTER_XZ: return archive_write_add_filter_xz(ar);
	case ARCHIVE_FILTER_ZSTD: return archive_write_add_filter_zstd(ar);
	default: return ARCHIVE_FATAL;
	}
}

static int archive_begin(struct sink *s, int fd, int filter)
{
	s->ar = archive_write_new();
	if (!s->ar)
		return ms_error_set(s->err, ENOMEM, 0, "out of memory");
	if (archive_write_set_format_pax_restricted(s->ar) != ARCHIVE_OK ||
	    add_filter(s->ar, filter) != ARCHIVE_OK ||
	    archive_write_open_fd(s->ar, fd) != ARCHIVE_OK)
		return archive_failed(s, "archive");
	return archive_put(s, "", AE_IFDIR, NULL, 0); /* "top/" */
}

/* Flushes the compressor and the last block; a full disk shows up here. */
static int archive_end(struct sink *s, int r)
{
	if (!s->ar)
		return r;
	if (archive_write_close(s->ar) != ARCHIVE_OK && r >= 0)
		r = archive_failed(s, "the end of the archive");
	archive_write_free(s->ar);
	s->ar = NULL;
	return r;
}

static int capture_stdout(ms_source *src, const ms_capture_opts *opts, struct out_plan *p,
			  struct sink *s)
{
	if (isatty(STDOUT_FILENO))
		return ms_error_set(s->err, EINVAL, 0,
				    "not writing an archive to a terminal; "
				    "redirect it (> board.tar.gz)");
	int r = archive_begin(s, STDOUT_FILENO, p->filter);
	if (r >= 0)
		r = capture_into(src, opts, s);
	return archive_end(s, r);
}

/* ---- atomic creation and replacement -------------------------------------- */

/* An existing output stays unless forced; even then a directory is only
 * replaced when it is one of our snapshots, never any folder a typo names. */
static int check_existing(int parent_fd, const struct out_plan *p, bool force,
			  const char *out, bool *exists, ms_error *err)
{
	struct stat st;

	*exists = fstatat(parent_fd, p->base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!*exists)
		return 0;
	if (!force)
		return ms_error_set(err, EEXIST, 0, "%s: already exists (--force replaces it)",
				    out);
	if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(parent_fd, p->base,
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		bool ours = fd >= 0 && fstatat(fd, "memscope-snapshot", &st,
					       AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
		if (fd >= 0)
			close(fd);
		if (ours)
			return 0;
	}
	return ms_error_set(err, EEXIST, 0,
			    "%s: exists and is not a memscope snapshot; not replacing it", out);
}

static int make_temp(int parent_fd, const struct out_plan *p, struct sink *s, int *file_fd)
{
	*file_fd = -1;
	if (p->kind == OUT_DIR) {
		if (mkdirat(parent_fd, p->tmp, 0700) != 0)
			return ms_error_set(s->err, errno, 0, "%s/%s: %s", p->parent,
					    p->tmp, strerror(errno));
		s->dir_fd = openat(parent_fd, p->tmp,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s->dir_fd < 0)
			return ms_error_set(s->err, errno, 0, "%s: %s", p->tmp,
					    strerror(errno));
		return 0;
	}
	*file_fd = openat(parent_fd, p->tmp,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*file_fd < 0)
		return ms_error_set(s->err, errno, 0, "%s/%s: %s", p->parent, p->tmp,
				    strerror(errno));
	return archive_begin(s, *file_fd, p->filter);
}

/* rename() replaces a file in one step; a directory cannot be renamed over
 * a non-empty one, so the old snapshot is moved aside first. */
static int move_into_place(int parent_fd, const struct out_plan *p, bool exists,
			   ms_error *err)
{
	char old[NAME_MAX + 32];
	struct stat st;

	bool old_is_dir = exists && fstatat(parent_fd, p->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			  S_ISDIR(st.st_mode);

	if (!exists || (p->kind != OUT_DIR && !old_is_dir)) {
		if (renameat(parent_fd, p->tmp, parent_fd, p->base) != 0)
			return ms_error_set(err, errno, 0, "%s: %s", p->base,
					    strerror(errno));
		return 0;
	}
	snprintf(old, sizeof old, ".%s.old.%ld", p->base, (long)getpid());
	if (renameat(parent_fd, p->base, parent_fd, old) != 0)
		return ms_error_set(err, errno, 0, "%s: %s", p->base, strerror(errno));
	if (renameat(parent_fd, p->tmp, parent_fd, p->base) != 0) {
		int e = errno;
		if (renameat(parent_fd, old, parent_fd, p->base) != 0)
			e = errno;
		return ms_error_set(err, e, 0, "%s: %s", p->base, strerror(e));
	}
	rm_tree(parent_fd, old, 0);
	return 0;
}

/* On disk before the rename, so the name never points at a short file. */
static int finish_file(int file_fd, const char *name, int r, ms_error *err)
{
	if (r >= 0 && fsync(file_fd) != 0)
		r = ms_error_set(err, errno, 0, "%s: %s", name, strerror(errno));
	if (close(file_fd) != 0 && r >= 0)
		r = ms_error_set(err, errno, 0, "%s: %s", name, strerror(errno));
	return r;
}

static int capture_to_path(ms_source *src, const ms_capture_opts *opts,
			   const struct out_plan *p, struct sink *s)
{
	bool exists;
	int file_fd;
	int parent_fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (parent_fd < 0)
		return ms_error_set(s->err, errno, 0, "%s: %s", p->parent,
				    strerror(errno));
	int r = check_existing(parent_fd, p, opts->force, opts->out, &exists, s->err);
	if (r >= 0) {
		r = make_temp(parent_fd, p, s, &file_fd);
		if (r >= 0)
			r = capture_into(src, opts, s);
		r = archive_end(s, r);
		if (file_fd >= 0)
			r = finish_file(file_fd, p->tmp, r, s->err);
		if (s->dir_fd >= 0)
			close(s->dir_fd);
		if (r >= 0)
			r = move_into_place(parent_fd, p, exists, s->err);
		if (r < 0)
			rm_tree(parent_fd, p->tmp, 0);
	}
	close(parent_fd);
	return r;
}

int ms_capture(ms_source *src, const ms_capture_opts *opts, ms_error *err)
{
	struct out_plan p;
	struct sink s = { .dir_fd = -1, .mtime = time(NULL), .err = err };
	const char *out = opts && opts->out ? opts->out : NULL;

	if (!out)
		return ms_error_set(err, EINVAL, 0, "no output given (-o PATH)");
	int r = plan_output(out, &p, err);
	if (r < 0)
		return r;
	s.top = p.top;
	if (p.kind == OUT_STDOUT)
		return capture_stdout(src, opts, &p, &s);
	return capture_to_path(src, opts, &p, &s);
}
