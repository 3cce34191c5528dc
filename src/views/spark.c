/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sparklines in ASCII: a series drawn as one character per value, from
 * '_' (its least) to '#' (its most), so that it reads on a vt100 without
 * colour or UTF-8.
 */
#include "memscope/views.h"

static const char levels[] = "_.:-=+*#";

size_t ms_sparkline(char *out, size_t cap, const int64_t *v, size_t n)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	size_t len = 0;

	if (!cap)
		return 0;
	/* The latest values when there are more than fit. */
	if (n > cap - 1) {
		v += n - (cap - 1);
		n = cap - 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == MS_NA)
			continue;
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == MS_NA) {
			out[len++] = ' ';
			continue;
		}
		/* A flat series sits in the middle: neither least nor most. */
		double at = hi > lo ? (double)(v[i] - lo) / (double)(hi - lo) : 0.5;
		out[len++] = levels[(size_t)(at * (double)(sizeof levels - 2) + 0.5)];
	}
	out[len] = '\0';
	return len;
}
