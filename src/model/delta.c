/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Deltas and intervals between two samples: the model's, so that the
 * panes, diffs and recordings compute a change the same way. Named as
 * deltas (now minus before), the way procps names its SLABS_DELTA_ items.
 */
#include <math.h>

#include "memscope/model.h"

static double timespec_seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

double ms_sample_seconds_between(const ms_sample *before, const ms_sample *now)
{
	/* Our own clock: the monotonic one does not jump with the date. */
	if (before->captured_by_clock && now->captured_by_clock)
		return timespec_seconds(&now->loaded) - timespec_seconds(&before->loaded);
	if (before->captured_ns == MS_NA || now->captured_ns == MS_NA)
		return NAN;
	return (double)(now->captured_ns - before->captured_ns) / 1e9;
}

int64_t ms_delta(int64_t now, int64_t before)
{
	int64_t d;

	if (now == MS_NA || before == MS_NA || __builtin_sub_overflow(now, before, &d) ||
	    d == MS_NA)
		return MS_NA;
	return d;
}

int64_t ms_slab_delta_size_kb(const ms_sample *now, const ms_sample *before,
			      const ms_slab *slab)
{
	int64_t size = ms_slab_size_kb(slab, now->info.page_size);

	if (!before || !ms_sample_has(before, MS_P_SLABINFO) || size == MS_NA)
		return MS_NA;
	const ms_slab *was = ms_sample_find_slab(before, slab->name);
	if (!was)
		return size;
	return ms_delta(size, ms_slab_size_kb(was, before->info.page_size));
}
