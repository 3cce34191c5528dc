/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The identity files of one process: /proc/PID/status, stat, statm and
 * cmdline. procrank reads them for every process, so they are parsed in one
 * pass without sscanf; a field that is not printed stays MS_NA.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "memscope/parse.h"

/* ---- status ------------------------------------------------------------ */

enum status_kind { ST_NUMBER, ST_KB, ST_UIDS, ST_KTHREAD, ST_NAME, ST_STATE };

struct status_key {
	const char *name;
	enum status_kind kind;
	size_t off; /* of the field in ms_pid_status */
};

#define ST(str, kind, field) { str, kind, offsetof(ms_pid_status, field) }

static const struct status_key status_keys[] = {
	ST("Name", ST_NAME, name),
	ST("State", ST_STATE, state),
	ST("Tgid", ST_NUMBER, tgid),
	ST("PPid", ST_NUMBER, ppid),
	ST("Uid", ST_UIDS, uid),
	ST("Kthread", ST_KTHREAD, kthread),
	ST("VmPeak", ST_KB, vm_peak),
	ST("VmSize", ST_KB, vm_size),
	ST("VmHWM", ST_KB, vm_hwm),
	ST("VmRSS", ST_KB, vm_rss),
	ST("RssAnon", ST_KB, rss_anon),
	ST("RssFile", ST_KB, rss_file),
	ST("RssShmem", ST_KB, rss_shmem),
	ST("VmSwap", ST_KB, vm_swap),
	ST("HugetlbPages", ST_KB, hugetlb_pages),
};

static void status_init(ms_pid_status *s)
{
	memset(s, 0, sizeof(*s));
	s->tgid = s->ppid = s->uid = s->euid = MS_NA;
	s->vm_size = s->vm_rss = s->vm_swap = s->vm_peak = s->vm_hwm = MS_NA;
	s->rss_anon = s->rss_file = s->rss_shmem = s->hugetlb_pages = MS_NA;
	s->kthread = -1;
}

static bool at_end(const char *p, const char *end)
{
	ms_skip_space(&p, end);
	return p == end;
}

/* "Tgid:\t1791" */
static bool parse_number(const char *p, const char *end, int64_t *out)
{
	int64_t v;

	if (!ms_parse_i64(&p, end, &v) || !at_end(p, end))
		return false;
	*out = v;
	return true;
}

/* "VmRSS:\t  730764 kB" */
static bool parse_kb(const char *p, const char *end, int64_t *out)
{
	int64_t v;

	if (!ms_parse_i64(&p, end, &v) || v < 0)
		return false;
	ms_skip_space(&p, end);
	if (end - p < 2 || p[0] != 'k' || p[1] != 'B' || !at_end(p + 2, end))
		return false;
	*out = v;
	return true;
}

/* "Uid:\t1000\t1000\t1000\t1000": real, effective, saved, filesystem. */
static bool parse_uids(const char *p, const char *end, ms_pid_status *s)
{
	int64_t real, effective;

	if (!ms_parse_i64(&p, end, &real) || !ms_parse_i64(&p, end, &effective))
		return false;
	s->uid = real;
	s->euid = effective;
	return true;
}

/* "State:\tZ (zombie)": the letter of fs/proc/array.c's task_state_array
 * ("R (running)" ... "I (idle)"; 2.6 kernels also "W (paging)", "x (dead)"),
 * then its name, which is not kept. */
static bool parse_state(const char *p, const char *end, char *out)
{
	ms_skip_space(&p, end);
	if (p == end || !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		return false;
	if (p + 1 < end && p[1] != ' ' && p[1] != '\t')
		return false;
	*out = *p;
	return true;
}

/* "Name:\t<comm>": the kernel escapes the name ("\n" as two characters),
 * so it is kept as printed, up to a NUL byte that no kernel prints. */
static void copy_name(char *dst, size_t cap, const char *p, const char *end)
{
	if (p < end && *p == '\t')
		p++;
	const char *nul = memchr(p, '\0', (size_t)(end - p));
	ms_copy_field(dst, cap, p, (size_t)((nul ? nul : end) - p));
}

static bool status_value(ms_pid_status *s, const struct status_key *k, const char *p,
			 const char *end)
{
	char *field = (char *)s + k->off;
	int64_t v;

	switch (k->kind) {
	case ST_NAME:
		copy_name(field, sizeof(s->name), p, end);
		return true;
	case ST_NUMBER:
		return parse_number(p, end, (int64_t *)(void *)field);
	case ST_KB:
		return parse_kb(p, end, (int64_t *)(void *)field);
	case ST_UIDS:
		return parse_uids(p, end, s);
	case ST_STATE:
		return parse_state(p, end, &s->state);
	case ST_KTHREAD:
		if (!parse_number(p, end, &v) || (v != 0 && v != 1))
			return false;
		s->kthread = (int)v;
		return true;
	}
	return false;
}

static const struct status_key *find_status_key(const char *key, size_t len)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(status_keys); i++)
		if (ms_token_eq(key, len, status_keys[i].name))
			return &status_keys[i];
	return NULL;
}

int ms_parse_pid_status(const char *buf, size_t len, ms_pid_status *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	ms_error_clear(err);
	status_init(out);
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		if (n == 0)
			continue;
		const char *colon = memchr(line, ':', n);
		if (!colon || colon == line)
			return ms_error_set(err, EINVAL, it.lineno, "not a \"Key: value\" line");
		const struct status_key *k = find_status_key(line, (size_t)(colon - line));
		if (k && !status_value(out, k, colon + 1, line + n))
			return ms_error_set(err, EINVAL, it.lineno, "malformed %s: value",
					    k->name);
	}
	return 0;
}

/* ---- stat -------------------------------------------------------------- */

/* Fields after the comm, counted as proc(5) does (pid is 1, comm 2). */
enum {
	STAT_STATE = 3,
	STAT_PPID = 4,
	STAT_FLAGS = 9,
	STAT_STARTTIME = 22,
	STAT_VSIZE = 23,
	STAT_RSS = 24,
};

static bool parse_token_i64(const char *tok, size_t len, int64_t *out)
{
	const char *p = tok;
	return ms_parse_i64(&p, tok + len, out) && p == tok + len;
}

static bool parse_token_u64(const char *tok, size_t len, uint64_t *out)
{
	const char *p = tok;
	return ms_parse_u64(&p, tok + len, out) && p == tok + len;
}

static bool stat_field(ms_pid_stat *s, int field, const char *tok, size_t len)
{
	uint64_t u;

	switch (field) {
	case STAT_STATE:
		s->state = tok[0];
		return len == 1;
	case STAT_PPID:
		return parse_token_i64(tok, len, &s->ppid);
	case STAT_FLAGS:
		return parse_token_u64(tok, len, &s->flags);
	case STAT_STARTTIME:
		return parse_token_i64(tok, len, &s->starttime) && s->starttime >= 0;
	case STAT_VSIZE:
		if (!parse_token_u64(tok, len, &u) || u > INT64_MAX)
			return false;
		s->vsize = (int64_t)u;
		return true;
	case STAT_RSS:
		return parse_token_i64(tok, len, &s->rss);
	default:
		return true; /* a field memscope does not use */
	}
}

/* "pid (comm) state ppid ...": comm may hold spaces and ')' itself, so
 * it ends at the LAST ')' of the line. */
int ms_parse_pid_stat(const char *buf, size_t len, ms_pid_stat *out, ms_error *err)
{
	const char *end = buf + len;

	ms_error_clear(err);
	memset(out, 0, sizeof(*out));
	out->pid = out->ppid = out->vsize = out->rss = out->starttime = MS_NA;
	const char *open = memchr(buf, '(', len);
	const char *close = memrchr(buf, ')', len);
	if (!open || !close || close < open)
		return ms_error_set(err, EINVAL, 1, "no \"(comm)\" in stat");
	const char *p = buf;
	if (!ms_parse_i64(&p, open, &out->pid) || !at_end(p, open))
		return ms_error_set(err, EINVAL, 1, "malformed pid in stat");
	ms_copy_field(out->comm, sizeof(out->comm), open + 1, (size_t)(close - open - 1));

	p = close + 1;
	const char *tok;
	size_t toklen;
	int field = STAT_STATE;
	bool delimited = false;
	for (; field <= STAT_RSS && ms_next_token(&p, end, &tok, &toklen); field++) {
		/* ms_next_token splits on blanks only; the line ends at '\n'. */
		delimited = p < end || tok[toklen - 1] == '\n';
		if (tok[toklen - 1] == '\n')
			toklen--;
		if (toklen == 0 || !stat_field(out, field, tok, toklen))
			return ms_error_set(err, EINVAL, 1, "malformed field %d in stat", field);
	}
	/* A buffer that stops inside rss ("8" of "85") would give a wrong
	 * figure: the field must be followed by a blank or the newline. */
	if (field <= STAT_RSS || !delimited)
		return ms_error_set(err, EINVAL, 1, "stat cut short after %d fields", field - 1);
	return 0;
}

/* ---- statm ------------------------------------------------------------- */

int ms_parse_pid_statm(const char *buf, size_t len, ms_pid_statm *out, ms_error *err)
{
	int64_t *fields[] = { &out->size, &out->resident, &out->shared, &out->text,
			      &out->lib, &out->data, &out->dt };
	const char *p = buf, *end = buf + len;

	ms_error_clear(err);
	for (size_t i = 0; i < MS_ARRAY_LEN(fields); i++)
		*fields[i] = MS_NA;
	for (size_t i = 0; i < MS_ARRAY_LEN(fields); i++) {
		int64_t v;
		if (!ms_parse_i64(&p, end, &v) || v < 0)
			return ms_error_set(err, EINVAL, 1, "statm: field %zu is not a count",
					    i + 1);
		*fields[i] = v;
	}
	if (p < end && *p == '\n')
		p++;
	if (!at_end(p, end))
		return ms_error_set(err, EINVAL, 1, "statm: more than 7 fields");
	return 0;
}

/* ---- cmdline ----------------------------------------------------------- */

int ms_parse_cmdline(const char *buf, size_t len, ms_buf *out)
{
	ms_buf_reset(out);
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	/* Reserving also makes an empty result "" rather than NULL. */
	if (ms_buf_reserve(out, len) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++)
		out->data[i] = buf[i] == '\0' ? ' ' : buf[i];
	out->len = len;
	out->data[len] = '\0';
	return 0;
}

/* ---- oom_score, oom_score_adj ------------------------------------------- */

int ms_parse_pid_oom(const char *buf, size_t len, int64_t *out, ms_error *err)
{
	const char *p = buf, *end = buf + len, *tok;
	size_t tlen;

	*out = MS_NA;
	const char *nl = memchr(buf, '\n', len);
	if (nl) {
		for (const char *q = nl; q < end; q++)
			if (*q != '\n' && *q != ' ')
				return ms_error_set(err, EINVAL, 2, "more than one line");
		end = nl;
	}
	int64_t v;
	if (!ms_next_token(&p, end, &tok, &tlen))
		return ms_error_set(err, EINVAL, 1, "empty: expected a number");
	if (!ms_token_i64(tok, tlen, &v) || ms_next_token(&p, end, &tok, &tlen))
		return ms_error_set(err, EINVAL, 1, "not one whole number");
	*out = v;
	return 0;
}
