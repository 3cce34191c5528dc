/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memscope: wires the command line to a source and to the interactive
 * explorer, a batch view or a capture. This is the only place that prints
 * an error or exits: one line "memscope: <what>: <why>" on stderr, exit 2
 * for a usage error and 1 for anything else.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/app.h"
#include "memscope/batch.h"
#include "memscope/capture.h"
#include "memscope/catalogue.h"
#include "memscope/model.h"
#include "memscope/options.h"
#include "memscope/source.h"

#ifndef MEMSCOPE_VERSION
#define MEMSCOPE_VERSION "unknown"
#endif

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

/* One line "memscope: <what>: <why>". Messages can quote paths and names
 * from the system: escaped, so that the error stays one line and cannot
 * drive the terminal. Sources name the path in their messages already:
 * what is left out when why begins with it. */
static void print_error(const char *what, const ms_error *err, int rc)
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

static ms_source *open_source(const ms_options *o, ms_error *err)
{
	if (o->snapshot)
		return ms_source_open_snapshot(o->snapshot, err);
	return ms_source_open_live(o->proc_root, err);
}

/* When nothing of a view could be read, ms_sample_load names the file
 * ("slabinfo: needs root"); say it where the user would look:
 * "slabs: /proc/slabinfo: needs root". */
static void print_load_error(const ms_options *o, const ms_source_info *info,
			     const ms_error *err, int rc)
{
	const char *view = o->batch.view->name;
	const char *file = o->batch.view->part == MS_P_NONE ? NULL
							    : ms_part_file(o->batch.view->part);
	size_t n = file ? strlen(file) : 0;
	char what[sizeof info->path + 32];

	if (file && strncmp(err->msg, file, n) == 0 && err->msg[n] == ':') {
		snprintf(what, sizeof what, "%s: %s/%s", view, info->path, file);
		ms_error why = *err;
		ms_copy_field(why.msg, sizeof why.msg, err->msg + n + 2, strlen(err->msg + n + 2));
		print_error(what, &why, rc);
		return;
	}
	print_error(view, err, rc);
}

static int run_batch(const ms_options *o, ms_source *src)
{
	ms_sample sample;
	ms_error err = { 0 };
	int status = EXIT_OK;

	int rc = ms_sample_load(&sample, src, ms_view_parts(o->batch.view), &err);
	if (rc) {
		print_load_error(o, ms_source_get_info(src), &err, rc);
		return EXIT_FAILED;
	}
	/* A failed write (a closed pipe, a full disk) is a failure a script
	 * must see: it says "stdout: ..." and the exit status is 1. */
	rc = ms_batch_write(&o->batch, &sample, src, stdout, "stdout", &err);
	if (rc) {
		print_error(NULL, &err, rc);
		status = EXIT_FAILED;
	}
	ms_sample_free(&sample);
	return status;
}

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

static int run_capture(const ms_options *o, ms_source *src)
{
	ms_capture_opts copts = o->capture;
	char name[160];
	ms_error err = { 0 };

	if (!copts.out)
		copts.out = default_capture_name(ms_source_get_info(src), name, sizeof name);
	if (strcmp(copts.out, "-") == 0 && isatty(STDOUT_FILENO)) {
		ms_error_set(&err, EINVAL, 0, "refusing to write an archive to a terminal");
		print_error("capture -o -", &err, -EINVAL);
		return EXIT_USAGE;
	}
	struct sigaction old[MS_ARRAY_LEN(capture_signals)];
	copts.stop = &capture_stop;
	catch_capture_signals(old);
	int rc = ms_capture(src, &copts, &err);
	restore_signals(old);
	if (rc) {
		print_error("capture", &err, rc);
		return EXIT_FAILED;
	}
	/* A name we chose is one the user has to be told. */
	if (!o->capture.out)
		fprintf(stderr, "memscope: captured %s\n", copts.out);
	return EXIT_OK;
}

/* The explorer takes the source: it reads it on a thread of its own and
 * closes it. */
static int run_tui(const ms_options *o, ms_source *src)
{
	ms_error err = { 0 };
	int rc = ms_app_run(src, o, &err);

	if (rc) {
		print_error(NULL, &err, rc);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int run(const ms_options *o)
{
	ms_error err = { 0 };
	ms_source *src = open_source(o, &err);
	int status;

	if (!src) {
		print_error(o->snapshot ? o->snapshot : (o->proc_root ? o->proc_root : "/proc"),
			    &err, -(err.code ? err.code : EIO));
		return EXIT_FAILED;
	}
	switch (o->mode) {
	case MS_MODE_BATCH:
		status = run_batch(o, src);
		break;
	case MS_MODE_CAPTURE:
		status = run_capture(o, src);
		break;
	default:
		return run_tui(o, src);
	}
	ms_source_close(src);
	return status;
}

/* --help and --version to a full disk or a closed pipe fail like any
 * view: exit 1 and the reason (they exited 1 without a word). */
static int flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	ms_error err;
	int e = errno ? errno : EIO;
	ms_error_set(&err, e, 0, "stdout: %s", strerror(e));
	print_error(NULL, &err, -e);
	return EXIT_FAILED;
}

int main(int argc, char **argv)
{
	ms_options opts;
	ms_error err = { 0 };

	int rc = ms_options_parse(argc, argv, &opts, &err);
	if (rc) {
		print_error(NULL, &err, rc);
		return EXIT_USAGE;
	}
	if (opts.mode == MS_MODE_HELP) {
		ms_options_usage(stdout);
		return flush_stdout();
	}
	if (opts.mode == MS_MODE_VERSION) {
		puts("memscope " MEMSCOPE_VERSION);
		return flush_stdout();
	}
	return run(&opts);
}
