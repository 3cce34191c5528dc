/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot archive (tar, tar.gz, tar.xz, tar.zst, tar.bz2, an smemcap
 * tar, a cpio), read once into memory and never extracted: nothing in it
 * can touch the disk. After opening, the index is
 * read-only, so any number of threads may read from it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "priv.h"

struct tar_entry {
	char *path;      /* as stored, "./" removed */
	const char *rel; /* path below the detected proc root */
	char *data;
	size_t len;
	size_t seq;      /* position in the archive: the last copy wins */
};

struct tar_index {
	struct tar_entry *e;
	size_t n, cap;
	size_t total;     /* bytes of data held */
	unsigned skipped; /* unsafe paths */
};

/* ---- loading --------------------------------------------------------------- */

static void index_free(struct tar_index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->e[i].path);
		free(ix->e[i].data);
	}
	free(ix->e);
	memset(ix, 0, sizeof *ix);
}

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

/* libarchive leaves its error string NULL after some failures (a cut cpio
 * header, a refused allocation): never hand NULL to a "%s". */
static const char *archive_why(struct archive *a)
{
	const char *why = archive_error_string(a);

	return why ? why : "damaged or truncated archive";
}

static int entry_data(struct archive *a, const char *name, int64_t size_hint,
		      struct tar_index *ix, ms_buf *b, ms_error *err)
{
	char chunk[MS_CHUNK];

	/* The header says the size: refuse before reading a byte of it. */
	if (size_hint > 0 && (uint64_t)size_hint > MS_FILE_CAP)
		return ms_error_set(err, EFBIG, 0, "archive: %s: more than %zu MiB", name,
				    MS_FILE_CAP >> 20);
	if (size_hint > 0 && ms_buf_reserve(b, (size_t)size_hint) != 0)
		return ms_error_set(err, ENOMEM, 0, "archive: out of memory");
	for (;;) {
		la_ssize_t r = archive_read_data(a, chunk, sizeof chunk);
		if (r == 0)
			return 0;
		if (r < 0)
			return ms_error_set(err, EIO, 0, "archive: %s: %s", name,
					    archive_why(a));
		if (b->len + (size_t)r > MS_FILE_CAP)
			return ms_error_set(err, EFBIG, 0, "archive: %s: more than %zu MiB",
					    name, MS_FILE_CAP >> 20);
		if (ix->total + b->len + (size_t)r > MS_ARCHIVE_CAP)
			return ms_error_set(err, EFBIG, 0, "archive: more than %zu MiB of data",
					    MS_ARCHIVE_CAP >> 20);
		if (ms_buf_append(b, chunk, (size_t)r) != 0)
			return ms_error_set(err, ENOMEM, 0, "archive: out of memory");
	}
}

static int index_add(struct tar_index *ix, const char *name, ms_buf *data, ms_error *err)
{
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 256;
		struct tar_entry *e = realloc(ix->e, cap * sizeof *e);
		if (!e)
			return ms_error_set(err, ENOMEM, 0, "archive: out of memory");
		ix->e = e;
		ix->cap = cap;
	}
	char *path = strdup(name);
	if (!path)
		return ms_error_set(err, ENOMEM, 0, "archive: out of memory");
	size_t len = data->len; /* before detaching resets it */
	ix->e[ix->n] = (struct tar_entry){
		.path = path, .rel = path, .len = len, .seq = ix->n,
		.data = ms_buf_detach(data),
	};
	ix->total += ix->e[ix->n].len;
	ix->n++;
	return 0;
}

static int load_entry(struct archive *a, struct archive_entry *ent, struct tar_index *ix,
		      ms_error *err)
{
	const char *raw = archive_entry_pathname(ent);
	const char *name = raw ? safe_name(raw) : NULL;
	ms_buf b = MS_BUF_INIT;

	/* Links have no bytes of their own; directories are implied by paths. */
	if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_hardlink(ent))
		return 0;
	if (!name) {
		ix->skipped++;
		return 0;
	}
	if (ix->n >= MS_ARCHIVE_MAX_ENTRIES)
		return ms_error_set(err, EFBIG, 0, "archive: more than %d files",
				    MS_ARCHIVE_MAX_ENTRIES);
	int64_t hint = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : 0;
	int r = entry_data(a, name, hint, ix, &b, err);
	if (r == 0)
		r = index_add(ix, name, &b, err);
	ms_buf_free(&b);
	return r;
}

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

static int read_archive(const char *path, struct tar_index *ix, char *container, size_t cap,
			ms_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	int r = 0, ar;

	if (!a)
		return ms_error_set(err, ENOMEM, 0, "archive: out of memory");
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
	if (archive_read_open_filename(a, path, MS_CHUNK) != ARCHIVE_OK) {
		r = ms_error_set(err, EINVAL, 0, "%s: not a snapshot archive: %s", path,
				 archive_why(a));
		archive_read_free(a);
		return r;
	}
	while (r == 0) {
		ar = archive_read_next_header(a, &ent);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
			r = ms_error_set(err, EINVAL, 0, "%s: %s", path, archive_why(a));
			break;
		}
		r = load_entry(a, ent, ix, err);
	}
	if (r == 0)
		name_container(a, container, cap);
	archive_read_free(a);
	return r;
}

/* ---- where the proc tree is ---------------------------------------------- */

static int cmp_entry(const void *pa, const void *pb)
{
	const struct tar_entry *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sorted by path; of several copies of one path the last one stays, as
 * when tar extracts. */
static void sort_unique(struct tar_index *ix)
{
	size_t out = 0;

	qsort(ix->e, ix->n, sizeof *ix->e, cmp_entry);
	for (size_t i = 0; i < ix->n; i++) {
		if (i + 1 < ix->n && strcmp(ix->e[i].path, ix->e[i + 1].path) == 0) {
			free(ix->e[i].path);
			free(ix->e[i].data);
			ix->total -= ix->e[i].len;
			continue;
		}
		ix->e[out++] = ix->e[i];
	}
	ix->n = out;
}

/* "123/..." */
static bool is_pid_path(const char *rel, int *pid)
{
	const char *slash = strchr(rel, '/');

	return slash && ms_pid_name(rel, (size_t)(slash - rel), pid);
}

static bool is_marker(const char *rel)
{
	for (size_t i = 0; ms_snapshot_markers[i]; i++)
		if (strcmp(rel, ms_snapshot_markers[i]) == 0)
			return true;
	return false;
}

static bool has_proc_under(const struct tar_index *ix, const char *prefix)
{
	size_t plen = strlen(prefix);
	int pid;

	for (size_t i = 0; i < ix->n; i++) {
		const char *p = ix->e[i].path;
		if (strncmp(p, prefix, plen) != 0)
			continue;
		if (is_marker(p + plen) || is_pid_path(p + plen, &pid))
			return true;
	}
	return false;
}

/* "board/" when every entry is below one top directory, else "". */
static void common_top(const struct tar_index *ix, char *top, size_t cap)
{
	const char *first = ix->e[0].path, *slash = strchr(first, '/');
	size_t len = slash ? (size_t)(slash - first) + 1 : 0;

	top[0] = '\0';
	if (len == 0 || len >= cap)
		return;
	for (size_t i = 1; i < ix->n; i++)
		if (strncmp(ix->e[i].path, first, len) != 0)
			return;
	memcpy(top, first, len);
	top[len] = '\0';
}

/* The tree may be at the top, under proc/ (`tar czf x.tgz /proc/...`),
 * under one folder (`tar czf x.tgz board/`) or under folder/proc/. */
static int find_prefix(const struct tar_index *ix, char *prefix, size_t cap)
{
	char top[256];
	char cand[4][300];

	common_top(ix, top, sizeof top);
	snprintf(cand[0], sizeof cand[0], "%s", "");
	snprintf(cand[1], sizeof cand[1], "%s", "proc/");
	snprintf(cand[2], sizeof cand[2], "%s", top);
	snprintf(cand[3], sizeof cand[3], "%sproc/", top);
	for (size_t i = 0; i < MS_ARRAY_LEN(cand); i++) {
		if ((i >= 2 && !top[0]) || !has_proc_under(ix, cand[i]))
			continue;
		ms_copy_field(prefix, cap, cand[i], strlen(cand[i]));
		return 0;
	}
	return -EINVAL;
}

/* Keeps the entries below prefix, with rel pointing past it. Order is kept:
 * entries sharing a prefix sort as their remainders do. */
static void keep_under(struct tar_index *ix, const char *prefix)
{
	size_t plen = strlen(prefix), out = 0;

	for (size_t i = 0; i < ix->n; i++) {
		struct tar_entry *e = &ix->e[i];
		if (strncmp(e->path, prefix, plen) != 0 || e->path[plen] == '\0') {
			free(e->path);
			free(e->data);
			continue;
		}
		e->rel = e->path + plen;
		ix->e[out++] = *e;
	}
	ix->n = out;
}

/* smemcap (BusyBox, smem) writes meminfo, version and <pid>/{smaps,cmdline,
 * stat}, nothing else and no metadata. */
static bool is_smemcap(const struct tar_index *ix)
{
	static const char *const top[] = { "meminfo", "version" };
	static const char *const per_pid[] = { "smaps", "cmdline", "stat" };
	bool any_pid = false;
	int pid;

	for (size_t i = 0; i < ix->n; i++) {
		const char *rel = ix->e[i].rel, *slash = strchr(rel, '/');
		const char *name = slash ? slash + 1 : rel;
		const char *const *allowed = slash ? per_pid : top;
		size_t nallowed = slash ? MS_ARRAY_LEN(per_pid) : MS_ARRAY_LEN(top);
		bool ok = false;

		if (slash && !is_pid_path(rel, &pid))
			return false;
		any_pid |= slash != NULL;
		for (size_t j = 0; j < nallowed; j++)
			ok |= strcmp(name, allowed[j]) == 0;
		if (!ok)
			return false;
	}
	return any_pid;
}

/* ---- reading ---------------------------------------------------------------- */

static int cmp_rel(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tar_entry *)elem)->rel);
}

static const struct tar_entry *tar_find(ms_source *src, const char *relpath, ms_error *err)
{
	const struct tar_index *ix = src->priv;
	const struct tar_entry *e = bsearch(relpath, ix->e, ix->n, sizeof *ix->e, cmp_rel);

	if (!e)
		ms_error_set(err, ENOENT, 0, "%s: not in snapshot", relpath);
	return e;
}

static int tar_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	const struct tar_entry *e = tar_find(src, relpath, err);

	if (!e)
		return -ENOENT;
	if (ms_buf_append(out, e->data, e->len) != 0)
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", relpath);
	return 0;
}

static int tar_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err)
{
	const struct tar_entry *e = tar_find(src, relpath, err);

	if (!e)
		return -ENOENT;
	/* In pieces, as from a file, so callers meet the same chunking. */
	for (size_t off = 0; off < e->len; off += MS_CHUNK) {
		size_t n = e->len - off < MS_CHUNK ? e->len - off : MS_CHUNK;
		int r = fn(ctx, e->data + off, n);
		if (r != 0)
			return r;
	}
	return 0;
}

static int tar_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	const struct tar_index *ix = src->priv;
	size_t cap = 0;
	int pid;

	for (size_t i = 0; i < ix->n; i++) {
		if (!is_pid_path(ix->e[i].rel, &pid))
			continue;
		if (*n && (*pids)[*n - 1] == pid)
			continue; /* the files of one pid are adjacent */
		if (ms_pids_push(pids, n, &cap, pid) < 0) {
			free(*pids);
			*pids = NULL;
			*n = 0;
			return ms_error_set(err, ENOMEM, 0, "process list: out of memory");
		}
	}
	ms_pids_sort_unique(*pids, n);
	return 0;
}

static void tar_close(ms_source *src)
{
	index_free(src->priv);
	free(src->priv);
}

static const ms_source_ops tar_ops = {
	.read = tar_read,
	.stream = tar_stream,
	.list_pids = tar_list_pids,
	.close = tar_close,
};

static int build_index(const char *path, struct tar_index *ix, ms_source_info *info,
		       ms_error *err)
{
	char prefix[300];
	int r = read_archive(path, ix, info->container, sizeof info->container, err);

	if (r < 0)
		return r;
	info->skipped_entries = ix->skipped;
	if (ix->n == 0)
		return ms_error_set(err, EINVAL, 0, "%s: the archive holds no files", path);
	sort_unique(ix);
	if (find_prefix(ix, prefix, sizeof prefix) < 0)
		return ms_error_set(err, EINVAL, 0,
				    "%s: not a snapshot: no meminfo, memscope-snapshot or "
				    "process directories in the archive",
				    path);
	keep_under(ix, prefix);
	if (is_smemcap(ix))
		ms_copy_field(info->layout, sizeof info->layout, "smemcap", 7);
	return 0;
}

ms_source *ms_tar_open(const char *path, ms_error *err)
{
	struct tar_index *ix = calloc(1, sizeof *ix);
	/* Read-only once loaded: any number of threads may read it. */
	ms_source *src = ix ? ms_source_new(&tar_ops, MS_CAP_PARALLEL, path, ix) : NULL;

	if (!src) {
		free(ix);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	if (build_index(path, ix, &src->info, err) < 0) {
		index_free(ix);
		free(ix);
		free(src);
		return NULL;
	}
	ms_source_fill_snapshot_info(src);
	return src;
}
