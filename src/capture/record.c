/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder: samples appended to one recording (doc/snapshot.md,
 * "Recordings"), each a snapshot (capture.c) behind the header the reader
 * (src/source/recording.c) parses:
 *
 *	memscope-sample 1 <bytes> <unix-seconds>.<nanoseconds>\n<archive>
 *
 * The file is valid after every sample. A sample is written behind a
 * header whose length is all zeros, which no reader takes for a header
 * (a length is never 0): while it is written, and after a SIGKILL or a
 * power cut, readers see a torn tail after the last complete sample. Once
 * the archive is on disk (fdatasync) the zeros are overwritten with its
 * length, in place, which commits it. The width of the length is fixed
 * (ten digits, leading zeros) so that overwriting it moves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memscope/capture.h"
#include "sink.h"

#define HEADER_PREFIX "memscope-sample 1 "
#define LEN_DIGITS 10 /* up to 9,999,999,999 bytes: past the reader's cap */

struct ms_recorder {
	char *path;
	int fd;
	off_t end; /* after the last complete sample: where the next goes */
};

static int fail_errno(ms_error *err, int e, const char *path)
{
	return ms_error_set(err, e, 0, "%s: %s", path, strerror(e));
}

/* An existing recording is continued, after its last complete sample;
 * anything that is not one is left alone. */
static int find_end(ms_recorder *rec, ms_recording_end *found, ms_error *err)
{
	int e = ms_recording_check_fd(rec->fd, rec->path, found);

	if (e == -EINVAL)
		return ms_error_set(err, EINVAL, 0,
				    "%s: exists and is not a memscope recording; not appending to it",
				    rec->path);
	if (e < 0)
		return fail_errno(err, -e, rec->path);
	/* A torn tail (the last recorder killed mid-sample) would hide every
	 * sample appended after it: the reader stops at the first torn one. */
	if (found->torn && ftruncate(rec->fd, found->end) != 0)
		return fail_errno(err, errno, rec->path);
	rec->end = found->end;
	return 0;
}

ms_recorder *ms_recorder_open(const char *path, ms_recording_end *found, ms_error *err)
{
	ms_recorder *rec = calloc(1, sizeof *rec);
	ms_recording_end scratch;

	if (!found)
		found = &scratch;
	if (rec)
		rec->fd = -1;
	if (!rec || !(rec->path = strdup(path))) {
		free(rec);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	rec->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (rec->fd < 0) {
		fail_errno(err, errno, path);
		goto fail;
	}
	struct stat st;
	if (fstat(rec->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ms_error_set(err, EINVAL, 0, "%s: not a regular file; a recording is one", path);
		goto fail;
	}
	/* Two recorders on one file would interleave their samples. The lock
	 * goes with the descriptor: a killed recorder leaves none behind. */
	if (flock(rec->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			ms_error_set(err, EBUSY, 0, "%s: another recorder is writing it", path);
		else
			fail_errno(err, errno, path);
		goto fail;
	}
	if (find_end(rec, found, err) < 0)
		goto fail;
	return rec;
fail:
	ms_recorder_close(rec);
	return NULL;
}

/* Writes the sample's header with no length yet: "not a header" to any
 * reader until commit() fills it in. Returns the header's length. */
static int begin_sample(ms_recorder *rec, int64_t ns, ms_error *err)
{
	char head[96];
	int n = snprintf(head, sizeof head, HEADER_PREFIX "%0*d %" PRId64 ".%09" PRId64 "\n",
			 LEN_DIGITS, 0, ns / 1000000000, ns % 1000000000);
	int e = ms_write_all(rec->fd, head, (size_t)n, rec->end);

	if (e == 0 && lseek(rec->fd, rec->end + n, SEEK_SET) < 0)
		e = -errno;
	return e < 0 ? fail_errno(err, -e, rec->path) : n;
}

/* The archive is on disk before the header claims it: a power cut between
 * the two leaves a torn tail, never a sample of zeros that claims to be
 * whole. */
static int commit(ms_recorder *rec, size_t len, ms_error *err)
{
	char digits[LEN_DIGITS + 1];

	snprintf(digits, sizeof digits, "%0*zu", LEN_DIGITS, len);
	if (fdatasync(rec->fd) != 0)
		return fail_errno(err, errno, rec->path);
	int e = ms_write_all(rec->fd, digits, LEN_DIGITS, rec->end + (off_t)strlen(HEADER_PREFIX));
	return e < 0 ? fail_errno(err, -e, rec->path) : 0;
}

int ms_recorder_append(ms_recorder *rec, ms_source *src, const ms_capture_opts *opts,
		       size_t *bytes, ms_error *err)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	int head = begin_sample(rec, ns, err);
	int r = head < 0 ? head : ms_capture_to_fd(src, opts, rec->fd, err);
	off_t after = r < 0 ? -1 : lseek(rec->fd, 0, SEEK_CUR);

	if (r >= 0 && after < 0)
		r = fail_errno(err, errno, rec->path);
	size_t len = r < 0 ? 0 : (size_t)(after - rec->end - head);
	if (r >= 0 && len > 9999999999ULL)
		r = ms_error_set(err, EFBIG, 0, "%s: a sample of %zu bytes is too big", rec->path,
				 len);
	if (r >= 0)
		r = commit(rec, len, err);
	if (r < 0) {
		/* Back to the complete samples: the next one goes there. */
		if (ftruncate(rec->fd, rec->end) != 0) {
			/* The zeros of the header keep what is left a torn tail. */
		}
		return r;
	}
	rec->end = after;
	if (bytes)
		*bytes = len + (size_t)head;
	return 0;
}

void ms_recorder_close(ms_recorder *rec)
{
	if (!rec)
		return;
	if (rec->fd >= 0)
		close(rec->fd);
	free(rec->path);
	free(rec);
}
