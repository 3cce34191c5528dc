/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cursor-based, overflow-checked number and token parsing. Parsers use
 * these instead of strtol/sscanf: they never read past the end of a buffer
 * that is not NUL-terminated, and they say when a number does not fit. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "memscope/util.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void ms_skip_space(const char **p, const char *end)
{
	while (*p < end && is_space(**p))
		(*p)++;
}

bool ms_parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	ms_skip_space(&s, end);
	const char *digits = s;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	if (s == digits)
		return false;
	*out = v;
	*p = s;
	return true;
}

bool ms_parse_i64(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;
	bool neg = false;
	uint64_t mag;

	ms_skip_space(&s, end);
	if (s < end && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	/* A sign must be followed by a digit, not by spaces. */
	if (s >= end || *s < '0' || *s > '9')
		return false;
	if (!ms_parse_u64(&s, end, &mag))
		return false;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return false;
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)mag;
	}
	*p = s;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool ms_parse_hex_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int d;

	ms_skip_space(&s, end);
	const char *digits = s;
	while (s < end && (d = hex_digit(*s)) >= 0) {
		if (v >> 60)
			return false;
		v = (v << 4) | (uint64_t)d;
		s++;
	}
	if (s == digits)
		return false;
	*out = v;
	*p = s;
	return true;
}

bool ms_next_token(const char **p, const char *end, const char **tok, size_t *toklen)
{
	const char *s = *p;

	ms_skip_space(&s, end);
	if (s >= end) {
		*p = s;
		return false;
	}
	const char *start = s;
	while (s < end && !is_space(*s))
		s++;
	*tok = start;
	*toklen = (size_t)(s - start);
	*p = s;
	return true;
}

void ms_copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (cap == 0)
		return;
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

bool ms_token_eq(const char *tok, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return n == len && memcmp(tok, lit, n) == 0;
}

size_t ms_fmt_u64(char *dst, uint64_t v)
{
	char digits[MS_NUM_MAX];
	size_t n = sizeof digits;

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t len = sizeof digits - n;
	memcpy(dst, digits + n, len);
	dst[len] = '\0';
	return len;
}

size_t ms_fmt_i64(char *dst, int64_t v)
{
	if (v >= 0)
		return ms_fmt_u64(dst, (uint64_t)v);
	dst[0] = '-';
	/* -(v + 1) + 1: the magnitude of INT64_MIN does not fit an int64_t. */
	return 1 + ms_fmt_u64(dst + 1, (uint64_t)(-(v + 1)) + 1);
}

size_t ms_fmt_hex(char *dst, uint64_t v, int min_digits)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (int shift = 60; shift >= 0; shift -= 4) {
		unsigned d = (unsigned)(v >> shift) & 0xf;
		if (d || n || shift < 4 * min_digits)
			dst[n++] = hex[d];
	}
	dst[n] = '\0';
	return n;
}

int64_t ms_add_na(int64_t a, int64_t b)
{
	if (a == MS_NA || b == MS_NA)
		return MS_NA;
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN + 1 - b))
		return MS_NA;
	return a + b;
}

void ms_format_utc(char *out, size_t cap, int64_t ns)
{
	/* Floor division: a time before 1970 keeps a positive fraction. */
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	time_t t = (time_t)sec;
	char whole[32], part[16] = "";
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(whole, sizeof whole, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(out, cap, "%s", "");
		return;
	}
	if (frac > 0) {
		int n = snprintf(part, sizeof part, ".%09ld", (long)frac);
		while (n > 2 && part[n - 1] == '0')
			part[--n] = '\0';
	}
	snprintf(out, cap, "%s%sZ", whole, part);
}
