/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least squares over samples: how fast a figure grows, and how well a
 * straight line explains it (r²), for trend's ranking of what leaks.
 */
#include <math.h>

#include "memscope/diff.h"

/* Two passes (means first, then centred sums): the x values are seconds
 * since the epoch, whose squares would swamp a one-pass sum of squares
 * in double precision. */
ms_fit ms_least_squares(const double *x, const int64_t *y, size_t n)
{
	ms_fit f = { .n = 0, .slope = NAN, .r2 = NAN };
	double sx = 0, sy = 0;

	for (size_t i = 0; i < n; i++) {
		if (y[i] == MS_NA)
			continue;
		sx += x[i];
		sy += (double)y[i];
		f.n++;
	}
	if (f.n < 2)
		return f;
	double mx = sx / (double)f.n, my = sy / (double)f.n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		if (y[i] == MS_NA)
			continue;
		double dx = x[i] - mx, dy = (double)y[i] - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx == 0)
		return f;
	f.slope = sxy / sxx;
	/* r² = explained / total variation; a flat series has none to
	 * explain: undefined. */
	if (syy > 0)
		f.r2 = sxy * sxy / (sxx * syy);
	return f;
}
