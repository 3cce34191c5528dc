/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sources: the live /proc, snapshot directories (with or without a proc/
 * level), archives in every compression, prefix detection, hostile
 * entries, smemcap tars and what a snapshot says about its machine.
 * Archives are made here with tar(1) from the fixture trees, so the same
 * bytes can be compared through both kinds of source.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/parse.h"
#include "memscope/source.h"
#include "testutil.h"

/* Every file of the mem16k fixture tree. */
static const char *const mem16k_files[] = {
	"memscope-snapshot", "version", "meminfo", "buddyinfo", "1/comm", "1/cmdline",
	"1/stat", "1/status", "1/smaps_rollup", "2/comm", "2/stat", "2/status", "2/maps",
	"2/cmdline",
};

static ms_source *open_snapshot_ok(const char *path)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_snapshot(path, &err);

	cr_assert(src, "open %s: %s", path, err.msg);
	return src;
}

static void read_ok(ms_source *src, const char *rel, ms_buf *b)
{
	ms_error err = { 0 };
	int r = ms_source_read(src, rel, b, &err);

	cr_assert_eq(r, 0, "read %s: %d %s", rel, r, err.msg);
}

static void assert_pids(ms_source *src, const int *want, size_t nwant)
{
	int *pids = NULL;
	size_t n = 0;
	ms_error err = { 0 };

	cr_assert_eq(ms_source_list_pids(src, &pids, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, nwant, "%zu pids, want %zu", n, nwant);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pids[i], want[i], "pid[%zu] = %d, want %d", i, pids[i], want[i]);
	free(pids);
}

/* The file read through a source has the bytes of the file on disk. */
static void assert_same_as_file(ms_source *src, const char *rel, const char *dir)
{
	char path[1024];
	ms_buf want = MS_BUF_INIT, got = MS_BUF_INIT;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	cr_assert(tu_read_file(path, &want), "%s", path);
	read_ok(src, rel, &got);
	cr_assert_eq(got.len, want.len, "%s: %zu bytes, want %zu", rel, got.len, want.len);
	cr_assert(got.len == 0 || memcmp(got.data, want.data, got.len) == 0, "%s differs", rel);
	ms_buf_free(&want);
	ms_buf_free(&got);
}

static void run_ok(const char *cmd)
{
	cr_assert_eq(tu_run(cmd, NULL), 0, "command failed: %s", cmd);
}

/* ---- live ------------------------------------------------------------------ */

Test(source, live_meminfo_and_host_facts)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(NULL, &err);
	ms_buf b = MS_BUF_INIT;
	struct utsname u;

	cr_assert(src, "%s", err.msg);
	read_ok(src, "meminfo", &b);
	cr_assert(b.len > 100 && strncmp(b.data, "MemTotal:", 9) == 0);
	const ms_source_info *info = ms_source_get_info(src);
	cr_assert_eq(info->caps, MS_CAP_VOLATILE | MS_CAP_REFRESH | MS_CAP_LOCAL_USERS |
				 MS_CAP_HOST_FACTS | MS_CAP_PARALLEL);
	cr_assert_str_eq(ms_source_kind_name(info), "live");
	cr_assert_str_eq(info->path, "/proc");
	cr_assert_eq(info->page_size, sysconf(_SC_PAGESIZE));
	cr_assert_str_eq(info->page_size_origin, "sysconf");
	cr_assert_eq(uname(&u), 0);
	cr_assert_str_eq(info->kernel, u.release);
	cr_assert_str_eq(info->machine, u.machine);
	cr_assert(ms_source_can(src, MS_CAP_PARALLEL));
	ms_buf_free(&b);
	ms_source_close(src);
}

Test(source, live_pids_hold_ours_ascending)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live("/proc", &err);
	int *pids = NULL;
	size_t n = 0;
	bool self = false;

	cr_assert(src, "%s", err.msg);
	cr_assert_eq(ms_source_list_pids(src, &pids, &n, &err), 0, "%s", err.msg);
	cr_assert(n >= 1);
	for (size_t i = 0; i < n; i++) {
		self |= pids[i] == getpid();
		if (i)
			cr_assert_lt(pids[i - 1], pids[i]);
	}
	cr_assert(self, "pid %d not listed", getpid());
	free(pids);
	ms_source_close(src);
}

/* A thread that says its id and waits until told to end. */
struct waiting_thread {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pid_t tid;
	bool done;
};

static void *say_tid_and_wait(void *arg)
{
	struct waiting_thread *w = arg;

	pthread_mutex_lock(&w->lock);
	w->tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&w->cond);
	while (!w->done)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* The recorder's listing (by readdir, not libproc2) holds what libproc2's
 * does: processes, ours and a child's, not their threads, ascending. */
Test(source, live_pids_by_readdir_leaders_only)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live("/proc", &err);
	struct waiting_thread w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false };
	pthread_t t;
	int *pids = NULL;
	size_t n = 0;
	bool self = false, child_seen = false, thread_seen = false;

	cr_assert(src, "%s", err.msg);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	cr_assert_eq(pthread_create(&t, NULL, say_tid_and_wait, &w), 0);
	pthread_mutex_lock(&w.lock);
	while (!w.tid)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	cr_assert_neq(w.tid, getpid());

	ms_source_list_pids_by_readdir(src);
	int r = ms_source_list_pids(src, &pids, &n, &err);

	pthread_mutex_lock(&w.lock);
	w.done = true;
	pthread_cond_broadcast(&w.cond);
	pthread_mutex_unlock(&w.lock);
	pthread_join(t, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cr_assert_eq(r, 0, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		self |= pids[i] == getpid();
		child_seen |= pids[i] == child;
		thread_seen |= pids[i] == w.tid;
		if (i)
			cr_assert_lt(pids[i - 1], pids[i]);
	}
	cr_assert(self, "pid %d not listed", getpid());
	cr_assert(child_seen, "child %d not listed", child);
	cr_assert_not(thread_seen, "thread %d listed as a process", w.tid);
	free(pids);
	ms_source_close(src);
}

Test(source, live_missing_and_bad_paths)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(NULL, &err);
	ms_buf b = MS_BUF_INIT;

	cr_assert(src);
	cr_assert_eq(ms_source_read(src, "no-such-file", &b, &err), -ENOENT);
	cr_assert_eq(err.code, ENOENT);
	cr_assert_eq(ms_source_read(src, "999999999/status", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_read(src, "../etc/passwd", &b, &err), -EINVAL);
	cr_assert_eq(ms_source_read(src, "self/../../etc/passwd", &b, &err), -EINVAL);
	cr_assert_eq(ms_source_read(src, "/etc/passwd", &b, &err), -EINVAL);
	cr_assert_eq(ms_source_read(src, "", &b, &err), -EINVAL);
	ms_buf_free(&b);
	ms_source_close(src);
}

Test(source, live_missing_root)
{
	ms_error err = { 0 };

	cr_assert_null(ms_source_open_live("/nonexistent/memscope-root", &err));
	cr_assert_eq(err.code, ENOENT);
}

static void *read_meminfo_often(void *arg)
{
	ms_source *src = arg;
	ms_buf b = MS_BUF_INIT;
	ms_error err;
	intptr_t bad = 0;

	for (int i = 0; i < 50; i++)
		if (ms_source_read(src, "meminfo", &b, &err) != 0 ||
		    strncmp(b.data, "MemTotal:", 9) != 0)
			bad++;
	ms_buf_free(&b);
	return (void *)bad;
}

Test(source, live_reads_from_threads)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(NULL, &err);
	pthread_t t[4];

	cr_assert(src);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, read_meminfo_often, src), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		cr_assert_null(bad, "thread %d: %ld failed reads", i, (long)(intptr_t)bad);
	}
	ms_source_close(src);
}

Test(source, live_proc_root_on_fixture)
{
	const char *root = tu_fixture("snapshots/mem16k");
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(root, &err);
	static const int want[] = { 1, 2 };

	cr_assert(src, "%s", err.msg);
	assert_pids(src, want, 2);
	assert_same_as_file(src, "meminfo", root);
	assert_same_as_file(src, "1/smaps_rollup", root);
	/* Live facts are the host's, whatever the root holds. */
	cr_assert_str_eq(ms_source_get_info(src)->page_size_origin, "sysconf");
	cr_assert_str_eq(ms_source_get_info(src)->path, root);
	ms_source_close(src);
}

/* ---- snapshot directories ------------------------------------------------ */

Test(source, dir_metadata_16k_pages)
{
	ms_source *src = open_snapshot_ok(tu_fixture("snapshots/mem16k"));
	const ms_source_info *info = ms_source_get_info(src);
	static const int want[] = { 1, 2 };

	cr_assert_eq(info->caps, MS_CAP_PARALLEL);
	cr_assert_str_eq(ms_source_kind_name(info), "snapshot");
	cr_assert_str_eq(info->container, "dir");
	cr_assert_str_eq(info->layout, "memscope");
	/* This host has 4K pages; the snapshot's 16K must win. */
	cr_assert_eq(info->page_size, 16384);
	cr_assert_str_eq(info->page_size_origin, "metadata");
	cr_assert_str_eq(info->kernel, "6.8.9-402.asahi.fc40.aarch64+16k");
	cr_assert_str_eq(info->machine, "aarch64");
	cr_assert_str_eq(info->hostname, "asahi-mini");
	cr_assert_str_eq(info->captured_at, "2026-03-02T10:15:00Z");
	assert_pids(src, want, 2);
	ms_source_close(src);
}

Test(source, dir_proc_level_and_kernel_page_size)
{
	const char *top = tu_fixture("snapshots/kps64k");
	ms_source *src = open_snapshot_ok(top);
	const ms_source_info *info = ms_source_get_info(src);
	static const int want[] = { 2, 812 };
	char proc[1024];

	snprintf(proc, sizeof proc, "%s/proc", top);
	assert_same_as_file(src, "meminfo", proc);
	assert_same_as_file(src, "812/smaps", proc);
	assert_pids(src, want, 2);
	cr_assert_str_eq(info->layout, "proc-tree");
	cr_assert_str_eq(info->kernel, "5.15.136-tegra");
	cr_assert_str_eq(info->machine, "");
	/* No metadata: pid 2 has no smaps, pid 812 says 64 kB. */
	cr_assert_eq(info->page_size, 65536);
	cr_assert_str_eq(info->page_size_origin, "smaps KernelPageSize");
	ms_source_close(src);
}

Test(source, dir_corpus_zte_router)
{
	const char *top = tu_corpus("zte-router-armv7-4.1.25");
	if (!top)
		cr_skip_test("corpus absent");
	char proc[1024];
	ms_buf b = MS_BUF_INIT;
	int *pids = NULL;
	size_t n = 0;
	ms_error err = { 0 };

	snprintf(proc, sizeof proc, "%s/proc", top);
	/* The folder and its proc/ give the same source. */
	for (int pass = 0; pass < 2; pass++) {
		ms_source *src = open_snapshot_ok(pass ? proc : top);
		const ms_source_info *info = ms_source_get_info(src);
		cr_assert_str_eq(info->kernel, "4.1.25");
		cr_assert_eq(info->page_size, 4096);
		cr_assert_str_eq(info->page_size_origin, "smaps KernelPageSize");
		read_ok(src, "meminfo", &b);
		cr_assert(strncmp(b.data, "MemTotal:          94412 kB\n", 28) == 0);
		assert_same_as_file(src, "608/smaps", proc);
		cr_assert_eq(ms_source_list_pids(src, &pids, &n, &err), 0);
		cr_assert_eq(n, 40);
		cr_assert_eq(pids[0], 1);
		cr_assert_eq(pids[n - 1], 608);
		free(pids);
		ms_source_close(src);
	}
	ms_buf_free(&b);
}

Test(source, dir_missing_file)
{
	ms_source *src = open_snapshot_ok(tu_fixture("snapshots/mem16k"));
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	cr_assert_eq(ms_source_read(src, "1/smaps", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_read(src, "999/status", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_read(src, "meminfo/x", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_read(src, "../mem16k/meminfo", &b, &err), -EINVAL);
	ms_buf_free(&b);
	ms_source_close(src);
}

/* A copy of mem16k with hostile additions: links out, a FIFO, a device. */
static const char *hostile_dir(void)
{
	const char *tmp = tu_tmpdir();
	static char cmd[8192];

	cr_assert(tmp);
	snprintf(cmd, sizeof cmd,
		 "cp -r '%s' '%s/snap' && cd '%s/snap' && ln -s /etc/hostname vmstat && "
		 "ln -s /proc/self 77 && ln -s ../../../etc 1/up && mkfifo swaps && "
		 "{ mknod zoneinfo c 1 3 2>/dev/null || true; }", /* root only */
		 tu_fixture("snapshots/mem16k"), tmp, tmp);
	run_ok(cmd);
	return tmp;
}

static void assert_hostile_refused(void)
{
	const char *tmp = hostile_dir();
	char path[1024];
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };
	static const int want[] = { 1, 2 };

	snprintf(path, sizeof path, "%s/snap", tmp);
	ms_source *src = open_snapshot_ok(path);
	cr_assert_eq(ms_source_read(src, "vmstat", &b, &err), -EINVAL);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	cr_assert_eq(ms_source_read(src, "77/status", &b, &err), -EINVAL, "%s", err.msg);
	cr_assert_eq(ms_source_read(src, "1/up/hostname", &b, &err), -EINVAL, "%s", err.msg);
	cr_assert_eq(ms_source_stream(src, "vmstat", ms_line_splitter_feed, NULL, &err),
		     -EINVAL);
	/* Neither waits for a writer nor touches a device. */
	cr_assert_eq(ms_source_read(src, "swaps", &b, &err), -EINVAL);
	cr_assert(strstr(err.msg, "regular file"), "%s", err.msg);
	struct stat st;
	snprintf(path, sizeof path, "%s/snap/zoneinfo", tmp);
	if (lstat(path, &st) == 0 && S_ISCHR(st.st_mode))
		cr_assert_eq(ms_source_read(src, "zoneinfo", &b, &err), -EINVAL);
	snprintf(path, sizeof path, "%s/snap", tmp);
	assert_pids(src, want, 2);
	assert_same_as_file(src, "meminfo", path);
	ms_source_close(src);
	ms_buf_free(&b);
	tu_rm_rf(tmp);
}

Test(source, dir_refuses_links_fifos_devices)
{
	assert_hostile_refused();
}

/* Kernels before 5.6, or containers whose seccomp filter predates
 * openat2, say ENOSYS: the component-by-component walk must refuse the
 * same things. */
Test(source, dir_refuses_links_without_openat2)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { MS_ARRAY_LEN(filter), filter };

	cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	cr_assert_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	cr_assert_eq(syscall(SYS_openat2, AT_FDCWD, ".", NULL, 0), -1);
	cr_assert_eq(errno, ENOSYS);
	assert_hostile_refused();
}

Test(source, not_a_snapshot)
{
	const char *tmp = tu_tmpdir();
	char path[1024];
	ms_error err = { 0 };

	cr_assert_null(ms_source_open_snapshot(tmp, &err));
	cr_assert_eq(err.code, EINVAL);
	cr_assert(strstr(err.msg, "not a snapshot"), "%s", err.msg);
	snprintf(path, sizeof path, "%s/notes.txt", tmp);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("MemTotal: 1 kB\n", f);
	fclose(f);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert_eq(err.code, EINVAL);
	cr_assert_null(ms_source_open_snapshot("/nonexistent/x.tar.gz", &err));
	cr_assert_eq(err.code, ENOENT);
	tu_rm_rf(tmp);
}

/* ---- archives -------------------------------------------------------------- */

Test(source, tar_every_compression_same_bytes)
{
	static const char *const exts[] = { "tar", "tar.gz", "tar.xz", "tar.zst" };
	const char *fix = tu_fixture("snapshots/mem16k");
	const char *tmp = tu_tmpdir();
	static const int want[] = { 1, 2 };
	char cmd[8192], path[1024];

	for (size_t i = 0; i < MS_ARRAY_LEN(exts); i++) {
		snprintf(path, sizeof path, "%s/snap.%s", tmp, exts[i]);
		/* -a: compression from the suffix; entries are "./meminfo"... */
		snprintf(cmd, sizeof cmd, "tar -caf '%s' -C '%s' .", path, fix);
		run_ok(cmd);
		ms_source *src = open_snapshot_ok(path);
		const ms_source_info *info = ms_source_get_info(src);
		cr_assert_str_eq(info->container, exts[i]);
		cr_assert_str_eq(info->layout, "memscope");
		cr_assert_eq(info->page_size, 16384);
		cr_assert_str_eq(info->path, path);
		for (size_t j = 0; j < MS_ARRAY_LEN(mem16k_files); j++)
			assert_same_as_file(src, mem16k_files[j], fix);
		assert_pids(src, want, 2);
		ms_source_close(src);
	}
	tu_rm_rf(tmp);
}

static void assert_prefix_found(const char *tmp, const char *name, const char *make)
{
	const char *fix = tu_fixture("snapshots/mem16k");
	char cmd[8192], path[1024];
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' *", fix, make, path);
	run_ok(cmd);
	ms_source *src = open_snapshot_ok(path);
	assert_same_as_file(src, "meminfo", fix);
	assert_same_as_file(src, "1/status", fix);
	cr_assert_eq(ms_source_get_info(src)->page_size, 16384);
	/* "proc/..." names the proc root itself, wherever it was found. */
	ms_buf a = MS_BUF_INIT;
	read_ok(src, "meminfo", &a);
	read_ok(src, "proc/meminfo", &b);
	cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	cr_assert_eq(ms_source_read(src, "proc/proc/meminfo", &b, &err), -ENOENT);
	ms_buf_free(&a);
	ms_buf_free(&b);
	ms_source_close(src);
}

Test(source, tar_prefix_detection)
{
	const char *tmp = tu_tmpdir();
	const char *kps = tu_fixture("snapshots");
	char cmd[8192], path[1024];

	assert_prefix_found(tmp, "p.tgz", "tar --transform 's,^,proc/,' -czf");
	assert_prefix_found(tmp, "b.tgz", "tar --transform 's,^,board/,' -czf");
	assert_prefix_found(tmp, "bp.tgz", "tar --transform 's,^,board/proc/,' -czf");
	/* "kps64k/proc/..." from `tar czf x kps64k`, with the directory entries. */
	snprintf(path, sizeof path, "%s/k.tgz", tmp);
	snprintf(cmd, sizeof cmd, "tar -czf '%s' -C '%s' kps64k", path, kps);
	run_ok(cmd);
	ms_source *src = open_snapshot_ok(path);
	static const int want[] = { 2, 812 };
	assert_pids(src, want, 2);
	cr_assert_eq(ms_source_get_info(src)->page_size, 65536);
	cr_assert_str_eq(ms_source_get_info(src)->kernel, "5.15.136-tegra");
	ms_source_close(src);
	tu_rm_rf(tmp);
}

Test(source, tar_skips_unsafe_and_link_entries)
{
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	/* tree/meminfo is real; ../evil/meminfo and an absolute path try to
	 * shadow or add files; vmstat is a symlink out. -P keeps them as is. */
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && mkdir tree evil && echo 'MemTotal: 1 kB' > tree/meminfo && "
		 "echo 'MemTotal: 666 kB' > evil/meminfo && "
		 "echo 'nr_free_pages 1' > evil/vmstat && "
		 "ln -s /etc/hostname tree/vmstat && "
		 "tar -P -cf x.tar -C tree meminfo vmstat ../evil/meminfo '%s/evil/vmstat'",
		 tmp, tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/x.tar", tmp);
	ms_source *src = open_snapshot_ok(path);
	read_ok(src, "meminfo", &b);
	cr_assert_str_eq(b.data, "MemTotal: 1 kB\n");
	cr_assert_eq(ms_source_read(src, "vmstat", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_get_info(src)->skipped_entries, 2);
	ms_buf_free(&b);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

Test(source, tar_later_copy_wins)
{
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];
	ms_buf b = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && echo 'MemTotal: 1 kB' > meminfo && tar -cf x.tar meminfo && "
		 "echo 'MemTotal: 2 kB' > meminfo && tar -rf x.tar meminfo", tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/x.tar", tmp);
	ms_source *src = open_snapshot_ok(path);
	read_ok(src, "meminfo", &b);
	cr_assert_str_eq(b.data, "MemTotal: 2 kB\n");
	ms_buf_free(&b);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

/* smemcap writes a plain tar without the closing zero blocks; one block
 * per record here, so cutting 1024 bytes leaves exactly that. */
Test(source, tar_smemcap)
{
	const char *fix = tu_fixture("snapshots/smemcap");
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];
	static const int want[] = { 345 };

	snprintf(path, sizeof path, "%s/smem.tar", tmp);
	snprintf(cmd, sizeof cmd,
		 "tar --format=ustar --record-size=512 -cf '%s.full' -C '%s' meminfo version 345 "
		 "&& head -c -1024 '%s.full' > '%s' && "
		 "test \"$(tail -c 1024 '%s.full' | tr -d '\\000' | wc -c)\" -eq 0",
		 path, fix, path, path, path);
	run_ok(cmd);
	ms_source *src = open_snapshot_ok(path);
	const ms_source_info *info = ms_source_get_info(src);
	cr_assert_str_eq(info->layout, "smemcap");
	cr_assert_str_eq(info->container, "tar");
	cr_assert_str_eq(info->kernel, "4.19.232");
	cr_assert_eq(info->page_size, 4096);
	cr_assert_str_eq(info->page_size_origin, "smaps KernelPageSize");
	assert_pids(src, want, 1);
	assert_same_as_file(src, "345/smaps", fix);
	assert_same_as_file(src, "345/cmdline", fix);
	assert_same_as_file(src, "meminfo", fix);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

Test(source, tar_without_proc_files)
{
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];
	ms_error err = { 0 };

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && echo hi > notes.txt && tar -czf x.tgz notes.txt && "
		 "mkdir e && tar -cf empty.tar -C e .", tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/x.tgz", tmp);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert_eq(err.code, EINVAL);
	cr_assert(strstr(err.msg, "not a snapshot"), "%s", err.msg);
	snprintf(path, sizeof path, "%s/empty.tar", tmp);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert(strstr(err.msg, "no files"), "%s", err.msg);
	tu_rm_rf(tmp);
}

/* A file over the per-file cap (256 MiB) is refused from its header, not
 * after filling memory. The file is sparse; zstd makes the tar small. */
Test(source, tar_entry_over_cap)
{
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];
	ms_error err = { 0 };

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && mkdir t && echo 'MemTotal: 1 kB' > t/meminfo && "
		 "truncate -s 300M t/slabinfo && tar --zstd -cf big.tar.zst -C t . && rm -r t", tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/big.tar.zst", tmp);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert_eq(err.code, EFBIG);
	cr_assert(strstr(err.msg, "slabinfo: more than 256 MiB"), "%s", err.msg);
	tu_rm_rf(tmp);
}

Test(source, tar_truncated_gzip)
{
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];
	ms_error err = { 0 };

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && tar -czf full.tgz -C '%s' . && head -c 300 full.tgz > cut.tgz", tmp,
		 tu_fixture("snapshots/mem16k"));
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/cut.tgz", tmp);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert(err.code == EINVAL || err.code == EIO, "%d %s", err.code, err.msg);
	tu_rm_rf(tmp);
}

/* ---- streaming and line splitting ------------------------------------------ */

struct lines_seen {
	char all[512];
	int n;
	int stop_at;
};

static int collect_line(void *ctx, const char *line, size_t len)
{
	struct lines_seen *s = ctx;
	size_t used = strlen(s->all);

	snprintf(s->all + used, sizeof s->all - used, "[%.*s]", (int)len, line);
	return ++s->n == s->stop_at ? 42 : 0;
}

Test(source, line_splitter_joins_chunks)
{
	struct lines_seen seen = { "", 0, 0 };
	ms_line_splitter s;

	ms_line_splitter_init(&s, collect_line, &seen, 16);
	cr_assert_eq(ms_line_splitter_feed(&s, "ab\ncd", 5), 0);
	cr_assert_eq(ms_line_splitter_feed(&s, "e", 1), 0);
	cr_assert_eq(ms_line_splitter_feed(&s, "\n\nfg", 4), 0);
	cr_assert_eq(ms_line_splitter_finish(&s), 0);
	cr_assert_str_eq(seen.all, "[ab][cde][][fg]");
	ms_line_splitter_free(&s);
}

Test(source, line_splitter_limits_and_stops)
{
	struct lines_seen seen = { "", 0, 2 };
	ms_line_splitter s;

	ms_line_splitter_init(&s, collect_line, &seen, 4);
	cr_assert_eq(ms_line_splitter_feed(&s, "abcd\nab", 7), 0);
	cr_assert_eq(ms_line_splitter_feed(&s, "cde", 3), -EFBIG);
	ms_line_splitter_free(&s);

	ms_line_splitter_init(&s, collect_line, &seen, 4);
	cr_assert_eq(ms_line_splitter_feed(&s, "abcde\n", 6), -EFBIG);
	/* The callback's non-zero answer stops the feed and comes back. */
	cr_assert_eq(ms_line_splitter_feed(&s, "x\ny\nz\n", 6), 42);
	cr_assert_str_eq(seen.all, "[abcd][x]");
	ms_line_splitter_free(&s);
}

static int count_line(void *ctx, const char *line, size_t len)
{
	(void)line;
	(void)len;
	++*(int *)ctx;
	return 0;
}

Test(source, stream_through_splitter_dir_and_tar)
{
	const char *fix = tu_fixture("snapshots/mem16k");
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];

	snprintf(path, sizeof path, "%s/s.tar.zst", tmp);
	snprintf(cmd, sizeof cmd, "tar -caf '%s' -C '%s' .", path, fix);
	run_ok(cmd);
	for (int pass = 0; pass < 2; pass++) {
		ms_source *src = open_snapshot_ok(pass ? path : fix);
		ms_line_splitter s;
		ms_error err = { 0 };
		int lines = 0;
		ms_line_splitter_init(&s, count_line, &lines, 4096);
		cr_assert_eq(ms_source_stream(src, "meminfo", ms_line_splitter_feed, &s, &err),
			     0);
		cr_assert_eq(ms_line_splitter_finish(&s), 0);
		cr_assert_eq(lines, 21); /* lines in the fixture's meminfo */
		cr_assert_eq(ms_source_stream(src, "nope", ms_line_splitter_feed, &s, &err),
			     -ENOENT);
		ms_line_splitter_free(&s);
		ms_source_close(src);
	}
	tu_rm_rf(tmp);
}

/* Chunks appended to a buffer; stops with 7 once past stop_after bytes. */
struct collect {
	ms_buf all;
	size_t chunks, stop_after;
};

static int collect_chunk(void *ctx, const char *data, size_t len)
{
	struct collect *c = ctx;

	cr_assert_eq(ms_buf_append(&c->all, data, len), 0);
	c->chunks++;
	return c->stop_after && c->all.len >= c->stop_after ? 7 : 0;
}

/* A 3 MiB file, which the reader thread reads in many chunks ahead of the
 * consumer: the same bytes, in order, as the plain stream; the consumer
 * can stop half-way (its value comes back, the reader thread leaves); a
 * missing file is -ENOENT; /proc itself goes through it too. */
Test(source, stream_ahead_same_bytes_and_stops)
{
	const char *tmp = tu_tmpdir();
	char path[1024];
	ms_buf want = MS_BUF_INIT;

	for (unsigned i = 0; want.len < (3u << 20); i++)
		ms_buf_printf(&want, "line %u of a file longer than the read-ahead ring\n", i);
	snprintf(path, sizeof path, "%s/meminfo", tmp);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	cr_assert_eq(fwrite(want.data, 1, want.len, f), want.len);
	fclose(f);

	ms_source *src = open_snapshot_ok(tmp);
	ms_error err = { 0 };
	struct collect c = { .all = MS_BUF_INIT };
	cr_assert_eq(ms_source_stream_ahead(src, "meminfo", collect_chunk, &c, &err), 0);
	cr_assert_eq(c.all.len, want.len);
	cr_assert(memcmp(c.all.data, want.data, want.len) == 0);
	cr_assert_gt(c.chunks, 8, "read in chunks, not at once: %zu", c.chunks);

	struct collect stop = { .all = MS_BUF_INIT, .stop_after = 1u << 20 };
	cr_assert_eq(ms_source_stream_ahead(src, "meminfo", collect_chunk, &stop, &err), 7);
	cr_assert_lt(stop.all.len, want.len);
	cr_assert(memcmp(stop.all.data, want.data, stop.all.len) == 0);
	cr_assert_eq(ms_source_stream_ahead(src, "nope", collect_chunk, &stop, &err), -ENOENT);
	ms_source_close(src);

	/* A read that fails (a directory where a file should be) is an error
	 * from the reader thread, passed on. */
	snprintf(path, sizeof path, "%s/adir", tmp);
	cr_assert_eq(mkdir(path, 0755), 0);
	ms_source *tree = ms_source_open_live(tmp, &err);
	cr_assert(tree, "%s", err.msg);
	ms_buf_reset(&c.all);
	cr_assert_eq(ms_source_stream_ahead(tree, "adir", collect_chunk, &c, &err), -EIO);
	cr_assert(strstr(err.msg, "adir") != NULL, "%s", err.msg);
	cr_assert_eq(c.all.len, 0);
	ms_source_close(tree);

	ms_source *live = ms_source_open_live(NULL, &err);
	cr_assert(live);
	ms_buf_reset(&c.all);
	snprintf(path, sizeof path, "%d/status", (int)getpid());
	cr_assert_eq(ms_source_stream_ahead(live, path, collect_chunk, &c, &err), 0);
	cr_assert(strstr(c.all.data, "\nVmRSS:") != NULL);
	ms_source_close(live);

	ms_buf_free(&c.all);
	ms_buf_free(&stop.all);
	ms_buf_free(&want);
	tu_rm_rf(tmp);
}

/* ---- metadata parsing ------------------------------------------------------ */

Test(source, meta_parse_fields)
{
	static const char text[] = "format: memscope/1\n"
				   "captured_at: 2026-03-02T10:15:00Z\n"
				   "# a comment\n"
				   "hostname:  rk3566-board \n"
				   "kernel: 5.10.160\n"
				   "machine: aarch64\n"
				   "page_size: 16384\n"
				   "later_key: ignored\n"
				   "tool: memscope-capture.sh\n";
	ms_snapshot_meta m;
	ms_error err = { 0 };

	cr_assert_eq(ms_parse_snapshot_meta(text, sizeof text - 1, &m, &err), 0, "%s", err.msg);
	cr_assert_str_eq(m.format, "memscope/1");
	cr_assert_str_eq(m.captured_at, "2026-03-02T10:15:00Z");
	cr_assert_str_eq(m.hostname, "rk3566-board");
	cr_assert_str_eq(m.kernel, "5.10.160");
	cr_assert_str_eq(m.machine, "aarch64");
	cr_assert_eq(m.page_size, 16384);
	cr_assert_str_eq(m.tool, "memscope-capture.sh");
}

static int meta_err(const char *text, ms_error *err)
{
	ms_snapshot_meta m;
	return ms_parse_snapshot_meta(text, strlen(text), &m, err);
}

Test(source, meta_parse_errors)
{
	ms_error err = { 0 };
	ms_snapshot_meta m;

	cr_assert_eq(meta_err("format: memscope/1\npage_size: 4097\n", &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(meta_err("format: memscope/1\npage_size: 99999999999999999999999\n", &err),
		     -EINVAL);
	cr_assert_eq(meta_err("format: memscope/1\npage_size: 4096 kB\n", &err), -EINVAL);
	cr_assert_eq(meta_err("format: memscope/1\njust words\n", &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(meta_err("format: other/1\n", &err), -EINVAL);
	cr_assert_eq(meta_err("kernel: 5.10\n", &err), -EINVAL); /* no format line */
	cr_assert_eq(meta_err("", &err), -EINVAL);
	static const char nul[] = "format: memscope/1\nkernel: a\0b\n";
	cr_assert_eq(ms_parse_snapshot_meta(nul, sizeof nul - 1, &m, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	/* A page size absent is not a page size of 0. */
	cr_assert_eq(meta_err("format: memscope/1\n", &err), 0);
	cr_assert_eq(ms_parse_snapshot_meta("format: memscope/1", 18, &m, &err), 0);
	cr_assert_eq(m.page_size, MS_NA);
}

Test(source, version_release)
{
	static const char v[] = "Linux version 4.1.25 (root@ee808085fa98) (gcc version 4.9.3 "
				"(GCC) ) #56 SMP Fri Mar 10 17:42:38 CST 2023\n";
	char rel[16];

	cr_assert_eq(ms_parse_version(v, sizeof v - 1, rel, sizeof rel), 0);
	cr_assert_str_eq(rel, "4.1.25");
	cr_assert_eq(ms_parse_version("Linux version 6.1.0\n", 20, rel, sizeof rel), 0);
	cr_assert_str_eq(rel, "6.1.0");
	cr_assert_eq(ms_parse_version("Linux version ", 14, rel, sizeof rel), -EINVAL);
	cr_assert_eq(ms_parse_version("FreeBSD 14.0", 12, rel, sizeof rel), -EINVAL);
	cr_assert_eq(ms_parse_version(v, sizeof v - 1, rel, 4), -ERANGE);
	cr_assert_str_eq(rel, "");
}

/* A metadata file that does not parse still marks the layout, and the
 * other ways find the page size. */
Test(source, bad_metadata_falls_back)
{
	const char *tmp = tu_tmpdir();
	char cmd[8192], path[1024];

	snprintf(cmd, sizeof cmd,
		 "cp -r '%s/proc' '%s/snap' && printf 'format: memscope/1\\npage_size: 3\\n' > "
		 "'%s/snap/memscope-snapshot'",
		 tu_fixture("snapshots/kps64k"), tmp, tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/snap", tmp);
	ms_source *src = open_snapshot_ok(path);
	cr_assert_str_eq(ms_source_get_info(src)->layout, "memscope");
	cr_assert_eq(ms_source_get_info(src)->page_size, 65536);
	cr_assert_str_eq(ms_source_get_info(src)->kernel, "5.15.136-tegra");
	ms_source_close(src);
	tu_rm_rf(tmp);
}

Test(source, users_file_parses_and_rejects_garbage)
{
	ms_kvlist users = { 0 };
	ms_error err;
	const char ok[] = "0 root\n\n1000 pi\n65534 nobody";
	cr_assert_eq(ms_parse_users(ok, sizeof ok - 1, &users, &err), 0);
	cr_assert_eq(users.n, 3);
	cr_assert_eq(ms_kvlist_get(&users, "pi"), 1000);
	cr_assert_eq(ms_kvlist_get(&users, "nobody"), 65534);
	ms_kvlist_free(&users);

	const char bad[] = "0 root\nroot 0\n";
	cr_assert_eq(ms_parse_users(bad, sizeof bad - 1, &users, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	ms_kvlist_free(&users);
	const char negative[] = "-1 ghost\n";
	cr_assert_eq(ms_parse_users(negative, sizeof negative - 1, &users, &err), -EINVAL);
	ms_kvlist_free(&users);
}

/* ---- the in-memory tree: a table of files ------------------------------- */

static ms_source *open_table(const ms_memfile *files, size_t n)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_files(files, n, 0, "table", &err);

	cr_assert(src, "open_files: %s", err.msg);
	return src;
}

static void assert_read_is(ms_source *src, const char *rel, const char *want)
{
	ms_buf b = MS_BUF_INIT;

	read_ok(src, rel, &b);
	cr_assert_eq(b.len, strlen(want), "%s: %zu bytes", rel, b.len);
	cr_assert(b.len == 0 || memcmp(b.data, want, b.len) == 0, "%s: %s", rel, b.data);
	ms_buf_free(&b);
}

/* "name/" for a folder, one entry per line, in order. */
static void assert_listing(ms_source *src, const char *dir, const char *want)
{
	ms_dirlist l;
	ms_error err = { 0 };
	ms_buf got = MS_BUF_INIT;

	cr_assert_eq(ms_source_list_dir(src, dir, &l, &err), 0, "list %s: %s", dir, err.msg);
	for (size_t i = 0; i < l.n; i++)
		ms_buf_printf(&got, "%s%s\n", l.e[i].name, l.e[i].is_dir ? "/" : "");
	cr_assert_str_eq(got.data ? got.data : "", want, "listing of %s", dir);
	ms_dirlist_free(&l);
	ms_buf_free(&got);
}

static const ms_memfile table[] = {
	{ "meminfo", "MemTotal: 1 kB\n", 15, 0 },
	{ "12/status", "Name:\tx\n", 8, 0 },
	{ "12/smaps_rollup", NULL, 0, EACCES },
	{ "3/stat", "3 (k) S", 7, 0 },
	{ "sys/kernel/mm/cma/reserved/alloc_pages_success", "7\n", 2, 0 },
	{ "sys/block/zram0/mm_stat", "1 2 3\n", 6, 0 },
	{ "proc/sys/vm/overcommit_memory", "0\n", 2, 0 },
	{ "memscope-users", "0 root\n", 7, 0 },
	{ "empty", "", 0, 0 },
};

Test(source, table_reads_lists_and_fails_as_told)
{
	ms_source *src = open_table(table, MS_ARRAY_LEN(table));
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };
	static const int want[] = { 3, 12 };

	assert_read_is(src, "meminfo", "MemTotal: 1 kB\n");
	assert_read_is(src, "proc/meminfo", "MemTotal: 1 kB\n");
	assert_read_is(src, "sys/block/zram0/mm_stat", "1 2 3\n");
	assert_read_is(src, "proc/sys/vm/overcommit_memory", "0\n");
	assert_read_is(src, "memscope-users", "0 root\n");
	assert_read_is(src, "empty", "");
	cr_assert_eq(ms_source_read(src, "12/smaps_rollup", &b, &err), -EACCES);
	cr_assert(strncmp(err.msg, "12/smaps_rollup: ", 17) == 0, "%s", err.msg);
	cr_assert_eq(ms_source_stream(src, "12/smaps_rollup", ms_line_splitter_feed, NULL, &err),
		     -EACCES);
	cr_assert_eq(ms_source_read(src, "sys/vm/overcommit_memory", &b, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "sys/vm/overcommit_memory: not in snapshot");
	assert_pids(src, want, 2);
	assert_listing(src, "proc", "12/\n3/\nempty\nmeminfo\nsys/\n");
	assert_listing(src, "12", "smaps_rollup\nstatus\n");
	assert_listing(src, "sys", "block/\nkernel/\n");
	assert_listing(src, "sys/kernel/mm/cma", "reserved/\n");
	ms_dirlist l;
	cr_assert_eq(ms_source_list_dir(src, "sys/kernel/debug", &l, &err), -ENOENT);
	cr_assert_eq(ms_source_list_dir(src, "meminfo", &l, &err), -ENOENT);
	cr_assert_eq(ms_source_list_dir(src, "../x", &l, &err), -EINVAL);
	const ms_source_info *info = ms_source_get_info(src);
	cr_assert_eq(info->caps, 0);
	cr_assert_str_eq(info->container, "memory");
	cr_assert_str_eq(info->path, "table");
	ms_buf_free(&b);
	ms_source_close(src);
}

Test(source, table_refuses_paths_out_of_itself)
{
	static const char *const bad[] = { "/etc/passwd", "../x", "a/../../x", "", "sys", "proc" };
	ms_error err = { 0 };

	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		ms_memfile f = { bad[i], "x", 1, 0 };
		cr_assert_null(ms_source_open_files(&f, 1, 0, NULL, &err), "%s accepted", bad[i]);
		cr_assert_eq(err.code, EINVAL, "%s", bad[i]);
	}
	ms_memfile neg = { "meminfo", NULL, 0, -5 };
	cr_assert_null(ms_source_open_files(&neg, 1, 0, NULL, &err));
	/* No file at all is an empty source, not an error. */
	ms_source *src = ms_source_open_files(NULL, 0, MS_CAP_PARALLEL, NULL, &err);
	cr_assert(src, "%s", err.msg);
	cr_assert(ms_source_can(src, MS_CAP_PARALLEL));
	assert_pids(src, NULL, 0);
	ms_source_close(src);
}

/* A name that is a file and a folder at once keeps the folder. */
Test(source, table_file_shadowed_by_folder)
{
	static const ms_memfile files[] = {
		{ "a", "file", 4, 0 }, { "a-b", "x", 1, 0 }, { "a/c", "y", 1, 0 },
	};
	ms_source *src = open_table(files, MS_ARRAY_LEN(files));
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	cr_assert_eq(ms_source_read(src, "a", &b, &err), -ENOENT);
	assert_listing(src, "proc", "a/\na-b\n");
	cr_assert_eq(ms_source_get_info(src)->skipped_entries, 1);
	ms_buf_free(&b);
	ms_source_close(src);
}

/* ---- archives on a pipe, a FIFO, standard input ---------------------------- */

/* mem16k as a tar.gz, in memory. */
static void mem16k_tgz(ms_buf *out)
{
	char cmd[2048];

	snprintf(cmd, sizeof cmd, "tar -czf - -C '%s' .", tu_fixture("snapshots/mem16k"));
	cr_assert_eq(tu_run(cmd, out), 0);
	cr_assert(out->len > 100);
}

struct feeder {
	int fd;
	const ms_buf *bytes;
};

/* Writes the bytes in small pieces and closes: a pipe holds 64 KiB, so
 * the reader has to take them as they come. */
static void *feed(void *arg)
{
	struct feeder *f = arg;

	for (size_t off = 0; off < f->bytes->len;) {
		size_t n = f->bytes->len - off < 1000 ? f->bytes->len - off : 1000;
		ssize_t w = write(f->fd, f->bytes->data + off, n);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static void assert_mem16k(ms_source *src, const char *name)
{
	static const int want[] = { 1, 2 };
	const ms_source_info *info = ms_source_get_info(src);

	for (size_t j = 0; j < MS_ARRAY_LEN(mem16k_files); j++)
		assert_same_as_file(src, mem16k_files[j], tu_fixture("snapshots/mem16k"));
	assert_pids(src, want, 2);
	cr_assert_str_eq(info->container, "tar.gz");
	cr_assert_str_eq(info->path, name);
	cr_assert_eq(info->page_size, 16384);
	cr_assert(ms_source_can(src, MS_CAP_STREAM | MS_CAP_PARALLEL));
	cr_assert_not(ms_source_can(src, MS_CAP_REFRESH));
}

Test(source, archive_from_a_pipe)
{
	ms_buf tgz = MS_BUF_INIT;
	int p[2];
	pthread_t t;
	ms_error err = { 0 };

	mem16k_tgz(&tgz);
	cr_assert_eq(pipe(p), 0);
	struct feeder f = { p[1], &tgz };
	cr_assert_eq(pthread_create(&t, NULL, feed, &f), 0);
	ms_source *src = ms_source_open_fd(p[0], "ssh board", &err);
	pthread_join(t, NULL);
	close(p[0]);
	cr_assert(src, "%s", err.msg);
	assert_mem16k(src, "ssh board");
	ms_source_close(src);
	ms_buf_free(&tgz);
}

Test(source, archive_from_a_fifo)
{
	const char *tmp = tu_tmpdir();
	char path[1024];
	ms_buf tgz = MS_BUF_INIT;
	ms_error err = { 0 };

	mem16k_tgz(&tgz);
	snprintf(path, sizeof path, "%s/fifo", tmp);
	cr_assert_eq(mkfifo(path, 0600), 0);
	/* The writer opens its end once the reader has opened its own. */
	pid_t child = fork();
	cr_assert(child >= 0);
	if (child == 0) {
		struct feeder f = { open(path, O_WRONLY), &tgz };
		feed(&f);
		_exit(0);
	}
	ms_source *src = ms_source_open_snapshot(path, &err);
	int status;
	waitpid(child, &status, 0);
	cr_assert(src, "%s", err.msg);
	assert_mem16k(src, path);
	ms_source_close(src);
	ms_buf_free(&tgz);
	tu_rm_rf(tmp);
}

Test(source, archive_on_standard_input)
{
	ms_buf tgz = MS_BUF_INIT;
	int p[2];
	pthread_t t;
	ms_error err = { 0 };

	mem16k_tgz(&tgz);
	cr_assert_eq(pipe(p), 0);
	cr_assert(dup2(p[0], STDIN_FILENO) == STDIN_FILENO);
	close(p[0]);
	struct feeder f = { p[1], &tgz };
	cr_assert_eq(pthread_create(&t, NULL, feed, &f), 0);
	ms_source *src = ms_source_open_snapshot("-", &err);
	pthread_join(t, NULL);
	cr_assert(src, "%s", err.msg);
	assert_mem16k(src, "-");
	ms_source_close(src);

	/* Nothing came: said plainly. */
	cr_assert_eq(pipe(p), 0);
	close(p[1]);
	cr_assert_null(ms_source_open_fd(p[0], "-", &err));
	cr_assert_eq(err.code, EINVAL);
	cr_assert_str_eq(err.msg, "-: not a snapshot archive: empty");
	close(p[0]);
	ms_buf_free(&tgz);
}

/* ---- layouts: proc/ and sys/ side by side ------------------------------------ */

/* TOP/memscope-snapshot, TOP/proc/... and TOP/sys/..., as new captures and
 * `tar czf x.tgz /proc/... /sys/...` make them. */
static const char *new_layout_dir(void)
{
	const char *tmp = tu_tmpdir();
	static char cmd[4096];

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && mkdir -p board/proc board/sys/kernel/mm/cma/reserved "
		 "board/sys/block/zram0 && cp -r '%s'/* board/proc/ && "
		 "mv board/proc/memscope-snapshot board/ && echo '0 root' > board/memscope-users && "
		 "echo 7 > board/sys/kernel/mm/cma/reserved/alloc_pages_success && "
		 "echo '1 2 3' > board/sys/block/zram0/mm_stat && mkdir -p board/proc/sys/vm && "
		 "echo 0 > board/proc/sys/vm/overcommit_memory",
		 tmp, tu_fixture("snapshots/mem16k"));
	run_ok(cmd);
	return tmp;
}

static void assert_new_layout(ms_source *src)
{
	static const int want[] = { 1, 2 };
	const ms_source_info *info = ms_source_get_info(src);

	assert_pids(src, want, 2);
	if (!ms_source_can(src, MS_CAP_HOST_FACTS)) {
		cr_assert_str_eq(info->layout, "memscope");
		cr_assert_eq(info->page_size, 16384);
	}
	assert_read_is(src, "sys/kernel/mm/cma/reserved/alloc_pages_success", "7\n");
	assert_read_is(src, "sys/block/zram0/mm_stat", "1 2 3\n");
	assert_read_is(src, "proc/sys/vm/overcommit_memory", "0\n");
	assert_read_is(src, "memscope-users", "0 root\n");
	assert_same_as_file(src, "meminfo", tu_fixture("snapshots/mem16k"));
	assert_listing(src, "sys", "block/\nkernel/\n");
	assert_listing(src, "sys/block/zram0", "mm_stat\n");
	assert_listing(src, "1", "cmdline\ncomm\nsmaps_rollup\nstat\nstatus\n");
}

Test(source, layout_proc_and_sys_side_by_side)
{
	const char *tmp = new_layout_dir();
	char path[1024], cmd[2048];

	snprintf(path, sizeof path, "%s/board", tmp);
	ms_source *src = open_snapshot_ok(path);
	assert_new_layout(src);
	ms_source_close(src);
	/* The same as an archive with the folder, and without it. */
	snprintf(cmd, sizeof cmd, "cd '%s' && tar -czf a.tgz board && tar -cJf b.txz -C board .",
		 tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/a.tgz", tmp);
	src = open_snapshot_ok(path);
	assert_new_layout(src);
	ms_source_close(src);
	snprintf(path, sizeof path, "%s/b.txz", tmp);
	src = open_snapshot_ok(path);
	assert_new_layout(src);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

/* An older snapshot keeps its memscope-* files in the proc root, and has
 * no sys root: "sys/..." is not there, whatever its proc root holds. */
Test(source, layout_older_snapshots)
{
	const char *tmp = tu_tmpdir();
	char cmd[4096], path[1024];
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	snprintf(cmd, sizeof cmd,
		 "cd '%s' && mkdir -p old/proc && cp -r '%s'/* old/proc/ && "
		 "mkdir -p old/proc/sys/vm && echo 0 > old/proc/sys/vm/overcommit_memory && "
		 "tar -czf flat.tgz -C '%s' .",
		 tmp, tu_fixture("snapshots/mem16k"), tu_fixture("snapshots/mem16k"));
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/old", tmp);
	ms_source *src = open_snapshot_ok(path);
	cr_assert_str_eq(ms_source_get_info(src)->layout, "memscope"); /* proc/memscope-snapshot */
	assert_read_is(src, "proc/sys/vm/overcommit_memory", "0\n");
	cr_assert_eq(ms_source_read(src, "sys/vm/overcommit_memory", &b, &err), -ENOENT);
	ms_dirlist l;
	cr_assert_eq(ms_source_list_dir(src, "sys", &l, &err), -ENOENT);
	ms_source_close(src);
	snprintf(path, sizeof path, "%s/flat.tgz", tmp);
	src = open_snapshot_ok(path);
	cr_assert_str_eq(ms_source_get_info(src)->layout, "memscope");
	cr_assert_eq(ms_source_read(src, "sys/kernel/mm/cma", &b, &err), -ENOENT);
	ms_source_close(src);
	ms_buf_free(&b);
	tu_rm_rf(tmp);
}

/* The corpus's qemu board was captured with proc/ and sys/ side by side. */
Test(source, layout_corpus_qemu_board)
{
	const char *dir = tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi");
	ms_buf b = MS_BUF_INIT;

	if (!dir)
		cr_skip_test("corpus absent");
	ms_source *src = open_snapshot_ok(dir);
	read_ok(src, "sys/kernel/debug/memblock/memory", &b);
	read_ok(src, "meminfo", &b);
	cr_assert(strncmp(b.data, "MemTotal:", 9) == 0);
	ms_dirlist l;
	ms_error err = { 0 };
	cr_assert_eq(ms_source_list_dir(src, "sys/kernel/mm", &l, &err), 0, "%s", err.msg);
	cr_assert(l.n > 0);
	ms_dirlist_free(&l);
	ms_source_close(src);
	ms_buf_free(&b);
}

/* ---- the live roots ------------------------------------------------------------ */

Test(source, live_reads_sys_and_follows_the_kernels_links)
{
	ms_error err = { 0 };
	ms_source *src = ms_source_open_live(NULL, &err);
	ms_buf a = MS_BUF_INIT, b = MS_BUF_INIT;
	ms_dirlist l;
	bool self_dir = false, meminfo_file = false;

	cr_assert(src);
	read_ok(src, "meminfo", &a);
	read_ok(src, "proc/meminfo", &b);
	cr_assert(strncmp(b.data, "MemTotal:", 9) == 0);
	/* /proc/self is a link to a folder: followed on the running system. */
	cr_assert_eq(ms_source_list_dir(src, "proc", &l, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < l.n; i++) {
		self_dir |= strcmp(l.e[i].name, "self") == 0 && l.e[i].is_dir;
		meminfo_file |= strcmp(l.e[i].name, "meminfo") == 0 && !l.e[i].is_dir;
	}
	cr_assert(self_dir && meminfo_file);
	ms_dirlist_free(&l);
	/* /sys/block/zram0 -> ../devices/virtual/block/zram0, and so on. */
	if (access("/sys/block", R_OK) == 0) {
		cr_assert_eq(ms_source_list_dir(src, "sys/block", &l, &err), 0, "%s", err.msg);
		for (size_t i = 0; i < l.n; i++)
			cr_assert(l.e[i].is_dir, "sys/block/%s: not a folder", l.e[i].name);
		ms_dirlist_free(&l);
	}
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) == 0)
		read_ok(src, "sys/kernel/mm/transparent_hugepage/enabled", &a);
	ms_buf_free(&a);
	ms_buf_free(&b);
	ms_source_close(src);
}

/* A --proc-root tree laid out like a snapshot: DIR/proc and DIR/sys. Its
 * links are not followed (it is no kernel's). */
Test(source, live_proc_root_with_sys_beside)
{
	const char *tmp = new_layout_dir();
	char path[1024], cmd[2048];
	ms_error err = { 0 };
	ms_buf b = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "cd '%s/board/sys/block' && ln -s zram0 zram1 && "
		 "ln -s /etc/hostname host", tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/board", tmp);
	ms_source *src = ms_source_open_live(path, &err);
	cr_assert(src, "%s", err.msg);
	assert_new_layout(src);
	cr_assert_eq(ms_source_read(src, "sys/block/zram1/mm_stat", &b, &err), -EINVAL);
	cr_assert_eq(ms_source_read(src, "sys/block/host", &b, &err), -EINVAL);
	assert_listing(src, "sys/block", "zram0/\n");
	ms_buf_free(&b);
	ms_source_close(src);
	tu_rm_rf(tmp);
}

/* ---- where a file is, for messages ----------------------------------------- */

static void assert_where(ms_source *src, const char *rel, const char *want)
{
	char buf[1024];

	cr_assert_str_eq(ms_source_where(src, rel, buf, sizeof buf), want, "where %s", rel);
}

Test(source, where_names_the_file_as_the_user_knows_it)
{
	const char *tmp = new_layout_dir();
	char path[1024], want[1200], cmd[2048];
	ms_error err = { 0 };

	ms_source *live = ms_source_open_live(NULL, &err);
	cr_assert(live);
	assert_where(live, "zoneinfo", "/proc/zoneinfo");
	assert_where(live, "proc/sys/vm", "/proc/sys/vm");
	assert_where(live, "sys/kernel/mm/cma", "/sys/kernel/mm/cma");
	ms_source_close(live);

	/* A folder named with a slash, its proc/ level found: no "//". */
	snprintf(path, sizeof path, "%s/board/", tmp);
	ms_source *dir = open_snapshot_ok(path);
	snprintf(want, sizeof want, "%s/board/proc/zoneinfo", tmp);
	assert_where(dir, "zoneinfo", want);
	snprintf(want, sizeof want, "%s/board/sys/block", tmp);
	assert_where(dir, "sys/block", want);
	snprintf(want, sizeof want, "%s/board/memscope-snapshot", tmp);
	assert_where(dir, "memscope-snapshot", want);
	ms_source_close(dir);
	dir = open_snapshot_ok(tu_fixture("snapshots/mem16k"));
	snprintf(want, sizeof want, "%s/1/maps", tu_fixture("snapshots/mem16k"));
	assert_where(dir, "1/maps", want);
	ms_source_close(dir);

	snprintf(cmd, sizeof cmd, "cd '%s' && tar -czf a.tgz board", tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/a.tgz", tmp);
	ms_source *tar = open_snapshot_ok(path);
	snprintf(want, sizeof want, "%s:board/proc/zoneinfo", path);
	assert_where(tar, "zoneinfo", want);
	snprintf(want, sizeof want, "%s:board/sys", path);
	assert_where(tar, "sys", want);
	ms_source_close(tar);
	tu_rm_rf(tmp);
}

/* ---- what the capture could not read ---------------------------------------- */

Test(source, unread_file_parses)
{
	const char ok[] = "# comment\n"
			  "slabinfo\tneeds root\n"
			  "sys/kernel/debug\tneeds root\n"
			  "*/smaps\tneeds root\t3\t205 17 1\n"
			  "\n"
			  "pressure/memory\tread error\r\n";
	ms_unread u;
	ms_error err = { 0 };

	int r = ms_parse_unread(ok, sizeof ok - 1, &u, &err);
	cr_assert_eq(r, 0, "%d line %u: %s", r, err.line, err.msg);
	cr_assert_eq(u.n, 4);
	cr_assert_str_eq(u.e[0].path, "slabinfo");
	cr_assert_str_eq(u.e[0].reason, "needs root");
	cr_assert_null(u.e[0].pids);
	cr_assert_str_eq(u.e[2].path, "*/smaps");
	cr_assert_eq(u.e[2].npids, 3);
	cr_assert(u.e[2].pids[0] == 1 && u.e[2].pids[1] == 17 && u.e[2].pids[2] == 205);
	cr_assert_str_eq(u.e[3].reason, "read error");
	ms_unread_free(&u);

	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{ "slabinfo\n", 1 },
		{ "ok\tx\n/etc/passwd\tneeds root\n", 2 },
		{ "../x\tneeds root\n", 1 },
		{ "a/../../x\tneeds root\n", 1 },
		{ "slabinfo\t\n", 1 },
		{ "*/smaps\tneeds root\n", 1 },
		{ "*/smaps\tneeds root\t2\t1\n", 1 },
		{ "*/smaps\tneeds root\t1\t1 2\n", 1 },
		{ "*/smaps\tneeds root\t1\t0\n", 1 },
		{ "*/smaps\tneeds root\tx\t1\n", 1 },
		{ "slabinfo\tneeds root\t1\t1\n", 1 },
		{ "slab\x1b[2Jinfo\tneeds root\n", 1 },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		ms_error_clear(&err);
		cr_assert_eq(ms_parse_unread(bad[i].text, strlen(bad[i].text), &u, &err), -EINVAL,
			     "accepted: %s", bad[i].text);
		cr_assert_eq(err.line, bad[i].line, "%s: line %u", bad[i].text, err.line);
		cr_assert(err.msg[0]);
		cr_assert_eq(u.n, 0);
		cr_assert_null(u.e);
	}
}

/* Every prefix of a good file parses or fails with EINVAL, leaving
 * nothing behind. */
Test(source, unread_file_truncation_sweep)
{
	const char text[] = "slabinfo\tneeds root\n*/maps\tneeds root\t2\t1 17\n";
	ms_unread u;
	ms_error err;

	for (size_t n = 0; n <= sizeof text - 1; n++) {
		int r = ms_parse_unread(text, n, &u, &err);
		cr_assert(r == 0 || r == -EINVAL, "prefix %zu: %d", n, r);
		if (r < 0)
			cr_assert(u.n == 0 && !u.e);
		ms_unread_free(&u);
	}
}

#define UNREAD_TEXT                                                                        \
	"*/fdinfo\tneeds root\t1\t12\n"                                                   \
	"*/smaps_rollup\tneeds root\t2\t1 12\n"                                           \
	"slabinfo\tneeds root\n"                                                          \
	"sys/kernel/debug\tneeds root\n"                                                  \
	"meminfo\tread error\n"

static const ms_memfile captured_as_user[] = {
	{ "memscope-snapshot", "format: memscope/2\n", 19, 0 },
	{ "memscope-unread", UNREAD_TEXT, sizeof UNREAD_TEXT - 1, 0 },
	{ "meminfo", "MemTotal: 1 kB\n", 15, 0 },
	{ "1/stat", "1 (init) S", 10, 0 },
	{ "12/stat", "12 (sh) S", 9, 0 },
	{ "13/stat", "13 (sh) S", 9, 0 },
};

/* A file the capture could not read says so, and why: not "not in
 * snapshot". A file that is there is read, whatever the list says. */
Test(source, unread_files_say_why)
{
	ms_source *src = open_table(captured_as_user, MS_ARRAY_LEN(captured_as_user));
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };
	ms_dirlist l;

	cr_assert_eq(ms_source_read(src, "slabinfo", &b, &err), -EACCES);
	cr_assert_eq(err.code, EACCES);
	cr_assert_str_eq(err.msg, "slabinfo: not readable when captured (needs root)");
	cr_assert_eq(ms_source_read(src, "proc/slabinfo", &b, &err), -EACCES);
	cr_assert_eq(ms_source_read(src, "12/smaps_rollup", &b, &err), -EACCES);
	cr_assert_str_eq(err.msg, "12/smaps_rollup: not readable when captured (needs root)");
	cr_assert_eq(ms_source_stream(src, "1/smaps_rollup", ms_line_splitter_feed, NULL, &err),
		     -EACCES);
	cr_assert_eq(ms_source_read(src, "13/smaps_rollup", &b, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "13/smaps_rollup: not in snapshot");
	cr_assert_eq(ms_source_read(src, "12/smaps", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_read(src, "12/fdinfo/3", &b, &err), -EACCES);
	cr_assert_eq(ms_source_list_dir(src, "12/fdinfo", &l, &err), -EACCES);
	cr_assert_eq(ms_source_read(src, "sys/kernel/debug/memblock/memory", &b, &err), -EACCES);
	cr_assert_eq(ms_source_list_dir(src, "sys/kernel/debug/cma", &l, &err), -EACCES);
	cr_assert_eq(ms_source_read(src, "sys/kernel/debugfs", &b, &err), -ENOENT);
	cr_assert_eq(ms_source_read(src, "slabinfo2", &b, &err), -ENOENT);
	assert_read_is(src, "meminfo", "MemTotal: 1 kB\n");
	ms_buf_free(&b);
	ms_source_close(src);
}

/* The same from a folder and from an archive: every snapshot kind. */
Test(source, unread_files_in_folders_and_archives)
{
	const char *tmp = new_layout_dir();
	char path[1024], cmd[2048];
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	snprintf(cmd, sizeof cmd, "cd '%s' && rm board/proc/buddyinfo && "
		 "printf 'buddyinfo\\tneeds root\\n*/maps\\tneeds root\\t1\\t1\\n' > "
		 "board/memscope-unread && tar -cf b.tar board", tmp);
	run_ok(cmd);
	static const char *const names[] = { "board", "b.tar" };
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		snprintf(path, sizeof path, "%s/%s", tmp, names[i]);
		ms_source *src = open_snapshot_ok(path);
		cr_assert_eq(ms_source_read(src, "buddyinfo", &b, &err), -EACCES, "%s", path);
		cr_assert_str_eq(err.msg, "buddyinfo: not readable when captured (needs root)");
		cr_assert_eq(ms_source_read(src, "1/maps", &b, &err), -EACCES);
		cr_assert_eq(ms_source_read(src, "2/maps", &b, &err), 0);
		ms_source_close(src);
	}
	ms_buf_free(&b);
	tu_rm_rf(tmp);
}

/* ---- error wording -------------------------------------------------------------- */

/* Every kind names the path once, in its own words ("1/maps: not in
 * snapshot"); whoever shows it adds no second copy. */
Test(source, missing_file_named_once)
{
	const char *tmp = tu_tmpdir();
	char path[1024], cmd[2048];
	ms_buf b = MS_BUF_INIT;
	ms_error err = { 0 };

	snprintf(cmd, sizeof cmd, "tar -czf '%s/m.tgz' -C '%s' .", tmp,
		 tu_fixture("snapshots/mem16k"));
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/m.tgz", tmp);
	ms_source *srcs[] = {
		open_snapshot_ok(tu_fixture("snapshots/mem16k")),
		open_snapshot_ok(path),
		open_table(table, MS_ARRAY_LEN(table)),
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(srcs); i++) {
		cr_assert_eq(ms_source_read(srcs[i], "1/maps", &b, &err), -ENOENT);
		cr_assert_str_eq(err.msg, "1/maps: not in snapshot");
		cr_assert_eq(ms_source_stream(srcs[i], "1/maps", ms_line_splitter_feed, NULL, &err),
			     -ENOENT);
		cr_assert_str_eq(err.msg, "1/maps: not in snapshot");
		ms_source_close(srcs[i]);
	}
	ms_buf_free(&b);
	tu_rm_rf(tmp);
}

/* Compressed archives cut short: the compression is named, libarchive's
 * own words ("truncated gzip input", "Lzma library error") are not. */
Test(source, damaged_archives_say_so)
{
	static const struct {
		const char *flag, *name, *said;
	} kinds[] = {
		{ "-z", "gzip", "truncated or damaged archive (gzip)" },
		{ "-J", "xz", "truncated or damaged archive (xz)" },
		{ "--zstd", "zstd", "truncated or damaged archive (zstd)" },
		{ "-j", "bzip2", "truncated or damaged archive (bzip2)" },
	};
	const char *tmp = tu_tmpdir();
	char path[1024], cmd[2048];
	ms_error err = { 0 };

	for (size_t i = 0; i < MS_ARRAY_LEN(kinds); i++) {
		snprintf(path, sizeof path, "%s/cut.%s", tmp, kinds[i].name);
		snprintf(cmd, sizeof cmd, "tar %s -cf - -C '%s' . | head -c 60 > '%s'",
			 kinds[i].flag, tu_fixture("snapshots/mem16k"), path);
		run_ok(cmd);
		cr_assert_null(ms_source_open_snapshot(path, &err));
		cr_assert_eq(err.code, EINVAL);
		char want[1200];
		snprintf(want, sizeof want, "%s: %s", path, kinds[i].said);
		cr_assert_str_eq(err.msg, want);
	}
	snprintf(cmd, sizeof cmd, "cd '%s' && echo hello | gzip > hello.gz && "
		 "echo hello > z.txt && tar -cf - z.txt | head -c 300 > cut.tar", tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/hello.gz", tmp);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert(strstr(err.msg, "not a snapshot archive (gzip data, but no tar or cpio in it)"),
		  "%s", err.msg);
	snprintf(path, sizeof path, "%s/cut.tar", tmp);
	cr_assert_null(ms_source_open_snapshot(path, &err));
	cr_assert(strstr(err.msg, ": not a snapshot archive (memscope reads tar and cpio"),
		  "%s", err.msg);
	tu_rm_rf(tmp);
}

/* Runs fn as nobody in a child (root reads everything); fn returns NULL,
 * or what went wrong. */
static void as_nobody(const char *(*fn)(const char *), const char *arg)
{
	int p[2];
	char why[512] = "";

	cr_assert_eq(pipe(p), 0);
	pid_t child = fork();
	cr_assert(child >= 0);
	if (child == 0) {
		close(p[0]);
		const char *r = setgid(65534) == 0 && setuid(65534) == 0 ? fn(arg)
									  : "cannot become nobody";
		if (r && write(p[1], r, strlen(r)) < 0)
			_exit(2);
		_exit(r ? 1 : 0);
	}
	close(p[1]);
	ssize_t n = read(p[0], why, sizeof why - 1);
	why[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "as nobody: %s", why);
}

static const char *open_unreadable_archive(const char *path)
{
	static char why[600];
	ms_error err = { 0 };
	ms_source *src = ms_source_open_snapshot(path, &err);

	if (src)
		return "opened";
	snprintf(why, sizeof why, "%s: not readable (permission denied)", path);
	if (err.code != EACCES || strcmp(err.msg, why) != 0) {
		snprintf(why, sizeof why, "code %d, %s", err.code, err.msg);
		return why;
	}
	return NULL;
}

static const char *read_mode_000_file(const char *dir)
{
	static char why[600];
	ms_error err = { 0 };
	ms_buf b = MS_BUF_INIT;
	ms_source *src = ms_source_open_snapshot(dir, &err);

	if (!src)
		return "not opened";
	int r = ms_source_read(src, "meminfo", &b, &err);
	ms_buf_free(&b);
	ms_source_close(src);
	if (r != -EACCES || strcmp(err.msg, "meminfo: not readable (permission denied)") != 0) {
		snprintf(why, sizeof why, "%d, %s", r, err.msg);
		return why;
	}
	return NULL;
}

/* A snapshot file we may not read is no "needs root": it is a file of
 * someone's, with its mode. */
Test(source, unreadable_snapshot_files_say_permission_denied)
{
	const char *tmp = tu_tmpdir();
	char path[1024], cmd[2048];

	snprintf(cmd, sizeof cmd, "chmod 755 '%s' && cp -r '%s' '%s/snap' && chmod -R a+rX '%s/snap' "
		 "&& chmod 000 '%s/snap/meminfo' && tar -czf '%s/x.tgz' -C '%s/snap' version && "
		 "chmod 000 '%s/x.tgz'",
		 tmp, tu_fixture("snapshots/mem16k"), tmp, tmp, tmp, tmp, tmp, tmp);
	run_ok(cmd);
	snprintf(path, sizeof path, "%s/x.tgz", tmp);
	as_nobody(open_unreadable_archive, path);
	snprintf(path, sizeof path, "%s/snap", tmp);
	as_nobody(read_mode_000_file, path);
	tu_rm_rf(tmp);
}

/* The snapshots shipped in data/ (format memscope/1, the older layout)
 * stay readable: our metadata, processes, the kernel's files. */
Test(source, older_snapshots_in_data_still_open)
{
	static const char *const names[] = { "demo-x86_64.tar.gz", "board-arm64-qemu.tar.gz",
					     "board-armv7-qemu.tar.gz",
					     "board-arm64-qemu-sh.tar.gz",
					     "board-armv7-qemu-sh.tar.gz" };
	ms_buf b = MS_BUF_INIT;
	size_t opened = 0;

	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		char path[1024];
		int *pids = NULL;
		size_t n = 0;
		ms_error err = { 0 };
		snprintf(path, sizeof path, "%s/../../data/%s", tu_fixture(""), names[i]);
		if (access(path, R_OK) != 0)
			continue;
		ms_source *src = open_snapshot_ok(path);
		cr_assert_str_eq(ms_source_get_info(src)->layout, "memscope", "%s", names[i]);
		cr_assert(ms_source_get_info(src)->kernel[0], "%s", names[i]);
		read_ok(src, "meminfo", &b);
		read_ok(src, "memscope-snapshot", &b);
		cr_assert(strstr(b.data, "format: memscope/1"), "%s", names[i]);
		cr_assert_eq(ms_source_list_pids(src, &pids, &n, &err), 0);
		cr_assert_gt(n, 5, "%s: %zu processes", names[i], n);
		free(pids);
		ms_source_close(src);
		opened++;
	}
	cr_assert_eq(opened, MS_ARRAY_LEN(names));
	ms_buf_free(&b);
}
