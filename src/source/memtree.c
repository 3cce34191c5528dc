/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-memory tree: a read-only, sorted set of (path, bytes) behind every
 * snapshot held in memory (an archive file, an archive on a pipe, a table
 * of files). Loaders add entries and seal it; sealing finds the layout
 * (where the proc root, the sys root and the snapshot's top are), and from
 * then on nothing changes, so any number of threads may read it.
 *
 * Paths are kept as stored ("board/proc/123/smaps"); a path of source.h is
 * looked up as the prefix of its root followed by the rest, so the layout
 * costs nothing per read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/catalogue.h"
#include "priv.h"

struct mt_entry {
	char *path;
	char *data;
	size_t len;
	size_t seq; /* order of arrival: of several copies the last one stays */
	int err;    /* reading fails with -err (tables only) */
};

struct ms_memtree {
	struct mt_entry *e;
	size_t n, cap;
	size_t total;     /* bytes held */
	unsigned skipped; /* entries left out: unsafe names, shadowed files */
	/* Prefixes of the roots in stored paths: "board/proc/", "board/sys/",
	 * "board/". sys is NULL when there is no sys root (older layouts). */
	char *proc, *sys, *top;
	bool smemcap;
};

/* ---- building ---------------------------------------------------------------- */

ms_memtree *ms_memtree_new(void)
{
	return calloc(1, sizeof(ms_memtree));
}

void ms_memtree_free(ms_memtree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].path);
		free(t->e[i].data);
	}
	free(t->e);
	free(t->proc);
	free(t->sys);
	free(t->top);
	free(t);
}

int ms_memtree_add(ms_memtree *t, const char *path, char *data, size_t len, int err,
		   ms_error *e)
{
	if (t->n >= MS_ARCHIVE_MAX_ENTRIES) {
		free(data);
		return ms_error_set(e, EFBIG, 0, "more than %d files", MS_ARCHIVE_MAX_ENTRIES);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct mt_entry *ne = realloc(t->e, cap * sizeof *ne);
		if (!ne) {
			free(data);
			return ms_error_set(e, ENOMEM, 0, "out of memory");
		}
		t->e = ne;
		t->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy) {
		free(data);
		return ms_error_set(e, ENOMEM, 0, "out of memory");
	}
	t->e[t->n] = (struct mt_entry){
		.path = copy, .data = data, .len = len, .seq = t->n, .err = err,
	};
	t->n++;
	t->total += len;
	return 0;
}

void ms_memtree_skipped(ms_memtree *t)
{
	t->skipped++;
}

size_t ms_memtree_bytes(const ms_memtree *t)
{
	return t->total;
}

size_t ms_memtree_count(const ms_memtree *t)
{
	return t->n;
}

/* ---- sorted lookups ------------------------------------------------------------ */

/* strcmp of the concatenation a1 a2 against b, without making it. */
static int cmp_key(const char *a1, const char *a2, const char *b)
{
	for (; *a1; a1++, b++)
		if (*a1 != *b)
			return (unsigned char)*a1 - (unsigned char)*b;
	return strcmp(a2, b);
}

/* The first entry whose path is not below a1 a2. */
static size_t lower_bound(const ms_memtree *t, const char *a1, const char *a2)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key(a1, a2, t->e[mid].path) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct mt_entry *find_exact(const ms_memtree *t, const char *a1, const char *a2)
{
	size_t i = lower_bound(t, a1, a2);

	return i < t->n && cmp_key(a1, a2, t->e[i].path) == 0 ? &t->e[i] : NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- sealing -------------------------------------------------------------------- */

static int cmp_entry(const void *pa, const void *pb)
{
	const struct mt_entry *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static void drop(ms_memtree *t, struct mt_entry *e)
{
	t->total -= e->len;
	free(e->path);
	free(e->data);
}

/* Sorted by path; of several copies of one path the last one stays, as
 * when tar extracts. */
static void sort_unique(ms_memtree *t)
{
	size_t out = 0;

	if (t->n)
		qsort(t->e, t->n, sizeof *t->e, cmp_entry);
	for (size_t i = 0; i < t->n; i++) {
		if (i + 1 < t->n && strcmp(t->e[i].path, t->e[i + 1].path) == 0)
			drop(t, &t->e[i]);
		else
			t->e[out++] = t->e[i];
	}
	t->n = out;
}

/* A name that is a file and a folder at once ("a" and "a/b") is no tree
 * a file system could hold: the file goes, so that a listing never names
 * one entry twice and a read never sees what a listing calls a folder. */
static int drop_shadowed_files(ms_memtree *t, ms_error *err)
{
	bool *shadowed = t->n ? calloc(t->n, sizeof *shadowed) : NULL;
	size_t out = 0;

	if (t->n && !shadowed)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		size_t j = lower_bound(t, t->e[i].path, "/");
		shadowed[i] = j < t->n && starts_with(t->e[j].path, t->e[i].path) &&
			      t->e[j].path[strlen(t->e[i].path)] == '/';
	}
	for (size_t i = 0; i < t->n; i++) {
		if (shadowed[i]) {
			drop(t, &t->e[i]);
			t->skipped++;
		} else {
			t->e[out++] = t->e[i];
		}
	}
	t->n = out;
	free(shadowed);
	return 0;
}

/* "123/..." */
static bool is_pid_path(const char *rel, int *pid)
{
	const char *slash = strchr(rel, '/');

	return slash && ms_pid_name(rel, (size_t)(slash - rel), pid);
}

/* Files that say "a /proc tree" (the catalogue's markers): the kernel's
 * own (with_meta false), or also our metadata, which an empty capture may
 * hold alone. */
static bool is_marker(const char *rel, bool with_meta)
{
	return ms_kfile_is_marker(rel, with_meta);
}

static bool has_proc_under(const ms_memtree *t, const char *prefix, bool with_meta)
{
	size_t plen = strlen(prefix);
	int pid;

	for (size_t i = lower_bound(t, prefix, ""); i < t->n; i++) {
		const char *p = t->e[i].path;
		if (strncmp(p, prefix, plen) != 0)
			break;
		if (is_marker(p + plen, with_meta) || is_pid_path(p + plen, &pid))
			return true;
	}
	return false;
}

/* "board/" when every entry is below one top folder, else "". */
static void common_top(const ms_memtree *t, char *top, size_t cap)
{
	const char *first = t->e[0].path, *slash = strchr(first, '/');
	size_t len = slash ? (size_t)(slash - first) + 1 : 0;

	top[0] = '\0';
	if (len == 0 || len >= cap)
		return;
	if (strncmp(t->e[t->n - 1].path, first, len) != 0)
		return; /* sorted: the first and the last share it, so do all */
	memcpy(top, first, len);
	top[len] = '\0';
}

/* The proc tree may be at the top, under proc/ (`tar czf x.tgz /proc/...
 * /sys/...`), under one folder (`tar czf x.tgz board/`) or under
 * folder/proc/. The kernel's files decide first: a new snapshot's
 * memscope-snapshot sits above its proc/, not in it. */
static int find_proc_prefix(const ms_memtree *t, char *prefix, size_t cap)
{
	char top[256];
	char cand[4][300];

	common_top(t, top, sizeof top);
	snprintf(cand[0], sizeof cand[0], "%s", "");
	snprintf(cand[1], sizeof cand[1], "%s", "proc/");
	snprintf(cand[2], sizeof cand[2], "%s", top);
	snprintf(cand[3], sizeof cand[3], "%sproc/", top);
	for (int with_meta = 0; with_meta < 2; with_meta++) {
		for (size_t i = 0; i < MS_ARRAY_LEN(cand); i++) {
			if ((i >= 2 && !top[0]) || !has_proc_under(t, cand[i], with_meta))
				continue;
			ms_copy_field(prefix, cap, cand[i], strlen(cand[i]));
			return 0;
		}
	}
	return -EINVAL;
}

/* smemcap (BusyBox, smem) writes meminfo, version and <pid>/{smaps,cmdline,
 * stat}, nothing else and no metadata. */
static bool is_smemcap(const ms_memtree *t)
{
	static const char *const top[] = { "meminfo", "version" };
	static const char *const per_pid[] = { "smaps", "cmdline", "stat" };
	size_t plen = strlen(t->proc);
	bool any_pid = false;
	int pid;

	for (size_t i = 0; i < t->n; i++) {
		if (strncmp(t->e[i].path, t->proc, plen) != 0)
			continue;
		const char *rel = t->e[i].path + plen, *slash = strchr(rel, '/');
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

static int set_roots(ms_memtree *t, const char *proc, const char *sys, const char *top,
		     ms_error *err)
{
	t->proc = strdup(proc);
	t->sys = sys ? strdup(sys) : NULL;
	t->top = strdup(top);
	if (!t->proc || !t->top || (sys && !t->sys))
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	return 0;
}

int ms_memtree_seal_snapshot(ms_memtree *t, const char *name, ms_error *err)
{
	char proc[300], top[300], sys[310];

	if (t->n == 0)
		return ms_error_set(err, EINVAL, 0, "%s: the archive holds no files", name);
	sort_unique(t);
	int r = drop_shadowed_files(t, err);
	if (r < 0)
		return r;
	if (t->n == 0 || find_proc_prefix(t, proc, sizeof proc) < 0)
		return ms_error_set(err, EINVAL, 0,
				    "%s: not a snapshot: no meminfo, memscope-snapshot or "
				    "process directories in the archive",
				    name);
	/* proc/ and sys/ side by side, the metadata above them; older
	 * layouts have no proc/ level and no sys root. */
	size_t plen = strlen(proc);
	bool nested = plen >= 5 && strcmp(proc + plen - 5, "proc/") == 0 &&
		      (plen == 5 || proc[plen - 6] == '/');
	ms_copy_field(top, sizeof top, proc, nested ? plen - 5 : plen);
	snprintf(sys, sizeof sys, "%ssys/", top);
	r = set_roots(t, proc, nested ? sys : NULL, top, err);
	if (r == 0)
		t->smemcap = is_smemcap(t);
	return r;
}

int ms_memtree_seal_table(ms_memtree *t, ms_error *err)
{
	sort_unique(t);
	int r = drop_shadowed_files(t, err);
	return r < 0 ? r : set_roots(t, "proc/", "sys/", "", err);
}

/* ---- reading --------------------------------------------------------------------- */

static ms_memtree *tree_of(const ms_source *src)
{
	return ms_source_priv(src);
}

/* The stored prefix of relpath's root, and the rest; NULL prefix when the
 * snapshot has no such root. */
static const char *root_prefix(const ms_memtree *t, const char *relpath, const char **below,
			       enum ms_root *root)
{
	*root = ms_path_root(relpath, below);
	switch (*root) {
	case MS_ROOT_SYS:
		return t->sys;
	case MS_ROOT_TOP:
		return t->top;
	default:
		return t->proc;
	}
}

static const struct mt_entry *lookup(const ms_memtree *t, const char *relpath)
{
	enum ms_root root;
	const char *below, *prefix = root_prefix(t, relpath, &below, &root);
	const struct mt_entry *e = prefix ? find_exact(t, prefix, below) : NULL;

	/* Older snapshots keep their memscope-* files in the proc root. */
	if (!e && root == MS_ROOT_TOP && strcmp(t->top, t->proc) != 0)
		e = find_exact(t, t->proc, below);
	return e;
}

static int tree_find(ms_source *src, const char *relpath, const struct mt_entry **out,
		     ms_error *err)
{
	const struct mt_entry *e = lookup(tree_of(src), relpath);

	if (!e)
		return ms_error_set(err, ENOENT, 0, "%s: not in snapshot", relpath);
	if (e->err)
		return ms_error_set(err, e->err, 0, "%s: %s", relpath, strerror(e->err));
	*out = e;
	return 0;
}

static int tree_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	const struct mt_entry *e;
	int r = tree_find(src, relpath, &e, err);

	if (r < 0)
		return r;
	if (ms_buf_append(out, e->data ? e->data : "", e->len) != 0)
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", relpath);
	return 0;
}

static int tree_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		       ms_error *err)
{
	const struct mt_entry *e;
	int r = tree_find(src, relpath, &e, err);

	if (r < 0)
		return r;
	/* In pieces, as from a file, so callers meet the same chunking. */
	for (size_t off = 0; off < e->len; off += MS_CHUNK) {
		size_t n = e->len - off < MS_CHUNK ? e->len - off : MS_CHUNK;
		r = fn(ctx, e->data + off, n);
		if (r != 0)
			return r;
	}
	return 0;
}

static int tree_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	const ms_memtree *t = tree_of(src);
	size_t cap = 0, plen = strlen(t->proc);
	int pid;

	for (size_t i = lower_bound(t, t->proc, ""); i < t->n; i++) {
		const char *path = t->e[i].path;
		if (strncmp(path, t->proc, plen) != 0)
			break;
		if (!is_pid_path(path + plen, &pid))
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

/* Folders are implied by the paths below them; entries of one folder are
 * adjacent once sorted, and the files of a subfolder too. */
static int tree_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	const ms_memtree *t = tree_of(src);
	enum ms_root root;
	const char *below, *prefix = root_prefix(t, reldir, &below, &root);
	ms_buf key = MS_BUF_INIT;
	int r = 0;

	if (!prefix)
		return ms_error_set(err, ENOENT, 0, "%s: not in snapshot", reldir);
	if (ms_buf_puts(&key, prefix) != 0 ||
	    (strcmp(below, ".") != 0 && ms_buf_printf(&key, "%s/", below) != 0))
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", reldir);
	const char *last = NULL;
	size_t last_len = 0;
	for (size_t i = lower_bound(t, key.data, ""); r == 0 && i < t->n; i++) {
		const char *path = t->e[i].path;
		if (strncmp(path, key.data, key.len) != 0)
			break;
		const char *name = path + key.len, *slash = strchr(name, '/');
		size_t len = slash ? (size_t)(slash - name) : strlen(name);
		if (len == 0 || (last && len == last_len && memcmp(name, last, len) == 0))
			continue;
		r = ms_dirlist_add(out, name, len, slash != NULL);
		last = name;
		last_len = len;
	}
	ms_buf_free(&key);
	if (r < 0)
		return ms_error_set(err, ENOMEM, 0, "%s: out of memory", reldir);
	if (out->n == 0)
		return ms_error_set(err, ENOENT, 0, "%s: not in snapshot", reldir);
	return 0;
}

static void tree_close(ms_source *src)
{
	ms_memtree_free(tree_of(src));
}

static const ms_source_ops memtree_ops = {
	.read = tree_read,
	.stream = tree_stream,
	.list_pids = tree_list_pids,
	.list_dir = tree_list_dir,
	.close = tree_close,
};

/* "board.tar.gz:board/proc" */
static int set_where(ms_source *src, enum ms_root root, const char *name, const char *prefix)
{
	char where[sizeof src->info.path + 320];

	if (!prefix)
		return 0;
	snprintf(where, sizeof where, "%s:%s", name, prefix);
	return ms_source_set_where(src, root, where);
}

ms_source *ms_memtree_source(ms_memtree *t, unsigned caps, const char *path,
			     const char *container, ms_error *err)
{
	ms_source *src = ms_source_new(&memtree_ops, caps, path, t);

	if (!src || set_where(src, MS_ROOT_PROC, path, t->proc) < 0 ||
	    set_where(src, MS_ROOT_SYS, path, t->sys) < 0 ||
	    set_where(src, MS_ROOT_TOP, path, t->top) < 0) {
		if (src)
			ms_source_close(src); /* frees t */
		else
			ms_memtree_free(t);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	ms_source_info *info = ms_source_info_of(src);
	ms_copy_field(info->container, sizeof info->container, container, strlen(container));
	info->skipped_entries = t->skipped;
	if (t->smemcap)
		ms_copy_field(info->layout, sizeof info->layout, "smemcap", 7);
	if (caps & MS_CAP_HOST_FACTS)
		ms_fill_host_info(info);
	else
		ms_source_fill_snapshot_info(src);
	if (!info->layout[0])
		ms_copy_field(info->layout, sizeof info->layout, "proc-tree", 9);
	return src;
}

/* ---- a table of files ----------------------------------------------------------- */

/* The path a file of source.h has in the tree: the layout of a new
 * snapshot, proc/ and sys/ side by side, our own files above them. */
static int table_path(const char *relpath, ms_buf *out)
{
	const char *below;

	ms_buf_reset(out);
	switch (ms_path_root(relpath, &below)) {
	case MS_ROOT_SYS:
		return ms_buf_printf(out, "sys/%s", below);
	case MS_ROOT_TOP:
		return ms_buf_puts(out, below);
	default:
		return ms_buf_printf(out, "proc/%s", below);
	}
}

static bool table_path_ok(const char *p)
{
	const char *below;

	if (!p || !*p || p[0] == '/')
		return false;
	for (const char *c = p;; c++) {
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
			return false;
		c = strchr(c, '/');
		if (!c)
			break;
	}
	/* "sys" or "proc" alone would be a file where a root must be. */
	return strcmp(ms_path_root(p, &below) == MS_ROOT_TOP ? p : below, ".") != 0;
}

static int table_add(ms_memtree *t, const ms_memfile *f, ms_buf *path, ms_error *err)
{
	char *copy = NULL;

	if (!table_path_ok(f->path) || f->err < 0 || (!f->data && f->len && !f->err))
		return ms_error_set(err, EINVAL, 0, "%s: not a file of a source",
				    f->path ? f->path : "(null)");
	if (f->len > MS_FILE_CAP)
		return ms_error_set(err, EFBIG, 0, "%s: more than %zu MiB", f->path,
				    MS_FILE_CAP >> 20);
	if (table_path(f->path, path) != 0)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	if (!f->err) {
		copy = malloc(f->len + 1);
		if (!copy)
			return ms_error_set(err, ENOMEM, 0, "out of memory");
		if (f->len)
			memcpy(copy, f->data, f->len);
		copy[f->len] = '\0';
	}
	return ms_memtree_add(t, path->data, copy, f->err ? 0 : f->len, f->err, err);
}

ms_source *ms_source_open_files(const ms_memfile *files, size_t n, unsigned caps,
				const char *name, ms_error *err)
{
	ms_memtree *t = ms_memtree_new();
	ms_buf path = MS_BUF_INIT;
	int r = t ? 0 : ms_error_set(err, ENOMEM, 0, "out of memory");

	for (size_t i = 0; r == 0 && i < n; i++)
		r = table_add(t, &files[i], &path, err);
	ms_buf_free(&path);
	if (r == 0)
		r = ms_memtree_seal_table(t, err);
	if (r < 0) {
		ms_memtree_free(t);
		return NULL;
	}
	return ms_memtree_source(t, caps, name && *name ? name : "memory", "memory", err);
}
