/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parts of a sample read from many files for the kernel side of the
 * accounting (issue 10): the device tree's memory and reserved-memory
 * nodes, the CMA areas of sysfs and debugfs, and the DMA-BUF buffers the
 * kernel lists. Each reads through the source and hands the bytes to the
 * pure parsers of src/parse; a file that is not there is left out, a
 * folder that is not there is the part's reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"

/* ---- device tree ------------------------------------------------------------ */

/* The properties of the tree's files that ms_parse_devicetree reads. */
static const char *const dt_props[] = {
	"reg", "size", "alignment", "no-map", "reusable", "compatible", "linux,cma-default",
	"linux,dma-default", "status", "device_type", "#address-cells", "#size-cells",
};

struct dt_files {
	size_t n, cap;
	ms_dt_file *f;
	char **paths;
	ms_buf *bufs;
};

static void dt_files_free(struct dt_files *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->paths[i]);
		ms_buf_free(&d->bufs[i]);
	}
	free(d->f);
	free(d->paths);
	free(d->bufs);
	memset(d, 0, sizeof *d);
}

static int dt_files_grow(struct dt_files *d)
{
	size_t cap = d->cap ? d->cap * 2 : 32;
	ms_dt_file *f = realloc(d->f, cap * sizeof *f);
	if (!f)
		return -ENOMEM;
	d->f = f;
	char **p = realloc(d->paths, cap * sizeof *p);
	if (!p)
		return -ENOMEM;
	d->paths = p;
	ms_buf *b = realloc(d->bufs, cap * sizeof *b);
	if (!b)
		return -ENOMEM;
	d->bufs = b;
	d->cap = cap;
	return 0;
}

/* Reads "device-tree/<rel>" when it is there; a missing file is no error
 * (a node without no-map has no no-map file). */
static int dt_take(struct dt_files *d, ms_source *src, const char *rel)
{
	char path[512];
	ms_buf b = MS_BUF_INIT;

	if ((size_t)snprintf(path, sizeof path, "device-tree/%s", rel) >= sizeof path)
		return 0;
	int rc = ms_source_read(src, path, &b, NULL);
	if (rc < 0) {
		ms_buf_free(&b);
		return rc == -ENOMEM ? rc : 0;
	}
	if (d->n == d->cap && dt_files_grow(d) < 0) {
		ms_buf_free(&b);
		return -ENOMEM;
	}
	d->paths[d->n] = strdup(rel);
	if (!d->paths[d->n]) {
		ms_buf_free(&b);
		return -ENOMEM;
	}
	d->bufs[d->n] = b;
	d->n++;
	return 0;
}

/* Every property ms_parse_devicetree reads, of the node at dir ("" the root). */
static int dt_take_node(struct dt_files *d, ms_source *src, const char *dir)
{
	char rel[512];

	for (size_t i = 0; i < MS_ARRAY_LEN(dt_props); i++) {
		snprintf(rel, sizeof rel, "%s%s%s", dir, *dir ? "/" : "", dt_props[i]);
		int rc = dt_take(d, src, rel);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int dt_take_reserved(struct dt_files *d, ms_source *src)
{
	ms_dirlist l = { 0 };
	char dir[512];
	int rc = ms_source_list_dir(src, "device-tree/reserved-memory", &l, NULL);

	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	rc = dt_take_node(d, src, "reserved-memory");
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		if (!l.e[i].is_dir)
			continue;
		snprintf(dir, sizeof dir, "reserved-memory/%s", l.e[i].name);
		rc = dt_take_node(d, src, dir);
	}
	ms_dirlist_free(&l);
	return rc;
}

int ms_devtree_load(ms_sample *s, ms_source *src, ms_error *err)
{
	struct dt_files d = { 0 };
	ms_dirlist top = { 0 };
	int rc = ms_source_list_dir(src, "device-tree", &top, err);

	if (rc == -ENOENT)
		ms_error_set(err, ENOENT, 0, "%s",
			     s->info.caps & MS_CAP_REFRESH ? "no device tree on this machine"
							   : "no device tree in snapshot");
	if (rc < 0)
		return rc;
	rc = dt_take(&d, src, "#address-cells");
	if (rc == 0)
		rc = dt_take(&d, src, "#size-cells");
	for (size_t i = 0; rc == 0 && i < top.n; i++)
		if (top.e[i].is_dir && strncmp(top.e[i].name, "memory", 6) == 0 &&
		    (top.e[i].name[6] == '\0' || top.e[i].name[6] == '@'))
			rc = dt_take_node(&d, src, top.e[i].name);
	if (rc == 0)
		rc = dt_take_reserved(&d, src);
	ms_dirlist_free(&top);
	if (rc == 0) {
		for (size_t i = 0; i < d.n; i++)
			d.f[i] = (ms_dt_file){ d.paths[i], d.bufs[i].data ? d.bufs[i].data : "",
					       d.bufs[i].len };
		ms_error_clear(err);
		/* A property that cannot be read leaves a partial tree: the
		 * regions read are kept, as the kernel keeps them. */
		rc = ms_parse_devicetree(d.f, d.n, &s->dt, err);
		if (rc == -EINVAL) {
			snprintf(s->dt.bad_reason, sizeof s->dt.bad_reason, "%s", err->msg);
			rc = 0;
		}
	}
	if (rc == -ENOMEM)
		ms_error_set(err, ENOMEM, 0, "out of memory");
	dt_files_free(&d);
	return rc;
}

void ms_devtree_free_part(ms_sample *s)
{
	ms_devicetree_free(&s->dt);
}

/* ---- CMA areas --------------------------------------------------------------- */

static ms_cma_area *cma_area_named(ms_cma_list *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->areas[i].name, name) == 0)
			return &c->areas[i];
	ms_cma_area *a = realloc(c->areas, (c->n + 1) * sizeof *a);
	if (!a)
		return NULL;
	c->areas = a;
	if (ms_cma_area_init(&a[c->n], name, strlen(name)) < 0)
		return NULL;
	return &a[c->n++];
}

/* The files of each area below dir; a file that does not parse leaves its
 * figure unknown (MS_NA), the others stand. */
static int cma_read_dir(ms_cma_list *c, ms_source *src, const char *dir, ms_error *err)
{
	ms_dirlist areas = { 0 }, files = { 0 };
	ms_buf b = MS_BUF_INIT;
	char path[512];
	int rc = ms_source_list_dir(src, dir, &areas, err);

	for (size_t i = 0; rc == 0 && i < areas.n; i++) {
		if (!areas.e[i].is_dir)
			continue;
		ms_cma_area *a = cma_area_named(c, areas.e[i].name);
		snprintf(path, sizeof path, "%s/%s", dir, areas.e[i].name);
		if (!a || ms_source_list_dir(src, path, &files, NULL) < 0) {
			rc = a ? 0 : -ENOMEM;
			continue;
		}
		for (size_t k = 0; k < files.n; k++) {
			snprintf(path, sizeof path, "%s/%s/%s", dir, areas.e[i].name,
				 files.e[k].name);
			if (!files.e[k].is_dir && ms_source_read(src, path, &b, NULL) == 0)
				ms_parse_cma_attr(a, files.e[k].name, b.data ? b.data : "", b.len,
						  NULL);
		}
		ms_dirlist_free(&files);
	}
	ms_buf_free(&b);
	ms_dirlist_free(&areas);
	return rc;
}

int ms_cma_load(ms_sample *s, ms_source *src, ms_error *err)
{
	ms_error debug_err = { 0 };
	int rc = cma_read_dir(&s->cma, src, "sys/kernel/mm/cma", err);
	/* debugfs gives the size and use that sysfs lacks before 6.14. */
	int rc_debug = cma_read_dir(&s->cma, src, "sys/kernel/debug/cma", &debug_err);

	if (rc == -ENOMEM || rc_debug == -ENOMEM)
		return ms_error_set(err, ENOMEM, 0, "out of memory"), -ENOMEM;
	if (rc < 0 && rc_debug == 0) {
		ms_error_clear(err);
		return 0;
	}
	return rc;
}

void ms_cma_free_part(ms_sample *s)
{
	free(s->cma.areas);
	memset(&s->cma, 0, sizeof s->cma);
}

/* ---- DMA-BUF buffers --------------------------------------------------------- */

static void count_buffer(ms_dmabuf_totals *t, const char *exporter, int64_t bytes)
{
	size_t e = 0;

	t->count++;
	t->bytes += bytes;
	while (e < t->nexporters && strcmp(t->exporters[e].name, exporter) != 0)
		e++;
	if (e == t->nexporters && e < MS_DMABUF_EXPORTERS)
		snprintf(t->exporters[t->nexporters++].name, sizeof t->exporters[e].name, "%s",
			 exporter);
	if (e < t->nexporters) {
		t->exporters[e].count++;
		t->exporters[e].bytes += bytes;
	} else {
		t->other_count++;
		t->other_bytes += bytes;
	}
}

static int dmabuf_from_sysfs(ms_dmabuf_totals *t, ms_source *src, ms_error *err)
{
	static const char dir[] = "sys/kernel/dmabuf/buffers";
	ms_dirlist l = { 0 };
	ms_buf b = MS_BUF_INIT;
	char path[256];
	int rc = ms_source_list_dir(src, dir, &l, err);

	memset(t, 0, sizeof *t);
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		ms_dmabuf_sysfs one;
		char exporter[32] = "(unknown)";
		if (!l.e[i].is_dir ||
		    ms_dmabuf_sysfs_init(&one, l.e[i].name, strlen(l.e[i].name)) < 0)
			continue;
		snprintf(path, sizeof path, "%s/%s/exporter_name", dir, l.e[i].name);
		if (ms_source_read(src, path, &b, NULL) == 0 && b.len) {
			snprintf(exporter, sizeof exporter, "%.*s", (int)b.len, b.data);
			exporter[strcspn(exporter, "\n")] = '\0';
		}
		snprintf(path, sizeof path, "%s/%s/size", dir, l.e[i].name);
		rc = ms_source_read(src, path, &b, err);
		if (rc == 0)
			rc = ms_parse_dmabuf_sysfs_attr(&one, "size", b.data ? b.data : "", b.len,
							err);
		/* A buffer freed while the folder was listed is gone, not an error. */
		if (rc == -ENOENT && ms_source_can(src, MS_CAP_VOLATILE)) {
			rc = 0;
			continue;
		}
		if (rc == 0 && one.size != MS_NA)
			count_buffer(t, exporter, one.size);
	}
	ms_buf_free(&b);
	ms_dirlist_free(&l);
	t->origin = dir;
	return rc;
}

static int dmabuf_from_bufinfo(ms_dmabuf_totals *t, ms_source *src, ms_error *err)
{
	static const char path[] = "sys/kernel/debug/dma_buf/bufinfo";
	ms_buf b = MS_BUF_INIT;
	ms_dmabuf_bufinfo bi = { 0 };
	int rc = ms_source_read(src, path, &b, err);

	if (rc == 0)
		rc = ms_parse_dmabuf_bufinfo(b.data ? b.data : "", b.len, &bi, err);
	if (rc == 0) {
		memset(t, 0, sizeof *t);
		for (size_t i = 0; i < bi.n; i++) {
			const char *e = ms_dmabuf_exporter(&bi.strings, &bi.bufs[i]);
			if (bi.bufs[i].size != MS_NA)
				count_buffer(t, e && *e ? e : "(unknown)", bi.bufs[i].size);
		}
		/* The closing line is the kernel's own count; what the lines
		 * above do not account for (a size not printed) is other. */
		if (bi.total_objects >= t->count && bi.total_bytes >= t->bytes) {
			t->other_count += bi.total_objects - t->count;
			t->other_bytes += bi.total_bytes - t->bytes;
		}
		t->count = bi.total_objects;
		t->bytes = bi.total_bytes;
		t->origin = path;
	} else if (rc == -EINVAL) {
		ms_error_prefix(err, "unreadable format: sys/kernel/debug/dma_buf/bufinfo");
	}
	ms_dmabuf_bufinfo_free(&bi);
	ms_buf_free(&b);
	return rc;
}

int ms_dmabuf_load(ms_sample *s, ms_source *src, ms_error *err)
{
	int rc = dmabuf_from_sysfs(&s->dmabuf, src, err);

	if (rc == -ENOENT) {
		ms_error_clear(err);
		rc = dmabuf_from_bufinfo(&s->dmabuf, src, err);
		if (rc == -ENOENT)
			ms_error_set(err, ENOENT, 0, "%s: no sysfs dmabuf/buffers, no debugfs bufinfo",
				     s->info.caps & MS_CAP_REFRESH ? "not available"
								   : "not in snapshot");
	}
	return rc;
}

void ms_dmabuf_free_part(ms_sample *s)
{
	memset(&s->dmabuf, 0, sizeof s->dmabuf);
}

/* ---- the DMA-BUFs each process holds ---------------------------------------- */

/* Whether fd of pid may be a DMA-BUF, asked of its link where the source
 * has links (one readlink, where its fdinfo costs an open, reads and a
 * close: reading every fd's fdinfo cost procrank more than a third of all
 * the processes' smaps_rollup at n400). */
static bool may_be_dmabuf(ms_source *src, int pid, const char *fd)
{
	char path[300], link[64];
	ms_error ignored;

	snprintf(path, sizeof path, "%d/fd/%s", pid, fd);
	int rc = ms_source_read_link(src, path, link, sizeof link, &ignored);
	if (rc == -ENOSYS)
		return true; /* a snapshot keeps DMA-BUF fdinfo only */
	return rc == 0 && ms_fd_link_may_be_dmabuf(link);
}

int ms_dmabuf_of_pid(ms_source *src, int pid, ms_dmabuf_table *t, ms_error *err)
{
	char dir[32];
	ms_dirlist l = { 0 };
	ms_buf buf = { 0 };
	int rc;

	snprintf(dir, sizeof dir, "%d/fdinfo", pid);
	rc = ms_source_list_dir(src, dir, &l, err);
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		char path[300];
		ms_fdinfo fi;
		ms_error ignored;
		snprintf(path, sizeof path, "%s/%s", dir, l.e[i].name);
		if (l.e[i].is_dir || !may_be_dmabuf(src, pid, l.e[i].name) ||
		    ms_source_read(src, path, &buf, &ignored) < 0)
			continue; /* not a DMA-BUF, or closed while it was listed */
		if (ms_parse_fdinfo(buf.data ? buf.data : "", buf.len, &fi, &ignored) < 0 ||
		    !fi.dmabuf || fi.inode == MS_NA)
			continue;
		if (ms_dmabuf_table_add_fd(t, pid, &fi) == -ENOMEM)
			rc = -ENOMEM;
	}
	ms_buf_free(&buf);
	ms_dirlist_free(&l);
	return rc;
}

bool ms_source_keeps_dmabuf_fds(ms_source *src)
{
	ms_buf b = MS_BUF_INIT;
	ms_error ignored;
	bool ours;

	/* A kernel log's reports read as snapshots, with no fd in them. A
	 * board over ssh is refreshed, yet each sample is a capture like a
	 * snapshot's; only the live /proc has no marker. */
	if (ms_source_get_info(src)->lacks[0])
		return false;
	ours = ms_source_read(src, "memscope-snapshot", &b, &ignored) == 0;
	ms_buf_free(&b);
	return ours;
}

/* Every process's DMA-BUF fds first, as a buffer's share is its size over
 * all its holders; then each process's share. */
int ms_procs_read_dmabuf(ms_proc *procs, size_t n, ms_source *src)
{
	ms_dmabuf_table t = { 0 };
	bool none_when_absent = src && ms_source_keeps_dmabuf_fds(src);
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		procs[i].dmabuf_kb = MS_NA;
	for (size_t i = 0; src && i < n && rc != -ENOMEM; i++) {
		ms_error ignored;
		/* fdinfo asks what smaps asks (ptrace read access): a process
		 * whose smaps could not be read has no fdinfo to read either
		 * (in a snapshot, none was captured). */
		if (procs[i].kthread || procs[i].origin == MS_ORIGIN_NONE)
			continue;
		rc = ms_dmabuf_of_pid(src, procs[i].pid, &t, &ignored);
		if (rc == 0 || (rc == -ENOENT && none_when_absent))
			procs[i].dmabuf_kb = 0; /* known: its share is set below */
	}
	for (size_t i = 0; i < n && rc != -ENOMEM; i++) {
		ms_dmabuf_usage u;
		if (procs[i].dmabuf_kb == MS_NA)
			continue;
		ms_dmabuf_process_usage(&t, procs[i].pid, &u);
		procs[i].dmabuf_kb = u.nbufs == 0 ? 0 : u.pss == MS_NA ? MS_NA : u.pss / 1024;
	}
	ms_dmabuf_table_free(&t);
	return rc == -ENOMEM ? rc : 0;
}
