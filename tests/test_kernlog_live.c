/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log source on this machine: the explorer steps between a
 * log's reports in tmux ([ and ]), and a real OOM kill, made safely in a
 * memory cgroup of 16 MB at the root of the v1 memory controller, is
 * found again through `capture --dmesg` and `oom SNAPSHOT`: its victim's
 * pid and name as the test knows them (it forked and named the child), the
 * memcg that triggered it, and the group's oom_kill count in `cgroups`
 * equal to its memory.oom_control. The slabs pane of a report with
 * "Unreclaimable slab info" shows those caches.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memscope/util.h"
#include "testutil.h"

/* ---- the explorer in tmux ---------------------------------------------------- */

static const char two_reports[] =
	"[  101.000000] hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	"[  101.000003] Node 0 Normal free:1200kB boost:0kB min:400kB low:500kB high:600kB present:65536kB managed:60000kB\n"
	"[  101.000004] Node 0 Normal: 4*4kB (U) 3*8kB (M) 2*16kB 0*32kB = 72kB\n"
	"[  101.000006] Tasks state (memory values in pages):\n"
	"[  101.000007] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
	"[  101.000008] [     10]     0    10     1000      500    40960        0             0 hog\n"
	"[  101.000009] [     11]  1000    11      300      100    20480        3           200 sh\n"
	"[  101.000010] Out of memory: Killed process 10 (hog) total-vm:4000kB, anon-rss:1996kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n"
	"[  102.000000] sh invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=2, oom_score_adj=200\n"
	"[  102.000001] Node 0 Normal free:800kB boost:0kB min:400kB low:500kB high:600kB present:65536kB managed:60000kB\n"
	"[  102.000002] Node 0 Normal: 2*4kB 1*8kB 0*16kB 0*32kB = 16kB\n"
	"[  102.000004] Tasks state (memory values in pages):\n"
	"[  102.000005] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
	"[  102.000006] [     11]  1000    11      300      100    20480        3           200 sh\n"
	"[  102.000007] Out of memory: Killed process 11 (sh) total-vm:1200kB, anon-rss:300kB, file-rss:100kB, shmem-rss:0kB, UID:1000 pgtables:20kB oom_score_adj:200\n";

Test(kernlog_live, explorer_steps_between_reports)
{
	tu_tmux t = { .screen = MS_BUF_INIT };
	char path[PATH_MAX], args[PATH_MAX + 256];

	if (tu_run("command -v tmux >/dev/null 2>&1", NULL) != 0)
		cr_skip_test("tmux absent");
	snprintf(path, sizeof path, "%s/kern.log", tu_tmpdir());
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(two_reports, f);
	fclose(f);
	snprintf(t.sock, sizeof t.sock, "memscope-kernlog-%d", (int)getpid());
	snprintf(args, sizeof args,
		 "-f /dev/null new-session -d -x 80 -y 24 'TERM=vt100 %s -s %s; sleep 30'",
		 tu_bin(), path);
	tu_tmux_run(&t, args);
	/* The first report, said on the status line and the tab line. */
	TU_TMUX_EXPECT(&t, "OOM report 1 of 2, [101.000000], victim 10 hog");
	TU_TMUX_EXPECT(&t, "report 1 of 2");
	TU_TMUX_EXPECT(&t, "PSS unknown");
	cr_assert(strstr(t.screen.data, "   10 0 "), "%s", t.screen.data);
	tu_tmux_run(&t, "send-keys ']'");
	TU_TMUX_EXPECT(&t, "OOM report 2 of 2, [102.000000], victim 11 sh");
	TU_TMUX_EXPECT(&t, "report 2 of 2");
	/* The second report's table holds sh alone. */
	cr_assert(!strstr(t.screen.data, " hog "), "%s", t.screen.data);
	tu_tmux_run(&t, "send-keys '['");
	TU_TMUX_EXPECT(&t, "OOM report 1 of 2");
	tu_tmux_run(&t, "send-keys 3");
	/* buddy pane: the first report's blocks per order. */
	TU_TMUX_EXPECT(&t, "Normal");
	cr_assert(strstr(t.screen.data, "4") && strstr(t.screen.data, "not in an OOM report"),
		  "%s", t.screen.data);
	tu_tmux_run(&t, "kill-server");
	ms_buf_free(&t.screen);
}

/* Pane 2 on a report with "Unreclaimable slab info": the caches with the
 * kB the log printed (leaky_objects 348416KB total = 340.2M, 348160KB used
 * = 340.0M), no object counts; the next report, without it, says so. */
Test(kernlog_live, slabs_pane_shows_a_reports_unreclaimable_slab_info)
{
	tu_tmux t = { .screen = MS_BUF_INIT };
	char args[PATH_MAX + 256];

	if (tu_run("command -v tmux >/dev/null 2>&1", NULL) != 0)
		cr_skip_test("tmux absent");
	snprintf(t.sock, sizeof t.sock, "memscope-kernslab-%d", (int)getpid());
	snprintf(args, sizeof args,
		 "-f /dev/null new-session -d -x 80 -y 24 'TERM=vt100 %s -s %s; sleep 30'", tu_bin(),
		 tu_fixture("oom/linux-4.19-x86_64-unreclaimable-slab.dmesg"));
	tu_tmux_run(&t, args);
	TU_TMUX_EXPECT(&t, "OOM report 1 of 2");
	tu_tmux_run(&t, "send-keys 2");
	TU_TMUX_EXPECT(&t, "9 caches");
	TU_TMUX_EXPECT(&t, "OOM unreclaimable list");
	cr_assert(strstr(t.screen.data, "leaky_objects                       -         -        -"
					"  340.2M       -  340.0M"), "%s", t.screen.data);
	cr_assert(strstr(t.screen.data, "nf_conntrack_expect"), "%s", t.screen.data);
	tu_tmux_run(&t, "send-keys ']'");
	TU_TMUX_EXPECT(&t, "slabinfo: this OOM report has no \"Unreclaimable slab info\"");
	tu_tmux_run(&t, "kill-server");
	ms_buf_free(&t.screen);
}

/* ---- a real OOM kill, captured ------------------------------------------------- */

#define MEMCG_V1 "/sys/fs/cgroup/memory"
#define HOG_NAME "ms-oom-hog"

static bool write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(s, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	return ok;
}

/* Allocates until the cgroup's limit kills it; named so the test knows
 * it in the report. */
static void hog(int go_fd)
{
	char c;

	prctl(PR_SET_NAME, HOG_NAME, 0, 0, 0);
	if (read(go_fd, &c, 1) != 1)
		_exit(2);
	for (int i = 0; i < 256; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			_exit(3);
		memset(p, i + 1, 1 << 20);
	}
	_exit(0); /* not killed: the test fails */
}

/* memory.oom_control's "oom_kill N"; MS_NA when the kernel has no such
 * line (before 4.13). */
static int64_t oom_kill_of(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[128];
	long long v;
	int64_t kills = MS_NA;

	cr_assert(f, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "oom_kill %lld", &v) == 1)
			kills = v;
	fclose(f);
	return kills;
}

static pid_t start_hog_in(const char *group)
{
	int go[2];
	char procs[PATH_MAX + 32], pid_text[32];

	cr_assert_eq(pipe(go), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(go[1]);
		hog(go[0]);
	}
	close(go[0]);
	snprintf(procs, sizeof procs, "%s/cgroup.procs", group);
	snprintf(pid_text, sizeof pid_text, "%d", (int)pid);
	bool moved = write_str(procs, pid_text);
	if (!moved) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		rmdir(group);
	}
	cr_assert(moved, "cannot move the child into %s", group);
	cr_assert_eq(write(go[1], "g", 1), 1);
	close(go[1]);
	return pid;
}

Test(kernlog_live, a_cgroup_oom_is_found_through_capture_dmesg)
{
	char group[PATH_MAX], file[PATH_MAX + 64], cmd[PATH_MAX * 2], want[128];
	struct stat st;
	int status;
	ms_buf out = MS_BUF_INIT;

	if (geteuid() != 0)
		cr_skip_test("needs root (a memory cgroup, the kernel log)");
	if (stat(MEMCG_V1 "/memory.limit_in_bytes", &st) != 0)
		cr_skip_test("no v1 memory controller at " MEMCG_V1);
	/* At the controller's root, not under this session's own group. */
	snprintf(group, sizeof group, MEMCG_V1 "/memscope-oom-%d", (int)getpid());
	cr_assert(mkdir(group, 0755) == 0 || errno == EEXIST, "%s: %s", group, strerror(errno));
	snprintf(file, sizeof file, "%s/memory.limit_in_bytes", group);
	if (!write_str(file, "16777216")) {
		rmdir(group);
		cr_assert_fail("%s: cannot set the limit", file);
	}
	/* No swap to escape into (the file is there only with swap accounting). */
	snprintf(file, sizeof file, "%s/memory.memsw.limit_in_bytes", group);
	if (stat(file, &st) == 0)
		write_str(file, "16777216");
	snprintf(file, sizeof file, "%s/memory.swappiness", group);
	write_str(file, "0");

	pid_t pid = start_hog_in(group);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	/* The group's count, as the kernel keeps it and as cgroups shows it,
	 * read before the group goes. */
	snprintf(file, sizeof file, "%s/memory.oom_control", group);
	int64_t kills = oom_kill_of(file);
	snprintf(cmd, sizeof cmd,
		 "%s cgroups -f json | python3 -c 'import json,sys\n"
		 "d=json.load(sys.stdin)\n"
		 "print([(g[\"events\"][\"oom_kill\"],g[\"oom_control\"][\"oom_kill\"]) for g in "
		 "d[\"groups\"] if g[\"version\"]==1 and g[\"path\"]==\"/%s\"])'",
		 tu_bin(), strrchr(group, '/') + 1);
	int cgroups_rc = tu_run(cmd, &out);
	rmdir(group);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "the child was not OOM-killed (status %#x)", status);
	cr_assert_eq(cgroups_rc, 0, "%s", cmd);
	/* oom_kill is in memory.oom_control since 4.13. */
	if (kills != MS_NA) {
		cr_assert_geq(kills, 1, "%s: oom_kill %" PRId64, file, kills);
		snprintf(want, sizeof want, "[(%" PRId64 ", %" PRId64 ")]\n", kills, kills);
		cr_assert_str_eq(out.data, want, "cgroups of %s: %s", group, out.data);
	}

	const char *dir = tu_tmpdir();
	snprintf(cmd, sizeof cmd, "%s capture --dmesg -o %s/oom.tar.gz 2>/dev/null", tu_bin(), dir);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd,
		 "%s oom %s/oom.tar.gz -f json | python3 -c 'import json,sys\n"
		 "d=json.load(sys.stdin)\n"
		 "print(\" \".join(\"%%s:%%s:%%s\"%%(r[\"victim\"][\"pid\"],r[\"victim\"][\"name\"],"
		 "r[\"trigger\"][\"memcg\"]) for r in d[\"reports\"] if r[\"victim\"]))'",
		 tu_bin(), dir);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s", cmd);
	/* The victim the test forked, in the group it made (the trigger's
	 * memcg is the group whose limit was hit). */
	snprintf(want, sizeof want, "%d:%s:/%s", (int)pid, HOG_NAME, strrchr(group, '/') + 1);
	cr_assert(strstr(out.data, want), "no report with victim and memcg %s in: %s", want,
		  out.data);
	/* And the same log read as a source: the report is one of its samples. */
	snprintf(cmd, sizeof cmd, "%s capture --dmesg -o %s/dir 2>/dev/null && "
			 "%s procrank -s %s/dir/memscope-dmesg@last -f json >/dev/null",
		 tu_bin(), dir, tu_bin(), dir);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	tu_rm_rf(dir);
	ms_buf_free(&out);
}
