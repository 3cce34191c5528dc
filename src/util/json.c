/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal JSON writer: it places commas and escapes strings, so that no
 * view writes JSON punctuation by hand. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "memscope/util.h"

void ms_json_init(ms_json *j, ms_buf *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
}

/* Before any value: whether a comma goes first (the container already
 * holds a value, and this one does not follow its key). */
static bool comma_first(ms_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return false;
	}
	bool comma = j->need_comma[j->depth];
	j->need_comma[j->depth] = true;
	return comma;
}

static void before_value(ms_json *j)
{
	if (comma_first(j))
		ms_buf_putc(j->out, ',');
}

/* The output of a 60,000-mapping vma view is a million small pieces, so
 * the common ones are put together here and appended at once: the comma,
 * the text, the quotes and a key's colon. */
#define PIECE_MAX 128

/* [,]"s"[:] in one append; false (nothing written, no state changed) when
 * s is long or needs escaping. */
static bool put_plain_string(ms_json *j, const char *s, size_t len, bool key)
{
	char piece[PIECE_MAX];
	size_t n = 0;

	if (len > PIECE_MAX - 4 || !ms_is_plain_json(s, len))
		return false;
	if (comma_first(j))
		piece[n++] = ',';
	piece[n++] = '"';
	memcpy(piece + n, s, len);
	n += len;
	piece[n++] = '"';
	if (key)
		piece[n++] = ':';
	ms_buf_append(j->out, piece, n);
	return true;
}

/* [,]digits in one append. */
static void put_number(ms_json *j, uint64_t magnitude, bool negative)
{
	char piece[MS_NUM_MAX + 2];
	size_t n = 0;

	if (comma_first(j))
		piece[n++] = ',';
	if (negative)
		piece[n++] = '-';
	n += ms_fmt_u64(piece + n, magnitude);
	ms_buf_append(j->out, piece, n);
}

static void open_container(ms_json *j, char c)
{
	before_value(j);
	ms_buf_putc(j->out, c);
	if (j->depth < (int)MS_ARRAY_LEN(j->need_comma) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(ms_json *j, char c)
{
	ms_buf_putc(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void ms_json_obj_begin(ms_json *j) { open_container(j, '{'); }
void ms_json_obj_end(ms_json *j) { close_container(j, '}'); }
void ms_json_arr_begin(ms_json *j) { open_container(j, '['); }
void ms_json_arr_end(ms_json *j) { close_container(j, ']'); }

void ms_json_key(ms_json *j, const char *key)
{
	if (put_plain_string(j, key, strlen(key), true)) {
		j->after_key = true;
		return;
	}
	before_value(j);
	ms_buf_putc(j->out, '"');
	ms_escape_json(j->out, key, strlen(key));
	ms_buf_puts(j->out, "\":");
	j->after_key = true;
}

void ms_json_strn(ms_json *j, const char *s, size_t len)
{
	if (put_plain_string(j, s, len, false))
		return;
	before_value(j);
	ms_buf_putc(j->out, '"');
	ms_escape_json(j->out, s, len);
	ms_buf_putc(j->out, '"');
}

void ms_json_str(ms_json *j, const char *s)
{
	if (!s) {
		ms_json_null(j);
		return;
	}
	ms_json_strn(j, s, strlen(s));
}

void ms_json_i64(ms_json *j, int64_t v)
{
	if (v == MS_NA) {
		ms_json_null(j);
		return;
	}
	/* The magnitude of INT64_MIN is MS_NA's, handled above. */
	put_number(j, v < 0 ? (uint64_t)-v : (uint64_t)v, v < 0);
}

void ms_json_u64(ms_json *j, uint64_t v)
{
	put_number(j, v, false);
}

void ms_json_double(ms_json *j, double v, int decimals)
{
	if (!isfinite(v)) {
		ms_json_null(j);
		return;
	}
	before_value(j);
	ms_buf_printf(j->out, "%.*f", decimals, v);
}

void ms_json_bool(ms_json *j, bool v)
{
	before_value(j);
	ms_buf_puts(j->out, v ? "true" : "false");
}

void ms_json_null(ms_json *j)
{
	before_value(j);
	ms_buf_puts(j->out, "null");
}

void ms_json_kv_str(ms_json *j, const char *key, const char *s)
{
	ms_json_key(j, key);
	ms_json_str(j, s);
}

void ms_json_kv_i64(ms_json *j, const char *key, int64_t v)
{
	ms_json_key(j, key);
	ms_json_i64(j, v);
}
