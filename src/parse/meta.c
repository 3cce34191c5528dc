/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshot facts: the "memscope-snapshot" metadata file (key: value lines,
 * written by memscope capture and memscope-capture.sh) and the kernel
 * release inside /proc/version. A snapshot comes from another machine, so
 * these lines, not the host we run on, say what its page size is.
 */
#include <errno.h>
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
