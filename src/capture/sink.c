/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a capture goes: a folder, an archive chosen by the name's ending,
 * or a tar.gz on stdout, behind one put(). The output appears whole or
 * not at all: it is written under a temporary name in the same directory
 * and renamed at the end, and removed on any error; an existing one is
 * replaced only when forced, and a folder only if it is a snapshot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "sink.h"

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

struct ms_sink {
	int dir_fd;          /* directory output, else -1 */
	struct archive *ar;  /* archive output, else NULL */
	const char *top;
	time_t mtime;
	ms_error *err;
	struct dirset made;
	bool unblocked;      /* no padding after the last byte (ms_sink_write_fd) */
	struct gz_out *gz;   /* a recording's gzip writer, else NULL */
};

int ms_write_all(int fd, const char *data, size_t len, off_t at)
{
	while (len) {
		ssize_t w = at < 0 ? write(fd, data, len) : pwrite(fd, data, len, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
		if (at >= 0)
			at += w;
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
static int archive_failed(struct ms_sink *s, const char *what)
{
	int e = archive_errno(s->ar);

	if (e > 0)
		return write_failed(s->err, e, what);
	const char *why = archive_error_string(s->ar); /* may be NULL */
	return ms_error_set(s->err, EIO, 0, "%s: %s", what, why ? why : "archive write failed");
}

static int archive_put(struct ms_sink *s, const char *rel, mode_t type, const char *data,
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

static int sink_mkdir(struct ms_sink *s, const char *rel)
{
	if (s->ar)
		return archive_put(s, rel, AE_IFDIR, NULL, 0);
	if (mkdirat(s->dir_fd, rel, 0700) != 0)
		return write_failed(s->err, errno, rel);
	return 0;
}

/* Makes the folders above rel that are not made yet, outermost first. */
static int make_parents(struct ms_sink *s, const char *rel)
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
int ms_sink_put(struct ms_sink *s, const char *rel, const char *data, size_t len)
{
	int r = make_parents(s, rel);

	if (r < 0)
		return r;
	if (s->ar)
		return archive_put(s, rel, AE_IFREG, data, len);
	int fd = openat(s->dir_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);
	r = fd < 0 ? -errno : ms_write_all(fd, data, len, -1);
	if (fd >= 0 && close(fd) != 0 && r == 0)
		r = -errno;
	return r < 0 ? write_failed(s->err, -r, rel) : 0;
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

/* ---- a recording's gzip ----------------------------------------------------
 *
 * A sample of a recording is compressed here, with zlib's deflate called
 * directly, rather than by libarchive's gzip filter: that one takes zlib's
 * default window (32 kB) and hash (memLevel 8), a 256 kB deflate state,
 * and gathers its output in a 64 kB buffer, about 320 kB of a recorder's
 * peak (the target is 3 MB in all). A 16 kB window and memLevel 6 cost 96
 * kB; the output goes to the file in 8 kB writes. The member is a plain
 * gzip one (RFC 1952), which every reader takes. What it costs in bytes
 * and CPU: doc/performance.md, "record". */

enum {
	GZ_LEVEL = 1,        /* level 6 spends a quarter more CPU than the kernel
			      * printing the files, for samples a fifth smaller */
	GZ_WINDOW_BITS = 14, /* 16 kB back-references */
	GZ_MEM_LEVEL = 6,    /* an 8k-entry hash, blocks of 4k symbols */
	GZ_GZIP_WRAPPER = 16, /* added to windowBits: a gzip header and trailer */
	GZ_OUT_BYTES = 8192,
};

struct gz_out {
	int fd;
	bool ready;          /* deflateInit2 done: deflateEnd owed */
	int error;           /* errno of the first failure, else 0 */
	z_stream z;
	unsigned char out[GZ_OUT_BYTES];
};

/* Hands what deflate made to the file; errno on failure. */
static int gz_drain(struct gz_out *g)
{
	size_t n = sizeof g->out - g->z.avail_out;
	int r = ms_write_all(g->fd, (const char *)g->out, n, -1);

	g->z.next_out = g->out;
	g->z.avail_out = sizeof g->out;
	return r;
}

/* Runs deflate over what is in next_in (all of it, or to the end of the
 * stream with Z_FINISH); 0, or an ARCHIVE_ status with the error set. */
static int gz_pump(struct archive *ar, struct gz_out *g, int flush)
{
	for (;;) {
		int z = deflate(&g->z, flush);
		if (z == Z_STREAM_ERROR) {
			g->error = EIO;
			archive_set_error(ar, EIO, "deflate failed");
			return ARCHIVE_FATAL;
		}
		/* A full buffer may hold back more output: deflate goes on. */
		bool full = g->z.avail_out == 0;
		if (full || z == Z_STREAM_END) {
			int e = gz_drain(g);
			if (e < 0) {
				g->error = -e;
				archive_set_error(ar, -e, "%s", strerror(-e));
				return ARCHIVE_FATAL;
			}
		}
		if (flush == Z_FINISH ? z == Z_STREAM_END : (!full && g->z.avail_in == 0))
			return ARCHIVE_OK;
	}
}

static int gz_open(struct archive *ar, void *ctx)
{
	struct gz_out *g = ctx;

	g->z.next_out = g->out;
	g->z.avail_out = sizeof g->out;
	if (deflateInit2(&g->z, GZ_LEVEL, Z_DEFLATED, GZ_WINDOW_BITS + GZ_GZIP_WRAPPER,
			 GZ_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
		archive_set_error(ar, ENOMEM, "out of memory");
		return ARCHIVE_FATAL;
	}
	g->ready = true;
	return ARCHIVE_OK;
}

static la_ssize_t gz_write(struct archive *ar, void *ctx, const void *data, size_t len)
{
	struct gz_out *g = ctx;

	/* avail_in is an unsigned int: a larger block goes in pieces. */
	size_t take = len > 1u << 30 ? 1u << 30 : len;
	g->z.next_in = (Bytef *)(uintptr_t)data;
	g->z.avail_in = (uInt)take;
	return gz_pump(ar, g, Z_NO_FLUSH) == ARCHIVE_OK ? (la_ssize_t)take : -1;
}

static int gz_close(struct archive *ar, void *ctx)
{
	struct gz_out *g = ctx;

	g->z.next_in = NULL;
	g->z.avail_in = 0;
	return gz_pump(ar, g, Z_FINISH);
}

/* The sink frees the gz_out itself (archive_end): it is read after
 * libarchive is done with it. */
static int gz_free(struct archive *ar, void *ctx)
{
	struct gz_out *g = ctx;

	(void)ar;
	if (g->ready)
		deflateEnd(&g->z);
	g->ready = false;
	return ARCHIVE_OK;
}

static int open_recording_gzip(struct ms_sink *s, int fd)
{
	s->gz = calloc(1, sizeof *s->gz);
	if (!s->gz)
		return ms_error_set(s->err, ENOMEM, 0, "out of memory");
	s->gz->fd = fd;
	if (archive_write_open2(s->ar, s->gz, gz_open, gz_write, gz_close, gz_free) != ARCHIVE_OK)
		return archive_failed(s, "archive");
	return 0;
}

static int archive_begin(struct ms_sink *s, int fd, int filter)
{
	s->ar = archive_write_new();
	if (!s->ar)
		return ms_error_set(s->err, ENOMEM, 0, "out of memory");
	/* Unblocked output ends where the compressor's does: a sample of a
	 * recording is no bigger than its data (tar's 10 KiB blocks would
	 * pad each one by 5 KiB on average). */
	if (s->unblocked && (archive_write_set_bytes_per_block(s->ar, 0) != ARCHIVE_OK ||
			     archive_write_set_bytes_in_last_block(s->ar, 1) != ARCHIVE_OK))
		return archive_failed(s, "archive");
	/* A recording's samples are cpio (newc), an archive every reader of
	 * snapshots takes: a sample is hundreds of small files, and tar's
	 * 512-byte header and padding per file are half of what would be
	 * compressed, where cpio's are a fifth; the sample is 15 % smaller
	 * and 10 % cheaper to make (doc/performance.md). Nor does cpio, unlike
	 * pax, convert names through iconv, which would load a gconv module
	 * into a recorder that has to stay small. */
	int format = s->unblocked ? archive_write_set_format_cpio_newc(s->ar)
				  : archive_write_set_format_pax_restricted(s->ar);
	if (format != ARCHIVE_OK)
		return archive_failed(s, "archive");
	if (s->unblocked) {
		int r = open_recording_gzip(s, fd);
		if (r < 0)
			return r;
	} else if (add_filter(s->ar, filter) != ARCHIVE_OK ||
		   archive_write_open_fd(s->ar, fd) != ARCHIVE_OK)
		return archive_failed(s, "archive");
	return archive_put(s, "", AE_IFDIR, NULL, 0); /* "top/" */
}

/* Flushes the compressor and the last block; a full disk shows up here. */
static int archive_end(struct ms_sink *s, int r)
{
	if (!s->ar)
		return r;
	if (archive_write_close(s->ar) != ARCHIVE_OK && r >= 0)
		r = archive_failed(s, "the end of the archive");
	/* libarchive (3.6) drops what the close callback returns, and that is
	 * where the end of the gzip member is written: a full disk there
	 * would otherwise commit a cut sample. */
	if (s->gz && s->gz->error && r >= 0)
		r = write_failed(s->err, s->gz->error, "the end of the archive");
	archive_write_free(s->ar);
	s->ar = NULL;
	if (s->gz) {
		gz_free(NULL, s->gz);
		free(s->gz);
		s->gz = NULL;
	}
	return r;
}

static int write_stdout(const struct out_plan *p, struct ms_sink *s, ms_sink_fill_fn fill,
			void *ctx)
{
	if (isatty(STDOUT_FILENO))
		return ms_error_set(s->err, EINVAL, 0,
				    "not writing an archive to a terminal; "
				    "redirect it (> board.tar.gz)");
	int r = archive_begin(s, STDOUT_FILENO, p->filter);
	if (r >= 0)
		r = fill(ctx, s);
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

static int make_temp(int parent_fd, const struct out_plan *p, struct ms_sink *s, int *file_fd)
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

static int write_path(const struct out_plan *p, const char *out, bool force,
		      struct ms_sink *s, ms_sink_fill_fn fill, void *ctx)
{
	bool exists;
	int file_fd;
	int parent_fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (parent_fd < 0)
		return write_failed(s->err, errno, p->parent);
	int r = check_existing(parent_fd, p, force, out, &exists, s->err);
	if (r >= 0) {
		r = make_temp(parent_fd, p, s, &file_fd);
		if (r >= 0)
			r = fill(ctx, s);
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

time_t ms_sink_time(const struct ms_sink *s)
{
	return s->mtime;
}

int ms_sink_write(const char *out, bool force, ms_sink_fill_fn fill, void *ctx, ms_error *err)
{
	struct out_plan p;
	struct ms_sink s = { .dir_fd = -1, .mtime = time(NULL), .err = err };

	if (!out)
		return ms_error_set(err, EINVAL, 0, "no output given (-o PATH)");
	int r = plan_output(out, &p, err);
	if (r < 0)
		return r;
	s.top = p.top;
	if (p.kind == OUT_STDOUT)
		r = write_stdout(&p, &s, fill, ctx);
	else
		r = write_path(&p, out, force, &s, fill, ctx);
	dirset_free(&s.made);
	return r;
}

int ms_sink_write_fd(int fd, const char *top, ms_sink_fill_fn fill, void *ctx, ms_error *err)
{
	struct ms_sink s = {
		.dir_fd = -1, .top = top, .mtime = time(NULL), .err = err, .unblocked = true,
	};
	int r = archive_begin(&s, fd, ARCHIVE_FILTER_GZIP);

	if (r >= 0)
		r = fill(ctx, &s);
	r = archive_end(&s, r);
	dirset_free(&s.made);
	return r;
}
