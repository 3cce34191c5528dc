/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/mounts: our own capture, a hand-made file of every escape, the
 * corpus captures, and every truncation. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_mountlist ml;
static ms_error err;

static void teardown(void)
{
	ms_mountlist_free(&ml);
	ms_buf_free(&buf);
}

static int mounts_file(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "%s", path);
	return ms_parse_mounts(buf.data, buf.len, &ml, &err);
}

static int mounts_str(const char *s)
{
	return ms_parse_mounts(s, strlen(s), &ml, &err);
}

TestSuite(parse_mounts, .fini = teardown);

Test(parse_mounts, linux_6_18_x86_64)
{
	cr_assert_eq(mounts_file(tu_fixture("mounts/linux-6.18-x86_64")), 0, "%s", err.msg);
	cr_assert_eq(ml.n, 19);
	cr_assert_str_eq(ml.items[3].device, "tmpfs");
	cr_assert_str_eq(ml.items[3].dir, "/dev/shm");
	cr_assert_str_eq(ml.items[3].fstype, "tmpfs");
	cr_assert_str_eq(ml.items[3].options, "rw,relatime,size=24683748k");
	cr_assert_eq(ml.items[3].freq, 0);
	cr_assert_eq(ml.items[3].passno, 0);
	cr_assert_str_eq(ml.items[5].dir, "/");
	cr_assert_str_eq(ml.items[5].fstype, "ext4");
}

Test(parse_mounts, every_escape_is_undone)
{
	cr_assert_eq(mounts_file(tu_fixture("mounts/escapes-handmade")), 0, "%s", err.msg);
	cr_assert_eq(ml.n, 9);
	cr_assert_str_eq(ml.items[2].dir, "/media/My Disk");
	cr_assert_str_eq(ml.items[3].dir, "/media/tab\tand\nnewline");
	cr_assert_str_eq(ml.items[4].dir, "/mnt/back\\slash");
	cr_assert_str_eq(ml.items[5].fstype, "fuse.sshfs");
	cr_assert_str_eq(ml.items[5].device, "sshfs#u@h:/");
	/* Not an escape the kernel prints: kept as it is. */
	cr_assert_str_eq(ml.items[8].dir, "/mnt/bad\\9escape");
}

Test(parse_mounts, the_mount_that_holds_a_path)
{
	cr_assert_eq(mounts_file(tu_fixture("mounts/escapes-handmade")), 0, "%s", err.msg);
	/* /dev/shm is mounted twice: the later mount hides the first. */
	const ms_mount *m = ms_mount_of_path(&ml, "/dev/shm/pulse-shm-1");
	cr_assert_not_null(m);
	cr_assert_str_eq(m->options, "ro,size=4k");
	cr_assert_str_eq(ms_mount_of_path(&ml, "/media/My Disk/a")->fstype, "vfat");
	cr_assert_str_eq(ms_mount_of_path(&ml, "/dev/shmx")->fstype, "rootfs");
	cr_assert_str_eq(ms_mount_of_path(&ml, "/mnt/ram")->fstype, "ramfs");
	cr_assert_null(ms_mount_of_path(&ml, "memfd:x"));
	cr_assert(ms_fstype_is_ram("tmpfs") && ms_fstype_is_ram("ramfs"));
	cr_assert(!ms_fstype_is_ram("ext4") && !ms_fstype_is_ram("tmpfsx"));
}

Test(parse_mounts, malformed_rows_fail_whole)
{
	cr_assert_eq(mounts_str("proc /proc proc rw 0 0\nbad row\n"), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(ml.n, 0);
	cr_assert_eq(mounts_str("a /b c rw 0 0 extra\n"), -EINVAL);
	cr_assert_eq(mounts_str("a /b c rw x 0\n"), -EINVAL);
	cr_assert_eq(mounts_str(""), 0);
	cr_assert_eq(ml.n, 0);
	cr_assert_eq(mounts_str("\n  \na /b c rw 0 0"), 0);
	cr_assert_eq(ml.n, 1);
}

Test(parse_mounts, corpus)
{
	static const char *const files[] = {
		"qemu-arm-6.1/arm64-6.1-cma64-psi/proc/mounts",
		"qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc/mounts",
	};
	if (!tu_corpus(files[0]))
		cr_skip_test("no corpus");
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++) {
		ms_mountlist_free(&ml);
		cr_assert_eq(mounts_file(tu_corpus(files[i])), 0, "%s: %s", files[i], err.msg);
		cr_assert_eq(ml.n, 7);
		cr_assert_str_eq(ml.items[4].dir, "/tmp");
		cr_assert(ms_fstype_is_ram(ml.items[4].fstype));
	}
}

Test(parse_mounts, every_truncation_of_a_fixture)
{
	cr_assert(tu_read_file(tu_fixture("mounts/escapes-handmade"), &buf));
	for (size_t n = 0; n <= buf.len; n++) {
		ms_mountlist l;
		int rc = ms_parse_mounts(buf.data, n, &l, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && l.n == 0 && err.line > 0), "cut at %zu", n);
		ms_mountlist_free(&l);
	}
}
