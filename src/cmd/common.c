/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the commands share: printing an error, opening the source. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

/* Sources name the path in their messages already: what is left out when
 * why begins with it. */
void ms_cmd_print_error(const char *what, const ms_error *err, int rc)
{
	const char *why = err->msg[0] ? err->msg : strerror(rc < 0 ? -rc : EIO);
	size_t n = what ? strlen(what) : 0;
	ms_buf text = MS_BUF_INIT, line = MS_BUF_INIT;

	/* A message names a long path with its middle left out: the start
	 * of the path is enough to know it is there already. */
	size_t same = n > 64 ? 64 : n;
	bool named = what && strncmp(why, what, same) == 0 && (n > 64 || why[n] == ':');
	if (what && !named) {
		ms_error shown;
		ms_error_set(&shown, 0, 0, "%s", what); /* its middle out when long */
		ms_buf_printf(&text, "%s: ", shown.msg);
	}
	ms_buf_puts(&text, why);
	if (!text.data || ms_escape_display(&line, text.data, text.len) != 0 || !line.data)
		fputs("memscope: out of memory\n", stderr);
	else
		fprintf(stderr, "memscope: %s\n", line.data);
	ms_buf_free(&text);
	ms_buf_free(&line);
}

static const char *sample_suffix(const char *spec, char *path, size_t cap);

ms_source *ms_cmd_open_source(const ms_options *o)
{
	ms_error err = { 0 };
	char path[PATH_MAX];

	/* -s FILE@N: sample N of a recording or of a kernel log's reports. */
	if (o->snapshot && !ms_source_is_ssh(o->snapshot) &&
	    sample_suffix(o->snapshot, path, sizeof path))
		return ms_cmd_open_spec(o, o->snapshot);
	ms_source *src = ms_source_is_ssh(o->snapshot) ? ms_source_open_ssh(o->snapshot, &err)
			 : o->snapshot		     ? ms_source_open_snapshot(o->snapshot, &err)
						     : ms_source_open_live(o->proc_root, &err);

	if (!src)
		ms_cmd_print_error(o->snapshot ? o->snapshot
					       : (o->proc_root ? o->proc_root : "/proc"),
				   &err, -(err.code ? err.code : EIO));
	return src;
}

/* "FILE@N" or "FILE@last": the suffix when FILE is there as a whole path
 * is not ("a@b.tar.gz" stays a path when it exists). */
static const char *sample_suffix(const char *spec, char *path, size_t cap)
{
	const char *at = strrchr(spec, '@');
	struct stat st;

	if (!at || stat(spec, &st) == 0 || (size_t)(at - spec) >= cap)
		return NULL;
	memcpy(path, spec, (size_t)(at - spec));
	path[at - spec] = '\0';
	return at + 1;
}

/* "2026-12-04T03:00:00Z", or "an unknown time". */
static const char *when_text(const ms_source *src, size_t index, char *buf, size_t cap)
{
	int64_t ns = ms_source_sample_captured_ns(src, index);

	if (ns == MS_NA)
		return "an unknown time";
	ms_format_utc(buf, cap, ns);
	return buf;
}

/* The index a time picks, or -ERANGE when the source has nothing that
 * early (or cannot say when its one sample was taken). */
static int index_at(const ms_source *src, const char *what, const ms_sample_pick *pick,
		    size_t *index, ms_error *err)
{
	int64_t first = ms_source_sample_captured_ns(src, 0);
	char when[48];

	if (ms_source_can(src, MS_CAP_REFRESH))
		return ms_error_set(err, ERANGE, 0,
				    "%s%s: the running system has no past (a recording has)", what,
				    pick->text);
	if (first == MS_NA)
		return ms_error_set(err, ERANGE, 0, "%s%s: %s does not say when it was taken",
				    what, pick->text, ms_source_get_info(src)->path);
	if (pick->ns < first)
		return ms_error_set(err, ERANGE, 0, "%s%s: before the first sample of %s (%s)",
				    what, pick->text, ms_source_get_info(src)->path,
				    when_text(src, 0, when, sizeof when));
	*index = ms_source_sample_at(src, pick->ns);
	return 0;
}

int ms_cmd_pick_sample(ms_source *src, const char *what, const ms_sample_pick *pick,
		       ms_error *err)
{
	size_t n = ms_source_sample_count(src), index = n ? n - 1 : 0; /* last */
	const char *path = ms_source_get_info(src)->path;

	/* No --at: the source's own choice stands (a recording's last
	 * sample, a kernel log's first report, or -s FILE@N's). */
	if (!pick->text)
		return 0;
	if (pick->kind == MS_PICK_LAST) {
		/* the last, as set above */
	} else if (pick->kind == MS_PICK_TIME) {
		int rc = index_at(src, what, pick, &index, err);
		if (rc)
			return rc;
	} else if (pick->index >= n && n == 1) {
		return ms_error_set(err, ERANGE, 0, "%s%s: %s holds one sample (0 or last)", what,
				    pick->text, path);
	} else if (pick->index >= n) {
		return ms_error_set(err, ERANGE, 0,
				    "%s%s: no such sample (%s holds %zu: 0 to %zu, or last)",
				    what, pick->text, path, n, n - 1);
	} else {
		index = pick->index;
	}
	if (index == ms_source_selected(src))
		return 0;
	int rc = ms_source_select(src, index, err);
	/* A sample counted but unreadable (the file shrank) is no usage
	 * error: the message stays, the code says so. */
	if (rc == -ERANGE) {
		err->code = EIO;
		rc = -EIO;
	}
	return rc;
}

void ms_cmd_note_torn_tail(const ms_source *src)
{
	ms_error note = { 0 };

	if (ms_source_torn_tail(src, note.msg, sizeof note.msg))
		ms_cmd_print_error(NULL, &note, 0);
}

ms_source *ms_cmd_open_spec(const ms_options *o, const char *spec)
{
	char path[PATH_MAX];
	const char *which = sample_suffix(spec, path, sizeof path);
	ms_error err = { 0 };
	ms_source *src;

	if (strcmp(spec, "live") == 0)
		src = ms_source_open_live(o->proc_root, &err);
	else
		src = ms_source_open_snapshot(which ? path : spec, &err);
	/* Messages begin with the spec as typed ("board.msrec@9: no such
	 * sample ..."), so that it is said once. */
	ms_sample_pick pick;
	char label[PATH_MAX + 2] = "";
	if (which)
		snprintf(label, sizeof label, "%s@", path);
	if (src && which && ms_sample_pick_parse(which, &pick) != 0) {
		ms_error_set(&err, EINVAL, 0, "%s: not a sample (a number, a time or last)", spec);
		ms_source_close(src);
		src = NULL;
	}
	if (src && which && ms_cmd_pick_sample(src, label, &pick, &err) != 0) {
		ms_source_close(src);
		src = NULL;
	}
	if (!src)
		ms_cmd_print_error(spec, &err, -(err.code ? err.code : EIO));
	return src;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, sorted, "." ones left out. */
static char **dir_entries(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t cap = 0;
	struct dirent *e;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			char **more = realloc(names, cap * sizeof *names);
			if (!more)
				break;
			names = more;
		}
		if ((names[*n] = strdup(e->d_name)) != NULL)
			(*n)++;
	}
	closedir(d);
	if (names)
		qsort(names, *n, sizeof *names, entry_cmp);
	return names;
}

/* Names a folder's snapshot files have; anything else beside them (a
 * report, a script) is not tried. */
static bool snapshot_name(const char *name)
{
	static const char *const endings[] = { ".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.zst",
					       ".tar.bz2", ".cpio", ".cpio.gz", ".msrec" };
	size_t n = strlen(name);

	for (size_t i = 0; i < MS_ARRAY_LEN(endings); i++) {
		size_t e = strlen(endings[i]);
		if (n > e && strcmp(name + n - e, endings[i]) == 0)
			return true;
	}
	return false;
}

/* One that could not be read: to failed when given, else said on stderr. */
static void report_failure(ms_cmd_fail_fn failed, void *ctx, const char *name,
			   const ms_error *err)
{
	int rc = -(err->code ? err->code : EIO);

	if (failed)
		failed(ctx, name, err, rc);
	else
		ms_cmd_print_error(name, err, rc);
}

int ms_cmd_each_snapshot(const char *path, ms_cmd_source_fn fn, ms_cmd_fail_fn failed,
			 void *ctx)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_is_ssh(path) ? ms_source_open_ssh(path, &err)
						: ms_source_open_snapshot(path, &err);
	struct stat st;

	if (src) {
		int rc = fn(ctx, src, path);
		ms_source_close(src);
		return rc ? -1 : 0;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		report_failure(failed, ctx, path, &err);
		return -1;
	}
	/* Not a snapshot itself: a folder of them. */
	size_t n, nfailed = 0, read = 0;
	char **names = dir_entries(path, &n);
	int stop = 0;
	size_t plen = strlen(path);
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	for (size_t i = 0; i < n; i++) {
		char full[PATH_MAX];
		snprintf(full, sizeof full, "%.*s/%s", (int)plen, path, names[i]);
		bool is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		ms_error_clear(&err);
		if (stop || (!is_dir && !snapshot_name(names[i]))) {
			free(names[i]);
			continue;
		}
		if ((src = ms_source_open_snapshot(full, &err)) != NULL) {
			stop = fn(ctx, src, full);
			ms_source_close(src);
			read++;
		} else if (is_dir) {
			/* A folder beside the captures that is none: said, not
			 * an error of the run. */
			ms_error_set(&err, 0, 0, "skipped, not a snapshot");
			ms_cmd_print_error(full, &err, 0);
		} else {
			report_failure(failed, ctx, full, &err);
			nfailed++;
		}
		free(names[i]);
	}
	free(names);
	if (!stop && read == 0) {
		ms_error_set(&err, ENOENT, 0, "no snapshot in this folder");
		ms_cmd_print_error(path, &err, -ENOENT);
	}
	return stop || read == 0 ? -1 : (int)nfailed;
}
