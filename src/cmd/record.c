/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope record -o FILE`: a sample of the source (the running system,
 * or -s) every -i seconds, appended to one recording (src/capture/
 * record.c), until --count samples or --duration have passed or a signal
 * says stop. A sample is a snapshot with each process's rollups and none
 * of its mappings (but for the --smaps PIDs): what the views of a
 * recording need, small enough to run for a day on a board.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "memscope/capture.h"
#include "cmd.h"

static volatile sig_atomic_t record_stop;

static void on_record_signal(int sig)
{
	record_stop = sig;
}

/* SIGINT, SIGTERM or a hangup end the recording once the sample being
 * taken is whole: it is not interrupted (no flag handed to capture), only
 * the wait for the next one is. No SA_RESTART, so that wait returns. */
static const int record_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void catch_record_signals(struct sigaction old[])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_record_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < MS_ARRAY_LEN(record_signals); i++)
		sigaction(record_signals[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[])
{
	for (size_t i = 0; i < MS_ARRAY_LEN(record_signals); i++)
		sigaction(record_signals[i], &old[i], NULL);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps until t (monotonic seconds); false when a signal said stop. */
static bool wait_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t };

	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec > 999999999)
		ts.tv_nsec = 999999999;
	while (!record_stop) {
		int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (e == 0)
			return !record_stop;
		if (e != EINTR)
			return false;
	}
	return false;
}

/* What a sample needs for a moment (a 150 kB file, the process list, the
 * compressor's 100 kB) is given back to the kernel when it is freed,
 * rather than kept in malloc's free lists, where it would be resident
 * for the day the recorder runs and add up to a higher peak. glibc only;
 * elsewhere the C library's own policy holds. */
static void lean_heap(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
	mallopt(M_MMAP_THRESHOLD, 32 * 1024);
	mallopt(M_TRIM_THRESHOLD, 32 * 1024);
#endif
}

/* What a sample keeps: rollups, and the mappings of the followed
 * processes only. */
static ms_capture_opts sample_opts(const ms_options *o, ms_buf *unread)
{
	ms_capture_opts c = o->capture;

	c.out = NULL;
	c.no_smaps = true;
	c.no_maps = true;
	c.dmesg = false;
	c.stop = NULL;
	c.follow_pids = o->record.smaps_pids;
	c.n_follow_pids = o->record.n_smaps_pids;
	c.unread_summary = unread;
	return c;
}

/* A typo in --smaps would cost a day's recording of the wrong process. */
static int check_followed(const ms_options *o, ms_source *src)
{
	ms_buf b = MS_BUF_INIT;
	int bad = 0;

	for (size_t i = 0; !bad && i < o->record.n_smaps_pids; i++) {
		char rel[32];
		ms_error err = { 0 };
		snprintf(rel, sizeof rel, "%d/stat", o->record.smaps_pids[i]);
		if (ms_source_read(src, rel, &b, &err) == -ENOENT)
			bad = o->record.smaps_pids[i];
	}
	ms_buf_free(&b);
	if (bad)
		fprintf(stderr, "memscope: record: --smaps %d: no such process\n", bad);
	return bad ? MS_EXIT_USAGE : MS_EXIT_OK;
}

static void say_continued(const ms_recording_end *found)
{
	if (found->torn) {
		ms_error e;
		ms_error_set(&e, 0, 0, "%s; cut it off before appending", found->torn_why);
		ms_cmd_print_error("record", &e, 0);
	}
}

/* The next tick at or after now: a sample that took longer than the
 * interval makes the recorder skip ticks, never bunch samples. */
static long next_tick(double start, double interval, long k)
{
	double now = mono_now();
	long due = (long)((now - start) / interval); /* no libm: rounded up by hand */

	if (start + (double)due * interval < now)
		due++;

	return due > k ? due : k;
}

/* Takes samples until count, duration or a signal; the exit status. */
static int record_loop(const ms_options *o, ms_source *src, ms_recorder *rec)
{
	ms_buf unread = MS_BUF_INIT;
	ms_capture_opts copts = sample_opts(o, &unread);
	double interval = o->record.interval, start = mono_now();
	long taken = 0;
	int status = MS_EXIT_OK;

	for (long k = 0;; k = next_tick(start, interval, k + 1)) {
		if (o->record.duration > 0 && (double)k * interval >= o->record.duration)
			break;
		if (!wait_until(start + (double)k * interval))
			break;
		ms_error err = { 0 };
		int r = ms_source_refresh(src, &err);
		if (r >= 0)
			r = ms_recorder_append(rec, src, &copts, NULL, &err);
		if (r < 0) {
			ms_cmd_print_error(o->capture.out, &err, r);
			status = MS_EXIT_FAILED;
			break;
		}
		/* What could not be read is said once, not every sample; each
		 * sample says it in its memscope-unread. */
		if (taken++ == 0 && unread.len) {
			ms_error_set(&err, EACCES, 0, "%.*s", (int)sizeof err.msg - 1, unread.data);
			ms_cmd_print_error("record", &err, -EACCES);
		}
		if (o->record.count && taken >= o->record.count)
			break;
	}
	ms_buf_free(&unread);
	return status;
}

static int run(const ms_options *o)
{
	lean_heap();
	ms_source *src = ms_cmd_open_source(o);
	ms_recording_end found;
	ms_error err = { 0 };

	if (!src)
		return MS_EXIT_FAILED;
	ms_source_list_pids_by_readdir(src);
	int status = check_followed(o, src);
	if (status != MS_EXIT_OK) {
		ms_source_close(src);
		return status;
	}
	ms_recorder *rec = ms_recorder_open(o->capture.out, &found, &err);
	if (!rec) {
		ms_cmd_print_error("record", &err, -(err.code ? err.code : EIO));
		ms_source_close(src);
		return err.code == EINVAL ? MS_EXIT_USAGE : MS_EXIT_FAILED;
	}
	say_continued(&found);
	struct sigaction old[MS_ARRAY_LEN(record_signals)];
	record_stop = 0;
	catch_record_signals(old);
	status = record_loop(o, src, rec);
	restore_signals(old);
	ms_recorder_close(rec);
	ms_source_close(src);
	return status;
}

static int check(const ms_options *o, ms_error *err)
{
	if (!o->capture.out)
		return ms_error_set(err, EINVAL, 0, "record: no output given (-o FILE.msrec)");
	if (strcmp(o->capture.out, "-") == 0)
		return ms_error_set(err, EINVAL, 0,
				    "record -o -: a recording is a file (it is appended to "
				    "and read while it grows)");
	return 0;
}

const ms_command ms_cmd_record = {
	.name = "record",
	.synopsis = "-o FILE [-i SECONDS] [--count N] [--duration D] [--smaps PID]",
	.summary = "a sample every few seconds, appended to one recording",
	.check = check,
	.run = run,
};
