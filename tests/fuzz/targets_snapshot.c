/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot target: the input is written to a file and opened as a
 * snapshot archive (tar, compressed or not, or smemcap), as `memscope -s`
 * would. Then every file memscope knows is read and streamed, a sample is
 * loaded with every part, and every batch view is rendered in JSON (which
 * must be valid RFC 8259), text and CSV (which must hold no control
 * character but '\n'). This is the path untrusted bytes take from a
 * stranger's archive to a terminal or a script.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/batch.h"
#include "memscope/model.h"
#include "memscope/source.h"
#include "targets.h"

static const char *const system_files[] = {
	"memscope-snapshot", "meminfo", "vmstat", "buddyinfo", "pagetypeinfo", "zoneinfo",
	"slabinfo", "iomem", "vmallocinfo", "swaps", "version", "cmdline",
};

static const char *const pid_files[] = {
	"cmdline", "comm", "status", "stat", "statm", "maps", "smaps_rollup", "smaps",
	"oom_score_adj",
};

/* The input as a file, for as long as opening takes: the archive is read
 * into memory whole when opened, so the file goes at once, even when a
 * check aborts later (a test runner's forked worker runs no atexit). In
 * /dev/shm when there is one, so that fuzzing does not wear a disk. */
static void write_scratch(char path[64], const uint8_t *data, size_t size)
{
	int fd;
	FILE *f;

	snprintf(path, 64, "%s/memscope-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	fd = mkstemp(path);
	FUZZ_CHECK(fd >= 0);
	f = fdopen(fd, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);
}

/* source.h: a read gives 0 or one of these, with a message. */
static void check_read_result(int rc, const ms_error *err)
{
	ms_fuzz_check_result(rc, err);
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EACCES || rc == -EPERM ||
		   rc == -EFBIG || rc == -EIO || rc == -EINVAL || rc == -ENOMEM);
}

static int count_bytes(void *ctx, const char *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

/* Reading a file whole and streaming it give the same bytes. */
static void read_one(ms_source *src, const char *relpath, ms_buf *b)
{
	ms_error err;
	size_t streamed = 0;
	int rc = ms_source_read(src, relpath, b, &err);
	int src_rc;

	check_read_result(rc, &err);
	src_rc = ms_source_stream(src, relpath, count_bytes, &streamed, &err);
	check_read_result(src_rc, &err);
	FUZZ_CHECK(rc != 0 || src_rc != 0 || streamed == b->len);
}

static void read_everything(ms_source *src)
{
	ms_buf b = MS_BUF_INIT;
	ms_error err;
	int *pids = NULL;
	size_t npids = 0;
	char rel[64];
	int rc;

	for (size_t i = 0; i < MS_ARRAY_LEN(system_files); i++)
		read_one(src, system_files[i], &b);
	/* The snapshot is never a way out of itself. */
	FUZZ_CHECK(ms_source_read(src, "../meminfo", &b, &err) == -EINVAL);
	FUZZ_CHECK(ms_source_read(src, "/etc/passwd", &b, &err) == -EINVAL);
	rc = ms_source_list_pids(src, &pids, &npids, &err);
	ms_fuzz_check_result(rc, &err);
	for (size_t i = 0; i < npids; i++) {
		FUZZ_CHECK(pids[i] > 0 && (i == 0 || pids[i - 1] < pids[i]));
		for (size_t f = 0; f < MS_ARRAY_LEN(pid_files); f++) {
			snprintf(rel, sizeof rel, "%d/%s", pids[i], pid_files[f]);
			read_one(src, rel, &b);
		}
	}
	free(pids);
	ms_buf_free(&b);
}

/* Text output may hold valid UTF-8 and newlines (CSV: CRLF, RFC 4180);
 * no other C0 or C1 control character, no DEL and no broken sequence may
 * reach a terminal. */
static bool terminal_safe(const char *s, size_t len, bool crlf)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		if (crlf && *p == '\r' && end - p >= 2 && p[1] == '\n')
			p++;
		if (*p == '\n' || (*p >= 0x20 && *p < 0x7f)) {
			p++;
			continue;
		}
		if (*p == 0x7f || *p < 0x20)
			return false;
		if (*p == 0xc2 && end - p >= 2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return false;
		int more = *p >= 0xc2 && *p <= 0xdf ? 1 : (*p & 0xf0) == 0xe0 ? 2
			 : *p >= 0xf0 && *p <= 0xf4 ? 3 : -1;
		if (more < 0 || end - p <= more)
			return false;
		for (int i = 1; i <= more; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += more + 1;
	}
	return true;
}

static void render_all(const ms_sample *s, ms_source *src)
{
	ms_buf out = MS_BUF_INIT;
	ms_error err;
	ms_batch_opts o = { .pid = s->nprocs ? s->procs[0].pid : 1 };

	for (size_t v = 0; ms_views[v]; v++) {
		o.view = ms_views[v];
		o.format = MS_FORMAT_JSON;
		ms_buf_reset(&out);
		int rc = ms_batch_render(&o, s, src, &out, &err);
		ms_fuzz_check_result(rc, &err);
		FUZZ_CHECK(rc != 0 || ms_fuzz_json_valid(out.data, out.len));
		FUZZ_CHECK(rc == 0 || out.len == 0);
		for (int f = MS_FORMAT_TEXT; f <= MS_FORMAT_CSV; f++) {
			o.format = (ms_format)f;
			ms_buf_reset(&out);
			rc = ms_batch_render(&o, s, src, &out, &err);
			ms_fuzz_check_result(rc, &err);
			FUZZ_CHECK(rc != 0 || terminal_safe(out.data, out.len,
							    f == MS_FORMAT_CSV));
		}
	}
	ms_buf_free(&out);
}

static void check_info(const ms_source_info *info)
{
	FUZZ_CHECK(info->page_size > 0);
	FUZZ_CHECK(info->page_size_origin != NULL);
	FUZZ_CHECK(memchr(info->kernel, '\0', sizeof info->kernel) != NULL);
	FUZZ_CHECK(memchr(info->machine, '\0', sizeof info->machine) != NULL);
	FUZZ_CHECK(memchr(info->hostname, '\0', sizeof info->hostname) != NULL);
	FUZZ_CHECK(memchr(info->captured_at, '\0', sizeof info->captured_at) != NULL);
}

int ms_fuzz_tar(const uint8_t *data, size_t size)
{
	char path[64];
	ms_error err;
	ms_source *src;
	ms_sample s;

	write_scratch(path, data, size);
	src = ms_source_open_snapshot(path, &err);
	unlink(path);
	if (!src) {
		FUZZ_CHECK(err.code > 0);
		ms_fuzz_check_result(-err.code, &err);
		return 0;
	}
	check_info(ms_source_get_info(src));
	read_everything(src);
	if (ms_sample_load(&s, src, MS_PART_ALL, &err) == 0) {
		render_all(&s, src);
		ms_sample_free(&s);
	} else {
		FUZZ_CHECK(err.code > 0);
		ms_fuzz_check_result(-err.code, &err);
	}
	ms_source_close(src);
	return 0;
}
