/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "safety": what a hostile live system and its users can do to
 * memscope, and what memscope must never do to them.
 *  - a process names itself with escape sequences and newlines: no output
 *    (batch views, the explorer on a terminal) carries them raw, JSON and
 *    CSV stay well-formed and exact;
 *  - a user without privileges: panes say "needs root", own processes have
 *    figures, others are listed unknown, exit 0;
 *  - /proc moves while read: processes exit mid-read, one has 100,000
 *    mappings, descriptors and memory stay flat over 1,000 refreshes;
 *  - capture: no symlink followed out of the tree, no overwrite without
 *    --force, mode 0600, --no-cmdline, and an interrupted or starved
 *    capture leaves nothing that looks complete.
 * The privileged parts (a test user, vm.max_map_count, a small tmpfs) skip
 * when not root.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memscope/model.h"
#include "testutil.h"

/* 15 bytes: all a comm holds. OSC "set the window title", BEL, red. */
#define EVIL "\033]0;pwned\a\033[31m"
/* The same with a newline, for prctl (exec would cut a name at '/'). */
#define EVIL_NL "\033]0;pw\n\a\033[31m"
#define TEST_USER "memscope-test"
#define SECRET "SECRET-CANARY-7f3a"

TestSuite(safety, .timeout = 600);

/* ---- small helpers -------------------------------------------------------- */

static int sh(ms_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(ms_buf *out, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return tu_run(cmd, out);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f, "cannot create %s", path);
	cr_assert(fputs(text, f) >= 0 && fclose(f) == 0);
}

static void path_join(char *dst, const char *dir, const char *name)
{
	int n = snprintf(dst, PATH_MAX, "%s/%s", dir, name);

	cr_assert(n > 0 && n < PATH_MAX, "path too long: %s/%s", dir, name);
}

/* Any C0 byte but the line ends, or DEL. CSV records end in CRLF (RFC
 * 4180), so a CR is allowed there, right before its LF. */
static bool has_raw_control(const ms_buf *b, bool crlf)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char ch = (unsigned char)b->data[i];
		bool line_end = ch == '\n' || (crlf && ch == '\r' && i + 1 < b->len &&
						 b->data[i + 1] == '\n');
		if ((ch < 0x20 && !line_end) || ch == 0x7f)
			return true;
	}
	return false;
}

static const char *check_json_py(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/../hostile/check-json.py", tu_fixture(""));
	return path;
}

/* Writes json to a file in dir and checks it parses and expr holds. */
static void expect_json(const char *dir, const char *label, const ms_buf *json,
			const char *expr)
{
	char data[PATH_MAX], plan[PATH_MAX];
	ms_buf report = MS_BUF_INIT, line = MS_BUF_INIT;
	FILE *f;

	path_join(data, dir, "out.json");
	path_join(plan, dir, "plan");
	f = fopen(data, "w");
	cr_assert(f && fwrite(json->data, 1, json->len, f) == json->len && fclose(f) == 0);
	ms_buf_printf(&line, "%s\t%s\t%s\n", label, data, expr);
	write_file(plan, line.data);
	int rc = sh(&report, "python3 '%s' '%s'", check_json_py(), plan);
	cr_expect(rc == 0, "%s", report.data);
	ms_buf_free(&report);
	ms_buf_free(&line);
}

/* A child that dies with the test, should an assertion end it early. */
static pid_t spawn_or_die(void)
{
	pid_t pid = fork();

	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	return pid;
}

static void stop_child(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* Waits (up to 5 s) until /proc/PID/comm starts with want. */
static bool wait_comm(pid_t pid, const char *want)
{
	char path[64];
	ms_buf b = MS_BUF_INIT;
	bool ok = false;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 500 && !ok; i++) {
		ok = tu_read_file(path, &b) && strncmp(b.data, want, strlen(want)) == 0;
		if (!ok)
			usleep(10000);
	}
	ms_buf_free(&b);
	return ok;
}

/* ---- (a) escape sequences in names, command lines and paths --------------- */

/* A copy of sleep whose file name is EVIL: exec makes that its comm, its
 * mapping's path holds it too, and argv carries it with newlines. */
static pid_t spawn_evil_exec(const char *dir, char *exe, size_t cap)
{
	ms_buf ignored = MS_BUF_INIT;

	snprintf(exe, cap, "%s/%s", dir, EVIL);
	cr_assert(sh(&ignored, "cp \"$(command -v sleep)\" '%s' && chmod 0755 '%s'", exe, exe) == 0,
		  "cannot copy sleep");
	ms_buf_free(&ignored);
	pid_t pid = spawn_or_die();
	if (pid == 0) {
		char *argv[] = { EVIL "\nline two\r\n", "600", NULL };
		execv(exe, argv);
		_exit(127);
	}
	return pid;
}

/* Named EVIL_NL with prctl, and holding 256 MB so that it tops procrank
 * (the explorer's first screen shows it). */
static pid_t spawn_evil_prctl(void)
{
	pid_t pid = spawn_or_die();

	if (pid == 0) {
		size_t size = (size_t)256 << 20;
		char *mem = malloc(size);
		if (mem)
			memset(mem, 1, size);
		prctl(PR_SET_NAME, EVIL_NL, 0, 0, 0);
		for (;;)
			pause();
	}
	return pid;
}

/* Appends what fd gives for ms milliseconds, or until it ends. */
static void read_for(int fd, ms_buf *out, int ms)
{
	char chunk[4096];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (int waited = 0; waited < ms; waited += 50) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n <= 0)
			return;
		ms_buf_append(out, chunk, (size_t)n);
	}
}

/* All the interactive explorer writes to a terminal in its first seconds,
 * then after 'q'. */
static void tui_output(ms_buf *out)
{
	struct winsize ws = { .ws_row = 50, .ws_col = 200 };
	int term;
	pid_t pid = forkpty(&term, NULL, NULL, &ws);

	cr_assert(pid >= 0, "forkpty: %s", strerror(errno));
	if (pid == 0) {
		setenv("TERM", "xterm", 1);
		execl(tu_bin(), tu_bin(), (char *)NULL);
		_exit(127);
	}
	ms_buf_reset(out);
	read_for(term, out, 2000);
	/* Filtered, so that the process is on screen however many others
	 * the machine runs. */
	cr_expect(write(term, "/pwned\r", 7) == 7);
	read_for(term, out, 2000);
	cr_expect(write(term, "q", 1) == 1);
	read_for(term, out, 2000);
	close(term);
	stop_child(pid);
}

static void expect_clean(const char *label, const ms_buf *out, bool csv)
{
	cr_expect(out->len > 0, "%s: no output", label);
	cr_expect(!has_raw_control(out, csv), "%s: a raw control byte reached the output", label);
}

/* RFC 4180: every record has as many fields as the header (a raw newline
 * or an unquoted comma in a field would break that). */
static void expect_csv_rectangular(const char *dir, const char *label, const ms_buf *csv)
{
	char data[PATH_MAX];
	ms_buf report = MS_BUF_INIT;
	FILE *f;

	path_join(data, dir, "out.csv");
	f = fopen(data, "w");
	cr_assert(f && fwrite(csv->data, 1, csv->len, f) == csv->len && fclose(f) == 0);
	int rc = sh(&report,
		    "python3 -c 'import csv,sys; "
		    "r=list(csv.reader(open(sys.argv[1], newline=\"\")));"
		    " bad=[x for x in r if len(x)!=len(r[0])]; print(bad); sys.exit(1 if bad or "
		    "len(r)<2 else 0)' '%s'",
		    data);
	cr_expect(rc == 0, "%s: CSV records of unequal length: %s", label, report.data);
	ms_buf_free(&report);
}

Test(safety, escape_sequences_never_reach_the_output)
{
	const char *dir = tu_tmpdir();
	char exe[PATH_MAX], expr[1024];
	ms_buf out = MS_BUF_INIT;
	static const char *const formats[] = { "text", "csv", "json" };

	cr_assert(dir);
	pid_t p1 = spawn_evil_prctl(), p2 = spawn_evil_exec(dir, exe, sizeof exe);
	cr_assert(wait_comm(p1, "\033]0;pw") && wait_comm(p2, EVIL), "children did not start");

	for (size_t i = 0; i < MS_ARRAY_LEN(formats); i++) {
		char label[64];
		snprintf(label, sizeof label, "procrank -f %s", formats[i]);
		cr_expect(sh(&out, "'%s' procrank -f %s", tu_bin(), formats[i]) == 0);
		expect_clean(label, &out, i == 1);
		cr_expect(strstr(out.data, "pwned"), "%s: the process is not listed", label);
		if (i == 1)
			expect_csv_rectangular(dir, label, &out);

		snprintf(label, sizeof label, "vma -f %s", formats[i]);
		cr_expect(sh(&out, "'%s' vma %d -f %s", tu_bin(), (int)p2, formats[i]) == 0);
		expect_clean(label, &out, i == 1);
		cr_expect(strstr(out.data, "pwned"), "%s: the mapping's path is missing", label);
		if (i == 1)
			expect_csv_rectangular(dir, label, &out);
	}

	cr_expect(sh(&out, "'%s' report", tu_bin()) == 0);
	expect_clean("report", &out, false);

	/* The explorer draws the name, escaped: its terminal output holds the
	 * text but never the sequence (nor any BEL). */
	tui_output(&out);
	cr_expect(memmem(out.data, out.len, "]0;pw", 5), "the TUI does not show the process");
	cr_expect(!memmem(out.data, out.len, "\033]0;pw", 6), "the TUI sent the sequence raw");
	cr_expect(!memchr(out.data, '\a', out.len), "the TUI sent a BEL");

	/* JSON escapes are exact: decoded, the bytes are the ones the
	 * process set (status escapes the newline itself, as "\n"). */
	cr_expect(sh(&out, "'%s' procrank -f json", tu_bin()) == 0);
	snprintf(expr, sizeof expr,
		 "{p['pid']: (p['name'], p['cmdline']) for p in d['processes']}[%d] == "
		 "('\\x1b]0;pwned\\x07\\x1b[31m', "
		 "'\\x1b]0;pwned\\x07\\x1b[31m\\nline two\\r\\n 600') and "
		 "{p['pid']: p['name'] for p in d['processes']}[%d] in "
		 "('\\x1b]0;pw\\\\n\\x07\\x1b[31m', '\\x1b]0;pw\\n\\x07\\x1b[31m')",
		 (int)p2, (int)p1);
	expect_json(dir, "procrank", &out, expr);
	cr_expect(sh(&out, "'%s' vma %d -f json", tu_bin(), (int)p2) == 0);
	expect_json(dir, "vma", &out,
		    "any(v['path'].endswith('/\\x1b]0;pwned\\x07\\x1b[31m') for v in d['vmas'])");

	stop_child(p1);
	stop_child(p2);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- (b) an unprivileged user --------------------------------------------- */

static uid_t user_uid;
static gid_t user_gid;
static bool user_made;

/* The test user: a system account (no home, no login), made for the test
 * and removed after it, unless it was there before. */
static bool test_user(void)
{
	struct passwd *pw = getpwnam(TEST_USER);
	ms_buf ignored = MS_BUF_INIT;

	if (!pw) {
		sh(&ignored, "useradd --system --no-create-home --shell /usr/sbin/nologin %s "
			     ">/dev/null 2>&1", TEST_USER);
		pw = getpwnam(TEST_USER);
		user_made = pw != NULL;
	}
	ms_buf_free(&ignored);
	if (pw) {
		user_uid = pw->pw_uid;
		user_gid = pw->pw_gid;
	}
	return pw != NULL;
}

static void remove_test_user(void)
{
	ms_buf ignored = MS_BUF_INIT;

	if (user_made)
		sh(&ignored, "userdel %s >/dev/null 2>&1", TEST_USER);
	user_made = false;
	ms_buf_free(&ignored);
}

/* memscope ARGS as the test user; stdout into out, stderr into err. */
static int as_user(ms_buf *out, ms_buf *err, const char *dir, const char *args)
{
	char errpath[PATH_MAX];
	int rc;

	path_join(errpath, dir, "stderr");
	rc = sh(out, "setpriv --reuid=%u --regid=%u --clear-groups '%s' %s 2>'%s'",
		(unsigned)user_uid, (unsigned)user_gid, tu_bin(), args, errpath);
	cr_assert(tu_read_file(errpath, err));
	return rc;
}

Test(safety, unprivileged_user_sees_own_figures_and_needs_root_elsewhere,
     .fini = remove_test_user)
{
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	const char *dir = tu_tmpdir();
	char expr[512], args[64];

	if (geteuid() != 0)
		cr_skip_test("needs root to make a user");
	cr_assert(test_user(), "cannot create the user " TEST_USER);
	cr_assert(dir);
	pid_t own = spawn_or_die();
	if (own == 0) {
		/* setuid clears the parent-death signal: set it again. */
		if (setgroups(0, NULL) == 0 && setgid(user_gid) == 0 && setuid(user_uid) == 0 &&
		    prctl(PR_SET_PDEATHSIG, SIGKILL) == 0)
			execlp("sleep", "sleep", "600", (char *)NULL);
		_exit(127);
	}
	usleep(200000);

	/* slabinfo is root's: the view says so and fails. */
	cr_expect(as_user(&out, &err, dir, "slabs") == 1);
	cr_expect(strstr(err.data, "slabinfo") && strstr(err.data, "needs root"), "%s", err.data);

	/* procrank: own processes with figures, others (pid 1) unknown. */
	cr_expect(as_user(&out, &err, dir, "procrank -f json") == 0, "%s", err.data);
	snprintf(expr, sizeof expr,
		 "{p['pid']: p for p in d['processes']}[%d]['pss_kb'] > 0 and "
		 "{p['pid']: p for p in d['processes']}[1]['pss_kb'] is None and "
		 "{p['pid']: p for p in d['processes']}[1]['name'] != '' and "
		 "d['skipped']['unknown'] >= 1",
		 (int)own);
	expect_json(dir, "procrank as user", &out, expr);
	cr_expect(as_user(&out, &err, dir, "procrank") == 0);
	cr_expect(strstr(out.data, "unknown figures (-)"), "%s", out.data);

	/* buddy works; its migrate-type part (pagetypeinfo) needs root. */
	cr_expect(as_user(&out, &err, dir, "buddy -f json") == 0, "%s", err.data);
	expect_json(dir, "buddy as user", &out,
		    "len(d['zones']) > 0 and 'needs root' in d['pagetypeinfo_error']");

	/* The report shows what it can and says what it cannot. */
	cr_expect(as_user(&out, &err, dir, "report") == 0, "%s", err.data);
	cr_expect(strstr(out.data, "needs root"), "report: %s", out.data);
	cr_expect(as_user(&out, &err, dir, "meminfo") == 0);
	cr_expect(as_user(&out, &err, dir, "zones") == 0);

	/* Mappings: one's own, yes; init's, no. */
	snprintf(args, sizeof args, "vma %d -f json", (int)own);
	cr_expect(as_user(&out, &err, dir, args) == 0, "%s", err.data);
	expect_json(dir, "own vma", &out, "len(d['vmas']) > 3 and d['totals']['pss_kb'] > 0");
	cr_expect(as_user(&out, &err, dir, "vma 1") == 1);
	cr_expect(strstr(err.data, "needs root"), "vma 1: %s", err.data);

	stop_child(own);
	ms_buf_free(&out);
	ms_buf_free(&err);
	tu_rm_rf(dir);
}

/* ---- (c) the moving /proc --------------------------------------------------- */

/* Forks short-lived children as fast as it can until killed. */
static pid_t spawn_churn(void)
{
	pid_t pid = spawn_or_die();

	if (pid != 0)
		return pid;
	signal(SIGCHLD, SIG_IGN); /* children reap themselves */
	for (;;)
		if (fork() == 0)
			_exit(0);
}

static int stderr_to(const char *path)
{
	int saved = dup(STDERR_FILENO);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fflush(stderr);
	cr_assert(saved >= 0 && fd >= 0 && dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
	return saved;
}

static void stderr_back(int saved)
{
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

Test(safety, processes_exiting_mid_read_are_no_error)
{
	const char *dir = tu_tmpdir();
	char errpath[PATH_MAX];
	ms_buf noise = MS_BUF_INIT;
	ms_error err;
	size_t gone = 0;

	cr_assert(dir);
	path_join(errpath, dir, "stderr");
	ms_source *src = ms_source_open_live(NULL, &err);
	cr_assert(src, "%s", err.msg);
	pid_t churn = spawn_churn();
	int saved = stderr_to(errpath);
	for (int i = 0; i < 60; i++) {
		ms_sample s;
		int rc = ms_sample_load(&s, src, MS_PART_PROCS, &err);
		cr_expect(rc == 0 && s.st[MS_P_PROCS].status == 0, "load %d: %s", i, err.msg);
		/* A process that went away is dropped, never shown as a row
		 * of unknowns (status -ENOENT). */
		for (size_t j = 0; rc == 0 && j < s.nprocs; j++)
			cr_expect(s.procs[j].status != -ENOENT, "load %d: pid %d listed after exit",
				  i, s.procs[j].pid);
		gone += rc == 0 ? s.ngone : 0;
		if (rc == 0)
			ms_sample_free(&s);
	}
	stderr_back(saved);
	stop_child(churn);
	ms_source_close(src);
	cr_assert(tu_read_file(errpath, &noise));
	cr_expect(noise.len == 0, "noise on stderr: %s", noise.data);
	cr_log_info("processes that exited mid-read: %zu", gone);
	ms_buf_free(&noise);
	tu_rm_rf(dir);
}

/* ---- 100,000 mappings ---- */

static long max_map_count_saved = -1;

static long read_max_map_count(void)
{
	ms_buf b = MS_BUF_INIT;
	long v = tu_read_file("/proc/sys/vm/max_map_count", &b) ? atol(b.data) : -1;

	ms_buf_free(&b);
	return v;
}

static bool write_max_map_count(long v)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "w");

	return f && fprintf(f, "%ld\n", v) > 0 && fclose(f) == 0;
}

static void restore_max_map_count(void)
{
	if (max_map_count_saved > 0)
		write_max_map_count(max_map_count_saved);
	max_map_count_saved = -1;
}

#define MANY_MAPPINGS 100000

/* A child with MANY_MAPPINGS one-page mappings (alternating protections
 * keep the kernel from merging them); it writes one byte when ready. */
static pid_t spawn_many_mappings(void)
{
	int ready[2];

	cr_assert(pipe(ready) == 0);
	pid_t pid = spawn_or_die();
	if (pid == 0) {
		close(ready[0]);
		for (int i = 0; i < MANY_MAPPINGS; i++) {
			int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
			void *page = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (page == MAP_FAILED)
				_exit(1);
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	bool ok = read(ready[0], &c, 1) == 1;
	close(ready[0]);
	if (!ok) {
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

Test(safety, a_process_with_100000_mappings, .fini = restore_max_map_count)
{
	ms_error err;
	ms_vmalist vl;
	long limit = read_max_map_count();

	if (limit < MANY_MAPPINGS + 1000) {
		if (geteuid() != 0)
			cr_skip_test("vm.max_map_count is %ld; needs root to raise it", limit);
		max_map_count_saved = limit;
		cr_assert(write_max_map_count(MANY_MAPPINGS * 2), "cannot raise vm.max_map_count");
	}
	pid_t pid = spawn_many_mappings();
	cr_assert(pid > 0, "the child could not map %d pages", MANY_MAPPINGS);
	ms_source *src = ms_source_open_live(NULL, &err);
	cr_assert(src);

	cr_expect(ms_vmas_load(src, pid, &vl, &err) == 0, "%s", err.msg);
	cr_expect(vl.n >= MANY_MAPPINGS && vl.from_smaps, "%zu mappings", vl.n);
	size_t anon_pages = 0;
	for (size_t i = 0; i < vl.n; i++)
		anon_pages += vl.v[i].end - vl.v[i].start == 4096 && vl.v[i].mem.size == 4;
	cr_expect(anon_pages >= MANY_MAPPINGS, "%zu one-page mappings", anon_pages);
	ms_vmalist_free(&vl);

	/* The program too, within its time bound, and its JSON parses. */
	ms_buf out = MS_BUF_INIT;
	const char *dir = tu_tmpdir();
	char expr[128];
	time_t t0 = time(NULL);
	cr_expect(sh(&out, "timeout 120 '%s' vma %d -f json", tu_bin(), (int)pid) == 0);
	cr_expect(time(NULL) - t0 < 120);
	snprintf(expr, sizeof expr, "len(d['vmas']) >= %d", MANY_MAPPINGS);
	expect_json(dir, "vma of 100,000 mappings", &out, expr);

	ms_sample s;
	cr_expect(ms_sample_load(&s, src, MS_PART_PROCS, &err) == 0);
	for (size_t i = 0; i < s.nprocs; i++)
		if (s.procs[i].pid == pid)
			cr_expect(s.procs[i].pss_kb != MS_NA, "no PSS for the process");
	ms_sample_free(&s);
	stop_child(pid);
	ms_source_close(src);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- descriptors and memory over 1,000 refreshes ---- */

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	cr_assert(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long rss_kb(void)
{
	ms_buf b = MS_BUF_INIT;
	long pages = 0, resident = 0;

	if (tu_read_file("/proc/self/statm", &b))
		sscanf(b.data, "%ld %ld", &pages, &resident);
	ms_buf_free(&b);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void refresh(ms_source *src, unsigned parts, int times)
{
	ms_error err;

	for (int i = 0; i < times; i++) {
		ms_sample s;
		cr_assert(ms_sample_load(&s, src, parts, &err) == 0, "%s", err.msg);
		ms_sample_free(&s);
	}
}

/* ASan keeps freed memory in quarantine: RSS then grows by design. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_CHECKED false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_CHECKED false
#endif
#endif
#ifndef RSS_CHECKED
#define RSS_CHECKED true
#endif

/* 1,000 refreshes of every system file of the live /proc and 1,000 of a
 * whole fixture tree through the live reader (processes included), plus
 * 100 of the whole live system: a full live refresh costs 10-80 ms, and
 * 1,000 of them would take the suite's whole time. */
Test(safety, descriptors_and_memory_stay_flat_over_1000_refreshes)
{
	ms_error err;
	ms_source *live = ms_source_open_live(NULL, &err);
	ms_source *tree = ms_source_open_live(tu_fixture("cli-proc"), &err);

	cr_assert(live && tree, "%s", err.msg);
	refresh(live, MS_PART_ALL, 5); /* warm up: libproc2, NSS, malloc arenas */
	refresh(tree, MS_PART_ALL, 20);
	size_t fds = open_fds();
	long rss = rss_kb();

	refresh(live, MS_PART_ALL & ~(MS_PART_PROCS | MS_PART_PROC_DETAIL), 1000);
	refresh(tree, MS_PART_ALL, 1000);
	refresh(live, MS_PART_ALL, 100);

	cr_expect_eq(open_fds(), fds, "descriptors: %zu before, %zu after", fds, open_fds());
	if (RSS_CHECKED)
		cr_expect(rss_kb() - rss < 2048, "RSS grew from %ld to %ld kB", rss, rss_kb());
	ms_source_close(live);
	ms_source_close(tree);
}

/* ---- (d) capture ---------------------------------------------------------- */

/* A small proc tree for --proc-root, with links that point outside it at a
 * file holding SECRET: capture must copy none of it. */
static void make_linked_tree(const char *root, const char *outside)
{
	char p[PATH_MAX], secret[PATH_MAX];

	path_join(secret, outside, "secret");
	write_file(secret, SECRET "\n");
	cr_assert(mkdir(root, 0755) == 0);
	path_join(p, root, "meminfo");
	write_file(p, "MemTotal:        2013232 kB\nMemFree:          512344 kB\n");
	path_join(p, root, "slabinfo");
	cr_assert(symlink("../outside/secret", p) == 0);
	path_join(p, root, "zoneinfo");
	cr_assert(symlink(secret, p) == 0);
	path_join(p, root, "5");
	cr_assert(mkdir(p, 0755) == 0);
	path_join(p, root, "5/status");
	write_file(p, "Name:\tdaemon\nPid:\t5\nPPid:\t1\nUid:\t0\t0\t0\t0\nVmSize:\t    1000 kB\n");
	path_join(p, root, "5/cmdline");
	write_file(p, "daemon\0");
	path_join(p, root, "5/smaps");
	cr_assert(symlink(secret, p) == 0);
	/* A whole process directory that is a link out. */
	path_join(p, outside, "6");
	cr_assert(mkdir(p, 0755) == 0);
	path_join(p, outside, "6/status");
	write_file(p, "Name:\t" SECRET "\nPid:\t6\nPPid:\t1\nUid:\t0\t0\t0\t0\n");
	path_join(p, root, "6");
	cr_assert(symlink("../outside/6", p) == 0);
}

static int capture(ms_buf *err_out, const char *dir, const char *args)
{
	char errpath[PATH_MAX];
	ms_buf ignored = MS_BUF_INIT;

	path_join(errpath, dir, "capture.err");
	int rc = sh(&ignored, "'%s' capture %s 2>'%s'", tu_bin(), args, errpath);
	ms_buf_free(&ignored);
	if (err_out)
		cr_assert(tu_read_file(errpath, err_out));
	return rc;
}

Test(safety, capture_follows_no_symlink_out_of_the_tree)
{
	const char *dir = tu_tmpdir();
	char root[PATH_MAX], outside[PATH_MAX], args[PATH_MAX * 3];
	ms_buf out = MS_BUF_INIT;

	cr_assert(dir);
	path_join(root, dir, "proc");
	path_join(outside, dir, "outside");
	cr_assert(mkdir(outside, 0755) == 0);
	make_linked_tree(root, outside);

	snprintf(args, sizeof args, "--proc-root '%s' -o '%s/snap'", root, dir);
	cr_assert(capture(NULL, dir, args) == 0);
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s/snap.tar.gz'", root, dir);
	cr_assert(capture(NULL, dir, args) == 0);

	cr_expect(sh(&out, "grep -rl '%s' '%s/snap'", SECRET, dir) == 1,
		  "the secret was copied: %s", out.data);
	cr_expect(sh(&out, "tar -xzOf '%s/snap.tar.gz' | grep -c '%s'", dir, SECRET) == 1,
		  "the secret is in the archive");
	/* What is really in the tree was copied. */
	int rc = sh(&out, "cat '%s/snap/proc/meminfo' '%s/snap/proc/5/status'", dir, dir);
	cr_expect(rc == 0 && strstr(out.data, "MemTotal:        2013232 kB") &&
			  strstr(out.data, "daemon"),
		  "capture is missing real files: %s", out.data);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

Test(safety, capture_never_overwrites_without_force)
{
	const char *dir = tu_tmpdir();
	char path[PATH_MAX], args[PATH_MAX * 3];
	ms_buf err = MS_BUF_INIT, b = MS_BUF_INIT;

	cr_assert(dir);
	path_join(path, dir, "snap.tar.gz");
	write_file(path, "precious\n");
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s'", tu_fixture("cli-proc"), path);
	cr_expect(capture(&err, dir, args) == 1);
	cr_expect(strstr(err.data, "already exists") && strstr(err.data, "--force"), "%s",
		  err.data);
	cr_expect(tu_read_file(path, &b) && strcmp(b.data, "precious\n") == 0, "overwritten");

	/* A folder that is not a snapshot is not replaced, even forced. */
	path_join(path, dir, "photos");
	cr_assert(mkdir(path, 0755) == 0);
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s' --force", tu_fixture("cli-proc"),
		 path);
	cr_expect(capture(&err, dir, args) == 1);
	cr_expect(strstr(err.data, "not a memscope snapshot"), "%s", err.data);

	/* --force replaces a file. */
	path_join(path, dir, "snap.tar.gz");
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s' --force", tu_fixture("cli-proc"),
		 path);
	cr_expect(capture(&err, dir, args) == 0, "%s", err.data);
	cr_expect(sh(&b, "'%s' meminfo -s '%s'", tu_bin(), path) == 0, "the new capture loads");
	ms_buf_free(&err);
	ms_buf_free(&b);
	tu_rm_rf(dir);
}

static int bad_modes;

static int check_mode(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	mode_t want = flag == FTW_D ? 0700 : 0600;

	if (ftw->level > 0 && (st->st_mode & 07777) != want) {
		cr_log_error("%s: mode %04o", path, st->st_mode & 07777);
		bad_modes++;
	}
	return 0;
}

Test(safety, capture_files_are_private)
{
	const char *dir = tu_tmpdir();
	char path[PATH_MAX], args[PATH_MAX * 3];
	ms_buf out = MS_BUF_INIT;
	struct stat st;

	cr_assert(dir);
	path_join(path, dir, "snap");
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s'", tu_fixture("cli-proc"), path);
	cr_assert(capture(NULL, dir, args) == 0);
	cr_assert(stat(path, &st) == 0 && (st.st_mode & 07777) == 0700, "top folder mode %04o",
		  st.st_mode & 07777);
	bad_modes = 0;
	cr_assert(nftw(path, check_mode, 16, FTW_PHYS) == 0);
	cr_expect(bad_modes == 0, "%d files or folders not private", bad_modes);

	path_join(path, dir, "snap.tar.gz");
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s'", tu_fixture("cli-proc"), path);
	cr_assert(capture(NULL, dir, args) == 0);
	cr_expect(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600, "archive mode %04o",
		  st.st_mode & 07777);
	/* And the members say so, for whoever extracts them. */
	cr_expect(sh(&out, "tar -tvzf '%s' | grep -v -e '^-rw------- ' -e '^drwx------ '", path) ==
			  1,
		  "members not private: %s", out.data);
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

Test(safety, capture_no_cmdline_leaves_command_lines_out)
{
	const char *dir = tu_tmpdir();
	char root[PATH_MAX], p[PATH_MAX], args[PATH_MAX * 3];
	ms_buf out = MS_BUF_INIT;

	cr_assert(dir);
	path_join(root, dir, "proc");
	cr_assert(mkdir(root, 0755) == 0);
	path_join(p, root, "meminfo");
	write_file(p, "MemTotal:        2013232 kB\n");
	path_join(p, root, "7");
	cr_assert(mkdir(p, 0755) == 0);
	path_join(p, root, "7/status");
	write_file(p, "Name:\tmysql\nPid:\t7\nPPid:\t1\nUid:\t0\t0\t0\t0\nVmSize:\t    1000 kB\n");
	path_join(p, root, "7/cmdline");
	FILE *f = fopen(p, "w");
	cr_assert(f && fwrite("mysql\0--password=hunter2\0", 1, 25, f) == 25 && fclose(f) == 0);

	/* The control: without the option the secret is captured... */
	snprintf(args, sizeof args, "--proc-root '%s' -o '%s/with'", root, dir);
	cr_assert(capture(NULL, dir, args) == 0);
	cr_expect(sh(&out, "grep -rl hunter2 '%s/with'", dir) == 0, "control capture lacks it");
	/* ...and with it, no process command line is. */
	snprintf(args, sizeof args, "--proc-root '%s' --no-cmdline -o '%s/without'", root, dir);
	cr_assert(capture(NULL, dir, args) == 0);
	cr_expect(sh(&out, "grep -rl hunter2 '%s/without'", dir) == 1, "found in %s", out.data);
	cr_expect(sh(&out, "find '%s/without' -path '*/7/cmdline'", dir) == 0 && out.len == 0,
		  "a command line file was written: %s", out.data);
	cr_expect(sh(&out, "'%s' procrank -s '%s/without' -f json", tu_bin(), dir) == 0);
	expect_json(dir, "procrank without cmdline", &out,
		    "[(p['pid'], p['name'], p['cmdline']) for p in d['processes']] == "
		    "[(7, 'mysql', '')]");
	ms_buf_free(&out);
	tu_rm_rf(dir);
}

/* ---- interrupted captures ---- */

/* Does anything in dir look like a finished snapshot? A folder holding the
 * metadata file (written last), or a file that opens as a snapshot. */
static bool leaves_complete_snapshot(const char *dir, ms_buf *why)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	cr_assert(d);
	while ((de = readdir(d)) && !found) {
		char p[PATH_MAX], meta[PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "proc") == 0 || strcmp(de->d_name, "capture.err") == 0)
			continue;
		path_join(p, dir, de->d_name);
		path_join(meta, p, "memscope-snapshot");
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			found = stat(meta, &st) == 0;
		else
			found = sh(NULL, "'%s' meminfo -s '%s' >/dev/null 2>&1", tu_bin(), p) == 0;
		if (found)
			ms_buf_printf(why, "%s", de->d_name);
	}
	closedir(d);
	return found;
}

/* A tree big enough to take a while to capture: many processes whose
 * smaps are hard links to one 256 kB file (quick to make, slow to copy).
 * Its figures vary (a simple LCG), so that it does not compress away. */
static void make_big_tree(const char *root, int nprocs)
{
	char p[PATH_MAX], smaps[PATH_MAX], status[PATH_MAX];
	ms_buf text = MS_BUF_INIT;
	uint32_t x = 12345;

	cr_assert(mkdir(root, 0755) == 0);
	path_join(p, root, "meminfo");
	write_file(p, "MemTotal:        2013232 kB\n");
	while (text.len < 256 * 1024) {
		x = x * 1103515245u + 12345u;
		ms_buf_printf(&text, "Rss:        %10u kB\n", x);
	}
	path_join(smaps, root, "smaps.data");
	write_file(smaps, text.data);
	path_join(status, root, "status.data");
	write_file(status, "Name:\tworker\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\n");
	for (int pid = 1; pid <= nprocs; pid++) {
		snprintf(p, sizeof p, "%s/%d", root, pid);
		cr_assert(mkdir(p, 0755) == 0);
		snprintf(p, sizeof p, "%s/%d/smaps", root, pid);
		cr_assert(link(smaps, p) == 0);
		snprintf(p, sizeof p, "%s/%d/status", root, pid);
		cr_assert(link(status, p) == 0);
	}
	ms_buf_free(&text);
}

static pid_t start_capture(const char *root, const char *out, const char *err)
{
	pid_t pid = spawn_or_die();

	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDERR_FILENO);
		execl(tu_bin(), tu_bin(), "capture", "--proc-root", root, "-o", out, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits (tries times 0.5 ms) until a temporary (".name...") entry shows
 * up in dir. */
static bool wait_for_temp(const char *dir, int tries)
{
	for (int i = 0; i < tries; i++) {
		DIR *d = opendir(dir);
		struct dirent *de;
		bool seen = false;
		while (d && (de = readdir(d)))
			seen |= de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
				strcmp(de->d_name, "..") != 0;
		if (d)
			closedir(d);
		if (seen)
			return true;
		usleep(500);
	}
	return false;
}

static void interrupt_capture(const char *name)
{
	const char *dir = tu_tmpdir();
	char root[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
	ms_buf why = MS_BUF_INIT;
	int status;

	cr_assert(dir);
	path_join(root, dir, "proc");
	path_join(out, dir, name);
	make_big_tree(root, 1000);
	path_join(err, dir, "capture.err");
	pid_t pid = start_capture(root, out, err);
	cr_assert(wait_for_temp(dir, 20000), "%s: the capture never started writing", name);
	usleep(50000);
	/* Frozen first, so that the signal surely lands mid-way (250 MB to
	 * copy take far longer than 50 ms), then told to stop. */
	kill(pid, SIGSTOP);
	cr_assert(waitpid(pid, &status, WNOHANG) == 0, "%s: finished before SIGINT", name);
	kill(pid, SIGINT);
	kill(pid, SIGCONT);
	cr_assert(waitpid(pid, &status, 0) == pid);
	/* Caught: the capture stops, says so and exits 1. */
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: status %#x after SIGINT",
		  name, status);
	cr_expect(access(out, F_OK) != 0, "%s: the final name exists after SIGINT", name);
	cr_expect(!leaves_complete_snapshot(dir, &why), "%s: %s looks complete", name, why.data);
	cr_expect(!wait_for_temp(dir, 1), "%s: a temporary output is left behind", name);
	cr_expect(tu_read_file(err, &why) &&
			  strcmp(why.data, "memscope: capture: interrupted\n") == 0,
		  "%s: stderr: %s", name, why.data);
	ms_buf_free(&why);
	tu_rm_rf(dir);
}

Test(safety, interrupted_capture_leaves_nothing_complete)
{
	interrupt_capture("snap");
	interrupt_capture("snap.tar.gz");
}

static char small_fs[PATH_MAX];

static void unmount_small_fs(void)
{
	if (small_fs[0]) {
		umount(small_fs);
		small_fs[0] = '\0';
	}
}

Test(safety, capture_on_a_full_disk_leaves_nothing, .fini = unmount_small_fs)
{
	const char *dir = tu_tmpdir();
	static const char *const names[] = { "snap", "snap.tar", "snap.tar.gz" };
	char root[PATH_MAX], out[PATH_MAX], args[PATH_MAX * 3];
	ms_buf err = MS_BUF_INIT, list = MS_BUF_INIT;

	if (geteuid() != 0)
		cr_skip_test("needs root to mount a small tmpfs");
	cr_assert(dir);
	path_join(root, dir, "proc");
	make_big_tree(root, 40); /* 10 MB: far over 200 kB, even compressed */
	path_join(small_fs, dir, "small");
	cr_assert(mkdir(small_fs, 0755) == 0);
	if (mount("tmpfs", small_fs, "tmpfs", 0, "size=200k") != 0) {
		small_fs[0] = '\0';
		cr_skip_test("cannot mount a tmpfs: %s", strerror(errno));
	}
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		path_join(out, small_fs, names[i]);
		snprintf(args, sizeof args, "--proc-root '%s' -o '%s'", root, out);
		cr_expect(capture(&err, dir, args) == 1, "%s: capture did not fail", names[i]);
		cr_expect(strstr(err.data, "No space left on device"), "%s: %s", names[i],
			  err.data);
		cr_expect(sh(&list, "ls -A '%s'", small_fs) == 0 && list.len == 0,
			  "%s: left behind: %s", names[i], list.data);
	}
	unmount_small_fs();
	ms_buf_free(&err);
	ms_buf_free(&list);
	tu_rm_rf(dir);
}
