/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/slabinfo. Version 2.x (2.6 and later, SLAB and SLUB):
 *   slabinfo - version: 2.1
 *   # name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables ...
 *   kmalloc-64  1181  1344   64   64    1 : tunables    0    0    0 : slabdata   21   21    0
 * With SLAB statistics ("2.1 (statistics)") rows go on with ": globalstat ..."
 * and ": cpustat ..."; they are read past. Version 2.0's header names the
 * tunables "<batchcount> <limit>" but its rows print limit first (as 2.1
 * does), so columns are taken by position, never from the header.
 * Version 1.1 (Linux 2.4) has no header line and no objperslab:
 *   file lock cache        0     42     92    0    1    1 :  252  126
 * with " : limit batchcount" on SMP kernels, after a statistics section
 * when the kernel had one.
 * Names may hold ':' (iwl_cmd_pool:0000:04:00.0) and, on 2.4, spaces: a row
 * is split at its first ':' that stands alone, and the name is what comes
 * before the fixed number of counts in front of it.
 *
 * An OOM report's "Unreclaimable slab info:" section (4.15+, written by
 * the kernel log source as this file) is read too:
 *   Unreclaimable slab info:
 *   Name                      Used          Total
 *   kmalloc-4k               1234KB       5678KB
 * Its rows give a cache's used and total size in kB and no object counts:
 * they become kb_only rows with every count MS_NA, and the list is marked
 * unreclaimable_only (the kernel prints only those caches).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

/* Longest row: a few name words, 5 counts, tunables, slabdata, and the
 * statistics sections (1 + 8, 1 + 4). */
#define MAX_FIELDS 48

typedef struct slab_format {
	bool v1;         /* 1.1: 2.4 layout */
	bool statistics; /* "(statistics)": extra sections follow */
	bool smp;        /* "(SMP)" (1.1 only): limit and batchcount follow */
	bool oom;        /* an OOM report's unreclaimable list: kB only */
} slab_format;

typedef struct fields {
	int n;
	const char *tok[MAX_FIELDS];
	size_t len[MAX_FIELDS];
} fields;

void ms_slabinfo_free(ms_slabinfo *s)
{
	free(s->caches);
	s->caches = NULL;
	s->n = s->cap = 0;
	s->unreclaimable_only = false;
	s->version[0] = '\0';
}

static bool starts_with(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* ---- the version line -------------------------------------------------- */

static bool has_word(const char *p, const char *end, const char *word)
{
	const char *tok;
	size_t len;

	while (ms_next_token(&p, end, &tok, &len))
		if (ms_token_eq(tok, len, word))
			return true;
	return false;
}

static int version_line(const char *p, const char *end, unsigned lineno, ms_slabinfo *out,
			slab_format *fmt, ms_error *err)
{
	static const char prefix[] = "slabinfo - version:";
	const char *tok;
	size_t len;

	if (starts_with(p, end, "Unreclaimable slab info:")) {
		fmt->oom = true;
		out->unreclaimable_only = true;
		return 0;
	}
	if (!starts_with(p, end, prefix))
		return ms_error_set(err, EINVAL, lineno,
				    "invalid contents: no 'slabinfo - version:' line");
	p += sizeof prefix - 1;
	if (!ms_next_token(&p, end, &tok, &len))
		return ms_error_set(err, EINVAL, lineno, "no version number");
	if (ms_token_eq(tok, len, "1.1"))
		fmt->v1 = true;
	else if (!ms_token_eq(tok, len, "2.0") && !ms_token_eq(tok, len, "2.1"))
		return ms_error_set(err, EINVAL, lineno,
				    "unsupported slabinfo version (1.1, 2.0, 2.1 are known)");
	ms_copy_field(out->version, sizeof out->version, tok, len);
	fmt->statistics = has_word(p, end, "(statistics)");
	fmt->smp = has_word(p, end, "(SMP)");
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

static bool split(const char *p, const char *end, fields *f)
{
	const char *tok;
	size_t len;

	f->n = 0;
	while (ms_next_token(&p, end, &tok, &len)) {
		if (f->n == MAX_FIELDS)
			return false;
		f->tok[f->n] = tok;
		f->len[f->n++] = len;
	}
	return true;
}

/* A count: digits only, the whole field. */
static bool count_at(const fields *f, int i, int64_t *v)
{
	if (i >= f->n || f->tok[i][0] < '0' || f->tok[i][0] > '9')
		return false;
	const char *p = f->tok[i], *end = p + f->len[i];
	return ms_parse_i64_word(&p, end, v) && p == end;
}

static bool is_colon(const fields *f, int i)
{
	return i < f->n && ms_token_eq(f->tok[i], f->len[i], ":");
}

static int first_colon(const fields *f)
{
	int i = 0;

	while (i < f->n && !is_colon(f, i))
		i++;
	return i;
}

/* The name is the text from the line's start to the first count. Names
 * longer than the field are cut: no kernel cache name comes near 63. A
 * control byte (NUL included) is not from a kernel: the row is refused. */
static bool take_name(ms_slab *s, const char *line, const fields *f, int first_count)
{
	const char *end = f->tok[first_count - 1] + f->len[first_count - 1];

	for (const char *c = line; c < end; c++)
		if ((unsigned char)*c < ' ' && *c != '\t')
			return false;
	if (memchr(line, 0x7f, (size_t)(end - line)))
		return false;
	ms_copy_field(s->name, sizeof s->name, line, (size_t)(end - line));
	return true;
}

/* ": word n n n" sections of 2.x: tunables, slabdata, and the statistics. */
static bool section(const fields *f, int *i, const char *word, int64_t *v, int nv)
{
	if (!is_colon(f, *i) || *i + 1 >= f->n || !ms_token_eq(f->tok[*i + 1],
								f->len[*i + 1], word))
		return false;
	*i += 2;
	for (int k = 0; k < nv; k++, (*i)++)
		if (!count_at(f, *i, &v[k]))
			return false;
	return true;
}

/* Statistics sections: ": globalstat n..." then ": cpustat n...". */
static bool statistics_sections(const fields *f, int i)
{
	while (i < f->n) {
		if (!is_colon(f, i) || i + 1 >= f->n)
			return false;
		i += 2; /* the colon and the section's word */
		for (int64_t v; i < f->n && !is_colon(f, i); i++)
			if (!count_at(f, i, &v))
				return false;
	}
	return true;
}

static bool row_v2(const char *line, const fields *f, const slab_format *fmt, ms_slab *s)
{
	int k = first_colon(f), i;
	int64_t head[5], tunables[3], slabdata[3];

	if (k < 6)
		return false;
	for (i = 0; i < 5; i++)
		if (!count_at(f, k - 5 + i, &head[i]))
			return false;
	i = k;
	if (!section(f, &i, "tunables", tunables, 3) || !section(f, &i, "slabdata", slabdata, 3))
		return false;
	if (i < f->n && !(fmt->statistics && statistics_sections(f, i)))
		return false;
	if (!take_name(s, line, f, k - 5))
		return false;
	s->active_objs = head[0];
	s->num_objs = head[1];
	s->objsize = head[2];
	s->objperslab = head[3];
	s->pagesperslab = head[4];
	s->limit = tunables[0];
	s->batchcount = tunables[1];
	s->sharedfactor = tunables[2];
	s->active_slabs = slabdata[0];
	s->num_slabs = slabdata[1];
	s->sharedavail = slabdata[2];
	return true;
}

/* 1.1: the ": a b" sections after the counts; on SMP kernels the one that
 * holds limit and batchcount comes after the statistics one. */
static bool sections_v1(const fields *f, int i, const slab_format *fmt, ms_slab *s)
{
	int smp_index = fmt->smp ? (fmt->statistics ? 1 : 0) : -1;

	for (int n = 0; i < f->n; n++) {
		int first = ++i; /* past the colon */
		int64_t v;
		while (i < f->n && !is_colon(f, i))
			if (!count_at(f, i++, &v))
				return false;
		if (n == smp_index) {
			if (i - first != 2 || !count_at(f, first, &s->limit) ||
			    !count_at(f, first + 1, &s->batchcount))
				return false;
		}
	}
	return true;
}

static bool row_v1(const char *line, const fields *f, const slab_format *fmt, ms_slab *s)
{
	int k = first_colon(f);
	int64_t head[6];

	if (k < 7)
		return false;
	for (int i = 0; i < 6; i++)
		if (!count_at(f, k - 6 + i, &head[i]))
			return false;
	s->limit = s->batchcount = MS_NA;
	if (!sections_v1(f, k, fmt, s))
		return false;
	if (!take_name(s, line, f, k - 6))
		return false;
	s->active_objs = head[0];
	s->num_objs = head[1];
	s->objsize = head[2];
	s->active_slabs = head[3];
	s->num_slabs = head[4];
	s->pagesperslab = head[5];
	s->objperslab = s->sharedfactor = s->sharedavail = MS_NA;
	return true;
}

/* "1234KB": digits then KB, the whole field. */
static bool kb_at(const fields *f, int i, int64_t *v)
{
	if (i < 0 || i >= f->n || f->len[i] < 3 || f->tok[i][0] < '0' || f->tok[i][0] > '9')
		return false;
	const char *p = f->tok[i], *end = p + f->len[i] - 2;
	return memcmp(end, "KB", 2) == 0 && ms_parse_i64_word(&p, end, v) && p == end;
}

/* "name used total": the name may hold spaces, so the sizes are the last
 * two fields. */
static bool row_oom(const char *line, const fields *f, ms_slab *s)
{
	int64_t used, total;

	if (f->n < 3 || !kb_at(f, f->n - 2, &used) || !kb_at(f, f->n - 1, &total))
		return false;
	if (!take_name(s, line, f, f->n - 2))
		return false;
	s->active_objs = s->num_objs = s->objsize = s->objperslab = s->pagesperslab = MS_NA;
	s->limit = s->batchcount = s->sharedfactor = MS_NA;
	s->active_slabs = s->num_slabs = s->sharedavail = MS_NA;
	s->kb_only = true;
	s->used_kb = used;
	s->total_kb = total;
	return true;
}

static const char *format_name(const slab_format *fmt)
{
	return fmt->oom ? "unreclaimable slab info" : fmt->v1 ? "slabinfo 1.1" : "slabinfo 2.x";
}

static bool parse_row(const char *line, const fields *f, const slab_format *fmt, ms_slab *s)
{
	if (fmt->oom)
		return row_oom(line, f, s);
	return fmt->v1 ? row_v1(line, f, fmt, s) : row_v2(line, f, fmt, s);
}

static int add_row(const char *line, const char *end, unsigned lineno, const slab_format *fmt,
		   ms_slabinfo *out, ms_error *err)
{
	fields f;
	ms_slab s;

	memset(&s, 0, sizeof s);
	if (!split(line, end, &f) || !parse_row(line, &f, fmt, &s))
		return ms_error_set(err, EINVAL, lineno, "invalid contents: not a %s row",
				    format_name(fmt));
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 128;
		ms_slab *c = realloc(out->caches, cap * sizeof *c);
		if (!c)
			return ms_error_set(err, ENOMEM, lineno, "out of memory");
		out->caches = c;
		out->cap = cap;
	}
	out->caches[out->n++] = s;
	return 0;
}

/* ---- the file ---------------------------------------------------------- */

static int slab_line(const char *p, const char *end, unsigned lineno, int *seen,
		     slab_format *fmt, ms_slabinfo *out, ms_error *err)
{
	int nth = (*seen)++;

	if (nth == 0)
		return version_line(p, end, lineno, out, fmt, err);
	/* The OOM list's column header. */
	if (nth == 1 && fmt->oom) {
		if (!starts_with(p, end, "Name "))
			return ms_error_set(err, EINVAL, lineno,
					    "invalid contents: no 'Name Used Total' header");
		return 0;
	}
	/* 2.x prints a column header; its absence means it is not slabinfo. */
	if (nth == 1 && !fmt->v1) {
		if (!starts_with(p, end, "# name"))
			return ms_error_set(err, EINVAL, lineno,
					    "invalid contents: no '# name' column header");
		return 0;
	}
	return add_row(p, end, lineno, fmt, out, err);
}

int ms_parse_slabinfo(const char *buf, size_t len, ms_slabinfo *out, ms_error *err)
{
	slab_format fmt = { 0 };
	ms_lines it;
	const char *line;
	size_t n;
	int seen = 0; /* non-blank lines */

	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		const char *p = line, *end = line + n;
		ms_skip_space(&p, end);
		if (p == end)
			continue;
		int rc = slab_line(p, end, it.lineno, &seen, &fmt, out, err);
		if (rc < 0) {
			ms_slabinfo_free(out);
			return rc;
		}
	}
	if (seen == 0)
		return ms_error_set(err, EINVAL, 0, "no contents (empty file)");
	return 0;
}
