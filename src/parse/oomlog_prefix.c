/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What loggers put before the kernel's text, so that a report is found in
 * any kernel log. Prefixes stack ("<4>[  12.3]", syslog + "[  12.3]"), so
 * they are taken off one at a time, in a loop:
 *
 *   [ 1234.567890] msg                    dmesg; [T456] or [  C1] after it
 *                                         with CONFIG_PRINTK_CALLER
 *   [ 1234.567890 <    0.000012>] msg     dmesg -d
 *   [Fri Dec  4 15:52:26 2026] msg        dmesg -T
 *   2026-12-04T15:52:26,123456+00:00 msg  dmesg --time-format iso
 *   <4>[ 1234.567890] msg                 dmesg -r, pstore dmesg-ramoops-N
 *   kern  :warn  : [ 1234.567890] msg     dmesg -x
 *   4,340,2840456359,-;msg                /dev/kmsg (Documentation/ABI/
 *                                         testing/dev-kmsg); a record's own
 *                                         newlines are written "\x0a"
 *   Dec  4 03:00:01 host kernel: msg      syslog, journalctl -k (short)
 *   Dec 04 03:00:01.123456 host kernel:   journalctl -o short-precise
 *   2023-12-04T03:00:01+0000 host kernel: journalctl -o short-iso, rsyslog
 *   Jan  1 00:00:12 host kern.warn kernel: BusyBox syslogd
 *   [ 1234.567890] host kernel: msg       journalctl -o short-monotonic
 *   (0)[123:kswapd0]msg                   MediaTek: CPU, then pid:comm
 *   [0:   kswapd0:  123] msg              Samsung: CPU:comm:pid
 *
 * A syslog line whose tag is not the kernel's, and a record whose
 * facility is not the kernel's (<30>, "user  :info  :"), is a program
 * writing to the log: marked, so that its text is never taken for the
 * kernel's.
 */
#include <string.h>

#include "oomlog.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_alpha(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Digits at *p (at most max of them) as a number; false when none. */
static bool digits(const char **p, const char *end, int max, int64_t *v)
{
	const char *s = *p;
	int64_t n = 0;

	while (s < end && is_digit(*s) && s - *p < max)
		n = n * 10 + (*s++ - '0');
	if (s == *p || (s < end && is_digit(*s)))
		return false;
	*v = n;
	*p = s;
	return true;
}

static bool two_digits(const char **p, const char *end)
{
	if (end - *p < 2 || !is_digit((*p)[0]) || !is_digit((*p)[1]))
		return false;
	*p += 2;
	return true;
}

static bool expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

static void set_time(ms_oom_prefix *pre, int64_t sec, int64_t frac, int frac_digits)
{
	if (pre->time_us != MS_NA)
		return;
	while (frac_digits < 6) {
		frac *= 10;
		frac_digits++;
	}
	while (frac_digits > 6) {
		frac /= 10;
		frac_digits--;
	}
	pre->time_us = sec * 1000000 + frac;
}

/* "[ 1234.567890]", also "[ 1234.567890 <    0.000012>]" (dmesg -d). */
static bool mono_bracket(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p;
	int64_t sec, frac;

	if (!expect(&s, end, '['))
		return false;
	skip_blanks(&s, end);
	if (!digits(&s, end, 12, &sec) || !expect(&s, end, '.'))
		return false;
	const char *f = s;
	if (!digits(&s, end, 9, &frac))
		return false;
	int nfrac = (int)(s - f);
	if (s < end && *s == ' ') {
		const char *close = memchr(s, ']', (size_t)(end - s));
		if (!close || close - s > 24 || !memchr(s, '<', (size_t)(close - s)))
			return false;
		s = close;
	}
	if (!expect(&s, end, ']'))
		return false;
	set_time(pre, sec, frac, nfrac);
	*p = s;
	return true;
}

/* "[Fri Dec  4 15:52:26 2026]" (dmesg -T, ctime format). */
static bool wall_bracket(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p;

	if (end - s < 26 || s[0] != '[' || !is_alpha(s[1]) || !is_alpha(s[2]) ||
	    !is_alpha(s[3]) || s[4] != ' ')
		return false;
	const char *close = memchr(s, ']', (size_t)(end - s) < 40 ? (size_t)(end - s) : 40);
	if (!close || close[-1] < '0' || close[-1] > '9' || !memchr(s, ':', (size_t)(close - s)))
		return false;
	if (!pre->wall) {
		pre->wall = s + 1;
		pre->wall_len = (size_t)(close - s - 1);
	}
	*p = close + 1;
	return true;
}

/* "[ T456]", "[  C1]": the printing task or CPU (CONFIG_PRINTK_CALLER). */
static bool caller_bracket(const char **p, const char *end)
{
	const char *s = *p;
	int64_t v;

	if (!expect(&s, end, '['))
		return false;
	skip_blanks(&s, end);
	if (s >= end || (*s != 'T' && *s != 'C'))
		return false;
	s++;
	if (!digits(&s, end, 10, &v) || !expect(&s, end, ']'))
		return false;
	*p = s;
	return true;
}

/* "[123:kswapd0]" (MediaTek) or "[0:   kswapd0:  123]" (Samsung): a
 * bracket that opens with a number and a ':'. Task rows ("[  129]") and
 * the table header ("[  pid  ]") have no ':'. */
static bool task_bracket(const char **p, const char *end)
{
	const char *s = *p;
	int64_t v;

	if (!expect(&s, end, '['))
		return false;
	skip_blanks(&s, end);
	if (!digits(&s, end, 10, &v) || !expect(&s, end, ':'))
		return false;
	size_t room = (size_t)(end - s) < 48 ? (size_t)(end - s) : 48;
	const char *close = memchr(s, ']', room);
	if (!close)
		return false;
	*p = close + 1;
	return true;
}

/* "(0)": the CPU, on MediaTek kernels. */
static bool cpu_paren(const char **p, const char *end)
{
	const char *s = *p;
	int64_t v;

	if (!expect(&s, end, '(') || !digits(&s, end, 4, &v) || !expect(&s, end, ')'))
		return false;
	*p = s;
	return true;
}

/* "<4>": a priority; above 7, the facility is not the kernel's. */
static bool level(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p;
	int64_t v;

	if (!expect(&s, end, '<') || !digits(&s, end, 4, &v) || !expect(&s, end, '>'))
		return false;
	if (v > 7)
		pre->userspace = true;
	*p = s;
	return true;
}

/* "kern  :warn  : " (dmesg -x). */
static bool facility_level(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p, *fac = s;

	while (s < end && (is_lower(*s) || is_digit(*s)))
		s++;
	size_t faclen = (size_t)(s - fac);
	skip_blanks(&s, end);
	if (faclen == 0 || !expect(&s, end, ':') || s >= end || !is_lower(*s))
		return false;
	while (s < end && is_lower(*s))
		s++;
	skip_blanks(&s, end);
	if (!expect(&s, end, ':'))
		return false;
	if (faclen != 4 || memcmp(fac, "kern", 4) != 0)
		pre->userspace = true;
	*p = s;
	return true;
}

/* "4,340,2840456359,-;" (/dev/kmsg: priority, sequence, microseconds,
 * flags and, on newer kernels, more fields before the ';'). */
static bool kmsg_header(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p;
	int64_t prio, seq, usec;

	if (!digits(&s, end, 4, &prio) || !expect(&s, end, ',') ||
	    !digits(&s, end, 18, &seq) || !expect(&s, end, ',') ||
	    !digits(&s, end, 18, &usec) || !expect(&s, end, ','))
		return false;
	size_t room = (size_t)(end - s) < 64 ? (size_t)(end - s) : 64;
	const char *semi = memchr(s, ';', room);
	if (!semi || memchr(s, ' ', (size_t)(semi - s)))
		return false;
	if (prio > 7)
		pre->userspace = true;
	set_time(pre, usec / 1000000, usec % 1000000, 6);
	pre->kmsg = true;
	*p = semi + 1;
	return true;
}

/* "HH:MM:SS" and an optional fraction. */
static bool clock_time(const char **p, const char *end, char *frac_sep)
{
	const char *s = *p;
	int64_t v;

	if (!digits(&s, end, 2, &v) || !expect(&s, end, ':') || !digits(&s, end, 2, &v) ||
	    !expect(&s, end, ':') || !digits(&s, end, 2, &v))
		return false;
	*frac_sep = 0;
	if (s < end && (*s == '.' || *s == ',')) {
		*frac_sep = *s++;
		if (!digits(&s, end, 9, &v))
			return false;
	}
	*p = s;
	return true;
}

/* "Dec  4 03:00:01" (syslog, journalctl short), "Dec 04 03:00:01.123456". */
static bool syslog_date(const char **p, const char *end)
{
	const char *s = *p;
	int64_t day;
	char sep;

	if (end - s < 15 || !is_alpha(s[0]) || !is_lower(s[1]) || !is_lower(s[2]) || s[3] != ' ')
		return false;
	s += 4;
	skip_blanks(&s, end);
	if (!digits(&s, end, 2, &day) || !expect(&s, end, ' ') || !clock_time(&s, end, &sep))
		return false;
	*p = s;
	return true;
}

/* "2023-12-04T03:00:01", a fraction, a zone (Z, +00:00, +0000). *dmesg is
 * set for dmesg's own ISO format, whose fraction follows a ','. */
static bool iso_date(const char **p, const char *end, bool *dmesg)
{
	const char *s = *p;
	int64_t v;
	char sep;

	if (!digits(&s, end, 4, &v) || !expect(&s, end, '-') || !digits(&s, end, 2, &v) ||
	    !expect(&s, end, '-') || !digits(&s, end, 2, &v) || s >= end ||
	    (*s != 'T' && *s != ' '))
		return false;
	s++;
	if (!clock_time(&s, end, &sep))
		return false;
	if (s < end && *s == 'Z')
		s++;
	else if (s < end && (*s == '+' || *s == '-')) {
		/* "+00:00" or "+0000" */
		s++;
		if (!two_digits(&s, end))
			return false;
		if (s < end && *s == ':')
			s++;
		if (!two_digits(&s, end))
			return false;
	}
	*dmesg = sep == ',';
	*p = s;
	return true;
}

/* After a syslog date: up to three words (host, "kern.warn") before a tag;
 * the kernel's tag is "kernel:" or "kernel[0]:". False when no tag ends
 * in ':' within them. */
static bool syslog_tag(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p;

	for (int word = 0; word < 4; word++) {
		skip_blanks(&s, end);
		const char *w = s;
		while (s < end && *s != ' ' && *s != '\t')
			s++;
		if (s == w)
			return false;
		if (s[-1] != ':')
			continue;
		if (s - w < 7 || memcmp(w, "kernel", 6) != 0)
			pre->userspace = true;
		*p = s;
		return true;
	}
	return false;
}

static bool dated(const char **p, const char *end, ms_oom_prefix *pre)
{
	const char *s = *p;
	bool dmesg = false;

	if (!syslog_date(&s, end) && !iso_date(&s, end, &dmesg))
		return false;
	if (!pre->wall) {
		pre->wall = *p;
		pre->wall_len = (size_t)(s - *p);
	}
	if (!dmesg && !syslog_tag(&s, end, pre))
		return false;
	*p = s;
	return true;
}

/* "host kernel:" after a "[ 1234.5]" of journalctl -o short-monotonic. */
static bool host_kernel(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && *s != ' ' && *s != '\t')
		s++;
	skip_blanks(&s, end);
	if (s == *p || !ms_oom_starts(s, end, "kernel"))
		return false;
	const char *tag = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	if (s[-1] != ':' || s - tag > 16)
		return false;
	*p = s;
	return true;
}

/* Takes one prefix off *p; false when the text starts with none. */
static bool one_prefix(const char **p, const char *end, ms_oom_prefix *pre, bool first,
		       bool *stamped)
{
	if (first && kmsg_header(p, end, pre))
		return true;
	if (mono_bracket(p, end, pre) || wall_bracket(p, end, pre)) {
		*stamped = true;
		return true;
	}
	if (*stamped && host_kernel(p, end)) {
		*stamped = false;
		return true;
	}
	return level(p, end, pre) || caller_bracket(p, end) || task_bracket(p, end) ||
	       cpu_paren(p, end) || dated(p, end, pre) || facility_level(p, end, pre);
}

const char *ms_oom_strip_prefix(const char *p, const char *end, ms_oom_prefix *pre)
{
	bool stamped = false;

	pre->time_us = MS_NA;
	pre->wall = NULL;
	pre->wall_len = 0;
	pre->kmsg = false;
	pre->userspace = false;
	for (int i = 0; i < 8; i++) {
		skip_blanks(&p, end);
		if (!one_prefix(&p, end, pre, i == 0, &stamped))
			break;
	}
	skip_blanks(&p, end);
	return p;
}
