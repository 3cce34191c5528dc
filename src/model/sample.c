/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading one sample: each part asked for is read through the source and
 * handed to its pure parser. A part that cannot be read records why (its
 * state) and the others go on, so one missing file never hides the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "memscope/catalogue.h"
#include "memscope/model.h"

/* Per-VMA smaps lines are short; a longer one is garbage, not a path. */
#define VMA_MAX_LINE 65536

const char *ms_denied_reason(void)
{
	return geteuid() == 0 ? "permission denied, even to root" : "needs root";
}

/* EPERM and EACCES mean the same to a user: not allowed ("needs root"). */
static int normalize_status(int rc)
{
	return rc == -EPERM ? -EACCES : rc;
}

/* A snapshot's own reason for a file it could not give ("not readable
 * when captured (needs root)", "not readable (permission denied)"), less
 * the path the source put first: the pane names its file already. */
static bool keep_snapshot_reason(ms_part_state *st, unsigned caps)
{
	const char *msg = st->err.msg, *colon = strstr(msg, ": ");

	if ((caps & MS_CAP_LOCAL_USERS) || !colon || !colon[2])
		return false;
	memmove(st->err.msg, colon + 2, strlen(colon + 2) + 1);
	st->err.code = EACCES;
	return true;
}

/* The reason is what a pane shows under its title, so it is worded for a
 * user ("needs root"); the pane already says which file it shows. On the
 * running system refusal means "needs root" (or "even to root"); in a
 * snapshot the source says why. */
static void record_read_error(ms_part_state *st, int rc, unsigned caps)
{
	st->status = normalize_status(rc);
	if (st->status == -EACCES && keep_snapshot_reason(st, caps))
		return;
	switch (st->status) {
	case -ENOENT:
		ms_error_set(&st->err, ENOENT, 0, "%s",
			     caps & MS_CAP_REFRESH ? "not available" : "not in snapshot");
		break;
	case -EACCES:
		ms_error_set(&st->err, EACCES, 0, "%s", ms_denied_reason());
		break;
	case -ENOMEM:
		ms_error_set(&st->err, ENOMEM, 0, "out of memory");
		break;
	default:
		if (!st->err.msg[0])
			ms_error_set(&st->err, -rc, 0, "cannot read: %s", strerror(-rc));
		break;
	}
}

/* A parse error becomes "unreadable format: <file> line N: <why>", said
 * once here so that every pane and message words it the same way. */
static void record_parse_error(ms_part_state *st, const char *file)
{
	char what[96];

	if (st->err.line)
		snprintf(what, sizeof what, "unreadable format: %s line %u", file, st->err.line);
	else
		snprintf(what, sizeof what, "unreadable format: %s", file);
	st->status = -EINVAL;
	st->err.code = EINVAL;
	ms_error_prefix(&st->err, what);
}

static void parse_file_part(ms_sample *s, ms_source *src, const ms_kfile *k, ms_buf *buf)
{
	ms_part_state *st = &s->st[k->part];
	int rc;

	ms_error_clear(&st->err);
	rc = ms_source_read(src, k->path, buf, &st->err);
	if (rc < 0) {
		record_read_error(st, rc, s->info.caps);
		return;
	}
	ms_error_clear(&st->err);
	rc = k->parse(buf->data ? buf->data : "", buf->len, s, &st->err);
	if (rc == -ENOMEM)
		record_read_error(st, rc, s->info.caps);
	else if (rc < 0)
		record_parse_error(st, k->path);
	else
		st->status = 0;
}

/* What this reader was shown is blanked: the data goes, the reason stays. */
static void check_redacted(ms_sample *s, const ms_kfile *k)
{
	ms_part_state *st = &s->st[k->part];

	if (st->status != 0 || !k->redacted || !k->redacted(s))
		return;
	if (k->free)
		k->free(s);
	st->status = -EACCES;
	st->redacted = true;
	ms_error_set(&st->err, EACCES, 0, "hidden from this user (%s)", ms_denied_reason());
}

static void load_part(ms_sample *s, ms_source *src, const ms_kfile *k, ms_buf *buf)
{
	ms_part_state *st = &s->st[k->part];

	if (k->parse) {
		parse_file_part(s, src, k, buf);
	} else {
		ms_error_clear(&st->err);
		st->status = normalize_status(k->load(s, src, &st->err));
	}
	check_redacted(s, k);
}

/* Parts not asked for say so, rather than looking loaded and empty. */
static void mark_not_asked(ms_sample *s)
{
	for (int p = 0; p < MS_P_COUNT; p++)
		s->st[p].status = -ENODATA;
}

/* The first failure among the parts asked for: why nothing could be read. */
static ms_error first_failure(const ms_sample *s)
{
	for (int p = 0; p < MS_P_COUNT; p++) {
		const ms_part_state *st = &s->st[p];
		if (!(s->parts & MS_PART(p)) || st->status >= 0)
			continue;
		ms_error e = st->err;
		/* A format error names its file already. */
		if (st->status != -EINVAL)
			ms_error_prefix(&e, ms_part_name(p));
		return e;
	}
	ms_error none = { .code = ENOENT };
	ms_error_set(&none, ENOENT, 0, "nothing to read");
	return none;
}

/* The data's own time, else the clock's where the data is the machine now. */
static void set_capture_time(ms_sample *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &s->loaded);
	s->captured_ns = MS_NA;
	if (s->info.captured_at[0] &&
	    ms_parse_iso8601(s->info.captured_at, strlen(s->info.captured_at),
			     &s->captured_ns) == 0)
		return;
	if ((s->info.caps & MS_CAP_REFRESH) && clock_gettime(CLOCK_REALTIME, &now) == 0) {
		s->captured_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		s->captured_by_clock = true;
	}
}

int ms_sample_load(ms_sample *s, ms_source *src, unsigned parts, ms_error *err)
{
	ms_buf buf = MS_BUF_INIT;
	bool any = false;

	memset(s, 0, sizeof *s);
	s->info = *ms_source_get_info(src);
	s->parts = parts & MS_PART_ALL;
	set_capture_time(s);
	mark_not_asked(s);
	for (int p = 0; p < MS_P_COUNT; p++) {
		const ms_kfile *k = ms_kfile_of_part(p);
		if (!(s->parts & MS_PART(p)) || !k)
			continue;
		load_part(s, src, k, &buf);
		any |= s->st[p].status == 0;
	}
	ms_buf_free(&buf);
	if (any || !s->parts)
		return 0;
	ms_error why = first_failure(s);
	ms_sample_free(s);
	if (err)
		*err = why;
	return -(why.code ? why.code : ENOENT);
}

void ms_sample_free(ms_sample *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < ms_nkfiles; i++)
		if (ms_kfiles[i].free)
			ms_kfiles[i].free(s);
}

const char *ms_part_reason(const ms_part_state *st)
{
	if (!st || st->status == 0)
		return "";
	if (st->err.msg[0])
		return st->err.msg;
	switch (st->status) {
	case -ENOENT:
		return "not available";
	case -EACCES:
	case -EPERM:
		return ms_denied_reason();
	case -ENODATA:
		return "not read yet";
	case -EINVAL:
		return "unreadable format";
	default:
		return "cannot read";
	}
}

/* ---- the mappings of one process --------------------------------------- */

static int smaps_line(void *ctx, const char *line, size_t len)
{
	return ms_smaps_parser_line(ctx, line, len);
}

/* *began: some line was read (so a later failure is not "no smaps"). */
static int vmas_from_smaps(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
			   bool ahead, bool *began, ms_error *err)
{
	char path[32];
	ms_smaps_parser parser;
	ms_line_splitter split;
	int rc;

	snprintf(path, sizeof path, "%d/smaps", pid);
	ms_smaps_parser_init(&parser, out, err);
	ms_smaps_parser_on_vma(&parser, fn, ctx);
	ms_line_splitter_init(&split, smaps_line, &parser, VMA_MAX_LINE);
	rc = ahead ? ms_source_stream_ahead(src, path, ms_line_splitter_feed, &split, err)
		   : ms_source_stream(src, path, ms_line_splitter_feed, &split, err);
	/* The splitter refuses a line without a word: say which one. */
	if (rc == -EFBIG && err && !err->msg[0])
		ms_error_set(err, EFBIG, parser.lineno + 1, "a line longer than %d KiB",
			     VMA_MAX_LINE / 1024);
	if (rc == 0)
		rc = ms_line_splitter_finish(&split);
	if (rc == 0)
		rc = ms_smaps_parser_finish(&parser);
	ms_line_splitter_free(&split);
	*began = parser.lineno > 0;
	if (rc < 0 && rc != -ENOENT && err && strncmp(err->msg, path, strlen(path)) != 0) {
		/* "400/smaps:52: ...": the line of a file 60,000 mappings long. */
		char where[48];
		if (err->line)
			snprintf(where, sizeof where, "%s:%u", path, err->line);
		ms_error_prefix(err, err->line ? where : path);
	}
	return rc;
}

/* maps is small (no counters): read whole, then handed over mapping by
 * mapping like smaps. */
static int vmas_from_maps(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
			  ms_error *err)
{
	char path[32];
	ms_buf buf = MS_BUF_INIT;
	int rc;

	snprintf(path, sizeof path, "%d/maps", pid);
	rc = ms_source_read(src, path, &buf, err);
	if (rc == 0) {
		rc = ms_parse_maps(buf.data ? buf.data : "", buf.len, out, err);
		if (rc < 0)
			ms_error_prefix(err, path);
	}
	ms_buf_free(&buf);
	for (size_t i = 0; rc == 0 && fn && i < out->n; i++) {
		int used = fn(ctx, out, i);
		rc = used < 0 ? used : 0;
	}
	return rc;
}

int ms_vmas_load(ms_source *src, int pid, ms_vmalist *out, ms_error *err)
{
	return ms_vmas_load_each(src, pid, out, NULL, NULL, err);
}

/* Counts the mappings handed over, for "16625 read". */
struct counted {
	ms_vma_fn fn;
	void *ctx;
	size_t n;
};

static int count_vma(void *ctx, const ms_vmalist *l, size_t i)
{
	struct counted *c = ctx;

	c->n++;
	return c->fn ? c->fn(c->ctx, l, i) : 0;
}

/* The same words in every view, the explorer's and batch's: "no such
 * process", "42/smaps: needs root" (or "..., even to root"). */
static int vmas_error(ms_source *src, int pid, int rc, ms_error *err)
{
	ms_proc_ident id;

	rc = normalize_status(rc);
	if (rc == -EACCES)
		return ms_error_set(err, EACCES, 0, "%d/smaps: %s", pid, ms_denied_reason());
	if (rc != -ENOENT)
		return rc;
	ms_proc_identify(src, pid, &id);
	if (id.kind == MS_PROC_GONE)
		return ms_error_set(err, ESRCH, 0, "no such process");
	/* Captures keep no smaps of kernel threads: they have no mappings,
	 * which is the whole answer. */
	if (id.kind == MS_PROC_KTHREAD || id.kind == MS_PROC_ZOMBIE)
		return 0;
	return ms_error_set(err, ENOENT, 0, "no smaps or maps%s",
			    ms_source_can(src, MS_CAP_VOLATILE) ? "" : " in the snapshot");
}

static int vmas_load_each(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
			  bool ahead, ms_error *err)
{
	struct counted c = { fn, ctx, 0 };
	bool began = false;
	int rc;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	rc = vmas_from_smaps(src, pid, out, count_vma, &c, ahead, &began, err);
	if (rc == 0 && began && ms_proc_exited(src, pid))
		rc = -ESRCH;
	/* Empty: a kernel thread, a zombie, or a process that went while
	 * its smaps was opened. */
	if (rc == 0 && !began && ms_source_can(src, MS_CAP_VOLATILE)) {
		ms_proc_ident id;
		ms_proc_identify(src, pid, &id);
		if (id.kind == MS_PROC_GONE)
			return ms_error_set(err, ESRCH, 0, "no such process");
		if (id.kind == MS_PROC_EXITING)
			return ms_error_set(err, ESRCH, 0,
					    "exited while its mappings were read (0 read)");
	}
	if (rc == 0) {
		out->from_smaps = true;
		return 0;
	}
	/* smaps missing (an old kernel, a trimmed capture): maps still gives
	 * the layout, without the memory figures. Not when the process exited
	 * half-way through its smaps: fn has seen some of it already. */
	ms_vmalist_free(out);
	memset(out, 0, sizeof *out);
	if (began && (rc == -ENOENT || rc == -ESRCH))
		return ms_error_set(err, ESRCH, 0, "exited while its mappings were read (%zu read)",
				    c.n);
	if (rc != -ENOENT || began)
		return vmas_error(src, pid, rc, err);
	ms_error_clear(err);
	rc = vmas_from_maps(src, pid, out, count_vma, &c, err);
	if (rc == 0 && c.n > 0 && ms_proc_exited(src, pid))
		rc = ms_error_set(err, ESRCH, 0, "exited while its mappings were read (%zu read)",
				  c.n);
	if (rc == -ESRCH) {
		ms_vmalist_free(out);
		memset(out, 0, sizeof *out);
		return rc;
	}
	if (rc < 0) {
		ms_vmalist_free(out);
		memset(out, 0, sizeof *out);
		rc = vmas_error(src, pid, rc, err);
		out->from_smaps = rc == 0; /* no mappings: no figures missing */
		return rc;
	}
	return 0;
}

int ms_vmas_load_each(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
		      ms_error *err)
{
	return vmas_load_each(src, pid, out, fn, ctx, true, err);
}

int ms_vmas_load_each_in_turn(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn,
			      void *ctx, ms_error *err)
{
	return vmas_load_each(src, pid, out, fn, ctx, false, err);
}
