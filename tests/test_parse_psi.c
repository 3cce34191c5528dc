/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pressure stall information (/proc/pressure files, memory.pressure): this
 * machine's file, the corpus files (values read by eye), a 5.10 cpu file
 * without "full", hostile lines and the truncation sweep.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_psi psi;
static ms_error err;

static void teardown(void)
{
	ms_buf_free(&buf);
}

TestSuite(parse_psi, .fini = teardown);

static int parse_str(const char *s)
{
	return ms_parse_psi(s, strlen(s), &psi, &err);
}

static void parse_path(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "cannot read %s", path);
	cr_assert_eq(ms_parse_psi(buf.data, buf.len, &psi, &err), 0, "%s: line %u: %s", path,
		     err.line, err.msg);
}

static void assert_line(const ms_psi_line *l, int64_t a10, int64_t a60, int64_t a300,
			int64_t total)
{
	cr_assert_eq(l->avg10, a10);
	cr_assert_eq(l->avg60, a60);
	cr_assert_eq(l->avg300, a300);
	cr_assert_eq(l->total_us, total);
}

Test(parse_psi, this_machine_idle)
{
	parse_path(tu_fixture("pressure/linux-6.18-x86_64-memory"));
	assert_line(&psi.some, 0, 0, 0, 1074);
	assert_line(&psi.full, 0, 0, 0, 916);
}

Test(parse_psi, arm64_under_memory_pressure)
{
	const char *path = tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/proc/pressure/memory");
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	assert_line(&psi.some, 72, 18, 4, 135651);
	assert_line(&psi.full, 72, 18, 4, 133792);
	parse_path(tu_corpus("qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc/pressure/memory"));
	assert_line(&psi.some, 0, 0, 0, 7123);
	assert_line(&psi.full, 0, 0, 0, 6501);
	parse_path(tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/proc/pressure/cpu"));
	assert_line(&psi.some, 337, 85, 18, 630736);
	parse_path(tu_corpus("prometheus-procfs/unpacked/fixtures/proc/pressure/memory"));
	assert_line(&psi.some, 10, 200, 385, 15);
	assert_line(&psi.full, 20, 300, 495, 25);
}

Test(parse_psi, cpu_before_5_13_has_no_full_line)
{
	parse_path(tu_fixture("pressure/cpu-5.10-no-full"));
	assert_line(&psi.some, 1250, 407, 99, 48021571);
	assert_line(&psi.full, MS_NA, MS_NA, MS_NA, MS_NA);
}

Test(parse_psi, later_keys_and_crlf_are_read_past)
{
	cr_assert_eq(parse_str("full avg10=1.00 avg60=2.00 avg300=3.00 total=4\r\n"
			       "some avg10=0.01 avg60=0.10 avg300=10.00 total=5 peak=7\r\n"),
		     0, "%s", err.msg);
	assert_line(&psi.some, 1, 10, 1000, 5);
	assert_line(&psi.full, 100, 200, 300, 4);
}

Test(parse_psi, hostile_lines_are_errors)
{
	static const char *const bad[] = {
		"some avg10=0.00 avg60=0.00 avg300=0.00\n",
		"some avg10=0.0 avg60=0.00 avg300=0.00 total=0\n",
		"some avg10=.00 avg60=0.00 avg300=0.00 total=0\n",
		"some avg10=-1.00 avg60=0.00 avg300=0.00 total=0\n",
		"some avg10=1.000 avg60=0.00 avg300=0.00 total=0\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=-1\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=99999999999999999999\n",
		"some avg10=99999999999999999.00 avg60=0.00 avg300=0.00 total=0\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0 junk\n",
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
		"half avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
		"full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
		"",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(parse_str(bad[i]), -EINVAL, "accepted %s", bad[i]);
		cr_assert_eq(psi.some.total_us, MS_NA);
		cr_assert_eq(psi.full.total_us, MS_NA);
	}
}

Test(parse_psi, every_truncation_of_a_real_file)
{
	const char *path = tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/proc/pressure/memory");
	if (!path)
		path = tu_fixture("pressure/linux-6.18-x86_64-memory");
	cr_assert(tu_read_file(path, &buf));
	for (size_t n = 0; n <= buf.len; n++) {
		int rc = ms_parse_psi(buf.data, n, &psi, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && psi.some.total_us == MS_NA), "cut at %zu", n);
	}
}
