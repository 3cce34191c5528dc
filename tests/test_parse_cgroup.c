/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory cgroup files (v1 and v2) and /proc/PID/cgroup. Values come from
 * the fixtures (tests/fixtures/README.md) and the arm64 corpus capture,
 * read by hand. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_memcg g;
static ms_pid_cgroup pc;
static ms_kvlist kvl;
static ms_error err;

static void setup(void)
{
	ms_memcg_init(&g);
	memset(&pc, 0, sizeof pc);
	memset(&kvl, 0, sizeof kvl);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_memcg_free(&g);
	ms_pid_cgroup_free(&pc);
	ms_kvlist_free(&kvl);
	ms_buf_free(&buf);
}

TestSuite(parse_cgroup, .init = setup, .fini = teardown);

static int number(const char *s, int64_t *v)
{
	return ms_parse_cg_number(s, strlen(s), v, &err);
}

static int limit(const char *s, int64_t *v)
{
	return ms_parse_cg_limit(s, strlen(s), v, &err);
}

/* Reads every file of the table that dir holds into g; how many. */
static size_t read_group(const char *dir)
{
	char path[1024];
	size_t n = 0;

	for (size_t i = 0; i < ms_memcg_nfiles; i++) {
		const ms_memcg_file *f = &ms_memcg_files[i];
		snprintf(path, sizeof path, "%s/%s", dir, f->name);
		if (!tu_read_file(path, &buf))
			continue;
		cr_assert_eq(ms_memcg_read(&g, f, buf.data, buf.len, &err), 0, "%s: %s", path,
			     err.msg);
		n++;
	}
	return n;
}

static const char *corpus(const char *rel)
{
	const char *p = tu_corpus(rel);
	if (!p)
		cr_skip_test("no corpus");
	return p;
}

/* ---- one value ----------------------------------------------------------- */

Test(parse_cgroup, numbers)
{
	int64_t v;
	cr_assert_eq(number("23318528\n", &v), 0);
	cr_assert_eq(v, 23318528);
	cr_assert_eq(number("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(number("  42  \n", &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(number("", &v), -EINVAL);
	cr_assert_eq(number("max\n", &v), -EINVAL);
	cr_assert_eq(number("-1\n", &v), -EINVAL);
	cr_assert_eq(number("12 34\n", &v), -EINVAL);
	cr_assert_eq(number("12\n34\n", &v), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(number("18446744073709551615\n", &v), -EINVAL);
	cr_assert_neq(err.msg[0], '\0');
}

Test(parse_cgroup, limits)
{
	int64_t v;
	cr_assert_eq(limit("max\n", &v), 0);
	cr_assert_eq(v, MS_CG_MAX);
	cr_assert_eq(limit("67108864\n", &v), 0);
	cr_assert_eq(v, 67108864);
	/* v1's "no limit": 64-bit 4K, 64K pages; 32-bit 4K; res_counter */
	static const char *const unlimited[] = {
		"9223372036854771712\n", "9223372036854710272\n", "8796093018112\n",
		"140737488289792\n", "9223372036854775807\n", "18446744073709551615\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(unlimited); i++) {
		cr_assert_eq(limit(unlimited[i], &v), 0, "%s", unlimited[i]);
		cr_assert_eq(v, MS_CG_MAX, "%s", unlimited[i]);
	}
	cr_assert_eq(limit("8796093018111\n", &v), 0);
	cr_assert_eq(v, 8796093018111);
	cr_assert_eq(limit("maximum\n", &v), -EINVAL);
	cr_assert_eq(limit("\n", &v), -EINVAL);
}

Test(parse_cgroup, keyed_files)
{
	static const char events[] = "low 0\nhigh 0\nmax 35\noom 1\noom_kill 1\noom_group_kill 0\n";
	cr_assert_eq(ms_parse_cg_keyed(events, strlen(events), &kvl, &err), 0, "%s", err.msg);
	cr_assert_eq(kvl.n, 6);
	cr_assert_eq(ms_kvlist_get(&kvl, "max"), 35);
	cr_assert_eq(ms_kvlist_get(&kvl, "oom_kill"), 1);
	cr_assert_eq(ms_parse_cg_keyed("", 0, &kvl, &err), -EINVAL);
	cr_assert_eq(ms_parse_cg_keyed("low\n", 4, &kvl, &err), -EINVAL);
	cr_assert_eq(err.line, 1);
}

/* ---- whole groups -------------------------------------------------------- */

Test(parse_cgroup, v1_group_after_its_oom_kill)
{
	cr_assert_eq(read_group(tu_fixture("cgroup/v1-x86_64-6.18-after-oom")), 17);
	cr_assert_eq(g.version, 1);
	cr_assert_eq(g.current, 229376);
	cr_assert_eq(g.peak, 67108864);
	cr_assert_eq(g.max, 67108864);
	cr_assert_eq(g.failcnt, 173);
	cr_assert_eq(g.soft_limit, MS_CG_MAX);
	cr_assert_eq(g.memsw_limit, MS_CG_MAX);
	cr_assert_eq(g.memsw_usage, 229376);
	cr_assert_eq(g.memsw_max_usage, 67371008);
	cr_assert_eq(g.kmem_usage, 4096);
	cr_assert_eq(g.kmem_max_usage, 225280);
	cr_assert_eq(g.kmem_limit, MS_CG_MAX);
	cr_assert_eq(g.swappiness, 60);
	cr_assert_eq(g.use_hierarchy, 1);
	cr_assert_eq(ms_kvlist_get(&g.oom_control, "oom_kill"), 1);
	cr_assert_eq(ms_kvlist_get(&g.oom_control, "under_oom"), 0);
	cr_assert_eq(g.stat.n, 42);
	cr_assert_eq(ms_kvlist_get(&g.stat, "cache"), 4096);
	cr_assert_eq(ms_kvlist_get(&g.stat, "hierarchical_memory_limit"), 67108864);
	cr_assert_eq(ms_kvlist_get(&g.stat, "total_pgfault"), 16504);
	/* v2 files are not in a v1 group: unknown, not 0 */
	cr_assert_eq(g.high, MS_NA);
	cr_assert_eq(g.swap_current, MS_NA);
	cr_assert_eq(g.events.n, 0);
}

Test(parse_cgroup, v1_group_with_processes)
{
	read_group(tu_fixture("cgroup/v1-x86_64-6.18-live"));
	cr_assert_eq(g.current, 23318528);
	cr_assert_eq(g.max, 50331648);
	cr_assert_eq(g.soft_limit, 33554432);
	cr_assert_eq(ms_kvlist_get(&g.stat, "rss"), 22458368);
	cr_assert_eq(ms_kvlist_get(&g.oom_control, "oom_kill"), 0);
}

Test(parse_cgroup, v2_groups_of_the_arm64_capture)
{
	const char *root = corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/sys/fs/cgroup");
	char dir[1024];

	snprintf(dir, sizeof dir, "%s/app", root);
	cr_assert_geq(read_group(dir), 14);
	cr_assert_eq(g.version, 2);
	cr_assert_eq(g.current, 16969728);
	cr_assert_eq(g.max, 67108864);
	cr_assert_eq(g.high, MS_CG_MAX);
	cr_assert_eq(g.low, 0);
	cr_assert_eq(g.swap_max, 0);
	cr_assert_eq(g.peak, 67108864);
	cr_assert_eq(g.oom_group, 0);
	cr_assert_eq(ms_kvlist_get(&g.events, "max"), 35);
	cr_assert_eq(ms_kvlist_get(&g.events, "oom_kill"), 1);
	cr_assert_eq(ms_kvlist_get(&g.events_local, "oom"), 1);
	cr_assert_eq(ms_kvlist_get(&g.swap_events, "fail"), 0);
	cr_assert_neq(ms_kvlist_get(&g.stat, "anon"), MS_NA);
	cr_assert_eq(g.failcnt, MS_NA);
	/* every group of the capture reads whole */
	static const char *const groups[] = { "svc", "svc/a", "svc/b", "batch" };
	for (size_t i = 0; i < MS_ARRAY_LEN(groups); i++) {
		ms_memcg_free(&g);
		snprintf(dir, sizeof dir, "%s/%s", root, groups[i]);
		cr_assert_gt(read_group(dir), 10, "%s", groups[i]);
		cr_assert_neq(g.current, MS_NA, "%s", groups[i]);
	}
}

Test(parse_cgroup, the_file_table)
{
	cr_assert_not_null(ms_memcg_file_find("memory.current"));
	cr_assert_eq(ms_memcg_file_find("memory.stat")->version, 0);
	cr_assert_eq(ms_memcg_file_find("memory.limit_in_bytes")->kind, MS_CG_LIMIT);
	cr_assert_null(ms_memcg_file_find("memory.pressure")); /* PSI: its own parser */
	cr_assert_null(ms_memcg_file_find("memory.force_empty"));
	for (size_t i = 0; i < ms_memcg_nfiles; i++)
		for (size_t j = i + 1; j < ms_memcg_nfiles; j++)
			cr_assert_str_neq(ms_memcg_files[i].name, ms_memcg_files[j].name);
}

/* Every prefix of a real file parses or fails with EINVAL. */
Test(parse_cgroup, every_prefix_of_memory_stat)
{
	ms_buf whole = MS_BUF_INIT;
	cr_assert(tu_read_file(tu_fixture("cgroup/v1-x86_64-6.18-after-oom/memory.stat"), &whole));
	for (size_t cut = 0; cut <= whole.len; cut++) {
		kvl.n = 0;
		int rc = ms_parse_cg_keyed(whole.data, cut, &kvl, &err);
		cr_assert(rc == 0 || rc == -EINVAL, "cut at %zu: %d", cut, rc);
		cr_assert(rc == 0 || err.msg[0], "cut at %zu", cut);
	}
	ms_buf_free(&whole);
}

/* ---- /proc/PID/cgroup ---------------------------------------------------- */

Test(parse_cgroup, pid_cgroup_hybrid)
{
	int version = 0;
	cr_assert(tu_read_file(tu_fixture("cgroup/proc-pid-cgroup-v1-hybrid-x86_64"), &buf));
	cr_assert_eq(ms_parse_pid_cgroup(buf.data, buf.len, &pc, &err), 0, "%s", err.msg);
	cr_assert_eq(pc.n, 10);
	cr_assert_eq(pc.entries[0].hierarchy, 9);
	cr_assert_str_eq(ms_pid_cgroup_controllers(&pc, 0), "name=systemd");
	int i = ms_pid_cgroup_memory(&pc, &version);
	cr_assert_eq(i, 5);
	cr_assert_eq(version, 1);
	cr_assert_str_eq(ms_pid_cgroup_path(&pc, (size_t)i), "/msfix-p12");
	cr_assert_str_eq(ms_pid_cgroup_controllers(&pc, 9), "");
	cr_assert_eq(pc.entries[9].hierarchy, 0);
}

Test(parse_cgroup, pid_cgroup_v2_and_shapes)
{
	static const char v2[] = "0::/app\n";
	static const char both[] = "2:cpu,cpuacct:/a:b\n4:memory,hugetlb:/m\n0::/x (deleted)\n";
	int version = 0;

	cr_assert_eq(ms_parse_pid_cgroup(v2, strlen(v2), &pc, &err), 0);
	cr_assert_eq(ms_pid_cgroup_memory(&pc, &version), 0);
	cr_assert_eq(version, 2);
	cr_assert_str_eq(ms_pid_cgroup_path(&pc, 0), "/app");
	cr_assert_eq(ms_parse_pid_cgroup(both, strlen(both), &pc, &err), 0);
	cr_assert_eq(pc.n, 3);
	cr_assert_str_eq(ms_pid_cgroup_path(&pc, 0), "/a:b");
	cr_assert_eq(ms_pid_cgroup_memory(&pc, &version), 1);
	cr_assert_eq(version, 1);
	cr_assert_str_eq(ms_pid_cgroup_path(&pc, 2), "/x");
	cr_assert(pc.entries[2].deleted);
	cr_assert_not(pc.entries[1].deleted);
}

Test(parse_cgroup, pid_cgroup_errors_name_the_line)
{
	static const char *const bad[] = {
		"0::/\nabc\n", "0::/\n1:memory\n", "0::/\n0::relative\n", "0::/\n-1::/\n",
		"0::/\n 0::/\n",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(ms_parse_pid_cgroup(bad[i], strlen(bad[i]), &pc, &err), -EINVAL,
			     "%s", bad[i]);
		cr_assert_eq(err.line, 2, "%s", bad[i]);
		cr_assert_eq(pc.n, 1, "the line before stays");
	}
	cr_assert_eq(ms_parse_pid_cgroup("0::/a\0b\n", 8, &pc, &err), -EINVAL);
}

Test(parse_cgroup, every_pid_cgroup_of_the_arm64_capture)
{
	const char *proc = corpus("qemu-arm-6.1/arm64-6.1-cma64-psi/proc");
	DIR *d = opendir(proc);
	struct dirent *e;
	char path[1024];
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "%s/%s/cgroup", proc, e->d_name);
		if (!tu_read_file(path, &buf))
			continue;
		int version = 0;
		cr_assert_eq(ms_parse_pid_cgroup(buf.data, buf.len, &pc, &err), 0, "%s", path);
		cr_assert_geq(ms_pid_cgroup_memory(&pc, &version), 0, "%s", path);
		cr_assert_eq(version, 2);
		n++;
	}
	closedir(d);
	cr_assert_gt(n, 40);
}
