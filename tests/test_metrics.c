/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "metrics": `memscope metrics` against the real components. The
 * exposition of each snapshot in data/ and the corpus is read back by an
 * independent parser (tests/remote/check-exposition.py) and compared with
 * the same snapshot's own views; promtool (Debian's prometheus package)
 * checks its format and lint, and backfills a folder of captures; a real
 * Prometheus scrapes `metrics --listen` on loopback
 * (tests/remote/prometheus-e2e.sh). Each skips with the reason when what it
 * needs is not installed.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- the label escape ------------------------------------------------------ */

Test(metrics, labels_hold_no_raw_control_quote_or_backslash)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "bash", "bash" },
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		/* a newline and ESC are display-escaped first: their
		 * backslash is then the label's to escape */
		{ "x\ny", "x\\\\ny" },
		{ "\x1b]0;pwn\a", "\\\\e]0;pwn\\\\x07" },
		{ "\xff", "\\\\xff" },
		{ "h\xc3\xa9", "h\xc3\xa9" },
		{ "", "" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++) {
		ms_buf out = MS_BUF_INIT;
		cr_assert_eq(ms_escape_label(&out, cases[i].in, strlen(cases[i].in)), 0);
		cr_expect_str_eq(out.data ? out.data : "", cases[i].out, "case %zu", i);
		ms_buf_free(&out);
	}
}

/* ---- each snapshot's exposition against its own views ------------------------- */

static void check_exposition(const char *snap, int top)
{
	char cmd[PATH_MAX * 3];
	ms_buf out = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "python3 '%s' '%s' '%s' %d 2>&1",
		 tu_tests_file("remote/check-exposition.py"), tu_bin(), snap, top);
	int rc = tu_run(cmd, &out);
	cr_expect_eq(rc, 0, "%s --top %d: %s", snap, top, out.data);
	ms_buf_free(&out);
}

Test(metrics, data_snapshots_equal_their_own_views)
{
	static const char *const snaps[] = {
		"board-arm64-qemu.tar.gz", "board-arm64-qemu-sh.tar.gz", "board-armv7-qemu.tar.gz",
		"board-armv7-qemu-sh.tar.gz", "demo-x86_64.tar.gz",
	};
	tu_need("python3", "Debian package python3");
	for (size_t i = 0; i < MS_ARRAY_LEN(snaps); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/data/%s", MS_SRCDIR, snaps[i]);
		check_exposition(path, 3);
		check_exposition(path, 100000);
	}
}

Test(metrics, corpus_captures_equal_their_own_views)
{
	static const char *const captures[] = {
		"chromeos-x86_64-syslogs", "goclever-insignia5-android", "node_exporter",
		"r36s-clone-rk3326-arkos-5.10.160", "xilinx-zynq-armv7-4.4",
		"zte-router-armv7-4.1.25",
	};
	tu_need("python3", "Debian package python3");
	size_t done = 0;
	for (size_t i = 0; i < MS_ARRAY_LEN(captures); i++) {
		const char *snap = tu_corpus(captures[i]);
		if (!snap)
			continue;
		check_exposition(snap, 5);
		done++;
	}
	if (!done)
		cr_skip_test("corpus absent");
}

/* ---- promtool ------------------------------------------------------------------ */

/* promtool check metrics on cmd's output: no format error, and no lint
 * problem but the camelCase of node_exporter's own meminfo names. The
 * Prometheus text parser of promtool takes timestamps in milliseconds,
 * OpenMetrics writes seconds: a sample's timestamp is dropped first (after
 * the labels' closing brace: a label value may hold spaces, "tmux: server"). */
static void promtool_check(const char *cmd, bool has_meminfo)
{
	char full[PATH_MAX * 2];
	ms_buf out = MS_BUF_INIT;

	snprintf(full, sizeof full,
		 "%s | sed -E '/^#/!s/^([^ {]+(\\{.*\\})?) ([^ ]+) [^ ]+$/\\1 \\3/' "
		 "| promtool check metrics 2>&1; echo \"status $?\"",
		 cmd);
	tu_run(full, &out);
	cr_assert(out.data);
	size_t camel = 0;
	ms_lines it;
	const char *line;
	size_t len;
	ms_lines_init(&it, out.data, out.len);
	while (ms_lines_next(&it, &line, &len)) {
		if (len == 0 || strncmp(line, "status ", 7) == 0)
			continue;
		bool node_camel = strncmp(line, "node_memory_", 12) == 0 &&
				  memmem(line, len, "camelCase", 9) != NULL;
		cr_expect(node_camel, "promtool: %.*s", (int)len, line);
		camel += node_camel;
	}
	/* With meminfo, no camelCase line would mean that no exposition
	 * reached promtool. It exits 3 for lint problems, 1 for a format
	 * error. */
	cr_expect_eq(camel > 0, has_meminfo, "%s: %zu node_memory_ families", cmd, camel);
	cr_expect(strstr(out.data, camel ? "status 3" : "status 0"), "%s: %s", cmd, out.data);
	ms_buf_free(&out);
}

Test(metrics, promtool_finds_only_node_exporter_camel_case_here)
{
	char cmd[PATH_MAX + 64];

	tu_need("promtool", "Debian package prometheus");
	snprintf(cmd, sizeof cmd, "'%s' metrics", tu_bin());
	promtool_check(cmd, true);
	snprintf(cmd, sizeof cmd, "'%s' metrics --top 1", tu_bin());
	promtool_check(cmd, true);
}

Test(metrics, promtool_finds_only_camel_case_in_snapshots_and_hostile_names)
{
	char cmd[PATH_MAX * 2];

	tu_need("promtool", "Debian package prometheus");
	tu_need("python3", "Debian package python3");
	snprintf(cmd, sizeof cmd, "'%s' metrics -s '%s/data/board-armv7-qemu.tar.gz'", tu_bin(),
		 MS_SRCDIR);
	promtool_check(cmd, true);
	/* Names with control bytes, quotes and invalid UTF-8, made at test
	 * time by the hostile suite's generator. */
	static const struct {
		const char *name;
		bool meminfo;
	} hostile[] = { { "bad-utf8", true }, { "long-names", true }, { "nul-bytes", false } };
	for (size_t i = 0; i < MS_ARRAY_LEN(hostile); i++) {
		const char *dir = tu_tmpdir();
		ms_buf snap = MS_BUF_INIT;
		snprintf(cmd, sizeof cmd, "python3 '%s/../hostile/make-hostile.py' '%s' %s",
			 tu_fixture(""), dir, hostile[i].name);
		cr_assert_eq(tu_run(cmd, &snap), 0, "make-hostile.py %s", hostile[i].name);
		snap.data[strcspn(snap.data, "\n")] = '\0';
		snprintf(cmd, sizeof cmd, "'%s' metrics -s '%s' 2>/dev/null", tu_bin(), snap.data);
		promtool_check(cmd, hostile[i].meminfo);
		ms_buf_free(&snap);
		tu_rm_rf(dir);
	}
}

/* Every sample of a folder of captures backfills: promtool makes blocks
 * holding exactly the samples written. */
Test(metrics, a_folder_of_captures_backfills_with_promtool)
{
	char cmd[PATH_MAX * 3];
	ms_buf out = MS_BUF_INIT, om = MS_BUF_INIT;

	tu_need("promtool", "Debian package prometheus");
	const char *dir = tu_tmpdir();
	snprintf(cmd, sizeof cmd, "'%s' metrics -s '%s/data' 2>/dev/null > '%s/all.om'",
		 tu_bin(), MS_SRCDIR, dir);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof cmd, "%s/all.om", dir);
	cr_assert(tu_read_file(cmd, &om));
	size_t written = 0, hosts = 0;
	ms_lines it;
	const char *line;
	size_t len;
	ms_lines_init(&it, om.data, om.len);
	while (ms_lines_next(&it, &line, &len)) {
		if (len && line[0] != '#')
			written++;
		if (len > 40 && strncmp(line, "node_memory_MemTotal_bytes{host=", 32) == 0)
			hosts++;
	}
	cr_expect_eq(hosts, 5, "one MemTotal per capture in data/: %zu", hosts);
	snprintf(cmd, sizeof cmd,
		 "promtool tsdb create-blocks-from openmetrics '%s/all.om' '%s/tsdb' 2>&1 | "
		 "awk '/^[0-9A-Z]+ +[0-9]+ +[0-9]+ / { n += $5 } END { print n + 0 }'",
		 dir, dir);
	cr_assert_eq(tu_run(cmd, &out), 0);
	cr_expect_eq(strtoull(out.data, NULL, 10), written, "promtool took %s samples of %zu",
		     out.data, written);
	ms_buf_free(&out);
	ms_buf_free(&om);
	tu_rm_rf(dir);
}

/* ---- a real Prometheus ------------------------------------------------------------ */

Test(metrics, prometheus_scrapes_listen_and_agrees_with_the_json_views, .timeout = 120)
{
	char cmd[PATH_MAX * 3];
	ms_buf out = MS_BUF_INIT;

	tu_need("prometheus", "Debian package prometheus");
	tu_need("python3", "Debian package python3");
	snprintf(cmd, sizeof cmd, "sh '%s' '%s' '%s/tests/workload_helper' 2>&1",
		 tu_tests_file("remote/prometheus-e2e.sh"), tu_bin(), MS_BUILDDIR);
	int rc = tu_run(cmd, &out);
	if (rc == 77)
		cr_skip_test("%s", out.data);
	cr_expect_eq(rc, 0, "%s", out.data);
	ms_buf_free(&out);
}

Test(metrics, its_options_belong_to_it_alone)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof cmd, "'%s' procrank --top 3 >/dev/null 2>&1", tu_bin());
	cr_expect_eq(tu_run(cmd, NULL), 2);
	snprintf(cmd, sizeof cmd, "'%s' metrics --top 0 >/dev/null 2>&1", tu_bin());
	cr_expect_eq(tu_run(cmd, NULL), 2);
	snprintf(cmd, sizeof cmd, "'%s' metrics --listen 127.0.0.1:notaport >/dev/null 2>&1",
		 tu_bin());
	cr_expect_eq(tu_run(cmd, NULL), 2);
}
