/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "corpus_proc": the per-process parsers on real and third-party
 * captures in ../shared/corpus, read in place. Values come from each
 * folder's EXPECTED.md (what the upstream project's own tests assert) or,
 * for device captures without an oracle, were added up from the files with
 * awk and by eye, independently of memscope. Skipped without the corpus.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_memcounters sum_vmas(const ms_vmalist *l)
{
	ms_memcounters sum;
	ms_memcounters_init(&sum);
	for (size_t i = 0; i < l->n; i++)
		ms_memcounters_add(&sum, &l->v[i].mem);
	return sum;
}

static void assert_vma(const ms_vmalist *l, size_t i, uint64_t start, uint64_t end,
		       const char *perms, uint64_t offset, unsigned major, unsigned minor,
		       uint64_t inode, const char *path)
{
	cr_assert_lt(i, l->n);
	const ms_vma *v = &l->v[i];
	cr_assert_eq(v->start, start, "vma %zu start %#llx", i, (unsigned long long)v->start);
	cr_assert_eq(v->end, end, "vma %zu end", i);
	cr_assert_str_eq(v->perms, perms, "vma %zu perms", i);
	cr_assert_eq(v->offset, offset, "vma %zu offset", i);
	cr_assert_eq(v->dev_major, major, "vma %zu dev major", i);
	cr_assert_eq(v->dev_minor, minor, "vma %zu dev minor", i);
	cr_assert_eq(v->inode, inode, "vma %zu inode", i);
	cr_assert_str_eq(ms_vma_path(l, i), path, "vma %zu path", i);
}

/* ---- prometheus/procfs ------------------------------------------------- */

#define PROM "prometheus-procfs/unpacked/fixtures/proc/"

/* proc_smaps_test.go: the rollup and the manual sum give the same. */
static void assert_prometheus_26231(const ms_memcounters *c)
{
	cr_assert_eq(c->rss, 29948);
	cr_assert_eq(c->pss, 29944);
	cr_assert_eq(c->shared_clean, 4);
	cr_assert_eq(c->shared_dirty, 0);
	cr_assert_eq(c->private_clean, 15548);
	cr_assert_eq(c->private_dirty, 14396);
	cr_assert_eq(c->referenced, 24752);
	cr_assert_eq(c->anonymous, 20756);
	cr_assert_eq(c->swap, 1940);
	cr_assert_eq(c->swap_pss, 1940);
}

Test(corpus_proc, prometheus_26231_rollup)
{
	ms_buf b = MS_BUF_INIT;
	ms_memcounters c;
	ms_error err;

	tu_corpus_read(PROM "26231/smaps_rollup", &b);
	cr_assert_eq(ms_parse_smaps_rollup(b.data, b.len, &c, &err), 0, "%s", err.msg);
	assert_prometheus_26231(&c);
	cr_assert_eq(c.lazyfree, 5848);
	cr_assert_eq(c.pss_anon, MS_NA, "this kernel printed no Pss_Anon");
	ms_buf_free(&b);
}

Test(corpus_proc, prometheus_26231_smaps_sum)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, PROM "26231/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 12);
	cr_assert_str_eq(ms_vma_path(&l, 0), "/bin/alertmanager");
	cr_assert_eq(l.v[0].mem.size, 8900);
	cr_assert_str_eq(l.v[0].vmflags, "rd ex mr mw me dw sd");
	ms_memcounters sum = sum_vmas(&l);
	assert_prometheus_26231(&sum);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

Test(corpus_proc, prometheus_26232_maps_64bit)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	tu_corpus_read(PROM "26232/maps", &b);
	cr_assert_eq(ms_parse_maps(b.data, b.len, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 9);
	assert_vma(&l, 0, 0x55680ae1e000, 0x55680ae20000, "r--p", 0, 0xfd, 1, 47316994,
		   "/bin/cat");
	assert_vma(&l, 1, 0x55680ae29000, 0x55680ae2a000, "rwxs", 40960, 0xfd, 1, 47316994,
		   "/bin/cat");
	assert_vma(&l, 2, 0x55680bed6000, 0x55680bef7000, "rw-p", 0, 0, 0, 0, "[heap]");
	assert_vma(&l, 3, 0x7fdf964fc000, 0x7fdf973f2000, "r--p", 0, 0xfd, 1, 17432624,
		   "/usr/lib/locale/locale-archive");
	assert_vma(&l, 4, 0x7fdf973f2000, 0x7fdf97417000, "r--p", 0, 0xfd, 1, 60571062,
		   "/lib/x86_64-linux-gnu/libc-2.29.so");
	assert_vma(&l, 5, 0x7ffe9215c000, 0x7ffe9217f000, "rw-p", 0, 0, 0, 0, "[stack]");
	assert_vma(&l, 6, 0x7ffe921da000, 0x7ffe921dd000, "r--p", 0, 0, 0, 0, "[vvar]");
	assert_vma(&l, 7, 0x7ffe921dd000, 0x7ffe921de000, "r-xp", 0, 0, 0, 0, "[vdso]");
	assert_vma(&l, 8, UINT64_C(0xffffffffff600000), UINT64_C(0xffffffffff601000), "--xp", 0,
		   0, 0, 0, "[vsyscall]");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

Test(corpus_proc, prometheus_26234_maps_32bit)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	tu_corpus_read(PROM "26234/maps", &b);
	cr_assert_eq(ms_parse_maps(b.data, b.len, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 4);
	assert_vma(&l, 0, 0x08048000, 0x08089000, "r-xp", 0, 3, 1, 104219, "/bin/tcsh");
	assert_vma(&l, 1, 0x08089000, 0x0808c000, "rw-p", 266240, 3, 1, 104219, "/bin/tcsh");
	assert_vma(&l, 2, 0x0808c000, 0x08146000, "rwxp", 0, 0, 0, 0, "");
	assert_vma(&l, 3, 0x40000000, 0x40015000, "r-xp", 0, 3, 1, 61874, "/lib/ld-2.3.2.so");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* Not in EXPECTED.md: read off the files. statm's third field is 2^64-1
 * in this edited fixture, which no int64 holds: an error, not a wrap. */
Test(corpus_proc, prometheus_26231_identity_files)
{
	ms_buf b = MS_BUF_INIT;
	ms_pid_status st;
	ms_pid_stat stat;
	ms_pid_statm statm;
	ms_error err;

	tu_corpus_read(PROM "26231/status", &b);
	cr_assert_eq(ms_parse_pid_status(b.data, b.len, &st, &err), 0, "%s", err.msg);
	cr_assert_str_eq(st.name, "prometheus");
	cr_assert_eq(st.tgid, 26231);
	cr_assert_eq(st.uid, 1000);
	cr_assert_eq(st.vm_size, 58440);
	cr_assert_eq(st.vm_rss, 6716);
	cr_assert_eq(st.rss_anon + st.rss_file + st.rss_shmem, st.vm_rss);
	cr_assert_eq(st.vm_swap, 660);

	tu_corpus_read(PROM "26231/stat", &b);
	cr_assert_eq(ms_parse_pid_stat(b.data, b.len, &stat, &err), 0, "%s", err.msg);
	cr_assert_str_eq(stat.comm, "vim");
	cr_assert_eq(stat.ppid, 5392);
	cr_assert_eq(stat.vsize, 56274944);
	cr_assert_eq(stat.rss, 1981);

	tu_corpus_read(PROM "26231/statm", &b);
	cr_assert_eq(ms_parse_pid_statm(b.data, b.len, &statm, &err), -EINVAL);
	cr_assert_eq(statm.size, 149919);
	cr_assert_eq(statm.resident, 12547);
	cr_assert_eq(statm.shared, MS_NA);

	ms_buf cmd = MS_BUF_INIT;
	tu_corpus_read(PROM "26231/cmdline", &b);
	cr_assert_eq(ms_parse_cmdline(b.data, b.len, &cmd), 0);
	cr_assert_str_eq(cmd.data, "vim test.go +10");
	ms_buf_free(&cmd);
	ms_buf_free(&b);
}

/* ---- AOSP libmeminfo --------------------------------------------------- */

#define AOSP "aosp-libmeminfo/"

struct aosp_vma {
	const char *path;
	uint64_t start, end;
	const char *perms;
	uint64_t offset, inode;
	int64_t vss, rss, pss, uss, pc, pd, sc, sd, swap, swap_pss;
};

/* EXPECTED.md "testdata1/smaps_short" (SmapsPopulatesUsageTest). */
static const struct aosp_vma aosp_short[] = {
	{ "[anon:dalvik-zygote-jit-code-cache]", 0x54c00000, 0x56c00000, "r-xp", 0, 0,
	  32768, 2048, 113, 0, 0, 0, 0, 2048, 0, 0 },
	{ "/system/framework/x86_64/boot-framework.art", 0x701ea000, 0x70cdb000, "rw-p", 0,
	  3165, 11204, 11188, 2200, 1660, 0, 1660, 80, 9448, 0, 0 },
	{ "[anon:libc_malloc]", 0x70074dd8d000, 0x70074ee0d000, "rw-p", 0, 0,
	  16896, 15272, 15272, 15272, 0, 15272, 0, 0, 0, 0 },
	{ "/system/priv-app/SettingsProvider/oat/x86_64/SettingsProvider.odex",
	  0x700755a2d000, 0x700755a6e000, "r-xp", 0x16000, 1947,
	  260, 260, 260, 260, 260, 0, 0, 0, 0, 0 },
	{ "/system/lib64/libhwui.so", 0x7007f85b0000, 0x7007f8b9b000, "r-xp", 0x1ee000, 1537,
	  6060, 4132, 1274, 0, 0, 0, 4132, 0, 0, 0 },
	{ "[vsyscall]", UINT64_C(0xffffffffff600000), UINT64_C(0xffffffffff601000), "r-xp", 0,
	  0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

Test(corpus_proc, aosp_smaps_short)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, AOSP "testdata1/smaps_short", &b, &l, &err);
	cr_assert_eq(l.n, MS_ARRAY_LEN(aosp_short));
	for (size_t i = 0; i < l.n; i++) {
		const struct aosp_vma *e = &aosp_short[i];
		const ms_memcounters *m = &l.v[i].mem;
		cr_assert_str_eq(ms_vma_path(&l, i), e->path);
		cr_assert_eq(l.v[i].start, e->start, "vma %zu", i);
		cr_assert_eq(l.v[i].end, e->end, "vma %zu", i);
		cr_assert_str_eq(l.v[i].perms, e->perms);
		cr_assert_eq(l.v[i].offset, e->offset, "vma %zu", i);
		cr_assert_eq(l.v[i].inode, e->inode, "vma %zu", i);
		cr_assert_eq(m->size, e->vss, "vma %zu", i);
		cr_assert_eq(m->rss, e->rss, "vma %zu", i);
		cr_assert_eq(m->pss, e->pss, "vma %zu", i);
		cr_assert_eq(ms_memcounters_uss(m), e->uss, "vma %zu", i);
		cr_assert_eq(m->private_clean, e->pc, "vma %zu", i);
		cr_assert_eq(m->private_dirty, e->pd, "vma %zu", i);
		cr_assert_eq(m->shared_clean, e->sc, "vma %zu", i);
		cr_assert_eq(m->shared_dirty, e->sd, "vma %zu", i);
		cr_assert_eq(m->swap, e->swap, "vma %zu", i);
		cr_assert_eq(m->swap_pss, e->swap_pss, "vma %zu", i);
	}
	cr_assert_eq(l.v[0].mem.anon_huge, 2048);
	cr_assert_str_eq(l.v[0].vmflags, "rd ex mr mw me ac");
	ms_memcounters t = sum_vmas(&l);
	cr_assert_eq(t.size, 67192);
	cr_assert_eq(t.rss, 32900);
	cr_assert_eq(t.pss, 19119);
	cr_assert_eq(ms_memcounters_uss(&t), 17192);
	cr_assert_eq(t.private_clean, 260);
	cr_assert_eq(t.private_dirty, 16932);
	cr_assert_eq(t.shared_clean, 4212);
	cr_assert_eq(t.shared_dirty, 11496);
	cr_assert_eq(t.swap, 0);
	cr_assert_eq(t.swap_pss, 0);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

Test(corpus_proc, aosp_maps_short)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	tu_corpus_read(AOSP "testdata1/maps_short", &b);
	cr_assert_eq(ms_parse_maps(b.data, b.len, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, MS_ARRAY_LEN(aosp_short));
	for (size_t i = 0; i < l.n; i++) {
		const struct aosp_vma *e = &aosp_short[i];
		cr_assert_str_eq(ms_vma_path(&l, i), e->path);
		cr_assert_eq(l.v[i].start, e->start, "vma %zu", i);
		cr_assert_eq(l.v[i].end, e->end, "vma %zu", i);
		cr_assert_str_eq(l.v[i].perms, e->perms);
		cr_assert_eq(l.v[i].offset, e->offset, "vma %zu", i);
		cr_assert_eq(l.v[i].inode, e->inode, "vma %zu", i);
		cr_assert_eq(l.v[i].mem.rss, MS_NA);
	}
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* 2760 mappings of a real app; the benchmark CHECK_EQs Pss 108384. The
 * other totals are EXPECTED.md's own recomputation. */
Test(corpus_proc, aosp_smaps_full)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_pid_status st;
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, AOSP "testdata1/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 2760);
	ms_memcounters t = sum_vmas(&l);
	cr_assert_eq(t.pss, 108384);
	cr_assert_eq(t.rss, 250332);
	cr_assert_eq(ms_memcounters_uss(&t), 90520);
	cr_assert_eq(t.size, 4218176);
	cr_assert_eq(t.swap, 0);
	/* StatusVmRSSFromFile(smaps) must fail: an smaps is no status. */
	cr_assert_eq(ms_parse_pid_status(b.data, b.len, &st, &err), 0);
	cr_assert_eq(st.vm_rss, MS_NA);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

Test(corpus_proc, aosp_status)
{
	ms_buf b = MS_BUF_INIT;
	ms_pid_status st;
	ms_error err;

	tu_corpus_read(AOSP "testdata1/status", &b);
	cr_assert_eq(ms_parse_pid_status(b.data, b.len, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.vm_rss, 730764);
	/* Read off the file. */
	cr_assert_str_eq(st.name, "system_server");
	cr_assert_eq(st.tgid, 1791);
	cr_assert_eq(st.ppid, 1071);
	cr_assert_eq(st.uid, 1000);
	cr_assert_eq(st.vm_size, 20011648);
	cr_assert_eq(st.vm_peak, 21856404);
	cr_assert_eq(st.vm_hwm, 859192);
	cr_assert_eq(st.rss_anon, 229584);
	cr_assert_eq(st.rss_file, 499856);
	cr_assert_eq(st.rss_shmem, 1324);
	cr_assert_eq(st.vm_swap, 0);
	cr_assert_eq(st.hugetlb_pages, MS_NA);
	cr_assert_eq(st.kthread, -1);
	ms_buf_free(&b);
}

/* Raw strings of libmeminfo_test.cpp, most without a final newline. */
Test(corpus_proc, aosp_inline_rollup_and_one_vma)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_memcounters c;
	ms_error err;

	tu_corpus_read(AOSP "inline/ProcMemInfo_SmapsOrRollupTest__rollup.txt", &b);
	cr_assert_eq(ms_parse_smaps_rollup(b.data, b.len, &c, &err), 0, "%s", err.msg);
	cr_assert_eq(c.rss, 331908);
	cr_assert_eq(c.pss, 202052);
	cr_assert_eq(ms_memcounters_uss(&c), 154488);
	cr_assert_eq(c.private_clean, 90472);
	cr_assert_eq(c.private_dirty, 64016);
	cr_assert_eq(c.swap_pss, 442);
	cr_assert_eq(c.locked, 1523537, "the last line has no newline");

	const char *smaps = AOSP "inline/ProcMemInfo_SmapsOrRollupSmapsTest__smaps.txt";
	TU_PARSE_CORPUS(ms_parse_smaps, smaps, &b, &l, &err);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(ms_vma_path(&l, 0), "[anon:dalvik-main space (region space)]");
	cr_assert_eq(l.v[0].mem.rss, 2652);
	cr_assert_eq(l.v[0].mem.pss, 2652);
	cr_assert_eq(ms_memcounters_uss(&l.v[0].mem), 2736);
	cr_assert_eq(l.v[0].mem.private_clean, 84);
	cr_assert_eq(l.v[0].mem.private_dirty, 2652);
	cr_assert_eq(l.v[0].mem.swap_pss, 70);

	smaps = AOSP "inline/AndroidProcHeaps_ExtractAndroidHeapStatsFromFileTest__smaps.txt";
	TU_PARSE_CORPUS(ms_parse_smaps, smaps, &b, &l, &err);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(ms_vma_path(&l, 0), "[anon:dalvik-main space (region space)]");
	cr_assert_eq(l.v[0].mem.pss, 2652);
	cr_assert_eq(l.v[0].mem.rss, 2652);
	cr_assert_eq(l.v[0].mem.private_dirty, 2652);
	cr_assert_eq(l.v[0].mem.shared_dirty, 40);
	cr_assert_eq(l.v[0].mem.private_clean, 84);
	cr_assert_eq(l.v[0].mem.shared_clean, 840);
	cr_assert_eq(l.v[0].mem.swap, 102);
	cr_assert_eq(l.v[0].mem.swap_pss, 70);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* ---- gopsutil and psutil: mocked files with quirks --------------------- */

/* TestProcessMemoryMaps: keys missing or reordered; "THPeligible: 0" has
 * no unit. Where gopsutil reports 0 for a missing line, memscope says
 * "unknown" (MS_NA). */
Test(corpus_proc, gopsutil_smaps)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, "gopsutil/process/testdata/linux/1/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 4);
	static const char *const paths[] = {
		"[vvar]", "", "[vdso]", "/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"
	};
	for (size_t i = 0; i < l.n; i++) {
		const ms_memcounters *m = &l.v[i].mem;
		cr_assert_str_eq(ms_vma_path(&l, i), paths[i]);
		cr_assert_eq(m->rss, 0, "vma %zu", i);
		cr_assert_eq(m->size, 1, "vma %zu", i);
		cr_assert_eq(m->shared_clean, 3, "vma %zu", i);
		cr_assert_eq(m->shared_dirty, 4, "vma %zu", i);
		cr_assert_eq(m->referenced, 7, "vma %zu", i);
		cr_assert_eq(m->swap, 9, "vma %zu", i);
	}
	cr_assert_eq(l.v[0].mem.pss, MS_NA);
	cr_assert_eq(l.v[0].mem.kernel_page_size, 4, "KernelPageSize before Size");
	cr_assert_eq(l.v[0].mem.private_clean, 5);
	cr_assert_eq(l.v[0].mem.private_dirty, 6);
	cr_assert_eq(l.v[0].mem.anonymous, 8);
	cr_assert_eq(l.v[1].mem.pss, 2);
	cr_assert_eq(l.v[1].mem.private_clean, MS_NA);
	cr_assert_eq(ms_memcounters_uss(&l.v[1].mem), MS_NA);
	cr_assert_eq(l.v[1].mem.lazyfree, 0);
	cr_assert_eq(l.v[2].mem.private_dirty, MS_NA);
	cr_assert_eq(l.v[2].mem.private_hugetlb, 0);
	cr_assert_eq(l.v[3].mem.anonymous, MS_NA);
	cr_assert_eq(l.v[3].offset, 0x2a000);
	cr_assert_eq(l.v[3].dev_minor, 0x3d);
	cr_assert_eq(l.v[3].inode, 2238525);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* psutil issue #1222: the header "fffff0 r-xp ..." has no "-end". memscope
 * refuses the file at line 1 rather than guess; the counter lines
 * themselves (in an unusual order) still parse: psutil's pss 3 and swap 15;
 * USS is Private_Clean + Private_Dirty = 13 (psutil adds Private_Hugetlb
 * 14, kept apart here as hugetlb is not in Rss). */
Test(corpus_proc, psutil_malformed_smaps)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_memcounters c;
	ms_error err;
	ms_lines it;
	const char *line;
	size_t n;

	tu_corpus_read("psutil/inline/test_parse_smaps_mocked__smaps.txt", &b);
	cr_assert_eq(ms_parse_smaps(b.data, b.len, &l, &err), -EINVAL);
	cr_assert_eq(err.code, EINVAL);
	cr_assert_eq(err.line, 1);
	cr_assert_eq(l.n, 0);
	cr_assert_eq(ms_parse_smaps_rollup(b.data, b.len, &c, &err), -EINVAL);
	cr_assert_eq(err.line, 1);

	ms_memcounters_init(&c);
	ms_lines_init(&it, b.data, b.len);
	ms_lines_next(&it, &line, &n); /* the bad header */
	while (ms_lines_next(&it, &line, &n))
		cr_assert_geq(ms_memcounters_line(&c, line, n), 0, "line %u", it.lineno);
	cr_assert_eq(c.pss, 3);
	cr_assert_eq(c.swap, 15);
	cr_assert_eq(ms_memcounters_uss(&c), 13);
	cr_assert_eq(c.private_hugetlb, 14);
	cr_assert_eq(c.swap_pss, 16);
	cr_assert_eq(c.kernel_page_size, 17);
	cr_assert_eq(c.mmu_page_size, 18);
	cr_assert_eq(c.locked, 19);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* ---- device captures (no upstream oracle: totals added up with awk) ----- */

/* Android arm64 app: 3281 mappings, "Name:" lines, memfd jit-cache. */
Test(corpus_proc, android_arm64_app_smaps)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, "android-arm64-app-smaps-gracker/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 3281);
	assert_vma(&l, 0, 0x12c00000, 0x135c0000, "rw-p", 0, 0, 0, 0,
		   "[anon:dalvik-main space (region space)]");
	cr_assert_eq(l.v[0].mem.size, 9984);
	cr_assert_eq(l.v[0].mem.private_dirty, 6260);
	assert_vma(&l, 146, 0x9a4b4000, 0x9c4b4000, "rw-s", 0, 0, 1, 55790,
		   "/memfd:/jit-cache (deleted)");
	assert_vma(&l, 147, 0x9c4b4000, 0x9e4b4000, "r-xs", 0x2000000, 0, 1, 55790,
		   "/memfd:/jit-cache (deleted)");
	cr_assert_str_eq(ms_vma_path(&l, 1387), "/memfd:/jit-cache (deleted)");
	cr_assert_eq(l.v[1387].start, UINT64_C(0x797cc00000));
	ms_memcounters t = sum_vmas(&l);
	cr_assert_eq(t.size, 6993060);
	cr_assert_eq(t.rss, 253956);
	cr_assert_eq(t.pss, 119817);
	cr_assert_eq(ms_memcounters_uss(&t), 8564 + 100876);
	cr_assert_eq(t.swap, 9100);
	cr_assert_eq(t.swap_pss, 9036);
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

/* armhf `cat`: 20 mappings, ARM's [sigpage] and [vectors], anonymous
 * mappings with the old trailing space, root device b3:02. */
Test(corpus_proc, armhf_cat_smaps)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, "armhf-cat-smaps-vminfo/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 20);
	assert_vma(&l, 0, 0x10000, 0x17000, "r-xp", 0, 0xb3, 2, 22622, "/bin/cat");
	cr_assert_eq(l.v[0].mem.rss, 28);
	cr_assert_eq(l.v[0].mem.locked, 28);
	assert_vma(&l, 4, 0xb6cac000, 0xb6cce000, "rw-p", 0, 0, 0, 0, "");
	assert_vma(&l, 8, 0xb6f94000, 0xb6f96000, "r--p", 0xd6000, 0xb3, 2, 208069,
		   "/lib/arm-linux-gnueabihf/libc-2.23.so");
	assert_vma(&l, 16, 0xbefd3000, 0xbefd4000, "r-xp", 0, 0, 0, 0, "[sigpage]");
	assert_vma(&l, 19, 0xffff0000, 0xffff1000, "r-xp", 0, 0, 0, 0, "[vectors]");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
}

#define ZTE "zte-router-armv7-4.1.25/proc/"

/* ZTE F680 router, Linux 4.1 (KernelPageSize after Swap, no rollup). The
 * smaps total Rss equals the status VmRSS and statm's resident pages. */
Test(corpus_proc, zte_router_pc_process)
{
	ms_buf b = MS_BUF_INIT, cmd = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_pid_status st;
	ms_pid_statm statm;
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, ZTE "606/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 49);
	assert_vma(&l, 0, 0x8000, 0x12000, "r-xp", 0, 0x1f, 0x0a, 89, "/bin/pc");
	assert_vma(&l, 5, 0x68000000, 0x68020000, "rw-s", 0, 0, 5, 32769,
		   "/SYSV0000abab (deleted)");
	assert_vma(&l, 7, 0xb6dcc000, 0xb6e40000, "rw-s", 0x46680000, 0x1f, 0x0a, 149,
		   "/dev/mem");
	assert_vma(&l, 9, 0xb6ed6000, 0xb6edd000, "---p", 0, 0, 0, 0, "");
	assert_vma(&l, 48, 0xffff0000, 0xffff1000, "r-xp", 0, 0, 0, 0, "[vectors]");
	cr_assert_eq(l.v[0].mem.kernel_page_size, 4);
	cr_assert_eq(l.v[0].mem.pss_dirty, MS_NA);
	ms_memcounters t = sum_vmas(&l);
	cr_assert_eq(t.size, 2160);
	cr_assert_eq(t.rss, 328);
	cr_assert_eq(t.pss, 153);
	cr_assert_eq(ms_memcounters_uss(&t), 8 + 136);
	cr_assert_eq(t.swap, 0);

	tu_corpus_read(ZTE "606/status", &b);
	cr_assert_eq(ms_parse_pid_status(b.data, b.len, &st, &err), 0, "%s", err.msg);
	cr_assert_str_eq(st.name, "pc");
	cr_assert_eq(st.tgid, 606);
	cr_assert_eq(st.ppid, 1);
	cr_assert_eq(st.uid, 0);
	cr_assert_eq(st.vm_peak, 2156);
	cr_assert_eq(st.vm_size, 2156);
	cr_assert_eq(st.vm_hwm, 620);
	cr_assert_eq(st.vm_rss, t.rss);
	cr_assert_eq(st.vm_swap, 0);
	cr_assert_eq(st.rss_anon, MS_NA, "4.1 prints no RssAnon");
	cr_assert_eq(st.kthread, -1);

	tu_corpus_read(ZTE "606/statm", &b);
	cr_assert_eq(ms_parse_pid_statm(b.data, b.len, &statm, &err), 0, "%s", err.msg);
	cr_assert_eq(statm.size * 4, st.vm_size);
	cr_assert_eq(statm.resident * 4, st.vm_rss);
	cr_assert_eq(statm.shared, 49);
	cr_assert_eq(statm.data, 121);

	tu_corpus_read(ZTE "608/cmdline", &b);
	cr_assert_eq(ms_parse_cmdline(b.data, b.len, &cmd), 0);
	cr_assert_str_eq(cmd.data, "rpcAgent");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
	ms_buf_free(&cmd);
}

/* The maps and the smaps headers of one process list the same mappings. */
Test(corpus_proc, zte_router_maps_equal_smaps_headers)
{
	ms_buf b = MS_BUF_INIT;
	ms_vmalist maps = { 0 }, smaps = { 0 };
	ms_error err;

	tu_corpus_read(ZTE "608/maps", &b);
	cr_assert_eq(ms_parse_maps(b.data, b.len, &maps, &err), 0, "%s", err.msg);
	TU_PARSE_CORPUS(ms_parse_smaps, ZTE "608/smaps", &b, &smaps, &err);
	cr_assert_eq(maps.n, 37);
	cr_assert_eq(smaps.n, maps.n);
	for (size_t i = 0; i < maps.n; i++) {
		cr_assert_eq(maps.v[i].start, smaps.v[i].start);
		cr_assert_eq(maps.v[i].end, smaps.v[i].end);
		cr_assert_eq(maps.v[i].inode, smaps.v[i].inode);
		cr_assert_str_eq(ms_vma_path(&maps, i), ms_vma_path(&smaps, i));
	}
	ms_vmalist_free(&maps);
	ms_vmalist_free(&smaps);
	ms_buf_free(&b);
}

Test(corpus_proc, zte_router_kernel_thread)
{
	ms_buf b = MS_BUF_INIT;
	ms_pid_status st;
	ms_pid_statm statm;
	ms_error err;

	tu_corpus_read(ZTE "3/status", &b);
	cr_assert_eq(ms_parse_pid_status(b.data, b.len, &st, &err), 0, "%s", err.msg);
	cr_assert_str_eq(st.name, "ksoftirqd/0");
	cr_assert_eq(st.ppid, 2);
	cr_assert_eq(st.vm_size, MS_NA);
	cr_assert_eq(st.vm_rss, MS_NA);
	tu_corpus_read(ZTE "3/statm", &b);
	cr_assert_eq(ms_parse_pid_statm(b.data, b.len, &statm, &err), 0);
	cr_assert_eq(statm.size, 0);
	cr_assert_eq(statm.resident, 0);
	ms_buf_free(&b);
}

#define ZYNQ "xilinx-zynq-armv7-4.4/proc/"

/* Xilinx Zynq, Linux 4.4: a Python daemon with per-thread "[stack:TID]"
 * mappings (printed by kernels before 4.5). */
Test(corpus_proc, xilinx_zynq_python_daemon)
{
	ms_buf b = MS_BUF_INIT, cmd = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_pid_status st;
	ms_pid_statm statm;
	ms_error err;

	TU_PARSE_CORPUS(ms_parse_smaps, ZYNQ "808/smaps", &b, &l, &err);
	cr_assert_eq(l.n, 109);
	assert_vma(&l, 0, 0x8000, 0x9000, "r-xp", 0, 0x1f, 4, 97, "/bin/python3.4");
	assert_vma(&l, 2, 0x11000, 0x213000, "rw-p", 0, 0, 0, 0, "[heap]");
	assert_vma(&l, 7, 0xb4901000, 0xb5100000, "rw-p", 0, 0, 0, 0, "[stack:887]");
	cr_assert_str_eq(l.v[0].vmflags, "rd ex mr mw me dw");
	ms_memcounters t = sum_vmas(&l);
	cr_assert_eq(t.size, 41712);
	cr_assert_eq(t.rss, 10920);
	cr_assert_eq(t.pss, 10082);
	cr_assert_eq(ms_memcounters_uss(&t), 2296 + 7656);
	cr_assert_eq(t.swap, 0);

	tu_corpus_read(ZYNQ "808/status", &b);
	cr_assert_eq(ms_parse_pid_status(b.data, b.len, &st, &err), 0, "%s", err.msg);
	cr_assert_str_eq(st.name, "python3.4");
	cr_assert_eq(st.tgid, 808);
	cr_assert_eq(st.vm_size, 41708);
	cr_assert_eq(st.vm_rss, 10888);
	cr_assert_eq(st.vm_peak, 41708);
	cr_assert_eq(st.vm_hwm, 10888);

	tu_corpus_read(ZYNQ "808/statm", &b);
	cr_assert_eq(ms_parse_pid_statm(b.data, b.len, &statm, &err), 0, "%s", err.msg);
	cr_assert_eq(statm.size, 10427);
	cr_assert_eq(statm.resident, 2722);
	cr_assert_eq(statm.data, 8756);

	tu_corpus_read(ZYNQ "808/cmdline", &b);
	cr_assert_eq(ms_parse_cmdline(b.data, b.len, &cmd), 0);
	cr_assert_str_eq(cmd.data, "python3.4 /home/inno_daemon/MServer.py");
	ms_vmalist_free(&l);
	ms_buf_free(&b);
	ms_buf_free(&cmd);
}
