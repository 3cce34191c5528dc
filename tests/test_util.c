/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Suite "util": buffers, lines, numbers, escaping and the JSON writer. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "memscope/util.h"

Test(util, buf_grows_and_stays_terminated)
{
	ms_buf b = MS_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(ms_buf_printf(&b, "%d,", i), 0);
	cr_assert_eq(b.len, strlen(b.data));
	cr_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	cr_assert(strstr(b.data, ",999,") != NULL);
	ms_buf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	char *s = ms_buf_detach(&b);
	cr_assert_str_eq(s, "");
	free(s);
	cr_assert_null(b.data);
}

Test(util, array_grows_by_doubling_and_refuses_overflow)
{
	int *a = NULL;
	size_t cap = 0, n = 0, caps[8] = { 0 }, seen = 0;

	for (; n < 100; n++) {
		cr_assert_eq(ms_array_grow(&a, &cap, n, sizeof *a, 4), 0);
		cr_assert_gt(cap, n);
		if (seen == 0 || caps[seen - 1] != cap)
			caps[seen++] = cap;
		a[n] = (int)n;
	}
	/* 4, then doubled each time it was full: 8, 16, 32, 64, 128. */
	cr_assert_eq(seen, 6);
	for (size_t i = 0; i < seen; i++)
		cr_assert_eq(caps[i], (size_t)4 << i);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(a[i], (int)i);
	/* Room left: nothing moves. */
	int *before = a;
	cr_assert_eq(ms_array_grow(&a, &cap, 101, sizeof *a, 4), 0);
	cr_assert_eq(a, before);
	/* A count whose bytes do not fit size_t is refused, the array kept. */
	size_t huge = SIZE_MAX / 2 + 1;
	cr_assert_eq(ms_array_grow(&a, &huge, huge, sizeof *a, 4), -ENOMEM);
	cr_assert_eq(a, before);
	free(a);
}

Test(util, lines_with_and_without_final_newline)
{
	ms_lines it;
	const char *l;
	size_t n;
	const char text[] = "a\n\nlast";
	ms_lines_init(&it, text, sizeof text - 1);
	cr_assert(ms_lines_next(&it, &l, &n));
	cr_assert_eq(n, 1);
	cr_assert_eq(l[0], 'a');
	cr_assert(ms_lines_next(&it, &l, &n));
	cr_assert_eq(n, 0);
	cr_assert(ms_lines_next(&it, &l, &n));
	cr_assert_eq(n, 4);
	cr_assert_eq(it.lineno, 3);
	cr_assert_not(ms_lines_next(&it, &l, &n));
}

Test(util, numbers_overflow_and_signs)
{
	int64_t v;
	uint64_t u;
	const char *p, *s;

	s = "  -42 kB";
	p = s;
	cr_assert(ms_parse_i64(&p, s + strlen(s), &v));
	cr_assert_eq(v, -42);
	cr_assert_str_eq(p, " kB");

	s = "9223372036854775807";
	p = s;
	cr_assert(ms_parse_i64(&p, s + strlen(s), &v));
	cr_assert_eq(v, INT64_MAX);
	s = "9223372036854775808";
	p = s;
	cr_assert_not(ms_parse_i64(&p, s + strlen(s), &v));
	cr_assert_eq(p, s, "a failed parse leaves the cursor");
	s = "-9223372036854775808";
	p = s;
	cr_assert(ms_parse_i64(&p, s + strlen(s), &v));
	cr_assert_eq(v, INT64_MIN);
	s = "18446744073709551616";
	p = s;
	cr_assert_not(ms_parse_u64(&p, s + strlen(s), &u));
	s = "- 5";
	p = s;
	cr_assert_not(ms_parse_i64(&p, s + strlen(s), &v));

	s = "ffffffffff600000-";
	p = s;
	cr_assert(ms_parse_hex_u64(&p, s + strlen(s), &u));
	cr_assert_eq(u, 0xffffffffff600000ull);
	cr_assert_eq(*p, '-');
	s = "1ffffffffffffffff";
	p = s;
	cr_assert_not(ms_parse_hex_u64(&p, s + strlen(s), &u));

	/* The end bound is honoured even when the digits go on. */
	s = "12345";
	p = s;
	cr_assert(ms_parse_u64(&p, s + 3, &u));
	cr_assert_eq(u, 123);
}

/* The formatters must print what printf prints, at the edges of every
 * digit count and of the 64-bit range. */
Test(util, number_formatters_match_printf)
{
	static const uint64_t values[] = { 0, 1, 9, 10, 99, 100, 4095, 65535, 0xffffffffu,
					   0x100000000u, 0x7fffffffffffu, 0xffffffffff600000u,
					   UINT64_MAX, (uint64_t)INT64_MAX,
					   (uint64_t)INT64_MAX + 1 };
	char got[MS_NUM_MAX], want[64];

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		uint64_t v = values[i];
		snprintf(want, sizeof want, "%" PRIu64, v);
		cr_expect_eq(ms_fmt_u64(got, v), strlen(want));
		cr_expect_str_eq(got, want);
		snprintf(want, sizeof want, "%" PRId64, (int64_t)v);
		cr_expect_eq(ms_fmt_i64(got, (int64_t)v), strlen(want));
		cr_expect_str_eq(got, want);
		snprintf(want, sizeof want, "%08" PRIx64, v);
		cr_expect_eq(ms_fmt_hex(got, v, 8), strlen(want));
		cr_expect_str_eq(got, want);
		snprintf(want, sizeof want, "%" PRIx64, v);
		ms_fmt_hex(got, v, 1);
		cr_expect_str_eq(got, want);
	}
	ms_fmt_i64(got, INT64_MIN);
	cr_expect_str_eq(got, "-9223372036854775808");
}

Test(util, tokens_and_na_arithmetic)
{
	const char *s = "  Node 0, zone\tNormal ", *p = s, *t;
	size_t n;
	cr_assert(ms_next_token(&p, s + strlen(s), &t, &n));
	cr_assert(ms_token_eq(t, n, "Node"));
	cr_assert(ms_next_token(&p, s + strlen(s), &t, &n));
	cr_assert(ms_token_eq(t, n, "0,"));
	cr_assert(ms_next_token(&p, s + strlen(s), &t, &n));
	cr_assert(ms_next_token(&p, s + strlen(s), &t, &n));
	cr_assert(ms_token_eq(t, n, "Normal"));
	cr_assert_not(ms_next_token(&p, s + strlen(s), &t, &n));

	cr_assert_eq(ms_add_na(2, 3), 5);
	cr_assert_eq(ms_add_na(MS_NA, 3), MS_NA);
	cr_assert_eq(ms_add_na(INT64_MAX, 1), MS_NA);

	char small[4];
	ms_copy_field(small, sizeof small, "abcdef", 6);
	cr_assert_str_eq(small, "abc");
}

Test(util, errors_carry_code_line_and_prefix)
{
	ms_error e;
	ms_error_clear(&e);
	cr_assert_eq(ms_error_set(&e, EINVAL, 7, "bad %s", "row"), -EINVAL);
	cr_assert_eq(e.code, EINVAL);
	cr_assert_eq(e.line, 7);
	ms_error_prefix(&e, "slabinfo");
	cr_assert_str_eq(e.msg, "slabinfo: bad row");
}

static const char hostile[] = "a\x1b[31mred\n\"q\",\x07\x9b\xc2\x9b\xe2\x80\xae\xff\xc3\xa9";

Test(util, display_escapes_every_control)
{
	ms_buf b = MS_BUF_INIT;
	cr_assert_eq(ms_escape_display(&b, hostile, sizeof hostile - 1), 0);
	cr_assert_str_eq(b.data,
		"a\\e[31mred\\n\"q\",\\x07\\x9b\\x9b\\u202e\\xff\xc3\xa9");
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		cr_assert(c >= 0x20 && c != 0x7f, "byte %zu is a control", i);
	}
	cr_assert_eq(ms_display_width("\xc3\xa9\xe4\xb8\xad", 5), 3);
	ms_buf_free(&b);
}

Test(util, json_and_csv_escaping)
{
	ms_buf b = MS_BUF_INIT;

	/* What the fast paths may copy as it is. */
	cr_assert(ms_is_plain_display("/usr/lib/a b.so", 15));
	cr_assert(ms_is_plain_json("/usr/lib/a b.so", 15));
	cr_assert(ms_is_plain_display("say \"hi\"\\", 9));
	cr_assert(!ms_is_plain_json("say \"hi\"", 8));
	cr_assert(!ms_is_plain_json("a\\b", 3));
	cr_assert(!ms_is_plain_display("\033]0;x", 6));
	cr_assert(!ms_is_plain_display("caf\xc3\xa9", 5), "UTF-8 goes the slow way");
	cr_assert(!ms_is_plain_display("a\x7f", 2));
	cr_assert(ms_is_plain_display("", 0));
	cr_assert_eq(ms_escape_json(&b, hostile, sizeof hostile - 1), 0);
	cr_assert_str_eq(b.data,
		"a\\u001b[31mred\\n\\\"q\\\",\\u0007\\\\x9b\\u009b\\u202e\\\\xff\xc3\xa9");
	ms_buf_reset(&b);
	cr_assert_eq(ms_escape_csv(&b, "say \"hi\", bye", 13), 0);
	cr_assert_str_eq(b.data, "\"say \"\"hi\"\", bye\"");
	ms_buf_reset(&b);
	cr_assert_eq(ms_escape_csv(&b, "plain", 5), 0);
	cr_assert_str_eq(b.data, "plain");
	ms_buf_reset(&b);
	cr_assert_eq(ms_escape_csv(&b, "two\nlines", 9), 0);
	cr_assert_str_eq(b.data, "two\\nlines");
	ms_buf_free(&b);
}

Test(util, json_writer_places_commas_and_nulls)
{
	ms_buf b = MS_BUF_INIT;
	ms_json j;
	ms_json_init(&j, &b);
	ms_json_obj_begin(&j);
	ms_json_kv_str(&j, "schema", "memscope/1");
	ms_json_kv_i64(&j, "known", -3);
	ms_json_kv_i64(&j, "unknown", MS_NA);
	ms_json_key(&j, "list");
	ms_json_arr_begin(&j);
	ms_json_i64(&j, 1);
	ms_json_obj_begin(&j);
	ms_json_obj_end(&j);
	ms_json_arr_begin(&j);
	ms_json_arr_end(&j);
	ms_json_double(&j, 0.125, 3);
	ms_json_bool(&j, true);
	ms_json_str(&j, NULL);
	ms_json_arr_end(&j);
	ms_json_obj_end(&j);
	cr_assert_str_eq(b.data, "{\"schema\":\"memscope/1\",\"known\":-3,\"unknown\":null,"
				 "\"list\":[1,{},[],0.125,true,null]}");
	ms_buf_free(&b);
}
