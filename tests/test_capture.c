/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture: memscope capture (ms_capture) and data/memscope-capture.sh write
 * snapshots that open again with the same bytes, private modes, metadata,
 * kernel threads without memory files, and never over an existing output
 * unless forced.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/capture.h"
#include "memscope/parse.h"
#include "memscope/source.h"
#include "testutil.h"

static const char *script(void)
{
	return tu_fixture("../../data/memscope-capture.sh");
}

static void run_ok(const char *cmd)
{
	cr_assert_eq(tu_run(cmd, NULL), 0, "command failed: %s", cmd);
}

static ms_source *open_snapshot_ok(const char *path)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_snapshot(path, &err);

	cr_assert(src, "open %s: %s", path, err.msg);
	return src;
}

static int capture(ms_source *src, const char *out, bool force, ms_error *err)
{
	ms_capture_opts o = { .out = out, .force = force };
	return ms_capture(src, &o, err);
}

static void capture_live_ok(const char *out)
{
	ms_error err = { 0 };
	ms_source *live = ms_source_open_live(NULL, &err);

	cr_assert(live, "%s", err.msg);
	cr_assert_eq(capture(live, out, false, &err), 0, "capture %s: %s", out, err.msg);
	ms_source_close(live);
}

static void assert_mode(const char *path, mode_t type, mode_t perm)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s missing", path);
	cr_assert_eq(st.st_mode & S_IFMT, type, "%s: wrong type", path);
	cr_assert_eq(st.st_mode & 07777, perm, "%s: mode %o, want %o", path,
		     (unsigned)(st.st_mode & 07777), (unsigned)perm);
}

static bool has_file(ms_source *src, const char *rel)
{
	ms_buf b = MS_BUF_INIT;
	ms_error err;
	int r = ms_source_read(src, rel, &b, &err);

	ms_buf_free(&b);
	cr_assert(r == 0 || r == -ENOENT, "%s: %d %s", rel, r, err.msg);
	return r == 0;
}

static int64_t mem_total(ms_source *src)
{
	ms_buf b = MS_BUF_INIT;
	ms_kvlist kv = { 0 };
	ms_error err = { 0 };

	cr_assert_eq(ms_source_read(src, "meminfo", &b, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_parse_meminfo(b.data, b.len, &kv, &err), 0, "%s", err.msg);
	int64_t v = ms_kvlist_get(&kv, "MemTotal");
	ms_kvlist_free(&kv);
	ms_buf_free(&b);
	return v;
}

static void read_meta(ms_source *src, ms_snapshot_meta *m)
{
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	cr_assert_eq(ms_source_read(src, "memscope-snapshot", &b, &err), 0, "%s", err.msg);
	cr_assert_eq(ms_parse_snapshot_meta(b.data, b.len, m, &err), 0, "%s", err.msg);
	ms_buf_free(&b);
}

/* A capture of this machine: its MemTotal, our own process, its metadata. */
static void assert_live_capture(const char *path, const char *tool_prefix)
{
	ms_error err = { 0 };
	ms_source *live = ms_source_open_live(NULL, &err);
	ms_source *snap = open_snapshot_ok(path);
	const ms_source_info *info = ms_source_get_info(snap);
	ms_snapshot_meta m;
	int *pids = NULL;
	size_t n = 0;
	bool self = false;
	char rel[64];

	cr_assert(live);
	cr_assert_eq(mem_total(snap), mem_total(live));
	cr_assert_str_eq(info->layout, "memscope");
	cr_assert_eq(info->page_size, sysconf(_SC_PAGESIZE));
	cr_assert_str_eq(info->page_size_origin, "metadata");
	cr_assert_str_eq(info->kernel, ms_source_get_info(live)->kernel);
	cr_assert_str_eq(info->machine, ms_source_get_info(live)->machine);
	cr_assert_eq(strlen(info->captured_at), 20, "%s", info->captured_at);
	cr_assert_eq(info->captured_at[10], 'T');
	cr_assert_eq(info->captured_at[19], 'Z');
	read_meta(snap, &m);
	cr_assert_str_eq(m.format, "memscope/2");
	cr_assert(strncmp(m.tool, tool_prefix, strlen(tool_prefix)) == 0, "tool %s", m.tool);
	cr_assert_eq(ms_source_list_pids(snap, &pids, &n, &err), 0);
	for (size_t i = 0; i < n; i++)
		self |= pids[i] == getpid();
	cr_assert(self, "our pid %d not captured", getpid());
	snprintf(rel, sizeof rel, "%d/status", getpid());
	cr_assert(has_file(snap, rel));
	snprintf(rel, sizeof rel, "%d/smaps_rollup", getpid());
	cr_assert(has_file(snap, rel));
	free(pids);
	ms_source_close(snap);
	ms_source_close(live);
}

/* Nothing but the output is left next to it: no temporary names. */
static void assert_only_entry(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	cr_assert(d);
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		cr_assert_str_eq(de->d_name, name, "stray %s in %s", de->d_name, dir);
		n++;
	}
	closedir(d);
	cr_assert_eq(n, name ? 1 : 0);
}

Test(capture, live_to_directory)
{
	const char *tmp = tu_tmpdir();
	char out[512], path[600];

	snprintf(out, sizeof out, "%s/snap", tmp);
	capture_live_ok(out);
	assert_mode(out, S_IFDIR, 0700);
	/* proc/ and sys/ side by side, the metadata above them. */
	snprintf(path, sizeof path, "%s/proc", out);
	assert_mode(path, S_IFDIR, 0700);
	snprintf(path, sizeof path, "%s/proc/meminfo", out);
	assert_mode(path, S_IFREG, 0600);
	snprintf(path, sizeof path, "%s/memscope-snapshot", out);
	assert_mode(path, S_IFREG, 0600);
	snprintf(path, sizeof path, "%s/proc/%d", out, getpid());
	assert_mode(path, S_IFDIR, 0700);
	snprintf(path, sizeof path, "%s/proc/%d/smaps", out, getpid());
	assert_mode(path, S_IFREG, 0600);
	assert_live_capture(out, "memscope ");
	assert_only_entry(tmp, "snap");
	tu_rm_rf(tmp);
}

Test(capture, live_to_tar_gz)
{
	const char *tmp = tu_tmpdir();
	char out[512], cmd[1200];
	ms_buf listing = MS_BUF_INIT;

	snprintf(out, sizeof out, "%s/board.tar.gz", tmp);
	capture_live_ok(out);
	assert_mode(out, S_IFREG, 0600);
	/* One folder inside, named after the file, private modes. */
	snprintf(cmd, sizeof cmd, "tar -tvzf '%s' | sed -n '1,2p;$p'", out);
	cr_assert_eq(tu_run(cmd, &listing), 0);
	cr_assert(strncmp(listing.data, "drwx------", 10) == 0, "%s", listing.data);
	cr_assert(strstr(listing.data, " board/\n"), "%s", listing.data);
	cr_assert(strstr(listing.data, "\n-rw-------"), "%s", listing.data);
	/* The metadata last: a cut archive never claims to be whole. */
	cr_assert(strstr(listing.data, " board/memscope-snapshot\n") ==
		  listing.data + listing.len - strlen(" board/memscope-snapshot\n"),
		  "%s", listing.data);
	ms_source *snap = open_snapshot_ok(out);
	cr_assert_str_eq(ms_source_get_info(snap)->container, "tar.gz");
	ms_source_close(snap);
	assert_live_capture(out, "memscope ");
	assert_only_entry(tmp, "board.tar.gz");
	ms_buf_free(&listing);
	tu_rm_rf(tmp);
}

Test(capture, stdout_is_a_tar_gz)
{
	const char *tmp = tu_tmpdir();
	char out[512];
	ms_error err = { 0 };
	ms_source *live = ms_source_open_live(NULL, &err);

	snprintf(out, sizeof out, "%s/piped.tgz", tmp);
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600);
	int saved = dup(STDOUT_FILENO);
	cr_assert(fd >= 0 && saved >= 0 && live);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	int r = capture(live, "-", false, &err);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	cr_assert_eq(r, 0, "%s", err.msg);
	ms_source_close(live);
	assert_live_capture(out, "memscope ");
	tu_rm_rf(tmp);
}

/* The fixture tree as a live root: what is copied, what is left out. */
Test(capture, options_and_kernel_threads)
{
	const char *fix = tu_fixture("snapshots/mem16k");
	const char *tmp = tu_tmpdir();
	char out[512], path[600];
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(fix, &err);
	ms_capture_opts o = { .no_cmdline = true, .no_smaps = true };
	ms_buf a = MS_BUF_INIT, b = MS_BUF_INIT;

	cr_assert(src, "%s", err.msg);
	snprintf(out, sizeof out, "%s/opts", tmp);
	o.out = out;
	cr_assert_eq(ms_capture(src, &o, &err), 0, "%s", err.msg);
	ms_source *snap = open_snapshot_ok(out);
	static const char *const same[] = { "meminfo", "buddyinfo", "version", "1/stat",
					    "1/status", "1/comm", "1/smaps_rollup", "2/stat",
					    "2/status", "2/comm" };
	for (size_t i = 0; i < MS_ARRAY_LEN(same); i++) {
		snprintf(path, sizeof path, "%s/%s", fix, same[i]);
		cr_assert(tu_read_file(path, &a));
		cr_assert_eq(ms_source_read(snap, same[i], &b, &err), 0, "%s", same[i]);
		cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "%s", same[i]);
	}
	cr_assert_not(has_file(snap, "1/cmdline"));   /* --no-cmdline */
	cr_assert_not(has_file(snap, "2/maps"));      /* kthreadd: PF_KTHREAD */
	cr_assert_not(has_file(snap, "2/cmdline"));
	cr_assert_not(has_file(snap, "zoneinfo"));    /* not in the tree */
	cr_assert_not(has_file(snap, "memscope-snapshot/x"));
	ms_source_close(snap);
	ms_source_close(src);
	ms_buf_free(&a);
	ms_buf_free(&b);
	tu_rm_rf(tmp);
}

/* Capturing a snapshot again keeps what it said about its machine. */
Test(capture, recapture_keeps_snapshot_facts)
{
	const char *tmp = tu_tmpdir();
	char out[512];
	ms_error err = { 0 };
	ms_source *src = open_snapshot_ok(tu_fixture("snapshots/mem16k"));

	snprintf(out, sizeof out, "%s/again.tar.xz", tmp);
	cr_assert_eq(capture(src, out, false, &err), 0, "%s", err.msg);
	ms_source_close(src);
	ms_source *snap = open_snapshot_ok(out);
	const ms_source_info *info = ms_source_get_info(snap);
	cr_assert_str_eq(info->container, "tar.xz");
	cr_assert_eq(info->page_size, 16384);
	cr_assert_str_eq(info->kernel, "6.8.9-402.asahi.fc40.aarch64+16k");
	cr_assert_str_eq(info->captured_at, "2026-03-02T10:15:00Z");
	cr_assert_str_eq(info->hostname, "asahi-mini");
	cr_assert(has_file(snap, "1/cmdline"));
	ms_source_close(snap);
	tu_rm_rf(tmp);
}

Test(capture, refuses_existing_output_unless_forced)
{
	const char *tmp = tu_tmpdir();
	char out[512], marker[600], cmd[1400];
	ms_error err = { 0 };

	snprintf(out, sizeof out, "%s/snap", tmp);
	capture_live_ok(out);
	snprintf(marker, sizeof marker, "%s/marker", out);
	snprintf(cmd, sizeof cmd, "echo old > '%s'", marker);
	run_ok(cmd);
	ms_source *live = ms_source_open_live(NULL, &err);
	cr_assert_eq(capture(live, out, false, &err), -EEXIST);
	cr_assert(strstr(err.msg, "already exists"), "%s", err.msg);
	cr_assert_eq(access(marker, F_OK), 0, "refused capture touched the old one");
	cr_assert_eq(capture(live, out, true, &err), 0, "%s", err.msg);
	cr_assert_neq(access(marker, F_OK), 0, "forced capture kept the old files");
	assert_only_entry(tmp, "snap");

	/* A file is replaced in one rename. */
	snprintf(out, sizeof out, "%s/b.tgz", tmp);
	snprintf(cmd, sizeof cmd, "echo junk > '%s'", out);
	run_ok(cmd);
	cr_assert_eq(capture(live, out, false, &err), -EEXIST);
	cr_assert_eq(capture(live, out, true, &err), 0, "%s", err.msg);
	ms_source_close(open_snapshot_ok(out));
	ms_source_close(live);
	tu_rm_rf(tmp);
}

Test(capture, never_replaces_a_folder_that_is_not_a_snapshot)
{
	const char *tmp = tu_tmpdir();
	char out[512], keep[600], cmd[1400];
	ms_error err = { 0 };
	ms_source *live = ms_source_open_live(NULL, &err);

	snprintf(out, sizeof out, "%s/home", tmp);
	snprintf(keep, sizeof keep, "%s/thesis.tex", out);
	snprintf(cmd, sizeof cmd, "mkdir '%s' && echo precious > '%s'", out, keep);
	run_ok(cmd);
	cr_assert_eq(capture(live, out, true, &err), -EEXIST);
	cr_assert(strstr(err.msg, "not a memscope snapshot"), "%s", err.msg);
	cr_assert_eq(access(keep, F_OK), 0);
	assert_only_entry(tmp, "home");
	ms_source_close(live);
	tu_rm_rf(tmp);
}

Test(capture, bad_outputs)
{
	ms_error err = { 0 };
	ms_source *live = ms_source_open_live(NULL, &err);
	ms_capture_opts none = { 0 };

	cr_assert_eq(ms_capture(live, &none, &err), -EINVAL);
	cr_assert_eq(capture(live, "/nonexistent-dir/snap", false, &err), -ENOENT, "%s",
		     err.msg);
	cr_assert_eq(capture(live, "", false, &err), -EINVAL);
	cr_assert_eq(capture(live, "/tmp/..", false, &err), -EINVAL);
	ms_source_close(live);
}

/* ---- data/memscope-capture.sh ------------------------------------------ */

static void need(const char *prog)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "command -v %s > /dev/null", prog);
	if (tu_run(cmd, NULL) != 0)
		cr_skip_test("%s absent", prog);
}

Test(capture, script_busybox_tar_gz)
{
	need("busybox");
	const char *tmp = tu_tmpdir();
	char out[512], cmd[1400];

	snprintf(out, sizeof out, "%s/board.tar.gz", tmp);
	snprintf(cmd, sizeof cmd, "busybox sh '%s' -o '%s'", script(), out);
	run_ok(cmd);
	assert_mode(out, S_IFREG, 0600);
	assert_live_capture(out, "memscope-capture.sh");
	assert_only_entry(tmp, "board.tar.gz");
	tu_rm_rf(tmp);
}

Test(capture, script_dash_to_stdout)
{
	need("dash");
	const char *tmp = tu_tmpdir();
	char out[512], cmd[1400];

	snprintf(out, sizeof out, "%s/piped.tar.gz", tmp);
	/* As over ssh: the script on stdin, the archive on stdout. */
	snprintf(cmd, sizeof cmd, "dash -s -- -o - < '%s' > '%s'", script(), out);
	run_ok(cmd);
	assert_live_capture(out, "memscope-capture.sh");
	tu_rm_rf(tmp);
}

/* Same layout as memscope capture from the same tree, file for file. */
static void assert_script_matches_c(const char *shell)
{
	const char *fix = tu_fixture("snapshots/mem16k");
	const char *tmp = tu_tmpdir();
	char out_sh[512], out_c[512], cmd[2400];
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(fix, &err);
	ms_capture_opts o = { .no_cmdline = true };

	snprintf(out_sh, sizeof out_sh, "%s/sh", tmp);
	snprintf(out_c, sizeof out_c, "%s/c", tmp);
	o.out = out_c;
	cr_assert_eq(ms_capture(src, &o, &err), 0, "%s", err.msg);
	snprintf(cmd, sizeof cmd, "%s '%s' --proc-root '%s' --no-cmdline -o '%s'", shell, script(),
		 fix, out_sh);
	run_ok(cmd);
	/* Every file but the metadata (its time and tool differ). */
	snprintf(cmd, sizeof cmd,
		 "diff -r -x memscope-snapshot '%s' '%s' && "
		 "test -z \"$(find '%s' \\( -type f ! -perm 600 \\) -o "
		 "\\( -type d ! -perm 700 \\))\"",
		 out_c, out_sh, out_sh);
	run_ok(cmd);
	ms_source *snap = open_snapshot_ok(out_sh);
	cr_assert_not(has_file(snap, "2/maps"));
	cr_assert_not(has_file(snap, "1/cmdline"));
	cr_assert(has_file(snap, "1/smaps_rollup"));
	ms_source_close(snap);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

Test(capture, script_busybox_matches_memscope_capture)
{
	need("busybox");
	assert_script_matches_c("busybox sh");
}

Test(capture, script_dash_matches_memscope_capture)
{
	need("dash");
	assert_script_matches_c("dash");
}

Test(capture, script_refuses_existing_and_bad_usage)
{
	need("dash");
	const char *tmp = tu_tmpdir();
	char cmd[1400];
	ms_buf outb = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "cd '%s' && mkdir home && echo x > home/keep && "
		 "echo y > b.tar.gz", tmp);
	run_ok(cmd);
	snprintf(cmd, sizeof cmd, "cd '%s' && dash '%s' -o b.tar.gz 2>&1", tmp, script());
	cr_assert_eq(tu_run(cmd, &outb), 1);
	cr_assert(strstr(outb.data, "already exists"), "%s", outb.data);
	snprintf(cmd, sizeof cmd, "cd '%s' && dash '%s' -f -o home 2>&1", tmp, script());
	cr_assert_eq(tu_run(cmd, &outb), 1);
	cr_assert(strstr(outb.data, "not a memscope snapshot"), "%s", outb.data);
	snprintf(cmd, sizeof cmd, "cd '%s' && test \"$(cat home/keep b.tar.gz)\" = \"x\ny\" && "
		 "test \"$(ls -A | wc -l)\" -eq 2", tmp);
	run_ok(cmd);
	snprintf(cmd, sizeof cmd, "dash '%s' --bogus 2>/dev/null", script());
	cr_assert_eq(tu_run(cmd, NULL), 2);
	snprintf(cmd, sizeof cmd, "dash '%s' 2>/dev/null", script());
	cr_assert_eq(tu_run(cmd, NULL), 2);
	snprintf(cmd, sizeof cmd, "dash '%s' -h", script());
	cr_assert_eq(tu_run(cmd, &outb), 0);
	cr_assert(strstr(outb.data, "Usage:"));
	ms_buf_free(&outb);
	tu_rm_rf(tmp);
}
