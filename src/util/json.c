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

/* Before any value: a comma when the container already holds one, unless
 * the value follows its key. */
static void before_value(ms_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		ms_buf_putc(j->out, ',');
	j->need_comma[j->depth] = true;
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
	before_value(j);
	ms_buf_putc(j->out, '"');
	ms_escape_json(j->out, key, strlen(key));
	ms_buf_puts(j->out, "\":");
	j->after_key = true;
}

void ms_json_strn(ms_json *j, const char *s, size_t len)
{
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
	char digits[MS_NUM_MAX];

	if (v == MS_NA) {
		ms_json_null(j);
		return;
	}
	before_value(j);
	ms_buf_append(j->out, digits, ms_fmt_i64(digits, v));
}

void ms_json_u64(ms_json *j, uint64_t v)
{
	char digits[MS_NUM_MAX];

	before_value(j);
	ms_buf_append(j->out, digits, ms_fmt_u64(digits, v));
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
