/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A recording (doc/snapshot.md, "Recordings"): samples appended to one
 * file, each a snapshot archive behind a one-line header that says its
 * length and when it was taken:
 *
 *	memscope-sample 1 <bytes> <unix-seconds>[.<fraction>]\n<archive>
 *
 * The headers alone give every sample's place and time, so opening a
 * day's recording reads a few bytes per sample and one archive, never
 * the others. The selected sample is an ordinary archive source (tar.c)
 * to which this one passes every read. The file may grow while it is
 * read (a recorder at work): each count looks past the last header seen.
 * A tail that is not a whole sample (a recorder killed mid-write, a power
 * cut) is skipped and said, never taken for data.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "priv.h"

#define HEADER_MAGIC "memscope-sample "
#define HEADER_MAX 96 /* longer than any header the format allows */

struct frame {
	off_t payload; /* where its archive starts */
	size_t len;    /* its bytes */
	int64_t ns;    /* when it was taken */
};

struct recording {
	char *path;
	/* The loader's thread selects while the interface's thread counts. */
	pthread_mutex_t lock;
	struct frame *frames;
	size_t n, cap;
	off_t next;	    /* where the next header would start */
	bool torn;	    /* what follows next is not a whole sample */
	char torn_why[160];
	size_t selected;
	ms_source *cur;	    /* the selected sample */
};

/* ---- the headers ------------------------------------------------------------ */

static bool parse_u64(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*v = x;
	return true;
}

/* "1700000000" or "1700000000.25": ns since the epoch. */
static bool parse_time(const char **p, int64_t *ns)
{
	uint64_t sec, frac = 0;
	int digits = 0;

	if (!parse_u64(p, &sec) || sec > INT64_MAX / 1000000000)
		return false;
	if (**p == '.') {
		for ((*p)++; **p >= '0' && **p <= '9'; (*p)++, digits++)
			if (digits < 9)
				frac = frac * 10 + (uint64_t)(**p - '0');
		if (digits == 0)
			return false;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	*ns = (int64_t)sec * 1000000000 + (int64_t)frac;
	return true;
}

/* One header line (without its '\n'): its archive's length and time. */
static bool parse_header(const char *line, size_t *len, int64_t *ns)
{
	const char *p = line + strlen(HEADER_MAGIC);
	uint64_t version, bytes;

	if (strncmp(line, HEADER_MAGIC, strlen(HEADER_MAGIC)) != 0 ||
	    !parse_u64(&p, &version) || version != 1 || *p++ != ' ' ||
	    !parse_u64(&p, &bytes) || bytes == 0 || bytes > MS_ARCHIVE_CAP || *p++ != ' ' ||
	    !parse_time(&p, ns) || *p != '\0')
		return false;
	*len = (size_t)bytes;
	return true;
}

bool ms_path_is_recording(const char *path)
{
	char head[sizeof HEADER_MAGIC - 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return false;
	yes = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
	      memcmp(head, HEADER_MAGIC, sizeof head) == 0;
	close(fd);
	return yes;
}

static int add_frame(struct recording *r, off_t payload, size_t len, int64_t ns)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct frame *f = realloc(r->frames, cap * sizeof *f);
		if (!f)
			return -ENOMEM;
		r->frames = f;
		r->cap = cap;
	}
	r->frames[r->n++] = (struct frame){ payload, len, ns };
	return 0;
}

static void set_torn(struct recording *r, const char *what, off_t at)
{
	r->torn = true;
	snprintf(r->torn_why, sizeof r->torn_why,
		 "%s: skipped a torn last sample (%s at byte %jd): the recorder was "
		 "stopped mid-sample, or is writing it now",
		 r->path, what, (intmax_t)at);
}

/* Reads the headers of fd past the last one seen. A tail that is not a
 * whole sample stays unread: the next look starts there again, so a
 * sample being written counts once it is whole. Caller holds the lock. */
static int scan_fd(struct recording *r, int fd)
{
	char line[HEADER_MAX + 1];
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	r->torn = false;
	while (r->next < st.st_size) {
		ssize_t got = pread(fd, line, HEADER_MAX, r->next);
		if (got <= 0) {
			set_torn(r, "unreadable header", r->next);
			break;
		}
		line[got] = '\0';
		char *nl = memchr(line, '\n', (size_t)got);
		size_t len;
		int64_t ns;
		if (!nl) {
			set_torn(r, got < HEADER_MAX ? "half a header" : "not a header", r->next);
			break;
		}
		*nl = '\0';
		if (!parse_header(line, &len, &ns)) {
			set_torn(r, "not a header", r->next);
			break;
		}
		off_t payload = r->next + (nl - line) + 1;
		if ((uintmax_t)(st.st_size - payload) < len) {
			set_torn(r, "half a sample", r->next);
			break;
		}
		if (add_frame(r, payload, len, ns) < 0)
			return -ENOMEM;
		r->next = payload + (off_t)len;
	}
	return 0;
}

static int scan(struct recording *r)
{
	int fd = open(r->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	int e = scan_fd(r, fd);
	close(fd);
	return e;
}

/* The recorder's look at a file it is about to append to: the same scan
 * as a reader's, so both agree on where the complete samples end. */
int ms_recording_check_fd(int fd, const char *name, ms_recording_end *out)
{
	struct recording r = { .path = (char *)name };
	char head[sizeof HEADER_MAGIC - 1];
	struct stat st;

	memset(out, 0, sizeof *out);
	out->last_ns = MS_NA;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (st.st_size == 0)
		return 0;
	if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head ||
	    memcmp(head, HEADER_MAGIC, sizeof head) != 0)
		return -EINVAL;
	int e = scan_fd(&r, fd);
	if (e == 0) {
		out->samples = r.n;
		out->end = r.next;
		out->torn = r.torn;
		if (r.n)
			out->last_ns = r.frames[r.n - 1].ns;
		snprintf(out->torn_why, sizeof out->torn_why, "%s", r.torn ? r.torn_why : "");
	}
	free(r.frames);
	return e;
}

/* ---- selecting a sample ------------------------------------------------------ */

static struct recording *rec_of(const ms_source *src)
{
	return ms_source_priv(src);
}

/* What the selected sample says about its machine becomes the
 * recording's: its kernel, page size, and where its files are. */
static void take_info(ms_source *src, ms_source *sample, const struct frame *f)
{
	ms_source_info *info = ms_source_info_of(src);
	ms_source_info keep = *info;

	*info = sample->info;
	info->caps = keep.caps;
	memcpy(info->path, keep.path, sizeof info->path);
	memcpy(info->container, keep.container, sizeof info->container);
	/* The header's time is the sample's, to the nanosecond, and the
	 * one --at looks up: the model's captured_ns must agree with it. */
	ms_format_utc(info->captured_at, sizeof info->captured_at, f->ns);
	for (size_t i = 0; i < MS_ARRAY_LEN(src->where); i++)
		ms_source_set_where(src, (enum ms_root)i, sample->where[i]);
}

static int select_locked(ms_source *src, struct recording *r, size_t index, ms_error *err)
{
	char name[600];
	int fd;

	if (index >= r->n)
		return ms_error_set(err, ERANGE, 0, "%s: holds %zu complete sample%s, not %zu",
				    r->path, r->n, r->n == 1 ? "" : "s", index + 1);
	const struct frame *f = &r->frames[index];
	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ms_path_error(errno, r->path, err);
	if (lseek(fd, f->payload, SEEK_SET) != f->payload) {
		close(fd);
		return ms_path_error(errno, r->path, err);
	}
	/* Messages name the sample: "board.msrec@3:board/proc/meminfo". */
	snprintf(name, sizeof name, "%s@%zu", r->path, index);
	ms_error sub = { 0 };
	ms_source *sample = ms_tar_open_fd_len(fd, f->len, name, MS_CAP_PARALLEL, &sub);
	close(fd);
	if (!sample)
		return ms_error_set(err, sub.code == ENOMEM ? ENOMEM : EINVAL, 0,
				    "%s: sample %zu of %zu is damaged: %s", r->path, index + 1,
				    r->n, sub.msg);
	ms_source_close(r->cur);
	r->cur = sample;
	r->selected = index;
	take_info(src, sample, f);
	return 0;
}

static int rec_select(ms_source *src, size_t index, ms_error *err)
{
	struct recording *r = rec_of(src);

	pthread_mutex_lock(&r->lock);
	int e = index >= r->n ? scan(r) : 0;
	int rc = e < 0 ? ms_path_error(-e, r->path, err) : select_locked(src, r, index, err);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static size_t rec_sample_count(const ms_source *src)
{
	struct recording *r = rec_of(src);

	pthread_mutex_lock(&r->lock);
	scan(r); /* a file that vanished keeps what was seen */
	size_t n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}

static int64_t rec_captured_ns(const ms_source *src, size_t index)
{
	struct recording *r = rec_of(src);

	pthread_mutex_lock(&r->lock);
	int64_t ns = index < r->n ? r->frames[index].ns : MS_NA;
	pthread_mutex_unlock(&r->lock);
	return ns;
}

static size_t rec_selected(const ms_source *src)
{
	return rec_of(src)->selected;
}

static bool rec_torn_tail(const ms_source *src, char *why, size_t cap)
{
	struct recording *r = rec_of(src);

	pthread_mutex_lock(&r->lock);
	bool torn = r->torn;
	if (torn && why && cap)
		snprintf(why, cap, "%s", r->torn_why);
	pthread_mutex_unlock(&r->lock);
	return torn;
}

/* ---- reading: the selected sample's ------------------------------------------- */

static int rec_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	return ms_source_read(rec_of(src)->cur, relpath, out, err);
}

static int rec_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err)
{
	return ms_source_stream(rec_of(src)->cur, relpath, fn, ctx, err);
}

static int rec_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	return ms_source_list_pids(rec_of(src)->cur, pids, n, err);
}

static int rec_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	return ms_source_list_dir(rec_of(src)->cur, reldir, out, err);
}

static void rec_close(ms_source *src)
{
	struct recording *r = rec_of(src);

	ms_source_close(r->cur);
	pthread_mutex_destroy(&r->lock);
	free(r->frames);
	free(r->path);
	free(r);
}

static const ms_source_ops recording_ops = {
	.read = rec_read,
	.stream = rec_stream,
	.list_pids = rec_list_pids,
	.list_dir = rec_list_dir,
	.sample_count = rec_sample_count,
	.select = rec_select,
	.sample_captured_ns = rec_captured_ns,
	.selected = rec_selected,
	.torn_tail = rec_torn_tail,
	.close = rec_close,
};

/* ---- opening ------------------------------------------------------------------ */

ms_source *ms_recording_open(const char *path, ms_error *err)
{
	struct recording *r = calloc(1, sizeof *r);
	ms_source *src = NULL;

	if (!r || !(r->path = strdup(path))) {
		free(r);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	/* Read-only samples: threads may read the selected one at once, but
	 * never while it is being selected (the loader does both in turn). */
	src = ms_source_new(&recording_ops, MS_CAP_SAMPLES | MS_CAP_PARALLEL, path, r);
	if (!src) {
		pthread_mutex_destroy(&r->lock);
		free(r->frames);
		free(r->path);
		free(r);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	snprintf(ms_source_info_of(src)->container, sizeof src->info.container, "msrec");
	int e = scan(r);
	if (e < 0) {
		ms_path_error(-e, path, err);
		ms_source_close(src);
		return NULL;
	}
	if (r->n == 0) {
		ms_error_set(err, EINVAL, 0, "%s: a recording with no complete sample%s", path,
			     r->torn ? " (its only one is torn)" : "");
		ms_source_close(src);
		return NULL;
	}
	/* The last complete sample: what a batch view shows by default. */
	if (select_locked(src, r, r->n - 1, err) < 0) {
		ms_source_close(src);
		return NULL;
	}
	return src;
}

ms_source *ms_source_open_recording(const char *path, ms_error *err)
{
	if (!ms_path_is_recording(path)) {
		struct stat st;
		if (stat(path, &st) != 0)
			ms_path_error(errno, path, err);
		else
			ms_error_set(err, EINVAL, 0, "%s: not a memscope recording", path);
		return NULL;
	}
	return ms_recording_open(path, err);
}
