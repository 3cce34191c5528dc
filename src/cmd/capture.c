/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope capture`: a snapshot of the source (src/capture/) in a
 * directory or an archive, named after the host and the time when no -o
 * is given.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

static volatile sig_atomic_t capture_stop;

static void on_capture_signal(int sig)
{
	capture_stop = sig;
}

/* Ctrl-C (or a hangup) during a capture asks it to stop between processes:
 * it then removes its temporary output instead of leaving half a snapshot
 * behind. old[] keeps the handlers to put back. */
static const int capture_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void catch_capture_signals(struct sigaction old[])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_capture_signal;
	sa.sa_flags = SA_RESTART; /* the flag is all that is needed */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < MS_ARRAY_LEN(capture_signals); i++)
		sigaction(capture_signals[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[])
{
	for (size_t i = 0; i < MS_ARRAY_LEN(capture_signals); i++)
		sigaction(capture_signals[i], &old[i], NULL);
}

/* Without -o: memscope-HOST-YYYYMMDDTHHMMSSZ.tar.gz in the current
 * directory, so that two captures never collide by default. */
static const char *default_capture_name(const ms_source_info *info, char *dst, size_t cap)
{
	char stamp[32] = "now";
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	const char *host = info->hostname[0] ? info->hostname : "snapshot";
	/* The host name becomes a file name: keep it to a safe alphabet. */
	char safe[64];
	size_t i;
	for (i = 0; host[i] && i + 1 < sizeof safe; i++) {
		char c = host[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
		safe[i] = ok && !(i == 0 && c == '.') ? c : '_';
	}
	safe[i] = '\0';
	snprintf(dst, cap, "memscope-%s-%s.tar.gz", safe, stamp);
	return dst;
}

static int capture(const ms_options *o, ms_source *src)
{
	ms_capture_opts copts = o->capture;
	char name[160];
	ms_error err = { 0 };
	ms_buf unread = MS_BUF_INIT;

	if (!copts.out)
		copts.out = default_capture_name(ms_source_get_info(src), name, sizeof name);
	if (strcmp(copts.out, "-") == 0 && isatty(STDOUT_FILENO)) {
		ms_error_set(&err, EINVAL, 0, "refusing to write an archive to a terminal");
		ms_cmd_print_error("capture -o -", &err, -EINVAL);
		return MS_EXIT_USAGE;
	}
	struct sigaction old[MS_ARRAY_LEN(capture_signals)];
	copts.stop = &capture_stop;
	copts.unread_summary = &unread;
	catch_capture_signals(old);
	int rc = ms_capture(src, &copts, &err);
	restore_signals(old);
	if (rc) {
		ms_buf_free(&unread);
		ms_cmd_print_error("capture", &err, rc);
		/* -EINVAL: the output cannot be written as named (x.zip). */
		return rc == -EINVAL ? MS_EXIT_USAGE : MS_EXIT_FAILED;
	}
	/* A usable snapshot, but whoever reads it should know what is not in
	 * it and why; the snapshot says so too (memscope-unread). */
	if (unread.len) {
		ms_error_set(&err, EACCES, 0, "%.*s", (int)sizeof err.msg - 1, unread.data);
		ms_cmd_print_error("capture", &err, -EACCES);
	}
	ms_buf_free(&unread);
	/* A name we chose is one the user has to be told. */
	if (!o->capture.out)
		fprintf(stderr, "memscope: captured %s\n", copts.out);
	return MS_EXIT_OK;
}

static int run(const ms_options *o)
{
	ms_source *src = ms_cmd_open_source(o);

	if (!src)
		return MS_EXIT_FAILED;
	int status = capture(o, src);
	ms_source_close(src);
	return status;
}

const ms_command ms_cmd_capture = {
	.name = "capture",
	.synopsis = "[-s PATH] [-o PATH] [--force] [--no-cmdline] [--no-smaps]",
	.summary = "a snapshot of this machine (or of -s) to read elsewhere",
	.run = run,
};
