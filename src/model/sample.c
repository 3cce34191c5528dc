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

#include "memscope/model.h"

/* Per-VMA smaps lines are short; a longer one is garbage, not a path. */
#define VMA_MAX_LINE 65536

typedef int (*part_parse_fn)(const char *buf, size_t len, ms_sample *s, ms_error *err);

static int parse_meminfo(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_meminfo(buf, len, &s->meminfo, err);
}

static int parse_vmstat(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_vmstat(buf, len, &s->vmstat, err);
}

static int parse_buddy(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_buddyinfo(buf, len, &s->buddy, err);
}

static int parse_pagetype(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_pagetypeinfo(buf, len, &s->pagetype, err);
}

static int parse_zoneinfo(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_zoneinfo(buf, len, &s->zones, err);
}

static int parse_slabinfo(const char *buf, size_t len, ms_sample *s, ms_error *err)
{
	return ms_parse_slabinfo(buf, len, &s->slabs, err);
}

/* The whole-file parts, as data: which file, which parser, which state. */
static const struct file_part {
	unsigned part;
	const char *file;
	part_parse_fn parse;
	size_t state_off;
} file_parts[] = {
	{ MS_PART_MEMINFO, "meminfo", parse_meminfo, offsetof(ms_sample, meminfo_st) },
	{ MS_PART_VMSTAT, "vmstat", parse_vmstat, offsetof(ms_sample, vmstat_st) },
	{ MS_PART_BUDDY, "buddyinfo", parse_buddy, offsetof(ms_sample, buddy_st) },
	{ MS_PART_PAGETYPE, "pagetypeinfo", parse_pagetype, offsetof(ms_sample, pagetype_st) },
	{ MS_PART_ZONEINFO, "zoneinfo", parse_zoneinfo, offsetof(ms_sample, zones_st) },
	{ MS_PART_SLABINFO, "slabinfo", parse_slabinfo, offsetof(ms_sample, slabs_st) },
};

static ms_part_state *state_of(ms_sample *s, size_t off)
{
	return (ms_part_state *)((char *)s + off);
}

const char *ms_denied_reason(void)
{
	return geteuid() == 0 ? "permission denied, even to root" : "needs root";
}

/* EPERM and EACCES mean the same to a user: not allowed ("needs root"). */
static int normalize_status(int rc)
{
	return rc == -EPERM ? -EACCES : rc;
}

/* The reason is what a pane shows under its title, so it is worded for a
 * user ("needs root"); the pane already says which file it shows. */
static void record_read_error(ms_part_state *st, int rc, unsigned caps)
{
	st->status = normalize_status(rc);
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

static void load_file_part(ms_sample *s, ms_source *src, const struct file_part *fp,
			   ms_buf *buf)
{
	ms_part_state *st = state_of(s, fp->state_off);
	int rc;

	ms_error_clear(&st->err);
	rc = ms_source_read(src, fp->file, buf, &st->err);
	if (rc < 0) {
		record_read_error(st, rc, s->info.caps);
		return;
	}
	ms_error_clear(&st->err);
	rc = fp->parse(buf->data ? buf->data : "", buf->len, s, &st->err);
	if (rc == -ENOMEM)
		record_read_error(st, rc, s->info.caps);
	else if (rc < 0)
		record_parse_error(st, fp->file);
	else
		st->status = 0;
}

/* Parts not asked for say so, rather than looking loaded and empty. */
static void mark_not_asked(ms_sample *s)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(file_parts); i++)
		state_of(s, file_parts[i].state_off)->status = -ENODATA;
	s->procs_st.status = -ENODATA;
}

/* The first failure among the parts asked for: why nothing could be read. */
static ms_error first_failure(const ms_sample *s)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(file_parts); i++) {
		if (!(s->parts & file_parts[i].part))
			continue;
		const ms_part_state *st = (const ms_part_state *)((const char *)s +
								   file_parts[i].state_off);
		if (st->status < 0) {
			ms_error e = st->err;
			/* A format error names its file already. */
			if (st->status != -EINVAL)
				ms_error_prefix(&e, file_parts[i].file);
			return e;
		}
	}
	ms_error e = s->procs_st.err;
	ms_error_prefix(&e, "processes");
	return e;
}

int ms_sample_load(ms_sample *s, ms_source *src, unsigned parts, ms_error *err)
{
	ms_buf buf = MS_BUF_INIT;
	bool any = false;

	memset(s, 0, sizeof *s);
	s->info = *ms_source_get_info(src);
	s->parts = parts & MS_PART_ALL;
	clock_gettime(CLOCK_MONOTONIC, &s->taken_at);
	mark_not_asked(s);

	for (size_t i = 0; i < MS_ARRAY_LEN(file_parts); i++) {
		if (!(s->parts & file_parts[i].part))
			continue;
		load_file_part(s, src, &file_parts[i], &buf);
		any |= state_of(s, file_parts[i].state_off)->status == 0;
	}
	ms_buf_free(&buf);

	if (s->parts & MS_PART_PROCS) {
		ms_procs_load(s, src);
		any |= s->procs_st.status == 0;
	}
	if (any || !s->parts)
		return 0;
	ms_error why = first_failure(s);
	ms_sample_free(s);
	if (err)
		*err = why;
	return -(why.code ? why.code : ENOENT);
}

static void free_procs(ms_sample *s)
{
	for (size_t i = 0; i < s->nprocs; i++)
		free(s->procs[i].cmdline);
	free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
}

void ms_sample_free(ms_sample *s)
{
	if (!s)
		return;
	ms_kvlist_free(&s->meminfo);
	ms_kvlist_free(&s->vmstat);
	ms_buddyinfo_free(&s->buddy);
	ms_pagetypeinfo_free(&s->pagetype);
	ms_zoneinfo_free(&s->zones);
	ms_slabinfo_free(&s->slabs);
	free_procs(s);
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
		return "not loaded";
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
			   bool *began, ms_error *err)
{
	char path[32];
	ms_smaps_parser parser;
	ms_line_splitter split;
	int rc;

	snprintf(path, sizeof path, "%d/smaps", pid);
	ms_smaps_parser_init(&parser, out, err);
	ms_smaps_parser_on_vma(&parser, fn, ctx);
	ms_line_splitter_init(&split, smaps_line, &parser, VMA_MAX_LINE);
	rc = ms_source_stream_ahead(src, path, ms_line_splitter_feed, &split, err);
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
	if (rc == 0)
		rc = ms_parse_maps(buf.data ? buf.data : "", buf.len, out, err);
	if (rc < 0)
		ms_error_prefix(err, path);
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

int ms_vmas_load_each(ms_source *src, int pid, ms_vmalist *out, ms_vma_fn fn, void *ctx,
		      ms_error *err)
{
	bool began = false;
	int rc;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	rc = vmas_from_smaps(src, pid, out, fn, ctx, &began, err);
	if (rc == 0) {
		out->from_smaps = true;
		return 0;
	}
	/* smaps missing (an old kernel, a trimmed capture): maps still gives
	 * the layout, without the memory figures. Not when the process exited
	 * half-way through its smaps: fn has seen some of it already. */
	ms_vmalist_free(out);
	memset(out, 0, sizeof *out);
	if (rc != -ENOENT || began)
		return normalize_status(rc);
	ms_error_clear(err);
	rc = vmas_from_maps(src, pid, out, fn, ctx, err);
	if (rc < 0) {
		ms_vmalist_free(out);
		memset(out, 0, sizeof *out);
	}
	return normalize_status(rc);
}
