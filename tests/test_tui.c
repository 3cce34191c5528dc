/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The real explorer driven in tmux: keys are sent with send-keys and the
 * screen read back with capture-pane. Each pane must show the figures the
 * batch view (JSON) gives for the same source. Skipped without tmux; each
 * test has its own tmux server (-L), killed at the end.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/table.h"
#include "testutil.h"

#define XILINX "xilinx-zynq-armv7-4.4"

struct tui {
	char sock[64];
	const char *dir;
	ms_buf screen; /* the last capture */
};

static bool have_tmux(void)
{
	return tu_run("command -v tmux >/dev/null 2>&1", NULL) == 0;
}

static void tmux(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tmux(struct tui *t, const char *fmt, ...)
{
	char args[1024], cmd[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "tmux -L %s %s >/dev/null 2>&1", t->sock, args);
	tu_run(cmd, NULL);
}

/* Starts `env memscope args` in a w x h tmux window. A script records
 * its exit status and the terminal modes it left behind. */
static void tui_start(struct tui *t, const char *env, const char *args, int w, int h)
{
	memset(t, 0, sizeof *t);
	snprintf(t->sock, sizeof t->sock, "memscope-test-%d", (int)getpid());
	t->dir = tu_tmpdir();
	cr_assert_not_null(t->dir);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/run.sh", t->dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "env %s '%s' %s\necho $? > %s/exit.tmp\nstty -a > %s/stty\n"
		   "mv %s/exit.tmp %s/exit\nsleep 60\n",
		env, tu_bin(), args, t->dir, t->dir, t->dir, t->dir);
	fclose(f);
	tmux(t, "-f /dev/null new-session -d -x %d -y %d 'sh %s'", w, h, path);
}

static void tui_stop(struct tui *t)
{
	tmux(t, "kill-server");
	tu_rm_rf(t->dir);
	ms_buf_free(&t->screen);
}

static void capture(struct tui *t)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p", t->sock);
	tu_run(cmd, &t->screen);
}

/* Waits until the screen shows text (up to 10 s). */
static bool wait_for(struct tui *t, const char *text)
{
	for (int i = 0; i < 100; i++) {
		capture(t);
		if (strstr(t->screen.data, text))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

static void expect(struct tui *t, const char *text)
{
	cr_assert(wait_for(t, text), "screen lacks \"%s\":\n%s", text, t->screen.data);
}

static void keys(struct tui *t, const char *k)
{
	tmux(t, "send-keys %s", k);
}

/* The exit status memscope left, once it has exited (-1 if it did not). */
static int exit_status(struct tui *t)
{
	char path[PATH_MAX];
	ms_buf b = MS_BUF_INIT;
	snprintf(path, sizeof path, "%s/exit", t->dir);
	int st = -1;
	for (int i = 0; i < 100 && st < 0; i++) {
		if (tu_read_file(path, &b))
			st = atoi(b.data);
		else
			usleep(100 * 1000);
	}
	ms_buf_free(&b);
	return st;
}

static void expect_sane_exit(struct tui *t)
{
	keys(t, "q");
	cr_assert_eq(exit_status(t), 0, "q exits 0");
	char path[PATH_MAX];
	ms_buf b = MS_BUF_INIT;
	snprintf(path, sizeof path, "%s/stty", t->dir);
	cr_assert(tu_read_file(path, &b));
	/* curses put the terminal in cbreak/noecho; it must be restored */
	cr_assert(strstr(b.data, " icanon") && strstr(b.data, " echo "), "%s", b.data);
	ms_buf_free(&b);
}

/* ---- reading the screen and the batch output ------------------------ */

/* The line of the screen holding text, copied into line. */
static bool line_with(const char *screen, const char *text, char *line, size_t cap)
{
	const char *p = strstr(screen, text);
	if (!p)
		return false;
	const char *start = p, *end = strchr(p, '\n');
	while (start > screen && start[-1] != '\n')
		start--;
	size_t n = end ? (size_t)(end - start) : strlen(start);
	snprintf(line, cap, "%.*s", (int)(n < cap ? n : cap - 1), start);
	return true;
}

/* The right-aligned cell of row under the title of head (numbers are
 * right-aligned to their title's end). */
static void cell_under(const char *head, const char *row, const char *title, char *out,
		       size_t cap)
{
	char pat[32];
	snprintf(pat, sizeof pat, " %s ", title);
	const char *p = strstr(head, pat);
	cr_assert_not_null(p, "no %s in %s", title, head);
	size_t end = (size_t)(p - head) + 1 + strlen(title);
	cr_assert_leq(end, strlen(row));
	size_t start = end;
	while (start > 0 && row[start - 1] != ' ')
		start--;
	snprintf(out, cap, "%.*s", (int)(end - start), row + start);
}

/* Values of "key": in a JSON text, in order, up to stop (NULL: to the
 * end). Strings come without quotes. */
static int json_values(const char *json, const char *key, const char *stop, char vals[][64],
		       int max)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *end = stop ? strstr(json, stop) : NULL;
	int n = 0;
	for (const char *p = strstr(json, pat); p && n < max && (!end || p < end);
	     p = strstr(p + 1, pat)) {
		const char *v = p + strlen(pat);
		if (*v == '"')
			v++;
		size_t len = strcspn(v, "\",}]");
		snprintf(vals[n++], 64, "%.*s", (int)len, v);
	}
	return n;
}

static void batch_json(const char *args, ms_buf *out)
{
	char cmd[PATH_MAX + 256];
	snprintf(cmd, sizeof cmd, "'%s' %s -f json", tu_bin(), args);
	cr_assert_eq(tu_run(cmd, out), 0, "%s", cmd);
}

static void kb_text(const char *kb, char *out, size_t cap)
{
	ms_format_kb(out, cap, strtoll(kb, NULL, 10), false);
}

/* The procrank rows of the screen start with the batch view's top pids,
 * in its order, with its PSS (or whichever column `title` names). */
static void expect_procrank(struct tui *t, const char *src, const char *sort_args,
			    const char *key, const char *title)
{
	char args[PATH_MAX + 64], pids[5][64], kbs[5][64];
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "procrank -s '%s' --limit 5 %s", src, sort_args);
	batch_json(args, &json);
	int n = json_values(json.data, "pid", "\"totals\"", pids, 5);
	cr_assert_eq(json_values(json.data, key, "\"totals\"", kbs, 5), n);
	cr_assert_gt(n, 0);
	char head[512], row[512], cell[64], want[64];
	cr_assert(line_with(t->screen.data, "    PID ", head, sizeof head), "%s",
		  t->screen.data);
	const char *after = strstr(t->screen.data, head) + strlen(head) + 1;
	for (int i = 0; i < n; i++) {
		const char *nl = strchr(after, '\n');
		snprintf(row, sizeof row, "%.*s", nl ? (int)(nl - after) : (int)strlen(after),
			 after);
		cell_under(head, row, "PID", cell, sizeof cell);
		cr_assert_str_eq(cell, pids[i], "row %d: %s", i, row);
		cell_under(head, row, title, cell, sizeof cell);
		kb_text(kbs[i], want, sizeof want);
		cr_assert_str_eq(cell, want, "row %d: %s", i, row);
		after = nl ? nl + 1 : after + strlen(after);
	}
	ms_buf_free(&json);
}

static void expect_slabs(struct tui *t, const char *src)
{
	char args[PATH_MAX + 64], names[5][64], kbs[5][64];
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "slabs -s '%s' --limit 5", src);
	batch_json(args, &json);
	int n = json_values(json.data, "name", "\"totals\"", names, 5);
	cr_assert_eq(json_values(json.data, "size_kb", "\"totals\"", kbs, 5), n);
	char head[512], row[512], cell[64], want[64];
	expect(t, "GROWTH");
	cr_assert(line_with(t->screen.data, "GROWTH", head, sizeof head));
	const char *prev = strstr(t->screen.data, head);
	for (int i = 0; i < n; i++) {
		char pat[80];
		snprintf(pat, sizeof pat, "\n%.63s ", names[i]);
		const char *at = strstr(t->screen.data, pat);
		cr_assert(at && at > prev, "%s in order:\n%s", names[i], t->screen.data);
		cr_assert(line_with(at + 1, names[i], row, sizeof row));
		cell_under(head, row, "SIZE", cell, sizeof cell);
		kb_text(kbs[i], want, sizeof want);
		cr_assert_str_eq(cell, want, "%s", row);
		prev = at;
	}
	ms_buf_free(&json);
}

static void expect_buddy(struct tui *t, const char *src)
{
	char args[PATH_MAX + 64], nodes[8][64], zones[8][64], kbs[8][64];
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "buddy -s '%s'", src);
	batch_json(args, &json);
	int n = json_values(json.data, "node", NULL, nodes, 8);
	cr_assert_eq(json_values(json.data, "zone", NULL, zones, 8), n);
	cr_assert_eq(json_values(json.data, "free_kb", NULL, kbs, 8), n);
	cr_assert_gt(n, 0);
	/* the first zone is on screen whatever the height */
	char title[128], line[512], want[64];
	snprintf(title, sizeof title, "Node %.16s, zone %.32s ", nodes[0], zones[0]);
	expect(t, title);
	cr_assert(line_with(t->screen.data, title, line, sizeof line));
	kb_text(kbs[0], want, sizeof want);
	char free_text[80];
	snprintf(free_text, sizeof free_text, " free %s (", want);
	cr_assert(strstr(line, free_text), "%s wanted in %s", free_text, line);

	/* its watermarks, in pages, as the zones view gives them */
	char fp[1][64], mn[1][64], lo[1][64], hi[1][64], marks[320];
	snprintf(args, sizeof args, "zones -s '%s'", src);
	batch_json(args, &json);
	if (json_values(json.data, "free_pages", NULL, fp, 1) == 1 &&
	    json_values(json.data, "min", NULL, mn, 1) == 1 &&
	    json_values(json.data, "low", NULL, lo, 1) == 1 &&
	    json_values(json.data, "high", NULL, hi, 1) == 1) {
		snprintf(marks, sizeof marks, "pages: free %s  min %s  low %s  high %s ", fp[0],
			 mn[0], lo[0], hi[0]);
		cr_assert(strstr(t->screen.data, marks), "%s wanted:\n%s", marks,
			  t->screen.data);
	}
	ms_buf_free(&json);
}

/* ---- tests -------------------------------------------------------------- */

Test(tui, snapshot_panes_show_the_batch_figures, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *snap = tu_corpus(XILINX);
	if (!snap)
		cr_skip_test("corpus absent");
	struct tui t;
	char args[PATH_MAX + 16];
	snprintf(args, sizeof args, "-s '%s'", snap);
	tui_start(&t, "TERM=xterm-256color", args, 120, 40);
	expect(&t, "sort: PSS desc");
	expect_procrank(&t, snap, "", "pss_kb", "PSS");

	keys(&t, "2");
	expect_slabs(&t, snap);
	keys(&t, "3");
	expect_buddy(&t, snap);

	/* Enter on the first process opens its mappings: as many as the
	 * batch vma view lists */
	char pid[1][64], vargs[PATH_MAX + 64], want[64];
	ms_buf json = MS_BUF_INIT;
	snprintf(vargs, sizeof vargs, "procrank -s '%s' --limit 1", snap);
	batch_json(vargs, &json);
	cr_assert_eq(json_values(json.data, "pid", NULL, pid, 1), 1);
	snprintf(vargs, sizeof vargs, "vma %s -s '%s'", pid[0], snap);
	batch_json(vargs, &json);
	int nvma = 0;
	for (const char *p = strstr(json.data, "\"start\":"); p; p = strstr(p + 1, "\"start\":"))
		nvma++;
	keys(&t, "1");
	expect(&t, "sort: PSS desc");
	keys(&t, "Enter");
	snprintf(want, sizeof want, "PID %.32s ", pid[0]);
	expect(&t, want);
	snprintf(want, sizeof want, ": %d mappings  size ", nvma);
	expect(&t, want);
	expect(&t, "x code");
	expect(&t, "-- gap of ");
	expect_sane_exit(&t);
	ms_buf_free(&json);
	tui_stop(&t);
}

Test(tui, keys_switch_panes_sort_and_resize, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *snap = tu_corpus(XILINX);
	if (!snap)
		cr_skip_test("corpus absent");
	struct tui t;
	char args[PATH_MAX + 16];
	snprintf(args, sizeof args, "-s '%s'", snap);
	tui_start(&t, "TERM=screen", args, 120, 40);
	expect(&t, "sort: PSS desc");
	keys(&t, "Tab");
	expect(&t, "GROWTH");
	keys(&t, "Tab");
	expect(&t, "unusable");
	keys(&t, "BTab");
	expect(&t, "GROWTH");
	keys(&t, "BTab");
	expect(&t, "sort: PSS desc");
	/* '>' sorts on the next column (USS), 'r' reverses: the rows follow
	 * the batch view sorted the same way */
	keys(&t, "'>'");
	expect(&t, "sort: USS desc");
	expect_procrank(&t, snap, "--sort uss_kb", "uss_kb", "USS");
	keys(&t, "r");
	expect(&t, "sort: USS asc");
	expect_procrank(&t, snap, "--sort uss_kb -r", "uss_kb", "USS");
	/* help names every field of the pane, any key closes it */
	keys(&t, "'?'");
	expect(&t, "Fields of the procrank table:");
	keys(&t, "x");
	expect(&t, "sort: USS asc");

	/* 80x24: still drawn, narrower columns dropped, nothing wraps */
	tmux(&t, "resize-window -x 80 -y 24");
	expect(&t, " 1 procrank ");
	capture(&t);
	cr_assert(strstr(t.screen.data, "    PID "), "%s", t.screen.data);
	cr_assert(strstr(t.screen.data, "?:help"), "%s", t.screen.data);
	cr_assert_null(strstr(t.screen.data, "COMMAND"), "%s", t.screen.data);
	int lines = 0;
	for (const char *p = t.screen.data; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 24, "%s", t.screen.data);
	keys(&t, "3");
	expect(&t, "Node 0, zone ");
	expect_sane_exit(&t);
	tui_stop(&t);
}

Test(tui, captured_snapshot_and_missing_files, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *dir = tu_tmpdir();
	char snap[PATH_MAX], cmd[PATH_MAX * 2];
	snprintf(snap, sizeof snap, "%s/snap", dir);
	snprintf(cmd, sizeof cmd, "'%s' capture -o '%s' 2>/dev/null", tu_bin(), snap);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	struct tui t;
	char args[PATH_MAX + 16];
	snprintf(args, sizeof args, "-s '%s'", snap);
	tui_start(&t, "TERM=tmux-256color", args, 120, 40);
	expect(&t, "snapshot ");
	expect(&t, "sort: PSS desc");
	expect_procrank(&t, snap, "", "pss_kb", "PSS");
	keys(&t, "3");
	expect_buddy(&t, snap);
	/* Space does not refresh a snapshot, and says so */
	keys(&t, "Space");
	expect(&t, "a snapshot does not refresh");
	expect_sane_exit(&t);
	tui_stop(&t);

	/* A snapshot without slabinfo: that pane says why, the others work. */
	snprintf(args, sizeof args, "-s '%s'", tu_fixture("snapshots/mem16k"));
	tui_start(&t, "TERM=xterm-256color", args, 100, 30);
	expect(&t, "Mem total");
	keys(&t, "2");
	expect(&t, "slabinfo: not in snapshot");
	keys(&t, "3");
	expect(&t, "Node 0, zone Normal");
	expect_sane_exit(&t);
	tui_stop(&t);
	tu_rm_rf(dir);
}

Test(tui, live_system, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	ms_buf json = MS_BUF_INIT;
	batch_json("meminfo", &json);
	char total[1][64], want[80];
	cr_assert_eq(json_values(json.data, "MemTotal", NULL, total, 1), 1);
	struct tui t;
	tui_start(&t, "TERM=xterm-256color", "-d 0.5", 120, 40);
	expect(&t, "live /proc, every 0.5s");
	char kb[64];
	kb_text(total[0], kb, sizeof kb);
	snprintf(want, sizeof want, "Mem total %s ", kb);
	expect(&t, want);
	expect(&t, " processes  sort: PSS desc  not listed: ");
	keys(&t, "Space");
	expect(&t, "[PAUSED]");
	keys(&t, "Space");
	keys(&t, "+");
	expect(&t, "every 1.0s");
	keys(&t, "4");
	expect(&t, "No process chosen");
	/* p: the VMA pane of a PID typed in; our own test runner's */
	keys(&t, "p");
	expect(&t, "PID: _");
	char pid[32];
	snprintf(pid, sizeof pid, "%d Enter", (int)getpid());
	keys(&t, pid);
	snprintf(want, sizeof want, "PID %d ", (int)getpid());
	expect(&t, want);
	expect(&t, " mappings  size ");
	keys(&t, "3");
	expect(&t, "Node 0, zone ");
	/* slabinfo is root's: the pane shows the caches or says why not */
	keys(&t, "2");
	expect(&t, geteuid() == 0 ? " caches  sort: SIZE desc  size " : "slabinfo: ");
	expect_sane_exit(&t);
	ms_buf_free(&json);
	tui_stop(&t);
}

Test(tui, monochrome_vt100_still_draws, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	struct tui t;
	char args[PATH_MAX + 16];
	snprintf(args, sizeof args, "-s '%s'", tu_fixture("snapshots/mem16k"));
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "Mem total");
	expect(&t, "sort: PSS desc");
	expect(&t, "[CCCC");
	expect_sane_exit(&t);
	tui_stop(&t);
}

/* A source that takes seconds to read: a --proc-root tree whose meminfo is
 * a FIFO. A writer serves it once at once, then holds the next read for
 * 8 s. While that refresh hangs, keys are answered (pane switch, help),
 * the status line says a read is under way, and q quits at once, not
 * when the read ends. */
Test(tui, keys_answered_while_a_source_is_slow, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux is not installed");
	const char *dir = tu_tmpdir();
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "cp -r '%s'/. '%s/proc' && rm '%s/proc/meminfo' && mkfifo '%s/proc/meminfo' && "
		 "( cat '%s/meminfo' > '%s/proc/meminfo'; sleep 8; "
		 "cat '%s/meminfo' > '%s/proc/meminfo' ) >/dev/null 2>&1 &",
		 tu_fixture("cli-proc"), dir, dir, dir, tu_fixture("cli-proc"), dir,
		 tu_fixture("cli-proc"), dir);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	struct tui t;
	char args[PATH_MAX + 32];
	snprintf(args, sizeof args, "--proc-root '%s/proc' -d 0.5", dir);
	tui_start(&t, "TERM=xterm", args, 100, 30);
	expect(&t, "TOTAL");           /* the first sample, served at once */
	expect(&t, "[reading]");       /* the next one hangs on the FIFO */
	keys(&t, "2");
	expect(&t, "slabinfo: not read yet"); /* pane 2, waiting for its file */
	keys(&t, "?");
	expect(&t, "Help: slabs pane");
	keys(&t, "Escape");
	cr_assert(wait_for(&t, "[reading]"), "still reading:\n%s", t.screen.data);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	keys(&t, "q");
	cr_assert_eq(exit_status(&t), 0, "q exits 0 during a read");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_lt(took, 4.0, "q took %.1f s: it waited for the read", took);
	tui_stop(&t);
	snprintf(cmd, sizeof cmd, "pkill -f '%s/proc/meminfo' ; true", dir);
	tu_run(cmd, NULL);
	tu_rm_rf(dir);
}

/* ---- 80x24 (issue 14) ------------------------------------------------------ */

#define ARMV7_ORDER11 "qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc"

static const char *board_snapshot(char *path, size_t cap)
{
	snprintf(path, cap, "%s/../../data/board-arm64-qemu.tar.gz", tu_fixture(""));
	return path;
}

/* The line holding text ends with end (nothing of it cut at the edge). */
static void expect_line_ending(struct tui *t, const char *text, const char *end)
{
	char line[512];
	expect(t, text);
	cr_assert(line_with(t->screen.data, text, line, sizeof line));
	size_t n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	cr_assert(n >= strlen(end) && strcmp(line + n - strlen(end), end) == 0,
		  "\"%s\" should end in \"%s\":\n%s", line, end, t->screen.data);
}

/* Every pane of the arm64 board at 80x24 on a monochrome vt100: the title
 * keeps the capture time; a filter in force shows on the status line
 * (it ended in "fi"); the largest allocatable order keeps its number and
 * the migrate types every order (they stopped at 8, while the memory is
 * at 10); the mappings show their file names; PgDn scrolls although
 * vt100's terminfo has no such key. */
Test(tui, every_pane_fits_80x24_on_vt100, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	char snap[PATH_MAX], args[PATH_MAX + 16], when[1][64];
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "meminfo -s '%s'", board_snapshot(snap, sizeof snap));
	batch_json(args, &json);
	cr_assert_eq(json_values(json.data, "captured_at", NULL, when, 1), 1);
	snprintf(args, sizeof args, "-s '%s'", snap);
	struct tui t;
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "sort: PSS desc");
	capture(&t);
	char title[256];
	cr_assert(line_with(t.screen.data, "memscope ", title, sizeof title));
	cr_assert(strstr(title, when[0]), "the capture time in the title: %s", title);

	keys(&t, "/ s h Enter");
	expect(&t, "filter \"sh\": ");
	expect_line_ending(&t, "filter \"sh\": ", "kernel threads");
	keys(&t, "2");
	expect(&t, "GROWTH");
	keys(&t, "/ k m a l l o c Enter");
	expect(&t, "filter \"kmalloc\": ");

	keys(&t, "3");
	expect_line_ending(&t, "largest allocatable now: order ", "(4.0M)");
	keys(&t, "PageDown");
	expect_line_ending(&t, "  migrate type ", "   10");
	expect_line_ending(&t, "  Movable ", "459");

	keys(&t, "1");
	keys(&t, "Home Enter");
	expect(&t, " mappings  size ");
	expect_line_ending(&t, " r-xp ", "/bin/busybox");
	expect_sane_exit(&t);
	ms_buf_free(&json);
	tui_stop(&t);
}

/* 32-bit ARM with 688 MB free in order 11 blocks: order 11 is a column of
 * the migrate types at 80 columns too. */
Test(tui, migrate_types_show_order_11_at_80x24, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *snap = tu_corpus(ARMV7_ORDER11);
	if (!snap)
		cr_skip_test("corpus absent");
	char args[PATH_MAX + 16];
	snprintf(args, sizeof args, "-s '%s'", snap);
	struct tui t;
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "sort: PSS desc");
	keys(&t, "3");
	expect_line_ending(&t, "largest allocatable now: order ", "(8.0M)");
	keys(&t, "PageDown");
	expect_line_ending(&t, "  migrate type ", "  11");
	expect_sane_exit(&t);
	tui_stop(&t);
}

/* The acceptance of issue 14: on the Zynq capture at 120x40, the VMA pane
 * shows the file name of a long path (it showed /lib/python3.4/lib-dynloa
 * for .../lib-dynload/unicodedata.cpython-34m.so), after the filter
 * /unicodedata, which the pane says is in force. */
Test(tui, vma_pane_shows_the_file_name_of_a_long_path, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *snap = tu_corpus(XILINX);
	if (!snap)
		cr_skip_test("corpus absent");
	char args[PATH_MAX + 16];
	snprintf(args, sizeof args, "-s '%s'", snap);
	for (int narrow = 0; narrow < 2; narrow++) {
		struct tui t;
		tui_start(&t, "TERM=xterm NO_COLOR=1", args, narrow ? 80 : 120, narrow ? 24 : 40);
		expect(&t, "sort: PSS desc");
		keys(&t, "Enter"); /* python3.4, the largest by PSS */
		expect(&t, "PID 808 python3.4: 109 mappings");
		keys(&t, "/ u n i c o d e d a t a Enter");
		expect(&t, "filter \"unicodedata\": 3 of 109 mappings");
		expect_line_ending(&t, " r-xp ", "/unicodedata.cpython-34m.so");
		expect_sane_exit(&t);
		tui_stop(&t);
	}
}

/* The explorer says what the batch view says: a process that exited
 * while its mappings were read (the fixture's status says zombie once its
 * smaps is read), and a kernel thread, with its words, not a table of
 * 0K. */
Test(tui, vma_pane_of_an_exited_process_and_of_a_kernel_thread, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *dir = tu_tmpdir();
	char cmd[PATH_MAX * 3];
	snprintf(cmd, sizeof cmd,
		 "cp -r '%s'/. '%s' && mkdir '%s/77' && cp '%s/400/smaps' '%s/77/' && "
		 "printf 'Name:\\tdying\\nState:\\tZ (zombie)\\nPPid:\\t1\\nKthread:\\t0\\n' "
		 "> '%s/77/status'",
		 tu_fixture("cli-proc"), dir, dir, dir, dir, dir);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	char args[PATH_MAX + 32];
	snprintf(args, sizeof args, "--proc-root '%s'", dir);
	struct tui t;
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "sort: PSS desc");
	keys(&t, "p 7 7 Enter");
	expect(&t, "mappings of PID 77: exited while its mappings were read (3 read)");
	keys(&t, "p 2 Enter");
	expect(&t, "PID 2 kthreadd");
	expect(&t, "A kernel thread: it runs on the kernel's own memory");
	keys(&t, "p 9 9 9 Enter");
	expect(&t, "mappings of PID 999: no such process");
	expect_sane_exit(&t);
	tui_stop(&t);
	tu_rm_rf(dir);
}

/* ---- the libs pane ----------------------------------------------------------- */

/* The value of "key": in json nearest before upto (the row's own: a
 * mapping's keys come before its "nprocs", its processes after). */
static void value_before(const char *json, const char *upto, const char *key, char *out,
			 size_t cap)
{
	char pat[64];
	const char *last = NULL;
	snprintf(pat, sizeof pat, "\"%s\":", key);
	for (const char *p = strstr(json, pat); p && p < upto; p = strstr(p + 1, pat))
		last = p;
	cr_assert_not_null(last, "no %s", key);
	last += strlen(pat);
	bool quoted = *last == '"';
	last += quoted;
	snprintf(out, cap, "%.*s", (int)strcspn(last, quoted ? "\"" : ",}]"), last);
}

struct lib_share {
	long pid, pss;
};

static int by_pss_then_pid(const void *a, const void *b)
{
	const struct lib_share *x = a, *y = b;
	if (x->pss != y->pss)
		return x->pss < y->pss ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The row of the screen below the line holding head, i rows down. */
static void screen_row(const char *screen, const char *head, int i, char *row, size_t cap)
{
	const char *at = strstr(screen, head);
	cr_assert_not_null(at);
	for (int k = 0; k <= i && at; k++) {
		at = strchr(at, '\n');
		at = at ? at + 1 : NULL;
	}
	cr_assert_not_null(at);
	snprintf(row, cap, "%.*s", (int)strcspn(at, "\n"), at);
}

/* Pane 6 on the arm64 board at 80x24, vt100, no colour: its rows are the
 * libs view's first rows, in its order, with its PSS, RSS and process
 * counts; its TOTAL is the view's total PSS; Enter on the first name
 * lists the view's processes of that name by PSS; Enter on the first of
 * them opens its VMA pane; Esc goes back to the names. */
Test(tui, libs_pane_shows_the_libs_view_figures, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	char snap[PATH_MAX], args[PATH_MAX + 64];
	ms_buf json = MS_BUF_INIT;
	board_snapshot(snap, sizeof snap);
	snprintf(args, sizeof args, "libs -s '%s'", snap);
	batch_json(args, &json);
	char total_pss[1][64], count[1][64];
	const char *totals = strstr(json.data, "\"totals\":");
	cr_assert_not_null(totals);
	cr_assert_eq(json_values(totals, "pss_kb", NULL, total_pss, 1), 1);
	cr_assert_eq(json_values(totals, "count", NULL, count, 1), 1);

	struct tui t;
	snprintf(args, sizeof args, "-s '%s'", snap);
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "sort: PSS desc");
	keys(&t, "6");
	char names_line[96];
	snprintf(names_line, sizeof names_line, "%s names  sort: PSS desc", count[0]);
	expect(&t, names_line);

	char head[512], row[512], cell[64], want[64], val[64];
	cr_assert(line_with(t.screen.data, "    VSS ", head, sizeof head));
	const char *nprocs = json.data;
	for (int i = 0; i < 5; i++) {
		nprocs = strstr(nprocs + 1, "\"nprocs\":");
		cr_assert_not_null(nprocs);
		screen_row(t.screen.data, head, i, row, sizeof row);
		const char *keys_titles[][2] = { { "pss_kb", "PSS" }, { "rss_kb", "RSS" },
						 { "vss_kb", "VSS" } };
		for (size_t k = 0; k < 3; k++) {
			value_before(json.data, nprocs, keys_titles[k][0], val, sizeof val);
			kb_text(val, want, sizeof want);
			cell_under(head, row, keys_titles[k][1], cell, sizeof cell);
			cr_assert_str_eq(cell, want, "row %d %s: %s", i, keys_titles[k][1], row);
		}
		value_before(json.data, nprocs + 10, "nprocs", val, sizeof val);
		cell_under(head, row, "PROCS", cell, sizeof cell);
		cr_assert_str_eq(cell, val, "row %d: %s", i, row);
		value_before(json.data, nprocs + 30, "name", val, sizeof val);
		cr_assert(strstr(row, val), "row %d is %s: %s", i, val, row);
	}
	kb_text(total_pss[0], want, sizeof want);
	cr_assert(line_with(t.screen.data, " TOTAL", row, sizeof row));
	cell_under(head, row, "PSS", cell, sizeof cell);
	cr_assert_str_eq(cell, want, "%s", row);

	/* The first name's processes, by PSS then PID, as the view has them. */
	char name[64];
	value_before(json.data, strstr(json.data, "\"processes\":"), "name", name, sizeof name);
	const char *procs = strstr(json.data, "\"processes\":");
	const char *procs_end = strstr(procs, "]");
	struct lib_share shares[64];
	int n = 0;
	for (const char *p = strstr(procs, "\"pid\":"); p && p < procs_end && n < 64;
	     p = strstr(p + 1, "\"pid\":")) {
		shares[n].pid = strtol(p + 6, NULL, 10);
		shares[n++].pss = strtol(strstr(p, "\"pss_kb\":") + 9, NULL, 10);
	}
	cr_assert_gt(n, 0);
	qsort(shares, (size_t)n, sizeof *shares, by_pss_then_pid);
	keys(&t, "Enter");
	char title[160];
	snprintf(title, sizeof title, "%s: %d process%s  Esc:back", name, n, n == 1 ? "" : "es");
	expect(&t, title);
	expect(&t, "    PID ");
	cr_assert(line_with(t.screen.data, "    PID ", head, sizeof head));
	for (int i = 0; i < n && i < 10; i++) {
		screen_row(t.screen.data, head, i, row, sizeof row);
		cell_under(head, row, "PID", cell, sizeof cell);
		snprintf(want, sizeof want, "%ld", shares[i].pid);
		cr_assert_str_eq(cell, want, "process %d: %s", i, row);
		snprintf(val, sizeof val, "%ld", shares[i].pss);
		kb_text(val, want, sizeof want);
		cell_under(head, row, "PSS", cell, sizeof cell);
		cr_assert_str_eq(cell, want, "process %d: %s", i, row);
	}
	keys(&t, "Enter");
	snprintf(want, sizeof want, "PID %ld ", shares[0].pid);
	expect(&t, want);
	expect(&t, " mappings  size ");
	keys(&t, "6");
	expect(&t, title);
	keys(&t, "Escape");
	expect(&t, names_line);
	expect_sane_exit(&t);
	ms_buf_free(&json);
	tui_stop(&t);
}

/* The libs pane reads every smaps on the loader's thread: with one smaps
 * a FIFO whose writer serves the first sample (this process has no
 * smaps_rollup: its figures are summed from smaps) and then waits 8 s,
 * the pane says it is reading, the keys
 * are answered meanwhile (another pane, the help), and once the file
 * comes the rows are there: that process's program among them. */
Test(tui, libs_pane_answers_keys_while_it_reads, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux is not installed");
	const char *dir = tu_tmpdir();
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "cp -r '%s'/. '%s/proc' && rm '%s/proc/400/smaps' && "
		 "mkfifo '%s/proc/400/smaps' && "
		 "( cat '%s/400/smaps' > '%s/proc/400/smaps'; sleep 8; "
		 "cat '%s/400/smaps' > '%s/proc/400/smaps' ) >/dev/null 2>&1 &",
		 tu_fixture("cli-proc"), dir, dir, dir, tu_fixture("cli-proc"), dir,
		 tu_fixture("cli-proc"), dir);
	cr_assert_eq(tu_run(cmd, NULL), 0);
	struct tui t;
	char args[PATH_MAX + 32];
	snprintf(args, sizeof args, "--proc-root '%s/proc' -d 60", dir);
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "TOTAL");
	keys(&t, "6");
	expect(&t, "Reading the smaps of every process...");
	keys(&t, "1");
	expect(&t, "sort: PSS desc");
	keys(&t, "6 ?");
	expect(&t, "Help: libs pane");
	keys(&t, "Escape");
	cr_assert(wait_for(&t, "Reading the smaps of every process..."), "%s", t.screen.data);
	expect(&t, " names  sort: PSS desc");
	expect(&t, "/usr/bin/logd");
	expect_sane_exit(&t);
	tui_stop(&t);
	snprintf(cmd, sizeof cmd, "pkill -f '%s/proc/400/smaps' ; true", dir);
	tu_run(cmd, NULL);
	tu_rm_rf(dir);
}

/* -s on a folder of snapshots: their list at 80x24 on a vt100; Enter
 * opens the selected one in the usual panes, q there comes back to the
 * list, Q leaves memscope. */
Test(tui, fleet_list_opens_a_snapshot_and_q_comes_back, .timeout = 60)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *dir = tu_tmpdir();
	char cmd[3 * PATH_MAX], args[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "cp -r '%s' '%s' '%s/'", tu_fixture("snapshots/mem16k"),
		 tu_fixture("snapshots/pagesize16k"), dir);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	struct tui t;
	snprintf(args, sizeof args, "-s '%s'", dir);
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "2 snapshots in");
	expect(&t, "mem16k");
	expect(&t, "pagesize16k");
	expect(&t, "Enter:open");
	/* Sorted by source: mem16k first, selected. */
	keys(&t, "Enter");
	expect(&t, "memscope  asahi-mini"); /* the panes' header */
	expect(&t, "q:list Q:quit");
	keys(&t, "q");
	expect(&t, "2 snapshots in");
	keys(&t, "Down");
	keys(&t, "Enter");
	expect(&t, "memscope  rk3588-16k");
	keys(&t, "Q");
	cr_assert_eq(exit_status(&t), 0, "Q exits 0");
	char path[PATH_MAX];
	ms_buf b = MS_BUF_INIT;
	snprintf(path, sizeof path, "%s/stty", t.dir);
	cr_assert(tu_read_file(path, &b));
	cr_assert(strstr(b.data, " icanon") && strstr(b.data, " echo "), "%s", b.data);
	ms_buf_free(&b);
	tui_stop(&t);
	tu_rm_rf(dir);
}

/* ---- pane 5: where the RAM went ------------------------------------------ */

#define QEMU_ARM64 "qemu-arm-6.1/arm64-6.1-cma64-psi"

/* MemTotal of a meminfo file, in kB (-1 when not there). */
static long long meminfo_total_kb(const char *root)
{
	char path[PATH_MAX];
	ms_buf b = MS_BUF_INIT;
	long long kb = -1;
	snprintf(path, sizeof path, "%s/proc/meminfo", root);
	if (tu_read_file(path, &b) && strncmp(b.data, "MemTotal:", 9) == 0)
		kb = strtoll(b.data + 9, NULL, 10);
	ms_buf_free(&b);
	return kb;
}

/* Every screen line seen while paging down the accounting from its top. */
static void collect_rows(struct tui *t, ms_buf *seen)
{
	keys(t, "Home");
	usleep(300 * 1000);
	for (int page = 0; page < 6; page++) {
		capture(t);
		ms_buf_append(seen, t->screen.data, t->screen.len);
		keys(t, "PageDown");
		usleep(300 * 1000);
	}
}

/* Esc leaves a detail: the list is back (scrolled as it was). */
static void back_to_list(struct tui *t)
{
	keys(t, "Escape");
	for (int i = 0; i < 100; i++) {
		capture(t);
		if (!strstr(t->screen.data, "(Esc: back)"))
			return;
		usleep(100 * 1000);
	}
	cr_assert_fail("Esc left the detail open:\n%s", t->screen.data);
}

/* Selects row index of the accounting (Home, then Down index times). */
static void select_row(struct tui *t, int index)
{
	keys(t, "Home");
	for (int i = 0; i < index; i++)
		keys(t, "Down");
	usleep(300 * 1000);
}

/* On a real arm64 board at 80x24, vt100, no colour: every row of the
 * accounting is on the pane with the batch view's figure, the leaves
 * under MemTotal add up to the MemTotal of the capture's meminfo (which
 * the pane shows), and Enter drills into vmalloc's callers, the reserved
 * ranges, DMA-BUF's exporters and holders, and the slab pane. */
Test(tui, memory_pane_adds_up_and_drills_down_at_80x24, .timeout = 120)
{
	if (!have_tmux())
		cr_skip_test("tmux absent");
	const char *snap = tu_corpus(QEMU_ARM64);
	if (!snap)
		cr_skip_test("corpus absent");
	char args[PATH_MAX + 64], keyv[64][64], labels[64][64], kbs[64][64], parents[64][64];
	ms_buf json = MS_BUF_INIT, seen = MS_BUF_INIT;
	snprintf(args, sizeof args, "memory -s '%s'", snap);
	batch_json(args, &json);
	const char *rows = strstr(json.data, "\"accounting\":");
	cr_assert_not_null(rows);
	int n = json_values(rows, "key", NULL, keyv, 64);
	cr_assert_eq(json_values(rows, "label", NULL, labels, 64), n);
	cr_assert_eq(json_values(rows, "kb", NULL, kbs, 64), n);
	cr_assert_eq(json_values(rows, "parent", NULL, parents, 64), n);
	cr_assert_gt(n, 20);

	/* The leaves under MemTotal add up to the file's MemTotal. */
	long long mem_total = meminfo_total_kb(snap), sum = 0;
	int vmalloc_at = -1, boot_at = -1, dmabuf_at = -1, slab_at = -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(parents[i], "mem_total") == 0) {
			cr_assert_neq(strcmp(kbs[i], "null"), 0, "%s unknown", keyv[i]);
			sum += strtoll(kbs[i], NULL, 10);
		}
		vmalloc_at = strcmp(keyv[i], "vmalloc") == 0 ? i : vmalloc_at;
		boot_at = strcmp(keyv[i], "boot_reserved") == 0 ? i : boot_at;
		dmabuf_at = strcmp(keyv[i], "dmabuf") == 0 ? i : dmabuf_at;
		slab_at = strcmp(keyv[i], "slab_unreclaimable") == 0 ? i : slab_at;
	}
	cr_assert_gt(mem_total, 0);
	cr_assert_eq(sum, mem_total, "leaves %lld, MemTotal %lld", sum, mem_total);
	cr_assert(vmalloc_at > 0 && boot_at > 0 && dmabuf_at > 0 && slab_at > 0);

	snprintf(args, sizeof args, "-s '%s'", snap);
	struct tui t;
	tui_start(&t, "TERM=vt100 NO_COLOR=1 LC_ALL=C", args, 80, 24);
	expect(&t, "sort: PSS desc");
	keys(&t, "5");
	expect(&t, "Installed RAM");
	collect_rows(&t, &seen);
	/* Each row: its label, then its figure as the batch view gives it. */
	for (int i = 0; i < n; i++) {
		char line[256], want[64];
		cr_assert(line_with(seen.data, labels[i], line, sizeof line), "no %s:\n%s",
			  labels[i], seen.data);
		if (strcmp(kbs[i], "null") == 0)
			continue;
		kb_text(kbs[i], want, sizeof want);
		char cell[80];
		snprintf(cell, sizeof cell, " %s ", want);
		cr_assert(strstr(line, cell), "%s: want %s in [%s]", keyv[i], want, line);
	}
	char total_line[256], want_total[64], lltext[32];
	snprintf(lltext, sizeof lltext, "%lld", mem_total);
	kb_text(lltext, want_total, sizeof want_total);
	cr_assert(line_with(seen.data, "  MemTotal ", total_line, sizeof total_line));
	cr_assert(strstr(total_line, want_total), "MemTotal %s: %s", want_total, total_line);

	/* vmalloc -> its callers, the biggest first as the vmalloc view has it. */
	char callers[1][64];
	ms_buf vjson = MS_BUF_INIT;
	snprintf(args, sizeof args, "vmalloc -s '%s' --limit 1", snap);
	batch_json(args, &vjson);
	cr_assert_eq(json_values(strstr(vjson.data, "\"callers\":"), "caller", NULL, callers, 1),
		     1);
	select_row(&t, vmalloc_at);
	keys(&t, "Enter");
	expect(&t, "vmalloc callers");
	char first[256];
	cr_assert(line_with(t.screen.data, "vmalloc callers", first, sizeof first));
	const char *below = strstr(t.screen.data, first) + strlen(first) + 1;
	cr_assert(strncmp(below, callers[0], strlen(callers[0])) == 0, "first caller %s:\n%s",
		  callers[0], t.screen.data);
	back_to_list(&t);

	/* Boot reservations -> the reserved ranges of iomem. */
	select_row(&t, boot_at);
	keys(&t, "Enter");
	expect(&t, "reserved ranges: iomem, device tree");
	expect(&t, "iomem 0041860000-0041eaffff"); /* the capture's first "reserved" */
	back_to_list(&t);

	/* DMA-BUF -> exporters (bufinfo lists none) and holders (none). */
	select_row(&t, dmabuf_at);
	keys(&t, "Enter");
	expect(&t, "DMA-BUF exporters");
	expect(&t, "no buffer");
	expect(&t, "no process holds one");
	back_to_list(&t);

	/* A slab row -> the slab pane. */
	select_row(&t, slab_at);
	keys(&t, "Enter");
	expect(&t, "GROWTH");
	expect_sane_exit(&t);
	ms_buf_free(&vjson);
	ms_buf_free(&json);
	ms_buf_free(&seen);
	tui_stop(&t);
}
