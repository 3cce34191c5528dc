/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "symbols": the engine and the panes are libraries linked into the
 * program, the tests and the fuzzers, so a global name of theirs can clash
 * with anything else linked there. Every one must carry the ms_ prefix
 * (DESIGN.md). The one exception is src/source/sdstub.c: its sd_* functions
 * stand in for libsystemd's, under libsystemd's names, for libproc2.a.
 * Looked at with nm, so what the compiler adds (a sanitizer's names for the
 * globals) is seen too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const not_ms[] = {
	"sd_pid_get_session", "sd_pid_get_owner_uid", "sd_pid_get_unit",
	"sd_pid_get_user_unit", "sd_pid_get_slice", "sd_pid_get_machine_name",
	"sd_session_get_seat",
};

/* AddressSanitizer's marker for each global variable, named after it. */
static const char *const asan_odr[] = { "__odr_asan.", "__odr_asan_gen_" };

static bool allowed(const char *name)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(asan_odr); i++)
		if (strncmp(name, asan_odr[i], strlen(asan_odr[i])) == 0)
			name += strlen(asan_odr[i]);
	if (strncmp(name, "ms_", 3) == 0)
		return true;
	for (size_t i = 0; i < MS_ARRAY_LEN(not_ms); i++)
		if (strcmp(name, not_ms[i]) == 0)
			return true;
	return false;
}

/* Lists the defined global symbols of build-tree library lib that break the
 * rule into bad; returns how many names it looked at. */
static size_t check_library(const char *lib, ms_buf *bad)
{
	const char *build = getenv("MEMSCOPE_BUILDDIR");
	char cmd[4096];
	ms_buf out = MS_BUF_INIT;
	size_t seen = 0;

	snprintf(cmd, sizeof cmd, "nm -g --defined-only '%s/%s'",
		 build && *build ? build : MS_BUILDDIR, lib);
	cr_assert_eq(tu_run(cmd, &out), 0, "%s failed", cmd);
	ms_lines it;
	const char *line;
	size_t len;
	ms_lines_init(&it, out.data, out.len);
	while (ms_lines_next(&it, &line, &len)) {
		/* "0000000000000000 T ms_buf_append"; object names end in ':'. */
		char one[512], type, name[256];
		snprintf(one, sizeof one, "%.*s", (int)len, line);
		if (sscanf(one, "%*s %c %255s", &type, name) != 2)
			continue;
		seen++;
		if (!allowed(name))
			ms_buf_printf(bad, " %s(%c, %s)", name, type, lib);
	}
	ms_buf_free(&out);
	return seen;
}

Test(symbols, engine_and_panes_export_only_ms_names)
{
	ms_buf bad = MS_BUF_INIT;

	if (tu_run("command -v nm >/dev/null 2>&1", NULL) != 0)
		cr_skip_test("nm absent (binutils)");
	cr_assert_gt(check_library("libmemscope-engine.a", &bad), 100, "nm listed no engine");
	cr_assert_gt(check_library("libmemscope-tui.a", &bad), 10, "nm listed no panes");
	cr_assert_eq(bad.len, 0, "global names without ms_:%s", bad.data);
	ms_buf_free(&bad);
}
