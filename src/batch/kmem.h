/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel-side files of the iomem, vmalloc, cma and dmabuf views,
 * read through the source when the view is rendered (they are not parts
 * of the sample: only these views need them). Each figure that could not
 * be read keeps why, worded for a user.
 */
#ifndef MEMSCOPE_BATCH_KMEM_H
#define MEMSCOPE_BATCH_KMEM_H

#include "render.h"

/* Why a file was not read: 0 read; else -errno and a reason. */
struct kmem_status {
	int status;
	char reason[160];
};

/* Reads relpath whole into out; on failure fills st with the reason
 * ("needs root", "not in snapshot", "no such file", the source's own). */
int ms_kmem_read(ms_source *src, const char *relpath, ms_buf *out, struct kmem_status *st);
/* A parse error: "unreadable format: iomem line 7: <why>". */
void ms_kmem_parse_error(struct kmem_status *st, const char *file, const ms_error *err);

/* ---- CMA ---- */

struct kmem_cma {
	ms_cma_area *areas;
	size_t n;
	struct kmem_status sysfs, debugfs; /* sys/kernel/mm/cma, sys/kernel/debug/cma */
};

int ms_kmem_cma_load(ms_source *src, struct kmem_cma *out, ms_error *err);
void ms_kmem_cma_free(struct kmem_cma *c);

/* ---- DMA-BUF ---- */

struct kmem_dmabuf_proc {
	int64_t pid;
	char name[64];      /* comm, raw */
	int64_t rss_kb, pss_kb; /* bytes / 1024, rounded down; see dmabuf.c */
	int64_t rss_bytes, pss_bytes;
	int64_t nbufs;
};

struct kmem_dmabuf {
	ms_dmabuf_table t;
	const char *buffers_from; /* "sysfs", "bufinfo", or NULL (none readable) */
	struct kmem_status sysfs, bufinfo;
	struct kmem_dmabuf_proc *procs; /* those holding at least one buffer */
	size_t nprocs;
	size_t nunreadable;  /* processes whose fdinfo could not be listed */
	size_t nscanned;     /* processes whose fdinfo was read */
	char holders_reason[96]; /* why no process was read, "" when some were */
};

int ms_kmem_dmabuf_load(ms_source *src, struct kmem_dmabuf *out, ms_error *err);
void ms_kmem_dmabuf_free(struct kmem_dmabuf *d);

#endif
