/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memscope capture: copies the memory files of a source (normally the live
 * /proc and /sys) into a snapshot directory or archive that memscope -s
 * opens later, on another machine. This file says what is copied and how;
 * sink.c where it goes (whole or not at all), unread.c what could not be
 * read (memscope-unread, and one line for the user).
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/capture.h"
#include "memscope/catalogue.h"
#include "memscope/parse.h"
#include "memscope/source.h"
#include "sink.h"
#include "dmesg.h"
#include "unread.h"

#ifndef MEMSCOPE_VERSION
#define MEMSCOPE_VERSION "unknown"
#endif

/* ---- what is copied -------------------------------------------------------- */

/* The catalogue of kernel files (src/model/catalogue.c) says what is
 * copied: its rows marked MS_KF_CAPTURE, a file, a file of each process,
 * or a folder walked through its listing. */

/* Where a path of source.h goes in a snapshot: proc/ and sys/ side by
 * side, our own files above them (doc/snapshot.md). */
static void snapshot_path(const char *relpath, char *out, size_t cap)
{
	if (strncmp(relpath, "sys/", 4) == 0 || strncmp(relpath, "proc/", 5) == 0 ||
	    (strncmp(relpath, "memscope-", 9) == 0 && !strchr(relpath, '/')))
		snprintf(out, cap, "%s", relpath);
	else
		snprintf(out, cap, "proc/%s", relpath);
}

/* ---- copying -------------------------------------------------------------------- */

/* The owners of the captured processes, for "memscope-users". */
struct uid_set {
	int64_t *uid;
	size_t n, cap;
};

struct capture {
	ms_source *src;
	const ms_capture_opts *opts;
	struct ms_sink *sink;
	ms_error *err;
	ms_buf buf;             /* the file last read */
	struct ms_unread_log unread;
	struct uid_set owners;
};

/* Reads rel into c->buf. 1 when read, 0 when to be left out (missing, or
 * not readable: written down when log), <0 on failure (out of memory). */
static int read_for_copy(struct capture *c, const char *rel, const char *logged, int pid,
			 bool log)
{
	ms_error rerr = { 0 };
	int r = ms_source_read(c->src, rel, &c->buf, &rerr);

	if (r == -ENOMEM)
		return ms_error_set(c->err, ENOMEM, 0, "%s: out of memory", rel);
	if (r == 0)
		return 1;
	/* Missing is no news: the kernel has no such file, or the process
	 * has exited; nor is a link or a device in a test tree or a snapshot
	 * (EINVAL), which is no file to copy. For a process only "not
	 * allowed" is worth a line. */
	bool worth = r != -ENOENT && r != -EINVAL && (pid == 0 || r == -EACCES || r == -EPERM);
	if (log && worth && ms_unread_log_add(&c->unread, logged, pid, r, &rerr) < 0)
		return ms_error_set(c->err, ENOMEM, 0, "out of memory");
	return 0;
}

static int put_file(struct capture *c, const char *rel)
{
	char path[PATH_MAX];

	snapshot_path(rel, path, sizeof path);
	return ms_sink_put(c->sink, path, c->buf.data ? c->buf.data : "", c->buf.len);
}

/* Returns 1 when copied, 0 when left out, <0 on failure. */
static int copy_one(struct capture *c, const ms_kfile *row, const char *rel,
		    const char *logged, int pid, bool log)
{
	int r = read_for_copy(c, rel, logged, pid, log);

	if (r <= 0)
		return r;
	if (row->keep_bytes && !row->keep_bytes(c->buf.data ? c->buf.data : "", c->buf.len))
		return 0;
	r = put_file(c, rel);
	return r < 0 ? r : 1;
}

/* A folder through its listing, files only, never deeper than the row
 * says (the kernel's trees are followed through links, and /sys has
 * loops). Only the folder itself is written down when it cannot be
 * listed: a file inside that will not read is a write-only knob. */
static int copy_tree(struct capture *c, const ms_kfile *row, const char *rel,
		     unsigned depth, int pid)
{
	ms_dirlist l;
	ms_error lerr = { 0 };
	char child[PATH_MAX];
	int r = ms_source_list_dir(c->src, rel, &l, &lerr);

	if (r < 0) {
		bool worth = depth == 0 && r != -ENOENT && r != -EINVAL &&
			     (pid == 0 || r == -EACCES);
		if (r == -ENOMEM)
			return ms_error_set(c->err, ENOMEM, 0, "%s: out of memory", rel);
		const char *logged = pid ? row->path : rel;
		if (worth && ms_unread_log_add(&c->unread, logged, pid, r, &lerr) < 0)
			return ms_error_set(c->err, ENOMEM, 0, "out of memory");
		return 0;
	}
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		const ms_dirent *e = &l.e[i];
		if (e->name[0] == '.' ||
		    (row->keep_name && !row->keep_name(e->name, e->is_dir, depth)))
			continue;
		if ((size_t)snprintf(child, sizeof child, "%s/%s", rel, e->name) >= sizeof child)
			continue;
		if (e->is_dir)
			r = depth < row->depth ? copy_tree(c, row, child, depth + 1, pid) : 0;
		else
			r = copy_one(c, row, child, child, pid, false);
	}
	ms_dirlist_free(&l);
	return r < 0 ? r : 0;
}

static int copy_system_row(struct capture *c, const ms_kfile *row)
{
	if (row->flags & MS_KF_TREE)
		return copy_tree(c, row, row->path, 0, 0);
	int r = copy_one(c, row, row->path, row->path, 0, true);
	return r < 0 ? r : 0;
}

static bool is_kernel_thread(const ms_buf *stat)
{
	ms_pid_stat st;
	ms_error err;

	return ms_parse_pid_stat(stat->data, stat->len, &st, &err) == 0 &&
	       (st.flags & MS_PF_KTHREAD);
}

static void uid_set_add_from_status(struct uid_set *u, const ms_buf *status)
{
	ms_pid_status st;
	ms_error err;

	if (ms_parse_pid_status(status->data, status->len, &st, &err) != 0 || st.uid == MS_NA)
		return;
	for (size_t i = 0; i < u->n; i++)
		if (u->uid[i] == st.uid)
			return;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		int64_t *p = realloc(u->uid, cap * sizeof *p);
		if (!p)
			return; /* a name shown as a number is no failure */
		u->uid = p;
		u->cap = cap;
	}
	u->uid[u->n++] = st.uid;
}

/* A row capture copies, of the system's files (per_pid 0) or of each
 * process's (MS_KF_PER_PID). */
static bool captured(const ms_kfile *row, unsigned per_pid)
{
	return (row->flags & MS_KF_CAPTURE) && (row->flags & MS_KF_PER_PID) == per_pid;
}

static bool followed(const ms_capture_opts *opts, int pid)
{
	for (size_t i = 0; i < opts->n_follow_pids; i++)
		if (opts->follow_pids[i] == pid)
			return true;
	return false;
}

static bool row_wanted(const ms_kfile *row, const ms_capture_opts *opts, int pid,
		       bool kthread)
{
	if ((row->flags & MS_KF_USER_PROC) && kthread)
		return false; /* kernel threads have no memory of their own */
	if ((row->flags & MS_KF_CMDLINE) && opts->no_cmdline)
		return false;
	bool per_mapping = (row->flags & MS_KF_SMAPS) ? opts->no_smaps
			   : (row->flags & MS_KF_MAPS) ? opts->no_maps
						       : false;
	return !per_mapping || followed(opts, pid);
}

static int capture_pid(struct capture *c, int pid)
{
	char rel[64];
	bool kthread = false;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ms_nkfiles; i++) {
		const ms_kfile *row = &ms_kfiles[i];
		if (!captured(row, MS_KF_PER_PID) || !row_wanted(row, c->opts, pid, kthread))
			continue;
		snprintf(rel, sizeof rel, "%d/%s", pid, row->path);
		if (row->flags & MS_KF_TREE) {
			r = copy_tree(c, row, rel, 0, pid);
			continue;
		}
		r = copy_one(c, row, rel, row->path, pid, true);
		if (r == 1 && strcmp(row->path, "stat") == 0)
			kthread = is_kernel_thread(&c->buf);
		if (r == 1 && strcmp(row->path, "status") == 0 && !kthread)
			uid_set_add_from_status(&c->owners, &c->buf);
	}
	return r < 0 ? r : 0;
}

/* Metadata values stay on their line whatever a hostname holds. */
static void put_meta_line(ms_buf *m, const char *key, const char *value)
{
	ms_buf_printf(m, "%s: ", key);
	for (const char *p = value; *p; p++)
		ms_buf_putc(m, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
	ms_buf_putc(m, '\n');
}

static int write_metadata(struct capture *c)
{
	const ms_source_info *info = ms_source_get_info(c->src);
	time_t began = ms_sink_time(c->sink);
	char when[40], page[24];
	struct tm tm;
	ms_buf m = MS_BUF_INIT;

	if (info->captured_at[0])
		snprintf(when, sizeof when, "%s", info->captured_at);
	else if (!gmtime_r(&began, &tm) ||
		 !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		when[0] = '\0';
	snprintf(page, sizeof page, "%ld", info->page_size);
	put_meta_line(&m, "format", "memscope/2");
	put_meta_line(&m, "captured_at", when);
	put_meta_line(&m, "hostname", info->hostname);
	put_meta_line(&m, "kernel", info->kernel);
	put_meta_line(&m, "machine", info->machine);
	put_meta_line(&m, "page_size", page);
	put_meta_line(&m, "tool", "memscope " MEMSCOPE_VERSION);
	int r = m.data ? ms_sink_put(c->sink, "memscope-snapshot", m.data, m.len)
		       : ms_error_set(c->err, ENOMEM, 0, "out of memory");
	ms_buf_free(&m);
	return r;
}

static int cmp_uid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Names as this machine knows them; a snapshot being captured again
 * passes on the names it came with. */
static int write_users(struct capture *c)
{
	struct uid_set *u = &c->owners;
	ms_buf *b = &c->buf;

	if (!ms_source_can(c->src, MS_CAP_LOCAL_USERS)) {
		int r = read_for_copy(c, "memscope-users", "memscope-users", 0, false);
		return r <= 0 ? r : put_file(c, "memscope-users");
	}
	qsort(u->uid, u->n, sizeof *u->uid, cmp_uid); /* as the script writes them */
	ms_buf_reset(b);
	for (size_t i = 0; i < u->n; i++) {
		struct passwd pw, *found = NULL;
		char pwbuf[2048];
		if (u->uid[i] >= 0 && u->uid[i] <= UINT32_MAX &&
		    getpwuid_r((uid_t)u->uid[i], &pw, pwbuf, sizeof pwbuf, &found) == 0 && found &&
		    !strpbrk(found->pw_name, " \t\n"))
			ms_buf_printf(b, "%lld %s\n", (long long)u->uid[i], found->pw_name);
	}
	return b->len ? ms_sink_put(c->sink, "memscope-users", b->data, b->len) : 0;
}

/* How full the RAM-backed mounts are (memscope-statvfs): statvfs on the
 * running system, the snapshot's own file when a snapshot is captured
 * again; nothing when neither can say (a tree of files laid out like
 * /proc). */
static int write_statvfs(struct capture *c)
{
	ms_error e = { 0 };
	int r = ms_source_statvfs(c->src, &c->buf, &e);

	if (r == -ENOMEM)
		return ms_error_set(c->err, ENOMEM, 0, "out of memory");
	if (r < 0)
		return 0;
	return ms_sink_put(c->sink, "memscope-statvfs", c->buf.data ? c->buf.data : "",
			   c->buf.len);
}

/* capture --dmesg: the kernel log as memscope-dmesg. The running
 * system's ring where this user may read it, else a line in
 * memscope-unread saying why; a snapshot captured again passes its own
 * on. */
static int write_dmesg(struct capture *c)
{
	ms_error e = { 0 };
	int r;

	if (!c->opts->dmesg)
		return 0;
	if (!ms_source_can(c->src, MS_CAP_HOST_FACTS)) {
		r = read_for_copy(c, MS_DMESG_FILE, MS_DMESG_FILE, 0, true);
		return r <= 0 ? r : put_file(c, MS_DMESG_FILE);
	}
	r = ms_capture_read_dmesg(&c->buf, &e);
	if (r == -ENOMEM)
		return ms_error_set(c->err, ENOMEM, 0, "%s", e.msg);
	if (r < 0)
		return ms_unread_log_add(&c->unread, MS_DMESG_FILE, 0, r, &e) < 0
			       ? ms_error_set(c->err, ENOMEM, 0, "out of memory")
			       : 0;
	return ms_sink_put(c->sink, MS_DMESG_FILE, c->buf.data ? c->buf.data : "", c->buf.len);
}

static int write_unread(struct capture *c)
{
	if (c->unread.n == 0)
		return 0;
	if (ms_unread_log_format(&c->unread, &c->buf) < 0)
		return ms_error_set(c->err, ENOMEM, 0, "out of memory");
	return ms_sink_put(c->sink, "memscope-unread", c->buf.data, c->buf.len);
}

/* Asked to stop (main's SIGINT handler): the capture ends between two
 * processes or folders and its temporary output is removed as on any
 * error. */
static int check_stop(const struct capture *c)
{
	if (c->opts->stop && *c->opts->stop)
		return ms_error_set(c->err, EINTR, 0, "interrupted");
	return 0;
}

static int capture_processes(struct capture *c)
{
	int *pids = NULL;
	size_t n = 0;
	ms_error lerr = { 0 };
	int r = ms_source_list_pids(c->src, &pids, &n, &lerr);

	if (r < 0)
		return ms_error_set(c->err, lerr.code == EINVAL ? EIO : lerr.code, 0, "%s",
				    lerr.msg);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = check_stop(c);
		if (r >= 0)
			r = capture_pid(c, pids[i]);
	}
	free(pids);
	return r;
}

/* Fills the output (ms_sink_fill_fn). */
static int capture_into(void *ctx, struct ms_sink *s)
{
	struct capture *c = ctx;
	int r = 0;

	c->sink = s;
	for (size_t i = 0; r >= 0 && i < ms_nkfiles; i++)
		if (captured(&ms_kfiles[i], 0)) {
			r = check_stop(c);
			if (r >= 0)
				r = copy_system_row(c, &ms_kfiles[i]);
		}
	/* The system's biggest file (vmallocinfo, 150 kB and more) left the
	 * buffer that big; a process's files are a few kB. Given back before
	 * the process list is made, so that the two never add up in a
	 * recorder's peak. */
	ms_buf_free(&c->buf);
	if (r >= 0)
		r = capture_processes(c);
	if (r >= 0)
		r = write_users(c);
	if (r >= 0)
		r = write_statvfs(c);
	if (r >= 0)
		r = write_dmesg(c);
	if (r >= 0)
		r = write_unread(c);
	/* The metadata file comes last, in a folder and in an archive: it is
	 * what says "a whole memscope snapshot", so a capture cut short (killed,
	 * the power lost) under its temporary name never claims to be one. */
	if (r >= 0)
		r = check_stop(c);
	if (r >= 0)
		r = write_metadata(c);
	if (r >= 0 && c->opts->unread_summary)
		ms_unread_log_summary(&c->unread, c->opts->unread_summary);
	return r < 0 ? r : 0;
}

static void capture_done(struct capture *c)
{
	ms_unread_log_free(&c->unread);
	free(c->owners.uid);
	ms_buf_free(&c->buf);
}

int ms_capture(ms_source *src, const ms_capture_opts *opts, ms_error *err)
{
	struct capture c = { .src = src, .opts = opts, .err = err, .buf = MS_BUF_INIT };

	if (!opts)
		return ms_error_set(err, EINVAL, 0, "no output given (-o PATH)");
	if (opts->unread_summary)
		ms_buf_reset(opts->unread_summary);
	int r = ms_sink_write(opts->out, opts->force, capture_into, &c, err);
	capture_done(&c);
	return r;
}

int ms_capture_to_fd(ms_source *src, const ms_capture_opts *opts, int fd, ms_error *err)
{
	struct capture c = { .src = src, .opts = opts, .err = err, .buf = MS_BUF_INIT };

	if (opts->unread_summary)
		ms_buf_reset(opts->unread_summary);
	/* "sample/": the one folder every entry is under, as in any archive. */
	int r = ms_sink_write_fd(fd, "sample", capture_into, &c, err);
	capture_done(&c);
	return r;
}
