/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fleet: one row per snapshot of many (`memscope fleet`, and the list
 * the explorer opens on a folder of snapshots). A row holds the figures
 * that tell machines apart at a glance, each from the file the
 * single-snapshot views read it from: meminfo (MemTotal, MemAvailable,
 * the slab), the processes (PSS sum, top process), buddyinfo (largest
 * free order). Its columns are declared once (ms_fleet_table), for
 * --sort, text, CSV, JSON and the explorer's list.
 */
#ifndef MEMSCOPE_FLEET_H
#define MEMSCOPE_FLEET_H

#include <stdio.h>

#include "memscope/batch.h"
#include "memscope/model.h"
#include "memscope/table.h"

typedef struct ms_fleet_row {
	char *source;           /* the path as named (owned) */
	/* From the snapshot's metadata; "" when it does not say. */
	char host[128], kernel[128], arch[32], captured_at[40];
	int64_t mem_total_kb, mem_available_kb; /* meminfo; MS_NA unknown */
	/* PSS summed over the processes whose PSS could be read (procrank's
	 * totals.pss_kb); MS_NA when none could. pss_unknown counts those
	 * that could not: the sum is whole only when it is 0; MS_NA when the
	 * processes could not be listed at all. */
	int64_t pss_kb, pss_unknown;
	/* SReclaimable + SUnreclaim, else meminfo's Slab, else the caches of
	 * slabinfo summed; slab_origin says which ("" when none). */
	int64_t slab_kb;
	const char *slab_origin;
	/* The largest order with a free block in any zone of buddyinfo, and
	 * the free blocks of that order summed over the zones. */
	int64_t largest_order, largest_order_blocks;
	/* The process of the largest PSS (ties: the lowest pid), as procrank
	 * ranks them first. */
	char top_name[64];
	int64_t top_pid, top_pss_kb;
	/* A recording's sample shown (its last) and how many it holds;
	 * MS_NA for a snapshot. */
	int64_t sample_index, sample_count;
	char *error;            /* owned: why it could not be read; NULL when read */
} ms_fleet_row;

typedef struct ms_fleet {
	ms_fleet_row *rows;
	size_t n, cap;
} ms_fleet;

/* rows: ms_fleet_row, ctx: NULL, or a folder ("captures/") left out of
 * the sources' names below it (the explorer's list of that folder). */
extern const ms_table_def ms_fleet_table;

/* The parts a row reads. */
#define MS_FLEET_PARTS                                                                  \
	(MS_PART_MEMINFO | MS_PART_PROCS | MS_PART_BUDDY | MS_PART_SLABINFO)

/* A row of src, named name: its last sample when it holds several. A
 * sample that cannot be read becomes a row with its error. 0, or -ENOMEM
 * (nothing added). */
int ms_fleet_add_source(ms_fleet *f, ms_source *src, const char *name);
/* A row for a snapshot that could not be opened: why is its error. */
int ms_fleet_add_error(ms_fleet *f, const char *name, const char *why);
/* The row's figures from a loaded sample (tests, and the above). */
int ms_fleet_row_of(ms_fleet_row *row, const ms_sample *s, const char *name);
void ms_fleet_row_free(ms_fleet_row *row);
void ms_fleet_free(ms_fleet *f);
/* Rows with an error. */
size_t ms_fleet_failed(const ms_fleet *f);

/* 0 when key is NULL or a column of the fleet table; else -EINVAL with
 * err listing the keys. */
int ms_fleet_check_sort(const char *key, ms_error *err);
/* The rows in o's format (text, CSV, JSON: doc/json.md "fleet"), sorted
 * and limited as o says, to `to`. Text fits 80 columns: the columns that
 * do not are left out by their drop rank and long names are cut (CSV and
 * JSON hold every column whole). 0, or -errno with err set. */
int ms_fleet_write(const ms_batch_opts *o, const ms_fleet *f, FILE *to, ms_error *err);

#endif
