/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pieces shared by the parsers of whitespace-separated tables (mounts,
 * swaps, sysvipc): a whole token as a number, and the octal escapes with
 * which the kernel prints untrusted text in them (fs/seq_file.c
 * seq_escape_mem / mangle_path, called by show_vfsmnt in
 * fs/proc_namespace.c and swap_show in mm/swapfile.c).
 */
#include <errno.h>
#include <string.h>

#include "memscope/parse.h"

bool ms_token_i64(const char *tok, size_t len, int64_t *out)
{
	const char *p = tok, *end = tok + len;
	int64_t v;

	if (len == 0 || !ms_parse_i64(&p, end, &v) || p != end || v == MS_NA)
		return false;
	*out = v;
	return true;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* The byte of "\ooo" at s (s[0] is the backslash), or -1 when s holds no
 * escape the kernel would print (it never prints \000, nor past \377). */
static int octal_escape(const char *s, const char *end)
{
	if (end - s < 4 || !is_octal(s[1]) || !is_octal(s[2]) || !is_octal(s[3]))
		return -1;
	int v = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
	return v > 0 && v <= 0377 ? v : -1;
}

int ms_unescape_octal(ms_buf *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		const char *stop = bs ? bs : end;
		if (ms_buf_append(out, p, (size_t)(stop - p)) != 0)
			return -ENOMEM;
		if (!bs)
			break;
		int c = octal_escape(bs, end);
		if (ms_buf_putc(out, c < 0 ? '\\' : (char)c) != 0)
			return -ENOMEM;
		p = bs + (c < 0 ? 1 : 4);
	}
	/* An empty result still gets its terminating NUL. */
	return ms_buf_reserve(out, 0);
}
