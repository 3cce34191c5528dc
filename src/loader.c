/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The explorer's loading thread (loader.h). One request at a time: the
 * explorer asks, the thread reads the source, leaves the result under the
 * lock and writes a byte into a pipe that the explorer polls beside the
 * terminal. A request made while one is being read waits behind it,
 * replacing any other that waited there.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/loader.h"

struct ms_loader {
	ms_source *src;
	size_t index; /* the source's sample selected (the thread's) */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t done; /* a read ended */
	int pipe[2]; /* [0] polled by the explorer, [1] written by the thread */

	/* Under the lock. */
	bool has_request;
	ms_load_request request;
	bool busy;
	bool has_result;
	ms_load_result result;
	bool stopping;
};

void ms_load_result_free(ms_load_result *r)
{
	if (r->has_sample && r->status == 0)
		ms_sample_free(&r->sample);
	if (r->vma_pid > 0 && r->vma_status == 0)
		ms_vmalist_free(&r->vmas);
	if (r->has_libs)
		ms_librank_free(&r->libs);
	memset(r, 0, sizeof *r);
}

/* ---- the thread ---------------------------------------------------------- */

static void load_sample(ms_loader *l, const ms_load_request *rq, ms_load_result *res)
{
	size_t at = rq->at;

	res->has_sample = true;
	if (at == MS_AT_NEWEST) {
		size_t n = ms_source_sample_count(l->src);
		at = n ? n - 1 : 0;
	}
	if (at != SIZE_MAX && at != l->index) {
		res->status = ms_source_select(l->src, at, &res->err);
		if (res->status == 0)
			l->index = at;
	}
	if (res->status == 0)
		res->status = ms_source_refresh(l->src, &res->err);
	if (res->status == 0)
		res->status = ms_sample_load(&res->sample, l->src, rq->parts, &res->err);
	/* The procrank pane's DMA-BUF column: read here, off the explorer's
	 * thread, like the rest of the sample. */
	if (res->status == 0 && ms_sample_has(&res->sample, MS_P_PROCS))
		ms_procs_read_dmabuf(res->sample.procs, res->sample.nprocs, l->src);
	res->index = l->index;
	res->count = ms_source_sample_count(l->src);
	res->at_ns = ms_source_sample_captured_ns(l->src, l->index);
	res->first_ns = ms_source_sample_captured_ns(l->src, 0);
	res->torn_tail = ms_source_torn_tail(l->src, NULL, 0);
}

static void load(ms_loader *l, const ms_load_request *rq, ms_load_result *res)
{
	ms_source *src = l->src;

	memset(res, 0, sizeof *res);
	if (rq->parts)
		load_sample(l, rq, res);
	if (rq->vma_pid > 0) {
		res->vma_pid = rq->vma_pid;
		res->vma_status = ms_vmas_load(src, rq->vma_pid, &res->vmas, &res->vma_err);
		/* Its name, when the sample does not list it (a PID typed
		 * with p), and what it is (a kernel thread has no mappings). */
		ms_proc_identify(src, rq->vma_pid, &res->vma_ident);
		snprintf(res->vma_name, sizeof res->vma_name, "%s", res->vma_ident.name);
	}
	if (rq->libs) {
		/* Every smaps, one at a time: the slowest read there is, and
		 * the reason it happens here, off the explorer's thread. */
		res->has_libs = true;
		ms_librank_init(&res->libs, NULL);
		res->libs_status = ms_librank_run(&res->libs, src, NULL, 0, &res->libs_err);
	}
}

/* Everything goes with the last one out: the thread, once stopped. */
static void destroy(ms_loader *l)
{
	if (l->has_result)
		ms_load_result_free(&l->result);
	ms_source_close(l->src);
	close(l->pipe[0]);
	close(l->pipe[1]);
	pthread_cond_destroy(&l->wake);
	pthread_cond_destroy(&l->done);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

/* Hands a result over: a newer one replaces one nobody took. */
static void post(ms_loader *l, ms_load_result *res)
{
	if (l->has_result)
		ms_load_result_free(&l->result);
	l->result = *res;
	l->has_result = true;
	l->busy = false;
	pthread_cond_broadcast(&l->done);
	/* A full pipe already says "a result is waiting". */
	ssize_t w = write(l->pipe[1], "", 1);
	(void)w;
}

static void *run(void *arg)
{
	ms_loader *l = arg;
	ms_load_result res;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->has_request && !l->stopping)
			pthread_cond_wait(&l->wake, &l->lock);
		if (l->stopping)
			break;
		ms_load_request rq = l->request;
		l->has_request = false;
		l->busy = true;
		pthread_mutex_unlock(&l->lock);
		load(l, &rq, &res);
		pthread_mutex_lock(&l->lock);
		post(l, &res);
	}
	pthread_mutex_unlock(&l->lock);
	destroy(l);
	return NULL;
}

/* ---- the explorer's side ---------------------------------------------------- */

static int make_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
	}
	return 0;
}

ms_loader *ms_loader_start(ms_source *src, ms_error *err)
{
	ms_loader *l = calloc(1, sizeof *l);
	int rc;

	if (!l) {
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	rc = make_pipe(l->pipe);
	if (rc < 0) {
		free(l);
		ms_error_set(err, -rc, 0, "loader: %s", strerror(-rc));
		return NULL;
	}
	l->src = src;
	/* A recording opens on its last sample (or the one --at chose). */
	l->index = ms_source_selected(src);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	pthread_cond_init(&l->done, NULL);
	rc = pthread_create(&l->thread, NULL, run, l);
	if (rc != 0) {
		l->src = NULL;
		close(l->pipe[0]);
		close(l->pipe[1]);
		pthread_cond_destroy(&l->wake);
		pthread_cond_destroy(&l->done);
		pthread_mutex_destroy(&l->lock);
		free(l);
		ms_error_set(err, rc, 0, "loader: cannot start a thread: %s", strerror(rc));
		return NULL;
	}
	return l;
}

int ms_loader_fd(const ms_loader *l)
{
	return l->pipe[0];
}

bool ms_loader_busy(ms_loader *l)
{
	pthread_mutex_lock(&l->lock);
	bool busy = l->busy || l->has_request;
	pthread_mutex_unlock(&l->lock);
	return busy;
}

void ms_loader_request(ms_loader *l, const ms_load_request *rq)
{
	pthread_mutex_lock(&l->lock);
	l->request = *rq;
	l->has_request = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
}

static void drain(int fd)
{
	char junk[64];

	while (read(fd, junk, sizeof junk) > 0)
		;
}

bool ms_loader_take(ms_loader *l, ms_load_result *out)
{
	pthread_mutex_lock(&l->lock);
	bool has = l->has_result;
	if (has) {
		*out = l->result;
		l->has_result = false;
		drain(l->pipe[0]);
	}
	pthread_mutex_unlock(&l->lock);
	return has;
}

/* A read of the running system ends within a second; one that does not
 * (a hung FIFO, a dead link) is not waited for longer. */
#define STOP_GRACE_NS 1000000000L

static void wait_a_little(ms_loader *l)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += STOP_GRACE_NS % 1000000000L;
	until.tv_sec += STOP_GRACE_NS / 1000000000L + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	while (l->busy && pthread_cond_timedwait(&l->done, &l->lock, &until) == 0)
		;
}

void ms_loader_stop(ms_loader *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	l->has_request = false;
	pthread_cond_signal(&l->wake);
	wait_a_little(l);
	bool busy = l->busy;
	pthread_t thread = l->thread;
	pthread_mutex_unlock(&l->lock);
	/* l is the thread's from here on. */
	if (busy)
		pthread_detach(thread);
	else
		pthread_join(thread, NULL);
}
