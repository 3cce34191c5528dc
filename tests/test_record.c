/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder (issue 11, parts 1 and 2): `memscope record` and
 * `memscope-capture.sh --record` append samples that memscope reads back,
 * the file is whole after every sample, a kill leaves a torn tail that is
 * said and cut off by the next recorder, a SIGTERM ends it cleanly.
 *
 * The recordings are checked twice: by memscope (`--at i -f json`) and by
 * a reader of this file's own (walk()), which knows nothing but the
 * header of doc/snapshot.md, "memscope-sample 1 BYTES SECONDS\n".
 *
 * Suite record: a fixture snapshot recorded with -s, nothing else.
 * Suite record_live: this machine's /proc, busybox, tests/grow_helper.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* ---- an independent reader of the format ------------------------------------ */

#define MAX_SAMPLES 64

struct walk {
	int complete;                 /* whole samples */
	long long payload[MAX_SAMPLES], len[MAX_SAMPLES];
	double t[MAX_SAMPLES];        /* each header's time */
	long long end;                /* the byte after the last whole one */
	long long size;               /* the file's */
	bool torn;                    /* bytes after end */
	bool zero_len;                /* ... starting with a header of length 0 */
};

/* Headers one after the other: each says how many bytes of archive
 * follow it; the first that is not whole ends the walk. */
static void walk(const char *path, struct walk *w)
{
	ms_buf b = MS_BUF_INIT;
	memset(w, 0, sizeof *w);
	cr_assert(tu_read_file(path, &b), "%s", path);
	w->size = (long long)b.len;
	size_t at = 0;
	while (at < b.len && w->complete < MAX_SAMPLES) {
		const char *p = b.data + at, *nl = memchr(p, '\n', b.len - at);
		long long len;
		double t;
		int used = 0;
		if (!nl || sscanf(p, "memscope-sample 1 %lld %lf%n", &len, &t, &used) != 2 ||
		    p + used != nl) {
			break;
		}
		if (len == 0) {
			w->zero_len = true;
			break;
		}
		size_t payload = (size_t)(nl + 1 - b.data);
		if (payload + (size_t)len > b.len)
			break;
		w->payload[w->complete] = (long long)payload;
		w->len[w->complete] = len;
		w->t[w->complete++] = t;
		at = payload + (size_t)len;
	}
	w->end = (long long)at;
	w->torn = at < b.len;
	ms_buf_free(&b);
}

/* The names in sample i of a recording, one per line, from its bytes: a
 * gzipped cpio (newc) as memscope record writes it, read here field by
 * field ("070701", thirteen 8-digit hex numbers, the name, padding to 4,
 * the data, padding to 4) up to "TRAILER!!!". */
static void sample_names(const char *path, const struct walk *w, int i, ms_buf *names)
{
	char cmd[PATH_MAX + 128];
	ms_buf raw = MS_BUF_INIT;
	snprintf(cmd, sizeof cmd, "tail -c +%lld '%s' | head -c %lld | gzip -dc",
		 w->payload[i] + 1, path, w->len[i]);
	cr_assert_eq(tu_run(cmd, &raw), 0, "%s", cmd);
	ms_buf_reset(names);
	size_t at = 0;
	for (;;) {
		cr_assert(at + 110 <= raw.len, "cpio cut short at %zu", at);
		cr_assert(memcmp(raw.data + at, "070701", 6) == 0, "no newc header at %zu", at);
		char field[9] = { 0 };
		memcpy(field, raw.data + at + 6 + 6 * 8, 8);
		size_t filesize = strtoul(field, NULL, 16);
		memcpy(field, raw.data + at + 6 + 11 * 8, 8);
		size_t namesize = strtoul(field, NULL, 16);
		const char *name = raw.data + at + 110;
		if (strcmp(name, "TRAILER!!!") == 0)
			break;
		ms_buf_printf(names, "%s\n", name);
		at = (at + 110 + namesize + 3) & ~(size_t)3;
		at = (at + filesize + 3) & ~(size_t)3;
	}
	ms_buf_free(&raw);
}

/* ---- running things ------------------------------------------------------------ */

static char dir[64];
static char err_path[128];

static void fresh_dir(void)
{
	const char *d = tu_tmpdir();
	cr_assert_not_null(d);
	snprintf(dir, sizeof dir, "%s", d);
	snprintf(err_path, sizeof err_path, "%s/stderr", dir);
}

/* memscope args: its exit status; stdout in out, stderr in err (each may
 * be NULL). */
static int run(const char *args, ms_buf *out, ms_buf *err)
{
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", tu_bin(), args, err_path);
	int st = tu_run(cmd, out);
	if (err)
		cr_assert(tu_read_file(err_path, err));
	return st;
}

/* memscope record ARGS in the background, its stderr in err_path. */
static pid_t start_recorder(const char *args)
{
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd, "exec '%s' record %s 2>'%s'", tu_bin(), args, err_path);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Waits until the recording holds n whole samples (up to 30 s). */
static void wait_samples(const char *path, int n)
{
	struct walk w;
	for (int i = 0; i < 3000; i++) {
		struct stat st;
		if (stat(path, &st) == 0) {
			walk(path, &w);
			if (w.complete >= n)
				return;
		}
		sleep_ms(10);
	}
	cr_assert_fail("%s: no %d samples after 30 s", path, n);
}

/* Stops the recorder (SIGSTOP) while it is writing a sample: the file
 * then ends in a header of length 0 and a part of an archive, and stays
 * so. Returns the number of whole samples before it. */
static int stop_mid_sample(pid_t pid, const char *path)
{
	struct walk w;
	for (int tries = 0; tries < 20000; tries++) {
		walk(path, &w);
		if (w.complete >= 1 && w.zero_len) {
			kill(pid, SIGSTOP);
			walk(path, &w); /* still mid-sample, now that it holds still? */
			if (w.zero_len)
				return w.complete;
			kill(pid, SIGCONT);
		}
		sleep_ms(1);
	}
	cr_assert_fail("never caught the recorder mid-sample");
	return 0;
}

/* ---- JSON, by its text ------------------------------------------------------------ */

/* A meminfo key of a file in kB, read here, not by memscope. */
static long long meminfo_kb(const char *path, const char *key)
{
	ms_buf b = MS_BUF_INIT;
	char pat[64];
	cr_assert(tu_read_file(path, &b), "%s", path);
	snprintf(pat, sizeof pat, "%s:", key);
	const char *p = strncmp(b.data, pat, strlen(pat)) == 0 ? b.data : NULL;
	snprintf(pat, sizeof pat, "\n%s:", key);
	if (!p && (p = strstr(b.data, pat)) != NULL)
		p++;
	cr_assert_not_null(p, "%s in %s", key, path);
	snprintf(pat, sizeof pat, "%s:", key);
	long long v = strtoll(p + strlen(pat), NULL, 10);
	ms_buf_free(&b);
	return v;
}

/* Every whole sample reads with --at i and says it is sample i of n. */
static void assert_each_sample_reads(const char *path, int n, bool torn)
{
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	char args[PATH_MAX];
	for (int i = 0; i < n; i++) {
		snprintf(args, sizeof args, "meminfo -s '%s' --at %d -f json", path, i);
		cr_assert_eq(run(args, &out, &err), 0, "%s: %s", args, err.data);
		cr_assert_eq(tu_json_number(out.data, "index"), i);
		cr_assert_eq(tu_json_number(out.data, "count"), n);
		cr_assert_eq(strstr(out.data, "\"torn_tail\":null") == NULL, torn, "%s", out.data);
	}
	ms_buf_free(&out);
	ms_buf_free(&err);
}

/* ---- suite record: a fixture snapshot, recorded -------------------------------- */

#define FIXTURE "snapshots/mem16k"

Test(record, each_sample_is_the_snapshot_it_recorded)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128], fixture_meminfo[PATH_MAX];
	ms_buf out = MS_BUF_INIT, want = MS_BUF_INIT, err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(fixture_meminfo, sizeof fixture_meminfo, "%s/meminfo", tu_fixture(FIXTURE));

	snprintf(args, sizeof args, "record -s '%s' -o '%s' -i 0.2 --count 3", tu_fixture(FIXTURE),
		 rec);
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 3);
	cr_assert(!w.torn, "%lld bytes after the last sample", w.size - w.end);
	/* -i 0.2: the samples are on 0.2 s ticks (a late one would skip a
	 * tick, never come early). */
	for (int i = 1; i < 3; i++)
		cr_assert(w.t[i] - w.t[i - 1] > 0.15 && w.t[i] - w.t[i - 1] < 1.0, "%f %f",
			  w.t[i - 1], w.t[i]);
	assert_each_sample_reads(rec, 3, false);

	/* Each sample's figures are the fixture's, view by view. */
	static const char *const views[] = { "meminfo", "procrank", "buddy", "memory" };
	for (size_t v = 0; v < MS_ARRAY_LEN(views); v++) {
		snprintf(args, sizeof args, "%s -s '%s' -f json", views[v], tu_fixture(FIXTURE));
		cr_assert_eq(run(args, &want, NULL), 0, "%s", args);
		for (int i = 0; i < 3; i++) {
			snprintf(args, sizeof args, "%s -s '%s' --at %d -f json", views[v], rec, i);
			cr_assert_eq(run(args, &out, NULL), 0, "%s", args);
			cr_assert_str_eq(tu_json_after_source(out.data), tu_json_after_source(want.data), "%s",
					 args);
		}
	}
	snprintf(args, sizeof args, "meminfo -s '%s' --at 1 -f json", rec);
	cr_assert_eq(run(args, &out, NULL), 0);
	cr_assert_eq(tu_json_number(tu_json_after_source(out.data), "MemTotal"),
		     meminfo_kb(fixture_meminfo, "MemTotal"));
	ms_buf_free(&out);
	ms_buf_free(&want);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* A sample has rollups and no list of mappings: no maps, no smaps. */
Test(record, samples_keep_rollups_not_mappings)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128];
	ms_buf list = MS_BUF_INIT, err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(args, sizeof args, "record -s '%s' -o '%s' -i 0.1 --count 1",
		 tu_fixture("snapshots/pagesize16k"), rec);
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 1);
	sample_names(rec, &w, 0, &list);
	cr_assert(strstr(list.data, "sample/memscope-snapshot\n"), "%s", list.data);
	cr_assert(strstr(list.data, "/smaps_rollup\n") || strstr(list.data, "/status\n"), "%s",
		  list.data);
	cr_assert_null(strstr(list.data, "/smaps\n"), "%s", list.data);
	cr_assert_null(strstr(list.data, "/maps\n"), "%s", list.data);
	ms_buf_free(&list);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* A second run on the same file continues the recording. */
Test(record, appending_continues_a_recording)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128];
	ms_buf err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof args, "record -s '%s' -o '%s' -i 0.1 --count 2",
			 tu_fixture(FIXTURE), rec);
		cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	}
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 4);
	cr_assert(!w.torn);
	cr_assert(w.t[2] >= w.t[1], "the second run's samples come after the first's");
	assert_each_sample_reads(rec, 4, false);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* A disk that fills while the end of a sample is written (the last of
 * its gzip member, written when the archive is closed) fails the sample:
 * nothing of it is committed, the recorder says so and exits non-zero. */
Test(record, a_sample_cut_at_its_end_is_not_committed)
{
	if (tu_run("command -v prlimit >/dev/null", NULL) != 0)
		cr_skip_test("needs prlimit (util-linux) to limit the file size");
	fresh_dir();
	char args[2 * PATH_MAX], rec[128];
	ms_buf err = MS_BUF_INIT;
	struct stat st;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(args, sizeof args, "record -s '%s' -o '%s' -i 0.1 --count 1", tu_fixture(FIXTURE),
		 rec);
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	cr_assert_eq(stat(rec, &st), 0);
	cr_assert_gt(st.st_size, 200);
	unlink(rec);

	/* 40 bytes short of a whole sample (a sample's size moves by a few
	 * bytes with the time in its entries): the gzip trailer and the end
	 * of the last block cannot be written. */
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd,
		 "trap '' XFSZ; prlimit --fsize=%lld '%s' record -s '%s' -o '%s' -i 0.1 --count 1 "
		 "2>'%s'",
		 (long long)st.st_size - 40, tu_bin(), tu_fixture(FIXTURE), rec, err_path);
	cr_assert_neq(tu_run(cmd, NULL), 0, "a cut sample was taken for a whole one");
	cr_assert(tu_read_file(err_path, &err));
	cr_assert(strstr(err.data, "File too large"), "stderr: %s", err.data);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 0, "%d samples committed", w.complete);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* What is not a recording is never appended to; a recording needs -o. */
Test(record, refuses_what_it_cannot_record_into)
{
	fresh_dir();
	char args[2 * PATH_MAX], path[128];
	ms_buf err = MS_BUF_INIT, after = MS_BUF_INIT;
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("my notes\n", f);
	fclose(f);
	snprintf(args, sizeof args, "record -s '%s' -o '%s' --count 1", tu_fixture(FIXTURE), path);
	cr_assert_eq(run(args, NULL, &err), 2);
	cr_assert(strstr(err.data, "not a memscope recording"), "%s", err.data);
	cr_assert(tu_read_file(path, &after));
	cr_assert_str_eq(after.data, "my notes\n");

	snprintf(args, sizeof args, "record -s '%s' --count 1", tu_fixture(FIXTURE));
	cr_assert_eq(run(args, NULL, &err), 2);
	cr_assert(strstr(err.data, "-o"), "%s", err.data);
	snprintf(args, sizeof args, "record -s '%s' -o - --count 1", tu_fixture(FIXTURE));
	cr_assert_eq(run(args, NULL, &err), 2);
	static const char *const bad[] = { "-i 0", "-i x", "--count 0", "--duration 5d",
					   "--duration -1", "--smaps 0" };
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		snprintf(args, sizeof args, "record -s '%s' -o '%s/x.msrec' %s",
			 tu_fixture(FIXTURE), dir, bad[i]);
		cr_assert_eq(run(args, NULL, &err), 2, "%s: %s", bad[i], err.data);
	}
	/* --smaps of a process the source does not have */
	snprintf(args, sizeof args, "record -s '%s' -o '%s/x.msrec' --smaps 999999 --count 1",
		 tu_fixture(FIXTURE), dir);
	cr_assert_eq(run(args, NULL, &err), 2, "%s", err.data);
	cr_assert(strstr(err.data, "999999"), "%s", err.data);
	ms_buf_free(&err);
	ms_buf_free(&after);
	tu_rm_rf(dir);
}

/* --duration stops the recorder on its own: 0.5 s at 0.2 s is 3 ticks. */
Test(record, duration_counts_ticks)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128];
	ms_buf err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(args, sizeof args, "record -s '%s' -o '%s' -i 0.2 --duration 0.5s",
		 tu_fixture(FIXTURE), rec);
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 3, "ticks at 0, 0.2, 0.4 s");
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* Two recorders on one file would interleave: the second is refused. */
Test(record, one_recorder_per_file, .timeout = 60)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128], first_err[160];
	ms_buf err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(args, sizeof args, "-s '%s' -o '%s' -i 30", tu_fixture(FIXTURE), rec);
	pid_t first = start_recorder(args);
	snprintf(first_err, sizeof first_err, "%s", err_path);
	wait_samples(rec, 1);
	snprintf(err_path, sizeof err_path, "%s/stderr2", dir);
	snprintf(args, sizeof args, "record -s '%s' -o '%s' --count 1", tu_fixture(FIXTURE), rec);
	cr_assert_eq(run(args, NULL, &err), 1);
	cr_assert(strstr(err.data, "another recorder"), "%s", err.data);
	kill(first, SIGTERM);
	cr_assert_eq(wait_exit(first), 0);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 1);
	cr_assert(!w.torn);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* Killed mid-sample: the whole samples read, the torn one is said, and
 * the next recorder cuts it off and goes on. The recorder is stopped
 * (SIGSTOP) while its file ends in a sample being written, so the kill
 * lands there and nowhere else. */
Test(record, sigkill_mid_sample_leaves_a_torn_tail_that_is_said, .timeout = 120)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128], src[PATH_MAX];
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	/* the biggest capture of data/: its samples take the longest */
	snprintf(src, sizeof src, "%s/data/demo-x86_64.tar.gz", MS_SRCDIR);
	snprintf(args, sizeof args, "-s '%s' -o '%s' -i 0.1", src, rec);
	pid_t pid = start_recorder(args);
	wait_samples(rec, 2);
	int whole = stop_mid_sample(pid, rec);
	kill(pid, SIGKILL);
	kill(pid, SIGCONT);
	cr_assert_eq(wait_exit(pid), 128 + SIGKILL);

	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, whole);
	cr_assert(w.torn && w.zero_len);
	assert_each_sample_reads(rec, whole, true);
	snprintf(args, sizeof args, "meminfo -s '%s'", rec);
	cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
	cr_assert(strstr(err.data, "torn"), "the reader says it: %s", err.data);

	/* The next recorder cuts the torn sample off, says so, and appends. */
	snprintf(args, sizeof args, "record -s '%s' -o '%s' -i 0.1 --count 1", src, rec);
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	cr_assert(strstr(err.data, "torn"), "%s", err.data);
	walk(rec, &w);
	cr_assert_eq(w.complete, whole + 1);
	cr_assert(!w.torn);
	assert_each_sample_reads(rec, whole + 1, false);
	ms_buf_free(&out);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* SIGTERM mid-sample: the sample is finished, the exit is clean. */
Test(record, sigterm_finishes_the_sample_and_exits_0, .timeout = 120)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128], src[PATH_MAX];
	ms_buf err = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(src, sizeof src, "%s/data/demo-x86_64.tar.gz", MS_SRCDIR);
	snprintf(args, sizeof args, "-s '%s' -o '%s' -i 0.1", src, rec);
	pid_t pid = start_recorder(args);
	wait_samples(rec, 1);
	int whole = stop_mid_sample(pid, rec);
	kill(pid, SIGTERM);
	kill(pid, SIGCONT);
	cr_assert_eq(wait_exit(pid), 0);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, whole + 1, "the sample being written is finished");
	cr_assert(!w.torn);
	assert_each_sample_reads(rec, whole + 1, false);
	cr_assert(tu_read_file(err_path, &err));
	cr_assert_eq(err.len, 0, "%s", err.data);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* The file reads while it grows: each whole sample is counted as it
 * lands, the one being written is a torn tail until then. */
Test(record, reads_while_it_grows, .timeout = 60)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128];
	ms_buf out = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(args, sizeof args, "-s '%s' -o '%s' -i 0.3 --count 4", tu_fixture(FIXTURE), rec);
	pid_t pid = start_recorder(args);
	for (int n = 1; n <= 3; n++) {
		wait_samples(rec, n);
		snprintf(args, sizeof args, "meminfo -s '%s' -f json", rec);
		cr_assert_eq(run(args, &out, NULL), 0);
		cr_assert_geq(tu_json_number(out.data, "count"), n);
	}
	cr_assert_eq(wait_exit(pid), 0);
	assert_each_sample_reads(rec, 4, false);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- suite record_live: this machine ------------------------------------------- */

static const char *build_dir(void)
{
	const char *b = getenv("MEMSCOPE_BUILDDIR");
	return b && *b ? b : MS_BUILDDIR;
}

/* The running system, with --smaps of one process: each sample is this
 * machine's (its MemTotal), with that process's mappings and no other's. */
Test(record_live, this_machine_with_one_process_followed, .timeout = 60)
{
	fresh_dir();
	char args[2 * PATH_MAX], rec[128], me[32];
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT, list = MS_BUF_INIT;
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);
	snprintf(args, sizeof args, "record -o '%s' -i 0.2 --count 2 --smaps %d", rec, getpid());
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err.data);
	assert_each_sample_reads(rec, 2, false);
	snprintf(args, sizeof args, "meminfo -s '%s' --at 0 -f json", rec);
	cr_assert_eq(run(args, &out, NULL), 0);
	cr_assert_eq(tu_json_number(tu_json_after_source(out.data), "MemTotal"),
		     meminfo_kb("/proc/meminfo", "MemTotal"));
	struct walk w;
	walk(rec, &w);
	sample_names(rec, &w, 1, &list);
	snprintf(me, sizeof me, "sample/proc/%d/", getpid());
	int mine = 0;
	for (char *line = strtok(list.data, "\n"); line; line = strtok(NULL, "\n")) {
		size_t n = strlen(line);
		if ((n < 5 || strcmp(line + n - 5, "/maps") != 0) &&
		    (n < 6 || strcmp(line + n - 6, "/smaps") != 0))
			continue;
		cr_assert(strncmp(line, me, strlen(me)) == 0, "%s: not the followed process", line);
		mine++;
	}
	cr_assert_eq(mine, 2, "its maps and its smaps");
	snprintf(args, sizeof args, "vma %d -s '%s' -f json", getpid(), rec);
	cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
	cr_assert(strstr(out.data, "\"pss_kb\":"), "its mappings, with figures: %s", out.data);
	ms_buf_free(&out);
	ms_buf_free(&err);
	ms_buf_free(&list);
	tu_rm_rf(dir);
}

/* A process that grows by a known number of pages per sample: trend
 * gives that rate. The helper grows right after each sample lands, so
 * every sample sees one step more than the one before, and the samples
 * are on the recorder's fixed ticks. */
Test(record_live, trend_finds_a_known_growth_rate, .timeout = 120)
{
	/* 1.5 s: a sample of a machine of 500 processes under load takes
	 * well under that, so none skips a tick (checked below). */
	enum { PAGES = 64, SAMPLES = 8 };
	const double interval = 1.5;
	char helper[PATH_MAX], args[2 * PATH_MAX], rec[128];
	snprintf(helper, sizeof helper, "%s/tests/grow_helper", build_dir());
	if (access(helper, X_OK) != 0)
		cr_skip_test("%s not built", helper);
	fresh_dir();
	snprintf(rec, sizeof rec, "%s/r.msrec", dir);

	int to[2], from[2];
	cr_assert_eq(pipe(to), 0);
	cr_assert_eq(pipe(from), 0);
	char pages[16], steps[16];
	snprintf(pages, sizeof pages, "%d", PAGES);
	snprintf(steps, sizeof steps, "%d", SAMPLES);
	pid_t grower = fork();
	cr_assert_neq(grower, -1);
	if (grower == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execl(helper, helper, pages, steps, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	FILE *replies = fdopen(from[0], "r");
	char line[64];
	cr_assert_not_null(fgets(line, sizeof line, replies));
	cr_assert_eq(strncmp(line, "READY ", 6), 0, "%s", line);

	snprintf(args, sizeof args, "-o '%s' -i %.2f --count %d", rec, interval, SAMPLES);
	pid_t recorder = start_recorder(args);
	for (int n = 1; n < SAMPLES; n++) {
		wait_samples(rec, n);
		cr_assert_eq(write(to[1], "g", 1), 1);
		cr_assert_not_null(fgets(line, sizeof line, replies));
	}
	cr_assert_eq(wait_exit(recorder), 0);
	close(to[1]);
	fclose(replies);
	waitpid(grower, NULL, 0);

	/* The rate per hour is the growth per sample over the interval only
	 * if the samples are on consecutive ticks. */
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, SAMPLES);
	for (int i = 1; i < SAMPLES; i++)
		cr_assert(w.t[i] - w.t[i - 1] < 1.5 * interval,
			  "sample %d came %.2f s after the one before: a tick was skipped", i,
			  w.t[i] - w.t[i - 1]);
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	snprintf(args, sizeof args, "trend '%s' --limit 0 -f json", rec);
	cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
	char pat[64];
	snprintf(pat, sizeof pat, "\"pid\":%d,", grower);
	const char *row = NULL;
	for (const char *p = out.data; (p = strstr(p, pat)) != NULL; p++) {
		const char *end = strchr(p, '}');
		const char *m = strstr(p, "\"metric\":\"pss_kb\"");
		if (m && m < end) {
			row = p;
			break;
		}
	}
	cr_assert_not_null(row, "no pss_kb row of %d in %s", grower, out.data);
	double rate = strtod(strstr(row, "\"rate_kb_per_hour\":") + 19, NULL);
	double r2 = strtod(strstr(row, "\"r2\":") + 5, NULL);
	long page_kb = sysconf(_SC_PAGESIZE) / 1024;
	double want = PAGES * page_kb / interval * 3600.0;
	cr_assert(rate > want * 0.99 && rate < want * 1.01, "rate %.1f kB/h, want %.1f", rate,
		  want);
	cr_assert_gt(r2, 0.99);
	cr_assert_eq(tu_json_number(row, "samples"), SAMPLES);
	ms_buf_free(&out);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* memscope-capture.sh --record with BusyBox alone (every command it runs
 * is a BusyBox applet): memscope reads each sample, this machine's. */
Test(record_live, the_script_records_under_busybox_alone, .timeout = 120)
{
	if (tu_run("command -v busybox >/dev/null", NULL) != 0)
		cr_skip_test("busybox absent");
	fresh_dir();
	char cmd[4 * PATH_MAX], rec[128], bb[PATH_MAX];
	ms_buf err = MS_BUF_INIT, out = MS_BUF_INIT;
	cr_assert_eq(tu_run("command -v busybox", &out), 0);
	snprintf(bb, sizeof bb, "%.*s", (int)strcspn(out.data, "\n"), out.data);
	snprintf(rec, sizeof rec, "%s/s.msrec", dir);
	snprintf(cmd, sizeof cmd,
		 "mkdir '%s/bin' && for a in $(busybox --list); do ln -s \"$(command -v busybox)\" "
		 "'%s/bin/'$a; done",
		 dir, dir);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd,
		 "PATH='%s/bin' '%s' sh '%s/data/memscope-capture.sh' --record -i 1 --count 3 "
		 "-o '%s' 2>'%s'",
		 dir, bb, MS_SRCDIR, rec, err_path);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	struct walk w;
	walk(rec, &w);
	cr_assert_eq(w.complete, 3);
	cr_assert(!w.torn);
	for (int i = 1; i < 3; i++)
		cr_assert(w.t[i] > w.t[i - 1], "%f %f", w.t[i - 1], w.t[i]);
	assert_each_sample_reads(rec, 3, false);
	char args[PATH_MAX];
	snprintf(args, sizeof args, "meminfo -s '%s' --at 2 -f json", rec);
	cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
	cr_assert_eq(tu_json_number(tu_json_after_source(out.data), "MemTotal"),
		     meminfo_kb("/proc/meminfo", "MemTotal"));
	snprintf(args, sizeof args, "procrank -s '%s' --at 0 -f json", rec);
	cr_assert_eq(run(args, &out, &err), 0, "%s", err.data);
	cr_assert(strstr(out.data, "\"pss_kb\":"), "%s", out.data);

	/* an existing file is refused, not appended to */
	snprintf(cmd, sizeof cmd,
		 "PATH='%s/bin' '%s' sh '%s/data/memscope-capture.sh' --record -i 1 --count 1 "
		 "-o '%s' 2>'%s'",
		 dir, bb, MS_SRCDIR, rec, err_path);
	cr_assert_neq(tu_run(cmd, NULL), 0);
	walk(rec, &w);
	cr_assert_eq(w.complete, 3);
	ms_buf_free(&err);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}
