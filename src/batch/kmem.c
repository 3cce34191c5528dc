/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the kernel-side files of the iomem, vmalloc, cma and dmabuf
 * views through the source (kmem.h). The bytes go to the pure parsers of
 * src/parse; what could not be read keeps its reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"

/* A reason, cut where it does not fit (a long path or message). */
static void say(struct kmem_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct kmem_status *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->reason, sizeof st->reason, fmt, ap);
	va_end(ap);
}

static bool source_refreshes(ms_source *src)
{
	return ms_source_can(src, MS_CAP_REFRESH);
}

static void set_reason(struct kmem_status *st, int rc, ms_source *src, const ms_error *err)
{
	st->status = rc;
	switch (rc) {
	case -ENOENT:
		say(st, "%s",
			 source_refreshes(src) ? "no such file" : "not in snapshot");
		break;
	case -EACCES:
	case -EPERM:
		/* A snapshot says why its capture could not read it; the
		 * running system means this user may not. */
		if (!source_refreshes(src) && err && err->msg[0]) {
			const char *colon = strstr(err->msg, ": ");
			say(st, "%s",
				 colon && colon[2] ? colon + 2 : err->msg);
		} else {
			say(st, "%s", ms_denied_reason());
		}
		break;
	default:
		say(st, "%s",
			 err && err->msg[0] ? err->msg : "cannot read");
		break;
	}
}

int ms_kmem_read(ms_source *src, const char *relpath, ms_buf *out, struct kmem_status *st)
{
	ms_error err;

	if (!src) { /* a sample rendered without its source */
		say(st, "not read: no source to read it from");
		return st->status = -ENODATA;
	}
	ms_error_clear(&err);
	int rc = ms_source_read(src, relpath, out, &err);
	if (rc < 0) {
		set_reason(st, rc, src, &err);
		return rc;
	}
	*st = (struct kmem_status){ 0 };
	return 0;
}

void ms_kmem_parse_error(struct kmem_status *st, const char *file, const ms_error *err)
{
	st->status = -EINVAL;
	if (err->line)
		say(st, "unreadable format: %s line %u: %s", file,
			 err->line, err->msg);
	else
		say(st, "unreadable format: %s: %s", file, err->msg);
}

static int list_dir(ms_source *src, const char *dir, ms_dirlist *l, struct kmem_status *st)
{
	ms_error err;

	ms_error_clear(&err);
	*l = (ms_dirlist){ 0 };
	if (!src) {
		say(st, "not read: no source to read it from");
		return st->status = -ENODATA;
	}
	int rc = ms_source_list_dir(src, dir, l, &err);
	if (rc < 0)
		set_reason(st, rc, src, &err);
	else
		*st = (struct kmem_status){ 0 };
	return rc;
}

/* ---- CMA ------------------------------------------------------------------ */

static ms_cma_area *cma_area(struct kmem_cma *c, const char *name, ms_error *err)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->areas[i].name, name) == 0)
			return &c->areas[i];
	ms_cma_area *grown = realloc(c->areas, (c->n + 1) * sizeof *grown);
	if (!grown) {
		ms_error_set(err, ENOMEM, 0, "cma: out of memory");
		return NULL;
	}
	c->areas = grown;
	if (ms_cma_area_init(&c->areas[c->n], name, strlen(name)) < 0)
		return NULL; /* not a directory name the kernel makes: left out */
	return &c->areas[c->n++];
}

/* Every file of every area below dir. A file of an area that cannot be
 * read leaves its figure null (MS_NA), never 0. */
static int cma_read_tree(ms_source *src, struct kmem_cma *c, const char *dir,
			 struct kmem_status *st, ms_error *err)
{
	ms_dirlist areas;
	ms_buf buf = { 0 };
	int rc = 0;

	if (list_dir(src, dir, &areas, st) < 0)
		return 0;
	for (size_t i = 0; i < areas.n && rc == 0; i++) {
		char path[512];
		ms_dirlist files;
		struct kmem_status fst;
		if (!areas.e[i].is_dir)
			continue;
		ms_error_clear(err);
		ms_cma_area *a = cma_area(c, areas.e[i].name, err);
		if (!a) {
			rc = err->code == ENOMEM ? -ENOMEM : 0;
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, areas.e[i].name);
		if (list_dir(src, path, &files, &fst) < 0)
			continue;
		for (size_t f = 0; f < files.n; f++) {
			char file[768];
			ms_error perr;
			if (files.e[f].is_dir || strcmp(files.e[f].name, "bitmap") == 0)
				continue;
			snprintf(file, sizeof file, "%s/%s", path, files.e[f].name);
			if (ms_kmem_read(src, file, &buf, &fst) < 0)
				continue;
			ms_parse_cma_attr(a, files.e[f].name, buf.data ? buf.data : "", buf.len,
					  &perr);
		}
		ms_dirlist_free(&files);
	}
	ms_buf_free(&buf);
	ms_dirlist_free(&areas);
	return rc;
}

int ms_kmem_cma_load(ms_source *src, struct kmem_cma *out, ms_error *err)
{
	*out = (struct kmem_cma){ 0 };
	int rc = cma_read_tree(src, out, "sys/kernel/mm/cma", &out->sysfs, err);
	if (rc == 0)
		rc = cma_read_tree(src, out, "sys/kernel/debug/cma", &out->debugfs, err);
	if (rc < 0)
		ms_kmem_cma_free(out);
	return rc;
}

void ms_kmem_cma_free(struct kmem_cma *c)
{
	free(c->areas);
	c->areas = NULL;
	c->n = 0;
}

/* ---- DMA-BUF ---------------------------------------------------------------- */

/* /sys/kernel/dmabuf/buffers/<inode>/{exporter_name,size}: every buffer
 * the kernel has, held or not. */
static int dmabuf_from_sysfs(ms_source *src, struct kmem_dmabuf *d)
{
	static const char dir[] = "sys/kernel/dmabuf/buffers";
	ms_dirlist l;
	ms_buf buf = { 0 };
	int rc = 0;

	if (list_dir(src, dir, &l, &d->sysfs) < 0)
		return 0;
	d->buffers_from = "sysfs";
	for (size_t i = 0; i < l.n && rc != -ENOMEM; i++) {
		static const char *const files[] = { "exporter_name", "size" };
		ms_dmabuf_sysfs b;
		if (!l.e[i].is_dir || ms_dmabuf_sysfs_init(&b, l.e[i].name, strlen(l.e[i].name)))
			continue;
		for (size_t f = 0; f < MS_ARRAY_LEN(files); f++) {
			char path[512];
			struct kmem_status st;
			ms_error perr;
			snprintf(path, sizeof path, "%s/%s/%s", dir, l.e[i].name, files[f]);
			if (ms_kmem_read(src, path, &buf, &st) == 0)
				ms_parse_dmabuf_sysfs_attr(&b, files[f], buf.data ? buf.data : "",
							   buf.len, &perr);
		}
		rc = ms_dmabuf_table_add_buffer(&d->t, b.inode, b.size,
						b.exporter[0] ? b.exporter : NULL, NULL);
	}
	ms_buf_free(&buf);
	ms_dirlist_free(&l);
	return rc == -ENOMEM ? rc : 0;
}

/* debugfs dma_buf/bufinfo, where sysfs has no buffers folder. */
static int dmabuf_from_bufinfo(ms_source *src, struct kmem_dmabuf *d)
{
	ms_buf buf = { 0 };
	ms_dmabuf_bufinfo bi = { 0 };
	ms_error perr;
	int rc = 0;

	if (ms_kmem_read(src, "sys/kernel/debug/dma_buf/bufinfo", &buf, &d->bufinfo) < 0) {
		ms_buf_free(&buf);
		return 0;
	}
	ms_error_clear(&perr);
	if (ms_parse_dmabuf_bufinfo(buf.data ? buf.data : "", buf.len, &bi, &perr) < 0) {
		ms_kmem_parse_error(&d->bufinfo, "dma_buf/bufinfo", &perr);
	} else {
		d->buffers_from = "bufinfo";
		for (size_t i = 0; i < bi.n && rc == 0; i++)
			if (bi.bufs[i].inode != MS_NA)
				rc = ms_dmabuf_table_add_buffer(
					&d->t, bi.bufs[i].inode, bi.bufs[i].size,
					ms_dmabuf_exporter(&bi.strings, &bi.bufs[i]),
					ms_dmabuf_name(&bi.strings, &bi.bufs[i]));
	}
	ms_dmabuf_bufinfo_free(&bi);
	ms_buf_free(&buf);
	return rc;
}

static void read_comm(ms_source *src, int pid, char *name, size_t cap)
{
	char path[32];
	ms_buf buf = { 0 };
	ms_error ignored;

	name[0] = '\0';
	snprintf(path, sizeof path, "%d/comm", pid);
	if (ms_source_read(src, path, &buf, &ignored) == 0 && buf.len) {
		size_t n = buf.len < cap - 1 ? buf.len : cap - 1;
		memcpy(name, buf.data, n);
		name[n] = '\0';
		name[strcspn(name, "\n")] = '\0';
	}
	ms_buf_free(&buf);
}

static int add_holder(struct kmem_dmabuf *d, ms_source *src, int pid)
{
	ms_dmabuf_usage u;

	ms_dmabuf_process_usage(&d->t, pid, &u);
	if (!u.nbufs)
		return 0;
	struct kmem_dmabuf_proc *grown = realloc(d->procs, (d->nprocs + 1) * sizeof *grown);
	if (!grown)
		return -ENOMEM;
	d->procs = grown;
	struct kmem_dmabuf_proc *p = &d->procs[d->nprocs++];
	*p = (struct kmem_dmabuf_proc){ .pid = pid, .rss_bytes = u.rss, .pss_bytes = u.pss,
					.nbufs = (int64_t)u.nbufs };
	p->rss_kb = u.rss == MS_NA ? MS_NA : u.rss / 1024;
	p->pss_kb = u.pss == MS_NA ? MS_NA : u.pss / 1024;
	read_comm(src, pid, p->name, sizeof p->name);
	return 0;
}

/* Every process's DMA-BUF fds. A snapshot keeps only the fdinfo entries
 * that are DMA-BUFs, so there a process without the folder holds none; on
 * the running system a folder this user may not list is a process whose
 * holdings are unknown (counted, and said). */
static int dmabuf_holders(ms_source *src, struct kmem_dmabuf *d, ms_error *err)
{
	int *pids = NULL;
	size_t n = 0;
	if (!src)
		return 0;
	int rc = ms_source_list_pids(src, &pids, &n, err);

	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	size_t nlisted = 0; /* processes with an fdinfo folder */
	/* The running /proc (not a board over ssh, whose samples are
	 * captures that keep only DMA-BUF fds, as snapshots do). */
	bool live = source_refreshes(src) && !ms_source_keeps_dmabuf_fds(src);
	for (size_t i = 0; i < n && rc != -ENOMEM; i++) {
		ms_error perr;
		rc = ms_dmabuf_of_pid(src, pids[i], &d->t, &perr);
		if (rc == -EACCES || rc == -EPERM)
			d->nunreadable++;
		else if (rc == 0 || (rc == -ENOENT && !live)) /* live: exited meanwhile */
			d->nscanned++;
		nlisted += rc == 0;
	}
	/* memscope's capture keeps only the DMA-BUF fds, so a process without
	 * the folder holds none; a snapshot made otherwise (a tar of /proc
	 * without fdinfo) where no process has one says nothing of them. */
	if (!live && n && !nlisted && !ms_source_keeps_dmabuf_fds(src)) {
		d->nscanned = 0;
		snprintf(d->holders_reason, sizeof d->holders_reason,
			 "no process's fdinfo in snapshot (not captured)");
	}
	for (size_t i = 0; i < n && rc != -ENOMEM; i++)
		rc = add_holder(d, src, pids[i]);
	free(pids);
	return rc == -ENOMEM ? rc : 0;
}

int ms_kmem_dmabuf_load(ms_source *src, struct kmem_dmabuf *out, ms_error *err)
{
	*out = (struct kmem_dmabuf){ 0 };
	snprintf(out->bufinfo.reason, sizeof out->bufinfo.reason, "not read: sysfs lists the buffers");
	int rc = dmabuf_from_sysfs(src, out);
	if (rc == 0 && !out->buffers_from)
		rc = dmabuf_from_bufinfo(src, out);
	if (rc == 0)
		rc = dmabuf_holders(src, out, err);
	if (rc == -ENOMEM) {
		ms_kmem_dmabuf_free(out);
		return ms_error_set(err, ENOMEM, 0, "dmabuf: out of memory");
	}
	return 0;
}

void ms_kmem_dmabuf_free(struct kmem_dmabuf *d)
{
	ms_dmabuf_table_free(&d->t);
	free(d->procs);
	d->procs = NULL;
	d->nprocs = 0;
}
