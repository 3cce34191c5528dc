/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "parse_meta": the times of snapshot metadata and --at.
 * Expected values computed with `date -u -d ... +%s`.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"

static int64_t iso(const char *s)
{
	int64_t ns = 0;
	cr_assert_eq(ms_parse_iso8601(s, strlen(s), &ns), 0, "%s", s);
	return ns;
}

static void refused(const char *s)
{
	int64_t ns = 42;
	cr_assert_eq(ms_parse_iso8601(s, strlen(s), &ns), -EINVAL, "%s", s);
}

Test(parse_meta, iso8601_forms)
{
	const int64_t s = 1000000000;
	/* date -u -d 2026-12-04T03:00:00Z +%s */
	cr_assert_eq(iso("2026-12-04T03:00:00Z"), 1796353200 * s);
	cr_assert_eq(iso("2026-12-04T03:00Z"), 1796353200 * s);
	cr_assert_eq(iso("2026-12-04 03:00:00"), 1796353200 * s);
	cr_assert_eq(iso("2026-12-04T04:00:00+01:00"), 1796353200 * s);
	cr_assert_eq(iso("2026-12-03T21:30:00-0530"), 1796353200 * s);
	cr_assert_eq(iso("2026-12-04T03:00:00.25Z"), 1796353200 * s + 250000000);
	cr_assert_eq(iso("1970-01-01T00:00:00Z"), 0);
	/* A leap day, and before the epoch. */
	cr_assert_eq(iso("2024-02-29T12:00:00Z"), 1709208000 * s);
	cr_assert_eq(iso("1969-12-31T23:59:59Z"), -1 * s);
}

Test(parse_meta, iso8601_refuses_what_is_not_a_time)
{
	refused("");
	refused("2026-12-04");
	refused("2026-12-04T");
	refused("2026-13-04T03:00Z");
	refused("2026-12-04T24:00Z");
	refused("2026-12-04T03:00:00ZZ");
	refused("2026-12-04T03:00:00+25:00");
	refused("2026-12-04T03:00:00.Z");
	refused("26-12-04T03:00Z");
	refused("last");
}
