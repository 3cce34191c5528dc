/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memscope capture: copies the memory files of a source (normally the live
 * /proc and /sys) into a snapshot directory or archive that memscope -s
 * opens later, on another machine. The output appears whole or not at
 * all: it is written under a temporary name in the same directory and
 * renamed at the end, and removed on any error. What could not be read is
 * written down (memscope-unread) and summed up for the user.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "memscope/capture.h"
#include "memscope/parse.h"
#include "unread.h"

#ifndef MEMSCOPE_VERSION
#define MEMSCOPE_VERSION "unknown"
#endif

/* ---- what is copied -------------------------------------------------------- */

/*
 * One row per file, per-process file or folder, in the shape of the rows of
 * the catalogue of kernel files (a relative path of source.h and flags),
 * so that the catalogue can take this table's place.
 */
enum row_flags {
	ROW_PER_PID = 1u << 0, /* below each process: "smaps" is "123/smaps" */
	ROW_TREE = 1u << 1,    /* a folder, copied through its listing: files only */
	ROW_MEMORY = 1u << 2,  /* per process: not for kernel threads (no memory) */
	ROW_CMDLINE = 1u << 3, /* left out by --no-cmdline */
	ROW_SMAPS = 1u << 4,   /* left out by --no-smaps */
};

struct copy_row {
	const char *path;
	unsigned flags;
	unsigned depth; /* a tree: how many folder levels below path are walked */
	/* A tree: which entries are taken (depth 0 is path's own entries);
	 * NULL takes all. */
	bool (*keep_name)(const char *name, bool is_dir, unsigned depth);
	/* Which files are kept once read; NULL keeps all. */
	bool (*keep_bytes)(const ms_buf *b);
};

/* debugfs' cma/<area>/alloc and free are write-only knobs. */
static bool cma_debug_file(const char *name, bool is_dir, unsigned depth)
{
	(void)is_dir;
	return depth == 0 || (strcmp(name, "alloc") != 0 && strcmp(name, "free") != 0);
}

/* /sys/block/zram0 -> ../devices/virtual/block/zram0: its figures only. */
static bool zram_file(const char *name, bool is_dir, unsigned depth)
{
	static const char *const files[] = { "mm_stat", "disksize", "comp_algorithm",
					     "io_stat" };

	if (depth == 0)
		return is_dir && strncmp(name, "zram", 4) == 0;
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++)
		if (!is_dir && strcmp(name, files[i]) == 0)
			return true;
	return false;
}

/* /sys/kernel/dmabuf/buffers/<inode>/: who exported it, how big. Not the
 * attachments, whose links lead into the devices' own folders. */
static bool dmabuf_buffer_file(const char *name, bool is_dir, unsigned depth)
{
	if (depth == 0)
		return is_dir;
	return !is_dir && (strcmp(name, "exporter_name") == 0 || strcmp(name, "size") == 0);
}

/* A process's open DMA-BUFs: their fdinfo names the exporter. Every other
 * descriptor is left out (there may be thousands). */
static bool dmabuf_fdinfo(const ms_buf *b)
{
	return b->len && memmem(b->data, b->len, "\nexp_name:", 10) != NULL;
}

static const struct copy_row rows[] = {
	{ .path = "meminfo" },
	{ .path = "vmstat" },
	{ .path = "buddyinfo" },
	{ .path = "pagetypeinfo" },
	{ .path = "zoneinfo" },
	{ .path = "slabinfo" },
	{ .path = "iomem" },
	{ .path = "vmallocinfo" },
	{ .path = "swaps" },
	{ .path = "version" },
	{ .path = "cmdline" },
	{ .path = "pressure/memory" },
	{ .path = "mounts" },
	{ .path = "sysvipc/shm" },
	{ .path = "device-tree", .flags = ROW_TREE, .depth = 16 },
	{ .path = "sys/kernel/mm/cma", .flags = ROW_TREE, .depth = 1 },
	{ .path = "sys/kernel/debug/cma", .flags = ROW_TREE, .depth = 1,
	  .keep_name = cma_debug_file },
	{ .path = "sys/kernel/debug/dma_buf/bufinfo" },
	{ .path = "sys/kernel/debug/memblock/memory" },
	{ .path = "sys/kernel/debug/memblock/reserved" },
	{ .path = "sys/kernel/dmabuf/buffers", .flags = ROW_TREE, .depth = 1,
	  .keep_name = dmabuf_buffer_file },
	{ .path = "sys/block", .flags = ROW_TREE, .depth = 1, .keep_name = zram_file },
	/* Per process; stat first: it says whether this is a kernel thread. */
	{ .path = "stat", .flags = ROW_PER_PID },
	{ .path = "status", .flags = ROW_PER_PID },
	{ .path = "comm", .flags = ROW_PER_PID },
	{ .path = "cmdline", .flags = ROW_PER_PID | ROW_MEMORY | ROW_CMDLINE },
	{ .path = "statm", .flags = ROW_PER_PID | ROW_MEMORY },
	{ .path = "maps", .flags = ROW_PER_PID | ROW_MEMORY },
	{ .path = "smaps_rollup", .flags = ROW_PER_PID | ROW_MEMORY },
	{ .path = "smaps", .flags = ROW_PER_PID | ROW_MEMORY | ROW_SMAPS },
	{ .path = "oom_score_adj", .flags = ROW_PER_PID | ROW_MEMORY },
	{ .path = "oom_score", .flags = ROW_PER_PID | ROW_MEMORY },
	{ .path = "cgroup", .flags = ROW_PER_PID | ROW_MEMORY },
	{ .path = "fdinfo", .flags = ROW_PER_PID | ROW_MEMORY | ROW_TREE,
	  .keep_bytes = dmabuf_fdinfo },
};

/* Where a path of source.h goes in a snapshot: proc/ and sys/ side by
 * side, our own files above them (doc/snapshot.md). */
static void snapshot_path(const char *relpath, char *out, size_t cap)
{
	if (strncmp(relpath, "sys/", 4) == 0 || strncmp(relpath, "proc/", 5) == 0 ||
	    (strncmp(relpath, "memscope-", 9) == 0 && !strchr(relpath, '/')))
		snprintf(out, cap, "%s", relpath);
	else
		snprintf(out, cap, "proc/%s", relpath);
}

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

/* Every archive memscope reads, and the short names tar knows them by. */
static const struct {
	const char *ext;
	int filter;
} archive_exts[] = {
	{ ".tar.gz", ARCHIVE_FILTER_GZIP },   { ".tgz", ARCHIVE_FILTER_GZIP },
	{ ".tar.xz", ARCHIVE_FILTER_XZ },     { ".txz", ARCHIVE_FILTER_XZ },
	{ ".tar.zst", ARCHIVE_FILTER_ZSTD },  { ".tzst", ARCHIVE_FILTER_ZSTD },
	{ ".tar.bz2", ARCHIVE_FILTER_BZIP2 }, { ".tbz2", ARCHIVE_FILTER_BZIP2 },
	{ ".tbz", ARCHIVE_FILTER_BZIP2 },     { ".tar", ARCHIVE_FILTER_NONE },
};

/* Names that say "an archive" of a kind not written here: refused, rather
 * than made into a folder of that name. */
static const char *const foreign_exts[] = {
	".gz", ".xz", ".zst", ".zstd", ".bz2", ".lz4", ".lz", ".lzma", ".lzo", ".z", ".zip",
	".7z", ".rar", ".cpio", ".tlz", ".jar", ".iso", ".deb", ".rpm",
};

static bool ends_with(const char *s, size_t len, const char *ext)
{
	size_t n = strlen(ext);
	return len > n && strcasecmp(s + len - n, ext) == 0;
}

/* Archive or directory by the name's ending, in any case; "board.tar.gz"
 * holds its files under "board/", so extracting it makes one folder. */
static int plan_kind(struct out_plan *p, const char *out, ms_error *err)
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
		return 0;
	}
	for (size_t i = 0; i < MS_ARRAY_LEN(foreign_exts); i++)
		if (ends_with(p->base, len, foreign_exts[i]))
			return ms_error_set(err, EINVAL, 0,
					    "%s: not an archive memscope writes; name it .tar.gz, "
					    ".tar.xz, .tar.zst, .tar.bz2 or .tar, or give a folder",
					    out);
	return 0;
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
	int r = plan_kind(p, out, err);
	if (r == 0 && p->kind == OUT_ARCHIVE && !p->top[0])
		r = ms_error_set(err, EINVAL, 0, "%s: not a name for a new snapshot", out);
	return r;
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
	if (depth > 64)
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

/* The folders made so far, sorted: each is made once, with its first file,
 * so that a process that exited before we came leaves nothing behind. */
struct dirset {
	char **name;
	size_t n, cap;
};

static size_t dirset_find(const struct dirset *d, const char *name, size_t len, bool *found)
{
	size_t lo = 0, hi = d->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(d->name[mid], name, len);
		if (c == 0 && d->name[mid][len] != '\0')
			c = 1;
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int dirset_add(struct dirset *d, size_t at, const char *name, size_t len)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		char **p = realloc(d->name, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		d->name = p;
		d->cap = cap;
	}
	char *copy = strndup(name, len);
	if (!copy)
		return -ENOMEM;
	memmove(d->name + at + 1, d->name + at, (d->n - at) * sizeof *d->name);
	d->name[at] = copy;
	d->n++;
	return 0;
}

static void dirset_free(struct dirset *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->name[i]);
	free(d->name);
	memset(d, 0, sizeof *d);
}

struct sink {
	int dir_fd;          /* directory output, else -1 */
	struct archive *ar;  /* archive output, else NULL */
	const char *top;
	time_t mtime;
	ms_error *err;
	struct dirset made;
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

/* A failure to write is never a usage error: EINVAL (the one code
 * ms_capture keeps for a bad output name) becomes EIO. */
static int io_errno(int e)
{
	return e == EINVAL ? EIO : e;
}

static int write_failed(ms_error *err, int e, const char *what)
{
	return ms_error_set(err, io_errno(e), 0, "%s: %s", what, strerror(e));
}

/* libarchive's own words are "Write error"; its errno says why (a full
 * disk, a closed pipe). */
static int archive_failed(struct sink *s, const char *what)
{
	int e = archive_errno(s->ar);

	if (e > 0)
		return write_failed(s->err, e, what);
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
		return write_failed(s->err, errno, rel);
	return 0;
}

/* Makes the folders above rel that are not made yet, outermost first. */
static int make_parents(struct sink *s, const char *rel)
{
	char dir[PATH_MAX];

	for (const char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t len = (size_t)(slash - rel);
		bool found;
		size_t at = dirset_find(&s->made, rel, len, &found);
		if (found)
			continue;
		if (len >= sizeof dir)
			return ms_error_set(s->err, ENAMETOOLONG, 0, "%s: path too long", rel);
		memcpy(dir, rel, len);
		dir[len] = '\0';
		int r = sink_mkdir(s, dir);
		if (r < 0)
			return r;
		if (dirset_add(&s->made, at, rel, len) < 0)
			return ms_error_set(s->err, ENOMEM, 0, "out of memory");
	}
	return 0;
}

/* rel is a path in the snapshot ("proc/123/smaps", "memscope-users"). */
static int sink_put(struct sink *s, const char *rel, const char *data, size_t len)
{
	int r = make_parents(s, rel);

	if (r < 0)
		return r;
	if (s->ar)
		return archive_put(s, rel, AE_IFREG, data, len);
	int fd = openat(s->dir_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);
	r = fd < 0 ? -errno : write_all(fd, data, len);
	if (fd >= 0 && close(fd) != 0 && r == 0)
		r = -errno;
	return r < 0 ? write_failed(s->err, -r, rel) : 0;
}

/* ---- copying -------------------------------------------------------------------- */

/* The owners of the captured processes, for "memscope-users". */
struct uid_set {
	int64_t *uid;
	size_t n, cap;
};

struct capture {
	ms_source *src;
	const ms_capture_opts *opts;
	struct sink *sink;
	ms_buf buf;             /* the file last read */
	struct ms_unread_log unread;
	struct uid_set owners;
};

/* Reads rel into c->buf. 1 when read, 0 when to be left out (missing, or
 * not readable: written down when log), <0 on failure (out of memory). */
static int read_for_copy(struct capture *c, const char *rel, const char *logged, int pid,
			 bool log)
{
	ms_error rerr = { 0 };
	int r = ms_source_read(c->src, rel, &c->buf, &rerr);

	if (r == -ENOMEM)
		return ms_error_set(c->sink->err, ENOMEM, 0, "%s: out of memory", rel);
	if (r == 0)
		return 1;
	/* Missing is no news: the kernel has no such file, or the process
	 * has exited; nor is a link or a device in a test tree or a snapshot
	 * (EINVAL), which is no file to copy. For a process only "not
	 * allowed" is worth a line. */
	bool worth = r != -ENOENT && r != -EINVAL && (pid == 0 || r == -EACCES || r == -EPERM);
	if (log && worth && ms_unread_log_add(&c->unread, logged, pid, r, &rerr) < 0)
		return ms_error_set(c->sink->err, ENOMEM, 0, "out of memory");
	return 0;
}

static int put_file(struct capture *c, const char *rel)
{
	char path[PATH_MAX];

	snapshot_path(rel, path, sizeof path);
	return sink_put(c->sink, path, c->buf.data ? c->buf.data : "", c->buf.len);
}

/* Returns 1 when copied, 0 when left out, <0 on failure. */
static int copy_one(struct capture *c, const struct copy_row *row, const char *rel,
		    const char *logged, int pid, bool log)
{
	int r = read_for_copy(c, rel, logged, pid, log);

	if (r <= 0)
		return r;
	if (row->keep_bytes && !row->keep_bytes(&c->buf))
		return 0;
	r = put_file(c, rel);
	return r < 0 ? r : 1;
}

/* A folder through its listing, files only, never deeper than the row
 * says (the kernel's trees are followed through links, and /sys has
 * loops). Only the folder itself is written down when it cannot be
 * listed: a file inside that will not read is a write-only knob. */
static int copy_tree(struct capture *c, const struct copy_row *row, const char *rel,
		     unsigned depth, int pid)
{
	ms_dirlist l;
	ms_error lerr = { 0 };
	char child[PATH_MAX];
	int r = ms_source_list_dir(c->src, rel, &l, &lerr);

	if (r < 0) {
		bool worth = depth == 0 && r != -ENOENT && r != -EINVAL &&
			     (pid == 0 || r == -EACCES);
		if (r == -ENOMEM)
			return ms_error_set(c->sink->err, ENOMEM, 0, "%s: out of memory", rel);
		const char *logged = pid ? row->path : rel;
		if (worth && ms_unread_log_add(&c->unread, logged, pid, r, &lerr) < 0)
			return ms_error_set(c->sink->err, ENOMEM, 0, "out of memory");
		return 0;
	}
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		const ms_dirent *e = &l.e[i];
		if (e->name[0] == '.' ||
		    (row->keep_name && !row->keep_name(e->name, e->is_dir, depth)))
			continue;
		if ((size_t)snprintf(child, sizeof child, "%s/%s", rel, e->name) >= sizeof child)
			continue;
		if (e->is_dir)
			r = depth < row->depth ? copy_tree(c, row, child, depth + 1, pid) : 0;
		else
			r = copy_one(c, row, child, child, pid, false);
	}
	ms_dirlist_free(&l);
	return r < 0 ? r : 0;
}

static int copy_system_row(struct capture *c, const struct copy_row *row)
{
	if (row->flags & ROW_TREE)
		return copy_tree(c, row, row->path, 0, 0);
	int r = copy_one(c, row, row->path, row->path, 0, true);
	return r < 0 ? r : 0;
}

static bool is_kernel_thread(const ms_buf *stat)
{
	ms_pid_stat st;
	ms_error err;

	return ms_parse_pid_stat(stat->data, stat->len, &st, &err) == 0 &&
	       (st.flags & MS_PF_KTHREAD);
}

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

static bool row_wanted(const struct copy_row *row, const ms_capture_opts *opts, bool kthread)
{
	if ((row->flags & ROW_MEMORY) && kthread)
		return false; /* kernel threads have no memory of their own */
	if ((row->flags & ROW_CMDLINE) && opts->no_cmdline)
		return false;
	return !((row->flags & ROW_SMAPS) && opts->no_smaps);
}

static int capture_pid(struct capture *c, int pid)
{
	char rel[64];
	bool kthread = false;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < MS_ARRAY_LEN(rows); i++) {
		const struct copy_row *row = &rows[i];
		if (!(row->flags & ROW_PER_PID) || !row_wanted(row, c->opts, kthread))
			continue;
		snprintf(rel, sizeof rel, "%d/%s", pid, row->path);
		if (row->flags & ROW_TREE) {
			r = copy_tree(c, row, rel, 0, pid);
			continue;
		}
		r = copy_one(c, row, rel, row->path, pid, true);
		if (r == 1 && strcmp(row->path, "stat") == 0)
			kthread = is_kernel_thread(&c->buf);
		if (r == 1 && strcmp(row->path, "status") == 0 && !kthread)
			uid_set_add_from_status(&c->owners, &c->buf);
	}
	return r < 0 ? r : 0;
}

/* Metadata values stay on their line whatever a hostname holds. */
static void put_meta_line(ms_buf *m, const char *key, const char *value)
{
	ms_buf_printf(m, "%s: ", key);
	for (const char *p = value; *p; p++)
		ms_buf_putc(m, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
	ms_buf_putc(m, '\n');
}

static int write_metadata(struct capture *c)
{
	const ms_source_info *info = ms_source_get_info(c->src);
	struct sink *s = c->sink;
	char when[40], page[24];
	struct tm tm;
	ms_buf m = MS_BUF_INIT;

	if (info->captured_at[0])
		snprintf(when, sizeof when, "%s", info->captured_at);
	else if (!gmtime_r(&s->mtime, &tm) ||
		 !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		when[0] = '\0';
	snprintf(page, sizeof page, "%ld", info->page_size);
	put_meta_line(&m, "format", "memscope/2");
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

static int cmp_uid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Names as this machine knows them; a snapshot being captured again
 * passes on the names it came with. */
static int write_users(struct capture *c)
{
	struct uid_set *u = &c->owners;
	ms_buf *b = &c->buf;

	if (!ms_source_can(c->src, MS_CAP_LOCAL_USERS)) {
		int r = read_for_copy(c, "memscope-users", "memscope-users", 0, false);
		return r <= 0 ? r : put_file(c, "memscope-users");
	}
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
	return b->len ? sink_put(c->sink, "memscope-users", b->data, b->len) : 0;
}

static int write_unread(struct capture *c)
{
	if (c->unread.n == 0)
		return 0;
	if (ms_unread_log_format(&c->unread, &c->buf) < 0)
		return ms_error_set(c->sink->err, ENOMEM, 0, "out of memory");
	return sink_put(c->sink, "memscope-unread", c->buf.data, c->buf.len);
}

/* Asked to stop (main's SIGINT handler): the capture ends between two
 * processes or folders and its temporary output is removed as on any
 * error. */
static int check_stop(const ms_capture_opts *opts, struct sink *s)
{
	if (opts->stop && *opts->stop)
		return ms_error_set(s->err, EINTR, 0, "interrupted");
	return 0;
}

static int capture_processes(struct capture *c)
{
	int *pids = NULL;
	size_t n = 0;
	ms_error lerr = { 0 };
	int r = ms_source_list_pids(c->src, &pids, &n, &lerr);

	if (r < 0)
		return ms_error_set(c->sink->err, lerr.code == EINVAL ? EIO : lerr.code, 0, "%s",
				    lerr.msg);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = check_stop(c->opts, c->sink);
		if (r >= 0)
			r = capture_pid(c, pids[i]);
	}
	free(pids);
	return r;
}

static int capture_into(ms_source *src, const ms_capture_opts *opts, struct sink *s)
{
	struct capture c = { .src = src, .opts = opts, .sink = s, .buf = MS_BUF_INIT };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < MS_ARRAY_LEN(rows); i++)
		if (!(rows[i].flags & ROW_PER_PID)) {
			r = check_stop(opts, s);
			if (r >= 0)
				r = copy_system_row(&c, &rows[i]);
		}
	if (r >= 0)
		r = capture_processes(&c);
	if (r >= 0)
		r = write_users(&c);
	if (r >= 0)
		r = write_unread(&c);
	/* The metadata file comes last, in a folder and in an archive: it is
	 * what says "a whole memscope snapshot", so a capture cut short (killed,
	 * the power lost) under its temporary name never claims to be one. */
	if (r >= 0)
		r = check_stop(opts, s);
	if (r >= 0)
		r = write_metadata(&c);
	if (r >= 0 && opts->unread_summary)
		ms_unread_log_summary(&c.unread, opts->unread_summary);
	ms_unread_log_free(&c.unread);
	free(c.owners.uid);
	ms_buf_free(&c.buf);
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
	case ARCHIVE_FILTER_BZIP2: return archive_write_add_filter_bzip2(ar);
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
			return ms_error_set(s->err, io_errno(errno), 0, "%s/%s: %s", p->parent,
					    p->tmp, strerror(errno));
		s->dir_fd = openat(parent_fd, p->tmp,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s->dir_fd < 0)
			return ms_error_set(s->err, io_errno(errno), 0, "%s: %s", p->tmp,
					    strerror(errno));
		return 0;
	}
	*file_fd = openat(parent_fd, p->tmp,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*file_fd < 0)
		return ms_error_set(s->err, io_errno(errno), 0, "%s/%s: %s", p->parent, p->tmp,
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
			return ms_error_set(err, io_errno(errno), 0, "%s: %s", p->base,
					    strerror(errno));
		return 0;
	}
	snprintf(old, sizeof old, ".%s.old.%ld", p->base, (long)getpid());
	if (renameat(parent_fd, p->base, parent_fd, old) != 0)
		return ms_error_set(err, io_errno(errno), 0, "%s: %s", p->base, strerror(errno));
	if (renameat(parent_fd, p->tmp, parent_fd, p->base) != 0) {
		int e = errno;
		if (renameat(parent_fd, old, parent_fd, p->base) != 0)
			e = errno;
		return ms_error_set(err, io_errno(e), 0, "%s: %s", p->base, strerror(e));
	}
	rm_tree(parent_fd, old, 0);
	return 0;
}

/* On disk before the rename, so the name never points at a short file. */
static int finish_file(int file_fd, const char *name, int r, ms_error *err)
{
	if (r >= 0 && fsync(file_fd) != 0)
		r = ms_error_set(err, io_errno(errno), 0, "%s: %s", name, strerror(errno));
	if (close(file_fd) != 0 && r >= 0)
		r = ms_error_set(err, io_errno(errno), 0, "%s: %s", name, strerror(errno));
	return r;
}

static int capture_to_path(ms_source *src, const ms_capture_opts *opts,
			   const struct out_plan *p, struct sink *s)
{
	bool exists;
	int file_fd;
	int parent_fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (parent_fd < 0)
		return write_failed(s->err, errno, p->parent);
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

	if (opts && opts->unread_summary)
		ms_buf_reset(opts->unread_summary);
	if (!out)
		return ms_error_set(err, EINVAL, 0, "no output given (-o PATH)");
	int r = plan_output(out, &p, err);
	if (r < 0)
		return r;
	s.top = p.top;
	if (p.kind == OUT_STDOUT)
		r = capture_stdout(src, opts, &p, &s);
	else
		r = capture_to_path(src, opts, &p, &s);
	dirset_free(&s.made);
	return r;
}
