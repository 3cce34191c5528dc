/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "parse_pid": /proc/PID/status, stat, statm and cmdline, on the
 * hand-written fixtures of tests/fixtures/{status,stat} (README-proc.md)
 * and on hostile inline input.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

/* ---- status ------------------------------------------------------------ */

Test(parse_pid, status_user_process_6_8)
{
	ms_pid_status st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_status, "status/x86_64-6.8-user.status", &st, &err);
	cr_assert_str_eq(st.name, "Web Content");
	cr_assert_eq(st.tgid, 24113);
	cr_assert_eq(st.ppid, 2281);
	cr_assert_eq(st.uid, 1000);
	cr_assert_eq(st.euid, 1000);
	cr_assert_eq(st.vm_peak, 3162424);
	cr_assert_eq(st.vm_size, 3087560);
	cr_assert_eq(st.vm_hwm, 412840);
	cr_assert_eq(st.vm_rss, 398216);
	cr_assert_eq(st.rss_anon, 301444);
	cr_assert_eq(st.rss_file, 95748);
	cr_assert_eq(st.rss_shmem, 1024);
	cr_assert_eq(st.vm_swap, 1536);
	cr_assert_eq(st.hugetlb_pages, 0);
	cr_assert_eq(st.kthread, 0);
	cr_assert_eq(st.state, 'S');
}

/* A zombie: the State letter says it; no Vm* lines (its memory is freed)
 * although it is not a kernel thread. */
Test(parse_pid, status_zombie)
{
	ms_pid_status st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_status, "status/x86_64-6.18-zombie.status", &st, &err);
	cr_assert_str_eq(st.name, "sleep");
	cr_assert_eq(st.state, 'Z');
	cr_assert_eq(st.kthread, 0);
	cr_assert_eq(st.vm_size, MS_NA);
	cr_assert_eq(st.vm_rss, MS_NA);
}

Test(parse_pid, status_kernel_thread)
{
	ms_pid_status st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_status, "status/x86_64-6.8-kworker.status", &st, &err);
	cr_assert_str_eq(st.name, "kworker/u8:3-events_unbound");
	cr_assert_eq(st.kthread, 1);
	cr_assert_eq(st.ppid, 2);
	/* A kernel thread has no mm: its Vm lines are absent, not zero. */
	cr_assert_eq(st.vm_size, MS_NA);
	cr_assert_eq(st.vm_rss, MS_NA);
	cr_assert_eq(st.vm_swap, MS_NA);
	cr_assert_eq(st.rss_anon, MS_NA);
}

Test(parse_pid, status_escaped_name_and_setuid)
{
	ms_pid_status st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_status, "status/x86_64-6.8-escaped-name.status", &st, &err);
	/* Kept as the kernel printed it: backslash-n, double backslash. */
	cr_assert_str_eq(st.name, "a\\nb\\\\c");
	cr_assert_eq(st.uid, 1000);
	cr_assert_eq(st.euid, 0);
	cr_assert_eq(st.vm_rss, 3312);
}

Test(parse_pid, status_old_kernel_lacks_newer_lines)
{
	ms_pid_status st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_status, "status/armv7-3.4.status", &st, &err);
	cr_assert_str_eq(st.name, "mediaserver");
	cr_assert_eq(st.tgid, 137);
	cr_assert_eq(st.uid, 1013);
	cr_assert_eq(st.vm_size, 58772);
	cr_assert_eq(st.vm_rss, 10540);
	cr_assert_eq(st.vm_swap, 0);
	cr_assert_eq(st.kthread, -1, "3.4 prints no Kthread:");
	cr_assert_eq(st.state, 'S');
	cr_assert_eq(st.rss_anon, MS_NA);
	cr_assert_eq(st.rss_file, MS_NA);
	cr_assert_eq(st.hugetlb_pages, MS_NA);
}

Test(parse_pid, status_malformed)
{
	ms_pid_status st;
	ms_error err;

	const char *bad_rss = "Name:\tsh\nTgid:\t42\nVmRSS:\t  abc kB\nVmSwap:\t0 kB\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, bad_rss, &st, &err), -EINVAL);
	cr_assert_eq(err.line, 3);
	cr_assert_eq(st.tgid, 42, "lines before the error are kept");
	cr_assert_eq(st.vm_rss, MS_NA);
	cr_assert_eq(st.vm_swap, MS_NA);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "Name:\tsh\nno colon here\n", &st, &err),
		     -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "VmRSS:\t99999999999999999999 kB\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "VmRSS:\t  12\n", &st, &err), -EINVAL, "no unit");
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "Tgid:\t12 13\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "Uid:\t1000\n", &st, &err), -EINVAL, "one uid only");
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "Kthread:\t7\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "State:\t? (what)\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "State:\tRS\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "State:\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "State:\tI (idle)\n", &st, &err), 0);
	cr_assert_eq(st.state, 'I');
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, "", &st, &err), 0);
	cr_assert_str_eq(st.name, "");
	cr_assert_eq(st.tgid, MS_NA);
	cr_assert_eq(st.kthread, -1);
	cr_assert_eq(st.state, 0, "not printed");
	/* A name longer than the field is cut, a NUL ends it. */
	const char *long_name = "Name:\t0123456789012345678901234567890123456789012345678901234"
				"567890123456789\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_status, long_name, &st, &err), 0);
	cr_assert_eq(strlen(st.name), sizeof(st.name) - 1);
	const char nul[] = "Name:\tab\0cd\nTgid:\t7\n";
	cr_assert_eq(ms_parse_pid_status(nul, sizeof nul - 1, &st, &err), 0);
	cr_assert_str_eq(st.name, "ab");
	cr_assert_eq(st.tgid, 7);
}

/* ---- stat -------------------------------------------------------------- */

Test(parse_pid, stat_comm_with_parens_and_spaces)
{
	ms_pid_stat st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_stat, "stat/comm-parens-armv7.stat", &st, &err);
	cr_assert_eq(st.pid, 31337);
	cr_assert_str_eq(st.comm, "a) b) (c");
	cr_assert_eq(st.state, 'S');
	cr_assert_eq(st.ppid, 1);
	cr_assert_eq(st.flags, 4194560);
	cr_assert_eq(st.flags & MS_PF_KTHREAD, 0);
	cr_assert_eq(st.vsize, 2240512);
	cr_assert_eq(st.rss, 85);
	/* Field 22 (counted by hand past the comm's spaces): what tells
	 * this process from a later one that reuses its pid. */
	cr_assert_eq(st.starttime, 5012);
}

Test(parse_pid, stat_kernel_thread)
{
	ms_pid_stat st;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_stat, "stat/kworker-x86_64-6.8.stat", &st, &err);
	cr_assert_eq(st.pid, 118);
	cr_assert_str_eq(st.comm, "kworker/u8:3-events_unbound");
	cr_assert_eq(st.state, 'I');
	cr_assert_eq(st.ppid, 2);
	cr_assert_eq(st.flags, 69238880);
	cr_assert_neq(st.flags & MS_PF_KTHREAD, 0);
	cr_assert_eq(st.vsize, 0);
	cr_assert_eq(st.rss, 0);
	cr_assert_eq(st.starttime, 64); /* awk '{print $22}' of the file */
}

/* stat and status of one process describe the same memory: vsize in bytes
 * is VmSize in kB, rss in 4 KiB pages is VmRSS. */
Test(parse_pid, stat_agrees_with_status)
{
	ms_pid_stat stat;
	ms_pid_status status;
	ms_error err;

	TU_PARSE_FIXTURE(ms_parse_pid_stat, "stat/web-content-x86_64-6.8.stat", &stat, &err);
	TU_PARSE_FIXTURE(ms_parse_pid_status, "status/x86_64-6.8-user.status", &status, &err);
	cr_assert_str_eq(stat.comm, status.name);
	cr_assert_eq(stat.pid, status.tgid);
	cr_assert_eq(stat.ppid, status.ppid);
	cr_assert_eq(stat.vsize, 3161661440);
	cr_assert_eq(stat.vsize / 1024, status.vm_size);
	cr_assert_eq(stat.rss, 99554);
	cr_assert_eq(stat.rss * 4, status.vm_rss);
}

Test(parse_pid, stat_every_truncation_fails_cleanly)
{
	ms_buf b = MS_BUF_INIT;
	ms_pid_stat st;
	ms_error err;

	tu_fixture_read("stat/comm-parens-armv7.stat", &b);
	/* The 24th field (rss, "85") and the blank after it end here: a cut
	 * inside "85" must not pass for rss 8. */
	const char *rss_end = strstr(b.data, " 85 ") + 4;
	size_t need = (size_t)(rss_end - b.data);
	for (size_t n = 0; n <= b.len; n++) {
		char *cut = malloc(n ? n : 1);
		cr_assert_not_null(cut);
		memcpy(cut, b.data, n);
		int rc = ms_parse_pid_stat(cut, n, &st, &err);
		if (n < need)
			cr_assert_eq(rc, -EINVAL, "prefix of %zu accepted", n);
		else
			cr_assert_eq(rc, 0, "prefix of %zu refused: %s", n, err.msg);
		free(cut);
	}
	ms_buf_free(&b);
}

Test(parse_pid, stat_malformed)
{
	ms_pid_stat st;
	ms_error err;
	const char *tail = " S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 100 2 0\n";
	ms_buf b = MS_BUF_INIT;

	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, "1 init S 0 0 0\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, "x1 (init) S 0\n", &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, "1 )init( S 0\n", &st, &err), -EINVAL);
	ms_buf_printf(&b, "1 (init)%s", tail);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, b.data, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.vsize, 100);
	cr_assert_eq(st.rss, 2);
	ms_buf_reset(&b);
	ms_buf_printf(&b, "1 (init) S 1 1 1 0 -1 99999999999999999999 0 0 0 0 0 0 0 0 20 0 1 0 "
			  "5 100 2 0\n");
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, b.data, &st, &err), -EINVAL, "flags overflow");
	ms_buf_reset(&b);
	ms_buf_printf(&b, "1 (init) SS 1 1 1 0 -1 1 0 0 0 0 0 0 0 0 20 0 1 0 5 100 2 0\n");
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, b.data, &st, &err), -EINVAL,
		     "state is one letter");
	/* A comm longer than the field (not from a kernel) is cut. */
	ms_buf_reset(&b);
	ms_buf_puts(&b, "1 (");
	for (int i = 0; i < 200; i++)
		ms_buf_putc(&b, 'x');
	ms_buf_printf(&b, ")%s", tail);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_stat, b.data, &st, &err), 0);
	cr_assert_eq(strlen(st.comm), sizeof(st.comm) - 1);
	ms_buf_free(&b);
}

/* ---- statm ------------------------------------------------------------- */

Test(parse_pid, statm)
{
	ms_pid_statm st;
	ms_error err;

	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, "765 403 375 5 0 123 0\n", &st, &err), 0);
	cr_assert_eq(st.size, 765);
	cr_assert_eq(st.resident, 403);
	cr_assert_eq(st.shared, 375);
	cr_assert_eq(st.text, 5);
	cr_assert_eq(st.lib, 0);
	cr_assert_eq(st.data, 123);
	cr_assert_eq(st.dt, 0);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, "0 0 0 0 0 0 0", &st, &err), 0,
		     "kernel thread, no newline");
	cr_assert_eq(st.size, 0);

	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, "765 403 375 5 0 123\n", &st, &err), -EINVAL);
	cr_assert_eq(st.data, 123);
	cr_assert_eq(st.dt, MS_NA, "the missing field is unknown");
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, "765 403 375 5 0 123 0 9\n", &st, &err),
		     -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, "765 403 x 5 0 123 0\n", &st, &err), -EINVAL);
	const char *overflow = "99999999999999999999 1 1 1 0 1 0\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, overflow, &st, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_pid_statm, "", &st, &err), -EINVAL);
	cr_assert_eq(st.size, MS_NA);
}

/* ---- cmdline ----------------------------------------------------------- */

Test(parse_pid, cmdline)
{
	ms_buf out = MS_BUF_INIT;

	const char argv[] = "/usr/bin/python3\0-m\0http.server\0--bind\0::1\0";
	cr_assert_eq(ms_parse_cmdline(argv, sizeof argv - 1, &out), 0);
	cr_assert_str_eq(out.data, "/usr/bin/python3 -m http.server --bind ::1");
	cr_assert_eq(out.len, strlen(out.data));

	/* A process that rewrote its argv (nginx, postgres) into one string,
	 * padded with NULs. */
	const char rewritten[] = "nginx: worker process\0\0\0\0\0\0";
	cr_assert_eq(ms_parse_cmdline(rewritten, sizeof rewritten - 1, &out), 0);
	cr_assert_str_eq(out.data, "nginx: worker process");

	/* An empty argument stays visible as two spaces. */
	const char empty_arg[] = "a\0\0b\0";
	cr_assert_eq(ms_parse_cmdline(empty_arg, sizeof empty_arg - 1, &out), 0);
	cr_assert_str_eq(out.data, "a  b");

	/* Kernel threads and zombies: empty. */
	ms_buf_free(&out);
	cr_assert_eq(ms_parse_cmdline("", 0, &out), 0);
	cr_assert_not_null(out.data);
	cr_assert_str_eq(out.data, "");
	cr_assert_eq(ms_parse_cmdline("\0\0", 2, &out), 0);
	cr_assert_str_eq(out.data, "");
	ms_buf_free(&out);
}
