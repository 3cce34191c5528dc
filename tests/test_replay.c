/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a recording (issue 11, part 3): `--at N|TIME|last` in the batch
 * views and the report, the JSON that says which sample it shows, and the
 * explorer's time bar and help. The recordings are made here: samples are
 * archives of a fixture snapshot whose MemFree this test rewrites to a
 * value of its own, written behind the one-line header of
 * doc/snapshot.md ("memscope-sample 1 BYTES UNIX-SECONDS").
 *
 * Suite replay: nothing but the fixtures and the built program.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/options.h"
#include "memscope/views.h"
#include "testutil.h"

#define NSAMPLES 3
/* 2026-12-04T03:00:00Z, and a sample every ten minutes. */
#define T0 1796353200LL
#define STEP 600

struct rec {
	char dir[64];                      /* ours (tu_tmpdir's are reused) */
	char path[128];                    /* the recording */
	char sample[NSAMPLES][128];        /* each sample's archive alone */
	long long memfree[NSAMPLES];       /* what each one's meminfo says */
};

/* The fixture snapshot with MemFree set to kb, as DIR/sI.tar.gz. */
static void make_sample(struct rec *r, int i, long long kb)
{
	char cmd[4 * PATH_MAX], path[sizeof r->sample[i]];
	snprintf(path, sizeof path, "%s/s%d.tar.gz", r->dir, i);
	memcpy(r->sample[i], path, sizeof path);
	snprintf(cmd, sizeof cmd,
		 "cp -r '%s' '%s/s%d' && sed -i 's/^MemFree:.*/MemFree: %lld kB/' '%s/s%d/meminfo'"
		 " && tar -C '%s/s%d' -czf '%s' .",
		 tu_fixture("snapshots/pagesize16k"), r->dir, i, kb, r->dir, i, r->dir, i,
		 r->sample[i]);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	r->memfree[i] = kb;
}

/* Appends archive to the recording behind its header, taken at t. */
static void append_sample(FILE *out, const char *archive, long long t)
{
	ms_buf bytes = MS_BUF_INIT;
	cr_assert(tu_read_file(archive, &bytes));
	fprintf(out, "memscope-sample 1 %zu %lld\n", bytes.len, t);
	cr_assert_eq(fwrite(bytes.data, 1, bytes.len, out), bytes.len);
	ms_buf_free(&bytes);
}

/* Where run() leaves memscope's stderr: in the recording's folder. */
static char stderr_path[128];

/* Three samples, MemFree different in each, ten minutes apart; with
 * torn, a fourth cut short after its header and a few bytes. */
static void make_recording(struct rec *r, bool torn)
{
	memset(r, 0, sizeof *r);
	const char *dir = tu_tmpdir();
	cr_assert_not_null(dir);
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	snprintf(stderr_path, sizeof stderr_path, "%s/stderr", dir);
	for (int i = 0; i < NSAMPLES; i++)
		make_sample(r, i, 1000000 + 12345LL * (i + 1));
	snprintf(r->path, sizeof r->path, "%s/board.msrec", r->dir);
	FILE *f = fopen(r->path, "wb");
	cr_assert_not_null(f);
	for (int i = 0; i < NSAMPLES; i++)
		append_sample(f, r->sample[i], T0 + (long long)i * STEP);
	if (torn)
		fprintf(f, "memscope-sample 1 5000 %lld\n\x1f\x8b\x08", T0 + NSAMPLES * STEP);
	cr_assert_eq(fclose(f), 0);
}

/* Runs memscope with args; its stdout in out, its stderr in err (either
 * may be NULL); returns its exit status. */
static int run(const char *args, ms_buf *out, ms_buf *err)
{
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", tu_bin(), args, stderr_path);
	int st = tu_run(cmd, out);
	if (err)
		cr_assert(tu_read_file(stderr_path, err));
	return st;
}

/* The string after "key": in a JSON text, into out ("null" for null). */
static void json_string(const char *json, const char *key, char *out, size_t cap)
{
	char pat[80];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(json, pat);
	cr_assert_not_null(p, "no %s in %s", key, json);
	p += strlen(pat);
	if (*p == '"')
		p++;
	snprintf(out, cap, "%.*s", (int)strcspn(p, "\",}"), p);
}

static void utc(long long t, char *out, size_t cap)
{
	ms_format_utc(out, cap, (int64_t)t * 1000000000);
}

/* ---- --at in the batch views --------------------------------------------- */

/* Each index shows that sample's own numbers: its MemFree, and every
 * figure of each view the same as the sample's archive read alone. */
Test(replay, each_index_shows_that_sample_alone)
{
	/* every view the fixture has the files of (no zoneinfo; the report
	 * names its missing files by the source, so differs in words) */
	static const char *const views[] = { "meminfo", "procrank", "slabs", "buddy" };
	struct rec r;
	make_recording(&r, false);
	for (int i = 0; i < NSAMPLES; i++) {
		char args[2 * PATH_MAX], when[48], got[64];
		ms_buf json = MS_BUF_INIT, alone = MS_BUF_INIT;
		snprintf(args, sizeof args, "meminfo -s '%s' --at %d -f json", r.path, i);
		cr_assert_eq(run(args, &json, NULL), 0, "%s", args);
		cr_assert_eq(tu_json_number(json.data, "MemFree"), r.memfree[i], "sample %d", i);
		const char *sample = strstr(json.data, "\"sample\":{");
		cr_assert_not_null(sample, "%s", json.data);
		cr_assert_eq(tu_json_number(sample, "index"), i);
		cr_assert_eq(tu_json_number(sample, "count"), NSAMPLES);
		utc(T0 + (long long)i * STEP, when, sizeof when);
		json_string(sample, "captured_at", got, sizeof got);
		cr_assert_str_eq(got, when);
		json_string(sample, "torn_tail", got, sizeof got);
		cr_assert_str_eq(got, "null");
		for (size_t v = 0; v < MS_ARRAY_LEN(views); v++) {
			snprintf(args, sizeof args, "%s -s '%s' --at %d -f json", views[v], r.path, i);
			cr_assert_eq(run(args, &json, NULL), 0, "%s", args);
			snprintf(args, sizeof args, "%s -s '%s' -f json", views[v], r.sample[i]);
			cr_assert_eq(run(args, &alone, NULL), 0, "%s", args);
			cr_assert_str_eq(tu_json_after_source(json.data), tu_json_after_source(alone.data),
					 "%s at %d", views[v], i);
		}
		ms_buf_free(&json);
		ms_buf_free(&alone);
	}
	tu_rm_rf(r.dir);
}

/* No --at, and --at last, show the last complete sample. */
Test(replay, the_last_sample_by_default)
{
	struct rec r;
	ms_buf a = MS_BUF_INIT, b = MS_BUF_INIT;
	char args[PATH_MAX + 64];
	make_recording(&r, false);
	snprintf(args, sizeof args, "meminfo -s '%s' -f json", r.path);
	cr_assert_eq(run(args, &a, NULL), 0);
	snprintf(args, sizeof args, "meminfo -s '%s' --at last -f json", r.path);
	cr_assert_eq(run(args, &b, NULL), 0);
	cr_assert_str_eq(a.data, b.data);
	cr_assert_eq(tu_json_number(a.data, "MemFree"), r.memfree[NSAMPLES - 1]);
	cr_assert_eq(tu_json_number(strstr(a.data, "\"sample\":"), "index"), NSAMPLES - 1);
	ms_buf_free(&a);
	ms_buf_free(&b);
	tu_rm_rf(r.dir);
}

/* A time picks the latest sample taken at or before it, in any zone. */
Test(replay, a_time_picks_the_latest_sample_at_or_before_it)
{
	struct rec r;
	make_recording(&r, false);
	struct {
		long long t;
		int offset_min; /* the zone the time is written in */
		int want;
	} cases[] = {
		{ T0, 0, 0 },
		{ T0 + STEP - 1, 0, 0 },
		{ T0 + STEP, 60, 1 },
		{ T0 + 2 * STEP - 1, -330, 1 },
		{ T0 + 2 * STEP, 0, 2 },
		{ T0 + 86400, 0, 2 },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++) {
		/* Written as local time of the zone, with its offset. */
		long long local = cases[i].t + cases[i].offset_min * 60LL;
		char when[48], zone[16], args[PATH_MAX + 128];
		ms_buf json = MS_BUF_INIT;
		utc(local, when, sizeof when);
		when[strlen(when) - 1] = '\0'; /* the Z */
		int off = cases[i].offset_min < 0 ? -cases[i].offset_min : cases[i].offset_min;
		if (cases[i].offset_min)
			snprintf(zone, sizeof zone, "%c%02d:%02d", cases[i].offset_min < 0 ? '-' : '+',
				 off / 60, off % 60);
		else
			snprintf(zone, sizeof zone, "Z");
		snprintf(args, sizeof args, "meminfo -s '%s' --at %s%s -f json", r.path, when, zone);
		cr_assert_eq(run(args, &json, NULL), 0, "%s", args);
		cr_assert_eq(tu_json_number(json.data, "MemFree"), r.memfree[cases[i].want], "%s",
			     args);
		ms_buf_free(&json);
	}
	/* minutes alone, as the man page writes it */
	char args[PATH_MAX + 64];
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "meminfo -s '%s' --at 2026-12-04T03:15Z -f json", r.path);
	cr_assert_eq(run(args, &json, NULL), 0, "%s", args);
	cr_assert_eq(tu_json_number(json.data, "MemFree"), r.memfree[1]);
	ms_buf_free(&json);
	tu_rm_rf(r.dir);
}

/* A pick that cannot be met is a usage error (exit 2) that says why, and
 * nothing is printed on stdout. */
Test(replay, impossible_picks_exit_2_saying_why)
{
	struct rec r;
	make_recording(&r, false);
	char first[48];
	utc(T0, first, sizeof first);
	struct {
		const char *src; /* NULL: the recording */
		const char *at;
		const char *says;
	} cases[] = {
		{ NULL, "3", "--at 3: no such sample (" },
		{ NULL, "99999999999", "no such sample" },
		{ NULL, "2026-12-04T02:59:59Z", "--at 2026-12-04T02:59:59Z: before the first sample" },
		{ NULL, "2026-12-04", "--at 2026-12-04: not a sample (an index from 0, a time" },
		{ NULL, "2026-13-04T03:00Z", "not a sample" },
		{ NULL, "-1", "not a sample" },
		{ NULL, "yesterday", "not a sample" },
		{ "", "1", "holds one sample (0 or last)" },
		{ "", "2026-11-19T10:29Z", "before the first sample" },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++) {
		char args[2 * PATH_MAX];
		ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
		snprintf(args, sizeof args, "meminfo -s '%s' --at '%s'",
			 cases[i].src ? r.sample[0] : r.path, cases[i].at);
		cr_assert_eq(run(args, &out, &err), 2, "%s", args);
		cr_assert_eq(out.len, 0u, "%s: %s", args, out.data);
		cr_assert(err.data && strstr(err.data, cases[i].says), "%s: %s", args,
			  err.data ? err.data : "");
		ms_buf_free(&out);
		ms_buf_free(&err);
	}
	/* the message about a time too early names the first sample's */
	char args[PATH_MAX + 64];
	ms_buf err = MS_BUF_INIT;
	snprintf(args, sizeof args, "meminfo -s '%s' --at 2026-12-04T02:00Z", r.path);
	cr_assert_eq(run(args, NULL, &err), 2);
	cr_assert(strstr(err.data, first), "%s", err.data);
	/* and the sample of a plain snapshot is 0 or last */
	snprintf(args, sizeof args, "meminfo -s '%s' --at 0 -f json", r.sample[0]);
	ms_buf out = MS_BUF_INIT;
	cr_assert_eq(run(args, &out, NULL), 0);
	cr_assert_eq(tu_json_number(out.data, "MemFree"), r.memfree[0]);
	cr_assert_null(strstr(out.data, "\"sample\":"), "a snapshot is no recording");
	ms_buf_free(&out);
	ms_buf_free(&err);
	tu_rm_rf(r.dir);
}

/* A torn last sample is skipped, said in JSON and on stderr; the
 * complete ones read as before. */
Test(replay, a_torn_tail_is_said)
{
	struct rec r;
	char args[PATH_MAX + 64], torn[300];
	ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	make_recording(&r, true);
	snprintf(args, sizeof args, "meminfo -s '%s' -f json", r.path);
	cr_assert_eq(run(args, &out, &err), 0);
	cr_assert_eq(tu_json_number(out.data, "MemFree"), r.memfree[NSAMPLES - 1]);
	const char *sample = strstr(out.data, "\"sample\":{");
	cr_assert_eq(tu_json_number(sample, "count"), NSAMPLES);
	json_string(sample, "torn_tail", torn, sizeof torn);
	cr_assert(strstr(torn, "torn last sample"), "%s", torn);
	cr_assert(strstr(err.data, "torn last sample"), "%s", err.data);
	snprintf(args, sizeof args, "meminfo -s '%s' --at 0 -f json", r.path);
	cr_assert_eq(run(args, &out, NULL), 0);
	cr_assert_eq(tu_json_number(out.data, "MemFree"), r.memfree[0]);
	ms_buf_free(&out);
	ms_buf_free(&err);
	tu_rm_rf(r.dir);
}

/* The report says which sample it is, in text and JSON. */
Test(replay, the_report_names_its_sample)
{
	struct rec r;
	char args[PATH_MAX + 64], line[64];
	ms_buf out = MS_BUF_INIT;
	make_recording(&r, false);
	snprintf(args, sizeof args, "report -s '%s' --at 1", r.path);
	cr_assert_eq(run(args, &out, NULL), 0);
	snprintf(line, sizeof line, "\nsample:      2 of %d (--at 1)\n", NSAMPLES);
	cr_assert(strstr(out.data, line), "%s", out.data);
	snprintf(args, sizeof args, "report -s '%s' --at 1 -f json", r.path);
	cr_assert_eq(run(args, &out, NULL), 0);
	cr_assert_eq(tu_json_number(strstr(out.data, "\"sample\":{"), "index"), 1);
	cr_assert_eq(tu_json_number(out.data, "MemFree"), r.memfree[1]);
	ms_buf_free(&out);
	tu_rm_rf(r.dir);
}

/* diff and --baseline take FILE@TIME as --at takes a time. */
Test(replay, diff_takes_a_sample_by_its_time)
{
	struct rec r;
	char args[3 * PATH_MAX], when[48];
	ms_buf out = MS_BUF_INIT;
	make_recording(&r, false);
	utc(T0 + STEP + 5, when, sizeof when);
	snprintf(args, sizeof args, "diff '%s@%s' '%s@last' meminfo -f json", r.path, when, r.path);
	cr_assert_eq(run(args, &out, NULL), 0, "%s", args);
	cr_assert_eq(tu_json_number(out.data, "MemFree_delta"), r.memfree[2] - r.memfree[1], "%s",
		     out.data);
	ms_buf_free(&out);
	tu_rm_rf(r.dir);
}

/* What --at and FILE@ take, parsed: an index, a time (to the ns, in any
 * zone), last; anything else refused. */
Test(replay, picks_parse_index_time_and_last)
{
	ms_sample_pick p;
	cr_assert_eq(ms_sample_pick_parse("last", &p), 0);
	cr_assert_eq(p.kind, MS_PICK_LAST);
	cr_assert_eq(ms_sample_pick_parse("0", &p), 0);
	cr_assert_eq(p.kind, MS_PICK_INDEX);
	cr_assert_eq(p.index, 0u);
	cr_assert_eq(ms_sample_pick_parse("1440", &p), 0);
	cr_assert_eq(p.index, 1440u);
	cr_assert_eq(ms_sample_pick_parse("2026-12-04T03:00Z", &p), 0);
	cr_assert_eq(p.kind, MS_PICK_TIME);
	cr_assert_eq(p.ns, T0 * 1000000000LL);
	cr_assert_eq(ms_sample_pick_parse("2026-12-04T04:00:00.5+01:00", &p), 0);
	cr_assert_eq(p.ns, T0 * 1000000000LL + 500000000);
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1e3", "0x10", "Last",
					   "2026-12-04", "2026-12-04T25:00Z", "03:00",
					   "99999999999999999999999" };
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++)
		cr_assert_eq(ms_sample_pick_parse(bad[i], &p), -EINVAL, "\"%s\"", bad[i]);
}

/* ---- the explorer's time bar and keys (drawn, no terminal) ---------------- */

static void screen_text(ms_screen *s, int row, ms_buf *out)
{
	cr_assert_eq(ms_screen_row_text(s, row, out), 0);
}

/* The bar holds sample, time, offset, scrubber and torn note in 80
 * columns with the widest figures; narrower, the sample and the time stay. */
Test(replay, the_time_bar_fits_80_columns)
{
	ms_screen s;
	ms_buf row = MS_BUF_INIT;
	char when[48];
	int64_t first = T0 * 1000000000LL, at = first + 3LL * 86400 * 1000000000 + 250000000;
	ms_timebar t = { .index = 12344, .count = 99999, .at_ns = at, .first_ns = first,
			 .base_index = 3, .torn = true };
	ms_format_utc(when, sizeof when, at);
	cr_assert_str_eq(when, "2026-12-07T03:00:00.25Z");
	cr_assert_eq(ms_screen_init(&s, 3, 80), 0);
	ms_timebar_draw(&s, 1, &t);
	screen_text(&s, 1, &row);
	cr_assert_leq(row.len, 80u);
	static const char head[] = "sample 12345 of 99999  2026-12-07T03:00:00.25Z  +3d00h  [";
	cr_assert_eq(strncmp(row.data, head, strlen(head)), 0, "%s", row.data);
	cr_assert(strstr(row.data, "]  torn tail"), "%s", row.data);
	/* the scrubber: '#' an eighth in, 'b' at its start */
	const char *bar = strchr(row.data, '[');
	cr_assert_eq(bar[1], 'b', "%s", row.data);
	cr_assert_not_null(strchr(bar, '#'));
	ms_screen_free(&s);

	/* 40 columns: the sample and its time come first */
	cr_assert_eq(ms_screen_init(&s, 3, 40), 0);
	ms_timebar_draw(&s, 0, &t);
	screen_text(&s, 0, &row);
	cr_assert_leq(row.len, 40u);
	cr_assert_eq(strncmp(row.data, "sample 12345 of 99999  2026-12-07T03", 36), 0, "%s",
		     row.data);
	ms_screen_free(&s);

	/* the first and the last sample sit at the scrubber's ends */
	cr_assert_eq(ms_screen_init(&s, 1, 80), 0);
	ms_timebar last = { .index = 2, .count = 3, .at_ns = first + 1200000000000LL,
			    .first_ns = first, .base_index = 0 };
	ms_timebar_draw(&s, 0, &last);
	screen_text(&s, 0, &row);
	cr_assert(strstr(row.data, "sample 3 of 3  2026-12-04T03:20:00Z  +20m00s  [b"), "%s",
		  row.data);
	cr_assert(strstr(row.data, "#]"), "%s", row.data);
	cr_assert_null(strstr(row.data, "torn"));
	ms_screen_free(&s);
	ms_buf_free(&row);
}

/* The help and the hint line offer the recording's keys only when the
 * source holds more than one sample. */
Test(replay, the_help_lists_the_recording_keys_with_samples_only)
{
	for (size_t samples = 1; samples <= 3; samples += 2) {
		ms_pane p;
		ms_screen s;
		ms_buf all = MS_BUF_INIT, row = MS_BUF_INIT, hint = MS_BUF_INIT;
		cr_assert_eq(ms_pane_init(&p, ms_panes[0]), 0);
		cr_assert_eq(ms_screen_init(&s, 200, 80), 0);
		int scroll = 0;
		ms_help_draw(&p, false, samples, false, &s, (ms_rect){ 0, 0, 200, 80 }, &scroll);
		for (int r = 0; r < 200; r++) {
			screen_text(&s, r, &row);
			ms_buf_printf(&all, "%s\n", row.data ? row.data : "");
		}
		bool keys = strstr(all.data, "[ ]  previous / next sample") &&
			    strstr(all.data, "{ }  ten samples") && strstr(all.data, "Home End");
		cr_assert_eq(keys, samples > 1, "%zu samples:\n%s", samples, all.data);
		ms_hint_line(&p, false, samples, false, &hint);
		cr_assert_eq(strstr(hint.data, "[]:step {}:jump") != NULL, samples > 1, "%s",
			     hint.data);
		cr_assert_leq(hint.len, 80u, "%s", hint.data);
		ms_buf_free(&all);
		ms_buf_free(&row);
		ms_buf_free(&hint);
		ms_screen_free(&s);
		ms_pane_destroy(&p);
	}
}

/* ---- the explorer in tmux (suite replay_tui: needs tmux) ------------------ */

#include <unistd.h>

#include "memscope/table.h"

/* Three real captures of data/, one after the other: every figure
 * differs from one sample to the next. */
static const char *const data_captures[] = { "board-arm64-qemu.tar.gz", "board-armv7-qemu.tar.gz",
					     "demo-x86_64.tar.gz" };

/* The recording of data/'s captures, ten minutes apart. */
static void make_data_recording(struct rec *r)
{
	memset(r, 0, sizeof *r);
	const char *dir = tu_tmpdir();
	cr_assert_not_null(dir);
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	snprintf(stderr_path, sizeof stderr_path, "%s/stderr", dir);
	snprintf(r->path, sizeof r->path, "%s/board.msrec", r->dir);
	FILE *f = fopen(r->path, "wb");
	cr_assert_not_null(f);
	for (int i = 0; i < NSAMPLES; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/data/%s", MS_SRCDIR, data_captures[i]);
		append_sample(f, path, T0 + (long long)i * STEP);
	}
	cr_assert_eq(fclose(f), 0);
}

/* The line of the screen holding text. */
static void screen_line(const char *screen, const char *text, char *line, size_t cap)
{
	const char *p = strstr(screen, text);
	cr_assert_not_null(p, "no \"%s\" on the screen:\n%s", text, screen);
	while (p > screen && p[-1] != '\n')
		p--;
	snprintf(line, cap, "%.*s", (int)strcspn(p, "\n"), p);
}

/* The right-aligned cell of row under title in head. */
static void cell_under(const char *head, const char *row, const char *title, char *out,
		       size_t cap)
{
	char pat[32];
	snprintf(pat, sizeof pat, " %s ", title);
	const char *p = strstr(head, pat);
	cr_assert_not_null(p, "no %s in %s", title, head);
	size_t end = (size_t)(p - head) + 1 + strlen(title), start = end;
	cr_assert_leq(end, strlen(row));
	while (start > 0 && row[start - 1] != ' ')
		start--;
	snprintf(out, cap, "%.*s", (int)(end - start), row + start);
}

static void kb_cell(long long kb, char *out, size_t cap)
{
	ms_format_kb(out, cap, kb, false);
}

/* The PSS of pid in `procrank -s FILE --at N -f json`; -1 when absent. */
static long long batch_pss(const struct rec *r, int at, int pid)
{
	char args[PATH_MAX + 64], pat[32];
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "procrank -s '%s' --at %d -f json", r->path, at);
	cr_assert_eq(run(args, &json, NULL), 0, "%s", args);
	snprintf(pat, sizeof pat, "{\"pid\":%d,", pid);
	const char *p = strstr(json.data, pat);
	long long pss = p ? tu_json_number(p, "pss_kb") : -1;
	ms_buf_free(&json);
	return pss;
}

/* The screen at sample `at` shows what the batch views give for --at at:
 * the time bar, the header's free memory, and the top process's PID and
 * PSS (the procrank pane, no baseline). */
static void expect_sample(tu_tmux *t, const struct rec *r, int at)
{
	char bar[96], when[48], args[PATH_MAX + 64], line[512], head[512], cell[64], want[64];
	ms_buf json = MS_BUF_INIT;

	utc(T0 + (long long)at * STEP, when, sizeof when);
	snprintf(bar, sizeof bar, "sample %d of %d  %s", at + 1, NSAMPLES, when);
	cr_assert(tu_tmux_wait_for(t, bar), "no \"%s\":\n%s", bar, t->screen.data);
	/* after the time bar, the pane drawn from the same sample */
	tu_tmux_capture(t);

	snprintf(args, sizeof args, "meminfo -s '%s' --at %d -f json", r->path, at);
	cr_assert_eq(run(args, &json, NULL), 0);
	kb_cell(tu_json_number(json.data, "MemFree"), want, sizeof want);
	screen_line(t->screen.data, "Mem total ", line, sizeof line);
	char free_text[80];
	snprintf(free_text, sizeof free_text, "  free %s ", want);
	cr_assert(strstr(line, free_text), "sample %d: %s wanted in %s", at, free_text, line);

	snprintf(args, sizeof args, "procrank -s '%s' --at %d --limit 1 -f json", r->path, at);
	cr_assert_eq(run(args, &json, NULL), 0);
	long long pid = tu_json_number(strstr(json.data, "\"processes\":"), "pid");
	kb_cell(tu_json_number(strstr(json.data, "\"processes\":"), "pss_kb"), want, sizeof want);
	screen_line(t->screen.data, "    PID ", head, sizeof head);
	const char *row = strstr(t->screen.data, head) + strlen(head) + 1;
	snprintf(line, sizeof line, "%.*s", (int)strcspn(row, "\n"), row);
	cell_under(head, line, "PID", cell, sizeof cell);
	cr_assert_eq(strtoll(cell, NULL, 10), pid, "sample %d: %s", at, line);
	cell_under(head, line, "PSS", cell, sizeof cell);
	cr_assert_str_eq(cell, want, "sample %d: %s", at, line);
	ms_buf_free(&json);
}

Test(replay_tui, steps_through_a_recording_as_the_batch_views_read_it, .timeout = 180)
{
	if (tu_run("command -v tmux >/dev/null 2>&1", NULL) != 0)
		cr_skip_test("tmux absent");
	struct rec r;
	tu_tmux t = { .screen = MS_BUF_INIT };
	char args[2 * PATH_MAX];
	make_data_recording(&r);
	snprintf(t.sock, sizeof t.sock, "memscope-replay-%d", (int)getpid());
	snprintf(args, sizeof args,
		 "-f /dev/null new-session -d -x 80 -y 24 'TERM=vt100 %s -s %s; sleep 30'",
		 tu_bin(), r.path);
	tu_tmux_run(&t, args);

	/* the last sample first; then [ ] { } Home End, each read anew */
	static const struct {
		const char *key;
		int at;
	} steps[] = {
		{ NULL, 2 }, { "[", 1 }, { "[", 0 }, { "[", 0 }, { "]", 1 }, { "End", 2 },
		{ "Home", 0 }, { "}", 2 }, { "{", 0 },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(steps); i++) {
		if (steps[i].key) {
			snprintf(args, sizeof args, "send-keys %s", steps[i].key);
			tu_tmux_run(&t, args);
		}
		expect_sample(&t, &r, steps[i].at);
		/* the time bar is whole at 80 columns: its scrubber closes,
		 * its '#' where the sample is (first, middle, last) */
		char bar[128];
		screen_line(t.screen.data, "sample ", bar, sizeof bar);
		const char *open = strchr(bar, '['), *close = strrchr(bar, ']');
		cr_assert(open && close && close > open + 3, "%s", bar);
		size_t cells = (size_t)(close - open - 1), mark = (size_t)(strchr(open, '#') - open - 1);
		size_t want = ((size_t)steps[i].at * (cells - 1) * 2 + (NSAMPLES - 1)) /
			      (2 * (NSAMPLES - 1)); /* rounded to the nearest cell */
		cr_assert_eq(mark, want, "%s", bar);
	}

	/* the slabs' growth is from the sample before in time: after ] over
	 * ten minutes; after [ back to the first, from none (not from the
	 * later sample just left) */
	tu_tmux_run(&t, "send-keys 2 ]");
	cr_assert(tu_tmux_wait_for(&t, "sample 2 of 3"), "%s", t.screen.data);
	cr_assert(tu_tmux_wait_for(&t, " in 600.0s"), "%s", t.screen.data);
	tu_tmux_run(&t, "send-keys [");
	cr_assert(tu_tmux_wait_for(&t, "sample 1 of 3"), "%s", t.screen.data);
	tu_tmux_capture(&t);
	cr_assert_null(strstr(t.screen.data, " in -"), "%s", t.screen.data);
	cr_assert_null(strstr(t.screen.data, " in 600.0s"), "%s", t.screen.data);
	tu_tmux_run(&t, "send-keys 1");
	cr_assert(tu_tmux_wait_for(&t, "    PID "), "%s", t.screen.data);

	/* b at sample 0, then ]: the procrank pane shows the change of each
	 * process since sample 0, as the two batch documents give it */
	tu_tmux_run(&t, "send-keys b");
	cr_assert(tu_tmux_wait_for(&t, "baseline: sample 1/3"), "%s", t.screen.data);
	tu_tmux_run(&t, "send-keys ]");
	cr_assert(tu_tmux_wait_for(&t, "dPSS"), "%s", t.screen.data);
	cr_assert(tu_tmux_wait_for(&t, "sample 2 of 3"), "%s", t.screen.data);
	char head[512], line[512], cell[64], want[64];
	screen_line(t.screen.data, "dPSS", head, sizeof head);
	cr_assert(strstr(t.screen.data, "  [b"), "b marks the baseline's place:\n%s",
		  t.screen.data);
	/* pid 1 is in both captures */
	long long was = batch_pss(&r, 0, 1), now = batch_pss(&r, 1, 1);
	cr_assert(was >= 0 && now >= 0, "pid 1 in both");
	const char *row = strstr(t.screen.data, "\n      1 ");
	cr_assert_not_null(row, "pid 1 on screen:\n%s", t.screen.data);
	snprintf(line, sizeof line, "%.*s", (int)strcspn(row + 1, "\n"), row + 1);
	cell_under(head, line, "dPSS", cell, sizeof cell);
	kb_cell(now - was, want, sizeof want);
	cr_assert_str_eq(cell, want, "%s", line);
	cell_under(head, line, "PSS", cell, sizeof cell);
	kb_cell(now, want, sizeof want);
	cr_assert_str_eq(cell, want, "%s", line);

	/* one more step: still since sample 0, not since the step before:
	 * sample 0's biggest process, not in sample 2, is "gone" with minus
	 * its PSS of sample 0 */
	tu_tmux_run(&t, "send-keys ]");
	cr_assert(tu_tmux_wait_for(&t, "sample 3 of 3"), "%s", t.screen.data);
	tu_tmux_capture(&t);
	ms_buf json = MS_BUF_INIT;
	snprintf(args, sizeof args, "procrank -s '%s' --at 0 --limit 1 -f json", r.path);
	cr_assert_eq(run(args, &json, NULL), 0);
	int top = (int)tu_json_number(strstr(json.data, "\"processes\":"), "pid");
	long long top_pss = tu_json_number(strstr(json.data, "\"processes\":"), "pss_kb");
	cr_assert_eq(batch_pss(&r, 2, top), -1, "pid %d is not in sample 2", top);
	char pat[32];
	snprintf(pat, sizeof pat, "\n%7d gone ", top);
	row = strstr(t.screen.data, pat);
	cr_assert_not_null(row, "pid %d gone since sample 0:\n%s", top, t.screen.data);
	screen_line(t.screen.data, "dPSS", head, sizeof head);
	snprintf(line, sizeof line, "%.*s", (int)strcspn(row + 1, "\n"), row + 1);
	cell_under(head, line, "dPSS", cell, sizeof cell);
	kb_cell(-top_pss, want, sizeof want);
	cr_assert_str_eq(cell, want, "%s", line);
	ms_buf_free(&json);

	tu_tmux_run(&t, "send-keys q");
	tu_tmux_run(&t, "kill-server");
	ms_buf_free(&t.screen);
	tu_rm_rf(r.dir);
}
