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
#include "memscope/catalogue.h"
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

/* ---- /sys and the rest of the new layout ------------------------------------ */

/* A hybrid system's cgroups under DIR/root/sys/fs/cgroup: v1's memory
 * hierarchy with every file memscope reads (ms_memcg_files) in its root
 * and in a group, the unified one without memory, and what capture must
 * leave: process lists, files memscope does not read, other controllers. */
static void make_cgroup_tree(const char *dir)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd,
		 "set -e; cd '%s/root/sys' && mkdir -p fs/cgroup/memory/app/deep fs/cgroup/unified "
		 "fs/cgroup/cpu fs/cgroup/pids/app && cd fs/cgroup && "
		 "echo 'cpu io' > unified/cgroup.controllers && "
		 "printf 'some avg10=0.10 avg60=0.00 avg300=0.00 total=77\\n' > "
		 "unified/memory.pressure && echo 1 > unified/cgroup.procs && "
		 "echo 1 > memory/tasks && echo 1 > memory/app/cgroup.procs && "
		 "echo 'slabinfo' > memory/memory.kmem.slabinfo && "
		 "echo 4096 > memory/app/deep/memory.usage_in_bytes && "
		 "echo 1 > cpu/cpu.shares && echo 1 > pids/app/pids.current", dir);
	run_ok(cmd);
	for (size_t i = 0; i < ms_memcg_nfiles; i++) {
		const char *name = ms_memcg_files[i].name;
		snprintf(cmd, sizeof cmd,
			 "cd '%s/root/sys/fs/cgroup' && echo 1 > 'memory/%s' && echo 2 > 'memory/app/%s'",
			 dir, name, name);
		run_ok(cmd);
	}
}

/* A --proc-root tree laid out like a snapshot, DIR/proc beside DIR/sys,
 * with something of every kind capture takes, and things it must not. */
static void make_rich_tree(const char *dir)
{
	char cmd[8192];

	snprintf(cmd, sizeof cmd,
		 "set -e; cd '%s' && mkdir -p root/proc root/sys && cp -r '%s'/* root/proc/ && "
		 "cd root/proc && rm memscope-snapshot && mkdir -p pressure device-tree/soc "
		 "1/fdinfo sysvipc && "
		 "printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\\n' > pressure/memory && "
		 "printf 'qemu\\0' > device-tree/model && "
		 "printf '\\000\\000\\000\\001\\377\\n' > device-tree/soc/reg && "
		 "printf 'x' > device-tree/.hidden && "
		 "printf 'pos:\\t0\\nflags:\\t02\\nmnt_id:\\t1\\n' > 1/fdinfo/0 && "
		 "printf 'pos:\\t0\\nflags:\\t02\\nmnt_id:\\t9\\nino:\\t5\\nsize:\\t4096\\n"
		 "count:\\t1\\nexp_name:\\tsystem\\n' > 1/fdinfo/7 && "
		 "echo 667 > 1/oom_score && echo 0::/init.scope > 1/cgroup && "
		 "echo 'none / tmpfs rw 0 0' > mounts && "
		 "echo '       key      shmid perms' > sysvipc/shm && "
		 "cd ../sys && mkdir -p kernel/mm/cma/reserved kernel/debug/cma/reserved "
		 "kernel/debug/dma_buf kernel/debug/memblock kernel/dmabuf/buffers/77/attachments/0 "
		 "block/zram0 block/sda unrelated && "
		 "echo 3 > kernel/mm/cma/reserved/alloc_pages_success && "
		 "echo 0 > kernel/mm/cma/reserved/alloc_pages_fail && "
		 "echo 4096 > kernel/debug/cma/reserved/count && "
		 "echo 12 > kernel/debug/cma/reserved/used && "
		 "echo > kernel/debug/cma/reserved/alloc && echo > kernel/debug/cma/reserved/free && "
		 "echo 'Dma-buf Objects:' > kernel/debug/dma_buf/bufinfo && "
		 "echo '0: 0x40000000..0x7fffffff    0x40000000  0x4 none' > "
		 "kernel/debug/memblock/memory && "
		 "echo '0: 0x40000000..0x4000ffff    0x10000  0x0 none' > "
		 "kernel/debug/memblock/reserved && "
		 "echo system > kernel/dmabuf/buffers/77/exporter_name && "
		 "echo 4096 > kernel/dmabuf/buffers/77/size && "
		 "echo 1 > kernel/dmabuf/buffers/77/attachments/0/map_counter && "
		 "echo '4096 74 12288 0 12288 0 0 0 0' > block/zram0/mm_stat && "
		 "echo 1073741824 > block/zram0/disksize && "
		 "echo 'lzo [lz4] zstd' > block/zram0/comp_algorithm && "
		 "echo '0 0 0 0' > block/zram0/io_stat && echo 0 > block/zram0/bd_stat && "
		 "echo 1 > block/sda/stat && echo secret > unrelated/x",
		 dir, tu_fixture("snapshots/mem16k"));
	run_ok(cmd);
	make_cgroup_tree(dir);
}

static const char *const rich_taken[] = {
	"proc/meminfo", "proc/pressure/memory", "proc/mounts", "proc/sysvipc/shm",
	"proc/device-tree/model", "proc/device-tree/soc/reg", "proc/1/fdinfo/7",
	"proc/1/oom_score", "proc/1/cgroup", "proc/1/smaps_rollup", "proc/2/stat",
	"sys/kernel/mm/cma/reserved/alloc_pages_success", "sys/kernel/debug/cma/reserved/count",
	"sys/kernel/debug/cma/reserved/used", "sys/kernel/debug/dma_buf/bufinfo",
	"sys/kernel/debug/memblock/memory", "sys/kernel/debug/memblock/reserved",
	"sys/kernel/dmabuf/buffers/77/size", "sys/kernel/dmabuf/buffers/77/exporter_name",
	"sys/block/zram0/mm_stat",
	"sys/block/zram0/comp_algorithm", "sys/block/zram0/io_stat", "sys/block/zram0/disksize",
	"sys/fs/cgroup/memory/memory.usage_in_bytes", "sys/fs/cgroup/memory/app/memory.stat",
	"sys/fs/cgroup/memory/app/memory.max", "sys/fs/cgroup/memory/app/memory.oom_control",
	"sys/fs/cgroup/memory/app/deep/memory.usage_in_bytes",
	"sys/fs/cgroup/unified/cgroup.controllers", "sys/fs/cgroup/unified/memory.pressure",
};

static const char *const rich_left[] = {
	"proc/device-tree/.hidden", "proc/1/fdinfo/0", "proc/2/cgroup", "proc/2/oom_score",
	"sys/kernel/debug/cma/reserved/alloc", "sys/kernel/debug/cma/reserved/free",
	"sys/block/zram0/bd_stat", "sys/block/sda", "sys/unrelated", "proc/memscope-snapshot",
	"sys/kernel/dmabuf/buffers/77/attachments",
	"sys/fs/cgroup/memory/tasks", "sys/fs/cgroup/memory/app/cgroup.procs",
	"sys/fs/cgroup/memory/memory.kmem.slabinfo", "sys/fs/cgroup/unified/cgroup.procs",
	"sys/fs/cgroup/cpu", "sys/fs/cgroup/pids",
	"memscope-unread",
};

static void assert_rich_capture(const char *tree, const char *out)
{
	char a[1200], b[1200];
	ms_buf x = MS_BUF_INIT, y = MS_BUF_INIT;

	for (size_t i = 0; i < MS_ARRAY_LEN(rich_taken); i++) {
		snprintf(a, sizeof a, "%s/%s", tree, rich_taken[i]);
		snprintf(b, sizeof b, "%s/%s", out, rich_taken[i]);
		cr_assert(tu_read_file(a, &x), "%s", a);
		cr_assert(tu_read_file(b, &y), "%s not captured", rich_taken[i]);
		cr_assert(x.len == y.len && memcmp(x.data, y.data, x.len) == 0, "%s differs",
			  rich_taken[i]);
	}
	for (size_t i = 0; i < MS_ARRAY_LEN(rich_left); i++) {
		snprintf(b, sizeof b, "%s/%s", out, rich_left[i]);
		cr_assert_neq(access(b, F_OK), 0, "%s captured", rich_left[i]);
	}
	ms_buf_free(&x);
	ms_buf_free(&y);
}

Test(capture, sys_device_tree_and_dmabuf_fdinfo)
{
	const char *tmp = tu_tmpdir();
	char tree[512], out[512];
	ms_error err = { 0 };

	make_rich_tree(tmp);
	snprintf(tree, sizeof tree, "%s/root", tmp);
	snprintf(out, sizeof out, "%s/snap", tmp);
	ms_source *src = ms_source_open_live(tree, &err);
	cr_assert(src, "%s", err.msg);
	ms_buf unread = MS_BUF_INIT;
	ms_capture_opts o = { .out = out, .unread_summary = &unread };
	cr_assert_eq(ms_capture(src, &o, &err), 0, "%s", err.msg);
	cr_assert_eq(unread.len, 0, "%s", unread.data);
	ms_source_close(src);
	assert_rich_capture(tree, out);
	/* What it wrote reads back through the source, /sys too. */
	ms_source *snap = open_snapshot_ok(out);
	cr_assert(has_file(snap, "sys/block/zram0/mm_stat"));
	cr_assert(has_file(snap, "device-tree/soc/reg"));
	cr_assert(has_file(snap, "memscope-snapshot"));
	ms_source_close(snap);
	ms_buf_free(&unread);
	tu_rm_rf(tmp);
}

/* Captured again, a new-layout snapshot gives the same tree. */
Test(capture, recapture_of_the_new_layout_is_the_same)
{
	const char *tmp = tu_tmpdir();
	char tree[512], one[512], two[512], cmd[2048];
	ms_error err = { 0 };

	make_rich_tree(tmp);
	snprintf(tree, sizeof tree, "%s/root", tmp);
	snprintf(one, sizeof one, "%s/one.tar.zst", tmp);
	snprintf(two, sizeof two, "%s/two", tmp);
	ms_source *src = ms_source_open_live(tree, &err);
	cr_assert(src);
	cr_assert_eq(capture(src, one, false, &err), 0, "%s", err.msg);
	ms_source_close(src);
	src = open_snapshot_ok(one);
	cr_assert_eq(capture(src, two, false, &err), 0, "%s", err.msg);
	ms_source_close(src);
	assert_rich_capture(tree, two);
	snprintf(cmd, sizeof cmd, "mkdir '%s/x' && tar -xf '%s' -C '%s/x' && "
		 "diff -r -x memscope-snapshot '%s/x/one' '%s'", tmp, one, tmp, tmp, two);
	run_ok(cmd);
	tu_rm_rf(tmp);
}

static void assert_script_matches_c_on_rich_tree(const char *shell)
{
	const char *tmp = tu_tmpdir();
	char tree[512], out_sh[512], out_c[512], cmd[4096];
	ms_error err = { 0 };

	make_rich_tree(tmp);
	snprintf(tree, sizeof tree, "%s/root", tmp);
	snprintf(out_c, sizeof out_c, "%s/c", tmp);
	snprintf(out_sh, sizeof out_sh, "%s/sh", tmp);
	ms_source *src = ms_source_open_live(tree, &err);
	cr_assert(src);
	cr_assert_eq(capture(src, out_c, false, &err), 0, "%s", err.msg);
	ms_source_close(src);
	snprintf(cmd, sizeof cmd, "%s '%s' --proc-root '%s' -o '%s'", shell, script(), tree, out_sh);
	run_ok(cmd);
	snprintf(cmd, sizeof cmd,
		 "diff -r -x memscope-snapshot '%s' '%s' && "
		 "test -z \"$(find '%s' \\( -type f ! -perm 600 \\) -o "
		 "\\( -type d ! -perm 700 \\) -o -type d -empty)\"",
		 out_c, out_sh, out_sh);
	run_ok(cmd);
	assert_rich_capture(tree, out_sh);
	tu_rm_rf(tmp);
}

Test(capture, script_busybox_sys_tree_matches)
{
	need("busybox");
	assert_script_matches_c_on_rich_tree("busybox sh");
}

Test(capture, script_dash_sys_tree_matches)
{
	need("dash");
	assert_script_matches_c_on_rich_tree("dash");
}

/* ---- archive formats ---------------------------------------------------------- */

Test(capture, every_archive_format_by_its_name_in_any_case)
{
	static const struct {
		const char *name, *container;
	} outs[] = {
		{ "a.tar.bz2", "tar.bz2" }, { "B.TAR.GZ", "tar.gz" }, { "c.Tar.Xz", "tar.xz" },
		{ "d.tbz2", "tar.bz2" },    { "e.txz", "tar.xz" },    { "f.TZST", "tar.zst" },
		{ "g.TAR", "tar" },         { "h.tgz", "tar.gz" },
	};
	const char *tmp = tu_tmpdir();
	char out[512], cmd[1400];
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(tu_fixture("snapshots/mem16k"), &err);

	cr_assert(src);
	for (size_t i = 0; i < MS_ARRAY_LEN(outs); i++) {
		snprintf(out, sizeof out, "%s/%s", tmp, outs[i].name);
		cr_assert_eq(capture(src, out, false, &err), 0, "%s: %s", out, err.msg);
		ms_source *snap = open_snapshot_ok(out);
		cr_assert_str_eq(ms_source_get_info(snap)->container, outs[i].container, "%s",
				 outs[i].name);
		cr_assert(has_file(snap, "1/smaps_rollup"));
		ms_source_close(snap);
		/* One folder inside, named after the file without its ending. */
		snprintf(cmd, sizeof cmd, "tar -tf '%s' | head -1 | grep -qx '%.*s/'", out,
			 (int)strcspn(outs[i].name, "."), outs[i].name);
		run_ok(cmd);
	}
	ms_source_close(src);
	tu_rm_rf(tmp);
}

Test(capture, archives_it_cannot_write_are_refused)
{
	static const char *const names[] = { "x.gz", "x.zip", "x.7z", "x.tar.lz4", "X.BZ2",
					      "x.xz", "x.Zst", "x.cpio" };
	const char *tmp = tu_tmpdir();
	char out[512];
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(tu_fixture("snapshots/mem16k"), &err);

	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		snprintf(out, sizeof out, "%s/%s", tmp, names[i]);
		cr_assert_eq(capture(src, out, false, &err), -EINVAL, "%s", names[i]);
		cr_assert(strstr(err.msg, "not an archive memscope writes"), "%s", err.msg);
	}
	assert_only_entry(tmp, NULL);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

/* The program: a usage error (exit 2, one line); the script alike. */
Test(capture, refused_names_are_usage_errors)
{
	const char *tmp = tu_tmpdir();
	char cmd[2048];
	ms_buf out = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' capture --proc-root '%s' -o board.zip 2>&1",
		 tmp, tu_bin(), tu_fixture("snapshots/mem16k"));
	cr_assert_eq(tu_run(cmd, &out), 2, "%s", out.data);
	cr_assert_str_eq(out.data, "memscope: capture: board.zip: not an archive memscope writes; "
				   "name it .tar.gz, .tar.xz, .tar.zst, .tar.bz2 or .tar, or give a "
				   "folder\n");
	need("dash");
	snprintf(cmd, sizeof cmd, "cd '%s' && dash '%s' --proc-root '%s' -o board.gz 2>&1", tmp,
		 script(), tu_fixture("snapshots/mem16k"));
	cr_assert_eq(tu_run(cmd, &out), 2, "%s", out.data);
	cr_assert(strstr(out.data, "board.gz: not an archive memscope writes"), "%s", out.data);
	assert_only_entry(tmp, NULL);
	ms_buf_free(&out);
	tu_rm_rf(tmp);
}

Test(capture, script_writes_every_archive_format)
{
	static const char *const names[] = { "a.tar.bz2", "B.TAR.XZ", "c.tar", "d.tar.zst",
					     "e.TGZ" };
	need("busybox");
	const char *tmp = tu_tmpdir();
	char out[512], cmd[2048];

	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		snprintf(out, sizeof out, "%s/%s", tmp, names[i]);
		snprintf(cmd, sizeof cmd, "busybox sh '%s' --proc-root '%s' -o '%s'", script(),
			 tu_fixture("snapshots/mem16k"), out);
		run_ok(cmd);
		assert_mode(out, S_IFREG, 0600);
		ms_source *snap = open_snapshot_ok(out);
		cr_assert(has_file(snap, "1/smaps_rollup"), "%s", names[i]);
		ms_source_close(snap);
	}
	tu_rm_rf(tmp);
}

/* ---- straight into memscope, over a pipe ------------------------------------------ */

/* `ssh board sh -s -- -o - < memscope-capture.sh | memscope -s -`: only
 * the archive comes down the pipe, whatever the script says meanwhile. */
Test(capture, script_through_a_pipe_into_memscope)
{
	need("dash");
	char cmd[4096];
	ms_buf a = MS_BUF_INIT, b = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd,
		 "dash -s -- --proc-root '%s' -o - < '%s' 2>/dev/null | '%s' meminfo -s - -f json "
		 "| sed 's/\"path\":\"[^\"]*\"//'",
		 tu_fixture("snapshots/mem16k"), script(), tu_bin());
	cr_assert_eq(tu_run(cmd, &a), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd, "'%s' meminfo -s '%s' -f json | sed 's/\"path\":\"[^\"]*\"//'",
		 tu_bin(), tu_fixture("snapshots/mem16k"));
	cr_assert_eq(tu_run(cmd, &b), 0);
	cr_assert(strstr(a.data, "\"MemTotal\":7877632"), "%s", a.data);
	/* The figures are the fixture's; the facts of the capture are ours. */
	cr_assert(strstr(b.data, "\"MemTotal\":7877632"));
	snprintf(cmd, sizeof cmd, "'%s' capture --proc-root '%s' -o - | '%s' procrank -s - -f csv",
		 tu_bin(), tu_fixture("snapshots/mem16k"), tu_bin());
	cr_assert_eq(tu_run(cmd, &a), 0, "%s", cmd);
	cr_assert(strstr(a.data, "\n1,"), "%s", a.data);
	ms_buf_free(&a);
	ms_buf_free(&b);
}

/* ---- what could not be read ----------------------------------------------------------- */

/* The rich tree with root's files: read as nobody, they cannot be. */
static void make_tree_for_nobody(const char *tmp)
{
	char cmd[2048];

	make_rich_tree(tmp);
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && chmod 755 . && chmod -R a+rX root && "
		 "chmod 400 root/proc/slabinfo root/proc/1/smaps_rollup 2>/dev/null; "
		 "touch root/proc/slabinfo && chmod 400 root/proc/slabinfo && "
		 "chmod 700 root/sys/kernel/debug root/proc/1/fdinfo && mkdir out && chmod 777 out",
		 tmp);
	run_ok(cmd);
}

#define UNREAD_AS_NOBODY                                                                   \
	"*/fdinfo\tneeds root\t1\t1\n"                                                     \
	"*/smaps_rollup\tneeds root\t1\t1\n"                                               \
	"slabinfo\tneeds root\n"                                                           \
	"sys/kernel/debug/cma\tneeds root\n"                                               \
	"sys/kernel/debug/dma_buf/bufinfo\tneeds root\n"                                   \
	"sys/kernel/debug/memblock/memory\tneeds root\n"                                   \
	"sys/kernel/debug/memblock/reserved\tneeds root\n"

Test(capture, not_readable_is_said_and_recorded)
{
	need("setpriv");
	const char *tmp = tu_tmpdir();
	char cmd[4096], path[1024];
	ms_buf out = MS_BUF_INIT, file = MS_BUF_INIT;
	ms_error err = { 0 };

	make_tree_for_nobody(tmp);
	snprintf(cmd, sizeof cmd,
		 "cd '%s/out' && setpriv --reuid=65534 --regid=65534 --clear-groups "
		 "'%s' capture --proc-root ../root -o snap 2>&1",
		 tmp, tu_bin());
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", out.data);
	cr_assert_str_eq(out.data,
			 "memscope: capture: not readable (needs root): slabinfo, "
			 "sys/kernel/debug/cma, sys/kernel/debug/dma_buf/bufinfo, "
			 "sys/kernel/debug/memblock/memory, sys/kernel/debug/memblock/reserved; "
			 "smaps_rollup, fdinfo of 1 process\n");
	snprintf(path, sizeof path, "%s/out/snap/memscope-unread", tmp);
	cr_assert(tu_read_file(path, &file));
	cr_assert_str_eq(file.data, UNREAD_AS_NOBODY);
	/* Whoever reads the snapshot later is told why. */
	snprintf(path, sizeof path, "%s/out/snap", tmp);
	ms_source *snap = open_snapshot_ok(path);
	cr_assert_eq(ms_source_read(snap, "slabinfo", &out, &err), -EACCES);
	cr_assert_str_eq(err.msg, "slabinfo: not readable when captured (needs root)");
	cr_assert_eq(ms_source_read(snap, "1/smaps_rollup", &out, &err), -EACCES);
	cr_assert_eq(ms_source_read(snap, "sys/kernel/debug/memblock/memory", &out, &err),
		     -EACCES);
	cr_assert(has_file(snap, "1/status"));
	ms_source_close(snap);
	ms_buf_free(&out);
	ms_buf_free(&file);
	tu_rm_rf(tmp);
}

static void assert_script_records_the_same(const char *shell)
{
	need("setpriv");
	const char *tmp = tu_tmpdir();
	char cmd[4096], path[1024];
	ms_buf out = MS_BUF_INIT, file = MS_BUF_INIT;

	make_tree_for_nobody(tmp);
	snprintf(cmd, sizeof cmd,
		 "cd '%s/out' && setpriv --reuid=65534 --regid=65534 --clear-groups "
		 "%s '%s' --proc-root ../root -o snap.tar.gz 2>&1",
		 tmp, shell, script());
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", out.data);
	cr_assert_str_eq(out.data,
			 "memscope-capture.sh: not readable (needs root): slabinfo, "
			 "sys/kernel/debug/cma, sys/kernel/debug/dma_buf/bufinfo, "
			 "sys/kernel/debug/memblock/memory, sys/kernel/debug/memblock/reserved; "
			 "fdinfo, smaps_rollup of 1 process\n");
	snprintf(cmd, sizeof cmd, "tar -xzOf '%s/out/snap.tar.gz' snap/memscope-unread", tmp);
	cr_assert_eq(tu_run(cmd, &file), 0);
	cr_assert_str_eq(file.data, UNREAD_AS_NOBODY);
	snprintf(path, sizeof path, "%s/out/snap.tar.gz", tmp);
	ms_source *snap = open_snapshot_ok(path);
	ms_error err = { 0 };
	cr_assert_eq(ms_source_read(snap, "sys/kernel/debug/cma/reserved/used", &out, &err),
		     -EACCES);
	cr_assert_eq(ms_source_read(snap, "proc/slabinfo", &out, &err), -EACCES);
	ms_source_close(snap);
	ms_buf_free(&out);
	ms_buf_free(&file);
	tu_rm_rf(tmp);
}

Test(capture, script_busybox_records_the_same)
{
	need("busybox");
	assert_script_records_the_same("busybox sh");
}

Test(capture, script_dash_records_the_same)
{
	need("dash");
	assert_script_records_the_same("dash");
}

/* Every batch view reads an archive from a pipe and from a FIFO as it
 * reads the file: the same output, the path aside. */
Test(capture, batch_views_from_a_pipe_and_a_fifo)
{
	static const char *const views[] = { "procrank", "slabs", "buddy", "zones", "meminfo",
					      "report", "vma 400" };
	static const char *const ways[] = {
		"-s s.tgz",            /* the file */
		"-s - < s.tgz",        /* standard input, redirected */
		"-s f",                /* a FIFO, fed meanwhile */
	};
	const char *tmp = tu_tmpdir();
	char cmd[4096];
	ms_buf want = MS_BUF_INIT, got = MS_BUF_INIT;

	/* The CLI fixture with every system file a view needs (iomem and
	 * vmallocinfo missing: their report sections name the source, which
	 * is the one difference allowed). */
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && mkdir t && cp -r '%s'/* t/ && rm t/README.md && "
		 "cp '%s/slabinfo/linux-6.18-x86_64' t/slabinfo && "
		 "cp '%s/zoneinfo/linux-6.18-x86_64' t/zoneinfo && "
		 "cp '%s/buddyinfo/linux-6.18-x86_64' t/buddyinfo && "
		 "cp '%s/pagetypeinfo/linux-6.18-x86_64' t/pagetypeinfo && "
		 "tar -czf s.tgz -C t . && mkfifo f",
		 tmp, tu_fixture("cli-proc"), tu_fixture(""), tu_fixture(""), tu_fixture(""),
		 tu_fixture(""));
	run_ok(cmd);
	for (size_t i = 0; i < MS_ARRAY_LEN(views); i++) {
		for (size_t w = 0; w < MS_ARRAY_LEN(ways); w++) {
			snprintf(cmd, sizeof cmd,
				 "cd '%s' && %s '%s' %s %s -f json > out && "
				 "sed 's,\"path\":\"[^\"]*\",,; s/: \\(s\\.tgz\\|-\\|f\\):/: SRC:/g' out",
				 tmp, w == 2 ? "{ cat s.tgz > f & } &&" : "", tu_bin(), views[i],
				 ways[w]);
			cr_assert_eq(tu_run(cmd, w ? &got : &want), 0, "%s", cmd);
			if (w)
				cr_assert_str_eq(want.data, got.data, "%s %s", views[i], ways[w]);
		}
		cr_assert(want.len > 50, "%s: %s", views[i], want.data);
	}
	/* An empty pipe (ssh failed) is one clear line and exit 1. */
	snprintf(cmd, sizeof cmd, "'%s' meminfo -s - < /dev/null 2>&1", tu_bin());
	cr_assert_eq(tu_run(cmd, &got), 1);
	cr_assert_str_eq(got.data, "memscope: -: not a snapshot archive: empty\n");
	ms_buf_free(&want);
	ms_buf_free(&got);
	tu_rm_rf(tmp);
}

/* ---- the catalogue ------------------------------------------------------------ */

/* Where a row of the catalogue lands in a snapshot, for process pid when
 * it is one of each process's files. */
static void snapshot_rel(const ms_kfile *k, int pid, char *out, size_t cap)
{
	if (k->flags & MS_KF_PER_PID)
		snprintf(out, cap, "proc/%d/%s", pid, k->path);
	else if (strncmp(k->path, "sys/", 4) == 0)
		snprintf(out, cap, "%s", k->path);
	else
		snprintf(out, cap, "proc/%s", k->path);
}

/* The rich tree, plus a file for every row of the catalogue it lacks. */
static void make_catalogue_tree(const char *dir)
{
	char rel[512], path[1200], cmd[2600];

	make_rich_tree(dir);
	for (size_t i = 0; i < ms_nkfiles; i++) {
		const ms_kfile *k = &ms_kfiles[i];
		if (!(k->flags & MS_KF_CAPTURE) || (k->flags & MS_KF_TREE))
			continue;
		snapshot_rel(k, 1, rel, sizeof rel);
		snprintf(path, sizeof path, "%s/root/%s", dir, rel);
		if (access(path, F_OK) == 0)
			continue;
		snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\" && echo catalogue > '%s'",
			 path, path);
		run_ok(cmd);
	}
}

/* Every row the catalogue marks for capture is in the snapshot: files,
 * each process's files (of pid 1, a user process here), folders with
 * something in them. */
static void assert_catalogue_captured(const char *out)
{
	char rel[512], path[1200];
	struct stat st;

	for (size_t i = 0; i < ms_nkfiles; i++) {
		const ms_kfile *k = &ms_kfiles[i];
		if (!(k->flags & MS_KF_CAPTURE))
			continue;
		snapshot_rel(k, 1, rel, sizeof rel);
		snprintf(path, sizeof path, "%s/%s", out, rel);
		cr_assert_eq(stat(path, &st), 0, "%s: the catalogue's %s not captured", out, rel);
		if (k->flags & MS_KF_TREE)
			cr_assert(S_ISDIR(st.st_mode) && st.st_nlink >= 2, "%s", rel);
		else
			cr_assert(S_ISREG(st.st_mode), "%s", rel);
	}
}

/* data/memscope-capture.sh keeps the catalogue's list, as capture does. */
Test(capture, script_and_capture_take_every_catalogue_row)
{
	need("busybox");
	const char *tmp = tu_tmpdir();
	char tree[512], out_sh[512], out_c[512], cmd[2048];
	ms_error err = { 0 };

	make_catalogue_tree(tmp);
	snprintf(tree, sizeof tree, "%s/root", tmp);
	snprintf(out_c, sizeof out_c, "%s/c", tmp);
	snprintf(out_sh, sizeof out_sh, "%s/sh", tmp);
	ms_source *src = ms_source_open_live(tree, &err);
	cr_assert(src, "%s", err.msg);
	cr_assert_eq(capture(src, out_c, false, &err), 0, "%s", err.msg);
	ms_source_close(src);
	snprintf(cmd, sizeof cmd, "busybox sh '%s' --proc-root '%s' -o '%s'", script(), tree,
		 out_sh);
	run_ok(cmd);
	assert_catalogue_captured(out_c);
	assert_catalogue_captured(out_sh);
	snprintf(cmd, sizeof cmd, "diff -r -x memscope-snapshot '%s' '%s'", out_c, out_sh);
	run_ok(cmd);
	tu_rm_rf(tmp);
}
