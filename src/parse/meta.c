/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshot facts: the "memscope-snapshot" metadata file (key: value lines,
 * written by memscope capture and memscope-capture.sh), what the capture
 * could not read ("memscope-unread") and the kernel release inside
 * /proc/version. A snapshot comes from another machine, so
 * these lines, not the host we run on, say what its page size is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

/* A page size we believe: a power of two from 512 bytes (old MMU-less
 * parts) to 1 GiB. Anything else is a typo or garbage, not a page size. */
static bool plausible_page_size(uint64_t v)
{
	return v >= 512 && v <= (1u << 30) && (v & (v - 1)) == 0;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static int meta_page_size(const char *v, size_t vlen, unsigned lineno, int64_t *out,
			  ms_error *err)
{
	const char *p = v, *end = v + vlen;
	uint64_t n;

	if (!ms_parse_u64(&p, end, &n) || p != end || !plausible_page_size(n))
		return ms_error_set(err, EINVAL, lineno,
				    "page_size: not a power of two from 512 to 1G: \"%.*s\"",
				    (int)(vlen > 40 ? 40 : vlen), v);
	*out = (int64_t)n;
	return 0;
}

/* Stores one known key; unknown keys are kept for later versions of the
 * format to add, so they are skipped without complaint. */
static int meta_store(ms_snapshot_meta *m, const char *key, size_t klen, const char *v,
		      size_t vlen, unsigned lineno, ms_error *err)
{
	if (ms_token_eq(key, klen, "format")) {
		if (vlen < 9 || memcmp(v, "memscope/", 9) != 0)
			return ms_error_set(err, EINVAL, lineno,
					    "format: not a memscope snapshot: \"%.*s\"",
					    (int)(vlen > 40 ? 40 : vlen), v);
		ms_copy_field(m->format, sizeof m->format, v, vlen);
	} else if (ms_token_eq(key, klen, "captured_at")) {
		ms_copy_field(m->captured_at, sizeof m->captured_at, v, vlen);
	} else if (ms_token_eq(key, klen, "hostname")) {
		ms_copy_field(m->hostname, sizeof m->hostname, v, vlen);
	} else if (ms_token_eq(key, klen, "kernel")) {
		ms_copy_field(m->kernel, sizeof m->kernel, v, vlen);
	} else if (ms_token_eq(key, klen, "machine")) {
		ms_copy_field(m->machine, sizeof m->machine, v, vlen);
	} else if (ms_token_eq(key, klen, "page_size")) {
		return meta_page_size(v, vlen, lineno, &m->page_size, err);
	} else if (ms_token_eq(key, klen, "tool")) {
		ms_copy_field(m->tool, sizeof m->tool, v, vlen);
	}
	return 0;
}

int ms_parse_snapshot_meta(const char *buf, size_t len, ms_snapshot_meta *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	memset(out, 0, sizeof *out);
	out->page_size = MS_NA;
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		const char *end = line + n;
		const char *colon = memchr(line, ':', n);
		const char *ks = line, *ke = colon ? colon : end;

		trim(&ks, &ke);
		if (ks == ke && !colon)
			continue; /* blank line */
		if (*ks == '#')
			continue;
		if (!colon || ks == ke)
			return ms_error_set(err, EINVAL, it.lineno, "expected \"key: value\"");
		if (memchr(line, '\0', n))
			return ms_error_set(err, EINVAL, it.lineno, "NUL byte in line");
		const char *vs = colon + 1, *ve = end;
		trim(&vs, &ve);
		int r = meta_store(out, ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), it.lineno,
				   err);
		if (r < 0)
			return r;
	}
	if (!out->format[0])
		return ms_error_set(err, EINVAL, 0, "no \"format: memscope/N\" line");
	return 0;
}

int ms_parse_version(const char *buf, size_t len, char *release, size_t cap)
{
	static const char prefix[] = "Linux version ";
	const size_t plen = sizeof prefix - 1;
	const char *p, *end = buf + len, *tok;
	size_t toklen;

	if (cap)
		release[0] = '\0';
	if (len < plen || memcmp(buf, prefix, plen) != 0)
		return -EINVAL;
	p = buf + plen;
	if (!ms_next_token(&p, end, &tok, &toklen))
		return -EINVAL;
	/* The token ends at a space; a newline or NUL would be part of it. */
	for (size_t i = 0; i < toklen; i++)
		if (tok[i] == '\n' || tok[i] == '\0')
			toklen = i;
	if (toklen == 0 || toklen >= cap)
		return toklen == 0 ? -EINVAL : -ERANGE;
	ms_copy_field(release, cap, tok, toklen);
	return 0;
}

/* "memscope-users": one "UID NAME" line per user owning a captured
 * process, so a snapshot shows the names of the machine it came from. */
int ms_parse_users(const char *buf, size_t len, ms_kvlist *out, ms_error *err)
{
	ms_lines it;
	const char *line, *name;
	size_t n, namelen;

	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		const char *p = line, *end = line + n;
		int64_t uid;
		if (!ms_next_token(&p, end, &name, &namelen))
			continue; /* blank line */
		p = line;
		if (!ms_parse_i64(&p, end, &uid) || uid < 0 ||
		    !ms_next_token(&p, end, &name, &namelen) || namelen >= sizeof out->items[0].key)
			return ms_error_set(err, EINVAL, it.lineno, "line %u: not \"UID NAME\"",
					    it.lineno);
		if (ms_kvlist_add(out, name, namelen, uid, false) != 0)
			return ms_error_set(err, ENOMEM, it.lineno, "out of memory");
	}
	return 0;
}

/* ---- ISO 8601 -------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), without the C library's time zone. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Exactly n digits at *p, as a number; false otherwise. */
static bool fixed_digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;

	if (end - *p < n)
		return false;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

/* ".123456789": up to nine digits, as nanoseconds. */
static bool fraction_ns(const char **p, const char *end, int64_t *ns)
{
	int64_t scale = 100000000;
	int digits = 0;

	*ns = 0;
	if (*p >= end || (**p != '.' && **p != ','))
		return true;
	(*p)++;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++, digits++)
		if (digits < 9) {
			*ns += (**p - '0') * scale;
			scale /= 10;
		}
	return digits > 0;
}

/* "Z", "+HH:MM", "+HHMM", "-HH", or nothing: the offset east of UTC. */
static bool zone_offset(const char **p, const char *end, int *seconds)
{
	int h = 0, m = 0, sign;

	*seconds = 0;
	if (*p == end || expect(p, end, 'Z') || expect(p, end, 'z'))
		return true;
	if (**p != '+' && **p != '-')
		return false;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!fixed_digits(p, end, 2, &h))
		return false;
	expect(p, end, ':');
	if (*p < end && !fixed_digits(p, end, 2, &m))
		return false;
	*seconds = sign * (h * 3600 + m * 60);
	return h <= 23 && m <= 59;
}

int ms_parse_iso8601(const char *s, size_t len, int64_t *ns)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h, mi, sec = 0, off;
	int64_t frac = 0;

	if (!fixed_digits(&p, end, 4, &y) || !expect(&p, end, '-') ||
	    !fixed_digits(&p, end, 2, &mo) || !expect(&p, end, '-') ||
	    !fixed_digits(&p, end, 2, &d) || p == end || (*p != 'T' && *p != 't' && *p != ' '))
		return -EINVAL;
	p++;
	if (!fixed_digits(&p, end, 2, &h) || !expect(&p, end, ':') ||
	    !fixed_digits(&p, end, 2, &mi))
		return -EINVAL;
	if (expect(&p, end, ':') && (!fixed_digits(&p, end, 2, &sec) ||
				     !fraction_ns(&p, end, &frac)))
		return -EINVAL;
	if (!zone_offset(&p, end, &off) || p != end)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	*ns = t * 1000000000 + frac;
	return 0;
}

/* ---- memscope-unread ----------------------------------------------------- */

/* A path as capture writes it: relative, no "..", no control character
 * (the line's own separators least of all). */
static bool unread_path_ok(const char *p, size_t n)
{
	if (n == 0 || p[0] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
		bool starts = i == 0 || p[i - 1] == '/';
		if (starts && p[i] == '.' && i + 1 < n && p[i + 1] == '.' &&
		    (i + 2 == n || p[i + 2] == '/'))
			return false;
	}
	return true;
}

static bool unread_reason_ok(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

static int cmp_pid(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* "COUNT<TAB>PID PID ...": as many pids as the count says, sorted here. */
static int unread_pids(const char *p, const char *end, ms_unread_entry *e, unsigned lineno,
		       ms_error *err)
{
	const char *tab = memchr(p, '\t', (size_t)(end - p));
	int64_t count;
	const char *q = p;

	if (!tab || !ms_parse_i64(&q, tab, &count) || q != tab || count < 1 ||
	    count > (int64_t)(end - p))
		return ms_error_set(err, EINVAL, lineno, "expected a count of processes");
	e->pids = malloc((size_t)count * sizeof *e->pids);
	if (!e->pids)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	q = tab + 1;
	for (;;) {
		const char *tok;
		size_t toklen;
		int64_t pid;
		if (!ms_next_token(&q, end, &tok, &toklen))
			break;
		const char *t = tok;
		if (!ms_parse_i64(&t, tok + toklen, &pid) || t != tok + toklen || pid < 1 ||
		    pid > INT32_MAX || e->npids == (size_t)count)
			return ms_error_set(err, EINVAL, lineno,
					    "expected %lld process ids", (long long)count);
		e->pids[e->npids++] = (int)pid;
	}
	if (e->npids != (size_t)count)
		return ms_error_set(err, EINVAL, lineno, "%zu process ids, the count says %lld",
				    e->npids, (long long)count);
	qsort(e->pids, e->npids, sizeof *e->pids, cmp_pid);
	return 0;
}

static int unread_line(const char *line, size_t n, ms_unread_entry *e, unsigned lineno,
		       ms_error *err)
{
	const char *end = line + n, *tab = memchr(line, '\t', n);

	if (!tab)
		return ms_error_set(err, EINVAL, lineno, "expected \"PATH<TAB>REASON\"");
	size_t plen = (size_t)(tab - line);
	if (!unread_path_ok(line, plen) || plen >= sizeof e->path)
		return ms_error_set(err, EINVAL, lineno, "not a relative path");
	ms_copy_field(e->path, sizeof e->path, line, plen);
	const char *r = tab + 1, *more = memchr(r, '\t', (size_t)(end - r));
	const char *rend = more ? more : end;
	while (rend > r && rend[-1] == '\r')
		rend--;
	if (!unread_reason_ok(r, (size_t)(rend - r)) || (size_t)(rend - r) >= sizeof e->reason)
		return ms_error_set(err, EINVAL, lineno, "expected a reason");
	ms_copy_field(e->reason, sizeof e->reason, r, (size_t)(rend - r));
	bool per_pid = plen > 2 && line[0] == '*' && line[1] == '/';
	if (per_pid != (more != NULL))
		return ms_error_set(err, EINVAL, lineno,
				    per_pid ? "\"*/NAME\" needs a count and the process ids"
					    : "only \"*/NAME\" lines list processes");
	return per_pid ? unread_pids(more + 1, end, e, lineno, err) : 0;
}

void ms_unread_free(ms_unread *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->e[i].pids);
	free(u->e);
	u->e = NULL;
	u->n = 0;
}

int ms_parse_unread(const char *buf, size_t len, ms_unread *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n, cap = 0;

	memset(out, 0, sizeof *out);
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		if (n == 0 || line[0] == '#' || (n == 1 && line[0] == '\r'))
			continue;
		if (out->n == cap) {
			size_t c = cap ? cap * 2 : 8;
			ms_unread_entry *e = realloc(out->e, c * sizeof *e);
			if (!e) {
				ms_unread_free(out);
				return ms_error_set(err, ENOMEM, it.lineno, "out of memory");
			}
			out->e = e;
			cap = c;
		}
		ms_unread_entry *e = &out->e[out->n++];
		memset(e, 0, sizeof *e);
		int r = unread_line(line, n, e, it.lineno, err);
		if (r < 0) {
			ms_unread_free(out);
			return r;
		}
	}
	return 0;
}
