/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pressure stall information: /proc/pressure/{memory,io,cpu,irq} and the
 * cgroup v2 memory.pressure, printed by kernel/sched/psi.c psi_show()
 * (4.20+, CONFIG_PSI; off unless psi=1 with CONFIG_PSI_DEFAULT_DISABLED):
 *
 *   seq_printf(m, "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu "
 *              "total=%llu\n", full ? "full" : "some", ...);
 *
 *   some avg10=3.37 avg60=0.85 avg300=0.18 total=630736
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *
 * The averages are percentages of wall time with two decimals, total is
 * the stall time in microseconds since boot. cpu printed no "full" line
 * before 5.13 (system-wide cpu "full" is all zeros since).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

static void line_unknown(ms_psi_line *l)
{
	l->avg10 = l->avg60 = l->avg300 = l->total_us = MS_NA;
}

/* "3.37" -> 337: the kernel always prints two decimals. */
static bool read_hundredths(const char *p, const char *end, int64_t *out)
{
	int64_t whole;
	const char *dot = memchr(p, '.', (size_t)(end - p));

	if (!dot || end - dot != 3 || p == dot || *p < '0' || *p > '9')
		return false;
	if (!ms_parse_i64(&p, dot, &whole) || p != dot || whole > (INT64_MAX - 99) / 100)
		return false;
	if (dot[1] < '0' || dot[1] > '9' || dot[2] < '0' || dot[2] > '9')
		return false;
	*out = whole * 100 + (dot[1] - '0') * 10 + (dot[2] - '0');
	return true;
}

static bool read_total(const char *p, const char *end, int64_t *out)
{
	return p < end && *p >= '0' && *p <= '9' && ms_parse_i64(&p, end, out) && p == end;
}

/* One "key=value" word. Keys of a later kernel are read past. */
static bool psi_word(ms_psi_line *l, const char *tok, size_t len)
{
	const char *end = tok + len, *eq = memchr(tok, '=', len);

	if (!eq)
		return false;
	size_t klen = (size_t)(eq - tok);
	if (ms_token_eq(tok, klen, "avg10"))
		return read_hundredths(eq + 1, end, &l->avg10);
	if (ms_token_eq(tok, klen, "avg60"))
		return read_hundredths(eq + 1, end, &l->avg60);
	if (ms_token_eq(tok, klen, "avg300"))
		return read_hundredths(eq + 1, end, &l->avg300);
	if (ms_token_eq(tok, klen, "total"))
		return read_total(eq + 1, end, &l->total_us);
	return true;
}

static int psi_line(ms_psi *out, const char *p, const char *end, unsigned lineno,
		    ms_error *err)
{
	const char *tok;
	size_t len;
	ms_psi_line *l;

	if (!ms_next_token(&p, end, &tok, &len))
		return 0;
	if (ms_token_eq(tok, len, "some"))
		l = &out->some;
	else if (ms_token_eq(tok, len, "full"))
		l = &out->full;
	else
		return ms_error_set(err, EINVAL, lineno, "expected 'some' or 'full'");
	if (l->total_us != MS_NA)
		return ms_error_set(err, EINVAL, lineno, "'%.4s' printed twice", tok);
	ms_psi_line got;
	line_unknown(&got);
	while (ms_next_token(&p, end, &tok, &len))
		if (!psi_word(&got, tok, len))
			return ms_error_set(err, EINVAL, lineno, "not 'avgN=P.PP' or 'total=N'");
	if (got.avg10 == MS_NA || got.avg60 == MS_NA || got.avg300 == MS_NA ||
	    got.total_us == MS_NA)
		return ms_error_set(err, EINVAL, lineno, "avg10, avg60, avg300 or total missing");
	*l = got;
	return 0;
}

int ms_parse_psi(const char *buf, size_t len, ms_psi *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	int rc = 0;

	line_unknown(&out->some);
	line_unknown(&out->full);
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n))
		rc = psi_line(out, line, line + n, it.lineno, err);
	if (rc == 0 && out->some.total_us == MS_NA)
		rc = ms_error_set(err, EINVAL, 0, "no 'some' line (empty file?)");
	if (rc < 0) {
		line_unknown(&out->some);
		line_unknown(&out->full);
	}
	return rc;
}
