/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "loader": the explorer's loading thread on a source made for the
 * test (through memscope/source_kind.h): a recording of three samples
 * whose meminfo differ, and whose reads can be held up by the test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memscope/loader.h"
#include "memscope/source_kind.h"

struct recording {
	size_t at;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool hold;   /* reads wait while set */
	bool closed; /* the source was closed */
};

static struct recording rec;

static int rec_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	struct recording *r = ms_source_priv(src);

	pthread_mutex_lock(&r->lock);
	while (r->hold)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	if (strcmp(relpath, "meminfo") != 0)
		return ms_error_set(err, ENOENT, 0, "%s: not there", relpath);
	ms_buf_reset(out);
	return ms_buf_printf(out, "MemTotal: %zu kB\n", 1000 + r->at);
}

static int rec_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err)
{
	(void)src;
	(void)fn;
	(void)ctx;
	return ms_error_set(err, ENOENT, 0, "%s: not there", relpath);
}

static int rec_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	(void)src;
	(void)pids;
	*n = 0;
	return ms_error_set(err, ENOENT, 0, "no processes");
}

static size_t rec_count(const ms_source *src)
{
	(void)src;
	return 3;
}

static int rec_select(ms_source *src, size_t index, ms_error *err)
{
	struct recording *r = ms_source_priv(src);

	if (index >= 3)
		return ms_error_set(err, ERANGE, 0, "no sample %zu", index);
	r->at = index;
	return 0;
}

static void rec_close(ms_source *src)
{
	struct recording *r = ms_source_priv(src);
	r->closed = true;
}

static const ms_source_ops rec_ops = {
	.read = rec_read,
	.stream = rec_stream,
	.list_pids = rec_list_pids,
	.sample_count = rec_count,
	.select = rec_select,
	.close = rec_close,
};

static ms_loader *start(void)
{
	ms_error err;

	memset(&rec, 0, sizeof rec);
	pthread_mutex_init(&rec.lock, NULL);
	pthread_cond_init(&rec.cond, NULL);
	ms_source *src = ms_source_new(&rec_ops, MS_CAP_SAMPLES, "rec", &rec);
	cr_assert(src);
	ms_loader *l = ms_loader_start(src, &err);
	cr_assert(l, "%s", err.msg);
	return l;
}

static void hold(bool on)
{
	pthread_mutex_lock(&rec.lock);
	rec.hold = on;
	pthread_cond_broadcast(&rec.cond);
	pthread_mutex_unlock(&rec.lock);
}

/* Waits (up to 5 s) for the result, as the explorer does: poll the fd. */
static void wait_result(ms_loader *l, ms_load_result *res)
{
	for (int i = 0; i < 50; i++) {
		struct pollfd p = { .fd = ms_loader_fd(l), .events = POLLIN };
		poll(&p, 1, 100);
		if (ms_loader_take(l, res))
			return;
	}
	cr_assert_fail("no result in 5 s");
}

static int64_t mem_total(const ms_load_result *res)
{
	return ms_kvlist_get(&res->sample.meminfo, "MemTotal");
}

Test(loader, reads_the_sample_asked_for)
{
	ms_loader *l = start();
	ms_load_result res;

	ms_loader_request(l, &(ms_load_request){ .parts = MS_PART_MEMINFO, .at = 2 });
	wait_result(l, &res);
	cr_assert(res.has_sample);
	cr_assert_eq(res.status, 0, "%s", res.err.msg);
	cr_assert_eq(mem_total(&res), 1002);
	cr_assert_eq(res.index, 2u);
	cr_assert_eq(res.count, 3u);
	ms_load_result_free(&res);

	ms_loader_request(l, &(ms_load_request){ .parts = MS_PART_MEMINFO, .at = 7 });
	wait_result(l, &res);
	cr_assert_eq(res.status, -ERANGE);
	cr_assert_str_eq(res.err.msg, "no sample 7");
	cr_assert_eq(res.index, 2u, "still on the sample selected before");
	ms_load_result_free(&res);
	ms_loader_stop(l);
	cr_assert(rec.closed, "stopping closes the source");
}

/* Asked twice while a read is held up: the second request replaces none
 * but the one waiting, and the newest result is what the explorer gets. */
Test(loader, a_request_waits_behind_the_read_under_way)
{
	ms_loader *l = start();
	ms_load_result res;

	hold(true);
	ms_loader_request(l, &(ms_load_request){ .parts = MS_PART_MEMINFO, .at = 0 });
	usleep(100 * 1000);
	cr_assert(ms_loader_busy(l));
	ms_loader_request(l, &(ms_load_request){ .parts = MS_PART_MEMINFO, .at = 1 });
	ms_loader_request(l, &(ms_load_request){ .parts = MS_PART_MEMINFO, .at = 2 });
	cr_assert_not(ms_loader_take(l, &res), "nothing read yet");
	hold(false);
	for (int i = 0; i < 50 && ms_loader_busy(l); i++)
		usleep(100 * 1000);
	wait_result(l, &res);
	cr_assert_eq(mem_total(&res), 1002, "the newest result, sample 2");
	ms_load_result_free(&res);
	ms_loader_stop(l);
}

/* Quitting while a read hangs returns at once; the thread closes the
 * source when the read ends. */
Test(loader, stop_does_not_wait_for_a_hung_read)
{
	ms_loader *l = start();

	hold(true);
	ms_loader_request(l, &(ms_load_request){ .parts = MS_PART_MEMINFO, .at = SIZE_MAX });
	usleep(100 * 1000);
	ms_loader_stop(l);
	cr_assert_not(rec.closed, "the hung read still holds the source");
	hold(false);
	for (int i = 0; i < 50 && !rec.closed; i++)
		usleep(100 * 1000);
	cr_assert(rec.closed, "closed once the read ended");
}
