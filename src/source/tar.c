/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot archive (tar, tar.gz, tar.xz, tar.zst, tar.bz2, an smemcap
 * tar, a cpio) from a file or arriving on a pipe, turned into the entries
 * of an in-memory tree (memtree.c) and never extracted: nothing in it can
 * touch the disk. The archive is read once, from the start to the end, so
 * a pipe serves as well as a file.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "priv.h"

/* What libarchive reads from: our own loop over the fd, so that an empty
 * input, a read error and the compression can be told apart from a
 * damaged archive (libarchive's messages say none of it plainly). */
struct feed {
	int fd;
	char buf[MS_CHUNK];
	size_t total;          /* bytes read so far */
	unsigned char head[8]; /* the first bytes: the compression's magic */
	size_t head_len;
	int read_errno;
	/* Bytes of the fd that are the archive: a sample of a recording
	 * is one stretch of its file. SIZE_MAX: up to the end. */
	size_t remaining;
};

static la_ssize_t feed_read(struct archive *a, void *ctx, const void **out)
{
	struct feed *f = ctx;
	size_t want = f->remaining < sizeof f->buf ? f->remaining : sizeof f->buf;
	ssize_t r = want ? ms_read_retry(f->fd, f->buf, want) : 0;

	if (r < 0) {
		f->read_errno = errno;
		archive_set_error(a, errno, "read error");
		return -1;
	}
	if (f->head_len < sizeof f->head) {
		size_t n = sizeof f->head - f->head_len;
		if (n > (size_t)r)
			n = (size_t)r;
		memcpy(f->head + f->head_len, f->buf, n);
		f->head_len += n;
	}
	f->total += (size_t)r;
	if (f->remaining != SIZE_MAX)
		f->remaining -= (size_t)r;
	*out = f->buf;
	return r;
}

/* ---- what went wrong, in words for a user ---------------------------------------- */

static bool head_is(const struct feed *f, const char *magic, size_t n)
{
	return f->head_len >= n && memcmp(f->head, magic, n) == 0;
}

/* The compression by its magic bytes, even when libarchive gave up
 * before it said which filter it had started. */
static const char *compression(const struct feed *f)
{
	if (head_is(f, "\x1f\x8b", 2))
		return "gzip";
	if (head_is(f, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (head_is(f, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (head_is(f, "BZh", 3))
		return "bzip2";
	return NULL;
}

/* libarchive's own words ("truncated gzip input", "Lzma library error:
 * No progress is possible") mean nothing to most users. */
static int archive_failed(struct archive *a, const struct feed *f, const char *name,
			  bool opening, ms_error *err)
{
	const char *comp = compression(f);

	if (f->read_errno)
		return ms_error_set(err, EIO, 0, "%s: read error: %s", name,
				    strerror(f->read_errno));
	if (archive_errno(a) == ENOMEM)
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", name);
	if (f->total == 0)
		return ms_error_set(err, EINVAL, 0, "%s: not a snapshot archive: empty", name);
	if (opening && !comp)
		return ms_error_set(err, EINVAL, 0,
				    "%s: not a snapshot archive (memscope reads tar and cpio, "
				    "plain or compressed with gzip, xz, zstd or bzip2)",
				    name);
	if (opening && archive_filter_count(a) > 1)
		return ms_error_set(err, EINVAL, 0,
				    "%s: not a snapshot archive (%s data, but no tar or cpio "
				    "in it)",
				    name, comp);
	int base = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
	return ms_error_set(err, EINVAL, 0, "%s: truncated or damaged archive (%s)", name,
			    comp ? comp : base == ARCHIVE_FORMAT_CPIO ? "cpio" : "tar");
}

/* ---- entries ------------------------------------------------------------------ */

/* "./a/b" -> "a/b"; NULL for names that would point outside the archive's
 * own tree ("/etc/passwd", "../x", "a/../../x") or name nothing. */
static const char *safe_name(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (name[0] == '\0' || name[0] == '/')
		return NULL;
	for (const char *p = name;; p++) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return NULL;
		p = strchr(p, '/');
		if (!p)
			return name;
	}
}

struct loader {
	struct archive *a;
	struct feed *feed;
	ms_memtree *tree;
	const char *name; /* of the archive, for messages */
};

static int entry_data(struct loader *l, const char *entry, int64_t size_hint, ms_buf *b,
		      ms_error *err)
{
	char chunk[MS_CHUNK];

	/* The header says the size: refuse before reading a byte of it. */
	if (size_hint > 0 && (uint64_t)size_hint > MS_FILE_CAP)
		return ms_error_set(err, EFBIG, 0, "%s: %s: more than %zu MiB", l->name, entry,
				    MS_FILE_CAP >> 20);
	if (size_hint > 0 && ms_buf_reserve(b, (size_t)size_hint) != 0)
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", l->name);
	for (;;) {
		la_ssize_t r = archive_read_data(l->a, chunk, sizeof chunk);
		if (r == 0)
			return 0;
		if (r < 0)
			return archive_failed(l->a, l->feed, l->name, false, err);
		if (b->len + (size_t)r > MS_FILE_CAP)
			return ms_error_set(err, EFBIG, 0, "%s: %s: more than %zu MiB", l->name,
					    entry, MS_FILE_CAP >> 20);
		if (ms_memtree_bytes(l->tree) + b->len + (size_t)r > MS_ARCHIVE_CAP)
			return ms_error_set(err, EFBIG, 0, "%s: more than %zu MiB of data",
					    l->name, MS_ARCHIVE_CAP >> 20);
		if (ms_buf_append(b, chunk, (size_t)r) != 0)
			return ms_error_set(err, ENOMEM, 0, "%s: out of memory", l->name);
	}
}

static int load_entry(struct loader *l, struct archive_entry *ent, ms_error *err)
{
	const char *raw = archive_entry_pathname(ent);
	const char *entry = raw ? safe_name(raw) : NULL;
	ms_buf b = MS_BUF_INIT;

	/* Links have no bytes of their own; directories are implied by paths. */
	if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_hardlink(ent))
		return 0;
	if (!entry) {
		ms_memtree_skipped(l->tree);
		return 0;
	}
	if (ms_memtree_count(l->tree) >= MS_ARCHIVE_MAX_ENTRIES)
		return ms_error_set(err, EFBIG, 0, "%s: more than %d files", l->name,
				    MS_ARCHIVE_MAX_ENTRIES);
	int64_t hint = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : 0;
	int r = entry_data(l, entry, hint, &b, err);
	if (r == 0) {
		size_t len = b.len;
		r = ms_memtree_add(l->tree, entry, ms_buf_detach(&b), len, 0, err);
	}
	ms_buf_free(&b);
	return r;
}

/* ---- the container ------------------------------------------------------------ */

static const char *filter_suffix(int code)
{
	switch (code) {
	case ARCHIVE_FILTER_NONE: return "";
	case ARCHIVE_FILTER_GZIP: return ".gz";
	case ARCHIVE_FILTER_XZ: return ".xz";
	case ARCHIVE_FILTER_ZSTD: return ".zst";
	case ARCHIVE_FILTER_BZIP2: return ".bz2";
	case ARCHIVE_FILTER_LZ4: return ".lz4";
	case ARCHIVE_FILTER_LZMA: return ".lzma";
	case ARCHIVE_FILTER_COMPRESS: return ".Z";
	default: return ".?";
	}
}

static void name_container(struct archive *a, char *out, size_t cap)
{
	int base = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
	const char *kind = base == ARCHIVE_FORMAT_TAR	 ? "tar"
			   : base == ARCHIVE_FORMAT_CPIO ? "cpio"
			   : base == ARCHIVE_FORMAT_ZIP	 ? "zip"
							 : "archive";

	snprintf(out, cap, "%s%s", kind, filter_suffix(archive_filter_code(a, 0)));
}

static struct archive *new_reader(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	/* Only the containers snapshots come in. Naming them, rather than
	 * asking for all, also keeps libarchive's other readers (and the ICU
	 * and libxml2 they need) out of the binary and of its memory. */
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	return a;
}

static int read_archive(int fd, size_t len, const char *name, ms_memtree *tree,
			char *container, size_t cap, ms_error *err)
{
	struct feed *feed = calloc(1, sizeof *feed);
	struct loader l = { .a = new_reader(), .feed = feed, .tree = tree, .name = name };
	struct archive_entry *ent;
	int r = 0, ar;

	if (!feed || !l.a) {
		free(feed);
		if (l.a)
			archive_read_free(l.a);
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", name);
	}
	feed->fd = fd;
	feed->remaining = len;
	if (archive_read_open(l.a, feed, NULL, feed_read, NULL) != ARCHIVE_OK)
		r = archive_failed(l.a, feed, name, true, err);
	while (r == 0) {
		ar = archive_read_next_header(l.a, &ent);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN)
			r = archive_failed(l.a, feed, name, false, err);
		else
			r = load_entry(&l, ent, err);
	}
	if (r == 0)
		name_container(l.a, container, cap);
	archive_read_free(l.a);
	free(feed);
	return r;
}

/* ---- opening ------------------------------------------------------------------ */

ms_source *ms_tar_open_fd(int fd, const char *name, unsigned caps, ms_error *err)
{
	return ms_tar_open_fd_len(fd, SIZE_MAX, name, caps, err);
}

ms_source *ms_tar_open_fd_len(int fd, size_t len, const char *name, unsigned caps,
			      ms_error *err)
{
	ms_memtree *tree = ms_memtree_new();
	char container[16] = "";

	if (!tree) {
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	if (read_archive(fd, len, name, tree, container, sizeof container, err) < 0 ||
	    ms_memtree_seal_snapshot(tree, name, err) < 0) {
		ms_memtree_free(tree);
		return NULL;
	}
	return ms_memtree_source(tree, caps, name, container, err);
}

ms_source *ms_tar_open(const char *path, ms_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ms_path_error(errno, path, err);
		return NULL;
	}
	/* Read-only once loaded: any number of threads may read it. */
	ms_source *src = ms_tar_open_fd(fd, path, MS_CAP_PARALLEL, err);
	close(fd);
	return src;
}
