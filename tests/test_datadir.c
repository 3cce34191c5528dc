/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Suite "datadir": ms_data_path finds the capture script. The tests run from
 * the build tree, so it is the source tree's data/ (the installed case is
 * checked by hand: doc/hacking.md, "Building and testing"). */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/util.h"

Test(datadir, build_tree_finds_the_source_script)
{
	char buf[PATH_MAX], got[PATH_MAX], want[PATH_MAX];

	cr_assert_not_null(ms_data_path("memscope-capture.sh", buf, sizeof buf), "%s",
			   strerror(errno));
	cr_assert_not_null(realpath(buf, got));
	cr_assert_not_null(realpath(MS_SRCDIR "/data/memscope-capture.sh", want));
	cr_assert_str_eq(got, want);
}

Test(datadir, missing_file_and_bad_names)
{
	char buf[PATH_MAX];

	errno = 0;
	cr_assert_null(ms_data_path("no-such-file", buf, sizeof buf));
	cr_assert_eq(errno, ENOENT);
	static const char *const bad[] = { "", "..", "../data/memscope-capture.sh",
					   "/etc/passwd", "sub/memscope-capture.sh" };
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		errno = 0;
		cr_assert_null(ms_data_path(bad[i], buf, sizeof buf), "%s", bad[i]);
		cr_assert_eq(errno, EINVAL, "%s", bad[i]);
	}
	errno = 0;
	cr_assert_null(ms_data_path(NULL, buf, sizeof buf));
	cr_assert_eq(errno, EINVAL);
}

Test(datadir, short_buffer_is_an_error_not_a_cut_path)
{
	char buf[16];

	errno = 0;
	cr_assert_null(ms_data_path("memscope-capture.sh", buf, sizeof buf));
	cr_assert_eq(errno, ENAMETOOLONG);
}
