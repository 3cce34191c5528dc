/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a zram device's mm_stat means (Documentation/admin-guide/blockdev/
 * zram.rst): orig_data_size is what was stored, compr_data_size what the
 * compressor made of it, mem_used_total what the allocator (zsmalloc)
 * holds for it, fragmentation and metadata included. The compressor's
 * ratio is orig / compr; what zram saves in RAM is orig - mem_used.
 * Pages that are all one value (same_pages) take no memory at all, so
 * they count in orig but not in compr.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"

static double ratio(int64_t num, int64_t den)
{
	if (num == MS_NA || den == MS_NA || den <= 0 || num < 0)
		return NAN;
	return (double)num / (double)den;
}

void ms_zram_figures_of(const ms_zram_mm_stat *m, int64_t disksize, ms_zram_figures *out)
{
	out->disksize = disksize;
	out->orig = m ? m->orig_data_size : MS_NA;
	out->compr = m ? m->compr_data_size : MS_NA;
	out->mem_used = m ? m->mem_used_total : MS_NA;
	out->compr_ratio = ratio(out->orig, out->compr);
	out->mem_ratio = ratio(out->orig, out->mem_used);
	out->saved = out->orig == MS_NA || out->mem_used == MS_NA ? MS_NA
								    : out->orig - out->mem_used;
}

/* ---- the devices of a source ------------------------------------------- */

static int read_file(ms_source *src, const char *dev, const char *file, ms_buf *b,
		     ms_error *err)
{
	char rel[96];

	snprintf(rel, sizeof rel, "sys/block/%s/%s", dev, file);
	return ms_source_read(src, rel, b, err);
}

/* One number of a file of the device: MS_NA, and rc, when it cannot be had. */
static int64_t read_number(ms_source *src, const char *dev, const char *file, ms_buf *b,
			   int *rc, ms_error *err)
{
	int64_t v;

	*rc = read_file(src, dev, file, b, err);
	if (*rc == 0)
		*rc = ms_parse_single_number(b->data ? b->data : "", b->len, &v, err);
	if (*rc == 0 && v < 0)
		*rc = ms_error_set(err, EINVAL, 1, "%s: negative", file);
	return *rc ? MS_NA : v;
}

/* A kernel before 4.1: the figures mm_stat gathers are files of their
 * own. mem_used_total decides: without it there is no cost to show, and
 * mm_stat's ENOENT stands. */
static void load_legacy(ms_source *src, ms_zram_dev *d, ms_buf *b)
{
	ms_error e;
	int rc;
	int64_t used = read_number(src, d->name, "mem_used_total", b, &rc, &e);

	if (rc == -ENOENT)
		return;
	d->mm_status = rc;
	d->mm_err = e;
	d->mm_legacy = true;
	if (rc)
		return;
	d->mm = (ms_zram_mm_stat){ .orig_data_size = read_number(src, d->name, "orig_data_size", b,
								 &rc, &e),
				   .compr_data_size = read_number(src, d->name, "compr_data_size",
								  b, &rc, &e),
				   .mem_used_total = used,
				   .mem_limit = MS_NA, .mem_used_max = MS_NA, .same_pages = MS_NA,
				   .pages_compacted = MS_NA, .huge_pages = MS_NA,
				   .huge_pages_since = MS_NA };
}

static void load_device(ms_source *src, ms_zram_dev *d, ms_buf *b)
{
	ms_error e;
	int rc;

	d->disksize = MS_NA;
	memset(&d->mm, 0, sizeof d->mm);
	rc = read_file(src, d->name, "mm_stat", b, &d->mm_err);
	d->mm_status = rc ? rc : ms_parse_zram_mm_stat(b->data ? b->data : "", b->len, &d->mm,
						       &d->mm_err);
	if (d->mm_status == -ENOENT)
		load_legacy(src, d, b);
	rc = read_file(src, d->name, "disksize", b, &e);
	d->disksize_status = rc ? rc : ms_parse_single_number(b->data ? b->data : "", b->len,
							      &d->disksize, &e);
	if (d->disksize_status)
		d->disksize = MS_NA;
	rc = read_file(src, d->name, "comp_algorithm", b, &e);
	d->comp_status = rc ? rc : ms_parse_zram_comp_algorithm(b->data ? b->data : "", b->len,
								&d->comp, &e);
	ms_zram_figures_of(d->mm_status == 0 ? &d->mm : NULL, d->disksize, &d->fig);
}

int ms_zram_load(ms_source *src, ms_zram_list *out, ms_error *err)
{
	ms_dirlist dl = { 0 };
	ms_buf b = MS_BUF_INIT;
	int rc;

	memset(out, 0, sizeof *out);
	rc = ms_source_list_dir(src, "sys/block", &dl, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < dl.n; i++)
		out->n += strncmp(dl.e[i].name, "zram", 4) == 0 && strlen(dl.e[i].name) < 32;
	out->items = out->n ? calloc(out->n, sizeof *out->items) : NULL;
	if (out->n && !out->items) {
		ms_dirlist_free(&dl);
		out->n = 0;
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	size_t k = 0;
	for (size_t i = 0; i < dl.n; i++) {
		if (strncmp(dl.e[i].name, "zram", 4) != 0 || strlen(dl.e[i].name) >= 32)
			continue;
		snprintf(out->items[k].name, sizeof out->items[k].name, "%s", dl.e[i].name);
		load_device(src, &out->items[k++], &b);
	}
	ms_dirlist_free(&dl);
	ms_buf_free(&b);
	return 0;
}

void ms_zram_list_free(ms_zram_list *l)
{
	free(l->items);
	memset(l, 0, sizeof *l);
}

int ms_zram_part_load(ms_sample *s, ms_source *src, ms_error *err)
{
	ms_zram_list *l = calloc(1, sizeof *l);

	if (!l)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	int rc = ms_zram_load(src, l, err);
	if (rc) {
		free(l);
		return rc;
	}
	s->zram = l;
	return 0;
}

void ms_zram_part_free(ms_sample *s)
{
	if (s->zram)
		ms_zram_list_free(s->zram);
	free(s->zram);
	s->zram = NULL;
}

bool ms_zram_totals(const ms_sample *s, int64_t *orig, int64_t *mem_used)
{
	bool any = false;

	*orig = *mem_used = 0;
	if (!ms_sample_has(s, MS_P_ZRAM) || !s->zram)
		return false;
	for (size_t i = 0; i < s->zram->n; i++) {
		const ms_zram_dev *d = &s->zram->items[i];
		if (d->disksize_status == 0 && d->disksize == 0)
			continue; /* not set up: holds nothing */
		if (d->fig.orig == MS_NA || d->fig.mem_used == MS_NA)
			return false;
		*orig += d->fig.orig;
		*mem_used += d->fig.mem_used;
		any = true;
	}
	return any;
}
