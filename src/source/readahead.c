/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading ahead: one big /proc file (the smaps of a process with 60,000
 * mappings) costs the kernel as much time to print as we need to parse it.
 * A second thread reads the next chunks while the caller's thread works on
 * the chunks already read, so that the two costs overlap instead of adding
 * up. The chunks go round a small ring: memory stays bounded whatever the
 * size of the file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

/* Four slots of 64 KiB keep the reader up to a quarter of a megabyte
 * ahead. 128 KiB slots were no faster on a 60,000-mapping smaps (1.03 x
 * and 1.05 x the cat's wall time) and cost 300 kB more at the peak when
 * the ring filled: vma's 3 MB peak was missed on a loaded machine. */
#define AHEAD_CHUNK ((size_t)64 << 10)
#define AHEAD_SLOTS 4
/* Below this much room a slot is handed over rather than read into. */
#define AHEAD_MIN_ROOM ((size_t)8 << 10)

struct slot {
	char *data;
	size_t len;
	bool full;   /* written by the reader, not yet used by the consumer */
	bool last;   /* end of file, or the error in reader_errno */
};

struct ahead {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot slots[AHEAD_SLOTS];
	bool stop;        /* the consumer is done: the reader leaves */
	int reader_errno; /* 0, or the errno of the failed read */
	size_t total;
};

/* Waits until slot i is free (or the consumer has stopped). */
static bool wait_free(struct ahead *a, struct slot *s)
{
	pthread_mutex_lock(&a->lock);
	while (s->full && !a->stop)
		pthread_cond_wait(&a->changed, &a->lock);
	bool go = !a->stop;
	pthread_mutex_unlock(&a->lock);
	return go;
}

static void publish(struct ahead *a, struct slot *s, size_t len, bool last, int e)
{
	pthread_mutex_lock(&a->lock);
	s->len = len;
	s->last = last;
	s->full = true;
	if (e)
		a->reader_errno = e;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
}

/* A seq_file read returns one page of text at most, whatever room it is
 * given: the slot is filled by as many reads as it takes, so that the
 * threads meet once per slot and not once per page (12,000 times for a
 * 60,000-mapping smaps). Returns 0 or an errno; *len 0 is the end. */
static int fill(int fd, char *buf, size_t *len)
{
	*len = 0;
	while (*len < AHEAD_CHUNK - AHEAD_MIN_ROOM) {
		ssize_t r = ms_read_retry(fd, buf + *len, AHEAD_CHUNK - *len);
		if (r < 0)
			return *len ? 0 : errno; /* the error again at the next read */
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	return 0;
}

static void *reader_main(void *arg)
{
	struct ahead *a = arg;

	for (size_t i = 0;; i = (i + 1) % AHEAD_SLOTS) {
		struct slot *s = &a->slots[i];
		if (!wait_free(a, s))
			return NULL;
		/* The slot is ours until published: no lock while reading. */
		size_t len;
		int e = fill(a->fd, s->data, &len);
		if (e || len == 0) {
			publish(a, s, 0, true, e);
			return NULL;
		}
		publish(a, s, len, false, 0);
	}
}

static struct slot *wait_full(struct ahead *a, struct slot *s)
{
	pthread_mutex_lock(&a->lock);
	while (!s->full)
		pthread_cond_wait(&a->changed, &a->lock);
	pthread_mutex_unlock(&a->lock);
	return s;
}

static void release(struct ahead *a, struct slot *s, bool stop)
{
	pthread_mutex_lock(&a->lock);
	s->full = false;
	if (stop)
		a->stop = true;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
}

/* The caller's side: hands each chunk to fn in file order. */
static int consume(struct ahead *a, const char *relpath, ms_chunk_fn fn, void *ctx,
		   ms_error *err)
{
	for (size_t i = 0;; i = (i + 1) % AHEAD_SLOTS) {
		struct slot *s = wait_full(a, &a->slots[i]);
		int ret = 0;
		if (s->last) {
			if (a->reader_errno)
				ret = ms_errno_to_error(a->reader_errno, relpath, err);
			release(a, s, true);
			return ret;
		}
		a->total += s->len;
		if (a->total > MS_FILE_CAP)
			ret = ms_error_set(err, EFBIG, 0, "%s: more than %zu MiB", relpath,
					   MS_FILE_CAP >> 20);
		else
			ret = fn(ctx, s->data, s->len);
		release(a, s, ret != 0);
		if (ret != 0)
			return ret;
	}
}

static void ahead_free(struct ahead *a)
{
	for (size_t i = 0; i < AHEAD_SLOTS; i++)
		free(a->slots[i].data);
	pthread_cond_destroy(&a->changed);
	pthread_mutex_destroy(&a->lock);
}

int ms_fd_stream_ahead(int fd, const char *relpath, ms_chunk_fn fn, void *ctx, ms_error *err)
{
	struct ahead a = { .fd = fd };
	pthread_t reader;
	int ret;

	pthread_mutex_init(&a.lock, NULL);
	pthread_cond_init(&a.changed, NULL);
	for (size_t i = 0; i < AHEAD_SLOTS; i++) {
		if (!(a.slots[i].data = malloc(AHEAD_CHUNK))) {
			ahead_free(&a);
			return ms_errno_to_error(ENOMEM, relpath, err);
		}
	}
	/* No second thread to be had: the same chunks, read in turn. */
	if (pthread_create(&reader, NULL, reader_main, &a) != 0) {
		ahead_free(&a);
		return ms_fd_stream(fd, relpath, fn, ctx, err);
	}
	ret = consume(&a, relpath, fn, ctx, err);
	pthread_join(reader, NULL);
	ahead_free(&a);
	return ret;
}
