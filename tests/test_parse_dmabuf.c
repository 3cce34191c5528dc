/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA-BUF: bufinfo of every kernel layout (fixtures/dmabuf, and the qemu
 * captures of ../shared/corpus), fdinfo of DMA-BUF and other fds (the
 * corpus's plain fds too), sysfs buffer directories, and the attribution
 * of buffers to processes as dmabuf_dump does it, on one scenario whose
 * files agree with each other (fixtures/README.md).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_dmabuf_bufinfo bi;
static ms_error err;

static void setup(void)
{
	memset(&bi, 0, sizeof bi);
}

static void teardown(void)
{
	ms_dmabuf_bufinfo_free(&bi);
	ms_buf_free(&buf);
}

TestSuite(parse_dmabuf, .init = setup, .fini = teardown);

static void parse_bufinfo(const char *path)
{
	ms_dmabuf_bufinfo_free(&bi);
	cr_assert(tu_read_file(path, &buf), "cannot read %s", path);
	cr_assert_eq(ms_parse_dmabuf_bufinfo(buf.data, buf.len, &bi, &err), 0, "%s: line %u: %s",
		     path, err.line, err.msg);
}

static int bufinfo_str(const char *s)
{
	ms_dmabuf_bufinfo_free(&bi);
	return ms_parse_dmabuf_bufinfo(s, strlen(s), &bi, &err);
}

static const char *exporter(size_t i)
{
	return ms_dmabuf_exporter(&bi.strings, &bi.bufs[i]);
}

static const char *bname(size_t i)
{
	return ms_dmabuf_name(&bi.strings, &bi.bufs[i]);
}

static const char *device(size_t i, size_t d)
{
	return ms_dmabuf_device(&bi.strings, &bi.bufs[i], d);
}

/* ---- bufinfo ---------------------------------------------------------------- */

Test(parse_dmabuf, bufinfo_linux_3_10_exp_name_first)
{
	parse_bufinfo(tu_fixture("dmabuf/bufinfo-3.10"));
	cr_assert_eq(bi.n, 2);
	cr_assert_str_eq(exporter(0), "ion");
	cr_assert_eq(bi.bufs[0].size, 1048576);
	cr_assert_eq(bi.bufs[0].count, 3);
	cr_assert_eq(bi.bufs[0].inode, MS_NA, "3.x prints no inode");
	cr_assert_eq(bi.bufs[0].ndevices, 1);
	cr_assert_str_eq(device(0, 0), "mdss_mdp");
	cr_assert_null(device(0, 1));
	cr_assert_eq(bi.bufs[1].ndevices, 0);
	cr_assert_eq(bi.total_objects, 2);
	cr_assert_eq(bi.total_bytes, 1052672);
}

Test(parse_dmabuf, bufinfo_linux_4_14_fences_and_a_skipped_object)
{
	parse_bufinfo(tu_fixture("dmabuf/bufinfo-4.14-fences"));
	cr_assert_eq(bi.n, 2);
	cr_assert_eq(bi.bufs[0].size, 8294400);
	cr_assert_eq(bi.bufs[0].ndevices, 2);
	cr_assert_str_eq(device(0, 0), "ae00000.qcom,mdss_mdp");
	cr_assert_str_eq(device(0, 1), "kgsl-3d0");
	cr_assert_str_eq(bname(0), "");
}

Test(parse_dmabuf, bufinfo_linux_5_10_ino_and_an_unnamed_name_column)
{
	parse_bufinfo(tu_fixture("dmabuf/bufinfo-5.10-ino"));
	cr_assert_eq(bi.n, 2);
	cr_assert_eq(bi.bufs[0].inode, 118);
	cr_assert_str_eq(bname(0), "");
	cr_assert_str_eq(exporter(1), "system-uncached");
	cr_assert_str_eq(bname(1), "cam0 meta", "names keep their spaces");
}

Test(parse_dmabuf, bufinfo_linux_6_6_names_fences_vendor_devices)
{
	parse_bufinfo(tu_fixture("dmabuf/bufinfo-6.6-names"));
	cr_assert_eq(bi.n, 3);
	cr_assert_str_eq(bname(0), "gralloc\tbuffer 7", "a name is the rest of the line");
	cr_assert_str_eq(device(0, 1), "fdd90000.vop");
	cr_assert_str_eq(bname(1), "", "<none> is no name");
	cr_assert_str_eq(exporter(2), "linux,cma");
	cr_assert_eq(bi.bufs[2].inode, 103);
	cr_assert_eq(bi.total_bytes, 9347072);
}

Test(parse_dmabuf, bufinfo_of_the_qemu_boards_is_empty)
{
	if (!tu_corpus(""))
		cr_skip_test("corpus absent");
	parse_bufinfo(tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/sys/kernel/debug/dma_buf/bufinfo"));
	cr_assert_eq(bi.n, 0);
	cr_assert_eq(bi.total_objects, 0);
	cr_assert_eq(bi.total_bytes, 0);
	parse_bufinfo(tu_corpus("qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/sys/kernel/debug/"
				"dma_buf/bufinfo"));
	cr_assert_eq(bi.n, 0);
}

#define HDR "\nDma-buf Objects:\nsize\tflags\tmode\tcount\texp_name\tino\tname\n"
#define ROW "00004096\t00000002\t00080007\t00000001\tsystem\t00000007\tx\n"
#define DEV "\tAttached Devices:\nTotal 0 devices attached\n\n"

Test(parse_dmabuf, bufinfo_that_does_not_add_up_is_an_error)
{
	static const char *const bad[] = {
		HDR ROW DEV,                                        /* no closing total */
		HDR ROW DEV "\nTotal 2 objects, 4096 bytes\n",      /* a lost object */
		HDR ROW DEV "\nTotal 1 objects, 4097 bytes\n",      /* bytes disagree */
		HDR ROW "\tAttached Devices:\n\tgpu\nTotal 2 devices attached\n\n"
			"Total 1 objects, 4096 bytes\n",
		HDR ROW "broken name line\n" DEV "Total 1 objects, 4096 bytes\n",
		HDR "0000409x\t00000002\t00080007\t00000001\tsystem\t00000007\tx\n" DEV
			"Total 1 objects, 4096 bytes\n",
		HDR "00004096\t00000002\n" DEV "Total 1 objects, 4096 bytes\n",
		HDR ROW DEV "Total 1 objects, 4096 bytes\nmore\n",
		"\nDma-buf Objects:\nflags\tmode\n",
		"Dma-buf\n",
		"",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(bufinfo_str(bad[i]), -EINVAL, "accepted #%zu", i);
		cr_assert_eq(bi.n, 0);
		cr_assert_null(bi.bufs);
		cr_assert_eq(bi.total_bytes, MS_NA);
	}
	cr_assert_eq(bufinfo_str(HDR ROW DEV "\nTotal 1 objects, 4096 bytes\n"), 0, "%s", err.msg);
}

/* seq_printf's %s prints no NUL: one in a device name is not the kernel's
 * (fuzz-dmabuf found it split the device list). */
Test(parse_dmabuf, bufinfo_nul_in_a_device_name)
{
	static const char in[] = HDR ROW "\tAttached Devices:\n\tg\0pu\nTotal 1 devices attached\n"
				 "\nTotal 1 objects, 4096 bytes\n";
	cr_assert_eq(ms_parse_dmabuf_bufinfo(in, sizeof in - 1, &bi, &err), -EINVAL);
	cr_assert_eq(err.line, 6);
	cr_assert_eq(bi.n, 0);
}

Test(parse_dmabuf, every_truncation_of_bufinfo)
{
	cr_assert(tu_read_file(tu_fixture("dmabuf/bufinfo-6.6-names"), &buf));
	for (size_t n = 0; n <= buf.len; n++) {
		ms_dmabuf_bufinfo t = { 0 };
		int rc = ms_parse_dmabuf_bufinfo(buf.data, n, &t, &err);
		/* Only the whole file holds the closing total. */
		cr_assert(rc == 0 || (rc == -EINVAL && t.n == 0 && !t.bufs), "cut at %zu", n);
		cr_assert(rc != 0 || n + 1 >= buf.len, "cut at %zu of %zu parsed", n, buf.len);
		ms_dmabuf_bufinfo_free(&t);
	}
}

/* ---- fdinfo ------------------------------------------------------------------ */

static ms_fdinfo fdinfo_file(const char *name)
{
	ms_fdinfo fi;
	cr_assert(tu_read_file(tu_fixture(name), &buf), "%s", name);
	cr_assert_eq(ms_parse_fdinfo(buf.data, buf.len, &fi, &err), 0, "%s: %s", name, err.msg);
	return fi;
}

Test(parse_dmabuf, fdinfo_of_a_dmabuf)
{
	ms_fdinfo fi = fdinfo_file("dmabuf/fdinfo/dmabuf-6.6-named");
	cr_assert(fi.dmabuf);
	cr_assert_eq(fi.flags, 02000002);
	cr_assert_eq(fi.mnt_id, 17);
	cr_assert_eq(fi.inode, 101);
	cr_assert_eq(fi.size, 8294400);
	cr_assert_eq(fi.count, 3);
	cr_assert_str_eq(fi.exp_name, "system");
	cr_assert_str_eq(fi.name, "gralloc\tbuffer 7");
	fi = fdinfo_file("dmabuf/fdinfo/dmabuf-5.10-no-ino");
	cr_assert(fi.dmabuf);
	cr_assert_eq(fi.inode, MS_NA, "ino: came in 5.14");
	cr_assert_str_eq(fi.exp_name, "qcom,system");
	cr_assert_str_eq(fi.name, "");
}

Test(parse_dmabuf, fdinfo_of_other_fds_is_no_dmabuf)
{
	static const char *const files[] = { "dmabuf/fdinfo/eventfd", "dmabuf/fdinfo/epoll",
					     "dmabuf/fdinfo/drm-panfrost" };
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++) {
		ms_fdinfo fi = fdinfo_file(files[i]);
		cr_assert_not(fi.dmabuf, "%s", files[i]);
		cr_assert_eq(fi.size, MS_NA);
		cr_assert_eq(fi.pos, 0);
	}
}

/* The corpus's processes hold no DMA-BUF: every fdinfo is a plain fd. */
Test(parse_dmabuf, fdinfo_of_the_qemu_board)
{
	char dir[1024], path[1400];
	const char *root = tu_corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/proc");
	if (!root)
		cr_skip_test("corpus absent");
	size_t seen = 0;
	DIR *procs = opendir(root);
	struct dirent *p, *f;
	cr_assert_not_null(procs);
	while ((p = readdir(procs)) != NULL) {
		snprintf(dir, sizeof dir, "%s/%s/fdinfo", root, p->d_name);
		DIR *fds = p->d_name[0] != '.' ? opendir(dir) : NULL;
		while (fds && (f = readdir(fds)) != NULL) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, f->d_name);
			ms_fdinfo fi;
			cr_assert(tu_read_file(path, &buf));
			cr_assert_eq(ms_parse_fdinfo(buf.data, buf.len, &fi, &err), 0, "%s: %s",
				     path, err.msg);
			cr_assert_not(fi.dmabuf);
			cr_assert_neq(fi.inode, MS_NA);
			seen++;
		}
		if (fds)
			closedir(fds);
	}
	closedir(procs);
	cr_assert_gt(seen, 10);
}

/* The links /proc/PID/fd/N shows, as the kernel prints them: dma-buf's
 * d_dname "/%s:%s" of its dentry "dmabuf" and the name set by
 * DMA_BUF_SET_NAME (drivers/dma-buf/dma-buf.c), anon_inode_getfile's
 * "anon_inode:dmabuf" before 5.3, and other fds' links. */
Test(parse_dmabuf, fd_links_that_may_be_dmabufs)
{
	cr_assert(ms_fd_link_may_be_dmabuf("/dmabuf:"));
	cr_assert(ms_fd_link_may_be_dmabuf("/dmabuf:panfrost-fb"));
	cr_assert(ms_fd_link_may_be_dmabuf("/dmabuf:cam ISP: frame 3"));
	cr_assert(ms_fd_link_may_be_dmabuf("anon_inode:dmabuf"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("anon_inode:[eventfd]"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("anon_inode:dmabuf2"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("anon_inode:sync_file"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("/dev/dri/card0"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("/dmabuf"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("socket:[40211]"));
	cr_assert_not(ms_fd_link_may_be_dmabuf("/memfd:dmabuf (deleted)"));
	cr_assert_not(ms_fd_link_may_be_dmabuf(""));
}

Test(parse_dmabuf, fdinfo_hostile_values)
{
	static const char *const bad[] = {
		"pos:\t0\nflags:\t0x2\n",
		"pos:\t0\nflags:\t08\n",
		"pos:\t0\nflags:\t02\nsize:\t-1\n",
		"pos:\t0\nflags:\t02\nsize:\t4096 kB\n",
		"pos:\t0\nflags:\t02\nino:\t99999999999999999999\n",
		"pos:\t0\nflags:\t02\nexp_name:\t0123456789012345678901234567890123456789012345678901"
		"234567890123\n",
		"pos:\t0\n",
		"",
	};
	ms_fdinfo fi;
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(ms_parse_fdinfo(bad[i], strlen(bad[i]), &fi, &err), -EINVAL, "%s",
			     bad[i]);
		cr_assert_not(fi.dmabuf);
		cr_assert_eq(fi.flags, MS_NA);
	}
}

/* ---- sysfs buffers ------------------------------------------------------------ */

static void read_sysfs_buffer(const char *dir, const char *name, ms_dmabuf_sysfs *b)
{
	char path[1024];
	static const char *const files[] = { "exporter_name", "size" };

	cr_assert_eq(ms_dmabuf_sysfs_init(b, name, strlen(name)), 0, "%s", name);
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++) {
		snprintf(path, sizeof path, "%s/%s/%s", dir, name, files[i]);
		cr_assert(tu_read_file(path, &buf), "%s", path);
		cr_assert_eq(ms_parse_dmabuf_sysfs_attr(b, files[i], buf.data, buf.len, &err), 0,
			     "%s: %s", path, err.msg);
	}
}

Test(parse_dmabuf, sysfs_buffers)
{
	ms_dmabuf_sysfs b;

	read_sysfs_buffer(tu_fixture("dmabuf/sys-6.1/buffers"), "103", &b);
	cr_assert_eq(b.inode, 103);
	cr_assert_eq(b.size, 1048576);
	cr_assert_str_eq(b.exporter, "linux,cma");
	cr_assert_eq(ms_dmabuf_sysfs_init(&b, "attachments", 11), -EINVAL);
	cr_assert_eq(ms_dmabuf_sysfs_init(&b, "12a", 3), -EINVAL);
	ms_dmabuf_sysfs_init(&b, "7", 1);
	cr_assert_eq(ms_parse_dmabuf_sysfs_attr(&b, "size", "-4\n", 3, &err), -EINVAL);
	cr_assert_eq(ms_parse_dmabuf_sysfs_attr(&b, "size", "4096 bytes\n", 11, &err), -EINVAL);
	cr_assert(strstr(err.msg, "size") != NULL, "%s", err.msg);
	cr_assert_eq(b.size, MS_NA);
	cr_assert_eq(ms_parse_dmabuf_sysfs_attr(&b, "uevent", "x", 1, &err), 0);
}

/* ---- attribution ----------------------------------------------------------------- */

/* One board, seen every way (fixtures/README.md): buffer 101 (8294400,
 * "gralloc") is held by pid 500 (an fd) and pid 600 (an fd and two
 * mappings); 102 (4096) by pid 500 only, through a mapping; 103 (1 MB,
 * the ISP's) by no process. */
static void board_table(ms_dmabuf_table *t)
{
	ms_fdinfo fi = fdinfo_file("dmabuf/fdinfo/dmabuf-6.6-named");
	cr_assert_eq(ms_dmabuf_table_add_fd(t, 500, &fi), 0);
	cr_assert_eq(ms_dmabuf_table_add_map(t, 600, 101, 8298496), 0, "a VMA rounded up");
	cr_assert_eq(ms_dmabuf_table_add_fd(t, 600, &fi), 0);
	cr_assert_eq(ms_dmabuf_table_add_map(t, 600, 101, 8298496), 0);
	cr_assert_eq(ms_dmabuf_table_add_map(t, 500, 102, 8192), 0, "size not known yet");
	static const char *const inodes[] = { "101", "102", "103" };
	for (size_t i = 0; i < MS_ARRAY_LEN(inodes); i++) {
		ms_dmabuf_sysfs b;
		read_sysfs_buffer(tu_fixture("dmabuf/sys-6.1/buffers"), inodes[i], &b);
		cr_assert_eq(ms_dmabuf_table_add_buffer(t, b.inode, b.size, b.exporter, NULL), 0);
	}
}

Test(parse_dmabuf, attribution_as_dmabuf_dump)
{
	ms_dmabuf_table t = { 0 };
	ms_dmabuf_usage u;
	ms_dmabuf_summary s;

	board_table(&t);
	cr_assert_eq(t.n, 3);
	cr_assert_eq(t.bufs[0].nprocs, 2);
	cr_assert_eq(t.bufs[1].size, 4096, "the kernel's size replaced the VMA's");
	cr_assert(t.bufs[1].size_exact);
	cr_assert_eq(t.nrefs, 3);
	ms_dmabuf_process_usage(&t, 600, &u);
	cr_assert_eq(u.rss, 8294400);
	cr_assert_eq(u.pss, 4147200);
	cr_assert_eq(u.nbufs, 1);
	ms_dmabuf_process_usage(&t, 500, &u);
	cr_assert_eq(u.rss, 8294400 + 4096);
	cr_assert_eq(u.pss, 4147200 + 4096);
	ms_dmabuf_process_usage(&t, 1, &u);
	cr_assert_eq(u.rss, 0);
	ms_dmabuf_summarize(&t, &s);
	cr_assert_eq(s.nbufs, 3);
	cr_assert_eq(s.total, 8294400 + 4096 + 1048576);
	cr_assert_eq(s.held, 8294400 + 4096);
	cr_assert_eq(s.kernel, 1048576);
	cr_assert_eq(s.rss_sum, 2 * 8294400 + 4096);
	cr_assert_eq(s.pss_sum, 8294400 + 4096);
	for (size_t i = 0; i < t.nrefs; i++)
		if (t.refs[i].pid == 600)
			cr_assert(t.refs[i].fds == 1 && t.refs[i].maps == 2);
	cr_assert_str_eq(ms_dmabuf_name(&t.strings, &t.bufs[0]), "gralloc\tbuffer 7");
	cr_assert_str_eq(ms_dmabuf_exporter(&t.strings, &t.bufs[2]), "linux,cma");
	ms_dmabuf_table_free(&t);
}

/* The same board's bufinfo gives the same buffers. */
Test(parse_dmabuf, bufinfo_feeds_the_table)
{
	ms_dmabuf_table t = { 0 };
	ms_dmabuf_summary s;

	parse_bufinfo(tu_fixture("dmabuf/bufinfo-6.6-names"));
	for (size_t i = 0; i < bi.n; i++)
		cr_assert_eq(ms_dmabuf_table_add_buffer(&t, bi.bufs[i].inode, bi.bufs[i].size,
							exporter(i), bname(i)),
			     0);
	ms_dmabuf_summarize(&t, &s);
	cr_assert_eq(s.total, bi.total_bytes);
	cr_assert_eq(s.kernel, bi.total_bytes, "no process seen: all the kernel's");
	ms_dmabuf_table_free(&t);
}

Test(parse_dmabuf, a_buffer_without_an_inode_cannot_be_attributed)
{
	ms_dmabuf_table t = { 0 };
	ms_fdinfo fi = fdinfo_file("dmabuf/fdinfo/dmabuf-5.10-no-ino");

	cr_assert_eq(ms_dmabuf_table_add_fd(&t, 1, &fi), -EINVAL);
	fi.inode = 4242; /* as the capture would from stat() of /proc/1/fd/N */
	cr_assert_eq(ms_dmabuf_table_add_fd(&t, 1, &fi), 0);
	fi = fdinfo_file("dmabuf/fdinfo/eventfd");
	cr_assert_eq(ms_dmabuf_table_add_fd(&t, 1, &fi), -EINVAL);
	cr_assert_eq(t.n, 1);
	ms_dmabuf_table_free(&t);
}

Test(parse_dmabuf, unknown_sizes_make_unknown_totals)
{
	ms_dmabuf_table t = { 0 };
	ms_dmabuf_summary s;

	cr_assert_eq(ms_dmabuf_table_add_buffer(&t, 1, MS_NA, "system", NULL), 0);
	cr_assert_eq(ms_dmabuf_table_add_buffer(&t, 2, 4096, "system", NULL), 0);
	ms_dmabuf_summarize(&t, &s);
	cr_assert_eq(s.total, MS_NA);
	cr_assert_eq(s.kernel, MS_NA);
	ms_dmabuf_table_free(&t);
}
