/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds which DMA-BUF, the way Android's dmabuf_dump
 * (system/memory/libmeminfo/libdmabufinfo) attributes buffers: a buffer is
 * known by its inode; a process holds it through an fd (fdinfo) or a
 * mapping ("/dmabuf..." in maps); its size comes from the kernel (fdinfo,
 * sysfs buffers, bufinfo) or, for a buffer only seen mapped, from the
 * mapping's length. A process's rss is the sizes of the buffers it holds,
 * its pss each size divided by the number of processes holding it. The
 * buffers no process holds are the kernel's.
 *
 * Pure: the caller reads the files and feeds the parsed records in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

void ms_dmabuf_table_free(ms_dmabuf_table *t)
{
	free(t->bufs);
	free(t->refs);
	ms_buf_free(&t->strings);
	memset(t, 0, sizeof *t);
}

static ms_dmabuf_buf *find_buffer(const ms_dmabuf_table *t, int64_t inode)
{
	for (size_t i = t->n; i-- > 0;)
		if (t->bufs[i].inode == inode)
			return &t->bufs[i];
	return NULL;
}

static ms_dmabuf_buf *new_buffer(ms_dmabuf_table *t, int64_t inode)
{
	if (t->n >= UINT32_MAX)
		return NULL;
	ms_dmabuf_buf *items = ms_grow_one(t->bufs, t->n, &t->cap, sizeof *items);
	if (!items)
		return NULL;
	t->bufs = items;
	t->bufs[t->n] = (ms_dmabuf_buf){ .inode = inode, .size = MS_NA, .count = MS_NA,
					 .ndevices = MS_NA };
	return &t->bufs[t->n++];
}

static ms_dmabuf_buf *buffer(ms_dmabuf_table *t, int64_t inode)
{
	ms_dmabuf_buf *b = find_buffer(t, inode);
	return b ? b : new_buffer(t, inode);
}

/* Sets a text field the first time it is known. */
static int fill_text(ms_dmabuf_table *t, const char *s, uint32_t *off, uint32_t *len)
{
	if (*len || !s || !*s)
		return 0;
	size_t n = strlen(s);
	int rc = ms_pool_add(&t->strings, s, n, off);
	if (rc == 0)
		*len = (uint32_t)n;
	return rc;
}

/* The kernel's size replaces an estimate from a mapping (MS_NA and other
 * negative sizes are no size). */
static void set_size(ms_dmabuf_buf *b, int64_t size, bool exact)
{
	if (size < 0 || (b->size_exact && b->size != MS_NA) || (!exact && b->size != MS_NA))
		return;
	b->size = size;
	b->size_exact = exact;
}

static ms_dmabuf_ref *reference(ms_dmabuf_table *t, int64_t pid, ms_dmabuf_buf *b)
{
	uint32_t idx = (uint32_t)(b - t->bufs);

	for (size_t i = 0; i < t->nrefs; i++)
		if (t->refs[i].pid == pid && t->refs[i].buf == idx)
			return &t->refs[i];
	ms_dmabuf_ref *items = ms_grow_one(t->refs, t->nrefs, &t->refs_cap, sizeof *items);
	if (!items)
		return NULL;
	t->refs = items;
	t->refs[t->nrefs] = (ms_dmabuf_ref){ .pid = pid, .buf = idx };
	b->nprocs++;
	return &t->refs[t->nrefs++];
}

int ms_dmabuf_table_add_fd(ms_dmabuf_table *t, int64_t pid, const ms_fdinfo *fi)
{
	if (!fi->dmabuf || fi->inode == MS_NA)
		return -EINVAL;
	ms_dmabuf_buf *b = buffer(t, fi->inode);
	if (!b)
		return -ENOMEM;
	set_size(b, fi->size, true);
	if (b->count == MS_NA)
		b->count = fi->count;
	int rc = fill_text(t, fi->exp_name, &b->exporter_off, &b->exporter_len);
	if (rc == 0)
		rc = fill_text(t, fi->name, &b->name_off, &b->name_len);
	ms_dmabuf_ref *r = rc == 0 ? reference(t, pid, b) : NULL;
	if (!r)
		return rc < 0 ? rc : -ENOMEM;
	r->fds++;
	return 0;
}

int ms_dmabuf_table_add_map(ms_dmabuf_table *t, int64_t pid, int64_t inode, int64_t vma_bytes)
{
	ms_dmabuf_buf *b = buffer(t, inode);
	if (!b)
		return -ENOMEM;
	set_size(b, vma_bytes, false);
	ms_dmabuf_ref *r = reference(t, pid, b);
	if (!r)
		return -ENOMEM;
	r->maps++;
	return 0;
}

int ms_dmabuf_table_add_buffer(ms_dmabuf_table *t, int64_t inode, int64_t size,
			       const char *exporter, const char *name)
{
	ms_dmabuf_buf *b = buffer(t, inode);
	if (!b)
		return -ENOMEM;
	set_size(b, size, true);
	int rc = fill_text(t, exporter, &b->exporter_off, &b->exporter_len);
	return rc == 0 ? fill_text(t, name, &b->name_off, &b->name_len) : rc;
}

/* ---- what it adds up to ---------------------------------------------------- */

static int64_t share(const ms_dmabuf_buf *b)
{
	return b->size == MS_NA || b->nprocs == 0 ? b->size : b->size / b->nprocs;
}

void ms_dmabuf_process_usage(const ms_dmabuf_table *t, int64_t pid, ms_dmabuf_usage *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < t->nrefs; i++) {
		if (t->refs[i].pid != pid)
			continue;
		const ms_dmabuf_buf *b = &t->bufs[t->refs[i].buf];
		out->rss = ms_add_na(out->rss, b->size);
		out->pss = ms_add_na(out->pss, share(b));
		out->nbufs++;
	}
}

void ms_dmabuf_summarize(const ms_dmabuf_table *t, ms_dmabuf_summary *out)
{
	memset(out, 0, sizeof *out);
	out->nbufs = t->n;
	for (size_t i = 0; i < t->n; i++) {
		const ms_dmabuf_buf *b = &t->bufs[i];
		out->total = ms_add_na(out->total, b->size);
		if (b->nprocs)
			out->held = ms_add_na(out->held, b->size);
		int64_t s = share(b);
		if (b->nprocs)
			out->pss_sum = ms_add_na(out->pss_sum, s == MS_NA ? MS_NA : s * b->nprocs);
	}
	for (size_t i = 0; i < t->nrefs; i++)
		out->rss_sum = ms_add_na(out->rss_sum, t->bufs[t->refs[i].buf].size);
	out->kernel = out->total == MS_NA || out->held == MS_NA ? MS_NA : out->total - out->held;
}
