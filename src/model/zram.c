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
#include <math.h>

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
