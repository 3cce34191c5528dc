/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel views (iomem, vmalloc, cma, dmabuf) as whole documents: each
 * view's JSON, run as a user runs it, against the kernel files it came
 * from, read by tests/independent_kviews.py (Python sharing no code with
 * memscope): on every capture of ../shared/corpus, on data/'s snapshots,
 * on snapshots written here, and on this machine. A capture without the
 * file a view needs makes the view fail naming the file and why; a figure
 * no file gives is null with a reason, never 0. And the memory view's text
 * fits 80 columns everywhere.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* Captures of ../shared/corpus holding at least one kernel-side file
 * (iomem, vmallocinfo, meminfo's CMA lines, bufinfo). */
static const char *const corpus_captures[] = {
	"qemu-arm-6.1/arm64-6.1-cma64-psi",
	"qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom",
	"zte-router-armv7-4.1.25",
	"jiofi-jmr540-mdm9607-armv7",
	"sep4020-arm720t-2.6.16",
	"r36s-clone-rk3326-arkos-5.10.160",
	"xilinx-zynq-armv7-4.4",
	"xiaomi-sweet-sm7150-arm64",
	"goclever-insignia5-android",
	"aosp-libmeminfo/testdata1",
};

/* The kernel file a view cannot do without, below the proc root. */
static const char *needed_file(const char *view)
{
	if (strcmp(view, "iomem") == 0)
		return "iomem";
	if (strcmp(view, "vmalloc") == 0)
		return "vmallocinfo";
	if (strcmp(view, "cma") == 0)
		return "meminfo";
	return NULL; /* dmabuf: every file is optional; procrank: see has_pids */
}

/* procrank needs processes: a capture with none makes it fail. */
static bool has_pids(const char *proc)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "ls '%s' 2>/dev/null | grep -q '^[0-9][0-9]*$'", proc);
	return tu_run(cmd, NULL) == 0;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The proc root of a capture folder: DIR/proc, or DIR itself for a flat
 * one (files at the top, as AOSP's testdata). */
static void proc_dir_of(const char *root, char *dst, size_t cap)
{
	snprintf(dst, cap, "%s/proc", root);
	if (!exists(dst))
		snprintf(dst, cap, "%s", root);
}

struct run {
	int status;
	ms_buf out, err;
	char dir[64];
};

/* memscope VIEW ARGS -f json, stdout and stderr kept apart. */
static void run_view(struct run *r, const char *view, const char *args)
{
	char cmd[4096], path[256];

	snprintf(r->dir, sizeof r->dir, "%s", tu_tmpdir());
	snprintf(cmd, sizeof cmd, "'%s' %s %s -f json >'%s/out.json' 2>'%s/err'", tu_bin(), view,
		 args, r->dir, r->dir);
	r->status = tu_run(cmd, NULL);
	snprintf(path, sizeof path, "%s/out.json", r->dir);
	tu_read_file(path, &r->out);
	snprintf(path, sizeof path, "%s/err", r->dir);
	tu_read_file(path, &r->err);
}

static void run_free(struct run *r)
{
	tu_rm_rf(r->dir);
	ms_buf_free(&r->out);
	ms_buf_free(&r->err);
}

/* The independent reading of proc and sys agrees with the view's JSON. */
static void expect_agrees(const struct run *r, const char *what, const char *view,
			  const char *proc, const char *sys, long page_size)
{
	char cmd[4096];
	ms_buf verdict = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd,
		 "python3 '%s/tests/independent_kviews.py' %s '%s' '%s' %ld '%s/out.json' 2>&1",
		 getenv("MEMSCOPE_SRCDIR") ? getenv("MEMSCOPE_SRCDIR") : MS_SRCDIR, view, proc,
		 sys, page_size, r->dir);
	int rc = tu_run(cmd, &verdict);
	cr_expect(rc == 0 && strcmp(verdict.data, "ok\n") == 0, "%s %s: %s", what, view,
		  verdict.data);
	ms_buf_free(&verdict);
}

/* One view on one capture: it agrees with the files, or, when the file it
 * needs is not there, fails in one line that names the file and says it
 * is not in the snapshot. */
static void check_capture_view(const char *root, const char *view)
{
	char proc[1024], sys[1024], file[1200], args[1100];
	struct run r = { 0 };
	const char *need = needed_file(view);

	proc_dir_of(root, proc, sizeof proc);
	snprintf(sys, sizeof sys, "%s/sys", root);
	snprintf(args, sizeof args, "-s '%s'", root);
	snprintf(file, sizeof file, "%s/%s", proc, need ? need : "");
	run_view(&r, view, args);
	if (strcmp(view, "procrank") == 0 && !has_pids(proc)) {
		cr_expect_eq(r.status, 1, "%s procrank: exit %d without processes", root, r.status);
		cr_expect(strstr(r.err.data, "not in snapshot"), "%s: %s", root, r.err.data);
	} else if (need && !exists(file)) {
		cr_expect_eq(r.status, 1, "%s %s: exit %d without %s", root, view, r.status, need);
		cr_expect_eq(r.out.len, 0u, "%s %s: output without %s", root, view, need);
		cr_expect(strstr(r.err.data, need) && strstr(r.err.data, "not in snapshot"),
			  "%s %s: the error does not say which file and why: %s", root, view,
			  r.err.data);
	} else {
		cr_expect_eq(r.status, 0, "%s %s: exit %d: %s", root, view, r.status, r.err.data);
		if (r.status == 0)
			expect_agrees(&r, root, view, proc, sys, 4096); /* every capture: 4K pages */
	}
	run_free(&r);
}

static void check_corpus_view(const char *view)
{
	size_t done = 0;

	for (size_t i = 0; i < MS_ARRAY_LEN(corpus_captures); i++) {
		const char *root = tu_corpus(corpus_captures[i]);
		if (!root)
			continue;
		check_capture_view(root, view);
		done++;
	}
	if (!done)
		cr_skip_test("no capture of ../shared/corpus is here");
}

Test(kviews, iomem_of_every_capture)
{
	check_corpus_view("iomem");
}

Test(kviews, vmalloc_of_every_capture)
{
	check_corpus_view("vmalloc");
}

Test(kviews, cma_of_every_capture)
{
	check_corpus_view("cma");
}

Test(kviews, dmabuf_of_every_capture)
{
	check_corpus_view("dmabuf");
}

/* procrank's DMA-BUF column: fdinfo read where the capture has it. */
Test(kviews, procrank_dmabuf_of_every_capture)
{
	check_corpus_view("procrank");
}

/* Figures stated outside memscope: the RAM and cma= qemu was given, and
 * AOSP's ReadVmallocInfo (EXPECTED.md of aosp-libmeminfo). */
static int64_t json_i64(const ms_buf *doc, const char *key)
{
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *at = strstr(doc->data ? doc->data : "", pat);
	cr_assert_not_null(at, "no %s in %.300s", key, doc->data);
	return strtoll(at + strlen(pat), NULL, 10);
}

Test(kviews, qemu_arm64_has_the_ram_and_cma_it_was_given)
{
	const char *root = tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi");
	char args[1100], path[1100];
	ms_buf cmd = MS_BUF_INIT;
	struct run r = { 0 };

	if (!root)
		cr_skip_test("no ../shared/corpus/qemu-arm-6.1");
	snprintf(path, sizeof path, "%s/meta/qemu-command.host-added", root);
	cr_assert(tu_read_file(path, &cmd), "%s", path);
	const char *m = strstr(cmd.data, " -m ");
	cr_assert_not_null(m, "%s", cmd.data);
	int64_t given_mb = strtoll(m + 4, NULL, 10);
	cr_assert(strstr(cmd.data, "cma=64M"), "%s", cmd.data);
	snprintf(args, sizeof args, "-s '%s'", root);
	run_view(&r, "iomem", args);
	cr_assert_eq(r.status, 0, "%s", r.err.data);
	/* 6.1 on arm64 leaves no no-map region out of this board's RAM. */
	cr_expect_eq(json_i64(&r.out, "system_ram_kb"), given_mb * 1024);
	run_free(&r);
	run_view(&r, "cma", args);
	cr_assert_eq(r.status, 0, "%s", r.err.data);
	cr_expect_eq(json_i64(&r.out, "cma_total_kb"), 64 * 1024);
	run_free(&r);
	ms_buf_free(&cmd);
}

Test(kviews, aosp_vmallocinfo_pages_as_libmeminfo_reads_them)
{
	const char *root = tu_corpus("aosp-libmeminfo/testdata1");
	char args[1100];
	struct run r = { 0 };

	if (!root)
		cr_skip_test("no ../shared/corpus/aosp-libmeminfo");
	snprintf(args, sizeof args, "-s '%s'", root);
	run_view(&r, "vmalloc", args);
	cr_assert_eq(r.status, 0, "%s", r.err.data);
	/* EXPECTED.md: ReadVmallocInfo = 29884416 bytes = 29184 kB. */
	const char *totals = strstr(r.out.data, "\"totals\":");
	cr_assert_not_null(totals);
	ms_buf t = { .data = (char *)totals, .len = strlen(totals) };
	cr_expect_eq(json_i64(&t, "pages_kb"), 29884416 / 1024);
	run_free(&r);
}

/* data/'s snapshots (tar.gz as users keep them): the view reads the
 * archive, the reading here its files unpacked. */
Test(kviews, snapshots_in_data_agree_with_their_files)
{
	static const char *const snaps[] = { "board-arm64-qemu", "board-armv7-qemu",
					     "board-arm64-qemu-sh", "demo-x86_64" };
	static const char *const views[] = { "iomem", "vmalloc", "cma", "dmabuf" };
	size_t done = 0;

	for (size_t i = 0; i < MS_ARRAY_LEN(snaps); i++) {
		char tgz[1024], cmd[2200], top[1200], sys[1300], args[1100];
		const char *tmp = tu_tmpdir();
		snprintf(tgz, sizeof tgz, "%s/data/%s.tar.gz", MS_SRCDIR, snaps[i]);
		if (!exists(tgz))
			continue;
		snprintf(cmd, sizeof cmd, "tar xzf '%s' -C '%s'", tgz, tmp);
		cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
		snprintf(top, sizeof top, "%s/%s", tmp, snaps[i]);
		if (!exists(top))
			snprintf(top, sizeof top, "%s/snapshot", tmp);
		cr_assert(exists(top), "%s: no top folder", tgz);
		char proc[1300];
		proc_dir_of(top, proc, sizeof proc);
		snprintf(sys, sizeof sys, "%s/sys", top);
		snprintf(args, sizeof args, "-s '%s'", tgz);
		for (size_t v = 0; v < MS_ARRAY_LEN(views); v++) {
			struct run r = { 0 };
			char file[1400];
			const char *need = needed_file(views[v]);
			snprintf(file, sizeof file, "%s/%s", proc, need ? need : "");
			run_view(&r, views[v], args);
			if (need && !exists(file)) {
				cr_expect_eq(r.status, 1, "%s %s", tgz, views[v]);
			} else {
				cr_expect_eq(r.status, 0, "%s %s: %s", tgz, views[v], r.err.data);
				if (r.status == 0) /* boards and x86 alike: 4K pages */
					expect_agrees(&r, tgz, views[v], proc, sys, 4096);
			}
			run_free(&r);
		}
		tu_rm_rf(tmp);
		done++;
	}
	if (!done)
		cr_skip_test("no snapshot in data/");
}

/* ---- this machine ------------------------------------------------------------ */

/* Copies /proc/NAME into dir (as user, when not NULL); false when it
 * cannot be read. */
static bool copy_proc_file(const char *name, const char *dir, const char *as_user)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s cat /proc/%s >'%s/%s' 2>/dev/null", as_user ? as_user : "",
		 name, dir, name);
	return tu_run(cmd, NULL) == 0;
}

/* The lines of a and b that match pattern (every line: "") are equal. */
static bool same_lines(const char *a, const char *b, const char *pattern)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "test \"$(grep -e '%s' '%s')\" = \"$(grep -e '%s' '%s')\"",
		 pattern, a, pattern, b);
	return tu_run(cmd, NULL) == 0;
}

/* The view run between two reads of its file whose lines (those matching
 * lines) are the same: it read them too. vmallocinfo changes as threads start and end, so a few
 * tries. The copy is what the independent reading reads. */
static void check_live_view(const char *view, const char *file, const char *lines)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		char before[256], after[256];
		struct run r = { 0 };
		const char *dir = tu_tmpdir(), *again = tu_tmpdir();
		cr_assert(copy_proc_file(file, dir, NULL), "/proc/%s", file);
		cr_assert(copy_proc_file("meminfo", dir, NULL));
		run_view(&r, view, "");
		cr_assert(copy_proc_file(file, again, NULL));
		snprintf(before, sizeof before, "%s/%s", dir, file);
		snprintf(after, sizeof after, "%s/%s", again, file);
		bool steady = same_lines(before, after, lines);
		if (steady) {
			cr_assert_eq(r.status, 0, "%s: %s", view, r.err.data);
			expect_agrees(&r, "this machine", view, dir, "/sys", sysconf(_SC_PAGESIZE));
		}
		run_free(&r);
		tu_rm_rf(dir);
		tu_rm_rf(again);
		if (steady)
			return;
	}
	cr_skip_test("/proc/%s changed during every one of 20 runs", file);
}

Test(kviews, live_iomem_agrees_with_the_file)
{
	check_live_view("iomem", "iomem", "");
}

Test(kviews, live_vmalloc_agrees_with_the_file)
{
	check_live_view("vmalloc", "vmallocinfo", "");
}

/* CMA's figures are meminfo's (CmaTotal and CmaFree can move: tried
 * until steady) and the areas of /sys; a kernel without CMA says so. */
Test(kviews, live_cma_agrees_with_meminfo_and_sys)
{
	check_live_view("cma", "meminfo", "^Cma");
}

/* Buffers from /sys or debugfs, holders from every process's fdinfo; on a
 * machine without either, nulls with the reasons. */
Test(kviews, live_dmabuf_agrees_with_sys_and_fdinfo)
{
	struct run r = { 0 };

	run_view(&r, "dmabuf", "");
	cr_assert_eq(r.status, 0, "%s", r.err.data);
	expect_agrees(&r, "this machine", "dmabuf", "/proc", "/sys", sysconf(_SC_PAGESIZE));
	run_free(&r);
}

/* Every process this user may read has a DMA-BUF figure (0 here, where
 * no driver exports any), the others none. */
Test(kviews, live_procrank_dmabuf_agrees_with_fdinfo)
{
	struct run r = { 0 };

	run_view(&r, "procrank", "");
	cr_assert_eq(r.status, 0, "%s", r.err.data);
	expect_agrees(&r, "this machine", "procrank", "/proc", "/sys", sysconf(_SC_PAGESIZE));
	run_free(&r);
}

/* As nobody, iomem's addresses read as zeros: the view says they are
 * hidden and why, with the tree and names but no figure at 0. */
Test(kviews, live_iomem_as_nobody_is_hidden_not_a_map_at_0)
{
	static const char nobody[] = "setpriv --reuid=65534 --regid=65534 --clear-groups";
	char args[64];
	struct run r = { 0 };

	if (geteuid() != 0 || tu_run("command -v setpriv >/dev/null", NULL) != 0)
		cr_skip_test("needs root and setpriv");
	const char *dir = tu_tmpdir();
	cr_assert(copy_proc_file("iomem", dir, nobody));
	snprintf(args, sizeof args, "%s", "");
	char cmd[1024];
	snprintf(r.dir, sizeof r.dir, "%s", tu_tmpdir());
	cr_assert_eq(chmod(r.dir, 0777), 0);
	snprintf(cmd, sizeof cmd, "%s '%s' iomem -f json >'%s/out.json'", nobody, tu_bin(), r.dir);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	char path[256];
	snprintf(path, sizeof path, "%s/out.json", r.dir);
	cr_assert(tu_read_file(path, &r.out));
	cr_expect(strstr(r.out.data, "\"hidden\":true"), "%.400s", r.out.data);
	cr_expect(strstr(r.out.data, "\"system_ram_kb\":null"), "%.400s", r.out.data);
	expect_agrees(&r, "this machine as nobody", "iomem", dir, "/sys", sysconf(_SC_PAGESIZE));
	run_free(&r);
	tu_rm_rf(dir);
}

/* ---- a snapshot written here ------------------------------------------------ */

/* The CLI fixture's processes (1 and 200 share a DMA-BUF) as a memscope
 * snapshot, with the 6.14 CMA fixture's sysfs and debugfs area, three
 * sysfs DMA-BUFs (one no process holds), and a device tree whose no-map
 * carve-out has a long name. Returns its folder. */
static const char *board_written_here(void)
{
	static const char long_node[] =
		"video-decoder-firmware-carveout-of-a-vendor-bsp-with-a-long-name@48000000";
	const char *dir = tu_tmpdir();
	char cmd[4096];

	cr_assert_not_null(dir);
	snprintf(cmd, sizeof cmd,
		 "set -e; cd '%s'; mkdir s; cp -r '%s' s/proc; rm s/proc/README.md; "
		 "cp -r '%s/sys' s/sys; printf 'kernel: 6.14.0\\n' > s/memscope-snapshot; "
		 "b=s/sys/kernel/dmabuf/buffers; "
		 "for x in 1001:panfrost:8192 1002:system:4096 1003:system:65536; do "
		 "i=${x%%%%:*}; r=${x#*:}; e=${r%%%%:*}; z=${r#*:}; "
		 "mkdir -p $b/$i; echo $e > $b/$i/exporter_name; echo $z > $b/$i/size; done; "
		 "t=s/proc/device-tree; n=\"$t/reserved-memory/%s\"; mkdir -p $t/memory@40000000 \"$n\"; "
		 "printf '\\0\\0\\0\\2' > $t/#address-cells; printf '\\0\\0\\0\\2' > $t/#size-cells; "
		 "printf 'memory\\0' > $t/memory@40000000/device_type; "
		 "printf '\\0\\0\\0\\0\\100\\0\\0\\0\\0\\0\\0\\0\\40\\0\\0\\0' > $t/memory@40000000/reg; "
		 "cp $t/#address-cells $t/#size-cells $t/reserved-memory/; "
		 ": > $t/reserved-memory/ranges; : > \"$n/no-map\"; "
		 "printf '\\0\\0\\0\\0\\110\\0\\0\\0\\0\\0\\0\\0\\0\\100\\0\\0' > \"$n/reg\"",
		 dir, tu_fixture("cli-proc"), tu_fixture("cma/arm64-6.14"), long_node);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	return dir;
}

Test(kviews, a_board_written_here_agrees_with_its_files)
{
	static const char *const views[] = { "iomem", "vmalloc", "cma", "dmabuf", "procrank" };
	const char *dir = board_written_here();
	char root[256], proc[300], sys[300], args[400];

	snprintf(root, sizeof root, "%s/s", dir);
	snprintf(proc, sizeof proc, "%s/proc", root);
	snprintf(sys, sizeof sys, "%s/sys", root);
	snprintf(args, sizeof args, "-s '%s'", root);
	for (size_t v = 0; v < MS_ARRAY_LEN(views); v++) {
		struct run r = { 0 };
		run_view(&r, views[v], args);
		if (v < 2) { /* no iomem, no vmallocinfo here */
			cr_expect_eq(r.status, 1, "%s", views[v]);
			cr_expect(strstr(r.err.data, "not in snapshot"), "%s: %s", views[v],
				  r.err.data);
		} else {
			cr_expect_eq(r.status, 0, "%s: %s", views[v], r.err.data);
			expect_agrees(&r, "written here", views[v], proc, sys, 4096);
		}
		run_free(&r);
	}
	/* Figures worked out by hand: the area is 16384 pages with 4352 used;
	 * 1 and 200 share 8192 bytes, 200 alone holds 4096; 64 kB no one. */
	struct run r = { 0 };
	run_view(&r, "cma", args);
	cr_expect(strstr(r.out.data, "\"size_kb\":65536,\"used_kb\":17408"), "%s", r.out.data);
	run_free(&r);
	run_view(&r, "dmabuf", args);
	cr_expect(strstr(r.out.data, "\"totals\":{\"count\":3,\"size_kb\":76,\"held_kb\":12,"
				     "\"kernel_kb\":64,"), "%s", r.out.data);
	run_free(&r);
	tu_rm_rf(dir);
}

/* ---- the memory view's text at 80 columns ---------------------------------- */

/* No line wider than 80 columns, and the text of each row's origin is all
 * there (wrapped lines joined again). */
static void expect_memory_text_fits(const char *what, const char *args)
{
	char cmd[2048];
	ms_buf text = MS_BUF_INIT, csv = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "'%s' memory %s", tu_bin(), args);
	cr_assert_eq(tu_run(cmd, &text), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd,
		 "'%s' memory %s -f json | python3 -c 'import json,sys\n"
		 "for r in json.load(sys.stdin)[\"accounting\"]: print(r[\"origin\"])'",
		 tu_bin(), args);
	cr_assert_eq(tu_run(cmd, &csv), 0, "%s", cmd);
	size_t width = 0, lines = 0;
	for (const char *p = text.data; *p; p++) {
		if (*p == '\n') {
			cr_expect_leq(width, 80u, "%s: line %zu is %zu wide:\n%s", what, lines + 1,
				      width, text.data);
			width = 0;
			lines++;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			width++;
		}
	}
	/* Joined: every blank run is one space, and a line wrapped after a
	 * '/' joins without one, so a wrapped FROM reads whole. */
	ms_buf joined = MS_BUF_INIT;
	bool blank = false;
	for (const char *p = text.data; *p; p++) {
		if (*p == '\n' && p > text.data && p[-1] == '/') {
			while (p[1] == ' ')
				p++;
			continue;
		}
		bool b = *p == ' ' || *p == '\n';
		if (!(b && blank))
			ms_buf_append(&joined, b ? " " : p, 1);
		blank = b;
	}
	ms_buf_append(&joined, "", 1);
	size_t rows = 0;
	/* One origin a line (the JSON's, read by Python). */
	for (char *line = csv.data, *nl; line && *line; line = nl ? nl + 1 : NULL, rows++) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		cr_expect(strstr(joined.data, line), "%s: origin [%s] not in the text:\n%s", what,
			  line, text.data);
	}
	cr_expect_gt(rows, 20u);
	ms_buf_free(&joined);
	ms_buf_free(&text);
	ms_buf_free(&csv);
}

Test(kviews, memory_text_fits_80_columns_on_captures)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(corpus_captures); i++) {
		const char *root = tu_corpus(corpus_captures[i]);
		char proc[1100], args[1200];
		if (!root)
			continue;
		proc_dir_of(root, proc, sizeof proc);
		snprintf(proc + strlen(proc), sizeof proc - strlen(proc), "/meminfo");
		if (!exists(proc))
			continue;
		snprintf(args, sizeof args, "-s '%s'", root);
		expect_memory_text_fits(root, args);
	}
	const char *dir = board_written_here();
	char args[300];
	snprintf(args, sizeof args, "-s '%s/s'", dir);
	expect_memory_text_fits("written here", args);
	/* The long name is all there, on lines of its own. */
	ms_buf text = MS_BUF_INIT;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "'%s' memory %s | tr -d ' \\n'", tu_bin(), args);
	cr_assert_eq(tu_run(cmd, &text), 0);
	cr_expect(strstr(text.data, "video-decoder-firmware-carveout-of-a-vendor-bsp-with-a-long"
				    "-name@48000000"), "%s", text.data);
	ms_buf_free(&text);
	tu_rm_rf(dir);
}

Test(kviews, live_memory_text_fits_80_columns)
{
	expect_memory_text_fits("this machine", "");
}

/* ---- hostile files ------------------------------------------------------------ */

/* A 100,000-line vmallocinfo (more RAM in it than MemTotal), iomem with
 * overlapping then inverted ranges, a memory reg of odd length: the views
 * read what they can and say what they cannot, without crashing. */
Test(kviews, hostile_files_give_errors_or_partial_views)
{
	const char *dir = tu_tmpdir();
	char cmd[2048], root[256], args[300];
	struct run r = { 0 };

	cr_assert_not_null(dir);
	snprintf(root, sizeof root, "%s/s", dir);
	snprintf(cmd, sizeof cmd,
		 "set -e; mkdir -p '%s/proc/device-tree/memory@0'; cd '%s/proc'; "
		 "cp '%s/meminfo' .; "
		 "awk 'BEGIN { for (i = 0; i < 100000; i++) printf \"0x%%016x-0x%%016x %%d "
		 "caller%%d+0x1/0x2 pages=1 vmalloc\\n\", i * 8192, i * 8192 + 8192, 8192, "
		 "i %% 977 }' > vmallocinfo; "
		 "printf '00000000-0fffffff : System RAM\\n  00100000-001fffff : Kernel code\\n"
		 "  00180000-002fffff : reserved\\n' > iomem; "
		 "printf 'memory\\0' > device-tree/memory@0/device_type; "
		 "printf '\\0\\0\\0\\0\\0\\0\\0' > device-tree/memory@0/reg",
		 root, root, tu_fixture("cli-proc"));
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	snprintf(args, sizeof args, "-s '%s'", root);
	char proc[300], sys[300];
	snprintf(proc, sizeof proc, "%s/proc", root);
	snprintf(sys, sizeof sys, "%s/sys", root);

	run_view(&r, "vmalloc", args);
	cr_expect_eq(r.status, 0, "%s", r.err.data);
	expect_agrees(&r, "100,000 lines", "vmalloc", proc, sys, 4096);
	run_free(&r);

	run_view(&r, "iomem", args);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.data, "iomem line 3: range overlaps"), "%s", r.err.data);
	run_free(&r);

	/* The memory view still adds up: installed unknown (iomem unreadable),
	 * the device tree's bad reg named, the remainder below 0 explained. */
	snprintf(cmd, sizeof cmd,
		 "'%s' memory %s -f json | python3 -c 'import json,sys\n"
		 "d = json.load(sys.stdin)\nrows = {r[\"key\"]: r for r in d[\"accounting\"]}\n"
		 "print(d[\"installed_kb\"], rows[\"unaccounted\"][\"kb\"] < 0)\n"
		 "print(rows[\"firmware_holes\"][\"reason\"])\nprint(rows[\"unaccounted\"][\"reason\"])'",
		 tu_bin(), args);
	ms_buf out = MS_BUF_INIT;
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", out.data);
	cr_expect(strncmp(out.data, "None True\n", 10) == 0, "%s", out.data);
	cr_expect(strstr(out.data, "memory@0/reg"), "%s", out.data);
	cr_expect(strstr(out.data, "below 0: the rows above exceed mem_total by"), "%s", out.data);

	snprintf(cmd, sizeof cmd, "printf '00000000-0fffffff : System RAM\\n"
		 "30000000-2fffffff : System RAM\\n' > '%s/iomem'", proc);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	run_view(&r, "iomem", args);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.data, "iomem line 2: range ends before it starts"), "%s",
		  r.err.data);
	run_free(&r);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}
