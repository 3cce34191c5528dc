/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel log read as a source (`memscope -s kern.log`): each OOM-killer
 * report in it is one sample, in log order.
 *
 * Opening reads the log once, in chunks, through the incremental reader
 * of src/parse/oomlog.c and keeps only where each report starts (its byte
 * offset and lines), so a log of any size costs a few bytes per report.
 * Selecting a report reads its lines again from that offset and parses
 * that report alone.
 *
 * The report then becomes the files the views already read, in a source
 * held in memory (memtree.c), rather than parts built straight into the
 * sample: every batch view, pane and JSON key then works unchanged and
 * reads the figures through the one path every other source uses
 * (catalogue.c's parsers), so an OOM report cannot be shown by rules of
 * its own. What the report prints becomes:
 *
 *	meminfo          Mem-Info's counters (pages) in kB, the zones' managed
 *	                 sum as MemTotal, node kernel_stack, the swap lines
 *	zoneinfo         each zone line: free, min, low, high, present, managed
 *	                 and lowmem_reserve, kB turned back into pages
 *	buddyinfo        the free lists' blocks per order
 *	slabinfo         "Unreclaimable slab info:" as printed (4.15+, when
 *	                 there): each listed cache's used and total kB, no
 *	                 object counts (the slabinfo parser marks the list)
 *	PID/status       the task table's rows: name, tgid, uid, total_vm, RSS
 *	                 (and its anon/file/shmem split where printed), page
 *	                 tables, swap entries; PID/oom_score_adj
 *	memscope-snapshot the kernel release and the page size the report shows
 *
 * Nothing is made up: a figure the report does not print is not written,
 * so it is unknown where it is shown, never 0. Files a report never holds
 * (smaps_rollup: the table lists RSS only; vmstat...; slabinfo without
 * the section) fail with
 * a sentence saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"

#define LOG_CHUNK 65536

/* Where a report is in the log, and how it ended (reading it alone from
 * its first line may end it differently: cut short by its next line). */
struct report_at {
	off_t offset;
	unsigned first_line, last_line;
	enum ms_oom_end end;
	bool truncated;
};

struct kernlog {
	char *path;
	struct report_at *at;
	size_t n, cap;
	size_t selected;
	ms_source *cur; /* the selected report, as files */
};

static struct kernlog *log_of(const ms_source *src)
{
	return ms_source_priv(src);
}

/* ---- lines with their offsets ------------------------------------------------ */

/* Called with each line (cut at MS_OOM_MAX_LINE) and where it starts;
 * returns 0 to go on, 1 to stop, <0 an error. */
typedef int (*offset_line_fn)(void *ctx, const char *line, size_t len, off_t at);

struct line_reader {
	char chunk[LOG_CHUNK];
	char hold[MS_OOM_MAX_LINE];
	size_t held;
	off_t start; /* of the line being held */
};

static int each_line(int fd, off_t from, offset_line_fn fn, void *ctx)
{
	struct line_reader *lr = malloc(sizeof *lr);
	off_t pos = from;
	int rc = 0;

	if (!lr)
		return -ENOMEM;
	lr->held = 0;
	lr->start = from;
	while (rc == 0) {
		ssize_t got = pread(fd, lr->chunk, sizeof lr->chunk, pos);
		if (got < 0) {
			rc = -errno;
			break;
		}
		if (got == 0)
			break;
		const char *p = lr->chunk, *end = lr->chunk + got;
		while (rc == 0 && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl ? nl : end;
			size_t n = (size_t)(stop - p), room = sizeof lr->hold - lr->held;
			memcpy(lr->hold + lr->held, p, n < room ? n : room);
			lr->held += n < room ? n : room;
			if (!nl) {
				p = end;
				break;
			}
			rc = fn(ctx, lr->hold, lr->held, lr->start);
			lr->held = 0;
			lr->start = pos + (nl + 1 - lr->chunk);
			p = nl + 1;
		}
		pos += got;
	}
	if (rc == 0 && lr->held)
		rc = fn(ctx, lr->hold, lr->held, lr->start);
	free(lr);
	return rc < 0 ? rc : 0;
}

/* ---- the index: one pass over the log ------------------------------------------ */

struct indexer {
	ms_oom_parser ps;
	struct kernlog *log;
	off_t line_at;      /* the line being read */
	off_t open_at;      /* the line the open report started on */
	unsigned open_line;
};

static int add_report(struct kernlog *l, const struct report_at *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct report_at *a = realloc(l->at, cap * sizeof *a);
		if (!a)
			return -ENOMEM;
		l->at = a;
		l->cap = cap;
	}
	l->at[l->n++] = *r;
	return 0;
}

static int index_report(void *ctx, const ms_oom_report *r)
{
	struct indexer *ix = ctx;
	/* Opened and closed on one line (kmsg records hold several): here. */
	off_t at = r->first_line == ix->open_line ? ix->open_at : ix->line_at;

	return add_report(ix->log, &(struct report_at){ at, r->first_line, r->last_line,
							 r->end, r->truncated });
}

static int index_line(void *ctx, const char *line, size_t len, off_t at)
{
	struct indexer *ix = ctx;

	ix->line_at = at;
	int rc = ms_oom_parser_line(&ix->ps, line, len);
	if (rc == 0 && ix->ps.open && ix->ps.cur.first_line == ix->ps.lineno) {
		ix->open_at = at;
		ix->open_line = ix->ps.lineno;
	}
	return rc;
}

static int index_log(struct kernlog *l, int fd, ms_error *err)
{
	struct indexer *ix = calloc(1, sizeof *ix);

	if (!ix)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	ix->log = l;
	ms_oom_parser_init(&ix->ps, index_report, ix, err);
	int rc = each_line(fd, 0, index_line, ix);
	if (rc == 0)
		rc = ms_oom_parser_finish(&ix->ps);
	ms_oom_parser_free(&ix->ps);
	free(ix);
	if (rc < 0 && (!err || !err->code))
		ms_error_set(err, -rc, 0, "%s: %s", l->path, strerror(-rc));
	return rc;
}

/* ---- one report, read again -------------------------------------------------- */

struct rereader {
	ms_oom_parser ps;
	unsigned lines;     /* the report's lines, and the one after (it may end it) */
	ms_oom_report *out;
	bool found;
	int status;
};

/* The report that starts on the first line read; when a kmsg record
 * opens two there, the last (the index's one started there). */
static int keep_report(void *ctx, const ms_oom_report *r)
{
	struct rereader *rr = ctx;

	if (r->first_line != 1)
		return 0;
	if (rr->found)
		ms_oom_report_free(rr->out);
	int rc = ms_oom_report_copy(rr->out, r);
	rr->found = rc == 0;
	return rc;
}

static int reread_line(void *ctx, const char *line, size_t len, off_t at)
{
	struct rereader *rr = ctx;

	(void)at;
	int rc = ms_oom_parser_line(&rr->ps, line, len);
	if (rc < 0)
		return rc;
	return rr->ps.lineno >= rr->lines ? 1 : 0;
}

static int read_report(const struct kernlog *l, size_t i, ms_oom_report *out, ms_error *err)
{
	const struct report_at *at = &l->at[i];
	struct rereader *rr = calloc(1, sizeof *rr);
	int fd = open(l->path, O_RDONLY | O_CLOEXEC);

	if (!rr || fd < 0) {
		int e = rr ? errno : ENOMEM;
		free(rr);
		if (fd >= 0)
			close(fd);
		return ms_path_error(e, l->path, err);
	}
	rr->lines = at->last_line - at->first_line + 2;
	rr->out = out;
	ms_oom_parser_init(&rr->ps, keep_report, rr, err);
	int rc = each_line(fd, at->offset, reread_line, rr);
	if (rc == 0)
		rc = ms_oom_parser_finish(&rr->ps);
	ms_oom_parser_free(&rr->ps);
	close(fd);
	if (rc == 0 && !rr->found)
		rc = ms_error_set(err, EIO, 0, "%s: report %zu is no longer where it was (the log "
					       "changed since it was opened)", l->path, i + 1);
	else if (rc < 0 && (!err || !err->code))
		ms_error_set(err, -rc, 0, "%s: %s", l->path, strerror(-rc));
	if (rc == 0) {
		out->end = at->end;
		out->truncated = at->truncated;
	}
	free(rr);
	return rc;
}

/* ---- the report as files ------------------------------------------------------ */

#define MAX_FILES_PER_TASK 2

struct files {
	ms_memfile *f;
	ms_buf *bufs;
	size_t n, cap;
	char **paths;
};

static ms_buf *new_file(struct files *fs, const char *path)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 32;
		ms_memfile *f = realloc(fs->f, cap * sizeof *f);
		if (f)
			fs->f = f;
		ms_buf *b = f ? realloc(fs->bufs, cap * sizeof *b) : NULL;
		if (b)
			fs->bufs = b;
		char **p = b ? realloc(fs->paths, cap * sizeof *p) : NULL;
		if (!p)
			return NULL;
		fs->paths = p;
		fs->cap = cap;
	}
	if (!(fs->paths[fs->n] = strdup(path)))
		return NULL;
	fs->bufs[fs->n] = (ms_buf)MS_BUF_INIT;
	return &fs->bufs[fs->n++];
}

static void files_free(struct files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		ms_buf_free(&fs->bufs[i]);
		free(fs->paths[i]);
	}
	free(fs->f);
	free(fs->bufs);
	free(fs->paths);
}

/* The page size in kB: what the free lists' order-0 blocks say, else 4. */
static int64_t page_kb_of(const ms_oom_report *r)
{
	for (size_t i = 0; i < r->nbuddy; i++)
		if (r->buddy[i].page_kb > 0)
			return r->buddy[i].page_kb;
	return 4;
}

static void kb_line(ms_buf *b, const char *key, int64_t kb)
{
	if (kb != MS_NA)
		ms_buf_printf(b, "%-16s%10" PRId64 " kB\n", key, kb);
}

static int64_t pages_kb(const ms_kvlist *l, const char *key, int64_t pkb)
{
	int64_t v = ms_kvlist_get(l, key);

	return v == MS_NA ? MS_NA : v * pkb;
}

static int64_t sum2(int64_t a, int64_t b)
{
	return a == MS_NA || b == MS_NA ? MS_NA : a + b;
}

/* MemTotal is totalram_pages: the sum of every zone's managed pages, when
 * each zone line printed managed. */
static int64_t managed_total_kb(const ms_oom_report *r)
{
	int64_t kb = 0;

	if (!r->nzones)
		return MS_NA;
	for (size_t i = 0; i < r->nzones; i++) {
		if (r->zones[i].managed_kb == MS_NA)
			return MS_NA;
		kb += r->zones[i].managed_kb;
	}
	return kb;
}

/* Node lines' kernel_stack (4.8+), summed: NR_KERNEL_STACK_KB. */
static int64_t kernel_stack_kb(const ms_oom_report *r)
{
	int64_t kb = 0;

	if (!r->nnodes)
		return MS_NA;
	for (size_t i = 0; i < r->nnodes; i++) {
		int64_t v = ms_kvlist_get(&r->nodes[i].stats, "kernel_stack");
		if (v == MS_NA)
			return MS_NA;
		kb += v;
	}
	return kb;
}

static void write_meminfo(ms_buf *b, const ms_oom_report *r, int64_t pkb)
{
	const ms_kvlist *m = &r->meminfo;
	int64_t aa = pages_kb(m, "active_anon", pkb), ia = pages_kb(m, "inactive_anon", pkb);
	int64_t af = pages_kb(m, "active_file", pkb), inf = pages_kb(m, "inactive_file", pkb);
	int64_t sr = pages_kb(m, "slab_reclaimable", pkb), su = pages_kb(m, "slab_unreclaimable", pkb);
	int64_t swap_cache = ms_kvlist_get(&r->summary, "pages_in_swap_cache");

	kb_line(b, "MemTotal:", managed_total_kb(r));
	kb_line(b, "MemFree:", pages_kb(m, "free", pkb));
	kb_line(b, "SwapCached:", swap_cache == MS_NA ? MS_NA : swap_cache * pkb);
	kb_line(b, "Active:", sum2(aa, af));
	kb_line(b, "Inactive:", sum2(ia, inf));
	kb_line(b, "Active(anon):", aa);
	kb_line(b, "Inactive(anon):", ia);
	kb_line(b, "Active(file):", af);
	kb_line(b, "Inactive(file):", inf);
	kb_line(b, "Unevictable:", pages_kb(m, "unevictable", pkb));
	kb_line(b, "SwapTotal:", ms_kvlist_get(&r->summary, "Total_swap"));
	kb_line(b, "SwapFree:", ms_kvlist_get(&r->summary, "Free_swap"));
	kb_line(b, "Dirty:", pages_kb(m, "dirty", pkb));
	kb_line(b, "Writeback:", pages_kb(m, "writeback", pkb));
	kb_line(b, "Mapped:", pages_kb(m, "mapped", pkb));
	kb_line(b, "Shmem:", pages_kb(m, "shmem", pkb));
	kb_line(b, "Slab:", sum2(sr, su));
	kb_line(b, "SReclaimable:", sr);
	kb_line(b, "SUnreclaim:", su);
	kb_line(b, "KernelStack:", kernel_stack_kb(r));
	kb_line(b, "PageTables:", pages_kb(m, "pagetables", pkb));
	kb_line(b, "Bounce:", pages_kb(m, "bounce", pkb));
	kb_line(b, "CmaFree:", pages_kb(m, "free_cma", pkb));
}

static int64_t to_pages(int64_t kb, int64_t pkb)
{
	return kb == MS_NA ? MS_NA : kb / pkb;
}

static void page_line(ms_buf *b, const char *key, int64_t pages)
{
	if (pages != MS_NA)
		ms_buf_printf(b, "        %-8s %" PRId64 "\n", key, pages);
}

static void write_zoneinfo(ms_buf *b, const ms_oom_report *r, int64_t pkb)
{
	for (size_t i = 0; i < r->nzones; i++) {
		const ms_oom_zone *z = &r->zones[i];
		ms_buf_printf(b, "Node %d, zone %8s\n", z->node, z->zone);
		if (z->free_kb != MS_NA)
			ms_buf_printf(b, "  pages free     %" PRId64 "\n", z->free_kb / pkb);
		page_line(b, "min", to_pages(z->min_kb, pkb));
		page_line(b, "low", to_pages(z->low_kb, pkb));
		page_line(b, "high", to_pages(z->high_kb, pkb));
		page_line(b, "present", to_pages(z->present_kb, pkb));
		page_line(b, "managed", to_pages(z->managed_kb, pkb));
		if (z->nreserve > 0) {
			ms_buf_puts(b, "        protection: (");
			for (int k = 0; k < z->nreserve; k++)
				ms_buf_printf(b, "%s%" PRId64, k ? ", " : "", z->lowmem_reserve[k]);
			ms_buf_puts(b, ")\n");
		}
	}
}

static void write_buddyinfo(ms_buf *b, const ms_oom_report *r)
{
	for (size_t i = 0; i < r->nbuddy; i++) {
		const ms_oom_buddy *z = &r->buddy[i];
		if (z->empty || z->norders == 0)
			continue;
		ms_buf_printf(b, "Node %d, zone %8s", z->node, z->zone);
		for (int o = 0; o < z->norders; o++)
			ms_buf_printf(b, " %6" PRId64, z->free[o]);
		ms_buf_puts(b, "\n");
	}
}

/* The report's "Unreclaimable slab info:" section as it printed it (the
 * slabinfo parser reads this form: kB only, no object counts). */
static void write_slabs(ms_buf *b, const ms_oom_report *r)
{
	ms_buf_puts(b, "Unreclaimable slab info:\nName                      Used          Total\n");
	for (size_t i = 0; i < r->nslabs; i++) {
		const ms_oom_slab *c = &r->slabs[i];
		for (const char *p = c->name; *p; p++)
			ms_buf_putc(b, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
		ms_buf_printf(b, " %10" PRId64 "KB %10" PRId64 "KB\n", c->used_kb, c->total_kb);
	}
}

static int64_t col(const ms_oom_task *t, enum ms_oom_col c)
{
	return t->col[c];
}

static int64_t col_kb(const ms_oom_task *t, enum ms_oom_col c, int64_t pkb)
{
	return t->col[c] == MS_NA ? MS_NA : t->col[c] * pkb;
}

/* RSS as printed, or the sum of its printed parts (5.x+ prints them only). */
static int64_t task_rss_kb(const ms_oom_task *t, int64_t pkb)
{
	int64_t a = col(t, MS_OOM_COL_RSS_ANON), f = col(t, MS_OOM_COL_RSS_FILE);
	int64_t s = col(t, MS_OOM_COL_RSS_SHMEM);

	if (col(t, MS_OOM_COL_RSS) != MS_NA)
		return col(t, MS_OOM_COL_RSS) * pkb;
	if (a == MS_NA || f == MS_NA || s == MS_NA)
		return MS_NA;
	return (a + f + s) * pkb;
}

/* A name from the log goes into a "Name:" line: no line breaks, tabs or
 * control bytes in it (the views escape the rest when they show it). */
static void put_name(ms_buf *b, const char *name)
{
	for (const char *s = name; *s; s++)
		ms_buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static int write_task(struct files *fs, const ms_oom_task *t, int64_t pkb)
{
	char path[48];
	int64_t uid = col(t, MS_OOM_COL_UID), tgid = col(t, MS_OOM_COL_TGID);
	int64_t ptb = col(t, MS_OOM_COL_PGTABLES_BYTES);

	snprintf(path, sizeof path, "%" PRId64 "/status", t->pid);
	ms_buf *b = new_file(fs, path);
	if (!b)
		return -ENOMEM;
	ms_buf_puts(b, "Name:\t");
	put_name(b, t->name);
	ms_buf_printf(b, "\nTgid:\t%" PRId64 "\nPid:\t%" PRId64 "\n", tgid == MS_NA ? t->pid : tgid,
		      t->pid);
	if (uid != MS_NA)
		ms_buf_printf(b, "Uid:\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\n", uid,
			      uid, uid, uid);
	kb_line(b, "VmSize:", col_kb(t, MS_OOM_COL_TOTAL_VM, pkb));
	kb_line(b, "VmRSS:", task_rss_kb(t, pkb));
	kb_line(b, "RssAnon:", col_kb(t, MS_OOM_COL_RSS_ANON, pkb));
	kb_line(b, "RssFile:", col_kb(t, MS_OOM_COL_RSS_FILE, pkb));
	kb_line(b, "RssShmem:", col_kb(t, MS_OOM_COL_RSS_SHMEM, pkb));
	kb_line(b, "VmPTE:", ptb == MS_NA ? MS_NA : ptb / 1024);
	kb_line(b, "VmSwap:", col_kb(t, MS_OOM_COL_SWAPENTS, pkb));
	if (col(t, MS_OOM_COL_OOM_SCORE_ADJ) != MS_NA) {
		snprintf(path, sizeof path, "%" PRId64 "/oom_score_adj", t->pid);
		if (!(b = new_file(fs, path)))
			return -ENOMEM;
		ms_buf_printf(b, "%" PRId64 "\n", col(t, MS_OOM_COL_OOM_SCORE_ADJ));
	}
	return 0;
}

static int write_files(struct files *fs, const ms_oom_report *r)
{
	int64_t pkb = page_kb_of(r);
	ms_buf *b;

	if (!(b = new_file(fs, "memscope-snapshot")))
		return -ENOMEM;
	ms_buf_printf(b, "format: memscope/2\npage_size: %" PRId64 "\n", pkb * 1024);
	if (r->trigger.kernel[0])
		ms_buf_printf(b, "kernel: %s\n", r->trigger.kernel);
	ms_buf_puts(b, "tool: memscope (an OOM-killer report of a kernel log)\n");
	if (r->meminfo_printed || r->nzones) {
		if (!(b = new_file(fs, "meminfo")))
			return -ENOMEM;
		write_meminfo(b, r, pkb);
	}
	if (r->nzones) {
		if (!(b = new_file(fs, "zoneinfo")))
			return -ENOMEM;
		write_zoneinfo(b, r, pkb);
	}
	if (r->nbuddy) {
		if (!(b = new_file(fs, "buddyinfo")))
			return -ENOMEM;
		write_buddyinfo(b, r);
	}
	if (r->nslabs) {
		if (!(b = new_file(fs, "slabinfo")))
			return -ENOMEM;
		write_slabs(b, r);
	}
	for (size_t i = 0; i < r->ntasks; i++)
		if (r->tasks[i].pid > 0 && write_task(fs, &r->tasks[i], pkb) < 0)
			return -ENOMEM;
	return 0;
}

/* "OOM report 2 of 3, [6.602113], victim 108 oom-victim" */
static void label(char *out, size_t cap, const ms_oom_report *r, size_t i, size_t n)
{
	const ms_oom_kill *v = ms_oom_report_victim(r);
	char when[48] = "time not printed";
	int k;

	if (r->wall_time[0])
		snprintf(when, sizeof when, "%s", r->wall_time);
	else if (r->time_us != MS_NA)
		snprintf(when, sizeof when, "[%" PRId64 ".%06" PRId64 "]", r->time_us / 1000000,
			 r->time_us % 1000000);
	k = snprintf(out, cap, "OOM report %zu of %zu, %s, ", i + 1, n, when);
	if (k < 0 || (size_t)k >= cap)
		return;
	if (v)
		snprintf(out + k, cap - (size_t)k, "victim %" PRId64 " %s", v->pid, v->name);
	else
		snprintf(out + k, cap - (size_t)k, "no victim (the report is cut short)");
}

/* ---- selecting ------------------------------------------------------------------- */

static int make_sample(ms_source *src, struct kernlog *l, size_t i, ms_error *err)
{
	ms_oom_report r;
	struct files fs = { 0 };
	char name[600];

	ms_oom_report_init(&r);
	int rc = read_report(l, i, &r, err);
	if (rc == 0 && write_files(&fs, &r) < 0)
		rc = ms_error_set(err, ENOMEM, 0, "out of memory");
	ms_source *sample = NULL;
	if (rc == 0) {
		for (size_t k = 0; k < fs.n; k++)
			fs.f[k] = (ms_memfile){ fs.paths[k], fs.bufs[k].data ? fs.bufs[k].data : "",
						fs.bufs[k].len, 0 };
		snprintf(name, sizeof name, "%s@%zu", l->path, i);
		sample = ms_source_open_files(fs.f, fs.n, MS_CAP_PARALLEL, name, err);
		rc = sample ? 0 : -(err && err->code ? err->code : ENOMEM);
	}
	files_free(&fs);
	if (rc == 0) {
		ms_source_close(l->cur);
		l->cur = sample;
		l->selected = i;
		ms_source_info *info = ms_source_info_of(src);
		ms_source_info keep = *info;
		*info = sample->info;
		info->caps = keep.caps;
		memcpy(info->path, keep.path, sizeof info->path);
		memcpy(info->container, keep.container, sizeof info->container);
		info->page_size_origin = "OOM report free lists";
		label(info->sample_label, sizeof info->sample_label, &r, i, l->n);
		snprintf(info->lacks, sizeof info->lacks, "PSS unknown: an OOM report lists RSS only");
		for (size_t k = 0; k < MS_ARRAY_LEN(src->where); k++)
			ms_source_set_where(src, (enum ms_root)k, sample->where[k]);
	}
	ms_oom_report_free(&r);
	return rc;
}

static int log_select(ms_source *src, size_t index, ms_error *err)
{
	struct kernlog *l = log_of(src);

	if (index >= l->n)
		return ms_error_set(err, ERANGE, 0, "%s: holds %zu OOM report%s, not %zu", l->path,
				    l->n, l->n == 1 ? "" : "s", index + 1);
	return make_sample(src, l, index, err);
}

static size_t log_sample_count(const ms_source *src)
{
	return log_of(src)->n;
}

static int64_t log_captured_ns(const ms_source *src, size_t index)
{
	(void)src;
	(void)index;
	return MS_NA; /* a kernel log's times are since boot, rarely wall-clock */
}

static size_t log_selected(const ms_source *src)
{
	return log_of(src)->selected;
}

/* ---- reading: the selected report's files ------------------------------------- */

/* Files the views ask for that no OOM report holds: said, not "not in
 * snapshot". Slab info is printed by 4.15+ only, and only when
 * unreclaimable slab outgrows user memory: most reports lack it. */
static int not_in_report(const char *relpath, int rc, ms_error *err)
{
	const char *slash = strchr(relpath, '/');

	if (rc != -ENOENT || strncmp(relpath, "memscope-", 9) == 0)
		return rc;
	if (slash && relpath[0] >= '0' && relpath[0] <= '9') {
		const char *file = slash + 1;
		if (strcmp(file, "smaps_rollup") == 0 || strcmp(file, "smaps") == 0)
			return ms_error_set(err, EACCES, 0, "%s: PSS unknown: an OOM report lists "
							    "RSS only", relpath);
		return rc; /* status, stat, cmdline...: the process is not in the table */
	}
	if (strcmp(relpath, "slabinfo") == 0)
		return ms_error_set(err, EACCES, 0, "%s: this OOM report has no "
						    "\"Unreclaimable slab info\"", relpath);
	return ms_error_set(err, EACCES, 0, "%s: not in an OOM report", relpath);
}

static int log_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	int rc = ms_source_read(log_of(src)->cur, relpath, out, err);

	return rc < 0 ? not_in_report(relpath, rc, err) : rc;
}

static int log_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err)
{
	int rc = ms_source_stream(log_of(src)->cur, relpath, fn, ctx, err);

	return rc < 0 ? not_in_report(relpath, rc, err) : rc;
}

static int log_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	int rc = ms_source_list_pids(log_of(src)->cur, pids, n, err);

	/* No task table: said, not "not in snapshot". */
	if (rc == 0 && *n == 0)
		return ms_error_set(err, EACCES, 0, "not in this OOM report (it "
						    "printed no task table)");
	return rc;
}

static int log_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	return ms_source_list_dir(log_of(src)->cur, reldir, out, err);
}

static void log_close(ms_source *src)
{
	struct kernlog *l = log_of(src);

	ms_source_close(l->cur);
	free(l->at);
	free(l->path);
	free(l);
}

static const ms_source_ops kernlog_ops = {
	.read = log_read,
	.stream = log_stream,
	.list_pids = log_list_pids,
	.list_dir = log_list_dir,
	.sample_count = log_sample_count,
	.select = log_select,
	.sample_captured_ns = log_captured_ns,
	.selected = log_selected,
	.close = log_close,
};

/* ---- opening ---------------------------------------------------------------------- */

/* Archives (tar, cpio, compressed) and recordings start with bytes a
 * text log does not: a compressor's or cpio's magic, tar's "ustar", a
 * recording's header, and the NULs that pad tar headers. A kernel log
 * may hold a few stray NULs (pstore's console-ramoops after a reset, a
 * console's line noise): text is mostly printable bytes. */
static bool archive_magic(const unsigned char *h, size_t n)
{
	static const struct {
		size_t at, len;
		const char *bytes;
	} magic[] = {
		{ 0, 2, "\x1f\x8b" },		  /* gzip */
		{ 0, 5, "\xfd" "7zXZ" },	  /* xz */
		{ 0, 4, "\x28\xb5\x2f\xfd" }, /* zstd */
		{ 0, 3, "BZh" },		  /* bzip2 */
		{ 0, 4, "0707" },		  /* cpio, ASCII */
		{ 0, 2, "\xc7\x71" },		  /* cpio, binary */
		{ 0, 2, "\x71\xc7" },
		{ 257, 5, "ustar" },		  /* tar */
		{ 0, 16, "memscope-sample " },	  /* a recording */
	};

	for (size_t i = 0; i < MS_ARRAY_LEN(magic); i++)
		if (n >= magic[i].at + magic[i].len &&
		    memcmp(h + magic[i].at, magic[i].bytes, magic[i].len) == 0)
			return true;
	return false;
}

bool ms_path_is_text_log(const char *path)
{
	unsigned char head[4096];
	size_t text = 0, nul = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	ssize_t n = pread(fd, head, sizeof head, 0);
	close(fd);
	if (n <= 0 || archive_magic(head, (size_t)n))
		return false;
	for (ssize_t i = 0; i < n; i++) {
		nul += head[i] == 0;
		text += head[i] >= 0x20 || head[i] == '\n' || head[i] == '\t' || head[i] == '\r';
	}
	/* A v7 tar (no magic) is mostly NULs; a log, mostly text. */
	return nul * 100 <= (size_t)n && text * 10 >= (size_t)n * 9;
}

ms_source *ms_source_open_kernlog(const char *path, ms_error *err)
{
	struct kernlog *l = calloc(1, sizeof *l);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (!l || fd < 0 || !(l->path = strdup(path))) {
		int e = fd < 0 ? errno : ENOMEM;
		if (fd >= 0)
			close(fd);
		free(l);
		ms_path_error(e, path, err);
		return NULL;
	}
	int rc = index_log(l, fd, err);
	close(fd);
	if (rc == 0 && l->n == 0)
		rc = ms_error_set(err, EINVAL, 0, "%s: no OOM-killer report in this log (read as a "
						  "kernel log: it is text, not a snapshot archive)", path);
	ms_source *src = rc == 0 ? ms_source_new(&kernlog_ops, MS_CAP_SAMPLES | MS_CAP_PARALLEL, path, l) : NULL;
	if (!src) {
		if (rc == 0)
			ms_error_set(err, ENOMEM, 0, "out of memory");
		free(l->at);
		free(l->path);
		free(l);
		return NULL;
	}
	snprintf(ms_source_info_of(src)->container, sizeof src->info.container, "log");
	/* The first report: where the story starts. */
	if (make_sample(src, l, 0, err) < 0) {
		ms_source_close(src);
		return NULL;
	}
	return src;
}
