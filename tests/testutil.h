/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers of the test suites: where fixtures, the corpus and the
 * built program are, and small file/command utilities. */
#ifndef MEMSCOPE_TESTUTIL_H
#define MEMSCOPE_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/util.h"

/* tests/fixtures/<name>, as a static path. */
const char *tu_fixture(const char *name);
/* ../shared/corpus/<rel>, or NULL when the corpus is absent (the caller
 * then skips with cr_skip_test). MEMSCOPE_CORPUS overrides the place. */
const char *tu_corpus(const char *rel);
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

#endif
