/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot target: the input is written to a file and opened as a
 * snapshot archive (tar, compressed or not, or smemcap), as `memscope -s`
 * would. Then every file memscope knows is read and streamed, a sample is
 * loaded with every part, and every batch view is rendered in JSON (which
 * must be valid RFC 8259), text and CSV (which must hold no control
 * character but '\n'). This is the path untrusted bytes take from a
 * stranger's archive to a terminal or a script.
 *
 * The in-memory tree is reached two more ways, which must agree with the
 * file: the same bytes arriving on a pipe (`-s -`, ssh), and the files the
 * archive holds, found through its listings, handed over as a table
 * (ms_source_open_files).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/batch.h"
#include "memscope/model.h"
#include "memscope/source.h"
#include "targets.h"

static const char *const system_files[] = {
	"memscope-snapshot", "meminfo", "vmstat", "buddyinfo", "pagetypeinfo", "zoneinfo",
	"slabinfo", "iomem", "vmallocinfo", "swaps", "version", "cmdline",
};

static const char *const pid_files[] = {
	"cmdline", "comm", "status", "stat", "statm", "maps", "smaps_rollup", "smaps",
	"oom_score_adj", "oom_score", "cgroup",
};

/* The snapshot's own files, above its proc root (or in it). */
static const char *const top_files[] = {
	"memscope-snapshot", "memscope-users", "memscope-unread",
};

/* The input as a file, for as long as opening takes: the archive is read
 * into memory whole when opened, so the file goes at once, even when a
 * check aborts later (a test runner's forked worker runs no atexit). In
 * /dev/shm when there is one, so that fuzzing does not wear a disk. */
static void write_scratch(char path[64], const uint8_t *data, size_t size)
{
	int fd;
	FILE *f;

	snprintf(path, 64, "%s/memscope-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	fd = mkstemp(path);
	FUZZ_CHECK(fd >= 0);
	f = fdopen(fd, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);
}

/* source.h: a read gives 0 or one of these, with a message. */
static void check_read_result(int rc, const ms_error *err)
{
	ms_fuzz_check_result(rc, err);
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EACCES || rc == -EPERM ||
		   rc == -EFBIG || rc == -EIO || rc == -EINVAL || rc == -ENOMEM);
}

static int count_bytes(void *ctx, const char *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

/* Reading a file whole and streaming it give the same bytes. */
static void read_one(ms_source *src, const char *relpath, ms_buf *b)
{
	ms_error err;
	size_t streamed = 0;
	int rc = ms_source_read(src, relpath, b, &err);
	int src_rc;

	check_read_result(rc, &err);
	src_rc = ms_source_stream(src, relpath, count_bytes, &streamed, &err);
	check_read_result(src_rc, &err);
	FUZZ_CHECK(rc != 0 || src_rc != 0 || streamed == b->len);
}

static void read_everything(ms_source *src)
{
	ms_buf b = MS_BUF_INIT;
	ms_error err;
	int *pids = NULL;
	size_t npids = 0;
	char rel[64];
	int rc;

	for (size_t i = 0; i < MS_ARRAY_LEN(system_files); i++)
		read_one(src, system_files[i], &b);
	/* The snapshot is never a way out of itself. */
	FUZZ_CHECK(ms_source_read(src, "../meminfo", &b, &err) == -EINVAL);
	FUZZ_CHECK(ms_source_read(src, "/etc/passwd", &b, &err) == -EINVAL);
	rc = ms_source_list_pids(src, &pids, &npids, &err);
	ms_fuzz_check_result(rc, &err);
	for (size_t i = 0; i < npids; i++) {
		FUZZ_CHECK(pids[i] > 0 && (i == 0 || pids[i - 1] < pids[i]));
		for (size_t f = 0; f < MS_ARRAY_LEN(pid_files); f++) {
			snprintf(rel, sizeof rel, "%d/%s", pids[i], pid_files[f]);
			read_one(src, rel, &b);
		}
	}
	free(pids);
	ms_buf_free(&b);
}

/* Text output may hold valid UTF-8 and newlines (CSV: CRLF, RFC 4180);
 * no other C0 or C1 control character, no DEL and no broken sequence may
 * reach a terminal. */
static bool terminal_safe(const char *s, size_t len, bool crlf)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		if (crlf && *p == '\r' && end - p >= 2 && p[1] == '\n')
			p++;
		if (*p == '\n' || (*p >= 0x20 && *p < 0x7f)) {
			p++;
			continue;
		}
		if (*p == 0x7f || *p < 0x20)
			return false;
		if (*p == 0xc2 && end - p >= 2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return false;
		int more = *p >= 0xc2 && *p <= 0xdf ? 1 : (*p & 0xf0) == 0xe0 ? 2
			 : *p >= 0xf0 && *p <= 0xf4 ? 3 : -1;
		if (more < 0 || end - p <= more)
			return false;
		for (int i = 1; i <= more; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += more + 1;
	}
	return true;
}

static void render_all(const ms_sample *s, ms_source *src)
{
	ms_buf out = MS_BUF_INIT;
	ms_error err;
	ms_batch_opts o = { .pid = s->nprocs ? s->procs[0].pid : 1 };

	for (size_t v = 0; ms_views[v]; v++) {
		o.view = ms_views[v];
		o.format = MS_FORMAT_JSON;
		ms_buf_reset(&out);
		int rc = ms_batch_render(&o, s, src, &out, &err);
		ms_fuzz_check_result(rc, &err);
		FUZZ_CHECK(rc != 0 || ms_fuzz_json_valid(out.data, out.len));
		FUZZ_CHECK(rc == 0 || out.len == 0);
		for (int f = MS_FORMAT_TEXT; f <= MS_FORMAT_CSV; f++) {
			o.format = (ms_format)f;
			ms_buf_reset(&out);
			rc = ms_batch_render(&o, s, src, &out, &err);
			ms_fuzz_check_result(rc, &err);
			FUZZ_CHECK(rc != 0 || terminal_safe(out.data, out.len,
							    f == MS_FORMAT_CSV));
		}
	}
	ms_buf_free(&out);
}

static void check_info(const ms_source_info *info)
{
	FUZZ_CHECK(info->page_size > 0);
	FUZZ_CHECK(info->page_size_origin != NULL);
	FUZZ_CHECK(memchr(info->kernel, '\0', sizeof info->kernel) != NULL);
	FUZZ_CHECK(memchr(info->machine, '\0', sizeof info->machine) != NULL);
	FUZZ_CHECK(memchr(info->hostname, '\0', sizeof info->hostname) != NULL);
	FUZZ_CHECK(memchr(info->captured_at, '\0', sizeof info->captured_at) != NULL);
}

/* ---- the same bytes down a pipe --------------------------------------------- */

struct pipe_feed {
	int fd;
	const uint8_t *data;
	size_t size;
};

/* The writer end, as a remote shell would: in pieces, then closed. The
 * reader may stop before the end (the tar's end blocks, an error): the
 * write then fails (EPIPE; SIGPIPE is ignored) and the feed ends. */
static void *feed_pipe(void *arg)
{
	struct pipe_feed *f = arg;

	for (size_t off = 0; off < f->size;) {
		size_t n = f->size - off < 4096 ? f->size - off : 4096;
		ssize_t w = write(f->fd, f->data + off, n);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static ms_source *open_from_pipe(const uint8_t *data, size_t size, ms_error *err)
{
	struct pipe_feed f = { -1, data, size };
	int p[2];
	pthread_t t;

	signal(SIGPIPE, SIG_IGN);
	FUZZ_CHECK(pipe(p) == 0);
	f.fd = p[1];
	FUZZ_CHECK(pthread_create(&t, NULL, feed_pipe, &f) == 0);
	ms_source *src = ms_source_open_fd(p[0], "-", err);
	close(p[0]);
	pthread_join(t, NULL);
	return src;
}

/* ---- comparing two sources -------------------------------------------------------- */

static void check_same_file(ms_source *a, ms_source *b, const char *rel, ms_buf *x, ms_buf *y)
{
	ms_error ea, eb;
	int ra = ms_source_read(a, rel, x, &ea);
	int rb = ms_source_read(b, rel, y, &eb);

	FUZZ_CHECK(ra == rb);
	FUZZ_CHECK(ra != 0 ||
		   (x->len == y->len && (x->len == 0 || !memcmp(x->data, y->data, x->len))));
}

static void check_same_pids(ms_source *a, ms_source *b)
{
	int *pa = NULL, *pb = NULL;
	size_t na = 0, nb = 0;
	ms_error err;
	int ra = ms_source_list_pids(a, &pa, &na, &err);
	int rb = ms_source_list_pids(b, &pb, &nb, &err);

	FUZZ_CHECK(ra == rb && na == nb);
	FUZZ_CHECK(na == 0 || memcmp(pa, pb, na * sizeof *pa) == 0);
	free(pa);
	free(pb);
}

static void check_same_info(const ms_source_info *a, const ms_source_info *b)
{
	FUZZ_CHECK(strcmp(a->container, b->container) == 0);
	FUZZ_CHECK(strcmp(a->layout, b->layout) == 0);
	FUZZ_CHECK(strcmp(a->kernel, b->kernel) == 0);
	FUZZ_CHECK(a->page_size == b->page_size);
	FUZZ_CHECK(a->skipped_entries == b->skipped_entries);
}

/* Every file memscope knows, and the process list, alike in both. */
static void check_same_known_files(ms_source *a, ms_source *b)
{
	ms_buf x = MS_BUF_INIT, y = MS_BUF_INIT;
	int *pids = NULL;
	size_t n = 0;
	ms_error err;
	char rel[64];

	for (size_t i = 0; i < MS_ARRAY_LEN(system_files); i++)
		check_same_file(a, b, system_files[i], &x, &y);
	for (size_t i = 0; i < MS_ARRAY_LEN(top_files); i++)
		check_same_file(a, b, top_files[i], &x, &y);
	check_same_pids(a, b);
	if (ms_source_list_pids(a, &pids, &n, &err) == 0)
		for (size_t i = 0; i < n && i < 16; i++)
			for (size_t f = 0; f < MS_ARRAY_LEN(pid_files); f++) {
				snprintf(rel, sizeof rel, "%d/%s", pids[i], pid_files[f]);
				check_same_file(a, b, rel, &x, &y);
			}
	free(pids);
	ms_buf_free(&x);
	ms_buf_free(&y);
}

/* ---- the archive's files as a table -------------------------------------------- */

struct table {
	ms_memfile *f;
	size_t n, cap;
};

static void table_add(struct table *t, const char *rel, const ms_buf *b)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->f = realloc(t->f, t->cap * sizeof *t->f);
		FUZZ_CHECK(t->f != NULL);
	}
	char *path = strdup(rel);
	char *data = malloc(b->len + 1);
	FUZZ_CHECK(path && data);
	if (b->len)
		memcpy(data, b->data, b->len);
	t->f[t->n++] = (ms_memfile){ path, data, b->len, 0 };
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free((char *)t->f[i].path);
		free((char *)t->f[i].data);
	}
	free(t->f);
}

/* A listing: sorted, each name once, none empty or holding a '/'. */
static void check_listing(const ms_dirlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_CHECK(l->e[i].name[0] != '\0' && !strchr(l->e[i].name, '/'));
		FUZZ_CHECK(i == 0 || strcmp(l->e[i - 1].name, l->e[i].name) < 0);
	}
}

/* Walks dir through its listings; every file listed reads. */
static void walk(ms_source *src, const char *dir, int depth, struct table *t, ms_buf *b)
{
	ms_dirlist l;
	ms_error err;
	char rel[4096];
	int r = ms_source_list_dir(src, dir, &l, &err);

	ms_fuzz_check_result(r, &err);
	if (r < 0)
		return;
	check_listing(&l);
	for (size_t i = 0; i < l.n; i++) {
		if ((size_t)snprintf(rel, sizeof rel, "%s/%s", dir, l.e[i].name) >= sizeof rel)
			continue;
		if (l.e[i].is_dir) {
			if (depth < 32)
				walk(src, rel, depth + 1, t, b);
			continue;
		}
		r = ms_source_read(src, rel, b, &err);
		FUZZ_CHECK(r == 0 || r == -EINVAL); /* EINVAL: a path too long to check */
		if (r == 0)
			table_add(t, rel, b);
	}
	ms_dirlist_free(&l);
}

static ms_source *open_as_table(ms_source *src, ms_error *err)
{
	struct table t = { 0 };
	ms_buf b = MS_BUF_INIT;

	walk(src, "proc", 0, &t, &b);
	walk(src, "sys", 0, &t, &b);
	for (size_t i = 0; i < MS_ARRAY_LEN(top_files); i++)
		if (ms_source_read(src, top_files[i], &b, err) == 0)
			table_add(&t, top_files[i], &b);
	ms_source *table = ms_source_open_files(t.f, t.n, 0, "table", err);
	FUZZ_CHECK(table != NULL);
	table_free(&t);
	ms_buf_free(&b);
	return table;
}

int ms_fuzz_tar(const uint8_t *data, size_t size)
{
	char path[64];
	ms_error err, perr;
	ms_source *src, *piped;
	ms_sample s;

	write_scratch(path, data, size);
	/* Text is a kernel log, not an archive: the kernlog target's. */
	if (ms_path_is_text_log(path)) {
		unlink(path);
		return 0;
	}
	src = ms_source_open_snapshot(path, &err);
	unlink(path);
	piped = open_from_pipe(data, size, &perr);
	FUZZ_CHECK((src == NULL) == (piped == NULL));
	if (!src) {
		FUZZ_CHECK(err.code > 0 && err.code == perr.code);
		ms_fuzz_check_result(-err.code, &err);
		ms_fuzz_check_result(-perr.code, &perr);
		return 0;
	}
	check_info(ms_source_get_info(src));
	check_same_info(ms_source_get_info(src), ms_source_get_info(piped));
	FUZZ_CHECK(ms_source_can(piped, MS_CAP_STREAM | MS_CAP_PARALLEL));
	check_same_known_files(src, piped);
	ms_source_close(piped);
	read_everything(src);

	ms_source *table = open_as_table(src, &err);
	check_same_known_files(src, table);
	ms_source_close(table);

	if (ms_sample_load(&s, src, MS_PART_ALL, &err) == 0) {
		render_all(&s, src);
		ms_sample_free(&s);
	} else {
		FUZZ_CHECK(err.code > 0);
		ms_fuzz_check_result(-err.code, &err);
	}
	ms_source_close(src);
	return 0;
}

/* ---- a kernel log as a source (src/source/kernlog.c) --------------------------- */

/* A text log opened as a source of OOM reports: every report selected in
 * turn, each read whole (every file, every process) and rendered by every
 * view in every format. The file stays while the source is open: each
 * selection reads it again. */
int ms_fuzz_kernlog(const uint8_t *data, size_t size)
{
	char path[64];
	ms_error err;
	ms_sample s;

	write_scratch(path, data, size);
	ms_source *src = ms_source_open_kernlog(path, &err);
	if (!src) {
		unlink(path);
		FUZZ_CHECK(err.code > 0);
		ms_fuzz_check_result(-err.code, &err);
		return 0;
	}
	size_t n = ms_source_sample_count(src);
	FUZZ_CHECK(n > 0 && ms_source_can(src, MS_CAP_SAMPLES));
	FUZZ_CHECK(ms_source_selected(src) == 0);
	for (size_t i = 0; i < n && i < 8; i++) {
		int rc = ms_source_select(src, i, &err);
		ms_fuzz_check_result(rc, &err);
		FUZZ_CHECK(rc == 0); /* the file did not change: every report is there */
		const ms_source_info *info = ms_source_get_info(src);
		check_info(info);
		FUZZ_CHECK(memchr(info->sample_label, '\0', sizeof info->sample_label) != NULL);
		FUZZ_CHECK(strncmp(info->sample_label, "OOM report ", 11) == 0);
		read_everything(src);
		if (ms_sample_load(&s, src, MS_PART_ALL, &err) == 0) {
			render_all(&s, src);
			ms_sample_free(&s);
		} else {
			FUZZ_CHECK(err.code > 0);
			ms_fuzz_check_result(-err.code, &err);
		}
	}
	FUZZ_CHECK(ms_source_select(src, n, &err) == -ERANGE);
	ms_source_close(src);
	unlink(path);
	return 0;
}
