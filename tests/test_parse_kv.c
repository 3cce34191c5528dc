/* SPDX-License-Identifier: GPL-2.0-or-later */
/* meminfo, vmstat and the key/value list. Values come from the fixtures
 * (tests/fixtures/README.md), read by eye. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_kvlist kv;
static ms_error err;

static void setup(void)
{
	memset(&kv, 0, sizeof kv);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_kvlist_free(&kv);
	ms_buf_free(&buf);
}

TestSuite(parse_meminfo, .init = setup, .fini = teardown);

Test(parse_meminfo, linux_6_18_x86_64)
{
	TU_PARSE_FIXTURE(ms_parse_meminfo, "meminfo/linux-6.18-x86_64", &kv, &err);
	cr_assert_eq(kv.n, 54);
	/* Kernel order is kept. */
	cr_assert_str_eq(kv.items[0].key, "MemTotal");
	cr_assert_eq(kv.items[0].value, 24684092);
	cr_assert(kv.items[0].kb);
	cr_assert_str_eq(kv.items[53].key, "DirectMap1G");
	cr_assert_eq(kv.items[53].value, 25165824);
	cr_assert_eq(ms_kvlist_get(&kv, "MemFree"), 22302296);
	cr_assert_eq(ms_kvlist_get(&kv, "MemAvailable"), 24261192);
	cr_assert_eq(ms_kvlist_get(&kv, "Percpu"), 784);
	cr_assert_eq(ms_kvlist_get(&kv, "Hugepagesize"), 2048);
}

Test(parse_meminfo, hugepage_counts_have_no_unit)
{
	TU_PARSE_FIXTURE(ms_parse_meminfo, "meminfo/linux-6.18-x86_64", &kv, &err);
	for (size_t i = 0; i < kv.n; i++) {
		bool count = strncmp(kv.items[i].key, "HugePages_", 10) == 0;
		cr_assert_eq(kv.items[i].kb, !count, "%s", kv.items[i].key);
	}
}

Test(parse_meminfo, arm64_vendor_keys_glued_colon_negative)
{
	TU_PARSE_FIXTURE(ms_parse_meminfo, "meminfo/arm64-android-cma", &kv, &err);
	cr_assert_eq(kv.n, 53);
	cr_assert_eq(ms_kvlist_get(&kv, "ShadowCallStack"), 16016384);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaAllocated"), 19456);
	cr_assert_eq(ms_kvlist_get(&kv, "CmaReleased"), 185344);
	cr_assert_eq(ms_kvlist_get(&kv, "Committed_AS"), 139437036);
	cr_assert_eq(ms_kvlist_get(&kv, "NetAlloc"), -4);
	cr_assert_eq(ms_kvlist_get(&kv, "HugePages_Surp"), 0);
}

Test(parse_meminfo, absent_key_is_na_not_zero)
{
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, "MemTotal:  100 kB\n", &kv, &err), 0);
	cr_assert_eq(ms_kvlist_get(&kv, "MemAvailable"), MS_NA);
}

Test(parse_meminfo, empty_and_blank_input_parse_to_nothing)
{
	cr_assert_eq(ms_parse_meminfo("", 0, &kv, &err), 0);
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, "\n\n  \n", &kv, &err), 0);
	cr_assert_eq(kv.n, 0);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), MS_NA);
}

Test(parse_meminfo, last_line_without_newline_and_crlf)
{
	const char *in = "MemTotal: 5 kB\r\nMemFree: 3 kB";
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, in, &kv, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 5);
	cr_assert_eq(ms_kvlist_get(&kv, "MemFree"), 3);
}

Test(parse_meminfo, linux_2_4_byte_table_is_skipped)
{
	const char *in = "        total:    used:    free:  shared: buffers:  cached:\n"
			 "Mem:  130813952 126767104  4046848        0  1245184 34848768\n"
			 "Swap: 268419072 268419072        0\n"
			 "MemTotal:       127748 kB\n"
			 "MemShared:           0 kB\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, in, &kv, &err), 0, "%s", err.msg);
	cr_assert_eq(kv.n, 2);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 127748);
	cr_assert_eq(ms_kvlist_get(&kv, "Mem"), MS_NA);
}

Test(parse_meminfo, a_mem_line_outside_the_table_is_an_error)
{
	const char *in = "MemTotal: 1 kB\nMem: 1 2 3\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, in, &kv, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
}

Test(parse_meminfo, sysfs_node_prefix)
{
	const char *in = "Node 2 MemTotal:       134217728 kB\n"
			 "Node 2 HugePages_Free:      0\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, in, &kv, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 134217728);
	cr_assert_eq(ms_kvlist_get(&kv, "HugePages_Free"), 0);
}

Test(parse_meminfo, bad_line_names_the_line_and_keeps_earlier_ones)
{
	const char *in = "MemTotal: 100 kB\nMemFree 50 kB\nCached: 1 kB\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, in, &kv, &err), -EINVAL);
	cr_assert_eq(err.code, EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(kv.n, 1);
	cr_assert_eq(ms_kvlist_get(&kv, "MemTotal"), 100);
}

Test(parse_meminfo, malformed_values_are_errors)
{
	static const char *const bad[] = {
		"MemTotal: 99999999999999999999 kB\n", /* overflows int64 */
		"MemTotal: 9223372036854775808\n",
		"MemTotal: kB\n",
		"MemTotal:\n",
		"MemTotal: 12 MB\n",
		"MemTotal: 12 kB extra\n",
		"MemTotal: 12kB\n",
		"MemTotal: 1-2 kB\n",
		": 12 kB\n",
		"Mem Total: 12 kB\n",
		"\x1b[2J: 12 kB\n",
		"ThisKeyIsMuchLongerThanFortySevenBytesAndSoCannotBeKept: 1 kB\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		ms_kvlist_free(&kv);
		cr_assert_eq(TU_PARSE_STR(ms_parse_meminfo, bad[i], &kv, &err), -EINVAL,
			     "accepted %s", bad[i]);
		cr_assert_eq(err.line, 1);
		cr_assert_eq(kv.n, 0);
	}
}

Test(parse_meminfo, nul_byte_is_an_error_not_a_short_value)
{
	static const char in[] = "MemTotal: 12\0 kB\n";
	cr_assert_eq(ms_parse_meminfo(in, sizeof in - 1, &kv, &err), -EINVAL);
	static const char key[] = "Mem\0Total: 12 kB\n";
	cr_assert_eq(ms_parse_meminfo(key, sizeof key - 1, &kv, &err), -EINVAL);
}

Test(parse_meminfo, huge_line_is_rejected_quickly)
{
	size_t n = 4 << 20;
	char *big = malloc(n);
	cr_assert_not_null(big);
	memset(big, 'A', n);
	cr_assert_eq(ms_parse_meminfo(big, n, &kv, &err), -EINVAL);
	memset(big, ' ', n);
	cr_assert_eq(ms_parse_meminfo(big, n, &kv, &err), 0);
	cr_assert_eq(kv.n, 0);
	free(big);
}

TestSuite(parse_vmstat, .init = setup, .fini = teardown);

Test(parse_vmstat, linux_6_18_x86_64)
{
	TU_PARSE_FIXTURE(ms_parse_vmstat, "vmstat/linux-6.18-x86_64", &kv, &err);
	cr_assert_eq(kv.n, 192);
	cr_assert_str_eq(kv.items[0].key, "nr_free_pages");
	cr_assert_eq(kv.items[0].value, 836631);
	cr_assert_not(kv.items[0].kb);
	cr_assert_eq(ms_kvlist_get(&kv, "nr_free_pages_blocks"), 812032);
	cr_assert_eq(ms_kvlist_get(&kv, "pgfault"), 3678081);
	cr_assert_eq(ms_kvlist_get(&kv, "pgmajfault"), 717);
	cr_assert_str_eq(kv.items[191].key, "nr_unstable");
	cr_assert_eq(ms_kvlist_get(&kv, "pswpin_nonexistent"), MS_NA);
}

Test(parse_vmstat, malformed_lines_are_errors)
{
	static const char *const bad[] = {
		"pgfault\n", "pgfault 12 34\n", "pgfault abc\n", "pgfault 12x\n",
		"pgfault 18446744073709551615\n", "pgfault: 12\n", "12\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		ms_kvlist_free(&kv);
		cr_assert_eq(TU_PARSE_STR(ms_parse_vmstat, bad[i], &kv, &err), -EINVAL,
			     "accepted %s", bad[i]);
		cr_assert_eq(err.line, 1);
	}
}

Test(parse_vmstat, error_on_third_line_keeps_two)
{
	cr_assert_eq(TU_PARSE_STR(ms_parse_vmstat, "a 1\nb 2\nc\nd 4\n", &kv, &err), -EINVAL);
	cr_assert_eq(err.line, 3);
	cr_assert_eq(kv.n, 2);
	cr_assert_eq(ms_kvlist_get(&kv, "b"), 2);
}

Test(parse_vmstat, tabs_and_negative_counters)
{
	/* Per-cpu drift can make a node counter print negative. */
	const char *in = "nr_isolated_anon\t-3\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_vmstat, in, &kv, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_kvlist_get(&kv, "nr_isolated_anon"), -3);
}

TestSuite(kvlist, .init = setup, .fini = teardown);

Test(kvlist, grows_and_first_duplicate_wins)
{
	char key[16];
	for (int i = 0; i < 200; i++) {
		int n = snprintf(key, sizeof key, "k%d", i);
		cr_assert_eq(ms_kvlist_add(&kv, key, (size_t)n, i * 10, i % 2), 0);
	}
	cr_assert_eq(ms_kvlist_add(&kv, "k7", 2, -1, false), 0);
	cr_assert_eq(kv.n, 201);
	cr_assert_eq(ms_kvlist_get(&kv, "k199"), 1990);
	cr_assert_eq(ms_kvlist_get(&kv, "k7"), 70);
	cr_assert(kv.items[7].kb);
}

Test(kvlist, rejects_empty_long_and_unprintable_keys)
{
	char longkey[48];
	memset(longkey, 'x', sizeof longkey);
	cr_assert_eq(ms_kvlist_add(&kv, longkey, 48, 1, false), -EINVAL);
	cr_assert_eq(ms_kvlist_add(&kv, longkey, 47, 1, false), 0);
	cr_assert_eq(ms_kvlist_add(&kv, "", 0, 1, false), -EINVAL);
	cr_assert_eq(ms_kvlist_add(&kv, "a\nb", 3, 1, false), -EINVAL);
	cr_assert_eq(kv.n, 1);
}

Test(kvlist, i64_word_needs_a_blank_after_it)
{
	const char *s = "12kB", *p = s;
	int64_t v;
	cr_assert_not(ms_parse_i64_word(&p, s + 4, &v));
	cr_assert_eq(p, s);
	s = "  -12\t7";
	p = s;
	cr_assert(ms_parse_i64_word(&p, s + strlen(s), &v));
	cr_assert_eq(v, -12);
	cr_assert_eq(p, s + 5);
}

/* Any cut of a real file parses, or fails with EINVAL on its last line. */
Test(parse_meminfo, every_truncation_of_the_fixture)
{
	tu_fixture_read("meminfo/arm64-android-cma", &buf);
	for (size_t n = 0; n <= buf.len; n++) {
		ms_kvlist l = { 0 };
		int rc = ms_parse_meminfo(buf.data, n, &l, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && err.line == l.n + 1), "cut at %zu", n);
		ms_kvlist_free(&l);
	}
}
