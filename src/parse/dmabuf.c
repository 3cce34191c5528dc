/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA-BUF, three ways of seeing the buffers:
 *
 * debugfs dma_buf/bufinfo (root), drivers/dma-buf/dma-buf.c
 * dma_buf_describe() / dma_buf_debug_show():
 *
 *   "\nDma-buf Objects:\n", then a header naming the columns:
 *   3.3-3.13  "\texp_name\tsize\tflags\tmode\tcount\n"
 *             row "\t\t%s\t%08zu\t%08x\t%08x\t%08ld\n"
 *             "\t\tAttached Devices:\n", "\t\t%s\n" each,
 *             "\n\t\tTotal %d devices attached\n"
 *   3.14-4.x  "size\tflags\tmode\tcount\texp_name\n"
 *             row "%08zu\t%08x\t%08x\t%08ld\t%s\n"
 *   5.x       "%-8s\t%-8s\t%-8s\t%-8s\texp_name\t%-8s\n" (+ ino)
 *             row "...\t%s\t%08lu\t%s\n" (+ ino, name, "" when unnamed)
 *   5.19+     the header adds "\tname", an unnamed buffer prints "<none>"
 *   4.x+      fence lines "\tExclusive fence: ...", "\tShared fence: ...",
 *             6.x "\t<usage> fence:<driver> <timeline> ...signalled"
 *   4.x+      "\tAttached Devices:\n", "\t%s\n" per device,
 *             "Total %d devices attached\n\n"
 *   all       "\nTotal %d objects, %zu bytes\n"
 *
 * Vendor kernels add columns (Qualcomm "constraints") and text after a
 * device's name ("\t%s\t:%lx"): columns are taken by the header's names.
 *
 * /sys/kernel/dmabuf/buffers/<inode>/{exporter_name,size} (5.13+,
 * dma-buf-sysfs-stats.c): sysfs_emit("%s\n"), ("%zu\n").
 *
 * /proc/PID/fdinfo/FD of a DMA-BUF fd (5.3+, dma_buf_show_fdinfo), after
 * fs/proc/fd.c's "pos:\t%lli\nflags:\t0%o\nmnt_id:\t%i\nino:\t%lu\n":
 *   "size:\t%zu\n" "count:\t%ld\n" "exp_name:\t%s\n" ["name:\t%s\n"]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/parse.h"

enum column { COL_OTHER, COL_SIZE, COL_FLAGS, COL_MODE, COL_COUNT, COL_EXP, COL_INO, COL_NAME };
#define MAX_COLUMNS 16

enum state { ST_START, ST_HEADER, ST_ROW, ST_FENCES, ST_DEVICES, ST_DONE };

typedef struct biparser {
	ms_dmabuf_bufinfo *out;
	enum state state;
	uint8_t cols[MAX_COLUMNS];
	int ncols;
	unsigned lineno;
	ms_error *err;
} biparser;

static int fail(biparser *ps, int code, const char *msg)
{
	return ms_error_set(ps->err, code, ps->lineno, "%s", msg);
}

void ms_dmabuf_bufinfo_free(ms_dmabuf_bufinfo *b)
{
	free(b->bufs);
	ms_buf_free(&b->strings);
	memset(b, 0, sizeof *b);
}

const char *ms_dmabuf_exporter(const ms_buf *strings, const ms_dmabuf_buf *b)
{
	return ms_pool_str(strings, b->exporter_off, b->exporter_len);
}

const char *ms_dmabuf_name(const ms_buf *strings, const ms_dmabuf_buf *b)
{
	return ms_pool_str(strings, b->name_off, b->name_len);
}

const char *ms_dmabuf_device(const ms_buf *strings, const ms_dmabuf_buf *b, size_t i)
{
	const char *p = ms_pool_str(strings, b->devices_off, b->devices_len);
	const char *end = p + b->devices_len;

	for (; p < end; p += strlen(p) + 1)
		if (i-- == 0)
			return p;
	return NULL;
}

/* ---- fields ---------------------------------------------------------------- */

/* The text between p and the next tab (or end), blanks trimmed. */
static void next_field(const char **p, const char *end, const char **f, const char **fend)
{
	const char *tab = memchr(*p, '\t', (size_t)(end - *p));

	*f = *p;
	*fend = tab ? tab : end;
	*p = tab ? tab + 1 : end;
	while (*f < *fend && **f == ' ')
		(*f)++;
	ms_trim_right(*f, fend);
}

static void skip_tabs(const char **p, const char *end)
{
	while (*p < end && **p == '\t')
		(*p)++;
}

static bool decimal(const char *p, const char *end, int64_t *v)
{
	return p < end && *p >= '0' && *p <= '9' && ms_parse_i64(&p, end, v) && p == end;
}

static bool hex_word(const char *p, const char *end)
{
	uint64_t v;
	return p < end && *p != ' ' && ms_parse_hex_u64(&p, end, &v) && p == end;
}

/* The trimmed line equals lit. */
static bool line_is(const char *p, const char *end, const char *lit)
{
	ms_skip_space(&p, end);
	ms_trim_right(p, &end);
	return ms_token_eq(p, (size_t)(end - p), lit);
}

/* "Total N WORD..." with the words that follow N; *n set. */
static bool total_line(const char *p, const char *end, const char *w1, const char *w2,
		       int64_t *n, int64_t *bytes)
{
	const char *tok;
	size_t len;

	if (!ms_next_token(&p, end, &tok, &len) || !ms_token_eq(tok, len, "Total") ||
	    !ms_parse_i64_word(&p, end, n) || *n < 0 || !ms_next_token(&p, end, &tok, &len) ||
	    !ms_token_eq(tok, len, w1))
		return false;
	if (bytes && (!ms_parse_i64_word(&p, end, bytes) || *bytes < 0))
		return false;
	return ms_next_token(&p, end, &tok, &len) && ms_token_eq(tok, len, w2) &&
	       !ms_next_token(&p, end, &tok, &len);
}

/* ---- the header and the rows --------------------------------------------- */

static uint8_t column_of(const char *f, const char *fend)
{
	static const struct {
		const char *name;
		enum column col;
	} names[] = { { "size", COL_SIZE },    { "flags", COL_FLAGS }, { "mode", COL_MODE },
		      { "count", COL_COUNT },  { "exp_name", COL_EXP }, { "ino", COL_INO },
		      { "name", COL_NAME } };
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++)
		if (ms_token_eq(f, (size_t)(fend - f), names[i].name))
			return (uint8_t)names[i].col;
	return COL_OTHER;
}

static bool has_column(const biparser *ps, enum column c)
{
	for (int i = 0; i < ps->ncols; i++)
		if (ps->cols[i] == c)
			return true;
	return false;
}

static int header_line(biparser *ps, const char *p, const char *end)
{
	const char *f, *fend;

	skip_tabs(&p, end);
	while (p < end) {
		if (ps->ncols == MAX_COLUMNS)
			return fail(ps, EINVAL, "too many columns");
		next_field(&p, end, &f, &fend);
		ps->cols[ps->ncols++] = column_of(f, fend);
	}
	if (!has_column(ps, COL_SIZE) || !has_column(ps, COL_EXP))
		return fail(ps, EINVAL, "no size or exp_name column in the header");
	/* 5.x printed the name after ino without naming it in the header. */
	if (!has_column(ps, COL_NAME) && ps->ncols < MAX_COLUMNS)
		ps->cols[ps->ncols++] = COL_NAME;
	ps->state = ST_ROW;
	return 0;
}

static int keep(biparser *ps, const char *s, size_t len, uint32_t *off, uint32_t *outlen)
{
	int rc = ms_pool_add(&ps->out->strings, s, len, off);

	if (rc < 0)
		return fail(ps, -rc, rc == -ENOMEM ? "out of memory" : "names too long");
	*outlen = (uint32_t)len;
	return 0;
}

static int row_field(biparser *ps, ms_dmabuf_buf *b, uint8_t col, const char *f,
		     const char *fend)
{
	switch (col) {
	case COL_SIZE:
		return decimal(f, fend, &b->size) ? 0 : fail(ps, EINVAL, "size is not a number");
	case COL_COUNT:
		return decimal(f, fend, &b->count) ? 0 : fail(ps, EINVAL, "count is not a number");
	case COL_INO:
		return decimal(f, fend, &b->inode) ? 0 : fail(ps, EINVAL, "ino is not a number");
	case COL_FLAGS:
	case COL_MODE:
		return hex_word(f, fend) ? 0 : fail(ps, EINVAL, "flags or mode is not hex");
	case COL_EXP:
		return keep(ps, f, (size_t)(fend - f), &b->exporter_off, &b->exporter_len);
	case COL_NAME:
		if (ms_token_eq(f, (size_t)(fend - f), "<none>"))
			fend = f;
		return keep(ps, f, (size_t)(fend - f), &b->name_off, &b->name_len);
	}
	return 0;
}

/* The name, when it is the last column, is the rest of the line: it is
 * set by user space and may hold tabs. */
static int row_line(biparser *ps, const char *p, const char *end)
{
	ms_dmabuf_buf b = { .inode = MS_NA, .count = MS_NA, .ndevices = 0, .size_exact = true };
	const char *f, *fend;
	int rc = 0;

	skip_tabs(&p, end);
	for (int i = 0; rc == 0 && i < ps->ncols; i++) {
		bool last = i == ps->ncols - 1;
		if (p >= end && !(last && ps->cols[i] == COL_NAME))
			return fail(ps, EINVAL, "fewer fields than the header's columns");
		if (last && ps->cols[i] == COL_NAME) {
			f = p;
			fend = end;
		} else {
			next_field(&p, end, &f, &fend);
		}
		rc = row_field(ps, &b, ps->cols[i], f, fend);
	}
	if (rc == 0 && p < end && ps->cols[ps->ncols - 1] != COL_NAME)
		rc = fail(ps, EINVAL, "more fields than the header's columns");
	if (rc < 0)
		return rc;
	ms_dmabuf_bufinfo *out = ps->out;
	ms_dmabuf_buf *items = ms_grow_one(out->bufs, out->n, &out->cap, sizeof *items);
	if (!items)
		return fail(ps, ENOMEM, "out of memory");
	out->bufs = items;
	out->bufs[out->n++] = b;
	ps->state = ST_FENCES;
	return 0;
}

/* "\tdev" or, on vendor kernels, "\tdev\t:mask": the name. */
static int device_line(biparser *ps, const char *p, const char *end)
{
	ms_dmabuf_buf *b = &ps->out->bufs[ps->out->n - 1];
	const char *f, *fend;
	uint32_t off, len;

	skip_tabs(&p, end);
	next_field(&p, end, &f, &fend);
	/* %s prints no NUL; one would also split the NUL-separated list. */
	if (memchr(f, '\0', (size_t)(fend - f)))
		return fail(ps, EINVAL, "a NUL byte in a device name");
	int rc = keep(ps, f, (size_t)(fend - f), &off, &len);
	if (rc < 0)
		return rc;
	if (b->ndevices == 0)
		b->devices_off = off;
	b->devices_len += len + 1;
	b->ndevices++;
	return 0;
}

static int devices_total(biparser *ps, int64_t n)
{
	if (n != ps->out->bufs[ps->out->n - 1].ndevices)
		return fail(ps, EINVAL, "the device count disagrees with the devices listed");
	ps->state = ST_ROW;
	return 0;
}

/* ---- the lines, by state ---------------------------------------------------- */

static int in_object(biparser *ps, const char *p, const char *end)
{
	int64_t n;

	if (line_is(p, end, "Attached Devices:")) {
		if (ps->state != ST_FENCES)
			return fail(ps, EINVAL, "'Attached Devices:' twice");
		ps->state = ST_DEVICES;
		return 0;
	}
	if (ps->state == ST_DEVICES && total_line(p, end, "devices", "attached", &n, NULL))
		return devices_total(ps, n);
	if (*p != '\t')
		return fail(ps, EINVAL, ps->state == ST_FENCES ? "expected 'Attached Devices:'"
							       : "expected 'Total N devices attached'");
	return ps->state == ST_DEVICES ? device_line(ps, p, end) : 0; /* a fence */
}

static int at_row(biparser *ps, const char *p, const char *end)
{
	int64_t n, bytes;
	const char *s = p;

	if (total_line(p, end, "objects,", "bytes", &n, &bytes)) {
		ps->out->total_objects = n;
		ps->out->total_bytes = bytes;
		ps->state = ST_DONE;
		return 0;
	}
	ms_skip_space(&s, end);
	if (ms_has_prefix(s, end, "ERROR locking buffer object"))
		return 0; /* 3.x-4.x: the object was skipped, and not counted */
	return row_line(ps, p, end);
}

static int bufinfo_line(biparser *ps, const char *p, const char *end)
{
	switch (ps->state) {
	case ST_START:
		if (!line_is(p, end, "Dma-buf Objects:"))
			return fail(ps, EINVAL, "expected 'Dma-buf Objects:'");
		ps->state = ST_HEADER;
		return 0;
	case ST_HEADER:
		return header_line(ps, p, end);
	case ST_ROW:
		return at_row(ps, p, end);
	case ST_FENCES:
	case ST_DEVICES:
		return in_object(ps, p, end);
	case ST_DONE:
		break;
	}
	return fail(ps, EINVAL, "text after the closing total");
}

static int check_totals(biparser *ps)
{
	int64_t bytes = 0;

	if (ps->state != ST_DONE)
		return ms_error_set(ps->err, EINVAL, 0,
				    "no closing 'Total N objects' line (cut short?)");
	for (size_t i = 0; i < ps->out->n; i++)
		bytes = ms_add_na(bytes, ps->out->bufs[i].size);
	if ((size_t)ps->out->total_objects != ps->out->n || bytes != ps->out->total_bytes)
		return ms_error_set(ps->err, EINVAL, 0,
				    "the closing total disagrees with the objects listed");
	return 0;
}

int ms_parse_dmabuf_bufinfo(const char *buf, size_t len, ms_dmabuf_bufinfo *out,
			    ms_error *err)
{
	biparser ps = { .out = out, .state = ST_START, .err = err };
	ms_lines it;
	const char *line;
	size_t n;
	int rc = 0;

	out->total_objects = out->total_bytes = MS_NA;
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n)) {
		const char *end = line + n;
		ms_trim_cr(line, &end);
		ps.lineno = it.lineno;
		if (!ms_is_blank(line, end))
			rc = bufinfo_line(&ps, line, end);
	}
	if (rc == 0)
		rc = check_totals(&ps);
	if (rc < 0) {
		ms_dmabuf_bufinfo_free(out);
		out->total_objects = out->total_bytes = MS_NA;
	}
	return rc;
}

/* ---- fdinfo ---------------------------------------------------------------- */

static bool octal(const char *p, const char *end, int64_t *v)
{
	int64_t x = 0;

	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '7' || x > (INT64_MAX >> 3))
			return false;
		x = x * 8 + (*p - '0');
	}
	*v = x;
	return true;
}

static bool signed_decimal(const char *p, const char *end, int64_t *v)
{
	return p < end && ms_parse_i64(&p, end, v) && p == end;
}

static int fdinfo_text(char *dst, size_t cap, const char *v, const char *end, unsigned line,
		       ms_error *err)
{
	if ((size_t)(end - v) >= cap)
		return ms_error_set(err, EINVAL, line, "longer than %zu bytes", cap - 1);
	ms_copy_field(dst, cap, v, (size_t)(end - v));
	return 0;
}

/* One "key:\tvalue" line; keys of other fd types are read past. */
static int fdinfo_line(ms_fdinfo *out, const char *k, size_t klen, const char *v,
		       const char *end, unsigned line, ms_error *err)
{
	bool ok = true;

	if (ms_token_eq(k, klen, "pos"))
		ok = signed_decimal(v, end, &out->pos);
	else if (ms_token_eq(k, klen, "flags"))
		ok = octal(v, end, &out->flags);
	else if (ms_token_eq(k, klen, "mnt_id"))
		ok = signed_decimal(v, end, &out->mnt_id);
	else if (ms_token_eq(k, klen, "ino"))
		ok = decimal(v, end, &out->inode);
	else if (ms_token_eq(k, klen, "size"))
		ok = decimal(v, end, &out->size);
	else if (ms_token_eq(k, klen, "count"))
		ok = decimal(v, end, &out->count);
	else if (ms_token_eq(k, klen, "exp_name")) {
		out->dmabuf = true;
		return fdinfo_text(out->exp_name, sizeof out->exp_name, v, end, line, err);
	} else if (ms_token_eq(k, klen, "name"))
		return fdinfo_text(out->name, sizeof out->name, v, end, line, err);
	if (!ok)
		return ms_error_set(err, EINVAL, line, "%.*s: not a number", (int)klen, k);
	return 0;
}

static void fdinfo_clear(ms_fdinfo *out)
{
	memset(out, 0, sizeof *out);
	out->pos = out->flags = out->mnt_id = out->inode = MS_NA;
	out->size = out->count = MS_NA;
}

bool ms_fd_link_may_be_dmabuf(const char *link)
{
	return strncmp(link, "/dmabuf:", 8) == 0 || strcmp(link, "anon_inode:dmabuf") == 0;
}

int ms_parse_fdinfo(const char *buf, size_t len, ms_fdinfo *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;
	int rc = 0;

	fdinfo_clear(out);
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &n)) {
		const char *end = line + n, *colon = memchr(line, ':', n);
		ms_trim_cr(line, &end);
		if (!colon || colon >= end)
			continue;
		const char *v = colon + 1;
		while (v < end && (*v == '\t' || *v == ' '))
			v++;
		rc = fdinfo_line(out, line, (size_t)(colon - line), v, end, it.lineno, err);
	}
	if (rc == 0 && out->flags == MS_NA)
		rc = ms_error_set(err, EINVAL, 0, "no flags: line (not an fdinfo file?)");
	if (rc < 0)
		fdinfo_clear(out);
	return rc;
}

/* ---- sysfs buffers ----------------------------------------------------------- */

int ms_dmabuf_sysfs_init(ms_dmabuf_sysfs *b, const char *dir, size_t len)
{
	b->inode = b->size = MS_NA;
	b->exporter[0] = '\0';
	if (!decimal(dir, dir + len, &b->inode)) {
		b->inode = MS_NA;
		return -EINVAL;
	}
	return 0;
}

int ms_parse_dmabuf_sysfs_attr(ms_dmabuf_sysfs *b, const char *file, const char *buf,
			       size_t len, ms_error *err)
{
	int64_t v;
	int rc = 0;

	if (strcmp(file, "exporter_name") == 0)
		rc = ms_parse_sysfs_string(buf, len, b->exporter, sizeof b->exporter, err);
	else if (strcmp(file, "size") == 0) {
		rc = ms_parse_sysfs_number(buf, len, &v, err);
		if (rc == 0 && v < 0)
			rc = ms_error_set(err, EINVAL, 1, "a negative size");
		if (rc == 0)
			b->size = v;
	}
	if (rc < 0)
		ms_error_prefix(err, file);
	return rc;
}
