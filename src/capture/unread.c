/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a capture could not read: one line per file or folder of the
 * system, and one per name of a process's file with the processes it was
 * refused for (another user's processes are too many to list file by
 * file). memscope-capture.sh writes the same lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unread.h"

/* Why, in a few words: what a snapshot source recorded itself ("not
 * readable when captured (needs root)"), else by the error code. */
static void reason_of(int rc, const ms_error *e, char *out, size_t cap)
{
	const char *p = strstr(e->msg, "when captured (");
	const char *end = p ? strrchr(p, ')') : NULL;

	if (p && end && end > p + 15) {
		ms_copy_field(out, cap, p + 15, (size_t)(end - p - 15));
		return;
	}
	if (rc == -EACCES || rc == -EPERM)
		snprintf(out, cap, "%s", geteuid() == 0 ? "permission denied" : "needs root");
	else if (rc == -EFBIG)
		snprintf(out, cap, "too big");
	else
		snprintf(out, cap, "read error");
}

/* A name with a tab or a line break cannot be written on one line of the
 * file: it goes unrecorded (it never happens with the kernel's names). */
static bool recordable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static struct ms_unread_rec *log_find(struct ms_unread_log *l, const char *path,
				      const char *reason, bool per_pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->r[i].per_pid == per_pid && strcmp(l->r[i].path, path) == 0 &&
		    strcmp(l->r[i].reason, reason) == 0)
			return &l->r[i];
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct ms_unread_rec *r = realloc(l->r, cap * sizeof *r);
		if (!r)
			return NULL;
		l->r = r;
		l->cap = cap;
	}
	struct ms_unread_rec *r = &l->r[l->n++];
	memset(r, 0, sizeof *r);
	r->per_pid = per_pid;
	ms_copy_field(r->path, sizeof r->path, path, strlen(path));
	ms_copy_field(r->reason, sizeof r->reason, reason, strlen(reason));
	return r;
}

/* pid 0: a file of the system. -ENOMEM only. */
int ms_unread_log_add(struct ms_unread_log *l, const char *path, int pid, int rc,
		      const ms_error *e)
{
	char reason[64];

	if (!recordable(path) || strlen(path) + 3 > sizeof l->r[0].path)
		return 0;
	reason_of(rc, e, reason, sizeof reason);
	struct ms_unread_rec *r = log_find(l, path, reason, pid > 0);
	if (!r)
		return -ENOMEM;
	if (pid <= 0)
		return 0;
	if (r->npids == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		int *p = realloc(r->pids, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		r->pids = p;
		r->cap = cap;
	}
	r->pids[r->npids++] = pid;
	return 0;
}

void ms_unread_log_free(struct ms_unread_log *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->r[i].pids);
	free(l->r);
	memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* "slabinfo<TAB>needs root", and for processes a star, a slash and the
 * name: "smaps<TAB>needs root<TAB>2<TAB>101 205" behind it. Sorted bytewise
 * as sort(1) in the C locale would, so that memscope-capture.sh writes the
 * same file. */
int ms_unread_log_format(struct ms_unread_log *l, ms_buf *out)
{
	char **lines = calloc(l->n ? l->n : 1, sizeof *lines);
	ms_buf line = MS_BUF_INIT;
	int r = lines ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < l->n; i++) {
		struct ms_unread_rec *u = &l->r[i];
		ms_buf_reset(&line);
		r = ms_buf_printf(&line, "%s%s\t%s", u->per_pid ? "*/" : "", u->path, u->reason);
		if (u->per_pid) {
			qsort(u->pids, u->npids, sizeof *u->pids, cmp_int);
			r |= ms_buf_printf(&line, "\t%zu\t", u->npids);
			for (size_t j = 0; j < u->npids; j++)
				r |= ms_buf_printf(&line, "%s%d", j ? " " : "", u->pids[j]);
		}
		lines[i] = r == 0 ? strdup(line.data) : NULL;
		if (!lines[i])
			r = -ENOMEM;
	}
	if (r == 0 && l->n)
		qsort(lines, l->n, sizeof *lines, cmp_str);
	ms_buf_reset(out);
	for (size_t i = 0; r == 0 && i < l->n; i++)
		r = ms_buf_printf(out, "%s\n", lines[i]);
	for (size_t i = 0; lines && i < l->n; i++)
		free(lines[i]);
	free(lines);
	ms_buf_free(&line);
	return r < 0 ? -ENOMEM : 0;
}

/* How many processes some file of this reason could not be read for. */
static size_t processes_for(const struct ms_unread_log *l, const char *reason)
{
	size_t n = 0, out = 0;
	int *all = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (l->r[i].per_pid && strcmp(l->r[i].reason, reason) == 0)
			n += l->r[i].npids;
	all = n ? malloc(n * sizeof *all) : NULL;
	if (!all)
		return n;
	n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->r[i].per_pid && strcmp(l->r[i].reason, reason) == 0) {
			memcpy(all + n, l->r[i].pids, l->r[i].npids * sizeof *all);
			n += l->r[i].npids;
		}
	qsort(all, n, sizeof *all, cmp_int);
	for (size_t i = 0; i < n; i++)
		out += i == 0 || all[i] != all[i - 1];
	free(all);
	return out;
}

/* One reason's part of the summary: "not readable (needs root): slabinfo,
 * pagetypeinfo; maps, smaps of 12 processes". */
static void summarize_reason(const struct ms_unread_log *l, const char *reason, ms_buf *out)
{
	const char *sep = "";

	ms_buf_printf(out, "%snot readable (%s): ", out->len ? "; " : "", reason);
	for (size_t i = 0; i < l->n; i++)
		if (!l->r[i].per_pid && strcmp(l->r[i].reason, reason) == 0) {
			ms_buf_printf(out, "%s%s", sep, l->r[i].path);
			sep = ", ";
		}
	size_t np = processes_for(l, reason);
	if (np == 0)
		return;
	ms_buf_puts(out, *sep ? "; " : "");
	sep = "";
	for (size_t i = 0; i < l->n; i++)
		if (l->r[i].per_pid && strcmp(l->r[i].reason, reason) == 0) {
			ms_buf_printf(out, "%s%s", sep, l->r[i].path);
			sep = ", ";
		}
	ms_buf_printf(out, " of %zu process%s", np, np == 1 ? "" : "es");
}

void ms_unread_log_summary(const struct ms_unread_log *l, ms_buf *out)
{
	ms_buf_reset(out);
	for (size_t i = 0; i < l->n; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(l->r[j].reason, l->r[i].reason) != 0;
		if (first)
			summarize_reason(l, l->r[i].reason, out);
	}
}

