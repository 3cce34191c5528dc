/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *srcdir(void)
{
	const char *s = getenv("MEMSCOPE_SRCDIR");
	return s && *s ? s : MS_SRCDIR;
}

const char *tu_fixture(const char *name)
{
	static char path[8][PATH_MAX];
	static int slot;
	char *p = path[slot++ % 8];
	snprintf(p, PATH_MAX, "%s/tests/fixtures/%s", srcdir(), name);
	return p;
}

static void corpus_root(char *root, size_t cap)
{
	const char *env = getenv("MEMSCOPE_CORPUS");
	if (env && *env)
		snprintf(root, cap, "%s", env);
	else
		snprintf(root, cap, "%s/../shared/corpus", srcdir());
}

const char *tu_corpus(const char *rel)
{
	static char path[8][PATH_MAX];
	static int slot;
	char root[PATH_MAX / 2], capture[PATH_MAX];
	corpus_root(root, sizeof root);
	/* The capture rel starts with: a clone without the corpus, an empty
	 * MEMSCOPE_CORPUS and a partial corpus all lack it. */
	size_t toplen = strcspn(rel, "/");
	snprintf(capture, sizeof capture, "%s/%.*s", root, (int)toplen, rel);
	struct stat st;
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode) || stat(capture, &st) != 0)
		return NULL;
	char *p = path[slot++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", root, rel);
	return p;
}

void tu_fixture_read(const char *name, ms_buf *b)
{
	cr_assert(tu_read_file(tu_fixture(name), b), "cannot read fixture %s: %s", name,
		  strerror(errno));
}

void tu_corpus_read(const char *rel, ms_buf *b)
{
	const char *path = tu_corpus(rel);
	if (!path) {
		char root[PATH_MAX / 2];
		corpus_root(root, sizeof root);
		cr_skip_test("corpus absent: no %.*s in %s (MEMSCOPE_CORPUS)",
			     (int)strcspn(rel, "/"), rel, root);
	}
	cr_assert(tu_read_file(path, b), "cannot read corpus file %s: %s", rel, strerror(errno));
}

const char *tu_bin(void)
{
	const char *b = getenv("MEMSCOPE_BIN");
	return b && *b ? b : "memscope";
}

bool tu_read_file(const char *path, ms_buf *b)
{
	ms_buf_reset(b);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	for (;;) {
		if (ms_buf_reserve(b, 65536) != 0) {
			close(fd);
			return false;
		}
		ssize_t r = read(fd, b->data + b->len, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			b->data[b->len] = '\0';
			return r == 0;
		}
		b->len += (size_t)r;
	}
}

int tu_run(const char *cmd, ms_buf *out)
{
	if (out)
		ms_buf_reset(out);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (out)
			ms_buf_append(out, chunk, n);
	int st = pclose(f);
	if (out && !out->data)
		ms_buf_puts(out, "");
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *tu_tests_file(const char *rel)
{
	static char path[8][PATH_MAX];
	static int slot;
	char *p = path[slot++ % 8];

	snprintf(p, PATH_MAX, "%s/../%s", tu_fixture(""), rel);
	return p;
}

void tu_need(const char *program, const char *why)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", program);
	if (tu_run(cmd, NULL) != 0)
		cr_skip_test("%s not installed (%s)", program, why);
}

long long tu_json_number(const char *json, const char *key)
{
	char pat[80];

	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(json, pat);
	cr_assert_not_null(p, "no %s in %s", key, json);
	return strtoll(p + strlen(pat), NULL, 10);
}

const char *tu_json_after_source(const char *json)
{
	const char *p = strstr(json, "\"source\":{");
	cr_assert_not_null(p, "%s", json);
	int depth = 0;
	for (p += strlen("\"source\":"); *p; p++) {
		if (*p == '"') /* skip strings: they may hold braces */
			for (p++; *p && *p != '"'; p++)
				p += *p == '\\';
		else if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p + 1;
	}
	cr_assert_fail("source never ends: %s", json);
	return NULL;
}

void tu_tmux_run(tu_tmux *t, const char *args)
{
	ms_buf cmd = MS_BUF_INIT;

	ms_buf_printf(&cmd, "tmux -L %s %s >/dev/null 2>&1", t->sock, args);
	tu_run(cmd.data, NULL);
	ms_buf_free(&cmd);
}

void tu_tmux_capture(tu_tmux *t)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p", t->sock);
	tu_run(cmd, &t->screen);
}

bool tu_tmux_wait_for(tu_tmux *t, const char *text)
{
	for (int i = 0; i < 100; i++) {
		tu_tmux_capture(t);
		if (t->screen.data && strstr(t->screen.data, text))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

const char *tu_tmpdir(void)
{
	static char path[8][64];
	static int slot;
	char *p = path[slot++ % 8];
	snprintf(p, 64, "/tmp/memscope-test.XXXXXX");
	return mkdtemp(p);
}

void tu_rm_rf(const char *path)
{
	if (!path || strncmp(path, "/tmp/", 5) != 0)
		return;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		return;
}
