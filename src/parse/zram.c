/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The statistics files of a zram device, /sys/block/zramN/
 * (drivers/block/zram/zram_drv.c; Documentation/admin-guide/blockdev/
 * zram.rst). Each is one line:
 *   mm_stat   "%8llu %8llu %8llu %8lu %8ld %8llu %8lu %8llu %8llu\n"
 *     orig_data_size compr_data_size mem_used_total mem_limit mem_used_max
 *     (bytes) same_pages pages_compacted huge_pages huge_pages_since (pages)
 *     4.1 printed the first seven (zero_pages for same_pages until 4.13),
 *     4.20 added huge_pages, 5.16 huge_pages_since. Vendor trees differ:
 *     one printed six (no pages_compacted, on zpool), Android kernels with
 *     dedup append dup_size and meta_size, a 2024 proposal pages_merged.
 *     So the first nine are read by position and the rest kept as extra.
 *   io_stat   "%8llu %8llu %8llu %8llu\n" failed_reads failed_writes
 *     invalid_io notify_free (a literal 0 for invalid_io since 6.2).
 *   bd_stat   "%8llu %8llu %8llu\n" bd_count bd_reads bd_writes, in 4 KiB
 *     units (FOUR_K) until 6.13, in pages since.
 *   disksize, mem_used_total, orig_data_size ...  "%llu\n" (bytes).
 *   comp_algorithm  "lzo [lzo-rle] lz4 lz4hc zstd \n": the compressors the
 *     kernel knows, the one in use in brackets (since 3.15; the list comes
 *     from the crypto API since 4.8, so it is any set of names).
 */
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"

#define MAX_NUMBERS (9 + MS_ZRAM_MAX_EXTRA)

static bool only_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n')
			return false;
	return true;
}

/* The numbers of a one-line file: at least min, at most max, each a whole
 * non-negative decimal (mem_used_max is %ld, but a size). */
static int numbers_line(const char *buf, size_t len, int64_t *out, int min, int max, int *n,
			ms_error *err)
{
	const char *p = buf, *end = buf + len, *tok;
	size_t tlen;

	ms_error_clear(err);
	*n = 0;
	/* One line: what follows its newline must be blank. */
	const char *nl = memchr(buf, '\n', len);
	if (nl) {
		if (!only_blank(nl, end))
			return ms_error_set(err, EINVAL, 2, "more than one line");
		end = nl;
	}
	while (ms_next_token(&p, end, &tok, &tlen)) {
		if (*n == max)
			return ms_error_set(err, EINVAL, 1, "more than %d numbers", max);
		if (!ms_token_i64(tok, tlen, &out[*n]) || out[*n] < 0)
			return ms_error_set(err, EINVAL, 1, "field %d is not a number", *n + 1);
		(*n)++;
	}
	if (*n < min)
		return ms_error_set(err, EINVAL, 1, "%d numbers, expected at least %d", *n, min);
	return 0;
}

static int64_t field_or_na(const int64_t *v, int n, int i)
{
	return i < n ? v[i] : MS_NA;
}

int ms_parse_zram_mm_stat(const char *buf, size_t len, ms_zram_mm_stat *out, ms_error *err)
{
	int64_t v[MAX_NUMBERS];
	int n;
	int rc = numbers_line(buf, len, v, 6, MAX_NUMBERS, &n, err);

	if (rc != 0)
		n = 0;
	out->nfields = n;
	out->orig_data_size = field_or_na(v, n, 0);
	out->compr_data_size = field_or_na(v, n, 1);
	out->mem_used_total = field_or_na(v, n, 2);
	out->mem_limit = field_or_na(v, n, 3);
	out->mem_used_max = field_or_na(v, n, 4);
	out->same_pages = field_or_na(v, n, 5);
	out->pages_compacted = field_or_na(v, n, 6);
	out->huge_pages = field_or_na(v, n, 7);
	out->huge_pages_since = field_or_na(v, n, 8);
	for (int i = 0; i < MS_ZRAM_MAX_EXTRA; i++)
		out->extra[i] = field_or_na(v, n, 9 + i);
	return rc;
}

int ms_parse_zram_io_stat(const char *buf, size_t len, ms_zram_io_stat *out, ms_error *err)
{
	int64_t v[4];
	int n;
	int rc = numbers_line(buf, len, v, 4, 4, &n, err);

	if (rc != 0)
		n = 0;
	*out = (ms_zram_io_stat){ field_or_na(v, n, 0), field_or_na(v, n, 1),
				  field_or_na(v, n, 2), field_or_na(v, n, 3) };
	return rc;
}

int ms_parse_zram_bd_stat(const char *buf, size_t len, ms_zram_bd_stat *out, ms_error *err)
{
	int64_t v[3];
	int n;
	int rc = numbers_line(buf, len, v, 3, 3, &n, err);

	if (rc != 0)
		n = 0;
	*out = (ms_zram_bd_stat){ field_or_na(v, n, 0), field_or_na(v, n, 1),
				  field_or_na(v, n, 2) };
	return rc;
}

int ms_parse_single_number(const char *buf, size_t len, int64_t *out, ms_error *err)
{
	int n;
	int rc = numbers_line(buf, len, out, 1, 1, &n, err);

	if (rc != 0)
		*out = MS_NA;
	return rc;
}

/* One name of the list: "[name]" marks the one in use. */
static int comp_name(ms_zram_comp *out, const char *tok, size_t len, ms_error *err)
{
	bool current = len >= 2 && tok[0] == '[' && tok[len - 1] == ']';

	if (current) {
		tok++;
		len -= 2;
		if (out->current[0])
			return ms_error_set(err, EINVAL, 1, "two algorithms in brackets");
	}
	if (len == 0 || len >= MS_ZRAM_ALG_NAME || memchr(tok, '[', len) || memchr(tok, ']', len) ||
	    memchr(tok, '\0', len))
		return ms_error_set(err, EINVAL, 1, "not an algorithm name");
	if (out->n == MS_ZRAM_MAX_ALGS)
		return ms_error_set(err, EINVAL, 1, "more than %d algorithms", MS_ZRAM_MAX_ALGS);
	ms_copy_field(out->available[out->n++], MS_ZRAM_ALG_NAME, tok, len);
	if (current)
		ms_copy_field(out->current, MS_ZRAM_ALG_NAME, tok, len);
	return 0;
}

int ms_parse_zram_comp_algorithm(const char *buf, size_t len, ms_zram_comp *out,
				 ms_error *err)
{
	const char *p = buf, *end = buf + len, *tok;
	const char *nl = memchr(buf, '\n', len);
	size_t tlen;
	int rc = 0;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	if (nl && !only_blank(nl, end))
		rc = ms_error_set(err, EINVAL, 2, "more than one line");
	end = nl ? nl : end;
	while (rc == 0 && ms_next_token(&p, end, &tok, &tlen))
		rc = comp_name(out, tok, tlen, err);
	if (rc == 0 && !out->current[0])
		rc = ms_error_set(err, EINVAL, 1, "no algorithm in brackets");
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
