/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "hostile": the built program over snapshots made to hurt it (links
 * and ../ out of the archive, zip bombs, a million entries, 100 MB lines,
 * NUL bytes, overflowing and negative numbers, odd layouts, empty and cut
 * files). tests/hostile/make-hostile.py makes each at test time in a fresh
 * folder; tests/hostile/cases.txt says what each view must do with it. On
 * top of what a case states, every run must end by itself (exit 0 or 1,
 * never a signal) within a time bound, print no raw control byte, write
 * valid JSON and create nothing, in the snapshot's folder or outside it.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* Per run of memscope; generous, for sanitizer builds on a busy machine.
 * The slowest case (a million entries) takes about 4 s in a plain build. */
#define RUN_SECONDS 90
#define MAX_RULES 16
#define CANARIES "/tmp/memscope-hostile-canary*"

static const char *const all_views[] = {
	"procrank", "slabs", "buddy", "zones", "meminfo", "vma", "report",
};
static const char *const formats[] = { "json", "text" };

/* One line of cases.txt. */
struct rule {
	char view[16];
	bool ok;
	char check[640];
};

struct hostile_case {
	const char *name;
	const char *dir; /* made by the generator; the runs' working folder */
	const char *out; /* what the runs print, kept apart from dir */
	char snapshot[PATH_MAX];
	struct rule rules[MAX_RULES];
	size_t nrules;
	ms_buf plan; /* lines for check-json.py */
	unsigned nruns;
};

static const char *hostile_file(const char *name)
{
	static char path[4][PATH_MAX];
	static int slot;
	char *p = path[slot++ % 4];

	/* tests/fixtures/../hostile/NAME: testutil knows where the tree is. */
	snprintf(p, PATH_MAX, "%s/../hostile/%s", tu_fixture(""), name);
	return p;
}

/* ---- cases.txt ----------------------------------------------------------- */

static bool take_word(const char **p, const char *end, char *dst, size_t cap)
{
	const char *tok;
	size_t len;

	if (!ms_next_token(p, end, &tok, &len) || len >= cap)
		return false;
	memcpy(dst, tok, len);
	dst[len] = '\0';
	return true;
}

/* "CASE VIEW ok|fail [CHECK]" for this case; false on a malformed line. */
static bool parse_rule(const char *line, size_t len, struct hostile_case *c)
{
	const char *p = line, *end = line + len;
	char name[64], outcome[8];
	struct rule r = { 0 };

	if (!take_word(&p, end, name, sizeof name) || !take_word(&p, end, r.view, sizeof r.view) ||
	    !take_word(&p, end, outcome, sizeof outcome))
		return false;
	if (strcmp(name, c->name) != 0)
		return true;
	if (strcmp(outcome, "ok") != 0 && strcmp(outcome, "fail") != 0)
		return false;
	r.ok = strcmp(outcome, "ok") == 0;
	ms_skip_space(&p, end);
	ms_copy_field(r.check, sizeof r.check, p, (size_t)(end - p));
	/* An ok line checks JSON ("?expr"), a fail line stderr (plain text). */
	if (r.check[0] && r.ok != (r.check[0] == '?'))
		return false;
	if (c->nrules == MAX_RULES)
		return false;
	c->rules[c->nrules++] = r;
	return true;
}

static void load_rules(struct hostile_case *c)
{
	ms_buf text = MS_BUF_INIT;
	ms_lines it;
	const char *line;
	size_t len;

	cr_assert(tu_read_file(hostile_file("cases.txt"), &text), "cannot read cases.txt");
	ms_lines_init(&it, text.data, text.len);
	while (ms_lines_next(&it, &line, &len)) {
		const char *p = line;
		ms_skip_space(&p, line + len);
		if (p == line + len || *p == '#')
			continue;
		cr_assert(parse_rule(line, len, c), "cases.txt line %u is malformed", it.lineno);
	}
	ms_buf_free(&text);
	cr_assert(c->nrules > 0, "cases.txt says nothing about %s", c->name);
}

static bool names_view(const struct hostile_case *c, const char *view)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i].view, view) == 0)
			return true;
	return false;
}

/* The rules for one view: its own lines, else the case's "*" lines. */
static size_t rules_for(const struct hostile_case *c, const char *view, const struct rule **out)
{
	const char *key = names_view(c, view) ? view : "*";
	size_t n = 0;

	for (size_t i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i].view, key) == 0)
			out[n++] = &c->rules[i];
	return n;
}

/* ---- running memscope under a clock --------------------------------------- */

struct outcome {
	int exit_status; /* -1 when it did not exit */
	int signal;      /* the signal that ended it, 0 if none */
	bool timed_out;
};

static void child_exec(const char *cwd, char *const argv[], const char *out, const char *err)
{
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct rlimit no_core = { 0, 0 };

	if (o < 0 || e < 0 || dup2(o, STDOUT_FILENO) < 0 || dup2(e, STDERR_FILENO) < 0 ||
	    chdir(cwd) != 0)
		_exit(127);
	setrlimit(RLIMIT_CORE, &no_core);
	execv(argv[0], argv);
	_exit(127);
}

static struct outcome run_bounded(const char *cwd, char *const argv[], const char *out,
				  const char *err)
{
	struct outcome r = { .exit_status = -1 };
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int status;
	pid_t pid = fork();

	cr_assert(pid >= 0, "fork failed");
	if (pid == 0)
		child_exec(cwd, argv, out, err);
	for (long waited = 0;; waited += 10) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (waited >= RUN_SECONDS * 1000L) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			r.timed_out = true;
			return r;
		}
		nanosleep(&tick, NULL);
	}
	if (WIFEXITED(status))
		r.exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r.signal = WTERMSIG(status);
	return r;
}

/* ---- what every run must do ---------------------------------------------- */

static const char *first_control_byte(const ms_buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char ch = (unsigned char)b->data[i];
		if ((ch < 0x20 && ch != '\n') || ch == 0x7f)
			return b->data + i;
	}
	return NULL;
}

/* stderr: nothing, or "memscope: ..." lines, one for a failure. */
static void check_stderr(const char *label, const ms_buf *err, bool failed, const char *want)
{
	size_t lines = 0;

	for (size_t i = 0; i < err->len; i++)
		lines += err->data[i] == '\n';
	cr_expect(!first_control_byte(err), "%s: raw control byte on stderr", label);
	if (!failed)
		return;
	cr_expect(lines == 1 && strncmp(err->data, "memscope: ", 10) == 0,
		  "%s: stderr is not one \"memscope: ...\" line: %s", label, err->data);
	cr_expect(!*want || strstr(err->data, want), "%s: stderr lacks \"%s\": %s", label, want,
		  err->data);
}

static void check_run(struct hostile_case *c, const char *label, const char *fmt,
		      const struct outcome *o, const struct rule *const *rules, size_t nrules,
		      const char *out_path, const char *err_path)
{
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	bool want_ok = rules[0]->ok;

	cr_expect(!o->timed_out, "%s: still running after %d s", label, RUN_SECONDS);
	cr_expect(o->signal == 0, "%s: killed by signal %d", label, o->signal);
	cr_expect(o->timed_out || o->signal || o->exit_status == (want_ok ? 0 : 1),
		  "%s: exit status %d, expected %d", label, o->exit_status, want_ok ? 0 : 1);
	cr_assert(tu_read_file(out_path, &out) && tu_read_file(err_path, &err));
	const char *bad = first_control_byte(&out);
	cr_expect(!bad, "%s: raw control byte 0x%02x in the output", label,
		  bad ? (unsigned char)*bad : 0);
	cr_expect(!want_ok || o->exit_status != 0 || out.len > 0, "%s: no output", label);
	for (size_t i = 0; i < nrules; i++)
		check_stderr(label, &err, !want_ok, want_ok ? "" : rules[i]->check);
	if (want_ok && o->exit_status == 0 && strcmp(fmt, "json") == 0) {
		for (size_t i = 0; i < nrules; i++) {
			const char *expr = rules[i]->check[0] == '?' ? rules[i]->check + 1 : "";
			ms_buf_printf(&c->plan, "%s\t%s\t%s\n", label, out_path, expr);
		}
	}
	ms_buf_free(&out);
	ms_buf_free(&err);
}

static void run_view(struct hostile_case *c, const char *bin, const char *view)
{
	const struct rule *rules[MAX_RULES];
	size_t nrules = rules_for(c, view, rules);

	if (nrules == 0)
		return; /* a heavy case runs only the views it names */
	for (size_t i = 1; i < nrules; i++)
		cr_assert(rules[i]->ok == rules[0]->ok, "%s %s: ok and fail lines", c->name, view);
	for (size_t f = 0; f < MS_ARRAY_LEN(formats); f++) {
		char label[96], out[PATH_MAX], err[PATH_MAX];
		char *argv[9];
		int n = 0;

		argv[n++] = (char *)bin;
		argv[n++] = (char *)view;
		if (strcmp(view, "vma") == 0)
			argv[n++] = "1";
		argv[n++] = "-s";
		argv[n++] = c->snapshot;
		argv[n++] = "-f";
		argv[n++] = (char *)formats[f];
		argv[n] = NULL;
		snprintf(label, sizeof label, "%s: %s -f %s", c->name, view, formats[f]);
		snprintf(out, sizeof out, "%s/%u.out", c->out, c->nruns);
		snprintf(err, sizeof err, "%s/%u.err", c->out, c->nruns++);
		struct outcome o = run_bounded(c->dir, argv, out, err);
		check_run(c, label, formats[f], &o, rules, nrules, out, err);
	}
}

/* ---- nothing is created -------------------------------------------------- */

static size_t tree_entries;

static int count_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)st;
	(void)flag;
	(void)ftw;
	tree_entries++;
	return 0;
}

static size_t count_tree(const char *dir)
{
	tree_entries = 0;
	cr_assert(nftw(dir, count_entry, 16, FTW_PHYS) == 0, "cannot walk %s", dir);
	return tree_entries;
}

/* Our own canaries, left by an earlier run, are removed first; after
 * a case there must be none. */
static size_t count_canaries(bool remove)
{
	glob_t g;
	size_t n = glob(CANARIES, 0, NULL, &g) == 0 ? g.gl_pathc : 0;

	for (size_t i = 0; remove && i < n; i++)
		unlink(g.gl_pathv[i]);
	globfree(&g);
	return n;
}

/* ---- one case ------------------------------------------------------------ */

static bool make_snapshot(struct hostile_case *c)
{
	char cmd[PATH_MAX * 2];
	ms_buf out = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "python3 '%s' '%s' '%s'", hostile_file("make-hostile.py"),
		 c->dir, c->name);
	int rc = tu_run(cmd, &out);
	cr_assert(rc == 0, "make-hostile.py %s failed (%d)", c->name, rc);
	bool made = strncmp(out.data, "SKIP", 4) != 0;
	size_t n = strcspn(out.data, "\n");
	ms_copy_field(c->snapshot, sizeof c->snapshot, out.data, n);
	ms_buf_free(&out);
	return made;
}

static void check_plan(struct hostile_case *c)
{
	char plan[PATH_MAX], cmd[PATH_MAX * 3];
	ms_buf report = MS_BUF_INIT;
	FILE *f;

	if (!c->plan.len)
		return;
	snprintf(plan, sizeof plan, "%s/plan", c->out);
	f = fopen(plan, "w");
	cr_assert(f && fwrite(c->plan.data, 1, c->plan.len, f) == c->plan.len && fclose(f) == 0);
	snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", hostile_file("check-json.py"), plan);
	int rc = tu_run(cmd, &report);
	cr_expect(rc == 0, "JSON checks failed:\n%s", report.data);
	ms_buf_free(&report);
}

static void run_case(const char *name)
{
	struct hostile_case c = { .name = name, .plan = MS_BUF_INIT };
	char bin[PATH_MAX];

	cr_assert(realpath(tu_bin(), bin), "memscope not built: %s", tu_bin());
	load_rules(&c);
	c.dir = tu_tmpdir();
	c.out = tu_tmpdir();
	cr_assert(c.dir && c.out);
	if (!make_snapshot(&c)) {
		tu_rm_rf(c.dir);
		tu_rm_rf(c.out);
		cr_skip_test("%s: a tool the generator needs is missing", name);
	}
	size_t before = count_tree(c.dir);

	count_canaries(true);

	for (size_t v = 0; v < MS_ARRAY_LEN(all_views); v++)
		run_view(&c, bin, all_views[v]);
	cr_expect(c.nruns > 0, "%s: cases.txt names no view to run", name);
	cr_expect(count_tree(c.dir) == before, "%s: something was created next to the snapshot",
		  name);
	cr_expect(count_canaries(false) == 0, "%s: a file appeared outside: %s", name, CANARIES);
	check_plan(&c);
	ms_buf_free(&c.plan);
	tu_rm_rf(c.dir);
	tu_rm_rf(c.out);
}

TestSuite(hostile);

#define HOSTILE_CASE(id, name)        \
	Test(hostile, id)             \
	{                             \
		run_case(name);       \
	}

HOSTILE_CASE(tar_dotdot, "tar-dotdot")
HOSTILE_CASE(tar_absolute, "tar-absolute")
HOSTILE_CASE(tar_links, "tar-links")
HOSTILE_CASE(dir_links, "dir-links")
HOSTILE_CASE(inflate_gz, "inflate-gz")
HOSTILE_CASE(inflate_xz, "inflate-xz")
HOSTILE_CASE(inflate_zst, "inflate-zst")
HOSTILE_CASE(archive_cap, "archive-cap")
HOSTILE_CASE(claims_huge, "claims-huge")
HOSTILE_CASE(million_entries, "million-entries")
HOSTILE_CASE(many_pids, "many-pids")
HOSTILE_CASE(long_line, "long-line")
HOSTILE_CASE(long_names, "long-names")
HOSTILE_CASE(nul_bytes, "nul-bytes")
HOSTILE_CASE(bad_utf8, "bad-utf8")
HOSTILE_CASE(overflow, "overflow")
HOSTILE_CASE(overflow_product, "overflow-product")
HOSTILE_CASE(negative, "negative")
HOSTILE_CASE(orders_9, "orders-9")
HOSTILE_CASE(orders_14, "orders-14")
HOSTILE_CASE(orders_16, "orders-16")
HOSTILE_CASE(orders_21, "orders-21")
HOSTILE_CASE(orders_mixed, "orders-mixed")
HOSTILE_CASE(odd_zone_order, "odd-zone-order")
HOSTILE_CASE(dup_pids, "dup-pids")
HOSTILE_CASE(empty_files, "empty-files")
HOSTILE_CASE(truncated, "truncated")
HOSTILE_CASE(meta_page_zero, "meta-page-zero")
HOSTILE_CASE(meta_page_huge, "meta-page-huge")
HOSTILE_CASE(not_archive, "not-archive")
HOSTILE_CASE(empty_archive, "empty-archive")
HOSTILE_CASE(zero_bytes, "zero-bytes")
HOSTILE_CASE(cut_archive, "cut-archive")

/* Every case the generator knows is listed above and in cases.txt. */
Test(hostile, every_case_is_run)
{
	char cmd[PATH_MAX + 32];
	ms_buf names = MS_BUF_INIT, src = MS_BUF_INIT, cases = MS_BUF_INIT;
	ms_lines it;
	const char *line;
	size_t len;

	snprintf(cmd, sizeof cmd, "python3 '%s' --list", hostile_file("make-hostile.py"));
	cr_assert(tu_run(cmd, &names) == 0);
	cr_assert(tu_read_file(hostile_file("../test_hostile.c"), &src));
	cr_assert(tu_read_file(hostile_file("cases.txt"), &cases));
	ms_lines_init(&it, names.data, names.len);
	while (ms_lines_next(&it, &line, &len)) {
		char quoted[80], start[80];
		snprintf(quoted, sizeof quoted, "\"%.*s\")", (int)len, line);
		snprintf(start, sizeof start, "\n%.*s ", (int)len, line);
		cr_expect(strstr(src.data, quoted), "case %.*s has no Test", (int)len, line);
		cr_expect(strstr(cases.data, start), "case %.*s is not in cases.txt", (int)len,
			  line);
	}
	ms_buf_free(&names);
	ms_buf_free(&src);
	ms_buf_free(&cases);
}
