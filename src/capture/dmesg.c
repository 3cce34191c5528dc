/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log of the running system, for `capture --dmesg`: what
 * `dmesg -r` prints ("<6>[    1.234567] text" lines), so that a snapshot
 * taken after an incident carries its OOM-killer reports (memscope oom
 * SNAPSHOT, src/cmd/oom.c, reads them there).
 *
 * klogctl(SYSLOG_ACTION_READ_ALL) first: the whole ring in one call,
 * without consuming it. Where that is refused (dmesg_restrict and no
 * CAP_SYSLOG) /dev/kmsg is tried, read without blocking up to its end;
 * it is refused under the same rule on most kernels, but a kernel built
 * without the syslog call still has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "dmesg.h"

enum { SYSLOG_ACTION_READ_ALL = 3, SYSLOG_ACTION_SIZE_BUFFER = 10 };

#define KLOG_MAX ((size_t)64 << 20) /* CONFIG_LOG_BUF_SHIFT tops out at 32 MiB */

static int read_klogctl(ms_buf *out)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);

	if (size < 0)
		return -errno;
	if (size == 0 || (size_t)size > KLOG_MAX)
		size = 1 << 20;
	char *buf = malloc((size_t)size);
	if (!buf)
		return -ENOMEM;
	int n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	int rc = n < 0 ? -errno : ms_buf_append(out, buf, (size_t)n);
	free(buf);
	return rc < 0 ? rc : 0;
}

/* Each read(2) of /dev/kmsg is one record; EAGAIN is the end (non-blocking),
 * EPIPE a record overwritten while read (skip on). */
static int read_kmsg(ms_buf *out)
{
	char rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof rec);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return e == EAGAIN ? 0 : -e;
		}
		if (n == 0 || out->len + (size_t)n > KLOG_MAX)
			break;
		if (ms_buf_append(out, rec, (size_t)n) < 0) {
			close(fd);
			return -ENOMEM;
		}
	}
	close(fd);
	return 0;
}

int ms_capture_read_dmesg(ms_buf *out, ms_error *err)
{
	ms_buf_reset(out);
	int rc = read_klogctl(out);
	if (rc == 0)
		return 0;
	if (rc == -ENOMEM)
		return ms_error_set(err, ENOMEM, 0, "kernel log: out of memory");
	int first = rc;
	ms_buf_reset(out);
	rc = read_kmsg(out);
	if (rc == 0)
		return 0;
	if (rc == -ENOMEM)
		return ms_error_set(err, ENOMEM, 0, "kernel log: out of memory");
	/* Say the syslog call's reason: it is the one dmesg_restrict names. */
	return ms_error_set(err, -first, 0, "kernel log: %s", strerror(-first));
}
