/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "model": loading a sample through a fake source that serves bytes
 * from memory (files modelled on real kernel output, errors on demand),
 * derived figures on hand-computed cases, the column tables and sorting,
 * and one real capture from the corpus (a 4.1 kernel: no smaps_rollup).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/source_kind.h"
#include "memscope/table.h"
#include "testutil.h"

/* ---- a source that serves fixture bytes from memory ---------------------- */

struct fake_file {
	const char *path;
	const char *data; /* NULL with err set: the read fails with -err */
	int err;
	size_t len;       /* 0: strlen(data); set for data with NUL bytes */
};

#define FILE_OK(path, data) { path, data, 0, 0 }
#define FILE_ERR(path, code) { path, NULL, code, 0 }
/* Data with NUL bytes (a cmdline), its length taken from the literal. */
#define FILE_BIN(path, lit) { path, lit, 0, sizeof(lit) - 1 }

struct fake {
	const struct fake_file *files;
	size_t nfiles;
	const int *pids;
	size_t npids;
};

static const struct fake_file *fake_find(ms_source *src, const char *relpath)
{
	const struct fake *f = ms_source_priv(src);

	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].path, relpath) == 0)
			return &f->files[i];
	return NULL;
}

static int fake_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	const struct fake_file *ff = fake_find(src, relpath);

	if (!ff)
		return ms_error_set(err, ENOENT, 0, "%s: not there", relpath);
	if (ff->err == EACCES || ff->err == EPERM)
		return ms_error_set(err, ff->err, 0, "%s: not readable when captured (needs root)",
				    relpath);
	if (ff->err)
		return ms_error_set(err, ff->err, 0, "%s: error %d", relpath, ff->err);
	ms_buf_reset(out);
	return ms_buf_append(out, ff->data, ff->len ? ff->len : strlen(ff->data));
}

/* Small odd-sized chunks, so that lines straddle chunk boundaries. */
static int fake_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		       ms_error *err)
{
	const struct fake_file *ff = fake_find(src, relpath);

	if (!ff)
		return ms_error_set(err, ENOENT, 0, "%s: not there", relpath);
	if (ff->err)
		return ms_error_set(err, ff->err, 0, "%s: error %d", relpath, ff->err);
	size_t len = ff->len ? ff->len : strlen(ff->data);
	for (size_t off = 0; off < len; off += 7) {
		int rc = fn(ctx, ff->data + off, len - off < 7 ? len - off : 7);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int fake_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	const struct fake *f = ms_source_priv(src);

	(void)err;
	*pids = malloc((f->npids ? f->npids : 1) * sizeof **pids);
	if (!*pids)
		return -ENOMEM;
	memcpy(*pids, f->pids, f->npids * sizeof **pids);
	*n = f->npids;
	return 0;
}

static void fake_close(ms_source *src)
{
	(void)src; /* the struct fake is the test's */
}

static const ms_source_ops fake_ops = {
	.read = fake_read,
	.stream = fake_stream,
	.list_pids = fake_list_pids,
	.close = fake_close,
};

/* What the fake can do: a snapshot's nothing, or the running system's
 * vanishing files and local users. */
#define FAKE_SNAPSHOT 0u
#define FAKE_LIVE (MS_CAP_VOLATILE | MS_CAP_REFRESH | MS_CAP_LOCAL_USERS)

/* Closed after each test (model_fini). */
static ms_source *open_fakes[4];

static ms_source *fake_open(struct fake *f, const struct fake_file *files, size_t nfiles,
			    const int *pids, size_t npids, unsigned caps)
{
	*f = (struct fake){ files, nfiles, pids, npids };
	ms_source *src = ms_source_new(&fake_ops, caps, "fake", f);
	cr_assert(src);
	ms_source_info_of(src)->page_size_origin = "metadata";
	for (size_t i = 0; i < MS_ARRAY_LEN(open_fakes); i++) {
		if (!open_fakes[i]) {
			open_fakes[i] = src;
			return src;
		}
	}
	cr_assert_fail("more than %zu fake sources in one test", MS_ARRAY_LEN(open_fakes));
	return src;
}

static void model_fini(void)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(open_fakes); i++) {
		ms_source_close(open_fakes[i]);
		open_fakes[i] = NULL;
	}
}

TestSuite(model, .fini = model_fini);

/* ---- fixtures (shapes of real 5.x/6.x output) ------------------------------ */

static const char meminfo[] =
	"MemTotal:         456632 kB\n"
	"MemFree:           61044 kB\n"
	"MemAvailable:     284020 kB\n"
	"Cached:           213372 kB\n";

/* A 2.1 slabinfo whose second row lost its slabdata columns. */
static const char slabinfo_bad[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	" : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
	" <num_slabs> <sharedavail>\n"
	"kmalloc-64          1216   1216     64   64    1 : tunables    0    0    0 :"
	" slabdata     19     19      0\n"
	"kmalloc-32          2048   2048     32  128    1 : tunables    0    0    0\n";

static const char status_user[] =
	"Name:\tsshd\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
	"PPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\n"
	"VmPeak:\t   16128 kB\nVmSize:\t   15996 kB\nVmLck:\t       0 kB\n"
	"VmRSS:\t    7532 kB\nThreads:\t1\n";

static const char rollup_user[] =
	"55d5b4a38000-7ffd8b5fd000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                7532 kB\nPss:                2365 kB\nPss_Dirty:          1060 kB\n"
	"Pss_Anon:           1024 kB\nPss_File:           1333 kB\nPss_Shmem:             8 kB\n"
	"Shared_Clean:       5760 kB\nShared_Dirty:         72 kB\nPrivate_Clean:       636 kB\n"
	"Private_Dirty:      1064 kB\nReferenced:         7532 kB\nAnonymous:          1072 kB\n"
	"KSM:                   0 kB\nLazyFree:              0 kB\nAnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\nFilePmdMapped:         0 kB\nShared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:    2048 kB\nSwap:                 12 kB\nSwapPss:               6 kB\n"
	"Locked:                0 kB\n";

/* ---- part states ------------------------------------------------------------- */

Test(model, part_states_missing_eacces_malformed)
{
	const struct fake_file files[] = {
		FILE_OK("meminfo", meminfo),
		FILE_OK("slabinfo", slabinfo_bad),
		FILE_ERR("zoneinfo", EACCES),
		FILE_ERR("pagetypeinfo", EPERM),
	};
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), NULL, 0, FAKE_SNAPSHOT);
	ms_sample s;
	ms_error err = { 0 };

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_ALL & ~(MS_PART_PROCS | MS_PART_PROC_DETAIL), &err), 0);
	cr_assert_eq(s.st[MS_P_MEMINFO].status, 0);
	cr_assert_eq(ms_kvlist_get(&s.meminfo, "MemTotal"), 456632);
	cr_assert_str_eq(ms_part_reason(&s.st[MS_P_MEMINFO]), "");

	cr_assert_eq(s.st[MS_P_BUDDY].status, -ENOENT);
	cr_assert_str_eq(ms_part_reason(&s.st[MS_P_BUDDY]), "not in snapshot");
	cr_assert_eq(s.st[MS_P_ZONEINFO].status, -EACCES);
	/* A snapshot says why itself; the pane names the file already. */
	cr_assert_str_eq(ms_part_reason(&s.st[MS_P_ZONEINFO]),
			 "not readable when captured (needs root)");
	cr_assert_eq(s.st[MS_P_PAGETYPE].status, -EACCES, "EPERM reads as EACCES");

	cr_assert_eq(s.st[MS_P_SLABINFO].status, -EINVAL);
	cr_assert_eq(s.slabs.n, 0, "no garbage rows from a malformed slabinfo");
	const char *why = ms_part_reason(&s.st[MS_P_SLABINFO]);
	cr_assert(strncmp(why, "unreadable format: slabinfo line 4: ", 36) == 0, "%s", why);

	cr_assert_eq(s.st[MS_P_PROCS].status, -ENODATA, "not asked for");
	cr_assert_str_eq(ms_part_reason(&s.st[MS_P_PROCS]), "not read yet");
	ms_sample_free(&s);
}

/* On the running system a refusal means root is needed (or, for root,
 * that even root is refused). */
Test(model, live_refusal_needs_root)
{
	struct fake f;
	const struct fake_file files[] = { FILE_OK("meminfo", meminfo),
					   FILE_ERR("slabinfo", EACCES) };
	ms_source *src = fake_open(&f, files, 2, NULL, 0, FAKE_LIVE);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_MEMINFO | MS_PART_SLABINFO, NULL), 0);
	cr_assert_eq(s.st[MS_P_SLABINFO].status, -EACCES);
	cr_assert_str_eq(ms_part_reason(&s.st[MS_P_SLABINFO]), ms_denied_reason());
	ms_sample_free(&s);
}

Test(model, live_missing_file_is_not_available)
{
	struct fake f;
	const struct fake_file files[] = { FILE_OK("meminfo", meminfo) };
	ms_source *src = fake_open(&f, files, 1, NULL, 0, FAKE_LIVE);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_MEMINFO | MS_PART_BUDDY, NULL), 0);
	cr_assert_str_eq(ms_part_reason(&s.st[MS_P_BUDDY]), "not available");
	ms_sample_free(&s);
}

Test(model, nothing_readable_is_an_error)
{
	const struct fake_file files[] = { FILE_ERR("meminfo", EACCES) };
	struct fake f;
	ms_source *src = fake_open(&f, files, 1, NULL, 0, FAKE_SNAPSHOT);
	ms_sample s;
	ms_error err = { 0 };

	int rc = ms_sample_load(&s, src, MS_PART_MEMINFO | MS_PART_SLABINFO, &err);
	cr_assert_eq(rc, -EACCES);
	cr_assert_eq(err.code, EACCES);
	char want[80];
	snprintf(want, sizeof want, "meminfo: not readable when captured (needs root)");
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(s.nprocs, 0);
	cr_assert_null(s.procs);
}

/* ---- buddy and fragmentation (hand-computed; the kernel's own figures in
 * thousandths are given where its integer division truncates) ------------- */

static ms_buddy_zone zone_of(const int64_t *counts, int norders)
{
	ms_buddy_zone z = { .node = 0, .zone = "Normal", .norders = norders };

	for (int i = 0; i < norders; i++)
		z.free[i] = counts[i];
	return z;
}

Test(model, buddy_free_kb_uses_the_sample_page_size)
{
	/* 4 x 1 + 2 x 2 + 1 x 4 + 0 x 8 = 12 pages. */
	ms_buddy_zone z = zone_of((const int64_t[]){ 4, 2, 1, 0 }, 4);

	cr_assert_eq(ms_buddy_free_pages(&z), 12);
	cr_assert_eq(ms_buddy_free_kb(&z, 4096), 48);
	cr_assert_eq(ms_buddy_free_kb(&z, 65536), 768, "arm64 64K pages");
	cr_assert_eq(ms_buddy_largest_order(&z), 2);

	ms_buddy_zone empty = zone_of((const int64_t[]){ 0, 0, 0 }, 3);
	cr_assert_eq(ms_buddy_free_kb(&empty, 4096), 0);
	cr_assert_eq(ms_buddy_largest_order(&empty), -1);

	ms_buddy_zone hostile = zone_of((const int64_t[]){ 1, INT64_MAX / 2 + 1 }, 2);
	cr_assert_eq(ms_buddy_free_pages(&hostile), MS_NA, "overflow is unknown, not wrapped");
	ms_buddy_zone big = zone_of((const int64_t[]){ INT64_MAX / 4096 + 1 }, 1);
	cr_assert_eq(ms_buddy_free_kb(&big, 4096), MS_NA);
}

Test(model, unusable_free_space_index)
{
	ms_buddy_zone z = zone_of((const int64_t[]){ 4, 2, 1, 0 }, 4);

	/* order 0: every free page is usable. */
	cr_assert_float_eq(ms_unusable_index(&z, 0), 0.0, 1e-12);
	/* order 1: blocks >= order 1 hold 2*2 + 1*4 = 8 of 12 pages. */
	cr_assert_float_eq(ms_unusable_index(&z, 1), 4.0 / 12.0, 1e-12);
	/* order 2: only the one order-2 block (4 pages) is usable. */
	cr_assert_float_eq(ms_unusable_index(&z, 2), 8.0 / 12.0, 1e-12);
	cr_assert_float_eq(ms_unusable_index(&z, 3), 1.0, 1e-12);

	ms_buddy_zone empty = zone_of((const int64_t[]){ 0, 0 }, 2);
	cr_assert_float_eq(ms_unusable_index(&empty, 0), 1.0, 1e-12, "kernel: 1000 when none free");
	cr_assert(isnan(ms_unusable_index(&z, -1)));
}

Test(model, extfrag_index)
{
	ms_buddy_zone z = zone_of((const int64_t[]){ 4, 2, 1, 0 }, 4);

	cr_assert_float_eq(ms_extfrag_index(&z, 1), -1.0, 1e-12, "order 1 would succeed");
	cr_assert_float_eq(ms_extfrag_index(&z, 2), -1.0, 1e-12);
	/* order 3: 7 blocks, 12 pages, request 8: 1 - (1 + 12/8) / 7;
	 * the kernel prints 1000 - (1000 + 12000/8)/7 = 643 thousandths. */
	double want = 1.0 - (1.0 + 12.0 / 8.0) / 7.0;
	cr_assert_float_eq(ms_extfrag_index(&z, 3), want, 1e-12);
	cr_assert(fabs(ms_extfrag_index(&z, 3) - 0.643) < 0.001);

	/* Only single pages: an order-4 request fails by fragmentation. The
	 * kernel: 1000 - (1000 + 100000/16)/100 = 928 thousandths. */
	ms_buddy_zone frag = zone_of((const int64_t[]){ 100, 0, 0, 0, 0, 0 }, 6);
	cr_assert_float_eq(ms_extfrag_index(&frag, 4), 1.0 - 7.25 / 100.0, 1e-12);
	cr_assert(fabs(ms_extfrag_index(&frag, 4) - 0.928) < 0.001);

	ms_buddy_zone empty = zone_of((const int64_t[]){ 0, 0 }, 2);
	cr_assert_float_eq(ms_extfrag_index(&empty, 1), -2.0, 1e-12, "no free blocks");
}

/* ---- slabs --------------------------------------------------------------------- */

Test(model, slab_sizes)
{
	/* kmalloc-64 of a 6.1 x86_64 box: 19 slabs of 1 page, 1216 x 64 B. */
	ms_slab s = { .name = "kmalloc-64", .active_objs = 1200, .num_objs = 1216, .objsize = 64,
		      .objperslab = 64, .pagesperslab = 1, .active_slabs = 19, .num_slabs = 19 };

	cr_assert_eq(ms_slab_size_kb(&s, 4096), 76);
	cr_assert_eq(ms_slab_size_kb(&s, 16384), 304);
	cr_assert_eq(ms_slab_used_kb(&s), 75, "1200 * 64 / 1024 = 75");
	s.active_objs = MS_NA;
	cr_assert_eq(ms_slab_used_kb(&s), MS_NA);
	s.num_slabs = INT64_MAX;
	cr_assert_eq(ms_slab_size_kb(&s, 4096), MS_NA);
}

/* ---- processes --------------------------------------------------------------- */

static char *fmt_status(int pid)
{
	char *s = NULL;
	cr_assert(asprintf(&s, status_user, pid, pid) > 0);
	return s;
}

Test(model, procs_from_rollup_with_hugetlb_apart)
{
	char *st = fmt_status(812);
	const struct fake_file files[] = {
		FILE_OK("812/status", st),
		FILE_BIN("812/cmdline", "/usr/sbin/sshd\0-D\0"),
		FILE_OK("812/smaps_rollup", rollup_user),
	};
	const int pids[] = { 812 };
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 1, FAKE_SNAPSHOT);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.st[MS_P_PROCS].status, 0);
	cr_assert_eq(s.nprocs, 1);
	const ms_proc *p = &s.procs[0];
	cr_assert_eq(p->pid, 812);
	cr_assert_eq(p->ppid, 1);
	cr_assert_str_eq(p->name, "sshd");
	cr_assert_str_eq(p->cmdline, "/usr/sbin/sshd -D");
	cr_assert_str_eq(p->user, "0", "a snapshot keeps the uid as a number");
	cr_assert_eq(p->origin, MS_ORIGIN_ROLLUP);
	cr_assert_eq(p->vss_kb, 15996);
	cr_assert_eq(p->rss_kb, 7532);
	cr_assert_eq(p->pss_kb, 2365);
	cr_assert_eq(p->uss_kb, 636 + 1064);
	cr_assert_eq(p->swap_kb, 12);
	cr_assert_eq(p->swap_pss_kb, 6);
	cr_assert_eq(p->pss_anon_kb, 1024);
	cr_assert_eq(p->pss_file_kb, 1333);
	cr_assert_eq(p->pss_shmem_kb, 8);
	cr_assert_eq(p->hugetlb_kb, 2048);
	ms_sample_free(&s);
	free(st);
}

/* The procrank table's columns beyond memory and name are a part of their
 * own: a scrape, a trend or a fleet row reads the processes without them
 * (four files fewer per process), procrank with them. */
Test(model, process_details_are_read_only_when_asked)
{
	char *st = fmt_status(812);
	const struct fake_file files[] = {
		FILE_OK("812/status", st),
		FILE_BIN("812/cmdline", "/usr/sbin/sshd\0-D\0"),
		FILE_OK("812/smaps_rollup", rollup_user),
		FILE_OK("812/oom_score", "668\n"),
		FILE_OK("812/oom_score_adj", "-17\n"),
		FILE_OK("812/cgroup", "0::/system.slice/ssh.service\n"),
	};
	const int pids[] = { 812 };
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 1, FAKE_SNAPSHOT);
	ms_sample s;
	ms_error err;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS, NULL), 0);
	cr_assert_eq(s.nprocs, 1);
	cr_assert_str_eq(s.procs[0].name, "sshd");
	cr_assert_eq(s.procs[0].pss_kb, 2365);
	cr_assert_str_eq(s.procs[0].cmdline, "");
	cr_assert_eq(s.procs[0].oom_score, MS_NA);
	cr_assert_eq(s.procs[0].oom_score_adj, MS_NA);
	cr_assert_null(s.procs[0].cgroup);
	cr_assert_not(ms_sample_has(&s, MS_P_PROC_DETAIL));
	ms_sample_free(&s);

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert(ms_sample_has(&s, MS_P_PROC_DETAIL));
	cr_assert_str_eq(s.procs[0].cmdline, "/usr/sbin/sshd -D");
	cr_assert_eq(s.procs[0].oom_score, 668);
	cr_assert_eq(s.procs[0].oom_score_adj, -17);
	cr_assert_str_eq(s.procs[0].cgroup, "/system.slice/ssh.service");
	cr_assert_eq(s.procs[0].cgroup_version, 2);
	ms_sample_free(&s);

	/* Alone it has nothing to read. */
	cr_assert_lt(ms_sample_load(&s, src, MS_PART_PROC_DETAIL, &err), 0);
	cr_assert(strstr(err.msg, "read with the processes only"), "%s", err.msg);
	free(st);
}

Test(model, kthreads_left_out_and_counted)
{
	char *user = fmt_status(900);
	const struct fake_file files[] = {
		/* 6.x: says so. */
		FILE_OK("2/status",
			"Name:\tkthreadd\nPPid:\t0\nUid:\t0\t0\t0\t0\nKthread:\t1\n"),
		/* 4.x: no VmSize and an empty command line. */
		FILE_OK("3/status",
			"Name:\tksoftirqd/0\nPPid:\t2\nUid:\t0\t0\t0\t0\nThreads:\t1\n"),
		FILE_OK("3/cmdline", ""),
		/* smemcap: stat only, PF_KTHREAD in the flags (0x4208060). */
		FILE_OK("4/stat", "4 (kworker/0:0H) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 0 -20 1 "
			    "0 9 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0"
			    " 0 0 0 0 0 0 0 0 0 0 0 0\n"),
		FILE_OK("900/status", user),
		FILE_OK("900/cmdline", "sshd\0"),
		FILE_OK("900/smaps_rollup", rollup_user),
	};
	const int pids[] = { 2, 3, 4, 900 };
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 4, FAKE_SNAPSHOT);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.nkthreads, 3);
	cr_assert_eq(s.nprocs, 1);
	cr_assert_eq(s.procs[0].pid, 900);
	cr_assert_eq(s.nunknown, 0);
	ms_sample_free(&s);
	free(user);
}

static const char smaps_three[] =
	"00400000-0040b000 r-xp 00000000 b3:02 1149       /bin/cat\n"
	"Size:                 44 kB\nRss:                  40 kB\nPss:                  20 kB\n"
	"Shared_Clean:         40 kB\nShared_Dirty:          0 kB\nPrivate_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\nReferenced:           40 kB\nAnonymous:             0 kB\n"
	"Swap:                  0 kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\n"
	"VmFlags: rd ex mr mw me dw \n"
	"0041b000-0043c000 rw-p 00000000 00:00 0          [heap]\n"
	"Size:                132 kB\nRss:                   8 kB\nPss:                   8 kB\n"
	"Shared_Clean:          0 kB\nShared_Dirty:          0 kB\nPrivate_Clean:         0 kB\n"
	"Private_Dirty:         8 kB\nReferenced:            8 kB\nAnonymous:             8 kB\n"
	"Swap:                  4 kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\n"
	"VmFlags: rd wr mr mw me ac \n"
	"bee2e000-bee4f000 rw-p 00000000 00:00 0          [stack]\n"
	"Size:                132 kB\nRss:                  12 kB\nPss:                  12 kB\n"
	"Shared_Clean:          0 kB\nShared_Dirty:          0 kB\nPrivate_Clean:         4 kB\n"
	"Private_Dirty:         8 kB\nReferenced:           12 kB\nAnonymous:            12 kB\n"
	"Swap:                  0 kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\n"
	"VmFlags: rd wr mr mw me gd ac \n";

Test(model, smaps_summed_when_no_rollup)
{
	const struct fake_file files[] = {
		/* A 4.4 kernel: status and smaps, no smaps_rollup. */
		FILE_OK("77/status", "Name:\tcat\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\n"
			       "VmSize:\t     308 kB\n"),
		FILE_BIN("77/cmdline", "cat\0-\0"),
		FILE_OK("77/smaps", smaps_three),
		/* smemcap: stat + smaps, no status: VSS is the sum of Size. */
		FILE_OK("78/stat", "78 (cat) S 1 78 78 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 9 "
			     "319488 3 4294967295 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"),
		FILE_OK("78/smaps", smaps_three),
	};
	const int pids[] = { 77, 78 };
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 2, FAKE_SNAPSHOT);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.nprocs, 2);
	for (size_t i = 0; i < 2; i++) {
		const ms_proc *p = &s.procs[i];
		cr_assert_eq(p->origin, MS_ORIGIN_SMAPS);
		cr_assert_eq(p->rss_kb, 40 + 8 + 12);
		cr_assert_eq(p->pss_kb, 20 + 8 + 12);
		cr_assert_eq(p->uss_kb, 8 + 4 + 8);
		cr_assert_eq(p->swap_kb, 4);
		cr_assert_eq(p->swap_pss_kb, MS_NA, "a 4.x smaps has no SwapPss");
		cr_assert_str_eq(p->name, "cat");
		cr_assert_eq(p->ppid, 1);
	}
	cr_assert_eq(s.procs[0].vss_kb, 308, "VmSize from status");
	cr_assert_str_eq(s.procs[0].user, "1000");
	cr_assert_str_eq(s.procs[0].cmdline, "cat -");
	cr_assert_eq(s.procs[1].vss_kb, 44 + 132 + 132, "sum of Size without status");
	cr_assert_str_eq(s.procs[1].cmdline, "");
	cr_assert_str_eq(s.procs[1].user, "", "stat has no uid");
	ms_sample_free(&s);
}

Test(model, unreadable_figures_are_unknown_not_zero)
{
	char *st1 = fmt_status(1), *st5 = fmt_status(5), *st6 = fmt_status(6);
	const struct fake_file files[] = {
		FILE_OK("1/status", st1),
		FILE_OK("1/cmdline", "/sbin/init\0"),
		FILE_ERR("1/smaps_rollup", EACCES),
		FILE_OK("5/status", st5),
		FILE_OK("5/cmdline", "x\0"),
		FILE_OK("5/smaps_rollup", "garbage without a header\n"),
		FILE_OK("6/status", st6),
		FILE_OK("6/cmdline", "y\0"),
		FILE_OK("6/smaps_rollup", rollup_user),
	};
	const int pids[] = { 1, 4, 5, 6 }; /* 4 exited after the listing */
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 4, FAKE_LIVE);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.nprocs, 3);
	cr_assert_eq(s.ngone, 1);
	cr_assert_eq(s.nunknown, 2);
	const ms_proc *init = &s.procs[0];
	cr_assert_eq(init->pid, 1);
	cr_assert_eq(init->status, -EACCES);
	cr_assert_eq(init->origin, MS_ORIGIN_NONE);
	cr_assert_eq(init->pss_kb, MS_NA);
	cr_assert_eq(init->uss_kb, MS_NA);
	cr_assert_eq(init->swap_pss_kb, MS_NA);
	/* status is readable by everyone: RSS (and VSS) are known, and say
	 * where they came from; swap is not printed by this status. */
	cr_assert_eq(init->vss_kb, 15996, "VmSize is still known");
	cr_assert_eq(init->vss_origin, MS_ORIGIN_STATUS);
	cr_assert_eq(init->rss_kb, 7532, "VmRSS");
	cr_assert_eq(init->rss_origin, MS_ORIGIN_STATUS);
	cr_assert_eq(init->swap_kb, MS_NA);
	cr_assert_eq(init->swap_origin, MS_ORIGIN_NONE);
	cr_assert_eq(s.procs[2].rss_origin, MS_ORIGIN_ROLLUP, "the rollup's Rss when readable");
	cr_assert_eq(s.procs[2].swap_origin, MS_ORIGIN_ROLLUP);
	cr_assert_eq(s.procs[1].status, -EINVAL);
	cr_assert_eq(s.procs[1].pss_kb, MS_NA);
	cr_assert_eq(s.procs[2].pss_kb, 2365);

	ms_proc total;
	ms_procs_totals(s.procs, s.nprocs, &total);
	cr_assert_eq(total.pss_kb, 2365, "totals over the known figures");
	cr_assert_eq(total.vss_kb, 3 * 15996);
	ms_sample_free(&s);
	free(st1);
	free(st5);
	free(st6);
}

/* A zombie (6.x: "Kthread: 0", no VmSize; its smaps is empty, its
 * rollup fails) has no memory left to show: it is left out like a kernel
 * thread and counted as what it is, not listed as a row of unknowns. */
Test(model, zombie_left_out_and_counted)
{
	const struct fake_file files[] = {
		FILE_OK("66/status", "Name:\tdefunct\nState:\tZ (zombie)\nPPid:\t1\n"
				     "Uid:\t0\t0\t0\t0\nKthread:\t0\n"),
		FILE_OK("66/cmdline", ""),
		FILE_OK("66/smaps", ""),
		/* Exiting: its memory gone, not yet a zombie. */
		FILE_OK("68/status", "Name:\tdying\nState:\tR (running)\nPPid:\t1\n"
				     "Uid:\t0\t0\t0\t0\nKthread:\t0\n"),
		FILE_OK("68/cmdline", ""),
		FILE_OK("68/smaps", ""),
	};
	const int pids[] = { 66, 68 };
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 2, FAKE_LIVE);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.nprocs, 0);
	cr_assert_eq(s.nkthreads, 0);
	cr_assert_eq(s.nzombies, 1);
	cr_assert_eq(s.ngone, 1, "the exiting one: gone a moment later");
	cr_assert_eq(s.nunknown, 0);
	ms_sample_free(&s);

	ms_proc_ident id;
	ms_proc_identify(src, 66, &id);
	cr_assert_eq(id.kind, MS_PROC_ZOMBIE);
	cr_assert_str_eq(id.name, "defunct");
	cr_assert_eq(id.ppid, 1);
	cr_assert(ms_proc_exited(src, 66), "a zombie's memory is gone");
	ms_proc_identify(src, 67, &id);
	cr_assert_eq(id.kind, MS_PROC_GONE);
}

/* Hostile smaps (no rollup): a 100 kB line and a 64-bit overflow give
 * unknown figures for that process, never a crash or a wrapped number. */
Test(model, hostile_smaps_gives_unknown_figures)
{
	size_t huge = 100 * 1024;
	char *line = malloc(huge + 64);
	cr_assert_not_null(line);
	memcpy(line, "00400000-0040b000 r-xp 00000000 b3:02 1149 /", 44);
	memset(line + 44, 'x', huge);
	strcpy(line + 44 + huge, "\nRss: 4 kB\n");
	const struct fake_file files[] = {
		FILE_OK("8/status", "Name:\ta\nPPid:\t1\nUid:\t0\t0\t0\t0\nVmSize:\t 44 kB\n"),
		FILE_OK("8/cmdline", "a"),
		FILE_OK("8/smaps", line),
		FILE_OK("9/status", "Name:\tb\nPPid:\t1\nUid:\t0\t0\t0\t0\nVmSize:\t 44 kB\n"),
		FILE_OK("9/cmdline", "b"),
		FILE_OK("9/smaps", "00400000-0040b000 r-xp 00000000 b3:02 1149 /bin/b\n"
				   "Rss:  99999999999999999999 kB\n"),
	};
	const int pids[] = { 8, 9 };
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), pids, 2, FAKE_SNAPSHOT);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.nprocs, 2);
	cr_assert_eq(s.nunknown, 2);
	cr_assert_eq(s.procs[0].status, -EFBIG);
	cr_assert_eq(s.procs[0].rss_kb, MS_NA);
	cr_assert_eq(s.procs[1].status, -EINVAL);
	cr_assert_eq(s.procs[1].rss_kb, MS_NA);
	ms_sample_free(&s);
	free(line);
}

/* Many processes through the parallel readers give the same list. */
Test(model, parallel_readers_keep_order_and_figures)
{
	enum { N = 300 };
	static struct fake_file files[3 * N];
	static char *bufs[N];
	static int pids[N];
	struct fake f;

	for (int i = 0; i < N; i++) {
		pids[i] = 1000 + 3 * i;
		bufs[i] = fmt_status(pids[i]);
		char *p1, *p2, *p3;
		cr_assert(asprintf(&p1, "%d/status", pids[i]) > 0);
		cr_assert(asprintf(&p2, "%d/cmdline", pids[i]) > 0);
		cr_assert(asprintf(&p3, "%d/smaps_rollup", pids[i]) > 0);
		files[3 * i] = (struct fake_file)FILE_OK(p1, bufs[i]);
		files[3 * i + 1] = (struct fake_file)FILE_OK(p2, "w");
		/* every seventh process refuses its figures */
		files[3 * i + 2] = (struct fake_file){ p3, i % 7 ? rollup_user : NULL,
						       i % 7 ? 0 : EACCES, 0 };
	}
	ms_source *src = fake_open(&f, files, 3 * N, pids, N, FAKE_SNAPSHOT | MS_CAP_PARALLEL);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL, NULL), 0);
	cr_assert_eq(s.nprocs, N);
	cr_assert_eq(s.nunknown, (N + 6) / 7);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(s.procs[i].pid, pids[i]);
		cr_assert_eq(s.procs[i].pss_kb, i % 7 ? 2365 : MS_NA);
	}
	ms_sample_free(&s);
	for (int i = 0; i < 3 * N; i++)
		free((char *)files[i].path);
	for (int i = 0; i < N; i++)
		free(bufs[i]);
}

/* ---- VMAs ---------------------------------------------------------------------- */

Test(model, vmas_from_smaps_then_maps)
{
	const struct fake_file files[] = {
		FILE_OK("77/smaps", smaps_three),
		FILE_OK("78/maps", "00400000-0040b000 r-xp 00000000 b3:02 1149       /bin/cat\n"
			     "bee2e000-bee4f000 rw-p 00000000 00:00 0          [stack]\n"),
		FILE_ERR("79/smaps", EACCES),
	};
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), NULL, 0, FAKE_SNAPSHOT);
	ms_vmalist l;
	ms_error err;

	cr_assert_eq(ms_vmas_load(src, 77, &l, &err), 0);
	cr_assert(l.from_smaps);
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(ms_vma_path(&l, 1), "[heap]");
	cr_assert_eq(l.v[2].mem.rss, 12);
	ms_vmalist_free(&l);

	cr_assert_eq(ms_vmas_load(src, 78, &l, &err), 0);
	cr_assert_not(l.from_smaps);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.v[1].mem.rss, MS_NA, "maps has no figures");
	const ms_column *size = &ms_vma_table.cols[ms_table_find_col(&ms_vma_table, "size")];
	cr_assert_eq(ms_cell_i64(size, &l.v[1], &l), 132, "size from the addresses");
	const ms_column *dev = &ms_vma_table.cols[ms_table_find_col(&ms_vma_table, "dev")];
	cr_assert_str_eq(ms_cell_str(dev, &l.v[0], &l), "b3:02");
	const ms_column *path = &ms_vma_table.cols[ms_table_find_col(&ms_vma_table, "path")];
	cr_assert_str_eq(ms_cell_str(path, &l.v[0], &l), "/bin/cat");
	ms_vmalist_free(&l);

	cr_assert_eq(ms_vmas_load(src, 79, &l, &err), -EACCES, "no maps fallback for EACCES");
	cr_assert_eq(l.n, 0);
	char want[128];
	snprintf(want, sizeof want, "79/smaps: %s", ms_denied_reason());
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(ms_vmas_load(src, 80, &l, &err), -ESRCH, "not there at all");
	cr_assert_str_eq(err.msg, "no such process");
}

/* The kernel ends the smaps of a process that exits while it is read
 * early and without an error. Where files vanish, a read is whole only if
 * the process is still there, and not a zombie or exiting, once it is
 * read: else -ESRCH, with how many mappings were read (issue 14). A
 * snapshot never changes: the same files read whole. */
Test(model, vmas_of_a_process_that_exited_while_read_fail)
{
	const struct fake_file files[] = {
		FILE_OK("70/smaps", smaps_three),
		FILE_OK("70/status", "Name:\tcat\nState:\tS (sleeping)\nPPid:\t1\n"
				     "Kthread:\t0\nVmSize:\t   176 kB\n"),
		FILE_OK("71/smaps", smaps_three),
		FILE_OK("71/status", "Name:\tcat\nState:\tZ (zombie)\nPPid:\t1\nKthread:\t0\n"),
		FILE_OK("72/smaps", smaps_three),
		FILE_OK("72/status", "Name:\tcat\nState:\tR (running)\nPPid:\t1\nKthread:\t0\n"),
		FILE_OK("73/smaps", smaps_three), /* no status, no stat: gone */
		FILE_OK("74/smaps", ""),
		FILE_OK("74/status", "Name:\tcat\nState:\tR (running)\nPPid:\t1\nKthread:\t0\n"),
	};
	ms_vmalist l;
	ms_error err;
	struct fake f;
	ms_source *live = fake_open(&f, files, MS_ARRAY_LEN(files), NULL, 0, FAKE_LIVE);

	cr_assert_eq(ms_vmas_load(live, 70, &l, &err), 0, "still there: whole");
	cr_assert_eq(l.n, 3);
	ms_vmalist_free(&l);
	for (int pid = 71; pid <= 73; pid++) {
		cr_assert_eq(ms_vmas_load(live, pid, &l, &err), -ESRCH, "pid %d", pid);
		cr_assert_str_eq(err.msg, "exited while its mappings were read (3 read)");
		cr_assert_eq(l.n, 0, "nothing half-read is handed back");
	}
	cr_assert_eq(ms_vmas_load(live, 74, &l, &err), -ESRCH, "exiting: its mm gone already");
	cr_assert_str_eq(err.msg, "exited while its mappings were read (0 read)");

	struct fake g;
	ms_source *snap = fake_open(&g, files, MS_ARRAY_LEN(files), NULL, 0, FAKE_SNAPSHOT);
	cr_assert_eq(ms_vmas_load(snap, 71, &l, &err), 0, "a snapshot does not change");
	cr_assert_eq(l.n, 3);
	ms_vmalist_free(&l);
}

/* maps' read error names the file once ("1/maps: 1/maps: not in
 * snapshot" named it twice), and a parse error in it names the line. */
Test(model, vmas_maps_errors_name_the_file_once)
{
	const struct fake_file files[] = {
		FILE_OK("81/status", "Name:\tx\nState:\tS (sleeping)\nVmSize:\t 4 kB\n"),
		FILE_ERR("81/maps", EIO),
		FILE_OK("82/status", "Name:\tx\nState:\tS (sleeping)\nVmSize:\t 4 kB\n"),
		FILE_OK("82/maps", "not a maps line\n"),
	};
	struct fake f;
	ms_source *src = fake_open(&f, files, MS_ARRAY_LEN(files), NULL, 0, FAKE_SNAPSHOT);
	ms_vmalist l;
	ms_error err;

	cr_assert_eq(ms_vmas_load(src, 81, &l, &err), -EIO);
	cr_assert_str_eq(err.msg, "81/maps: error 5");
	cr_assert_eq(ms_vmas_load(src, 82, &l, &err), -EINVAL);
	cr_assert_eq(strncmp(err.msg, "82/maps:", 8), 0, "%s", err.msg);
	cr_assert_null(strstr(err.msg + 8, "82/maps"), "once: %s", err.msg);
}

/* ---- tables ---------------------------------------------------------------------- */

Test(model, find_col_keys_suffixes_aliases)
{
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, "pss_kb"), 4);
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, "pss"), 4);
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, "PSS"), 4);
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, "pid"), 0);
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, "comm"),
		     ms_table_find_col(&ms_procrank_table, "name"));
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, "bogus"), -1);
	cr_assert_eq(ms_table_find_col(&ms_procrank_table, NULL), -1);
	int size = ms_table_find_col(&ms_slab_table, "size");
	cr_assert_geq(size, 0);
	cr_assert_str_eq(ms_slab_table.cols[size].key, "size_kb");
	cr_assert_null(ms_zone_table.default_sort, "zones keep the kernel's order");
}

/* Every table: keys unique, help present, default sort and tie-break exist. */
Test(model, tables_are_well_formed)
{
	const ms_table_def *tables[] = { &ms_procrank_table, &ms_slab_table, &ms_zone_table,
					 &ms_vma_table };

	for (size_t t = 0; t < MS_ARRAY_LEN(tables); t++) {
		const ms_table_def *d = tables[t];
		for (size_t i = 0; i < d->ncols; i++) {
			cr_assert(d->cols[i].help && *d->cols[i].help, "%s", d->cols[i].key);
			cr_assert(d->cols[i].title && d->cols[i].width > 0);
			cr_assert_eq(ms_table_find_col(d, d->cols[i].key), (int)i);
		}
		if (d->default_sort)
			cr_assert_geq(ms_table_find_col(d, d->default_sort), 0);
		cr_assert_geq(ms_table_find_col(d, d->tie_break), 0);
	}
	/* The JSON contract of DESIGN.md, in order. */
	static const char *const procrank[] = { "pid", "user", "vss_kb", "rss_kb", "pss_kb",
		"uss_kb", "swap_kb", "swap_pss_kb", "name", "cmdline" };
	for (size_t i = 0; i < MS_ARRAY_LEN(procrank); i++)
		cr_assert_str_eq(ms_procrank_table.cols[i].key, procrank[i]);
	static const char *const slabs[] = { "name", "active_objs", "num_objs", "objsize",
		"objperslab", "pagesperslab", "active_slabs", "num_slabs", "size_kb", "used_kb" };
	for (size_t i = 0; i < MS_ARRAY_LEN(slabs); i++)
		cr_assert_str_eq(ms_slab_table.cols[i].key, slabs[i]);
}

static ms_proc mk(int pid, int64_t pss, const char *name)
{
	ms_proc p = { .pid = pid, .pss_kb = pss };
	snprintf(p.name, sizeof p.name, "%s", name);
	return p;
}

Test(model, sort_ties_by_pid_and_unknown_last)
{
	ms_proc rows[] = {
		mk(40, 100, "b"), mk(7, MS_NA, "a"), mk(12, 200, "c"),
		mk(3, 100, "d"), mk(5, MS_NA, "e"), mk(9, 0, "f"),
	};
	int col = ms_table_find_col(&ms_procrank_table, "pss_kb");

	ms_table_sort(&ms_procrank_table, rows, 6, sizeof rows[0], col, true, NULL);
	const int desc[] = { 12, 3, 40, 9, 5, 7 };
	for (int i = 0; i < 6; i++)
		cr_assert_eq(rows[i].pid, desc[i], "desc row %d: pid %d", i, rows[i].pid);

	ms_table_sort(&ms_procrank_table, rows, 6, sizeof rows[0], col, false, NULL);
	const int asc[] = { 9, 3, 40, 12, 5, 7 };
	for (int i = 0; i < 6; i++)
		cr_assert_eq(rows[i].pid, asc[i], "asc row %d: pid %d", i, rows[i].pid);

	ms_table_sort(&ms_procrank_table, rows, 6, sizeof rows[0],
		      ms_table_find_col(&ms_procrank_table, "name"), false, NULL);
	cr_assert_str_eq(rows[0].name, "a");
	cr_assert_str_eq(rows[5].name, "f");
}

Test(model, slab_sort_by_size_then_name)
{
	ms_slab rows[] = {
		{ .name = "zeta", .num_slabs = 2, .pagesperslab = 1 },
		{ .name = "alpha", .num_slabs = 2, .pagesperslab = 1 },
		{ .name = "big", .num_slabs = 1, .pagesperslab = 8 },
	};
	ms_sample ctx = { .info.page_size = 4096 };
	int col = ms_table_find_col(&ms_slab_table, ms_slab_table.default_sort);

	ms_table_sort(&ms_slab_table, rows, 3, sizeof rows[0], col, true, &ctx);
	cr_assert_str_eq(rows[0].name, "big");
	cr_assert_str_eq(rows[1].name, "alpha");
	cr_assert_str_eq(rows[2].name, "zeta");
	cr_assert_eq(ms_cell_i64(&ms_slab_table.cols[col], &rows[0], &ctx), 32);
}

/* The human units as they were first written, with printf on doubles: the
 * integer version in table.c must print the same text for every size. */
static void format_kb_printf(char *dst, size_t cap, int64_t kb)
{
	static const struct {
		char unit;
		int decimals;
	} units[] = { { 'M', 1 }, { 'G', 2 }, { 'T', 2 }, { 'P', 2 } };
	const char *sign = kb < 0 ? "-" : "";
	double v = kb < 0 ? -(double)kb : (double)kb;

	if (v < 1024) {
		snprintf(dst, cap, "%s%.0fK", sign, v);
		return;
	}
	for (size_t i = 0; i < 4; i++) {
		v /= 1024;
		double limit = 1024 - (units[i].decimals == 1 ? 0.05 : 0.005);
		if (v < limit || i + 1 == 4) {
			snprintf(dst, cap, "%s%.*f%c", sign, units[i].decimals, v, units[i].unit);
			return;
		}
	}
}

Test(model, format_kb_matches_printf_everywhere)
{
	char got[32], want[32];
	uint64_t x = 0x9e3779b97f4a7c15u; /* a fixed xorshift sequence */

	/* Every value around each unit step and each rounding tie, then
	 * random sizes of every magnitude up to exabytes. */
	for (unsigned shift = 10; shift <= 50; shift += 10) {
		for (int64_t d = -600; d <= 600; d++) {
			int64_t steps[] = { ((int64_t)1 << shift) + d,
					    ((int64_t)1024 << shift) - ((int64_t)1 << (shift - 10)) + d,
					    ((int64_t)3 << (shift - 1)) + d };
			for (size_t k = 0; k < 3; k++) {
				for (int neg = 0; neg < 2; neg++) {
					int64_t kb = neg ? -steps[k] : steps[k];
					ms_format_kb(got, sizeof got, kb, false);
					format_kb_printf(want, sizeof want, kb);
					cr_assert_str_eq(got, want, "kb=%" PRId64, kb);
				}
			}
		}
	}
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t kb = (int64_t)(x >> (x % 62 + 2));
		ms_format_kb(got, sizeof got, kb, false);
		format_kb_printf(want, sizeof want, kb);
		cr_assert_str_eq(got, want, "kb=%" PRId64, kb);
	}
}

Test(model, format_kb)
{
	char b[16];

	ms_format_kb(b, sizeof b, 512, false);
	cr_assert_str_eq(b, "512K");
	ms_format_kb(b, sizeof b, 0, false);
	cr_assert_str_eq(b, "0K");
	ms_format_kb(b, sizeof b, 1023, false);
	cr_assert_str_eq(b, "1023K");
	ms_format_kb(b, sizeof b, 1024, false);
	cr_assert_str_eq(b, "1.0M");
	ms_format_kb(b, sizeof b, 12595, false); /* 12.2998 MiB */
	cr_assert_str_eq(b, "12.3M");
	ms_format_kb(b, sizeof b, 1258291, false); /* 1.19999 GiB */
	cr_assert_str_eq(b, "1.20G");
	ms_format_kb(b, sizeof b, 1048575, false); /* 1023.999 MiB: not "1024.0M" */
	cr_assert_str_eq(b, "1.00G");
	ms_format_kb(b, sizeof b, (int64_t)3 << 30, false);
	cr_assert_str_eq(b, "3.00T");
	ms_format_kb(b, sizeof b, -2048, false);
	cr_assert_str_eq(b, "-2.0M");
	ms_format_kb(b, sizeof b, MS_NA, false);
	cr_assert_str_eq(b, "-");
	ms_format_kb(b, sizeof b, 1258291, true);
	cr_assert_str_eq(b, "1258291");
	ms_format_kb(b, 4, 1258291, true);
	cr_assert_str_eq(b, "125", "cut, never overflowed");
}

/* ---- a real capture: ZTE F680 router, Linux 4.1.25 (no smaps_rollup) ------------ */

Test(model, corpus_zte_router_sums_smaps)
{
	const char *path = tu_corpus("zte-router-armv7-4.1.25");
	if (!path)
		cr_skip_test("corpus absent");
	ms_error err;
	ms_source *src = ms_source_open_snapshot(path, &err);
	cr_assert_not_null(src, "%s", err.msg);
	ms_sample s;

	cr_assert_eq(ms_sample_load(&s, src, MS_PART_PROCS | MS_PART_PROC_DETAIL | MS_PART_SLABINFO, &err), 0);
	/* 40 pid folders: 35 kernel threads (no VmSize, no cmdline), 5 processes. */
	cr_assert_eq(s.nprocs, 5);
	cr_assert_eq(s.nkthreads, 35);
	cr_assert_eq(s.nunknown, 0);
	const ms_proc *init = &s.procs[0];
	cr_assert_eq(init->pid, 1);
	cr_assert_str_eq(init->name, "init");
	cr_assert_str_eq(init->cmdline, "init");
	cr_assert_eq(init->origin, MS_ORIGIN_SMAPS);
	/* Sums over 1/smaps (awk); Rss also equals the status VmRSS of 540. */
	cr_assert_eq(init->vss_kb, 1904, "VmSize, not the 1908 of Size with [vectors]");
	cr_assert_eq(init->rss_kb, 540);
	cr_assert_eq(init->pss_kb, 136);
	cr_assert_eq(init->uss_kb, 92);
	cr_assert_eq(init->swap_kb, 0);
	/* 607 logcat: Rss 336 (VmRSS 336), Pss 157, USS 148. */
	cr_assert_eq(s.procs[3].pid, 607);
	cr_assert_eq(s.procs[3].rss_kb, 336);
	cr_assert_eq(s.procs[3].pss_kb, 157);
	cr_assert_eq(s.procs[3].uss_kb, 148);
	cr_assert_eq(s.procs[3].vss_kb, 17836);
	ms_proc total;
	ms_procs_totals(s.procs, s.nprocs, &total);
	cr_assert_eq(total.pss_kb, 136 + 121 + 153 + 157 + 98);
	cr_assert_eq(s.st[MS_P_SLABINFO].status, 0);
	ms_sample_free(&s);
	ms_source_close(src);
}
