/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers of the test suites: where fixtures, the corpus and the
 * built program are, and small file/command utilities. */
#ifndef MEMSCOPE_TESTUTIL_H
#define MEMSCOPE_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "memscope/util.h"

/* tests/fixtures/<name>, as a static path. */
const char *tu_fixture(const char *name);
/* ../shared/corpus/<rel>, or NULL when the corpus is absent (the caller
 * then skips with cr_skip_test). MEMSCOPE_CORPUS overrides the place. The
 * folder rel starts with (one capture) must be there too: an empty corpus
 * folder or one without that capture is absent; a capture without the
 * file is the caller's failure. */
const char *tu_corpus(const char *rel);
/* tests/<rel> (a helper script, a suite's own files), as a static path
 * good until eight more calls. */
const char *tu_tests_file(const char *rel);
/* Skips the test, saying why, unless program is on PATH. */
void tu_need(const char *program, const char *why);
/* The built memscope binary. */
const char *tu_bin(void);
/* Reads a whole file into b (reset first); false when it cannot. */
bool tu_read_file(const char *path, ms_buf *b);
/* Runs a shell command, capturing stdout into out (may be NULL) and
 * returning its exit status (-1 when it did not exit normally). */
int tu_run(const char *cmd, ms_buf *out);
/* A fresh empty directory under /tmp, removed by tu_rm_rf. */
const char *tu_tmpdir(void);
void tu_rm_rf(const char *path);

/* ---- a view's JSON, read by its text (not by memscope's code) ----------- */

/* The number after the first "key": (fails the test when there is none). */
long long tu_json_number(const char *json, const char *key);
/* What a document says after its "source" object: the view's figures. */
const char *tu_json_after_source(const char *json);

/* ---- the explorer in tmux ------------------------------------------------
 * A tmux server of its own (-L sock) per test, whose one window runs the
 * explorer; the screen is read back with capture-pane. */
typedef struct tu_tmux {
	char sock[64];
	ms_buf screen; /* the last capture */
} tu_tmux;

/* Runs `tmux -L sock ARGS`, its output discarded. */
void tu_tmux_run(tu_tmux *t, const char *args);
/* Reads the window's text into t->screen. */
void tu_tmux_capture(tu_tmux *t);
/* Captures until the screen shows text (true) or 10 s have passed. */
bool tu_tmux_wait_for(tu_tmux *t, const char *text);
/* Fails the test unless the screen comes to show text, showing it. */
#define TU_TMUX_EXPECT(t, text)                                                       \
	cr_assert(tu_tmux_wait_for((t), (text)), "screen lacks \"%s\":\n%s", (text),   \
		  (t)->screen.data ? (t)->screen.data : "")

/* ---- parser inputs ------------------------------------------------------
 * Every parser of src/parse has the shape (const char *buf, size_t len, out,
 * ms_error *err) -> 0 or -errno. These run one on a fixture, a corpus file
 * or a C string; the ones that take a parser are macros, so that `out`
 * keeps its type. */

/* Reads tests/fixtures/<name> into b; fails the test when it cannot. */
void tu_fixture_read(const char *name, ms_buf *b);
/* Reads corpus file rel into b; skips the test (cr_skip_test) when the
 * corpus or rel's capture is absent, fails it when the file is. */
void tu_corpus_read(const char *rel, ms_buf *b);

/* parse run on a C string; gives the parser's result. */
#define TU_PARSE_STR(parse, s, out, err) ((parse)((s), strlen(s), (out), (err)))

/* parse run on buffer b (from tu_fixture_read or tu_corpus_read); fails
 * the test unless it gives 0, naming what was parsed, the line and why. */
#define TU_PARSE_OK(parse, what, b, out, err)                                           \
	cr_assert_eq((parse)((b)->data, (b)->len, (out), (err)), 0, "%s: line %u: %s",  \
		     (what), (err)->line, (err)->msg)

/* Reads corpus file rel into buffer b (skipping the test when the corpus
 * is absent) and parses it; fails the test unless it gives 0. */
#define TU_PARSE_CORPUS(parse, rel, b, out, err)                                        \
	do {                                                                            \
		tu_corpus_read((rel), (b));                                             \
		TU_PARSE_OK(parse, (rel), (b), (out), (err));                           \
	} while (0)

/* Reads fixture name and parses it; fails the test unless it gives 0. */
#define TU_PARSE_FIXTURE(parse, name, out, err)                                         \
	do {                                                                            \
		ms_buf tu_input_ = MS_BUF_INIT;                                         \
		tu_fixture_read((name), &tu_input_);                                    \
		int tu_rc_ = (parse)(tu_input_.data, tu_input_.len, (out), (err));      \
		ms_buf_free(&tu_input_);                                                \
		cr_assert_eq(tu_rc_, 0, "%s: line %u: %s", (name), (err)->line,         \
			     (err)->msg);                                               \
	} while (0)

#endif
