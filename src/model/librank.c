/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * librank: the memory of every mapping name (a library, [heap], a SysV
 * segment) over every process, with the processes that map it. smaps is
 * read one process at a time as a stream (ms_vmas_load_each, MS_VMA_USED),
 * so nothing is kept per mapping: a row per name, and in it one share per
 * process that maps the name. A process's shares are added to the sums
 * only once its smaps was read whole and it is known to be alive still
 * (the kernel ends a dying process's smaps early without an error), else
 * they are taken out again and the process is counted as gone.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/table.h"

static void share_init(ms_librank_share *s, int pid)
{
	*s = (ms_librank_share){ pid, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA, MS_NA };
}

void ms_librank_init(ms_librank *lr, const ms_librank_filter *f)
{
	memset(lr, 0, sizeof *lr);
	if (f)
		lr->filter = *f;
	share_init(&lr->totals, 0);
}

void ms_librank_free(ms_librank *lr)
{
	for (size_t i = 0; i < lr->n; i++)
		free(lr->rows[i].procs);
	free(lr->rows);
	free(lr->slots);
	free(lr->touched);
	ms_buf_free(&lr->names);
	memset(lr, 0, sizeof *lr);
}

const char *ms_librank_name_of(const ms_librank *lr, size_t row)
{
	return lr->names.data + lr->rows[row].name_off;
}

/* ---- the names: a table of rows, found by an open-addressing hash ---- */

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static size_t *slot_of(const ms_librank *lr, const char *name, size_t *empty)
{
	size_t mask = lr->nslots - 1;

	for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
		uint32_t s = lr->slots[i];
		if (s == 0) {
			*empty = i;
			return NULL;
		}
		if (strcmp(ms_librank_name_of(lr, s - 1), name) == 0) {
			*empty = i;
			return empty;
		}
	}
}

/* Every row's name into the slots, afresh. */
static void reindex(ms_librank *lr)
{
	size_t at;

	memset(lr->slots, 0, lr->nslots * sizeof *lr->slots);
	for (size_t r = 0; r < lr->n; r++) {
		slot_of(lr, ms_librank_name_of(lr, r), &at);
		lr->slots[at] = (uint32_t)(r + 1);
	}
}

/* Twice the size past 1/2 full. */
static int grow_slots(ms_librank *lr)
{
	size_t nslots = lr->nslots ? lr->nslots * 2 : 256;
	uint32_t *slots = calloc(nslots, sizeof *slots);

	if (!slots)
		return -ENOMEM;
	free(lr->slots);
	lr->slots = slots;
	lr->nslots = nslots;
	reindex(lr);
	return 0;
}

static int new_row(ms_librank *lr, const char *name, size_t at, size_t *row)
{
	if (lr->n == lr->cap) {
		size_t cap = lr->cap ? lr->cap * 2 : 64;
		ms_librank_name *p = realloc(lr->rows, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		lr->rows = p;
		lr->cap = cap;
	}
	if (lr->names.len > UINT32_MAX || lr->n >= UINT32_MAX - 1)
		return -ENOMEM;
	ms_librank_name *r = &lr->rows[lr->n];
	*r = (ms_librank_name){ .name_off = (uint32_t)lr->names.len };
	share_init(&r->total, 0);
	if (ms_buf_append(&lr->names, name, strlen(name) + 1) != 0)
		return -ENOMEM;
	lr->slots[at] = (uint32_t)(lr->n + 1);
	*row = lr->n++;
	return 0;
}

static int find_row(ms_librank *lr, const char *name, size_t *row)
{
	size_t at;

	if ((lr->n + 1) * 2 > lr->nslots && grow_slots(lr) != 0)
		return -ENOMEM;
	if (slot_of(lr, name, &at)) {
		*row = lr->slots[at] - 1;
		return 0;
	}
	return new_row(lr, name, at, row);
}

/* ---- one process: shares made, then committed or taken back ---------- */

void ms_librank_begin(ms_librank *lr, int pid)
{
	lr->cur_pid = pid;
	lr->ntouched = 0;
	lr->begin_n = lr->n;
	lr->begin_names = lr->names.len;
}

/* The current process's share of a row, made on first use. */
static ms_librank_share *share_of(ms_librank *lr, size_t row)
{
	ms_librank_name *r = &lr->rows[row];

	if (r->nprocs > 0 && r->procs[r->nprocs - 1].pid == lr->cur_pid)
		return &r->procs[r->nprocs - 1];
	if (lr->ntouched == lr->touched_cap) {
		size_t cap = lr->touched_cap ? lr->touched_cap * 2 : 64;
		size_t *t = realloc(lr->touched, cap * sizeof *t);
		if (!t)
			return NULL;
		lr->touched = t;
		lr->touched_cap = cap;
	}
	if (r->nprocs == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		ms_librank_share *p = realloc(r->procs, cap * sizeof *p);
		if (!p)
			return NULL;
		r->procs = p;
		r->cap = cap;
	}
	lr->touched[lr->ntouched++] = row;
	share_init(&r->procs[r->nprocs], lr->cur_pid);
	return &r->procs[r->nprocs++];
}

static void share_add(ms_librank_share *s, const ms_librank_share *v, bool *sat)
{
	ms_sum_kb(&s->vss_kb, v->vss_kb, sat);
	ms_sum_kb(&s->rss_kb, v->rss_kb, sat);
	ms_sum_kb(&s->pss_kb, v->pss_kb, sat);
	ms_sum_kb(&s->uss_kb, v->uss_kb, sat);
	ms_sum_kb(&s->swap_kb, v->swap_kb, sat);
	ms_sum_kb(&s->swap_pss_kb, v->swap_pss_kb, sat);
}

static bool passes(const ms_librank_filter *f, const ms_vma *v, const char *name)
{
	if (f->perms && strncmp(v->perms, f->perms, strlen(f->perms)) != 0)
		return false;
	return !f->path_prefix || strncmp(name, f->path_prefix, strlen(f->path_prefix)) == 0;
}

int ms_librank_add(ms_librank *lr, const ms_vma *v, const char *path)
{
	char buf[512];
	const char *name = lr->filter.name_of
				   ? lr->filter.name_of(lr->filter.name_ctx, v, path, buf, sizeof buf)
				   : ms_vma_group_name(path);
	ms_librank_share fig;
	size_t row;

	if (!name || !passes(&lr->filter, v, name))
		return 0;
	if (find_row(lr, name, &row) != 0)
		return -ENOMEM;
	ms_librank_share *s = share_of(lr, row);
	if (!s)
		return -ENOMEM;
	fig = (ms_librank_share){ lr->cur_pid, ms_vma_vss_kb(v), v->mem.rss, v->mem.pss,
				  ms_memcounters_uss(&v->mem), v->mem.swap, v->mem.swap_pss };
	share_add(s, &fig, &lr->saturated);
	return 0;
}

void ms_librank_commit(ms_librank *lr)
{
	for (size_t i = 0; i < lr->ntouched; i++) {
		ms_librank_name *r = &lr->rows[lr->touched[i]];
		share_add(&r->total, &r->procs[r->nprocs - 1], &lr->saturated);
		share_add(&lr->totals, &r->procs[r->nprocs - 1], &lr->saturated);
	}
	lr->ntouched = 0;
}

void ms_librank_abort(ms_librank *lr)
{
	for (size_t i = 0; i < lr->ntouched; i++)
		lr->rows[lr->touched[i]].nprocs--;
	lr->ntouched = 0;
	if (lr->n == lr->begin_n)
		return;
	/* Names only this process had go, with their slots. */
	for (size_t r = lr->begin_n; r < lr->n; r++)
		free(lr->rows[r].procs);
	lr->n = lr->begin_n;
	lr->names.len = lr->begin_names;
	if (lr->names.data)
		lr->names.data[lr->names.len] = '\0';
	reindex(lr);
}

/* ---- processes through a source -------------------------------------- */

struct feed {
	ms_librank *lr;
	size_t nvmas;
};

static int feed_vma(void *ctx, const ms_vmalist *l, size_t i)
{
	struct feed *f = ctx;
	int rc = ms_librank_add(f->lr, &l->v[i], ms_vma_path(l, i));

	f->nvmas++;
	return rc < 0 ? rc : MS_VMA_USED;
}

/* A zombie has no mappings left to count: it is gone for librank. Asked
 * only of a process that gave no mapping: ms_vmas_load_each_in_turn has
 * already failed (ESRCH) a read of mappings its process did not outlive,
 * and one more status read per process costs the kernel as much as a
 * tenth of an smaps. */
static bool still_alive(ms_source *src, int pid)
{
	return !ms_proc_exited(src, pid);
}

static void count_failure(ms_librank *lr, ms_source *src, int rc, const ms_error *err)
{
	ms_librank_outcome *o = &lr->outcome;

	if (rc == -ENOENT || rc == -ESRCH)
		ms_source_can(src, MS_CAP_VOLATILE) ? o->gone++ : o->no_smaps++;
	else if (rc == -EACCES || rc == -EPERM)
		o->denied++;
	else if (o->failed++ == 0)
		o->first_error = *err;
}

int ms_librank_add_process(ms_librank *lr, ms_source *src, int pid)
{
	struct feed f = { lr, 0 };
	ms_vmalist l;
	ms_error err;
	int rc;

	lr->outcome.listed++;
	ms_librank_begin(lr, pid);
	rc = ms_vmas_load_each_in_turn(src, pid, &l, feed_vma, &f, &err);
	bool from_smaps = l.from_smaps;
	ms_vmalist_free(&l);
	if (rc < 0 || (f.nvmas == 0 && !still_alive(src, pid)) || (f.nvmas > 0 && !from_smaps)) {
		ms_librank_abort(lr);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0)
			count_failure(lr, src, rc, &err);
		else if (f.nvmas > 0 && !from_smaps)
			lr->outcome.no_smaps++;
		else
			lr->outcome.gone++;
		return 0;
	}
	ms_librank_commit(lr);
	f.nvmas ? lr->outcome.read++ : lr->outcome.empty++;
	return 0;
}

int ms_librank_run(ms_librank *lr, ms_source *src, const int *pids, size_t npids,
		   ms_error *err)
{
	int *all = NULL;
	int rc = 0;

	if (!pids) {
		rc = ms_source_list_pids(src, &all, &npids, err);
		if (rc < 0)
			return rc;
		pids = all;
	}
	for (size_t i = 0; rc == 0 && i < npids; i++)
		rc = ms_librank_add_process(lr, src, pids[i]);
	free(all);
	if (rc < 0)
		ms_error_set(err, -rc, 0, "out of memory");
	return rc;
}

/* ---- the table of names (the libs view and the explorer's libs pane) ---- */

static const char *lib_name(const void *row, const void *ctx)
{
	const ms_librank *lr = ctx;
	return lr->names.data + ((const ms_librank_name *)row)->name_off;
}

static int64_t lib_nprocs(const void *row, const void *ctx)
{
	(void)ctx;
	return (int64_t)((const ms_librank_name *)row)->nprocs;
}

#define LIB_KB(field, title_, help_, rank)                                                  \
	{ .key = #field, .title = title_, .width = 7, .kind = MS_COL_KB,                     \
	  .offset = offsetof(ms_librank_name, total) + offsetof(ms_librank_share, field),   \
	  .descending = true, .drop_rank = rank, .help = help_ }

static const ms_column lib_cols[] = {
	LIB_KB(vss_kb, "VSS", "address space of the mappings of this name, all processes", 4),
	LIB_KB(rss_kb, "RSS", "resident, shared pages counted once per process", 2),
	LIB_KB(pss_kb, "PSS", "proportional: the sum of each process's PSS of it", 0),
	LIB_KB(uss_kb, "USS", "pages only one process maps (Private_Clean + Private_Dirty)", 0),
	LIB_KB(swap_kb, "SWAP", "swapped out, shared pages counted in full", 1),
	LIB_KB(swap_pss_kb, "SWAPPSS", "swapped out, shared pages divided among sharers", 5),
	{ .key = "nprocs", .title = "PROCS", .width = 5, .kind = MS_COL_INT,
	  .get_i64 = lib_nprocs, .descending = true, .no_total = true,
	  .help = "processes that map it" },
	{ .key = "name", .title = "NAME", .width = 4, .kind = MS_COL_STR, .left = true,
	  .get_str = lib_name, .no_total = true, .text_last = true, .keep_end = true,
	  .help = "the mapping: a path, [heap], [stack], [anon:NAME], /memfd:NAME, /SYSV..." },
};

const ms_table_def ms_librank_table = {
	.name = "libs",
	.cols = lib_cols,
	.ncols = MS_ARRAY_LEN(lib_cols),
	.default_sort = "pss_kb",
	.tie_break = "name",
};
