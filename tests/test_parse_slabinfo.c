/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slabinfo 1.1, 2.0, 2.1 and 2.1 (statistics). Values come from the
 * fixtures (tests/fixtures/README.md), read by eye. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_slabinfo si;
static ms_error err;

static void setup(void)
{
	memset(&si, 0, sizeof si);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_slabinfo_free(&si);
	ms_buf_free(&buf);
}

static const ms_slab *find(const char *name)
{
	for (size_t i = 0; i < si.n; i++)
		if (strcmp(si.caches[i].name, name) == 0)
			return &si.caches[i];
	cr_assert_fail("no cache %s", name);
	return NULL;
}

#define HDR21 "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> " \
	      "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "  \
	      "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"

TestSuite(parse_slabinfo, .init = setup, .fini = teardown);

Test(parse_slabinfo, slub_linux_6_18_x86_64)
{
	TU_PARSE_FIXTURE(ms_parse_slabinfo, "slabinfo/linux-6.18-x86_64", &si, &err);
	cr_assert_str_eq(si.version, "2.1");
	cr_assert_eq(si.n, 235);
	cr_assert_str_eq(si.caches[0].name, "btrfs_delayed_node");
	cr_assert_eq(si.caches[0].objsize, 312);
	cr_assert_eq(si.caches[0].objperslab, 13);
	const ms_slab *d = find("dentry");
	cr_assert_eq(d->active_objs, 62307);
	cr_assert_eq(d->num_objs, 62307);
	cr_assert_eq(d->objsize, 192);
	cr_assert_eq(d->active_slabs, 2967);
	cr_assert_eq(d->num_slabs, 2967);
	cr_assert_eq(d->limit, 0);
	const ms_slab *k = find("kmalloc-64");
	cr_assert_eq(k->active_objs, 2364);
	cr_assert_eq(k->num_objs, 2496);
	cr_assert_eq(k->objperslab, 64);
	cr_assert_str_eq(si.caches[234].name, "kmem_cache");
}

Test(parse_slabinfo, slub_names_with_colons_and_glued_columns)
{
	TU_PARSE_FIXTURE(ms_parse_slabinfo, "slabinfo/slub-2.1-arm64-colon-names", &si, &err);
	cr_assert_eq(si.n, 4);
	const ms_slab *iwl = find("iwl_cmd_pool:0000:04:00.0");
	cr_assert_eq(iwl->objsize, 320);
	cr_assert_eq(iwl->pagesperslab, 2);
	const ms_slab *k16 = find("kmalloc-16");
	cr_assert_eq(k16->active_objs, 885605);
	cr_assert_eq(k16->num_objs, 1062656);
	cr_assert_eq(k16->num_slabs, 4151);
	cr_assert_eq(find("ext4_allocation_context")->active_objs, 128);
}

Test(parse_slabinfo, slab_2_0_tunables_are_limit_first)
{
	TU_PARSE_FIXTURE(ms_parse_slabinfo, "slabinfo/slab-2.0-linux-2.6.9", &si, &err);
	cr_assert_str_eq(si.version, "2.0");
	cr_assert_eq(si.n, 4);
	/* The 2.0 header says "<batchcount> <limit>"; rows print limit first. */
	const ms_slab *d = find("dentry_cache");
	cr_assert_eq(d->limit, 120);
	cr_assert_eq(d->batchcount, 60);
	cr_assert_eq(d->sharedfactor, 8);
	cr_assert_eq(d->active_slabs, 849);
	cr_assert_eq(d->num_slabs, 851);
	cr_assert_eq(d->sharedavail, 60);
	cr_assert_eq(find("size-64(DMA)")->objperslab, 61);
}

Test(parse_slabinfo, slab_statistics_sections_are_read_past)
{
	TU_PARSE_FIXTURE(ms_parse_slabinfo, "slabinfo/slab-2.1-statistics", &si, &err);
	cr_assert_eq(si.n, 2);
	const ms_slab *k = find("kmalloc-256");
	cr_assert_eq(k->active_objs, 210);
	cr_assert_eq(k->limit, 120);
	cr_assert_eq(k->sharedavail, 0);
	cr_assert_eq(find("iwl_cmd_pool:0000:04:00.0")->objperslab, 12);
}

Test(parse_slabinfo, linux_2_4_version_1_1_smp)
{
	TU_PARSE_FIXTURE(ms_parse_slabinfo, "slabinfo/slab-1.1-smp-linux-2.4", &si, &err);
	cr_assert_str_eq(si.version, "1.1");
	cr_assert_eq(si.n, 4);
	const ms_slab *f = find("file lock cache");
	cr_assert_eq(f->active_objs, 3);
	cr_assert_eq(f->num_objs, 42);
	cr_assert_eq(f->objsize, 92);
	cr_assert_eq(f->active_slabs, 1);
	cr_assert_eq(f->pagesperslab, 1);
	cr_assert_eq(f->limit, 252);
	cr_assert_eq(f->batchcount, 126);
	/* 1.1 does not print these: unknown, not 0. */
	cr_assert_eq(f->objperslab, MS_NA);
	cr_assert_eq(f->sharedavail, MS_NA);
	const ms_slab *i = find("inode_cache");
	cr_assert_eq(i->num_slabs, 856);
	cr_assert_eq(i->limit, 124);
}

Test(parse_slabinfo, version_1_1_without_smp_has_no_tunables)
{
	const char *in = "slabinfo - version: 1.1\nkmem_cache 53 78 100 2 2 1\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, in, &si, &err), 0, "%s", err.msg);
	cr_assert_eq(si.caches[0].num_objs, 78);
	cr_assert_eq(si.caches[0].limit, MS_NA);
}

Test(parse_slabinfo, header_only_is_zero_caches)
{
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, HDR21, &si, &err), 0, "%s", err.msg);
	cr_assert_eq(si.n, 0);
}

Test(parse_slabinfo, malformed_row_empties_the_result_and_names_the_line)
{
	const char *in = HDR21
		"good   1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n"
		"bad    1 2 3 4 : tunables 0 0 0 : slabdata 1 1 0\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, in, &si, &err), -EINVAL);
	cr_assert_eq(err.line, 4);
	cr_assert_eq(si.n, 0);
	cr_assert_null(si.caches);
}

Test(parse_slabinfo, malformed_rows_are_errors)
{
	static const char *const rows[] = {
		"   1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n",        /* no name */
		"x 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0 7\n",       /* extra column */
		"x 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0 : globalstat 1\n",
		"x 1 2 3 4 5 : tunables 0 0 : slabdata 1 1 0\n",
		"x 1 2 3 4 5 : slabdata 1 1 0 : tunables 0 0 0\n",
		"x 1 2 3 4 -5 : tunables 0 0 0 : slabdata 1 1 0\n",
		"x 1 2 3 4 5x : tunables 0 0 0 : slabdata 1 1 0\n",
		"x 1 2 3 4 99999999999999999999 : tunables 0 0 0 : slabdata 1 1 0\n",
		"x 1 2 3 4 5 tunables 0 0 0 slabdata 1 1 0\n",
		"x\x1b[2J 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n",
		"x 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1\n",
	};
	char in[1024];
	for (size_t i = 0; i < MS_ARRAY_LEN(rows); i++) {
		snprintf(in, sizeof in, "%s%s", HDR21, rows[i]);
		cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, in, &si, &err), -EINVAL, "accepted %s",
			     rows[i]);
		cr_assert_eq(err.line, 3, "%s", rows[i]);
		cr_assert_eq(si.n, 0);
	}
}

Test(parse_slabinfo, bad_files_are_errors)
{
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, "", &si, &err), -EINVAL);
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, "\n\n", &si, &err), -EINVAL);
	const char *v30 = "slabinfo - version: 3.0\n# name\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, v30, &si, &err), -EINVAL);
	cr_assert_eq(err.line, 1);
	const char *no_header = "slabinfo - version: 2.1\nx 1 2 3 4 5 : tunables 0 0 0 "
				": slabdata 1 1 0\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, no_header, &si, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, "MemTotal: 1 kB\n", &si, &err), -EINVAL);
}

Test(parse_slabinfo, nul_byte_in_a_row)
{
	static const char in[] = HDR21 "x\0y 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n";
	cr_assert_eq(ms_parse_slabinfo(in, sizeof in - 1, &si, &err), -EINVAL);
	cr_assert_eq(si.n, 0);
}

Test(parse_slabinfo, too_many_fields)
{
	char in[4096];
	int n = snprintf(in, sizeof in, "%s", HDR21);
	for (int i = 0; i < 60; i++)
		n += snprintf(in + n, sizeof in - (size_t)n, "w ");
	snprintf(in + n, sizeof in - (size_t)n, "1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n");
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, in, &si, &err), -EINVAL);
}

/* Any cut of a real file parses, or fails with EINVAL and leaves nothing. */
Test(parse_slabinfo, every_truncation_of_a_fixture)
{
	tu_fixture_read("slabinfo/slab-2.1-statistics", &buf);
	for (size_t n = 0; n <= buf.len; n++) {
		ms_slabinfo s = { 0 };
		int rc = ms_parse_slabinfo(buf.data, n, &s, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && s.n == 0), "cut at %zu: %d", n, rc);
		ms_slabinfo_free(&s);
	}
}

Test(parse_slabinfo, version_1_1_statistics_then_smp_tunables)
{
	const char *in = "slabinfo - version: 1.1 (statistics) (SMP)\n"
			 "kmem_cache   58   84  136  3  3  1 :  58  58  3  0  0 :  252  126 :"
			 "  1  2  3  4\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, in, &si, &err), 0, "%s", err.msg);
	cr_assert_eq(si.caches[0].limit, 252);
	cr_assert_eq(si.caches[0].batchcount, 126);
	cr_assert_eq(si.caches[0].num_slabs, 3);
	/* A tunables section of the wrong size is not guessed at. */
	const char *bad = "slabinfo - version: 1.1 (SMP)\nkmem_cache 58 84 136 3 3 1 : 252\n";
	cr_assert_eq(TU_PARSE_STR(ms_parse_slabinfo, bad, &si, &err), -EINVAL);
	cr_assert_eq(err.line, 2);
}
