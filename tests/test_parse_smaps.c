/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "parse_smaps": maps lines, smaps, smaps_rollup and the counters,
 * on hand-written fixtures (tests/fixtures/{maps,smaps}, see
 * README-proc.md) and on hostile inline input.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static int maps_line_str(const char *s, ms_vma *v, const char **path, size_t *pathlen)
{
	return ms_parse_maps_line(s, strlen(s), v, path, pathlen);
}

/* ---- maps lines -------------------------------------------------------- */

Test(parse_smaps, maps_line_vsyscall_64bit)
{
	ms_vma v;
	const char *path;
	size_t pathlen;
	const char *line = "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
			   "                  [vsyscall]";

	cr_assert_eq(maps_line_str(line, &v, &path, &pathlen), 0);
	cr_assert_eq(v.start, UINT64_C(0xffffffffff600000));
	cr_assert_eq(v.end, UINT64_C(0xffffffffff601000));
	cr_assert_str_eq(v.perms, "--xp");
	cr_assert_eq(v.offset, 0);
	cr_assert_eq(v.inode, 0);
	cr_assert_eq(pathlen, strlen("[vsyscall]"));
	cr_assert(memcmp(path, "[vsyscall]", pathlen) == 0);
	cr_assert_eq(v.mem.rss, MS_NA, "a maps line has no counters");
	cr_assert_str_eq(v.vmflags, "");
}

Test(parse_smaps, maps_fixture_special_paths)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	tu_fixture_read("maps/x86_64-6.8-special.maps", &b);
	cr_assert_eq(ms_parse_maps(b.data, b.len, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 14);
	cr_assert_not(l.from_smaps);

	/* "103:02": a three-digit major (NVMe block devices are 259). */
	cr_assert_eq(l.v[0].dev_major, 0x103);
	cr_assert_eq(l.v[0].dev_minor, 2);
	cr_assert_eq(l.v[0].inode, 1835011);
	cr_assert_str_eq(ms_vma_path(&l, 0), "/opt/app/bin/my server");
	cr_assert_eq(l.v[2].offset, 0x52000);
	cr_assert_str_eq(l.v[2].perms, "rw-p");
	cr_assert_str_eq(ms_vma_path(&l, 2), "/opt/app/bin/my server");
	cr_assert_str_eq(ms_vma_path(&l, 3), "[heap]");
	/* Older kernels end an anonymous line with one space. */
	cr_assert_str_eq(ms_vma_path(&l, 4), "");
	cr_assert_eq(l.v[4].start, UINT64_C(0x7f3c2a000000));
	cr_assert_str_eq(ms_vma_path(&l, 5), "/memfd:wayland-shm (deleted)");
	cr_assert_str_eq(l.v[5].perms, "rw-s");
	cr_assert_eq(l.v[5].dev_major, 0);
	cr_assert_eq(l.v[5].dev_minor, 1);
	cr_assert_str_eq(ms_vma_path(&l, 6), "/SYSV0000abab (deleted)");
	cr_assert_str_eq(ms_vma_path(&l, 7), "/tmp/old lib.so (deleted)");
	cr_assert_eq(l.v[7].dev_major, 0xfd);
	cr_assert_eq(l.v[7].inode, UINT64_C(9223372036854775809));
	cr_assert_str_eq(ms_vma_path(&l, 8), "[anon:scudo:primary]");
	/* 6.x: no trailing space after an anonymous mapping's inode. */
	cr_assert_str_eq(ms_vma_path(&l, 9), "");
	cr_assert_str_eq(l.v[9].perms, "---p");
	cr_assert_str_eq(ms_vma_path(&l, 10), "[stack]");
	cr_assert_str_eq(ms_vma_path(&l, 11), "[vvar]");
	cr_assert_str_eq(ms_vma_path(&l, 12), "[vdso]");
	cr_assert_str_eq(ms_vma_path(&l, 13), "[vsyscall]");
	cr_assert_eq(l.v[13].end - l.v[13].start, 4096);
	cr_assert_str_eq(ms_vma_path(&l, 14), "", "out of range gives \"\"");
	for (size_t i = 0; i < l.n; i++)
		cr_assert_eq(l.v[i].mem.size, MS_NA);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

Test(parse_smaps, maps_line_rejects_malformed)
{
	static const char *const bad[] = {
		"fffff0 r-xp 00000000 00:00 0                  [vsyscall]", /* psutil #1222 */
		"08048000-08089000 rwzp 00000000 03:01 104219 /bin/tcsh",    /* perms */
		"08048000-08089000 r-xp 00000000 03:01 104219/bin/tcsh",     /* no blank */
		"08089000-08048000 r-xp 00000000 03:01 104219 /bin/tcsh",    /* end < start */
		"1ffffffffffffffff-ffffffffffffffff r-xp 00000000 03:01 1 /x", /* 65 bits */
		"08048000-08089000 r-xp 00000000 1000:01 104219 /bin/tcsh",  /* major > 12 bits */
		"08048000-08089000 r-xp 00000000 03:100000 104219 /bin/tcsh", /* minor > 20 bits */
		"08048000-08089000 r-xp 00000000 03:01 99999999999999999999 /x", /* inode */
		"08048000-08089000 r-xp 00000000 0301 104219 /bin/tcsh",
		"Size:                  4 kB",
		"",
	};
	ms_vma v;
	const char *path;
	size_t pathlen;

	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++)
		cr_assert_eq(maps_line_str(bad[i], &v, &path, &pathlen), -EINVAL, "accepted: %s",
			     bad[i]);
	/* A NUL in the path would cut it short once stored: refused. */
	const char nul[] = "08048000-08089000 r-xp 00000000 03:01 104219 /bin/t\0csh";
	cr_assert_eq(ms_parse_maps_line(nul, sizeof nul - 1, &v, &path, &pathlen), -EINVAL);
}

/* Every cut of a valid line before its inode must fail, and none may read
 * past the given length (ASan watches the heap copy). A cut inside the
 * inode or the path cannot be told from a real line, so it is not checked. */
Test(parse_smaps, maps_line_every_truncation)
{
	const char *full = "08089000-0808c000 rw-p 00041000 03:01 104219 /bin/tcsh";
	size_t inode_start = strlen("08089000-0808c000 rw-p 00041000 03:01 ");
	size_t inode_end = inode_start + strlen("104219");
	ms_vma v;
	const char *path;
	size_t pathlen;

	for (size_t n = 0; n <= strlen(full); n++) {
		char *cut = malloc(n ? n : 1);
		cr_assert_not_null(cut);
		memcpy(cut, full, n);
		int rc = ms_parse_maps_line(cut, n, &v, &path, &pathlen);
		if (n <= inode_start)
			cr_assert_eq(rc, -EINVAL, "prefix of %zu accepted", n);
		else if (n >= inode_end)
			cr_assert_eq(rc, 0, "prefix of %zu refused", n);
		free(cut);
	}
	cr_assert_eq(v.offset, 0x41000);
	cr_assert_eq(v.inode, 104219);
	cr_assert_eq(pathlen, strlen("/bin/tcsh"));
}

Test(parse_smaps, maps_error_names_the_line_and_keeps_earlier)
{
	ms_vmalist l = { 0 };
	ms_error err;
	const char *text = "08048000-08089000 r-xp 00000000 03:01 104219 /bin/tcsh\n"
			   "08089000-0808c000 rw-p 00041000 03:01 104219 /bin/tcsh\n"
			   "this is not a mapping\n"
			   "40000000-40015000 r-xp 00000000 03:01 61874 /lib/ld-2.3.2.so\n";

	cr_assert_eq(TU_PARSE_STR(ms_parse_maps, text, &l, &err), -EINVAL);
	cr_assert_eq(err.code, EINVAL);
	cr_assert_eq(err.line, 3);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(ms_vma_path(&l, 1), "/bin/tcsh");
	/* Reusing the list for a new parse starts afresh. */
	const char *anon = "0808c000-08146000 rwxp 00000000 00:00 0";
	cr_assert_eq(TU_PARSE_STR(ms_parse_maps, anon, &l, &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(ms_vma_path(&l, 0), "");
	ms_vmalist_free(&l);
}

/* ---- counters ---------------------------------------------------------- */

static int counter_str(ms_memcounters *c, const char *s)
{
	return ms_memcounters_line(c, s, strlen(s));
}

Test(parse_smaps, counter_lines)
{
	ms_memcounters c;

	ms_memcounters_init(&c);
	cr_assert_eq(c.rss, MS_NA);
	cr_assert_eq(c.locked, MS_NA);
	cr_assert_eq(counter_str(&c, "Rss:                 980 kB"), 1);
	cr_assert_eq(c.rss, 980);
	cr_assert_eq(counter_str(&c, "Pss_Dirty:          8518 kB"), 1);
	cr_assert_eq(c.pss_dirty, 8518);
	cr_assert_eq(counter_str(&c, "Locked:          1523537 kB"), 1);
	cr_assert_eq(c.locked, 1523537);
	/* Eight digits glue to the colon in "%8lu" formats. */
	cr_assert_eq(counter_str(&c, "Private_Dirty:12345678 kB"), 1);
	cr_assert_eq(c.private_dirty, 12345678);
	cr_assert_eq(counter_str(&c, "KSM:                   0 kB"), 1);
	cr_assert_eq(c.ksm, 0);
	/* Lines that are known but carry no counter, or unknown keys. */
	cr_assert_eq(counter_str(&c, "THPeligible:           0"), 0);
	cr_assert_eq(counter_str(&c, "ProtectionKey:         0"), 0);
	cr_assert_eq(counter_str(&c, "VmFlags: rd wr mr mw me ac sd "), 0);
	cr_assert_eq(counter_str(&c, "Name:           [anon:libc_malloc]"), 0);
	cr_assert_eq(counter_str(&c, "FutureCounter:       12 kB"), 0);
	cr_assert_eq(counter_str(&c, "Rss_Whatever:        12 kB"), 0);
	cr_assert_eq(c.rss, 980, "a longer key sharing a prefix must not match Rss");
}

Test(parse_smaps, counter_lines_malformed)
{
	static const char *const bad[] = {
		"Rss:                 980",           /* no unit */
		"Rss:                 980 MB",
		"Rss:                 abc kB",
		"Rss:                  -4 kB",
		"Rss:    99999999999999999999 kB",    /* 65 bits */
		"Rss:     9223372036854775808 kB",    /* INT64_MAX + 1 */
		"Rss:                 980 kB junk",
		"Rss                  980 kB",         /* no colon */
		"not smaps at all",
		"",
		":   12 kB",
		"R ss:   12 kB",
	};
	ms_memcounters c;

	ms_memcounters_init(&c);
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++)
		cr_assert_eq(counter_str(&c, bad[i]), -EINVAL, "accepted: \"%s\"", bad[i]);
	cr_assert_eq(c.rss, MS_NA, "a refused line must not write its field");
	const char nul[] = "Rss:     9\0 kB";
	cr_assert_eq(ms_memcounters_line(&c, nul, sizeof nul - 1), -EINVAL);
}

Test(parse_smaps, counters_add_and_uss)
{
	ms_memcounters a, b;

	ms_memcounters_init(&a);
	ms_memcounters_init(&b);
	a.rss = 10;
	a.private_clean = 3;
	b.rss = 5;
	b.private_dirty = 7;
	b.swap = 2;
	ms_memcounters_add(&a, &b);
	cr_assert_eq(a.rss, 15);
	cr_assert_eq(a.private_clean, 3, "MS_NA on one side gives way");
	cr_assert_eq(a.private_dirty, 7);
	cr_assert_eq(a.swap, 2);
	cr_assert_eq(a.pss, MS_NA, "missing on both sides stays unknown");
	cr_assert_eq(ms_memcounters_uss(&a), 10);
	cr_assert_eq(ms_memcounters_uss(&b), MS_NA, "Private_Clean missing");
	b.rss = INT64_MAX;
	ms_memcounters_add(&a, &b);
	cr_assert_eq(a.rss, MS_NA, "an overflowing sum is unknown, not wrapped");
}

/* ---- smaps ------------------------------------------------------------- */

Test(parse_smaps, smaps_x86_64_6_8_every_key)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	tu_fixture_read("smaps/x86_64-6.8.smaps", &b);
	cr_assert_eq(ms_parse_smaps(b.data, b.len, &l, &err), 0, "line %u: %s", err.line,
		     err.msg);
	cr_assert_eq(l.n, 5);
	cr_assert(l.from_smaps);

	const ms_vma *heap = &l.v[1];
	cr_assert_str_eq(ms_vma_path(&l, 1), "[heap]");
	cr_assert_eq(heap->start, UINT64_C(0x55d0c7e1f000));
	cr_assert_eq(heap->mem.size, 2196);
	cr_assert_eq(heap->mem.kernel_page_size, 4);
	cr_assert_eq(heap->mem.mmu_page_size, 4);
	cr_assert_eq(heap->mem.rss, 2104);
	cr_assert_eq(heap->mem.pss, 1862);
	cr_assert_eq(heap->mem.pss_dirty, 1862);
	cr_assert_eq(heap->mem.shared_clean, 0);
	cr_assert_eq(heap->mem.shared_dirty, 484);
	cr_assert_eq(heap->mem.private_clean, 0);
	cr_assert_eq(heap->mem.private_dirty, 1620);
	cr_assert_eq(heap->mem.referenced, 2048);
	cr_assert_eq(heap->mem.anonymous, 2104);
	cr_assert_eq(heap->mem.ksm, 0);
	cr_assert_eq(heap->mem.lazyfree, 0);
	cr_assert_eq(heap->mem.anon_huge, 0);
	cr_assert_eq(heap->mem.shmem_pmd, 0);
	cr_assert_eq(heap->mem.file_pmd, 0);
	cr_assert_eq(heap->mem.shared_hugetlb, 0);
	cr_assert_eq(heap->mem.private_hugetlb, 0);
	cr_assert_eq(heap->mem.swap, 88);
	cr_assert_eq(heap->mem.swap_pss, 61);
	cr_assert_eq(heap->mem.locked, 0);
	/* Pss_Anon/File/Shmem are printed by smaps_rollup only. */
	cr_assert_eq(heap->mem.pss_anon, MS_NA);
	cr_assert_eq(heap->mem.pss_shmem, MS_NA);
	cr_assert_str_eq(heap->vmflags, "rd wr mr mw me ac sd");

	cr_assert_str_eq(ms_vma_path(&l, 0), "/usr/bin/bash");
	cr_assert_eq(l.v[0].offset, 0x20000);
	cr_assert_eq(l.v[0].mem.pss, 196);
	cr_assert_str_eq(ms_vma_path(&l, 2), "[anon:js heap]");
	cr_assert_eq(l.v[2].mem.anon_huge, 4096);
	cr_assert_eq(l.v[2].mem.lazyfree, 512);
	cr_assert_str_eq(l.v[2].vmflags, "rd wr mr mw me ac sd hg");
	cr_assert_str_eq(ms_vma_path(&l, 3), "/dev/shm/frame buffer (deleted)");
	cr_assert_str_eq(l.v[3].perms, "rw-s");
	cr_assert_eq(l.v[3].mem.shared_dirty, 1024);
	cr_assert_str_eq(ms_vma_path(&l, 4), "[vsyscall]");
	cr_assert_str_eq(l.v[4].vmflags, "ex");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* The rollup of the same process and the sum over its smaps agree on
 * every counter both print (the fixtures were written that way by hand;
 * totals below were added up by hand too). */
Test(parse_smaps, smaps_sum_matches_rollup)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_memcounters sum, roll;
	ms_error err;

	tu_fixture_read("smaps/x86_64-6.8.smaps", &b);
	cr_assert_eq(ms_parse_smaps(b.data, b.len, &l, &err), 0);
	ms_memcounters_init(&sum);
	for (size_t i = 0; i < l.n; i++)
		ms_memcounters_add(&sum, &l.v[i].mem);
	tu_fixture_read("smaps/x86_64-6.8.smaps_rollup", &b);
	cr_assert_eq(ms_parse_smaps_rollup(b.data, b.len, &roll, &err), 0, "%s", err.msg);

	cr_assert_eq(sum.size, 15624);
	cr_assert_eq(roll.size, MS_NA, "smaps_rollup prints no Size");
	cr_assert_eq(roll.rss, 10252);
	cr_assert_eq(sum.rss, roll.rss);
	cr_assert_eq(roll.pss, 8714);
	cr_assert_eq(sum.pss, roll.pss);
	cr_assert_eq(roll.pss_dirty, 8518);
	cr_assert_eq(sum.pss_dirty, roll.pss_dirty);
	cr_assert_eq(roll.pss_anon, 8006);
	cr_assert_eq(roll.pss_file, 196);
	cr_assert_eq(roll.pss_shmem, 512);
	cr_assert_eq(roll.shared_clean, 980);
	cr_assert_eq(sum.shared_dirty, 1508);
	cr_assert_eq(sum.shared_dirty, roll.shared_dirty);
	cr_assert_eq(roll.private_clean, 0);
	cr_assert_eq(roll.private_dirty, 7764);
	cr_assert_eq(ms_memcounters_uss(&sum), 7764);
	cr_assert_eq(ms_memcounters_uss(&roll), 7764);
	cr_assert_eq(roll.referenced, 10196);
	cr_assert_eq(sum.referenced, roll.referenced);
	cr_assert_eq(roll.anonymous, 8248);
	cr_assert_eq(sum.anonymous, roll.anonymous);
	cr_assert_eq(roll.lazyfree, 512);
	cr_assert_eq(roll.anon_huge, 4096);
	cr_assert_eq(sum.swap, 88);
	cr_assert_eq(roll.swap, 88);
	cr_assert_eq(roll.swap_pss, 61);
	cr_assert_eq(roll.locked, 0);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* Android 4.9: "Name:" lines, and KernelPageSize/MMUPageSize printed twice
 * (a vendor quirk). A Name: gives the path of a mapping whose header has
 * none and is ignored otherwise. */
Test(parse_smaps, smaps_android_name_lines)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	tu_fixture_read("smaps/android-4.9-arm64.smaps", &b);
	cr_assert_eq(ms_parse_smaps(b.data, b.len, &l, &err), 0, "line %u: %s", err.line,
		     err.msg);
	cr_assert_eq(l.n, 4);
	cr_assert_str_eq(ms_vma_path(&l, 0), "[anon:dalvik-main space (region space)]");
	cr_assert_eq(l.v[0].mem.size, 16384);
	cr_assert_eq(l.v[0].mem.kernel_page_size, 4);
	cr_assert_eq(l.v[0].mem.swap, 256);
	cr_assert_eq(l.v[0].mem.pss_dirty, MS_NA, "4.9 prints no Pss_Dirty: unknown, not 0");
	cr_assert_eq(l.v[0].mem.ksm, MS_NA);
	cr_assert_str_eq(ms_vma_path(&l, 1), "/system/framework/arm64/boot.art");
	cr_assert_eq(l.v[1].mem.pss, 700);
	cr_assert_eq(ms_memcounters_uss(&l.v[1].mem), 400);
	cr_assert_str_eq(ms_vma_path(&l, 2), "[anon:libc_malloc]");
	cr_assert_eq(l.v[2].start, UINT64_C(0x7f8e6c0000));
	cr_assert_eq(l.v[2].mem.swap_pss, 32);
	cr_assert_str_eq(ms_vma_path(&l, 3), "/dev/__properties__/u:object_r:default_prop:s0");
	cr_assert_str_eq(l.v[3].perms, "r--s");
	cr_assert_str_eq(l.v[3].vmflags, "rd mr me ms");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

static const char two_vmas[] =
	"00400000-00401000 r-xp 00000000 fd:01 100 /bin/a\n"
	"Size:                  4 kB\n"
	"Rss:                   4 kB\n"
	"VmFlags: rd ex \n"
	"00600000-00602000 rw-p 00000000 00:00 0\n"
	"Size:                  8 kB\n"
	"Rss:                   8 kB\n";

Test(parse_smaps, smaps_bad_line_is_an_error_with_its_number)
{
	ms_vmalist l = { 0 };
	ms_error err;
	ms_buf text = MS_BUF_INIT;

	ms_buf_puts(&text, two_vmas);
	ms_buf_puts(&text, "Rss is eight\n");
	cr_assert_eq(TU_PARSE_STR(ms_parse_smaps, text.data, &l, &err), -EINVAL);
	cr_assert_eq(err.code, EINVAL);
	cr_assert_eq(err.line, 8);
	/* The mapping the bad line is in is dropped; the whole one before kept. */
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.v[0].mem.rss, 4);
	cr_assert_str_eq(l.v[0].vmflags, "rd ex");
	ms_vmalist_free(&l);
	ms_buf_free(&text);
}

Test(parse_smaps, smaps_malformed_header_and_orphan_counters)
{
	ms_vmalist l = { 0 };
	ms_error err;

	cr_assert_eq(TU_PARSE_STR(ms_parse_smaps, "Rss:   4 kB\n", &l, &err), -EINVAL);
	cr_assert_eq(err.line, 1);
	cr_assert_eq(l.n, 0);
	const char *cut_header = "00400000-00401000 r-xp 00000000 fd:01 100 /bin/a\n"
				 "00400000 r-xp 00000000 fd:01 100 /bin/a\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_smaps, cut_header, &l, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(l.n, 1);
	ms_vmalist_free(&l);
}

Test(parse_smaps, smaps_truncated_and_empty)
{
	ms_vmalist l = { 0 };
	ms_error err;

	/* Cut after whole lines: the last mapping keeps what was read. */
	cr_assert_eq(TU_PARSE_STR(ms_parse_smaps, two_vmas, &l, &err), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.v[1].mem.rss, 8);
	cr_assert_eq(l.v[1].mem.pss, MS_NA);
	/* Cut inside a line. */
	cr_assert_eq(ms_parse_smaps(two_vmas, sizeof two_vmas - 6, &l, &err), -EINVAL);
	cr_assert_eq(err.line, 7);
	/* A kernel thread's smaps is empty. */
	cr_assert_eq(ms_parse_smaps("", 0, &l, &err), 0);
	cr_assert_eq(l.n, 0);
	cr_assert_eq(ms_parse_smaps(NULL, 0, &l, &err), 0);
	ms_vmalist_free(&l);
}

Test(parse_smaps, smaps_nul_bytes_and_huge_lines)
{
	ms_vmalist l = { 0 };
	ms_error err;
	ms_buf text = MS_BUF_INIT;

	const char nul[] = "00400000-00401000 r-xp 00000000 fd:01 100 /bin/a\nRss: \0 4 kB\n";
	cr_assert_eq(ms_parse_smaps(nul, sizeof nul - 1, &l, &err), -EINVAL);
	cr_assert_eq(err.line, 2);

	/* A 1 MiB path is kept whole; a 1 MiB garbage line is an error. */
	ms_buf_puts(&text, "00400000-00401000 r-xp 00000000 fd:01 100 /");
	for (int i = 0; i < 1 << 20; i++)
		ms_buf_putc(&text, 'p');
	ms_buf_puts(&text, "\nRss:   4 kB\n");
	cr_assert_eq(ms_parse_smaps(text.data, text.len, &l, &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(strlen(ms_vma_path(&l, 0)), (1u << 20) + 1);
	cr_assert_eq(l.v[0].mem.rss, 4);
	for (int i = 0; i < 1 << 20; i++)
		ms_buf_putc(&text, 'R');
	cr_assert_eq(ms_parse_smaps(text.data, text.len, &l, &err), -EINVAL);
	cr_assert_eq(err.line, 3);
	ms_vmalist_free(&l);
	ms_buf_free(&text);
}

Test(parse_smaps, smaps_long_vmflags_cut_at_a_flag)
{
	ms_vmalist l = { 0 };
	ms_error err;
	const char *text = "00400000-00401000 r-xp 00000000 fd:01 100 /bin/a\n"
			   "VmFlags: rd wr ex sh mr mw me ms gd pf io sr rr dc de ac nr ht "
			   "sf ar wf dd sd mm hg nh mg um uw ss sl \n";

	cr_assert_eq(TU_PARSE_STR(ms_parse_smaps, text, &l, &err), 0);
	const char *f = l.v[0].vmflags;
	size_t n = strlen(f);
	cr_assert(n > 0 && n < 64);
	cr_assert(strncmp(f, "rd wr ex sh", 11) == 0);
	cr_assert_neq(f[n - 1], ' ');
	/* It ends with a whole two-letter flag. */
	cr_assert_eq(f[n - 3], ' ');
	ms_vmalist_free(&l);
}

/* Feeding lines one at a time gives the same list as the whole buffer,
 * and the first error sticks. */
Test(parse_smaps, incremental_parser)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist whole = { 0 }, inc = { 0 };
	ms_smaps_parser p;
	ms_error err;
	ms_lines it;
	const char *line;
	size_t n;

	tu_fixture_read("smaps/x86_64-6.8.smaps", &b);
	cr_assert_eq(ms_parse_smaps(b.data, b.len, &whole, &err), 0);
	ms_smaps_parser_init(&p, &inc, &err);
	ms_lines_init(&it, b.data, b.len);
	while (ms_lines_next(&it, &line, &n))
		cr_assert_eq(ms_smaps_parser_line(&p, line, n + 1), 0, "line with its newline");
	cr_assert_eq(ms_smaps_parser_finish(&p), 0);
	cr_assert_eq(inc.n, whole.n);
	for (size_t i = 0; i < inc.n; i++) {
		cr_assert_str_eq(ms_vma_path(&inc, i), ms_vma_path(&whole, i));
		cr_assert(memcmp(&inc.v[i].mem, &whole.v[i].mem, sizeof(ms_memcounters)) == 0);
		cr_assert_str_eq(inc.v[i].vmflags, whole.v[i].vmflags);
	}
	cr_assert_eq(ms_smaps_parser_line(&p, "garbage", 7), -EINVAL);
	cr_assert_eq(err.line, p.lineno);
	cr_assert_eq(ms_smaps_parser_line(&p, "Rss:   4 kB", 11), -EINVAL, "sticky");
	cr_assert_eq(ms_smaps_parser_finish(&p), -EINVAL);
	ms_vmalist_free(&whole);
	ms_vmalist_free(&inc);
	ms_buf_free(&b);
}

/* What the observer saw: each mapping whole (its last counter read), in
 * file order; it keeps every other one and can stop the parse. */
struct seen {
	ms_vmalist copy;  /* the mappings as handed over */
	char *paths[64];
	size_t calls, stop_at;
	size_t max_n;     /* the list's length at a call */
};

static int observe(void *ctx, const ms_vmalist *l, size_t i)
{
	struct seen *s = ctx;
	ms_vma *slot;

	cr_assert_eq(i, l->n - 1, "the newest mapping, once whole");
	if (s->copy.n == s->copy.cap) {
		s->copy.cap = s->copy.cap ? s->copy.cap * 2 : 16;
		s->copy.v = realloc(s->copy.v, s->copy.cap * sizeof *s->copy.v);
		cr_assert(s->copy.v);
	}
	slot = &s->copy.v[s->copy.n++];
	*slot = l->v[i];
	cr_assert_lt(s->calls, 64);
	s->paths[s->calls] = strdup(ms_vma_path(l, i));
	if (l->n > s->max_n)
		s->max_n = l->n;
	if (++s->calls == s->stop_at)
		return -ECANCELED;
	return s->calls % 2 ? MS_VMA_USED : 0;
}

static int use_all(void *ctx, const ms_vmalist *l, size_t i)
{
	size_t *calls = ctx;

	cr_assert_leq(l->n, 1, "nothing kept from the mappings before");
	cr_assert_eq(i, 0);
	++*calls;
	return MS_VMA_USED;
}

Test(parse_smaps, observer_sees_each_mapping_whole_and_may_drop_it)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist whole = { 0 }, inc = { 0 };
	ms_smaps_parser p;
	ms_error err;
	ms_lines it;
	const char *line;
	size_t n;
	struct seen seen = { .stop_at = 0 };

	tu_fixture_read("smaps/x86_64-6.8.smaps", &b);
	cr_assert_eq(ms_parse_smaps(b.data, b.len, &whole, &err), 0);
	cr_assert_gt(whole.n, 4);
	ms_smaps_parser_init(&p, &inc, &err);
	ms_smaps_parser_on_vma(&p, observe, &seen);
	ms_lines_init(&it, b.data, b.len);
	while (ms_lines_next(&it, &line, &n))
		cr_assert_eq(ms_smaps_parser_line(&p, line, n), 0);
	cr_assert_eq(ms_smaps_parser_finish(&p), 0);
	cr_assert_eq(seen.calls, whole.n, "one call per mapping, the last at finish");
	for (size_t i = 0; i < whole.n; i++) {
		cr_assert_eq(seen.copy.v[i].start, whole.v[i].start);
		cr_assert(memcmp(&seen.copy.v[i].mem, &whole.v[i].mem, sizeof(ms_memcounters)) == 0,
			  "mapping %zu handed over with every counter", i);
		cr_assert_str_eq(seen.copy.v[i].vmflags, whole.v[i].vmflags);
		cr_assert_str_eq(seen.paths[i], ms_vma_path(&whole, i));
		free(seen.paths[i]);
	}
	/* Every odd call said "used": those are not in the list. */
	cr_assert_eq(inc.n, whole.n / 2);
	for (size_t i = 0; i < inc.n; i++) {
		cr_assert_eq(inc.v[i].start, whole.v[2 * i + 1].start);
		cr_assert_str_eq(ms_vma_path(&inc, i), ms_vma_path(&whole, 2 * i + 1));
	}

	/* Every mapping used as it comes: the list holds none at the end,
	 * and no path either. */
	size_t calls = 0;
	ms_smaps_parser_init(&p, &inc, &err);
	ms_smaps_parser_on_vma(&p, use_all, &calls);
	ms_lines_init(&it, b.data, b.len);
	while (ms_lines_next(&it, &line, &n))
		cr_assert_eq(ms_smaps_parser_line(&p, line, n), 0);
	cr_assert_eq(ms_smaps_parser_finish(&p), 0);
	cr_assert_eq(calls, whole.n);
	cr_assert_eq(inc.n, 0);
	cr_assert_eq(inc.strings.len, 0);

	/* A negative answer stops the parse with it. */
	struct seen stop = { .stop_at = 3 };
	ms_smaps_parser_init(&p, &inc, &err);
	ms_smaps_parser_on_vma(&p, observe, &stop);
	int rc = ms_parse_smaps(b.data, b.len, &inc, &err);
	cr_assert_eq(rc, 0, "ms_parse_smaps has no observer");
	ms_smaps_parser_init(&p, &inc, &err);
	ms_smaps_parser_on_vma(&p, observe, &stop);
	ms_lines_init(&it, b.data, b.len);
	while (ms_lines_next(&it, &line, &n) && rc == 0)
		rc = ms_smaps_parser_line(&p, line, n);
	cr_assert_eq(rc, -ECANCELED);
	cr_assert_eq(stop.calls, 3);
	for (size_t i = 0; i < stop.calls; i++)
		free(stop.paths[i]);
	cr_assert_eq(ms_smaps_parser_finish(&p), -ECANCELED);

	free(seen.copy.v);
	free(stop.copy.v);
	ms_vmalist_free(&whole);
	ms_vmalist_free(&inc);
	ms_buf_free(&b);
}

/* ---- smaps_rollup ------------------------------------------------------ */

static int rollup_str(const char *s, ms_memcounters *c, ms_error *err)
{
	return ms_parse_smaps_rollup(s, strlen(s), c, err);
}

Test(parse_smaps, rollup_edge_cases)
{
	ms_memcounters c;
	ms_error err;

	cr_assert_eq(rollup_str("", &c, &err), 0, "a kernel thread's rollup is empty");
	cr_assert_eq(c.rss, MS_NA);
	cr_assert_eq(c.pss, MS_NA);
	cr_assert_eq(rollup_str("Rss:   4 kB\n", &c, &err), -EINVAL);
	cr_assert_eq(err.line, 1);
	const char *two = "00400000-ffffffffff601000 ---p 00000000 00:00 0  [rollup]\n"
			  "Rss:   4 kB\n"
			  "00400000-ffffffffff601000 ---p 00000000 00:00 0  [rollup]\n";
	cr_assert_eq(rollup_str(two, &c, &err), -EINVAL);
	cr_assert_eq(err.line, 3);
	cr_assert_eq(c.rss, 4, "lines before the error are kept");
	cr_assert_eq(rollup_str("fffff0 r-xp 00000000 00:00 0   [rollup]\nRss: 4 kB\n", &c, &err),
		     -EINVAL);
	cr_assert_eq(err.line, 1);
	cr_assert_eq(rollup_str("00400000-ffffffffff601000 ---p 00000000 00:00 0  [rollup]\n"
				"Rss:   4 kB\nPss:  x kB\n",
				&c, &err),
		     -EINVAL);
	cr_assert_eq(err.line, 3);
}
