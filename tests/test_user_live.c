/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user side's views on this machine, against what the test itself
 * made: a tmpfs it mounts and fills with a known number of bytes, a SysV
 * segment of a known size a child attaches, a zram device it makes and
 * fills, the ground-truth workload's processes (librank's sums against
 * their smaps read here with stdio). Each is checked live and again on a
 * capture of the machine taken while it is there.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/batch.h"
#include "memscope/capture.h"
#include "memscope/model.h"
#include "testutil.h"
#include "workload_helper.h"

TestSuite(userlive, .timeout = 300);

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (mount, zram, every process's smaps)");
}

static char *render_on(ms_source *src, const char *view, ms_error *err)
{
	ms_batch_opts o = { .view = ms_view_find(view), .format = MS_FORMAT_JSON };
	ms_sample s;
	ms_buf out = MS_BUF_INIT;

	cr_assert_eq(ms_sample_load(&s, src, ms_view_parts(o.view), err), 0, "%s", err->msg);
	int rc = ms_batch_render(&o, &s, src, &out, err);
	ms_sample_free(&s);
	cr_assert_eq(rc, 0, "%s: %s", view, err->msg);
	return out.data;
}

static char *render_live(const char *view)
{
	ms_error err;
	ms_source *src = ms_source_open_live(NULL, &err);

	cr_assert_not_null(src, "%s", err.msg);
	char *doc = render_on(src, view, &err);
	ms_source_close(src);
	return doc;
}

/* A capture of this machine into dir/snap, then the view on it. */
static char *render_captured(const char *dir, const char *view)
{
	char out[1024];
	ms_error err;
	ms_source *live = ms_source_open_live(NULL, &err);

	cr_assert_not_null(live, "%s", err.msg);
	snprintf(out, sizeof out, "%s/snap", dir);
	ms_capture_opts o = { .out = out, .force = true, .no_cmdline = true };
	cr_assert_eq(ms_capture(live, &o, &err), 0, "capture: %s", err.msg);
	ms_source_close(live);
	ms_source *snap = ms_source_open_snapshot(out, &err);
	cr_assert_not_null(snap, "%s", err.msg);
	char *doc = render_on(snap, view, &err);
	ms_source_close(snap);
	return doc;
}

static int64_t num_after(const char *doc, const char *at, const char *key)
{
	const char *p = strstr(doc, at);
	char k[64];

	cr_assert_not_null(p, "no %s in\n%s", at, doc);
	snprintf(k, sizeof k, "\"%s\":", key);
	p = strstr(p, k);
	cr_assert_not_null(p, "no %s after %s", key, at);
	if (strncmp(p + strlen(k), "null", 4) == 0)
		return INT64_MIN;
	return strtoll(p + strlen(k), NULL, 10);
}

/* ---- tmpfs -------------------------------------------------------------------- */

static void fill(const char *path, size_t bytes)
{
	char block[8192];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < sizeof block; i++)
		block[i] = (char)(i * 7 + 1);
	for (size_t done = 0; done < bytes;) {
		size_t n = bytes - done < sizeof block ? bytes - done : sizeof block;
		cr_assert_eq(write(fd, block, n), (ssize_t)n);
		done += n;
	}
	cr_assert_eq(close(fd), 0);
}

static void check_tmpfs(const char *doc, const char *mnt, int64_t size_kb, int64_t used_kb)
{
	char at[512];

	snprintf(at, sizeof at, "\"dir\":\"%s\",\"fstype\":\"tmpfs\"", mnt);
	cr_assert_eq(num_after(doc, at, "size_kb"), size_kb);
	cr_assert_eq(num_after(doc, at, "used_kb"), used_kb);
}

Test(userlive, a_filled_tmpfs_shows_its_size_and_use)
{
	need_root();
	const char *dir = tu_tmpdir();
	char mnt[512], file[600];
	long page = sysconf(_SC_PAGESIZE);
	/* 3 MiB and a bit: a tmpfs counts whole pages. */
	size_t bytes = 3u << 20 | 12345;
	int64_t used_kb = (int64_t)((bytes + (size_t)page - 1) / (size_t)page) * page / 1024;

	snprintf(mnt, sizeof mnt, "%s/mnt", dir);
	cr_assert_eq(mkdir(mnt, 0700), 0);
	if (mount("memscope-test", mnt, "tmpfs", 0, "size=8m,mode=0700") != 0) {
		tu_rm_rf(dir);
		cr_skip_test("cannot mount a tmpfs here: %s", strerror(errno));
	}
	snprintf(file, sizeof file, "%s/data", mnt);
	fill(file, bytes);
	char *live = render_live("shm");
	check_tmpfs(live, mnt, 8192, used_kb);
	char *snap = render_captured(dir, "shm");
	check_tmpfs(snap, mnt, 8192, used_kb);
	free(live);
	free(snap);
	umount2(mnt, MNT_DETACH);
	tu_rm_rf(dir);
}

/* ---- a SysV segment ---------------------------------------------------------- */

static void check_segment(const char *doc, int shmid, size_t size, pid_t creator, pid_t child,
			  int64_t rss)
{
	char at[64], by[64];

	snprintf(at, sizeof at, "\"shmid\":%d,", shmid);
	cr_assert_eq(num_after(doc, at, "size_bytes"), (int64_t)size);
	cr_assert_eq(num_after(doc, at, "rss_bytes"), rss);
	cr_assert_eq(num_after(doc, at, "nattch"), 1);
	cr_assert_eq(num_after(doc, at, "cpid"), creator);
	cr_assert_eq(num_after(doc, at, "lpid"), child);
	snprintf(by, sizeof by, "\"mapped_by\":[{\"pid\":%d,", (int)child);
	cr_assert_not_null(strstr(strstr(doc, at), by), "%s not in %s", by, at);
	cr_assert_eq(num_after(strstr(doc, at), by, "rss_kb"), rss / 1024);
}

Test(userlive, a_sysv_segment_attached_by_a_child)
{
	need_root();
	long page = sysconf(_SC_PAGESIZE);
	size_t size = 5 * (size_t)page + 100; /* the kernel keeps the size asked for */
	int touched = 3, ready[2];
	int shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);

	if (shmid < 0)
		cr_skip_test("shmget: %s", strerror(errno));
	cr_assert_eq(pipe(ready), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		char *p = shmat(shmid, NULL, 0);
		if (p == (void *)-1)
			_exit(1);
		for (int i = 0; i < touched; i++)
			p[(size_t)i * (size_t)page] = 1;
		(void)!write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1);
	const char *dir = tu_tmpdir();
	char *live = render_live("shm");
	char *snap = render_captured(dir, "shm");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	shmctl(shmid, IPC_RMID, NULL);
	check_segment(live, shmid, size, getpid(), child, (int64_t)touched * page);
	check_segment(snap, shmid, size, getpid(), child, (int64_t)touched * page);
	free(live);
	free(snap);
	tu_rm_rf(dir);
}

/* ---- zram ---------------------------------------------------------------------- */

static bool write_sys(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	return f ? fclose(f) == 0 && ok : false;
}

/* A new zram device, or -1 with why. */
static int zram_add(char *why, size_t cap)
{
	FILE *f;
	int id = -1;

	if (access("/sys/class/zram-control/hot_add", R_OK) != 0 &&
	    system("modprobe zram num_devices=0 >/dev/null 2>&1") != 0) {
		snprintf(why, cap, "no zram: /sys/class/zram-control is absent and "
				   "modprobe zram failed (a kernel without CONFIG_ZRAM?)");
		return -1;
	}
	f = fopen("/sys/class/zram-control/hot_add", "r");
	if (!f || fscanf(f, "%d", &id) != 1)
		snprintf(why, cap, "zram-control/hot_add: %s", strerror(errno));
	if (f)
		fclose(f);
	return id;
}

/* Incompressible bytes (xorshift), text that compresses, and pages of
 * zeros that zram keeps as "same" pages without storing them. */
static void fill_zram(int id, size_t random, size_t text, size_t zeros)
{
	char dev[64], *buf = malloc(random + text + zeros);
	uint64_t x = 88172645463325252ull;

	cr_assert_not_null(buf);
	for (size_t i = 0; i < random; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (char)x;
	}
	for (size_t i = 0; i < text; i++)
		buf[random + i] = "memscope zram test "[i % 19];
	memset(buf + random + text, 0, zeros);
	snprintf(dev, sizeof dev, "/dev/zram%d", id);
	int fd = open(dev, O_WRONLY);
	cr_assert_geq(fd, 0, "%s: %s", dev, strerror(errno));
	cr_assert_eq(write(fd, buf, random + text + zeros), (ssize_t)(random + text + zeros));
	cr_assert_eq(fsync(fd), 0);
	close(fd);
	free(buf);
}

static void check_zram(const char *doc, int id, const int64_t mm[6])
{
	char at[64], ratio[64];

	snprintf(at, sizeof at, "\"device\":\"zram%d\"", id);
	cr_assert_eq(num_after(doc, at, "disksize_bytes"), 16 << 20);
	cr_assert_eq(num_after(doc, at, "orig_data_bytes"), mm[0]);
	cr_assert_eq(num_after(doc, at, "compr_data_bytes"), mm[1]);
	cr_assert_eq(num_after(doc, at, "mem_used_bytes"), mm[2]);
	cr_assert_eq(num_after(doc, at, "same_pages"), mm[5]);
	snprintf(ratio, sizeof ratio, "\"compr_ratio\":%.3f", (double)mm[0] / (double)mm[1]);
	cr_assert_not_null(strstr(strstr(doc, at), ratio), "%s in %s", ratio, doc);
}

Test(userlive, a_zram_device_made_and_filled_here)
{
	need_root();
	char why[256] = "", path[128], dirp[64];
	int id = zram_add(why, sizeof why);
	long page = sysconf(_SC_PAGESIZE);
	size_t random = 1u << 20, text = 1u << 20, zeros = 512u << 10;
	int64_t mm[6];

	if (id < 0)
		cr_skip_test("%s", why);
	snprintf(dirp, sizeof dirp, "/sys/block/zram%d", id);
	snprintf(path, sizeof path, "%s/disksize", dirp);
	cr_assert(write_sys(path, "16M"), "%s: %s", path, strerror(errno));
	fill_zram(id, random, text, zeros);
	snprintf(path, sizeof path, "%s/mm_stat", dirp);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
			       " %" SCNd64, &mm[0], &mm[1], &mm[2], &mm[3], &mm[4], &mm[5]), 6);
	fclose(f);
	const char *dir = tu_tmpdir();
	char *live = render_live("swap");
	char *snap = render_captured(dir, "swap");
	snprintf(path, sizeof path, "%s/reset", dirp);
	write_sys(path, "1");
	snprintf(path, sizeof path, "%d", id);
	write_sys("/sys/class/zram-control/hot_remove", path);
	/* What was written: orig_data_size counts every page stored, the
	 * zero pages too, which zram keeps as "same" pages (a value, no
	 * memory); the text compresses, the random bytes do not. */
	cr_assert_eq(mm[0], (int64_t)(random + text + zeros));
	cr_assert_eq(mm[5], (int64_t)(zeros / (size_t)page));
	cr_assert_lt(mm[1], (int64_t)(random + text), "the text compresses");
	cr_assert_geq(mm[1], (int64_t)random, "random bytes do not");
	check_zram(live, id, mm);
	check_zram(snap, id, mm);
	free(live);
	free(snap);
	tu_rm_rf(dir);
}

/* ---- the capture script, against the native capture ---------------------------- */

/* "key=value;" for each of keys met in doc between from and to (NULL:
 * the end), in order: the parts of two views' JSON to compare. */
static void values_between(const char *doc, const char *from, const char *to,
			   const char *const *keys, ms_buf *out)
{
	const char *p = strstr(doc, from), *end;

	ms_buf_reset(out);
	cr_assert_not_null(p, "no %s", from);
	end = to ? strstr(p, to) : p + strlen(p);
	cr_assert_not_null(end, "no %s after %s", to, from);
	for (; p < end; p++) {
		if (*p != '"')
			continue;
		for (size_t k = 0; keys[k]; k++) {
			size_t n = strlen(keys[k]);
			if (strncmp(p + 1, keys[k], n) != 0 || strncmp(p + 1 + n, "\":", 2) != 0)
				continue;
			const char *v = p + n + 3;
			size_t len = *v == '"' ? strcspn(v + 1, "\"") + 2 : strcspn(v, ",}]");
			ms_buf_printf(out, "%s=%.*s;", keys[k], (int)len, v);
		}
	}
}

/* The mounts of doc outside /tmp (where tests, this one's neighbours
 * too, mount and unmount as they please), with their sizes. */
static void stable_mounts(const char *doc, ms_buf *out)
{
	static const char *const keys[] = { "dir", "fstype", "size_kb", NULL };
	ms_buf all = MS_BUF_INIT;

	values_between(doc, "\"mounts\":[", "\"mounts_error\"", keys, &all);
	ms_buf_reset(out);
	for (char *m = all.data; m && (m = strstr(m, "dir=\"")) != NULL;) {
		char *next = strstr(m + 1, "dir=\"");
		size_t len = next ? (size_t)(next - m) : strlen(m);
		if (strncmp(m, "dir=\"/tmp/", 10) != 0)
			ms_buf_printf(out, "%.*s", (int)len, m);
		m += len;
	}
	ms_buf_free(&all);
}

static bool snapshot_has(ms_source *snap, const char *rel)
{
	ms_buf b = MS_BUF_INIT;
	ms_error err;
	bool ok = ms_source_read(snap, rel, &b, &err) == 0 && b.len > 0;

	ms_buf_free(&b);
	return ok;
}

/* A child attached to segment shmid, having touched `touched` pages. */
static pid_t attach_child(int shmid, int touched)
{
	long page = sysconf(_SC_PAGESIZE);
	int ready[2];
	char c;

	cr_assert_eq(pipe(ready), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		char *p = shmat(shmid, NULL, 0);
		if (p == (void *)-1)
			_exit(1);
		for (int i = 0; i < touched; i++)
			p[(size_t)i * (size_t)page] = 1;
		(void)!write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	close(ready[1]);
	return child;
}

/* data/memscope-capture.sh under BusyBox's sh records what shm and swap
 * read (mounts, sysvipc/shm, memscope-statvfs, the zram files), and the
 * views on its capture equal those on memscope's own capture taken just
 * before, for what does not move in between: the mounts outside /tmp and
 * their sizes, the tmpfs, SysV segment and zram device this test made
 * (known sizes), the swap devices. */
Test(userlive, the_busybox_script_captures_what_shm_and_swap_read)
{
	need_root();
	if (tu_run("command -v busybox >/dev/null 2>&1", NULL) != 0)
		cr_skip_test("busybox absent");
	const char *dir = tu_tmpdir();
	char mnt[512], file[600], path[1024], cmd[2048], why[256] = "", zdir[64] = "";
	long page = sysconf(_SC_PAGESIZE);
	size_t bytes = 3u << 20 | 12345;
	int64_t used_kb = (int64_t)((bytes + (size_t)page - 1) / (size_t)page) * page / 1024;

	snprintf(mnt, sizeof mnt, "%s/mnt", dir);
	cr_assert_eq(mkdir(mnt, 0700), 0);
	if (mount("memscope-test", mnt, "tmpfs", 0, "size=8m,mode=0700") != 0) {
		tu_rm_rf(dir);
		cr_skip_test("cannot mount a tmpfs here: %s", strerror(errno));
	}
	snprintf(file, sizeof file, "%s/data", mnt);
	fill(file, bytes);
	size_t seg = 5 * (size_t)page + 100;
	int shmid = shmget(IPC_PRIVATE, seg, IPC_CREAT | 0600);
	cr_assert_geq(shmid, 0, "shmget: %s", strerror(errno));
	pid_t child = attach_child(shmid, 3);
	int zid = zram_add(why, sizeof why);
	if (zid >= 0) {
		snprintf(zdir, sizeof zdir, "/sys/block/zram%d", zid);
		snprintf(path, sizeof path, "%s/disksize", zdir);
		cr_assert(write_sys(path, "16M"), "%s: %s", path, strerror(errno));
		fill_zram(zid, 256u << 10, 256u << 10, 64u << 10);
	} else {
		cr_log_warn("zram left out: %s", why);
	}

	/* memscope's capture, then the script's, of the same moment. */
	ms_error err;
	ms_source *live = ms_source_open_live(NULL, &err);
	cr_assert_not_null(live, "%s", err.msg);
	char native[600], script[600];
	snprintf(native, sizeof native, "%s/native", dir);
	snprintf(script, sizeof script, "%s/script.tar.gz", dir);
	ms_capture_opts o = { .out = native, .no_cmdline = true };
	cr_assert_eq(ms_capture(live, &o, &err), 0, "capture: %s", err.msg);
	ms_source_close(live);
	snprintf(cmd, sizeof cmd, "busybox sh '%s/data/memscope-capture.sh' --no-cmdline -o '%s'",
		 MS_SRCDIR, script);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	shmctl(shmid, IPC_RMID, NULL);
	if (zid >= 0) {
		snprintf(path, sizeof path, "%s/reset", zdir);
		write_sys(path, "1");
		snprintf(path, sizeof path, "%d", zid);
		write_sys("/sys/class/zram-control/hot_remove", path);
	}
	umount2(mnt, MNT_DETACH);

	const char *outs[2] = { native, script };
	char *shm[2], *swap[2];
	for (int i = 0; i < 2; i++) {
		ms_source *snap = ms_source_open_snapshot(outs[i], &err);
		cr_assert_not_null(snap, "%s: %s", outs[i], err.msg);
		static const char *const files[] = { "mounts", "sysvipc/shm", "memscope-statvfs" };
		for (size_t f = 0; f < MS_ARRAY_LEN(files); f++)
			cr_assert(snapshot_has(snap, files[f]), "%s lacks %s", outs[i], files[f]);
		static const char *const zfiles[] = { "mm_stat", "disksize", "comp_algorithm" };
		for (size_t f = 0; zid >= 0 && f < MS_ARRAY_LEN(zfiles); f++) {
			snprintf(path, sizeof path, "sys/block/zram%d/%s", zid, zfiles[f]);
			cr_assert(snapshot_has(snap, path), "%s lacks %s", outs[i], path);
		}
		shm[i] = render_on(snap, "shm", &err);
		swap[i] = render_on(snap, "swap", &err);
		ms_source_close(snap);
		check_tmpfs(shm[i], mnt, 8192, used_kb);
		check_segment(shm[i], shmid, seg, getpid(), child, 3 * page);
	}

	ms_buf a = MS_BUF_INIT, b = MS_BUF_INIT;
	stable_mounts(shm[0], &a);
	stable_mounts(shm[1], &b);
	cr_assert(a.data && strstr(a.data, "size_kb="), "%s", shm[0]);
	cr_assert_str_eq(a.data, b.data, "the mounts outside /tmp");
	static const char *const swap_keys[] = { "path", "type", "size_kb", NULL };
	values_between(swap[0], "\"swaps\":", "\"swaps_error\"", swap_keys, &a);
	values_between(swap[1], "\"swaps\":", "\"swaps_error\"", swap_keys, &b);
	cr_assert_str_eq(a.data ? a.data : "", b.data ? b.data : "", "the swap devices");
	if (zid >= 0) {
		static const char *const zkeys[] = { "algorithm", "disksize_bytes",
						     "orig_data_bytes", "compr_data_bytes",
						     "same_pages", "compr_ratio", NULL };
		char at[64];
		snprintf(at, sizeof at, "\"device\":\"zram%d\"", zid);
		values_between(swap[0], at, "}", zkeys, &a);
		values_between(swap[1], at, "}", zkeys, &b);
		cr_assert(a.data && strstr(a.data, "compr_data_bytes="), "%s", swap[0]);
		cr_assert_str_eq(a.data, b.data, "zram%d", zid);
		cr_assert_eq(num_after(swap[1], at, "disksize_bytes"), 16 << 20);
		cr_assert_eq(num_after(swap[1], at, "orig_data_bytes"), (256 + 256 + 64) << 10);
	}
	ms_buf_free(&a);
	ms_buf_free(&b);
	for (int i = 0; i < 2; i++) {
		free(shm[i]);
		free(swap[i]);
	}
	tu_rm_rf(dir);
}

/* ---- librank on the workload --------------------------------------------------- */

/* PSS summed over a process's smaps, read with stdio. */
static int64_t smaps_pss(int pid)
{
	char path[64], line[512];
	int64_t sum = 0, v;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Pss: %" SCNd64 " kB", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

/* Over every row of libs' JSON: the PSS of pid's shares. */
static int64_t shares_of(const char *doc, int pid)
{
	char key[48];
	int64_t sum = 0;

	snprintf(key, sizeof key, "{\"pid\":%d,", pid);
	for (const char *p = doc; (p = strstr(p, key)); p += strlen(key))
		sum += num_after(p, key, "pss_kb");
	return sum;
}

/* The opening of the libs row whose name is name. */
static const char *row_named(const char *doc, const char *name)
{
	char key[256];

	snprintf(key, sizeof key, "\"name\":\"%s\"", name);
	const char *at = strstr(doc, key);
	cr_assert_not_null(at, "no row %s", name);
	while (at > doc && strncmp(at, "{\"vss_kb\":", 10) != 0)
		at--;
	return at;
}

/* Every row's PSS is the sum of its processes' shares. */
static void rows_add_up(const char *doc)
{
	const char *p = strstr(doc, "\"mappings\":["), *totals = strstr(doc, "\"totals\":{");
	size_t rows = 0;

	cr_assert_not_null(p);
	cr_assert_not_null(totals);
	while ((p = strstr(p, "{\"vss_kb\":")) && p < totals) {
		int64_t row = num_after(p, "{", "pss_kb"), sum = 0;
		const char *procs = strstr(p, "\"processes\":["), *end = strstr(procs, "}]");
		for (const char *q = procs; (q = strstr(q, "{\"pid\":")) && q < end; q++)
			sum += num_after(q, "{", "pss_kb");
		cr_assert_eq(row, sum, "row %zu", rows);
		rows++;
		p = end;
	}
	cr_assert_gt(rows, 0);
}

Test(userlive, libs_on_the_workload_equals_the_workers_smaps)
{
	need_root();
	const wl_layout l = { .n = 4, .k = 2, .s = 64, .f = 3, .p = 4, .q = 5, .a = 16, .t = 8 };
	char why[512];
	wl_run w;
	bool same = false;

	if (!wl_start(&w, &l, why, sizeof why))
		cr_skip_test("%s", why);
	/* A parallel test mapping the same static helper moves its PSS for
	 * a moment: one of a few tries sees it still. */
	for (int attempt = 0; attempt < 10 && !same; attempt++) {
		int64_t before[WL_MAX_WORKERS];
		for (int i = 0; i < w.npids; i++)
			before[i] = smaps_pss(w.pids[i]);
		char *doc = render_live("libs");
		rows_add_up(doc);
		same = true;
		for (int i = 0; i < w.npids; i++)
			same = same && shares_of(doc, w.pids[i]) == before[i] &&
			       smaps_pss(w.pids[i]) == before[i];
		/* The shared anonymous regions: k workers on s pages per group.
		 * A row's nprocs comes before its name, so look from the row's
		 * opening brace, not from the name (that reads the next row's). */
		int64_t anon = num_after(row_named(doc, "/dev/zero (deleted)"), "{", "nprocs");
		same = same && anon >= l.n;
		free(doc);
	}
	wl_stop(&w);
	cr_assert(same, "libs' shares of the workers differ from their smaps");
}
