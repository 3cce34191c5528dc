/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/sysvipc/shm: 64-bit 6.18 (our capture, segments made by a test
 * program: tests/fixtures/README.md), 32-bit 6.x, 2.6.18 without rss and
 * swap, and every truncation. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_shmlist sh;
static ms_error err;

static void teardown(void)
{
	ms_shmlist_free(&sh);
	ms_buf_free(&buf);
}

static int shm_file(const char *fixture)
{
	cr_assert(tu_read_file(tu_fixture(fixture), &buf), "%s", fixture);
	return ms_parse_sysvipc_shm(buf.data, buf.len, &sh, &err);
}

static int shm_str(const char *s)
{
	return ms_parse_sysvipc_shm(s, strlen(s), &sh, &err);
}

#define HDR "key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime\n"

TestSuite(parse_sysvipc, .fini = teardown);

Test(parse_sysvipc, linux_6_18_x86_64)
{
	cr_assert_eq(shm_file("sysvipc_shm/linux-6.18-x86_64"), 0, "%s", err.msg);
	cr_assert_eq(sh.n, 2);
	const ms_shm_segment *a = &sh.items[0], *b = &sh.items[1];
	cr_assert_eq(a->key, 0x4d534331);
	cr_assert_eq(a->shmid, 0);
	cr_assert_eq(a->perms, 0640);
	cr_assert_eq(a->size, 1048576);
	cr_assert_eq(a->cpid, 30947);
	cr_assert_eq(a->lpid, 30947);
	cr_assert_eq(a->nattch, 1);
	cr_assert_eq(a->ctime, 1796402465);
	cr_assert_eq(a->rss, 65536);
	cr_assert_eq(a->swap, 0);
	cr_assert_eq(b->key, 0);
	cr_assert_eq(b->shmid, 1);
	cr_assert_eq(b->perms, 0600);
	cr_assert_eq(b->rss, 0);
}

Test(parse_sysvipc, armv7_32bit_negative_key_and_destroyed_segment)
{
	cr_assert_eq(shm_file("sysvipc_shm/armv7-32bit-6.x"), 0, "%s", err.msg);
	cr_assert_eq(sh.n, 2);
	cr_assert_eq(sh.items[0].key, -16711423);
	cr_assert_eq(sh.items[0].swap, 262144);
	cr_assert_eq(sh.items[0].dtime, 1700000050);
	/* SHM_DEST (01000): removed, still attached. */
	cr_assert_eq(sh.items[1].perms, 01600);
	cr_assert_eq(sh.items[1].shmid, 32769);
}

Test(parse_sysvipc, linux_2_6_18_has_no_rss_or_swap)
{
	cr_assert_eq(shm_file("sysvipc_shm/linux-2.6.18-32bit"), 0, "%s", err.msg);
	cr_assert_eq(sh.n, 1);
	cr_assert_eq(sh.items[0].size, 1048576);
	cr_assert_eq(sh.items[0].rss, MS_NA);
	cr_assert_eq(sh.items[0].swap, MS_NA);
}

Test(parse_sysvipc, columns_come_from_the_header)
{
	cr_assert_eq(shm_str("shmid size key newcol\n5 4096 -1 77\n"), 0, "%s", err.msg);
	cr_assert_eq(sh.items[0].shmid, 5);
	cr_assert_eq(sh.items[0].key, -1);
	cr_assert_eq(sh.items[0].nattch, MS_NA);
}

Test(parse_sysvipc, malformed)
{
	cr_assert_eq(shm_str(""), -EINVAL);
	cr_assert_eq(shm_str("key perms\n"), -EINVAL);
	cr_assert_eq(shm_str("key shmid size size\n"), -EINVAL);
	cr_assert_eq(shm_str(HDR "0 1 600 4096 1 1 1 0 0 0 0 0 0\n"), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(shm_str(HDR "0 1 680 4096 1 1 1 0 0 0 0 0 0 0\n"), -EINVAL);
	cr_assert_eq(shm_str(HDR "0 1 600 4096 1 1 1 0 0 0 0 0 0 0\n0 2 600 x 1 1 1 0 0 0 0 0 0 0\n"),
		     -EINVAL);
	cr_assert_eq(sh.n, 0);
}

Test(parse_sysvipc, every_truncation_of_a_fixture)
{
	cr_assert(tu_read_file(tu_fixture("sysvipc_shm/armv7-32bit-6.x"), &buf));
	for (size_t n = 0; n <= buf.len; n++) {
		ms_shmlist l;
		int rc = ms_parse_sysvipc_shm(buf.data, n, &l, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && l.n == 0), "cut at %zu", n);
		ms_shmlist_free(&l);
	}
}
